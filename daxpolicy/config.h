/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/dax-policy.conf and its drop-ins, parsed into a policy: defaults plus
 * an ordered list of rules. Any error is printed as FILE:LINE: message and
 * makes loading fail as a whole, so a broken policy is never half-applied.
 */
#ifndef DAXPOLICY_CONFIG_H
#define DAXPOLICY_CONFIG_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mode.h"

#define RULE_NAME_MAX 64
#define GLOB_MAX 256
#define INTSET_MAX 32
#define LINE_MAX_BYTES 4096
#define UUID_STR_LEN 36

enum match_key {
	KEY_DEVICE,
	KEY_REGION,
	KEY_NUMA_NODE,
	KEY_SIZE,
	KEY_RESOURCE,
	KEY_UUID,
	KEY_PATH,
	MATCH_KEY_COUNT,
};

extern const char *const match_key_names[MATCH_KEY_COUNT];

/* Integers, lists and ranges: "1", "1,3", "2-5". */
struct intset {
	int n;
	struct { int lo, hi; } r[INTSET_MAX];
};

enum size_op { SIZE_EQ, SIZE_LT, SIZE_LE, SIZE_GT, SIZE_GE };

struct rule {
	char name[RULE_NAME_MAX];
	const char *file;	/* points into policy.files */
	int line;		/* of the [rule NAME] header */
	unsigned keys;		/* bit (1 << enum match_key) per key given */
	int key_line[MATCH_KEY_COUNT];
	char key_text[MATCH_KEY_COUNT][GLOB_MAX];	/* value as written */

	char device[GLOB_MAX];
	struct intset region;
	struct intset numa_node;
	enum size_op size_op;
	uint64_t size;
	uint64_t resource;
	char uuid[UUID_STR_LEN + 1];	/* lower case */
	char path[GLOB_MAX];

	enum dax_mode mode;
	int mode_line;
	enum online_policy online;	/* ONLINE_UNSET: use the default */
	int online_line;
};

struct policy {
	struct rule *rules;
	size_t nrules, cap;
	enum dax_mode default_mode;		/* MODE_KEEP unless set */
	enum online_policy default_online;	/* ONLINE_MOVABLE unless set */
	char (*files)[PATH_MAX];		/* every file read, in order */
	size_t nfiles;
	unsigned nerrors;
	unsigned nwarnings;
	FILE *err;				/* where FILE:LINE messages go */
};

void policy_init(struct policy *p);
void policy_free(struct policy *p);

/*
 * Load MAIN_FILE and MAIN_FILE's drop-in directory (".conf" replaced by
 * ".d", every *.conf in it in lexical order). A missing main file with no
 * drop-ins gives the empty policy. With CHECK_OWNER, files and directories
 * writable by anyone but root (or the caller) are refused.
 * Returns 0, or -1 after printing every error found.
 */
int policy_load(struct policy *p, const char *main_file, bool check_owner);

/* Parse one file's text; used by policy_load and by the fuzzer. */
void policy_parse_text(struct policy *p, const char *file, const char *text,
		       size_t len);
/* Checks that need the whole policy (shadowed rules); after all files. */
void policy_finish(struct policy *p);

/* The drop-in directory belonging to a main config file. */
bool policy_dropin_dir(const char *main_file, char *out, size_t size);

/* Match-key helpers shared with the matcher and the fuzzer's checks. */
bool intset_parse(const char *s, struct intset *set);
bool intset_contains(const struct intset *set, int v);
bool size_spec_parse(const char *s, enum size_op *op, uint64_t *size);
bool uuid_parse(const char *s, char out[UUID_STR_LEN + 1]);

/* The effective online policy of a rule (its own or the default). */
enum online_policy rule_online(const struct policy *p, const struct rule *r);

#endif
