#include "src/stratum/vardiff.h"

#include "qa/unit/unit.h"

START_TEST(retarget)
{
    double d;
    /* Too early, too few shares: nothing. */
    ck_assert(!stratum_vardiff_next(&d, 1.0, 100, 5.0, 20, 0.001, 1e6));
    ck_assert(!stratum_vardiff_next(&d, 1.0, 5, 30.0, 20, 0.001, 1e6));
    /* 32 shares in 12 s = 160/min against 20/min: x8, capped at x4. */
    ck_assert(stratum_vardiff_next(&d, 1.0, 32, 12.0, 20, 0.001, 1e6));
    ck_assert_double_eq(d, 4.0);
    /* 16 shares in 24 s = 40/min: x2. */
    ck_assert(stratum_vardiff_next(&d, 1.0, 16, 24.0, 20, 0.001, 1e6));
    ck_assert_double_eq_tol(d, 2.0, 1e-12);
    /* Silence for the longest wait: /4. */
    ck_assert(stratum_vardiff_next(&d, 1.0, 0, 120.0, 20, 0.001, 1e6));
    ck_assert_double_eq(d, 0.25);
    /* 10 shares in 120 s = 5/min: /4 exactly. */
    ck_assert(stratum_vardiff_next(&d, 8.0, 10, 120.0, 20, 0.001, 1e6));
    ck_assert_double_eq_tol(d, 2.0, 1e-12);
    /* On target (within 10%): no message. */
    ck_assert(!stratum_vardiff_next(&d, 1.0, 16, 48.0, 20, 0.001, 1e6));
    ck_assert(!stratum_vardiff_next(&d, 1.0, 17, 48.0, 20, 0.001, 1e6));
    /* Bounds. */
    ck_assert(stratum_vardiff_next(&d, 1.0, 64, 12.0, 20, 0.001, 3.0));
    ck_assert_double_eq(d, 3.0);
    ck_assert(stratum_vardiff_next(&d, 0.002, 0, 120.0, 20, 0.001, 3.0));
    ck_assert_double_eq(d, 0.001);
    ck_assert(!stratum_vardiff_next(&d, 0.001, 0, 120.0, 20, 0.001, 3.0)); /* already at the floor */
    /* Rate 0: fixed difficulty. */
    ck_assert(!stratum_vardiff_next(&d, 1.0, 64, 12.0, 0, 0.001, 1e6));
}
END_TEST

static Suite *vardiff_suite(void)
{
    Suite *s = suite_create("stratum_vardiff");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, retarget);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(vardiff_suite)
