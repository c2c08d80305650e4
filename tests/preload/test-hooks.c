// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * LD_PRELOAD shim for tests: stop or fail dax-policy at a chosen step of a
 * mode change. dax-policy itself knows nothing of it; the shim wraps open(),
 * write() and close() and recognises the step from the sysfs file written and
 * the value:
 *
 *   sys/bus/dax/drivers/DRV/remove_id   remove_id, when DRV is the device's
 *                                       own driver; scrub, when it is not
 *   sys/bus/dax/drivers/DRV/unbind      unbind
 *   sys/bus/dax/drivers/DRV/new_id      new_id
 *   sys/bus/dax/drivers/DRV/bind        bind
 *   sys/devices/system/memory/memoryN/state
 *        offline                        offline
 *        online_movable, online_kernel  restore, when it puts back a block
 *                                       this process offlined, in the zone it
 *                                       was in, after a block write failed;
 *                                       online otherwise
 *
 * (with any --root prefix in front). Environment:
 *
 *   DAX_POLICY_TEST_KILL_AFTER=STEP[:N]  SIGKILL the process right after the
 *                                        Nth write of STEP (default 1st);
 *   DAX_POLICY_TEST_FAIL=STEP[:N]        the Nth write of STEP fails with EIO
 *                                        and the file is left as it was;
 *   DAX_POLICY_TEST_BUS=[DEV,...]        act as the dax bus does on the driver
 *                                        links of a fixture: new_id and bind
 *                                        bind the device written, unbind unbinds
 *                                        it, and new_id also binds every DEV
 *                                        listed that is unbound (6.12's
 *                                        driver_attach takes every device of
 *                                        the driver's type, not only the one
 *                                        named).
 *   DAX_POLICY_TEST_BUS_IDS_ONLY=DRV[,...] with DAX_POLICY_TEST_BUS: these
 *                                        drivers match a device only once it
 *                                        was written to their new_id (6.1's
 *                                        kmem); a bind before fails (ENODEV).
 *
 *   DAX_POLICY_TEST_OPENAT2=ERRNO        openat2 fails with ENOSYS, EPERM or
 *                                        EAGAIN (a kernel without it, a
 *                                        seccomp filter, renames that cross
 *                                        every lookup of '..');
 *
 *   DAX_POLICY_TEST_JOURNAL=FILE         what is sent to the journal's socket
 *                                        (/run/systemd/journal/socket: the
 *                                        entries, FIELD=value lines) is
 *                                        appended to FILE instead, each entry
 *                                        followed by an empty line;
 *   DAX_POLICY_TEST_NOTIFY=FILE          what is sent to $NOTIFY_SOCKET
 *                                        (STATUS=...) likewise.
 *
 * A step file opened with O_TRUNC is truncated only when its write goes
 * ahead, so an injected failure leaves a fixture's regular file untouched.
 */

/* define open() itself, not the open64 that _FILE_OFFSET_BITS redirects to */
#undef _FILE_OFFSET_BITS

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#define TRACKED_MAX 16	/* step files open at once (dax-policy: one) */
#define BLOCKS_MAX 1024	/* memory blocks offlined in one run */
#define STEP_MAX 16
#define VALUE_MAX 64

#define DRIVERS_DIR "/sys/bus/dax/drivers/"
#define DEVICES_DIR "/sys/bus/dax/devices/"
#define MEMORY_DIR "/sys/devices/system/memory/memory"
#define JOURNAL_SOCKET "/run/systemd/journal/socket"

/* The fds of step files, with the path each was opened as. */
static struct tracked {
	bool used;
	bool truncate;	/* O_TRUNC was asked for: do it before the write */
	int fd;
	char path[PATH_MAX];
} tracked[TRACKED_MAX];

/* Blocks this process offlined, the zone each was online in, and when. */
static struct offlined {
	unsigned long long block;
	bool movable;
	unsigned long when;
} offlined[BLOCKS_MAX];
static size_t noffline;
static unsigned long clock_ticks, last_block_failure;

static unsigned kill_seen, fail_seen;

