#include "consensus/tx.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Bitcoin block 170's second transaction: the first coin transfer. */
static const char *BLOCK170_SPEND =
    "0100000001c997a5e56e104102fa209c6a852dd90660a20b2d9c352423edce25857fcd3704000000004847304402204e45e16932b8"
    "af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd12909d831cc56cbbac4622082"
    "221a8768d1d0901ffffffff0200ca9a3b00000000434104ae1a62fe09c5f51b13905f07f06b99a2f7159b2225f374cd378d71302fa"
    "28414e7aab37397f554a7df5f142c21c1b7303b8a0626f1baded5c72a704f7e6cd84cac00286bee0000000043410411db93e1dcdb8a"
    "016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f999b8643f65"
    "6b412a3ac00000000";
/* A P2WPKH spend from Bitcoin Core's tx_valid.json. */
static const char *SEGWIT_TX =
    "0100000000010100010000000000000000000000000000000000000000000000000000000000000000000000ffffffff01e80300000000"
    "00001976a9144c9c3dfac4207d5d8cb89df5722cb3d712385e3f88ac02483045022100cfb07164b36ba64c1b1e8c7720a56ad64d96f6"
    "ef332d3d37f9cb3c96477dc44502200a464cd7a9cf94cd70f66ce4f4f0625ef650052c7afcfe29d7d7e01830ff91ed012103596d3451"
    "025c19dbbdeb932d6bf8bfb4ad499b95b6f88db8899efac102e5fc7100000000";

static uint8_t *unhex(const char *s, size_t *len)
{
    uint8_t *p = hex_decode_alloc(s, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void assert_round_trip(const struct tx *tx, const uint8_t *raw, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, tx, true);
    ck_assert_uint_eq(w.len, len);
    ck_assert(memcmp(w.data, raw, len) == 0);
    ck_assert_uint_eq(tx_size(tx, true), len);
    wbuf_clear(&w);
}

START_TEST(parses_legacy_tx)
{
    size_t len;
    uint8_t *raw = unhex(BLOCK170_SPEND, &len);
    struct tx tx;
    ck_assert(tx_decode(&tx, raw, len, true));
    ck_assert_int_eq(tx.version, 1);
    ck_assert_uint_eq(tx.vin_count, 1);
    ck_assert_uint_eq(tx.vout_count, 2);
    ck_assert_int_eq(tx.vout[0].value, 10 * 100000000LL);
    ck_assert_int_eq(tx.vout[1].value, 40 * 100000000LL);
    char id[65];
    hash256_to_hex(id, &tx.txid);
    ck_assert_str_eq(id, "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16");
    ck_assert(hash256_eq(&tx.txid, &tx.wtxid));
    ck_assert(!tx_has_witness(&tx));
    ck_assert(!tx_is_coinbase(&tx));
    ck_assert_uint_eq(tx_weight(&tx), 4 * len);
    assert_round_trip(&tx, raw, len);
    tx_clear(&tx);
    mem_free(raw);
}
END_TEST

START_TEST(parses_witness_tx)
{
    size_t len;
    uint8_t *raw = unhex(SEGWIT_TX, &len);
    struct tx tx;
    ck_assert(tx_decode(&tx, raw, len, true));
    ck_assert(tx_has_witness(&tx));
    ck_assert_uint_eq(tx.vin[0].witness.count, 2);
    ck_assert_uint_eq(tx.vin[0].witness.items[1].len, 33);
    ck_assert(!hash256_eq(&tx.txid, &tx.wtxid));
    size_t base = tx_size(&tx, false);
    ck_assert_uint_eq(tx_weight(&tx), 3 * base + len);
    assert_round_trip(&tx, raw, len);

    /* The txid is the hash of the stripped form. */
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &tx, false);
    struct tx stripped;
    ck_assert(tx_decode(&stripped, w.data, w.len, true));
    ck_assert(hash256_eq(&stripped.txid, &tx.txid));
    wbuf_clear(&w);
    tx_clear(&stripped);

    /* Without witness support the extended format is not a transaction. */
    struct tx t2;
    ck_assert(!tx_decode(&t2, raw, len, false));
    tx_clear(&tx);
    mem_free(raw);
}
END_TEST

/* tx_parse takes the ids from the bytes it read instead of re-serialising:
 * the same ids as tx_update_hashes, for a legacy and a witness transaction
 * and for the empty extended form (marker, zero flag: no inputs, no outputs). */
START_TEST(ids_from_raw_bytes)
{
    const char *cases[] = { BLOCK170_SPEND, SEGWIT_TX, "01000000000000000000" };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        size_t len;
        uint8_t *raw = unhex(cases[i], &len);
        struct tx tx, copy;
        ck_assert(tx_decode(&tx, raw, len, true));
        tx_copy(&copy, &tx);
        tx_update_hashes(&copy);
        ck_assert(hash256_eq(&tx.txid, &copy.txid));
        ck_assert(hash256_eq(&tx.wtxid, &copy.wtxid));
        /* The same bytes inside a longer buffer (as in a block). */
        uint8_t *padded = mem_alloc(len + 7);
        memset(padded, 0xab, 3);
        memcpy(padded + 3, raw, len);
        memset(padded + 3 + len, 0xcd, 4);
        struct rbuf r = rbuf_make(padded + 3, len + 4);
        struct tx t2;
        ck_assert(tx_parse(&t2, &r, true));
        ck_assert_uint_eq(r.len, 4);
        ck_assert(hash256_eq(&t2.txid, &copy.txid));
        ck_assert(hash256_eq(&t2.wtxid, &copy.wtxid));
        tx_clear(&t2);
        mem_free(padded);
        tx_clear(&copy);
        tx_clear(&tx);
        mem_free(raw);
    }
}
END_TEST

