// SPDX-License-Identifier: GPL-2.0-or-later
#include "daxctl_verify.h"

#include <daxctl/libdaxctl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>

static void quiet_log(struct daxctl_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)ctx, (void)priority, (void)file, (void)line, (void)fn, (void)format, (void)args;
}

/*
 * Enabled as WANT says, and for system-ram a memory object libdaxctl can
 * manage. Not its blocks' states: libdaxctl answers those by reading
 * phys_index of every memory block of the node, for each device, which
 * made verifying a run quadratic in the number of devices; finish_change
 * reads the device's own blocks (state, valid_zones) instead.
 */
static bool check_dev(struct daxctl_dev *dev, enum dax_mode want, char *why, size_t whylen)
{
	int enabled = daxctl_dev_is_enabled(dev);

	if (!mode_driver(want)) {
		if (enabled)
			snprintf(why, whylen, "libdaxctl reports the device enabled");
		return !enabled;
	}
	if (!enabled) {
		snprintf(why, whylen, "libdaxctl reports the device disabled");
		return false;
	}
	if (mode_has_memory(want) && !daxctl_dev_get_memory(dev)) {
		snprintf(why, whylen, "libdaxctl finds no memory for the device");
		return false;
	}
	return true;
}

static struct daxctl_ctx *open_ctx(void)
{
	struct daxctl_ctx *ctx;

	if (daxctl_new(&ctx) < 0)
		return NULL;
	daxctl_set_log_fn(ctx, quiet_log);
	daxctl_set_log_priority(ctx, LOG_EMERG);
	return ctx;
}

/* NAME as CTX saw the devices when it first listed them, or NULL. */
static struct daxctl_dev *find_dev(struct daxctl_ctx *ctx, const char *name)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;

	daxctl_region_foreach(ctx, region)
		daxctl_dev_foreach(region, dev)
			if (strcmp(daxctl_dev_get_devname(dev), name) == 0)
				return dev;
	return NULL;
}

bool daxctl_verify(struct daxctl_verifier *v, const char *name, enum dax_mode want, char *why,
		   size_t whylen)
{
	struct daxctl_dev *dev = NULL;

	/* libdaxctl lists devices once per context: one made since needs a new one */
	for (int fresh = 0; fresh < 2 && !dev; fresh++) {
		if (fresh || !v->ctx) {
			daxctl_verifier_close(v);
			v->ctx = open_ctx();
			fresh = 1;
		}
		if (!v->ctx) {
			snprintf(why, whylen, "libdaxctl failed to start");
			return false;
		}
		dev = find_dev(v->ctx, name);
	}
	if (!dev) {
		snprintf(why, whylen, "libdaxctl does not see the device");
		return false;
	}
	return check_dev(dev, want, why, whylen);
}

void daxctl_verifier_close(struct daxctl_verifier *v)
{
	if (v->ctx)
		daxctl_unref(v->ctx);
	v->ctx = NULL;
}
