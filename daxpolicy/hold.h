/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * New dax devices wait for the policy. With drivers_autoprobe 0 on the dax
 * bus (dax-policy hold, run by dax-policy-hold.service at boot before udev
 * loads any dax driver), a device that appears stays unbound until
 * dax-policy decides what it becomes, so that memory the policy sends to
 * devdax, fsdev or none never becomes system RAM, not even for a moment.
 *
 * A device is "waiting" while the bus holds, it is unbound and no decision
 * is recorded for it. Every device a run decides for (and every device
 * handed to the kernel's own choice by release) is recorded in DECIDED_FILE
 * by name and sysfs instance (the inode of its sysfs directory, new for
 * every device the kernel creates), so that a device an administrator
 * unbinds later is not taken for a new one.
 */
#ifndef DAXPOLICY_HOLD_H
#define DAXPOLICY_HOLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define BUS_AUTOPROBE "/sys/bus/dax/drivers_autoprobe"
#define BUS_PROBE "/sys/bus/dax/drivers_probe"
#define DECIDED_FILE "/run/dax-policy/decided"
/* Exists while dax-policy is in charge (hold to release); dax-policy@.service
 * runs only then, so that a disabled, masked or stopped dax-policy leaves
 * every device to the kernel. */
#define HOLD_MARKER "/run/dax-policy/hold"

/* Does the dax bus hold new devices (drivers_autoprobe is 0)? */
bool hold_active(const struct dp_ctx *c);
/* Hold new devices, or let the kernel bind them again (and put the marker
 * there or take it away). 0 or -errno. */
int hold_set(const struct dp_ctx *c, bool hold);

struct decided_dev {
	char name[32];
	uint64_t instance;
};

struct decided {
	struct decided_dev *v;	/* in name order (strcmp) */
	size_t n, cap;
};

/* Read DECIDED_FILE (none yet: empty). 0, or -errno (then D is empty). */
int decided_load(const struct dp_ctx *c, struct decided *d);
bool decided_has(const struct decided *d, const char *name, uint64_t instance);
/* Record NAME's INSTANCE, replacing an older instance of the name. */
int decided_add(struct decided *d, const char *name, uint64_t instance);
bool decided_equal(const struct decided *a, const struct decided *b);
int decided_save(const struct dp_ctx *c, const struct decided *d);
void decided_free(struct decided *d);

#endif
