// SPDX-License-Identifier: GPL-2.0-or-later
#include "errlist.h"

#include <stdlib.h>
#include <string.h>

void errlist_add(struct errlist *e, const char *file, int line, const char *message)
{
	struct errlist_entry *x;

	if (!e)
		return;
	if (e->n == e->cap) {
		size_t cap = e->cap ? e->cap * 2 : 16;
		struct errlist_entry *v;

		if (cap > ERRLIST_MAX || !(v = realloc(e->v, cap * sizeof(*v)))) {
			e->dropped++;
			return;
		}
		e->v = v;
		e->cap = cap;
	}
	x = &e->v[e->n];
	x->file = file ? strdup(file) : NULL;
	x->line = line;
	x->message = strdup(message);
	if (!x->message || (file && !x->file)) {
		free(x->file);
		free(x->message);
		e->dropped++;
		return;
	}
	e->n++;
}

void errlist_free(struct errlist *e)
{
	for (size_t i = 0; i < e->n; i++) {
		free(e->v[i].file);
		free(e->v[i].message);
	}
	free(e->v);
	memset(e, 0, sizeof(*e));
}
