#include "src/crypto/base58.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"

/* Bitcoin Core's src/test/data/base58_encode_decode.json (MIT licence,
 * Copyright (c) The Bitcoin Core developers); its 256-byte vector is beyond
 * BASE58_MAX_BYTES and is tested as a rejection below. */
static const struct {
    const char *hex, *b58;
} VECTORS[] = {
    { "", "" },
    { "61", "2g" },
    { "626262", "a3gV" },
    { "636363", "aPEr" },
    { "73696d706c792061206c6f6e6720737472696e67", "2cFupjhnEsSn59qHXstmK2ffpLv2" },
    { "00eb15231dfceb60925886b67d065299925915aeb172c06647", "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L" },
    { "516b6fcd0f", "ABnLTmg" },
    { "bf4f89001e670274dd", "3SEo3LWLoPntC" },
    { "572e4794", "3EFU7m" },
    { "ecac89cad93923c02321", "EJDM8drfXA6uyA" },
    { "10c8511e", "Rt5zm" },
    { "00000000000000000000", "1111111111" },
    { "00000000000000000000000000000000000000000000000000000000000000000000000000000000",
      "1111111111111111111111111111111111111111" },
    { "00000000000000000000000000000000000000000000000000000000000000000000000000000001",
      "1111111111111111111111111111111111111112" },
    { "0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"
      "000000000000000000000000000000000000000000000000000000000000000ec39d04c37e71e5d591881f6",
      "111111111111111111111111111111111111111111111111111111111111111111111111111111111111115TYzLYH1udmLdzCLM" },
    { "000111d38e5fc9071ffcd20b4a763cc9ae4f252bb4e48fd66a835e252ada93ff480d6dd43dc62a641155a5",
      "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz" },
    { "271F359E", "zzzzy" },
    { "271F359F", "zzzzz" },
    { "271F35A0", "211111" },
    { "271F35A1", "211112" },
};

static size_t unhex(uint8_t *out, size_t cap, const char *s)
{
    char lower[512];
    size_t n = strlen(s), len;
    ck_assert_uint_lt(n, sizeof(lower));
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)((s[i] >= 'A' && s[i] <= 'F') ? s[i] - 'A' + 'a' : s[i]);
    ck_assert(hex_decode(out, cap, &len, lower));
    return len;
}

START_TEST(core_vectors)
{
    for (size_t i = 0; i < sizeof(VECTORS) / sizeof(VECTORS[0]); i++) {
        uint8_t raw[BASE58_MAX_BYTES], back[BASE58_MAX_BYTES];
        char str[BASE58_MAX_STRING];
        size_t len = unhex(raw, sizeof(raw), VECTORS[i].hex), blen;
        ck_assert(base58_encode(str, sizeof(str), raw, len));
        ck_assert_str_eq(str, VECTORS[i].b58);
        ck_assert(base58_decode(back, sizeof(back), &blen, VECTORS[i].b58));
        ck_assert_uint_eq(blen, len);
        ck_assert(len == 0 || memcmp(back, raw, len) == 0);
        /* An output one byte short is refused, as is an exact-size buffer for encode minus one. */
        if (len > 0)
            ck_assert(!base58_decode(back, len - 1, &blen, VECTORS[i].b58));
        ck_assert(!base58_encode(str, strlen(VECTORS[i].b58), raw, len));
        ck_assert_str_eq(str, "");
    }
}
END_TEST

