#!/usr/bin/env python3
"""Checks the layers at link level (as Bitcoin Core's contrib/devtools/check-deps.sh).

Reads the layer table of doc/layout.md (contrib/layers.py) and, with `nm`,
the defined and undefined symbols of every layer's static library in the
build directory. A library fails the check when it needs a symbol that
another of our libraries defines and that library's layer is not listed
for it (a layer above it, or a sibling it may not use), or a symbol of an
outside library (LevelDB, libevent, ZeroMQ, jansson, libsecp256k1) not
listed for it. A libhm_*.a that the table does not list fails too.

With --srcdir it also checks the build files: every `libhm_<x>_a_SOURCES`
line sits in a fragment (*.mk) of that library's folder (or is Makefile.am's
empty start) and lists only files of that folder, so each layer is one
library built from its own folder.

Prints each violation and exits 1 if there is any.

    contrib/check-deps.py --builddir=BUILD [--srcdir=SRC] [--layout=doc/layout.md]
"""
import argparse
import glob
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers as layer_table  # noqa: E402


def nm_symbols(archive, nm="nm"):
    """Returns (defined, undefined) global symbol sets of a static library."""
    out = subprocess.run([nm, "-P", "-A", archive], check=True, capture_output=True, text=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        # "libfoo.a[bar.o]: symbol T 0000 0010" (the member part may be absent)
        head, _, rest = line.partition(": ")
        parts = rest.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            undefined.add(name)
        elif kind in ("w", "v"):
            continue  # weak undefined
        elif kind.isupper():
            defined.add(name)
    return defined, undefined - defined


def external_of(symbol):
    for ext, prefixes in layer_table.EXTERNAL_PREFIXES.items():
        if symbol.startswith(prefixes):
            return ext
    return None


def check_libraries(layers, builddir, nm="nm"):
    errors = []
    by_lib = {l.library: l for l in layers.values() if l.library}
    found = {}
    for path in sorted(glob.glob(os.path.join(builddir, "libhm_*.a"))):
        name = os.path.basename(path)
        if name not in by_lib:
            errors.append(f"{name}: no layer of doc/layout.md lists this library")
            continue
        found[name] = nm_symbols(path, nm)
    if not found:
        errors.append(f"{builddir}: no libhm_*.a to check (build the libraries first)")
        return errors, 0
    definers = {}
    for lib, (defined, _) in found.items():
        for s in defined:
            definers.setdefault(s, set()).add(lib)
    for lib, (_, undefined) in sorted(found.items()):
        layer = by_lib[lib]
        if layer.unrestricted:
            continue
        allowed = {layers[u].library for u in layer.uses if layers[u].library}
        bad = {}
        for s in sorted(undefined):
            libs = definers.get(s)
            if libs:
                for other in sorted(libs - allowed - {lib}):
                    bad.setdefault(f"{other} ({by_lib[other].folder}/)", []).append(s)
            else:
                ext = external_of(s)
                if ext and ext not in layer.externals:
                    bad.setdefault(ext, []).append(s)
        for what, syms in sorted(bad.items()):
            shown = ", ".join(syms[:5]) + (f", ... ({len(syms)} symbols)" if len(syms) > 5 else "")
            errors.append(f"{lib} ({layer.folder}/) needs {what}, which doc/layout.md does not list for it: {shown}")
    return errors, len(found)


SOURCES = re.compile(r"^\s*lib(hm_[a-z0-9_]+)_a_SOURCES\s*\+?=(.*)$")


def check_sources(layers, srcdir):
    """Every libhm_<x>_a_SOURCES entry must sit in libhm_<x>.a's own folder."""
    errors = []
    by_lib = {l.library: l for l in layers.values() if l.library}
    files = [os.path.join(srcdir, "Makefile.am")] + sorted(
        glob.glob(os.path.join(srcdir, "**", "*.mk"), recursive=True))
    for path in files:
        rel = os.path.relpath(path, srcdir)
        if not os.path.exists(path) or rel.split(os.sep)[0].startswith("build"):
            continue
        with open(path, encoding="utf-8") as fh:
            lines = fh.read().split("\n")
        i = 0
        while i < len(lines):
            m = SOURCES.match(lines[i])
            start = i
            if not m:
                i += 1
                continue
            text = m.group(2)
            while text.rstrip().endswith("\\") and i + 1 < len(lines):
                text = text.rstrip()[:-1] + " " + lines[i + 1]
                i += 1
            i += 1
            lib = f"lib{m.group(1)}.a"
            layer = by_lib.get(lib)
            if layer is None:
                errors.append(f"{rel}:{start + 1}: {lib} is no library of doc/layout.md")
                continue
            if rel != "Makefile.am" and not rel.startswith(layer.folder + "/"):
                errors.append(f"{rel}:{start + 1}: {lib}'s sources are listed outside {layer.folder}/ "
                              f"(each layer's build fragment lives in its folder)")
            for f in text.split():
                if f.startswith("$("):
                    continue
                if not f.startswith(layer.folder + "/"):
                    errors.append(f"{rel}:{start + 1}: {lib} is built from {layer.folder}/ only, not {f}")
    return errors


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--builddir", required=True)
    ap.add_argument("--srcdir", help="also check the libraries' source lists in the build files")
    ap.add_argument("--layout", help="the layer table (default: SRCDIR/doc/layout.md)")
    ap.add_argument("--nm", default=os.environ.get("NM", "nm"))
    args = ap.parse_args(argv)
    layout = args.layout or layer_table.default_layout(args.srcdir or os.path.join(os.path.dirname(__file__), ".."))
    try:
        layers = layer_table.read_layers(layout)
    except (OSError, ValueError) as e:
        print(f"check-deps: {e}")
        return 1
    errors, nlibs = check_libraries(layers, args.builddir, args.nm)
    if args.srcdir:
        errors += check_sources(layers, args.srcdir)
    for e in errors:
        print(e)
    print(f"check-deps: {nlibs} libraries, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
