#!/usr/bin/env python3
"""ZeroMQ notifications: hashblock, hashtx, rawblock, rawtx and sequence.

Every message has three parts with a per-topic little-endian counter that
increases by one (checked by ZMQSubscriber on every message). The sequence
topic is followed through mempool acceptance (A), replacement (R then A),
block connection (C) and a reorganisation by invalidateblock (D for every
disconnected block, C for every connected one); hashblock announces only the
final tip of a reorganisation and nothing when blocks are only disconnected.
A node started with an endpoint that is not loopback (or ipc://) logs a
warning (RELIABILITY.md #36).
"""
import os
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_GENESIS, ADDRESS_UNSPENDABLE, HashmintTestFramework, MiniWallet,  # noqa: E402
                       ZMQSubscriber, assert_equal, assert_greater_than, assert_in, assert_true, free_port, log,
                       wait_until)

TOPICS_B = ["hashblock", "hashtx", "rawblock", "rawtx"]


def parse_seq(body):
    """sequence body -> (hash hex, label, mempool sequence or None)."""
    h, label = body[:32].hex(), chr(body[32])
    if label in "AR":
        assert_equal(len(body), 41, "sequence A/R body length")
        return h, label, struct.unpack("<Q", body[33:41])[0]
    assert_equal(len(body), 33, "sequence C/D body length")
    return h, label, None


