#!/usr/bin/env python3
"""The reserve explorer (doc/explorer.md) in a real browser.

One regtest node with -rest: twelve coinbase vaults, an oracle update to
110 HUSD/HMC, mints of 200..600 HUSD on five of them (3-of-5 issuer), then a
fall to 80 HUSD/HMC that trips the circuit breaker. Then:
- the REST endpoints against the RPCs: /rest/issuance.json is getissuanceinfo
  plus the price history, which follows the oracle updates exactly (also back
  to genesis, and after invalidateblock of the fall); /rest/vaults.json pages
  listvaults in both orders; /rest/reserveproof/ is getreserveproof's proof,
  which verifyreserveproof accepts;
- headless Chromium (Debian's chromium over the DevTools protocol, cdp.py)
  opens /explorer/: the figures in the DOM equal the RPC answers, the chart
  has one point per block, the table lists the vaults in listvaults' order,
  sorts by ratio both ways and pages; "verify" passes for a vault with debt
  and for a debt-free one; a proof whose first sibling hash has one bit
  flipped (the response rewritten by the DevTools Fetch domain before the
  page sees it) fails with bad-reserve-commitment; a screenshot is written
  to <builddir>/qa-output/explorer_test/explorer.png; the page asks nothing
  of any origin but the node;
- bad input: "..", encoded "..", unknown files, a huge or zero page, a bad
  sort or order, a malformed outpoint: 404 / 400 as doc/rest.md says, no
  directory listing, and the node keeps answering.
Exits 77 (skipped) when chromium or python3-websocket is missing.
"""
import http.client
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framework  # noqa: E402
from framework import (ADDRESS_UNSPENDABLE, HashmintTestFramework, Key, assert_equal, assert_in,  # noqa: E402
                       assert_true, coins, log, satoshi, sign_with_rpc)
from issuance_chain_test import FEE, HUSD, ISSUER_ADDR, ISSUER_KEYS, ISSUER_WS, ORACLE_ADDR, ORACLE_KEYS, ORACLE_WS  # noqa: E402
import cdp  # noqa: E402

OWNER = Key.from_label("explorer owner")
MINER = Key.from_label("explorer miner")
HOLDER = Key.from_label("explorer holder")
VAULTS = 12
PER_PAGE = 10          # the page's PER_PAGE (explorer.js)
HISTORY = 100          # the page's HISTORY_BLOCKS
DEBTS = [200, 300, 400, 500, 600]


def flip(proof, i):
    """proof with the lowest bit of byte i flipped."""
    p = bytearray(proof)
    p[i] ^= 0x01
    return bytes(p)


