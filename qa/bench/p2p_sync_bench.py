#!/usr/bin/env python3
"""P2P sync benchmark: a chain of full-ish blocks downloaded over P2P by a
second node, beside the same blocks imported with -loadblock, in one run.

    /usr/bin/python3 qa/bench/p2p_sync_bench.py --builddir=build-rel
    /usr/bin/python3 qa/bench/p2p_sync_bench.py --builddir=build-rel --txs-per-block=1200   # ~1 MB blocks

Steps:
  1. node A (-listen=1) mines 101 blocks to P2WSH(OP_TRUE), then blocks built
     in Python up to --blocks (default 2,000): after a fan-out transaction,
     every block carries --txs-per-block transactions, each spending the
     previous block's output of its "lane" (1 input with a witness, one
     P2WSH(OP_TRUE) output, one small P2WSH output, and an OP_RETURN of
     --pad bytes), submitted with submitblock;
  2. blocks 1..N are read back with getblock <hash> 0 and written to a blk
     file (regtest magic, 4-byte length, block);
  3. node B starts with -connect=<A> and syncs over P2P: time from the start
     of B's process until its tip equals A's;
  4. node C starts with -loadblock=<file> and no network: time from the start
     of its process until its tip equals A's;
  5. prints blocks/s and MB/s (serialised block bytes) for both and the ratio.

Both timings include process start-up (under a second on a release build).
Not run by qa/run_tests.py. Use a build without --enable-debug.
"""
import argparse
import os
import shutil
import struct
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "functional"))


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--builddir", help="build directory with hashmintd (release build)")
    ap.add_argument("--blocks", type=int, default=2000, help="chain height (default 2000)")
    ap.add_argument("--txs-per-block", type=int, default=300, help="transactions per block (default 300)")
    ap.add_argument("--pad", type=int, default=500, help="OP_RETURN bytes per transaction (default 500)")
    ap.add_argument("--tmpdir", help="work directory (default: a new temp dir)")
    ap.add_argument("--keep", action="store_true", help="keep the work directory")
    ap.add_argument("--timeout", type=float, default=3600, help="seconds allowed for each sync")
    return ap.parse_args()


args = parse_args()
if args.builddir:
    os.environ["HASHMINT_BUILDDIR"] = os.path.abspath(args.builddir)

import framework  # noqa: E402
from framework import (OP_TRUE_SCRIPT, OP_TRUE_SPK, ADDRESS_OP_TRUE, OP_RETURN, Block,  # noqa: E402
                       Tx, TxIn, TxOut,
                       TestNode, block_subsidy, create_block, p2wsh_script, push, wait_until, log)

REGTEST_MAGIC = bytes.fromhex("fab5bfda")


class BenchNode(TestNode):
    """A TestNode without the framework's -listen=0 -connect=0."""

    def __init__(self, *a, net_args=None, **kw):
        super().__init__(*a, **kw)
        self.net_args = net_args or []

    def base_args(self):
        return self.chain_args() + [f"-datadir={self.datadir}", f"-rpcport={self.rpc_port}",
                                    f"-port={self.p2p_port}", "-printtoconsole=0"] + self.net_args


def lane_tx(prev_txid, prev_vout, value, pad, side_spk):
    pad_script = bytes([OP_RETURN]) + push(os.urandom(pad)) if pad else None
    outs = [TxOut(value, OP_TRUE_SPK), TxOut(0, side_spk)]
    if pad_script:
        outs.append(TxOut(0, pad_script))
    return Tx(2, [TxIn(prev_txid, prev_vout, b"", 0xffffffff, [OP_TRUE_SCRIPT])], outs, 0)


def build_chain(node, total, txs_per_block, pad):
    """Mines the setup blocks, then submits blocks up to height `total`. Returns total block bytes."""
    node.generatetoaddress(101, ADDRESS_OP_TRUE)
    b1 = Block.from_hex(node.getblock(node.getblockhash(1), 0))
    cb = b1.txs[0]
    tip = node.getbestblockhash()
    t = node.getblockheader(tip)["time"]
    height = 101
    side_spk = p2wsh_script(bytes([0x52]))  # P2WSH(OP_2): anyone-can-spend too, a second UTXO per tx
    # fan-out: the mature coinbase of block 1 into one output per lane
    each = (cb.vout[0].value) // txs_per_block
    fan = Tx(2, [TxIn(cb.txid, 0, b"", 0xffffffff, [OP_TRUE_SCRIPT])],
             [TxOut(each, OP_TRUE_SPK) for _ in range(txs_per_block)], 0)
    lanes = [(fan.txid, i, each) for i in range(txs_per_block)]
    pending = [fan]
    t0 = time.time()
    last_report = t0
    while height < total:
        height += 1
        t += 1
        txs = pending
        if not txs:
            txs = []
            new_lanes = []
            for txid, vout, value in lanes:
                tx = lane_tx(txid, vout, value, pad, side_spk)
                txs.append(tx)
                new_lanes.append((tx.txid, 0, value))
            lanes = new_lanes
        pending = []
        blk = create_block(tip, height, t, 0x207fffff, txs, OP_TRUE_SPK, block_subsidy(height))
        r = node.submitblock(blk.hex())
        if r is not None:
            raise RuntimeError(f"submitblock at height {height}: {r}")
        tip = blk.hash
        if time.time() - last_report > 10:
            last_report = time.time()
            log(f"  built height {height}/{total} ({(height - 101) / (time.time() - t0):.1f} blocks/s)")
    return tip


