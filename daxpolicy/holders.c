// SPDX-License-Identifier: GPL-2.0-or-later
#include "holders.h"
#include "cleanup.h"
#include "discover.h"
#include "sysroot.h"
#include "util.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

/* Nodes (filesystem, inode) known to be one of the devices; a mapping of
 * one of them is a mapping of that device. */
#define NODES_MAX 256
/* Mapped files already looked at through map_files (shared libraries are
 * the same file in every process): an open-addressed table. */
#define SEEN_SLOTS 4096
/* /proc's files say their block size is 1 KiB, so stdio asked for a
 * kilobyte per system call: a daemon's maps took ten or more. The kernel
 * gives up to a page per read of them whatever is asked; asked for more,
 * it is a quarter of the calls (and a --root tree's regular file is read
 * in one). */
#define PROC_READ_BUF (64 * 1024)

struct node {
	dev_t fs;
	ino_t ino;
	size_t dev; /* index into the scan's devices */
};

struct seen {
	dev_t fs;
	ino_t ino;
	int dev; /* index, or -1: not a device; slot unused when !used */
	bool used;
};

struct wanted_dev {
	dev_t num;
	size_t dev;
};

/* One scan: the devices asked about and what has been learnt on the way. */
struct scan {
	const struct dp_ctx *c;
	const struct dax_device *const *devs;
	size_t n;
	struct holders *out;
	struct node nodes[NODES_MAX];
	size_t nnodes;
	struct seen *seen; /* SEEN_SLOTS, or NULL (then nothing is remembered) */
	/* per device, the process last added: many fds of one count once */
	int *last_pid;
	/* the devices looked for, by number, for a binary search */
	struct wanted_dev *by_num;
	size_t nnum;
	bool map_files; /* /proc/PID/map_files may be read (CAP_SYS_ADMIN) */
	pid_t self;
	char *read_buf; /* PROC_READ_BUF, or NULL: stdio's own */
	/* the processes the fd pass found with memory, for the maps pass:
	 * /proc listed and each exe link read once, not twice */
	int *pids;
	size_t npids, cap_pids;
	bool pids_whole; /* every one of them is in PIDS (no allocation failed) */
};

/* F reads through the scan's buffer, asking for more than a page a read
 * (one file at a time uses it). */
static void read_in_pages(const struct scan *s, FILE *f)
{
	if (s->read_buf)
		setvbuf(f, s->read_buf, _IOFBF, PROC_READ_BUF);
}

/* Does DEVS[i] need looking for? (asked for, and its number known) */
static bool wanted_dev_at(const struct dax_device *const *devs, size_t i)
{
	return devs[i] && devs[i]->devnum;
}

static bool wanted(const struct scan *s, size_t i)
{
	return wanted_dev_at(s->devs, i);
}

static int cmp_num(const void *a, const void *b)
{
	dev_t x = ((const struct wanted_dev *)a)->num, y = ((const struct wanted_dev *)b)->num;

	return x < y ? -1 : x > y;
}

/* The device whose number RDEV is, or -1 (every char fd of every process
 * is asked: a binary search keeps 10,000 devices cheap). */
static int device_of(const struct scan *s, dev_t rdev)
{
	struct wanted_dev key = { .num = rdev };
	const struct wanted_dev *w = bsearch(&key, s->by_num, s->nnum, sizeof(key), cmp_num);

	return w ? (int)w->dev : -1;
}

static int node_device(const struct scan *s, dev_t fs, ino_t ino)
{
	for (size_t i = 0; i < s->nnodes; i++)
		if (s->nodes[i].fs == fs && s->nodes[i].ino == ino)
			return (int)s->nodes[i].dev;
	return -1;
}

static void learn_node(struct scan *s, dev_t fs, ino_t ino, size_t dev)
{
	if (node_device(s, fs, ino) >= 0 || s->nnodes == NODES_MAX)
		return;
	s->nodes[s->nnodes++] = (struct node){ .fs = fs, .ino = ino, .dev = dev };
}

/*
 * stat() that never waits on a server (a process may have files open on a
 * hung NFS mount): what the kernel has cached is enough to tell a character
 * device from anything else.
 */
