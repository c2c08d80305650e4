// SPDX-License-Identifier: GPL-2.0
/*
 * fsdev_dax: a dax bus driver that makes a dax device's memory usable as
 * fs-dax (for famfs), for kernels that do not have one: Debian 12's 6.1 and
 * 6.12 (upstream has its own from Linux 7.1).
 *
 * It never binds by itself: the module has no dax:t* alias, so udev never
 * loads it for a device, and the bus can never match it on its own (6.1: no
 * match_always; 6.12: a driver type no device carries). A device is given to
 * it only on request, by writing the device name to
 * /sys/bus/dax/drivers/fsdev_dax/new_id (and bind). Module load order
 * therefore cannot decide who gets a new device: the kernel's own choice does.
 *
 * While bound, the device's ranges are remapped as MEMORY_DEVICE_FS_DAX with
 * order-0 pages (memremap_pages initialises every struct page afresh, so the
 * compound pages device_dax built are gone), a dax_device with
 * direct_access, zero_page_range and recovery_write stands for the memory,
 * and /dev/daxX.Y can be opened but not mmapped (ENODEV): raw mmap needs
 * devdax mode. The node is a character device of the binding's own: a file
 * opened there may outlive the binding (until it is closed, the node opens
 * with ENXIO while another driver has the device).
 *
 * An in-kernel user (famfs) claims that dax_device with fsdev_dax_get(): the
 * claim is exclusive and counted, and while it stands the driver's unbind
 * refuses with EBUSY. If the device goes away regardless (its region is torn
 * down), the holder is told first through its notify_failure and every later
 * access fails with -ENXIO; nothing it holds is freed under it.
 */
#include <linux/cdev.h>
#include <linux/dax.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/io.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/pfn_t.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uio.h>
#include <linux/version.h>

/* the dax bus's private headers, from this kernel's own source package */
#include "bus.h"
#include "dax-private.h"

#include "fsdev_dax.h"

/*
 * The two dax buses this module is built for differ in how a driver is
 * matched. 6.1 matches by match_always (only device_dax sets it) or by the
 * driver's new_id list. 6.12 matches by driver type (dax_match_type(): hmem
 * and CXL RAM devices are DAXDRV_KMEM_TYPE, others DAXDRV_DEVICE_TYPE) or by
 * new_id. IORESOURCE_DAX_KMEM arrived together with the types.
 */
#ifdef IORESOURCE_DAX_KMEM
#define FSDEV_BUS_MATCHES_BY_TYPE 1
/* no device is ever of this type, so only new_id can match fsdev_dax */
#define FSDEV_NO_DEVICE_TYPE ((enum dax_driver_type)(DAXDRV_DEVICE_TYPE + 1))
#endif

/* Holders are told a device is going away with MF_MEM_PRE_REMOVE (6.6+). */
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
#define FSDEV_PRE_REMOVE_FLAGS MF_MEM_PRE_REMOVE
#else
#define FSDEV_PRE_REMOVE_FLAGS 0
#endif

/*
 * kernel/tests/ builds this file again as test-only modules under other
 * names: FSDEV_DAX_AUTOMATCH matches devices the way the early upstream
 * fsdev_dax did (to reproduce the load-order bug), FSDEV_DAX_FAULT fails
 * probe at a chosen step (to exercise every error path).
 */
#if defined(FSDEV_DAX_AUTOMATCH) || defined(FSDEV_DAX_FAULT)
#define FSDEV_DAX_VARIANT 1
#endif

#ifdef FSDEV_DAX_FAULT
static int fail_at;
module_param(fail_at, int, 0644);
MODULE_PARM_DESC(fail_at, "fail probe with -ENOMEM at this step (1-6), 0: never");

static int fsdev_fault(int step)
{
	return step == fail_at ? -ENOMEM : 0;
}
#else
static inline int fsdev_fault(int step)
{
	return 0;
}
#endif

/*
 * One binding of a device. Reference counted: the binding holds one
 * reference and a holder's claim another, so a holder never sees it freed.
 */
struct fsdev_dax {
	struct kref kref;
	struct dev_dax *dev_dax;	/* valid while bound, or while claimed */
	struct dax_device *dax_dev;	/* the fs-dax face of the memory */
	struct list_head list;		/* in fsdev_list, bound or claimed */
	bool bound;			/* false once unbinding began */
	void *holder;			/* the claim, if any */
	const struct dax_holder_operations *holder_ops;
};

/* every binding, and the claims on them */
static LIST_HEAD(fsdev_list);
static DEFINE_MUTEX(fsdev_lock);

static void fsdev_release(struct kref *kref)
{
	struct fsdev_dax *fs = container_of(kref, struct fsdev_dax, kref);

	/* killed when unbinding began; only now may its inode go */
	put_dax(fs->dax_dev);
	kfree(fs);
}

/* The bound fsdev_dax of DEV_DAX, or NULL. Under fsdev_lock. */
static struct fsdev_dax *fsdev_find_bound(const struct dev_dax *dev_dax)
{
	struct fsdev_dax *fs;

	list_for_each_entry(fs, &fsdev_list, list)
		if (fs->bound && fs->dev_dax == dev_dax)
			return fs;
	return NULL;
}

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
	/* NULL once killed: the device is going or gone */
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

/* Like pmem: write through the cache, so the zeroes are in the memory. */
static int fsdev_zero_page_range(struct dax_device *dax_dev, pgoff_t pgoff, size_t nr_pages)
{
	void *kaddr;
	long avail;
	size_t i;

	avail = fsdev_direct_access(dax_dev, pgoff, nr_pages, DAX_ACCESS, &kaddr, NULL);
	if (avail < 0)
		return avail;
	if (avail < (long)nr_pages)
		return -EIO;
	for (i = 0; i < nr_pages; i++)
		memcpy_flushcache(kaddr + (i << PAGE_SHIFT), page_address(ZERO_PAGE(0)), PAGE_SIZE);
	return 0;
}

/*
 * hmem and CXL memory have no poison list this driver could clear, so a
 * recovery write is a write through the cache into the (mapped) page.
 */
static size_t fsdev_recovery_write(struct dax_device *dax_dev, pgoff_t pgoff, void *addr,
				   size_t bytes, struct iov_iter *iter)
{
	return _copy_from_iter_flushcache(addr, bytes, iter);
}

static const struct dax_operations fsdev_dax_ops = {
	.direct_access = fsdev_direct_access,
	.zero_page_range = fsdev_zero_page_range,
	.recovery_write = fsdev_recovery_write,
};

static int fsdev_open(struct inode *inode, struct file *filp)
{
	struct fsdev_dax *fs;
	bool bound = false;

	mutex_lock(&fsdev_lock);
	list_for_each_entry(fs, &fsdev_list, list) {
		if (fs->bound && fs->dev_dax->dev.devt == inode->i_rdev) {
			bound = true;
			break;
		}
	}
	mutex_unlock(&fsdev_lock);
	if (!bound)
		return -ENXIO;
	/*
	 * device_dax's open points this inode at the dax inode's mapping, whose
	 * address_space_operations live in device_dax and dangle once it is
	 * unloaded. Give the inode its own mapping back: fsdev_dax has no mmap
	 * and no page cache, and stores no pointer into itself that could
	 * outlive the module.
	 */
	inode->i_mapping = &inode->i_data;
	filp->f_mapping = inode->i_mapping;
	return 0;
}

/* No .mmap: mmap(2) of /dev/daxX.Y fails with ENODEV in fsdev mode. */
static const struct file_operations fsdev_fops = {
	.owner = THIS_MODULE,
	.llseek = noop_llseek,
	.open = fsdev_open,
};

static void fsdev_cdev_del(void *cdev)
{
	cdev_del(cdev);
}

/*
 * Unbinding, whatever its cause (sysfs unbind, the device being deleted,
 * module unload): no new claim or open from now on, a holder (only possible
 * when the device is torn down regardless) is told and its dax_device killed,
 * so that it fails cleanly instead of touching memory that is going away.
 * Runs before the cdev and the page map are torn down (devm order).
 */
static void fsdev_unbind(void *data)
{
	struct fsdev_dax *fs = data;
	const struct dax_holder_operations *ops;
	void *holder;
	u64 len = 0;
	int i;

	mutex_lock(&fsdev_lock);
	fs->bound = false;
	holder = fs->holder;
	ops = fs->holder_ops;
	mutex_unlock(&fsdev_lock);
	for (i = 0; i < fs->dev_dax->nr_range; i++)
		len += range_len(&fs->dev_dax->ranges[i].range);
	if (holder && ops && ops->notify_failure) {
		dev_warn(&fs->dev_dax->dev, "removed while claimed; telling the holder\n");
		ops->notify_failure(fs->dax_dev, 0, len, FSDEV_PRE_REMOVE_FLAGS);
	}
	kill_dax(fs->dax_dev);
	/* the bus's dax_device stays dead; also clears a dynamic pgmap */
	kill_dev_dax(fs->dev_dax);

	/* a claim keeps it listed, for fsdev_dax_put() to find */
	mutex_lock(&fsdev_lock);
	if (!fs->holder && !list_empty(&fs->list))
		list_del_init(&fs->list);
	mutex_unlock(&fsdev_lock);
	kref_put(&fs->kref, fsdev_release);
}

static int fsdev_dax_probe(struct dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;
	struct dev_pagemap *pgmap;
	struct fsdev_dax *fs;
	struct cdev *cdev;
	void *addr;
	int rc, i;

	/*
	 * A file opened under device_dax (an open or mapped /dev/daxX.Y, left
	 * behind by a forced switch) still holds the bus dax_device's cdev, and
	 * the node's inode keeps pointing at it: opens would still reach
	 * device_dax. Refuse until it is closed.
	 */
	if (kref_read(&dax_inode(dev_dax->dax_dev)->i_cdev->kobj.kref)) {
		dev_warn(dev, "/dev/%s is still open from its previous driver\n", dev_name(dev));
		return -EBUSY;
	}

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
	rc = fsdev_fault(1);
	if (rc)
		goto err;

	for (i = 0; i < dev_dax->nr_range; i++) {
		struct range *range = &dev_dax->ranges[i].range;

		if (!devm_request_mem_region(dev, range->start, range_len(range), dev_name(dev))) {
			dev_warn(dev, "mapping%d: %#llx-%#llx could not reserve range\n", i,
				 range->start, range->end);
			rc = -EBUSY;
			goto err;
		}
	}
	rc = fsdev_fault(2);
	if (rc)
		goto err;

	/* fs-dax page semantics: 1-based refcounts, order-0 folios */
	pgmap->type = MEMORY_DEVICE_FS_DAX;
	pgmap->vmemmap_shift = 0;
	pgmap->ops = NULL;
	addr = devm_memremap_pages(dev, pgmap);
	if (IS_ERR(addr)) {
		rc = PTR_ERR(addr);
		goto err;
	}
	rc = fsdev_fault(3);
	if (rc)
		goto err;

	fs = kzalloc(sizeof(*fs), GFP_KERNEL);
	if (!fs) {
		rc = -ENOMEM;
		goto err;
	}
	kref_init(&fs->kref);
	INIT_LIST_HEAD(&fs->list);
	fs->dev_dax = dev_dax;
	fs->dax_dev = alloc_dax(fs, &fsdev_dax_ops);
	if (IS_ERR(fs->dax_dev)) {
		rc = PTR_ERR(fs->dax_dev);
		kfree(fs);
		goto err;
	}
	/* the same properties the bus gives the device's own dax_device */
	if (dax_synchronous(dev_dax->dax_dev))
		set_dax_synchronous(fs->dax_dev);
	set_dax_nocache(fs->dax_dev);
	set_dax_nomc(fs->dax_dev);
	rc = fsdev_fault(4);
	if (rc)
		goto err_dax;

	/*
	 * /dev/daxX.Y: open works, mmap does not. The cdev is our own, not the
	 * bus dax_device's that device_dax uses: a file opened here may stay
	 * open after the unbind, and device_dax's probe re-initialises the
	 * bus's cdev in place (refcount, owner, inode list), which would
	 * corrupt the count that file holds. Ours lives until its last file
	 * is closed, and pins this module meanwhile.
	 */
	cdev = cdev_alloc();
	if (!cdev) {
		rc = -ENOMEM;
		goto err_dax;
	}
	cdev->ops = &fsdev_fops;
	cdev->owner = dev->driver->owner;
	cdev_set_parent(cdev, &dev->kobj);
	rc = cdev_add(cdev, dev->devt, 1);
	if (rc) {
		/* cdev_add took no reference on the parent: release must not drop one */
		cdev->kobj.parent = NULL;
		kobject_put(&cdev->kobj);
		goto err_dax;
	}
	rc = devm_add_action_or_reset(dev, fsdev_cdev_del, cdev);
	if (rc)
		goto err_dax;
	rc = fsdev_fault(5);
	if (rc)
		goto err_dax;

	/*
	 * The bus's own dax_device stays dead: run_dax() on it would let
	 * device_dax's surviving mappings fault again, raw, on fs-dax pages.
	 */
	fs->bound = true;
	mutex_lock(&fsdev_lock);
	list_add(&fs->list, &fsdev_list);
	mutex_unlock(&fsdev_lock);
	rc = devm_add_action_or_reset(dev, fsdev_unbind, fs);
	if (rc)
		goto err_pgmap;
	rc = fsdev_fault(6);
	if (rc)
		goto err_pgmap;	/* devm runs fsdev_unbind */
	return 0;

err_dax:
	/* a dax_device must be killed before its last reference goes */
	kill_dax(fs->dax_dev);
	kref_put(&fs->kref, fsdev_release);
err:
err_pgmap:
	/* devm frees a dynamic pgmap; the next driver must not see it */
	if (!static_dev_dax(dev_dax))
		dev_dax->pgmap = NULL;
	return rc;
}

