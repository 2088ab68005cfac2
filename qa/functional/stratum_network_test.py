#!/usr/bin/env python3
"""Stratum on a network of two mining nodes, and clients that misbehave.

- two nodes, each with its Stratum server and workers, connected over P2P:
  a block from either (generatetoaddress on one, a worker's share on the
  other) reaches the other node, and every connected worker of both nodes
  gets a clean_jobs notify on the new tip; no worker is left on a stale job
  (each one's current job builds on the tip) and a share of the old job is
  answered "Stale job";
- a transaction entering the mempool brings every worker a job whose
  coinbase collects its fee, without clean_jobs: the previous job stays
  valid; the block from the new job includes the transaction;
- getstratuminfo's fields;
- a request that is no object, has no method or params that are no array,
  a submit missing fields, an authorize without a name, a job id that is
  not hex: each gets its error and the client is still served;
- more than 10 malformed lines disconnect a client;
- with a -stratumjobinterval of an hour a mempool change brings no job
  update (fee updates are rate-limited), the next tip does; 2000 connections
  against -stratummaxconnections=100: the extra ones are closed;
- a client that never reads its replies is disconnected once more than
  1 MB waits for it, while the node and the other workers carry on.
Every wait is on a condition (a message read, a tip reached), never a sleep.
"""
import os
import socket
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, MiniWallet, assert_equal, assert_in, assert_true,  # noqa: E402
                       free_port, log, wait_until)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402
from stratum_client import StratumClient  # noqa: E402

SHARE_DIFF = 3e-10


def read_until_closed(sock, timeout=120):
    """Reads (and drops) everything until the server closes; True if it did within timeout."""
    sock.settimeout(timeout)
    try:
        while sock.recv(1 << 20):
            pass
        return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


def notifies(c, start=0):
    return [m["params"] for m in c.notifications[start:] if m["method"] == "mining.notify"]


def next_reply(c):
    """The next reply (not a notification) the client reads."""
    deadline = time.time() + 60
    while time.time() < deadline:
        msg = c._read_message(deadline)
        if msg is not None and "method" not in msg:
            return msg
    raise TimeoutError("no reply")


