#!/bin/bash
# fsdev_dax on Debian 12's 6.1 and 6.12: never auto-binds whatever the load
# order (each device goes where the kernel sends it: device_dax on 6.1, kmem
# for hmem on 6.12), binds through new_id + bind, unbinds cleanly,
# device_dax takes the device back with its data intact, the fs-dax
# properties hold inside the kernel (also across two ranges), a claimed
# device cannot be unbound and a torn-down one tells its holder, every probe
# error path leaves nothing behind, a file opened under fsdev_dax may outlive
# the binding, and the kernel never warns.
# Devices: dax0.0, dax1.0, dax2.0 (hmem, 512 MiB each, regions 0-2).
. ./lib.sh
test_ko=$kmods/tests/fsdev_dax_test.ko
fault_ko=$kmods/tests/fsdev_dax_fault.ko
echo "# kernel $(uname -r): hmem devices go to $hmem_default"
# print the fsdev_dax_test lines of the kernel log since the last call
klog_mark=0
test_log() {
	dmesg | grep 'fsdev_dax_test:' | tail -n +$((klog_mark + 1)) | sed 's/^/# /'
	klog_mark=$(dmesg | grep -c 'fsdev_dax_test:')
}
hmem_of() { basename "$(readlink -f "/sys/bus/dax/devices/$1/..")"; }
# the kernel alone: whatever scenario ran before in this boot, no hold, no
# policy, every device where the kernel puts it
systemctl stop dax-policy 2>/dev/null
dax-policy release
rm -f /etc/dax-policy.conf /etc/dax-policy.d/*.conf

is "fsdev_dax is not loaded at boot (no alias pulls it in)" "$(lsmod | grep -c '^fsdev_dax ')" 0
is "fsdev_dax has no module alias" "$(modinfo -F alias fsdev_dax)" ""
check "fsdev_dax is installed where modprobe finds it" modprobe -n fsdev_dax
for d in dax0.0 dax1.0 dax2.0; do
	move $d ""
	echo $d > /sys/bus/dax/drivers_probe
	is "$d is where the kernel sends it" "$(driver_of $d)" "$hmem_default"
done

# --- load order 1: the kernel's drivers (loaded at boot), then fsdev_dax ---
modprobe fsdev_dax
for d in dax0.0 dax1.0 dax2.0; do
	move $d ""
	echo $d > /sys/bus/dax/drivers_probe
	is "fsdev_dax loaded last: re-probed $d goes to $hmem_default" "$(driver_of $d)" "$hmem_default"
done

# --- load order 2: fsdev_dax first, then the kernel's drivers ---
for d in dax0.0 dax1.0 dax2.0; do move $d ""; done
rmmod fsdev_dax kmem device_dax
modprobe fsdev_dax
modprobe device_dax
modprobe kmem
echo "# bus drivers after reload: $(ls /sys/bus/dax/drivers | tr '\n' ' ')"
for d in dax0.0 dax1.0 dax2.0; do
	is "fsdev_dax first: $d taken by $hmem_default on its load" "$(driver_of $d)" "$hmem_default"
	move $d ""
	echo $d > /sys/bus/dax/drivers_probe
	is "fsdev_dax first: re-probed $d goes to $hmem_default" "$(driver_of $d)" "$hmem_default"
done

# --- new devices on a dynamic region, and a device of two ranges ---
# dax0.0 shrinks to 128M; dax0.1 and dax0.2 take 128M each after it; dax0.1
# then grows into the free space behind dax0.2: two ranges, not adjacent
region=$(readlink -f /sys/bus/dax/devices/dax0.0/..)/dax_region
move dax0.0 ""
echo $((128 << 20)) > /sys/bus/dax/devices/dax0.0/size
echo dax0.0 > /sys/bus/dax/drivers_probe
for n in 1 2; do
	echo 1 > "$region/create"
	new=$(cat "$region/seed")
	echo $((128 << 20)) > /sys/bus/dax/devices/$new/size
	echo $new > /sys/bus/dax/drivers_probe
	is "a new device ($new) goes to $hmem_default with fsdev_dax loaded" "$(driver_of $new)" "$hmem_default"
done
move dax0.1 ""
echo $((256 << 20)) > /sys/bus/dax/devices/dax0.1/size
is "dax0.1 has two ranges" "$(ls -d /sys/bus/dax/devices/dax0.1/mapping[0-9]* | wc -l)" 2
start_in_devdax dax0.0 dax0.1 dax0.2 dax1.0 dax2.0

# --- bind on request; data survives devdax -> fsdev -> devdax ---
check "write a pattern through devdax mmap" "$daxmap" write /dev/dax2.0 0x5eed
move dax2.0 fsdev_dax
is "new_id + bind: dax2.0 in fsdev_dax" "$(driver_of dax2.0)" fsdev_dax
echo dax2.0 > /sys/bus/dax/drivers/fsdev_dax/bind 2>/dev/null
is "bind without new_id is refused" "$?" 1
is "/dev/dax2.0 opens but mmap fails with ENODEV" "$("$daxmap" mmap-errno /dev/dax2.0)" ENODEV
test_log >/dev/null
insmod "$test_ko" dev=dax2.0; rc=$?
test_log
is "in-kernel checks of fsdev_dax pass (fsdev_dax_test.ko, dax2.0)" "$rc" 0
rmmod fsdev_dax_test 2>/dev/null
move dax2.0 ""
is "unbind: dax2.0 has no driver" "$(driver_of dax2.0)" ""
move dax2.0 device_dax
is "device_dax takes dax2.0 back" "$(driver_of dax2.0)" device_dax
check "devdax mmap works again" "$daxmap" write /dev/dax2.0 0x77

check "write a pattern on dax1.0" "$daxmap" write /dev/dax1.0 0xfeed
move dax1.0 fsdev_dax
is "dax1.0 in fsdev_dax" "$(driver_of dax1.0)" fsdev_dax
move dax1.0 device_dax
check "the pattern survived devdax -> fsdev -> devdax" "$daxmap" verify /dev/dax1.0 0xfeed

# --- two ranges: direct_access across the boundary, checked from devdax ---
move dax0.1 fsdev_dax
insmod "$test_ko" dev=dax0.1; rc=$?
test_log
is "in-kernel checks pass on dax0.1, two ranges" "$rc" 0
rmmod fsdev_dax_test 2>/dev/null
# fill 4 MiB around the boundary (128M into the device) through fs-dax
insmod "$test_ko" dev=dax0.1 mode=write offset=$(((128 - 2) << 20)) len=$((4 << 20)) seed=0xb0de; rc=$?
rmmod fsdev_dax_test 2>/dev/null
is "pattern written across the boundary through direct_access" "$rc" 0
move dax0.1 device_dax
check "device_dax reads that pattern at the same offsets" \
	"$daxmap" verify /dev/dax0.1 0xb0de $(((128 - 2) << 20)) $((4 << 20))

# --- a device still open from device_dax is not taken ---
exec 3< /dev/dax1.0
move dax1.0 fsdev_dax 2>/dev/null
is "dax1.0 open from device_dax: fsdev_dax refuses it" "$(driver_of dax1.0)" ""
check "the kernel log says why" sh -c "dmesg | grep -q 'dax1.0 is still open from its previous driver'"
exec 3<&-
echo dax1.0 > /sys/bus/dax/drivers/fsdev_dax/new_id
[ "$(driver_of dax1.0)" = fsdev_dax ] || echo dax1.0 > /sys/bus/dax/drivers/fsdev_dax/bind
is "closed: fsdev_dax takes dax1.0" "$(driver_of dax1.0)" fsdev_dax
move dax1.0 device_dax

# --- a claimed device: unbind refused, dax-policy reports busy ---
move dax2.0 fsdev_dax
insmod "$test_ko" dev=dax2.0 mode=hold; rc=$?
is "a holder claims dax2.0" "$rc" 0
echo dax2.0 > /sys/bus/dax/drivers/fsdev_dax/unbind 2> /tmp/unbind.err
is "unbind of a claimed device fails" "$?" 1
check "... with EBUSY" grep -q 'busy' /tmp/unbind.err
is "dax2.0 stays in fsdev_dax" "$(driver_of dax2.0)" fsdev_dax
check "fsdev_dax cannot be unloaded while claimed" sh -c '! rmmod fsdev_dax 2>/dev/null'
write_config <<'CONF'
[rule back]
device = dax2.0
mode = devdax
CONF
dax-policy apply > /tmp/apply.out 2>&1; rc=$?
sed 's/^/# /' /tmp/apply.out
is "dax-policy apply on the claimed device exits 3" "$rc" 3
check "dax-policy reports it busy" grep -q 'dax2.0: busy' /tmp/apply.out
is "dax2.0 still in fsdev_dax" "$(driver_of dax2.0)" fsdev_dax
rmmod fsdev_dax_test
check "the hold ended without a removal notice" sh -c "dmesg | grep -q 'dax2.0: hold ends: notified 0 time'"
dax-policy apply >/dev/null; rc=$?
is "released: dax-policy moves dax2.0 to devdax" "$(driver_of dax2.0)/$rc" device_dax/0
rm -f /etc/dax-policy.conf

# --- a claimed device torn down anyway: the holder is told, nothing freed ---
move dax2.0 fsdev_dax
insmod "$test_ko" dev=dax2.0 mode=hold
hmem=$(hmem_of dax2.0)
echo "$hmem" > /sys/bus/platform/drivers/hmem/unbind
check "region $hmem torn down: dax2.0 is gone" test ! -e /sys/bus/dax/devices/dax2.0
check "the kernel log names the removal" sh -c "dmesg | grep -q 'dax2.0: removed while claimed'"
rmmod fsdev_dax_test
if [ "$series" = 6.1 ]; then flags=0x0; else flags=0x80; fi
check "the holder was told once (flags $flags) and access fails with ENXIO" \
	sh -c "dmesg | grep -q 'dax2.0: hold ends: notified 1 time(s), flags $flags, direct_access -6'"
echo "$hmem" > /sys/bus/platform/drivers/hmem/bind
is "region $hmem back: dax2.0 where the kernel sends it" "$(driver_of dax2.0)" "$hmem_default"
start_in_devdax dax2.0

# --- every probe error path: nothing left behind, no warning ---
# (on dax0.2, 128M: four times cheaper to map than the others, under TCG)
check "a pattern on dax0.2" "$daxmap" write /dev/dax0.2 0xfeed
insmod "$fault_ko"
for step in 1 2 3 4 5 6; do
	echo $step > /sys/module/fsdev_dax_fault/parameters/fail_at
	move dax0.2 fsdev_dax_fault 2>/dev/null
	is "probe failing at step $step: dax0.2 unbound" "$(driver_of dax0.2)" ""
	move dax0.2 device_dax
	is "... and device_dax takes it again" "$(driver_of dax0.2)" device_dax
done
echo 0 > /sys/module/fsdev_dax_fault/parameters/fail_at
move dax0.2 fsdev_dax_fault
is "the same build binds once no step fails" "$(driver_of dax0.2)" fsdev_dax_fault
move dax0.2 device_dax
rmmod fsdev_dax_fault
check "data intact after the failed probes" "$daxmap" verify /dev/dax0.2 0xfeed

# --- 50 cycles, the last 10 with opens racing every unbind ---
cycles=0
for i in $(seq 1 50); do
	if [ $i = 41 ]; then
		"$daxmap" open-loop /dev/dax0.2 3600 > /tmp/opens.txt &
		opener=$!
	fi
	# (a bind refused while an open from device_dax is in flight is tried again)
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		move dax0.2 fsdev_dax 2>/dev/null
		[ "$(driver_of dax0.2)" = fsdev_dax ] && break
		move dax0.2 ""
	done
	[ "$(driver_of dax0.2)" = fsdev_dax ] || break
	move dax0.2 device_dax
	[ "$(driver_of dax0.2)" = device_dax ] || break
	cycles=$i
done
kill $opener; wait $opener 2>/dev/null
echo "# racing opener: $(cat /tmp/opens.txt)"
is "50 cycles devdax -> fsdev -> devdax, opens racing" "$cycles" 50
check "data intact after 50 cycles" "$daxmap" verify /dev/dax0.2 0xfeed

# --- a file opened under fsdev_dax stays open while device_dax takes the
# device back (device_dax's probe re-initialises the bus's cdev in place) ---
move dax0.2 fsdev_dax
exec 3</dev/dax0.2
check "fsdev_dax cannot be unloaded while its file is open" sh -c '! rmmod fsdev_dax 2>/dev/null'
move dax0.2 device_dax
is "device_dax takes dax0.2 back, the fsdev file still open" "$(driver_of dax0.2)" device_dax
exec 3<&-
check "once that file is closed, /dev/dax0.2 opens under device_dax" sh -c ': < /dev/dax0.2'
check "... maps, and the data is intact" "$daxmap" verify /dev/dax0.2 0xfeed
move dax0.2 ""
move dax0.2 device_dax
check "... and opens again after device_dax's own unbind and bind" sh -c ': < /dev/dax0.2'
is "no warning after the file outlived its binding" "$(kernel_trouble)" ""
move dax0.2 fsdev_dax
: < /dev/dax0.2
move dax0.2 ""
check "fsdev_dax unloads" rmmod fsdev_dax
insmod "$test_ko" dev=dax0.2 mode=aops; rc=$?
test_log
is "no pointer into the unloaded fsdev_dax is left on /dev/dax0.2" "$rc" 0
rmmod fsdev_dax_test 2>/dev/null
move dax0.2 device_dax
is "no warning, BUG or oops in the kernel log" "$(kernel_trouble)" ""

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
rm -f /etc/dax-policy.conf
is "still no warning in the kernel log" "$(kernel_trouble)" ""
# region 0 as the kernel made it, for the scenarios after this one
h0=$(hmem_of dax0.0)
for d in dax0.0 dax0.1 dax0.2; do move $d ""; done
echo "$h0" > /sys/bus/platform/drivers/hmem/unbind
echo "$h0" > /sys/bus/platform/drivers/hmem/bind
udevadm settle
finish
