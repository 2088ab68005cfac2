#!/usr/bin/env python3
"""hashmint functional-test framework (standard library + python3-zmq).

Starts real `hashmintd` processes on 127.0.0.1, each with its own data
directory and free ports, talks JSON-RPC to them with cookie (or
user/password) authentication, and gives tests the tools to build, sign and
inspect transactions. See qa/functional/README.md for the API overview.

Environment:
  HASHMINT_BUILDDIR  build directory holding hashmintd and hashmint-cli
                     (qa/run_tests.py sets it; default: walk up from the
                     current directory, then from this file, looking for
                     hashmintd; last resort the newest <srcdir>/build-*/hashmintd)
  HASHMINT_SRCDIR    source tree (default: two levels above this file)
  HASHMINTD, HASHMINT_CLI   explicit binaries (override the build directory)
  HASHMINT_TIMEOUT_FACTOR   multiplies every timeout (slow machines, valgrind)
"""
import argparse
import base64
import collections
import contextlib
import fcntl
import hashlib
import hmac
import http.client
import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import time
import traceback
from decimal import Decimal

# ---------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------

SRCDIR = os.environ.get("HASHMINT_SRCDIR") or \
    os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TIMEOUT_FACTOR = float(os.environ.get("HASHMINT_TIMEOUT_FACTOR", "1"))
COIN = 100_000_000
# The hashmint chains' emission (doc/chain-params.md): 10 HMC, halving every 1,050,000 blocks.
SUBSIDY = 10 * COIN
HALVING_INTERVAL = 1_050_000


def block_subsidy(height):
    """Base units a hashmint block at `height` may create (chain_params_block_subsidy)."""
    halvings = height // HALVING_INTERVAL
    return 0 if halvings >= 64 else SUBSIDY >> halvings


def _walk_up_for(name, start):
    d = os.path.abspath(start)
    while True:
        if os.access(os.path.join(d, name), os.X_OK):
            return d
        parent = os.path.dirname(d)
        if parent == d:
            return None
        d = parent


def find_builddir():
    """Returns the build directory holding hashmintd (see the module doc)."""
    env = os.environ.get("HASHMINT_BUILDDIR")
    if env:
        return os.path.abspath(env)
    for start in (os.getcwd(), os.path.dirname(os.path.abspath(__file__))):
        d = _walk_up_for("hashmintd", start)
        if d:
            return d
    best = None
    try:
        entries = os.listdir(SRCDIR)
    except OSError:
        entries = []
    for e in entries:
        p = os.path.join(SRCDIR, e, "hashmintd")
        if e.startswith("build") and os.access(p, os.X_OK):
            if best is None or os.path.getmtime(p) > os.path.getmtime(os.path.join(best, "hashmintd")):
                best = os.path.join(SRCDIR, e)
    return best or os.getcwd()


BUILDDIR = find_builddir()
HASHMINTD = os.environ.get("HASHMINTD") or os.path.join(BUILDDIR, "hashmintd")
HASHMINT_CLI = os.environ.get("HASHMINT_CLI") or os.path.join(BUILDDIR, "hashmint-cli")

CHAIN_SUBDIR = {"main": "", "test": "testnet", "regtest": "regtest", "bitcoin": "bitcoin"}


def data_file(*parts):
    """A file under qa/data (falls back to the shared vector directory)."""
    local = os.path.join(SRCDIR, "qa", "data", *parts)
    if os.path.exists(local):
        return local
    shared = os.path.join("/work/shared/vectors", *parts)
    if os.path.exists(shared):
        return shared
    raise FileNotFoundError(local)


def log(msg):
    print(f"{time.strftime('%H:%M:%S')} {msg}", flush=True)


# ---------------------------------------------------------------------------
# Assertions (clear messages) and waiting
# ---------------------------------------------------------------------------

class TestFailure(AssertionError):
    pass


def assert_equal(a, b, msg=""):
    if a != b:
        raise TestFailure(f"{msg + ': ' if msg else ''}{a!r} != {b!r}")


def assert_not_equal(a, b, msg=""):
    if a == b:
        raise TestFailure(f"{msg + ': ' if msg else ''}{a!r} == {b!r}")


def assert_true(cond, msg="condition is false"):
    if not cond:
        raise TestFailure(msg)


def assert_greater_than(a, b, msg=""):
    if not a > b:
        raise TestFailure(f"{msg + ': ' if msg else ''}{a!r} <= {b!r}")


def assert_greater_than_or_equal(a, b, msg=""):
    if not a >= b:
        raise TestFailure(f"{msg + ': ' if msg else ''}{a!r} < {b!r}")


def assert_in(item, container, msg=""):
    if item not in container:
        raise TestFailure(f"{msg + ': ' if msg else ''}{item!r} not in {container!r}")


def assert_not_in(item, container, msg=""):
    if item in container:
        raise TestFailure(f"{msg + ': ' if msg else ''}{item!r} unexpectedly in {container!r}")


def assert_raises_rpc_error(code, message, fn, *args, **kwargs):
    """Calls fn; it must raise JSONRPCException with that code (None: any) and
    a message containing `message` (None: any). Returns the exception."""
    try:
        fn(*args, **kwargs)
    except JSONRPCException as e:
        if code is not None and e.code != code:
            raise TestFailure(f"expected RPC error code {code}, got {e.code}: {e.message!r}")
        if message is not None and message not in e.message:
            raise TestFailure(f"expected RPC error message containing {message!r}, got {e.message!r} (code {e.code})")
        return e
    raise TestFailure(f"no RPC error raised (expected code {code}, {message!r})")


def wait_until(predicate, timeout=60, interval=0.05, what=None):
    """Polls predicate() until it returns true; raises TestFailure after timeout
    seconds (times HASHMINT_TIMEOUT_FACTOR). Returns the predicate's value."""
    deadline = time.time() + timeout * TIMEOUT_FACTOR
    while True:
        v = predicate()
        if v:
            return v
        if time.time() > deadline:
            raise TestFailure(f"wait_until timed out after {timeout * TIMEOUT_FACTOR:.0f}s: "
                              f"{what or getattr(predicate, '__name__', 'predicate')}")
        time.sleep(interval)


def satoshi(amount):
    """Decimal/str/int coins -> integer base units (exact)."""
    return int((Decimal(str(amount)) * COIN).to_integral_exact())


def coins(sats):
    """Integer base units -> Decimal coins with 8 places."""
    return (Decimal(sats) / COIN).quantize(Decimal("0.00000001"))


# ---------------------------------------------------------------------------
# JSON-RPC client
# ---------------------------------------------------------------------------

class JSONRPCException(Exception):
    """An RPC error: .code, .message, .error (the whole object), .http_status."""

    def __init__(self, error, http_status=None):
        self.error = error if isinstance(error, dict) else {"code": None, "message": str(error)}
        self.code = self.error.get("code")
        self.message = self.error.get("message", "")
        self.http_status = http_status
        super().__init__(f"{self.message} ({self.code})")


class _RawNumber(float):
    """A float whose JSON text is a Decimal's exact digits (amounts)."""

    def __new__(cls, d):
        f = float.__new__(cls, d)
        f._text = format(d, "f")
        return f


