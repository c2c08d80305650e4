// SPDX-License-Identifier: GPL-2.0-or-later
#include "agents.h"
#include "sysroot.h"
#include "util.h"

#include <dirent.h>
#include <stdarg.h>
#include <stdio.h>
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

static bool seen_name(char names[][NAME_MAX + 1], size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(names[i], name) == 0)
			return true;
	return false;
}

/* What a rules file does that matters to us, or NULL. Rules continue
 * over lines with '\\', so look at the whole file, not one line. */
static const char *rule_concern(const char *path)
{
	char full[PATH_MAX], line[1024];
	bool dax = false, daxctl = false, memory = false, online = false;
	FILE *f;

	if (!sysroot_path(full, sizeof(full), path))
		return NULL;
	f = fopen(full, "re");
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
	fclose(f);
	if (dax && daxctl)
		return "reconfigures dax devices (daxctl, from /etc/daxctl.conf.d)";
	if (memory && online)
		return "onlines hotplugged memory blocks";
	return NULL;
}

void agents_find(const struct snapshot *snap, struct agent_warnings *w)
{
	static char names[256][NAME_MAX + 1];
	size_t nnames = 0;

	w->n = 0;
	for (size_t i = 0; i < ARRAY_SIZE(rules_dirs); i++) {
		struct dirent *de;
		DIR *dir = sysroot_opendir(rules_dirs[i]);

		if (!dir)
			continue;
		while ((de = readdir(dir))) {
			char path[PATH_MAX];
			const char *why;
			size_t n = strlen(de->d_name);

			if (n < 7 || strcmp(de->d_name + n - 6, ".rules") != 0)
				continue;
			/* an earlier directory's file of the same name overrides */
			if (seen_name(names, nnames, de->d_name))
				continue;
			if (nnames < ARRAY_SIZE(names))
				str_copy(names[nnames++], sizeof(names[0]), de->d_name);
			if (strstr(de->d_name, "dax-policy"))
				continue;
			if (!str_printf(path, sizeof(path), "%s/%s", rules_dirs[i], de->d_name))
				continue;
			why = rule_concern(path);
			if (why)
				add(w, "udev rule %s %s; it may change devices behind dax-policy", path, why);
		}
		closedir(dir);
	}
	if (snap->auto_online[0] && strcmp(snap->auto_online, "offline") != 0)
		add(w, "the kernel onlines hotplugged memory by itself (auto_online_blocks=%s); "
		       "system-ram blocks may land in another zone than online= asks",
		    snap->auto_online);
}
