// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dax-floor: the least work that moves dax devices between drivers, the
 * floor dax-policy and daxctl are measured against (bench/run-vm-bench).
 * Only the writes a mode change needs, with no checks, no re-reads, no
 * rollback and no forks:
 *
 *   dax-floor FROM TO DEVICE...   FROM, TO: device_dax, kmem or fsdev_dax
 *     each block of a kmem device: offline; FROM: remove_id, unbind;
 *     TO: new_id, bind (its EBUSY when new_id bound it already is fine);
 *     each block of a new kmem device: online_movable
 *   dax-floor read DEVICE...
 *     what deciding that a device needs nothing reads: its driver link,
 *     size, resource and target_node (the "nothing to do" floor)
 *
 * Built as dax-floor-ask too (FLOOR_ASK_LIBDAXCTL): after the writes it
 * asks libdaxctl what dax-policy asks it of each changed device (enabled,
 * and for kmem a memory object), with libdaxctl linked: the least a tool
 * that keeps libdaxctl's second opinion costs.
 *
 * The memory blocks of a device come from its resource and size (one
 * range per device, as the benchmark makes them). Exit 1 when a write
 * failed, which leaves the benchmark's verification to say what.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef FLOOR_ASK_LIBDAXCTL
#include <daxctl/libdaxctl.h>
#endif

#define DAX_BUS "/sys/bus/dax"
#define MEMORY "/sys/devices/system/memory"

/* Write VALUE to PATH. 0 or -errno. */
static int put(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, value, strlen(value)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

static int get(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return 0;
}

static uint64_t dev_u64(const char *dev, const char *attr)
{
	char path[256], buf[64];

	snprintf(path, sizeof(path), DAX_BUS "/devices/%s/%s", dev, attr);
	return get(path, buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 0) : 0;
}

static int driver_put(const char *driver, const char *attr, const char *dev)
{
	char path[256];

	snprintf(path, sizeof(path), DAX_BUS "/drivers/%s/%s", driver, attr);
	return put(path, dev);
}

/* Write STATE to every memory block of DEV. */
static int blocks(const char *dev, uint64_t bs, const char *state)
{
	uint64_t start = dev_u64(dev, "resource"), size = dev_u64(dev, "size");
	int failed = 0;

	for (uint64_t b = start / bs; size && b <= (start + size - 1) / bs; b++) {
		char path[256];

		snprintf(path, sizeof(path), MEMORY "/memory%" PRIu64 "/state", b);
		failed |= put(path, state) != 0;
	}
	return failed;
}

static int move(const char *from, const char *to, const char *dev, uint64_t bs)
{
	int failed = 0;

	if (strcmp(from, "kmem") == 0)
		failed |= blocks(dev, bs, "offline");
	driver_put(from, "remove_id", dev);
	failed |= driver_put(from, "unbind", dev) != 0;
	driver_put(to, "new_id", dev);
	if (driver_put(to, "bind", dev) == -EIO)
		failed = 1;
	if (strcmp(to, "kmem") == 0)
		failed |= blocks(dev, bs, "online_movable");
	return failed;
}

static int read_all(int n, char **devs)
{
	static const char *const attrs[] = { "size", "resource", "target_node" };
	char buf[256], path[256];
	int failed = 0;

	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), DAX_BUS "/devices/%s/driver", devs[i]);
		if (readlink(path, buf, sizeof(buf)) < 0 && errno != ENOENT)
			failed = 1;
		for (size_t a = 0; a < sizeof(attrs) / sizeof(attrs[0]); a++) {
			snprintf(path, sizeof(path), DAX_BUS "/devices/%s/%s", devs[i], attrs[a]);
			failed |= get(path, buf, sizeof(buf)) != 0;
		}
	}
	return failed;
}

#ifdef FLOOR_ASK_LIBDAXCTL
/* libdaxctl's view of each of DEVS: enabled, and with memory if TO is kmem.
 * 0, or 1 naming each device it disagrees about or does not list. */
static int ask(const char *to, int n, char **devs)
{
	bool memory = strcmp(to, "kmem") == 0;
	struct daxctl_ctx *ctx;
	int agreed = 0;

	if (daxctl_new(&ctx) < 0) {
		fprintf(stderr, "dax-floor-ask: no libdaxctl context\n");
		return 1;
	}
	for (struct daxctl_region *r = daxctl_region_get_first(ctx); r;
	     r = daxctl_region_get_next(r))
		for (struct daxctl_dev *d = daxctl_dev_get_first(r); d; d = daxctl_dev_get_next(d))
			for (int i = 0; i < n; i++) {
				if (strcmp(daxctl_dev_get_devname(d), devs[i]) != 0)
					continue;
				if (memory ? daxctl_dev_get_memory(d) != NULL : daxctl_dev_is_enabled(d))
					agreed++;
				else
					fprintf(stderr, "dax-floor-ask: libdaxctl finds %s %s\n", devs[i],
						memory ? "without memory" : "disabled");
			}
	daxctl_unref(ctx);
	if (agreed != n)
		fprintf(stderr, "dax-floor-ask: libdaxctl agrees about %d of %d devices\n", agreed, n);
	return agreed != n;
}
#endif

int main(int argc, char **argv)
{
	uint64_t bs;
	int failed = 0;

	if (argc >= 2 && strcmp(argv[1], "read") == 0)
		return read_all(argc - 2, argv + 2);
	if (argc < 3) {
		fprintf(stderr, "usage: dax-floor FROM TO DEVICE... | dax-floor read DEVICE...\n");
		return 2;
	}
	{
		char buf[64];

		bs = get(MEMORY "/block_size_bytes", buf, sizeof(buf)) == 0 ? strtoull(buf, NULL, 16) : 0;
	}
	if (!bs) {
		fprintf(stderr, "dax-floor: cannot read " MEMORY "/block_size_bytes\n");
		return 1;
	}
	for (int i = 3; i < argc; i++)
		failed |= move(argv[1], argv[2], argv[i], bs);
#ifdef FLOOR_ASK_LIBDAXCTL
	failed |= ask(argv[2], argc - 3, argv + 3);
#endif
	return failed;
}
