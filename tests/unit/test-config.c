// SPDX-License-Identifier: GPL-2.0-or-later
/* The config parser: every key and value form, every error class with its
 * exact FILE:LINE message, drop-ins and ownership checks. */
#include "config.h"
#include "tap.h"
#include "util.h"

#include <ftw.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static int match_keys_given(const struct rule *r)
{
	int n = 0;

	for (int k = 0; k < MATCH_KEY_COUNT; k++)
		n += rule_has(r, k);
	return n;
}

/* Parse TEXT as file "t.conf"; MSGS gets everything printed. */
static unsigned parse(struct policy *p, const char *text, char *msgs, size_t size)
{
	char *buf = NULL;
	size_t len = 0;

	policy_init(p);
	p->ini.err = open_memstream(&buf, &len);
	policy_parse_text(p, "t.conf", text, strlen(text));
	if (p->ini.nerrors == 0)
		policy_finish(p);
	fclose(p->ini.err);
	p->ini.err = NULL;
	str_copy(msgs, size, buf ? buf : "");
	free(buf);
	return p->ini.nerrors;
}

/* One bad config: exactly this one message, error counted. */
static void bad(const char *text, const char *want)
{
	struct policy p;
	char msgs[2048], what[256];

	parse(&p, text, msgs, sizeof(msgs));
	snprintf(what, sizeof(what), "error: %s", want);
	if (tap_ok(p.ini.nerrors > 0, what))
		tap_is_str(msgs, want, "  exact message");
	policy_free(&p);
}

static void good_key(const char *text, const char *what)
{
	struct policy p;
	char msgs[2048];

	parse(&p, text, msgs, sizeof(msgs));
	if (!tap_ok(p.ini.nerrors == 0 && p.nrules >= 1, what))
		printf("# %s", msgs);
	policy_free(&p);
}

