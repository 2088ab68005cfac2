#include "src/store/block_index_db.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static struct block_index_record make_record(uint32_t nonce, int32_t height, uint32_t status)
{
    struct block_index_record r;
    memset(&r, 0, sizeof(r));
    r.header.version = 0x20000000;
    memset(r.header.prev_hash.b, (int)nonce, 32);
    memset(r.header.merkle_root.b, 0x42, 32);
    r.header.time = 1296688602 + nonce;
    r.header.bits = 0x207fffff;
    r.header.nonce = nonce;
    block_header_hash(&r.hash, &r.header);
    r.height = height;
    r.status = status;
    r.tx_count = nonce + 1;
    r.file = (status & BLOCK_HAVE_MASK) ? 3 : -1;
    r.data_pos = (status & BLOCK_HAVE_DATA) ? 8 + nonce * 1000 : 0;
    r.undo_pos = (status & BLOCK_HAVE_UNDO) ? 8 + nonce * 100 : 0;
    return r;
}

static void assert_same(const struct block_index_record *a, const struct block_index_record *b)
{
    ck_assert(hash256_eq(&a->hash, &b->hash));
    ck_assert_int_eq(a->height, b->height);
    ck_assert_uint_eq(a->status, b->status);
    ck_assert_uint_eq(a->tx_count, b->tx_count);
    ck_assert_int_eq(a->file, b->file);
    ck_assert_uint_eq(a->data_pos, b->data_pos);
    ck_assert_uint_eq(a->undo_pos, b->undo_pos);
    ck_assert_uint_eq(a->header.nonce, b->header.nonce);
    ck_assert_uint_eq(a->header.time, b->header.time);
    ck_assert(hash256_eq(&a->header.prev_hash, &b->header.prev_hash));
}

static void assert_info_eq(const struct flat_file_info *a, const struct flat_file_info *b)
{
    ck_assert_uint_eq(a->blocks, b->blocks);
    ck_assert_uint_eq(a->size, b->size);
    ck_assert_uint_eq(a->undo_size, b->undo_size);
    ck_assert_uint_eq(a->height_first, b->height_first);
    ck_assert_uint_eq(a->height_last, b->height_last);
    ck_assert_uint_eq(a->time_first, b->time_first);
    ck_assert_uint_eq(a->time_last, b->time_last);
}

START_TEST(record_encoding)
{
    struct block_index_record r = make_record(7, 300, BLOCK_VALID_SCRIPTS | BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO);
    struct wbuf w;
    wbuf_init(&w);
    block_index_record_serialize(&w, &r);
    /* VARINT(10000)=cd10, VARINT(300)=812c, status 0x1d, ntx 8, file 3,
     * data 7008=b560, undo 708=8444, then the 80-byte header. */
    static const uint8_t head[] = {0xcd, 0x10, 0x81, 0x2c, 0x1d, 0x08, 0x03, 0xb5, 0x60, 0x84, 0x44};
    ck_assert_uint_eq(w.len, sizeof(head) + 80);
    ck_assert(memcmp(w.data, head, sizeof(head)) == 0);
    struct block_index_record back;
    ck_assert(block_index_record_decode(&back, w.data, w.len));
    assert_same(&r, &back);
    for (size_t k = 0; k < w.len; k++)
        ck_assert(!block_index_record_decode(&back, w.data, k));
    wbuf_u8(&w, 0);
    ck_assert(!block_index_record_decode(&back, w.data, w.len));
    wbuf_clear(&w);

    /* Without data, no file fields are written. */
    r = make_record(1, 5, BLOCK_VALID_TREE);
    wbuf_init(&w);
    block_index_record_serialize(&w, &r);
    ck_assert_uint_eq(w.len, 2 + 1 + 1 + 1 + 80);
    ck_assert(block_index_record_decode(&back, w.data, w.len));
    ck_assert_int_eq(back.file, -1);
    wbuf_clear(&w);

    struct flat_file_info info = {12, 134217000, 9000000, 100, 111, 1296688602, 1296689602}, info2;
    wbuf_init(&w);
    flat_file_info_serialize(&w, &info);
    ck_assert(flat_file_info_decode(&info2, w.data, w.len));
    assert_info_eq(&info, &info2);
    ck_assert(!flat_file_info_decode(&info2, w.data, w.len - 1));
    wbuf_clear(&w);
}
END_TEST

struct collect {
    struct block_index_record recs[16];
    int n;
};

static int collect_cb(void *ctx, const struct block_index_record *rec)
{
    struct collect *c = ctx;
    if (c->n >= 16)
        return 1;
    c->recs[c->n++] = *rec;
    return 0;
}

