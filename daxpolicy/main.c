// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dax-policy: put every dax device in the mode /etc/dax-policy.conf says.
 * The command line: parse options, then run the pipeline
 * config -> discover -> plan -> apply -> report for the chosen command.
 */
#include "agents.h"
#include "apply.h"
#include "cleanup.h"
#include "config.h"
#include "ctx.h"
#include "discover.h"
#include "hold.h"
#include "journal.h"
#include "lock.h"
#include "memory.h"
#include "modload.h"
#include "outcome.h"
#include "plan.h"
#include "report.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#ifndef DAX_POLICY_VERSION
#define DAX_POLICY_VERSION "0"
#endif
#ifndef DAX_POLICY_RUNTIME_DIR
#define DAX_POLICY_RUNTIME_DIR "/run/dax-policy.d"
#endif
#ifndef DAX_POLICY_VENDOR_DIR
#define DAX_POLICY_VENDOR_DIR "/usr/lib/dax-policy.d"
#endif
#ifndef DAX_POLICY_CONFIG
#define DAX_POLICY_CONFIG "/etc/dax-policy.conf"
#endif

enum exit_code {
	EXIT_OK = 0,
	EXIT_CONFIG = 1,
	EXIT_USAGE = 2,
	EXIT_FAILED = 3,
	EXIT_DRIFT = 4,
};

#define DEVICES_MAX 1024

struct options {
	struct dp_ctx ctx;	/* --root, --dry-run, -v/-q, --offline-timeout */
	const char *command;
	const char *config;
	bool config_given;	/* -c: that file and its own .d only */
	const char *root;
	/* the search path: the main file (under --root), then /run and /usr/lib */
	char config_buf[PATH_MAX];
	char dir_bufs[2][PATH_MAX];
	const char *more_dirs[3];
	bool json, force;
	/* the names, in place: nothing to free on any way out */
	char names[DEVICES_MAX][DAX_NAME_MAX];
	char *devices[DEVICES_MAX]; /* into names, as plan_build takes them */
	size_t ndevices;
};

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: dax-policy [OPTIONS] COMMAND [DEVICE...]\n"
		"\n"
		"Put each dax device in the mode the policy asks: devdax, system-ram or fsdev.\n"
		"\n"
		"Commands:\n"
		"  apply [--dry-run] [--force] [DEVICE...]  put devices (default: all) in their policy mode\n"
		"  status [DEVICE...]                       current and wanted mode of each device\n"
		"  check                                    validate the configuration and print its rules\n"
		"  explain DEVICE                           which rule matched, and why earlier ones did not\n"
		"  cat-config                               the configuration files read, in order, with their text\n"
		"  hold                                     new devices wait, unbound, for the policy\n"
		"  release [DEVICE...]                      devices still waiting (default: all, and the\n"
		"                                           hold ends) get the kernel's own choice\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   configuration file (default %s);\n"
		"                      drop-ins are read from FILE with .conf replaced by .d;\n"
		"                      without -c also from /run/dax-policy.d and\n"
		"                      " DAX_POLICY_VENDOR_DIR " (see dax-policy.conf(5))\n"
		"  -r, --root DIR      look for /sys, /dev, /proc, /run and (without -c)\n"
		"                      the configuration under DIR\n"
		"  -n, --dry-run       (apply) print every write instead of doing it\n"
		"  -f, --force         (apply) switch devices that are open or mapped\n"
		"                      (never memory that cannot be offlined)\n"
		"  -t, --offline-timeout SECS\n"
		"                      (apply) give up offlining a memory block whose pages\n"
		"                      will not move after SECS (default 30; 0: wait forever)\n"
		"  -j, --json          print one JSON document\n"
		"  -v, --verbose       say more: every sysfs write, memory blocks counted\n"
		"                      per device (-vv: every memory block written too)\n"
		"  -q, --quiet         print only errors\n"
		"  -h, --help          show this help\n"
		"  -V, --version       show the version\n"
		"\n"
		"DEVICE is a kernel name (dax1.0) or a /dev/daxX.Y path.\n"
		"Exit status: 0 ok, 1 configuration error (nothing applied), 2 usage error,\n"
		"3 a device could not be put in its mode, 4 (status) a device is not in its mode.\n"
		"See dax-policy(8) and dax-policy.conf(5).\n",
		DAX_POLICY_CONFIG);
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "offline-timeout", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct dp_ctx *c = &o->ctx;
	bool bad = false;
	int opt;

	o->config = DAX_POLICY_CONFIG;
	/* our own messages (kept for --json), and every option read even after
	 * a bad one, so that a --json after it is still seen */
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":c:r:nft:jvqhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o->config = optarg; o->config_given = true; break;
		case 'r': o->root = optarg; break;
		case 'n': o->ctx.dry_run = true; break;
		case 'f': o->force = true; break;
		case 't': {
			int secs;

			if (!parse_uint(optarg, &secs)) {
				log_error(c, "--offline-timeout takes a number of seconds");
				bad = true;
				break;
			}
			o->ctx.offline_timeout = (unsigned)secs;
			break;
		}
		case 'j': o->json = true; break;
		case 'v':
			o->ctx.verbosity = o->ctx.verbosity >= VERBOSITY_VERBOSE
						   ? VERBOSITY_DEBUG
						   : VERBOSITY_VERBOSE;
			break;
		case 'q': o->ctx.verbosity = VERBOSITY_QUIET; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': printf("dax-policy %s\n", DAX_POLICY_VERSION); exit(EXIT_OK);
		case ':':
			log_error(c, "option '%s' needs a value; try 'dax-policy --help'",
				  argv[optind - 1]);
			bad = true;
			break;
		default:
			if (optopt)
				log_error(c, "unknown option '-%c'; try 'dax-policy --help'",
					  optopt);
			else
				log_error(c, "unknown option '%s'; try 'dax-policy --help'",
					  argv[optind - 1]);
			bad = true;
			break;
		}
	}
	if (bad)
		return -1;
	if (optind >= argc) {
		log_error(c, "no command given; try 'dax-policy --help'");
		return -1;
	}
	o->command = argv[optind++];
	for (; optind < argc; optind++) {
		char *name;

		if (o->ndevices == DEVICES_MAX) {
			log_error(c, "too many devices named (at most %d)", DEVICES_MAX);
			return -1;
		}
		name = o->names[o->ndevices];
		if (!dax_name_normalize(argv[optind], name, DAX_NAME_MAX)) {
			log_error(c,
				  "'%s' is not a dax device name (expected daxX.Y or /dev/daxX.Y)",
				  argv[optind]);
			return -1;
		}
		o->devices[o->ndevices++] = name;
	}
	if ((o->ctx.dry_run || o->force) && strcmp(o->command, "apply") != 0) {
		log_error(c, "--dry-run and --force only go with apply");
		return -1;
	}
	/* under --json, stdout carries only the JSON document */
	if (o->json)
		o->ctx.dry_run_out = stderr;
	return 0;
}

