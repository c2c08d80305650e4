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
#include "daxctl_import.h"
#include "discover.h"
#include "dropin.h"
#include "hold.h"
#include "journal.h"
#include "lock.h"
#include "match.h"
#include "memory.h"
#include "modload.h"
#include "outcome.h"
#include "plan.h"
#include "report.h"
#include "setrule.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdarg.h>
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
/* What import-daxctl --write writes, in the main file's drop-in directory. */
#define DAXCTL_IMPORT_FILE "40-daxctl-import.conf"
/* A set rule's drop-in: a few lines, a path at most VALUE_MAX long. */
#define SET_TEXT_MAX (VALUE_MAX * 3 + 512)

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
	bool json, force, runtime, write;
	enum online_policy online; /* --online; ONLINE_UNSET when not given */
	unsigned given;		   /* the OPT_ bits of the options given */
	/* the arguments of a command that takes other words than devices */
	char *args[DEVICES_MAX];
	size_t nargs;
	/* the names, in place: nothing to free on any way out */
	char names[DEVICES_MAX][DAX_NAME_MAX];
	char *devices[DEVICES_MAX]; /* into names, as plan_build takes them */
	size_t ndevices;
	/* the configuration's messages, held back (load_policy) */
	char *deferred;
	size_t deferred_len;
};

/* Print the messages held back, after what the command printed. */
static void print_deferred(struct options *o)
{
	if (!o->deferred)
		return;
	fflush(stdout);
	fwrite(o->deferred, 1, o->deferred_len, stderr);
	free(o->deferred);
	o->deferred = NULL;
}
/* Options that only some commands take (the rest go with all). */
enum {
	OPT_DRY_RUN = 1 << 0,
	OPT_FORCE = 1 << 1,
	OPT_ONLINE = 1 << 2,
	OPT_RUNTIME = 1 << 3,
	OPT_WRITE = 1 << 4,
};

static const struct {
	unsigned bit;
	const char *name;
} command_opts[] = {
	{ OPT_DRY_RUN, "--dry-run" }, { OPT_FORCE, "--force" }, { OPT_ONLINE, "--online" },
	{ OPT_RUNTIME, "--runtime" }, { OPT_WRITE, "--write" },
};

struct command {
	const char *name;
	int (*run)(const struct options *o, const struct policy *p);
	/* hold and release work without (a valid) one; set, unset and
	 * import-daxctl read it themselves, as it would be after their change */
	bool needs_policy;
	/* Takes the run lock before the configuration is read (but not for
	 * --dry-run), so that a run that waited applies the policy as it is
	 * when its turn comes. hold and release lock by themselves. */
	bool lock_first;
	/* Runs with a broken configuration too, and then says this after
	 * the count of errors (exit 1 all the same); NULL: does not run. */
	const char *broken;
	bool raw_args;	/* takes words other than device names (set DEVICE MODE) */
	unsigned opts;	/* the OPT_ bits it takes */
};

static const struct command *find_command(const char *name);
/* The Ith command of the table, NULL past the end. */
static const struct command *command_at(size_t i);

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
		"  check                                    validate the configuration; print its rules\n"
		"                                           and how many devices each decides\n"
		"  explain DEVICE                           which rule matched, and why earlier ones did not\n"
		"  cat-config                               the configuration files read, in order, with their text\n"
		"  hold                                     new devices wait, unbound, for the policy\n"
		"  release [DEVICE...]                      devices still waiting (default: all, and the\n"
		"                                           hold ends) get the kernel's own choice\n"
		"  set DEVICE MODE [--online=ZONE] [--runtime] [--dry-run] [--force]\n"
		"                                           pin DEVICE to MODE with a drop-in rule, then apply\n"
		"  unset DEVICE [--runtime] [--dry-run] [--force]\n"
		"                                           remove that rule, then apply\n"
		"  import-daxctl [DIR] [--write [--force]]  daxctl's [reconfigure-device] sections (default\n"
		"                                           " DAXCTL_CONF_DIR ") as rules\n"
		"\n"
		"Options:\n"
		"  -c, --config FILE   configuration file (default %s);\n"
		"                      drop-ins are read from FILE with .conf replaced by .d;\n"
		"                      without -c also from /run/dax-policy.d and\n"
		"                      " DAX_POLICY_VENDOR_DIR " (see dax-policy.conf(5))\n"
		"  -r, --root DIR      look for /sys, /dev, /proc, /run and (without -c)\n"
		"                      the configuration under DIR\n"
		"  -n, --dry-run       (apply, set, unset) print every write instead of doing it\n"
		"  -f, --force         (apply, set, unset) switch devices that are open or mapped\n"
		"                      (never memory that cannot be offlined);\n"
		"                      (import-daxctl --write) replace the file written before\n"
		"      --online=ZONE   (set, system-ram) online the memory movable, normal or offline\n"
		"      --runtime       (set, unset) the rule in /run/dax-policy.d: gone at reboot\n"
		"      --write         (import-daxctl) write the rules to\n"
		"                      /etc/dax-policy.d/" DAXCTL_IMPORT_FILE
		" instead of printing them\n"
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
		"Exit status: 0 ok, 1 configuration error (nothing applied; status and explain\n"
		"still show the devices, their wanted mode as ?), 2 usage error, 3 a device\n"
		"could not be put in its mode, 4 (status) a device is not in its mode.\n"
		"See dax-policy(8) and dax-policy.conf(5).\n",
		DAX_POLICY_CONFIG);
}

