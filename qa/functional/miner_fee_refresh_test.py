#!/usr/bin/env python3
"""The native miner switches to a template with more fees while the tip stays.

With -minerextrabits=64 the miner finds no block, so its job changes only
when the tip does or when the mempool changed and the new block pays more
fees (looked at every few seconds, doc/mining.md "Fresh work"): a
transaction entering the mempool brings a new job at the same height whose
fees are the transaction's (the debug log says so), and no block is mined
meanwhile. Waits are on conditions (the job counter), never sleeps.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import HashmintTestFramework, Key, MiniWallet, assert_equal, log, wait_until  # noqa: E402


class MinerFeeRefreshTest(HashmintTestFramework):
    """miner_fee_refresh_test"""

    def set_test_params(self):
        addr = Key.from_label("fee refresh miner").p2wpkh_address()
        self.extra_args = [[f"-miningaddress={addr}", "-minerextrabits=64", "-debug=miner"]]

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(101)
        height = node.getblockcount()
        node.setgenerate(True, 1)
        wait_until(lambda: node.getmininginfo()["miner"]["jobheight"] == height + 1, what="a job on the tip")
        jobs = node.getmininginfo()["miner"]["jobs"]

        tx = w.send_self_transfer()
        wait_until(lambda: node.getmininginfo()["miner"]["jobs"] > jobs, timeout=120, what="a job with the fee")
        info = node.getmininginfo()
        assert_equal((info["blocks"], info["miner"]["jobheight"]), (height, height + 1), "the same tip")
        node.assert_debug_log(f"Miner: new job at height {height + 1}, 1 transactions, fees {tx['fee']} (more fees)")
        node.setgenerate(False)
        assert_equal(node.getblockcount(), height)
        log("a mempool change with more fees gave the miner a new job on the same tip")


if __name__ == "__main__":
    MinerFeeRefreshTest().main()
