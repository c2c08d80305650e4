/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A second opinion from libdaxctl, the library daxctl itself uses: after a
 * change on the live system, ask it whether the device is enabled, and
 * report any disagreement with what we expect.
 */
#ifndef DAXPOLICY_DAXCTL_VERIFY_H
#define DAXPOLICY_DAXCTL_VERIFY_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "libload.h"
#include "mode.h"

/*
 * One libdaxctl context for a whole run: starting one loads the module
 * indexes and reads every device, so a context per changed device made a
 * run's verification quadratic in the number of devices.
 */
struct daxctl_verifier {
	struct daxctl_api api;	/* libdaxctl, opened at the first question */
	struct daxctl_ctx *ctx;	/* NULL until the first question */
	pthread_t loader;	/* daxctl_verifier_prefetch()'s thread */
	bool loading;		/* that thread is not joined yet */
	int load_rc;		/* what it found: 0, or -errno with load_err */
	char load_err[256];
};

/*
 * Start loading libdaxctl (and what it pulls in: libkmod, libcrypto, ...)
 * and a context that lists the devices, on a thread of its own, while the
 * changes go on; the first question waits for it. Loading costs a run as
 * much as changing a few devices, most of it reading the libraries, and a
 * change mostly waits on the kernel. Without a thread (it could not be started) the first
 * question loads it, as before.
 */
void daxctl_verifier_prefetch(struct daxctl_verifier *v);

/* true when libdaxctl agrees that NAME is enabled (or not) as WANT needs,
 * and has memory it can manage for system-ram; false with WHY otherwise.
 * Only meaningful on the live root. */
bool daxctl_verify(struct daxctl_verifier *v, const char *name, enum dax_mode want, char *why,
		   size_t whylen);
void daxctl_verifier_close(struct daxctl_verifier *v);

#endif
