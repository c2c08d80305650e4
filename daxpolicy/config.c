// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * INI-style parser for dax-policy.conf, in the manner of systemd's
 * conf-parser: one pass per file, one line at a time, every problem reported
 * with the file and line it stands on. Errors are counted, not fatal, so the
 * user sees all of them in one run; the caller refuses the policy if any.
 */
#include "config.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *const match_key_names[MATCH_KEY_COUNT] = {
	[KEY_DEVICE] = "device",
	[KEY_REGION] = "region",
	[KEY_NUMA_NODE] = "numa-node",
	[KEY_SIZE] = "size",
	[KEY_RESOURCE] = "resource",
	[KEY_UUID] = "uuid",
	[KEY_PATH] = "path",
};

/* Largest config file read, so a stray huge file cannot eat memory. */
#define CONFIG_FILE_MAX (1024 * 1024)

enum section_kind { SEC_NONE, SEC_DEFAULTS, SEC_RULE, SEC_BAD };

/* Parser state for one file. */
struct parse {
	struct policy *p;
	const char *file;
	int line;
	enum section_kind sec;
	struct rule *rule;		/* the open [rule], if sec == SEC_RULE */
	int seen_line[MATCH_KEY_COUNT + 2];	/* + mode, online */
	unsigned section_errors;	/* errors since the section began */
};

#define SEEN_MODE MATCH_KEY_COUNT
#define SEEN_ONLINE (MATCH_KEY_COUNT + 1)

