#include "src/store/error.h"

#include <string.h>

#include "qa/unit/unit.h"

START_TEST(error_helpers)
{
    struct store_error err;
    ck_assert_int_eq(store_error_set(&err, STORE_ERR_CORRUPT, "x=%d", 5), -1);
    ck_assert(store_error_is_corrupt(&err));
    ck_assert_str_eq(err.msg, "x=5");
    store_error_clear(&err);
    ck_assert_int_eq(err.kind, STORE_ERR_NONE);
    ck_assert(!store_error_is_corrupt(NULL));
    ck_assert_int_eq(store_error_set(NULL, STORE_ERR_IO, "ignored"), -1);
}
END_TEST

START_TEST(long_messages_are_truncated)
{
    struct store_error err;
    char big[600];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = 0;
    store_error_set(&err, STORE_ERR_IO, "%s", big);
    ck_assert_uint_eq(strlen(err.msg), sizeof(err.msg) - 1);
}
END_TEST

static Suite *error_suite(void)
{
    Suite *s = suite_create("store_error");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, error_helpers);
    tcase_add_test(tc, long_messages_are_truncated);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(error_suite)
