#!/usr/bin/env python3
"""Headers-first sync and block relay between real hashmintd processes.

- Two nodes: node1 -connect=node0; 200 blocks mined on node0 reach node1
  (getheaders/headers, parallel getdata); blocks mined on node1 are relayed
  back to node0 (BIP 130 headers announcement or inv).
- Four nodes in a line A <- B <- C <- D (each connects to the previous one):
  a 1,000-block chain mined on D reaches A through every hop.
- A late joiner connecting to two synced peers catches up and logs progress.
- Parallel download, decided by the scheduler and not by timing: a fresh
  node syncs from two test peers; the first one withholds the blocks it is
  asked for, so with its request window full the node must ask the second
  peer for the following blocks (disjoint requests), and both serve the chain.
- A split: two sides mine competing chains while disconnected; once a link
  joins them every node reorganises to the most-work chain.
- An invalid block (coinbase pays one unit too much, valid proof of work)
  sent by a raw P2P peer is rejected, not relayed to the next node, and the
  sender is disconnected (loopback peers are disconnected, not discouraged).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_OP_TRUE, HashmintTestFramework, assert_equal, assert_not_equal,  # noqa: E402
                       assert_true, log, wait_until)
from p2p_client import (MSG_BLOCK, MSG_WITNESS_FLAG, P2PConnection, make_header, msg_headers,  # noqa: E402
                        parse_inv, sha256d)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402


def read_compact(b, i):
    v = b[i]
    if v < 0xfd:
        return v, i + 1
    n = {0xfd: 2, 0xfe: 4, 0xff: 8}[v]
    return int.from_bytes(b[i + 1:i + 1 + n], "little"), i + 1 + n


def overpaying_block(raw):
    """Takes a serialized one-transaction block, adds 1 base unit to the coinbase's
    first output, recomputes the Merkle root and re-solves the header."""
    hdr, body = raw[:80], bytearray(raw[80:])
    ntx, i = read_compact(body, 0)
    assert ntx == 1, "expected a coinbase-only block"
    tx_start = i
    i += 4  # version
    segwit = body[i] == 0 and body[i + 1] == 1
    if segwit:
        i += 2
    vin_start = i
    nin, i = read_compact(body, i)
    for _ in range(nin):
        i += 36
        sl, i = read_compact(body, i)
        i += sl + 4
    nout, i = read_compact(body, i)
    value = int.from_bytes(body[i:i + 8], "little")
    body[i:i + 8] = (value + 1).to_bytes(8, "little")
    for _ in range(nout):
        i += 8
        sl, i = read_compact(body, i)
        i += sl
    outs_end = i
    # the txid covers version | inputs | outputs | locktime (no marker/flag/witness)
    locktime = body[len(body) - 4:]
    stripped = bytes(body[tx_start:tx_start + 4]) + bytes(body[vin_start:outs_end]) + bytes(locktime)
    merkle = sha256d(stripped)
    version, = struct.unpack("<i", hdr[:4])
    prev = hdr[4:36]
    ntime, bits = struct.unpack("<II", hdr[68:76])
    new_hdr = make_header(prev, merkle, ntime=ntime, bits=bits, version=version)
    return new_hdr + bytes(body)


class P2PSyncTest(HashmintTestFramework):
    """p2p_sync_test"""

    start_nodes_at_setup = False

    def set_test_params(self):
        self.num_nodes = 0

    def run_test(self):
        self.two_nodes()
        self.parallel_download()
        self.line_of_four()
        self.split_and_reorg()
        self.invalid_block()

    def two_nodes(self):
        n0 = self.add_node(p2p_listen_args())
        n0.start()
        n1 = self.add_node(connect_args(n0) + p2p_listen_args())
        n1.start()
        n0.generatetoaddress(200, ADDRESS_OP_TRUE)
        tip = wait_for_tip([n0, n1], timeout=120)
        assert_equal(n1.getblockcount(), 200)
        log("200 blocks synced node0 -> node1")
        h = n1.generatetoaddress(3, ADDRESS_OP_TRUE)[-1]
        assert_not_equal(h, tip)
        wait_for_tip([n1, n0], timeout=60)
        assert_equal(n0.getblockcount(), 203)
        log("blocks mined on node1 relayed to node0")

        # -minimumchainwork above node0's chain work (204 x 2 on regtest): its headers are not stored.
        n2 = self.add_node(connect_args(n0) + ["-minimumchainwork=0x1000", "-debug=net"])
        n2.start()
        wait_until(lambda: "Ignoring low-work chain" in n2.debug_log_text(), timeout=60,
                   what="node2 ignores the low-work chain")
        assert_equal(n2.getblockcount(), 0)
        assert_equal(len(n2.getchaintips()), 1)
        n2.stop()
        n3 = self.add_node(p2p_listen_args())
        n3.assert_start_raises_init_error(["-minimumchainwork=0xnothex"], "Invalid non-hex")
        log("-minimumchainwork: a chain below it is not stored; a malformed value stops the node")
        n1.stop()
        n0.stop()

    def parallel_download(self):
        """The download scheduler spreads requests over peers (deterministic).

        A fresh node `e` gets two inbound test peers serving a 100-block chain.
        Peer 1 answers getheaders but holds back every block it is asked for,
        so its request slots stay full; once peer 2 has announced the same
        chain, the node must request the next blocks from peer 2 (none of
        them in flight with peer 1). Then both peers serve and the node syncs."""
        src = self.add_node()
        src.start()
        n = 100
        hashes = src.generatetoaddress(n, ADDRESS_OP_TRUE)
        headers = [bytes.fromhex(src.getblockheader(h, False)) for h in hashes]
        blocks = {h: bytes.fromhex(src.getblock(h, 0)) for h in hashes}
        src.stop()
        e = self.add_node(p2p_listen_args() + ["-debug=net"])
        e.start()

        def serve(conn, requested, hold):
            """Handles what the node sent: headers for getheaders, blocks for
            getdata unless hold. Records every requested block hash."""
            while True:
                m = conn.recv_message(0.05)
                if m is None:
                    return
                cmd, payload = m
                if cmd == "getheaders":
                    conn.send_message("headers", msg_headers(headers))
                elif cmd == "getdata":
                    for t, h in parse_inv(payload):
                        if t & ~MSG_WITNESS_FLAG != MSG_BLOCK:
                            continue
                        requested.append(h)
                        if not hold:
                            conn.send_message("block", blocks[h])

        req1, req2 = [], []
        p1 = P2PConnection.connect_to(e)
        p1.handshake(start_height=n)
        wait_until(lambda: serve(p1, req1, hold=True) or req1, timeout=60,
                   what="the node requests blocks from peer 1")
        # peer 1 now holds a full window: wait until the node asked for no more
        # than its in-flight limit, then bring in peer 2
        in_flight_1 = len(req1)
        assert_true(0 < in_flight_1 < n, f"peer 1 got a bounded first request ({in_flight_1} blocks)")
        p2 = P2PConnection.connect_to(e)
        p2.handshake(start_height=n)
        wait_until(lambda: serve(p1, req1, hold=True) or serve(p2, req2, hold=True) or req2, timeout=60,
                   what="the node requests blocks from peer 2 while peer 1 withholds")
        assert_equal(len(req1), in_flight_1, "no new request to peer 1 while its blocks are outstanding")
        assert_equal(set(req1) & set(req2), set(), "peer 2 is asked for blocks not in flight with peer 1")
        assert_equal(hashes[:len(req1)], req1, "peer 1 was asked for the first blocks, in order")
        assert_equal(hashes[len(req1):len(req1) + len(req2)], req2, "peer 2 was asked for the next blocks, in order")
        log(f"download spread: peer 1 asked for {len(req1)} blocks and holds them, peer 2 for the next {len(req2)}")
        # Peer 2's requests are answered first, then peer 1 releases: every block arrives.
        for h in req2:
            p2.send_message("block", blocks[h])
        for h in req1:
            p1.send_message("block", blocks[h])
        wait_until(lambda: serve(p1, req1, hold=False) or serve(p2, req2, hold=False)
                   or e.getbestblockhash() == hashes[-1], timeout=120, what="the node syncs from both peers")
        assert_equal(e.getblockcount(), n)
        assert_true(len(req1) + len(req2) >= n, "every block was requested from a test peer")
        log(f"fresh node synced {n} blocks: {len(req1)} from peer 1, {len(req2)} from peer 2")
        p1.close()
        p2.close()
        e.stop()

    def line_of_four(self):
        a = self.add_node(p2p_listen_args())
        a.start()
        b = self.add_node(connect_args(a) + p2p_listen_args())
        b.start()
        c = self.add_node(connect_args(b) + p2p_listen_args())
        c.start()
        d = self.add_node(connect_args(c) + p2p_listen_args())
        d.start()
        line = [a, b, c, d]
        # Mine on the outbound end in chunks so announcements flow while mining.
        for _ in range(10):
            d.generatetoaddress(100, ADDRESS_OP_TRUE)
        assert_equal(d.getblockcount(), 1000)
        wait_for_tip([d, c, b, a], timeout=300)
        log("1000-block chain synced along a line of four nodes")

        # A late joiner with two synced peers catches up and logs its progress.
        e = self.add_node(connect_args(a, b) + ["-debug=net"])
        e.start()
        wait_for_tip([d, e], timeout=300)
        text = open(e.debug_log).read()
        assert_true("Synchronizing blocks" in text and "progress=" in text, "progress lines in the late joiner's log")
        # Which of the two peers served which blocks depends on timing here; the
        # scheduler's spreading is checked deterministically in parallel_download.
        log("late joiner with two peers caught up")
        e.stop()
        for n in line:
            n.stop()

    def split_and_reorg(self):
        # Two pairs, mined apart, then joined by restarting one node with an extra -connect.
        p = self.add_node(p2p_listen_args())
        p.start()
        q = self.add_node(connect_args(p) + p2p_listen_args())
        q.start()
        r = self.add_node(p2p_listen_args())
        r.start()
        s = self.add_node(connect_args(r) + p2p_listen_args())
        s.start()
        p.generatetoaddress(20, ADDRESS_OP_TRUE)
        wait_for_tip([p, q])
        r.generatetoaddress(30, ADDRESS_OP_TRUE)  # more work on this side
        wait_for_tip([r, s])
        assert_not_equal(p.getbestblockhash(), r.getbestblockhash())
        # Join the sides: q also connects to s.
        q.stop()
        q.extra_args = connect_args(p, s) + p2p_listen_args()
        q.start()
        best = wait_for_tip([r, s, q, p], tip=r.getbestblockhash(), timeout=120)
        assert_equal(p.getblockcount(), 30)
        log(f"split healed: every node on the most-work chain {best[:16]}")
        for n in (p, q, r, s):
            n.stop()

    def invalid_block(self):
        a = self.add_node(p2p_listen_args())
        a.start()
        b = self.add_node(connect_args(a))
        b.start()
        x = self.add_node()  # isolated: makes a block on the same genesis
        x.start()
        h = x.generatetoaddress(1, ADDRESS_OP_TRUE)[0]
        bad = overpaying_block(bytes.fromhex(x.getblock(h, 0)))
        x.stop()
        conn = P2PConnection.connect_to(a)
        conn.handshake()
        conn.send_message("block", bad)
        assert_true(conn.wait_for_disconnect(timeout=20), "the sender of an invalid block is disconnected")
        assert_equal(a.getblockcount(), 0)
        wait_until(lambda: "bad-cb-amount" in a.debug_log_text() and "Misbehaving" in a.debug_log_text(), timeout=10,
                   what="reject reason and punishment logged")
        # b never hears of it; a is healthy and still relays good blocks
        good = a.generatetoaddress(2, ADDRESS_OP_TRUE)[-1]
        wait_for_tip([a, b], tip=good, timeout=60)
        assert_equal(b.getblockcount(), 2)
        log("invalid block rejected, not relayed, sender disconnected")
        b.stop()
        a.stop()


if __name__ == "__main__":
    P2PSyncTest().main()