/* Every named device must exist; report each that does not. */
static bool devices_present(const struct options *o, const struct snapshot *snap)
{
	bool ok = true;

	for (size_t i = 0; i < o->ndevices; i++) {
		if (!snapshot_find(snap, o->devices[i])) {
			log_error(&o->ctx, "%s: no such dax device", o->devices[i]);
			ok = false;
		}
	}
	return ok;
}

static int cmd_check(const struct options *o, const struct policy *p)
{
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	bool have_snap = discover_all(&o->ctx, &snap) == 0;
	struct agent_warnings agents = { 0 };

	if (o->ndevices) {
		log_error(&o->ctx, "check takes no device");
		return EXIT_USAGE;
	}
	if (have_snap)
		agents_find(&o->ctx, &snap, p, &agents);
	report_rules(stdout, o->json, p, have_snap ? &snap : NULL, &agents);
	o->ctx.errors->printed = o->json;
	return EXIT_OK;
}

/* Every file the policy was read from, in the order read, as it is. */
static int cmd_cat_config(const struct options *o, const struct policy *p)
{
	if (o->ndevices) {
		log_error(&o->ctx, "cat-config takes no device");
		return EXIT_USAGE;
	}
	for (size_t i = 0; i < p->ini.nfiles; i++) {
		/* as the loader: never wait on a FIFO put in a file's place since */
		_cleanup_close_ int fd = open(p->ini.files[i], O_RDONLY | O_CLOEXEC | O_NONBLOCK);
		struct stat st;
		char buf[4096];
		ssize_t n;

		printf("%s# %s\n", i ? "\n" : "", p->ini.files[i]);
		fflush(stdout);
		if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
			log_error(&o->ctx, "%s: no longer a regular file", p->ini.files[i]);
			continue;
		}
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)n, stdout);
	}
	if (p->ini.nfiles == 0)
		printf("# no configuration file: every device is kept as the kernel makes it\n");
	return p->ini.nerrors ? EXIT_CONFIG : EXIT_OK;
}

