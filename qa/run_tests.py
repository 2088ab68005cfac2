#!/usr/bin/env python3
"""Runs every hashmint test and prints one closing line `N passed, N failed`.

What counts as a test:
  - each Check test case of every unit-test program (qa/unit/**/*_tests),
    read from Check's summary line "Checks: N, Failures: F, Errors: E";
  - each case of a vector file, from the lines "<file>.json: PASSED/TOTAL"
    that the vector tests print;
  - each case of the Python unit tests (qa/unit/**/*_tests.py, unittest),
    read from "Ran N tests" and "FAILED (failures=F, errors=E)";
  - the layer checks: #include lines (contrib/check-includes.py) and the
    libraries' symbols and sources (contrib/check-deps.py, on --builddir);
  - each functional test script qa/functional/*_test.py (exit code 0 = pass,
    77 = skipped because the machine cannot run it, reported as skipped);
  - with --fuzz-builddir, each libFuzzer harness run for --fuzz-seconds.
Programs run in parallel (--jobs, default: CPU count).
"""
import argparse
import concurrent.futures
import glob
import os
import re
import subprocess
import sys
import shutil
import tempfile
import threading
import time

CHECK_SUMMARY = re.compile(r"(\d+)%: Checks: (\d+), Failures: (\d+), Errors: (\d+)")
VECTOR_COUNT = re.compile(r"^(\S+\.json): (\d+)/(\d+)$", re.M)


def functional_python():
    # python3-zmq and python3-bitcoinlib are Debian packages: use Debian's python.
    return "/usr/bin/python3" if os.path.exists("/usr/bin/python3") else sys.executable


def run(cmd, cwd, timeout, env=None):
    start = time.time()
    try:
        p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           timeout=timeout, env=env)
        out, rc = p.stdout.decode(errors="replace"), p.returncode
    except subprocess.TimeoutExpired as e:
        out, rc = (e.stdout or b"").decode(errors="replace") + f"\nTIMEOUT after {timeout}s", -1
    return rc, out, time.time() - start


def unit_job(path, builddir):
    # Unit tests that listen (connman_tests) take their ports from the same
    # per-process blocks as functional tests (PortSeeds below).
    seed = PORT_SEEDS.take()
    try:
        rc, out, secs = run([path], builddir, 900, dict(os.environ, HASHMINT_PORT_SEED=str(seed)))
    finally:
        PORT_SEEDS.give(seed)
    m = CHECK_SUMMARY.search(out)
    if m:
        checks, fails, errors = int(m.group(2)), int(m.group(3)), int(m.group(4))
        passed, failed = checks - fails - errors, fails + errors
        if rc != 0 and failed == 0:  # crashed after its summary
            failed = 1
    else:
        passed, failed = 0, 1
    for _, ok, total in VECTOR_COUNT.findall(out):
        passed += int(ok)
        failed += int(total) - int(ok)
    return os.path.relpath(path, builddir), passed, failed, out, secs


PY_RAN = re.compile(r"^Ran (\d+) tests?", re.M)
PY_FAILED = re.compile(r"^FAILED \(([^)]*)\)", re.M)


def python_unit_job(path, srcdir, env):
    rc, out, secs = run([sys.executable, path], srcdir, 300, env)
    m = PY_RAN.search(out)
    total = int(m.group(1)) if m else 0
    failed = 0
    f = PY_FAILED.search(out)
    if f:
        failed = sum(int(v) for k, v in re.findall(r"(failures|errors)=(\d+)", f.group(1)))
    if rc != 0 and failed == 0:
        failed = 1
    return os.path.relpath(path, srcdir), max(total - failed, 0), failed, out, secs


# A test that cannot run on this machine (e.g. it needs to mount a tmpfs)
# exits with 77, automake's "skipped": counted apart, neither passed nor failed.
SKIP_EXIT = 77


