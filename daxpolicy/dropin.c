// SPDX-License-Identifier: GPL-2.0-or-later
#include "dropin.h"
#include "cleanup.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* DIR and every missing directory above it, 0755 whatever the umask. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];

	if (!str_copy(path, sizeof(path), dir))
		return -ENAMETOOLONG;
	for (char *p = path + 1;; p++) {
		bool last = *p == '\0';

		if (*p != '/' && !last)
			continue;
		*p = '\0';
		if (mkdir(path, 0755) == 0) {
			if (chmod(path, 0755) < 0)
				return -errno;
		} else if (errno != EEXIST) {
			return -errno;
		}
		if (last)
			return 0;
		*p = '/';
	}
}

/* What is at NAME in DFD, not following a link: 0 (nothing), 1 (a regular
 * file), -ENOTSUP (anything else) or -errno. */
static int what_is_there(int dfd, const char *name)
{
	struct stat st;

	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return errno == ENOENT ? 0 : -errno;
	return S_ISREG(st.st_mode) ? 1 : -ENOTSUP;
}

static int write_all(int fd, const char *text)
{
	size_t len = strlen(text), done = 0;

	while (done < len) {
		ssize_t n = write(fd, text + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		done += (size_t)n;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/* A new temporary file in DFD, never an existing one or a link's target. */
static int make_temp(int dfd, const char *name, char *tmp, size_t size)
{
	for (int attempt = 0; attempt < 2; attempt++) {
		int fd;

		/* a leading dot: the loader never reads it */
		if (!str_printf(tmp, size, ".%s.%ld.tmp", name, (long)getpid()))
			return -ENAMETOOLONG;
		fd = openat(dfd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd >= 0)
			return fd;
		if (errno != EEXIST)
			return -errno;
		/* left by a run of the same pid that was killed; we hold the lock */
		if (unlinkat(dfd, tmp, 0) < 0)
			return -errno;
	}
	return -EEXIST;
}

int dropin_write(const char *dir, const char *name, const char *text, bool replace)
{
	_cleanup_close_ int dfd = -1, fd = -1;
	char tmp[NAME_MAX + 1];
	int rc;

	rc = make_dirs(dir);
	if (rc)
		return rc;
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0)
		return -errno;
	rc = what_is_there(dfd, name);
	if (rc < 0)
		return rc;
	if (rc == 1 && !replace)
		return -EEXIST;
	fd = make_temp(dfd, name, tmp, sizeof(tmp));
	if (fd < 0)
		return fd;
	rc = fchmod(fd, 0644) < 0 ? -errno : write_all(fd, text);
	if (rc == 0) {
		/* no replace: never over a file that appeared since the check */
		if (renameat2(dfd, tmp, dfd, name, replace ? 0 : RENAME_NOREPLACE) < 0)
			rc = -errno;
		/* a filesystem without RENAME_NOREPLACE: check again, as near as can be */
		if (rc == -EINVAL && !replace) {
			rc = what_is_there(dfd, name);
			if (rc == 1)
				rc = -EEXIST;
			else if (rc == 0 && renameat(dfd, tmp, dfd, name) < 0)
				rc = -errno;
		}
		if (rc == 0 && fsync(dfd) < 0)
			return -errno;
	}
	if (rc)
		unlinkat(dfd, tmp, 0);
	return rc;
}

int dropin_remove(const char *dir, const char *name)
{
	_cleanup_close_ int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int rc;

	if (dfd < 0)
		return errno == ENOENT ? -ENOENT : -errno;
	rc = what_is_there(dfd, name);
	if (rc <= 0)
		return rc == 0 ? -ENOENT : rc;
	if (unlinkat(dfd, name, 0) < 0)
		return -errno;
	return fsync(dfd) < 0 ? -errno : 0;
}

bool dropin_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return str_printf(path, sizeof(path), "%s/%s", dir, name) && lstat(path, &st) == 0;
}
