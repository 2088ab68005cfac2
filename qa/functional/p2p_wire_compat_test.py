#!/usr/bin/env python3
"""p2p_wire_compat_test: hashmintd's P2P wire format against an independent
implementation, python3-bitcoinlib (Debian package python3-bitcoinlib).

Every message this test sends is built and framed by bitcoinlib's message
classes (bitcoin.messages.msg_version, msg_verack, msg_ping/msg_pong,
msg_getheaders), with bitcoinlib's chain parameters switched to regtest and
its MESSAGE_START replaced by hashmint's regtest magic (fa b5 bf da). Every
message the node sends is checked by bitcoinlib's own frame reader
(MsgSerializable.from_bytes: magic, length, checksum) and parsed with its
classes:

  - the node's version (protocol version, services, start height) and verack;
  - a ping from the node answered with bitcoinlib's pong (when one comes);
  - a pong to bitcoinlib's ping with the same nonce;
  - getheaders from genesis -> headers for the whole chain: each header is a
    bitcoinlib CBlockHeader whose hash links to the previous one, meets its
    own nBits (bitcoin.core.CheckProofOfWork), and equals the node's
    getblockheader; the last one is the node's tip;
  - getheaders with a mid-chain locator and a stop hash -> exactly that range;
  - getdata (bitcoinlib CInv) for the tip block, which holds a segwit spend, as
    MSG_WITNESS_BLOCK and MSG_BLOCK -> `block` parsed by bitcoinlib's msg_block,
    passing bitcoin.core.CheckBlock (PoW, merkle root, transactions), with the
    same bytes as getblock (with / without witnesses).

bitcoinlib 0.11's msg_headers.msg_deser reads bare 80-byte headers and so
misreads Bitcoin's `headers` message, where each header is followed by a
compact-size transaction count (always 0). The payload is therefore read
entry by entry with bitcoinlib's CBlockHeader.stream_deserialize and
VarIntSerializer.
"""
import io
import os
import random
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (Block, MiniWallet, HashmintTestFramework, TestFailure, assert_equal, assert_true,  # noqa: E402
                       log, wait_until, TIMEOUT_FACTOR)

try:
    import bitcoin
    import bitcoin.core
    from bitcoin.core import CBlockHeader, CheckBlock, CheckProofOfWork, b2lx, lx
    from bitcoin.net import CInv
    from bitcoin.core.serialize import VarIntSerializer
    from bitcoin.messages import (MsgSerializable, messagemap, msg_getdata, msg_getheaders, msg_ping, msg_pong,
                                  msg_verack, msg_version)
except ImportError:  # pragma: no cover
    print("python3-bitcoinlib is not installed (apt-get install python3-bitcoinlib); skipping")
    sys.exit(77)

HASHMINT_REGTEST_MAGIC = bytes.fromhex("fab5bfda")
PROTOCOL_VERSION = 70016
NODE_NETWORK, NODE_WITNESS = 1, 8
MSG_BLOCK, MSG_WITNESS_BLOCK = 2, 2 | 1 << 30


def use_hashmint_regtest():
    """bitcoinlib's regtest parameters with hashmint's magic bytes."""
    bitcoin.SelectParams("regtest")
    bitcoin.params.MESSAGE_START = HASHMINT_REGTEST_MAGIC


class BitcoinlibPeer:
    """A socket whose messages are framed and parsed by bitcoinlib."""

    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout * TIMEOUT_FACTOR)
        self.timeout = timeout * TIMEOUT_FACTOR
        self.buf = b""
        self.seen = []

    def send(self, msg):
        self.sock.sendall(msg.to_bytes())

    def _read_frame(self, deadline):
        while True:
            if len(self.buf) >= 24:
                length = struct.unpack("<I", self.buf[16:20])[0]
                assert_true(length <= 4_000_000, f"node sent a {length}-byte payload")
                if len(self.buf) >= 24 + length:
                    f, self.buf = self.buf[:24 + length], self.buf[24 + length:]
                    return f
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                data = self.sock.recv(1 << 16)
            except socket.timeout:
                raise TestFailure("timed out waiting for a message")
            if not data:
                raise TestFailure("node closed the connection")
            self.buf += data

    def receive(self, wanted, timeout=None):
        """Returns (command, raw frame, parsed bitcoinlib object or None) of the first
        `wanted` message; pings are answered with bitcoinlib's pong."""
        deadline = time.time() + (timeout or self.timeout)
        while True:
            if time.time() > deadline:
                raise TestFailure(f"no {wanted} within the timeout (saw {self.seen})")
            f = self._read_frame(deadline)
            command = f[4:16].rstrip(b"\x00")
            self.seen.append(command.decode())
            parsed = None
            if command in messagemap and command != b"headers":
                # bitcoinlib checks magic and checksum, then parses the payload
                parsed = MsgSerializable.from_bytes(f)
            elif command not in messagemap:
                # still check the frame the way bitcoinlib does (magic, checksum)
                assert_equal(f[:4], bitcoin.params.MESSAGE_START, "magic")
                assert_equal(bitcoin.core.Hash(f[24:])[:4], f[20:24], f"checksum of {command}")
            if command == b"ping":
                self.send(msg_pong(nonce=parsed.nonce))
            if command == wanted:
                return command, f, parsed

    def close(self):
        self.sock.close()


def parse_headers_payload(payload):
    """headers payload -> [CBlockHeader] (bitcoinlib), checking each tx count is 0."""
    f = io.BytesIO(payload)
    n = VarIntSerializer.stream_deserialize(f)
    out = []
    for _ in range(n):
        out.append(CBlockHeader.stream_deserialize(f))
        assert_equal(VarIntSerializer.stream_deserialize(f), 0, "tx count after a header")
    assert_equal(f.read(), b"", "trailing bytes in headers")
    return out


