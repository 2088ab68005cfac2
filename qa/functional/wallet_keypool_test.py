#!/usr/bin/env python3
"""keypoolrefill, with one real node.

- -keypool sets how many unused addresses each active descriptor keeps
  derived ahead (getwalletinfo's keypoolsize / keypoolsize_hd_internal);
- keypoolrefill N derives until N unused ones lie ahead, for receive and
  change descriptors alike, and the larger pool survives a restart (it is in
  the wallet database, not only in memory); an address handed out after the
  refill is one the pool already watched, so a payment to it is seen;
- refused with Core's codes, nothing written: a negative or huge size (-8),
  a wallet without private keys (-4), an encrypted wallet while locked (-13).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_raises_rpc_error, log)  # noqa: E402


class WalletKeypoolTest(HashmintTestFramework):
    """wallet_keypool_test"""
    num_nodes = 1

    def set_test_params(self):
        self.extra_args = [["-keypool=5"]]

    def pools(self, w):
        info = w.getwalletinfo()
        return info["keypoolsize"], info["keypoolsize_hd_internal"]

    def run_test(self):
        node = self.nodes[0]
        node.createwallet("w")
        w = node.wallet("w")
        # Four active receive and four change descriptors, five ahead each.
        assert_equal(self.pools(w), (20, 20))

        log("keypoolrefill grows both pools, persisted across a restart")
        assert_equal(w.keypoolrefill(12), None)
        assert_equal(self.pools(w), (48, 48))
        assert_equal(w.keypoolrefill(), None)  # -keypool=5: already more than that ahead
        assert_equal(self.pools(w), (48, 48))
        addrs = [w.getnewaddress() for _ in range(3)]
        assert_equal(self.pools(w), (45, 48))
        node.restart()
        node.loadwallet("w")
        w = node.wallet("w")
        assert_equal(self.pools(w), (45, 48))
        node.generatetoaddress(1, addrs[2])
        assert_equal(w.getbalances()["mine"]["immature"] > 0, True)
        log("a refilled pool is kept after a restart and its addresses are watched")

        log("bad input: nothing written")
        assert_raises_rpc_error(-8, "Invalid parameter, expected valid size.", w.keypoolrefill, -1)
        assert_raises_rpc_error(-8, "Invalid parameter, expected valid size.", w.keypoolrefill, 10**7)
        assert_raises_rpc_error(-1, None, w.keypoolrefill, 1.5)
        node.createwallet("watch", True)
        assert_raises_rpc_error(-4, "Private keys are disabled", node.wallet("watch").keypoolrefill, 10)
        w.encryptwallet("pass phrase")
        before = self.pools(w)
        assert_raises_rpc_error(-13, "walletpassphrase", w.keypoolrefill, 60)
        assert_equal(self.pools(w), before)
        w.walletpassphrase("pass phrase", 60)
        assert_equal(w.keypoolrefill(60), None)
        assert_equal(self.pools(w), (240, 240))  # 60 ahead on each of the four of each kind
        log("negative, huge, fractional sizes, a watch-only wallet and a locked wallet are refused")


if __name__ == "__main__":
    WalletKeypoolTest().main()
