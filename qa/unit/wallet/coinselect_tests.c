/* Coin selection properties: BnB finds the changeless solution when one
 * exists and only then; the chosen candidate has the least waste; every
 * selection covers its target; insufficient funds fail. */
#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "wallet/coinselect.h"

#define FEE 68   /* a P2WPKH input at 1 sat/vB */
#define LTFEE 68

static struct coinsel_coin coin(int64_t v)
{
    struct coinsel_coin c = { v, FEE, LTFEE };
    return c;
}

START_TEST(test_bnb_exact)
{
    struct coinsel_coin coins[] = { coin(100000 + FEE), coin(200000 + FEE), coin(300000 + FEE), coin(400000 + FEE),
                                    coin(1000000 + FEE) };
    struct coinsel_result r;
    /* 500000 is 100000+400000 or 200000+300000: both changeless */
    ck_assert(coinsel_bnb(&r, coins, 5, 500000, 100));
    ck_assert_int_eq(r.effective, 500000);
    ck_assert(!r.change);
    ck_assert_int_eq(r.waste, 0);
    coinsel_result_clear(&r);
    /* no subset within [target, target + cost_of_change] */
    ck_assert(!coinsel_bnb(&r, coins, 5, 550000, 100));
    ck_assert_uint_eq(r.count, 0);
    /* within the window: the excess is waste */
    ck_assert(coinsel_bnb(&r, coins, 5, 499950, 100));
    ck_assert_int_eq(r.waste, 50);
    coinsel_result_clear(&r);
    /* more than the wallet holds */
    ck_assert(!coinsel_bnb(&r, coins, 5, 3000000, 100));
}
END_TEST

/* Exhaustive check on small random pools: BnB succeeds exactly when a
 * changeless subset exists, and then with the least excess. */
START_TEST(test_bnb_matches_brute_force)
{
    uint64_t rng = 12345;
    for (int round = 0; round < 300; round++) {
        struct coinsel_coin coins[10];
        size_t n = 3 + (size_t)(round % 8);
        for (size_t i = 0; i < n; i++) {
            rng = rng * 6364136223846793005ull + 1442695040888963407ull;
            coins[i] = coin((int64_t)((rng >> 33) % 50) * 1000 + 1000 + FEE);
        }
        rng = rng * 6364136223846793005ull + 1442695040888963407ull;
        int64_t target = (int64_t)((rng >> 33) % 150) * 1000 + 500;
        int64_t window = 700;
        int64_t best_excess = INT64_MAX;
        for (unsigned mask = 1; mask < (1u << n); mask++) {
            int64_t sum = 0;
            for (size_t i = 0; i < n; i++)
                if (mask & (1u << i))
                    sum += coins[i].value - coins[i].fee;
            if (sum >= target && sum <= target + window && sum - target < best_excess)
                best_excess = sum - target;
        }
        struct coinsel_result r;
        bool ok = coinsel_bnb(&r, coins, n, target, window);
        ck_assert_msg(ok == (best_excess != INT64_MAX), "round %d", round);
        if (ok) {
            ck_assert_int_eq(r.effective - target, best_excess);
            ck_assert_int_eq(r.waste, best_excess);
            coinsel_result_clear(&r);
        }
    }
}
END_TEST

START_TEST(test_select_least_waste)
{
    uint64_t rng = 7;
    struct coinsel_coin coins[40];
    for (size_t i = 0; i < 40; i++)
        coins[i] = coin((int64_t)(i + 1) * 37000 + FEE);
    struct coinsel_target t = { .target = 74000, .change_fee = 31, .cost_of_change = 31 + 68, .min_change = 294 };
    struct coinsel_result r;
    /* 74000 is coin 2 exactly: BnB's changeless answer has zero waste */
    ck_assert(coinsel_select(&r, coins, 40, &t, &rng));
    ck_assert_str_eq(coinsel_algo_name(r.algo), "bnb");
    ck_assert(!r.change);
    ck_assert_int_eq(r.waste, 0);
    coinsel_result_clear(&r);
    /* a target with no changeless answer: the result covers target + change and is
     * no worse than each algorithm alone */
    t.target = 1234567;
    ck_assert(coinsel_select(&r, coins, 40, &t, &rng));
    ck_assert(r.effective >= t.target);
    ck_assert(r.change);
    struct coinsel_result k, s;
    uint64_t rng2 = 99;
    ck_assert(coinsel_knapsack(&k, coins, 40, &t, &rng2));
    ck_assert(coinsel_srd(&s, coins, 40, &t, &rng2));
    ck_assert(k.effective >= t.target + t.change_fee && s.effective >= t.target + t.change_fee);
    ck_assert(r.waste <= k.waste || r.waste <= s.waste);
    coinsel_result_clear(&k);
    coinsel_result_clear(&s);
    coinsel_result_clear(&r);
    /* insufficient funds */
    t.target = 100 * 37000 * 40;
    ck_assert(!coinsel_select(&r, coins, 40, &t, &rng));
    /* waste: high fee rate makes more inputs costlier */
    struct coinsel_coin hi[2] = { { 100000, 200, 100 }, { 100000, 200, 100 } };
    size_t both[2] = { 0, 1 };
    ck_assert_int_eq(coinsel_waste(hi, both, 2, 0, 199000, true), 2 * 100 + (199600 - 199000));
    ck_assert_int_eq(coinsel_waste(hi, both, 1, 500, 0, true), 100 + 500);
}
END_TEST

static Suite *coinselect_suite(void)
{
    Suite *s = suite_create("coinselect");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_bnb_exact);
    tcase_add_test(tc, test_bnb_matches_brute_force);
    tcase_add_test(tc, test_select_least_waste);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(coinselect_suite)
