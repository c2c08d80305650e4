// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dax-policy: put every dax device in the mode /etc/dax-policy.conf says.
 * The command line: parse options, then run the pipeline
 * config -> discover -> plan -> apply -> report for the chosen command.
 */
#include "agents.h"
#include "apply.h"
#include "config.h"
#include "cleanup.h"
#include "ctx.h"
#include "discover.h"
#include "plan.h"
#include "report.h"
#include "sysroot.h"
#include "util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#ifndef DAX_POLICY_VERSION
#define DAX_POLICY_VERSION "0"
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
	const char *root;
	bool json, force;
	char *devices[DEVICES_MAX];
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
		"\n"
		"Options:\n"
		"  -c, --config FILE   configuration file (default %s);\n"
		"                      drop-ins are read from FILE with .conf replaced by .d\n"
		"  -r, --root DIR      look for /sys, /dev, /proc and /run under DIR\n"
		"  -n, --dry-run       (apply) print every write instead of doing it\n"
		"  -f, --force         (apply) switch devices that are open or mapped\n"
		"                      (never memory that cannot be offlined)\n"
		"  -t, --offline-timeout SECS\n"
		"                      (apply) give up offlining a memory block whose pages\n"
		"                      will not move after SECS (default 30; 0: wait forever)\n"
		"  -j, --json          print one JSON document\n"
		"  -v, --verbose       say more (every sysfs write)\n"
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
	int opt;

	o->config = DAX_POLICY_CONFIG;
	while ((opt = getopt_long(argc, argv, "c:r:nft:jvqhV", longopts, NULL)) != -1) {
		switch (opt) {
		case 'c': o->config = optarg; break;
		case 'r': o->root = optarg; break;
		case 'n': o->ctx.dry_run = true; break;
		case 'f': o->force = true; break;
		case 't': {
			int secs;

			if (!parse_uint(optarg, &secs)) {
				log_error(c, "--offline-timeout takes a number of seconds");
				return -1;
			}
			o->ctx.offline_timeout = (unsigned)secs;
			break;
		}
		case 'j': o->json = true; break;
		case 'v': o->ctx.verbosity = VERBOSITY_VERBOSE; break;
		case 'q': o->ctx.verbosity = VERBOSITY_QUIET; break;
		case 'h': usage(stdout); exit(EXIT_OK);
		case 'V': printf("dax-policy %s\n", DAX_POLICY_VERSION); exit(EXIT_OK);
		default: usage(stderr); return -1;
		}
	}
	if (optind >= argc) {
		log_error(c, "no command given; try 'dax-policy --help'");
		return -1;
	}
	o->command = argv[optind++];
	for (; optind < argc; optind++) {
		char name[DAX_NAME_MAX];

		if (!dax_name_normalize(argv[optind], name, sizeof(name))) {
			log_error(c, "'%s' is not a dax device name (expected daxX.Y or /dev/daxX.Y)",
				  argv[optind]);
			return -1;
		}
		if (o->ndevices == DEVICES_MAX) {
			log_error(c, "too many devices named (at most %d)", DEVICES_MAX);
			return -1;
		}
		o->devices[o->ndevices] = strdup(name);
		if (!o->devices[o->ndevices])
			return -1;
		o->ndevices++;
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
static bool devices_present(const struct options *o, struct snapshot *snap)
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
	struct snapshot snap;
	bool have_snap = discover_all(&o->ctx, &snap) == 0;

	if (o->ndevices) {
		log_error(&o->ctx, "check takes no device");
		if (have_snap)
			snapshot_free(&snap);
		return EXIT_USAGE;
	}
	report_rules(stdout, o->json, p, have_snap ? &snap : NULL);
	if (have_snap)
		snapshot_free(&snap);
	return EXIT_OK;
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
	struct snapshot snap;
	struct plan plan;
	int rc = EXIT_OK;

	if (o->ndevices != 1) {
		log_error(&o->ctx, "explain takes exactly one device");
		return EXIT_USAGE;
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap)) {
		snapshot_free(&snap);
		return EXIT_USAGE;
	}
	if (plan_build(p, &snap, o->devices, o->ndevices, &plan) == 0 && plan.n == 1)
		report_explain(stdout, o->json, p, &plan.e[0]);
	else
		rc = EXIT_FAILED;
	plan_free(&plan);
	snapshot_free(&snap);
	return rc;
}

/*
 * Apply, and try again (a few times, briefly apart) for devices someone else
 * bound while we switched them: a device that just appeared is probed by
 * device_dax at the same moment its udev event starts us.
 */