static int stat_cached(const char *path, struct stat *st)
{
	struct statx sx;

	if (statx(AT_FDCWD, path, AT_STATX_DONT_SYNC | AT_NO_AUTOMOUNT, STATX_TYPE | STATX_INO,
		  &sx) < 0)
		return -errno;
	memset(st, 0, sizeof(*st));
	st->st_mode = sx.stx_mode;
	st->st_ino = sx.stx_ino;
	st->st_dev = makedev(sx.stx_dev_major, sx.stx_dev_minor);
	st->st_rdev = makedev(sx.stx_rdev_major, sx.stx_rdev_minor);
	return 0;
}

/* Which device the file at PATH (under the root) is; learns its node.
 * NOT_OURS when it is something else, UNSEEN when it cannot be looked at. */
enum { NOT_OURS = -1, UNSEEN = -2 };

static int file_device(struct scan *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int file_device(struct scan *s, const char *fmt, ...)
{
	char live[PATH_MAX], full[PATH_MAX];
	struct stat st;
	va_list ap;
	int n, dev;

	va_start(ap, fmt);
	n = vsnprintf(live, sizeof(live), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(live) ||
	    !sysroot_path(s->c, full, sizeof(full), "%s", live) || stat_cached(full, &st) != 0)
		return UNSEEN;
	if (!S_ISCHR(st.st_mode))
		return NOT_OURS;
	dev = device_of(s, st.st_rdev);
	if (dev >= 0)
		learn_node(s, st.st_dev, st.st_ino, (size_t)dev);
	return dev;
}

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
		/* a process names itself: no terminal commands in our messages */
		str_sanitize(h->comm);
	}
	out->n++;
}

static void add_process(struct scan *s, int dev, int pid, bool mapped)
{
	char comm[32] = "?";

	if (s->last_pid[dev] == pid) {
		struct holders *h = &s->out[dev];

		for (int i = 0; i < h->n && i < HOLDERS_MAX; i++)
			if (h->h[i].pid == pid)
				h->h[i].mapped |= mapped;
		return;
	}
	s->last_pid[dev] = pid;
	sysroot_read(s->c, comm, sizeof(comm), "/proc/%d/comm", pid);
	add_holder(&s->out[dev], pid, comm, mapped);
}

/* Open files: a file is the device when its number is, whatever its name. */
static void scan_fds(struct scan *s, int pid)
{
	_cleanup_closedir_ DIR *d = sysroot_opendir(s->c, "/proc/%d/fd", pid);
	struct dirent *de;

	if (!d)
		return;
	while ((de = readdir(d))) {
		int dev;

		if (de->d_name[0] == '.')
			continue;
		dev = file_device(s, "/proc/%d/fd/%s", pid, de->d_name);
		if (dev >= 0)
			add_process(s, dev, pid, false);
	}
}

static struct seen *seen_slot(struct scan *s, dev_t fs, ino_t ino)
{
	size_t h = ((size_t)fs * 31u + (size_t)ino) % SEEN_SLOTS;

	for (size_t i = 0; i < SEEN_SLOTS; i++) {
		struct seen *e = &s->seen[(h + i) % SEEN_SLOTS];

		if (!e->used || (e->fs == fs && e->ino == ino))
			return e;
	}
	return NULL; /* full: look every time */
}

/* A mapped file no known node is: ask map_files what it is, once per file. */
static int mapped_file_device(struct scan *s, int pid, const char *range, dev_t fs, ino_t ino)
{
	struct seen *e = s->seen ? seen_slot(s, fs, ino) : NULL;
	char full[PATH_MAX];
	struct stat st;
	int dev = -1, rc;

	if (e && e->used)
		return e->dev;
	if (!s->map_files ||
	    !sysroot_path(s->c, full, sizeof(full), "/proc/%d/map_files/%s", pid, range))
		return -1;
	rc = stat_cached(full, &st);
	if (rc == -EPERM || rc == -EACCES) {
		s->map_files = false; /* not for us (no CAP_SYS_ADMIN): the same for all */
		return -1;
	}
	if (rc == 0 && S_ISCHR(st.st_mode))
		dev = device_of(s, st.st_rdev);
	if (rc == 0 && e)
		*e = (struct seen){ .fs = fs, .ino = ino, .dev = dev, .used = true };
	if (dev >= 0)
		learn_node(s, fs, ino, (size_t)dev);
	return dev;
}

