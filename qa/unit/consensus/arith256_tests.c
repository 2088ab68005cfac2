#include "consensus/arith256.h"

#include <string.h>

#include "qa/unit/unit.h"

static void assert_hex(const struct arith256 *a, const char *want)
{
    char hex[65];
    arith256_to_hex(hex, a);
    ck_assert_str_eq(hex, want);
}

/* Bitcoin Core's arith_uint256_tests "bignum_SetCompact" cases. */
struct compact_case {
    uint32_t compact;
    const char *hex;
    uint32_t recompact; /* GetCompact(negative) of the decoded value */
    bool negative;
    bool overflow;
};

static const struct compact_case COMPACT_CASES[] = {
    { 0x00000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x00123456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x01003456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x02000056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x03000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x04000000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x00923456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x01803456, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x02800056, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x03800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x04800000, "0000000000000000000000000000000000000000000000000000000000000000", 0, false, false },
    { 0x01123456, "0000000000000000000000000000000000000000000000000000000000000012", 0x01120000, false, false },
    { 0x01fedcba, "000000000000000000000000000000000000000000000000000000000000007e", 0x01fe0000, true, false },
    { 0x02123456, "0000000000000000000000000000000000000000000000000000000000001234", 0x02123400, false, false },
    { 0x03123456, "0000000000000000000000000000000000000000000000000000000000123456", 0x03123456, false, false },
    { 0x04123456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04123456, false, false },
    { 0x04923456, "0000000000000000000000000000000000000000000000000000000012345600", 0x04923456, true, false },
    { 0x05009234, "0000000000000000000000000000000000000000000000000000000092340000", 0x05009234, false, false },
    { 0x20123456, "1234560000000000000000000000000000000000000000000000000000000000", 0x20123456, false, false },
};

START_TEST(set_compact_matches_core)
{
    for (size_t i = 0; i < sizeof(COMPACT_CASES) / sizeof(COMPACT_CASES[0]); i++) {
        const struct compact_case *c = &COMPACT_CASES[i];
        struct arith256 a;
        bool negative = !c->negative, overflow = true;
        arith256_set_compact(&a, c->compact, &negative, &overflow);
        assert_hex(&a, c->hex);
        ck_assert_msg(negative == c->negative, "case 0x%08x", c->compact);
        ck_assert(!overflow);
        ck_assert_uint_eq(arith256_get_compact(&a, c->negative), c->recompact);
    }
    /* 0xff123456 does not fit 256 bits */
    struct arith256 a;
    bool negative, overflow = false;
    arith256_set_compact(&a, 0xff123456, &negative, &overflow);
    ck_assert(!negative);
    ck_assert(overflow);
    /* the boundaries of overflow: size 34 with a 1-byte mantissa fits, 35 does not */
    arith256_set_compact(&a, 0x22000001, NULL, &overflow);
    ck_assert(!overflow);
    assert_hex(&a, "0100000000000000000000000000000000000000000000000000000000000000");
    arith256_set_compact(&a, 0x23000001, NULL, &overflow);
    ck_assert(overflow);
    arith256_set_compact(&a, 0x21000100, NULL, &overflow);
    ck_assert(!overflow);
    arith256_set_compact(&a, 0x22000100, NULL, &overflow);
    ck_assert(overflow);
    arith256_set_compact(&a, 0x21010000, NULL, &overflow);
    ck_assert(overflow);
}
END_TEST

START_TEST(get_compact_avoids_sign_bit)
{
    struct arith256 a;
    arith256_set_u64(&a, 0x80);
    ck_assert_uint_eq(arith256_get_compact(&a, false), 0x02008000u);
    arith256_set_u64(&a, 0);
    ck_assert_uint_eq(arith256_get_compact(&a, true), 0u); /* no sign on zero */
    /* Bitcoin's powLimit 00000000ffff...ff encodes as 0x1d00ffff */
    memset(&a, 0xff, sizeof(a));
    a.w[7] = 0;
    ck_assert_uint_eq(arith256_get_compact(&a, false), 0x1d00ffffu);
}
END_TEST

