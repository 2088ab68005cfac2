#!/usr/bin/env python3
"""Crash safety: SIGKILL during block processing and start-up, many times.

Guarantee under test (doc/chainstate.md): once submitblock or generate*
has acknowledged a block, a crash of the process never loses it, and the
UTXO set the node recovers equals that of a node that never crashed.

Every kill happens at a point chosen by a condition, never after a sleep:
a miner thread acknowledges blocks one by one (generatetoaddress 1, every
other one generatetovault 1 opening a vault, or getblocktemplate +
submitblock), and the test SIGKILLs the node as soon as
a random number of them were acknowledged, i.e. while the next one is being
mined, stored or connected. Start-up kills wait for a random start-up stage
in debug.log; catch-up kills start the node with HASHMINT_TEST_CATCHUP_PAUSE=k
(the start-up catch-up waits after k of its blocks) and kill it there.
After every restart each block acknowledged so far must be on the active
chain (getblockheader; the newest also by getblock) and the tip must be at
least the highest acknowledged height.

Phase 1, coins flushes: node 0 runs with a tiny -dbcache (4 MiB) and a small
-dbbatchsize and mines blocks full of many-output transactions, so coins
flushes are split into several partial batches while blocks are connected;
in every other round the store also dies by itself between partial batches
(HASHMINT_DB_CRASH_RATIO, Core's -dbcrashratio); some restarts are killed
during start-up.
Phase 2, catch-up: small blocks, no coins flush at all, so every restart
catches up on all blocks since the phase began; every other restart is
killed in the middle of that catch-up.
At the end a reference node that never crashed receives node 0's active
chain through submitblock: gettxoutsetinfo (hash_serialized_3, txouts,
total_amount, height, best block) and the issuance state with the reserve
tree (getissuancestate) must be equal on both, and auditreserves clean.
"""
import http.client
import os
import random
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (Block, HashmintTestFramework, JSONRPCException, MiniWallet, RPCClient,  # noqa: E402
                       TestFailure, Tx, TxOut, Utxo, assert_equal, assert_true, block_from_template, log,
                       wait_until)

ROUNDS_FLUSH = 8
ROUNDS_CATCH_UP = 20
MIN_KILLS = 30
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
# Start-up stages a start-up kill waits for (debug.log lines, in order of appearance).
STARTUP_STAGES = ["init message: Loading block index", "Loaded best chain", "init message: Activating best chain",
                  "init message: Loading mempool"]
PAUSED = "Catching up: paused after"
CAUGHT_UP = "): done"
# Phase 2: a cache that never fills, so the coins stay at the phase's first block.
CATCH_UP_ARGS = ["-dbcache=64", "-persistmempool=0"]


def stats_key(s):
    hashes = {k: v for k, v in s.items() if k.startswith("hash_serialized") or k == "muhash"}
    return {"height": s["height"], "bestblock": s["bestblock"], "txouts": s["txouts"],
            "total_amount": s["total_amount"], **hashes}


