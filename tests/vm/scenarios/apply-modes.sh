#!/bin/bash
# dax-policy apply on the real dax bus: three hmem devices put through every
# transition between devdax, system-ram and unbound; checked through sysfs.
. ./lib.sh
start_in_devdax dax0.0 dax1.0 dax2.0
# dax-policy.service is not in charge here (no hold): the binds to
# device_dax below start no dax-policy@ unit (checked at the end)
udevadm settle; journalctl --sync
cursor=$(journalctl -b -n0 --show-cursor | sed -n 's/^-- cursor: //p')
is "a journal cursor to start from" "${cursor:+taken}" taken

for d in dax0.0 dax1.0 dax2.0; do
	is "$d starts in device_dax" "$(driver_of $d)" device_dax
done

write_config <<'CONF'
[defaults]
mode = keep

[rule dev]
device = dax0.0
mode = devdax

[rule ram]
device = dax1.0
mode = system-ram
online = movable

[rule off]
device = dax2.0
mode = none
CONF

dax-policy status; rc=$?
is "status before apply exits 4 (not in policy)" "$rc" 4

dax-policy apply --dry-run > /tmp/dry.txt; rc=$?
cat /tmp/dry.txt
is "dry-run exits 0" "$rc" 0
is "dry-run changed nothing (dax1.0)" "$(driver_of dax1.0)" device_dax
check "dry-run lists the new_id write for dax1.0" grep -q 'dax1.0 > /sys/bus/dax/drivers/kmem/new_id' /tmp/dry.txt

strace -f -qq -o /tmp/apply.st -e trace=openat,newfstatat,fstat,write,readlink,rt_sigprocmask,clone,clone3 \
	-e signal=none dax-policy apply; rc=$?
is "apply exits 0" "$rc" 0
# libdaxctl is loaded on a thread of its own while the changes run; the
# thread blocks every signal (an offline's SIGALRM is the main thread's)
main=$(grep -m1 '/etc/ld.so.cache' /tmp/apply.st | awk '{ print $1 }')
lib=$(grep -m1 'libdaxctl.so.1"' /tmp/apply.st | awk '{ print $1 }')
check "libdaxctl opened by another thread ($lib) than the main one ($main)" \
	test -n "$lib" -a -n "$main" -a "$lib" != "$main"
# the thread also has libdaxctl list the devices (its reads: O_RDONLY|O_CLOEXEC),
# so the main thread's questions after the change find them listed
lsize='dax[0-9]+\.[0-9]+/size", O_RDONLY\|O_CLOEXEC[ )]'
check "libdaxctl lists the devices on its thread ($(grep -E "^$lib .*$lsize" /tmp/apply.st | wc -l) sizes read)" \
	grep -q -E "^$lib .*$lsize" /tmp/apply.st
is "libdaxctl lists no device on the main thread" "$(grep -c -E "^$main .*$lsize" /tmp/apply.st)" 0
# a device read whole finds its directory by its bus link alone, not by
# realpath, which reads each part of the path as a link
is "the main thread reads no part of the bus's path as a link" \
	"$(grep -c -E "^$main +readlink\(\"/sys/bus/dax/devices\"" /tmp/apply.st)" 0
