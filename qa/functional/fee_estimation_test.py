#!/usr/bin/env python3
"""Fee estimation (doc/fees.md) with two real nodes.

- with no history estimatesmartfee answers Core's "Insufficient data or no
  feerate found" with blocks 0, and a wallet without -fallbackfee refuses to
  send (-4);
- node 0 broadcasts hundreds of independent transactions at three fee rates
  and mines blocks (generateblock) that confirm the high-fee ones in the next
  block, the middle ones three blocks later and the low ones ten blocks
  later; both nodes (node 1 only relays and follows) then estimate: the
  estimate falls as the target grows, one or two blocks ask for the high
  rate, a long target accepts the low one; estimaterawfee has Core's shape;
- node 1's wallet (-fallbackfee=0) now pays the estimated rate, and
  sendtoaddress verbose=true names the estimator's step as fee_reason
  ("Fallback fee" / "PayTxFee set" before, on node 0);
- argument errors are Core's (-8, -3);
- the estimates survive a restart through fee_estimates.dat; a corrupt or a
  newer-version file is refused with a log line and ignored, a file older
  than 60 hours too unless -acceptstalefeeestimates (regtest only).
"""
import hashlib
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_in,  # noqa: E402
                       assert_raises_rpc_error, assert_true, log, satoshi, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402

HIGH, MID, LOW = 50, 20, 4          # sat/vB
# Core's FeeReason strings for the estimator's steps (sendtoaddress verbose)
ESTIMATE_REASONS = ["Half Target 60% Threshold", "Target 85% Threshold", "Double Target 95% Threshold",
                    "Conservative Double Target longer horizon"]
DELAY = {HIGH: 1, MID: 3, LOW: 10}  # blocks from broadcast to confirmation
PER_RATE = 3                        # transactions per rate per block
ROUNDS = 45
NO_DATA = "Insufficient data or no feerate found"


