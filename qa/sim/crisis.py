#!/usr/bin/env python3
"""crisis: the HUSD crisis simulation (doc/crisis.md).

Three regtest nodes; N miner-owned vaults opened by coinbases and minted to
spread-out ratios; HUSD spread over four wallets, two of them the wallets of
keepers on nodes 1 and 2; then hashmint-oracle (-once, a price file)
publishes, block by block, a price path: -50 % over a "week", -90 % within a
"day", a partial recovery. Asserted after every block (any failure exits 1):
the totals add up and a shortfall is reported exactly (vaults under 100 %
listed); every liquidatable vault is liquidated within 3 blocks or listed
with the reason (the keepers lack the HUSD); the breaker's state is the
spec's rule applied to the prices the chain saw; auditreserves is clean and
getreserves/the HMRS output agree on every node. Writes crisis.csv and
crisis.png into --outdir.

    qa/sim/crisis.py [--short] [--vaults N] [--blocks B] [--outdir DIR] [--builddir DIR]
"""
import argparse
import csv
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "functional"))
import framework  # noqa: E402
from framework import (HashmintTestFramework, TestFailure, assert_equal, assert_raises_rpc_error,  # noqa: E402
                       assert_true, log, wait_until)
from p2p_util import connect_nodes, p2p_listen_args, wait_for_tip  # noqa: E402
from wallet_vault_test import ISSUER, ORACLE, multi_desc  # noqa: E402

HUSD = 100_000_000
START_PRICE = 100 * HUSD
HMRS_PREFIX = "6a34484d5253"
LIQ_DEADLINE = 3   # blocks a liquidatable vault may stay open


