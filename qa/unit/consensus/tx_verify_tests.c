#include "consensus/tx_verify.h"

#include <string.h>

#include "consensus/amount.h"
#include "consensus/interpreter.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"

static struct outpoint prevout(uint8_t tag, uint32_t n)
{
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.txid.b[0] = tag;
    op.n = n;
    return op;
}

START_TEST(finality)
{
    struct tx tx;
    tx_init(&tx);
    struct outpoint op = prevout(1, 0);
    tx_add_input(&tx, &op, NULL, 0, 0);
    static const uint8_t spk[] = { OP_TRUE };
    tx_add_output(&tx, 1, spk, 1);

    ck_assert(tx_is_final(&tx, 0, 0)); /* lock time 0 */
    tx.locktime = 100; /* a height */
    ck_assert(!tx_is_final(&tx, 100, 2000000000));
    ck_assert(tx_is_final(&tx, 101, 0));
    tx.locktime = 500000000; /* a time */
    ck_assert(!tx_is_final(&tx, 1000000, 500000000));
    ck_assert(tx_is_final(&tx, 0, 500000001));
    /* final sequences void the lock time */
    tx.vin[0].sequence = SEQUENCE_FINAL;
    ck_assert(tx_is_final(&tx, 0, 0));
    tx_clear(&tx);
}
END_TEST

struct mtp_table {
    int64_t base;
    int32_t last_height; /* the highest height asked for */
};

static int64_t mtp_at(void *ctx, int32_t height)
{
    struct mtp_table *t = ctx;
    t->last_height = height;
    return t->base + 600 * (int64_t)height;
}

START_TEST(sequence_locks)
{
    struct tx tx;
    tx_init(&tx);
    struct outpoint op0 = prevout(1, 0), op1 = prevout(2, 0), op2 = prevout(3, 0);
    tx_add_input(&tx, &op0, NULL, 0, 10);                                      /* 10 blocks */
    tx_add_input(&tx, &op1, NULL, 0, SEQUENCE_LOCKTIME_TYPE_FLAG | 2);         /* 1024 seconds */
    tx_add_input(&tx, &op2, NULL, 0, SEQUENCE_LOCKTIME_DISABLE_FLAG | 0xffff); /* no lock */
    static const uint8_t spk[] = { OP_TRUE };
    tx_add_output(&tx, 1, spk, 1);
    tx.version = 2;

    struct mtp_table t = { .base = 1000000, .last_height = -1 };
    int32_t heights[3] = { 100, 200, 300 };
    struct sequence_lock lock;
    tx_sequence_locks_calculate(&lock, heights, &tx, true, mtp_at, &t);
    ck_assert_int_eq(lock.min_height, 109);
    /* the time lock counts from the MTP of the block before the coin's */
    ck_assert_int_eq(t.last_height, 199);
    ck_assert_int_eq(lock.min_time, 1000000 + 600 * 199 + 1024 - 1);
    ck_assert_int_eq(heights[2], 0); /* disabled inputs are zeroed, as Core does */
    ck_assert_int_eq(heights[0], 100);

    int64_t ok_mtp = lock.min_time + 1;
    ck_assert(tx_sequence_locks_evaluate(&lock, 110, ok_mtp));
    ck_assert(!tx_sequence_locks_evaluate(&lock, 109, ok_mtp));
    ck_assert(!tx_sequence_locks_evaluate(&lock, 110, lock.min_time));

    /* version 1 and an inactive CSV impose nothing */
    int32_t h2[3] = { 100, 200, 300 };
    tx.version = 1;
    tx_sequence_locks_calculate(&lock, h2, &tx, true, mtp_at, &t);
    ck_assert_int_eq(lock.min_height, -1);
    ck_assert_int_eq(lock.min_time, -1);
    ck_assert(tx_sequence_locks_evaluate(&lock, 0, 0));
    tx.version = 2;
    tx_sequence_locks_calculate(&lock, h2, &tx, false, mtp_at, &t);
    ck_assert_int_eq(lock.min_height, -1);
    /* the version is read unsigned: -1 enforces */
    tx.version = -1;
    tx_sequence_locks_calculate(&lock, h2, &tx, true, mtp_at, &t);
    ck_assert_int_eq(lock.min_height, 109);
    /* a coin at height 0 asks for MTP at height 0 */
    int32_t h3[3] = { 0, 0, 0 };
    tx_sequence_locks_calculate(&lock, h3, &tx, true, mtp_at, &t);
    ck_assert_int_eq(t.last_height, 0);
    ck_assert_int_eq(lock.min_height, 9);
    tx_clear(&tx);
}
END_TEST

