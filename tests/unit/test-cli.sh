#!/bin/bash
# The dax-policy command against sysfs fixtures: options, exit codes, text
# and JSON output, the exact writes of --dry-run, the busy check against a
# fake /proc, and memory rollback with an injected failure. TAP output.
set -u
src=${DAXTEST_SRC:-$(cd "$(dirname "$0")/.." && pwd)}
dp=${DAX_POLICY:-dax-policy}
hooks=${DAXTEST_HOOKS:-$src/../build/tests/dax-policy-test-hooks.so}
n=0 failed=0
tmp=$(mktemp -d)
chmod 755 "$tmp"
trap 'rm -rf "$tmp"' EXIT

ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1"; printf '#   got:  %s\n#   want: %s\n' "$2" "$3" | head -40; fi; }
# has: WANT (several lines too) is a substring of GOT (grep -F would take
# each line of a multi-line WANT as a pattern of its own)
has() { if [[ "$2" == *"$3"* ]]; then ok "$1"; else notok "$1"; printf '#   missing: %s\n#   in: %s\n' "$3" "$2" | head -40; fi; }

# a writable copy of a fixture, with /run for the lock
fixture() {
	rm -rf "$tmp/root"
	cp -a "$src/sysfs/$1" "$tmp/root"
	mkdir -p "$tmp/root/run"
	echo "$tmp/root"
}
conf() { cat > "$tmp/$1"; chmod 644 "$tmp/$1"; echo "$tmp/$1"; }

# Under --root dax-policy opens files with openat2, beneath the root. strace
# is asked for openat2 wherever openat is traced (one that knows it), and
# each such open is written in the trace (-o FILE) as the openat of the
# whole path, which is what the checks below look for. Whether strace is
# there at all: type -P, not command -v (which finds this function).
strace_openat2=
command strace -qq -e trace=openat2 -o /dev/null true 2>/dev/null && strace_openat2=openat2,
strace() {
	local out= prev= a rc
	for a in "$@"; do
		[ "$prev" = -o ] && out=$a
		prev=$a
	done
	command strace -y "${@//trace=openat/trace=${strace_openat2}openat}"
	rc=$?
	[ -z "$out" ] || sed -i -E 's/openat2\([0-9]+<([^>]*)>, "([^"]*)", \{flags=([^,}]*)[^}]*\}, [0-9]+\)/openat(AT_FDCWD, "\1\/\2", \3)/' "$out"
	return $rc
}

# --- options and exit codes ---
out=$("$dp" --help); is "--help exits 0" "$?" 0
has "--help shows usage" "$out" "Usage: dax-policy [OPTIONS] COMMAND [DEVICE...]"
out=$("$dp" --version); has "--version" "$out" "dax-policy "
"$dp" >/dev/null 2>&1; is "no command: exit 2" "$?" 2
out=$("$dp" frobnicate 2>&1); is "unknown command: exit 2" "$?" 2
has "unknown command named" "$out" "unknown command 'frobnicate'"
out=$("$dp" --root "$src/sysfs/mixed" status ../../etc/passwd 2>&1); is "path-like device name: exit 2" "$?" 2
has "bad device name refused" "$out" "'../../etc/passwd' is not a dax device name"
out=$("$dp" --root "$src/sysfs/mixed" status 'dax0.0/../x' 2>&1); is "device name with ../: exit 2" "$?" 2
out=$("$dp" --root "$src/sysfs/mixed" status dax7.0 2>&1); is "absent device: exit 2" "$?" 2
has "absent device named" "$out" "dax7.0: no such dax device"
"$dp" --root "$src/sysfs/mixed" status --dry-run >/dev/null 2>&1; is "--dry-run with status: exit 2" "$?" 2
"$dp" --root "$src/sysfs/mixed" explain >/dev/null 2>&1; is "explain without device: exit 2" "$?" 2
"$dp" --bogus >/dev/null 2>&1; is "unknown option: exit 2" "$?" 2
out=$("$dp" --root "$src/sysfs/mixed" status $(seq -f 'dax%g.0' 0 1100) 2>&1); is "too many devices: exit 2" "$?" 2
has "  says so" "$out" "too many devices named (at most 1024)"
if grep -q "LeakSanitizer" <<< "$out"; then notok "  nothing leaked (under ASan)"; else ok "  nothing leaked (under ASan)"; fi

# --- config errors stop everything ---
bad=$(conf bad.conf <<'EOF'
[rule a]
device = dax1.0
mode = system-ram
online = sideways
EOF
)
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" check 2>&1); is "check with a bad config: exit 1" "$?" 1
has "error as FILE:LINE: message" "$out" "$bad:4: bad value for online: 'sideways': expected movable, normal or offline"
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" apply --dry-run 2>&1); is "apply with a bad config: exit 1" "$?" 1
has "nothing applied" "$out" "configuration has 1 error; nothing applied"
if grep -q write <<< "$out"; then notok "no write planned with a bad config"; else ok "no write planned with a bad config"; fi
chmod 666 "$bad"
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" check 2>&1); is "world-writable config: exit 1" "$?" 1
has "says it is writable" "$out" "refusing to use: writable by everyone (mode 0666)"
out=$("$dp" --root "$src/sysfs/mixed" --config "$tmp/none.conf" status); is "no config file: status exit 0 (keep all)" "$?" 0
is "  every device: no rule" "$("$dp" --root "$src/sysfs/mixed" --config "$tmp/none.conf" status --json | jq -r '[.devices[].reason] | unique | join(" ")')" "no-rule"

# status and explain still show the devices of a broken configuration
chmod 644 "$bad"
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" status 2>"$tmp/err"); is "status with a bad config: exit 1" "$?" 1
has "  every device, wanted mode unknown" "$out" "DEVICE REGION SIZE NODE RESOURCE    MODE       WANT RULE STATE MEMORY
dax0.0      0 512M    1 0x180000000 devdax     ?    ?    ?     -
dax1.0      1 512M    1 0x1c0000000 system-ram ?    ?    ?     4/4 normal"
is "  then the errors, and what they mean" "$(cat "$tmp/err")" "$bad:4: bad value for online: 'sideways': expected movable, normal or offline
dax-policy: error: configuration has 1 error; wanted modes unknown (?)"
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" status 2>&1)
is "  the errors after the table" "$(tail -2 <<< "$out" | head -1)" "$bad:4: bad value for online: 'sideways': expected movable, normal or offline"
json=$("$dp" --root "$src/sysfs/mixed" --config "$bad" status --json 2>/dev/null); is "status --json with a bad config: exit 1" "$?" 1
is "  every device: wanted_mode, rule, state null; reason config-error" \
	"$(jq -c '[.devices[] | [.chardev, .wanted_mode, .rule, .state, .reason]]' <<< "$json")" \
	'[["dax0.0",null,null,null,"config-error"],["dax1.0",null,null,null,"config-error"],["dax2.0",null,null,null,"config-error"],["dax3.0",null,null,null,"config-error"]]'
is "  the errors in the document" "$(jq -c '[.errors[] | [.line, .message]]' <<< "$json")" \
	"[[4,\"bad value for online: 'sideways': expected movable, normal or offline\"],[null,\"configuration has 1 error; wanted modes unknown (?)\"]]"
is "  one document" "$(jq -s length <<< "$json")" 1
out=$("$dp" --root "$src/sysfs/mixed" --config "$bad" explain dax1.0 2>&1); is "explain with a bad config: exit 1" "$?" 1
has "  no rule tried, wanted mode unknown" "$out" "  the configuration has errors: no rule is tried
dax1.0: is system-ram, policy wants ?
$bad:4: bad value for online"
json=$("$dp" --root "$src/sysfs/mixed" --config "$bad" explain --json dax1.0 2>/dev/null); is "explain --json with a bad config: exit 1" "$?" 1
is "  rules, rule, wanted_mode, errors" "$(jq -c '[.chardev, .rules, .rule, .wanted_mode, .mode, (.errors | length)]' <<< "$json")" '["dax1.0",[],null,null,"system-ram",2]'
"$dp" --root "$src/sysfs/mixed" --config "$bad" status dax7.0 >/dev/null 2>&1; is "  a usage error stays one (exit 2)" "$?" 2

# --- a FIFO as the policy: an error at once, never a wait (boot) ---
mkfifo "$tmp/fifo.conf"
out=$(timeout 10 "$dp" --root "$src/sysfs/mixed" --config "$tmp/fifo.conf" check 2>&1); is "a FIFO as the main config: exit 1, not a hang" "$?" 1
has "  says why" "$out" "$tmp/fifo.conf: not a regular file"
rm "$tmp/fifo.conf"
for unit in dax-policy.service dax-policy@.service; do
	has "units: $unit has a start timeout (Type=oneshot has none by default)" \
		"$(cat "$src/../units/$unit")" "TimeoutStartSec=150min"
done

# --- the example config ---
out=$("$dp" --root "$src/sysfs/mixed" --config "$src/../examples/dax-policy.conf" check 2>&1)
is "example config is valid" "$?" 0

# --- status, text and JSON ---
pol=$(conf policy.conf <<'EOF'
[rule pmem]
uuid = 805f67b9-154a-45ae-b7c6-02f58b6fb349
mode = devdax
[rule ram]
device = dax1.0
mode = system-ram
online = movable
[rule spare]
region = 0,2
mode = none
EOF
)
out=$("$dp" --root "$src/sysfs/mixed" --config "$pol" status); is "status with drift: exit 4" "$?" 4
has "table header, columns as wide as their widest cell" "$out" "DEVICE REGION SIZE NODE RESOURCE    MODE       WANT       RULE  STATE MEMORY"
has "system-ram row shows memory" "$out" "dax1.0      1 512M    1 0x1c0000000 system-ram system-ram ram   drift 4/4 normal"
has "pmem row matched by uuid" "$out" "dax3.0      3 250M    0 0x240600000 devdax     devdax     pmem  ok    -"
has "drift explained" "$out" "dax1.0: drift: memory not movable"
out=$("$dp" --root "$src/sysfs/mixed" --config "$pol" status dax3.0); is "status of one device in policy: exit 0" "$?" 0
"$dp" --root "$src/sysfs/mixed" --config "$pol" status /dev/dax3.0 >/dev/null; is "/dev/ path accepted" "$?" 0
json=$("$dp" --root "$src/sysfs/mixed" --config "$pol" status --json)
is "status --json parses" "$(jq -r '.devices | length' <<< "$json")" 4
is "json: mode" "$(jq -r '.devices[1].mode' <<< "$json")" "system-ram"
is "json: wanted_mode" "$(jq -r '.devices[0].wanted_mode' <<< "$json")" "unbound"
is "json: rule" "$(jq -r '.devices[3].rule' <<< "$json")" "pmem"
is "json: state" "$(jq -r '.devices[1].state' <<< "$json")" "drift"
# the names daxctl list uses, where the meaning is the same
is "json: chardev, size, target_node, align as daxctl list" \
	"$(jq -c '.devices[1] | {chardev, size, target_node, align}' <<< "$json")" \
	'{"chardev":"dax1.0","size":536870912,"target_node":1,"align":2097152}'
is "json: memory blocks as daxctl list (Normal zone: not movable)" \
	"$(jq -c '.devices[1] | {online_memblocks, total_memblocks, movable}' <<< "$json")" \
	'{"online_memblocks":4,"total_memblocks":4,"movable":false}'
is "json: and by zone" "$(jq -c '.devices[1] | [.movable_memblocks, .normal_memblocks]' <<< "$json")" '[0,4]'
is "json: no memory blocks (devdax): null" "$(jq -c '.devices[0] | [.online_memblocks, .total_memblocks, .movable]' <<< "$json")" '[null,null,null]'
is "json: the old names are gone" "$(jq -c '[.devices[] | has("name"), has("memory")] | any' <<< "$json")" false
is "json: reason, one word per device" "$(jq -r '[.devices[].reason] | join(" ")' <<< "$json")" "wrong-mode memory-state in-policy in-policy"
is "json: errors, none" "$(jq -c '.errors' <<< "$json")" '[]'
root=$(fixture mixed)
echo 0 > "$root/sys/devices/platform/hmem.0/dax0.0/numa_node"	# the device's own node, not its memory's
for b in 56 57 58 59; do echo Movable > "$root/sys/devices/system/memory/memory$b/valid_zones"; done
json=$("$dp" --root "$root" --config "$pol" status --json)
is "json: numa_node is the device's, target_node its memory's" "$(jq -c '.devices[0] | [.numa_node, .target_node]' <<< "$json")" '[0,1]'
is "json: all online in ZONE_MOVABLE: movable" "$(jq -c '.devices[1] | [.movable, .movable_memblocks, .state, .reason]' <<< "$json")" '[true,4,"ok","in-policy"]'
rm "$root/sys/devices/platform/hmem.0/dax0.0/numa_node" "$root/sys/devices/platform/hmem.0/dax0.0/align"
echo bogus > "$root/sys/devices/platform/hmem.1/dax1.0/numa_node"
rm "$root/sys/devices/platform/hmem.1/dax1.0/align"; mkfifo "$root/sys/devices/platform/hmem.1/dax1.0/align"
json=$(timeout 20 "$dp" --root "$root" --config "$pol" status --json)
is "json: no numa_node or align file (older kernels): null" "$(jq -c '.devices[0] | [.numa_node, .align]' <<< "$json")" '[null,null]'
is "  garbage, or a FIFO, in their place: null, no wait" "$(jq -c '.devices[1] | [.numa_node, .align, .target_node]' <<< "$json")" '[null,null,1]'
# a canonical sysfs path over DAX_PATH_MAX (1024): that device's problem,
# the others read as ever
root=$(fixture mixed)
deep=$root/sys/devices/platform/hmem.2
for i in 1 2 3 4 5; do deep=$deep/$(printf 'd%.0s' $(seq 200)); done
mkdir -p "$deep"
mv "$root/sys/devices/platform/hmem.2/dax2.0" "$deep/"
ln -sfn "../../../${deep#"$root/sys/"}/dax2.0" "$root/sys/bus/dax/devices/dax2.0"
json=$("$dp" --root "$root" --config "$pol" status --json 2>/dev/null)
is "a sysfs path of $((${#deep} - ${#root} + 7)) bytes: that device is unreadable, saying why" "$(jq -r '.devices[] | select(.chardev == "dax2.0") | .reason + ": " + .message' <<< "$json")" "unreadable: cannot resolve its sysfs path: File name too long"
is "  the others are read" "$(jq -r '[.devices[] | select(.reason != "unreadable") | .chardev] | join(" ")' <<< "$json")" "dax0.0 dax1.0 dax3.0"
# a size that is no whole number of K: in bytes, and its column widens
root=$(fixture mixed)
dev=$root/sys/devices/platform/hmem.2/dax2.0
echo 1099511627777 > "$dev/size"
printf '%#x\n' $((0x200000000 + 1099511627777 - 1)) > "$dev/mapping0/end"
out=$("$dp" --root "$root" --config "$pol" status dax2.0 dax3.0)
has "a wide size fits its column" "$out" "DEVICE REGION          SIZE NODE RESOURCE    MODE    WANT    RULE  STATE MEMORY
dax2.0      2 1099511627777    1 0x200000000 unbound unbound spare ok    -
dax3.0      3          250M    0 0x240600000 devdax  devdax  pmem  ok    -"
long=$(conf long.conf <<'EOF'
[rule a-rule-name-longer-than-sixteen]
device = dax1.0
mode = devdax
EOF
)
out=$("$dp" --root "$src/sysfs/mixed" --config "$long" status dax1.0 dax2.0)
has "a long rule name fits its column" "$out" "RULE                            STATE MEMORY
dax1.0      1 512M    1 0x1c0000000 system-ram devdax a-rule-name-longer-than-sixteen drift 4/4 normal
dax2.0      2 512M    1 0x200000000 unbound    keep   (defaults)                      ok    -"
is "json: uuid" "$(jq -r '.devices[3].uuid' <<< "$json")" "805f67b9-154a-45ae-b7c6-02f58b6fb349"
is "json: path" "$(jq -r '.devices[0].path' <<< "$json")" "/sys/devices/platform/hmem.0/dax0.0"
is "json: resource" "$(jq -r '.devices[0].resource' <<< "$json")" "0x180000000"
json=$("$dp" --root "$src/sysfs/mixed" --config "$pol" check --json)
is "check --json lists rules" "$(jq -r '[.rules[].name] | join(",")' <<< "$json")" "pmem,ram,spare"
is "check --json counts matches" "$(jq -r '.rules[2].devices_matched' <<< "$json")" 2
is "  and [defaults]" "$(jq -r '.default_devices_matched' <<< "$json")" 0

