/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Memory blocks in sysfs (/sys/devices/system/memory/memoryN): their size,
 * which exist, and the state and zone of one block, as discovery counts them
 * and as the memory stage changes them.
 */
#ifndef DAXPOLICY_MEMBLOCK_H
#define DAXPOLICY_MEMBLOCK_H

#include <stddef.h>
#include <stdint.h>

#include "ctx.h"

#define MEMORY_DIR "/sys/devices/system/memory"

/* Block sizes the kernel uses are powers of two from 16 MiB (ppc64) up;
 * anything else in block_size_bytes is not believed. */
#define MEMBLOCK_SIZE_MIN (16ULL << 20)
#define MEMBLOCK_SIZE_MAX (1ULL << 40)
/* Most memoryN directories read: 512 TiB of 128 MiB blocks. */
#define MEMBLOCKS_MAX (1u << 22)
/* A device of at most this many blocks has them read by number (a missing
 * one costs a failed open), not found by listing every block there is: the
 * listing cost each change as much as the machine's memory, not the
 * device's. Bounds the failed opens a device of made-up ranges costs. */
#define MEMBLOCK_BY_NUMBER_MAX 256

enum block_state {
	BLOCK_MISSING,	/* no memoryN directory */
	BLOCK_OFFLINE,
	BLOCK_MOVABLE,	/* online in ZONE_MOVABLE */
	BLOCK_KERNEL,	/* online in another zone (Normal, DMA32, ...) */
};

/* The memory block size in bytes; 0 with WHY saying what is wrong. */
uint64_t memblock_size(const struct dp_ctx *c, char *why, size_t size);

/* The blocks that exist (memoryN directories), in order. */
struct memblock_list {
	uint64_t *v;
	size_t n;
};

/* 0, or -errno (then the list is empty). */
int memblock_list(const struct dp_ctx *c, struct memblock_list *l);
void memblock_list_free(struct memblock_list *l);
/* Index of the first block >= B in L (L->n if none). */
size_t memblock_lower_bound(const struct memblock_list *l, uint64_t b);

enum block_state memblock_state(const struct dp_ctx *c, uint64_t block);
/* The word that onlines a block into the zone of STATE (movable or kernel). */
const char *memblock_online_word(enum block_state state);

#endif
