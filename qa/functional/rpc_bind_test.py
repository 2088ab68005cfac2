#!/usr/bin/env python3
"""-rpcbind and -rpcallowip (RELIABILITY.md section 5, case 33), as Core's rpc_bind.py.

- default: the RPC port listens on 127.0.0.1 and ::1 only; a connection to
  a non-loopback address of this host is refused;
- -rpcbind without -rpcallowip: ignored with Core's warning, loopback only;
  -rpcallowip without -rpcbind: Core's warning, loopback only;
- -rpcbind=0.0.0.0 with an -rpcallowip that does not cover the client:
  403 before authentication; loopback is always allowed;
- -rpcbind=<address> -rpcallowip=<address>/32: served there (401 without,
  200 with credentials), not on 127.0.0.1;
- -rpcbind=[::1]: IPv6 loopback only;
- an address that cannot be bound is a warning ("Binding RPC on address ...
  failed.") if another one works, and stops the node if none does; an
  invalid -rpcallowip stops it.

Listening addresses are read from /proc/net/tcp{,6}. The cases that need a
non-loopback address of this host are skipped (with a log line) when it has
none.
"""
import fcntl
import os
import socket
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, JSONRPCException, RPCClient, assert_equal, assert_in,  # noqa: E402
                       assert_true, log, wait_until)

UNASSIGNED = "198.51.100.1"  # TEST-NET-2: on no interface here


def local_ipv4_addresses():
    """The IPv4 addresses of this host's non-loopback interfaces."""
    out = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for _, name in socket.if_nameindex():
            try:
                r = fcntl.ioctl(s.fileno(), 0x8915, struct.pack("256s", name.encode()[:15]))  # SIOCGIFADDR
            except OSError:
                continue
            addr = socket.inet_ntoa(r[20:24])
            if not addr.startswith("127."):
                out.append(addr)
    return out


def listening(port):
    """The local addresses with a TCP socket listening on port (from /proc/net)."""
    found = set()
    for path, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            with open(path) as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, state = fields[1], fields[3]
            host, p = local.split(":")
            if state != "0A" or int(p, 16) != port:
                continue
            raw = bytes.fromhex(host)
            if v6:
                raw = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                found.add(socket.inet_ntop(socket.AF_INET6, raw))
            else:
                found.add(socket.inet_ntop(socket.AF_INET, raw[::-1]))
    return found


