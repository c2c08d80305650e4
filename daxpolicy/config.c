// SPDX-License-Identifier: GPL-2.0-or-later
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

enum section_kind { SEC_NONE, SEC_DEFAULTS, SEC_RULE, SEC_BAD };

/* The schema's state while a file is parsed. */
struct schema {
	struct policy *p;
	enum section_kind sec;
	struct rule *rule;		/* the open [rule], if sec == SEC_RULE */
	struct settings *set;		/* where the open section's keys go */
	int seen_line[CONFIG_KEY_COUNT];	/* keys given in the open section */
	unsigned errors_before;		/* errors when the section began */
};

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->defaults.key[KEY_MODE].v.mode = MODE_KEEP;
	p->defaults.key[KEY_ONLINE].v.online = ONLINE_MOVABLE;
}

void policy_free(struct policy *p)
{
	free(p->rules);
	p->rules = NULL;
	p->nrules = p->cap = 0;
	ini_free(&p->ini);
}

bool rule_has(const struct rule *r, enum config_key_id k)
{
	return r->set.key[k].line != 0;
}

enum dax_mode rule_mode(const struct rule *r)
{
	return rule_has(r, KEY_MODE) ? r->set.key[KEY_MODE].v.mode : MODE_UNSET;
}

enum online_policy rule_online(const struct policy *p, const struct rule *r)
{
	return rule_has(r, KEY_ONLINE) ? r->set.key[KEY_ONLINE].v.online : default_online(p);
}

enum dax_mode default_mode(const struct policy *p)
{
	return p->defaults.key[KEY_MODE].v.mode;
}

enum online_policy default_online(const struct policy *p)
{
	return p->defaults.key[KEY_ONLINE].v.online;
}

static bool rule_name_valid(const char *name)
{
	size_t n = strlen(name);

	if (n == 0 || n >= RULE_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)name[i]) && !strchr("._-", name[i]))
			return false;
	return true;
}

/* ---- sections ----------------------------------------------------------- */

/* A rule needs a mode, and online= (any memory-only key) only where the
 * mode has memory. */
static void check_rule(struct ini *ini, const struct rule *r)
{
	enum dax_mode mode = rule_mode(r);
	char words[64];

	if (mode == MODE_UNSET) {
		ini_error_at(ini, r->line, "rule '%s' has no mode", r->name);
		return;
	}
	if (mode_has_memory(mode))
		return;
	mode_word_list(words, sizeof(words), true);
	for (int k = MATCH_KEY_COUNT; k < CONFIG_KEY_COUNT; k++)
		if (config_keys[k].memory_only && rule_has(r, k))
			ini_error_at(ini, r->set.key[k].line,
				     "%s= only applies to mode = %s, rule '%s' has mode %s",
				     config_keys[k].name, words, r->name, mode_word(mode));
}

bool rule_overrides(const struct rule *r)
{
	return rule_has(r, KEY_OVERRIDE) && r->set.key[KEY_OVERRIDE].v.yes;
}

bool rule_destroys_pmem(const struct rule *r)
{
	return rule_has(r, KEY_DESTROY_PMEM_DATA) && r->set.key[KEY_DESTROY_PMEM_DATA].v.yes;
}

static void end_section(struct ini *ini, struct schema *s)
{
	/* a section that already had an error would only add echoes of it */
	if (s->sec == SEC_RULE && ini->nerrors == s->errors_before)
		check_rule(ini, s->rule);
	s->sec = SEC_NONE;
	s->rule = NULL;
	s->set = NULL;
	memset(s->seen_line, 0, sizeof(s->seen_line));
}

static struct rule *find_rule(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	return NULL;
}

static struct rule *add_rule(struct ini *ini, struct policy *p, const char *name)
{
	struct rule *r;

	if (p->nrules == p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 16;
		struct rule *nr = realloc(p->rules, cap * sizeof(*nr));

		if (!nr) {
			ini_error(ini, "out of memory");
			return NULL;
		}
		p->rules = nr;
		p->cap = cap;
	}
	r = &p->rules[p->nrules++];
	memset(r, 0, sizeof(*r));
	str_copy(r->name, sizeof(r->name), name);
	r->file = ini->file;
	r->line = ini->line;
	return r;
}

static void start_rule(struct ini *ini, struct schema *s, char *name)
{
	const struct rule *old;

	if (!*name) {
		ini_error(ini, "[rule] needs a name: [rule NAME]");
		return;
	}
	if (!rule_name_valid(name)) {
		ini_error(
			ini,
			"invalid rule name '%s': use letters, digits, '.', '_' and '-', at most %d",
			name, RULE_NAME_MAX - 1);
		return;
	}
	old = find_rule(s->p, name);
	if (old) {
		ini_error(ini, "rule '%s' is already defined at %s:%d", name, old->file, old->line);
		return;
	}
	s->rule = add_rule(ini, s->p, name);
	if (!s->rule)
		return;
	s->sec = SEC_RULE;
	s->set = &s->rule->set;
	s->errors_before = ini->nerrors;
}

