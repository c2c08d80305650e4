/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The errors of one run, kept as well as printed, so that --json can give
 * them as one document ({"errors": [...]}) when the run ends in an error
 * before (or instead of) its normal output.
 */
#ifndef DAXPOLICY_ERRLIST_H
#define DAXPOLICY_ERRLIST_H

#include <stdbool.h>
#include <stddef.h>

/* Most errors kept; a broken file can have more, they are still counted. */
#define ERRLIST_MAX 1024

struct errlist_entry {
	char *file; /* NULL: not about a file */
	int line;   /* 0: about the whole file, or no file */
	char *message;
};

struct errlist {
	struct errlist_entry *v;
	size_t n, cap;
	size_t dropped; /* past ERRLIST_MAX, or no memory */
	bool printed;	/* the run printed its JSON document itself */
};

/* Keep one error (a NULL list keeps nothing). */
void errlist_add(struct errlist *e, const char *file, int line, const char *message);
void errlist_free(struct errlist *e);

#endif
