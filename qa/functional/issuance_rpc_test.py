#!/usr/bin/env python3
"""The issuance RPCs and the ZMQ issuance topic (doc/issuance.md "RPCs",
doc/zmq.md "The issuance topic").

One node with -zmqpubissuance (and -zmqpubsequence on the same address):
- getissuanceinfo from genesis (HUSD, price, scripts, parameters), after two
  vaults are opened by generatetovault, after an oracle update (2-of-3) and a
  mint (3-of-5), after a price fall and a liquidation;
- getvault: every field (ratio, liquidatable, seized, mature before and
  after maturity), -8 for malformed outpoints, -5 for unknown, spent or
  non-vault outputs;
- listvaults: order, asset, count/skip, minratio/maxratio at the exact
  boundary, bad arguments;
- auditreserves: clean (token sum = debt sum = supply) at every step;
- getreserves: the block's HMRS output (tip and an older block), restored by
  a reorg; getreserveproof verified by verifyreserveproof and offline by
  hashmint-util with a headers file; a vault opened by the tip's own
  coinbase is proved from the next block; errors -5 / -8;
- auditreserves with the tree's sums;
- verifyreserveproof: bad hex (-8), undecodable bytes (valid false);
- the issuance topic: vault_open x2, oracle_update, mint, oracle_update,
  liquidation as they are connected, their exact reversal (reverse order,
  connected false) through invalidateblock, and again on reconsiderblock;
  getissuanceinfo returns exactly to its earlier answers.
"""
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framework  # noqa: E402
from framework import (ADDRESS_UNSPENDABLE, HashmintTestFramework, Key, ZMQSubscriber,  # noqa: E402
                       assert_equal, assert_raises_rpc_error, assert_true, coins, free_port, log, p2wsh_script,
                       satoshi, sign_with_rpc, wait_until)
from issuance_chain_test import (FEE, HUSD, ISSUER_ADDR, ISSUER_KEYS, ISSUER_WS, ORACLE_ADDR,  # noqa: E402
                                 ORACLE_KEYS, ORACLE_WS, seized)

OWNER_A = Key.from_label("issuance rpc owner a")
OWNER_B = Key.from_label("issuance rpc owner b")
MINER = Key.from_label("issuance rpc miner")
LIQUIDATOR = Key.from_label("issuance rpc liquidator")


def ratio_pct(collateral, price, debt):
    """doc/issuance.md "RPCs": floor(collateral * price * 100 / (1e8 * debt)); None for debt 0."""
    return None if debt == 0 else collateral * price * 100 // (10**8 * debt)


def op(txid, n):
    return f"{txid}:{n}"


