// SPDX-License-Identifier: GPL-2.0-or-later
#include "apply.h"
#include "bus.h"
#include "cleanup.h"
#include "daxctl_verify.h"
#include "hold.h"
#include "holders.h"
#include "memory.h"
#include "modload.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Tries per device that another agent keeps binding, and the pause between. */
#define APPLY_TRIES 4
#define RETRY_PAUSE_NS (100 * 1000 * 1000)

/* Room for what went wrong in one step. */
#define STEP_ERR_MAX 384

/* What every step of one run needs. */
struct run {
	const struct dp_ctx *c;
	const struct snapshot *snap;	/* memory block size, for reading devices */
	bool force;
	struct daxctl_verifier *verifier;	/* libdaxctl's view, one for the run */
};

/* One device's mode change: where it started, for verifying and undoing. */
struct change {
	const struct plan_entry *e;
	struct outcome *o;
	struct dax_device *dev;		/* the outcome's device, read again as we go */
	const char *want_driver;	/* NULL: leave it unbound */
	enum dax_mode from;
	char old_driver[DRIVER_NAME_MAX];
	struct dax_memory old_mem;
	bool held;			/* the old driver refused to let go (EBUSY) */
	bool node_open;			/* forced out: /dev/daxX.Y still open */
	bool left_unbound;		/* put back refused: device_dax under an open file */
	bool overtaken;			/* another agent bound it between our unbind and bind */
	char err[STEP_ERR_MAX];
};

/* ---- drivers ------------------------------------------------------------ */

/* Take NAME out of the id list of every managed driver but SKIP1 and SKIP2
 * (either may be NULL or ""): no later probe may bind it there. */
static void scrub_ids(const struct dp_ctx *c, const char *name, const char *skip1,
		      const char *skip2)
{
	const struct mode_info *m;

	for (size_t i = 0; (m = mode_at(i)); i++) {
		const char *other = m->driver;

		if (!other || (skip1 && strcmp(other, skip1) == 0) ||
		    (skip2 && strcmp(other, skip2) == 0))
			continue;
		/* removing an id the driver does not hold is a no-op */
		if (bus_driver_registered(c, other))
			bus_driver_write(c, other, "remove_id", name, "scrub");
	}
}

/* Leave DRIVER (remove_id, then unbind), and take NAME out of the id list of
 * every other managed driver except KEEP_ID's. */
static int leave_driver(const struct dp_ctx *c, const char *name, const char *driver,
			const char *keep_id, char *err, size_t errlen)
{
	int rc;

	if (driver && *driver) {
		rc = bus_driver_write(c, driver, "remove_id", name, "remove_id");
		if (rc && rc != -ENOENT) {
			snprintf(err, errlen, "remove_id on %s failed: %s", driver, strerror(-rc));
			return rc;
		}
		rc = bus_driver_write(c, driver, "unbind", name, "unbind");
		if (rc == -EBUSY) {
			/* fsdev_dax refuses while a filesystem or in-kernel user holds it */
			snprintf(err, errlen, "%s refuses to let go of /dev/%s: it is held (a mounted "
				 "filesystem or an in-kernel user)", driver, name);
			return rc;
		}
		if (rc) {
			snprintf(err, errlen, "unbind from %s failed: %s", driver, strerror(-rc));
			return rc;
		}
	}
	scrub_ids(c, name, driver, keep_id);
	return 0;
}

/* Device names, in the order listed until names_sort. */
struct names {
	char (*v)[DAX_NAME_MAX];
	size_t n, cap;
};

static void names_free(struct names *l)
{
	free(l->v);
	memset(l, 0, sizeof(*l));
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Once, after the last listing: a sort per listing, per change, made
 * collateral checks cost N log N string compares per device. */
static void names_sort(struct names *l)
{
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), cmp_name);
}

/* NAME in L, sorted */
static bool names_has(const struct names *l, const char *name)
{
	return l->n && bsearch(name, l->v, l->n, sizeof(*l->v), cmp_name);
}

