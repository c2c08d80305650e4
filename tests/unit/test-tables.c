// SPDX-License-Identifier: GPL-2.0-or-later
/* The mode table, the config key table and the outcome kinds: every row
 * complete and consistent, the word lists messages are built from, the
 * unit a journal entry names from the cgroup, and device names. */
#include "journal.h"
#include "keys.h"
#include "mode.h"
#include "outcome.h"
#include "tap.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <syslog.h>

static void test_modes(void)
{
	const struct mode_info *m;
	char buf[128], what[128];

	for (size_t i = 0; (m = mode_at(i)); i++) {
		snprintf(what, sizeof(what), "mode %s: its own row", m->name);
		tap_ok(mode_info(m->mode) == m, what);
		if (m->word) {
			snprintf(what, sizeof(what), "mode %s: word %s", m->name, m->word);
			tap_is_int(mode_from_word(m->word), m->mode, what);
		}
		for (size_t a = 0; a < MODE_ALIASES_MAX && m->aliases[a]; a++) {
			snprintf(what, sizeof(what), "mode %s: alias %s", m->name, m->aliases[a]);
			tap_is_int(mode_from_word(m->aliases[a]), m->mode, what);
		}
		if (m->driver) {
			snprintf(what, sizeof(what), "mode %s: driver %s", m->name, m->driver);
			tap_is_int(mode_from_driver(m->driver), m->mode, what);
		}
		snprintf(what, sizeof(what), "mode %s: a /dev node or memory, not both", m->name);
		tap_ok(!(m->dev_node && m->memory), what);
	}
	tap_is_int(mode_from_driver(""), MODE_UNBOUND, "no driver: unbound");
	tap_is_int(mode_from_driver("vfio_dax"), MODE_OTHER, "unknown driver: other");
	tap_is_int(mode_from_word("unbound"), MODE_UNSET, "unbound is a status, not a config word");
	tap_is_str(mode_word(MODE_UNBOUND), "none", "config word of unbound");
	tap_is_str(mode_name(MODE_UNSET), "unset", "unset has a name");

	mode_word_list(buf, sizeof(buf), false);
	tap_is_str(buf, "devdax, system-ram, fsdev, keep or none", "config words, generated");
	mode_word_list(buf, sizeof(buf), true);
	tap_is_str(buf, "system-ram", "words of modes with memory");
	online_word_list(buf, sizeof(buf));
	tap_is_str(buf, "movable, normal or offline", "online words, generated");
	tap_is_int(online_from_word("normal"), ONLINE_NORMAL, "online word");
	tap_is_str(online_name(ONLINE_OFFLINE), "offline", "online name");
}

static void test_keys(void)
{
	char buf[256], what[128];

	for (int k = 0; k < CONFIG_KEY_COUNT; k++) {
		const struct config_key *key = &config_keys[k];
		bool match = k < MATCH_KEY_COUNT;

		if (!tap_ok(key->name && key->parse && key->sections,
			    "key has a name, parser, section"))
			continue;
		snprintf(what, sizeof(what), "key %s: found by name", key->name);
		tap_is_int(config_key_lookup(key->name), k, what);
		snprintf(what, sizeof(what), "key %s: %s", key->name,
			 match ? "matcher and describer, rules only" : "no matcher (action key)");
		if (match)
			tap_ok(key->holds && key->describe && key->sections == SECTION_RULE, what);
		else
			tap_ok(!key->holds && !key->describe, what);
		snprintf(what, sizeof(what), "key %s: %s", key->name,
			 key->memory_only ? "memory modes only (an action key)" : "any mode");
		tap_ok(!key->memory_only || !match, what);
	}
	tap_is_int(config_key_lookup("colour"), -1, "unknown key");
	tap_ok(config_keys[KEY_ONLINE].memory_only &&
		       config_keys[KEY_DESTROY_PMEM_DATA].memory_only &&
		       !config_keys[KEY_MODE].memory_only,
	       "online and destroy-pmem-data: system-ram only");
	config_key_list(SECTION_DEFAULTS, buf, sizeof(buf));
	tap_is_str(buf, "mode or online", "[defaults] keys, generated");
	config_key_list(SECTION_RULE, buf, sizeof(buf));
	tap_is_str(
		buf,
		"device, region, numa-node, size, resource, uuid, path, cxl-serial, mode, online, "
		"destroy-pmem-data or override",
		"[rule] keys, generated");
}