/* Options only some commands take: each given must be one of CMD's; the
 * message names the commands that take it. */
static bool command_opts_ok(const struct options *o, const struct command *cmd)
{
	for (size_t i = 0; i < ARRAY_SIZE(command_opts); i++) {
		const struct command *other;
		const char *names[16];
		char list[256];
		size_t n = 0;

		if (!(o->given & command_opts[i].bit) || (cmd->opts & command_opts[i].bit))
			continue;
		for (size_t k = 0; (other = command_at(k)) && n < ARRAY_SIZE(names); k++)
			if (other->opts & command_opts[i].bit)
				names[n++] = other->name;
		words_join(list, sizeof(list), names, n);
		log_error(&o->ctx, "%s only goes with %s", command_opts[i].name, list);
		return false;
	}
	return true;
}

static int parse_args(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "root", required_argument, NULL, 'r' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "offline-timeout", required_argument, NULL, 't' },
		{ "online", required_argument, NULL, 'O' },
		{ "runtime", no_argument, NULL, 'R' },
		{ "write", no_argument, NULL, 'W' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const struct dp_ctx *c = &o->ctx;
	const struct command *cmd;
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
		case 'n':
			o->ctx.dry_run = true;
			o->given |= OPT_DRY_RUN;
			break;
		case 'f':
			o->force = true;
			o->given |= OPT_FORCE;
			break;
		case 'R':
			o->runtime = true;
			o->given |= OPT_RUNTIME;
			break;
		case 'W':
			o->write = true;
			o->given |= OPT_WRITE;
			break;
		case 'O': {
			char words[64];

			o->given |= OPT_ONLINE;
			o->online = online_from_word(optarg);
			if (o->online == ONLINE_UNSET) {
				online_word_list(words, sizeof(words));
				log_error(c, "--online takes %s, not '%s'", words, optarg);
				bad = true;
			}
			break;
		}
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
	cmd = find_command(o->command);
	for (; optind < argc && cmd && cmd->raw_args; optind++) {
		if (o->nargs == DEVICES_MAX) {
			log_error(c, "too many arguments");
			return -1;
		}
		o->args[o->nargs++] = argv[optind];
	}
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
	if (cmd && !command_opts_ok(o, cmd))
		return -1;
	/* under --json, stdout carries only the JSON document */
	if (o->json)
		o->ctx.dry_run_out = stderr;
	return 0;
}

/* Every named device must exist; report each that does not. */
static bool devices_present(const struct options *o, const struct snapshot *snap,
			    char *const *names, size_t n)
{
	bool ok = true;

	for (size_t i = 0; i < n; i++) {
		if (!snapshot_find(snap, names[i])) {
			log_error(&o->ctx, "%s: no such dax device", names[i]);
			ok = false;
		}
	}
	return ok;
}

/* The policy to plan with: none when the configuration has errors (the
 * commands that run anyway show every wanted mode as unknown). */
static const struct policy *valid_policy(const struct policy *p)
{
	return p->ini.nerrors ? NULL : p;
}

