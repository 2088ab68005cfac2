#!/usr/bin/env python3
"""p2p_block_handling_test: block download and block handling as Bitcoin Core's
feature_block and p2p_invalid_messages scenarios exercise them, driven by test
peers (qa/functional/p2p_client.py) against one hashmintd.

  equalwork     a competing block with the same work as the tip, announced by
                `headers` from a peer that already told us about the tip, is
                requested at once (Core's UpdateBlockAvailability keeps a header
                of at least as much work); stored, not connected (first seen
                wins); its child makes the node reorganise to it. An unrequested
                block of the tip's work is stored too (fHasMoreOrSameWork).
  future        a block three hours in the future: on the tip, and on a fork
                with less work than the tip (unrequested, so not stored): both
                are checked first and logged with `time-too-new`, the peer stays
                (Core's BLOCK_TIME_FUTURE is not punished), the header is not
                stored. A valid low-work unrequested block: header stored, data
                not. A low-work block with bad proof of work: `high-hash`, the
                peer is disconnected and discouraged.
  noncanonical  a requested block whose transaction count is a non-canonical
                CompactSize: Core's "non-canonical ReadCompactSize()" is logged,
                the peer stays, and the same block serialised canonically is
                then accepted from it.
  invalidfork   a side-chain block spending a missing output
                (`bad-txns-inputs-missingorspent`) stored from peer D with the
                tip's work; its child from peer E makes the node try it: D is
                punished (Misbehaving, disconnected, discouraged), E is not.
  trailing      inv, getdata, notfound, headers, getheaders, addr and addrv2
                with bytes after their entries: processed, the peer stays.
  logs          Core's wording where Core's tests grep for it: bad message
                start (with the bytes), bad checksum (expected and received
                bytes), a second `version` (ignored, the peer stays),
                `Misbehaving` with "inv/getdata message size = 50001" and
                "addr message size = 1001", "header with invalid proof of
                work", `high-hash`, and generateblock's TestBlockValidity error
                with "CheckTxInputs: inputs missing/spent in transaction <txid>".

No sleeps: every reaction is waited for (debug.log lines, messages, pongs,
RPC state). The coinbase value is read from the chain, not hard-coded.
"""
import os
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_OP_TRUE, OP_TRUE_SPK, HashmintTestFramework, JSONRPCException, Tx, TxIn,  # noqa: E402
                       TxOut, assert_equal, assert_raises_rpc_error, assert_true, create_block, log, satoshi,
                       wait_until)
import p2p_client as p2p  # noqa: E402

FUTURE = 3 * 60 * 60  # three hours: beyond the two hours a header may run ahead
MAX_INV_SZ = 50000    # Core's MAX_INV_SZ


