#!/usr/bin/env python3
"""The native miner and the mining RPCs around it.

- start-up errors: -gen without -miningaddress, a bad address, kernel or
  thread count; setgenerate without an address;
- setgenerate mines regtest blocks paying -miningaddress (BIP 320 versions)
  and stops: after `setgenerate false` returns no block follows; getmininginfo
  shows the hash rate in total and per thread;
- two mining nodes connected: each one's blocks reach the other (the common
  chain pays both addresses); a miner leaves a stale job when a peer's block
  arrives and works on the new tip (job height = tip + 1) within milliseconds;
- -vaultaddress/-vaultshare apply to the native miner's coinbases;
- getblocktemplate long polling (BIP 22) returns on a new block and on a
  mempool change, while other RPCs keep answering; Core's peer and initial
  block download checks on the test chain;
- submitheader, getnetworkhashps, prioritisetransaction and
  getprioritisedtransactions.

-minerextrabits (regtest only) makes the miner need more zero bits than the
regtest target, so a block takes a measurable number of hashes. Every wait
is on a condition (wait_until), never a fixed sleep.
"""
import os
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (OP_TRUE_SPK, HashmintTestFramework, JSONRPCException, Key, MiniWallet, RPCClient,  # noqa: E402
                       assert_equal, assert_greater_than, assert_in, assert_raises_rpc_error, assert_true,
                       block_from_template, log, wait_until)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402

KERNELS = ("portable", "avx2", "avx512", "shani")
ROLL_MASK = 0x1fffe000


def coinbase_payee(node, blockhash):
    cb = node.getblock(blockhash, 2)["tx"][0]
    return cb["vout"][0]["scriptPubKey"].get("address")


def miner_info(node):
    return node.getmininginfo()["miner"]


def knows(node, blockhash):
    try:
        node.getblockheader(blockhash)
        return True
    except JSONRPCException:
        return False


def converge(a, b, addr):
    """After both stopped mining: once each node knows the other's tip, a
    block on a's tip (if they differ) breaks any tie between equal-work
    branches; then both must reach the same tip."""
    wait_until(lambda: knows(a, b.getbestblockhash()) and knows(b, a.getbestblockhash()), timeout=120,
               what="tips exchanged")
    if a.getbestblockhash() != b.getbestblockhash():
        a.generatetoaddress(1, addr)
    wait_until(lambda: a.getbestblockhash() == b.getbestblockhash(), timeout=120, what="common tip")
    return a.getbestblockhash()


class LongPoll(threading.Thread):
    """Runs one getblocktemplate call on its own RPC connection."""

    def __init__(self, node, request):
        super().__init__(daemon=True)
        self.rpc = RPCClient("127.0.0.1", node.rpc_port, node.rpc.user, node.rpc.password, timeout=300)
        self.request = request
        self.result = None
        self.error = None

    def run(self):
        try:
            self.result = self.rpc.getblocktemplate(self.request)
        except Exception as e:  # noqa: BLE001 (reported by the test)
            self.error = e