/* Add the dax device names directory PATH lists to L. 0 or -errno. */
static int names_of_dir(const struct dp_ctx *c, const char *path, struct names *l)
{
	_cleanup_closedir_ DIR *dir = sysroot_opendir(c, "%s", path);
	struct dirent *de;

	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (!dax_name_valid(de->d_name))
			continue;
		if (l->n == l->cap) {
			size_t ncap = l->cap ? l->cap * 2 : 16;
			char(*nv)[DAX_NAME_MAX] = realloc(l->v, ncap * sizeof(*l->v));

			if (!nv)
				return -ENOMEM;
			l->v = nv;
			l->cap = ncap;
		}
		str_copy(l->v[l->n++], DAX_NAME_MAX, de->d_name);
	}
	return 0;
}

/*
 * The devices unbound right now: those no driver's directory lists. A few
 * directory listings, however many devices the bus has (reading every
 * device's driver link made a run quadratic). 0 or -errno.
 */
static int unbound_devices(const struct dp_ctx *c, struct names *out)
{
	_cleanup_(names_free) struct names all = { 0 };
	_cleanup_(names_free) struct names bound = { 0 };
	_cleanup_closedir_ DIR *drivers = NULL;
	struct dirent *de;
	char path[PATH_MAX];
	int rc;

	memset(out, 0, sizeof(*out));
	rc = names_of_dir(c, DAX_DEVICES, &all);
	drivers = rc ? NULL : sysroot_opendir(c, DAX_DRIVERS);
	if (!rc && !drivers)
		rc = -errno;
	while (!rc && (de = readdir(drivers))) {
		if (de->d_name[0] == '.' ||
		    !str_printf(path, sizeof(path), DAX_DRIVERS "/%s", de->d_name))
			continue;
		rc = names_of_dir(c, path, &bound);
	}
	if (rc)
		return rc;
	names_sort(&bound);
	*out = all;	/* unbound ones kept in place */
	out->n = 0;
	for (size_t i = 0; i < all.n; i++)
		if (!names_has(&bound, all.v[i]))
			memmove(out->v[out->n++], all.v[i], DAX_NAME_MAX);
	all = (struct names){ 0 };	/* now out's */
	names_sort(out);	/* a few: told about in order */
	return 0;
}

/* new_id made DRIVER take other devices than NAME: give up those that
 * were unbound before it (UNBOUND), and only those: a device another
 * agent moved to DRIVER meanwhile stays where it was put. */
static void undo_collateral(const struct dp_ctx *c, const char *driver, const char *name,
			    const struct names *unbound)
{
	_cleanup_(names_free) struct names now = { 0 };
	char path[PATH_MAX], drv[DRIVER_NAME_MAX];
	bool others = false, listed;

	/* usually NAME was the only one: then nothing can have been taken */
	for (size_t i = 0; i < unbound->n && !others; i++)
		others = strcmp(unbound->v[i], name) != 0;
	if (!others)
		return;
	listed = str_printf(path, sizeof(path), DAX_DRIVERS "/%s", driver) &&
		 names_of_dir(c, path, &now) == 0;
	names_sort(&now);
	for (size_t i = 0; i < unbound->n; i++) {
		const char *dev = unbound->v[i];

		if (strcmp(dev, name) == 0)
			continue;
		/* without the driver's listing, each device's own link says */
		if (listed ? !names_has(&now, dev)
			   : bus_bound_driver(c, dev, drv, sizeof(drv)) != 0 || strcmp(drv, driver))
			continue;
		log_warn(c, "%s: %s took it along with %s; unbinding it again", dev, driver, name);
		bus_driver_write(c, driver, "unbind", dev, "unbind");
	}
}

/*
 * Load DRIVER's module and bind it. bind alone where the driver takes the
 * device by itself (6.1's device_dax takes every device, 6.12's kmem and
 * device_dax those of their type); new_id only where it does not, and
 * first for a driver that never does (fsdev_dax). A new_id
 * makes the bus offer the driver every unbound device it matches, not only
 * this one, which would hand it devices kept unbound (mode none, or waiting
 * for the policy): when it must be written, such binds are undone at once.
 * 6.1 attaches on new_id; the bind after it then fails with EBUSY.
 */
