# The benchmark inside the VM (bench/run-vm-bench boots it): N hmem
# devices of 128 MiB carved from one idle soft-reserved region, all in
# devdax at the start of every measured step. Each round runs every tool
# once per step, in an order that rotates from round to round; a step's
# time is the median over the rounds. Each round is a scenario of its own
# (bench/run-vm-bench writes them), within the VM's time limit for one.
# Output lines:
#   RESULT N STEP TOOL SECONDS
# and a failed verification as "not ok" (the scenario then fails).
. "$(dirname "${BASH_SOURCE[0]}")/../../tests/vm/scenarios/lib.sh"
export PATH=/usr/local/sbin:$PATH
floor=$DAXTEST_BUILD/bench/dax-floor
floor_ask=$DAXTEST_BUILD/bench/dax-floor-ask
conf=/etc/dax-policy.conf
mem=/sys/devices/system/memory

devices() {	# the region's devices with memory, in creation order
	local d
	for d in /sys/bus/dax/devices/dax0.*; do
		[ "$(cat "$d/size")" != 0 ] && echo "${d##*/}"
	done | sort -t. -k2 -n
}

# grow region 0 to N devices of SIZE
grow() {
	local n=$1 size=$2 have try
	have=$(devices | wc -l)
	while [ "$have" -lt "$n" ]; do
		# the region's next seed may still be on its way: settle and try again
		for try in 1 2 3 4 0; do
			daxctl create-device -r 0 -s "$size" >/dev/null 2>/tmp/create.err && break
			[ "$try" = 0 ] && { fail "create-device #$have: $(cat /tmp/create.err)"; return 1; }
			udevadm settle; sleep 1
		done
		have=$((have + 1))
	done
}

policy() {	# write the config for MODE
	case $1 in
	system-ram) printf '[defaults]\nmode = system-ram\nonline = movable\n' ;;
	*) printf '[defaults]\nmode = %s\n' "$1" ;;
	esac > "$conf"
}

# every one of DEVS bound to DRIVER, and, for kmem, every block online movable
all_in() {
	local driver=$1 bad d l b
	shift
	bad=$(for d in "$@"; do
		l=$(readlink "/sys/bus/dax/devices/$d/driver")
		[ "${l##*/}" = "$driver" ] || echo "$d=${l##*/}"
	done | awk "NR <= 3")
	[ -z "$bad" ] || { echo "# not $driver: $bad"; return 1; }
	[ "$driver" = kmem ] || return 0
	bad=$(for d in "$@"; do blocks_of "$d"; done | while read -r b; do
		echo "$mem/memory$b/state $mem/memory$b/valid_zones"
	done | xargs awk 'FNR == 1 && FILENAME ~ /state$/ { s = $0; next }
		FNR == 1 && s " " $0 != "online Movable" { print FILENAME ": " s " " $0 }' | awk "NR <= 3")
	[ -z "$bad" ] || { echo "# not online movable: $bad"; return 1; }
}

# udev's queue empty, or a failure naming WHAT (a settle that timed out
# would count as a shorter step)
settled() { udevadm settle --timeout=600 || { fail "$1: udev did not settle"; return 1; }; }

# time TOOL STEP N CMD...: run, print the RESULT line. A change's udev
# events (a bind's, each memory block's; rules run for every one) are part
# of its cost: with DAXBENCH_SETTLE=1 the clock starts on an empty event
# queue and stops once the step's own events are handled, less what a
# settle of an empty queue costs (measured just before). Without it, a
# fast tool left its events to whatever ran next.
timed() {
	local tool=$1 step=$2 n=$3 t0 t1 ts=0 rc settle=
	shift 3
	[ "${DAXBENCH_SETTLE:-0}" = 1 ] && [ "$step" != nothing ] && settle=1
	if [ -n "$settle" ]; then
		settled "$tool $step N=$n: before" || return
		ts=$EPOCHREALTIME
		settled "$tool $step N=$n: before" || return
	fi
	t0=$EPOCHREALTIME
	"$@" >/dev/null 2>/tmp/bench.err; rc=$?
	[ -z "$settle" ] || settled "$tool $step N=$n" || return
	t1=$EPOCHREALTIME
	[ "$settle" ] || ts=$t0
	[ "$rc" = 0 ] || { echo "# $tool $step: exit $rc: $(head -c 300 /tmp/bench.err)"; fail "$tool $step N=$n exit $rc"; }
	echo "RESULT $n $step $tool $(awk -v a="$t0" -v b="$t1" -v s="$ts" 'BEGIN { printf "%.3f", (b - a) - (a - s) }')"
}

# the dax-policy TOOL runs: "dax-policy", or "baseline", another build's
# (run-vm-bench BASELINE=BUILD_DIR), measured against it in the same boot
dp_of() { case $1 in baseline*) echo "$DAXBENCH_BASELINE" ;; *) echo dax-policy ;; esac; }

