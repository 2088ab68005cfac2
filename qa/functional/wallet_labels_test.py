#!/usr/bin/env python3
"""Wallet labels, received amounts, listsinceblock, signmessage and
-walletnotify with two real nodes.

- setlabel / listlabels (purposes), labels in getaddressinfo, Core's errors;
- getreceivedbyaddress / listreceivedbyaddress (minconf, include_empty,
  address_filter) for payments from node 0's wallet to node 1's;
- listsinceblock: only what came after the block, lastblock, include_change
  (the sender's change listed only when asked), and after a reorganisation the detached block's transactions in "removed";
- signmessage with a legacy address verifies with verifymessage; other
  address types, foreign keys and a locked wallet are refused (-3, -4, -13);
- -walletnotify on node 1 writes one line per wallet transaction, unconfirmed
  and again when confirmed (%s %b %h %w), waited on by condition.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_in, assert_not_in,  # noqa: E402
                       assert_raises_rpc_error, assert_true, log, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402


class WalletLabelsTest(HashmintTestFramework):
    """wallet_labels_test"""
    num_nodes = 2

    def set_test_params(self):
        self.notify_file = os.path.join(self.tmpdir, "walletnotify.txt")
        self.extra_args = [p2p_listen_args() + ["-keypool=20"],
                           p2p_listen_args() + ["-keypool=20",
                                                f"-walletnotify=echo %s %b %h %w >> {self.notify_file}"]]

    def notified(self):
        if not os.path.exists(self.notify_file):
            return []
        with open(self.notify_file) as f:
            return [line.split() for line in f.read().splitlines()]

    def run_test(self):
        n0, n1 = self.nodes
        connect_nodes(n1, n0)
        n0.createwallet("w0")
        n1.createwallet("w1")
        w0, w1 = n0.wallet("w0"), n1.wallet("w1")
        mine_to = w0.getnewaddress("mining")
        n0.generatetoaddress(101, mine_to)
        wait_for_tip(self.nodes)

        log("setlabel and listlabels")
        alpha = w1.getnewaddress("alpha")
        beta = w1.getnewaddress()
        plain = w1.getnewaddress()
        foreign = w0.getnewaddress()
        assert_equal(w1.setlabel(beta, "beta"), None)
        w1.setlabel(foreign, "friend")
        assert_equal(w1.listlabels(), ["", "alpha", "beta", "friend"])
        assert_equal(w1.listlabels("receive"), ["", "alpha", "beta"])
        assert_equal(w1.listlabels("send"), ["friend"])
        assert_equal(w1.listlabels(""), w1.listlabels())
        assert_equal(w1.getaddressinfo(beta)["labels"], ["beta"])
        assert_equal(w0.listlabels(), ["", "mining"])
        assert_raises_rpc_error(-11, "Invalid label name", w1.setlabel, beta, "*")
        assert_raises_rpc_error(-5, "Invalid hashmint address", w1.setlabel, "nope", "x")
        assert_raises_rpc_error(-5, "Invalid 'purpose' argument", w1.listlabels, "spend")
        w1.setlabel(plain, "")  # relabelling keeps one entry per address
        assert_equal(w1.listlabels("receive"), ["", "alpha", "beta"])

        log("received amounts and -walletnotify")
        tip0 = n1.getbestblockhash()
        txid = w0.sendtoaddress(alpha, 2.5)
        wait_until(lambda: txid in n1.getrawmempool(), what="payment relayed")
        assert_equal(w1.getreceivedbyaddress(alpha), 0)
        assert_equal(w1.getreceivedbyaddress(alpha, 0), 2.5)
        wait_until(lambda: [txid, "unconfirmed", "-1", "w1"] in self.notified(), what="unconfirmed notification")
        block = n0.generatetoaddress(1, mine_to)[0]
        wait_for_tip(self.nodes)
        height = n1.getblockcount()
        wait_until(lambda: [txid, block, str(height), "w1"] in self.notified(), what="confirmed notification")
        assert_equal(w1.getreceivedbyaddress(alpha), 2.5)
        assert_equal(w1.getreceivedbyaddress(beta), 0)
        assert_raises_rpc_error(-4, "Address not found in wallet", w1.getreceivedbyaddress, foreign)
        assert_raises_rpc_error(-5, "Invalid hashmint address", w1.getreceivedbyaddress, "nope")
        rec = w1.listreceivedbyaddress()
        assert_equal(len(rec), 1)
        assert_equal(rec[0]["address"], alpha)
        assert_equal(rec[0]["amount"], 2.5)
        assert_equal(rec[0]["confirmations"], 1)
        assert_equal(rec[0]["label"], "alpha")
        assert_equal(rec[0]["txids"], [txid])
        assert_equal(w1.listreceivedbyaddress(2), [])
        empty = {r["address"]: r for r in w1.listreceivedbyaddress(1, True)}
        assert_equal(sorted(empty.keys()), sorted([alpha, beta, plain]))
        assert_equal((empty[beta]["amount"], empty[beta]["confirmations"], empty[beta]["txids"]), (0, 0, []))
        assert_equal([r["address"] for r in w1.listreceivedbyaddress(0, True, True, beta)], [beta])
        assert_raises_rpc_error(-4, "address_filter parameter was invalid", w1.listreceivedbyaddress, 0, True,
                                True, "nope")

        log("listsinceblock")
        since = w1.listsinceblock(tip0)
        assert_equal([t["txid"] for t in since["transactions"]], [txid])
        assert_equal(since["transactions"][0]["category"], "receive")
        assert_equal(since["transactions"][0]["label"], "alpha")
        assert_equal(since["removed"], [])
        assert_equal(since["lastblock"], n1.getbestblockhash())
        assert_equal(w1.listsinceblock(block)["transactions"], [])
        assert_equal(w1.listsinceblock(tip0, 2)["lastblock"], tip0)
        assert_equal(len(w1.listsinceblock()["transactions"]), 1)
        assert_equal(w1.listsinceblock(tip0, 1, False, True, False, "beta")["transactions"], [])
        assert_not_in("removed", w1.listsinceblock(tip0, 1, False, False))
        assert_raises_rpc_error(-5, "Block not found", w1.listsinceblock, "00" * 32)
        assert_raises_rpc_error(-8, "Invalid parameter", w1.listsinceblock, tip0, 0)

        log("listsinceblock include_change lists the sender's change (Core's 5th argument)")
        raw = n0.decoderawtransaction(w0.gettransaction(txid)["hex"])
        change = [o["scriptPubKey"]["address"] for o in raw["vout"] if o["scriptPubKey"].get("address") != alpha]
        assert_equal(len(change), 1)
        change = change[0]
        assert_true(w0.getaddressinfo(change)["ischange"])

        def entries(res):
            return sorted((t["category"], t["address"]) for t in res["transactions"] if t["txid"] == txid)
        assert_equal(entries(w0.listsinceblock(tip0)), [("send", alpha)])
        assert_equal(entries(w0.listsinceblock(tip0, 1, False, True, False)), [("send", alpha)])
        assert_equal(entries(w0.listsinceblock(tip0, 1, False, True, True)),
                     sorted([("send", alpha), ("send", change), ("receive", change)]))
        assert_equal(entries(w0.listsinceblock(blockhash=tip0, include_change=True)),
                     sorted([("send", alpha), ("send", change), ("receive", change)]))
        # the receiving side has no change: nothing changes there
        assert_equal(w1.listsinceblock(tip0, 1, False, True, True)["transactions"], since["transactions"])

        log("listsinceblock after a reorganisation lists the detached block's transactions as removed")
        txid2 = w0.sendtoaddress(beta, 1)
        wait_until(lambda: txid2 in n1.getrawmempool(), what="second payment relayed")
        gone = n0.generatetoaddress(1, mine_to)[0]
        wait_for_tip(self.nodes)
        n1.invalidateblock(gone)
        n1.generatetoaddress(2, w1.getnewaddress())  # a longer branch without txid2's block
        wait_for_tip(self.nodes, n1.getbestblockhash())
        res = w1.listsinceblock(gone)
        assert_in(txid2, [t["txid"] for t in res["removed"]])
        assert_in(txid2, [t["txid"] for t in res["transactions"]])  # re-mined or back in the mempool: above the fork
        assert_equal(res["lastblock"], n1.getbestblockhash())

        log("signmessage")
        legacy = w1.getnewaddress("", "legacy")
        sig = w1.signmessage(legacy, "hello hashmint")
        assert_true(n1.verifymessage(legacy, sig, "hello hashmint"))
        assert_true(not n1.verifymessage(legacy, sig, "hello bitcoin"))
        assert_raises_rpc_error(-3, "Address does not refer to key", w1.signmessage, alpha, "x")
        assert_raises_rpc_error(-4, "Private key not available", w1.signmessage,
                                w0.getnewaddress("", "legacy"), "x")
        assert_raises_rpc_error(-5, "Invalid address", w1.signmessage, "nope", "x")
        n1.createwallet("locked", False, False, "secret")
        wl = n1.wallet("locked")
        la = wl.getnewaddress("", "legacy")
        assert_raises_rpc_error(-13, "walletpassphrase", wl.signmessage, la, "x")
        wl.walletpassphrase("secret", 60)
        assert_true(n1.verifymessage(la, wl.signmessage(la, "x"), "x"))


if __name__ == "__main__":
    WalletLabelsTest().main()