static const uint8_t P2PKH[25] = { OP_DUP, OP_HASH160, 20, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
                                   11, 12, 13, 14, 15, 16, 17, 18, 19, 20, OP_EQUALVERIFY, OP_CHECKSIG };

START_TEST(sigop_cost)
{
    /* a coinbase paying P2PKH: one legacy sigop, cost 4 */
    struct tx cb;
    tx_init(&cb);
    struct outpoint null_op = prevout(0, 0xffffffffu);
    static const uint8_t cbsig[] = { 0x01, 0x01 };
    tx_add_input(&cb, &null_op, cbsig, sizeof(cbsig), SEQUENCE_FINAL);
    tx_add_output(&cb, 50, P2PKH, sizeof(P2PKH));
    ck_assert_uint_eq(tx_legacy_sigop_count(&cb, 0), 1);
    ck_assert_int_eq(tx_sigop_cost(&cb, NULL, SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS), 4);
    tx_clear(&cb);

    /* spend of a P2SH 2-of-3 multisig and of a P2WPKH */
    uint8_t redeem[1 + 3 * 34 + 2];
    redeem[0] = OP_2;
    for (int i = 0; i < 3; i++) {
        redeem[1 + 34 * i] = 33;
        memset(redeem + 2 + 34 * i, 2 + i, 33);
    }
    redeem[103] = OP_3;
    redeem[104] = OP_CHECKMULTISIG;
    uint8_t p2sh[23] = { OP_HASH160, 20 };
    memset(p2sh + 2, 0x11, 20); /* the hash is not checked by counting */
    p2sh[22] = OP_EQUAL;
    struct wbuf sig;
    wbuf_init(&sig);
    wbuf_u8(&sig, OP_0);
    script_push_data(&sig, redeem, sizeof(redeem));
    uint8_t p2wpkh[22] = { OP_0, 20 };
    memset(p2wpkh + 2, 0x22, 20);

    struct tx tx;
    tx_init(&tx);
    struct outpoint a = prevout(1, 0), b = prevout(2, 0);
    tx_add_input(&tx, &a, sig.data, sig.len, SEQUENCE_FINAL);
    struct txin *in = tx_add_input(&tx, &b, NULL, 0, SEQUENCE_FINAL);
    uint8_t fake_sig[71] = { 0x30 }, fake_key[33] = { 0x02 };
    txin_witness_push(in, fake_sig, sizeof(fake_sig));
    txin_witness_push(in, fake_key, sizeof(fake_key));
    tx_add_output(&tx, 1, P2PKH, sizeof(P2PKH));
    struct txout out_a = { .value = 10, .script_pubkey = { p2sh, sizeof(p2sh) } };
    struct txout out_b = { .value = 10, .script_pubkey = { p2wpkh, sizeof(p2wpkh) } };
    struct spent_coin coins[2] = { { &out_a, 1, false }, { &out_b, 1, false } };

    ck_assert_uint_eq(tx_legacy_sigop_count(&tx, 0), 1);
    ck_assert_uint_eq(tx_p2sh_sigop_count(&tx, coins, 0), 3);
    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;
    /* 1 legacy * 4 + 3 P2SH * 4 + 1 witness */
    ck_assert_int_eq(tx_sigop_cost(&tx, coins, flags), 4 + 12 + 1);
    /* without P2SH and WITNESS only the legacy count is left */
    ck_assert_int_eq(tx_sigop_cost(&tx, coins, 0), 4);
    tx_clear(&tx);
    wbuf_clear(&sig);
}
END_TEST

START_TEST(token_prefix_is_not_code)
{
    /* An ISSUER prefix whose asset id is all OP_CHECKSIG bytes, then P2PKH. */
    struct token_prefix tp;
    memset(&tp, 0, sizeof(tp));
    tp.kind = TOKEN_KIND_ISSUER;
    memset(tp.asset_id, OP_CHECKSIG, 32);
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &tp);
    size_t prefix_len = w.len;
    wbuf_put(&w, P2PKH, sizeof(P2PKH));

    size_t len;
    const uint8_t *s = tx_locking_script(w.data, w.len, SCRIPT_VERIFY_TOKENS, &len);
    ck_assert_ptr_eq(s, w.data + prefix_len);
    ck_assert_uint_eq(len, sizeof(P2PKH));
    s = tx_locking_script(w.data, w.len, 0, &len);
    ck_assert_ptr_eq(s, w.data);
    ck_assert_uint_eq(len, w.len);

    struct tx tx;
    tx_init(&tx);
    struct outpoint a = prevout(1, 0);
    tx_add_input(&tx, &a, NULL, 0, SEQUENCE_FINAL);
    tx_add_output(&tx, 0, w.data, w.len);
    ck_assert_uint_eq(tx_legacy_sigop_count(&tx, SCRIPT_VERIFY_TOKENS), 1);
    /* read as plain script the asset id's bytes count: kind 0x03 pushes three
     * of them, the other 29 are OP_CHECKSIGs */
    ck_assert_uint_eq(tx_legacy_sigop_count(&tx, 0), 29 + 1);
    /* a malformed prefix is counted as a plain script */
    tx.vout[0].script_pubkey.data[1] = 0x7f; /* unknown kind */
    ck_assert_uint_eq(tx_legacy_sigop_count(&tx, SCRIPT_VERIFY_TOKENS), tx_legacy_sigop_count(&tx, 0));
    tx_clear(&tx);
    wbuf_clear(&w);
}
END_TEST

