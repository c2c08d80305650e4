// SPDX-License-Identifier: GPL-2.0-or-later
#include "report.h"
#include "cleanup.h"
#include "journal.h"
#include "match.h"
#include "util.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

static void print_json(FILE *out, json_object *obj)
{
	fprintf(out, "%s\n",
		json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
							    JSON_C_TO_STRING_SPACED |
							    JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(obj);
}

/*
 * A JSON string from any bytes. JSON text must be UTF-8, but file names,
 * sysfs paths and process names are whatever bytes someone chose: each byte
 * that is not part of valid UTF-8 (strictly: no overlong forms, surrogates
 * or code points past U+10FFFF) becomes U+FFFD, so the document always
 * parses. Control characters are escaped by json-c.
 */
static json_object *json_str(const char *s)
{
	static const char replacement[] = "\xef\xbf\xbd";
	_cleanup_free_ char *clean = NULL;
	size_t used = 0;
	uint32_t cp;

	if (utf8_valid(s))
		return json_object_new_string(s);
	clean = malloc(strlen(s) * 3 + 1);
	if (!clean)
		return json_object_new_string("");
	while (*s) {
		size_t n = utf8_decode(s, &cp);

		if (n) {
			memcpy(clean + used, s, n);
			used += n;
			s += n;
		} else {
			memcpy(clean + used, replacement, 3);
			used += 3;
			s++;
		}
	}
	clean[used] = '\0';
	return json_object_new_string(clean);
}

static json_object *json_str_or_null(const char *s)
{
	return s && *s ? json_str(s) : NULL;
}

void memory_summary(const struct dax_device *d, char *buf, size_t size)
{
	const struct dax_memory *m = &d->mem;
	int present = m->nblocks - m->missing;

	if (!m->present) {
		snprintf(buf, size, "-");
	} else if (m->online == 0) {
		snprintf(buf, size, "0/%d offline", present);
	} else if (m->movable == m->online) {
		snprintf(buf, size, "%d/%d movable", m->online, present);
	} else if (m->normal == m->online) {
		snprintf(buf, size, "%d/%d normal", m->online, present);
	} else {
		snprintf(buf, size, "%d/%d (%d movable, %d normal)", m->online, present,
			 m->movable, m->normal);
	}
}

static const char *current_text(const struct dax_device *d)
{
	return d->mode == MODE_OTHER ? d->driver : mode_name(d->mode);
}

/* A node number, or null for none (-1) */
static json_object *json_node(int node)
{
	return node >= 0 ? json_object_new_int(node) : NULL;
}

/* Is the policy's wish for the entry unknown (a broken configuration)? */
static bool want_unknown(const struct plan_entry *e)
{
	return e->want == MODE_UNSET;
}

static const char *want_text(const struct plan_entry *e)
{
	return want_unknown(e) ? "?" : mode_name(e->want);
}

/*
 * One device. Where daxctl list says the same thing, the name is daxctl's
 * (chardev, size, target_node, numa_node, align, mode, online_memblocks,
 * total_memblocks, movable), so a jq filter written for it works here;
 * the rest are dax-policy's own.
 */
static json_object *device_json(const struct report *r, size_t i)
{
	const struct plan_entry *e = &r->plan->e[i];
	const struct outcome *o = &r->outcomes[i];
	const struct dax_device *d = &o->dev;
	const struct dax_memory *m = &d->mem;
	json_object *dev = json_object_new_object();
	char res[32];

	snprintf(res, sizeof(res), "%#" PRIx64, d->resource);
	json_object_object_add(dev, "chardev", json_str(d->name));
	json_object_object_add(dev, "region", json_object_new_int(d->region));
	json_object_object_add(dev, "size", json_object_new_uint64(d->size));
	json_object_object_add(dev, "target_node", json_node(d->target_node));
	json_object_object_add(dev, "numa_node", json_node(d->numa_node));
	json_object_object_add(dev, "align", d->align ? json_object_new_uint64(d->align) : NULL);
	json_object_object_add(dev, "resource", json_str(res));
	json_object_object_add(dev, "uuid", json_str_or_null(d->uuid));
	json_object_object_add(dev, "path", json_str(d->path));
	json_object_object_add(dev, "persistent_memory", json_object_new_boolean(d->pmem));
	json_object_object_add(dev, "driver", json_str_or_null(d->driver));
	json_object_object_add(dev, "mode", json_str(current_text(d)));
	/* the memory blocks, as daxctl counts them: those that exist */
	if (m->present) {
		json_object_object_add(dev, "online_memblocks", json_object_new_int(m->online));
		json_object_object_add(dev, "total_memblocks",
				       json_object_new_int(m->nblocks - m->missing));
		/* daxctl's sense: online, and all of it in ZONE_MOVABLE */
		json_object_object_add(
			dev, "movable",
			json_object_new_boolean(m->online && m->movable == m->online));
		json_object_object_add(dev, "movable_memblocks", json_object_new_int(m->movable));
		json_object_object_add(dev, "normal_memblocks", json_object_new_int(m->normal));
	} else {
		static const char *const none[] = { "online_memblocks", "total_memblocks",
						    "movable", "movable_memblocks",
						    "normal_memblocks" };

		for (size_t k = 0; k < ARRAY_SIZE(none); k++)
			json_object_object_add(dev, none[k], NULL);
	}
	json_object_object_add(dev, "wanted_mode",
			       want_unknown(e) ? NULL : json_str(mode_name(e->want)));
	json_object_object_add(dev, "online",
			       mode_has_memory(e->want) ? json_str(online_name(e->online)) : NULL);
	json_object_object_add(dev, "rule", json_str_or_null(e->rule ? e->rule->name : NULL));
	json_object_object_add(dev, "state",
			       o->state == STATE_UNKNOWN ? NULL
							 : json_str(dev_state_name(o->state)));
	json_object_object_add(dev, "reason", json_str(dev_reason_name(o->reason)));
	json_object_object_add(dev, "message", json_str_or_null(o->msg));
	if (r->apply)
		json_object_object_add(dev, "changed", json_object_new_boolean(o->changed));
	return dev;
}

/* {"file", "line", "message"} for each error kept. */
static json_object *errors_json(const struct errlist *e)
{
	json_object *errors = json_object_new_array();

	for (size_t i = 0; e && i < e->n; i++) {
		const struct errlist_entry *x = &e->v[i];
		json_object *o = json_object_new_object();

		json_object_object_add(o, "file", x->file ? json_str(x->file) : NULL);
		json_object_object_add(o, "line", x->line ? json_object_new_int(x->line) : NULL);
		json_object_object_add(o, "message", json_str(x->message));
		json_object_array_add(errors, o);
	}
	return errors;
}

/*
 * Text tables: each column as wide as its widest cell (a size in bytes, a
 * long rule name), numbers to the right, the last column not padded.
 */
#define TABLE_CELL_MAX 96
#define TABLE_COLUMNS_MAX 12

struct table_column {
	const char *header;
	bool right;
};

typedef char table_cell[TABLE_CELL_MAX];

/* CELLS: NROWS rows of NCOLS cells each. */
static void table_print(FILE *out, const struct table_column *cols, size_t ncols,
			const table_cell *cells, size_t nrows)
{
	int width[TABLE_COLUMNS_MAX];

	for (size_t c = 0; c < ncols && c < TABLE_COLUMNS_MAX; c++) {
		width[c] = (int)strlen(cols[c].header);
		for (size_t row = 0; row < nrows; row++) {
			int w = (int)strlen(cells[row * ncols + c]);

			if (w > width[c])
				width[c] = w;
		}
	}
	for (size_t row = 0; row <= nrows; row++) {
		for (size_t c = 0; c < ncols && c < TABLE_COLUMNS_MAX; c++) {
			const char *text = row ? cells[(row - 1) * ncols + c] : cols[c].header;

			if (c + 1 == ncols)
				fprintf(out, "%s\n", text);
			else
				fprintf(out, cols[c].right ? "%*s " : "%-*s ", width[c], text);
		}
	}
}

/* clang-format off */
enum device_column {
	COL_DEVICE, COL_REGION, COL_SIZE, COL_NODE, COL_RESOURCE, COL_MODE, COL_WANT, COL_RULE,
	COL_STATE, COL_MEMORY, DEVICE_COLUMNS
};

static const struct table_column device_columns[DEVICE_COLUMNS] = {
	[COL_DEVICE] = { "DEVICE", false },	[COL_REGION] = { "REGION", true },
	[COL_SIZE] = { "SIZE", true },		[COL_NODE] = { "NODE", true },
	[COL_RESOURCE] = { "RESOURCE", false },	[COL_MODE] = { "MODE", false },
	[COL_WANT] = { "WANT", false },		[COL_RULE] = { "RULE", false },
	[COL_STATE] = { "STATE", false },	[COL_MEMORY] = { "MEMORY", false },
};
/* clang-format on */

/* The status table: one row per device. */
static void device_table(const struct report *r)
{
	const struct plan *plan = r->plan;
	_cleanup_free_ table_cell *cells = calloc(plan->n * DEVICE_COLUMNS, sizeof(*cells));

	if (!cells) {
		fprintf(r->out, "(no memory for the table)\n");
		return;
	}
	for (size_t i = 0; i < plan->n; i++) {
		const struct plan_entry *e = &plan->e[i];
		const struct dax_device *d = &r->outcomes[i].dev;
		table_cell *row = &cells[i * DEVICE_COLUMNS];

		snprintf(row[COL_DEVICE], TABLE_CELL_MAX, "%s", d->name);
		snprintf(row[COL_REGION], TABLE_CELL_MAX, "%d", d->region);
		format_size(d->size, row[COL_SIZE], TABLE_CELL_MAX);
		snprintf(row[COL_NODE], TABLE_CELL_MAX, "%d", d->target_node);
		snprintf(row[COL_RESOURCE], TABLE_CELL_MAX, "%#" PRIx64, d->resource);
		snprintf(row[COL_MODE], TABLE_CELL_MAX, "%s", current_text(d));
		snprintf(row[COL_WANT], TABLE_CELL_MAX, "%s", want_text(e));
		snprintf(row[COL_RULE], TABLE_CELL_MAX, "%s",
			 want_unknown(e) ? "?"
			 : e->rule	 ? e->rule->name
					 : "(defaults)");
		snprintf(row[COL_STATE], TABLE_CELL_MAX, "%s",
			 dev_state_name(r->outcomes[i].state));
		memory_summary(d, row[COL_MEMORY], TABLE_CELL_MAX);
		for (size_t c = 0; c < DEVICE_COLUMNS; c++)
			str_sanitize(row[c]);
	}
	table_print(r->out, device_columns, DEVICE_COLUMNS, cells, plan->n);
}

/* A dry run exits 0 when every change it lists could be tried (exit 4 is
 * status's): the last line says whether changes are pending. */
static void dry_run_summary(const struct report *r)
{
	size_t pending = 0;

	if (!r->apply || !r->dry_run)
		return;
	for (size_t i = 0; i < r->plan->n; i++)
		pending += r->outcomes[i].state == STATE_DRIFT;
	if (pending)
		fprintf(r->out, "dry run: %zu device%s would change; nothing was changed\n",
			pending, pending == 1 ? "" : "s");
}

/* The line apply prints for outcome I ("dax0.0: ok: devdax -> system-ram"). */
static void outcome_line(const struct report *r, size_t i, char *buf, size_t size)
{
	const struct outcome *o = &r->outcomes[i];

	if (o->msg[0])
		snprintf(buf, size, "%s: %s: %s", o->dev.name, dev_state_name(o->state), o->msg);
	else
		snprintf(buf, size, "%s: %s: %s, in its policy mode", o->dev.name,
			 dev_state_name(o->state), current_text(&o->dev));
}

void report_summary(const struct report *r, char *buf, size_t size)
{
	size_t count[OUTCOME_KIND_COUNT] = { 0 };
	const char *sep = ": ";

	for (size_t i = 0; i < r->plan->n; i++)
		count[outcome_kind_of(&r->outcomes[i])]++;
	snprintf(buf, size, "%zu dax device%s", r->plan->n, r->plan->n == 1 ? "" : "s");
	for (size_t k = 0; k < OUTCOME_KIND_COUNT; k++) {
		size_t used = strlen(buf);

		if (!count[k])
			continue;
		snprintf(buf + used, size - used, "%s%zu %s", sep, count[k], outcome_kinds[k].name);
		sep = ", ";
	}
}

/* Outcome I as a journal entry with its fields (the line on OUT if the
 * journal takes none). */
static void outcome_entry(const struct report *r, size_t i)
{
	const struct plan_entry *e = &r->plan->e[i];
	const struct outcome *o = &r->outcomes[i];
	const struct outcome_kind_info *k = &outcome_kinds[outcome_kind_of(o)];
	const struct journal_fields f = {
		.priority = k->priority,
		.message_id = k->message_id,
		.device = o->dev.name,
		.from = current_text(&e->dev),
		/* keep: what it is now (a new device: the kernel's choice) */
		.to = e->want == MODE_KEEP ? current_text(&o->dev) : mode_name(e->want),
		.rule = e->rule ? e->rule->name : "(defaults)",
	};
	char text[1024];

	outcome_line(r, i, text, sizeof(text));
	str_sanitize(text);
	if (journal_send(&f, text) != 0)
		fprintf(r->out, "%s\n", text);
}

/* A line of text as an entry at PRIORITY (on OUT if the journal takes none). */
static void text_entry(const struct report *r, int priority, const char *text)
{
	if (journal_send(&(const struct journal_fields){ .priority = priority }, text) != 0)
		fprintf(r->out, "%s\n", text);
}

/* Apply under the journal: an entry per device (-q: per failed one), then
 * the summary. */
static void journal_outcomes(const struct report *r)
{
	char text[256];

	for (size_t i = 0; i < r->plan->n; i++)
		if (!r->quiet || outcome_kinds[outcome_kind_of(&r->outcomes[i])].priority <= LOG_ERR)
			outcome_entry(r, i);
	if (r->quiet)
		return;
	report_summary(r, text, sizeof(text));
	text_entry(r, LOG_INFO, text);
}

void report_devices(const struct report *r)
{
	const struct plan *plan = r->plan;

	if (r->json) {
		json_object *top = json_object_new_object();
		json_object *devs = json_object_new_array();
		json_object *warn = json_object_new_array();
		json_object *files = json_object_new_array();

		for (size_t i = 0; i < r->policy->ini.nfiles; i++)
			json_object_array_add(files, json_str(r->policy->ini.files[i]));
		for (size_t i = 0; i < plan->n; i++)
			json_object_array_add(devs, device_json(r, i));
		for (size_t i = 0; r->agents && i < r->agents->n; i++)
			json_object_array_add(warn, json_str(r->agents->msg[i]));
		json_object_object_add(top, "config_files", files);
		if (r->apply)
			json_object_object_add(top, "dry_run", json_object_new_boolean(r->dry_run));
		json_object_object_add(top, "devices", devs);
		json_object_object_add(top, "warnings", warn);
		json_object_object_add(top, "errors", errors_json(r->errors));
		print_json(r->out, top);
		return;
	}

	if (r->apply && r->journal) {
		journal_outcomes(r);
		if (!r->verbose)
			return;
	} else if (r->apply && !r->verbose) {
		/* apply says what it did; the table is for status (or -v) */
		size_t touched = 0;

		for (size_t i = 0; i < plan->n; i++) {
			const struct outcome *o = &r->outcomes[i];

			if (!o->msg[0] || (o->state == STATE_OK && !o->changed))
				continue;	/* a note on a device left alone */
			fprintf(r->out, "%s: %s: %s\n", o->dev.name, dev_state_name(o->state),
				o->msg);
			touched++;
		}
		if (!touched)
			fprintf(r->out, "%zu dax device%s in policy, nothing to do\n", plan->n,
				plan->n == 1 ? "" : "s");
		dry_run_summary(r);
		return;
	}
	if (plan->n == 0)
		fprintf(r->out, "no dax devices\n");
	else
		device_table(r);
	/* apply under the journal sent these already */
	for (size_t i = 0; i < plan->n && !(r->apply && r->journal); i++) {
		const struct outcome *o = &r->outcomes[i];

		if (!o->msg[0] || (o->state == STATE_OK && !(r->apply && o->changed)))
			continue;
		if (r->journal)
			outcome_entry(r, i);
		else
			fprintf(r->out, "%s: %s: %s\n", o->dev.name, dev_state_name(o->state),
				o->msg);
	}
	for (size_t i = 0; r->agents && i < r->agents->n; i++) {
		char text[sizeof(r->agents->msg[i]) + 16];

		snprintf(text, sizeof(text), "warning: %s", r->agents->msg[i]);
		if (r->journal)
			text_entry(r, LOG_WARNING, r->agents->msg[i]);
		else
			fprintf(r->out, "%s\n", text);
	}
	dry_run_summary(r);
}

static void keys_text(const struct rule *rule, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int k = 0; k < MATCH_KEY_COUNT; k++) {
		int n;

		if (!rule_has(rule, k))
			continue;
		n = snprintf(buf + used, size - used, "%s%s=%s", used ? " " : "",
			     config_keys[k].name, rule->set.key[k].text);
		if (n < 0 || (size_t)n >= size - used)
			return;
		used += (size_t)n;
	}
	if (!used)
		snprintf(buf, size, "(every device)");
}