int __open_2(const char *path, int flags);
int __open64_2(const char *path, int flags);
int open64(const char *path, int flags, ...);

static void copy(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		n = size - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static void *real(const char *name)
{
	void *fn = dlsym(RTLD_NEXT, name);

	if (!fn) {
		fprintf(stderr, "test-hooks: no %s: %s\n", name, dlerror());
		abort();
	}
	return fn;
}

/* Is the path a file whose writes are steps of a mode change? */
static bool step_file(const char *path)
{
	static const char *const attrs[] = { "/remove_id", "/unbind", "/new_id", "/bind" };
	const char *p = strstr(path, DRIVERS_DIR);
	size_t n;

	if (p) {
		n = strlen(p);
		for (size_t i = 0; i < sizeof(attrs) / sizeof(attrs[0]); i++) {
			size_t a = strlen(attrs[i]);

			if (n > a && strcmp(p + n - a, attrs[i]) == 0)
				return true;
		}
		return false;
	}
	p = strstr(path, MEMORY_DIR);
	if (!p)
		return false;
	p += strlen(MEMORY_DIR);
	n = strspn(p, "0123456789");
	return n > 0 && strcmp(p + n, "/state") == 0;
}

static struct tracked *find_fd(int fd)
{
	for (size_t i = 0; i < TRACKED_MAX; i++)
		if (tracked[i].used && tracked[i].fd == fd)
			return &tracked[i];
	return NULL;
}

static void untrack(int fd)
{
	struct tracked *t = find_fd(fd);

	if (t)
		t->used = false;
}

static void track(int fd, const char *path, bool truncate)
{
	for (size_t i = 0; i < TRACKED_MAX; i++) {
		if (tracked[i].used)
			continue;
		tracked[i].used = true;
		tracked[i].fd = fd;
		tracked[i].truncate = truncate;
		copy(tracked[i].path, sizeof(tracked[i].path), path);
		return;
	}
}

/* dax-policy's other thread (it loads libdaxctl) writes no step: its calls
 * go straight through, and never touch the tables the main thread keeps */
static bool other_thread(void)
{
	return gettid() != getpid();
}

typedef int (*open_fn)(const char *, int, ...);

static int open_tracked(const char *name, const char *path, int flags, mode_t mode)
{
	static open_fn opens[2];
	open_fn fn;
	bool step = (flags & O_ACCMODE) != O_RDONLY && step_file(path);
	int fd, i = strcmp(name, "open") == 0 ? 0 : 1;

	if (other_thread())
		return ((open_fn)real(name))(path, flags, mode);
	if (!opens[i])
		opens[i] = (open_fn)real(name);
	fn = opens[i];
	fd = fn(path, step ? flags & ~O_TRUNC : flags, mode);
	if (fd >= 0) {
		untrack(fd);
		if (step)
			track(fd, path, (flags & O_TRUNC) != 0);
	}
	return fd;
}

static mode_t mode_arg(int flags, va_list ap)
{
	return (flags & O_CREAT) || (flags & O_TMPFILE) == O_TMPFILE ? va_arg(ap, mode_t) : 0;
}

int open(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open_tracked("open", path, flags, mode);
}

int open64(const char *path, int flags, ...)
{
	va_list ap;
	mode_t mode;

	va_start(ap, flags);
	mode = mode_arg(flags, ap);
	va_end(ap);
	return open_tracked("open64", path, flags, mode);
}

/* what _FORTIFY_SOURCE builds call */
int __open_2(const char *path, int flags)
{
	return open_tracked("open", path, flags, 0);
}

int __open64_2(const char *path, int flags)
{
	return open_tracked("open64", path, flags, 0);
}

long syscall(long number, ...);

/* Only openat2 is failed; every other call goes on with its six possible
 * arguments (registers on x86-64, read whether passed or not). */
long syscall(long number, ...)
{
	long (*next)(long, ...) = real("syscall");
	const char *fail = getenv("DAX_POLICY_TEST_OPENAT2");
	long a[6];
	va_list ap;

	if (number == SYS_openat2 && fail) {
		errno = strcmp(fail, "EPERM") == 0 ? EPERM : strcmp(fail, "EAGAIN") == 0 ? EAGAIN : ENOSYS;
		return -1;
	}
	va_start(ap, number);
	for (int i = 0; i < 6; i++)
		a[i] = va_arg(ap, long);
	va_end(ap);
	return next(number, a[0], a[1], a[2], a[3], a[4], a[5]);
}

int close(int fd)
{
	static int (*real_close)(int);

	if (other_thread())
		return ((int (*)(int))real("close"))(fd);
	if (!real_close)
		real_close = (int (*)(int))real("close");
	untrack(fd);
	return real_close(fd);
}

/* The driver DEVICE is bound to, under the root PATH starts with. */
static void bound_driver(const char *path, const char *device, char *out, size_t size)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	int root = (int)(strstr(path, DRIVERS_DIR) - path);
	ssize_t n;

	out[0] = '\0';
	if (strchr(device, '/'))
		return;
	snprintf(link, sizeof(link), "%.*s" DEVICES_DIR "%s/driver", root, path, device);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	copy(out, size, base ? base + 1 : target);
}

