#include "src/store/compress.h"

#include <string.h>

#include "consensus/amount.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static uint8_t *unhex(const char *s, size_t *len)
{
    uint8_t *p = hex_decode_alloc(s, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static void check_hex(const uint8_t *p, size_t len, const char *want)
{
    size_t wlen;
    uint8_t *w = unhex(want, &wlen);
    ck_assert_uint_eq(len, wlen);
    ck_assert(memcmp(p, w, len) == 0);
    mem_free(w);
}

/* Core's serialize_tests varints_bitpattern. */
START_TEST(varint_known_answers)
{
    static const struct {
        uint64_t v;
        const char *hex;
    } cases[] = {
        {0, "00"},
        {0x7f, "7f"},
        {0x80, "8000"},
        {0xff, "807f"},
        {0x1234, "a334"},
        {0xffff, "82fe7f"},
        {0x123456, "c7e756"},
        {0x80123456, "86ffc7e756"},
        {0xffffffff, "8efefefe7f"},
        {3000000000u, "8a95c0bb00"},
        {0x7fffffffffffffffu, "fefefefefefefefe7f"},
        {0xffffffffffffffffu, "80fefefefefefefefe7f"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct wbuf w;
        wbuf_init(&w);
        varint_write(&w, cases[i].v);
        check_hex(w.data, w.len, cases[i].hex);
        ck_assert_uint_eq(varint_len(cases[i].v), w.len);
        struct rbuf r = rbuf_make(w.data, w.len);
        uint64_t back;
        ck_assert(varint_read(&r, &back));
        ck_assert_uint_eq(back, cases[i].v);
        ck_assert_uint_eq(r.len, 0);
        wbuf_clear(&w);
    }
}
END_TEST

START_TEST(varint_round_trip_and_errors)
{
    for (uint64_t v = 1; v != 0 && v < (UINT64_MAX / 3); v = v * 3 + 1) {
        uint8_t buf[10];
        size_t n = varint_encode(buf, v);
        struct rbuf r = rbuf_make(buf, n);
        uint64_t back;
        ck_assert(varint_read(&r, &back));
        ck_assert_uint_eq(back, v);
        /* Every proper prefix is truncated. */
        for (size_t k = 0; k < n; k++) {
            struct rbuf t = rbuf_make(buf, k);
            ck_assert(!varint_read(&t, &back));
            ck_assert_uint_eq(back, 0);
            ck_assert_uint_eq(t.len, k);
        }
    }
    /* One past 2^64 - 1 overflows; so does an endless continuation. */
    static const uint8_t over[] = {0x80, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe, 0x80};
    static const uint8_t endless[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00};
    uint64_t v;
    struct rbuf r = rbuf_make(over, sizeof(over));
    ck_assert(!varint_read(&r, &v));
    ck_assert_uint_eq(r.len, sizeof(over));
    r = rbuf_make(endless, sizeof(endless));
    ck_assert(!varint_read(&r, &v));
    /* 32-bit reads reject 2^32. */
    uint8_t buf[10];
    size_t n = varint_encode(buf, UINT64_C(0x100000000));
    r = rbuf_make(buf, n);
    uint32_t v32;
    ck_assert(!varint_read_u32(&r, &v32));
    ck_assert_uint_eq(r.len, n);
    n = varint_encode(buf, UINT32_MAX);
    r = rbuf_make(buf, n);
    ck_assert(varint_read_u32(&r, &v32));
    ck_assert_uint_eq(v32, UINT32_MAX);
}
END_TEST

/* Core's compress_tests: known pairs and exhaustive ranges of multiples. */
START_TEST(amount_known_answers)
{
    static const struct {
        uint64_t dec, enc;
    } pairs[] = {
        {0, 0x0},
        {1, 0x1},
        {1000000, 0x7}, /* CENT */
        {100000000, 0x9}, /* COIN */
        {5000000000u, 0x32},
        {2100000000000000u, 0x1406f40},
    };
    for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
        ck_assert_uint_eq(compress_amount(pairs[i].dec), pairs[i].enc);
        ck_assert_uint_eq(decompress_amount(pairs[i].enc), pairs[i].dec);
    }
    for (uint64_t i = 1; i <= 100000; i++)
        ck_assert_uint_eq(decompress_amount(compress_amount(i)), i);
    for (uint64_t i = 1; i <= 10000; i++) {
        ck_assert_uint_eq(decompress_amount(compress_amount(i * 1000000)), i * 1000000);
        ck_assert_uint_eq(decompress_amount(compress_amount(i * 100000000)), i * 100000000);
    }
    for (uint64_t i = 50; i <= 21000000; i += 50)
        ck_assert_uint_eq(decompress_amount(compress_amount(i * 100000000)), i * 100000000);
    for (uint64_t i = 0; i < 100000; i++)
        ck_assert_uint_eq(compress_amount(decompress_amount(i)), i);
}
END_TEST

static void script_round_trip(const char *script_hex, const char *compressed_hex)
{
    size_t len;
    uint8_t *s = unhex(script_hex, &len);
    struct wbuf w;
    wbuf_init(&w);
    compress_script_write(&w, s, len);
    check_hex(w.data, w.len, compressed_hex);
    struct rbuf r = rbuf_make(w.data, w.len);
    struct bytes back;
    ck_assert(compress_script_read(&r, &back));
    ck_assert_uint_eq(r.len, 0);
    ck_assert_uint_eq(back.len, len);
    ck_assert(len == 0 || memcmp(back.data, s, len) == 0);
    bytes_clear(&back);
    wbuf_clear(&w);
    mem_free(s);
}

START_TEST(script_special_forms)
{
    /* P2PKH -> 00 + hash */
    script_round_trip("76a914816115944e077fe7c803cfa57f29b36bf87c1d3588ac",
                      "00816115944e077fe7c803cfa57f29b36bf87c1d35");
    /* P2SH -> 01 + hash */
    script_round_trip("a914816115944e077fe7c803cfa57f29b36bf87c1d3587", "01816115944e077fe7c803cfa57f29b36bf87c1d35");
    /* P2PK, compressed key -> the key itself */
    script_round_trip("2103596d3451025c19dbbdeb932d6bf8bfb4ad499b95b6f88db8899efac102e5fc71ac",
                      "03596d3451025c19dbbdeb932d6bf8bfb4ad499b95b6f88db8899efac102e5fc71");
    /* P2PK, uncompressed genesis key (y odd) -> 05 + x */
    script_round_trip("4104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec1"
                      "12de5c384df7ba0b8d578a4c702b6bf11d5fac",
                      "05678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6");
    /* P2WPKH is not special: VARINT(22 + 6) then raw */
    script_round_trip("0014751e76e8199196d454941c45d1b3a323f1433bd6", "1c0014751e76e8199196d454941c45d1b3a323f1433bd6");
    /* Empty script: VARINT(6) */
    script_round_trip("", "06");
    /* A 33-byte push with a bad key prefix stays raw. */
    script_round_trip("2105596d3451025c19dbbdeb932d6bf8bfb4ad499b95b6f88db8899efac102e5fc71ac",
                      "292105596d3451025c19dbbdeb932d6bf8bfb4ad499b95b6f88db8899efac102e5fc71ac");
}
END_TEST

START_TEST(script_invalid_uncompressed_key_stays_raw)
{
    /* 65-byte "key" not on the curve: must be stored raw (67 + 6 = 0x49). */
    char hex[2 * 67 + 1];
    strcpy(hex, "4104");
    for (int i = 0; i < 64; i++)
        strcat(hex, "00");
    strcat(hex, "ac");
    size_t len;
    uint8_t *s = unhex(hex, &len);
    struct wbuf w;
    wbuf_init(&w);
    compress_script_write(&w, s, len);
    ck_assert_uint_eq(w.len, 1 + 67);
    ck_assert_uint_eq(w.data[0], 0x49);
    wbuf_clear(&w);
    mem_free(s);

    /* Tag 04 with an x that has no point on the curve (x = 5 has none) is rejected. */
    uint8_t bad[33] = {0x04};
    bad[32] = 5;
    struct rbuf r = rbuf_make(bad, sizeof(bad));
    struct bytes out;
    ck_assert(!compress_script_read(&r, &out));
    ck_assert_uint_eq(out.len, 0);
    ck_assert_uint_eq(r.len, sizeof(bad));
}
END_TEST

START_TEST(script_truncated_and_oversized)
{
    static const uint8_t trunc_p2pkh[] = {0x00, 1, 2, 3};
    static const uint8_t trunc_raw[] = {0x07};
    struct bytes out;
    struct rbuf r = rbuf_make(trunc_p2pkh, sizeof(trunc_p2pkh));
    ck_assert(!compress_script_read(&r, &out));
    r = rbuf_make(trunc_raw, sizeof(trunc_raw));
    ck_assert(!compress_script_read(&r, &out));
    /* A huge claimed size beyond the data fails without allocating. */
    uint8_t huge[10];
    size_t n = varint_encode(huge, UINT64_C(3000000000) + 6);
    r = rbuf_make(huge, n);
    ck_assert(!compress_script_read(&r, &out));
    /* A present but oversized script decodes to OP_RETURN and skips its bytes. */
    size_t big = COMPRESS_MAX_SCRIPT_SIZE + 1;
    struct wbuf w;
    wbuf_init(&w);
    varint_write(&w, big + 6);
    uint8_t *zeros = mem_calloc(big, 1);
    wbuf_put(&w, zeros, big);
    wbuf_u8(&w, 0x42);
    r = rbuf_make(w.data, w.len);
    ck_assert(compress_script_read(&r, &out));
    ck_assert_uint_eq(out.len, 1);
    ck_assert_uint_eq(out.data[0], 0x6a);
    ck_assert_uint_eq(r.len, 1);
    bytes_clear(&out);
    mem_free(zeros);
    wbuf_clear(&w);
}
END_TEST

START_TEST(txout_round_trip)
{
    size_t len;
    uint8_t *s = unhex("76a914816115944e077fe7c803cfa57f29b36bf87c1d3588ac", &len);
    struct txout o = {60000000000, {s, len}};
    struct wbuf w;
    wbuf_init(&w);
    compress_txout_write(&w, &o);
    check_hex(w.data, w.len, "835800816115944e077fe7c803cfa57f29b36bf87c1d35");
    struct rbuf r = rbuf_make(w.data, w.len);
    struct txout back;
    ck_assert(compress_txout_read(&r, &back));
    ck_assert_int_eq(back.value, o.value);
    ck_assert_uint_eq(back.script_pubkey.len, len);
    ck_assert(memcmp(back.script_pubkey.data, s, len) == 0);
    txout_clear(&back);
    wbuf_clear(&w);
    /* An amount above MAX_MONEY is rejected. */
    wbuf_init(&w);
    varint_write(&w, compress_amount((uint64_t)MAX_MONEY + 1));
    wbuf_u8(&w, 0x06);
    r = rbuf_make(w.data, w.len);
    ck_assert(!compress_txout_read(&r, &back));
    ck_assert_uint_eq(r.len, w.len);
    wbuf_clear(&w);
    mem_free(s);
}
END_TEST

static Suite *compress_suite(void)
{
    Suite *s = suite_create("store_compress");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, varint_known_answers);
    tcase_add_test(tc, varint_round_trip_and_errors);
    tcase_add_test(tc, amount_known_answers);
    tcase_add_test(tc, script_special_forms);
    tcase_add_test(tc, script_invalid_uncompressed_key_stays_raw);
    tcase_add_test(tc, script_truncated_and_oversized);
    tcase_add_test(tc, txout_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(compress_suite)
