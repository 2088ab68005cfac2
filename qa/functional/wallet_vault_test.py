#!/usr/bin/env python3
"""The wallet's vault and issuer RPCs (doc/wallet.md, "Vaults and issuer").

One node, five wallets:
- "owner" gets a vault opened by a coinbase paying its address
  (generatetovault) and fee coins; it also holds issuer key 1 and oracle
  key 1 (importdescriptors of the regtest wsh(multi(...)) descriptors with
  one private key);
- "issuer2" holds issuer key 2 and oracle key 2, "issuer3" issuer key 3;
- "board" holds issuer keys 1-3 (the threshold) and pays its own fees;
- "other" owns nothing and is refused.
Checked:
- the vault is in the owner's listvaults (wallet endpoint) and not in the
  others'; the node endpoint lists every vault; the vault's collateral is
  not in the balance nor in listunspent (never ordinary coin selection);
  it survives a restart and follows a reorg (invalidateblock: gone;
  reconsiderblock: back);
- vaultdeposit and vaultwithdraw (complete, owner's keys only);
- mint refused while the genesis price is stale; setoracleprice as a PSBT
  round (owner signs 1 of 2, issuer2 completes, finalizepsbt,
  sendrawtransaction);
- mint as a 3-of-5 PSBT round: the owner's PSBT signed separately by
  issuer2 and issuer3, combinepsbt, finalizepsbt, sendrawtransaction; the
  debt and supply follow;
- a mint whose ratio would fall below 150% is refused before signing
  (bad-issuance-mint-ratio), as is a withdrawal that would do the same,
  and debt below the minimum vault debt;
- setissuerpaused true by "board" (complete at once) makes mint refuse
  (bad-issuance-mint-paused); setissuerpaused false lets it mint again;
- bad input: someone else's vault, an unknown vault, bad amounts;
- the full token life with the tokens branch's RPCs: mint (PSBT round),
  sendtoken to another wallet and back, vaultrepay of the whole debt,
  vaultwithdraw of all the collateral closing the vault.
"""
import json
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_in, assert_raises_rpc_error,  # noqa: E402
                       assert_true, log, satoshi, wait_until)

HUSD = 100_000_000
ISSUER = [Key.from_label(f"hashmint regtest issuer key {i}") for i in range(1, 6)]
ORACLE = [Key.from_label(f"hashmint regtest oracle key {i}") for i in range(1, 4)]


def multi_desc(node, m, keys, private):
    """wsh(multi(m, ...)) in the witness script's key order, with the private keys of the indices in `private`."""
    body = "wsh(multi(%d,%s))" % (m, ",".join(k.wif() if i in private else k.pubkey.hex()
                                              for i, k in enumerate(keys)))
    return body + "#" + node.getdescriptorinfo(body)["checksum"]


