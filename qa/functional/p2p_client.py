#!/usr/bin/env python3
"""A minimal P2P peer for hashmint functional tests (standard library only).

It speaks Bitcoin's v1 transport with hashmint's magic bytes:

    magic (4) | command (12, NUL padded) | payload length (4, LE) | checksum (4) | payload

where checksum is the first four bytes of SHA256(SHA256(payload)).

Use:

    conn = P2PConnection.connect_to(node)      # a TestNode from framework.py, or (host, port)
    conn.handshake()                           # version/verack (+ wtxidrelay, sendaddrv2)
    conn.send_message("getheaders", msg_getheaders([tip_hash]))
    cmd, payload = conn.wait_for_message("headers", timeout=10)
    headers = parse_headers(payload)
    conn.send_raw(b"...")                      # malformed bytes
    assert conn.wait_for_disconnect(timeout=10)

The receive loop answers `ping` with `pong` by default and records every
message in `conn.messages` (a list of (command, payload)) and the counters
`conn.counts[command]`. Builders are named msg_<command>() and return the
payload bytes; parsers are named parse_<command>(payload).
"""
import hashlib
import os
import random
import select
import socket
import struct
import time

# Chain magic bytes (consensus/params.c) and default P2P ports.
MAGIC = {
    "main": bytes.fromhex("e8f3e1e3"),
    "test": bytes.fromhex("0b11091c"),
    "regtest": bytes.fromhex("fab5bfda"),
    "bitcoin": bytes.fromhex("f9beb4d9"),
}

PROTOCOL_VERSION = 70016
HEADER_SIZE = 24
MAX_PROTOCOL_MESSAGE_LENGTH = 4 * 1000 * 1000

NODE_NETWORK = 1
NODE_WITNESS = 1 << 3
NODE_NETWORK_LIMITED = 1 << 10

# inv types
MSG_TX = 1
MSG_BLOCK = 2
MSG_FILTERED_BLOCK = 3
MSG_CMPCT_BLOCK = 4
MSG_WTX = 5
MSG_WITNESS_FLAG = 1 << 30
MSG_WITNESS_TX = MSG_TX | MSG_WITNESS_FLAG
MSG_WITNESS_BLOCK = MSG_BLOCK | MSG_WITNESS_FLAG

# BIP 155 network ids
NET_IPV4, NET_IPV6, NET_TORV3, NET_I2P, NET_CJDNS = 1, 2, 4, 5, 6

TIMEOUT_FACTOR = float(os.environ.get("HASHMINT_TIMEOUT_FACTOR", "1"))


# ---------------------------------------------------------------------------
# Serialisation primitives
# ---------------------------------------------------------------------------

def sha256d(b):
    return hashlib.sha256(hashlib.sha256(b).digest()).digest()


def checksum(payload):
    return sha256d(payload)[:4]


def ser_compact(n):
    if n < 253:
        return bytes([n])
    if n <= 0xffff:
        return b"\xfd" + struct.pack("<H", n)
    if n <= 0xffffffff:
        return b"\xfe" + struct.pack("<I", n)
    return b"\xff" + struct.pack("<Q", n)


def ser_string(b):
    if isinstance(b, str):
        b = b.encode()
    return ser_compact(len(b)) + b


def hash_to_wire(h):
    """Display hex (big-endian) or 32 raw wire bytes -> 32 wire bytes."""
    if isinstance(h, (bytes, bytearray)):
        assert len(h) == 32
        return bytes(h)
    return bytes.fromhex(h)[::-1]


def hash_to_hex(b):
    return bytes(b)[::-1].hex()


class ByteReader:
    """Bounds-checked reader; raises ValueError on truncation."""

    def __init__(self, data):
        self.b, self.i = bytes(data), 0

    def read(self, n):
        if n < 0 or self.i + n > len(self.b):
            raise ValueError("truncated payload")
        r = self.b[self.i:self.i + n]
        self.i += n
        return r

    def unpack(self, fmt):
        return struct.unpack(fmt, self.read(struct.calcsize(fmt)))

    def u8(self):
        return self.read(1)[0]

    def u16be(self):
        return self.unpack(">H")[0]

    def u32(self):
        return self.unpack("<I")[0]

    def i32(self):
        return self.unpack("<i")[0]

    def u64(self):
        return self.unpack("<Q")[0]

    def i64(self):
        return self.unpack("<q")[0]

    def compact(self):
        c = self.u8()
        if c < 253:
            return c
        return self.unpack({253: "<H", 254: "<I", 255: "<Q"}[c])[0]

    def var_bytes(self):
        return self.read(self.compact())

    def remaining(self):
        return len(self.b) - self.i

    def done(self):
        return self.i == len(self.b)


