/* Tests for src/zmq/zmq_issuance.c: the bodies of the ZMQ "issuance" topic
 * built from a transaction's issuance effects (doc/zmq.md, "The issuance
 * topic"): which events, their order, their fields, and the exact reversal
 * on disconnect. */
#include <string.h>

#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/util/wbuf.h"
#include "src/zmq/zmq_issuance.h"

static const struct chain_params *regtest(void)
{
    const struct chain_params *p = chain_params_get("regtest");
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_ge(p->asset_count, 1);
    return p;
}

static const char *ev(json_t *arr, size_t i)
{
    return json_string_value(json_object_get(json_array_get(arr, i), "event"));
}

static json_int_t num(json_t *arr, size_t i, const char *k)
{
    json_t *v = json_object_get(json_array_get(arr, i), k);
    ck_assert_msg(json_is_integer(v), "%s missing", k);
    return json_integer_value(v);
}

static void add_vault_output(struct tx *tx, const struct chain_params *p, int64_t value, uint64_t debt)
{
    struct token_prefix pfx;
    memset(&pfx, 0, sizeof(pfx));
    pfx.kind = TOKEN_KIND_VAULT;
    memcpy(pfx.asset_id, p->assets[0].asset_id, 32);
    pfx.amount = debt;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &pfx);
    static const uint8_t owner[] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
    wbuf_put(&w, owner, sizeof(owner));
    tx_add_output(tx, value, w.data, w.len);
    wbuf_clear(&w);
}

START_TEST(test_coinbase_vault_open)
{
    const struct chain_params *p = regtest();
    struct tx tx;
    tx_init(&tx);
    struct outpoint null_op;
    memset(&null_op, 0, sizeof(null_op));
    null_op.n = 0xffffffff;
    tx_add_input(&tx, &null_op, (const uint8_t *)"\x01\x05", 2, 0xffffffff);
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(&tx, 5, spk, sizeof(spk));
    add_vault_output(&tx, p, 700, 0);
    add_vault_output(&tx, p, 800, 0);
    tx_update_hashes(&tx);
    struct issuance_effects fx;
    memset(&fx, 0, sizeof(fx));
    fx.actions = ISSUANCE_ACT_VAULT_OPEN;
    fx.vaults_opened = 2;
    fx.asset_count = (uint32_t)p->asset_count;
    struct hash256 block;
    memset(&block, 0xab, sizeof(block));
    json_t *a = zmq_issuance_events(p, &tx, &fx, &block, 7, true);
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_str_eq(ev(a, 0), "vault_open");
    ck_assert_int_eq(num(a, 0, "collateral"), 700);
    ck_assert_int_eq(num(a, 1, "collateral"), 800);
    ck_assert_int_eq(num(a, 0, "height"), 7);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "asset")), p->assets[0].ticker);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(a, 0), "owner_script")),
                     "00140102030405060708090a0b0c0d0e0f1011121314");
    const char *vault = json_string_value(json_object_get(json_array_get(a, 1), "vault"));
    ck_assert_uint_eq(strlen(vault), 66);
    ck_assert_str_eq(vault + 64, ":2");
    ck_assert(json_is_true(json_object_get(json_array_get(a, 0), "connected")));
    json_decref(a);
    /* Disconnected: the same, reversed, connected false. */
    a = zmq_issuance_events(p, &tx, &fx, &block, 7, false);
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_int_eq(num(a, 0, "collateral"), 800);
    ck_assert(json_is_false(json_object_get(json_array_get(a, 0), "connected")));
    json_decref(a);
    tx_clear(&tx);
}
END_TEST

static void plain_tx(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0x11, sizeof(op));
    op.n = 1;
    tx_add_input(tx, &op, NULL, 0, 0xffffffff);
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(tx, 5, spk, sizeof(spk));
    tx_update_hashes(tx);
}

