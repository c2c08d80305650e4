// SPDX-License-Identifier: GPL-2.0-or-later
/* A libdaxctl.so.1 that lacks daxctl_dev_get_memory, as an older or broken
 * one might: test-libload opens it instead of the real one
 * (LD_LIBRARY_PATH). Only the names matter: nothing here is called except
 * daxctl_new, which fails. */
#define STUB(name) int name(void); int name(void) { return -12; }

STUB(daxctl_new)
STUB(daxctl_unref)
STUB(daxctl_set_log_fn)
STUB(daxctl_set_log_priority)
STUB(daxctl_region_get_first)
STUB(daxctl_region_get_next)
STUB(daxctl_dev_get_first)
STUB(daxctl_dev_get_next)
STUB(daxctl_dev_get_devname)
STUB(daxctl_dev_is_enabled)
