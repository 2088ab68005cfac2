#!/usr/bin/env python3
"""PSBT (BIP 174) and a 2-of-3 multisig with three real nodes.

- three wallets (one per node) each import wsh(sortedmulti(2, A, B, C)) with
  their own private key and the others' public keys; all three derive the
  same address and see the coins paid to it;
- a spend is created with createpsbt, updated and signed by one wallet
  (walletprocesspsbt: 1 partial signature, not complete), passed as Base64
  to a second wallet on another node, which completes it; the transaction
  is broadcast and mined;
- a second spend goes the other way: two wallets sign the same unsigned
  PSBT separately, combinepsbt merges them and finalizepsbt extracts it;
- decodepsbt/analyzepsbt report what Core reports at each step;
- walletcreatefundedpsbt + walletprocesspsbt for an ordinary wallet spend;
- bad input: Core's error codes (-22 TX decode failed, -8 for combinepsbt
  and joinpsbts misuse and bad sighash names, -13 for a locked wallet).
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_in,  # noqa: E402
                       assert_raises_rpc_error, assert_true, log, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402


def key_of(desc):
    """The key expression of a single-key descriptor 'wpkh(KEY)#checksum'."""
    body = desc.split("#")[0]
    return body[body.index("(") + 1:body.rindex(")")]


class WalletPsbtTest(HashmintTestFramework):
    """wallet_psbt_test"""
    num_nodes = 3

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keypool=10"] for _ in range(3)]

    def run_test(self):
        nodes = self.nodes
        connect_nodes(nodes[1], nodes[0])
        connect_nodes(nodes[2], nodes[0])
        wallets = []
        for i, n in enumerate(nodes):
            n.createwallet(f"m{i}")
            wallets.append(n.wallet(f"m{i}"))
        w0, w1, w2 = wallets

        log("fund wallet 0")
        a0 = w0.getnewaddress()
        nodes[0].generatetoaddress(101, a0)
        wait_for_tip(nodes)

        log("bad input")
        assert_raises_rpc_error(-22, "TX decode failed", nodes[0].decodepsbt, "not base64!")
        assert_raises_rpc_error(-22, "TX decode failed Invalid PSBT magic bytes", nodes[0].decodepsbt, "AAAAAAAA")
        assert_raises_rpc_error(-8, "Parameter 'txs' cannot be empty", nodes[0].combinepsbt, [])
        assert_raises_rpc_error(-8, "At least two PSBTs are required", nodes[0].joinpsbts, [])

        log("three wallets share a 2-of-3 wsh(sortedmulti)")
        pubs, privs = [], []
        for w in wallets:
            pub = [d["desc"] for d in w.listdescriptors()["descriptors"]
                   if d["desc"].startswith("wpkh(") and not d["internal"]][0]
            priv = [d["desc"] for d in w.listdescriptors(True)["descriptors"]
                    if d["desc"].startswith("wpkh(") and not d["internal"]][0]
            pubs.append(key_of(pub))
            privs.append(key_of(priv))
        pub_desc = "wsh(sortedmulti(2,%s))" % ",".join(pubs)
        pub_desc += "#" + nodes[0].getdescriptorinfo(pub_desc)["checksum"]
        for i, w in enumerate(wallets):
            keys = [privs[j] if j == i else pubs[j] for j in range(3)]
            d = "wsh(sortedmulti(2,%s))" % ",".join(keys)
            d += "#" + nodes[i].getdescriptorinfo(d)["checksum"]
            res = w.importdescriptors([{"desc": d, "timestamp": "now", "range": [0, 5]}])
            assert_true(res[0]["success"], res)
        ms_addr = nodes[0].deriveaddresses(pub_desc, [0, 0])[0]
        assert_true(ms_addr.startswith("hmrt1q") and len(ms_addr) > 50, ms_addr)
        for w in wallets:
            assert_true(w.getaddressinfo(ms_addr)["ismine"])

        log("pay the multisig address twice")
        t1 = w0.sendtoaddress(ms_addr, 5)
        t2 = w0.sendtoaddress(ms_addr, 3)
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)
        for w in (w1, w2):
            wait_until(lambda w=w: len([u for u in w.listunspent() if u["address"] == ms_addr]) == 2,
                       what="multisig coins seen")
        u1 = [u for u in w1.listunspent() if u["txid"] == t1][0]
        u2 = [u for u in w1.listunspent() if u["txid"] == t2][0]

        log("round 1: wallet 1 signs, passes the PSBT to wallet 2, which completes it")
        dest1 = w2.getnewaddress()
        psbt = nodes[1].createpsbt([{"txid": t1, "vout": u1["vout"]}], [{dest1: Decimal("4.999")}])
        dec = nodes[1].decodepsbt(psbt)
        assert_equal(dec["psbt_version"], 0)
        assert_equal(len(dec["inputs"]), 1)
        assert_true("witness_utxo" not in dec["inputs"][0])
        assert_equal(nodes[1].analyzepsbt(psbt)["next"], "updater")
        # updater only
        upd = w1.walletprocesspsbt(psbt, False)
        assert_equal(upd["complete"], False)
        dec = nodes[1].decodepsbt(upd["psbt"])
        assert_equal(dec["inputs"][0]["witness_utxo"]["amount"], Decimal("5"))
        assert_equal(dec["inputs"][0]["witness_script"]["type"], "multisig")
        assert_equal(dec["fee"], Decimal("0.001"))
        assert_equal(nodes[1].analyzepsbt(upd["psbt"])["next"], "signer")
        p1 = w1.walletprocesspsbt(psbt)
        assert_equal(p1["complete"], False)
        dec = nodes[1].decodepsbt(p1["psbt"])
        assert_equal(len(dec["inputs"][0]["partial_signatures"]), 1)
        assert_true("hex" not in p1)
        # finalizing one signature of two completes nothing
        f = nodes[0].finalizepsbt(p1["psbt"])
        assert_equal(f["complete"], False)
        # the PSBT travels (as text) to node 2's wallet
        p2 = w2.walletprocesspsbt(p1["psbt"])
        assert_equal(p2["complete"], True)
        dec = nodes[2].decodepsbt(p2["psbt"])
        assert_in("final_scriptwitness", dec["inputs"][0])
        assert_equal(len(dec["inputs"][0]["final_scriptwitness"]), 4)  # dummy, 2 sigs, script
        assert_true("partial_signatures" not in dec["inputs"][0])
        assert_equal(nodes[2].analyzepsbt(p2["psbt"])["next"], "extractor")
        txid = nodes[2].sendrawtransaction(p2["hex"])
        wait_until(lambda: txid in nodes[0].getrawmempool(), what="multisig spend relayed")
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)
        wait_until(lambda: any(u["txid"] == txid and u["amount"] == Decimal("4.999") and u["confirmations"] == 1
                               for u in w2.listunspent()), what="multisig payment confirmed in wallet 2")

        log("round 2: wallets 0 and 2 sign separately; combinepsbt + finalizepsbt")
        dest2 = w1.getnewaddress()
        psbt = nodes[0].createpsbt([{"txid": t2, "vout": u2["vout"]}], [{dest2: Decimal("2.9995")}])
        sa = w0.walletprocesspsbt(psbt)["psbt"]
        sb = w2.walletprocesspsbt(psbt)["psbt"]
        assert_equal(len(nodes[0].decodepsbt(sa)["inputs"][0]["partial_signatures"]), 1)
        other = nodes[0].createpsbt([{"txid": t1, "vout": 0}], [{dest2: 1}])
        assert_raises_rpc_error(-8, "PSBTs not compatible (different transactions)",
                                nodes[0].combinepsbt, [sa, other])
        comb = nodes[1].combinepsbt([sa, sb])
        assert_equal(len(nodes[1].decodepsbt(comb)["inputs"][0]["partial_signatures"]), 2)
        assert_equal(nodes[1].analyzepsbt(comb)["next"], "finalizer")
        fin = nodes[1].finalizepsbt(comb)
        assert_equal(fin["complete"], True)
        kept = nodes[1].finalizepsbt(comb, False)
        assert_true("psbt" in kept and "hex" not in kept)
        txid2 = nodes[1].sendrawtransaction(fin["hex"])
        wait_until(lambda: txid2 in nodes[0].getrawmempool(), what="second multisig spend relayed")
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)

        log("round 3: utxoupdatepsbt + descriptorprocesspsbt with the signers' descriptors, no wallet")
        t3 = w0.sendtoaddress(ms_addr, 2)
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)
        vout3 = [o["n"] for o in nodes[0].decoderawtransaction(w0.gettransaction(t3)["hex"])["vout"]
                 if o["value"] == Decimal("2")][0]
        psbt = nodes[1].createpsbt([{"txid": t3, "vout": vout3}], [{dest2: Decimal("1.9995")}])
        upd = nodes[1].utxoupdatepsbt(psbt, [{"desc": pub_desc, "range": [0, 3]}])
        dec = nodes[1].decodepsbt(upd)
        assert_equal(dec["inputs"][0]["witness_utxo"]["amount"], Decimal("2"))
        assert_equal(dec["inputs"][0]["witness_script"]["type"], "multisig")
        one = [privs[0] if j == 0 else pubs[j] for j in range(3)]
        two = [privs[j] if j < 2 else pubs[j] for j in range(3)]
        d_one = "wsh(sortedmulti(2,%s))" % ",".join(one)
        d_two = "wsh(sortedmulti(2,%s))" % ",".join(two)
        half = nodes[2].descriptorprocesspsbt(psbt, [{"desc": d_one, "range": [0, 3]}])
        assert_equal(half["complete"], False)
        full = nodes[2].descriptorprocesspsbt(psbt, [{"desc": d_two, "range": [0, 3]}])
        assert_equal(full["complete"], True)
        assert_raises_rpc_error(-5, None, nodes[2].descriptorprocesspsbt, psbt, ["wsh(bogus)"])
        txid3 = nodes[2].sendrawtransaction(full["hex"])
        wait_until(lambda: txid3 in nodes[0].getrawmempool(), what="descriptor-signed spend relayed")
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)

        log("walletcreatefundedpsbt: an ordinary wallet spend through a PSBT")
        dest3 = w1.getnewaddress()
        funded = w0.walletcreatefundedpsbt([], [{dest3: 1}])
        assert_true(funded["fee"] > 0 and funded["changepos"] in (0, 1), funded)
        dec = nodes[0].decodepsbt(funded["psbt"])
        assert_true(all("witness_utxo" in i for i in dec["inputs"]))
        assert_raises_rpc_error(-8, "is not a valid sighash parameter", w0.walletprocesspsbt,
                                funded["psbt"], True, "ALL|BOGUS")
        signed = w0.walletprocesspsbt(funded["psbt"])
        assert_equal(signed["complete"], True)
        nodes[0].sendrawtransaction(signed["hex"])

        log("bumpfee and psbtbumpfee (BIP 125)")
        dest4 = w1.getnewaddress()
        t4 = w0.sendtoaddress(dest4, 2)
        wait_until(lambda: t4 in nodes[0].getrawmempool(), what="original in mempool")
        pb = w0.psbtbumpfee(t4)
        assert_true(pb["fee"] > pb["origfee"], pb)
        assert_equal(nodes[0].decodepsbt(pb["psbt"])["fee"], pb["fee"])
        assert_true(t4 in nodes[0].getrawmempool())  # psbtbumpfee broadcasts nothing
        b = w0.bumpfee(t4)
        assert_equal(b["errors"], [])
        assert_true(b["fee"] > b["origfee"], b)
        wait_until(lambda: b["txid"] in nodes[0].getrawmempool() and t4 not in nodes[0].getrawmempool(),
                   what="replacement in mempool")
        b2 = w0.bumpfee(b["txid"], {"fee_rate": 50})
        assert_true(b2["fee"] > b["fee"], b2)
        assert_raises_rpc_error(-8, "Insufficient total fee", w0.bumpfee, b2["txid"], {"fee_rate": 1})
        assert_raises_rpc_error(-5, "Invalid or non-wallet transaction id", w0.bumpfee, "00" * 32)
        nodes[0].generatetoaddress(1, a0)
        wait_for_tip(nodes)
        assert_raises_rpc_error(-4, "Transaction has been mined", w0.bumpfee, b2["txid"])
        assert_true(any(u["txid"] == b2["txid"] for u in w1.listunspent()))

        log("converttopsbt and joinpsbts")
        raw = nodes[0].createrawtransaction([{"txid": t1, "vout": 0}], [{dest3: 1}])
        conv = nodes[0].converttopsbt(raw)
        assert_equal(nodes[0].decodepsbt(conv)["tx"]["txid"], nodes[0].decoderawtransaction(raw)["txid"])
        assert_raises_rpc_error(-22, "Inputs must not have scriptSigs and scriptWitnesses",
                                nodes[0].converttopsbt, signed["hex"])
        assert_equal(len(nodes[0].decodepsbt(nodes[0].converttopsbt(signed["hex"], True))["inputs"]),
                     len(dec["inputs"]))
        joined = nodes[0].joinpsbts([psbt, conv])
        assert_equal(len(nodes[0].decodepsbt(joined)["inputs"]), 2)
        assert_raises_rpc_error(-8, "exists in multiple PSBTs", nodes[0].joinpsbts, [psbt, psbt])

        log("an encrypted, locked wallet refuses to sign (-13)")
        w2.encryptwallet("pass")
        psbt = nodes[2].createpsbt([{"txid": txid, "vout": 0}], [{dest3: 1}])
        assert_raises_rpc_error(-13, "walletpassphrase", w2.walletprocesspsbt, psbt)
        w2.walletpassphrase("pass", 60)
        w2.walletprocesspsbt(psbt)


if __name__ == "__main__":
    WalletPsbtTest().main()
