#include "consensus/token_prefix.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

/* An asset id with a recognisable pattern (internal byte order). */
static void fill_asset(uint8_t id[32])
{
    for (int i = 0; i < 32; i++)
        id[i] = (uint8_t)(0xa0 + i);
}

/* Builds marker | kind | asset id | payload | locking script into w. */
static void build(struct wbuf *w, uint8_t kind, const uint8_t *payload, size_t payload_len, const uint8_t *lock,
                  size_t lock_len)
{
    uint8_t id[32];
    fill_asset(id);
    wbuf_init(w);
    wbuf_u8(w, TOKEN_PREFIX_MARKER);
    wbuf_u8(w, kind);
    wbuf_put(w, id, 32);
    wbuf_put(w, payload, payload_len);
    wbuf_put(w, lock, lock_len);
}

static enum token_parse_result parse_wbuf(const struct wbuf *w, struct token_prefix *p, size_t *len)
{
    return token_prefix_parse(p, len, w->data, w->len);
}

/* A P2WPKH locking script follows every prefix in the round trips. */
static const uint8_t P2WPKH[22] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };

static void round_trip(const struct token_prefix *in, size_t expect_len)
{
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, in);
    ck_assert_uint_eq(w.len, expect_len);
    wbuf_put(&w, P2WPKH, sizeof(P2WPKH));

    struct token_prefix out;
    size_t len = 99;
    ck_assert_int_eq(parse_wbuf(&w, &out, &len), TOKEN_PREFIX_OK);
    ck_assert_uint_eq(len, expect_len);
    ck_assert_int_eq(out.kind, in->kind);
    ck_assert(memcmp(out.asset_id, in->asset_id, 32) == 0);
    ck_assert_uint_eq(out.amount, in->amount);
    ck_assert_uint_eq(out.flags, in->flags);
    ck_assert_uint_eq(out.price, in->price);
    /* The locking script is what follows the prefix. */
    ck_assert(memcmp(w.data + len, P2WPKH, sizeof(P2WPKH)) == 0);

    /* Serialising the parsed prefix gives the same bytes. */
    struct wbuf again;
    wbuf_init(&again);
    token_prefix_serialize(&again, &out);
    ck_assert_uint_eq(again.len, len);
    ck_assert(memcmp(again.data, w.data, len) == 0);
    wbuf_clear(&again);
    wbuf_clear(&w);
}

START_TEST(round_trip_all_kinds)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    fill_asset(p.asset_id);

    p.kind = TOKEN_KIND_TOKEN;
    p.amount = 1;
    round_trip(&p, 1 + 1 + 32 + 1);
    p.amount = 253; /* first value that needs the 3-byte CompactSize */
    round_trip(&p, 1 + 1 + 32 + 3);
    p.amount = 0x10000;
    round_trip(&p, 1 + 1 + 32 + 5);
    p.amount = TOKEN_AMOUNT_MAX;
    round_trip(&p, 1 + 1 + 32 + 9);

    p.kind = TOKEN_KIND_VAULT;
    p.amount = 0;
    round_trip(&p, 1 + 1 + 32 + 1);
    p.amount = 1000 * 100000000ull;
    round_trip(&p, 1 + 1 + 32 + 9);

    p.kind = TOKEN_KIND_ISSUER;
    p.amount = 0;
    p.flags = TOKEN_ISSUER_FLAG_PAUSED;
    round_trip(&p, 1 + 1 + 32 + 1);
    p.flags = 0;
    round_trip(&p, 1 + 1 + 32 + 1);

    p.kind = TOKEN_KIND_ORACLE;
    p.price = 0x0102030405060708ull;
    round_trip(&p, 1 + 1 + 32 + 8);
}
END_TEST

START_TEST(exact_bytes)
{
    /* TOKEN of 1000 units: EF 01 <id> FD E8 03, then OP_TRUE. */
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = TOKEN_KIND_TOKEN;
    fill_asset(p.asset_id);
    p.amount = 1000;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    char hex[2 * TOKEN_PREFIX_MAX_LEN + 1];
    hex_encode(hex, w.data, w.len);
    ck_assert_str_eq(hex, "ef01a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebffde803");
    wbuf_clear(&w);

    /* ORACLE price is 8 bytes little-endian. */
    p.kind = TOKEN_KIND_ORACLE;
    p.price = 0x1122334455667788ull;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    ck_assert_uint_eq(w.len, 42);
    ck_assert_uint_eq(w.data[34], 0x88);
    ck_assert_uint_eq(w.data[41], 0x11);
    wbuf_clear(&w);
}
END_TEST

