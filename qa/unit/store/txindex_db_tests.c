#include "src/store/txindex_db.h"

#include <string.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/store/kvdb.h"

START_TEST(write_read_erase)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "indexes/txindex");
    struct store_error err;
    struct txindex_db *db = txindex_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct txindex_entry e[3];
    for (int i = 0; i < 3; i++) {
        memset(e[i].txid.b, i + 1, 32);
        e[i].pos.block.file = i;
        e[i].pos.block.pos = 8 + 1000u * (uint32_t)i;
        e[i].pos.tx_offset = 1 + 250u * (uint32_t)i;
    }
    struct hash256 best, got;
    memset(best.b, 0xbb, 32);
    ck_assert_int_eq(txindex_db_get_best_block(db, &got, &err), 0);
    ck_assert_int_eq(txindex_db_write(db, e, 3, &best, true, &err), 0);
    txindex_db_close(db);

    db = txindex_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(txindex_db_get_best_block(db, &got, &err), 1);
    ck_assert(hash256_eq(&got, &best));
    for (int i = 0; i < 3; i++) {
        struct tx_disk_pos p;
        ck_assert_int_eq(txindex_db_read(db, &p, &e[i].txid, &err), 1);
        ck_assert_int_eq(p.block.file, e[i].pos.block.file);
        ck_assert_uint_eq(p.block.pos, e[i].pos.block.pos);
        ck_assert_uint_eq(p.tx_offset, e[i].pos.tx_offset);
    }
    ck_assert_int_eq(txindex_db_erase(db, &e[1].txid, 1, &err), 0);
    struct tx_disk_pos p;
    ck_assert_int_eq(txindex_db_read(db, &p, &e[1].txid, &err), 0);
    ck_assert_int_eq(p.block.file, -1);
    ck_assert_int_eq(txindex_db_read(db, &p, &e[2].txid, &err), 1);
    txindex_db_close(db);

    /* A garbage entry is corruption. */
    struct kvdb *kv = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(kv);
    uint8_t key[33] = {'t'};
    memset(key + 1, 0x99, 32);
    ck_assert_int_eq(kvdb_put(kv, key, sizeof(key), "\xff", 1, true, &err), 0);
    kvdb_close(kv);
    db = txindex_db_open(path, 1 << 20, false, &err);
    struct hash256 bad;
    memset(bad.b, 0x99, 32);
    ck_assert_int_eq(txindex_db_read(db, &p, &bad, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    txindex_db_close(db);
    /* wipe */
    db = txindex_db_open(path, 1 << 20, true, &err);
    ck_assert_int_eq(txindex_db_read(db, &p, &e[2].txid, &err), 0);
    txindex_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

static Suite *txindex_db_suite(void)
{
    Suite *s = suite_create("store_txindex_db");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, write_read_erase);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(txindex_db_suite)