class PortSeeds:
    """Hands each running functional test a HASHMINT_PORT_SEED no other running
    test has (framework.py derives its block of ports from it)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.free = set()
        self.next = 0

    def take(self):
        with self.lock:
            if self.free:
                return self.free.pop()
            self.next += 1
            return self.next - 1

    def give(self, seed):
        with self.lock:
            self.free.add(seed)


PORT_SEEDS = PortSeeds()


def functional_job(name, cmd, cwd, timeout, env):
    seed = PORT_SEEDS.take()
    try:
        return script_job(name, cmd, cwd, timeout, dict(env, HASHMINT_PORT_SEED=str(seed)))
    finally:
        PORT_SEEDS.give(seed)


def script_job(name, cmd, cwd, timeout, env=None):
    rc, out, secs = run(cmd, cwd, timeout, env)
    if rc == SKIP_EXIT:
        return name, 0, 0, out, secs
    return name, int(rc == 0), int(rc != 0), out, secs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--builddir", default=os.getcwd())
    ap.add_argument("--srcdir", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    ap.add_argument("--fuzz-builddir", help="build directory configured with --enable-fuzz")
    ap.add_argument("--fuzz-seconds", type=int, default=10)
    ap.add_argument("--filter", default="", help="run only tests whose name contains this")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every test's output")
    args = ap.parse_args()

    jobs = []
    scratches = []
    units = sorted(p for p in glob.glob(os.path.join(args.builddir, "qa/unit/**/*_tests"), recursive=True)
                   if os.access(p, os.X_OK) and not p.endswith(".c"))
    env = dict(os.environ, HASHMINT_BUILDDIR=args.builddir, HASHMINT_SRCDIR=args.srcdir)
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        for u in units:
            if args.filter in u:
                jobs.append(pool.submit(unit_job, u, args.builddir))
        for t in sorted(glob.glob(os.path.join(args.srcdir, "qa/unit/**/*_tests.py"), recursive=True)):
            if args.filter in t:
                jobs.append(pool.submit(python_unit_job, t, args.srcdir, env))
        if args.filter in "check-includes":
            jobs.append(pool.submit(script_job, "contrib/check-includes.py",
                                    [sys.executable, os.path.join(args.srcdir, "contrib/check-includes.py"), args.srcdir],
                                    args.srcdir, 120))
        if args.filter in "check-deps":
            jobs.append(pool.submit(script_job, "contrib/check-deps.py",
                                    [sys.executable, os.path.join(args.srcdir, "contrib/check-deps.py"),
                                     "--builddir=" + args.builddir, "--srcdir=" + args.srcdir],
                                    args.srcdir, 120))
        for t in sorted(glob.glob(os.path.join(args.srcdir, "qa/functional/*_test.py"))):
            if args.filter in t:
                jobs.append(pool.submit(functional_job, os.path.relpath(t, args.srcdir),
                                        [functional_python(), t], args.builddir, 900, env))
        if args.fuzz_builddir:
            for f in sorted(glob.glob(os.path.join(args.fuzz_builddir, "qa/fuzz/fuzz_*"))):
                if f.endswith(".c") or not os.access(f, os.X_OK) or args.filter not in f:
                    continue
                name = os.path.basename(f)
                corpus = os.path.join(args.srcdir, "qa/fuzz/corpus", name[len("fuzz_"):])
                # libFuzzer writes new inputs into its first corpus directory:
                # give it a scratch one, and the checked-in seeds second.
                scratch = tempfile.mkdtemp(prefix=name + "-")
                scratches.append(scratch)
                cmd = [f, f"-max_total_time={args.fuzz_seconds}", "-rss_limit_mb=2048", scratch]
                if os.path.isdir(corpus):
                    cmd.append(corpus)
                jobs.append(pool.submit(script_job, "fuzz " + name, cmd, args.fuzz_builddir,
                                        args.fuzz_seconds + 120))

        total_pass = total_fail = total_skip = 0
        for fut in jobs:
            name, passed, failed, out, secs = fut.result()
            total_pass += passed
            total_fail += failed
            skipped = passed == 0 and failed == 0
            total_skip += skipped
            status = "skip" if skipped else "ok  " if failed == 0 else "FAIL"
            print(f"{status} {name}: {passed} passed, {failed} failed ({secs:.1f}s)", flush=True)
            for line in out.splitlines():
                # vector tests report their per-file counts; keep them visible
                if failed or skipped or args.verbose or re.match(r"^\S+\.json: \d+/\d+", line):
                    print("     " + line)
    for d in scratches:
        shutil.rmtree(d, ignore_errors=True)
    print(f"{total_pass} passed, {total_fail} failed" + (f", {total_skip} skipped" if total_skip else ""))
    return 1 if total_fail or not jobs else 0


if __name__ == "__main__":
    sys.exit(main())