START_TEST(decode_rejects)
{
    uint8_t out[BASE58_MAX_BYTES];
    size_t len = 77;
    static const char *bad[] = {
        "0",     "O",   "I",      "l",     "3SEo3LWLoPntC0", " 3SEo3LWLoPntC", "3SEo3LWLoPntC ",
        "3SEo\x80", "a+b", "\xff", "2g\n",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!base58_decode(out, sizeof(out), &len, bad[i]), "%s", bad[i]);
        ck_assert_uint_eq(len, 0);
    }
    /* Length bounds: 132 bytes of 0xff encode to 181 chars; one more 'z'
     * decodes to more than 132 bytes. */
    uint8_t ff[BASE58_MAX_BYTES + 1];
    memset(ff, 0xff, sizeof(ff));
    char str[BASE58_MAX_STRING + 8];
    ck_assert(base58_encode(str, BASE58_MAX_STRING, ff, BASE58_MAX_BYTES));
    ck_assert(base58_decode(out, sizeof(out), &len, str));
    ck_assert_uint_eq(len, BASE58_MAX_BYTES);
    ck_assert(!base58_encode(str, sizeof(str), ff, BASE58_MAX_BYTES + 1));
    char longs[400];
    memset(longs, 'z', sizeof(longs) - 1);
    longs[sizeof(longs) - 1] = 0;
    ck_assert(!base58_decode(out, sizeof(out), &len, longs));
    memset(longs, '1', sizeof(longs) - 1);
    ck_assert(!base58_decode(out, sizeof(out), &len, longs));
    /* 256 bytes is beyond the bound. */
    uint8_t big[256];
    for (int i = 0; i < 256; i++)
        big[i] = (uint8_t)i;
    ck_assert(!base58_encode(str, sizeof(str), big, sizeof(big)));
}
END_TEST

START_TEST(check_round_trip)
{
    /* Bitcoin's first P2PKH address example and the genesis coinbase key's address. */
    uint8_t p[BASE58CHECK_MAX_PAYLOAD + 1], out[BASE58CHECK_MAX_PAYLOAD];
    char str[BASE58_MAX_STRING];
    size_t len = unhex(p, sizeof(p), "0077bff20c60e522dfaa3350c39b030a5d004e839a"), n;
    ck_assert(base58check_encode(str, sizeof(str), p, len));
    ck_assert_str_eq(str, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2");
    ck_assert(base58check_decode(out, sizeof(out), &n, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa"));
    ck_assert_uint_eq(n, 21);
    char hex[43];
    hex_encode(hex, out, n);
    ck_assert_str_eq(hex, "0062e907b15cbf27d5425399ebf6f0fb50ebb88f18");
    /* Every single-character substitution breaks the checksum. */
    const char *addr = "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2";
    char mut[64];
    for (size_t i = 0; i < strlen(addr); i++) {
        strcpy(mut, addr);
        mut[i] = mut[i] == 'x' ? 'y' : 'x';
        ck_assert_msg(!base58check_decode(out, sizeof(out), &n, mut), "%s", mut);
        ck_assert_uint_eq(n, 0);
    }
    /* Too short for a checksum, and a payload larger than the buffer. */
    ck_assert(!base58check_decode(out, sizeof(out), &n, "2g"));
    ck_assert(!base58check_decode(out, sizeof(out), &n, ""));
    ck_assert(!base58check_decode(out, 20, &n, addr));
    ck_assert(base58check_decode(out, 21, &n, addr));
    /* Empty and maximal payloads. */
    ck_assert(base58check_encode(str, sizeof(str), p, 0));
    ck_assert(base58check_decode(out, sizeof(out), &n, str));
    ck_assert_uint_eq(n, 0);
    memset(p, 0xee, sizeof(p));
    ck_assert(base58check_encode(str, sizeof(str), p, BASE58CHECK_MAX_PAYLOAD));
    ck_assert(base58check_decode(out, sizeof(out), &n, str));
    ck_assert_uint_eq(n, BASE58CHECK_MAX_PAYLOAD);
    ck_assert(!base58check_encode(str, sizeof(str), p, BASE58CHECK_MAX_PAYLOAD + 1));
}
END_TEST

static Suite *base58_suite(void)
{
    Suite *s = suite_create("base58");
    TCase *tc = tcase_create("base58");
    tcase_add_test(tc, core_vectors);
    tcase_add_test(tc, decode_rejects);
    tcase_add_test(tc, check_round_trip);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(base58_suite)
