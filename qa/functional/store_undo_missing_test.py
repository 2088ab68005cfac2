#!/usr/bin/env python3
"""RELIABILITY.md section 5, case 40: undo data deleted, then a reorg.

Undo data (blocks/revNNNNN.dat) is only read to disconnect blocks. node0
mines a chain with transactions; gettxoutsetinfo makes that state durable
(block index and coins flushed). node1, a healthy reference node, builds a
longer fork from three blocks below node0's tip. Then:

1. rev00000.dat is deleted while node0 runs, and the fork is submitted to
   node0. The reorg must disconnect node0's tip and cannot read its undo
   data: node0 stops by itself (exit code 1) with "Failed to read undo data"
   naming the block and the cure (-reindex), on stderr and in debug.log,
   followed by a clean "Shutdown: done" with no tip change after the error
   (Core: DisconnectBlock "failure reading undo data" -> FatalError). The
   fork is never reported as the active chain.
2. A restart refuses to start: the start-up check of the last blocks reads
   their undo data ("Corrupted block database detected" naming the missing
   file), twice in a row, with nothing written.
3. -reindex-chainstate does not bring undo data back (the block index still
   says the blocks have it): it starts, but the next start is refused again.
4. -reindex recovers: it rebuilds the index and the undo data from the blk
   files, and node0 ends on node1's fork with the same UTXO set. The rebuilt
   undo data works: invalidateblock back to node0's old branch and
   reconsiderblock to the fork again, equal to node1 each time.
5. The same with the node stopped: rev00000.dat deleted between two runs
   is refused at start-up, and -reindex cures it.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, JSONRPCException, Key, MiniWallet, assert_equal, assert_in,  # noqa: E402
                       assert_not_in, assert_true, log, wait_until)
from store_util import assert_same_chain, blk_path, feed, forget_spent, mine, utxo_stats  # noqa: E402

FORK_ADDRESS = Key.from_label("fork").p2wpkh_address()


class UndoMissingTest(HashmintTestFramework):
    """store_undo_missing_test"""
    num_nodes = 2

    def run_test(self):
        node, ref = self.nodes
        w = MiniWallet(node)
        mine(w, 101)
        for _ in range(3):
            for i in range(3):
                w.send_self_transfer(fee=1000 + i)
            mine(w, 1)
        height = node.getblockcount()
        fork_at = height - 3
        feed(node, ref, upto=fork_at)
        old_tip = node.getbestblockhash()
        durable = utxo_stats(node)  # a full flush: index and coins on disk at old_tip
        assert_equal(durable["bestblock"], old_tip)

        # node1's fork: 4 blocks on fork_at (one more than node0's branch).
        fork = ref.generatetoaddress(4, FORK_ADDRESS)
        assert_equal(ref.getblockcount(), height + 1)

        # ---- 1. undo file gone while running, then the reorg ----
        rev = blk_path(node, 0, "rev")
        assert_true(os.path.exists(rev), "node0 has undo data")
        os.unlink(rev)
        logged = len(node.debug_log_text())
        results = []
        for h in fork:
            try:
                results.append(node.submitblock(ref.getblock(h, 0)))
            except (JSONRPCException, OSError) as e:
                results.append(repr(e))
                break
        log(f"submitblock results: {results}")
        assert_true(None not in results, "no fork block reported as accepted into the active chain")
        rc = node.wait_for_exit(timeout=30, expect_code=None)
        assert_equal(rc, 1, "exit code after the failed reorg")
        err = node.stderr_text()
        msg = f"Failed to read undo data of block {height}"
        assert_in(f"Error: {msg}", err, "stderr")
        assert_in("rev00000.dat", err, "the missing file is named")
        assert_in("Please restart with -reindex to recover", err, "the cure is named")
        text = node.debug_log_text()[logged:]
        assert_in(f"*** {msg}", text, "debug.log")
        after = text[text.index(f"*** {msg}"):]
        assert_in("Shutdown: done", after, "clean stop after the error")
        assert_not_in("UpdateTip", after, "no tip change after the error")
        log(f"node0 stopped with exit code 1: {msg}")

        # ---- 2. restart refuses ----
        for attempt in (1, 2):
            err = node.assert_start_raises_init_error(expected_msg="Corrupted block database detected")
            assert_in("rev00000.dat", err, "the missing undo file is named")
            assert_in("-reindex", err)
            assert_true(not os.path.exists(rev), "a refused start writes no undo file")
        log("restart refused: " + err.strip().splitlines()[-1])

        # ---- 3. -reindex-chainstate keeps the index's undo positions: still refused afterwards ----
        node.start(["-reindex-chainstate"])
        wait_until(lambda: node.getblockcount() >= height, timeout=60, what="-reindex-chainstate reconnects")
        # The fork is there only if its index entries were written before the stop.
        assert_in(node.getbestblockhash(), (old_tip, fork[-1]), "tip after -reindex-chainstate")
        node.stop()
        node.assert_start_raises_init_error(expected_msg="Corrupted block database detected")
        log("-reindex-chainstate does not recreate undo data: start-up still refused")

        # ---- 4. -reindex recovers ----
        node.start(["-reindex"])
        wait_until(lambda: node.getblockcount() >= height, timeout=60, what="-reindex reaches the old height")
        feed(ref, node)  # whatever of the fork the blk files did not hold
        assert_same_chain(node, ref, "after -reindex")
        assert_true(os.path.exists(rev), "undo data rebuilt")
        # The rebuilt undo data disconnects: back to node0's old branch, then to the fork.
        node.invalidateblock(fork[0])
        assert_equal(node.getbestblockhash(), old_tip, "old branch after invalidateblock")
        node.reconsiderblock(fork[0])
        assert_same_chain(node, ref, "after reconsiderblock")
        assert_true(node.verifychain(4, 0), "verifychain 4")

        # ---- 5. deleted while stopped ----
        forget_spent(node, w)
        w.send_self_transfer(fee=3000)
        mine(w, 2)
        feed(node, ref)
        node.stop()
        os.unlink(rev)
        err = node.assert_start_raises_init_error(expected_msg="Corrupted block database detected")
        assert_in("rev00000.dat", err)
        node.start(["-reindex"])
        wait_until(lambda: node.getblockcount() == ref.getblockcount(), timeout=60, what="-reindex")
        assert_same_chain(node, ref, "after the second -reindex")
        node.restart()
        assert_same_chain(node, ref, "after a plain restart")


if __name__ == "__main__":
    UndoMissingTest().main()
