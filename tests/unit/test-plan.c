// SPDX-License-Identifier: GPL-2.0-or-later
/* The matcher and the planner, on devices made up in memory (no I/O). */
#include "config.h"
#include "match.h"
#include "outcome.h"
#include "plan.h"
#include "tap.h"
#include "util.h"

#include <stdlib.h>

static struct policy load(const char *text)
{
	struct policy p;

	policy_init(&p);
	p.ini.err = stdout;	/* errors show up as TAP comments' neighbours */
	policy_parse_text(&p, "t.conf", text, strlen(text));
	if (p.ini.nerrors)
		tap_ok(false, "test policy parses");
	return p;
}

static struct dax_device dev(const char *name, int region, uint64_t size, int node,
			     uint64_t resource, const char *driver)
{
	struct dax_device d;

	memset(&d, 0, sizeof(d));
	str_copy(d.name, sizeof(d.name), name);
	d.region = region;
	d.size = size;
	d.target_node = node;
	d.resource = resource;
	d.nranges = 1;
	d.ranges[0].start = resource;
	d.ranges[0].end = resource + size - 1;
	/* 128 MiB blocks, as discovery counts them (whole blocks of the range) */
	d.mem.block_size = 128ULL << 20;
	d.mem.nblocks = (int)(size / d.mem.block_size);
	snprintf(d.path, sizeof(d.path), "/sys/devices/platform/hmem.%d/%s", region, name);
	str_copy(d.driver, sizeof(d.driver), driver);
	d.mode = mode_from_driver(driver);
	return d;
}

