#!/usr/bin/env python3
"""The JSON-RPC server, hashmint-cli and REST: Core's behaviour on good and bad input.

- malformed JSON -> -32700, non-object request -> -32600, unknown method
  -> -32601 (HTTP 404), wrong parameter types -> -3, bad values -> -8,
  too many parameters -> -1 with the help text;
- oversized body -> 413; no or wrong credentials -> 401 (wrong ones after
  a delay); GET on the RPC path -> 405;
- JSON-RPC 2.0 replies, notifications (204) and batches (mixed 1.0/2.0);
- named parameters; `help` documents every command;
- cookie recreated per start and removed at exit; -rpcuser/-rpcpassword; -rpcauth;
- hashmint-cli: results, -named, -stdin, -getinfo, errors and exit codes;
- REST (-rest): chaininfo, block (json/hex/bin, notxdetails), headers,
  blockhashbyheight, tx, mempool/info, and errors.
"""
import hashlib
import hmac
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_UNSPENDABLE, REGTEST_GENESIS_HASH, HashmintTestFramework, MiniWallet,  # noqa: E402
                       RPCClient, assert_equal, assert_greater_than, assert_greater_than_or_equal, assert_in,
                       assert_raises_rpc_error, assert_true, json_loads, log)

EXPECTED_METHODS = """getblockchaininfo getblockcount getbestblockhash getblockhash getblock getblockheader
getchaintips getdifficulty gettxout gettxoutsetinfo getmempoolinfo getrawmempool getmempoolentry
getmempoolancestors getmempooldescendants verifychain invalidateblock reconsiderblock preciousblock
getrawtransaction decoderawtransaction decodescript createrawtransaction signrawtransactionwithkey
sendrawtransaction testmempoolaccept generatetoaddress generatetodescriptor generateblock getblocktemplate
submitblock getmininginfo help stop uptime getrpcinfo logging validateaddress createmultisig verifymessage
signmessagewithprivkey getzmqnotifications""".split()


