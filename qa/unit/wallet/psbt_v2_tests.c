/* PSBT version 2 (BIP 370): BIP 370's valid, invalid and locktime vectors
 * (qa/data/psbt_v2.txt), the transaction a version 2 PSBT describes,
 * conversion between versions 0 and 2, and the parser's bounds. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/base64.h"
#include "src/util/hex.h"
#include "wallet/psbt.h"
#include "wallet/psbt_v2.h"

/* BIP 370 "1 input, 2 output PSBTv2, required fields only". */
static const char V2_REQUIRED[] =
    "cHNidP8BAgQCAAAAAQQBAQEFAQIB+wQCAAAAAAEOIAsK2SFBnByHGXNdctxzn56p4GONH+TB7vD5lECEgV/IAQ8EAAAAAAABAwgACK8vAAAAAAEE"
    "FgAUxDD2TEdW2jENvRoIVXLvKZkmJywAAQMIi73rCwAAAAABBBYAFE3Rk6yWSlasG54cyoRU/i9HT4UTAA==";
/* BIP 174 "PSBT with one P2PKH input. Outputs are empty" (tx version 2, locktime 1257139). */
static const char V0_P2PKH[] =
    "cHNidP8BAHUCAAAAASaBcTce3/KF6Tet7qSze3gADAVmy7OtZGQXE8pCFxv2AAAAAAD+////AtPf9QUAAAAAGXapFNDFmQPFusKGh2DpD9UhpGZap2Ug"
    "iKwA4fUFAAAAABepFDVF5uM7gyxHBQ8k0+65PJwDlIvHh7MuEwAAAQD9pQEBAAAAAAECiaPHHqtNIOA3G7ukzGmPopXJRjr6Ljl/hTPMti+VZ+UBAAAA"
    "FxYAFL4Y0VKpsBIDna89p95PUzSe7LmF/////4b4qkOnHf8USIk6UwpyN+9rRgi7st0tAXHmOuxqSJC0AQAAABcWABT+Pp7xp0XpdNkCxDVZQ6vLNL1T"
    "U/////8CAMLrCwAAAAAZdqkUhc/xCX/Z4Ai7NK9wnGIZeziXikiIrHL++E4sAAAAF6kUM5cluiHv1irHU6m80GfWx6ajnQWHAkcwRAIgJxK+IuAnDzlP"
    "VoMR3HyppolwuAJf3TskAinwf4pfOiQCIAGLONfc0xTnNMkna9b7QPZzMlvEuqFEyADS8vAtsnZcASED0uFWdJQbrUqZY3LLh+GFbTZSYG2YVi/jnF6e"
    "fkE/IQUCSDBFAiEA0SuFLYXc2WHS9fSrZgZU327tzHlMDDPOXMMJ/7X85Y0CIGczio4OFyXBl/saiK9Z9R5E5CVbIBZ8hoQDHAXR8lkqASECI7cr7vCW"
    "XRC+B3jv7NYfysb3mk6haTkzgHNEZPhPKrMAAAAAAAAA";

static void serialize(struct wbuf *w, const struct psbt *p)
{
    wbuf_init(w);
    psbt_serialize(w, p);
}

/* Parses, serialises, parses again: the second serialisation is the first. */
static void check_stable(const struct psbt *p)
{
    struct wbuf a, b;
    serialize(&a, p);
    struct psbt q;
    char err[200];
    ck_assert_msg(psbt_parse(&q, a.data, a.len, err, sizeof(err)), "re-parse: %s", err);
    ck_assert_uint_eq(q.version, p->version);
    ck_assert_mem_eq(q.tx.txid.b, p->tx.txid.b, 32);
    serialize(&b, &q);
    ck_assert_uint_eq(a.len, b.len);
    ck_assert_mem_eq(a.data, b.data, a.len);
    wbuf_clear(&a);
    wbuf_clear(&b);
    psbt_clear(&q);
}

