/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Other agents that reconfigure dax devices or online hotplugged memory
 * behind dax-policy's back: udev rules (daxctl's own, memory auto-online
 * rules) and the kernel's auto_online_blocks. status warns about them.
 */
#ifndef DAXPOLICY_AGENTS_H
#define DAXPOLICY_AGENTS_H

#include <stddef.h>

#include "config.h"
#include "ctx.h"
#include "discover.h"

#define AGENT_WARNINGS_MAX 16
/* Rules files looked at, over every rules directory. */
#define UDEV_RULES_MAX 256

struct agent_warnings {
	size_t n;
	char msg[AGENT_WARNINGS_MAX][384];
};

/* Warnings for status and check; P (may be NULL) says which devices and
 * rules the kernel's own memory onlining affects. */
void agents_find(const struct dp_ctx *c, const struct snapshot *snap, const struct policy *p,
		 struct agent_warnings *out);

#endif
