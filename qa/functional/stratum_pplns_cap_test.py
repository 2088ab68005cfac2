#!/usr/bin/env python3
"""pplns payouts under the coinbase cap (-stratumcoinbasemax), checked
against the share log the node keeps.

Three workers on one node in pplns mode; -stratumcoinbasemax=62 leaves room
for two P2WPKH outputs (31 bytes each: value, script length, script):

- shares C 1, B 2, A 3: the job's coinbase pays the two largest, A and B,
  3:2 of the value (the rounding to the largest); C's share stays in the
  window; A finds the block (the finder gets no more than its share);
- C adds 4 shares (C 5, A 4 with its block share, B 2): the next block,
  found by B, pays C and A 5:4; C's first share, left out of the first
  block, is in this block's window: paid later; B stays in the window;
- each block's outputs are redone from the share log (the shares with
  window_first <= seq <= window_last, doc/mining.md steps 1-4) and match
  the block's coinbase, and the log's own record of what it paid;
- getstratuminfo's window: payees in the window and paid;
- without a cap (0) every payee is paid; a worker asking vault=40 gets 40%
  of its pplns payout in a VAULT output: its vault is in listvaults.

Share difficulty 2^-32 (below regtest's network difficulty, 2^-30.99), so
credits are exact multiples and the proportional split is exact.
"""
import json
import os
import struct
import sys
from fractions import Fraction

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_not_in, assert_true, free_port,  # noqa: E402
                       log, satoshi, wait_until)
from stratum_client import StratumClient  # noqa: E402

SHARE_DIFF = 2.0 ** -32
CAP = 62


def output_hex(value, script_hex):
    script = bytes.fromhex(script_hex)
    return (struct.pack("<q", value) + bytes([len(script)]) + script).hex()


def pplns_split(shares, value, cap, min_output):
    """doc/mining.md, pplns steps 1-3 (no vaults): [(script, value)] in coinbase order."""
    credit = {}
    for s in shares:
        credit[s["script"]] = credit.get(s["script"], Fraction(0)) + Fraction(s["difficulty"])
    order = sorted(credit, key=lambda k: (-credit[k], len(k), bytes.fromhex(k)))
    taken, used = [], 0
    for k in order:
        b = 8 + 1 + len(k) // 2
        if cap and used + b > cap:
            continue
        used += b
        taken.append(k)
    while taken:
        total = sum(credit[k] for k in taken)
        vals = [int(value * credit[k] / total) for k in taken]
        if len(taken) > 1 and vals[-1] < min_output:
            taken.pop()
            continue
        vals[0] += value - sum(vals)
        return list(zip(taken, vals))
    return []


