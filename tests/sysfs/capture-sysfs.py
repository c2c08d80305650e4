#!/usr/bin/env python3
"""Copy what dax-policy reads from a live /sys into a fixture tree.

usage: capture-sysfs.py OUTDIR

Run on a machine (or in the test VM) whose dax devices are in the states the
fixture should show. OUTDIR gets sys/... with the same files, symlinks and
modes: readable attributes with their contents, write-only ones (bind,
new_id, ...) as empty files, so `dax-policy --root OUTDIR` sees what it would
see on that machine.
"""
import os
import stat
import sys

SKIP = {"power", "subsystem", "firmware_node", "physical_node", "wakeup"}


def copy_file(src, dst):
    mode = stat.S_IMODE(os.lstat(src).st_mode)
    data = b""
    if mode & 0o444:
        try:
            with open(src, "rb") as f:
                data = f.read(65536)
        except OSError:
            data = b""
    os.makedirs(os.path.dirname(dst), exist_ok=True)
    with open(dst, "wb") as f:
        f.write(data)
    os.chmod(dst, mode | 0o200)


def copy(src, out, depth):
    dst = out + src
    if os.path.lexists(dst):
        return
    if os.path.islink(src):
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        os.symlink(os.readlink(src), dst)
    elif os.path.isdir(src):
        os.makedirs(dst, exist_ok=True)
        if depth <= 0:
            return
        for name in sorted(os.listdir(src)):
            if name in SKIP:
                continue
            copy(os.path.join(src, name), out, depth - 1)
    elif os.path.isfile(src):
        copy_file(src, dst)


def files_of(path, out):
    """The plain attributes of one directory, no subdirectories."""
    os.makedirs(out + path, exist_ok=True)
    for name in sorted(os.listdir(path)):
        p = os.path.join(path, name)
        if name in SKIP or os.path.isdir(p) and not os.path.islink(p):
            continue
        copy(p, out, 0)


def capture_cxl(out):
    """CXL regions, their target decoders' ports and memory devices: what
    the cxl-serial key reads."""
    devs = "/sys/bus/cxl/devices"
    if not os.path.isdir(devs):
        return
    copy(devs, out, 1)
    for name in sorted(os.listdir(devs)):
        if not name.startswith("region"):
            continue
        region = os.path.realpath(os.path.join(devs, name))
        files_of(region, out)
        t = 0
        while os.path.exists("%s/target%d" % (region, t)):
            decoder = open("%s/target%d" % (region, t)).read().strip()
            t += 1
            if not decoder:
                break
            real = os.path.realpath(os.path.join(devs, decoder))
            files_of(real, out)
            port = os.path.dirname(real)
            files_of(port, out)
            if os.path.islink(port + "/uport"):
                files_of(os.path.realpath(port + "/uport"), out)


def main():
    out = os.path.abspath(sys.argv[1])
    copy("/sys/bus/dax", out, 3)
    memsys = "/sys/devices/system/memory"
    files_of(memsys, out)
    block = int(open(memsys + "/block_size_bytes").read(), 16)
    devs = "/sys/bus/dax/devices"
    for name in sorted(os.listdir(devs)):
        real = os.path.realpath(os.path.join(devs, name))
        copy(real, out, 2)
        parent = os.path.dirname(real)
        # region attributes and whatever ancestors carry (uuid of a namespace)
        for _ in range(3):
            files_of(parent, out)
            if os.path.isdir(parent + "/dax_region"):
                copy(parent + "/dax_region", out, 1)
            parent = os.path.dirname(parent)
        try:
            start = int(open(real + "/resource").read(), 16)
            size = int(open(real + "/size").read())
        except (OSError, ValueError):
            continue
        for idx in range(start // block, (start + size + block - 1) // block):
            mb = "%s/memory%d" % (memsys, idx)
            if os.path.isdir(mb):
                copy(mb, out, 1)
    capture_cxl(out)
    for drv in ("device_dax", "kmem", "fsdev_dax"):
        p = "/sys/module/" + drv
        if os.path.isdir(p):
            os.makedirs(out + p, exist_ok=True)


if __name__ == "__main__":
    main()
