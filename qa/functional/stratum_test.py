#!/usr/bin/env python3
"""The Stratum v1 server (-stratum) driven by a Python Stratum client.

The client (stratum_client.py) builds headers exactly as a miner does and
grinds nonces with hashlib's SHA-256d. On regtest the network target is
near 2^255, so the share difficulty is set just below the network's
(3e-10 against 4.66e-10): a hash is then a block, a share that is no block,
or below both, each with a fair probability, and the client picks which.

- solo: subscribe, authorize (ADDRESS.rig; a bad address refused), jobs with
  clean_jobs; a valid share, a duplicate, a low-difficulty share, a job that
  never existed, bad extranonce2 size, bad ntime, version bits without and
  with mining.configure (BIP 310), each answered with its error code; a
  block from a share, paying the worker; a share for the old tip is stale;
  a block from elsewhere reaches the client as a clean_jobs notify;
  suggest_difficulty; a vault=30 worker's block opens a vault owned by its
  address (listvaults); getstratuminfo's counts; the share log;
- several rigs of one address on a connection; a second address refused;
- bad input: malformed JSON and an unknown method get errors, a 1 MB line,
  a message flood and connections over -stratummaxconnections are dropped,
  the node and the other workers carry on;
- pplns: two workers' shares (2:1) are paid in that proportion in the
  coinbase of the block one of them finds, and the share log records the
  window that block paid; a restart reloads the window from the log;
- -stratumidletimeout drops a silent client; bad options stop the node; on
  the test chain in initial block download no job is handed out.
"""
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, Key, assert_equal, assert_in, assert_true, free_port,  # noqa: E402
                       log, satoshi, wait_until)
from stratum_client import StratumClient, StratumError  # noqa: E402

SHARE_DIFF = 3e-10


def expect_error(client, params, code, what):
    result, error = client.submit(params)
    assert_true(error is not None and error[0] == code, f"{what}: expected error {code}, got {result}, {error}")
    return error


def value_outputs(node, blockhash):
    cb = node.getblock(blockhash, 2)["tx"][0]
    return [o for o in cb["vout"] if o["scriptPubKey"]["type"] != "nulldata"]


def spk(node, addr):
    return node.validateaddress(addr)["scriptPubKey"]


def is_closed(sock):
    """True once the server has closed the socket (EOF or reset)."""
    try:
        sock.settimeout(10)
        while True:
            data = sock.recv(65536)
            if not data:
                return True
    except (ConnectionResetError, BrokenPipeError):
        return True
    except socket.timeout:
        return False