static void test_good(void)
{
	struct policy p;
	char msgs[2048];
	const struct rule *r;

	parse(&p,
	      "# comment\n"
	      "; another comment\n"
	      "[defaults]\n"
	      "mode = keep            # inline comment\n"
	      "online = normal ; inline too\n"
	      "\n"
	      "[rule cxl-ram]\n"
	      "numa-node = 1\n"
	      "size = >=16G\n"
	      "mode = system-ram\n"
	      "online = movable\n"
	      "\n"
	      "[rule famfs-pool]\n"
	      "resource = 0x2080000000\n"
	      "mode = famfs\n"
	      "[rule all]\n"
	      "mode=kmem\n",
	      msgs, sizeof(msgs));
	tap_is_int(p.ini.nerrors, 0, "design example parses");
	tap_is_str(msgs, "", "no messages");
	tap_is_int((long long)p.nrules, 3, "three rules");
	tap_is_int(default_mode(&p), MODE_KEEP, "default mode keep");
	tap_is_int(default_online(&p), ONLINE_NORMAL, "default online normal");
	r = &p.rules[0];
	tap_is_str(r->name, "cxl-ram", "rule name");
	tap_is_int(r->line, 7, "rule line");
	tap_ok(intset_contains(&r->set.key[KEY_NUMA_NODE].v.set, 1) &&
	       !intset_contains(&r->set.key[KEY_NUMA_NODE].v.set, 0), "numa-node 1");
	tap_is_int(r->set.key[KEY_SIZE].v.size.op, SIZE_GE, "size op >=");
	tap_is_int((long long)r->set.key[KEY_SIZE].v.size.size, 16LL << 30, "size 16G");
	tap_is_int(rule_mode(r), MODE_SYSTEM_RAM, "mode system-ram");
	tap_is_int(rule_online(&p, r), ONLINE_MOVABLE, "rule online movable");
	tap_is_int((long long)p.rules[1].set.key[KEY_RESOURCE].v.u64, 0x2080000000LL, "resource hex");
	tap_is_int(rule_mode(&p.rules[1]), MODE_FSDEV, "famfs is fsdev");
	tap_is_int(rule_mode(&p.rules[2]), MODE_SYSTEM_RAM, "kmem is system-ram");
	tap_is_int(match_keys_given(&p.rules[2]), 0, "rule without keys");
	tap_is_int(rule_online(&p, &p.rules[2]), ONLINE_NORMAL, "online falls back to [defaults]");
	policy_free(&p);

	/* one good config per key and value form */
	good_key("[rule a]\ndevice = dax1.0\nmode = devdax\n", "device: plain name");
	good_key("[rule a]\ndevice = dax[0-3].*\nmode = devdax\n", "device: glob");
	good_key("[rule a]\nregion = 4\nmode = devdax\n", "region: integer");
	good_key("[rule a]\nregion = 1,3\nmode = devdax\n", "region: list");
	good_key("[rule a]\nregion = 2-5\nmode = devdax\n", "region: range");
	good_key("[rule a]\nregion = 0, 2-5, 9\nmode = devdax\n", "region: mixed with spaces");
	good_key("[rule a]\nnuma-node = 0\nmode = devdax\n", "numa-node: integer");
	good_key("[rule a]\nnuma-node = 1,2\nmode = devdax\n", "numa-node: list");
	good_key("[rule a]\nnuma-node = 1-3\nmode = devdax\n", "numa-node: range");
	good_key("[rule a]\nsize = 512M\nmode = devdax\n", "size: bare number means =");
	good_key("[rule a]\nsize = =2G\nmode = devdax\n", "size: =");
	good_key("[rule a]\nsize = <1T\nmode = devdax\n", "size: <");
	good_key("[rule a]\nsize = <=4096\nmode = devdax\n", "size: <= bytes");
	good_key("[rule a]\nsize = > 64K\nmode = devdax\n", "size: > with space");
	good_key("[rule a]\nsize = >=16g\nmode = devdax\n", "size: lower-case suffix");
	good_key("[rule a]\nresource = 0x180000000\nmode = devdax\n", "resource: hex");
	good_key("[rule a]\nresource = 6442450944\nmode = devdax\n", "resource: decimal");
	good_key("[rule a]\nuuid = 805F67B9-154a-45ae-b7c6-02f58b6fb349\nmode = devdax\n",
		 "uuid: mixed case");
	good_key("[rule a]\npath = /sys/devices/platform/hmem.*\nmode = devdax\n", "path: glob");
	good_key("[rule a]\npath = */ndbus0/*\nmode = devdax\n", "path: leading *");
	good_key("[rule a]\nmode = none\n", "mode: none");
	good_key("[rule a]\nmode = keep\n", "mode: keep");
	good_key("[rule a]\nmode = fsdev\n", "mode: fsdev");
	good_key("[rule a]\nmode = system-ram\nonline = offline\n", "online: offline");
	good_key("[rule a]\nmode = system-ram\nonline = normal\n", "online: normal");
	good_key("[rule a.b_c-1]\nmode = devdax\n", "rule name with . _ -");
	good_key("[rule a]\r\nmode = devdax\r\n", "CRLF line ends");
	good_key("[defaults]\nmode = devdax\n[defaults]\nmode = keep\n[rule a]\nmode = devdax\n",
		 "a second [defaults] (drop-in override)");

	parse(&p, "[rule z]\nsize = 1K\nmode = devdax\n", msgs, sizeof(msgs));
	tap_is_int((long long)p.rules[0].set.key[KEY_SIZE].v.size.size, 1024, "K is 1024");
	policy_free(&p);
	parse(&p, "[rule z]\nuuid = 805F67B9-154A-45AE-B7C6-02F58B6FB349\nmode = devdax\n", msgs,
	      sizeof(msgs));
	tap_is_str(p.rules[0].set.key[KEY_UUID].v.uuid, "805f67b9-154a-45ae-b7c6-02f58b6fb349", "uuid stored lower-case");
	policy_free(&p);
}

