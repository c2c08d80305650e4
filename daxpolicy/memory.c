// SPDX-License-Identifier: GPL-2.0-or-later
#include "memory.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/time.h>
#include <stdlib.h>
#include <string.h>

#define MEMORY_DIR "/sys/devices/system/memory"

enum block_state { BLOCK_MISSING, BLOCK_OFFLINE, BLOCK_MOVABLE, BLOCK_KERNEL };

/* Every memory block index DEV covers, in address order. */
static int device_blocks(const struct snapshot *s, const struct dax_device *d,
			 uint64_t **out, size_t *n)
{
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!s->block_size)
		return -ENODEV;
	for (int r = 0; r < d->nranges; r++) {
		for (uint64_t b = d->ranges[r].start / s->block_size;
		     b <= d->ranges[r].end / s->block_size; b++) {
			if (*n == cap) {
				size_t ncap = cap ? cap * 2 : 64;
				uint64_t *nb = realloc(*out, ncap * sizeof(*nb));

				if (!nb) {
					free(*out);
					*out = NULL;
					return -ENOMEM;
				}
				*out = nb;
				cap = ncap;
			}
			(*out)[(*n)++] = b;
		}
	}
	return 0;
}

static enum block_state block_state(uint64_t b)
{
	char path[96], buf[ATTR_MAX];

	snprintf(path, sizeof(path), MEMORY_DIR "/memory%llu/state", (unsigned long long)b);
	if (sysroot_read(path, buf, sizeof(buf)) != 0)
		return BLOCK_MISSING;
	if (strcmp(buf, "online") != 0)
		return BLOCK_OFFLINE;
	snprintf(path, sizeof(path), MEMORY_DIR "/memory%llu/valid_zones", (unsigned long long)b);
	if (sysroot_read(path, buf, sizeof(buf)) == 0 && strcmp(buf, "Movable") == 0)
		return BLOCK_MOVABLE;
	return BLOCK_KERNEL;
}

unsigned memory_offline_timeout = 30;

static void on_alarm(int sig)
{
	(void)sig;	/* only here to interrupt the write */
}

/*
 * Offlining migrates every page out of the block, and the kernel retries
 * pages that will not move (long-term pinned) until a signal arrives. An
 * alarm bounds that wait: the write then fails with EINTR and the block
 * stays online.
 */
static int block_write(uint64_t b, const char *value, const char *step)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval timer = { .it_value = { .tv_sec = memory_offline_timeout } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	char path[96];
	int rc;

	snprintf(path, sizeof(path), MEMORY_DIR "/memory%llu/state", (unsigned long long)b);
	if (strcmp(value, "offline") != 0 || !memory_offline_timeout || sysroot.dry_run)
		return sysroot_write(path, value, step);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);	/* no SA_RESTART: the write must end */
	setitimer(ITIMER_REAL, &timer, NULL);
	rc = sysroot_write(path, value, step);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

/* Offline block B; on failure ERR says which block and why. */
static int offline_block(uint64_t b, char *err, size_t errlen)
{
	int rc = block_write(b, "offline", "offline");

	if (rc == -EINTR)
		snprintf(err, errlen, "memory block memory%llu cannot be offlined: pages still in use after %u s (pinned?)",
			 (unsigned long long)b, memory_offline_timeout);
	else if (rc)
		snprintf(err, errlen, "memory block memory%llu cannot be offlined: %s",
			 (unsigned long long)b, strerror(-rc));
	return rc;
}

static const char *online_word(enum block_state st)
{
	return st == BLOCK_MOVABLE ? "online_movable" : "online_kernel";
}

int memory_offline_all(const struct snapshot *s, const struct dax_device *d,
		       char *err, size_t errlen)
{
	enum block_state *was;
	uint64_t *blocks;
	size_t n, i, done;
	int rc;

	rc = device_blocks(s, d, &blocks, &n);
	if (rc) {
		snprintf(err, errlen, "cannot list memory blocks: %s", strerror(-rc));
		return rc;
	}
	was = calloc(n ? n : 1, sizeof(*was));
	if (!was) {
		free(blocks);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		was[i] = block_state(blocks[i]);
		if (was[i] != BLOCK_MOVABLE && was[i] != BLOCK_KERNEL)
			continue;
		rc = offline_block(blocks[i], err, errlen);
		if (rc)
			break;
	}
	if (rc) {
		/* undo: online again, in its old zone, every block we offlined */
		done = i;
		for (i = 0; i < done; i++) {
			if (was[i] != BLOCK_MOVABLE && was[i] != BLOCK_KERNEL)
				continue;
			if (block_write(blocks[i], online_word(was[i]), "restore") != 0)
				msg_error("%s: memory%llu could not be onlined again after a failed offline",
					  d->name, (unsigned long long)blocks[i]);
		}
	}
	free(was);
	free(blocks);
	return rc;
}

int memory_set_online(const struct snapshot *s, const struct dax_device *d,
		      enum online_policy online, char *err, size_t errlen)
{
	uint64_t *blocks;
	size_t n;
	int rc;

	rc = device_blocks(s, d, &blocks, &n);
	if (rc) {
		snprintf(err, errlen, "cannot list memory blocks: %s", strerror(-rc));
		return rc;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		enum block_state st = block_state(blocks[i]);
		enum block_state want = online == ONLINE_MOVABLE ? BLOCK_MOVABLE :
					online == ONLINE_NORMAL ? BLOCK_KERNEL : BLOCK_OFFLINE;

		if (st == BLOCK_MISSING || st == want)
			continue;
		if (st != BLOCK_OFFLINE) {
			/* online in the wrong zone, or online but wanted offline */
			rc = offline_block(blocks[i], err, errlen);
			if (rc)
				break;
		}
		if (want == BLOCK_OFFLINE)
			continue;
		rc = block_write(blocks[i], online_word(want), "online");
		if (rc) {
			snprintf(err, errlen, "memory block memory%llu cannot be onlined as %s: %s",
				 (unsigned long long)blocks[i], online_word(want), strerror(-rc));
			/* a block that was online stays online, in its old zone */
			if (st != BLOCK_OFFLINE)
				block_write(blocks[i], online_word(st), "restore");
		}
	}
	free(blocks);
	return rc;
}
