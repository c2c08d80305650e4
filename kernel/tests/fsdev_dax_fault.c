// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: fsdev_dax built to fail its probe with -ENOMEM at the step
 * given by fail_at= (1-6), so that every error path runs on a real kernel:
 * nothing may be left behind (the device binds to device_dax afterwards)
 * and the kernel must not warn (a dax_device put before it was killed).
 */
#define FSDEV_DAX_FAULT 1
#include "../fsdev_dax.c"