static void test_errors(void)
{
	bad("[foo]\n", "t.conf:1: unknown section [foo]; expected [defaults] or [rule NAME]\n");
	bad("[rule]\nmode = devdax\n", "t.conf:1: [rule] needs a name: [rule NAME]\n");
	bad("[rule a/b]\nmode = devdax\n",
	    "t.conf:1: invalid rule name 'a/b': use letters, digits, '.', '_' and '-', at most 63\n");
	bad("[rule a\nmode = devdax\n",
	    "t.conf:1: bad section header '[rule a': expected [defaults] or [rule NAME]\n");
	bad("mode = devdax\n",
	    "t.conf:1: 'mode' is outside of any section; start with [defaults] or [rule NAME]\n");
	bad("[defaults]\ncolour = blue\n",
	    "t.conf:2: unknown key 'colour' in [defaults]; expected mode or online\n");
	bad("[rule a]\nmode = devdax\nnode = 1\n",
	    "t.conf:3: unknown key 'node' in [rule a]; expected device, region, numa-node, size, "
	    "resource, uuid, path, cxl-serial, mode, online, destroy-pmem-data or override\n");
	bad("[rule a]\nmode = devdax\n[rule a]\nmode = devdax\n",
	    "t.conf:3: rule 'a' is already defined at t.conf:1\n");
	bad("[rule a]\nmode = devdax\nmode = kmem\n",
	    "t.conf:3: 'mode' is given twice in this section (first at line 2)\n");
	bad("[rule a]\nsize = 1G\nsize = 2G\nmode = devdax\n",
	    "t.conf:3: 'size' is given twice in this section (first at line 2)\n");
	bad("[defaults]\nonline = movable\nonline = normal\n",
	    "t.conf:3: 'online' is given twice in this section (first at line 2)\n");
	bad("[rule a]\nmode = devdax\nonline = movable\n",
	    "t.conf:3: online= only applies to mode = system-ram, rule 'a' has mode devdax\n");
	bad("[rule a]\nonline = movable\nmode = none\n",
	    "t.conf:2: online= only applies to mode = system-ram, rule 'a' has mode none\n");
	bad("[rule a]\ndevice = dax0.0\n", "t.conf:1: rule 'a' has no mode\n");
	bad("[rule a]\nmode = ram\n",
	    "t.conf:2: bad value for mode: 'ram': expected devdax, system-ram, fsdev, keep or none\n");
	bad("[rule a]\nmode = system-ram\nonline = yes\n",
	    "t.conf:3: bad value for online: 'yes': expected movable, normal or offline\n");
	bad("[rule a]\nregion = one\nmode = devdax\n",
	    "t.conf:2: bad value for region: 'one': expected a number, a list (1,3) or a range (2-5)\n");
	bad("[rule a]\nregion = 5-2\nmode = devdax\n",
	    "t.conf:2: bad value for region: '5-2': expected a number, a list (1,3) or a range (2-5)\n");
	bad("[rule a]\nnuma-node = 1,,2\nmode = devdax\n",
	    "t.conf:2: bad value for numa-node: '1,,2': expected a number, a list (1,3) or a range (2-5)\n");
	bad("[rule a]\nnuma-node = -1\nmode = devdax\n",
	    "t.conf:2: bad value for numa-node: '-1': expected a number, a list (1,3) or a range (2-5)\n");
	bad("[rule a]\nsize = >=16Q\nmode = devdax\n",
	    "t.conf:2: bad value for size: '>=16Q': expected [=|<|<=|>|>=]NUMBER[K|M|G|T]\n");
	bad("[rule a]\nsize = >>1G\nmode = devdax\n",
	    "t.conf:2: bad value for size: '>>1G': expected [=|<|<=|>|>=]NUMBER[K|M|G|T]\n");
	bad("[rule a]\nsize = 99999999999999999999T\nmode = devdax\n",
	    "t.conf:2: bad value for size: '99999999999999999999T': expected [=|<|<=|>|>=]NUMBER[K|M|G|T]\n");
	bad("[rule a]\nresource = 0xzz\nmode = devdax\n",
	    "t.conf:2: bad value for resource: '0xzz': expected an address, 0x... or decimal\n");
	bad("[rule a]\nuuid = 1234\nmode = devdax\n",
	    "t.conf:2: bad value for uuid: '1234': expected a uuid like 01234567-89ab-cdef-0123-456789abcdef\n");
	bad("[rule a]\npath = platform/hmem.0\nmode = devdax\n",
	    "t.conf:2: bad value for path: 'platform/hmem.0': expected a sysfs path pattern starting with / or *\n");
	bad("[rule a]\nmode\n", "t.conf:2: expected 'key = value' or a [section], got 'mode'\n");
	bad("[rule a]\nmode =\n", "t.conf:2: missing value for 'mode'\n");
	bad("[rule a]\n= devdax\n", "t.conf:2: missing key before '='\n");
	bad("[rule a]\nmode = \xff\xfe\n", "t.conf:2: line is not valid UTF-8\n");

	/* several errors: all reported, each on its own line */
	{
		struct policy p;
		char msgs[2048];

		parse(&p, "[rule a]\nmode = x\n[rule b]\nsize = y\nmode = devdax\n", msgs, sizeof(msgs));
		tap_is_int(p.ini.nerrors, 2, "two errors counted");
		tap_is_str(msgs,
			   "t.conf:2: bad value for mode: 'x': expected devdax, system-ram, fsdev, keep or none\n"
			   "t.conf:4: bad value for size: 'y': expected [=|<|<=|>|>=]NUMBER[K|M|G|T]\n",
			   "both reported, in order");
		policy_free(&p);
	}
	/* NUL byte and overlong line */
	{
		static const char text[] = "[rule a]\nmode = dev\0dax\n";
		struct policy p;
		char *buf = NULL, line[INI_LINE_MAX + 16];
		size_t len = 0;

		policy_init(&p);
		p.ini.err = open_memstream(&buf, &len);
		policy_parse_text(&p, "t.conf", text, sizeof(text) - 1);
		fclose(p.ini.err);
		tap_is_str(buf, "t.conf:2: line contains a NUL byte\n",
			   "NUL byte reported");
		free(buf);
		policy_free(&p);

		memset(line, 'x', sizeof(line) - 1);
		line[sizeof(line) - 1] = '\0';
		policy_init(&p);
		buf = NULL;
		p.ini.err = open_memstream(&buf, &len);
		policy_parse_text(&p, "t.conf", line, strlen(line));
		fclose(p.ini.err);
		tap_is_str(buf, "t.conf:1: line is longer than 4095 bytes\n", "long line reported");
		free(buf);
		policy_free(&p);
	}
}