# --- check: how many devices each rule decides ---
counts=$(conf counts.conf <<'EOF'
[defaults]
mode = devdax
[rule spare]
region = 0,2
mode = none
[rule late]
device = dax0.0
mode = fsdev
[rule nothing]
device = dax9.9
mode = devdax
[rule never]
region = 0,2
device = dax2.0
mode = devdax
EOF
)
out=$("$dp" --root "$src/sysfs/mixed" --config "$counts" check 2>&1); is "check counts devices: exit 0" "$?" 0
has "  a rule shadowed by an earlier one (a config warning) decides none" "$out" "$counts:12: warning: rule 'never' can never match: rule 'spare' ($counts:3) matches every device it does"
has "  and says it" "$out" "rule never   device=dax2.0 region=0,2 -> devdax, decides 0 devices  ($counts:12)
$counts:12: warning: rule 'never' decides no device: earlier rules decide the 1 it matches"
has "  [defaults] decides what no rule matches" "$out" "defaults: mode=devdax online=movable, decides 2 devices"
has "  a rule, and its name column as wide as the longest" "$out" "rule spare   region=0,2 -> unbound, decides 2 devices  ($counts:3)"
has "  a rule whose devices an earlier one decides counts none" "$out" "rule late    device=dax0.0 -> fsdev, decides 0 devices  ($counts:6)
$counts:6: warning: rule 'late' decides no device: earlier rules decide the 1 it matches"
has "  a rule matching nothing" "$out" "rule nothing device=dax9.9 -> devdax, decides 0 devices  ($counts:9)
$counts:9: warning: rule 'nothing' matches no present device"
json=$("$dp" --root "$src/sysfs/mixed" --config "$counts" check --json)
is "  in JSON: devices_matched per rule, default_devices_matched" \
	"$(jq -c '[.default_devices_matched, (.rules[] | .devices_matched)]' <<< "$json")" '[2,2,0,0,0]'
mkdir -p "$tmp/nobus/sys"
out=$("$dp" --root "$tmp/nobus" --config "$counts" check 2>&1); is "check without a dax bus: exit 0" "$?" 0
has "  says the devices were not counted" "$out" "devices not counted: no dax bus: /sys/bus/dax/devices is missing"
if grep -q "decides\|matches no present" <<< "$out"; then notok "  and counts none"; else ok "  and counts none"; fi
root=$(fixture mixed)
rm -r "$root/sys/bus/dax/devices"; echo x > "$root/sys/bus/dax/devices"
out=$("$dp" --root "$root" --config "$counts" check 2>&1); is "check with an unreadable dax bus: exit 0" "$?" 0
has "  says why the devices were not counted" "$out" "devices not counted: cannot read /sys/bus/dax/devices: Not a directory"
json=$("$dp" --root "$tmp/nobus" --config "$counts" check --json)
is "  in JSON: null counts and the warning" "$(jq -c '[.default_devices_matched, .rules[0].devices_matched, .warnings[0]]' <<< "$json")" \
	'[null,null,"devices not counted: no dax bus: /sys/bus/dax/devices is missing"]'

# --- explain ---
out=$("$dp" --root "$src/sysfs/mixed" --config "$pol" explain dax2.0); is "explain: exit 0" "$?" 0
has "explain: uuid reason" "$out" "rule pmem ($pol:1): no match: uuid (none) is not 805f67b9-154a-45ae-b7c6-02f58b6fb349"
has "explain: device reason" "$out" "rule ram ($pol:4): no match: device dax2.0 does not match 'dax1.0'"
has "explain: the match" "$out" "rule spare ($pol:8): matches -> mode unbound"
json=$("$dp" --root "$src/sysfs/mixed" --config "$pol" explain --json dax2.0)
is "explain --json" "$(jq -r '.rule + " " + (.rules | map(.matched | tostring) | join(","))' <<< "$json")" "spare false,false,true"
is "explain --json: chardev, wanted_mode, no errors" "$(jq -c '[.chardev, .wanted_mode, .errors]' <<< "$json")" '["dax2.0","unbound",[]]'

# --- apply --dry-run: the exact writes, in order ---
root=$(fixture mixed)
out=$("$dp" --root "$root" --config "$pol" apply --dry-run dax0.0 dax1.0); is "dry-run: exit 0" "$?" 0
want='dax0.0: devdax -> unbound
  write remove_id  dax0.0 > /sys/bus/dax/drivers/device_dax/remove_id
  write unbind     dax0.0 > /sys/bus/dax/drivers/device_dax/unbind
  write scrub      dax0.0 > /sys/bus/dax/drivers/kmem/remove_id
dax1.0: system-ram, its memory blocks -> online movable
  write offline    offline > /sys/devices/system/memory/memory56/state
  write online     online_movable > /sys/devices/system/memory/memory56/state'
has "dry-run: devdax -> none writes; a zone fix says what it changes" "$out" "$want"
has "dry-run: the last line says changes are pending (exit 0: 4 is status's)" "$out" "
dry run: 2 devices would change; nothing was changed"
has "dry-run: memory fix planned" "$out" "dax1.0: drift: would online memory movable"
mem=$(conf mem.conf <<'EOF'
[rule r]
device = dax1.0
mode = devdax
EOF
)
out=$("$dp" --root "$root" --config "$mem" apply --dry-run)
want='dax1.0: system-ram -> devdax
  write offline    offline > /sys/devices/system/memory/memory56/state
  write offline    offline > /sys/devices/system/memory/memory57/state
  write offline    offline > /sys/devices/system/memory/memory58/state
  write offline    offline > /sys/devices/system/memory/memory59/state
  write remove_id  dax1.0 > /sys/bus/dax/drivers/kmem/remove_id
  write unbind     dax1.0 > /sys/bus/dax/drivers/kmem/unbind
  write bind       dax1.0 > /sys/bus/dax/drivers/device_dax/bind
  if device_dax does not take dax1.0 by itself:
  write new_id     dax1.0 > /sys/bus/dax/drivers/device_dax/new_id
  write bind       dax1.0 > /sys/bus/dax/drivers/device_dax/bind'
has "dry-run: system-ram -> devdax offlines every block first, bind before new_id" "$out" "$want"
is "dry-run wrote nothing" "$(cat "$root/sys/devices/system/memory/memory56/state")" "online"
fsd=$(conf fsd.conf <<'EOF'
[rule f]
device = dax3.0
mode = fsdev
EOF
)
out=$("$dp" --root "$(fixture fsdev)" --config "$fsd" apply --dry-run)
want='dax3.0: devdax -> fsdev
  write remove_id  dax3.0 > /sys/bus/dax/drivers/device_dax/remove_id
  write unbind     dax3.0 > /sys/bus/dax/drivers/device_dax/unbind
  write scrub      dax3.0 > /sys/bus/dax/drivers/kmem/remove_id
  write new_id     dax3.0 > /sys/bus/dax/drivers/fsdev_dax/new_id
  write bind       dax3.0 > /sys/bus/dax/drivers/fsdev_dax/bind
dax3.0: drift'
has "dry-run: devdax -> fsdev: new_id first (fsdev_dax takes a device only by its id), no bind tried before it" "$out" "$want"
root=$(fixture mixed)

# --- busy: a process maps /dev/dax3.0 ---
# Holders are told by device number, so real files stand in for the nodes:
# dax3.0 is given /dev/null's number, and /dev/dax3.0 under the root is a
# link to /dev/null (whose filesystem and inode a mapping of it shows).
read -r rmaj rmin <<< "$(stat -c '%t %T' /dev/null)"
echo "$((16#$rmaj)):$((16#$rmin))" > "$root/sys/bus/dax/devices/dax3.0/dev"
mkdir -p "$root/proc/4242/fd" "$root/proc/1" "$root/dev"
ln -s /dev/null "$root/dev/dax3.0"
null_fs=$(printf '%02x:%02x' $(stat -c '%Hd %Ld' /dev/null)) null_ino=$(stat -c %i /dev/null)
echo holder > "$root/proc/4242/comm"
ln -s "/usr/bin/holder (deleted)" "$root/proc/4242/exe"	# a live process's, its binary replaced
echo "7f0000000000-7f0040000000 rw-s 00000000 $null_fs $null_ino /dev/dax3.0" > "$root/proc/4242/maps"
: > "$root/proc/1/mountinfo"
busy=$(conf busy.conf <<'EOF'
[rule r]
device = dax3.0
mode = system-ram
destroy-pmem-data = yes
EOF
)
out=$("$dp" --root "$root" --config "$busy" status); is "status of a mapped device: exit 4" "$?" 4
has "status names the process" "$out" "dax3.0: busy: in use: pid 4242 (holder, mapped)"
is "  reason: in-use" "$("$dp" --root "$root" --config "$busy" status --json dax3.0 | jq -r '.devices[0] | .state + " " + .reason')" "busy in-use"
out=$("$dp" --root "$root" --config "$busy" apply --dry-run 2>&1); is "apply of a mapped device: exit 3" "$?" 3
has "apply refuses, naming the process" "$out" "dax3.0: busy: /dev/dax3.0 is in use: pid 4242 (holder, mapped); not leaving devdax (--force overrides)"
if grep -q "write" <<< "$out"; then notok "busy: no write"; else ok "busy: no write"; fi
out=$("$dp" --root "$root" --config "$busy" apply --dry-run --force 2>&1); is "--force: exit 0" "$?" 0
has "--force warns" "$out" "--force: switching although in use by pid 4242 (holder, mapped)"
has "--force switches" "$out" "write new_id     dax3.0 > /sys/bus/dax/drivers/kmem/new_id"
tofs=$(conf tofs.conf <<'EOF'
[rule r]
device = dax3.0
mode = fsdev
EOF
)
out=$("$dp" --root "$root" --config "$tofs" apply --dry-run --force 2>&1); is "devdax -> fsdev while mapped: --force does not override" "$?" 3
is "  (fsdev_dax refuses it, and device_dax could not take it back)" "$(grep '^dax3.0: busy' <<< "$out")" "dax3.0: busy: /dev/dax3.0 is in use: pid 4242 (holder, mapped); not leaving devdax: the new driver is not bound under an open file, --force or not"
# dax1.0 (system-ram) with a file still open from its devdax days (after a
# forced switch): device_dax must not be bound under it; /dev/zero stands in
read -r zmaj zmin <<< "$(stat -c '%t %T' /dev/zero)"
echo "$((16#$zmaj)):$((16#$zmin))" > "$root/sys/bus/dax/devices/dax1.0/dev"
ln -s /dev/zero "$root/dev/dax1.0"
mkdir -p "$root/proc/4243/fd"
echo stale > "$root/proc/4243/comm"
ln -s /usr/bin/stale "$root/proc/4243/exe"
ln -s /dev/zero "$root/proc/4243/fd/5"
back=$(conf back.conf <<'EOF'
[rule r]
device = dax1.0
mode = devdax
EOF
)
out=$("$dp" --root "$root" --config "$back" status dax1.0); is "system-ram, its node still open, policy devdax: status exit 4" "$?" 4
has "  status names the process" "$out" "dax1.0: busy: in use: pid 4243 (stale, open)"
for force in "" --force; do
	out=$("$dp" --root "$root" --config "$back" apply --dry-run $force dax1.0 2>&1); is "  apply ${force:-without --force}: exit 3" "$?" 3
	has "  not binding device_dax under the open file" "$out" "dax1.0: busy: /dev/dax1.0 is still open from an earlier driver: pid 4243 (stale, open); not binding device_dax until it is closed"
	if grep -q "write" <<< "$out"; then notok "  nothing written"; else ok "  nothing written"; fi