/*
 * Where the policy is read from: -c FILE and FILE.d; else the main file
 * and /etc/dax-policy.d, /run/dax-policy.d, /usr/lib/dax-policy.d (a name
 * in an earlier one hides the same name in a later one), all under --root.
 */
static bool config_paths(struct options *o)
{
	const char *root = o->root ? o->root : "";
	const char *const dirs[] = { DAX_POLICY_RUNTIME_DIR, DAX_POLICY_VENDOR_DIR };

	if (o->config_given)
		return true;
	if (!str_printf(o->config_buf, sizeof(o->config_buf), "%s%s", root, DAX_POLICY_CONFIG))
		return false;
	o->config = o->config_buf;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		if (!str_printf(o->dir_bufs[i], sizeof(o->dir_bufs[i]), "%s%s", root, dirs[i]))
			return false;
		o->more_dirs[i] = o->dir_bufs[i];
	}
	return true;
}

static int load_snapshot(const struct options *o, struct snapshot *snap)
{
	int rc = discover_all(&o->ctx, snap);

	if (rc) {
		log_error(&o->ctx, "cannot read /sys/bus/dax: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

static int cmd_explain(const struct options *o, const struct policy *p)
{
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(plan_free) struct plan plan = { 0 };

	if (o->ndevices != 1) {
		log_error(&o->ctx, "explain takes exactly one device");
		return EXIT_USAGE;
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap))
		return EXIT_USAGE;
	if (plan_build(p, &snap, o->devices, o->ndevices, &plan) != 0 || plan.n != 1)
		return EXIT_FAILED;
	report_explain(stdout, o->json, p, &plan.e[0]);
	o->ctx.errors->printed = o->json;
	return EXIT_OK;
}

/* Apply the plan, or assess it for status; the exit code either gives. */
static int apply_or_assess(const struct options *o, const struct policy *p,
			   const struct snapshot *snap, struct plan *plan, bool apply,
			   struct outcome *outcomes)
{
	int rc = EXIT_OK;

	if (apply)
		return apply_plan(&o->ctx, p, snap, plan, o->force, outcomes) > 0 ? EXIT_FAILED
										   : EXIT_OK;
	assess_plan(&o->ctx, plan, outcomes);
	for (size_t i = 0; i < plan->n; i++)
		if (outcomes[i].state != STATE_OK)
			rc = EXIT_DRIFT;
	return rc;
}

static int cmd_status_or_apply(const struct options *o, const struct policy *p, bool apply)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(plan_free) struct plan plan = { 0 };
	_cleanup_free_ struct outcome *outcomes = NULL;
	struct agent_warnings agents;
	struct report r;
	int rc;

	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap))
		return EXIT_USAGE;
	if (plan_build(p, &snap, o->devices, o->ndevices, &plan) != 0) {
		log_error(c, "out of memory");
		return EXIT_FAILED;
	}
	outcomes = calloc(plan.n ? plan.n : 1, sizeof(*outcomes));
	if (!outcomes)
		return EXIT_FAILED;
	rc = apply_or_assess(o, p, &snap, &plan, apply, outcomes);
	agents_find(c, &snap, p, &agents);
	r = (struct report){
		.out = stdout,
		.json = o->json,
		.apply = apply,
		.dry_run = c->dry_run,
		.verbose = c->verbosity >= VERBOSITY_VERBOSE,
		.quiet = c->verbosity < VERBOSITY_NORMAL,
		.journal = !o->json && journal_stream_is(STDOUT_FILENO),
		.policy = p,
		.plan = &plan,
		.outcomes = outcomes,
		.agents = apply ? NULL : &agents,
	};
	if (apply && !c->dry_run && c->notify) {
		char summary[256];

		report_summary(&r, summary, sizeof(summary));
		journal_notify_status(summary);
	}
	if (!apply || o->json || c->verbosity >= VERBOSITY_NORMAL || r.journal) {
		report_devices(&r);
		c->errors->printed = o->json;
	} else {
		/* -q: only errors, and a device that could not be put in its mode is one */
		for (size_t i = 0; i < plan.n; i++)
			if (outcomes[i].state == STATE_BUSY || outcomes[i].state == STATE_ERROR)
				log_error(c, "%s: %s: %s", outcomes[i].dev.name,
					  dev_state_name(outcomes[i].state), outcomes[i].msg);
	}
	return rc;
}

