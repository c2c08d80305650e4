/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A second opinion from libdaxctl, the library daxctl itself uses: after a
 * change on the live system, ask it whether the device is enabled, and
 * report any disagreement with what we expect.
 */
#ifndef DAXPOLICY_DAXCTL_VERIFY_H
#define DAXPOLICY_DAXCTL_VERIFY_H

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
};

/* true when libdaxctl agrees that NAME is enabled (or not) as WANT needs,
 * and has memory it can manage for system-ram; false with WHY otherwise.
 * Only meaningful on the live root. */
bool daxctl_verify(struct daxctl_verifier *v, const char *name, enum dax_mode want, char *why,
		   size_t whylen);
void daxctl_verifier_close(struct daxctl_verifier *v);

#endif