/* Mappings: "start-end perms offset maj:min inode path". Device dax can only
 * be mapped shared, so only shared file mappings are looked at. */
static void scan_maps(struct scan *s, int pid)
{
	_cleanup_fclose_ FILE *f = sysroot_fopen(s->c, "/proc/%d/maps", pid);
	char line[PATH_MAX + 128];

	if (!f)
		return;
	read_in_pages(s, f);
	while (fgets(line, sizeof(line), f)) {
		char range[64], perms[8];
		unsigned maj, min;
		unsigned long long ino;
		int dev;

		if (!strchr(line, '\n') && !feof(f)) {
			/* a longer line (a long path): skip the rest of it */
			int ch;

			while ((ch = fgetc(f)) != EOF && ch != '\n')
				;
		}
		if (sscanf(line, "%63s %7s %*s %x:%x %llu", range, perms, &maj, &min, &ino) != 5 ||
		    ino == 0 || strlen(perms) < 4 || perms[3] != 's')
			continue;
		dev = node_device(s, makedev(maj, min), (ino_t)ino);
		if (dev < 0)
			dev = mapped_file_device(s, pid, range, makedev(maj, min), (ino_t)ino);
		if (dev >= 0)
			add_process(s, dev, pid, true);
	}
}

/* The source of a mount, as the init namespace sees it: a device node by
 * number where it can be looked at; the kernel keeps only its name, so a
 * source that cannot be looked at counts by name. */
static int mount_device(struct scan *s, const char *source)
{
	int dev;

	if (source[0] != '/')
		return -1;
	dev = file_device(s, "/proc/1/root%s", source);
	if (dev != UNSEEN)
		return dev;
	for (size_t i = 0; i < s->n; i++) {
		char path[DAX_NAME_MAX + 8];

		if (wanted(s, i) && str_printf(path, sizeof(path), "/dev/%s", s->devs[i]->name) &&
		    strcmp(source, path) == 0)
			return (int)i;
	}
	return -1;
}

/* Mounts of the init namespace: ours may be private under systemd. */
static void scan_mounts(struct scan *s)
{
	_cleanup_fclose_ FILE *f = sysroot_fopen(s->c, "/proc/1/mountinfo");
	char line[4096];

	if (!f)
		return;
	read_in_pages(s, f);
	while (fgets(line, sizeof(line), f)) {
		/* "id parent maj:min root mountpoint opts ... - fstype source opts" */
		char mnt[PATH_MAX], *sep = strstr(line, " - ");
		char fstype[64], source[PATH_MAX];
		int dev;

		if (!sep || sscanf(line, "%*s %*s %*s %*s %4095s", mnt) != 1)
			continue;
		if (sscanf(sep + 3, "%63s %4095s", fstype, source) != 2)
			continue;
		dev = mount_device(s, source);
		if (dev >= 0) {
			s->out[dev].mounts++;
			add_holder(&s->out[dev], 0, mnt, false);
		}
	}
}

/*
 * A kernel thread has no files and no memory of its own; neither has a
 * zombie, nor a process whose exit has let go of its memory (its files
 * follow at once, and it makes no more system calls). /proc says so by
 * an exe link that leads nowhere: one readlink instead of listing its fd
 * directory and reading its maps, which was most of a scan on an idle
 * machine.
 */
static bool without_memory(const struct scan *s, int pid)
{
	char exe[8];

	return sysroot_readlink(s->c, exe, sizeof(exe), "/proc/%d/exe", pid) == -ENOENT;
}

/* Remember PID for the maps pass; without room, that pass lists /proc again. */
static void keep_pid(struct scan *s, int pid)
{
	if (!s->pids_whole)
		return;
	if (s->npids == s->cap_pids) {
		size_t ncap = s->cap_pids ? s->cap_pids * 2 : 256;
		int *np = realloc(s->pids, ncap * sizeof(*np));

		if (!np) {
			s->pids_whole = false;
			return;
		}
		s->pids = np;
		s->cap_pids = ncap;
	}
	s->pids[s->npids++] = pid;
}

