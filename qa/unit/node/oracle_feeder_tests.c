/* Tests of hashmint-oracle's pure parts: the publish decision
 * (src/node/oracle_decide.c) and the source parsers (src/node/oracle_source.c). */
#include "src/node/oracle_decide.h"
#include "src/node/oracle_source.h"

#include <string.h>

#include "qa/unit/unit.h"

#define P(x) ((uint64_t)(x) * 100000000ULL) /* whole HUSD/HMC to base units */

static const struct oracle_policy POLICY = { .deviation_bp = 50, .maxjump_bp = 2000, .heartbeat = 15 };

START_TEST(test_median)
{
    uint64_t a[] = { 5, 1, 3 };
    ck_assert_uint_eq(oracle_median(a, 3), 3);
    ck_assert_uint_eq(a[0], 5); /* not sorted in place */
    uint64_t b[] = { 4, 1, 3, 2 };
    ck_assert_uint_eq(oracle_median(b, 4), 2); /* (2 + 3) / 2 rounded down */
    uint64_t c[] = { UINT64_MAX, UINT64_MAX - 2 };
    ck_assert_uint_eq(oracle_median(c, 2), UINT64_MAX - 1); /* no overflow */
    uint64_t d[] = { UINT64_MAX, UINT64_MAX };
    ck_assert_uint_eq(oracle_median(d, 2), UINT64_MAX);
    ck_assert_uint_eq(oracle_median(a, 0), 0);
}
END_TEST

START_TEST(test_move_bp)
{
    ck_assert_uint_eq(oracle_move_bp(P(101), P(100)), 100);
    ck_assert_uint_eq(oracle_move_bp(P(99), P(100)), 100);
    ck_assert_uint_eq(oracle_move_bp(P(100), P(100)), 0);
    ck_assert_uint_eq(oracle_move_bp(1, 0), UINT32_MAX);
    ck_assert_uint_eq(oracle_move_bp(0, 0), 0);
    ck_assert_uint_eq(oracle_move_bp(UINT64_MAX, 1), UINT32_MAX); /* saturates */
}
END_TEST

START_TEST(test_decide_deviation)
{
    struct oracle_chain c = { .price = P(100), .price_height = 10, .tip_height = 12 };
    uint64_t m;
    uint64_t small[] = { P(100) + P(1) / 5 }; /* +0.2% */
    ck_assert_int_eq(oracle_decide(&POLICY, &c, small, 1, &m), ORACLE_HOLD);
    ck_assert_uint_eq(m, small[0]);
    uint64_t edge[] = { P(100) + P(1) / 2 }; /* +0.5%: publishes (at least) */
    ck_assert_int_eq(oracle_decide(&POLICY, &c, edge, 1, &m), ORACLE_PUBLISH_DEVIATION);
    uint64_t down[] = { P(98) }; /* -2% from a lone source: within -maxjump */
    ck_assert_int_eq(oracle_decide(&POLICY, &c, down, 1, &m), ORACLE_PUBLISH_DEVIATION);
    ck_assert_int_eq(oracle_decide(&POLICY, &c, down, 0, &m), ORACLE_NO_SOURCES);
    /* No on-chain price yet: anything publishes. */
    struct oracle_chain none = { 0 };
    ck_assert_int_eq(oracle_decide(&POLICY, &none, down, 1, &m), ORACLE_PUBLISH_DEVIATION);
}
END_TEST

START_TEST(test_decide_heartbeat)
{
    uint64_t m, same[] = { P(100) };
    struct oracle_chain c = { .price = P(100), .price_height = 10, .tip_height = 24 };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, same, 1, &m), ORACLE_HOLD);
    c.tip_height = 25;
    ck_assert_int_eq(oracle_decide(&POLICY, &c, same, 1, &m), ORACLE_PUBLISH_HEARTBEAT);
}
END_TEST