START_TEST(test_mint_order_and_reversal)
{
    const struct chain_params *p = regtest();
    struct tx tx;
    plain_tx(&tx);
    struct issuance_effects fx;
    memset(&fx, 0, sizeof(fx));
    fx.asset_count = (uint32_t)p->asset_count;
    fx.actions = ISSUANCE_ACT_WITHDRAW | ISSUANCE_ACT_MINT | ISSUANCE_ACT_ISSUER_UPDATE | ISSUANCE_ACT_TRANSFER;
    fx.has_vault_in = fx.has_vault_out = true;
    fx.vault_in.collateral = 1000;
    fx.vault_out.collateral = 900;
    fx.vault_out.debt = 55;
    fx.vault_out.outpoint.txid = tx.txid;
    fx.asset[0].minted = 55;
    fx.asset[0].issuer_updated = true;
    fx.asset[0].issuer_flags = 1;
    struct hash256 block;
    memset(&block, 0xcd, sizeof(block));
    json_t *a = zmq_issuance_events(p, &tx, &fx, &block, 9, true);
    ck_assert_uint_eq(json_array_size(a), 3);
    ck_assert_str_eq(ev(a, 0), "withdraw");
    ck_assert_str_eq(ev(a, 1), "mint");
    ck_assert_str_eq(ev(a, 2), "issuer_update");
    ck_assert_int_eq(num(a, 0, "vault_in_collateral"), 1000);
    ck_assert_int_eq(num(a, 0, "vault_out_collateral"), 900);
    ck_assert_int_eq(num(a, 1, "amount"), 55);
    ck_assert_int_eq(num(a, 1, "vault_out_debt"), 55);
    ck_assert_int_eq(num(a, 2, "flags"), 1);
    ck_assert(json_is_true(json_object_get(json_array_get(a, 2), "paused")));
    json_t *d = zmq_issuance_events(p, &tx, &fx, &block, 9, false);
    ck_assert_uint_eq(json_array_size(d), 3);
    for (size_t i = 0; i < 3; i++) {
        json_t *x = json_deep_copy(json_array_get(a, 2 - i));
        json_object_set_new(x, "connected", json_false());
        ck_assert_msg(json_equal(x, json_array_get(d, i)), "reversal %zu", i);
        json_decref(x);
    }
    json_decref(a);
    json_decref(d);
    /* A transfer alone gives nothing. */
    fx.actions = ISSUANCE_ACT_TRANSFER;
    a = zmq_issuance_events(p, &tx, &fx, &block, 9, true);
    ck_assert_uint_eq(json_array_size(a), 0);
    json_decref(a);
    tx_clear(&tx);
}
END_TEST

START_TEST(test_liquidation_close_oracle)
{
    const struct chain_params *p = regtest();
    struct tx tx;
    plain_tx(&tx);
    struct issuance_effects fx;
    memset(&fx, 0, sizeof(fx));
    fx.asset_count = (uint32_t)p->asset_count;
    struct hash256 block;
    memset(&block, 0xef, sizeof(block));
    /* A liquidation burns the debt (REPAY is set too) but is announced once, as a liquidation. */
    fx.actions = ISSUANCE_ACT_LIQUIDATE | ISSUANCE_ACT_REPAY | ISSUANCE_ACT_TRANSFER;
    fx.has_vault_in = true;
    fx.vault_in.collateral = 120;
    fx.vault_in.debt = 100;
    fx.seized = 111;
    fx.asset[0].repaid = 100;
    json_t *a = zmq_issuance_events(p, &tx, &fx, &block, 3, true);
    ck_assert_uint_eq(json_array_size(a), 1);
    ck_assert_str_eq(ev(a, 0), "liquidation");
    ck_assert_int_eq(num(a, 0, "seized"), 111);
    ck_assert_int_eq(num(a, 0, "vault_in_debt"), 100);
    json_decref(a);
    /* A close with debt: repay then vault_close. */
    fx.actions = ISSUANCE_ACT_CLOSE | ISSUANCE_ACT_REPAY | ISSUANCE_ACT_TRANSFER;
    fx.seized = 0;
    a = zmq_issuance_events(p, &tx, &fx, &block, 3, true);
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_str_eq(ev(a, 0), "repay");
    ck_assert_int_eq(num(a, 0, "amount"), 100);
    ck_assert_str_eq(ev(a, 1), "vault_close");
    json_decref(a);
    /* A deposit, and an oracle update. */
    memset(&fx, 0, sizeof(fx));
    fx.asset_count = (uint32_t)p->asset_count;
    fx.actions = ISSUANCE_ACT_DEPOSIT | ISSUANCE_ACT_ORACLE_UPDATE;
    fx.has_vault_in = fx.has_vault_out = true;
    fx.vault_in.collateral = 1;
    fx.vault_out.collateral = 2;
    fx.asset[0].oracle_updated = true;
    fx.asset[0].price = 4242;
    a = zmq_issuance_events(p, &tx, &fx, &block, 3, true);
    ck_assert_uint_eq(json_array_size(a), 2);
    ck_assert_str_eq(ev(a, 0), "deposit");
    ck_assert_str_eq(ev(a, 1), "oracle_update");
    ck_assert_int_eq(num(a, 1, "price"), 4242);
    json_decref(a);
    tx_clear(&tx);
}
END_TEST

static Suite *zmq_issuance_suite(void)
{
    Suite *s = suite_create("zmq_issuance");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_coinbase_vault_open);
    tcase_add_test(tc, test_mint_order_and_reversal);
    tcase_add_test(tc, test_liquidation_close_oracle);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(zmq_issuance_suite)
