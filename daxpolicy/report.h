/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Report: what status, apply, check and explain print, as text or JSON. */
#ifndef DAXPOLICY_REPORT_H
#define DAXPOLICY_REPORT_H

#include <stdbool.h>
#include <stdio.h>

#include "agents.h"
#include "config.h"
#include "errlist.h"
#include "outcome.h"
#include "plan.h"

struct report {
	FILE *out;
	bool json;
	bool apply;		/* an apply (adds "changed"), not a status */
	bool dry_run;
	bool verbose;		/* -v: apply shows the table too */
	bool quiet;		/* -q: apply says only what failed */
	bool journal;		/* OUT is the journal: apply's outcomes as entries */
	const struct policy *policy;
	const struct plan *plan;
	const struct outcome *outcomes;	/* one per plan entry, with the device as it is now */
	const struct agent_warnings *agents;
	/* the errors so far (JSON "errors"): those of a broken configuration,
	 * whose devices are shown with their wanted mode unknown */
	const struct errlist *errors;
};

/* The device table (status, apply). Under the journal, apply sends one
 * entry per device instead: the priority and MESSAGE_ID of its outcome kind,
 * DAX_DEVICE, DAX_FROM, DAX_TO, DAX_RULE. */
void report_devices(const struct report *r);
/* One line on what apply did, for STATUS= and the journal:
 * "3 dax devices: 1 changed, 2 unchanged". */
void report_summary(const struct report *r, char *buf, size_t size);
/* Every rule of the policy, in order, and how many devices of SNAP each
 * decides (check). NOT_COUNTED: why the devices could not be counted, or
 * NULL. */
void report_rules(FILE *out, bool json, const struct policy *p, const struct snapshot *snap,
		  const char *not_counted, const struct agent_warnings *agents);
/* Which rule matched DEV and why each earlier one did not (explain). P
 * NULL: the configuration is broken (ERRORS), no rule is tried. */
void report_explain(FILE *out, bool json, const struct policy *p, const struct plan_entry *e,
		    const struct errlist *errors);

/* --json after an error: {"errors": [{"file", "line", "message"}, ...]}. */
void report_errors(FILE *out, const struct errlist *e);

/* "dax0.0 memory" column text, e.g. "16/16 movable". */
void memory_summary(const struct dax_device *d, char *buf, size_t size);

#endif
