// SPDX-License-Identifier: GPL-2.0-or-later
#include "ini.h"
#include "cleanup.h"
#include "util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <syslog.h>
#include <unistd.h>

/* One message, already sanitized, to the log function or the stream. */
static void emit(const struct ini *ini, int priority, const char *file, int line, const char *text)
{
	if (ini->log)
		ini->log(ini->log_data, priority, file, line, text);
	else
		fprintf(ini->err ? ini->err : stderr, "%s\n", text);
}

static void vreport(struct ini *ini, const char *file, int line, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0), nonnull(4)));

static void vreport(struct ini *ini, const char *file, int line, const char *fmt, va_list ap)
{
	char msg[INI_LINE_MAX + 256], shown[PATH_MAX + sizeof(msg) + 16];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (line)
		snprintf(shown, sizeof(shown), "%s:%d: %s", file, line, msg);
	else
		snprintf(shown, sizeof(shown), "%s: %s", file, msg);
	/* a drop-in's name is anyone's choice of bytes: no terminal commands */
	str_sanitize(shown);
	emit(ini, LOG_ERR, file, line, shown);
	errlist_add(ini->errors, file, line, msg);
	ini->nerrors++;
}

void ini_error(struct ini *ini, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ini, ini->file, ini->line, fmt, ap);
	va_end(ap);
}

void ini_error_at(struct ini *ini, int line, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ini, ini->file, line, fmt, ap);
	va_end(ap);
}

void ini_file_error(struct ini *ini, const char *file, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(ini, file, 0, fmt, ap);
	va_end(ap);
}

void ini_warning(struct ini *ini, const char *file, int line, const char *fmt, ...)
{
	char msg[INI_LINE_MAX + 256], shown[PATH_MAX + sizeof(msg) + 32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(shown, sizeof(shown), "%s:%d: warning: %s", file, line, msg);
	str_sanitize(shown);
	emit(ini, LOG_WARNING, file, line, shown);
}

void ini_free(struct ini *ini)
{
	for (size_t i = 0; i < ini->nfiles; i++)
		free(ini->files[i]);
	free(ini->files);
	ini->files = NULL;
	ini->nfiles = 0;
}

/* ---- lines -------------------------------------------------------------- */

/* Text a line must not carry: bytes that are not UTF-8, and control
 * characters, which messages would echo to a terminal. */
static bool text_ok(struct ini *ini, const char *line)
{
	uint32_t cp;

	for (const char *p = line; *p;) {
		size_t n = utf8_decode(p, &cp);

		if (!n) {
			ini_error(ini, "line is not valid UTF-8");
			return false;
		}
		if (is_control(cp) && cp != '\t') {
			ini_error(ini, "line contains a control character (U+%04X)", (unsigned)cp);
			return false;
		}
		p += n;
	}
	return true;
}

/* Cut an inline comment: '#' or ';' after white space. */
static void cut_comment(char *s)
{
	for (char *c = s; *c; c++) {
		if ((*c == '#' || *c == ';') && c > s && (c[-1] == ' ' || c[-1] == '\t')) {
			*c = '\0';
			return;
		}
	}
}

/* One file's parse: the schema and whether a section was opened yet. */
struct file_parse {
	struct ini *ini;
	const struct ini_ops *ops;
	void *data;
	bool in_section;
};

static void parse_header(struct file_parse *fp, char *line)
{
	char *close;

	cut_comment(line);
	line = str_strip(line);
	close = strrchr(line, ']');
	fp->in_section = true;
	if (!close || close[1]) {
		ini_error(fp->ini, "bad section header '%s': expected %s", line, fp->ops->sections);
		fp->ops->section(fp->ini, fp->data, NULL);
		return;
	}
	*close = '\0';
	fp->ops->section(fp->ini, fp->data, line + 1);
}

static void parse_line(struct file_parse *fp, char *raw)
{
	char *line = str_strip(raw), *eq, *key, *value;

	if (!*line || *line == '#' || *line == ';' || !text_ok(fp->ini, line))
		return;
	if (*line == '[') {
		parse_header(fp, line);
		return;
	}
	eq = strchr(line, '=');
	if (!eq) {
		ini_error(fp->ini, "expected 'key = value' or a [section], got '%s'", line);
		return;
	}
	*eq = '\0';
	key = str_strip(line);
	value = eq + 1;
	cut_comment(value);
	value = str_strip(value);
	if (!*key) {
		ini_error(fp->ini, "missing key before '='");
		return;
	}
	if (!*value) {
		ini_error(fp->ini, "missing value for '%s'", key);
		return;
	}
	if (!fp->in_section) {
		ini_error(fp->ini, "'%s' is outside of any section; start with %s", key,
			  fp->ops->sections);
		return;
	}
	fp->ops->key(fp->ini, fp->data, key, value);
}

/* Keep FILE's name for as long as the ini: what was parsed points at it. */
static const char *remember_file(struct ini *ini, const char *file)
{
	char **files;

	if (ini->nfiles >= INI_FILES_MAX)
		return NULL;
	files = realloc(ini->files, (ini->nfiles + 1) * sizeof(*files));
	if (!files)
		return NULL;
	ini->files = files;
	files[ini->nfiles] = strdup(file);
	if (!files[ini->nfiles])
		return NULL;
	return files[ini->nfiles++];
}

void ini_parse_text(struct ini *ini, const struct ini_ops *ops, void *data, const char *file,
		    const char *text, size_t len)
{
	struct file_parse fp = { .ini = ini, .ops = ops, .data = data };
	char buf[INI_LINE_MAX];
	size_t pos = 0;

	ini->file = remember_file(ini, file);
	ini->line = 0;
	if (!ini->file) {
		ini_file_error(ini, file, "too many configuration files (at most %d)",
			       INI_FILES_MAX);
		return;
	}
	/* a byte-order mark, as some editors write, is not part of line 1 */
	if (len >= 3 && memcmp(text, "\xef\xbb\xbf", 3) == 0) {
		text += 3;
		len -= 3;
	}
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = nl ? (size_t)(nl - (text + pos)) : len - pos;

		ini->line++;
		if (memchr(text + pos, '\0', n)) {
			ini_error(ini, "line contains a NUL byte");
		} else if (n >= sizeof(buf)) {
			ini_error(ini, "line is longer than %d bytes", INI_LINE_MAX - 1);
		} else {
			memcpy(buf, text + pos, n);
			buf[n] = '\0';
			parse_line(&fp, buf);
		}
		pos += n + (nl ? 1 : 0);
	}
	ops->end(ini, data);
}

