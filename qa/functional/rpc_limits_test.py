#!/usr/bin/env python3
"""HTTP limits of the RPC server (RELIABILITY.md section 5, cases 31 and 32).

- request headers: 8 KiB in all at most, as Core's evhttp_set_max_headers_size
  (one 9,000-byte header, or 200 small ones, are refused with 400/413 and
  the node goes on; 6 KiB of headers are fine); a body over 32 MiB is 413
  (rpc_interface_test declares one; here it is also sent);
- the work queue (-rpcthreads=1 -rpcworkqueue=2): with the only worker
  busy, 1,000 concurrent requests are all answered, at most the 2 that fit
  the queue with 200, every other one at once with 503 "Work queue depth
  exceeded"; the queued ones run once the worker is free;
- file descriptors: a node limited to 256 open files flooded with 600
  connections does not crash, pauses accepting instead of retrying in a
  busy loop (which wrote ~130 MB of libevent warnings to stderr in 10 s),
  and answers RPC again once they close.

The busy worker is `stop` with Core's hidden `wait` argument (the worker
sleeps 30 s, then the node stops): the flood needs well under a second;
nothing depends on how long it takes beyond that margin.
"""
import os
import resource
import selectors
import socket
import time
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (TIMEOUT_FACTOR, HashmintTestFramework, assert_equal, assert_greater_than,  # noqa: E402
                       assert_greater_than_or_equal, assert_in, assert_true, log, wait_until)

FLOOD = 1000
QUEUE = 2
STOP_WAIT_MS = 30000


