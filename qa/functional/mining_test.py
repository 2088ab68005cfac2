#!/usr/bin/env python3
"""Mining on regtest and spending a mature coinbase.

Mines 200 blocks with generatetoaddress to a key we hold, spends the first
coinbase with createrawtransaction / signrawtransactionwithkey /
sendrawtransaction, mines it and checks the coins with gettxout, getblock
and gettxoutsetinfo. Also spends the regtest genesis output (spendable on
hashmint chains) with the well-known genesis key.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (GENESIS_KEY, REGTEST_GENESIS_HASH, REGTEST_GENESIS_TXID, HashmintTestFramework,  # noqa: E402
                       Key, assert_equal, assert_greater_than, assert_in, assert_raises_rpc_error, assert_true,
                       sign_with_rpc)


class MiningTest(HashmintTestFramework):
    """mining_test"""

    def run_test(self):
        node = self.nodes[0]
        miner = Key.from_label("functional mining key")
        payee = Key.from_label("functional payee key")
        miner_addr, payee_addr = miner.p2wpkh_address(), payee.p2wpkh_address()

        assert_equal(node.getblockcount(), 0, "fresh chain height")
        assert_equal(node.getbestblockhash(), REGTEST_GENESIS_HASH, "regtest genesis")
        assert_equal(node.getblockhash(0), REGTEST_GENESIS_HASH)

        v = node.validateaddress(miner_addr)
        assert_true(v["isvalid"], f"validateaddress({miner_addr})")
        assert_equal(v["scriptPubKey"], miner.p2wpkh_script().hex(), "validateaddress scriptPubKey")

        hashes = node.generatetoaddress(200, miner_addr)
        assert_equal(len(hashes), 200, "generatetoaddress returns one hash per block")
        assert_equal(node.getblockcount(), 200)
        assert_equal(node.getbestblockhash(), hashes[-1])
        assert_equal(node.getblockhash(1), hashes[0])
        info = node.getblockchaininfo()
        assert_equal(info["blocks"], 200, "getblockchaininfo blocks")
        assert_equal(info["bestblockhash"], hashes[-1])
        mi = node.getmininginfo()
        assert_equal(mi["blocks"], 200, "getmininginfo blocks")

        # Every block's coinbase pays the 10 HMC subsidy to the miner; BIP 34 height in the scriptSig.
        b1 = node.getblock(hashes[0])
        assert_equal(b1["height"], 1)
        assert_equal(b1["previousblockhash"], REGTEST_GENESIS_HASH)
        cb_txid = b1["tx"][0]
        b1v2 = node.getblock(hashes[0], 2)
        cb = b1v2["tx"][0]
        assert_equal(cb["txid"], cb_txid)
        assert_true(cb["vin"][0]["coinbase"].startswith("51"), f"BIP 34 height 1 in coinbase {cb['vin'][0]}")
        assert_equal(cb["vout"][0]["value"], Decimal("10"), "block 1 subsidy")
        assert_equal(cb["vout"][0]["scriptPubKey"]["hex"], miner.p2wpkh_script().hex())

        out = node.gettxout(cb_txid, 0)
        assert_true(out is not None, "block 1 coinbase unspent")
        assert_equal(out["value"], Decimal("10"))
        assert_equal(out["confirmations"], 200)
        assert_equal(out["coinbase"], True)
        assert_equal(out["scriptPubKey"]["hex"], miner.p2wpkh_script().hex())

        # Spend it: 6 HMC to the payee, the rest minus 0.0001 fee back to the miner.
        fee = Decimal("0.0001")
        change = Decimal("10") - Decimal("6") - fee
        raw = node.createrawtransaction([{"txid": cb_txid, "vout": 0}],
                                        [{payee_addr: Decimal("6")}, {miner_addr: change}])
        dec = node.decoderawtransaction(raw)
        assert_equal(len(dec["vin"]), 1)
        assert_equal(dec["vout"][0]["value"], Decimal("6"))
        prevtxs = [{"txid": cb_txid, "vout": 0, "scriptPubKey": miner.p2wpkh_script().hex(), "amount": Decimal("10")}]
        unsigned = node.signrawtransactionwithkey(raw, [], prevtxs)
        assert_equal(unsigned["complete"], False, "signing without the key is incomplete")
        signed = sign_with_rpc(node, raw, [miner], prevtxs)
        assert_equal(node.testmempoolaccept([signed])[0]["allowed"], True, "testmempoolaccept of the spend")
        txid = node.sendrawtransaction(signed)
        assert_equal(txid, node.decoderawtransaction(signed)["txid"])
        assert_in(txid, node.getrawmempool(), "spend in the mempool")
        entry = node.getmempoolentry(txid)
        assert_equal(entry["fees"]["base"], fee, "mempool entry fee")
        assert_equal(node.getrawtransaction(txid), signed, "getrawtransaction from the mempool")

        tip = node.generatetoaddress(1, miner_addr)[0]
        assert_equal(node.getrawmempool(), [], "mempool empty after mining")
        blk = node.getblock(tip)
        assert_equal(blk["height"], 201)
        assert_in(txid, blk["tx"], "spend mined in block 201")
        # The coinbase collects subsidy plus the fee.
        blk2 = node.getblock(tip, 2)
        cb_value = sum(o["value"] for o in blk2["tx"][0]["vout"])
        assert_equal(cb_value, Decimal("10") + fee, "coinbase of block 201 = subsidy + fee")

        assert_equal(node.gettxout(cb_txid, 0), None, "spent coinbase gone from the UTXO set")
        o0, o1 = node.gettxout(txid, 0), node.gettxout(txid, 1)
        assert_equal(o0["value"], Decimal("6"))
        assert_equal(o0["confirmations"], 1)
        assert_equal(o0["scriptPubKey"]["hex"], payee.p2wpkh_script().hex())
        assert_equal(o1["value"], Decimal("10") - Decimal("6") - fee)
        assert_equal(node.gettxout(txid, 2), None, "no third output")

        # An immature coinbase (block 150 at height 201: 52 confirmations) cannot be spent.
        cb150 = node.getblock(hashes[149])["tx"][0]
        raw = node.createrawtransaction([{"txid": cb150, "vout": 0}], [{payee_addr: Decimal("9.999")}])
        signed150 = sign_with_rpc(node, raw, [miner], [{"txid": cb150, "vout": 0,
                                  "scriptPubKey": miner.p2wpkh_script().hex(), "amount": Decimal("10")}])
        assert_raises_rpc_error(-26, "bad-txns-premature-spend-of-coinbase", node.sendrawtransaction, signed150)

        # The regtest genesis output 0 (10 HMC to the well-known genesis key) is spendable.
        g = node.gettxout(REGTEST_GENESIS_TXID, 0)
        assert_true(g is not None, "genesis output 0 in the UTXO set")
        assert_equal(g["value"], Decimal("10"))
        raw = node.createrawtransaction([{"txid": REGTEST_GENESIS_TXID, "vout": 0}], [{payee_addr: Decimal("9.99")}])
        gsigned = sign_with_rpc(node, raw, [GENESIS_KEY], [{"txid": REGTEST_GENESIS_TXID, "vout": 0,
                                "scriptPubKey": GENESIS_KEY.p2wpkh_script().hex(), "amount": Decimal("10")}])
        gtxid = node.sendrawtransaction(gsigned)
        node.generatetoaddress(1, miner_addr)
        assert_equal(node.gettxout(REGTEST_GENESIS_TXID, 0), None, "genesis output spent")
        assert_equal(node.gettxout(gtxid, 0)["value"], Decimal("9.99"))

        # UTXO-set totals: genesis 10 + 202 blocks x 10 (fees stay inside the set).
        s = node.gettxoutsetinfo()
        assert_equal(s["height"], 202)
        assert_equal(s["bestblock"], node.getbestblockhash())
        assert_equal(s["total_amount"], Decimal("10") * 203, "gettxoutsetinfo total_amount")
        assert_greater_than(s["txouts"], 202, "gettxoutsetinfo txouts")


if __name__ == "__main__":
    MiningTest().main()