static void test_match_keys(void)
{
	struct dax_device d = dev("dax3.0", 3, 1ULL << 30, 1, 0x240000000ULL, "device_dax");
	struct policy p;
	char why[256];

	str_copy(d.uuid, sizeof(d.uuid), "805f67b9-154a-45ae-b7c6-02f58b6fb349");
	p = load("[rule dev-yes]\ndevice = dax3.*\nmode = devdax\n"
		 "[rule dev-no]\ndevice = dax1.0\nmode = devdax\n"
		 "[rule region-yes]\nregion = 1,3-4\nmode = devdax\n"
		 "[rule region-no]\nregion = 0-2\nmode = devdax\n"
		 "[rule node-yes]\nnuma-node = 1\nmode = devdax\n"
		 "[rule node-no]\nnuma-node = 0,2\nmode = devdax\n"
		 "[rule size-eq]\nsize = 1G\nmode = devdax\n"
		 "[rule size-lt-no]\nsize = <1G\nmode = devdax\n"
		 "[rule size-le]\nsize = <=1G\nmode = devdax\n"
		 "[rule size-gt-no]\nsize = >1G\nmode = devdax\n"
		 "[rule size-ge]\nsize = >=512M\nmode = devdax\n"
		 "[rule res-yes]\nresource = 0x240000000\nmode = devdax\n"
		 "[rule res-no]\nresource = 9663676416000\nmode = devdax\n"
		 "[rule uuid-yes]\nuuid = 805F67B9-154A-45AE-B7C6-02F58B6FB349\nmode = devdax\n"
		 "[rule uuid-no]\nuuid = 00000000-154a-45ae-b7c6-02f58b6fb349\nmode = devdax\n"
		 "[rule path-yes]\npath = */hmem.3/*\nmode = devdax\n"
		 "[rule path-no]\npath = /sys/devices/LNXSYSTM:00/*\nmode = devdax\n"
		 "[rule all-two]\ndevice = dax3.0\nsize = 2G\nmode = devdax\n");
	for (size_t i = 0; i < p.nrules; i++) {
		const struct rule *r = &p.rules[i];
		bool want = strstr(r->name, "-no") == NULL && strcmp(r->name, "all-two") != 0;
		char what[128];

		snprintf(what, sizeof(what), "rule %s %s", r->name, want ? "matches" : "does not match");
		tap_is_int(match_rule(r, &d), want, what);
	}
	tap_ok(!match_key(&p.rules[1], KEY_DEVICE, &d, why, sizeof(why)), "device key fails");
	tap_is_str(why, "device dax3.0 does not match 'dax1.0'", "device reason");
	match_key(&p.rules[3], KEY_REGION, &d, why, sizeof(why));
	tap_is_str(why, "region 3 is not in 0-2", "region reason");
	match_key(&p.rules[5], KEY_NUMA_NODE, &d, why, sizeof(why));
	tap_is_str(why, "numa node 1 is not in 0,2", "numa reason");
	match_key(&p.rules[7], KEY_SIZE, &d, why, sizeof(why));
	tap_is_str(why, "size 1G is not < 1G", "size reason");
	match_key(&p.rules[12], KEY_RESOURCE, &d, why, sizeof(why));
	tap_is_str(why, "resource 0x240000000 is not 0x8ca00000000", "resource reason");
	match_key(&p.rules[14], KEY_UUID, &d, why, sizeof(why));
	tap_is_str(why, "uuid 805f67b9-154a-45ae-b7c6-02f58b6fb349 is not 00000000-154a-45ae-b7c6-02f58b6fb349",
		   "uuid reason");
	match_key(&p.rules[16], KEY_PATH, &d, why, sizeof(why));
	tap_is_str(why, "path /sys/devices/platform/hmem.3/dax3.0 does not match '/sys/devices/LNXSYSTM:00/*'",
		   "path reason");
	tap_ok(match_rule(&p.rules[17], &d) == false, "every key of a rule must hold");

	d.target_node = -1;
	tap_ok(!match_rule(&p.rules[4], &d), "no target node never matches numa-node");
	d.uuid[0] = '\0';
	tap_ok(!match_rule(&p.rules[13], &d), "no uuid never matches uuid");
	policy_free(&p);

	/* a device on a CXL region interleaved over two memory devices */
	p = load("[rule cxl-yes]\ncxl-serial = 0x1234567890abcdef\nmode = fsdev\n"
		 "[rule cxl-dec]\ncxl-serial = 42\nmode = fsdev\n"
		 "[rule cxl-no]\ncxl-serial = 0x99\nmode = fsdev\n");
	tap_ok(!match_rule(&p.rules[0], &d), "not on CXL memory: cxl-serial never matches");
	match_key(&p.rules[0], KEY_CXL_SERIAL, &d, why, sizeof(why));
	tap_is_str(why, "not on CXL memory (no CXL region holds it)", "cxl-serial reason, no CXL");
	d.cxl_serial[0] = 42;
	d.cxl_serial[1] = 0x1234567890abcdefULL;
	d.ncxl = 2;
	tap_ok(match_rule(&p.rules[0], &d), "cxl-serial matches one of the interleaved devices");
	tap_ok(match_rule(&p.rules[1], &d), "cxl-serial in decimal");
	tap_ok(!match_rule(&p.rules[2], &d), "another serial does not match");
	match_key(&p.rules[2], KEY_CXL_SERIAL, &d, why, sizeof(why));
	tap_is_str(why, "CXL memory device serial 0x2a, 0x1234567890abcdef is not 0x99",
		   "cxl-serial reason");
	policy_free(&p);
}

static const struct plan_entry *plan_for(struct policy *p, struct snapshot *s, const char *name,
					 struct plan *plan)
{
	plan_build(p, s, NULL, 0, plan);
	for (size_t i = 0; i < plan->n; i++)
		if (strcmp(plan->e[i].dev.name, name) == 0)
			return &plan->e[i];
	return NULL;
}