static int cmd_check(const struct options *o, const struct policy *p)
{
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	int rc = discover_all(&o->ctx, &snap, FACET_ALL);
	struct agent_warnings agents = { 0 };
	char not_counted[128] = "";

	if (o->ndevices) {
		log_error(&o->ctx, "check takes no device");
		return EXIT_USAGE;
	}
	/* the rules are checked all the same; only the counts need devices */
	if (rc)
		snprintf(not_counted, sizeof(not_counted), "cannot read " DAX_DEVICES ": %s",
			 strerror(-rc));
	else if (!snap.bus_present)
		snprintf(not_counted, sizeof(not_counted),
			 "no dax bus: " DAX_DEVICES " is missing");
	if (!rc)
		agents_find(&o->ctx, &snap, p, &agents);
	report_rules(stdout, o->json, p, rc ? NULL : &snap, not_counted[0] ? not_counted : NULL,
		     &agents);
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

/* The devices NAMES, or all when there are none: a run for one device
 * (what udev starts for each device that appears) reads only that one. */
static int load_devices(const struct options *o, struct snapshot *snap, char *const *names,
			size_t nnames, unsigned facets)
{
	int rc = nnames ? discover_named(&o->ctx, snap, names, nnames, facets)
			: discover_all(&o->ctx, snap, facets);

	if (rc) {
		log_error(&o->ctx, "cannot read /sys/bus/dax: %s", strerror(-rc));
		return -1;
	}
	return 0;
}

/* The devices named on the command line, or all. */
static int load_snapshot(const struct options *o, struct snapshot *snap)
{
	return load_devices(o, snap, o->devices, o->ndevices, FACET_ALL);
}

static int cmd_explain(const struct options *o, const struct policy *p)
{
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(plan_free) struct plan plan = { 0 };
	const struct policy *valid = valid_policy(p);

	if (o->ndevices != 1) {
		log_error(&o->ctx, "explain takes exactly one device");
		return EXIT_USAGE;
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap, o->devices, o->ndevices))
		return EXIT_USAGE;
	if (plan_build(valid, &snap, o->devices, o->ndevices, &plan) != 0 || plan.n != 1)
		return EXIT_FAILED;
	report_explain(stdout, o->json, valid, &plan.e[0], o->ctx.errors);
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

/*
 * What apply reads of each device before it plans: what the rules match on,
 * unless the report shows every device (--json, -v); the memory of a device
 * with memory is always read, since it is part of its mode.
 */
static unsigned apply_facets(const struct options *o, const struct policy *valid)
{
	if (o->json || o->ctx.verbosity >= VERBOSITY_VERBOSE)
		return FACET_ALL;
	return match_facets(valid);
}

/* The devices PLAN would not leave alone (change, probe, refuse), read
 * whole and planned again: nothing is done to a device, or refused, on what
 * was read to match rules alone. */
static void complete_planned(const struct options *o, const struct policy *valid,
			     struct snapshot *snap, struct plan *plan)
{
	for (size_t i = 0; i < plan->n; i++) {
		struct plan_entry *e = &plan->e[i];
		struct dax_device *d;

		if (e->action == ACT_NONE || e->dev.facets == FACET_ALL)
			continue;
		d = (struct dax_device *)snapshot_find(snap, e->dev.name);
		if (!d)
			continue;
		discover_complete(&o->ctx, snap, d);
		plan_device(valid, d, e);
	}
}

/* status or apply for NAMES (all devices when none), under policy P. */
static int status_or_apply(const struct options *o, const struct policy *p, char *const *names,
			   size_t nnames, bool apply)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(plan_free) struct plan plan = { 0 };
	_cleanup_free_ struct outcome *outcomes = NULL;
	const struct policy *valid = valid_policy(p);
	struct agent_warnings agents = { 0 };
	struct report r;
	int rc;

	if (apply && !valid)
		return EXIT_CONFIG; /* never: apply does not run on a broken one */
	if (load_devices(o, &snap, names, nnames, apply ? apply_facets(o, valid) : FACET_ALL))
		return EXIT_FAILED;
	if (!devices_present(o, &snap, names, nnames))
		return EXIT_USAGE;
	if (plan_build(valid, &snap, names, nnames, &plan) != 0) {
		log_error(c, "out of memory");
		return EXIT_FAILED;
	}
	complete_planned(o, valid, &snap, &plan);
	outcomes = calloc(plan.n ? plan.n : 1, sizeof(*outcomes));
	if (!outcomes)
		return EXIT_FAILED;
	rc = apply_or_assess(o, p, &snap, &plan, apply, outcomes);
	if (!apply)	/* reads every udev rule: only status shows what it finds */
		agents_find(c, &snap, valid, &agents);
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
		.errors = c->errors,
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
	if (!devices_present(o, &snap, o->devices, o->ndevices))
		return EXIT_USAGE;
	if (!o->ndevices && hold_set(c, false) != 0) {
		log_error(c, "cannot write " BUS_AUTOPROBE);
		rc = EXIT_FAILED;
	}
	if (snapshot_keep_unread(&snap, &now) != 0)
		return EXIT_FAILED;
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
	return status_or_apply(o, p, o->devices, o->ndevices, false);
}