class FeeEstimationTest(HashmintTestFramework):
    """fee_estimation_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keypool=20"],
                           p2p_listen_args() + ["-keypool=20", "-fallbackfee=0"]]

    def make_utxos(self, w, n):
        """n confirmed 0.01-coin outputs of w, each spendable without a mempool parent
        (locked, so the wallet's own sends leave them alone)."""
        outs = []
        addrs = [w.getnewaddress() for _ in range(150)]
        for start in range(0, n, 150):
            k = min(150, n - start)
            txid = w.sendmany("", {a: 0.01 for a in addrs[:k]})
            tx = self.nodes[0].getrawtransaction(txid, True)
            mine = [(txid, o["n"], o["scriptPubKey"]["address"]) for o in tx["vout"]
                    if o["scriptPubKey"].get("address") in addrs[:k]]
            assert_true(w.lockunspent(False, [{"txid": t, "vout": v} for t, v, _ in mine]))
            outs += mine
            self.nodes[0].generatetoaddress(1, self.mine_to)
        return outs

    def spend(self, w, utxo, rate):
        """Broadcasts utxo back to its own address at rate sat/vB. Returns the txid."""
        txid, vout, addr = utxo
        vsize = 110  # one P2WPKH input, one P2WPKH output
        fee = rate * vsize
        raw = self.nodes[0].createrawtransaction([{"txid": txid, "vout": vout}],
                                                 [{addr: (satoshi(0.01) - fee) / 1e8}])
        signed = w.signrawtransactionwithwallet(raw)
        assert_true(signed["complete"])
        r = self.nodes[0].sendrawtransaction(signed["hex"])
        # Straight to node 1 as well: both mempools see it at the same height, without waiting for relay.
        self.nodes[1].sendrawtransaction(signed["hex"])
        return r

    def run_test(self):
        n0, n1 = self.nodes
        connect_nodes(n1, n0)
        n0.createwallet("w0")
        n1.createwallet("w1")
        w0, w1 = n0.wallet("w0"), n1.wallet("w1")
        self.mine_to = w0.getnewaddress()

        log("no history: no estimate, and no fee without -fallbackfee")
        res = n0.estimatesmartfee(6)
        assert_equal(res, {"errors": [NO_DATA], "blocks": 0})
        n0.generatetoaddress(110, self.mine_to)
        wait_for_tip(self.nodes)
        res = w0.sendtoaddress(address=w1.getnewaddress(), amount=5, verbose=True)
        assert_equal(sorted(res.keys()), ["fee_reason", "txid"])
        assert_equal(res["fee_reason"], "Fallback fee")  # no estimate yet: -fallbackfee decided
        assert_in(res["txid"], n0.getrawmempool())
        res = w0.sendtoaddress(address=w1.getnewaddress(), amount=1, fee_rate=7, verbose=True)
        assert_equal(res["fee_reason"], "PayTxFee set")  # Core reports an explicit fee_rate so
        res = w0.sendmany(amounts={w1.getnewaddress(): 1}, verbose=True)
        assert_equal(res["fee_reason"], "Fallback fee")
        assert_true(isinstance(w0.sendtoaddress(w1.getnewaddress(), 1), str))  # not verbose: the txid
        n0.generatetoaddress(1, self.mine_to)
        wait_for_tip(self.nodes)
        assert_raises_rpc_error(-4, "Fee estimation failed. Fallbackfee is disabled", w1.sendtoaddress,
                                w1.getnewaddress(), 1)
        raw = n0.estimaterawfee(1)
        assert_equal(sorted(raw.keys()), ["long", "medium", "short"])
        assert_equal(raw["short"]["errors"], [NO_DATA + " which meets threshold"])
        assert_equal(raw["short"]["scale"], 1)
        assert_equal(sorted(n0.estimaterawfee(13).keys()), ["long", "medium"])
        assert_equal(sorted(n0.estimaterawfee(49).keys()), ["long"])

        log("argument errors")
        assert_raises_rpc_error(-8, "Invalid conf_target, must be between 1 and 1008", n0.estimatesmartfee, 0)
        assert_raises_rpc_error(-8, "Invalid conf_target, must be between 1 and 1008", n0.estimatesmartfee, 1009)
        assert_raises_rpc_error(-8, 'Invalid estimate_mode parameter, must be one of: "unset", "economical", '
                                '"conservative"', n0.estimatesmartfee, 2, "fast")
        assert_raises_rpc_error(-3, "not of expected type number", n0.estimatesmartfee, "2")
        assert_raises_rpc_error(-8, "Invalid threshold", n0.estimaterawfee, 2, 1.5)
        assert_raises_rpc_error(-8, "Cannot specify both conf_target and fee_rate", w0.sendtoaddress,
                                w1.getnewaddress(), 1, "", "", False, True, 6, "unset", False, 10)

        log("transactions at three fee rates, confirmed over %d blocks" % ROUNDS)
        utxos = self.make_utxos(w0, 3 * PER_RATE * ROUNDS)
        wait_for_tip(self.nodes)
        pending = {}  # block index -> txids to confirm in it
        for rnd in range(ROUNDS):
            for rate in (HIGH, MID, LOW):
                for _ in range(PER_RATE):
                    txid = self.spend(w0, utxos.pop(), rate)
                    pending.setdefault(rnd + DELAY[rate], []).append(txid)
            n0.generateblock(self.mine_to, pending.pop(rnd + 1, []))
            wait_for_tip(self.nodes)
        assert_equal(len(utxos), 0)

        log("estimates fall as the target grows, on both nodes")
        for node in (n0, n1):
            est = {t: node.estimatesmartfee(t) for t in (1, 2, 3, 5, 10, 15, 20)}
            for t, r in est.items():
                assert_true("feerate" in r and "errors" not in r, (t, r))
            assert_equal(est[1]["blocks"], 2)
            assert_equal(est[10]["blocks"], 10)
            rates = [satoshi(est[t]["feerate"]) / 1000 for t in (1, 2, 3, 5, 10, 15, 20)]  # sat/vB
            assert_true(all(a >= b for a, b in zip(rates, rates[1:])), rates)
            assert_true(HIGH * 0.9 <= rates[0] <= HIGH * 1.1, rates)
            assert_true(rates[-1] < HIGH * 0.5, rates)
            cons = satoshi(node.estimatesmartfee(10, "conservative")["feerate"])
            assert_true(cons >= satoshi(est[10]["feerate"]))
            assert_equal(node.estimatesmartfee(10, "ECONOMICAL"), est[10])
        short = n0.estimaterawfee(1)["short"]
        assert_true(HIGH * 900 <= satoshi(short["feerate"]) <= HIGH * 1100, short)
        assert_equal(sorted(short["pass"].keys()),
                     ["endrange", "inmempool", "leftmempool", "startrange", "totalconfirmed", "withintarget"])
        assert_equal(float(short["decay"]), 0.962)
        longh = n0.estimaterawfee(20, 0.85)
        assert_in("feerate", longh["medium"])

        log("the wallet pays the estimate when no fee rate is given")
        est6 = satoshi(n1.estimatesmartfee(6)["feerate"])
        res = w1.sendtoaddress(address=w1.getnewaddress(), amount=1, replaceable=True, conf_target=6,
                               estimate_mode="economical", verbose=True)
        assert_in(res["fee_reason"], ESTIMATE_REASONS)  # the estimator's step, never the fallback
        txid = res["txid"]
        entry = n1.getmempoolentry(txid)
        paid = satoshi(entry["fees"]["base"]) * 1000 // entry["vsize"]
        assert_true(abs(paid - est6) <= est6 // 50 + 10, (paid, est6))
        raw = n1.createrawtransaction([], [{w1.getnewaddress(): 0.5}])
        funded = w1.fundrawtransaction(raw, {"conf_target": 6, "estimate_mode": "economical"})
        txid = n1.sendrawtransaction(w1.signrawtransactionwithwallet(funded["hex"])["hex"])
        entry = n1.getmempoolentry(txid)
        paid = satoshi(entry["fees"]["base"]) * 1000 // entry["vsize"]
        assert_true(abs(paid - est6) <= est6 // 50 + 10, (paid, est6))
        assert_raises_rpc_error(-8, "Invalid conf_target", w1.fundrawtransaction, raw, {"conf_target": 0})
        n0.generatetoaddress(1, self.mine_to)
        wait_for_tip(self.nodes)

        log("the estimates survive a restart (fee_estimates.dat)")
        before = {t: n1.estimatesmartfee(t) for t in (2, 5, 10)}
        n1.stop()
        path = os.path.join(n1.chaindir, "fee_estimates.dat")
        assert_true(os.path.exists(path))
        good = open(path, "rb").read()
        with n1.assert_debug_log(["Loaded fee estimates from"]):
            n1.start()
        connect_nodes(n1, n0)
        assert_equal({t: n1.estimatesmartfee(t) for t in (2, 5, 10)}, before)

        log("a corrupt file is refused and ignored")
        n1.stop()
        bad = bytearray(good)
        bad[len(bad) // 2] ^= 0x01
        open(path, "wb").write(bytes(bad))
        with n1.assert_debug_log(["Refusing fee estimates file", "checksum mismatch"]):
            n1.start()
        assert_equal(n1.estimatesmartfee(5), {"errors": [NO_DATA], "blocks": 0})

        log("a newer version is refused and ignored")
        n1.stop()
        newer = bytearray(good)
        newer[8:12] = struct.pack("<I", 2)
        newer[-32:] = hashlib.sha256(bytes(newer[:-32])).digest()
        open(path, "wb").write(bytes(newer))
        with n1.assert_debug_log(["Refusing fee estimates file", "is newer than this program's"]):
            n1.start()
        assert_equal(n1.estimatesmartfee(5), {"errors": [NO_DATA], "blocks": 0})
        assert_in("feerate", n0.estimatesmartfee(5))

        log("a file older than 60 hours is not used, unless -acceptstalefeeestimates (regtest)")
        for extra, loaded in (([], False), (["-acceptstalefeeestimates"], True)):
            n1.stop()
            open(path, "wb").write(good)
            old = time.time() - 61 * 3600
            os.utime(path, (old, old))
            expect = ["Loaded fee estimates from"] if loaded else ["too old", "will not be used"]
            with n1.assert_debug_log(expect):
                n1.start(extra_args=extra)
            if loaded:
                assert_equal({t: n1.estimatesmartfee(t) for t in (2, 5, 10)}, before)
            else:
                assert_equal(n1.estimatesmartfee(5), {"errors": [NO_DATA], "blocks": 0})
        testnode = self.add_node(chain="test")
        testnode.assert_start_raises_init_error(["-acceptstalefeeestimates"],
                                                "acceptstalefeeestimates is not supported on test chain.")


if __name__ == "__main__":
    FeeEstimationTest().main()