/* ---- files -------------------------------------------------------------- */

bool ini_dropin_dir(const char *main_file, char *out, size_t size)
{
	size_t n = strlen(main_file);

	if (n > 5 && strcmp(main_file + n - 5, ".conf") == 0)
		return str_printf(out, size, "%.*s.d", (int)(n - 5), main_file);
	return str_printf(out, size, "%s.d", main_file);
}

/*
 * Only root (or whoever runs us, for tests as a user) may control a file or
 * a directory it is reached through. ANCESTOR: a directory above the file's
 * own, where a sticky one of root's (/tmp) is fine: nobody else can rename
 * or remove what is in it.
 */
static bool owner_ok(struct ini *ini, const char *path, const struct stat *st, bool ancestor)
{
	if (st->st_uid != 0 && st->st_uid != geteuid()) {
		ini_file_error(ini, path, "refusing to use: owned by uid %u, not root",
			       (unsigned)st->st_uid);
		return false;
	}
	if (ancestor && (st->st_mode & S_ISVTX) && st->st_uid == 0)
		return true;
	if ((st->st_mode & S_IWOTH) || ((st->st_mode & S_IWGRP) && st->st_gid != 0)) {
		ini_file_error(
			ini, path,
			"refusing to use: writable by %s (mode %04o); only root may change the policy",
			(st->st_mode & S_IWOTH) ? "everyone" : "group",
			(unsigned)(st->st_mode & 07777));
		return false;
	}
	return true;
}

/* Cut PATH to its directory in place; false when it has none left. */
static bool to_parent(char *path)
{
	char *slash = strrchr(path, '/');

	if (!slash || strcmp(path, "/") == 0)
		return false;
	if (slash == path)
		path[1] = '\0';
	else
		*slash = '\0';
	return true;
}

/* The directory FILE's name is in: for a symlink, the link's own. */
static bool name_dir_ok(struct ini *ini, const char *file)
{
	char dir[PATH_MAX];
	struct stat st;

	if (!str_copy(dir, sizeof(dir), file))
		return false;
	if (!strchr(dir, '/'))
		str_copy(dir, sizeof(dir), ".");
	else
		to_parent(dir);
	if (stat(dir, &st) < 0)
		return true;	/* reading the file reports the real problem */
	/* a sticky world-writable dir (/tmp) still lets others replace files */
	return owner_ok(ini, dir, &st, false);
}

/* Every directory of REAL, the file's canonical path, up to /: a file in a
 * directory others may write is not root's, whatever links lead to it. */
