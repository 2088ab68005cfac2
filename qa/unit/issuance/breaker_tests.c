/* The price window and the circuit breaker (issuance/breaker.c). */
#include "issuance/breaker.h"

#include <string.h>

#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"

static struct tu_chain C;
static struct issuance_asset_state *A;
static const struct chain_asset *P;
static struct outpoint OP;

static void setup(void)
{
    tu_chain_init(&C);
    A = &C.state.asset[0];
    P = &C.assets[0];
    /* Genesis-like: price 100 at height 0, nothing recorded. */
    A->price = 100;
    A->price_height = 0;
    A->window_base = 100;
    memset(&OP, 0x3c, sizeof(OP));
}

static void record(uint64_t price, int32_t height)
{
    ck_assert(issuance_breaker_record(A, P, &OP, price, height));
    ck_assert_uint_eq(A->price, price);
    ck_assert_int_eq(A->price_height, height);
}

START_TEST(husd_parameters)
{
    /* The tests below assume HUSD's numbers (doc/chain-params.md). */
    ck_assert_uint_eq(P->breaker_window, 30);
    ck_assert_uint_eq(P->breaker_drop_pct, 20);
    ck_assert_uint_eq(P->breaker_pause, 60);
}
END_TEST

START_TEST(drop_of_exactly_20_percent_trips)
{
    record(80, 1000);
    ck_assert_int_eq(A->breaker_until, 1060);
    ck_assert(hash256_eq(&A->oracle.txid, &OP.txid));
}
END_TEST

START_TEST(drop_below_20_percent_does_not_trip)
{
    record(81, 1000);
    ck_assert_int_eq(A->breaker_until, 0);
    record(65, 1001); /* 81 * 0.8 = 64.8, but the high is still 100 */
    ck_assert_int_eq(A->breaker_until, 1061);
}
END_TEST

START_TEST(window_boundary)
{
    record(200, 10);
    record(170, 11); /* 15 % */
    ck_assert_int_eq(A->breaker_until, 0);
    /* Block 40: the window is blocks 11..40; 200 was in force when block 11
     * started, so the high is 200. */
    ck_assert_uint_eq(issuance_window_high(A, 40, 30), 200);
    ck_assert_uint_eq(issuance_window_high(A, 41, 30), 170);
    struct issuance_asset_state saved = *A;
    record(137, 41); /* 137 > 170 * 0.8 = 136 */
    ck_assert_int_eq(A->breaker_until, 0);
    *A = saved;
    record(136, 41);
    ck_assert_int_eq(A->breaker_until, 101);
    *A = saved;
    record(137, 40); /* against 200 */
    ck_assert_int_eq(A->breaker_until, 100);
}
END_TEST

START_TEST(several_updates_in_one_block)
{
    record(120, 500);
    ck_assert_int_eq(A->breaker_until, 0);
    record(96, 500); /* 20 % below the earlier update of the same block */
    ck_assert_int_eq(A->breaker_until, 560);
    record(130, 500);
    record(110, 500); /* the last wins */
    ck_assert_uint_eq(A->price, 110);
    ck_assert_uint_eq(A->window_count, 1);
    ck_assert_uint_eq(A->window[0].high, 130);
    ck_assert_uint_eq(A->window[0].last, 110);
    ck_assert_uint_eq(issuance_window_high(A, 529, 30), 130);
    ck_assert_uint_eq(issuance_window_high(A, 530, 30), 110);
}
END_TEST

START_TEST(breaker_end_only_moves_forward)
{
    record(80, 1000);
    ck_assert_int_eq(A->breaker_until, 1060);
    record(60, 1010);
    ck_assert_int_eq(A->breaker_until, 1070);
    record(100, 1020);
    ck_assert_int_eq(A->breaker_until, 1070);
}
END_TEST

START_TEST(breaker_end_clamped)
{
    record(50, INT32_MAX - 10);
    ck_assert_int_eq(A->breaker_until, INT32_MAX);
}
END_TEST

START_TEST(marks_leave_the_window)
{
    for (int32_t h = 1; h <= 100; h++)
        record(1000 + (uint64_t)h, h);
    /* Only blocks 71..100 are marked; the base is block 70's price. */
    ck_assert_uint_eq(A->window_count, 30);
    ck_assert_int_eq(A->window[0].height, 71);
    ck_assert_uint_eq(A->window_base, 1070);
    /* Unused slots are zero (exact snapshots). */
    struct issuance_price_mark zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&A->window[30], &zero, sizeof(zero)) == 0);
    /* A long silence: everything leaves, the base is the last price. */
    record(1100, 1000);
    ck_assert_uint_eq(A->window_count, 1);
    ck_assert_uint_eq(A->window_base, 1100);
    ck_assert_int_eq(A->breaker_until, 0);
}
END_TEST

START_TEST(largest_window)
{
    C.assets[0].breaker_window = ISSUANCE_WINDOW_MAX;
    ck_assert(issuance_asset_params_ok(&C.assets[0]));
    for (int32_t h = 1; h <= 3 * ISSUANCE_WINDOW_MAX; h++)
        record(100, h);
    ck_assert_uint_eq(A->window_count, ISSUANCE_WINDOW_MAX);
}
END_TEST

START_TEST(refusals_change_nothing)
{
    record(90, 100);
    struct issuance_asset_state before = *A;
    ck_assert(!issuance_breaker_record(A, P, &OP, 0, 101));
    ck_assert(!issuance_breaker_record(A, P, &OP, 50, 99)); /* out of block order */
    ck_assert(memcmp(&before, A, sizeof(before)) == 0);
    /* A window larger than the state holds is refused, not overrun. */
    C.assets[0].breaker_window = ISSUANCE_WINDOW_MAX + 5;
    for (int32_t h = 101; h < 101 + ISSUANCE_WINDOW_MAX - 1; h++)
        ck_assert(issuance_breaker_record(A, P, &OP, 90, h));
    ck_assert_uint_eq(A->window_count, ISSUANCE_WINDOW_MAX);
    ck_assert(!issuance_breaker_record(A, P, &OP, 90, 101 + ISSUANCE_WINDOW_MAX));
    ck_assert(issuance_breaker_record(A, P, &OP, 91, 100 + ISSUANCE_WINDOW_MAX - 1)); /* same block still fine */
}
END_TEST

static Suite *breaker_suite(void)
{
    Suite *s = suite_create("issuance_breaker");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, husd_parameters);
    tcase_add_test(tc, drop_of_exactly_20_percent_trips);
    tcase_add_test(tc, drop_below_20_percent_does_not_trip);
    tcase_add_test(tc, window_boundary);
    tcase_add_test(tc, several_updates_in_one_block);
    tcase_add_test(tc, breaker_end_only_moves_forward);
    tcase_add_test(tc, breaker_end_clamped);
    tcase_add_test(tc, marks_leave_the_window);
    tcase_add_test(tc, largest_window);
    tcase_add_test(tc, refusals_change_nothing);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(breaker_suite)
