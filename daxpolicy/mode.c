// SPDX-License-Identifier: GPL-2.0-or-later
#include "mode.h"

#include <string.h>

const char *const managed_drivers[3] = { "device_dax", "kmem", "fsdev_dax" };

static const struct {
	const char *word;
	enum dax_mode mode;
} mode_words[] = {
	{ "devdax", MODE_DEVDAX },
	{ "system-ram", MODE_SYSTEM_RAM },
	{ "kmem", MODE_SYSTEM_RAM },
	{ "fsdev", MODE_FSDEV },
	{ "famfs", MODE_FSDEV },
	{ "keep", MODE_KEEP },
	{ "none", MODE_UNBOUND },
};

enum dax_mode mode_from_word(const char *word)
{
	for (size_t i = 0; i < sizeof(mode_words) / sizeof(mode_words[0]); i++)
		if (strcmp(word, mode_words[i].word) == 0)
			return mode_words[i].mode;
	return MODE_UNSET;
}

const char *mode_name(enum dax_mode mode)
{
	switch (mode) {
	case MODE_KEEP: return "keep";
	case MODE_DEVDAX: return "devdax";
	case MODE_SYSTEM_RAM: return "system-ram";
	case MODE_FSDEV: return "fsdev";
	case MODE_UNBOUND: return "unbound";
	case MODE_OTHER: return "other";
	case MODE_UNSET: break;
	}
	return "unset";
}

const char *mode_driver(enum dax_mode mode)
{
	switch (mode) {
	case MODE_DEVDAX: return "device_dax";
	case MODE_SYSTEM_RAM: return "kmem";
	case MODE_FSDEV: return "fsdev_dax";
	default: return NULL;
	}
}

enum dax_mode mode_from_driver(const char *driver)
{
	if (!driver || !*driver)
		return MODE_UNBOUND;
	if (strcmp(driver, "device_dax") == 0)
		return MODE_DEVDAX;
	if (strcmp(driver, "kmem") == 0)
		return MODE_SYSTEM_RAM;
	if (strcmp(driver, "fsdev_dax") == 0)
		return MODE_FSDEV;
	return MODE_OTHER;
}

enum online_policy online_from_word(const char *word)
{
	if (strcmp(word, "movable") == 0)
		return ONLINE_MOVABLE;
	if (strcmp(word, "normal") == 0)
		return ONLINE_NORMAL;
	if (strcmp(word, "offline") == 0)
		return ONLINE_OFFLINE;
	return ONLINE_UNSET;
}

const char *online_name(enum online_policy online)
{
	switch (online) {
	case ONLINE_MOVABLE: return "movable";
	case ONLINE_NORMAL: return "normal";
	case ONLINE_OFFLINE: return "offline";
	case ONLINE_UNSET: break;
	}
	return "";
}