done
none=$(conf none.conf <<'EOF'
[rule r]
device = dax1.0
mode = none
EOF
)
out=$("$dp" --root "$root" --config "$none" apply --dry-run dax1.0 2>&1); is "  leaving system-ram for none is not held up by it" "$?" 0
has "  (unbinds)" "$out" "write unbind     dax1.0 > /sys/bus/dax/drivers/kmem/unbind"
rm -r "$root/proc/4243" "$root/dev/dax1.0"
rm "$root/sys/bus/dax/devices/dax1.0/dev"
out=$("$dp" --root "$root" --config "$back" apply --dry-run dax1.0 2>&1); is "  a number that cannot be read is not taken for an open file (out of system-ram)" "$?" 0
is "  status agrees: drift, not busy" "$("$dp" --root "$root" --config "$back" status --json dax1.0 | jq -r '.devices[0] | .state + " " + .reason')" "drift wrong-mode"
has "  (binds device_dax)" "$out" "write bind       dax1.0 > /sys/bus/dax/drivers/device_dax/bind"
echo "7f0000000000-7f0040000000 rw-s 00000000 $null_fs $null_ino /srv/container/dev/dax (deleted)" > "$root/proc/4242/maps"
out=$("$dp" --root "$root" --config "$busy" status); has "a mapping is told by filesystem and inode, not by name (a container's deleted node)" "$out" "dax3.0: busy: in use: pid 4242 (holder, mapped)"
echo "7f0000000000-7f0040000000 rw-s 00000000 00:05 1234 /dev/dax3.0" > "$root/proc/4242/maps"
"$dp" --root "$root" --config "$busy" status >/dev/null; is "  and a mapping of another file that is called /dev/dax3.0 is not the device" "$?" 4
out=$("$dp" --root "$root" --config "$busy" status); if grep -q busy <<< "$out"; then notok "  (not busy)"; else ok "  (not busy)"; fi
rm "$root/dev/dax3.0"
mkdir -p "$root/proc/4242/map_files"
ln -s /dev/null "$root/proc/4242/map_files/7f0000000000-7f0040000000"
echo "7f0000000000-7f0040000000 rw-s 00000000 00:99 77 /tmp/made-with-mknod" > "$root/proc/4242/maps"
out=$("$dp" --root "$root" --config "$busy" status); has "a mapping of a node made elsewhere, closed since: map_files tells" "$out" "dax3.0: busy: in use: pid 4242 (holder, mapped)"
# a daemon's maps run to tens of kilobytes: asked for 64 KiB at a time, not
# the file's block size (/proc's is 1 KiB; the kernel gives up to a page a
# read there, this regular file comes whole)
for i in $(seq 400); do
	printf '7f%010x-7f%010x r-xp 00000000 08:01 %d                    /usr/lib/x86_64-linux-gnu/libexample-%d.so\n' "$((i * 4096))" "$((i * 4096 + 4096))" "$((1000 + i))" "$i"
done > "$root/proc/4242/maps"
echo "7f0000000000-7f0040000000 rw-s 00000000 00:99 77 /tmp/made-with-mknod" >> "$root/proc/4242/maps"
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -y -e trace=read -o "$tmp/trace" \
	"$dp" --root "$root" --config "$busy" status >"$tmp/out" 2>&1
has "a mapping after 400 others ($(($(wc -c < "$root/proc/4242/maps") / 1024)) KiB of maps) is found" "$(cat "$tmp/out")" "pid 4242 (holder, mapped)"
is "  the maps read 64 KiB at a time: one read and the one that finds its end" "$(grep -c '4242/maps>.*, 65536) = ' "$tmp/trace")" 2
rm -r "$root/proc/4242/maps" "$root/proc/4242/map_files"
ln -s /dev/null "$root/proc/4242/fd/3"
out=$("$dp" --root "$root" --config "$busy" status); has "an open fd is busy too, by number whatever its name" "$out" "pid 4242 (holder, open)"
# a kernel thread (or a process whose exit let go of its memory): no exe
mkdir -p "$root/proc/7/fd"
echo kthreadd > "$root/proc/7/comm"
ln -s /dev/null "$root/proc/7/fd/3"
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -e trace=openat -o "$tmp/trace" \
	"$dp" --root "$root" --config "$busy" status >"$tmp/out" 2>&1
if grep -q "pid 7 " "$tmp/out"; then notok "a process without an exe link is not scanned"; else ok "a process without an exe link is not scanned"; fi
is "  neither its fds nor its maps opened" "$(grep -cE "/proc/7/(fd|maps)" "$tmp/trace")" 0
has "  while the one with it still is" "$(cat "$tmp/out")" "pid 4242 (holder, open)"
rm -r "$root/proc/7"
if type -P strace >/dev/null; then
	all=$(conf all.conf <<'EOF'
[defaults]
mode = none
EOF
)
	strace -f -qq -e trace=openat -o "$tmp/strace" "$dp" --root "$root" --config "$all" status >/dev/null 2>&1
	is "  /proc is read once for all devices, not once per device" "$(grep -c "\"$root/proc\", .*O_DIRECTORY" "$tmp/strace")" 1
	strace -f -qq -e trace=readlink,readlinkat -o "$tmp/strace" "$dp" --root "$root" --config "$all" status >/dev/null 2>&1
	is "  a process's exe link is read once, for its fds and its maps both" \
		"$(grep -c "\"$root/proc/4242/exe\"" "$tmp/strace")" 1
	# the live /sys: an attribute is opened and read, no fstat between (sysfs
	# has no FIFO or device node); under --root every file is checked
	if [ -r /sys/devices/system/memory/block_size_bytes ]; then
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -qq -e trace=openat,read,fstat,newfstatat,statx \
			-o "$tmp/strace" "$dp" --config "$all" status >/dev/null 2>&1
		is "  live /sys: block_size_bytes opened, then read" \
			"$(grep -A1 '"/sys/devices/system/memory/block_size_bytes"' "$tmp/strace" | sed -n '2s/(.*//p')" read
		ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -qq -e trace=openat,read,fstat,newfstatat,statx \
			-o "$tmp/strace" "$dp" --root "$root" --config "$all" status >/dev/null 2>&1
		is "  under --root: opened, then checked" \
			"$(grep -A1 "\"$root/sys/devices/system/memory/block_size_bytes\"" "$tmp/strace" | sed -n '2s/(.*//p')" newfstatat
	else
		ok "# SKIP no live memory blocks: live /sys reads"
		ok "# SKIP no live memory blocks: live /sys reads"
	fi
else
	ok "# SKIP strace missing: /proc read once"
fi
echo "36 25 0:50 / /mnt/famfs rw - famfs /dev/dax3.0 rw" > "$root/proc/1/mountinfo"
rm "$root/proc/4242/fd/3"
out=$("$dp" --root "$root" --config "$busy" apply --dry-run --force 2>&1); is "mounted: --force does not override" "$?" 3
has "mount named" "$out" "mounted on /mnt/famfs"

# --- the test hooks (tests/preload/test-hooks.c): kill or fail at a step ---
# dax-policy under the LD_PRELOAD shim; a sanitized build wants its own
# runtime first in the list, the shim does not mind coming first
hooked() {
	LD_PRELOAD=$hooks ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 "$dp" "$@"
}
drv() { cat "$root/sys/bus/dax/drivers/$1/$2"; }
none=$(conf none.conf <<'EOF'
[rule r]
device = dax0.0
mode = none
EOF
)
root=$(fixture mixed)
DAX_POLICY_TEST_KILL_AFTER=unbind hooked --root "$root" --config "$none" apply >/dev/null 2>&1
is "killed after unbind: SIGKILL" "$?" 137
is "  remove_id and unbind written, no scrub yet" "$(drv device_dax remove_id)/$(drv device_dax unbind)/$(drv kmem remove_id)" "dax0.0/dax0.0/"
root=$(fixture mixed)
DAX_POLICY_TEST_KILL_AFTER=scrub hooked --root "$root" --config "$none" apply >/dev/null 2>&1
is "killed after scrub: remove_id on another driver is the scrub" "$?/$(drv kmem remove_id)" "137/dax0.0"
root=$(fixture mixed)
DAX_POLICY_TEST_KILL_AFTER=remove_id:2 hooked --root "$root" --config "$none" apply >/dev/null 2>&1
is "remove_id:2 never comes: the scrub is not counted as remove_id" "$?" 3
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_FAIL=new_id hooked --root "$root" --config "$mem" apply dax1.0 2>&1)
is "failed new_id: exit 3" "$?" 3
has "  undone, named" "$out" "dax1.0: error: new_id on device_dax failed: Input/output error; switching system-ram -> devdax undone, device is system-ram"
is "  new_id file untouched" "$(drv device_dax new_id)" ""
root=$(fixture mixed)
json=$(DAX_POLICY_TEST_FAIL=new_id hooked --root "$root" --config "$mem" apply --json dax1.0 2>/dev/null)
is "  in JSON: state error, reason failed; undone, so not changed" "$(jq -c '.devices[0] | [.state, .reason, .changed]' <<< "$json")" '["error","failed",false]'

ram2=$(conf ram2.conf <<'EOF'
[rule r]
device = dax2.0
mode = system-ram
EOF
)
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_FAIL=bind hooked --root "$root" --config "$ram2" apply dax2.0 2>&1)
is "unbound -> system-ram, bind fails: exit 3" "$?" 3
has "  undone" "$out" "switching unbound -> system-ram undone, device is unbound"
is "  the new_id written to kmem is scrubbed: no later probe binds it there" "$(drv kmem new_id)/$(drv kmem remove_id)" "dax2.0/dax2.0"

# a forced switch whose new driver fails: device_dax is not bound again
# under the file still open on the node (it would be miscounted)
held=$(sed 's/^device = dax3\.0$/device = dax0.0/' "$busy" | conf held.conf)
root=$(fixture mixed)
echo "$((16#$rmaj)):$((16#$rmin))" > "$root/sys/bus/dax/devices/dax0.0/dev"
mkdir -p "$root/proc/4242/fd" "$root/proc/1" "$root/dev"
: > "$root/proc/1/mountinfo"
echo holder > "$root/proc/4242/comm"
ln -s /usr/bin/holder "$root/proc/4242/exe"
ln -s /dev/null "$root/dev/dax0.0"
ln -s /dev/null "$root/proc/4242/fd/3"
out=$(DAX_POLICY_TEST_BUS=dax0.0 DAX_POLICY_TEST_BUS_IDS_ONLY=kmem DAX_POLICY_TEST_FAIL=new_id hooked --root "$root" --config "$held" apply --force dax0.0 2>&1)
is "forced devdax -> system-ram, open, kmem's first new_id fails: exit 0" "$?" 0
has "  device_dax is not bound again under the open file" "$out" "dax-policy: error: dax0.0: not binding device_dax again while /dev/dax0.0 may be open; close it and apply again"
is "  nothing written to device_dax's new_id or bind" "$(drv device_dax new_id)$(drv device_dax bind)" ""
has "  the retry finds it unbound and finishes the change" "$out" "dax0.0: ok: unbound -> system-ram"
is "  dax0.0 is kmem" "$(basename "$(readlink "$root/sys/bus/dax/devices/dax0.0/driver")")" kmem

# A new_id attaches the driver to every unbound device it matches (6.12
# matches kmem by device type): a device put in its mode earlier in the run,
# or already in it, may be taken. It is changed back.
grab=$(conf grab.conf <<'EOF'
[rule ram]
device = dax0.0
mode = system-ram
[rule off]
device = dax2.0
mode = none
EOF
)
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_BUS=dax2.0 DAX_POLICY_TEST_BUS_IDS_ONLY=kmem hooked --root "$root" --config "$grab" apply 2>&1)
is "kmem's new_id takes an unbound device too: apply still exits 0" "$?" 0
is "  dax0.0 is kmem" "$(basename "$(readlink "$root/sys/bus/dax/devices/dax0.0/driver")")" kmem
is "  dax2.0, meant to be without a driver, is unbound again" "$(readlink "$root/sys/bus/dax/devices/dax2.0/driver")" ""
has "  and says so" "$out" "dax2.0: kmem took it along with dax0.0; unbinding it again"
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_BUS=dax2.0 hooked --root "$root" --config "$grab" apply 2>&1)
is "a driver that takes the device by itself gets bind alone: no new_id" "$(cat "$root/sys/bus/dax/drivers/kmem/new_id")" ""
is "  so dax2.0 is never taken" "$(readlink "$root/sys/bus/dax/devices/dax2.0/driver")" ""
root=$(fixture mixed)
json=$(DAX_POLICY_TEST_BUS=dax2.0 hooked --root "$root" --config "$grab" apply --json 2>/dev/null)
is "  in JSON: dax0.0 changed, now in policy" "$(jq -c '.devices[] | select(.chardev == "dax0.0") | [.changed, .state, .reason, .mode]' <<< "$json")" '[true,"ok","in-policy","system-ram"]'

# a device another agent moves to the driver while new_id is written is not
# collateral: it stays where that agent put it
grab2=$(conf grab2.conf <<'EOF'
[rule ram]
device = dax0.0
mode = system-ram
EOF
)
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_BUS=dax2.0 DAX_POLICY_TEST_BUS_IDS_ONLY=kmem DAX_POLICY_TEST_BUS_MOVE=dax3.0 hooked --root "$root" --config "$grab2" apply dax0.0 2>&1)
is "moved to kmem by another agent meanwhile: left there" "$(basename "$(readlink "$root/sys/bus/dax/devices/dax3.0/driver")")" kmem
if [[ "$out" == *"dax3.0: kmem took it along"* ]]; then notok "  not taken for collateral"; else ok "  not taken for collateral"; fi
is "  the unbound one new_id took is given up" "$(readlink "$root/sys/bus/dax/devices/dax2.0/driver")" ""

# --- memory that cannot be offlined: the blocks offlined so far come back ---
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_FAIL=offline:3 hooked -vv --root "$root" --config "$mem" apply dax1.0 2>&1)
is "offline failure: exit 3" "$?" 3
has "names the block" "$out" "dax1.0: busy: memory block memory58 cannot be offlined: Input/output error; every block is online again, dax1.0 stays system-ram"
has "first block onlined again" "$out" "restore: write 'online_kernel' to /sys/devices/system/memory/memory56/state"
has "second block onlined again" "$out" "restore: write 'online_kernel' to /sys/devices/system/memory/memory57/state"
if grep -q "remove_id\|unbind" <<< "$out"; then notok "driver untouched"; else ok "driver untouched"; fi
root=$(fixture mixed)
json=$(DAX_POLICY_TEST_FAIL=offline:3 hooked --root "$root" --config "$mem" apply --json dax1.0 2>/dev/null)
is "  in JSON: state busy, reason memory-busy" "$(jq -c '.devices[0] | [.state, .reason]' <<< "$json")" '["busy","memory-busy"]'
is "the failed block's file is left as it was" "$(cat "$root/sys/devices/system/memory/memory58/state")" "online"
root=$(fixture mixed)
DAX_POLICY_TEST_FAIL=offline:3 DAX_POLICY_TEST_KILL_AFTER=restore hooked --root "$root" --config "$mem" apply dax1.0 >/dev/null 2>&1
is "onlining a block again after a failure is the restore step" "$?" 137
m=$root/sys/devices/system/memory
is "  killed after the first" "$(cat "$m/memory56/state") $(cat "$m/memory57/state")" "online_kernel offline"

