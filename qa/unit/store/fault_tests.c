#include "src/store/fault.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/store/flatfile.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"

static const uint8_t MAGIC[4] = {0xfa, 0xbf, 0xb5, 0xda};

START_TEST(parse_values)
{
    struct store_fault f;
    ck_assert(store_fault_parse(&f, "X", NULL));
    ck_assert(!store_fault_enabled(&f));
    ck_assert(store_fault_parse(&f, "X", ""));
    ck_assert(!store_fault_enabled(&f));
    ck_assert(store_fault_parse(&f, "X", "3"));
    ck_assert(store_fault_enabled(&f));
    ck_assert_uint_eq(f.after, 3);
    ck_assert(!f.applied);
    ck_assert(store_fault_parse(&f, "X", "12:applied"));
    ck_assert_uint_eq(f.after, 12);
    ck_assert(f.applied);
    const char *bad[] = { "0", "-1", " 1", "1x", "1:", "1:apply", "x", "99999999999999999999999", ":applied" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!store_fault_parse(&f, "X", bad[i]), "%s accepted", bad[i]);
        ck_assert(!store_fault_enabled(&f));
    }
}
END_TEST

START_TEST(sticky_from_the_nth_write)
{
    struct store_fault f;
    ck_assert(store_fault_parse(&f, "X", "3"));
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_PASS);
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_PASS);
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_FAIL);
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_FAIL);
    ck_assert(store_fault_parse(&f, "X", "1:applied"));
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_APPLY);
    ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_FAIL);
    ck_assert(store_fault_parse(&f, "X", NULL));
    for (int i = 0; i < 5; i++)
        ck_assert_int_eq(store_fault_next(&f), STORE_FAULT_PASS);
}
END_TEST

static off_t size_of(const char *dir, const char *prefix)
{
    char path[512];
    ck_assert(flatfile_path(path, sizeof(path), dir, prefix, 0));
    struct stat st;
    return stat(path, &st) == 0 ? st.st_size : -1;
}

/* The second block write is torn (half written) and fails; later writes fail
 * too; what was written before stays readable and the info is unchanged. */
START_TEST(block_write_fault_is_torn_and_sticky)
{
    char dir[64];
    tmpdir_make(dir);
    setenv("HASHMINT_FAULT_BLOCKFILE", "2", 1);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    unsetenv("HASHMINT_FAULT_BLOCKFILE");
    ck_assert_ptr_nonnull(ff);
    uint8_t data[200];
    memset(data, 0x5a, sizeof(data));
    struct flat_pos p1, p2;
    ck_assert_int_eq(flatfile_write_block(ff, &p1, data, sizeof(data), 1, 100, &err), 0);
    ck_assert_int_eq(flatfile_write_block(ff, &p2, data, sizeof(data), 2, 101, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "Input/output error"));
    ck_assert_int_eq(p2.file, -1);
    /* Half of the second record reached the file. */
    ck_assert_int_eq(size_of(dir, "blk"), 208 + 104);
    struct flat_file_info info;
    ck_assert(flatfile_get_info(ff, &info, 0));
    ck_assert_uint_eq(info.size, 208);
    ck_assert_uint_eq(info.blocks, 1);
    ck_assert_int_eq(flatfile_write_block(ff, &p2, data, sizeof(data), 2, 101, &err), -1);
    uint8_t *back;
    size_t n;
    ck_assert_int_eq(flatfile_read_block(ff, &back, &n, &p1, &err), 0);
    ck_assert_uint_eq(n, sizeof(data));
    mem_free(back);
    /* Undo writes and fsyncs are not affected. */
    struct hash256 h;
    memset(&h, 7, sizeof(h));
    struct flat_pos up;
    ck_assert_int_eq(flatfile_write_undo(ff, &up, 0, data, 10, &h, &err), 0);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);
    flatfile_close(ff);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(undo_write_and_fsync_faults)
{
    char dir[64];
    tmpdir_make(dir);
    setenv("HASHMINT_FAULT_UNDOFILE", "1", 1);
    setenv("HASHMINT_FAULT_FSYNC", "2:applied", 1);
    struct store_error err;
    struct flatfile *ff = flatfile_open(dir, MAGIC, &err);
    unsetenv("HASHMINT_FAULT_UNDOFILE");
    unsetenv("HASHMINT_FAULT_FSYNC");
    ck_assert_ptr_nonnull(ff);
    uint8_t data[100];
    memset(data, 1, sizeof(data));
    struct hash256 h;
    memset(&h, 7, sizeof(h));
    struct flat_pos pos;
    ck_assert_int_eq(flatfile_write_undo(ff, &pos, 0, data, sizeof(data), &h, &err), -1);
    ck_assert_int_eq(size_of(dir, "rev"), (8 + 100 + 32) / 2);
    ck_assert_int_eq(flatfile_write_block(ff, &pos, data, sizeof(data), 1, 1, &err), 0);
    ck_assert_int_eq(flatfile_flush(ff, &err), 0);  /* fsync #1 */
    ck_assert_int_eq(flatfile_write_block(ff, &pos, data, sizeof(data), 1, 1, &err), 0);
    ck_assert_int_eq(flatfile_flush(ff, &err), -1); /* fsync #2: done, then reported failed */
    ck_assert_ptr_nonnull(strstr(err.msg, "cannot fsync"));
    ck_assert_int_eq(flatfile_flush(ff, &err), -1); /* still unsynced: #3 fails */
    flatfile_close(ff);
    tmpdir_remove(dir);
}
END_TEST

