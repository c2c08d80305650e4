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

static bool check_dev(struct daxctl_dev *dev, enum dax_mode want, enum online_policy online,
		      char *why, size_t whylen)
{
	int enabled = daxctl_dev_is_enabled(dev);
	struct daxctl_memory *mem;
	int blocks, on, movable;

	if (!mode_driver(want)) {
		if (enabled)
			snprintf(why, whylen, "libdaxctl reports the device enabled");
		return !enabled;
	}
	if (!enabled) {
		snprintf(why, whylen, "libdaxctl reports the device disabled");
		return false;
	}
	if (!mode_has_memory(want)) {
		if (daxctl_dev_has_online_memory(dev) > 0) {
			snprintf(why, whylen, "libdaxctl reports online system memory");
			return false;
		}
		return true;
	}
	mem = daxctl_dev_get_memory(dev);
	if (!mem) {
		snprintf(why, whylen, "libdaxctl finds no memory for the device");
		return false;
	}
	blocks = daxctl_memory_num_sections(mem);
	on = daxctl_memory_is_online(mem);
	if (online == ONLINE_OFFLINE) {
		if (on != 0)
			snprintf(why, whylen, "libdaxctl reports %d of %d blocks online", on,
				 blocks);
		return on == 0;
	}
	if (on != blocks) {
		snprintf(why, whylen, "libdaxctl reports %d of %d blocks online", on, blocks);
		return false;
	}
	movable = daxctl_memory_is_movable(mem);
	if ((online == ONLINE_MOVABLE) != (movable == 1)) {
		snprintf(why, whylen, "libdaxctl reports the memory %s",
			 movable == 1 ? "movable" : "not movable");
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

bool daxctl_verify(struct daxctl_verifier *v, const char *name, enum dax_mode want,
		   enum online_policy online, char *why, size_t whylen)
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
	return check_dev(dev, want, online, why, whylen);
}

void daxctl_verifier_close(struct daxctl_verifier *v)
{
	if (v->ctx)
		daxctl_unref(v->ctx);
	v->ctx = NULL;
}
