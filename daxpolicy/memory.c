// SPDX-License-Identifier: GPL-2.0-or-later
#include "memory.h"
#include "cleanup.h"
#include "memblock.h"
#include "progress.h"
#include "sysroot.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

/* DEV's memory blocks (kmem adds them on bind), in order: by number for a
 * device of few (a missing one is skipped by every caller, as its state
 * says), else those that exist now. */
static int device_blocks(const struct dp_ctx *c, const struct dax_device *d, uint64_t **out,
			 size_t *n)
{
	_cleanup_(memblock_list_free) struct memblock_list now = { 0 };
	int rc;

	*out = NULL;
	*n = 0;
	if (dax_device_nblocks(d, d->mem.block_size) <= MEMBLOCK_BY_NUMBER_MAX)
		return dax_device_blocks(d, NULL, out, n);
	rc = memblock_list(c, &now);
	return rc ? rc : dax_device_blocks(d, &now, out, n);
}

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
static int block_write(const struct dp_ctx *c, uint64_t b, const char *value, const char *step)
{
	struct sigaction sa = { .sa_handler = on_alarm }, old;
	struct itimerval timer = { .it_value = { .tv_sec = c->offline_timeout } };
	struct itimerval off = { { 0, 0 }, { 0, 0 } };
	unsigned long long block = b;
	int rc;

	if (strcmp(value, "offline") != 0 || !c->offline_timeout || c->dry_run)
		return sysroot_write_bulk(c, step, value, MEMORY_DIR "/memory%llu/state", block);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);	/* no SA_RESTART: the write must end */
	setitimer(ITIMER_REAL, &timer, NULL);
	rc = sysroot_write_bulk(c, step, value, MEMORY_DIR "/memory%llu/state", block);
	setitimer(ITIMER_REAL, &off, NULL);
	sigaction(SIGALRM, &old, NULL);
	return rc;
}

/* Offline block B; on failure ERR says which block and why. */
static int offline_block(const struct dp_ctx *c, uint64_t b, char *err, size_t errlen)
{
	int rc = block_write(c, b, "offline", "offline");

	if (rc == -EINTR)
		snprintf(
			err, errlen,
			"memory block memory%llu cannot be offlined: pages still in use after %u s (pinned?)",
			(unsigned long long)b, c->offline_timeout);
	else if (rc)
		snprintf(err, errlen, "memory block memory%llu cannot be offlined: %s",
			 (unsigned long long)b, strerror(-rc));
	return rc;
}

static bool block_online(enum block_state st)
{
	return st == BLOCK_MOVABLE || st == BLOCK_KERNEL;
}

/* Online again, in its old zone, every block of the first N that was online. */
static void online_again(const struct dp_ctx *c, const struct dax_device *d,
			 const uint64_t *blocks, const enum block_state *was, size_t n)
{
	struct progress p;
	size_t failed = 0;
	uint64_t first = 0;

	progress_begin(&p, c, d->name, "restoring block", n);
	for (size_t i = 0; i < n; i++) {
		progress_update(&p, i + 1);
		if (!block_online(was[i]))
			continue;
		if (block_write(c, blocks[i], memblock_online_word(was[i]), "restore") != 0 &&
		    !failed++)
			first = blocks[i];
	}
	progress_end(&p);
	if (failed)
		log_error(
			c,
			"%s: %zu memory block%s (first memory%llu) could not be onlined again after a failed offline",
			d->name, failed, failed == 1 ? "" : "s", (unsigned long long)first);
}

int memory_offline_all(const struct dp_ctx *c, const struct dax_device *d, char *err, size_t errlen)
{
	_cleanup_free_ enum block_state *was = NULL;
	_cleanup_free_ uint64_t *blocks = NULL;
	size_t n, i, done = 0;
	struct progress p;
	int rc;

	rc = device_blocks(c, d, &blocks, &n);
	if (rc) {
		snprintf(err, errlen, "cannot list memory blocks: %s", strerror(-rc));
		return rc;
	}
	was = calloc(n ? n : 1, sizeof(*was));
	if (!was)
		return -ENOMEM;
	progress_begin(&p, c, d->name, "offlining block", n);
	for (i = 0; i < n; i++) {
		progress_update(&p, i + 1);
		was[i] = memblock_state(c, blocks[i]);
		if (!block_online(was[i]))
			continue;
		rc = offline_block(c, blocks[i], err, errlen);
		if (rc)
			break;
		done++;
	}
	progress_end(&p);
	if (rc)
		online_again(c, d, blocks, was, i);
	else if (done)
		log_verbose(c, "%s: %zu memory block%s offlined", d->name, done,
			    done == 1 ? "" : "s");
	return rc;
}