START_TEST(work_from_compact)
{
    struct arith256 w;
    /* Bitcoin's difficulty-1 block: 2^256 / (0xffff * 2^208 + 1) = 0x100010001 */
    arith256_work_from_compact(&w, 0x1d00ffff);
    assert_hex(&w, "0000000000000000000000000000000000000000000000000000000100010001");
    /* regtest's limit: about two hashes per block */
    arith256_work_from_compact(&w, 0x207fffff);
    assert_hex(&w, "0000000000000000000000000000000000000000000000000000000000000002");
    /* hashmint main/test limit 0x0fffff * 2^216: 2^256 / (that + 1) = 0x100001 */
    arith256_work_from_compact(&w, 0x1e0fffff);
    assert_hex(&w, "0000000000000000000000000000000000000000000000000000000000100001");
    /* invalid targets carry no work */
    arith256_work_from_compact(&w, 0x04923456);
    ck_assert(arith256_is_zero(&w));
    arith256_work_from_compact(&w, 0xff123456);
    ck_assert(arith256_is_zero(&w));
    arith256_work_from_compact(&w, 0);
    ck_assert(arith256_is_zero(&w));
    /* work adds up */
    struct arith256 a, b;
    arith256_work_from_compact(&a, 0x1d00ffff);
    arith256_add(&b, &a, &a);
    assert_hex(&b, "0000000000000000000000000000000000000000000000000000000200020002");
}
END_TEST

START_TEST(shifts_mul_div)
{
    struct arith256 a, b, q;
    arith256_set_u64(&a, 1);
    arith256_shl(&a, &a, 255);
    assert_hex(&a, "8000000000000000000000000000000000000000000000000000000000000000");
    ck_assert_uint_eq(arith256_bits(&a), 256);
    arith256_shl(&b, &a, 1);
    ck_assert(arith256_is_zero(&b)); /* shifted out */
    arith256_shr(&b, &a, 200);
    assert_hex(&b, "0000000000000000000000000000000000000000000000000080000000000000");
    arith256_shr(&b, &a, 256);
    ck_assert(arith256_is_zero(&b));

    arith256_set_u64(&a, UINT64_C(0xffffffffffffffff));
    arith256_mul_u64(&b, &a, UINT64_C(0xffffffffffffffff));
    assert_hex(&b, "00000000000000000000000000000000fffffffffffffffe0000000000000001");
    ck_assert(arith256_div_u64(&q, &b, UINT64_C(0xffffffffffffffff)));
    ck_assert(arith256_cmp(&q, &a) == 0);
    ck_assert(!arith256_div_u64(&q, &b, 0));
    ck_assert(arith256_is_zero(&q));

    /* 256-bit by 256-bit: (2^255) / (2^128 + 1) */
    arith256_set_u64(&a, 1);
    arith256_shl(&a, &a, 255);
    arith256_set_u64(&b, 1);
    arith256_shl(&b, &b, 128);
    struct arith256 one;
    arith256_set_u64(&one, 1);
    arith256_add(&b, &b, &one);
    ck_assert(arith256_div(&q, &a, &b));
    assert_hex(&q, "000000000000000000000000000000007fffffffffffffffffffffffffffffff");
    /* smaller numerator gives 0 */
    ck_assert(arith256_div(&q, &one, &b));
    ck_assert(arith256_is_zero(&q));

    /* truncating multiplication, like Core's operator*= */
    arith256_set_u64(&a, 1);
    arith256_shl(&a, &a, 255);
    arith256_mul_u32(&b, &a, 2);
    ck_assert(arith256_is_zero(&b));

    /* subtraction wraps */
    arith256_sub(&b, &one, &a);
    assert_hex(&b, "8000000000000000000000000000000000000000000000000000000000000001");
}
END_TEST

START_TEST(hash_conversion_and_compare)
{
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    h.b[31] = 0x01; /* most significant byte of the number */
    h.b[0] = 0xaa;
    struct arith256 a, b;
    arith256_from_hash(&a, &h);
    assert_hex(&a, "01000000000000000000000000000000000000000000000000000000000000aa");
    struct hash256 back;
    arith256_to_hash(&back, &a);
    ck_assert(hash256_eq(&h, &back));
    arith256_set_u64(&b, 0xab);
    ck_assert_int_eq(arith256_cmp(&a, &b), 1);
    ck_assert_int_eq(arith256_cmp(&b, &a), -1);
    ck_assert_int_eq(arith256_cmp(&a, &a), 0);
    ck_assert_uint_eq(arith256_low64(&b), 0xab);
}
END_TEST

static Suite *arith256_suite(void)
{
    Suite *s = suite_create("arith256");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, set_compact_matches_core);
    tcase_add_test(tc, get_compact_avoids_sign_bit);
    tcase_add_test(tc, work_from_compact);
    tcase_add_test(tc, shifts_mul_div);
    tcase_add_test(tc, hash_conversion_and_compare);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(arith256_suite)