# ---------------------------------------------------------------------------
# Framing
# ---------------------------------------------------------------------------

def frame(command, payload, magic=MAGIC["regtest"], length=None, cksum=None):
    """One v1 message. `length` and `cksum` override the true values (malformed tests)."""
    cmd = command.encode() if isinstance(command, str) else command
    if len(cmd) > 12:
        raise ValueError("command longer than 12 bytes")
    return (magic + cmd + b"\x00" * (12 - len(cmd))
            + struct.pack("<I", len(payload) if length is None else length)
            + (checksum(payload) if cksum is None else cksum) + payload)


def parse_frame_header(h):
    """24 header bytes -> (magic, command str, length, checksum)."""
    magic, cmd, length, ck = h[:4], h[4:16], struct.unpack("<I", h[16:20])[0], h[20:24]
    return magic, cmd.rstrip(b"\x00").decode(errors="replace"), length, ck


# ---------------------------------------------------------------------------
# Addresses (version, addr, addrv2)
# ---------------------------------------------------------------------------

def ipv4_mapped(ip):
    """Dotted IPv4 -> 16-byte IPv4-mapped IPv6."""
    return b"\x00" * 10 + b"\xff\xff" + socket.inet_aton(ip)


def ser_netaddr_version(services, ip="127.0.0.1", port=0):
    """The address form inside `version` (no time)."""
    return struct.pack("<Q", services) + ipv4_mapped(ip) + struct.pack(">H", port)


def ser_addr_entry(t, services, ip, port):
    """One `addr` entry: time (u32), services (u64), ip (16), port (BE)."""
    return struct.pack("<IQ", t, services) + ipv4_mapped(ip) + struct.pack(">H", port)


def ser_addrv2_entry(t, services, ip, port):
    """One BIP 155 `addrv2` entry for an IPv4 address."""
    return (struct.pack("<I", t) + ser_compact(services) + bytes([NET_IPV4]) + ser_compact(4)
            + socket.inet_aton(ip) + struct.pack(">H", port))


# ---------------------------------------------------------------------------
# Message builders: each returns the payload bytes
# ---------------------------------------------------------------------------

def msg_version(version=PROTOCOL_VERSION, services=NODE_NETWORK | NODE_WITNESS, timestamp=None,
                recv_services=0, recv_ip="127.0.0.1", recv_port=0, nonce=None,
                user_agent="/hashmint-qa:0.1/", start_height=0, relay=True):
    """A `version` payload. timestamp may be any int64 (INT64_MIN/MAX tests)."""
    if timestamp is None:
        timestamp = int(time.time())
    if nonce is None:
        nonce = random.getrandbits(64)
    return (struct.pack("<iQq", version, services, timestamp)
            + ser_netaddr_version(recv_services, recv_ip, recv_port)
            + ser_netaddr_version(services, "0.0.0.0", 0)
            + struct.pack("<Q", nonce) + ser_string(user_agent)
            + struct.pack("<i", start_height) + (b"\x01" if relay else b"\x00"))


def msg_empty():
    """verack, sendheaders, wtxidrelay, sendaddrv2, getaddr, mempool."""
    return b""


def msg_ping(nonce):
    return struct.pack("<Q", nonce)


msg_pong = msg_ping


def msg_feefilter(feerate):
    """feerate in base units per 1000 vbytes."""
    return struct.pack("<q", feerate)


def msg_sendcmpct(announce=False, version=2):
    return (b"\x01" if announce else b"\x00") + struct.pack("<Q", version)


def msg_getheaders(locator, stop=None, version=PROTOCOL_VERSION):
    """locator: list of hashes (display hex or wire bytes), newest first."""
    return (struct.pack("<I", version) + ser_compact(len(locator))
            + b"".join(hash_to_wire(h) for h in locator) + (hash_to_wire(stop) if stop else b"\x00" * 32))


msg_getblocks = msg_getheaders


def msg_headers(headers, count=None):
    """headers: list of 80-byte headers; each gets a zero tx count. count overrides the claimed number."""
    n = len(headers) if count is None else count
    return ser_compact(n) + b"".join(bytes(h) + b"\x00" for h in headers)


def msg_inv(items, count=None):
    """items: list of (type, hash). Also getdata and notfound."""
    n = len(items) if count is None else count
    return ser_compact(n) + b"".join(struct.pack("<I", t) + hash_to_wire(h) for t, h in items)


msg_getdata = msg_inv
msg_notfound = msg_inv


