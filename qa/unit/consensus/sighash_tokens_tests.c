/* hashmint: signatures commit to the output extension prefix
 * (doc/issuance.md, "Token data on outputs"). For P2WPKH and P2PKH the
 * prefix is prepended to the scriptCode; for P2TR it is part of the spent
 * scriptPubKey BIP 341 already commits to. Each case shows, through
 * script_verify and the real checker:
 *   - a signature over the prefixed scriptCode verifies under TOKENS;
 *   - a signature made as if there were no prefix fails once it is there;
 *   - a signature over a different prefix (another amount) fails;
 *   - with TOKENS off a prefixed output cannot be spent that way;
 *   - ordinary (unprefixed) outputs behave the same with TOKENS on or off. */
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "consensus/tx.h"
#include "qa/unit/unit.h"
#include "qa/unit/vector_util.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/util/alloc.h"

#define FLAGS_ON (SCRIPT_VERIFY_TOKENS | SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)
#define FLAGS_OFF (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)
#define FLAGS_TR_ON (FLAGS_ON | SCRIPT_VERIFY_TAPROOT)
#define FLAGS_TR_OFF (FLAGS_OFF | SCRIPT_VERIFY_TAPROOT)

static const uint8_t SECKEY[32] = { 0x3c, 0x11, 0x7a, 0x05, 0x9d, 0x42, 0x81, 0x6e, 0x0f, 0x55, 0x23, 0xc4, 0x19, 0x77, 0x6b, 0xd2,
                                    0x48, 0x90, 0x13, 0xef, 0xa1, 0x06, 0x5c, 0x3b, 0x7d, 0x29, 0xe4, 0x8a, 0x61, 0xf0, 0x0c, 0x95 };

enum kind { P2PKH, P2WPKH, P2TR };

/* A prefix whose asset id holds 0xab (OP_CODESEPARATOR) and 0x4c
 * (OP_PUSHDATA1) bytes: a legacy serialiser that parsed the prefix as script
 * would drop or mangle them. Read as script, "0xef 0x01 <00>" is followed by
 * the opcode 0xab, so at least one separator would be removed. */
static void make_prefix(struct wbuf *w, uint64_t amount)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = TOKEN_KIND_TOKEN;
    for (int i = 0; i < 32; i++)
        p.asset_id[i] = (uint8_t)(i % 3 == 0 ? 0xab : i % 3 == 1 ? 0x4c : i);
    p.asset_id[0] = 0x00;
    p.asset_id[1] = 0xab;
    p.asset_id[2] = 0x61;
    p.amount = amount;
    token_prefix_serialize(w, &p);
}

struct spend {
    uint8_t pub[33];
    uint8_t h160[20];
    uint8_t xonly_out[32];
    struct wbuf locking; /* the script after any prefix */
    struct wbuf spk;     /* prefix || locking */
    size_t prefix_len;
    struct tx tx;
    struct txout spent;
    struct tx_precomputed pre;
};

static void spend_init(struct spend *s, enum kind k, bool prefixed, uint64_t token_amount)
{
    keys_init();
    size_t pub_len = 0;
    ck_assert(keys_pubkey_create(s->pub, &pub_len, SECKEY, true));
    ck_assert_uint_eq(pub_len, 33);
    ripemd160_hash160(s->h160, s->pub, 33);
    wbuf_init(&s->locking);
    wbuf_init(&s->spk);
    if (k == P2PKH) {
        static const uint8_t head[3] = { 0x76, 0xa9, 0x14 }, tail[2] = { 0x88, 0xac };
        wbuf_put(&s->locking, head, 3);
        wbuf_put(&s->locking, s->h160, 20);
        wbuf_put(&s->locking, tail, 2);
    } else if (k == P2WPKH) {
        static const uint8_t head[2] = { 0x00, 0x14 };
        wbuf_put(&s->locking, head, 2);
        wbuf_put(&s->locking, s->h160, 20);
    } else {
        uint8_t internal[32];
        int parity;
        ck_assert(keys_xonly_create(internal, SECKEY));
        ck_assert(unit_taproot_output_key(s->xonly_out, &parity, internal, NULL));
        static const uint8_t head[2] = { 0x51, 0x20 };
        wbuf_put(&s->locking, head, 2);
        wbuf_put(&s->locking, s->xonly_out, 32);
    }
    if (prefixed)
        make_prefix(&s->spk, token_amount);
    s->prefix_len = s->spk.len;
    wbuf_put(&s->spk, s->locking.data, s->locking.len);

    tx_init(&s->tx);
    s->tx.version = 2;
    struct outpoint op = { { { 0x42, 0x07 } }, 1 };
    tx_add_input(&s->tx, &op, NULL, 0, 0xfffffffd);
    static const uint8_t out_spk[] = { 0x51 };
    tx_add_output(&s->tx, 90000, out_spk, sizeof(out_spk));
    tx_update_hashes(&s->tx);
    s->spent.value = 100000;
    s->spent.script_pubkey.data = s->spk.data;
    s->spent.script_pubkey.len = s->spk.len;
    tx_precomputed_init(&s->pre, &s->tx, &s->spent, 1);
}

