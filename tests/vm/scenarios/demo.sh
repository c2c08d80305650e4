#!/bin/bash
# The README's demo, inside the VM: three soft-reserved ranges became dax0.0,
# dax1.0 and dax2.0 (all devdax, as the kernel makes them); the policy is
# the example /etc/dax-policy.conf (keeps everything) plus
# examples/demo.conf, installed as /etc/dax-policy.d/demo.conf once booted.
. ./lib.sh
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Boot done. Installing the demo policy next to the example /etc/dax-policy.conf"
install -m 644 ../../../examples/demo.conf /etc/dax-policy.d/demo.conf
cat /etc/dax-policy.d/demo.conf
say "The policy (dax-policy check)"
dax-policy check
say "Before: the kernel put every device in devdax (daxctl list)"
daxctl list -D | jq -c '.[] | {chardev, size, target_node, mode}'
say "Before: dax-policy status (exit 4: not in policy)"
dax-policy status
say "systemctl start dax-policy"
systemctl start dax-policy; rc=$?
say "The service's journal"
journalctl -b -o cat --no-pager -u dax-policy.service
say "After: daxctl list"
daxctl list -D | jq -c '.[] | {chardev, size, target_node, mode}'
say "After: the drivers in sysfs"
for d in dax0.0 dax1.0 dax2.0; do echo "$d -> $(driver_of $d)   memory: $(memory_state $d)"; done
say "After: dax-policy status"
dax-policy status; st=$?
say "Hot-add: a fourth device appears; nobody runs dax-policy by hand"
echo "(shrinking dax0.0 and creating dax0.1 on its region, then waiting for udev)"
systemctl stop dax-policy
echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
echo $((256 << 20)) > /sys/bus/dax/devices/dax0.0/size
echo dax0.0 > /sys/bus/dax/drivers_probe
echo 1 > /sys/devices/platform/hmem.0/dax_region/create
new=$(cat /sys/devices/platform/hmem.0/dax_region/seed)
echo $((256 << 20)) > /sys/bus/dax/devices/$new/size
echo $new > /sys/bus/dax/drivers_probe
for i in $(seq 1 50); do [ "$(driver_of $new)" = kmem ] && break; sleep 0.2; done
journalctl -b -o cat --no-pager -u "dax-policy@$new.service" | grep -v -e '^Starting' -e '^Finished' -e Deactivated
dax-policy status "$new"
is "demo: start succeeded" "$rc" 0
is "demo: status in policy" "$st" 0
is "demo: the hot-added $new became system-ram" "$(driver_of $new)" kmem
finish
