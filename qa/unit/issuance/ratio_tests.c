#include "issuance/ratio.h"

#include "consensus/amount.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"

/* 100 HUSD per HMC, as the genesis ORACLE output. */
#define PRICE (UINT64_C(100) * ISSUANCE_PRICE_SCALE)
#define HUSD ISSUANCE_PRICE_SCALE /* 1 HUSD in base units (8 decimals) */

START_TEST(ratio_exactly_150_passes)
{
    /* 1.5 HMC at 100 HUSD/HMC is worth 150 HUSD: exactly 150 % of 100 HUSD. */
    ck_assert(issuance_ratio_at_least(150000000, PRICE, 100 * HUSD, 150));
    /* One base unit of collateral less is below. */
    ck_assert(!issuance_ratio_at_least(149999999, PRICE, 100 * HUSD, 150));
    /* One base unit of debt more is below. */
    ck_assert(!issuance_ratio_at_least(150000000, PRICE, 100 * HUSD + 1, 150));
    /* One base unit of price less is below. */
    ck_assert(!issuance_ratio_at_least(150000000, PRICE - 1, 100 * HUSD, 150));
}
END_TEST

START_TEST(ratio_exactly_120)
{
    /* 1.2 HMC backs 100 HUSD at exactly 120 %: not below 120. */
    ck_assert(issuance_ratio_at_least(120000000, PRICE, 100 * HUSD, 120));
    ck_assert(!issuance_ratio_at_least(119999999, PRICE, 100 * HUSD, 120));
}
END_TEST

START_TEST(ratio_rounding_is_exact)
{
    /* A ratio just under the threshold must never round up to pass.
     * c = 1, p = 1e8: value 1 unit against debt 1 -> exactly 100 %. */
    ck_assert(issuance_ratio_at_least(1, ISSUANCE_PRICE_SCALE, 1, 100));
    ck_assert(!issuance_ratio_at_least(1, ISSUANCE_PRICE_SCALE, 1, 101));
    /* c * p = 101e6: value 1.01 units vs debt 1 at 101 %: equal, passes. */
    ck_assert(issuance_ratio_at_least(101, 1000000, 1, 101));
    ck_assert(!issuance_ratio_at_least(101, 999999, 1, 101));
    /* rhs not a multiple of 100: pct 1, debt 1 -> rhs = 1e8, need 1e6. */
    ck_assert(issuance_ratio_at_least(1, 1000000, 1, 1));
    ck_assert(!issuance_ratio_at_least(1, 999999, 1, 1));
    /* pct 3, debt 1: 100 * c * p >= 3e8 <=> c * p >= 3e6. */
    ck_assert(issuance_ratio_at_least(3, 1000000, 1, 3));
    ck_assert(!issuance_ratio_at_least(2999999, 1, 1, 3));
}
END_TEST

START_TEST(ratio_without_debt_is_infinite)
{
    ck_assert(issuance_ratio_at_least(0, 0, 0, 150));
    ck_assert(issuance_ratio_at_least(0, PRICE, 0, UINT32_MAX));
}
END_TEST

START_TEST(ratio_extremes_do_not_overflow)
{
    /* Every argument at its type's maximum: exact, no wrap-around. */
    ck_assert(issuance_ratio_at_least(UINT64_MAX, UINT64_MAX, UINT64_MAX, 100));
    ck_assert(!issuance_ratio_at_least(UINT64_MAX, 1, UINT64_MAX, UINT32_MAX));
    ck_assert(issuance_ratio_at_least(UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT32_MAX));
    ck_assert(issuance_ratio_at_least((uint64_t)MAX_MONEY, UINT64_MAX, TOKEN_AMOUNT_MAX, 150));
    ck_assert(!issuance_ratio_at_least(1, 1, TOKEN_AMOUNT_MAX, 150));
    ck_assert(!issuance_ratio_at_least(0, UINT64_MAX, 1, 1));
    /* Debt 2^53 at 150 %: collateral * price must reach 1.5 * 2^53 * 1e8. */
    uint64_t debt = TOKEN_AMOUNT_MAX;
    uint64_t c = (debt / 2) * 3; /* 1.5 * 2^53, exact */
    ck_assert(issuance_ratio_at_least(c, ISSUANCE_PRICE_SCALE, debt, 150));
    ck_assert(!issuance_ratio_at_least(c - 1, ISSUANCE_PRICE_SCALE, debt, 150));
    ck_assert(!issuance_ratio_at_least(c, ISSUANCE_PRICE_SCALE, debt + 1, 150));
}
END_TEST