/* Input an attacker would write (issue: hold under hostile input). */
static void test_hostile(void)
{
	struct policy p;
	char msgs[2048];

	parse(&p, "[rule a]\nresource = 060000000000\nmode = devdax\n", msgs, sizeof(msgs));
	tap_ok(p.nrules == 1 && p.rules[0].set.key[KEY_RESOURCE].v.u64 == 60000000000ULL,
	       "resource with a leading 0 is decimal, never octal");
	policy_free(&p);
	parse(&p, "[rule a]\nresource = 0X180000000\nmode = devdax\n", msgs, sizeof(msgs));
	tap_ok(p.nrules == 1 && p.rules[0].set.key[KEY_RESOURCE].v.u64 == 0x180000000ULL,
	       "resource: 0X is hex too");
	policy_free(&p);
	bad("[rule a]\nresource = 0x-1\nmode = devdax\n",
	    "t.conf:2: bad value for resource: '0x-1': expected an address, 0x... or decimal\n");
	parse(&p, "[rule a]\nsize = >=000000000000000000000000000000000000016G\nmode = devdax\n",
	      msgs, sizeof(msgs));
	tap_ok(p.nrules == 1 && p.rules[0].set.key[KEY_SIZE].v.size.size == 16ULL << 30,
	       "size: a valid value of 40 characters");
	policy_free(&p);
	bad("[rule a]\ndevice = dax[\nmode = devdax\n",
	    "t.conf:2: bad value for device: 'dax[': expected a shell glob: a '[' without its closing ']'\n");
	bad("[rule a]\npath = /sys/devices/[[:alpha:]\nmode = devdax\n",
	    "t.conf:2: bad value for path: '/sys/devices/[[:alpha:]': expected a shell glob: a '[' without its closing ']'\n");
	bad("[rule a]\ndevice = dax\\\nmode = devdax\n",
	    "t.conf:2: bad value for device: 'dax\\': expected a shell glob: a '\\' at the end escapes nothing\n");
	good_key("[rule a]\ndevice = dax[]0-3].[[:digit:]]\nmode = devdax\n",
		 "device: ']' first in a set, a class");
	good_key("\xef\xbb\xbf[rule a]\nmode = devdax\n", "a UTF-8 byte-order mark is skipped");
	bad("[rule a]\nmode = \x1b[31mdevdax\n",
	    "t.conf:2: line contains a control character (U+001B)\n");
	bad("[rule a]\nmode = dev\xc2\x9b"
	    "dax\n",
	    "t.conf:2: line contains a control character (U+009B)\n");
	bad("[rule a]\nmode = devdax\x7f\n",
	    "t.conf:2: line contains a control character (U+007F)\n");
	bad("[rule a]\nmode = \xe0\x80\xaf\n", "t.conf:2: line is not valid UTF-8\n");
	bad("[rule a]\nmode = \xed\xa0\x80\n", "t.conf:2: line is not valid UTF-8\n");
	bad("[rule a]\nmode = \xf4\x90\x80\x80\n", "t.conf:2: line is not valid UTF-8\n");
	good_key("[rule a]\t# tab, and \xc3\xa9 in a comment\nmode = devdax\n",
		 "tabs and UTF-8 are fine");

	/* the persistent-memory guard's key */
	parse(&p,
	      "[rule a]\nmode = system-ram\ndestroy-pmem-data = yes\n[rule b]\ndevice = dax1.0\nmode = kmem\ndestroy-pmem-data = no\n",
	      msgs, sizeof(msgs));
	tap_ok(p.nrules == 2 && rule_destroys_pmem(&p.rules[0]) && !rule_destroys_pmem(&p.rules[1]),
	       "destroy-pmem-data: yes allows, no does not");
	policy_free(&p);
	bad("[rule a]\nmode = devdax\ndestroy-pmem-data = yes\n",
	    "t.conf:3: destroy-pmem-data= only applies to mode = system-ram, rule 'a' has mode devdax\n");
	bad("[rule a]\nmode = system-ram\ndestroy-pmem-data = true\n",
	    "t.conf:3: bad value for destroy-pmem-data: 'true': expected yes or no\n");
	bad("[defaults]\ndestroy-pmem-data = yes\n",
	    "t.conf:2: unknown key 'destroy-pmem-data' in [defaults]; expected mode or online\n");

	/* keys under a bad header are still checked */
	parse(&p, "[foo]\nmode = bogus\ncolour = blue\nonline = normal\nonline = movable\n", msgs,
	      sizeof(msgs));
	tap_is_str(
		msgs,
		"t.conf:1: unknown section [foo]; expected [defaults] or [rule NAME]\n"
		"t.conf:2: bad value for mode: 'bogus': expected devdax, system-ram, fsdev, keep or none\n"
		"t.conf:3: unknown key 'colour'; expected device, region, numa-node, size, resource, uuid, path, cxl-serial, mode, online, destroy-pmem-data or override\n"
		"t.conf:5: 'online' is given twice in this section (first at line 4)\n",
		"errors in keys under a bad section header are reported");
	tap_is_int((long long)p.nrules, 0, "  and nothing is kept");
	policy_free(&p);
	parse(&p, "[rule a]\nmode = devdax\n[rule a]\nmode = kmem\nsize = big\n", msgs,
	      sizeof(msgs));
	tap_is_str(msgs,
		   "t.conf:3: rule 'a' is already defined at t.conf:1\n"
		   "t.conf:5: bad value for size: 'big': expected [=|<|<=|>|>=]NUMBER[K|M|G|T]\n",
		   "under a duplicate rule too");
	policy_free(&p);
}

