/* Signing spends of tr(KEY,TREE) outputs (BIP 341/342): the key path with
 * the tree's Merkle root in the tweak, the script path through a pk() leaf
 * and a 2-of-3 multi_a() leaf signed by two signers in turn. Every spend is
 * checked by the consensus interpreter with the taproot flags. */
#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/params.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "qa/unit/unit.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"
#include "wallet/descriptor.h"
#include "wallet/key_io.h"
#include "wallet/tx_sign.h"

#define NKEYS 5 /* a: internal, b: pk leaf, c d e: multi_a leaf */

static const struct chain_params *params(void)
{
    return chain_params_get("bitcoin");
}

/* Key i as a WIF (priv) or x-only hex (public). */
static void key_str(char out[70], int i, bool priv)
{
    uint8_t sec[32] = {0};
    sec[31] = (uint8_t)(i + 1);
    sec[0] = 0x42;
    if (priv) {
        rpc_wif_encode(out, sec, true, params()->wif_prefix);
        return;
    }
    uint8_t x[32];
    ck_assert(keys_xonly_create(x, sec));
    hex_encode(out, x, 32);
}

/* The descriptor with the keys in `held` private, the rest public. */
static void make_desc(char *out, size_t cap, const bool held[NKEYS])
{
    char k[NKEYS][70];
    for (int i = 0; i < NKEYS; i++)
        key_str(k[i], i, held[i]);
    snprintf(out, cap, "tr(%s,{pk(%s),multi_a(2,%s,%s,%s)})", k[0], k[1], k[2], k[3], k[4]);
}

/* Expands the descriptor into spk and (if s) the signer. */
static void expand(struct wbuf *spk, struct tx_signer *s, const bool held[NKEYS])
{
    char desc[600], e[200];
    make_desc(desc, sizeof(desc), held);
    struct descriptor *d;
    ck_assert_msg(descriptor_parse(&d, desc, params(), false, e, sizeof(e)), "%s", e);
    ck_assert_msg(descriptor_expand(d, spk, s, NULL, 0, e, sizeof(e)), "%s", e);
    descriptor_free(d);
}

/* A one-input one-output spend of a 1 BTC coin paying to spk. */
static void make_spend(struct tx *tx, struct txout *coin, const struct wbuf *spk)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0x11, sizeof(op));
    op.n = 0;
    tx_add_input(tx, &op, NULL, 0, 0xfffffffd);
    tx_add_output(tx, 99990000, spk->data, spk->len);
    memset(coin, 0, sizeof(*coin));
    coin->value = 100000000;
    bytes_set(&coin->script_pubkey, spk->data, spk->len);
}

static bool verify(const struct tx *tx, const struct txout *coin)
{
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, tx, coin, 1);
    struct tx_sig_checker tc;
    struct sig_checker checker;
    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT;
    tx_sig_checker_init(&tc, &checker, tx, 0, coin->value, &pre, flags);
    enum script_error err = SCRIPT_ERR_OK;
    return script_verify(NULL, 0, coin->script_pubkey.data, coin->script_pubkey.len, &tx->vin[0].witness, flags,
                         &checker, &err);
}

/* Signs the spend with the keys in `held`; returns tx_sign_input's verdict. */
static const char *sign_with(struct tx *tx, const struct txout *coin, const bool held[NKEYS])
{
    struct tx_signer s;
    tx_signer_init(&s, false);
    struct wbuf spk;
    wbuf_init(&spk);
    expand(&spk, &s, held);
    ck_assert(spk.len == coin->script_pubkey.len && !memcmp(spk.data, coin->script_pubkey.data, spk.len));
    wbuf_clear(&spk);
    bool have = true;
    const char *why = tx_sign_input(&s, tx, 0, coin, &have, true, SIGHASH_DEFAULT);
    tx_signer_clear(&s);
    return why;
}

