/* Rules 1-6 (issuance/vault_rules.c), through the transaction entry point. */
#include "issuance/vault_rules.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/asset.h"
#include "issuance/tx_tally.h"
#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"

static struct tu_chain C;
static struct tu_tx T;

static void setup(void)
{
    tu_chain_init(&C);
    tu_tx_init(&T);
}

static void teardown(void)
{
    tu_tx_clear(&T);
}

#define MIN_DEBT (UINT64_C(10) * TU_HUSD)

/* A vault of 3 HMC with 100 HUSD debt (300 % at 100 HUSD/HMC), spent normally. */
static void spend_vault(int64_t collateral, uint64_t debt)
{
    tu_in(&T, collateral, tu_vault(&C, 0, debt));
}

/* Spends and recreates the asset's ISSUER (what a mint needs). */
static void with_issuer(uint8_t flags)
{
    tu_in(&T, 0, tu_issuer(&C, 0, flags));
    tu_out(&T, 0, tu_issuer(&C, 0, flags));
}

/* ---- rule 1: vaults open only in a coinbase ---- */

START_TEST(coinbase_opens_vaults)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 50 * COIN, tu_plain());
    tu_out(&T, 10 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 5 * COIN, tu_vault(&C, 1, 0));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert(tu_check(&st, &fx, &C, &T, TU_HEIGHT));
    ck_assert_uint_eq(fx.vaults_opened, 2);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_VAULT_OPEN);
    ck_assert(!fx.has_vault_in && !fx.has_vault_out);
    ck_assert_uint_eq(fx.asset[0].minted, 0);
}
END_TEST

START_TEST(coinbase_vault_with_debt)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 10 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 10 * COIN, tu_vault(&C, 0, MIN_DEBT));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_COINBASE_VAULT_DEBT);
}
END_TEST

START_TEST(coinbase_cannot_create_tokens)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 0, tu_token(&C, 0, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_INFLATE);
}
END_TEST

START_TEST(vault_output_without_vault_input)
{
    tu_in(&T, 10 * COIN, tu_plain());
    tu_out(&T, 9 * COIN, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_OPEN);
}
END_TEST

START_TEST(vault_continued_as_other_asset)
{
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 1, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_ASSET);
}
END_TEST

/* ---- rule 2: one vault in, one out, no dust ---- */

START_TEST(two_vaults_in)
{
    spend_vault(3 * COIN, 0);
    spend_vault(3 * COIN, 0);
    tu_out(&T, 6 * COIN, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_MULTIPLE_IN);
}
END_TEST

START_TEST(two_vaults_out)
{
    spend_vault(6 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_MULTIPLE_OUT);
}
END_TEST

START_TEST(dust_debt)
{
    /* Repaying down to 1 base unit below the minimum leaves dust. */
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 100 * TU_HUSD - (MIN_DEBT - 1)));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, MIN_DEBT - 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_DUST);
}
END_TEST

START_TEST(min_debt_accepted)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 100 * TU_HUSD - MIN_DEBT));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, MIN_DEBT));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(mint_below_min_debt)
{
    with_issuer(0);
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, MIN_DEBT - 1));
    tu_out(&T, 0, tu_token(&C, 0, MIN_DEBT - 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_DUST);
}
END_TEST

/* ---- rule 3: conservation ---- */

START_TEST(token_transfer)
{
    tu_in(&T, 0, tu_token(&C, 0, 70));
    tu_in(&T, 0, tu_token(&C, 0, 30));
    tu_in(&T, 0, tu_token(&C, 1, 5));
    tu_out(&T, 0, tu_token(&C, 0, 99));
    tu_out(&T, 0, tu_token(&C, 0, 1));
    tu_out(&T, 0, tu_token(&C, 1, 5));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_TRANSFER);
    ck_assert_uint_eq(fx.asset[0].minted + fx.asset[0].repaid, 0);
}
END_TEST

START_TEST(token_created_from_nothing)
{
    tu_in(&T, 0, tu_token(&C, 0, 100));
    tu_out(&T, 0, tu_token(&C, 0, 101));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_INFLATE);
}
END_TEST

