// SPDX-License-Identifier: GPL-2.0-or-later
#include "modload.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

static bool driver_registered(const char *driver)
{
	char path[PATH_MAX];

	return str_printf(path, sizeof(path), "/sys/bus/dax/drivers/%s", driver) &&
	       sysroot_exists(path);
}

int modload_driver(const char *driver, char *err, size_t errlen)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *ctx;
	int rc;

	if (driver_registered(driver))
		return 0;
	if (sysroot.dry_run) {
		fprintf(sysroot.dry_out ? sysroot.dry_out : stdout, "  load module %s\n", driver);
		return 0;
	}
	if (!sysroot_is_live()) {
		snprintf(err, errlen, "driver %s is not registered (modules are only loaded on the live system)",
			 driver);
		return -ENODEV;
	}
	ctx = kmod_new(NULL, NULL);
	if (!ctx) {
		snprintf(err, errlen, "cannot load module %s: libkmod failed to start", driver);
		return -ENOMEM;
	}
	rc = kmod_module_new_from_name(ctx, driver, &mod);
	if (rc == 0) {
		msg_verbose("loading module %s", driver);
		rc = kmod_module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST,
						     NULL, NULL, NULL, NULL);
		if (rc > 0) {
			snprintf(err, errlen, "module %s is blacklisted (modprobe.d)", driver);
			rc = -EPERM;
		} else if (rc < 0) {
			snprintf(err, errlen, "cannot load module %s: %s", driver, strerror(-rc));
		}
		kmod_module_unref(mod);
	} else {
		snprintf(err, errlen, "cannot find module %s: %s", driver, strerror(-rc));
	}
	kmod_unref(ctx);
	if (rc == 0 && !driver_registered(driver)) {
		snprintf(err, errlen, "module %s loaded but no dax driver %s is registered", driver, driver);
		rc = -ENODEV;
	}
	return rc;
}