static bool memory_file(const char *path, unsigned long long *block)
{
	const char *p = strstr(path, MEMORY_DIR);

	return p && sscanf(p + strlen(MEMORY_DIR), "%llu", block) == 1;
}

static struct offlined *find_block(unsigned long long block)
{
	for (size_t i = 0; i < noffline; i++)
		if (offlined[i].block == block)
			return &offlined[i];
	return NULL;
}

/* The zone an online block is in: valid_zones names only that one. */
static bool block_movable(const char *state_path)
{
	char path[PATH_MAX], buf[64] = "";
	size_t n = strlen(state_path) - strlen("state");
	FILE *f;

	snprintf(path, sizeof(path), "%.*svalid_zones", (int)n, state_path);
	f = fopen(path, "re");
	if (!f)
		return false;
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return strcmp(buf, "Movable") == 0;
}

static void step_of(const char *path, const char *value, char *step, size_t size)
{
	unsigned long long block;
	const char *attr = strrchr(path, '/') + 1;

	if (!memory_file(path, &block)) {
		const char *drv_end = attr - 1, *drv = drv_end;
		char bound[64];

		if (strcmp(attr, "remove_id") != 0) {
			copy(step, size, attr);
			return;
		}
		while (drv > path && drv[-1] != '/')
			drv--;
		bound_driver(path, value, bound, sizeof(bound));
		if (strlen(bound) == (size_t)(drv_end - drv) &&
		    strncmp(bound, drv, strlen(bound)) == 0)
			copy(step, size, "remove_id");
		else
			copy(step, size, "scrub");
		return;
	}
	if (strcmp(value, "offline") == 0) {
		copy(step, size, "offline");
	} else {
		const struct offlined *b = find_block(block);
		bool movable = strcmp(value, "online_movable") == 0;
		bool zoned = movable || strcmp(value, "online_kernel") == 0;

		if (zoned && b && b->movable == movable && last_block_failure > b->when)
			copy(step, size, "restore");
		else
			copy(step, size, "online");
	}
}

/* Does VAR name STEP, and is this its Nth write? Counts the writes of STEP. */
static bool hook_hits(const char *var, unsigned *seen, const char *step)
{
	const char *spec = getenv(var), *colon;
	unsigned nth = 1;
	size_t len;

	if (!spec || !*spec)
		return false;
	colon = strchr(spec, ':');
	len = colon ? (size_t)(colon - spec) : strlen(spec);
	if (colon)
		nth = (unsigned)strtoul(colon + 1, NULL, 10);
	if (len != strlen(step) || strncmp(spec, step, len) != 0)
		return false;
	return ++*seen == nth;
}

/* Remember what a block write did, for telling restore from online. */
static void note_block_write(const char *path, const char *value, bool ok, bool movable)
{
	unsigned long long block;
	struct offlined *b;

	if (!memory_file(path, &block))
		return;
	clock_ticks++;
	if (!ok) {
		last_block_failure = clock_ticks;
		return;
	}
	b = find_block(block);
	if (strcmp(value, "offline") != 0) {
		if (b)
			*b = offlined[--noffline];	/* online again: forget it */
		return;
	}
	if (!b && noffline < BLOCKS_MAX)
		b = &offlined[noffline++];
	if (b) {
		b->block = block;
		b->movable = movable;
		b->when = clock_ticks;
	}
}

