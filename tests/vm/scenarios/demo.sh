#!/bin/bash
# The README's demo, inside the VM: three soft-reserved ranges became dax0.0,
# dax1.0 and dax2.0 (where the kernel puts them: devdax on 6.1, system-ram
# on 6.12); the policy is
# the example /etc/dax-policy.conf (keeps everything) plus
# examples/demo.conf, installed as /etc/dax-policy.d/demo.conf once booted.
. ./lib.sh
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "Boot done. Installing the demo policy next to the example /etc/dax-policy.conf"
install -m 644 ../../../examples/demo.conf /etc/dax-policy.d/demo.conf
cat /etc/dax-policy.d/demo.conf
say "The policy (dax-policy check)"
dax-policy check
say "Before: where the kernel put every device (daxctl list)"
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
echo "(shrinking dax0.0 to make room, then daxctl create-device -r 0 -s 256M)"
echo dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
echo $((256 << 20)) > /sys/bus/dax/devices/dax0.0/size
echo dax0.0 > /sys/bus/dax/drivers/device_dax/bind
daxctl create-device -r 0 -s 256M > /tmp/create.json
new=$(jq -r '.[0].chardev // .chardev' /tmp/create.json)
wait_driver "$new" kmem 15
journalctl -b -o cat --no-pager -u "dax-policy@$new.service" | grep -v -e '^Starting' -e '^Finished' -e Deactivated
dax-policy status "$new"
is "demo: start succeeded" "$rc" 0
is "demo: status in policy" "$st" 0
is "demo: the hot-added $new became system-ram" "$(driver_of $new)" kmem
finish