# --- -v counts memory blocks, -vv shows each write ---
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_BUS= hooked -v --root "$root" --config "$mem" apply dax1.0 2>&1)
is "-v: no line per memory block written" "$(grep -c "write 'offline'" <<< "$out")" 0
has "  a count per device instead" "$out" "dax-policy: dax1.0: 4 memory blocks offlined"
has "  the driver writes still traced" "$out" "unbind: write 'dax1.0' to /sys/bus/dax/drivers/kmem/unbind"
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_BUS= hooked -vv --root "$root" --config "$mem" apply dax1.0 2>&1)
is "-vv: every memory block written" "$(grep -c "offline: write 'offline' to /sys/devices/system/memory/memory5[6-9]/state" <<< "$out")" 4

# --- under --root, a write never leaves the tree through a link ---
root=$(fixture mixed)
printf 'precious\n' > "$tmp/victim"
rm "$root/sys/bus/dax/drivers/kmem/unbind"
ln -s "$tmp/victim" "$root/sys/bus/dax/drivers/kmem/unbind"
out=$(DAX_POLICY_TEST_BUS= hooked --root "$root" --config "$mem" apply dax1.0 2>&1)
is "kmem/unbind a link out of the tree: exit 3" "$?" 3
has "  the write refused, named" "$out" "unbind from kmem failed: Too many levels of symbolic links"
is "  the file it names untouched" "$(cat "$tmp/victim")" "precious"
root=$(fixture mixed)
mkdir -p "$tmp/elsewhere"
cp -a "$root/sys/bus/dax/drivers/kmem/." "$tmp/elsewhere/"
printf 'precious\n' > "$tmp/elsewhere/remove_id"
rm -r "$root/sys/bus/dax/drivers/kmem"
ln -s "$tmp/elsewhere" "$root/sys/bus/dax/drivers/kmem"
out=$(DAX_POLICY_TEST_BUS= hooked --root "$root" --config "$mem" apply dax1.0 2>&1)
is "the driver's directory a link out of the tree: exit 3" "$?" 3
has "  the write refused, named" "$out" "remove_id on kmem failed: Invalid cross-device link"
is "  the file there untouched" "$(cat "$tmp/elsewhere/remove_id")" "precious"
rm -r "$tmp/elsewhere" "$tmp/victim"
# --- nor a read: an attribute, a directory or /proc that leads out of the
# tree (by an absolute link or by '..') is not read, and says so ---
root=$(fixture mixed)
printf '4242424242\n' > "$tmp/secret"
sysdev=$root/sys/devices/platform/hmem.0/dax0.0
rm "$sysdev/size"; ln -s "$tmp/secret" "$sysdev/size"
out=$("$dp" --root "$root" status dax0.0 2>&1)
is "size a link out of the tree: exit 4" "$?" 4
has "  not read, the device and the file named" "$out" "dax0.0: error: cannot read its size: Invalid cross-device link"
if [[ "$out" == *4242424242* ]]; then notok "  what it names does not show"; else ok "  what it names does not show"; fi
rm "$sysdev/size"; ln -s "$(printf '../%.0s' {1..20})${tmp#/}/secret" "$sysdev/size"
out=$("$dp" --root "$root" status dax0.0 2>&1)
has "  the same by '..'" "$out" "dax0.0: error: cannot read its size: Invalid cross-device link"
# without openat2 (an old kernel, a seccomp filter) or when it keeps
# answering EAGAIN: the same, by the file's real path
for e in ENOSYS EPERM EAGAIN; do
	out=$(DAX_POLICY_TEST_OPENAT2=$e hooked --root "$root" status dax0.0 2>&1)
	has "  openat2 failing with $e: the same" "$out" "dax0.0: error: cannot read its size: Invalid cross-device link"
done
rm "$sysdev/size"; echo 536870912 > "$sysdev/size"
out=$(DAX_POLICY_TEST_OPENAT2=ENOSYS hooked --root "$root" status 2>&1)
is "  and a tree without such links reads as before: exit 0" "$?" 0
has "  (every device listed)" "$out" "dax3.0"
root=$(fixture mixed)
mkdir -p "$tmp/outside-bus"
cp -a "$root/sys/bus/dax/devices/." "$tmp/outside-bus/"
rm -r "$root/sys/bus/dax/devices"; ln -s "$tmp/outside-bus" "$root/sys/bus/dax/devices"
out=$("$dp" --root "$root" status 2>&1)
is "the bus's device directory a link out of the tree: not listed, exit 3" "$?" 3
has "  and says why" "$out" "error: cannot read /sys/bus/dax: Invalid cross-device link"
rm -r "$tmp/outside-bus"
root=$(fixture mixed)
rm -rf "$root/proc"; ln -s /proc "$root/proc"
out=$("$dp" --root "$root" --config "$busy" apply --dry-run dax3.0 2>&1)
is "/proc a link out of the tree: the live processes are not scanned, exit 3" "$?" 3
has "  who holds the node cannot be told, and why" "$out" \
	"dax3.0: busy: /dev/dax3.0 is in use: who holds it cannot be told (/proc leads out of the --root tree)"
rm "$tmp/secret"
# a longer value before is cut to what was written, and only once it is written
root=$(fixture mixed)
printf 'a-much-longer-value-than-any\n' > "$root/sys/bus/dax/drivers/kmem/unbind"
DAX_POLICY_TEST_BUS= hooked --root "$root" --config "$mem" apply dax1.0 >/dev/null 2>&1
is "a step file holds exactly what was written" "$(cat "$root/sys/bus/dax/drivers/kmem/unbind")" "dax1.0"

# --- a device of few blocks has them read by number, not by listing every
# block of the machine for each change ---
if type -P strace >/dev/null; then
	root=$(fixture mixed)
	LD_PRELOAD=$hooks ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0 \
		DAX_POLICY_TEST_BUS= strace -f -qq -e trace=openat -o "$tmp/strace" \
		"$dp" --root "$root" --config "$mem" apply dax1.0 >/dev/null 2>&1
	is "system-ram -> devdax: exit 0" "$?" 0
	is "  the memory blocks listed once (the snapshot), not per step" \
		"$(grep -c "\"$root/sys/devices/system/memory\", .*O_DIRECTORY" "$tmp/strace")" 1
	is "  each of its blocks written" \
		"$(grep -c "\"$root/sys/devices/system/memory/memory5[6-9]/state\", O_WRONLY" "$tmp/strace")" 4
else
	ok "# SKIP strace missing: blocks by number"
	ok "# SKIP strace missing: blocks by number"
	ok "# SKIP strace missing: blocks by number"
fi
# a block gone (hot-removed) is skipped, by number as by listing
root=$(fixture mixed)
rm -r "$root/sys/devices/system/memory/memory58"
out=$(DAX_POLICY_TEST_BUS= hooked -v --root "$root" --config "$mem" apply dax1.0 2>&1)
is "a block missing: exit 0" "$?" 0
has "  the three there offlined" "$out" "dax-policy: dax1.0: 3 memory blocks offlined"
# ranges of more blocks than a device of few: listed, not tried one by one
# (dax1.0 claims 1 TiB, 8192 blocks, of which the four of the fixture exist)
if type -P strace >/dev/null; then
	root=$(fixture mixed)
	d=$(readlink -f "$root/sys/bus/dax/devices/dax1.0")
	echo 1099511627776 > "$d/size"
	echo 0x101bfffffff > "$d/mapping0/end"
	LD_PRELOAD=$hooks ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0:detect_leaks=0 \
		DAX_POLICY_TEST_BUS= strace -f -qq -e trace=openat -o "$tmp/strace" \
		"$dp" -v --root "$root" --config "$mem" apply dax1.0 > "$tmp/out" 2>&1
	is "1 TiB of ranges, 4 blocks there: exit 0" "$?" 0
	has "  the four offlined" "$(cat "$tmp/out")" "dax-policy: dax1.0: 4 memory blocks offlined"
	opens=$(grep -c '/sys/devices/system/memory/memory[0-9]*/state"' "$tmp/strace")
	if [ "$opens" -le 64 ]; then ok "  block states opened $opens times, not once per block of the ranges"
	else notok "  block states opened $opens times, once per block of the ranges"; fi
else
	ok "# SKIP strace missing: a device of many blocks"
	ok "# SKIP strace missing: a device of many blocks"
	ok "# SKIP strace missing: a device of many blocks"
fi

# --- progress of memory work: a line on a terminal, nothing on a pipe ---
if command -v script >/dev/null; then
	root=$(fixture mixed)
	# script(1) runs it on a pseudo-terminal and copies what it shows
	out=$(script -qec "$(printf '%q ' "$dp" --root "$root" --config "$mem" apply dax1.0)" /dev/null)
	has "terminal: the block being offlined, out of the device's" "$out" $'\rdax1.0: offlining block 1/4\e[K'
	has "  the line cleared at the end" "$out" $'\r\e[K'
	root=$(fixture mixed)
	out=$(script -qec "$(printf '%q ' "$dp" -vv --root "$root" --config "$mem" apply dax1.0)" /dev/null)
	if grep -q "offlining block" <<< "$out"; then notok "  not with -vv: the trace is the progress"; else ok "  not with -vv: the trace is the progress"; fi
else
	ok "# SKIP script (util-linux) missing: progress on a terminal"
	ok "# SKIP script (util-linux) missing"
	ok "# SKIP script (util-linux) missing"
fi
root=$(fixture mixed)
out=$("$dp" --root "$root" --config "$mem" apply dax1.0 2>&1 | cat)
if grep -q "offlining block" <<< "$out"; then notok "a pipe gets no progress"; else ok "a pipe gets no progress"; fi

# --- under systemd: journal entries and STATUS= ---
# stdout and stderr are the stream $JOURNAL_STREAM names (its device and
# inode), as systemd gives a service; the shim keeps what is sent to the
# journal's socket and to $NOTIFY_SOCKET in files, an entry per paragraph
journaled() {
	: > "$tmp/stream"; : > "$tmp/journal"; : > "$tmp/notify"
	JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/stream") NOTIFY_SOCKET=/run/dax-policy-test-notify \
		DAX_POLICY_TEST_JOURNAL=$tmp/journal DAX_POLICY_TEST_NOTIFY=$tmp/notify \
		hooked "$@" >> "$tmp/stream" 2>&1
}
# the journal entry (its fields, a line each) that has the line $1
entry() { awk -v RS= -v want="$1" '{ n = split($0, f, "\n"); for (i = 1; i <= n; i++) if (f[i] == want) { print; exit } }' "$tmp/journal"; }
broken=$(conf broken.conf <<'EOF'
[rule a]
device = dax1.0
mode = system-ram
online = sideways
EOF
)
journaled --root "$src/sysfs/mixed" --config "$broken" apply --dry-run
is "journal, broken config: exit 1" "$?" 1
is "  nothing as a plain line on the stream" "$(cat "$tmp/stream")" ""
e=$(entry "CONFIG_LINE=4")
has "  the error an entry at priority err" "$e" "PRIORITY=3"
has "  its text" "$e" "MESSAGE=$broken:4: bad value for online: 'sideways': expected movable, normal or offline"
has "  its file" "$e" "CONFIG_FILE=$broken"
e=$(entry "MESSAGE=configuration has 1 error; nothing applied")
has "  the outcome: priority err" "$e" "PRIORITY=3"
has "  with its MESSAGE_ID" "$e" "MESSAGE_ID=b500d7f4254448d0bfc26d5d43e213c1"
if grep -q "^CODE_" "$tmp/journal"; then notok "  no CODE_FILE, CODE_LINE"; else ok "  no CODE_FILE, CODE_LINE"; fi
# a value with a newline (a drop-in's name may have one) goes in the native
# protocol's binary form: the name, a newline, the length (64 bits, little
# endian), the value, a newline
mkdir -p "$tmp/nl.d"
printf '[defaults]\nmode = devdax\n' > "$tmp/nl"
nlconf=$'a\nb.conf'
printf '[defaults]\nonline = sideways\n' > "$tmp/nl.d/$nlconf"
journaled --root "$src/sysfs/mixed" --config "$tmp/nl" apply --dry-run
is "journal, a drop-in named with a newline: exit 1" "$?" 1
hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
nlpath="$tmp/nl.d/$nlconf"
want=$(hex "CONFIG_FILE")0a$(printf '%02x' "${#nlpath}")00000000000000$(hex "$nlpath")0a
case $(od -An -v -tx1 "$tmp/journal" | tr -d ' \n') in
*"$want"*) ok "  CONFIG_FILE in the binary form, its length first" ;;
*) notok "  CONFIG_FILE in the binary form, its length first" ;;
esac
root=$(fixture mixed)
DAX_POLICY_TEST_BUS= journaled --root "$root" --config "$mem" apply
is "journal, a change: exit 0" "$?" 0
is "  nothing as a plain line on the stream" "$(cat "$tmp/stream")" ""
e=$(entry "DAX_DEVICE=dax1.0")
has "  the changed device: priority notice" "$e" "PRIORITY=5"
has "  the MESSAGE_ID of a change" "$e" "MESSAGE_ID=1064f718902d472a8a4badde234a7143"
has "  what it was" "$e" "DAX_FROM=system-ram"
has "  what it is to be" "$e" "DAX_TO=devdax"
has "  by which rule" "$e" "DAX_RULE=r"
has "  the text a terminal gets" "$e" "MESSAGE=dax1.0: ok: system-ram -> devdax"
e=$(entry "DAX_DEVICE=dax0.0")
has "  a device left alone: priority info" "$e" "PRIORITY=6"
has "  the MESSAGE_ID of unchanged" "$e" "MESSAGE_ID=61df52b114eb44fc811a83277c238e3f"
has "  [defaults] as its rule" "$e" "DAX_RULE=(defaults)"
has "  the summary" "$(entry "MESSAGE=4 dax devices: 1 changed, 3 unchanged")" "PRIORITY=6"
has "  STATUS= while offlining" "$(cat "$tmp/notify")" "STATUS=dax1.0: offlining block 1/4"
is "  STATUS= at the end: the summary" "$(grep STATUS= "$tmp/notify" | tail -1)" "STATUS=4 dax devices: 1 changed, 3 unchanged"
root=$(fixture mixed)
journaled --root "$root" --config "$mem" status
e=$(entry "DAX_DEVICE=dax1.0")
has "journal, status: a device not in its mode at priority warning" "$e" "PRIORITY=4"
has "  the MESSAGE_ID of drift" "$e" "MESSAGE_ID=0b24c6b9d0674e9a92804faffa7296d8"
has "  the table stays on the stream" "$(cat "$tmp/stream")" "dax1.0      1 512M"
root=$(fixture mixed)
DAX_POLICY_TEST_FAIL=offline:3 journaled --root "$root" --config "$mem" apply dax1.0
is "journal, memory that will not offline: exit 3" "$?" 3
e=$(entry "DAX_DEVICE=dax1.0")
has "  priority err" "$e" "PRIORITY=3"
has "  the MESSAGE_ID of busy" "$e" "MESSAGE_ID=6e4164a6a992417aa716abf05efa3816"
has "  the block named" "$e" "memory block memory58 cannot be offlined"
is "  STATUS= at the end" "$(grep STATUS= "$tmp/notify" | tail -1)" "STATUS=1 dax device: 1 busy"
root=$(fixture mixed)
DAX_POLICY_TEST_FAIL=offline:3 journaled -q --root "$root" --config "$mem" apply
is "journal, -q: only the failure" "$(grep -c "^MESSAGE=" "$tmp/journal")" 1
root=$(fixture mixed)
"$dp" --root "$root" hold >/dev/null 2>&1
rm "$root/run/dax-policy/decided"
SERVICE_RESULT=exit-code journaled --root "$root" release dax2.0
e=$(entry "DAX_DEVICE=dax2.0")
has "journal, release: priority warning" "$e" "PRIORITY=4"
has "  the MESSAGE_ID of released" "$e" "MESSAGE_ID=67cab4f8f4904e7ead6bc43823ba7fe9"
has "  from unbound" "$e" "DAX_FROM=unbound"
: > "$tmp/other"
out=$(JOURNAL_STREAM=$(stat -c '%d:%i' "$tmp/other") DAX_POLICY_TEST_JOURNAL=$tmp/journal hooked --root "$src/sysfs/mixed" --config "$broken" apply --dry-run 2>&1)
has "a stream the journal does not read (redirected): plain lines" "$out" "dax-policy: error: configuration has 1 error; nothing applied"
for garbage in "" x "$(stat -c '%d' "$tmp/other")" "$(stat -c '%d:%i' "$tmp/other")x" "1:2:3" "-1:-1"; do
	: > "$tmp/journal"
	out=$(JOURNAL_STREAM=$garbage DAX_POLICY_TEST_JOURNAL=$tmp/journal hooked --root "$src/sysfs/mixed" --config "$broken" apply --dry-run 2>&1)
	is "  JOURNAL_STREAM='$garbage': plain lines, no entry" "$(grep -c -e "broken.conf:4: bad value" -e "^dax-policy: error: configuration has" <<< "$out")/$(wc -c < "$tmp/journal")" "2/0"
