#!/usr/bin/env python3
"""Log volume stays bounded under hostile peers (RELIABILITY.md #10,
CVE-2025-54604/54605): spoofed self-connections and repeated invalid blocks
must not let a peer fill the disk through debug.log.

The node runs with the default log categories and -logratelimit=QUOTA (each
source location may write QUOTA bytes of info/warning/error lines per hour;
the default is 1 MiB, lowered here so that a few thousand attempts exceed it):

- self-connections: the node connects out to a test peer, which learns the
  nonce of the node's version message; ROUNDS inbound connections then send
  a version with that nonce, and the node drops each one ("connected to
  self"). The log grows by at most a few quotas, whatever ROUNDS is.
- invalid blocks: ROUNDS connections each complete the handshake and send a
  block with valid proof of work whose coinbase pays one unit too much. Each
  sender is disconnected (the punishment still works), the log shows a few
  "received invalid block" lines, then one "Excessive logging detected"
  warning per location, and the log grows by at most a few quotas.

Without the limit (-logratelimit=0) the invalid-block phase alone writes
several hundred bytes per round (the mutation check of this test).
"""
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_OP_TRUE, OP_TRUE_SPK, HashmintTestFramework, assert_equal, assert_greater_than,  # noqa: E402
                       assert_in, assert_true, create_block, log, wait_until)
import p2p_client as p2p  # noqa: E402

QUOTA = 8000
ROUNDS = 1500
# Distinct log locations one attack may touch (connection, handshake, block,
# punishment ...): the growth bound is this many quotas plus the suppression notes.
SITES = 6


class LogVolumeTest(HashmintTestFramework):
    """p2p_log_volume_test"""
    num_nodes = 1

    def set_test_params(self):
        self.extra_args = [["-listen=1", "-bind=127.0.0.1", f"-logratelimit={QUOTA}"]]

    def log_size(self):
        return os.path.getsize(self.node.debug_log)

    def bound(self):
        return SITES * (QUOTA + 400)

    def run_test(self):
        self.node = self.nodes[0]
        self.node.generatetoaddress(1, ADDRESS_OP_TRUE)
        self.self_connections()
        self.invalid_blocks()
        # the node is fine and still logs what other locations have to say
        self.node.generatetoaddress(1, ADDRESS_OP_TRUE)
        wait_until(lambda: "UpdateTip" in self.node.debug_log_text()[-2000:], timeout=10, what="tip update logged")

    def self_connections(self):
        node = self.node
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(30)
        node.addnode(f"127.0.0.1:{listener.getsockname()[1]}", "onetry")
        out, _ = listener.accept()
        listener.close()
        # the node's version: its nonce marks our inbound connections as "self"
        buf = b""
        while len(buf) < p2p.HEADER_SIZE or len(buf) < p2p.HEADER_SIZE + struct.unpack("<I", buf[16:20])[0]:
            data = out.recv(65536)
            assert_true(data, "the node closed its outbound connection before sending version")
            buf += data
        _, cmd, length, _ = p2p.parse_frame_header(buf[:p2p.HEADER_SIZE])
        assert_equal(cmd, "version")
        nonce = p2p.parse_version(buf[p2p.HEADER_SIZE:p2p.HEADER_SIZE + length])["nonce"]
        # complete the handshake of the outbound connection so it stays up
        out.sendall(p2p.frame("version", p2p.msg_version(start_height=0)) + p2p.frame("verack", b""))
        wait_until(lambda: any(not pi["inbound"] for pi in node.getpeerinfo()), timeout=30,
                   what="outbound connection to the test peer")

        start = self.log_size()
        for i in range(ROUNDS):
            c = p2p.P2PConnection.connect_to(node)
            c.send_message("version", p2p.msg_version(nonce=nonce, start_height=0))
            assert_true(c.wait_for_disconnect(10), f"self-connection {i} dropped")
            c.close()
        # every spoofed connection is gone before measuring
        wait_until(lambda: len(node.getpeerinfo()) == 1, timeout=30, what="only the outbound peer left")
        grew = self.log_size() - start
        log(f"{ROUNDS} spoofed self-connections: debug.log grew {grew} bytes (bound {self.bound()})")
        assert_true(grew <= self.bound(), f"log growth {grew} bytes for {ROUNDS} self-connections exceeds "
                                          f"{self.bound()}")
        out.close()

    def invalid_blocks(self):
        node = self.node
        tmpl = node.getblocktemplate({"rules": ["segwit"]})
        bad = create_block(tmpl["previousblockhash"], tmpl["height"], max(tmpl["curtime"], tmpl["mintime"]),
                           int(tmpl["bits"], 16), [], OP_TRUE_SPK, tmpl["coinbasevalue"] + 1, tmpl["version"])
        tip = node.getbestblockhash()
        start = self.log_size()
        for i in range(ROUNDS):
            c = p2p.P2PConnection.connect_to(node)
            c.handshake(start_height=0)
            c.send_message("block", p2p.msg_block(bad))
            assert_true(c.wait_for_disconnect(10), f"sender {i} of an invalid block disconnected")
            c.close()
        wait_until(lambda: len(node.getpeerinfo()) == 0, timeout=30, what="every sender gone")
        assert_equal(node.getbestblockhash(), tip, "the invalid block was not connected")
        text = node.debug_log_text()[start:]
        grew = self.log_size() - start
        rejected = text.count("received invalid block")
        log(f"{ROUNDS} invalid blocks: debug.log grew {grew} bytes (bound {self.bound()}), "
            f"{rejected} 'received invalid block' lines")
        assert_in("bad-cb-amount", text)
        assert_greater_than(rejected, 0, "the first invalid blocks are logged")
        assert_true(rejected < ROUNDS // 10, f"repeated invalid blocks stop being logged ({rejected} lines)")
        assert_in("Excessive logging detected from", text)
        assert_true(grew <= self.bound(), f"log growth {grew} bytes for {ROUNDS} invalid blocks exceeds "
                                          f"{self.bound()}")


if __name__ == "__main__":
    LogVolumeTest().main()