def _fix_decimals(o):
    if isinstance(o, Decimal):
        return _RawNumber(o)
    if isinstance(o, dict):
        return {k: _fix_decimals(v) for k, v in o.items()}
    if isinstance(o, (list, tuple)):
        return [_fix_decimals(v) for v in o]
    return o


class _ExactEncoder(json.JSONEncoder):
    """json's pure-Python encoder with a float formatter that keeps Decimal text."""

    def iterencode(self, o, _one_shot=False):
        def floatstr(v, _repr=float.__repr__):
            return v._text if isinstance(v, _RawNumber) else _repr(v)
        enc = json.encoder.py_encode_basestring_ascii if self.ensure_ascii else json.encoder.py_encode_basestring
        it = json.encoder._make_iterencode({} if self.check_circular else None, self.default, enc, self.indent,
                                           floatstr, self.key_separator, self.item_separator, self.sort_keys,
                                           self.skipkeys, _one_shot)
        return it(o, 0)


def json_dumps(obj):
    """JSON text with Decimal amounts written exactly."""
    return "".join(_ExactEncoder(separators=(",", ":")).iterencode(_fix_decimals(obj)))


def json_loads(text):
    return json.loads(text, parse_float=Decimal)


class RPCClient:
    """JSON-RPC over http.client, one connection per request.

    call(method, *args, **named) -> result or raises JSONRPCException.
    Attribute access calls methods: rpc.getblockcount().
    raw(body, ...) -> (status, headers, body bytes) for malformed-input tests.
    """

    def __init__(self, host, port, user=None, password=None, timeout=120, jsonrpc="1.0", path="/"):
        self.host, self.port = host, port
        self.path = path
        self.user, self.password = user, password
        self.timeout = timeout * TIMEOUT_FACTOR
        self.jsonrpc = jsonrpc
        self._id = 0

    def auth_header(self, user=None, password=None):
        u = self.user if user is None else user
        p = self.password if password is None else password
        if u is None:
            return None
        return "Basic " + base64.b64encode(f"{u}:{p}".encode()).decode()

    def raw(self, body, path="/", method="POST", headers=None, auth=True, timeout=None):
        """Sends one HTTP request; returns (status, headers dict (lower-case), body bytes)."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout or self.timeout)
        try:
            h = {"Content-Type": "application/json"}
            if auth is True:
                a = self.auth_header()
                if a:
                    h["Authorization"] = a
            elif isinstance(auth, str):
                h["Authorization"] = auth
            if headers:
                h.update(headers)
            if isinstance(body, str):
                body = body.encode()
            conn.request(method, path, body=body, headers=h)
            resp = conn.getresponse()
            data = resp.read()
            return resp.status, {k.lower(): v for k, v in resp.getheaders()}, data
        finally:
            conn.close()

    def request_obj(self, method, params, version=None):
        self._id += 1
        version = version or self.jsonrpc
        obj = {"method": method, "params": params, "id": self._id}
        if version == "2.0":
            obj["jsonrpc"] = "2.0"
        elif version == "1.0":
            obj["jsonrpc"] = "1.0"
        return obj

    def call(self, method, *args, **named):
        version = named.pop("_version", None)
        if args and named:
            raise ValueError("use positional or named parameters, not both")
        params = named if named else list(args)
        obj = self.request_obj(method, params, version)
        status, _, data = self.raw(json_dumps(obj), path=self.path)
        if not data:
            raise JSONRPCException({"code": None, "message": f"empty HTTP {status} reply"}, status)
        try:
            resp = json_loads(data.decode())
        except ValueError:
            raise JSONRPCException({"code": None, "message": f"non-JSON HTTP {status} reply: {data[:200]!r}"}, status)
        if not isinstance(resp, dict):
            raise JSONRPCException({"code": None, "message": f"unexpected reply {resp!r}"}, status)
        if resp.get("error") is not None:
            raise JSONRPCException(resp["error"], status)
        if "result" not in resp:
            raise JSONRPCException({"code": None, "message": f"reply without result: {resp!r}"}, status)
        return resp["result"]

    def batch(self, requests):
        """requests: list of (method, params). Returns the list of reply objects."""
        objs = [self.request_obj(m, p) for m, p in requests]
        status, _, data = self.raw(json_dumps(objs))
        if status != 200:
            raise JSONRPCException({"code": None, "message": f"batch HTTP {status}: {data[:200]!r}"}, status)
        return json_loads(data.decode())

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return lambda *a, **kw: self.call(name, *a, **kw)


# ---------------------------------------------------------------------------
# Ports
# ---------------------------------------------------------------------------

# Ports come from a block of PORT_RANGE ports below the kernel's ephemeral range,
# one block per test process. A port the kernel hands out with bind(0) could
# meanwhile become the local port of any outgoing connection on the machine
# (other tests make thousands), and another test process could be handed the
# same one; ports outside the ephemeral range in a block of our own cannot be
# taken either way before the node binds them. A process owns its block by
# holding an flock on PORT_LOCK_DIR/block-N for its lifetime, so test runs
# started side by side (two qa/run_tests.py, a test run by hand) never share a
# block; HASHMINT_PORT_SEED (qa/run_tests.py gives every test that runs at the
# same time a different one), else the process id, says which block to try
# first. qa/unit/net/connman_tests.c follows the same scheme.
PORT_MIN = 11000
PORT_RANGE = 400
PORT_LOCK_DIR = os.path.join(tempfile.gettempdir(), "hashmint-test-ports")
_used_ports = set()
_block = None


def _port_block():
    global _block
    if _block is not None:
        return _block
    try:
        with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
            ephemeral_low = int(f.read().split()[0])
    except (OSError, ValueError, IndexError):
        ephemeral_low = 32768
    blocks = max(1, (min(ephemeral_low, 65536) - PORT_MIN) // PORT_RANGE)
    seed = int(os.environ.get("HASHMINT_PORT_SEED", os.getpid()))
    os.makedirs(PORT_LOCK_DIR, mode=0o777, exist_ok=True)
    for i in range(blocks):
        b = (seed + i) % blocks
        fd = os.open(os.path.join(PORT_LOCK_DIR, f"block-{b}"), os.O_CREAT | os.O_RDWR, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            continue
        _block = PORT_MIN + b * PORT_RANGE  # the fd stays open (and locked) until the process exits
        return _block
    raise RuntimeError(f"all {blocks} port blocks are taken by other test processes")


def free_port():
    """A TCP port on 127.0.0.1 from this process's block that nothing listens on right now."""
    base = _port_block()
    for p in range(base, base + PORT_RANGE):
        if p in _used_ports:
            continue
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", p))
            except OSError:
                continue
        _used_ports.add(p)
        return p
    raise RuntimeError(f"no free port in {base}..{base + PORT_RANGE - 1}")


# ---------------------------------------------------------------------------
# A node process
# ---------------------------------------------------------------------------

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "ERROR: ThreadSanitizer", "WARNING: ThreadSanitizer")


