#!/usr/bin/env python3
"""A small Stratum v1 client for the functional tests (standard library only).

It speaks the line-based JSON protocol, keeps the jobs and difficulty the
server sends, builds block headers exactly as a miner does (coinb1 ||
extranonce1 || extranonce2 || coinb2, the Merkle branch, the word-swapped
prevhash) and grinds nonces with hashlib's SHA-256d until a header is of the
wanted kind: a share that is not a block, a block, or a hash below the share
difficulty (to test the rejection). Difficulty to target follows
src/stratum/share.h bit for bit.
"""
import hashlib
import json
import math
import socket
import struct
import time

DIFF1 = 0xffff << 208
MAX_TARGET = (1 << 256) - 1


def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def difficulty_target(d):
    """The share target of a Stratum difficulty (src/stratum/share.h)."""
    if not d > 0 or math.isinf(d):
        return MAX_TARGET
    m, e = math.frexp(d)
    q = int(math.ldexp(m, 53))
    t = DIFF1 // q
    s = 53 - e
    if s >= 0:
        if t.bit_length() + s > 256:
            return MAX_TARGET
        return t << s
    return t >> -s


def compact_target(bits):
    exp, mant = bits >> 24, bits & 0x007fffff
    return mant >> (8 * (3 - exp)) if exp <= 3 else mant << (8 * (exp - 3))


class StratumError(Exception):
    def __init__(self, error):
        super().__init__(f"stratum error {error}")
        self.code = error[0] if isinstance(error, list) and error else None
        self.message = error[1] if isinstance(error, list) and len(error) > 1 else str(error)


class Job:
    def __init__(self, params):
        (self.job_id, self.prevhash, self.coinb1, self.coinb2, self.branch, self.version, self.nbits, self.ntime,
         self.clean) = params
        self.prev = b"".join(bytes.fromhex(self.prevhash)[i:i + 4][::-1] for i in range(0, 32, 4))

    def coinbase(self, extranonce1, extranonce2):
        return bytes.fromhex(self.coinb1) + bytes.fromhex(extranonce1) + extranonce2 + bytes.fromhex(self.coinb2)

    def merkle_root(self, extranonce1, extranonce2):
        h = sha256d(self.coinbase(extranonce1, extranonce2))
        for b in self.branch:
            h = sha256d(h + bytes.fromhex(b))
        return h

    def header(self, root, version, ntime, nonce):
        return (struct.pack("<I", version) + self.prev + root + struct.pack("<III", ntime, int(self.nbits, 16), nonce))


class StratumClient:
    def __init__(self, port, host="127.0.0.1", timeout=60):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.timeout = timeout
        self.buf = b""
        self.next_id = 1
        self.notifications = []  # every notification, in order
        self.jobs = {}
        self.job = None          # the last job
        self.difficulty = None
        self.extranonce1 = None
        self.extranonce2_size = None
        self.version_mask = 0
        self.worker = None
        self.closed = False

    def close(self):
        self.sock.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, method, params):
        i = self.next_id
        self.next_id += 1
        self.send_raw(json.dumps({"id": i, "method": method, "params": params}).encode() + b"\n")
        return i

    def _read_message(self, deadline):
        while b"\n" not in self.buf:
            self.sock.settimeout(max(0.01, deadline - time.time()))
            try:
                data = self.sock.recv(65536)
            except socket.timeout:
                return None
            if not data:
                self.closed = True
                raise ConnectionError("the server closed the connection")
            self.buf += data
        line, self.buf = self.buf.split(b"\n", 1)
        msg = json.loads(line)
        if msg.get("method"):
            self._on_notification(msg)
        return msg

    def _on_notification(self, msg):
        self.notifications.append(msg)
        if msg["method"] == "mining.notify":
            job = Job(msg["params"])
            if job.clean:
                self.jobs = {}
            self.jobs[job.job_id] = job
            self.job = job
        elif msg["method"] == "mining.set_difficulty":
            self.difficulty = msg["params"][0]

    def response(self, i, timeout=None):
        deadline = time.time() + (timeout or self.timeout)
        while time.time() < deadline:
            msg = self._read_message(deadline)
            if msg is not None and msg.get("id") == i and "method" not in msg:
                return msg
        raise TimeoutError(f"no response to request {i}")

    def call(self, method, params):
        msg = self.response(self.send(method, params))
        if msg.get("error"):
            raise StratumError(msg["error"])
        return msg["result"]

    def wait_for(self, predicate, timeout=None, what="condition"):
        """Reads messages until predicate() holds."""
        deadline = time.time() + (timeout or self.timeout)
        while not predicate():
            if time.time() >= deadline:
                raise TimeoutError(f"timed out waiting for {what}")
            self._read_message(deadline)

    def wait_job(self, pred=lambda j: True, timeout=None):
        """Waits for a notify (after those seen) whose job satisfies pred; returns it."""
        seen = len(self.notifications)

        def got():
            return any(m["method"] == "mining.notify" and pred(Job(m["params"])) for m in self.notifications[seen:])
        self.wait_for(got, timeout, "a job")
        return self.job

    def subscribe(self):
        res = self.call("mining.subscribe", ["hashmint-test/1.0"])
        self.extranonce1, self.extranonce2_size = res[1], res[2]
        return res

    def authorize(self, user, password="x"):
        res = self.call("mining.authorize", [user, password])
        self.worker = user
        return res

    def configure(self, mask):
        res = self.call("mining.configure", [["version-rolling"], {"version-rolling.mask": f"{mask:08x}"}])
        if res.get("version-rolling"):
            self.version_mask = int(res["version-rolling.mask"], 16)
        return res

    def solve(self, kind, job=None, difficulty=None, extranonce2=0, version_bits=None, start_nonce=0, ntime=None):
        """Grinds nonces until the header is of `kind`: "share" (meets the share
        target, not the network's), "block" (meets the network's), "low"
        (meets neither) or "block-only" (the network's, not the share
        target's). Returns (submit params after the job id, hash int)."""
        job = job or self.job
        d = self.difficulty if difficulty is None else difficulty
        share_t, net_t = difficulty_target(d), compact_target(int(job.nbits, 16))
        en2 = extranonce2.to_bytes(self.extranonce2_size, "big")
        root = job.merkle_root(self.extranonce1, en2)
        version = int(job.version, 16)
        if version_bits is not None:
            version = (version & ~self.version_mask) | version_bits
        t = int(job.ntime, 16) if ntime is None else ntime
        for nonce in range(start_nonce, start_nonce + (1 << 24)):
            h = int.from_bytes(sha256d(job.header(root, version, t, nonce)), "little")
            block = h <= net_t
            share = h <= share_t
            if (kind == "block" and block) or (kind == "share" and share and not block) or \
               (kind == "low" and not share and not block) or (kind == "block-only" and block and not share):
                params = [self.worker, job.job_id, en2.hex(), f"{t:08x}", f"{nonce:08x}"]
                if version_bits is not None:
                    params.append(f"{version_bits:08x}")
                return params, h
        raise RuntimeError("no nonce found")

    def submit(self, params):
        """Submits; returns (result, error) as the server answered."""
        msg = self.response(self.send("mining.submit", params))
        return msg.get("result"), msg.get("error")