START_TEST(test_bip370_vectors)
{
    FILE *f = fopen(UNIT_DATA("psbt_v2.txt"), "r");
    ck_assert_ptr_nonnull(f);
    static char line[20000];
    int n_invalid = 0, n_valid = 0, n_locktime = 0, n_none = 0;
    while (fgets(line, sizeof(line), f)) {
        size_t len = strlen(line);
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0 || line[0] == '#')
            continue;
        char *b64 = strchr(line, ' ');
        ck_assert_ptr_nonnull(b64);
        *b64++ = '\0';
        struct psbt p;
        char err[200];
        bool ok = psbt_decode_base64(&p, b64, err, sizeof(err));
        if (getenv("PSBT_TEST_VERBOSE"))
            fprintf(stderr, "%s: %s\n", line, ok ? "parsed" : err);
        if (strcmp(line, "invalid") == 0 || strcmp(line, "nolocktime") == 0) {
            ck_assert_msg(!ok, "accepted %s vector %s", line, b64);
            ck_assert(err[0] != '\0');
            if (line[0] == 'n') {
                ck_assert_ptr_nonnull(strstr(err, "locktime"));
                n_none++;
            } else {
                n_invalid++;
            }
            continue;
        }
        ck_assert_msg(ok, "rejected %s vector: %s", line, err);
        ck_assert_uint_eq(p.version, 2);
        ck_assert_int_eq(p.tx.version, 2);
        if (strncmp(line, "locktime=", 9) == 0) {
            ck_assert_uint_eq(p.tx.locktime, (uint32_t)strtoul(line + 9, NULL, 10));
            n_locktime++;
        } else {
            ck_assert_str_eq(line, "valid");
            n_valid++;
        }
        check_stable(&p);
        psbt_clear(&p);
    }
    fclose(f);
    ck_assert_int_ge(n_invalid, 14);
    ck_assert_int_ge(n_valid, 5);
    ck_assert_int_ge(n_locktime, 10);
    ck_assert_int_eq(n_none, 1);
}
END_TEST

