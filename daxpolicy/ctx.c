// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctx.h"
#include "util.h"

#include <stdarg.h>
#include <string.h>

void ctx_init(struct dp_ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->dry_run_out = stdout;
	c->verbosity = VERBOSITY_NORMAL;
	c->offline_timeout = 30;
}

static void vlog(const struct dp_ctx *c, enum verbosity level, const char *prefix,
		 const char *fmt, va_list ap)
{
	if (c->verbosity < level)
		return;
	fputs("dax-policy: ", stderr);
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_error(const struct dp_ctx *c, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	errlist_add(c->errors, NULL, 0, msg);
	/* names in it (files, paths) may hold any bytes: no terminal commands */
	str_sanitize(msg);
	fprintf(stderr, "dax-policy: error: %s\n", msg);
}

void log_warn(const struct dp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, VERBOSITY_NORMAL, "warning: ", fmt, ap);
	va_end(ap);
}

void log_verbose(const struct dp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(c, VERBOSITY_VERBOSE, "", fmt, ap);
	va_end(ap);
}

void print_dry_run(const struct dp_ctx *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(c->dry_run_out, fmt, ap);
	va_end(ap);
	fputc('\n', c->dry_run_out);
}
