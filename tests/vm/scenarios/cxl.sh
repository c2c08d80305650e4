#!/bin/bash
# A CXL-backed dax device on qemu's CXL type-3 persistent memory device
# (serial 0x1234567890abcdef): a CXL pmem region, an nvdimm region on it, a
# devdax namespace. The policy matches it by the memory device's serial
# (/etc/dax-policy.d/cxl.conf: cxl-serial -> fsdev), and keeps matching when
# the region is made again under another number and the dax device comes
# back under another name, reaching fsdev by itself (udev, dax-policy@).
. ./lib.sh
for m in cxl_acpi cxl_pci cxl_port cxl_mem cxl_pmem libnvdimm nd_pmem dax_pmem; do modprobe $m; done
modprobe dax_cxl 2>/dev/null	# 6.12
udevadm settle
cxl list -M | sed 's/^/# /'
is "the CXL memory device is there, with its serial" "$(cat /sys/bus/cxl/devices/mem0/serial 2>/dev/null)" 0x1234567890abcdef
check "cxl create-region -t pmem" cxl create-region -m -d decoder0.0 -w 1 -t pmem mem0
region=$(ndctl list -R | jq -r '.[0].dev')
if [ -z "$(ndctl list -N -r "$region")" ]; then
	check "ndctl create-namespace -m devdax on $region" ndctl create-namespace -m devdax -r "$region"
fi
udevadm settle
dev=$(ls /sys/bus/dax/devices | grep '^dax' | head -1)
echo "# $dev at $(readlink -f /sys/bus/dax/devices/$dev)"
check "$dev reaches fsdev by itself (matched by cxl-serial)" wait_driver "$dev" fsdev_dax 60
dax-policy explain "$dev" > /tmp/explain.txt; sed 's/^/# /' /tmp/explain.txt
check "explain names the rule" grep -q "rule cxl-pool .*matches -> mode fsdev" /tmp/explain.txt
dax-policy status "$dev" >/dev/null; is "status: $dev in policy" "$?" 0

# the CXL region again, under another number: hold the old number with an
# empty region first
creg=$(cxl list -R | jq -r '.[0].region')
check "cxl disable-region $creg" cxl disable-region "$creg"
check "cxl destroy-region $creg" cxl destroy-region "$creg"
check "$dev is gone with it" test ! -e /sys/bus/dax/devices/$dev
placeholder=$(cat /sys/bus/cxl/devices/decoder0.0/create_pmem_region)
echo "$placeholder" > /sys/bus/cxl/devices/decoder0.0/create_pmem_region
check "cxl create-region again" cxl create-region -m -d decoder0.0 -w 1 -t pmem mem0
udevadm settle
creg2=$(cxl list -R | jq -r '.[] | select(.size > 0) | .region' | head -1)
echo "# the region is now $creg2 (was $creg)"
check "the region has another number" test "$creg2" != "$creg"
dev2=$(ls /sys/bus/dax/devices | grep '^dax' | head -1)
echo "# the namespace came back from its labels as $dev2"
check "the new $dev2 reaches fsdev by itself" wait_driver "$dev2" fsdev_dax 60
check "no dax-policy@ unit failed" sh -c "! journalctl -b -o cat | grep -q 'Failed to start dax-policy@'"
is "no warning, BUG or oops in the kernel log" "$(kernel_trouble)" ""
# what dax-policy reads here, for tests/sysfs/cxl (see tests/sysfs/README.md)
python3 ../../sysfs/capture-sysfs.py /daxtest/fixtures/cxl
finish
