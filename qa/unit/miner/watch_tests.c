/* The template watcher behind getblocktemplate's long polling: a waiter
 * returns on a new tip (from another thread), at once for an old tip, on a
 * mempool change once the delay passed, on its timeout and on shutdown. */
#include "src/miner/watch.h"

#include <pthread.h>
#include <string.h>

#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return tc_time();
}

struct fixture {
    struct test_chain t;
    struct mempool *mp;
    int mp_sub;
    struct miner_watch *w;
};

static void setup(struct fixture *f)
{
    tc_setup(&f->t, "regtest");
    tc_close(&f->t);
    f->t.events = events_new();
    f->t.opt.events = f->t.events;
    char err[512];
    ck_assert_msg(tc_reopen(&f->t, err, sizeof(err)) == 0, "%s", err);
    struct mempool_options o;
    mempool_options_init(&o, f->t.p);
    mempool_chain_from_chainstate(&o.chain, f->t.cs);
    mempool_notify_from_events(&o.notify, f->t.events);
    o.clock = test_clock;
    f->mp = mempool_new(&o);
    f->mp_sub = mempool_subscribe_events(f->mp, f->t.events);
    f->w = miner_watch_new(f->t.events, f->t.cs, f->mp);
}

static void teardown(struct fixture *f)
{
    miner_watch_free(f->w);
    events_unsubscribe(f->t.events, f->mp_sub);
    mempool_free(f->mp);
    tc_teardown(&f->t);
    events_free(f->t.events);
}

struct waiter {
    struct miner_watch *w;
    struct hash256 tip;
    uint64_t seq;
    enum miner_watch_result r;
    pthread_t th;
};

static void *wait_main(void *arg)
{
    struct waiter *x = arg;
    x->r = miner_watch_wait(x->w, &x->tip, x->seq, 60000, 0); /* no timeout: only an event ends it */
    return NULL;
}

START_TEST(returns_on_new_tip)
{
    struct fixture f;
    setup(&f);
    struct waiter x = { .w = f.w, .tip = chainstate_tip(f.t.cs)->hash, .seq = mempool_sequence(f.mp) };
    miner_watch_tip(f.w, &x.tip);
    ck_assert(hash256_eq(&x.tip, &chainstate_tip(f.t.cs)->hash));
    ck_assert_int_eq(pthread_create(&x.th, NULL, wait_main, &x), 0);
    tc_mine_n(&f.t, 1); /* the waiter can only return because of this block */
    pthread_join(x.th, NULL);
    ck_assert_int_eq(x.r, MINER_WATCH_TIP);
    /* A wait on the old tip returns at once. */
    ck_assert_int_eq(miner_watch_wait(f.w, &x.tip, x.seq, 60000, 0), MINER_WATCH_TIP);
    teardown(&f);
}
END_TEST

START_TEST(timeout_mempool_and_shutdown)
{
    struct fixture f;
    setup(&f);
    struct hash256 tip = chainstate_tip(f.t.cs)->hash;
    uint64_t seq = mempool_sequence(f.mp);
    ck_assert_int_eq(miner_watch_wait(f.w, &tip, seq, 0, 50), MINER_WATCH_TIMEOUT);
    /* A sequence other than the mempool's: a change, reported after the delay. */
    ck_assert_int_eq(miner_watch_wait(f.w, &tip, seq + 1, 0, 0), MINER_WATCH_MEMPOOL);
    ck_assert_int_eq(miner_watch_wait(f.w, &tip, seq + 1, 30, 0), MINER_WATCH_MEMPOOL);
    /* Shutdown wakes a waiter that nothing else would. */
    struct waiter x = { .w = f.w, .tip = tip, .seq = seq };
    ck_assert_int_eq(pthread_create(&x.th, NULL, wait_main, &x), 0);
    miner_watch_shutdown(f.w);
    pthread_join(x.th, NULL);
    ck_assert_int_eq(x.r, MINER_WATCH_SHUTDOWN);
    ck_assert_int_eq(miner_watch_wait(f.w, &tip, seq, 0, 0), MINER_WATCH_SHUTDOWN);
    teardown(&f);
}
END_TEST

static Suite *watch_suite(void)
{
    Suite *s = suite_create("miner_watch");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, returns_on_new_tip);
    tcase_add_test(tc, timeout_mempool_and_shutdown);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(watch_suite)
