/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A few lines of TAP for the unit tests (meson reads protocol: 'tap'). */
#ifndef DAXPOLICY_TAP_H
#define DAXPOLICY_TAP_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

static inline bool tap_ok(bool cond, const char *what)
{
	printf("%sok %d - %s\n", cond ? "" : "not ", ++tap_n, what);
	if (!cond)
		tap_failed++;
	return cond;
}

static inline bool tap_is_str(const char *got, const char *want, const char *what)
{
	bool ok = strcmp(got, want) == 0;

	tap_ok(ok, what);
	if (!ok)
		printf("#   got:  '%s'\n#   want: '%s'\n", got, want);
	return ok;
}

static inline bool tap_is_int(long long got, long long want, const char *what)
{
	bool ok = got == want;

	tap_ok(ok, what);
	if (!ok)
		printf("#   got:  %lld\n#   want: %lld\n", got, want);
	return ok;
}

static inline int tap_done(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif
