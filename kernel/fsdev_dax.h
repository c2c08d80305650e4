/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FSDEV_DAX_H
#define FSDEV_DAX_H

struct dax_device;
struct dax_holder_operations;
struct dev_dax;

/*
 * Claim the fs-dax dax_device of dax device NAME, bound to fsdev_dax, for
 * HOLDER (famfs, or the fsdev_dax_test module). On Linux before 7.1 the
 * bus's own dax_device of a dev_dax has no operations, so fsdev_dax makes
 * one with direct_access, zero_page_range and recovery_write; this is how an
 * in-kernel user reaches it.
 *
 * The claim is exclusive and holds a reference on the dax_device, the
 * device and this module; while it stands, unbinding the device through
 * sysfs fails with EBUSY. If the device is torn down regardless (its region
 * goes away), OPS->notify_failure is called first, over the whole device,
 * with MF_MEM_PRE_REMOVE (0 before Linux 6.6), and from then on every
 * operation on the dax_device fails with -ENXIO.
 *
 * Returns the dax_device, or ERR_PTR(-ENODEV) when NAME is not bound to
 * fsdev_dax, ERR_PTR(-EBUSY) when it is already claimed. *DEV_DAX, if
 * given, is the device; its ranges are valid while it stays bound.
 * Every successful claim is ended by fsdev_dax_put() with the same HOLDER.
 */
struct dax_device *fsdev_dax_get(const char *name, void *holder,
				 const struct dax_holder_operations *ops, struct dev_dax **dev_dax);
void fsdev_dax_put(struct dax_device *dax_dev, void *holder);

#endif