#ifndef FSDEV_DAX_VARIANT
struct dax_device *fsdev_dax_get(const char *name, void *holder,
				 const struct dax_holder_operations *ops, struct dev_dax **dev_dax)
{
	struct dax_device *found = ERR_PTR(-ENODEV);
	struct fsdev_dax *fs;

	if (!holder)
		return ERR_PTR(-EINVAL);
	mutex_lock(&fsdev_lock);
	list_for_each_entry(fs, &fsdev_list, list) {
		if (!fs->bound || strcmp(dev_name(&fs->dev_dax->dev), name) != 0)
			continue;
		if (fs->holder) {
			found = ERR_PTR(-EBUSY);
		} else if (try_module_get(THIS_MODULE)) {
			fs->holder = holder;
			fs->holder_ops = ops;
			kref_get(&fs->kref);
			get_device(&fs->dev_dax->dev);
			found = fs->dax_dev;
			if (dev_dax)
				*dev_dax = fs->dev_dax;
		}
		break;
	}
	mutex_unlock(&fsdev_lock);
	return found;
}
EXPORT_SYMBOL_GPL(fsdev_dax_get);

void fsdev_dax_put(struct dax_device *dax_dev, void *holder)
{
	struct fsdev_dax *fs, *claimed = NULL;

	mutex_lock(&fsdev_lock);
	list_for_each_entry(fs, &fsdev_list, list) {
		if (fs->dax_dev == dax_dev && fs->holder == holder) {
			claimed = fs;
			fs->holder = NULL;
			fs->holder_ops = NULL;
			/* unbound while claimed: the claim was the last user */
			if (!fs->bound)
				list_del_init(&fs->list);
			break;
		}
	}
	mutex_unlock(&fsdev_lock);
	if (WARN_ON_ONCE(!claimed))
		return;
	put_device(&claimed->dev_dax->dev);
	kref_put(&claimed->kref, fsdev_release);
	module_put(THIS_MODULE);
}
EXPORT_SYMBOL_GPL(fsdev_dax_put);
#endif