static int get_str(struct kvdb *db, const char *key, char *out, size_t outlen)
{
    uint8_t *v;
    size_t n;
    int rc = kvdb_get(db, &v, &n, key, strlen(key), NULL);
    if (rc == 1) {
        snprintf(out, outlen, "%.*s", (int)n, (const char *)v);
        mem_free(v);
    }
    return rc;
}

/* The variable is named after the database directory; a failing batch is
 * not applied, an ":applied" one is, and later ones fail. */
START_TEST(leveldb_write_faults)
{
    char dir[64], path[128], other[128], buf[16];
    tmpdir_make(dir);
    snprintf(path, sizeof(path), "%s/chainstate", dir);
    snprintf(other, sizeof(other), "%s/index/", dir);
    setenv("HASHMINT_FAULT_LEVELDB_CHAINSTATE", "2:applied", 1);
    setenv("HASHMINT_FAULT_LEVELDB_INDEX", "1", 1);
    struct store_error err;
    struct kvdb *db = kvdb_open(path, 1 << 20, false, &err);
    struct kvdb *idx = kvdb_open(other, 1 << 20, false, &err);
    unsetenv("HASHMINT_FAULT_LEVELDB_CHAINSTATE");
    unsetenv("HASHMINT_FAULT_LEVELDB_INDEX");
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_nonnull(idx);
    ck_assert_int_eq(kvdb_put(db, "a", 1, "1", 1, true, &err), 0);
    ck_assert_int_eq(kvdb_put(db, "b", 1, "2", 1, true, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    ck_assert_ptr_nonnull(strstr(err.msg, "injected fault"));
    ck_assert_int_eq(get_str(db, "b", buf, sizeof(buf)), 1); /* applied */
    ck_assert_int_eq(kvdb_put(db, "c", 1, "3", 1, false, &err), -1);
    ck_assert_int_eq(get_str(db, "c", buf, sizeof(buf)), 0); /* not applied */
    ck_assert_int_eq(kvdb_put(idx, "a", 1, "1", 1, true, &err), -1);
    ck_assert_int_eq(get_str(idx, "a", buf, sizeof(buf)), 0);
    kvdb_close(db);
    kvdb_close(idx);
    /* Without the variables, writes work again. */
    db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(kvdb_put(db, "c", 1, "3", 1, true, &err), 0);
    ck_assert_int_eq(get_str(db, "a", buf, sizeof(buf)), 1);
    ck_assert_str_eq(buf, "1");
    kvdb_close(db);
    tmpdir_remove(dir);
}
END_TEST

static Suite *fault_suite(void)
{
    Suite *s = suite_create("store_fault");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, parse_values);
    tcase_add_test(tc, sticky_from_the_nth_write);
    tcase_add_test(tc, block_write_fault_is_torn_and_sticky);
    tcase_add_test(tc, undo_write_and_fsync_faults);
    tcase_add_test(tc, leveldb_write_faults);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(fault_suite)
