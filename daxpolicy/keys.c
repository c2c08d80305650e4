// SPDX-License-Identifier: GPL-2.0-or-later
#include "keys.h"
#include "discover.h"
#include "util.h"

#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

/* ---- parsers ------------------------------------------------------------ */

static bool fail(char *expected, size_t size, const char *what)
{
	str_copy(expected, size, what);
	return false;
}

static bool parse_glob(const char *text, union key_value *out, char *expected, size_t size)
{
	const char *problem = glob_problem(text);

	if (problem) {
		snprintf(expected, size, "expected a shell glob: %s", problem);
		return false;
	}
	return str_copy(out->glob, sizeof(out->glob), text) ||
	       fail(expected, size, "expected a shell glob");
}

static bool parse_path_glob(const char *text, union key_value *out, char *expected, size_t size)
{
	if (text[0] != '/' && text[0] != '*')
		return fail(expected, size, "expected a sysfs path pattern starting with / or *");
	return parse_glob(text, out, expected, size);
}

static bool parse_intset(const char *text, union key_value *out, char *expected, size_t size)
{
	return intset_parse(text, &out->set) ||
	       fail(expected, size, "expected a number, a list (1,3) or a range (2-5)");
}

static bool parse_size_spec(const char *text, union key_value *out, char *expected, size_t size)
{
	return size_spec_parse(text, &out->size) ||
	       fail(expected, size, "expected [=|<|<=|>|>=]NUMBER[K|M|G|T]");
}

static bool parse_address(const char *text, union key_value *out, char *expected, size_t size)
{
	return parse_u64(text, &out->u64) ||
	       fail(expected, size, "expected an address, 0x... or decimal");
}

static bool parse_serial(const char *text, union key_value *out, char *expected, size_t size)
{
	return parse_u64(text, &out->u64) ||
	       fail(expected, size, "expected a serial number, 0x... or decimal");
}

static bool parse_uuid(const char *text, union key_value *out, char *expected, size_t size)
{
	return uuid_parse(text, out->uuid) ||
	       fail(expected, size, "expected a uuid like 01234567-89ab-cdef-0123-456789abcdef");
}

static bool parse_mode(const char *text, union key_value *out, char *expected, size_t size)
{
	char words[128];

	out->mode = mode_from_word(text);
	if (out->mode != MODE_UNSET)
		return true;
	mode_word_list(words, sizeof(words), false);
	snprintf(expected, size, "expected %s", words);
	return false;
}

static bool parse_online(const char *text, union key_value *out, char *expected, size_t size)
{
	char words[128];

	out->online = online_from_word(text);
	if (out->online != ONLINE_UNSET)
		return true;
	online_word_list(words, sizeof(words));
	snprintf(expected, size, "expected %s", words);
	return false;
}

static bool parse_yes_no(const char *text, union key_value *out, char *expected, size_t size)
{
	out->yes = strcmp(text, "yes") == 0;
	return out->yes || strcmp(text, "no") == 0 || fail(expected, size, "expected yes or no");
}

/* ---- matchers and their descriptions ------------------------------------ */

static bool device_holds(const union key_value *want, const struct dax_device *d)
{
	return fnmatch(want->glob, d->name, 0) == 0;
}

static void device_describe(const struct key_setting *want, const struct dax_device *d, char *why,
			    size_t size)
{
	snprintf(why, size, "device %s does not match '%s'", d->name, want->v.glob);
}

static bool region_holds(const union key_value *want, const struct dax_device *d)
{
	return intset_contains(&want->set, d->region);
}

static void region_describe(const struct key_setting *want, const struct dax_device *d, char *why,
			    size_t size)
{
	snprintf(why, size, "region %d is not in %s", d->region, want->text);
}

/* a device without a target node is on no node */
static bool numa_node_holds(const union key_value *want, const struct dax_device *d)
{
	return d->target_node >= 0 && intset_contains(&want->set, d->target_node);
}

static void numa_node_describe(const struct key_setting *want, const struct dax_device *d,
			       char *why, size_t size)
{
	snprintf(why, size, "numa node %d is not in %s", d->target_node, want->text);
}

static bool size_holds(const union key_value *want, const struct dax_device *d)
{
	return size_spec_holds(&want->size, d->size);
}

static void size_describe(const struct key_setting *want, const struct dax_device *d, char *why,
			  size_t size)
{
	char have[32], limit[32];

	format_size(d->size, have, sizeof(have));
	format_size(want->v.size.size, limit, sizeof(limit));
	snprintf(why, size, "size %s is not %s %s", have, size_op_text(want->v.size.op), limit);
}

static bool resource_holds(const union key_value *want, const struct dax_device *d)
{
	return d->resource == want->u64;
}

