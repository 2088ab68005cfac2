#!/usr/bin/env python3
"""A full disk or a failed write stops the node cleanly; a restart with room
comes back consistent.

The issue's "a failed write or a full disk stops the node with a clear
message, never continues diverged" and RELIABILITY case 38 ("disk full while
writing a block -> clean fatal shutdown; a later restart with space -> no
data loss").

node0's data directory is a small tmpfs (mounting needs root; without it the
test exits 77 = skipped). node1, on the normal disk, is a reference node fed
node0's blocks with submitblock.

Each round: node0 mines blocks with transactions; gettxoutsetinfo forces a
full flush (as Core's does), its tip is F; a few more blocks are mined and
not flushed. Then the disk is filled and work is submitted until node0 stops
by itself:

1. a block write: 30 MiB left, under the 50 MiB reserve store_disk_space_ok
   wants on top of each write. Transactions are still accepted (memory
   only); the next block (generatetoaddress, submitblock from a second
   client) fails the check;
2. the flush: same fill, gettxoutsetinfo's flush fails the check;
3. a write that really fails: chainstate/ on its own 4 MiB tmpfs filled to
   the last byte (the checks look at the data and blocks directories, which
   have room); two blocks with 100 new coins are still accepted, then the
   flush's coins write gets ENOSPC from LevelDB.

Every time: exit code 1, "*** <message>" in debug.log, "Error: <message>" on
stderr ("Disk space is too low!" / "Failed to write to coin database: ..."),
"Shutdown: done" with no UpdateTip and no mempool dump after the error, no
sanitizer report, and no block accepted after the disk filled.

Then the filler goes and node0 restarts on the same data directory. The
guarantee of the flush code: after a fatal error nothing more is written (no
shutdown flush), so the coins restart at F. The guarantee of block
acceptance (doc/chainstate.md, "Durability of accepted blocks"): every block
node0 accepted had its index entry written when it was accepted, so the
start-up catch-up connects the stored blocks after F and every round
restarts exactly at the last accepted tip, with no accepted block lost. Every
restart: verifychain 4 passes, gettxoutsetinfo equals the reference node's
(hash_serialized_3), and node0 mines and confirms further transactions.
"""
import http.client
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, JSONRPCException, MiniWallet, TIMEOUT_FACTOR,  # noqa: E402
                       TestFailure, assert_equal, assert_greater_than, assert_in, assert_raises_rpc_error,
                       assert_true, block_from_template, log, wait_until)

MIB = 1024 * 1024
TMPFS_SIZE = "80m"
LEAVE_FREE = 30 * MIB          # below the 50 MiB reserve (STORE_MIN_DISK_SPACE)
RESERVE = 50 * MIB
SKIP = 77


def free_bytes(path):
    st = os.statvfs(path)
    return st.f_bavail * st.f_frsize


def fill(path, leave):
    """Writes a file under path until only `leave` bytes are free there."""
    filler = os.path.join(path, "filler.bin")
    size = free_bytes(path) - leave
    assert_greater_than(size, 0, "room for the filler")
    with open(filler, "wb") as f:
        try:
            os.posix_fallocate(f.fileno(), 0, size)
        except OSError:
            chunk = b"\0" * MIB
            while size > 0:
                n = min(size, len(chunk))
                f.write(chunk[:n])
                size -= n
        f.flush()
        os.fsync(f.fileno())
    return filler


