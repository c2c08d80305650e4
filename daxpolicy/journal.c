// SPDX-License-Identifier: GPL-2.0-or-later
#include "journal.h"
#include "util.h"

#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#define JOURNAL_SOCKET "/run/systemd/journal/socket"
#define JOURNAL_FIELDS_MAX 10
/* a message, or a config file name with its field name */
#define JOURNAL_FIELD_MAX (PATH_MAX + 64)
/* what a field needs besides its name and value: "\n", a 64-bit length, "\n" */
#define FIELD_FRAMING 10

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

/* The fields of one entry, each encoded in its own bounded buffer. */
struct entry {
	struct iovec v[JOURNAL_FIELDS_MAX];
	char buf[JOURNAL_FIELDS_MAX][JOURNAL_FIELD_MAX];
	size_t n;
};

/*
 * Add NAME with VALUE (nothing for a NULL value) as the journal's native
 * protocol has it: "NAME=value\n", or, for a value with a newline in it,
 * "NAME\n", the value's length (64 bits, little endian), the value, "\n".
 * A value too long is cut short and still makes a valid field.
 */
static void add_field(struct entry *e, const char *name, const char *value)
{
	size_t nlen = strlen(name), vlen, len;
	char *out;

	if (!value || e->n >= JOURNAL_FIELDS_MAX || nlen + FIELD_FRAMING >= JOURNAL_FIELD_MAX)
		return;
	out = e->buf[e->n];
	vlen = strnlen(value, JOURNAL_FIELD_MAX - nlen - FIELD_FRAMING);
	memcpy(out, name, nlen);
	if (!memchr(value, '\n', vlen)) {
		out[nlen] = '=';
		memcpy(out + nlen + 1, value, vlen);
		len = nlen + 1 + vlen;
	} else {
		uint64_t le = htole64((uint64_t)vlen);

		out[nlen] = '\n';
		memcpy(out + nlen + 1, &le, sizeof(le));
		memcpy(out + nlen + 1 + sizeof(le), value, vlen);
		len = nlen + 1 + sizeof(le) + vlen;
	}
	out[len++] = '\n';
	e->v[e->n++] = (struct iovec){ .iov_base = out, .iov_len = len };
}

/* One datagram of the N buffers V to the unix socket PATH ("@name": an
 * abstract one, as $NOTIFY_SOCKET may be). 0 or -errno. */
