/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What is, or became, of each planned device: its state (ok, drift, busy,
 * error), a message, and the device as it is now. status assesses it without
 * changing anything; apply starts from the same assessment and replaces it
 * with what the change did.
 */
#ifndef DAXPOLICY_OUTCOME_H
#define DAXPOLICY_OUTCOME_H

#include <stdbool.h>

#include "ctx.h"
#include "discover.h"
#include "holders.h"
#include "plan.h"

enum dev_state {
	STATE_OK,      /* in its policy mode */
	STATE_DRIFT,   /* not in its policy mode, and could be changed */
	STATE_BUSY,    /* not in its policy mode, and leaving the current one is unsafe */
	STATE_ERROR,   /* a change was tried and failed, or cannot be managed */
	STATE_UNKNOWN, /* the configuration is broken: what the policy wants is unknown */
};

struct outcome {
	enum dev_state state; /* follows from the reason (outcome_set) */
	enum dev_reason reason;
	bool changed;		/* apply changed this device */
	bool raced;		/* another agent bound the device while we worked */
	char msg[512];		/* what happened or what is in the way */
	struct dax_device dev;	/* the device as planned, or as apply read it last */
};

const char *dev_state_name(enum dev_state s);
/* The reason's word ("in-policy", "in-use", ...), for JSON. */
const char *dev_reason_name(enum dev_reason r);
/* The state the reason means. */
enum dev_state dev_reason_state(enum dev_reason r);
/* Set O's reason, and so its state. */
void outcome_set(struct outcome *o, enum dev_reason r);

/* What the plan alone says of entry E: ok, drift, or error (refused). */
void outcome_from_plan(const struct plan_entry *e, struct outcome *o);

/* The state status reports for every entry of PLAN, without changing
 * anything: ok / drift / busy (with who holds it) / error. */
void assess_plan(const struct dp_ctx *c, const struct plan *plan, struct outcome *out);

/* Who holds the devices of the N entries E that change driver (OUT[i] for
 * E[i]): one scan of /proc for all of them. */
void holders_of_entries(const struct dp_ctx *c, const struct plan_entry *e, size_t n,
			struct holders *out);

#endif
