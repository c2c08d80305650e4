// SPDX-License-Identifier: GPL-2.0-or-later
#include "apply.h"
#include "bus.h"
#include "cleanup.h"
#include "daxctl_verify.h"
#include "holders.h"
#include "memory.h"
#include "modload.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

const char *dev_state_name(enum dev_state s)
{
	switch (s) {
	case STATE_OK: return "ok";
	case STATE_DRIFT: return "drift";
	case STATE_BUSY: return "busy";
	case STATE_ERROR: return "error";
	}
	return "?";
}

/* Step 2: leave DRIVER (remove_id, then unbind), and take NAME out of the
 * id list of every other managed driver except KEEP_ID's. */
static int leave_driver(const struct dp_ctx *c, const char *name, const char *driver,
			const char *keep_id, char *err, size_t errlen)
{
	const struct mode_info *m;
	int rc;

	if (driver && *driver) {
		rc = bus_driver_write(c, driver, "remove_id", name, "remove_id");
		if (rc && rc != -ENOENT) {
			snprintf(err, errlen, "remove_id on %s failed: %s", driver, strerror(-rc));
			return rc;
		}
		rc = bus_driver_write(c, driver, "unbind", name, "unbind");
		if (rc) {
			snprintf(err, errlen, "unbind from %s failed: %s", driver, strerror(-rc));
			return rc;
		}
	}
	for (size_t i = 0; (m = mode_at(i)); i++) {
		const char *other = m->driver;

		if (!other || (driver && strcmp(other, driver) == 0) ||
		    (keep_id && strcmp(other, keep_id) == 0))
			continue;
		/* removing an id the driver does not hold is a no-op */
		if (bus_driver_registered(c, other))
			bus_driver_write(c, other, "remove_id", name, "scrub");
	}
	return 0;
}

/* Step 3: new_id, then bind unless new_id already bound it; verify. */
static int join_driver(const struct dp_ctx *c, const char *name, const char *driver, char *err,
		       size_t errlen)
{
	char now[DRIVER_NAME_MAX];
	int rc;

	rc = modload_driver(c, driver, err, errlen);
	if (rc)
		return rc;
	rc = bus_driver_write(c, driver, "new_id", name, "new_id");
	if (rc) {
		snprintf(err, errlen, "new_id on %s failed: %s", driver, strerror(-rc));
		return rc;
	}
	bus_bound_driver(c, name, now, sizeof(now));
	if (c->dry_run || strcmp(now, driver) != 0) {
		rc = bus_driver_write(c, driver, "bind", name, "bind");
		bus_bound_driver(c, name, now, sizeof(now));
		if (c->dry_run)
			return 0;
		if (strcmp(now, driver) != 0) {
			snprintf(err, errlen, "bind to %s failed: %s", driver,
				 rc ? strerror(-rc) : now[0] ? now : "still unbound");
			return rc ? rc : -ENXIO;
		}
	}
	return 0;
}

/* Put DEV back the way it was before a failed change: OLD_DRIVER bound,
 * system-ram memory onlined the way it was. Best effort, loud on failure. */
static void restore(const struct dp_ctx *c, const struct snapshot *snap, struct dax_device *dev,
		    const char *old_driver, const struct dax_memory *old_mem)
{
	char now[DRIVER_NAME_MAX], err[256] = "";

	bus_bound_driver(c, dev->name, now, sizeof(now));
	if (strcmp(now, old_driver) != 0) {
		if (now[0])
			leave_driver(c, dev->name, now, old_driver, err, sizeof(err));
		if (old_driver[0] && join_driver(c, dev->name, old_driver, err, sizeof(err)) != 0)
			log_error(c, "%s: could not bind %s again: %s", dev->name, old_driver, err);
	}
	if (mode_has_memory(mode_from_driver(old_driver)) && old_mem->online) {
		enum online_policy was = old_mem->movable == old_mem->online ? ONLINE_MOVABLE
									      : ONLINE_NORMAL;

		discover_refresh(c, snap, dev);
		if (memory_set_online(c, snap, dev, was, err, sizeof(err)) != 0)
			log_error(c, "%s: could not online memory again: %s", dev->name, err);
	}
	discover_refresh(c, snap, dev);
}