class TestNode:
    """One hashmintd process with its own data directory and ports."""

    def __init__(self, index, basedir, chain="regtest", extra_args=None, binary=None,
                 rpc_user=None, rpc_password=None, use_cookie=True):
        self.index = index
        self.chain = chain
        self.datadir = os.path.join(basedir, f"node{index}")
        os.makedirs(self.datadir, exist_ok=True)
        self.chaindir = os.path.join(self.datadir, CHAIN_SUBDIR[chain]) if CHAIN_SUBDIR[chain] else self.datadir
        self.rpc_port = free_port()
        self.p2p_port = free_port()
        self.extra_args = list(extra_args or [])
        self.binary = binary or HASHMINTD
        self.rpc_user, self.rpc_password = rpc_user, rpc_password
        self.use_cookie = use_cookie
        self.process = None
        self.rpc = None
        self.stdout_path = os.path.join(self.datadir, "stdout.txt")
        self.stderr_path = os.path.join(self.datadir, "stderr.txt")
        self._stderr_offset = 0
        self.expected_exit = False

    # -- paths --
    @property
    def debug_log(self):
        return os.path.join(self.chaindir, "debug.log")

    @property
    def cookie_path(self):
        return os.path.join(self.chaindir, ".cookie")

    def chain_args(self):
        return ["-regtest"] if self.chain == "regtest" else [f"-chain={self.chain}"]

    def base_args(self):
        return self.chain_args() + [f"-datadir={self.datadir}", f"-rpcport={self.rpc_port}",
                                    f"-port={self.p2p_port}", "-listen=0", "-connect=0",
                                    "-printtoconsole=0"]

    # -- lifecycle --
    def start(self, extra_args=None, wait=True, timeout=60, env=None):
        """Starts hashmintd (base args + the node's extra args + extra_args)."""
        assert self.process is None or self.process.poll() is not None, "node already running"
        args = [self.binary] + self.base_args() + self.extra_args + list(extra_args or [])
        if self.rpc_user is not None:
            args += [f"-rpcuser={self.rpc_user}", f"-rpcpassword={self.rpc_password}"]
        self.last_args = args
        self._stdout = open(self.stdout_path, "ab")
        self._stderr = open(self.stderr_path, "ab")
        self._stderr_offset = os.path.getsize(self.stderr_path)
        e = dict(os.environ)
        e.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        if env:
            e.update(env)
        self.process = subprocess.Popen(args, stdout=self._stdout, stderr=self._stderr, cwd=self.datadir, env=e)
        self.expected_exit = False
        if wait:
            self.wait_for_rpc(timeout)
        return self

    def is_running(self):
        return self.process is not None and self.process.poll() is None

    def wait_for_rpc(self, timeout=60):
        """Waits until the RPC server answers (cookie written, not in warm-up)."""
        deadline = time.time() + timeout * TIMEOUT_FACTOR
        last = None
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise TestFailure(f"node{self.index} exited with code {self.process.returncode} during start-up; "
                                  f"stderr: {self.stderr_text()[-2000:]!r}")
            try:
                if self.rpc_user is None and self.use_cookie:
                    with open(self.cookie_path) as f:
                        user, pw = f.read().strip().split(":", 1)
                else:
                    user, pw = self.rpc_user, self.rpc_password
                rpc = RPCClient("127.0.0.1", self.rpc_port, user, pw)
                rpc.getblockcount()
                self.rpc = rpc
                return
            except JSONRPCException as e:
                last = e
                if e.code != -28 and e.http_status not in (401, 503):
                    raise
            except (OSError, ValueError, http.client.HTTPException) as e:
                last = e
            time.sleep(0.1)
        raise TestFailure(f"node{self.index} RPC not ready after {timeout * TIMEOUT_FACTOR:.0f}s (last: {last!r})")

    def __getattr__(self, name):
        # node.getblockcount() -> RPC call
        if name.startswith("_") or name in ("rpc", "process"):
            raise AttributeError(name)
        if self.rpc is None:
            raise AttributeError(f"node{self.index} has no RPC connection (not started?) for {name}")
        return getattr(self.rpc, name)

    def stderr_text(self):
        try:
            with open(self.stderr_path, "rb") as f:
                f.seek(self._stderr_offset)
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def _close_files(self):
        for f in (getattr(self, "_stdout", None), getattr(self, "_stderr", None)):
            if f:
                f.close()
        self._stdout = self._stderr = None

    def check_sanitizers(self):
        err = self.stderr_text()
        for m in SANITIZER_MARKERS:
            if m in err:
                raise TestFailure(f"node{self.index} sanitizer report on stderr:\n{err[-4000:]}")

    def stop(self, timeout=60, expect_code=0):
        """Stops via the `stop` RPC and waits for the exit (kill after timeout)."""
        if not self.is_running():
            self._close_files()
            return
        try:
            self.rpc.stop()
        except (JSONRPCException, OSError, http.client.HTTPException, AttributeError) as e:
            log(f"node{self.index}: stop RPC failed ({e!r}), sending SIGTERM")
            self.process.send_signal(signal.SIGTERM)
        self.wait_for_exit(timeout, expect_code)

    def wait_for_exit(self, timeout=60, expect_code=0):
        try:
            rc = self.process.wait(timeout * TIMEOUT_FACTOR)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            self._close_files()
            raise TestFailure(f"node{self.index} did not exit within {timeout * TIMEOUT_FACTOR:.0f}s; killed")
        self._close_files()
        self.rpc = None
        self.check_sanitizers()
        if expect_code is not None and rc != expect_code:
            raise TestFailure(f"node{self.index} exited with {rc}, expected {expect_code}; "
                              f"stderr: {self.stderr_text()[-2000:]!r}")
        return rc

    def kill(self):
        """SIGKILL (crash simulation). Returns once the process is gone."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._close_files()
        self.rpc = None

    def restart(self, extra_args=None, timeout=60):
        self.stop()
        self.start(extra_args, timeout=timeout)

    def assert_start_raises_init_error(self, extra_args=None, expected_msg=None, timeout=60):
        """Starts with these args; the node must exit non-zero (and print expected_msg on stderr)."""
        self.start(extra_args, wait=False)
        try:
            rc = self.process.wait(timeout * TIMEOUT_FACTOR)
        except subprocess.TimeoutExpired:
            self.kill()
            raise TestFailure(f"node{self.index} did not fail to start with {extra_args}")
        self._close_files()
        err = self.stderr_text()
        self.check_sanitizers()
        if rc == 0:
            raise TestFailure(f"node{self.index} exited 0 with {extra_args}, expected an error")
        if expected_msg and expected_msg not in err:
            raise TestFailure(f"expected {expected_msg!r} in stderr, got {err!r}")
        return err

    # -- logs --
    def debug_log_text(self):
        try:
            with open(self.debug_log, "rb") as f:
                return f.read().decode(errors="replace")
        except OSError:
            return ""

    def debug_log_tail(self, n=40):
        return "\n".join(self.debug_log_text().splitlines()[-n:])

    @contextlib.contextmanager
    def assert_debug_log(self, expected, timeout=5):
        """The block's actions must write every string of `expected` to debug.log."""
        try:
            start = os.path.getsize(self.debug_log)
        except OSError:
            start = 0
        yield
        deadline = time.time() + timeout * TIMEOUT_FACTOR
        while True:
            with open(self.debug_log, "rb") as f:
                f.seek(start)
                text = f.read().decode(errors="replace")
            missing = [e for e in expected if e not in text]
            if not missing:
                return
            if time.time() > deadline:
                raise TestFailure(f"debug.log lacks {missing!r}; new lines:\n{text[-3000:]}")
            time.sleep(0.05)

    def wallet(self, name):
        """An RPC client for the /wallet/<name> endpoint."""
        import urllib.parse
        r = self.rpc
        return RPCClient(r.host, r.port, r.user, r.password, path="/wallet/" + urllib.parse.quote(name, safe=""))

    # -- hashmint-cli --
    def cli(self, *args, stdin=None, timeout=60, use_datadir=True):
        """Runs hashmint-cli against this node; returns (returncode, stdout, stderr)."""
        cmd = [HASHMINT_CLI] + self.chain_args() + [f"-rpcport={self.rpc_port}"]
        if use_datadir:
            cmd.append(f"-datadir={self.datadir}")
        cmd += list(args)
        p = subprocess.run(cmd, input=stdin.encode() if isinstance(stdin, str) else stdin,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout * TIMEOUT_FACTOR)
        return p.returncode, p.stdout.decode(errors="replace"), p.stderr.decode(errors="replace")

    # -- conveniences --
    def generate(self, n, address=None):
        return self.rpc.generatetoaddress(n, address or ADDRESS_GENESIS)

    def mempool(self):
        return set(self.rpc.getrawmempool())


