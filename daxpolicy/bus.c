// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus.h"
#include "sysroot.h"

#include <errno.h>

bool bus_driver_registered(const struct dp_ctx *c, const char *driver)
{
	return sysroot_exists(c, DAX_DRIVERS "/%s", driver);
}

int bus_bound_driver(const struct dp_ctx *c, const char *name, char *out, size_t size)
{
	int rc = sysroot_link_name(c, out, size, DAX_DEVICES "/%s/driver", name);

	if (rc)
		out[0] = '\0';
	return rc == -ENOENT ? 0 : rc;
}

int bus_driver_write(const struct dp_ctx *c, const char *driver, const char *attr,
		     const char *name, const char *step)
{
	return sysroot_write(c, step, name, DAX_DRIVERS "/%s/%s", driver, attr);
}
