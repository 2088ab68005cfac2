#!/usr/bin/env python3
"""RPC parameter conversion: integers are checked, never truncated; strings
with an embedded NUL byte never act as their prefix.

Integers (Core's UniValue::getInt<T>: the number's text must be an integer
that fits T, else RPC_MISC_ERROR -1 "JSON integer out of range"):
- createrawtransaction: vout 4294967296 / 2^31 / 1.5 / 5.0 / -2^31-1 -> -1
  (vout 4294967296 used to become 0, 1.5 used to become 1); -1 -> -8
  "vout cannot be negative"; sequence and locktime out of range -> -8,
  fractional -> -1;
- signrawtransactionwithkey: a prevtxs vout 4294967296 / 1.5 -> -1 (it used
  to describe output 0); -1 -> -22;
- every other integer parameter: getblockhash, getblock and getrawtransaction
  verbosity (4294967297 used to read as 1), gettxout n (4294967296 used to
  read as 0), verifychain, generatetoaddress, createmultisig (4294967298 used
  to read as 2), getnodeaddresses, disconnectnode, setban, stop's wait;
  integers beyond int64 are refused by the JSON parser (-32700).

Embedded NUL (the JSON escape \\u0000):
- a method name -> -32601 Method not found ("stop\\u0000x" used to stop the
  node); a jsonrpc version "2.0\\u0000x" -> -32600;
- addresses -> the method's invalid-address answer (generatetoaddress -5,
  validateaddress isvalid false, verifymessage -5, generateblock -5);
  private keys -> -5 "Invalid private key"; hashes and hex -> -8 with Core's
  ParseHashV/ParseHexV wording; raw transactions -> -22;
- any other string parameter -> -8 "Invalid parameter, <name> contains a
  NUL byte"; help, logging categories and getblocktemplate's mode refuse it;
- a message to sign keeps its NUL (signed and verified with its length).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (ADDRESS_UNSPENDABLE, HashmintTestFramework, Key, MiniWallet, assert_equal,  # noqa: E402
                       assert_in, assert_raises_rpc_error, assert_true, json_loads, log)

TXID = "aa" * 32
RANGE = "JSON integer out of range"
INT32_MAX = 2**31 - 1
INT64_MAX = 2**63 - 1


class RPCParamsTest(HashmintTestFramework):
    """rpc_params_test"""

    def run_test(self):
        node = self.nodes[0]
        self.rpc = node.rpc
        self.wallet = MiniWallet(node)
        self.wallet.generate(2)
        self.test_createrawtransaction(node)
        self.test_signrawtransactionwithkey(node)
        self.test_other_integers(node)
        self.test_nul_method(node)
        self.test_nul_params(node)

    # ---- integers --------------------------------------------------------------

    def test_createrawtransaction(self, node):
        log("createrawtransaction: vout, sequence and locktime are range-checked, never truncated")
        ok = node.decoderawtransaction(node.createrawtransaction([{"txid": TXID, "vout": INT32_MAX}], {}))
        assert_equal(ok["vin"][0]["vout"], INT32_MAX)
        for vout in (4294967296, 2**31, 4294967295, 1.5, 5.0, 1e3, -2**31 - 1, INT64_MAX):
            assert_raises_rpc_error(-1, RANGE, node.createrawtransaction, [{"txid": TXID, "vout": vout}], {})
        assert_raises_rpc_error(-8, "Invalid parameter, vout cannot be negative",
                                node.createrawtransaction, [{"txid": TXID, "vout": -1}], {})
        assert_raises_rpc_error(-8, "Invalid parameter, missing vout key",
                                node.createrawtransaction, [{"txid": TXID, "vout": "1"}], {})
        for seq in (4294967296, -1, INT64_MAX):
            assert_raises_rpc_error(-8, "Invalid parameter, sequence number is out of range",
                                    node.createrawtransaction, [{"txid": TXID, "vout": 0, "sequence": seq}], {})
        assert_raises_rpc_error(-1, RANGE, node.createrawtransaction, [{"txid": TXID, "vout": 0, "sequence": 1.5}], {})
        seq_ok = node.decoderawtransaction(
            node.createrawtransaction([{"txid": TXID, "vout": 0, "sequence": 4294967295}], {}, 0, False))
        assert_equal(seq_ok["vin"][0]["sequence"], 4294967295)
        for lt in (4294967296, -1):
            assert_raises_rpc_error(-8, "Invalid parameter, locktime out of range",
                                    node.createrawtransaction, [], {}, lt)
        assert_raises_rpc_error(-1, RANGE, node.createrawtransaction, [], {}, 1.5)
        assert_equal(node.decoderawtransaction(node.createrawtransaction([], {}, 4294967295))["locktime"], 4294967295)

    def test_signrawtransactionwithkey(self, node):
        log("signrawtransactionwithkey: prevtxs vout is range-checked")
        raw = node.createrawtransaction([{"txid": TXID, "vout": 0}], {ADDRESS_UNSPENDABLE: 1})
        key = Key.from_label("rpc_params")
        spk = key.p2wpkh_script().hex()
        for vout in (4294967296, 1.5, 2**31):
            assert_raises_rpc_error(-1, RANGE, node.signrawtransactionwithkey, raw, [key.wif()],
                                    [{"txid": TXID, "vout": vout, "scriptPubKey": spk, "amount": 2}])
        assert_raises_rpc_error(-22, "vout cannot be negative", node.signrawtransactionwithkey, raw, [key.wif()],
                                [{"txid": TXID, "vout": -1, "scriptPubKey": spk, "amount": 2}])
        # the right vout signs
        r = node.signrawtransactionwithkey(raw, [key.wif()], [{"txid": TXID, "vout": 0, "scriptPubKey": spk,
                                                              "amount": 2}])
        assert_true(r["complete"], f"signed: {r}")

    def test_other_integers(self, node):
        log("every other integer parameter goes through the same checked conversion")
        h1 = node.getblockhash(1)
        cb = node.getblock(h1)["tx"][0]
        cases = [
            ("getblockhash", [4294967296]), ("getblockhash", [1.5]), ("getblockhash", [1.0]),
            ("getblock", [h1, 4294967297]), ("getblock", [h1, 1.5]),
            ("getrawtransaction", [cb, 4294967297, h1]),
            ("gettxout", [cb, 4294967296]), ("gettxout", [cb, 0.5]),
            ("verifychain", [4294967299, 1]), ("verifychain", [3, 4294967297]),
            ("generatetoaddress", [4294967297, ADDRESS_UNSPENDABLE]), ("generatetoaddress", [1.0, ADDRESS_UNSPENDABLE]),
            ("generatetoaddress", [1, ADDRESS_UNSPENDABLE, -1]),
            ("createmultisig", [4294967298, [Key.from_label(x).pubkey.hex() for x in "ab"]]),
            ("getnodeaddresses", [4294967296]),
            ("disconnectnode", ["", 1.5]),
            ("setban", ["10.0.0.1", "add", 1.5]),
            ("stop", [1.5]), ("stop", [4294967296]),
        ]
        for method, params in cases:
            assert_raises_rpc_error(-1, RANGE, node.call, method, *params)
        assert_equal(node.getblockcount(), 2, "no block mined by the refused generatetoaddress calls")
        assert_equal(node.getblockhash(1), h1)
        assert_equal(node.gettxout(cb, 0)["value"] > 0, True)
        # a ban until the end of int64 time: saturates, no overflow
        node.setban("10.0.0.2", "add", INT64_MAX)
        assert_in("10.0.0.2/32", [b["address"] for b in node.listbanned()])
        node.setban("10.0.0.2", "remove")
        # beyond int64: the JSON parser refuses the request
        status, _, data = self.rpc.raw('{"method":"getblockhash","params":[18446744073709551616],"id":1}')
        assert_equal(json_loads(data.decode())["error"]["code"], -32700)
        assert_true(node.uptime() >= 0, "still running")

    # ---- embedded NUL --------------------------------------------------------------

    def call_raw(self, obj):
        status, _, data = self.rpc.raw(json.dumps(obj))
        return status, json_loads(data.decode())

    def test_nul_method(self, node):
        log("a method name with an embedded NUL is not its prefix")
        for name in ("stop\u0000x", "stop\u0000", "getblockcount\u0000stop"):
            status, reply = self.call_raw({"method": name, "params": [], "id": 1})
            assert_equal(status, 404, f"HTTP status for {name!r}")
            assert_equal(reply["error"]["code"], -32601)
            assert_equal(reply["error"]["message"], "Method not found")
        status, reply = self.call_raw({"jsonrpc": "2.0", "method": "stop\u0000x", "params": [], "id": 1})
        assert_equal((status, reply["error"]["code"]), (200, -32601))
        status, reply = self.call_raw([{"method": "stop\u0000x", "id": 1}, {"method": "getblockcount", "id": 2}])
        assert_equal(reply[0]["error"]["code"], -32601)
        assert_equal(reply[1]["result"], node.getblockcount())
        status, reply = self.call_raw({"jsonrpc": "2.0\u0000x", "method": "uptime", "id": 1})
        assert_equal((status, reply["error"]["code"]), (400, -32600))
        assert_equal(reply["error"]["message"], "JSON-RPC version not supported")
        assert_true(node.uptime() >= 0, "the node still runs")
        assert_true(node.is_running(), "not stopped")

    def test_nul_params(self, node):
        log("string parameters with an embedded NUL get the method's error")
        addr = ADDRESS_UNSPENDABLE
        h1 = node.getblockhash(1)
        raw = node.createrawtransaction([{"txid": TXID, "vout": 0}], {addr: 1})
        key = Key.from_label("rpc_params")
        # addresses: the invalid-address answer of each method
        assert_raises_rpc_error(-5, "Error: Invalid address", node.generatetoaddress, 1, addr + "\u0000x")
        assert_raises_rpc_error(-5, "Error: Invalid address or descriptor", node.generateblock, addr + "\u0000", [])
        v = node.validateaddress(addr + "\u0000")
        assert_equal(v["isvalid"], False)
        assert_in("position", v["error"])
        assert_equal(node.validateaddress(addr)["isvalid"], True)
        assert_raises_rpc_error(-5, "Invalid address", node.verifymessage, addr + "\u0000", "AA==", "m")
        assert_equal(node.getblockcount(), 2, "nothing mined to a prefix address")
        # keys, hashes, hex, raw transactions
        assert_raises_rpc_error(-5, "Invalid private key", node.signmessagewithprivkey, key.wif() + "\u0000", "m")
        assert_raises_rpc_error(-5, "Invalid private key", node.signrawtransactionwithkey, raw,
                                [key.wif() + "\u0000x"])
        assert_raises_rpc_error(-8, "Invalid parameter, blockhash contains a NUL byte", node.getblock,
                                h1[:63] + "\u0000")
        assert_raises_rpc_error(-8, "txid must be hexadecimal string (not '" + TXID[:63] + "\\0')",
                                node.createrawtransaction, [{"txid": TXID[:63] + "\u0000", "vout": 0}], {})
        assert_raises_rpc_error(-8, "Data must be hexadecimal string (not '00\\0ff')",
                                node.createrawtransaction, [], {"data": "00\u0000ff"})
        assert_raises_rpc_error(-8, "Invalid parameter, hexstring contains a NUL byte", node.decoderawtransaction,
                                raw + "\u000000")
        assert_raises_rpc_error(-8, "Invalid parameter, hexstring contains a NUL byte", node.sendrawtransaction,
                                raw + "\u0000")
        assert_raises_rpc_error(-22, "TX decode failed", node.testmempoolaccept, [raw + "\u0000"])
        assert_raises_rpc_error(-8, "Invalid parameter, hexdata contains a NUL byte", node.submitblock, "00\u0000")
        assert_raises_rpc_error(-5, "must be a hex string", node.createmultisig, 1,
                                [Key.from_label("a").pubkey.hex() + "\u0000"])
        # names
        assert_raises_rpc_error(-8, "Invalid parameter, sighashtype contains a NUL byte",
                                node.signrawtransactionwithkey, raw, [key.wif()], [], "ALL\u0000x")
        assert_raises_rpc_error(-8, "Invalid parameter, hash_type contains a NUL byte", node.gettxoutsetinfo,
                                "none\u0000")
        assert_raises_rpc_error(-8, "Invalid parameter, node contains a NUL byte", node.addnode,
                                "127.0.0.1:1\u0000", "onetry")
        assert_raises_rpc_error(-8, "Invalid parameter, command contains a NUL byte", node.addnode,
                                "127.0.0.1:1", "onetry\u0000")
        assert_raises_rpc_error(-8, "Invalid parameter, subnet contains a NUL byte", node.setban,
                                "10.0.0.3\u0000", "add")
        assert_raises_rpc_error(-8, "Invalid parameter, network contains a NUL byte", node.getnodeaddresses,
                                1, "ipv4\u0000")
        assert_raises_rpc_error(-8, "unknown logging category net\\0x", node.logging, ["net\u0000x"])
        assert_in("help: unknown command: stop\\0x", node.help("stop\u0000x"))
        assert_raises_rpc_error(-8, "Invalid mode", node.getblocktemplate, {"mode": "proposal\u0000",
                                                                           "rules": ["segwit"]})
        assert_raises_rpc_error(-8, "Invalid parameter, address_type contains a NUL byte", node.createmultisig, 1,
                                [Key.from_label("a").pubkey.hex()], "legacy\u0000")
        # a message keeps its NUL: signed and verified over all its bytes
        k = Key.from_label("msg")
        sig = node.signmessagewithprivkey(k.wif(), "a\u0000b")
        assert_true(sig != node.signmessagewithprivkey(k.wif(), "a"), "the bytes after the NUL are signed")
        assert_equal(node.verifymessage(k.p2pkh_address(), sig, "a\u0000b"), True)
        assert_equal(node.verifymessage(k.p2pkh_address(), sig, "a"), False)
        assert_true(node.is_running(), "still running")


if __name__ == "__main__":
    RPCParamsTest().main()
