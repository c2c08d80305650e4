/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dax-policy schema of /etc/dax-policy.conf and its drop-ins: a
 * [defaults] section and an ordered list of [rule NAME] sections, their keys
 * from the key table (keys.h), parsed into a policy. Any error is printed as
 * FILE:LINE: message and makes loading fail as a whole, so a broken policy is
 * never half-applied.
 */
#ifndef DAXPOLICY_CONFIG_H
#define DAXPOLICY_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "ini.h"
#include "keys.h"
#include "mode.h"

#define RULE_NAME_MAX 64

/* The keys one section (or every [defaults] section, merged) gave. */
struct settings {
	struct key_setting key[CONFIG_KEY_COUNT];
};

struct rule {
	char name[RULE_NAME_MAX];
	const char *file;	/* points into policy.ini.files */
	int line;		/* of the [rule NAME] header */
	struct settings set;
};

struct policy {
	struct ini ini;			/* files read, errors (ini.err: where they go) */
	struct rule *rules;
	size_t nrules, cap;
	struct settings defaults;	/* mode keep and online movable unless set */
	unsigned nwarnings;
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * Load MAIN_FILE and its drop-ins (see ini_load). A missing main file with
 * no drop-ins gives the empty policy. Returns 0, or -1 after printing every
 * error found.
 */
int policy_load(struct policy *p, const char *main_file, bool check_owner);

/* Parse one file's text; used by policy_load and by the fuzzer. */
void policy_parse_text(struct policy *p, const char *file, const char *text, size_t len);
/* After all files: override rules first, then checks that need the whole
 * policy (shadowed rules). */
void policy_finish(struct policy *p);

/* Whether a rule gave key K. */
bool rule_has(const struct rule *r, enum config_key_id k);
enum dax_mode rule_mode(const struct rule *r);
/* The effective online policy of a rule (its own or the default). */
enum online_policy rule_online(const struct policy *p, const struct rule *r);
/* Does the rule allow system-ram on persistent memory (destroy-pmem-data = yes)? */
bool rule_destroys_pmem(const struct rule *r);
/* Is it tried before every other rule (override = yes)? */
bool rule_overrides(const struct rule *r);
enum dax_mode default_mode(const struct policy *p);
enum online_policy default_online(const struct policy *p);

#endif
