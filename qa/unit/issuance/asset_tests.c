#include "issuance/asset.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"

static const uint8_t LOCK[2] = { 0x51, 0x87 }; /* OP_1 OP_EQUAL: any locking script */

/* Two known assets and one that the chain does not define. */
static uint8_t ids[2][32];
static uint8_t unknown_id[32];

static void setup(void)
{
    for (int i = 0; i < 32; i++) {
        ids[0][i] = (uint8_t)i;
        ids[1][i] = (uint8_t)(0x80 + i);
        unknown_id[i] = (uint8_t)i;
    }
    unknown_id[31] ^= 1; /* differs from ids[0] in the last byte only */
}

/* Adds an output carrying a prefix of kind for asset id, then LOCK. */
static void add_prefixed(struct tx *tx, enum token_kind kind, const uint8_t id[32], uint64_t amount)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = kind;
    memcpy(p.asset_id, id, 32);
    p.amount = amount;
    p.price = 12345;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    wbuf_put(&w, LOCK, sizeof(LOCK));
    tx_add_output(tx, 1000, w.data, w.len);
    wbuf_clear(&w);
}

static void make_tx(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op = { { { 1 } }, 0 };
    tx_add_input(tx, &op, NULL, 0, SEQUENCE_FINAL);
    tx_add_output(tx, 5000, LOCK, sizeof(LOCK)); /* an ordinary output */
}

static void expect(const struct tx *tx, const uint8_t (*list)[32], size_t count, const char *reject)
{
    struct val_state st;
    val_state_init(&st);
    bool ok = asset_tx_check_outputs(&st, tx, list, count);
    if (!reject) {
        ck_assert_msg(ok, "unexpected %s", st.reject);
        ck_assert(val_is_valid(&st));
        return;
    }
    ck_assert(!ok);
    ck_assert_str_eq(st.reject, reject);
    ck_assert_int_eq(st.mode, VAL_INVALID);
    ck_assert_int_eq(st.result, VAL_TX_CONSENSUS);
}

START_TEST(known_id_lookup)
{
    ck_assert(asset_id_known((const uint8_t(*)[32])ids, 2, ids[0]));
    ck_assert(asset_id_known((const uint8_t(*)[32])ids, 2, ids[1]));
    ck_assert(!asset_id_known((const uint8_t(*)[32])ids, 2, unknown_id));
    ck_assert(!asset_id_known((const uint8_t(*)[32])ids, 1, ids[1]));
    ck_assert(!asset_id_known(NULL, 0, ids[0]));
}
END_TEST

START_TEST(plain_outputs_pass)
{
    struct tx tx;
    make_tx(&tx);
    expect(&tx, (const uint8_t(*)[32])ids, 2, NULL);
    /* A chain without assets accepts transactions without prefixes. */
    expect(&tx, NULL, 0, NULL);
    tx_clear(&tx);
}
END_TEST

START_TEST(every_kind_of_known_asset_passes)
{
    struct tx tx;
    make_tx(&tx);
    add_prefixed(&tx, TOKEN_KIND_TOKEN, ids[0], 100);
    add_prefixed(&tx, TOKEN_KIND_VAULT, ids[0], 0);
    add_prefixed(&tx, TOKEN_KIND_ISSUER, ids[1], 0);
    add_prefixed(&tx, TOKEN_KIND_ORACLE, ids[1], 0);
    expect(&tx, (const uint8_t(*)[32])ids, 2, NULL);
    tx_clear(&tx);
}
END_TEST

START_TEST(unknown_asset_rejected)
{
    struct tx tx;
    make_tx(&tx);
    add_prefixed(&tx, TOKEN_KIND_TOKEN, ids[0], 100);
    add_prefixed(&tx, TOKEN_KIND_TOKEN, unknown_id, 100);
    expect(&tx, (const uint8_t(*)[32])ids, 2, ASSET_REJECT_UNKNOWN);
    tx_clear(&tx);

    /* Known on one chain, unknown on a chain that lists only the other. */
    make_tx(&tx);
    add_prefixed(&tx, TOKEN_KIND_ORACLE, ids[1], 0);
    expect(&tx, (const uint8_t(*)[32])ids, 1, ASSET_REJECT_UNKNOWN);
    expect(&tx, NULL, 0, ASSET_REJECT_UNKNOWN);
    tx_clear(&tx);
}
END_TEST