class StratumNetworkTest(HashmintTestFramework):
    """stratum_network_test"""

    def set_test_params(self):
        self.num_nodes = 0

    def stratum_args(self, port):
        return ["-stratum=1", f"-stratumport={port}", f"-stratumdifficulty={SHARE_DIFF}", "-stratumsharerate=0",
                "-stratummsgrate=0", "-stratumjobinterval=100", "-stratummaxconnections=100"]

    def run_test(self):
        self.ports = [free_port(), free_port()]
        n0 = self.add_node(self.stratum_args(self.ports[0]) + p2p_listen_args())
        n0.start()
        n1 = self.add_node(self.stratum_args(self.ports[1]) + connect_args(n0))
        n1.start()
        wait_until(lambda: n0.getconnectioncount() == 1 and n1.getconnectioncount() == 1, what="P2P connection")
        self.n0, self.n1 = n0, n1
        self.two_nodes()
        self.mempool_update()
        self.info_fields()
        self.malformed()
        self.many_connections()
        self.never_reads()
        self.fee_updates_limited()

    def workers(self, node_index, count):
        out = []
        for i in range(count):
            c = StratumClient(self.ports[node_index])
            c.subscribe()
            c.authorize(Key.from_label(f"net worker {node_index} {i}").p2wpkh_address() + ".rig")
            c.wait_for(lambda: c.job is not None, what="a first job")
            out.append(c)
        return out

    def all_on_tip(self, clients, tip):
        """Every client gets a clean_jobs notify on tip, and its current job builds on it."""
        for c in clients:
            c.wait_for(lambda: c.job.clean and c.job.prev[::-1].hex() == tip, what="a clean_jobs notify on the tip")

    def two_nodes(self):
        n0, n1 = self.n0, self.n1
        w0, w1 = self.workers(0, 3), self.workers(1, 3)
        self.w0, self.w1 = w0, w1
        everyone = w0 + w1
        old = w0[0].job

        # A block mined at node1 (not through Stratum): relayed; every worker of both nodes moves.
        [tip] = n1.generatetoaddress(1, Key.from_label("net other").p2wpkh_address())
        wait_for_tip([n0, n1], tip)
        self.all_on_tip(everyone, tip)
        params, _ = w0[0].solve("share", job=old)
        result, error = w0[0].submit(params)
        assert_equal((result, error[0], error[1]), (None, 21, "Stale job"))
        log("a block from node1 reached all 6 workers of both nodes as clean_jobs")

        # A block found by a worker of node0's Stratum server: relayed to node1, whose workers move too.
        params, h = w0[1].solve("block")
        assert_equal(w0[1].submit(params), (True, None))
        tip = n0.getbestblockhash()
        assert_equal(int(tip, 16), h)
        wait_for_tip([n0, n1], tip)
        self.all_on_tip(everyone, tip)
        assert_equal(n0.getblock(tip, 2)["tx"][0]["vout"][0]["scriptPubKey"]["address"], w0[1].worker.split(".")[0])
        # And the other way: a worker of node1 finds the next block.
        params, h = w1[2].solve("block")
        assert_equal(w1[2].submit(params), (True, None))
        tip = n1.getbestblockhash()
        assert_equal(int(tip, 16), h)
        wait_for_tip([n0, n1], tip)
        self.all_on_tip(everyone, tip)
        for c in everyone:  # shares on the new jobs are accepted everywhere
            assert_equal(c.submit(c.solve("share", extranonce2=1)[0]), (True, None))
        assert_equal((n0.getstratuminfo()["blocks_found"], n1.getstratuminfo()["blocks_found"]), (1, 1))
        log("blocks found through Stratum on either node reach the other node's workers")

    def mempool_update(self):
        n0, n1 = self.n0, self.n1
        w = MiniWallet(n0)
        w.generate(101)
        tip = wait_for_tip([n0, n1])
        self.all_on_tip(self.w0, tip)
        c = self.w0[0]
        old = c.job
        tx = w.send_self_transfer()
        value = n0.getblocktemplate({"rules": ["segwit"]})["coinbasevalue"]
        spk = n0.validateaddress(c.worker.split(".")[0])["scriptPubKey"]
        paid = (struct.pack("<q", value) + bytes([len(spk) // 2]) + bytes.fromhex(spk)).hex()
        c.wait_for(lambda: paid in c.job.coinb2, what="a job collecting the new fee")
        assert_true(not c.job.clean and c.job.prev == old.prev, "a fee update keeps the jobs valid")
        assert_equal(c.submit(c.solve("share", job=old, extranonce2=3)[0]), (True, None))
        params, _ = c.solve("block", extranonce2=4)
        assert_equal(c.submit(params), (True, None))
        assert_in(tx["txid"], n0.getblock(n0.getbestblockhash())["tx"])
        self.all_on_tip(self.w0 + self.w1, wait_for_tip([n0, n1]))
        log("a mempool change: a job with the fee, clean_jobs false, the old job still valid")

    def info_fields(self):
        info = self.n0.getstratuminfo()
        assert_equal(sorted(info), sorted(["port", "payout", "connections", "workers", "shares", "blocks_found",
                                           "blocks_rejected", "disconnects", "recent_blocks", "height",
                                           "last_clean_notify_ms"]))
        assert_equal((info["port"], info["payout"], info["connections"]), (self.ports[0], "solo", 3))
        assert_equal(info["height"], self.n0.getblockcount() + 1)
        assert_equal(len(info["workers"]), 3)
        for w in info["workers"]:
            assert_equal(sorted(w), sorted(["worker", "address", "vault", "difficulty", "hashrate", "accepted",
                                            "rejected", "blocks"]))
            assert_true(w["hashrate"] > 0 and w["accepted"] >= 1, f"worker figures {w}")
        assert_equal(info["blocks_found"], 2)
        assert_equal(len(info["recent_blocks"]), 2)
        assert_equal(info["shares"]["rejected"]["stale"], 1)

    def many_connections(self):
        n0 = self.n0
        socks = [socket.create_connection(("127.0.0.1", self.ports[0])) for _ in range(2000)]
        for s in socks:
            try:
                s.sendall(b"{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n")
            except (ConnectionResetError, BrokenPipeError):
                pass  # one the server closed
        kept = 0
        for s in socks:
            s.settimeout(60)
            try:
                kept += 1 if s.recv(1) else 0
            except (ConnectionResetError, BrokenPipeError):
                pass
        for s in socks:
            s.close()
        assert_equal(kept, 100 - 3, "up to -stratummaxconnections kept (3 workers were connected)")
        wait_until(lambda: n0.getstratuminfo()["connections"] == 3, what="the extra connections gone")
        c = self.w0[0]
        assert_equal(c.submit(c.solve("share", extranonce2=5)[0]), (True, None))
        log("2000 connections: 97 kept up to the limit of 100, the others closed; the workers carry on")

    def malformed(self):
        n0 = self.n0
        c = StratumClient(self.ports[0])
        c.subscribe()
        c.authorize(Key.from_label("net malformed").p2wpkh_address())
        for line, i in ((b"[1,2]\n", None), (b"{\"id\":5,\"method\":\"mining.submit\",\"params\":\"x\"}\n", 5),
                        (b"{\"id\":6,\"params\":[]}\n", 6)):
            c.send_raw(line)
            reply = next_reply(c)
            assert_equal((reply["id"], reply["error"]), (i, [20, "Invalid request", None]), "the request's id back")
        for method, params, error in (("mining.submit", [c.worker, "1"], [20, "Invalid parameters", None]),
                                      ("mining.authorize", [], [20, "Worker name required", None]),
                                      ("mining.submit", [c.worker, "zz", "00000000", "00000000", "00000000"],
                                       [21, "Job not found", None])):
            assert_equal(c.response(c.send(method, params))["error"], error, method)
        assert_equal(c.subscribe()[2], 4, "still served")
        c.close()
        wait_until(lambda: n0.getstratuminfo()["connections"] == 3, what="the client gone")
        before = n0.getstratuminfo()["disconnects"]
        s = socket.create_connection(("127.0.0.1", self.ports[0]))
        for i in range(11):
            s.sendall(b"[1,2\n" if i % 2 else b"{\"id\": 1, \"method\": \"mining.bogus\", \"params\": []}\n")
        assert_true(read_until_closed(s), "11 malformed lines or unknown methods disconnect")
        s.close()
        wait_until(lambda: n0.getstratuminfo()["disconnects"] == before + 1, what="the disconnect counted")
        n0.assert_debug_log("too many")
        log("more than 10 malformed lines: disconnected")

    def never_reads(self):
        n0 = self.n0
        before = n0.getstratuminfo()["disconnects"]
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the kernel holds little of what we never read
        s.connect(("127.0.0.1", self.ports[0]))
        s.settimeout(120)
        addr = Key.from_label("net deaf").p2wpkh_address()
        s.sendall(b"{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n"
                  b"{\"id\":2,\"method\":\"mining.authorize\",\"params\":[\"" + addr.encode() + b"\",\"x\"]}\n")
        # Each subscribe (authorized) is answered with a result, a set_difficulty and a job: about ten
        # times the bytes asked. Never read them; the server must drop us, not buffer without end.
        chunk = b"{\"id\":3,\"method\":\"mining.subscribe\",\"params\":[]}\n" * 1000
        sent, dropped = 0, False
        while sent < 64 << 20:
            try:
                s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                dropped = True
                break
            sent += len(chunk)
        assert_true(dropped or read_until_closed(s), f"a client that never reads is dropped ({sent} bytes sent)")
        s.close()
        wait_until(lambda: n0.getstratuminfo()["disconnects"] == before + 1, what="the disconnect counted")
        n0.assert_debug_log("does not read its messages")
        # The node and the other workers carry on.
        [tip] = self.n1.generatetoaddress(1, addr)
        wait_for_tip([self.n0, self.n1], tip)
        self.all_on_tip(self.w0, tip)
        for c in self.w0:
            assert_equal(c.submit(c.solve("share", extranonce2=2)[0]), (True, None))
        assert_equal(n0.getstratuminfo()["connections"], 3)
        log(f"a client that never reads was dropped after {sent >> 10} KiB sent; the others carry on")

    def fee_updates_limited(self):
        """-stratumjobinterval: no fee-driven update within the interval since the last job; the next tip
        brings a clean job at once."""
        port = free_port()
        n2 = self.add_node(self.stratum_args(port) + ["-stratumjobinterval=3600000"])
        n2.start()
        w = MiniWallet(n2)
        c = StratumClient(port)
        c.subscribe()
        c.authorize(Key.from_label("net limited").p2wpkh_address())
        w.generate(101)
        tip = n2.getbestblockhash()
        c.wait_for(lambda: c.job is not None and c.job.prev[::-1].hex() == tip, what="the job on the tip")
        mark = len(c.notifications)
        tx = w.send_self_transfer()
        [tip] = n2.generatetoaddress(1, Key.from_label("net other").p2wpkh_address())
        assert_in(tx["txid"], n2.getblock(tip)["tx"])
        c.wait_for(lambda: c.job.prev[::-1].hex() == tip, what="the job on the new tip")
        assert_equal([p[8] for p in notifies(c, mark)], [True], "no fee update within the interval, then the tip")
        c.close()
        n2.stop()
        log("-stratumjobinterval: a mempool change within the interval brings no update; the next tip does")


if __name__ == "__main__":
    StratumNetworkTest().main()