START_TEST(token_destroyed)
{
    tu_in(&T, 0, tu_token(&C, 0, 100));
    tu_out(&T, 0, tu_token(&C, 0, 99));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_BURN);
}
END_TEST

START_TEST(token_moved_across_assets)
{
    tu_in(&T, 0, tu_token(&C, 0, 100));
    tu_out(&T, 0, tu_token(&C, 1, 100));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_BURN); /* asset 0 is checked first */
}
END_TEST

START_TEST(amount_2_pow_53)
{
    tu_in(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_out(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    /* Two inputs of 2^53 each: the sums are 128-bit, no wrap-around. */
    tu_in(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_out(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(amount_2_pow_53_plus_1)
{
    tu_in(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_out(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX + 1));
    tu_expect(&C, &T, TU_HEIGHT, ASSET_REJECT_PREFIX);
}
END_TEST

/* ---- rule 4: mint ---- */

/* A mint of `minted` into a vault that had no debt, collateral unchanged. */
static void mint(int64_t collateral, uint64_t minted)
{
    with_issuer(0);
    spend_vault(collateral, 0);
    tu_out(&T, collateral, tu_vault(&C, 0, minted));
    tu_out(&T, 0, tu_token(&C, 0, minted));
}

START_TEST(mint_accepted)
{
    mint(3 * COIN, 100 * TU_HUSD);
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.asset[0].minted, 100 * TU_HUSD);
    ck_assert_uint_eq(fx.asset[0].repaid, 0);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_MINT | ISSUANCE_ACT_ISSUER_UPDATE | ISSUANCE_ACT_TRANSFER);
    ck_assert(fx.has_vault_in && fx.has_vault_out);
    ck_assert_uint_eq(fx.vault_out.debt, 100 * TU_HUSD);
    ck_assert_int_eq(fx.vault_out.collateral, 3 * COIN);
    ck_assert(hash256_eq(&fx.vault_out.outpoint.txid, &T.tx.txid));
    ck_assert_uint_eq(fx.vault_out.outpoint.n, 1);
    ck_assert_uint_eq(fx.vault_out.index, 1);
    ck_assert_uint_eq(fx.vault_in.index, 1);
    ck_assert(hash256_eq(&fx.vault_in.outpoint.txid, &T.tx.vin[1].prevout.txid));
    ck_assert_uint_eq(fx.vault_in.owner_script_len, sizeof(TU_OWNER));
    ck_assert(memcmp(fx.vault_in.owner_script, TU_OWNER, sizeof(TU_OWNER)) == 0);
    ck_assert(fx.asset[0].issuer_updated);
}
END_TEST

START_TEST(mint_more_tokens_than_debt)
{
    mint(3 * COIN, 100 * TU_HUSD);
    tu_out(&T, 0, tu_token(&C, 0, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_INFLATE);
}
END_TEST

START_TEST(mint_fewer_tokens_than_debt)
{
    with_issuer(0);
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD - 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_BURN);
}
END_TEST

START_TEST(mint_without_issuer)
{
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_NO_ISSUER);
}
END_TEST

START_TEST(mint_with_other_assets_issuer)
{
    tu_in(&T, 0, tu_issuer(&C, 1, 0));
    tu_out(&T, 0, tu_issuer(&C, 1, 0));
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_NO_ISSUER);
}
END_TEST

START_TEST(mint_paused)
{
    with_issuer(TOKEN_ISSUER_FLAG_PAUSED);
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_PAUSED);
}
END_TEST

START_TEST(mint_paused_flag_is_the_spent_issuers)
{
    /* Unpausing in the minting transaction itself does not help: the flag
     * in force is the spent ISSUER's. Pausing in it does not stop it. */
    tu_in(&T, 0, tu_issuer(&C, 0, TOKEN_ISSUER_FLAG_PAUSED));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_PAUSED);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, TOKEN_ISSUER_FLAG_PAUSED));
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(mint_breaker)
{
    C.state.asset[0].breaker_until = TU_HEIGHT + 1;
    mint(3 * COIN, 100 * TU_HUSD);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_BREAKER);
    C.state.asset[0].breaker_until = TU_HEIGHT; /* minting resumes at this height */
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    /* The other asset's breaker does not matter. */
    C.state.asset[1].breaker_until = TU_HEIGHT + 100;
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(mint_price_age)
{
    mint(3 * COIN, 100 * TU_HUSD);
    tu_expect(&C, &T, TU_HEIGHT + 30, NULL); /* age 30: fresh */
    tu_expect(&C, &T, TU_HEIGHT + 31, ISSUANCE_REJECT_MINT_PRICE_STALE);
}
END_TEST

