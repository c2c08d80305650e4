/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Loading a dax driver's module with libkmod (no modprobe shell-out). */
#ifndef DAXPOLICY_MODLOAD_H
#define DAXPOLICY_MODLOAD_H

#include <stddef.h>

#include "ctx.h"

/* Make sure the dax bus driver DRIVER is registered, loading the module of
 * the same name if needed (honouring modprobe.d blacklists). 0 or -errno,
 * with ERR saying why. With --root other than / or --dry-run, nothing is
 * loaded: the driver is reported missing or, in dry-run, listed. */
int modload_driver(const struct dp_ctx *c, const char *driver, char *err, size_t errlen);

/* Load every module for the modalias ALIAS, as udev would for a device
 * (the drivers the kernel may choose between). Live system only; 0 or
 * -errno with ERR saying why. */
int modload_alias(const struct dp_ctx *c, const char *alias, char *err, size_t errlen);

/* Load the drivers of dax regions that exist but have none yet (dax_hmem,
 * dax_pmem, dax_cxl), as udev's coldplug would: their dax devices appear,
 * waiting under the hold. Returns once a driver being loaded by udev
 * meanwhile is ready. Failures are warnings: udev may still load them. */
void modload_region_drivers(const struct dp_ctx *c);

#endif