static bool real_dirs_ok(struct ini *ini, const char *real)
{
	char dir[PATH_MAX];
	bool ancestor = false;
	struct stat st;

	if (!str_copy(dir, sizeof(dir), real))
		return false;
	while (to_parent(dir)) {
		if (stat(dir, &st) < 0) {
			ini_file_error(ini, dir, "refusing to use: cannot check it: %s",
				       strerror(errno));
			return false;
		}
		if (!owner_ok(ini, dir, &st, ancestor))
			return false;
		ancestor = true;
	}
	return true;
}

/* May FILE, opened as ST, be trusted with the policy? */
static bool trusted(struct ini *ini, const char *file, const struct stat *st)
{
	char real[PATH_MAX];
	struct stat now;

	if (!owner_ok(ini, file, st, false) || !name_dir_ok(ini, file))
		return false;
	if (!realpath(file, real) || stat(real, &now) < 0 || now.st_dev != st->st_dev ||
	    now.st_ino != st->st_ino) {
		ini_file_error(ini, file, "refusing to use: it was replaced while being read");
		return false;
	}
	return real_dirs_ok(ini, real);
}

static void load_file(struct ini *ini, const struct ini_ops *ops, void *data, const char *file,
		      bool check_owner)
{
	/* O_NONBLOCK: a FIFO in the file's place must not stop the boot */
	_cleanup_close_ int fd = open(file, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
	_cleanup_free_ char *text = NULL;
	struct stat st;
	ssize_t n;

	if (fd < 0) {
		ini_file_error(ini, file, "cannot open: %s", strerror(errno));
		return;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		ini_file_error(ini, file, "not a regular file");
		return;
	}
	if (check_owner && !trusted(ini, file, &st))
		return;
	if (st.st_size > INI_FILE_MAX) {
		ini_file_error(ini, file, "larger than %d bytes", INI_FILE_MAX);
		return;
	}
	text = malloc((size_t)st.st_size + 1);
	if (!text) {
		ini_file_error(ini, file, "out of memory");
		return;
	}
	n = read(fd, text, (size_t)st.st_size);
	if (n < 0) {
		ini_file_error(ini, file, "cannot read: %s", strerror(errno));
		return;
	}
	ini_parse_text(ini, ops, data, file, text, (size_t)n);
}

/* Is PATH absent (fine: no file), rather than a link to something absent
 * (an error: the administrator meant a file to be there)? */
static bool absent(struct ini *ini, const char *path)
{
	char target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (lstat(path, &st) < 0)
		return errno == ENOENT;
	if (!S_ISLNK(st.st_mode) || stat(path, &st) == 0 || errno != ENOENT)
		return false;
	n = readlink(path, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	ini_file_error(ini, path, "is a symbolic link to %s, which does not exist", target);
	return true;
}

/* One drop-in: its name, and the directory it is read from. */
struct dropin {
	char *name;
	const char *dir;
};

static int cmp_dropins(const void *a, const void *b)
{
	return strcmp(((const struct dropin *)a)->name, ((const struct dropin *)b)->name);
}

static void free_dropins(struct dropin *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(d[i].name);
}

static bool have_name(const struct dropin *d, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(d[i].name, name) == 0)
			return true;
	return false;
}

/*
 * Add the *.conf names in DIR that no directory of higher priority had
 * (/etc over /run over /usr/lib, as systemd's *.d); false when DIR may not
 * be used, or when there are too many.
 */
static bool add_name(struct ini *ini, const char *dropin, const char *name, struct dropin *d,
		     size_t *n)
{
	if (*n == INI_DROPINS_MAX) {
		ini_file_error(ini, dropin, "more than %d drop-in files; none is read",
			       INI_DROPINS_MAX);
		return false;
	}
	d[*n].name = strdup(name);
	if (!d[*n].name) {
		ini_file_error(ini, dropin, "out of memory");
		return false;
	}
	d[(*n)++].dir = dropin;
	return true;
}

/* The change to DIR/NAME the load is to read as made, if any. */
static const struct ini_overlay *overlay_of(const struct ini *ini, const char *dir,
					    const char *name)
{
	for (size_t i = 0; i < ini->noverlays; i++)
		if (strcmp(ini->overlays[i].dir, dir) == 0 &&
		    strcmp(ini->overlays[i].name, name) == 0)
			return &ini->overlays[i];
	return NULL;
}

/* The files of DIR written by the overlays: they hide the same name below. */
static bool overlay_names(struct ini *ini, const char *dir, struct dropin *d, size_t *n)
{
	for (size_t i = 0; i < ini->noverlays; i++) {
		const struct ini_overlay *ov = &ini->overlays[i];

		if (ov->text && strcmp(ov->dir, dir) == 0 && !have_name(d, *n, ov->name) &&
		    !add_name(ini, dir, ov->name, d, n))
			return false;
	}
	return true;
}

static bool dropin_names(struct ini *ini, const char *dropin, DIR *dir, bool check_owner,
			 struct dropin *d, size_t *n)
{
	struct dirent *de;
	struct stat st;

	if (check_owner && fstat(dirfd(dir), &st) == 0 && !owner_ok(ini, dropin, &st, false))
		return false;
	while ((de = readdir(dir))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0 ||
		    have_name(d, *n, de->d_name) || overlay_of(ini, dropin, de->d_name))
			continue;
		if (!add_name(ini, dropin, de->d_name, d, n))
			return false;
	}
	return true;
}