static void expect_invalid(const struct wbuf *w)
{
    struct token_prefix p;
    size_t len = 99;
    memset(&p, 0x55, sizeof(p));
    ck_assert_int_eq(parse_wbuf(w, &p, &len), TOKEN_PREFIX_INVALID);
    /* Outputs are left empty on failure. */
    ck_assert_uint_eq(len, 0);
    struct token_prefix zero;
    memset(&zero, 0, sizeof(zero));
    ck_assert(memcmp(&p, &zero, sizeof(p)) == 0);
}

START_TEST(truncated_asset_id)
{
    uint8_t full[34] = { TOKEN_PREFIX_MARKER, TOKEN_KIND_TOKEN };
    fill_asset(full + 2);
    for (size_t n = 1; n < sizeof(full); n++) {
        struct wbuf w;
        wbuf_init(&w);
        wbuf_put(&w, full, n); /* marker alone, marker + kind, partial ids */
        expect_invalid(&w);
        wbuf_clear(&w);
    }
}
END_TEST

START_TEST(unknown_kinds)
{
    static const uint8_t kinds[] = { 0x00, 0x05, 0x06, 0x7f, 0x80, 0xff };
    static const uint8_t payload[9] = { 1, 0, 0, 0, 0, 0, 0, 0, 0 };
    for (size_t i = 0; i < sizeof(kinds); i++) {
        struct wbuf w;
        build(&w, kinds[i], payload, sizeof(payload), P2WPKH, sizeof(P2WPKH));
        expect_invalid(&w);
        wbuf_clear(&w);
    }
}
END_TEST

START_TEST(token_amount_range)
{
    struct wbuf w;
    /* amount 0 */
    build(&w, TOKEN_KIND_TOKEN, (const uint8_t *)"\x00", 1, P2WPKH, sizeof(P2WPKH));
    expect_invalid(&w);
    wbuf_clear(&w);
    /* 2^53 + 1 */
    static const uint8_t over[9] = { 0xff, 0x01, 0, 0, 0, 0, 0, 0x20, 0 };
    build(&w, TOKEN_KIND_TOKEN, over, sizeof(over), P2WPKH, sizeof(P2WPKH));
    expect_invalid(&w);
    wbuf_clear(&w);
    /* 2^53 exactly is fine */
    static const uint8_t max[9] = { 0xff, 0x00, 0, 0, 0, 0, 0, 0x20, 0 };
    build(&w, TOKEN_KIND_TOKEN, max, sizeof(max), P2WPKH, sizeof(P2WPKH));
    struct token_prefix p;
    size_t len;
    ck_assert_int_eq(parse_wbuf(&w, &p, &len), TOKEN_PREFIX_OK);
    ck_assert_uint_eq(p.amount, TOKEN_AMOUNT_MAX);
    wbuf_clear(&w);
    /* UINT64_MAX */
    static const uint8_t huge[9] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
    build(&w, TOKEN_KIND_TOKEN, huge, sizeof(huge), NULL, 0);
    expect_invalid(&w);
    wbuf_clear(&w);
}
END_TEST

START_TEST(vault_debt_range)
{
    struct wbuf w;
    struct token_prefix p;
    size_t len;
    static const uint8_t over[9] = { 0xff, 0x01, 0, 0, 0, 0, 0, 0x20, 0 };
    build(&w, TOKEN_KIND_VAULT, over, sizeof(over), P2WPKH, sizeof(P2WPKH));
    expect_invalid(&w);
    wbuf_clear(&w);
    static const uint8_t max[9] = { 0xff, 0x00, 0, 0, 0, 0, 0, 0x20, 0 };
    build(&w, TOKEN_KIND_VAULT, max, sizeof(max), P2WPKH, sizeof(P2WPKH));
    ck_assert_int_eq(parse_wbuf(&w, &p, &len), TOKEN_PREFIX_OK);
    ck_assert_int_eq(p.kind, TOKEN_KIND_VAULT);
    ck_assert_uint_eq(p.amount, TOKEN_AMOUNT_MAX);
    ck_assert_uint_eq(len, 43);
    wbuf_clear(&w);
    /* debt 0 is a fresh vault */
    build(&w, TOKEN_KIND_VAULT, (const uint8_t *)"\x00", 1, P2WPKH, sizeof(P2WPKH));
    ck_assert_int_eq(parse_wbuf(&w, &p, &len), TOKEN_PREFIX_OK);
    ck_assert_uint_eq(p.amount, 0);
    ck_assert_uint_eq(len, 35);
    wbuf_clear(&w);
}
END_TEST

