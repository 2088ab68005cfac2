#!/usr/bin/env python3
"""PSBT interoperability with bitcoinjs-lib (issue 9).

bitcoinjs-lib (npm, installed into qa/js/node_modules by
contrib/install-deps.sh from qa/js/package-lock.json) runs through
qa/js/psbt_tool.js with a network object carrying hashmint's regtest
parameters (bech32 "hmrt", base58 111/196/239, tpub/tprv):

- both encode the same P2WPKH address for bitcoinjs's key;
- hashmint makes a PSBT (walletcreatefundedpsbt) spending a 2-of-2
  wsh(multi) shared by the wallet and bitcoinjs; hashmint signs its half,
  bitcoinjs its half, hashmint finalizes, the node accepts and mines it;
- hashmint makes a PSBT (createpsbt + utxoupdatepsbt) spending a P2WPKH
  output only bitcoinjs holds the key of; bitcoinjs signs, hashmint finalizes;
- bitcoinjs makes a PSBT spending a hashmint wallet's P2WPKH output to its
  own key; walletprocesspsbt signs and finalizes it; bitcoinjs extracts the
  same transaction from hashmint's finalized PSBT;
- bitcoinjs makes a PSBT spending the 2-of-2, signs its half;
  descriptorprocesspsbt (no wallet) completes it;
- bitcoinjs spends its own coins alone; the node accepts the transaction.
"""
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (SRCDIR, HashmintTestFramework, TestFailure, assert_equal,  # noqa: E402
                       assert_true, log, satoshi, wait_until)

JS_DIR = os.path.join(SRCDIR, "qa", "js")
JS_TOOL = os.path.join(JS_DIR, "psbt_tool.js")


def js(cmd, **req):
    """Runs one psbt_tool.js request; returns its JSON answer."""
    req["cmd"] = cmd
    req.setdefault("chain", "regtest")
    p = subprocess.run(["node", JS_TOOL], input=json.dumps(req), capture_output=True, text=True,
                       cwd=JS_DIR, timeout=120)
    try:
        out = json.loads(p.stdout)
    except ValueError:
        raise TestFailure(f"psbt_tool.js {cmd}: no JSON (rc {p.returncode}): {p.stdout!r} {p.stderr!r}")
    if p.returncode != 0 or "error" in out:
        raise TestFailure(f"psbt_tool.js {cmd} failed: {out} {p.stderr}")
    return out


def key_of(desc):
    """The key expression of a single-key descriptor 'wpkh(KEY)#checksum'."""
    body = desc.split("#")[0]
    return body[body.index("(") + 1:body.rindex(")")]


def with_checksum(node, desc):
    return desc + "#" + node.getdescriptorinfo(desc)["checksum"]


