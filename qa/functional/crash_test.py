#!/usr/bin/env python3
"""Crash safety: SIGKILL during block processing, many times.

Node 0 (the crasher) runs with a tiny -dbcache (4 MiB) and a small
-dbbatchsize, and mines blocks full of many-output transactions, so coins
flushes are split into several partial batches while blocks are being
connected. In some rounds the store also dies by itself between partial
batches (HASHMINT_DB_CRASH_RATIO, Core's -dbcrashratio); in every round the
test starts mining in a thread and SIGKILLs the node after a random delay;
in some rounds it also kills the node again during start-up (recovery).
After each restart the node must come up with its UTXO set at its active
tip. At the end a reference node that never crashed receives node 0's
active chain through submitblock: gettxoutsetinfo (hash, txouts,
total_amount, height, best block) must be equal on both.
"""
import http.client
import os
import random
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (Block, HashmintTestFramework, JSONRPCException, MiniWallet, RPCClient,  # noqa: E402
                       TestFailure, Tx, TxOut, Utxo, assert_equal, assert_true, log)

ROUNDS = 12
# ~31k new coins per round (~4.5 MiB of cache at ~150 bytes each): more than
# -dbcache=4 holds, so blocks of every round trigger a size flush.
TXS_PER_ROUND = 14
OUTPUTS_PER_TX = 2200
MIN_FUNDING = 1_000_000   # dust (330) x outputs + fee at 2 sat/vB, with margin
# The mempool is not the subject here (and is empty after every SIGKILL anyway).
CRASHER_ARGS = ["-dbcache=4", "-dbbatchsize=100000", "-persistmempool=0"]
NO_CRASH = {"HASHMINT_DB_CRASH_RATIO": "0"}
CRASH = {"HASHMINT_DB_CRASH_RATIO": "10"}
DEAD = (OSError, http.client.HTTPException, AttributeError)


def stats_key(s):
    hashes = {k: v for k, v in s.items() if k.startswith("hash_serialized") or k == "muhash"}
    return {"height": s["height"], "bestblock": s["bestblock"], "txouts": s["txouts"],
            "total_amount": s["total_amount"], **hashes}


