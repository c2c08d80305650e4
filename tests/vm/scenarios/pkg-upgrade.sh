#!/bin/bash
# An upgrade with dpkg to the next revision, whose stock policy changed,
# over an edited /etc/dax-policy.conf: the administrator's policy is kept
# and the new stock one left beside it as .dpkg-dist (--force-confold, as
# an unattended upgrade answers dpkg's question); dax-policy.service is
# neither stopped nor restarted (its hold stays in effect); DKMS builds
# fsdev_dax again. After pkg-install.sh.
. ./lib.sh
. ./pkg-lib.sh
need_debs

printf '\n# edited by the administrator\n' >> /etc/dax-policy.conf
edited=$(md5sum < /etc/dax-policy.conf)
invocation=$(cat /run/daxtest-pkg-invocation)
hooks=$(md5sum /etc/kernel/postinst.d/fsdev-dax /etc/kernel/header_postinst.d/fsdev-dax)

check "dpkg --force-confold -i (the next revision)" timed "dpkg -i (upgrade)" \
	dpkg --force-confold -i "$(deb 2 dax-policy)" "$(deb 2 fsdev-dax-dkms)"
v2=$(version_of "$(deb 2 dax-policy)")
for p in dax-policy fsdev-dax-dkms; do
	is "$p is upgraded to $v2" "$(dpkg-query -W -f='${Status} ${Version}' $p)" "install ok installed $v2"
done

is "the edited /etc/dax-policy.conf is kept" "$(md5sum < /etc/dax-policy.conf)" "$edited"
is "the new stock policy is beside it as .dpkg-dist" "$(md5sum < /etc/dax-policy.conf.dpkg-dist 2>&1)" \
	"$(stock_policy "$(deb 2 dax-policy)" | md5sum)"
is "the kernel hooks (stock, unchanged) are the same" \
	"$(md5sum /etc/kernel/postinst.d/fsdev-dax /etc/kernel/header_postinst.d/fsdev-dax)" "$hooks"
check "and left no .dpkg-dist" test -z "$(ls /etc/kernel/*/fsdev-dax.dpkg-* 2>/dev/null)"

is "dax-policy.service is still enabled" "$(systemctl is-enabled dax-policy.service)" enabled
is "dax-policy.service is still active" "$(systemctl is-active dax-policy.service)" active
is "it was not restarted (same invocation)" "$(systemctl show -p InvocationID --value dax-policy.service)" "$invocation"
check "the hold is still in effect" test -e /run/dax-policy/hold
is "new devices still wait for the policy" "$(cat /sys/bus/dax/drivers_autoprobe)" 0
is "no unit file changed under systemd's feet" "$(systemctl show -p NeedDaemonReload --value dax-policy.service)" no

is "dkms: fsdev-dax/$dkms_version installed again for $kver" "$(dkms_state)" installed
is "modinfo resolves fsdev_dax to the DKMS build" "$(modinfo -F filename fsdev_dax 2>&1)" "/lib/modules/$kver/updates/dkms/fsdev_dax.ko"
is "no kernel warning" "$(kernel_trouble)" ""
finish
