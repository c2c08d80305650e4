#!/bin/bash
# The Debian packages, built by build-debs (dpkg-buildpackage -us -uc -b
# in a copy of the source tree) into OUT: both exist; what each holds, its conffiles, dependencies and maintainer
# scripts; together they hold exactly what `meson install` put in
# debian/tmp; the versions agree; lintian finds nothing that is not
# overridden, and every override says why. TAP.
# usage: test-packages.sh OUT SOURCE_ROOT BUILD_ROOT PROJECT_VERSION
set -u
out=$1 src=$2 build=$3 version=$4
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; echo "test-packages: not ok $n - $*" >&2; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: got '${2//$'\n'/ }', want '${3//$'\n'/ }'"; fi; }
check() { local d=$1; shift; if "$@"; then ok "$d"; else notok "$d"; fi; }

rm -f "$out/status"
"$(dirname "$0")/build-debs" "$src" "$build" "$out" | sed "s/^/# /"
status=$(cat "$out/status" 2>/dev/null || echo "fail: build-debs left no $out/status")
case "$status" in
ok) ;;
skip:*) echo "1..0 # SKIP ${status#skip: }"; exit 0 ;;
*)
	notok "the packages build: ${status#fail: }"
	for log in "$out"/checkbuilddeps.log "$out"/*/build.log; do
		[ -f "$log" ] && { echo "# $log:"; tail -n 40 "$log" | sed 's/^/#   /'; }
	done
	echo "1..$n"
	exit 1 ;;
esac
cat "$out/times" | sed 's/^/# /'

arch=$(dpkg --print-architecture)
v1=$(dpkg-parsechangelog -l "$out/1/src/debian/changelog" -S Version)
v2=$(dpkg-parsechangelog -l "$out/2/src/debian/changelog" -S Version)
is "debian/changelog's upstream version is meson's project version" "${v1%-*}" "$version"
is "kernel/dkms.conf's PACKAGE_VERSION is meson's project version" \
	"$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$src/kernel/dkms.conf")" "$version"
check "the second build is a later version ($v2 > $v1)" dpkg --compare-versions "$v2" gt "$v1"

deb() { echo "$out/$1/$2_$(eval echo "\$v$1")_$3.deb"; }
for b in 1 2; do
	for p in "dax-policy $arch" "fsdev-dax-dkms all"; do
		set -- $p
		check "build $b: $(basename "$(deb $b "$1" "$2")") exists" test -f "$(deb $b "$1" "$2")"
	done
done
dp=$(deb 1 dax-policy "$arch") dk=$(deb 1 fsdev-dax-dkms all)
files() { dpkg-deb -c "$1" 2>/dev/null | awk '{ print $6 }' | sed 's|^\./|/|; s|/$||' | grep -v '^$'; }
field() { dpkg-deb -f "$1" "$2" 2>/dev/null; }
conffiles() { dpkg-deb --ctrl-tarfile "$1" 2>/dev/null | tar -xOf - ./conffiles 2>/dev/null | sort; }
script() { dpkg-deb --ctrl-tarfile "$1" 2>/dev/null | tar -xOf - "./$2" 2>/dev/null; }
has() { files "$1" | grep -qxF "$2"; }

# --- dax-policy ---
for f in /usr/sbin/dax-policy /etc/dax-policy.conf /etc/dax-policy.d \
	 /lib/systemd/system/dax-policy.service /lib/systemd/system/dax-policy@.service \
	 /lib/systemd/system/dax-policy-hold.service /lib/udev/rules.d/90-dax-policy.rules \
	 /usr/share/bash-completion/completions/dax-policy /usr/share/man/man8/dax-policy.8.gz \
	 /usr/share/man/man5/dax-policy.conf.5.gz /usr/share/doc/dax-policy/examples/dax-policy.conf \
	 /usr/share/doc/dax-policy/examples/demo.conf /usr/share/doc/dax-policy/README.md.gz; do
	check "dax-policy holds $f" has "$dp" "$f"
done
is "dax-policy's conffiles: /etc/dax-policy.conf" "$(conffiles "$dp")" /etc/dax-policy.conf
is "dax-policy's stock policy is examples/dax-policy.conf" \
	"$(dpkg-deb --fsys-tarfile "$dp" | tar -xOf - ./etc/dax-policy.conf | md5sum)" "$(md5sum < "$src/examples/dax-policy.conf")"
is "dax-policy is for $arch" "$(field "$dp" Architecture)" "$arch"
for lib in libdaxctl1 libkmod2 libjson-c5 libc6; do
	check "dax-policy depends on $lib (shlibs; libdaxctl and libkmod named, as opened when needed)" grep -q "\b$lib\b" <<< "$(field "$dp" Depends)"
done
post=$(script "$dp" postinst) prerm=$(script "$dp" prerm)
check "postinst enables dax-policy.service" grep -q "deb-systemd-helper enable 'dax-policy.service'" <<< "$post"
check "postinst starts dax-policy.service (when it runs: only its hold again)" grep -q "deb-systemd-invoke start 'dax-policy.service'" <<< "$post"
check "postinst names the dax devices there for systemd (a change event, dax only)" \
	grep -q 'udevadm trigger --subsystem-match=dax --action=change' <<< "$post"
check "postrm takes those names away on remove" \
	grep -q 'udevadm trigger --subsystem-match=dax --action=change' <<< "$(script "$dp" postrm)"
check "postinst never restarts it" test -z "$(grep -E 'restart|try-restart' <<< "$post")"
check "postinst enables and starts nothing else" test -z "$(grep -E "dax-policy-hold|dax-policy@" <<< "$post")"
check "prerm stops dax-policy.service only on remove" grep -q '"$1" = remove' <<< "$prerm"
check "no preinst stops it before an upgrade" test -z "$(script "$dp" preinst | grep stop)"

# --- fsdev-dax-dkms ---
tree=/usr/src/fsdev-dax-$version
for f in dkms.conf Kbuild Makefile fsdev_dax.c fsdev_dax.h fsdev-dax-support extract-dax-headers \
	 tests/Kbuild tests/fsdev_dax_test.c; do
	check "fsdev-dax-dkms holds $tree/$f" has "$dk" "$tree/$f"
done
for f in /etc/kernel/postinst.d/fsdev-dax /etc/kernel/header_postinst.d/fsdev-dax; do
	check "fsdev-dax-dkms holds the kernel hook $f" has "$dk" "$f"
done
is "fsdev-dax-dkms's conffiles: the kernel hooks" "$(conffiles "$dk" | tr '\n' ' ')" \
	"/etc/kernel/header_postinst.d/fsdev-dax /etc/kernel/postinst.d/fsdev-dax "
is "its dkms.conf is kernel/dkms.conf" \
	"$(dpkg-deb --fsys-tarfile "$dk" | tar -xOf - ".$tree/dkms.conf" | md5sum)" "$(md5sum < "$src/kernel/dkms.conf")"
for f in fsdev-dax-support extract-dax-headers; do
	check "$f is executable (the Makefile runs it)" \
		grep -q "^-rwxr-xr-x .*\.$tree/$f\$" <<< "$(dpkg-deb -c "$dk")"
done
is "fsdev-dax-dkms is for all architectures" "$(field "$dk" Architecture)" all
check "fsdev-dax-dkms depends on dkms" grep -q '\bdkms\b' <<< "$(field "$dk" Depends)"
check "fsdev-dax-dkms recommends the kernels' source packages" \
	grep -q 'linux-source-6.1 | linux-source-6.12' <<< "$(field "$dk" Recommends)"
check "postinst registers and builds fsdev-dax/$version with DKMS" \
	grep -q "DKMS_NAME=fsdev-dax" <<< "$(script "$dk" postinst)"
check "prerm removes fsdev-dax/$version from DKMS" grep -q "dkms remove" <<< "$(script "$dk" prerm)"

# --- together, exactly what meson install put in debian/tmp ---
# (besides what debhelper adds: copyright, changelog, README, lintian overrides)
tmp=$out/1/src/debian/tmp
installed=$(cd "$tmp" && find . \( -type f -o -type l \) | sed 's|^\.||; s|^\(/usr/share/man/.*\)$|\1.gz|' | sort)
packaged=$(for d in "$dp" "$dk"; do dpkg-deb -c "$d"; done | awk '$1 !~ /^d/ { print $6 }' | sed 's|^\./|/|' |
	grep -vE '^/usr/share/doc/[^/]+/(copyright|changelog\.Debian\.gz|README\.md\.gz)$|^/usr/share/lintian/overrides/' | sort)
is "every file meson installs is in a package" "$(comm -23 <(echo "$installed") <(echo "$packaged"))" ""
is "the packages hold nothing meson does not install" "$(comm -13 <(echo "$installed") <(echo "$packaged"))" ""
for d in $(cd "$tmp" && find . -mindepth 1 -type d -empty | sed 's|^\.||'); do
	check "the empty directory $d meson installs is in a package" has "$dp" "$d"
done

check "the unit tests ran in the package build" grep -q 'meson test --suite unit' "$out/1/build.log"

# --- the second build: a later version whose stock policy changed ---
dp2=$(deb 2 dax-policy "$arch")
is "build 2 is version $v2" "$(field "$dp2" Version)" "$v2"
check "build 2's stock /etc/dax-policy.conf differs" test \
	"$(dpkg-deb --fsys-tarfile "$dp2" | tar -xOf - ./etc/dax-policy.conf | md5sum)" != \
	"$(dpkg-deb --fsys-tarfile "$dp" | tar -xOf - ./etc/dax-policy.conf | md5sum)"

# --- lintian: nothing left that is not overridden, each override explained ---
for o in "$src"/debian/*.lintian-overrides; do
	unexplained=$(awk '/^#/ { c = 1; next } /^[[:space:]]*$/ { c = 0; next } { if (!c) print FILENAME ":" NR ": " $0; c = c }' "$o")
	is "every override in $(basename "$o") follows a comment saying why" "$unexplained" ""
done
if command -v lintian >/dev/null; then
	changes=$out/1/dax-policy_${v1}_$arch.changes
	lintian --allow-root --display-info --pedantic --fail-on error,warning,info,pedantic \
		--tag-display-limit 0 "$changes" > "$out/lintian.log" 2>&1
	rc=$?
	sed 's/^/# /' "$out/lintian.log"
	is "lintian: no error, warning, info or pedantic tag left ($out/lintian.log)" "$rc" 0
	check "lintian: no override unused" test -z "$(grep unused-override "$out/lintian.log")"
else
	notok "lintian is installed (tools/install-deps)"
fi

echo "1..$n"
[ "$failed" = 0 ]
