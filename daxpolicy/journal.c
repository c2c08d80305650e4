// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal.h"
#include "util.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/uio.h>

/* no CODE_FILE, CODE_LINE, CODE_FUNC: the entry says what happened, not where */
#define SD_JOURNAL_SUPPRESS_LOCATION
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <systemd/sd-login.h>

#define JOURNAL_FIELDS_MAX 10
/* a message, or a config file name with its field name */
#define JOURNAL_FIELD_MAX (PATH_MAX + 64)

bool journal_stream_is(int fd)
{
	const char *env = getenv("JOURNAL_STREAM");
	unsigned long long dev, ino;
	struct stat st;
	int used = 0;

	if (!env || sscanf(env, "%llu:%llu%n", &dev, &ino, &used) != 2 || env[used] != '\0')
		return false;
	if (fstat(fd, &st) != 0)
		return false;
	return (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino;
}

/* The fields of one entry, each in its own bounded buffer. */
struct entry {
	struct iovec v[JOURNAL_FIELDS_MAX];
	char buf[JOURNAL_FIELDS_MAX][JOURNAL_FIELD_MAX];
	size_t n;
};

/* Add "NAME=value" (none for a NULL value); a value too long is cut short
 * and still makes a valid field. */
static void add_field(struct entry *e, const char *name, const char *value)
{
	int len;

	if (!value || e->n >= JOURNAL_FIELDS_MAX)
		return;
	len = snprintf(e->buf[e->n], JOURNAL_FIELD_MAX, "%s=%s", name, value);
	if (len < 0)
		return;
	if (len >= JOURNAL_FIELD_MAX)
		len = JOURNAL_FIELD_MAX - 1;
	e->v[e->n] = (struct iovec){ .iov_base = e->buf[e->n], .iov_len = (size_t)len };
	e->n++;
}

int journal_send(const struct journal_fields *f, const char *message)
{
	struct entry e = { .n = 0 };
	char priority[4], line[16], *unit = NULL;
	int rc;

	snprintf(priority, sizeof(priority), "%d", f->priority & 7);
	snprintf(line, sizeof(line), "%d", f->config_line);
	add_field(&e, "MESSAGE", message);
	add_field(&e, "PRIORITY", priority);
	add_field(&e, "MESSAGE_ID", f->message_id);
	add_field(&e, "DAX_DEVICE", f->device);
	add_field(&e, "DAX_FROM", f->from);
	add_field(&e, "DAX_TO", f->to);
	add_field(&e, "DAX_RULE", f->rule);
	add_field(&e, "CONFIG_FILE", f->config_file);
	add_field(&e, "CONFIG_LINE", f->config_line > 0 ? line : NULL);
	/*
	 * journald finds the unit of an entry (_SYSTEMD_UNIT) by the sender's
	 * cgroup, which it cannot read once the sender has exited: the last
	 * entries of a run could be missing from `journalctl -u`. That also
	 * matches OBJECT_SYSTEMD_UNIT= from root, which says the same.
	 */
	if (sd_pid_get_unit(0, &unit) >= 0)
		add_field(&e, "OBJECT_SYSTEMD_UNIT", unit);
	rc = sd_journal_sendv(e.v, (int)e.n);
	free(unit);
	return rc;
}

void journal_notify_status(const char *text)
{
	sd_notifyf(0, "STATUS=%s", text);
}