class ExplorerTest(HashmintTestFramework):
    """explorer_test"""

    def set_test_params(self):
        self.extra_args = [["-rest"]]

    # ---- HTTP ----

    def get(self, path):
        """GET path exactly as written (no normalisation of '..'): (status, content type, body)."""
        c = http.client.HTTPConnection("127.0.0.1", self.node.rpc_port, timeout=60)
        c.putrequest("GET", path, skip_accept_encoding=True)
        c.endheaders()
        r = c.getresponse()
        body = r.read()
        c.close()
        return r.status, r.getheader("Content-Type"), body

    def get_json(self, path):
        status, ctype, body = self.get(path)
        assert_equal((status, ctype), (200, "application/json"), f"{path}: {body[:200]}")
        return json.loads(body)

    # ---- chain set-up (as issuance_rpc_test) ----

    def mine(self):
        return self.node.generatetoaddress(1, ADDRESS_UNSPENDABLE)[0]

    def info(self):
        return self.node.getissuanceinfo()["assets"][0]

    def utxo(self, txid, vout, ws=None):
        o = self.node.gettxout(txid, vout)
        u = {"txid": txid, "vout": vout, "amount": o["value"], "scriptPubKey": o["scriptPubKey"]["hex"]}
        if ws:
            u["witnessScript"] = ws
        return u

    def oracle_update(self, price):
        node = self.node
        o = self.info()["oracle"]["outpoint"].split(":")
        oracle = self.utxo(o[0], int(o[1]), ORACLE_WS)
        fee = self.utxo(self.fee_coins.pop(0), 0)
        raw = node.createrawtransaction(
            [{"txid": oracle["txid"], "vout": oracle["vout"]}, {"txid": fee["txid"], "vout": 0}],
            [{ORACLE_ADDR: {"kind": "oracle", "price": price, "value": oracle["amount"]}},
             {MINER.p2wpkh_address(): coins(satoshi(fee["amount"]) - FEE)}])
        node.sendrawtransaction(sign_with_rpc(node, raw, ORACLE_KEYS + [MINER], [oracle, fee]))
        self.mine()
        return node.getblockcount()

    def mint(self, vault_txid, debt):
        node = self.node
        iss = self.info()["issuer"]["outpoint"].split(":")
        issuer = self.utxo(iss[0], int(iss[1]), ISSUER_WS)
        vin = self.utxo(vault_txid, 0)
        coll = satoshi(vin["amount"]) - FEE
        raw = node.createrawtransaction(
            [{"txid": vault_txid, "vout": 0}, {"txid": issuer["txid"], "vout": issuer["vout"]}],
            [{OWNER.p2wpkh_address(): {"kind": "vault", "debt": debt, "value": coins(coll)}},
             {ISSUER_ADDR: {"kind": "issuer", "flags": 0, "value": issuer["amount"]}},
             {HOLDER.p2wpkh_address(): {"kind": "token", "amount": debt}}])
        txid = node.sendrawtransaction(sign_with_rpc(node, raw, [OWNER] + ISSUER_KEYS, [vin, issuer]))
        self.mine()
        return txid

    # ---- checks ----

    def check_rest(self, h_up, h_down):
        node = self.node
        tip = node.getblockcount()
        rest = self.get_json(f"/rest/issuance.json?history={HISTORY}")
        rpc = node.getissuanceinfo()
        a_rest, a_rpc = rest["assets"][0], rpc["assets"][0]
        hist = a_rest.pop("price_history")
        assert_equal(rest, rpc, "issuance.json is getissuanceinfo plus price_history")
        coll, supply, price = a_rpc["total_collateral"], a_rpc["supply"], a_rpc["price"]
        assert_equal(a_rpc["system_ratio_pct"], coll * price * 100 // (10**8 * supply))

        def price_at(h):
            return 80 * HUSD if h >= h_down else 110 * HUSD if h >= h_up else 100 * HUSD
        assert_equal(hist, [{"height": h, "price": price_at(h)} for h in range(tip - HISTORY + 1, tip + 1)])
        full = self.get_json("/rest/issuance.json?history=1000")["assets"][0]["price_history"]
        assert_equal(full, [{"height": h, "price": price_at(h)} for h in range(0, tip + 1)], "back to genesis")
        assert_equal(self.get_json("/rest/issuance.json?history=0")["assets"][0]["price_history"], [])
        log(f"issuance.json = getissuanceinfo; price history follows the updates at {h_up} and {h_down}")

        every = node.listvaults()
        assert_equal(len(every), VAULTS)
        v1 = self.get_json("/rest/vaults.json?sort=ratio&order=asc&page=1&per_page=5")
        assert_equal((v1["total"], v1["pages"], v1["page"], v1["per_page"], v1["order"]), (VAULTS, 3, 1, 5, "asc"))
        assert_equal(v1["vaults"], every[:5])
        assert_equal(self.get_json("/rest/vaults.json?page=3&per_page=5")["vaults"], every[10:])
        assert_equal(self.get_json("/rest/vaults.json?order=desc&per_page=100")["vaults"], every[::-1])
        assert_equal(self.get_json("/rest/vaults.json?page=4&per_page=5")["vaults"], [], "past the last page")
        assert_equal(self.get_json("/rest/vaults.json?page=1000000000&per_page=100")["vaults"], [])
        log("vaults.json pages listvaults in both orders; past the last page: empty")

        op = every[0]["outpoint"]
        txid, n = op.split(":")
        p = self.get_json(f"/rest/reserveproof/{txid}-{n}.json")
        assert_equal((p["outpoint"], p["blockhash"], p["height"]), (op, node.getbestblockhash(), tip))
        assert_equal(p["proof"], node.getreserveproof(op))
        v = node.verifyreserveproof(p["proof"])
        assert_equal((v["valid"], v["txid"], v["vout"]), (True, txid, int(n)))
        status, ctype, raw = self.get(f"/rest/reserveproof/{txid}-{n}.bin")
        assert_equal((status, ctype, raw.hex()), (200, "application/octet-stream", p["proof"]))
        status, _, raw = self.get(f"/rest/headers/{node.getblockhash(0)}.bin?count=2000")
        assert_equal((status, len(raw)), (200, 80 * (tip + 1)), "the page's headers request")
        log("reserveproof = getreserveproof (json and bin); headers.bin serves the whole chain")

    def check_bad_input(self):
        node = self.node
        tip = node.getblockcount()
        txid = node.listvaults()[0]["outpoint"].split(":")[0]
        cases = [
            ("/explorer/../rest/chaininfo.json", 404), ("/explorer/..%2f..%2fetc/passwd", 404),
            ("/explorer/%2e%2e/explorer.js", 404), ("/explorer/./index.html", 404), ("/explorer//index.html", 404),
            ("/explorer/src/rpc/explorer/index.html", 404), ("/explorer/nothing.js", 404), ("/explorerx", 404),
            ("/rest/vaults.json?page=0", 400), ("/rest/vaults.json?page=1000000001", 400),
            ("/rest/vaults.json?page=99999999999999999999999999", 400), ("/rest/vaults.json?page=-1", 400),
            ("/rest/vaults.json?page=1x", 400), ("/rest/vaults.json?per_page=101", 400),
            ("/rest/vaults.json?per_page=0", 400), ("/rest/vaults.json?sort=debt", 400),
            ("/rest/vaults.json?order=up", 400), ("/rest/vaults.bin", 404), ("/rest/issuance.json?history=1001", 400),
            ("/rest/issuance.hex", 404), ("/rest/reserveproof/xyz-0.json", 400),
            (f"/rest/reserveproof/{txid}.json", 400), (f"/rest/reserveproof/{txid}:0.json", 400),
            (f"/rest/reserveproof/{txid}-4294967296.json", 400), (f"/rest/reserveproof/{txid}--1.json", 400),
            (f"/rest/reserveproof/{txid}-0.txt", 404), (f"/rest/reserveproof/{'00' * 32}-0.json", 404),
            ("/rest/reserveproof/" + "a" * 5000 + "-0.json", 400),
        ]
        for path, want in cases:
            status, ctype, body = self.get(path)
            assert_equal(status, want, f"{path[:80]}: {body[:120]}")
            assert_equal(ctype, "text/plain", path[:80])
            assert_true(b"<a href" not in body and b"index.html" not in body, "no listing")
        for path, ctype in [("/explorer/", "text/html; charset=utf-8"), ("/explorer", "text/html; charset=utf-8"),
                            ("/explorer/index.html", "text/html; charset=utf-8"),
                            ("/explorer/explorer.js", "text/javascript; charset=utf-8"),
                            ("/explorer/explorer.css", "text/css; charset=utf-8")]:
            status, got, body = self.get(path)
            name = "index.html" if not path.endswith((".js", ".css", ".html")) else path.rsplit("/", 1)[1]
            with open(os.path.join(framework.SRCDIR, "src/rpc/explorer", name), "rb") as f:
                want = f.read()
            assert_equal((status, got), (200, ctype), path)
            assert_true(body == want, f"{path}: the served bytes are not src/rpc/explorer/{name} (rebuild?)")
        assert_equal(node.getblockcount(), tip, "the node is unaffected")
        log(f"bad input: {len(cases)} URLs answered 404/400 in text/plain; the page's files with their types")

    def page_figures(self, b):
        return b.eval("""JSON.stringify(Object.fromEntries(
            ['height','supply','collateral','ratio','price','breaker','paused','vault-count'].map(
                (id) => [id, document.getElementById(id).dataset.value])))""")

    def page_rows(self, b):
        return json.loads(b.eval("""JSON.stringify(Array.from(document.querySelectorAll('#vaults tbody tr'),
            (tr) => [tr.dataset.outpoint, tr.dataset.ratio]))"""))

    def verify_in_page(self, b, outpoint):
        b.eval(f"""document.querySelector('#vaults tbody tr[data-outpoint="{outpoint}"] button.verify').click(), 1""")
        b.wait_for(f"""(() => {{ const r = document.getElementById('verify-result');
            return r.dataset.outpoint === '{outpoint}' && (r.dataset.status === 'pass' || r.dataset.status === 'fail'); }})()""",
                   timeout=120)
        return b.eval("document.getElementById('verify-result').dataset.status"), \
            b.eval("document.getElementById('verify-result').innerText")

    def check_browser(self):
        node = self.node
        url = f"http://127.0.0.1:{node.rpc_port}/explorer/"
        outdir = os.path.join(framework.BUILDDIR, "qa-output", "explorer_test")
        os.makedirs(outdir, exist_ok=True)
        with cdp.Browser(self.tmpdir) as b:
            b.navigate(url)
            b.wait_for("document.body && document.body.dataset.loaded", what="the page loaded")
            status_text = b.eval("document.getElementById('status').textContent")
            assert_equal(b.eval("document.body.dataset.loaded"), "1", f"page status: {status_text} {b.console}")
            a = self.info()
            fig = json.loads(self.page_figures(b))
            assert_equal(fig, {"height": str(node.getblockcount()), "supply": str(a["supply"]),
                               "collateral": str(a["total_collateral"]), "ratio": str(a["system_ratio_pct"]),
                               "price": str(a["price"]), "breaker": "true", "paused": "false",
                               "vault-count": str(a["vault_count"])})
            assert_equal(a["breaker_active"], True)
            supply_text = b.eval("document.getElementById('supply').textContent")
            assert_equal(supply_text, f"{a['supply'] // HUSD:,}.{a['supply'] % HUSD:08d} HUSD")
            assert_equal(b.eval("document.querySelector('#chart path.line').dataset.points"), str(HISTORY))
            log(f"the page shows getissuanceinfo's figures ({supply_text}, ratio {a['system_ratio_pct']} %)"
                f" and a chart of {HISTORY} blocks")

            every = [[v["outpoint"], "null" if v["ratio"] is None else str(v["ratio"])] for v in node.listvaults()]
            assert_equal(self.page_rows(b), every[:PER_PAGE], "first page: listvaults' order")
            b.eval("document.getElementById('next').click(), 1")
            b.wait_for("document.body.dataset.vaultsLoaded.startsWith('asc:2:')")
            assert_equal(self.page_rows(b), every[PER_PAGE:], "second page")
            b.eval("document.getElementById('sort-ratio').click(), 1")
            b.wait_for("document.body.dataset.vaultsLoaded.startsWith('desc:1:')")
            assert_equal(self.page_rows(b), every[::-1][:PER_PAGE], "sorted by ratio, highest first")
            b.eval("document.getElementById('sort-ratio').click(), 1")
            b.wait_for("document.body.dataset.vaultsLoaded.startsWith('asc:1:')")
            rows = self.page_rows(b)
            assert_equal(rows, every[:PER_PAGE], "lowest first again")
            ratios = [int(r) for _, r in rows if r != "null"]
            assert_equal(ratios, sorted(ratios))
            log("the table: listvaults' order, paged, sorted both ways")

            with_debt = every[0][0]
            debt_free = every[-1][0] if every[-1][0] in [r[0] for r in rows] else rows[-1][0]
            for op in (with_debt, debt_free):
                status, text = self.verify_in_page(b, op)
                assert_equal(status, "pass", f"verify {op}: {text} {b.console}")
                tip = node.getblockcount()
                for what in (f"the leaf is vault {op} ", "commits to exactly that root", "Merkle branch",
                             f"block {node.getbestblockhash()}: its hash meets its own nBits",
                             f"the node's {tip + 1} headers from hashmint regtest's genesis block {node.getblockhash(0)} link",
                             f"the one at height {tip}: 1 confirmation"):
                    assert_in(what, text)
            log(f"verify passes in the browser:\n{text}")
            b.screenshot(os.path.join(outdir, "explorer.png"))

            # Proofs changed on their way to the page (doc/explorer.md, "Testing").
            proof = bytes.fromhex(node.getreserveproof(with_debt))
            depth = int.from_bytes(proof[125:127], "little")
            header = 127 + 48 * depth
            cb_end = header + 81 + proof[header + 80]
            cases = [
                ("one bit of the first sibling's hash", lambda p: flip(p, 127), ["bad-reserve-commitment"]),
                ("one bit of the coinbase's locktime", lambda p: flip(p, cb_end - 1), ["bad-reserve-proof-merkle"]),
                # its hash changes: it misses its nBits or is not the chain's header
                ("one bit of the header's time", lambda p: flip(p, header + 68),
                 ["high-hash", "bad-headers-missing-block"]),
                ("one bit of the leaf's debt", lambda p: flip(p, 1 + 76), ["is not the listed vault"]),
                ("a byte appended", lambda p: p + b"\0", ["does not decode (trailing bytes)"]),
            ]
            current = {}

            def rewrite(raw):
                j = json.loads(raw)
                j["proof"] = current["fn"](bytes.fromhex(j["proof"])).hex()
                return json.dumps(j).encode()
            seen = b.intercept("*/rest/reserveproof/*", rewrite)
            for i, (what, fn, reasons) in enumerate(cases):
                current["fn"] = fn
                status, text = self.verify_in_page(b, with_debt)
                assert_equal(len(seen), i + 1, "the proof was rewritten")
                assert_equal(status, "fail", f"{what}: {text}")
                assert_true(any(r in text for r in reasons) and "FAILED" in text, f"{what}: {text}")
                if i == 0:
                    b.screenshot(os.path.join(outdir, "explorer-tampered.png"))
                log(f"{what}: {text.splitlines()[0]}")
            b.stop_intercepting()
            status, text = self.verify_in_page(b, with_debt)
            assert_equal(status, "pass", "untouched again")
            with open(os.path.join(outdir, "explorer.png"), "rb") as f:
                assert_equal(f.read(8), b"\x89PNG\r\n\x1a\n")
            log(f"tampered proofs fail in the browser; screenshots in {outdir}")
            assert_equal([c for c in b.console if "exception" in c], [], "no script errors")
            b.pump()
            origin = f"http://127.0.0.1:{node.rpc_port}/"
            assert_equal([u for u in b.requests if not u.startswith(origin)], [], "nothing but the node")
            assert_true(any("/rest/headers/" in u for u in b.requests), "headers fetched")
            log(f"the page made {len(b.requests)} requests, all to {origin}")

    def run_test(self):
        if not cdp.chromium_binary() or cdp.websocket is None:
            log("explorer_test: chromium or python3-websocket missing (contrib/install-deps.sh): skipped")
            sys.exit(77)
        node = self.node = self.nodes[0]
        vault_txids = []
        for _ in range(VAULTS):
            [h] = node.generatetovault(1, OWNER.p2wpkh_address())
            vault_txids.append(node.getblock(h)["tx"][0])
        hs = node.generatetoaddress(100, MINER.p2wpkh_address())
        self.fee_coins = [node.getblock(h)["tx"][0] for h in hs]
        h_up = self.oracle_update(110 * HUSD)
        for txid, debt in zip(vault_txids, DEBTS):
            self.mint(txid, debt * HUSD)
        h_down = self.oracle_update(80 * HUSD)  # 27 % under the window high: the breaker trips
        self.mine()
        self.tip_before = node.getbestblockhash()
        self.check_rest(h_up, h_down)
        # The history follows the active chain: without the fall it ends at 110.
        fall = node.getblockhash(h_down)
        node.invalidateblock(fall)
        hist = self.get_json("/rest/issuance.json?history=10")["assets"][0]["price_history"]
        assert_equal(hist, [{"height": h, "price": 110 * HUSD if h >= h_up else 100 * HUSD}
                            for h in range(h_down - 10, h_down)])
        node.reconsiderblock(fall)
        assert_equal(node.getbestblockhash(), self.tip_before)
        log("after invalidateblock the history ends with the price before the fall; reconsiderblock restores it")
        self.check_bad_input()
        self.check_browser()
        assert_equal(node.auditreserves()["ok"], True)


if __name__ == "__main__":
    ExplorerTest().main()
