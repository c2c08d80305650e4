#!/bin/bash
# Boot with dax-policy enabled and a broken drop-in (online = sideways) next
# to the demo policy: nothing of the policy is applied, the boot unit fails
# loudly, and every device, kept waiting by the hold until then, gets what
# the kernel would give it without dax-policy (6.1: device_dax; 6.12: kmem,
# onlined by the kernel): none is left unusable. Fixing the configuration
# and restarting the service puts the policy in charge again.
. ./lib.sh

is "dax-policy.service failed" "$(systemctl is-failed dax-policy.service)" failed
journalctl -b -o cat --no-pager -u dax-policy.service > /tmp/svc.log
sed 's/^/#   /' /tmp/svc.log
check "the journal names the broken line" grep -q "broken.conf:6: bad value for online: 'sideways'" /tmp/svc.log
for d in dax0.0 dax1.0 dax2.0; do
	is "$d got the kernel's own choice" "$(driver_of $d)" "$hmem_default"
	check "the journal says so for $d" grep -q "$d: no policy decision; the kernel's own choice" /tmp/svc.log
done
if [ "$hmem_default" = kmem ]; then
	is "dax1.0 memory onlined by the kernel itself" "$(memory_state dax1.0 | cut -d' ' -f1)" "4/4"
fi
is "the hold ended: the kernel binds new devices again" "$(cat /sys/bus/dax/drivers_autoprobe)" 1
# the failure is found by priority alone (the journal entries' own, not the
# stream's one priority for every line)
journalctl -b -o cat --no-pager -p warning -u 'dax-policy*' > /tmp/warn.log
sed 's/^/#   warning or worse: /' /tmp/warn.log
check "journalctl -p warning: the broken line" grep -q "broken.conf:6: bad value for online: 'sideways'" /tmp/warn.log
check "  that nothing was applied" grep -q "configuration has 1 error; nothing applied" /tmp/warn.log
check "  each device the kernel got" grep -q "dax1.0: no policy decision; the kernel's own choice" /tmp/warn.log
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=b500d7f4254448d0bfc26d5d43e213c1 | head -1)
is "the config error's entry: priority err" "$(jq -r .PRIORITY <<< "$json")" 3
json=$(journalctl -b -o json --no-pager -u dax-policy.service CONFIG_LINE=6 | head -1)
is "  the broken line's entry: priority err, its file" "$(jq -r '"\(.PRIORITY) \(.CONFIG_FILE)"' <<< "$json")" "3 /etc/dax-policy.d/broken.conf"
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=67cab4f8f4904e7ead6bc43823ba7fe9 DAX_DEVICE=dax1.0 | head -1)
is "release's entry for dax1.0: priority warning, unbound -> the kernel's choice" \
	"$(jq -r '"\(.PRIORITY) \(.DAX_FROM) \(.DAX_TO)"' <<< "$json")" "4 unbound system-ram"
check "no dax-policy@ unit applied anything" sh -c "! journalctl -b -o cat -u 'dax-policy@*' | grep -q ': ok: '"

# fixed: the policy is in charge again
rm /etc/dax-policy.d/broken.conf
check "systemctl restart dax-policy" systemctl restart dax-policy
is "dax0.0 in devdax" "$(driver_of dax0.0)" device_dax
is "dax1.0 in system-ram, movable" "$(driver_of dax1.0) $(memory_state dax1.0)" "kmem 4/4 Movable"
is "dax2.0 in fsdev" "$(driver_of dax2.0)" fsdev_dax
json=$(journalctl -b -o json --no-pager -u dax-policy.service MESSAGE_ID=1064f718902d472a8a4badde234a7143 DAX_DEVICE=dax2.0 | tail -1)
is "the change of dax2.0: an entry at priority notice, from, to, rule" \
	"$(jq -r '"\(.PRIORITY) \(.DAX_FROM) \(.DAX_TO) \(.DAX_RULE)"' <<< "$json")" "5 system-ram fsdev demo-famfs"
status=$(systemctl show -P StatusText dax-policy.service)
echo "# StatusText: $status"
check "systemctl status shows what the run did" grep -q "^3 dax devices: .*changed" <<< "$status"
is "the bus holds new devices again" "$(cat /sys/bus/dax/drivers_autoprobe)" 0
dax-policy status >/dev/null; is "status in policy" "$?" 0
finish