class DiskFullTest(HashmintTestFramework):
    """disk_full_test"""
    num_nodes = 2
    start_nodes_at_setup = False

    def skip(self, why):
        log(f"disk_full_test: SKIPPED: {why}")
        shutil.rmtree(self.tmpdir, ignore_errors=True)
        sys.exit(SKIP)

    def main(self):
        # Probe first, so a machine that cannot mount skips before any node starts.
        self.tmpdir = tempfile.mkdtemp(prefix="hm_disk_full_probe_")
        self.mounts = []
        self.mount(self.tmpdir, "1m")
        self.unmount_all()
        os.rmdir(self.tmpdir)
        super().main()

    def mount(self, path, size):
        """Mounts a tmpfs of `size` on path; skips the test (77) without the permission."""
        try:
            p = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", path],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=30)
        except (OSError, subprocess.SubprocessError) as e:
            self.skip(f"cannot run mount: {e}")
        if p.returncode != 0:
            out = p.stdout.decode(errors="replace").strip()
            low = out.lower()
            if os.geteuid() != 0 or "permission" in low or "not permitted" in low or "only root" in low:
                self.skip(f"cannot mount a tmpfs (needs root / CAP_SYS_ADMIN): {out}")
            raise TestFailure(f"mount -t tmpfs failed (exit {p.returncode}): {out}")
        self.mounts.append(path)

    def unmount_all(self):
        while self.mounts:
            path = self.mounts.pop()
            def umount():
                return subprocess.run(["umount", path], stdout=subprocess.PIPE,
                                      stderr=subprocess.STDOUT).returncode == 0
            try:
                wait_until(umount, timeout=10, interval=0.2, what=f"umount {path}")  # busy until files close
            except TestFailure:
                r = subprocess.run(["umount", "-l", path], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
                if r.returncode != 0:
                    log(f"umount {path} failed: {r.stdout.decode(errors='replace')}")

    def run_test(self):
        node, ref = self.nodes
        self.mounts = []
        # Keep the process's stdout/stderr off the tmpfs (they survive the unmount).
        node.stdout_path = os.path.join(self.tmpdir, "node0_stdout.txt")
        node.stderr_path = os.path.join(self.tmpdir, "node0_stderr.txt")
        ok = False
        try:
            self.mount(node.datadir, TMPFS_SIZE)
            self.body(node, ref)
            ok = True
        finally:
            node.kill()
            saved = os.path.join(self.tmpdir, "node0_debug.log")
            try:
                shutil.copyfile(node.debug_log, saved)
            except OSError:
                pass
            if not ok and os.path.exists(saved):
                with open(saved, "rb") as f:
                    tail = f.read().decode(errors="replace").splitlines()[-40:]
                print(f"---- node0 debug.log (tail, copied to {saved} before unmounting)", flush=True)
                print("\n".join(tail), flush=True)
            self.unmount_all()

    def body(self, node, ref):
        node.start()
        ref.start()
        self.node, self.ref = node, ref
        w = self.w = MiniWallet(node)
        self.accepted = list(w.generate(101))
        for _ in range(4):
            w.send_self_transfer(fee=1000)
        self.accepted += w.generate(1)
        assert_equal(len(node.getrawmempool()), 0)

        # ---- 1. a block write on a full disk ----
        flushed = self.flush_and_mine_on(3)
        # A block built before the disk fills, submitted after the failure.
        late_block = block_from_template(node.getblocktemplate({"rules": ["segwit"]}), w.spk)

        def submitblock(rpc):
            r = rpc.submitblock(late_block.hex())
            return ("ACCEPTED", late_block.hash) if r is None else ("rejected", r)

        def generate(rpc):
            r = rpc.generatetoaddress(1, w.address)
            return ("ACCEPTED", r) if r else ("rejected", r)

        def memory_work():
            # Memory-only work still succeeds.
            for _ in range(3):
                w.send_self_transfer(fee=2000)

        self.fail_and_restart(node.datadir, LEAVE_FREE, {"generatetoaddress": generate, "submitblock": submitblock},
                              "*** Disk space is too low!", "Error: Disk space is too low!", flushed,
                              after_fill=memory_work, expect="last")
        # Nothing from after the failure was kept.
        assert_raises_rpc_error(-5, None, node.getblockheader, late_block.hash)
        self.mine_on()

        # ---- 2. the flush itself finds the disk full (gettxoutsetinfo forces it) ----
        flushed = self.flush_and_mine_on(2)

        def flush(rpc):
            # A flush whose writes all fit is fine (round 3: LevelDB's log
            # still has room in its last page); only blocks must be refused.
            rpc.gettxoutsetinfo()
            return ("flushed", "")

        self.fail_and_restart(node.datadir, LEAVE_FREE, {"gettxoutsetinfo": flush},
                              "*** Disk space is too low!", "Error: Disk space is too low!", flushed,
                              expect="last")
        self.mine_on()

        # ---- 3. a write that really fails: chainstate/ on its own tiny tmpfs, filled up ----
        # The free-space checks look at the data and blocks directories (plenty
        # of room there), so the coins database's own write gets ENOSPC.
        node.stop()
        cdir = os.path.join(node.chaindir, "chainstate")
        aside = cdir + ".orig"
        os.rename(cdir, aside)
        os.mkdir(cdir)
        self.mount(cdir, "4m")
        for name in os.listdir(aside):
            shutil.copy2(os.path.join(aside, name), cdir)
        shutil.rmtree(aside)
        node.start()
        flushed = self.flush_and_mine_on(3)

        def more_coins():
            # Blocks still go to blocks/ (room there); 100 new coins make the
            # next coins write far larger than the slack in LevelDB's log page.
            w.send_self_transfer_multi(num_outputs=100)
            self.accepted += w.generate(2)

        self.fail_and_restart(cdir, 0, {"gettxoutsetinfo": flush},
                              "*** Failed to write to coin database", "Error: Failed to write to coin database",
                              flushed, after_fill=more_coins, expect="last")
        self.mine_on()
        node.stop()
        log("node0 stopped cleanly at the end")

    def flush_and_mine_on(self, n):
        """gettxoutsetinfo (a full flush, as Core's); then n blocks with a
        transaction that are not flushed. Returns the flushed stats."""
        node = self.node
        flushed = node.gettxoutsetinfo()
        assert_equal(flushed["bestblock"], node.getbestblockhash())
        self.w.send_self_transfer(fee=1500)
        self.accepted += self.w.generate(n)
        log(f"flushed tip {flushed['height']}, last accepted tip {node.getblockcount()}")
        return flushed

    def fail_and_restart(self, fill_dir, leave, triggers, log_msg, stderr_msg, flushed, after_fill=None,
                         expect=None):
        """Fills fill_dir up to `leave` free bytes, runs after_fill(), then
        the triggers from concurrent clients until node0 exits by itself,
        checks the exit and the messages, removes the filler and restarts
        node0; then checks the restarted chain (see the module doc), whose
        tip must be the flushed one (expect="flushed") or the last accepted
        one (expect="last")."""
        node = self.node
        filler = fill(fill_dir, leave)
        free = free_bytes(fill_dir)
        log(f"filled {fill_dir}: {free // 1024} KiB free (reserve {RESERVE // MIB} MiB)")
        assert_true(free < RESERVE, "less than the reserve is free")
        if after_fill:
            after_fill()
        last_tip = node.getbestblockhash()

        # Clients keep calling until the node is gone, so some calls race the
        # shutdown: no block may be accepted.
        results = []
        lock = threading.Lock()
        rpc = node.rpc

        def client(kind, fn):
            deadline = time.time() + 30 * TIMEOUT_FACTOR
            while node.is_running() and time.time() < deadline:
                try:
                    res = fn(rpc)
                except JSONRPCException as e:
                    res = ("error", e.message)
                except (OSError, http.client.HTTPException) as e:
                    res = ("gone", type(e).__name__)  # the RPC server went away
                with lock:
                    results.append((kind,) + res)
                time.sleep(0.01)

        threads = [threading.Thread(target=client, args=kv) for kv in triggers.items()]
        for t in threads:
            t.start()
        rc = node.wait_for_exit(timeout=30, expect_code=None)
        for t in threads:
            t.join()
        summary = sorted({(k, s, str(m)[:60]) for k, s, m in results})
        log(f"{len(results)} calls after the disk filled: {summary}")
        assert_true(results, "some call was made")
        assert_equal([r for r in results if r[1] == "ACCEPTED"], [], "calls that succeeded after the disk filled")
        assert_equal(rc, 1, "exit code after a fatal error")
        assert_in(stderr_msg, node.stderr_text(), "stderr")
        text = node.debug_log_text()
        assert_in(log_msg, text, "debug.log")
        fatal_at = text.rindex(log_msg)
        assert_in("Shutdown: done", text[fatal_at:], "clean shutdown logged")
        after = text[fatal_at:text.index("Shutdown: done", fatal_at)]
        assert_true("UpdateTip" not in after, f"no tip update after the fatal error:\n{after}")
        assert_true("Dumped mempool" not in after, "nothing written after the fatal error")
        log(f"node0 stopped by itself with exit code 1 and {stderr_msg!r}")

        # Restart with room again.
        os.unlink(filler)
        node.start()
        self.check_restarted(flushed, last_tip, expect)

    def check_restarted(self, flushed, last_tip, expect):
        node, ref, accepted = self.node, self.ref, self.accepted
        tip = node.getbestblockhash()
        height = node.getblockcount()
        f_hash = flushed["bestblock"]
        assert_in(tip, accepted, "restarted tip is a block node0 had accepted")
        assert_true(accepted.index(tip) >= accepted.index(f_hash),
                    f"restarted tip {height} is not below the flushed tip {flushed['height']}")
        where = "the flushed tip" if tip == f_hash else ("the last accepted tip" if tip == last_tip else
                                                         "between the flushed and the last accepted tip")
        log(f"restarted at {height}: {where} (flushed {flushed['height']}, "
            f"last accepted {accepted.index(last_tip) + 1})")
        if expect == "flushed":
            assert_equal(tip, f_hash, "restarted at the last flushed tip")
        elif expect == "last":
            assert_equal(tip, last_tip, "restarted at the last accepted tip")
        # No accepted block was lost.
        for h in accepted:
            assert_true(node.getblockheader(h)["confirmations"] > 0, f"block {h} on the active chain")
        assert_true(node.verifychain(4, 0), "verifychain 4 after the restart")
        stats = node.gettxoutsetinfo()
        assert_equal(stats["bestblock"], tip)
        if tip == f_hash:
            for k in ("height", "txouts", "hash_serialized_3", "total_amount"):
                assert_equal(stats[k], flushed[k], f"{k} equals the flushed state's")
        # The reference node, fed the same blocks, has the same UTXO set.
        self.compare_with_reference(height)
        # Forget wallet coins that did not survive.
        self.w.utxos = [u for u in self.w.utxos if node.gettxout(u.txid, u.vout) is not None]

    def compare_with_reference(self, height):
        node, ref = self.node, self.ref
        for hh in range(ref.getblockcount() + 1, height + 1):
            r = ref.submitblock(node.getblock(node.getblockhash(hh), 0))
            assert_true(r is None, f"reference accepts block {hh}: {r}")
        assert_equal(ref.getbestblockhash(), node.getblockhash(height))
        a, b = node.gettxoutsetinfo(), ref.gettxoutsetinfo()
        for k in ("height", "bestblock", "txouts", "hash_serialized_3", "total_amount"):
            assert_equal(a[k], b[k], f"{k} of node0 vs the reference")
        log(f"UTXO set at {height} matches the reference: {a['hash_serialized_3'][:16]}...")

    def mine_on(self):
        """node0 keeps working: a transaction spending a surviving coin is mined."""
        node = self.node
        height = node.getblockcount()
        t = self.w.send_self_transfer(fee=3000)
        new = self.w.generate(3)
        self.accepted += new
        assert_equal(node.getblockcount(), height + 3)
        assert_equal(node.getrawtransaction(t["txid"], True, new[0])["confirmations"], 3)
        assert_true(node.verifychain(4, 0), "verifychain 4 after mining on")
        self.compare_with_reference(height + 3)


if __name__ == "__main__":
    DiskFullTest().main()
