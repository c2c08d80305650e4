/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Onlining and offlining the memory blocks of a system-ram (kmem) device,
 * block by block through /sys/devices/system/memory/memoryN/state, so that a
 * failure part way can be undone exactly: blocks offlined before a block that
 * would not go offline are onlined again in the zone they were in. Offlining
 * one block waits at most the context's offline_timeout.
 */
#ifndef DAXPOLICY_MEMORY_H
#define DAXPOLICY_MEMORY_H

#include <stddef.h>

#include "ctx.h"
#include "discover.h"
#include "mode.h"

/* Offline every online block of DEV. On failure every block this call
 * offlined is onlined again, ERR names the block, and -errno is returned. */
int memory_offline_all(const struct dp_ctx *c, const struct snapshot *s,
		       const struct dax_device *dev, char *err, size_t errlen);

/* Bring DEV's blocks to ONLINE (movable, normal or offline). Blocks online in
 * the wrong zone are offlined and onlined in the right one. On failure ERR
 * names the block and -errno is returned; nothing is undone here (the caller
 * decides, as part of undoing the whole mode change). */
int memory_set_online(const struct dp_ctx *c, const struct snapshot *s,
		      const struct dax_device *dev, enum online_policy online, char *err,
		      size_t errlen);

#endif
