// SPDX-License-Identifier: GPL-2.0-or-later
#include "daxctl_import.h"
#include "config.h"
#include "ini.h"
#include "util.h"
#include "values.h"

#include <ctype.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define SECTION_WORD "reconfigure-device"
#define RULE_PREFIX "daxctl-"

/* The keys of a [reconfigure-device] section daxctl reads. */
enum dkey { DK_UUID, DK_MODE, DK_ONLINE, DK_MOVABLE, DK_COUNT };

static const char *const dkey_names[DK_COUNT] = { "nvdimm.uuid", "mode", "online", "movable" };

/* The daxctl modes, and the dax-policy mode each is. */
static const struct {
	const char *word;
	enum dax_mode mode;
} dmodes[] = {
	{ "system-ram", MODE_SYSTEM_RAM },
	{ "devdax", MODE_DEVDAX },
};

/* One section as read so far. */
struct dsection {
	bool open, skip;
	int line;		  /* of its header */
	char name[RULE_NAME_MAX]; /* the rule's */
	int key_line[DK_COUNT];	  /* 0: not given */
	char uuid[UUID_STR_LEN + 1];
	enum dax_mode mode;
	bool online, movable;
	unsigned errors_before;
};

struct dstate {
	struct daxctl_import *imp;
	struct dsection sec;
	char **names; /* rule names given so far */
	size_t nnames;
};

