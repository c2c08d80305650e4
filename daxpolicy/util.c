// SPDX-License-Identifier: GPL-2.0-or-later
#include "util.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (size == 0)
		return false;
	if (n >= size) {
		memcpy(dst, src, size - 1);
		dst[size - 1] = '\0';
		return false;
	}
	memcpy(dst, src, n + 1);
	return true;
}

bool str_printf(char *dst, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(dst, size, fmt, ap);
	va_end(ap);
	return n >= 0 && (size_t)n < size;
}

char *str_strip(char *s)
{
	char *end;

	while (isspace((unsigned char)*s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char)end[-1]))
		*--end = '\0';
	return s;
}

bool str_has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool path_follow_link(char *out, size_t size, const char *link, const char *target)
{
	size_t len;

	if (link[0] != '/' || !str_copy(out, size, target[0] == '/' ? "" : link))
		return false;
	if (target[0] != '/')
		*strrchr(out, '/') = '\0';	/* the link's own name off: its directory */
	len = strlen(out);	/* each part below brings its own slash */
	for (const char *p = target; *p;) {
		size_t n = strcspn(p, "/");

		if (n == 2 && p[0] == '.' && p[1] == '.') {
			while (len > 0 && out[len - 1] != '/')
				len--;
			if (len > 0)	/* the slash before it too; "/.." stays "/" */
				len--;
		} else if (n && !(n == 1 && p[0] == '.')) {
			if (len + 1 + n >= size)
				return false;
			out[len++] = '/';
			memcpy(out + len, p, n);
			len += n;
		}
		out[len] = '\0';
		p += n + (p[n] == '/');
	}
	if (!len)
		return str_copy(out, size, "/");
	return true;
}

void words_join(char *buf, size_t size, const char *const *words, size_t n)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
		int len = snprintf(buf + used, size - used, "%s%s", sep, words[i]);

		if (len < 0 || (size_t)len >= size - used)
			return;
		used += (size_t)len;
	}
}

/* Numbers are decimal, or hex after 0x: a leading 0 never means octal, so
 * "060000000000" is sixty billion, as the man page promises, and not an
 * address of the same digits read in base 8. */
bool parse_u64(const char *s, uint64_t *out)
{
	int base = 10;
	char *end;
	unsigned long long v;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	/* strtoull would take a sign or white space after the 0x */
	if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s)))
		return false;
	errno = 0;
	v = strtoull(s, &end, base);
	if (errno || *end)
		return false;
	*out = v;
	return true;
}

bool parse_uint(const char *s, int *out)
{
	char *end;
	long v;

	if (!isdigit((unsigned char)*s))
		return false;
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v > INT32_MAX)
		return false;
	*out = (int)v;
	return true;
}

bool parse_size(const char *s, uint64_t *out)
{
	size_t n = strlen(s);
	unsigned shift = 0;
	uint64_t v = 0;

	if (n == 0)
		return false;
	switch (toupper((unsigned char)s[n - 1])) {
	case 'K': shift = 10; break;
	case 'M': shift = 20; break;
	case 'G': shift = 30; break;
	case 'T': shift = 40; break;
	default: break;
	}
	if (shift)
		n--;
	if (n == 0)
		return false;
	/* digit by digit, so any number of leading zeros is fine */
	for (size_t i = 0; i < n; i++) {
		unsigned d = (unsigned)(s[i] - '0');

		if (!isdigit((unsigned char)s[i]) || v > (UINT64_MAX - d) / 10)
			return false;
		v = v * 10 + d;
	}
	if (shift && v > (UINT64_MAX >> shift))
		return false;
	*out = v << shift;
	return true;
}

void format_size(uint64_t bytes, char *buf, size_t size)
{
	static const char units[] = "KMGT";
	int u = -1;
	uint64_t v = bytes;

	while (v >= 1024 && v % 1024 == 0 && u < 3) {
		v /= 1024;
		u++;
	}
	if (u < 0)
		snprintf(buf, size, "%" PRIu64, bytes);
	else
		snprintf(buf, size, "%" PRIu64 "%c", v, units[u]);
}

/* 1 to 9 decimal digits at *P (so no int overflows), stepping past them */
static bool name_number(const char **p, int *out)
{
	int digits, v = 0;

	for (digits = 0; isdigit((unsigned char)**p); (*p)++, digits++)
		if (digits < 9)
			v = v * 10 + (**p - '0');
	*out = v;
	return digits > 0 && digits <= 9;
}

bool dax_name_parse(const char *name, int *region, int *id)
{
	const char *p = name;

	if (strncmp(p, "dax", 3) != 0)
		return false;
	p += 3;
	if (!name_number(&p, region) || *p++ != '.')
		return false;
	return name_number(&p, id) && *p == '\0';
}

bool dax_name_valid(const char *name)
{
	int region, id;

	return dax_name_parse(name, &region, &id);
}

bool dax_name_normalize(const char *arg, char *out, size_t size)
{
	if (str_has_prefix(arg, "/dev/"))
		arg += strlen("/dev/");
	if (!dax_name_valid(arg))
		return false;
	return str_copy(out, size, arg);
}

size_t utf8_decode(const char *str, uint32_t *cp)
{
	const unsigned char *s = (const unsigned char *)str;
	uint32_t c, min;
	size_t n;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		n = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		n = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		n = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0; /* also stops at the terminating NUL */
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* overlong forms, UTF-16 surrogates and beyond Unicode are not UTF-8 */
	if (c < min || (c >= 0xd800 && c <= 0xdfff) || c > 0x10ffff)
		return 0;
	*cp = c;
	return n;
}

bool utf8_valid(const char *s)
{
	uint32_t cp;

	while (*s) {
		size_t n = utf8_decode(s, &cp);

		if (!n)
			return false;
		s += n;
	}
	return true;
}

bool is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
}

void str_sanitize(char *s)
{
	for (unsigned char *p = (unsigned char *)s; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			*p = '?';
}

const char *glob_problem(const char *p)
{
	for (; *p; p++) {
		const char *q;

		if (*p == '\\') {
			if (!*++p)
				return "a '\\' at the end escapes nothing";
			continue;
		}
		if (*p != '[')
			continue;
		/* a ']' first in the set, or after '!' or '^', is a member */
		q = p + 1;
		if (*q == '!' || *q == '^')
			q++;
		if (*q == ']')
			q++;
		for (; *q && *q != ']'; q++) {
			/* [:class:], [.sym.] and [=eq=] inside a set close themselves */
			if (*q == '[' && (q[1] == ':' || q[1] == '.' || q[1] == '=')) {
				const char close[3] = { q[1], ']', '\0' };
				const char *end = strstr(q + 2, close);

				if (!end)
					return "a '[:' (or '[.', '[=') without its closing pair";
				q = end + 1;
			}
		}
		if (!*q)
			return "a '[' without its closing ']'";
		p = q;
	}
	return NULL;
}
