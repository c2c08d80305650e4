/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Discovery: a snapshot of every dax device on the dax bus and its state,
 * read through the sysroot layer (so it works on a live kernel and on the
 * sysfs trees under tests/sysfs/). A snapshot is not changed once planned
 * from; what a device became after apply is read into its outcome.
 *
 * A device's name, instance, driver and size are always read; the rest by
 * facets, as asked. apply reads only what its rules match on, then the rest
 * of each device it would not leave alone (discover_complete) before it
 * plans that device again: nothing is changed, or refused, on a part read.
 */
#ifndef DAXPOLICY_DISCOVER_H
#define DAXPOLICY_DISCOVER_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "bus.h"
#include "ctx.h"
#include "hold.h"
#include "memblock.h"
#include "mode.h"
#include "values.h"

#define DAX_NAME_MAX 32
/* A device's canonical sysfs path: real ones are under 200 bytes (CXL's
 * deepest); a longer one is a problem of that device. Kept short because
 * every device record is copied a few times per run. */
#define DAX_PATH_MAX 1024
#define DAX_RANGES_MAX 16
/* CXL memory devices one dax device's memory can be interleaved over */
#define CXL_SERIALS_MAX 16
#define CXL_DEVICES "/sys/bus/cxl/devices"
/* Room for what is wrong with a device that cannot be read. */
#define DAX_PROBLEM_MAX 192
/* Physical addresses end below 2^52 (4 PiB) on every architecture with dax
 * devices (x86-64 with 5-level paging, arm64 with LPA); a range beyond is
 * not real. */
#define DAX_PHYS_LIMIT (1ULL << 52)

/* The memory blocks a device covers, as system RAM: only blocks wholly
 * inside its ranges, as kmem adds them (a block that is partly outside
 * belongs to other memory). */
struct dax_memory {
	uint64_t block_size;	/* 0: unknown (then nothing else is known) */
	bool present;		/* any memoryN directory for the range exists */
	int nblocks;		/* whole blocks in the device's ranges */
	int online;		/* blocks online */
	int movable;		/* online in ZONE_MOVABLE */
	int normal;		/* online in another zone (Normal, DMA32, ...) */
	int missing;		/* blocks of the range with no memoryN directory */
};

/* What discovery reads of a device besides its name, instance, driver, mode
 * and size (each one a few sysfs reads). */
enum dax_facet {
	FACET_PATH = 1u << 0,	/* path: its canonical sysfs directory */
	FACET_REGION = 1u << 1,	/* region: the dax_region's own id */
	FACET_NODES = 1u << 2,	/* target_node, numa_node */
	FACET_RANGES = 1u << 3,	/* resource, align, ranges (mappingN) */
	FACET_ORIGIN = 1u << 4,	/* uuid, pmem, pmem_namespace */
	FACET_DEVNUM = 1u << 5,	/* devnum, for the holders of /dev/daxX.Y */
	FACET_MEMORY = 1u << 6,	/* mem: its memory blocks' state */
	FACET_CXL = 1u << 7,	/* cxl_serial */
	FACET_ALL = (1u << 8) - 1,
};

