#!/usr/bin/env python3
"""-reindex, -reindex-chainstate, -txindex and a corrupted chainstate.

- -reindex rebuilds the block index and the UTXO set from blocks/blk*.dat,
  -reindex-chainstate the UTXO set from the stored blocks: both end at the
  same tip with the same gettxoutsetinfo;
- -txindex finds confirmed transactions for getrawtransaction (without it,
  only the mempool and a given block hash are searched);
- a damaged chainstate database stops start-up with an error that names
  -reindex, and -reindex cures it.
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, assert_equal, assert_in,  # noqa: E402
                       assert_raises_rpc_error, assert_true, log, wait_until)


def utxo_key(s):
    return {k: v for k, v in s.items() if k != "disk_size"}


class ReindexTest(HashmintTestFramework):
    """reindex_test"""

    def set_test_params(self):
        self.extra_args = [["-txindex"]]

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(101)
        txs = [w.send_self_transfer(fee=1000 + i) for i in range(5)]
        node.generatetoaddress(1, w.address)
        tip, height = node.getbestblockhash(), node.getblockcount()
        ref = utxo_key(node.gettxoutsetinfo())

        # txindex: a confirmed transaction is found without its block hash
        wait_until(lambda: node.getrawtransaction(txs[0]["txid"]) == txs[0]["hex"], timeout=30,
                   what="txindex finds a confirmed tx")
        v = node.getrawtransaction(txs[0]["txid"], True)
        assert_equal(v["blockhash"], tip)
        assert_equal(v["confirmations"], 1)

        for opt in ("-reindex", "-reindex-chainstate"):
            node.stop()
            node.start([opt])
            wait_until(lambda: node.getblockcount() == height, timeout=60, what=f"{opt} reaches the old tip")
            assert_equal(node.getbestblockhash(), tip, f"tip after {opt}")
            assert_equal(utxo_key(node.gettxoutsetinfo()), ref, f"UTXO set after {opt}")
            log(f"{opt} ok")
        wait_until(lambda: node.getrawtransaction(txs[1]["txid"]) == txs[1]["hex"], timeout=30,
                   what="txindex after reindex")

        # without -txindex a confirmed tx needs its block hash
        node.stop()
        node.start(["-txindex=0"])
        assert_raises_rpc_error(-5, None, node.getrawtransaction, txs[2]["txid"])
        assert_equal(node.getrawtransaction(txs[2]["txid"], False, tip), txs[2]["hex"], "lookup with blockhash")

        # damage the chainstate: every table file overwritten with garbage
        node.stop()
        files = glob.glob(os.path.join(node.chaindir, "chainstate", "*.ldb")) + \
            glob.glob(os.path.join(node.chaindir, "chainstate", "*.log"))
        assert_true(files, "chainstate has LevelDB files")
        for f in files:
            size = os.path.getsize(f)
            with open(f, "r+b") as fh:
                fh.write(b"\xde\xad\xbe\xef" * max(1, size // 4))
        err = node.assert_start_raises_init_error(["-txindex=0"])
        assert_in("reindex", err.lower(), "the error suggests -reindex")
        node.start(["-reindex", "-txindex=0"])
        wait_until(lambda: node.getblockcount() == height, timeout=60, what="-reindex cures the corruption")
        assert_equal(utxo_key(node.gettxoutsetinfo()), ref, "UTXO set after the cure")
        log("corruption detected and cured")


if __name__ == "__main__":
    ReindexTest().main()
