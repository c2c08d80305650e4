/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one layer through which dax-policy touches /sys, /dev, /proc and /run.
 * Every path is given as on a live system ("/sys/bus/dax"), printf-style, and
 * read under the context's root (--root), so the same code reads a live
 * kernel or a sysfs tree kept under tests/ (like lsmem --sysroot). Writes go
 * through sysroot_write(), which also implements --dry-run and -v tracing.
 */
#ifndef DAXPOLICY_SYSROOT_H
#define DAXPOLICY_SYSROOT_H

#include <dirent.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "ctx.h"

/* Largest sysfs attribute value dax-policy reads. */
#define ATTR_MAX 256

#define PATH_FMT(a, b) __attribute__((format(printf, a, b)))

/* Set the root directory; "/" or "" means the live system. */
bool sysroot_set(struct dp_ctx *c, const char *dir);
/* Back to the live system (closes what sysroot_set opened). */
void sysroot_release(struct dp_ctx *c);
bool sysroot_is_live(const struct dp_ctx *c);

/* Full path of a live-system path under the root; false if too long. */
bool sysroot_path(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
	PATH_FMT(4, 5);

/* Read a whole small attribute, trailing newline removed. 0 or -errno.
 * Like every open here, it never blocks and takes regular files only. */
int sysroot_read(const struct dp_ctx *c, char *buf, size_t size, const char *fmt, ...)
	PATH_FMT(4, 5);
int sysroot_read_u64(const struct dp_ctx *c, uint64_t *out, const char *fmt, ...) PATH_FMT(3, 4);
int sysroot_read_int(const struct dp_ctx *c, int *out, const char *fmt, ...) PATH_FMT(3, 4);
bool sysroot_exists(const struct dp_ctx *c, const char *fmt, ...) PATH_FMT(2, 3);
/* Target of a symlink, as written in the link. 0 or -errno. */
int sysroot_readlink(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
	PATH_FMT(4, 5);
/* Basename of a symlink's target (e.g. a device's driver link). 0 or -errno. */
int sysroot_link_name(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
	PATH_FMT(4, 5);
/* Canonical path as it would be on the live system (root stripped);
 * -EXDEV when it leads out of the root. */
int sysroot_canonical(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
	PATH_FMT(4, 5);
DIR *sysroot_opendir(const struct dp_ctx *c, const char *fmt, ...) PATH_FMT(2, 3);
/* Open a text file for reading (close-on-exec). */
FILE *sysroot_fopen(const struct dp_ctx *c, const char *fmt, ...) PATH_FMT(2, 3);
/* The inode number of what PATH names (following links): in sysfs it tells
 * one instance of a device from a later one of the same name. 0 or -errno. */
int sysroot_inode(const struct dp_ctx *c, uint64_t *ino, const char *fmt, ...) PATH_FMT(3, 4);

/*
 * dax-policy's own state under /run (not sysfs): replace the file with
 * CONTENT atomically (its directory is made, root-only), or remove it.
 * Nothing is written under --dry-run. 0 or -errno.
 */
int sysroot_store(const struct dp_ctx *c, const char *content, const char *fmt, ...)
	PATH_FMT(3, 4);
int sysroot_unlink(const struct dp_ctx *c, const char *fmt, ...) PATH_FMT(2, 3);

/*
 * Write VALUE to an attribute. STEP names the step of a mode change
 * ("remove_id", "unbind", "new_id", "bind", "online", "offline", ...) in the
 * -v trace and the --dry-run listing. Returns 0 or -errno.
 */
int sysroot_write(const struct dp_ctx *c, const char *step, const char *value, const char *fmt, ...)
	PATH_FMT(4, 5);
/* The same for writes made by the thousand (one per memory block): traced
 * at -vv only; -v gets a count per device instead. */
int sysroot_write_bulk(const struct dp_ctx *c, const char *step, const char *value, const char *fmt,
		       ...) PATH_FMT(4, 5);

#endif
