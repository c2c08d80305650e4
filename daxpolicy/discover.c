// SPDX-License-Identifier: GPL-2.0-or-later
#include "discover.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAX_DEVICES "/sys/bus/dax/devices"
#define MEMORY_DIR "/sys/devices/system/memory"

void snapshot_free(struct snapshot *s)
{
	free(s->devs);
	memset(s, 0, sizeof(*s));
}

struct dax_device *snapshot_find(struct snapshot *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->devs[i].name, name) == 0)
			return &s->devs[i];
	return NULL;
}

/* A uuid from the nearest ancestor that has one: a pmem namespace's nd_dax
 * device, a CXL region. Unset uuids read as "" or all zeros. */
static void read_uuid(struct dax_device *d)
{
	char dir[PATH_MAX], attr[PATH_MAX + 8], buf[ATTR_MAX];

	d->uuid[0] = '\0';
	str_copy(dir, sizeof(dir), d->path);
	for (int up = 0; up < 3; up++) {
		char *slash = strrchr(dir, '/');

		if (!slash || slash == dir)
			return;
		*slash = '\0';
		if (!str_printf(attr, sizeof(attr), "%s/uuid", dir))
			return;
		if (sysroot_read(attr, buf, sizeof(buf)) == 0 &&
		    strcmp(buf, "00000000-0000-0000-0000-000000000000") != 0 &&
		    uuid_parse(buf, d->uuid))
			return;
	}
}

static void read_ranges(struct dax_device *d, const char *dev)
{
	char attr[PATH_MAX];

	d->nranges = 0;
	for (int i = 0; i < DAX_RANGES_MAX; i++) {
		uint64_t start, end;

		if (!str_printf(attr, sizeof(attr), "%s/mapping%d/start", dev, i) ||
		    sysroot_read_u64(attr, &start) != 0)
			break;
		if (!str_printf(attr, sizeof(attr), "%s/mapping%d/end", dev, i) ||
		    sysroot_read_u64(attr, &end) != 0)
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

static void read_memory(const struct snapshot *s, struct dax_device *d)
{
	struct dax_memory *m = &d->mem;
	char attr[PATH_MAX], buf[ATTR_MAX];

	memset(m, 0, sizeof(*m));
	m->first_block = -1;
	if (!s->block_size)
		return;
	for (int r = 0; r < d->nranges; r++) {
		uint64_t first = d->ranges[r].start / s->block_size;
		uint64_t last = d->ranges[r].end / s->block_size;

		for (uint64_t b = first; b <= last && b <= INT32_MAX; b++) {
			if (m->first_block < 0)
				m->first_block = (int)b;
			m->nblocks++;
			if (!str_printf(attr, sizeof(attr), MEMORY_DIR "/memory%llu/state",
					(unsigned long long)b) ||
			    sysroot_read(attr, buf, sizeof(buf)) != 0) {
				m->missing++;
				continue;
			}
			m->present = true;
			if (strcmp(buf, "online") != 0)
				continue;
			m->online++;
			str_printf(attr, sizeof(attr), MEMORY_DIR "/memory%llu/valid_zones",
				   (unsigned long long)b);
			if (sysroot_read(attr, buf, sizeof(buf)) == 0 && strcmp(buf, "Movable") == 0)
				m->movable++;
			else
				m->normal++;
		}
	}
}

int discover_device(const struct snapshot *s, const char *name, struct dax_device *d)
{
	char dev[PATH_MAX], attr[PATH_MAX + 32];
	int rc;

	memset(d, 0, sizeof(*d));
	if (!dax_name_valid(name) || !str_copy(d->name, sizeof(d->name), name))
		return -EINVAL;
	if (!str_printf(dev, sizeof(dev), DAX_DEVICES "/%s", name))
		return -ENAMETOOLONG;
	if (!sysroot_exists(dev))
		return -ENOENT;
	if (sscanf(name, "dax%d.%d", &d->region, &d->id) != 2)
		return -EINVAL;

	rc = sysroot_canonical(dev, d->path, sizeof(d->path));
	if (rc)
		return rc;
	/* the region's own id, where the dax_region directory says it */
	str_printf(attr, sizeof(attr), "%s/../dax_region/id", d->path);
	if (sysroot_read_int(attr, &d->region) != 0)
		sscanf(name, "dax%d.", &d->region);

	str_printf(attr, sizeof(attr), "%s/size", dev);
	sysroot_read_u64(attr, &d->size);
	str_printf(attr, sizeof(attr), "%s/resource", dev);
	if (sysroot_read_u64(attr, &d->resource) != 0)
		d->resource = 0;
	str_printf(attr, sizeof(attr), "%s/target_node", dev);
	if (sysroot_read_int(attr, &d->target_node) != 0)
		d->target_node = -1;
	str_printf(attr, sizeof(attr), "%s/numa_node", dev);
	if (sysroot_read_int(attr, &d->numa_node) != 0)
		d->numa_node = -1;

	str_printf(attr, sizeof(attr), "%s/driver", dev);
	rc = sysroot_link_name(attr, d->driver, sizeof(d->driver));
	if (rc)
		d->driver[0] = '\0';
	d->mode = mode_from_driver(d->driver);

	read_uuid(d);
	read_ranges(d, dev);
	if (!d->resource && d->nranges)
		d->resource = d->ranges[0].start;
	read_memory(s, d);
	return 0;
}

int discover_refresh(struct snapshot *s, struct dax_device *dev)
{
	char name[DAX_NAME_MAX];

	str_copy(name, sizeof(name), dev->name);
	return discover_device(s, name, dev);
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

int discover_all(struct snapshot *s)
{
	struct dirent *de;
	char buf[ATTR_MAX];
	DIR *dir;

	memset(s, 0, sizeof(*s));
	if (sysroot_read(MEMORY_DIR "/block_size_bytes", buf, sizeof(buf)) == 0) {
		char hex[ATTR_MAX + 2];

		/* the kernel prints it in hex without 0x */
		if (!str_printf(hex, sizeof(hex), "0x%s", buf) || !parse_u64(hex, &s->block_size))
			s->block_size = 0;
	}
	if (sysroot_read(MEMORY_DIR "/auto_online_blocks", buf, sizeof(buf)) == 0)
		str_copy(s->auto_online, sizeof(s->auto_online), buf);

	dir = sysroot_opendir(DAX_DEVICES);
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
		if (discover_device(s, de->d_name, &d) != 0)
			continue;	/* gone while we looked */
		if (s->n == s->cap) {
			size_t cap = s->cap ? s->cap * 2 : 16;
			struct dax_device *nd = realloc(s->devs, cap * sizeof(*nd));

			if (!nd) {
				closedir(dir);
				return -ENOMEM;
			}
			s->devs = nd;
			s->cap = cap;
		}
		s->devs[s->n++] = d;
	}
	closedir(dir);
	if (s->n)
		qsort(s->devs, s->n, sizeof(s->devs[0]), cmp_dev);
	return 0;
}