START_TEST(non_canonical_compact_size)
{
    /* Each value below fits a shorter CompactSize form. */
    static const uint8_t cases[][9] = {
        { 0xfd, 0x05, 0x00 },                               /* 5 in 3 bytes */
        { 0xfd, 0xfc, 0x00 },                               /* 252 in 3 bytes */
        { 0xfe, 0xff, 0xff, 0x00, 0x00 },                   /* 0xffff in 5 bytes */
        { 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 },       /* 0xffffffff in 9 bytes */
    };
    static const size_t lens[] = { 3, 3, 5, 9 };
    for (size_t i = 0; i < 4; i++) {
        for (uint8_t kind = TOKEN_KIND_TOKEN; kind <= TOKEN_KIND_VAULT; kind++) {
            struct wbuf w;
            build(&w, kind, cases[i], lens[i], P2WPKH, sizeof(P2WPKH));
            expect_invalid(&w);
            wbuf_clear(&w);
        }
    }
    /* The canonical forms of the same values parse. */
    struct wbuf w;
    struct token_prefix p;
    size_t len;
    build(&w, TOKEN_KIND_TOKEN, (const uint8_t *)"\xfd\xfd\x00", 3, NULL, 0);
    ck_assert_int_eq(parse_wbuf(&w, &p, &len), TOKEN_PREFIX_OK);
    ck_assert_uint_eq(p.amount, 253);
    ck_assert_uint_eq(len, w.len); /* an empty locking script is allowed */
    wbuf_clear(&w);
}
END_TEST

START_TEST(truncated_payloads)
{
    struct wbuf w;
    /* TOKEN/VAULT: no amount byte, or a CompactSize cut short */
    for (uint8_t kind = TOKEN_KIND_TOKEN; kind <= TOKEN_KIND_VAULT; kind++) {
        build(&w, kind, NULL, 0, NULL, 0);
        expect_invalid(&w);
        wbuf_clear(&w);
        build(&w, kind, (const uint8_t *)"\xfe\x01\x00\x01", 4, NULL, 0);
        expect_invalid(&w);
        wbuf_clear(&w);
    }
    /* ISSUER: no flags byte */
    build(&w, TOKEN_KIND_ISSUER, NULL, 0, NULL, 0);
    expect_invalid(&w);
    wbuf_clear(&w);
    /* ORACLE: 0..7 price bytes */
    static const uint8_t price[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
    for (size_t n = 0; n < 8; n++) {
        build(&w, TOKEN_KIND_ORACLE, price, n, NULL, 0);
        expect_invalid(&w);
        wbuf_clear(&w);
    }
    build(&w, TOKEN_KIND_ORACLE, price, 8, NULL, 0);
    struct token_prefix p;
    size_t len;
    ck_assert_int_eq(parse_wbuf(&w, &p, &len), TOKEN_PREFIX_OK);
    ck_assert_uint_eq(p.price, 0x0807060504030201ull);
    wbuf_clear(&w);
}
END_TEST

START_TEST(ordinary_scripts_are_none)
{
    struct token_prefix p;
    size_t len = 99;
    ck_assert_int_eq(token_prefix_parse(&p, &len, NULL, 0), TOKEN_PREFIX_NONE);
    ck_assert_uint_eq(len, 0);
    ck_assert_int_eq(token_prefix_parse(&p, &len, P2WPKH, sizeof(P2WPKH)), TOKEN_PREFIX_NONE);
    ck_assert_uint_eq(len, 0);
    /* 0xEF anywhere but the first byte does not count. */
    static const uint8_t later[3] = { 0x51, 0xef, 0x01 };
    ck_assert_int_eq(token_prefix_parse(&p, &len, later, sizeof(later)), TOKEN_PREFIX_NONE);
    static const uint8_t near[2] = { 0xee, 0x01 };
    ck_assert_int_eq(token_prefix_parse(&p, &len, near, sizeof(near)), TOKEN_PREFIX_NONE);
}
END_TEST

START_TEST(kind_names)
{
    ck_assert_str_eq(token_kind_name(TOKEN_KIND_TOKEN), "token");
    ck_assert_str_eq(token_kind_name(TOKEN_KIND_VAULT), "vault");
    ck_assert_str_eq(token_kind_name(TOKEN_KIND_ISSUER), "issuer");
    ck_assert_str_eq(token_kind_name(TOKEN_KIND_ORACLE), "oracle");
    ck_assert_str_eq(token_kind_name((enum token_kind)0), "unknown");
}
END_TEST

static Suite *token_prefix_suite(void)
{
    Suite *s = suite_create("token_prefix");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, round_trip_all_kinds);
    tcase_add_test(tc, exact_bytes);
    tcase_add_test(tc, truncated_asset_id);
    tcase_add_test(tc, unknown_kinds);
    tcase_add_test(tc, token_amount_range);
    tcase_add_test(tc, vault_debt_range);
    tcase_add_test(tc, non_canonical_compact_size);
    tcase_add_test(tc, truncated_payloads);
    tcase_add_test(tc, ordinary_scripts_are_none);
    tcase_add_test(tc, kind_names);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(token_prefix_suite)