done
if command -v journalctl >/dev/null; then
	mkdir -p "$tmp/cat/usr/lib/systemd/catalog"
	cp "$src/../doc/dax-policy.catalog" "$tmp/cat/usr/lib/systemd/catalog/"
	journalctl --root "$tmp/cat" --update-catalog >/dev/null 2>&1
	is "the catalog: journalctl reads every entry" "$(journalctl --root "$tmp/cat" --list-catalog 2>/dev/null | grep -c " dax-policy: ")" 7
	rm -rf "$tmp/cat"
else
	ok "# SKIP journalctl missing: the catalog"
fi

# --- new devices wait for the policy (hold, release) ---
keep=$(conf keep.conf <<'EOF'
[defaults]
mode = keep
EOF
)
root=$(fixture mixed)
bus=$root/sys/bus/dax
out=$("$dp" --root "$root" hold 2>&1); is "hold exits 0" "$?" 0
is "hold: drivers_autoprobe 0" "$(cat "$bus/drivers_autoprobe")" 0
check_marker() { [ -e "$root/run/dax-policy/hold" ] && echo there || echo gone; }
is "hold: the marker dax-policy@.service runs on is there" "$(check_marker)" there
is "hold: devices already there are recorded as decided" "$(cut -d' ' -f1 "$root/run/dax-policy/decided" | tr '\n' ' ')" "dax0.0 dax1.0 dax2.0 dax3.0 "
out=$("$dp" --root "$root" --config "$keep" status 2>&1); is "unbound before the hold, kept: not waiting (status 0)" "$?" 0
# the decided file is never trusted: a line that is not exactly NAME
# INSTANCE (decimal or 0x hex) is skipped, and its device waits
cp "$root/run/dax-policy/decided" "$tmp/decided"
inst=$(sed -n 's/^dax2\.0 //p' "$tmp/decided")
for line in "dax2.0 ${inst}x" "dax2.0 -$inst" "dax2.0" "dax2.0	$inst" "dax2.00 $inst" "dax2.0 0x" \
	"$(printf 'x%.0s' $(seq 130)) dax2.0 $inst"; do
	{ grep -v '^dax2\.0 ' "$tmp/decided"; printf '%s\n' "$line"; } > "$root/run/dax-policy/decided"
	"$dp" --root "$root" --config "$keep" status >/dev/null 2>&1; is "  decided line '${line:0:40}': dax2.0 waits (status 4)" "$?" 4
done
for line in "dax2.0  $inst" "dax2.0 $inst  " "dax2.0 $(printf '0x%x' "$inst")"; do
	{ grep -v '^dax2\.0 ' "$tmp/decided"; printf '%s\n' "$line"; } > "$root/run/dax-policy/decided"
	"$dp" --root "$root" --config "$keep" status >/dev/null 2>&1; is "  decided line '$line': dax2.0 decided (status 0)" "$?" 0
done
cp "$tmp/decided" "$root/run/dax-policy/decided"
rm "$root/run/dax-policy/decided"	# as if dax2.0 appeared after the hold
out=$("$dp" --root "$root" --config "$keep" status 2>&1); is "a new unbound device kept: status 4" "$?" 4
has "  it waits" "$out" "dax2.0: drift: new, waiting for the policy: it gets the kernel's own choice"
is "  reason: waiting" "$("$dp" --root "$root" --config "$keep" status --json dax2.0 | jq -r '.devices[0].reason')" waiting
out=$("$dp" --root "$root" --config "$keep" apply --dry-run 2>&1)
has "dry-run: the kernel's own choice through drivers_probe" "$out" "write probe      dax2.0 > /sys/bus/dax/drivers_probe"
out=$("$dp" --root "$root" --config "$keep" apply 2>&1); is "apply probes it: exit 0" "$?" 0
is "  dax2.0 written to drivers_probe" "$(cat "$bus/drivers_probe")" dax2.0
has "  and recorded as decided" "$(cat "$root/run/dax-policy/decided")" "dax2.0 "
: > "$bus/drivers_probe"
"$dp" --root "$root" --config "$keep" apply >/dev/null 2>&1
is "decided: a second apply does nothing" "$(cat "$bus/drivers_probe")" ""
off=$(conf off.conf <<'EOF'
[rule off]
device = dax2.0
mode = none
EOF
)
rm "$root/run/dax-policy/decided"
"$dp" --root "$root" --config "$off" apply >/dev/null 2>&1; is "waiting, policy none: exit 0" "$?" 0
is "  not probed" "$(cat "$bus/drivers_probe")" ""
has "  decided" "$(cat "$root/run/dax-policy/decided")" "dax2.0 "
rm "$root/run/dax-policy/decided"
SERVICE_RESULT=success "$dp" --root "$root" release dax2.0 >/dev/null 2>&1
is "release DEVICE after a successful unit does nothing" "$(cat "$bus/drivers_probe")" ""
out=$(SERVICE_RESULT=exit-code "$dp" --root "$root" --config "$bad" release dax2.0 2>&1); is "release DEVICE needs no (valid) config" "$?" 0
has "  says the kernel chose" "$out" "dax2.0: no policy decision; the kernel's own choice"
is "  the device probed" "$(cat "$bus/drivers_probe")" dax2.0
is "  the hold stays" "$(cat "$bus/drivers_autoprobe")" 0
: > "$bus/drivers_probe"
"$dp" --root "$root" release >/dev/null 2>&1; is "release: exit 0" "$?" 0
is "  the hold ends" "$(cat "$bus/drivers_autoprobe")" 1
is "  the marker is gone" "$(check_marker)" gone
is "  nothing left waiting to probe" "$(cat "$bus/drivers_probe")" ""
"$dp" --root "$root" hold dax2.0 >/dev/null 2>&1; is "hold takes no device: exit 2" "$?" 2

# The boot run loads the drivers of dax regions that have none yet (what
# udev's coldplug would, in its own time), so that their devices are there
# to decide; only while the hold is in effect, and not for a region whose
# driver's module is loaded. (Under --root nothing is loaded: -v tells.)
root=$(fixture mixed)
plat=$root/sys/bus/platform/devices
mkdir -p "$plat/hmem.0" "$plat/hmem.1" "$root/sys/bus/nd/devices/dax0.0" "$root/sys/bus/cxl/devices/dax_region0" \
	"$root/sys/bus/cxl/devices/dax_region1" "$root/sys/bus/nd/devices/region0"
echo platform:hmem > "$plat/hmem.0/modalias"; echo platform:hmem > "$plat/hmem.1/modalias"
echo nd:t7 > "$root/sys/bus/nd/devices/dax0.0/modalias"
echo nd:t2 > "$root/sys/bus/nd/devices/region0/modalias"
echo cxl:t8 > "$root/sys/bus/cxl/devices/dax_region0/modalias"
echo cxl:t8 > "$root/sys/bus/cxl/devices/dax_region1/modalias"
mkdir -p "$root/sys/bus/cxl/drivers/cxl_dax_region"
ln -s ../../drivers/cxl_dax_region "$root/sys/bus/cxl/devices/dax_region0/driver"
"$dp" --root "$root" hold >/dev/null 2>&1
out=$("$dp" --root "$root" --config "$keep" -v apply 2>&1); is "apply with region drivers to load: exit 0" "$?" 0
has "  hmem: its driver loaded, by its modalias" "$out" "platform/hmem.0: loading its driver (platform:hmem)"
is "  once for all of a bus's regions" "$(grep -c 'platform/hmem' <<< "$out")" 1
has "  an nvdimm dax namespace: dax_pmem" "$out" "nd/dax0.0: loading its driver (nd:t7)"
is "  not for another nd device" "$(grep -c 'nd/region0' <<< "$out")" 0
has "  a CXL dax region without a driver" "$out" "cxl/dax_region1: loading its driver (cxl:t8)"
is "  not one that has its driver" "$(grep -c 'cxl/dax_region0' <<< "$out")" 0
for m in dax_hmem dax_pmem dax_cxl; do mkdir -p "$root/sys/module/$m"; echo coming > "$root/sys/module/$m/initstate"; done
out=$("$dp" --root "$root" --config "$keep" -v apply 2>&1)
is "  modules udev is still loading: loaded (which waits for them)" "$(grep -c 'loading its driver' <<< "$out")" 3
for m in dax_hmem dax_pmem dax_cxl; do echo live > "$root/sys/module/$m/initstate"; done
out=$("$dp" --root "$root" --config "$keep" -v apply 2>&1)
is "  modules loaded already: nothing to load" "$(grep -c 'loading its driver' <<< "$out")" 0
rm "$root/sys/module/dax_hmem/initstate"; mkfifo "$root/sys/module/dax_hmem/initstate"
out=$(timeout 10 "$dp" --root "$root" --config "$keep" -v apply 2>&1); is "  a FIFO as initstate: no hang, exit 0" "$?" 0
has "  and the driver counts as not loaded" "$out" "platform/hmem.0: loading its driver"
rm -r "$root/sys/module/dax_hmem"
out=$("$dp" --root "$root" --config "$keep" -v apply dax0.0 2>&1)
is "  not for a run for some devices (udev's, for a device that is there)" "$(grep -c 'loading its driver' <<< "$out")" 0
out=$("$dp" --root "$root" --config "$keep" -v apply --dry-run 2>&1)
is "  not in a dry run" "$(grep -c 'loading its driver' <<< "$out")" 0
out=$("$dp" --root "$root" --config "$bad" -v apply 2>&1)
is "  a broken configuration: loaded all the same, then nothing applied (exit 1)" "$?" 1
has "  (so the release that follows names each device they make)" "$out" "platform/hmem.0: loading its driver"
out=$("$dp" --root "$root" -v release 2>&1)
is "  release loads nothing (a region driver unloaded on purpose stays so)" "$(grep -c 'loading its driver' <<< "$out")" 0
out=$("$dp" --root "$root" --config "$keep" -v apply 2>&1)
is "  not without the hold: the kernel would bind them before the policy decides" "$(grep -c 'loading its driver' <<< "$out")" 0

# a run for some devices (what udev starts for one) reads only those, and
# keeps every other device's record of being decided
root=$(fixture mixed)
bus=$root/sys/bus/dax
"$dp" --root "$root" hold >/dev/null 2>&1
sed -i '/^dax2\.0 /d' "$root/run/dax-policy/decided"	# dax2.0 appeared after the hold
decided_names() { cut -d' ' -f1 "$root/run/dax-policy/decided" | sort | tr '\n' ' '; }
# (LeakSanitizer cannot run under ptrace)
ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -e trace=openat,open,readlink,newfstatat,access -o "$tmp/trace" \
	"$dp" --root "$root" --config "$keep" apply dax2.0 >/dev/null 2>&1
is "apply DEVICE: exit 0" "$?" 0
is "  the others stay decided" "$(decided_names)" "dax0.0 dax1.0 dax2.0 dax3.0 "
is "  no other device read" "$(grep -c 'dax[013]\.0' "$tmp/trace")" 0
check_read=$(grep -c 'dax2\.0/size' "$tmp/trace"); [ "$check_read" -gt 0 ] && ok "  dax2.0 read" || notok "  dax2.0 read"
sed -i '/^dax2\.0 /d' "$root/run/dax-policy/decided"
SERVICE_RESULT=exit-code "$dp" --root "$root" release dax2.0 >/dev/null 2>&1
is "release DEVICE: the others stay decided" "$(decided_names)" "dax0.0 dax1.0 dax2.0 dax3.0 "
"$dp" --root "$root" --config "$keep" status dax9.0 >/dev/null 2>&1
is "status of a device that is not there: exit 2" "$?" 2

# --- the kernel's auto-onlining is off while kmem is bound ---
root=$(fixture devdax)
m=$root/sys/devices/system/memory
echo online > "$m/auto_online_blocks"
ram=$(conf ram.conf <<'EOF'
[rule r]
device = dax1.0
mode = system-ram
EOF
)
out=$(hooked -v --root "$root" --config "$ram" apply dax1.0 2>&1)
has "auto-onlining off before new_id" "$out" "auto-online: write 'offline' to /sys/devices/system/memory/auto_online_blocks"
has "  and back after the bind" "$out" "auto-online: write 'online' to /sys/devices/system/memory/auto_online_blocks"
is "  left as it was" "$(cat "$m/auto_online_blocks")" online
is "  nothing saved left behind" "$(ls "$root/run/dax-policy/auto_online_blocks" 2>/dev/null)" ""
echo online > "$root/run/dax-policy/auto_online_blocks"
echo offline > "$m/auto_online_blocks"
out=$("$dp" -v --root "$root" --config "$keep" apply 2>&1)
has "a killed run's auto-onlining is put back by the next" "$out" "setting it back to online"
is "  it is online again" "$(cat "$m/auto_online_blocks")" online

