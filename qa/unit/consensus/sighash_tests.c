/* Signature hashes and the transaction checker (consensus/sighash.c):
 * every case of Bitcoin Core's sighash.json, the BIP 143 examples, the
 * BIP 341 key-path wallet vectors (SigMsg and SigHash per input), the signed
 * transactions of both BIPs verified end to end through script_verify, the
 * checker's own rules (Schnorr sizes and hash types, CLTV, CSV), and its legacy
 * sighash cache (same hashes; one serialisation per kind of hash type and
 * script code: RELIABILITY.md #29). */
#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "consensus/tx_check.h"
#include "consensus/validation.h"
#include "qa/unit/unit.h"
#include "qa/unit/vector_util.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* The consensus flags a block validator applies today. */
#define CONSENSUS_FLAGS                                                                                             \
    (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_NULLDUMMY | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |     \
     SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT)

static void decode_tx(struct tx *tx, const char *hex)
{
    size_t len;
    uint8_t *raw = hex_decode_alloc(hex, &len);
    ck_assert_ptr_nonnull(raw);
    ck_assert_msg(tx_decode(tx, raw, len, true), "transaction does not parse");
    mem_free(raw);
}

static uint8_t *unhex(const char *hex, size_t *len)
{
    uint8_t *p = hex_decode_alloc(hex, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void assert_hex(const uint8_t *p, size_t n, const char *expected)
{
    char *got = hex_encode_alloc(p, n);
    ck_assert_str_eq(got, expected);
    mem_free(got);
}

/* ---- sighash.json ---------------------------------------------------- */

START_TEST(sighash_json)
{
    json_t *root = unit_json_load(UNIT_DATA("bitcoin-core/sighash.json"));
    size_t total = 0, passed = 0;
    for (size_t idx = 0; idx < json_array_size(root); idx++) {
        const json_t *t = json_array_get(root, idx);
        if (json_array_size(t) == 1)
            continue; /* the header comment */
        total++;
        const char *raw_tx = json_string_value(json_array_get(t, 0));
        const char *script_hex = json_string_value(json_array_get(t, 1));
        const char *expected = json_string_value(json_array_get(t, 4));
        ck_assert_msg(raw_tx && script_hex && expected && json_is_integer(json_array_get(t, 2)) &&
                          json_is_integer(json_array_get(t, 3)),
                      "malformed sighash.json entry %zu", idx);
        size_t in_index = (size_t)json_integer_value(json_array_get(t, 2));
        int32_t hash_type = (int32_t)json_integer_value(json_array_get(t, 3));

        struct tx tx;
        decode_tx(&tx, raw_tx);
        struct val_state st;
        memset(&st, 0, sizeof(st));
        bool checked = tx_check(&st, &tx);
        size_t script_len;
        uint8_t *script = unhex(script_hex, &script_len);
        uint8_t hash[32];
        sighash_legacy(hash, &tx, in_index, script, script_len, 0, hash_type);
        char got[65];
        hex_encode_reversed(got, hash, 32); /* Core prints uint256 reversed */
        /* The checker's cached path gives sighash_legacy's hash for every call of a
         * sequence: a miss, a hit, another kind of hash type (ANYONECANPAY, NONE),
         * the first again, another script code, the first again, and a type of the
         * same kind (bit 0x40: the same state with its own nHashType). */
        struct sighash_legacy_cache cache;
        memset(&cache, 0, sizeof(cache));
        const struct {
            size_t len;
            int32_t type;
        } calls[] = {
            { script_len, hash_type },      { script_len, hash_type },
            { script_len, hash_type ^ SIGHASH_ANYONECANPAY },
            { script_len, (hash_type & ~0x1f) | ((hash_type & 0x1f) == SIGHASH_NONE ? SIGHASH_ALL : SIGHASH_NONE) },
            { script_len, hash_type },      { script_len / 2, hash_type },
            { script_len, hash_type },      { script_len, hash_type ^ 0x40 },
        };
        bool cached_ok = true;
        for (size_t c = 0; c < sizeof(calls) / sizeof(calls[0]); c++) {
            uint8_t want[32], have[32];
            sighash_legacy(want, &tx, in_index, script, calls[c].len, 0, calls[c].type);
            sighash_legacy_cached(&cache, have, &tx, in_index, script, calls[c].len, 0, calls[c].type);
            cached_ok = cached_ok && !memcmp(want, have, 32);
        }
        if (checked && !strcmp(got, expected) && cached_ok)
            passed++;
        else
            fprintf(stderr, "sighash.json entry %zu FAILED: got %s, expected %s%s%s\n", idx, got, expected,
                    checked ? "" : " (tx_check failed)", cached_ok ? "" : " (the cached path differs)");
        mem_free(script);
        tx_clear(&tx);
    }
    json_decref(root);
    printf("sighash.json: %zu/%zu\n", passed, total);
    fflush(stdout);
    ck_assert_uint_eq(total, 500);
    ck_assert_uint_eq(passed, total);
}
END_TEST

/* ---- legacy details -------------------------------------------------- */

/* Two inputs, one output: enough for the SIGHASH_SINGLE bug. */
static void two_in_one_out(struct tx *tx)
{
    tx_init(tx);
    tx->version = 1;
    for (uint32_t i = 0; i < 2; i++) {
        struct outpoint op = { { { (uint8_t)(0x10 + i) } }, i };
        tx_add_input(tx, &op, NULL, 0, 0xfffffffeu - i);
    }
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(tx, 5000, spk, sizeof(spk));
    tx_update_hashes(tx);
}

START_TEST(legacy_single_bug_and_range)
{
    struct tx tx;
    two_in_one_out(&tx);
    static const uint8_t one[32] = { 1 };
    static const uint8_t script[] = { 0x51 };
    uint8_t h[32];
    /* SIGHASH_SINGLE on input 1 with one output: the famous hash of 1. */
    sighash_legacy(h, &tx, 1, script, sizeof(script), 0, SIGHASH_SINGLE);
    ck_assert(memcmp(h, one, 32) == 0);
    sighash_legacy(h, &tx, 1, script, sizeof(script), 0, SIGHASH_SINGLE | SIGHASH_ANYONECANPAY);
    ck_assert(memcmp(h, one, 32) == 0);
    /* Input out of range. */
    sighash_legacy(h, &tx, 2, script, sizeof(script), 0, SIGHASH_ALL);
    ck_assert(memcmp(h, one, 32) == 0);
    /* In range: a real hash. */
    sighash_legacy(h, &tx, 0, script, sizeof(script), 0, SIGHASH_SINGLE);
    ck_assert(memcmp(h, one, 32) != 0);
    sighash_legacy(h, &tx, 1, script, sizeof(script), 0, SIGHASH_ALL);
    ck_assert(memcmp(h, one, 32) != 0);
    tx_clear(&tx);
}
END_TEST

/* The preimage of sighash_legacy for tx (2 inputs, input 0 signed, ALL),
 * with `code` standing for the already-serialised scriptCode. */
static void legacy_preimage_all(uint8_t out[32], const struct tx *tx, const uint8_t *code, size_t code_len)
{
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u32le(&w, (uint32_t)tx->version);
    wbuf_compact(&w, 2);
    for (size_t i = 0; i < 2; i++) {
        wbuf_put(&w, tx->vin[i].prevout.txid.b, 32);
        wbuf_u32le(&w, tx->vin[i].prevout.n);
        if (i == 0)
            wbuf_put(&w, code, code_len);
        else
            wbuf_u8(&w, 0);
        wbuf_u32le(&w, tx->vin[i].sequence);
    }
    wbuf_compact(&w, 1);
    txout_serialize(&w, &tx->vout[0]);
    wbuf_u32le(&w, tx->locktime);
    wbuf_u32le(&w, SIGHASH_ALL);
    sha256d(out, w.data, w.len);
    wbuf_clear(&w);
}

START_TEST(legacy_codeseparator_removal)
{
    struct tx tx;
    two_in_one_out(&tx);
    uint8_t got[32], want[32];

    /* OP_1 CODESEP OP_2 CODESEP: separators dropped, length counts the rest. */
    static const uint8_t s1[] = { 0x51, 0xab, 0x52, 0xab };
    static const uint8_t c1[] = { 0x02, 0x51, 0x52 };
    sighash_legacy(got, &tx, 0, s1, sizeof(s1), 0, SIGHASH_ALL);
    legacy_preimage_all(want, &tx, c1, sizeof(c1));
    ck_assert(memcmp(got, want, 32) == 0);

    /* 0xab inside a push is data, not a separator. */
    static const uint8_t s2[] = { 0x02, 0xab, 0xab, 0xab };
    static const uint8_t c2[] = { 0x03, 0x02, 0xab, 0xab };
    sighash_legacy(got, &tx, 0, s2, sizeof(s2), 0, SIGHASH_ALL);
    legacy_preimage_all(want, &tx, c2, sizeof(c2));
    ck_assert(memcmp(got, want, 32) == 0);

    /* A truncated push ends parsing: Core writes the length of the whole
     * script less separators (3) but only the bytes up to where parsing
     * stopped (OP_1, then OP_PUSHDATA2 without its second length byte). */
    static const uint8_t s3[] = { 0x51, 0xab, 0x4d, 0x01 };
    static const uint8_t c3[] = { 0x03, 0x51, 0x4d };
    sighash_legacy(got, &tx, 0, s3, sizeof(s3), 0, SIGHASH_ALL);
    legacy_preimage_all(want, &tx, c3, sizeof(c3));
    ck_assert(memcmp(got, want, 32) == 0);

    /* hashmint: prefix bytes are written verbatim even when one of them is
     * 0xab, and they count towards the length. */
    static const uint8_t s4[] = { 0xef, 0xab, 0xab, 0x51, 0xab, 0x52 };
    static const uint8_t c4[] = { 0x05, 0xef, 0xab, 0xab, 0x51, 0x52 };
    sighash_legacy(got, &tx, 0, s4, sizeof(s4), 3, SIGHASH_ALL);
    legacy_preimage_all(want, &tx, c4, sizeof(c4));
    ck_assert(memcmp(got, want, 32) == 0);
    tx_clear(&tx);
}
END_TEST

/* ---- BIP 143 --------------------------------------------------------- */

struct bip143_case {
    const char *unsigned_tx;
    size_t in_index;
    const char *script_code; /* without its length byte */
    int64_t amount;
    int32_t hash_type;
    const char *sighash;
};

static const char *BIP143_P2WPKH_TX =
    "0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f0000000000eeffffffef51e1b804cc89d1"
    "82d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99"
    "f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f0167faa815988ac11000000";
static const char *BIP143_P2SH_P2WPKH_TX =
    "0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a54770100000000feffffff02b8b4eb0b000000"
    "001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8"
    "bd8ad6d77c88ac92040000";
static const char *BIP143_P2WSH_TX =
    "0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e0000000000ffffffff0815cf020f013ed6"
    "cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffffffff0100f2052a010000001976a914a30741f8145e5aca"
    "df23f751864167f32e0963f788ac00000000";
static const char *BIP143_ACP_TX =
    "0100000002e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffffff80e68831516392fc"
    "d100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff0280969800000000001976a914de4b231626ef508c"
    "9a74a8517e6783c0546d6b2888ac80969800000000001976a9146648a8cd4531e1ec47f35916de8e259237294d1e88ac00000000";
static const char *BIP143_P2SH_P2WSH_TX =
    "010000000136641869ca081e70f394c6948e8af409e18b619df2ed74aa106c1ca29787b96e0100000000ffffffff0200e9a435000000"
    "001976a914389ffce9cd9ae88dcc0631e88a821ffdbe9bfe2688acc0832f05000000001976a9147480a33f950689af511e6e84c138db"
    "bd3c3ee41588ac00000000";
static const char *BIP143_MULTISIG_SCRIPT =
    "56210307b8ae49ac90a048e9b53357a2354b3334e9c8bee813ecb98e99a7e07e8c3ba32103b28f0c28bfab54554ae8c658ac5c3e0ce6e7"
    "9ad336331f78c428dd43eea8449b21034b8113d703413d57761b8b9781957b8c0ac1dfe69f492580ca4195f50376ba4a21033400f6af"
    "ecb833092a9a21cfdf1ed1376e58c5d1f47de74683123987e967a8f42103a6d48b1131e94ba04d9737d61acdaa1322008af9602b3b14"
    "862c07a1789aac162102d8b661b0b3302ee2f162b09e07a55ad5dfbe673a9f01d9f0c19617681024306b56ae";

START_TEST(bip143_examples)
{
    const struct bip143_case cases[] = {
        { BIP143_P2WPKH_TX, 1, "76a9141d0f172a0ecb48aee1be1f2687d2963ae33f71a188ac", 600000000, SIGHASH_ALL,
          "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670" },
        { BIP143_P2SH_P2WPKH_TX, 0, "76a91479091972186c449eb1ded22b78e40d009bdf008988ac", 1000000000, SIGHASH_ALL,
          "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6" },
        { BIP143_P2WSH_TX, 1,
          "21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab210255a9626aebf5e29c0e6538428ba0d1"
          "dcf6ca98ffdf086aa8ced5e0d0215ea465ac",
          4900000000, SIGHASH_SINGLE, "82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391" },
        { BIP143_P2WSH_TX, 1, "210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac", 4900000000,
          SIGHASH_SINGLE, "fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47" },
        { BIP143_ACP_TX, 0, "0063ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac", 16777215,
          SIGHASH_SINGLE | SIGHASH_ANYONECANPAY, "e9071e75e25b8a1e298a72f0d2e9f4f95a0f5cdf86a533cda597eb402ed13b3a" },
        { BIP143_ACP_TX, 1, "68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a4c3e39da98ac", 16777215,
          SIGHASH_SINGLE | SIGHASH_ANYONECANPAY, "cd72f1f1a433ee9df816857fad88d8ebd97e09a75cd481583eb841c330275e54" },
        { BIP143_P2SH_P2WSH_TX, 0, BIP143_MULTISIG_SCRIPT, 987654321, SIGHASH_ALL,
          "185c0be5263dce5b4bb50a047973c1b6272bfbd0103a89444597dc40b248ee7c" },
        { BIP143_P2SH_P2WSH_TX, 0, BIP143_MULTISIG_SCRIPT, 987654321, SIGHASH_NONE,
          "e9733bc60ea13c95c6527066bb975a2ff29a925e80aa14c213f686cbae5d2f36" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct tx tx;
        decode_tx(&tx, cases[i].unsigned_tx);
        struct tx_precomputed pre;
        tx_precomputed_init(&pre, &tx, NULL, 0);
        size_t len;
        uint8_t *code = unhex(cases[i].script_code, &len);
        uint8_t h[32];
        sighash_witness_v0(h, &tx, cases[i].in_index, code, len, cases[i].amount, cases[i].hash_type, &pre);
        char got[65];
        hex_encode(got, h, 32);
        ck_assert_msg(!strcmp(got, cases[i].sighash), "BIP 143 case %zu: %s", i, got);
        mem_free(code);
        tx_clear(&tx);
    }

    /* The intermediate digests of the first two examples. */
    struct tx tx;
    struct tx_precomputed pre;
    decode_tx(&tx, BIP143_P2WPKH_TX);
    tx_precomputed_init(&pre, &tx, NULL, 0);
    ck_assert(!pre.spent_ready);
    assert_hex(pre.hash_prevouts, 32, "96b827c8483d4e9b96712b6713a7b68d6e8003a781feba36c31143470b4efd37");
    assert_hex(pre.hash_sequence, 32, "52b0a642eea2fb7ae638c36f6252b6750293dbe574a806984b8e4d8548339a3b");
    assert_hex(pre.hash_outputs, 32, "863ef3e1a92afbfdb97f31ad0fc7683ee943e9abcf2501590ff8f6551f47e5e5");
    tx_clear(&tx);
    decode_tx(&tx, BIP143_P2SH_P2WPKH_TX);
    tx_precomputed_init(&pre, &tx, NULL, 0);
    assert_hex(pre.hash_prevouts, 32, "b0287b4a252ac05af83d2dcef00ba313af78a3e9c329afa216eb3aa2a7b4613a");
    assert_hex(pre.hash_sequence, 32, "18606b350cd8bf565266bc352f0caddcf01e8fa789dd8a15386327cf8cabe198");
    assert_hex(pre.hash_outputs, 32, "de984f44532e2173ca0d64314fcefe6d30da6f8cf27bafa706da61df8a226c83");
    tx_clear(&tx);
}
END_TEST

struct spent_def {
    const char *spk;
    int64_t amount;
};

/* Verifies every input of a signed transaction with the real checker. */
static void verify_all_inputs(const char *signed_hex, const struct spent_def *defs, size_t n, uint32_t flags)
{
    keys_init();
    struct tx tx;
    decode_tx(&tx, signed_hex);
    ck_assert_uint_eq(tx.vin_count, n);
    struct txout *spent = mem_calloc(n, sizeof(struct txout));
    for (size_t i = 0; i < n; i++) {
        spent[i].value = defs[i].amount;
        spent[i].script_pubkey.data = unhex(defs[i].spk, &spent[i].script_pubkey.len);
    }
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, spent, n);
    for (size_t i = 0; i < n; i++) {
        enum script_error err = SCRIPT_ERR_UNKNOWN_ERROR;
        bool ok = unit_verify_input(&tx, &pre, i, spent[i].script_pubkey.data, spent[i].script_pubkey.len,
                                    spent[i].value, flags, &err);
        ck_assert_msg(ok, "input %zu: %s", i, script_error_name(err));
        /* The wrong amount breaks segwit signatures, never legacy ones. */
        int64_t wrong = spent[i].value + 1;
        const uint8_t first = spent[i].script_pubkey.data[0];
        bool segwit = first == 0x00 || first == 0x51 || first == 0xa9; /* v0, v1, P2SH-wrapped here */
        if (segwit) {
            struct txout *s = &spent[i];
            s->value = wrong;
            struct tx_precomputed pre2;
            tx_precomputed_init(&pre2, &tx, spent, n);
            ok = unit_verify_input(&tx, &pre2, i, s->script_pubkey.data, s->script_pubkey.len, s->value, flags, &err);
            ck_assert_msg(!ok, "input %zu verified with a wrong amount", i);
            s->value = wrong - 1;
        }
    }
    for (size_t i = 0; i < n; i++)
        mem_free(spent[i].script_pubkey.data);
    mem_free(spent);
    tx_clear(&tx);
}

START_TEST(bip143_signed_transactions)
{
    const struct spent_def p2wpkh[] = {
        { "2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac", 625000000 },
        { "00141d0f172a0ecb48aee1be1f2687d2963ae33f71a1", 600000000 },
    };
    verify_all_inputs(
        "01000000000102fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f00000000494830450221008b9d1dc"
        "26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944c"
        "cf4ecbab4cc618ef3ed01eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57b90ec68a0100000000ffff"
        "ffff02202cb206000000001976a9148280b37df378db99f66f85c95a783a76ac7a6d5988ac9093510d000000001976a9143bde42db"
        "ee7e4dbe6a21b2d50ce2f0167faa815988ac000247304402203609e17b84f6a7d30c80bfa610b5b4542f32a8a0d5447a12fb1366d7"
        "f01cc44a0220573a954c4518331561406f90300e8f3358f51928d43c212a8caed02de67eebee0121025476c2e83188368da1ff3e29"
        "2e7acafcdb3566bb0ad253f62fc70f07aeee635711000000",
        p2wpkh, 2, CONSENSUS_FLAGS);

    const struct spent_def p2sh_p2wpkh[] = { { "a9144733f37cf4db86fbc2efed2500b4f4e49f31202387", 1000000000 } };
    verify_all_inputs(
        "01000000000101db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477010000001716001479091972186c"
        "449eb1ded22b78e40d009bdf0089feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f35b59d0d96388ac"
        "0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6d77c88ac02473044022047ac8e878352d3ebbde1c94ce3"
        "a10d057c24175747116f8288e5d794d12d482f0220217f36a485cae903c713331d877c1f64677e3622ad4010726870540656fe9dcb"
        "012103ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a2687392040000",
        p2sh_p2wpkh, 1, CONSENSUS_FLAGS);

    const struct spent_def p2wsh[] = {
        { "21036d5c20fa14fb2f635474c1dc4ef5909d4568e5569b79fc94d3448486e14685f8ac", 156250000 },
        { "00205d1b56b63d714eebe542309525f484b7e9d6f686b3781b6f61ef925d66d6f6a0", 4900000000 },
    };
    verify_all_inputs(
        "01000000000102fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e000000004847304402200af4e47c"
        "9b9629dbecc21f73af989bdaa911f7e6f6c2e9394588a3aa68f81e9902204f3fcf6ade7e5abb1295b6774c8e0abd94ae6221736709"
        "6bc02ee5e435b67da201ffffffff0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee0a6925f80000000000ffff"
        "ffff0100f2052a010000001976a914a30741f8145e5acadf23f751864167f32e0963f788ac000347304402200de66acf4527789bfd"
        "a55fc5459e214fa6083f936b430a762c629656216805ac0220396f550692cd347171cbc1ef1f51e15282e837bb2b30860dc77c8f78"
        "bc8501e503473044022027dc95ad6b740fe5129e7e62a75dd00f291a2aeb1200b84b09d9e3789406b6c002201a9ecd315dd6a0e632"
        "ab20bbb98948bc0c6fb204f2c286963bb48517a7058e27034721026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58a"
        "c706453880aeadab210255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac00000000",
        p2wsh, 2, CONSENSUS_FLAGS);

    const struct spent_def acp[] = {
        { "0020ba468eea561b26301e4cf69fa34bde4ad60c81e70f059f045ca9a79931004a4d", 16777215 },
        { "0020d9bbfbe56af7c4b7f960a70d7ea107156913d9e5a26b0a71429df5e097ca6537", 16777215 },
    };
    verify_all_inputs(
        "01000000000102e9b542c5176808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffffff80e6883151"
        "6392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffff0280969800000000001976a914de4b2316"
        "26ef508c9a74a8517e6783c0546d6b2888ac80969800000000001976a9146648a8cd4531e1ec47f35916de8e259237294d1e88ac02"
        "483045022100f6a10b8604e6dc910194b79ccfc93e1bc0ec7c03453caaa8987f7d6c3413566002206216229ede9b4d6ec2d325be24"
        "5c5b508ff0339bf1794078e20bfe0babc7ffe683270063ab68210392972e2eb617b2388771abe27235fd5ac44af8e6169326155044"
        "7a4c3e39da98ac024730440220032521802a76ad7bf74d0e2c218b72cf0cbc867066e2e53db905ba37f130397e02207709e2188ed7"
        "f08f4c952d9d13986da504502b8c3be59617e043552f506c46ff83275163ab68210392972e2eb617b2388771abe27235fd5ac44af8"
        "e61693261550447a4c3e39da98ac00000000",
        acp, 2, CONSENSUS_FLAGS);
    /* SINGLE|ANYONECANPAY does not commit to the input index: swapped pairs still verify. */
    const struct spent_def acp_swapped[] = { acp[1], acp[0] };
    verify_all_inputs(
        "0100000000010280e68831516392fcd100d186b3c2c7b95c80b53c77e77c35ba03a66b429a2a1b0000000000ffffffffe9b542c517"
        "6808107ff1df906f46bb1f2583b16112b95ee5380665ba7fcfc0010000000000ffffffff0280969800000000001976a9146648a8cd"
        "4531e1ec47f35916de8e259237294d1e88ac80969800000000001976a914de4b231626ef508c9a74a8517e6783c0546d6b2888ac02"
        "4730440220032521802a76ad7bf74d0e2c218b72cf0cbc867066e2e53db905ba37f130397e02207709e2188ed7f08f4c952d9d1398"
        "6da504502b8c3be59617e043552f506c46ff83275163ab68210392972e2eb617b2388771abe27235fd5ac44af8e61693261550447a"
        "4c3e39da98ac02483045022100f6a10b8604e6dc910194b79ccfc93e1bc0ec7c03453caaa8987f7d6c3413566002206216229ede9b"
        "4d6ec2d325be245c5b508ff0339bf1794078e20bfe0babc7ffe683270063ab68210392972e2eb617b2388771abe27235fd5ac44af8"
        "e61693261550447a4c3e39da98ac00000000",
        acp_swapped, 2, CONSENSUS_FLAGS);
}
END_TEST

/* ---- BIP 341 --------------------------------------------------------- */

struct keypath {
    json_t *root;
    const json_t *group;
    struct tx tx;
    struct txout *spent;
    size_t n;
    struct tx_precomputed pre;
};

static void keypath_load(struct keypath *k)
{
    k->root = unit_json_load(UNIT_DATA("bip341/wallet_vectors_keypath.json"));
    k->group = json_array_get(json_object_get(k->root, "keyPathSpending"), 0);
    ck_assert_ptr_nonnull(k->group);
    const json_t *given = json_object_get(k->group, "given");
    decode_tx(&k->tx, json_string_value(json_object_get(given, "rawUnsignedTx")));
    const json_t *utxos = json_object_get(given, "utxosSpent");
    k->n = json_array_size(utxos);
    ck_assert_uint_eq(k->n, k->tx.vin_count);
    k->spent = mem_calloc(k->n, sizeof(struct txout));
    for (size_t i = 0; i < k->n; i++) {
        const json_t *u = json_array_get(utxos, i);
        k->spent[i].value = json_integer_value(json_object_get(u, "amountSats"));
        k->spent[i].script_pubkey.data =
            unhex(json_string_value(json_object_get(u, "scriptPubKey")), &k->spent[i].script_pubkey.len);
    }
    tx_precomputed_init(&k->pre, &k->tx, k->spent, k->n);
}

static void keypath_free(struct keypath *k)
{
    for (size_t i = 0; i < k->n; i++)
        mem_free(k->spent[i].script_pubkey.data);
    mem_free(k->spent);
    tx_clear(&k->tx);
    json_decref(k->root);
}

static const struct script_exec_data NO_ANNEX = { .annex_init = true, .annex_present = false };

START_TEST(bip341_keypath_vectors)
{
    struct keypath k;
    keypath_load(&k);
    const json_t *inter = json_object_get(k.group, "intermediary");
    ck_assert(k.pre.spent_ready);
    assert_hex(k.pre.sha_amounts, 32, json_string_value(json_object_get(inter, "hashAmounts")));
    assert_hex(k.pre.sha_outputs, 32, json_string_value(json_object_get(inter, "hashOutputs")));
    assert_hex(k.pre.sha_prevouts, 32, json_string_value(json_object_get(inter, "hashPrevouts")));
    assert_hex(k.pre.sha_scriptpubkeys, 32, json_string_value(json_object_get(inter, "hashScriptPubkeys")));
    assert_hex(k.pre.sha_sequences, 32, json_string_value(json_object_get(inter, "hashSequences")));

    const json_t *inputs = json_object_get(k.group, "inputSpending");
    size_t checked = 0;
    for (size_t i = 0; i < json_array_size(inputs); i++) {
        const json_t *in = json_array_get(inputs, i);
        const json_t *given = json_object_get(in, "given");
        const json_t *im = json_object_get(in, "intermediary");
        size_t idx = (size_t)json_integer_value(json_object_get(given, "txinIndex"));
        uint8_t hash_type = (uint8_t)json_integer_value(json_object_get(given, "hashType"));

        struct wbuf msg;
        wbuf_init(&msg);
        ck_assert(sighash_taproot_msg(&msg, &k.tx, idx, hash_type, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
        assert_hex(msg.data, msg.len, json_string_value(json_object_get(im, "sigMsg")));
        wbuf_clear(&msg);

        uint8_t h[32];
        ck_assert(sighash_taproot(h, &k.tx, idx, hash_type, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
        assert_hex(h, 32, json_string_value(json_object_get(im, "sigHash")));
        checked++;
    }
    printf("bip341 keyPathSpending: %zu/%zu\n", checked, json_array_size(inputs));
    fflush(stdout);
    ck_assert_uint_eq(checked, 7);

    /* The fully signed transaction: all nine inputs (taproot, P2PKH, P2WPKH)
     * through the interpreter, the real checker and every Core flag. */
    const char *signed_hex =
        json_string_value(json_object_get(json_object_get(k.group, "auxiliary"), "fullySignedTx"));
    struct tx stx;
    decode_tx(&stx, signed_hex);
    struct tx_precomputed spre;
    tx_precomputed_init(&spre, &stx, k.spent, k.n);
    keys_init();
    for (size_t i = 0; i < stx.vin_count; i++) {
        enum script_error err = SCRIPT_ERR_UNKNOWN_ERROR;
        ck_assert_msg(unit_verify_input(&stx, &spre, i, k.spent[i].script_pubkey.data, k.spent[i].script_pubkey.len,
                                        k.spent[i].value, UNIT_CORE_FLAGS_ALL, &err),
                      "fullySignedTx input %zu: %s", i, script_error_name(err));
    }
    /* Without the spent outputs, taproot signatures cannot be checked. */
    struct tx_precomputed bare;
    tx_precomputed_init(&bare, &stx, NULL, 0);
    enum script_error err = SCRIPT_ERR_OK;
    ck_assert(!unit_verify_input(&stx, &bare, 0, k.spent[0].script_pubkey.data, k.spent[0].script_pubkey.len,
                                 k.spent[0].value, UNIT_CORE_FLAGS_ALL, &err));
    tx_clear(&stx);
    keypath_free(&k);
}
END_TEST

/* The BIP 341 digests of the spent amounts and scripts are computed only
 * when a spent output may be taproot (as Core): the same vectors' digests
 * whichever input it is, with or without a TOKENS extension prefix, and
 * none (taproot hashing refused) when no spent output can be taproot. */
START_TEST(taproot_digests_only_for_taproot_spends)
{
    struct keypath k;
    keypath_load(&k);
    ck_assert(k.pre.spent_ready && k.pre.taproot_ready);
    uint8_t want_amounts[32], want_spks[32], h[32];
    memcpy(want_amounts, k.pre.sha_amounts, 32);
    memcpy(want_spks, k.pre.sha_scriptpubkeys, 32);
    size_t ntap = 0;
    for (size_t i = 0; i < k.n; i++) {
        const struct bytes *spk = &k.spent[i].script_pubkey;
        bool tap = spk->len == 34 && spk->data[0] == 0x51 && spk->data[1] == 0x20;
        ntap += tap;
        if (!tap)
            continue;
        /* Only input i spends a taproot output: the digests are still computed. */
        struct txout *only = mem_calloc(k.n, sizeof(*only));
        static const uint8_t p2wpkh[22] = { 0x00, 0x14 };
        for (size_t j = 0; j < k.n; j++) {
            only[j] = k.spent[j];
            if (j != i && k.spent[j].script_pubkey.len == 34 && k.spent[j].script_pubkey.data[0] == 0x51)
                only[j].script_pubkey = (struct bytes){ (uint8_t *)p2wpkh, sizeof(p2wpkh) };
        }
        struct tx_precomputed pre;
        tx_precomputed_init(&pre, &k.tx, only, k.n);
        ck_assert(pre.taproot_ready);
        ck_assert(sighash_taproot(h, &k.tx, i, SIGHASH_DEFAULT, SIGVERSION_TAPROOT, &NO_ANNEX, &pre));
        /* The same with the taproot output behind an extension prefix (any bytes before the program). */
        uint8_t prefixed[3 + 34] = { 0xee, 0x01, 0x02 };
        memcpy(prefixed + 3, spk->data, 34);
        only[i].script_pubkey = (struct bytes){ prefixed, sizeof(prefixed) };
        tx_precomputed_init(&pre, &k.tx, only, k.n);
        ck_assert(pre.taproot_ready);
        mem_free(only);
    }
    ck_assert_uint_gt(ntap, 0);
    ck_assert(ntap < k.n);

    /* No spent output may be taproot: spent outputs known, taproot refused, BIP 143 unchanged. */
    struct txout *none = mem_calloc(k.n, sizeof(*none));
    static const uint8_t p2wsh_like[34] = { 0x00, 0x20 };
    for (size_t j = 0; j < k.n; j++) {
        none[j] = k.spent[j];
        if (k.spent[j].script_pubkey.len == 34 && k.spent[j].script_pubkey.data[0] == 0x51)
            none[j].script_pubkey = (struct bytes){ (uint8_t *)p2wsh_like, sizeof(p2wsh_like) };
    }
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &k.tx, none, k.n);
    ck_assert(pre.spent_ready && !pre.taproot_ready);
    ck_assert(!sighash_taproot(h, &k.tx, 0, SIGHASH_DEFAULT, SIGVERSION_TAPROOT, &NO_ANNEX, &pre));
    ck_assert(memcmp(pre.hash_prevouts, k.pre.hash_prevouts, 32) == 0);
    ck_assert(memcmp(pre.hash_outputs, k.pre.hash_outputs, 32) == 0);
    mem_free(none);
    /* The full set again gives the vectors' digests. */
    tx_precomputed_init(&pre, &k.tx, k.spent, k.n);
    ck_assert(memcmp(pre.sha_amounts, want_amounts, 32) == 0);
    ck_assert(memcmp(pre.sha_scriptpubkeys, want_spks, 32) == 0);
    keypath_free(&k);
}
END_TEST

START_TEST(bip341_hash_type_rules)
{
    struct keypath k;
    keypath_load(&k);
    uint8_t h[32];
    static const uint8_t good[] = { 0x00, 0x01, 0x02, 0x03, 0x81, 0x82, 0x83 };
    for (size_t i = 0; i < sizeof(good); i++)
        ck_assert(sighash_taproot(h, &k.tx, 0, good[i], SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    static const uint8_t bad[] = { 0x04, 0x80, 0x84, 0x41, 0xff, 0x10 };
    for (size_t i = 0; i < sizeof(bad); i++)
        ck_assert(!sighash_taproot(h, &k.tx, 0, bad[i], SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    /* SIGHASH_SINGLE needs an output at the input's index (2 outputs here). */
    ck_assert(sighash_taproot(h, &k.tx, 1, SIGHASH_SINGLE, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    ck_assert(!sighash_taproot(h, &k.tx, 3, SIGHASH_SINGLE, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    ck_assert(!sighash_taproot(h, &k.tx, 3, 0x83, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    /* Not a taproot sigversion, index out of range, annex state unknown. */
    ck_assert(!sighash_taproot(h, &k.tx, 0, 0, SIGVERSION_WITNESS_V0, &NO_ANNEX, &k.pre));
    ck_assert(!sighash_taproot(h, &k.tx, 9, 0, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    struct script_exec_data unknown = { 0 };
    ck_assert(!sighash_taproot(h, &k.tx, 0, 0, SIGVERSION_TAPROOT, &unknown, &k.pre));

    /* The annex and the tapscript fields each change the hash (BIP 341/342). */
    uint8_t base[32], other[32];
    ck_assert(sighash_taproot(base, &k.tx, 0, 0, SIGVERSION_TAPROOT, &NO_ANNEX, &k.pre));
    struct script_exec_data annex = NO_ANNEX;
    annex.annex_present = true;
    memset(annex.annex_hash, 0x5a, 32);
    ck_assert(sighash_taproot(other, &k.tx, 0, 0, SIGVERSION_TAPROOT, &annex, &k.pre));
    ck_assert(memcmp(base, other, 32) != 0);
    struct script_exec_data ts = NO_ANNEX;
    ck_assert(!sighash_taproot(other, &k.tx, 0, 0, SIGVERSION_TAPSCRIPT, &ts, &k.pre)); /* leaf not set */
    ts.tapleaf_hash_init = true;
    ts.codeseparator_pos_init = true;
    ts.codeseparator_pos = 0xffffffffu;
    uint8_t t1[32], t2[32];
    ck_assert(sighash_taproot(t1, &k.tx, 0, 0, SIGVERSION_TAPSCRIPT, &ts, &k.pre));
    ck_assert(memcmp(base, t1, 32) != 0);
    ts.codeseparator_pos = 3;
    ck_assert(sighash_taproot(t2, &k.tx, 0, 0, SIGVERSION_TAPSCRIPT, &ts, &k.pre));
    ck_assert(memcmp(t1, t2, 32) != 0);
    /* The tapscript SigMsg ends with leaf hash, key_version 0, codesep position. */
    struct wbuf msg;
    wbuf_init(&msg);
    ck_assert(sighash_taproot_msg(&msg, &k.tx, 0, 0, SIGVERSION_TAPSCRIPT, &ts, &k.pre));
    ck_assert_uint_ge(msg.len, 37);
    static const uint8_t tail[5] = { 0x00, 0x03, 0x00, 0x00, 0x00 };
    ck_assert(memcmp(msg.data + msg.len - 5, tail, 5) == 0);
    ck_assert_uint_eq(msg.data[msg.len - 42], 0x01 << 1); /* spend_type: ext_flag 1, no annex */
    wbuf_clear(&msg);
    keypath_free(&k);
}
END_TEST

START_TEST(tapleaf_hash_vector)
{
    /* BIP 341 wallet vectors, scriptPubKey[1]: one leaf, version 0xc0. */
    size_t len;
    uint8_t *script = unhex("20d85a959b0290bf19bb89ed43c916be835475d013da4b362117393e25a48229b8ac", &len);
    uint8_t h[32];
    sighash_tapleaf_hash(h, TAPROOT_LEAF_TAPSCRIPT, script, len);
    assert_hex(h, 32, "5b75adecf53548f3ec6ad7d78383bf84cc57b55a3127c72b9a2481752dd88b21");
    mem_free(script);
    script = unhex("06424950333431", &len);
    sighash_tapleaf_hash(h, 0xfa, script, len);
    assert_hex(h, 32, "f224a923cd0021ab202ab139cc56802ddb92dcfc172b9212261a539df79a112a");
    mem_free(script);
}
END_TEST

/* ---- the checker's own rules ---------------------------------------- */

START_TEST(checker_schnorr_errors)
{
    keys_init();
    struct keypath k;
    keypath_load(&k);
    /* Input 0 of the vectors: hash type 3, a 65-byte signature. */
    size_t sig_len;
    uint8_t *sig = unhex("ed7c1647cb97379e76892be0cacff57ec4a7102aa24296ca39af7541246d8ff14d38958d4cc1e2e478e4d4a764bbfd"
                         "835b16d4e314b72937b29833060b87276c03",
                         &sig_len);
    ck_assert_uint_eq(sig_len, 65);
    const uint8_t *pub = k.spent[0].script_pubkey.data + 2;
    struct tx_sig_checker tc;
    struct sig_checker c;
    tx_sig_checker_init(&tc, &c, &k.tx, 0, k.spent[0].value, &k.pre, 0);
    ck_assert_ptr_eq(c.ctx, &tc);
    enum script_error err = SCRIPT_ERR_OK;
    ck_assert(c.check_schnorr(c.ctx, sig, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_OK);

    ck_assert(!c.check_schnorr(c.ctx, sig, 64, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG); /* same bytes read as SIGHASH_DEFAULT */
    static const size_t bad_sizes[] = { 0, 1, 63, 66, 72 };
    uint8_t big[72] = { 0 };
    memcpy(big, sig, 65);
    for (size_t i = 0; i < sizeof(bad_sizes) / sizeof(bad_sizes[0]); i++) {
        err = SCRIPT_ERR_OK;
        ck_assert(!c.check_schnorr(c.ctx, big, bad_sizes[i], pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
        ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG_SIZE);
    }
    /* An explicit 0x00 type is not allowed; neither are undefined types. */
    big[64] = 0x00;
    ck_assert(!c.check_schnorr(c.ctx, big, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    big[64] = 0x04;
    ck_assert(!c.check_schnorr(c.ctx, big, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    /* Another valid type: hashes fine, signature does not match. */
    big[64] = 0x01;
    ck_assert(!c.check_schnorr(c.ctx, big, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG);
    /* A flipped bit. */
    big[64] = 0x03;
    big[10] ^= 1;
    ck_assert(!c.check_schnorr(c.ctx, big, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG);
    /* SIGHASH_SINGLE from an input without a matching output. */
    tx_sig_checker_init(&tc, &c, &k.tx, 3, k.spent[3].value, &k.pre, 0);
    ck_assert(!c.check_schnorr(c.ctx, sig, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_SCHNORR_SIG_HASHTYPE);
    /* Spent outputs unknown. */
    struct tx_precomputed bare;
    tx_precomputed_init(&bare, &k.tx, NULL, 0);
    tx_sig_checker_init(&tc, &c, &k.tx, 0, k.spent[0].value, &bare, 0);
    ck_assert(!c.check_schnorr(c.ctx, sig, 65, pub, SIGVERSION_TAPROOT, &NO_ANNEX, &err));
    /* ECDSA never applies to taproot sigversions; empty signatures fail. */
    tx_sig_checker_init(&tc, &c, &k.tx, 0, k.spent[0].value, &k.pre, 0);
    ck_assert(!c.check_ecdsa(c.ctx, sig, 65, pub, 32, NULL, 0, SIGVERSION_TAPROOT));
    ck_assert(!c.check_ecdsa(c.ctx, sig, 0, pub, 32, NULL, 0, SIGVERSION_BASE));
    mem_free(sig);
    keypath_free(&k);
}
END_TEST

static bool locktime_ok(uint32_t tx_locktime, uint32_t sequence, int64_t arg)
{
    struct tx tx;
    two_in_one_out(&tx);
    tx.locktime = tx_locktime;
    tx.vin[0].sequence = sequence;
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, NULL, 0);
    struct tx_sig_checker tc;
    struct sig_checker c;
    tx_sig_checker_init(&tc, &c, &tx, 0, 0, &pre, 0);
    bool r = c.check_locktime(c.ctx, arg);
    tx_clear(&tx);
    return r;
}

static bool sequence_ok(int32_t version, uint32_t sequence, int64_t arg)
{
    struct tx tx;
    two_in_one_out(&tx);
    tx.version = version;
    tx.vin[0].sequence = sequence;
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, NULL, 0);
    struct tx_sig_checker tc;
    struct sig_checker c;
    tx_sig_checker_init(&tc, &c, &tx, 0, 0, &pre, 0);
    bool r = c.check_sequence(c.ctx, arg);
    tx_clear(&tx);
    return r;
}

START_TEST(checker_locktime)
{
    /* Heights against heights. */
    ck_assert(locktime_ok(100, 0, 100));
    ck_assert(locktime_ok(100, 0, 0));
    ck_assert(!locktime_ok(100, 0, 101));
    /* Times against times; mixing kinds fails. */
    ck_assert(locktime_ok(LOCKTIME_THRESHOLD + 10, 0, LOCKTIME_THRESHOLD));
    ck_assert(!locktime_ok(LOCKTIME_THRESHOLD + 10, 0, LOCKTIME_THRESHOLD + 11));
    ck_assert(!locktime_ok(LOCKTIME_THRESHOLD + 10, 0, 5));
    ck_assert(!locktime_ok(100, 0, LOCKTIME_THRESHOLD));
    ck_assert(locktime_ok(0xffffffffu, 0, 0xffffffffLL));
    /* A final input disables nLockTime, so CLTV must fail. */
    ck_assert(!locktime_ok(100, SEQUENCE_FINAL, 50));
    ck_assert(locktime_ok(100, SEQUENCE_FINAL - 1, 50));
}
END_TEST

START_TEST(checker_sequence)
{
    const uint32_t type = UINT32_C(1) << 22, disable = UINT32_C(1) << 31;
    ck_assert(sequence_ok(2, 10, 10));
    ck_assert(sequence_ok(2, 10, 0));
    ck_assert(!sequence_ok(2, 10, 11));
    /* BIP 68 needs version 2 or more, compared unsigned (so -1 qualifies). */
    ck_assert(!sequence_ok(1, 10, 10));
    ck_assert(!sequence_ok(0, 10, 10));
    ck_assert(sequence_ok(-1, 10, 10));
    /* Disabled relative lock on the input. */
    ck_assert(!sequence_ok(2, disable | 10, 10));
    /* Time-based against time-based only. */
    ck_assert(sequence_ok(2, type | 10, type | 5));
    ck_assert(!sequence_ok(2, type | 10, 5));
    ck_assert(!sequence_ok(2, 10, type | 5));
    /* Bits outside the type flag and the low 16 are ignored on both sides. */
    ck_assert(sequence_ok(2, (1u << 20) | 10, (1 << 21) | 10));
    ck_assert(sequence_ok(2, 10, (INT64_C(1) << 32) | 10));
    ck_assert(sequence_ok(2, 0xffff, 0x1ffff));
}
END_TEST

/* ---- the legacy sighash budget (RELIABILITY.md #29, CVE-2025-46598) ---- */

/* A legacy transaction of 200 inputs; input 0 spends `spk`, which runs many
 * OP_CHECKSIGs (their results dropped: valid in a block, non-standard). Returns
 * what verifying input 0 serialised; asserts the script passes. */
static struct sighash_legacy_cache run_checks(const uint8_t *spk, size_t spk_len, size_t *tx_bytes)
{
    struct tx tx;
    tx_init(&tx);
    for (uint32_t i = 0; i < 200; i++) {
        struct outpoint op;
        memset(&op, (int)(i & 0xff), sizeof(op));
        op.n = i;
        tx_add_input(&tx, &op, NULL, 0, 0xffffffffu);
    }
    static const uint8_t burn[] = { 0x6a };
    tx_add_output(&tx, 1000, burn, sizeof(burn));
    tx_add_output(&tx, 2000, burn, sizeof(burn));
    tx_update_hashes(&tx);
    *tx_bytes = tx_size(&tx, false);
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &tx, NULL, 0);
    struct tx_sig_checker tc;
    struct sig_checker c;
    tx_sig_checker_init(&tc, &c, &tx, 0, 0, &pre, CONSENSUS_FLAGS);
    enum script_error err = SCRIPT_ERR_OK;
    struct witness none;
    memset(&none, 0, sizeof(none));
    bool ok = script_verify(NULL, 0, spk, spk_len, &none, CONSENSUS_FLAGS, &c, &err);
    ck_assert_msg(ok, "script failed: %s", script_error_string(err));
    tx_clear(&tx);
    return tc.legacy;
}

/* Appends a push of n bytes (n < 76). */
static size_t push(uint8_t *out, const uint8_t *p, size_t n)
{
    out[0] = (uint8_t)n;
    memcpy(out + 1, p, n);
    return n + 1;
}

START_TEST(legacy_sighash_budget)
{
    keys_init();
    uint8_t sk[32], pub[33], msg[32], sig[2][73];
    memset(sk, 0x11, sizeof(sk));
    memset(msg, 0x22, sizeof(msg));
    size_t publen = sizeof(pub), siglen[2];
    ck_assert(keys_pubkey_create(pub, &publen, sk, true));
    for (int i = 0; i < 2; i++) {
        ck_assert(keys_ecdsa_sign(sig[i], &siglen[i], msg, sk)); /* strict DER; signs something else */
        sig[i][siglen[i]++] = i == 0 ? SIGHASH_ALL : (SIGHASH_NONE | SIGHASH_ANYONECANPAY);
    }
    uint8_t spk[1000];
    size_t n, tx_bytes;
    struct sighash_legacy_cache r;

    /* 66 checks of one signature: 199 counted opcodes (the limit is 201). */
    n = push(spk, sig[0], siglen[0]);
    n += push(spk + n, pub, publen);
    for (int i = 0; i < 66; i++) {
        spk[n++] = OP_2DUP;
        spk[n++] = OP_CHECKSIG;
        spk[n++] = OP_DROP;
    }
    spk[n++] = OP_2DROP;
    spk[n++] = OP_1;
    r = run_checks(spk, n, &tx_bytes);
    /* The budget: one serialisation of the transaction (its size, with this
     * script code in place of input 0's empty scriptSig), not 66. */
    ck_assert_uint_eq(r.serialized, 1);
    ck_assert_uint_le(r.serialized_bytes, tx_bytes + n + 3);

    /* Two kinds of hash type, alternating: one serialisation each. */
    n = push(spk, sig[0], siglen[0]);
    n += push(spk + n, sig[1], siglen[1]);
    n += push(spk + n, pub, publen);
    for (int i = 0; i < 27; i++) { /* 7 counted opcodes each */
        static const uint8_t check[] = { OP_2, OP_PICK, OP_OVER, OP_CHECKSIG, OP_DROP, OP_2DUP, OP_CHECKSIG, OP_DROP };
        memcpy(spk + n, check, sizeof(check)); /* sig[0] with pub, then sig[1] with pub */
        n += sizeof(check);
    }
    spk[n++] = OP_2DROP;
    spk[n++] = OP_DROP;
    spk[n++] = OP_1;
    r = run_checks(spk, n, &tx_bytes);
    ck_assert_uint_eq(r.serialized, 2);

    /* OP_CODESEPARATOR changes the script code each time: each check serialises
     * again (Core's cache does the same; the opcode limit bounds it). */
    n = push(spk, sig[0], siglen[0]);
    n += push(spk + n, pub, publen);
    for (int i = 0; i < 49; i++) {
        spk[n++] = OP_2DUP;
        spk[n++] = OP_CODESEPARATOR;
        spk[n++] = OP_CHECKSIG;
        spk[n++] = OP_DROP;
    }
    spk[n++] = OP_2DROP;
    spk[n++] = OP_1;
    r = run_checks(spk, n, &tx_bytes);
    ck_assert_uint_eq(r.serialized, 49);
}
END_TEST

static Suite *sighash_suite(void)
{
    Suite *s = suite_create("sighash");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, sighash_json);
    tcase_add_test(tc, legacy_single_bug_and_range);
    tcase_add_test(tc, legacy_codeseparator_removal);
    tcase_add_test(tc, bip143_examples);
    tcase_add_test(tc, bip143_signed_transactions);
    tcase_add_test(tc, bip341_keypath_vectors);
    tcase_add_test(tc, bip341_hash_type_rules);
    tcase_add_test(tc, taproot_digests_only_for_taproot_spends);
    tcase_add_test(tc, tapleaf_hash_vector);
    tcase_add_test(tc, checker_schnorr_errors);
    tcase_add_test(tc, checker_locktime);
    tcase_add_test(tc, checker_sequence);
    tcase_add_test(tc, legacy_sighash_budget);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sighash_suite)
