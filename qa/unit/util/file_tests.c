#include "src/util/file.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "qa/unit/unit.h"

START_TEST(replaces_file_with_mode)
{
    char dir[] = "/tmp/hm-file-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[64], tmp[80];
    snprintf(path, sizeof(path), "%s/data", dir);
    snprintf(tmp, sizeof(tmp), "%s.new", path);

    ck_assert_int_eq(file_write_atomic(path, "first", 5, 0644), 0);
    /* A leftover temporary file with wider permissions is reused safely. */
    FILE *f = fopen(tmp, "w");
    ck_assert_ptr_nonnull(f);
    fputs("stale", f);
    fclose(f);
    chmod(tmp, 0666);
    ck_assert_int_eq(file_write_atomic(path, "second!", 7, 0600), 0);

    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_int_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(st.st_size, 7);
    ck_assert_int_ne(access(tmp, F_OK), 0); /* renamed away */
    char buf[16] = { 0 };
    f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fread(buf, 1, sizeof(buf), f), 7);
    fclose(f);
    ck_assert_str_eq(buf, "second!");
    unlink(path);
    rmdir(dir);
}
END_TEST

START_TEST(fails_cleanly_in_missing_directory)
{
    ck_assert_int_eq(file_write_atomic("/nonexistent-hm-dir/x", "a", 1, 0600), -1);
    ck_assert_int_ne(access("/nonexistent-hm-dir/x.new", F_OK), 0);
}
END_TEST

static Suite *file_suite(void)
{
    Suite *s = suite_create("util/file");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, replaces_file_with_mode);
    tcase_add_test(tc, fails_cleanly_in_missing_directory);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(file_suite)
