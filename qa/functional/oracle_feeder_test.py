#!/usr/bin/env python3
"""oracle_feeder_test: hashmint-oracle (doc/oracle.md) against real nodes.

- node0's wallet "feeder" holds oracle keys 1 and 2 of the regtest 2-of-3
  (importdescriptors of the wsh(multi(...)) descriptor, as wallet_vault_test).
- -once rounds: publishes on a deviation (100 -> 101 HUSD/HMC), not on a
  0.2% move, on the heartbeat (max_price_age/2 = 15 blocks) with an unchanged
  price; refuses a lone 50% jump (and logs why) but accepts it when a second
  source (an HTTP JSON endpoint) agrees; garbage, missing, non-JSON and
  timed-out sources are logged and skipped.
- a PSBT round: node0's wallet "solo" holds oracle key 1 only; the signers
  are node1 (wallet "s2", key 2) and node2 (wallet "s3", key 3), reached by
  -signer URLs; the feeder combines, finalizes and broadcasts.
- loop mode (-interval): publishes, does not publish again while its update
  is in the mempool, publishes the next move after the block.
Each step waits on getissuanceinfo's price, never on time.
"""
import http.server
import json
import os
import socket
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framework  # noqa: E402
from framework import (HashmintTestFramework, Key, assert_equal, assert_in, assert_true,  # noqa: E402
                       free_port, log, wait_until)

HUSD = 100_000_000
ORACLE = [Key.from_label(f"hashmint regtest oracle key {i}") for i in range(1, 4)]
EXIT_PUBLISHED, EXIT_ERROR, EXIT_NOT_PUBLISHED = 0, 1, 3


def multi_desc(node, m, keys, private):
    body = "wsh(multi(%d,%s))" % (m, ",".join(k.wif() if i in private else k.pubkey.hex()
                                              for i, k in enumerate(keys)))
    return body + "#" + node.getdescriptorinfo(body)["checksum"]


