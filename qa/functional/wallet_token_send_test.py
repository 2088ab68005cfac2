#!/usr/bin/env python3
"""Token payments through `send` and `walletcreatefundedpsbt` (doc/wallet.md,
"Tokens in send and walletcreatefundedpsbt"), with two real nodes.

- the issuer mints 300 HUSD into a vault of wallet 0, paid to wallet 0
  (raw transactions, as wallet_token_test);
- send with options {"asset": "HUSD"} builds what sendtoken builds: the
  token payment(s) in order, token change to a change address, the fee from
  HMC coins, HMC change last; the same output shape as a sendtoken of the
  same amount; two recipients in one transaction;
- walletcreatefundedpsbt with options {"asset": "HUSD"}: the same unsigned
  transaction as a PSBT; walletprocesspsbt (sign=false), then
  walletprocesspsbt signs, finalizepsbt + sendrawtransaction broadcast it;
  wallet 1 receives the tokens once mined;
- refusals: insufficient tokens (-6), fractional amounts (-3), unknown asset
  (-8), an unexpected option (-3), token options that make no sense (-8);
  nothing is written;
- bumpfee of a sendtoken: the same inputs and token outputs, the HMC change
  pays the higher fee;
- send without an asset pays HMC (Core's send).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (assert_equal, assert_in, assert_raises_rpc_error, assert_true, log, satoshi,  # noqa: E402
                       wait_until)
from p2p_util import connect_nodes, wait_for_tip  # noqa: E402
from issuance_chain_test import HUSD  # noqa: E402
from wallet_token_test import WalletTokenTest  # noqa: E402


def token_outputs(node, hexstr):
    """[(kind, amount, address)] of a transaction's token outputs, in order."""
    tx = node.decoderawtransaction(hexstr)
    return [(o["token"]["kind"], o["token"]["amount"], o["scriptPubKey"].get("address")) for o in tx["vout"]
            if "token" in o]