# --- the kernel's own onlining against online= (6.12 onlines hot-added memory) ---
root=$(fixture mixed)
echo online > "$root/sys/devices/system/memory/auto_online_blocks"
ram0=$(conf ram0.conf <<'EOF'
[rule ram]
device = dax0.0
mode = system-ram
EOF
)
out=$("$dp" --root "$root" --config "$ram0" check 2>&1)
has "check: the kernel's onlining named" "$out" "warning: the kernel onlines hot-added memory itself (auto_online_blocks=online: in a zone it picks, Normal as a rule)"
has "check: a rule asking another zone, and what dax-policy does" "$out" "rule ram asks online=movable, not what the kernel's onlining gives: dax-policy binds kmem with auto-onlining off"
has "check: a kept device the kernel onlined, and what to do" "$out" "dax1.0: mode keep, system RAM onlined as the kernel chose; online= has no say. For movable memory give it a rule"
out=$("$dp" --root "$root" --config "$ram0" status 2>&1)
has "status says the same" "$out" "memhp_default_state=online_movable"
out=$("$dp" --root "$root" --config "$ram0" --json check 2>&1)
is "check --json carries it as warnings" "$(jq -r '.warnings | length' <<< "$out")" 3

# --- the run lock: none, no change; taken before the policy is read ---
for what in symlink directory "no /run"; do
	root=$(fixture mixed)
	case $what in
	symlink) ln -s /tmp/elsewhere "$root/run/dax-policy.lock" ;;
	directory) mkdir "$root/run/dax-policy.lock" ;;
	"no /run") rm -rf "$root/run" ;;
	esac
	out=$("$dp" -q --root "$root" --config "$none" apply 2>&1); is "lock path a $what: exit 3" "$?" 3
	has "  says so, even with -q" "$out" "cannot take /run/dax-policy.lock"
	is "  nothing changed" "$(drv device_dax remove_id)$(drv device_dax unbind)$(drv kmem remove_id)" ""
done
root=$(fixture mixed)
waiting=$(conf waiting.conf <<'EOF'
[rule r]
device = dax0.0
mode = devdax
EOF
)
exec 9> "$root/run/dax-policy.lock"
flock 9
"$dp" --root "$root" --config "$waiting" apply >/dev/null 2>&1 &
pid=$!
sleep 1
cat "$none" > "$waiting"	# the policy changes while the run waits for the lock
flock -u 9
exec 9>&-
wait $pid
is "a run that waited for the lock applies the policy as it is then" "$(drv device_dax unbind)" dax0.0

# --- the persistent-memory guard: dax3.0 is a pmem namespace's device ---
broad=$(conf broad.conf <<'EOF'
[rule node0-ram]
numa-node = 0
mode = system-ram
EOF
)
out=$("$dp" --root "$src/sysfs/mixed" --config "$broad" check 2>&1); is "check with a broad rule over pmem: exit 0 (a warning)" "$?" 0
has "  check names the rule and the pmem device it would catch" "$out" "$broad:1: warning: rule 'node0-ram' (numa-node=0) would send persistent-memory device dax3.0 (namespace3.0) to system-ram; apply refuses unless the rule says destroy-pmem-data = yes"
is "  and in JSON" "$("$dp" --json --root "$src/sysfs/mixed" --config "$broad" check | jq -c '.rules[0].pmem_caught')" '["dax3.0"]'
root=$(fixture mixed)
out=$("$dp" --root "$root" --config "$broad" apply 2>&1); is "apply refuses system-ram on pmem: exit 3" "$?" 3
has "  says why, and what would allow it" "$out" "dax3.0: error: persistent memory of namespace3.0: system-ram would destroy the data it keeps; refused unless the rule says destroy-pmem-data = yes"
is "  reason: persistent-memory" "$("$dp" --root "$root" --config "$broad" status --json dax3.0 | jq -r '.devices[0].reason')" persistent-memory
is "  nothing written" "$(drv device_dax remove_id)$(drv device_dax unbind)$(drv kmem new_id)" ""
echo "destroy-pmem-data = yes" >> "$broad"
out=$("$dp" --root "$root" --config "$broad" apply --dry-run 2>&1); is "with destroy-pmem-data = yes: exit 0" "$?" 0
has "  it goes to kmem" "$out" "write new_id     dax3.0 > /sys/bus/dax/drivers/kmem/new_id"

# --- -q: only errors, and a device that fails is one ---
root=$(fixture mixed)
out=$(DAX_POLICY_TEST_FAIL=offline:3 hooked -q --root "$root" --config "$mem" apply dax1.0 2>&1)
is "-q apply with a failing device: exit 3" "$?" 3
has "  the failure is printed" "$out" "dax-policy: error: dax1.0: busy: memory block memory58 cannot be offlined"

# --- --json on any error: {"errors": [...]}, and always valid UTF-8 ---
utf8_ok() { python3 -c 'import sys, json; json.loads(sys.stdin.buffer.read().decode("utf-8", "strict"))' 2>/dev/null; }
chmod 644 "$bad"
json=$("$dp" --json --root "$src/sysfs/mixed" --config "$bad" check 2>/dev/null); is "--json, bad config: exit 1" "$?" 1
is "  errors as JSON, with file and line" "$(jq -c '.errors[0]' <<< "$json")" \
	"{\"file\":\"$bad\",\"line\":4,\"message\":\"bad value for online: 'sideways': expected movable, normal or offline\"}"
is "  the summary has no file" "$(jq -c '.errors[1]' <<< "$json")" '{"file":null,"line":null,"message":"configuration has 1 error; nothing done"}'
json=$("$dp" --bogus --json status 2>/dev/null); is "--json after a bad option: exit 2" "$?" 2
is "  the error as JSON" "$(jq -r '.errors[0].message' <<< "$json")" "unknown option '--bogus'; try 'dax-policy --help'"
json=$("$dp" --json --root "$src/sysfs/mixed" --config "$tmp/none.conf" status dax7.0 2>/dev/null)
is "--json, absent device: the error as JSON" "$(jq -r '.errors[0].message' <<< "$json")" "dax7.0: no such dax device"
if command -v python3 >/dev/null; then
	cfg=$tmp/utf
	mkdir -p "$cfg/p.d"
	printf '[rule a]\ndevice = dax0.0\nmode = devdax\n' > "$cfg/p.conf"
	for name in $'\xff' $'\xc0\xaf' $'\xed\xa0\x80'; do
		printf '[rule b%s]\ndevice = dax1.0\nmode = keep\n' "${#name}" > "$cfg/p.d/$name.conf"
	done
	chmod -R go-w "$cfg"
	"$dp" --json --root "$src/sysfs/mixed" --config "$cfg/p.conf" check 2>/dev/null | utf8_ok
	is "file names not UTF-8 (a stray byte, overlong, a surrogate): still valid UTF-8 JSON" "$?" 0
	has "  each bad byte is U+FFFD" "$("$dp" --json --root "$src/sysfs/mixed" --config "$cfg/p.conf" check 2>/dev/null)" $'p.d/\xef\xbf\xbd.conf'
	"$dp" --json --root "$src/sysfs/mixed" --config "$cfg/p.conf" status --bogus-too 2>/dev/null | utf8_ok
	is "  and in the errors document" "$?" 0
	printf '[rule c]\nmode = x\n' > "$cfg/p.d/"$'\xff2.conf'
	"$dp" --json --root "$src/sysfs/mixed" --config "$cfg/p.conf" check 2>/dev/null | utf8_ok
	is "  and in a config error's file name" "$?" 0
	rm -rf "$cfg"
	root=$(fixture mixed)
	mv "$root/sys/devices/platform/hmem.0" "$root/sys/devices/platform/hmem."$'\xff'
	ln -sfn "../../../devices/platform/hmem."$'\xff'"/dax0.0" "$root/sys/bus/dax/devices/dax0.0"
	"$dp" --json --root "$root" --config "$tmp/none.conf" status 2>/dev/null | utf8_ok
	is "a sysfs path that is not UTF-8: valid UTF-8 JSON" "$?" 0
else
	ok "# SKIP python3 missing: UTF-8 checks"
fi

# --- crafted sysfs trees (tests/sysfs/hostile, and copies made here) ---
out=$(timeout 20 "$dp" --root "$src/sysfs/hostile" --config "$tmp/none.conf" status 2>&1); is "hostile tree: status exits 4, in time" "$?" 4
has "  a mapping over the whole address space is refused" "$out" "dax0.0: error: mapping0 0x0-0xffffffffffffffff is not a range of physical memory"
has "  no mappingN, unreadable resource: refused, not guessed at 0" "$out" "dax1.0: error: no mappingN and no readable resource: its range is unknown"
has "  an unreadable size says so" "$out" "dax2.0: error: cannot read its size: No such file or directory"
is "  reasons" "$("$dp" --root "$src/sysfs/hostile" --config "$tmp/none.conf" status --json | jq -r '[.devices[].reason] | join(" ")')" "unreadable unreadable unreadable no-rule"
root=$(fixture hostile)
out=$("$dp" --root "$root" --config "$mem" apply --dry-run 2>&1); is "hostile tree: apply refuses dax1.0: exit 3" "$?" 3
if grep -q "memory[0-3]/state" <<< "$out"; then notok "  memory0-3, no dax device's, are never offlined"; else ok "  memory0-3, no dax device's, are never offlined"; fi
root=$(fixture mixed)
echo 1 > "$root/sys/devices/system/memory/block_size_bytes"
out=$(timeout 20 "$dp" --root "$root" --config "$mem" status 2>&1); is "block_size_bytes=1: status in time, exit 4" "$?" 4
has "  the kmem device says why" "$out" "dax1.0: error: its memory cannot be counted: memory block size '1' is not a power of two of 16M or more"
root=$(fixture mixed)
rm "$root/sys/devices/platform/hmem.0/dax0.0/size"
mkfifo "$root/sys/devices/platform/hmem.0/dax0.0/size"
out=$(timeout 20 "$dp" --root "$root" --config "$none" apply --dry-run 2>&1); is "a FIFO as an attribute: no hang, exit 3" "$?" 3
has "  refused with the reason" "$out" "dax0.0: error: cannot read its size: Invalid argument"
root=$(fixture mixed)
mkdir -p "$tmp/root2/sys/devices/platform/hmem.5"
cp -a "$root/sys/devices/platform/hmem.0/dax0.0" "$tmp/root2/sys/devices/platform/hmem.5/dax5.0"
ln -s ../../../../../root2/sys/devices/platform/hmem.5/dax5.0 "$root/sys/bus/dax/devices/dax5.0"
json=$("$dp" --root "$root" --config "$none" status --json dax5.0)
is "a device whose sysfs path leaves --root (a sibling with the root's name as prefix)" \
	"$(jq -r '.devices[0] | .state + ": " + .message + " " + .path' <<< "$json")" "error: its sysfs directory is outside --root "
rm -rf "$tmp/root2"

# a dynamic region's seed (size 0, bound to nothing: no driver can take it)
# under a rule for its region: nothing to do, not "moved after apply"
root=$(fixture devdax)
seed=$root/sys/devices/platform/hmem.2/dax2.1
cp -a "$root/sys/devices/platform/hmem.2/dax2.0" "$seed"
rm -rf "$seed/driver" "$seed/mapping0"
echo 0 > "$seed/size"
echo 253:9 > "$seed/dev"
ln -s ../../../devices/platform/hmem.2/dax2.1 "$root/sys/bus/dax/devices/dax2.1"
region2=$(conf region2.conf <<'EOF2'
[rule r2]
region = 2
mode = devdax
EOF2
)
out=$("$dp" --root "$root" --config "$region2" apply 2>&1); is "a region's empty seed under a region rule: apply exits 0" "$?" 0
is "  nothing to do" "$out" "5 dax devices in policy, nothing to do"
out=$("$dp" --root "$root" --config "$region2" status --json dax2.1 2>&1)
is "  status: ok, no memory yet" "$(jq -r '.devices[0] | .state + ": " + .message' <<< "$out")" "ok: no memory assigned yet (size 0)"
is "  reason: not-yet-assigned" "$(jq -r '.devices[0].reason' <<< "$out")" not-yet-assigned

# --- apply reads of a device what its rules match on; all of it only when it would change it ---
root=$(fixture devdax)
alldev=$(conf alldev.conf <<'EOF'
[defaults]
mode = devdax
EOF
)
detail='dax[0-9]\.0/(mapping|numa_node|target_node|resource|align|dev"|\.\./dax_region)|/(uuid|devtype)"'
traced() {	# the files a run opens or reads links of, into $tmp/trace
	ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0" strace -f -e trace=openat,open,readlink,newfstatat,access,stat \
		-o "$tmp/trace" "$dp" "$@" >/dev/null 2>&1
}
traced --root "$root" --config "$alldev" apply
is "apply, every device in its mode: exit 0" "$?" 0
is "  nothing read but driver, size and instance: no range, node, uuid, devtype, dev" \
	"$(grep -cE "$detail" "$tmp/trace")" 0
is "  each device's size and driver read once" "$(grep -cE 'dax[0-9]\.0/(size|driver)"' "$tmp/trace")" 8
is "  libdaxctl and libkmod (and libcrypto) not even loaded" "$(grep -cE 'lib(daxctl|kmod|crypto)\.so' "$tmp/trace")" 0
# the journal and the notify socket are spoken to directly: the dynamic
# loader's work for libsystemd and its libraries was most of a run's start
is "  nor libsystemd, libgcrypt, liblz4, libzstd" "$(grep -cE 'lib(systemd|gcrypt|lz4|zstd)\.so' "$tmp/trace")" 0
traced --root "$root" --config "$alldev" status
check_read=$(grep -cE "$detail" "$tmp/trace")
[ "$check_read" -gt 0 ] && ok "  status reads all of it" || notok "  status reads all of it"
traced --root "$root" --config "$alldev" -v apply
is "  so does apply -v, whose table shows it (each device's mapping0)" "$(grep -cE 'dax[0-9]\.0/mapping0"' "$tmp/trace")" 4
node=$(conf node.conf <<'EOF'
[rule node1]
numa-node = 1
mode = devdax
EOF
)
traced --root "$root" --config "$node" apply
is "a rule on numa-node: apply reads the nodes" "$(grep -cE 'dax[0-9]\.0/target_node"' "$tmp/trace")" 4
is "  and no more" "$(grep -cE 'dax[0-9]\.0/mapping|/uuid"' "$tmp/trace")" 0
echo 0xzz > "$root/sys/devices/platform/hmem.0/dax0.0/mapping0/end"
out=$("$dp" --root "$root" --config "$alldev" apply 2>&1)
is "a garbled mapping of a device in its mode: apply leaves it alone, exit 0" "$?" 0
is "  nothing to do" "$out" "4 dax devices in policy, nothing to do"
out=$("$dp" --root "$root" --config "$alldev" status 2>&1)
is "  status reads it: exit 4" "$?" 4
has "  and says what is wrong" "$out" "dax0.0: error: cannot read mapping0"
ram0=$(conf ram0.conf <<'EOF'
[rule ram0]
device = dax0.0
mode = system-ram
EOF
)
out=$("$dp" --root "$root" --config "$ram0" apply --dry-run 2>&1)
is "  a policy that changes it: read whole first, refused (exit 3)" "$?" 3
has "  for the mapping its rule does not match on" "$out" "dax0.0: error: cannot read mapping0"
if grep -q "write" <<< "$out"; then notok "  nothing written"; else ok "  nothing written"; fi