class StratumPplnsCapTest(HashmintTestFramework):
    """stratum_pplns_cap_test"""

    def set_test_params(self):
        self.port = free_port()
        self.extra_args = [["-stratum=1", f"-stratumport={self.port}", "-stratumpayout=pplns",
                            "-stratumpplnsn=100", "-stratumminpayout=1", f"-stratumcoinbasemax={CAP}",
                            f"-stratumdifficulty={SHARE_DIFF!r}", "-stratumsharerate=0",
                            "-stratumjobinterval=100"]]

    def run_test(self):
        node = self.nodes[0]
        self.node = node
        self.log_path = os.path.join(node.chaindir, "stratum_shares.log")
        names = ("a", "b", "c")
        self.addr = {n: Key.from_label(f"pplns cap worker {n}").p2wpkh_address() for n in names}
        self.spk = {n: node.validateaddress(self.addr[n])["scriptPubKey"] for n in names}
        self.cl = {}
        for n in names:
            c = StratumClient(self.port)
            c.subscribe()
            c.authorize(self.addr[n] + ".rig")
            c.wait_for(lambda: c.job is not None, what="a job")
            self.cl[n] = c
        self.en2 = 0

        # First block: C 1, B 2, A 3 shares; two outputs fit: A and B.
        for n, k in (("c", 1), ("b", 2), ("a", 3)):
            self.shares(n, k)
        info = node.getstratuminfo()["window"]
        assert_equal((info["payees"], info["paid"]), (3, 2))
        value = node.getblocktemplate({"rules": ["segwit"]})["coinbasevalue"]
        want = [(self.spk["a"], value - value * 2 // 5), (self.spk["b"], value * 2 // 5)]
        first_c = self.log_shares()[0]
        assert_equal(first_c["script"], self.spk["c"])
        tip1 = self.mine("a", want)
        outs = self.coinbase(tip1)
        assert_equal(outs, want, "the two largest, 3:2")
        assert_not_in(self.spk["c"], [s for s, _ in outs])
        blk1 = self.check_against_log(tip1, value)
        assert_true(blk1["window_first"] <= first_c["seq"] <= blk1["window_last"], "C's share was in the window")
        log(f"block 1 pays A and B 3:2 under a {CAP}-byte cap; C's share stays in the window")

        # Second block: C 5, A 4, B 2 (B finds it, and is not paid by it).
        self.shares("c", 4)
        value = node.getblocktemplate({"rules": ["segwit"]})["coinbasevalue"]
        want = [(self.spk["c"], value - value * 4 // 9), (self.spk["a"], value * 4 // 9)]
        tip2 = self.mine("b", want)
        assert_equal(self.coinbase(tip2), want, "C and A 5:4")
        blk2 = self.check_against_log(tip2, value)
        assert_true(blk2["window_first"] <= first_c["seq"] <= blk2["window_last"],
                    "C's first share, not paid by block 1, is paid by block 2")
        info = node.getstratuminfo()["window"]
        assert_equal((info["payees"], info["paid"]), (3, 2), "B stays in the window")
        log("block 2 pays C (its share left out of block 1 included) and A 5:4; B stays in the window")

        # Without a cap every payee of the window is paid.
        for c in self.cl.values():
            c.close()
        node.extra_args = [a for a in node.extra_args if not a.startswith("-stratumcoinbasemax")]
        node.restart(["-stratumcoinbasemax=0"])
        wait_until(lambda: "window" in node.getstratuminfo(), what="the first job")
        info = node.getstratuminfo()
        assert_equal((info["window"]["payees"], info["window"]["paid"], len(info["payout_split"])), (3, 3, 3))
        log("-stratumcoinbasemax=0: every payee of the window is paid")

        # A vault=40 worker joins (3 shares): the window A 4, B 3, C 5, V 3; its block opens its vault.
        v = StratumClient(self.port)
        v.subscribe()
        addr_v = Key.from_label("pplns cap vault worker").p2wpkh_address()
        spk_v = node.validateaddress(addr_v)["scriptPubKey"]
        v.authorize(addr_v + ".rig", "x,vault=40")
        v.wait_for(lambda: v.job is not None, what="a job")
        self.cl = {"v": v}
        self.shares("v", 3)
        value = node.getblocktemplate({"rules": ["segwit"]})["coinbasevalue"]
        value_v = value * 3 // 15
        vault = value_v * 40 // 100
        tip = self.mine("v", [(spk_v, value_v - vault)])
        outs = self.coinbase(tip)
        assert_equal(len(outs), 5, "A, B, C, and V's payout and vault outputs")
        assert_equal(sum(val for _, val in outs), value)
        [vlt] = [x for x in node.listvaults() if x["owner_script"] == spk_v]
        assert_equal((vlt["collateral"], vlt["coinbase"]), (vault, True), "the vault share of V's payout")
        log("a vault=40 pplns payee: 40% of its payout in a vault listed by listvaults")

    def shares(self, n, k):
        c = self.cl[n]
        for _ in range(k):
            self.en2 += 1
            params, _ = c.solve("share", extranonce2=self.en2)
            assert_equal(c.submit(params), (True, None))

    def mine(self, n, want):
        """Waits for the job paying exactly `want` (the window rebuilt), then finds a block with it."""
        c = self.cl[n]
        encoded = [output_hex(v, s) for s, v in want]
        c.wait_for(lambda: c.job is not None and all(e in c.job.coinb2 for e in encoded),
                   what="the job paying the window")
        job = c.job
        self.en2 += 1
        params, h = c.solve("block", job=job, extranonce2=self.en2)
        assert_equal(c.submit(params), (True, None))
        tip = self.node.getbestblockhash()
        assert_equal(int(tip, 16), h)
        for w in self.cl.values():  # every worker moves to the new tip
            w.wait_for(lambda: w.job.clean and w.job.prev[::-1].hex() == tip, what="the job on the new tip")
        return tip

    def coinbase(self, blockhash):
        cb = self.node.getblock(blockhash, 2)["tx"][0]
        return [(o["scriptPubKey"]["hex"], satoshi(o["value"])) for o in cb["vout"]
                if o["scriptPubKey"]["type"] != "nulldata"]

    def log_entries(self):
        return [json.loads(line) for line in open(self.log_path)]

    def log_shares(self):
        return [e for e in self.log_entries() if e["type"] == "share"]

    def check_against_log(self, blockhash, value):
        """Redoes the block's payout from the share log; returns the log's block record."""
        entries = self.log_entries()
        [blk] = [e for e in entries if e["type"] == "block" and e["hash"] == blockhash]
        window = [e for e in entries if e["type"] == "share" and blk["window_first"] <= e["seq"] <= blk["window_last"]]
        assert_equal(window[-1]["seq"], blk["window_last"])
        redone = pplns_split(window, value, CAP, 1)
        assert_equal(redone, self.coinbase(blockhash), "the share log reproduces the coinbase")
        assert_equal([(o["script"], o["value"]) for o in blk["outputs"]], redone, "the log's record of the payout")
        return blk


if __name__ == "__main__":
    StratumPplnsCapTest().main()
