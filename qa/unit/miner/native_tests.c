/* The native miner on a real regtest chainstate and mempool: it mines
 * blocks that the chain accepts, stops, restarts with another thread count
 * and refuses to start without a payout script. Waits are on a condition
 * variable fed by the chain's tip events (with a generous deadline), never
 * on sleeps. */
#include "src/miner/native.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

#include "consensus/params.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/chain/miner.h"

static int64_t test_clock(void *ctx)
{
    (void)ctx;
    return tc_time();
}

/* Tip heights, as the chain announces them. */
static pthread_mutex_t tip_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t tip_cv = PTHREAD_COND_INITIALIZER;
static int32_t tip_height;

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    (void)ctx;
    (void)fork;
    (void)ibd;
    pthread_mutex_lock(&tip_mu);
    tip_height = new_tip->height;
    pthread_cond_broadcast(&tip_cv);
    pthread_mutex_unlock(&tip_mu);
}

/* Waits until the tip reaches `height`; false after 120 s (a failure, not a pace). */
static bool wait_height(int32_t height)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    ts.tv_sec += 120;
    pthread_mutex_lock(&tip_mu);
    int rc = 0;
    while (tip_height < height && rc == 0)
        rc = pthread_cond_timedwait(&tip_cv, &tip_mu, &ts);
    bool ok = tip_height >= height;
    pthread_mutex_unlock(&tip_mu);
    return ok;
}

struct fixture {
    struct test_chain t;
    struct mempool *mp;
    int mp_sub, tip_sub;
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
    struct events_subscriber sub;
    memset(&sub, 0, sizeof(sub));
    sub.updated_block_tip = on_tip;
    f->tip_sub = events_subscribe(f->t.events, &sub);
    tip_height = chainstate_height(f->t.cs);
}

static void teardown(struct fixture *f)
{
    events_unsubscribe(f->t.events, f->tip_sub);
    events_unsubscribe(f->t.events, f->mp_sub);
    mempool_free(f->mp);
    tc_teardown(&f->t);
    events_free(f->t.events);
}

static struct native_miner *new_miner(struct fixture *f, const uint8_t *spk, size_t len, enum sha256_scan_kernel k)
{
    struct native_miner_options o;
    memset(&o, 0, sizeof(o));
    o.params = f->t.p;
    o.chain = f->t.cs;
    o.mempool = f->mp;
    o.events = f->t.events;
    o.script = spk;
    o.script_len = len;
    o.kernel = k;
    o.clock = test_clock;
    char err[256];
    struct native_miner *m = native_miner_new(&o, err, sizeof(err));
    ck_assert_msg(m != NULL, "%s", err);
    return m;
}

START_TEST(mines_stops_and_restarts)
{
    struct fixture f;
    setup(&f);
    struct native_miner *m = new_miner(&f, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK), SHA256_SCAN_AUTO);
    ck_assert(!native_miner_running(m));
    ck_assert_int_eq(native_miner_start(m, 2, true), NATIVE_MINER_STARTED);
    ck_assert(native_miner_running(m));
    ck_assert(wait_height(5));
    native_miner_stop(m);
    ck_assert(!native_miner_running(m));
    int32_t h = chainstate_height(f.t.cs);
    struct native_miner_stats s;
    native_miner_stats_get(m, &s);
    ck_assert(!s.running);
    ck_assert_int_eq(s.threads, 0);
    ck_assert_uint_ge(s.blocks_found, 5);
    ck_assert_uint_eq(s.blocks_found, (uint64_t)h); /* every block on the chain is ours */
    ck_assert_uint_gt(s.hashes, 0);
    ck_assert_uint_ge(s.jobs, 5);
    native_miner_stats_clear(&s);
    /* Stopped means stopped: the joined threads submit nothing more. */
    ck_assert_int_eq(chainstate_height(f.t.cs), h);

    /* The mined blocks pay the script and carry the BIP 320 version. */
    struct block b;
    ck_assert(chainstate_read_block(f.t.cs, &b, chainstate_tip(f.t.cs)));
    ck_assert_uint_eq(b.txs[0].vout[0].script_pubkey.len, sizeof(TC_GENESIS_SPK));
    ck_assert(memcmp(b.txs[0].vout[0].script_pubkey.data, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK)) == 0);
    ck_assert_uint_eq((uint32_t)b.header.version >> 29, 1);
    block_clear(&b);

    /* Restart with one thread, then switch to three while running. */
    ck_assert_int_eq(native_miner_start(m, 1, true), NATIVE_MINER_STARTED);
    ck_assert(wait_height(h + 3));
    ck_assert_int_eq(native_miner_start(m, 3, true), NATIVE_MINER_STARTED);
    native_miner_stats_get(m, &s);
    ck_assert(s.running);
    ck_assert_int_eq(s.threads, 3);
    native_miner_stats_clear(&s);
    ck_assert(wait_height(h + 6));
    native_miner_free(m);
    teardown(&f);
}
END_TEST

START_TEST(every_kernel_mines)
{
    struct fixture f;
    setup(&f);
    static const enum sha256_scan_kernel ks[] = { SHA256_SCAN_PORTABLE, SHA256_SCAN_AVX2, SHA256_SCAN_AVX512,
                                                  SHA256_SCAN_SHANI };
    for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
        if (!sha256_scan_kernel_available(ks[i]))
            continue;
        struct native_miner *m = new_miner(&f, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK), ks[i]);
        int32_t h = chainstate_height(f.t.cs);
        ck_assert_int_eq(native_miner_start(m, 1, true), NATIVE_MINER_STARTED);
        ck_assert(wait_height(h + 2));
        struct native_miner_stats s;
        native_miner_stats_get(m, &s);
        ck_assert_str_eq(s.kernel, sha256_scan_kernel_name(ks[i]));
        native_miner_stats_clear(&s);
        native_miner_free(m);
    }
    teardown(&f);
}
END_TEST

START_TEST(refuses_without_address)
{
    struct fixture f;
    setup(&f);
    struct native_miner *m = new_miner(&f, NULL, 0, SHA256_SCAN_PORTABLE);
    ck_assert_int_eq(native_miner_start(m, 1, true), NATIVE_MINER_NO_ADDRESS);
    ck_assert(!native_miner_running(m));
    native_miner_free(m);
    teardown(&f);
}
END_TEST

static Suite *native_suite(void)
{
    Suite *s = suite_create("miner_native");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, mines_stops_and_restarts);
    tcase_add_test(tc, every_kernel_mines);
    tcase_add_test(tc, refuses_without_address);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(native_suite)
