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

struct journal_fields;

/* -q, -v and -vv; a message is printed when its level is at most this. */
enum verbosity { VERBOSITY_QUIET, VERBOSITY_NORMAL, VERBOSITY_VERBOSE, VERBOSITY_DEBUG };

struct dp_ctx {
	char root[PATH_MAX];		/* --root, canonical; "" for the live system */
	int root_fd;			/* --root opened (O_PATH), or -1 */
	bool dry_run;			/* print writes instead of doing them */
	FILE *dry_run_out;		/* where that listing goes (stderr under --json) */
	enum verbosity verbosity;
	unsigned offline_timeout; /* seconds a memory block may take to go offline; 0: no limit */
	struct errlist *errors; /* log_error() keeps its messages here too (--json); may be NULL */
	/* where messages and progress go (ctx_detect_output) */
	bool journal;	   /* stderr is systemd's journal stream: entries, not lines */
	bool progress_tty; /* stderr is a terminal: memory work shows one updating line */
	bool notify;	   /* a service ($NOTIFY_SOCKET): memory work and the outcome in STATUS= */
};

/* The live system, writes done, normal verbosity, 30 s offline timeout. */
void ctx_init(struct dp_ctx *c);
/* Look where stderr goes (the journal, a terminal) and whether systemd
 * listens for STATUS=; after the options, which may quiet progress. */
void ctx_detect_output(struct dp_ctx *c);

/*
 * Messages on stderr, prefixed "dax-policy: " ("error: ", "warning: "), or,
 * when stderr is the journal, entries at priority err, warning or debug.
 * Errors show even with -q; log_verbose needs -v, log_debug -vv.
 */
void log_error(const struct dp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_warn(const struct dp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void log_verbose(const struct dp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void log_debug(const struct dp_ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A message with the fields of F (its priority, MESSAGE_ID, device, modes),
 * shown from LEVEL on. */
void log_entry(const struct dp_ctx *c, enum verbosity level, const struct journal_fields *f,
	       const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* One line of the --dry-run listing (what would be written or loaded). */
void print_dry_run(const struct dp_ctx *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
