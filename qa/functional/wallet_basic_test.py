#!/usr/bin/env python3
"""The descriptor wallet end to end, with two real nodes.

- createwallet / loadwallet / unloadwallet / listwallets / listwalletdir and
  Core's rules for which wallet a call goes to (-18, -19, -35);
- node 0 mines to its wallet, sends to node 1's wallet (bech32 and bech32m
  addresses); node 1 sees the payment unconfirmed, then confirmed;
- a reorg (invalidateblock) makes the payment unconfirmed again, and it is
  confirmed once more when mined on the new branch;
- kill -9 right after a send: after restart the transaction is still in the
  wallet, still in the mempool, and mined exactly once (nothing lost, nothing
  duplicated);
- an encrypted wallet refuses to sign while locked (-13), a wrong passphrase
  is -14, and it signs again once unlocked;
- bad input gives Core's error codes and writes nothing.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, assert_equal, assert_greater_than, assert_in,  # noqa: E402
                       assert_raises_rpc_error, assert_true, log, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402


class WalletBasicTest(HashmintTestFramework):
    """wallet_basic_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keypool=20"], p2p_listen_args() + ["-keypool=20"]]

    def run_test(self):
        n0, n1 = self.nodes
        connect_nodes(n1, n0)

        log("wallet management and endpoint rules")
        assert_raises_rpc_error(-18, "No wallet is loaded", n0.getbalance)
        assert_equal(n0.createwallet("w0")["name"], "w0")
        assert_raises_rpc_error(-35, 'Wallet "w0" is already loaded.', n0.createwallet, "w0")
        assert_raises_rpc_error(-8, "Invalid wallet name", n0.createwallet, "../../x")
        assert_raises_rpc_error(-18, "Path does not exist", n0.loadwallet, "missing")
        n0.createwallet("spare")
        assert_raises_rpc_error(-19, "Wallet file not specified", n0.getbalance)
        assert_raises_rpc_error(-18, "Requested wallet does not exist or is not loaded",
                                n0.wallet("nope").getbalance)
        assert_equal(sorted(n0.listwallets()), ["spare", "w0"])
        n0.unloadwallet("spare")
        assert_equal(n0.listwallets(), ["w0"])
        assert_equal(sorted(w["name"] for w in n0.listwalletdir()["wallets"]), ["spare", "w0"])
        n0.loadwallet("spare")
        n0.wallet("spare").unloadwallet()
        w0 = n0.wallet("w0")
        n1.createwallet("w1")
        w1 = n1.wallet("w1")
        rc, out, err = n1.cli("-rpcwallet=w1", "getwalletinfo")
        assert_equal(rc, 0, err)
        assert_in('"walletname": "w1"', out)

        log("addresses and descriptors")
        a0 = w0.getnewaddress()
        assert_true(a0.startswith("hmrt1q"), a0)
        assert_true(w0.getnewaddress("", "bech32m").startswith("hmrt1p"))
        assert_true(w0.getnewaddress("", "p2sh-segwit")[0] == "2")
        assert_true(w0.getnewaddress("", "legacy")[0] in "mn")
        info = w0.getaddressinfo(a0)
        assert_true(info["ismine"] and info["hdkeypath"].startswith("m/84h/1h/0h/0/"), info)
        descs = w0.listdescriptors()["descriptors"]
        assert_equal(len(descs), 8)
        assert_true(all("tprv" not in d["desc"] for d in descs))
        assert_true(all("tprv" in d["desc"] for d in w0.listdescriptors(True)["descriptors"]))
        assert_raises_rpc_error(-5, "Unknown address type", w0.getnewaddress, "", "p2wsh")

        log("mine, send, receive")
        n0.generatetoaddress(101, a0)
        wait_for_tip(self.nodes)
        assert_equal(w0.getbalance(), 20.0)
        r1 = w1.getnewaddress()
        r1m = w1.getnewaddress("", "bech32m")
        txid = w0.sendtoaddress(r1, 3)
        txid2 = w0.sendmany("", {r1m: 1.25})
        wait_until(lambda: txid in n1.getrawmempool() and txid2 in n1.getrawmempool(), what="relay")
        wait_until(lambda: w1.getbalances()["mine"]["untrusted_pending"] == 4.25, what="pending")
        assert_equal(w1.gettransaction(txid)["confirmations"], 0)
        assert_equal(w0.gettransaction(txid)["bip125-replaceable"], "yes")
        n0.generatetoaddress(1, a0)
        wait_for_tip(self.nodes)
        assert_equal(w1.getbalance(), 4.25)
        assert_equal(w1.gettransaction(txid)["confirmations"], 1)
        assert_equal(len(w1.listunspent()), 2)
        fee = -w0.gettransaction(txid)["fee"]
        assert_true(0 < fee < 0.001, fee)

        log("reorg: unconfirmed, then confirmed again")
        tip = n1.getbestblockhash()
        n1.invalidateblock(tip)
        wait_until(lambda: w1.gettransaction(txid)["confirmations"] == 0, what="unconfirmed after reorg")
        assert_equal(w1.getbalances()["mine"]["trusted"], 0.0)
        assert_in(txid, n1.getrawmempool())
        n1.generatetoaddress(2, w1.getnewaddress())
        assert_equal(w1.gettransaction(txid)["confirmations"], 2)
        assert_equal(w1.getbalance(), 4.25)

        log("kill -9 after a send: nothing lost, nothing duplicated")
        n1.reconsiderblock(tip)   # node 1 keeps its longer branch
        wait_for_tip(self.nodes, n1.getbestblockhash())
        # A clean restart first: the chain flushes at shutdown, so the kill -9
        # below tests the wallet, not how much chain state a crash loses.
        n0.stop()
        n0.start(["-wallet=w0"])
        w0 = n0.wallet("w0")
        connect_nodes(n1, n0)
        before = w0.getbalance()
        t3 = w0.sendtoaddress(r1, 2)
        n0.kill()
        n0.start(["-wallet=w0"])
        w0 = n0.wallet("w0")
        assert_equal(w0.gettransaction(t3)["confirmations"], 0)
        assert_in(t3, n0.getrawmempool())
        connect_nodes(n1, n0)
        n0.generatetoaddress(1, a0)
        wait_for_tip(self.nodes)
        assert_equal(w0.gettransaction(t3)["confirmations"], 1)
        assert_equal(sum(1 for e in w0.listtransactions("*", 100) if e["txid"] == t3 and e["category"] == "send"), 1)
        assert_greater_than(before, w0.getbalance() - 10)  # paid 2 + fee, earned one mature coinbase at most

        log("encryption")
        assert_raises_rpc_error(-15, "unencrypted wallet", w1.walletpassphrase, "x", 10)
        w1.encryptwallet("secret pass")
        assert_raises_rpc_error(-13, "walletpassphrase", w1.sendtoaddress, a0, 0.5)
        assert_raises_rpc_error(-13, "walletpassphrase", w1.listdescriptors, True)
        assert_raises_rpc_error(-14, "passphrase entered was incorrect", w1.walletpassphrase, "wrong", 10)
        assert_raises_rpc_error(-8, "Timeout cannot be negative", w1.walletpassphrase, "secret pass", -1)
        w1.getnewaddress()                      # public derivation works while locked
        w1.walletpassphrase("secret pass", 600)
        t4 = w1.sendtoaddress(a0, 0.5)
        assert_in(t4, n1.getrawmempool())
        w1.walletlock()
        assert_raises_rpc_error(-13, "walletpassphrase", w1.sendtoaddress, a0, 0.5)
        w1.walletpassphrasechange("secret pass", "new pass")
        assert_raises_rpc_error(-14, "incorrect", w1.walletpassphrase, "secret pass", 10)
        w1.walletpassphrase("new pass", 600)
        w1.walletlock()

        log("bad input: Core's codes, nothing written")
        txs_before = w0.getwalletinfo()["txcount"]
        assert_raises_rpc_error(-5, "Invalid hashmint address", w0.sendtoaddress, "bc1qnotours", 1)
        assert_raises_rpc_error(-3, "Invalid amount", w0.sendtoaddress, r1, 0)
        assert_raises_rpc_error(-3, "Invalid amount", w0.sendtoaddress, r1, "1.000000001")
        assert_raises_rpc_error(-3, "Amount out of range", w0.sendtoaddress, r1, -1)
        assert_raises_rpc_error(-6, "Insufficient funds", w0.sendtoaddress, r1, 100000)
        assert_raises_rpc_error(-5, "Invalid or non-wallet transaction id", w0.gettransaction, "00" * 32)
        assert_raises_rpc_error(-5, "Missing checksum", n0.deriveaddresses, "wpkh(" + "02" * 33 + ")")
        assert_equal(w0.getwalletinfo()["txcount"], txs_before)

        log("backup and restart")
        backup = os.path.join(n0.datadir, "backup.dat")
        w0.backupwallet(backup)
        assert_true(os.path.getsize(backup) > 0)
        bal = w0.getbalance()
        n0.stop()
        n0.start(["-wallet=w0"])
        assert_equal(n0.wallet("w0").getbalance(), bal)


if __name__ == "__main__":
    WalletBasicTest().main()
