/* SPDX-License-Identifier: GPL-2.0 */
#ifndef FSDEV_DAX_H
#define FSDEV_DAX_H

struct dax_device;
struct dev_dax;

/*
 * The fs-dax dax_device of the dax device NAME while fsdev_dax is bound to
 * it, or NULL. On Linux before 7.1 the bus's own dax_device of a dev_dax has
 * no operations, so fsdev_dax makes one with direct_access, zero_page_range
 * and recovery_write; this is how an in-kernel user (famfs, or the
 * fsdev_dax_test module) reaches it. Valid while the device stays bound.
 */
struct dax_device *fsdev_dax_get_dax(const char *name, struct dev_dax **dev_dax);

#endif
