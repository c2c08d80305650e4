/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A generic loader for INI-style files with drop-ins, in the manner of
 * systemd's conf-parser: it reads a main file and then every *.conf of its
 * drop-in directory in lexical order, refuses files others could have
 * written, splits lines into [section] headers and key = value pairs
 * (comments, white space, UTF-8 checked) and hands them to a schema's
 * callbacks. Every problem is reported as FILE:LINE: message and counted;
 * none stops the reading, so the user sees all of them at once.
 */
#ifndef DAXPOLICY_INI_H
#define DAXPOLICY_INI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "errlist.h"

/* Most drop-in files one load reads (more is an error), and so most files:
 * those and the main file. */
#define INI_DROPINS_MAX 256
#define INI_FILES_MAX (INI_DROPINS_MAX + 1)
#define INI_DIRS_MAX 4	/* drop-in directories: the main file's, /run, /usr/lib */
/* Longest line, and largest file read (a stray huge file cannot eat memory). */
#define INI_LINE_MAX 4096
#define INI_FILE_MAX (1024 * 1024)

/*
 * A drop-in about to be written or removed (dax-policy set, unset): the
 * load reads TEXT as DIR/NAME, or with TEXT NULL leaves DIR/NAME out, as if
 * the change were made, so that it can be checked before it is.
 */
struct ini_overlay {
	const char *dir; /* exactly as the load names it (a more_dirs entry, or the main file's .d) */
	const char *name;
	const char *text;
};

struct ini {
	FILE *err;		/* where messages go; stderr when NULL */
	/* or, when set (the journal), each message with its priority (syslog.h:
	 * LOG_ERR, LOG_WARNING), the FILE and LINE it is about, and DATA */
	void (*log)(void *data, int priority, const char *file, int line, const char *text);
	void *log_data;
	struct errlist *errors; /* where they are kept too (--json); may be NULL */
	unsigned nerrors;
	char **files;		/* every file read, in order; the names never move */
	size_t nfiles;
	/* drop-in directories after the main file's own, in falling priority
	 * (/run, /usr/lib), NULL-terminated; NULL: only the main file's */
	const char *const *more_dirs;
	const struct ini_overlay *overlays; /* changes to read as made ... */
	size_t noverlays;		    /* ... and how many */
	const char *file;	/* the file being parsed ... */
	int line;		/* ... and its line */
};

/* What a schema does with the lines. DATA is the schema's own state. */
struct ini_ops {
	/* The sections the schema knows, for messages: "[defaults] or [rule NAME]". */
	const char *sections;
	/* A section starts; HEADER is the text between the brackets, or NULL
	 * when the header line was malformed (already reported). */
	void (*section)(struct ini *ini, void *data, char *header);
	/* KEY = VALUE in the current section (both non-empty, stripped). */
	void (*key)(struct ini *ini, void *data, const char *key, const char *value);
	/* The end of a file, which ends its last section. */
	void (*end)(struct ini *ini, void *data);
};

void ini_free(struct ini *ini);

/* Parse TEXT as the contents of FILE. */
void ini_parse_text(struct ini *ini, const struct ini_ops *ops, void *data, const char *file,
		    const char *text, size_t len);

/*
 * Load MAIN_FILE and its drop-in directory (".conf" replaced by ".d", every
 * *.conf in it in lexical order). A missing main file is not an error; a
 * symlink to a missing file is. Nothing but regular files is opened for
 * reading (a FIFO would block). With CHECK_OWNER, a file owned by anyone but
 * root (or the caller), or reached through a directory others may write, is
 * refused. Returns 0, or -1 when anything was reported.
 */
int ini_load(struct ini *ini, const struct ini_ops *ops, void *data, const char *main_file,
	     bool check_owner);

/* Every *.conf of DIR in lexical order, as ini_load reads drop-ins, with no
 * main file and no other directory. 0, or -1 when anything was reported. */
int ini_load_dir(struct ini *ini, const struct ini_ops *ops, void *data, const char *dir,
		 bool check_owner);

/* The drop-in directory belonging to a main file. */
bool ini_dropin_dir(const char *main_file, char *out, size_t size);

/* Report an error at the current line, at LINE of the current file, or
 * about a whole file; each counts in nerrors. */
void ini_error(struct ini *ini, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ini_error_at(struct ini *ini, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void ini_file_error(struct ini *ini, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A warning at FILE:LINE ("FILE:LINE: warning: ..."); not counted. */
void ini_warning(struct ini *ini, const char *file, int line, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#endif
