/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What a dax device can be: the one table of modes (the user's words, the
 * driver on the dax bus, what the mode keeps a device as) and of online
 * policies. Everything else asks these tables rather than naming a mode.
 */
#ifndef DAXPOLICY_MODE_H
#define DAXPOLICY_MODE_H

#include <stdbool.h>
#include <stddef.h>

enum dax_mode {
	MODE_UNSET = 0,
	MODE_DEVDAX,		/* device_dax */
	MODE_SYSTEM_RAM,	/* kmem */
	MODE_FSDEV,		/* fsdev_dax */
	MODE_KEEP,		/* policy: leave the device as it is */
	MODE_UNBOUND,		/* no driver; the config word is "none" */
	MODE_OTHER,		/* bound to a driver dax-policy does not manage */
};

#define MODE_ALIASES_MAX 2

struct mode_info {
	enum dax_mode mode;
	const char *name;		/* what status and JSON show */
	const char *word;		/* the config word; NULL: cannot be asked for */
	const char *aliases[MODE_ALIASES_MAX];	/* other config words for it */
	const char *driver;		/* driver on the dax bus; NULL: none */
	bool dev_node;			/* has /dev/daxX.Y, which programs and filesystems hold */
	bool memory;			/* its memory is system RAM, in memory blocks */
	/* its driver takes a device only by new_id (fsdev_dax binds only on
	 * request): a bind before it is never tried */
	bool bind_by_id_only;
};

/* The row of MODE (a row named "unset" for MODE_UNSET). */
const struct mode_info *mode_info(enum dax_mode mode);
/* The Ith row of the table, NULL past the end: for walking every mode. */
const struct mode_info *mode_at(size_t i);

/* Config word or alias to mode; MODE_UNSET if none. */
enum dax_mode mode_from_word(const char *word);
/* Mode for a bound driver name ("" = unbound). */
enum dax_mode mode_from_driver(const char *driver);
const char *mode_name(enum dax_mode mode);
const char *mode_word(enum dax_mode mode);
const char *mode_driver(enum dax_mode mode);
bool mode_has_dev_node(enum dax_mode mode);
bool mode_has_memory(enum dax_mode mode);
/* "devdax, system-ram, fsdev, keep or none": the config words, or with
 * MEMORY_ONLY those of the modes with memory, for messages. */
void mode_word_list(char *buf, size_t size, bool memory_only);

enum online_policy {
	ONLINE_UNSET = 0,
	ONLINE_MOVABLE,
	ONLINE_NORMAL,
	ONLINE_OFFLINE,
};

enum online_policy online_from_word(const char *word);
const char *online_name(enum online_policy online);
/* "movable, normal or offline", for messages. */
void online_word_list(char *buf, size_t size);

#endif