def write_blk(node, path, total):
    size = 0
    with open(path, "wb") as f:
        for h in range(1, total + 1):
            raw = bytes.fromhex(node.getblock(node.getblockhash(h), 0))
            f.write(REGTEST_MAGIC + struct.pack("<I", len(raw)) + raw)
            size += len(raw)
    return size


def timed_sync(node, start_args, tip, total, timeout):
    t0 = time.time()
    node.start(start_args, timeout=120)
    wait_until(lambda: node.getbestblockhash() == tip, timeout=timeout, interval=0.2,
               what=f"node{node.index} reaches height {total}")
    return time.time() - t0


def main():
    tmp = args.tmpdir or tempfile.mkdtemp(prefix="hm_p2p_sync_bench_")
    os.makedirs(tmp, exist_ok=True)
    binary = framework.HASHMINTD
    log(f"hashmintd {binary}; work dir {tmp}")
    config_log = os.path.join(os.path.dirname(binary), "config.log")
    if os.path.exists(config_log) and "--enable-debug" in open(config_log, errors="replace").read(8000):
        log("WARNING: a debug (sanitizer) build; figures will be several times slower than release")
    a = BenchNode(0, tmp, binary=binary, net_args=["-listen=1"])
    b = None
    c = None
    try:
        a.start()
        log(f"building {args.blocks} blocks ({args.txs_per_block} txs/block, {args.pad}-byte pads) on node A")
        t = time.time()
        tip = build_chain(a, args.blocks, args.txs_per_block, args.pad)
        log(f"  built in {time.time() - t:.0f}s")
        blk = os.path.join(tmp, "bench-blocks.dat")
        nbytes = write_blk(a, blk, args.blocks)
        mb = nbytes / 1e6
        log(f"chain: {args.blocks} blocks, {mb:.1f} MB ({nbytes / args.blocks / 1000:.0f} kB/block); blk file {blk}")

        b = BenchNode(1, tmp, binary=binary, net_args=["-listen=0", f"-connect=127.0.0.1:{a.p2p_port}"])
        try:
            p2p_secs = timed_sync(b, [], tip, args.blocks, args.timeout)
        except framework.TestFailure as e:
            log(f"P2P sync did not finish: {e} (node B at height {b.getblockcount()})")
            p2p_secs = None
        stalls = [ln for ln in b.debug_log_text().splitlines() if "timeout" in ln.lower() or "stall" in ln.lower()]
        if stalls:
            log(f"node B logged {len(stalls)} download timeout/stall line(s), e.g.: {stalls[0][28:][:120]}")
        b.stop()
        c = BenchNode(2, tmp, binary=binary, net_args=["-listen=0", "-connect=0"])
        load_secs = timed_sync(c, [f"-loadblock={blk}"], tip, args.blocks, args.timeout)
        c.stop()

        print()
        print(f"P2P sync benchmark: {args.blocks} blocks, {mb:.1f} MB, {args.txs_per_block} txs/block")
        print("| method | seconds | blocks/s | MB/s |")
        print("| --- | --- | --- | --- |")
        if p2p_secs:
            print(f"| P2P sync from one local peer | {p2p_secs:.1f} | {args.blocks / p2p_secs:.0f} | "
                  f"{mb / p2p_secs:.1f} |")
        else:
            print("| P2P sync from one local peer | did not finish | | |")
        print(f"| -loadblock of the same blocks | {load_secs:.1f} | {args.blocks / load_secs:.0f} | "
              f"{mb / load_secs:.1f} |")
        if p2p_secs:
            print(f"P2P sync takes {p2p_secs / load_secs:.2f}x the time of -loadblock")
    finally:
        for n in (a, b, c):
            if n is not None and n.is_running():
                try:
                    n.stop()
                except Exception:  # noqa: BLE001
                    n.kill()
        if not args.keep and not args.tmpdir:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
