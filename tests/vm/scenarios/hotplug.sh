#!/bin/bash
# Hotplug on idle dynamic regions (dax_hmem.region_idle=1): region 0
# (512 MiB) and region 1 (2 GiB) start empty; devices made with daxctl
# create-device reach their policy mode through udev and
# dax-policy@.service, with nobody running dax-policy by hand.
# Policy: /etc/dax-policy.d/hotplug.conf (region 0 system-ram, region 1 fsdev).
. ./lib.sh

is "region 0 starts empty" "$(cat /sys/bus/dax/devices/dax0.0/size)" 0
start=$(date +%s.%N)
daxctl create-device -r 0 -s 256M > /tmp/create.json; rc=$?
is "daxctl create-device -r 0 -s 256M" "$rc" 0
dev=$(jq -r '.[0].chardev // .chardev' /tmp/create.json)
echo "# created $dev"
check "$dev reaches system-ram by itself" wait_driver "$dev" kmem 15
end=$(date +%s.%N)
udevadm settle
echo "# $dev in system-ram $(echo "$start $end" | awk '{printf "%.1f", $2 - $1}')s after create-device"
is "$dev memory online movable" "$(memory_state "$dev")" "2/2 Movable"

# 32 devices back to back on region 1
for i in $(seq 1 32); do
	daxctl create-device -r 1 -s 64M >/dev/null 2>&1 || fail "create-device #$i"
done
devs=$(ls /sys/bus/dax/devices | grep '^dax1\.' )
n=0 good=0
for d in $devs; do
	[ "$(cat /sys/bus/dax/devices/$d/size)" = 0 ] && continue	# the region's seed
	n=$((n + 1))
	wait_driver "$d" fsdev_dax 30 && good=$((good + 1)) || echo "# $d: $(driver_of $d)"
done
is "32 devices created" "$n" 32
is "all 32 reached fsdev" "$good" 32
udevadm settle
failed=$(systemctl list-units --failed --plain --no-legend 'dax-policy@*' | wc -l)
is "no per-device unit failed" "$failed" 0
dax-policy status > /tmp/status.txt; rc=$?
is "status: everything in policy" "$rc" 0
check "no device half-done (all ok)" sh -c "! grep -E ' (drift|busy|error) ' /tmp/status.txt"
finish