/* Each process of /proc with memory, for SCAN_ONE; KEEP: remember them. */
static void each_process(struct scan *s, DIR *proc, void (*scan_one)(struct scan *s, int pid),
			 bool keep)
{
	struct dirent *de;

	rewinddir(proc);
	memset(s->last_pid, 0, s->n * sizeof(*s->last_pid));
	while ((de = readdir(proc))) {
		int pid;

		if (!isdigit((unsigned char)de->d_name[0]) || !parse_uint(de->d_name, &pid))
			continue;
		if ((pid_t)pid == s->self && sysroot_is_live(s->c))
			continue;
		if (without_memory(s, pid))
			continue;
		if (keep)
			keep_pid(s, pid);
		scan_one(s, pid);
	}
}

/* The fds of every process, then the maps (once every node that is open
 * somewhere is known) of those the first pass found. A process started
 * between the passes has its maps read only if /proc is listed again;
 * one started after the listing is missed either way. */
static void scan_processes(struct scan *s, DIR *proc)
{
	s->pids_whole = true;
	each_process(s, proc, scan_fds, true);
	if (!s->pids_whole) {
		each_process(s, proc, scan_maps, false);
		return;
	}
	memset(s->last_pid, 0, s->n * sizeof(*s->last_pid));
	for (size_t i = 0; i < s->npids; i++)
		scan_maps(s, s->pids[i]);
}

void holders_scan(const struct dp_ctx *c, const struct dax_device *const *devs, size_t n,
		  struct holders *out)
{
	_cleanup_free_ struct seen *seen = NULL;
	_cleanup_free_ int *last_pid = NULL;
	_cleanup_free_ struct wanted_dev *by_num = NULL;
	_cleanup_closedir_ DIR *proc = NULL;
	_cleanup_free_ struct scan *s = NULL;
	_cleanup_free_ char *read_buf = NULL;
	bool any = false;

	memset(out, 0, n * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (!devs[i])
			continue;
		if (!devs[i]->devnum)
			out[i].unknown = "its device number is unknown"; /* cannot compare */
		else
			any = true;
	}
	if (!any)
		return;
	s = calloc(1, sizeof(*s));
	seen = calloc(SEEN_SLOTS, sizeof(*seen));
	last_pid = calloc(n, sizeof(*last_pid));
	by_num = calloc(n, sizeof(*by_num));
	read_buf = malloc(PROC_READ_BUF);
	if (!s || !last_pid || !by_num) {
		for (size_t i = 0; i < n; i++)
			if (wanted_dev_at(devs, i))
				out[i].unknown = "out of memory";
		return;
	}
	*s = (struct scan){ .c = c,
			    .devs = devs,
			    .n = n,
			    .out = out,
			    .seen = seen,
			    .last_pid = last_pid,
			    .by_num = by_num,
			    .map_files = true,
			    .self = getpid(),
			    .read_buf = read_buf };
	for (size_t i = 0; i < n; i++)
		if (wanted(s, i))
			by_num[s->nnum++] = (struct wanted_dev){ .num = devs[i]->devnum, .dev = i };
	qsort(by_num, s->nnum, sizeof(*by_num), cmp_num);
	/* /dev's own nodes first: a bind mount of one is the same inode */
	for (size_t i = 0; i < n; i++)
		if (wanted(s, i))
			file_device(s, "/dev/%s", devs[i]->name);
	scan_mounts(s);
	proc = sysroot_opendir(c, "/proc");
	if (!proc) {
		/* no /proc at all (a --root tree without one): no processes */
		const char *why = errno == EXDEV ? "/proc leads out of the --root tree"
						 : "/proc cannot be listed";

		if (errno != ENOENT)
			for (size_t i = 0; i < n; i++)
				if (wanted(s, i))
					out[i].unknown = why;
		return;
	}
	scan_processes(s, proc);
	free(s->pids);
}

bool holders_any(const struct holders *h)
{
	return h->n > 0 || h->unknown;
}

void holders_describe(const struct holders *h, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	if (h->unknown) {
		snprintf(buf, size, "who holds it cannot be told (%s)", h->unknown);
		return;
	}
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
