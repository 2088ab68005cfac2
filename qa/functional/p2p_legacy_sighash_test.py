#!/usr/bin/env python3
"""Legacy transactions with many signature checks per input (RELIABILITY.md
#29, CVE-2025-46598): the peer that relays them is never punished.

The validation-time budget itself (one serialisation of the transaction per
input and kind of hash type, not one per OP_CHECKSIG) is checked exactly by
qa/unit/consensus/sighash_tests.c (legacy_sighash_budget); here the node's
behaviour around such a transaction:

- a block creates 20 bare outputs whose script runs 66 OP_CHECKSIGs on one
  signature (their results dropped: valid, but non-standard);
- a legacy transaction spending all 20 (1,320 signature checks) sent by a
  test peer as `tx` is refused by policy before any script runs, and the
  peer is not punished (still connected, no discouragement);
- the same peer then sends a block holding that transaction: it is
  validated and becomes the tip, and the peer is still not punished.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (OP_TRUE_SPK, HashmintTestFramework, Key, MiniWallet, Tx, TxIn, TxOut, assert_equal,  # noqa: E402
                       assert_true, create_block, hash256, log, wait_until)
import p2p_client as p2p  # noqa: E402

OP_1, OP_2DROP, OP_DROP, OP_2DUP, OP_CHECKSIG = 0x51, 0x6d, 0x75, 0x6e, 0xac
CHECKS = 66   # 199 counted opcodes, under the limit of 201
OUTPUTS = 20


def heavy_script():
    key = Key("11" * 32)
    sig = key.sign_digest(hash256(b"something else")) + b"\x01"   # strict DER, SIGHASH_ALL
    pub = key.pubkey
    return (bytes([len(sig)]) + sig + bytes([len(pub)]) + pub
            + bytes([OP_2DUP, OP_CHECKSIG, OP_DROP]) * CHECKS + bytes([OP_2DROP, OP_1]))


class LegacySighashTest(HashmintTestFramework):
    """p2p_legacy_sighash_test"""
    num_nodes = 1

    def set_test_params(self):
        self.extra_args = [["-listen=1", "-bind=127.0.0.1", "-debug=net"]]

    def block_with(self, txs):
        node = self.nodes[0]
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        # the transactions pay no fee: the coinbase takes the template's value
        return create_block(tmpl["previousblockhash"], tmpl["height"], max(tmpl["curtime"], tmpl["mintime"]),
                            int(tmpl["bits"], 16), txs, OP_TRUE_SPK, tmpl["coinbasevalue"], tmpl["version"])

    def not_punished(self, since, what):
        with open(self.nodes[0].debug_log, "rb") as f:
            f.seek(since)
            text = f.read().decode(errors="replace")
        assert_true("Misbehaving" not in text and "discourag" not in text.lower(), f"{what}: peer not punished")

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(101)
        u = w.get_utxo()
        spk = heavy_script()
        each = u.value // OUTPUTS
        fund = Tx(2, [w.spend_input(u)], [TxOut(each, spk) for _ in range(OUTPUTS)])
        b1 = self.block_with([fund])
        assert_equal(node.submitblock(b1.hex()), None)
        assert_equal(node.getbestblockhash(), b1.hash)
        log(f"{OUTPUTS} outputs of {CHECKS} OP_CHECKSIGs each confirmed")

        spend = Tx(1, [TxIn(fund.txid, i, b"", 0xffffffff) for i in range(OUTPUTS)],
                   [TxOut(each * OUTPUTS, OP_TRUE_SPK)])
        c = p2p.P2PConnection.connect_to(node)
        c.handshake(start_height=node.getblockcount())
        off = os.path.getsize(node.debug_log)
        c.send_message("tx", p2p.msg_tx(spend))
        assert_true(c.is_connected(30), "the relaying peer stays connected")
        assert_true(spend.txid not in node.getrawmempool(), "the non-standard spend is not in the mempool")
        self.not_punished(off, "non-standard legacy tx")
        log(f"a tx with {OUTPUTS * CHECKS} legacy signature checks: refused by policy, peer kept")

        b2 = self.block_with([spend])
        c.send_message("block", p2p.msg_block(b2))
        wait_until(lambda: node.getbestblockhash() == b2.hash, timeout=120, what="the block with the spend connects")
        assert_true(c.is_connected(30), "the block's sender stays connected")
        self.not_punished(off, "block with the heavy legacy tx")
        assert_equal(node.gettxout(spend.txid, 0)["confirmations"], 1)
        log("the block holding it is valid and connects; its sender is not punished")
        c.close()


if __name__ == "__main__":
    LegacySighashTest().main()
