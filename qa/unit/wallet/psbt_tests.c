/* PSBT (BIP 174 v0, BIP 371 fields): the invalid vectors of BIP 174/370/371
 * as collected in Bitcoin Core's rpc_psbt.json (qa/data/psbt_invalid.txt),
 * BIP 174's first valid vector, round trips, bounds and merging. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/base64.h"
#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "wallet/psbt.h"
#include "wallet/psbt_sign.h"
#include "wallet/tx_sign.h"

/* BIP 174 valid vector "PSBT with one P2PKH input. Outputs are empty". */
static const char VALID_P2PKH[] =
    "cHNidP8BAHUCAAAAASaBcTce3/KF6Tet7qSze3gADAVmy7OtZGQXE8pCFxv2AAAAAAD+////AtPf9QUAAAAAGXapFNDFmQPFusKGh2DpD9UhpGZap2UgiKwA4fUFAAAAABepFDVF5uM7gyxHBQ8k0+65PJwDlIvHh7MuEwAAAQD9pQEBAAAAAAECiaPHHqtNIOA3G7ukzGmPopXJRjr6Ljl/hTPMti+VZ+UBAAAAFxYAFL4Y0VKpsBIDna89p95PUzSe7LmF/////4b4qkOnHf8USIk6UwpyN+9rRgi7st0tAXHmOuxqSJC0AQAAABcWABT+Pp7xp0XpdNkCxDVZQ6vLNL1TU/////8CAMLrCwAAAAAZdqkUhc/xCX/Z4Ai7NK9wnGIZeziXikiIrHL++E4sAAAAF6kUM5cluiHv1irHU6m80GfWx6ajnQWHAkcwRAIgJxK+IuAnDzlPVoMR3HyppolwuAJf3TskAinwf4pfOiQCIAGLONfc0xTnNMkna9b7QPZzMlvEuqFEyADS8vAtsnZcASED0uFWdJQbrUqZY3LLh+GFbTZSYG2YVi/jnF6efkE/IQUCSDBFAiEA0SuFLYXc2WHS9fSrZgZU327tzHlMDDPOXMMJ/7X85Y0CIGczio4OFyXBl/saiK9Z9R5E5CVbIBZ8hoQDHAXR8lkqASECI7cr7vCWXRC+B3jv7NYfysb3mk6haTkzgHNEZPhPKrMAAAAAAAAA";

START_TEST(test_invalid_vectors)
{
    FILE *f = fopen(UNIT_DATA("psbt_invalid.txt"), "r");
    ck_assert_ptr_nonnull(f);
    static char line[20000];
    int n = 0;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        struct psbt p;
        char err[200];
        bool ok = psbt_decode_base64(&p, line, err, sizeof(err));
        if (ok)
            fprintf(stderr, "accepted invalid vector %d: %s\n", n, line);
        else if (getenv("PSBT_TEST_VERBOSE"))
            fprintf(stderr, "vector %d: %s\n", n, err);
        ck_assert(!ok);
        ck_assert(err[0] != '\0');
        n++;
    }
    fclose(f);
    ck_assert_int_ge(n, 30);
}
END_TEST

