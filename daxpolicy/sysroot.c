// SPDX-License-Identifier: GPL-2.0-or-later
#include "sysroot.h"
#include "cleanup.h"
#include "journal.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

bool sysroot_set(struct dp_ctx *c, const char *dir)
{
	size_t n;

	sysroot_release(c);
	if (!dir || !*dir || strcmp(dir, "/") == 0)
		return true;
	/* canonical, so paths under it can be told apart from the root */
	if (!realpath(dir, c->root))
		return false;
	if (strcmp(c->root, "/") == 0) {
		c->root[0] = '\0';
		return true;
	}
	n = strlen(c->root);
	while (n > 1 && c->root[n - 1] == '/')
		c->root[--n] = '\0';
	/* what reads resolve beneath (open_beneath) */
	c->root_fd = open(c->root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (c->root_fd < 0) {
		c->root[0] = '\0';
		return false;
	}
	return true;
}

void sysroot_release(struct dp_ctx *c)
{
	if (c->root_fd >= 0)
		close(c->root_fd);
	c->root_fd = -1;
	c->root[0] = '\0';
}

bool sysroot_is_live(const struct dp_ctx *c)
{
	return c->root[0] == '\0';
}

/* One formatting pass: the root copied, the path formatted after it (the
 * live system's path is what follows the root: live_part()). */
static bool vfull_path(const struct dp_ctx *c, char *full, size_t size, const char *fmt, va_list ap)
{
	size_t root = strlen(c->root);
	int n;

	if (root >= size)
		return false;
	memcpy(full, c->root, root);
	n = vsnprintf(full + root, size - root, fmt, ap);
	return n >= 0 && (size_t)n < size - root;
}

/* The path, as on the live system, of FULL (made by vfull_path). */
static const char *live_part(const struct dp_ctx *c, const char *full)
{
	return full + strlen(c->root);
}

bool sysroot_path(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, out, size, fmt, ap);
	va_end(ap);
	return ok;
}

/*
 * Open FULL for reading or writing, never blocking (a FIFO planted in a
 * --root tree, or anywhere, must not stop a run): sysfs attributes, /proc
 * files and our /run files are all regular files, and nothing else is used.
 */
static int open_regular(const char *full, int flags)
{
	_cleanup_close_ int fd = open(full, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	struct stat st;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	return take_fd(&fd);
}

/* Whether REAL, a canonical path, is the root or under it: only if a '/'
 * follows the root (/x/root is not in /x/ro). */
static bool under_root(const struct dp_ctx *c, const char *real)
{
	size_t n = strlen(c->root);

	return strncmp(real, c->root, n) == 0 && (real[n] == '/' || real[n] == '\0');
}

/* openat2 beneath the root answers EAGAIN when a rename or mount anywhere
 * crossed a lookup of '..' (every sysfs link has them): tries before the
 * realpath check takes over */
#define BENEATH_TRIES 4

/*
 * Under --root, open FULL for reading so that no link in it, absolute or
 * of '..', leads out of the tree (a made-up tree's attribute could be a
 * link to /etc/shadow, and its first bytes show in a message): EXDEV
 * then. Without openat2 (a kernel before 5.6, or a seccomp filter that
 * refuses it) or after BENEATH_TRIES EAGAINs: the file must resolve
 * inside the root. FLAGS: O_RDONLY, with O_DIRECTORY for a directory.
 */
static int open_beneath(const struct dp_ctx *c, const char *full, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS };
	const char *rel = live_part(c, full);
	char real[PATH_MAX];
	long fd = -1;

	while (*rel == '/')
		rel++;
	for (int i = 0; i < BENEATH_TRIES; i++) {
		fd = syscall(SYS_openat2, c->root_fd, *rel ? rel : ".", &how, sizeof(how));
		if (fd >= 0)
			return (int)fd;
		if (errno != EAGAIN)
			break;
	}
	if (errno != ENOSYS && errno != EPERM && errno != EAGAIN)
		return -errno;
	if (!realpath(full, real))
		return -errno;
	if (!under_root(c, real))
		return -EXDEV;
	fd = open(real, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd < 0 ? -errno : (int)fd;
}

/* An fd of a regular file (what every file read or written is), or -errno */
static int regular_only(int fd)
{
	_cleanup_close_ int owned = fd;
	struct stat st;

	if (fd < 0)
		return fd;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode))
		return S_ISDIR(st.st_mode) ? -EISDIR : -EINVAL;
	return take_fd(&owned);
}

