/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Progress of long memory work ("dax1.0: offlining block 812/2816"): a
 * 4 TiB device is 32768 memory blocks and hours of onlining. On a terminal
 * one line that updates in place and is cleared at the end; under systemd
 * STATUS=, which `systemctl status` shows; nothing on a pipe or a file.
 * Both are rate-limited. Each loop keeps its own progress.
 */
#ifndef DAXPOLICY_PROGRESS_H
#define DAXPOLICY_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

/* How often the terminal line and STATUS= change at most, in ms. */
#define PROGRESS_TTY_MS 200
#define PROGRESS_NOTIFY_MS 1000

struct progress {
	const struct dp_ctx *c;
	const char *device; /* "dax1.0" */
	const char *what;   /* "offlining block" */
	size_t total;
	uint64_t tty_at, notify_at; /* when each was last updated (ms, monotonic); 0: never */
	bool shown;		    /* a line is on the terminal */
};

/* Work on TOTAL blocks of DEVICE begins; WHAT says what is done to each. */
void progress_begin(struct progress *p, const struct dp_ctx *c, const char *device,
		    const char *what, size_t total);
/* Block N (1-based) is next. The first update shows at once. */
void progress_update(struct progress *p, size_t n);
/* The loop is over: the terminal line is cleared (before any message). */
void progress_end(struct progress *p);

#endif
