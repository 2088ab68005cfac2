#!/usr/bin/env python3
"""Stratum variable difficulty, driven by the node's mock clock.

Vardiff (doc/mining.md, "Variable difficulty") reads the Stratum server's
clock, which `setmocktime` moves on regtest, so every retarget here follows
from shares the test sends at mock times it chose, never from scheduling:

- shares faster than -stratumsharerate: no retarget before 10 seconds, then
  the difficulty goes up, by at most a factor of 4;
- shares slower: no retarget before 120 seconds (under 16 shares), then it
  goes down by at most 4; at the wanted rate (within 10%) nothing changes;
  the result is clamped to -stratummindifficulty;
- getstratuminfo's difficulty and hash rate estimate follow the same clock;
- mining.suggest_difficulty is honoured (clamped to the minimum and maximum,
  also before mining.subscribe, as ASIC firmware sends it), a bad one is an
  error; shares of a job sent before the change count at the old (lower)
  difficulty, those of later jobs at the new one; above the network's
  difficulty a hash meeting only the network target is still a block;
  the password's d=;
- a connection that sends no share at all (its difficulty too high) is
  lowered by the server's timer every 120 seconds;
- setmocktime's own errors.

Share difficulties are powers of two below regtest's network difficulty
(about 4.66e-10 = 2^-30.99), so sums and products are exact.
"""
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_raises_rpc_error, assert_true,  # noqa: E402
                       free_port, log)
from stratum_client import StratumClient, StratumError  # noqa: E402

D0 = 2.0 ** -34
MIN_DIFF = 2.0 ** -35
MAX_DIFF = 1e-9
RATE = 20  # shares a minute


def set_difficulties(c):
    return [m["params"][0] for m in c.notifications if m["method"] == "mining.set_difficulty"]


def close_to(a, b):
    """RPC numbers have 16 significant digits (Core's JSON writer)."""
    return abs(float(a) - b) <= 1e-15 * abs(b)


def sync(c):
    """Every message the server sent before now has been read (replies come in order)."""
    assert_equal(c.call("mining.extranonce.subscribe", []), True)


