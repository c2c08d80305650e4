// SPDX-License-Identifier: GPL-2.0-or-later
#include "outcome.h"
#include "cleanup.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

/* clang-format off */
static const char *const state_names[] = {
	[STATE_OK] = "ok",
	[STATE_DRIFT] = "drift",
	[STATE_BUSY] = "busy",
	[STATE_ERROR] = "error",
	[STATE_UNKNOWN] = "?",
};
/* clang-format on */

/* Every reason's word (stable: scripts match on it) and the state it means. */
/* clang-format off */
static const struct {
	const char *word;
	enum dev_state state;
} reasons[REASON_COUNT] = {
	[REASON_IN_POLICY] = { "in-policy", STATE_OK },
	[REASON_KEPT] = { "kept", STATE_OK },
	[REASON_NO_RULE] = { "no-rule", STATE_OK },
	[REASON_NOT_ASSIGNED] = { "not-yet-assigned", STATE_OK },
	[REASON_WRONG_MODE] = { "wrong-mode", STATE_DRIFT },
	[REASON_MEMORY_STATE] = { "memory-state", STATE_DRIFT },
	[REASON_WAITING] = { "waiting", STATE_DRIFT },
	[REASON_IN_USE] = { "in-use", STATE_BUSY },
	[REASON_MEMORY_BUSY] = { "memory-busy", STATE_BUSY },
	[REASON_UNREADABLE] = { "unreadable", STATE_ERROR },
	[REASON_FOREIGN_DRIVER] = { "foreign-driver", STATE_ERROR },
	[REASON_PERSISTENT_MEMORY] = { "persistent-memory", STATE_ERROR },
	[REASON_NO_MEMORY_BLOCKS] = { "no-memory-blocks", STATE_ERROR },
	[REASON_FAILED] = { "failed", STATE_ERROR },
	[REASON_MOVED] = { "moved", STATE_ERROR },
	[REASON_CONFIG_ERROR] = { "config-error", STATE_UNKNOWN },
};
/* clang-format on */

const char *dev_state_name(enum dev_state s)
{
	return (size_t)s < ARRAY_SIZE(state_names) && state_names[s] ? state_names[s] : "?";
}

const char *dev_reason_name(enum dev_reason r)
{
	return (size_t)r < ARRAY_SIZE(reasons) && reasons[r].word ? reasons[r].word : "?";
}

enum dev_state dev_reason_state(enum dev_reason r)
{
	return (size_t)r < ARRAY_SIZE(reasons) && reasons[r].word ? reasons[r].state
								  : STATE_UNKNOWN;
}

void outcome_set(struct outcome *o, enum dev_reason r)
{
	o->reason = r;
	o->state = dev_reason_state(r);
}

/* clang-format off */
const struct outcome_kind_info outcome_kinds[OUTCOME_KIND_COUNT] = {
	[OUTCOME_CHANGED] =      { "changed",      LOG_NOTICE,  "1064f718902d472a8a4badde234a7143" },
	[OUTCOME_UNCHANGED] =    { "unchanged",    LOG_INFO,    "61df52b114eb44fc811a83277c238e3f" },
	[OUTCOME_DRIFT] =        { "drift",        LOG_WARNING, "0b24c6b9d0674e9a92804faffa7296d8" },
	[OUTCOME_BUSY] =         { "busy",         LOG_ERR,     "6e4164a6a992417aa716abf05efa3816" },
	[OUTCOME_FAILED] =       { "failed",       LOG_ERR,     "94ef1fae21a6434fbc0f98a7305f76ea" },
	[OUTCOME_RELEASED] =     { "released",     LOG_WARNING, "67cab4f8f4904e7ead6bc43823ba7fe9" },
	[OUTCOME_CONFIG_ERROR] = { "config-error", LOG_ERR,     "b500d7f4254448d0bfc26d5d43e213c1" },
};
/* clang-format on */

enum outcome_kind outcome_kind_of(const struct outcome *o)
{
	static const enum outcome_kind by_state[] = {
		[STATE_OK] = OUTCOME_UNCHANGED,
		[STATE_DRIFT] = OUTCOME_DRIFT,
		[STATE_BUSY] = OUTCOME_BUSY,
		[STATE_ERROR] = OUTCOME_FAILED,
	};

	if (o->state == STATE_OK && o->changed)
		return OUTCOME_CHANGED;
	return (size_t)o->state < ARRAY_SIZE(by_state) ? by_state[o->state] : OUTCOME_FAILED;
}

void outcome_from_plan(const struct plan_entry *e, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->dev = e->dev;
	outcome_set(o, e->reason);
	if (e->action == ACT_CHANGE)
		snprintf(o->msg, sizeof(o->msg), "is %s, policy wants %s", mode_name(e->dev.mode),
			 mode_name(e->want));
	else
		str_copy(o->msg, sizeof(o->msg), e->note);
}

/* A change whose device's node matters: it leaves a mode whose users hold
 * the node, or it binds a driver that must not meet a file still open. */
static bool node_matters(const struct plan_entry *e)
{
	return e->action == ACT_CHANGE &&
	       (mode_has_dev_node(e->dev.mode) || mode_has_dev_node(e->want));
}

void holders_of_entries(const struct dp_ctx *c, const struct plan_entry *e, size_t n,
			struct holders *out)
{
	_cleanup_free_ const struct dax_device **devs = calloc(n ? n : 1, sizeof(*devs));

	if (devs) {
		for (size_t i = 0; i < n; i++)
			devs[i] = node_matters(&e[i]) ? &e[i].dev : NULL;
		holders_scan(c, devs, n, out);
	} else {
		/* cannot look: every device that would change counts as held */
		memset(out, 0, n * sizeof(*out));
		for (size_t i = 0; i < n; i++)
			out[i].unknown = node_matters(&e[i]) ? "out of memory" : NULL;
	}
	/* out of devdax and fsdev only a file left open can hold the node: one
	 * that cannot be looked for is not taken for one */
	for (size_t i = 0; i < n; i++)
		if (!mode_has_dev_node(e[i].dev.mode))
			out[i].unknown = NULL;
}

void assess_plan(const struct dp_ctx *c, const struct plan *plan, struct outcome *out)
{
	_cleanup_free_ struct holders *h = calloc(plan->n ? plan->n : 1, sizeof(*h));
	char who[HOLDERS_TEXT_MAX];

	if (h)
		holders_of_entries(c, plan->e, plan->n, h);
	for (size_t i = 0; i < plan->n; i++) {
		outcome_from_plan(&plan->e[i], &out[i]);
		if (plan->e[i].action != ACT_CHANGE || (h && !holders_any(&h[i])))
			continue;
		outcome_set(&out[i], REASON_IN_USE);
		if (h) {
			holders_describe(&h[i], who, sizeof(who));
			snprintf(out[i].msg, sizeof(out[i].msg), "in use: %s", who);
		} else {
			snprintf(out[i].msg, sizeof(out[i].msg),
				 "in use: cannot tell (out of memory)");
		}
	}
}
