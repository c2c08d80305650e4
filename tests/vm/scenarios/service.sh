#!/bin/bash
# systemctl start / reload / a broken config, on a system booted without the
# service enabled; coexistence with daxctl's udev rule and auto-onlining.
. ./lib.sh

is "dax-policy.service is not enabled in this boot" "$(systemctl is-enabled dax-policy.service)" disabled
is "nothing holds new devices" "$(cat /sys/bus/dax/drivers_autoprobe)" 1
start_in_devdax dax0.0 dax1.0 dax2.0
write_config <<'CONF'
[rule ram]
device = dax1.0
mode = system-ram
[rule off]
device = dax2.0
mode = none
CONF
check "systemctl start dax-policy" systemctl start dax-policy
is "start: dax1.0 in system-ram" "$(driver_of dax1.0)" kmem
is "start: dax1.0 memory movable" "$(memory_state dax1.0)" "4/4 Movable"
is "start: dax2.0 unbound" "$(driver_of dax2.0)" ""
# what the run did: in `systemctl status` (STATUS=, NotifyAccess=exec) and
# as journal entries with their fields
status=$(systemctl show -P StatusText dax-policy.service)
is "start: systemctl status shows the summary" "$status" "3 dax devices: 2 changed, 1 unchanged"
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=1064f718902d472a8a4badde234a7143 DAX_DEVICE=dax1.0 | tail -1)
is "start: dax1.0's change, an entry: priority notice, from, to, rule" \
	"$(jq -r '"\(.PRIORITY) \(.DAX_FROM) \(.DAX_TO) \(.DAX_RULE)"' <<< "$json")" "5 devdax system-ram ram"
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=61df52b114eb44fc811a83277c238e3f DAX_DEVICE=dax0.0 | tail -1)
is "start: dax0.0 left alone, priority info" "$(jq -r .PRIORITY <<< "$json")" 6
check "start: no entry of the run at warning or worse" \
	sh -c "! journalctl -b -o cat --no-pager -p warning -u dax-policy.service | grep -q ."

write_config <<'CONF'
[rule ram]
device = dax1.0
mode = devdax
[rule off]
device = dax2.0
mode = system-ram
online = normal
CONF
check "systemctl reload dax-policy" systemctl reload dax-policy
is "reload: dax1.0 back to devdax" "$(driver_of dax1.0)" device_dax
is "reload: dax2.0 in system-ram" "$(driver_of dax2.0)" kmem
is "reload: dax2.0 memory normal" "$(memory_state dax2.0)" "4/4 Normal"
is "reload: the status is the reload's" "$(systemctl show -P StatusText dax-policy.service)" \
	"3 dax devices: 2 changed, 1 unchanged"
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=1064f718902d472a8a4badde234a7143 DAX_DEVICE=dax2.0 | tail -1)
is "reload: dax2.0's change: from, to, rule" "$(jq -r '"\(.DAX_FROM) \(.DAX_TO) \(.DAX_RULE)"' <<< "$json")" \
	"unbound system-ram off"

before=$(for d in dax0.0 dax1.0 dax2.0; do driver_of $d; done | tr '\n' ' ')
write_config <<'CONF'
[rule ram]
device = dax1.0
mode = system-ram
online = sideways
CONF
systemctl restart dax-policy; rc=$?
check "restart with a broken config fails" test "$rc" != 0
is "the service is failed" "$(systemctl is-failed dax-policy)" failed
check "the journal shows FILE:LINE: message" \
	sh -c "journalctl -b -o cat -u dax-policy.service | grep -q \"/etc/dax-policy.conf:4: bad value for online: 'sideways'\""
json=$(journalctl -b -o json --no-pager -p err -u dax-policy.service CONFIG_LINE=4 | tail -1)
is "the broken line: an entry at priority err" "$(jq -r '"\(.PRIORITY) \(.CONFIG_FILE)"' <<< "$json")" "3 /etc/dax-policy.conf"
is "no device changed" "$(for d in dax0.0 dax1.0 dax2.0; do driver_of $d; done | tr '\n' ' ')" "$before"
is "the failed service ended the hold" "$(cat /sys/bus/dax/drivers_autoprobe)" 1
systemctl start dax-policy@dax1.0.service
check "the per-device unit does not run without the service" \
	sh -c "systemctl show -P ConditionResult dax-policy@dax1.0.service | grep -qx no"
is "still no device changed" "$(for d in dax0.0 dax1.0 dax2.0; do driver_of $d; done | tr '\n' ' ')" "$before"

# coexistence: daxctl's own rule is installed (Debian's daxctl package)
check "daxctl's udev rule is installed" test -f /lib/udev/rules.d/90-daxctl-device.rules
write_config <<'CONF'
[defaults]
mode = keep
CONF
out=$(dax-policy status 2>&1)
check "status warns about daxctl's udev rule" grep -q "90-daxctl-device.rules reconfigures dax devices" <<< "$out"
echo online > /sys/devices/system/memory/auto_online_blocks
out=$(dax-policy status 2>&1)
check "status warns about auto_online_blocks" grep -q "auto_online_blocks=online" <<< "$out"
echo offline > /sys/devices/system/memory/auto_online_blocks
finish
