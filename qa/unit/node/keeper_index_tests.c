/* Tests of src/node/keeper_index.c: the keeper's vaults sorted by
 * collateral/debt, the liquidatable prefix at a price, add/remove by key. */
#include "src/node/keeper_index.h"

#include <string.h>

#include "qa/unit/unit.h"

static struct keeper_vault vault(uint8_t id, uint32_t asset, int64_t collateral, uint64_t debt)
{
    struct keeper_vault v;
    memset(&v, 0, sizeof(v));
    v.outpoint.txid.b[0] = id;
    v.outpoint.n = id;
    v.asset = asset;
    v.collateral = collateral;
    v.debt = debt;
    return v;
}

/* HUSD-like numbers: price in token units per HMC, 1 HMC = 1e8. */
#define COIN 100000000LL

START_TEST(test_order_and_prefix)
{
    struct keeper_index ix;
    keeper_index_init(&ix);
    /* at price 1e8 (1 token per HMC) the ratios are 200%, 130%, 110%, 160%, 115% */
    struct keeper_vault a = vault(1, 0, 20 * COIN, 10 * COIN);
    struct keeper_vault b = vault(2, 0, 13 * COIN, 10 * COIN);
    struct keeper_vault c = vault(3, 0, 11 * COIN, 10 * COIN);
    struct keeper_vault d = vault(4, 0, 16 * COIN, 10 * COIN);
    struct keeper_vault e = vault(5, 0, 23 * COIN, 20 * COIN);
    ck_assert(keeper_index_add(&ix, &a));
    ck_assert(keeper_index_add(&ix, &b));
    ck_assert(keeper_index_add(&ix, &c));
    ck_assert(keeper_index_add(&ix, &d));
    ck_assert(keeper_index_add(&ix, &e));
    ck_assert_uint_eq(ix.count, 5);
    /* the same entry twice, and a vault without debt, are refused */
    ck_assert(!keeper_index_add(&ix, &a));
    struct keeper_vault z = vault(9, 0, COIN, 0);
    ck_assert(!keeper_index_add(&ix, &z));

    struct keeper_vault out[8];
    /* below 120%: c (110%) then e (115%), most undercollateralised first */
    ck_assert_uint_eq(keeper_index_below(&ix, out, 8, 0, 100000000, 120), 2);
    ck_assert_uint_eq(out[0].outpoint.n, 3);
    ck_assert_uint_eq(out[1].outpoint.n, 5);
    /* the price halves: every ratio halves, the order stays: all five below 120% */
    ck_assert_uint_eq(keeper_index_below(&ix, out, 8, 0, 50000000, 120), 5);
    ck_assert_uint_eq(out[0].outpoint.n, 3);
    ck_assert_uint_eq(out[1].outpoint.n, 5);
    ck_assert_uint_eq(out[2].outpoint.n, 2);
    ck_assert_uint_eq(out[3].outpoint.n, 4);
    ck_assert_uint_eq(out[4].outpoint.n, 1);
    /* cap: the count is still the whole prefix */
    ck_assert_uint_eq(keeper_index_below(&ix, out, 2, 0, 50000000, 120), 5);
    ck_assert_uint_eq(keeper_index_count_below(&ix, 0, 50000000, 120), 5);
    /* exactly at the ratio is not below (rule 7: "below"): 110% vault at 110% */
    ck_assert_uint_eq(keeper_index_count_below(&ix, 0, 100000000, 110), 0);
    /* no price: nothing */
    ck_assert_uint_eq(keeper_index_count_below(&ix, 0, 0, 120), 0);
    /* another asset has none */
    ck_assert_uint_eq(keeper_index_count_below(&ix, 1, 50000000, 120), 0);
    keeper_index_clear(&ix);
}
END_TEST

START_TEST(test_remove_and_update)
{
    struct keeper_index ix;
    keeper_index_init(&ix);
    struct keeper_vault a = vault(1, 0, 11 * COIN, 10 * COIN);
    struct keeper_vault b = vault(2, 0, 30 * COIN, 10 * COIN);
    ck_assert(keeper_index_add(&ix, &a));
    ck_assert(keeper_index_add(&ix, &b));
    /* removal needs the exact entry: other amounts are another vault state */
    struct keeper_vault stale = a;
    stale.collateral += 1;
    ck_assert(!keeper_index_remove(&ix, &stale));
    /* a deposit: the old state leaves, the new one enters and the order follows */
    ck_assert(keeper_index_remove(&ix, &a));
    struct keeper_vault a2 = vault(1, 0, 40 * COIN, 10 * COIN);
    ck_assert(keeper_index_add(&ix, &a2));
    struct keeper_vault out[2];
    ck_assert_uint_eq(keeper_index_below(&ix, out, 2, 0, 100000000, 1000), 2);
    ck_assert_uint_eq(out[0].outpoint.n, 2);
    ck_assert_uint_eq(out[1].outpoint.n, 1);
    ck_assert(!keeper_index_remove(&ix, &a));
    ck_assert(keeper_index_remove(&ix, &a2));
    ck_assert(keeper_index_remove(&ix, &b));
    ck_assert_uint_eq(ix.count, 0);
    keeper_index_clear(&ix);
}
END_TEST

START_TEST(test_many_sorted)
{
    /* a few hundred vaults added in a scrambled order come out sorted by ratio */
    struct keeper_index ix;
    keeper_index_init(&ix);
    for (unsigned i = 0; i < 250; i++) {
        unsigned j = (i * 97) % 250;
        struct keeper_vault v = vault((uint8_t)j, 0, (int64_t)(100 + j) * COIN, 100 * COIN);
        v.outpoint.n = j;
        ck_assert(keeper_index_add(&ix, &v));
    }
    ck_assert_uint_eq(ix.count, 250);
    for (size_t i = 1; i < ix.count; i++)
        ck_assert_int_lt(ix.v[i - 1].collateral, ix.v[i].collateral);
    /* at price 1 token/HMC, below 150%: collateral 100..149 */
    ck_assert_uint_eq(keeper_index_count_below(&ix, 0, 100000000, 150), 50);
    keeper_index_clear(&ix);
}
END_TEST

static Suite *keeper_index_suite(void)
{
    Suite *s = suite_create("keeper_index");
    TCase *tc = tcase_create("index");
    tcase_add_test(tc, test_order_and_prefix);
    tcase_add_test(tc, test_remove_and_update);
    tcase_add_test(tc, test_many_sorted);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(keeper_index_suite)
