/* Tests for src/rpc/auth_throttle.c: the failed-login gate and its log
 * limit, on a clock the test sets. */
#include "qa/unit/unit.h"
#include "src/rpc/auth_throttle.h"

static int items[100];

START_TEST(test_gate)
{
    struct rpc_auth_throttle t;
    rpc_auth_throttle_init(&t, 3);
    ck_assert(rpc_auth_throttle_may_check(&t, 1000));
    ck_assert_int_eq(rpc_auth_throttle_failed(&t, 1000), 1000 + RPC_AUTH_THROTTLE_DELAY_MS);
    /* closed for everyone until 1250 */
    ck_assert(!rpc_auth_throttle_may_check(&t, 1000));
    ck_assert(!rpc_auth_throttle_may_check(&t, 1249));
    ck_assert(rpc_auth_throttle_may_check(&t, 1250));
    /* waiting requests: FIFO, bounded, released only when the gate is open */
    ck_assert(rpc_auth_throttle_push(&t, &items[0]));
    ck_assert(rpc_auth_throttle_push(&t, &items[1]));
    ck_assert(rpc_auth_throttle_push(&t, &items[2]));
    ck_assert(!rpc_auth_throttle_push(&t, &items[3]));
    ck_assert_uint_eq(rpc_auth_throttle_waiting(&t), 3);
    ck_assert(!rpc_auth_throttle_may_check(&t, 5000)); /* others wait: no overtaking */
    ck_assert_ptr_null(rpc_auth_throttle_next(&t, 1100));
    ck_assert_ptr_eq(rpc_auth_throttle_next(&t, 1250), &items[0]);
    /* items[0] fails at 1250: the next is held until 1500 */
    ck_assert_int_eq(rpc_auth_throttle_failed(&t, 1250), 1500);
    ck_assert_ptr_null(rpc_auth_throttle_next(&t, 1499));
    ck_assert_ptr_eq(rpc_auth_throttle_next(&t, 1500), &items[1]);
    /* items[1] succeeds: the gate stays open for items[2] */
    ck_assert_ptr_eq(rpc_auth_throttle_next(&t, 1500), &items[2]);
    ck_assert_ptr_null(rpc_auth_throttle_next(&t, 1500));
    ck_assert(rpc_auth_throttle_may_check(&t, 1500));
    /* take() empties the queue whatever the gate (shutdown) */
    ck_assert_int_eq(rpc_auth_throttle_failed(&t, 1500), 1750);
    ck_assert(rpc_auth_throttle_push(&t, &items[4]));
    ck_assert_ptr_eq(rpc_auth_throttle_take(&t), &items[4]);
    ck_assert_ptr_null(rpc_auth_throttle_take(&t));
    rpc_auth_throttle_clear(&t);
}
END_TEST

/* However the failures come, their checks are at least the delay apart:
 * n failures need (n - 1) x delay. */
START_TEST(test_rate_bound)
{
    struct rpc_auth_throttle t;
    rpc_auth_throttle_init(&t, RPC_AUTH_THROTTLE_MAX_WAITING);
    int64_t now = 0, last = INT64_MIN;
    int failures = 0;
    for (int step = 0; step < 100000; step++, now += 3) {
        /* 200 "connections" try each step; every check fails */
        for (int c = 0; c < 200; c++) {
            if (!rpc_auth_throttle_may_check(&t, now))
                break;
            ck_assert(last == INT64_MIN || now - last >= RPC_AUTH_THROTTLE_DELAY_MS);
            last = now;
            rpc_auth_throttle_failed(&t, now);
            failures++;
        }
    }
    ck_assert_int_le(failures, now / RPC_AUTH_THROTTLE_DELAY_MS + 1);
    ck_assert_int_ge(failures, now / (RPC_AUTH_THROTTLE_DELAY_MS + 3) - 1); /* the gate does reopen */
    rpc_auth_throttle_clear(&t);
}
END_TEST

START_TEST(test_log_limit)
{
    struct rpc_auth_throttle t;
    rpc_auth_throttle_init(&t, 1);
    unsigned left;
    int logged = 0;
    for (int i = 0; i < 40; i++) {
        logged += rpc_auth_throttle_log(&t, &left, 1000 + i);
        ck_assert_uint_eq(left, 0);
    }
    ck_assert_int_eq(logged, RPC_AUTH_THROTTLE_LOG_BURST);
    /* the next window reports the 30 left out, once */
    ck_assert(rpc_auth_throttle_log(&t, &left, 1000 + RPC_AUTH_THROTTLE_LOG_WINDOW_MS));
    ck_assert_uint_eq(left, 40 - RPC_AUTH_THROTTLE_LOG_BURST);
    ck_assert(rpc_auth_throttle_log(&t, &left, 1001 + RPC_AUTH_THROTTLE_LOG_WINDOW_MS));
    ck_assert_uint_eq(left, 0);
    rpc_auth_throttle_clear(&t);
}
END_TEST

static Suite *auth_throttle_suite(void)
{
    Suite *s = suite_create("auth_throttle");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_gate);
    tcase_add_test(tc, test_rate_bound);
    tcase_add_test(tc, test_log_limit);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(auth_throttle_suite)
