#!/usr/bin/env python3
"""RELIABILITY.md section 5, case 42: write failures injected in the block
and undo file writers, their fsyncs and the LevelDB databases.

The test-only hooks of doc/chainstate.md ("Fault injection (tests only)")
make the N-th write of one kind, and every later one, fail as a broken disk
would (a block or undo write is torn: half of the record reaches the file).
For each kind, node0 is restarted with the variable set and given work until
the write fails. Then, every time:

- node0 stops by itself: exit code 1, "Error: <message>" on stderr,
  "*** <message>" in debug.log after the "Injected fault" line, then
  "Shutdown: done" with no tip update and no mempool dump in between, and no
  sanitizer report (Core's AbortNode);
- nothing is acknowledged after the fault: the RPC that hit it (submitblock,
  generatetoaddress, gettxoutsetinfo) returned an error or lost its
  connection, never a success;
- restarted without the variable, node0 is consistent: its tip is a block
  it had acknowledged, at or above the last durable state (or the refused
  block, if it had been stored durably before the fault); verifychain 4
  passes; a flush interrupted between coins batches is replayed;
- nothing is lost beyond what peers give back: the blocks it acknowledged
  and the block whose write failed are submitted again (as peers would send
  them) and accepted (the failed block was not marked invalid), and node0
  then has the same tip and gettxoutsetinfo as node1, a healthy node fed
  the same blocks.

Rounds (node0 runs with -txindex, so its writes are exercised too):
 blockfile   HASHMINT_FAULT_BLOCKFILE=3          3rd block written (submitblock)
 undofile    HASHMINT_FAULT_UNDOFILE=2           2nd block's undo data (submitblock)
 fsync       HASHMINT_FAULT_FSYNC=2              the undo file's fsync in a flush
 fsync-done  HASHMINT_FAULT_FSYNC=1:applied      the block file's fsync, done but reported failed
 index       HASHMINT_FAULT_LEVELDB_INDEX=1      the first block index batch (written as the first block is accepted)
 coins       HASHMINT_FAULT_LEVELDB_CHAINSTATE=2 the 2nd of several coins batches (-dbbatchsize=20000): replay
 coins-done  HASHMINT_FAULT_LEVELDB_CHAINSTATE=1:applied  the only coins batch, written but reported failed
 txindex     HASHMINT_FAULT_LEVELDB_TXINDEX=2    the 2nd block's txindex entries (generatetoaddress)
 shutdown    HASHMINT_FAULT_LEVELDB_CHAINSTATE=1 the flush of a `stop`: exit code 1 all the same
In the coins round the first restart has HASHMINT_FAULT_LEVELDB_CHAINSTATE=1
as well: the replay's own flush fails, start-up is refused (exit code 1)
and the next start replays. At the end -reindex reads the block files with
the torn records of the rounds and ends equal to node1.
"""
import http.client
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from framework import (HashmintTestFramework, JSONRPCException, MiniWallet, assert_equal, assert_in,  # noqa: E402
                       assert_not_in, assert_true, block_from_template, log, wait_until)
from store_util import assert_same_chain, feed, forget_spent, mine  # noqa: E402

DEAD = (JSONRPCException, OSError, http.client.HTTPException)


