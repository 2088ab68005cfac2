#!/usr/bin/env python3
"""The keeper (-keeper, doc/keeper.md), with two real nodes, each with a keeper.

- coinbases open four vaults owned by an outside key; at 200 HUSD per HMC
  the issuer mints 800 HUSD into A (paid to keeper 0's wallet), 700 into
  B, 600 into C and 200 into D (paid to a source wallet): both keepers
  watch the four vaults, none is liquidatable;
- the price falls to 100: still none below 120 %;
- the price falls to 80: A (100 %) and B (114 %) are liquidatable; keeper 0
  holds exactly A's debt and liquidates A first (the most
  undercollateralised, the larger debt), not B (beyond its balance);
  keeper 1's wallet holds no HUSD: it logs so and sends nothing;
- the liquidation of A is kept out of a block (prioritisetransaction):
  keeper 0 bumps its fee by RBF, the replacement confirms; counters, the
  HUSD spent and the collateral gained match the chain;
- the race: both wallets get 700 HUSD while the nodes are apart; each
  keeper liquidates B in its own mempool; node 0's block confirms its own,
  node 1 reconnects: its liquidation is conflicted and counted as lost, and
  its HUSD are back.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import assert_equal, assert_true, log, sign_with_rpc, wait_until  # noqa: E402
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402
from issuance_chain_test import HUSD  # noqa: E402
from wallet_token_test import MINER, OWNER_B, WalletTokenTest  # noqa: E402


class KeeperTest(WalletTokenTest):
    """keeper_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keeper=1", "-keeperwallet=k0", "-keepermaxfee=0.0005"],
                           p2p_listen_args() + ["-keeper=1", "-keeperwallet=k1"]]

    def send_raw(self, inputs, outputs, keys, wallet=None):
        """wallet_token_test's, but a keeper may fill the mempool right after the block: check the block instead."""
        raw = self.n0.createrawtransaction([{"txid": i["txid"], "vout": i["vout"]} for i in inputs], outputs)
        if wallet is not None:
            raw = wallet.signrawtransactionwithwallet(raw)["hex"]
        txid = self.n0.sendrawtransaction(sign_with_rpc(self.n0, raw, keys, inputs))
        self.mine()
        assert_true(txid in self.n0.getblock(self.n0.getbestblockhash())["tx"], "mined")
        return txid

    def keeper(self, node):
        return node.getkeeperinfo()

    def log_has(self, node, text):
        return text in node.debug_log_text()

    def vault_str(self, op):
        return f"{op[0]}:{op[1]}"

    def liquidation_of(self, node, vault):
        """The mempool transaction spending vault, or None."""
        for txid in node.getrawmempool():
            tx = node.getrawtransaction(txid, True)
            if any(i["txid"] == vault[0] and i["vout"] == vault[1] for i in tx["vin"]):
                return txid
        return None

    def run_test(self):
        n0, n1 = self.nodes
        self.n0, self.miner_coins = n0, []
        connect_nodes(n1, n0)
        assert_equal(n0.getkeeperinfo()["enabled"], True)
        assert_equal(n0.getkeeperinfo()["wallet"], "k0")
        n0.createwallet("k0")
        n0.createwallet("src")
        n1.createwallet("k1")
        k0, src, k1 = n0.wallet("k0"), n0.wallet("src"), n1.wallet("k1")

        log("coinbases open four vaults (an outside owner); they mature")
        owner = OWNER_B.p2wpkh_address()
        hashes = [n0.generatetovault(1, owner)[0] for _ in range(4)]
        vaults = [(n0.getblock(h)["tx"][0], 0) for h in hashes]
        n0.generatetoaddress(1, src.getnewaddress())   # HMC for the source wallet's fees
        self.mine(101)
        assert_equal(self.keeper(n0)["vaults_watched"], 0)   # no debt yet: nothing to watch

        log("at 200 HUSD per HMC (10 HMC each): A 800 HUSD to keeper 0's wallet, B 700, C 600, D 200 to a source wallet")
        self.set_price(200 * HUSD)
        debts = [800 * HUSD, 700 * HUSD, 600 * HUSD, 200 * HUSD]
        pay = [k0.getnewaddress()] + [src.getnewaddress() for _ in range(3)]
        minted = []
        for v, d, to in zip(vaults, debts, pay):
            op, coll = self.mint(v, owner, d, to, [OWNER_B])
            minted.append((op, coll))
        A, B, C, D = [m[0] for m in minted]
        wait_until(lambda: all(self.keeper(n)["vaults_watched"] == 4 for n in self.nodes), what="4 vaults watched")
        assert_equal(k0.gettokenbalance("HUSD"), 800 * HUSD)
        assert_equal(k1.gettokenbalance("HUSD"), 0)

        log("the price falls to 100: ratios 125-500 %, nothing liquidatable")
        self.set_price(100 * HUSD)
        tip = n0.getblockcount()
        wait_until(lambda: all(self.keeper(n)["height"] == tip for n in self.nodes), what="keepers at the tip")
        for n in self.nodes:
            info = self.keeper(n)
            assert_equal((info["liquidatable"], info["sent"], info["failed"]), (0, 0, 0))

        log("the price falls to 80: A (100 %) and B (114 %) liquidatable; keeper 0 takes A, within its balance")
        self.set_price(80 * HUSD)
        wait_until(lambda: self.keeper(n0)["sent"] == 1, what="keeper 0's liquidation")
        info = self.keeper(n0)
        assert_equal((info["liquidatable"], info["pending"]), (2, 1))
        liq = self.liquidation_of(n0, A)
        assert_true(liq is not None, "the liquidation spends A, the most undercollateralised")
        assert_true(self.liquidation_of(n0, B) is None, "B is beyond keeper 0's balance")
        assert_equal(k0.gettokenbalance("HUSD"), 0)
        wait_until(lambda: self.log_has(n0, "keeper: liquidating vault " + self.vault_str(A)), what="log line")
        wait_until(lambda: self.log_has(n0, "needs 70000000000 HUSD, the wallet has 0: skipped")
                   or self.log_has(n0, "holds no HUSD"), what="keeper 0 says why B waits")

        log("keeper 1's wallet holds no HUSD: it logs and sends nothing")
        wait_until(lambda: self.keeper(n1)["liquidatable"] == 2, what="keeper 1 sees them")
        wait_until(lambda: self.log_has(n1, "wallet 'k1' holds no HUSD"), what="keeper 1's log line")
        info1 = self.keeper(n1)
        assert_equal((info1["sent"], info1["failed"], info1["pending"]), (0, 0, 0))

        log("the liquidation is left out of a block: keeper 0 bumps its fee by RBF")
        wait_until(lambda: liq in n1.getrawmempool(), what="relay")
        fee0 = n0.getmempoolentry(liq)["fees"]["base"]
        n0.prioritisetransaction(liq, 0, -10 ** 8)
        h = n0.generatetoaddress(1, MINER.p2wpkh_address())[0]
        assert_true(liq not in n0.getblock(h)["tx"], "left out")
        wait_for_tip(self.nodes)
        wait_until(lambda: self.keeper(n0)["bumped"] == 1, what="the fee bump")
        bump = self.liquidation_of(n0, A)
        assert_true(bump is not None and bump != liq, "a replacement spends A")
        assert_true(n0.getmempoolentry(bump)["fees"]["base"] > fee0, "it pays more")
        assert_true(liq not in n0.getrawmempool(), "the original is replaced")
        wait_until(lambda: bump in n1.getrawmempool(), what="relay of the replacement")
        self.mine()
        wait_until(lambda: self.keeper(n0)["confirmed"] == 1, what="confirmed")
        info = self.keeper(n0)
        assert_equal((info["sent"], info["lost"], info["pending"], info["husd_spent"]), (1, 0, 0, 800 * HUSD))
        tx = k0.gettransaction(bump)
        assert_true(tx["confirmations"] >= 1, "the replacement confirmed")
        assert_true(info["collateral_gained"] > 0, "collateral gained")
        assert_true(n0.gettxout(A[0], A[1]) is None, "A is spent")
        assert_equal(info["liquidatable"], 1)   # B waits: no HUSD left
        assert_equal(info["vaults_watched"], 3)
        wait_until(lambda: self.log_has(n0, f"liquidation of vault {self.vault_str(A)} confirmed"), what="log")

        log("the race: both wallets get 700 HUSD while the nodes are apart; both keepers liquidate B")
        src.sendtoken(k0.getnewaddress(), 700 * HUSD)
        src.sendtoken(k1.getnewaddress(), 700 * HUSD)
        wait_until(lambda: len(n1.getrawmempool()) == 2, what="relay of the sends")
        n1.setnetworkactive(False)
        wait_until(lambda: n0.getconnectioncount() == 0 and n1.getconnectioncount() == 0, what="apart")
        blk = n0.generatetoaddress(1, MINER.p2wpkh_address())[0]
        self.miner_coins.append((n0.getblock(blk)["tx"][0], 0))
        n1.submitblock(n0.getblock(blk, 0))
        assert_equal(n1.getbestblockhash(), blk)
        wait_until(lambda: self.keeper(n0)["sent"] == 2 and self.keeper(n1)["sent"] == 1, what="both sent")
        l0, l1 = self.liquidation_of(n0, B), self.liquidation_of(n1, B)
        assert_true(l0 and l1 and l0 != l1, "each keeper has its own liquidation of B")
        assert_equal(k1.gettokenbalance("HUSD"), 0)
        win = n0.generatetoaddress(1, MINER.p2wpkh_address())[0]
        self.miner_coins.append((n0.getblock(win)["tx"][0], 0))
        assert_true(l0 in n0.getblock(win)["tx"], "node 0's block has its own")
        n1.setnetworkactive(True)
        connect_nodes(n1, n0)
        wait_for_tip(self.nodes)

        log("exactly one liquidation confirms; the loser's is conflicted, counted lost, its HUSD back")
        wait_until(lambda: self.keeper(n0)["confirmed"] == 2, what="keeper 0 wins")
        wait_until(lambda: self.keeper(n1)["lost"] == 1, what="keeper 1 loses")
        i0, i1 = self.keeper(n0), self.keeper(n1)
        assert_equal((i0["sent"], i0["confirmed"], i0["lost"], i0["husd_spent"]), (2, 2, 0, 1500 * HUSD))
        assert_equal((i1["sent"], i1["confirmed"], i1["lost"], i1["husd_spent"], i1["pending"]), (1, 0, 1, 0, 0))
        assert_true(l1 not in n1.getrawmempool(), "the loser's transaction left the mempool")
        assert_true(k1.gettransaction(l1)["confirmations"] < 0, "conflicted")
        wait_until(lambda: k1.gettokenbalance("HUSD") == 700 * HUSD, what="the loser's HUSD back")
        assert_equal(k0.gettokenbalance("HUSD"), 0)
        wait_until(lambda: self.log_has(n1, "lost: the vault was spent by another transaction"), what="log")
        # C (133 %) and D stay; the supply fell by the two debts
        assert_equal(self.info()["supply"], 800 * HUSD)  # C and D: 600 + 200
        assert_equal((i0["vaults_watched"], i0["liquidatable"]), (2, 0))


if __name__ == "__main__":
    KeeperTest().main()