static int send_datagram(const char *path, const struct iovec *v, size_t n)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	size_t len = strlen(path);
	struct msghdr mh = { 0 };
	int fd, rc = 0;

	/* a path (with room for its NUL), or "@name": an abstract name fills
	 * the whole of sun_path without one */
	if (len < 2 || (path[0] != '/' && path[0] != '@') ||
	    len > sizeof(sa.sun_path) - (path[0] == '/'))
		return -EINVAL;
	memcpy(sa.sun_path, path, len);
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';
	mh.msg_name = &sa;
	mh.msg_namelen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + len);
	mh.msg_iov = (struct iovec *)v;
	mh.msg_iovlen = n;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (sendmsg(fd, &mh, MSG_NOSIGNAL) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The suffixes a unit's name ends in (systemd.unit(5)); a cgroup below the
 * slices that ends in none of them is not a unit's. */
static const char *const unit_suffixes[] = {
	".service", ".socket", ".device", ".mount", ".automount", ".swap",
	".target", ".path", ".timer", ".slice", ".scope",
};

static bool unit_named(const char *name, size_t len)
{
	for (size_t i = 0; i < sizeof(unit_suffixes) / sizeof(unit_suffixes[0]); i++) {
		size_t n = strlen(unit_suffixes[i]);

		if (len > n && memcmp(name + len - n, unit_suffixes[i], n) == 0)
			return true;
	}
	return false;
}

/* The cgroup path of TEXT (/proc/PID/cgroup): systemd's own hierarchy's on
 * v1 ("N:name=systemd:PATH"), else the unified one's ("0::PATH"); NULL. */
static const char *cgroup_path(const char *text, size_t *len)
{
	const char *unified = NULL;
	size_t ulen = 0;

	for (const char *line = text; line && *line;) {
		const char *end = strchr(line, '\n'), *colon;
		size_t llen = end ? (size_t)(end - line) : strlen(line);

		colon = memchr(line, ':', llen);
		if (llen >= 3 && strncmp(line, "0::", 3) == 0) {
			unified = line + 3;
			ulen = llen - 3;
		} else if (colon && (size_t)(colon - line) + 14 <= llen &&
			   strncmp(colon + 1, "name=systemd:", 13) == 0) {
			*len = llen - (size_t)(colon + 14 - line);
			return colon + 14;
		}
		line = end ? end + 1 : NULL;
	}
	*len = ulen;
	return unified;
}

bool journal_unit_of_cgroup(const char *text, const char *root, char *unit, size_t size)
{
	size_t len, rlen = 0;
	const char *path = cgroup_path(text, &len), *p, *end;
	const char *rpath = root ? cgroup_path(root, &rlen) : NULL;

	if (!path)
		return false;
	/* in a container sharing the host's cgroups, its units are below the
	 * cgroup of its PID 1 (less its init.scope), as systemd shifts them */
	if (rpath && rlen >= 11 && memcmp(rpath + rlen - 11, "/init.scope", 11) == 0)
		rlen -= 11;
	if (rpath && rlen > 1 && len > rlen && memcmp(path, rpath, rlen) == 0 && path[rlen] == '/') {
		path += rlen;
		len -= rlen;
	}
	for (p = path, end = path + len; p < end;) {
		const char *next;
		size_t clen;

		while (p < end && *p == '/')
			p++;
		next = memchr(p, '/', (size_t)(end - p));
		clen = next ? (size_t)(next - p) : (size_t)(end - p);
		if (clen == 0)
			return false;
		/* slices hold units; the first thing below them is one */
		if (clen > 6 && memcmp(p + clen - 6, ".slice", 6) == 0) {
			p += clen;
			continue;
		}
		/* a name systemd escaped in its cgroup (one a cgroup file has) */
		if (*p == '_') {
			p++;
			clen--;
		}
		if (!unit_named(p, clen) || clen >= size)
			return false;
		memcpy(unit, p, clen);
		unit[clen] = '\0';
		return true;
	}
	return false;
}

/* FILE's first SIZE - 1 bytes, whole lines only; false if none. */
static bool read_lines(const char *file, char *text, size_t size)
{
	ssize_t got;
	char *last;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	got = read(fd, text, size - 1);
	close(fd);
	if (got <= 0)
		return false;
	text[got] = '\0';
	/* a line cut short by the buffer is not a path */
	if ((size_t)got == size - 1) {
		if (!(last = strrchr(text, '\n')))
			return false;
		last[1] = '\0';
	}
	return true;
}

/* The unit this process runs in, as its cgroup says; false outside one. */
static bool own_unit(char *unit, size_t size)
{
	char text[4096], root[4096];

	if (!read_lines("/proc/self/cgroup", text, sizeof(text)))
		return false;
	return journal_unit_of_cgroup(text, read_lines("/proc/1/cgroup", root, sizeof(root)) ? root : NULL,
				      unit, size);
}

int journal_send(const struct journal_fields *f, const char *message)
{
	struct entry e = { .n = 0 };
	char priority[4], line[16], unit[256];

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
	if (own_unit(unit, sizeof(unit)))
		add_field(&e, "OBJECT_SYSTEMD_UNIT", unit);
	return send_datagram(JOURNAL_SOCKET, e.v, e.n);
}

void journal_notify_status(const char *text)
{
	const char *socket_path = getenv("NOTIFY_SOCKET");
	char status[JOURNAL_FIELD_MAX];
	struct iovec v;
	int len;

	if (!socket_path)
		return;
	len = snprintf(status, sizeof(status), "STATUS=%s", text);
	if (len < 0)
		return;
	v = (struct iovec){ .iov_base = status,
			    .iov_len = (size_t)len < sizeof(status) ? (size_t)len : sizeof(status) - 1 };
	send_datagram(socket_path, &v, 1);
}