static int join_driver(const struct dp_ctx *c, const char *name, const char *driver, char *err,
		       size_t errlen)
{
	char now[DRIVER_NAME_MAX], auto_online[ATTR_MAX] = "";
	_cleanup_(names_free) struct names unbound = { 0 };
	int rc;

	rc = modload_driver(c, driver, err, errlen);
	if (rc)
		return rc;
	/* memory kmem adds is onlined by dax-policy as online= says, not by the kernel */
	if (mode_has_memory(mode_from_driver(driver)) &&
	    memory_auto_online_suspend(c, auto_online, sizeof(auto_online)) != 0)
		log_warn(c, "%s: cannot turn the kernel's auto-onlining off; it onlines the memory first",
			 name);
	if (!mode_info(mode_from_driver(driver))->bind_by_id_only) {
		bus_driver_write(c, driver, "bind", name, "bind");
		bus_bound_driver(c, name, now, sizeof(now));
		if (!c->dry_run && strcmp(now, driver) == 0) {
			memory_auto_online_resume(c, auto_online);
			return 0;
		}
		if (c->dry_run)
			print_dry_run(c, "  if %s does not take %s by itself:", driver, name);
	}
	/* what new_id may hand to the driver besides NAME: unknown, no new_id */
	rc = unbound_devices(c, &unbound);
	if (rc && !c->dry_run) {
		memory_auto_online_resume(c, auto_online);
		snprintf(err, errlen, "cannot list the devices no driver has: %s", strerror(-rc));
		return rc;
	}
	rc = bus_driver_write(c, driver, "new_id", name, "new_id");
	if (rc) {
		memory_auto_online_resume(c, auto_online);
		snprintf(err, errlen, "new_id on %s failed: %s", driver, strerror(-rc));
		return rc;
	}
	bus_bound_driver(c, name, now, sizeof(now));
	if (c->dry_run || strcmp(now, driver) != 0)
		rc = bus_driver_write(c, driver, "bind", name, "bind");
	undo_collateral(c, driver, name, &unbound);
	memory_auto_online_resume(c, auto_online);
	if (c->dry_run)
		return 0;
	bus_bound_driver(c, name, now, sizeof(now));
	if (now[0] && strcmp(now, driver) != 0) {
		/* unbound by us a moment ago: someone (daxctl enabling it, say) was quicker */
		snprintf(err, errlen, "bound to %s by another agent before %s could take it", now,
			 driver);
		return -EAGAIN;
	}
	if (strcmp(now, driver) != 0) {
		snprintf(err, errlen, "bind to %s failed: %s", driver,
			 rc ? strerror(-rc) : now[0] ? now : "still unbound");
		return rc ? rc : -ENXIO;
	}
	return 0;
}

/* ---- checking and describing -------------------------------------------- */

/* Is the outcome's device what E wants? Sets the state (ok or error). */
static void verify(const struct run *run, const struct plan_entry *e, struct outcome *o)
{
	const struct dp_ctx *c = run->c;
	const struct dax_device *d = &o->dev;
	char why[256];

	if (d->mode != e->want) {
		outcome_set(o, REASON_FAILED);
		snprintf(o->msg, sizeof(o->msg), "after the change the device is %s, not %s",
			 mode_name(d->mode), mode_name(e->want));
		return;
	}
	if (mode_has_memory(d->mode) && !memory_in_policy(&d->mem, e->online)) {
		outcome_set(o, REASON_FAILED);
		snprintf(o->msg, sizeof(o->msg), "memory is not %s (%d of %d blocks online)",
			 online_name(e->online), d->mem.online, d->mem.nblocks - d->mem.missing);
		return;
	}
	if (sysroot_is_live(c) &&
	    !daxctl_verify(run->verifier, d->name, e->want, why, sizeof(why))) {
		outcome_set(o, REASON_FAILED);
		snprintf(o->msg, sizeof(o->msg), "libdaxctl disagrees: %s", why);
		return;
	}
	outcome_set(o, REASON_IN_POLICY);
}