# ---------------------------------------------------------------------------
# ZMQ subscriber
# ---------------------------------------------------------------------------

class ZMQSubscriber:
    """SUB socket on one address; receive() checks the per-topic sequence."""

    def __init__(self, address, topics, timeout=30):
        import zmq  # python3-zmq (Debian)
        self.zmq = zmq
        self.ctx = zmq.Context()
        self.sock = self.ctx.socket(zmq.SUB)
        self.sock.setsockopt(zmq.RCVTIMEO, int(timeout * 1000 * TIMEOUT_FACTOR))
        self.sock.setsockopt(zmq.LINGER, 0)
        for t in topics:
            self.sock.setsockopt(zmq.SUBSCRIBE, t.encode() if isinstance(t, str) else t)
        self.sock.connect(address)
        self.next_seq = {}

    def receive(self):
        """Returns (topic str, body bytes, seq int). Checks 3 parts and that
        each topic's sequence number counts up by one."""
        try:
            parts = self.sock.recv_multipart()
        except self.zmq.Again:
            raise TestFailure("ZMQ receive timed out")
        assert_equal(len(parts), 3, "ZMQ message part count")
        topic = parts[0].decode()
        assert_equal(len(parts[2]), 4, "ZMQ sequence field length")
        seq = struct.unpack("<I", parts[2])[0]
        if topic in self.next_seq:
            assert_equal(seq, self.next_seq[topic], f"ZMQ {topic} sequence number")
        self.next_seq[topic] = (seq + 1) & 0xffffffff
        return topic, parts[1], seq

    def receive_topic(self, topic):
        t, body, seq = self.receive()
        assert_equal(t, topic, "ZMQ topic")
        return body

    def receive_until(self, done):
        """Receives (each with the socket's timeout) until done(messages) is true,
        where messages is the list of (topic, body, seq) received so far; returns
        it. Assert on what arrived before a known last message, never on a quiet
        period: a message that should not have come then shows up in the next
        read and fails that check instead of slipping through."""
        out = []
        while not done(out):
            out.append(self.receive())
        return out

    def poll(self, timeout):
        """True if a message is ready within timeout seconds (nothing is consumed)."""
        return bool(self.sock.poll(int(timeout * 1000 * TIMEOUT_FACTOR)))

    def close(self):
        self.sock.close()
        self.ctx.term()


# ---------------------------------------------------------------------------
# Serialisation: transactions and blocks (Bitcoin's wire format, BIP 144)
# ---------------------------------------------------------------------------

def sha256(b):
    return hashlib.sha256(b).digest()


def hash256(b):
    return sha256(sha256(b))


def ripemd160(b):
    try:
        return hashlib.new("ripemd160", b).digest()
    except ValueError:
        return _ripemd160_py(b)


def hash160(b):
    return ripemd160(sha256(b))


def ser_compact(n):
    if n < 253:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xffffffff:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def ser_bytes(b):
    return ser_compact(len(b)) + b


class Reader:
    def __init__(self, data):
        self.b, self.i = data, 0

    def read(self, n):
        if self.i + n > len(self.b):
            raise ValueError("truncated")
        r = self.b[self.i:self.i + n]
        self.i += n
        return r

    def u8(self):
        return self.read(1)[0]

    def u32(self):
        return struct.unpack("<I", self.read(4))[0]

    def i32(self):
        return struct.unpack("<i", self.read(4))[0]

    def i64(self):
        return struct.unpack("<q", self.read(8))[0]

    def compact(self):
        c = self.u8()
        if c < 253:
            return c
        return struct.unpack({253: "<H", 254: "<I", 255: "<Q"}[c], self.read({253: 2, 254: 4, 255: 8}[c]))[0]

    def var_bytes(self):
        return self.read(self.compact())

    def done(self):
        return self.i == len(self.b)


class TxIn:
    def __init__(self, txid=None, vout=0, script_sig=b"", sequence=0xfffffffd, witness=None):
        self.txid = txid or "00" * 32  # display hex
        self.vout = vout
        self.script_sig = script_sig
        self.sequence = sequence
        self.witness = list(witness or [])

    def ser_prevout(self):
        return bytes.fromhex(self.txid)[::-1] + struct.pack("<I", self.vout)


class TxOut:
    def __init__(self, value=0, script_pubkey=b""):
        self.value = value  # base units
        self.script_pubkey = script_pubkey


class Tx:
    """A transaction; amounts in base units, txids as display hex."""

    def __init__(self, version=2, vin=None, vout=None, locktime=0):
        self.version, self.vin, self.vout, self.locktime = version, list(vin or []), list(vout or []), locktime

    def has_witness(self):
        return any(i.witness for i in self.vin)

    def serialize(self, with_witness=True):
        w = with_witness and self.has_witness()
        out = struct.pack("<i", self.version)
        if w:
            out += b"\x00\x01"
        out += ser_compact(len(self.vin))
        for i in self.vin:
            out += i.ser_prevout() + ser_bytes(i.script_sig) + struct.pack("<I", i.sequence)
        out += ser_compact(len(self.vout))
        for o in self.vout:
            out += struct.pack("<q", o.value) + ser_bytes(o.script_pubkey)
        if w:
            for i in self.vin:
                out += ser_compact(len(i.witness)) + b"".join(ser_bytes(x) for x in i.witness)
        return out + struct.pack("<I", self.locktime)

    def hex(self):
        return self.serialize().hex()

    @property
    def txid(self):
        return hash256(self.serialize(False))[::-1].hex()

    @property
    def wtxid(self):
        return hash256(self.serialize(True))[::-1].hex()

    def weight(self):
        return len(self.serialize(False)) * 3 + len(self.serialize(True))

    def vsize(self):
        return (self.weight() + 3) // 4

    @classmethod
    def parse(cls, r):
        tx = cls()
        tx.version = r.i32()
        n = r.compact()
        flag = 0
        if n == 0:
            flag = r.u8()
            n = r.compact()
        tx.vin = []
        for _ in range(n):
            txid = r.read(32)[::-1].hex()
            vout = r.u32()
            ss = r.var_bytes()
            seq = r.u32()
            tx.vin.append(TxIn(txid, vout, ss, seq))
        tx.vout = [TxOut(r.i64(), r.var_bytes()) for _ in range(r.compact())]
        if flag & 1:
            for i in tx.vin:
                i.witness = [r.var_bytes() for _ in range(r.compact())]
        tx.locktime = r.u32()
        return tx

    @classmethod
    def from_hex(cls, h):
        r = Reader(bytes.fromhex(h))
        tx = cls.parse(r)
        if not r.done():
            raise ValueError("trailing data after transaction")
        return tx

    def copy(self):
        return Tx.from_hex(self.hex()) if self.vin or self.vout else Tx(self.version, [], [], self.locktime)