START_TEST(test_key_path_with_tree)
{
    bool all[NKEYS] = {true, true, true, true, true};
    struct wbuf spk;
    wbuf_init(&spk);
    expand(&spk, NULL, all);
    struct tx tx;
    struct txout coin;
    make_spend(&tx, &coin, &spk);
    const char *why = sign_with(&tx, &coin, all);
    ck_assert_msg(why == NULL, "%s", why);
    ck_assert_uint_eq(tx.vin[0].witness.count, 1); /* key path: one signature */
    ck_assert_uint_eq(tx.vin[0].witness.items[0].len, 64);
    ck_assert(verify(&tx, &coin));
    /* a signature under the untweaked-by-root key would not verify */
    tx.vin[0].witness.items[0].data[5] ^= 1;
    ck_assert(!verify(&tx, &coin));
    tx_clear(&tx);
    txout_clear(&coin);
    wbuf_clear(&spk);
}
END_TEST

START_TEST(test_pk_leaf)
{
    bool held[NKEYS] = {false, true, false, false, false};
    struct wbuf spk;
    wbuf_init(&spk);
    expand(&spk, NULL, held);
    struct tx tx;
    struct txout coin;
    make_spend(&tx, &coin, &spk);
    const char *why = sign_with(&tx, &coin, held);
    ck_assert_msg(why == NULL, "%s", why);
    /* signature, leaf script, control block (depth 1: one 32-byte sibling hash) */
    ck_assert_uint_eq(tx.vin[0].witness.count, 3);
    ck_assert_uint_eq(tx.vin[0].witness.items[1].len, 34);
    ck_assert_uint_eq(tx.vin[0].witness.items[2].len, 33 + 32);
    ck_assert(verify(&tx, &coin));
    tx.vin[0].witness.items[2].data[40] ^= 1; /* a wrong control block */
    ck_assert(!verify(&tx, &coin));
    tx_clear(&tx);
    txout_clear(&coin);
    wbuf_clear(&spk);
}
END_TEST

START_TEST(test_multi_a_two_of_three)
{
    bool none[NKEYS] = {false}, c_only[NKEYS] = {false, false, true, false, false},
         e_only[NKEYS] = {false, false, false, false, true};
    struct wbuf spk;
    wbuf_init(&spk);
    expand(&spk, NULL, none);
    struct tx tx;
    struct txout coin;
    make_spend(&tx, &coin, &spk);
    /* no key: nothing to sign */
    ck_assert(sign_with(&tx, &coin, none) != NULL);
    ck_assert_uint_eq(tx.vin[0].witness.count, 0);
    /* one of two signatures: incomplete, the partial witness is kept */
    ck_assert(sign_with(&tx, &coin, c_only) != NULL);
    ck_assert_uint_eq(tx.vin[0].witness.count, 3 + 2);
    ck_assert(!verify(&tx, &coin));
    /* the second signer completes it; key c checks first, so its signature is on top */
    const char *why = sign_with(&tx, &coin, e_only);
    ck_assert_msg(why == NULL, "%s", why);
    ck_assert_uint_eq(tx.vin[0].witness.count, 5);
    ck_assert_uint_eq(tx.vin[0].witness.items[0].len, 64); /* e */
    ck_assert_uint_eq(tx.vin[0].witness.items[1].len, 0);  /* d: no signature */
    ck_assert_uint_eq(tx.vin[0].witness.items[2].len, 64); /* c */
    ck_assert_uint_eq(tx.vin[0].witness.items[4].len, 33 + 32);
    ck_assert(verify(&tx, &coin));
    tx_clear(&tx);
    txout_clear(&coin);
    wbuf_clear(&spk);
}
END_TEST

static Suite *tap_sign_suite(void)
{
    Suite *s = suite_create("tap_sign");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_key_path_with_tree);
    tcase_add_test(tc, test_pk_leaf);
    tcase_add_test(tc, test_multi_a_two_of_three);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tap_sign_suite)