class StratumVardiffTest(HashmintTestFramework):
    """stratum_vardiff_test"""

    def set_test_params(self):
        self.port = free_port()
        self.extra_args = [["-stratum=1", f"-stratumport={self.port}", f"-stratumdifficulty={D0!r}",
                            f"-stratumsharerate={RATE}", f"-stratummindifficulty={MIN_DIFF!r}",
                            f"-stratummaxdifficulty={MAX_DIFF!r}", "-stratummsgrate=0", "-stratumjobinterval=100"]]

    def run_test(self):
        self.node = self.nodes[0]
        self.addr = Key.from_label("vardiff worker").p2wpkh_address()
        self.en2 = 0
        self.mock_errors()
        self.t0 = int(time.time())
        self.node.setmocktime(self.t0)
        self.vardiff()
        self.suggest()
        self.password_and_hashrate()
        self.no_shares()

    def mock_errors(self):
        assert_raises_rpc_error(-8, "Mocktime cannot be negative: -1.", self.node.setmocktime, -1)
        assert_raises_rpc_error(-3, None, self.node.setmocktime, "x")
        assert_equal(self.node.setmocktime(0), None)

    def share(self, c, n=1, **kw):
        """Submits n shares (not blocks) of the current job, each accepted."""
        for _ in range(n):
            self.en2 += 1
            params, _ = c.solve("share", extranonce2=self.en2, **kw)
            assert_equal(c.submit(params), (True, None))

    def at(self, seconds):
        self.node.setmocktime(self.t0 + seconds)

    def unchanged(self, c, count, diff, what):
        sync(c)
        assert_equal(len(set_difficulties(c)), count, f"no retarget: {what}")
        assert_equal(c.difficulty, diff)

    def vardiff(self):
        node = self.node
        c = StratumClient(self.port)
        self.c = c
        c.subscribe()
        c.authorize(self.addr + ".vd")
        c.wait_for(lambda: c.job is not None, what="a job")
        assert_equal(set_difficulties(c), [D0])

        # Fast: 16 shares at once, far above 20 a minute. Not before 10 seconds.
        self.share(c, 16)
        self.unchanged(c, 1, D0, "16 shares in 0 s")
        self.at(9)
        self.share(c)
        self.unchanged(c, 1, D0, "17 shares in 9 s")
        self.at(10)
        self.share(c)  # 18 shares in 10 s: 108 a minute, 5.4 times too many: up 4 times (the limit)
        c.wait_for(lambda: c.difficulty == 4 * D0, what="set_difficulty up")
        assert_equal(set_difficulties(c), [D0, 4 * D0])
        [w] = node.getstratuminfo()["workers"]
        assert_true(close_to(w["difficulty"], 4 * D0), f"difficulty {w['difficulty']}")
        # The hash rate estimate: the difficulty submitted times 2^32 over the (mock) connection time.
        assert_true(close_to(w["hashrate"], 18 * D0 * 2 ** 32 / 10), f"hash rate {w['hashrate']}")
        log("vardiff up: 18 shares in 10 mock seconds gave 4 x the difficulty")

        # Slow: under 16 shares, not before 120 seconds; then down, by at most 4.
        self.share(c)
        self.at(10 + 119)
        self.share(c)
        self.unchanged(c, 2, 4 * D0, "2 shares in 119 s")
        self.at(10 + 120)
        self.share(c)  # 3 shares in 120 s: 1.5 a minute: down 4 times (the limit)
        c.wait_for(lambda: c.difficulty == D0, what="set_difficulty down")
        assert_equal(set_difficulties(c), [D0, 4 * D0, D0])
        log("vardiff down: 3 shares in 120 mock seconds gave a quarter of the difficulty")

        # At the wanted rate: 16 shares in 48 s is 20 a minute: no message.
        self.share(c, 15)
        self.at(130 + 48)
        self.share(c)
        self.unchanged(c, 3, D0, "16 shares in 48 s, the wanted rate")
        # Then slow again: 17 shares in 168 s (6 a minute) would be 0.3 x D0, under -stratummindifficulty.
        self.at(130 + 168)
        self.share(c)
        c.wait_for(lambda: c.difficulty == MIN_DIFF, what="set_difficulty clamped")
        assert_equal(set_difficulties(c), [D0, 4 * D0, D0, MIN_DIFF])
        log("vardiff: no change at the wanted rate; clamped to -stratummindifficulty")

    def suggest(self):
        node = self.node
        c = self.c
        n = len(set_difficulties(c))
        for bad in ("x", -1, 0):
            try:
                c.call("mining.suggest_difficulty", [bad])
                raise AssertionError(f"suggest_difficulty {bad!r} accepted")
            except StratumError as e:
                assert_equal((e.code, e.message), (20, "Difficulty must be a positive number"))
        self.unchanged(c, n, MIN_DIFF, "bad suggestions")

        # A suggestion above the share rate's: honoured at once, vardiff does not undo it at this mock time.
        d = 3.5e-10  # share target ~2^255.4 against the network's ~2^255: low shares exist
        old = c.job
        assert_equal(c.call("mining.suggest_difficulty", [d]), True)
        c.wait_for(lambda: c.difficulty == d, what="the suggested difficulty")
        # A job sent before the change: its shares count at the old, lower difficulty.
        self.en2 += 1
        low, _ = c.solve("low", job=old, difficulty=d, extranonce2=self.en2)
        assert_equal(c.submit(low), (True, None))
        # A job sent after: the new difficulty.
        tip = node.generatetoaddress(1, self.addr)[0]
        job = c.wait_job(lambda j: j.clean and j.prev[::-1].hex() == tip)
        self.en2 += 1
        low, _ = c.solve("low", job=job, extranonce2=self.en2)
        result, error = c.submit(low)
        assert_equal((result, error[0], error[1]), (None, 23, "Low difficulty share"))
        self.share(c)
        assert_true(close_to(node.getstratuminfo()["workers"][0]["difficulty"], d))

        # Clamped to -stratummaxdifficulty and -stratummindifficulty.
        assert_equal(c.call("mining.suggest_difficulty", [1.0]), True)
        c.wait_for(lambda: c.difficulty == MAX_DIFF, what="clamped to the maximum")
        # Above the network's difficulty: a hash that meets the network target but not the share target
        # is a block all the same (on a job sent after the change).
        tip = node.generatetoaddress(1, self.addr)[0]
        job = c.wait_job(lambda j: j.clean and j.prev[::-1].hex() == tip)
        self.en2 += 1
        params, h = c.solve("block-only", job=job, extranonce2=self.en2)
        assert_equal(c.submit(params), (True, None))
        assert_equal(node.getbestblockhash(), "%064x" % h, "a block below the share difficulty")
        assert_equal(c.call("mining.suggest_difficulty", [1e-30]), True)
        c.wait_for(lambda: c.difficulty == MIN_DIFF, what="clamped to the minimum")
        c.close()

        # Before mining.subscribe (as ASIC firmware sends it): the first set_difficulty carries it.
        e = StratumClient(self.port)
        assert_equal(e.call("mining.suggest_difficulty", [2.0 ** -33]), True)
        assert_equal(set_difficulties(e), [], "no set_difficulty before subscribe")
        e.subscribe()
        e.wait_for(lambda: e.difficulty is not None, what="set_difficulty")
        assert_equal(set_difficulties(e), [2.0 ** -33])
        e.close()
        log("suggest_difficulty: honoured, clamped, old jobs at the old difficulty, before subscribe")

    def password_and_hashrate(self):
        node = self.node
        c = StratumClient(self.port)
        c.subscribe()
        c.authorize(self.addr + ".d", "x,d=0.0000000002")
        c.wait_for(lambda: c.difficulty == 2e-10 and c.job is not None, what="the password's d= and a job")
        self.share(c, 2)
        w = [x for x in node.getstratuminfo()["workers"] if x["worker"] == self.addr + ".d"][0]
        assert_true(close_to(w["difficulty"], 2e-10) and w["accepted"] == 2, f"worker {w}")
        assert_equal(float(w["hashrate"]), 0.0, "no hash rate estimate at 0 mock seconds")
        self.at(130 + 168 + 100)
        w = [x for x in node.getstratuminfo()["workers"] if x["worker"] == self.addr + ".d"][0]
        assert_true(close_to(w["hashrate"], 2 * 2e-10 * 2 ** 32 / 100), f"hash rate {w['hashrate']}")
        try:
            c.authorize(self.addr + ".e", "d=-1")
            raise AssertionError("d=-1 accepted")
        except StratumError as e:
            assert_equal(e.code, 20)
        c.close()
        log("the password's d= and the hash rate estimate")

    def no_shares(self):
        """A difficulty too high for the miner: no share comes, the server's timer lowers it every 120 s."""
        z = StratumClient(self.port)
        z.subscribe()
        z.authorize(self.addr + ".z", f"d={2.0 ** -30!r}")
        z.wait_for(lambda: z.difficulty == 2.0 ** -30 and z.job is not None, what="d= and a job")
        self.at(398 + 120)
        z.wait_for(lambda: z.difficulty == 2.0 ** -32, what="lowered without a share")
        self.at(398 + 240)
        z.wait_for(lambda: z.difficulty == 2.0 ** -34, what="lowered again")
        assert_equal(set_difficulties(z), [D0, 2.0 ** -30, 2.0 ** -32, 2.0 ** -34])
        self.share(z)
        z.close()
        log("no shares for 120 mock seconds: a quarter of the difficulty, twice")


if __name__ == "__main__":
    StratumVardiffTest().main()
