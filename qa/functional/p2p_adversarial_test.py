#!/usr/bin/env python3
"""p2p_adversarial_test: hostile P2P peers against one hashmintd.

The cases of ../shared/reference/RELIABILITY.md section 5, "P2P messages",
driven through qa/functional/p2p_client.py (standard-library sockets):

  oversize      header declaring a 4 GB (and a 4,000,001-byte) payload, before and
                after the handshake -> disconnect before the payload arrives; RSS flat
  checksum      bad checksum -> message dropped (or disconnect); no crash
  magic         wrong magic, before and after the handshake -> disconnect
  headers2001   `headers` with 2,001 entries -> disconnect + discourage; none
                stored; exactly 2,000 valid headers -> accepted, no disconnect
  noncontinuous `headers` not forming a chain -> disconnect + discourage
  unconnecting  `headers` whose parent is unknown -> the node answers getheaders
                (locator from its best header down to genesis), stores nothing;
                20 such messages in a row -> disconnect + discourage
  lowwork       (a) regtest: 50 x 100 min-difficulty headers forking from
                genesis, below tip work - 144 blocks (Core's anti-DoS threshold;
                regtest's minimum chain work is 0): none is stored, RPC keeps
                answering during the flood, RSS grows < 64 MB, getchaintips
                unchanged beyond the forks sent;
                (b) a -chain=bitcoin node (Core's nMinimumChainWork) fed the real
                headers of Bitcoin blocks 1-255 (qa data), 200 times: valid PoW,
                connected to genesis, below the minimum work -> nothing stored,
                tip and getchaintips unchanged, RSS flat
  inv50001      `inv` (and `getdata`) with 50,001 entries -> disconnect + discourage
  invblocks     `inv` of 50,000 unknown block hashes -> legal; at most one
                getheaders, no getdata
  invtx         `inv` of 50,000 wtxids -> legal; exactly 5,000 distinct ones
                requested (Core's MAX_PEER_TX_ANNOUNCEMENTS), <= 1,000 per getdata
  addr1001      `addr` / `addrv2` with 1,001 entries -> disconnect + discourage
  addrflood     5 x 1,000 routable addresses -> legal; rate limited (at most ~20
                reach the address manager, checked with getnodeaddresses)
  getdata       unknown inv type x1,000 -> ignored, peer kept, nothing sent;
                claimed counts 2^32-1 and 2^64-1, truncated entry -> malformed:
                disconnect + discourage; 50,000 unknown blocks/txs -> every one
                answered with notfound before the next pong, and the node's CPU
                goes idle (a 1 s window under 50% of a core)
  versiontime   version with nTime INT64_MIN / INT64_MAX / 0 / -1 -> handshake
                completes, getpeerinfo's timeoffset is nTime - now saturated to
                int64, no sanitizer report (run it on --enable-debug),
                getnetworkinfo's timeoffset unchanged
  prehandshake  messages before version / 4 KB of garbage -> no answer, disconnect
  blocks        a consensus-invalid tx (bad witness) -> rejected, sender NOT
                punished; a mutated block (duplicated tail tx, same merkle root
                and hash; RELIABILITY #11) announced by headers -> rejected,
                sender discouraged, hash not marked invalid, and the real block
                from another peer is then accepted as the new tip

"Discourage" is checked in debug.log (-debug=net): the node's punishment path
logs "Disconnecting and discouraging peer ..." (on regtest loopback peers are
discouraged too; Core only disconnects them). At the end, getpeerinfo must
drop to no peers and listbanned stay empty (discouragement is not a ban).

After every case: the node process is alive, has written no sanitizer report,
answers getblockcount within 5 s, and accepts a fresh connection (handshake +
ping); at the end the tip is unchanged and RSS grew < 256 MB overall.

Every reaction is required: KNOWN_GAPS (reactions not implemented yet, logged
as "GAP" instead of failing) is empty. Run a subset with P2P_CASES=lowwork,getdata.
"""
import os
import random
import struct
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_OP_TRUE, OP_TRUE_SCRIPT, OP_TRUE_SPK, Block, Tx,  # noqa: E402
                       TxIn, TxOut, HashmintTestFramework, JSONRPCException, TestFailure, assert_equal,
                       assert_true, block_subsidy, create_block, data_file, log, merkle_root, wait_until)
import p2p_client as p2p  # noqa: E402

# Expectations the node does not meet yet (names used with self.expect()): a
# name listed here is logged as "GAP" instead of failing. Empty: every reaction
# is implemented (lowwork-tiprelative, the last one, came with the tip-relative
# anti-DoS threshold in net/sync.c).
KNOWN_GAPS = set()

INT64_MIN, INT64_MAX = -2**63, 2**63 - 1