/* How many devices of SNAP RULE matches, whether or not it decides them. */
static size_t rule_matches_count(const struct rule *rule, const struct snapshot *snap)
{
	size_t n = 0;

	for (size_t i = 0; i < snap->n; i++)
		n += match_rule(rule, &snap->devs[i]);
	return n;
}

/*
 * How many devices of SNAP each rule decides (DECIDES[i] for rule i, the
 * last for [defaults]): as the plan does, the first rule that matches a
 * device decides it, so a shadowed rule counts none. NULL: out of memory.
 */
static size_t *decided_counts(const struct policy *p, const struct snapshot *snap)
{
	size_t *decides = calloc(p->nrules + 1, sizeof(*decides));

	for (size_t i = 0; decides && i < snap->n; i++) {
		const struct rule *rule = match_first(p, &snap->devs[i]);

		decides[rule ? (size_t)(rule - p->rules) : p->nrules]++;
	}
	return decides;
}

/* "decides 2 devices" */
static void decides_text(const size_t *decides, size_t i, char *buf, size_t size)
{
	if (decides)
		snprintf(buf, size, ", decides %zu device%s", decides[i],
			 decides[i] == 1 ? "" : "s");
	else
		buf[0] = '\0';
}

static json_object *decides_json(const size_t *decides, size_t i)
{
	return decides ? json_object_new_uint64(decides[i]) : NULL;
}

