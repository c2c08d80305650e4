// SPDX-License-Identifier: GPL-2.0-or-later
#include "holders.h"
#include "sysroot.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void add_holder(struct holders *out, pid_t pid, const char *what, bool mapped)
{
	for (int i = 0; i < out->n && i < HOLDERS_MAX; i++) {
		if (out->h[i].pid == pid && pid != 0) {
			out->h[i].mapped |= mapped;
			return;
		}
	}
	if (out->n < HOLDERS_MAX) {
		struct holder *h = &out->h[out->n];

		h->pid = pid;
		h->mapped = mapped;
		str_copy(h->comm, sizeof(h->comm), what);
	}
	out->n++;
}

static bool fd_holds(pid_t pid, const char *devpath)
{
	char dir[64], link[PATH_MAX + 64], target[PATH_MAX];
	struct dirent *de;
	bool found = false;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", (int)pid);
	d = sysroot_opendir(dir);
	if (!d)
		return false;
	while (!found && (de = readdir(d))) {
		char full[PATH_MAX];
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		if (!str_printf(link, sizeof(link), "%s/%s", dir, de->d_name) ||
		    !sysroot_path(full, sizeof(full), link))
			continue;
		n = readlink(full, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		found = strcmp(target, devpath) == 0;
	}
	closedir(d);
	return found;
}

static bool maps_hold(pid_t pid, const char *devpath)
{
	char path[64], full[PATH_MAX], line[PATH_MAX + 128];
	size_t dlen = strlen(devpath);
	bool found = false;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/maps", (int)pid);
	if (!sysroot_path(full, sizeof(full), path))
		return false;
	f = fopen(full, "re");
	if (!f)
		return false;
	while (!found && fgets(line, sizeof(line), f)) {
		char *p = strstr(line, devpath);

		/* the path is the last field: "... /dev/dax0.0\n" */
		found = p && (p[dlen] == '\n' || p[dlen] == '\0' || p[dlen] == ' ');
	}
	fclose(f);
	return found;
}

/* Mounts of the init namespace: ours may be private under systemd. */
static void scan_mounts(const char *devpath, struct holders *out)
{
	char full[PATH_MAX], line[4096];
	FILE *f;

	if (!sysroot_path(full, sizeof(full), "/proc/1/mountinfo"))
		return;
	f = fopen(full, "re");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mountpoint opts ... - fstype source opts" */
		char mnt[PATH_MAX], *sep = strstr(line, " - ");
		char fstype[64], source[PATH_MAX];

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		if (strcmp(source, devpath) == 0) {
			out->mounts++;
			add_holder(out, 0, mnt, false);
		}
	}
	fclose(f);
}

void holders_find(const char *name, struct holders *out)
{
	char devpath[64];
	struct dirent *de;
	pid_t self = getpid();
	DIR *proc;

	memset(out, 0, sizeof(*out));
	if (!str_printf(devpath, sizeof(devpath), "/dev/%s", name))
		return;
	scan_mounts(devpath, out);
	proc = sysroot_opendir("/proc");
	if (!proc)
		return;
	while ((de = readdir(proc))) {
		char comm_path[64], comm[32] = "?";
		bool mapped, open_fd;
		int pid;

		if (!isdigit((unsigned char)de->d_name[0]) || !parse_uint(de->d_name, &pid))
			continue;
		if ((pid_t)pid == self && sysroot_is_live())
			continue;
		mapped = maps_hold(pid, devpath);
		open_fd = !mapped && fd_holds(pid, devpath);
		if (!mapped && !open_fd)
			continue;
		snprintf(comm_path, sizeof(comm_path), "/proc/%d/comm", pid);
		sysroot_read(comm_path, comm, sizeof(comm));
		add_holder(out, pid, comm, mapped);
	}
	closedir(proc);
}

void holders_describe(const struct holders *h, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int i = 0; i < h->n && i < HOLDERS_MAX; i++) {
		int n;

		if (h->h[i].pid)
			n = snprintf(buf + used, size - used, "%spid %d (%s, %s)", i ? ", " : "",
				     (int)h->h[i].pid, h->h[i].comm,
				     h->h[i].mapped ? "mapped" : "open");
		else
			n = snprintf(buf + used, size - used, "%smounted on %s", i ? ", " : "",
				     h->h[i].comm);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
	if (h->n > HOLDERS_MAX)
		snprintf(buf + used, size - used, " and %d more", h->n - HOLDERS_MAX);
}
