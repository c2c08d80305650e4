// SPDX-License-Identifier: GPL-2.0-or-later
#include "memblock.h"
#include "sysroot.h"
#include "util.h"

#include <string.h>

uint64_t memblock_size(const struct dp_ctx *c)
{
	char buf[ATTR_MAX], hex[ATTR_MAX + 2];
	uint64_t size;

	if (sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/block_size_bytes") != 0)
		return 0;
	/* the kernel prints it in hex without 0x */
	if (!str_printf(hex, sizeof(hex), "0x%s", buf) || !parse_u64(hex, &size))
		return 0;
	return size;
}

enum block_state memblock_state(const struct dp_ctx *c, uint64_t block)
{
	unsigned long long b = block;
	char buf[ATTR_MAX];

	if (sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/memory%llu/state", b) != 0)
		return BLOCK_MISSING;
	if (strcmp(buf, "online") != 0)
		return BLOCK_OFFLINE;
	/* an online block's valid_zones names the one zone it is in */
	if (sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/memory%llu/valid_zones", b) == 0 &&
	    strcmp(buf, "Movable") == 0)
		return BLOCK_MOVABLE;
	return BLOCK_KERNEL;
}

const char *memblock_online_word(enum block_state state)
{
	return state == BLOCK_MOVABLE ? "online_movable" : "online_kernel";
}