class RPCBindTest(HashmintTestFramework):
    """rpc_bind_test"""

    num_nodes = 0

    def run_test(self):
        lan = local_ipv4_addresses()
        self.lan = lan[0] if lan else None
        if not self.lan:
            log("this host has no non-loopback IPv4 address: the cases that need one are skipped")
        else:
            log(f"non-loopback address: {self.lan}")
        self.node = self.add_node()
        self.test_default()
        self.test_half_configured()
        self.test_allowip_refuses()
        self.test_bind_lan()
        self.test_ipv6_loopback()
        self.test_bind_failures()

    def start(self, args, wait=True):
        node = self.node
        node.extra_args = args
        node.start(wait=wait)
        return node

    def assert_loopback_only(self, node):
        """127.0.0.1, and ::1 where this host has IPv6, and nothing else."""
        assert_equal(listening(node.rpc_port), {"127.0.0.1"} | listening_ipv6_possible())

    def refused(self, host, port):
        try:
            socket.create_connection((host, port), timeout=10).close()
        except ConnectionRefusedError:
            return True
        return False

    def test_default(self):
        log("default: loopback only")
        node = self.start([])
        self.assert_loopback_only(node)
        if self.lan:
            assert_true(self.refused(self.lan, node.rpc_port), f"{self.lan}:{node.rpc_port} refused")
        node.stop()

    def test_half_configured(self):
        log("-rpcbind alone and -rpcallowip alone: Core's warnings, loopback only")
        node = self.start(["-rpcbind=0.0.0.0"])
        self.assert_loopback_only(node)
        assert_in("WARNING: option -rpcbind was ignored because -rpcallowip was not specified, refusing to allow "
                  "everyone to connect", node.debug_log_text())
        if self.lan:
            assert_true(self.refused(self.lan, node.rpc_port), "not on the LAN address")
        node.stop()
        node = self.start(["-rpcallowip=198.51.100.0/24"])
        self.assert_loopback_only(node)
        assert_in("WARNING: option -rpcallowip was specified without -rpcbind; this doesn't usually make sense",
                  node.debug_log_text())
        node.stop()

    def test_allowip_refuses(self):
        log("-rpcbind=0.0.0.0 with an -rpcallowip not covering the client: 403 before auth")
        node = self.start(["-rpcbind=0.0.0.0", "-rpcallowip=198.51.100.0/24"])
        assert_equal(listening(node.rpc_port), {"0.0.0.0"})
        assert_equal(node.getblockcount(), 0, "loopback is always allowed")
        if self.lan:
            rpc = RPCClient(self.lan, node.rpc_port, node.rpc.user, node.rpc.password)
            for auth in (True, False, "Basic d3Jvbmc6d3Jvbmc="):
                status, _, body = rpc.raw('{"method":"getblockcount","id":1}', auth=auth)
                assert_equal(status, 403, f"from {self.lan} (auth {auth!r})")
                assert_equal(body, b"")
            assert_equal(node.debug_log_text().count("incorrect password attempt"), 0,
                         "refused before the credentials are looked at")
        node.stop()

    def test_bind_lan(self):
        if not self.lan:
            log("-rpcbind=<LAN address>: skipped (no such address)")
            return
        log(f"-rpcbind={self.lan} -rpcallowip={self.lan}/32: served there, not on loopback")
        node = self.start([f"-rpcbind={self.lan}", f"-rpcallowip={self.lan}/32"], wait=False)
        wait_until(lambda: os.path.exists(node.cookie_path), timeout=60, what="cookie")
        with open(node.cookie_path) as f:
            user, pw = f.read().strip().split(":", 1)
        rpc = RPCClient(self.lan, node.rpc_port, user, pw)

        def answers():
            try:
                return rpc.getblockcount() == 0
            except (JSONRPCException, OSError):
                return False
        wait_until(answers, timeout=60, what=f"RPC on {self.lan}")
        assert_equal(listening(node.rpc_port), {self.lan})
        assert_equal(rpc.raw('{"method":"getblockcount","id":1}', auth=False)[0], 401)
        assert_true(self.refused("127.0.0.1", node.rpc_port), "127.0.0.1 not bound")
        node.rpc = rpc
        node.stop()

    def test_ipv6_loopback(self):
        if not socket.has_ipv6 or "::1" not in listening_ipv6_possible():
            log("-rpcbind=[::1]: skipped (no IPv6 loopback)")
            return
        log("-rpcbind=[::1] -rpcallowip=::1: IPv6 loopback only")
        node = self.start(["-rpcbind=[::1]", "-rpcallowip=::1"], wait=False)
        wait_until(lambda: os.path.exists(node.cookie_path), timeout=60, what="cookie")
        with open(node.cookie_path) as f:
            user, pw = f.read().strip().split(":", 1)
        rpc = RPCClient("::1", node.rpc_port, user, pw)

        def answers():
            try:
                return rpc.getblockcount() == 0
            except (JSONRPCException, OSError):
                return False
        wait_until(answers, timeout=60, what="RPC on ::1")
        assert_equal(listening(node.rpc_port), {"::1"})
        assert_true(self.refused("127.0.0.1", node.rpc_port), "127.0.0.1 not bound")
        node.rpc = rpc
        node.stop()

    def test_bind_failures(self):
        log("an unbindable -rpcbind: a warning next to a working one, fatal alone; a bad -rpcallowip is fatal")
        node = self.start(["-rpcbind=127.0.0.1", f"-rpcbind={UNASSIGNED}", "-rpcallowip=127.0.0.1"])
        assert_equal(listening(node.rpc_port), {"127.0.0.1"})
        assert_in(f"Binding RPC on address {UNASSIGNED} port {node.rpc_port} failed.", node.debug_log_text())
        node.stop()
        node.extra_args = [f"-rpcbind={UNASSIGNED}", "-rpcallowip=127.0.0.1"]
        node.assert_start_raises_init_error(expected_msg="Unable to bind any endpoint for RPC server")
        node.extra_args = ["-rpcallowip=garbage"]
        node.assert_start_raises_init_error(expected_msg="Invalid -rpcallowip subnet specification: garbage")


def listening_ipv6_possible():
    """{"::1"} if a socket can be bound to ::1 here, else an empty set."""
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return {"::1"}
    except OSError:
        return set()


if __name__ == "__main__":
    RPCBindTest().main()
