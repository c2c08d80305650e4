#!/bin/bash
# fsdev_dax through DKMS, as a machine gets it: the source in
# /usr/src/fsdev-dax-VERSION and the kernel hooks in /etc/kernel, then
#  - dkms builds and installs it for both of Debian 12's kernels;
#  - removing the 6.12 kernel (image + headers) with apt, and installing it
#    again, succeed, and the hooks rebuild the module for it;
#  - a kernel fsdev_dax is not for (7.1, which has its own; a 6.12 that
#    ships its own; a 6.12 whose linux-source is another version; 6.5)
#    installs without error, skipped with the reason.
# Needs root, dkms and apt (skipped otherwise); leaves the machine as it
# found it: the 6.12 packages are installed again even if a check fails.
# TAP.
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
src=$top/kernel
version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/dkms.conf")
tree=/usr/src/fsdev-dax-$version
hooks="/etc/kernel/postinst.d/fsdev-dax /etc/kernel/header_postinst.d/fsdev-dax"
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
# a failure is also told on stderr, which meson test --print-errorlogs shows
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; echo "test-dkms: not ok $n - $*" >&2; }
log=/tmp/dkms-test.log
run() { local d=$1; shift; if "$@" > $log 2>&1; then ok "$d"; else notok "$d"; sed 's/^/#   /' $log | tail -30 | tee /dev/stderr; fi; }
is_installed() { dkms status "fsdev-dax/$version" -k "$1" 2>/dev/null | grep -q ': installed'; }

if [ "$(id -u)" != 0 ] || ! command -v dkms >/dev/null || ! command -v apt-get >/dev/null; then
	echo "1..0 # SKIP needs root, dkms and apt"
	exit 0
fi
kernels=$("$src/kernel-releases")
k61=$(echo "$kernels" | grep '^6\.1\.' | head -n1)
k612=$(echo "$kernels" | grep '^6\.12\.' | head -n1)
if [ -z "$k61" ] || [ -z "$k612" ] || [ ! -d "/lib/modules/$k61/build" ] || [ ! -d "/lib/modules/$k612/build" ]; then
	echo "1..0 # SKIP needs both Debian 12 kernels with headers (tools/install-deps)"
	exit 0
fi
if dkms status fsdev-dax 2>/dev/null | grep -q . || [ -e "$tree" ]; then
	echo "1..0 # SKIP fsdev-dax is already installed on this machine"
	exit 0
fi
pkgs612="linux-image-$k612 linux-headers-$k612"
for meta in linux-image-6.12-amd64 linux-headers-6.12-amd64; do
	dpkg-query -W -f='${Status}\n' "$meta" 2>/dev/null | grep -q '^install ok installed' && pkgs612="$pkgs612 $meta"
done
fakes=()
cleanup() {
	for f in "${fakes[@]}"; do dpkg --purge "$f" >/dev/null 2>&1; done
	dpkg-query -W -f='${Status}\n' "linux-image-$k612" 2>/dev/null | grep -q '^install ok installed' ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $pkgs612 >/dev/null 2>&1
	dkms remove "fsdev-dax/$version" --all >/dev/null 2>&1
	rm -rf "$tree" /tmp/fsdev-dax-fake
	rm -f $hooks
}
trap cleanup EXIT

# what meson install (or the fsdev-dax-dkms package) puts on the machine
mkdir -p "$tree/tests"
cp "$src"/{dkms.conf,Kbuild,Makefile,fsdev_dax.c,fsdev_dax.h,extract-dax-headers,fsdev-dax-support} "$tree/"
cp "$src"/tests/{Kbuild,fsdev_dax_test.c,fsdev_dax_automatch.c,fsdev_dax_fault.c} "$tree/tests/"
for h in $hooks; do
	mkdir -p "$(dirname "$h")"
	sed "s/@VERSION@/$version/g" "$src/kernel-hook" > "$h"
	chmod 755 "$h"
done

