// SPDX-License-Identifier: GPL-2.0-or-later
#include "bus.h"
#include "sysroot.h"

bool bus_driver_registered(const struct dp_ctx *c, const char *driver)
{
	return sysroot_exists(c, DAX_DRIVERS "/%s", driver);
}

void bus_bound_driver(const struct dp_ctx *c, const char *name, char *out, size_t size)
{
	if (sysroot_link_name(c, out, size, DAX_DEVICES "/%s/driver", name) != 0)
		out[0] = '\0';
}

int bus_driver_write(const struct dp_ctx *c, const char *driver, const char *attr,
		     const char *name, const char *step)
{
	return sysroot_write(c, step, name, DAX_DRIVERS "/%s/%s", driver, attr);
}