class PriceHandler(http.server.BaseHTTPRequestHandler):
    """/good: {"data": {"usd": "<price>"}}; /garbage: not JSON."""
    price = "100"

    def do_GET(self):  # noqa: N802 (http.server's name)
        body = (json.dumps({"data": {"usd": PriceHandler.price}}) if self.path == "/good" else "<html>nope").encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class OracleFeederTest(HashmintTestFramework):
    """oracle_feeder_test"""

    def set_test_params(self):
        self.num_nodes = 3

    def import_oracle(self, w, keys):
        r = w.importdescriptors([{"desc": multi_desc(self.node, 2, ORACLE, keys), "timestamp": "now"}])
        assert_true(r[0]["success"], f"importdescriptors: {r}")

    def write_price(self, path, price, ts=None):
        with open(path, "a") as f:
            f.write(f"{int(ts or time.time())} {price}\n")

    def feeder_cmd(self, wallet):
        n = self.node
        return [os.path.join(framework.BUILDDIR, "hashmint-oracle"), "-regtest", f"-datadir={n.datadir}",
                f"-rpcport={n.rpc_port}", f"-rpcwallet={wallet}", "-sourcetimeout=5"]

    def feeder(self, *args, wallet="feeder"):
        cmd = self.feeder_cmd(wallet) + ["-once"] + list(args)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        err = p.stderr.decode(errors="replace")
        log(f"hashmint-oracle rc={p.returncode}\n" + err.strip())
        return p.returncode, err

    def asset(self):
        return self.node.getissuanceinfo()["assets"][0]

    def mine_and_wait_price(self, price):
        self.node.generatetoaddress(1, self.miner_addr)
        wait_until(lambda: self.asset()["price"] == price, what=f"price {price}")
        assert_equal(self.node.getrawmempool(), [])

    def run_test(self):
        node = self.nodes[0]
        self.node = node
        node.createwallet("feeder")
        node.createwallet("solo")
        feeder, solo = node.wallet("feeder"), node.wallet("solo")
        self.import_oracle(feeder, [0, 1])
        self.import_oracle(solo, [0])
        self.miner_addr = feeder.getnewaddress()
        node.generatetoaddress(101, self.miner_addr)
        feeder.sendtoaddress(solo.getnewaddress(), 5)
        node.generatetoaddress(1, self.miner_addr)
        assert_equal(self.asset()["price"], 100 * HUSD, "genesis price")

        src = os.path.join(self.tmpdir, "prices.txt")
        garbage = os.path.join(self.tmpdir, "garbage.txt")
        with open(garbage, "w") as f:
            f.write("not a price\n123 abc\n\x00\x01\x02\n")
        srv = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), PriceHandler)
        threading.Thread(target=srv.serve_forever, daemon=True).start()
        http_base = f"http://127.0.0.1:{srv.server_address[1]}"
        # A listener that never accepts: the request times out (-sourcetimeout=1).
        silent = socket.socket()
        silent.bind(("127.0.0.1", free_port()))
        silent.listen(1)
        bad_sources = [f"-source=file:{garbage}", f"-source=file:{self.tmpdir}/missing.txt",
                       f"-source={http_base}/garbage#data.usd",
                       f"-source=http://127.0.0.1:{silent.getsockname()[1]}/p#price", "-sourcetimeout=1"]

        log("a 1% move publishes (deviation); garbage, missing and non-JSON sources are skipped")
        self.write_price(src, "garbage line")  # a bad line in the file itself
        self.write_price(src, "101")
        rc, err = self.feeder(f"-source=file:{src}", *bad_sources)
        assert_equal(rc, EXIT_PUBLISHED, err)
        assert_in("publish-deviation", err)
        assert_in("garbage.txt skipped", err)
        assert_in("missing.txt skipped: cannot open", err)
        assert_in("/garbage#data.usd skipped: not JSON", err)
        assert_in("/p#price skipped: no reply", err)
        silent.close()
        self.mine_and_wait_price(101 * HUSD)

        log("a 0.2% move does not publish")
        self.write_price(src, "101.2")
        rc, err = self.feeder(f"-source=file:{src}")
        assert_equal(rc, EXIT_NOT_PUBLISHED, err)
        assert_in(": hold", err)
        assert_equal(node.getrawmempool(), [])

        log("the heartbeat (max_price_age / 2 blocks) publishes an unchanged price")
        a = self.asset()
        heartbeat = a["parameters"]["max_price_age"] // 2
        node.generatetoaddress(heartbeat - 1 - (node.getblockcount() - a["price_height"]), self.miner_addr)
        rc, err = self.feeder(f"-source=file:{src}")
        assert_equal(rc, EXIT_NOT_PUBLISHED, f"one block before the heartbeat: {err}")
        node.generatetoaddress(1, self.miner_addr)
        rc, err = self.feeder(f"-source=file:{src}")
        assert_equal(rc, EXIT_PUBLISHED, err)
        assert_in("publish-heartbeat", err)
        old_height = a["price_height"]
        self.mine_and_wait_price(10120 * HUSD // 100)
        assert_true(self.asset()["price_height"] > old_height, "a new price height")

        log("a lone 50% jump is refused and the log says why")
        self.write_price(src, "50.6")
        PriceHandler.price = "101.2"
        rc, err = self.feeder(f"-source=file:{src}")
        assert_equal(rc, EXIT_NOT_PUBLISHED, err)
        assert_in("refuse-jump", err)
        assert_in("fewer than two sources agree", err)
        log("... also when the other source disagrees")
        rc, err = self.feeder(f"-source=file:{src}", f"-source={http_base}/good#data.usd")
        assert_equal(rc, EXIT_NOT_PUBLISHED, err)
        assert_in("refuse-jump", err)
        assert_equal(node.getrawmempool(), [])
        assert_equal(self.asset()["price"], 10120 * HUSD // 100)

        log("the jump is accepted when a second source (HTTP JSON) agrees")
        PriceHandler.price = "50.62"
        rc, err = self.feeder(f"-source=file:{src}", f"-source={http_base}/good#data.usd")
        assert_equal(rc, EXIT_PUBLISHED, err)
        self.mine_and_wait_price(5061 * HUSD // 100)  # median of 50.60 and 50.62

        log("PSBT round: the wallet holds one oracle key, two signer nodes hold the others")
        n1, n2 = self.nodes[1], self.nodes[2]
        signers = []
        for n, wname, key in ((n1, "s2", 1), (n2, "s3", 2)):
            n.createwallet(wname)
            r = n.wallet(wname).importdescriptors([{"desc": multi_desc(n, 2, ORACLE, [key]), "timestamp": "now"}])
            assert_true(r[0]["success"], f"importdescriptors: {r}")
            with open(n.cookie_path) as f:
                cookie = f.read().strip()
            signers.append(f"-signer=http://{cookie}@127.0.0.1:{n.rpc_port}/wallet/{wname}")
        self.write_price(src, "52")
        rc, err = self.feeder(f"-source=file:{src}", wallet="solo")
        assert_equal(rc, EXIT_ERROR, f"one key and no signer: {err}")
        assert_in("incomplete and no -signer", err)
        rc, err = self.feeder(f"-source=file:{src}", *signers, wallet="solo")
        assert_equal(rc, EXIT_PUBLISHED, err)
        assert_in("signer 1 signed", err)
        assert_in("signer 2 signed", err)
        self.mine_and_wait_price(52 * HUSD)
        srv.shutdown()

        log("loop mode: publishes, waits for its update to be mined, publishes the next move")
        errpath = os.path.join(self.tmpdir, "feeder_loop.err")
        self.write_price(src, "53")
        with open(errpath, "w") as errf:
            proc = subprocess.Popen(self.feeder_cmd("feeder") + ["-interval=1", f"-source=file:{src}"],
                                    stdout=subprocess.DEVNULL, stderr=errf)
        try:
            wait_until(lambda: len(node.getrawmempool()) == 1, what="the loop's first update")
            wait_until(lambda: "is not mined yet: waiting" in open(errpath).read(), what="the loop waits")
            assert_equal(len(node.getrawmempool()), 1, "no second update while the first is unmined")
            self.mine_and_wait_price(53 * HUSD)
            self.write_price(src, "54")
            wait_until(lambda: len(node.getrawmempool()) == 1, what="the loop's second update")
            self.mine_and_wait_price(54 * HUSD)
        finally:
            proc.terminate()
            proc.wait(timeout=30)


if __name__ == "__main__":
    OracleFeederTest().main()