def price_path(blocks):
    """Per-block prices (base units): -50 % over a week, -90 % within a day, recovery to 40 % of the low's fall.

    The week is 7/12 of the blocks and the day one seventh of the week (at
    least 2 blocks); each phase is geometric, so every block moves by the same
    percentage within it."""
    week = max(3, blocks * 7 // 12)
    day = max(2, week // 7)
    rec = max(1, blocks - week - day)
    p_week, p_day = START_PRICE // 2, START_PRICE // 20   # 50, then 5 HUSD/HMC
    p_end = START_PRICE * 35 // 100                         # partial recovery to 35 HUSD/HMC
    out = []
    for i in range(1, week + 1):
        out.append(int(START_PRICE * (p_week / START_PRICE) ** (i / week)))
    for i in range(1, day + 1):
        out.append(int(p_week * (p_day / p_week) ** (i / day)))
    for i in range(1, rec + 1):
        out.append(int(p_day * (p_end / p_day) ** (i / rec)))
    return out[:max(blocks, week + day + 1)]


def fmt_price(base):
    return f"{base // HUSD}.{base % HUSD:08d}"


class CrisisSim(HashmintTestFramework):
    """crisis"""
    num_nodes = 3

    def set_test_params(self):
        self.extra_args = [p2p_listen_args() + ["-keypool=50"],
                           p2p_listen_args() + ["-keeper=1", "-keeperwallet=k1"],
                           p2p_listen_args() + ["-keeper=1", "-keeperwallet=k2"]]

    # ---- helpers ----

    def asset(self, node=None):
        [a] = (node or self.n0).getissuanceinfo()["assets"]
        return a

    def mine(self, n=1):
        hashes = self.n0.generatetoaddress(n, self.miner_addr)
        wait_for_tip(self.nodes)
        return hashes

    def feeder(self, price):
        """One hashmint-oracle -once round on the price file; True when it published."""
        with open(self.price_file, "a") as f:
            f.write(f"{int(time.time())} {fmt_price(price)}\n")
        n = self.n0
        cmd = [os.path.join(framework.BUILDDIR, "hashmint-oracle"), "-regtest", f"-datadir={n.datadir}",
               f"-rpcport={n.rpc_port}", "-rpcwallet=miner", f"-source=file:{self.price_file}",
               "-maxjump=95", "-once"]
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
        if p.returncode not in (0, 3):
            raise TestFailure(f"hashmint-oracle exit {p.returncode}: {p.stderr.decode()[-500:]}")
        return p.returncode == 0

    def relay_then_mine(self):
        """Waits until every keeper has processed the tip and node 0 has every mempool transaction; mines one block."""
        tip = self.n0.getblockcount()
        wait_until(lambda: all(n.getkeeperinfo()["height"] == tip for n in self.nodes[1:]), what="keepers at tip")
        # both keepers may liquidate the same vault: node 0 keeps one of the two, so wait on the spends
        want = [self.spent_in_mempool(n) for n in self.nodes[1:]]

        def covered():
            have = self.spent_in_mempool(self.n0)
            return all(txid in have.values() or ins & set(have)
                       for w in want for txid, ins in w.items())
        wait_until(covered, what="relay to the miner")
        [h] = self.mine()
        return h

    def spent_in_mempool(self, node):
        """{outpoint: txid} spent by the node's mempool transactions (n0), or {txid: inputs} (the others)."""
        out = {}
        for txid in node.getrawmempool():
            try:
                tx = node.getrawtransaction(txid, True)
            except framework.JSONRPCException:
                continue   # mined or replaced meanwhile
            ins = {(i["txid"], i["vout"]) for i in tx["vin"]}
            if node is self.n0:
                out.update({o: txid for o in ins})
            else:
                out[txid] = ins
        return out

    def husd(self, wallet):
        return wallet.gettokenbalance("HUSD")

    def vaults(self):
        return {v["outpoint"]: v for v in self.n0.listvaults("HUSD", 100000) if v["debt"] > 0}

    # ---- setup ----

    def setup_world(self):
        n0, n1, n2 = self.nodes
        self.n0 = n0
        self.price_file = os.path.join(self.tmpdir, "prices.txt")
        connect_nodes(n1, n0)
        connect_nodes(n2, n0)
        connect_nodes(n2, n1)
        n0.createwallet("miner")
        n0.createwallet("h0")
        n1.createwallet("k1")
        n1.createwallet("h1")
        n2.createwallet("k2")
        miner = n0.wallet("miner")
        # the miner holds the issuer's threshold (3 of 5) and the oracle's (2 of 3): mint and feeder sign alone
        for r in miner.importdescriptors([{"desc": multi_desc(n0, 3, ISSUER, [0, 1, 2]), "timestamp": "now"},
                                          {"desc": multi_desc(n0, 2, ORACLE, [0, 1]), "timestamp": "now"}]):
            assert_true(r["success"], f"importdescriptors: {r}")
        self.miner = miner
        self.miner_addr = miner.getnewaddress()
        self.k1, self.k2 = n1.wallet("k1"), n2.wallet("k2")
        self.holders = [self.k1, self.k2, n0.wallet("h0"), n1.wallet("h1")]

        log(f"{self.args.vaults} coinbases open miner-owned vaults; coins mature")
        self.mine(20)   # fee coins, mature with the vaults
        vault_addrs = []
        for _ in range(self.args.vaults):
            a = miner.getnewaddress()
            n0.generatetovault(1, a)
            vault_addrs.append(a)
        self.mine(101)
        for k in (self.k1, self.k2):   # fees for the keepers' liquidations
            for _ in range(3):
                miner.sendtoaddress(k.getnewaddress(), 5)
        self.mine()
        vaults = [v["outpoint"] for v in miner.listvaults("HUSD", 100000)]
        assert_equal(len(vaults), self.args.vaults)

        log("the feeder publishes 100 HUSD/HMC; each vault mints to a ratio between 155 % and 600 %")
        n = len(vaults)
        for i, op in enumerate(sorted(vaults)):
            if self.feeder(START_PRICE):
                self.mine()
            coll = n0.getvault(op)["collateral"]
            ratio = 155 + (600 - 155) * i // max(1, n - 1)
            debt = coll * START_PRICE // 10 ** 8 * 100 // ratio // HUSD * HUSD
            to = self.holders[i % len(self.holders)].getnewaddress()
            r = miner.mint(op, debt, to)
            assert_true(r["complete"], f"mint: {r}")
            self.mine()
        a = self.asset()
        log(f"supply {a['supply'] / HUSD:.0f} HUSD in {a['vault_count']} vaults, system ratio {a['system_ratio_pct']} %;"
            f" keepers hold {self.husd(self.k1) / HUSD:.0f} and {self.husd(self.k2) / HUSD:.0f} HUSD")

    # ---- the crisis ----

    def check_block(self, h, hashb, prev_vaults):
        a = self.asset()
        params = a["parameters"]
        price = a["price"]
        # the breaker: the spec's rule (doc/issuance.md) over the prices the chain saw
        self.price_after[h] = price
        if a["price_height"] == h:
            w = params["breaker_window"]
            high = max(self.price_after[x] for x in range(h - w, h) if x in self.price_after)
            if price * 100 <= high * (100 - params["breaker_drop_pct"]):
                self.breaker_until = max(self.breaker_until, h + params["breaker_pause"])
        assert_equal(a["breaker_until"], self.breaker_until, f"breaker_until at {h}")
        assert_equal(a["breaker_active"], h + 1 < self.breaker_until, f"breaker_active at {h}")
        if a["breaker_active"] and not self.mint_tried:
            # the pause is real: a mint the ratio would allow is refused for the breaker
            self.mint_tried = True
            best = max(self.vaults().values(), key=lambda v: v["ratio"] or 0)
            assert_raises_rpc_error(-4, "bad-issuance-mint-breaker", self.miner.mint, best["outpoint"],
                                    params["min_vault_debt"])
            log(f"block {h}: the breaker is on until {self.breaker_until}; a mint into {best['outpoint'][:8]} "
                f"(ratio {best['ratio']} %) is refused (bad-issuance-mint-breaker)")

        # totals: the vaults add up to the state; the shortfall is the vaults' and reported
        vaults = self.vaults()
        assert_equal(sum(v["debt"] for v in vaults.values()), a["supply"], "debts = supply")
        all_coll = sum(v["collateral"] for v in self.n0.listvaults("HUSD", 100000))
        assert_equal(all_coll, a["total_collateral"], "collateral sum")
        value = a["total_collateral"] * price // 10 ** 8
        under = {op: v for op, v in vaults.items() if v["collateral"] * price // 10 ** 8 < v["debt"]}
        deficit = sum(v["debt"] - v["collateral"] * price // 10 ** 8 for v in under.values())
        shortfall = max(0, a["supply"] - value)
        assert_true(deficit >= shortfall, f"the vaults under 100 % account for the shortfall ({deficit} < {shortfall})")
        if shortfall:
            assert_true(under, "a shortfall has vaults under 100 %")
            self.shortfalls.append((h, shortfall, sorted(under)))

        # liquidations within LIQ_DEADLINE blocks, or why not
        gone = [op for op in prev_vaults if op not in vaults]
        for op in gone:
            self.first_liq.pop(op, None)
        late = []
        bal = (self.husd(self.k1), self.husd(self.k2))
        for op, v in vaults.items():
            if v["liquidatable"]:
                self.first_liq.setdefault(op, h)
                if h - self.first_liq[op] >= LIQ_DEADLINE:
                    if max(bal) >= v["debt"]:
                        raise TestFailure(f"vault {op} liquidatable since {self.first_liq[op]}, a keeper holds "
                                          f"{max(bal)} >= its debt {v['debt']}, still open at {h}")
                    late.append(op)
        if late:
            self.unliquidated[h] = (late, bal)

        # auditreserves and the reserve commitment on every node
        reserves = []
        for n in self.nodes:
            au = n.auditreserves()
            assert_true(au["ok"] and not au["mismatches"], f"node{n.index} auditreserves at {h}: {au['mismatches']}")
            assert_equal(au["bestblock"], hashb)
            reserves.append(n.getreserves())
        for r in reserves[1:]:
            assert_equal(r, reserves[0], f"getreserves agree at {h}")
        outs = [o["scriptPubKey"]["hex"] for o in self.n0.getblock(hashb, 2)["tx"][0]["vout"]
                if o["scriptPubKey"]["hex"].startswith(HMRS_PREFIX)]
        assert_equal(outs, [reserves[0]["commitment"]], f"the block's HMRS output at {h}")

        ratio = a["system_ratio_pct"]
        row = {"height": h, "price": price, "supply": a["supply"], "collateral_value": value,
               "system_ratio_pct": "" if ratio is None else ratio, "liquidations": len(gone),
               "breaker_active": int(a["breaker_active"]), "breaker_until": a["breaker_until"],
               "vaults": len(vaults), "liquidatable": sum(v["liquidatable"] for v in vaults.values()),
               "under_100": len(under), "shortfall": shortfall, "unliquidated_late": len(late),
               "keeper_husd": bal[0] + bal[1]}
        self.rows.append(row)
        log(f"block {h}: price {price / HUSD:8.2f} supply {a['supply'] / HUSD:9.0f} value {value / HUSD:9.0f} "
            f"ratio {row['system_ratio_pct']}% liq {len(gone)} open {len(vaults)} liquidatable {row['liquidatable']} "
            f"under100 {len(under)} shortfall {shortfall / HUSD:.0f} breaker {'ON' if a['breaker_active'] else 'off'}"
            + (f" late {len(late)} (keepers out of HUSD: {bal[0] / HUSD:.0f}/{bal[1] / HUSD:.0f}): "
               + " ".join(op[:8] for op in late) if late else ""))
        return vaults

    def run_test(self):
        self.setup_world()
        path = price_path(self.args.blocks)
        self.rows, self.shortfalls, self.unliquidated, self.first_liq = [], [], {}, {}
        a = self.asset()
        self.breaker_until = a["breaker_until"]
        self.mint_tried = False
        self.price_after = {}
        tip = self.n0.getblockcount()
        for x in range(max(0, tip - 40), tip + 1):   # the prices in force before the crisis (flat 100 since setup)
            self.price_after[x] = a["price"]
        vaults = self.vaults()
        log(f"the crisis: {len(path)} blocks, {path[0] / HUSD:.2f} -> {min(path) / HUSD:.2f} -> {path[-1] / HUSD:.2f}")
        for p in path:
            published = self.feeder(p)
            hashb = self.relay_then_mine()
            h = self.n0.getblockcount()
            if published:
                assert_equal(self.asset()["price"], p, f"the feeder's price in block {h}")
            vaults = self.check_block(h, hashb, vaults)
        # a few flat blocks so the last liquidations settle (or are listed)
        for _ in range(LIQ_DEADLINE):
            self.feeder(path[-1])
            hashb = self.relay_then_mine()
            vaults = self.check_block(self.n0.getblockcount(), hashb, vaults)
        self.write_outputs()
        k = [n.getkeeperinfo() for n in self.nodes[1:]]
        log("keepers: " + "; ".join(f"k{i + 1} sent {x['sent']} confirmed {x['confirmed']} lost {x['lost']} "
                                    f"HUSD spent {x['husd_spent'] / HUSD:.0f}" for i, x in enumerate(k)))
        if self.shortfalls:
            h, s, under = self.shortfalls[-1]
            log(f"shortfall at {len(self.shortfalls)} blocks; last at {h}: {s / HUSD:.2f} HUSD, vaults under 100 %: "
                + ", ".join(under))
        for h, (late, bal) in sorted(self.unliquidated.items())[-1:]:
            log(f"liquidatable > {LIQ_DEADLINE} blocks at {h} (keepers hold {bal[0] / HUSD:.0f}/{bal[1] / HUSD:.0f}"
                f" HUSD, less than each debt): " + ", ".join(late))

    def write_outputs(self):
        os.makedirs(self.args.outdir, exist_ok=True)
        csv_path = os.path.join(self.args.outdir, "crisis.csv")
        with open(csv_path, "w", newline="") as f:
            w = csv.DictWriter(f, fieldnames=list(self.rows[0]))
            w.writeheader()
            w.writerows(self.rows)
        log(f"wrote {csv_path}")
        png = os.path.join(self.args.outdir, "crisis.png")
        plot(self.rows, png)
        log(f"wrote {png}")

    def main(self):
        ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
        ap.add_argument("--short", action="store_true", help="CI form: 12 vaults, 30 blocks")
        ap.add_argument("--vaults", type=int)
        ap.add_argument("--blocks", type=int)
        ap.add_argument("--outdir")
        self.args, rest = ap.parse_known_args()
        self.args.vaults = self.args.vaults or (12 if self.args.short else 50)
        self.args.blocks = self.args.blocks or (30 if self.args.short else 120)
        builddir = framework.BUILDDIR
        for i, x in enumerate(rest):   # the framework's --builddir decides the default outdir too
            if x.startswith("--builddir"):
                builddir = x.split("=", 1)[1] if "=" in x else rest[i + 1]
        self.args.outdir = os.path.abspath(self.args.outdir or os.path.join(builddir, "qa-output", "crisis"))
        sys.argv = [sys.argv[0]] + rest
        super().main()


def plot(rows, png):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    hs = [r["height"] for r in rows]
    fig, (ax1, ax2, ax3) = plt.subplots(3, 1, sharex=True, figsize=(8, 7))
    ax1.plot(hs, [r["price"] / HUSD for r in rows], color="tab:blue")
    liq = [(r["height"], r["price"] / HUSD, r["liquidations"]) for r in rows if r["liquidations"]]
    if liq:
        ax1.scatter([x[0] for x in liq], [x[1] for x in liq], s=[12 * x[2] for x in liq], color="tab:red",
                    zorder=3, label="liquidations (size: count)")
        ax1.legend(loc="upper right")
    for r in rows:
        if r["breaker_active"]:
            ax1.axvspan(r["height"] - 0.5, r["height"] + 0.5, color="tab:orange", alpha=0.15, lw=0)
    ax1.set_ylabel("price (HUSD/HMC)")
    ax1.set_title("HUSD crisis: price (breaker shaded), system ratio, supply")
    ax2.plot(hs, [r["system_ratio_pct"] if r["system_ratio_pct"] != "" else float("nan") for r in rows],
             color="tab:green")
    ax2.axhline(100, color="grey", ls="--", lw=0.8)
    ax2.axhline(120, color="tab:red", ls=":", lw=0.8)
    ax2.set_ylabel("system ratio (%)")
    ax3.plot(hs, [r["supply"] / HUSD for r in rows], color="tab:purple", label="supply")
    ax3.plot(hs, [r["collateral_value"] / HUSD for r in rows], color="tab:brown", label="collateral value")
    ax3.legend(loc="upper right")
    ax3.set_ylabel("HUSD")
    ax3.set_xlabel("block height")
    fig.tight_layout()
    fig.savefig(png, dpi=80)
    plt.close(fig)


if __name__ == "__main__":
    CrisisSim().main()
