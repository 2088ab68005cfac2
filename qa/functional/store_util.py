#!/usr/bin/env python3
"""Helpers of the storage fault tests (store_*_test.py).

- LevelDB: the node's own databases opened with the system libleveldb (the
  library hashmintd links, a build dependency) through ctypes, to plant
  states a crash could leave behind. Only while the node is stopped.
- blk/rev files: walking the records of blocks/blkNNNNN.dat to find where a
  block sits (record layout in doc/chainstate.md).
- Comparing a node with a healthy reference node fed the same blocks.
"""
import ctypes
import ctypes.util
import os
import struct

from framework import assert_equal, assert_true, hash256, log

# ---------------------------------------------------------------------------
# LevelDB through ctypes
# ---------------------------------------------------------------------------

_LIB = None


def _leveldb():
    global _LIB
    if _LIB is None:
        name = ctypes.util.find_library("leveldb") or "libleveldb.so.1d"
        lib = ctypes.CDLL(name)
        vp, cp, sz = ctypes.c_void_p, ctypes.c_char_p, ctypes.c_size_t
        perr = ctypes.POINTER(ctypes.c_void_p)
        sigs = {
            "leveldb_options_create": (vp, []),
            "leveldb_options_destroy": (None, [vp]),
            "leveldb_options_set_compression": (None, [vp, ctypes.c_int]),
            "leveldb_options_set_paranoid_checks": (None, [vp, ctypes.c_ubyte]),
            "leveldb_open": (vp, [vp, cp, perr]),
            "leveldb_close": (None, [vp]),
            "leveldb_readoptions_create": (vp, []),
            "leveldb_readoptions_destroy": (None, [vp]),
            "leveldb_writeoptions_create": (vp, []),
            "leveldb_writeoptions_destroy": (None, [vp]),
            "leveldb_writeoptions_set_sync": (None, [vp, ctypes.c_ubyte]),
            "leveldb_put": (None, [vp, vp, cp, sz, cp, sz, perr]),
            "leveldb_delete": (None, [vp, vp, cp, sz, perr]),
            "leveldb_get": (vp, [vp, vp, cp, sz, ctypes.POINTER(sz), perr]),
            "leveldb_free": (None, [vp]),
        }
        for fn, (res, args) in sigs.items():
            f = getattr(lib, fn)
            f.restype = res
            f.argtypes = args
        _LIB = lib
    return _LIB


class LevelDB:
    """One of the node's LevelDB databases, opened while the node is stopped.
    Writes are synced. Use as a context manager."""

    def __init__(self, path):
        self.lib = _leveldb()
        self.opts = self.lib.leveldb_options_create()
        # The node writes uncompressed tables; keep any table we cause the same.
        self.lib.leveldb_options_set_compression(self.opts, 0)
        self.lib.leveldb_options_set_paranoid_checks(self.opts, 1)
        err = ctypes.c_void_p()
        self.db = self.lib.leveldb_open(self.opts, path.encode(), ctypes.byref(err))
        self._check(err, f"open {path}")
        self.ro = self.lib.leveldb_readoptions_create()
        self.wo = self.lib.leveldb_writeoptions_create()
        self.lib.leveldb_writeoptions_set_sync(self.wo, 1)

    def _check(self, err, what):
        if err.value:
            msg = ctypes.string_at(err.value).decode(errors="replace")
            self.lib.leveldb_free(err)
            raise OSError(f"LevelDB {what}: {msg}")

    def get(self, key):
        err = ctypes.c_void_p()
        n = ctypes.c_size_t()
        v = self.lib.leveldb_get(self.db, self.ro, key, len(key), ctypes.byref(n), ctypes.byref(err))
        self._check(err, "get")
        if not v:
            return None
        out = ctypes.string_at(v, n.value)
        self.lib.leveldb_free(v)
        return out

    def put(self, key, value):
        err = ctypes.c_void_p()
        self.lib.leveldb_put(self.db, self.wo, key, len(key), value, len(value), ctypes.byref(err))
        self._check(err, "put")

    def delete(self, key):
        err = ctypes.c_void_p()
        self.lib.leveldb_delete(self.db, self.wo, key, len(key), ctypes.byref(err))
        self._check(err, "delete")

    def close(self):
        if self.db:
            self.lib.leveldb_close(self.db)
            self.lib.leveldb_readoptions_destroy(self.ro)
            self.lib.leveldb_writeoptions_destroy(self.wo)
            self.lib.leveldb_options_destroy(self.opts)
            self.db = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# Keys of the coins database (doc/chainstate.md).
