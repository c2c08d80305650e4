// SPDX-License-Identifier: GPL-2.0-or-later
/* Discovery against sysfs trees captured from Debian 12's kernel
 * (tests/sysfs/README.md says how each was made). */
#include "discover.h"
#include "sysroot.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>
#include <sys/sysmacros.h>

struct expect {
	const char *name;
	int region;
	uint64_t size;
	int node;
	uint64_t resource;
	const char *uuid;
	const char *path;
	const char *driver;
	enum dax_mode mode;
	int blocks, online, movable, normal;
};

static void check_fixture(const char *fixture, const struct expect *want, size_t n,
			  const char *auto_online)
{
	char root[PATH_MAX], what[256];
	const char *src = getenv("DAXTEST_SRC");
	struct snapshot s;
	struct dp_ctx c;

	ctx_init(&c);
	snprintf(root, sizeof(root), "%s/sysfs/%s", src ? src : "tests", fixture);
	if (!tap_ok(sysroot_set(&c, root), "fixture root exists"))
		return;
	tap_is_int(discover_all(&c, &s, FACET_ALL), 0, "discover_all");
	snprintf(what, sizeof(what), "%s: %zu devices", fixture, n);
	tap_is_int((long long)s.n, (long long)n, what);
	tap_is_int((long long)s.block_size, 128LL << 20, "memory block size 128M");
	tap_is_str(s.auto_online, auto_online, "auto_online_blocks");
	for (size_t i = 0; i < n && i < s.n; i++) {
		const struct dax_device *d = &s.devs[i];
		const struct expect *w = &want[i];

#define FIELD(cond, label) \
	snprintf(what, sizeof(what), "%s %s: %s", fixture, w->name, label), tap_ok(cond, what)
		FIELD(strcmp(d->name, w->name) == 0, "name (sorted by region)");
		FIELD(d->region == w->region, "region");
		FIELD(d->size == w->size, "size");
		FIELD(d->target_node == w->node, "target node");
		/* captured where each device's memory is its own node's */
		FIELD(d->numa_node == w->node, "numa node");
		FIELD(d->align == 2ULL << 20, "align 2M");
		FIELD(d->resource == w->resource, "resource");
		FIELD(strcmp(d->uuid, w->uuid) == 0, "uuid");
		FIELD(strcmp(d->path, w->path) == 0, "canonical path without the root");
		FIELD(strcmp(d->driver, w->driver) == 0, "driver");
		FIELD(d->mode == w->mode, "mode");
		FIELD(d->mem.nblocks - d->mem.missing == w->blocks, "memory blocks present");
		FIELD(d->mem.online == w->online, "blocks online");
		FIELD(d->mem.movable == w->movable, "blocks movable");
		FIELD(d->mem.normal == w->normal, "blocks normal");
		FIELD(d->problem[0] == '\0', "nothing wrong");
		FIELD(d->pmem == (strcmp(w->name, "dax3.0") == 0),
		      "persistent memory: dax3.0 only");
#undef FIELD
	}
	{
		struct dax_device one;

		tap_is_int(discover_device(&c, &s, "dax9.9", FACET_ALL, &one), -2 /* -ENOENT */, "missing device: -ENOENT");
		tap_is_int(discover_device(&c, &s, "../../etc", FACET_ALL, &one), -22 /* -EINVAL */, "bad name refused");
	}
	snapshot_free(&s);
}

/* tests/sysfs/hostile: what a crafted sysfs tree may claim (README.md). */
static void test_hostile(void)
{
	char root[PATH_MAX];
	const char *src = getenv("DAXTEST_SRC");
	const struct dax_device *d;
	struct snapshot s;
	struct dp_ctx c;

	ctx_init(&c);
	snprintf(root, sizeof(root), "%s/sysfs/hostile", src ? src : "tests");
	if (!tap_ok(sysroot_set(&c, root), "hostile: fixture root exists"))
		return;
	tap_is_int(discover_all(&c, &s, FACET_ALL), 0, "hostile: discover_all");
	tap_is_int((long long)s.n, 4, "hostile: every device is listed, none skipped");
	d = snapshot_find(&s, "dax0.0");
	if (d) {
		tap_is_str(d->problem,
			   "mapping0 0x0-0xffffffffffffffff is not a range of physical memory",
			   "mapping0 over the whole address space is refused, not walked");
		tap_is_int(d->mem.nblocks, 0, "  no block counted");
	}
	d = snapshot_find(&s, "dax1.0");
	if (d) {
		tap_is_str(d->problem, "no mappingN and no readable resource: its range is unknown",
			   "no mappingN and an unreadable resource: range unknown, not 0");
		tap_is_int(d->nranges, 0, "  no range guessed");
		tap_is_int(d->mem.online, 0, "  memory0-3 (other memory) not counted as its own");
	}
	d = snapshot_find(&s, "dax2.0");
	if (d)
		tap_is_str(d->problem, "cannot read its size: No such file or directory",
			   "an unreadable size is a problem, not size 0");
	d = snapshot_find(&s, "dax3.0");
	if (d) {
		tap_is_str(d->problem, "", "dax3.0 is fine");
		tap_ok(d->pmem, "  on a persistent-memory region");
		tap_is_str(d->pmem_namespace, "namespace3.0", "  its namespace");
		tap_ok(d->devnum == makedev(252, 3), "  /dev/dax3.0 is 252:3");
		tap_is_int(d->mem.nblocks, 1, "  one whole 128M block in 0x240600000-0x24fffffff");
	}
	snapshot_free(&s);
}

