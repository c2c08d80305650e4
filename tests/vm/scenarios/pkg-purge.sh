#!/bin/bash
# dpkg --purge of both packages: every file gone, the edited policy and
# its .dpkg-dist too, the units disabled, stopped (their hold released:
# devices go where the kernel sends them again) and unknown to systemd,
# fsdev_dax removed from DKMS and from the kernel's modules. After
# pkg-upgrade.sh.
. ./lib.sh
. ./pkg-lib.sh
need_debs
dev_driver=$(driver_of dax0.0)

check "dpkg --purge dax-policy fsdev-dax-dkms" timed "dpkg --purge" dpkg --purge dax-policy fsdev-dax-dkms
for p in dax-policy fsdev-dax-dkms; do
	is "$p is gone from dpkg's database" "$(pkg_status $p)" ""
done
for f in /usr/sbin/dax-policy /etc/dax-policy.conf /etc/dax-policy.conf.dpkg-dist /etc/dax-policy.d \
	 /lib/systemd/system/dax-policy.service /lib/systemd/system/dax-policy@.service \
	 /lib/systemd/system/dax-policy-hold.service /lib/udev/rules.d/90-dax-policy.rules \
	 /usr/share/bash-completion/completions/dax-policy /usr/share/man/man8/dax-policy.8.gz \
	 /usr/share/doc/dax-policy "/usr/src/fsdev-dax-$dkms_version" \
	 /etc/kernel/postinst.d/fsdev-dax /etc/kernel/header_postinst.d/fsdev-dax; do
	check "$f is gone" test ! -e "$f"
done

# systemd
check "no enablement link left" test -z "$(find /etc/systemd/system -name 'dax-policy*')"
check "no deb-systemd-helper state left" test -z "$(find /var/lib/systemd/deb-systemd-helper-enabled \
	/var/lib/systemd/deb-systemd-helper-masked -name 'dax-policy*' 2>/dev/null)"
is "systemd knows no dax-policy.service" "$(systemctl show -p LoadState --value dax-policy.service)" not-found
is "and it is not running" "$(systemctl is-active dax-policy.service)" inactive
is "no dax-policy unit loaded" "$(systemctl list-units --all --plain --no-legend 'dax-policy*')" ""
check "the hold was released when it stopped" test ! -e /run/dax-policy/hold
is "new devices go where the kernel sends them" "$(cat /sys/bus/dax/drivers_autoprobe)" 1
is "dax0.0 is as it was" "$(driver_of dax0.0)" "$dev_driver"
is "and has no systemd unit of the rule's any more" "$(systemctl is-active sys-bus-dax-devices-dax0.0.device)" inactive

# DKMS and the module
is "dkms knows no fsdev-dax" "$(dkms status fsdev-dax 2>/dev/null)" ""
check "nothing left in /var/lib/dkms" test ! -e /var/lib/dkms/fsdev-dax
check "no fsdev_dax.ko left for $kver" test -z "$(find "/lib/modules/$kver/updates" -name 'fsdev_dax.ko*' 2>/dev/null)"
check "modinfo finds no fsdev_dax" sh -c '! modinfo fsdev_dax >/dev/null 2>&1'
is "no kernel warning" "$(kernel_trouble)" ""
finish