/* Bind DEVICE (if unbound) to the driver whose attribute PATH is, or
 * unbind it from that driver: the driver link, as the kernel keeps it. */
static void set_link(const char *path, const char *device, bool bind)
{
	char link[PATH_MAX], drv_dir[PATH_MAX], entry[PATH_MAX + 64], bound[64];
	int root = (int)(strstr(path, DRIVERS_DIR) - path);
	const char *slash = strrchr(path, '/');
	const char *drv;

	if (strchr(device, '/') || !*device)
		return;
	snprintf(drv_dir, sizeof(drv_dir), "%.*s", (int)(slash - path), path);
	drv = strrchr(drv_dir, '/') + 1;
	snprintf(link, sizeof(link), "%.*s" DEVICES_DIR "%s/driver", root, path, device);
	snprintf(entry, sizeof(entry), "%s/%s", drv_dir, device);
	bound_driver(path, device, bound, sizeof(bound));
	if (bind && !bound[0]) {
		symlink(drv_dir, link);
		symlink("../../devices/", entry);	/* the driver lists what it has */
	} else if (!bind && strcmp(bound, drv) == 0) {
		unlink(link);
		unlink(entry);
	}
}

/* "DRIVER/DEVICE" for every new_id written, for DAX_POLICY_TEST_BUS_IDS_ONLY */
static char ids[TRACKED_MAX * 4][96];
static size_t nids;

static bool listed(const char *env, const char *word)
{
	const char *list = getenv(env);
	char names[256], *save = NULL;

	if (!list)
		return false;
	copy(names, sizeof(names), list);
	for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save))
		if (strcmp(n, word) == 0)
			return true;
	return false;
}

/* The driver a driver attribute PATH belongs to, and whether it may bind
 * VALUE now (an ids-only driver: only after its new_id). */
static bool bus_refuses_bind(const char *path, const char *value, const char *step)
{
	char drv_dir[PATH_MAX], id[96];
	const char *slash = strrchr(path, '/'), *drv;

	if (!getenv("DAX_POLICY_TEST_BUS") || !strstr(path, DRIVERS_DIR) || !slash)
		return false;
	snprintf(drv_dir, sizeof(drv_dir), "%.*s", (int)(slash - path), path);
	drv = strrchr(drv_dir, '/') + 1;
	snprintf(id, sizeof(id), "%s/%s", drv, value);
	if (strcmp(step, "new_id") == 0 && nids < sizeof(ids) / sizeof(ids[0]))
		copy(ids[nids++], sizeof(ids[0]), id);
	if (strcmp(step, "bind") != 0 || !listed("DAX_POLICY_TEST_BUS_IDS_ONLY", drv))
		return false;
	for (size_t i = 0; i < nids; i++)
		if (strcmp(ids[i], id) == 0)
			return false;
	return true;
}

static void emulate_bus(const char *path, const char *value, const char *step)
{
	const char *list = getenv("DAX_POLICY_TEST_BUS");
	char names[256], *save = NULL;

	if (!list || !strstr(path, DRIVERS_DIR))
		return;
	if (strcmp(step, "new_id") == 0 || strcmp(step, "bind") == 0)
		set_link(path, value, true);
	else if (strcmp(step, "unbind") == 0)
		set_link(path, value, false);
	if (strcmp(step, "new_id") != 0)
		return;
	/* DAX_POLICY_TEST_BUS_MOVE=DEV: another agent (daxctl reconfigure-device)
	 * moves DEV, bound elsewhere, to this driver while new_id is written */
	if (getenv("DAX_POLICY_TEST_BUS_MOVE")) {
		const char *dev = getenv("DAX_POLICY_TEST_BUS_MOVE");
		int root = (int)(strstr(path, DRIVERS_DIR) - path);
		char bound[64], unbind[PATH_MAX];

		bound_driver(path, dev, bound, sizeof(bound));
		if (bound[0]) {
			snprintf(unbind, sizeof(unbind), "%.*s" DRIVERS_DIR "%s/unbind", root, path,
				 bound);
			set_link(unbind, dev, false);
		}
		set_link(path, dev, true);
	}
	copy(names, sizeof(names), list);
	for (char *n = strtok_r(names, ",", &save); n; n = strtok_r(NULL, ",", &save))
		set_link(path, n, true);
}

