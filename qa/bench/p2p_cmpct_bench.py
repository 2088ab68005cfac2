#!/usr/bin/env python3
"""Block relay between two nodes over loopback: compact (BIP 152) vs full.

    /usr/bin/python3 qa/bench/p2p_cmpct_bench.py --builddir=build-rel
    /usr/bin/python3 qa/bench/p2p_cmpct_bench.py --builddir=build-rel --txs=2000 --rounds=5

Node A mines; node B (-connect=A) holds the same mempool and has chosen A as
its high-bandwidth compact block peer, so A pushes each new block as a
cmpctblock as soon as it passes its proof-of-work and block checks; node C
(-connect=A -blocksonly) fetches every block whole (Core's rule for
-blocksonly: no compact blocks), after A connected it and announced it.

Each round puts --txs transactions into A's and B's mempools, mines one block
on A (generatetoaddress) and times, from just before that RPC call, until B's
and C's block counts reach it (polled every 2 ms on both, in parallel). Bytes are
A's per-message counters for B and C (24-byte header + payload): cmpctblock +
blocktxn sent to B (+ getblocktxn received) vs block sent to C. Prints each
round and the medians. Not run by qa/run_tests.py. Use a release build.
"""
import argparse
import os
import statistics
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(os.path.dirname(HERE), "functional"))

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("--builddir", help="build directory with hashmintd (release build)")
ap.add_argument("--txs", type=int, default=1000, help="transactions per block (default 1000)")
ap.add_argument("--rounds", type=int, default=5, help="blocks relayed (default 5)")
ap.add_argument("--tmpdir", help="work directory (default: a new temp dir)")
args = ap.parse_args()
if args.builddir:
    os.environ["HASHMINT_BUILDDIR"] = os.path.abspath(args.builddir)

import framework  # noqa: E402
from framework import MiniWallet, TestNode, log, wait_until  # noqa: E402

MSGS_B = ("cmpctblock", "blocktxn")


def per_peer(node):
    """A's peers: {id: (bytessent_per_msg, bytesrecv_per_msg)}."""
    return {p["id"]: (dict(p["bytessent_per_msg"]), dict(p["bytesrecv_per_msg"])) for p in node.getpeerinfo()}


def main():
    tmp = args.tmpdir or tempfile.mkdtemp(prefix="hm_p2p_cmpct_bench_")
    binary = framework.HASHMINTD
    log(f"hashmintd {binary}; work dir {tmp}")
    a = TestNode(0, tmp, binary=binary, extra_args=["-listen=1", "-bind=127.0.0.1"])
    a.start()
    b = TestNode(1, tmp, binary=binary, extra_args=[f"-connect=127.0.0.1:{a.p2p_port}"])
    b.start()
    wait_until(lambda: a.getconnectioncount() == 1, timeout=30, what="B connected")
    b_id = a.getpeerinfo()[0]["id"]
    c = TestNode(2, tmp, binary=binary, extra_args=[f"-connect=127.0.0.1:{a.p2p_port}", "-blocksonly=1"])
    c.start()
    wait_until(lambda: a.getconnectioncount() == 2, timeout=30, what="C connected")
    c_id = [p["id"] for p in a.getpeerinfo() if p["id"] != b_id][0]
    nodes = [a, b, c]
    try:
        w = MiniWallet(a)
        w.generate(110)
        wait_until(lambda: len({n.getbestblockhash() for n in nodes}) == 1, timeout=120, what="sync")
        wait_until(lambda: b.getpeerinfo()[0]["bip152_hb_to"], timeout=60, what="B chose A as high-bandwidth")
        assert not c.getpeerinfo()[0]["bip152_hb_to"]
        outs = []
        for _ in range((args.txs * args.rounds + 999) // 1000):  # at most 1,000 outputs per standard tx
            split = w.create_self_transfer_multi(num_outputs=1000)
            for n in (b, a):
                n.sendrawtransaction(split["hex"])
            outs += split["new_utxos"]
        w.generate(1)
        wait_until(lambda: len({n.getbestblockhash() for n in nodes}) == 1, timeout=120, what="sync")
        rows = []
        for r in range(args.rounds):
            for _ in range(args.txs):
                t = w.create_self_transfer(utxo=outs.pop())
                b.sendrawtransaction(t["hex"])
                a.sendrawtransaction(t["hex"])
            before = per_peer(a)
            done = {}

            def wait(node, key, want_height):
                # Polled every 2 ms (no waitforblockheight RPC here): the figures carry +-2 ms.
                deadline = time.time() + 600
                while node.getblockcount() < want_height and time.time() < deadline:
                    time.sleep(0.002)
                done[key] = time.time()

            height = a.getblockcount() + 1
            threads = [threading.Thread(target=wait, args=(n, k, height)) for n, k in ((b, "b"), (c, "c"))]
            for th in threads:
                th.start()
            t0 = time.time()
            tip = a.generatetoaddress(1, framework.ADDRESS_OP_TRUE)[0]
            t_mined = time.time()
            for th in threads:
                th.join()
            assert b.getbestblockhash() == tip and c.getbestblockhash() == tip
            size = len(a.getblock(tip, 0)) // 2
            after = per_peer(a)

            def delta(pid, direction, names):
                i = 0 if direction == "sent" else 1
                return sum(after[pid][i].get(m, 0) - before[pid][i].get(m, 0) for m in names)
            bytes_b = delta(b_id, "sent", MSGS_B) + delta(b_id, "recv", ("getblocktxn",))
            bytes_c = delta(c_id, "sent", ("block",))
            rows.append((done["b"] - t0, done["c"] - t0, bytes_b, bytes_c, t_mined - t0, size))
            log(f"round {r + 1}: block {size} bytes, {args.txs + 1} txs; mined+validated on A in "
                f"{(t_mined - t0) * 1000:.0f} ms; B (compact) has it after {(done['b'] - t0) * 1000:.0f} ms "
                f"({bytes_b} bytes), C (full) after {(done['c'] - t0) * 1000:.0f} ms ({bytes_c} bytes)")
        med = [statistics.median(x[i] for x in rows) for i in range(6)]
        log(f"median of {args.rounds}: block {med[5]:.0f} bytes; generate on A {med[4] * 1000:.0f} ms; "
            f"compact to B {med[0] * 1000:.0f} ms, {med[2]:.0f} bytes; full to C {med[1] * 1000:.0f} ms, "
            f"{med[3]:.0f} bytes; compact/full: time {med[0] / med[1]:.2f}x, bytes {med[2] / med[3]:.4f}x")
    finally:
        for n in nodes:
            try:
                n.stop()
            except Exception as e:  # noqa: BLE001 - best effort at the end of a bench
                log(f"stopping node{n.index}: {e}")


if __name__ == "__main__":
    main()
