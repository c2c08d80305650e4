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
check "no dax-policy@ unit applied anything" sh -c "! journalctl -b -o cat -u 'dax-policy@*' | grep -q ': ok: '"

# fixed: the policy is in charge again
rm /etc/dax-policy.d/broken.conf
check "systemctl restart dax-policy" systemctl restart dax-policy
is "dax0.0 in devdax" "$(driver_of dax0.0)" device_dax
is "dax1.0 in system-ram, movable" "$(driver_of dax1.0) $(memory_state dax1.0)" "kmem 4/4 Movable"
is "dax2.0 in fsdev" "$(driver_of dax2.0)" fsdev_dax
is "the bus holds new devices again" "$(cat /sys/bus/dax/drivers_autoprobe)" 0
dax-policy status >/dev/null; is "status in policy" "$?" 0
finish
