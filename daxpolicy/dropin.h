/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Writing and removing one drop-in of the configuration (dax-policy set,
 * unset, import-daxctl --write). A file is written whole or not at all (a
 * temporary file in the same directory, renamed over the name), mode 0644,
 * in a directory made 0755 if missing. Nothing but a regular file is ever
 * replaced or removed: a symbolic link, a FIFO or a directory in its place
 * is refused, never followed.
 */
#ifndef DAXPOLICY_DROPIN_H
#define DAXPOLICY_DROPIN_H

#include <stdbool.h>

/*
 * Write TEXT as DIR/NAME. With REPLACE an existing regular file is
 * replaced; without, it is kept and -EEXIST returned. -ENOTSUP: something
 * other than a regular file is there. 0 or -errno.
 */
int dropin_write(const char *dir, const char *name, const char *text, bool replace);

/* Remove DIR/NAME: 0, -ENOENT when there is none, -ENOTSUP when it is not
 * a regular file (left alone), or -errno. */
int dropin_remove(const char *dir, const char *name);

/* Is DIR/NAME there (anything, a dangling link too)? */
bool dropin_exists(const char *dir, const char *name);

#endif