static void spend_clear(struct spend *s)
{
    wbuf_clear(&s->locking);
    wbuf_clear(&s->spk);
    tx_clear(&s->tx);
}

/*
 * Signs input 0 as a wallet would for the given view of the spent output
 * (signed_spk: the scriptPubKey the signer believes it spends, with or
 * without prefix) and puts the signature into the transaction.
 */
static void sign(struct spend *s, enum kind k, const uint8_t *signed_spk, size_t signed_len, size_t signed_prefix_len)
{
    uint8_t hash[32];
    struct txin *in = &s->tx.vin[0];
    bytes_clear(&in->script_sig);
    for (size_t i = 0; i < in->witness.count; i++)
        bytes_clear(&in->witness.items[i]);
    mem_free(in->witness.items);
    in->witness.items = NULL;
    in->witness.count = 0;

    if (k == P2TR) {
        struct txout view = { s->spent.value, { (uint8_t *)signed_spk, signed_len } };
        struct tx_precomputed pre;
        tx_precomputed_init(&pre, &s->tx, &view, 1);
        struct script_exec_data ed;
        memset(&ed, 0, sizeof(ed));
        ed.annex_init = true;
        ck_assert(sighash_taproot(hash, &s->tx, 0, SIGHASH_DEFAULT, SIGVERSION_TAPROOT, &ed, &pre));
        uint8_t sig[64];
        ck_assert(keys_schnorr_sign_tweaked(sig, hash, SECKEY, NULL, NULL));
        txin_witness_push(in, sig, sizeof(sig));
        return;
    }

    uint8_t der[73];
    size_t der_len = 0;
    if (k == P2WPKH) {
        /* BIP 143 scriptCode of P2WPKH, behind the prefix the signer sees. */
        struct wbuf code;
        wbuf_init(&code);
        wbuf_put(&code, signed_spk, signed_prefix_len);
        static const uint8_t head[3] = { 0x76, 0xa9, 0x14 }, tail[2] = { 0x88, 0xac };
        wbuf_put(&code, head, 3);
        wbuf_put(&code, s->h160, 20);
        wbuf_put(&code, tail, 2);
        sighash_witness_v0(hash, &s->tx, 0, code.data, code.len, s->spent.value, SIGHASH_ALL, &s->pre);
        wbuf_clear(&code);
    } else {
        sighash_legacy(hash, &s->tx, 0, signed_spk, signed_len, signed_prefix_len, SIGHASH_ALL);
    }
    ck_assert(keys_ecdsa_sign(der, &der_len, hash, SECKEY));
    der[der_len++] = SIGHASH_ALL;
    if (k == P2WPKH) {
        txin_witness_push(in, der, der_len);
        txin_witness_push(in, s->pub, 33);
    } else {
        uint8_t sig_script[1 + 73 + 1 + 33];
        size_t n = 0;
        sig_script[n++] = (uint8_t)der_len;
        memcpy(sig_script + n, der, der_len);
        n += der_len;
        sig_script[n++] = 33;
        memcpy(sig_script + n, s->pub, 33);
        n += 33;
        bytes_set(&in->script_sig, sig_script, n);
    }
    tx_update_hashes(&s->tx);
}