START_TEST(mint_ratio_boundary)
{
    /* 1.5 HMC backs 100 HUSD at exactly 150 %. */
    mint(150000000, 100 * TU_HUSD);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    mint(150000000 - 1, 100 * TU_HUSD);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_RATIO);
}
END_TEST

START_TEST(mint_ratio_counts_total_debt)
{
    /* 1.5 HMC with 50 HUSD of debt already: minting 50 more reaches 150 %
     * exactly; 50 HUSD + 1 base unit does not. */
    with_issuer(0);
    spend_vault(150000000, 50 * TU_HUSD);
    tu_out(&T, 150000000, tu_vault(&C, 0, 100 * TU_HUSD + 1));
    tu_out(&T, 0, tu_token(&C, 0, 50 * TU_HUSD + 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_RATIO);
}
END_TEST

START_TEST(mint_ceiling)
{
    uint64_t ceiling = C.assets[0].debt_ceiling;
    C.state.asset[0].supply = ceiling - 100 * TU_HUSD;
    mint(1000 * COIN, 100 * TU_HUSD);
    tu_expect(&C, &T, TU_HEIGHT, NULL); /* reaches the ceiling exactly */
    C.state.asset[0].supply = ceiling - 100 * TU_HUSD + 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_CEILING);
    C.state.asset[0].supply = TOKEN_AMOUNT_MAX; /* no overflow in supply + minted */
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_CEILING);
}
END_TEST

START_TEST(debt_2_pow_53)
{
    /* An asset whose ceiling is 2^53: a vault may carry exactly 2^53. */
    C.assets[0].debt_ceiling = TOKEN_AMOUNT_MAX;
    C.state.asset[0].supply = 0;
    int64_t coll = MAX_MONEY;
    C.state.asset[0].price = UINT64_C(1) << 40; /* enough to back 2^53 at 150 % */
    mint(coll, TOKEN_AMOUNT_MAX);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    with_issuer(0);
    spend_vault(coll, 0);
    tu_out(&T, coll, tu_vault(&C, 0, TOKEN_AMOUNT_MAX + 1));
    tu_out(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_out(&T, 0, tu_token(&C, 0, 1));
    tu_expect(&C, &T, TU_HEIGHT, ASSET_REJECT_PREFIX);
    /* With the real HUSD ceiling, 2^53 is over it. */
    tu_tx_clear(&T);
    tu_tx_init(&T);
    tu_chain_init(&C);
    C.state.asset[0].supply = 0;
    C.state.asset[0].price = UINT64_C(1) << 40;
    mint(coll, TOKEN_AMOUNT_MAX);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_CEILING);
}
END_TEST

/* ---- rule 5: withdraw, deposit ---- */

START_TEST(withdraw_ratio_boundary)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_out(&T, 150000000, tu_vault(&C, 0, 100 * TU_HUSD));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_WITHDRAW);
    T.tx.vout[0].value = 150000000 - 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_WITHDRAW_RATIO);
}
END_TEST

START_TEST(withdraw_needs_fresh_price)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_out(&T, 2 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT + 30, NULL);
    tu_expect(&C, &T, TU_HEIGHT + 31, ISSUANCE_REJECT_WITHDRAW_PRICE_STALE);
}
END_TEST

START_TEST(withdraw_without_debt_needs_no_price)
{
    spend_vault(3 * COIN, 0);
    tu_out(&T, 1, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT + 10000, NULL);
}
END_TEST

START_TEST(deposit_needs_no_price)
{
    /* An under-collateralised vault may always be topped up. */
    spend_vault(COIN, 100 * TU_HUSD);
    tu_in(&T, 5 * COIN, tu_plain());
    tu_out(&T, COIN + COIN / 2, tu_vault(&C, 0, 100 * TU_HUSD));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT + 10000), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_DEPOSIT);
}
END_TEST