static void test_first_match_and_defaults(void)
{
	struct dax_device devs[3] = {
		dev("dax0.0", 0, 2ULL << 30, 1, 0x180000000ULL, "device_dax"),
		dev("dax1.0", 1, 2ULL << 30, 1, 0x200000000ULL, "device_dax"),
		dev("dax2.0", 2, 2ULL << 30, 0, 0x280000000ULL, "device_dax"),
	};
	struct snapshot s = { .devs = devs, .n = 3 };
	struct policy p = load("[defaults]\nmode = fsdev\n"
			       "[rule first]\nnuma-node = 1\nmode = system-ram\n"
			       "[rule second]\ndevice = dax1.0\nmode = none\n");
	struct plan plan;
	const struct plan_entry *e;

	e = plan_for(&p, &s, "dax1.0", &plan);
	tap_is_str(e->rule ? e->rule->name : "", "first", "first matching rule wins over a later exact one");
	tap_is_int(e->want, MODE_SYSTEM_RAM, "its mode");
	tap_is_int(e->online, ONLINE_MOVABLE, "online defaults to movable");
	plan_free(&plan);
	e = plan_for(&p, &s, "dax2.0", &plan);
	tap_ok(e->rule == NULL, "no rule matches dax2.0");
	tap_is_int(e->want, MODE_FSDEV, "[defaults] mode applies");
	tap_is_int(e->action, ACT_CHANGE, "devdax -> fsdev is a change");
	plan_free(&plan);

	{
		char *names[] = { "dax2.0" };

		plan_build(&p, &s, names, 1, &plan);
		tap_ok(plan.n == 1 && strcmp(plan.e[0].dev.name, "dax2.0") == 0, "plan only named devices");
		plan_free(&plan);
	}
	policy_free(&p);

	p = load("");
	e = plan_for(&p, &s, "dax0.0", &plan);
	tap_ok(e->want == MODE_KEEP && e->action == ACT_NONE, "empty policy keeps everything");
	plan_free(&plan);
	policy_free(&p);
}

static void test_transitions(void)
{
	static const char *const drivers[] = { "device_dax", "kmem", "fsdev_dax", "" };
	static const char *const words[] = { "devdax", "system-ram", "fsdev", "none", "keep" };

	for (size_t from = 0; from < 4; from++) {
		for (size_t to = 0; to < 5; to++) {
			struct dax_device d = dev("dax0.0", 0, 1ULL << 30, 0, 1ULL << 32, drivers[from]);
			struct snapshot s = { .devs = &d, .n = 1 };
			char text[128], what[128];
			struct policy p;
			struct plan plan;
			enum plan_action want;

			if (from == 1) {
				/* system-ram with its memory online movable: in policy */
				d.mem.present = true;
				d.mem.nblocks = d.mem.online = d.mem.movable = 8;
			}
			snprintf(text, sizeof(text), "[rule r]\nmode = %s\n", words[to]);
			p = load(text);
			plan_build(&p, &s, NULL, 0, &plan);
			want = to == 4 || from == to ? ACT_NONE : ACT_CHANGE;
			snprintf(what, sizeof(what), "%s -> %s: %s", mode_name(d.mode), words[to],
				 plan_action_name(want));
			tap_is_int(plan.e[0].action, want, what);
			plan_free(&plan);
			policy_free(&p);
		}
	}
}

