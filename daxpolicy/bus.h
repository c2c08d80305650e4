/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The dax bus in sysfs: where its devices and drivers are, which driver a
 * device is bound to, and the writes that move a device between drivers
 * (new_id, remove_id, bind, unbind).
 */
#ifndef DAXPOLICY_BUS_H
#define DAXPOLICY_BUS_H

#include <stdbool.h>
#include <stddef.h>

#include "ctx.h"

#define DAX_DEVICES "/sys/bus/dax/devices"
#define DAX_DRIVERS "/sys/bus/dax/drivers"
#define DRIVER_NAME_MAX 64

/* Is DRIVER registered on the dax bus (its module loaded)? */
bool bus_driver_registered(const struct dp_ctx *c, const char *driver);
/* The driver device NAME is bound to, "" when unbound (also when the link
 * cannot be read: then -errno is returned, else 0). */
int bus_bound_driver(const struct dp_ctx *c, const char *name, char *out, size_t size);
/* Write device NAME to DRIVER's attribute ATTR, as step STEP of a change
 * (see sysroot_write). 0 or -errno. */
int bus_driver_write(const struct dp_ctx *c, const char *driver, const char *attr,
		     const char *name, const char *step);

#endif