static void describe_done(const struct change *ch)
{
	const struct dax_device *d = ch->dev;
	const struct plan_entry *e = ch->e;
	struct outcome *o = ch->o;

	if (mode_has_memory(e->want))
		snprintf(o->msg, sizeof(o->msg), "%s -> %s, %d of %d memory blocks online%s%s",
			 mode_name(ch->from), mode_name(e->want), d->mem.online,
			 d->mem.nblocks - d->mem.missing, d->mem.online ? " " : "",
			 d->mem.online ? online_name(e->online) : "");
	else
		snprintf(o->msg, sizeof(o->msg), "%s -> %s", mode_name(ch->from),
			 mode_name(e->want));
}

/* ---- the steps of a mode change ----------------------------------------- */

static void begin_change(struct change *ch, const struct plan_entry *e, struct outcome *o)
{
	memset(ch, 0, sizeof(*ch));
	ch->e = e;
	ch->o = o;
	ch->dev = &o->dev;
	ch->want_driver = mode_driver(e->want);
	ch->from = o->dev.mode;
	ch->old_mem = o->dev.mem;
	str_copy(ch->old_driver, sizeof(ch->old_driver), o->dev.driver);
}

/*
 * A file opened on /dev/daxX.Y outlives the driver it was opened under.
 * device_dax's probe initialises the device's character device afresh under
 * such a file, whose close then drops a count it never took (a refcount
 * underflow; the node cannot be opened again). fsdev_dax refuses a device
 * still open from device_dax. So while the node is open, no driver with a
 * node is bound to it, --force or not.
 */
static bool may_bind_with_node_open(const char *driver)
{
	return !mode_has_dev_node(mode_from_driver(driver));
}

/* Step 1, safety: refuse (busy) to leave a mode whose device someone holds,
 * or whose memory will not all go offline (what went offline comes back);
 * refuse to bind a driver with a node while the node is open. */
static bool leave_safely(const struct run *run, struct change *ch, const struct holders *h)
{
	const struct dp_ctx *c = run->c;
	struct dax_device *d = ch->dev;
	struct outcome *o = ch->o;
	char who[HOLDERS_TEXT_MAX];

	/* out of devdax and fsdev only a file left open can hold the node */
	bool stale_only = !mode_has_dev_node(ch->from);

	if (holders_any(h)) {
		bool node_ok = may_bind_with_node_open(ch->want_driver);
		bool forceable = !h->mounts && node_ok;

		holders_describe(h, who, sizeof(who));
		if (!forceable || !run->force) {
			outcome_set(o, REASON_IN_USE);
			if (stale_only)
				snprintf(o->msg, sizeof(o->msg),
					 "/dev/%s is still open from an earlier driver: %s; not binding %s until it is closed",
					 d->name, who, ch->want_driver);
			else	/* (who may fill most of it: the end is cut, not the start) */
				str_printf(o->msg, sizeof(o->msg), "/dev/%s is in use: %s; not leaving %s%s%s",
					 d->name, who, mode_name(ch->from),
					 forceable ? " (--force overrides)" : "",
					 h->mounts || node_ok ? "" :
					 ": the new driver is not bound under an open file, --force or not");
			return false;
		}
		log_warn(c, "%s: --force: switching although in use by %s", d->name, who);
		ch->node_open = true;
	}
	if (mode_has_memory(ch->from) && memory_offline_all(c, d, ch->err, sizeof(ch->err)) != 0) {
		outcome_set(o, REASON_MEMORY_BUSY);
		snprintf(o->msg, sizeof(o->msg), "%s; every block is online again, %s stays %s",
			 ch->err, d->name, mode_name(ch->from));
		discover_refresh(c, run->snap, d);
		return false;
	}
	return true;
}

/* Steps 2 and 3: leave the old driver, so no driver keeps an id for the
 * device, and bind the wanted one. */
static int switch_driver(const struct run *run, struct change *ch)
{
	const char *name = ch->dev->name;
	int rc;

	rc = leave_driver(run->c, name, ch->old_driver, ch->want_driver, ch->err, sizeof(ch->err));
	ch->held = rc == -EBUSY;
	if (rc || !ch->want_driver)
		return rc;
	rc = join_driver(run->c, name, ch->want_driver, ch->err, sizeof(ch->err));
	ch->overtaken = rc == -EAGAIN;
	return rc;
}

