#!/bin/bash
# The seed's failure reproduced and shown fixed, on 6.1 and 6.12: with a
# fsdev_dax that auto-matches (test build fsdev_dax_automatch.ko: 6.1
# match_always, 6.12 device_dax's driver type, as the early upstream
# version did), whichever of it and device_dax registers first owns new
# device-type devices, and devdax users break; with the real fsdev_dax,
# loaded before the devices appear or after, every device goes where the
# kernel sends it. Runs last in its boot: the reproduction on 6.1 leaves a
# WARN in the kernel log.
. ./lib.sh
hmems=$(for d in dax0.0 dax1.0 dax2.0; do basename "$(readlink -f /sys/bus/dax/devices/$d/..)"; done)

# --- the real fsdev_dax loaded before the devices appear ---
# no driver, and no id left by earlier scenarios
for d in $(ls /sys/bus/dax/devices); do
	move "$d" ""
	for drv in /sys/bus/dax/drivers/*/; do echo "$d" > "$drv/remove_id"; done
done
for h in $hmems; do echo "$h" > /sys/bus/platform/drivers/hmem/unbind; done
for m in kmem device_dax fsdev_dax; do
	[ -d /sys/module/$m ] && { rmmod $m || fail "rmmod $m"; }
done
modprobe fsdev_dax
for h in $hmems; do echo "$h" > /sys/bus/platform/drivers/hmem/bind; done
udevadm settle
for d in dax0.0 dax1.0 dax2.0; do
	is "fsdev_dax loaded before $d appeared: it went to $hmem_default" "$(driver_of $d)" "$hmem_default"
done
is "fsdev_dax took no device" "$(ls /sys/bus/dax/drivers/fsdev_dax | grep -c '^dax')" 0

# --- device-type devices: an idle region's (as pmem namespaces are) ---
h=$(basename "$(readlink -f /sys/bus/dax/devices/dax2.0/..)")
move dax2.0 ""
echo 1 > /sys/module/dax_hmem/parameters/region_idle
echo "$h" > /sys/bus/platform/drivers/hmem/unbind
echo "$h" > /sys/bus/platform/drivers/hmem/bind
echo 0 > /sys/module/dax_hmem/parameters/region_idle
is "idle region $h: dax2.0 is an empty seed" "$(cat /sys/bus/dax/devices/dax2.0/size)" 0

reload_order() {	# $1: module loaded first (path or name), then device_dax and kmem
	move dax2.0 ""
	rmmod device_dax kmem fsdev_dax fsdev_dax_automatch 2>/dev/null
	case $1 in
	/*) insmod "$1" ;;
	*) modprobe "$1" ;;
	esac
	[ -d /sys/module/"$(basename "$1" .ko)" ] || fail "$1 loaded"
	modprobe device_dax 2>/dev/null
	modprobe kmem 2>/dev/null
	[ "$(cat /sys/bus/dax/devices/dax2.0/size)" != 0 ] ||
		echo $((256 << 20)) > /sys/bus/dax/devices/dax2.0/size
	echo dax2.0 > /sys/bus/dax/drivers_probe 2>/dev/null
}

reload_order fsdev_dax
is "real fsdev_dax loaded first: device-type dax2.0 in device_dax" "$(driver_of dax2.0)" device_dax
is "real fsdev_dax loaded first: devdax mmap works" "$("$daxmap" mmap-errno /dev/dax2.0)" ok

reload_order "$kmods/tests/fsdev_dax_automatch.ko"
is "bug reproduced: auto-matching fsdev loaded first takes dax2.0" "$(driver_of dax2.0)" fsdev_dax_automatch
if [ "$series" = 6.1 ]; then
	is "bug reproduced (6.1): device_dax could not even register" \
		"$(test -d /sys/bus/dax/drivers/device_dax && echo yes || echo no)" no
fi
is "bug reproduced: devdax mmap of dax2.0 fails (as ndctl's device-dax test did)" \
	"$("$daxmap" mmap-errno /dev/dax2.0)" ENODEV

reload_order fsdev_dax
is "fixed again with the real fsdev_dax: dax2.0 in device_dax" "$(driver_of dax2.0)" device_dax
is "devdax mmap works again" "$("$daxmap" mmap-errno /dev/dax2.0)" ok
# region 2 as the kernel made it, for the scenarios after this one
move dax2.0 ""
echo "$h" > /sys/bus/platform/drivers/hmem/unbind
echo "$h" > /sys/bus/platform/drivers/hmem/bind
udevadm settle
is "region $h back as the kernel made it: dax2.0 in $hmem_default" "$(driver_of dax2.0)" "$hmem_default"
finish
