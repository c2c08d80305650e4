/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The planner: policy x snapshot -> what to do with each device. A pure
 * function of its inputs (no I/O), so every decision is unit-tested without a
 * kernel. Each entry keeps its own copy of the device it was planned from.
 */
#ifndef DAXPOLICY_PLAN_H
#define DAXPOLICY_PLAN_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "discover.h"

enum plan_action {
	ACT_NONE,	/* already in policy (or keep): touch nothing */
	ACT_CHANGE,	/* switch driver: leave the current one, bind the wanted one */
	ACT_MEMORY,	/* right driver (kmem), memory blocks not as online= asks */
	ACT_REFUSE,	/* cannot be managed: bound to a driver we do not know */
	ACT_PROBE,	/* waiting, and the policy keeps it: the kernel's own choice */
};

struct plan_entry {
	struct dax_device dev;		/* the device as planned from */
	const struct rule *rule;	/* NULL: [defaults] decided */
	enum dax_mode want;		/* MODE_KEEP leaves the device alone */
	enum online_policy online;	/* for system-ram */
	enum plan_action action;
	char note[DAX_PROBLEM_MAX + 64]; /* why, for status and explain */
};

struct plan {
	struct plan_entry *e;
	size_t n;
};

/* Does a system-ram device's memory match ONLINE? */
bool memory_in_policy(const struct dax_memory *m, enum online_policy online);

/*
 * Plan for every device of SNAP, or only those named in NAMES (count
 * NNAMES; names not present are the caller's to report). Returns 0 or
 * -ENOMEM.
 */
int plan_build(const struct policy *p, const struct snapshot *snap, char *const *names,
	       size_t nnames, struct plan *out);
void plan_free(struct plan *plan);
/* Plan one device into E. */
void plan_device(const struct policy *p, const struct dax_device *dev, struct plan_entry *e);
const char *plan_action_name(enum plan_action a);

#endif
