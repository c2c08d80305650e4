// SPDX-License-Identifier: GPL-2.0-or-later
#include "holders.h"
#include "cleanup.h"
#include "discover.h"
#include "sysroot.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_holder(struct holders *out, pid_t pid, const char *what, bool mapped)
{
	for (int i = 0; i < out->n && i < HOLDERS_MAX; i++) {
		if (out->h[i].pid == pid && pid != 0) {
			out->h[i].mapped |= mapped;
			return;
		}
	}
	if (out->n < HOLDERS_MAX) {
		struct holder *h = &out->h[out->n];

		h->pid = pid;
		h->mapped = mapped;
		str_copy(h->comm, sizeof(h->comm), what);
	}
	out->n++;
}

static bool fd_holds(const struct dp_ctx *c, int pid, const char *devpath)
{
	_cleanup_closedir_ DIR *d = sysroot_opendir(c, "/proc/%d/fd", pid);
	char target[PATH_MAX];
	struct dirent *de;

	if (!d)
		return false;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (sysroot_readlink(c, target, sizeof(target), "/proc/%d/fd/%s", pid,
				     de->d_name) == 0 &&
		    strcmp(target, devpath) == 0)
			return true;
	}
	return false;
}

static bool maps_hold(const struct dp_ctx *c, int pid, const char *devpath)
{
	_cleanup_fclose_ FILE *f = sysroot_fopen(c, "/proc/%d/maps", pid);
	char line[PATH_MAX + 128];
	size_t dlen = strlen(devpath);

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, devpath);

		/* the path is the last field: "... /dev/dax0.0\n" */
		if (p && (p[dlen] == '\n' || p[dlen] == '\0' || p[dlen] == ' '))
			return true;
	}
	return false;
}

/* Mounts of the init namespace: ours may be private under systemd. */
static void scan_mounts(const struct dp_ctx *c, const char *devpath, struct holders *out)
{
	_cleanup_fclose_ FILE *f = sysroot_fopen(c, "/proc/1/mountinfo");
	char line[4096];

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mountpoint opts ... - fstype source opts" */
		char mnt[PATH_MAX], *sep = strstr(line, " - ");
		char fstype[64], source[PATH_MAX];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		if (strcmp(source, devpath) == 0) {
			out->mounts++;
			add_holder(out, 0, mnt, false);
		}
	}
}

void holders_find(const struct dp_ctx *c, const char *name, struct holders *out)
{
	_cleanup_closedir_ DIR *proc = NULL;
	char devpath[64];
	struct dirent *de;
	pid_t self = getpid();

	memset(out, 0, sizeof(*out));
	if (!str_printf(devpath, sizeof(devpath), "/dev/%s", name))
		return;
	scan_mounts(c, devpath, out);
	proc = sysroot_opendir(c, "/proc");
	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char comm[32] = "?";
		bool mapped, open_fd;
		int pid;

		if (!isdigit((unsigned char)de->d_name[0]) || !parse_uint(de->d_name, &pid))
			continue;
		if ((pid_t)pid == self && sysroot_is_live(c))
			continue;
		mapped = maps_hold(c, pid, devpath);
		open_fd = !mapped && fd_holds(c, pid, devpath);
		if (!mapped && !open_fd)
			continue;
		sysroot_read(c, comm, sizeof(comm), "/proc/%d/comm", pid);
		add_holder(out, pid, comm, mapped);
	}
}

bool holders_of_device(const struct dp_ctx *c, const struct dax_device *dev, struct holders *h,
		       char *who, size_t size)
{
	memset(h, 0, sizeof(*h));
	who[0] = '\0';
	if (!mode_has_dev_node(dev->mode))
		return false;
	holders_find(c, dev->name, h);
	holders_describe(h, who, size);
	return h->n > 0;
}

void holders_describe(const struct holders *h, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < h->n && i < HOLDERS_MAX; i++) {
		int n;

		if (h->h[i].pid)
			n = snprintf(buf + used, size - used, "%spid %d (%s, %s)", i ? ", " : "",
				     (int)h->h[i].pid, h->h[i].comm,
				     h->h[i].mapped ? "mapped" : "open");
		else
			n = snprintf(buf + used, size - used, "%smounted on %s", i ? ", " : "",
				     h->h[i].comm);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
	if (h->n > HOLDERS_MAX)
		snprintf(buf + used, size - used, " and %d more", h->n - HOLDERS_MAX);
}
