/* The transaction entry point (issuance/issuance_check.c): what it returns
 * for ordinary transactions, the order of its checks, the effects. */
#include "issuance/issuance_check.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/asset.h"
#include "issuance/liquidation.h"
#include "issuance/oracle.h"
#include "issuance/vault_rules.h"
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

START_TEST(ordinary_transaction_has_no_effects)
{
    tu_in(&T, 10, tu_plain());
    tu_out(&T, 9, tu_plain());
    struct val_state st;
    struct issuance_effects fx;
    ck_assert(tu_check(&st, &fx, &C, &T, TU_HEIGHT));
    ck_assert_uint_eq(fx.actions, 0);
    ck_assert_uint_eq(fx.asset_count, 2);
    ck_assert(!fx.has_vault_in && !fx.has_vault_out);
    for (int a = 0; a < 2; a++)
        ck_assert(!fx.asset[a].minted && !fx.asset[a].repaid && !fx.asset[a].oracle_updated &&
                  !fx.asset[a].issuer_updated);
}
END_TEST

START_TEST(ordinary_coinbase)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 50 * COIN, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(chain_without_assets)
{
    /* The bitcoin profile: no assets, every prefix is unknown. */
    struct issuance_state empty;
    memset(&empty, 0, sizeof(empty));
    struct issuance_view v = { NULL, 0, &empty, 5 };
    tu_in(&T, 10, tu_plain());
    tu_out(&T, 9, tu_plain());
    tx_update_hashes(&T.tx);
    struct val_state st;
    val_state_init(&st);
    struct issuance_effects fx;
    ck_assert(issuance_tx_check(&st, &fx, &T.tx, T.coins, &v));
    tu_out(&T, 0, tu_token(&C, 0, 1));
    tx_update_hashes(&T.tx);
    ck_assert(!issuance_tx_check(&st, &fx, &T.tx, T.coins, &v));
    ck_assert_str_eq(st.reject, ASSET_REJECT_UNKNOWN);
}
END_TEST

START_TEST(outputs_before_inputs)
{
    struct tu_spk bad = tu_token(&C, 0, 1);
    bad.b[4] ^= 1;
    tu_in(&T, 0, bad); /* a bad spent coin */
    tu_out(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX + 1)); /* and a bad output */
    tu_expect(&C, &T, TU_HEIGHT, ASSET_REJECT_PREFIX);
}
END_TEST

START_TEST(shape_before_protocol_outputs)
{
    /* A vault opened outside a coinbase that also forges an ORACLE: the
     * vault rule reports first. */
    tu_in(&T, COIN, tu_plain());
    tu_out(&T, 0, tu_oracle(&C, 0, 5));
    tu_out(&T, COIN, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_OPEN);
}
END_TEST

START_TEST(protocol_outputs_before_mint)
{
    /* A mint that spends the ISSUER without recreating it. */
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ISSUER_MISSING);
}
END_TEST

START_TEST(mint_before_conservation)
{
    /* Paused and inflating: the mint rule reports first. */
    tu_in(&T, 0, tu_issuer(&C, 0, TOKEN_ISSUER_FLAG_PAUSED));
    tu_out(&T, 0, tu_issuer(&C, 0, TOKEN_ISSUER_FLAG_PAUSED));
    tu_in(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 200 * TU_HUSD));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_MINT_PAUSED);
}
END_TEST

START_TEST(other_asset_conserved_beside_a_mint)
{
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    tu_in(&T, 0, tu_token(&C, 1, 50));
    tu_out(&T, 0, tu_token(&C, 1, 50));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    /* minting asset 0 does not license creating asset 1 */
    tu_tx_clear(&T);
    tu_tx_init(&T);
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD - 1));
    tu_out(&T, 0, tu_token(&C, 1, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_TOKEN_BURN);
}
END_TEST

START_TEST(mempool_judges_at_next_height)
{
    /* The caller passes tip + 1: a price 30 blocks old at the tip is 31 at
     * the next block, so a mint is refused. */
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 3 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 3 * COIN, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    int32_t tip = TU_HEIGHT + 30;
    tu_expect(&C, &T, tip, NULL);
    tu_expect(&C, &T, tip + 1, ISSUANCE_REJECT_MINT_PRICE_STALE);
}
END_TEST

static Suite *issuance_check_suite(void)
{
    Suite *s = suite_create("issuance_check");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, ordinary_transaction_has_no_effects);
    tcase_add_test(tc, ordinary_coinbase);
    tcase_add_test(tc, chain_without_assets);
    tcase_add_test(tc, outputs_before_inputs);
    tcase_add_test(tc, shape_before_protocol_outputs);
    tcase_add_test(tc, protocol_outputs_before_mint);
    tcase_add_test(tc, mint_before_conservation);
    tcase_add_test(tc, other_asset_conserved_beside_a_mint);
    tcase_add_test(tc, mempool_judges_at_next_height);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(issuance_check_suite)