def proc_rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def proc_cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    # fields[11], [12] are utime, stime (14th, 15th of the full line)
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class P2PAdversarialTest(HashmintTestFramework):
    """p2p_adversarial_test"""
    num_nodes = 1
    known_gaps = KNOWN_GAPS

    def set_test_params(self):
        self.extra_args = [["-listen=1", "-debug=net"]]
        self.gaps = []

    # -- helpers ---------------------------------------------------------------
    def expect(self, name, cond, what):
        """Checks a reaction; a known gap is logged instead of failing."""
        if cond:
            log(f"  ok: {what}")
            return True
        if name in self.known_gaps:
            log(f"  GAP ({name}): {what} -- not implemented by the node yet")
            self.gaps.append((name, what))
            return False
        raise TestFailure(f"[{name}] expected: {what}")

    def connect(self, handshake=True, settle=True, **kw):
        conn = p2p.P2PConnection.connect_to(self.node)
        if handshake:
            conn.handshake(start_height=0, **kw)
            if settle:
                self.settle(conn)
        return conn

    @staticmethod
    def settle(conn):
        """Completes the post-handshake exchange without relying on timing: the
        node starts headers sync with every new peer (this node has no outbound
        peer and a recent tip; the -chain=bitcoin node's first peer is its only
        one), so wait for that getheaders, answer it with an empty headers
        message (its getheaders timer is then clear for the cases that count
        getheaders), and ping: whatever the node sent before the pong is in."""
        conn.wait_for_message("getheaders", timeout=30)
        conn.send_message("headers", p2p.msg_headers([]))
        conn.sync_with_ping()

    def health(self, case):
        """The node survives: process alive, no sanitizer report, RPC, a fresh peer."""
        n = self.node
        assert_true(n.is_running(), f"{case}: hashmintd exited (code {n.process.poll()})")
        n.check_sanitizers()
        n.getblockcount()  # answers (the RPC client's timeout bounds it; no timed assertion)
        with self.connect(settle=False) as c:
            c.sync_with_ping(timeout=15)
        log(f"  healthy after {case}")

    def cpu_idle_check(self, case, window=1.0, max_fraction=0.5, timeout=30):
        """After the attack the node is not spinning: it must reach a `window`-second
        stretch in which it uses less than max_fraction of a core (its own CPU
        time, which other load on the machine does not inflate). A node that
        spins never gets there and fails after `timeout` s; an idle one passes
        at the first window."""
        pid = self.node.process.pid
        seen = []

        def idle_window():
            c0, t0 = proc_cpu_seconds(pid), time.monotonic()
            time.sleep(window)  # the measuring window, not a wait for an event
            used, wall = proc_cpu_seconds(pid) - c0, time.monotonic() - t0
            seen.append(used / wall)
            return used < wall * max_fraction
        try:
            wait_until(idle_window, timeout=timeout, interval=0, what="node CPU idle")
            ok = True
        except TestFailure:
            ok = False
        self.expect("cpu-idle", ok, f"{case}: node CPU below {max_fraction:.0%} of a core over a {window:.0f}s window "
                                    f"(windows measured: {', '.join(f'{x:.0%}' for x in seen)})")

    def log_since(self, offset):
        with open(self.node.debug_log, "rb") as f:
            f.seek(offset)
            return f.read().decode(errors="replace")

    def log_offset(self):
        try:
            return os.path.getsize(self.node.debug_log)
        except OSError:
            return 0

    def expect_discouraged(self, name, since, what):
        """The node's punishment path ran: a "discourag..." line (Core's
        MaybeDiscourageAndDisconnect; on regtest loopback peers are discouraged
        too) appeared in debug.log after offset `since`."""
        def lines():
            with open(self.node.debug_log, "rb") as f:
                f.seek(since)
                text = f.read().decode(errors="replace")
            return [ln for ln in text.splitlines() if "discourag" in ln.lower()]
        try:
            found = wait_until(lines, timeout=10, what="a discourage line in debug.log")
        except TestFailure:
            return self.expect(name, False, what + " (no discourage line in debug.log)")
        log(f"  punished: {found[-1][28:][:140]}")
        return self.expect(name, True, what)

    def peer_count(self):
        try:
            return len(self.node.getpeerinfo())
        except JSONRPCException:
            return None

    def header_known(self, h):
        try:
            self.node.getblockheader(p2p.header_hash(h))
            return True
        except JSONRPCException:
            return False

    # -- the test ---------------------------------------------------------------
    def run_test(self):
        self.node = self.nodes[0]
        self.pid = self.node.process.pid
        # A chain long enough that a low-work fork exists (anti-DoS threshold =
        # tip work - 144 blocks' work).
        self.node.generatetoaddress(300, ADDRESS_OP_TRUE)
        self.genesis = self.node.getblockhash(0)
        self.genesis_time = self.node.getblockheader(self.genesis)["time"]
        self.tip = self.node.getbestblockhash()
        self.tip_time = self.node.getblockheader(self.tip)["time"]
        self.rss0 = proc_rss_kb(self.pid)
        log(f"node listens on {self.node.p2p_port}; RSS {self.rss0 // 1024} MB")
        self.health("start")

        cases = [
            ("prehandshake", self.case_prehandshake),
            ("oversize", self.case_oversize),
            ("checksum", self.case_checksum),
            ("magic", self.case_magic),
            ("headers2001", self.case_headers2001),
            ("noncontinuous", self.case_noncontinuous),
            ("unconnecting", self.case_unconnecting),
            ("lowwork", self.case_lowwork),
            ("inv50001", self.case_inv50001),
            ("invblocks", self.case_invblocks),
            ("invtx", self.case_invtx),
            ("addr1001", self.case_addr1001),
            ("addrflood", self.case_addrflood),
            ("getdata", self.case_getdata),
            ("versiontime", self.case_versiontime),
            ("blocks", self.case_blocks),
        ]
        only = os.environ.get("P2P_CASES")
        for name, fn in cases:
            if only and name not in only.split(","):
                continue
            log(f"case {name}")
            fn()
            self.health(name)

        self.final_rpc_checks()
        rss = proc_rss_kb(self.pid)
        log(f"RSS {self.rss0 // 1024} MB -> {rss // 1024} MB")
        self.expect("rss-bounded", rss - self.rss0 < 256 * 1024, "RSS grew by less than 256 MB over all cases")
        assert_equal(self.node.getbestblockhash(), self.tip, "tip unchanged by hostile peers")
        if self.gaps:
            log(f"{len(self.gaps)} known gap(s): " + "; ".join(f"{n}: {w}" for n, w in self.gaps))

    def final_rpc_checks(self):
        """Every hostile connection is gone from getpeerinfo; discouragement is
        not a ban (listbanned stays empty), as in Core."""
        try:
            wait_until(lambda: len(self.node.getpeerinfo()) == 0, 15, what="getpeerinfo empty after the cases")
            log("  getpeerinfo: no peer left behind")
        except JSONRPCException as e:
            self.expect("rpc-getpeerinfo", False, f"getpeerinfo RPC exists ({e.message})")
        try:
            banned = self.node.listbanned()
            self.expect("listbanned-empty", banned == [], f"discouraged peers are not banned (listbanned {banned})")
        except JSONRPCException as e:
            self.expect("rpc-listbanned", False, f"listbanned RPC exists ({e.message})")

    # -- cases ------------------------------------------------------------------
    def case_prehandshake(self):
        # A message other than version first: Core ignores it (no reply); either way no crash.
        # doc/p2p.md: anything but version as the first message -> disconnect
        # ("non-version message before version handshake"), without an answer.
        c = self.connect(handshake=False)
        off = self.log_offset()
        try:
            c.send_message("ping", p2p.msg_ping(1))
            c.send_message("getheaders", p2p.msg_getheaders([self.genesis]))
        except p2p.Disconnected:
            pass
        self.expect("prehandshake-disconnect", c.wait_for_disconnect(10), "disconnect on a message before version")
        cmds = [m[0] for m in c.messages]
        self.expect("prehandshake-ignored", "pong" not in cmds and "headers" not in cmds,
                    f"no answer to messages sent before version (got {cmds})")
        wait_until(lambda: "non-version message before version handshake" in self.log_since(off), timeout=10,
                   what="the reason is logged")
        log("  message before version -> disconnect, no answer")
        c.close()
        # Garbage bytes (wrong magic from the first byte) -> disconnect.
        c = self.connect(handshake=False)
        try:
            c.send_raw(os.urandom(4096))
        except p2p.Disconnected:
            pass
        self.expect("garbage-disconnect", c.wait_for_disconnect(10), "disconnect after 4 KB of random bytes")
        c.close()

    def case_oversize(self):
        rss0 = proc_rss_kb(self.pid)
        for length, label in ((0xFFFFFFFF, "4 GB"), (p2p.MAX_PROTOCOL_MESSAGE_LENGTH + 1, "4,000,001 bytes")):
            for handshake in (False, True):
                c = self.connect(handshake=handshake)
                hdr = p2p.frame("block", b"", length=length)[:24]
                try:
                    c.send_raw(hdr + b"\x00" * 1000)
                except p2p.Disconnected:
                    pass
                self.expect("oversize-disconnect", c.wait_for_disconnect(10),
                            f"disconnect on a header declaring {label} "
                            f"({'after' if handshake else 'before'} the handshake)")
                c.close()
        grew = proc_rss_kb(self.pid) - rss0
        self.expect("oversize-noalloc", grew < 64 * 1024, f"RSS grew {grew // 1024} MB (< 64 MB)")
        # exactly the limit with a short body is legal framing: the node waits for the rest
        c = self.connect()
        c.send_raw(p2p.frame("block", b"", length=p2p.MAX_PROTOCOL_MESSAGE_LENGTH)[:24] + b"\x00" * 100)
        c.close()

    def case_checksum(self):
        c = self.connect()
        bad, good = 0x1111, 0x2222
        c.send_message("ping", p2p.msg_ping(bad), cksum=b"\xde\xad\xbe\xef")
        c.send_message("ping", p2p.msg_ping(good))
        disconnected = False
        try:
            c.wait_for_message("pong", 10, lambda pl: p2p.parse_pong(pl) == good)
        except (p2p.Disconnected, TimeoutError):
            disconnected = c.closed
        # messages are answered in order: a pong to the bad ping would precede the good one
        pongs = [p2p.parse_pong(pl) for pl in c.received("pong")]
        self.expect("checksum-dropped", bad not in pongs, "the message with a bad checksum was not processed")
        self.expect("checksum-reaction", disconnected or good in pongs,
                    f"bad checksum: message dropped and the connection goes on, or disconnect "
                    f"(pongs {pongs}, disconnected {disconnected})")
        log(f"  bad checksum -> {'disconnect' if disconnected else 'dropped, connection kept'}")
        c.close()

    def case_magic(self):
        for handshake in (True, False):
            c = self.connect(handshake=handshake)
            try:
                c.send_message("ping", p2p.msg_ping(5), magic=p2p.MAGIC["bitcoin"])
            except p2p.Disconnected:
                pass
            self.expect("magic-disconnect", c.wait_for_disconnect(10),
                        f"disconnect on wrong magic ({'after' if handshake else 'before'} the handshake)")
            c.close()

    def case_headers2001(self):
        hdrs = p2p.make_header_chain(self.tip, 2001, self.tip_time + 1, salt=1)
        c = self.connect()
        n0 = self.peer_count()
        off = self.log_offset()
        c.send_message("headers", p2p.msg_headers(hdrs))
        self.expect("headers2001-disconnect", c.wait_for_disconnect(10), "disconnect after 2,001 headers")
        c.close()
        self.expect_discouraged("headers2001-discourage", off, "2,001 headers: peer discouraged")
        self.expect("headers2001-notstored", not self.header_known(hdrs[0]) and not self.header_known(hdrs[-1]),
                    "no header of the oversized message stored")
        if n0 is not None:
            wait_until(lambda: self.peer_count() < n0, 10, what="peer gone from getpeerinfo")
        # exactly 2,000 valid headers is fine (no disconnect)
        c = self.connect()
        c.send_message("headers", p2p.msg_headers(hdrs[:2000]))
        self.expect("headers2000-ok", c.is_connected(10), "2,000 valid headers accepted without disconnect")
        c.close()

    def case_noncontinuous(self):
        a = p2p.make_header_chain(self.tip, 2, self.tip_time + 1, salt=2)
        b = p2p.make_header_chain(self.genesis, 2, self.genesis_time + 1, salt=3)
        c = self.connect()
        off = self.log_offset()
        c.send_message("headers", p2p.msg_headers([a[0], b[1], a[1]]))
        self.expect("noncontinuous-disconnect", c.wait_for_disconnect(10),
                    "disconnect after headers that do not form a chain")
        c.close()
        self.expect_discouraged("noncontinuous-discourage", off, "non-continuous headers: peer discouraged")

    def case_unconnecting(self):
        c = self.connect()
        orphan = p2p.make_header(os.urandom(32), ntime=self.tip_time + 10)
        c.send_message("headers", p2p.msg_headers([orphan]))
        got = None
        try:
            _, got = c.wait_for_message("getheaders", 10)
        except (TimeoutError, p2p.Disconnected):
            pass
        ok = self.expect("unconnecting-getheaders", got is not None,
                         "an unconnecting header is answered with getheaders")
        if ok:
            # the locator starts at the node's best header (not necessarily the tip:
            # case headers2001 left 2,000 headers above it) and ends at genesis
            _, loc, _ = p2p.parse_getheaders(got)
            assert_true(loc and self.node.getblockheader(loc[0]), "locator starts at a known header")
            assert_equal(loc[-1], self.genesis, "locator ends at genesis")
        assert_true(not self.header_known(orphan), "unconnecting header not stored")
        # A run of unconnecting headers (Core before v28: 10 in a row -> misbehaving).
        off = self.log_offset()
        disconnected = False
        for i in range(20):
            try:
                c.send_message("headers", p2p.msg_headers([p2p.make_header(os.urandom(32), ntime=self.tip_time + i)]))
            except p2p.Disconnected:
                disconnected = True
                break
        disconnected = disconnected or c.wait_for_disconnect(10)
        log(f"  20 unconnecting headers messages -> {'disconnect' if disconnected else 'still connected'}")
        self.expect("unconnecting-run-disconnect", disconnected, "disconnect after 20 unconnecting headers in a row")
        c.close()
        if disconnected:
            self.expect_discouraged("unconnecting-run-discourage", off, "unconnecting headers run: peer discouraged")

    def case_lowwork(self):
        # Forks from genesis of 100 headers: far below the tip's work (300 blocks)
        # minus 144 blocks. Core ignores such short low-work chains ("Ignoring
        # low-work chain") and never stores them; memory must stay flat.
        rss0 = proc_rss_kb(self.pid)
        tips0 = len(self.node.getchaintips())
        c = self.connect()
        firsts = []
        t = time.time()
        for k in range(50):
            hdrs = p2p.make_header_chain(self.genesis, 100, self.genesis_time + 1 + k, salt=100 + k)
            firsts.append(hdrs[-1])
            try:
                c.send_message("headers", p2p.msg_headers(hdrs))
            except p2p.Disconnected:
                break
        log(f"  sent {len(firsts)} x 100 low-work headers in {time.time() - t:.1f}s")
        # The RPC answers during the flood (bounded by the client's timeout, not timed here).
        self.expect("lowwork-rpc", self.node.getblockcount() >= 0, "RPC answers during the flood")
        if not c.closed:
            try:
                c.sync_with_ping(20)
            except (p2p.Disconnected, TimeoutError):
                pass
        c.close()
        stored = sum(1 for h in firsts if self.header_known(h))
        tips = len(self.node.getchaintips())
        log(f"  low-work headers stored: {stored} of {len(firsts)} forks; getchaintips {tips0} -> {tips}")
        self.expect("lowwork-tiprelative", stored == 0,
                    "fork headers below tip work - 144 blocks are not stored (Core's anti-DoS threshold)")
        assert_true(tips <= tips0 + len(firsts), "getchaintips bounded by the number of forks sent")
        grew = proc_rss_kb(self.pid) - rss0
        self.expect("lowwork-rss", grew < 64 * 1024, f"RSS grew {grew // 1024} MB (< 64 MB) for 5,000 headers")
        self.lowwork_bitcoin()

    def lowwork_bitcoin(self):
        """Below the chain's minimum chain work: a -chain=bitcoin node (Core's
        nMinimumChainWork) fed the real headers of Bitcoin blocks 1-255, 200
        times over. They connect to genesis and carry valid proof of work, but
        their chain is far below the minimum work: nothing may be stored."""
        path = data_file("bitcoin-mainnet", "blocks-1-255.dat")
        with open(path, "rb") as f:
            raw = f.read()
        hdrs, i = [], 0
        while i + 8 <= len(raw):
            n = struct.unpack("<I", raw[i + 4:i + 8])[0]
            hdrs.append(raw[i + 8:i + 88])
            i += 8 + n
        assert_equal(len(hdrs), 255, "headers read from blocks-1-255.dat")
        btc = self.add_node(["-listen=1", "-debug=net"], chain="bitcoin")
        btc.start()
        try:
            pid = btc.process.pid
            rss0 = proc_rss_kb(pid)
            c = p2p.P2PConnection.connect_to(btc, magic=p2p.MAGIC["bitcoin"])
            c.handshake()
            self.settle(c)
            sent = 0
            try:
                for _ in range(200):
                    c.send_message("headers", p2p.msg_headers(hdrs))
                    sent += 1
                c.sync_with_ping(30)
            except (p2p.Disconnected, TimeoutError):
                pass
            log(f"  bitcoin chain: sent {sent} x 255 real low-work headers; "
                f"{'disconnected' if c.closed else 'still connected'}")
            c.close()
            known = 0
            for h in (hdrs[0], hdrs[-1]):
                try:
                    btc.getblockheader(p2p.header_hash(h))
                    known += 1
                except JSONRPCException:
                    pass
            lines = [ln for ln in btc.debug_log_text().splitlines() if "low-work" in ln.lower()]
            log(f"  bitcoin node logged {len(lines)} low-work line(s){': ' + lines[-1][-90:] if lines else ''}")
            self.expect("lowwork-minchainwork", known == 0, "headers below the minimum chain work are not stored")
            assert_equal(len(btc.getchaintips()), 1, "bitcoin node: getchaintips has only genesis")
            assert_equal(btc.getblockcount(), 0, "bitcoin node: still at genesis")
            grew = proc_rss_kb(pid) - rss0
            self.expect("lowwork-rss", grew < 64 * 1024, f"bitcoin node RSS grew {grew // 1024} MB (< 64 MB)")
            with p2p.P2PConnection.connect_to(btc, magic=p2p.MAGIC["bitcoin"]) as c2:
                c2.handshake()
                c2.sync_with_ping()
            btc.check_sanitizers()
        finally:
            btc.stop()

    def case_inv50001(self):
        items = [(p2p.MSG_BLOCK, os.urandom(32)) for _ in range(50001)]
        c = self.connect()
        off = self.log_offset()
        c.send_message("inv", p2p.msg_inv(items))
        self.expect("inv50001-disconnect", c.wait_for_disconnect(10), "disconnect after inv with 50,001 entries")
        c.close()
        self.expect_discouraged("inv50001-discourage", off, "inv with 50,001 entries: peer discouraged")
        c = self.connect()
        off = self.log_offset()
        c.send_message("getdata", p2p.msg_getdata(items))
        self.expect("getdata50001-disconnect", c.wait_for_disconnect(10),
                    "disconnect after getdata with 50,001 entries")
        c.close()
        self.expect_discouraged("getdata50001-discourage", off, "getdata with 50,001 entries: peer discouraged")

    def case_invblocks(self):
        c = self.connect()
        before = c.counts.get("getheaders", 0)
        c.send_message("inv", p2p.msg_inv([(p2p.MSG_BLOCK, os.urandom(32)) for _ in range(50000)]))
        # The inv is handled before the ping that is_connected sends: every
        # getheaders or getdata it causes arrives before the pong.
        connected = c.is_connected(20)
        self.expect("invblocks-kept", connected, "inv of 50,000 block hashes is legal (no disconnect)")
        n = c.counts.get("getheaders", 0) - before
        getdata = sum(len(p2p.parse_inv(p)) for p in c.received("getdata"))
        log(f"  50,000 block invs -> {n} getheaders, {getdata} getdata entries")
        self.expect("invblocks-one-getheaders", n <= 1, f"at most one getheaders ({n})")
        self.expect("invblocks-no-getdata", getdata <= 16, f"no getdata storm for unknown blocks ({getdata})")
        c.close()

    def case_invtx(self):
        announced = [(p2p.MSG_WTX, os.urandom(32)) for _ in range(50000)]
        wanted = {p2p.hash_to_hex(h) for _, h in announced}
        c = self.connect()
        c.send_message("inv", p2p.msg_inv(announced))
        connected = c.is_connected(20)
        self.expect("invtx-kept", connected, "inv of 50,000 wtxids is legal (no disconnect)")

        def requested():
            return [h for pl in c.received("getdata") for _, h in p2p.parse_inv(pl)]
        # Core's rule (doc/p2p.md): 5,000 announcements are tracked per peer, the
        # rest dropped; with no answer, every tracked one is requested (beyond 100
        # in flight only later), at most 1,000 per getdata. Nothing is answered, so
        # nothing else gets tracked: the count stops at 5,000.
        reached = False
        if connected:
            try:
                def all_requested():
                    c.recv_message(0.2)  # records what arrives
                    return len(requested()) >= 5000
                wait_until(all_requested, timeout=60, interval=0, what="5,000 transactions requested")
                reached = c.is_connected(20)
            except (TestFailure, p2p.Disconnected):
                pass
        got = requested()
        log(f"  50,000 wtxid invs -> {len(got)} getdata entries in {len(c.received('getdata'))} messages")
        self.expect("invtx-requested", reached, "the node requests the tracked announcements and stays connected")
        self.expect("invtx-bounded", len(got) == 5000 and len(set(got)) == 5000 and set(got) <= wanted,
                    f"exactly 5,000 distinct announced transactions requested ({len(got)}, {len(set(got))} distinct)")
        self.expect("invtx-getdata-size", all(len(p2p.parse_inv(pl)) <= 1000 for pl in c.received("getdata")),
                    "at most 1,000 entries per getdata")
        c.close()

    def _addrs(self, n):
        now = int(time.time())
        return [(now - 60, p2p.NODE_NETWORK | p2p.NODE_WITNESS,
                 f"{random.randint(11, 99)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}",
                 18744) for _ in range(n)]

    def case_addr1001(self):
        c = self.connect()
        off = self.log_offset()
        c.send_message("addr", p2p.msg_addr(self._addrs(1001)))
        self.expect("addr1001-disconnect", c.wait_for_disconnect(10), "disconnect after addr with 1,001 entries")
        c.close()
        self.expect_discouraged("addr1001-discourage", off, "addr with 1,001 entries: peer discouraged")
        c = self.connect()  # sendaddrv2 is sent by the handshake
        off = self.log_offset()
        c.send_message("addrv2", p2p.msg_addrv2(self._addrs(1001)))
        self.expect("addrv2-1001-disconnect", c.wait_for_disconnect(10),
                    "disconnect after addrv2 with 1,001 entries")
        c.close()
        self.expect_discouraged("addrv2-1001-discourage", off, "addrv2 with 1,001 entries: peer discouraged")

    def case_addrflood(self):
        try:
            before = len(self.node.getnodeaddresses(0))
        except JSONRPCException as e:
            self.expect("rpc-getnodeaddresses", False, f"getnodeaddresses RPC exists ({e.message})")
            before = None
        c = self.connect()
        try:
            for _ in range(5):
                c.send_message("addr", p2p.msg_addr(self._addrs(1000)))
        except p2p.Disconnected:
            pass
        self.expect("addrflood-kept", c.is_connected(15), "1,000-entry addr messages are legal (no disconnect)")
        c.close()
        if before is not None:
            after = len(self.node.getnodeaddresses(0))
            log(f"  addrman: {before} -> {after} addresses after 5,000 unsolicited")
            self.expect("addrflood-ratelimited", after - before <= 20,
                        f"addr rate limit: at most ~1 + 0.1/s addresses processed ({after - before})")

    def case_getdata(self):
        # doc/p2p.md: unknown inv types are ignored (the peer stays); a getdata
        # that does not parse (count above 50,000, truncated entry) is malformed:
        # disconnect and discourage.
        malformed = [
            ("unknown type x1000", p2p.msg_getdata([(0x12345678, os.urandom(32)) for _ in range(1000)]), True),
            ("count 2^32-1, one entry present", b"\xfe\xff\xff\xff\xff" + struct.pack("<I", 2) + os.urandom(32),
             False),
            ("count 2^64-1, one entry present", b"\xff" + b"\xff" * 8 + struct.pack("<I", 2) + os.urandom(32), False),
            ("truncated entry", b"\x02" + struct.pack("<I", 2) + os.urandom(20), False),
        ]
        for label, payload, kept in malformed:
            c = self.connect()
            off = self.log_offset()
            c.send_message("getdata", payload)
            if kept:
                still = c.is_connected(10)
                self.expect("getdata-unknown-kept", still, f"getdata {label}: ignored, the peer stays")
                self.expect("getdata-unknown-silent", not c.received("notfound") and not c.received("block"),
                            f"getdata {label}: nothing sent for unknown inv types")
            else:
                self.expect("getdata-malformed-disconnect", c.wait_for_disconnect(10),
                            f"getdata {label}: disconnect")
                self.expect_discouraged("getdata-malformed-discourage", off, f"getdata {label}: peer discouraged")
            log(f"  getdata {label} -> {'ignored, still connected' if kept else 'disconnect + discourage'}")
            c.close()
        # 50,000 unknown blocks and txs: nothing to send, bounded work
        c = self.connect()
        items = [(p2p.MSG_WITNESS_BLOCK if i % 2 else p2p.MSG_WITNESS_TX, os.urandom(32)) for i in range(50000)]
        t0 = time.time()
        c.send_message("getdata", p2p.msg_getdata(items))
        ok = c.is_connected(30)
        self.expect("getdata-bounded", ok, "getdata of 50,000 unknown items answered within 30 s")
        # Pending getdata items are served before the peer's next message (Core's
        # rule), so every notfound precedes the pong: each unknown item is listed once.
        nf = [h for p in c.received("notfound") for _, h in p2p.parse_inv(p)]
        log(f"  50,000 unknown getdata items processed in {time.time() - t0:.1f}s, notfound entries {len(nf)}")
        self.expect("getdata-notfound", sorted(nf) == sorted(p2p.hash_to_hex(h) for _, h in items),
                    f"every unknown item answered with notfound ({len(nf)} entries for {len(items)})")
        c.close()
        self.cpu_idle_check("getdata")

    def _coinbase(self, height):
        return Block.from_hex(self.node.getblock(self.node.getblockhash(height), 0)).txs[0]

    def case_blocks(self):
        """A consensus-invalid tx is rejected without punishing its sender; a
        mutated block (duplicated tail tx, same merkle root) is rejected, its
        sender discouraged, its hash NOT marked invalid, and the real block is
        accepted afterwards from another peer (RELIABILITY.md #11)."""
        node = self.node
        # (a) invalid witness: spends an OP_TRUE P2WSH output with the wrong script
        cb3 = self._coinbase(3)
        bad = Tx(2, [TxIn(cb3.txid, 0, b"", 0xfffffffd, [bytes([0x52])])],
                 [TxOut(cb3.vout[0].value - 10000, OP_TRUE_SPK)])
        c = self.connect()
        off = self.log_offset()
        c.send_message("tx", p2p.msg_tx(bad))
        kept = c.is_connected(10)
        self.expect("invalidtx-kept", kept, "a consensus-invalid tx does not get its sender disconnected")
        assert_true(bad.txid not in node.getrawmempool(), "invalid tx not in the mempool")
        with open(node.debug_log, "rb") as f:
            f.seek(off)
            punished = "discourag" in f.read().decode(errors="replace").lower()
        self.expect("invalidtx-notpunished", not punished, "a consensus-invalid tx is not punished")
        c.close()
        # (b) mutated block
        tip = node.getbestblockhash()
        height = node.getblockcount()
        t = node.getblockheader(tip)["time"] + 1
        txs = []
        for h in (1, 2):
            cb = self._coinbase(h)
            txs.append(Tx(2, [TxIn(cb.txid, 0, b"", 0xfffffffd, [OP_TRUE_SCRIPT])],
                          [TxOut(cb.vout[0].value - 10000, OP_TRUE_SPK)]))
        good = create_block(tip, height + 1, t, 0x207fffff, txs, OP_TRUE_SPK, block_subsidy(height + 1) + 20000)
        mutated = Block.from_hex(good.hex())
        mutated.txs.append(mutated.txs[-1])
        assert_equal(merkle_root([x.txid for x in mutated.txs]), good.merkle, "mutation keeps the merkle root")
        assert_equal(mutated.hash, good.hash, "mutation keeps the block hash")
        c = self.connect()
        off = self.log_offset()
        c.send_message("headers", p2p.msg_headers([good.header()]))
        try:
            c.wait_for_message("getdata", 10, lambda pl: any(hh == good.hash for _, hh in p2p.parse_inv(pl)))
            log("  block announced by headers -> getdata")
        except TimeoutError:
            log("  block announced by headers -> no getdata; sending it unsolicited")
        c.send_message("block", p2p.msg_block(mutated))
        self.expect("mutated-disconnect", c.wait_for_disconnect(10), "disconnect after a mutated block")
        c.close()
        self.expect_discouraged("mutated-discourage", off, "mutated block: peer discouraged")
        assert_equal(node.getbestblockhash(), tip, "mutated block not connected")
        st = [x for x in node.getchaintips() if x["hash"] == good.hash]
        assert_true(not st or st[0]["status"] != "invalid", f"the block hash is not marked invalid ({st})")
        c = self.connect()
        c.send_message("headers", p2p.msg_headers([good.header()]))
        try:
            c.wait_for_message("getdata", 10, lambda pl: any(hh == good.hash for _, hh in p2p.parse_inv(pl)))
        except TimeoutError:
            pass
        c.send_message("block", p2p.msg_block(good))
        wait_until(lambda: node.getbestblockhash() == good.hash, 15,
                   what="the real block is accepted after the mutated one")
        c.close()
        log(f"  real block {good.hash[:16]} accepted at height {height + 1}")
        self.tip = good.hash
        self.tip_time = t

    def case_versiontime(self):
        off0 = None
        try:
            off0 = self.node.getnetworkinfo().get("timeoffset")
        except JSONRPCException:
            pass
        def saturate(v):
            return max(INT64_MIN, min(INT64_MAX, v))
        for ts in (INT64_MIN, INT64_MAX, 0, -1):
            # Core accepts any nTime; the offset (their time - ours) saturates to
            # int64 instead of overflowing (doc/p2p.md).
            c = self.connect(handshake=False)
            t_before = int(time.time())
            c.handshake(timestamp=ts)
            c.sync_with_ping()
            t_after = int(time.time()) + 1
            port = c.sock.getsockname()[1]
            mine = [pi for pi in self.node.getpeerinfo() if pi["addr"].endswith(f":{port}")]
            assert_equal(len(mine), 1, f"nTime {ts}: the peer is listed by getpeerinfo")
            peer_off = mine[0]["timeoffset"]
            lo, hi = saturate(ts - t_after), saturate(ts - t_before)
            self.expect("versiontime-peer-offset", isinstance(peer_off, int) and lo <= peer_off <= hi,
                        f"nTime {ts}: getpeerinfo timeoffset {peer_off!r} is the saturated difference "
                        f"in [{lo}, {hi}]")
            log(f"  version nTime {ts} -> handshake done; getpeerinfo timeoffset {peer_off}")
            c.close()
            self.node.check_sanitizers()
        if off0 is not None:
            off1 = self.node.getnetworkinfo().get("timeoffset")
            self.expect("versiontime-offset", off1 == off0, f"adjusted time unchanged ({off0} -> {off1})")
        else:
            self.expect("rpc-getnetworkinfo-timeoffset", False, "getnetworkinfo reports timeoffset")


if __name__ == "__main__":
    P2PAdversarialTest().main()
