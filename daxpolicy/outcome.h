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

/*
 * What a run made of a device, or of the whole run, as the journal files it:
 * each kind has its priority and its MESSAGE_ID (made once with
 * `systemd-id128 new`, never to change; explained in dax-policy.catalog).
 */
enum outcome_kind {
	OUTCOME_CHANGED,      /* put in its policy mode */
	OUTCOME_UNCHANGED,    /* already in it, not touched */
	OUTCOME_DRIFT,	      /* not in it (status), or would change (--dry-run) */
	OUTCOME_BUSY,	      /* left as it was: leaving its mode was not safe */
	OUTCOME_FAILED,	      /* the change failed, or the device cannot be managed */
	OUTCOME_RELEASED,     /* no policy decision: the kernel's own choice (release) */
	OUTCOME_CONFIG_ERROR, /* the configuration is broken: nothing applied */
	OUTCOME_KIND_COUNT
};

struct outcome_kind_info {
	const char *name;
	int priority;		/* syslog.h: LOG_ERR ... LOG_INFO */
	const char *message_id; /* 32 lower-case hex digits */
};

extern const struct outcome_kind_info outcome_kinds[OUTCOME_KIND_COUNT];

enum outcome_kind outcome_kind_of(const struct outcome *o);

/* What the plan alone says of entry E: ok, drift, or error (refused). */
void outcome_from_plan(const struct plan_entry *e, struct outcome *o);

/* The state status reports for every entry of PLAN, without changing
 * anything: ok / drift / busy (with who holds it) / error. */
void assess_plan(const struct dp_ctx *c, const struct plan *plan, struct outcome *out);

/* Who holds the devices of the N entries E that change driver from or to
 * a mode with a /dev node (OUT[i] for E[i]): one scan of /proc for all. */
void holders_of_entries(const struct dp_ctx *c, const struct plan_entry *e, size_t n,
			struct holders *out);

#endif
