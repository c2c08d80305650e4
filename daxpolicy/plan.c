// SPDX-License-Identifier: GPL-2.0-or-later
#include "plan.h"
#include "match.h"
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *plan_action_name(enum plan_action a)
{
	switch (a) {
	case ACT_NONE: return "none";
	case ACT_CHANGE: return "change";
	case ACT_MEMORY: return "memory";
	case ACT_REFUSE: return "refuse";
	case ACT_PROBE: return "probe";
	}
	return "?";
}

bool memory_in_policy(const struct dax_memory *m, enum online_policy online)
{
	int present = m->nblocks - m->missing;

	switch (online) {
	case ONLINE_OFFLINE:
		return m->online == 0;
	case ONLINE_MOVABLE:
		return m->online == present && m->movable == present;
	case ONLINE_NORMAL:
		return m->online == present && m->normal == present;
	case ONLINE_UNSET:
		break;
	}
	return true;
}

/* Memory that cannot become system RAM: its blocks cannot be told, or kmem
 * would add none (it takes whole blocks only). */
static bool refuse_memory(const struct dax_device *d, struct plan_entry *e)
{
	char bs[32];

	if (!d->mem.block_size) {
		e->action = ACT_REFUSE;
		e->reason = REASON_NO_MEMORY_BLOCKS;
		snprintf(e->note, sizeof(e->note),
			 "the memory block size is unknown: its memory blocks cannot be told");
		return true;
	}
	if (d->mem.nblocks == 0) {
		format_size(d->mem.block_size, bs, sizeof(bs));
		e->action = ACT_REFUSE;
		e->reason = REASON_NO_MEMORY_BLOCKS;
		snprintf(e->note, sizeof(e->note),
			 "no whole %s memory block lies in its range: kmem would add no memory",
			 bs);
		return true;
	}
	return false;
}

/*
 * Persistent memory keeps its data across reboots; as system RAM it is
 * overwritten at once. Only a rule that says destroy-pmem-data = yes may
 * send such a device there ([defaults] cannot).
 */
static bool refuse_pmem(const struct dax_device *d, struct plan_entry *e)
{
	if (!d->pmem || (e->rule && rule_destroys_pmem(e->rule)))
		return false;
	e->action = ACT_REFUSE;
	e->reason = REASON_PERSISTENT_MEMORY;
	snprintf(
		e->note, sizeof(e->note),
		"persistent memory%s%s: system-ram would destroy the data it keeps; %s",
		d->pmem_namespace[0] ? " of " : "", d->pmem_namespace,
		e->rule ? "refused unless the rule says destroy-pmem-data = yes"
			: "refused ([defaults] cannot allow it: a rule with destroy-pmem-data = yes can)");
	return true;
}

enum dev_reason plan_kept_reason(const struct plan_entry *e)
{
	return e->rule ? REASON_KEPT : REASON_NO_RULE;
}

void plan_device(const struct policy *p, const struct dax_device *dev, struct plan_entry *e)
{
	const struct dax_device *d = &e->dev;

	e->dev = *dev;
	e->rule = p ? match_first(p, d) : NULL;
	e->want = !p ? MODE_UNSET : e->rule ? rule_mode(e->rule) : default_mode(p);
	e->online = !p ? ONLINE_UNSET : e->rule ? rule_online(p, e->rule) : default_online(p);
	e->action = ACT_NONE;
	e->reason = REASON_IN_POLICY;
	e->note[0] = '\0';

	/* what cannot be read is not guessed at: not even "keep" is safe to report */
	if (d->problem[0]) {
		e->action = ACT_REFUSE;
		e->reason = REASON_UNREADABLE;
		str_copy(e->note, sizeof(e->note), d->problem);
		return;
	}
	if (!p) {
		e->reason = REASON_CONFIG_ERROR;
		return;
	}
	/* a dynamic region's seed (or a device being set up): nothing to bind */
	if (d->size == 0) {
		e->reason = REASON_NOT_ASSIGNED;
		if (e->want != MODE_KEEP)
			snprintf(e->note, sizeof(e->note), "no memory assigned yet (size 0)");
		return;
	}
	if (e->want == MODE_KEEP) {
		e->reason = plan_kept_reason(e);
		/* kept as the kernel would have it: it has not chosen yet */
		if (d->waiting) {
			e->action = ACT_PROBE;
			e->reason = REASON_WAITING;
			snprintf(e->note, sizeof(e->note),
				 "new, waiting for the policy: it gets the kernel's own choice");
		}
		return;
	}
	if (d->mode == e->want) {
		if (mode_has_memory(d->mode) && !memory_in_policy(&d->mem, e->online)) {
			e->action = ACT_MEMORY;
			e->reason = REASON_MEMORY_STATE;
			snprintf(e->note, sizeof(e->note), "memory not %s", online_name(e->online));
		}
		return;
	}
	if (d->mode == MODE_OTHER) {
		e->action = ACT_REFUSE;
		e->reason = REASON_FOREIGN_DRIVER;
		snprintf(e->note, sizeof(e->note),
			 "bound to driver %s, which dax-policy does not manage", d->driver);
		return;
	}
	if (mode_has_memory(e->want) && (refuse_pmem(d, e) || refuse_memory(d, e)))
		return;
	e->action = ACT_CHANGE;
	e->reason = REASON_WRONG_MODE;
}

int plan_build(const struct policy *p, const struct snapshot *snap, char *const *names,
	       size_t nnames, struct plan *out)
{
	out->n = 0;
	out->e = calloc(snap->n ? snap->n : 1, sizeof(*out->e));
	if (!out->e)
		return -ENOMEM;
	for (size_t i = 0; i < snap->n; i++) {
		bool wanted = nnames == 0;

		for (size_t j = 0; j < nnames && !wanted; j++)
			wanted = strcmp(names[j], snap->devs[i].name) == 0;
		if (!wanted)
			continue;
		plan_device(p, &snap->devs[i], &out->e[out->n++]);
	}
	return 0;
}

void plan_free(struct plan *plan)
{
	free(plan->e);
	plan->e = NULL;
	plan->n = 0;
}
