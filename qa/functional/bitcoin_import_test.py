#!/usr/bin/env python3
"""Importing real Bitcoin blocks: hashmintd -chain=bitcoin -loadblock=FILE.

qa/data/bitcoin-mainnet/blocks-1-255.dat holds mainnet blocks 1-255 in
blk-file format. The node must end at height 255 with the known tip, with
block 170's spend (the first person-to-person payment) validated, print
progress lines while importing, and keep the chain across a restart.
"""
import os
import struct
import sys
from decimal import Decimal

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (Block, HashmintTestFramework, assert_equal, assert_true, coins, data_file, log,  # noqa: E402
                       wait_until)

TIP = "00000000d0a75c861fabf9ff7b92022f60e4afeed9331fe5aa073d8e4706fe3c"
GENESIS = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"
BLOCK170_SPEND = "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16"
BLOCK9_COINBASE = "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9"


def utxo_set(path):
    """Replays the blk file in Python: {(txid, n): value}."""
    data = open(path, "rb").read()
    utxo, i = {}, 0
    while i < len(data):
        (length,) = struct.unpack("<I", data[i + 4:i + 8])
        block = Block.from_hex(data[i + 8:i + 8 + length].hex())
        i += 8 + length
        for tx in block.txs:
            for txin in tx.vin:
                if txin.txid != "00" * 32:
                    del utxo[(txin.txid, txin.vout)]
            for n, o in enumerate(tx.vout):
                utxo[(tx.txid, n)] = o.value
    return utxo


class BitcoinImportTest(HashmintTestFramework):
    """bitcoin_import_test"""
    chain = "bitcoin"

    def run_test(self):
        node = self.nodes[0]
        blocks = data_file("bitcoin-mainnet", "blocks-1-255.dat")
        node.start([f"-loadblock={blocks}"])
        wait_until(lambda: node.getblockcount() == 255, timeout=60, what="import reaches height 255")
        assert_equal(node.getbestblockhash(), TIP, "tip after import")
        assert_equal(node.getblockhash(0), GENESIS, "bitcoin genesis")
        # block 170: 10 BTC to Hal Finney and 40 BTC back; block 9's coinbase is spent
        b170 = node.getblock(node.getblockhash(170))
        assert_true(BLOCK170_SPEND in b170["tx"], "block 170 holds the spend")
        out0 = node.gettxout(BLOCK170_SPEND, 0)
        assert_true(out0 is not None, "block 170's payment to Hal Finney unspent")
        assert_equal(out0["value"], Decimal("10"))
        assert_equal(node.gettxout(BLOCK170_SPEND, 1), None, "its change was spent later")
        assert_equal(node.gettxout(BLOCK9_COINBASE, 0), None, "block 9's coinbase spent")

        # the UTXO set, recomputed here from the file (genesis output excluded, as in Bitcoin)
        utxos = utxo_set(blocks)
        s = node.gettxoutsetinfo()
        assert_equal(s["height"], 255)
        assert_equal(s["bestblock"], TIP)
        assert_equal(s["txouts"], len(utxos), "gettxoutsetinfo txouts")
        assert_equal(s["total_amount"], coins(sum(utxos.values())), "gettxoutsetinfo total_amount")

        # the importer's last progress line is written after its last block is connected
        def progress_lines():
            return [ln for ln in node.debug_log_text().splitlines() if "progress" in ln.lower() and "height" in ln.lower()]
        lines = wait_until(progress_lines, timeout=30, what="progress lines (height, progress) in debug.log")
        log(f"{len(lines)} progress lines, last: {lines[-1].strip()[:160]}")

        node.stop()
        node.start()
        assert_equal(node.getblockcount(), 255, "chain kept across restart")
        assert_equal(node.getbestblockhash(), TIP)

    def setup_nodes(self):
        pass  # started in run_test with -loadblock


if __name__ == "__main__":
    BitcoinImportTest().main()