class IssuanceRPCTest(HashmintTestFramework):
    """issuance_rpc_test"""

    def set_test_params(self):
        self.addr = f"tcp://127.0.0.1:{free_port()}"
        self.extra_args = [[f"-zmqpubissuance={self.addr}", f"-zmqpubsequence={self.addr}"]]

    # ---- helpers ----

    def info(self):
        return self.node.getissuanceinfo()["assets"][0]

    def utxo(self, txid, vout, ws=None):
        o = self.node.gettxout(txid, vout)
        assert_true(o is not None, f"{txid}:{vout} unspent")
        u = {"txid": txid, "vout": vout, "amount": o["value"], "scriptPubKey": o["scriptPubKey"]["hex"]}
        if ws:
            u["witnessScript"] = ws
        return u

    def fee_coin(self):
        c = self.fee_coins.pop(0)
        return self.utxo(c, 0)

    def send(self, raw, keys, prev):
        return self.node.sendrawtransaction(sign_with_rpc(self.node, raw, keys, prev))

    def mine(self):
        [h] = self.node.generatetoaddress(1, ADDRESS_UNSPENDABLE)
        return h

    def oracle_update(self, price):
        o = self.info()["oracle"]["outpoint"].split(":")
        oracle = self.utxo(o[0], int(o[1]), ORACLE_WS)
        fee = self.fee_coin()
        raw = self.node.createrawtransaction(
            [{"txid": oracle["txid"], "vout": oracle["vout"]}, {"txid": fee["txid"], "vout": 0}],
            [{ORACLE_ADDR: {"kind": "oracle", "price": price, "value": oracle["amount"]}},
             {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}])
        txid = self.send(raw, ORACLE_KEYS + [MINER], [oracle, fee])
        return txid, self.mine()

    def audit_clean(self, supply):
        a = self.node.auditreserves()
        assert_equal(a["ok"], True, f"audit clean: {a}")
        assert_equal(a["mismatches"], [])
        x = a["assets"][0]
        assert_equal((x["supply"], x["token_sum"], x["debt_sum"], x["ok"]), (supply, supply, supply, True))
        return x

    def sync_zmq(self):
        """PUB/SUB's slow joiner: mine until the subscription receives, then
        read up to a fence block's sequence C."""
        node = self.node
        wait_until(lambda: node.generatetoaddress(1, ADDRESS_UNSPENDABLE) and self.sub.poll(0.5), timeout=120,
                   interval=0, what="ZMQ subscription active")
        self.fence()

    def fence(self):
        """Mines a block without issuance transactions and returns the issuance
        messages received before its sequence C (nothing must be pending)."""
        h = self.mine()
        out = []
        for t, body, _ in self.sub.receive_until(
                lambda m: bool(m) and m[-1][0] == "sequence" and m[-1][1][:33].hex() == h + "43"):
            if t == "issuance":
                out.append(json.loads(body))
        return out

    def events(self, n):
        """The next n issuance messages (sequence messages between them skipped)."""
        out = []
        while len(out) < n:
            t, body, _ = self.sub.receive()
            if t == "issuance":
                out.append(json.loads(body))
        return out

    def expect(self, got, want):
        """want: (event, connected, txid, height, extra fields)."""
        assert_equal(len(got), len(want), f"issuance messages: {[g['event'] for g in got]}")
        for g, (ev, conn, txid, height, extra) in zip(got, want):
            assert_equal((g["event"], g["connected"], g["txid"], g["height"]), (ev, conn, txid, height))
            assert_equal(g["asset"], "HUSD")
            assert_equal(g["asset_id"], self.asset_id)
            assert_equal(g["blockhash"], self.node.getblockhash(height) if conn else g["blockhash"])
            for k, v in extra.items():
                assert_equal(g[k], v, f"{ev}.{k}")

    # ---- the test ----

    def run_test(self):
        node = self.node = self.nodes[0]
        self.sub = ZMQSubscriber(self.addr, ["issuance", "sequence"])
        self.sync_zmq()

        # getissuanceinfo from genesis.
        gi = node.getissuanceinfo()
        assert_equal(gi["height"], node.getblockcount())
        assert_equal(gi["bestblock"], node.getbestblockhash())
        a = gi["assets"][0]
        self.asset_id = a["asset_id"]
        assert_equal((a["ticker"], a["decimals"], a["supply"], a["total_debt"], a["total_collateral"],
                      a["vault_count"]), ("HUSD", 8, 0, 0, 0, 0))
        assert_equal((a["price"], a["price_height"], a["paused"], a["breaker_active"], a["breaker_until"]),
                     (100 * HUSD, 0, False, False, 0))
        assert_equal(a["issuer"]["script"], p2wsh_script(bytes.fromhex(ISSUER_WS)).hex())
        assert_equal(a["oracle"]["script"], p2wsh_script(bytes.fromhex(ORACLE_WS)).hex())
        assert_equal(a["issuer"]["flags"], 0)
        assert_equal(a["parameters"], {"min_collateral_ratio_pct": 150, "liquidation_ratio_pct": 120,
                                       "liquidation_bonus_pct": 10, "max_price_age": 30, "breaker_drop_pct": 20,
                                       "breaker_window": 30, "breaker_pause": 60,
                                       "debt_ceiling": 5_000_000_000_000_000, "min_vault_debt": 10 * HUSD})
        assert_equal(len(a["issuer"]["outpoint"].split(":")), 2)
        self.audit_clean(0)
        assert_equal(node.listvaults(), [])
        log("getissuanceinfo at the start")

        # Two vaults opened by coinbases: two vault_open messages.
        [h1] = node.generatetovault(1, OWNER_A.p2wpkh_address())
        [h2] = node.generatetovault(1, OWNER_B.p2wpkh_address())
        cb_a, cb_b = node.getblock(h1)["tx"][0], node.getblock(h2)["tx"][0]
        va, vb = op(cb_a, 0), op(cb_b, 0)
        coll_a = satoshi(node.gettxout(cb_a, 0)["value"])
        coll_b = satoshi(node.gettxout(cb_b, 0)["value"])
        hh1, hh2 = node.getblock(h1)["height"], node.getblock(h2)["height"]
        self.expect(self.events(2), [
            ("vault_open", True, cb_a, hh1, {"vault": va, "collateral": coll_a, "debt": 0,
                                             "owner_script": OWNER_A.p2wpkh_script().hex()}),
            ("vault_open", True, cb_b, hh2, {"vault": vb, "collateral": coll_b, "debt": 0})])
        v = node.getvault(va)
        assert_equal(v, {"outpoint": va, "asset": "HUSD", "asset_id": self.asset_id, "collateral": coll_a,
                         "debt": 0, "ratio": None, "liquidatable": False, "height": hh1, "confirmations": 2,
                         "coinbase": True, "mature": False, "owner_script": OWNER_A.p2wpkh_script().hex()})
        a = self.info()
        assert_equal((a["vault_count"], a["total_collateral"], a["total_debt"]), (2, coll_a + coll_b, 0))

        # Errors.
        for bad in ["", "nonsense", cb_a, cb_a + ":", cb_a + ":-1", cb_a + ":4294967296", cb_a + ":1x",
                    cb_a[1:] + ":0", "zz" + cb_a[2:] + ":0", cb_a + ": 0"]:
            assert_raises_rpc_error(-8, "Invalid outpoint", node.getvault, bad)
        assert_raises_rpc_error(-3, None, node.getvault, 5)
        assert_raises_rpc_error(-5, "No unspent vault", node.getvault, op(cb_a, 7))
        assert_raises_rpc_error(-5, "No unspent vault", node.getvault, op("00" * 32, 0))
        miner_cb = node.getblock(node.getblockhash(1))["tx"][0]
        assert_raises_rpc_error(-5, "No unspent vault", node.getvault, op(miner_cb, 0))  # not a vault
        assert_raises_rpc_error(-8, "Unknown asset", node.listvaults, "XYZ")
        assert_raises_rpc_error(-8, "minratio is above maxratio", node.listvaults, None, 100, 0, 200, 100)
        assert_raises_rpc_error(-8, "count must be", node.listvaults, None, -1)
        assert_raises_rpc_error(-8, "count must be", node.listvaults, None, 100001)
        assert_raises_rpc_error(-1, "JSON integer out of range", node.listvaults, None, 1.5)
        assert_raises_rpc_error(-8, "Negative skip", node.listvaults, None, 100, -1)
        assert_raises_rpc_error(-8, "Negative ratio", node.listvaults, None, 100, 0, -1)
        assert_raises_rpc_error(-3, None, node.listvaults, 5)
        log("getvault before maturity; -8 for malformed outpoints, -5 for unknown or non-vault ones")

        # Mature the vaults; miner coinbases pay the fees.
        hs = node.generatetoaddress(100, MINER.p2wpkh_address())
        self.fee_coins = [node.getblock(h)["tx"][0] for h in hs]
        assert_equal(node.getvault(va)["mature"], True)
        assert_equal(self.fence(), [])

        # Oracle update 2-of-3.
        o_txid, h_o1 = self.oracle_update(100 * HUSD)
        ho1 = node.getblock(h_o1)["height"]
        self.expect(self.events(1), [("oracle_update", True, o_txid, ho1,
                                      {"oracle": op(o_txid, 0), "price": 100 * HUSD})])
        a = self.info()
        assert_equal((a["price_height"], a["price_fresh"], a["oracle"]["outpoint"]), (ho1, True, op(o_txid, 0)))
        before_mint = node.getissuanceinfo()

        # Mint 300 HUSD on vault A, 3-of-5.
        iss = self.info()["issuer"]["outpoint"].split(":")
        issuer = self.utxo(iss[0], int(iss[1]), ISSUER_WS)
        vin = self.utxo(cb_a, 0)
        debt = 300 * HUSD
        coll_a2 = coll_a - FEE
        raw = node.createrawtransaction(
            [{"txid": cb_a, "vout": 0}, {"txid": issuer["txid"], "vout": issuer["vout"]}],
            [{OWNER_A.p2wpkh_address(): {"kind": "vault", "debt": debt, "value": coins(coll_a2)}},
             {ISSUER_ADDR: {"kind": "issuer", "flags": 0, "value": issuer["amount"]}},
             {LIQUIDATOR.p2wpkh_address(): {"kind": "token", "amount": debt}}])
        mint = self.send(raw, [OWNER_A] + ISSUER_KEYS, [vin, issuer])
        h_mint = self.mine()
        hm = node.getblock(h_mint)["height"]
        # The fee comes out of the vault: a withdraw, then the mint, then the ISSUER output it recreated.
        self.expect(self.events(3), [("withdraw", True, mint, hm, {
            "vault_in": va, "vault_in_collateral": coll_a, "vault_out_collateral": coll_a2, "vault_out_debt": debt}),
                                     ("mint", True, mint, hm, {
            "amount": debt, "vault_in": va, "vault_in_collateral": coll_a, "vault_in_debt": 0,
            "vault_out": op(mint, 0), "vault_out_collateral": coll_a2, "vault_out_debt": debt}),
                                     ("issuer_update", True, mint, hm, {"issuer": op(mint, 1), "flags": 0,
                                                                        "paused": False})])
        va = op(mint, 0)
        a = self.info()
        assert_equal((a["supply"], a["total_debt"], a["total_collateral"], a["vault_count"]),
                     (debt, debt, coll_a2 + coll_b, 2))
        x = self.audit_clean(debt)
        assert_equal((x["token_outputs"], x["vault_count"], x["collateral_sum"]), (1, 2, coll_a2 + coll_b))
        log("oracle update and mint: issuance messages, getissuanceinfo and a clean audit")

        # getvault / listvaults with ratios.
        r_a = ratio_pct(coll_a2, 100 * HUSD, debt)
        v = node.getvault(va)
        assert_equal((v["debt"], v["collateral"], v["ratio"], v["liquidatable"], v["coinbase"], v["mature"]),
                     (debt, coll_a2, r_a, False, False, True))
        assert_true("seized" not in v, "no seized for a healthy vault")
        vb_obj = node.getvault(vb)
        assert_equal([x["outpoint"] for x in node.listvaults()], [va, vb], "lowest ratio first, debt-free last")
        assert_equal(node.listvaults()[0], v)
        assert_equal(node.listvaults()[1], vb_obj)
        assert_equal([x["outpoint"] for x in node.listvaults("HUSD", 1)], [va])
        assert_equal([x["outpoint"] for x in node.listvaults(self.asset_id, 1, 1)], [vb])
        assert_equal(node.listvaults(None, 0), [])
        assert_equal(node.listvaults(None, 100, 2), [])
        assert_equal([x["outpoint"] for x in node.listvaults(None, 100, 0, r_a, r_a)], [va])
        assert_equal([x["outpoint"] for x in node.listvaults(None, 100, 0, r_a + 1)], [vb])
        assert_equal([x["outpoint"] for x in node.listvaults(None, 100, 0, None, r_a)], [va])
        assert_equal(node.listvaults(None, 100, 0, None, r_a - 1), [])
        assert_equal(node.listvaults(None, 100, 0, 0, r_a - 1), [])
        log(f"getvault and listvaults: ratio {r_a} %, filters exact at the boundary")

        # The price falls to 35 HUSD/HMC: vault A is liquidatable, the breaker trips.
        o2_txid, h_o2 = self.oracle_update(35 * HUSD)
        ho2 = node.getblock(h_o2)["height"]
        self.expect(self.events(1), [("oracle_update", True, o2_txid, ho2, {"price": 35 * HUSD})])
        v = node.getvault(va)
        assert_equal((v["ratio"], v["liquidatable"], v["seized"]),
                     (ratio_pct(coll_a2, 35 * HUSD, debt), True, seized(coll_a2, debt, 35 * HUSD)))
        assert_true(v["ratio"] < 120)
        a = self.info()
        assert_equal((a["breaker_active"], a["breaker_until"]), (True, ho2 + 60))
        assert_equal([x["outpoint"] for x in node.listvaults(None, 100, 0, None, 119)], [va])

        # Liquidation by a third party holding the tokens (the vault input unsigned: the liquidation path).
        owed = coll_a2 - seized(coll_a2, debt, 35 * HUSD)
        tok = self.utxo(mint, 2)
        fee = self.fee_coin()
        vin = self.utxo(mint, 0)
        raw = node.createrawtransaction(
            [{"txid": mint, "vout": 0}, {"txid": mint, "vout": 2}, {"txid": fee["txid"], "vout": 0}],
            [{OWNER_A.p2wpkh_address(): coins(owed)},
             {MINER.p2wpkh_address(): coins(coll_a2 - owed + satoshi(fee["amount"]) - FEE)}])
        r = node.signrawtransactionwithkey(raw, [LIQUIDATOR.wif(), MINER.wif()], [vin, tok, fee])
        liq = node.sendrawtransaction(r["hex"])
        h_liq = self.mine()
        hl = node.getblock(h_liq)["height"]
        self.expect(self.events(1), [("liquidation", True, liq, hl, {
            "vault_in": va, "vault_in_collateral": coll_a2, "vault_in_debt": debt,
            "seized": seized(coll_a2, debt, 35 * HUSD)})])
        assert_raises_rpc_error(-5, "No unspent vault", node.getvault, va)
        a = self.info()
        assert_equal((a["supply"], a["total_debt"], a["vault_count"]), (0, 0, 1))
        self.audit_clean(0)
        final = node.getissuanceinfo()
        log("price fall: liquidatable with the exact seized amount; liquidation message; audit clean")

        # A reorganisation across the mint and the liquidation: the exact reversal, then again.
        node.invalidateblock(h_mint)
        got = self.events(5)
        self.expect(got, [("liquidation", False, liq, hl, {"vault_in": va, "seized": seized(coll_a2, debt,
                                                                                            35 * HUSD)}),
                          ("oracle_update", False, o2_txid, ho2, {"price": 35 * HUSD}),
                          ("issuer_update", False, mint, hm, {"issuer": op(mint, 1)}),
                          ("mint", False, mint, hm, {"amount": debt}),
                          ("withdraw", False, mint, hm, {"vault_out": va})])
        assert_equal([g["blockhash"] for g in got], [h_liq, h_o2, h_mint, h_mint, h_mint])
        assert_equal(node.getissuanceinfo(), before_mint, "getissuanceinfo as before the mint")
        self.audit_clean(0)
        assert_equal(sorted(x["outpoint"] for x in node.listvaults()), sorted([op(cb_a, 0), vb]))
        node.reconsiderblock(h_mint)
        self.expect(self.events(5), [("withdraw", True, mint, hm, {}), ("mint", True, mint, hm, {"amount": debt}),
                                     ("issuer_update", True, mint, hm, {}),
                                     ("oracle_update", True, o2_txid, ho2, {}),
                                     ("liquidation", True, liq, hl, {})])
        assert_equal(node.getissuanceinfo(), final, "getissuanceinfo after reconsiderblock")
        self.audit_clean(0)
        assert_equal(self.fence(), [], "no other issuance message")
        log("invalidateblock/reconsiderblock: the reversal in reverse order, then the same messages again")

        # Reserve RPCs: getreserves equals the HMRS output of the block, at the tip and at an older block.
        def hmrs(h):
            cb = node.getblock(h, 2)["tx"][0]
            outs = [o["scriptPubKey"]["hex"] for o in cb["vout"]
                    if o["scriptPubKey"]["hex"].startswith("6a34484d5253")]
            assert_equal(len(outs), 1, "one HMRS output")
            return outs[0]
        tip = node.getbestblockhash()
        r = node.getreserves()
        assert_equal((r["blockhash"], r["height"]), (tip, node.getblockcount()))
        assert_equal(r["commitment"], hmrs(tip))
        assert_equal((r["vault_count"], r["total_debt"], r["total_collateral"]), (1, 0, coll_b))
        r_mint = node.getreserves(h_mint)
        assert_equal(r_mint["commitment"], hmrs(h_mint))
        assert_equal((r_mint["vault_count"], r_mint["total_debt"], r_mint["total_collateral"]),
                     (2, debt, coll_a2 + coll_b))
        assert_raises_rpc_error(-5, "Block not found", node.getreserves, "00" * 32)
        assert_raises_rpc_error(-8, None, node.getreserves, "xyz")
        # A proof of vault A in the mint's block, and of B at the tip.
        proof = node.getreserveproof(va, h_mint)
        v = node.verifyreserveproof(proof)
        assert_equal((v["valid"], v["txid"], v["vout"], v["collateral"], v["debt"], v["blockhash"], v["height"],
                      v["vault_count"], v["total_debt"]), (True, mint, 0, coll_a2, debt, h_mint, hm, 2, debt))
        assert_equal(v["root"], r_mint["root"])
        assert_equal(v["confirmations"], node.getblockcount() - hm + 1)
        pb = node.verifyreserveproof(node.getreserveproof(vb))
        assert_equal((pb["valid"], pb["blockhash"], pb["debt"]), (True, tip, 0))
        assert_raises_rpc_error(-5, "Vault not in the reserve tree", node.getreserveproof, va)  # liquidated
        assert_raises_rpc_error(-8, "Invalid outpoint", node.getreserveproof, "x")
        # A vault opened by the tip's own coinbase joins the next block's tree.
        [hv] = node.generatetovault(1, OWNER_B.p2wpkh_address())
        vc = op(node.getblock(hv)["tx"][0], 0)
        assert_raises_rpc_error(-5, "Vault not in the reserve tree", node.getreserveproof, vc)
        h_next = self.mine()
        proof_c = node.getreserveproof(vc)
        assert_equal(node.verifyreserveproof(proof_c)["blockhash"], h_next)
        self.expect(self.events(1), [("vault_open", True, node.getblock(hv)["tx"][0],
                                      node.getblock(hv)["height"], {"vault": vc})])
        # Offline, with the chain's headers: hashmint-util agrees with the RPC.
        headers = os.path.join(self.tmpdir, "headers.bin")
        with open(headers, "wb") as f:
            for i in range(node.getblockcount() + 1):
                f.write(bytes.fromhex(node.getblockheader(node.getblockhash(i), False)))
        p = subprocess.run([os.path.join(framework.BUILDDIR, "hashmint-util"), "verifyreserveproof",
                            "--chain=regtest", f"--headers={headers}", proof], stdout=subprocess.PIPE)
        assert_equal(p.returncode, 0)
        off = json.loads(p.stdout)
        assert_equal({k: off[k] for k in v if k != "confirmations"}, {k: v[k] for k in v if k != "confirmations"})
        # A reorg restores getreserves exactly.
        before = node.getreserves()
        node.invalidateblock(h_next)
        assert_equal(node.getreserves()["vault_count"], 1)
        r = node.verifyreserveproof(proof_c)
        assert_equal((r["valid"], r["error"]), (False, "bad-reserve-proof-not-in-chain"), "a proof off the active chain")
        node.reconsiderblock(h_next)
        assert_equal(node.getreserves(), before)
        # Audit with the tree.
        a = node.auditreserves()
        assert_equal(a["ok"], True)
        log("getreserves = the block's HMRS output; getreserveproof verified by the node and by hashmint-util")

        # verifyreserveproof: hex errors and undecodable proofs.
        assert_raises_rpc_error(-8, None, node.verifyreserveproof, "zz")
        assert_raises_rpc_error(-8, None, node.verifyreserveproof, "abc")
        r = node.verifyreserveproof("00")
        assert_equal((r["valid"], r["error"]), (False, "bad-reserve-proof-encoding"))
        log("verifyreserveproof refuses bad hex (-8) and undecodable proofs (valid false)")


if __name__ == "__main__":
    IssuanceRPCTest().main()