static void perr(struct parse *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void perr(struct parse *ps, const char *fmt, ...)
{
	va_list ap;
	FILE *out = ps->p->err ? ps->p->err : stderr;

	fprintf(out, "%s:%d: ", ps->file, ps->line);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	ps->p->nerrors++;
	ps->section_errors++;
}

static void file_err(struct policy *p, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void file_err(struct policy *p, const char *file, const char *fmt, ...)
{
	va_list ap;
	FILE *out = p->err ? p->err : stderr;

	fprintf(out, "%s: ", file);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	p->nerrors++;
}

void policy_init(struct policy *p)
{
	memset(p, 0, sizeof(*p));
	p->default_mode = MODE_KEEP;
	p->default_online = ONLINE_MOVABLE;
}

void policy_free(struct policy *p)
{
	free(p->rules);
	free(p->files);
	p->rules = NULL;
	p->files = NULL;
	p->nrules = p->cap = p->nfiles = 0;
}

enum online_policy rule_online(const struct policy *p, const struct rule *r)
{
	return r->online != ONLINE_UNSET ? r->online : p->default_online;
}

/* ---- value syntax --------------------------------------------------- */

bool intset_parse(const char *s, struct intset *set)
{
	char buf[GLOB_MAX], *tok, *save = NULL;

	set->n = 0;
	if (!str_copy(buf, sizeof(buf), s))
		return false;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char *dash, *t = str_strip(tok);
		int lo, hi;

		if (set->n >= INTSET_MAX)
			return false;
		dash = strchr(t, '-');
		if (dash) {
			*dash = '\0';
			if (!parse_uint(str_strip(t), &lo) ||
			    !parse_uint(str_strip(dash + 1), &hi) || lo > hi)
				return false;
		} else {
			if (!parse_uint(t, &lo))
				return false;
			hi = lo;
		}
		set->r[set->n].lo = lo;
		set->r[set->n].hi = hi;
		set->n++;
	}
	/* "1,,2" and a trailing comma leave empty tokens strtok skips */
	if (set->n == 0 || strstr(s, ",,") || s[strlen(s) - 1] == ',' || s[0] == ',')
		return false;
	return true;
}

bool intset_contains(const struct intset *set, int v)
{
	for (int i = 0; i < set->n; i++)
		if (v >= set->r[i].lo && v <= set->r[i].hi)
			return true;
	return false;
}

bool size_spec_parse(const char *s, enum size_op *op, uint64_t *size)
{
	if (s[0] == '<' && s[1] == '=') {
		*op = SIZE_LE;
		s += 2;
	} else if (s[0] == '>' && s[1] == '=') {
		*op = SIZE_GE;
		s += 2;
	} else if (s[0] == '<') {
		*op = SIZE_LT;
		s++;
	} else if (s[0] == '>') {
		*op = SIZE_GT;
		s++;
	} else if (s[0] == '=') {
		*op = SIZE_EQ;
		s++;
	} else {
		*op = SIZE_EQ;
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return parse_size(s, size);
}

bool uuid_parse(const char *s, char out[UUID_STR_LEN + 1])
{
	static const int dash_at[] = { 8, 13, 18, 23 };
	size_t d = 0;

	if (strlen(s) != UUID_STR_LEN)
		return false;
	for (int i = 0; i < UUID_STR_LEN; i++) {
		if (d < ARRAY_SIZE(dash_at) && i == dash_at[d]) {
			if (s[i] != '-')
				return false;
			out[i] = '-';
			d++;
			continue;
		}
		if (!isxdigit((unsigned char)s[i]))
			return false;
		out[i] = (char)tolower((unsigned char)s[i]);
	}
	out[UUID_STR_LEN] = '\0';
	return true;
}

static bool utf8_valid(const unsigned char *s)
{
	while (*s) {
		int n;

		if (*s < 0x80) {
			s++;
			continue;
		} else if ((*s & 0xe0) == 0xc0 && *s >= 0xc2) {
			n = 1;
		} else if ((*s & 0xf0) == 0xe0) {
			n = 2;
		} else if ((*s & 0xf8) == 0xf0 && *s <= 0xf4) {
			n = 3;
		} else {
			return false;
		}
		s++;
		while (n--) {
			if ((*s & 0xc0) != 0x80)
				return false;
			s++;
		}
	}
	return true;
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

/* ---- sections --------------------------------------------------------- */

static void end_section(struct parse *ps)
{
	struct rule *r = ps->rule;

	/* a section that already had an error would only add echoes of it */
	if (ps->sec == SEC_RULE && r && !ps->section_errors) {
		if (r->mode == MODE_UNSET) {
			int save = ps->line;

			ps->line = r->line;
			perr(ps, "rule '%s' has no mode", r->name);
			ps->line = save;
		} else if (r->online != ONLINE_UNSET && r->mode != MODE_SYSTEM_RAM) {
			int save = ps->line;

			ps->line = r->online_line;
			perr(ps, "online= only applies to mode = system-ram, rule '%s' has mode %s",
			     r->name, r->mode == MODE_UNBOUND ? "none" : mode_name(r->mode));
			ps->line = save;
		}
	}
	ps->sec = SEC_NONE;
	ps->rule = NULL;
	ps->section_errors = 0;
	memset(ps->seen_line, 0, sizeof(ps->seen_line));
}

static struct rule *find_rule(struct policy *p, const char *name)
{
	for (size_t i = 0; i < p->nrules; i++)
		if (strcmp(p->rules[i].name, name) == 0)
			return &p->rules[i];
	return NULL;
}

static void start_section(struct parse *ps, char *header)
{
	char *name;

	end_section(ps);
	header = str_strip(header);
	if (strcmp(header, "defaults") == 0) {
		ps->sec = SEC_DEFAULTS;
		return;
	}
	if (strncmp(header, "rule", 4) == 0 && (header[4] == ' ' || header[4] == '\t' || !header[4])) {
		struct rule *r, *old;

		name = str_strip(header + 4);
		ps->sec = SEC_BAD;
		if (!*name) {
			perr(ps, "[rule] needs a name: [rule NAME]");
			return;
		}
		if (!rule_name_valid(name)) {
			perr(ps, "invalid rule name '%s': use letters, digits, '.', '_' and '-', at most %d",
			     name, RULE_NAME_MAX - 1);
			return;
		}
		old = find_rule(ps->p, name);
		if (old) {
			perr(ps, "rule '%s' is already defined at %s:%d", name, old->file, old->line);
			return;
		}
		if (ps->p->nrules == ps->p->cap) {
			size_t cap = ps->p->cap ? ps->p->cap * 2 : 16;
			struct rule *nr = realloc(ps->p->rules, cap * sizeof(*nr));

			if (!nr) {
				perr(ps, "out of memory");
				return;
			}
			ps->p->rules = nr;
			ps->p->cap = cap;
		}
		r = &ps->p->rules[ps->p->nrules++];
		memset(r, 0, sizeof(*r));
		str_copy(r->name, sizeof(r->name), name);
		r->file = ps->file;
		r->line = ps->line;
		ps->sec = SEC_RULE;
		ps->rule = r;
		return;
	}
	ps->sec = SEC_BAD;
	perr(ps, "unknown section [%s]; expected [defaults] or [rule NAME]", header);
}

/* ---- keys ------------------------------------------------------------- */

static bool check_twice(struct parse *ps, int slot, const char *key)
{
	if (ps->seen_line[slot]) {
		perr(ps, "'%s' is given twice in this section (first at line %d)",
		     key, ps->seen_line[slot]);
		return false;
	}
	ps->seen_line[slot] = ps->line;
	return true;
}

static void set_mode(struct parse *ps, const char *value, enum dax_mode *mode)
{
	enum dax_mode m = mode_from_word(value);

	if (m == MODE_UNSET) {
		perr(ps, "bad value for mode: '%s': expected devdax, system-ram, fsdev, keep or none",
		     value);
		return;
	}
	*mode = m;
}

static void set_online(struct parse *ps, const char *value, enum online_policy *online)
{
	enum online_policy o = online_from_word(value);

	if (o == ONLINE_UNSET) {
		perr(ps, "bad value for online: '%s': expected movable, normal or offline", value);
		return;
	}
	*online = o;
}

static void defaults_key(struct parse *ps, const char *key, const char *value)
{
	if (strcmp(key, "mode") == 0) {
		if (check_twice(ps, SEEN_MODE, key))
			set_mode(ps, value, &ps->p->default_mode);
	} else if (strcmp(key, "online") == 0) {
		if (check_twice(ps, SEEN_ONLINE, key))
			set_online(ps, value, &ps->p->default_online);
	} else {
		perr(ps, "unknown key '%s' in [defaults]; expected mode or online", key);
	}
}

static bool match_value(struct parse *ps, struct rule *r, enum match_key k, const char *value)
{
	const char *why = NULL;

	if (strlen(value) >= GLOB_MAX) {
		perr(ps, "bad value for %s: longer than %d bytes", match_key_names[k], GLOB_MAX - 1);
		return false;
	}
	switch (k) {
	case KEY_DEVICE:
		str_copy(r->device, sizeof(r->device), value);
		break;
	case KEY_PATH:
		if (value[0] != '/' && value[0] != '*')
			why = "expected a sysfs path pattern starting with / or *";
		else
			str_copy(r->path, sizeof(r->path), value);
		break;
	case KEY_REGION:
	case KEY_NUMA_NODE:
		if (!intset_parse(value, k == KEY_REGION ? &r->region : &r->numa_node))
			why = "expected a number, a list (1,3) or a range (2-5)";
		break;
	case KEY_SIZE:
		if (!size_spec_parse(value, &r->size_op, &r->size))
			why = "expected [=|<|<=|>|>=]NUMBER[K|M|G|T]";
		break;
	case KEY_RESOURCE:
		if (!parse_u64(value, &r->resource))
			why = "expected an address, 0x... or decimal";
		break;
	case KEY_UUID:
		if (!uuid_parse(value, r->uuid))
			why = "expected a uuid like 01234567-89ab-cdef-0123-456789abcdef";
		break;
	case MATCH_KEY_COUNT:
		break;
	}
	if (why) {
		perr(ps, "bad value for %s: '%s': %s", match_key_names[k], value, why);
		return false;
	}
	return true;
}

static void rule_key(struct parse *ps, const char *key, const char *value)
{
	struct rule *r = ps->rule;

	if (strcmp(key, "mode") == 0) {
		if (check_twice(ps, SEEN_MODE, key)) {
			r->mode_line = ps->line;
			set_mode(ps, value, &r->mode);
		}
		return;
	}
	if (strcmp(key, "online") == 0) {
		if (check_twice(ps, SEEN_ONLINE, key)) {
			r->online_line = ps->line;
			set_online(ps, value, &r->online);
		}
		return;
	}
	for (int k = 0; k < MATCH_KEY_COUNT; k++) {
		if (strcmp(key, match_key_names[k]) != 0)
			continue;
		if (!check_twice(ps, k, key))
			return;
		if (match_value(ps, r, (enum match_key)k, value)) {
			r->keys |= 1u << k;
			r->key_line[k] = ps->line;
			str_copy(r->key_text[k], sizeof(r->key_text[k]), value);
		}
		return;
	}
	perr(ps, "unknown key '%s' in [rule %s]; expected device, region, numa-node, size, "
	     "resource, uuid, path, mode or online", key, r->name);
}

/* Cut an inline comment: '#' or ';' after white space. */
static void cut_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == '#' || *c == ';') && c > s && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

static void parse_line(struct parse *ps, char *raw)
{
	char *line = str_strip(raw), *eq, *key, *value;

	if (!*line || *line == '#' || *line == ';')
		return;
	if (!utf8_valid((const unsigned char *)line)) {
		perr(ps, "line is not valid UTF-8");
		return;
	}
	if (*line == '[') {
		char *close;

		cut_comment(line);
		line = str_strip(line);
		close = strrchr(line, ']');
		if (!close || close[1]) {
			perr(ps, "bad section header '%s': expected [defaults] or [rule NAME]", line);
			end_section(ps);
			ps->sec = SEC_BAD;
			return;
		}
		*close = '\0';
		start_section(ps, line + 1);
		return;
	}
	eq = strchr(line, '=');
	if (!eq) {
		perr(ps, "expected 'key = value' or a [section], got '%s'", line);
		return;
	}
	*eq = '\0';
	key = str_strip(line);
	value = eq + 1;
	cut_comment(value);
	value = str_strip(value);
	if (!*key) {
		perr(ps, "missing key before '='");
		return;
	}
	if (!*value) {
		perr(ps, "missing value for '%s'", key);
		return;
	}
	switch (ps->sec) {
	case SEC_NONE:
		perr(ps, "'%s' is outside of any section; start with [defaults] or [rule NAME]", key);
		break;
	case SEC_DEFAULTS:
		defaults_key(ps, key, value);
		break;
	case SEC_RULE:
		rule_key(ps, key, value);
		break;
	case SEC_BAD:
		/* the header was already reported; its keys add nothing */
		break;
	}
}

static const char *remember_file(struct policy *p, const char *file)
{
	char (*nf)[PATH_MAX];

	/* Rules point at these names: grow in big steps and never move. */
	if (!p->files) {
		p->files = calloc(256, sizeof(*p->files));
		if (!p->files)
			return NULL;
	}
	if (p->nfiles >= 256)
		return NULL;
	nf = &p->files[p->nfiles++];
	str_copy(*nf, sizeof(*nf), file);
	return *nf;
}

void policy_parse_text(struct policy *p, const char *file, const char *text, size_t len)
{
	struct parse ps = { .p = p, .sec = SEC_NONE };
	char buf[LINE_MAX_BYTES];
	size_t pos = 0;

	ps.file = remember_file(p, file);
	if (!ps.file) {
		file_err(p, file, "too many configuration files (at most 256)");
		return;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ps.line++;
		if (memchr(text + pos, '\0', n)) {
			perr(&ps, "line contains a NUL byte");
		} else if (n >= sizeof(buf)) {
			perr(&ps, "line is longer than %d bytes", LINE_MAX_BYTES - 1);
		} else {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			parse_line(&ps, buf);
		}
		pos += n + (nl ? 1 : 0);
	}
	end_section(&ps);
}

/* ---- whole-policy checks ---------------------------------------------- */

/* Does rule A match every device rule B matches? Conservative: only when
 * every key of A stands in B with the same text, so a warning is never wrong. */
static bool rule_covers(const struct rule *a, const struct rule *b)
{
	if ((a->keys & b->keys) != a->keys)
		return false;
	for (int k = 0; k < MATCH_KEY_COUNT; k++)
		if ((a->keys & (1u << k)) && strcmp(a->key_text[k], b->key_text[k]) != 0)
			return false;
	return true;
}

void policy_finish(struct policy *p)
{
	FILE *out = p->err ? p->err : stderr;

	for (size_t j = 1; j < p->nrules; j++) {
		for (size_t i = 0; i < j; i++) {
			if (!rule_covers(&p->rules[i], &p->rules[j]))
				continue;
			fprintf(out, "%s:%d: warning: rule '%s' can never match: rule '%s' (%s:%d) matches every device it does\n",
				p->rules[j].file, p->rules[j].line, p->rules[j].name,
				p->rules[i].name, p->rules[i].file, p->rules[i].line);
			p->nwarnings++;
			break;
		}
	}
}

/* ---- files ------------------------------------------------------------ */

bool policy_dropin_dir(const char *main_file, char *out, size_t size)
{
	size_t n = strlen(main_file);

	if (n > 5 && strcmp(main_file + n - 5, ".conf") == 0)
		return str_printf(out, size, "%.*s.d", (int)(n - 5), main_file);
	return str_printf(out, size, "%s.d", main_file);
}

/* Only root (or whoever runs us, for tests as a user) may control policy. */
static bool owner_ok(struct policy *p, const char *path, const struct stat *st)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		file_err(p, path, "refusing to use: owned by uid %u, not root", (unsigned)st->st_uid);
		return false;
	}
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0)) {
		file_err(p, path, "refusing to use: writable by %s (mode %04o); only root may change the policy",
			 (st->st_mode & S_IWOTH) ? "everyone" : "group", (unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

static bool dir_ok(struct policy *p, const char *file)
{
	char dir[PATH_MAX], *slash;
	struct stat st;

	if (!str_copy(dir, sizeof(dir), file))
		return false;
	slash = strrchr(dir, '/');
	if (!slash)
		str_copy(dir, sizeof(dir), ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
	if (stat(dir, &st) < 0)
		return true;	/* reading the file reports the real problem */
	/* a sticky world-writable dir (/tmp) still lets others replace files */
	return owner_ok(p, dir, &st);
}

static void load_file(struct policy *p, const char *file, bool check_owner)
{
	struct stat st;
	char *text;
	ssize_t n;
	int fd;

	fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		file_err(p, file, "cannot open: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		file_err(p, file, "not a regular file");
		close(fd);
		return;
	}
	if (check_owner && (!owner_ok(p, file, &st) || !dir_ok(p, file))) {
		close(fd);
		return;
	}
	if (st.st_size > CONFIG_FILE_MAX) {
		file_err(p, file, "larger than %d bytes", CONFIG_FILE_MAX);
		close(fd);
		return;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		file_err(p, file, "out of memory");
		close(fd);
		return;
	}
	n = read(fd, text, (size_t)st.st_size);
	close(fd);
	if (n < 0) {
		file_err(p, file, "cannot read: %s", strerror(errno));
		free(text);
		return;
	}
	policy_parse_text(p, file, text, (size_t)n);
	free(text);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int policy_load(struct policy *p, const char *main_file, bool check_owner)
{
	char dropin[PATH_MAX];
	char *names[256];
	size_t nnames = 0;
	struct dirent *de;
	struct stat st;
	DIR *dir;

	if (stat(main_file, &st) == 0)
		load_file(p, main_file, check_owner);
	else if (errno != ENOENT)
		file_err(p, main_file, "cannot open: %s", strerror(errno));

	if (!policy_dropin_dir(main_file, dropin, sizeof(dropin))) {
		file_err(p, main_file, "path too long");
		return -1;
	}
	dir = opendir(dropin);
	if (dir) {
		if (check_owner && fstat(dirfd(dir), &st) == 0 && !owner_ok(p, dropin, &st)) {
			closedir(dir);
			return -1;
		}
		while ((de = readdir(dir))) {
			size_t n = strlen(de->d_name);

			if (de->d_name[0] == '.' || n < 6 || strcmp(de->d_name + n - 5, ".conf") != 0)
				continue;
			if (nnames == ARRAY_SIZE(names)) {
				file_err(p, dropin, "more than %zu drop-in files", ARRAY_SIZE(names));
				break;
			}
			names[nnames] = strdup(de->d_name);
			if (names[nnames])
				nnames++;
		}
		closedir(dir);
		qsort(names, nnames, sizeof(names[0]), cmp_names);
		for (size_t i = 0; i < nnames; i++) {
			char path[PATH_MAX];

			if (str_printf(path, sizeof(path), "%s/%s", dropin, names[i]))
				load_file(p, path, check_owner);
			else
				file_err(p, dropin, "path too long");
			free(names[i]);
		}
	} else if (errno != ENOENT && errno != ENOTDIR) {
		file_err(p, dropin, "cannot open: %s", strerror(errno));
	}
	if (p->nerrors)
		return -1;
	policy_finish(p);
	return 0;
}
