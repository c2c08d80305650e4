// SPDX-License-Identifier: GPL-2.0-or-later
#include "discover.h"
#include "cleanup.h"
#include "memblock.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void snapshot_free(struct snapshot *s)
{
	free(s->devs);
	decided_free(&s->decided);
	memset(s, 0, sizeof(*s));
}

const struct dax_device *snapshot_find(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->devs[i].name, name) == 0)
			return &s->devs[i];
	return NULL;
}

/* A uuid from the nearest ancestor that has one: a pmem namespace's nd_dax
 * device, a CXL region. Unset uuids read as "" or all zeros. */
static void read_uuid(const struct dp_ctx *c, struct dax_device *d)
{
	char dir[PATH_MAX], buf[ATTR_MAX];

	d->uuid[0] = '\0';
	str_copy(dir, sizeof(dir), d->path);
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			return;
		*slash = '\0';
		if (sysroot_read(c, buf, sizeof(buf), "%s/uuid", dir) == 0 &&
		    strcmp(buf, "00000000-0000-0000-0000-000000000000") != 0 &&
		    uuid_parse(buf, d->uuid))
			return;
	}
}

static void read_ranges(const struct dp_ctx *c, struct dax_device *d, const char *dev)
{
	d->nranges = 0;
	for (int i = 0; i < DAX_RANGES_MAX; i++) {
		uint64_t start, end;

		if (sysroot_read_u64(c, &start, "%s/mapping%d/start", dev, i) != 0 ||
		    sysroot_read_u64(c, &end, "%s/mapping%d/end", dev, i) != 0)
			break;
		d->ranges[d->nranges].start = start;
		d->ranges[d->nranges].end = end;
		d->nranges++;
	}
	/* static (pmem) regions have no mappingN: one range from resource */
	if (d->nranges == 0 && d->size) {
		d->ranges[0].start = d->resource;
		d->ranges[0].end = d->resource + d->size - 1;
		d->nranges = 1;
	}
}

/*
 * The serial numbers of the CXL memory devices under DEV's memory: the CXL
 * region whose address range holds it, that region's targets (endpoint
 * decoders), the memory device of each decoder's port. Unlike region and
 * dax device names, serials stay when regions are made again.
 */
static void read_cxl_serials(const struct dp_ctx *c, struct dax_device *d)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;

	d->ncxl = 0;
	if (!d->nranges || !(dir = sysroot_opendir(c, CXL_DEVICES)))
		return;
	while ((de = readdir(dir))) {
		uint64_t start, size;

		if (strncmp(de->d_name, "region", 6) != 0 ||
		    sysroot_read_u64(c, &start, CXL_DEVICES "/%s/resource", de->d_name) != 0 ||
		    sysroot_read_u64(c, &size, CXL_DEVICES "/%s/size", de->d_name) != 0 ||
		    d->ranges[0].start < start || d->ranges[0].start - start >= size)
			continue;
		for (int t = 0; t < CXL_SERIALS_MAX && d->ncxl < CXL_SERIALS_MAX; t++) {
			char decoder[64], port[PATH_MAX], mem[64];
			uint64_t serial;

			if (sysroot_read(c, decoder, sizeof(decoder), CXL_DEVICES "/%s/target%d",
					 de->d_name, t) != 0 || !decoder[0])
				break;
			if (sysroot_canonical(c, port, sizeof(port), CXL_DEVICES "/%s/..", decoder) ||
			    sysroot_link_name(c, mem, sizeof(mem), "%s/uport", port) ||
			    sysroot_read_u64(c, &serial, CXL_DEVICES "/%s/serial", mem))
				continue;
			d->cxl_serial[d->ncxl++] = serial;
		}
		return;
	}
}

static void read_memory(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *d)
{
	struct dax_memory *m = &d->mem;

	memset(m, 0, sizeof(*m));
	if (!s->block_size)
		return;
	for (int r = 0; r < d->nranges; r++) {
		uint64_t first = d->ranges[r].start / s->block_size;
		uint64_t last = d->ranges[r].end / s->block_size;

		for (uint64_t b = first; b <= last && b <= INT32_MAX; b++) {
			m->nblocks++;
			switch (memblock_state(c, b)) {
			case BLOCK_MISSING:
				m->missing++;
				break;
			case BLOCK_OFFLINE:
				m->present = true;
				break;
			case BLOCK_MOVABLE:
				m->present = true;
				m->online++;
				m->movable++;
				break;
			case BLOCK_KERNEL:
				m->present = true;
				m->online++;
				m->normal++;
				break;
			}
		}
	}
}