/* Does RULE (NULL: [defaults]) catch DEV, a persistent-memory device not in
 * system-ram yet, for system-ram? */
static bool catches_pmem(const struct policy *p, const struct rule *rule,
			 const struct dax_device *dev)
{
	enum dax_mode mode = rule ? rule_mode(rule) : default_mode(p);

	if (!dev->pmem || !mode_has_memory(mode) || mode_has_memory(dev->mode))
		return false;
	return rule ? match_rule(rule, dev) : match_first(p, dev) == NULL;
}

/*
 * The guard, seen from check: every rule (or [defaults]) that would send a
 * persistent-memory device of this machine to system-ram, as a warning
 * (text) or as the names of those devices (JSON, NULL for none).
 */
static json_object *pmem_caught(FILE *out, bool json, const struct policy *p,
				const struct rule *rule, const char *keys,
				const struct snapshot *snap)
{
	json_object *names = NULL;

	for (size_t i = 0; snap && i < snap->n; i++) {
		const struct dax_device *d = &snap->devs[i];
		char what[2 * DAX_NAME_MAX + 8];

		if (!catches_pmem(p, rule, d))
			continue;
		if (json) {
			if (!names)
				names = json_object_new_array();
			json_object_array_add(names, json_str(d->name));
			continue;
		}
		snprintf(what, sizeof(what), "%s%s%s%s", d->name, d->pmem_namespace[0] ? " (" : "",
			 d->pmem_namespace, d->pmem_namespace[0] ? ")" : "");
		if (!rule)
			fprintf(out,
				"warning: [defaults] mode = system-ram catches persistent-memory device %s; apply refuses it (only a rule with destroy-pmem-data = yes may send it there)\n",
				what);
		else if (rule_destroys_pmem(rule))
			fprintf(out,
				"%s:%d: warning: rule '%s' (%s) sends persistent-memory device %s to system-ram with destroy-pmem-data = yes: the data on it will be destroyed\n",
				rule->file, rule->line, rule->name, keys, what);
		else
			fprintf(out,
				"%s:%d: warning: rule '%s' (%s) would send persistent-memory device %s to system-ram; apply refuses unless the rule says destroy-pmem-data = yes\n",
				rule->file, rule->line, rule->name, keys, what);
	}
	return names;
}

