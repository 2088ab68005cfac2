#!/usr/bin/env python3
"""The README's main job: contrib/run-regtest.sh runs to the end against this
build (HASHMINT_BUILDDIR, HASHMINT_NO_BUILD=1): a spend, a vault opened by
generatetovault and matured, a 2-of-3 oracle update, a 3-of-5 mint of 300
HUSD, getissuanceinfo showing that supply, a clean auditreserves,
getreserves, a reserve proof of the vault verified offline by hashmint-util
(same root as getreserves), and a clean stop. Its output is checked, not just its exit code.
"""
import json
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import framework  # noqa: E402
from framework import HashmintTestFramework, assert_equal, assert_in, assert_true, log  # noqa: E402

SRCDIR = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def json_after(text, heading):
    """The JSON document printed after '== <heading>'."""
    part = text.split(f"== {heading}\n", 1)[1]
    return json.JSONDecoder().raw_decode(part)[0]


class RunRegtestTest(HashmintTestFramework):
    """run_regtest_test"""
    num_nodes = 0

    def run_test(self):
        env = dict(os.environ, HASHMINT_BUILDDIR=framework.BUILDDIR, HASHMINT_NO_BUILD="1", TMPDIR=self.tmpdir)
        p = subprocess.run(["sh", os.path.join(SRCDIR, "contrib", "run-regtest.sh")], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=600 * framework.TIMEOUT_FACTOR)
        out, err = p.stdout.decode(), p.stderr.decode()
        if p.returncode != 0:
            print(out[-4000:], err[-4000:], sep="\n")
        assert_equal(p.returncode, 0, "run-regtest.sh exit code")
        for step in ("mining 101 blocks", "opening a vault with generatetovault", "maturing it",
                     "oracle update: 100 HUSD per HMC", "minting 300 HUSD", "getissuanceinfo", "auditreserves",
                     "getreserves", "a reserve proof of", "stopping the node"):
            assert_in(f"== {step}", out)
        info = json_after(out, "getissuanceinfo")["assets"][0]
        assert_equal((info["ticker"], info["supply"], info["total_debt"], info["price"], info["vault_count"]),
                     ("HUSD", 300 * 10**8, 300 * 10**8, 100 * 10**8, 1))
        audit = json_after(out, "auditreserves")
        assert_equal(audit["ok"], True)
        vault = re.search(r"== getvault (\S+)\n", out).group(1)
        v = json_after(out, f"getvault {vault}")
        assert_equal((v["debt"], v["mature"], v["liquidatable"]), (300 * 10**8, True, False))
        assert_true(v["ratio"] >= 150, "the mint respects the minimum ratio")
        res = json_after(out, "getreserves (the tree the tip's HMRS output commits to)")
        assert_equal((res["vault_count"], res["total_debt"]), (1, 300 * 10**8))
        proof_part = out.split("(no node involved)\n", 1)[1]
        offline = json.JSONDecoder().raw_decode(proof_part)[0]
        assert_equal((offline["valid"], offline["txid"] + ":" + str(offline["vout"]), offline["debt"],
                      offline["root"], offline["confirmations"]), (True, vault, 300 * 10**8, res["root"], 1))
        assert_in("hashmintd stopped cleanly", out)
        assert_equal([d for d in os.listdir(self.tmpdir) if d.startswith("hashmint-regtest.")], [],
                     "the script removed its data directory")
        log("contrib/run-regtest.sh: vault, oracle update, mint, getissuanceinfo, audit, clean stop")


if __name__ == "__main__":
    RunRegtestTest().main()
