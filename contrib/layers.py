"""The layer table of doc/layout.md, read by the checks in contrib/.

doc/layout.md is the one place that says which layer may use which: its
table (one row per folder) names the folder, the layer's library and, in the
"may use" column, the layers it may use (backticked folder names, e.g.
`src/util`) and the outside libraries (plain words: LevelDB, libevent, ...).
"everything" means no restriction. contrib/check-includes.py checks #include
lines against it and contrib/check-deps.py the libraries' symbols.
"""
import os
import re

# Outside libraries a layer may list, and the symbol prefixes that belong to
# each (for the link-level check). Anything else undefined everywhere is the
# C library or the compiler's runtime, which every layer may use.
EXTERNAL_PREFIXES = {
    "libsecp256k1": ("secp256k1_",),
    "LevelDB": ("leveldb_",),
    "libevent": ("event_", "evbuffer_", "evutil_", "evhttp_", "evconnlistener_", "bufferevent_", "evthread_",
                 "evdns_"),
    "ZeroMQ": ("zmq_",),
    "jansson": ("json_",),
    "SQLite": ("sqlite3_",),
    "libsodium": ("sodium_", "crypto_aead_", "crypto_pwhash", "crypto_secretbox", "crypto_box", "crypto_generichash",
                  "crypto_kdf", "randombytes_"),
}


class Layer:
    def __init__(self, folder, library, uses, externals, unrestricted):
        self.folder = folder          # "src/util", "consensus", ...
        self.library = library        # "libhm_util.a" or None
        self.uses = uses              # set of folders it may use (itself excluded)
        self.externals = externals    # set of outside library names
        self.unrestricted = unrestricted

    def __repr__(self):
        return f"Layer({self.folder}, {self.library}, {sorted(self.uses)})"


def _cells(line):
    return [c.strip() for c in line.strip().strip("|").split("|")]


def read_layers(layout_path):
    """Returns {folder: Layer} from the first table of layout_path whose header starts with `folder`."""
    layers = {}
    in_table = False
    with open(layout_path, encoding="utf-8") as fh:
        for line in fh:
            if not line.lstrip().startswith("|"):
                if in_table:
                    break
                continue
            cells = _cells(line)
            if not in_table:
                if cells and cells[0] == "folder":
                    in_table = True
                continue
            if set(cells[0]) <= set("- "):
                continue  # the |---| row
            folders = re.findall(r"`([^`]+)`", cells[0])
            libs = re.findall(r"`(lib[a-z0-9_]+\.a)`", cells[1])
            uses_cell = cells[2]
            unrestricted = "everything" in uses_cell
            uses = {u.rstrip("/") for u in re.findall(r"`([^`]+)`", uses_cell)}
            plain = re.sub(r"`[^`]+`", "", uses_cell)
            externals = {w.strip() for w in plain.split(",") if w.strip() and w.strip() != "everything"}
            for i, f in enumerate(folders):
                f = f.rstrip("/")
                lib = libs[i] if i < len(libs) else (libs[0] if len(libs) == 1 and len(folders) == 1 else None)
                layers[f] = Layer(f, lib, uses - {f}, externals, unrestricted)
    if not layers:
        raise ValueError(f"{layout_path}: no layer table (a table whose first column is 'folder')")
    for layer in layers.values():
        for u in layer.uses:
            if u not in layers:
                raise ValueError(f"{layout_path}: {layer.folder} may use `{u}`, which is no layer of the table")
    return layers


def default_layout(root):
    return os.path.join(root, "doc", "layout.md")
