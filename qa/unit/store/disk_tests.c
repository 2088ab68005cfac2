#include "src/store/disk.h"

#include <string.h>
#include <sys/stat.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"

START_TEST(free_space)
{
    struct store_error err;
    uint64_t avail = 0;
    /* /tmp normally has more than 50 MiB free; what matters is the arithmetic. */
    bool ok = store_disk_space_ok("/tmp", 0, &avail, &err);
    ck_assert(ok == (avail >= STORE_MIN_DISK_SPACE));
    ck_assert(!store_disk_space_ok("/tmp", UINT64_MAX, &avail, &err));
    ck_assert_int_eq(err.kind, STORE_ERR_DISK_FULL);
    ck_assert_str_eq(err.msg, "Disk space is too low!");
    ck_assert(!store_disk_space_ok("/nonexistent/dir", 0, &avail, &err));
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    ck_assert_uint_eq(avail, 0);
}
END_TEST

START_TEST(mkdirs_and_fsync)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    tmpdir_join(path, dir, "a/b/c");
    ck_assert_int_eq(store_mkdirs(path, &err), 0);
    ck_assert_int_eq(store_mkdirs(path, &err), 0); /* idempotent */
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert(S_ISDIR(st.st_mode));
    ck_assert_int_eq(store_fsync_dir(path, &err), 0);
    /* A file in the way. */
    tmpdir_join(path, dir, "file");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    tmpdir_join(path, dir, "file/sub");
    ck_assert_int_eq(store_mkdirs(path, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    ck_assert_int_eq(store_fsync_dir("/nonexistent/dir", &err), -1);
    tmpdir_remove(dir);
}
END_TEST

static Suite *disk_suite(void)
{
    Suite *s = suite_create("store_disk");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, free_space);
    tcase_add_test(tc, mkdirs_and_fsync);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(disk_suite)