# Each decompression of the kernel's source tarball must stop at what it
# looks for, also where SIGPIPE is ignored, as in every systemd service (and
# so in dkms run by apt from one): a "tar -tf | head" there lists the whole
# 150 MB archive, 15 s here per call and minutes in an emulated machine.
# An xz in front of the real one notes each exit status: 0 is a run that
# decompressed to the end (extract-dax-headers read it all twice that way).
xzwrap=/tmp/fsdev-dax-fake/xzwrap
mkdir -p "$xzwrap"
cat > "$xzwrap/xz" <<EOF
#!/bin/sh
$(command -v xz) "\$@"
rc=\$?
echo "\$rc \$*" >> $xzwrap/exits
# killed by a signal (SIGPIPE when tar has what it wanted): the same for tar
[ \$rc -gt 128 ] && kill -s \$((rc - 128)) \$\$
exit \$rc
EOF
chmod 755 "$xzwrap/xz"
run "dkms add fsdev-dax/$version" dkms add "fsdev-dax/$version"
for k in "$k61" "$k612"; do
	rm -f "$xzwrap/exits"
	run "dkms install for $k (SIGPIPE ignored, as under systemd)" \
		sh -c 'trap "" PIPE; PATH=$1:$PATH exec dkms install "fsdev-dax/$2" -k "$3"' - "$xzwrap" "$version" "$k"
	# tar's own runs (xz -d on its standard input), not dkms compressing
	# the module it built (xz -f fsdev_dax.ko on 6.12)
	runs=$(grep -c ' -d$' "$xzwrap/exits" 2>/dev/null)
	whole=$(grep -c '^0 -d$' "$xzwrap/exits" 2>/dev/null)
	if [ "${runs:-0}" -gt 0 ] && [ "$whole" = 0 ]; then
		ok "$k: none of the $runs decompressions of linux-source read the whole archive"
	else
		notok "$k: decompressions of linux-source that read it all: $whole of ${runs:-0}"
		sed 's/^/#   xz exit status and arguments: /' "$xzwrap/exits"
	fi
	ko=$(find /lib/modules/"$k"/updates/dkms -name 'fsdev_dax.ko*' 2>/dev/null | head -1)
	if [ -n "$ko" ]; then ok "$k: module installed: $ko"; else notok "$k: module installed under updates/dkms"; fi
	vermagic=$(modinfo -F vermagic "${ko:-/nonexistent}" 2>/dev/null)
	case "$vermagic" in "$k "*) ok "$k: built for $k" ;; *) notok "$k: vermagic '$vermagic'" ;; esac
	if [ -n "$(modinfo -F alias "${ko:-/nonexistent}" 2>/dev/null)" ]; then
		notok "$k: the module has no alias (never autoloaded)"
	else
		ok "$k: the module has no alias (never autoloaded)"
	fi
	resolved=$(modprobe -S "$k" --show-depends fsdev_dax 2>/dev/null | tail -1)
	case "$resolved" in *updates/dkms/fsdev_dax.ko*) ok "$k: modprobe resolves fsdev_dax to it" ;;
	*) notok "$k: modprobe resolves fsdev_dax: $resolved" ;; esac
done
dkms status fsdev-dax | sed 's/^/# /'
# The version read from the tarball's own Makefile (dpkg's version of
# linux-source is not the kernel's) stops early too.
fakekdir=/tmp/fsdev-dax-fake/kdir
mkdir -p "$fakekdir"
printf 'kernelversion:\n\t@echo 6.12.999\n' > "$fakekdir/Makefile"
rm -f "$xzwrap/exits"
why=$(sh -c 'trap "" PIPE; PATH=$1:$PATH exec "$2/fsdev-dax-support" "$3" 6.12.999-1-amd64' - "$xzwrap" "$src" "$fakekdir")
case "$why" in
*"holds Linux ${k612%%[-+]*}, "*) ok "a kernel of another version: the tarball's Makefile read ($why)" ;;
*) notok "a kernel of another version: the tarball's Makefile read: $why" ;;
esac
if [ "$(grep -c ' -d$' "$xzwrap/exits" 2>/dev/null)" -gt 0 ] && ! grep -q '^0 -d$' "$xzwrap/exits"; then
	ok "  without reading the whole archive"
else
	notok "  without reading the whole archive"; sed 's/^/#   xz: /' "$xzwrap/exits" 2>/dev/null
fi

