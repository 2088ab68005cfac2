#!/usr/bin/env python3
"""Checks every project #include against the layer table (doc/layout.md, read by contrib/layers.py).

A file in layer L may include project headers only from the layers L may use,
and the pure layers (consensus/, issuance/) may not include I/O libraries or
the logger. Prints each violation and exits 1 if there is any."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import layers as layer_table  # noqa: E402

# layer -> layers it may include (itself always allowed), and the layers that
# may include anything: read from doc/layout.md's table (contrib/layers.py).
ALLOWED = {}
UNRESTRICTED = ()
PURE = ("consensus", "issuance")
FORBIDDEN_IN_PURE = re.compile(r"^(leveldb/|event2/|zmq\.h|jansson\.h|src/util/log\.h)")
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')


def layer_of(path):
    for layer in sorted(list(ALLOWED) + list(UNRESTRICTED), key=len, reverse=True):
        if path == layer or path.startswith(layer + "/"):
            return layer
    return None


def main():
    global ALLOWED, UNRESTRICTED
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    try:
        table = layer_table.read_layers(layer_table.default_layout(root))
    except (OSError, ValueError) as e:
        print(f"check-includes: {e}")
        return 1
    ALLOWED = {f: set(l.uses) for f, l in table.items() if not l.unrestricted}
    UNRESTRICTED = tuple(f for f, l in table.items() if l.unrestricted)
    errors = []
    checked = 0
    for top in sorted({f.split("/")[0] for f in table}):
        for dirpath, _, files in os.walk(os.path.join(root, top)):
            for f in files:
                if not f.endswith((".c", ".h")):
                    continue
                rel = os.path.relpath(os.path.join(dirpath, f), root)
                layer = layer_of(rel)
                if layer is None:
                    errors.append(f"{rel}: not in any layer of doc/layout.md")
                    continue
                checked += 1
                with open(os.path.join(root, rel), encoding="utf-8", errors="replace") as fh:
                    for n, line in enumerate(fh, 1):
                        m = INCLUDE.match(line)
                        if not m:
                            continue
                        inc = m.group(2)
                        if layer in PURE and FORBIDDEN_IN_PURE.match(inc):
                            errors.append(f"{rel}:{n}: pure layer {layer}/ includes {inc}")
                        if m.group(1) != '"' or layer in UNRESTRICTED:
                            continue
                        target = layer_of(inc)
                        if target is None:
                            if not inc.startswith("config.h"):
                                errors.append(f"{rel}:{n}: include \"{inc}\" is not a project path")
                        elif target != layer and target not in ALLOWED[layer]:
                            errors.append(f"{rel}:{n}: {layer} may not include {inc} ({target})")
    for e in errors:
        print(e)
    print(f"check-includes: {checked} files, {len(errors)} violations")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
