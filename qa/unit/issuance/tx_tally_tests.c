/* Classification of a transaction's prefixed outputs (issuance/tx_tally.c). */
#include "issuance/tx_tally.h"

#include <string.h>

#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "issuance/asset.h"
#include "qa/unit/issuance/issuance_test_util.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/bytes.h"

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

static bool build(struct val_state *st, struct issuance_tally *t)
{
    tx_update_hashes(&T.tx);
    val_state_init(st);
    return issuance_tally_build(st, t, &T.tx, T.coins, C.assets, 2);
}

START_TEST(counts_and_sums)
{
    tu_in(&T, 0, tu_token(&C, 0, 7));
    tu_in(&T, 0, tu_token(&C, 0, TOKEN_AMOUNT_MAX));
    tu_in(&T, 0, tu_token(&C, 1, 3));
    tu_in(&T, 0, tu_issuer(&C, 1, 1));
    tu_in(&T, 0, tu_oracle(&C, 0, 9));
    tu_in_bare(&T, 4 * COIN, tu_vault(&C, 1, 50));
    tu_in(&T, 1, tu_plain());
    tu_out(&T, 0, tu_token(&C, 0, 2));
    tu_out(&T, 3 * COIN, tu_vault(&C, 1, 60));
    tu_out(&T, 0, tu_oracle(&C, 0, 11));
    tu_out(&T, 0, tu_issuer(&C, 1, 0));
    tu_out(&T, 0, tu_vault(&C, 0, 0));
    struct val_state st;
    struct issuance_tally t;
    ck_assert(build(&st, &t));
    ck_assert(t.any && !t.coinbase);
    ck_assert(t.asset[0].tokens_in == (unsigned __int128)TOKEN_AMOUNT_MAX + 7);
    ck_assert(t.asset[0].tokens_out == 2);
    ck_assert(t.asset[1].tokens_in == 3 && t.asset[1].tokens_out == 0);
    ck_assert_uint_eq(t.asset[1].issuer_in, 1);
    ck_assert_uint_eq(t.asset[1].issuer_in_flags, 1);
    ck_assert_uint_eq(t.asset[1].issuer_out, 1);
    ck_assert_uint_eq(t.asset[1].issuer_out_index, 3);
    ck_assert_uint_eq(t.asset[0].oracle_in, 1);
    ck_assert_uint_eq(t.asset[0].oracle_out_index, 2);
    ck_assert_uint_eq(t.asset[0].oracle_out_price, 11);
    ck_assert_uint_eq(t.asset[0].issuer_out_index, ISSUANCE_NONE);
    ck_assert_uint_eq(t.vault_in_count, 1);
    ck_assert_uint_eq(t.vault_out_count, 2);
    ck_assert_uint_eq(t.vault_in.index, 5);
    ck_assert_uint_eq(t.vault_in.asset, 1);
    ck_assert_uint_eq(t.vault_in.debt, 50);
    ck_assert_int_eq(t.vault_in.collateral, 4 * COIN);
    ck_assert(t.liquidation);
    ck_assert_uint_eq(t.vault_out.index, 1);
    ck_assert_uint_eq(t.vault_out.debt, 60);
    ck_assert_uint_eq(t.vault_out_debt_index, 1);
}
END_TEST

START_TEST(ordinary_transaction)
{
    tu_in(&T, 5, tu_plain());
    tu_out(&T, 4, tu_plain());
    struct val_state st;
    struct issuance_tally t;
    ck_assert(build(&st, &t));
    ck_assert(!t.any);
    ck_assert_uint_eq(t.vault_in_count + t.vault_out_count, 0);
}
END_TEST

START_TEST(malformed_output)
{
    tu_in(&T, 5, tu_plain());
    struct tu_spk s = tu_token(&C, 0, 5);
    s.len = 30;
    tu_out(&T, 0, tu_plain());
    tu_out(&T, 0, s);
    struct val_state st;
    struct issuance_tally t;
    ck_assert(!build(&st, &t));
    ck_assert_str_eq(st.reject, ASSET_REJECT_PREFIX);
    ck_assert_str_eq(st.debug, "output 1");
}
END_TEST

