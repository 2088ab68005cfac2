#!/usr/bin/env python3
"""Transaction relay, bans and the address manager between two nodes.

- a transaction sent to either node reaches the other's mempool (inv by
  wtxid, trickled; getdata; tx);
- the network RPCs answer with Core's shapes and error codes;
- per-message-type byte counters and last_transaction in getpeerinfo;
- `mempool` from a peer with the mempool permission is answered with an inv
  of the whole mempool (by wtxid); from any other peer it disconnects;
- setban disconnects the banned peer, bans survive a restart (banlist.dat),
  the outbound peer's address survives a restart (peers.dat).
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, assert_equal, assert_in, assert_raises_rpc_error,  # noqa: E402
                       assert_true, log, wait_until)
from p2p_util import connect_args, p2p_listen_args, wait_for_tip  # noqa: E402
import p2p_client as p2p  # noqa: E402


class P2PRelayTest(HashmintTestFramework):
    """p2p_relay_test"""

    def set_test_params(self):
        self.num_nodes = 0

    def run_test(self):
        n0 = self.add_node(p2p_listen_args() + ["-whitelist=mempool@127.0.0.1"])
        n0.start()
        n1 = self.add_node(connect_args(n0) + p2p_listen_args())
        n1.start()
        wait_until(lambda: n0.getconnectioncount() == 1 and n1.getconnectioncount() == 1, timeout=30,
                   what="connection")

        # -- transaction relay, both directions --
        w = MiniWallet(n0)
        w.generate(110)
        wait_for_tip([n0, n1], timeout=120)
        t = w.send_self_transfer()
        # trickled invs (Poisson delays): generous bounds, far out in the tail
        wait_until(lambda: t["txid"] in n1.getrawmempool(), timeout=180, what="tx relayed n0 -> n1")
        t2 = w.send_self_transfer(node=n1)
        wait_until(lambda: t2["txid"] in n0.getrawmempool(), timeout=180, what="tx relayed n1 -> n0")
        log("transactions relayed both ways")

        # -- RPC shapes --
        p = n0.getpeerinfo()
        assert_equal(len(p), 1)
        p = p[0]
        for k in ("id", "addr", "network", "services", "servicesnames", "relaytxes", "lastsend", "lastrecv",
                  "bytessent", "bytesrecv", "conntime", "version", "subver", "inbound", "startingheight",
                  "synced_headers", "synced_blocks", "addr_relay_enabled", "addr_processed", "addr_rate_limited",
                  "permissions", "minfeefilter", "connection_type"):
            assert_in(k, p)
        assert_equal(p["inbound"], True)
        assert_equal(p["connection_type"], "inbound")
        assert_equal(p["relaytxes"], True)
        assert_equal(p["version"], 70016)
        q = n1.getpeerinfo()[0]
        assert_equal(q["inbound"], False)
        assert_true(q["addr"].endswith(f":{n0.p2p_port}"), "outbound peer address")
        assert_true(q["minfeefilter"] > 0, "feefilter received from n0")
        tot = n0.getnettotals()
        assert_true(tot["totalbytessent"] > 0 and tot["totalbytesrecv"] > 0, "traffic counted")
        ni = n0.getnetworkinfo()
        assert_equal(ni["connections"], 1)
        assert_equal(ni["connections_in"], 1)
        assert_equal(ni["networkactive"], True)
        assert_equal(ni["protocolversion"], 70016)
        assert_equal(n0.ping(), None)
        log("getpeerinfo / getnetworkinfo / getnettotals shapes")

        # -- per-message byte counters (header + payload, as Core) and last_transaction --
        p = n0.getpeerinfo()[0]
        sent, recv = p["bytessent_per_msg"], p["bytesrecv_per_msg"]
        for k in ("version", "verack", "inv", "tx", "getdata", "ping", "pong"):
            assert_in(k, recv)
        for k in ("version", "verack", "inv", "tx", "getdata"):
            assert_in(k, sent)
        assert_equal(recv["verack"], 24, "verack is a bare header")
        assert_true(recv["version"] > 24 + 80, "version header + payload")
        assert_true(all(v > 0 for v in list(sent.values()) + list(recv.values())), "only non-zero types listed")
        assert_true(sum(recv.values()) <= p["bytesrecv"], "per-type received bytes within bytesrecv")
        assert_true(sum(sent.values()) >= p["bytessent"], "per-type sent bytes (counted when queued) >= bytessent")
        # n0 got t2 from n1 and n1 got t from n0: both peers were useful.
        assert_true(p["last_transaction"] > 0, "n0: last_transaction of n1 set")
        assert_true(n1.getpeerinfo()[0]["last_transaction"] > 0, "n1: last_transaction of n0 set")
        log("bytessent_per_msg / bytesrecv_per_msg / last_transaction")

        # -- the mempool message: whitelisted (mempool@127.0.0.1) peers get the whole mempool --
        want = {n0.getmempoolentry(x)["wtxid"] for x in n0.getrawmempool()}
        assert_true(len(want) >= 2, "n0 has transactions")
        with p2p.P2PConnection.connect_to(n0) as c:
            c.handshake()
            c.send_message("mempool")
            got = set()

            def all_announced():
                # answered at the next inbound trickle (Poisson, mean 5 s): wait for
                # the invs themselves, with a bound far out in the tail
                m = c.recv_message(1)
                if m and m[0] == "inv":
                    got.update(h for t_, h in p2p.parse_inv(m[1]) if t_ == p2p.MSG_WTX)
                return want <= got
            wait_until(all_announced, timeout=180, interval=0,
                       what="mempool answered with every wtxid")
        n2 = self.add_node(p2p_listen_args())  # no whitelist
        n2.start()
        with p2p.P2PConnection.connect_to(n2) as c:
            c.handshake()
            c.send_message("mempool")
            assert_true(c.wait_for_disconnect(10), "mempool from a non-whitelisted peer disconnects")
        n2.stop()
        log("mempool message answered from the mempool (whitelisted) / disconnect (others)")

        # -- error codes --
        assert_raises_rpc_error(-29, None, n0.disconnectnode, "1.2.3.4:5")
        assert_raises_rpc_error(-24, None, n0.addnode, "1.2.3.4:5", "remove")
        assert_raises_rpc_error(-24, None, n0.getaddednodeinfo, "1.2.3.4:5")
        assert_raises_rpc_error(-30, None, n0.setban, "1.2.3.400", "add")
        assert_raises_rpc_error(-30, None, n0.setban, "1.2.3.4", "remove")
        assert_raises_rpc_error(-8, None, n0.getnodeaddresses, -1)

        # -- the outbound address is remembered --
        wait_until(lambda: any(a["port"] == n0.p2p_port for a in n1.getnodeaddresses(0)), timeout=10,
                   what="n0 in n1's address manager")

        # -- bans: persisted; a ban on the peer disconnects it --
        n0.setban("10.1.0.0/16", "add", 3600)
        n0.setban("192.0.2.7", "add", 4102444800, True)
        assert_raises_rpc_error(-23, None, n0.setban, "10.1.0.0/16", "add")
        b = {e["address"]: e for e in n0.listbanned()}
        assert_equal(sorted(b), ["10.1.0.0/16", "192.0.2.7/32"])
        assert_equal(b["10.1.0.0/16"]["ban_duration"], 3600)
        n0.setban("127.0.0.1", "add", 600)
        wait_until(lambda: n0.getconnectioncount() == 0, timeout=30, what="banned peer disconnected")
        log("setban disconnects the banned peer")

        n0.stop()
        n1.stop()
        n0.start()
        n1.start()
        assert_equal(sorted(e["address"] for e in n0.listbanned()),
                     ["10.1.0.0/16", "127.0.0.1/32", "192.0.2.7/32"])
        assert_true(any(a["port"] == n0.p2p_port for a in n1.getnodeaddresses(0)), "peers.dat kept n0")
        log("bans and peers survive a restart")

        # -- clearbanned lets the peer back in --
        n0.clearbanned()
        assert_equal(n0.listbanned(), [])
        wait_until(lambda: n0.getconnectioncount() == 1, timeout=60, what="reconnect after clearbanned")
        pid = n0.getpeerinfo()[0]["id"]
        n0.disconnectnode("", pid)
        wait_until(lambda: all(x["id"] != pid for x in n0.getpeerinfo()), timeout=30, what="disconnectnode")
        log("clearbanned and disconnectnode")
        n1.stop()
        n0.stop()


if __name__ == "__main__":
    P2PRelayTest().main()
