#!/usr/bin/env python3
"""What a static edgestat binary is made of: toolchains/sizes.sh runs this
on an unstripped relink of build-TARGET/edgestat.

Every defined symbol in an allocated, file-backed section (.text, .rodata,
.data...; not .bss) is charged to the object that defines it: the project's
objects by room (src/ROOM/), the dependency archives by library and member,
the rest (musl, compiler-rt, which zig links itself) as "libc". Symbols
defined in several objects (inline functions, templates) go to the first.
Sections without symbols (.eh_frame, .eh_frame_hdr) are listed as such.

Usage: size_report.py BINARY BUILD_DIR ARCHIVE...   (env TOP_SYMBOLS, default 20)
"""
import collections
import os
import re
import shutil
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import armap  # noqa: E402


def tool(name):
    p = shutil.which(name)
    if p:
        return p
    for d in sorted(os.listdir("/usr/lib"), reverse=True):
        c = os.path.join("/usr/lib", d, "bin", name)
        if d.startswith("llvm-") and os.path.exists(c):
            return c
    sys.exit(f"size_report.py: {name} not found (Debian package llvm)")


NM = tool("llvm-nm")
TOP_SYMBOLS = int(os.environ.get("TOP_SYMBOLS", "20"))


def defined(path):
    r = subprocess.run([NM, "--defined-only", "-A", path], capture_output=True, text=True)
    if r.returncode != 0 and path.endswith(".a"):
        # LTO: members are bitcode of a newer LLVM than the host's llvm-nm
        # reads; the archive index still names each global's member (local
        # symbols are not in it, see lto_group below).
        for member, sym in armap.index(path):
            yield f"{path}:{member}", sym
        return
    for line in r.stdout.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            yield parts[0].rstrip(":"), parts[-1]


def lto_group(sym):
    """A symbol no object or index names (LTO builds: a file-local symbol of
    a bitcode object, whose name the host's llvm-nm cannot read): charged by
    its name; C++ names of the project are mangled under _ZN8edgestat."""
    if "edgestat" in sym[:16]:
        return ("edgestat (LTO, room unknown)", "")
    for prefix, lib in (("mbedtls_ssl", "libmbedtls.a"), ("ssl_", "libmbedtls.a"), ("x509", "libmbedx509.a"),
                        ("mbedtls_x509", "libmbedx509.a"), ("mbedtls_", "libmbedcrypto.a"), ("psa_", "libmbedcrypto.a"),
                        ("ecp_", "libmbedcrypto.a"), ("uv_", "libuv.a"), ("uv__", "libuv.a")):
        if sym.startswith(prefix):
            return (lib + " (by name)", "")
    return ("libc (musl, compiler-rt)", "")


def main():
    binary, build, archives = sys.argv[1], sys.argv[2], sys.argv[3:]
    origin = {}
    room_of = {}  # object file name -> "edgestat ROOM/"
    objdir = os.path.join(build, "CMakeFiles")
    for d, _, files in os.walk(objdir):
        for f in sorted(files):
            if f.endswith(".o") and "CompilerId" not in d:  # CMake's probe objects have a main()
                p = os.path.join(d, f)
                m = re.search(r"/src/([^/]+)/", p)
                group = "edgestat " + (m.group(1) if m else "app") + "/"
                room_of[f] = group
                for _, sym in defined(p):
                    origin.setdefault(sym, (group, os.path.basename(f)[:-2]))
    # LTO: the objects are bitcode the host's llvm-nm cannot read; the
    # project's own archives' indexes name the member of each global.
    for lib in ("libedgestat_lib.a", "libedgestat_pb.a"):
        path = os.path.join(build, lib)
        if os.path.exists(path):
            for member, sym in armap.index(path):
                origin.setdefault(sym, (room_of.get(member, "edgestat app/"), member[:-2]))
    for a in archives:
        lib = os.path.basename(a)
        for loc, sym in defined(a):
            member = loc.split(":")[-1] if ":" in loc else loc
            origin.setdefault(sym, (lib, member))

    sections = subprocess.run(["readelf", "-SW", binary], capture_output=True, text=True).stdout
    alloc = []  # (start, end, name) of file-backed allocated sections
    sizes = {}
    for line in sections.splitlines():
        m = re.match(r"\s*\[\s*\d+\]\s+(\S+)\s+(\S+)\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)\s+\S+\s+(\S*)", line)
        if not m:
            continue
        name, typ, addr, size, flags = m.group(1), m.group(2), int(m.group(3), 16), int(m.group(4), 16), m.group(5)
        if "A" in flags and typ != "NOBITS":
            alloc.append((addr, addr + size, name))
            sizes[name] = size

    def in_file(addr):
        return any(a <= addr < b for a, b, _ in alloc)

    groups, objects = collections.Counter(), collections.Counter()
    symbols = []
    out = subprocess.run([NM, "-S", binary], capture_output=True, text=True).stdout
    for line in out.splitlines():
        p = line.split()
        if len(p) != 4:
            continue
        addr, size = int(p[0], 16), int(p[1], 16)
        if not in_file(addr):
            continue
        group, member = origin.get(p[3]) or lto_group(p[3])
        groups[group] += size
        objects[(group, member)] += size
        symbols.append((size, p[2], p[3]))

    total = sum(sizes.values())
    print(f"{'bytes':>9}  part (file-backed sections: {total} bytes)")
    for g, v in groups.most_common():
        print(f"{v:9d}  {g}")
    for s in (".eh_frame", ".eh_frame_hdr"):
        if s in sizes:
            print(f"{sizes[s]:9d}  {s} (unwind tables, no symbols)")
    print("\nlargest objects:")
    for (g, m), v in objects.most_common(30):
        print(f"{v:9d}  {g}{' ' + m if m else ''}")
    print("\nlargest symbols (nm -S; t/T code, r/R/d/D data):")
    names = {}
    mangled = [s for _, _, s in sorted(symbols, reverse=True)[:TOP_SYMBOLS]]
    if shutil.which("c++filt"):
        out = subprocess.run(["c++filt"], input="\n".join(mangled), capture_output=True, text=True).stdout
        names = dict(zip(mangled, out.splitlines()))
    for size, kind, sym in sorted(symbols, reverse=True)[:TOP_SYMBOLS]:
        print(f"{size:9d}  {kind}  {names.get(sym, sym)[:120]}")


if __name__ == "__main__":
    main()