struct dax_device {
	char name[DAX_NAME_MAX];	/* dax1.0 */
	unsigned facets;		/* enum dax_facet: what was read */
	int region;			/* dax region id */
	int id;
	uint64_t size;
	uint64_t resource;		/* physical start, 0 if unknown */
	int nranges;
	struct { uint64_t start, end; } ranges[DAX_RANGES_MAX];
	int target_node;		/* node its memory becomes as system RAM; -1 if none */
	int numa_node;			/* node of the device itself (its region); -1 if none */
	uint64_t align;			/* mapping alignment in bytes; 0 if unknown */
	char uuid[UUID_STR_LEN + 1];	/* "" if no namespace/region uuid */
	char path[DAX_PATH_MAX];	/* canonical sysfs path */
	char driver[DRIVER_NAME_MAX];	/* "" when unbound */
	enum dax_mode mode;		/* current mode */
	struct dax_memory mem;
	uint64_t cxl_serial[CXL_SERIALS_MAX];	/* of the CXL memory devices it lies on */
	int ncxl;
	char cxl_region[32];		/* the CXL region holding its memory; "" if none */
	uint64_t instance;		/* inode of its sysfs directory (see hold.h) */
	bool waiting;			/* appeared while the bus held, undecided (hold.h) */
	dev_t devnum;			/* of /dev/daxX.Y (sysfs "dev"); 0 if unknown */
	bool pmem;			/* on a persistent-memory (nvdimm) region */
	char pmem_namespace[DAX_NAME_MAX]; /* its namespace, e.g. namespace3.0 */
	/* What could not be read or does not add up; "" if nothing. Such a
	 * device is refused (state error with this reason), never guessed. */
	char problem[DAX_PROBLEM_MAX];
};

/* The address range of each CXL region, for finding the region under a
 * device's memory: listed once for a snapshot, by the first device whose
 * CXL serials are read (each device listed them all, two reads a region). */
struct cxl_span {
	char name[NAME_MAX + 1];	/* regionN */
	uint64_t start, size;
};

struct cxl_spans {
	struct cxl_span *v;
	size_t n;
	bool listed;
};

struct snapshot {
	struct dax_device *devs;
	size_t n, cap;
	uint64_t block_size;		/* memory block size, 0 if unknown ... */
	char block_problem[128];	/* ... and why */
	struct memblock_list blocks;	/* memoryN directories at discovery */
	char auto_online[32];		/* /sys/devices/system/memory/auto_online_blocks */
	bool bus_present;		/* /sys/bus/dax exists */
	bool held;			/* new devices wait for the policy (hold.h) */
	struct decided decided;		/* devices decided for so far */
	bool partial;			/* only the devices named were read */
	/* the one part filled after the snapshot is made, by the first device
	 * that needs it (one thread reads devices); NULL: listed each time */
	struct cxl_spans *cxl;
};

void snapshot_free(struct snapshot *s);
/* Read every device, with FACETS (enum dax_facet; a device with memory gets
 * its memory read too). 0, or -errno when the dax bus cannot be read. */
int discover_all(const struct dp_ctx *c, struct snapshot *s, unsigned facets);
/* Read only the devices NAMES (a name that is no device is left out). */
int discover_named(const struct dp_ctx *c, struct snapshot *s, char *const *names, size_t n,
		   unsigned facets);
/* Read what DEV (of S) lacks of FACET_ALL, in place. A device gone or made
 * anew meanwhile is read whole again. */
void discover_complete(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *dev);
/* A partial snapshot's record of decided devices it did not read, into
 * NOW: what a run for some devices rewrites keeps the others. 0 or -errno. */
int snapshot_keep_unread(const struct snapshot *s, struct decided *now);
/* Read one device into *dev (S gives the memory block size and the blocks
 * that existed); 0, or -ENOENT when it does not exist (DEV then has only its
 * name). A device that exists but cannot be read sensibly is returned with
 * its problem set. */
int discover_device(const struct dp_ctx *c, const struct snapshot *s, const char *name,
		    unsigned facets, struct dax_device *dev);
/* Read DEV again, in place, with the memory blocks that exist now (whole,
 * unless only its driver and memory can have changed). */
int discover_refresh(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *dev);
/* How many whole blocks of BS bytes DEV's ranges hold, existing or not. */
uint64_t dax_device_nblocks(const struct dax_device *dev, uint64_t bs);
/* The memory blocks of L wholly inside DEV's ranges, in order (*OUT is
 * malloc'd); with L NULL, every block number there, existing or not.
 * 0, or -ENODEV when DEV's ranges or block size are unknown. */
int dax_device_blocks(const struct dax_device *dev, const struct memblock_list *l, uint64_t **out,
		      size_t *n);
const struct dax_device *snapshot_find(const struct snapshot *s, const char *name);

#endif