/* Step 4: the memory of a new system-ram device, as online= asks. */
static int online_new_memory(const struct run *run, struct change *ch)
{
	/* lists the blocks kmem just added itself; the device is read after */
	if (!mode_has_memory(ch->e->want))
		return 0;
	return memory_set_online(run->c, ch->dev, ch->e->online, ch->err, sizeof(ch->err));
}

/* Step 5: what is the device really now. */
static void finish_change(const struct run *run, struct change *ch)
{
	discover_refresh(run->c, run->snap, ch->dev);
	verify(run, ch->e, ch->o);
	ch->o->changed = true;
	if (ch->o->state == STATE_OK)
		describe_done(ch);
}

/* --dry-run stops after listing the writes of steps 1 to 3. */
static void finish_dry_run(const struct run *run, struct change *ch)
{
	const struct plan_entry *e = ch->e;

	if (mode_has_memory(e->want))
		print_dry_run(run->c, "  online memory blocks of %s: %s", ch->dev->name,
			      online_name(e->online));
	outcome_set(ch->o, REASON_WRONG_MODE);
	snprintf(ch->o->msg, sizeof(ch->o->msg), "would switch %s -> %s", mode_name(ch->from),
		 mode_name(e->want));
}

/* Put the device back the way it was before a failed change: the old driver
 * bound, its memory onlined as it was. Best effort, loud on failure. */
static void put_back(const struct run *run, struct change *ch)
{
	const struct dp_ctx *c = run->c;
	struct dax_device *d = ch->dev;
	char now[DRIVER_NAME_MAX], err[256] = "";

	bus_bound_driver(c, d->name, now, sizeof(now));
	if (strcmp(now, ch->old_driver) != 0) {
		if (now[0])
			leave_driver(c, d->name, now, ch->old_driver, err, sizeof(err));
		if (ch->old_driver[0] && ch->node_open &&
		    !may_bind_with_node_open(ch->old_driver)) {
			ch->left_unbound = true;
			log_error(c, "%s: not binding %s again while /dev/%s may be open; close it and apply again",
				  d->name, ch->old_driver, d->name);
		} else if (ch->old_driver[0] &&
			 join_driver(c, d->name, ch->old_driver, err, sizeof(err)) != 0)
			log_error(c, "%s: could not bind %s again: %s", d->name, ch->old_driver,
				  err);
	} else if (now[0]) {
		/* still bound (the unbind was refused): give back the id remove_id took */
		bus_driver_write(c, now, "new_id", d->name, "restore");
	}
	/* whatever it is bound to by now, no other driver keeps an id this
	 * change wrote (a new_id whose bind failed would catch the next probe) */
	bus_bound_driver(c, d->name, now, sizeof(now));
	scrub_ids(c, d->name, now, NULL);
	if (mode_has_memory(ch->from) && ch->old_mem.online) {
		enum online_policy was = ch->old_mem.movable == ch->old_mem.online ? ONLINE_MOVABLE
										    : ONLINE_NORMAL;

		discover_refresh(c, run->snap, d);
		if (memory_set_online(c, d, was, err, sizeof(err)) != 0)
			log_error(c, "%s: could not online memory again: %s", d->name, err);
	}
	discover_refresh(c, run->snap, d);
}

/* A step failed: undo, and tell whether another agent had bound the device
 * meanwhile (then the change is worth another try). */
