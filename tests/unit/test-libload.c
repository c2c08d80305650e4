// SPDX-License-Identifier: GPL-2.0-or-later
/* libdaxctl and libkmod opened at first use (libload.c): a library that
 * lacks a function leaves nothing half filled in to be called later. Run
 * with LD_LIBRARY_PATH at a stub libdaxctl.so.1 without
 * daxctl_dev_get_memory (tests/unit/stub/). */
#include "daxctl_verify.h"
#include "libload.h"
#include "tap.h"

static void test_missing_function(void)
{
	struct daxctl_api api;
	char err[128] = "";

	memset(&api, 0xff, sizeof(api));	/* what was there before does not count */
	tap_is_int(daxctl_api_open(&api, err, sizeof(err)), -2 /* -ENOENT */,
		   "a libdaxctl without a function: -ENOENT");
	tap_is_str(err, "libdaxctl.so.1 has no daxctl_dev_get_memory", "  naming the function");
	tap_ok(!api.new_ctx && !api.unref && !api.dev_is_enabled && !api.dev_get_memory,
	       "  and no pointer filled in, not even those found before it");
}

static void test_verifier(void)
{
	struct daxctl_verifier v = { 0 };
	char why[128] = "";

	for (int i = 0; i < 2; i++) {
		why[0] = '\0';
		tap_ok(!daxctl_verify(&v, "dax0.0", MODE_SYSTEM_RAM, why, sizeof(why)),
		       i ? "asked again: still no" : "the verifier says no");
		tap_is_str(why, "libdaxctl.so.1 has no daxctl_dev_get_memory",
			   "  with the reason (the library, the function)");
	}
	daxctl_verifier_close(&v);
	tap_ok(true, "closing a verifier whose library never opened");
}

/* Loaded on the loader thread: what it found is what the first question
 * says; a verifier never asked is closed (its thread joined) all the same. */
static void test_prefetch(void)
{
	struct daxctl_verifier v = { 0 };
	char why[256] = "";

	daxctl_verifier_prefetch(&v);
	tap_ok(v.loading, "prefetch: the loader thread runs");
	tap_ok(!daxctl_verify(&v, "dax0.0", MODE_DEVDAX, why, sizeof(why)),
	       "  the first question waits for it: no");
	tap_is_str(why, "libdaxctl.so.1 has no daxctl_dev_get_memory",
		   "  with the reason the thread found");
	tap_ok(!v.loading, "  the thread is joined");
	why[0] = '\0';
	tap_ok(!daxctl_verify(&v, "dax0.0", MODE_DEVDAX, why, sizeof(why)), "  asked again: no");
	tap_is_str(why, "libdaxctl.so.1 has no daxctl_dev_get_memory", "  the same reason");
	daxctl_verifier_close(&v);

	v = (struct daxctl_verifier){ 0 };
	daxctl_verifier_prefetch(&v);
	daxctl_verifier_close(&v);
	tap_ok(!v.loading && !v.ctx, "prefetched, never asked: closed, the thread joined");
}

static void test_kmod(void)
{
	struct kmod_api k;
	char err[128] = "";

	tap_is_int(kmod_api_open(&k, err, sizeof(err)), 0, "the real libkmod opens");
	tap_ok(k.new_ctx && k.list_next && k.module_probe_insert_module,
	       "  with every function it is asked for");
}

int main(void)
{
	test_missing_function();
	test_verifier();
	test_prefetch();
	test_kmod();
	return tap_done();
}
