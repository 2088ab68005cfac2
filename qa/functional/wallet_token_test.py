#!/usr/bin/env python3
"""HUSD in the wallet, with two real nodes (doc/wallet.md, "Tokens").

- coinbases open two vaults: A owned by node 0's wallet, B by an outside
  key; the oracle (2 of 3) sets 100 HUSD per HMC and the issuer (3 of 5)
  mints 300 HUSD into A, paid to wallet 0, and 60 HUSD per HMC of
  collateral into B, paid to wallet 1, with raw transactions as the issuance tests build them;
- both wallets see their token balance (gettokenbalance, listtokenunspent),
  which never counts as HMC (getbalance, listunspent, HMC sends);
- sendtoken from wallet 0 to wallet 1: token change back to wallet 0, the
  fee from its HMC; balances on both sides before and after mining; the
  transaction's tokens in gettransaction and listtransactions;
- bad input (insufficient tokens -6, bad amounts -3, bad address -5,
  unknown asset -8) writes nothing;
- a restart keeps the balances;
- vaultrepay burns part of A's debt (and refuses dust debt, more than
  the debt, someone else's vault, an immature one);
- after the oracle drops the price (and again once a stale price is
  refused), liquidatevault by wallet 1 takes B:
  its debt burnt from wallet 1's tokens, the owner paid collateral -
  seized, the seized collateral (minus the fee) to wallet 1; a healthy
  vault and a wallet without enough tokens are refused before anything
  is broadcast.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_in, assert_raises_rpc_error,  # noqa: E402
                       assert_true, coins, log, satoshi, sign_with_rpc, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402
from issuance_chain_test import (FEE, HUSD, ISSUER_ADDR, ISSUER_KEYS, ISSUER_WS, ORACLE_ADDR,  # noqa: E402
                                 ORACLE_KEYS, ORACLE_WS)

OWNER_B = Key.from_label("wallet token test owner B")
MINER = Key.from_label("wallet token test miner")


class WalletTokenTest(HashmintTestFramework):
    """wallet_token_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keypool=20"], p2p_listen_args() + ["-keypool=20"]]

    # ---- helpers ----

    def info(self):
        [a] = self.n0.getissuanceinfo()["assets"]
        return a

    def utxo(self, outpoint, **extra):
        txid, vout = outpoint
        o = self.n0.gettxout(txid, vout)
        assert_true(o is not None, f"{txid}:{vout} unspent")
        return dict({"txid": txid, "vout": vout, "amount": o["value"], "scriptPubKey": o["scriptPubKey"]["hex"]},
                    **extra)

    def outpoint(self, s):
        txid, vout = s.split(":")
        return txid, int(vout)

    def mine(self, n=1, node=None):
        node = node or self.n0
        for h in node.generatetoaddress(n, MINER.p2wpkh_address()):
            self.miner_coins.append((node.getblock(h)["tx"][0], 0))
        wait_for_tip(self.nodes)

    def send_raw(self, inputs, outputs, keys, wallet=None):
        """Builds, signs (the wallet first for its inputs, then the keys), sends and mines a raw transaction."""
        raw = self.n0.createrawtransaction([{"txid": i["txid"], "vout": i["vout"]} for i in inputs], outputs)
        if wallet is not None:
            raw = wallet.signrawtransactionwithwallet(raw)["hex"]
        txid = self.n0.sendrawtransaction(sign_with_rpc(self.n0, raw, keys, inputs))
        self.mine()
        assert_equal(self.n0.getrawmempool(), [], "mined")
        return txid

    def set_price(self, price):
        a = self.info()
        oracle = self.utxo(self.outpoint(a["oracle"]["outpoint"]), witnessScript=ORACLE_WS)
        fee = self.utxo(self.miner_coins.pop(0))
        self.send_raw([oracle, fee],
                      [{ORACLE_ADDR: {"kind": "oracle", "price": price, "value": oracle["amount"]}},
                       {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}],
                      ORACLE_KEYS + [MINER])
        assert_equal(self.info()["price"], price)

    def mint(self, vault, owner_addr, debt, token_addr, keys, wallet=None):
        """Mints debt into vault (collateral less the fee), paying the tokens to token_addr."""
        a = self.info()
        issuer = self.utxo(self.outpoint(a["issuer"]["outpoint"]), witnessScript=ISSUER_WS)
        vin = self.utxo(vault)
        collateral = satoshi(vin["amount"]) - FEE
        txid = self.send_raw([vin, issuer],
                             [{owner_addr: {"kind": "vault", "debt": debt, "value": coins(collateral)}},
                              {ISSUER_ADDR: {"kind": "issuer", "flags": 0, "value": issuer["amount"]}},
                              {token_addr: {"kind": "token", "amount": debt}}],
                             keys + ISSUER_KEYS, wallet)
        return (txid, 0), collateral

    def token_balance(self, w):
        return w.gettokenbalance("HUSD")

    # ---- the test ----

    def run_test(self):
        n0, n1 = self.nodes
        self.n0, self.miner_coins = n0, []
        connect_nodes(n1, n0)
        n0.createwallet("w0")
        n1.createwallet("w1")
        w0, w1 = n0.wallet("w0"), n1.wallet("w1")

        log("coinbases open vault A (wallet 0) and vault B (an outside key); everything matures")
        vault_addr = w0.getnewaddress("vault")
        [ha] = n0.generatetovault(1, vault_addr)
        [hb] = n0.generatetovault(1, OWNER_B.p2wpkh_address())
        n0.generatetoaddress(2, w0.getnewaddress())
        vault_a, vault_b = (n0.getblock(ha)["tx"][0], 0), (n0.getblock(hb)["tx"][0], 0)
        self.mine(101)
        subsidy = satoshi(n0.gettxout(vault_a[0], 0)["value"])
        assert_equal(satoshi(w0.getbalance()), 2 * subsidy)
        assert_equal(w0.gettokenbalance(), {"HUSD": 0})
        assert_true(n0.getvault(f"{vault_a[0]}:{vault_a[1]}")["mature"])

        # B's debt: 60 HUSD per HMC of collateral, a ratio of 166 % at 100 HUSD per HMC, 116 % at 70.
        debt_b = subsidy * 60 // 10 ** 8 * HUSD
        log(f"the oracle says 100 HUSD per HMC; the issuer mints 300 HUSD into A and {debt_b // HUSD} HUSD into B")
        self.set_price(100 * HUSD)
        t0 = w0.getnewaddress("tokens")
        t1 = w1.getnewaddress()
        vault_a, coll_a = self.mint(vault_a, vault_addr, 300 * HUSD, t0, [], wallet=w0)
        vault_b, coll_b = self.mint(vault_b, OWNER_B.p2wpkh_address(), debt_b, t1, [OWNER_B])
        assert_equal(self.info()["supply"], 300 * HUSD + debt_b)

        log("each wallet sees its tokens; they are never HMC")
        wait_until(lambda: w1.gettokenbalance("HUSD") == debt_b, what="wallet 1 tokens")
        assert_equal(w0.gettokenbalance(), {"HUSD": 300 * HUSD})
        assert_equal(w0.gettokenbalance("HUSD"), 300 * HUSD)
        asset_id = self.info()["asset_id"]
        assert_equal(w0.gettokenbalance(asset_id), 300 * HUSD)
        [u] = w0.listtokenunspent()
        assert_equal((u["txid"], u["vout"]), (vault_a[0], 2))
        assert_equal((u["address"], u["label"], u["asset"], u["asset_id"]), (t0, "tokens", "HUSD", asset_id))
        assert_equal((u["amount"], u["confirmations"], u["spendable"], u["safe"]), (300 * HUSD, 2, True, True))
        assert_equal(w0.listtokenunspent(3), [])
        assert_equal(w0.listtokenunspent(1, 9999999, [t1]), [])
        assert_equal(len(w0.listtokenunspent(1, 9999999, [t0], "HUSD")), 1)
        for c in w0.listunspent(0):
            assert_true(c["txid"] != vault_a[0], f"no token or vault output among the HMC coins: {c}")
        hmc_before = w0.getbalance()

        log("sendtoken: 100 HUSD to wallet 1, token change back, the fee in HMC")
        txid = w0.sendtoken(t1, 100 * HUSD)
        assert_equal(w0.gettokenbalance("HUSD"), 200 * HUSD)   # our own change counts at once, as in Core
        wait_until(lambda: txid in n1.getrawmempool(), what="relay")
        assert_equal(w1.gettokenbalance("HUSD"), debt_b)  # someone else's unconfirmed payment: not yet
        assert_equal(len(w1.listtokenunspent(0)), 2)
        [change] = w0.listtokenunspent(0)
        assert_equal((change["txid"], change["amount"], change["confirmations"]), (txid, 200 * HUSD, 0))
        assert_true("label" not in change, "token change goes to a change address")
        self.mine()
        assert_equal(w1.gettokenbalance(), {"HUSD": debt_b + 100 * HUSD})
        assert_equal(w0.gettokenbalance("HUSD"), 200 * HUSD)
        fee = hmc_before - w0.getbalance()
        assert_true(0 < fee < 0.001, f"only the fee left the HMC balance: {fee}")
        tx = n0.decoderawtransaction(w0.gettransaction(txid)["hex"])
        amounts = sorted(o["token"]["amount"] for o in tx["vout"] if "token" in o)
        assert_equal(amounts, [100 * HUSD, 200 * HUSD])
        assert_equal(self.info()["supply"], 300 * HUSD + debt_b)

        log("the tokens in gettransaction and listtransactions, on both sides")
        g0, g1 = w0.gettransaction(txid), w1.gettransaction(txid)
        assert_equal(g0["tokens"], [{"asset": "HUSD", "asset_id": asset_id, "amount": -100 * HUSD}])
        assert_equal(g1["tokens"], [{"asset": "HUSD", "asset_id": asset_id, "amount": 100 * HUSD}])
        [send] = [e for e in g0["details"] if e["category"] == "send"]   # the token change is not listed
        assert_equal((send["address"], send["tokens"][0]["amount"]), (t1, -100 * HUSD))
        [recv] = [e for e in w1.listtransactions("*", 100) if e["txid"] == txid]
        assert_equal((recv["category"], recv["address"], recv["amount"]), ("receive", t1, 0))
        assert_equal(recv["tokens"], [{"asset": "HUSD", "asset_id": asset_id, "amount": 100 * HUSD}])
        mint_entry = [e for e in w0.listtransactions("*", 100) if e["txid"] == vault_a[0] and "tokens" in e]
        assert_equal([(e["category"], e["address"], e["tokens"][0]["amount"]) for e in mint_entry],
                     [("receive", t0, 300 * HUSD)])

        log("a reorg makes the payment unconfirmed, and it counts again once mined again")
        tip = n1.getbestblockhash()
        n1.invalidateblock(tip)
        wait_until(lambda: w1.gettransaction(txid)["confirmations"] == 0, what="unconfirmed after the reorg")
        assert_equal(w1.gettokenbalance("HUSD"), debt_b)
        assert_equal(w0.gettokenbalance("HUSD"), 200 * HUSD)  # node 0 never left the block
        n1.reconsiderblock(tip)
        wait_until(lambda: w1.gettokenbalance("HUSD") == debt_b + 100 * HUSD, what="confirmed again")
        wait_for_tip(self.nodes)

        log("bad input: Core's codes, nothing written")
        txs_before = w0.getwalletinfo()["txcount"]
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.sendtoken, t1, 200 * HUSD + 1)
        assert_raises_rpc_error(-3, "Amount out of range", w0.sendtoken, t1, -1)
        assert_raises_rpc_error(-3, "Invalid amount", w0.sendtoken, t1, 0)
        assert_raises_rpc_error(-3, "Invalid amount", w0.sendtoken, t1, 1.5)
        assert_raises_rpc_error(-3, "Invalid amount", w0.sendtoken, t1, "12x")
        assert_raises_rpc_error(-3, "Amount out of range", w0.sendtoken, t1, 2 ** 53 + 1)
        assert_raises_rpc_error(-5, "Invalid hashmint address", w0.sendtoken, "bc1qnotours", 1)
        assert_raises_rpc_error(-8, "Unknown asset", w0.sendtoken, t1, 1, "EUR")
        assert_raises_rpc_error(-8, "Unknown asset", w0.gettokenbalance, "EUR")
        [coin] = w0.listtokenunspent()
        w0.lockunspent(False, [{"txid": coin["txid"], "vout": coin["vout"]}])
        assert_true(w0.listtokenunspent()[0]["locked"])
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.sendtoken, t1, 1)
        w0.lockunspent(True, [{"txid": coin["txid"], "vout": coin["vout"]}])
        assert_equal(w0.getwalletinfo()["txcount"], txs_before)
        assert_equal(w0.gettokenbalance("HUSD"), 200 * HUSD)

        log("HMC sends never spend token outputs")
        w0.sendtoaddress(w1.getnewaddress(), 5)
        self.mine()
        assert_equal(w0.gettokenbalance("HUSD"), 200 * HUSD)

        log("restart: the balances stay")
        n0.stop()
        n0.start(["-wallet=w0"])
        w0 = n0.wallet("w0")
        connect_nodes(n1, n0)
        assert_equal(w0.gettokenbalance(), {"HUSD": 200 * HUSD})
        assert_equal(len(w0.listtokenunspent()), 1)

        log("vaultrepay: 100 HUSD of A's 300 HUSD debt")
        va = f"{vault_a[0]}:{vault_a[1]}"
        assert_raises_rpc_error(-8, "exceeds the vault's debt", w0.vaultrepay, va, 301 * HUSD)
        assert_raises_rpc_error(-8, "below the minimum vault debt", w0.vaultrepay, va, 295 * HUSD)
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.vaultrepay, va, 250 * HUSD)
        assert_raises_rpc_error(-4, "not owned by this wallet", w1.vaultrepay, f"{vault_b[0]}:{vault_b[1]}", HUSD)
        assert_raises_rpc_error(-5, "No unspent vault", w0.vaultrepay, f"{txid}:0", HUSD)
        assert_raises_rpc_error(-8, "Invalid outpoint", w0.vaultrepay, "nope", HUSD)
        r = w0.vaultrepay(va, 100 * HUSD)
        assert_equal(r["debt"], 200 * HUSD)
        self.mine()
        v = n0.getvault(r["vault"])
        assert_equal((v["debt"], v["collateral"]), (200 * HUSD, coll_a))
        assert_equal(w0.gettokenbalance("HUSD"), 100 * HUSD)
        assert_equal(self.info()["supply"], 200 * HUSD + debt_b)
        vault_a = self.outpoint(r["vault"])

        log("liquidation: refused while B is healthy, done by wallet 1 once the price falls")
        vb = f"{vault_b[0]}:{vault_b[1]}"
        assert_raises_rpc_error(-4, "not below the liquidation ratio", w1.liquidatevault, vb)
        self.set_price(70 * HUSD)   # B: 116 % < 120 %
        assert_true(n0.getvault(vb)["liquidatable"])
        assert_raises_rpc_error(-4, "not below the liquidation ratio", w1.liquidatevault, r["vault"])
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.liquidatevault, vb)
        self.mine(30)               # the price is now 31 blocks old for the next block: stale
        assert_raises_rpc_error(-4, "price is stale", w1.liquidatevault, vb)
        self.set_price(70 * HUSD)
        seized_expected = n0.getvault(vb)["seized"]
        hmc1 = w1.getbalance()
        txs1 = w1.getwalletinfo()["txcount"]
        res = w1.liquidatevault(vb)
        assert_equal(res["seized"], seized_expected)
        assert_equal(w1.getwalletinfo()["txcount"], txs1 + 1)
        wait_until(lambda: res["txid"] in n0.getrawmempool(), what="relay of the liquidation")
        self.mine()
        assert_raises_rpc_error(-5, "No unspent vault", n0.getvault, vb)
        ltx = n1.decoderawtransaction(w1.gettransaction(res["txid"])["hex"])
        assert_equal(ltx["vout"][0]["scriptPubKey"]["address"], OWNER_B.p2wpkh_address())
        assert_equal(satoshi(ltx["vout"][0]["value"]), coll_b - seized_expected)
        assert_equal(w1.gettokenbalance("HUSD"), 100 * HUSD)
        got = satoshi(w1.getbalance()) - satoshi(hmc1)
        assert_equal(got, seized_expected - res["fee"])
        assert_equal(self.info()["supply"], 200 * HUSD)
        assert_true(n0.auditreserves()["ok"])

        log("a vault a coinbase just opened is refused as immature")
        [h] = n0.generatetovault(1, vault_addr)
        wait_until(lambda: w0.gettransaction(n0.getblock(h)["tx"][0])["confirmations"] == 1, what="new vault")
        assert_raises_rpc_error(-4, "Vault is immature", w0.vaultrepay, f"{n0.getblock(h)['tx'][0]}:0", HUSD)


if __name__ == "__main__":
    WalletTokenTest().main()
