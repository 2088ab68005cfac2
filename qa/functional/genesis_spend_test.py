#!/usr/bin/env python3
"""The regtest genesis outputs are spendable from height 1 (no coinbase maturity).

On a fresh regtest node (height 0): the genesis coinbase's three outputs
(10 HMC to the well-known genesis key, the HUSD ISSUER and the HUSD ORACLE
output) are in the UTXO set. One transaction spends all three, signed with
signrawtransactionwithkey and the documented regtest keys (doc/chain-params.md,
"Keys: regtest": the genesis key, 3 of the 5 issuer keys, 2 of the 3 oracle
keys, witness scripts given in prevtxs); it recreates the ISSUER and ORACLE
outputs unchanged. The mempool takes it for block 1 and block 1 confirms it;
disconnecting block 1 returns it to the mempool.
A coinbase other than genesis still needs 100 confirmations: block 1's
coinbase is refused at height 2 and at height 100, and taken at height 101.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (GENESIS_KEY, REGTEST_GENESIS_TXID, SUBSIDY, HashmintTestFramework, Key, Tx, TxIn,  # noqa: E402
                       TxOut, assert_equal, assert_in, assert_raises_rpc_error, assert_true, coins, log,
                       sign_with_rpc)

# doc/chain-params.md, "Keys: regtest" and the regtest genesis block's outputs
ISSUER_KEYS = [Key.from_label(f"hashmint regtest issuer key {i}") for i in (1, 2, 3)]
ORACLE_KEYS = [Key.from_label(f"hashmint regtest oracle key {i}") for i in (1, 2)]
ISSUER_WITNESS_SCRIPT = (
    "5321030232ff81e4445918e23691afaaff7fd3617b50c07ada560fa4d12e56f7df2cc82103a9e0281ecf5d969af093f0a6dcb4779ef1"
    "655965c219c8b39ee3d659e0e7b5242103e502c55671ee3d5ff3cb06b97fa2ae0797e552dd45db5585a7bda6f4813b6d782102124bf4"
    "d8a022e0ee8ba3bd25cd5e081c84aab4bc40da172cfb295fd32b6ea8e721039bdb45e7059da65c8ade8bd1c6b0a6817ab5b9d3302804"
    "12ab4d468199f8b2c355ae")
ORACLE_WITNESS_SCRIPT = (
    "522103693a4c32099c21f32b6c2a55134933098be7dbf67557c284fe5b8670db244f9221026766caf58c6b8195c749ef1404dec890"
    "0b7f9c8100b33e98f4dbf420d09ceaf32102c88eed639620f2fd05d095afa575f25aea1ea1738d14fd6515dd33f8388ec2db53ae")
ISSUER_OUTPUT = ("ef0332f0f53641fc754c5eab7e11f1179d16be1b0b2db42f8469d26a94670538d3250000207b914a116e9db5834e2bc355f6"
                 "66f7709af8a7ffe3e483355c706c63fc06a5f4")
ORACLE_OUTPUT = ("ef0432f0f53641fc754c5eab7e11f1179d16be1b0b2db42f8469d26a94670538d32500e40b54020000000020041ab4b1361b5e"
                 "151f4ee5e095552c18f045db0eb30e48c3c1b6a0200a100f3c")


class GenesisSpendTest(HashmintTestFramework):
    """genesis_spend_test"""

    def run_test(self):
        node = self.nodes[0]
        payee = Key.from_label("functional genesis payee key")
        assert_equal(node.getblockcount(), 0, "fresh chain")

        # The three genesis outputs are unspent at height 0.
        want = [(coins(SUBSIDY), GENESIS_KEY.p2wpkh_script().hex()), (Decimal(0), ISSUER_OUTPUT),
                (Decimal(0), ORACLE_OUTPUT)]
        for n, (value, spk) in enumerate(want):
            o = node.gettxout(REGTEST_GENESIS_TXID, n)
            assert_true(o is not None, f"genesis output {n} in the UTXO set at height 0")
            assert_equal(o["value"], value, f"genesis output {n} value")
            assert_equal(o["scriptPubKey"]["hex"], spk, f"genesis output {n} script")
            assert_equal(o["coinbase"], True)
            assert_equal(o["confirmations"], 1)
        assert_equal(node.gettxoutsetinfo()["total_amount"], Decimal(10), "UTXO set: the 10 HMC genesis reward")

        # One transaction spends all three in block 1, recreating ISSUER and ORACLE.
        fee = 10_000
        tx = Tx(2, [TxIn(REGTEST_GENESIS_TXID, n) for n in range(3)],
                [TxOut(SUBSIDY - fee, payee.p2wpkh_script()), TxOut(0, bytes.fromhex(ISSUER_OUTPUT)),
                 TxOut(0, bytes.fromhex(ORACLE_OUTPUT))])
        prevtxs = [
            {"txid": REGTEST_GENESIS_TXID, "vout": 0, "scriptPubKey": want[0][1], "amount": want[0][0]},
            {"txid": REGTEST_GENESIS_TXID, "vout": 1, "scriptPubKey": ISSUER_OUTPUT,
             "witnessScript": ISSUER_WITNESS_SCRIPT, "amount": 0},
            {"txid": REGTEST_GENESIS_TXID, "vout": 2, "scriptPubKey": ORACLE_OUTPUT,
             "witnessScript": ORACLE_WITNESS_SCRIPT, "amount": 0},
        ]
        signed = sign_with_rpc(node, tx.hex(), [GENESIS_KEY] + ISSUER_KEYS + ORACLE_KEYS, prevtxs)
        res = node.testmempoolaccept([signed])[0]
        assert_equal(res["allowed"], True, f"testmempoolaccept of the genesis spend at height 1: {res}")
        txid = node.sendrawtransaction(signed)
        assert_in(txid, node.getrawmempool(), "genesis spend in the mempool")
        log("the mempool takes a spend of the genesis outputs for block 1")

        miner = Key.from_label("functional genesis miner key")
        b1 = node.generatetoaddress(1, miner.p2wpkh_address())[0]
        assert_in(txid, node.getblock(b1)["tx"], "genesis spend confirmed in block 1")
        assert_equal(node.getblockcount(), 1)
        for n in range(3):
            assert_equal(node.gettxout(REGTEST_GENESIS_TXID, n), None, f"genesis output {n} spent")
        assert_equal(node.gettxout(txid, 0)["value"], coins(SUBSIDY - fee))
        assert_equal(node.gettxout(txid, 1)["scriptPubKey"]["hex"], ISSUER_OUTPUT, "ISSUER recreated")
        assert_equal(node.gettxout(txid, 2)["scriptPubKey"]["hex"], ORACLE_OUTPUT, "ORACLE recreated")
        log("block 1 spends them")

        # Disconnecting block 1 returns the spend to the mempool: it stays valid for the next block 1.
        node.invalidateblock(b1)
        assert_equal(node.getblockcount(), 0)
        assert_in(txid, node.getrawmempool(), "genesis spend back in the mempool after the reorg")
        node.reconsiderblock(b1)
        assert_equal(node.getbestblockhash(), b1)
        assert_equal(node.getrawmempool(), [])
        log("a reorg to height 0 keeps the genesis spend in the mempool")

        # Other coinbases keep the 100-block maturity.
        cb1 = node.getblock(b1)["tx"][0]
        cb1_value = node.gettxout(cb1, 0)["value"]
        assert_equal(cb1_value, coins(SUBSIDY + fee), "block 1's coinbase: subsidy + fee")
        raw = Tx(2, [TxIn(cb1, 0)], [TxOut(SUBSIDY, payee.p2wpkh_script())]).hex()
        spend_cb1 = sign_with_rpc(node, raw, [miner], [{"txid": cb1, "vout": 0, "amount": cb1_value,
                                                        "scriptPubKey": miner.p2wpkh_script().hex()}])
        assert_raises_rpc_error(-26, "bad-txns-premature-spend-of-coinbase", node.sendrawtransaction, spend_cb1)
        node.generatetoaddress(98, miner.p2wpkh_address())  # tip 99: the next block is 100
        assert_raises_rpc_error(-26, "bad-txns-premature-spend-of-coinbase", node.sendrawtransaction, spend_cb1)
        node.generatetoaddress(1, miner.p2wpkh_address())  # tip 100: the next block is 101
        cb_txid = node.sendrawtransaction(spend_cb1)
        tip = node.generatetoaddress(1, miner.p2wpkh_address())[0]
        assert_in(cb_txid, node.getblock(tip)["tx"], "block 1's coinbase spent in block 101")
        log("block 1's coinbase: refused for blocks 2 and 100, taken for block 101")


if __name__ == "__main__":
    GenesisSpendTest().main()