root=$(fixture mixed)
"$dp" --root "$root" hold >/dev/null 2>&1
sed -i '/^dax2\.0 /d' "$root/run/dax-policy/decided"	# dax2.0 appeared after the hold
echo 0x300000000 > "$root/sys/devices/platform/hmem.2/dax2.0/mapping0/end"
out=$("$dp" --root "$root" --config "$keep" apply 2>&1)
is "a new device waiting, its range garbled, under a policy that keeps it: read whole, refused (exit 3)" "$?" 3
has "  saying why" "$out" "dax2.0: error: its ranges add up to"
is "  not handed to the kernel" "$(cat "$root/sys/bus/dax/drivers_probe")" ""
out=$("$dp" --root "$root" --config "$alldev" -v apply --dry-run 2>&1)
is "apply -v reads everything, and so refuses what status would (exit 3)" "$?" 3

root=$(fixture fsdev)
LD_PRELOAD=$hooks ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0:verify_asan_link_order=0" DAX_POLICY_TEST_BUS= \
	strace -f -e trace=openat -o "$tmp/trace" "$dp" --root "$root" --config "$fsd" apply >/dev/null 2>&1
is "devdax -> fsdev on the bus the hooks act as: exit 0" "$?" 0
is "  the memory blocks listed once, at discovery: not again for a device without memory" \
	"$(grep -c 'system/memory", O_RDONLY' "$tmp/trace")" 1

# --- the search path: /etc over /run over /usr/lib, masking, cat-config ---
if "$dp" --help | grep -q '(default /etc/dax-policy.conf)'; then
	root=$(fixture mixed)
	mkdir -p "$root/etc/dax-policy.d" "$root/run/dax-policy.d" "$root/usr/lib/dax-policy.d"
	chmod 755 "$root/etc" "$root/etc/dax-policy.d" "$root/run" "$root/run/dax-policy.d" "$root/usr" "$root/usr/lib" "$root/usr/lib/dax-policy.d"
	rule() { printf '[rule %s]\ndevice = %s\nmode = %s\n' "$2" "$3" "$4" > "$1"; chmod 644 "$1"; }
	printf '[defaults]\nmode = keep\n' > "$root/etc/dax-policy.conf"; chmod 644 "$root/etc/dax-policy.conf"
	rule "$root/usr/lib/dax-policy.d/10-vendor.conf" vendor dax0.0 devdax
	rule "$root/run/dax-policy.d/10-vendor.conf" runtime-copy dax0.0 fsdev
	rule "$root/etc/dax-policy.d/10-vendor.conf" admin dax0.0 none
	rule "$root/run/dax-policy.d/15-runtime.conf" runtime dax2.0 devdax
	rule "$root/usr/lib/dax-policy.d/20-masked.conf" masked dax1.0 fsdev
	ln -s /dev/null "$root/etc/dax-policy.d/20-masked.conf"
	out=$("$dp" --root "$root" cat-config); is "cat-config exits 0" "$?" 0
	is "cat-config: /etc over /run over /usr/lib, by name, masked left out" \
		"$(grep '^# ' <<< "$out" | sed "s|$root||")" \
		"$(printf '# /etc/dax-policy.conf\n# /etc/dax-policy.d/10-vendor.conf\n# /run/dax-policy.d/15-runtime.conf')"
	has "  with each file's text" "$out" "[rule admin]"
	json=$("$dp" --root "$root" status --json)
	is "the rules that apply come from the files read" \
		"$(jq -r '[.devices[] | select(.chardev == "dax0.0" or .chardev == "dax1.0" or .chardev == "dax2.0") | .chardev + "=" + (.rule // "-")] | join(" ")' <<< "$json")" \
		"dax0.0=admin dax1.0=- dax2.0=runtime"
	out=$("$dp" --root "$root" --config "$root/etc/dax-policy.conf" cat-config)
	is "--config FILE reads FILE and FILE.d only" "$(grep -c '^# ' <<< "$out")" 2
	printf '[rule broken]\nmode = frobnicate\n' > "$root/run/dax-policy.d/30-broken.conf"; chmod 644 "$root/run/dax-policy.d/30-broken.conf"
	out=$("$dp" --root "$root" cat-config 2>&1); is "cat-config of a broken configuration: exit 1" "$?" 1
	has "  still shows the broken file" "$out" "# $root/run/dax-policy.d/30-broken.conf"
	rm "$root/run/dax-policy.d/30-broken.conf"
	# masked by what the link leads to, not how it is spelled
	rm "$root/etc/dax-policy.d/20-masked.conf"
	ln -s ../../dev/null "$root/etc/dax-policy.d/20-masked.conf"
	mkdir -p "$root/dev"; [ -e "$root/dev/null" ] || mknod -m 666 "$root/dev/null" c 1 3
	out=$("$dp" --root "$root" cat-config 2>&1)
	if grep -q '20-masked' <<< "$out"; then notok "a relative link to the null device masks too"; else ok "a relative link to the null device masks too"; fi
	# hostile layers: a FIFO in /run, a world-writable /usr/lib directory
	mkfifo "$root/run/dax-policy.d/40-fifo.conf"
	out=$(timeout 10 "$dp" --root "$root" status 2>&1); is "a FIFO drop-in in /run: no wait, exit 1" "$?" 1
	has "  named" "$out" "$root/run/dax-policy.d/40-fifo.conf: not a regular file"
	rm "$root/run/dax-policy.d/40-fifo.conf"
	chmod 777 "$root/usr/lib/dax-policy.d"
	out=$("$dp" --root "$root" status 2>&1); is "a world-writable /usr/lib/dax-policy.d: exit 1" "$?" 1
	has "  named" "$out" "$root/usr/lib/dax-policy.d"
	chmod 755 "$root/usr/lib/dax-policy.d"
	"$dp" --root "$root" status >/dev/null 2>&1; rc=$?
	is "  read again once it is not (no configuration error)" "$([ "$rc" != 1 ] && echo read)" read
else
	ok "# SKIP the search path (built with another sysconfdir)"
fi

# --- set, unset: a drop-in rule per device, then apply to it ---
if "$dp" --help | grep -q '(default /etc/dax-policy.conf)'; then
	fresh() {
		root=$(fixture mixed)
		mkdir -p "$root/etc"; chmod 755 "$root/etc" "$root/run"
		d=$root/etc/dax-policy.d r=$root/run/dax-policy.d
	}
	link() { readlink "$root/sys/bus/dax/devices/$1/driver"; }
	uuid3=805f67b9-154a-45ae-b7c6-02f58b6fb349
	fresh
	out=$(DAX_POLICY_TEST_BUS= hooked --root "$root" set dax3.0 none 2>&1); is "set by uuid: exit 0" "$?" 0
	is "  one drop-in, named for the namespace uuid" "$(ls "$d")" "00-set-uuid-$uuid3.conf"
	has "  the rule: override, keyed on the uuid" "$(cat "$d/00-set-uuid-$uuid3.conf")" "[rule set-uuid-$uuid3]
override = yes
uuid = $uuid3
mode = none"
	is "  0644, directory 0755" "$(stat -c %a "$d/00-set-uuid-$uuid3.conf" "$d" | tr '\n' ' ')" "644 755 "
	is "  then applied: dax3.0 unbound" "$(link dax3.0)" ""
	has "  says what it wrote" "$out" "dax3.0: set to none by $d/00-set-uuid-$uuid3.conf"
	is "  status names the rule" "$("$dp" --root "$root" status --json dax3.0 | jq -r '.devices[0] | .rule + " " + .state')" "set-uuid-$uuid3 ok"
	fresh
	out=$("$dp" --root "$root" set dax0.0 system-ram --online=normal --dry-run 2>&1); is "set --dry-run: exit 0" "$?" 0
	has "  shows the drop-in it would write, keyed on the resource (hmem)" "$out" "would write $d/00-set-resource-0x180000000.conf:"
	has "  with online=" "$out" "[rule set-resource-0x180000000]
