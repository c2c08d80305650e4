// SPDX-License-Identifier: GPL-2.0-or-later
#include "discover.h"
#include "cleanup.h"
#include "memblock.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <sys/sysmacros.h>
#include <stdlib.h>
#include <string.h>

void snapshot_free(struct snapshot *s)
{
	free(s->devs);
	decided_free(&s->decided);
	memblock_list_free(&s->blocks);
	if (s->cxl)
		free(s->cxl->v);
	free(s->cxl);
	memset(s, 0, sizeof(*s));
}

const struct dax_device *snapshot_find(const struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->devs[i].name, name) == 0)
			return &s->devs[i];
	return NULL;
}

static void set_problem(struct dax_device *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Only the first problem is kept: later ones often follow from it. */
static void set_problem(struct dax_device *d, const char *fmt, ...)
{
	va_list ap;

	if (d->problem[0])
		return;
	va_start(ap, fmt);
	vsnprintf(d->problem, sizeof(d->problem), fmt, ap);
	va_end(ap);
}

/* A uuid from the nearest ancestor that has one: a pmem namespace's nd_dax
 * device, a CXL region. Unset uuids read as "" or all zeros. */
/* /sys/devices and /sys/devices/platform hold no device's attributes: the
 * walks up from a dax device (uuid, devtype) stop there. */
static bool above_devices(const char *dir)
{
	return strcmp(dir, "/sys/devices") == 0 || strcmp(dir, "/sys/devices/platform") == 0;
}

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
		if (above_devices(dir))
			return;
		if (sysroot_read(c, buf, sizeof(buf), "%s/uuid", dir) == 0 &&
		    strcmp(buf, "00000000-0000-0000-0000-000000000000") != 0 &&
		    uuid_parse(buf, d->uuid))
			return;
	}
}

/*
 * Persistent memory: a device of a pmem namespace sits under its nd_dax
 * device (devtype nd_dax, which names the namespace), in a region of devtype
 * nd_pmem. Volatile nvdimm regions (nd_volatile) keep nothing across a
 * reboot and are not counted.
 */
static void read_pmem(const struct dp_ctx *c, struct dax_device *d)
{
	char dir[PATH_MAX], buf[ATTR_MAX];

	d->pmem = false;
	d->pmem_namespace[0] = '\0';
	str_copy(dir, sizeof(dir), d->path);
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			return;
		*slash = '\0';
		if (above_devices(dir))
			return;
		if (sysroot_read(c, buf, sizeof(buf), "%s/devtype", dir) != 0)
			continue;
		if (strcmp(buf, "nd_dax") == 0 &&
		    sysroot_read(c, buf, sizeof(buf), "%s/namespace", dir) == 0) {
			str_sanitize(buf);
			str_copy(d->pmem_namespace, sizeof(d->pmem_namespace), buf);
			continue;
		}
		if (strcmp(buf, "nd_pmem") == 0) {
			d->pmem = true;
			return;
		}
	}
}

/* The device number of /dev/daxX.Y, "MAJOR:MINOR" in sysfs. */
static void read_devnum(const struct dp_ctx *c, struct dax_device *d, const char *dev)
{
	char buf[ATTR_MAX], *colon;
	int major, minor;

	d->devnum = 0;
	if (sysroot_read(c, buf, sizeof(buf), "%s/dev", dev) != 0)
		return;
	colon = strchr(buf, ':');
	if (!colon)
		return;
	*colon = '\0';
	if (parse_uint(buf, &major) && parse_uint(colon + 1, &minor) && major > 0)
		d->devnum = makedev((unsigned)major, (unsigned)minor);
}

