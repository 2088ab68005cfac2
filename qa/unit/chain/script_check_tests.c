/* Tests of src/chain/script_check.c: the worker pool (all pass, one fails,
 * with and without workers, in one batch or published in steps) and the
 * script cache (hits, eviction). */
#include <check.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/script_check.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"

static void run_pool(int workers)
{
    keys_init();
    struct outpoint op;
    memset(&op, 5, sizeof(op));
    op.n = 0;
    struct tx tx;
    tc_spend(&tx, &op, 50 * COIN, 49 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct txout good = { 50 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    struct txout bad = { 49 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    struct tx_precomputed pre_good, pre_bad;
    tx_precomputed_init(&pre_good, &tx, &good, 1);
    tx_precomputed_init(&pre_bad, &tx, &bad, 1);
    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_DERSIG;
    enum { N = 300 };
    struct script_check *checks = mem_calloc(N, sizeof(*checks));
    for (size_t i = 0; i < N; i++) {
        checks[i].tx = &tx;
        checks[i].in_index = 0;
        checks[i].spent = &good;
        checks[i].flags = flags;
        checks[i].pre = &pre_good;
    }
    struct check_queue *q = check_queue_new(workers);
    ck_assert_int_eq(check_queue_workers(q), workers);
    ck_assert(check_queue_run(q, checks, N, NULL, NULL));
    ck_assert(check_queue_run(q, checks, 0, NULL, NULL));
    checks[217].spent = &bad;
    checks[217].pre = &pre_bad;
    size_t failed = 0;
    enum script_error err = SCRIPT_ERR_OK;
    ck_assert(!check_queue_run(q, checks, N, &failed, &err));
    ck_assert_uint_eq(failed, 217);
    ck_assert_int_eq(err, SCRIPT_ERR_EVAL_FALSE);
    /* The pool is reusable after a failure. */
    ck_assert(check_queue_run(q, checks, 200, NULL, NULL));
    check_queue_free(q);
    mem_free(checks);
    tx_clear(&tx);
}

/* The incremental batch (check_queue_begin/add/wait/abandon): checks
 * published in steps all run; a failure is reported once the batch is
 * waited for; an abandoned batch returns and leaves the pool usable; a
 * one-input check fills its transaction's digests itself. */
static void run_incremental(int workers)
{
    keys_init();
    struct outpoint op;
    memset(&op, 5, sizeof(op));
    op.n = 0;
    struct tx tx;
    tc_spend(&tx, &op, 50 * COIN, 49 * COIN, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct txout good = { 50 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    struct txout bad = { 49 * COIN, { (uint8_t *)TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK) } };
    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_DERSIG;
    enum { N = 120 };
    struct script_check *checks = mem_calloc(N, sizeof(*checks));
    struct tx_precomputed *pre = mem_calloc(N, sizeof(*pre));
    for (size_t i = 0; i < N; i++) {
        checks[i].tx = &tx;
        checks[i].in_index = 0;
        checks[i].spent = &good;
        checks[i].flags = flags;
        checks[i].pre = &pre[i];
        checks[i].fill_pre = &pre[i];
    }
    struct check_queue *q = check_queue_new(workers);
    check_queue_begin(q, checks);
    for (size_t n = 10; n <= N; n += 10)
        check_queue_add(q, n);
    ck_assert(check_queue_wait(q, NULL, NULL));
    struct tx_precomputed want;
    tx_precomputed_init(&want, &tx, &good, 1);
    ck_assert(memcmp(pre[N - 1].hash_prevouts, want.hash_prevouts, 32) == 0);
    ck_assert(memcmp(pre[N - 1].sha_amounts, want.sha_amounts, 32) == 0);

    checks[77].spent = &bad;
    size_t failed = 0;
    enum script_error err = SCRIPT_ERR_OK;
    check_queue_begin(q, checks);
    for (size_t n = 7; n < N; n += 7)
        check_queue_add(q, n);
    check_queue_add(q, N);
    ck_assert(!check_queue_wait(q, &failed, &err));
    ck_assert_uint_eq(failed, 77);
    ck_assert_int_eq(err, SCRIPT_ERR_EVAL_FALSE);

    /* Abandoned with the failing check published: no result, pool reusable. */
    check_queue_begin(q, checks);
    check_queue_add(q, N);
    check_queue_abandon(q);
    check_queue_begin(q, checks);
    check_queue_add(q, 70);
    ck_assert(check_queue_wait(q, NULL, NULL));
    check_queue_free(q);
    mem_free(checks);
    mem_free(pre);
    tx_clear(&tx);
}

START_TEST(test_incremental_no_workers) { run_incremental(0); }
END_TEST

START_TEST(test_incremental_workers) { run_incremental(2); }
END_TEST

START_TEST(test_pool_no_workers) { run_pool(0); }
END_TEST

START_TEST(test_pool_workers) { run_pool(3); }
END_TEST

START_TEST(test_cache)
{
    struct script_cache *sc = script_cache_new(16);
    struct hash256 w;
    memset(&w, 1, sizeof(w));
    uint8_t k1[32], k2[32];
    script_cache_key(sc, k1, &w, 1);
    script_cache_key(sc, k2, &w, 2);
    ck_assert(memcmp(k1, k2, 32) != 0);
    ck_assert(!script_cache_contains(sc, k1));
    script_cache_add(sc, k1);
    script_cache_add(sc, k1);
    ck_assert(script_cache_contains(sc, k1));
    ck_assert(!script_cache_contains(sc, k2));
    ck_assert_uint_eq(script_cache_size(sc), 1);
    /* Fill past the limit: the size stays capped and lookups stay correct. */
    for (uint32_t i = 0; i < 200; i++) {
        uint8_t k[32];
        script_cache_key(sc, k, &w, 100 + i);
        script_cache_add(sc, k);
        ck_assert(script_cache_contains(sc, k));
    }
    ck_assert_uint_eq(script_cache_size(sc), 16);
    size_t present = 0;
    for (uint32_t i = 0; i < 200; i++) {
        uint8_t k[32];
        script_cache_key(sc, k, &w, 100 + i);
        present += script_cache_contains(sc, k);
    }
    ck_assert_uint_eq(present, 16);
    script_cache_free(sc);
    script_cache_free(NULL);
}
END_TEST

static Suite *script_check_suite(void)
{
    Suite *s = suite_create("script_check");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_pool_no_workers);
    tcase_add_test(tc, test_pool_workers);
    tcase_add_test(tc, test_incremental_no_workers);
    tcase_add_test(tc, test_incremental_workers);
    tcase_add_test(tc, test_cache);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(script_check_suite)
