/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every stage: bounded strings, numbers, names. */
#ifndef DAXPOLICY_UTIL_H
#define DAXPOLICY_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Copy at most size-1 bytes and always terminate; false when truncated. */
bool str_copy(char *dst, size_t size, const char *src);
/* snprintf that reports truncation as false instead of a short string. */
bool str_printf(char *dst, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Strip leading and trailing white space in place; returns the start. */
char *str_strip(char *s);
bool str_has_prefix(const char *s, const char *prefix);
/* Where the symlink at LINK (absolute, normalized: no ".", "..", "//" or
 * trailing slash) whose content is TARGET leads, by its text alone: ".."
 * and "." resolved, no link along the way followed. False when it does not
 * fit in SIZE. */
bool path_follow_link(char *out, size_t size, const char *link, const char *target);
/* "a", "a or b", "a, b or c": the N WORDS as a list for messages. */
void words_join(char *buf, size_t size, const char *const *words, size_t n);

/* Parse a whole string as an unsigned integer: decimal, or hex after 0x
 * (never octal: a leading 0 is just a 0). */
bool parse_u64(const char *s, uint64_t *out);
/* Parse a whole string as a decimal int >= 0. */
bool parse_uint(const char *s, int *out);
/* "16G", "512M", "4096": number with optional K/M/G/T (powers of 1024). */
bool parse_size(const char *s, uint64_t *out);
/* The code point of the UTF-8 sequence at S into CP; its length (1-4), or 0
 * when it is not UTF-8 (truncated, overlong, a surrogate, beyond U+10FFFF). */
size_t utf8_decode(const char *s, uint32_t *cp);
bool utf8_valid(const char *s);
/* C0 and C1 controls and DEL: what a terminal takes as commands. */
bool is_control(uint32_t cp);
/* Replace every ASCII control byte in S by '?' (text from processes or
 * crafted files, before it reaches a terminal). */
void str_sanitize(char *s);
/* What is wrong with a shell glob (an unclosed '[', a trailing '\\'), or
 * NULL: fnmatch() would silently take a broken one literally. */
const char *glob_problem(const char *pattern);

/* Human size for tables: 2.0G, 512M, 4096. */
void format_size(uint64_t bytes, char *buf, size_t size);

/* A dax kernel device name "daxR.I" (also accepted as /dev/daxR.I); writes
 * the bare name to out. Anything else (paths, "..", spaces) is refused, so a
 * name from the command line or from udev can never steer a path. */
bool dax_name_valid(const char *name);
/* The same, and its region and device numbers (daxREGION.ID). */
bool dax_name_parse(const char *name, int *region, int *id);
bool dax_name_normalize(const char *arg, char *out, size_t size);

#endif
