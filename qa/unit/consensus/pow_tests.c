#include "consensus/pow.h"

#include <string.h>

#include "qa/unit/unit.h"

static const struct chain_params *get(const char *name)
{
    const struct chain_params *p = chain_params_get(name);
    ck_assert_ptr_nonnull(p);
    return p;
}

/* Bitcoin Core's pow_tests: real retargets of Bitcoin's history. */
START_TEST(bitcoin_retargets_match_core)
{
    const struct chain_params *p = get("bitcoin");
    /* height 32256: the first difficulty increase */
    ck_assert_int_eq(pow_period_first_height(p, 32255), 30240);
    ck_assert_uint_eq(pow_next_work_required(p, 32255, 0x1d00ffff, 1262152739, 1261130161), 0x1d00d86au);
    /* blocks 0..2015 took longer than two weeks: capped at the limit */
    ck_assert_uint_eq(pow_next_work_required(p, 2015, 0x1d00ffff, 1233061996, 1231006505), 0x1d00ffffu);
    /* far faster than planned: clamped to a quarter of the timespan */
    ck_assert_uint_eq(pow_calculate_next_work(p, 0x1c05a3f4, 1279297671, 1279008237), 0x1c0168fdu);
    /* far slower: clamped to four times */
    ck_assert_uint_eq(pow_calculate_next_work(p, 0x1c387f6f, 1269211443, 1263163443), 0x1d00e1fdu);
    /* heights inside a period keep the previous bits, whatever the times */
    ck_assert_uint_eq(pow_next_work_required(p, 32254, 0x1d00ffff, 1, 999999999), 0x1d00ffffu);
    ck_assert_int_eq(pow_period_first_height(p, 32254), -1);
}
END_TEST

START_TEST(hashmint_retargets)
{
    const struct chain_params *p = get("main");
    const int64_t span = 720 * 120;
    ck_assert_int_eq(chain_params_target_timespan(p), span);
    ck_assert(pow_is_retarget_height(p, 720));
    ck_assert(!pow_is_retarget_height(p, 721));
    ck_assert(!pow_is_retarget_height(p, 0));
    ck_assert_int_eq(pow_period_first_height(p, 719), 0);
    ck_assert_int_eq(pow_period_first_height(p, 1439), 720);
    /* twice as fast as planned: the target halves */
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x1d0fffff, 1000000 + span / 2, 1000000), 0x1d07ffffu);
    /* on schedule: unchanged */
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x1d0fffff, 1000000 + span, 1000000), 0x1d0fffffu);
    /* ten times slower: clamped to 4x */
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x1d0fffff, 1000000 + 10 * span, 1000000), 0x1d3ffffcu);
    /* at the limit, easier is impossible */
    ck_assert_uint_eq(pow_next_work_required(p, 719, 0x1e0fffff, 1000000 + 4 * span, 1000000), 0x1e0fffffu);
    /* time going backwards counts as the quarter clamp */
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x1c05a3f4, 1000000, 1000000 + span), 0x1c0168fdu);
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x1c05a3f4, 1000000 + span / 100, 1000000), 0x1c0168fdu);
}
END_TEST

START_TEST(regtest_never_retargets)
{
    const struct chain_params *p = get("regtest");
    ck_assert(p->pow_no_retarget);
    ck_assert_uint_eq(pow_next_work_required(p, 719, 0x207fffff, 1, 1000000000), 0x207fffffu);
    ck_assert_uint_eq(pow_next_work_required(p, 1439, 0x207fffff, 1000000000, 1), 0x207fffffu);
}
END_TEST

START_TEST(timewarp_rule)
{
    const struct chain_params *p = get("main");
    int64_t prev = 1800000000;
    /* the first block of a period may go back at most 600 s */
    ck_assert(pow_timewarp_ok(p, 720, prev - 600, prev));
    ck_assert(!pow_timewarp_ok(p, 720, prev - 601, prev));
    ck_assert(!pow_timewarp_ok(p, 1440, prev - 7200, prev));
    /* other heights are not restricted by this rule */
    ck_assert(pow_timewarp_ok(p, 721, prev - 7200, prev));
    ck_assert(pow_timewarp_ok(p, 0, 0, prev));
    ck_assert(pow_timewarp_ok(get("test"), 720, prev - 600, prev));
    ck_assert(!pow_timewarp_ok(get("test"), 720, prev - 601, prev));
    ck_assert(!pow_timewarp_ok(get("regtest"), 720, prev - 601, prev));
    /* Bitcoin has no such rule */
    ck_assert(pow_timewarp_ok(get("bitcoin"), 2016, prev - 100000, prev));
}
END_TEST

START_TEST(check_pow_ranges)
{
    const struct chain_params *main_p = get("main"), *reg = get("regtest"), *btc = get("bitcoin");
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    /* hash 0 meets every valid target */
    ck_assert(pow_check(&h, 0x1e0fffff, main_p));
    ck_assert(pow_check(&h, 0x207fffff, reg));
    ck_assert(pow_check(&h, 0x1d00ffff, btc));
    /* a target above the limit is invalid even for a tiny hash */
    ck_assert(!pow_check(&h, 0x207fffff, main_p));
    ck_assert(!pow_check(&h, 0x1e0fffff, btc));
    ck_assert(!pow_check(&h, 0x1d010000, btc)); /* 0x010000 * 2^208 > 0xffff... limit */
    /* negative, zero and overflowing targets */
    ck_assert(!pow_check(&h, 0x1d80ffff, btc));
    ck_assert(!pow_check(&h, 0x1d000000, btc));
    ck_assert(!pow_check(&h, 0, btc));
    ck_assert(!pow_check(&h, 0xff123456, reg));
    /* hash equal to the target passes, one above fails */
    struct arith256 t;
    arith256_set_compact(&t, 0x1d00ffff, NULL, NULL);
    arith256_to_hash(&h, &t);
    ck_assert(pow_check(&h, 0x1d00ffff, btc));
    h.b[0] = 1;
    ck_assert(!pow_check(&h, 0x1d00ffff, btc));
    /* Bitcoin's genesis hash meets its bits */
    ck_assert(hash256_from_hex(&h, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f"));
    ck_assert(pow_check(&h, 0x1d00ffff, btc));
    ck_assert(!pow_check(&h, 0x1b00ffff, btc));
}
END_TEST

static Suite *pow_suite(void)
{
    Suite *s = suite_create("pow");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, bitcoin_retargets_match_core);
    tcase_add_test(tc, hashmint_retargets);
    tcase_add_test(tc, regtest_never_retargets);
    tcase_add_test(tc, timewarp_rule);
    tcase_add_test(tc, check_pow_ranges);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(pow_suite)