START_TEST(test_valid_round_trip)
{
    struct psbt p;
    char err[200];
    ck_assert_msg(psbt_decode_base64(&p, VALID_P2PKH, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(p.tx.vin_count, 1);
    ck_assert_uint_eq(p.tx.vout_count, 2);
    ck_assert_ptr_nonnull(psbt_map_get_type(&p.inputs[0], PSBT_IN_NON_WITNESS_UTXO));
    struct txout utxo;
    ck_assert(psbt_input_utxo(&p, 0, &utxo));
    ck_assert_int_gt(utxo.value, 0);
    txout_clear(&utxo);
    ck_assert(!psbt_input_is_final(&p, 0));
    char *b64 = psbt_to_base64(&p);
    ck_assert_str_eq(b64, VALID_P2PKH);
    mem_free(b64);
    psbt_clear(&p);
}
END_TEST

static void make_tx(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0x11, sizeof(op));
    op.n = 0;
    (void)tx_add_input(tx, &op, NULL, 0, 0xfffffffd);
    static const uint8_t spk[22] = { 0x00, 0x14 };
    (void)tx_add_output(tx, 50000, spk, sizeof(spk));
    tx_update_hashes(tx);
}

START_TEST(test_trailing_and_truncated)
{
    struct psbt p, q;
    char err[200];
    ck_assert(psbt_decode_base64(&p, VALID_P2PKH, err, sizeof(err)));
    struct wbuf w;
    wbuf_init(&w);
    psbt_serialize(&w, &p);
    /* every strict prefix fails */
    for (size_t n = 0; n < w.len; n += 7) {
        ck_assert(!psbt_parse(&q, w.data, n, err, sizeof(err)));
    }
    ck_assert(psbt_parse(&q, w.data, w.len, err, sizeof(err)));
    psbt_clear(&q);
    wbuf_u8(&w, 0x00);
    ck_assert(!psbt_parse(&q, w.data, w.len, err, sizeof(err)));
    ck_assert_str_eq(err, "extra data after PSBT");
    wbuf_clear(&w);
    psbt_clear(&p);
}
END_TEST

START_TEST(test_size_cap)
{
    struct psbt p;
    char err[200];
    size_t n = PSBT_MAX_SIZE + 1;
    uint8_t *big = mem_calloc(n, 1);
    memcpy(big, "psbt\xff", 5);
    ck_assert(!psbt_parse(&p, big, n, err, sizeof(err)));
    ck_assert(strstr(err, "larger") != NULL);
    mem_free(big);
    /* A key length claiming more than remains allocates nothing and fails. */
    static const uint8_t lie[] = { 'p', 's', 'b', 't', 0xff, 0xfe, 0xff, 0xff, 0xff, 0x01, 0x00 };
    ck_assert(!psbt_parse(&p, lie, sizeof(lie), err, sizeof(err)));
}
END_TEST

START_TEST(test_from_tx_merge)
{
    struct tx tx;
    make_tx(&tx);
    struct psbt a, b;
    ck_assert(psbt_from_tx(&a, &tx));
    ck_assert(psbt_from_tx(&b, &tx));
    static const uint8_t wutxo[] = { 0x50, 0xc3, 0, 0, 0, 0, 0, 0, 0x16, 0x00, 0x14, [30] = 0 };
    psbt_map_set(&a.inputs[0], (const uint8_t[]){ PSBT_IN_WITNESS_UTXO }, 1, wutxo, sizeof(wutxo));
    uint8_t sighash[4] = { 1, 0, 0, 0 };
    psbt_map_set(&b.inputs[0], (const uint8_t[]){ PSBT_IN_SIGHASH }, 1, sighash, 4);
    ck_assert(psbt_merge(&a, &b));
    ck_assert_uint_eq(a.inputs[0].count, 2);
    /* merging again adds nothing */
    ck_assert(psbt_merge(&a, &b));
    ck_assert_uint_eq(a.inputs[0].count, 2);
    /* round trip of the merged PSBT */
    char *b64 = psbt_to_base64(&a);
    struct psbt c;
    char err[200];
    ck_assert_msg(psbt_decode_base64(&c, b64, err, sizeof(err)), "%s", err);
    struct txout u;
    ck_assert(psbt_input_utxo(&c, 0, &u));
    ck_assert_int_eq(u.value, 50000);
    txout_clear(&u);
    mem_free(b64);
    /* a different transaction does not merge */
    struct tx tx2;
    make_tx(&tx2);
    tx2.locktime = 5;
    tx_update_hashes(&tx2);
    struct psbt d;
    ck_assert(psbt_from_tx(&d, &tx2));
    ck_assert(!psbt_merge(&c, &d));
    /* duplicate key in a map is refused */
    struct wbuf w;
    wbuf_init(&w);
    psbt_serialize(&w, &b);
    /* b's input map: sighash pair then separator; insert the pair twice */
    uint8_t *dup = mem_alloc(w.len + 7);
    size_t sep = w.len - 2; /* input separator, then output separator */
    memcpy(dup, w.data, sep);
    memcpy(dup + sep, w.data + sep - 7, 7);
    memcpy(dup + sep + 7, w.data + sep, 2);
    psbt_clear(&c);
    ck_assert(!psbt_parse(&c, dup, w.len + 7, err, sizeof(err)));
    ck_assert(strstr(err, "Duplicate Key") != NULL);
    mem_free(dup);
    wbuf_clear(&w);
    /* a signed transaction cannot become a PSBT */
    txin_witness_push(&tx2.vin[0], (const uint8_t *)"x", 1);
    struct psbt e;
    ck_assert(!psbt_from_tx(&e, &tx2));
    psbt_clear(&a);
    psbt_clear(&b);
    psbt_clear(&c);
    psbt_clear(&d);
    tx_clear(&tx);
    tx_clear(&tx2);
}
END_TEST


/* Signer then finalizer then extractor on a P2WPKH input: the signer with
 * the key leaves one partial signature (finalize off); the finalizer with no
 * key completes the input from that signature alone; the extracted
 * transaction verifies under the standard flags. */
START_TEST(test_sign_finalize_extract)
{
    uint8_t sec[32];
    memset(sec, 0x42, 32);
    uint8_t pub[33];
    size_t pub_len;
    ck_assert(keys_pubkey_create(pub, &pub_len, sec, true));
    uint8_t h[20];
    ripemd160_hash160(h, pub, pub_len);
    uint8_t spk[22] = { 0x00, 0x14 };
    memcpy(spk + 2, h, 20);
    struct tx tx;
    make_tx(&tx);
    struct psbt p;
    ck_assert(psbt_from_tx(&p, &tx));
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u64le(&w, 100000);
    wbuf_var_bytes(&w, spk, sizeof(spk));
    psbt_map_set(&p.inputs[0], (const uint8_t[]){ PSBT_IN_WITNESS_UTXO }, 1, w.data, w.len);
    wbuf_clear(&w);
    struct tx_signer s;
    tx_signer_init(&s, false);
    ck_assert(tx_signer_add_key(&s, sec, true));
    bool complete = true;
    char err[128];
    ck_assert(psbt_sign(&p, &s, SIGHASH_ALL, false, &complete, false, err, sizeof(err)));
    ck_assert(complete);
    ck_assert(!psbt_input_is_final(&p, 0));
    uint8_t key[34] = { PSBT_IN_PARTIAL_SIG };
    memcpy(key + 1, pub, 33);
    ck_assert_ptr_nonnull(psbt_map_get(&p.inputs[0], key, sizeof(key)));
    struct tx out;
    ck_assert(!psbt_extract(&p, &out));
    tx_signer_clear(&s);
    /* finalize from the partial signature alone */
    psbt_finalize(&p, false, &complete);
    ck_assert(complete);
    ck_assert(psbt_input_is_final(&p, 0));
    ck_assert_ptr_null(psbt_map_get(&p.inputs[0], key, sizeof(key)));
    ck_assert(psbt_extract(&p, &out));
    ck_assert_uint_eq(out.vin[0].witness.count, 2);
    struct txout spent = { 100000, { spk, sizeof(spk) } };
    struct tx_precomputed pre;
    tx_precomputed_init(&pre, &out, &spent, 1);
    struct tx_sig_checker tc;
    struct sig_checker checker;
    tx_sig_checker_init(&tc, &checker, &out, 0, 100000, &pre, TX_SIGN_STANDARD_FLAGS);
    enum script_error se = SCRIPT_ERR_OK;
    ck_assert(script_verify(bytes_empty, 0, spk, sizeof(spk), &out.vin[0].witness, TX_SIGN_STANDARD_FLAGS, &checker,
                            &se));
    /* a tampered signature does not verify */
    out.vin[0].witness.items[0].data[10] ^= 1;
    tx_sig_checker_init(&tc, &checker, &out, 0, 100000, &pre, TX_SIGN_STANDARD_FLAGS);
    ck_assert(!script_verify(bytes_empty, 0, spk, sizeof(spk), &out.vin[0].witness, TX_SIGN_STANDARD_FLAGS, &checker,
                             &se));
    tx_clear(&out);
    psbt_clear(&p);
    tx_clear(&tx);
}
END_TEST

static Suite *psbt_suite(void)
{
    Suite *s = suite_create("psbt");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_invalid_vectors);
    tcase_add_test(tc, test_valid_round_trip);
    tcase_add_test(tc, test_trailing_and_truncated);
    tcase_add_test(tc, test_size_cap);
    tcase_add_test(tc, test_from_tx_merge);
    tcase_add_test(tc, test_sign_finalize_extract);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(psbt_suite)