/* Do the ranges add up: each sane, none overlapping, together the size? */
static void check_ranges(struct dax_device *d)
{
	uint64_t total = 0;

	for (int i = 0; i < d->nranges; i++) {
		uint64_t start = d->ranges[i].start, end = d->ranges[i].end;

		if (start > end || end >= DAX_PHYS_LIMIT) {
			set_problem(d,
				    "mapping%d 0x%" PRIx64 "-0x%" PRIx64
				    " is not a range of physical memory",
				    i, start, end);
			return;
		}
		for (int j = 0; j < i; j++) {
			if (start <= d->ranges[j].end && d->ranges[j].start <= end) {
				set_problem(d, "mapping%d overlaps mapping%d", i, j);
				return;
			}
		}
		total += end - start + 1;
	}
	if (total != d->size)
		set_problem(d, "its ranges add up to %" PRIu64 " bytes, not its size %" PRIu64,
			    total, d->size);
}

/* The physical ranges, from mappingN; a device that has none (older
 * kernels' static regions) is one range from resource and size. */
static void read_ranges(const struct dp_ctx *c, struct dax_device *d, const char *dev,
			bool have_resource)
{
	int i, rc = 0;

	d->nranges = 0;
	for (i = 0; i < DAX_RANGES_MAX; i++) {
		uint64_t start, end;

		if (!sysroot_exists(c, "%s/mapping%d", dev, i))
			break;
		rc = sysroot_read_u64(c, &start, "%s/mapping%d/start", dev, i);
		if (rc == 0)
			rc = sysroot_read_u64(c, &end, "%s/mapping%d/end", dev, i);
		if (rc) {
			set_problem(d, "cannot read mapping%d: %s", i, strerror(-rc));
			return;
		}
		d->ranges[d->nranges].start = start;
		d->ranges[d->nranges].end = end;
		d->nranges++;
	}
	if (i == DAX_RANGES_MAX && sysroot_exists(c, "%s/mapping%d", dev, i)) {
		set_problem(d, "more than %d mapping ranges", DAX_RANGES_MAX);
		return;
	}
	if (d->nranges == 0 && d->size) {
		/* the range comes from resource, or from nowhere: never from 0 */
		if (!have_resource || d->size > UINT64_MAX - d->resource) {
			set_problem(d,
				    "no mappingN and no readable resource: its range is unknown");
			return;
		}
		d->ranges[0].start = d->resource;
		d->ranges[0].end = d->resource + d->size - 1;
		d->nranges = 1;
	}
	check_ranges(d);
}

