#!/usr/bin/env python3
"""RELIABILITY.md section 5, case 39: corrupted block files and chainstate.

A block in blocks/blk00000.dat that no longer matches what was stored must
be reported as "Corrupted block database detected" (or, when the chain needs
to connect it, stop the node as Core does: "Corrupt block found indicating
potential hardware failure"), never be taken for an invalid block (which
would leave the node on a shorter chain than the network's, silently) and
never change the UTXO set. node1 is a healthy reference node fed the same
blocks; -reindex recovers each time, with the lost blocks submitted again.

1. The tip's last byte flipped (its last transaction's lock time: the block
   still parses and its header is intact, the merkle root no longer
   matches). The start-up check of the last 6 blocks refuses to start:
   "Corrupted block database detected (bad-txnmrklroot ...)", naming
   -reindex, twice. -reindex skips the damaged record (a mutated block is not
   marked invalid) and the good block is accepted again from node1.
2. The record magic of the block below the tip overwritten: the start-up
   check cannot read it (block-read-failed); -reindex skips it (its child is
   then without a parent until both are submitted again).
3. The same flip in an old block (height 20, outside the start-up window):
   the node starts and runs; verifychain over the whole chain finds the
   damage. Then -reindex-chainstate must connect it: node0 stops by itself
   (exit code 1, "Corrupt block found indicating potential hardware
   failure", clean shutdown) without marking the block invalid, again at the
   next start; -reindex recovers.
4. The same with a witness byte of an old block (its script now fails):
   Core's ConnectBlock would take it for an invalid block; the witness
   commitment, checked again when a stored block fails, shows the damage.
5. chainstate/*.ldb with one byte flipped every 1,000 bytes (every block of
   the table: LevelDB's checksums fail on any read): the node must not serve
   a UTXO set from it. Start-up is refused with a message naming the cure
   (reindex_test.py overwrites whole files; this is the subtle variant),
   and -reindex-chainstate recovers.
"""
import glob
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, MiniWallet, assert_equal, assert_in, assert_not_in,  # noqa: E402
                       assert_true, log, wait_until)
from store_util import assert_same_chain, feed, find_block, flip_byte, mine  # noqa: E402

OLD = 20
WITNESS_HEIGHT = 102  # the first block with MiniWallet spends
HW = "Corrupt block found indicating potential hardware failure"


