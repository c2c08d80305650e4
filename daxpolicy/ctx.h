/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The context of one run of dax-policy: the root directory every path is
 * read under, whether writes are only printed, where that listing goes, how
 * much to say and how long memory may take to go offline. main() fills it
 * from the command line and passes it to every stage that does I/O; there is
 * no other state shared between stages.
 */
#ifndef DAXPOLICY_CTX_H
#define DAXPOLICY_CTX_H

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>

#include "errlist.h"

/* -q and -v; a message is printed when its level is at most this. */
enum verbosity { VERBOSITY_QUIET, VERBOSITY_NORMAL, VERBOSITY_VERBOSE };

struct dp_ctx {
	char root[PATH_MAX];		/* --root, canonical; "" for the live system */
	bool dry_run;			/* print writes instead of doing them */
	FILE *dry_run_out;		/* where that listing goes (stderr under --json) */
	enum verbosity verbosity;
	unsigned offline_timeout; /* seconds a memory block may take to go offline; 0: no limit */
	struct errlist *errors; /* log_error() keeps its messages here too (--json); may be NULL */
};

/* The live system, writes done, normal verbosity, 30 s offline timeout. */
void ctx_init(struct dp_ctx *c);

/* Messages on stderr, prefixed "dax-policy: ". Errors show even with -q. */
void log_error(const struct dp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const struct dp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_verbose(const struct dp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* One line of the --dry-run listing (what would be written or loaded). */
void print_dry_run(const struct dp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