override = yes
resource = 0x180000000
mode = system-ram
online = normal"
	has "  and the apply it would do, as the new rule says" "$out" "write bind       dax0.0 > /sys/bus/dax/drivers/kmem/bind"
	is "  nothing written" "$(ls "$d" 2>&1 >/dev/null | grep -c 'No such')$(link dax0.0 | xargs basename)" "1device_dax"
	# no uuid and no known resource: the sysfs path
	echo 0 > "$root/sys/devices/platform/hmem.2/dax2.0/resource"
	rm -r "$root/sys/devices/platform/hmem.2/dax2.0/mapping0"
	out=$("$dp" --root "$root" set dax2.0 none 2>&1); is "set by path: exit 0" "$?" 0
	f=$(ls "$d")
	has "  the file is named for a hash of the path" "$f" "00-set-path-"
	has "  the rule holds the path" "$(cat "$d/$f")" "path = /sys/devices/platform/hmem.2/dax2.0"
	is "  and decides the device" "$("$dp" --root "$root" status --json dax2.0 | jq -r '.devices[0].rule')" "$(basename "${f#00-}" .conf)"
	out=$("$dp" --root "$root" set dax2.0 keep 2>&1); is "set again: exit 0" "$?" 0
	is "  replaces the file: still one" "$(ls "$d")" "$f"
	has "  with the new mode" "$(cat "$d/$f")" "mode = keep"
	out=$("$dp" --root "$root" unset dax2.0 2>&1); is "unset: exit 0" "$?" 0
	has "  says what it removed" "$out" "dax2.0: unset: $d/$f removed"
	is "  the file is gone" "$(ls "$d")" ""
	out=$("$dp" --root "$root" unset dax2.0 2>&1); is "unset of a device not set: exit 0" "$?" 0
	has "  says so" "$out" "dax2.0: not set: no drop-in of dax-policy set for it in $d"
	# a path with glob characters: the rule matches it, and only it, literally
	mv "$root/sys/devices/platform/hmem.2" "$root/sys/devices/platform/hmem[2]"
	ln -sfn '../../../devices/platform/hmem[2]/dax2.0' "$root/sys/bus/dax/devices/dax2.0"
	out=$("$dp" --root "$root" set dax2.0 none 2>&1); is "set by a path with [ ]: exit 0" "$?" 0
	has "  escaped in the rule" "$(cat "$d"/00-set-path-*.conf)" 'path = /sys/devices/platform/hmem\[2\]/dax2.0'
	is "  which matches it" "$("$dp" --root "$root" status --json dax2.0 | jq -r '.devices[0].rule')" "$(basename "$(ls "$d")" .conf | sed 's/^00-//')"
	"$dp" --root "$root" unset dax2.0 >/dev/null 2>&1; is "  unset finds it by the same path" "$(ls "$d")" ""

	fresh
	out=$(DAX_POLICY_TEST_BUS= hooked --root "$root" set --runtime dax0.0 none 2>&1); is "set --runtime: exit 0" "$?" 0
	is "  the drop-in is in /run" "$(ls "$r")" "00-set-resource-0x180000000.conf"
	is "  not in /etc" "$(ls "$d" 2>/dev/null)" ""
	is "  applied" "$(link dax0.0)" ""
	out=$("$dp" --root "$root" unset dax0.0 2>&1); is "unset without --runtime of a runtime set: exit 0" "$?" 0
	has "  points at --runtime" "$out" "it is set at runtime: unset --runtime"
	is "  nothing removed" "$(ls "$r")" "00-set-resource-0x180000000.conf"
	out=$("$dp" --root "$root" unset --runtime --dry-run dax0.0 2>&1); is "unset --runtime --dry-run: exit 0" "$?" 0
	has "  says what it would remove" "$out" "would remove $r/00-set-resource-0x180000000.conf"
	has "  and what apply would do then (kept: nothing)" "$out" "in policy, nothing to do"
	is "  nothing removed" "$(ls "$r")" "00-set-resource-0x180000000.conf"
	"$dp" --root "$root" unset --runtime dax0.0 >/dev/null 2>&1; is "unset --runtime: exit 0" "$?" 0
	is "  removed from /run" "$(ls "$r")" ""
	"$dp" --root "$root" --config "$none" set --runtime dax0.0 none >/dev/null 2>&1; is "--runtime with -c FILE (which reads no /run): exit 2" "$?" 2
	"$dp" --root "$root" set dax2.0 none >/dev/null 2>&1
	out=$("$dp" --root "$root" set --runtime dax2.0 devdax 2>&1); is "set --runtime where /etc has the same file: exit 1" "$?" 1
	has "  the /etc file would hide it: refused" "$out" "$r/00-set-resource-0x200000000.conf would not be read: $d/00-set-resource-0x200000000.conf, of the same name, hides it; nothing changed"
	is "  nothing written to /run" "$(ls "$r")" ""

	fresh
	out=$("$dp" --root "$root" set dax0.0 bogus 2>&1); is "set, not a mode: exit 2" "$?" 2
	has "  the words, from the mode table" "$out" "'bogus' is not a mode; expected devdax, system-ram, fsdev, keep or none"
	out=$("$dp" --root "$root" set dax7.0 devdax 2>&1); is "set, no such device: exit 2" "$?" 2
	has "  named" "$out" "dax7.0: no such dax device"
	out=$("$dp" --root "$root" set ../../x devdax 2>&1); is "set, not a device name: exit 2" "$?" 2
	out=$("$dp" --root "$root" set dax0.0 devdax --online=normal 2>&1); is "set --online with devdax: exit 2" "$?" 2
	has "  says which modes take it" "$out" "--online only goes with mode system-ram, not devdax"
	out=$("$dp" --root "$root" set dax0.0 system-ram --online=sideways 2>&1); is "set --online=sideways: exit 2" "$?" 2
	has "  the words" "$out" "--online takes movable, normal or offline, not 'sideways'"
	out=$("$dp" --root "$root" set dax3.0 system-ram 2>&1); is "set system-ram on persistent memory: exit 2" "$?" 2
	has "  refused, why" "$out" "dax3.0: persistent memory of namespace3.0: system-ram would destroy the data it keeps"
	out=$("$dp" --root "$root" set dax0.0 2>&1); is "set without a mode: exit 2" "$?" 2
	out=$("$dp" --root "$root" status --runtime 2>&1); is "--runtime with status: exit 2" "$?" 2
	has "  names the commands that take it" "$out" "--runtime only goes with set or unset"
	is "  none of these wrote anything" "$(ls "$d" 2>/dev/null)" ""

	# the set rule wins over every ordinary rule, wherever it is
	printf '[rule all]\nmode = devdax\n' > "$root/etc/dax-policy.conf"; chmod 644 "$root/etc/dax-policy.conf"
	out=$("$dp" --root "$root" set dax2.0 none 2>&1); is "set under a catch-all rule of the main file: exit 0" "$?" 0
	is "  the set rule decides" "$("$dp" --root "$root" status --json dax2.0 | jq -r '.devices[0].rule')" "set-resource-0x200000000"
	is "  check lists it first" "$("$dp" --root "$root" check --json 2>/dev/null | jq -r '.rules[0].name')" "set-resource-0x200000000"
	printf '[rule all]\nmode = devdax\noverride = yes\n' > "$root/etc/dax-policy.conf"
	out=$("$dp" --root "$root" set dax0.0 none 2>&1); is "set where an earlier override decides: exit 1" "$?" 1
	has "  names the rule" "$out" "dax0.0: rule 'all' ($root/etc/dax-policy.conf:1) would still decide it, before the set rule; nothing changed"
	is "  nothing written" "$(ls "$d")" "00-set-resource-0x200000000.conf"
	printf '[rule all\n' > "$root/etc/dax-policy.conf"
	out=$("$dp" --root "$root" set dax0.0 none 2>&1); is "set with a broken configuration: exit 1" "$?" 1
	has "  nothing changed" "$out" "the configuration would have 1 error; nothing changed"
	rm "$root/etc/dax-policy.conf"

	# what is at the drop-in's name is never followed, nor waited on
	fresh
	mkdir -p "$d"; chmod 755 "$d"
	ln -s "$tmp/outside.conf" "$d/00-set-resource-0x180000000.conf"
	out=$("$dp" --root "$root" set dax0.0 none 2>&1); is "a symlink at the drop-in's name: exit 3" "$?" 3
	has "  refused, named" "$out" "$d/00-set-resource-0x180000000.conf: cannot write: not a regular file (a symbolic link, a FIFO?); left as it is"
	is "  the link's target is not created" "$(ls "$tmp/outside.conf" 2>/dev/null)" ""
	is "  the link is left" "$(readlink "$d/00-set-resource-0x180000000.conf")" "$tmp/outside.conf"
	is "  nothing applied" "$(link dax0.0 | xargs basename)" "device_dax"
	out=$("$dp" --root "$root" unset dax0.0 2>&1); is "unset of a symlink: exit 3" "$?" 3
	is "  the link is left" "$(readlink "$d/00-set-resource-0x180000000.conf")" "$tmp/outside.conf"
	rm "$d/00-set-resource-0x180000000.conf"
	mkfifo "$d/00-set-resource-0x180000000.conf"
	out=$(timeout 10 "$dp" --root "$root" set dax0.0 none 2>&1); is "a FIFO at the drop-in's name: exit 3, no hang" "$?" 3
	has "  refused" "$out" "not a regular file"
	is "  no temporary file left" "$(ls -A "$d")" "00-set-resource-0x180000000.conf"

	# --- import-daxctl: daxctl's [reconfigure-device] sections as rules ---
	fresh
	x=$root/etc/daxctl.conf.d
	mkdir -p "$x"
	cat > "$x/10-ram.conf" <<-'EOF'
	# from daxctl's example
	[reconfigure-device unique_identifier_foo]
	nvdimm.uuid = 805F67B9-154a-45ae-b7c6-02f58b6fb349
	mode = system-ram
	online = true
	movable = false

	[reconfigure-device dev dax]
	nvdimm.uuid = "ed93e918-e165-49d8-921d-383d7b9660c5"
	mode = devdax
	EOF
	printf '[reconfigure-device dev/dax]\nnvdimm.uuid = 11111111-2222-3333-4444-555555555555\nmode = devdax\n' > "$x/15-same.conf"
	out=$("$dp" --root "$root" import-daxctl 2>"$tmp/err"); is "import-daxctl: exit 0" "$?" 0
	has "  a system-ram rule, movable=false as online=normal, the pmem guard lifted as daxctl did" "$out" "[rule daxctl-unique_identifier_foo]
uuid = $uuid3
mode = system-ram
online = normal"
	has "  " "$out" "destroy-pmem-data = yes"
	has "  a devdax rule, its name made a rule name" "$out" "[rule daxctl-dev-dax]
uuid = ed93e918-e165-49d8-921d-383d7b9660c5
mode = devdax"
	has "  each says where it came from" "$out" "# $x/10-ram.conf:2"
	has "  names that come out the same are made unique" "$out" "[rule daxctl-dev-dax-2]"
	is "  no warning" "$(cat "$tmp/err")" ""
	is "  printed only: nothing written" "$(ls "$d" 2>/dev/null)" ""
	printf '%s\n' "$out" > "$tmp/imported.conf"; chmod 644 "$tmp/imported.conf"
	"$dp" --root "$root" --config "$tmp/imported.conf" check >/dev/null 2>&1; is "  the text is a valid configuration" "$?" 0
	out=$("$dp" --root "$root" import-daxctl --write 2>&1); is "import-daxctl --write: exit 0" "$?" 0
	is "  the drop-in" "$(ls "$d")" "40-daxctl-import.conf"
	is "  the rules apply" "$("$dp" --root "$root" status --json dax3.0 2>/dev/null | jq -r '.devices[0].rule')" "daxctl-unique_identifier_foo"
	out=$("$dp" --root "$root" import-daxctl --write 2>&1); is "again: exit 3" "$?" 3
	has "  without --force it is kept" "$out" "$d/40-daxctl-import.conf exists; --force replaces it"
	"$dp" --root "$root" import-daxctl --write --force >/dev/null 2>&1; is "  --force replaces it: exit 0" "$?" 0
	"$dp" --root "$root" import-daxctl --force >/dev/null 2>&1; is "--force without --write: exit 2" "$?" 2
	cat >> "$x/10-ram.conf" <<-'EOF'
	align = 2M
	[monitor]
	log = /var/log/x
	EOF
	out=$("$dp" --root "$root" import-daxctl 2>&1 >/dev/null); is "unknown key and section: exit 0" "$?" 0
	has "  the key warned, FILE:LINE" "$out" "$x/10-ram.conf:11: warning: key 'align' has no dax-policy counterpart"
	has "  the section warned, FILE:LINE" "$out" "$x/10-ram.conf:12: warning: section [monitor] has no dax-policy counterpart"
	printf '[reconfigure-device g]\nnvdimm.uuid = nope\nmode = ram\ngarbage\n' > "$x/20-bad.conf"
	out=$("$dp" --root "$root" import-daxctl --write --force 2>&1); is "garbage: exit 1" "$?" 1
	has "  a bad uuid, FILE:LINE" "$out" "$x/20-bad.conf:2: bad value for nvdimm.uuid: 'nope': expected a uuid"
	has "  a mode daxctl does not have" "$out" "$x/20-bad.conf:3: bad value for mode: 'ram': expected system-ram or devdax"
	has "  a line that is no key" "$out" "$x/20-bad.conf:4: expected 'key = value' or a [section], got 'garbage'"
	has "  nothing imported" "$out" "3 errors; nothing imported"
	has "  the file written before is left" "$(cat "$d/40-daxctl-import.conf")" "[rule daxctl-dev-dax-2]"
	rm "$x"/*
	out=$("$dp" --root "$root" import-daxctl 2>&1); is "an empty directory: exit 0" "$?" 0
	has "  says so" "$out" "no [reconfigure-device] section to import"
	rmdir "$x"
	"$dp" --root "$root" import-daxctl >/dev/null 2>&1; is "no directory: exit 1" "$?" 1
else
	ok "# SKIP set, unset, import-daxctl (built with another sysconfdir)"
fi

# --- CXL: a rule on cxl-serial; the regions are listed once, not per device ---
root=$(fixture devdax)
cxl=$root/sys/bus/cxl/devices
ep=$root/sys/devices/cxl/root0/port1/endpoint5
mkdir -p "$cxl/region0" "$cxl/region1" "$cxl/region2" "$ep/decoder5.0" "$root/sys/devices/cxl/mem0"
# region0 holds dax1.0 (0x1c0000000, 512 MiB); the others hold no device
printf '0x1c0000000\n' > "$cxl/region0/resource"; printf '536870912\n' > "$cxl/region0/size"
printf 'decoder5.0\n' > "$cxl/region0/target0"
printf '0x400000000\n' > "$cxl/region1/resource"; printf '268435456\n' > "$cxl/region1/size"
printf '0x500000000\n' > "$cxl/region2/resource"; printf '268435456\n' > "$cxl/region2/size"
ln -s ../../../devices/cxl/root0/port1/endpoint5/decoder5.0 "$cxl/decoder5.0"
ln -s ../../../mem0 "$ep/uport"
ln -s ../../../devices/cxl/mem0 "$cxl/mem0"
printf '0x1234\n' > "$root/sys/devices/cxl/mem0/serial"
cxlconf=$(conf cxl.conf <<'EOF'
[defaults]
mode = devdax

[rule cxl]
cxl-serial = 0x1234
mode = none
EOF
)
traced --root "$root" --config "$cxlconf" apply --dry-run
out=$("$dp" --root "$root" --config "$cxlconf" apply --dry-run 2>&1)
is "a rule on a CXL memory device's serial: dry-run exits 0" "$?" 0
has "  the device on it would go" "$out" "dax1.0: drift: would switch devdax -> unbound"
is "  no other device" "$(grep -c 'would switch' <<< "$out")" 1
is "  every region's range read once for the 4 devices" \
	"$(grep -cE 'cxl/devices/region[0-9]/(resource|size)"' "$tmp/trace")" 6
is "  the regions listed once" "$(grep -cE 'openat\(.*cxl/devices", ' "$tmp/trace")" 1
out=$("$dp" --root "$root" --config "$cxlconf" explain dax1.0 2>&1)
has "  explain: the rule matched" "$out" "rule cxl ($cxlconf:4): matches -> mode unbound"
out=$("$dp" --root "$root" --config "$cxlconf" explain dax0.0 2>&1)
has "  explain dax0.0: not on CXL memory" "$out" "no match: not on CXL memory (no CXL region holds it)"
mv "$root/sys/devices/cxl/mem0/serial" "$tmp/serial"
out=$("$dp" --root "$root" --config "$cxlconf" explain dax1.0 2>&1)
has "  a region holds it but no serial can be read: says so, naming the region" "$out" \
	"no match: on CXL region region0, but no serial of its memory devices can be read"
mv "$tmp/serial" "$root/sys/devices/cxl/mem0/serial"
printf '0x9999\n' > "$root/sys/devices/cxl/mem0/serial"
out=$("$dp" --root "$root" --config "$cxlconf" explain dax1.0 2>&1)
has "  another serial: no match, naming the one it is on" "$out" "no match"
has "  (its serial)" "$out" "0x9999"

# under --root, a region or memory device whose directory leads out of the tree is not read
printf '0x1234\n' > "$root/sys/devices/cxl/mem0/serial"
outside=$tmp/outside-cxl
rm -rf "$outside"; mkdir -p "$outside"
mv "$cxl/region0" "$outside/region0"
ln -s "$outside/region0" "$cxl/region0"
out=$("$dp" --root "$root" --config "$cxlconf" apply --dry-run 2>&1)
is "  a region linked out of the tree: not read, no device would go" "$(grep -c 'would switch' <<< "$out")" 0
rm "$cxl/region0"; mv "$outside/region0" "$cxl/region0"
mv "$root/sys/devices/cxl/mem0" "$outside/mem0"
rm "$cxl/mem0"; ln -s "$outside/mem0" "$cxl/mem0"
out=$("$dp" --root "$root" --config "$cxlconf" apply --dry-run 2>&1)
is "  a memory device linked out of the tree: its serial not read" "$(grep -c 'would switch' <<< "$out")" 0
rm "$cxl/mem0"; mv "$outside/mem0" "$root/sys/devices/cxl/mem0"; ln -s ../../../devices/cxl/mem0 "$cxl/mem0"
# a region of a long name (no kernel's, but a name): found all the same
long=region$(printf 'a%.0s' {1..70})
mv "$cxl/region0" "$cxl/$long"
out=$("$dp" --root "$root" --config "$cxlconf" apply --dry-run 2>&1)
has "  a region of a 76-character name: its device would go" "$out" "dax1.0: drift: would switch devdax -> unbound"

# --- bash completion: commands, their words and options ---
# (bash-completion's _init_completion stood in for: it need not be installed)
comp() {
	bash -c '
		_init_completion() {
			words=("${COMP_WORDS[@]}") cword=$COMP_CWORD split=false
			cur=${words[cword]} prev=${words[cword-1]}
			if [[ $cur == --*=* ]]; then prev=${cur%%=*} cur=${cur#*=} split=true; fi
		}
		_filedir() { COMPREPLY=(DIR); }
		compopt() { :; }
		. "$1"; shift
		COMP_WORDS=(dax-policy "$@") COMP_CWORD=$#
		_dax_policy
		echo "${COMPREPLY[*]}"' _ "$src/../completion/dax-policy" "$@"
}
is "completion: the new commands" "$(comp se)" "set"
has "  and the others" "$(comp '')" "unset import-daxctl"
is "completion: set's modes after the device" "$(comp set dax0.0 '')" "devdax system-ram fsdev keep none"
is "  nothing after the mode" "$(comp set dax0.0 devdax '')" ""
has "completion: set's options" "$(comp set --)" "--online= --runtime"
is "completion: --online's zones" "$(comp set --online=n)" "normal"
is "completion: unset --runtime" "$(comp unset --ru)" "--runtime"
is "completion: import-daxctl's options" "$(comp import-daxctl --w)" "--write"
is "  and a directory" "$(comp import-daxctl '')" "DIR"

echo "1..$n"
[ "$failed" = 0 ]
