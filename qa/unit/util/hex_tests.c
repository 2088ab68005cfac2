#include "src/util/hex.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"

START_TEST(encode_decode)
{
    const uint8_t b[] = { 0x00, 0x01, 0xab, 0xff };
    char s[9];
    hex_encode(s, b, 4);
    ck_assert_str_eq(s, "0001abff");
    hex_encode_reversed(s, b, 4);
    ck_assert_str_eq(s, "ffab0100");
    uint8_t out[4];
    size_t n;
    ck_assert(hex_decode(out, sizeof(out), &n, "0001ABff"));
    ck_assert_uint_eq(n, 4);
    ck_assert(memcmp(out, b, 4) == 0);
}
END_TEST

START_TEST(rejects_bad_hex)
{
    uint8_t out[4];
    size_t n;
    ck_assert(!hex_decode(out, sizeof(out), &n, "abc"));     /* odd */
    ck_assert(!hex_decode(out, sizeof(out), &n, "zz"));      /* not hex */
    ck_assert(!hex_decode(out, sizeof(out), &n, "0102030405")); /* too long */
    ck_assert(!hex_decode(out, sizeof(out), &n, " 01"));
    ck_assert_ptr_null(hex_decode_alloc("0g", &n));
    uint8_t *p = hex_decode_alloc("", &n);
    ck_assert_ptr_nonnull(p);
    ck_assert_uint_eq(n, 0);
    mem_free(p);
}
END_TEST

START_TEST(hash_display_order)
{
    struct hash256 h;
    const char *genesis = "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f";
    ck_assert(hash256_from_hex(&h, genesis));
    ck_assert_uint_eq(h.b[0], 0x6f);
    ck_assert_uint_eq(h.b[31], 0x00);
    char s[65];
    hash256_to_hex(s, &h);
    ck_assert_str_eq(s, genesis);
    ck_assert(!hash256_from_hex(&h, "00"));
    ck_assert(hash256_is_zero(&h));
}
END_TEST

static Suite *hex_suite(void)
{
    Suite *s = suite_create("util/hex");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, encode_decode);
    tcase_add_test(tc, rejects_bad_hex);
    tcase_add_test(tc, hash_display_order);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(hex_suite)
