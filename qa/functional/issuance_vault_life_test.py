#!/usr/bin/env python3
"""The whole life of a vault on regtest, through raw transactions only.

A coinbase opens a vault (generatetovault) and it matures; the oracle is
updated (2-of-3) and the issuer mints 300 HUSD into it (3-of-5 and the
owner); the owner sends 100 HUSD to someone else; repays 200 HUSD (the
vault keeps 100 HUSD of debt); withdraws 2 HMC of collateral; gets the 100
HUSD back and closes the vault by burning them, taking the collateral. After
every step the supply, the vault (getvault), the audit (auditreserves) and
the reserve commitment agree; a repay that leaves dust debt and a close that
burns one unit too few are refused with their reasons.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_raises_rpc_error,  # noqa: E402
                       assert_true, coins, log, satoshi, sign_with_rpc)
# The documented regtest issuer/oracle keys and scripts (doc/chain-params.md), shared with the other issuance tests.
from issuance_chain_test import (FEE, HUSD, ISSUER_ADDR, ISSUER_KEYS, ISSUER_WS, ORACLE_ADDR,  # noqa: E402
                                 ORACLE_KEYS, ORACLE_WS)

OWNER = Key.from_label("vault life owner")
FRIEND = Key.from_label("vault life friend")
MINER = Key.from_label("vault life miner")


class IssuanceVaultLifeTest(HashmintTestFramework):
    """issuance_vault_life_test"""

    # ---- helpers ----

    def info(self):
        [a] = self.node.getissuanceinfo()["assets"]
        return a

    def utxo(self, outpoint, **extra):
        txid, vout = outpoint
        o = self.node.gettxout(txid, vout)
        assert_true(o is not None, f"{txid}:{vout} unspent")
        return dict({"txid": txid, "vout": vout, "amount": o["value"], "scriptPubKey": o["scriptPubKey"]["hex"]},
                    **extra)

    def fee_coin(self):
        """A mature coinbase output of the miner key."""
        return self.utxo(self.miner_coins.pop(0))

    def outpoint(self, s):
        txid, vout = s.split(":")
        return txid, int(vout)

    def send(self, inputs, outputs, keys):
        raw = self.node.createrawtransaction([{"txid": i["txid"], "vout": i["vout"]} for i in inputs], outputs)
        txid = self.node.sendrawtransaction(sign_with_rpc(self.node, raw, keys, inputs))
        self.mine()
        assert_equal(self.node.getrawmempool(), [], "mined")
        return txid

    def refused(self, reason, inputs, outputs, keys):
        raw = self.node.createrawtransaction([{"txid": i["txid"], "vout": i["vout"]} for i in inputs], outputs)
        assert_raises_rpc_error(-26, reason, self.node.sendrawtransaction,
                                sign_with_rpc(self.node, raw, keys, inputs))

    def mine(self, n=1):
        for h in self.node.generatetoaddress(n, MINER.p2wpkh_address()):
            self.miner_coins.append((self.node.getblock(h)["tx"][0], 0))

    def check(self, supply, vault=None, debt=None, collateral=None):
        """Supply and vault as expected; the audit is clean; the tip commits to the node's tree."""
        a = self.info()
        assert_equal(a["supply"], supply, "supply")
        assert_equal(a["total_debt"], supply, "total debt = supply")
        audit = self.node.auditreserves()
        assert_true(audit["ok"], f"auditreserves: {audit}")
        assert_equal(audit["assets"][0]["token_sum"], supply, "tokens in the UTXO set = supply")
        r = self.node.getreserves()
        cb = self.node.getblock(r["blockhash"], 2)["tx"][0]
        assert_true(any(o["scriptPubKey"]["hex"] == r["commitment"] for o in cb["vout"]),
                    "the tip's coinbase carries the commitment getreserves reports")
        if vault is not None:
            v = self.node.getvault(f"{vault[0]}:{vault[1]}")
            assert_equal(v["debt"], debt, "vault debt")
            assert_equal(v["collateral"], collateral, "vault collateral")

    # ---- the test ----

    def run_test(self):
        node = self.nodes[0]
        self.node = node
        self.miner_coins = []

        # 1. A coinbase opens a vault; 101 blocks mature it (and the miner's fee coins).
        [h] = node.generatetovault(1, OWNER.p2wpkh_address())
        vault = (node.getblock(h)["tx"][0], 0)
        self.mine(101)
        collateral = satoshi(node.gettxout(*vault)["value"])
        v = node.getvault(f"{vault[0]}:{vault[1]}")
        assert_true(v["coinbase"] and v["mature"], f"a mature coinbase vault: {v}")
        self.check(0, vault, 0, collateral)
        log(f"vault opened by a coinbase with {collateral} base units, matured")

        # 2. The oracle: 100 HUSD per HMC, signed 2 of 3.
        a = self.info()
        oracle = self.utxo(self.outpoint(a["oracle"]["outpoint"]), witnessScript=ORACLE_WS)
        fee = self.fee_coin()
        self.send([oracle, fee],
                  [{ORACLE_ADDR: {"kind": "oracle", "price": 100 * HUSD, "value": oracle["amount"]}},
                   {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}],
                  ORACLE_KEYS + [MINER])
        assert_equal(self.info()["price"], 100 * HUSD)
        assert_true(self.info()["price_fresh"])
        log("oracle updated, signed 2 of 3")

        # 3. Mint 300 HUSD, signed 3 of 5 by the issuer and by the owner; the fee from the vault.
        a = self.info()
        issuer = self.utxo(self.outpoint(a["issuer"]["outpoint"]), witnessScript=ISSUER_WS)
        vin = self.utxo(vault)
        collateral -= FEE
        txid = self.send([vin, issuer],
                         [{OWNER.p2wpkh_address(): {"kind": "vault", "debt": 300 * HUSD, "value": coins(collateral)}},
                          {ISSUER_ADDR: {"kind": "issuer", "flags": 0, "value": issuer["amount"]}},
                          {OWNER.p2wpkh_address(): {"kind": "token", "amount": 300 * HUSD}}],
                         [OWNER] + ISSUER_KEYS)
        vault, owner_tokens = (txid, 0), (txid, 2)
        self.check(300 * HUSD, vault, 300 * HUSD, collateral)
        log("300 HUSD minted (issuer 3 of 5 and the owner)")

        # 4. The owner sends 100 HUSD to a friend (the miner pays the fee).
        tok, fee = self.utxo(owner_tokens), self.fee_coin()
        txid = self.send([tok, fee],
                         [{FRIEND.p2wpkh_address(): {"kind": "token", "amount": 100 * HUSD}},
                          {OWNER.p2wpkh_address(): {"kind": "token", "amount": 200 * HUSD}},
                          {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}],
                         [OWNER, MINER])
        friend_tokens, owner_tokens = (txid, 0), (txid, 1)
        assert_equal(node.gettxout(*friend_tokens)["token"]["amount"], 100 * HUSD)
        self.check(300 * HUSD, vault, 300 * HUSD, collateral)
        log("100 HUSD sent to a friend; supply unchanged")

        # 5. Repay 200 HUSD: the debt falls to 100 HUSD. Repaying to dust debt is refused.
        vin, tok = self.utxo(vault), self.utxo(owner_tokens)
        self.refused("bad-issuance-vault-dust", [vin, tok],
                     [{OWNER.p2wpkh_address(): {"kind": "vault", "debt": 5 * HUSD,
                                                "value": coins(collateral - FEE)}},
                      {OWNER.p2wpkh_address(): {"kind": "token", "amount": 5 * HUSD}}], [OWNER])
        collateral -= FEE
        txid = self.send([vin, tok],
                         [{OWNER.p2wpkh_address(): {"kind": "vault", "debt": 100 * HUSD, "value": coins(collateral)}}],
                         [OWNER])
        vault = (txid, 0)
        self.check(100 * HUSD, vault, 100 * HUSD, collateral)
        log("200 HUSD repaid (burnt): supply 100 HUSD; dust debt refused")

        # 6. Withdraw 2 HMC of collateral (the ratio stays above 150 %).
        vin = self.utxo(vault)
        collateral -= 2 * 10 ** 8 + FEE
        txid = self.send([vin],
                         [{OWNER.p2wpkh_address(): {"kind": "vault", "debt": 100 * HUSD, "value": coins(collateral)}},
                          {OWNER.p2wpkh_address(): coins(2 * 10 ** 8)}],
                         [OWNER])
        vault = (txid, 0)
        self.check(100 * HUSD, vault, 100 * HUSD, collateral)
        assert_equal(satoshi(node.gettxout(txid, 1)["value"]), 2 * 10 ** 8, "the withdrawn HMC")
        log("2 HMC withdrawn")

        # 7. The friend sends the 100 HUSD back; the owner closes the vault by burning them.
        tok, fee = self.utxo(friend_tokens), self.fee_coin()
        txid = self.send([tok, fee],
                         [{OWNER.p2wpkh_address(): {"kind": "token", "amount": 100 * HUSD}},
                          {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}],
                         [FRIEND, MINER])
        owner_tokens = (txid, 0)
        vin, tok = self.utxo(vault), self.utxo(owner_tokens)
        # A close burns exactly the debt: keeping one base unit of the tokens would create it from nothing.
        self.refused("bad-issuance-close-unpaid", [vin, tok],
                     [{OWNER.p2wpkh_address(): coins(collateral - FEE)},
                      {OWNER.p2wpkh_address(): {"kind": "token", "amount": 1}}], [OWNER])
        txid = self.send([vin, tok], [{OWNER.p2wpkh_address(): coins(collateral - FEE)}], [OWNER])
        assert_raises_rpc_error(-5, "No unspent vault", node.getvault, f"{vault[0]}:{vault[1]}")
        assert_equal(satoshi(node.gettxout(txid, 0)["value"]), collateral - FEE, "the collateral back to the owner")
        self.check(0)
        assert_equal(self.info()["vault_count"], 0)
        log("vault closed: the last 100 HUSD burnt, supply 0, collateral returned")


if __name__ == "__main__":
    IssuanceVaultLifeTest().main()