static int apply_converge(const struct dp_ctx *c, struct plan *plan, struct snapshot *snap,
			  const struct apply_opts *opts, const struct policy *p,
			  struct outcome *outcomes)
{
	int failed = apply_plan(c, plan, snap, opts, outcomes);

	for (int pass = 1; pass < 4 && failed && !c->dry_run; pass++) {
		const struct timespec pause = { 0, 100 * 1000 * 1000 };
		int retried = 0;

		for (size_t i = 0; i < plan->n; i++) {
			struct plan one = { .e = &plan->e[i], .n = 1 };

			if (!outcomes[i].raced)
				continue;
			nanosleep(&pause, NULL);
			log_verbose(c, "%s: bound by someone else meanwhile; trying again",
				    plan->e[i].dev->name);
			discover_refresh(c, snap, plan->e[i].dev);
			plan_refresh(p, &plan->e[i]);
			failed -= apply_plan(c, &one, snap, opts, &outcomes[i]) == 0;
			retried++;
		}
		if (!retried)
			break;
	}
	return failed;
}

static int cmd_status_or_apply(const struct options *o, const struct policy *p, bool apply)
{
	const struct dp_ctx *c = &o->ctx;
	_cleanup_free_ struct outcome *outcomes = NULL;
	_cleanup_close_ int lock = -1;
	struct agent_warnings agents;
	struct snapshot snap;
	struct plan plan;
	struct report r;
	int rc = EXIT_OK;

	/* take the lock before looking, so we plan from what the previous run left */
	if (apply && !c->dry_run) {
		lock = apply_lock(c);
		if (lock < 0)
			log_warn(c, "cannot take /run/dax-policy.lock: %s; going on without it",
				 strerror(-lock));
	}
	if (load_snapshot(o, &snap))
		return EXIT_FAILED;
	if (!devices_present(o, &snap)) {
		snapshot_free(&snap);
		return EXIT_USAGE;
	}
	if (plan_build(p, &snap, o->devices, o->ndevices, &plan) != 0) {
		log_error(c, "out of memory");
		snapshot_free(&snap);
		return EXIT_FAILED;
	}
	outcomes = calloc(plan.n ? plan.n : 1, sizeof(*outcomes));
	if (!outcomes) {
		plan_free(&plan);
		snapshot_free(&snap);
		return EXIT_FAILED;
	}
	if (apply) {
		struct apply_opts opts = { .force = o->force };

		if (apply_converge(c, &plan, &snap, &opts, p, outcomes) > 0)
			rc = EXIT_FAILED;
	} else {
		for (size_t i = 0; i < plan.n; i++) {
			assess_entry(c, &plan.e[i], &outcomes[i]);
			if (outcomes[i].state != STATE_OK)
				rc = EXIT_DRIFT;
		}
	}
	agents_find(c, &snap, &agents);
	r = (struct report){
		.out = stdout, .json = o->json, .apply = apply, .dry_run = c->dry_run,
		.verbose = c->verbosity >= VERBOSITY_VERBOSE, .policy = p, .plan = &plan,
		.outcomes = outcomes, .agents = apply ? NULL : &agents,
	};
	if (!apply || o->json || c->verbosity >= VERBOSITY_NORMAL)
		report_devices(&r);
	plan_free(&plan);
	snapshot_free(&snap);
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
};

static const struct command commands[] = {
	{ "apply", cmd_apply },
	{ "status", cmd_status },
	{ "check", cmd_check },
	{ "explain", cmd_explain },
};

static const struct command *find_command(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (strcmp(name, commands[i].name) == 0)
			return &commands[i];
	return NULL;
}

int main(int argc, char **argv)
{
	const struct command *cmd;
	struct options o = { 0 };
	struct policy policy;
	int rc;

	ctx_init(&o.ctx);
	if (parse_args(argc, argv, &o) < 0)
		return EXIT_USAGE;
	if (!sysroot_set(&o.ctx, o.root)) {
		log_error(&o.ctx, "--root %s: %s", o.root, strerror(errno));
		return EXIT_USAGE;
	}
	cmd = find_command(o.command);
	if (!cmd) {
		log_error(&o.ctx, "unknown command '%s'; try 'dax-policy --help'", o.command);
		return EXIT_USAGE;
	}

	policy_init(&policy);
	if (policy_load(&policy, o.config, true) < 0) {
		log_error(&o.ctx, "configuration has %u error%s; nothing %s", policy.ini.nerrors,
			  policy.ini.nerrors == 1 ? "" : "s", cmd->run == cmd_apply ? "applied" : "done");
		policy_free(&policy);
		return EXIT_CONFIG;
	}

	rc = cmd->run(&o, &policy);
	policy_free(&policy);
	for (size_t i = 0; i < o.ndevices; i++)
		free(o.devices[i]);
	return rc;
}
