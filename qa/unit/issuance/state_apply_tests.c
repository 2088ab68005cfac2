/* The block-level state transition and its undo (issuance/state_apply.c). */
#include "issuance/state_apply.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/vault_rules.h"
#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"

static struct tu_chain C;

static void setup(void)
{
    tu_chain_init(&C);
}

static void effects_init(struct issuance_effects *fx)
{
    memset(fx, 0, sizeof(*fx));
    fx->asset_count = 2;
}

static void apply_ok(struct issuance_undo *u, const struct issuance_effects *fx, int32_t height)
{
    ck_assert(issuance_state_apply_tx(&C.state, u, fx, C.assets, 2, height));
}

START_TEST(mint_and_repay)
{
    struct issuance_state before = C.state;
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    effects_init(&fx);
    fx.asset[0].minted = 500;
    apply_ok(&u, &fx, TU_HEIGHT);
    ck_assert_uint_eq(C.state.asset[0].supply, TU_SUPPLY + 500);
    effects_init(&fx);
    fx.asset[0].repaid = 200;
    fx.asset[1].repaid = 7;
    apply_ok(&u, &fx, TU_HEIGHT);
    ck_assert_uint_eq(C.state.asset[0].supply, TU_SUPPLY + 300);
    ck_assert_uint_eq(C.state.asset[1].supply, TU_SUPPLY - 7);
    ck_assert_uint_eq(u.count, 2);
    ck_assert_uint_eq(u.entry[0].asset, 0);
    ck_assert_uint_eq(u.entry[0].prev.supply, TU_SUPPLY); /* the state before the block, not before tx 2 */
    ck_assert(issuance_state_disconnect(&C.state, &u));
    tu_state_eq(&C.state, &before);
}
END_TEST

START_TEST(undo_entries_sorted)
{
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    effects_init(&fx);
    fx.asset[1].minted = 1;
    apply_ok(&u, &fx, TU_HEIGHT);
    effects_init(&fx);
    fx.asset[0].minted = 1;
    apply_ok(&u, &fx, TU_HEIGHT);
    ck_assert_uint_eq(u.count, 2);
    ck_assert_uint_eq(u.entry[0].asset, 0);
    ck_assert_uint_eq(u.entry[1].asset, 1);
}
END_TEST

START_TEST(untouched_block_has_empty_undo)
{
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    effects_init(&fx);
    fx.actions = ISSUANCE_ACT_TRANSFER | ISSUANCE_ACT_DEPOSIT | ISSUANCE_ACT_VAULT_OPEN;
    apply_ok(&u, &fx, TU_HEIGHT);
    ck_assert_uint_eq(u.count, 0);
}
END_TEST

START_TEST(oracle_updates_last_wins)
{
    struct issuance_state before = C.state;
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    for (uint64_t i = 1; i <= 3; i++) {
        effects_init(&fx);
        fx.asset[0].oracle_updated = true;
        fx.asset[0].price = TU_PRICE + i;
        fx.asset[0].oracle.n = (uint32_t)i;
        apply_ok(&u, &fx, TU_HEIGHT + 1);
    }
    ck_assert_uint_eq(C.state.asset[0].price, TU_PRICE + 3);
    ck_assert_uint_eq(C.state.asset[0].oracle.n, 3);
    ck_assert_int_eq(C.state.asset[0].price_height, TU_HEIGHT + 1);
    ck_assert_uint_eq(u.count, 1);
    ck_assert(issuance_state_disconnect(&C.state, &u));
    tu_state_eq(&C.state, &before);
}
END_TEST

START_TEST(issuer_update)
{
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    effects_init(&fx);
    fx.asset[1].issuer_updated = true;
    fx.asset[1].issuer_flags = TOKEN_ISSUER_FLAG_PAUSED;
    fx.asset[1].issuer.n = 9;
    apply_ok(&u, &fx, TU_HEIGHT);
    ck_assert_uint_eq(C.state.asset[1].issuer_flags, TOKEN_ISSUER_FLAG_PAUSED);
    ck_assert_uint_eq(C.state.asset[1].issuer.n, 9);
    ck_assert_uint_eq(C.state.asset[0].issuer_flags, 0);
}
END_TEST

START_TEST(refused_effects_change_nothing)
{
    struct issuance_undo u;
    issuance_undo_init(&u);
    struct issuance_effects fx;
    effects_init(&fx);
    fx.asset[0].minted = 5; /* fine alone... */
    fx.asset[1].repaid = TU_SUPPLY + 1; /* ...but asset 1's supply would go below 0 */
    struct issuance_state before = C.state;
    ck_assert(!issuance_state_apply_tx(&C.state, &u, &fx, C.assets, 2, TU_HEIGHT));
    ck_assert(memcmp(&before, &C.state, sizeof(before)) == 0);
    ck_assert_uint_eq(u.count, 0);
    effects_init(&fx);
    fx.asset[0].minted = C.assets[0].debt_ceiling; /* above the ceiling */
    ck_assert(!issuance_state_apply_tx(&C.state, &u, &fx, C.assets, 2, TU_HEIGHT));
    effects_init(&fx);
    fx.asset[0].oracle_updated = true; /* price 0 */
    ck_assert(!issuance_state_apply_tx(&C.state, &u, &fx, C.assets, 2, TU_HEIGHT));
    effects_init(&fx);
    fx.asset_count = 1;
    ck_assert(!issuance_state_apply_tx(&C.state, &u, &fx, C.assets, 2, TU_HEIGHT));
    ck_assert(memcmp(&before, &C.state, sizeof(before)) == 0);
    ck_assert_uint_eq(u.count, 0);
}
END_TEST

