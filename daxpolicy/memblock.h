/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory blocks in sysfs (/sys/devices/system/memory/memoryN): their size,
 * and the state and zone of one block, as discovery counts them and as the
 * memory stage changes them.
 */
#ifndef DAXPOLICY_MEMBLOCK_H
#define DAXPOLICY_MEMBLOCK_H

#include <stdint.h>

#include "ctx.h"

#define MEMORY_DIR "/sys/devices/system/memory"

enum block_state {
	BLOCK_MISSING,	/* no memoryN directory */
	BLOCK_OFFLINE,
	BLOCK_MOVABLE,	/* online in ZONE_MOVABLE */
	BLOCK_KERNEL,	/* online in another zone (Normal, DMA32, ...) */
};

/* The memory block size in bytes, 0 if unknown. */
uint64_t memblock_size(const struct dp_ctx *c);
enum block_state memblock_state(const struct dp_ctx *c, uint64_t block);
/* The word that onlines a block into the zone of STATE (movable or kernel). */
const char *memblock_online_word(enum block_state state);

#endif