START_TEST(malformed_prefix_rejected)
{
    static const uint8_t bad[][40] = {
        { 0xef },                    /* marker alone */
        { 0xef, 0x05 },              /* unknown kind, truncated id */
        { 0xef, 0x00, 1, 2, 3 },     /* kind 0 */
    };
    static const size_t lens[] = { 1, 2, 5 };
    for (size_t i = 0; i < 3; i++) {
        struct tx tx;
        make_tx(&tx);
        tx_add_output(&tx, 0, bad[i], lens[i]);
        expect(&tx, (const uint8_t(*)[32])ids, 2, ASSET_REJECT_PREFIX);
        tx_clear(&tx);
    }
    /* A TOKEN amount of 0 is malformed, even for a known asset. */
    struct tx tx;
    make_tx(&tx);
    uint8_t zero_amount[35] = { 0xef, TOKEN_KIND_TOKEN };
    memcpy(zero_amount + 2, ids[0], 32);
    zero_amount[34] = 0;
    tx_add_output(&tx, 0, zero_amount, sizeof(zero_amount));
    expect(&tx, (const uint8_t(*)[32])ids, 2, ASSET_REJECT_PREFIX);
    tx_clear(&tx);
}
END_TEST

START_TEST(first_bad_output_decides)
{
    /* A malformed output before an unknown-asset one reports the malformed one. */
    struct tx tx;
    make_tx(&tx);
    tx_add_output(&tx, 0, (const uint8_t *)"\xef", 1);
    add_prefixed(&tx, TOKEN_KIND_TOKEN, unknown_id, 1);
    struct val_state st;
    val_state_init(&st);
    ck_assert(!asset_tx_check_outputs(&st, &tx, (const uint8_t(*)[32])ids, 2));
    ck_assert_str_eq(st.reject, ASSET_REJECT_PREFIX);
    ck_assert_str_eq(st.debug, "output 1");
    tx_clear(&tx);

    make_tx(&tx);
    add_prefixed(&tx, TOKEN_KIND_TOKEN, unknown_id, 1);
    tx_add_output(&tx, 0, (const uint8_t *)"\xef", 1);
    val_state_init(&st);
    ck_assert(!asset_tx_check_outputs(&st, &tx, (const uint8_t(*)[32])ids, 2));
    ck_assert_str_eq(st.reject, ASSET_REJECT_UNKNOWN);
    tx_clear(&tx);
}
END_TEST

START_TEST(coinbase_outputs_checked)
{
    struct tx tx;
    tx_init(&tx);
    struct outpoint null_op = { { { 0 } }, 0xffffffffu };
    tx_add_input(&tx, &null_op, (const uint8_t *)"\x01\x01", 2, SEQUENCE_FINAL);
    add_prefixed(&tx, TOKEN_KIND_VAULT, ids[0], 0);
    ck_assert(tx_is_coinbase(&tx));
    expect(&tx, (const uint8_t(*)[32])ids, 2, NULL);
    add_prefixed(&tx, TOKEN_KIND_VAULT, unknown_id, 0);
    expect(&tx, (const uint8_t(*)[32])ids, 2, ASSET_REJECT_UNKNOWN);
    tx_clear(&tx);
}
END_TEST

static Suite *asset_suite(void)
{
    Suite *s = suite_create("asset");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_test(tc, known_id_lookup);
    tcase_add_test(tc, plain_outputs_pass);
    tcase_add_test(tc, every_kind_of_known_asset_passes);
    tcase_add_test(tc, unknown_asset_rejected);
    tcase_add_test(tc, malformed_prefix_rejected);
    tcase_add_test(tc, first_bad_output_decides);
    tcase_add_test(tc, coinbase_outputs_checked);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(asset_suite)
