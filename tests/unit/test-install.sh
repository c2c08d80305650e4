#!/bin/bash
# meson install into a DESTDIR, twice, as a reinstall over a live system
# does: the first puts the stock policy in place, the second keeps the one
# the administrator edited (the stock one beside it as .dist). TAP.
# usage: test-install.sh BUILD_ROOT
set -u
build=$1
n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; echo "test-install: not ok $n - $*" >&2; }
is() { if [ "$2" = "$3" ]; then ok "$1"; else notok "$1: got '$2', want '$3'"; fi; }
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
sysconf=$(meson introspect --buildoptions "$build" | python3 -c '
import json, sys
o = {x["name"]: x["value"] for x in json.load(sys.stdin)}
d = o["sysconfdir"]
print(d if d.startswith("/") else o["prefix"].rstrip("/") + "/" + d)')
conf=$dest$sysconf/dax-policy.conf

meson install -C "$build" --destdir "$dest" --no-rebuild --quiet > "$dest.log" 2>&1
is "first install succeeds" "$?" 0
if [ -f "$conf" ]; then ok "the stock policy is installed"; else notok "the stock policy is installed ($conf)"; fi
if [ -e "$conf.dist" ]; then notok "no .dist the first time"; else ok "no .dist the first time"; fi
printf '[defaults]\nmode = devdax\n' > "$conf"
edited=$(md5sum < "$conf")
meson install -C "$build" --destdir "$dest" --no-rebuild --quiet > "$dest.log" 2>&1
is "second install succeeds" "$?" 0
is "the edited policy is kept" "$(md5sum < "$conf")" "$edited"
if [ -f "$conf.dist" ]; then ok "the stock policy beside it as .dist"; else notok "the stock policy beside it as .dist"; fi
rm -f "$dest.log"
echo "1..$n"
[ "$failed" = 0 ]
