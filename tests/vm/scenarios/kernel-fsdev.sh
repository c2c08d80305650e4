#!/bin/bash
# fsdev_dax on Debian 12's 6.1 kernel: never auto-binds whatever the load
# order, binds through new_id + bind, unbinds cleanly, device_dax takes the
# device back with its data intact, and the fs-dax properties hold inside
# the kernel. Devices: dax0.0, dax1.0, dax2.0 (hmem, 512 MiB each).
. ./lib.sh
daxmap=$DAXTEST_BUILD/tests/daxmap
kmods=$DAXTEST_BUILD/kernel
# kernel log lines that must never appear
# move DEV FROM TO: remove_id + unbind from FROM, then new_id + bind on TO
# (on 6.1 new_id already binds, and the bind then fails with EBUSY)
move() {
	echo "$1" > "/sys/bus/dax/drivers/$2/remove_id"
	echo "$1" > "/sys/bus/dax/drivers/$2/unbind"
	echo "$1" > "/sys/bus/dax/drivers/$3/new_id"
	echo "$1" > "/sys/bus/dax/drivers/$3/bind" 2>/dev/null || true
}
kernel_trouble() { dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection' || true; }

is "fsdev_dax is not loaded at boot (no alias pulls it in)" "$(lsmod | grep -c '^fsdev_dax ')" 0
is "fsdev_dax has no module alias" "$(modinfo -F alias fsdev_dax)" ""
check "fsdev_dax is installed where modprobe finds it" modprobe -n fsdev_dax

# --- load order 1: device_dax (loaded at boot), then fsdev_dax ---
modprobe fsdev_dax
for d in dax0.0 dax1.0 dax2.0; do
	echo $d > /sys/bus/dax/drivers/device_dax/unbind
	echo $d > /sys/bus/dax/drivers_probe
	is "device_dax first: re-probed $d goes to device_dax" "$(driver_of $d)" device_dax
done

# --- load order 2: fsdev_dax first, then device_dax ---
for d in dax0.0 dax1.0 dax2.0; do echo $d > /sys/bus/dax/drivers/device_dax/unbind; done
rmmod fsdev_dax device_dax
modprobe fsdev_dax
modprobe device_dax
drivers=$(ls /sys/bus/dax/drivers | tr '\n' ' ')
echo "# bus drivers after reload: $drivers"
for d in dax0.0 dax1.0 dax2.0; do
	is "fsdev_dax first: $d taken by device_dax on its load" "$(driver_of $d)" device_dax
	echo $d > /sys/bus/dax/drivers/device_dax/unbind
	echo $d > /sys/bus/dax/drivers_probe
	is "fsdev_dax first: re-probed $d goes to device_dax" "$(driver_of $d)" device_dax
done

# --- new devices on a dynamic region: shrink dax0.0, create dax0.1 ---
echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
echo $((256 << 20)) > /sys/bus/dax/devices/dax0.0/size
echo dax0.0 > /sys/bus/dax/drivers_probe
region=$(readlink -f /sys/bus/dax/devices/dax0.0/..)/dax_region
echo 1 > "$region/create"
new=$(cat "$region/seed")
echo "# created $new"
echo $((256 << 20)) > /sys/bus/dax/devices/$new/size
echo $new > /sys/bus/dax/drivers_probe
is "a new device ($new) goes to device_dax with fsdev_dax loaded first" "$(driver_of $new)" device_dax
is "dax0.0 (resized) back in device_dax" "$(driver_of dax0.0)" device_dax

# --- bind on request; data survives devdax -> fsdev -> devdax ---
check "write a pattern through devdax mmap" "$daxmap" write /dev/dax2.0 0x5eed
move dax2.0 device_dax fsdev_dax
is "new_id + bind: dax2.0 in fsdev_dax" "$(driver_of dax2.0)" fsdev_dax
is "/dev/dax2.0 opens but mmap fails with ENODEV" "$("$daxmap" mmap-errno /dev/dax2.0)" ENODEV
insmod "$kmods/fsdev_dax_test.ko" dev=dax2.0; rc=$?
dmesg | grep 'fsdev_dax_test:' | sed 's/^/# /'
is "in-kernel checks of fsdev_dax pass (fsdev_dax_test.ko)" "$rc" 0
rmmod fsdev_dax_test 2>/dev/null
echo dax2.0 > /sys/bus/dax/drivers/fsdev_dax/remove_id
echo dax2.0 > /sys/bus/dax/drivers/fsdev_dax/unbind
is "unbind: dax2.0 has no driver" "$(driver_of dax2.0)" ""
echo dax2.0 > /sys/bus/dax/drivers/device_dax/new_id
is "device_dax takes dax2.0 back" "$(driver_of dax2.0)" device_dax
# the test module zeroed page 0 and wrote page 1 of dax2.0: check dax1.0 instead for data
check "devdax mmap works again" "$daxmap" write /dev/dax2.0 0x77

check "write a pattern on dax1.0" "$daxmap" write /dev/dax1.0 0xfeed
move dax1.0 device_dax fsdev_dax
is "dax1.0 in fsdev_dax" "$(driver_of dax1.0)" fsdev_dax
move dax1.0 fsdev_dax device_dax
check "the pattern survived devdax -> fsdev -> devdax" "$daxmap" verify /dev/dax1.0 0xfeed

# --- 50 cycles ---
cycles=0
for i in $(seq 1 50); do
	move dax1.0 device_dax fsdev_dax
	[ "$(driver_of dax1.0)" = fsdev_dax ] || break
	move dax1.0 fsdev_dax device_dax
	[ "$(driver_of dax1.0)" = device_dax ] || break
	cycles=$i
done
is "50 cycles devdax -> fsdev -> devdax" "$cycles" 50
check "data intact after 50 cycles" "$daxmap" verify /dev/dax1.0 0xfeed
is "no warning, BUG or oops in the kernel log" "$(kernel_trouble)" ""
check "fsdev_dax unloads" rmmod fsdev_dax

# --- dax-policy mode = fsdev, end to end (libkmod loads the module) ---
write_config <<'CONF'
[rule famfs]
device = dax2.0
mode = famfs
CONF
dax-policy apply; is "dax-policy apply (mode famfs) exits 0" "$?" 0
is "dax-policy bound dax2.0 to fsdev_dax" "$(driver_of dax2.0)" fsdev_dax
check "dax-policy loaded fsdev_dax" test -d /sys/module/fsdev_dax
is "status --json shows fsdev" "$(dax-policy status --json dax2.0 | jq -r '.devices[0].mode')" fsdev
write_config <<'CONF'
[rule famfs]
device = dax2.0
mode = devdax
CONF
dax-policy apply; is "dax-policy apply fsdev -> devdax exits 0" "$?" 0
is "dax2.0 back in device_dax" "$(driver_of dax2.0)" device_dax
is "still no warning in the kernel log" "$(kernel_trouble)" ""
finish
