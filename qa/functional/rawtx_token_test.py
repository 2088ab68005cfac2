#!/usr/bin/env python3
"""Raw transactions with token data.

createrawtransaction builds TOKEN, VAULT, ISSUER and ORACLE outputs from the
documented JSON form (doc/issuance.md, "Token outputs in raw transactions"),
in the order given, refusing every malformed field; decoderawtransaction,
decodescript and gettxout show the token data; signrawtransactionwithkey signs an input that
spends a prefixed output (a coinbase vault) and the spend is mined.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_raises_rpc_error,  # noqa: E402
                       assert_true, satoshi, sign_with_rpc)

DUMMY_TXID = "11" * 32


class RawTxTokenTest(HashmintTestFramework):
    """rawtx_token_test"""

    def create(self, outputs):
        return self.nodes[0].createrawtransaction([{"txid": DUMMY_TXID, "vout": 0}], outputs)

    def run_test(self):
        node = self.nodes[0]
        owner = Key.from_label("rawtx token owner")
        other = Key.from_label("rawtx token other")
        a, b = owner.p2wpkh_address(), other.p2wpkh_address()

        # The chain's asset id, as RPCs show it, from a coinbase vault.
        [h] = node.generatetovault(1, a)
        vault_txid = node.getblock(h)["tx"][0]
        asset = node.gettxout(vault_txid, 0)["token"]["asset_id"]

        # Every kind, in the given order, addresses repeated for token outputs.
        tx = node.decoderawtransaction(self.create([
            {a: {"kind": "token", "amount": 1000}},
            {a: {"kind": "vault", "debt": 2000, "value": "1.5"}},
            {b: {"kind": "issuer", "flags": 1, "asset_id": asset}},
            {b: {"kind": "oracle", "price": 6500000000}},
            {b: Decimal("0.25")},
            {"data": "0102"},
        ]))
        vout = tx["vout"]
        assert_equal(len(vout), 6)
        assert_equal(vout[0]["token"], {"kind": "token", "asset_id": asset, "amount": 1000})
        assert_equal(vout[0]["value"], Decimal("0"), "value defaults to 0")
        assert_equal(vout[0]["scriptPubKey"]["address"], a, "the lock after the prefix is the address's script")
        assert_equal(vout[1]["token"], {"kind": "vault", "asset_id": asset, "debt": 2000})
        assert_equal(vout[1]["value"], Decimal("1.5"))
        assert_equal(vout[2]["token"], {"kind": "issuer", "asset_id": asset, "flags": 1})
        assert_equal(vout[3]["token"], {"kind": "oracle", "asset_id": asset, "price": 6500000000})
        assert_true("token" not in vout[4], "a plain output stays plain")
        assert_equal(vout[4]["scriptPubKey"]["address"], b)
        assert_equal(vout[5]["scriptPubKey"]["type"], "nulldata")

        # The largest token amount and vault debt: 2^53.
        top = 2 ** 53
        tx = node.decoderawtransaction(self.create([{a: {"kind": "token", "amount": top}},
                                                    {b: {"kind": "vault", "debt": top}}]))
        assert_equal(tx["vout"][0]["token"]["amount"], top)
        assert_equal(tx["vout"][1]["token"]["debt"], top)

        # Refused: each malformed field with its own message, never truncated.
        bad = [
            ({"kind": "coin", "amount": 1}, "token output needs \"kind\""),
            ({"amount": 1}, "token output needs \"kind\""),
            ({"kind": "token"}, "token output needs an integer \"amount\""),
            ({"kind": "token", "amount": 0}, "token amount out of range"),
            ({"kind": "token", "amount": top + 1}, "token amount out of range"),
            ({"kind": "token", "amount": 1.5}, "token output needs an integer \"amount\""),
            ({"kind": "token", "amount": "5"}, "token output needs an integer \"amount\""),
            ({"kind": "vault", "debt": top + 1}, "vault debt out of range"),
            ({"kind": "vault", "debt": -1}, "vault debt out of range"),
            ({"kind": "issuer", "flags": 256}, "issuer flags out of range"),
            ({"kind": "oracle", "price": -1}, "oracle price out of range"),
            ({"kind": "token", "amount": 1, "debt": 5}, "unexpected key in token output: debt"),
            ({"kind": "token", "amount": 1, "asset_id": "zz"}, "asset_id must be 64 hex digits"),
            ({"kind": "token", "amount": 1, "asset_id": "00" * 32}, "unknown asset"),
            ({"kind": "token", "amount": 1, "value": -1}, "Amount out of range"),
        ]
        for obj, msg in bad:
            code = -3 if msg == "Amount out of range" else -8
            assert_raises_rpc_error(code, msg, self.create, [{a: obj}])
        assert_raises_rpc_error(-8, "duplicated address", self.create, [{a: 1}, {a: 2}])
        assert_raises_rpc_error(-5, "Invalid Hashmint address", self.create,
                                [{"notanaddress": {"kind": "token", "amount": 1}}])

        # A prefixed output is signed and spent: close the coinbase vault (no
        # debt) once it is mature, paying the owner.
        node.generatetoaddress(100, b)
        vault = node.gettxout(vault_txid, 0)
        assert_equal(vault["token"]["kind"], "vault")
        value = satoshi(vault["value"])
        fee = 10000
        raw = node.createrawtransaction([{"txid": vault_txid, "vout": 0}],
                                        [{a: str(Decimal(value - fee) / Decimal(10 ** 8))}])
        signed = sign_with_rpc(node, raw, [owner], [{
            "txid": vault_txid, "vout": 0, "scriptPubKey": vault["scriptPubKey"]["hex"],
            "amount": str(vault["value"])}])
        txid = node.sendrawtransaction(signed)
        node.generatetoaddress(1, b)
        assert_equal(node.gettxout(vault_txid, 0), None, "the vault is spent")
        assert_equal(satoshi(node.gettxout(txid, 0)["value"]), value - fee)

        # The signature commits to the prefix: the same spend signed for two
        # vaults that differ only in their debt gets different signatures.
        spk = vault["scriptPubKey"]["hex"]
        # The VAULT payload is the CompactSize after marker, kind and asset id (34 bytes = 68 hex digits).
        assert_equal(spk[68:70], "00", "debt 0")
        forged = spk[:68] + "01" + spk[70:]
        raw = node.createrawtransaction([{"txid": DUMMY_TXID, "vout": 0}], [{a: 1}])
        wit = []
        for script in (spk, forged):
            r = node.signrawtransactionwithkey(raw, [owner.wif()], [{
                "txid": DUMMY_TXID, "vout": 0, "scriptPubKey": script, "amount": str(vault["value"])}])
            assert_true(r["complete"], f"signed: {r}")
            wit.append(node.decoderawtransaction(r["hex"])["vin"][0]["txinwitness"])
        assert_equal(wit[0][1], wit[1][1], "same key")
        assert_true(wit[0][0] != wit[1][0], "a different prefix gives a different signature")
        # decodescript shows the locking script and the token data.
        d = node.decodescript(spk)
        assert_equal(d["token"], {"kind": "vault", "asset_id": asset, "debt": 0})
        assert_equal(d["address"], a)
        assert_equal(d["type"], "witness_v0_keyhash")
        assert_true("p2sh" not in d and "segwit" not in d, "a prefixed script is not offered for wrapping")
        d = node.decodescript(owner.p2wpkh_script().hex())
        assert_true("token" not in d)
        # A prevtxs entry contradicting the UTXO set is refused, as Core does.
        raw = node.createrawtransaction([{"txid": txid, "vout": 0}], [{a: 1}])
        assert_raises_rpc_error(-22, "Previous output scriptPubKey mismatch", node.signrawtransactionwithkey, raw,
                                [owner.wif()], [{"txid": txid, "vout": 0, "scriptPubKey": forged, "amount": 1}])

if __name__ == "__main__":
    RawTxTokenTest().main()
