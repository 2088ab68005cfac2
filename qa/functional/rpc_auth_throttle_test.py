#!/usr/bin/env python3
"""Wrong passwords cost real time however many connections send them.

- 20 connections guess passwords in parallel as fast as the server answers:
  the 401s come at most one per 250 ms in all (the design's bound, checked
  as count <= elapsed / 0.25 + 1 over the whole attack: a slow machine can
  only lower the count), where a per-connection timer allowed ~700 guesses
  a second from 200 connections;
- a correct login sent during the attack is answered (200);
- the "incorrect password attempt" log line is rate-limited (at most 10 a
  minute), while more guesses than that were answered;
- the list of requests waiting behind failed logins is bounded: 80
  simultaneous wrong logins get 401 or 503 (never silence), the 503s say
  "Connection: close" and close, and the node keeps serving.
"""
import http.client
import os
import socket
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (TIMEOUT_FACTOR, HashmintTestFramework, RPCClient, TestFailure, assert_equal,  # noqa: E402
                       assert_greater_than, assert_true, log, wait_until)

DELAY = 0.25          # RPC_AUTH_THROTTLE_DELAY_MS
LOG_BURST = 10        # RPC_AUTH_THROTTLE_LOG_BURST per minute
MAX_WAITING = 32      # RPC_AUTH_THROTTLE_MAX_WAITING
ATTACKERS = 20
WANT_401 = 16         # more than LOG_BURST, so the log limit shows


class RPCAuthThrottleTest(HashmintTestFramework):
    """rpc_auth_throttle_test"""

    def run_test(self):
        node = self.nodes[0]
        self.bad = RPCClient("127.0.0.1", node.rpc_port, "__cookie__", "wrong", timeout=120)
        self.test_parallel_guesses(node)
        self.test_waiting_bounded(node)

    def log_lines(self, node, text):
        return sum(1 for line in node.debug_log_text().splitlines() if text in line)

    def test_parallel_guesses(self, node):
        log(f"{ATTACKERS} parallel connections guessing: at most one 401 per {DELAY} s in all")
        lines_before = self.log_lines(node, "incorrect password attempt")
        stop = threading.Event()
        lock = threading.Lock()
        statuses = []
        errors = []

        def attacker():
            while not stop.is_set():
                try:
                    status, _, _ = self.bad.raw('{"method":"getblockcount","id":1}')
                except (OSError, http.client.HTTPException) as e:
                    with lock:
                        errors.append(repr(e))
                    return
                with lock:
                    statuses.append(status)

        def count(s):
            with lock:
                return statuses.count(s)

        height = node.getblockcount()
        t0 = time.monotonic()
        threads = [threading.Thread(target=attacker) for _ in range(ATTACKERS)]
        for t in threads:
            t.start()
        try:
            wait_until(lambda: count(401) >= 2 or errors, timeout=60, what="attack under way")
            # a correct login in the middle of the attack is answered
            good_t0 = time.monotonic()
            assert_equal(node.rpc.getblockcount(), height)
            log(f"  correct login answered after {time.monotonic() - good_t0:.2f} s during the attack")
            wait_until(lambda: count(401) >= WANT_401 or errors, timeout=120, what=f"{WANT_401} answers")
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120 * TIMEOUT_FACTOR)
        elapsed = time.monotonic() - t0
        assert_true(not errors, f"attacker connection errors: {errors[:3]}")
        assert_true(not any(t.is_alive() for t in threads), "every attacker got its answer")
        n401 = statuses.count(401)
        assert_equal(len(statuses), n401, f"only 401s: {sorted(set(statuses))}")
        bound = elapsed / DELAY + 1
        log(f"  {n401} wrong guesses answered in {elapsed:.2f} s ({n401 / elapsed:.1f}/s; bound {bound:.1f})")
        assert_true(n401 <= bound, f"{n401} 401s in {elapsed:.2f} s exceeds one per {DELAY} s")
        # the log line is limited; the guesses were not all logged
        logged = self.log_lines(node, "incorrect password attempt") - lines_before
        windows = 1 + int(elapsed // 60)
        log(f"  {logged} 'incorrect password attempt' lines for {n401} failures")
        assert_true(logged <= LOG_BURST * windows, f"{logged} log lines")
        assert_greater_than(n401, logged)

    def test_waiting_bounded(self, node):
        log("80 simultaneous wrong logins: 401 or 503 (Connection: close), the waiting list is bounded")
        n = 80
        auth = self.bad.auth_header()
        body = b'{"method":"getblockcount","id":1}'
        req = (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n"
               f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
        socks = []
        t0 = time.monotonic()
        for _ in range(n):
            s = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=120 * TIMEOUT_FACTOR)
            s.sendall(req)
            socks.append(s)
        sent = time.monotonic() - t0
        answers = []
        for s in socks:
            data = b""
            while True:  # one reply (by its Content-Length), or until the server closes
                chunk = s.recv(65536)
                if not chunk:
                    break
                data += chunk
                if b"\r\n\r\n" in data:
                    head, _, rest = data.partition(b"\r\n\r\n")
                    length = 0
                    for line in head.split(b"\r\n")[1:]:
                        k, _, v = line.partition(b":")
                        if k.strip().lower() == b"content-length":
                            length = int(v)
                    if len(rest) >= length:
                        break
            s.close()
            assert_true(data.startswith(b"HTTP/1.1 "), f"an answer, not silence: {data[:80]!r}")
            answers.append(data)
        statuses = [int(a[9:12]) for a in answers]
        n401, n503 = statuses.count(401), statuses.count(503)
        log(f"  {n401} x 401, {n503} x 503")
        assert_equal(n401 + n503, n, f"statuses {sorted(set(statuses))}")
        assert_greater_than(n503, 0)
        for a in answers:
            if a[9:12] == b"503":
                assert_true(b"Connection: close" in a, f"503 closes: {a[:300]!r}")
                assert_true(b"Too many requests waiting behind failed logins" in a, a[:300])
        assert_equal(self.log_lines(node, "requests already wait behind failed logins"), 1)
        # While the requests arrived, at most MAX_WAITING waited plus one
        # being answered, plus one more per gate opening meanwhile.
        bound = MAX_WAITING + 1 + sent / DELAY + 1
        if n401 > bound:
            raise TestFailure(f"{n401} requests were checked (bound {bound:.1f}): the waiting list is not bounded")
        # the node serves correct logins afterwards
        assert_equal(node.rpc.getblockcount(), node.getblockcount())


if __name__ == "__main__":
    RPCAuthThrottleTest().main()
