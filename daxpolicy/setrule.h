/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dax-policy set: the rule that pins one device to a mode, keyed on the
 * device's most stable identity, and the drop-in file it lives in. Pure:
 * from a discovered device to text, no I/O.
 *
 * The identity, in order of preference:
 *   uuid      the pmem namespace's (or CXL region's) uuid, where it has a
 *             real one: it stays when the device is renumbered;
 *   resource  the physical start address: fixed for a soft-reserved (hmem)
 *             range and for a range the firmware set up;
 *   path      the canonical sysfs path, when neither is known.
 * The rule is named set-KIND-ID and stands alone in 00-set-KIND-ID.conf,
 * with override = yes, so it is tried before every other rule; setting the
 * device again replaces the file, unset removes it.
 */
#ifndef DAXPOLICY_SETRULE_H
#define DAXPOLICY_SETRULE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "discover.h"
#include "keys.h"

/* The identities a set rule can be keyed on, in order of preference. */
#define SET_IDENTITIES 3

struct set_key {
	enum config_key_id key;	  /* KEY_UUID, KEY_RESOURCE or KEY_PATH */
	char value[VALUE_MAX];	  /* as the rule says it */
	char rule[RULE_NAME_MAX]; /* set-uuid-..., set-resource-0x..., set-path-HASH */
	char file[NAME_MAX + 1];  /* 00-<rule>.conf */
};

/*
 * The Ith identity DEV has (I from 0 to SET_IDENTITIES - 1) into OUT; false
 * when it has none of that kind (no uuid, resource unknown, a path no rule
 * can hold).
 */
bool set_key_at(const struct dax_device *dev, int i, struct set_key *out);
/* The most stable identity DEV has; false when it has none. */
bool set_key_best(const struct dax_device *dev, struct set_key *out);

/* The drop-in's text: the rule for DEV in MODE (ONLINE_UNSET: none given). */
bool set_rule_text(const struct dax_device *dev, const struct set_key *k, enum dax_mode mode,
		   enum online_policy online, char *out, size_t size);

#endif
