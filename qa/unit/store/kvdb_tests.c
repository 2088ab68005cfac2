#include "src/store/kvdb.h"

#include <dirent.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

START_TEST(get_put_delete)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct kvdb *db = kvdb_open(tmpdir_join(path, dir, "db"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert(kvdb_is_empty(db));
    uint8_t *v;
    size_t n;
    ck_assert_int_eq(kvdb_get(db, &v, &n, "a", 1, &err), 0);
    ck_assert_ptr_null(v);
    ck_assert_int_eq(kvdb_put(db, "a", 1, "hello", 5, true, &err), 0);
    ck_assert_int_eq(kvdb_get(db, &v, &n, "a", 1, &err), 1);
    ck_assert_uint_eq(n, 5);
    ck_assert(memcmp(v, "hello", 5) == 0);
    mem_free(v);
    /* Empty values are values. */
    ck_assert_int_eq(kvdb_put(db, "e", 1, NULL, 0, false, &err), 0);
    ck_assert_int_eq(kvdb_exists(db, "e", 1, &err), 1);
    ck_assert_int_eq(kvdb_delete(db, "a", 1, true, &err), 0);
    ck_assert_int_eq(kvdb_exists(db, "a", 1, &err), 0);
    ck_assert_int_eq(kvdb_delete(db, "zz", 2, true, &err), 0);
    ck_assert(!kvdb_is_empty(db));
    kvdb_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(batches_are_atomic_and_sized)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct kvdb *db = kvdb_open(tmpdir_join(path, dir, "db"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct kvdb_batch *b = kvdb_batch_new();
    size_t empty = kvdb_batch_size(b);
    kvdb_batch_put(b, "k1", 2, "v1", 2);
    /* type + len(1) + key + len(1) + value */
    ck_assert_uint_eq(kvdb_batch_size(b), empty + 1 + 1 + 2 + 1 + 2);
    kvdb_batch_put(b, "k2", 2, "v2", 2);
    kvdb_batch_delete(b, "k1", 2);
    ck_assert_uint_eq(kvdb_batch_count(b), 3);
    /* Not applied before the write. */
    ck_assert_int_eq(kvdb_exists(db, "k2", 2, &err), 0);
    ck_assert_int_eq(kvdb_write(db, b, true, &err), 0);
    ck_assert_int_eq(kvdb_exists(db, "k1", 2, &err), 0); /* later delete wins */
    ck_assert_int_eq(kvdb_exists(db, "k2", 2, &err), 1);
    kvdb_batch_clear(b);
    ck_assert_uint_eq(kvdb_batch_size(b), empty);
    ck_assert_uint_eq(kvdb_batch_count(b), 0);
    /* A big value counts its two-byte length. */
    uint8_t big[300] = {0};
    kvdb_batch_put(b, "k", 1, big, sizeof(big));
    ck_assert_uint_eq(kvdb_batch_size(b), empty + 1 + 1 + 1 + 2 + 300);
    kvdb_batch_free(b);
    kvdb_batch_free(NULL);
    kvdb_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(iterator_order_and_persistence)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "db");
    struct store_error err;
    struct kvdb *db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct kvdb_batch *b = kvdb_batch_new();
    for (uint32_t i = 0; i < 1000; i++) {
        uint8_t k[5] = {'x'};
        be32_write(k + 1, i * 7919 % 1000); /* out of order inserts */
        kvdb_batch_put(b, k, 5, &i, sizeof(i));
    }
    kvdb_batch_put(b, "a", 1, "before", 6);
    kvdb_batch_put(b, "y", 1, "after", 5);
    ck_assert_int_eq(kvdb_write(db, b, true, &err), 0);
    kvdb_batch_free(b);
    kvdb_close(db);

    db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct kvdb_iter *it = kvdb_iter_new(db);
    uint8_t start = 'x';
    uint32_t expect = 0;
    for (kvdb_iter_seek(it, &start, 1); kvdb_iter_valid(it); kvdb_iter_next(it)) {
        size_t kl;
        const uint8_t *k = kvdb_iter_key(it, &kl);
        if (k[0] != 'x')
            break;
        ck_assert_uint_eq(kl, 5);
        ck_assert_uint_eq(be32_read(k + 1), expect);
        size_t vl;
        kvdb_iter_value(it, &vl);
        ck_assert_uint_eq(vl, 4);
        expect++;
    }
    ck_assert_uint_eq(expect, 1000);
    ck_assert(kvdb_iter_valid(it));
    size_t kl;
    ck_assert_uint_eq(kvdb_iter_key(it, &kl)[0], 'y');
    ck_assert_int_eq(kvdb_iter_status(it, &err), 0);
    kvdb_iter_seek_first(it);
    ck_assert_uint_eq(kvdb_iter_key(it, &kl)[0], 'a');
    kvdb_iter_free(it);
    kvdb_compact(db);
    ck_assert_uint_gt(kvdb_estimate_size(db, NULL, 0, NULL, 0), 0);
    kvdb_close(db);

    /* wipe starts empty. */
    db = kvdb_open(path, 1 << 20, true, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert(kvdb_is_empty(db));
    kvdb_close(db);
    tmpdir_remove(dir);
}
END_TEST

/* Overwrites the middle of every .ldb table file with garbage. Returns how many. */
static int garble_tables(const char *path)
{
    DIR *d = opendir(path);
    ck_assert_ptr_nonnull(d);
    struct dirent *e;
    int count = 0;
    while ((e = readdir(d)) != NULL) {
        size_t n = strlen(e->d_name);
        if (n < 4 || strcmp(e->d_name + n - 4, ".ldb") != 0)
            continue;
        char file[512];
        snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
        int fd = open(file, O_RDWR);
        ck_assert_int_ge(fd, 0);
        struct stat st;
        ck_assert_int_eq(fstat(fd, &st), 0);
        uint8_t junk[4096];
        memset(junk, 0x5a, sizeof(junk));
        for (off_t off = 0; off + (off_t)sizeof(junk) < st.st_size / 2; off += 2 * (off_t)sizeof(junk))
            ck_assert_int_eq(pwrite(fd, junk, sizeof(junk), off), (ssize_t)sizeof(junk));
        close(fd);
        count++;
    }
    closedir(d);
    return count;
}

START_TEST(corruption_is_detected)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "db");
    struct store_error err;
    struct kvdb *db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct kvdb_batch *b = kvdb_batch_new();
    uint8_t val[512];
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[4];
        be32_write(k, i);
        memset(val, (int)(i & 0xff), sizeof(val));
        kvdb_batch_put(b, k, 4, val, sizeof(val));
    }
    ck_assert_int_eq(kvdb_write(db, b, true, &err), 0);
    kvdb_batch_free(b);
    kvdb_compact(db); /* moves everything into .ldb tables */
    kvdb_close(db);
    ck_assert_int_gt(garble_tables(path), 0);

    db = kvdb_open(path, 1 << 20, false, &err);
    if (!db) {
        /* Also acceptable: refusing to open, as corruption. */
        ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
        tmpdir_remove(dir);
        return;
    }
    int corrupt = 0;
    for (uint32_t i = 0; i < 2000; i++) {
        uint8_t k[4], *v;
        size_t n;
        be32_write(k, i);
        store_error_clear(&err);
        int rc = kvdb_get(db, &v, &n, k, 4, &err);
        if (rc < 0) {
            ck_assert(store_error_is_corrupt(&err));
            ck_assert_ptr_null(v);
            corrupt++;
        } else {
            mem_free(v);
        }
    }
    ck_assert_int_gt(corrupt, 0);
    /* A full scan stops with a corruption status rather than wrong data. */
    struct kvdb_iter *it = kvdb_iter_new(db);
    size_t seen = 0;
    for (kvdb_iter_seek_first(it); kvdb_iter_valid(it); kvdb_iter_next(it))
        seen++;
    ck_assert_uint_lt(seen, 2000);
    store_error_clear(&err);
    ck_assert_int_eq(kvdb_iter_status(it, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    kvdb_iter_free(it);
    kvdb_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(broken_manifest_refuses_open)
{
    char dir[64], path[256], file[300];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "db");
    struct store_error err;
    struct kvdb *db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(kvdb_put(db, "k", 1, "v", 1, true, &err), 0);
    kvdb_close(db);
    /* CURRENT names a manifest that does not exist. */
    snprintf(file, sizeof(file), "%s/CURRENT", path);
    FILE *f = fopen(file, "w");
    ck_assert_ptr_nonnull(f);
    fputs("MANIFEST-999999\n", f);
    fclose(f);
    store_error_clear(&err);
    db = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_null(db);
    ck_assert_int_ne(err.kind, STORE_ERR_NONE);
    ck_assert_uint_gt(strlen(err.msg), 0);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(open_on_a_file_fails)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "plain");
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fclose(f);
    struct store_error err;
    ck_assert_ptr_null(kvdb_open(path, 1 << 20, false, &err));
    ck_assert_int_eq(err.kind, STORE_ERR_IO);
    kvdb_close(NULL);
    tmpdir_remove(dir);
}
END_TEST

static Suite *kvdb_suite(void)
{
    Suite *s = suite_create("store_kvdb");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, get_put_delete);
    tcase_add_test(tc, batches_are_atomic_and_sized);
    tcase_add_test(tc, iterator_order_and_persistence);
    tcase_add_test(tc, corruption_is_detected);
    tcase_add_test(tc, broken_manifest_refuses_open);
    tcase_add_test(tc, open_on_a_file_fails);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(kvdb_suite)
