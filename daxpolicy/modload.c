// SPDX-License-Identifier: GPL-2.0-or-later
#include "modload.h"
#include "bus.h"
#include "libload.h"
#include "sysroot.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Insert DRIVER's module (and what it depends on). 0 or -errno. */
static int insert_module(const struct dp_ctx *c, const char *driver, char *err, size_t errlen)
{
	struct kmod_module *mod = NULL;
	struct kmod_ctx *kctx;
	struct kmod_api k;
	char why[128];
	int rc;

	if (kmod_api_open(&k, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "cannot load module %s: %s", driver, why);
		return -ENOENT;
	}
	kctx = k.new_ctx(NULL, NULL);
	if (!kctx) {
		snprintf(err, errlen, "cannot load module %s: libkmod failed to start", driver);
		return -ENOMEM;
	}
	rc = k.module_new_from_name(kctx, driver, &mod);
	if (rc == 0) {
		log_verbose(c, "loading module %s", driver);
		rc = k.module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST, NULL, NULL, NULL,
						  NULL);
		if (rc > 0) {
			snprintf(err, errlen, "module %s is blacklisted (modprobe.d)", driver);
			rc = -EPERM;
		} else if (rc < 0) {
			snprintf(err, errlen, "cannot load module %s: %s", driver, strerror(-rc));
		}
		k.module_unref(mod);
	} else {
		snprintf(err, errlen, "cannot find module %s: %s", driver, strerror(-rc));
	}
	k.unref(kctx);
	return rc;
}

int modload_driver(const struct dp_ctx *c, const char *driver, char *err, size_t errlen)
{
	int rc;

	if (bus_driver_registered(c, driver))
		return 0;
	if (c->dry_run) {
		print_dry_run(c, "  load module %s", driver);
		return 0;
	}
	if (!sysroot_is_live(c)) {
		snprintf(err, errlen,
			 "driver %s is not registered (modules are only loaded on the live system)",
			 driver);
		return -ENODEV;
	}
	rc = insert_module(c, driver, err, errlen);
	if (rc == 0 && !bus_driver_registered(c, driver)) {
		snprintf(err, errlen, "module %s loaded but no dax driver %s is registered", driver,
			 driver);
		rc = -ENODEV;
	}
	return rc;
}

int modload_alias(const struct dp_ctx *c, const char *alias, char *err, size_t errlen)
{
	struct kmod_list *list = NULL, *l;
	struct kmod_ctx *kctx;
	struct kmod_api k;
	char why[128];
	int rc;

	if (c->dry_run) {
		print_dry_run(c, "  load modules for %s", alias);
		return 0;
	}
	if (!sysroot_is_live(c))
		return 0;
	if (kmod_api_open(&k, why, sizeof(why)) != 0) {
		snprintf(err, errlen, "cannot load modules for %s: %s", alias, why);
		return -ENOENT;
	}
	kctx = k.new_ctx(NULL, NULL);
	if (!kctx) {
		snprintf(err, errlen, "cannot load modules for %s: libkmod failed to start", alias);
		return -ENOMEM;
	}
	rc = k.module_new_from_lookup(kctx, alias, &list);
	if (rc < 0)
		snprintf(err, errlen, "cannot look up modules for %s: %s", alias, strerror(-rc));
	for (l = list; l; l = k.list_next(list, l)) {
		struct kmod_module *mod = k.module_get_module(l);
		int r = k.module_probe_insert_module(mod, KMOD_PROBE_APPLY_BLACKLIST_ALIAS_ONLY, NULL,
						     NULL, NULL, NULL);

		if (r < 0 && rc == 0) {
			snprintf(err, errlen, "cannot load module %s: %s", k.module_get_name(mod),
				 strerror(-r));
			rc = r;
		}
		k.module_unref(mod);
	}
	k.module_unref_list(list);
	k.unref(kctx);
	return rc;
}

/*
 * The drivers of dax regions, whose devices make the dax devices: hmem
 * (soft-reserved memory), nvdimm dax namespaces and CXL dax regions. udev's
 * coldplug loads them at boot, in its own time; the boot run loads them
 * itself for regions that exist, so the devices they make are there when it
 * decides, without waiting for all of udev to settle.
 */
static const struct region_driver {
	const char *bus;    /* /sys/bus/BUS/devices */
	const char *prefix; /* names of its region devices there */
	const char *module; /* live in /sys/module: nothing to do */
} region_drivers[] = {
	{ "platform", "hmem", "dax_hmem" },
	{ "nd", "dax", "dax_pmem" },
	{ "cxl", "dax_region", "dax_cxl" },
};

void modload_region_drivers(const struct dp_ctx *c)
{
	for (size_t i = 0; i < sizeof(region_drivers) / sizeof(region_drivers[0]); i++) {
		const struct region_driver *r = &region_drivers[i];
		DIR *dir;
		struct dirent *de;

		char state[16];

		/* live, not only there: a module udev is still initialising has
		 * made no devices yet; loading it again waits for that to end */
		if (sysroot_read(c, state, sizeof(state), "/sys/module/%s/initstate", r->module) == 0 &&
		    strcmp(state, "live") == 0)
			continue;
		dir = sysroot_opendir(c, "/sys/bus/%s/devices", r->bus);
		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			char alias[ATTR_MAX], err[256] = "";

			if (strncmp(de->d_name, r->prefix, strlen(r->prefix)) != 0 ||
			    sysroot_exists(c, "/sys/bus/%s/devices/%s/driver", r->bus, de->d_name) ||
			    sysroot_read(c, alias, sizeof(alias), "/sys/bus/%s/devices/%s/modalias",
					 r->bus, de->d_name) != 0)
				continue;
			log_verbose(c, "%s/%s: loading its driver (%s)", r->bus, de->d_name, alias);
			if (modload_alias(c, alias, err, sizeof(err)) != 0)
				log_warn(c, "%s/%s: %s", r->bus, de->d_name, err);
			break; /* one module serves all of the bus's regions */
		}
		closedir(dir);
	}
}
