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
#include "memblock.h"
#include "mode.h"

/* Offline every online block of DEV. On failure every block this call
 * offlined is onlined again, ERR names the block, and -errno is returned. */
int memory_offline_all(const struct dp_ctx *c, const struct dax_device *dev, char *err,
		       size_t errlen);

/* Bring DEV's blocks to ONLINE (movable, normal or offline). Blocks online in
 * the wrong zone are offlined and onlined in the right one. On failure ERR
 * names the block and -errno is returned; nothing is undone here (the caller
 * decides, as part of undoing the whole mode change). */
int memory_set_online(const struct dp_ctx *c, const struct dax_device *dev,
		      enum online_policy online, char *err, size_t errlen);

/*
 * The kernel onlines memory a driver adds as auto_online_blocks says, in a
 * zone of its own choosing (6.12's default: online, mostly Normal). While
 * dax-policy binds kmem it is "offline", so that dax-policy onlines every
 * block as online= says. The old value waits in AUTO_ONLINE_SAVED until it is
 * put back, so that a run killed in between is undone by the next one.
 */
#define AUTO_ONLINE MEMORY_DIR "/auto_online_blocks"
#define AUTO_ONLINE_SAVED "/run/dax-policy/auto_online_blocks"
/* Turn auto-onlining off; WAS gets the value to put back ("" if none). */
int memory_auto_online_suspend(const struct dp_ctx *c, char *was, size_t size);
void memory_auto_online_resume(const struct dp_ctx *c, const char *was);
/* Put back a value a killed run left in AUTO_ONLINE_SAVED. */
void memory_auto_online_recover(const struct dp_ctx *c);

#endif