START_TEST(bad_undo_refused)
{
    struct issuance_state before = C.state;
    struct issuance_undo u;
    issuance_undo_init(&u);
    u.count = 1;
    u.entry[0].asset = 2; /* out of range */
    u.entry[0].prev = C.state.asset[0];
    ck_assert(!issuance_state_disconnect(&C.state, &u));
    u.entry[0].asset = 1; /* another asset's state */
    ck_assert(!issuance_state_disconnect(&C.state, &u));
    u.count = 2;
    u.entry[0].asset = 0;
    u.entry[1].asset = 0; /* duplicate */
    u.entry[1].prev = C.state.asset[0];
    ck_assert(!issuance_state_disconnect(&C.state, &u));
    u.count = 3;
    ck_assert(!issuance_state_disconnect(&C.state, &u));
    ck_assert(memcmp(&before, &C.state, sizeof(before)) == 0);
}
END_TEST

/* xorshift64*: deterministic test randomness */
static uint64_t rng_state = 0x9e3779b97f4a7c15u;
static uint64_t rnd(void)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545f4914f6cdd1dULL;
}

START_TEST(random_blocks_round_trip)
{
    enum { BLOCKS = 120 };
    static struct issuance_state snap[BLOCKS + 1];
    static struct issuance_undo undo[BLOCKS];
    snap[0] = C.state;
    int32_t h0 = TU_HEIGHT + 1;
    for (int b = 0; b < BLOCKS; b++) {
        issuance_undo_init(&undo[b]);
        int ntx = (int)(rnd() % 5);
        for (int t = 0; t < ntx; t++) {
            struct issuance_effects fx;
            effects_init(&fx);
            int a = (int)(rnd() % 2);
            switch (rnd() % 4) {
            case 0:
                fx.asset[a].minted = rnd() % 1000000;
                break;
            case 1:
                fx.asset[a].repaid = rnd() % 1000000;
                break;
            case 2:
                fx.asset[a].oracle_updated = true;
                fx.asset[a].price = TU_PRICE / 2 + rnd() % TU_PRICE;
                fx.asset[a].oracle.n = (uint32_t)rnd();
                break;
            default:
                fx.asset[a].issuer_updated = true;
                fx.asset[a].issuer_flags = (uint8_t)rnd();
                break;
            }
            apply_ok(&undo[b], &fx, h0 + b);
        }
        snap[b + 1] = C.state;
    }
    for (int b = BLOCKS - 1; b >= 0; b--) {
        ck_assert(issuance_state_disconnect(&C.state, &undo[b]));
        tu_state_eq(&C.state, &snap[b]);
    }
}
END_TEST

/* ---- the same-block semantics, through the rules and the state ---- */

static struct tu_tx T;

static void connect(struct issuance_undo *u, int32_t height, const char *reject)
{
    tu_expect(&C, &T, height, reject);
    if (!reject) {
        struct val_state st;
        struct issuance_effects fx;
        ck_assert(tu_check(&st, &fx, &C, &T, height));
        apply_ok(u, &fx, height);
    }
    tu_tx_clear(&T);
    tu_tx_init(&T);
}

static void build_mint(void)
{
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 10 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 10 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
}

START_TEST(crash_then_mint_in_one_block)
{
    tu_tx_init(&T);
    int32_t h = TU_HEIGHT + 5;
    struct issuance_undo u;
    issuance_undo_init(&u);
    /* tx 1: a mint before the crash is fine */
    build_mint();
    connect(&u, h, NULL);
    /* tx 2: the oracle posts a 20 % drop */
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 0, tu_oracle(&C, 0, TU_PRICE / 5 * 4));
    connect(&u, h, NULL);
    ck_assert_int_eq(C.state.asset[0].breaker_until, h + 60);
    /* tx 3: a mint after it in the same block is stopped by the breaker */
    build_mint();
    connect(&u, h, ISSUANCE_REJECT_MINT_BREAKER);
    ck_assert_uint_eq(C.state.asset[0].supply, TU_SUPPLY + 100 * TU_HUSD);
    tu_tx_clear(&T);
}
END_TEST

START_TEST(update_refreshes_price_for_later_transactions)
{
    tu_tx_init(&T);
    int32_t h = TU_HEIGHT + 31; /* the fixture's price is stale here */
    struct issuance_undo u;
    issuance_undo_init(&u);
    build_mint();
    connect(&u, h, ISSUANCE_REJECT_MINT_PRICE_STALE);
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    connect(&u, h, NULL);
    build_mint();
    connect(&u, h, NULL);
    ck_assert_uint_eq(C.state.asset[0].supply, TU_SUPPLY + 100 * TU_HUSD);
    ck_assert_int_eq(C.state.asset[0].price_height, h);
    tu_tx_clear(&T);
}
END_TEST

static Suite *state_apply_suite(void)
{
    Suite *s = suite_create("issuance_state_apply");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, mint_and_repay);
    tcase_add_test(tc, undo_entries_sorted);
    tcase_add_test(tc, untouched_block_has_empty_undo);
    tcase_add_test(tc, oracle_updates_last_wins);
    tcase_add_test(tc, issuer_update);
    tcase_add_test(tc, refused_effects_change_nothing);
    tcase_add_test(tc, bad_undo_refused);
    tcase_add_test(tc, random_blocks_round_trip);
    tcase_add_test(tc, crash_then_mint_in_one_block);
    tcase_add_test(tc, update_refreshes_price_for_later_transactions);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(state_apply_suite)