/* Take the run lock; every command that changes something needs it. */
static int lock_or_fail(const struct options *o)
{
	int lock = run_lock(&o->ctx);

	if (lock < 0)
		log_error(&o->ctx, "cannot take " RUN_LOCK ": %s", strerror(-lock));
	return lock;
}

/*
 * hold: from now on a dax device that appears waits, unbound, until
 * dax-policy decides for it. Devices already there are not waiting: they
 * are recorded as decided first.
 */
static int cmd_hold(const struct options *o, const struct policy *p)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(decided_free) struct decided now = { 0 };
	_cleanup_close_ int lock = -1;
	int rc;

	(void)p;
	if (o->ndevices) {
		log_error(c, "hold takes no device");
		return EXIT_USAGE;
	}
	lock = lock_or_fail(o);
	if (lock < 0)
		return EXIT_FAILED;
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	memory_auto_online_recover(c);
	for (size_t i = 0; i < snap.n; i++)
		if (!snap.devs[i].waiting && decided_add(&now, snap.devs[i].name,
							 snap.devs[i].instance) != 0)
			return EXIT_FAILED;
	if (!decided_equal(&now, &snap.decided) && decided_save(c, &now) != 0)
		log_warn(c, "cannot write " DECIDED_FILE);
	rc = hold_set(c, true);
	if (rc) {
		log_error(c, "cannot write " BUS_AUTOPROBE ": %s", strerror(-rc));
		return EXIT_FAILED;
	}
	log_verbose(c, "new dax devices wait for the policy");
	return EXIT_OK;
}

static bool named(const struct options *o, const char *name)
{
	if (!o->ndevices)
		return true;
	for (size_t i = 0; i < o->ndevices; i++)
		if (strcmp(o->devices[i], name) == 0)
			return true;
	return false;
}

/*
 * release: every device still waiting (or those named, if they are) gets
 * what the kernel would give it without dax-policy; without a device, the
 * hold ends too. Needs no configuration: this is what runs when the policy
 * cannot (a broken configuration, a failed or stopped dax-policy).
 */
static int cmd_release(const struct options *o, const struct policy *p)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(decided_free) struct decided now = { 0 };
	_cleanup_close_ int lock = -1;
	int rc = EXIT_OK;

	(void)p;
	/* after dax-policy@DEVICE succeeded (ExecStopPost), its device is decided */
	if (o->ndevices && getenv("SERVICE_RESULT") && strcmp(getenv("SERVICE_RESULT"), "success") == 0)
		return EXIT_OK;
	lock = lock_or_fail(o);
	if (lock < 0)
		return EXIT_FAILED;
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap))
		return EXIT_USAGE;
	if (!o->ndevices && hold_set(c, false) != 0) {
		log_error(c, "cannot write " BUS_AUTOPROBE);
		rc = EXIT_FAILED;
	}
	for (size_t i = 0; i < snap.n; i++) {
		struct dax_device *d = &snap.devs[i];
		char alias[ATTR_MAX], err[256] = "";

		if (d->waiting && named(o, d->name)) {
			if (sysroot_read(c, alias, sizeof(alias), DAX_DEVICES "/%s/modalias",
					 d->name) == 0)
				modload_alias(c, alias, err, sizeof(err));
			if (sysroot_write(c, "probe", d->name, BUS_PROBE) != 0) {
				log_error(c, "%s: cannot hand it to the kernel", d->name);
				rc = EXIT_FAILED;
				continue;
			}
			discover_refresh(c, &snap, d);
			log_entry(c, VERBOSITY_NORMAL,
				  &(const struct journal_fields){
					  .priority = outcome_kinds[OUTCOME_RELEASED].priority,
					  .message_id = outcome_kinds[OUTCOME_RELEASED].message_id,
					  .device = d->name,
					  .from = mode_name(MODE_UNBOUND),
					  .to = mode_name(d->mode),
				  },
				  "%s: no policy decision; the kernel's own choice: %s", d->name,
				  mode_name(d->mode));
			d->waiting = false;
		}
		if (!d->waiting && decided_add(&now, d->name, d->instance) != 0)
			return EXIT_FAILED;
	}
	if (!decided_equal(&now, &snap.decided) && decided_save(c, &now) != 0)
		log_warn(c, "cannot write " DECIDED_FILE);
	return rc;
}

