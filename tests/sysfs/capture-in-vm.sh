#!/bin/bash
# Scenario that made the fixtures under tests/sysfs/ (run with
# tests/sysfs/recapture BUILD_DIR): Debian 12's kernel in the test VM, three
# soft-reserved ranges (dax0.0 .. dax2.0 on dax_hmem) and one emulated NVDIMM
# (a pmem namespace in devdax mode), each device put in a different state.
set -eux
out=/daxtest/fixtures
here=$(pwd)
# pmem: label the DIMM, make a devdax namespace
ndctl disable-region all
ndctl init-labels -f all
ndctl enable-region all
modprobe dax_pmem
ndctl create-namespace -m devdax -s 256M || { ndctl list -RNDu; exit 1; }
udevadm settle
daxctl list -iDRM
python3 "$here/capture-sysfs.py" "$out/devdax"
# hmem states: dax1.0 system-ram (movable), dax2.0 unbound
daxctl reconfigure-device -m system-ram --no-online dax1.0 || true
daxctl online-memory --no-movable dax1.0 || daxctl online-memory dax1.0 || true
daxctl disable-device dax2.0
daxctl list -iDRM
python3 "$here/capture-sysfs.py" "$out/mixed"
# fsdev: dax0.0 given to fsdev_dax (the module from the build tree)
insmod "$DAXTEST_BUILD/kernel/$(uname -r)/fsdev_dax.ko"
echo dax0.0 > /sys/bus/dax/drivers/device_dax/remove_id
echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
echo dax0.0 > /sys/bus/dax/drivers/fsdev_dax/new_id
python3 "$here/capture-sysfs.py" "$out/fsdev"
