#!/bin/bash
# The seed's failure reproduced and shown fixed: with a fsdev_dax that
# auto-matches (test build fsdev_dax_automatch.ko), whichever of it and
# device_dax registers first owns new devices, and devdax users break; with
# the real fsdev_dax the same steps leave every device in device_dax.
# Runs last in its boot: the reproduction leaves a WARN in the kernel log.
. ./lib.sh
daxmap=$DAXTEST_BUILD/tests/daxmap
kmods=$DAXTEST_BUILD/kernel

reload_order() {	# $1: module loaded first (path or name), then device_dax
	for d in dax0.0 dax1.0 dax2.0; do
		[ -n "$(driver_of $d)" ] && echo $d > /sys/bus/dax/drivers/$(driver_of $d)/unbind
	done
	rmmod device_dax fsdev_dax fsdev_dax_automatch 2>/dev/null
	case $1 in
	/*) insmod "$1" ;;
	*) modprobe "$1" ;;
	esac
	[ -d /sys/module/"$(basename "$1" .ko)" ] || fail "$1 loaded"
	modprobe device_dax 2>/dev/null
	for d in dax0.0 dax1.0 dax2.0; do echo $d > /sys/bus/dax/drivers_probe 2>/dev/null; done
}

reload_order fsdev_dax
for d in dax0.0 dax1.0 dax2.0; do
	is "real fsdev_dax loaded first: $d in device_dax" "$(driver_of $d)" device_dax
done
is "real fsdev_dax loaded first: devdax mmap works" "$("$daxmap" mmap-errno /dev/dax0.0)" ok

reload_order "$kmods/fsdev_dax_automatch.ko"
is "bug reproduced: auto-matching fsdev loaded first takes dax0.0" "$(driver_of dax0.0)" fsdev_dax_automatch
is "bug reproduced: device_dax could not even register" "$(test -d /sys/bus/dax/drivers/device_dax && echo yes || echo no)" no
is "bug reproduced: devdax mmap of dax0.0 fails (as ndctl's device-dax test did)" "$("$daxmap" mmap-errno /dev/dax0.0)" ENODEV

reload_order fsdev_dax
for d in dax0.0 dax1.0 dax2.0; do
	is "fixed again with the real fsdev_dax: $d in device_dax" "$(driver_of $d)" device_dax
done
finish
