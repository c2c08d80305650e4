// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: checks, from inside the kernel, what fsdev_dax promises
 * for a device bound to it. Load with dev=daxX.Y; loading fails (-EIO) if
 * any check fails, and each check is logged as "fsdev_dax_test: ok|FAIL ...".
 *
 *  - the dax_device exists and direct_access maps page offsets to the
 *    device's memory, all of it and no further;
 *  - every page is ZONE_DEVICE with MEMORY_DEVICE_FS_DAX, order 0, not
 *    compound, refcount 1 (an idle fs-dax page);
 *  - zero_page_range zeroes a page; recovery_write writes one.
 */
#include <linux/dax.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/uio.h>

#include "bus.h"
#include "dax-private.h"
#include "fsdev_dax.h"

static char *dev = "";
module_param(dev, charp, 0444);
MODULE_PARM_DESC(dev, "dax device bound to fsdev_dax, e.g. dax2.0");

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

static unsigned long check_pages(struct dev_dax *dev_dax)
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
	return pages;
}

static int __init fsdev_dax_test_init(void)
{
	struct dev_dax *dev_dax = NULL;
	struct dax_device *dax;
	unsigned long total = 0, i;
	void *kaddr, *kaddr1;
	struct iov_iter iter;
	struct kvec kvec;
	char *buf;
	pfn_t pfn;
	long avail;
	int id, rc;

	dax = fsdev_dax_get_dax(dev, &dev_dax);
	if (!dax) {
		pr_err("fsdev_dax_test: FAIL %s is not bound to fsdev_dax\n", dev);
		return -ENODEV;
	}
	for (i = 0; i < dev_dax->nr_range; i++)
		total += PHYS_PFN(range_len(&dev_dax->ranges[i].range));

	buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;

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

	/* zero_page_range */
	avail = dax_direct_access(dax, 0, 1, DAX_ACCESS, &kaddr, &pfn);
	if (avail == 1) {
		memset(kaddr, 0xa5, PAGE_SIZE);
		rc = dax_zero_page_range(dax, 0, 1);
		CHECK(rc == 0 && memchr_inv(kaddr, 0, PAGE_SIZE) == NULL,
		      "%s: zero_page_range zeroes the page (rc %d)", dev, rc);
	}

	/* recovery_write into page 1 */
	avail = dax_direct_access(dax, 1, 1, DAX_RECOVERY_WRITE, &kaddr1, &pfn);
	if (avail == 1) {
		size_t done;

		for (i = 0; i < PAGE_SIZE; i++)
			buf[i] = (char)(i * 7 + 3);
		kvec.iov_base = buf;
		kvec.iov_len = PAGE_SIZE;
		iov_iter_kvec(&iter, WRITE, &kvec, 1, PAGE_SIZE);
		done = dax_recovery_write(dax, 1, kaddr1, PAGE_SIZE, &iter);
		CHECK(done == PAGE_SIZE && memcmp(kaddr1, buf, PAGE_SIZE) == 0,
		      "%s: recovery_write writes the page (%zu bytes)", dev, done);
	}
	dax_read_unlock(id);
	kfree(buf);

	check_pages(dev_dax);
	pr_info("fsdev_dax_test: %s: %s\n", dev, failures ? "FAILED" : "PASSED");
	return failures ? -EIO : 0;
}

static void __exit fsdev_dax_test_exit(void)
{
}

module_init(fsdev_dax_test_init);
module_exit(fsdev_dax_test_exit);
MODULE_DESCRIPTION("in-kernel checks of fsdev_dax (test only)");
MODULE_LICENSE("GPL");
