// SPDX-License-Identifier: GPL-2.0-or-later
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sysroot sysroot;

bool sysroot_set(const char *dir)
{
	size_t n;

	if (!dir || !*dir || strcmp(dir, "/") == 0) {
		sysroot.dir[0] = '\0';
		return true;
	}
	/* canonical, so paths under it can be told apart from the root */
	if (!realpath(dir, sysroot.dir))
		return false;
	if (strcmp(sysroot.dir, "/") == 0) {
		sysroot.dir[0] = '\0';
		return true;
	}
	n = strlen(sysroot.dir);
	while (n > 1 && sysroot.dir[n - 1] == '/')
		sysroot.dir[--n] = '\0';
	return true;
}

bool sysroot_is_live(void)
{
	return sysroot.dir[0] == '\0';
}

bool sysroot_path(char *out, size_t size, const char *path)
{
	return str_printf(out, size, "%s%s", sysroot.dir, path);
}

int sysroot_read(const char *path, char *buf, size_t size)
{
	char full[PATH_MAX];
	ssize_t n;
	int fd;

	if (!sysroot_path(full, sizeof(full), path))
		return -ENAMETOOLONG;
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	buf[n] = '\0';
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = '\0';
	return 0;
}

int sysroot_read_u64(const char *path, uint64_t *out)
{
	char buf[ATTR_MAX];
	int rc = sysroot_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	return parse_u64(buf, out) ? 0 : -EINVAL;
}

int sysroot_read_int(const char *path, int *out)
{
	char buf[ATTR_MAX];
	char *end;
	long v;
	int rc = sysroot_read(path, buf, sizeof(buf));

	if (rc)
		return rc;
	errno = 0;
	v = strtol(buf, &end, 10);
	if (errno || end == buf || *end || v < INT32_MIN || v > INT32_MAX)
		return -EINVAL;
	*out = (int)v;
	return 0;
}

bool sysroot_exists(const char *path)
{
	char full[PATH_MAX];

	return sysroot_path(full, sizeof(full), path) && access(full, F_OK) == 0;
}

int sysroot_link_name(const char *path, char *out, size_t size)
{
	char full[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	if (!sysroot_path(full, sizeof(full), path))
		return -ENAMETOOLONG;
	n = readlink(full, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base ? base + 1 : target;
	return str_copy(out, size, base) ? 0 : -ENAMETOOLONG;
}

int sysroot_canonical(const char *path, char *out, size_t size)
{
	char full[PATH_MAX], real[PATH_MAX];
	size_t n = strlen(sysroot.dir);

	if (!sysroot_path(full, sizeof(full), path))
		return -ENAMETOOLONG;
	if (!realpath(full, real))
		return -errno;
	if (n && strncmp(real, sysroot.dir, n) == 0)
		return str_copy(out, size, real + n) ? 0 : -ENAMETOOLONG;
	return str_copy(out, size, real) ? 0 : -ENAMETOOLONG;
}

DIR *sysroot_opendir(const char *path)
{
	char full[PATH_MAX];

	if (!sysroot_path(full, sizeof(full), path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	return opendir(full);
}

int sysroot_write(const char *path, const char *value, const char *step)
{
	char full[PATH_MAX];
	size_t len = strlen(value);
	ssize_t n;
	int fd, err;

	if (!sysroot_path(full, sizeof(full), path))
		return -ENAMETOOLONG;
	sysroot.writes++;
	if (sysroot.dry_run) {
		fprintf(sysroot.dry_out ? sysroot.dry_out : stdout,
			"  write %-10s %s > %s\n", step, value, path);
		return 0;
	}
	msg_verbose("%s: write '%s' to %s", step, value, path);
	fd = open(full, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	err = n < 0 ? -errno : ((size_t)n != len ? -EIO : 0);
	close(fd);
	return err;
}