/* override = yes: tried before every other rule, whatever the file order */
static void test_override(void)
{
	struct policy p;
	char msgs[2048];

	parse(&p,
	      "[rule all]\nmode = devdax\n[rule set-a]\ndevice = dax1.0\nmode = kmem\noverride = yes\n"
	      "[rule b]\nregion = 2\nmode = none\n[rule set-c]\nregion = 3\nmode = fsdev\n"
	      "override = yes\n[rule d]\nregion = 4\nmode = devdax\noverride = no\n",
	      msgs, sizeof(msgs));
	tap_is_int(p.ini.nerrors, 0, "override = yes and no are valid");
	if (tap_is_int(p.nrules, 5, "  five rules"))
		tap_is_str(p.rules[0].name, "set-a", "  the first override first ...");
	if (p.nrules == 5) {
		tap_is_str(p.rules[1].name, "set-c", "  ... then the next, in file order");
		tap_is_str(p.rules[2].name, "all", "  then the others, in file order");
		tap_is_str(p.rules[4].name, "d", "  override = no is an ordinary rule");
	}
	tap_ok(strstr(msgs, "'set-a' can never match") == NULL,
	       "  an override is not shadowed by an earlier catch-all");
	tap_ok(strstr(msgs, "rule 'b' can never match: rule 'all'") != NULL,
	       "  ordinary rules still are");
	policy_free(&p);
	bad("[rule a]\nmode = devdax\noverride = maybe\n",
	    "t.conf:3: bad value for override: 'maybe': expected yes or no\n");
}

