// SPDX-License-Identifier: GPL-2.0
/*
 * fsdev_dax: a dax bus driver that makes a dax device's memory usable as
 * fs-dax (for famfs), for kernels that do not have one (Linux before 7.1).
 *
 * It never binds by itself: match_always stays 0 and the module has no
 * dax:t* alias, so neither the bus nor udev ever picks it for a device.
 * A device is given to it only on request, by writing the device name to
 * /sys/bus/dax/drivers/fsdev_dax/new_id (and bind). Module load order
 * therefore cannot decide who gets a new device: device_dax does.
 *
 * While bound, the device's ranges are remapped as MEMORY_DEVICE_FS_DAX with
 * order-0 pages (memremap_pages initialises every struct page afresh, so the
 * compound pages device_dax built are gone), a dax_device with
 * direct_access, zero_page_range and recovery_write stands for the memory,
 * and /dev/daxX.Y can be opened but not mmapped (ENODEV): raw mmap needs
 * devdax mode.
 */
#include <linux/cdev.h>
#include <linux/dax.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pagemap.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/uio.h>

/* the dax bus's private headers, from this kernel's own source package */
#include "bus.h"
#include "dax-private.h"

#include "fsdev_dax.h"

/*
 * kernel/tests/fsdev_dax_automatch.c builds this file once more with
 * FSDEV_DAX_AUTOMATCH, as a test-only module that matches every device the
 * way the early upstream fsdev_dax did, to reproduce the load-order bug.
 */
#ifdef FSDEV_DAX_AUTOMATCH
#define FSDEV_MATCH_ALWAYS 1
#else
#define FSDEV_MATCH_ALWAYS 0
#endif

struct fsdev_dax {
	struct dev_dax *dev_dax;
	struct dax_device *dax_dev;	/* the fs-dax face of the memory */
	struct list_head list;
};

/* bound devices, for fsdev_dax_get_dax() */
static LIST_HEAD(fsdev_list);
static DEFINE_MUTEX(fsdev_lock);

/* Device-relative page offset to physical address, over all ranges. */
static phys_addr_t fsdev_pgoff_to_phys(struct dev_dax *dev_dax, pgoff_t pgoff, long *avail)
{
	int i;

	for (i = 0; i < dev_dax->nr_range; i++) {
		struct dev_dax_range *r = &dev_dax->ranges[i];
		unsigned long pages = PHYS_PFN(range_len(&r->range));

		if (pgoff >= r->pgoff && pgoff < r->pgoff + pages) {
			*avail = r->pgoff + pages - pgoff;
			return r->range.start + PFN_PHYS(pgoff - r->pgoff);
		}
	}
	*avail = 0;
	return 0;
}

static long fsdev_direct_access(struct dax_device *dax_dev, pgoff_t pgoff, long nr_pages,
				enum dax_access_mode mode, void **kaddr, pfn_t *pfn)
{
	struct fsdev_dax *fs = dax_get_private(dax_dev);
	phys_addr_t phys;
	long avail;

	if (!fs)
		return -ENXIO;
	phys = fsdev_pgoff_to_phys(fs->dev_dax, pgoff, &avail);
	if (!avail)
		return -ERANGE;
	/* ZONE_DEVICE memory other than device-private is in the direct map */
	if (kaddr)
		*kaddr = phys_to_virt(phys);
	if (pfn)
		*pfn = phys_to_pfn_t(phys, PFN_DEV | PFN_MAP);
	return avail;
}

static int fsdev_zero_page_range(struct dax_device *dax_dev, pgoff_t pgoff, size_t nr_pages)
{
	void *kaddr;
	long avail;

	avail = fsdev_direct_access(dax_dev, pgoff, nr_pages, DAX_ACCESS, &kaddr, NULL);
	if (avail < 0)
		return avail;
	if (avail < (long)nr_pages)
		return -EIO;
	memset(kaddr, 0, nr_pages << PAGE_SHIFT);
	return 0;
}

/* The memory behind hmem and CXL dax devices has no poison list this driver
 * could clear, so recovery is a plain copy into the (mapped) page. */
static size_t fsdev_recovery_write(struct dax_device *dax_dev, pgoff_t pgoff, void *addr,
				   size_t bytes, struct iov_iter *iter)
{
	return _copy_from_iter(addr, bytes, iter);
}

static const struct dax_operations fsdev_dax_ops = {
	.direct_access = fsdev_direct_access,
	.zero_page_range = fsdev_zero_page_range,
	.recovery_write = fsdev_recovery_write,
};

/* Nothing of this mapping is ever dirtied: there is no mmap. */
static const struct address_space_operations fsdev_aops = {
	.dirty_folio = noop_dirty_folio,
};

static int fsdev_open(struct inode *inode, struct file *filp)
{
	struct dax_device *dax_dev = inode_dax(inode);
	struct inode *__dax_inode = dax_inode(dax_dev);
	struct dev_dax *dev_dax = dax_get_private(dax_dev);

	if (!dev_dax)
		return -ENXIO;
	/*
	 * device_dax's open points the shared dax inode's mapping at its own
	 * address_space_operations and nothing resets them when device_dax is
	 * unloaded: take the mapping over, or the open path would follow a
	 * pointer into a module that is gone.
	 */
	inode->i_mapping = __dax_inode->i_mapping;
	inode->i_mapping->host = __dax_inode;
	inode->i_mapping->a_ops = &fsdev_aops;
	filp->f_mapping = inode->i_mapping;
	filp->private_data = dev_dax;
	return 0;
}

static int fsdev_release(struct inode *inode, struct file *filp)
{
	return 0;
}

/* No .mmap: mmap(2) of /dev/daxX.Y fails with ENODEV in fsdev mode. */
static const struct file_operations fsdev_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
	.open = fsdev_open,
	.release = fsdev_release,
};

