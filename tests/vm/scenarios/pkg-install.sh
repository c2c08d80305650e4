#!/bin/bash
# The Debian packages installed with dpkg on a machine that has no
# dax-policy: dax-policy.service enabled and running (its hold in effect),
# the udev rule seen by udev, /etc/dax-policy.conf a conffile, fsdev_dax
# built and installed by DKMS for the running kernel. Leaves them installed
# for pkg-upgrade.sh.
. ./lib.sh
. ./pkg-lib.sh
need_debs
# The host's root is a container image whose policy-rc.d forbids
# maintainer scripts to start or stop services; a machine has none.
rm -f /usr/sbin/policy-rc.d
# A machine with only the running kernel's headers: DKMS builds for that
# one (the newest other kernel's build is the dkms test's business; its
# depmod alone takes minutes here).
for b in /lib/modules/*/build; do
	case "$b" in /lib/modules/"$kver"/build) ;; *) rm -f "$b" ;; esac
done

is "dax-policy is not installed yet" "$(pkg_status dax-policy)" ""
check "no dax-policy program yet (a meson install would spoil the test)" test ! -e /usr/sbin/dax-policy
check "no fsdev-dax source for DKMS yet" test ! -e "/usr/src/fsdev-dax-$dkms_version"
dev_driver=$(driver_of dax0.0)

check "dpkg -i dax-policy fsdev-dax-dkms" timed "dpkg -i" dpkg -i "$(deb 1 dax-policy)" "$(deb 1 fsdev-dax-dkms)"
v1=$(version_of "$(deb 1 dax-policy)")
for p in dax-policy fsdev-dax-dkms; do
	is "$p is installed" "$(pkg_status $p)" "install ok installed"
	is "$p is version $v1" "$(dpkg-query -W -f='${Version}' $p)" "$v1"
done

# the units
is "dax-policy.service is enabled" "$(systemctl is-enabled dax-policy.service)" enabled
check "enabled for boot: wanted by sysinit.target" test -L /etc/systemd/system/sysinit.target.wants/dax-policy.service
is "dax-policy.service was started" "$(systemctl is-active dax-policy.service)" active
is "dax-policy-hold.service is static (dax-policy.service pulls it in)" "$(systemctl is-enabled dax-policy-hold.service)" static
is "dax-policy@.service is static (udev starts it)" "$(systemctl is-enabled dax-policy@.service)" static
check "the hold is in effect" test -e /run/dax-policy/hold
is "new devices wait for the policy" "$(cat /sys/bus/dax/drivers_autoprobe)" 0
is "the stock policy left dax0.0 as the kernel made it" "$(driver_of dax0.0)" "$dev_driver"
check "dax-policy status: every device in its mode" dax-policy status
systemctl show -p InvocationID --value dax-policy.service > /run/daxtest-pkg-invocation

# the udev rule
check "the udev rule is installed" test -f /lib/udev/rules.d/90-dax-policy.rules
# (not "udevadm test": it writes udev's database, which systemd reads at
# its next reload as if the device had been added)
is "dax0.0, there before, got its systemd unit from the postinst's change event" \
	"$(systemctl is-active sys-bus-dax-devices-dax0.0.device)" active

# the policy is a conffile
check "/etc/dax-policy.conf is dax-policy's conffile" \
	grep -q '^ /etc/dax-policy.conf ' <<< "$(dpkg-query -W -f='${Conffiles}\n' dax-policy)"
is "/etc/dax-policy.conf is the stock policy" "$(md5sum < /etc/dax-policy.conf)" "$(stock_policy "$(deb 1 dax-policy)" | md5sum)"
check "dax-policy check accepts it" dax-policy check

# the module, through DKMS
is "dkms: fsdev-dax/$dkms_version installed for $kver" "$(dkms_state)" installed
is "modinfo resolves fsdev_dax to the DKMS build" "$(modinfo -F filename fsdev_dax 2>&1)" "/lib/modules/$kver/updates/dkms/fsdev_dax.ko"
case "$(modinfo -F vermagic fsdev_dax 2>&1)" in
"$kver "*) ok "it is built for $kver" ;;
*) fail "it is built for $kver: $(modinfo -F vermagic fsdev_dax 2>&1)" ;;
esac
check "modprobe fsdev_dax" modprobe fsdev_dax
check "fsdev_dax is a driver on the dax bus" test -d /sys/bus/dax/drivers/fsdev_dax
is "it took no device by itself" "$(driver_of dax0.0)" "$dev_driver"
check "modprobe -r fsdev_dax" modprobe -r fsdev_dax
is "no kernel warning" "$(kernel_trouble)" ""
finish
