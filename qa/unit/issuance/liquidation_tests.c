/* Rule 7 and the script-skip predicate (issuance/liquidation.c). */
#include "issuance/liquidation.h"

#include <string.h>

#include "issuance/oracle.h"
#include "issuance/ratio.h"
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

#define DEBT (100 * TU_HUSD + 1)
/* 1.2 HMC against 100 HUSD + 1 base unit at 100 HUSD/HMC: just below 120 %. */
#define COLL INT64_C(120000000)
/* ceil((100e8 + 1) * 110 * 1e8 / (100 * 100e8)) = ceil(110000000.011) */
#define SEIZED INT64_C(110000001)

/* The vault (bare input 0), the liquidator's tokens, owner paid `owner`. */
static void liquidate(int64_t coll, uint64_t debt, int64_t owner)
{
    static const uint8_t liquidator[3] = { 0x00, 0x01, 0x42 };
    tu_in_bare(&T, coll, tu_vault(&C, 0, debt));
    tu_in(&T, 0, tu_token(&C, 0, debt));
    tu_out(&T, owner, tu_plain()); /* tu_plain() is TU_OWNER: the vault's locking script */
    tx_add_output(&T.tx, coll - owner, liquidator, sizeof(liquidator));
}

START_TEST(predicate)
{
    struct tu_spk v = tu_vault(&C, 0, 5);
    tu_in_bare(&T, COIN, v);
    tu_in(&T, COIN, v);
    tu_in_bare(&T, COIN, tu_token(&C, 0, 5));
    tu_in_bare(&T, COIN, tu_plain());
    tu_in_bare(&T, COIN, v);
    txin_witness_push(&T.tx.vin[4], NULL, 0); /* one empty witness item is not an empty witness */
    struct tu_spk bad = v;
    bad.len = 20; /* truncated prefix */
    tu_in_bare(&T, COIN, bad);
    ck_assert(issuance_input_is_liquidation(&T.tx, 0, &T.spent[0]));
    ck_assert(!issuance_input_is_liquidation(&T.tx, 1, &T.spent[1])); /* scriptSig */
    ck_assert(!issuance_input_is_liquidation(&T.tx, 2, &T.spent[2])); /* not a vault */
    ck_assert(!issuance_input_is_liquidation(&T.tx, 3, &T.spent[3])); /* no prefix */
    ck_assert(!issuance_input_is_liquidation(&T.tx, 4, &T.spent[4])); /* witness */
    ck_assert(!issuance_input_is_liquidation(&T.tx, 5, &T.spent[5])); /* malformed */
    /* The asset is not looked at: a vault of any (even unknown) asset. */
    struct tu_spk other = v;
    memset(other.b + 2, 0xee, 32);
    tu_in_bare(&T, COIN, other);
    ck_assert(issuance_input_is_liquidation(&T.tx, 6, &T.spent[6]));
}
END_TEST

START_TEST(liquidation_accepted)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s %s", st.reject, st.debug);
    ck_assert_uint_eq(fx.actions, ISSUANCE_ACT_LIQUIDATE | ISSUANCE_ACT_REPAY | ISSUANCE_ACT_TRANSFER);
    ck_assert_uint_eq(fx.seized, SEIZED);
    ck_assert_uint_eq(fx.asset[0].repaid, DEBT);
    ck_assert_uint_eq(fx.asset[0].minted, 0);
    ck_assert(fx.has_vault_in && !fx.has_vault_out);
    ck_assert_uint_eq(fx.vault_in.debt, DEBT);
    ck_assert_int_eq(fx.vault_in.collateral, COLL);
}
END_TEST

START_TEST(seized_rounds_up_owner_short_by_one)
{
    /* Had seized been rounded down (110000000) the owner would be owed one
     * base unit more and this would fail; paying one unit less than
     * collateral - seized must fail. */
    ck_assert_uint_eq(issuance_seized(COLL, DEBT, TU_PRICE, 10), SEIZED);
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    T.tx.vout[0].value = COLL - SEIZED - 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_VALUE);
    T.tx.vout[0].value = COLL; /* paying the owner more is fine */
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(exactly_120_is_healthy)
{
    /* 1.2 HMC against exactly 100 HUSD: ratio 120 %, not below. */
    liquidate(COLL, 100 * TU_HUSD, COLL);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_HEALTHY);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    liquidate(COLL - 1, 100 * TU_HUSD, COLL - 1 - 110000000);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
}
END_TEST

START_TEST(vault_without_debt_is_healthy)
{
    tu_in_bare(&T, COIN, tu_vault(&C, 0, 0));
    tu_out(&T, COIN, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_HEALTHY);
}
END_TEST

START_TEST(price_age)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_expect(&C, &T, TU_HEIGHT + 30, NULL);
    tu_expect(&C, &T, TU_HEIGHT + 31, ISSUANCE_REJECT_LIQ_PRICE_STALE);
}
END_TEST