class Block:
    def __init__(self):
        self.version, self.prev, self.merkle, self.time, self.bits, self.nonce = 0, "", "", 0, 0, 0
        self.txs = []

    def header(self):
        return (struct.pack("<i", self.version) + bytes.fromhex(self.prev)[::-1] + bytes.fromhex(self.merkle)[::-1]
                + struct.pack("<III", self.time, self.bits, self.nonce))

    @property
    def hash(self):
        return hash256(self.header())[::-1].hex()

    def serialize(self, with_witness=True):
        return self.header() + ser_compact(len(self.txs)) + b"".join(t.serialize(with_witness) for t in self.txs)

    def hex(self):
        return self.serialize().hex()

    def target(self):
        exp, mant = self.bits >> 24, self.bits & 0x7fffff
        return mant << (8 * (exp - 3)) if exp >= 3 else mant >> (8 * (3 - exp))

    def solve(self):
        """Grinds the nonce until the header meets its bits (instant on regtest)."""
        t = self.target()
        self.nonce = 0
        while int.from_bytes(hash256(self.header()), "little") > t:
            self.nonce += 1

    @classmethod
    def from_hex(cls, h):
        r = Reader(bytes.fromhex(h))
        b = cls()
        b.version = r.i32()
        b.prev = r.read(32)[::-1].hex()
        b.merkle = r.read(32)[::-1].hex()
        b.time, b.bits, b.nonce = r.u32(), r.u32(), r.u32()
        b.txs = [Tx.parse(r) for _ in range(r.compact())]
        return b


def merkle_root(hashes_hex):
    """Merkle root of display-hex hashes (txids or wtxids), as display hex."""
    level = [bytes.fromhex(h)[::-1] for h in hashes_hex]
    while len(level) > 1:
        if len(level) % 2:
            level.append(level[-1])
        level = [hash256(level[i] + level[i + 1]) for i in range(0, len(level), 2)]
    return level[0][::-1].hex()


WITNESS_COMMITMENT_HEADER = bytes.fromhex("aa21a9ed")


def create_coinbase(height, script_pubkey, value, extra=b""):
    """A coinbase with the BIP 34 height (CScript() << height), paying value to script_pubkey."""
    sig = script_num(height) + extra
    if len(sig) < 2:
        sig += b"\x00"  # scriptSig must be 2..100 bytes
    return Tx(2, [TxIn("00" * 32, 0xffffffff, sig, 0xffffffff)], [TxOut(value, script_pubkey)], 0)


# The HMRS output of the empty reserve tree (doc/issuance.md, "The root":
# count 0, root 44972999..): what every hashmint coinbase carries while no
# vault exists anywhere.
EMPTY_RESERVE_COMMITMENT = bytes.fromhex(
    "6a34484d525344972999d2160330e213616c1fd1aa5c54409254475a6e4595cd26bcd72af3b1" + "00" * 16)


def create_block(prev_hash, height, ntime, bits, txs, coinbase_spk, coinbase_value, version=0x20000000,
                 reserve_commitment=EMPTY_RESERVE_COMMITMENT):
    """A solved block: coinbase (+ the HMRS reserve commitment script given, the empty tree's by
    default, None for none; + BIP 141 witness commitment when a tx has a witness) then txs."""
    cb = create_coinbase(height, coinbase_spk, coinbase_value)
    if reserve_commitment is not None:
        cb.vout.append(TxOut(0, bytes(reserve_commitment)))
    b = Block()
    b.version, b.prev, b.time, b.bits = version, prev_hash, ntime, bits
    b.txs = [cb] + list(txs)
    if any(t.has_witness() for t in txs):
        wroot = merkle_root(["00" * 32] + [t.wtxid for t in txs])
        commitment = hash256(bytes.fromhex(wroot)[::-1] + b"\x00" * 32)
        cb.vout.append(TxOut(0, bytes([OP_RETURN, 0x24]) + WITNESS_COMMITMENT_HEADER + commitment))
        cb.vin[0].witness = [b"\x00" * 32]
    b.merkle = merkle_root([t.txid for t in b.txs])
    b.solve()
    return b


def block_from_template(tmpl, coinbase_spk, extra_txs=None):
    """Builds a solved block from getblocktemplate's answer (its transactions plus extra_txs)."""
    txs = [Tx.from_hex(t["data"]) for t in tmpl["transactions"]] + list(extra_txs or [])
    value = tmpl["coinbasevalue"]
    rc = tmpl.get("default_reserve_commitment")
    return create_block(tmpl["previousblockhash"], tmpl["height"], max(tmpl["curtime"], tmpl["mintime"]),
                        int(tmpl["bits"], 16), txs, coinbase_spk, value, tmpl["version"],
                        bytes.fromhex(rc) if rc else None)


# ---------------------------------------------------------------------------
# Scripts and addresses
# ---------------------------------------------------------------------------

OP_0, OP_1, OP_TRUE, OP_RETURN, OP_DUP, OP_HASH160, OP_EQUAL, OP_EQUALVERIFY, OP_CHECKSIG, OP_NOP = \
    0x00, 0x51, 0x51, 0x6a, 0x76, 0xa9, 0x87, 0x88, 0xac, 0x61


def push(data):
    n = len(data)
    if n < 0x4c:
        return bytes([n]) + data
    if n <= 0xff:
        return b"\x4c" + bytes([n]) + data
    if n <= 0xffff:
        return b"\x4d" + struct.pack("<H", n) + data
    return b"\x4e" + struct.pack("<I", n) + data


def script_num(n):
    """CScript() << n for a small non-negative int (BIP 34 style)."""
    if n == 0:
        return b"\x00"
    if 1 <= n <= 16:
        return bytes([0x50 + n])
    out = bytearray()
    while n:
        out.append(n & 0xff)
        n >>= 8
    if out[-1] & 0x80:
        out.append(0)
    return push(bytes(out))


def p2wpkh_script(pubkey):
    return b"\x00\x14" + hash160(pubkey)


def p2wsh_script(witness_script):
    return b"\x00\x20" + sha256(witness_script)


def p2pkh_script(pubkey):
    return bytes([OP_DUP, OP_HASH160, 20]) + hash160(pubkey) + bytes([OP_EQUALVERIFY, OP_CHECKSIG])