static void test_memory_and_other(void)
{
	struct dax_device d = dev("dax0.0", 0, 1ULL << 30, 0, 1ULL << 32, "kmem");
	struct snapshot s = { .devs = &d, .n = 1 };
	struct policy p = load("[rule r]\nmode = system-ram\nonline = movable\n");
	struct plan plan;

	d.mem.present = true;
	d.mem.nblocks = 8;
	d.mem.online = 8;
	d.mem.normal = 8;
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_MEMORY, "system-ram online normal, policy movable: memory action");
	tap_is_str(plan.e[0].note, "memory not movable", "note says what");
	plan_free(&plan);

	d.mem.normal = 0;
	d.mem.movable = 4;
	d.mem.online = 4;
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_MEMORY, "half the blocks offline: memory action");
	plan_free(&plan);

	d.mem.movable = d.mem.online = 8;
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_NONE, "all movable: nothing to do");
	plan_free(&plan);
	policy_free(&p);

	p = load("[rule r]\nmode = system-ram\nonline = offline\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_MEMORY, "online=offline with blocks online: memory action");
	plan_free(&plan);
	policy_free(&p);

	d = dev("dax0.0", 0, 1ULL << 30, 0, 1ULL << 32, "vfio_dax");
	p = load("[rule r]\nmode = devdax\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_REFUSE, "unknown driver: refused, not touched");
	tap_is_str(plan.e[0].note, "bound to driver vfio_dax, which dax-policy does not manage",
		   "refusal says why");
	plan_free(&plan);
	policy_free(&p);
}

/* Devices that appeared while the bus holds them (hold.h). */
static void test_waiting(void)
{
	struct dax_device d = dev("dax2.0", 2, 1ULL << 30, 1, 0x200000000ULL, "");
	struct snapshot s = { .devs = &d, .n = 1 };
	struct policy p = load("[rule other]\ndevice = dax9.9\nmode = devdax\n");
	struct plan plan;

	d.waiting = true;
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_PROBE, "waiting, kept: the kernel's own choice");
	tap_is_str(plan.e[0].note, "new, waiting for the policy: it gets the kernel's own choice",
		   "the note says so");
	plan_free(&plan);

	d.waiting = false;
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_NONE, "unbound by someone, kept: left unbound");
	plan_free(&plan);
	policy_free(&p);

	d.waiting = true;
	p = load("[rule off]\nmode = none\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_NONE, "waiting, policy none: stays unbound");
	plan_free(&plan);
	policy_free(&p);

	p = load("[rule dev]\nmode = devdax\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_CHANGE, "waiting, policy devdax: bound straight to device_dax");
	plan_free(&plan);
	policy_free(&p);

	d.size = 0;
	p = load("[rule r]\ndevice = dax9.9\nmode = devdax\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_NONE, "waiting seed of size 0: nothing to probe yet");
	plan_free(&plan);
	policy_free(&p);
}

/* The guard: persistent memory goes to system-ram only by a rule that says so. */
static void test_pmem(void)
{
	struct dax_device d = dev("dax3.0", 3, 1ULL << 30, 0, 0x240000000ULL, "device_dax");
	struct snapshot s = { .devs = &d, .n = 1 };
	struct policy p;
	struct plan plan;

	d.pmem = true;
	str_copy(d.pmem_namespace, sizeof(d.pmem_namespace), "namespace3.0");
	p = load("[rule ram]\nnuma-node = 0\nmode = system-ram\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_REFUSE, "pmem, system-ram without the opt-in: refused");
	tap_is_str(
		plan.e[0].note,
		"persistent memory of namespace3.0: system-ram would destroy the data it keeps; refused unless the rule says destroy-pmem-data = yes",
		"  the note says why and what allows it");
	plan_free(&plan);
	policy_free(&p);

	p = load("[rule ram]\nnuma-node = 0\nmode = system-ram\ndestroy-pmem-data = yes\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_CHANGE,
		   "pmem, system-ram with destroy-pmem-data = yes: changed");
	plan_free(&plan);
	policy_free(&p);

	p = load("[defaults]\nmode = system-ram\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_REFUSE, "pmem, [defaults] system-ram: refused");
	tap_is_str(
		plan.e[0].note,
		"persistent memory of namespace3.0: system-ram would destroy the data it keeps; refused ([defaults] cannot allow it: a rule with destroy-pmem-data = yes can)",
		"  [defaults] cannot opt in");
	plan_free(&plan);
	policy_free(&p);

	p = load("[rule f]\nmode = fsdev\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_CHANGE, "pmem -> fsdev keeps the data: no guard");
	plan_free(&plan);
	policy_free(&p);

	d.pmem = false;
	p = load("[rule ram]\nmode = system-ram\n");
	plan_build(&p, &s, NULL, 0, &plan);
	tap_is_int(plan.e[0].action, ACT_CHANGE, "not pmem: system-ram needs no opt-in");
	plan_free(&plan);
	policy_free(&p);
}

/* The reason word and state status gives device D under P (NULL: broken). */
static void check_reason(const struct policy *p, const struct dax_device *d, const char *reason,
			 const char *state, const char *what)
{
	struct snapshot s = { .devs = (struct dax_device *)d, .n = 1 };
	struct outcome o;
	struct plan plan;
	char text[256];

	plan_build(p, &s, NULL, 0, &plan);
	outcome_from_plan(&plan.e[0], &o);
	snprintf(text, sizeof(text), "%s %s", dev_reason_name(o.reason), dev_state_name(o.state));
	{
		char want[128];

		snprintf(want, sizeof(want), "%s %s", reason, state);
		tap_is_str(text, want, what);
	}
	plan_free(&plan);
}

/* Every reason the plan gives, with the state it means. */
static void test_reasons(void)
{
	struct dax_device d = dev("dax0.0", 0, 1ULL << 30, 0, 1ULL << 32, "device_dax");
	struct policy p = load("[rule dev]\ndevice = dax0.0\nmode = devdax\n"
			       "[rule keep]\ndevice = dax1.0\nmode = keep\n"
			       "[rule ram]\ndevice = dax2.0\nmode = system-ram\n"
			       "[rule other]\ndevice = dax9.9\nmode = fsdev\n");

	check_reason(&p, &d, "in-policy", "ok", "reason: in its mode");
	check_reason(NULL, &d, "config-error", "?",
		     "reason: a broken configuration decides nothing");
	str_copy(d.name, sizeof(d.name), "dax1.0");
	check_reason(&p, &d, "kept", "ok", "reason: a rule keeps it");
	str_copy(d.name, sizeof(d.name), "dax5.0");
	check_reason(&p, &d, "no-rule", "ok", "reason: no rule, [defaults] keeps it");
	d = dev("dax5.0", 5, 1ULL << 30, 0, 1ULL << 32, "");
	d.waiting = true;
	check_reason(&p, &d, "waiting", "drift", "reason: new and kept: waiting");
	d = dev("dax2.0", 2, 1ULL << 30, 0, 1ULL << 32, "device_dax");
	check_reason(&p, &d, "wrong-mode", "drift", "reason: in another mode");
	d = dev("dax2.0", 2, 1ULL << 30, 0, 1ULL << 32, "kmem");
	d.mem.present = true;
	d.mem.online = d.mem.normal = 8;
	check_reason(&p, &d, "memory-state", "drift", "reason: memory not as online= asks");
	d = dev("dax2.0", 2, 64ULL << 20, 0, 1ULL << 32, "device_dax");
	check_reason(&p, &d, "no-memory-blocks", "error",
		     "reason: no whole memory block for system-ram");
	d = dev("dax2.0", 2, 1ULL << 30, 0, 1ULL << 32, "device_dax");
	d.pmem = true;
	check_reason(&p, &d, "persistent-memory", "error", "reason: the persistent-memory guard");
	d = dev("dax0.0", 0, 1ULL << 30, 0, 1ULL << 32, "vfio_dax");
	check_reason(&p, &d, "foreign-driver", "error", "reason: another driver");
	d = dev("dax0.0", 0, 0, 0, 1ULL << 32, "");
	check_reason(&p, &d, "not-yet-assigned", "ok", "reason: size 0");
	str_copy(d.problem, sizeof(d.problem), "cannot read its size");
	check_reason(&p, &d, "unreadable", "error", "reason: what cannot be read");
	check_reason(NULL, &d, "unreadable", "error", "  even with a broken configuration");
	policy_free(&p);
}

int main(void)
{
	test_reasons();
	test_pmem();
	test_waiting();
	test_match_keys();
	test_first_match_and_defaults();
	test_transitions();
	test_memory_and_other();
	return tap_done();
}
