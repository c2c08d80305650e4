// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: checks, from inside the kernel, what fsdev_dax promises
 * for a device bound to it. Every check is logged as
 * "fsdev_dax_test: ok|FAIL ..."; loading fails (-EIO) if one fails.
 *
 * mode=check (default), dev=daxX.Y bound to fsdev_dax:
 *  - a claim through fsdev_dax_get() works and is exclusive (EBUSY again);
 *  - the bus's own dax_device stays dead (device_dax's mappings cannot
 *    fault again), and the fs-dax one has the bus device's properties:
 *    synchronous, writes through the cache (nocache), reads machine-check
 *    safe (nomc); zero_page_range and recovery_write write through the cache;
 *  - direct_access maps page offsets to the device's memory, all of it and
 *    no further, and across every boundary between two ranges;
 *  - every page is ZONE_DEVICE with MEMORY_DEVICE_FS_DAX, order 0, not
 *    compound, refcount 1 (an idle fs-dax page).
 * mode=hold: claim dev and keep the claim until this module is removed;
 *  on removal, log whether the holder was told the device went away and
 *  what an access returns then.
 * mode=write, offset=, len=, seed=: fill [offset, offset+len) of dev through
 *  direct_access with the pattern tests/vm/helpers/daxmap verifies.
 * mode=aops, dev=: the address_space_operations /dev/dev points at belong to
 *  the kernel or a loaded module (never to one that was unloaded).
 */
#include <linux/atomic.h>
#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/kallsyms.h>
#include <linux/kprobes.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/namei.h>
#include <linux/pfn_t.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "bus.h"
#include "dax-private.h"
#include "fsdev_dax.h"

static char *dev = "";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "dax device bound to fsdev_dax, e.g. dax2.0");
static char *mode = "check";
module_param(mode, charp, 0444);
MODULE_PARM_DESC(mode, "check, hold, write or aops");
static unsigned long long offset, len, seed;
module_param(offset, ullong, 0444);
module_param(len, ullong, 0444);
module_param(seed, ullong, 0444);

static int failures;

