#!/usr/bin/env python3
"""Honest size attribution from the linker's own map (toolchains/size_map.sh
makes it): every input section that survived --gc-sections is charged to
the object it came from, so nothing is guessed from symbol names.

- the project's objects by room of src/ (app, config, collect, ...);
- the dependency archives (libuv, mbedTLS, nanopb) by library;
- musl by archive member (vfprintf.o, floatscan.o, getaddrinfo.o...),
  since which libc parts are linked is what the code decides;
- linker-made sections (PLT, GOT, string merging) as "<internal>".

The deps' archives are LLVM bitcode (they are built for LTO), so lld
compiles them into one LTO object (lto.tmp); its sections are named after
their functions (-ffunction-sections), and every function in it belongs to
libuv (uv_*, uv__*) or mbedTLS (the rest): no project code is bitcode in
this build.

With --why-extract (lld's CSV: reference, extracted member, symbol) it also
says who pulled each heavy libc member in: the chain of members from a
project object down to the member.

Usage: size_map.py MAP BUILD_DIR [WHY_EXTRACT_CSV]   (env TOP_MEMBERS, default 40)
"""
import collections
import os
import re
import shutil
import subprocess
import sys

TOP = int(os.environ.get("TOP_MEMBERS", "40"))

# Input section line: VMA LMA Size Align, then "path:(section)".
LINE = re.compile(r"^\s*([0-9a-f]+)\s+([0-9a-f]+)\s+([0-9a-f]+)\s+(\d+)\s+(\S.*)$")


def rooms(build):
    """Object basename (as an archive member) -> room of src/."""
    room = {}
    objdir = os.path.join(build, "CMakeFiles")
    for d, _, files in os.walk(objdir):
        for f in files:
            if f.endswith(".o"):
                m = re.search(r"/src/([^/]+)/", os.path.join(d, f))
                r = m.group(1) if m else "app"
                room[f] = r if room.get(f, r) == r else "?"
    return room


def origin(path, room):
    """(group, member) of an input file as the map names it."""
    m = re.match(r"(.*?)([^/]+\.a)\((.*)\)$", path)
    if m:
        lib, member = m.group(2), m.group(3)
        if lib == "libedgestat_lib.a":
            return "edgestat " + room.get(member, "?") + "/", member
        if lib == "libedgestat_pb.a":
            return "nanopb (libedgestat_pb.a)", member
        if lib == "libc.a":
            return "musl libc.a", os.path.basename(member)
        if lib == "libcompiler_rt.a":
            return "compiler-rt", member
        return lib, member
    base = os.path.basename(path)
    if base.endswith(".lto.o") or "lto.tmp" in base or base.startswith("ld-temp"):
        return "LTO", base
    if base in ("crt1.o", "crti.o", "crtn.o", "rcrt1.o"):
        return "musl libc.a", base
    if base in room:
        return "edgestat " + room[base] + "/", base
    return base, base


def main():
    mapfile, build = sys.argv[1], sys.argv[2]
    why = sys.argv[3] if len(sys.argv) > 3 else None
    room = rooms(build)
    groups, members = collections.Counter(), collections.Counter()
    by_section = collections.Counter()
    out_sec = None
    for line in open(mapfile, errors="replace"):
        m = LINE.match(line)
        if not m:
            continue
        size, rest = int(m.group(3), 16), m.group(5)
        if not rest.startswith(" ") and rest.startswith("."):
            out_sec = rest.split()[0]
            continue
        sm = re.match(r"(.*):\((\S+)\)$", rest.strip())
        if not sm or size == 0:
            continue  # a symbol line, or an empty section
        if out_sec in (".bss", ".tbss") or (out_sec or "").startswith((".debug", ".comment", ".symtab", ".strtab")):
            continue  # not in the file
        path, sec = sm.group(1), sm.group(2)
        if path == "<internal>":
            g, mem = "<internal> (linker-made)", sec
        else:
            g, mem = origin(path, room)
        if g == "LTO":
            fn = re.sub(r"^\.(text|rodata|data|bss)(\.rel\.ro)?\.", "", sec)
            g = "libuv (LTO)" if fn.startswith("uv_") or fn.startswith("uv__") else "mbedTLS (LTO)"
            mem = fn
        groups[g] += size
        members[(g, mem)] += size
        by_section[out_sec] += size

    total = sum(groups.values())
    print(f"{'bytes':>9}  part (input sections in the file: {total} bytes)")
    for g, v in groups.most_common():
        print(f"{v:9d}  {g}")
    print("\nby output section:")
    for s, v in by_section.most_common():
        print(f"{v:9d}  {s}")
    print(f"\nlargest objects / members / LTO functions (top {TOP}):")
    for (g, mem), v in members.most_common(TOP):
        print(f"{v:9d}  {g}: {mem}")
    libc = [(v, mem) for (g, mem), v in members.items() if g == "musl libc.a"]
    print("\nmusl members, largest first (TOP_MEMBERS of them):")
    for v, mem in sorted(libc, reverse=True)[:TOP]:
        print(f"{v:9d}  {mem}")
    strings_by_room(build)
    if why and os.path.exists(why):
        explain(why, [mem for v, mem in sorted(libc, reverse=True)[:15]])


def strings_by_room(build):
    """The linker merges string literals (.rodata.str*) of all objects into
    one "<internal>" section; charge them back to the rooms that wrote them
    (sizes before merging, so a little more than the merged total)."""
    readelf = shutil.which("llvm-readelf") or shutil.which("readelf")
    per = collections.Counter()
    objdir = os.path.join(build, "CMakeFiles")
    for d, _, files in os.walk(objdir):
        for f in files:
            if not f.endswith(".o") or "CompilerId" in d:
                continue
            p = os.path.join(d, f)
            m = re.search(r"/src/([^/]+)/", p)
            out = subprocess.run([readelf, "-SW", p], capture_output=True, text=True).stdout
            for line in out.splitlines():
                sm = re.search(r"\]\s+(\.rodata\.str\S*)\s+\S+\s+[0-9a-f]+\s+[0-9a-f]+\s+([0-9a-f]+)", line)
                if sm:
                    per[(m.group(1) if m else "app")] += int(sm.group(2), 16)
    print("\nstring literals by room (.rodata.str* of the objects, before merging):")
    for r, v in per.most_common():
        print(f"{v:9d}  edgestat {r}/")


def explain(why, heavy):
    """lld --why-extract: each extracted member with the member (or object)
    whose undefined reference extracted it; walk up to a project object."""
    def name(path):
        m = re.match(r".*?([^/]+\.a)\((.*)\)$", path)
        return os.path.basename(m.group(2)) if m else os.path.basename(path)

    parent = {}
    for line in open(why):
        p = line.rstrip("\n").split("\t")
        if len(p) != 3 or p[0] == "reference":
            continue
        ref, ext, sym = p
        parent.setdefault(name(ext), (name(ref), sym))
    print("\nwho pulled the heavy musl members in (lld --why-extract, first reference):")
    for mem in heavy:
        chain, cur, seen = [], mem, set()
        while cur in parent and cur not in seen:
            seen.add(cur)
            ref, sym = parent[cur]
            chain.append(f"{sym} <- {ref}")
            cur = ref
        print(f"  {mem}: " + " ; ".join(chain) if chain else f"  {mem}: (not in the trace)")


if __name__ == "__main__":
    main()
