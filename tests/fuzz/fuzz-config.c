// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer target for the config parser: any bytes as a config file. Besides
 * the sanitizers' checks, a policy the parser accepts must be usable: every
 * rule has a valid name and a mode, online and destroy-pmem-data only with
 * system-ram.
 */
#include "config.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
	struct policy p;
	FILE *sink = fopen("/dev/null", "w");

	policy_init(&p);
	p.ini.err = sink;
	policy_parse_text(&p, "fuzz.conf", (const char *)data, size);
	if (p.ini.nerrors == 0) {
		policy_finish(&p);
		for (size_t i = 0; i < p.nrules; i++) {
			const struct rule *r = &p.rules[i];

			if (!r->name[0] || rule_mode(r) == MODE_UNSET || rule_mode(r) == MODE_OTHER)
				abort();
			if ((rule_has(r, KEY_ONLINE) || rule_has(r, KEY_DESTROY_PMEM_DATA)) &&
			    !mode_has_memory(rule_mode(r)))
				abort();
			for (size_t j = 0; j < i; j++)
				if (strcmp(p.rules[j].name, r->name) == 0)
					abort();
		}
	}
	policy_free(&p);
	if (sink)
		fclose(sink);
	return 0;
}