START_TEST(seized_rounds_up)
{
    /* debt 100 HUSD, bonus 10 %, price 100 HUSD/HMC: 1.1 HMC exactly. */
    ck_assert_uint_eq(issuance_seized(UINT64_C(1000000000), 100 * HUSD, PRICE, 10), 110000000);
    /* debt 1 base unit: 1 * 110 * 1e8 / (100 * 1e10) = 0.011 -> 1. */
    ck_assert_uint_eq(issuance_seized(UINT64_C(1000000000), 1, PRICE, 10), 1);
    /* price 3: debt 1 -> 1 * 110e8 / 300 = 36666666.67 -> 36666667. */
    ck_assert_uint_eq(issuance_seized(UINT64_C(1000000000), 1, 3, 10), 36666667);
    /* exact division does not round: debt 3, price 110 -> 3 * 110e8 / 11000 = 3e6. */
    ck_assert_uint_eq(issuance_seized(UINT64_C(1000000000), 3, 110, 10), 3000000);
    /* capped at the collateral */
    ck_assert_uint_eq(issuance_seized(109999999, 100 * HUSD, PRICE, 10), 109999999);
    ck_assert_uint_eq(issuance_seized(0, 100 * HUSD, PRICE, 10), 0);
    /* no bonus: seized = ceil(debt * 1e8 / price) */
    ck_assert_uint_eq(issuance_seized(UINT64_C(1000000000), 100 * HUSD, PRICE, 0), 100000000);
    /* price 0 takes everything (never used by the rules) */
    ck_assert_uint_eq(issuance_seized(12345, 1, 0, 10), 12345);
}
END_TEST

START_TEST(seized_extremes)
{
    ck_assert_uint_eq(issuance_seized(UINT64_MAX, UINT64_MAX, 1, UINT32_MAX), UINT64_MAX);
    ck_assert_uint_eq(issuance_seized(UINT64_MAX, 1, UINT64_MAX, 0), 1);
    ck_assert_uint_eq(issuance_seized((uint64_t)MAX_MONEY, TOKEN_AMOUNT_MAX, 1, 10), (uint64_t)MAX_MONEY);
}
END_TEST

START_TEST(price_age)
{
    ck_assert(issuance_price_fresh(PRICE, 100, 130, 30)); /* age 30: fresh */
    ck_assert(!issuance_price_fresh(PRICE, 100, 131, 30)); /* age 31: stale */
    ck_assert(issuance_price_fresh(PRICE, 100, 100, 30)); /* same block */
    ck_assert(issuance_price_fresh(PRICE, 100, 100, 0));
    ck_assert(!issuance_price_fresh(PRICE, 100, 101, 0));
    ck_assert(!issuance_price_fresh(PRICE, 101, 100, 30)); /* from the future */
    ck_assert(!issuance_price_fresh(0, 100, 100, 30));     /* no price */
    ck_assert(issuance_price_fresh(1, INT32_MIN, INT32_MAX, UINT32_MAX));
    ck_assert(!issuance_price_fresh(1, INT32_MIN, INT32_MAX, INT32_MAX));
}
END_TEST

START_TEST(breaker_drop)
{
    ck_assert(issuance_breaker_trips(80, 100, 20));  /* exactly 20 % */
    ck_assert(!issuance_breaker_trips(81, 100, 20)); /* 19 % */
    ck_assert(issuance_breaker_trips(8000000000, 10000000000, 20));
    ck_assert(!issuance_breaker_trips(8000000001, 10000000000, 20));
    ck_assert(!issuance_breaker_trips(100, 100, 20));
    ck_assert(!issuance_breaker_trips(200, 100, 20));
    ck_assert(issuance_breaker_trips(0, 0, 100));   /* 100 %: only a price of 0 */
    ck_assert(!issuance_breaker_trips(1, 1, 100));
    ck_assert(!issuance_breaker_trips(0, 100, 0));  /* invalid parameters never trip */
    ck_assert(!issuance_breaker_trips(0, 100, 101));
    ck_assert(issuance_breaker_trips(UINT64_MAX / 5 * 4, UINT64_MAX / 5 * 5, 20));
}
END_TEST

static Suite *ratio_suite(void)
{
    Suite *s = suite_create("issuance_ratio");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, ratio_exactly_150_passes);
    tcase_add_test(tc, ratio_exactly_120);
    tcase_add_test(tc, ratio_rounding_is_exact);
    tcase_add_test(tc, ratio_without_debt_is_infinite);
    tcase_add_test(tc, ratio_extremes_do_not_overflow);
    tcase_add_test(tc, seized_rounds_up);
    tcase_add_test(tc, seized_extremes);
    tcase_add_test(tc, price_age);
    tcase_add_test(tc, breaker_drop);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(ratio_suite)
