#include "src/util/rbuf.h"

#include "qa/unit/unit.h"

START_TEST(reads_integers_little_endian)
{
    const uint8_t b[] = { 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e, 0x0f };
    struct rbuf r = rbuf_make(b, sizeof(b));
    uint8_t u8;
    uint16_t u16;
    uint32_t u32;
    uint64_t u64;
    ck_assert(rbuf_u8(&r, &u8) && u8 == 0x01);
    ck_assert(rbuf_u16le(&r, &u16) && u16 == 0x0302);
    ck_assert(rbuf_u32le(&r, &u32) && u32 == 0x07060504);
    ck_assert(rbuf_u64le(&r, &u64) && u64 == 0x0f0e0d0c0b0a0908ull);
    ck_assert_uint_eq(r.len, 0);
    ck_assert(!rbuf_u8(&r, &u8));
    ck_assert_uint_eq(u8, 0);
}
END_TEST

START_TEST(short_reads_fail_and_keep_position)
{
    const uint8_t b[] = { 1, 2, 3 };
    struct rbuf r = rbuf_make(b, sizeof(b));
    uint32_t v = 99;
    ck_assert(!rbuf_u32le(&r, &v));
    ck_assert_uint_eq(v, 0);
    ck_assert_uint_eq(r.len, 3);
    ck_assert_ptr_null(rbuf_take(&r, 4));
    ck_assert_ptr_eq(rbuf_take(&r, 3), b);
}
END_TEST

START_TEST(compact_size_canonical)
{
    static const struct {
        uint8_t bytes[9];
        size_t len;
        uint64_t value;
        bool ok;
    } cases[] = {
        { { 0x00 }, 1, 0, true },
        { { 0xfc }, 1, 0xfc, true },
        { { 0xfd, 0xfd, 0x00 }, 3, 0xfd, true },
        { { 0xfd, 0xfc, 0x00 }, 3, 0, false },          /* fits one byte */
        { { 0xfe, 0xff, 0xff, 0x00, 0x00 }, 5, 0, false }, /* fits 0xfd form */
        { { 0xfe, 0x00, 0x00, 0x01, 0x00 }, 5, 0x10000, true },
        { { 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0 }, 9, 0, false },
        { { 0xff, 0, 0, 0, 0, 1, 0, 0, 0 }, 9, 0x100000000ull, true },
        { { 0xfd, 0x01 }, 2, 0, false },                /* truncated */
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rbuf r = rbuf_make(cases[i].bytes, cases[i].len);
        uint64_t v;
        ck_assert_msg(rbuf_compact(&r, &v, UINT64_MAX) == cases[i].ok, "case %zu", i);
        if (cases[i].ok)
            ck_assert_uint_eq(v, cases[i].value);
        else
            ck_assert_uint_eq(r.len, cases[i].len);
    }
}
END_TEST

/* A non-canonical encoding is told apart from a short or too large one, and the mark survives a rewind. */
START_TEST(compact_size_noncanonical_flag)
{
    const uint8_t nc[] = { 0xfd, 0xfc, 0x00 };
    const uint8_t shrt[] = { 0xfd, 0x01 };
    const uint8_t big[] = { 0xfe, 0x01, 0x00, 0x00, 0x02 };
    uint64_t v;
    struct rbuf r = rbuf_make(nc, sizeof(nc));
    ck_assert(!r.noncanonical);
    ck_assert(!rbuf_compact(&r, &v, UINT64_MAX));
    ck_assert(r.noncanonical);
    ck_assert_uint_eq(r.len, sizeof(nc)); /* position kept */
    struct rbuf mark = rbuf_make(nc, sizeof(nc));
    rbuf_rewind(&r, mark);
    ck_assert(r.noncanonical);
    r = rbuf_make(shrt, sizeof(shrt));
    ck_assert(!rbuf_compact(&r, &v, UINT64_MAX));
    ck_assert(!r.noncanonical);
    r = rbuf_make(big, sizeof(big));
    ck_assert(!rbuf_compact(&r, &v, RBUF_MAX_COMPACT_SIZE));
    ck_assert(!r.noncanonical);
}
END_TEST

START_TEST(compact_size_max)
{
    const uint8_t over[] = { 0xfe, 0x01, 0x00, 0x00, 0x02 }; /* 0x02000001 */
    const uint8_t at[] = { 0xfe, 0x00, 0x00, 0x00, 0x02 };
    struct rbuf r = rbuf_make(over, sizeof(over));
    uint64_t v;
    ck_assert(!rbuf_compact(&r, &v, RBUF_MAX_COMPACT_SIZE));
    r = rbuf_make(at, sizeof(at));
    ck_assert(rbuf_compact(&r, &v, RBUF_MAX_COMPACT_SIZE));
    ck_assert_uint_eq(v, RBUF_MAX_COMPACT_SIZE);
}
END_TEST

static Suite *rbuf_suite(void)
{
    Suite *s = suite_create("util/rbuf");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reads_integers_little_endian);
    tcase_add_test(tc, short_reads_fail_and_keep_position);
    tcase_add_test(tc, compact_size_canonical);
    tcase_add_test(tc, compact_size_max);
    tcase_add_test(tc, compact_size_noncanonical_flag);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rbuf_suite)
