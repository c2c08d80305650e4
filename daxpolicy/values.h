/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The value syntaxes of match keys: integer sets, size comparisons, uuids. */
#ifndef DAXPOLICY_VALUES_H
#define DAXPOLICY_VALUES_H

#include <stdbool.h>
#include <stdint.h>

#define INTSET_MAX 32
#define UUID_STR_LEN 36

/* Integers, lists and ranges: "1", "1,3", "2-5". */
struct intset {
	int n;
	struct { int lo, hi; } r[INTSET_MAX];
};

bool intset_parse(const char *s, struct intset *set);
bool intset_contains(const struct intset *set, int v);

/* A size comparison: "=", "<", "<=", ">", ">=" then a size ("16G"). */
enum size_op { SIZE_EQ, SIZE_LT, SIZE_LE, SIZE_GT, SIZE_GE };

struct size_spec {
	enum size_op op;
	uint64_t size;
};

bool size_spec_parse(const char *s, struct size_spec *spec);
bool size_spec_holds(const struct size_spec *spec, uint64_t size);
const char *size_op_text(enum size_op op);

/* A canonical uuid, any case; stored lower case. */
bool uuid_parse(const char *s, char out[UUID_STR_LEN + 1]);

#endif