START_TEST(unknown_asset_output)
{
    struct tu_spk s = tu_token(&C, 0, 5);
    s.b[5] ^= 1;
    tu_in(&T, 0, tu_token(&C, 0, 5));
    tu_out(&T, 0, s);
    tu_expect(&C, &T, TU_HEIGHT, ASSET_REJECT_UNKNOWN);
}
END_TEST

START_TEST(bad_spent_coin)
{
    struct tu_spk s = tu_token(&C, 0, 5);
    s.b[5] ^= 1; /* unknown asset */
    tu_in(&T, 0, s);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_SPENT_PREFIX);
    tu_tx_clear(&T);
    tu_tx_init(&T);
    s = tu_vault(&C, 0, 5);
    s.len = 34; /* truncated */
    tu_in(&T, 0, s);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_SPENT_PREFIX);
}
END_TEST

START_TEST(vault_value_range)
{
    tu_in(&T, MAX_MONEY, tu_vault(&C, 0, 0));
    tu_out(&T, MAX_MONEY, tu_vault(&C, 0, 0));
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    T.tx.vout[0].value = MAX_MONEY + 1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_VALUE);
    T.tx.vout[0].value = -1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_VALUE);
    T.tx.vout[0].value = 0;
    T.spent[0].value = -1;
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_VAULT_VALUE);
}
END_TEST

/* Replaces output i's locking script (after its prefix) by lock_len OP_TRUE bytes. */
static void set_lock_len(struct tu_tx *t, size_t i, size_t lock_len)
{
    struct bytes *spk = &t->tx.vout[i].script_pubkey;
    struct token_prefix p;
    size_t plen;
    ck_assert_int_eq(token_prefix_parse(&p, &plen, spk->data, spk->len), TOKEN_PREFIX_OK);
    uint8_t *buf = mem_alloc(plen + lock_len);
    memcpy(buf, spk->data, plen);
    memset(buf + plen, OP_TRUE, lock_len);
    bytes_clear(spk);
    bytes_set(spk, buf, plen + lock_len);
    mem_free(buf);
}

START_TEST(script_size)
{
    /* A scriptPubKey of exactly MAX_SCRIPT_SIZE bytes is accepted, one byte
     * more is refused (it would not enter the UTXO set). */
    tu_in(&T, 5 * COIN, tu_vault(&C, 0, 0));
    tu_out(&T, 5 * COIN, tu_vault(&C, 0, 0));
    set_lock_len(&T, 0, MAX_SCRIPT_SIZE - 35); /* the VAULT prefix with debt 0 is 35 bytes */
    ck_assert_uint_eq(T.tx.vout[0].script_pubkey.len, MAX_SCRIPT_SIZE);
    tu_expect(&C, &T, TU_HEIGHT, NULL);
    set_lock_len(&T, 0, MAX_SCRIPT_SIZE - 34);
    tu_expect(&C, &T, TU_HEIGHT, ISSUANCE_REJECT_SCRIPT_SIZE);
}
END_TEST

START_TEST(coinbase_inputs_ignored)
{
    tu_tx_clear(&T);
    tu_tx_init_coinbase(&T);
    tu_out(&T, 0, tu_vault(&C, 0, 0));
    struct val_state st;
    struct issuance_tally t;
    tx_update_hashes(&T.tx);
    val_state_init(&st);
    ck_assert(issuance_tally_build(&st, &t, &T.tx, NULL, C.assets, 2));
    ck_assert(t.coinbase && t.any);
    ck_assert_uint_eq(t.vault_out_count, 1);
    ck_assert_uint_eq(t.vault_out_debt_index, ISSUANCE_NONE);
}
END_TEST

static Suite *tx_tally_suite(void)
{
    Suite *s = suite_create("issuance_tx_tally");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, counts_and_sums);
    tcase_add_test(tc, ordinary_transaction);
    tcase_add_test(tc, malformed_output);
    tcase_add_test(tc, unknown_asset_output);
    tcase_add_test(tc, bad_spent_coin);
    tcase_add_test(tc, vault_value_range);
    tcase_add_test(tc, script_size);
    tcase_add_test(tc, coinbase_inputs_ignored);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tx_tally_suite)
