/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Scope-bound cleanup (GCC and clang's cleanup attribute): a variable marked
 * _cleanup_free_, _cleanup_close_, _cleanup_fclose_ or _cleanup_closedir_ is
 * released when it goes out of scope, on every return path. take_fd() and
 * take_ptr() hand the value on and leave nothing to release.
 */
#ifndef DAXPOLICY_CLEANUP_H
#define DAXPOLICY_CLEANUP_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define _cleanup_(fn) __attribute__((cleanup(fn)))

static inline void freep(void *p)
{
	free(*(void **)p);
}

static inline void closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

static inline void fclosep(FILE **f)
{
	if (*f)
		fclose(*f);
}

static inline void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

#define _cleanup_free_ _cleanup_(freep)
#define _cleanup_close_ _cleanup_(closep)
#define _cleanup_fclose_ _cleanup_(fclosep)
#define _cleanup_closedir_ _cleanup_(closedirp)

static inline int take_fd(int *fd)
{
	int ret = *fd;

	*fd = -1;
	return ret;
}

static inline void *take_ptr(void *p)
{
	void *ret = *(void **)p;

	*(void **)p = NULL;
	return ret;
}

#endif
