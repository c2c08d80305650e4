/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to systemd when it runs dax-policy: structured journal entries
 * (a priority, a MESSAGE_ID per kind of outcome, the device and its modes
 * as fields) instead of plain lines on a stream the journal would file all
 * at one priority, and STATUS= for `systemctl status`. Spoken directly
 * (the journal's native protocol, the notify socket's datagrams): loading
 * libsystemd and the six libraries it pulls in took 20-25 ms of every
 * run's start in the test VM (qemu TCG), a third of it.
 */
#ifndef DAXPOLICY_JOURNAL_H
#define DAXPOLICY_JOURNAL_H

#include <stdbool.h>
#include <stddef.h>

/* The fields of one entry besides MESSAGE; NULL or 0: left out. */
struct journal_fields {
	int priority;		 /* LOG_ERR ... LOG_DEBUG (syslog.h) */
	const char *message_id;	 /* 32 hex digits (outcome_kinds[]) */
	const char *device;	 /* DAX_DEVICE */
	const char *from;	 /* DAX_FROM: the mode before */
	const char *to;		 /* DAX_TO: the mode the policy wants */
	const char *rule;	 /* DAX_RULE */
	const char *config_file; /* CONFIG_FILE and CONFIG_LINE, as systemd's own */
	int config_line;
};

/* Is FD the stream systemd connected to the journal? It is when its device
 * and inode are those $JOURNAL_STREAM ("DEV:INO") names; a stream inherited
 * or redirected further is not. */
bool journal_stream_is(int fd);

/* The unit a process whose /proc/PID/cgroup is TEXT runs in, below its
 * slices and below ROOT (PID 1's, or NULL): false when it names none, or
 * none that fits in SIZE. */
bool journal_unit_of_cgroup(const char *text, const char *root, char *unit, size_t size);

/* Send MESSAGE with the fields F. 0, or -errno: the caller prints it instead. */
int journal_send(const struct journal_fields *f, const char *message);

/* Tell the service manager STATUS=TEXT (shown by `systemctl status`). */
void journal_notify_status(const char *text);

#endif