static void undo_change(const struct run *run, struct change *ch)
{
	struct outcome *o = ch->o;
	char now[DRIVER_NAME_MAX];

	bus_bound_driver(run->c, ch->dev->name, now, sizeof(now));
	o->raced = ch->overtaken || (strcmp(now, ch->old_driver) != 0 &&
				     !(ch->want_driver && strcmp(now, ch->want_driver) == 0));
	put_back(run, ch);
	if (ch->held) {
		outcome_set(o, REASON_IN_USE);
		snprintf(o->msg, sizeof(o->msg), "%s; %s stays %s", ch->err, ch->dev->name,
			 mode_name(ch->dev->mode));
		return;
	}
	outcome_set(o, REASON_FAILED);
	if (ch->left_unbound)
		str_printf(o->msg, sizeof(o->msg),
			 "%s; switching %s -> %s stopped, device is %s: %s is not bound again while /dev/%s may be open",
			 ch->err, mode_name(ch->from), mode_name(ch->e->want),
			 mode_name(ch->dev->mode), ch->old_driver, ch->dev->name);
	else
		snprintf(o->msg, sizeof(o->msg), "%s; switching %s -> %s undone, device is %s",
			 ch->err, mode_name(ch->from), mode_name(ch->e->want),
			 mode_name(ch->dev->mode));
}

static void change_device(const struct run *run, const struct plan_entry *e, struct outcome *o,
			  const struct holders *h)
{
	struct change ch;

	begin_change(&ch, e, o);
	if (!leave_safely(run, &ch, h))
		return;
	if (switch_driver(run, &ch) != 0)
		undo_change(run, &ch);
	else if (run->c->dry_run)
		finish_dry_run(run, &ch);
	else if (online_new_memory(run, &ch) != 0)
		undo_change(run, &ch);
	else
		finish_change(run, &ch);
}

/* Right driver, memory not as online= asks. */
static void fix_memory(const struct run *run, const struct plan_entry *e, struct outcome *o,
		       const struct holders *h)
{
	const struct dp_ctx *c = run->c;
	char err[STEP_ERR_MAX] = "";
	int rc;

	rc = memory_set_online(c, &o->dev, e->online, err, sizeof(err));
	if (c->dry_run) {
		outcome_set(o, REASON_MEMORY_STATE);
		snprintf(o->msg, sizeof(o->msg), "would online memory %s", online_name(e->online));
		return;
	}
	discover_refresh(c, run->snap, &o->dev);
	o->changed = true;
	if (rc) {
		outcome_set(o, REASON_FAILED);
		str_copy(o->msg, sizeof(o->msg), err);
		return;
	}
	verify(run, e, o);
	if (o->state == STATE_OK)
		snprintf(o->msg, sizeof(o->msg), "memory onlined %s", online_name(e->online));
}

/* A new device the policy keeps: what the kernel itself would make of it. */
static void probe_device(const struct run *run, const struct plan_entry *e, struct outcome *o,
			 const struct holders *h)
{
	const struct dp_ctx *c = run->c;
	char alias[ATTR_MAX], err[STEP_ERR_MAX] = "";
	int rc;

	/* the drivers udev loads for the device, for the kernel to choose from */
	if (sysroot_read(c, alias, sizeof(alias), DAX_DEVICES "/%s/modalias", e->dev.name) == 0 &&
	    modload_alias(c, alias, err, sizeof(err)) != 0)
		log_verbose(c, "%s: %s", e->dev.name, err);
	rc = sysroot_write(c, "probe", e->dev.name, BUS_PROBE);
	if (c->dry_run) {
		outcome_set(o, REASON_WAITING);
		snprintf(o->msg, sizeof(o->msg), "would get the kernel's own choice");
		return;
	}
	discover_refresh(c, run->snap, &o->dev);
	o->changed = true;
	if (rc) {
		outcome_set(o, REASON_FAILED);
		snprintf(o->msg, sizeof(o->msg), "handing it to the kernel's own choice failed: %s",
			 strerror(-rc));
		return;
	}
	outcome_set(o, plan_kept_reason(e));
	if (o->dev.mode == MODE_UNBOUND)
		snprintf(o->msg, sizeof(o->msg), "new: no driver of the kernel's takes it");
	else
		snprintf(o->msg, sizeof(o->msg), "new: %s, the kernel's own choice",
			 mode_name(o->dev.mode));
}

/* ---- the plan ----------------------------------------------------------- */

/* H: who holds the entry's device (changes of driver only). */
typedef void action_fn(const struct run *run, const struct plan_entry *e, struct outcome *o,
		       const struct holders *h);