class MinerNativeTest(HashmintTestFramework):
    """miner_native_test"""

    def set_test_params(self):
        self.num_nodes = 0

    def run_test(self):
        self.addr_a = Key.from_label("native miner a").p2wpkh_address()
        self.addr_b = Key.from_label("native miner b").p2wpkh_address()
        self.start_errors()
        n0 = self.add_node([f"-miningaddress={self.addr_a}", "-minerextrabits=18"] + p2p_listen_args())
        n0.start()
        self.setgenerate_mines_and_stops(n0)
        n1 = self.two_miners(n0)
        self.stale_jobs(n0, n1)
        self.vault_share()
        self.longpoll(n0, n1)
        self.other_rpcs(n0)
        self.test_chain_checks()

    def start_errors(self):
        n = self.add_node()
        n.assert_start_raises_init_error(["-gen"], "-gen needs -miningaddress")
        n.assert_start_raises_init_error(["-miningaddress=nonsense"], "Invalid address for -miningaddress")
        n.assert_start_raises_init_error(["-minerkernel=sse9"], "Invalid value for -minerkernel")
        n.assert_start_raises_init_error(["-genproclimit=-2"], "Invalid value for -genproclimit")
        n.assert_start_raises_init_error(["-minerextrabits=65"], "Invalid value for -minerextrabits")
        n.start()
        assert_equal(n.getgenerate(), False)
        assert_raises_rpc_error(-1, "No mining address", n.setgenerate, True, 1)
        info = n.getmininginfo()
        assert_equal(info["generate"], False)
        assert_equal(info["hashespersec"], 0)
        assert_equal(info["miner"]["threads"], [])
        assert_in(info["miner"]["kernel"], KERNELS)
        for k in KERNELS:
            if k == info["miner"]["kernel"] or k == "portable":
                n.stop()
                n.start([f"-minerkernel={k}"])
                assert_equal(miner_info(n)["kernel"], k)
        n.stop()
        log("start-up and argument errors")

    def setgenerate_mines_and_stops(self, n0):
        assert_equal(n0.getgenerate(), False)
        n0.setgenerate(True, 1)
        assert_equal(n0.getgenerate(), True)
        wait_until(lambda: n0.getblockcount() >= 5, timeout=120, what="5 blocks mined")
        wait_until(lambda: n0.getmininginfo()["hashespersec"] > 0, timeout=30, what="hash rate sampled")
        info = n0.getmininginfo()
        assert_equal(info["generate"], True)
        assert_equal(info["genproclimit"], 1)
        assert_equal(len(info["miner"]["threads"]), 1)
        assert_greater_than(info["miner"]["threads"][0]["hashes"], 0)
        assert_greater_than(info["miner"]["blocksfound"], 0)
        n0.setgenerate(False)
        h = n0.getblockcount()
        assert_equal(n0.getgenerate(), False)
        info = n0.getmininginfo()
        assert_equal(info["hashespersec"], 0)
        assert_equal(info["miner"]["threads"], [])
        # The threads were joined when setgenerate returned: nothing follows.
        assert_equal(n0.getblockcount(), h)
        assert_equal(info["blocks"], h)
        for height in range(1, h + 1):
            bh = n0.getblockhash(height)
            assert_equal(coinbase_payee(n0, bh), self.addr_a)
            v = n0.getblockheader(bh)["version"]
            assert_equal(v & ~ROLL_MASK, 0x20000000, "only the BIP 320 bits vary")
            # -minerextrabits=18: the hash has the regtest target's zero bit and 18 more.
            assert_true(int(bh, 16) < 1 << (256 - 19), f"block {bh} meets the miner's target")
        # Bad thread counts; 0 means off.
        assert_raises_rpc_error(-8, "Invalid genproclimit", n0.setgenerate, True, 1000)
        assert_raises_rpc_error(-8, "Invalid genproclimit", n0.setgenerate, True, -2)
        n0.setgenerate(True, 0)
        assert_equal(n0.getgenerate(), False)
        log(f"setgenerate mined {h} blocks and stopped")

    def two_miners(self, n0):
        n1 = self.add_node(connect_args(n0) + [f"-miningaddress={self.addr_b}", "-gen", "-genproclimit=1",
                                               "-minerextrabits=20"])
        n1.start()
        wait_until(lambda: n0.getconnectioncount() == 1 and n1.getconnectioncount() == 1, timeout=30,
                   what="connection")
        assert_equal(n1.getgenerate(), True, "-gen mines from start-up")
        start = n0.getblockcount()
        # node1 alone: its blocks reach node0.
        wait_until(lambda: coinbase_payee(n0, n0.getbestblockhash()) == self.addr_b, timeout=240,
                   what="node1's block is node0's tip")
        # Both mining: each one's blocks reach the other, which builds on them.
        found0, found1 = miner_info(n0)["blocksfound"], miner_info(n1)["blocksfound"]
        n0.setgenerate(True, 1)
        wait_until(lambda: miner_info(n0)["blocksfound"] >= found0 + 3 and miner_info(n1)["blocksfound"] >= found1 + 1,
                   timeout=240, what="both nodes found blocks")
        n0.setgenerate(False)
        n1.setgenerate(False)
        tip = converge(n0, n1, self.addr_a)
        top = n0.getblockheader(tip)["height"]
        payees = {coinbase_payee(n0, n0.getblockhash(h)) for h in range(start + 1, top + 1)}
        assert_in(self.addr_a, payees)
        assert_in(self.addr_b, payees, "node1's blocks are in the common chain")
        log(f"two miners, common chain to height {top} pays both")
        return n1

    def stale_jobs(self, n0, n1):
        n1.setgenerate(True, 1)
        wait_until(lambda: (lambda i: i["miner"]["jobheight"] == i["blocks"] + 1)(n1.getmininginfo()), timeout=60,
                   what="node1 has a job")
        first = miner_info(n1)["staleabandoned"]
        for _ in range(3):
            [bh] = n0.generatetoaddress(1, self.addr_a)
            height = n0.getblockheader(bh)["height"]
            wait_until(lambda: n1.getblockcount() >= height, timeout=60, what="node0's block at node1")
            # The job follows the tip: never a job below it.
            wait_until(lambda: (lambda i: i["miner"]["jobheight"] == i["blocks"] + 1 and i["blocks"] >= height)(
                n1.getmininginfo()), timeout=60, what="node1 mines on the new tip")
        # A thread that had not yet picked up the job when a block came has
        # nothing to abandon, so count over the three blocks, not each.
        m = miner_info(n1)
        assert_greater_than(m["staleabandoned"], first)
        assert_true(0 <= m["lastabandonms"] < 1000, f"stale job left within milliseconds: {m['lastabandonms']}")
        log(f"stale jobs left in {miner_info(n1)['lastabandonms']:.2f} ms")
        n1.setgenerate(False)
        converge(n0, n1, self.addr_a)

    def vault_share(self):
        owner = Key.from_label("native miner vault").p2wpkh_address()
        n = self.add_node([f"-miningaddress={self.addr_a}", f"-vaultaddress={owner}", "-vaultshare=30",
                           "-minerextrabits=8"])
        n.start()
        n.setgenerate(True, 1)
        wait_until(lambda: n.getblockcount() >= 2, timeout=120, what="vault blocks")
        n.setgenerate(False)
        cb = n.getblock(n.getblockhash(1), 2)["tx"][0]
        outs = [o for o in cb["vout"] if o["scriptPubKey"]["type"] != "nulldata"]
        assert_equal(len(outs), 2, "payout and vault")
        assert_equal(outs[0]["scriptPubKey"]["address"], self.addr_a)
        assert_equal(outs[1]["token"]["kind"], "vault")
        assert_equal(outs[1]["scriptPubKey"]["address"], owner)
        n.stop()
        log("-vaultaddress/-vaultshare in the native miner's coinbase")

    def longpoll(self, n0, n1):
        req = {"rules": ["segwit"]}
        w = MiniWallet(n0)
        w.generate(101)
        wait_for_tip([n0, n1])
        t = n0.getblocktemplate(req)
        lp = LongPoll(n0, dict(req, longpollid=t["longpollid"]))
        lp.start()
        # The waiting call holds one RPC worker, not the server: others answer.
        assert_equal(n0.getbestblockhash(), t["previousblockhash"])
        assert_true(lp.is_alive(), "the long poll waits for a change")
        [new] = n0.generatetoaddress(1, self.addr_a)
        lp.join(120)
        assert_true(not lp.is_alive() and lp.error is None, f"long poll returned: {lp.error}")
        assert_equal(lp.result["previousblockhash"], new)
        assert_equal(lp.result["height"], t["height"] + 1)
        # A longpollid for an old tip returns at once.
        r = n0.getblocktemplate(dict(req, longpollid=t["longpollid"]))
        assert_equal(r["previousblockhash"], new)
        assert_raises_rpc_error(-8, "Invalid longpollid", n0.getblocktemplate, dict(req, longpollid="xyz"))
        assert_raises_rpc_error(-8, "Invalid longpollid", n0.getblocktemplate, dict(req, longpollid=t["longpollid"][:64]))
        # A mempool change: returns (after the rate limit) with the transaction.
        t2 = n0.getblocktemplate(req)
        lp = LongPoll(n0, dict(req, longpollid=t2["longpollid"]))
        lp.start()
        tx = w.send_self_transfer()
        lp.join(120)
        assert_true(not lp.is_alive() and lp.error is None, f"long poll returned: {lp.error}")
        assert_equal(lp.result["previousblockhash"], t2["previousblockhash"])
        assert_in(tx["txid"], [x["txid"] for x in lp.result["transactions"]])
        self.wallet = w
        self.mempool_tx = tx
        log("long polling: new block, old tip, mempool change")

    def other_rpcs(self, n0):
        # getnetworkhashps
        assert_greater_than(n0.getnetworkhashps(), 0)
        assert_greater_than(n0.getnetworkhashps(-1), 0)
        assert_equal(n0.getnetworkhashps(120, 0), 0)
        assert_raises_rpc_error(-8, "Invalid nblocks", n0.getnetworkhashps, 0)
        assert_raises_rpc_error(-8, "Invalid height", n0.getnetworkhashps, 120, n0.getblockcount() + 1)

        # prioritisetransaction / getprioritisedtransactions
        txid = self.mempool_tx["txid"]
        fee = self.mempool_tx["fee"]
        assert_equal(n0.prioritisetransaction(txid, 0, 10000), True)
        assert_equal(n0.prioritisetransaction(txid=txid, fee_delta=500), True)
        p = n0.getprioritisedtransactions()
        assert_equal(p[txid], {"fee_delta": 10500, "in_mempool": True, "modified_fee": fee + 10500})
        absent = "ab" * 32
        n0.prioritisetransaction(absent, 0, -300)
        assert_equal(n0.getprioritisedtransactions()[absent], {"fee_delta": -300, "in_mempool": False})
        assert_raises_rpc_error(-8, "Priority is no longer supported", n0.prioritisetransaction, txid, 1, 5)
        assert_raises_rpc_error(-8, "txid must be of length 64", n0.prioritisetransaction, "ab", 0, 5)

        # submitheader: a valid header first, its block later.
        tmpl = n0.getblocktemplate({"rules": ["segwit"]})
        b = block_from_template(tmpl, OP_TRUE_SPK)
        assert_equal(n0.submitheader(b.header().hex()), None)
        assert_equal(n0.getblockheader(b.hash)["height"], tmpl["height"])
        assert_equal(n0.getbestblockhash(), tmpl["previousblockhash"], "a header alone is no new tip")
        assert_equal(n0.submitblock(b.hex()), None)
        assert_equal(n0.getbestblockhash(), b.hash)
        orphan = block_from_template(tmpl, OP_TRUE_SPK)
        orphan.prev = "11" * 32
        orphan.solve()
        assert_raises_rpc_error(-25, "Must submit previous header (" + "11" * 32 + ") first", n0.submitheader,
                                orphan.header().hex())
        assert_raises_rpc_error(-22, "Block header decode failed", n0.submitheader, "00")
        assert_raises_rpc_error(-22, "Block header decode failed", n0.submitheader, b.header().hex() + "00")
        bad = block_from_template(n0.getblocktemplate({"rules": ["segwit"]}), OP_TRUE_SPK)
        while int(bad.hash, 16) <= bad.target():
            bad.nonce += 1
        assert_raises_rpc_error(-25, "high-hash", n0.submitheader, bad.header().hex())
        log("getnetworkhashps, prioritisetransaction, getprioritisedtransactions, submitheader")

    def test_chain_checks(self):
        addr = Key.from_label("test chain miner").p2wpkh_address("test")
        t0 = self.add_node([f"-miningaddress={addr}"] + p2p_listen_args(), chain="test")
        t0.start()
        assert_raises_rpc_error(-9, "is not connected", t0.getblocktemplate, {"rules": ["segwit"]})
        assert_raises_rpc_error(-1, "setmocktime is for regression testing (-regtest mode) only", t0.setmocktime, 1)
        t1 = self.add_node(connect_args(t0), chain="test")
        t1.start()
        wait_until(lambda: t0.getconnectioncount() == 1 and t1.getconnectioncount() == 1, timeout=30,
                   what="test chain connection")
        # A fresh test chain's tip is old: initial block download.
        assert_raises_rpc_error(-10, "in initial sync", t0.getblocktemplate, {"rules": ["segwit"]})
        assert_raises_rpc_error(-10, "in initial sync", t0.setgenerate, True, 1)
        assert_equal(t0.getgenerate(), False)
        t1.stop()
        t0.stop()
        # -gen on a chain in initial block download: it waits, and says why.
        t0.start(["-gen", "-genproclimit=1"])
        wait_until(lambda: miner_info(t0).get("waiting") == "waiting for the initial block download to finish",
                   timeout=60, what="the miner reports why it waits")
        t0.assert_debug_log("Miner: not mining on test: waiting for the initial block download to finish")
        assert_equal(t0.getblockcount(), 0)
        assert_equal(miner_info(t0)["jobheight"], -1)
        t0.stop()
        log("test chain: getblocktemplate and setgenerate need peers and a synced chain")


if __name__ == "__main__":
    MinerNativeTest().main()
