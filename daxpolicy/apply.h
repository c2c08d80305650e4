/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Apply: carry out a plan on the kernel, one device at a time, following
 * the mode-change procedure (safety check, remove_id + unbind, scrub other
 * drivers' ids, module load, new_id + bind, online memory, re-read and
 * verify). A device whose change fails part way is put back the way it was;
 * one that another agent bound meanwhile is planned again and retried.
 */
#ifndef DAXPOLICY_APPLY_H
#define DAXPOLICY_APPLY_H

#include <stdbool.h>

#include "config.h"
#include "ctx.h"
#include "discover.h"
#include "outcome.h"
#include "plan.h"

/*
 * Carry out PLAN (made from SNAP with policy P); OUT gets one outcome per
 * entry. FORCE overrides the open/mapped check (never the memory check).
 * With the context's dry_run, the writes are listed instead. A device that
 * another agent bound while we switched it (a new device being probed) is
 * read again, planned again into its PLAN entry, and tried again, up to
 * three more times. Returns the number of devices that could not be put in
 * their mode (busy or failed).
 */
int apply_plan(const struct dp_ctx *c, const struct policy *p, const struct snapshot *snap,
	       struct plan *plan, bool force, struct outcome *out);

#endif
