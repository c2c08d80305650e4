// SPDX-License-Identifier: GPL-2.0-or-later
#include "progress.h"
#include "journal.h"

#include <stdio.h>
#include <time.h>

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	/* never 0, which means "not yet" */
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000 + 1;
}

/* Is it time for the next update, at most one per EVERY ms since *AT? */
static bool due(uint64_t *at, uint64_t now, uint64_t every)
{
	if (*at && now - *at < every)
		return false;
	*at = now;
	return true;
}

void progress_begin(struct progress *p, const struct dp_ctx *c, const char *device,
		    const char *what, size_t total)
{
	*p = (struct progress){ .c = c, .device = device, .what = what, .total = total };
}

void progress_update(struct progress *p, size_t n)
{
	const struct dp_ctx *c = p->c;
	char text[128];
	uint64_t now;

	if (c->dry_run || (!c->progress_tty && !c->notify))
		return;
	now = now_ms();
	snprintf(text, sizeof(text), "%s: %s %zu/%zu", p->device, p->what, n, p->total);
	if (c->progress_tty && due(&p->tty_at, now, PROGRESS_TTY_MS)) {
		/* back to the line's start, the text, the rest of the line erased */
		fprintf(stderr, "\r%s\033[K", text);
		fflush(stderr);
		p->shown = true;
	}
	if (c->notify && due(&p->notify_at, now, PROGRESS_NOTIFY_MS))
		journal_notify_status(text);
}

void progress_end(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}