int discover_device(const struct dp_ctx *c, const struct snapshot *s, const char *name,
		    struct dax_device *d)
{
	char dev[PATH_MAX];
	int rc;

	memset(d, 0, sizeof(*d));
	if (!dax_name_valid(name) || !str_copy(d->name, sizeof(d->name), name))
		return -EINVAL;
	if (!str_printf(dev, sizeof(dev), DAX_DEVICES "/%s", name))
		return -ENAMETOOLONG;
	if (!sysroot_exists(c, "%s", dev))
		return -ENOENT;
	if (sscanf(name, "dax%d.%d", &d->region, &d->id) != 2)
		return -EINVAL;

	rc = sysroot_canonical(c, d->path, sizeof(d->path), "%s", dev);
	if (rc)
		return rc;
	/* the region's own id, where the dax_region directory says it */
	if (sysroot_read_int(c, &d->region, "%s/../dax_region/id", d->path) != 0)
		sscanf(name, "dax%d.", &d->region);

	sysroot_read_u64(c, &d->size, "%s/size", dev);
	if (sysroot_read_u64(c, &d->resource, "%s/resource", dev) != 0)
		d->resource = 0;
	if (sysroot_read_int(c, &d->target_node, "%s/target_node", dev) != 0)
		d->target_node = -1;
	if (sysroot_read_int(c, &d->numa_node, "%s/numa_node", dev) != 0)
		d->numa_node = -1;

	bus_bound_driver(c, name, d->driver, sizeof(d->driver));
	d->mode = mode_from_driver(d->driver);

	read_uuid(c, d);
	read_ranges(c, d, dev);
	if (!d->resource && d->nranges)
		d->resource = d->ranges[0].start;
	read_memory(c, s, d);
	read_cxl_serials(c, d);
	if (sysroot_inode(c, &d->instance, "%s", dev) != 0)
		d->instance = 0;
	d->waiting = s->held && d->mode == MODE_UNBOUND &&
		     !decided_has(&s->decided, d->name, d->instance);
	return 0;
}

int discover_refresh(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *dev)
{
	char name[DAX_NAME_MAX];

	str_copy(name, sizeof(name), dev->name);
	return discover_device(c, s, name, dev);
}

static int cmp_dev(const void *a, const void *b)
{
	const struct dax_device *x = a, *y = b;

	if (x->region != y->region)
		return x->region < y->region ? -1 : 1;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int add_device(struct snapshot *s, const struct dax_device *d)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 16;
		struct dax_device *nd = realloc(s->devs, cap * sizeof(*nd));

		if (!nd)
			return -ENOMEM;
		s->devs = nd;
		s->cap = cap;
	}
	s->devs[s->n++] = *d;
	return 0;
}

int discover_all(const struct dp_ctx *c, struct snapshot *s)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;
	char buf[ATTR_MAX];
	int rc;

	memset(s, 0, sizeof(*s));
	s->block_size = memblock_size(c);
	if (sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/auto_online_blocks") == 0)
		str_copy(s->auto_online, sizeof(s->auto_online), buf);
	s->held = hold_active(c);
	rc = decided_load(c, &s->decided);
	if (rc)
		log_warn(c, "cannot read " DECIDED_FILE ": %s; unbound devices count as new",
			 strerror(-rc));

	dir = sysroot_opendir(c, DAX_DEVICES);
	if (!dir) {
		if (errno == ENOENT)
			return 0;	/* no dax bus: no devices */
		return -errno;
	}
	s->bus_present = true;
	while ((de = readdir(dir))) {
		struct dax_device d;

		if (!dax_name_valid(de->d_name))
			continue;
		if (discover_device(c, s, de->d_name, &d) != 0)
			continue;	/* gone while we looked */
		if (add_device(s, &d) != 0) {
			snapshot_free(s);
			return -ENOMEM;
		}
	}
	if (s->n)
		qsort(s->devs, s->n, sizeof(s->devs[0]), cmp_dev);
	return 0;
}