START_TEST(repay_needs_no_price)
{
    spend_vault(COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 40 * TU_HUSD));
    tu_out(&T, COIN, tu_vault(&C, 0, 60 * TU_HUSD));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT + 10000), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_REPAY | ISSUANCE_ACT_TRANSFER);
    ck_assert_uint_eq(fx.asset[0].repaid, 40 * TU_HUSD);
}
END_TEST

START_TEST(repay_short)
{
    spend_vault(COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 40 * TU_HUSD - 1));
    tu_out(&T, COIN, tu_vault(&C, 0, 60 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_INFLATE);
}
END_TEST

/* ---- rule 6: close ---- */

START_TEST(close_repaid)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 150 * TU_HUSD));
    tu_out(&T, 3 * COIN, tu_plain());
    tu_out(&T, 0, tu_token(&C, 0, 50 * TU_HUSD));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT + 10000), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_CLOSE | ISSUANCE_ACT_REPAY | ISSUANCE_ACT_TRANSFER);
    ck_assert_uint_eq(fx.asset[0].repaid, 100 * TU_HUSD);
    ck_assert(fx.has_vault_in && !fx.has_vault_out);
}
END_TEST

START_TEST(close_unpaid)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 100 * TU_HUSD - 1));
    tu_out(&T, 3 * COIN, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_CLOSE_UNPAID);
}
END_TEST

START_TEST(close_overpaid)
{
    spend_vault(3 * COIN, 100 * TU_HUSD);
    tu_in(&T, 0, tu_token(&C, 0, 100 * TU_HUSD + 1));
    tu_out(&T, 3 * COIN, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_BURN);
}
END_TEST

START_TEST(close_without_debt)
{
    spend_vault(3 * COIN, 0);
    tu_out(&T, 3 * COIN, tu_plain());
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_CLOSE);
}
END_TEST

static Suite *vault_rules_suite(void)
{
    Suite *s = suite_create("issuance_vault_rules");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, coinbase_opens_vaults);
    tcase_add_test(tc, coinbase_vault_with_debt);
    tcase_add_test(tc, coinbase_cannot_create_tokens);
    tcase_add_test(tc, vault_output_without_vault_input);
    tcase_add_test(tc, vault_continued_as_other_asset);
    tcase_add_test(tc, two_vaults_in);
    tcase_add_test(tc, two_vaults_out);
    tcase_add_test(tc, dust_debt);
    tcase_add_test(tc, min_debt_accepted);
    tcase_add_test(tc, mint_below_min_debt);
    tcase_add_test(tc, token_transfer);
    tcase_add_test(tc, token_created_from_nothing);
    tcase_add_test(tc, token_destroyed);
    tcase_add_test(tc, token_moved_across_assets);
    tcase_add_test(tc, amount_2_pow_53);
    tcase_add_test(tc, amount_2_pow_53_plus_1);
    tcase_add_test(tc, mint_accepted);
    tcase_add_test(tc, mint_more_tokens_than_debt);
    tcase_add_test(tc, mint_fewer_tokens_than_debt);
    tcase_add_test(tc, mint_without_issuer);
    tcase_add_test(tc, mint_with_other_assets_issuer);
    tcase_add_test(tc, mint_paused);
    tcase_add_test(tc, mint_paused_flag_is_the_spent_issuers);
    tcase_add_test(tc, mint_breaker);
    tcase_add_test(tc, mint_price_age);
    tcase_add_test(tc, mint_ratio_boundary);
    tcase_add_test(tc, mint_ratio_counts_total_debt);
    tcase_add_test(tc, mint_ceiling);
    tcase_add_test(tc, debt_2_pow_53);
    tcase_add_test(tc, withdraw_ratio_boundary);
    tcase_add_test(tc, withdraw_needs_fresh_price);
    tcase_add_test(tc, withdraw_without_debt_needs_no_price);
    tcase_add_test(tc, deposit_needs_no_price);
    tcase_add_test(tc, repay_needs_no_price);
    tcase_add_test(tc, repay_short);
    tcase_add_test(tc, close_repaid);
    tcase_add_test(tc, close_unpaid);
    tcase_add_test(tc, close_overpaid);
    tcase_add_test(tc, close_without_debt);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(vault_rules_suite)