ssize_t write(int fd, const void *buf, size_t len)
{
	static ssize_t (*real_write)(int, const void *, size_t);
	struct tracked *t;
	char value[VALUE_MAX], step[STEP_MAX];
	bool movable = false;
	size_t n = len < sizeof(value) - 1 ? len : sizeof(value) - 1;
	ssize_t done;
	int err;

	if (other_thread())
		return ((ssize_t (*)(int, const void *, size_t))real("write"))(fd, buf, len);
	t = find_fd(fd);
	if (!real_write)
		real_write = (ssize_t (*)(int, const void *, size_t))real("write");
	if (!t)
		return real_write(fd, buf, len);
	memcpy(value, buf, n);
	value[n] = '\0';
	value[strcspn(value, "\n")] = '\0';
	step_of(t->path, value, step, sizeof(step));

	if (hook_hits("DAX_POLICY_TEST_FAIL", &fail_seen, step)) {
		note_block_write(t->path, value, false, false);
		errno = EIO;
		return -1;
	}
	if (bus_refuses_bind(t->path, value, step)) {
		errno = ENODEV;
		return -1;
	}
	if (strcmp(step, "offline") == 0)
		movable = block_movable(t->path);
	if (t->truncate) {
		struct stat st;

		if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && ftruncate(fd, 0) != 0)
			return -1;
		t->truncate = false;
	}
	done = real_write(fd, buf, len);
	err = errno;
	note_block_write(t->path, value, done == (ssize_t)len, movable);
	if (done == (ssize_t)len)
		emulate_bus(t->path, value, step);
	if (hook_hits("DAX_POLICY_TEST_KILL_AFTER", &kill_seen, step))
		raise(SIGKILL);
	errno = err;
	return done;
}

/* The file a datagram to the unix socket PATH is captured in, or NULL. */
static const char *capture_file(const char *path)
{
	const char *notify = getenv("NOTIFY_SOCKET");

	if (strcmp(path, JOURNAL_SOCKET) == 0)
		return getenv("DAX_POLICY_TEST_JOURNAL");
	if (notify && strcmp(path, notify) == 0)
		return getenv("DAX_POLICY_TEST_NOTIFY");
	return NULL;
}

ssize_t sendmsg(int fd, const struct msghdr *msg, int flags)
{
	static ssize_t (*real_sendmsg)(int, const struct msghdr *, int);
	const struct sockaddr_un *to = msg->msg_name;
	char path[sizeof(to->sun_path) + 1];
	const char *file = NULL;
	ssize_t sent = 0;
	FILE *f;

	if (!real_sendmsg)
		real_sendmsg = (ssize_t(*)(int, const struct msghdr *, int))real("sendmsg");
	if (to && msg->msg_namelen > offsetof(struct sockaddr_un, sun_path) &&
	    to->sun_family == AF_UNIX) {
		size_t n = msg->msg_namelen - offsetof(struct sockaddr_un, sun_path);

		memcpy(path, to->sun_path, n < sizeof(path) - 1 ? n : sizeof(path) - 1);
		path[n < sizeof(path) - 1 ? n : sizeof(path) - 1] = '\0';
		file = capture_file(path);
	}
	if (!file)
		return real_sendmsg(fd, msg, flags);
	f = fopen(file, "a");
	if (!f)
		return -1;
	for (size_t i = 0; i < msg->msg_iovlen; i++) {
		fwrite(msg->msg_iov[i].iov_base, 1, msg->msg_iov[i].iov_len, f);
		sent += (ssize_t)msg->msg_iov[i].iov_len;
	}
	fputs("\n\n", f);
	fclose(f);
	return sent;
}