class WalletBitcoinjsTest(HashmintTestFramework):
    """wallet_bitcoinjs_test"""
    num_nodes = 1

    def run_test(self):
        if shutil.which("node") is None or not os.path.isdir(os.path.join(JS_DIR, "node_modules", "bitcoinjs-lib")):
            raise TestFailure("Node.js or qa/js/node_modules missing: run contrib/install-deps.sh")
        node = self.nodes[0]
        node.createwallet("hm")
        w = node.wallet("hm")
        a0 = w.getnewaddress()
        node.generatetoaddress(101, a0)

        log("the same key gives the same address in bitcoinjs and hashmint")
        jk = js("key")
        assert_true(jk["address"].startswith("hmrt1q"), jk)
        assert_equal(node.deriveaddresses(with_checksum(node, "wpkh(%s)" % jk["pubkey"]))[0], jk["address"])
        spk = w.getaddressinfo(a0)["scriptPubKey"]
        assert_equal(js("address", script=spk)["address"], a0)

        log("combo(): hashmint's addresses are bitcoinjs's P2PKH, P2WPKH and P2SH-P2WPKH; a watching wallet sees them")
        combo = with_checksum(node, "combo(%s)" % jk["pubkey"])
        assert_equal(node.deriveaddresses(combo), [jk["p2pkh"], jk["address"], jk["p2sh_p2wpkh"]])
        node.createwallet("watch", True)
        watch = node.wallet("watch")
        res = watch.importdescriptors([{"desc": combo, "timestamp": "now"}])
        assert_true(res[0]["success"], res)
        paid = [w.sendtoaddress(a, 1) for a in (jk["p2pkh"], jk["address"], jk["p2sh_p2wpkh"])]
        node.generatetoaddress(1, a0)
        wait_until(lambda: sorted(u["txid"] for u in watch.listunspent()) == sorted(paid), what="combo coins watched")

        log("tr() script trees: hashmint's descriptor address is bitcoinjs's p2tr address")
        internal = jk["pubkey"][2:]
        xa = w.getaddressinfo(w.getnewaddress())["pubkey"][2:]
        xb = w.getaddressinfo(w.getnewaddress())["pubkey"][2:]
        leaf_a = "20" + xa + "ac"                                 # pk(A)
        leaf_ms = "20" + xa + "ac" + "20" + xb + "ba" + "52" + "9c"  # multi_a(2,A,B)
        for tree, leaves in (("pk(%s)" % xa, [leaf_a]),
                             ("{pk(%s),multi_a(2,%s,%s)}" % (xa, xa, xb), [leaf_a, leaf_ms])):
            desc = with_checksum(node, "tr(%s,%s)" % (internal, tree))
            assert_equal(node.deriveaddresses(desc)[0], js("p2tr", internal=internal, leaves=leaves)["address"])

        log("a 2-of-2 wsh(multi) shared by a wallet of its own and bitcoinjs")
        # Its own wallet, as Core's multisig guides do: the funding wallet
        # never holds a coin it can only half sign, which its automatic
        # coin selection could pick (as Core's would).
        node.createwallet("ms")
        wm = node.wallet("ms")
        priv = [d["desc"] for d in wm.listdescriptors(True)["descriptors"]
                if d["desc"].startswith("wpkh(") and not d["internal"]][0]
        pub = [d["desc"] for d in wm.listdescriptors()["descriptors"]
               if d["desc"].startswith("wpkh(") and not d["internal"]][0]
        ms_priv = with_checksum(node, "wsh(multi(2,%s,%s))" % (key_of(priv), jk["pubkey"]))
        ms_pub = with_checksum(node, "wsh(multi(2,%s,%s))" % (key_of(pub), jk["pubkey"]))
        res = wm.importdescriptors([{"desc": ms_priv, "timestamp": "now", "range": [0, 3]}])
        assert_true(res[0]["success"], res)
        ms_addr = node.deriveaddresses(ms_pub, [0, 0])[0]
        assert_true(wm.getaddressinfo(ms_addr)["ismine"])
        t_ms = w.sendtoaddress(ms_addr, 5)
        t_ms2 = w.sendtoaddress(ms_addr, 4)
        node.generatetoaddress(1, a0)
        utxo = [u for u in wm.listunspent() if u["txid"] == t_ms and u["address"] == ms_addr][0]
        utxo2 = [u for u in wm.listunspent() if u["txid"] == t_ms2 and u["address"] == ms_addr][0]

        log("hashmint makes the PSBT (walletcreatefundedpsbt), both sign, hashmint finalizes")
        dest = w.getnewaddress()
        funded = wm.walletcreatefundedpsbt([{"txid": t_ms, "vout": utxo["vout"]}], [{dest: 3}], 0,
                                          {"add_inputs": False})
        half = wm.walletprocesspsbt(funded["psbt"])
        assert_equal(half["complete"], False)
        seen = js("inspect", psbt=half["psbt"])
        assert_equal(seen["inputs"][0]["partial_sigs"], 1)
        assert_equal(seen["inputs"][0]["witness_utxo_amount"], satoshi(5))
        assert_equal(seen["inputs"][0]["bip32_derivations"], 1)  # hashmint's key has an origin, bitcoinjs's none
        signed = js("sign", psbt=half["psbt"], wif=jk["wif"])
        assert_equal(signed["signed"], [0])
        dec = node.decodepsbt(signed["psbt"])
        assert_equal(len(dec["inputs"][0]["partial_signatures"]), 2)
        ms_script = dec["inputs"][0]["witness_script"]["hex"]  # multi(2, hashmint's key, bitcoinjs's key)
        assert_true(jk["pubkey"] in ms_script, ms_script)
        assert_equal(node.analyzepsbt(signed["psbt"])["next"], "finalizer")
        fin = node.finalizepsbt(signed["psbt"])
        assert_equal(fin["complete"], True)
        txid = node.sendrawtransaction(fin["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(w.gettransaction(txid)["confirmations"], 1)

        log("bitcoinjs signs first, hashmint second: the order does not matter")
        funded = wm.walletcreatefundedpsbt([{"txid": t_ms2, "vout": utxo2["vout"]}], [{dest: 1}], 0,
                                          {"add_inputs": False})
        upd = wm.walletprocesspsbt(funded["psbt"], False)
        js_first = js("sign", psbt=upd["psbt"], wif=jk["wif"])
        assert_equal(js_first["signed"], [0])
        done = wm.walletprocesspsbt(js_first["psbt"])
        assert_equal(done["complete"], True)
        txid = node.sendrawtransaction(done["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(w.gettransaction(txid)["confirmations"], 1)

        log("a P2WPKH output only bitcoinjs can spend: hashmint makes the PSBT, bitcoinjs signs")
        t_js = w.sendtoaddress(jk["address"], 2)
        node.generatetoaddress(1, a0)
        vout_js = self.vout_paying(node, w, t_js, jk["address"])
        psbt = node.createpsbt([{"txid": t_js, "vout": vout_js}], [{dest: Decimal("1.9999")}])
        psbt = node.utxoupdatepsbt(psbt)
        assert_equal(node.decodepsbt(psbt)["inputs"][0]["witness_utxo"]["amount"], Decimal("2"))
        assert_equal(w.walletprocesspsbt(psbt)["complete"], False)  # not the wallet's key
        signed = js("sign", psbt=psbt, wif=jk["wif"])
        assert_equal(signed["signed"], [0])
        fin = node.finalizepsbt(signed["psbt"])
        assert_equal(fin["complete"], True)
        txid = node.sendrawtransaction(fin["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(w.gettransaction(txid)["confirmations"], 1)

        log("bitcoinjs makes a PSBT spending the wallet's coin; walletprocesspsbt signs and finalizes")
        a1 = w.getnewaddress()
        t1 = w.sendtoaddress(a1, 3)
        node.generatetoaddress(1, a0)
        v1 = self.vout_paying(node, w, t1, a1)
        made = js("create", inputs=[{"txid": t1, "vout": v1, "amount": satoshi(3),
                                     "script": w.getaddressinfo(a1)["scriptPubKey"]}],
                  outputs=[{"address": jk["address"], "amount": satoshi(Decimal("2.9998"))}])
        dec = node.decodepsbt(made["psbt"])
        assert_equal(dec["tx"]["vin"][0]["txid"], t1)
        assert_equal(dec["fee"], Decimal("0.0002"))
        res = w.walletprocesspsbt(made["psbt"])
        assert_equal(res["complete"], True)
        assert_equal(js("extract", psbt=res["psbt"])["hex"], res["hex"])
        txid_b1 = node.sendrawtransaction(res["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(node.gettxout(txid_b1, 0)["value"], Decimal("2.9998"))

        log("bitcoinjs makes and half-signs a 2-of-2 spend; descriptorprocesspsbt completes it")
        t3 = w.sendtoaddress(ms_addr, 2)
        node.generatetoaddress(1, a0)
        v3 = self.vout_paying(node, w, t3, ms_addr)
        made = js("create", inputs=[{"txid": t3, "vout": v3, "amount": satoshi(2),
                                     "script": w.getaddressinfo(ms_addr)["scriptPubKey"], "witness_script": ms_script}],
                  outputs=[{"address": jk["address"], "amount": satoshi(Decimal("1.9997"))}])
        half = js("sign", psbt=made["psbt"], wif=jk["wif"])
        assert_equal(half["signed"], [0])
        assert_equal(node.analyzepsbt(half["psbt"])["next"], "signer")
        res = node.descriptorprocesspsbt(half["psbt"], [{"desc": ms_priv, "range": [0, 3]}])
        assert_equal(res["complete"], True)
        txid_b2 = node.sendrawtransaction(res["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(node.gettxout(txid_b2, 0)["value"], Decimal("1.9997"))

        log("bitcoinjs spends its own coins alone; the node accepts the transaction")
        own = js("create", inputs=[
            {"txid": txid_b1, "vout": 0, "amount": satoshi(Decimal("2.9998")),
             "script": node.gettxout(txid_b1, 0)["scriptPubKey"]["hex"]},
            {"txid": txid_b2, "vout": 0, "amount": satoshi(Decimal("1.9997")),
             "script": node.gettxout(txid_b2, 0)["scriptPubKey"]["hex"]}],
            outputs=[{"address": a0, "amount": satoshi(Decimal("4.999"))}])
        sent = js("sign", psbt=own["psbt"], wif=jk["wif"], finalize=True)
        assert_equal(sent["signed"], [0, 1])
        assert_equal(node.testmempoolaccept([sent["hex"]])[0]["allowed"], True)
        txid = node.sendrawtransaction(sent["hex"])
        wait_until(lambda: txid in node.getrawmempool(), what="bitcoinjs transaction in the mempool")
        node.generatetoaddress(1, a0)
        assert_equal(node.gettxout(txid, 0)["value"], Decimal("4.999"))

    @staticmethod
    def vout_paying(node, w, txid, address):
        outs = node.decoderawtransaction(w.gettransaction(txid)["hex"])["vout"]
        return [o["n"] for o in outs if o["scriptPubKey"].get("address") == address][0]


if __name__ == "__main__":
    WalletBitcoinjsTest().main()
