/* Tests of src/chain/chainstate_persist.c: block index entries written at
 * acceptance survive a killed process (SIGKILL in a forked child, no flush),
 * chainstate_catch_up connects them at the next start, can be interrupted
 * (by its stop flag or by another kill) and resumes, and treats block or undo
 * data that did not reach the disk (power loss) as missing rather than
 * fatal. The blocks are compared with a reference chain mined without a
 * crash: tc_mine is deterministic, so both mine the same blocks. */
#include <check.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/util/alloc.h"

/* Opens the regtest chainstate of dir (no start-up block checks). */
static int open_dir(struct test_chain *t, const char *dir, bool defer_index_writes, struct events *ev)
{
    memset(t, 0, sizeof(*t));
    snprintf(t->dir, sizeof(t->dir), "%s", dir);
    t->p = chain_params_get("regtest");
    chainstate_options_init(&t->opt);
    t->opt.params = t->p;
    t->opt.datadir = t->dir;
    t->opt.dbcache_bytes = 16u << 20;
    t->opt.adjusted_time = tc_time;
    t->opt.defer_index_writes = defer_index_writes;
    t->opt.events = ev;
    char err[256];
    return tc_reopen(t, err, sizeof(err));
}

/* Runs fn(dir) in a child that ends by SIGKILLing itself; asserts it got there. */
static void in_killed_child(const char *dir, int (*fn)(const char *dir))
{
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        int rc = fn(dir);
        if (rc == 0)
            raise(SIGKILL);
        _exit(rc);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child exited with %d",
                  WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

static void assert_same_stats(struct test_chain *a, struct test_chain *b)
{
    struct chainstate_utxo_stats x, y;
    ck_assert(chainstate_utxo_stats(a->cs, &x));
    ck_assert(chainstate_utxo_stats(b->cs, &y));
    ck_assert_int_eq(x.height, y.height);
    ck_assert(hash256_eq(&x.best_block, &y.best_block));
    ck_assert_uint_eq(x.txouts, y.txouts);
    ck_assert_int_eq(x.total_amount, y.total_amount);
    ck_assert(hash256_eq(&x.hash_serialized, &y.hash_serialized));
}

/* Every block of ref's active chain up to height is in t's index with data. */
static void assert_stored(struct test_chain *t, struct test_chain *ref, int32_t height)
{
    for (int32_t h = 1; h <= height; h++) {
        struct block_index *want = chainstate_at_height(ref->cs, h);
        struct block_index *got = chainstate_lookup(t->cs, &want->hash);
        ck_assert_msg(got != NULL, "block %d lost", h);
        ck_assert_msg(got->status & BLOCK_HAVE_DATA, "block %d has no data", h);
    }
}

static int mine12(const char *dir)
{
    struct test_chain t;
    if (open_dir(&t, dir, false, NULL) != 0)
        return 3;
    tc_mine_n(&t, 12);
    return chainstate_height(t.cs) == 12 ? 0 : 4;
}

static int mine12_deferred(const char *dir)
{
    struct test_chain t;
    if (open_dir(&t, dir, true, NULL) != 0)
        return 3;
    tc_mine_n(&t, 12);
    return chainstate_height(t.cs) == 12 ? 0 : 4;
}

START_TEST(test_accepted_blocks_survive_kill)
{
    struct test_chain ref;
    tc_setup(&ref, "regtest");
    tc_mine_n(&ref, 12);

    char dir[64];
    tmpdir_make(dir);
    in_killed_child(dir, mine12);
    struct test_chain t;
    ck_assert_int_eq(open_dir(&t, dir, false, NULL), 0);
    /* The coins were never flushed: the chain state is at genesis, the
     * index has every accepted block. */
    ck_assert_int_eq(chainstate_height(t.cs), 0);
    assert_stored(&t, &ref, 12);
    ck_assert_int_eq(chainstate_catch_up(t.cs, NULL), 12);
    ck_assert_ptr_eq(chainstate_tip(t.cs), chainstate_lookup(t.cs, &chainstate_tip(ref.cs)->hash));
    assert_same_stats(&t, &ref);
    ck_assert_int_eq(chainstate_catch_up(t.cs, NULL), 0); /* nothing left */
    struct val_state st;
    ck_assert(chainstate_verify_chain(t.cs, &st, 4, 0));
    tc_teardown(&t);

    /* Without the writes at acceptance (the old behaviour) the same kill loses them all. */
    tmpdir_make(dir);
    in_killed_child(dir, mine12_deferred);
    ck_assert_int_eq(open_dir(&t, dir, false, NULL), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 0);
    ck_assert_ptr_null(chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 1)->hash));
    ck_assert_int_eq(chainstate_catch_up(t.cs, NULL), 0);
    tc_teardown(&t);
    tc_teardown(&ref);
}
END_TEST

