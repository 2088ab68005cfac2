#!/usr/bin/env python3
"""Mempool persistence across restarts (mempool.dat).

- A clean restart keeps every transaction (with its fee) and getmempoolinfo
  reports loaded = true.
- -persistmempool=0 starts with an empty mempool and does not overwrite
  mempool.dat at shutdown, so the next normal start loads the old contents.
- A SIGKILLed node does not write mempool.dat (the previous file is used).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, assert_equal, assert_true, coins, log,  # noqa: E402
                       wait_until)


class MempoolPersistTest(HashmintTestFramework):
    """mempool_persist_test"""

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(105)
        sent = {}
        for i in range(5):
            t = w.send_self_transfer(fee=1000 + 100 * i)
            sent[t["txid"]] = t["fee"]
        # a child, so persistence keeps dependencies in order
        child = w.send_self_transfer(utxo=w.get_utxo(t["txid"]), fee=3000)
        sent[child["txid"]] = child["fee"]
        assert_equal(set(node.getrawmempool()), set(sent))

        node.stop()
        mempool_dat = os.path.join(node.chaindir, "mempool.dat")
        assert_true(os.path.exists(mempool_dat), f"{mempool_dat} written at shutdown")

        node.start()
        # mempool.dat loads in the background; "loaded" turns true once it is done
        # (transactions appear one by one before that).
        wait_until(lambda: node.getmempoolinfo()["loaded"], timeout=30, what="mempool reloaded")
        assert_equal(set(node.getrawmempool()), set(sent))
        for txid, fee in sent.items():
            assert_equal(node.getmempoolentry(txid)["fees"]["base"], coins(fee), f"fee of {txid} after reload")
        log("restart kept the mempool")

        node.stop()
        node.start(["-persistmempool=0"])
        wait_until(lambda: node.getmempoolinfo()["loaded"], timeout=30, what="mempool ready")
        assert_equal(node.getrawmempool(), [], "-persistmempool=0 starts empty")
        node.stop()
        assert_true(os.path.exists(mempool_dat), "mempool.dat left in place by -persistmempool=0")

        node.start()
        wait_until(lambda: node.getmempoolinfo()["loaded"], timeout=30, what="mempool reloaded again")
        assert_equal(set(node.getrawmempool()), set(sent))
        log("-persistmempool=0 did not overwrite mempool.dat")

        # Mine them; a later clean shutdown writes an empty mempool.
        node.generatetoaddress(1, w.address)
        assert_equal(node.getrawmempool(), [])
        extra = w.send_self_transfer(fee=2000)
        node.stop()
        node.start()
        wait_until(lambda: node.getmempoolinfo()["loaded"], timeout=30, what="mempool reloaded")
        assert_equal(node.getrawmempool(), [extra["txid"]], "only the new tx reloaded")

        # After SIGKILL nothing is dumped: the file from the last clean stop remains.
        extra2 = w.send_self_transfer(fee=2000)
        node.kill()
        node.start()
        wait_until(lambda: node.getmempoolinfo()["loaded"], timeout=30, what="mempool load finished")
        pool = node.getrawmempool()
        assert_true(extra2["txid"] not in pool, "a transaction accepted after the last dump is gone after SIGKILL")


if __name__ == "__main__":
    MempoolPersistTest().main()