static int cmd_apply(const struct options *o, const struct policy *p)
{
	return status_or_apply(o, p, o->devices, o->ndevices, true);
}

/*
 * Where set and unset write: the main file's drop-in directory
 * (/etc/dax-policy.d), or with --runtime /run/dax-policy.d, under --root.
 */
static bool target_dir(const struct options *o, bool runtime, char *out, size_t size)
{
	if (runtime) {
		if (!o->more_dirs[0]) {
			log_error(&o->ctx, "--runtime writes to " DAX_POLICY_RUNTIME_DIR
					   ", which is not read with -c FILE");
			return false;
		}
		return str_copy(out, size, o->more_dirs[0]);
	}
	if (!ini_dropin_dir(o->config, out, size)) {
		log_error(&o->ctx, "%s: path too long", o->config);
		return false;
	}
	return true;
}

/*
 * The policy as it would be with the changes OV (N of them) made, read
 * afresh: a change that breaks the configuration is never made.
 */
static int load_changed(const struct options *o, const struct ini_overlay *ov, size_t n,
			struct policy *np)
{
	np->ini.errors = o->ctx.errors;
	np->ini.more_dirs = o->more_dirs;
	np->ini.overlays = ov;
	np->ini.noverlays = n;
	if (policy_load(np, o->config, true) < 0) {
		log_error(&o->ctx, "the configuration %s %u error%s; nothing changed",
			  n ? "would have" : "has", np->ini.nerrors,
			  np->ini.nerrors == 1 ? "" : "s");
		return -1;
	}
	return 0;
}

/* The one device set and unset name: present, and read. */
static const struct dax_device *named_device(const struct options *o, const struct snapshot *snap,
					     const char *arg, char *name, size_t size)
{
	const struct dax_device *d;

	if (!dax_name_normalize(arg, name, size)) {
		log_error(&o->ctx, "'%s' is not a dax device name (expected daxX.Y or /dev/daxX.Y)",
			  arg);
		return NULL;
	}
	d = snapshot_find(snap, name);
	if (!d)
		log_error(&o->ctx, "%s: no such dax device", name);
	return d;
}

/* Does the set rule K, as written in DIR, decide device D under the
 * changed policy NP? Says why not. */
static bool rule_decides(const struct options *o, const struct policy *np,
			 const struct dax_device *d, const char *dir, const struct set_key *k)
{
	char path[PATH_MAX];
	struct plan_entry e;

	if (!str_printf(path, sizeof(path), "%s/%s", dir, k->file))
		return false;
	plan_device(np, d, &e);
	if (e.rule && strcmp(e.rule->name, k->rule) == 0 && strcmp(e.rule->file, path) == 0)
		return true;
	for (size_t i = 0; i < np->nrules; i++) {
		const struct rule *r = &np->rules[i];

		if (strcmp(r->name, k->rule) == 0 && strcmp(r->file, path) != 0) {
			log_error(
				&o->ctx,
				"%s would not be read: %s, of the same name, hides it; nothing changed",
				path, r->file);
			return false;
		}
	}
	if (e.rule)
		log_error(
			&o->ctx,
			"%s: rule '%s' (%s:%d) would still decide it, before the set rule; nothing changed",
			d->name, e.rule->name, e.rule->file, e.rule->line);
	else
		log_error(&o->ctx, "%s: the set rule would not decide it; nothing changed",
			  d->name);
	return false;
}