static struct dax_device_driver fsdev_dax_driver = {
	.probe = fsdev_dax_probe,
	/* all probe actions are undone by devm */
#ifdef FSDEV_BUS_MATCHES_BY_TYPE
#ifdef FSDEV_DAX_AUTOMATCH
	.type = DAXDRV_DEVICE_TYPE,	/* competes with device_dax */
#else
	.type = FSDEV_NO_DEVICE_TYPE,
#endif
#else
#ifdef FSDEV_DAX_AUTOMATCH
	.match_always = 1,		/* competes with device_dax */
#else
	.match_always = 0,
#endif
#endif
	/* bind and unbind are this driver's own: unbind refuses while claimed */
	.drv.suppress_bind_attrs = true,
};

static ssize_t bind_store(struct device_driver *drv, const char *buf, size_t count)
{
	struct device *dev = bus_find_device_by_name(drv->bus, NULL, buf);
	int rc = -ENODEV;

	if (!dev)
		return rc;
	/* only a device on the new_id list matches (the bus's own rule) */
	if (drv->bus->match(dev, drv) > 0)
		rc = device_driver_attach(drv, dev);
	put_device(dev);
	return rc ? rc : count;
}
/* as the driver core's own: unbinding from a driver attribute is no lock inversion */
static struct driver_attribute driver_attr_bind =
	__ATTR_IGNORE_LOCKDEP(bind, 0200, NULL, bind_store);

static ssize_t unbind_store(struct device_driver *drv, const char *buf, size_t count)
{
	struct device *dev = bus_find_device_by_name(drv->bus, NULL, buf);
	struct fsdev_dax *fs;
	int rc = -ENODEV;

	if (!dev)
		return rc;
	if (dev->driver == drv) {
		mutex_lock(&fsdev_lock);
		fs = fsdev_find_bound(to_dev_dax(dev));
		rc = fs && fs->holder ? -EBUSY : 0;
		/* no claim may slip in between this check and the unbind */
		if (fs && !rc)
			fs->bound = false;
		mutex_unlock(&fsdev_lock);
		if (rc)
			dev_info(dev, "unbind refused: a filesystem holds the device\n");
		else
			device_release_driver(dev);
	}
	put_device(dev);
	return rc ? rc : count;
}
static struct driver_attribute driver_attr_unbind =
	__ATTR_IGNORE_LOCKDEP(unbind, 0200, NULL, unbind_store);

static int __init fsdev_dax_init(void)
{
	int rc = dax_driver_register(&fsdev_dax_driver);

	if (rc)
		return rc;
	rc = driver_create_file(&fsdev_dax_driver.drv, &driver_attr_bind);
	if (!rc)
		rc = driver_create_file(&fsdev_dax_driver.drv, &driver_attr_unbind);
	if (rc)
		dax_driver_unregister(&fsdev_dax_driver);
	return rc;
}

static void __exit fsdev_dax_exit(void)
{
	driver_remove_file(&fsdev_dax_driver.drv, &driver_attr_unbind);
	driver_remove_file(&fsdev_dax_driver.drv, &driver_attr_bind);
	dax_driver_unregister(&fsdev_dax_driver);
}

module_init(fsdev_dax_init);
module_exit(fsdev_dax_exit);
MODULE_DESCRIPTION("fs-dax driver for dax devices; binds only on request (new_id)");
MODULE_LICENSE("GPL");
/* Deliberately no MODULE_ALIAS_DAX_DEVICE(): udev must never load it for a device. */