def msg_block(block):
    """block: framework.Block (serialised with witnesses) or raw bytes."""
    return block if isinstance(block, (bytes, bytearray)) else block.serialize()


def msg_tx(tx):
    return tx if isinstance(tx, (bytes, bytearray)) else tx.serialize()


def msg_addr(entries, count=None):
    """entries: list of (time, services, ip, port)."""
    n = len(entries) if count is None else count
    return ser_compact(n) + b"".join(ser_addr_entry(*e) for e in entries)


def msg_addrv2(entries, count=None):
    n = len(entries) if count is None else count
    return ser_compact(n) + b"".join(ser_addrv2_entry(*e) for e in entries)


# ---------------------------------------------------------------------------
# Parsers
# ---------------------------------------------------------------------------

def parse_version(payload):
    r = ByteReader(payload)
    v = {"version": r.i32(), "services": r.u64(), "timestamp": r.i64()}
    v["addr_recv"] = (r.u64(), r.read(16), r.u16be())
    v["addr_from"] = (r.u64(), r.read(16), r.u16be())
    v["nonce"] = r.u64()
    v["user_agent"] = r.var_bytes().decode(errors="replace")
    v["start_height"] = r.i32()
    v["relay"] = bool(r.u8()) if r.remaining() else True
    return v


def parse_ping(payload):
    return struct.unpack("<Q", payload[:8])[0]


parse_pong = parse_ping


def parse_feefilter(payload):
    return struct.unpack("<q", payload[:8])[0]


def parse_headers(payload):
    """headers payload -> list of 80-byte headers (checks each tx count is 0)."""
    r = ByteReader(payload)
    out = []
    for _ in range(r.compact()):
        h = r.read(80)
        if r.compact() != 0:
            raise ValueError("headers entry with a non-zero tx count")
        out.append(h)
    if not r.done():
        raise ValueError("trailing bytes in headers")
    return out


def parse_inv(payload):
    """inv/getdata/notfound payload -> list of (type, display-hex hash)."""
    r = ByteReader(payload)
    return [(r.u32(), hash_to_hex(r.read(32))) for _ in range(r.compact())]


def parse_getheaders(payload):
    """-> (version, [locator display hex], stop display hex)."""
    r = ByteReader(payload)
    version = r.u32()
    loc = [hash_to_hex(r.read(32)) for _ in range(r.compact())]
    return version, loc, hash_to_hex(r.read(32))


def parse_addr(payload):
    r = ByteReader(payload)
    out = []
    for _ in range(r.compact()):
        t, services = r.u32(), r.u64()
        ip, port = r.read(16), r.u16be()
        out.append((t, services, ip, port))
    return out


def parse_addrv2(payload):
    r = ByteReader(payload)
    out = []
    for _ in range(r.compact()):
        t, services, net = r.u32(), r.compact(), r.u8()
        addr = r.var_bytes()
        out.append((t, services, net, addr, r.u16be()))
    return out


def parse_block(payload):
    """block payload -> framework.Block (imported lazily: framework.py is optional here)."""
    from framework import Block
    return Block.from_hex(bytes(payload).hex())


def parse_tx(payload):
    """tx payload -> framework.Tx."""
    from framework import Tx
    return Tx.from_hex(bytes(payload).hex())


def header_hash(h):
    """Display hex hash of an 80-byte header."""
    return hash_to_hex(sha256d(h[:80]))


def header_fields(h):
    """80-byte header -> dict(version, prev, merkle, time, bits, nonce, hash)."""
    version, = struct.unpack("<i", h[:4])
    t, bits, nonce = struct.unpack("<III", h[68:80])
    return {"version": version, "prev": hash_to_hex(h[4:36]), "merkle": hash_to_hex(h[36:68]),
            "time": t, "bits": bits, "nonce": nonce, "hash": header_hash(h)}


# ---------------------------------------------------------------------------
# Header chains (proof of work ground in Python; instant at regtest bits)
# ---------------------------------------------------------------------------

REGTEST_BITS = 0x207fffff


def bits_to_target(bits):
    exp, mant = bits >> 24, bits & 0x7fffff
    return mant << (8 * (exp - 3)) if exp >= 3 else mant >> (8 * (3 - exp))


def make_header(prev, merkle=b"\x00" * 32, ntime=None, bits=REGTEST_BITS, version=0x20000000, solve=True,
                nonce=0):
    """An 80-byte header on prev (display hex or wire bytes), solved unless solve=False."""
    if ntime is None:
        ntime = int(time.time())
    pre = struct.pack("<i", version) + hash_to_wire(prev) + hash_to_wire(merkle)
    target = bits_to_target(bits)
    while True:
        h = pre + struct.pack("<III", ntime, bits, nonce)
        if not solve or int.from_bytes(sha256d(h), "little") <= target:
            return h
        nonce += 1


