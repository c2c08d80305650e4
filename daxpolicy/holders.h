/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a dax device: processes with /dev/daxX.Y open or mapped (from
 * /proc/PID/fd and /proc/PID/maps) and filesystems mounted from it (from
 * /proc/1/mountinfo, the init mount namespace, since a sandboxed service
 * has its own). Leaving devdax or fsdev while any holds it would
 * pull memory out from under a running program or a filesystem.
 */
#ifndef DAXPOLICY_HOLDERS_H
#define DAXPOLICY_HOLDERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "ctx.h"

struct dax_device;

#define HOLDERS_MAX 8
/* Room for holders_describe()'s text. */
#define HOLDERS_TEXT_MAX 384

struct holder {
	pid_t pid;		/* 0 for a mount */
	char comm[32];		/* process name, or the mount point */
	bool mapped;		/* mapped, not only open */
};

struct holders {
	int n;			/* holders found (may exceed HOLDERS_MAX) */
	struct holder h[HOLDERS_MAX];
	int mounts;		/* filesystems mounted from the device */
};

/* Scan for holders of /dev/NAME; our own process is ignored. */
void holders_find(const struct dp_ctx *c, const char *name, struct holders *out);
/* "pid 123 (famfs, mapped), mounted on /mnt" for messages. */
void holders_describe(const struct holders *h, char *buf, size_t size);
/* Whether anyone holds DEV, whose mode has a /dev node (other modes have no
 * holders); WHO describes them. */
bool holders_of_device(const struct dp_ctx *c, const struct dax_device *dev, struct holders *h,
		       char *who, size_t size);

#endif