/*
 * A symbolic link to /dev/null masks a drop-in of the same name below it.
 * Told by what the link leads to, the null device (1:3), not by how the
 * target is spelled ("/dev/null", "../../dev/null").
 */
static bool masked(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0 && S_ISLNK(st.st_mode) && stat(path, &st) == 0 &&
	       S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
}

/* Read the drop-ins D (freed here) in lexical order of their names. */
static void load_dropins(struct ini *ini, const struct ini_ops *ops, void *data, struct dropin *d,
			 size_t nd, bool check_owner)
{
	if (nd > 1)
		qsort(d, nd, sizeof(d[0]), cmp_dropins);
	for (size_t i = 0; i < nd; i++) {
		const struct ini_overlay *ov = overlay_of(ini, d[i].dir, d[i].name);
		char path[PATH_MAX];

		if (!str_printf(path, sizeof(path), "%s/%s", d[i].dir, d[i].name))
			ini_file_error(ini, d[i].dir, "path too long");
		else if (ov)
			ini_parse_text(ini, ops, data, path, ov->text, strlen(ov->text));
		else if (!masked(path))
			load_file(ini, ops, data, path, check_owner);
	}
	free_dropins(d, nd);
}

int ini_load(struct ini *ini, const struct ini_ops *ops, void *data, const char *main_file,
	     bool check_owner)
{
	char own[PATH_MAX];
	const char *dirs[INI_DIRS_MAX + 1] = { own };
	struct dropin d[INI_DROPINS_MAX];
	size_t nd = 0, ndirs = 1;
	bool ok = true;

	if (!absent(ini, main_file))
		load_file(ini, ops, data, main_file, check_owner);

	if (!ini_dropin_dir(main_file, own, sizeof(own))) {
		ini_file_error(ini, main_file, "path too long");
		return -1;
	}
	for (size_t i = 0; ini->more_dirs && ini->more_dirs[i] && ndirs < INI_DIRS_MAX; i++)
		dirs[ndirs++] = ini->more_dirs[i];
	for (size_t i = 0; i < ndirs && ok; i++) {
		_cleanup_closedir_ DIR *dir = NULL;

		if (!overlay_names(ini, dirs[i], d, &nd)) {
			ok = false;
			break;
		}
		if (absent(ini, dirs[i]))
			continue;
		dir = opendir(dirs[i]);
		if (!dir) {
			if (errno != ENOTDIR)
				ini_file_error(ini, dirs[i], "cannot open: %s", strerror(errno));
			continue;
		}
		ok = dropin_names(ini, dirs[i], dir, check_owner, d, &nd);
	}
	if (!ok) {
		free_dropins(d, nd);
		return -1;
	}
	load_dropins(ini, ops, data, d, nd, check_owner);
	return ini->nerrors ? -1 : 0;
}

int ini_load_dir(struct ini *ini, const struct ini_ops *ops, void *data, const char *dir,
		 bool check_owner)
{
	_cleanup_closedir_ DIR *dirp = NULL;
	struct dropin d[INI_DROPINS_MAX];
	size_t nd = 0;

	if (absent(ini, dir))
		return ini->nerrors ? -1 : 0;
	dirp = opendir(dir);
	if (!dirp) {
		ini_file_error(ini, dir, "cannot open: %s", strerror(errno));
		return -1;
	}
	if (!dropin_names(ini, dir, dirp, check_owner, d, &nd)) {
		free_dropins(d, nd);
		return -1;
	}
	load_dropins(ini, ops, data, d, nd, check_owner);
	return ini->nerrors ? -1 : 0;
}
