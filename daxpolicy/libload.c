// SPDX-License-Identifier: GPL-2.0-or-later
#include "libload.h"
#include "util.h"

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

struct symbol {
	const char *name;
	size_t offset;	/* of its pointer in the api struct */
};

#define SYM(api, field, name) { name, offsetof(struct api, field) }

static const struct symbol kmod_symbols[] = {
	SYM(kmod_api, new_ctx, "kmod_new"),
	SYM(kmod_api, unref, "kmod_unref"),
	SYM(kmod_api, module_new_from_name, "kmod_module_new_from_name"),
	SYM(kmod_api, module_new_from_lookup, "kmod_module_new_from_lookup"),
	SYM(kmod_api, module_probe_insert_module, "kmod_module_probe_insert_module"),
	SYM(kmod_api, module_get_module, "kmod_module_get_module"),
	SYM(kmod_api, module_get_name, "kmod_module_get_name"),
	SYM(kmod_api, module_unref, "kmod_module_unref"),
	SYM(kmod_api, module_unref_list, "kmod_module_unref_list"),
	SYM(kmod_api, list_next, "kmod_list_next"),
};

static const struct symbol daxctl_symbols[] = {
	SYM(daxctl_api, new_ctx, "daxctl_new"),
	SYM(daxctl_api, unref, "daxctl_unref"),
	SYM(daxctl_api, set_log_fn, "daxctl_set_log_fn"),
	SYM(daxctl_api, set_log_priority, "daxctl_set_log_priority"),
	SYM(daxctl_api, region_get_first, "daxctl_region_get_first"),
	SYM(daxctl_api, region_get_next, "daxctl_region_get_next"),
	SYM(daxctl_api, dev_get_first, "daxctl_dev_get_first"),
	SYM(daxctl_api, dev_get_next, "daxctl_dev_get_next"),
	SYM(daxctl_api, dev_get_devname, "daxctl_dev_get_devname"),
	SYM(daxctl_api, dev_is_enabled, "daxctl_dev_is_enabled"),
	SYM(daxctl_api, dev_get_memory, "daxctl_dev_get_memory"),
};

/* Open SONAME (once per process: it is never unloaded) and fill API (of
 * SIZE bytes) with the functions SYMS name: all of them, or none (API is
 * left zeroed, so that nothing calls through a pointer half filled in). */
static int api_open(void *api, size_t size, const char *soname, const struct symbol *syms,
		    size_t n, char *err, size_t errlen)
{
	void *lib = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);

	memset(api, 0, size);
	if (!lib) {
		snprintf(err, errlen, "cannot open %s: %s", soname, dlerror());
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		void *fn = dlsym(lib, syms[i].name);

		if (!fn) {
			snprintf(err, errlen, "%s has no %s", soname, syms[i].name);
			memset(api, 0, size);
			dlclose(lib);
			return -ENOENT;
		}
		/* POSIX: what dlsym gives for a function is its address, with
		 * a function pointer's representation */
		memcpy((char *)api + syms[i].offset, &fn, sizeof(fn));
	}
	/* RTLD_NODELETE keeps it loaded: this drops only our reference */
	dlclose(lib);
	return 0;
}

int kmod_api_open(struct kmod_api *api, char *err, size_t errlen)
{
	return api_open(api, sizeof(*api), LIBKMOD_SONAME, kmod_symbols, ARRAY_SIZE(kmod_symbols), err,
			errlen);
}

int daxctl_api_open(struct daxctl_api *api, char *err, size_t errlen)
{
	return api_open(api, sizeof(*api), LIBDAXCTL_SONAME, daxctl_symbols, ARRAY_SIZE(daxctl_symbols), err,
			errlen);
}
