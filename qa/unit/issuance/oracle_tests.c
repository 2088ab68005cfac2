/* Rules 8-10: ORACLE and ISSUER outputs (issuance/oracle.c). */
#include "issuance/oracle.h"

#include "consensus/token_prefix.h"
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

START_TEST(oracle_update)
{
    tu_in(&T, 1000, tu_oracle(&C, 0, TU_PRICE));
    tu_in(&T, 5000, tu_plain()); /* fee */
    tu_out(&T, 1000, tu_oracle(&C, 0, 12345));
    struct val_state st;
    struct issuance_effects fx;
    /* Needs no fresh price: the stale-price case is what updates are for. */
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT + 100000), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_ORACLE_UPDATE);
    ck_assert(fx.asset[0].oracle_updated);
    ck_assert(!fx.asset[1].oracle_updated);
    ck_assert_uint_eq(fx.asset[0].price, 12345);
    ck_assert(hash256_eq(&fx.asset[0].oracle.txid, &T.tx.txid));
    ck_assert_uint_eq(fx.asset[0].oracle.n, 0);
}
END_TEST

START_TEST(oracle_price_zero)
{
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 0, tu_oracle(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_PRICE_ZERO);
}
END_TEST

START_TEST(oracle_two_outputs)
{
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 0, tu_oracle(&C, 0, 1));
    tu_out(&T, 0, tu_oracle(&C, 0, 2));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_MULTIPLE);
}
END_TEST

START_TEST(oracle_created_from_nothing)
{
    tu_in(&T, 1000, tu_plain());
    tu_out(&T, 0, tu_oracle(&C, 0, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_CREATE);
    /* Spending asset 1's ORACLE does not allow creating asset 0's. */
    tu_in(&T, 0, tu_oracle(&C, 1, 1));
    tu_out(&T, 0, tu_oracle(&C, 1, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_CREATE);
}
END_TEST

START_TEST(oracle_destroyed)
{
    tu_in(&T, 1000, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 1000, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_MISSING);
}
END_TEST

START_TEST(oracle_two_inputs)
{
    /* Impossible with one ORACLE in the UTXO set, rejected anyway. */
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_out(&T, 0, tu_oracle(&C, 0, 1));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_MULTIPLE);
}
END_TEST

START_TEST(issuer_update)
{
    tu_in(&T, 0, tu_issuer(&C, 1, 0));
    tu_out(&T, 0, tu_plain());
    tu_out(&T, 0, tu_issuer(&C, 1, TOKEN_ISSUER_FLAG_PAUSED | 0x80));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_ISSUER_UPDATE);
    ck_assert(fx.asset[1].issuer_updated);
    ck_assert(!fx.asset[0].issuer_updated);
    ck_assert_uint_eq(fx.asset[1].issuer_flags, 0x81); /* reserved bits are kept */
    ck_assert_uint_eq(fx.asset[1].issuer.n, 1);
}
END_TEST

START_TEST(issuer_created_from_nothing)
{
    tu_in(&T, 0, tu_plain());
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ISSUER_CREATE);
}
END_TEST

START_TEST(issuer_destroyed)
{
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ISSUER_MISSING);
}
END_TEST

START_TEST(issuer_two_outputs)
{
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ISSUER_MULTIPLE);
}
END_TEST

START_TEST(coinbase_cannot_create_protocol_outputs)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 50 * COIN, tu_plain());
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ISSUER_CREATE);
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 0, tu_oracle(&C, 1, 5));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_ORACLE_CREATE);
}
END_TEST

START_TEST(update_both_assets_and_mint)
{
    /* One transaction may replace several protocol outputs and mint; the
     * mint is judged at the price in force before the transaction. */
    tu_in(&T, 0, tu_oracle(&C, 0, TU_PRICE));
    tu_in(&T, 0, tu_issuer(&C, 0, 0));
    tu_in(&T, 0, tu_issuer(&C, 1, 0));
    tu_in(&T, 150000000, tu_vault(&C, 0, 0));
    tu_out(&T, 0, tu_oracle(&C, 0, 1)); /* a crash to 1 unit per HMC */
    tu_out(&T, 0, tu_issuer(&C, 0, 0));
    tu_out(&T, 0, tu_issuer(&C, 1, 1));
    tu_out(&T, 150000000, tu_vault(&C, 0, 100 * TU_HUSD));
    tu_out(&T, 0, tu_token(&C, 0, 100 * TU_HUSD));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_ORACLE_UPDATE | ISSUANCE_ACT_ISSUER_UPDATE | ISSUANCE_ACT_MINT |
                                      ISSUANCE_ACT_TRANSFER);
    ck_assert(fx.asset[0].oracle_updated && fx.asset[0].issuer_updated && fx.asset[1].issuer_updated);
    ck_assert_uint_eq(fx.asset[0].minted, 100 * TU_HUSD);
}
END_TEST

static Suite *oracle_suite(void)
{
    Suite *s = suite_create("issuance_oracle");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, oracle_update);
    tcase_add_test(tc, oracle_price_zero);
    tcase_add_test(tc, oracle_two_outputs);
    tcase_add_test(tc, oracle_created_from_nothing);
    tcase_add_test(tc, oracle_destroyed);
    tcase_add_test(tc, oracle_two_inputs);
    tcase_add_test(tc, issuer_update);
    tcase_add_test(tc, issuer_created_from_nothing);
    tcase_add_test(tc, issuer_destroyed);
    tcase_add_test(tc, issuer_two_outputs);
    tcase_add_test(tc, coinbase_cannot_create_protocol_outputs);
    tcase_add_test(tc, update_both_assets_and_mint);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(oracle_suite)
