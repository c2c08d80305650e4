#!/bin/bash
# Boot with dax-policy.service enabled and a policy naming all three modes
# (examples/demo.conf as /etc/dax-policy.d/demo.conf), the kernel onlining
# hot-added memory as it does by default (6.12: online): every dax device is
# in its mode when multi-user.target is reached, the service ran before
# local-fs.target, the per-device units found nothing left to do, no memory
# block of a device the policy sends to devdax or fsdev was ever added (the
# policy decided before any driver bound), and dax3.0, which no rule
# matches, got exactly what the kernel gives it. The same for devices that
# appear later.
. ./lib.sh

mono() { systemctl show -P "$2" "$1"; }

is "dax0.0 booted into devdax" "$(driver_of dax0.0)" device_dax
is "dax1.0 booted into system-ram" "$(driver_of dax1.0)" kmem
is "dax1.0 memory online movable" "$(memory_state dax1.0)" "4/4 Movable"
is "dax2.0 booted into fsdev" "$(driver_of dax2.0)" fsdev_dax
is "dax-policy.service succeeded" "$(systemctl show -P Result dax-policy.service)" success
echo "# kernel $(uname -r), auto_online_blocks=$(cat /sys/devices/system/memory/auto_online_blocks)"
is "dax0.0 (devdax): none of its memory blocks was ever added" "$(blocks_added dax0.0)" ""
is "dax2.0 (fsdev): none of its memory blocks was ever added" "$(blocks_added dax2.0)" ""
is "the bus holds new devices for the policy" "$(cat /sys/bus/dax/drivers_autoprobe)" 0
is "dax3.0 (no rule: keep) got the kernel's own choice" "$(driver_of dax3.0)" "$hmem_default"
if [ "$hmem_default" = kmem ]; then
	# what the kernel's onlining does with it, as without dax-policy
	is "dax3.0 memory onlined by the kernel itself" "$(memory_state dax3.0 | cut -d' ' -f1)" "1/1"
fi
is "dax-policy.service is active (exited)" "$(systemctl is-active dax-policy.service)" active

done_at=$(mono dax-policy.service ExecMainExitTimestampMonotonic)
localfs_at=$(mono local-fs.target ActiveEnterTimestampMonotonic)
multi_at=$(mono multi-user.target ActiveEnterTimestampMonotonic)
echo "# dax-policy.service done at ${done_at}us, local-fs.target at ${localfs_at}us, multi-user.target at ${multi_at}us"
systemctl status --no-pager local-fs.target | sed 's/^/#   /'
check "dax-policy.service finished before local-fs.target" test "$done_at" -gt 0 -a "$done_at" -lt "$localfs_at"

# per-device units are collected once they succeed: read them from the journal
journalctl -b -o short-monotonic --no-pager -u 'dax-policy@*' > /tmp/units.log
units=$(sed -n 's/.*Finished \(dax-policy@[^ ]*\.service\).*/\1/p' /tmp/units.log | sort -u)
for d in dax0.0 dax1.0 dax2.0; do
	check "udev started dax-policy@$d.service and it succeeded" grep -qx "dax-policy@$d.service" <<< "$units"
done
check "no per-device unit failed" sh -c "! grep -q 'Failed to start dax-policy@' /tmp/units.log"
last=$(sed -n 's/^\[ *\([0-9.]*\)\].*Finished dax-policy@.*/\1/p' /tmp/units.log | sort -n | tail -1)
echo "# last per-device unit finished at ${last}s"
check "every per-device unit finished before multi-user.target" \
	awk -v l="$last" -v m="$multi_at" 'BEGIN { exit !(l * 1000000 < m) }'
grep -E 'dax-policy\[[0-9]+\]' /tmp/units.log | sed 's/^/#   /'
echo "# journal of dax-policy.service:"
journalctl -b -o cat -u dax-policy.service | sed 's/^/#   /'

dax-policy status; is "status after boot exits 0" "$?" 0

# --- devices that appear later (here: their region torn down and back) ---
hmem_of() { basename "$(readlink -f "/sys/bus/dax/devices/$1/..")"; }
h0=$(hmem_of dax0.0) h2=$(hmem_of dax2.0)
for h in $h0 $h2; do echo "$h" > /sys/bus/platform/drivers/hmem/unbind; done
for h in $h0 $h2; do echo "$h" > /sys/bus/platform/drivers/hmem/bind; done
check "a new dax0.0 reaches devdax by itself" wait_driver dax0.0 device_dax 30
check "a new dax2.0 reaches fsdev by itself" wait_driver dax2.0 fsdev_dax 30
udevadm settle
is "the new dax0.0's memory was never added either" "$(blocks_added dax0.0)" ""
is "the new dax2.0's memory was never added either" "$(blocks_added dax2.0)" ""
dax-policy status >/dev/null; is "status after the hot-add exits 0" "$?" 0

# hardening, measured the way systemd does
for u in dax-policy.service dax-policy@dax0.0.service; do
	exposure=$(systemd-analyze security --no-pager "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \(.*\)/\1/p')
	echo "# systemd-analyze security $u: ${exposure:-n/a}"
done
systemd-analyze security --no-pager dax-policy.service | sed 's/^/#   /'
exp=$(systemd-analyze security --no-pager dax-policy.service | sed -n 's/.*: \([0-9.]*\) .*/\1/p' | tail -1)
check "dax-policy.service exposure below 5.0 (is $exp)" awk -v e="$exp" 'BEGIN { exit !(e < 5.0) }'
finish