static void fsdev_cdev_del(void *cdev)
{
	cdev_del(cdev);
}

static void fsdev_kill(void *data)
{
	struct fsdev_dax *fs = data;
	struct inode *inode = dax_inode(fs->dev_dax->dax_dev);

	mutex_lock(&fsdev_lock);
	list_del(&fs->list);
	mutex_unlock(&fsdev_lock);
	kill_dax(fs->dax_dev);
	put_dax(fs->dax_dev);
	/* also clears dev_dax->pgmap of a dynamic region for the next driver */
	kill_dev_dax(fs->dev_dax);
	/* leave no pointer into this module behind for the next driver */
	if (inode->i_mapping->a_ops == &fsdev_aops)
		inode->i_mapping->a_ops = NULL;
}

static int fsdev_dax_probe(struct dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;
	struct dev_pagemap *pgmap;
	struct fsdev_dax *fs;
	struct inode *inode;
	struct cdev *cdev;
	void *addr;
	int rc, i;

	fs = devm_kzalloc(dev, sizeof(*fs), GFP_KERNEL);
	if (!fs)
		return -ENOMEM;
	fs->dev_dax = dev_dax;
	INIT_LIST_HEAD(&fs->list);

	if (static_dev_dax(dev_dax)) {
		if (dev_dax->nr_range > 1) {
			dev_warn(dev, "static pgmap / multi-range device conflict\n");
			return -EINVAL;
		}
		pgmap = dev_dax->pgmap;
	} else {
		/* dynamic (hmem, CXL) regions: no pgmap until a driver makes one */
		if (dev_dax->pgmap) {
			dev_warn(dev, "dynamic-dax with pre-populated page map\n");
			return -EINVAL;
		}
		pgmap = devm_kzalloc(dev, struct_size(pgmap, ranges, dev_dax->nr_range - 1),
				     GFP_KERNEL);
		if (!pgmap)
			return -ENOMEM;
		pgmap->nr_range = dev_dax->nr_range;
		dev_dax->pgmap = pgmap;
		for (i = 0; i < dev_dax->nr_range; i++)
			pgmap->ranges[i] = dev_dax->ranges[i].range;
	}

	for (i = 0; i < dev_dax->nr_range; i++) {
		struct range *range = &dev_dax->ranges[i].range;

		if (!devm_request_mem_region(dev, range->start, range_len(range), dev_name(dev))) {
			dev_warn(dev, "mapping%d: %#llx-%#llx could not reserve range\n", i,
				 range->start, range->end);
			rc = -EBUSY;
			goto err;
		}
	}

	/* fs-dax page semantics: 1-based refcounts, order-0 folios */
	pgmap->type = MEMORY_DEVICE_FS_DAX;
	pgmap->vmemmap_shift = 0;
	pgmap->ops = NULL;
	addr = devm_memremap_pages(dev, pgmap);
	if (IS_ERR(addr)) {
		rc = PTR_ERR(addr);
		goto err;
	}

	fs->dax_dev = alloc_dax(fs, &fsdev_dax_ops);
	if (IS_ERR(fs->dax_dev)) {
		rc = PTR_ERR(fs->dax_dev);
		goto err;
	}

	/* /dev/daxX.Y: open works, mmap does not */
	inode = dax_inode(dev_dax->dax_dev);
	cdev = inode->i_cdev;
	cdev_init(cdev, &fsdev_fops);
	cdev->owner = dev->driver->owner;
	cdev_set_parent(cdev, &dev->kobj);
	rc = cdev_add(cdev, dev->devt, 1);
	if (rc)
		goto err_dax;
	rc = devm_add_action_or_reset(dev, fsdev_cdev_del, cdev);
	if (rc)
		goto err_dax;

	run_dax(dev_dax->dax_dev);
	mutex_lock(&fsdev_lock);
	list_add(&fs->list, &fsdev_list);
	mutex_unlock(&fsdev_lock);
	return devm_add_action_or_reset(dev, fsdev_kill, fs);

err_dax:
	put_dax(fs->dax_dev);
err:
	/* devm frees a dynamic pgmap; the next driver must not see it */
	if (!static_dev_dax(dev_dax))
		dev_dax->pgmap = NULL;
	return rc;
}

#ifndef FSDEV_DAX_AUTOMATCH
struct dax_device *fsdev_dax_get_dax(const char *name, struct dev_dax **dev_dax)
{
	struct dax_device *found = NULL;
	struct fsdev_dax *fs;

	mutex_lock(&fsdev_lock);
	list_for_each_entry(fs, &fsdev_list, list) {
		if (strcmp(dev_name(&fs->dev_dax->dev), name) == 0) {
			found = fs->dax_dev;
			if (dev_dax)
				*dev_dax = fs->dev_dax;
			break;
		}
	}
	mutex_unlock(&fsdev_lock);
	return found;
}
EXPORT_SYMBOL_GPL(fsdev_dax_get_dax);
#endif

static struct dax_device_driver fsdev_dax_driver = {
	.probe = fsdev_dax_probe,
	/* all probe actions are undone by devm */
	.match_always = FSDEV_MATCH_ALWAYS,	/* 0: bind only to ids given through new_id */
};

static int __init fsdev_dax_init(void)
{
	return dax_driver_register(&fsdev_dax_driver);
}

static void __exit fsdev_dax_exit(void)
{
	dax_driver_unregister(&fsdev_dax_driver);
}

module_init(fsdev_dax_init);
module_exit(fsdev_dax_exit);
MODULE_DESCRIPTION("fs-dax driver for dax devices; binds only on request (new_id)");
MODULE_LICENSE("GPL");
/* Deliberately no MODULE_ALIAS_DAX_DEVICE(): udev must never load it for a device. */