def p2sh_script(redeem):
    return bytes([OP_HASH160, 20]) + hash160(redeem) + bytes([OP_EQUAL])


BECH32_CHARSET = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"


def _bech32_polymod(values):
    gen = [0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3]
    chk = 1
    for v in values:
        b = chk >> 25
        chk = (chk & 0x1ffffff) << 5 ^ v
        for i in range(5):
            chk ^= gen[i] if ((b >> i) & 1) else 0
    return chk


def _convertbits(data, frombits, tobits, pad=True):
    acc = bits = 0
    ret = []
    maxv = (1 << tobits) - 1
    for v in data:
        acc = (acc << frombits) | v
        bits += frombits
        while bits >= tobits:
            bits -= tobits
            ret.append((acc >> bits) & maxv)
    if pad and bits:
        ret.append((acc << (tobits - bits)) & maxv)
    return ret


def segwit_address(hrp, version, program):
    """bech32 (v0) / bech32m (v1+) address of a witness program."""
    data = [version] + _convertbits(program, 8, 5)
    const = 1 if version == 0 else 0x2bc830a3
    hrp_exp = [ord(c) >> 5 for c in hrp] + [0] + [ord(c) & 31 for c in hrp]
    polymod = _bech32_polymod(hrp_exp + data + [0] * 6) ^ const
    checksum = [(polymod >> 5 * (5 - i)) & 31 for i in range(6)]
    return hrp + "1" + "".join(BECH32_CHARSET[d] for d in data + checksum)


B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def base58check(payload):
    data = payload + hash256(payload)[:4]
    n = int.from_bytes(data, "big")
    s = ""
    while n:
        n, r = divmod(n, 58)
        s = B58[r] + s
    return "1" * (len(data) - len(data.lstrip(b"\x00"))) + s


HRP = {"regtest": "hmrt", "test": "thm", "main": "hm", "bitcoin": "bc"}
WIF_PREFIX = {"regtest": 239, "test": 239, "main": 168, "bitcoin": 128}
P2PKH_PREFIX = {"regtest": 111, "test": 111, "main": 40, "bitcoin": 0}
P2SH_PREFIX = {"regtest": 196, "test": 196, "main": 63, "bitcoin": 5}


def script_to_address(spk, chain="regtest"):
    """Address of a standard scriptPubKey (P2WPKH/P2WSH/P2TR, P2PKH, P2SH)."""
    if len(spk) in (22, 34) and spk[0] == 0 and spk[1] == len(spk) - 2:
        return segwit_address(HRP[chain], 0, spk[2:])
    if len(spk) == 34 and spk[0] == 0x51 and spk[1] == 32:
        return segwit_address(HRP[chain], 1, spk[2:])
    if len(spk) == 25 and spk[:3] == bytes([OP_DUP, OP_HASH160, 20]):
        return base58check(bytes([P2PKH_PREFIX[chain]]) + spk[3:23])
    if len(spk) == 23 and spk[:2] == bytes([OP_HASH160, 20]):
        return base58check(bytes([P2SH_PREFIX[chain]]) + spk[2:22])
    raise ValueError("no address for script " + spk.hex())


# ---------------------------------------------------------------------------
# Keys: pure-Python secp256k1 (fallback signing; prefer the node's RPCs)
# ---------------------------------------------------------------------------

_P = 2**256 - 2**32 - 977
_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141
_G = (0x79BE667EF9DCBBAC55A06295CE870B07029BFCDB2DCE28D959F2815B16F81798,
      0x483ADA7726A3C4655DA4FBFC0E1108A8FD17B448A68554199C47D08FFB10D4B8)


def _ec_add(a, b):
    if a is None:
        return b
    if b is None:
        return a
    if a[0] == b[0] and (a[1] + b[1]) % _P == 0:
        return None
    if a == b:
        lam = 3 * a[0] * a[0] * pow(2 * a[1], -1, _P) % _P
    else:
        lam = (b[1] - a[1]) * pow(b[0] - a[0], -1, _P) % _P
    x = (lam * lam - a[0] - b[0]) % _P
    return (x, (lam * (a[0] - x) - a[1]) % _P)


def _ec_mul(k, pt=_G):
    r = None
    while k:
        if k & 1:
            r = _ec_add(r, pt)
        pt = _ec_add(pt, pt)
        k >>= 1
    return r


