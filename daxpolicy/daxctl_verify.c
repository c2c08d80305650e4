// SPDX-License-Identifier: GPL-2.0-or-later
#include "daxctl_verify.h"

#include <errno.h>
#include <signal.h>
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
static bool check_dev(const struct daxctl_api *dx, struct daxctl_dev *dev, enum dax_mode want,
		      char *why, size_t whylen)
{
	int enabled;

	/* libdaxctl gives memory only for a device it finds enabled and bound
	 * to kmem, each found out again (a realpath of 11 readlinks): asked
	 * first whether it is enabled, it did that twice per device */
	if (mode_has_memory(want) && dx->dev_get_memory(dev))
		return true;
	enabled = dx->dev_is_enabled(dev);
	if (!mode_driver(want)) {
		if (enabled)
			snprintf(why, whylen, "libdaxctl reports the device enabled");
		return !enabled;
	}
	if (!enabled) {
		snprintf(why, whylen, "libdaxctl reports the device disabled");
		return false;
	}
	if (mode_has_memory(want)) {
		snprintf(why, whylen, "libdaxctl finds no memory for the device");
		return false;
	}
	return true;
}

static struct daxctl_ctx *open_ctx(const struct daxctl_api *dx)
{
	struct daxctl_ctx *ctx;

	if (dx->new_ctx(&ctx) < 0)
		return NULL;
	dx->set_log_fn(ctx, quiet_log);
	dx->set_log_priority(ctx, LOG_EMERG);
	return ctx;
}

/* NAME as CTX saw the devices when it first listed them, or NULL. */
static struct daxctl_dev *find_dev(const struct daxctl_api *dx, struct daxctl_ctx *ctx,
				   const char *name)
{
	for (struct daxctl_region *region = dx->region_get_first(ctx); region;
	     region = dx->region_get_next(region))
		for (struct daxctl_dev *dev = dx->dev_get_first(region); dev;
		     dev = dx->dev_get_next(dev))
			if (strcmp(dx->dev_get_devname(dev), name) == 0)
				return dev;
	return NULL;
}

/* The library and a context: 0, or -errno with ERR saying why. */
static int load(struct daxctl_verifier *v, char *err, size_t errlen)
{
	if (!v->api.new_ctx && daxctl_api_open(&v->api, err, errlen) != 0)
		return -ENOENT;
	if (!v->ctx)
		v->ctx = open_ctx(&v->api);
	return 0;	/* no context: the question says so */
}

/*
 * Have CTX list every device now. It reads each device of a region once,
 * the first time that region's devices are asked for (about 20 calls a
 * device, every device of the region even when one is asked about), and
 * reads whether a device is enabled, and its memory, afresh each time it
 * is asked: a listing made before a change serves the questions after it.
 * A device made since is not in it; find_dev's second try lists again.
 */
static void list_devices(const struct daxctl_api *dx, struct daxctl_ctx *ctx)
{
	for (struct daxctl_region *region = dx->region_get_first(ctx); region;
	     region = dx->region_get_next(region))
		dx->dev_get_first(region);
}

static void *loader_main(void *arg)
{
	struct daxctl_verifier *v = arg;

	v->load_rc = load(v, v->load_err, sizeof(v->load_err));
	if (v->load_rc == 0 && v->ctx)
		list_devices(&v->api, v->ctx);
	return NULL;
}

void daxctl_verifier_prefetch(struct daxctl_verifier *v)
{
	sigset_t all, old;

	if (v->loading || v->api.new_ctx)
		return;
	/* every signal stays with the main thread: an offline's SIGALRM must
	 * interrupt its write there, not land here */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	v->loading = pthread_create(&v->loader, NULL, loader_main, v) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

/* Wait for the loader; what it found, as load() says. */
static int loaded(struct daxctl_verifier *v, char *err, size_t errlen)
{
	if (!v->loading)
		return 0;
	pthread_join(v->loader, NULL);
	v->loading = false;
	if (v->load_rc)
		snprintf(err, errlen, "%s", v->load_err);
	return v->load_rc;
}

bool daxctl_verify(struct daxctl_verifier *v, const char *name, enum dax_mode want, char *why,
		   size_t whylen)
{
	struct daxctl_dev *dev = NULL;

	if (loaded(v, why, whylen) != 0 || load(v, why, whylen) != 0)
		return false;
	/* libdaxctl lists devices once per context: one made since needs a new one */
	for (int fresh = 0; fresh < 2 && !dev; fresh++) {
		if (fresh || !v->ctx) {
			daxctl_verifier_close(v);
			v->ctx = open_ctx(&v->api);
			fresh = 1;
		}
		if (!v->ctx) {
			snprintf(why, whylen, "libdaxctl failed to start");
			return false;
		}
		dev = find_dev(&v->api, v->ctx, name);
	}
	if (!dev) {
		snprintf(why, whylen, "libdaxctl does not see the device");
		return false;
	}
	return check_dev(&v->api, dev, want, why, whylen);
}

void daxctl_verifier_close(struct daxctl_verifier *v)
{
	char err[sizeof(v->load_err)];

	loaded(v, err, sizeof(err));
	if (v->ctx)
		v->api.unref(v->ctx);
	v->ctx = NULL;
}