/*
 * The live /sys holds only regular files, directories and links (no FIFO,
 * no device node can be made there), and a directory cannot be opened for
 * writing nor read: its attributes are opened without open_regular()'s
 * fstat, one system call of four per attribute read or written. Anything
 * else, and anything under --root, is checked.
 */
static int open_attr(const struct dp_ctx *c, const char *full, int flags)
{
	int fd;

	if (!sysroot_is_live(c))
		return regular_only(open_beneath(c, full, flags));
	if (!str_has_prefix(full, "/sys/"))
		return open_regular(full, flags);
	fd = open(full, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	return fd < 0 ? -errno : fd;
}

static int read_attr(const struct dp_ctx *c, const char *full, char *buf, size_t size)
{
	_cleanup_close_ int fd = open_attr(c, full, O_RDONLY);
	ssize_t n;

	if (fd < 0)
		return fd;
	n = read(fd, buf, size - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

static int vread(const struct dp_ctx *c, char *buf, size_t size, const char *fmt, va_list ap)
{
	char full[PATH_MAX];

	if (!vfull_path(c, full, sizeof(full), fmt, ap))
		return -ENAMETOOLONG;
	return read_attr(c, full, buf, size);
}

int sysroot_read(const struct dp_ctx *c, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vread(c, buf, size, fmt, ap);
	va_end(ap);
	return rc;
}

int sysroot_read_u64(const struct dp_ctx *c, uint64_t *out, const char *fmt, ...)
{
	char buf[ATTR_MAX];
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vread(c, buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	return parse_u64(buf, out) ? 0 : -EINVAL;
}

int sysroot_read_int(const struct dp_ctx *c, int *out, const char *fmt, ...)
{
	char buf[ATTR_MAX];
	char *end;
	va_list ap;
	long v;
	int rc;

	va_start(ap, fmt);
	rc = vread(c, buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end || v < INT32_MIN || v > INT32_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

bool sysroot_exists(const struct dp_ctx *c, const char *fmt, ...)
{
	char full[PATH_MAX];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	return ok && access(full, F_OK) == 0;
}

static int vreadlink(const struct dp_ctx *c, char *out, size_t size, const char *fmt, va_list ap)
{
	char full[PATH_MAX];
	ssize_t n;

	if (!vfull_path(c, full, sizeof(full), fmt, ap))
		return -ENAMETOOLONG;
	n = readlink(full, out, size - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return 0;
}

int sysroot_readlink(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreadlink(c, out, size, fmt, ap);
	va_end(ap);
	return rc;
}

int sysroot_link_name(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
{
	char target[PATH_MAX];
	const char *base;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vreadlink(c, target, sizeof(target), fmt, ap);
	va_end(ap);
	if (rc)
		return rc;
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return str_copy(out, size, base) ? 0 : -ENAMETOOLONG;
}

int sysroot_canonical(const struct dp_ctx *c, char *out, size_t size, const char *fmt, ...)
{
	char full[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(c->root);
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok)
		return -ENAMETOOLONG;
	if (!realpath(full, real))
		return -errno;
	if (!n)
		return str_copy(out, size, real) ? 0 : -ENAMETOOLONG;
	if (!under_root(c, real))
		return -EXDEV;
	return str_copy(out, size, real[n] ? real + n : "/") ? 0 : -ENAMETOOLONG;
}

DIR *sysroot_opendir(const struct dp_ctx *c, const char *fmt, ...)
{
	char full[PATH_MAX];
	va_list ap;
	DIR *d;
	bool ok;
	int fd;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	if (sysroot_is_live(c))
		return opendir(full);
	fd = open_beneath(c, full, O_RDONLY | O_DIRECTORY);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	d = fdopendir(fd);
	if (!d) {
		int err = errno;

		close(fd);
		errno = err;
	}
	return d;
}

FILE *sysroot_fopen(const struct dp_ctx *c, const char *fmt, ...)
{
	char full[PATH_MAX];
	va_list ap;
	FILE *f;
	bool ok;
	int fd;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = sysroot_is_live(c) ? open_regular(full, O_RDONLY)
				: regular_only(open_beneath(c, full, O_RDONLY));
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/*
 * Open FULL for a write under --root, where a tree may be made up: its
 * directory must resolve inside the root, the file itself be no link
 * (O_NOFOLLOW) and a regular file. Nothing is truncated before that is
 * known: the caller cuts the file to what it wrote. A write through a
 * link out of the tree would land on whatever file it names.
 */
static int open_in_root(const struct dp_ctx *c, const char *full)
{
	char dir[PATH_MAX], real[PATH_MAX], *slash;

	if (!str_copy(dir, sizeof(dir), full))
		return -ENAMETOOLONG;
	slash = strrchr(dir, '/');
	if (slash)
		*slash = '\0';
	if (!realpath(dir, real))
		return -errno;
	if (!under_root(c, real))
		return -EXDEV;
	return open_regular(full, O_WRONLY | O_NOFOLLOW);
}

/* Write VALUE to the attribute FMT names; traced from verbosity LEVEL on. */
static int vwrite(const struct dp_ctx *c, enum verbosity level, const char *step, const char *value,
		  const char *fmt, va_list ap)
{
	char full[PATH_MAX];
	const char *live = live_part(c, full);
	size_t len = strlen(value);
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!vfull_path(c, full, sizeof(full), fmt, ap))
		return -ENAMETOOLONG;
	if (c->dry_run) {
		print_dry_run(c, "  write %-10s %s > %s", step, value, live);
		return 0;
	}
	log_entry(c, level, &(const struct journal_fields){ .priority = LOG_DEBUG },
		  "%s: write '%s' to %s", step, value, live);
	fd = sysroot_is_live(c) ? open_attr(c, full, O_WRONLY | O_TRUNC) : open_in_root(c, full);
	if (fd < 0)
		return fd;
	n = write(fd, value, len);
	if (n < 0)
		return -errno;
	if ((size_t)n != len)
		return -EIO;
	/* under --root: what was there beyond it goes (sysfs has nothing to cut) */
	return sysroot_is_live(c) || ftruncate(fd, (off_t)len) == 0 ? 0 : -errno;
}

int sysroot_write(const struct dp_ctx *c, const char *step, const char *value, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vwrite(c, VERBOSITY_VERBOSE, step, value, fmt, ap);
	va_end(ap);
	return rc;
}

int sysroot_write_bulk(const struct dp_ctx *c, const char *step, const char *value, const char *fmt,
		       ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = vwrite(c, VERBOSITY_DEBUG, step, value, fmt, ap);
	va_end(ap);
	return rc;
}

int sysroot_inode(const struct dp_ctx *c, uint64_t *ino, const char *fmt, ...)
{
	char full[PATH_MAX];
	struct stat st;
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok)
		return -ENAMETOOLONG;
	if (stat(full, &st) < 0)
		return -errno;
	*ino = (uint64_t)st.st_ino;
	return 0;
}

int sysroot_store(const struct dp_ctx *c, const char *content, const char *fmt, ...)
{
	char full[PATH_MAX], tmp[PATH_MAX + 8], *slash;
	const char *live = live_part(c, full);
	size_t len = strlen(content);
	_cleanup_close_ int fd = -1;
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok || !str_printf(tmp, sizeof(tmp), "%s.new", full))
		return -ENAMETOOLONG;
	if (c->dry_run)
		return 0;
	log_verbose(c, "state: write %s", live);
	slash = strrchr(full, '/');
	if (slash && slash != full) {
		*slash = '\0';
		if (mkdir(full, 0755) < 0 && errno != EEXIST)
			return -errno;
		*slash = '/';
	}
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (write(fd, content, len) != (ssize_t)len) {
		int err = errno ? -errno : -EIO;

		unlink(tmp);
		return err;
	}
	if (rename(tmp, full) < 0) {
		int err = -errno;

		unlink(tmp);
		return err;
	}
	return 0;
}

int sysroot_unlink(const struct dp_ctx *c, const char *fmt, ...)
{
	char full[PATH_MAX];
	va_list ap;
	bool ok;

	va_start(ap, fmt);
	ok = vfull_path(c, full, sizeof(full), fmt, ap);
	va_end(ap);
	if (!ok)
		return -ENAMETOOLONG;
	if (c->dry_run)
		return 0;
	return unlink(full) < 0 && errno != ENOENT ? -errno : 0;
}
