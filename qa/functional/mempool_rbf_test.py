#!/usr/bin/env python3
"""Replace-by-fee with Core's rules (full RBF: no BIP 125 signal needed).

Covers: a higher-fee replacement evicts the original (signalling or not),
equal/lower fees are refused ("insufficient fee"), the replacement must pay
for the evicted descendants plus its own relay fee, it may not spend the
transactions it replaces ("bad-txns-spends-conflicting-tx") nor add new
unconfirmed inputs ("replacement-adds-unconfirmed"), and it may not evict
more than 100 transactions ("too many potential replacements").
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, assert_equal, assert_in,  # noqa: E402
                       assert_not_in, assert_raises_rpc_error, coins)


class MempoolRBFTest(HashmintTestFramework):
    """mempool_rbf_test"""

    def run_test(self):
        node = self.nodes[0]
        w = self.w = MiniWallet(node)
        w.generate(110)
        pool = lambda: set(node.getrawmempool())  # noqa: E731

        # 1. simple replacement, original signals (sequence 0xfffffffd)
        u = w.get_utxo()
        a = w.create_self_transfer(utxo=u, fee=1000)
        node.sendrawtransaction(a["hex"])
        b = w.create_self_transfer(utxo=u, fee=1000)  # identical: already in mempool
        assert_equal(b["txid"], a["txid"])
        same_fee = w.create_self_transfer(utxo=u, fee=1000, output_spk=bytes.fromhex("0014" + "11" * 20))
        assert_raises_rpc_error(-26, "insufficient fee", node.sendrawtransaction, same_fee["hex"])
        lower = w.create_self_transfer(utxo=u, fee=900, output_spk=bytes.fromhex("0014" + "11" * 20))
        assert_raises_rpc_error(-26, "insufficient fee", node.sendrawtransaction, lower["hex"])
        # higher absolute fee but not by the incremental relay fee (1 sat/vB x vsize)
        tiny = w.create_self_transfer(utxo=u, fee=1001, output_spk=bytes.fromhex("0014" + "11" * 20))
        assert_raises_rpc_error(-26, "insufficient fee", node.sendrawtransaction, tiny["hex"])
        r = w.create_self_transfer(utxo=u, fee=1000 + 2 * a["vsize"] + 10)
        node.sendrawtransaction(r["hex"])
        assert_equal(pool(), {r["txid"]}, "replacement evicted the original")
        e = node.getmempoolentry(r["txid"])
        assert_equal(e["fees"]["base"], coins(r["fee"]))
        assert_raises_rpc_error(-5, None, node.getmempoolentry, a["txid"])

        # 2. full RBF: the original does not signal (final sequence) and is still replaced
        u = w.get_utxo()
        a = w.create_self_transfer(utxo=u, fee=1000, sequence=0xffffffff)
        node.sendrawtransaction(a["hex"])
        r2 = w.create_self_transfer(utxo=u, fee=5000, sequence=0xffffffff)
        node.sendrawtransaction(r2["hex"])
        assert_not_in(a["txid"], pool())
        assert_in(r2["txid"], pool())

        # 3. descendants: the replacement must pay for parent + child
        u = w.get_utxo()
        parent = w.create_self_transfer(utxo=u, fee=2000)
        node.sendrawtransaction(parent["hex"])
        child = w.create_self_transfer(utxo=parent["new_utxo"], fee=20000)
        node.sendrawtransaction(child["hex"])
        assert_equal(node.getmempoolentry(parent["txid"])["descendantcount"], 2)
        anc = node.getmempoolancestors(child["txid"])
        assert_equal(anc, [parent["txid"]], "getmempoolancestors")
        desc = node.getmempooldescendants(parent["txid"])
        assert_equal(desc, [child["txid"]], "getmempooldescendants")
        # pays more than the parent alone but less than parent + child
        cheap = w.create_self_transfer(utxo=u, fee=15000)
        assert_raises_rpc_error(-26, "insufficient fee", node.sendrawtransaction, cheap["hex"])
        assert_in(child["txid"], pool())
        good = w.create_self_transfer(utxo=u, fee=2000 + 20000 + 500)
        node.sendrawtransaction(good["hex"])
        assert_not_in(parent["txid"], pool())
        assert_not_in(child["txid"], pool(), "descendant evicted with its parent")
        assert_in(good["txid"], pool())

        # 4. a replacement may not spend an output of a transaction it replaces
        u = w.get_utxo()
        p = w.create_self_transfer(utxo=u, fee=1000)
        node.sendrawtransaction(p["hex"])
        bad = w.create_self_transfer_multi(utxos=[u, p["new_utxo"]], fee=50000)
        assert_raises_rpc_error(-26, "bad-txns-spends-conflicting-tx", node.sendrawtransaction, bad["hex"])

        # 5. a replacement may not add an unconfirmed input
        other = w.send_self_transfer(fee=1000)
        ou = w.get_utxo(other["txid"])
        bad = w.create_self_transfer_multi(utxos=[u, ou], fee=50000)
        assert_raises_rpc_error(-26, "replacement-adds-unconfirmed", node.sendrawtransaction, bad["hex"])
        w.add_utxo(ou)
        # but a confirmed extra input is fine
        cu = w.get_utxo()
        ok = w.create_self_transfer_multi(utxos=[u, cu], fee=50000)
        node.sendrawtransaction(ok["hex"])
        assert_not_in(p["txid"], pool())
        w.utxos.extend(ok["new_utxos"])

        # 6. at most 100 evicted transactions
        node.generatetoaddress(1, w.address)
        assert_equal(pool(), set())
        u = w.get_utxo()
        fan = w.create_self_transfer_multi(utxos=[u], num_outputs=101, fee=20000)
        node.sendrawtransaction(fan["hex"])
        node.generatetoaddress(1, w.address)
        outs = fan["new_utxos"]
        for o in outs:
            t = w.create_self_transfer(utxo=o, fee=200)
            node.sendrawtransaction(t["hex"])
        assert_equal(len(pool()), 101)
        big = w.create_self_transfer_multi(utxos=outs, fee=10_000_000)
        assert_raises_rpc_error(-26, "too many potential replacements", node.sendrawtransaction, big["hex"], 0)
        # 100 conflicts are allowed
        big = w.create_self_transfer_multi(utxos=outs[:100], fee=10_000_000)
        node.sendrawtransaction(big["hex"], 0)
        assert_equal(len(pool()), 2, "100 replaced, one left plus the replacement")
        print("  RBF checks passed", flush=True)


if __name__ == "__main__":
    MempoolRBFTest().main()
