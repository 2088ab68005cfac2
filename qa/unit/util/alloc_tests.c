#include "src/util/alloc.h"

#include <signal.h>
#include <stdint.h>
#include <string.h>

#include "qa/unit/unit.h"

START_TEST(dup_and_wipe)
{
    char *s = mem_strdup("hashmint");
    ck_assert_str_eq(s, "hashmint");
    mem_wipe(s, 8);
    for (int i = 0; i < 8; i++)
        ck_assert_int_eq(s[i], 0);
    mem_free(s);
    mem_free(NULL);
    uint8_t *z = mem_calloc(16, 4);
    for (int i = 0; i < 64; i++)
        ck_assert_int_eq(z[i], 0);
    z = mem_realloc(z, 128);
    mem_free(z);
    void *empty = mem_alloc(0);
    ck_assert_ptr_nonnull(empty);
    mem_free(empty);
}
END_TEST

/* An impossible size aborts instead of returning NULL. */
START_TEST(calloc_overflow_aborts)
{
    (void)mem_calloc(SIZE_MAX / 2, 4);
}
END_TEST

static Suite *alloc_suite(void)
{
    Suite *s = suite_create("util/alloc");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, dup_and_wipe);
    tcase_add_test_raise_signal(tc, calloc_overflow_aborts, SIGABRT);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(alloc_suite)
