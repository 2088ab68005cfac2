#!/usr/bin/env python3
"""crisis_sim_test: the crisis simulation (qa/sim/crisis.py, doc/crisis.md) in its short form.

Runs the simulation with --short (12 vaults, 30 blocks, the same assertions
as the long form, every block); it exits non-zero on any failed assertion.
Then checks its outputs: a CSV row per block with the columns of doc/crisis.md
and a PNG plot.
"""
import csv
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import framework  # noqa: E402
from framework import assert_equal, assert_true, log  # noqa: E402

COLUMNS = ["height", "price", "supply", "collateral_value", "system_ratio_pct", "liquidations", "breaker_active"]


def main():
    sim = os.path.join(HERE, "..", "sim", "crisis.py")
    with tempfile.TemporaryDirectory(prefix="hm_crisis_sim_") as out:
        cmd = [sys.executable, sim, "--short", f"--outdir={out}", f"--builddir={framework.BUILDDIR}"]
        log("running " + " ".join(cmd))
        rc = subprocess.run(cmd, timeout=800).returncode
        assert_equal(rc, 0, "the simulation passed its per-block assertions")
        with open(os.path.join(out, "crisis.csv")) as f:
            rows = list(csv.DictReader(f))
        assert_true(len(rows) >= 30, f"a row per block ({len(rows)})")
        for c in COLUMNS:
            assert_true(c in rows[0], f"column {c}")
        heights = [int(r["height"]) for r in rows]
        assert_equal(heights, list(range(heights[0], heights[0] + len(rows))), "consecutive heights")
        assert_true(sum(int(r["liquidations"]) for r in rows) > 0, "the crash liquidated vaults")
        assert_true(any(r["breaker_active"] == "1" for r in rows), "the breaker tripped")
        with open(os.path.join(out, "crisis.png"), "rb") as f:
            assert_equal(f.read(8), b"\x89PNG\r\n\x1a\n", "a PNG plot")
    log("crisis_sim_test: passed")


if __name__ == "__main__":
    main()