static int cmd_status(const struct options *o, const struct policy *p)
{
	return cmd_status_or_apply(o, p, false);
}

static int cmd_apply(const struct options *o, const struct policy *p)
{
	return cmd_status_or_apply(o, p, true);
}

struct command {
	const char *name;
	int (*run)(const struct options *o, const struct policy *p);
	bool needs_policy;	/* hold and release work without (a valid) one */
	/* Takes the run lock before the configuration is read (but not for
	 * --dry-run), so that a run that waited applies the policy as it is
	 * when its turn comes. hold and release lock by themselves. */
	bool lock_first;
	bool even_broken;	/* runs with a broken configuration too (cat-config) */
};

/* clang-format off */
static const struct command commands[] = {
	{ "apply", cmd_apply, true, true, false },
	{ "status", cmd_status, true, false, false },
	{ "check", cmd_check, true, false, false },
	{ "explain", cmd_explain, true, false, false },
	{ "hold", cmd_hold, false, false, false },
	{ "release", cmd_release, false, false, false },
	{ "cat-config", cmd_cat_config, true, false, true },
};
/* clang-format on */

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

/* The command's exit code; with --json, a run that ends in an error before
 * printing its document prints the errors as one instead. */
static int finish(const struct options *o, int rc)
{
	if (o->json && rc != EXIT_OK && rc != EXIT_DRIFT && !o->ctx.errors->printed)
		report_errors(stdout, o->ctx.errors);
	return rc;
}

/* A configuration message as a journal entry: CONFIG_FILE, CONFIG_LINE. */
static void config_to_journal(void *data, int priority, const char *file, int line,
			      const char *text)
{
	const struct journal_fields f = {
		.priority = priority,
		.config_file = file,
		.config_line = line,
	};

	if (journal_send(&f, text) != 0)
		fprintf(stderr, "%s\n", text);
	(void)data;
}

static int run(struct options *o, struct policy *policy, int argc, char **argv)
{
	_cleanup_close_ int lock = -1;
	const struct command *cmd;

	/* option errors already go to the journal; progress waits for -q, -vv */
	ctx_detect_output(&o->ctx);
	if (parse_args(argc, argv, o) < 0)
		return EXIT_USAGE;
	ctx_detect_output(&o->ctx);
	if (o->ctx.journal)
		policy->ini.log = config_to_journal;
	if (!sysroot_set(&o->ctx, o->root)) {
		log_error(&o->ctx, "--root %s: %s", o->root, strerror(errno));
		return EXIT_USAGE;
	}
	cmd = find_command(o->command);
	if (!cmd) {
		log_error(&o->ctx, "unknown command '%s'; try 'dax-policy --help'", o->command);
		return EXIT_USAGE;
	}
	/* without the lock nothing may change: another run could interleave */
	if (cmd->lock_first && !o->ctx.dry_run) {
		lock = run_lock(&o->ctx);
		if (lock < 0) {
			log_error(&o->ctx, "cannot take " RUN_LOCK ": %s; nothing changed",
				  strerror(-lock));
			return EXIT_FAILED;
		}
	}
	if (!config_paths(o)) {
		log_error(&o->ctx, "--root %s: path too long", o->root);
		return EXIT_USAGE;
	}
	policy->ini.more_dirs = o->more_dirs;
	if (cmd->needs_policy && policy_load(policy, o->config, true) < 0) {
		if (cmd->even_broken)
			return cmd->run(o, policy);
		log_entry(&o->ctx, VERBOSITY_QUIET,
			  &(const struct journal_fields){
				  .priority = outcome_kinds[OUTCOME_CONFIG_ERROR].priority,
				  .message_id = outcome_kinds[OUTCOME_CONFIG_ERROR].message_id,
			  },
			  "configuration has %u error%s; nothing %s", policy->ini.nerrors,
			  policy->ini.nerrors == 1 ? "" : "s",
			  cmd->run == cmd_apply ? "applied" : "done");
		return EXIT_CONFIG;
	}
	return cmd->run(o, policy);
}

int main(int argc, char **argv)
{
	struct options o = { 0 };
	_cleanup_(errlist_free) struct errlist errors = { 0 };
	_cleanup_(policy_free) struct policy policy;

	policy_init(&policy);
	ctx_init(&o.ctx);
	o.ctx.errors = &errors;
	policy.ini.errors = &errors;
	return finish(&o, run(&o, &policy, argc, argv));
}