class Key:
    """A private key (compressed public key). Key.from_label("...") = SHA256(label)."""

    def __init__(self, secret):
        self.secret = secret if isinstance(secret, bytes) else bytes.fromhex(secret)
        self.d = int.from_bytes(self.secret, "big")
        assert 0 < self.d < _N
        pt = _ec_mul(self.d)
        self.pubkey = bytes([2 + (pt[1] & 1)]) + pt[0].to_bytes(32, "big")

    @classmethod
    def from_label(cls, label):
        return cls(sha256(label.encode()))

    def wif(self, chain="regtest"):
        return base58check(bytes([WIF_PREFIX[chain]]) + self.secret + b"\x01")

    def p2wpkh_script(self):
        return p2wpkh_script(self.pubkey)

    def p2wpkh_address(self, chain="regtest"):
        return script_to_address(self.p2wpkh_script(), chain)

    def p2pkh_address(self, chain="regtest"):
        return script_to_address(p2pkh_script(self.pubkey), chain)

    def sign_digest(self, digest):
        """Deterministic (RFC 6979) low-S ECDSA; returns DER bytes."""
        x = self.secret
        h = digest
        v, k = b"\x01" * 32, b"\x00" * 32
        k = hmac.new(k, v + b"\x00" + x + h, hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()
        k = hmac.new(k, v + b"\x01" + x + h, hashlib.sha256).digest()
        v = hmac.new(k, v, hashlib.sha256).digest()
        z = int.from_bytes(h, "big")
        while True:
            v = hmac.new(k, v, hashlib.sha256).digest()
            kk = int.from_bytes(v, "big")
            if 0 < kk < _N:
                r = _ec_mul(kk)[0] % _N
                s = pow(kk, -1, _N) * (z + r * self.d) % _N
                if r and s:
                    break
            k = hmac.new(k, v + b"\x00", hashlib.sha256).digest()
            v = hmac.new(k, v, hashlib.sha256).digest()
        if s > _N // 2:
            s = _N - s

        def der_int(i):
            b = i.to_bytes(33, "big").lstrip(b"\x00")
            if b[0] & 0x80:
                b = b"\x00" + b
            return b"\x02" + bytes([len(b)]) + b
        body = der_int(r) + der_int(s)
        return b"\x30" + bytes([len(body)]) + body


def segwit_v0_sighash(tx, index, script_code, amount, hashtype=1):
    """BIP 143 signature hash (SIGHASH_ALL only is enough for tests)."""
    assert hashtype == 1
    prevouts = b"".join(i.ser_prevout() for i in tx.vin)
    seqs = b"".join(struct.pack("<I", i.sequence) for i in tx.vin)
    outs = b"".join(struct.pack("<q", o.value) + ser_bytes(o.script_pubkey) for o in tx.vout)
    i = tx.vin[index]
    pre = (struct.pack("<i", tx.version) + hash256(prevouts) + hash256(seqs) + i.ser_prevout()
           + ser_bytes(script_code) + struct.pack("<q", amount) + struct.pack("<I", i.sequence)
           + hash256(outs) + struct.pack("<I", tx.locktime) + struct.pack("<I", hashtype))
    return hash256(pre)


def sign_p2wpkh_input(tx, index, key, amount):
    """Signs input `index` (spending key's P2WPKH output of `amount` base units) in place."""
    script_code = p2pkh_script(key.pubkey)
    sig = key.sign_digest(segwit_v0_sighash(tx, index, script_code, amount)) + b"\x01"
    tx.vin[index].script_sig = b""
    tx.vin[index].witness = [sig, key.pubkey]


# The regtest well-known keys (doc/chain-params.md "Keys: regtest").
GENESIS_KEY = Key("622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba")
ADDRESS_GENESIS = GENESIS_KEY.p2wpkh_address()
REGTEST_GENESIS_HASH = "07d465f1d98737ccdb7d712a208fd856f043c2e3a13463ccd67d6b40bc99eb3e"
REGTEST_GENESIS_TXID = "0fc7d726b7da8c5e1984c93a787749c9643f6235599857528214ce3f0e634a3d"

# Anyone-can-spend P2WSH(OP_TRUE): standard to spend, needs no signature.
OP_TRUE_SCRIPT = bytes([OP_TRUE])
OP_TRUE_SPK = p2wsh_script(OP_TRUE_SCRIPT)
ADDRESS_OP_TRUE = script_to_address(OP_TRUE_SPK)
# P2WSH(OP_FALSE-ish): an address nobody spends from, for burn outputs in tests
ADDRESS_UNSPENDABLE = script_to_address(p2wsh_script(bytes([OP_RETURN])))


# ---------------------------------------------------------------------------
# MiniWallet: coins on P2WSH(OP_TRUE), no signatures needed
# ---------------------------------------------------------------------------

Utxo = collections.namedtuple("Utxo", "txid vout value height coinbase")


class MiniWallet:
    """Tracks outputs paying P2WSH(OP_TRUE) and builds self-transfers.

    generate(n) mines n blocks paying the wallet; get_utxo() pops the largest
    mature one; create_self_transfer()/send_self_transfer() spend it to a new
    wallet output at a given fee rate (coins per kvB, as Core's RPCs use).
    """

    def __init__(self, node):
        self.node = node
        self.utxos = []
        self.address = ADDRESS_OP_TRUE
        self.spk = OP_TRUE_SPK

    def rescan_block(self, blockhash, height=None):
        b = Block.from_hex(self.node.getblock(blockhash, 0))
        if height is None:
            height = self.node.getblockheader(blockhash)["height"]
        for ti, tx in enumerate(b.txs):
            for n, o in enumerate(tx.vout):
                if o.script_pubkey == self.spk:
                    self.utxos.append(Utxo(tx.txid, n, o.value, height, ti == 0))

    def generate(self, n, node=None):
        node = node or self.node
        hashes = node.generatetoaddress(n, self.address)
        h0 = node.getblockcount() - len(hashes) + 1
        for i, bh in enumerate(hashes):
            self.rescan_block(bh, h0 + i)
        return hashes

    def mature(self, u, tip_height=None):
        if not u.coinbase:
            return True
        if tip_height is None:
            tip_height = self.node.getblockcount()
        return tip_height + 1 - u.height >= 100

    def get_utxo(self, txid=None, mature_only=True, remove=True):
        tip = self.node.getblockcount()
        cands = [u for u in self.utxos if (txid is None or u.txid == txid)
                 and (not mature_only or self.mature(u, tip))]
        if not cands:
            raise TestFailure("MiniWallet: no matching utxo")
        u = max(cands, key=lambda u: (u.value, -(u.height or 0))) if txid is None else cands[0]
        if remove:
            self.utxos.remove(u)
        return u

    def add_utxo(self, u):
        self.utxos.append(u)

    @staticmethod
    def spend_input(u, sequence=0xfffffffd):
        return TxIn(u.txid, u.vout, b"", sequence, [OP_TRUE_SCRIPT])

    def create_self_transfer_multi(self, utxos=None, num_outputs=1, fee_rate=Decimal("0.00003"), fee=None,
                                   sequence=0xfffffffd, locktime=0, version=2, output_spk=None,
                                   amount_per_output=None):
        """Spends utxos to num_outputs wallet outputs. Returns a dict with tx,
        hex, txid, wtxid, fee (base units), vsize, new_utxos."""
        utxos = utxos or [self.get_utxo()]
        spk = output_spk or self.spk
        tx = Tx(version, [self.spend_input(u, sequence) for u in utxos],
                [TxOut(0, spk) for _ in range(num_outputs)], locktime)
        total = sum(u.value for u in utxos)
        vsize = tx.vsize()
        if fee is None:
            fee = int(satoshi(fee_rate) * vsize // 1000)
            if satoshi(fee_rate) * vsize % 1000:
                fee += 1
        if amount_per_output is not None:
            for o in tx.vout:
                o.value = amount_per_output
            fee = total - amount_per_output * num_outputs
        else:
            each = (total - fee) // num_outputs
            for o in tx.vout:
                o.value = each
            tx.vout[0].value += (total - fee) - each * num_outputs
        new = [Utxo(tx.txid, i, o.value, None, False) for i, o in enumerate(tx.vout)] if spk == self.spk else []
        return {"tx": tx, "hex": tx.hex(), "txid": tx.txid, "wtxid": tx.wtxid, "fee": fee,
                "vsize": tx.vsize(), "new_utxos": new}

    def create_self_transfer(self, utxo=None, **kw):
        r = self.create_self_transfer_multi([utxo] if utxo else None, 1, **kw)
        r["new_utxo"] = r["new_utxos"][0] if r["new_utxos"] else None
        return r

    def send_self_transfer(self, node=None, **kw):
        node = node or self.node
        r = self.create_self_transfer(**kw)
        txid = node.sendrawtransaction(r["hex"])
        assert_equal(txid, r["txid"], "sendrawtransaction txid")
        if r["new_utxo"]:
            self.utxos.append(r["new_utxo"])
        return r

    def send_self_transfer_multi(self, node=None, **kw):
        node = node or self.node
        r = self.create_self_transfer_multi(**kw)
        node.sendrawtransaction(r["hex"])
        self.utxos.extend(r["new_utxos"])
        return r

    def send_to(self, script_pubkey, amount, node=None, fee=2000):
        """Pays amount (base units) to script_pubkey; change back to the wallet."""
        node = node or self.node
        u = self.get_utxo()
        tx = Tx(2, [self.spend_input(u)], [TxOut(amount, script_pubkey), TxOut(u.value - amount - fee, self.spk)])
        txid = node.sendrawtransaction(tx.hex())
        self.utxos.append(Utxo(txid, 1, u.value - amount - fee, None, False))
        return txid, 0


# ---------------------------------------------------------------------------
# RPC-based signing helpers (signrawtransactionwithkey)
# ---------------------------------------------------------------------------

def sign_with_rpc(node, tx_hex, keys, prevtxs=None):
    """signrawtransactionwithkey; raises unless complete. Returns the hex."""
    r = node.signrawtransactionwithkey(tx_hex, [k.wif() if isinstance(k, Key) else k for k in keys],
                                       prevtxs or [])
    if not r.get("complete"):
        raise TestFailure(f"signrawtransactionwithkey incomplete: {r.get('errors')}")
    return r["hex"]


# ---------------------------------------------------------------------------
# Test base class
# ---------------------------------------------------------------------------

class HashmintTestFramework:
    """Subclass, set num_nodes/extra_args in set_test_params(), write run_test().

    main() parses the command line (--nocleanup, --tmpdir, --builddir),
    creates a temp dir, starts the nodes (setup_nodes(), overridable), runs
    the test, and always stops the nodes. On failure it prints the traceback,
    the tail of each node's debug.log and stderr, keeps the temp dir and
    exits 1; on success it removes the temp dir and exits 0.
    """

    num_nodes = 1
    chain = "regtest"
    extra_args = None   # list of lists, one per node
    start_nodes_at_setup = True

    def set_test_params(self):
        pass

    def setup_nodes(self):
        if self.start_nodes_at_setup:
            for n in self.nodes:
                n.start()

    def run_test(self):
        raise NotImplementedError

    def add_node(self, extra_args=None, chain=None, **kw):
        n = TestNode(len(self.nodes), self.tmpdir, chain or self.chain, extra_args, **kw)
        self.nodes.append(n)
        return n

    def main(self):
        global BUILDDIR, HASHMINTD, HASHMINT_CLI
        ap = argparse.ArgumentParser(description=type(self).__doc__)
        ap.add_argument("--nocleanup", action="store_true", help="keep the temp dir")
        ap.add_argument("--tmpdir", help="use this directory (must not exist)")
        ap.add_argument("--builddir", help="build directory with hashmintd")
        self.options = ap.parse_args()
        if self.options.builddir:
            BUILDDIR = os.path.abspath(self.options.builddir)
            HASHMINTD = os.path.join(BUILDDIR, "hashmintd")
            HASHMINT_CLI = os.path.join(BUILDDIR, "hashmint-cli")
        name = os.path.basename(sys.argv[0]).replace(".py", "")
        if self.options.tmpdir:
            os.makedirs(self.options.tmpdir)
            self.tmpdir = self.options.tmpdir
        else:
            self.tmpdir = tempfile.mkdtemp(prefix=f"hm_{name}_")
        self.nodes = []
        ok = False
        t0 = time.time()
        try:
            if not os.access(HASHMINTD, os.X_OK):
                raise TestFailure(f"hashmintd not found at {HASHMINTD} (set HASHMINT_BUILDDIR)")
            log(f"{name}: tmpdir {self.tmpdir}, hashmintd {HASHMINTD}")
            self.set_test_params()
            for i in range(self.num_nodes):
                self.add_node(self.extra_args[i] if self.extra_args else None)
            self.setup_nodes()
            self.run_test()
            ok = True
        except Exception as e:  # noqa: BLE001 (report everything)
            log(f"{name}: FAILED: {e}")
            traceback.print_exc(file=sys.stdout)
        finally:
            for n in self.nodes:
                try:
                    if n.is_running():
                        n.stop()
                    else:
                        n._close_files()
                        n.check_sanitizers()
                except Exception as e:  # noqa: BLE001
                    log(f"node{n.index}: shutdown problem: {e}")
                    n.kill()
                    ok = False
            if not ok:
                for n in self.nodes:
                    print(f"---- node{n.index} debug.log (tail) {n.debug_log}", flush=True)
                    print(n.debug_log_tail(40), flush=True)
                    err = n.stderr_text() if os.path.exists(n.stderr_path) else ""
                    try:
                        with open(n.stderr_path, "rb") as f:
                            err = f.read().decode(errors="replace")
                    except OSError:
                        pass
                    if err.strip():
                        print(f"---- node{n.index} stderr (tail)", flush=True)
                        print(err[-3000:], flush=True)
        secs = time.time() - t0
        if ok:
            log(f"{name}: passed in {secs:.1f}s")
            if not self.options.nocleanup:
                shutil.rmtree(self.tmpdir, ignore_errors=True)
            sys.exit(0)
        log(f"{name}: failed after {secs:.1f}s; data kept in {self.tmpdir}")
        sys.exit(1)


# ---------------------------------------------------------------------------
# Pure-Python RIPEMD-160 (only if hashlib lacks it, e.g. OpenSSL 3 default provider)
# ---------------------------------------------------------------------------

def _ripemd160_py(msg):
    def rol(x, n):
        return ((x << n) | (x >> (32 - n))) & 0xffffffff

    def f(j, x, y, z):
        if j < 16:
            return x ^ y ^ z
        if j < 32:
            return (x & y) | (~x & z)
        if j < 48:
            return (x | ~y) ^ z
        if j < 64:
            return (x & z) | (y & ~z)
        return x ^ (y | ~z)
    KL = [0x00000000, 0x5A827999, 0x6ED9EBA1, 0x8F1BBCDC, 0xA953FD4E]
    KR = [0x50A28BE6, 0x5C4DD124, 0x6D703EF3, 0x7A6D76E9, 0x00000000]
    RL = [int(c, 16) for c in "0123456789abcdef74d1a6f3c0952eb83ae49f812706db5c19ba08c4d37fe56240597c2ae138b6fd"]
    RR = [int(c, 16) for c in "5e7092b4d6f81a3c6b370d5aef8c4912f5137e69b8c2a04d86413bf05c2d97aecfa4158762de039b"]
    SL = [int(c, 16) for c in "befc5879bdef6798768db97f7cf9b7dcbd67e9dfe8d65c75bcefef989e56865c9f5b68dc5cdeb856"]
    SR = [int(c, 16) for c in "899bdff5778beec69df7c89b77c76fdb97fb866ecd5edd75f58bee6e69c9c5f885c9c5e68d65fdbb"]
    h = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476, 0xC3D2E1F0]
    ml = len(msg) * 8
    msg = msg + b"\x80" + b"\x00" * ((55 - len(msg)) % 64) + struct.pack("<Q", ml)
    for off in range(0, len(msg), 64):
        X = struct.unpack("<16I", msg[off:off + 64])
        al, bl, cl, dl, el = h
        ar, br, cr, dr, er = h
        for j in range(80):
            t = (rol((al + f(j, bl, cl, dl) + X[RL[j]] + KL[j // 16]) & 0xffffffff, SL[j]) + el) & 0xffffffff
            al, el, dl, cl, bl = el, dl, rol(cl, 10), bl, t
            t = (rol((ar + f(79 - j, br, cr, dr) + X[RR[j]] + KR[j // 16]) & 0xffffffff, SR[j]) + er) & 0xffffffff
            ar, er, dr, cr, br = er, dr, rol(cr, 10), br, t
        t = (h[1] + cl + dr) & 0xffffffff
        h[1] = (h[2] + dl + er) & 0xffffffff
        h[2] = (h[3] + el + ar) & 0xffffffff
        h[3] = (h[4] + al + br) & 0xffffffff
        h[4] = (h[0] + bl + cr) & 0xffffffff
        h[0] = t
    return struct.pack("<5I", *h)