static void test_words_join(void)
{
	static const char *const w[] = { "a", "b", "c" };
	char buf[32];

	words_join(buf, sizeof(buf), w, 0);
	tap_is_str(buf, "", "no words");
	words_join(buf, sizeof(buf), w, 1);
	tap_is_str(buf, "a", "one word");
	words_join(buf, sizeof(buf), w, 2);
	tap_is_str(buf, "a or b", "two words");
	words_join(buf, sizeof(buf), w, 3);
	tap_is_str(buf, "a, b or c", "three words");
}

/* Every reason has a word of its own, lower case and dashes (scripts
 * match on them), and a state. */
static void test_reasons(void)
{
	for (int r = 0; r < REASON_COUNT; r++) {
		const char *word = dev_reason_name((enum dev_reason)r);
		bool plain = word[0] != '\0';
		char what[128];

		for (const char *c = word; *c; c++)
			plain = plain && ((*c >= 'a' && *c <= 'z') || *c == '-');
		snprintf(what, sizeof(what), "reason %d: a plain word (%s)", r, word);
		tap_ok(plain, what);
		for (int q = 0; q < r; q++) {
			if (strcmp(word, dev_reason_name((enum dev_reason)q)) == 0) {
				snprintf(what, sizeof(what), "reason %s: given twice", word);
				tap_ok(false, what);
			}
		}
	}
	tap_is_str(dev_reason_name(REASON_COUNT), "?", "past the table: ?");
	tap_is_int(dev_reason_state(REASON_IN_USE), STATE_BUSY, "in-use means busy");
	tap_is_int(dev_reason_state(REASON_CONFIG_ERROR), STATE_UNKNOWN,
		   "config-error: the state is unknown");
	tap_is_str(dev_state_name(STATE_UNKNOWN), "?", "unknown state shows as ?");
}

/* Every outcome kind: a name, a priority, a MESSAGE_ID of its own that
 * doc/dax-policy.catalog explains; and no catalog entry for an unknown id. */
static void test_outcome_kinds(void)
{
	const char *src = getenv("DAXTEST_SRC");
	char path[4096], line[256], what[160];
	char ids[32][33];
	size_t nids = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../doc/dax-policy.catalog", src ? src : "tests");
	f = fopen(path, "r");
	if (!tap_ok(f != NULL, "doc/dax-policy.catalog opens"))
		return;
	while (fgets(line, sizeof(line), f) && nids < 32)
		if (sscanf(line, "-- %32s", ids[nids]) == 1)
			nids++;
	fclose(f);
	tap_is_int((long long)nids, OUTCOME_KIND_COUNT,
		   "the catalog has an entry per outcome kind");
	for (int k = 0; k < OUTCOME_KIND_COUNT; k++) {
		const struct outcome_kind_info *o = &outcome_kinds[k];
		bool hex = o->message_id && strlen(o->message_id) == 32, in_catalog = false,
		     unique = true;

		snprintf(what, sizeof(what), "outcome kind %d (%s): name, priority, id", k,
			 o->name ? o->name : "?");
		for (const char *p = o->message_id; hex && *p; p++)
			hex = isxdigit((unsigned char)*p) && !isupper((unsigned char)*p);
		tap_ok(o->name && o->priority >= LOG_ERR && o->priority <= LOG_INFO && hex, what);
		if (!hex)
			continue;
		for (size_t i = 0; i < nids; i++)
			in_catalog |= strcmp(ids[i], o->message_id) == 0;
		for (int j = 0; j < k; j++)
			unique &= strcmp(outcome_kinds[j].message_id, o->message_id) != 0;
		snprintf(what, sizeof(what), "  %s: its MESSAGE_ID is its own and in the catalog",
			 o->name);
		tap_ok(in_catalog && unique, what);
	}
}

/* OBJECT_SYSTEMD_UNIT comes from /proc/self/cgroup: the first thing below
 * the slices (and below PID 1's cgroup), in systemd's v1 hierarchy or the
 * unified one, and only a name a unit can have. */
