# Shared by the pkg-*.sh scenarios: where the Debian packages that
# tests/pkg/vm-pkg-test built are (the build tree, read-only from the host),
# and what is known about them.
pkgs=${DAXTEST_BUILD:-}/vm-debs
kver=$(uname -r)
# deb N PACKAGE: the .deb of build N (1: the version debian/changelog names,
# 2: the next revision, whose stock /etc/dax-policy.conf differs)
deb() { ls "$pkgs/$1/$2"_*.deb 2>/dev/null | head -n1; }
# the packages must be there; else nothing else is worth checking
need_debs() {
	local b p
	for b in 1 2; do
		for p in dax-policy fsdev-dax-dkms; do
			if [ -z "$(deb $b $p)" ]; then
				fail "build $b of $p in $pkgs ($(cat "$pkgs/status" 2>/dev/null || echo "no status"); tests/pkg/vm-pkg-test builds them)"
				finish
				exit 1
			fi
		done
	done
}
version_of() { dpkg-deb -f "$1" Version; }
dkms_version=$(dpkg-deb -c "$(deb 1 fsdev-dax-dkms)" 2>/dev/null | sed -n 's|.* \./usr/src/fsdev-dax-\([^/]*\)/dkms.conf$|\1|p')
stock_policy() { dpkg-deb --fsys-tarfile "$1" | tar -xOf - ./etc/dax-policy.conf; }
# dpkg's word for a package: "install ok installed", "" once purged
pkg_status() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null; }
# dkms's state of fsdev-dax for the running kernel: installed, built, ""
dkms_state() { dkms status "fsdev-dax/$dkms_version" -k "$kver" 2>/dev/null | sed -n 's/.*: //p'; }
# time a step, for the report
timed() {
	local what=$1 start rc; shift
	start=$(date +%s)
	"$@" > /tmp/pkg-step.log 2>&1
	rc=$?
	sed 's/^/#   /' /tmp/pkg-step.log
	echo "# $what took $(($(date +%s) - start))s (exit $rc)"
	return $rc
}
