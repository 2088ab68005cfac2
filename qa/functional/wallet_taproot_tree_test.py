#!/usr/bin/env python3
"""Spending tr(KEY,TREE) outputs (BIP 341/342, PSBT fields of BIP 371).

The tree is {pk(B),multi_a(2,C,D,E)} under internal key A; keys come from
five scratch wallets' taproot descriptors.

- a wallet holding every private key receives and spends: the key path
  (one 64-byte signature; the tweak commits to the Merkle root);
- a wallet holding only B's private key spends through the pk() leaf
  (signature, leaf script, control block);
- wallets holding C and E each sign the same PSBT (walletprocesspsbt: one
  TAP_SCRIPT_SIG each, not complete), combinepsbt merges them and
  finalizepsbt builds the multi_a witness (E's, empty, C's signature,
  script, control block); every spend is mined.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_true, log,  # noqa: E402
                       wait_until)


def key_of(desc):
    """The key expression of a single-key descriptor 'tr(KEY)#checksum'."""
    body = desc.split("#")[0]
    return body[body.index("(") + 1:body.rindex(")")]


class WalletTaprootTreeTest(HashmintTestFramework):
    """wallet_taproot_tree_test"""
    num_nodes = 1

    def run_test(self):
        node = self.nodes[0]
        node.createwallet("miner")
        miner = node.wallet("miner")
        maddr = miner.getnewaddress()
        node.generatetoaddress(101, maddr)

        pubs, privs = [], []
        for i in range(5):
            node.createwallet(f"k{i}")
            w = node.wallet(f"k{i}")
            pub = [d["desc"] for d in w.listdescriptors()["descriptors"]
                   if d["desc"].startswith("tr(") and not d["internal"]][0]
            priv = [d["desc"] for d in w.listdescriptors(True)["descriptors"]
                    if d["desc"].startswith("tr(") and not d["internal"]][0]
            pubs.append(key_of(pub))
            privs.append(key_of(priv))

        def desc(held):
            k = [privs[i] if i in held else pubs[i] for i in range(5)]
            d = "tr(%s,{pk(%s),multi_a(2,%s,%s,%s)})" % tuple(k)
            return d + "#" + node.getdescriptorinfo(d)["checksum"]

        def wallet_with(name, held):
            node.createwallet(name)
            w = node.wallet(name)
            res = w.importdescriptors([{"desc": desc(held), "timestamp": "now", "range": [0, 5]}])
            assert_true(res[0]["success"], res)
            return w

        addr = node.deriveaddresses(desc(set()), [0, 0])[0]
        assert_true(addr.startswith("hmrt1p"), addr)

        def fund(w, amount):
            txid = miner.sendtoaddress(addr, amount)
            node.generatetoaddress(1, maddr)
            wait_until(lambda: any(u["txid"] == txid for u in w.listunspent()), what="tree coin seen")
            return txid

        def spent_input(txid, funding):
            tx = node.decoderawtransaction(node.getrawtransaction(txid))
            idx = [j for j, i in enumerate(tx["vin"]) if i["txid"] == funding]
            assert_equal(len(idx), 1)
            return tx["vin"][idx[0]]["txinwitness"]

        log("key path: a wallet with every key")
        full = wallet_with("full", {0, 1, 2, 3, 4})
        assert_true(full.getaddressinfo(addr)["ismine"])
        f1 = fund(full, 3)
        t1 = full.sendtoaddress(maddr, Decimal("2.5"))
        wit = spent_input(t1, f1)
        assert_equal(len(wit), 1)
        assert_true(len(wit[0]) in (128, 130), wit)  # a Schnorr signature (+ hash type byte)
        node.generatetoaddress(1, maddr)
        assert_equal(full.gettransaction(t1)["confirmations"], 1)

        log("script path: a wallet holding only the pk() leaf's key")
        leaf = wallet_with("leaf", {1})
        f2 = fund(leaf, 2)
        t2 = leaf.sendtoaddress(maddr, Decimal("1.5"))
        wit = spent_input(t2, f2)
        assert_equal(len(wit), 3)  # signature, script, control block
        assert_equal(len(wit[1]), 2 * 34)  # <B> OP_CHECKSIG
        assert_equal(len(wit[2]), 2 * (33 + 32))  # depth 1
        node.generatetoaddress(1, maddr)
        assert_equal(leaf.gettransaction(t2)["confirmations"], 1)

        log("multi_a 2-of-3 across two wallets through a PSBT")
        wc = wallet_with("c", {2})
        we = wallet_with("e", {4})
        f3 = fund(wc, 4)
        wait_until(lambda: any(u["txid"] == f3 for u in we.listunspent()), what="tree coin seen by e")
        u = [u for u in wc.listunspent() if u["txid"] == f3][0]
        psbt = node.createpsbt([{"txid": f3, "vout": u["vout"]}], [{maddr: Decimal("3.999")}])
        sc = wc.walletprocesspsbt(psbt)
        assert_equal(sc["complete"], False)
        dec = node.decodepsbt(sc["psbt"])["inputs"][0]
        assert_equal(len(dec["taproot_script_path_sigs"]), 1)
        assert_equal(len(dec["taproot_scripts"]), 2)  # both leaves, for the finalizer
        assert_true("taproot_merkle_root" in dec and "taproot_internal_key" in dec, dec)
        assert_equal(node.finalizepsbt(sc["psbt"])["complete"], False)
        se = we.walletprocesspsbt(psbt)
        assert_equal(se["complete"], False)
        comb = node.combinepsbt([sc["psbt"], se["psbt"]])
        assert_equal(len(node.decodepsbt(comb)["inputs"][0]["taproot_script_path_sigs"]), 2)
        fin = node.finalizepsbt(comb)
        assert_equal(fin["complete"], True)
        t3 = node.sendrawtransaction(fin["hex"])
        wit = spent_input(t3, f3)
        assert_equal(len(wit), 5)  # E's signature, none for D, C's signature, script, control block
        assert_equal(len(wit[1]), 0)
        assert_true(len(wit[0]) in (128, 130) and len(wit[2]) in (128, 130), wit)
        node.generatetoaddress(1, maddr)
        wait_until(lambda: wc.gettransaction(t3)["confirmations"] == 1, what="multi_a spend mined")


if __name__ == "__main__":
    WalletTaprootTreeTest().main()
