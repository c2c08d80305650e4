// SPDX-License-Identifier: GPL-2.0-or-later
#include "match.h"
#include "util.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static const char *size_op_text(enum size_op op)
{
	switch (op) {
	case SIZE_LT: return "<";
	case SIZE_LE: return "<=";
	case SIZE_GT: return ">";
	case SIZE_GE: return ">=";
	case SIZE_EQ: break;
	}
	return "=";
}

static bool size_holds(enum size_op op, uint64_t have, uint64_t want)
{
	switch (op) {
	case SIZE_LT: return have < want;
	case SIZE_LE: return have <= want;
	case SIZE_GT: return have > want;
	case SIZE_GE: return have >= want;
	case SIZE_EQ: break;
	}
	return have == want;
}

bool match_key(const struct rule *r, enum match_key key, const struct dax_device *d,
	       char *why, size_t whylen)
{
	char a[32], b[32];
	bool ok = true;

	if (!(r->keys & (1u << key)))
		return true;
	switch (key) {
	case KEY_DEVICE:
		ok = fnmatch(r->device, d->name, 0) == 0;
		if (!ok)
			snprintf(why, whylen, "device %s does not match '%s'", d->name, r->device);
		break;
	case KEY_REGION:
		ok = intset_contains(&r->region, d->region);
		if (!ok)
			snprintf(why, whylen, "region %d is not in %s", d->region, r->key_text[key]);
		break;
	case KEY_NUMA_NODE:
		ok = d->target_node >= 0 && intset_contains(&r->numa_node, d->target_node);
		if (!ok)
			snprintf(why, whylen, "numa node %d is not in %s", d->target_node,
				 r->key_text[key]);
		break;
	case KEY_SIZE:
		ok = size_holds(r->size_op, d->size, r->size);
		if (!ok) {
			format_size(d->size, a, sizeof(a));
			format_size(r->size, b, sizeof(b));
			snprintf(why, whylen, "size %s is not %s %s", a, size_op_text(r->size_op), b);
		}
		break;
	case KEY_RESOURCE:
		ok = d->resource == r->resource;
		if (!ok)
			snprintf(why, whylen, "resource %#" PRIx64 " is not %#" PRIx64,
				 d->resource, r->resource);
		break;
	case KEY_UUID:
		ok = d->uuid[0] && strcmp(d->uuid, r->uuid) == 0;
		if (!ok)
			snprintf(why, whylen, "uuid %s is not %s", d->uuid[0] ? d->uuid : "(none)",
				 r->uuid);
		break;
	case KEY_PATH:
		ok = fnmatch(r->path, d->path, 0) == 0;
		if (!ok)
			snprintf(why, whylen, "path %s does not match '%s'", d->path, r->path);
		break;
	case MATCH_KEY_COUNT:
		break;
	}
	return ok;
}

bool match_rule(const struct rule *r, const struct dax_device *d)
{
	char why[8];

	for (int k = 0; k < MATCH_KEY_COUNT; k++)
		if (!match_key(r, (enum match_key)k, d, why, sizeof(why)))
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