static void warn_at(struct ini *ini, struct dstate *st, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void warn_at(struct ini *ini, struct dstate *st, int line, const char *fmt, ...)
{
	char msg[512], shown[PATH_MAX + 600];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(shown, sizeof(shown), "%s:%d: warning: %s", ini->file, line, msg);
	str_sanitize(shown);
	fprintf(ini->err ? ini->err : stderr, "%s\n", shown);
	st->imp->nwarnings++;
}

static bool name_taken(const struct dstate *st, const char *name)
{
	for (size_t i = 0; i < st->nnames; i++)
		if (strcmp(st->names[i], name) == 0)
			return true;
	return false;
}

/* "daxctl-" and the subsection name in the letters a rule name allows,
 * made unique with -2, -3, ... */
static bool rule_name(struct dstate *st, const char *sub, char *out, size_t size)
{
	char base[RULE_NAME_MAX - 12], **names; /* room for -N */
	size_t n = 0;

	n = (size_t)snprintf(base, sizeof(base), RULE_PREFIX "%s", sub);
	if (n >= sizeof(base))
		n = sizeof(base) - 1;
	for (size_t i = sizeof(RULE_PREFIX) - 1; i < n; i++)
		if (!isalnum((unsigned char)base[i]) && !strchr("._-", base[i]))
			base[i] = '-';
	str_copy(out, size, base);
	for (int k = 2; name_taken(st, out); k++)
		str_printf(out, size, "%s-%d", base, k);
	names = realloc(st->names, (st->nnames + 1) * sizeof(*names));
	if (!names)
		return false;
	st->names = names;
	names[st->nnames] = strdup(out);
	return names[st->nnames] && ++st->nnames;
}

static void emit(struct ini *ini, struct dstate *st)
{
	struct dsection *s = &st->sec;
	FILE *out = st->imp->out;

	if (!s->key_line[DK_UUID]) {
		warn_at(ini, st, s->line,
			"no nvdimm.uuid: daxctl matches no device by this section; skipped");
		return;
	}
	if (s->mode != MODE_SYSTEM_RAM) {
		for (int k = DK_ONLINE; k <= DK_MOVABLE; k++)
			if (s->key_line[k])
				warn_at(ini, st, s->key_line[k],
					"%s only applies to mode = system-ram; ignored",
					dkey_names[k]);
	}
	fprintf(out, "\n# %s:%d\n[rule %s]\nuuid = %s\nmode = %s\n", ini->file, s->line, s->name,
		s->uuid, mode_word(s->mode));
	if (s->mode == MODE_SYSTEM_RAM)
		fprintf(out,
			"online = %s\n# daxctl made this namespace system RAM, its contents lost\n"
			"destroy-pmem-data = yes\n",
			online_name(!s->online	 ? ONLINE_OFFLINE
				    : s->movable ? ONLINE_MOVABLE
						 : ONLINE_NORMAL));
	st->imp->nrules++;
}

static void end_section(struct ini *ini, struct dstate *st)
{
	if (st->sec.open && !st->sec.skip && ini->nerrors == st->sec.errors_before)
		emit(ini, st);
	memset(&st->sec, 0, sizeof(st->sec));
}

static void on_section(struct ini *ini, void *data, char *header)
{
	struct dstate *st = data;
	struct dsection *s = &st->sec;
	size_t n = sizeof(SECTION_WORD) - 1;
	char *sub;

	end_section(ini, st);
	s->open = true;
	s->line = ini->line;
	s->errors_before = ini->nerrors;
	s->mode = MODE_SYSTEM_RAM; /* daxctl's defaults */
	s->online = s->movable = true;
	if (!header) {
		s->skip = true;
		return;
	}
	header = str_strip(header);
	if (strncasecmp(header, SECTION_WORD, n) != 0 ||
	    (header[n] && header[n] != ' ' && header[n] != '\t')) {
		warn_at(ini, st, ini->line,
			"section [%s] has no dax-policy counterpart (only [" SECTION_WORD
			" NAME] is imported); skipped",
			header);
		s->skip = true;
		return;
	}
	sub = str_strip(header + n);
	if (!*sub) {
		ini_error(ini, "[" SECTION_WORD "] needs a name: [" SECTION_WORD " NAME]");
		s->skip = true;
		return;
	}
	if (!rule_name(st, sub, s->name, sizeof(s->name))) {
		ini_error(ini, "out of memory");
		s->skip = true;
	}
}

/* daxctl's booleans: by the first letter, as its ini parser reads them */
static bool parse_bool(const char *v, bool *out)
{
	if (strchr("yYtT1", v[0]))
		*out = true;
	else if (strchr("nNfF0", v[0]))
		*out = false;
	else
		return false;
	return v[0] != '\0';
}

/* "value" or 'value': daxctl's parser takes the quotes off */
static void unquote(char *v)
{
	size_t n = strlen(v);

	if (n >= 2 && (v[0] == '"' || v[0] == '\'') && v[n - 1] == v[0]) {
		memmove(v, v + 1, n - 2);
		v[n - 2] = '\0';
	}
}

static void on_key(struct ini *ini, void *data, const char *key, const char *value)
{
	struct dstate *st = data;
	struct dsection *s = &st->sec;
	char v[INI_LINE_MAX];
	int k;

	if (s->skip)
		return;
	for (k = 0; k < DK_COUNT && strcasecmp(key, dkey_names[k]) != 0; k++)
		;
	if (k == DK_COUNT) {
		warn_at(ini, st, ini->line,
			"key '%s' has no dax-policy counterpart (nvdimm.uuid, mode, online and movable are imported); skipped",
			key);
		return;
	}
	if (s->key_line[k]) {
		ini_error(ini, "'%s' is given twice in this section (first at line %d)", key,
			  s->key_line[k]);
		return;
	}
	s->key_line[k] = ini->line;
	str_copy(v, sizeof(v), value);
	unquote(v);
	switch (k) {
	case DK_UUID:
		if (!uuid_parse(v, s->uuid))
			ini_error(ini, "bad value for nvdimm.uuid: '%s': expected a uuid", v);
		break;
	case DK_MODE:
		for (size_t i = 0; i < ARRAY_SIZE(dmodes); i++)
			if (strcmp(v, dmodes[i].word) == 0) {
				s->mode = dmodes[i].mode;
				return;
			}
		ini_error(ini, "bad value for mode: '%s': expected system-ram or devdax", v);
		break;
	case DK_ONLINE:
	case DK_MOVABLE:
		if (!parse_bool(v, k == DK_ONLINE ? &s->online : &s->movable))
			ini_error(ini, "bad value for %s: '%s': expected true or false", key, v);
		break;
	}
}

static void on_end(struct ini *ini, void *data)
{
	end_section(ini, data);
}

static const struct ini_ops daxctl_ops = {
	.sections = "[" SECTION_WORD " NAME]",
	.section = on_section,
	.key = on_key,
	.end = on_end,
};

static void state_free(struct dstate *st)
{
	for (size_t i = 0; i < st->nnames; i++)
		free(st->names[i]);
	free(st->names);
}

static void finish(struct daxctl_import *imp, struct ini *ini)
{
	imp->nerrors += ini->nerrors;
	ini_free(ini);
}

void daxctl_import_text(struct daxctl_import *imp, const char *file, const char *text, size_t len)
{
	struct dstate st = { .imp = imp };
	struct ini ini = { .err = imp->err, .errors = imp->errors };

	ini_parse_text(&ini, &daxctl_ops, &st, file, text, len);
	state_free(&st);
	finish(imp, &ini);
}

int daxctl_import_dir(struct daxctl_import *imp, const char *dir)
{
	struct dstate st = { .imp = imp };
	struct ini ini = { .err = imp->err, .errors = imp->errors };

	/* the files are only read here, and shown before anything is written */
	ini_load_dir(&ini, &daxctl_ops, &st, dir, false);
	state_free(&st);
	finish(imp, &ini);
	return imp->nerrors ? -1 : 0;
}
