// SPDX-License-Identifier: GPL-2.0
/*
 * Test only: fsdev_dax built to auto-match dax devices, as the early
 * upstream fsdev_dax did. On 6.12 it takes device_dax's driver type, as
 * that version did through DAXDRV_FSDEV_TYPE; on 6.1 the closest the bus
 * offers is match_always. Either way, whichever of this module and
 * device_dax registers first owns new devices: the load-order failure that
 * broke ndctl's device-dax test. tests/vm/scenarios/kernel-seed.sh shows it
 * happening with this module and not with the real one.
 */
#define FSDEV_DAX_AUTOMATCH 1
#include "../fsdev_dax.c"