class ZMQTest(HashmintTestFramework):
    """zmq_test"""

    def set_test_params(self):
        self.addr_seq = f"tcp://127.0.0.1:{free_port()}"
        self.addr_b = f"tcp://127.0.0.1:{free_port()}"
        self.extra_args = [[f"-zmqpubsequence={self.addr_seq}", "-zmqpubsequencehwm=2000"]
                           + [f"-zmqpub{t}={self.addr_b}" for t in TOPICS_B]]

    def sync(self, node):
        """PUB/SUB's slow joiner: what is published before a subscription reaches
        the node is lost. Mine one block at a time until both subscribers have
        something to read, then mine a fence block and read each socket up to
        that block's last message: the streams are then in step with the node."""
        wait_until(lambda: node.generatetoaddress(1, ADDRESS_UNSPENDABLE) and self.seq.poll(0.5) and self.sb.poll(0.5),
                   timeout=120, interval=0, what="both ZMQ subscriptions active")
        fence = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]
        self.seq_events((fence, "C"))
        self.b_events("rawblock", node.getblock(fence, 0))

    def seq_events(self, last):
        """sequence events up to and including `last` (hash, label)."""
        msgs = self.seq.receive_until(lambda m: bool(m) and parse_seq(m[-1][1])[:2] == last)
        return [parse_seq(body) for topic, body, _ in msgs]

    def b_events(self, topic, body_hex, times=1):
        """hashblock/hashtx/rawblock/rawtx messages by topic, up to the `times`-th
        message of `topic` whose body is body_hex."""
        def done(m):
            return sum(1 for t, b, _ in m if t == topic and b.hex() == body_hex) >= times
        out = {t: [] for t in TOPICS_B}
        for t, body, _ in self.sb.receive_until(done):
            out[t].append(body)
        return out

    def check_mseq(self, events):
        for h, label, ms in events:
            if ms is not None:
                assert_greater_than(ms, self.last_mseq, "mempool sequence increases")
                self.last_mseq = ms

    def run_test(self):
        node = self.nodes[0]
        w = MiniWallet(node)
        w.generate(101)

        notes = node.getzmqnotifications()
        got = {n["type"]: n for n in notes}
        for t in TOPICS_B:
            assert_equal(got[f"pub{t}"]["address"], self.addr_b)
            assert_equal(got[f"pub{t}"]["hwm"], 1000)
        assert_equal(got["pubsequence"]["address"], self.addr_seq)
        assert_equal(got["pubsequence"]["hwm"], 2000, "-zmqpubsequencehwm")
        assert_equal(len(notes), 5)

        self.seq = ZMQSubscriber(self.addr_seq, ["sequence"])
        self.sb = ZMQSubscriber(self.addr_b, TOPICS_B)
        self.sync(node)
        self.last_mseq = -1

        # -- a mempool acceptance --
        t = w.send_self_transfer(fee=2000)
        ev = self.seq_events((t["txid"], "A"))
        assert_equal([(h, lab) for h, lab, _ in ev], [(t["txid"], "A")], "sequence A for the new tx")
        self.check_mseq(ev)
        # Core: the event carries the sequence the mempool had before the addition
        ms = node.getrawmempool(False, True)["mempool_sequence"]
        assert_equal(ev[0][2], ms - 1, "A carries the mempool sequence (getrawmempool's minus one)")
        b = self.b_events("rawtx", t["hex"])
        assert_equal([x.hex() for x in b["hashtx"]], [t["txid"]])
        assert_equal([x.hex() for x in b["rawtx"]], [t["hex"]])
        assert_equal(b["hashblock"], [])
        log("mempool acceptance ok")

        # -- two blocks on branch a (a1 mines t) --
        a1 = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]
        ev = self.seq_events((a1, "C"))
        assert_equal([(h, lab) for h, lab, _ in ev], [(a1, "C")], "C for a1 (no R for block inclusion)")
        b = self.b_events("rawblock", node.getblock(a1, 0))
        assert_equal([x.hex() for x in b["hashblock"]], [a1])
        assert_equal([x.hex() for x in b["rawblock"]], [node.getblock(a1, 0)])
        a1_txids = node.getblock(a1)["tx"]
        assert_equal([x.hex() for x in b["hashtx"]], a1_txids, "hashtx for every tx of the connected block")
        assert_equal(len(b["rawtx"]), len(a1_txids))
        a2 = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]
        assert_equal([(h, lab) for h, lab, _ in self.seq_events((a2, "C"))], [(a2, "C")])
        assert_equal([x.hex() for x in self.b_events("rawblock", node.getblock(a2, 0))["hashblock"]], [a2])

        # -- invalidate a1: D a2, D a1, then t back in the mempool; no hashblock --
        node.invalidateblock(a1)
        ev = self.seq_events((t["txid"], "A"))
        self.check_mseq(ev)
        assert_equal([(h, lab) for h, lab, _ in ev], [(a2, "D"), (a1, "D"), (t["txid"], "A")],
                     "sequence through the disconnection")
        # t's rawtx comes twice: with a1's disconnection (Core announces a
        # disconnected block's transactions) and when it re-enters the mempool
        b = self.b_events("rawtx", t["hex"], times=2)
        assert_equal(b["hashblock"], [], "no hashblock when blocks are only disconnected")
        assert_equal(b["rawblock"], [])
        log("disconnection ok")

        # -- branch b: three blocks, b1 mines t --
        # a different payout address, so b1 is not a copy of the invalid a1
        bs = [node.generatetoaddress(1, ADDRESS_GENESIS)[0] for _ in range(3)]
        assert_equal([(h, lab) for h, lab, _ in self.seq_events((bs[-1], "C"))], [(h, "C") for h in bs])
        assert_equal([x.hex() for x in self.b_events("rawblock", node.getblock(bs[-1], 0))["hashblock"]], bs)
        node.reconsiderblock(a1)          # a is shorter: nothing changes, nothing is published
        assert_equal(node.getbestblockhash(), bs[-1])
        # (a message published here would arrive before the next step's and fail it)

        # -- reorg back to a by invalidating b1 --
        node.invalidateblock(bs[0])
        assert_equal(node.getbestblockhash(), a2)
        ev = self.seq_events((a2, "C"))
        self.check_mseq(ev)
        blocks = [(h, lab) for h, lab, _ in ev if lab in "CD"]
        assert_equal(blocks, [(bs[2], "D"), (bs[1], "D"), (bs[0], "D"), (a1, "C"), (a2, "C")],
                     "every disconnected and connected block of the reorg, in order")
        txev = [(h, lab) for h, lab, _ in ev if lab in "AR"]
        assert_true(txev in ([], [(t["txid"], "A")]), f"mempool events during the reorg: {txev}")
        b = self.b_events("rawblock", node.getblock(a2, 0))
        assert_equal([x.hex() for x in b["hashblock"]], [a2], "hashblock announces only the new tip")
        assert_equal([x.hex() for x in b["rawblock"]], [node.getblock(a2, 0)])
        assert_equal(node.getrawmempool(), [])
        log("reorg ok")

        # -- replacement: A u, R u, A u2 --
        utxo = w.get_utxo()
        u1 = w.create_self_transfer(utxo=utxo, fee=1000)
        node.sendrawtransaction(u1["hex"])
        u2 = w.create_self_transfer(utxo=utxo, fee=5000)
        node.sendrawtransaction(u2["hex"])
        ev = self.seq_events((u2["txid"], "A"))
        self.check_mseq(ev)
        assert_equal([(h, lab) for h, lab, _ in ev], [(u1["txid"], "A"), (u1["txid"], "R"), (u2["txid"], "A")],
                     "sequence through a replacement")
        b = self.b_events("rawtx", u2["hex"])
        assert_equal([x.hex() for x in b["hashtx"]], [u1["txid"], u2["txid"]])
        assert_equal(b["hashblock"], [])
        assert_in(u2["txid"], node.getrawmempool())
        log("replacement ok")

        # -- a last block: nothing unexpected was left in either stream --
        f = node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]
        assert_equal([(h, lab) for h, lab, _ in self.seq_events((f, "C"))], [(f, "C")], "only the last block's C")
        b = self.b_events("rawblock", node.getblock(f, 0))
        assert_equal([x.hex() for x in b["hashblock"]], [f])
        assert_equal([x.hex() for x in b["hashtx"]], node.getblock(f)["tx"], "only the last block's transactions")
        log("no stray messages")
        self.seq.close()
        self.sb.close()

        # -- RELIABILITY.md #36: ZeroMQ has no authentication, so an endpoint
        # others can reach gets a start-up warning; loopback ones do not --
        warn = "is not a loopback or ipc:// address"
        assert_true(warn not in node.debug_log_text(), "no warning for loopback endpoints")
        public = f"tcp://0.0.0.0:{free_port()}"
        node.stop()
        node.start([f"-zmqpubhashtx={public}"])
        assert_in({"type": "pubhashtx", "address": public, "hwm": 1000}, node.getzmqnotifications())
        # the notifier (and its warning) is set up before the RPC warm-up ends
        lines = [ln for ln in node.debug_log_text().splitlines() if warn in ln]
        assert_equal(len(lines), 1, f"one warning, for {public}: {lines}")
        assert_in(f"warning: zmq: {public} {warn}", lines[0])
        log("a non-loopback ZMQ endpoint is warned about at start-up")


if __name__ == "__main__":
    ZMQTest().main()