void report_rules(FILE *out, bool json, const struct policy *p, const struct snapshot *snap,
		  const char *not_counted, const struct agent_warnings *agents)
{
	_cleanup_free_ size_t *decides = NULL;
	json_object *top = NULL, *rules = NULL;
	char counted[64], uncounted[256];
	int name_width = 0;

	if (!not_counted && snap) {
		decides = decided_counts(p, snap);
		if (!decides)
			not_counted = "out of memory";
	} else if (!not_counted) {
		not_counted = "no devices read";
	}
	snprintf(uncounted, sizeof(uncounted), "devices not counted: %s", not_counted);
	for (size_t i = 0; i < p->nrules; i++)
		if ((int)strlen(p->rules[i].name) > name_width)
			name_width = (int)strlen(p->rules[i].name);

	if (json) {
		json_object *files = json_object_new_array();

		top = json_object_new_object();
		rules = json_object_new_array();
		for (size_t i = 0; i < p->ini.nfiles; i++)
			json_object_array_add(files, json_str(p->ini.files[i]));
		json_object_object_add(top, "config_files", files);
		json_object_object_add(top, "default_mode", json_str(mode_name(default_mode(p))));
		json_object_object_add(top, "default_online",
				       json_str(online_name(default_online(p))));
		json_object_object_add(top, "default_devices_matched",
				       decides_json(decides, p->nrules));
	} else {
		if (p->ini.nfiles == 0)
			fprintf(out, "no configuration file: every device is kept as it is\n");
		for (size_t i = 0; i < p->ini.nfiles; i++)
			fprintf(out, "config: %s\n", p->ini.files[i]);
		decides_text(decides, p->nrules, counted, sizeof(counted));
		fprintf(out, "defaults: mode=%s online=%s%s\n", mode_name(default_mode(p)),
			online_name(default_online(p)), counted);
		if (!decides)
			fprintf(out, "%s\n", uncounted);
	}
	for (size_t i = 0; i < p->nrules; i++) {
		const struct rule *rule = &p->rules[i];
		char keys[1024];

		keys_text(rule, keys, sizeof(keys));
		if (json) {
			json_object *o = json_object_new_object();
			json_object *k = json_object_new_object();
			char where[PATH_MAX + 16];

			for (int m = 0; m < MATCH_KEY_COUNT; m++)
				if (rule_has(rule, m))
					json_object_object_add(k, config_keys[m].name,
							       json_str(rule->set.key[m].text));
			snprintf(where, sizeof(where), "%s:%d", rule->file, rule->line);
			json_object_object_add(o, "name", json_str(rule->name));
			json_object_object_add(o, "source", json_str(where));
			json_object_object_add(o, "match", k);
			json_object_object_add(o, "mode", json_str(mode_name(rule_mode(rule))));
			json_object_object_add(o, "online",
					       mode_has_memory(rule_mode(rule))
						       ? json_str(online_name(rule_online(p, rule)))
						       : NULL);
			json_object_object_add(o, "devices_matched", decides_json(decides, i));
			json_object_object_add(o, "destroy_pmem_data",
					       json_object_new_boolean(rule_destroys_pmem(rule)));
			json_object_object_add(o, "pmem_caught",
					       pmem_caught(out, true, p, rule, keys, snap));
			json_object_array_add(rules, o);
		} else {
			bool memory = mode_has_memory(rule_mode(rule));
			size_t matches;

			decides_text(decides, i, counted, sizeof(counted));
			fprintf(out, "rule %-*s %s -> %s%s%s%s  (%s:%d)\n", name_width, rule->name,
				keys, mode_name(rule_mode(rule)), memory ? " online=" : "",
				memory ? online_name(rule_online(p, rule)) : "", counted,
				rule->file, rule->line);
			matches = decides ? rule_matches_count(rule, snap) : 0;
			if (decides && matches == 0)
				fprintf(out,
					"%s:%d: warning: rule '%s' matches no present device\n",
					rule->file, rule->line, rule->name);
			else if (decides && decides[i] == 0)
				fprintf(out,
					"%s:%d: warning: rule '%s' decides no device: earlier rules decide the %zu it matches\n",
					rule->file, rule->line, rule->name, matches);
			pmem_caught(out, false, p, rule, keys, snap);
		}
	}
	if (json) {
		json_object *warn = json_object_new_array();

		if (!decides)
			json_object_array_add(warn, json_str(uncounted));
		for (size_t i = 0; agents && i < agents->n; i++)
			json_object_array_add(warn, json_str(agents->msg[i]));
		json_object_object_add(top, "default_pmem_caught",
				       pmem_caught(out, true, p, NULL, "", snap));
		json_object_object_add(top, "rules", rules);
		json_object_object_add(top, "warnings", warn);
		print_json(out, top);
		return;
	}
	pmem_caught(out, false, p, NULL, "", snap);
	for (size_t i = 0; agents && i < agents->n; i++)
		fprintf(out, "warning: %s\n", agents->msg[i]);
}