class WriteFaultTest(HashmintTestFramework):
    """store_write_fault_test"""
    num_nodes = 2

    def set_test_params(self):
        self.extra_args = [["-txindex"], []]

    def run_test(self):
        node, ref = self.nodes
        self.node, self.ref = node, ref
        w = self.w = MiniWallet(node)
        mine(w, 101)
        self.txs(3)
        mine(w, 1)
        feed(node, ref)

        self.round("blockfile", {"HASHMINT_FAULT_BLOCKFILE": "3"}, self.work_blocks,
                   "Failed to write block: cannot write block to", 2)
        self.round("undofile", {"HASHMINT_FAULT_UNDOFILE": "2"}, self.work_blocks,
                   "Failed to write undo data: cannot write undo to", 1)
        self.round("fsync", {"HASHMINT_FAULT_FSYNC": "2"}, self.work_flush,
                   "Failed to write to block files: cannot fsync", 2)
        self.round("fsync-done", {"HASHMINT_FAULT_FSYNC": "1:applied"}, self.work_flush,
                   "Failed to write to block files: cannot fsync", 2)
        self.round("index", {"HASHMINT_FAULT_LEVELDB_INDEX": "1"}, self.work_flush,
                   "Failed to write to block index database: write to", None)
        self.round("coins", {"HASHMINT_FAULT_LEVELDB_CHAINSTATE": "2"}, self.work_big_flush,
                   "Failed to write to coin database: write to", 1, args=["-dbbatchsize=20000"], replay=True,
                   restart_fault=({"HASHMINT_FAULT_LEVELDB_CHAINSTATE": "1"},
                                  "ReplayBlocks(): failed to write the coins database"))
        self.round("coins-done", {"HASHMINT_FAULT_LEVELDB_CHAINSTATE": "1:applied"}, self.work_flush,
                   "Failed to write to coin database: write to", 2)
        self.round("txindex", {"HASHMINT_FAULT_LEVELDB_TXINDEX": "2"}, self.work_generate,
                   "Failed to write to transaction index: write to", 1)
        self.round("shutdown", {"HASHMINT_FAULT_LEVELDB_CHAINSTATE": "1"}, self.work_stop,
                   "Failed to write to coin database: write to", 2)
        # The txindex caught up after the last round: a confirmed transaction is found.
        t = self.txs(1)[0]
        mine(w, 1)
        assert_equal(node.getrawtransaction(t["txid"]), t["hex"], "txindex lookup")

        # The blk and rev files hold the torn records of the rounds (beyond the
        # recorded ends, or overwritten since): -reindex reads past them.
        feed(node, ref)
        node.stop()
        node.start(["-reindex"])
        wait_until(lambda: node.getblockcount() == ref.getblockcount(), timeout=60, what="-reindex")
        assert_same_chain(node, ref, "after -reindex over the torn writes")
        node.stop()

    # ---- work: each returns when node0 has refused something ----

    def txs(self, n):
        return [self.w.send_self_transfer(fee=1000 + i) for i in range(n)]

    def generate(self, n):
        """generatetoaddress; acknowledged blocks are recorded."""
        hashes = self.node.generatetoaddress(n, self.w.address)
        for h in hashes:
            self.acked.append((h, self.node.getblock(h, 0)))
        return hashes

    def work_blocks(self):
        """Blocks with transactions through submitblock until one is refused."""
        node = self.node
        for _ in range(10):
            self.txs(2)
            block = block_from_template(node.getblocktemplate({"rules": ["segwit"]}), self.w.spk)
            self.failed = (block.hash, block.hex())
            r = node.submitblock(block.hex())
            if r is not None:
                return f"submitblock: {r!r}"
            self.acked.append(self.failed)
            self.failed = None
            self.rescan(block.hash)
        return None

    def work_generate(self):
        for _ in range(10):
            self.txs(2)
            hashes = self.generate(1)
            self.rescan(hashes[0])
        return None

    def work_flush(self):
        self.txs(2)
        self.generate(2)
        self.node.gettxoutsetinfo()  # a full flush
        return None

    def work_big_flush(self):
        self.w.send_self_transfer_multi(num_outputs=800)
        self.generate(1)
        self.node.gettxoutsetinfo()
        return None

    def work_stop(self):
        """The flush at shutdown fails: the exit code must still say so."""
        self.txs(2)
        self.generate(2)
        self.node.rpc.stop()
        return "stop (the shutdown flush)"

    def rescan(self, block_hash):
        self.w.rescan_block(block_hash)
        self.w.utxos = list({(u.txid, u.vout): u for u in self.w.utxos}.values())
        forget_spent(self.node, self.w)

    # ---- one round ----

    def round(self, name, env, work, msg, acked, args=(), replay=False, restart_fault=None):
        """Runs work() with the fault variables env until node0 refuses (the
        fault: exactly `acked` blocks acknowledged before it; None: the index
        round, whose count depends on when the index is written) and stops
        with msg; then the checks of the module doc."""
        node, ref = self.node, self.ref
        # A clean stop makes everything durable: the state to come back to at least.
        durable = node.getbestblockhash()
        node.stop()
        node.start(list(args), env=env)
        logged = len(node.debug_log_text())
        self.acked, self.failed = [], None
        try:
            refused = work()
        except DEAD as e:
            refused = f"{type(e).__name__}: {e}"
        log(f"{name}: refused with {refused}")
        assert_true(refused, f"{name}: node0 acknowledged everything")
        if acked is not None:
            assert_equal(len(self.acked), acked, f"{name}: blocks acknowledged before the fault")
        rc = node.wait_for_exit(timeout=30, expect_code=None)
        assert_equal(rc, 1, f"{name}: exit code")
        assert_in(f"Error: {msg}", node.stderr_text(), f"{name}: stderr")
        text = node.debug_log_text()[logged:]
        assert_in("Injected fault (", text, f"{name}: the fault fired")
        at = text.index("Injected fault (")
        assert_in(f"*** {msg}", text[at:], f"{name}: debug.log")
        after = text[text.index(f"*** {msg}"):]
        assert_in("Shutdown: done", after, f"{name}: clean shutdown")
        for word in ("UpdateTip", "Dumped mempool"):
            assert_not_in(word, after, f"{name}: nothing written after the error")
        log(f"{name}: node0 stopped by itself: {after.splitlines()[0].split('*** ', 1)[1][:110]}")

        if restart_fault:
            # A fault again during the start-up's own writes (the replay's flush).
            renv, rmsg = restart_fault
            node.start(list(args), env=renv, wait=False)
            rc = node.wait_for_exit(timeout=60, expect_code=None)
            assert_equal(rc, 1, f"{name}: exit code of the start-up with {renv}")
            assert_in(f"Error: {rmsg}", node.stderr_text(), f"{name}: start-up error")
            log(f"{name}: start-up with {renv} refused: {rmsg}")

        # Restart without the fault.
        logged = len(node.debug_log_text())
        node.start(list(args))
        tip = node.getbestblockhash()
        chain = [durable] + [h for h, _ in self.acked]
        # The refused block may come back too when its data and index entry
        # were durable before the fault (an undo write fails after both).
        allowed = chain + ([self.failed[0]] if self.failed else [])
        if tip not in allowed and not self.failed and node.getblockheader(tip).get("previousblockhash") == chain[-1]:
            # generatetoaddress does not name the block it was connecting when
            # the fault hit; stored and indexed at acceptance (doc/chainstate.md,
            # "Durability of accepted blocks"), it comes back as the child of the
            # last acknowledged block.
            self.failed = (tip, node.getblock(tip, 0))
            allowed.append(tip)
        assert_in(tip, allowed, f"{name}: restarted at a block node0 acknowledged")
        if replay:
            assert_in("Replaying blocks", node.debug_log_text()[logged:], f"{name}: the interrupted flush replayed")
        lost = len(chain) - 1 - chain.index(tip) if tip in chain else 0
        log(f"{name}: restarted at height {node.getblockcount()}, "
            f"{lost} of {len(self.acked)} acknowledged blocks to resend")
        assert_true(node.verifychain(4, 0), f"{name}: verifychain 4")
        # Peers send what was lost, and the block that failed.
        for h, raw in self.acked + ([self.failed] if self.failed else []):
            r = node.submitblock(raw)
            assert_true(r is None or r == "duplicate", f"{name}: block {h} accepted again: {r}")
        last = (self.failed or self.acked[-1])[0] if (self.failed or self.acked) else durable
        assert_equal(node.getbestblockhash(), last, f"{name}: tip after the blocks came back")
        forget_spent(node, self.w)
        feed(node, ref)
        assert_same_chain(node, ref, f"after {name}")


if __name__ == "__main__":
    WriteFaultTest().main()