class P2PBlockHandlingTest(HashmintTestFramework):
    """p2p_block_handling_test"""
    num_nodes = 1

    def set_test_params(self):
        self.extra_args = [["-listen=1", "-debug=net"]]

    # -- helpers ----------------------------------------------------------------
    def connect(self):
        conn = p2p.P2PConnection.connect_to(self.node)
        conn.handshake(start_height=0)
        conn.sync_with_ping()
        conn.peer_id = self.peer_id(conn)
        return conn

    def peer_id(self, conn):
        port = conn.sock.getsockname()[1]
        ids = [pi["id"] for pi in self.node.getpeerinfo() if pi["addr"].endswith(f":{port}")]
        assert_equal(len(ids), 1, f"getpeerinfo lists the test peer on port {port}")
        return ids[0]

    def log_offset(self):
        return os.path.getsize(self.node.debug_log)

    def log_since(self, off):
        with open(self.node.debug_log, "rb") as f:
            f.seek(off)
            return f.read().decode(errors="replace")

    def wait_log(self, off, *needles, timeout=10):
        wait_until(lambda: all(n in self.log_since(off) for n in needles), timeout,
                   what=f"debug.log lines {needles!r}")

    def assert_kept(self, conn, what):
        assert_true(conn.is_connected(10), f"{what}: the peer stays connected")

    def assert_punished(self, conn, off, what):
        """Core's Misbehaving, then MaybeDiscourageAndDisconnect (regtest discourages loopback peers too)."""
        assert_true(conn.wait_for_disconnect(10), f"{what}: the peer is disconnected")
        self.wait_log(off, f"Misbehaving: peer={conn.peer_id}: ", f"Disconnecting and discouraging peer {conn.peer_id} ")
        log(f"  punished peer={conn.peer_id}: {what}")

    def assert_not_punished(self, conn, off, what):
        assert_true(f"Misbehaving: peer={conn.peer_id}:" not in self.log_since(off), f"{what}: not punished")

    def tip_info(self):
        tip = self.node.getbestblockhash()
        hdr = self.node.getblockheader(tip)
        return tip, hdr["height"], hdr["time"]

    def block_on(self, prev, ntime, txs=()):
        """A solved block on prev (any known block); the coinbase pays what the chain's coinbases pay."""
        height = self.node.getblockheader(prev)["height"] + 1
        return create_block(prev, height, ntime, self.bits, list(txs), OP_TRUE_SPK, self.subsidy)

    def header_known(self, h):
        try:
            self.node.getblockheader(h)
            return True
        except JSONRPCException:
            return False

    def tip_status(self, h):
        st = [t["status"] for t in self.node.getchaintips() if t["hash"] == h]
        return st[0] if st else None

    @staticmethod
    def requests(conn, h):
        return lambda pl: any(x == h for _, x in p2p.parse_inv(pl))

    def announce_and_serve(self, conn, blk):
        """headers -> the node's getdata -> block (Core's send_blocks without force_send)."""
        conn.send_message("headers", p2p.msg_headers([blk.header()]))
        conn.wait_for_message("getdata", 10, self.requests(conn, blk.hash))
        conn.send_message("block", p2p.msg_block(blk))
        conn.sync_with_ping()

    # -- the test ------------------------------------------------------------------
    def run_test(self):
        self.node = self.nodes[0]
        self.node.generatetoaddress(20, ADDRESS_OP_TRUE)
        b1 = self.node.getblock(self.node.getblockhash(1), 2)
        self.subsidy = sum(satoshi(o["value"]) for o in b1["tx"][0]["vout"])
        self.bits = int(b1["bits"], 16)
        self.genesis = self.node.getblockhash(0)
        for name, fn in (("equalwork", self.case_equal_work), ("future", self.case_future),
                         ("noncanonical", self.case_noncanonical), ("invalidfork", self.case_invalid_fork),
                         ("trailing", self.case_trailing), ("logs", self.case_logs)):
            log(f"case {name}")
            fn()
            assert_true(self.node.is_running(), f"{name}: hashmintd still running")
            self.node.check_sanitizers()

    def case_equal_work(self):
        node = self.node
        tip, height, t = self.tip_info()
        parent = node.getblockheader(tip)["previousblockhash"]
        a = self.connect()
        off = self.log_offset()
        # The peer tells us about our own tip first: its best known header has the tip's work.
        a.send_message("headers", p2p.msg_headers([bytes.fromhex(node.getblockheader(tip, False))]))
        a.sync_with_ping()
        fork = self.block_on(parent, t + 1)
        assert_true(fork.hash != tip, "the fork differs from the tip")
        a.send_message("headers", p2p.msg_headers([fork.header()]))
        a.wait_for_message("getdata", 10, self.requests(a, fork.hash))
        log("  equal-work fork announced by headers -> getdata at once")
        a.send_message("block", p2p.msg_block(fork))
        a.sync_with_ping()
        assert_equal(node.getbestblockhash(), tip, "first seen stays the tip")
        assert_equal(node.getblock(fork.hash)["hash"], fork.hash, "the fork block is stored")
        assert_true(self.tip_status(fork.hash) not in (None, "headers-only", "invalid"),
                    f"the fork has its data ({self.tip_status(fork.hash)})")
        # Its child has more work: the node reorganises to the fork.
        child = self.block_on(fork.hash, t + 2)
        self.announce_and_serve(a, child)
        wait_until(lambda: node.getbestblockhash() == child.hash, 10, what="reorganisation to the fork")
        log(f"  reorganised to the fork at height {height + 1}")
        # An unrequested block with the tip's work (a sibling of the new tip) is stored as well.
        sibling = self.block_on(fork.hash, t + 3)
        a.send_message("block", p2p.msg_block(sibling))
        a.sync_with_ping()
        assert_equal(node.getblock(sibling.hash)["hash"], sibling.hash, "unrequested equal-work block stored")
        assert_equal(node.getbestblockhash(), child.hash, "the tip stays")
        self.assert_kept(a, "equal-work blocks")
        self.assert_not_punished(a, off, "equal-work blocks")
        a.close()

    def case_future(self):
        node = self.node
        tip, height, t = self.tip_info()
        grandparent = node.getblockhash(height - 2)  # a fork from here has less work than the tip
        b = self.connect()
        off = self.log_offset()
        now = int(time.time())
        # On the tip (more work: processed as a candidate, Core's b48).
        on_tip = self.block_on(tip, now + FUTURE)
        with node.assert_debug_log([on_tip.hash, "time-too-new"], timeout=10):
            b.send_message("block", p2p.msg_block(on_tip))
            b.sync_with_ping()
        assert_equal(node.getbestblockhash(), tip, "future block not connected")
        # Low work and unrequested: checked before it is dropped.
        low_future = self.block_on(grandparent, now + FUTURE)
        with node.assert_debug_log([low_future.hash, "time-too-new"], timeout=10):
            b.send_message("block", p2p.msg_block(low_future))
            b.sync_with_ping()
        assert_true(not self.header_known(low_future.hash), "time-too-new header not stored")
        self.assert_kept(b, "time-too-new blocks")
        self.assert_not_punished(b, off, "time-too-new blocks (Core's BLOCK_TIME_FUTURE)")
        log("  time-too-new, on the tip and on a low-work fork: logged, peer kept")
        # A valid low-work unrequested block: the header is stored, the block is not.
        low = self.block_on(grandparent, t + 1)
        b.send_message("block", p2p.msg_block(low))
        b.sync_with_ping()
        wait_until(lambda: self.header_known(low.hash), 10, what="low-work header stored")
        assert_equal(self.tip_status(low.hash), "headers-only", "low-work unrequested block: header only")
        assert_raises_rpc_error(None, None, node.getblock, low.hash)
        self.assert_kept(b, "a valid low-work block")
        # Bad proof of work on a low-work fork: high-hash, punished.
        bad = self.block_on(grandparent, t + 2)
        target = bad.target()
        while int.from_bytes(p2p.sha256d(bad.header()), "little") <= target:
            bad.nonce += 1
        off = self.log_offset()
        b.send_message("block", p2p.msg_block(bad))
        self.assert_punished(b, off, "low-work block with bad proof of work")
        self.wait_log(off, f"received invalid block {bad.hash} from peer={b.peer_id}: high-hash")
        assert_true(not self.header_known(bad.hash), "high-hash header not stored")
        b.close()

    def case_noncanonical(self):
        node = self.node
        tip, height, t = self.tip_info()
        c = self.connect()
        off = self.log_offset()
        blk = self.block_on(tip, t + 1)
        raw = blk.serialize()
        assert_true(len(blk.txs) < 0xfd, "one-byte transaction count")
        bloated = raw[:80] + b"\xfd" + struct.pack("<H", len(blk.txs)) + raw[81:]
        c.send_message("headers", p2p.msg_headers([blk.header()]))
        c.wait_for_message("getdata", 10, self.requests(c, blk.hash))
        with node.assert_debug_log([f"ProcessMessages(block, {len(bloated)} bytes): Exception "
                                    f"'non-canonical ReadCompactSize()' caught, peer={c.peer_id}"], timeout=10):
            c.send_message("block", p2p.msg_block(bloated))
            c.sync_with_ping()
        assert_equal(node.getbestblockhash(), tip, "the non-canonical block is not accepted")
        self.assert_kept(c, "non-canonical CompactSize")
        self.assert_not_punished(c, off, "non-canonical CompactSize")
        # The same block, canonical, from the same peer (still requested from it).
        c.send_message("block", p2p.msg_block(blk))
        wait_until(lambda: node.getbestblockhash() == blk.hash, 10, what="the canonical block accepted")
        log("  non-canonical block: logged, peer kept; the canonical one accepted")
        c.close()

    def case_invalid_fork(self):
        node = self.node
        tip, height, t = self.tip_info()
        parent = node.getblockheader(tip)["previousblockhash"]
        d = self.connect()
        e = self.connect()
        off = self.log_offset()
        # B1: the tip's work, spends an output that does not exist (valid until connected).
        spend = Tx(2, [TxIn("ab" * 32, 0, b"", 0xffffffff)], [TxOut(1000, OP_TRUE_SPK)])
        b1 = self.block_on(parent, t + 1, [spend])
        d.send_message("block", p2p.msg_block(b1))
        d.sync_with_ping()
        assert_equal(node.getblock(b1.hash)["hash"], b1.hash, "the side-chain block is stored")
        assert_equal(node.getbestblockhash(), tip, "not connected (same work)")
        # B2 on B1 from another peer: the node reorganises, finds B1 invalid and goes back.
        b2 = self.block_on(b1.hash, t + 2)
        e.send_message("block", p2p.msg_block(b2))
        self.assert_punished(d, off, "invalid block at the fork, found while reorganising")
        self.wait_log(off, f"received invalid block {b1.hash} from peer={d.peer_id}: bad-txns-inputs-missingorspent, "
                           f"CheckTxInputs: inputs missing/spent in transaction {spend.txid}")
        wait_until(lambda: self.tip_status(b1.hash) == "invalid" or self.tip_status(b2.hash) == "invalid", 10,
                   what="the side chain marked invalid")
        assert_equal(node.getbestblockhash(), tip, "the tip is back where it was")
        self.assert_kept(e, "the peer whose block triggered the reorganisation")
        self.assert_not_punished(e, off, "the peer whose block triggered the reorganisation")
        d.close()
        e.close()

    def case_trailing(self):
        node = self.node
        tip, height, t = self.tip_info()
        tip_hdr = bytes.fromhex(node.getblockheader(tip, False))
        f = self.connect()
        off = self.log_offset()
        junk = b"\x00\x01\x02\xff"
        now = int(time.time())
        entry = (now - 60, p2p.NODE_NETWORK | p2p.NODE_WITNESS, "11.22.33.44", 18444)
        f.send_message("inv", p2p.msg_inv([(p2p.MSG_BLOCK, tip)]) + junk)
        f.send_message("notfound", p2p.msg_inv([(p2p.MSG_WTX, "cd" * 32)]) + junk)
        f.send_message("headers", p2p.msg_headers([tip_hdr]) + junk)
        f.send_message("addr", p2p.msg_addr([entry]) + junk)
        f.send_message("addrv2", p2p.msg_addrv2([entry]) + junk)
        f.send_message("getdata", p2p.msg_getdata([(p2p.MSG_WITNESS_BLOCK, tip)]) + junk)
        f.wait_for_message("block", 10, lambda pl: p2p.header_hash(pl[:80]) == tip)
        f.send_message("getheaders", p2p.msg_getheaders([self.genesis]) + junk)
        _, pl = f.wait_for_message("headers", 10)
        assert_true(len(p2p.parse_headers(pl)) >= 1, "getheaders with trailing bytes answered")
        self.assert_kept(f, "messages with trailing bytes")
        self.assert_not_punished(f, off, "messages with trailing bytes")
        log("  inv, notfound, headers, addr, addrv2, getdata, getheaders with trailing bytes: processed, peer kept")
        f.close()

    def case_logs(self):
        node = self.node
        # Bad message start, with the bytes (Core's p2p_invalid_messages).
        c = self.connect()
        with node.assert_debug_log([f"Header error: Wrong MessageStart ffffffff received, peer={c.peer_id}"],
                                   timeout=10):
            c.send_raw(b"\xff" * 4 + p2p.frame("badmsg", b"\x01d")[4:])
            assert_true(c.wait_for_disconnect(10), "wrong magic: disconnected")
        c.close()
        # Bad checksum: expected and received bytes; the message is dropped, the peer stays.
        c = self.connect()
        want = p2p.checksum(b"\x01d").hex()
        with node.assert_debug_log([f"Header error: Wrong checksum (badmsg, 2 bytes), expected {want} was ffffffff, "
                                    f"peer={c.peer_id}"], timeout=10):
            c.send_message("badmsg", b"\x01d", cksum=b"\xff" * 4)
            c.sync_with_ping()
        # A second version: ignored, the peer stays.
        with node.assert_debug_log([f"redundant version message from peer={c.peer_id}"], timeout=10):
            c.send_message("version", p2p.msg_version())
            c.sync_with_ping()
        self.assert_kept(c, "bad checksum and a second version")
        c.close()
        # Oversized inv / getdata / addr: Misbehaving with the size.
        items = [(p2p.MSG_TX, os.urandom(32)) for _ in range(MAX_INV_SZ + 1)]
        for command, payload, text in (("inv", p2p.msg_inv(items), "inv message size = 50001"),
                                       ("getdata", p2p.msg_getdata(items), "getdata message size = 50001"),
                                       ("addr", p2p.msg_addr([(int(time.time()), 1, "11.22.33.44", 18444)] * 1001),
                                        "addr message size = 1001")):
            c = self.connect()
            off = self.log_offset()
            c.send_message(command, payload)
            self.assert_punished(c, off, f"oversized {command}")
            self.wait_log(off, f"Misbehaving: peer={c.peer_id}: {text}")
            c.close()
        # A header whose hash misses its target (Core's CheckHeadersPoW).
        tip, height, t = self.tip_info()
        bad = self.block_on(tip, t + 1)
        while int.from_bytes(p2p.sha256d(bad.header()), "little") <= bad.target():
            bad.nonce += 1
        c = self.connect()
        off = self.log_offset()
        c.send_message("headers", p2p.msg_headers([bad.header()]))
        self.assert_punished(c, off, "header with bad proof of work")
        self.wait_log(off, f"Misbehaving: peer={c.peer_id}: header with invalid proof of work")
        c.close()
        # A block with bad proof of work on the tip: high-hash.
        blk = self.block_on(tip, t + 1)
        while int.from_bytes(p2p.sha256d(blk.header()), "little") <= blk.target():
            blk.nonce += 1
        c = self.connect()
        off = self.log_offset()
        c.send_message("block", p2p.msg_block(blk))
        self.assert_punished(c, off, "block with bad proof of work")
        self.wait_log(off, f"received invalid block {blk.hash} from peer={c.peer_id}: high-hash")
        c.close()
        # generateblock: Core's TestBlockValidity text with the CheckTxInputs detail.
        spend = Tx(2, [TxIn("cd" * 32, 1, b"", 0xffffffff)], [TxOut(5000, OP_TRUE_SPK)])
        e = assert_raises_rpc_error(-25, "TestBlockValidity failed: bad-txns-inputs-missingorspent, "
                                    f"CheckTxInputs: inputs missing/spent in transaction {spend.txid}",
                                    node.generateblock, ADDRESS_OP_TRUE, [spend.hex()])
        log(f"  generateblock: {e.message}")
        assert_equal(node.getbestblockhash(), tip, "nothing connected by the hostile peers")


if __name__ == "__main__":
    P2PBlockHandlingTest().main()