class CrashTest(HashmintTestFramework):
    """crash_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [CRASHER_ARGS, ["-persistmempool=0"]]

    def setup_nodes(self):
        self.nodes[0].start(env=NO_CRASH)

    def dead(self):
        n = self.nodes[0]
        if n.process.poll() is not None:
            n._close_files()
            n.rpc = None
            return True
        return False

    def restart(self, env, kill_during_startup=False):
        """Starts the crasher until it answers RPC; a crash during start-up retries without the crash ratio."""
        n = self.nodes[0]
        if kill_during_startup:
            n.start(env=env, wait=False)
            time.sleep(random.uniform(0.05, 0.6))
            n.kill()
            self.startup_kills += 1
        for attempt in range(6):
            n.start(env=env if attempt == 0 else NO_CRASH, wait=False)
            try:
                n.wait_for_rpc(timeout=60)
                return
            except TestFailure:
                if not self.dead():
                    raise
                self.startup_crashes += 1
                log(f"crasher died during start-up (exit {n.process.returncode}); retrying")
        raise TestFailure("crasher could not start")

    def refresh_wallet(self, w):
        """Crashes may lose blocks: keep the coins that still exist (one batch request)."""
        node = self.nodes[0]
        w.utxos = w.utxos[-400:]
        replies = node.rpc.batch([("gettxout", [u.txid, u.vout, True]) for u in w.utxos])
        tip = node.getblockcount()
        kept = []
        for u, r in zip(w.utxos, replies):
            res = r.get("result") if r.get("error") is None else None
            if res is not None:   # record the confirmation height (None = still in the mempool)
                conf = res["confirmations"]
                kept.append(u._replace(height=tip - conf + 1 if conf > 0 else None))
        w.utxos = kept
        known = {u.height for u in w.utxos if u.coinbase}
        for h in range(max(1, tip - 130), tip - 95):
            if h not in known:
                cb = Block.from_hex(node.getblock(node.getblockhash(h), 0)).txs[0]
                for n, o in enumerate(cb.vout):
                    if o.script_pubkey == w.spk and node.gettxout(cb.txid, n) is not None:
                        w.add_utxo(Utxo(cb.txid, n, o.value, h, True))

    def send_round(self, w):
        node = self.nodes[0]
        sent = 0
        tip = node.getblockcount()
        for _ in range(TXS_PER_ROUND):
            # confirmed coins only: a child of a ~95 kvB parent breaks the ancestor size limit
            cands = [u for u in w.utxos if u.height is not None and w.mature(u, tip) and u.value >= MIN_FUNDING]
            if not cands:
                break
            u = max(cands, key=lambda x: x.value)
            w.utxos.remove(u)
            tx = Tx(2, [w.spend_input(u)], [TxOut(0, w.spk) for _ in range(OUTPUTS_PER_TX)])
            fee = tx.vsize() * 2
            each = (u.value - fee) // OUTPUTS_PER_TX
            for o in tx.vout:
                o.value = each
            node.sendrawtransaction(tx.hex())
            # keep a few outputs for later rounds (bounded wallet)
            w.utxos.extend(Utxo(tx.txid, i, each, None, False) for i in range(0, OUTPUTS_PER_TX, 80))
            sent += 1
        return sent

    def run_test(self):
        seed = int(os.environ.get("HASHMINT_TEST_SEED", int(time.time())))
        random.seed(seed)
        log(f"seed {seed}")
        self.startup_crashes = self.startup_kills = 0
        node, ref = self.nodes
        w = MiniWallet(node)
        w.generate(130)
        node.stop()                          # a clean flush of the base chain
        self.restart(NO_CRASH)
        kills = self_crashes = 0
        for rnd in range(ROUNDS):
            # odd rounds run with the simulated crash inside coins flushes (set when the node started)
            try:
                self.refresh_wallet(w)
                sent = self.send_round(w)
            except (JSONRPCException,) + DEAD as e:
                if not self.dead():
                    raise
                sent = -1
                log(f"round {rnd}: node died before mining ({e!r})")
            box = {}
            if not self.dead():
                def mine():
                    try:
                        c = RPCClient("127.0.0.1", node.rpc_port, node.rpc.user, node.rpc.password)
                        box["hashes"] = c.generatetoaddress(random.randint(2, 5), w.address)
                    except Exception as e:  # noqa: BLE001 (expected when killed)
                        box["error"] = e
                th = threading.Thread(target=mine)
                th.start()
                time.sleep(random.uniform(0.0, 0.6))
                if self.dead():
                    self_crashes += 1
                else:
                    node.kill()
                    kills += 1
                th.join(60)
            else:
                self_crashes += 1
            outcome = "died while mining" if "error" in box else f"mined {len(box.get('hashes', []))} first"
            log(f"round {rnd}{' (crash ratio)' if rnd % 2 else ''}: {sent} txs sent, {outcome}")
            next_env = CRASH if (rnd + 1) % 2 else NO_CRASH
            self.restart(next_env, kill_during_startup=(rnd % 3 == 2))
            try:
                s = node.gettxoutsetinfo()     # flushes: may hit a simulated crash too
                assert_equal(s["height"], node.getblockcount(), "UTXO set at the active tip after restart")
                assert_equal(s["bestblock"], node.getbestblockhash())
            except DEAD:
                if not self.dead():
                    raise
                self_crashes += 1
                self.restart(next_env)
        node.stop()
        self.restart(NO_CRASH)
        simulated = node.debug_log_text().count("Simulating a crash")
        log(f"{kills} SIGKILLs while mining, {self.startup_kills} during start-up, "
            f"{self_crashes} self-crashes, {self.startup_crashes} crashes in start-up; "
            f"'Simulating a crash' logged {simulated} times")
        assert_true(kills + self_crashes >= ROUNDS, "every round ended in a crash")

        # final comparison against a node that never crashed
        height = node.getblockcount()
        assert_true(height > 130, f"the crasher kept some mined blocks (height {height})")
        crashed = stats_key(node.gettxoutsetinfo())
        ref.start()
        for h in range(1, height + 1):
            r = ref.submitblock(node.getblock(node.getblockhash(h), 0))
            assert_true(r is None or r == "duplicate", f"submitblock {h}: {r}")
        assert_equal(ref.getbestblockhash(), node.getbestblockhash(), "reference reached the same tip")
        reference = stats_key(ref.gettxoutsetinfo())
        assert_equal(crashed, reference, "gettxoutsetinfo of the crashed node equals the reference")
        node.stop()
        node.start(env=NO_CRASH)
        assert_equal(stats_key(node.gettxoutsetinfo()), reference, "after a clean restart")
        log(f"height {height}, {reference['txouts']} txouts: equal")


if __name__ == "__main__":
    CrashTest().main()