static void test_unit_of_cgroup(void)
{
	static const struct {
		const char *text, *root, *unit;
	} cases[] = {
		{ "0::/system.slice/dax-policy@dax0.1.service\n", NULL, "dax-policy@dax0.1.service" },
		{ "0::/system.slice/dax-policy.service", "0::/init.scope\n", "dax-policy.service" },
		{ "0::/user.slice/user-0.slice/session-3.scope\n", "0::/\n", "session-3.scope" },
		{ "0::/user.slice/user-0.slice/user@0.service/app.slice/x.service\n", NULL,
		  "user@0.service" },
		{ "0::/system.slice/foo.service/sub/cgroup\n", NULL, "foo.service" },
		{ "12:pids:/x\n1:name=systemd:/system.slice/udev.service\n0::/\n", NULL, "udev.service" },
		{ "0::/foo\n1:name=systemd:/system.slice/x.service\n", NULL, "x.service" },
		{ "0::/init.scope\n", NULL, "init.scope" },
		{ "0::/system.slice/_io.service\n", NULL, "io.service" },
		/* a container sharing the host's cgroups: below its PID 1's */
		{ "0::/machine.slice/machine-c.scope/system.slice/dax-policy.service\n",
		  "0::/machine.slice/machine-c.scope/init.scope\n", "dax-policy.service" },
		{ "0::/machine.slice/machine-c.scope/system.slice/dax-policy.service\n",
		  "0::/init.scope\n", "machine-c.scope" },
		{ "0::/\n", NULL, NULL },
		{ "0::/system.slice\n", NULL, NULL },
		{ "0::/.slice\n", NULL, NULL },
		{ "0::/machine\n", NULL, NULL },
		{ "0::/system.slice/dax-policy@dax0.1.serv", NULL, NULL }, /* cut short */
		{ "0::/system.sl", NULL, NULL },
		{ "garbage", NULL, NULL },
		{ "", NULL, NULL },
		{ "0::", NULL, NULL },
		{ "1:name=systemd:", NULL, NULL },
		{ "::::\n:\n", "0::", NULL },
	};
	char unit[64], what[160];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool found = journal_unit_of_cgroup(cases[i].text, cases[i].root, unit, sizeof(unit));

		snprintf(what, sizeof(what), "cgroup case %zu: %s", i,
			 cases[i].unit ? cases[i].unit : "no unit");
		if (cases[i].unit)
			tap_ok(found && strcmp(unit, cases[i].unit) == 0, what);
		else
			tap_ok(!found, what);
	}
	tap_ok(!journal_unit_of_cgroup("0::/system.slice/a-rather-long-name.service\n", NULL, unit, 8),
	       "a unit longer than the buffer: none");
}

/* Device names: daxREGION.ID, each 1 to 9 decimal digits, nothing else. */
static void test_dax_names(void)
{
	static const struct {
		const char *name;
		int region, id;	/* -1: not a device name */
	} cases[] = {
		{ "dax0.0", 0, 0 },
		{ "dax12.345", 12, 345 },
		{ "dax01.002", 1, 2 },
		{ "dax999999999.999999999", 999999999, 999999999 },
		{ "dax1234567890.0", -1, -1 },
		{ "dax0.1234567890", -1, -1 },
		{ "dax99999999999.0", -1, -1 },
		{ "dax0.99999999999999999999", -1, -1 },
		{ "dax0x1.0", -1, -1 },
		{ "dax-1.0", -1, -1 },
		{ "dax+1.0", -1, -1 },
		{ "dax 1.0", -1, -1 },
		{ "dax1.", -1, -1 },
		{ "dax.1", -1, -1 },
		{ "dax1.0 ", -1, -1 },
		{ "dax1.0.0", -1, -1 },
		{ "Dax1.0", -1, -1 },
		{ "dax1", -1, -1 },
		{ "dax", -1, -1 },
		{ "", -1, -1 },
	};
	char what[96];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int region = -7, id = -7;
		bool ok = dax_name_parse(cases[i].name, &region, &id);

		snprintf(what, sizeof(what), "name '%s': %s", cases[i].name,
			 cases[i].region < 0 ? "not a device" : "region and id");
		if (cases[i].region < 0)
			tap_ok(!ok && !dax_name_valid(cases[i].name), what);
		else
			tap_ok(ok && dax_name_valid(cases[i].name) && region == cases[i].region &&
				       id == cases[i].id,
			       what);
	}
}

int main(void)
{
	test_dax_names();
	test_reasons();
	test_modes();
	test_keys();
	test_words_join();
	test_outcome_kinds();
	test_unit_of_cgroup();
	return tap_done();
}
