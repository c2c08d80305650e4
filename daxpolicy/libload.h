/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * libkmod and libdaxctl, opened when a run first needs them (a module to
 * load, a change to verify) rather than linked: with libcrypto and the
 * rest they pull in, loading them cost every run, a run with nothing to do
 * too, more than reading its devices. Only the functions dax-policy calls
 * are looked up; a library or function missing is an error of the step
 * that needed it, never of the run.
 */
#ifndef DAXPOLICY_LIBLOAD_H
#define DAXPOLICY_LIBLOAD_H

#include <daxctl/libdaxctl.h>
#include <libkmod.h>
#include <stddef.h>

#define LIBKMOD_SONAME "libkmod.so.2"
#define LIBDAXCTL_SONAME "libdaxctl.so.1"

struct kmod_api {
	__typeof__(kmod_new) *new_ctx;
	__typeof__(kmod_unref) *unref;
	__typeof__(kmod_module_new_from_name) *module_new_from_name;
	__typeof__(kmod_module_new_from_lookup) *module_new_from_lookup;
	__typeof__(kmod_module_probe_insert_module) *module_probe_insert_module;
	__typeof__(kmod_module_get_module) *module_get_module;
	__typeof__(kmod_module_get_name) *module_get_name;
	__typeof__(kmod_module_unref) *module_unref;
	__typeof__(kmod_module_unref_list) *module_unref_list;
	__typeof__(kmod_list_next) *list_next;
};

struct daxctl_api {
	__typeof__(daxctl_new) *new_ctx;
	__typeof__(daxctl_unref) *unref;
	__typeof__(daxctl_set_log_fn) *set_log_fn;
	__typeof__(daxctl_set_log_priority) *set_log_priority;
	__typeof__(daxctl_region_get_first) *region_get_first;
	__typeof__(daxctl_region_get_next) *region_get_next;
	__typeof__(daxctl_dev_get_first) *dev_get_first;
	__typeof__(daxctl_dev_get_next) *dev_get_next;
	__typeof__(daxctl_dev_get_devname) *dev_get_devname;
	__typeof__(daxctl_dev_is_enabled) *dev_is_enabled;
	__typeof__(daxctl_dev_get_memory) *dev_get_memory;
};

/* Fill API from the library; 0, or -ENOENT with ERR saying what is missing.
 * The library stays loaded for the rest of the process. */
int kmod_api_open(struct kmod_api *api, char *err, size_t errlen);
int daxctl_api_open(struct daxctl_api *api, char *err, size_t errlen);

#endif