static void on_section(struct ini *ini, void *data, char *header)
{
	struct schema *s = data;

	end_section(ini, s);
	s->sec = SEC_BAD;
	if (!header)
		return;
	header = str_strip(header);
	if (strcmp(header, "defaults") == 0) {
		s->sec = SEC_DEFAULTS;
		s->set = &s->p->defaults;
	} else if (strncmp(header, "rule", 4) == 0 &&
		   (header[4] == ' ' || header[4] == '\t' || !header[4])) {
		start_rule(ini, s, str_strip(header + 4));
	} else {
		ini_error(ini, "unknown section [%s]; expected [defaults] or [rule NAME]", header);
	}
}

static void on_end(struct ini *ini, void *data)
{
	end_section(ini, data);
}

/* ---- keys --------------------------------------------------------------- */

static void unknown_key(struct ini *ini, const struct schema *s, const char *name)
{
	char keys[256];

	if (s->sec == SEC_DEFAULTS) {
		config_key_list(SECTION_DEFAULTS, keys, sizeof(keys));
		ini_error(ini, "unknown key '%s' in [defaults]; expected %s", name, keys);
	} else if (s->sec == SEC_BAD) {
		config_key_list(SECTION_DEFAULTS | SECTION_RULE, keys, sizeof(keys));
		ini_error(ini, "unknown key '%s'; expected %s", name, keys);
	} else {
		config_key_list(SECTION_RULE, keys, sizeof(keys));
		ini_error(ini, "unknown key '%s' in [rule %s]; expected %s", name, s->rule->name,
			  keys);
	}
}

static void on_key(struct ini *ini, void *data, const char *name, const char *value)
{
	struct schema *s = data;
	unsigned section = s->sec == SEC_DEFAULTS ? SECTION_DEFAULTS : SECTION_RULE;
	const struct config_key *key;
	char expected[256];
	union key_value v;
	int k;

	/* under a bad header (already reported) keys are still checked, so
	 * that one run shows every error, but kept nowhere */
	if (s->sec == SEC_BAD)
		section = SECTION_DEFAULTS | SECTION_RULE;
	k = config_key_lookup(name);
	if (k < 0 || !(config_keys[k].sections & section)) {
		unknown_key(ini, s, name);
		return;
	}
	key = &config_keys[k];
	if (s->seen_line[k]) {
		ini_error(ini, "'%s' is given twice in this section (first at line %d)", name,
			  s->seen_line[k]);
		return;
	}
	s->seen_line[k] = ini->line;
	/* match keys keep their text, for check, explain and shadowing */
	if (k < MATCH_KEY_COUNT && strlen(value) >= VALUE_MAX) {
		ini_error(ini, "bad value for %s: longer than %d bytes", name, VALUE_MAX - 1);
		return;
	}
	if (!key->parse(value, &v, expected, sizeof(expected))) {
		ini_error(ini, "bad value for %s: '%s': %s", name, value, expected);
		return;
	}
	if (s->sec == SEC_BAD)
		return;
	s->set->key[k].line = ini->line;
	s->set->key[k].v = v;
	str_copy(s->set->key[k].text, sizeof(s->set->key[k].text), value);
}

static const struct ini_ops schema_ops = {
	.sections = "[defaults] or [rule NAME]",
	.section = on_section,
	.key = on_key,
	.end = on_end,
};

void policy_parse_text(struct policy *p, const char *file, const char *text, size_t len)
{
	struct schema s = { .p = p };

	ini_parse_text(&p->ini, &schema_ops, &s, file, text, len);
}

/* ---- whole-policy checks ------------------------------------------------ */

/* Does rule A match every device rule B matches? Conservative: only when
 * every key of A stands in B with the same text, so a warning is never wrong. */
static bool rule_covers(const struct rule *a, const struct rule *b)
{
	for (int k = 0; k < MATCH_KEY_COUNT; k++) {
		if (!rule_has(a, k))
			continue;
		if (!rule_has(b, k) || strcmp(a->set.key[k].text, b->set.key[k].text) != 0)
			return false;
	}
	return true;
}

/*
 * Rules with override = yes (what dax-policy set writes) go before every
 * other rule, each group keeping its file order: whatever file a rule
 * comes from, an override is tried first. Stable, in place.
 */
static void overrides_first(struct policy *p)
{
	size_t k = 0;

	for (size_t j = 0; j < p->nrules; j++) {
		struct rule r;

		if (!rule_overrides(&p->rules[j]))
			continue;
		if (j != k) {
			r = p->rules[j];
			memmove(&p->rules[k + 1], &p->rules[k], (j - k) * sizeof(r));
			p->rules[k] = r;
		}
		k++;
	}
}

void policy_finish(struct policy *p)
{
	overrides_first(p);

	for (size_t j = 1; j < p->nrules; j++) {
		for (size_t i = 0; i < j; i++) {
			const struct rule *a = &p->rules[i], *b = &p->rules[j];

			if (!rule_covers(a, b))
				continue;
			ini_warning(
				&p->ini, b->file, b->line,
				"rule '%s' can never match: rule '%s' (%s:%d) matches every device it does",
				b->name, a->name, a->file, a->line);
			p->nwarnings++;
			break;
		}
	}
}

int policy_load(struct policy *p, const char *main_file, bool check_owner)
{
	struct schema s = { .p = p };

	if (ini_load(&p->ini, &schema_ops, &s, main_file, check_owner) < 0)
		return -1;
	policy_finish(p);
	return 0;
}