/* tx_parse hashes the bytes it read; they must give what hashing the
 * parsed transaction's own serialisation gives. */
static void assert_parse_hashes(const char *hex)
{
    size_t len;
    uint8_t *raw = unhex(hex, &len);
    struct tx tx, again;
    ck_assert(tx_decode(&tx, raw, len, true));
    tx_copy(&again, &tx);
    memset(&again.txid, 0, sizeof(again.txid));
    memset(&again.wtxid, 0, sizeof(again.wtxid));
    tx_update_hashes(&again);
    ck_assert(hash256_eq(&tx.txid, &again.txid));
    ck_assert(hash256_eq(&tx.wtxid, &again.wtxid));
    tx_clear(&again);
    tx_clear(&tx);
    mem_free(raw);
}

START_TEST(parse_hashes_match_serialisation)
{
    assert_parse_hashes(BLOCK170_SPEND);
    assert_parse_hashes(SEGWIT_TX);
    /* No inputs and a zero flag byte: Core reads no outputs either. */
    assert_parse_hashes("02000000000000000000");
}
END_TEST

START_TEST(rejects_truncated_and_trailing)
{
    size_t len;
    uint8_t *raw = unhex(SEGWIT_TX, &len);
    struct tx tx;
    for (size_t cut = 0; cut < len; cut++)
        ck_assert_msg(!tx_decode(&tx, raw, cut, true), "accepted %zu of %zu bytes", cut, len);
    uint8_t *longer = mem_alloc(len + 1);
    memcpy(longer, raw, len);
    longer[len] = 0;
    ck_assert(!tx_decode(&tx, longer, len + 1, true));
    mem_free(longer);
    mem_free(raw);
}
END_TEST

START_TEST(rejects_bad_witness_flags)
{
    size_t len;
    uint8_t *raw = unhex(SEGWIT_TX, &len);
    struct tx tx;
    raw[5] = 0x03; /* unknown flag bit */
    ck_assert(!tx_decode(&tx, raw, len, true));
    mem_free(raw);

    /* Superfluous witness: flag set but every stack empty. */
    const char *empty_witness = "02000000000101" "0000000000000000000000000000000000000000000000000000000000000001" "00000000"
                                "00" "ffffffff" "01" "0000000000000000" "00" "00" "00000000";
    raw = unhex(empty_witness, &len);
    ck_assert(!tx_decode(&tx, raw, len, true));
    mem_free(raw);
}
END_TEST

START_TEST(caps_claimed_counts)
{
    /* Claims 0x02000000 inputs with a handful of bytes: must fail without
     * trying to allocate them. */
    const uint8_t raw[] = { 1, 0, 0, 0, 0xfe, 0, 0, 0, 2, 0, 0, 0, 0 };
    struct tx tx;
    ck_assert(!tx_decode(&tx, raw, sizeof(raw), true));
    const uint8_t over[] = { 1, 0, 0, 0, 0xfe, 1, 0, 0, 2 }; /* above MAX_SIZE */
    ck_assert(!tx_decode(&tx, over, sizeof(over), true));
}
END_TEST

START_TEST(builds_and_copies)
{
    struct tx tx;
    tx_init(&tx);
    struct outpoint op = { { { 1 } }, 3 };
    struct txin *in = tx_add_input(&tx, &op, (const uint8_t *)"\x51", 1, SEQUENCE_FINAL);
    txin_witness_push(in, (const uint8_t *)"ab", 2);
    tx_add_output(&tx, 5000, (const uint8_t *)"\x6a", 1);
    tx_update_hashes(&tx);
    struct tx copy;
    tx_copy(&copy, &tx);
    tx_clear(&tx);
    ck_assert_uint_eq(copy.vin[0].witness.items[0].len, 2);
    ck_assert_int_eq(copy.vout[0].value, 5000);
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &copy, true);
    struct tx back;
    ck_assert(tx_decode(&back, w.data, w.len, true));
    ck_assert(hash256_eq(&back.wtxid, &copy.wtxid));
    int64_t total;
    ck_assert(tx_value_out(&back, &total) && total == 5000);
    wbuf_clear(&w);
    tx_clear(&back);
    tx_clear(&copy);
}
END_TEST

static Suite *tx_suite(void)
{
    Suite *s = suite_create("consensus/tx");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parses_legacy_tx);
    tcase_add_test(tc, parses_witness_tx);
    tcase_add_test(tc, ids_from_raw_bytes);
    tcase_add_test(tc, parse_hashes_match_serialisation);
    tcase_add_test(tc, rejects_truncated_and_trailing);
    tcase_add_test(tc, rejects_bad_witness_flags);
    tcase_add_test(tc, caps_claimed_counts);
    tcase_add_test(tc, builds_and_copies);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tx_suite)