static void verify(const struct dp_ctx *c, struct plan_entry *e, struct outcome *o)
{
	const struct dax_device *d = e->dev;
	char why[256];

	if (d->mode != e->want) {
		o->state = STATE_ERROR;
		snprintf(o->msg, sizeof(o->msg), "after the change the device is %s, not %s",
			 mode_name(d->mode), mode_name(e->want));
		return;
	}
	if (mode_has_memory(d->mode) && !memory_in_policy(&d->mem, e->online)) {
		o->state = STATE_ERROR;
		snprintf(o->msg, sizeof(o->msg), "memory is not %s (%d of %d blocks online)",
			 online_name(e->online), d->mem.online, d->mem.nblocks - d->mem.missing);
		return;
	}
	if (sysroot_is_live(c) && !daxctl_verify(d->name, e->want, e->online, why, sizeof(why))) {
		o->state = STATE_ERROR;
		snprintf(o->msg, sizeof(o->msg), "libdaxctl disagrees: %s", why);
		return;
	}
	o->state = STATE_OK;
}

static void describe_done(const struct plan_entry *e, enum dax_mode from, struct outcome *o)
{
	const struct dax_device *d = e->dev;

	if (mode_has_memory(e->want))
		snprintf(o->msg, sizeof(o->msg), "%s -> %s, %d of %d memory blocks online%s%s",
			 mode_name(from), mode_name(e->want), d->mem.online, d->mem.nblocks - d->mem.missing,
			 d->mem.online ? " " : "", d->mem.online ? online_name(e->online) : "");
	else
		snprintf(o->msg, sizeof(o->msg), "%s -> %s", mode_name(from), mode_name(e->want));
}

static void change_device(const struct dp_ctx *c, struct plan_entry *e,
			  const struct snapshot *snap, const struct apply_opts *opts,
			  struct outcome *o)
{
	struct dax_device *d = e->dev;
	const char *want_drv = mode_driver(e->want);
	struct dax_memory old_mem = d->mem;
	enum dax_mode from = d->mode;
	char old_driver[DRIVER_NAME_MAX], err[384] = "";
	int rc;

	str_copy(old_driver, sizeof(old_driver), d->driver);

	/* 1. safety: never pull memory out from under a user */
	if (mode_has_dev_node(from)) {
		struct holders h;
		char who[384];

		holders_find(c, d->name, &h);
		holders_describe(&h, who, sizeof(who));
		if (h.mounts) {
			o->state = STATE_BUSY;
			snprintf(o->msg, sizeof(o->msg), "/dev/%s is in use: %s; not leaving %s",
				 d->name, who, mode_name(from));
			return;
		}
		if (h.n && !opts->force) {
			o->state = STATE_BUSY;
			snprintf(o->msg, sizeof(o->msg),
				 "/dev/%s is in use: %s; not leaving %s (--force overrides)",
				 d->name, who, mode_name(from));
			return;
		}
		if (h.n)
			log_warn(c, "%s: --force: switching although in use by %s", d->name, who);
	} else if (mode_has_memory(from)) {
		rc = memory_offline_all(c, snap, d, err, sizeof(err));
		if (rc) {
			o->state = STATE_BUSY;
			snprintf(o->msg, sizeof(o->msg), "%s; every block is online again, %s stays %s",
				 err, d->name, mode_name(from));
			discover_refresh(c, snap, d);
			return;
		}
	}

	/* 2. leave the old driver; no other driver keeps an id for the device */
	rc = leave_driver(c, d->name, old_driver, want_drv, err, sizeof(err));
	if (rc)
		goto undo;

	/* 3. bind the wanted driver */
	if (want_drv) {
		rc = join_driver(c, d->name, want_drv, err, sizeof(err));
		if (rc)
			goto undo;
	}
	if (c->dry_run) {
		if (mode_has_memory(e->want))
			print_dry_run(c, "  online memory blocks of %s: %s", d->name,
				      online_name(e->online));
		o->state = STATE_DRIFT;
		snprintf(o->msg, sizeof(o->msg), "would switch %s -> %s", mode_name(from), mode_name(e->want));
		return;
	}

	/* 4. memory of a new system-ram device */
	discover_refresh(c, snap, d);
	if (mode_has_memory(e->want)) {
		rc = memory_set_online(c, snap, d, e->online, err, sizeof(err));
		if (rc)
			goto undo;
	}

