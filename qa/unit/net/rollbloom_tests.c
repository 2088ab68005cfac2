/* Rolling Bloom filter: no false negatives for the last n keys, a false
 * positive rate near the requested one, old generations forgotten, fixed
 * memory. */
#include "net/rollbloom.h"

#include <string.h>

#include "qa/unit/unit.h"

static void key(uint8_t out[8], uint64_t v)
{
    for (int i = 0; i < 8; i++)
        out[i] = (uint8_t)(v >> (8 * i));
}

START_TEST(remembers_recent_and_rarely_lies)
{
    struct rollbloom *f = rollbloom_new(50000, 0.000001, 11, 22);
    size_t mem = rollbloom_memory(f);
    ck_assert_uint_gt(mem, 400000); /* Core's 50,000 / 1e-6 filter is ~540 kB */
    ck_assert_uint_lt(mem, 700000);
    uint8_t k[8];
    for (uint64_t i = 0; i < 50000; i++) {
        key(k, i);
        rollbloom_insert(f, k, 8);
    }
    for (uint64_t i = 0; i < 50000; i++) {
        key(k, i);
        ck_assert(rollbloom_contains(f, k, 8));
    }
    int fp = 0;
    for (uint64_t i = 1000000; i < 1200000; i++) {
        key(k, i);
        fp += rollbloom_contains(f, k, 8);
    }
    ck_assert_int_le(fp, 5); /* expected ~0.2 at 1e-6 */
    /* 100,000 newer keys push the first 50,000 out (two generations later). */
    for (uint64_t i = 2000000; i < 2100000; i++) {
        key(k, i);
        rollbloom_insert(f, k, 8);
    }
    int still = 0;
    for (uint64_t i = 0; i < 50000; i++) {
        key(k, i);
        still += rollbloom_contains(f, k, 8);
    }
    ck_assert_int_le(still, 5);
    for (uint64_t i = 2050000; i < 2100000; i++) {
        key(k, i);
        ck_assert(rollbloom_contains(f, k, 8));
    }
    ck_assert_uint_eq(rollbloom_memory(f), mem); /* never grows */
    rollbloom_reset(f);
    key(k, 2099999);
    ck_assert(!rollbloom_contains(f, k, 8));
    rollbloom_free(f);
}
END_TEST

START_TEST(keys_differ_between_filters)
{
    /* Different tweaks: a key colliding in one filter is unlikely to in the other. */
    struct rollbloom *a = rollbloom_new(100, 0.01, 1, 2), *b = rollbloom_new(100, 0.01, 3, 4);
    uint8_t k[8];
    for (uint64_t i = 0; i < 100; i++) {
        key(k, i);
        rollbloom_insert(a, k, 8);
        rollbloom_insert(b, k, 8);
    }
    int both = 0, fa = 0;
    for (uint64_t i = 1000; i < 21000; i++) {
        key(k, i);
        bool x = rollbloom_contains(a, k, 8), y = rollbloom_contains(b, k, 8);
        fa += x;
        both += x && y;
    }
    ck_assert_int_lt(fa, 20000 / 20); /* ~1 % */
    ck_assert_int_lt(both, fa / 4 + 2);
    rollbloom_free(a);
    rollbloom_free(b);
    rollbloom_free(NULL);
}
END_TEST

static Suite *rollbloom_suite(void)
{
    Suite *s = suite_create("net/rollbloom");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, remembers_recent_and_rarely_lies);
    tcase_add_test(tc, keys_differ_between_filters);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rollbloom_suite)