class WalletVaultTest(HashmintTestFramework):
    """wallet_vault_test"""

    def set_test_params(self):
        self.extra_args = [["-keypool=20"]]

    def import_keys(self, w, issuer=(), oracle=()):
        reqs = []
        if issuer:
            reqs.append({"desc": multi_desc(self.node, 3, ISSUER, issuer), "timestamp": "now"})
        if oracle:
            reqs.append({"desc": multi_desc(self.node, 2, ORACLE, oracle), "timestamp": "now"})
        for r in w.importdescriptors(reqs):
            assert_true(r["success"], f"importdescriptors: {r}")

    def mine(self, n=1):
        return self.node.generatetoaddress(n, self.miner_addr)

    def asset(self):
        return self.node.getissuanceinfo()["assets"][0]

    def vault(self, outpoint):
        return self.node.getvault(outpoint)

    def send_psbt(self, psbt):
        fin = self.node.finalizepsbt(psbt)
        assert_true(fin["complete"], f"finalized: {fin}")
        txid = self.node.sendrawtransaction(fin["hex"])
        self.mine()
        assert_equal(self.node.getrawmempool(), [], "mined")
        return txid

    def run_test(self):
        node = self.nodes[0]
        self.node = node
        names = ["owner", "issuer2", "issuer3", "board", "other"]
        for n in names:
            node.createwallet(n)
        owner, issuer2, issuer3, board, other = (node.wallet(n) for n in names)
        self.import_keys(owner, issuer=[0], oracle=[0])
        self.import_keys(issuer2, issuer=[1], oracle=[1])
        self.import_keys(issuer3, issuer=[2])
        self.import_keys(board, issuer=[0, 1, 2])
        self.miner_addr = other.getnewaddress()

        log("a coinbase opens a vault paying the owner's address; fee coins mature")
        owner_addr = owner.getnewaddress()
        [h] = node.generatetovault(1, owner_addr, 50)
        cb = node.getblock(h)["tx"][0]
        [vault] = [x["outpoint"] for x in node.listvaults() if x["outpoint"].startswith(cb)]
        assert_equal(node.getvault(vault)["coinbase"], True)
        node.generatetoaddress(101, owner_addr)
        board.getbalance()
        owner.sendtoaddress(board.getnewaddress(), 10)
        self.mine()
        v = self.vault(vault)
        collateral = v["collateral"]
        assert_true(v["mature"], f"mature: {v}")

        log("listvaults: the wallet endpoint lists the wallet's vaults, the node endpoint all")
        assert_equal([x["outpoint"] for x in owner.listvaults()], [vault])
        assert_equal(other.listvaults(), [])
        assert_in(vault, [x["outpoint"] for x in node.listvaults()])
        node.generatetovault(1, other.getnewaddress(), 10)
        assert_equal(len(node.listvaults()), 2, "the node lists every vault")
        assert_equal([x["outpoint"] for x in owner.listvaults()], [vault], "the owner only its own")
        assert_equal(len(other.listvaults()), 1)
        rc, out, errtext = node.cli("-rpcwallet=owner", "listvaults")
        assert_equal((rc, [x["outpoint"] for x in json.loads(out)]), (0, [vault]), "hashmint-cli -rpcwallet")

        log("the vault is not a coin: not in listunspent, never picked by coin selection")
        assert_true(all(f"{u['txid']}:{u['vout']}" != vault for u in owner.listunspent()), "vault not listed")
        bal = owner.getbalance()
        try:
            owner.sendtoaddress(other.getnewaddress(), bal + 1)
            raise AssertionError("sending more than the balance must fail")
        except Exception as e:  # noqa: BLE001
            assert_in("Insufficient funds", str(e))

        log("bad input")
        other_vault = node.listvaults()[0]["outpoint"] if node.listvaults()[0]["outpoint"] != vault \
            else node.listvaults()[1]["outpoint"]
        assert_raises_rpc_error(-4, "Vault is not owned by this wallet", owner.vaultdeposit, other_vault, 1)
        assert_raises_rpc_error(-4, "Vault is not owned by this wallet", owner.mint, other_vault, 10 * HUSD)
        assert_raises_rpc_error(-5, "No unspent vault at this outpoint", owner.vaultdeposit, "00" * 32 + ":0", 1)
        assert_raises_rpc_error(-5, "No unspent vault at this outpoint", owner.vaultdeposit, f"{cb}:9", 1)
        assert_raises_rpc_error(-8, "Invalid vault", owner.vaultdeposit, "nonsense", 1)
        assert_raises_rpc_error(-3, "Amount out of range", owner.vaultdeposit, vault, -1)
        assert_raises_rpc_error(-3, "Invalid amount", owner.vaultdeposit, vault, "0.000000001")
        assert_raises_rpc_error(-3, "Invalid amount", owner.mint, vault, 0)
        assert_raises_rpc_error(-3, "whole base units", owner.mint, vault, "1.5")
        assert_raises_rpc_error(-8, "exceeds the vault's collateral", owner.vaultwithdraw, vault,
                                Decimal(collateral + 1) / 10**8)

        log("vaultdeposit: 5 HMC more collateral, signed by the owner alone")
        r = owner.vaultdeposit(vault, 5)
        assert_true(r["complete"], r)
        assert_equal(r["vault"], f"{r['txid']}:0")
        self.mine()
        vault = r["vault"]
        collateral += 5 * 10**8
        assert_equal(self.vault(vault)["collateral"], collateral)
        assert_equal([x["outpoint"] for x in owner.listvaults()], [vault])

        log("vaultwithdraw: 2 HMC to another wallet (no debt: no price needed)")
        dest = other.getnewaddress()
        r = owner.vaultwithdraw(vault, 2, dest)
        assert_true(r["complete"], r)
        self.mine()
        vault = r["vault"]
        collateral -= 2 * 10**8
        assert_equal(self.vault(vault)["collateral"], collateral)
        assert_equal([u["amount"] for u in other.listunspent() if u["address"] == dest], [2])

        log("mint is refused while the oracle price is stale (genesis price)")
        assert_true(not self.asset()["price_fresh"], "the genesis price is stale by now")
        assert_raises_rpc_error(-4, "bad-issuance-mint-price-stale", owner.mint, vault, 100 * HUSD)
        assert_raises_rpc_error(-4, "oracle price is stale", owner.mint, vault, 100 * HUSD)

        log("setoracleprice 100 HUSD/HMC: the owner signs 1 of 2, issuer2 completes the round")
        r = owner.setoracleprice(100 * HUSD)
        assert_true(not r["complete"], "one oracle key is not enough")
        assert_true(not node.finalizepsbt(r["psbt"])["complete"], "not final yet")
        p2 = issuer2.walletprocesspsbt(r["psbt"])
        assert_true(p2["complete"], f"the second oracle key completes it: {p2}")
        self.send_psbt(p2["psbt"])
        a = self.asset()
        assert_equal(a["price"], 100 * HUSD)
        assert_true(a["price_fresh"])

        log("mint refused when the ratio would fall below 150%, and below the minimum debt")
        # collateral * 100 HUSD/HMC / 1.5 is the most debt allowed
        most = collateral * 100 * 100 // (150 * 10**8)  # whole HUSD, rounded down
        assert_raises_rpc_error(-4, "bad-issuance-mint-ratio", owner.mint, vault, (most + 1) * HUSD)
        assert_raises_rpc_error(-4, "below the minimum 150%", owner.mint, vault, (most + 1) * HUSD)
        assert_raises_rpc_error(-4, "bad-issuance-vault-dust", owner.mint, vault, 5 * HUSD)

        minted = most // 2
        log(f"mint {minted} HUSD: 3-of-5 PSBT round (owner + issuer2 + issuer3, combinepsbt)")
        r = owner.mint(vault, minted * HUSD)
        assert_true(not r["complete"], "the owner holds one issuer key of three")
        new_vault = r["vault"]
        s2 = issuer2.walletprocesspsbt(r["psbt"])
        s3 = issuer3.walletprocesspsbt(r["psbt"])
        assert_true(not s2["complete"] and not s3["complete"], "two of five are not enough")
        combined = node.combinepsbt([s2["psbt"], s3["psbt"]])
        txid = self.send_psbt(combined)
        assert_equal(f"{txid}:0", new_vault, "the vault the mint announced")
        vault = new_vault
        v = self.vault(vault)
        assert_equal(v["debt"], minted * HUSD)
        assert_equal(v["collateral"], collateral)
        assert_equal(self.asset()["supply"], minted * HUSD)
        tok = node.gettxout(txid, 1)
        assert_equal(tok["token"]["amount"], minted * HUSD, "the new tokens at output 1")
        assert_equal(tok["scriptPubKey"]["address"], owner_addr, "paid to the vault's own address")
        assert_true(node.auditreserves()["ok"])

        log("vaultwithdraw refused when the ratio would fall below the minimum")
        assert_raises_rpc_error(-4, "bad-issuance-withdraw-ratio", owner.vaultwithdraw, vault,
                                Decimal(collateral - 10**8) / 10**8)

        log("setissuerpaused true by the board (3 keys: complete at once); mint refuses")
        # through hashmint-cli -rpcwallet (its argument table converts "true")
        rc, out, errtext = node.cli("-rpcwallet=board", "setissuerpaused", "true")
        assert_equal(rc, 0, errtext)
        r = json.loads(out)
        assert_true(r["complete"], r)
        self.mine()
        assert_true(self.asset()["paused"], "paused")
        assert_raises_rpc_error(-4, "bad-issuance-mint-paused", owner.mint, vault, 10 * HUSD)
        assert_raises_rpc_error(-4, "paused by the issuer", owner.mint, vault, 10 * HUSD)

        log("setissuerpaused false: a PSBT round from the owner; minting works again")
        r = owner.setissuerpaused(False)
        assert_true(not r["complete"], r)
        p = issuer3.walletprocesspsbt(issuer2.walletprocesspsbt(r["psbt"])["psbt"])
        assert_true(p["complete"], p)
        self.send_psbt(p["psbt"])
        assert_true(not self.asset()["paused"])
        r = board.getbalance()
        r = owner.mint(vault, 10 * HUSD)
        p = issuer3.walletprocesspsbt(issuer2.walletprocesspsbt(r["psbt"])["psbt"])
        self.send_psbt(p["psbt"])
        vault = r["vault"]
        assert_equal(self.vault(vault)["debt"], (minted + 10) * HUSD)

        log("the price goes stale again: mint and a withdrawal with debt are refused")
        self.mine(31)
        assert_raises_rpc_error(-4, "bad-issuance-mint-price-stale", owner.mint, vault, 10 * HUSD)
        assert_raises_rpc_error(-4, "bad-issuance-withdraw-price-stale", owner.vaultwithdraw, vault, 1)
        # a deposit needs no price
        r = owner.vaultdeposit(vault, 1)
        assert_true(r["complete"])
        self.mine()
        vault = r["vault"]

        log("the wallet keeps its vault across a restart and follows a reorg")
        node.restart()
        node.loadwallet("owner")
        owner = node.wallet("owner")
        assert_equal([x["outpoint"] for x in owner.listvaults()], [vault])
        tip_block = node.getbestblockhash()
        node.invalidateblock(tip_block)
        wait_until(lambda: vault not in [x["outpoint"] for x in owner.listvaults()], what="vault gone with its block")
        node.reconsiderblock(tip_block)
        wait_until(lambda: [x["outpoint"] for x in owner.listvaults()] == [vault], what="vault back")

        log("token life: sendtoken to another wallet and back, repay all, withdraw all (closes the vault)")
        node.loadwallet("other")
        other = node.wallet("other")
        debt = self.vault(vault)["debt"]
        assert_equal(owner.gettokenbalance("HUSD"), debt, "the owner holds every minted token")
        friend = other.getnewaddress()
        owner.sendtoken(friend, 50 * HUSD)
        self.mine()
        assert_equal(other.gettokenbalance("HUSD"), 50 * HUSD)
        assert_equal(owner.gettokenbalance("HUSD"), debt - 50 * HUSD)
        other.sendtoken(owner.getnewaddress(), 50 * HUSD)
        self.mine()
        assert_equal(owner.gettokenbalance("HUSD"), debt)
        r = owner.vaultrepay(vault, debt)
        assert_equal(r["debt"], 0)
        self.mine()
        vault = r["vault"]
        assert_equal(self.asset()["supply"], 0, "every token burnt")
        coll = self.vault(vault)["collateral"]
        dest = owner.getnewaddress()
        r = owner.vaultwithdraw(vault, Decimal(coll) / 10**8, dest)
        assert_true(r["complete"] and "vault" not in r, f"closed: {r}")
        self.mine()
        assert_raises_rpc_error(None, None, node.getvault, vault)
        assert_equal(owner.listvaults(), [])
        assert_equal([u["amount"] for u in owner.listunspent() if u["address"] == dest], [Decimal(coll) / 10**8])
        assert_true(node.auditreserves()["ok"])
        log("done")


if __name__ == "__main__":
    WalletVaultTest().main()
