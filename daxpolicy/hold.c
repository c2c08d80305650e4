// SPDX-License-Identifier: GPL-2.0-or-later
#include "hold.h"
#include "cleanup.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Most devices the record keeps: more than any machine has dax devices. */
#define DECIDED_MAX 65536

bool hold_active(const struct dp_ctx *c)
{
	char buf[ATTR_MAX];

	return sysroot_read(c, buf, sizeof(buf), BUS_AUTOPROBE) == 0 && strcmp(buf, "0") == 0;
}

int hold_set(const struct dp_ctx *c, bool hold)
{
	int rc = 0;

	if (sysroot_exists(c, BUS_AUTOPROBE))
		rc = sysroot_write(c, hold ? "hold" : "release", hold ? "0" : "1", BUS_AUTOPROBE);
	if (rc)
		return rc;
	return hold ? sysroot_store(c, "dax-policy decides for new dax devices\n", HOLD_MARKER)
		    : sysroot_unlink(c, HOLD_MARKER);
}

void decided_free(struct decided *d)
{
	free(d->v);
	memset(d, 0, sizeof(*d));
}

/* The index of NAME in D (kept in name order), or where it would go. */
static size_t decided_find(const struct decided *d, const char *name, bool *found)
{
	size_t lo = 0, hi = d->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(d->v[mid].name, name);

		if (cmp == 0) {
			*found = true;
			return mid;
		}
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

bool decided_has(const struct decided *d, const char *name, uint64_t instance)
{
	bool found;
	size_t i = decided_find(d, name, &found);

	return found && d->v[i].instance == instance;
}

int decided_add(struct decided *d, const char *name, uint64_t instance)
{
	bool found;
	size_t i = decided_find(d, name, &found);

	if (strlen(name) >= sizeof(d->v[0].name))
		return -ENAMETOOLONG;
	if (!found) {
		if (d->n == d->cap) {
			size_t cap = d->cap ? d->cap * 2 : 16;
			struct decided_dev *nv;

			if (cap > DECIDED_MAX)
				return -E2BIG;
			nv = realloc(d->v, cap * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			d->v = nv;
			d->cap = cap;
		}
		memmove(&d->v[i + 1], &d->v[i], (d->n - i) * sizeof(d->v[0]));
		d->n++;
		str_copy(d->v[i].name, sizeof(d->v[i].name), name);
	}
	d->v[i].instance = instance;
	return 0;
}

bool decided_equal(const struct decided *a, const struct decided *b)
{
	if (a->n != b->n)
		return false;
	for (size_t i = 0; i < a->n; i++)
		if (!decided_has(b, a->v[i].name, a->v[i].instance))
			return false;
	return true;
}

/* One "NAME INSTANCE" per line; anything else is skipped (never trusted). */
int decided_load(const struct dp_ctx *c, struct decided *d)
{
	_cleanup_fclose_ FILE *f = NULL;
	char line[128];

	memset(d, 0, sizeof(*d));
	f = sysroot_fopen(c, DECIDED_FILE);
	if (!f)
		return errno == ENOENT ? 0 : -errno;
	while (fgets(line, sizeof(line), f)) {
		char *sp = strchr(line, ' ');
		uint64_t instance;
		int ch;

		if (!strchr(line, '\n') && !feof(f)) {
			/* longer than any line we write: skip the rest of it */
			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
			continue;
		}
		if (!sp)
			continue;
		*sp = '\0';
		if (!dax_name_valid(line) || !parse_u64(str_strip(sp + 1), &instance))
			continue;
		if (decided_add(d, line, instance) != 0)
			break;
	}
	return 0;
}

int decided_save(const struct dp_ctx *c, const struct decided *d)
{
	_cleanup_free_ char *text = NULL;
	size_t size = d->n * 64 + 1, used = 0;

	text = malloc(size);
	if (!text)
		return -ENOMEM;
	text[0] = '\0';
	for (size_t i = 0; i < d->n; i++) {
		int n = snprintf(text + used, size - used, "%s %" PRIu64 "\n", d->v[i].name,
				 d->v[i].instance);

		if (n < 0 || (size_t)n >= size - used)
			return -EOVERFLOW;
		used += (size_t)n;
	}
	return sysroot_store(c, text, DECIDED_FILE);
}