#define CHECK(cond, fmt, ...)                                                   \
	do {                                                                    \
		if (cond) {                                                     \
			pr_info("fsdev_dax_test: ok " fmt "\n", ##__VA_ARGS__); \
		} else {                                                        \
			pr_err("fsdev_dax_test: FAIL " fmt "\n", ##__VA_ARGS__);\
			failures++;                                             \
		}                                                               \
	} while (0)

/* ---- the holder ---------------------------------------------------- */

static typeof(&fsdev_dax_get) dax_get;
static typeof(&fsdev_dax_put) dax_put;
#define fsdev_dax_get(...) dax_get(__VA_ARGS__)
#define fsdev_dax_put(...) dax_put(__VA_ARGS__)

static void put_fsdev_symbols(void)
{
	if (dax_get)
		symbol_put(fsdev_dax_get);
	if (dax_put)
		symbol_put(fsdev_dax_put);
}

static struct dax_device *held;
static struct dev_dax *held_dev;
static atomic_t notified = ATOMIC_INIT(0);
static int notified_flags;
static int holder_token;	/* its address is the holder */

static int holder_notify_failure(struct dax_device *dax_dev, u64 off, u64 length, int mf_flags)
{
	notified_flags = mf_flags;
	atomic_inc(&notified);
	return 0;
}

static const struct dax_holder_operations holder_ops = {
	.notify_failure = holder_notify_failure,
};

/* ---- counting calls this thread makes, with kprobes ------------------- */

static struct task_struct *counting_task;

struct counted {
	struct kprobe kp;
	int hits;
};

static int count_hit(struct kprobe *kp, struct pt_regs *regs)
{
	if (current == counting_task)
		container_of(kp, struct counted, kp)->hits++;
	return 0;
}

static struct counted flushcache_copy = { .kp = { .symbol_name = "__memcpy_flushcache", .pre_handler = count_hit } };
static struct counted flushcache_iter = { .kp = { .symbol_name = "_copy_from_iter_flushcache", .pre_handler = count_hit } };
static struct counted mc_iter = { .kp = { .symbol_name = "_copy_mc_to_iter", .pre_handler = count_hit } };

/* fs/dax.c's copy helpers are not exported; a kprobe finds them. */
static void *symbol_address(const char *name)
{
	struct kprobe kp = { .symbol_name = name };
	void *addr;

	if (register_kprobe(&kp) < 0)
		return NULL;
	addr = kp.addr;
	unregister_kprobe(&kp);
	return addr;
}

typedef size_t (*dax_copy_fn)(struct dax_device *, pgoff_t, void *, size_t, struct iov_iter *);

static void check_properties(struct dax_device *dax, struct dev_dax *dev_dax, void *kaddr, char *buf)
{
	dax_copy_fn copy_from = symbol_address("dax_copy_from_iter");
	dax_copy_fn copy_to = symbol_address("dax_copy_to_iter");
	struct iov_iter iter;
	struct kvec kvec = { .iov_base = buf, .iov_len = PAGE_SIZE };
	int rc;

	CHECK(!dax_alive(dev_dax->dax_dev), "%s: the bus's own dax_device stays dead", dev);
	CHECK(dax_synchronous(dax) == dax_synchronous(dev_dax->dax_dev),
	      "%s: synchronous (MAP_SYNC) as the bus device (%d)", dev, dax_synchronous(dax));

	if (register_kprobe(&flushcache_copy.kp) || register_kprobe(&flushcache_iter.kp) ||
	    register_kprobe(&mc_iter.kp) || !copy_from || !copy_to) {
		CHECK(0, "%s: kprobes for the copy checks", dev);
		return;
	}
	counting_task = current;
	rc = dax_zero_page_range(dax, 0, 1);
	CHECK(rc == 0 && flushcache_copy.hits > 0,
	      "%s: zero_page_range writes through the cache (%d flushcache copies)", dev,
	      flushcache_copy.hits);
	iov_iter_kvec(&iter, WRITE, &kvec, 1, PAGE_SIZE);
	dax_recovery_write(dax, 1, kaddr, PAGE_SIZE, &iter);
	CHECK(flushcache_iter.hits == 1, "%s: recovery_write writes through the cache", dev);
	iov_iter_kvec(&iter, WRITE, &kvec, 1, PAGE_SIZE);
	copy_from(dax, 1, kaddr, PAGE_SIZE, &iter);
	CHECK(flushcache_iter.hits == 2, "%s: writes through fs-dax bypass the cache (nocache)", dev);
	iov_iter_kvec(&iter, READ, &kvec, 1, PAGE_SIZE);
	copy_to(dax, 1, kaddr, PAGE_SIZE, &iter);
	CHECK(mc_iter.hits == 1, "%s: reads through fs-dax are machine-check safe (nomc)", dev);
	counting_task = NULL;
	unregister_kprobe(&mc_iter.kp);
	unregister_kprobe(&flushcache_iter.kp);
	unregister_kprobe(&flushcache_copy.kp);
}

static void check_pages(struct dev_dax *dev_dax)
{
	unsigned long pages = 0, bad_type = 0, bad_order = 0, bad_ref = 0;
	int i;

	for (i = 0; i < dev_dax->nr_range; i++) {
		struct range *r = &dev_dax->ranges[i].range;
		unsigned long pfn;

		for (pfn = PHYS_PFN(r->start); pfn <= PHYS_PFN(r->end); pfn++) {
			struct page *page = pfn_to_page(pfn);

			pages++;
			if (!is_zone_device_page(page) || page->pgmap->type != MEMORY_DEVICE_FS_DAX)
				bad_type++;
			if (PageCompound(page) || folio_order(page_folio(page)) != 0)
				bad_order++;
			if (page_ref_count(page) != 1)
				bad_ref++;
			if ((pfn & 0xffff) == 0)
				cond_resched();
		}
	}
	CHECK(bad_type == 0, "%s: %lu pages are MEMORY_DEVICE_FS_DAX (%lu are not)", dev, pages, bad_type);
	CHECK(bad_order == 0, "%s: %lu pages are order-0, not compound (%lu are not)", dev, pages, bad_order);
	CHECK(bad_ref == 0, "%s: %lu pages idle with refcount 1 (%lu are not)", dev, pages, bad_ref);
}

/* Page offsets on both sides of every boundary between two ranges. */
static void check_ranges(struct dax_device *dax, struct dev_dax *dev_dax)
{
	void *kaddr;
	pfn_t pfn;
	long avail;
	int i;

	pr_info("fsdev_dax_test: %s has %d range(s)\n", dev, dev_dax->nr_range);
	for (i = 1; i < dev_dax->nr_range; i++) {
		struct dev_dax_range *prev = &dev_dax->ranges[i - 1], *r = &dev_dax->ranges[i];

		avail = dax_direct_access(dax, r->pgoff - 1, 2, DAX_ACCESS, &kaddr, &pfn);
		CHECK(avail == 1 && PFN_PHYS(pfn_t_to_pfn(pfn)) == prev->range.end + 1 - PAGE_SIZE,
		      "%s: pgoff %lu is the last page of range %d and ends there (%ld)", dev,
		      r->pgoff - 1, i - 1, avail);
		avail = dax_direct_access(dax, r->pgoff, 1, DAX_ACCESS, &kaddr, &pfn);
		CHECK(avail == 1 && PFN_PHYS(pfn_t_to_pfn(pfn)) == r->range.start,
		      "%s: pgoff %lu is the start of range %d", dev, r->pgoff, i);
	}
}

static int check_claimed(struct dax_device *dax, struct dev_dax *dev_dax)
{
	unsigned long total = 0, i;
	void *kaddr, *kaddr1;
	struct dax_device *again;
	char *buf;
	pfn_t pfn;
	long avail;
	int id;

	again = fsdev_dax_get(dev, &failures, &holder_ops, NULL);
	CHECK(again == ERR_PTR(-EBUSY), "%s: a second claim is refused with EBUSY (%ld)", dev,
	      IS_ERR(again) ? PTR_ERR(again) : 0L);
	if (!IS_ERR(again))
		fsdev_dax_put(again, &failures);

	for (i = 0; i < dev_dax->nr_range; i++)
		total += PHYS_PFN(range_len(&dev_dax->ranges[i].range));
	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < PAGE_SIZE; i++)
		buf[i] = (char)(i * 7 + 3);

	id = dax_read_lock();
	avail = dax_direct_access(dax, 0, 1, DAX_ACCESS, &kaddr, &pfn);
	CHECK(avail == 1, "%s: direct_access(pgoff 0) gives a page (%ld)", dev, avail);
	if (avail == 1) {
		struct page *page = pfn_t_to_page(pfn);

		CHECK(pfn_t_has_page(pfn) && PFN_PHYS(pfn_t_to_pfn(pfn)) == dev_dax->ranges[0].range.start,
		      "%s: pgoff 0 is the start of the first range", dev);
		CHECK(page && page->pgmap && page->pgmap->type == MEMORY_DEVICE_FS_DAX,
		      "%s: its page is fs-dax", dev);
	}
	avail = dax_direct_access(dax, total - 1, 1, DAX_ACCESS, &kaddr1, &pfn);
	CHECK(avail == 1, "%s: direct_access(last pgoff %lu) gives one page (%ld)", dev, total - 1, avail);
	avail = dax_direct_access(dax, total, 1, DAX_ACCESS, &kaddr1, &pfn);
	CHECK(avail < 0, "%s: direct_access past the end fails (%ld)", dev, avail);
	avail = dax_direct_access(dax, 0, total + 8, DAX_ACCESS, &kaddr1, &pfn);
	CHECK(avail > 0 && avail <= (long)total, "%s: direct_access never offers more than the device (%ld of %lu)",
	      dev, avail, total);
	check_ranges(dax, dev_dax);

	/* zero_page_range zeroes page 0; recovery_write writes page 1 */
	avail = dax_direct_access(dax, 0, 1, DAX_ACCESS, &kaddr, &pfn);
	if (avail == 1) {
		int rc;

		memset(kaddr, 0xa5, PAGE_SIZE);
		rc = dax_zero_page_range(dax, 0, 1);
		CHECK(rc == 0 && memchr_inv(kaddr, 0, PAGE_SIZE) == NULL,
		      "%s: zero_page_range zeroes the page (rc %d)", dev, rc);
	}
	avail = dax_direct_access(dax, 1, 1, DAX_RECOVERY_WRITE, &kaddr1, &pfn);
	if (avail == 1) {
		struct iov_iter iter;
		struct kvec kvec = { .iov_base = buf, .iov_len = PAGE_SIZE };
		size_t done;

		iov_iter_kvec(&iter, WRITE, &kvec, 1, PAGE_SIZE);
		done = dax_recovery_write(dax, 1, kaddr1, PAGE_SIZE, &iter);
		CHECK(done == PAGE_SIZE && memcmp(kaddr1, buf, PAGE_SIZE) == 0,
		      "%s: recovery_write writes the page (%zu bytes)", dev, done);
		check_properties(dax, dev_dax, kaddr1, buf);
	}
	dax_read_unlock(id);
	kfree(buf);
	check_pages(dev_dax);
	return 0;
}

/* The pattern of tests/vm/helpers/daxmap.c: word I of a window. */
static u64 pattern_word(u64 s, u64 i)
{
	u64 x = s ^ (i * 0x9e3779b97f4a7c15ull);

	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	return x ^ (x >> 29);
}

static int write_window(struct dax_device *dax)
{
	u64 pos = offset, end = offset + len;
	int id = dax_read_lock();

	while (pos < end) {
		void *kaddr;
		u64 *w, page_end;
		long avail = dax_direct_access(dax, pos >> PAGE_SHIFT, 1, DAX_ACCESS, &kaddr, NULL);

		if (avail < 1) {
			CHECK(0, "%s: direct_access at %#llx (%ld)", dev, pos, avail);
			break;
		}
		/* one page at a time: every page is looked up on its own */
		page_end = min(end, (pos & PAGE_MASK) + PAGE_SIZE);
		for (w = kaddr + (pos & ~PAGE_MASK); pos < page_end; pos += 8)
			*w++ = pattern_word(seed, (pos - offset) / 8);
	}
	dax_read_unlock(id);
	CHECK(pos >= end, "%s: wrote [%#llx, %#llx) through direct_access", dev, offset, end);
	return 0;
}

static int check_aops(void)
{
	const struct address_space_operations *a_ops;
	char name[KSYM_SYMBOL_LEN] = "NULL";
	struct path path;
	char *devpath = kasprintf(GFP_KERNEL, "/dev/%s", dev);
	int rc;

	if (!devpath)
		return -ENOMEM;
	rc = kern_path(devpath, LOOKUP_FOLLOW, &path);
	kfree(devpath);
	if (rc) {
		CHECK(0, "%s: /dev node (%d)", dev, rc);
		return 0;
	}
	a_ops = d_backing_inode(path.dentry)->i_mapping->a_ops;
	if (a_ops)
		sprint_symbol(name, (unsigned long)a_ops);
	/* an address no symbol covers is in a module that is gone */
	CHECK(!a_ops || strncmp(name, "0x", 2) != 0, "%s: /dev node's a_ops are %s", dev, name);
	path_put(&path);
	return 0;
}

static int __init fsdev_dax_test_init(void)
{
	struct dev_dax *dev_dax = NULL;
	struct dax_device *dax;
	int rc = 0;

	if (strcmp(mode, "aops") == 0) {
		check_aops();
		return failures ? -EIO : 0;
	}
	/* looked up, not linked: mode=aops must load with fsdev_dax gone */
	dax_get = symbol_get(fsdev_dax_get);
	dax_put = symbol_get(fsdev_dax_put);
	if (!dax_get || !dax_put) {
		pr_err("fsdev_dax_test: FAIL fsdev_dax is not loaded\n");
		put_fsdev_symbols();
		return -ENODEV;
	}
	dax = fsdev_dax_get(dev, &holder_token, &holder_ops, &dev_dax);
	if (IS_ERR(dax)) {
		pr_err("fsdev_dax_test: FAIL %s cannot be claimed (%ld): not bound to fsdev_dax?\n",
		       dev, PTR_ERR(dax));
		put_fsdev_symbols();
		return -ENODEV;
	}
	if (strcmp(mode, "hold") == 0) {
		held = dax;
		held_dev = dev_dax;
		pr_info("fsdev_dax_test: %s: claimed, holding it\n", dev);
		return 0;
	}
	if (strcmp(mode, "write") == 0)
		rc = write_window(dax);
	else
		rc = check_claimed(dax, dev_dax);
	fsdev_dax_put(dax, &holder_token);
	put_fsdev_symbols();
	pr_info("fsdev_dax_test: %s: %s\n", dev, failures ? "FAILED" : "PASSED");
	return rc ? rc : failures ? -EIO : 0;
}

static void __exit fsdev_dax_test_exit(void)
{
	void *kaddr;
	long avail;
	int id;

	if (!held)
		return;
	id = dax_read_lock();
	avail = dax_direct_access(held, 0, 1, DAX_ACCESS, &kaddr, NULL);
	dax_read_unlock(id);
	pr_info("fsdev_dax_test: %s: hold ends: notified %d time(s), flags %#x, direct_access %ld\n",
		dev, atomic_read(&notified), notified_flags, avail);
	fsdev_dax_put(held, &holder_token);
	put_fsdev_symbols();
}

module_init(fsdev_dax_test_init);
module_exit(fsdev_dax_test_exit);
MODULE_DESCRIPTION("in-kernel checks of fsdev_dax (test only)");
MODULE_LICENSE("GPL");
