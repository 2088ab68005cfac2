/* Tests of src/node/wallet_glue.c: the -walletnotify command (Core's
 * substitutions and shell quoting of the wallet name). */
#include "src/node/wallet_glue.h"

#include <string.h>

#include "qa/unit/unit.h"

START_TEST(test_walletnotify_format)
{
    char out[256];
    ck_assert(wallet_glue_notify_format(out, sizeof(out), "echo %s %b %h %w", "aa11", "w", "bb22", 7));
    ck_assert_str_eq(out, "echo aa11 bb22 7 'w'");
    /* Unconfirmed: "unconfirmed" and -1, whatever height is passed. */
    ck_assert(wallet_glue_notify_format(out, sizeof(out), "%b/%h", "aa", "w", NULL, 5));
    ck_assert_str_eq(out, "unconfirmed/-1");
    /* A quote in the wallet name cannot end the quoting (Core's ShellEscape). */
    ck_assert(wallet_glue_notify_format(out, sizeof(out), "x %w", "t", "it's; rm -rf /", NULL, -1));
    ck_assert_str_eq(out, "x 'it'\"'\"'s; rm -rf /'");
    /* Other % sequences and a trailing % stay as they are; %s repeats. */
    ck_assert(wallet_glue_notify_format(out, sizeof(out), "%s %d %s %", "t", "w", NULL, -1));
    ck_assert_str_eq(out, "t %d t %");
    /* Too long: refused, output empty. */
    char small[8];
    ck_assert(!wallet_glue_notify_format(small, sizeof(small), "echo %s", "0123456789", "w", NULL, -1));
    ck_assert_str_eq(small, "");
    ck_assert(wallet_glue_notify_format(small, sizeof(small), "1234567", "t", "w", NULL, -1));
    ck_assert(!wallet_glue_notify_format(small, sizeof(small), "12345678", "t", "w", NULL, -1));
}
END_TEST

static Suite *wallet_glue_suite(void)
{
    Suite *s = suite_create("wallet_glue");
    TCase *tc = tcase_create("notify");
    tcase_add_test(tc, test_walletnotify_format);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(wallet_glue_suite)