def make_header_chain(prev, count, start_time, bits=REGTEST_BITS, salt=0):
    """count solved headers building on prev, one second apart. salt varies the
    merkle root so that two chains from the same parent differ."""
    out = []
    merkle = sha256d(struct.pack("<Q", salt) + os.urandom(8))
    for i in range(count):
        h = make_header(prev, merkle, start_time + i, bits)
        out.append(h)
        prev = sha256d(h)
    return out


# ---------------------------------------------------------------------------
# The connection
# ---------------------------------------------------------------------------

class Disconnected(Exception):
    pass


class P2PConnection:
    """One TCP connection to a node speaking v1 P2P."""

    def __init__(self, host, port, magic=MAGIC["regtest"], timeout=10, auto_pong=True):
        self.host, self.port = host, port
        self.magic = magic
        self.auto_pong = auto_pong
        self.sock = socket.create_connection((host, port), timeout=timeout * TIMEOUT_FACTOR)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buf = bytearray()
        self.closed = False
        self.messages = []           # every (command, payload) received, in order
        self.counts = {}
        self.peer_version = None     # parsed version of the node
        self.bytes_sent = 0
        self.bytes_received = 0

    @classmethod
    def connect_to(cls, node, magic=MAGIC["regtest"], timeout=10, listen_timeout=30, **kw):
        """Connects to a TestNode's P2P port (or (host, port)), retrying for up to
        listen_timeout seconds (times HASHMINT_TIMEOUT_FACTOR) while the node
        starts listening."""
        host, port = node if isinstance(node, tuple) else ("127.0.0.1", node.p2p_port)
        deadline = time.time() + listen_timeout * TIMEOUT_FACTOR
        while True:
            try:
                return cls(host, port, magic, timeout, **kw)
            except OSError as e:
                if time.time() > deadline:
                    raise ConnectionError(f"cannot connect to {host}:{port}: {e}")
            time.sleep(0.05)  # poll interval of the wait for the listening socket

    # -- sending --
    def send_raw(self, data):
        """Sends raw bytes. Raises Disconnected if the node has closed the connection."""
        try:
            self.sock.sendall(data)
            self.bytes_sent += len(data)
        except (BrokenPipeError, ConnectionResetError, ConnectionAbortedError, OSError) as e:
            self.closed = True
            raise Disconnected(str(e))

    def send_message(self, command, payload=b"", magic=None, length=None, cksum=None):
        self.send_raw(frame(command, payload, magic or self.magic, length, cksum))

    # -- receiving --
    def _fill(self, deadline):
        """Reads available bytes into the buffer until deadline. Returns False on timeout."""
        if self.closed:
            raise Disconnected("connection closed")
        remaining = deadline - time.time()
        if remaining <= 0:
            return False
        r, _, _ = select.select([self.sock], [], [], remaining)
        if not r:
            return False
        try:
            data = self.sock.recv(1 << 20)
        except (ConnectionResetError, ConnectionAbortedError, OSError) as e:
            self.closed = True
            raise Disconnected(str(e))
        if not data:
            self.closed = True
            raise Disconnected("EOF")
        self.bytes_received += len(data)
        self.buf += data
        return True

    def _pop_message(self):
        """One complete message from the buffer, or None."""
        if len(self.buf) < HEADER_SIZE:
            return None
        magic, cmd, length, ck = parse_frame_header(bytes(self.buf[:HEADER_SIZE]))
        if magic != self.magic:
            raise ValueError(f"node sent wrong magic {magic.hex()}")
        if length > 32 * 1000 * 1000:
            raise ValueError(f"node sent a {length}-byte message")
        if len(self.buf) < HEADER_SIZE + length:
            return None
        payload = bytes(self.buf[HEADER_SIZE:HEADER_SIZE + length])
        del self.buf[:HEADER_SIZE + length]
        if checksum(payload) != ck:
            raise ValueError(f"node sent a bad checksum on {cmd}")
        return cmd, payload

    def recv_message(self, timeout=10):
        """Next message (command, payload) or None after timeout seconds.
        Answers pings when auto_pong. Raises Disconnected on EOF."""
        deadline = time.time() + timeout * TIMEOUT_FACTOR
        while True:
            m = self._pop_message()
            if m is not None:
                cmd, payload = m
                self.messages.append(m)
                self.counts[cmd] = self.counts.get(cmd, 0) + 1
                if cmd == "ping" and self.auto_pong and len(payload) >= 8:
                    self.send_message("pong", payload[:8])
                return m
            if not self._fill(deadline):
                return None

    def wait_for_message(self, command, timeout=10, predicate=None):
        """Receives until a `command` message (matching predicate(payload) if given);
        returns (command, payload). Raises TimeoutError or Disconnected."""
        deadline = time.time() + timeout * TIMEOUT_FACTOR
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no {command} message within {timeout * TIMEOUT_FACTOR:.0f}s")
            m = self.recv_message(left / TIMEOUT_FACTOR)
            if m and m[0] == command and (predicate is None or predicate(m[1])):
                return m

    def drain(self, quiet=0.5, limit=30):
        """Receives until nothing arrives for `quiet` seconds (at most `limit` s)
        or the node disconnects (then self.closed is set). Returns the list."""
        out = []
        end = time.time() + limit
        try:
            while time.time() < end:
                m = self.recv_message(quiet)
                if m is None:
                    break
                out.append(m)
        except Disconnected:
            pass
        return out

    def wait_for_disconnect(self, timeout=10):
        """True once the node has closed the connection within timeout seconds
        (messages received meanwhile are recorded); False if still open."""
        deadline = time.time() + timeout * TIMEOUT_FACTOR
        try:
            while time.time() < deadline:
                self.recv_message((deadline - time.time()) / TIMEOUT_FACTOR)
        except Disconnected:
            return True
        except ValueError:
            # garbage from the node: treat as a broken connection
            self.close()
            return True
        return False

    def is_connected(self, probe_timeout=10):
        """Sends a ping and waits for its pong: True if the connection is alive."""
        nonce = random.getrandbits(64)
        try:
            self.send_message("ping", msg_ping(nonce))
            self.wait_for_message("pong", probe_timeout, lambda p: parse_pong(p) == nonce)
            return True
        except (Disconnected, TimeoutError):
            return False

    def sync_with_ping(self, timeout=30):
        """Ping and wait for the pong: every earlier message has been processed by the node."""
        nonce = random.getrandbits(64)
        self.send_message("ping", msg_ping(nonce))
        self.wait_for_message("pong", timeout, lambda p: parse_pong(p) == nonce)

    def received(self, command):
        return [p for c, p in self.messages if c == command]

    # -- handshake --
    def handshake(self, timeout=10, version_payload=None, wtxidrelay=True, sendaddrv2=True,
                  sendheaders=False, wait_verack=True, **version_kw):
        """Sends version (+ wtxidrelay/sendaddrv2, which must precede verack) and
        verack; waits for the node's version and verack. Returns the node's version dict."""
        self.send_message("version", version_payload or msg_version(**version_kw))
        if wtxidrelay:
            self.send_message("wtxidrelay")
        if sendaddrv2:
            self.send_message("sendaddrv2")
        _, payload = self.wait_for_message("version", timeout)
        self.peer_version = parse_version(payload)
        self.send_message("verack")
        if wait_verack:
            self.wait_for_message("verack", timeout)
        if sendheaders:
            self.send_message("sendheaders")
        return self.peer_version

    def close(self):
        if not self.closed:
            self.closed = True
            try:
                self.sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def _selftest():
    """Round trips of the builders and parsers (no node needed)."""
    p = msg_version(timestamp=-2**63, nonce=7, start_height=5)
    v = parse_version(p)
    assert v["timestamp"] == -2**63 and v["nonce"] == 7 and v["start_height"] == 5
    h = make_header("00" * 32, ntime=1700000000)
    assert len(h) == 80 and int.from_bytes(sha256d(h), "little") <= bits_to_target(REGTEST_BITS)
    assert parse_headers(msg_headers([h, h])) == [h, h]
    inv = [(MSG_BLOCK, "11" * 32), (MSG_WTX, "22" * 32)]
    assert parse_inv(msg_inv(inv)) == inv
    f = frame("ping", msg_ping(1))
    assert parse_frame_header(f[:24])[1:3] == ("ping", 8)
    assert len(parse_addr(msg_addr([(1, 1, "1.2.3.4", 8333)] * 3))) == 3
    assert parse_addrv2(msg_addrv2([(1, 1, "1.2.3.4", 8333)]))[0][3] == bytes([1, 2, 3, 4])
    ver, loc, stop = parse_getheaders(msg_getheaders(["aa" * 32]))
    assert loc == ["aa" * 32] and stop == "00" * 32
    print("p2p_client self-test passed")


if __name__ == "__main__":
    _selftest()
