#!/usr/bin/env python3
"""Print "MEMBER SYMBOL" for every symbol in the index of static archives.

The archives of an LTO build hold LLVM bitcode that the host's readelf and
older llvm-nm cannot read; the archive's own symbol index (written by
`zig ar`/llvm-ar, which understands bitcode) still names every defined
global symbol and the member that defines it. GNU/SysV format ("/" and
"/SYM64/" index, "//" long-name table), as llvm-ar writes on Linux.

Usage: armap.py ARCHIVE...
"""
import struct
import sys


def members(data):
    pos = 8
    while pos + 60 <= len(data):
        hdr = data[pos:pos + 60]
        name = hdr[:16].decode().rstrip()
        size = int(hdr[48:58].decode().strip())
        yield pos, name, data[pos + 60:pos + 60 + size]
        pos += 60 + size + (size & 1)


def index(path):
    with open(path, "rb") as f:
        data = f.read()
    if not data.startswith(b"!<arch>\n"):
        sys.exit(f"armap.py: {path}: not an ar archive")
    longnames, table, names = b"", None, {}
    for off, name, body in members(data):
        if name in ("/", "/SYM64/"):
            w = 8 if name == "/SYM64/" else 4
            n = struct.unpack(">Q" if w == 8 else ">I", body[:w])[0]
            offs = struct.unpack(f">{n}{'Q' if w == 8 else 'I'}", body[w:w + n * w])
            syms = body[w + n * w:].split(b"\0")[:n]
            table = list(zip(offs, (s.decode() for s in syms)))
        elif name == "//":
            longnames = body
        else:
            if name.startswith("/") and name[1:].isdigit():
                start = int(name[1:])
                name = longnames[start:longnames.index(b"\n", start)].decode()
            names[off] = name.rstrip("/")
    if table is None:
        sys.exit(f"armap.py: {path}: archive has no symbol index (run ranlib)")
    for off, sym in table:
        yield names.get(off, "?"), sym


def main():
    for path in sys.argv[1:]:
        for member, sym in index(path):
            print(member, sym)


if __name__ == "__main__":
    main()
