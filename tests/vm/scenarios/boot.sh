#!/bin/bash
# Boot with dax-policy.service enabled and a policy naming all three modes
# (examples/demo.conf as /etc/dax-policy.d/demo.conf): every dax device is in
# its mode when multi-user.target is reached, the service ran before
# local-fs.target, and the per-device units found nothing left to do.
. ./lib.sh

mono() { systemctl show -P "$2" "$1"; }

is "dax0.0 booted into devdax" "$(driver_of dax0.0)" device_dax
is "dax1.0 booted into system-ram" "$(driver_of dax1.0)" kmem
is "dax1.0 memory online movable" "$(memory_state dax1.0)" "4/4 Movable"
is "dax2.0 booted into fsdev" "$(driver_of dax2.0)" fsdev_dax
is "dax-policy.service succeeded" "$(systemctl show -P Result dax-policy.service)" success
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

# hardening, measured the way systemd does
for u in dax-policy.service dax-policy@dax0.0.service; do
	exposure=$(systemd-analyze security --no-pager "$u" 2>/dev/null | sed -n 's/.*Overall exposure level for .*: \(.*\)/\1/p')
	echo "# systemd-analyze security $u: ${exposure:-n/a}"
done
systemd-analyze security --no-pager dax-policy.service | sed 's/^/#   /'
exp=$(systemd-analyze security --no-pager dax-policy.service | sed -n 's/.*: \([0-9.]*\) .*/\1/p' | tail -1)
check "dax-policy.service exposure below 5.0 (is $exp)" awk -v e="$exp" 'BEGIN { exit !(e < 5.0) }'
finish
