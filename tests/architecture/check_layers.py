#!/usr/bin/env python3
"""The layer check (DESIGN.md section 2, docs/architecture.md), run by ctest as `layers`.

Every source folder is its own CMake library, but all of them share `src/` as their include path,
so a header of a library that is not linked still compiles. This check closes that gap:

1. Every `#include "x/y.h"` in a target's sources, and in the headers the target owns, must name a
   header of the same target or of a target it links (directly, or through the public links of
   what it links). A header belongs to the target that compiles the .cc of the same name beside
   it; a header without one belongs to its folder's library (`moebius_<folder>`).
2. The folder-level graph of the libraries (an arrow A -> B when a library of folder A links one of
   folder B; arrows to base, which everything uses, are left out) must equal the arrows written in
   docs/architecture.md, so the map there is the tree
   as it is: an arrow in CMake that the map lacks is a new dependency to decide on, an arrow in
   the map that CMake lacks is a stale map.

Usage: check_layers.py TARGETS_TSV SRC_DIR ARCHITECTURE_MD
TARGETS_TSV is written by cmake/moebius.cmake (moebius_write_target_graph): one line per target,
name, type, source dir, sources, link libraries, interface link libraries (lists separated by ;).
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)


def read_targets(path):
    targets = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) != 6:
                continue
            name, kind, sdir, srcs, libs, iface = parts
            clean = lambda v: [x for x in v.split(";") if x and not x.endswith("-NOTFOUND")]
            targets[name] = {"kind": kind, "dir": sdir, "srcs": clean(srcs), "libs": clean(libs), "iface": clean(iface)}
    return targets


def folder_of(path, src):
    rel = os.path.relpath(path, src)
    return None if rel.startswith("..") else rel.replace(os.sep, "/")


def main(tsv, src, arch_md):
    src = os.path.realpath(src)
    targets = read_targets(tsv)
    ours = {n: t for n, t in targets.items() if folder_of(os.path.realpath(t["dir"]), src) is not None}
    errors = []

    # Header ownership.
    owner = {}
    for name, t in ours.items():
        for s in t["srcs"]:
            full = os.path.realpath(s if os.path.isabs(s) else os.path.join(t["dir"], s))
            if full.endswith(".cc"):
                h = full[:-3] + ".h"
                if os.path.exists(h):
                    owner[h] = name
    for dirpath, _, files in os.walk(src):
        for fn in files:
            full = os.path.join(dirpath, fn)
            if not fn.endswith(".h") or full in owner:
                continue
            lib = "moebius_" + folder_of(dirpath, src).replace("/", "_")
            if lib in ours:
                owner[full] = lib
            else:
                errors.append(f"{folder_of(full, src)}: no library owns this header (no .cc beside it, no {lib} in its folder)")

    def reach(name):
        """Targets whose headers `name` may include: itself, what it links, and their public links."""
        seen, pending = {name}, [l for l in targets.get(name, {}).get("libs", []) if l in targets]
        while pending:
            n = pending.pop()
            if n in seen:
                continue
            seen.add(n)
            pending.extend(l for l in targets[n]["iface"] if l in targets)
        return seen

    # 1. Includes against links.
    for name, t in sorted(ours.items()):
        allowed = reach(name)
        files = [os.path.realpath(s if os.path.isabs(s) else os.path.join(t["dir"], s)) for s in t["srcs"]]
        files = [f for f in files if f.startswith(src + os.sep)]
        files += [h for h, o in owner.items() if o == name]
        for f in sorted(set(files)):
            if not os.path.exists(f):
                continue
            text = open(f, encoding="utf-8", errors="replace").read()
            for inc in INCLUDE.findall(text):
                path = os.path.join(src, inc)
                if not os.path.exists(path):
                    path = os.path.join(os.path.dirname(f), inc)
                    if not os.path.exists(path):
                        continue  # generated or system-style header
                path = os.path.realpath(path)
                o = owner.get(path)
                if o is None or o in allowed:
                    continue
                errors.append(f"{folder_of(f, src)} (in {name}) includes {inc}, a header of {o}, which {name} does not link")

    # 2. The folder graph against docs/architecture.md.
    def folder(n):
        return folder_of(os.path.realpath(targets[n]["dir"]), src)

    built = set()
    for name, t in ours.items():
        if t["kind"] != "STATIC_LIBRARY":
            continue
        for l in t["libs"]:
            if l in ours and ours[l]["kind"] == "STATIC_LIBRARY" and folder(l) not in (folder(name), "base"):
                built.add((folder(name), folder(l)))
    documented = set()
    text = open(arch_md, encoding="utf-8").read()
    block = re.search(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", text, re.S)
    if not block:
        errors.append(f"{arch_md}: no <!-- layers:begin --> ... <!-- layers:end --> block")
    else:
        for line in block.group(1).splitlines():
            m = re.match(r"^\s*([\w/]+)\s*->\s*(.*?)\s*$", line)
            if m:
                for dep in m.group(2).split(","):
                    if dep.strip():
                        documented.add((m.group(1), dep.strip()))
    for a, b in sorted(built - documented):
        errors.append(f"CMake links {a} -> {b}, an arrow docs/architecture.md does not have: add it there if it is meant, or remove the link")
    for a, b in sorted(documented - built):
        errors.append(f"docs/architecture.md has {a} -> {b}, which no library of {a} links: the map is stale")

    if errors:
        print(f"layer check: {len(errors)} problem(s)")
        for e in errors:
            print("  " + e)
        return 1
    print(f"layer check: {len(ours)} targets, {len(owner)} headers, {len(built)} folder arrows: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
