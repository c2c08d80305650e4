// SPDX-License-Identifier: GPL-2.0-or-later
#include "match.h"

static bool key_holds(const struct rule *r, enum config_key_id key, const struct dax_device *d)
{
	const struct config_key *k = &config_keys[key];

	/* action keys (mode, online) have no matcher */
	return !rule_has(r, key) || !k->holds || k->holds(&r->set.key[key].v, d);
}

bool match_key(const struct rule *r, enum config_key_id key, const struct dax_device *d,
	       char *why, size_t whylen)
{
	if (key_holds(r, key, d))
		return true;
	config_keys[key].describe(&r->set.key[key], d, why, whylen);
	return false;
}

bool match_rule(const struct rule *r, const struct dax_device *d)
{
	for (int k = 0; k < MATCH_KEY_COUNT; k++)
		if (!key_holds(r, k, d))
			return false;
	return true;
}

const struct rule *match_first(const struct policy *p, const struct dax_device *d)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (match_rule(&p->rules[i], d))
			return &p->rules[i];
	return NULL;
}

unsigned match_facets(const struct policy *p)
{
	unsigned facets = 0;

	for (size_t i = 0; i < p->nrules; i++)
		for (int k = 0; k < MATCH_KEY_COUNT; k++)
			if (rule_has(&p->rules[i], k))
				facets |= config_keys[k].facets;
	return facets;
}