class RPCInterfaceTest(HashmintTestFramework):
    """rpc_interface_test"""

    def set_test_params(self):
        self.extra_args = [["-rest"]]

    def raw_json(self, body, **kw):
        status, headers, data = self.rpc.raw(body, **kw)
        return status, (json_loads(data.decode()) if data else None)

    def run_test(self):
        node = self.nodes[0]
        self.rpc = rpc = node.rpc
        w = MiniWallet(node)
        w.generate(101)

        self.test_http_errors(node, rpc)
        self.test_jsonrpc(node, rpc)
        self.test_help(node)
        self.test_cli(node)
        self.test_rest(node, w)
        self.test_auth_modes(node)

    # ------------------------------------------------------------------
    def test_http_errors(self, node, rpc):
        status, r = self.raw_json("{")
        assert_equal(r["error"]["code"], -32700, "malformed JSON")
        assert_equal(r["result"], None)
        assert_equal(status, 500, "HTTP status of a parse error")
        status, r = self.raw_json('{"method": "getblockcount", "params": [], "id": 1')
        assert_equal(r["error"]["code"], -32700, "truncated JSON")
        status, r = self.raw_json("42")
        assert_equal(r["error"]["code"], -32700, "a number is not a request (Core: top-level object parse error)")
        status, r = self.raw_json('{"params": [], "id": 1}')
        assert_equal(r["error"]["code"], -32600, "missing method")
        status, r = self.raw_json('{"method": 7, "params": [], "id": 1}')
        assert_equal(r["error"]["code"], -32600, "method must be a string")
        status, r = self.raw_json('{"method": "getblockcount", "params": 5, "id": 1}')
        assert_equal(r["error"]["code"], -32600, "params must be an array or object")
        status, r = self.raw_json('{"method": "nosuchmethod", "params": [], "id": 9}')
        assert_equal(status, 404, "unknown method HTTP status")
        assert_equal(r["error"]["code"], -32601)
        assert_equal(r["error"]["message"], "Method not found")
        assert_equal(r["id"], 9, "id echoed")
        assert_raises_rpc_error(-32601, "Method not found", rpc.call, "nosuchmethod")
        log("parse/request errors ok")

        # wrong types and values
        assert_raises_rpc_error(-3, None, rpc.getblockhash, "zero")
        assert_raises_rpc_error(-3, None, rpc.getblock, 5)
        assert_raises_rpc_error(-8, None, rpc.getblock, "xyz")
        assert_raises_rpc_error(-8, None, rpc.getblockhash, 1_000_000)   # "Block height out of range"
        assert_raises_rpc_error(-5, "Block not found", rpc.getblock, "11" * 32)
        e = assert_raises_rpc_error(-1, None, rpc.getblockcount, 1)   # too many args: help text
        assert_in("getblockcount", e.message)
        assert_raises_rpc_error(-22, None, rpc.decoderawtransaction, "nothex")
        log("type/value errors ok")

        # HTTP-level errors
        status, _, _ = rpc.raw(b"", method="GET")
        assert_equal(status, 405, "GET on the RPC endpoint")
        status, _, _ = rpc.raw('{"method":"getblockcount","params":[],"id":1}', auth=False)
        assert_equal(status, 401, "no credentials")
        t0 = time.time()
        status, _, _ = rpc.raw('{"method":"getblockcount","params":[],"id":1}',
                               auth=rpc.auth_header(rpc.user, "wrong" + rpc.password))
        elapsed = time.time() - t0
        assert_equal(status, 401, "wrong password")
        assert_greater_than_or_equal(elapsed, 0.2, "401 comes after a delay")
        t0 = time.time()
        status, _, _ = rpc.raw('{"method":"getblockcount","params":[],"id":1}',
                               auth=rpc.auth_header("someone", rpc.password))
        assert_equal(status, 401, "wrong user")
        assert_equal(node.getblockcount(), 101, "server still fine")
        assert_equal(self.oversized(node), 413, "oversized body")
        assert_equal(node.getblockcount(), 101, "server still fine after a 413")
        log("HTTP errors ok")

    def oversized(self, node):
        """POSTs a body larger than Core's 32 MiB limit; returns the HTTP status."""
        size = 33 * 1024 * 1024
        s = socket.create_connection(("127.0.0.1", node.rpc_port), timeout=60)
        try:
            s.sendall((f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {self.rpc.auth_header()}\r\n"
                       f"Content-Type: application/json\r\nContent-Length: {size}\r\n\r\n").encode())
            # libevent refuses a too-large Content-Length at once; a server that reads first gets the body
            s.settimeout(1.0)
            data = b""
            try:
                data = s.recv(4096)
            except socket.timeout:
                s.settimeout(60)
                chunk = b" " * (1024 * 1024)
                try:
                    for _ in range(size // len(chunk)):
                        s.sendall(chunk)
                except OSError:
                    pass  # the server answered and closed while we were still sending
                try:
                    while b"\r\n" not in data:
                        got = s.recv(4096)
                        if not got:
                            break
                        data += got
                except OSError:
                    pass
            return int(data.split(b" ")[1]) if data.startswith(b"HTTP/") else None
        finally:
            s.close()

    # ------------------------------------------------------------------
    def test_jsonrpc(self, node, rpc):
        # 2.0: result without "error"; errors with HTTP 200 and without "result"
        status, r = self.raw_json('{"jsonrpc": "2.0", "method": "getblockcount", "params": [], "id": "a"}')
        assert_equal(status, 200)
        assert_equal(r, {"jsonrpc": "2.0", "result": 101, "id": "a"}, "JSON-RPC 2.0 success reply")
        status, r = self.raw_json('{"jsonrpc": "2.0", "method": "nosuchmethod", "params": [], "id": 3}')
        assert_equal(status, 200, "2.0 errors are HTTP 200")
        assert_equal(r["error"]["code"], -32601)
        assert_true("result" not in r, "2.0 error reply has no result")
        status, r = self.raw_json('{"jsonrpc": "2.0", "method": "getblockhash", "params": ["x"], "id": 4}')
        assert_equal(status, 200, "2.0 errors are HTTP 200")
        assert_equal(r["error"]["code"], -3)
        # 1.0 reply carries both result and error
        status, r = self.raw_json('{"method": "getblockcount", "params": [], "id": 5}')
        assert_equal(status, 200)
        assert_equal(r["result"], 101)
        assert_equal(r["error"], None)
        assert_equal(r["id"], 5)
        # notification: 2.0 without id -> 204, no body
        status, _, data = rpc.raw('{"jsonrpc": "2.0", "method": "getblockcount", "params": []}')
        assert_equal(status, 204, "JSON-RPC 2.0 notification")
        assert_equal(data, b"")
        # batches: replies in order with their ids; errors per item; notifications omitted
        batch = [{"jsonrpc": "2.0", "method": "getblockcount", "params": [], "id": 1},
                 {"method": "getbestblockhash", "params": [], "id": 2},
                 {"jsonrpc": "2.0", "method": "nosuchmethod", "params": [], "id": 3},
                 {"jsonrpc": "2.0", "method": "getblockcount", "params": []},
                 {"jsonrpc": "2.0", "method": "getblockhash", "params": [0], "id": 4}]
        status, r = self.raw_json(json.dumps(batch))
        assert_equal(status, 200, "batch HTTP status")
        assert_equal([x.get("id") for x in r], [1, 2, 3, 4], "batch reply ids (notification omitted)")
        assert_equal(r[0]["result"], 101)
        assert_equal(r[1]["result"], node.getbestblockhash())
        assert_equal(r[2]["error"]["code"], -32601)
        assert_equal(r[3]["result"], REGTEST_GENESIS_HASH)
        status, r = self.raw_json("[1, {}]")
        assert_equal(status, 200)
        assert_equal([x["error"]["code"] for x in r], [-32600, -32600], "invalid batch items")
        # named parameters
        assert_equal(rpc.getblockhash(height=0), REGTEST_GENESIS_HASH)
        assert_equal(rpc.getblock(blockhash=REGTEST_GENESIS_HASH, verbosity=0), rpc.getblock(REGTEST_GENESIS_HASH, 0))
        assert_raises_rpc_error(-8, "Unknown named parameter", rpc.call, "getblockhash", height=0, bogus=1)
        assert_equal(rpc.uptime() >= 0, True)
        info = rpc.getrpcinfo()
        assert_true(isinstance(info.get("active_commands"), list), "getrpcinfo active_commands")
        log("JSON-RPC 1.0/2.0, batches, named params ok")

    # ------------------------------------------------------------------
    def test_help(self, node):
        text = node.help()
        names = [ln.split()[0] for ln in text.splitlines() if ln.strip() and not ln.startswith("==")]
        for m in EXPECTED_METHODS:
            assert_in(m, names, "help lists the method")
        for m in names:
            h = node.help(m)
            assert_true(h.startswith(m), f"help {m} starts with its name: {h[:60]!r}")
            assert_greater_than(len(h), len(m) + 10, f"help {m} has a description")
        assert_equal(node.help("nosuchmethod").strip(), "help: unknown command: nosuchmethod",
                     "help of an unknown command")
        log(f"help documents {len(names)} commands")

    # ------------------------------------------------------------------
    def test_cli(self, node):
        rc, out, err = node.cli("getblockcount")
        assert_equal((rc, out.strip()), (0, "101"), f"cli getblockcount (stderr {err!r})")
        rc, out, _ = node.cli("getblockhash", "0")
        assert_equal((rc, out.strip()), (0, REGTEST_GENESIS_HASH))
        rc, out, _ = node.cli("-named", "getblockhash", "height=0")
        assert_equal((rc, out.strip()), (0, REGTEST_GENESIS_HASH), "cli -named")
        rc, out, _ = node.cli("-stdin", "getblockhash", stdin="0\n")
        assert_equal((rc, out.strip()), (0, REGTEST_GENESIS_HASH), "cli -stdin")
        rc, out, _ = node.cli("getblock", REGTEST_GENESIS_HASH)
        assert_equal(rc, 0)
        assert_equal(json.loads(out)["hash"], REGTEST_GENESIS_HASH, "cli prints JSON results")
        rc, out, err = node.cli("nosuchmethod")
        assert_equal(rc, 32601 % 256, "cli exit code on an RPC error is abs(code) (truncated by the OS)")
        assert_in("error code: -32601", err)
        assert_in("Method not found", err)
        rc, out, err = node.cli("getblockhash", "99999")
        assert_equal(rc, 8, "cli exit code of -8")
        assert_in("error code: -8", err)
        rc, out, err = node.cli("-getinfo")
        assert_equal(rc, 0, f"cli -getinfo: {err}")
        assert_in("101", out)
        rc, out, err = node.cli("-rpcpassword=wrong", "-rpcuser=nobody", "getblockcount")
        assert_equal(rc, 1, "cli with wrong credentials")
        assert_in("Incorrect rpcuser or rpcpassword", err)
        rc, out, err = node.cli("-rpcport=1", "getblockcount")
        assert_equal(rc, 1, "cli with nothing listening")
        assert_in("Could not connect to the server", err)
        rc, out, err = node.cli("-rpccookiefile=" + node.cookie_path, "getblockcount", use_datadir=False)
        assert_equal((rc, out.strip()), (0, "101"), f"cli -rpccookiefile: {err}")
        log("hashmint-cli ok")

    # ------------------------------------------------------------------
    def rest(self, node, path):
        status, headers, data = node.rpc.raw(b"", path=path, method="GET", auth=False)
        return status, data

    def test_rest(self, node, w):
        st, data = self.rest(node, "/rest/chaininfo.json")
        assert_equal(st, 200, "REST chaininfo")
        ci = json_loads(data.decode())
        assert_equal(ci["blocks"], 101)
        assert_equal(ci["bestblockhash"], node.getbestblockhash())
        tip = node.getbestblockhash()
        st, data = self.rest(node, f"/rest/block/{tip}.hex")
        assert_equal((st, data.decode().strip()), (200, node.getblock(tip, 0)), "REST block .hex")
        st, data = self.rest(node, f"/rest/block/{tip}.bin")
        assert_equal((st, data.hex()), (200, node.getblock(tip, 0)), "REST block .bin")
        st, data = self.rest(node, f"/rest/block/{tip}.json")
        assert_equal(st, 200)
        bj = json_loads(data.decode())
        assert_equal(bj["hash"], tip)
        assert_true(isinstance(bj["tx"][0], dict), "REST block .json has tx details")
        st, data = self.rest(node, f"/rest/block/notxdetails/{tip}.json")
        assert_equal(st, 200)
        assert_equal(json_loads(data.decode())["tx"], node.getblock(tip)["tx"], "notxdetails lists txids")
        st, data = self.rest(node, f"/rest/headers/{tip}.hex?count=1")
        if st != 200:
            st, data = self.rest(node, f"/rest/headers/1/{tip}.hex")
        assert_equal((st, data.decode().strip()), (200, node.getblockheader(tip, False)), "REST headers")
        st, data = self.rest(node, "/rest/blockhashbyheight/0.json")
        assert_equal(st, 200)
        assert_equal(json_loads(data.decode())["blockhash"], REGTEST_GENESIS_HASH, "REST blockhashbyheight")
        st, data = self.rest(node, "/rest/blockhashbyheight/1.hex")
        assert_equal((st, data.decode().strip()), (200, node.getblockhash(1)))
        t = w.send_self_transfer(fee=2000)
        st, data = self.rest(node, f"/rest/tx/{t['txid']}.hex")
        assert_equal((st, data.decode().strip()), (200, t["hex"]), "REST tx of a mempool transaction")
        st, data = self.rest(node, "/rest/mempool/info.json")
        assert_equal(st, 200)
        assert_equal(json_loads(data.decode())["size"], 1, "REST mempool info")
        # errors
        st, _ = self.rest(node, "/rest/block/1234.hex")
        assert_equal(st, 400, "REST invalid hash")
        st, _ = self.rest(node, f"/rest/block/{'11' * 32}.hex")
        assert_equal(st, 404, "REST unknown block")
        st, _ = self.rest(node, f"/rest/block/{tip}.xml")
        assert_equal(st, 404, "REST unknown format")
        st, _ = self.rest(node, "/rest/blockhashbyheight/99999.json")
        assert_equal(st, 404, "REST height out of range")
        node.generatetoaddress(1, ADDRESS_UNSPENDABLE)
        log("REST ok")

    # ------------------------------------------------------------------
    def test_auth_modes(self, node):
        # the cookie is removed at exit and recreated (different) at the next start
        old = open(node.cookie_path).read()
        node.stop()
        assert_true(not os.path.exists(node.cookie_path), ".cookie removed at shutdown")
        node.start()
        assert_true(open(node.cookie_path).read() != old, "new cookie per start")
        node.stop()
        # -rpcuser/-rpcpassword
        node.rpc_user, node.rpc_password = "alice", "s3cret"
        node.start()
        assert_equal(node.getblockcount(), 102, "user/password login")
        bad = RPCClient("127.0.0.1", node.rpc_port, "alice", "nope")
        status, _, _ = bad.raw('{"method":"getblockcount","params":[],"id":1}')
        assert_equal(status, 401)
        rc, out, err = node.cli("-rpcuser=alice", "-rpcpassword=s3cret", "getblockcount")
        assert_equal((rc, out.strip()), (0, "102"), f"cli with user/password: {err}")
        node.stop()
        node.rpc_user = node.rpc_password = None
        # -rpcauth=user:salt$HMAC-SHA256(salt, password) (Core's share/rpcauth); the cookie still works
        salt, pw = "5fd6c2e2a4b1f0c3d2e1f0a9b8c7d6e5", "p4ss word"
        digest = hmac.new(salt.encode(), pw.encode(), hashlib.sha256).hexdigest()
        node.start([f"-rpcauth=bob:{salt}${digest}"])
        assert_equal(node.getblockcount(), 102, "cookie login next to -rpcauth")
        good = RPCClient("127.0.0.1", node.rpc_port, "bob", pw)
        assert_equal(good.getblockcount(), 102, "-rpcauth login")
        status, _, _ = RPCClient("127.0.0.1", node.rpc_port, "bob", pw + "x").raw(
            '{"method":"getblockcount","params":[],"id":1}')
        assert_equal(status, 401, "-rpcauth with a wrong password")
        node.stop()
        log("auth modes ok")


if __name__ == "__main__":
    RPCInterfaceTest().main()