class WalletTokenSendTest(WalletTokenTest):
    """wallet_token_send_test"""

    def run_test(self):
        n0, n1 = self.nodes
        self.n0, self.miner_coins = n0, []
        connect_nodes(n1, n0)
        n0.createwallet("w0")
        n1.createwallet("w1")
        w0, w1 = n0.wallet("w0"), n1.wallet("w1")

        log("a vault of wallet 0; the issuer mints 300 HUSD into it, paid to wallet 0")
        vault_addr = w0.getnewaddress("vault")
        [ha] = n0.generatetovault(1, vault_addr)
        n0.generatetoaddress(2, w0.getnewaddress())
        vault_a = (n0.getblock(ha)["tx"][0], 0)
        self.mine(101)
        self.set_price(100 * HUSD)
        t0 = w0.getnewaddress("tokens")
        self.mint(vault_a, vault_addr, 300 * HUSD, t0, [], wallet=w0)
        assert_equal(w0.gettokenbalance("HUSD"), 300 * HUSD)
        t1, t2 = w1.getnewaddress(), w1.getnewaddress()

        log("send with options.asset builds sendtoken's transaction")
        ref = w0.sendtoken(t1, 10 * HUSD)
        self.mine()
        res = w0.send({t1: 10 * HUSD}, None, None, None, {"asset": "HUSD"})
        assert_equal(sorted(res.keys()), ["complete", "txid"])
        assert_true(res["complete"])
        assert_in(res["txid"], n0.getrawmempool())
        hex_ref, hex_send = w0.gettransaction(ref)["hex"], w0.gettransaction(res["txid"])["hex"]
        # same shape: the payment, then token change (290 after the first 10, 280 after this one)
        assert_equal([(k, a) for k, a, _ in token_outputs(n0, hex_ref)], [("token", 10 * HUSD), ("token", 290 * HUSD)])
        assert_equal([(k, a) for k, a, _ in token_outputs(n0, hex_send)], [("token", 10 * HUSD), ("token", 280 * HUSD)])
        assert_equal(token_outputs(n0, hex_send)[0][2], t1)
        change = token_outputs(n0, hex_send)[1][2]
        assert_true(w0.getaddressinfo(change)["ischange"], "token change to a change address")
        for h in (hex_ref, hex_send):
            vout = n0.decoderawtransaction(h)["vout"]
            assert_equal(len(vout), 3)  # recipient, token change, HMC change last
            assert_true("token" not in vout[2] and w0.getaddressinfo(vout[2]["scriptPubKey"]["address"])["ischange"])
        assert_equal(w0.gettokenbalance("HUSD"), 280 * HUSD)
        self.mine()

        log("two recipients in one send, array form, explicit fee rate")
        res = w0.send([{t1: 5 * HUSD}, {t2: 7 * HUSD}], None, None, 3, {"asset": "HUSD"})
        outs = token_outputs(n0, w0.gettransaction(res["txid"])["hex"])
        assert_equal([(a, addr) for _, a, addr in outs[:2]], [(5 * HUSD, t1), (7 * HUSD, t2)])
        assert_equal(outs[2][1], 268 * HUSD)
        entry = n0.getmempoolentry(res["txid"])
        paid = satoshi(entry["fees"]["base"])
        assert_true(3 * entry["vsize"] <= paid <= 3 * entry["vsize"] + 30, entry)  # sized for the largest signatures
        self.mine()

        log("walletcreatefundedpsbt with options.asset, then sign, finalize, broadcast")
        wait_for_tip(self.nodes)
        w1_before = w1.gettokenbalance("HUSD")
        funded = w0.walletcreatefundedpsbt([], [{t1: 30 * HUSD}], 0, {"asset": "HUSD"})
        assert_equal(sorted(funded.keys()), ["changepos", "fee", "psbt"])
        dec = n0.decodepsbt(funded["psbt"])
        vout = dec["tx"]["vout"]
        assert_equal([o["token"]["amount"] for o in vout if "token" in o], [30 * HUSD, 238 * HUSD])
        assert_equal(vout[0]["scriptPubKey"]["address"], t1)
        assert_equal(funded["changepos"], len(vout) - 1)
        assert_true(all("witness_utxo" in i for i in dec["inputs"]), "the wallet filled every input's UTXO")
        unsigned = w0.walletprocesspsbt(funded["psbt"], False)
        assert_equal(unsigned["complete"], False)
        signed = w0.walletprocesspsbt(unsigned["psbt"])
        assert_true(signed["complete"])
        fin = n0.finalizepsbt(signed["psbt"])
        assert_true(fin["complete"])
        assert_equal(fin["hex"], signed["hex"])
        txid = n0.sendrawtransaction(fin["hex"])
        self.mine()
        wait_until(lambda: w1.gettokenbalance("HUSD") == w1_before + 30 * HUSD, what="wallet 1 tokens")
        assert_equal(w0.gettokenbalance("HUSD"), 238 * HUSD)
        assert_equal(w0.gettransaction(txid)["tokens"][0]["amount"], -30 * HUSD)

        log("bumpfee of a token spend: the HMC change pays, the token outputs stay exact")
        orig = w0.sendtoken(t1, HUSD)
        wait_until(lambda: orig in n1.getrawmempool(), what="relay")
        before = n0.decoderawtransaction(w0.gettransaction(orig)["hex"])
        bumped = w0.bumpfee(orig)
        assert_true(bumped["fee"] > bumped["origfee"], bumped)
        after = n0.decoderawtransaction(w0.gettransaction(bumped["txid"])["hex"])
        assert_equal(n0.getrawmempool(), [bumped["txid"]])
        assert_equal([(o["scriptPubKey"]["hex"], o["token"]) for o in after["vout"] if "token" in o],
                     [(o["scriptPubKey"]["hex"], o["token"]) for o in before["vout"] if "token" in o])
        assert_equal([i["txid"] + str(i["vout"]) for i in after["vin"]], [i["txid"] + str(i["vout"]) for i in before["vin"]])
        [hmc_before] = [o for o in before["vout"] if "token" not in o]
        [hmc_after] = [o for o in after["vout"] if "token" not in o]
        assert_equal(hmc_after["scriptPubKey"]["hex"], hmc_before["scriptPubKey"]["hex"])
        assert_equal(satoshi(hmc_before["value"]) - satoshi(hmc_after["value"]),
                     satoshi(bumped["fee"]) - satoshi(bumped["origfee"]))
        self.mine()
        wait_until(lambda: w1.gettokenbalance("HUSD") == w1_before + 31 * HUSD, what="the bumped payment")
        assert_equal(w0.gettokenbalance("HUSD"), 237 * HUSD)

        log("refusals write nothing")
        txs_before = w0.getwalletinfo()["txcount"]
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.send, {t1: 237 * HUSD + 1}, None, None, None,
                                {"asset": "HUSD"})
        assert_raises_rpc_error(-6, "Insufficient token funds", w0.walletcreatefundedpsbt, [], [{t1: 238 * HUSD}], 0,
                                {"asset": "HUSD"})
        assert_raises_rpc_error(-3, "Invalid amount", w0.send, {t1: 1.5}, None, None, None, {"asset": "HUSD"})
        assert_raises_rpc_error(-8, "Unknown asset", w0.send, {t1: 1}, None, None, None, {"asset": "EUR"})
        assert_raises_rpc_error(-3, "Unexpected key tokens", w0.send, {t1: 1}, None, None, None, {"tokens": 1})
        assert_raises_rpc_error(-8, "not for token payments", w0.walletcreatefundedpsbt, [], [{t1: 1}], 0,
                                {"asset": "HUSD", "subtractFeeFromOutputs": [0]})
        assert_raises_rpc_error(-5, "Invalid hashmint address", w0.send, {"nope": 1}, None, None, None,
                                {"asset": "HUSD"})
        assert_equal(w0.getwalletinfo()["txcount"], txs_before)
        assert_equal(w0.gettokenbalance("HUSD"), 237 * HUSD)

        log("send without an asset pays HMC")
        hmc = w1.getnewaddress()
        res = w0.send({hmc: 1.5})
        assert_true(res["complete"])
        wait_until(lambda: res["txid"] in n1.getrawmempool(), what="relay")
        self.mine()
        assert_equal(w1.getreceivedbyaddress(hmc), 1.5)
        assert_equal(w0.gettokenbalance("HUSD"), 237 * HUSD)

        log("hashmint-cli send: outputs, fee_rate and options go as JSON")
        rc, out, err = n0.cli("-rpcwallet=w0", "-named", "send", "outputs=" + json.dumps({t2: 2 * HUSD}),
                              "fee_rate=2", "options=" + json.dumps({"asset": "HUSD"}))
        assert_equal(rc, 0, err)
        res = json.loads(out)
        assert_true(res["complete"])
        self.mine()
        assert_equal(w0.gettokenbalance("HUSD"), 235 * HUSD)


if __name__ == "__main__":
    WalletTokenSendTest().main()