/* What bringing blocks to a state is called, while (progress) and after (-v). */
static const struct {
	const char *doing, *done;
} to_state[] = {
	[BLOCK_MISSING] = { "", "" },
	[BLOCK_OFFLINE] = { "offlining block", "offlined" },
	[BLOCK_MOVABLE] = { "onlining block", "onlined movable" },
	[BLOCK_KERNEL] = { "onlining block", "onlined normal" },
};

static enum block_state block_wanted(enum online_policy online)
{
	switch (online) {
	case ONLINE_MOVABLE: return BLOCK_MOVABLE;
	case ONLINE_NORMAL: return BLOCK_KERNEL;
	case ONLINE_OFFLINE:
	case ONLINE_UNSET: break;
	}
	return BLOCK_OFFLINE;
}

/* Bring block B from state ST to WANT. */
static int set_block(const struct dp_ctx *c, uint64_t b, enum block_state st,
		     enum block_state want, char *err, size_t errlen)
{
	int rc;

	if (st == BLOCK_MISSING || st == want)
		return 0;
	if (st != BLOCK_OFFLINE) {
		/* online in the wrong zone, or online but wanted offline */
		rc = offline_block(c, b, err, errlen);
		if (rc)
			return rc;
	}
	if (want == BLOCK_OFFLINE)
		return 0;
	rc = block_write(c, b, memblock_online_word(want), "online");
	if (rc) {
		snprintf(err, errlen, "memory block memory%llu cannot be onlined as %s: %s",
			 (unsigned long long)b, memblock_online_word(want), strerror(-rc));
		/* a block that was online stays online, in its old zone */
		if (st != BLOCK_OFFLINE)
			block_write(c, b, memblock_online_word(st), "restore");
	}
	return rc;
}

int memory_set_online(const struct dp_ctx *c, const struct dax_device *d, enum online_policy online,
		      char *err, size_t errlen)
{
	enum block_state want = block_wanted(online);
	_cleanup_free_ uint64_t *blocks = NULL;
	size_t n, done = 0;
	struct progress p;
	int rc;

	rc = device_blocks(c, d, &blocks, &n);
	if (rc) {
		snprintf(err, errlen, "cannot list memory blocks: %s", strerror(-rc));
		return rc;
	}
	progress_begin(&p, c, d->name, to_state[want].doing, n);
	for (size_t i = 0; i < n && !rc; i++) {
		enum block_state st = memblock_state(c, blocks[i]);

		progress_update(&p, i + 1);
		rc = set_block(c, blocks[i], st, want, err, errlen);
		done += !rc && st != BLOCK_MISSING && st != want;
	}
	progress_end(&p);
	if (done)
		log_verbose(c, "%s: %zu memory block%s %s", d->name, done, done == 1 ? "" : "s",
			    to_state[want].done);
	return rc;
}

int memory_auto_online_suspend(const struct dp_ctx *c, char *was, size_t size)
{
	int rc;

	was[0] = '\0';
	if (sysroot_read(c, was, size, AUTO_ONLINE) != 0 || strcmp(was, "offline") == 0) {
		was[0] = '\0';
		return 0;
	}
	/* first where to find it again, then the change */
	rc = sysroot_store(c, was, AUTO_ONLINE_SAVED);
	if (rc == 0)
		rc = sysroot_write(c, "auto-online", "offline", AUTO_ONLINE);
	if (rc) {
		sysroot_unlink(c, AUTO_ONLINE_SAVED);
		was[0] = '\0';
	}
	return rc;
}

void memory_auto_online_resume(const struct dp_ctx *c, const char *was)
{
	if (!was[0])
		return;
	if (sysroot_write(c, "auto-online", was, AUTO_ONLINE) != 0)
		log_error(c, "could not set " AUTO_ONLINE " back to %s", was);
	else
		sysroot_unlink(c, AUTO_ONLINE_SAVED);
}

void memory_auto_online_recover(const struct dp_ctx *c)
{
	char was[ATTR_MAX];

	if (sysroot_read(c, was, sizeof(was), AUTO_ONLINE_SAVED) != 0)
		return;
	if (strcmp(was, "online") != 0 && strcmp(was, "online_kernel") != 0 &&
	    strcmp(was, "online_movable") != 0) {
		sysroot_unlink(c, AUTO_ONLINE_SAVED);	/* not a value dax-policy saved */
		return;
	}
	log_warn(c, "a run was stopped while auto-onlining was off; setting it back to %s", was);
	memory_auto_online_resume(c, was);
}