/* What the --dry-run listing says an entry's device becomes. */
static void to_mode(const struct plan_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s -> %s", mode_name(e->dev.mode), mode_name(e->want));
}

static void to_memory(const struct plan_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s, its memory blocks -> online %s", mode_name(e->dev.mode),
		 online_name(e->online));
}

static void to_kernel(const struct plan_entry *e, char *buf, size_t size)
{
	snprintf(buf, size, "%s -> the kernel's own choice", mode_name(e->dev.mode));
}

/* What apply does for each plan action; none: the plan's verdict stands. */
static const struct {
	action_fn *run;
	void (*describe)(const struct plan_entry *e, char *buf, size_t size);
} action_steps[] = {
	[ACT_CHANGE] = { change_device, to_mode },
	[ACT_MEMORY] = { fix_memory, to_memory },
	[ACT_PROBE] = { probe_device, to_kernel },
};

/*
 * Load every driver module the entries need before changing anything:
 * device_dax binds every unbound device when it registers, which would
 * undo a "none" already applied.
 */
static void load_modules(const struct run *run, const struct plan_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *drv = mode_driver(e[i].want);
		char err[256];

		if (e[i].action == ACT_CHANGE && drv &&
		    modload_driver(run->c, drv, err, sizeof(err)) != 0)
			log_verbose(run->c, "%s", err);	/* reported per device below */
	}
}

/* Apply N entries; the number that could not be put in their mode. */
static int apply_entries(const struct run *run, const struct plan_entry *e, size_t n,
			 struct outcome *out)
{
	_cleanup_free_ struct holders *h = calloc(n ? n : 1, sizeof(*h));
	int failed = 0;

	if (!h)
		return (int)n;
	/* one look at /proc for every device, before any is changed */
	holders_of_entries(run->c, e, n, h);
	load_modules(run, e, n);
	for (size_t i = 0; i < n; i++) {
		size_t a = (size_t)e[i].action;
		char what[128];

		outcome_from_plan(&e[i], &out[i]);
		if (a < ARRAY_SIZE(action_steps) && action_steps[a].run) {
			if (run->c->dry_run) {
				action_steps[a].describe(&e[i], what, sizeof(what));
				print_dry_run(run->c, "%s: %s", e[i].dev.name, what);
			}
			action_steps[a].run(run, &e[i], &out[i], &h[i]);
		}
		if (out[i].state == STATE_BUSY || out[i].state == STATE_ERROR)
			failed++;
	}
	return failed;
}

/* Plan entry E again from what its device is now. */
static void replan(const struct run *run, const struct policy *p, struct plan_entry *e)
{
	struct dax_device now = e->dev;

	discover_refresh(run->c, run->snap, &now);
	plan_device(p, &now, e);
}

/* Still waiting after this run: it appeared while the bus held, and it is
 * unbound because a change for it failed (release gives it to the kernel). */
static bool still_waiting(const struct plan_entry *e, const struct outcome *o)
{
	return e->dev.waiting && o->dev.mode == MODE_UNBOUND && o->state != STATE_OK;
}

/* The entry of PLAN for NAME, or plan->n. The entries are a part of the
 * snapshot's devices in its order (plan_build), so walking the snapshot,
 * the next entry (*NEXT) is the one: a search only if that ever changes. */
static size_t plan_index(const struct plan *plan, const char *name, size_t *next)
{
	if (*next < plan->n && strcmp(plan->e[*next].dev.name, name) == 0)
		return (*next)++;
	for (size_t k = 0; k < plan->n; k++)
		if (strcmp(plan->e[k].dev.name, name) == 0)
			return k;
	return plan->n;
}

/* Record every device decided for (hold.h), if that changed anything. */
static void record_decisions(const struct run *run, const struct plan *plan,
			     const struct outcome *out)
{
	const struct snapshot *snap = run->snap;
	_cleanup_(decided_free) struct decided now = { 0 };

	if (snapshot_keep_unread(snap, &now) != 0)
		return;
	for (size_t i = 0, j = 0; i < snap->n; i++) {
		const struct dax_device *d = &snap->devs[i];
		bool decided = !d->waiting;
		size_t k = plan_index(plan, d->name, &j);

		if (k < plan->n)
			decided = !still_waiting(&plan->e[k], &out[k]);
		if (decided && decided_add(&now, d->name, d->instance) != 0)
			return;
	}
	if (!decided_equal(&now, &snap->decided) && decided_save(run->c, &now) != 0)
		log_warn(run->c, "cannot write " DECIDED_FILE);
}

