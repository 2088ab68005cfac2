#include "src/util/log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

/* ---- rate limiting (RELIABILITY.md #10) ---- */

static int64_t fake_now;
static int64_t fake_clock(void) { return fake_now; }

static long file_size(const char *path)
{
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    return (long)st.st_size;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    long n = file_size(path);
    char *buf = malloc((size_t)n + 1);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = 0;
    fclose(f);
    return buf;
}

static size_t count(const char *text, const char *needle)
{
    size_t k = 0;
    for (const char *p = strstr(text, needle); p; p = strstr(p + 1, needle))
        k++;
    return k;
}

/* One call site for the flood, one for everything else (their __LINE__s differ). */
static void flood_line(int i) { log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "flood line %06d from a peer", i); }
static void other_line(int i) { log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "other line %d", i); }
static void debug_line(int i) { log_printf(LOG_NET, LOG_LEVEL_DEBUG, "debug line %06d", i); }

START_TEST(ratelimit_per_location)
{
    char path[] = "/tmp/hm_log_rlXXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    close(fd);
    ck_assert(log_open(path, false));
    fake_now = 1000;
    log_set_ratelimit_clock(fake_clock);
    log_set_ratelimit(2000, 60);
    /* Each flood line is 27 (stamp) + 1 + 29 (text) + 1 = 58 bytes: 34 fit in 2,000. */
    for (int i = 0; i < 10000; i++)
        flood_line(i);
    other_line(1);
    ck_assert(log_enable_category("net"));
    for (int i = 0; i < 100; i++)
        debug_line(i);
    ck_assert(log_disable_category("net"));
    long size = file_size(path);
    char *text = slurp(path);
    ck_assert_uint_eq(count(text, "flood line"), 34);
    ck_assert_ptr_nonnull(strstr(text, "flood line 000033"));
    ck_assert_ptr_null(strstr(text, "flood line 000034"));
    ck_assert_uint_eq(count(text, "Excessive logging detected from log_tests.c:"), 1);
    ck_assert_ptr_nonnull(strstr(text, ">2000 bytes logged during the last time window of 60s"));
    /* another location still logs, marked while one is suppressed; debug lines are not limited */
    ck_assert_ptr_nonnull(strstr(text, "[*] warning: other line 1\n"));
    ck_assert_uint_eq(count(text, "debug line"), 100);
    /* 10,000 flood lines (580 KB) left at most the quota plus the warning (and the other lines) */
    ck_assert_int_lt(size, 2000 + 300 + 100 * 60 + 100);
    free(text);

    /* Within the window: still suppressed. After it: what was dropped is reported, logging resumes. */
    fake_now += 59;
    flood_line(20000);
    fake_now += 1;
    flood_line(20001);
    text = slurp(path);
    ck_assert_ptr_null(strstr(text, "flood line 020000"));
    ck_assert_ptr_nonnull(strstr(text, "bytes were dropped during the last 60s."));
    ck_assert_ptr_nonnull(strstr(text, "Restarting logging from log_tests.c:"));
    char want[64];
    snprintf(want, sizeof(want), ": %d bytes were dropped", (10000 - 34 + 1) * 58);
    ck_assert_msg(strstr(text, want) != NULL, "%s", want);
    ck_assert_ptr_nonnull(strstr(text, "Z flood line 020001 from a peer\n")); /* no [*] any more */
    free(text);

    /* 0: no limit */
    log_set_ratelimit(0, 60);
    for (int i = 0; i < 200; i++)
        flood_line(30000 + i);
    text = slurp(path);
    ck_assert_uint_eq(count(text, "flood line 03"), 200);
    free(text);
    log_set_ratelimit(LOG_RATELIMIT_DEFAULT_BYTES, LOG_RATELIMIT_WINDOW_S);
    log_set_ratelimit_clock(NULL);
    log_close();
    unlink(path);
}
END_TEST

static Suite *log_suite(void)
{
    Suite *s = suite_create("util/log");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, categories_filter_lines);
    tcase_add_test(tc, all_enables_everything);
    tcase_add_test(tc, ratelimit_per_location);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(log_suite)