START_TEST(creates_no_vault)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_out(&T, 0, tu_vault(&C, 0, 0));
    /* Only the shape rule's own vault-out check catches this: a vault out
     * with a vault in passes rules 1 and 2. */
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_VAULT_OUT);
}
END_TEST

START_TEST(burns_exactly_the_debt)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_out(&T, 0, tu_token(&C, 0, 1)); /* keeps one unit: burns debt - 1 */
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_BURN);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_in(&T, 0, tu_token(&C, 0, 1)); /* burns debt + 1 */
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_BURN);
}
END_TEST

START_TEST(owner_script)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    T.tx.vout[0].script_pubkey.data[21] ^= 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_SCRIPT);
    /* The owner is paid without the prefix: a prefixed vault script is wrong. */
    tu_tx_clear(&T);
    tu_tx_init(&T);
    tu_in_bare(&T, COLL, tu_vault(&C, 0, DEBT));
    tu_in(&T, 0, tu_token(&C, 0, DEBT));
    tu_out(&T, COLL, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_VAULT_OUT);
    /* The owner's output must be output 0. */
    tu_tx_clear(&T);
    tu_tx_init(&T);
    liquidate(COLL, DEBT, 0);
    tu_out(&T, COLL, tu_plain());
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_VALUE);
    T.tx.vout[0].script_pubkey.len = 2; /* a prefix of the owner's script */
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_SCRIPT);
}
END_TEST

START_TEST(everything_seized_needs_no_owner_output)
{
    /* Debt worth more than the collateral: seized = collateral, the owner
     * is owed nothing and output 0 may be anything. */
    liquidate(COIN / 2, DEBT, 0);
    static const uint8_t other[3] = { 0x00, 0x01, 0x99 };
    bytes_clear(&T.tx.vout[0].script_pubkey);
    bytes_set(&T.tx.vout[0].script_pubkey, other, sizeof(other));
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT), "%s", st.reject);
    ck_assert_uint_eq(fx.seized, COIN / 2);
}
END_TEST

START_TEST(owner_owed_one_base_unit)
{
    /* collateral - seized = 1: output 0 must still be the owner's. */
    liquidate(SEIZED + 1, DEBT, 1);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    T.tx.vout[0].script_pubkey.data[21] ^= 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_SCRIPT);
    T.tx.vout[0].script_pubkey.data[21] ^= 1;
    T.tx.vout[0].value = 0;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_VALUE);
}
END_TEST

START_TEST(liquidation_with_other_owner_script)
{
    static const uint8_t lock[4] = { 0x51, 0x52, 0x53, 0x54 };
    tu_in_bare(&T, COLL, tu_vault_lock(&C, 0, DEBT, lock, sizeof(lock)));
    tu_in(&T, 0, tu_token(&C, 0, DEBT));
    tx_add_output(&T.tx, COLL - SEIZED, lock, sizeof(lock));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    T.tx.vout[0].script_pubkey.len = 3;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_LIQ_OWNER_SCRIPT);
}
END_TEST

START_TEST(normal_spend_of_weak_vault_is_not_liquidation)
{
    /* The owner's own spend (non-empty scriptSig) follows rules 4-6 even when
     * the vault is below the liquidation ratio: closing it repays the debt. */
    tu_in(&T, COLL, tu_vault(&C, 0, DEBT));
    tu_in(&T, 0, tu_token(&C, 0, DEBT));
    tu_out(&T, COLL, tu_plain());
    struct val_state st;
    struct issuance_effects fx;
    ck_assert_msg(tu_check(&st, &fx, &C, &T, TU_HEIGHT + 1000), "%s", st.reject);
    ck_assert_uint_eq(fx.actions & ISSUANCE_ACT_LIQUIDATE, 0);
    ck_assert(fx.actions & ISSUANCE_ACT_CLOSE);
}
END_TEST

START_TEST(two_vaults_one_liquidated)
{
    liquidate(COLL, DEBT, COLL - SEIZED);
    tu_in(&T, COIN, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_MULTIPLE_IN);
}
END_TEST

static Suite *liquidation_suite(void)
{
    Suite *s = suite_create("issuance_liquidation");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, predicate);
    tcase_add_test(tc, liquidation_accepted);
    tcase_add_test(tc, seized_rounds_up_owner_short_by_one);
    tcase_add_test(tc, exactly_120_is_healthy);
    tcase_add_test(tc, vault_without_debt_is_healthy);
    tcase_add_test(tc, price_age);
    tcase_add_test(tc, creates_no_vault);
    tcase_add_test(tc, burns_exactly_the_debt);
    tcase_add_test(tc, owner_script);
    tcase_add_test(tc, everything_seized_needs_no_owner_output);
    tcase_add_test(tc, owner_owed_one_base_unit);
    tcase_add_test(tc, liquidation_with_other_owner_script);
    tcase_add_test(tc, normal_spend_of_weak_vault_is_not_liquidation);
    tcase_add_test(tc, two_vaults_one_liquidated);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(liquidation_suite)