static void count_block(const struct dp_ctx *c, uint64_t b, struct dax_memory *m)
{
	switch (memblock_state(c, b)) {
	case BLOCK_MISSING:
		m->missing++; /* gone since the listing */
		break;
	case BLOCK_OFFLINE: m->present = true; break;
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

/* Whole blocks of range R: FIRST..LAST; false when there is none. */
static bool range_blocks(const struct dax_device *d, int r, uint64_t bs, uint64_t *first,
			 uint64_t *last)
{
	uint64_t end_block = (d->ranges[r].end + 1) / bs; /* ranges end below 2^52 */

	*first = (d->ranges[r].start + bs - 1) / bs;
	if (end_block == 0 || *first > end_block - 1)
		return false;
	*last = end_block - 1;
	return true;
}

uint64_t dax_device_nblocks(const struct dax_device *d, uint64_t bs)
{
	uint64_t first, last, n = 0;

	for (int r = 0; bs && r < d->nranges; r++)
		if (range_blocks(d, r, bs, &first, &last))
			n += last - first + 1;	/* < 2^52 / 16M per range */
	return n;
}

/* The next block of L from index *I on, or with L NULL the next number
 * from B on; false past LAST. */
static bool next_block(const struct memblock_list *l, size_t *i, uint64_t *b, uint64_t last)
{
	if (l) {
		if (*i >= l->n || l->v[*i] > last)
			return false;
		*b = l->v[(*i)++];
		return true;
	}
	return *b <= last;
}

int dax_device_blocks(const struct dax_device *d, const struct memblock_list *l, uint64_t **out,
		      size_t *n)
{
	uint64_t bs = d->mem.block_size, first, last, b, *v;
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!bs || d->problem[0])
		return -ENODEV;
	for (int r = 0; r < d->nranges; r++) {
		size_t i;

		if (!range_blocks(d, r, bs, &first, &last))
			continue;
		i = l ? memblock_lower_bound(l, first) : 0;
		for (b = first; next_block(l, &i, &b, last); b++) {
			if (*n == cap) {
				size_t ncap = cap ? cap * 2 : 64;

				v = realloc(*out, ncap * sizeof(*v));
				if (!v) {
					free(*out);
					*out = NULL;
					*n = 0;
					return -ENOMEM;
				}
				*out = v;
				cap = ncap;
			}
			(*out)[(*n)++] = b;
		}
	}
	return 0;
}

static void cxl_spans_free(struct cxl_spans *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

/* Under --root a directory of the CXL bus may lead out of the tree (a
 * fake one's link): nothing is read through one that does. */
static bool cxl_dir_in_root(const struct dp_ctx *c, const char *name)
{
	char real[PATH_MAX];

	return sysroot_is_live(c) ||
	       sysroot_canonical(c, real, sizeof(real), CXL_DEVICES "/%s", name) == 0;
}

/* The CXL regions whose range can be read, into L (none without a CXL
 * bus). 0, or -ENOMEM with L empty and not listed. */
static int list_cxl_spans(const struct dp_ctx *c, struct cxl_spans *l)
{
	_cleanup_closedir_ DIR *dir = sysroot_opendir(c, CXL_DEVICES);
	size_t cap = 0;
	struct dirent *de;

	cxl_spans_free(l);
	l->listed = true;
	while (dir && (de = readdir(dir))) {
		struct cxl_span span = { 0 };

		if (strncmp(de->d_name, "region", 6) != 0 ||
		    !str_copy(span.name, sizeof(span.name), de->d_name) ||
		    !cxl_dir_in_root(c, de->d_name) ||
		    sysroot_read_u64(c, &span.start, CXL_DEVICES "/%s/resource", de->d_name) != 0 ||
		    sysroot_read_u64(c, &span.size, CXL_DEVICES "/%s/size", de->d_name) != 0)
			continue;
		if (l->n == cap) {
			size_t ncap = cap ? cap * 2 : 8;
			struct cxl_span *nv = realloc(l->v, ncap * sizeof(*nv));

			if (!nv) {
				cxl_spans_free(l);
				return -ENOMEM;
			}
			l->v = nv;
			cap = ncap;
		}
		l->v[l->n++] = span;
	}
	return 0;
}

/*
 * The serial numbers of the CXL memory devices under DEV's memory: the CXL
 * region whose address range holds it, that region's targets (endpoint
 * decoders), the memory device of each decoder's port. Unlike region and
 * dax device names, serials stay when regions are made again.
 */
static void read_cxl_serials(const struct dp_ctx *c, const struct snapshot *s,
			     struct dax_device *d)
{
	_cleanup_(cxl_spans_free) struct cxl_spans own = { 0 };
	struct cxl_spans *spans = s->cxl ? s->cxl : &own;
	const struct cxl_span *region = NULL;

	d->ncxl = 0;
	d->cxl_region[0] = '\0';
	if (!d->nranges)
		return;
	if (!spans->listed && list_cxl_spans(c, spans) != 0) {
		set_problem(d, "cannot list the CXL regions: %s", strerror(ENOMEM));
		return;
	}
	for (size_t i = 0; i < spans->n && !region; i++)
		if (d->ranges[0].start >= spans->v[i].start &&
		    d->ranges[0].start - spans->v[i].start < spans->v[i].size)
			region = &spans->v[i];
	if (region) /* named in messages: a longer name (no kernel's) is cut */
		str_printf(d->cxl_region, sizeof(d->cxl_region), "%s", region->name);
	for (int t = 0; region && t < CXL_SERIALS_MAX && d->ncxl < CXL_SERIALS_MAX; t++) {
		char decoder[64], port[PATH_MAX], mem[64];
		uint64_t serial;

		if (sysroot_read(c, decoder, sizeof(decoder), CXL_DEVICES "/%s/target%d",
				 region->name, t) != 0 || !decoder[0])
			break;
		if (sysroot_canonical(c, port, sizeof(port), CXL_DEVICES "/%s/..", decoder) ||
		    sysroot_link_name(c, mem, sizeof(mem), "%s/uport", port) ||
		    !cxl_dir_in_root(c, mem) ||
		    sysroot_read_u64(c, &serial, CXL_DEVICES "/%s/serial", mem))
			continue;
		d->cxl_serial[d->ncxl++] = serial;
	}
}

/* Count the device's blocks: only those that exist are read, so the cost
 * is what the machine has, whatever the ranges claim. */
static void read_memory(const struct dp_ctx *c, const struct snapshot *s,
			const struct memblock_list *l, struct dax_device *d)
{
	_cleanup_(memblock_list_free) struct memblock_list now = { 0 };
	struct dax_memory *m = &d->mem;
	uint64_t first, last;

	memset(m, 0, sizeof(*m));
	m->block_size = s->block_size;
	if (!m->block_size || d->problem[0])
		return;
	/* by number (L NULL) only a few: ranges read again may have grown,
	 * and kmem added their blocks since the snapshot's listing */
	if (!l && dax_device_nblocks(d, m->block_size) > MEMBLOCK_BY_NUMBER_MAX)
		l = memblock_list(c, &now) == 0 ? &now : &s->blocks;
	for (int r = 0; r < d->nranges; r++) {
		size_t i, seen = 0;
		uint64_t b;

		if (!range_blocks(d, r, m->block_size, &first, &last))
			continue;
		m->nblocks += (int)(last - first + 1); /* < 2^52 / 16M */
		i = l ? memblock_lower_bound(l, first) : 0;
		for (b = first; next_block(l, &i, &b, last); b++, seen++)
			count_block(c, b, m);	/* a block missing by number counts itself */
		m->missing += (int)(last - first + 1 - seen);
	}
}

/* ---- facets: what is read of a device only when asked ------------------ */

struct facet_src {
	const struct dp_ctx *c;
	const struct snapshot *s;
	const struct memblock_list *l;	/* the memory blocks that exist */
	const char *dev;		/* /sys/bus/dax/devices/daxX.Y */
};

/*
 * The device's own directory. On the live /sys the bus's link names it, and
 * the kernel's links lead through directories only: one readlink, where
 * realpath reads each part of the path as a link (ten calls a device).
 * Under --root, or should the link say anything else, realpath.
 */
static int device_dir(const struct facet_src *f, char *out, size_t size)
{
	char target[PATH_MAX];

	if (sysroot_is_live(f->c) &&
	    sysroot_readlink(f->c, target, sizeof(target), "%s", f->dev) == 0 &&
	    path_follow_link(out, size, f->dev, target) && str_has_prefix(out, "/sys/devices/"))
		return 0;
	return sysroot_canonical(f->c, out, size, "%s", f->dev);
}

static void read_path(const struct facet_src *f, struct dax_device *d)
{
	int rc = device_dir(f, d->path, sizeof(d->path));

	if (rc == -EXDEV)
		set_problem(d, "its sysfs directory is outside --root");
	else if (rc)
		set_problem(d, "cannot resolve its sysfs path: %s", strerror(-rc));
	if (rc)
		d->path[0] = '\0';
}

/* the region's own id, where the dax_region directory says it */
static void read_region(const struct facet_src *f, struct dax_device *d)
{
	int id;

	if (sysroot_read_int(f->c, &d->region, "%s/../dax_region/id", f->dev) != 0)
		dax_name_parse(d->name, &d->region, &id);
}

static void read_nodes(const struct facet_src *f, struct dax_device *d)
{
	if (sysroot_read_int(f->c, &d->target_node, "%s/target_node", f->dev) != 0)
		d->target_node = -1;
	if (sysroot_read_int(f->c, &d->numa_node, "%s/numa_node", f->dev) != 0)
		d->numa_node = -1;
}

static void read_geometry(const struct facet_src *f, struct dax_device *d)
{
	bool have_resource = sysroot_read_u64(f->c, &d->resource, "%s/resource", f->dev) == 0;

	if (!have_resource)
		d->resource = 0;
	/* older kernels have no align: then it is not shown */
	if (sysroot_read_u64(f->c, &d->align, "%s/align", f->dev) != 0)
		d->align = 0;
	if (!d->problem[0])
		read_ranges(f->c, d, f->dev, have_resource);
	if (!have_resource && d->nranges)
		d->resource = d->ranges[0].start;
}

static void read_origin(const struct facet_src *f, struct dax_device *d)
{
	read_uuid(f->c, d);
	read_pmem(f->c, d);
}

static void read_dev_number(const struct facet_src *f, struct dax_device *d)
{
	read_devnum(f->c, d, f->dev);
}

static void read_memory_state(const struct facet_src *f, struct dax_device *d)
{
	read_memory(f->c, f->s, f->l, d);
	if (!d->mem.block_size && mode_has_memory(d->mode))
		set_problem(d, "its memory cannot be counted: %s", f->s->block_problem);
}

static void read_cxl(const struct facet_src *f, struct dax_device *d)
{
	read_cxl_serials(f->c, f->s, d);
}

/* In the order they are read: the first problem found is the one kept. */
static const struct facet_reader {
	unsigned facet;
	unsigned needs;	/* facets it reads from */
	void (*read)(const struct facet_src *f, struct dax_device *d);
} facet_readers[] = {
	{ FACET_PATH, 0, read_path },
	{ FACET_REGION, 0, read_region },
	{ FACET_NODES, 0, read_nodes },
	{ FACET_RANGES, 0, read_geometry },
	{ FACET_ORIGIN, FACET_PATH, read_origin },
	{ FACET_DEVNUM, 0, read_dev_number },
	{ FACET_MEMORY, FACET_RANGES, read_memory_state },
	{ FACET_CXL, FACET_RANGES, read_cxl },
};

/* WANT and what its facets are read from */
static unsigned facets_needed(unsigned want)
{
	for (size_t i = 0; i < ARRAY_SIZE(facet_readers); i++)
		if (want & facet_readers[i].facet)
			want |= facet_readers[i].needs;
	return want;
}

static void read_facets(const struct facet_src *f, struct dax_device *d, unsigned want)
{
	want = facets_needed(want) & ~d->facets;
	for (size_t i = 0; i < ARRAY_SIZE(facet_readers); i++) {
		if (want & facet_readers[i].facet)
			facet_readers[i].read(f, d);
	}
	d->facets |= want;
}

/* New since the hold (hold.h), unbound, and not yet decided for. */
static void set_waiting(const struct snapshot *s, struct dax_device *d)
{
	d->waiting = s->held && d->mode == MODE_UNBOUND && !d->problem[0] &&
		     !decided_has(&s->decided, d->name, d->instance);
}

static int read_named(const struct dp_ctx *c, const struct snapshot *s,
		      const struct memblock_list *l, const char *name, unsigned want,
		      struct dax_device *d)
{
	char dev[PATH_MAX];
	struct facet_src f = { .c = c, .s = s, .l = l, .dev = dev };
	int rc;

	memset(d, 0, sizeof(*d));
	d->target_node = d->numa_node = -1;
	if (!dax_name_parse(name, &d->region, &d->id) ||
	    !str_copy(d->name, sizeof(d->name), name))
		return -EINVAL;
	if (!str_printf(dev, sizeof(dev), DAX_DEVICES "/%s", name))
		return -ENAMETOOLONG;
	if (sysroot_inode(c, &d->instance, "%s", dev) != 0) {
		if (!sysroot_exists(c, "%s", dev))
			return -ENOENT;
		d->instance = 0;
	}

	want = facets_needed(want);
	/* Under --root a device's directory may lead out of it: nothing is
	 * read through one that does. (/sys's own links never leave /sys.) */
	if (!sysroot_is_live(c))
		want |= FACET_PATH;
	read_facets(&f, d, want & FACET_PATH);
	if (d->problem[0]) {
		d->facets = FACET_ALL;	/* all there is to know: it cannot be read */
		return 0;
	}
	rc = sysroot_read_u64(c, &d->size, "%s/size", dev);
	if (rc)
		set_problem(d, "cannot read its size: %s", strerror(-rc));
	rc = bus_bound_driver(c, d->name, d->driver, sizeof(d->driver));
	if (rc)
		set_problem(d, "cannot read its driver link: %s", strerror(-rc));
	d->mode = mode_from_driver(d->driver);
	/* whether memory is in policy is part of its mode */
	if (mode_has_memory(d->mode))
		want |= FACET_MEMORY;
	read_facets(&f, d, want);
	set_waiting(s, d);
	return 0;
}

int discover_device(const struct dp_ctx *c, const struct snapshot *s, const char *name,
		    unsigned facets, struct dax_device *d)
{
	return read_named(c, s, &s->blocks, name, facets, d);
}

void discover_complete(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *d)
{
	char dev[PATH_MAX];
	struct facet_src f = { .c = c, .s = s, .l = &s->blocks, .dev = dev };
	char name[DAX_NAME_MAX];
	uint64_t instance;

	if (d->facets == FACET_ALL)
		return;
	if (str_printf(dev, sizeof(dev), DAX_DEVICES "/%s", d->name) &&
	    sysroot_inode(c, &instance, "%s", dev) == 0 && instance == d->instance) {
		read_facets(&f, d, FACET_ALL);
		set_waiting(s, d);
		return;
	}
	/* gone, or another device of that name now: what it is now, whole */
	str_copy(name, sizeof(name), d->name);
	if (read_named(c, s, &s->blocks, name, FACET_ALL, d) != 0) {
		set_problem(d, "it went away while it was read");
		d->facets = FACET_ALL;
	}
}

/*
 * The same device as before (same sysfs directory, same size) changes only
 * its driver and its memory when it changes mode: read those again, not its
 * identity (ranges, uuid, node, CXL serials), which a change cannot alter.
 */
static bool refresh_same(const struct dp_ctx *c, const struct snapshot *s,
			 const struct memblock_list *l, struct dax_device *d)
{
	uint64_t instance;

	uint64_t size;

	/* the size too: daxctl resizes a region's seed in place */
	if (d->problem[0] || !d->instance || d->facets != FACET_ALL ||
	    sysroot_inode(c, &instance, DAX_DEVICES "/%s", d->name) != 0 || instance != d->instance ||
	    sysroot_read_u64(c, &size, DAX_DEVICES "/%s/size", d->name) != 0 || size != d->size)
		return false;
	if (bus_bound_driver(c, d->name, d->driver, sizeof(d->driver)) != 0)
		return false;
	d->mode = mode_from_driver(d->driver);
	read_memory(c, s, l, d);
	if (!d->mem.block_size && mode_has_memory(d->mode))
		return false;	/* the full read says why */
	set_waiting(s, d);
	return true;
}

int discover_refresh(const struct dp_ctx *c, const struct snapshot *s, struct dax_device *dev)
{
	_cleanup_(memblock_list_free) struct memblock_list now = { 0 };
	const struct memblock_list *l = &now;
	char name[DAX_NAME_MAX], driver[DRIVER_NAME_MAX];
	bool memory = mode_has_memory(dev->mode) ||
		      (bus_bound_driver(c, dev->name, driver, sizeof(driver)) == 0 &&
		       mode_has_memory(mode_from_driver(driver)));

	/* kmem adds (and removes) blocks as the device changes driver: read
	 * again only for a device whose memory is or was system RAM; by
	 * number when it has few, not by listing every block the machine has */
	if (memory && dax_device_nblocks(dev, s->block_size) <= MEMBLOCK_BY_NUMBER_MAX)
		l = NULL;
	else if (!memory || memblock_list(c, &now) != 0)
		l = &s->blocks;
	if (refresh_same(c, s, l, dev))
		return 0;
	str_copy(name, sizeof(name), dev->name);
	return read_named(c, s, l, name, FACET_ALL, dev);
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

/* What every snapshot holds besides its devices. */
static void begin_snapshot(const struct dp_ctx *c, struct snapshot *s)
{
	char buf[ATTR_MAX];
	int rc;

	memset(s, 0, sizeof(*s));
	s->cxl = calloc(1, sizeof(*s->cxl));
	s->block_size = memblock_size(c, s->block_problem, sizeof(s->block_problem));
	rc = memblock_list(c, &s->blocks);
	if (rc && s->block_size) {
		snprintf(s->block_problem, sizeof(s->block_problem), "cannot list %s: %s",
			 MEMORY_DIR, strerror(-rc));
		s->block_size = 0;
	}
	if (sysroot_read(c, buf, sizeof(buf), MEMORY_DIR "/auto_online_blocks") == 0) {
		str_sanitize(buf);
		str_copy(s->auto_online, sizeof(s->auto_online), buf);
	}
	s->held = hold_active(c);
	rc = decided_load(c, &s->decided);
	if (rc)
		log_warn(c, "cannot read " DECIDED_FILE ": %s; unbound devices count as new",
			 strerror(-rc));
}

/* Read device NAME into the snapshot; a device gone meanwhile is left out. */
static int add_named(const struct dp_ctx *c, struct snapshot *s, const char *name,
		     unsigned facets)
{
	struct dax_device d;

	if (discover_device(c, s, name, facets, &d) != 0)
		return 0;
	if (add_device(s, &d) != 0) {
		snapshot_free(s);
		return -ENOMEM;
	}
	return 0;
}

int discover_all(const struct dp_ctx *c, struct snapshot *s, unsigned facets)
{
	_cleanup_closedir_ DIR *dir = NULL;
	struct dirent *de;

	begin_snapshot(c, s);
	dir = sysroot_opendir(c, DAX_DEVICES);
	if (!dir) {
		if (errno == ENOENT)
			return 0;	/* no dax bus: no devices */
		return -errno;
	}
	s->bus_present = true;
	while ((de = readdir(dir)))
		if (dax_name_valid(de->d_name) && add_named(c, s, de->d_name, facets) != 0)
			return -ENOMEM;
	if (s->n)
		qsort(s->devs, s->n, sizeof(s->devs[0]), cmp_dev);
	return 0;
}

int snapshot_keep_unread(const struct snapshot *s, struct decided *now)
{
	for (size_t i = 0; s->partial && i < s->decided.n; i++) {
		const struct decided_dev *d = &s->decided.v[i];
		int rc;

		if (!snapshot_find(s, d->name) && (rc = decided_add(now, d->name, d->instance)))
			return rc;
	}
	return 0;
}

int discover_named(const struct dp_ctx *c, struct snapshot *s, char *const *names, size_t n,
		   unsigned facets)
{
	begin_snapshot(c, s);
	s->partial = true;
	if (!sysroot_exists(c, DAX_DEVICES))
		return 0;	/* no dax bus: none of them is a device */
	s->bus_present = true;
	for (size_t i = 0; i < n; i++)
		if (dax_name_valid(names[i]) && !snapshot_find(s, names[i]) &&
		    add_named(c, s, names[i], facets) != 0)
			return -ENOMEM;
	if (s->n)
		qsort(s->devs, s->n, sizeof(s->devs[0]), cmp_dev);
	return 0;
}
