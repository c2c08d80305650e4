// SPDX-License-Identifier: GPL-2.0-or-later
#include "memblock.h"
#include "cleanup.h"
#include "sysroot.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint64_t memblock_size(const struct dp_ctx *c, char *why, size_t size)
{
	char buf[ATTR_MAX], hex[ATTR_MAX + 2];
	uint64_t bs;
	int rc;

	rc = sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/block_size_bytes");
	if (rc) {
		snprintf(why, size, "cannot read %s/block_size_bytes: %s", MEMORY_DIR,
			 strerror(-rc));
		return 0;
	}
	/* the kernel prints it in hex without 0x */
	if (!str_printf(hex, sizeof(hex), "0x%s", buf) || !parse_u64(hex, &bs) ||
	    bs < MEMBLOCK_SIZE_MIN || bs > MEMBLOCK_SIZE_MAX || (bs & (bs - 1))) {
		str_sanitize(buf);
		snprintf(why, size,
			 "memory block size '%.32s' is not a power of two of 16M or more", buf);
		return 0;
	}
	return bs;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

int memblock_list(const struct dp_ctx *c, struct memblock_list *l)
{
	_cleanup_closedir_ DIR *dir = sysroot_opendir(c, MEMORY_DIR);
	_cleanup_free_ uint64_t *v = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;

	memset(l, 0, sizeof(*l));
	if (!dir)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(dir))) {
		uint64_t b;

		if (!str_has_prefix(de->d_name, "memory") ||
		    !isdigit((unsigned char)de->d_name[6]) || !parse_u64(de->d_name + 6, &b))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 256;
			uint64_t *nv;

			if (ncap > MEMBLOCKS_MAX)
				return -E2BIG;
			nv = realloc(v, ncap * sizeof(*nv));
			if (!nv)
				return -ENOMEM;
			v = nv;
			cap = ncap;
		}
		v[n++] = b;
	}
	if (n > 1)	/* v is NULL when there is no block: qsort wants a pointer */
		qsort(v, n, sizeof(*v), cmp_u64);
	l->v = take_ptr(&v);
	l->n = n;
	return 0;
}

void memblock_list_free(struct memblock_list *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

size_t memblock_lower_bound(const struct memblock_list *l, uint64_t b)
{
	size_t lo = 0, hi = l->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (l->v[mid] < b)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
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
