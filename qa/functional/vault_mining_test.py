#!/usr/bin/env python3
"""Coinbase vaults: generatetovault and -vaultaddress/-vaultshare.

A vault is opened only by a coinbase (doc/issuance.md). generatetovault
(regtest) locks a share of each coinbase in a VAULT output with debt 0 owned
by the given address; -vaultaddress/-vaultshare do the same for every
coinbase the node builds with generate*. Checks the coinbase outputs, the
decoded token data, the split of the value, the UTXO set, and the errors for
bad arguments and options.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_raises_rpc_error,  # noqa: E402
                       assert_true, satoshi)


def coinbase_outputs(node, blockhash):
    """The coinbase's outputs that carry value (the commitments are OP_RETURN)."""
    cb = node.getblock(blockhash, 2)["tx"][0]
    return [o for o in cb["vout"] if o["scriptPubKey"]["type"] != "nulldata"]


def total_value(outputs):
    return sum(satoshi(o["value"]) for o in outputs)


class VaultMiningTest(HashmintTestFramework):
    """vault_mining_test"""

    def check_vault_output(self, out, owner, asset_id):
        token = out.get("token")
        assert_true(token is not None, f"vault output has token data: {out}")
        assert_equal(token["kind"], "vault")
        assert_equal(token["debt"], 0, "a coinbase vault opens without debt")
        assert_equal(token["asset_id"], asset_id)
        # The scriptPubKey fields describe the owner's locking script.
        assert_equal(out["scriptPubKey"]["address"], owner.p2wpkh_address())

    def run_test(self):
        node = self.nodes[0]
        owner = Key.from_label("vault mining owner")
        addr = owner.p2wpkh_address()

        # The asset id as every RPC shows it: read it off a first vault.
        [h] = node.generatetovault(1, addr)
        outs = coinbase_outputs(node, h)
        assert_equal(len(outs), 1, "share 100: the whole coinbase is the vault")
        asset_id = outs[0]["token"]["asset_id"]
        self.check_vault_output(outs[0], owner, asset_id)
        cb_txid = node.getblock(h)["tx"][0]
        utxo = node.gettxout(cb_txid, 0)
        assert_equal(utxo["token"]["kind"], "vault", "the vault is in the UTXO set")
        assert_equal(utxo["coinbase"], True)

        # A 40% vault: output 0 pays the rest as an ordinary output.
        [h] = node.generatetovault(1, addr, 40)
        outs = coinbase_outputs(node, h)
        assert_equal(len(outs), 2, "payout and vault")
        total = total_value(outs)
        assert_true("token" not in outs[0], "output 0 is ordinary")
        assert_equal(outs[0]["scriptPubKey"]["address"], addr)
        self.check_vault_output(outs[1], owner, asset_id)
        assert_equal(satoshi(outs[1]["value"]), total * 40 // 100, "vault = 40% rounded down")
        assert_equal(satoshi(outs[0]["value"]), total - total * 40 // 100)

        # Several blocks, each a new vault.
        hashes = node.generatetovault(3, addr, 100)
        assert_equal(len(hashes), 3)
        assert_equal(node.getblockcount(), 5)
        for bh in hashes:
            self.check_vault_output(coinbase_outputs(node, bh)[0], owner, asset_id)

        # Bad arguments.
        for share in (0, 101, -5):
            assert_raises_rpc_error(-8, "share must be between 1 and 100", node.generatetovault, 1, addr, share)
        assert_raises_rpc_error(-5, "Invalid address", node.generatetovault, 1, "notanaddress")
        assert_equal(node.getblockcount(), 5, "no block mined by a refused call")

        # -vaultaddress/-vaultshare: generatetoaddress now opens vaults too.
        payee = Key.from_label("vault mining payee")
        node.restart(extra_args=[f"-vaultaddress={addr}", "-vaultshare=25"])
        [h] = node.generatetoaddress(1, payee.p2wpkh_address())
        outs = coinbase_outputs(node, h)
        assert_equal(len(outs), 2)
        total = total_value(outs)
        assert_equal(outs[0]["scriptPubKey"]["address"], payee.p2wpkh_address(), "the rest pays the given address")
        self.check_vault_output(outs[1], owner, asset_id)
        assert_equal(satoshi(outs[1]["value"]), total * 25 // 100)
        assert_true(satoshi(outs[1]["value"]) > 0)
        assert_equal(Decimal(outs[0]["value"]) + Decimal(outs[1]["value"]), Decimal(total) / Decimal(10**8))

        # Without the option, generatetoaddress is ordinary again.
        node.restart()
        [h] = node.generatetoaddress(1, payee.p2wpkh_address())
        outs = coinbase_outputs(node, h)
        assert_equal(len(outs), 1)
        assert_true("token" not in outs[0])

        # Bad options are init errors.
        node.stop()
        node.assert_start_raises_init_error([f"-vaultaddress={addr}", "-vaultshare=0"],
                                            "Invalid value for -vaultshare")
        node.assert_start_raises_init_error([f"-vaultaddress={addr}", "-vaultshare=101"],
                                            "Invalid value for -vaultshare")
        node.assert_start_raises_init_error(["-vaultaddress=nonsense"], "Invalid address for -vaultaddress")
        node.start()
        assert_equal(node.getblockcount(), 7)


if __name__ == "__main__":
    VaultMiningTest().main()