per_device() {	# CMD DP: one process per device of $devs
	local cmd=$1 dp=${2:-dax-policy} d
	shift
	case $cmd in
	dp-ram|dp-devdax) for d in $devs; do "$dp" apply "$d" || return 1; done ;;
	dx-ram) for d in $devs; do daxctl reconfigure-device -m system-ram "$d" || return 1; done ;;
	dx-devdax) for d in $devs; do daxctl reconfigure-device -m devdax --force "$d" || return 1; done ;;
	fl-ram) for d in $devs; do "$floor" device_dax kmem "$d" || return 1; done ;;
	fl-devdax) for d in $devs; do "$floor" kmem device_dax "$d" || return 1; done ;;
	esac
}

# one tool, there and back: devdax -> TO -> devdax, each step verified
there_and_back() {
	local tool=$1 to=$2 n=$3 drv
	case $to in system-ram) drv=kmem ;; fsdev) drv=fsdev_dax ;; esac
	case $tool in
	floor)
		timed floor "to-$to" "$n" "$floor" device_dax "$drv" $devs
		check "floor: N=$n in $to" all_in "$drv" $devs
		timed floor "from-$to" "$n" "$floor" "$drv" device_dax $devs ;;
	floor-ask)	# the floor, then libdaxctl's opinion of each device
		timed floor-ask "to-$to" "$n" "$floor_ask" device_dax "$drv" $devs
		check "floor-ask: N=$n in $to" all_in "$drv" $devs
		timed floor-ask "from-$to" "$n" "$floor_ask" "$drv" device_dax $devs ;;
	daxctl)
		timed daxctl "to-$to" "$n" daxctl reconfigure-device -m system-ram all
		check "daxctl: N=$n in $to" all_in "$drv" $devs
		timed daxctl "from-$to" "$n" daxctl reconfigure-device -m devdax --force all ;;
	dax-policy|baseline)
		policy "$to"
		timed "$tool" "to-$to" "$n" "$(dp_of "$tool")" apply
		check "$tool: N=$n in $to" all_in "$drv" $devs
		policy devdax
		timed "$tool" "from-$to" "$n" "$(dp_of "$tool")" apply ;;
	floor-each)	# what one process per device costs at the least
		timed floor-each "to-$to" "$n" per_device fl-ram
		check "floor per device: N=$n in $to" all_in "$drv" $devs
		timed floor-each "from-$to" "$n" per_device fl-devdax ;;
	daxctl-each)
		timed daxctl-each "to-$to" "$n" per_device dx-ram
		check "daxctl per device: N=$n in $to" all_in "$drv" $devs
		timed daxctl-each "from-$to" "$n" per_device dx-devdax ;;
	dax-policy-each|baseline-each)
		policy "$to"
		timed "$tool" "to-$to" "$n" per_device dp-ram "$(dp_of "$tool")"
		check "$tool: N=$n in $to" all_in "$drv" $devs
		policy devdax
		timed "$tool" "from-$to" "$n" per_device dp-devdax "$(dp_of "$tool")" ;;
	esac
	check "$tool: N=$n back in devdax" all_in device_dax $devs
}

nothing_to_do() {	# N R: every device in policy already; round R
	local n=$1 r=${2:-0} tool dps=(dax-policy ${DAXBENCH_BASELINE:+baseline})
	policy devdax
	dax-policy apply >/dev/null 2>&1
	# nothing of making the devices still being handled (untimed)
	[ "${DAXBENCH_SETTLE:-0}" = 1 ] && { settled "nothing to do N=$n" || return; }
	# the two dax-policy builds take turns at going first (sysfs lookups
	# the first one makes are cached for the second)
	[ $((r % 2)) = 1 ] && dps=(${dps[@]:1} ${dps[0]})
	for tool in true read daxctl "${dps[@]}"; do
		case $tool in
		true) timed true nothing "$n" /bin/true ;;
		read) timed floor-read nothing "$n" "$floor" read $devs ;;
		daxctl) timed daxctl-list nothing "$n" daxctl list -D ;;
		dax-policy|baseline) timed "$tool" nothing "$n" "$(dp_of "$tool")" apply ;;
		esac
	done
}

