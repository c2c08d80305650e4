/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Does a rule's match key hold for a device, and if not, why not. */
#ifndef DAXPOLICY_MATCH_H
#define DAXPOLICY_MATCH_H

#include <stdbool.h>
#include <stddef.h>

#include "config.h"
#include "discover.h"

/* Whether KEY of RULE holds for DEV (a key the rule does not give holds);
 * on false, WHY says what differs. */
bool match_key(const struct rule *rule, enum config_key_id key, const struct dax_device *dev,
	       char *why, size_t whylen);
/* Every key of RULE holds (a rule without keys matches every device). */
bool match_rule(const struct rule *rule, const struct dax_device *dev);
/* The first rule that matches DEV, or NULL (the defaults apply). */
const struct rule *match_first(const struct policy *p, const struct dax_device *dev);
/* What of a device (enum dax_facet) P's rules look at to match it. */
unsigned match_facets(const struct policy *p);

#endif