check "  it reads the devices' links ($(grep -c -E "^$main +readlink\(\"/sys/bus/dax/devices/dax[0-9.]+\"" /tmp/apply.st))" \
	grep -q -E "^$main +readlink\(\"/sys/bus/dax/devices/dax[0-9.]+\"" /tmp/apply.st
# kmem's new_id (where it is written, 6.1) finds no other device unbound:
# kmem's directory is listed before it, to know what was unbound, and not
# again after it, to see what was taken along
is "new_id with no other device unbound: kmem's directory listed at most once" \
	"$(grep -c -E "^$main +openat\(AT_FDCWD, \"/sys/bus/dax/drivers/kmem\", .*O_DIRECTORY" /tmp/apply.st |
	   awk '{ print ($1 <= 1) ? "yes" : "no (" $1 ")" }')" yes
# on the main thread: every signal blocked, the thread made, the mask put back
is "the main thread blocks every signal while it starts it" "$(awk -v m="$main" '$1 != m { next }
	st == 0 && /rt_sigprocmask\(SIG_SETMASK, ~\[/ { st = 1; next }
	st == 1 && /clone3?\(/ { st = 2; next }
	st == 2 && /rt_sigprocmask\(SIG_SETMASK, \[/ { st = 3 }
	END { print st + 0 }' /tmp/apply.st)" 3
# a live sysfs attribute is written right after it is opened (no fstat)
awk -v m="$main" '$1 != m { next }
	fd != "" { if ($2 ~ "^write\\(" fd ",") ok++; else bad++; fd = "" }
	/^[0-9]+ +openat\(AT_FDCWD, "\/sys\/.*O_WRONLY.* = [0-9]+$/ { fd = $NF }
	END { print ok + 0, bad + 0 }' /tmp/apply.st > /tmp/writes.txt
read -r wok wbad < /tmp/writes.txt
check "sysfs writes seen ($wok)" test "$wok" -ge 3
is "sysfs writes with a call between open and write" "$wbad" 0
is "dax0.0 stays in device_dax" "$(driver_of dax0.0)" device_dax
is "dax1.0 is bound to kmem" "$(driver_of dax1.0)" kmem
is "dax1.0 memory online movable" "$(memory_state dax1.0)" "4/4 Movable"
check "dax1.0 range is System RAM (kmem) in /proc/iomem" grep -q 'System RAM (kmem)' /proc/iomem
is "dax2.0 is unbound" "$(driver_of dax2.0)" ""
check "/dev/dax0.0 exists" test -c /dev/dax0.0

writes=$(sysfs_writes dax-policy apply)
is "second apply writes nothing to sysfs" "$writes" ""
dax-policy status; rc=$?
is "status after apply exits 0" "$rc" 0

# status --json against sysfs
dax-policy status --json > /tmp/status.json
# a node of -1 (none) is null in JSON
node_of() { local n; n=$(cat "/sys/bus/dax/devices/$1/$2"); [ "$n" = -1 ] && n=null; echo "$n"; }
for d in dax0.0 dax1.0 dax2.0; do
	drv=$(jq -r ".devices[] | select(.chardev == \"$d\") | .driver // \"\"" /tmp/status.json)
	is "status --json driver of $d matches sysfs" "$drv" "$(driver_of $d)"
	size=$(jq -r ".devices[] | select(.chardev == \"$d\") | .size" /tmp/status.json)
	is "status --json size of $d matches sysfs" "$size" "$(cat /sys/bus/dax/devices/$d/size)"
	node=$(jq -r ".devices[] | select(.chardev == \"$d\") | .target_node" /tmp/status.json)
	is "status --json target node of $d matches sysfs" "$node" "$(node_of $d target_node)"
	node=$(jq -r ".devices[] | select(.chardev == \"$d\") | .numa_node" /tmp/status.json)
	is "status --json numa node of $d matches sysfs" "$node" "$(node_of $d numa_node)"
done
on=$(jq -r '.devices[] | select(.chardev == "dax1.0") | "\(.online_memblocks)/\(.total_memblocks) \(if .movable then "Movable" else "not movable" end)"' /tmp/status.json)
is "status --json memory of dax1.0 matches sysfs" "$on" "$(memory_state dax1.0)"

# every other transition
write_config <<'CONF'
[rule a]
device = dax0.0
mode = system-ram
online = normal
[rule b]
device = dax1.0
mode = devdax
[rule c]
device = dax2.0
mode = devdax
CONF
dax-policy apply; is "apply (devdax->ram, ram->devdax, none->devdax) exits 0" "$?" 0
is "dax0.0 devdax -> system-ram" "$(driver_of dax0.0)" kmem
is "dax0.0 memory online normal" "$(memory_state dax0.0)" "4/4 Normal"
is "dax1.0 system-ram -> devdax" "$(driver_of dax1.0)" device_dax
check "dax1.0 memory is gone from the memory blocks" test "$(memory_state dax1.0)" = "0/0 offline"
is "dax2.0 unbound -> devdax" "$(driver_of dax2.0)" device_dax

write_config <<'CONF'
[rule a]
device = dax0.0
mode = none
[rule b]
device = dax1.0
mode = none
[rule c]
device = dax2.0
mode = kmem
online = offline
CONF
dax-policy apply; is "apply (ram->none, devdax->none, devdax->ram offline) exits 0" "$?" 0
is "dax0.0 system-ram -> unbound" "$(driver_of dax0.0)" ""
is "dax1.0 devdax -> unbound" "$(driver_of dax1.0)" ""
is "dax2.0 devdax -> system-ram" "$(driver_of dax2.0)" kmem
is "dax2.0 memory left offline" "$(memory_state dax2.0)" "0/4 offline"

write_config <<'CONF'
[defaults]
mode = system-ram
online = movable
[rule b]
device = dax1.0
mode = devdax
CONF
dax-policy apply; is "apply (none->ram, none->devdax, ram offline->movable) exits 0" "$?" 0
is "dax0.0 unbound -> system-ram" "$(driver_of dax0.0)" kmem
is "dax0.0 memory movable" "$(memory_state dax0.0)" "4/4 Movable"
is "dax1.0 unbound -> devdax" "$(driver_of dax1.0)" device_dax
is "dax2.0 memory onlined movable" "$(memory_state dax2.0)" "4/4 Movable"
writes=$(sysfs_writes dax-policy apply)
is "apply again writes nothing" "$writes" ""

udevadm settle; sleep 1; journalctl --sync
check "nothing holds the bus here" test ! -e /run/dax-policy/hold
is "no hold: the binds to device_dax started no dax-policy@ unit (udev's TEST)" \
	"$(journalctl -q -b --after-cursor="$cursor" -o cat -u 'dax-policy@*' | grep -c .)" 0

finish
