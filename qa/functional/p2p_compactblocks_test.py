#!/usr/bin/env python3
"""Compact block relay (BIP 152, version 2) between two nodes and with a raw peer.

- after a few blocks, n1 has chosen n0 as a high-bandwidth peer (sendcmpct 1,
  getpeerinfo bip152_hb_to / bip152_hb_from);
- a block of 1,000 transactions that both mempools hold reaches n1 as a
  cmpctblock pushed by n0 and is rebuilt from n1's mempool: n1 sends no
  getdata and no getblocktxn for it, and n0 sends no `block`;
- a block with one transaction n1 never saw is completed with one
  getblocktxn / blocktxn round trip, still without getdata;
- a raw peer that asks for high-bandwidth mode gets cmpctblock pushes and
  getblocktxn answers;
- bad compact blocks are handled as Core: an invalid header or a prefilled
  index past the end disconnects the sender (Misbehaving); a block whose
  header is valid but whose content is not (coinbase overpays) is rejected
  without punishing the peer that relayed it compactly (BIP 152 allows relay
  before validation).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, OP_TRUE_SPK, Tx, assert_equal, assert_true,  # noqa: E402
                       block_from_template, block_subsidy, create_block, log, wait_until)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402
import p2p_client as p2p  # noqa: E402


def msg_cmpctblock(header, nonce, short_ids, prefilled):
    """prefilled: list of (absolute index, Tx), ascending."""
    out = header + struct.pack("<Q", nonce) + p2p.ser_compact(len(short_ids))
    out += b"".join(struct.pack("<Q", s)[:6] for s in short_ids)
    out += p2p.ser_compact(len(prefilled))
    nxt = 0
    for idx, tx in prefilled:
        out += p2p.ser_compact(idx - nxt) + tx.serialize(True)
        nxt = idx + 1
    return out


def parse_cmpctblock(payload):
    r = p2p.ByteReader(payload)
    header = r.read(80)
    nonce = r.u64()
    short_ids = [int.from_bytes(r.read(6), "little") for _ in range(r.compact())]
    prefilled = []
    nxt = 0
    for _ in range(r.compact()):
        idx = nxt + r.compact()
        tx = Tx.parse(r)
        prefilled.append((idx, tx))
        nxt = idx + 1
    return header, nonce, short_ids, prefilled


def msg_getblocktxn(block_hash_hex, indexes):
    out = p2p.hash_to_wire(block_hash_hex) + p2p.ser_compact(len(indexes))
    nxt = 0
    for i in indexes:
        out += p2p.ser_compact(i - nxt)
        nxt = i + 1
    return out


def log_has(node, text):
    wait_until(lambda: text in node.debug_log_text(), timeout=30, what=f"debug.log: {text}")


def counts(node, direction, peer_index=0):
    return dict(node.getpeerinfo()[peer_index][f"bytes{direction}_per_msg"])


class P2PCompactBlocksTest(HashmintTestFramework):
    """p2p_compactblocks_test"""

    def set_test_params(self):
        self.num_nodes = 0

    def run_test(self):
        n0 = self.add_node(p2p_listen_args() + ["-debug=net"])
        n0.start()
        n1 = self.add_node(connect_args(n0) + p2p_listen_args() + ["-debug=net"])
        n1.start()
        wait_until(lambda: n0.getconnectioncount() == 1 and n1.getconnectioncount() == 1, timeout=30,
                   what="connection")
        w = MiniWallet(n0)
        w.generate(105)
        wait_for_tip([n0, n1])

        # -- high-bandwidth selection: n0 delivered new blocks first --
        w.generate(1)
        wait_for_tip([n0, n1])
        wait_until(lambda: n1.getpeerinfo()[0]["bip152_hb_to"] and n0.getpeerinfo()[0]["bip152_hb_from"],
                   timeout=60, what="n1 asked n0 for high-bandwidth compact blocks")
        log("n1 selected n0 as a high-bandwidth compact block peer")

        # -- 1,000 outputs to spend, then 1,000 transactions in both mempools --
        split = w.create_self_transfer_multi(num_outputs=1010)
        n1.sendrawtransaction(split["hex"])
        n0.sendrawtransaction(split["hex"])
        outs = list(split["new_utxos"])
        w.generate(1)
        wait_for_tip([n0, n1])
        for _ in range(1000):
            t = w.create_self_transfer(utxo=outs.pop())
            # n1 first: n0 can then never announce a transaction n1 lacks (no getdata from n1).
            n1.sendrawtransaction(t["hex"])
            n0.sendrawtransaction(t["hex"])
        assert_equal(len(n0.getrawmempool()), 1000)
        assert_equal(len(n1.getrawmempool()), 1000)
        sent1, recv1, sent0 = counts(n1, "sent"), counts(n1, "recv"), counts(n0, "sent")

        tip = w.generate(1)[0]
        wait_for_tip([n0, n1], tip)
        assert_equal(len(n0.getblock(tip)["tx"]), 1001)
        s1, r1, s0 = counts(n1, "sent"), counts(n1, "recv"), counts(n0, "sent")
        assert_true(r1.get("cmpctblock", 0) > recv1.get("cmpctblock", 0), "n1 received a cmpctblock")
        assert_equal(s1.get("getdata", 0), sent1.get("getdata", 0), "n1 sent no getdata for the block")
        assert_equal(s1.get("getblocktxn", 0), sent1.get("getblocktxn", 0), "n1 needed no getblocktxn")
        assert_equal(s0.get("block", 0), sent0.get("block", 0), "n0 sent no full block")
        log_has(n1, "1001 txs, 1 prefilled, 1000 from mempool, 0 extra, 0 missing")
        assert_equal(len(n1.getrawmempool()), 0)
        log("a 1,001-transaction block relayed as one cmpctblock of %d bytes, rebuilt from the mempool"
            % (r1["cmpctblock"] - recv1.get("cmpctblock", 0)))

        # -- one transaction n1 never saw: getblocktxn / blocktxn --
        for _ in range(5):
            t = w.create_self_transfer(utxo=outs.pop())
            n1.sendrawtransaction(t["hex"])
            n0.sendrawtransaction(t["hex"])
        secret = w.create_self_transfer(utxo=outs.pop())  # in no mempool: n0 never announces it
        tmpl = n0.getblocktemplate({"rules": ["segwit"]})
        blk = block_from_template(tmpl, OP_TRUE_SPK, [secret["tx"]])
        sent1, recv0 = counts(n1, "sent"), counts(n0, "recv")
        assert_equal(n0.submitblock(blk.hex()), None)
        wait_for_tip([n0, n1], blk.hash)
        s1, r0 = counts(n1, "sent"), counts(n0, "recv")
        assert_equal(s1.get("getdata", 0), sent1.get("getdata", 0), "no getdata for the block")
        assert_true(s1.get("getblocktxn", 0) > sent1.get("getblocktxn", 0), "n1 sent getblocktxn")
        assert_true(r0.get("getblocktxn", 0) > recv0.get("getblocktxn", 0), "n0 received getblocktxn")
        assert_true(counts(n1, "recv").get("blocktxn", 0) > 0, "n1 received blocktxn")
        log_has(n1, "7 txs, 1 prefilled, 5 from mempool, 0 extra, 1 missing")
        log("the one missing transaction was fetched with getblocktxn")

        # -- a raw peer in high-bandwidth mode gets pushes and getblocktxn answers --
        c = p2p.P2PConnection.connect_to(n0)
        c.handshake()
        c.wait_for_message("sendcmpct")
        c.send_message("sendcmpct", p2p.msg_sendcmpct(True, 2))
        c.sync_with_ping()
        tip = w.generate(1)[0]
        _, payload = c.wait_for_message("cmpctblock", 60, lambda pl: p2p.header_hash(pl[:80]) == tip)
        header, nonce, short_ids, prefilled = parse_cmpctblock(payload)
        assert_equal([i for i, _ in prefilled], [0])
        assert_true(prefilled[0][1].vin[0].txid == "00" * 32, "the coinbase is prefilled")
        c.send_message("getblocktxn", msg_getblocktxn(tip, [0]))
        _, bt = c.wait_for_message("blocktxn", 60)
        assert_equal(bt[:32], p2p.hash_to_wire(tip))
        c.close()
        log("a raw high-bandwidth peer got the cmpctblock push and a blocktxn answer")

        # -- bad compact blocks (sent to n1 by raw peers) --
        best = n1.getbestblockhash()
        height = n1.getblockcount()
        ntime = n1.getblockheader(best)["time"] + 1
        bits = int(n1.getblockheader(best)["bits"], 16)

        # an invalid header (no proof of work): Misbehaving, disconnected
        c = p2p.P2PConnection.connect_to(n1)
        c.handshake()
        c.sync_with_ping()
        cb = create_block(best, height + 1, ntime, bits, [], OP_TRUE_SPK, block_subsidy(height + 1))
        hdr = bytearray(cb.header())
        while int.from_bytes(p2p.sha256d(bytes(hdr)), "little") <= cb.target():
            hdr[76] = (hdr[76] + 1) % 256
        c.send_message("cmpctblock", msg_cmpctblock(bytes(hdr), 1, [], [(0, cb.txs[0])]))
        assert_true(c.wait_for_disconnect(30), "disconnected after an invalid compact block header")
        log_has(n1, "invalid header received: high-hash")
        log("an invalid header in a cmpctblock is punished")

        # a valid header with a prefilled index past the end: "invalid compact block"
        c = p2p.P2PConnection.connect_to(n1)
        c.handshake()
        c.sync_with_ping()
        cb = create_block(best, height + 1, ntime + 1, bits, [], OP_TRUE_SPK, block_subsidy(height + 1))
        c.send_message("cmpctblock", msg_cmpctblock(cb.header(), 2, [], [(1, cb.txs[0])]))
        assert_true(c.wait_for_disconnect(30), "disconnected after an invalid compact block")
        log_has(n1, "invalid compact block")
        log("a cmpctblock with an out-of-range prefilled index is punished")

        # a valid header, an invalid block (coinbase overpays): rejected, the relaying peer kept
        c = p2p.P2PConnection.connect_to(n1)
        c.handshake()
        c.sync_with_ping()
        cb = create_block(best, height + 1, ntime + 2, bits, [], OP_TRUE_SPK, block_subsidy(height + 1) + 1)
        c.send_message("cmpctblock", msg_cmpctblock(cb.header(), 3, [], [(0, cb.txs[0])]))
        wait_until(lambda: n1.getblockheader(cb.hash).get("confirmations", 0) == -1 or
                   any(t["hash"] == cb.hash and t["status"] == "invalid" for t in n1.getchaintips()),
                   timeout=30, what="the overpaying block is marked invalid")
        assert_true(c.is_connected(), "a compact block relayer is not punished for an invalid block")
        assert_equal(n1.getbestblockhash(), best)
        log_has(n1, "via compact block (bad-cb-amount); not punished")
        c.close()
        log("an invalid block behind a valid header, relayed compactly, is not punished")


if __name__ == "__main__":
    P2PCompactBlocksTest().main()
