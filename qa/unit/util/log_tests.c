#include "src/util/log.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "qa/unit/unit.h"

static char *read_all(const char *path)
{
    static char buf[4096];
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    size_t n = fread(buf, 1, sizeof(buf) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

START_TEST(categories_filter_lines)
{
    char path[] = "/tmp/hm_log_testXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_open(path, false));
    ck_assert(!log_category_enabled(LOG_NET));
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "hidden %d", 1);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "shown %d", 2);
    ck_assert(log_enable_category("net"));
    log_printf(LOG_NET, LOG_LEVEL_WARNING, "net line\n");
    ck_assert(log_disable_category("net"));
    log_printf(LOG_NET, LOG_LEVEL_INFO, "hidden again");
    ck_assert(!log_enable_category("nonsense"));
    log_close();
    const char *text = read_all(path);
    ck_assert_ptr_null(strstr(text, "hidden"));
    ck_assert_ptr_nonnull(strstr(text, "shown 2\n"));
    ck_assert_ptr_nonnull(strstr(text, "warning: net line\n"));
    unlink(path);
}
END_TEST

START_TEST(all_enables_everything)
{
    ck_assert(log_enable_category("all"));
    ck_assert(log_category_enabled(LOG_DB));
    ck_assert(log_category_enabled(LOG_ZMQ));
    ck_assert(log_disable_category("1"));
    ck_assert(!log_category_enabled(LOG_DB));
}
END_TEST

static Suite *log_suite(void)
{
    Suite *s = suite_create("util/log");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, categories_filter_lines);
    tcase_add_test(tc, all_enables_everything);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(log_suite)