static void say_done(const struct options *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* What set or unset did to the configuration, before apply's report. */
static void say_done(const struct options *o, const char *fmt, ...)
{
	va_list ap;

	if (o->json || o->ctx.verbosity < VERBOSITY_NORMAL)
		return;
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *write_error(int rc)
{
	return rc == -ENOTSUP ? "not a regular file (a symbolic link, a FIFO?); left as it is"
			      : strerror(-rc);
}

/*
 * set DEVICE MODE: a drop-in holding one rule, override = yes, keyed on the
 * device's most stable identity (setrule.h), then apply to that device.
 */
static int cmd_set(const struct options *o, const struct policy *p)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(policy_free) struct policy np;
	char name[DAX_NAME_MAX], dir[PATH_MAX], text[SET_TEXT_MAX], words[128];
	char *names[1] = { name };
	const struct dax_device *d;
	struct ini_overlay ov;
	struct set_key k;
	enum dax_mode mode;
	int rc;

	(void)p;
	policy_init(&np);
	if (o->nargs != 2) {
		log_error(c, "set takes a device and a mode: set DEVICE MODE");
		return EXIT_USAGE;
	}
	mode = mode_from_word(o->args[1]);
	if (mode == MODE_UNSET) {
		mode_word_list(words, sizeof(words), false);
		log_error(c, "'%s' is not a mode; expected %s", o->args[1], words);
		return EXIT_USAGE;
	}
	if ((o->given & OPT_ONLINE) && !mode_has_memory(mode)) {
		mode_word_list(words, sizeof(words), true);
		log_error(c, "--online only goes with mode %s, not %s", words, mode_word(mode));
		return EXIT_USAGE;
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	d = named_device(o, &snap, o->args[0], name, sizeof(name));
	if (!d)
		return EXIT_USAGE;
	if (d->pmem && mode_has_memory(mode)) {
		log_error(
			c,
			"%s: persistent memory%s%s: %s would destroy the data it keeps; set does not "
			"say destroy-pmem-data = yes, a rule written by hand can (dax-policy.conf(5))",
			d->name, d->pmem_namespace[0] ? " of " : "", d->pmem_namespace,
			mode_word(mode));
		return EXIT_USAGE;
	}
	if (!set_key_best(d, &k)) {
		log_error(c, "%s: no uuid, resource or sysfs path a rule can name it by", d->name);
		return EXIT_FAILED;
	}
	if (!target_dir(o, o->runtime, dir, sizeof(dir)))
		return EXIT_USAGE;
	if (!set_rule_text(d, &k, mode, o->online, text, sizeof(text))) {
		log_error(c, "%s: the rule does not fit in %d bytes", d->name, SET_TEXT_MAX);
		return EXIT_FAILED;
	}
	ov = (struct ini_overlay){ .dir = dir, .name = k.file, .text = text };
	if (load_changed(o, &ov, 1, &np) < 0)
		return EXIT_CONFIG;
	if (!rule_decides(o, &np, d, dir, &k))
		return EXIT_CONFIG;
	if (c->dry_run) {
		print_dry_run(c, "would write %s/%s:", dir, k.file);
		fputs(text, c->dry_run_out);
	} else {
		rc = dropin_write(dir, k.file, text, true);
		if (rc) {
			log_error(c, "%s/%s: cannot write: %s; nothing changed", dir, k.file,
				  write_error(rc));
			return EXIT_FAILED;
		}
		say_done(o, "%s: set to %s by %s/%s", d->name, mode_word(mode), dir, k.file);
	}
	return status_or_apply(o, &np, names, 1, true);
}

/* unset DEVICE: remove what set wrote for it (under any identity it has), then apply. */
static int cmd_unset(const struct options *o, const struct policy *p)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(snapshot_free) struct snapshot snap = { 0 };
	_cleanup_(policy_free) struct policy np;
	char name[DAX_NAME_MAX], dir[PATH_MAX], other[PATH_MAX];
	char *names[1] = { name };
	struct ini_overlay ov[SET_IDENTITIES];
	struct set_key k[SET_IDENTITIES];
	const struct dax_device *d;
	size_t n = 0;

	(void)p;
	policy_init(&np);
	if (o->nargs != 1) {
		log_error(c, "unset takes one device: unset DEVICE");
		return EXIT_USAGE;
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	d = named_device(o, &snap, o->args[0], name, sizeof(name));
	if (!d)
		return EXIT_USAGE;
	if (!target_dir(o, o->runtime, dir, sizeof(dir)))
		return EXIT_USAGE;
	for (int i = 0; i < SET_IDENTITIES; i++) {
		if (!set_key_at(d, i, &k[n]) || !dropin_exists(dir, k[n].file))
			continue;
		ov[n] = (struct ini_overlay){ .dir = dir, .name = k[n].file, .text = NULL };
		n++;
	}
	if (!n) {
		bool elsewhere = false;

		/* the other of /etc and /run, to say where it is */
		if (o->more_dirs[0] && target_dir(o, !o->runtime, other, sizeof(other)))
			for (int i = 0; i < SET_IDENTITIES; i++)
				if (set_key_at(d, i, &k[0]) && dropin_exists(other, k[0].file))
					elsewhere = true;
		log_warn(c, "%s: not set: no drop-in of dax-policy set for it in %s%s", d->name,
			 dir,
			 !elsewhere   ? ""
			 : o->runtime ? "; it is set in /etc: unset without --runtime"
				      : "; it is set at runtime: unset --runtime");
		return EXIT_OK;
	}
	if (load_changed(o, ov, n, &np) < 0)
		return EXIT_CONFIG;
	for (size_t i = 0; i < n; i++) {
		int rc;

		if (c->dry_run) {
			print_dry_run(c, "would remove %s/%s", dir, k[i].file);
			continue;
		}
		rc = dropin_remove(dir, k[i].file);
		if (rc && rc != -ENOENT) {
			log_error(c, "%s/%s: cannot remove: %s", dir, k[i].file, write_error(rc));
			return EXIT_FAILED;
		}
		say_done(o, "%s: unset: %s/%s removed", d->name, dir, k[i].file);
	}
	return status_or_apply(o, &np, names, 1, true);
}

/*
 * import-daxctl [DIR]: daxctl's [reconfigure-device] sections as rules,
 * printed for review, or with --write written as one drop-in (replaced
 * only with --force). Nothing is applied.
 */
static int cmd_import_daxctl(const struct options *o, const struct policy *p)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_(policy_free) struct policy np;
	_cleanup_free_ char *text = NULL;
	char src[PATH_MAX], dir[PATH_MAX];
	struct daxctl_import imp = { .errors = c->errors };
	struct ini_overlay ov;
	struct stat st;
	size_t len = 0;
	int rc;

	(void)p;
	policy_init(&np);
	if (o->nargs > 1) {
		log_error(c, "import-daxctl takes at most one directory");
		return EXIT_USAGE;
	}
	if (o->force && !o->write) {
		log_error(c, "import-daxctl: --force only goes with --write");
		return EXIT_USAGE;
	}
	if (o->nargs ? !str_copy(src, sizeof(src), o->args[0])
		     : !str_printf(src, sizeof(src), "%s" DAXCTL_CONF_DIR, c->root)) {
		log_error(c, "path too long");
		return EXIT_USAGE;
	}
	if (stat(src, &st) < 0 || !S_ISDIR(st.st_mode)) {
		log_error(c, "%s: %s", src,
			  errno && !S_ISDIR(st.st_mode) ? strerror(errno) : "not a directory");
		return EXIT_CONFIG;
	}
	imp.out = open_memstream(&text, &len);
	if (!imp.out)
		return EXIT_FAILED;
	fprintf(imp.out, "# Imported by dax-policy import-daxctl from %s\n", src);
	rc = daxctl_import_dir(&imp, src);
	fclose(imp.out);
	if (rc < 0) {
		log_error(c, "%s: %u error%s; nothing imported", src, imp.nerrors,
			  imp.nerrors == 1 ? "" : "s");
		return EXIT_CONFIG;
	}
	if (!imp.nrules) {
		log_warn(c, "%s: no [reconfigure-device] section to import", src);
		return EXIT_OK;
	}
	if (!o->write) {
		fputs(text, stdout);
		return EXIT_OK;
	}
	if (!target_dir(o, false, dir, sizeof(dir)))
		return EXIT_USAGE;
	if (!o->force && dropin_exists(dir, DAXCTL_IMPORT_FILE)) {
		log_error(c, "%s/" DAXCTL_IMPORT_FILE " exists; --force replaces it", dir);
		return EXIT_FAILED;
	}
	ov = (struct ini_overlay){ .dir = dir, .name = DAXCTL_IMPORT_FILE, .text = text };
	if (load_changed(o, &ov, 1, &np) < 0)
		return EXIT_CONFIG;
	rc = dropin_write(dir, DAXCTL_IMPORT_FILE, text, o->force);
	if (rc) {
		log_error(c, "%s/" DAXCTL_IMPORT_FILE ": cannot write: %s", dir,
			  rc == -EEXIST ? "it exists; --force replaces it" : write_error(rc));
		return EXIT_FAILED;
	}
	say_done(o,
		 "%u rule%s written to %s/" DAXCTL_IMPORT_FILE
		 "; 'dax-policy apply' puts the devices in their mode",
		 imp.nrules, imp.nrules == 1 ? "" : "s", dir);
	return EXIT_OK;
}

/* clang-format off */
static const struct command commands[] = {
	{ "apply", cmd_apply, true, true, NULL, false, OPT_DRY_RUN | OPT_FORCE },
	{ "status", cmd_status, true, false, "wanted modes unknown (?)", false, 0 },
	{ "check", cmd_check, true, false, NULL, false, 0 },
	{ "explain", cmd_explain, true, false, "no rule tried", false, 0 },
	{ "hold", cmd_hold, false, false, NULL, false, 0 },
	{ "release", cmd_release, false, false, NULL, false, 0 },
	{ "cat-config", cmd_cat_config, true, false, "shown as read", false, 0 },
	{ "set", cmd_set, false, true, NULL, true,
	  OPT_DRY_RUN | OPT_FORCE | OPT_ONLINE | OPT_RUNTIME },
	{ "unset", cmd_unset, false, true, NULL, true, OPT_DRY_RUN | OPT_FORCE | OPT_RUNTIME },
	{ "import-daxctl", cmd_import_daxctl, false, false, NULL, true, OPT_WRITE | OPT_FORCE },
};
/* clang-format on */

static const struct command *command_at(size_t i)
{
	return i < ARRAY_SIZE(commands) ? &commands[i] : NULL;
}

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

static void say_broken(const struct options *o, const struct command *cmd, const struct policy *p)
{
	log_error(&o->ctx, "configuration has %u error%s; %s", p->ini.nerrors,
		  p->ini.nerrors == 1 ? "" : "s", cmd->broken);
}

/*
 * Load the policy. The messages of a command that runs on a broken
 * configuration wait in o->deferred (text only), so that they come after
 * what it prints; those of a good one (warnings) are printed at once.
 */
static int load_policy(struct options *o, const struct command *cmd, struct policy *p)
{
	FILE *held = NULL;
	int rc;

	if (cmd->broken && !o->json)
		held = open_memstream(&o->deferred, &o->deferred_len);
	p->ini.err = held; /* NULL: stderr */
	rc = policy_load(p, o->config, true);
	p->ini.err = NULL;
	if (held && fclose(held) != 0) {
		free(o->deferred);
		o->deferred = NULL;
	}
	if (rc == 0)
		print_deferred(o);
	return rc;
}

/* A command that runs on a broken configuration: it shows what it can,
 * then the errors (in JSON, among its document's), and exits 1. */
static int run_broken(struct options *o, const struct command *cmd, const struct policy *p)
{
	int rc;

	if (o->json)
		say_broken(o, cmd, p);
	rc = cmd->run(o, p);
	if (!o->json) {
		print_deferred(o);
		say_broken(o, cmd, p);
	}
	return rc == EXIT_USAGE ? EXIT_USAGE : EXIT_CONFIG;
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
	/*
	 * apply for every device (the boot run): the devices of dax regions
	 * whose drivers udev has not loaded yet appear now, waiting under the
	 * hold, and this run decides them. Before the configuration is read, so
	 * that with a broken one the release that follows names each of them.
	 */
	if (cmd->run == cmd_apply && !o->ndevices && !o->ctx.dry_run && hold_active(&o->ctx))
		modload_region_drivers(&o->ctx);
	policy->ini.more_dirs = o->more_dirs;
	if (cmd->needs_policy && load_policy(o, cmd, policy) < 0) {
		if (cmd->broken)
			return run_broken(o, cmd, policy);
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
	int rc = finish(&o, run(&o, &policy, argc, argv));

	print_deferred(&o); /* anything still held back */
	return rc;
}