static bool verify(const struct spend *s, uint32_t flags, enum script_error *err)
{
    return unit_verify_input(&s->tx, &s->pre, 0, s->spk.data, s->spk.len, s->spent.value, flags, err);
}

static void run_kind(enum kind k)
{
    const uint32_t on = k == P2TR ? FLAGS_TR_ON : FLAGS_ON;
    const uint32_t off = k == P2TR ? FLAGS_TR_OFF : FLAGS_OFF;
    enum script_error err;

    /* Prefixed output, signature over prefix || scriptCode: valid. */
    struct spend s;
    spend_init(&s, k, true, 5000);
    ck_assert_uint_gt(s.prefix_len, 34);
    sign(&s, k, s.spk.data, s.spk.len, s.prefix_len);
    err = SCRIPT_ERR_UNKNOWN_ERROR;
    ck_assert_msg(verify(&s, on, &err), "kind %d: prefixed signature rejected: %s", k, script_error_name(err));
    ck_assert_int_eq(err, SCRIPT_ERR_OK);
    /* The same spend without TOKENS: the 0xEF byte is executed, or the
     * output is not recognised as the template it ends with. */
    ck_assert_msg(!verify(&s, off, &err), "kind %d: prefixed output spendable without TOKENS", k);

    /* Signed as if the output had no prefix: fails once the prefix is there. */
    sign(&s, k, s.locking.data, s.locking.len, 0);
    ck_assert_msg(!verify(&s, on, &err), "kind %d: signature without the prefix accepted", k);
    ck_assert_msg(!verify(&s, off, &err), "kind %d", k);

    /* Signed over a prefix with another token amount: fails. */
    struct wbuf other;
    wbuf_init(&other);
    make_prefix(&other, 5001);
    size_t other_prefix = other.len;
    wbuf_put(&other, s.locking.data, s.locking.len);
    sign(&s, k, other.data, other.len, other_prefix);
    ck_assert_msg(!verify(&s, on, &err), "kind %d: signature over another amount accepted", k);
    wbuf_clear(&other);
    spend_clear(&s);

    /* Ordinary output: the same signature verifies with TOKENS on and off. */
    spend_init(&s, k, false, 0);
    ck_assert_uint_eq(s.prefix_len, 0);
    sign(&s, k, s.spk.data, s.spk.len, 0);
    ck_assert_msg(verify(&s, on, &err), "kind %d: plain output with TOKENS: %s", k, script_error_name(err));
    ck_assert_msg(verify(&s, off, &err), "kind %d: plain output without TOKENS: %s", k, script_error_name(err));
    spend_clear(&s);
}

START_TEST(p2wpkh_prefix_committed)
{
    run_kind(P2WPKH);
}
END_TEST

START_TEST(p2pkh_prefix_committed)
{
    run_kind(P2PKH);
}
END_TEST

START_TEST(p2tr_prefix_committed)
{
    run_kind(P2TR);
}
END_TEST

/* The checker only treats leading bytes as a prefix under TOKENS: without
 * it a 0xEF... scriptCode is serialised as Bitcoin would (separators and all). */
START_TEST(checker_prefix_only_under_tokens)
{
    struct spend s;
    spend_init(&s, P2PKH, true, 7);
    uint8_t with_prefix[32], as_script[32];
    sighash_legacy(with_prefix, &s.tx, 0, s.spk.data, s.spk.len, s.prefix_len, SIGHASH_ALL);
    sighash_legacy(as_script, &s.tx, 0, s.spk.data, s.spk.len, 0, SIGHASH_ALL);
    /* The asset id holds 0xab bytes, so the two serialisations differ. */
    ck_assert(memcmp(with_prefix, as_script, 32) != 0);
    spend_clear(&s);
}
END_TEST

static Suite *sighash_tokens_suite(void)
{
    Suite *s = suite_create("sighash_tokens");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, p2wpkh_prefix_committed);
    tcase_add_test(tc, p2pkh_prefix_committed);
    tcase_add_test(tc, p2tr_prefix_committed);
    tcase_add_test(tc, checker_prefix_only_under_tokens);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sighash_tokens_suite)
