#!/bin/bash
# Boot with dax-policy.service masked and the demo policy installed: as if
# dax-policy were not there. Nothing holds the bus, no dax-policy@ unit runs,
# and every device gets what the kernel gives it (6.1: device_dax; 6.12:
# kmem, onlined by the kernel).
. ./lib.sh

is "dax-policy.service is masked" "$(systemctl is-enabled dax-policy.service 2>/dev/null)" masked
is "nothing holds the bus" "$(cat /sys/bus/dax/drivers_autoprobe)" 1
for d in dax0.0 dax1.0 dax2.0; do
	is "$d got the kernel's own choice" "$(driver_of $d)" "$hmem_default"
done
if [ "$hmem_default" = kmem ]; then
	is "dax1.0 memory onlined by the kernel itself" "$(memory_state dax1.0 | cut -d' ' -f1)" "4/4"
fi
check "no dax-policy@ unit ran" sh -c "! journalctl -b -o cat -u 'dax-policy@*' | grep -q 'dax-policy\\['"
dax-policy status > /tmp/status.txt; rc=$?
is "status still tells what the policy would want (exit 4)" "$rc" 4
finish