/*
 * Writing a name to a driver's new_id attaches that driver to every unbound
 * device it matches, not only the one named (6.12 matches kmem, and
 * device_dax, by device type): a device put in its mode earlier in the run,
 * or in it already, may have been taken since. Read the driver of each
 * again; one that moved is marked raced, to be planned and changed again.
 */
static int recheck(const struct run *run, const struct plan *plan, struct outcome *out)
{
	int moved = 0;

	for (size_t i = 0; i < plan->n; i++) {
		const struct plan_entry *e = &plan->e[i];
		char now[DRIVER_NAME_MAX];

		/* only devices in their mode now: not a seed of size 0 */
		bool in_mode = e->action != ACT_NONE || e->dev.mode == e->want;

		if (e->want == MODE_KEEP || out[i].state != STATE_OK || !in_mode ||
		    bus_bound_driver(run->c, e->dev.name, now, sizeof(now)) != 0 ||
		    mode_from_driver(now) == e->want)
			continue;
		outcome_set(&out[i], REASON_MOVED);
		out[i].raced = true;
		snprintf(out[i].msg, sizeof(out[i].msg), "bound to %s after it was put in its mode",
			 now[0] ? now : "no driver");
		moved++;
	}
	return moved;
}

/* Whether PLAN changes any device: only then is libdaxctl asked (verify). */
static bool plan_changes(const struct plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->e[i].action == ACT_CHANGE || plan->e[i].action == ACT_MEMORY)
			return true;
	return false;
}

/* Whether PLAN binds a driver to any device: only then can a new_id take others. */
static bool plan_binds(const struct plan *plan)
{
	for (size_t i = 0; i < plan->n; i++)
		if (plan->e[i].action == ACT_CHANGE)
			return true;
	return false;
}

/*
 * Apply, and try again (a few times, briefly apart) for devices someone else
 * bound while we switched them: a device that just appeared is probed by
 * device_dax at the same moment its udev event starts us; a driver's new_id
 * may take devices done before (recheck).
 */
int apply_plan(const struct dp_ctx *c, const struct policy *p, const struct snapshot *snap,
	       struct plan *plan, bool force, struct outcome *out)
{
	_cleanup_(daxctl_verifier_close) struct daxctl_verifier verifier = { 0 };
	const struct run run = { .c = c, .snap = snap, .force = force, .verifier = &verifier };
	const struct timespec pause = { 0, RETRY_PAUSE_NS };
	int failed;

	if (!c->dry_run)
		memory_auto_online_recover(c);
	/* libdaxctl is asked after each change: loaded meanwhile */
	if (!c->dry_run && sysroot_is_live(c) && plan_changes(plan))
		daxctl_verifier_prefetch(&verifier);
	failed = apply_entries(&run, plan->e, plan->n, out);
	if (!c->dry_run && plan_binds(plan))
		failed += recheck(&run, plan, out);

	for (int pass = 1; pass < APPLY_TRIES && failed && !c->dry_run; pass++) {
		int retried = 0;

		/* libdaxctl keeps what it found of a device for the life of its
		 * context: a device changed again is asked about in a new one */
		daxctl_verifier_close(&verifier);

		for (size_t i = 0; i < plan->n; i++) {
			if (!out[i].raced)
				continue;
			nanosleep(&pause, NULL);
			log_verbose(c, "%s: bound by someone else meanwhile; trying again",
				    plan->e[i].dev.name);
			replan(&run, p, &plan->e[i]);
			failed -= apply_entries(&run, &plan->e[i], 1, &out[i]) == 0;
			retried++;
		}
		if (!retried)
			break;
		failed += recheck(&run, plan, out);
	}
	if (!c->dry_run)
		record_decisions(&run, plan, out);
	return failed;
}