# --- the other kernel removed and installed again, with apt ---
export DEBIAN_FRONTEND=noninteractive
run "apt-get remove $k612 (image + headers) succeeds" apt-get remove -y $pkgs612
if is_installed "$k612"; then notok "dkms no longer lists $k612"; else ok "dkms no longer lists $k612"; fi
run "apt-get install $k612 (image + headers) succeeds" apt-get install -y --no-install-recommends $pkgs612
grep -E 'fsdev-dax|dkms' $log | sed 's/^/#   /' | head -10
if is_installed "$k612"; then ok "the hooks built and installed fsdev_dax for $k612"; else notok "fsdev_dax installed for $k612"; fi
if is_installed "$k61"; then ok "still installed for $k61"; else notok "still installed for $k61"; fi
dkms status fsdev-dax | sed 's/^/# /'

# --- kernels fsdev_dax is not for: a headers package of each, as Debian's --
# each is a headers package whose postinst runs /etc/kernel/header_postinst.d
# as Debian's own do; KVER VERSION [own]: own = it ships fsdev_dax.ko
fake_headers() {
	local kver=$1 kversion=$2 own=${3:-} pkg d
	pkg=linux-headers-$kver
	d=/tmp/fsdev-dax-fake/$pkg
	rm -rf "$d"
	mkdir -p "$d/DEBIAN" "$d/lib/modules/$kver/build/include/generated"
	printf 'kernelversion:\n\t@echo %s\n' "$kversion" > "$d/lib/modules/$kver/build/Makefile"
	echo "#define UTS_RELEASE \"$kver\"" > "$d/lib/modules/$kver/build/include/generated/utsrelease.h"
	if [ -n "$own" ]; then
		mkdir -p "$d/lib/modules/$kver/kernel/drivers/dax"
		: > "$d/lib/modules/$kver/kernel/drivers/dax/fsdev_dax.ko"
	fi
	cat > "$d/DEBIAN/control" <<EOF
Package: $pkg
Version: 1
Architecture: all
Maintainer: dax-policy tests <root@localhost>
Description: test kernel headers for fsdev-dax's DKMS test
EOF
	cat > "$d/DEBIAN/postinst" <<EOF
#!/bin/sh
set -e
[ "\$1" = configure ] || exit 0
run-parts --report --exit-on-error --arg=$kver /etc/kernel/header_postinst.d
EOF
	chmod 755 "$d/DEBIAN/postinst"
	dpkg-deb -b "$d" "$d.deb" >/dev/null
	echo "$d.deb"
}
for spec in "7.1.0-1-amd64 7.1.0 - has its own fsdev_dax" \
	    "6.12.999-1-amd64 6.12.999 - linux-source-6.12 of Linux 6.12.999" \
	    "6.12.117-own-amd64 ${k612%%+*} own ships its own fsdev_dax" \
	    "6.5.0-1-amd64 6.5.0 - builds for Linux 6.1 and 6.12"; do
	read -r kver kversion own why <<< "$spec"
	[ "$own" = - ] && own=
	fakes+=("linux-headers-$kver")	# here: fake_headers runs in a subshell
	deb=$(fake_headers "$kver" "$kversion" "$own")
	run "installing headers of $kver succeeds" apt-get install -y "$deb"
	if grep -q "fsdev-dax: not built for $kver: .*$why" $log; then
		ok "$kver: skipped, saying why ($why)"
	else
		notok "$kver: skipped, saying why ($why)"; sed 's/^/#   /' $log | tail -10
	fi
	if is_installed "$kver"; then notok "$kver: nothing installed"; else ok "$kver: nothing installed"; fi
	run "removing headers of $kver succeeds" dpkg --purge "linux-headers-$kver"
done
dkms install "fsdev-dax/$version" -k 7.1.0-1-amd64 > $log 2>&1
rc=$?
if [ "$rc" != 0 ]; then ok "dkms install itself refuses 7.1 (exit $rc)"; else notok "dkms install refuses 7.1"; fi

run "dkms remove" dkms remove "fsdev-dax/$version" --all
if find /lib/modules/"$k61"/updates/dkms /lib/modules/"$k612"/updates/dkms -name 'fsdev_dax.ko*' 2>/dev/null | grep -q .; then
	notok "module gone after remove"
else
	ok "module gone after remove"
fi
echo "1..$n"
[ "$failed" = 0 ]