START_TEST(test_decide_maxjump)
{
    uint64_t m;
    struct oracle_chain c = { .price = P(100), .price_height = 10, .tip_height = 11 };
    uint64_t lone[] = { P(50) };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, lone, 1, &m), ORACLE_REFUSE_JUMP);
    /* Two sources disagree: the median jumps, neither is near it. */
    uint64_t split[] = { P(50), P(100) };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, split, 2, &m), ORACLE_REFUSE_JUMP);
    /* Two agree on the jump (within -deviation of the median): accepted. */
    uint64_t two[] = { P(50), P(50) + P(1) / 10 };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, two, 2, &m), ORACLE_PUBLISH_DEVIATION);
    /* One of three jumps alone: the median is the other two, a small move. */
    uint64_t three[] = { P(50), P(100), P(100) };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, three, 3, &m), ORACLE_HOLD);
    ck_assert_uint_eq(m, P(100));
    /* The heartbeat does not override a refused jump. */
    c.tip_height = 100;
    ck_assert_int_eq(oracle_decide(&POLICY, &c, lone, 1, &m), ORACLE_REFUSE_JUMP);
    /* Exactly -maxjump is not a jump. */
    uint64_t twenty[] = { P(80) };
    ck_assert_int_eq(oracle_decide(&POLICY, &c, twenty, 1, &m), ORACLE_PUBLISH_DEVIATION);
}
END_TEST

START_TEST(test_parse_price)
{
    uint64_t p;
    ck_assert(oracle_parse_price(&p, "100", 3));
    ck_assert_uint_eq(p, P(100));
    ck_assert(oracle_parse_price(&p, "100.25", 6));
    ck_assert_uint_eq(p, 10025000000ULL);
    ck_assert(oracle_parse_price(&p, "0.00000001", 10));
    ck_assert_uint_eq(p, 1);
    const char *bad[] = { "", "0", "0.0", "-1", "1.", ".5", "1.000000001", "1e5", "12a", "99999999999", "1 ", "+1" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!oracle_parse_price(&p, bad[i], strlen(bad[i])), "accepted \"%s\"", bad[i]);
}
END_TEST

START_TEST(test_parse_file)
{
    uint64_t p = 0;
    size_t garbage;
    char why[128];
    const char *t = "# comment\n1000 100\n\ngarbage line\n1001 101.5\n1002 -3\n1003 abc\n\xff\xfe\n1004\n";
    ck_assert(oracle_parse_file_text(&p, &garbage, t, strlen(t), 1010, 60, why, sizeof(why)));
    ck_assert_uint_eq(p, 10150000000ULL); /* the last valid line */
    ck_assert_uint_eq(garbage, 5);
    /* CRLF, tabs, trailing blanks; no final newline. */
    const char *crlf = "1000\t99.5 \r\n1001  98";
    ck_assert(oracle_parse_file_text(&p, &garbage, crlf, strlen(crlf), 1001, 0, why, sizeof(why)));
    ck_assert_uint_eq(p, P(98));
    ck_assert_uint_eq(garbage, 0);
    /* Stale: the latest line is older than max_age. */
    ck_assert(!oracle_parse_file_text(&p, &garbage, crlf, strlen(crlf), 5000, 60, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "stale"));
    /* Nothing valid. */
    const char *junk = "x\ny z\n99999999999999999999999 1\n";
    ck_assert(!oracle_parse_file_text(&p, &garbage, junk, strlen(junk), 0, 0, why, sizeof(why)));
    ck_assert_uint_eq(garbage, 3);
    ck_assert(!oracle_parse_file_text(&p, &garbage, "", 0, 0, 0, why, sizeof(why)));
    /* Embedded NUL: the line is garbage, not truncated to a valid one. */
    const char nul[] = "1000 10\0 0\n";
    ck_assert(!oracle_parse_file_text(&p, &garbage, nul, sizeof(nul) - 1, 0, 0, why, sizeof(why)));
}
END_TEST

START_TEST(test_read_file_missing)
{
    uint64_t p;
    char why[128];
    ck_assert(!oracle_read_file_source(&p, "/nonexistent/oracle/prices", 0, 0, why, sizeof(why)));
    ck_assert_ptr_nonnull(strstr(why, "cannot open"));
    ck_assert(!oracle_read_http_source(&p, "http://127.0.0.1:1/x", 2, why, sizeof(why))); /* no #field */
    ck_assert(!oracle_read_http_source(&p, "ftp://h/x#f", 2, why, sizeof(why)));
}
END_TEST

static Suite *oracle_suite(void)
{
    Suite *s = suite_create("oracle");
    TCase *tc = tcase_create("decide");
    tcase_add_test(tc, test_median);
    tcase_add_test(tc, test_move_bp);
    tcase_add_test(tc, test_decide_deviation);
    tcase_add_test(tc, test_decide_heartbeat);
    tcase_add_test(tc, test_decide_maxjump);
    suite_add_tcase(s, tc);
    tc = tcase_create("source");
    tcase_add_test(tc, test_parse_price);
    tcase_add_test(tc, test_parse_file);
    tcase_add_test(tc, test_read_file_missing);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(oracle_suite)