class Miner:
    """Mines `count` blocks on node 0 in a thread, one RPC per block; `acked`
    lists (hash, height) of every block the node acknowledged."""

    def __init__(self, node, count, mode, spk, address):
        self.acked, self.error, self.done = [], None, False
        self.rpc = RPCClient("127.0.0.1", node.rpc_port, node.rpc.user, node.rpc.password)
        self.count, self.mode, self.spk, self.address = count, mode, spk, address
        self.thread = threading.Thread(target=self.run)
        self.thread.start()

    def run(self):
        try:
            height = self.rpc.getblockcount()
            for _ in range(self.count):
                if self.mode == "generate" and height % 2:
                    # every other block opens a vault with half its coinbase, so the
                    # issuance state and the reserve tree change across the kills too
                    h = self.rpc.generatetovault(1, self.address, 50)[0]
                    height += 1
                elif self.mode == "generate":
                    h = self.rpc.generatetoaddress(1, self.address)[0]
                    height += 1
                else:
                    tmpl = self.rpc.getblocktemplate({"rules": ["segwit"]})
                    b = block_from_template(tmpl, self.spk)
                    r = self.rpc.submitblock(b.hex())
                    if r is not None:
                        raise TestFailure(f"submitblock: {r}")
                    h, height = b.hash, tmpl["height"]
                self.acked.append((h, height))
        except Exception as e:  # noqa: BLE001 (expected when killed)
            self.error = e
        finally:
            self.done = True


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

    def dying(self):
        """After a dropped RPC connection: true once node 0 has exited (it closes its sockets
        before the process is gone, so wait for that rather than look once)."""
        try:
            self.nodes[0].process.wait(30)
        except subprocess.TimeoutExpired:
            return False
        return self.dead()

    def log_offset(self):
        try:
            return os.path.getsize(self.nodes[0].debug_log)
        except OSError:
            return 0

    def log_since(self, offset):
        try:
            with open(self.nodes[0].debug_log, "rb") as f:
                f.seek(offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def kill_at(self, env, marker, other=None):
        """Starts node 0 and SIGKILLs it once debug.log shows `marker` (or `other`, or it died by itself)."""
        n = self.nodes[0]
        off = self.log_offset()
        n.start(env=env, wait=False)
        wait_until(lambda: marker in self.log_since(off) or (other and other in self.log_since(off))
                   or n.process.poll() is not None, timeout=120, what=f"start-up reaching {marker!r}")
        if self.dead():
            self.startup_crashes += 1
            return False
        n.kill()
        return True

    def restart(self, env):
        """Starts node 0 until it answers RPC; a crash during start-up retries without the crash ratio."""
        n = self.nodes[0]
        for attempt in range(6):
            n.start(env=env if attempt == 0 else NO_CRASH, wait=False)
            try:
                n.wait_for_rpc(timeout=120)
                self.check_acked()
                return
            except TestFailure:
                if not self.dead():
                    raise
                self.startup_crashes += 1
                log(f"crasher died during start-up (exit {n.process.returncode}); retrying")
        raise TestFailure("crasher could not start")

    def check_acked(self):
        """Every acknowledged block is on the active chain; the newest are readable; tip >= their heights."""
        node = self.nodes[0]
        hashes = list(self.acked)
        replies = node.rpc.batch([("getblockheader", [h]) for h in hashes]) if hashes else []
        lost = []
        for h, r in zip(hashes, replies):
            res = r.get("result") if r.get("error") is None else None
            if res is None or res["confirmations"] < 1 or res["height"] != self.acked[h]:
                lost.append((self.acked[h], h, r.get("error") or res))
        replies = node.rpc.batch([("getblock", [h, 1]) for h in self.recent]) if self.recent else []
        for h, r in zip(self.recent, replies):
            if r.get("error") is not None or r["result"]["hash"] != h:
                lost.append((self.acked[h], h, r.get("error") or "getblock"))
        tip = node.getblockcount()
        assert_equal(lost, [], f"acknowledged blocks lost after a crash (tip {tip})")
        top = max(self.acked.values(), default=0)
        assert_true(tip >= top, f"tip {tip} below the highest acknowledged block {top}")
        self.checked += len(hashes)
        self.recent = []

    def mine_and_kill(self, w, count, mode, at_least=0):
        """Mines up to `count` blocks and kills node 0 after a random number (>= at_least) of them were
        acknowledged."""
        node = self.nodes[0]
        k = random.randint(at_least, count - 1)
        m = Miner(node, count, mode, w.spk, w.address)
        wait_until(lambda: len(m.acked) >= k or m.done, timeout=300, what="blocks acknowledged")
        if m.done and isinstance(m.error, DEAD) and self.dying():
            killed = False   # it died by itself (a simulated crash in a flush)
        else:
            killed = not self.dead()
            if killed:
                node.kill()
        m.thread.join(120)
        assert_true(not m.thread.is_alive(), "miner thread ended")
        if not killed and not (m.error and isinstance(m.error, (JSONRPCException,) + DEAD)):
            raise TestFailure(f"node 0 died without a kill: {m.error!r}")
        for h, height in m.acked:
            self.acked[h] = height
            self.recent.append(h)
        return killed, len(m.acked)

    def refresh_wallet(self, w):
        """Keeps the wallet's coins that exist (one batch request) and adds mature coinbases."""
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

    def send_round(self, w, txs, outputs):
        node = self.nodes[0]
        sent = 0
        tip = node.getblockcount()
        for _ in range(txs):
            # confirmed coins only: a child of a ~95 kvB parent breaks the ancestor size limit
            cands = [u for u in w.utxos if u.height is not None and w.mature(u, tip) and u.value >= MIN_FUNDING]
            if not cands:
                break
            u = max(cands, key=lambda x: x.value)
            w.utxos.remove(u)
            tx = Tx(2, [w.spend_input(u)], [TxOut(0, w.spk) for _ in range(outputs)])
            fee = tx.vsize() * 2
            each = (u.value - fee) // outputs
            for o in tx.vout:
                o.value = each
            node.sendrawtransaction(tx.hex())
            # keep a few outputs for later rounds (bounded wallet)
            w.utxos.extend(Utxo(tx.txid, i, each, None, False) for i in range(0, outputs, max(1, outputs // 27)))
            sent += 1
        return sent

    def phase_flush(self, w):
        """Big blocks, coins flushes split in partial batches, simulated crashes inside them."""
        node = self.nodes[0]
        for rnd in range(ROUNDS_FLUSH):
            # odd rounds run with the simulated crash inside coins flushes (set when the node started)
            try:
                self.refresh_wallet(w)
                sent = self.send_round(w, TXS_PER_ROUND, OUTPUTS_PER_TX)
            except (JSONRPCException,) + DEAD as e:
                if not self.dying():
                    raise
                sent = -1
                log(f"round {rnd}: node died before mining ({e!r})")
            if not self.dead():
                killed, n = self.mine_and_kill(w, random.randint(2, 5), "generate" if rnd % 4 < 2 else "submit")
                self.kills += killed
                self.self_crashes += not killed
                outcome = f"{n} blocks acknowledged, " + ("killed" if killed else "died by itself")
            else:
                self.self_crashes += 1
                outcome = "died before mining"
            log(f"flush round {rnd}{' (crash ratio)' if rnd % 2 else ''}: {sent} txs sent, {outcome}")
            next_env = CRASH if (rnd + 1) % 2 else NO_CRASH
            if rnd % 3 == 2 and self.kill_at(next_env, random.choice(STARTUP_STAGES)):
                self.startup_kills += 1
            self.restart(next_env)
            try:
                s = node.gettxoutsetinfo()     # flushes: may hit a simulated crash too
                assert_equal(s["height"], node.getblockcount(), "UTXO set at the active tip after restart")
                assert_equal(s["bestblock"], node.getbestblockhash())
            except DEAD:
                if not self.dying():
                    raise
                self.self_crashes += 1
                self.restart(next_env)

    def phase_catch_up(self, w):
        """Small blocks, no coins flush: every start catches up; kill it half-way every other time."""
        node = self.nodes[0]
        # Small blocks on top first, so that the start-up check of the last 6 blocks is quick.
        for i, h in enumerate(node.generatetoaddress(6, w.address)):
            self.acked[h] = node.getblockcount() - 5 + i
        node.stop()
        self.restart(NO_CRASH)
        base = node.getblockcount()   # the coins stay here for the whole phase
        for rnd in range(ROUNDS_CATCH_UP):
            self.refresh_wallet(w)
            sent = self.send_round(w, 2, 3)
            # at least one block per round: by round 2 the catch-up always has a middle to kill in
            killed, n = self.mine_and_kill(w, random.randint(2, 6), "generate" if rnd % 2 else "submit", 1)
            self.kills += killed
            assert_true(killed, "node 0 died by itself in the catch-up phase")
            # at least this many blocks lie beyond the coins' tip now
            behind = max(self.acked.values()) - base
            paused = ""
            if rnd % 2 == 0 and behind >= 2:
                k = random.randint(1, behind - 1)
                off = self.log_offset()
                assert_true(self.kill_at(dict(NO_CRASH, HASHMINT_TEST_CATCHUP_PAUSE=str(k)), PAUSED, CAUGHT_UP),
                            "killed during the catch-up")
                assert_true(PAUSED in self.log_since(off), "the catch-up had paused")
                self.catch_up_kills += 1
                paused = f", killed after {k} of >= {behind} catch-up blocks"
            self.restart(NO_CRASH)
            log(f"catch-up round {rnd}: {sent} txs sent, {n} blocks acknowledged, killed{paused}; "
                f"height {node.getblockcount()}")

    def run_test(self):
        seed = int(os.environ.get("HASHMINT_TEST_SEED", int(time.time())))
        random.seed(seed)
        log(f"seed {seed}")
        self.startup_crashes = self.startup_kills = self.kills = self.self_crashes = self.catch_up_kills = 0
        self.acked, self.recent, self.checked = {}, [], 0
        node, ref = self.nodes
        w = MiniWallet(node)
        for i, h in enumerate(w.generate(130)):
            self.acked[h] = i + 1
        node.stop()                          # a clean flush of the base chain
        self.restart(NO_CRASH)
        t0 = time.time()
        self.phase_flush(w)
        t1 = time.time()
        node.stop()
        node.extra_args = CATCH_UP_ARGS
        self.restart(NO_CRASH)
        self.phase_catch_up(w)
        t2 = time.time()
        simulated = self.log_since(0).count("Simulating a crash")
        total = self.kills + self.startup_kills + self.catch_up_kills
        log(f"{total} SIGKILLs: {self.kills} while mining, {self.startup_kills} during start-up, "
            f"{self.catch_up_kills} during the start-up catch-up; {self.self_crashes} self-crashes, "
            f"{self.startup_crashes} crashes in start-up; 'Simulating a crash' logged {simulated} times; "
            f"{len(self.acked)} blocks acknowledged, {self.checked} checks after restarts, 0 lost "
            f"(phases {t1 - t0:.0f}s + {t2 - t1:.0f}s)")
        assert_true(total >= MIN_KILLS, f"at least {MIN_KILLS} kills")
        assert_true(self.catch_up_kills >= ROUNDS_CATCH_UP // 2 - 1, "kills during the catch-up")

        # final comparison against a node that never crashed, at the tip the crasher caught up to
        height = node.getblockcount()
        assert_true(height >= max(self.acked.values()), "tip at least the last acknowledged height")
        ref.start()
        for h in range(1, height + 1):
            r = ref.submitblock(node.getblock(node.getblockhash(h), 0))
            assert_true(r is None or r == "duplicate", f"submitblock {h}: {r}")
        assert_equal(ref.getbestblockhash(), node.getbestblockhash(), "reference reached the same tip")
        reference = stats_key(ref.gettxoutsetinfo())
        assert_true("hash_serialized_3" in reference, "gettxoutsetinfo has hash_serialized_3")
        crashed = stats_key(node.gettxoutsetinfo())
        assert_equal(crashed, reference, "gettxoutsetinfo of the crashed node equals the reference")
        # the issuance state and the reserve tree (hidden getissuancestate: the state byte for
        # byte, the tree's root, count and totals) equal the reference's, and the audit is clean
        ref_issuance = ref.getissuancestate()
        assert_equal(node.getissuancestate(), ref_issuance, "issuance state and reserve tree equal the reference")
        assert_true(ref_issuance["reserve_all"]["count"] > 0, f"vaults were opened: {ref_issuance['reserve_all']}")
        assert_true(node.auditreserves()["ok"], "auditreserves on the crashed node")
        node.stop()
        node.start(env=NO_CRASH)
        assert_equal(stats_key(node.gettxoutsetinfo()), reference, "after a clean restart")
        assert_equal(node.getissuancestate(), ref_issuance, "issuance state after a clean restart")
        log(f"height {height}, {reference['txouts']} txouts, {ref_issuance['reserve_all']['count']} vaults: equal")


if __name__ == "__main__":
    CrashTest().main()