START_TEST(check_inputs)
{
    const struct chain_params *p = chain_params_get("regtest");
    struct tx tx;
    tx_init(&tx);
    struct outpoint a = prevout(1, 0), b = prevout(2, 1);
    tx_add_input(&tx, &a, NULL, 0, SEQUENCE_FINAL);
    tx_add_input(&tx, &b, NULL, 0, SEQUENCE_FINAL);
    tx_add_output(&tx, 70 * COIN, P2PKH, sizeof(P2PKH));
    struct txout oa = { .value = 50 * COIN, .script_pubkey = { NULL, 0 } };
    struct txout ob = { .value = 25 * COIN, .script_pubkey = { NULL, 0 } };
    struct spent_coin coins[2] = { { &oa, 10, true }, { &ob, 50, false } };
    struct val_state st;
    int64_t fee = -1;

    /* a coinbase output matures after 100 blocks */
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 109, p));
    ck_assert_str_eq(st.reject, "bad-txns-premature-spend-of-coinbase");
    ck_assert_int_eq(st.result, VAL_TX_PREMATURE_SPEND);
    ck_assert_int_eq(fee, 0);
    val_state_init(&st);
    ck_assert(tx_check_inputs(&st, &fee, &tx, coins, 110, p));
    ck_assert_int_eq(fee, 5 * COIN);

    /* a genesis output (coinbase, height 0) is spendable from height 1 on
     * hashmint chains; under the bitcoin rules it would need 100 blocks */
    coins[0].height = 0;
    val_state_init(&st);
    ck_assert_msg(tx_check_inputs(&st, &fee, &tx, coins, 1, p), "%s", st.reject);
    ck_assert_int_eq(fee, 5 * COIN);
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 1, chain_params_get("bitcoin")));
    ck_assert_str_eq(st.reject, "bad-txns-premature-spend-of-coinbase");
    /* ...but a coinbase of block 1 is not: 100 confirmations */
    coins[0].height = 1;
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 100, p));
    ck_assert_str_eq(st.reject, "bad-txns-premature-spend-of-coinbase");
    val_state_init(&st);
    ck_assert(tx_check_inputs(&st, &fee, &tx, coins, 101, p));
    coins[0].height = 10;

    /* values out of range */
    oa.value = -1;
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 200, p));
    ck_assert_str_eq(st.reject, "bad-txns-inputvalues-outofrange");
    oa.value = MAX_MONEY + 1;
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 200, p));
    ck_assert_str_eq(st.reject, "bad-txns-inputvalues-outofrange");
    oa.value = MAX_MONEY; /* each in range, the sum not */
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 200, p));
    ck_assert_str_eq(st.reject, "bad-txns-inputvalues-outofrange");

    /* outputs above inputs */
    oa.value = 40 * COIN;
    val_state_init(&st);
    ck_assert(!tx_check_inputs(&st, &fee, &tx, coins, 200, p));
    ck_assert_str_eq(st.reject, "bad-txns-in-belowout");
    ck_assert_int_eq(st.result, VAL_TX_CONSENSUS);
    /* exactly equal: zero fee */
    oa.value = 45 * COIN;
    val_state_init(&st);
    ck_assert(tx_check_inputs(&st, &fee, &tx, coins, 200, p));
    ck_assert_int_eq(fee, 0);
    tx_clear(&tx);
}
END_TEST

static Suite *tx_verify_suite(void)
{
    Suite *s = suite_create("tx_verify");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, finality);
    tcase_add_test(tc, sequence_locks);
    tcase_add_test(tc, sigop_cost);
    tcase_add_test(tc, token_prefix_is_not_code);
    tcase_add_test(tc, check_inputs);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tx_verify_suite)
