// SPDX-License-Identifier: GPL-2.0-or-later
#include "outcome.h"
#include "holders.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

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

void outcome_from_plan(const struct plan_entry *e, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	o->dev = e->dev;
	switch (e->action) {
	case ACT_NONE:
		o->state = STATE_OK;
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

void assess_entry(const struct dp_ctx *c, const struct plan_entry *e, struct outcome *o)
{
	struct holders h;
	char who[HOLDERS_TEXT_MAX];

	outcome_from_plan(e, o);
	if (e->action == ACT_CHANGE && holders_of_device(c, &e->dev, &h, who, sizeof(who))) {
		o->state = STATE_BUSY;
		snprintf(o->msg, sizeof(o->msg), "in use: %s", who);
	}
}