struct stop_after {
    int connected;
    int limit;
    atomic_bool stop;
};

static void count_connected(void *ctx, const struct block *b, const struct block_index *idx)
{
    (void)b;
    (void)idx;
    struct stop_after *s = ctx;
    if (++s->connected >= s->limit)
        s->stop = true;
}

/* Catches up 5 of the 12 blocks, then dies: a kill during catch-up. */
static int catch_up_5(const char *dir)
{
    struct stop_after s = { 0, 5, false };
    struct events *ev = events_new();
    struct events_subscriber sub = { .ctx = &s, .block_connected = count_connected };
    events_subscribe(ev, &sub);
    struct test_chain t;
    if (open_dir(&t, dir, false, ev) != 0 || chainstate_height(t.cs) != 0)
        return 4;
    s.connected = 0; /* opening connected genesis */
    if (chainstate_catch_up(t.cs, &s.stop) != 5 || chainstate_height(t.cs) != 5)
        return 5;
    return 0;
}

START_TEST(test_catch_up_interrupted)
{
    struct test_chain ref;
    tc_setup(&ref, "regtest");
    tc_mine_n(&ref, 12);
    char dir[64];
    tmpdir_make(dir);
    in_killed_child(dir, mine12);
    in_killed_child(dir, catch_up_5);

    struct test_chain t;
    ck_assert_int_eq(open_dir(&t, dir, false, NULL), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 0); /* the killed catch-up flushed nothing */
    assert_stored(&t, &ref, 12);
    /* A stop requested before it starts: nothing is connected. */
    atomic_bool stop = true;
    ck_assert_int_eq(chainstate_catch_up(t.cs, &stop), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 0);

    /* Stopped after 5 blocks, then a clean shutdown: the next start resumes at 5. */
    struct stop_after s = { 0, 5, false };
    t.opt.events = events_new();
    struct events_subscriber sub = { .ctx = &s, .block_connected = count_connected };
    events_subscribe(t.opt.events, &sub);
    char err[256];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    s.connected = 0;
    ck_assert_int_eq(chainstate_catch_up(t.cs, &s.stop), 5);
    ck_assert_int_eq(chainstate_height(t.cs), 5);
    tc_close(&t);
    events_free(t.opt.events);
    t.opt.events = NULL;
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 5);
    ck_assert_int_eq(chainstate_catch_up(t.cs, NULL), 7);
    ck_assert_int_eq(chainstate_height(t.cs), 12);
    assert_same_stats(&t, &ref);
    tc_teardown(&t);
    tc_teardown(&ref);
}
END_TEST

/* 6 blocks flushed, 4 more accepted, then killed. */
static int mine6_flush_mine4(const char *dir)
{
    struct test_chain t;
    if (open_dir(&t, dir, false, NULL) != 0)
        return 3;
    tc_mine_n(&t, 6);
    char err[256];
    if (tc_reopen(&t, err, sizeof(err)) != 0) /* closes: flushes at 6 */
        return 4;
    tc_mine_n(&t, 4);
    return chainstate_height(t.cs) == 10 ? 0 : 5;
}

