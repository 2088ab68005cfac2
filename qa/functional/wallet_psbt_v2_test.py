#!/usr/bin/env python3
"""PSBT version 2 (BIP 370) through the RPCs, with one real node.

- createpsbt's psbt_version=2 makes a version 2 PSBT; decodepsbt shows
  BIP 370's fields (tx_version, fallback_locktime, input/output counts,
  previous_txid/previous_vout/sequence, amount/script) and the transaction
  they make;
- walletprocesspsbt, combinepsbt and finalizepsbt keep version 2; the
  finalized transaction is accepted and mined;
- a BIP 370 test vector decodes with its required locktimes and the
  locktime they choose;
- bad input: psbt_version 1 and tx version 4 (-8), a version 2 PSBT
  missing a required field (-22).
"""
import base64
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_raises_rpc_error,  # noqa: E402
                       assert_true, data_file, log)


def norm_paths(derivs):
    """decodepsbt writes hardened steps with ', getaddressinfo with h."""
    return [dict(d, path=d["path"].replace("'", "h")) for d in derivs]


def bip370_vectors(kind):
    with open(data_file("psbt_v2.txt")) as f:
        return [line.split()[1] for line in f if line.startswith(kind + " ")]


class WalletPsbtV2Test(HashmintTestFramework):
    """wallet_psbt_v2_test"""
    num_nodes = 1

    def run_test(self):
        node = self.nodes[0]
        node.createwallet("w")
        w = node.wallet("w")
        a0 = w.getnewaddress()
        node.generatetoaddress(101, a0)
        a1 = w.getnewaddress()
        t1 = w.sendtoaddress(a1, 5)
        node.generatetoaddress(1, a0)
        vout = [u["vout"] for u in w.listunspent() if u["txid"] == t1 and u["address"] == a1][0]

        log("createpsbt psbt_version=2; decodepsbt shows BIP 370's fields")
        dest = w.getnewaddress()
        height = node.getblockcount()
        v2 = node.createpsbt([{"txid": t1, "vout": vout}], [{dest: Decimal("4.999")}], height, True, 2, 2)
        v0 = node.createpsbt([{"txid": t1, "vout": vout}], [{dest: Decimal("4.999")}], height, True)
        dec = node.decodepsbt(v2)
        assert_equal(dec["psbt_version"], 2)
        assert_equal(dec["tx_version"], 2)
        assert_equal(dec["fallback_locktime"], height)
        assert_equal(dec["input_count"], 1)
        assert_equal(dec["output_count"], 1)
        assert_equal(dec["inputs"][0]["previous_txid"], t1)
        assert_equal(dec["inputs"][0]["previous_vout"], vout)
        assert_equal(dec["inputs"][0]["sequence"], 0xfffffffd)
        assert_equal(dec["outputs"][0]["amount"], Decimal("4.999"))
        assert_equal(dec["outputs"][0]["script"]["address"], dest)
        # The same transaction as the version 0 PSBT carries.
        assert_equal(dec["tx"]["txid"], node.decodepsbt(v0)["tx"]["txid"])
        assert_equal(dec["tx"]["locktime"], height)
        assert_true(base64.b64decode(v2)[5:7] != b"\x01\x00", "no PSBT_GLOBAL_UNSIGNED_TX in v2")

        log("walletprocesspsbt, combinepsbt and finalizepsbt keep version 2")
        upd = w.walletprocesspsbt(v2, False)
        dec_upd = node.decodepsbt(upd["psbt"])
        assert_equal(dec_upd["psbt_version"], 2)
        log("bip32derivs: the origins of the input's and the change output's keys")
        info_in, info_out = w.getaddressinfo(a1), w.getaddressinfo(dest)
        assert_equal(norm_paths(dec_upd["inputs"][0]["bip32_derivs"]),
                     [{"pubkey": info_in["pubkey"], "master_fingerprint": info_in["hdmasterfingerprint"],
                       "path": info_in["hdkeypath"]}])
        assert_equal(norm_paths(dec_upd["outputs"][0]["bip32_derivs"]),
                     [{"pubkey": info_out["pubkey"], "master_fingerprint": info_out["hdmasterfingerprint"],
                       "path": info_out["hdkeypath"]}])
        assert_true(info_in["hdkeypath"].startswith("m/84h/1h/0h/0/"), info_in)
        bare = node.decodepsbt(w.walletprocesspsbt(v2, False, "ALL", False)["psbt"])
        assert_true("bip32_derivs" not in bare["inputs"][0] and "bip32_derivs" not in bare["outputs"][0], bare)
        tr_dest = w.getnewaddress("", "bech32m")
        tr_info = w.getaddressinfo(tr_dest)
        funded = node.decodepsbt(w.walletcreatefundedpsbt([], [{tr_dest: 1}], 0, {}, True)["psbt"])
        tr_out = [o for o in funded["outputs"] if "taproot_bip32_derivs" in o]
        assert_equal(len(tr_out), 1)
        assert_equal(norm_paths(tr_out[0]["taproot_bip32_derivs"])[0]["path"], tr_info["hdkeypath"])
        assert_equal(tr_out[0]["taproot_bip32_derivs"][0]["leaf_hashes"], [])
        assert_equal(tr_out[0]["taproot_internal_key"], tr_out[0]["taproot_bip32_derivs"][0]["pubkey"])
        assert_true(all("bip32_derivs" in i for i in funded["inputs"]), funded)
        assert_equal(node.decodepsbt(upd["psbt"])["inputs"][0]["witness_utxo"]["amount"], Decimal("5"))
        assert_equal(node.analyzepsbt(upd["psbt"])["next"], "signer")
        signed = w.walletprocesspsbt(v2, True, "ALL", True, False)
        dec_signed = node.decodepsbt(signed["psbt"])
        assert_equal(dec_signed["psbt_version"], 2)
        assert_equal(len(dec_signed["inputs"][0]["partial_signatures"]), 1)
        comb = node.combinepsbt([upd["psbt"], signed["psbt"]])
        assert_equal(node.decodepsbt(comb)["psbt_version"], 2)
        fin = node.finalizepsbt(comb, False)
        assert_equal(fin["complete"], True)
        assert_equal(node.decodepsbt(fin["psbt"])["psbt_version"], 2)
        ext = node.finalizepsbt(comb)
        assert_equal(node.decoderawtransaction(ext["hex"])["txid"], dec["tx"]["txid"])
        txid = node.sendrawtransaction(ext["hex"])
        node.generatetoaddress(1, a0)
        assert_equal(w.gettransaction(txid)["confirmations"], 1)

        log("BIP 370 vectors through decodepsbt")
        vec = bip370_vectors("locktime=1657048460")[0]
        dec = node.decodepsbt(vec)
        assert_equal(dec["psbt_version"], 2)
        assert_equal(dec["tx"]["locktime"], 1657048460)
        assert_equal(dec["inputs"][0]["time_locktime"], 1657048459)
        assert_equal(dec["inputs"][1]["height_locktime"], 9000)
        assert_equal(dec["inputs"][1]["time_locktime"], 1657048460)
        for bad in bip370_vectors("invalid") + bip370_vectors("nolocktime"):
            assert_raises_rpc_error(-22, "TX decode failed", node.decodepsbt, bad)

        log("bad arguments")
        assert_raises_rpc_error(-8, "psbt_version must be 0 or 2", node.createpsbt,
                                [{"txid": t1, "vout": vout}], [{dest: 1}], 0, True, 2, 1)
        assert_raises_rpc_error(-8, "version out of range", node.createpsbt,
                                [{"txid": t1, "vout": vout}], [{dest: 1}], 0, True, 4)
        assert_raises_rpc_error(-8, "at least 2", node.createpsbt,
                                [{"txid": t1, "vout": vout}], [{dest: 1}], 0, True, 1, 2)


if __name__ == "__main__":
    WalletPsbtV2Test().main()
