/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one layer through which dax-policy touches /sys, /dev, /proc and /run.
 * Every path is given as the absolute path on a live system ("/sys/bus/dax")
 * and prefixed with --root, so the same code reads a live kernel or a sysfs
 * tree kept under tests/ (like lsmem --sysroot). Writes go through
 * sysroot_write(), which also implements --dry-run and -v tracing.
 */
#ifndef DAXPOLICY_SYSROOT_H
#define DAXPOLICY_SYSROOT_H

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

/* Largest sysfs attribute value dax-policy reads. */
#define ATTR_MAX 256

struct sysroot {
	char dir[PATH_MAX];	/* "" for the live system */
	bool dry_run;		/* print writes instead of doing them */
	FILE *dry_out;		/* where dry-run writes are printed */
	unsigned writes;	/* writes done (or printed) so far */
};

extern struct sysroot sysroot;

/* Set the root directory; "/" or "" means the live system. */
bool sysroot_set(const char *dir);
bool sysroot_is_live(void);

/* Full path of a live-system path under the root; false if too long. */
bool sysroot_path(char *out, size_t size, const char *path);

/* Read a whole small attribute, trailing newline removed. 0 or -errno. */
int sysroot_read(const char *path, char *buf, size_t size);
int sysroot_read_u64(const char *path, uint64_t *out);
int sysroot_read_int(const char *path, int *out);
bool sysroot_exists(const char *path);
/* Basename of a symlink's target (e.g. a device's driver link). 0 or -errno. */
int sysroot_link_name(const char *path, char *out, size_t size);
/* Canonical path of PATH as it would be on the live system (root stripped). */
int sysroot_canonical(const char *path, char *out, size_t size);
DIR *sysroot_opendir(const char *path);

/*
 * Write VALUE to the attribute PATH. STEP names the step of a mode change
 * ("remove_id", "unbind", "new_id", "bind", "online", "offline", ...) in the
 * -v trace and the --dry-run listing. Returns 0 or -errno.
 */
int sysroot_write(const char *path, const char *value, const char *step);

#endif
