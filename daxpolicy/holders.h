/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Who holds a dax device: processes with /dev/daxX.Y open or mapped (from
 * /proc/PID/fd and /proc/PID/maps) and filesystems mounted from it (from
 * /proc/1/mountinfo, the init mount namespace, since a sandboxed service
 * has its own). Leaving devdax or fsdev while any holds it would
 * pull memory out from under a running program or a filesystem; binding
 * device_dax while a file is still open from an earlier binding would make
 * the kernel miscount that file (see apply.c).
 *
 * Devices are told by number, not by name: an open file is the device when
 * its st_rdev is the device's (sysfs "dev"), whatever the node is called, in
 * whatever mount namespace, deleted or not; a mapping is the device when its
 * major:minor and inode in maps are those of a node of the device (/dev's,
 * or one some process has open, or, where /proc/PID/map_files may be read,
 * the mapped file itself).
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
	/* who holds it cannot be told, and why ("its device number is
	 * unknown"); NULL when it can */
	const char *unknown;
};

/*
 * One scan of /proc for all of DEVS at once: OUT[i] gets the holders of
 * DEVS[i]; an entry that is NULL gets none. The node exists in every mode:
 * in system-ram or none, only a file opened under an earlier driver can
 * hold it. Our own process is ignored.
 */
void holders_scan(const struct dp_ctx *c, const struct dax_device *const *devs, size_t n,
		  struct holders *out);
/* Whether anyone holds it (or that cannot be told). */
bool holders_any(const struct holders *h);
/* "pid 123 (famfs, mapped), mounted on /mnt" for messages. */
void holders_describe(const struct holders *h, char *buf, size_t size);

#endif
