#!/bin/bash
# kernel/dkms.conf works: dkms add, build and install fsdev_dax for the
# kernel Debian's linux-image-amd64 points at, check the installed module,
# then remove it again. Needs root and dkms (skipped otherwise). TAP.
set -u
src=$(cd "$(dirname "$0")/../../kernel" && pwd)
kver=$("$src/default-kernel-release")
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/dkms.conf")
tree=/usr/src/fsdev-dax-$version
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
run() { local d=$1; shift; if "$@" > /tmp/dkms-test.log 2>&1; then ok "$d"; else notok "$d"; sed 's/^/#   /' /tmp/dkms-test.log | tail -30; fi; }

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null; then
	echo "1..0 # SKIP needs root and dkms"
	exit 0
fi
if [ ! -d "/lib/modules/$kver/build" ]; then
	echo "1..0 # SKIP no headers for $kver"
	exit 0
fi
if dkms status fsdev-dax 2>/dev/null | grep -q .; then
	echo "1..0 # SKIP fsdev-dax is already registered with dkms on this machine"
	exit 0
fi
cleanup() {
	dkms remove "fsdev-dax/$version" --all >/dev/null 2>&1
	[ -n "${made_tree:-}" ] && rm -rf "$tree"
}
trap cleanup EXIT

if [ ! -e "$tree" ]; then
	mkdir -p "$tree"
	made_tree=1
	cp "$src"/{dkms.conf,Kbuild,Makefile,fsdev_dax.c,fsdev_dax.h,extract-dax-headers,has-fsdev-dax} "$tree/"
fi
run "dkms add fsdev-dax/$version" dkms add "fsdev-dax/$version"
run "dkms build for $kver" dkms build "fsdev-dax/$version" -k "$kver"
run "dkms install for $kver" dkms install "fsdev-dax/$version" -k "$kver"
ko=$(find /lib/modules/"$kver"/updates/dkms -name 'fsdev_dax.ko*' 2>/dev/null | head -1)
if [ -n "$ko" ]; then ok "module installed: $ko"; else notok "module installed under updates/dkms"; fi
vermagic=$(modinfo -F vermagic "${ko:-/nonexistent}" 2>/dev/null)
case "$vermagic" in "$kver "*) ok "built for $kver" ;; *) notok "vermagic '$vermagic' is not $kver" ;; esac
if [ -n "$(modinfo -F alias "${ko:-/nonexistent}" 2>/dev/null)" ]; then
	notok "the DKMS module has no alias (never autoloaded)"
else
	ok "the DKMS module has no alias (never autoloaded)"
fi
resolved=$(modprobe -S "$kver" --show-depends fsdev_dax 2>/dev/null | tail -1)
case "$resolved" in *updates/dkms/fsdev_dax.ko*) ok "modprobe resolves fsdev_dax to it" ;; *) notok "modprobe resolves fsdev_dax: $resolved" ;; esac
run "dkms remove" dkms remove "fsdev-dax/$version" --all
if find /lib/modules/"$kver"/updates/dkms -name 'fsdev_dax.ko*' 2>/dev/null | grep -q .; then
	notok "module gone after remove"
else
	ok "module gone after remove"
fi
echo "1..$n"
[ "$failed" = 0 ]