void report_explain(FILE *out, bool json, const struct policy *p, const struct plan_entry *e,
		    const struct errlist *errors)
{
	const struct dax_device *d = &e->dev;
	json_object *top = NULL, *tried = NULL;
	char size[32];

	format_size(d->size, size, sizeof(size));
	if (json) {
		top = json_object_new_object();
		tried = json_object_new_array();
		json_object_object_add(top, "chardev", json_str(d->name));
		json_object_object_add(top, "persistent_memory", json_object_new_boolean(d->pmem));
	} else {
		fprintf(out,
			"%s: region %d, size %s, numa node %d, resource %#" PRIx64 ", uuid %s\n",
			d->name, d->region, size, d->target_node, d->resource,
			d->uuid[0] ? d->uuid : "-");
		fprintf(out, "%s: path %s\n", d->name, d->path);
		if (d->pmem)
			fprintf(out,
				"%s: persistent memory%s%s: system-ram only by a rule with destroy-pmem-data = yes\n",
				d->name, d->pmem_namespace[0] ? " of " : "", d->pmem_namespace);
	}
	for (size_t i = 0; p && i < p->nrules; i++) {
		const struct rule *rule = &p->rules[i];
		json_object *reasons = json ? json_object_new_array() : NULL;
		bool matched = true;

		for (int k = 0; k < MATCH_KEY_COUNT; k++) {
			char why[512];

			if (match_key(rule, k, d, why, sizeof(why)))
				continue;
			matched = false;
			if (json)
				json_object_array_add(reasons, json_str(why));
			else
				fprintf(out, "  rule %s (%s:%d): no match: %s\n", rule->name,
					rule->file, rule->line, why);
		}
		if (json) {
			json_object *o = json_object_new_object();

			json_object_object_add(o, "rule", json_str(rule->name));
			json_object_object_add(o, "matched", json_object_new_boolean(matched));
			json_object_object_add(o, "reasons", reasons);
			json_object_array_add(tried, o);
		}
		if (matched) {
			if (!json)
				fprintf(out, "  rule %s (%s:%d): matches -> mode %s\n", rule->name,
					rule->file, rule->line, mode_name(rule_mode(rule)));
			break;
		}
	}
	if (!json && !p)
		fprintf(out, "  the configuration has errors: no rule is tried\n");
	else if (!e->rule && !json)
		fprintf(out, "  no rule matches -> [defaults] mode %s\n",
			mode_name(default_mode(p)));
	if (json) {
		json_object_object_add(top, "rules", tried);
		json_object_object_add(top, "rule",
				       json_str_or_null(e->rule ? e->rule->name : NULL));
		json_object_object_add(top, "wanted_mode",
				       want_unknown(e) ? NULL : json_str(mode_name(e->want)));
		json_object_object_add(top, "mode", json_str(current_text(d)));
		json_object_object_add(top, "errors", errors_json(errors));
		print_json(out, top);
	} else {
		fprintf(out, "%s: is %s, policy wants %s%s%s\n", d->name, current_text(d),
			want_text(e), mode_has_memory(e->want) ? " online=" : "",
			mode_has_memory(e->want) ? online_name(e->online) : "");
	}
}

void report_errors(FILE *out, const struct errlist *e)
{
	json_object *top = json_object_new_object();

	json_object_object_add(top, "errors", errors_json(e));
	print_json(out, top);
}
