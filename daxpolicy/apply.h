/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Apply: carry out a plan on the kernel, one device at a time, following
 * the mode-change procedure (safety check, remove_id + unbind, scrub other
 * drivers' ids, module load, new_id + bind, verify, online memory, re-read).
 * A device whose change fails part way is put back the way it was.
 */
#ifndef DAXPOLICY_APPLY_H
#define DAXPOLICY_APPLY_H

#include <stdbool.h>

#include "ctx.h"
#include "discover.h"
#include "plan.h"

enum dev_state {
	STATE_OK,	/* in its policy mode */
	STATE_DRIFT,	/* not in its policy mode, and could be changed */
	STATE_BUSY,	/* not in its policy mode, and leaving the current one is unsafe */
	STATE_ERROR,	/* a change was tried and failed, or cannot be managed */
};

struct outcome {
	enum dev_state state;
	bool changed;		/* apply changed this device */
	bool raced;		/* another agent bound the device while we worked */
	char msg[512];		/* what happened or what is in the way */
};

struct apply_opts {
	bool force;		/* override the open/mapped check (never memory) */
};

const char *dev_state_name(enum dev_state s);

/* Carry out PLAN; OUT has one outcome per plan entry. Returns the number of
 * devices that could not be put in their mode (busy or failed). An entry
 * whose outcome says "raced" is worth another try: the kernel or another
 * agent bound the device while we switched it (a new device being probed). */
int apply_plan(const struct dp_ctx *c, struct plan *plan, const struct snapshot *snap,
	       const struct apply_opts *opts, struct outcome *out);

/* The state status reports for an entry, without changing anything:
 * ok / drift / busy (with who holds it) / error. */
void assess_entry(const struct dp_ctx *c, const struct plan_entry *e, struct outcome *out);

/* Serialize every dax-policy that changes devices: /run/dax-policy.lock
 * under the root, exclusive, waiting for the holder. Returns the fd or -errno. */
int apply_lock(const struct dp_ctx *c);

#endif