static void resource_describe(const struct key_setting *want, const struct dax_device *d,
			      char *why, size_t size)
{
	snprintf(why, size, "resource %#" PRIx64 " is not %#" PRIx64, d->resource, want->v.u64);
}

static bool uuid_holds(const union key_value *want, const struct dax_device *d)
{
	return d->uuid[0] && strcmp(d->uuid, want->uuid) == 0;
}

static void uuid_describe(const struct key_setting *want, const struct dax_device *d, char *why,
			  size_t size)
{
	snprintf(why, size, "uuid %s is not %s", d->uuid[0] ? d->uuid : "(none)", want->v.uuid);
}

static bool path_holds(const union key_value *want, const struct dax_device *d)
{
	return fnmatch(want->glob, d->path, 0) == 0;
}

static void path_describe(const struct key_setting *want, const struct dax_device *d, char *why,
			  size_t size)
{
	snprintf(why, size, "path %s does not match '%s'", d->path, want->v.glob);
}

/* any of the CXL memory devices the device's memory lies on */
static bool cxl_serial_holds(const union key_value *want, const struct dax_device *d)
{
	for (int i = 0; i < d->ncxl; i++)
		if (d->cxl_serial[i] == want->u64)
			return true;
	return false;
}

static void cxl_serial_describe(const struct key_setting *want, const struct dax_device *d,
				char *why, size_t size)
{
	char have[CXL_SERIALS_MAX * 20] = "";

	for (int i = 0; i < d->ncxl; i++)
		str_printf(have + strlen(have), sizeof(have) - strlen(have), "%s%#" PRIx64,
			   i ? ", " : "", d->cxl_serial[i]);
	if (d->ncxl)
		snprintf(why, size, "CXL memory device serial %s is not %#" PRIx64, have,
			 want->v.u64);
	else if (d->cxl_region[0])
		snprintf(why, size,
			 "on CXL region %s, but no serial of its memory devices can be read",
			 d->cxl_region);
	else
		snprintf(why, size, "not on CXL memory (no CXL region holds it)");
}

/* ---- the table ---------------------------------------------------------- */

const struct config_key config_keys[CONFIG_KEY_COUNT] = {
	[KEY_DEVICE] = { "device", SECTION_RULE, false, parse_glob, device_holds, device_describe, 0 },
	[KEY_REGION] = { "region", SECTION_RULE, false, parse_intset, region_holds,
			 region_describe, FACET_REGION },
	[KEY_NUMA_NODE] = { "numa-node", SECTION_RULE, false, parse_intset, numa_node_holds,
			    numa_node_describe, FACET_NODES },
	[KEY_SIZE] = { "size", SECTION_RULE, false, parse_size_spec, size_holds, size_describe, 0 },
	[KEY_RESOURCE] = { "resource", SECTION_RULE, false, parse_address, resource_holds,
			   resource_describe, FACET_RANGES },
	[KEY_UUID] = { "uuid", SECTION_RULE, false, parse_uuid, uuid_holds, uuid_describe, FACET_ORIGIN },
	[KEY_PATH] = { "path", SECTION_RULE, false, parse_path_glob, path_holds, path_describe,
		       FACET_PATH },
	[KEY_CXL_SERIAL] = { "cxl-serial", SECTION_RULE, false, parse_serial, cxl_serial_holds,
			     cxl_serial_describe, FACET_CXL },
	[KEY_MODE] = { "mode", SECTION_DEFAULTS | SECTION_RULE, false, parse_mode, NULL, NULL, 0 },
	[KEY_ONLINE] = { "online", SECTION_DEFAULTS | SECTION_RULE, true, parse_online, NULL,
			 NULL, 0 },
	/* the guard: system-ram on persistent memory wipes what it kept, so a
	 * rule must say, in these words, that it means to */
	[KEY_DESTROY_PMEM_DATA] = { "destroy-pmem-data", SECTION_RULE, true, parse_yes_no, NULL,
				    NULL, 0 },
	/* tried before every rule without it: what dax-policy set writes */
	[KEY_OVERRIDE] = { "override", SECTION_RULE, false, parse_yes_no, NULL, NULL, 0 },
};

int config_key_lookup(const char *name)
{
	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		if (strcmp(name, config_keys[k].name) == 0)
			return k;
	return -1;
}

void config_key_list(unsigned section, char *buf, size_t size)
{
	const char *names[CONFIG_KEY_COUNT];
	size_t n = 0;

	for (int k = 0; k < CONFIG_KEY_COUNT; k++)
		if (config_keys[k].sections & section)
			names[n++] = config_keys[k].name;
	words_join(buf, size, names, n);
}
