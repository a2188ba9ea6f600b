#!/usr/bin/env python3
"""Writes a gzip'd newc cpio (an initramfs) from a directory tree, without
root: owners come from the command line (PATH=UID:GID, default 0:0), modes
and link targets from the tree, every mtime from SOURCE_DATE_EPOCH, names
sorted, so the same tree gives the same bytes.

Usage: mkcpio.py ROOT OUT.cpio.gz [PATH=UID:GID ...]
"""
import gzip
import os
import stat
import sys


def entry(name, st, data, uid, gid, ino, mtime):
    name_b = name.encode() + b"\0"
    hdr = "070701" + "".join("%08X" % v for v in (
        ino, st.st_mode, uid, gid, 1, mtime, len(data), 0, 0, 0, 0, len(name_b), 0))
    out = hdr.encode() + name_b
    out += b"\0" * ((4 - len(out) % 4) % 4)
    out += data
    out += b"\0" * ((4 - len(data) % 4) % 4)
    return out


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    root, out_path = sys.argv[1], sys.argv[2]
    owners = {}
    for spec in sys.argv[3:]:
        path, ids = spec.rsplit("=", 1)
        uid, gid = ids.split(":")
        owners[path.strip("/")] = (int(uid), int(gid))
    mtime = int(os.environ.get("SOURCE_DATE_EPOCH", "0"))
    names = []
    for d, dirs, files in os.walk(root):
        dirs.sort()
        for n in dirs + sorted(files):
            names.append(os.path.relpath(os.path.join(d, n), root))
    names.sort()
    blob = bytearray()
    for ino, name in enumerate(names, start=1):
        p = os.path.join(root, name)
        st = os.lstat(p)
        if stat.S_ISLNK(st.st_mode):
            data = os.readlink(p).encode()
        elif stat.S_ISREG(st.st_mode):
            with open(p, "rb") as f:
                data = f.read()
        else:
            data = b""
        uid, gid = owners.get(name, (0, 0))
        blob += entry(name, st, data, uid, gid, ino, mtime)
    blob += entry("TRAILER!!!", os.stat_result((0,) * 10), b"", 0, 0, 0, 0)
    with open(out_path, "wb") as f:
        f.write(gzip.compress(bytes(blob), compresslevel=9, mtime=mtime))


if __name__ == "__main__":
    main()