/* The fields of BIP 370's smallest valid PSBT become a transaction. */
START_TEST(test_v2_transaction)
{
    struct psbt p;
    char err[200];
    ck_assert_msg(psbt_decode_base64(&p, V2_REQUIRED, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(p.tx.vin_count, 1);
    ck_assert_uint_eq(p.tx.vout_count, 2);
    uint8_t txid[32];
    size_t n;
    ck_assert(hex_decode(txid, sizeof(txid), &n, "0b0ad921419c1c8719735d72dc739f9ea9e0638d1fe4c1eef0f9944084815fc8"));
    ck_assert_mem_eq(p.tx.vin[0].prevout.txid.b, txid, 32);
    ck_assert_uint_eq(p.tx.vin[0].prevout.n, 0);
    ck_assert_uint_eq(p.tx.vin[0].sequence, SEQUENCE_FINAL); /* absent: final */
    ck_assert_int_eq(p.tx.vout[0].value, 800000000);
    ck_assert_int_eq(p.tx.vout[1].value, 199998859);
    ck_assert_uint_eq(p.tx.vout[0].script_pubkey.len, 22);
    ck_assert_uint_eq(p.tx.locktime, 0);
    /* The fields that make the transaction are not kept twice in the maps. */
    ck_assert_ptr_null(psbt_map_get_type(&p.global, PSBT_GLOBAL_INPUT_COUNT));
    ck_assert_ptr_null(psbt_map_get_type(&p.inputs[0], PSBT_IN_PREVIOUS_TXID));
    ck_assert_ptr_null(psbt_map_get_type(&p.outputs[0], PSBT_OUT_AMOUNT));
    /* The txid is the one of the transaction the fields describe. */
    struct tx copy;
    tx_copy(&copy, &p.tx);
    tx_update_hashes(&copy);
    ck_assert_mem_eq(copy.txid.b, p.tx.txid.b, 32);
    tx_clear(&copy);
    psbt_clear(&p);
}
END_TEST

/* 0 -> 2 -> 0 keeps the transaction; what each step writes parses again. */
START_TEST(test_convert_round_trip)
{
    struct psbt p;
    char err[200];
    ck_assert_msg(psbt_decode_base64(&p, V0_P2PKH, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(p.version, 0);
    uint8_t txid[32];
    memcpy(txid, p.tx.txid.b, 32);
    ck_assert_uint_eq(p.tx.locktime, 1257139);
    ck_assert_msg(psbt_convert(&p, 2, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(p.version, 2);
    char *b64 = psbt_to_base64(&p);
    struct psbt q;
    ck_assert_msg(psbt_decode_base64(&q, b64, err, sizeof(err)), "%s", err);
    mem_free(b64);
    ck_assert_uint_eq(q.version, 2);
    ck_assert_uint_eq(q.tx.locktime, 1257139); /* carried as the fallback locktime */
    ck_assert_mem_eq(q.tx.txid.b, txid, 32);
    ck_assert_ptr_nonnull(psbt_map_get_type(&q.inputs[0], PSBT_IN_NON_WITNESS_UTXO));
    check_stable(&q);
    ck_assert_msg(psbt_convert(&q, 0, err, sizeof(err)), "%s", err);
    b64 = psbt_to_base64(&q);
    ck_assert_str_eq(b64, V0_P2PKH); /* back to the very bytes of BIP 174's vector */
    mem_free(b64);
    psbt_clear(&q);
    psbt_clear(&p);
}
END_TEST

/* 2 -> 0 keeps the locktime the inputs chose and drops what v0 cannot carry. */
START_TEST(test_convert_v2_locktimes)
{
    /* BIP 370 "all PSBTv2 fields": height 10000 and time 1657048460 required, flags 7. */
    static const char ALL[] =
        "cHNidP8BAgQCAAAAAQMEAAAAAAEEAQEBBQECAQYBBwH7BAIAAAAAAQBSAgAAAAHBqiVuIUuWoYIvk95Cv/O18/+NBRkwbjUV11FaXoBbEgAAAAAA/////w"
        "EYxpo7AAAAABYAFLCjrxRCCEEmk8p9FmhStS2wrvBuAAAAAAEBHxjGmjsAAAAAFgAUsKOvFEIIQSaTyn0WaFK1LbCu8G4BDiALCtkhQZwchxlzXXLcc5+e"
        "qeBjjR/kwe7w+ZRAhIFfyAEPBAAAAAABEAT+////AREEjI3EYgESBBAnAAAAIgIC1gH4SEamdV93a+AOPZ3o+xCsyTX7g8RfsBYtTK1at5IY9p2HPlQAAI"
        "ABAACAAAAAgAAAAAAqAAAAAQMIAAivLwAAAAABBBYAFMQw9kxHVtoxDb0aCFVy7ymZJicsACICAuNvv/U91TQHDPj9OWYUaA81epuF23NAvxz6dF0q17NA"
        "GPadhz5UAACAAQAAgAAAAIABAAAAZAAAAAEDCIu96wsAAAAAAQQWABRN0ZOslkpWrBueHMqEVP4vR0+FEwA=";
    struct psbt p;
    char err[200];
    ck_assert_msg(psbt_decode_base64(&p, ALL, err, sizeof(err)), "%s", err);
    ck_assert_uint_eq(p.tx.locktime, 10000);
    ck_assert_uint_eq(p.tx.vin[0].sequence, 0xfffffffeu);
    uint8_t txid[32];
    memcpy(txid, p.tx.txid.b, 32);
    ck_assert(psbt_convert(&p, 0, err, sizeof(err)));
    ck_assert_ptr_null(psbt_map_get_type(&p.global, PSBT_GLOBAL_TX_MODIFIABLE));
    ck_assert_ptr_null(psbt_map_get_type(&p.inputs[0], PSBT_IN_REQUIRED_HEIGHT_LOCKTIME));
    ck_assert_ptr_nonnull(psbt_map_get_type(&p.inputs[0], PSBT_IN_WITNESS_UTXO));
    bool has_origin = false; /* key: type | public key */
    for (size_t i = 0; i < p.outputs[0].count; i++)
        has_origin = has_origin || p.outputs[0].pairs[i].key.data[0] == PSBT_OUT_BIP32_DERIVATION;
    ck_assert(has_origin);
    char *b64 = psbt_to_base64(&p);
    struct psbt q;
    ck_assert_msg(psbt_decode_base64(&q, b64, err, sizeof(err)), "%s", err);
    mem_free(b64);
    ck_assert_uint_eq(q.version, 0);
    ck_assert_uint_eq(q.tx.locktime, 10000);
    ck_assert_mem_eq(q.tx.txid.b, txid, 32);
    psbt_clear(&q);
    psbt_clear(&p);
}
END_TEST

/* Version 1 does not exist; version 2 needs a transaction version >= 2. */
START_TEST(test_versions)
{
    struct psbt p;
    char err[200];
    ck_assert(psbt_decode_base64(&p, V0_P2PKH, err, sizeof(err)));
    ck_assert(!psbt_convert(&p, 1, err, sizeof(err)));
    ck_assert(!psbt_convert(&p, 3, err, sizeof(err)));
    ck_assert_uint_eq(p.version, 0);
    p.tx.version = 1;
    tx_update_hashes(&p.tx);
    ck_assert(!psbt_convert(&p, 2, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "at least 2"));
    ck_assert_uint_eq(p.version, 0);
    psbt_clear(&p);

    /* PSBT_GLOBAL_VERSION 1, then 3, in an otherwise valid v2 PSBT. */
    size_t len;
    uint8_t *raw = base64_decode_alloc(V2_REQUIRED, &len);
    ck_assert_ptr_nonnull(raw);
    static const uint8_t ver_key[] = { 0x01, 0xfb, 0x04, 0x02 };
    uint8_t *at = NULL;
    for (size_t i = 0; i + sizeof(ver_key) <= len; i++)
        if (memcmp(raw + i, ver_key, sizeof(ver_key)) == 0)
            at = raw + i + 3;
    ck_assert_ptr_nonnull(at);
    at[0] = 1;
    ck_assert(!psbt_parse(&p, raw, len, err, sizeof(err)));
    ck_assert_str_eq(err, "Unsupported version number");
    at[0] = 3;
    ck_assert(!psbt_parse(&p, raw, len, err, sizeof(err)));
    ck_assert_str_eq(err, "Unsupported version number");
    mem_free(raw);
}
END_TEST

/* Counts are checked against the bytes that follow before anything is
 * allocated: a PSBT claiming 2^32 inputs is refused at once. */
START_TEST(test_count_bounds)
{
    struct wbuf w;
    wbuf_init(&w);
    static const uint8_t head[] = { 'p', 's', 'b', 't', 0xff, 0x01, 0x02, 0x04, 0x02, 0x00, 0x00, 0x00,
                                    0x01, 0x04, 0x09, 0xff, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, /* 2^32 inputs */
                                    0x01, 0x05, 0x01, 0x00, 0x01, 0xfb, 0x04, 0x02, 0x00, 0x00, 0x00, 0x00 };
    wbuf_put(&w, head, sizeof(head));
    for (int i = 0; i < 100; i++)
        wbuf_u8(&w, 0x00);
    struct psbt p;
    char err[200];
    ck_assert(!psbt_parse(&p, w.data, w.len, err, sizeof(err)));
    ck_assert_ptr_nonnull(strstr(err, "exceed"));
    wbuf_clear(&w);
}
END_TEST

/* BIP 370's Signer rule on PSBT_GLOBAL_TX_MODIFIABLE, from each sighash type. */
static uint8_t flags_after(uint8_t flags, uint8_t sighash)
{
    struct psbt p;
    char err[200];
    ck_assert(psbt_decode_base64(&p, V2_REQUIRED, err, sizeof(err)));
    uint8_t t = PSBT_GLOBAL_TX_MODIFIABLE;
    psbt_map_set(&p.global, &t, 1, &flags, 1);
    uint8_t key[34] = { PSBT_IN_PARTIAL_SIG, 0x02 };
    uint8_t sig[72] = { 0x30 };
    sig[71] = sighash;
    psbt_map_set(&p.inputs[0], key, sizeof(key), sig, sizeof(sig));
    psbt_v2_note_signatures(&p, 0);
    uint8_t out = psbt_map_get_type(&p.global, t)->data[0];
    psbt_clear(&p);
    return out;
}

START_TEST(test_signer_modifiable)
{
    ck_assert_uint_eq(flags_after(0x03, 0x01), 0x00);       /* ALL: nothing may change */
    ck_assert_uint_eq(flags_after(0x03, 0x81), 0x01);       /* ALL|ANYONECANPAY: inputs may be added */
    ck_assert_uint_eq(flags_after(0x03, 0x02), 0x02);       /* NONE: outputs may be added */
    ck_assert_uint_eq(flags_after(0x03, 0x83), 0x05);       /* SINGLE|ANYONECANPAY: has SINGLE */
    ck_assert_uint_eq(flags_after(0xf8 | 0x03, 0x82), 0xfb); /* undefined bits are kept */
    /* Without the field, and for version 0, nothing is added. */
    struct psbt p;
    char err[200];
    ck_assert(psbt_decode_base64(&p, V2_REQUIRED, err, sizeof(err)));
    psbt_v2_note_signatures(&p, 0);
    ck_assert_ptr_null(psbt_map_get_type(&p.global, PSBT_GLOBAL_TX_MODIFIABLE));
    psbt_clear(&p);
}
END_TEST

static Suite *psbt_v2_suite(void)
{
    Suite *s = suite_create("psbt_v2");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_bip370_vectors);
    tcase_add_test(tc, test_v2_transaction);
    tcase_add_test(tc, test_convert_round_trip);
    tcase_add_test(tc, test_convert_v2_locktimes);
    tcase_add_test(tc, test_versions);
    tcase_add_test(tc, test_count_bounds);
    tcase_add_test(tc, test_signer_modifiable);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(psbt_v2_suite)
