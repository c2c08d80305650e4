// SPDX-License-Identifier: GPL-2.0-or-later
#include "setrule.h"
#include "util.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static bool by_uuid(const struct dax_device *d, char *value, size_t vsize, char *id, size_t isize)
{
	return d->uuid[0] && str_copy(value, vsize, d->uuid) && str_copy(id, isize, d->uuid);
}

/* 0 is how discovery says "unknown": no dax range starts there */
static bool by_resource(const struct dax_device *d, char *value, size_t vsize, char *id,
			size_t isize)
{
	return d->resource && str_printf(value, vsize, "%#" PRIx64, d->resource) &&
	       str_copy(id, isize, value);
}

/* FNV-1a: a short, stable name for a path, which is too long and holds
 * characters a rule name may not */
static uint64_t fnv1a(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* The path as a glob that matches only itself; false for a path a rule
 * cannot hold (not UTF-8, white space or controls, too long). */
static bool by_path(const struct dax_device *d, char *value, size_t vsize, char *id, size_t isize)
{
	size_t n = 0;

	if (d->path[0] != '/' || !utf8_valid(d->path))
		return false;
	for (const char *p = d->path; *p; p++) {
		if ((unsigned char)*p <= ' ' || *p == 0x7f)
			return false;
		if (n + 3 > vsize)
			return false;
		if (strchr("*?[]\\", *p))
			value[n++] = '\\';
		value[n++] = *p;
	}
	value[n] = '\0';
	return str_printf(id, isize, "%016" PRIx64, fnv1a(d->path));
}

static const struct {
	enum config_key_id key;
	const char *kind;
	bool (*get)(const struct dax_device *d, char *value, size_t vsize, char *id, size_t isize);
} identities[SET_IDENTITIES] = {
	{ KEY_UUID, "uuid", by_uuid },
	{ KEY_RESOURCE, "resource", by_resource },
	{ KEY_PATH, "path", by_path },
};

bool set_key_at(const struct dax_device *dev, int i, struct set_key *out)
{
	char id[64];

	if (i < 0 || i >= SET_IDENTITIES)
		return false;
	memset(out, 0, sizeof(*out));
	out->key = identities[i].key;
	return identities[i].get(dev, out->value, sizeof(out->value), id, sizeof(id)) &&
	       str_printf(out->rule, sizeof(out->rule), "set-%s-%s", identities[i].kind, id) &&
	       str_printf(out->file, sizeof(out->file), "00-%s.conf", out->rule);
}

bool set_key_best(const struct dax_device *dev, struct set_key *out)
{
	for (int i = 0; i < SET_IDENTITIES; i++)
		if (set_key_at(dev, i, out))
			return true;
	return false;
}

bool set_rule_text(const struct dax_device *dev, const struct set_key *k, enum dax_mode mode,
		   enum online_policy online, char *out, size_t size)
{
	char online_line[64] = "";

	if (online != ONLINE_UNSET)
		str_printf(online_line, sizeof(online_line), "online = %s\n", online_name(online));
	/* the name in the comment is only what the device was called: the
	 * rule holds it by its identity */
	return str_printf(out, size,
			  "# Written by dax-policy set: the device with %s %s\n"
			  "# (%s when set) is %s. Remove with: dax-policy unset DEVICE\n"
			  "[rule %s]\n"
			  "override = yes\n"
			  "%s = %s\n"
			  "mode = %s\n"
			  "%s",
			  config_keys[k->key].name, k->value, dev->name, mode_word(mode), k->rule,
			  config_keys[k->key].name, k->value, mode_word(mode), online_line);
}
