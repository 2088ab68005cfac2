/* Tests for src/util/check.h: HM_ASSERT aborts on a false condition in debug
 * builds and is compiled out (condition not evaluated) in release builds. */
#include "src/util/check.h"

#include <signal.h>

#include "qa/unit/unit.h"

START_TEST(test_true_condition_passes)
{
    int n = 0;
    HM_ASSERT(++n == 1);
#ifdef HM_DEBUG
    ck_assert_int_eq(n, 1); /* evaluated once */
#else
    ck_assert_int_eq(n, 0); /* compiled out: not evaluated */
#endif
}
END_TEST

#ifdef HM_DEBUG
START_TEST(test_false_condition_aborts)
{
    volatile int broken = 1;
    HM_ASSERT(broken == 0);
}
END_TEST
#endif

static Suite *check_suite(void)
{
    Suite *s = suite_create("check");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_true_condition_passes);
#ifdef HM_DEBUG
    tcase_add_test_raise_signal(tc, test_false_condition_aborts, SIGABRT);
#endif
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(check_suite)