class StratumTest(HashmintTestFramework):
    """stratum_test"""

    def set_test_params(self):
        self.port = free_port()
        self.extra_args = [[f"-stratum=1", f"-stratumport={self.port}", f"-stratumdifficulty={SHARE_DIFF}",
                            "-stratumsharerate=0", "-stratumjobinterval=100", "-stratummaxconnections=30"]]

    def run_test(self):
        self.node = self.nodes[0]
        self.addr_a = Key.from_label("stratum worker a").p2wpkh_address()
        self.addr_b = Key.from_label("stratum worker b").p2wpkh_address()
        self.addr_v = Key.from_label("stratum vault worker").p2wpkh_address()
        self.other = Key.from_label("someone else").p2wpkh_address()
        self.test_solo()
        self.test_vault()
        self.test_bad_input()
        self.test_pplns()
        self.test_initial_download()

    def test_solo(self):
        node = self.node
        c = StratumClient(self.port)
        self.client_a = c
        # Before subscribing and authorizing.
        assert_equal(c.submit(["x", "1", "00000000", "00000000", "00000000"])[1][0], 25)
        res = c.subscribe()
        assert_equal(len(res[1]), 8, "4-byte extranonce1")
        assert_equal(res[2], 4, "extranonce2 size")
        assert_equal(c.submit([self.addr_a, "1", "00000000", "00000000", "00000000"])[1][0], 24)
        try:
            c.authorize("notanaddress.rig")
            raise AssertionError("a bad address was authorized")
        except StratumError as e:
            assert_equal(e.code, 24)
        assert_equal(c.authorize(self.addr_a + ".rig1"), True)
        job = c.wait_job(lambda j: j.clean)
        try:
            c.authorize(self.addr_b + ".rig1")
            raise AssertionError("a second payout address on one connection")
        except StratumError as e:
            assert_equal(e.code, 20)
        assert_equal(c.difficulty, SHARE_DIFF)
        assert_equal(job.nbits, "207fffff")
        assert_in(spk(node, self.addr_a), job.coinb2, "solo: the coinbase pays the worker")

        # A valid share, then each kind of rejection.
        params, _ = c.solve("share")
        assert_equal(c.submit(params), (True, None))
        err = expect_error(c, params, 22, "duplicate")
        assert_equal(err[1], "Duplicate share")
        low, _ = c.solve("low", start_nonce=1 << 20)
        assert_equal(expect_error(c, low, 23, "low difficulty")[1], "Low difficulty share")
        bad = list(params)
        bad[1] = "ffffff"
        assert_equal(expect_error(c, bad, 21, "unknown job")[1], "Job not found")
        bad = list(params)
        bad[2] = "0011"
        assert_equal(expect_error(c, bad, 20, "extranonce2 size")[1], "Incorrect size of extranonce2")
        bad = list(params)
        bad[3] = "%08x" % (int(job.ntime, 16) + 3 * 3600)
        assert_equal(expect_error(c, bad, 20, "ntime")[1], "ntime out of range")
        bad = list(params)
        bad[3] = "00000001"
        expect_error(c, bad, 20, "ntime before the median time past")
        bits_share, _ = c.solve("share", version_bits=0x2000, start_nonce=2 << 20)
        assert_equal(expect_error(c, bits_share, 20, "version bits before configure")[1], "Invalid version bits")
        res = c.configure(0xffffffff)
        assert_equal(res["version-rolling"], True)
        assert_equal(res["version-rolling.mask"], "1fffe000", "the server offers the BIP 320 bits")
        assert_equal(c.submit(bits_share), (True, None))
        bad = list(bits_share)
        bad[5] = "40000000"
        expect_error(c, bad, 20, "version bits outside the mask")
        assert_equal(node.getblockcount(), 0)

        # A second rig of the same address on this connection.
        assert_equal(c.authorize(self.addr_a + ".rig2"), True)
        c.worker = self.addr_a + ".rig2"
        assert_equal(c.submit(c.solve("share", extranonce2=5)[0]), (True, None))
        c.worker = self.addr_a + ".rig3"
        assert_equal(c.submit(c.solve("share", extranonce2=6)[0])[1][0], 24, "a worker never authorized")
        c.worker = self.addr_a + ".rig1"

        # A block: the share that meets the network target.
        old = c.job
        params, h = c.solve("block", extranonce2=7)
        assert_equal(c.submit(params), (True, None))
        assert_equal(node.getblockcount(), 1)
        tip = node.getbestblockhash()
        assert_equal(int(tip, 16), h, "the block is the share's header")
        outs = value_outputs(node, tip)
        assert_equal(outs[0]["scriptPubKey"]["address"], self.addr_a, "solo: the finder is paid")
        new = c.wait_job(lambda j: j.clean and j.prev != old.prev)
        assert_equal(new.prev[::-1].hex(), tip, "the new job builds on the block")
        assert_equal(expect_error(c, params, 21, "share of the old tip")[1], "Stale job")

        # A block from elsewhere: a clean_jobs notify on the new tip.
        t0 = time.time()
        [h2] = node.generatetoaddress(1, self.other)
        job = c.wait_job(lambda j: j.clean and j.prev[::-1].hex() == h2)
        log(f"clean_jobs notify {1000 * (time.time() - t0):.1f} ms after generatetoaddress (RPC round trip included)")
        ms = node.getstratuminfo()["last_clean_notify_ms"]
        assert_true(ms >= 0, "the server measured its tip-to-notify time")
        log(f"tip event to clean_jobs notify written: {ms:.2f} ms (getstratuminfo last_clean_notify_ms)")
        assert_equal(c.submit(c.solve("share")[0]), (True, None))

        # suggest_difficulty: a set_difficulty follows.
        assert_equal(c.call("mining.suggest_difficulty", [2.5e-10]), True)
        c.wait_for(lambda: c.difficulty == 2.5e-10, what="set_difficulty")
        assert_equal(c.call("mining.extranonce.subscribe", []), True)

        info = node.getstratuminfo()
        assert_equal(info["payout"], "solo")
        assert_equal(info["blocks_found"], 1)
        assert_equal(info["shares"]["accepted"], 5)
        rej = info["shares"]["rejected"]
        assert_equal((rej["duplicate"], rej["low-difficulty"], rej["unknown-job"], rej["stale"]), (1, 1, 1, 1))
        assert_equal((rej["bad-extranonce2"], rej["bad-ntime"], rej["bad-version"]), (1, 2, 2))
        [w] = info["workers"]
        assert_equal((w["worker"], w["address"], w["accepted"], w["blocks"]), (self.addr_a + ".rig1", self.addr_a, 5, 1))
        assert_equal(info["recent_blocks"], [tip])

        # The share log: every accepted share and the block.
        path = os.path.join(node.chaindir, "stratum_shares.log")
        entries = [json.loads(line) for line in open(path)]
        shares = [e for e in entries if e["type"] == "share"]
        assert_equal(len(shares), 5)
        assert_equal(sorted({e["worker"] for e in shares}), [self.addr_a + ".rig1", self.addr_a + ".rig2"])
        [blk] = [e for e in entries if e["type"] == "block"]
        assert_equal(blk["hash"], tip)

    def test_vault(self):
        node = self.node
        v = StratumClient(self.port)
        v.subscribe()
        try:
            v.authorize(self.addr_v, "vault=101")
            raise AssertionError("vault=101 accepted")
        except StratumError as e:
            assert_equal(e.code, 20)
        assert_equal(v.authorize(self.addr_v, "x,vault=30"), True)
        job = v.wait_job(lambda j: spk(node, self.addr_v) in j.coinb2)
        params, _ = v.solve("block", job=job)
        assert_equal(v.submit(params), (True, None))
        tip = node.getbestblockhash()
        outs = value_outputs(node, tip)
        assert_equal(len(outs), 2, "payout and vault")
        total = sum(satoshi(o["value"]) for o in outs)
        assert_equal(satoshi(outs[1]["value"]), total * 30 // 100)
        assert_equal(outs[1]["token"]["kind"], "vault")
        vaults = [x for x in node.listvaults() if x["owner_script"] == spk(node, self.addr_v)]
        assert_equal(len(vaults), 1, "the worker's vault is listed")
        assert_equal(vaults[0]["collateral"], total * 30 // 100)
        assert_equal(vaults[0]["coinbase"], True)
        v.close()

    def test_bad_input(self):
        node = self.node
        b = StratumClient(self.port)
        b.send_raw(b"{this is not json\n")
        msg = b._read_message(time.time() + 30)
        assert_equal(msg["error"][0], 20)
        assert_equal(msg["error"][1], "Parse error")
        i = b.send("mining.nonsense", [])
        assert_equal(b.response(i)["error"], [20, "Method not found", None])
        assert_equal(b.subscribe()[2], 4, "still served after bad input")

        # A 1 MB line: dropped.
        big = socket.create_connection(("127.0.0.1", self.port))
        try:
            big.sendall(b"{\"id\":1,\"method\":\"" + b"a" * (1 << 20) + b"\"}\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert_true(is_closed(big), "a 1 MB line disconnects")
        big.close()

        # A flood of messages (over -stratummsgrate, 50/s and a burst of 100): dropped.
        flood = socket.create_connection(("127.0.0.1", self.port))
        try:
            flood.sendall(b"{\"id\":1,\"method\":\"mining.extranonce.subscribe\",\"params\":[]}\n" * 2000)
        except (BrokenPipeError, ConnectionResetError):
            pass
        assert_true(is_closed(flood), "a message flood disconnects")
        flood.close()

        # More connections than -stratummaxconnections: the extra ones are closed.
        socks = [socket.create_connection(("127.0.0.1", self.port)) for _ in range(40)]
        for s in socks:  # the server answers the connections it keeps
            s.sendall(b"{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[]}\n")
        closed = sum(1 for s in socks if is_closed_or_answers(s) == "closed")
        assert_true(closed >= 40 - 30 + 2, f"connections over the limit closed ({closed})")
        for s in socks:
            s.close()

        # The node and the first worker carry on.
        assert_true(node.getblockcount() >= 3)
        a = self.client_a
        tip = node.getbestblockhash()
        a.wait_for(lambda: a.job.prev[::-1].hex() == tip, what="the job on the vault worker's block")
        assert_equal(a.submit(a.solve("share", extranonce2=99)[0]), (True, None))
        assert_true(node.getstratuminfo()["disconnects"] >= 1)
        b.close()

    def test_pplns(self):
        node = self.node
        self.client_a.close()
        # A fresh share log: the solo shares of the log above would be in the window.
        pplns_args = ["-stratumpayout=pplns", "-stratumpplnsn=10", "-stratumminpayout=1",
                      "-stratumsharelog=pplns_shares.log"]
        node.restart(pplns_args)
        wait_until(lambda: node.getstratuminfo()["payout"] == "pplns", what="stratum up")
        a, b = StratumClient(self.port), StratumClient(self.port)
        for c, addr in ((a, self.addr_a), (b, self.addr_b)):
            c.subscribe()
            assert_equal(c.authorize(addr + ".pplns"), True)
            c.wait_job()
        # Shares 2:1, none a block.
        for c, n in ((a, 2), (b, 1)):
            for k in range(n):
                assert_equal(c.submit(c.solve("share", extranonce2=k)[0]), (True, None))
        spk_a, spk_b = spk(node, self.addr_a), spk(node, self.addr_b)
        info = node.getstratuminfo()
        assert_equal(info["window"]["payees"], 2)
        split = {o["script"]: o["value"] for o in info["payout_split"]}
        assert_equal(set(split), {spk_a, spk_b})
        # A job paying the window reaches the workers (a rebuild within -stratumjobinterval).
        job = a.wait_job(lambda j: spk_a in j.coinb2 and spk_b in j.coinb2)
        params, _ = a.solve("block", job=job)
        assert_equal(a.submit(params), (True, None))
        tip = node.getbestblockhash()
        outs = {o["scriptPubKey"]["address"]: satoshi(o["value"]) for o in value_outputs(node, tip)}
        total = sum(outs.values())
        assert_equal(outs[self.addr_b], total // 3, "b: one share of three")
        assert_equal(outs[self.addr_a], total - total // 3, "a: two shares of three and the rounding")
        # The share log lets anyone redo it: the block's window holds the three shares.
        log_path = os.path.join(node.chaindir, "pplns_shares.log")
        entries = [json.loads(line) for line in open(log_path)]
        blk = [e for e in entries if e["type"] == "block"][-1]
        assert_equal(blk["hash"], tip)
        window = [e for e in entries if e["type"] == "share" and blk["window_first"] <= e["seq"] <= blk["window_last"]]
        credit = {}
        for e in window:
            credit[e["script"]] = credit.get(e["script"], 0) + e["difficulty"]
        assert_equal(credit, {spk_a: 2 * SHARE_DIFF, spk_b: SHARE_DIFF})
        assert_equal({o["script"]: o["value"] for o in blk["outputs"]}, {spk_a: outs[self.addr_a],
                                                                         spk_b: outs[self.addr_b]})
        a.close()
        b.close()

        # A restart reloads the window from the log: the same shares, numbers going on.
        last = [e for e in entries if e["type"] == "share"][-1]["seq"]
        before = node.getstratuminfo()["window"]
        node.restart(pplns_args)
        wait_until(lambda: "window" in node.getstratuminfo(), what="stratum up")
        assert_equal(node.getstratuminfo()["window"], before)
        assert_equal(before["last_share"], last)
        c = StratumClient(self.port)
        c.subscribe()
        c.authorize(self.addr_b)
        c.wait_job()
        assert_equal(c.submit(c.solve("share")[0]), (True, None))
        entries = [json.loads(line) for line in open(log_path)]
        assert_equal(entries[-1]["seq"], last + 1)
        c.close()

        # -stratumidletimeout: a silent client is dropped.
        node.restart(["-stratumidletimeout=1"])
        wait_until(lambda: node.getstratuminfo()["port"] == self.port, what="stratum up")
        idle = socket.create_connection(("127.0.0.1", self.port))
        assert_true(is_closed(idle), "an idle client is disconnected")
        idle.close()
        wait_until(lambda: node.getstratuminfo()["disconnects"] == 1, what="the idle disconnect counted")

    def test_initial_download(self):
        # Bad options stop the node with a clear error.
        self.node.stop()
        for args, msg in ((["-stratumpayout=prop"], "Invalid value for -stratumpayout: 'prop' (solo or pplns)"),
                          (["-stratumallowip=1.2.3.4/33"], "Invalid -stratumallowip subnet: '1.2.3.4/33'"),
                          (["-stratumbind=nowhere"], "Invalid -stratumbind address: 'nowhere'"),
                          (["-stratumdifficulty=-1"], "Invalid value for -stratumdifficulty"),
                          (["-stratumcoinbasemax=x"], "Invalid value for -stratumcoinbasemax")):
            self.node.assert_start_raises_init_error(args, msg)
        # A fresh test chain is in initial block download: no work is handed out.
        t = self.add_node(["-stratum=1", f"-stratumport={free_port()}"], chain="test")
        t.start()
        wait_until(lambda: "Stratum: no jobs until the initial block download is over" in
                   open(t.debug_log, errors="replace").read(), what="the server says why it waits")
        assert_equal(t.getstratuminfo()["height"], 0, "no job")
        t.stop()


def is_closed_or_answers(sock):
    """Reads until the server answers a line ("answered") or closes ("closed")."""
    sock.settimeout(30)
    buf = b""
    try:
        while b"\n" not in buf:
            data = sock.recv(4096)
            if not data:
                return "closed"
            buf += data
    except (ConnectionResetError, BrokenPipeError):
        return "closed"
    return "answered"


if __name__ == "__main__":
    StratumTest().main()
