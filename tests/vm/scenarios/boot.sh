#!/bin/bash
# Boot with dax-policy.service enabled and a policy naming all three modes
# (examples/demo.conf as /etc/dax-policy.d/demo.conf), the kernel onlining
# hot-added memory as it does by default (6.12: online): every dax device is
# in its mode when multi-user.target is reached, the service ran before
# local-fs.target without systemd-udev-settle (it loads the region drivers
# itself), the per-device units found nothing left to do, no memory
# block of a device the policy sends to devdax or fsdev was ever added (the
# policy decided before any driver bound), and dax3.0, which no rule
# matches, got exactly what the kernel gives it. The same for devices that
# appear later, and a unit that requires dax-policy@DEVICE.service (as a
# famfs mount would) waits for the device to appear and be put in its mode.
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
# no waiting for all of udev: the boot run loads the region drivers itself
is "systemd-udev-settle.service never ran" "$(systemctl show -P ActiveEnterTimestampMonotonic systemd-udev-settle.service)" 0
check "  and nothing asked for it" sh -c "! journalctl -b -o cat --no-pager | grep -q 'systemd-udev-settle.service is deprecated'"
journalctl -b -o cat --no-pager -u dax-policy.service > /tmp/boot-unit.log
for d in dax0.0 dax1.0 dax2.0 dax3.0; do
	check "the boot run itself decided $d" grep -q "^$d: " /tmp/boot-unit.log
done

# per-device units are collected once they succeed: read them from the journal
journalctl -b -o short-monotonic --no-pager -u 'dax-policy@*' > /tmp/units.log
units=$(sed -n 's/.*Finished \(dax-policy@[^ ]*\.service\).*/\1/p' /tmp/units.log | sort -u)
for d in dax0.0 dax1.0 dax2.0; do
	check "udev started dax-policy@$d.service and it succeeded" grep -qx "dax-policy@$d.service" <<< "$units"
done
check "no per-device unit failed" sh -c "! grep -q 'Failed to start dax-policy@' /tmp/units.log"
last=$(sed -n 's/^\[ *\([0-9.]*\)\].*Finished dax-policy@.*/\1/p' /tmp/units.log | sort -n | tail -1)
echo "# last per-device unit finished at ${last}s"
# They run when udev gets to each device's event, which, without waiting
# for udev to settle, can be after multi-user.target (in this VM, coldplug
# takes most of a minute): the devices were in their modes before that,
# from the boot run, and these units had nothing left to do.
check "the per-device units found every device in its mode (nothing left to change)" \
	sh -c "! grep -E 'dax-policy\[[0-9]+\]: dax[0-9.]+: ' /tmp/units.log | grep -v ': ok: [a-z-]*, in its policy mode\$'"
grep -E 'dax-policy\[[0-9]+\]' /tmp/units.log | sed 's/^/#   /'
echo "# journal of dax-policy.service:"
journalctl -b -o cat -u dax-policy.service | sed 's/^/#   /'

dax-policy status; is "status after boot exits 0" "$?" 0

# --- devices that appear later (here: their region torn down and back) ---
hmem_of() { basename "$(readlink -f "/sys/bus/dax/devices/$1/..")"; }
h0=$(hmem_of dax0.0) h2=$(hmem_of dax2.0)
for h in $h0 $h2; do echo "$h" > /sys/bus/platform/drivers/hmem/unbind; done
# what a famfs mount with x-systemd.requires=dax-policy@dax2.0.service does,
# started while dax2.0 is not there: it waits for the device, then for
# the policy's unit, and finds the device in fsdev
mkdir -p /run/systemd/system
cat > /run/systemd/system/daxtest-famfs-standin.service <<'EOF'
[Unit]
Requires=dax-policy@dax2.0.service
After=dax-policy@dax2.0.service
[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'basename "$(readlink /sys/bus/dax/devices/dax2.0/driver)" > /run/daxtest-standin'
EOF
systemctl daemon-reload
rm -f /run/daxtest-standin
systemctl start --no-block daxtest-famfs-standin.service
sleep 2
is "  the stand-in's start waits while dax2.0 is not there" \
	"$(systemctl list-jobs --no-legend daxtest-famfs-standin.service | awk '{print $3, $4}') $(cat /run/daxtest-standin 2>/dev/null)" "start waiting "
is "  dax-policy@dax2.0 waits for sys-bus-dax-devices-dax2.0.device" \
	"$(systemctl show -P ActiveState dax-policy@dax2.0.service) $(systemctl list-jobs --no-legend 'sys-bus-dax-devices-dax2.0.device' | awk '{print $3}')" "inactive start"
for h in $h0 $h2; do echo "$h" > /sys/bus/platform/drivers/hmem/bind; done
check "a new dax0.0 reaches devdax by itself" wait_driver dax0.0 device_dax 30
check "a new dax2.0 reaches fsdev by itself" wait_driver dax2.0 fsdev_dax 30
for i in $(seq 30); do [ -s /run/daxtest-standin ] && break; sleep 1; done
is "  the stand-in ran once dax2.0 was in fsdev" "$(cat /run/daxtest-standin 2>/dev/null)" fsdev_dax
is "  and succeeded" "$(systemctl is-active daxtest-famfs-standin.service)" active
# the device unit stays through the device's bind and unbind events (each
# event must tag it again, or systemd takes the device for gone), so the
# policy's unit of a device that changed driver starts at once
for d in dax0.0 dax2.0; do
	is "  sys-bus-dax-devices-$d.device active after its driver changed" \
		"$(systemctl is-active sys-bus-dax-devices-$d.device)" active
	check "  systemctl start dax-policy@$d.service returns at once" timeout 20 systemctl start "dax-policy@$d.service"
done
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
