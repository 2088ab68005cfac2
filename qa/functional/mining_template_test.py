#!/usr/bin/env python3
"""Mining RPCs beyond generatetoaddress: generatetodescriptor, generateblock,
getblocktemplate (BIP 22/23/145, proposal mode), submitblock, getmininginfo.

A block is assembled in Python from getblocktemplate's answer (coinbase with
the BIP 34 height and the BIP 141 witness commitment), checked in proposal
mode, submitted, and variants with a wrong Merkle root or an inflated
coinbase are refused with Core's reasons.
"""
import os
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_OP_TRUE, OP_TRUE_SPK, Block, HashmintTestFramework, MiniWallet,  # noqa: E402
                       assert_equal, assert_in, assert_raises_rpc_error, assert_true, block_from_template, coins, log)


class MiningTemplateTest(HashmintTestFramework):
    """mining_template_test"""

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(101)

        # generatetodescriptor: addr() and raw()
        h = node.generatetodescriptor(1, f"addr({ADDRESS_OP_TRUE})")[0]
        cb = Block.from_hex(node.getblock(h, 0)).txs[0]
        assert_equal(cb.vout[0].script_pubkey, OP_TRUE_SPK, "generatetodescriptor addr() payout")
        spk = "0014" + "22" * 20
        h = node.generatetodescriptor(1, f"raw({spk})")[0]
        cb = Block.from_hex(node.getblock(h, 0)).txs[0]
        assert_equal(cb.vout[0].script_pubkey.hex(), spk, "generatetodescriptor raw() payout")
        assert_raises_rpc_error(-5, None, node.generatetodescriptor, 1, "nonsense(xyz)")

        # generateblock with a given transaction (raw hex), mempool untouched otherwise
        t1 = w.create_self_transfer(fee=2000)
        other = w.send_self_transfer(fee=2000)
        r = node.generateblock(ADDRESS_OP_TRUE, [t1["hex"]])
        blk = node.getblock(r["hash"])
        assert_equal(blk["tx"][1:], [t1["txid"]], "generateblock includes exactly the given tx")
        assert_equal(node.getrawmempool(), [other["txid"]], "generateblock leaves the mempool alone")
        w.add_utxo(t1["new_utxo"])
        # ... or by txid from the mempool
        r = node.generateblock(ADDRESS_OP_TRUE, [other["txid"]])
        assert_equal(node.getblock(r["hash"])["tx"][1:], [other["txid"]])
        assert_equal(node.getrawmempool(), [])
        log("generatetodescriptor / generateblock ok")

        # getblocktemplate needs the segwit rule
        assert_raises_rpc_error(-8, "segwit", node.getblocktemplate)
        assert_raises_rpc_error(-8, "segwit", node.getblocktemplate, {})
        t = w.send_self_transfer(fee=5000)
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        for k in ("version", "previousblockhash", "transactions", "coinbasevalue", "target", "mintime", "curtime",
                  "bits", "height", "default_witness_commitment", "mutable", "noncerange", "sigoplimit",
                  "weightlimit"):
            assert_in(k, tmpl, "getblocktemplate field")
        assert_equal(tmpl["previousblockhash"], node.getbestblockhash())
        assert_equal(tmpl["height"], node.getblockcount() + 1)
        assert_equal([x["txid"] for x in tmpl["transactions"]], [t["txid"]])
        entry = tmpl["transactions"][0]
        assert_equal(entry["fee"], t["fee"], "template fee in base units")
        assert_equal(entry["hash"], t["wtxid"])
        assert_equal(entry["data"], t["hex"])
        assert_equal(tmpl["coinbasevalue"], 10 * 100_000_000 + t["fee"])
        mi = node.getmininginfo()
        assert_equal(mi["blocks"], node.getblockcount())
        assert_equal(mi["pooledtx"], 1)

        blk = block_from_template(tmpl, OP_TRUE_SPK)
        commitment = blk.txs[0].vout[-1].script_pubkey.hex()
        assert_equal(commitment, tmpl["default_witness_commitment"], "witness commitment matches the template's")

        # proposal mode (BIP 23): valid -> null; wrong Merkle root -> reason
        assert_equal(node.getblocktemplate({"mode": "proposal", "data": blk.hex(), "rules": ["segwit"]}), None)
        bad = Block.from_hex(blk.hex())
        bad.merkle = "00" * 32
        bad.solve()
        assert_equal(node.getblocktemplate({"mode": "proposal", "data": bad.hex(), "rules": ["segwit"]}),
                     "bad-txnmrklroot")
        # an inflated coinbase
        infl = block_from_template(dict(tmpl, coinbasevalue=tmpl["coinbasevalue"] + 1), OP_TRUE_SPK)
        assert_equal(node.getblocktemplate({"mode": "proposal", "data": infl.hex(), "rules": ["segwit"]}),
                     "bad-cb-amount")
        assert_equal(node.submitblock(infl.hex()), "bad-cb-amount")
        assert_raises_rpc_error(-22, None, node.submitblock, "00ff")
        log("getblocktemplate / proposals ok")

        # submit the good block
        assert_equal(node.submitblock(blk.hex()), None, "submitblock of the template block")
        assert_equal(node.getbestblockhash(), blk.hash)
        assert_equal(node.getrawmempool(), [])
        assert_equal(node.submitblock(blk.hex()), "duplicate")
        out = node.gettxout(blk.txs[0].txid, 0)
        assert_equal(out["value"], coins(tmpl["coinbasevalue"]), "coinbase pays subsidy + fee")
        assert_true(out["value"] > Decimal(10), "fee collected")
        log("submitblock ok")

        # -blockmintxfee: packages paying less are left out of templates and
        # generated blocks (Core's BlockAssembler option), but stay in the pool.
        node.restart(["-blockmintxfee=0.0005"])
        cheap = w.send_self_transfer(fee_rate=Decimal("0.0001"))
        rich = w.send_self_transfer(fee_rate=Decimal("0.001"))
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        in_tmpl = {t["txid"] for t in tmpl["transactions"]}
        assert_true(rich["txid"] in in_tmpl and cheap["txid"] not in in_tmpl,
                    f"-blockmintxfee filters the template: {in_tmpl}")
        blk = node.getblock(node.generatetoaddress(1, ADDRESS_OP_TRUE)[0])
        assert_true(rich["txid"] in blk["tx"] and cheap["txid"] not in blk["tx"], "generated block honours -blockmintxfee")
        assert_true(cheap["txid"] in node.getrawmempool(), "the cheap tx waits in the mempool")
        node.restart(["-blockmaxweight=4000"])
        blk = node.getblock(node.generatetoaddress(1, ADDRESS_OP_TRUE)[0])
        assert_equal(len(blk["tx"]), 1, "-blockmaxweight=4000 leaves room for the coinbase only")
        log("-blockmintxfee and -blockmaxweight ok")


if __name__ == "__main__":
    MiningTemplateTest().main()
