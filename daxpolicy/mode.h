/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What a dax device can be, in the user's words and the kernel's drivers. */
#ifndef DAXPOLICY_MODE_H
#define DAXPOLICY_MODE_H

#include <stdbool.h>

enum dax_mode {
	MODE_UNSET = 0,
	MODE_KEEP,		/* policy: leave the device as it is */
	MODE_DEVDAX,		/* device_dax */
	MODE_SYSTEM_RAM,	/* kmem */
	MODE_FSDEV,		/* fsdev_dax */
	MODE_UNBOUND,		/* no driver; the config word is "none" */
	MODE_OTHER,		/* bound to a driver dax-policy does not manage */
};

enum online_policy {
	ONLINE_UNSET = 0,
	ONLINE_MOVABLE,
	ONLINE_NORMAL,
	ONLINE_OFFLINE,
};

/* Config word to mode: devdax, system-ram (kmem), fsdev (famfs), keep, none. */
enum dax_mode mode_from_word(const char *word);
/* The word status and JSON show. */
const char *mode_name(enum dax_mode mode);
/* Driver on the dax bus for a mode, NULL for keep/unbound/other. */
const char *mode_driver(enum dax_mode mode);
/* Mode for a bound driver name ("" = unbound). */
enum dax_mode mode_from_driver(const char *driver);

enum online_policy online_from_word(const char *word);
const char *online_name(enum online_policy online);

/* Every dax bus driver dax-policy manages, in a fixed order. */
extern const char *const managed_drivers[3];

#endif
