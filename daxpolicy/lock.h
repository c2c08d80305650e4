/* SPDX-License-Identifier: GPL-2.0-or-later */
/* One dax-policy changes devices at a time: the run lock. */
#ifndef DAXPOLICY_LOCK_H
#define DAXPOLICY_LOCK_H

#include "ctx.h"

#define RUN_LOCK "/run/dax-policy.lock"

/* Take RUN_LOCK under the root, exclusive, waiting for the holder. Returns
 * the fd (closing it releases the lock) or -errno: a symlink, a directory,
 * anything but a regular file there, or no /run, is an error, and whoever
 * asked changes nothing then. */
int run_lock(const struct dp_ctx *c);

#endif
