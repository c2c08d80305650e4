// SPDX-License-Identifier: GPL-2.0-or-later
#include "agents.h"
#include "cleanup.h"
#include "match.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Where udev reads rules from, in the order it lets names override. */
static const char *const rules_dirs[] = {
	"/etc/udev/rules.d", "/run/udev/rules.d", "/usr/lib/udev/rules.d", "/lib/udev/rules.d",
};

static void add(struct agent_warnings *w, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void add(struct agent_warnings *w, const char *fmt, ...)
{
	va_list ap;

	if (w->n >= AGENT_WARNINGS_MAX)
		return;
	va_start(ap, fmt);
	/* a long path is cut short in the message, which is fine */
	if (vsnprintf(w->msg[w->n], sizeof(w->msg[0]), fmt, ap) >= 0)
		w->n++;
	va_end(ap);
}

/* The rules file names seen so far: an earlier directory's file overrides
 * a later one's of the same name. */
struct seen_names {
	char (*name)[NAME_MAX + 1];
	size_t n;
};

/* Whether NAME was seen; remembers it if not (while there is room). */
static bool seen_before(struct seen_names *seen, const char *name)
{
	for (size_t i = 0; i < seen->n; i++)
		if (strcmp(seen->name[i], name) == 0)
			return true;
	if (seen->n < UDEV_RULES_MAX)
		str_copy(seen->name[seen->n++], sizeof(seen->name[0]), name);
	return false;
}

/* What a rules file does that matters to us, or NULL. Rules continue
 * over lines with '\\', so look at the whole file, not one line. */
static const char *rule_concern(const struct dp_ctx *c, const char *dir, const char *file)
{
	_cleanup_fclose_ FILE *f = sysroot_fopen(c, "%s/%s", dir, file);
	bool dax = false, daxctl = false, memory = false, online = false;
	char line[1024];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		if (line[0] == '#')
			continue;
		dax |= strstr(line, "SUBSYSTEM==\"dax\"") != NULL;
		daxctl |= strstr(line, "daxctl") || strstr(line, "daxdev-reconfigure");
		memory |= strstr(line, "SUBSYSTEM==\"memory\"") != NULL;
		online |= strstr(line, "online") != NULL;
	}
	if (dax && daxctl)
		return "reconfigures dax devices (daxctl, from /etc/daxctl.conf.d)";
	if (memory && online)
		return "onlines hotplugged memory blocks";
	return NULL;
}

/* Warn about every rules file of DIR that others' rules do not override. */
static void scan_rules_dir(const struct dp_ctx *c, const char *dir, struct seen_names *seen,
			   struct agent_warnings *w)
{
	_cleanup_closedir_ DIR *d = sysroot_opendir(c, "%s", dir);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *why;
		size_t n = strlen(de->d_name);

		if (n < 7 || strcmp(de->d_name + n - 6, ".rules") != 0)
			continue;
		if (seen_before(seen, de->d_name) || strstr(de->d_name, "dax-policy"))
			continue;
		why = rule_concern(c, dir, de->d_name);
		if (why)
			add(w, "udev rule %s/%s %s; it may change devices behind dax-policy", dir,
			    de->d_name, why);
	}
}

/* What the kernel's own onlining gives a block, in online= words. */
static enum online_policy kernel_online(const char *auto_online)
{
	if (strcmp(auto_online, "online_movable") == 0)
		return ONLINE_MOVABLE;
	if (strcmp(auto_online, "offline") == 0)
		return ONLINE_OFFLINE;
	return ONLINE_NORMAL;	/* online, online_kernel: a kernel zone, as a rule */
}

/*
 * The kernel's onlining policy against online=: dax-policy onlines what it
 * binds to kmem itself (auto-onlining off meanwhile), but memory kmem takes
 * without it, devices the policy keeps, is onlined as the kernel chooses.
 */
static void explain_onlining(const struct snapshot *snap, const struct policy *p,
			     struct agent_warnings *w)
{
	enum online_policy kernel = kernel_online(snap->auto_online);
	char rules[256] = "", kept[256] = "";
	const char *asked = NULL;

	for (size_t i = 0; p && i < p->nrules; i++) {
		const struct rule *r = &p->rules[i];

		if (!mode_has_memory(rule_mode(r)) || rule_online(p, r) == kernel)
			continue;
		asked = online_name(rule_online(p, r));
		str_printf(rules + strlen(rules), sizeof(rules) - strlen(rules), "%s%s",
			   rules[0] ? ", " : "", r->name);
	}
	for (size_t i = 0; p && i < snap->n; i++) {
		const struct dax_device *d = &snap->devs[i];
		const struct rule *r = match_first(p, d);
		enum dax_mode want = r ? rule_mode(r) : default_mode(p);

		if (want == MODE_KEEP && mode_has_memory(d->mode) && d->mem.online)
			str_printf(kept + strlen(kept), sizeof(kept) - strlen(kept), "%s%s",
				   kept[0] ? ", " : "", d->name);
	}
	add(w, "the kernel onlines hot-added memory itself (auto_online_blocks=%s: %s)%s",
	    snap->auto_online,
	    kernel == ONLINE_MOVABLE ? "movable" : "in a zone it picks, Normal as a rule",
	    rules[0] || kept[0] ? "" : "; no device of this policy is affected");
	if (rules[0])
		add(w, "rule %s asks online=%s, not what the kernel's onlining gives: dax-policy "
		       "binds kmem with auto-onlining off and onlines the blocks itself, as asked",
		    rules, asked);
	if (kept[0])
		add(w, "%s: mode keep, system RAM onlined as the kernel chose; online= has no say. "
		       "For movable memory give it a rule with mode = system-ram, online = movable, "
		       "or boot with memhp_default_state=online_movable",
		    kept);
}

void agents_find(const struct dp_ctx *c, const struct snapshot *snap, const struct policy *p,
		 struct agent_warnings *w)
{
	_cleanup_free_ char(*names)[NAME_MAX + 1] = calloc(UDEV_RULES_MAX, sizeof(*names));
	struct seen_names seen = { .name = names };

	w->n = 0;
	for (size_t i = 0; names && i < ARRAY_SIZE(rules_dirs); i++)
		scan_rules_dir(c, rules_dirs[i], &seen, w);
	if (snap->auto_online[0] && strcmp(snap->auto_online, "offline") != 0)
		explain_onlining(snap, p, w);
}
