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

/*
 * Why a device is in the state it is in, as a word scripts can rely on
 * (JSON "reason"). The plan gives the first; apply replaces it with what
 * its change did. The words, and the state each one means, are the table
 * in outcome.c.
 */
enum dev_reason {
	REASON_IN_POLICY,	  /* in its policy mode (and memory as online= asks) */
	REASON_KEPT,		  /* a rule says keep */
	REASON_NO_RULE,		  /* no rule matches, and [defaults] keeps it */
	REASON_NOT_ASSIGNED,	  /* size 0: no memory yet, nothing to bind */
	REASON_WRONG_MODE,	  /* in another mode than the policy's */
	REASON_MEMORY_STATE,	  /* right mode, memory blocks not as online= asks */
	REASON_WAITING,		  /* new, waiting for the policy, which keeps it */
	REASON_IN_USE,		  /* open, mapped, mounted or held: not switched */
	REASON_MEMORY_BUSY,	  /* its memory would not go offline: not switched */
	REASON_UNREADABLE,	  /* its sysfs cannot be read, or does not add up */
	REASON_FOREIGN_DRIVER,	  /* bound to a driver dax-policy does not manage */
	REASON_PERSISTENT_MEMORY, /* pmem to system-ram without destroy-pmem-data */
	REASON_NO_MEMORY_BLOCKS,  /* system-ram wanted, but no whole memory block */
	REASON_FAILED,		  /* a change was tried, failed, and was undone */
	REASON_MOVED,		  /* bound elsewhere after it was put in its mode */
	REASON_CONFIG_ERROR,	  /* the configuration has errors: nothing decided */
	REASON_COUNT
};

struct plan_entry {
	struct dax_device dev;		/* the device as planned from */
	const struct rule *rule;	/* NULL: [defaults] decided */
	enum dax_mode want;		/* MODE_KEEP leaves the device alone */
	enum online_policy online;	/* for system-ram */
	enum plan_action action;
	enum dev_reason reason;
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
 * NNAMES; names not present are the caller's to report); P as for
 * plan_device. Returns 0 or -ENOMEM.
 */
int plan_build(const struct policy *p, const struct snapshot *snap, char *const *names,
	       size_t nnames, struct plan *out);
void plan_free(struct plan *plan);
/* Plan one device into E. P NULL: the configuration is broken, the
 * device's wanted mode is unknown (MODE_UNSET) and nothing is done. */
void plan_device(const struct policy *p, const struct dax_device *dev, struct plan_entry *e);
const char *plan_action_name(enum plan_action a);
/* Why a device the policy keeps is left as it is: a rule, or [defaults]. */
enum dev_reason plan_kept_reason(const struct plan_entry *e);

#endif