COINS_BEST_BLOCK = b"B"
COINS_HEAD_BLOCKS = b"H"


def hash_bytes(hex_hash):
    """RPC hash (display order) -> the 32 bytes stored on disk."""
    return bytes.fromhex(hex_hash)[::-1]


def head_blocks_value(hashes, count=None):
    """The `H` value: CompactSize count (default len(hashes)), then the hashes."""
    n = len(hashes) if count is None else count
    assert n < 0xfd
    return bytes([n]) + b"".join(hash_bytes(h) for h in hashes)


# ---------------------------------------------------------------------------
# blk/rev files
# ---------------------------------------------------------------------------

def blocks_dir(node):
    return os.path.join(node.chaindir, "blocks")


def blk_path(node, n=0, prefix="blk"):
    return os.path.join(blocks_dir(node), f"{prefix}{n:05d}.dat")


def blk_records(path):
    """Yields (payload_offset, length, block_hash_hex) for each record of a
    blk file written by the node (the magic is taken from the first record)."""
    with open(path, "rb") as f:
        data = f.read()
    magic = data[:4]
    off = 0
    while off + 8 <= len(data) and data[off:off + 4] == magic:
        n = struct.unpack_from("<I", data, off + 4)[0]
        start = off + 8
        if start + n > len(data):
            break
        yield start, n, hash256(data[start:start + 80])[::-1].hex()
        off = start + n


def find_block(node, block_hash):
    """Returns (path, payload_offset, length) of a block in the node's blk files."""
    for i in range(100):
        p = blk_path(node, i)
        if not os.path.exists(p):
            break
        for off, n, h in blk_records(p):
            if h == block_hash:
                return p, off, n
    raise AssertionError(f"block {block_hash} not found in {blocks_dir(node)}")


def flip_byte(path, offset, mask=0x01):
    with open(path, "r+b") as f:
        f.seek(offset)
        b = f.read(1)
        f.seek(offset)
        f.write(bytes([b[0] ^ mask]))


# ---------------------------------------------------------------------------
# Comparing with a healthy node
# ---------------------------------------------------------------------------

UTXO_KEYS = ("height", "bestblock", "txouts", "hash_serialized_3", "total_amount")


def utxo_stats(node):
    s = node.gettxoutsetinfo()
    return {k: s[k] for k in UTXO_KEYS}


def feed(src, dst, upto=None):
    """Submits src's active chain blocks that dst lacks, up to height upto
    (default src's tip), in order. Both must share their chain below."""
    top = src.getblockcount() if upto is None else upto
    start = dst.getblockcount() + 1
    # Walk back to the fork if dst's tip is not on src's chain.
    while start > 1 and src.getblockhash(start - 1) != dst.getblockhash(start - 1):
        start -= 1
    for h in range(start, top + 1):
        r = dst.submitblock(src.getblock(src.getblockhash(h), 0))
        assert_true(r is None or r == "duplicate", f"block {h} accepted by node{dst.index}: {r}")


def assert_same_chain(node, ref, what=""):
    """Same tip and the same UTXO set (gettxoutsetinfo) on both nodes."""
    assert_equal(node.getbestblockhash(), ref.getbestblockhash(), f"tip {what}")
    a, b = utxo_stats(node), utxo_stats(ref)
    assert_equal(a, b, f"gettxoutsetinfo {what}")
    log(f"node{node.index} = node{ref.index} at height {a['height']} {what}: "
        f"{a['hash_serialized_3'][:16]}... {a['txouts']} txouts")


def mine(w, n):
    """w.generate(n), then keeps the wallet's outputs right: MiniWallet's
    rescan adds every output of a mined block paying it, also outputs it
    already tracked as unconfirmed (the confirmed copy is kept) and outputs
    spent in the same block (dropped)."""
    hashes = w.generate(n)
    w.utxos = list({(u.txid, u.vout): u for u in w.utxos}.values())
    forget_spent(w.node, w)
    return hashes


def forget_spent(node, w):
    """Drops wallet outputs the node no longer has (after a rollback)."""
    w.utxos = [u for u in w.utxos if node.gettxout(u.txid, u.vout, True) is not None]