class P2PWireCompatTest(HashmintTestFramework):
    """p2p_wire_compat_test"""
    num_nodes = 1

    def set_test_params(self):
        self.extra_args = [["-listen=1", "-debug=net"]]

    def run_test(self):
        use_hashmint_regtest()
        node = self.nodes[0]
        height = 121
        wallet = MiniWallet(node)
        wallet.generate(height - 1)
        spend = wallet.send_self_transfer()  # the tip block carries a segwit spend
        wallet.generate(1)
        tip = node.getbestblockhash()
        genesis = node.getblockhash(0)

        def try_connect():
            try:
                return BitcoinlibPeer(node.p2p_port)
            except OSError:
                return None
        peer = wait_until(try_connect, timeout=30, what=f"a connection to the node's P2P port {node.p2p_port}")

        log("handshake built with bitcoinlib")
        v = msg_version()
        v.nVersion = PROTOCOL_VERSION
        v.nServices = NODE_NETWORK | NODE_WITNESS
        v.addrTo.ip, v.addrTo.port = "127.0.0.1", node.p2p_port
        v.nStartingHeight = 0
        v.fRelay = True
        peer.send(v)
        _, _, their = peer.receive(b"version")
        log(f"node version: {their!r}")
        assert_true(their.nVersion >= 70016, f"protocol version {their.nVersion}")
        assert_true(their.nServices & NODE_NETWORK and their.nServices & NODE_WITNESS,
                    f"services {their.nServices:#x} lack NODE_NETWORK|NODE_WITNESS")
        assert_equal(their.nStartingHeight, height, "start height")
        assert_true(their.strSubVer.startswith(b"/"), f"user agent {their.strSubVer!r}")
        peer.send(msg_verack())
        peer.receive(b"verack")

        nonce = random.getrandbits(64)
        peer.send(msg_ping(nonce=nonce))
        while True:
            _, _, pong = peer.receive(b"pong")
            if pong.nonce == nonce:
                break
        log("ping/pong with bitcoinlib messages")

        log("getheaders from genesis")
        gh = msg_getheaders()
        gh.locator.nVersion = PROTOCOL_VERSION
        gh.locator.vHave = [lx(genesis)]
        peer.send(gh)
        _, frame, _ = peer.receive(b"headers")
        MsgSerializable.from_bytes(frame)  # bitcoinlib's frame checks (magic, checksum)
        headers = parse_headers_payload(frame[24:])
        assert_equal(len(headers), height, "headers after genesis")
        prev = genesis
        for i, h in enumerate(headers, start=1):
            assert_equal(b2lx(h.hashPrevBlock), prev, f"header {i} links to its parent")
            CheckProofOfWork(h.GetHash(), h.nBits)
            rpc = node.getblockheader(b2lx(h.GetHash()))
            assert_equal(rpc["height"], i, "height of a received header")
            assert_equal(b2lx(h.hashMerkleRoot), rpc["merkleroot"], "merkle root")
            assert_equal(h.nTime, rpc["time"], "time")
            assert_equal(f"{h.nBits:08x}", rpc["bits"], "bits")
            assert_equal(h.nNonce, rpc["nonce"], "nonce")
            prev = b2lx(h.GetHash())
        assert_equal(prev, tip, "last header is the node's tip")

        log("getheaders with a mid-chain locator and a stop hash")
        gh = msg_getheaders()
        gh.locator.nVersion = PROTOCOL_VERSION
        gh.locator.vHave = [lx(node.getblockhash(40)), lx(node.getblockhash(20)), lx(genesis)]
        gh.hashstop = lx(node.getblockhash(50))
        peer.send(gh)
        _, frame, _ = peer.receive(b"headers")
        headers = parse_headers_payload(frame[24:])
        assert_equal([b2lx(h.GetHash()) for h in headers], [node.getblockhash(i) for i in range(41, 51)],
                     "headers 41..50")

        log("getdata (bitcoinlib CInv) for the tip block, with and without witnesses")
        for inv_type, label in ((MSG_WITNESS_BLOCK, "witness"), (MSG_BLOCK, "no witness")):
            inv = CInv()
            inv.type, inv.hash = inv_type, lx(tip)
            gd = msg_getdata()
            gd.inv = [inv]
            peer.send(gd)
            _, frame, parsed = peer.receive(b"block")
            blk = parsed.block
            assert_equal(b2lx(blk.GetHash()), tip, f"block ({label}) hash")
            assert_equal(blk.calc_merkle_root(), blk.hashMerkleRoot, f"block ({label}) merkle root")
            CheckBlock(blk, cur_time=time.time())
            ours = Block.from_hex(node.getblock(tip, 0))
            assert_equal(frame[24:], ours.serialize(with_witness=inv_type == MSG_WITNESS_BLOCK),
                         f"block ({label}) bytes equal getblock's")
            assert_equal(b2lx(blk.vtx[1].GetTxid()), spend["txid"], "the spend's txid (bitcoinlib)")
            assert_equal(blk.vtx[1].has_witness(), inv_type == MSG_WITNESS_BLOCK, f"witness data ({label})")
            log(f"  block ({label}): {len(frame) - 24} bytes, {len(blk.vtx)} txs, bitcoinlib CheckBlock ok")
        peer.close()


if __name__ == "__main__":
    P2PWireCompatTest().main()