# nothing to do at N devices, the extra ones of SIZE; round R
idle_only() {
	local n=$1 size=$2 r=${3:-0}
	grow "$n" "$size" || return
	devs=$(devices | head -n "$n" | tr '\n' ' ')
	nothing_to_do "$n" "$r"
}

# round N R [each]: round R (0, 1, ...) of every tool and step at N
# devices, with one process per device too when EACH is given
round() {
	local n=$1 r=$2 each=${3:-} tools dp each_dp tool i
	grow "$n" 128M || return
	devs=$(devices | head -n "$n" | tr '\n' ' ')
	modprobe -a kmem fsdev_dax device_dax
	policy devdax
	dax-policy apply >/dev/null 2>&1
	check "N=$n round $r: all devdax at the start" all_in device_dax $devs
	echo "# N=$n round $r: $(nproc) vCPU, $series, $(cat $mem/block_size_bytes) block size," \
		"root cache $(sed -n 's/.*daxtest\.rootcache=\([a-z]*\).*/\1/p' /proc/cmdline)"
	# dax-policy and the baseline swap places every other round: which
	# one follows the other (or the floor) is not always the same
	if [ $((r % 2)) = 1 ] && [ -n "${DAXBENCH_BASELINE:-}" ]; then
		dp=(baseline dax-policy) each_dp=(baseline-each dax-policy-each)
	else
		dp=(dax-policy ${DAXBENCH_BASELINE:+baseline})
		each_dp=(dax-policy-each ${DAXBENCH_BASELINE:+baseline-each})
	fi
	tools=(floor floor-ask daxctl "${dp[@]}")
	[ -n "$each" ] && tools+=(floor-each daxctl-each "${each_dp[@]}")
	for ((i = 0; i < ${#tools[@]}; i++)); do
		there_and_back "${tools[(i + r) % ${#tools[@]}]}" system-ram "$n"
	done
	# the floor first, after the system-ram steps; then the two in turn
	for tool in floor floor-ask "${dp[@]}"; do
		there_and_back "$tool" fsdev "$n"
	done
	nothing_to_do "$n" "$r"
}

# Where a batch's time goes, by system call (run-vm-bench TRACE=1): one
# devdax -> system-ram step, and back, of the floor and of dax-policy at N
# devices under `perf trace -s` (each thread's calls, count and time),
# untimed and outside the rounds; dax-policy is given the devices by name,
# since the rounds may have made more than N. What dax-policy spends beyond the
# floor's writes is in its reads, links, listings and waits.
trace_steps() {
	local n=$1 tool out
	command -v perf >/dev/null || { echo "# trace: no perf here (linux-perf)"; return 0; }
	grow "$n" 128M || return
	devs=$(devices | head -n "$n" | tr '\n' ' ')
	modprobe -a kmem fsdev_dax device_dax
	policy devdax
	dax-policy apply >/dev/null 2>&1
	for tool in floor dax-policy; do
		for step in to-system-ram from-system-ram; do
			settled "trace $tool $step" || return
			out=/tmp/trace-$tool-$step
			case $tool/$step in
			floor/to-*) perf trace -s -o "$out" -- "$floor" device_dax kmem $devs ;;
			floor/from-*) perf trace -s -o "$out" -- "$floor" kmem device_dax $devs ;;
			dax-policy/to-*) policy system-ram; perf trace -s -o "$out" -- dax-policy apply $devs ;;
			dax-policy/from-*) policy devdax; perf trace -s -o "$out" -- dax-policy apply $devs ;;
			esac >/dev/null 2>&1
			# per thread: its header, then its 8 costliest calls
			awk -v t="$tool $step N=$n" '
				/ events, / { th = $1 " " $2; sub(/,$/, "", th); k = 0; next }
				th && $1 ~ /^[a-z_0-9]+$/ && $2 ~ /^[0-9]+$/ && k++ < 8 {
					printf "# trace %s %s: %-12s %6d calls %9.1f ms\n", t, th, $1, $2, $4 }' "$out"
		done
	done
	check "trace: N=$n back in devdax" all_in device_dax $devs
}
