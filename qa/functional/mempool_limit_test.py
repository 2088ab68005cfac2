#!/usr/bin/env python3
"""Mempool limits: ancestor/descendant chains and the -maxmempool size cap.

1. A chain of 25 unconfirmed transactions is accepted, the 26th is
   "too-long-mempool-chain"; likewise 25 descendants of one transaction
   (children with two unconfirmed ancestors, so Core's CPFP carve-out does
   not apply).
2. With -maxmempool=5 (the minimum) large high-feerate transactions push the
   usage over the cap: the lowest-feerate transaction is evicted, usage stays
   under the cap, mempoolminfee rises above minrelaytxfee and a new cheap
   transaction is refused with "mempool min fee not met".
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, Tx, TxOut, assert_equal, assert_greater_than,  # noqa: E402
                       assert_in, assert_not_in, assert_raises_rpc_error, assert_true, log)

MAXMEMPOOL_MB = 5


class MempoolLimitTest(HashmintTestFramework):
    """mempool_limit_test"""

    def set_test_params(self):
        self.extra_args = [[f"-maxmempool={MAXMEMPOOL_MB}"]]

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(104)

        # --- ancestor limit: 25 in a chain ---
        u = w.get_utxo()
        chain = []
        for i in range(25):
            t = w.create_self_transfer(utxo=u, fee=1000)
            node.sendrawtransaction(t["hex"])
            chain.append(t["txid"])
            u = t["new_utxo"]
        e = node.getmempoolentry(chain[-1])
        assert_equal(e["ancestorcount"], 25, "ancestorcount of the 25th")
        assert_equal(node.getmempoolentry(chain[0])["descendantcount"], 25)
        t = w.create_self_transfer(utxo=u, fee=1000)
        r = node.testmempoolaccept([t["hex"]])[0]
        assert_equal(r["allowed"], False)
        assert_true(r["reject-reason"].startswith("too-long-mempool-chain"), f"reject-reason {r}")
        assert_raises_rpc_error(-26, "too-long-mempool-chain", node.sendrawtransaction, t["hex"])
        log("ancestor limit ok")

        # --- descendant limit: G -> P -> 23 children = 25 descendants of G ---
        g = w.create_self_transfer(utxo=w.get_utxo(), fee=1000)
        node.sendrawtransaction(g["hex"])
        p = w.create_self_transfer_multi(utxos=[g["new_utxo"]], num_outputs=30, fee=10000)
        node.sendrawtransaction(p["hex"])
        outs = p["new_utxos"]
        for i in range(23):
            c = w.create_self_transfer(utxo=outs[i], fee=1000)
            node.sendrawtransaction(c["hex"])
        assert_equal(node.getmempoolentry(g["txid"])["descendantcount"], 25)
        c = w.create_self_transfer(utxo=outs[23], fee=1000)
        assert_raises_rpc_error(-26, "too-long-mempool-chain", node.sendrawtransaction, c["hex"])
        log("descendant limit ok")

        node.generatetoaddress(1, w.address)
        assert_equal(node.getrawmempool(), [], "all mined")
        w.utxos = [x for x in w.utxos if x.height is not None]  # drop unconfirmed leftovers (never sent)

        # --- size cap and eviction ---
        info = node.getmempoolinfo()
        assert_equal(info["maxmempool"], MAXMEMPOOL_MB * 1_000_000, "getmempoolinfo maxmempool")
        minrelay = info["minrelaytxfee"]
        # split one coinbase into 160 coins of ~0.3 HMC, confirmed
        split = w.create_self_transfer_multi(utxos=[w.get_utxo()], num_outputs=160, fee=100000)
        node.sendrawtransaction(split["hex"])
        node.generatetoaddress(1, w.address)
        coins_ = split["new_utxos"]

        # the victim: a small transaction at 2 sat/vB
        victim = w.create_self_transfer(utxo=coins_.pop(), fee_rate=Decimal("0.00002"))
        node.sendrawtransaction(victim["hex"])
        # fillers: ~64 kvB each (1500 outputs of 400 units), each paying 0.25 sat/vB more than
        # the one before (10, 10.25, ... sat/vB): when the trim must evict more than the
        # victim, the oldest filler goes, never the newest (equal feerates would leave
        # the choice to a tie-break, and the newest could be refused as "mempool full")
        spk = w.spk
        fillers = []
        while victim["txid"] in node.getrawmempool():
            assert_true(coins_, "victim never evicted; mempool usage "
                        f"{node.getmempoolinfo()['usage']} after {len(fillers)} fillers")
            c = coins_.pop()
            tx = Tx(2, [w.spend_input(c)], [TxOut(400, spk) for _ in range(1500)])
            fee = tx.vsize() * (40 + len(fillers)) // 4
            tx.vout[0].value = c.value - 400 * 1499 - fee
            node.sendrawtransaction(tx.hex())
            fillers.append(tx.txid)
        log(f"victim evicted after {len(fillers)} fillers")
        info = node.getmempoolinfo()
        assert_true(info["usage"] <= info["maxmempool"], f"usage {info['usage']} above the cap {info['maxmempool']}")
        assert_greater_than(info["mempoolminfee"], minrelay, "mempoolminfee rose after eviction")
        pool = node.getrawmempool()
        assert_in(fillers[-1], pool, "the newest filler stays")
        assert_not_in(victim["txid"], pool)
        # a cheap transaction is now refused
        cheap = w.create_self_transfer(utxo=coins_.pop(), fee_rate=Decimal("0.00002"))
        r = node.testmempoolaccept([cheap["hex"]])[0]
        assert_equal(r["allowed"], False)
        assert_equal(r["reject-reason"], "mempool min fee not met")
        assert_raises_rpc_error(-26, "mempool min fee not met", node.sendrawtransaction, cheap["hex"])


if __name__ == "__main__":
    MempoolLimitTest().main()