def http_request(auth, body=b'{"method":"getblockcount","id":1}', extra_headers=""):
    return (f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n{extra_headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body


def read_reply(s):
    """One HTTP reply from s (by Content-Length, or until close). Returns (status, head, body)."""
    data = b""
    while True:
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
                return int(head[9:12]), head.decode(errors="replace"), rest[:length]
    if not data.startswith(b"HTTP/1.1 "):
        return None, "", data
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head[9:12]), head.decode(errors="replace"), rest


class RPCLimitsTest(HashmintTestFramework):
    """rpc_limits_test"""

    num_nodes = 0

    def run_test(self):
        self.test_headers_and_body()
        self.test_fd_limit()
        self.test_work_queue()

    def one(self, node, raw):
        s = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=60 * TIMEOUT_FACTOR)
        try:
            s.sendall(raw)
            return read_reply(s)
        except ConnectionResetError:
            return None, "", b""
        finally:
            s.close()

    def test_headers_and_body(self):
        log("headers over 8 KiB are refused; 6 KiB are fine; a 33 MiB body is 413")
        node = self.add_node()
        node.start()
        auth = node.rpc.auth_header()
        status, _, body = self.one(node, http_request(auth, extra_headers="X-Pad: " + "a" * 6000 + "\r\n"))
        assert_equal(status, 200, f"6 KiB of headers: {body[:200]!r}")
        big = self.one(node, http_request(auth, extra_headers="X-Big: " + "a" * 9000 + "\r\n"))[0]
        assert_in(big, (400, 413), "one 9,000-byte header")
        many = "".join(f"X-H{i}: {'b' * 40}\r\n" for i in range(200))
        assert_in(self.one(node, http_request(auth, extra_headers=many))[0], (400, 413), "200 headers, 10 KiB")
        # a body over 32 MiB, actually sent
        size = 33 * 1024 * 1024
        s = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=60 * TIMEOUT_FACTOR)
        try:
            s.sendall(f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {auth}\r\n"
                      f"Content-Length: {size}\r\n\r\n".encode())
            chunk = b" " * (1 << 20)
            try:
                for _ in range(33):
                    s.sendall(chunk)
            except (BrokenPipeError, ConnectionResetError):
                pass  # refused before the end: fine
            try:
                status = read_reply(s)[0]
            except ConnectionResetError:
                status = None
        finally:
            s.close()
        assert_equal(status, 413, "33 MiB body")
        assert_equal(node.getblockcount(), 0, "the node goes on")
        node.stop()

    def test_fd_limit(self):
        log("a node limited to 256 file descriptors survives 600 connections, without a busy loop")
        node = self.add_node(extra_args=["-debug=http"])
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        resource.setrlimit(resource.RLIMIT_NOFILE, (256, hard))
        try:
            node.start()  # inherits the limit
        finally:
            resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
        n = min(600, soft - 64)
        t0 = time.monotonic()
        socks = []
        for _ in range(n):
            try:
                socks.append(socket.create_connection(("127.0.0.1", node.rpc_port), timeout=2 * TIMEOUT_FACTOR))
            except OSError:
                break  # the kernel's backlog is full too
        log(f"  {len(socks)} connections open")
        assert_greater_than(len(socks), 256)
        req = http_request(node.rpc.auth_header())
        for s in socks:
            try:
                s.sendall(req)
            except OSError:
                pass
        # the node runs out of descriptors: it says so and pauses accepting
        wait_until(lambda: "accept() failed (Too many open files)" in node.debug_log_text(), timeout=60,
                   what="the accept failure logged")
        assert_true(node.is_running(), "the node did not crash")
        for s in socks:
            s.close()
        # once the connections are gone, the node serves again
        wait_until(lambda: self.answers(node), timeout=60, what="RPC after the flood")
        elapsed = time.monotonic() - t0
        # A failed accept() pauses its listener for up to a second: a few
        # lines, where libevent alone retried in a busy loop and wrote
        # ~130 MB of "Error from accept() call" to stderr in 10 s.
        failures = node.debug_log_text().count("accept() failed")
        log(f"  {failures} accept failures logged in {elapsed:.1f} s")
        assert_true(failures <= 2 * (elapsed + 2), f"{failures} accept failures in {elapsed:.1f} s: a busy loop")
        assert_true(os.path.getsize(node.stderr_path) < 65536, "no stderr flood")
        assert_true(node.is_running(), "still running")
        node.stop()

    def answers(self, node):
        try:
            return node.getblockcount() == 0
        except Exception:  # noqa: BLE001 (refused or reset while it recovers)
            return False

    def test_work_queue(self):
        log(f"-rpcthreads=1 -rpcworkqueue={QUEUE}: {FLOOD} concurrent requests while the worker is busy")
        node = self.add_node(extra_args=["-rpcthreads=1", f"-rpcworkqueue={QUEUE}"])
        node.start()
        auth = node.rpc.auth_header()
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        flood = min(FLOOD, soft - 64)
        # the only worker sleeps in `stop` (Core's hidden wait argument)
        stopper = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=120 * TIMEOUT_FACTOR)
        stopper.sendall(http_request(auth, body=f'{{"method":"stop","params":[{STOP_WAIT_MS}],"id":1}}'.encode()))
        t0 = time.monotonic()
        socks = []
        req = http_request(auth)
        for _ in range(flood):
            s = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=120 * TIMEOUT_FACTOR)
            s.sendall(req)
            socks.append(s)
        # Read the answers as they come: the 503s at once, the queued ones
        # after the worker's pause.
        sel = selectors.DefaultSelector()
        bufs = {}
        for s in socks:
            s.setblocking(False)
            sel.register(s, selectors.EVENT_READ)
            bufs[s] = b""
        answers = {}
        deadline = time.monotonic() + (STOP_WAIT_MS / 1000 + 120) * TIMEOUT_FACTOR
        while len(answers) < len(socks) and time.monotonic() < deadline:
            for key, _ in sel.select(timeout=1):
                s = key.fileobj
                try:
                    chunk = s.recv(65536)
                except (BlockingIOError, ConnectionResetError):
                    chunk = b""
                bufs[s] += chunk
                done = not chunk
                head, sep, rest = bufs[s].partition(b"\r\n\r\n")
                if sep:
                    length = [int(v) for k, _, v in (ln.partition(b":") for ln in head.split(b"\r\n")[1:])
                              if k.strip().lower() == b"content-length"]
                    done = done or len(rest) >= (length[0] if length else 0)
                if done:
                    sel.unregister(s)
                    answers[s] = (int(head[9:12]) if head.startswith(b"HTTP/1.1 ") else None, rest,
                                  time.monotonic() - t0)
        sel.close()
        for s in socks:
            s.close()
        statuses = [answers.get(s, (None, b"", 0))[0] for s in socks]
        n503, n200 = statuses.count(503), statuses.count(200)
        last_503 = max((t for st, _, t in answers.values() if st == 503), default=0)
        log(f"  {n200} x 200, {n503} x 503 (the last 503 after {last_503:.2f} s)")
        assert_true(last_503 < STOP_WAIT_MS / 1000, "the flood fit in the worker's pause (else the test means nothing)")
        assert_equal(n200 + n503, flood, f"every request answered: {sorted(set(statuses), key=str)}")
        for st, body, _ in answers.values():
            if st == 503:
                assert_equal(body, b"Work queue depth exceeded")
        assert_greater_than_or_equal(n503, flood - QUEUE)
        assert_true(n200 <= QUEUE, f"{n200} requests beyond the queue ran")
        status, _, body = read_reply(stopper)
        stopper.close()
        assert_equal(status, 200, f"stop answered: {body[:200]!r}")
        node.wait_for_exit(timeout=60)


if __name__ == "__main__":
    RPCLimitsTest().main()
