// SPDX-License-Identifier: GPL-2.0-or-later
#include "mode.h"
#include "util.h"

#include <string.h>

/* In the order messages list the words; kept one row per mode. */
/* clang-format off */
static const struct mode_info modes[] = {
	{ .mode = MODE_DEVDAX, .name = "devdax", .word = "devdax",
	  .driver = "device_dax", .dev_node = true },
	{ .mode = MODE_SYSTEM_RAM, .name = "system-ram", .word = "system-ram",
	  .aliases = { "kmem" }, .driver = "kmem", .memory = true },
	{ .mode = MODE_FSDEV, .name = "fsdev", .word = "fsdev",
	  .aliases = { "famfs" }, .driver = "fsdev_dax", .dev_node = true,
	  .bind_by_id_only = true },
	{ .mode = MODE_KEEP, .name = "keep", .word = "keep" },
	{ .mode = MODE_UNBOUND, .name = "unbound", .word = "none" },
	{ .mode = MODE_OTHER, .name = "other" },
};
/* clang-format on */

static const struct mode_info unset = { .mode = MODE_UNSET, .name = "unset" };

const struct mode_info *mode_at(size_t i)
{
	return i < ARRAY_SIZE(modes) ? &modes[i] : NULL;
}

const struct mode_info *mode_info(enum dax_mode mode)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].mode == mode)
			return &modes[i];
	return &unset;
}

enum dax_mode mode_from_word(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++) {
		const struct mode_info *m = &modes[i];

		if (m->word && strcmp(word, m->word) == 0)
			return m->mode;
		for (size_t a = 0; a < MODE_ALIASES_MAX && m->aliases[a]; a++)
			if (strcmp(word, m->aliases[a]) == 0)
				return m->mode;
	}
	return MODE_UNSET;
}

enum dax_mode mode_from_driver(const char *driver)
{
	if (!driver || !*driver)
		return MODE_UNBOUND;
	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].driver && strcmp(driver, modes[i].driver) == 0)
			return modes[i].mode;
	return MODE_OTHER;
}

const char *mode_name(enum dax_mode mode)
{
	return mode_info(mode)->name;
}

const char *mode_word(enum dax_mode mode)
{
	const struct mode_info *m = mode_info(mode);

	return m->word ? m->word : m->name;
}

const char *mode_driver(enum dax_mode mode)
{
	return mode_info(mode)->driver;
}

bool mode_has_dev_node(enum dax_mode mode)
{
	return mode_info(mode)->dev_node;
}

bool mode_has_memory(enum dax_mode mode)
{
	return mode_info(mode)->memory;
}

void mode_word_list(char *buf, size_t size, bool memory_only)
{
	const char *words[ARRAY_SIZE(modes)];
	size_t n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(modes); i++)
		if (modes[i].word && (!memory_only || modes[i].memory))
			words[n++] = modes[i].word;
	words_join(buf, size, words, n);
}

static const struct {
	enum online_policy online;
	const char *word;
} onlines[] = {
	{ ONLINE_MOVABLE, "movable" },
	{ ONLINE_NORMAL, "normal" },
	{ ONLINE_OFFLINE, "offline" },
};

enum online_policy online_from_word(const char *word)
{
	for (size_t i = 0; i < ARRAY_SIZE(onlines); i++)
		if (strcmp(word, onlines[i].word) == 0)
			return onlines[i].online;
	return ONLINE_UNSET;
}

const char *online_name(enum online_policy online)
{
	for (size_t i = 0; i < ARRAY_SIZE(onlines); i++)
		if (onlines[i].online == online)
			return onlines[i].word;
	return "";
}

void online_word_list(char *buf, size_t size)
{
	const char *words[ARRAY_SIZE(onlines)];

	for (size_t i = 0; i < ARRAY_SIZE(onlines); i++)
		words[i] = onlines[i].word;
	words_join(buf, size, words, ARRAY_SIZE(onlines));
}