START_TEST(test_lost_block_and_undo_data)
{
    struct test_chain ref;
    tc_setup(&ref, "regtest");
    tc_mine_n(&ref, 10);
    char dir[64], path[256];
    tmpdir_make(dir);
    in_killed_child(dir, mine6_flush_mine4);

    /* A power loss: the unsynced index entries reached the disk, the data of
     * blocks 9 and 10 and the undo data from block 7 on did not. */
    struct test_chain t;
    ck_assert_int_eq(open_dir(&t, dir, false, NULL), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 6);
    assert_stored(&t, &ref, 10);
    struct block_index *b7 = chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 7)->hash);
    struct block_index *b9 = chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 9)->hash);
    ck_assert(b7->status & BLOCK_HAVE_UNDO); /* written with block 8's entry */
    ck_assert_int_eq(b7->file, 0);
    ck_assert_int_eq(b9->file, 0);
    uint32_t undo7 = b7->undo_pos, data9 = b9->data_pos;
    tc_close(&t);
    ck_assert_int_eq(truncate(tmpdir_join(path, dir, "blocks/blk00000.dat"), (off_t)data9 - 8), 0);
    ck_assert_int_eq(truncate(tmpdir_join(path, dir, "blocks/rev00000.dat"), (off_t)undo7 - 8), 0);

    char err[256];
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    /* Blocks 7 and 8 connect (their undo data written again); 9 and 10 are forgotten, not fatal. */
    ck_assert_int_eq(chainstate_catch_up(t.cs, NULL), 2);
    ck_assert_int_eq(chainstate_height(t.cs), 8);
    ck_assert(!chainstate_failed(t.cs));
    b9 = chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 9)->hash);
    struct block_index *b10 = chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 10)->hash);
    ck_assert_ptr_nonnull(b9);
    ck_assert_ptr_nonnull(b10);
    ck_assert(!(b9->status & BLOCK_HAVE_DATA));
    ck_assert(!(b10->status & BLOCK_HAVE_DATA));
    ck_assert_ptr_eq(chainstate_best_header(t.cs), b10); /* the headers stay known */

    /* They come back (as from a peer) and connect. */
    for (int32_t h = 9; h <= 10; h++) {
        struct block b;
        ck_assert(chainstate_read_block(ref.cs, &b, chainstate_at_height(ref.cs, h)));
        struct val_state st;
        bool nb;
        ck_assert(chainstate_process_new_block(t.cs, &st, &nb, &b, true));
        ck_assert(val_is_valid(&st) && nb);
        block_clear(&b);
    }
    ck_assert_int_eq(chainstate_height(t.cs), 10);
    assert_same_stats(&t, &ref);
    /* The undo data written again is usable: disconnect back to 6 and return. */
    struct val_state st;
    b7 = chainstate_lookup(t.cs, &chainstate_at_height(ref.cs, 7)->hash);
    ck_assert(chainstate_invalidate_block(t.cs, &st, b7));
    ck_assert_int_eq(chainstate_height(t.cs), 6);
    ck_assert(chainstate_reconsider_block(t.cs, &st, b7));
    ck_assert_int_eq(chainstate_height(t.cs), 10);
    ck_assert(!chainstate_failed(t.cs));
    ck_assert_int_eq(tc_reopen(&t, err, sizeof(err)), 0);
    ck_assert_int_eq(chainstate_height(t.cs), 10);
    ck_assert(chainstate_verify_chain(t.cs, &st, 4, 0));
    assert_same_stats(&t, &ref);
    tc_teardown(&t);
    tc_teardown(&ref);
}
END_TEST

static Suite *chainstate_persist_suite(void)
{
    Suite *s = suite_create("chainstate_persist");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_accepted_blocks_survive_kill);
    tcase_add_test(tc, test_catch_up_interrupted);
    tcase_add_test(tc, test_lost_block_and_undo_data);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(chainstate_persist_suite)
