/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one table of configuration keys: for each, its name, the sections that
 * take it, how its value is parsed and, for the keys that match devices, how
 * it is matched against a device and how a mismatch is described. The
 * config parser, the matcher, explain and check all walk this table (in the
 * manner of systemd's ConfigTableItem).
 */
#ifndef DAXPOLICY_KEYS_H
#define DAXPOLICY_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mode.h"
#include "values.h"

struct dax_device;

/* Longest value of a match key, as written. */
#define VALUE_MAX 256

/* In the order messages list them: match keys, then action keys. */
enum config_key_id {
	KEY_DEVICE,
	KEY_REGION,
	KEY_NUMA_NODE,
	KEY_SIZE,
	KEY_RESOURCE,
	KEY_UUID,
	KEY_PATH,
	KEY_CXL_SERIAL,
	MATCH_KEY_COUNT, /* the keys before this one match devices */
	KEY_MODE = MATCH_KEY_COUNT,
	KEY_ONLINE,
	KEY_DESTROY_PMEM_DATA,
	KEY_OVERRIDE,
	CONFIG_KEY_COUNT,
};

/* A parsed value; the key's parser decides which member. */
union key_value {
	char glob[VALUE_MAX];		/* device, path */
	struct intset set;		/* region, numa-node */
	struct size_spec size;		/* size */
	uint64_t u64;			/* resource, cxl-serial */
	char uuid[UUID_STR_LEN + 1];	/* uuid, lower case */
	enum dax_mode mode;		/* mode */
	enum online_policy online;	/* online */
	bool yes;			/* destroy-pmem-data, override */
};

/* One key as a section gave it. */
struct key_setting {
	int line;			/* where it was given; 0: not given */
	char text[VALUE_MAX];		/* the value as written */
	union key_value v;
};

/* The sections a key may stand in. */
#define SECTION_DEFAULTS (1u << 0)
#define SECTION_RULE (1u << 1)

struct config_key {
	const char *name;
	unsigned sections;
	/* An action key that only means something for a mode with memory
	 * (system-ram): elsewhere in a rule it is an error. */
	bool memory_only;
	/* Parse TEXT into OUT; false with EXPECTED saying what was expected. */
	bool (*parse)(const char *text, union key_value *out, char *expected, size_t size);
	/* Match keys only: whether the key holds for DEV ... */
	bool (*holds)(const union key_value *want, const struct dax_device *dev);
	/* ... and, when it does not, what differs ("region 3 is not in 0-2"). */
	void (*describe)(const struct key_setting *want, const struct dax_device *dev,
			 char *why, size_t size);
	/* ... and what of the device it looks at (enum dax_facet) */
	unsigned facets;
};

extern const struct config_key config_keys[CONFIG_KEY_COUNT];

/* The key named NAME, or -1. */
int config_key_lookup(const char *name);
/* "device, region, ... or online": every key SECTION takes, for messages. */
void config_key_list(unsigned section, char *buf, size_t size);

#endif