#define HMEM(n) "/sys/devices/platform/hmem." #n "/dax" #n ".0"
#define PMEM "/sys/devices/LNXSYSTM:00/LNXSYBUS:00/ACPI0012:00/ndbus0/region3/dax3.0/dax3.0"
#define PMEM_UUID "805f67b9-154a-45ae-b7c6-02f58b6fb349"

/* A link's target by its text (the live /sys's device links) */
static void test_follow_link(void)
{
	static const struct {
		const char *link, *target, *want;
	} cases[] = {
		{ "/sys/bus/dax/devices/dax0.1", "../../../devices/platform/hmem.0/dax0.1",
		  "/sys/devices/platform/hmem.0/dax0.1" },
		{ "/a/b/c", "./d/./e/", "/a/b/d/e" },
		{ "/a/b/c", "d//e", "/a/b/d/e" },
		{ "/a/b", "/x/../y", "/y" },
		{ "/a/b", "../../../..", "/" },
		{ "/l", "t", "/t" },
		{ "/l", "/", "/" },
	};
	char out[64], what[160];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		bool ok = path_follow_link(out, sizeof(out), cases[i].link, cases[i].target);

		snprintf(what, sizeof(what), "link %s -> %s: leads to %s", cases[i].link,
			 cases[i].target, cases[i].want);
		tap_is_str(ok ? out : "(refused)", cases[i].want, what);
	}
	tap_ok(!path_follow_link(out, 12, "/sys/bus/x", "../devices/abc"),
	       "a result longer than the buffer: refused");
	tap_ok(!path_follow_link(out, sizeof(out), "bus/x", "../y"), "a relative link: refused");
}

int main(void)
{
	test_follow_link();
	static const struct expect devdax[] = {
		{ "dax0.0", 0, 512 << 20, 1, 0x180000000ULL, "", HMEM(0), "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
		{ "dax1.0", 1, 512 << 20, 1, 0x1c0000000ULL, "", HMEM(1), "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
		{ "dax2.0", 2, 512 << 20, 1, 0x200000000ULL, "", HMEM(2), "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
		{ "dax3.0", 3, 262144000, 0, 0x240600000ULL, PMEM_UUID, PMEM, "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
	};
	static const struct expect mixed[] = {
		{ "dax0.0", 0, 512 << 20, 1, 0x180000000ULL, "", HMEM(0), "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
		{ "dax1.0", 1, 512 << 20, 1, 0x1c0000000ULL, "", HMEM(1), "kmem", MODE_SYSTEM_RAM, 4, 4, 0, 4 },
		{ "dax2.0", 2, 512 << 20, 1, 0x200000000ULL, "", HMEM(2), "", MODE_UNBOUND, 0, 0, 0, 0 },
		{ "dax3.0", 3, 262144000, 0, 0x240600000ULL, PMEM_UUID, PMEM, "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
	};

	static const struct expect fsdev[] = {
		{ "dax0.0", 0, 512 << 20, 1, 0x180000000ULL, "", HMEM(0), "fsdev_dax", MODE_FSDEV, 0, 0, 0, 0 },
		{ "dax1.0", 1, 512 << 20, 1, 0x1c0000000ULL, "", HMEM(1), "kmem", MODE_SYSTEM_RAM, 4, 4, 0, 4 },
		{ "dax2.0", 2, 512 << 20, 1, 0x200000000ULL, "", HMEM(2), "", MODE_UNBOUND, 0, 0, 0, 0 },
		{ "dax3.0", 3, 262144000, 0, 0x240600000ULL, "e9a61f5d-cf1e-4ffe-9c96-ae86932b5a79", PMEM,
		  "device_dax", MODE_DEVDAX, 0, 0, 0, 0 },
	};

	check_fixture("devdax", devdax, ARRAY_SIZE(devdax), "offline");
	check_fixture("fsdev", fsdev, ARRAY_SIZE(fsdev), "offline");
	check_fixture("mixed", mixed, ARRAY_SIZE(mixed), "offline");
	test_hostile();
	return tap_done();
}
