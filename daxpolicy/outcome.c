// SPDX-License-Identifier: GPL-2.0-or-later
#include "outcome.h"
#include "cleanup.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

const char *dev_state_name(enum dev_state s)
{
	switch (s) {
	case STATE_OK: return "ok";
	case STATE_DRIFT: return "drift";
	case STATE_BUSY: return "busy";
	case STATE_ERROR: return "error";
	}
	return "?";
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
	switch (e->action) {
	case ACT_NONE:
		o->state = STATE_OK;
		str_copy(o->msg, sizeof(o->msg), e->note);	/* "no memory assigned yet" */
		break;
	case ACT_REFUSE:
		o->state = STATE_ERROR;
		str_copy(o->msg, sizeof(o->msg), e->note);
		break;
	case ACT_MEMORY:
	case ACT_PROBE:
		o->state = STATE_DRIFT;
		str_copy(o->msg, sizeof(o->msg), e->note);
		break;
	case ACT_CHANGE:
		o->state = STATE_DRIFT;
		snprintf(o->msg, sizeof(o->msg), "is %s, policy wants %s", mode_name(e->dev.mode),
			 mode_name(e->want));
		break;
	}
}

void holders_of_entries(const struct dp_ctx *c, const struct plan_entry *e, size_t n,
			struct holders *out)
{
	_cleanup_free_ const struct dax_device **devs = calloc(n ? n : 1, sizeof(*devs));

	if (!devs) {
		/* cannot look: every device that would change counts as held */
		memset(out, 0, n * sizeof(*out));
		for (size_t i = 0; i < n; i++)
			out[i].unknown =
				e[i].action == ACT_CHANGE && mode_has_dev_node(e[i].dev.mode);
		return;
	}
	for (size_t i = 0; i < n; i++)
		devs[i] = e[i].action == ACT_CHANGE ? &e[i].dev : NULL;
	holders_scan(c, devs, n, out);
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
		out[i].state = STATE_BUSY;
		if (h) {
			holders_describe(&h[i], who, sizeof(who));
			snprintf(out[i].msg, sizeof(out[i].msg), "in use: %s", who);
		} else {
			snprintf(out[i].msg, sizeof(out[i].msg),
				 "in use: cannot tell (out of memory)");
		}
	}
}
