// SPDX-License-Identifier: GPL-2.0-or-later
#include "values.h"
#include "util.h"

#include <ctype.h>
#include <string.h>

/* Longest list an integer set is parsed from. */
#define INTSET_TEXT_MAX 256

bool intset_parse(const char *s, struct intset *set)
{
	char buf[INTSET_TEXT_MAX], *tok, *save = NULL;

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

/* Longest operator first, so "<=" is not read as "<". */
static const struct {
	const char *text;
	enum size_op op;
} size_ops[] = {
	{ "<=", SIZE_LE }, { ">=", SIZE_GE }, { "<", SIZE_LT }, { ">", SIZE_GT }, { "=", SIZE_EQ },
};

bool size_spec_parse(const char *s, struct size_spec *spec)
{
	spec->op = SIZE_EQ;
	for (size_t i = 0; i < ARRAY_SIZE(size_ops); i++) {
		if (str_has_prefix(s, size_ops[i].text)) {
			spec->op = size_ops[i].op;
			s += strlen(size_ops[i].text);
			break;
		}
	}
	while (*s == ' ' || *s == '\t')
		s++;
	return parse_size(s, &spec->size);
}

bool size_spec_holds(const struct size_spec *spec, uint64_t have)
{
	switch (spec->op) {
	case SIZE_LT: return have < spec->size;
	case SIZE_LE: return have <= spec->size;
	case SIZE_GT: return have > spec->size;
	case SIZE_GE: return have >= spec->size;
	case SIZE_EQ: break;
	}
	return have == spec->size;
}

const char *size_op_text(enum size_op op)
{
	for (size_t i = 0; i < ARRAY_SIZE(size_ops); i++)
		if (size_ops[i].op == op)
			return size_ops[i].text;
	return "=";
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