START_TEST(batch_write_and_load)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "blocks/index");
    struct store_error err;
    struct block_index_db *db = block_index_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);

    struct block_index_record recs[5];
    for (int i = 0; i < 5; i++)
        recs[i] = make_record((uint32_t)i + 1, i, BLOCK_VALID_SCRIPTS | BLOCK_HAVE_DATA | (i % 2 ? BLOCK_HAVE_UNDO : 0));
    struct block_index_file_entry files[2] = {
        {0, {3, 1000, 200, 0, 2, 10, 12}},
        {1, {2, 500, 0, 3, 4, 13, 14}},
    };
    ck_assert_int_eq(block_index_db_write_batch_sync(db, files, 2, 1, recs, 5, &err), 0);
    block_index_db_close(db);

    db = block_index_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct collect c = {.n = 0};
    ck_assert_int_eq(block_index_db_load_all(db, collect_cb, &c, &err), 0);
    ck_assert_int_eq(c.n, 5);
    for (int i = 0; i < 5; i++) {
        bool found = false;
        for (int j = 0; j < c.n; j++)
            if (hash256_eq(&c.recs[j].hash, &recs[i].hash)) {
                assert_same(&c.recs[j], &recs[i]);
                found = true;
            }
        ck_assert(found);
    }
    struct block_index_record one;
    ck_assert_int_eq(block_index_db_read(db, &one, &recs[3].hash, &err), 1);
    assert_same(&one, &recs[3]);
    struct hash256 missing;
    memset(missing.b, 0xee, 32);
    ck_assert_int_eq(block_index_db_read(db, &one, &missing, &err), 0);

    struct flat_file_info info;
    ck_assert_int_eq(block_index_db_read_file_info(db, &info, 1, &err), 1);
    assert_info_eq(&info, &files[1].info);
    ck_assert_int_eq(block_index_db_read_file_info(db, &info, 2, &err), 0);
    int last;
    ck_assert_int_eq(block_index_db_read_last_file(db, &last, &err), 1);
    ck_assert_int_eq(last, 1);

    /* An update overwrites a record (status change after invalidation). */
    recs[2].status |= BLOCK_FAILED_VALID;
    ck_assert_int_eq(block_index_db_write_batch_sync(db, NULL, 0, -1, &recs[2], 1, &err), 0);
    ck_assert_int_eq(block_index_db_read(db, &one, &recs[2].hash, &err), 1);
    ck_assert_uint_eq(one.status & BLOCK_FAILED_MASK, BLOCK_FAILED_VALID);
    ck_assert_int_eq(block_index_db_read_last_file(db, &last, &err), 1);

    /* A stop request from the callback is passed through. */
    c.n = 16;
    ck_assert_int_eq(block_index_db_load_all(db, collect_cb, &c, &err), 1);
    block_index_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(flags_and_reindex)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct block_index_db *db = block_index_db_open(tmpdir_join(path, dir, "index"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    bool v = true;
    ck_assert_int_eq(block_index_db_read_flag(db, &v, "txindex", &err), 0);
    ck_assert(!v);
    ck_assert_int_eq(block_index_db_write_flag(db, "txindex", true, &err), 0);
    ck_assert_int_eq(block_index_db_read_flag(db, &v, "txindex", &err), 1);
    ck_assert(v);
    ck_assert_int_eq(block_index_db_write_flag(db, "txindex", false, &err), 0);
    ck_assert_int_eq(block_index_db_read_flag(db, &v, "txindex", &err), 1);
    ck_assert(!v);
    ck_assert_int_eq(block_index_db_write_flag(db, "", true, &err), -1);
    ck_assert_int_eq(block_index_db_read_reindexing(db, &v, &err), 0);
    ck_assert(!v);
    ck_assert_int_eq(block_index_db_write_reindexing(db, true, &err), 0);
    ck_assert_int_eq(block_index_db_read_reindexing(db, &v, &err), 0);
    ck_assert(v);
    ck_assert_int_eq(block_index_db_write_reindexing(db, false, &err), 0);
    ck_assert_int_eq(block_index_db_read_reindexing(db, &v, &err), 0);
    ck_assert(!v);
    /* Flags are not block records. */
    struct collect c = {.n = 0};
    ck_assert_int_eq(block_index_db_load_all(db, collect_cb, &c, &err), 0);
    ck_assert_int_eq(c.n, 0);
    block_index_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

/* A batch written without sync is in the operating system's hands when the
 * call returns: a process that dies right after it (SIGKILL, no close, no
 * exit handlers) does not lose it. */
START_TEST(unsynced_batch_survives_kill)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "blocks/index");
    struct block_index_record recs[3];
    for (int i = 0; i < 3; i++)
        recs[i] = make_record((uint32_t)i + 20, i + 1, BLOCK_VALID_TRANSACTIONS | BLOCK_HAVE_DATA);
    struct block_index_file_entry file = {2, {3, 3000, 0, 1, 3, 100, 102}};
    pid_t pid = fork();
    ck_assert(pid >= 0);
    if (pid == 0) {
        struct store_error err;
        struct block_index_db *db = block_index_db_open(path, 1 << 20, false, &err);
        if (!db)
            _exit(3);
        /* Two batches, as two accepted blocks write them. */
        if (block_index_db_write_batch(db, &file, 1, 2, recs, 2, false, &err) != 0 ||
            block_index_db_write_batch(db, NULL, 0, 2, &recs[2], 1, false, &err) != 0)
            _exit(4);
        raise(SIGKILL);
        _exit(5);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child status %d", status);

    struct store_error err;
    struct block_index_db *db = block_index_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct block_index_record one;
    for (int i = 0; i < 3; i++) {
        ck_assert_int_eq(block_index_db_read(db, &one, &recs[i].hash, &err), 1);
        assert_same(&one, &recs[i]);
    }
    struct flat_file_info info;
    ck_assert_int_eq(block_index_db_read_file_info(db, &info, 2, &err), 1);
    assert_info_eq(&info, &file.info);
    int last;
    ck_assert_int_eq(block_index_db_read_last_file(db, &last, &err), 1);
    ck_assert_int_eq(last, 2);
    /* The synced variant writes the same way. */
    recs[1].status |= BLOCK_HAVE_UNDO;
    recs[1].undo_pos = 8;
    ck_assert_int_eq(block_index_db_write_batch(db, NULL, 0, -1, &recs[1], 1, true, &err), 0);
    ck_assert_int_eq(block_index_db_read(db, &one, &recs[1].hash, &err), 1);
    assert_same(&one, &recs[1]);
    block_index_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

static Suite *block_index_db_suite(void)
{
    Suite *s = suite_create("store_block_index_db");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, record_encoding);
    tcase_add_test(tc, batch_write_and_load);
    tcase_add_test(tc, flags_and_reindex);
    tcase_add_test(tc, unsynced_batch_survives_kill);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(block_index_db_suite)
