# Helpers for scenarios run inside the test VM. Every check reads the
# kernel's own view (sysfs, /proc), never dax-policy's output, unless the
# check is about that output.
set -u
PATH=/usr/sbin:/usr/bin:/sbin:/bin
failures=0
checks=0

# the kernel this boot runs, and the test modules built for it
series=$(uname -r | cut -d. -f1,2)
kmods=${DAXTEST_BUILD:-}/kernel/$(uname -r)
daxmap=${DAXTEST_BUILD:-}/tests/daxmap
# Where the kernel itself puts an hmem device: 6.12 matches drivers by
# type and gives hmem (and CXL RAM) to kmem; 6.1 gives every device to
# device_dax. (run-vm boots 6.12 with memhp_default_state=offline, so that
# memory stays offline until a scenario or dax-policy onlines it.)
if [ "$series" = 6.1 ]; then hmem_default=device_dax; else hmem_default=kmem; fi

ok()   { checks=$((checks + 1)); echo "ok $checks - $*"; }
fail() { checks=$((checks + 1)); failures=$((failures + 1)); echo "not ok $checks - $*"; }
# check DESCRIPTION COMMAND...: one check from a command's exit status
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# is DESCRIPTION GOT WANT
is() { if [ "$2" = "$3" ]; then ok "$1"; else fail "$1: got '$2', want '$3'"; fi; }
finish() {
	echo "# $checks checks, $failures failed"
	[ "$failures" = 0 ]
}

# driver of a dax device, "" when unbound
driver_of() {
	local l=/sys/bus/dax/devices/$1/driver
	[ -L "$l" ] && basename "$(readlink "$l")" || echo ""
}

block_size() { printf '%d' "0x$(cat /sys/devices/system/memory/block_size_bytes)"; }

# memory blocks of a dax device (from its mappings), one index a line
blocks_of() {
	local dev=/sys/bus/dax/devices/$1 bs m s e
	bs=$(block_size)
	for m in "$dev"/mapping*/; do
		[ -d "$m" ] || continue
		s=$(($(cat "$m/start"))); e=$(($(cat "$m/end")))
		seq $((s / bs)) $((e / bs))
	done
}

# "online-zone" of every block of a device: "4 Movable" style summary
memory_state() {
	local b st z on=0 zone="" n=0
	for b in $(blocks_of "$1"); do
		[ -d /sys/devices/system/memory/memory$b ] || continue
		n=$((n + 1))
		st=$(cat /sys/devices/system/memory/memory$b/state)
		if [ "$st" = online ]; then
			on=$((on + 1))
			z=$(cat /sys/devices/system/memory/memory$b/valid_zones)
			[ -z "$zone" ] && zone=$z
			[ "$zone" = "$z" ] || zone=mixed
		fi
	done
	echo "$on/$n ${zone:-offline}"
}

# move DEV TO: leave DEV's driver (offlining its memory first when it is
# kmem), then new_id + bind on TO ("" leaves it unbound), and leave no id
# behind, so that a later probe goes where the kernel sends it. On 6.1
# new_id already binds, and the bind then fails with EBUSY.
move() {
	local d=$1 to=$2 from b st
	from=$(driver_of "$d")
	if [ "$from" = kmem ]; then
		for b in $(blocks_of "$d"); do
			st=/sys/devices/system/memory/memory$b/state
			[ "$(cat "$st" 2>/dev/null)" = online ] && echo offline > "$st"
		done
	fi
	if [ -n "$from" ]; then
		echo "$d" > "/sys/bus/dax/drivers/$from/remove_id"
		echo "$d" > "/sys/bus/dax/drivers/$from/unbind"
	fi
	[ -n "$to" ] || return 0
	echo "$d" > "/sys/bus/dax/drivers/$to/new_id"
	[ "$(driver_of "$d")" = "$to" ] || echo "$d" > "/sys/bus/dax/drivers/$to/bind"
	echo "$d" > "/sys/bus/dax/drivers/$to/remove_id"
}

# Scenarios written for devices that start in device_dax: on 6.12 the
# kernel gave them to kmem (memory offline); put them in device_dax.
start_in_devdax() {
	local d
	for d in "$@"; do
		[ "$(driver_of "$d")" = device_dax ] || move "$d" device_dax
	done
}

# memory blocks of DEV the kernel ever added (the memory-adds.rules log)
blocks_added() {
	local b
	for b in $(blocks_of "$1"); do
		grep -qx "memory$b" /run/daxtest-memory-adds 2>/dev/null && echo "memory$b"
	done | tr '\n' ' '
}

# wait_driver DEV DRIVER [SECONDS]: until DEV is bound to DRIVER
wait_driver() {
	local i
	for i in $(seq 1 $((${3:-10} * 10))); do
		[ "$(driver_of "$1")" = "$2" ] && return 0
		sleep 0.1
	done
	return 1
}

# kernel log lines that must never appear
kernel_trouble() { dmesg | grep -E 'WARNING:|BUG:|Oops|Call Trace|general protection' || true; }

write_config() {
	cat > /etc/dax-policy.conf
	chmod 644 /etc/dax-policy.conf
}

# sysfs writes (opens for writing under /sys) made by a command
sysfs_writes() {
	strace -f -qq -e trace=openat -e signal=none -o /tmp/strace.out "$@" >/dev/null 2>&1
	grep -E '"/sys/[^"]*", O_(WRONLY|RDWR)' /tmp/strace.out || true
}
