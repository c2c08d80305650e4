// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctx.h"
#include "journal.h"
#include "util.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

void ctx_init(struct dp_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->root_fd = -1;
	c->dry_run_out = stdout;
	c->verbosity = VERBOSITY_NORMAL;
	c->offline_timeout = 30;
}

void ctx_detect_output(struct dp_ctx *c)
{
	const char *sock = getenv("NOTIFY_SOCKET");

	c->journal = journal_stream_is(STDERR_FILENO);
	/* -vv traces every block written: that is the progress then */
	c->progress_tty = isatty(STDERR_FILENO) && c->verbosity >= VERBOSITY_NORMAL &&
			  c->verbosity < VERBOSITY_DEBUG;
	c->notify = sock && *sock;
}

/* The word a message on a stream starts with, after "dax-policy: ". */
static const char *priority_prefix(int priority)
{
	if (priority <= LOG_ERR)
		return "error: ";
	return priority == LOG_WARNING ? "warning: " : "";
}

static void vlog(const struct dp_ctx *c, enum verbosity level, const struct journal_fields *f,
		 const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (f->priority <= LOG_ERR)
		errlist_add(c->errors, NULL, 0, msg);
	if (c->verbosity < level)
		return;
	/* names in it (files, paths) may hold any bytes: no terminal commands */
	str_sanitize(msg);
	if (c->journal && journal_send(f, msg) == 0)
		return;
	fprintf(stderr, "dax-policy: %s%s\n", priority_prefix(f->priority), msg);
}

void log_entry(const struct dp_ctx *c, enum verbosity level, const struct journal_fields *f,
	       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, level, f, fmt, ap);
	va_end(ap);
}

/* The plain messages: a priority, no other field. */
#define LOG_PLAIN(name, level, prio)                                    \
	void name(const struct dp_ctx *c, const char *fmt, ...)         \
	{                                                               \
		const struct journal_fields f = { .priority = (prio) }; \
		va_list ap;                                             \
                                                                        \
		va_start(ap, fmt);                                      \
		vlog(c, level, &f, fmt, ap);                            \
		va_end(ap);                                             \
	}

LOG_PLAIN(log_error, VERBOSITY_QUIET, LOG_ERR)
LOG_PLAIN(log_warn, VERBOSITY_NORMAL, LOG_WARNING)
LOG_PLAIN(log_verbose, VERBOSITY_VERBOSE, LOG_DEBUG)
LOG_PLAIN(log_debug, VERBOSITY_DEBUG, LOG_DEBUG)

void print_dry_run(const struct dp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(c->dry_run_out, fmt, ap);
	va_end(ap);
	fputc('\n', c->dry_run_out);
}