	/* 5. what is it really now */
	discover_refresh(c, snap, d);
	verify(c, e, o);
	o->changed = true;
	if (o->state == STATE_OK)
		describe_done(e, from, o);
	return;

undo:
	{
		char now[DRIVER_NAME_MAX];

		bus_bound_driver(c, d->name, now, sizeof(now));
		o->raced = strcmp(now, old_driver) != 0 && !(want_drv && strcmp(now, want_drv) == 0);
	}
	restore(c, snap, d, old_driver, &old_mem);
	o->state = STATE_ERROR;
	snprintf(o->msg, sizeof(o->msg), "%s; switching %s -> %s undone, device is %s",
		 err, mode_name(from), mode_name(e->want), mode_name(d->mode));
}

static void fix_memory(const struct dp_ctx *c, struct plan_entry *e, const struct snapshot *snap,
		       struct outcome *o)
{
	char err[384] = "";
	int rc;

	rc = memory_set_online(c, snap, e->dev, e->online, err, sizeof(err));
	if (c->dry_run) {
		o->state = STATE_DRIFT;
		snprintf(o->msg, sizeof(o->msg), "would online memory %s", online_name(e->online));
		return;
	}
	discover_refresh(c, snap, e->dev);
	o->changed = true;
	if (rc) {
		o->state = STATE_ERROR;
		snprintf(o->msg, sizeof(o->msg), "%s", err);
		return;
	}
	verify(c, e, o);
	if (o->state == STATE_OK)
		snprintf(o->msg, sizeof(o->msg), "memory onlined %s", online_name(e->online));
}

void assess_entry(const struct dp_ctx *c, const struct plan_entry *e, struct outcome *o)
{
	const struct dax_device *d = e->dev;

	memset(o, 0, sizeof(*o));
	switch (e->action) {
	case ACT_NONE:
		o->state = STATE_OK;
		return;
	case ACT_REFUSE:
		o->state = STATE_ERROR;
		str_copy(o->msg, sizeof(o->msg), e->note);
		return;
	case ACT_MEMORY:
		o->state = STATE_DRIFT;
		str_copy(o->msg, sizeof(o->msg), e->note);
		return;
	case ACT_CHANGE:
		break;
	}
	o->state = STATE_DRIFT;
	snprintf(o->msg, sizeof(o->msg), "is %s, policy wants %s", mode_name(d->mode), mode_name(e->want));
	if (mode_has_dev_node(d->mode)) {
		struct holders h;
		char who[384];

		holders_find(c, d->name, &h);
		if (h.n) {
			holders_describe(&h, who, sizeof(who));
			o->state = STATE_BUSY;
			snprintf(o->msg, sizeof(o->msg), "in use: %s", who);
		}
	}
}

int apply_plan(const struct dp_ctx *c, struct plan *plan, const struct snapshot *snap,
	       const struct apply_opts *opts, struct outcome *out)
{
	int failed = 0;

	/*
	 * Load every driver module the plan needs before changing anything:
	 * device_dax binds every unbound device when it registers, which would
	 * undo a "none" already applied.
	 */
	for (size_t i = 0; i < plan->n; i++) {
		const char *drv = mode_driver(plan->e[i].want);
		char err[256];

		if (plan->e[i].action == ACT_CHANGE && drv && modload_driver(c, drv, err, sizeof(err)) != 0)
			log_verbose(c, "%s", err);	/* reported per device below */
	}
	for (size_t i = 0; i < plan->n; i++) {
		struct plan_entry *e = &plan->e[i];
		struct outcome *o = &out[i];

		memset(o, 0, sizeof(*o));
		if (c->dry_run && (e->action == ACT_CHANGE || e->action == ACT_MEMORY))
			print_dry_run(c, "%s: %s -> %s", e->dev->name, mode_name(e->dev->mode),
				      mode_name(e->want));
		switch (e->action) {
		case ACT_NONE:
			o->state = STATE_OK;
			break;
		case ACT_REFUSE:
			o->state = STATE_ERROR;
			str_copy(o->msg, sizeof(o->msg), e->note);
			break;
		case ACT_MEMORY:
			fix_memory(c, e, snap, o);
			break;
		case ACT_CHANGE:
			change_device(c, e, snap, opts, o);
			break;
		}
		if (o->state == STATE_BUSY || o->state == STATE_ERROR)
			failed++;
	}
	return failed;
}

int apply_lock(const struct dp_ctx *c)
{
	_cleanup_close_ int fd = -1;
	char path[PATH_MAX];

	if (!sysroot_path(c, path, sizeof(path), "/run/dax-policy.lock"))
		return -ENAMETOOLONG;
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return -errno;
	while (flock(fd, LOCK_EX) < 0)
		if (errno != EINTR)
			return -errno;
	return take_fd(&fd);
}
