/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Discovery: a snapshot of every dax device on the dax bus and its state,
 * read through the sysroot layer (so it works on a live kernel and on the
 * sysfs trees under tests/sysfs/). A snapshot is not changed after it is
 * taken; what a device became after apply is read into its outcome.
 */
#ifndef DAXPOLICY_DISCOVER_H
#define DAXPOLICY_DISCOVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "ctx.h"
#include "hold.h"
#include "mode.h"
#include "values.h"

#define DAX_NAME_MAX 32
#define DAX_RANGES_MAX 16
/* CXL memory devices one dax device's memory can be interleaved over */
#define CXL_SERIALS_MAX 16
#define CXL_DEVICES "/sys/bus/cxl/devices"

/* The memory blocks a device covers, as system RAM. */
struct dax_memory {
	bool present;		/* any memoryN directory for the range exists */
	int nblocks;		/* blocks spanned by the device's ranges */
	int online;		/* blocks online */
	int movable;		/* online in ZONE_MOVABLE */
	int normal;		/* online in another zone (Normal, DMA32, ...) */
	int missing;		/* blocks of the range with no memoryN directory */
};

struct dax_device {
	char name[DAX_NAME_MAX];	/* dax1.0 */
	int region;			/* dax region id */
	int id;
	uint64_t size;
	uint64_t resource;		/* physical start, 0 if unknown */
	int nranges;
	struct { uint64_t start, end; } ranges[DAX_RANGES_MAX];
	int target_node;		/* -1 if none */
	int numa_node;
	char uuid[UUID_STR_LEN + 1];	/* "" if no namespace/region uuid */
	char path[PATH_MAX];		/* canonical sysfs path */
	char driver[DRIVER_NAME_MAX];	/* "" when unbound */
	enum dax_mode mode;		/* current mode */
	struct dax_memory mem;
	uint64_t cxl_serial[CXL_SERIALS_MAX];	/* of the CXL memory devices it lies on */
	int ncxl;
	uint64_t instance;		/* inode of its sysfs directory (see hold.h) */
	bool waiting;			/* appeared while the bus held, undecided (hold.h) */
};

struct snapshot {
	struct dax_device *devs;
	size_t n, cap;
	uint64_t block_size;		/* memory block size, 0 if unknown */
	char auto_online[32];		/* /sys/devices/system/memory/auto_online_blocks */
	bool bus_present;		/* /sys/bus/dax exists */
	bool held;			/* new devices wait for the policy (hold.h) */
	struct decided decided;		/* devices decided for so far */
};

void snapshot_free(struct snapshot *s);
/* Read every device. 0, or -errno when the dax bus cannot be read. */
int discover_all(const struct dp_ctx *c, struct snapshot *s);
/* Read one device into *dev (S gives the memory block size); 0, or
 * -ENOENT when it does not exist (DEV then has only its name). */
int discover_device(const struct dp_ctx *c, const struct snapshot *s, const char *name,
		    struct dax_device *dev);
/* Read DEV again, in place. */
int discover_refresh(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *dev);
const struct dax_device *snapshot_find(const struct snapshot *s, const char *name);

#endif
