#!/usr/bin/env python3
"""Mempool acceptance: Core's reject reasons and testmempoolaccept's shapes.

Each policy or consensus failure the issue lists gets a transaction that
fails for exactly that reason, checked through testmempoolaccept
(reject-reason) and, where useful, sendrawtransaction (error code -26/-25).
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (OP_NOP, OP_RETURN, OP_TRUE_SPK, Block, HashmintTestFramework, MiniWallet, Tx, TxIn,  # noqa: E402
                       TxOut, assert_equal, assert_greater_than, assert_raises_rpc_error, assert_true, coins, push)


class MempoolAcceptTest(HashmintTestFramework):
    """mempool_accept_test"""

    def check(self, tx, reason, send_code=-26):
        """tx must be rejected with `reason` by testmempoolaccept and sendrawtransaction."""
        h = tx if isinstance(tx, str) else tx.hex()
        r = self.node.testmempoolaccept([h])
        assert_equal(len(r), 1, "testmempoolaccept result count")
        assert_equal(r[0]["allowed"], False, f"tx expected rejected with {reason}: {r[0]}")
        assert_true(r[0]["reject-reason"].startswith(reason),
                    f"reject-reason {r[0]['reject-reason']!r}, expected {reason!r}")
        if send_code is not None:
            assert_raises_rpc_error(send_code, None, self.node.sendrawtransaction, h)
        self.log(f"rejected: {reason}")

    def log(self, m):
        print("  " + m, flush=True)

    def run_test(self):
        node = self.node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(120)
        mempool_before = node.getmempoolinfo()
        assert_equal(mempool_before["size"], 0)

        # -- a valid transaction: testmempoolaccept's shape, then acceptance --
        t = w.create_self_transfer(fee_rate=Decimal("0.0001"))
        r = node.testmempoolaccept([t["hex"]])
        assert_equal(len(r), 1)
        r = r[0]
        assert_equal(r["txid"], t["txid"])
        assert_equal(r["wtxid"], t["wtxid"])
        assert_equal(r["allowed"], True, f"valid tx: {r}")
        assert_equal(r["vsize"], t["vsize"], "testmempoolaccept vsize")
        assert_equal(r["fees"]["base"], coins(t["fee"]), "testmempoolaccept fees.base")
        assert_equal(node.getrawmempool(), [], "testmempoolaccept does not add")
        txid = node.sendrawtransaction(t["hex"])
        assert_equal(txid, t["txid"])
        w.add_utxo(t["new_utxo"])
        # Sending it again returns the txid; testing it again says it is there.
        assert_equal(node.sendrawtransaction(t["hex"]), txid, "resend of a mempool tx")
        r = node.testmempoolaccept([t["hex"]])[0]
        assert_equal(r["allowed"], False)
        assert_equal(r["reject-reason"], "txn-already-in-mempool")
        info = node.getmempoolinfo()
        assert_equal(info["size"], 1)
        assert_equal(info["bytes"], t["vsize"], "getmempoolinfo bytes = sum of vsizes")
        e = node.getmempoolentry(txid)
        assert_equal(e["vsize"], t["vsize"])
        assert_equal(e["fees"]["base"], coins(t["fee"]))

        # -- testmempoolaccept argument shapes --
        assert_raises_rpc_error(-8, None, node.testmempoolaccept, [])
        assert_raises_rpc_error(-8, None, node.testmempoolaccept, [t["hex"]] * 26)
        assert_raises_rpc_error(-22, None, node.testmempoolaccept, ["00"])
        assert_raises_rpc_error(-22, None, node.testmempoolaccept, ["zz"])
        assert_raises_rpc_error(-3, None, node.testmempoolaccept, t["hex"])
        assert_raises_rpc_error(-22, None, node.sendrawtransaction, "0200")
        # maxfeerate: a 0.01 HMC fee on ~110 vB is ~9 HMC/kvB, above the default 0.10.
        u0 = w.get_utxo()
        hi = w.create_self_transfer(utxo=u0, fee=1_000_000)
        r = node.testmempoolaccept([hi["hex"]])[0]
        assert_equal(r["allowed"], False)
        assert_equal(r["reject-reason"], "max-fee-exceeded")
        assert_raises_rpc_error(-25, "Fee exceeds maximum", node.sendrawtransaction, hi["hex"])
        r = node.testmempoolaccept([hi["hex"]], 0)[0]  # 0 = no limit
        assert_equal(r["allowed"], True, f"maxfeerate=0 lifts the limit: {r}")
        w.add_utxo(u0)  # only tested, never sent

        # -- dust output --
        u = w.get_utxo()
        tx = Tx(2, [w.spend_input(u)], [TxOut(100, OP_TRUE_SPK), TxOut(u.value - 100 - 10000, OP_TRUE_SPK)])
        self.check(tx, "dust")

        # -- token prefixes (doc/issuance.md): malformed or naming an unknown
        #    asset; the mempool applies the same output rule as blocks --
        unknown_asset = bytes([0xEF, 0x01]) + bytes([0x11]) * 32 + bytes([0x01]) + OP_TRUE_SPK
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 10000, unknown_asset)])
        self.check(tx, "bad-txns-token-unknown-asset")
        # A malformed prefix is not a standard output either, and standardness
        # is checked first (as Core runs IsStandardTx before contextual checks).
        truncated = bytes([0xEF, 0x01]) + bytes([0x11]) * 10
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 10000, truncated)])
        self.check(tx, "scriptpubkey")
        assert_equal(len(node.generatetoaddress(1, w.address)), 1, "mining still works after the rejections")

        # -- minimum relay fee: fee 0 --
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value, OP_TRUE_SPK)])
        self.check(tx, "min relay fee not met")
        # just below 1 sat/vB
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 50, OP_TRUE_SPK)])
        assert_greater_than(tx.vsize(), 50)
        self.check(tx, "min relay fee not met")

        # -- non-final: lock time in the future with a non-final sequence --
        height = node.getblockcount()
        tx = Tx(2, [w.spend_input(u, sequence=0xfffffffe)], [TxOut(u.value - 10000, OP_TRUE_SPK)], locktime=height + 10)
        self.check(tx, "non-final")
        # final at the next height: accepted by testmempoolaccept
        tx.locktime = height
        assert_equal(node.testmempoolaccept([tx.hex()])[0]["allowed"], True, "lock time = tip height is final")
        # BIP 68: relative lock of 5 blocks on a coin confirmed long ago is fine, on a fresh one it is not.
        fresh = w.send_self_transfer()
        node.generatetoaddress(1, w.address)
        fu = w.get_utxo(fresh["txid"])
        tx = Tx(2, [w.spend_input(fu, sequence=5)], [TxOut(fu.value - 10000, OP_TRUE_SPK)])
        self.check(tx, "non-BIP68-final")
        w.add_utxo(fu)

        # -- premature spend of a coinbase --
        young = [x for x in w.utxos if x.coinbase and not w.mature(x)]
        assert_true(young, "an immature coinbase in the wallet")
        yu = young[-1]
        tx = Tx(2, [w.spend_input(yu)], [TxOut(yu.value - 10000, OP_TRUE_SPK)])
        self.check(tx, "bad-txns-premature-spend-of-coinbase")

        # -- missing inputs --
        tx = Tx(2, [TxIn("ab" * 32, 0, b"", 0xfffffffd, [bytes([0x51])])], [TxOut(10000, OP_TRUE_SPK)])
        r = node.testmempoolaccept([tx.hex()])[0]
        assert_equal(r["allowed"], False)
        assert_equal(r["reject-reason"], "missing-inputs")
        assert_raises_rpc_error(-25, "bad-txns-inputs-missingorspent", node.sendrawtransaction, tx.hex())
        # a confirmed transaction cannot be sent again
        confirmed = w.send_self_transfer()
        node.generatetoaddress(1, w.address)
        assert_raises_rpc_error(-27, None, node.sendrawtransaction, confirmed["hex"])

        # -- conflicting spend with a fee that does not pay for the replacement --
        c1 = w.create_self_transfer(utxo=u, fee_rate=Decimal("0.0002"))
        node.sendrawtransaction(c1["hex"])
        c2 = w.create_self_transfer(utxo=u, fee_rate=Decimal("0.0001"))
        r = node.testmempoolaccept([c2["hex"]])[0]
        assert_equal(r["allowed"], False)
        assert_true(r["reject-reason"] in ("txn-mempool-conflict", "insufficient fee"),
                    f"conflict reject-reason {r['reject-reason']!r}")
        assert_raises_rpc_error(-26, None, node.sendrawtransaction, c2["hex"])
        w.add_utxo(c1["new_utxo"])

        # -- scriptSig not push-only --
        u = w.get_utxo()
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 10000, OP_TRUE_SPK)])
        tx.vin[0].script_sig = bytes([OP_NOP])
        self.check(tx, "scriptsig-not-pushonly")

        # -- duplicate inputs (CheckTransaction) --
        tx = Tx(2, [w.spend_input(u), w.spend_input(u)], [TxOut(u.value - 10000, OP_TRUE_SPK)])
        self.check(tx, "bad-txns-inputs-duplicate")

        # -- outputs above inputs --
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value + 1, OP_TRUE_SPK)])
        self.check(tx, "bad-txns-in-belowout")

        # -- non-standard output script --
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 10000, bytes([OP_NOP, OP_NOP]))])
        self.check(tx, "scriptpubkey")

        # -- more than one OP_RETURN output --
        ret = bytes([OP_RETURN]) + push(b"hm")
        tx = Tx(2, [w.spend_input(u)], [TxOut(0, ret), TxOut(0, ret), TxOut(u.value - 10000, OP_TRUE_SPK)])
        self.check(tx, "multi-op-return")

        # -- non-standard version --
        tx = Tx(4, [w.spend_input(u)], [TxOut(u.value - 10000, OP_TRUE_SPK)])
        self.check(tx, "version")

        # -- transaction too small (non-witness size below 65 bytes) --
        # (a zero-value OP_RETURN: sendrawtransaction refuses to burn a positive value first)
        tx = Tx(2, [w.spend_input(u)], [TxOut(0, bytes([OP_RETURN]))])
        assert_true(len(tx.serialize(False)) < 65)
        self.check(tx, "tx-size-small")

        # -- a coinbase is never accepted loose --
        cb_hex = Block.from_hex(node.getblock(node.getbestblockhash(), 0)).txs[0].hex()
        self.check(cb_hex, "coinbase", send_code=-27)  # its outputs exist: "already in utxo set"

        # -- oversized scriptSig --
        tx = Tx(2, [w.spend_input(u)], [TxOut(u.value - 10000, OP_TRUE_SPK)])
        tx.vin[0].script_sig = push(b"\x01" * 1651)
        self.check(tx, "scriptsig-size")

        # After all that the mempool holds only the one accepted, unmined transaction.
        assert_equal(node.getrawmempool(), [c1["txid"]], "final mempool")


if __name__ == "__main__":
    MempoolAcceptTest().main()
