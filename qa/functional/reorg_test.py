#!/usr/bin/env python3
"""Reorganisations with invalidateblock / reconsiderblock / preciousblock.

- Invalidating a block disconnects it and its descendants; their
  transactions return to the mempool; getchaintips shows the invalid branch.
- A transaction spending a coinbase that becomes immature is dropped.
- Mining a longer branch, then reconsidering the old one, keeps the longer
  chain (the old tip is a valid fork); invalidating the new branch switches
  back and the mempool is refilled from the disconnected blocks.
- preciousblock picks between two equal-work tips.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_GENESIS, ADDRESS_OP_TRUE, ADDRESS_UNSPENDABLE, HashmintTestFramework,  # noqa: E402
                       MiniWallet, assert_equal, assert_in, assert_not_in, assert_raises_rpc_error, assert_true, log)


def tips_by_hash(node):
    return {t["hash"]: t for t in node.getchaintips()}


class ReorgTest(HashmintTestFramework):
    """reorg_test"""

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(102)   # heights 1..102; coinbases 1..3 are spendable in block 103
        assert_equal(node.getblockcount(), 102)
        cb3 = [u for u in w.utxos if u.height == 3][0]
        w.utxos.remove(cb3)
        young = w.create_self_transfer(utxo=cb3, fee=2000)
        node.sendrawtransaction(young["hex"])

        t1 = w.send_self_transfer(fee=1500)
        x = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]     # height 103: young, t1
        t2 = w.send_self_transfer(utxo=t1["new_utxo"], fee=1500)
        t3 = w.send_self_transfer(fee=1700)
        y = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]     # height 104: t2, t3
        assert_equal(node.getrawmempool(), [])
        assert_in(young["txid"], node.getblock(x)["tx"])

        # invalidate x (height 103): y is disconnected too
        node.invalidateblock(x)
        assert_equal(node.getblockcount(), 102)
        pool = set(node.getrawmempool())
        assert_equal(pool, {young["txid"], t1["txid"], t2["txid"], t3["txid"]},
                     "disconnected transactions back in the mempool")
        assert_equal(node.getmempoolentry(t2["txid"])["depends"], [t1["txid"]], "t2 depends on t1 again")
        tips = tips_by_hash(node)
        assert_equal(tips[y]["status"], "invalid", "old tip invalid")
        assert_equal(tips[y]["height"], 104)
        assert_equal(tips[y]["branchlen"], 2)
        assert_equal(tips[node.getbestblockhash()]["status"], "active")
        assert_raises_rpc_error(-5, None, node.invalidateblock, "00" * 32)

        # one more block down: block 3's coinbase would be spent at height 102 (maturity needs 103)
        h102 = node.getbestblockhash()
        node.invalidateblock(h102)
        assert_equal(node.getblockcount(), 101)
        assert_not_in(young["txid"], node.getrawmempool(), "immature coinbase spend removed on reorg")
        node.reconsiderblock(h102)
        assert_equal(node.getblockcount(), 104, "reconsider of h102 also reconsiders x and y (descendants)")
        assert_equal(node.getbestblockhash(), y)
        assert_equal(node.getrawmempool(), [])
        log("invalidate/reconsider ok")

        # competing branch: invalidate x, mine 3 blocks (they pick up the mempool)
        node.invalidateblock(x)
        pool = set(node.getrawmempool())
        assert_in(t1["txid"], pool)
        # another payout address: a new block must never be a copy of an invalidated one
        b = node.generatetoaddress(3, ADDRESS_GENESIS)
        assert_equal(node.getblockcount(), 105)
        assert_equal(node.getrawmempool(), [], "branch b mined the refilled mempool")
        assert_in(t1["txid"], node.getblock(b[0])["tx"])
        node.reconsiderblock(x)
        assert_equal(node.getbestblockhash(), b[-1], "longer branch b stays active")
        tips = tips_by_hash(node)
        assert_equal(tips[b[-1]]["status"], "active")
        assert_in(tips[y]["status"], ("valid-fork", "valid-headers"), "old branch after reconsider")
        assert_equal(tips[y]["branchlen"], 2)

        # now make branch a win: invalidate b[0]; a (x, y) becomes active again, b's txs return
        # a child of t2, which both branches confirm (a coinbase spend could be immature at the fork)
        extra = w.send_self_transfer(utxo=w.get_utxo(t2["txid"]), fee=3000)
        node.invalidateblock(b[0])
        assert_equal(node.getbestblockhash(), y)
        assert_equal(node.getblockcount(), 104)
        pool = set(node.getrawmempool())
        assert_in(extra["txid"], pool, "a mempool tx whose parent both branches confirm survives")
        for t in (t1, t2, t3):
            assert_not_in(t["txid"], pool, "txs confirmed again in branch a are not in the mempool")
        tips = tips_by_hash(node)
        assert_equal(tips[b[-1]]["status"], "invalid")
        node.reconsiderblock(b[0])
        assert_equal(node.getbestblockhash(), b[-1], "b has more work")
        log("competing branches ok")

        # preciousblock between two equal-work tips
        tip = node.getbestblockhash()
        node.invalidateblock(tip)
        alt = node.generatetoaddress(1, ADDRESS_OP_TRUE)[0]
        node.reconsiderblock(tip)
        height = node.getblockcount()
        assert_equal(height, 105)
        for pick in (tip, alt, tip):
            node.preciousblock(pick)
            assert_equal(node.getbestblockhash(), pick, "preciousblock switches between equal tips")
        tips = tips_by_hash(node)
        assert_true(len([t for t in tips.values() if t["height"] == 105]) == 2, "two tips at 105")
        # everything still consistent
        assert_true(node.verifychain(4, 0), "verifychain")
        log("preciousblock ok")


if __name__ == "__main__":
    ReorgTest().main()
