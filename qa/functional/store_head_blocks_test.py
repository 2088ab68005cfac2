#!/usr/bin/env python3
"""RELIABILITY.md section 5, case 41: a coins database whose head-blocks
marker (`H`) is not the two-entry marker of an interrupted flush.

A flush writes `H = [new tip, old tip]` in its first batch and erases it in
its last (doc/chainstate.md, "Flush order"); start-up replays when it finds
two entries. Any other state cannot come from our own crash and must not be
guessed at: Core's ReplayBlocks refuses it ("unknown inconsistent state")
and asks for -reindex-chainstate. With node0 stopped, the test plants each
state the way an interrupted flush leaves the database (`B` erased, `H`
written) with the system LevelDB library:

1. three entries [tip, tip-1, tip-2]   -> "unknown inconsistent state (3 head blocks)"
2. one entry [tip]                      -> "unknown inconsistent state (1 head blocks)"
3. a count of 3 with only two hashes    -> "head blocks entry does not decode"
4. two entries, the new head unknown    -> "reorganization to an unknown block requested"

Each time: start-up fails (non-zero exit, "Error: <message>" on stderr and
in debug.log, the message names -reindex-chainstate, no sanitizer report),
twice in a row, and the refused start wrote nothing (H and the missing B
are as planted: the node never "repairs" a state it does not understand).
Then -reindex-chainstate recovers: same tip and gettxoutsetinfo as node1, a
healthy node fed the same blocks, and node0 mines on and stays equal.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import HashmintTestFramework, MiniWallet, assert_equal, assert_in, log, wait_until  # noqa: E402
from store_util import (COINS_BEST_BLOCK, COINS_HEAD_BLOCKS, LevelDB, assert_same_chain, feed,  # noqa: E402
                        hash_bytes, head_blocks_value, mine)

UNKNOWN = "11" * 32


class HeadBlocksTest(HashmintTestFramework):
    """store_head_blocks_test"""
    num_nodes = 2

    def run_test(self):
        node, ref = self.nodes
        w = MiniWallet(node)
        mine(w, 101)
        for i in range(3):
            w.send_self_transfer(fee=1000 + i)
        mine(w, 2)
        w.send_self_transfer_multi(num_outputs=5)
        mine(w, 1)
        feed(node, ref)
        assert_same_chain(node, ref, "before")
        tip = node.getbestblockhash()
        height = node.getblockcount()
        chain = [node.getblockhash(height - i) for i in range(3)]
        node.stop()
        cdir = os.path.join(node.chaindir, "chainstate")

        with LevelDB(cdir) as db:
            assert_equal(db.get(COINS_BEST_BLOCK), hash_bytes(tip), "B after a clean stop")
            assert_equal(db.get(COINS_HEAD_BLOCKS), None, "no H after a clean stop")

        cases = [
            ("3 entries", head_blocks_value(chain),
             "The coins database is in an unknown inconsistent state (3 head blocks)"),
            ("1 entry", head_blocks_value(chain[:1]),
             "The coins database is in an unknown inconsistent state (1 head blocks)"),
            ("count 3, two hashes", head_blocks_value(chain[:2], count=3),
             "head blocks entry does not decode"),
            ("unknown new head", head_blocks_value([UNKNOWN, tip]),
             "reorganization to an unknown block requested"),
        ]
        for name, value, msg in cases:
            with LevelDB(cdir) as db:
                db.delete(COINS_BEST_BLOCK)
                db.put(COINS_HEAD_BLOCKS, value)
            for attempt in (1, 2):
                logged = len(node.debug_log_text())
                err = node.assert_start_raises_init_error(expected_msg=msg)
                assert_in("Error: ", err, f"{name}: stderr")
                assert_in("Please restart with -reindex-chainstate to recover", err, f"{name}: the cure is named")
                new_log = node.debug_log_text()[logged:]
                assert_in(msg, new_log, f"{name}: debug.log")
                assert_in("Shutdown: done", new_log, f"{name}: clean stop")
                with LevelDB(cdir) as db:
                    assert_equal(db.get(COINS_HEAD_BLOCKS), value, f"{name}: H untouched by refused start {attempt}")
                    assert_equal(db.get(COINS_BEST_BLOCK), None, f"{name}: B untouched by refused start {attempt}")
            log(f"{name}: start-up refused twice with {msg!r}")

        # The cure: rebuild the coins from the stored blocks.
        node.start(["-reindex-chainstate"])
        wait_until(lambda: node.getblockcount() == height, timeout=60, what="-reindex-chainstate reaches the tip")
        assert_equal(node.getbestblockhash(), tip)
        assert_same_chain(node, ref, "after -reindex-chainstate")
        node.stop()
        with LevelDB(cdir) as db:
            assert_equal(db.get(COINS_HEAD_BLOCKS), None, "no H after the cure")
            assert_equal(db.get(COINS_BEST_BLOCK), hash_bytes(tip), "B after the cure")

        # And node0 works on normally.
        node.start()
        w.send_self_transfer(fee=5000)
        mine(w, 2)
        feed(node, ref)
        assert_same_chain(node, ref, "after mining on")


if __name__ == "__main__":
    HeadBlocksTest().main()