static void test_warnings(void)
{
	struct policy p;
	char msgs[2048];

	parse(&p, "[rule all]\nmode = devdax\n[rule late]\ndevice = dax1.0\nmode = kmem\n", msgs,
	      sizeof(msgs));
	tap_is_int(p.ini.nerrors, 0, "shadowed rule is not an error");
	tap_is_str(msgs,
		   "t.conf:3: warning: rule 'late' can never match: rule 'all' (t.conf:1) matches every device it does\n",
		   "shadowed rule warned");
	policy_free(&p);
	parse(&p, "[rule a]\nregion = 1\nmode = devdax\n[rule b]\nregion = 1\nsize = 1G\nmode = kmem\n",
	      msgs, sizeof(msgs));
	tap_ok(strstr(msgs, "rule 'b' can never match") != NULL, "narrower later rule warned");
	policy_free(&p);
	parse(&p, "[rule a]\nregion = 1\nsize = 1G\nmode = devdax\n[rule b]\nregion = 1\nmode = kmem\n",
	      msgs, sizeof(msgs));
	tap_is_str(msgs, "", "wider later rule not warned");
	policy_free(&p);
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st, (void)flag, (void)ftw;
	return remove(path);
}

static int remove_tree(const char *dir)
{
	return nftw(dir, remove_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	chmod(path, mode);
}

/* Load MAIN_FILE; its messages into MSGS. */
static int load_msgs(const char *main_file, char *msgs, size_t size, size_t *nrules)
{
	struct policy p;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	policy_init(&p);
	p.ini.err = open_memstream(&buf, &len);
	rc = policy_load(&p, main_file, true);
	fclose(p.ini.err);
	str_copy(msgs, size, buf ? buf : "");
	free(buf);
	*nrules = p.nrules;
	policy_free(&p);
	return rc;
}

/* Symlinked configs: a dangling one, and one into a directory others may write. */
static void test_links(const char *dir, const char *main_file)
{
	char link[160], evil[160], target[200], msgs[2048], want[512];
	size_t nrules;
	int rc;

	snprintf(link, sizeof(link), "%s/linked.conf", dir);
	snprintf(target, sizeof(target), "%s/missing.conf", dir);
	symlink(target, link);
	rc = load_msgs(link, msgs, sizeof(msgs), &nrules);
	snprintf(want, sizeof(want), "%s: is a symbolic link to %s, which does not exist\n", link,
		 target);
	tap_ok(rc < 0, "a dangling symlink as the main file is an error, not 'no policy'");
	tap_is_str(msgs, want, "  message names the missing target");
	unlink(link);

	snprintf(evil, sizeof(evil), "%s/open", dir);
	mkdir(evil, 0755);
	chmod(evil, 0777);
	snprintf(target, sizeof(target), "%s/policy.conf", evil);
	write_file(target, "[rule a]\nmode = devdax\n", 0644);
	symlink(target, link);
	rc = load_msgs(link, msgs, sizeof(msgs), &nrules);
	snprintf(
		want, sizeof(want),
		"%s: refusing to use: writable by everyone (mode 0777); only root may change the policy\n",
		evil);
	tap_ok(rc < 0 && nrules == 0, "a link to a file in a world-writable directory is refused");
	tap_is_str(msgs, want, "  message names that directory");
	chmod(evil, 0755);
	rc = load_msgs(link, msgs, sizeof(msgs), &nrules);
	tap_ok(rc == 0 && nrules == 1, "  the same link is fine once the directory is not");
	unlink(link);
	(void)main_file;
}

/* At most INI_DROPINS_MAX drop-ins besides the main file. */
static void test_dropin_limit(const char *top)
{
	char dir[160], main_file[200], dropin[200], path[260], msgs[2048], want[512];
	size_t nrules;
	int rc;

	snprintf(dir, sizeof(dir), "%s/many", top);
	mkdir(dir, 0755);
	snprintf(main_file, sizeof(main_file), "%s/p.conf", dir);
	snprintf(dropin, sizeof(dropin), "%s/p.d", dir);
	mkdir(dropin, 0755);
	write_file(main_file, "[rule main]\ndevice = dax999.0\nmode = keep\n", 0644);
	for (int i = 0; i < INI_DROPINS_MAX; i++) {
		char text[64];

		snprintf(path, sizeof(path), "%s/%03d.conf", dropin, i);
		snprintf(text, sizeof(text), "[rule r%d]\ndevice = dax%d.0\nmode = keep\n", i, i);
		write_file(path, text, 0644);
	}
	rc = load_msgs(main_file, msgs, sizeof(msgs), &nrules);
	tap_ok(rc == 0 && nrules == INI_DROPINS_MAX + 1, "the main file and 256 drop-ins");
	tap_is_str(msgs, "", "  no message");
	snprintf(path, sizeof(path), "%s/999.conf", dropin);
	write_file(path, "[rule last]\ndevice = dax998.0\nmode = keep\n", 0644);
	rc = load_msgs(main_file, msgs, sizeof(msgs), &nrules);
	snprintf(want, sizeof(want), "%s: more than 256 drop-in files; none is read\n", dropin);
	tap_ok(rc < 0, "257 drop-ins: an error");
	tap_is_str(msgs, want, "  message gives the limit");
}

static void test_files(void)
{
	char dir[] = "/tmp/dax-policy-test-XXXXXX", main_file[128], dropin[128], path[160];
	char *buf = NULL;
	size_t len = 0;
	struct policy p;
	int rc;

	if (!mkdtemp(dir)) {
		tap_ok(false, "mkdtemp");
		return;
	}
	chmod(dir, 0755);
	snprintf(main_file, sizeof(main_file), "%s/dax-policy.conf", dir);
	snprintf(dropin, sizeof(dropin), "%s/dax-policy.d", dir);

	policy_init(&p);
	rc = policy_load(&p, main_file, true);
	tap_ok(rc == 0 && p.nrules == 0 && p.ini.nfiles == 0, "missing main file, no drop-ins: empty policy");
	tap_is_int(default_mode(&p), MODE_KEEP, "empty policy keeps devices");
	policy_free(&p);

	write_file(main_file, "[rule main]\ndevice = dax0.0\nmode = devdax\n", 0644);
	mkdir(dropin, 0755);
	snprintf(path, sizeof(path), "%s/20-b.conf", dropin);
	write_file(path, "[rule b]\ndevice = dax2.0\nmode = none\n", 0644);
	snprintf(path, sizeof(path), "%s/10-a.conf", dropin);
	write_file(path, "[rule a]\ndevice = dax1.0\nmode = kmem\n", 0644);
	snprintf(path, sizeof(path), "%s/ignored.txt", dropin);
	write_file(path, "garbage\n", 0644);
	policy_init(&p);
	rc = policy_load(&p, main_file, true);
	tap_ok(rc == 0 && p.nrules == 3, "main file plus two drop-ins");
	if (p.nrules == 3) {
		tap_is_str(p.rules[0].name, "main", "main file first");
		tap_is_str(p.rules[1].name, "a", "then drop-ins in lexical order (10-a)");
		tap_is_str(p.rules[2].name, "b", "then 20-b");
	}
	policy_free(&p);

	/* an error in a drop-in names that file */
	snprintf(path, sizeof(path), "%s/30-c.conf", dropin);
	write_file(path, "[rule a]\nmode = devdax\n", 0644);
	policy_init(&p);
	p.ini.err = open_memstream(&buf, &len);
	rc = policy_load(&p, main_file, true);
	fclose(p.ini.err);
	{
		char want[512];

		snprintf(want, sizeof(want), "%s/30-c.conf:1: rule 'a' is already defined at %s/10-a.conf:1\n",
			 dropin, dropin);
		tap_ok(rc < 0, "duplicate rule across files refused");
		tap_is_str(buf, want, "message names both files");
	}
	free(buf);
	buf = NULL;
	policy_free(&p);
	unlink(path);

	/* writable by others: refused with a message saying so */
	chmod(main_file, 0666);
	policy_init(&p);
	p.ini.err = open_memstream(&buf, &len);
	rc = policy_load(&p, main_file, true);
	fclose(p.ini.err);
	{
		char want[512];

		snprintf(want, sizeof(want),
			 "%s: refusing to use: writable by everyone (mode 0666); only root may change the policy\n",
			 main_file);
		tap_ok(rc < 0, "world-writable config refused");
		tap_is_str(buf, want, "message says why");
	}
	free(buf);
	buf = NULL;
	policy_free(&p);
	chmod(main_file, 0644);

	chmod(dropin, 0777);
	policy_init(&p);
	p.ini.err = open_memstream(&buf, &len);
	rc = policy_load(&p, main_file, true);
	fclose(p.ini.err);
	tap_ok(rc < 0 && strstr(buf, "dax-policy.d: refusing to use: writable by everyone"),
	       "world-writable drop-in directory refused");
	free(buf);
	policy_free(&p);
	chmod(dropin, 0755);

	/* a FIFO as a drop-in: refused at once, never waited on */
	snprintf(path, sizeof(path), "%s/40-fifo.conf", dropin);
	mkfifo(path, 0644);
	policy_init(&p);
	p.ini.err = open_memstream(&buf, &len);
	rc = policy_load(&p, main_file, true);
	fclose(p.ini.err);
	{
		char want[512];

		snprintf(want, sizeof(want), "%s: not a regular file\n", path);
		tap_ok(rc < 0, "a FIFO as a drop-in is an error, not a hang");
		tap_is_str(buf, want, "  message says why");
	}
	free(buf);
	buf = NULL;
	policy_free(&p);
	unlink(path);

	test_links(dir, main_file);
	test_dropin_limit(dir);

	{
		char dropin_dir[PATH_MAX];

		ini_dropin_dir("/etc/dax-policy.conf", dropin_dir, sizeof(dropin_dir));
		tap_is_str(dropin_dir, "/etc/dax-policy.d", "drop-in dir of /etc/dax-policy.conf");
		ini_dropin_dir("/x/policy", dropin_dir, sizeof(dropin_dir));
		tap_is_str(dropin_dir, "/x/policy.d", "drop-in dir without .conf");
	}

	tap_ok(remove_tree(dir) == 0, "cleanup");
}

int main(void)
{
	test_good();
	test_errors();
	test_hostile();
	test_override();
	test_warnings();
	test_files();
	return tap_done();
}