class CorruptTest(HashmintTestFramework):
    """store_corrupt_test"""
    num_nodes = 2

    def run_test(self):
        node, ref = self.nodes
        self.node, self.ref = node, ref
        w = self.w = MiniWallet(node)
        mine(w, 101)
        for _ in range(4):
            for i in range(2):
                w.send_self_transfer(fee=1000 + i)
            mine(w, 1)
        feed(node, ref)
        assert_same_chain(node, ref, "at the start")

        # ---- 1. the tip's last byte ----
        tip = node.getbestblockhash()
        node.stop()
        path, off, n = find_block(node, tip)
        flip_byte(path, off + n - 1)
        for _ in (1, 2):
            err = node.assert_start_raises_init_error(expected_msg="Corrupted block database detected (bad-txnmrklroot")
            assert_in("Please restart with -reindex to recover", err)
        log("tip flipped: " + err.strip().splitlines()[-1])
        self.reindex_and_compare(tip)

        # ---- 2. the magic of the block below the tip ----
        mine(w, 2)
        feed(node, ref)
        below = node.getblockhash(node.getblockcount() - 1)
        node.stop()
        path, off, n = find_block(node, below)
        with open(path, "r+b") as f:
            f.seek(off - 8)
            f.write(b"\0\0\0\0")
        err = node.assert_start_raises_init_error(expected_msg="Corrupted block database detected (block-read-failed")
        assert_in("Please restart with -reindex to recover", err)
        log("magic overwritten: " + err.strip().splitlines()[-1])
        self.reindex_and_compare(below)

        # ---- 3. and 4. old blocks, outside the start-up check, needed by -reindex-chainstate ----
        mine(w, 6)
        feed(node, ref)
        self.damaged_old_block(OLD, "lock time", lambda data, n: n - 1)

        def witness_byte(data, n):
            # The last input's witness of the last transaction (a MiniWallet
            # spend: one item, the script OP_TRUE) sits before the lock time.
            assert_equal(data[n - 7:n - 4], bytes([1, 1, 0x51]), "witness [OP_TRUE] at the end")
            return n - 5
        self.damaged_old_block(WITNESS_HEIGHT, "witness", witness_byte)

        # ---- 5. the chainstate's tables ----
        node.stop()
        tables = glob.glob(os.path.join(node.chaindir, "chainstate", "*.ldb"))
        if not tables:  # everything still in the log: a restart turns it into a table
            node.start()
            node.stop()
            tables = glob.glob(os.path.join(node.chaindir, "chainstate", "*.ldb"))
        assert_true(tables, "chainstate has a table")
        for t in tables:
            for off in range(500, os.path.getsize(t), 1000):
                flip_byte(t, off)
        err = node.assert_start_raises_init_error(expected_msg="-reindex")
        assert_in("Corruption", err, "LevelDB's reason is reported")
        log("chainstate tables damaged: " + err.strip().splitlines()[-1])
        node.start(["-reindex-chainstate"])
        wait_until(lambda: node.getblockcount() == ref.getblockcount(), timeout=60, what="-reindex-chainstate")
        assert_same_chain(node, ref, "after -reindex-chainstate")

    def damaged_old_block(self, height, what, where):
        """Case 3/4: a byte of the block at height (an old one) flipped at
        where(data, length); the node runs until -reindex-chainstate needs it."""
        node, ref = self.node, self.ref
        old = node.getblockhash(height)
        assert_true(node.getblockcount() - height >= 6, "outside the start-up check")
        node.stop()
        path, off, n = find_block(node, old)
        with open(path, "rb") as f:
            f.seek(off)
            data = f.read(n)
        flip_byte(path, off + where(data, n))
        node.start()
        assert_same_chain(node, ref, f"running with a damaged old block ({what})")
        assert_true(node.verifychain(3, 6), "the last 6 blocks are fine")
        if what == "lock time":  # a witness byte is only seen by the scripts (level 4)
            assert_equal(node.verifychain(1, 0), False, "verifychain over the whole chain finds the damage")
        node.stop()

        for attempt in (1, 2):
            logged = len(node.debug_log_text())
            node.start(["-reindex-chainstate"] if attempt == 1 else [], wait=False)
            rc = node.wait_for_exit(timeout=30, expect_code=None)
            assert_equal(rc, 1, f"exit code (start {attempt})")
            err = node.stderr_text()
            assert_in(f"Error: {HW}", err, "stderr")
            text = node.debug_log_text()[logged:]
            assert_in(f"*** {HW}", text, "debug.log")
            after = text[text.index(f"*** {HW}"):]
            assert_in("Shutdown: done", after, "clean stop")
            assert_not_in("UpdateTip", after, "no tip change after the error")
            assert_not_in("InvalidBlockFound", text, "the damaged block is not taken for an invalid one")
            log(f"{what}, start {attempt}: stopped with {HW!r}")
        self.reindex_and_compare(old)

    def reindex_and_compare(self, damaged):
        """-reindex, then node1's blocks submitted again: same chain as node1."""
        node, ref = self.node, self.ref
        logged = len(node.debug_log_text())
        node.start(["-reindex"])
        wait_until(lambda: "Reindexing finished" in node.debug_log_text()[logged:], timeout=60,
                   what="-reindex finishes")
        height = node.getblockcount()
        log(f"-reindex ended at height {height} (node1 at {ref.getblockcount()})")
        assert_true(height < ref.getblockheader(damaged)["height"], "the damaged block was not reindexed")
        feed(ref, node)
        assert_same_chain(node, ref, "after -reindex and the blocks again")
        assert_true(node.verifychain(4, 0), "verifychain 4 over the whole chain")
        node.restart()
        assert_same_chain(node, ref, "after a restart")


if __name__ == "__main__":
    CorruptTest().main()
