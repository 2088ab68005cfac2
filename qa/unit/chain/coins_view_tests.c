/* Tests of src/chain/coins_view.c: the DIRTY/FRESH cache over another cache
 * and over the LevelDB coins database, including the two-head flush. */
#include <check.h>
#include <string.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/chain/coins_view.h"
#include "src/store/coins_db.h"
#include "src/util/alloc.h"

static const uint8_t SPK[] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };

static struct outpoint op_n(uint8_t tag, uint32_t n)
{
    struct outpoint op;
    memset(&op, tag, sizeof(op.txid));
    op.n = n;
    return op;
}

static struct coin mk(int64_t v, uint32_t height)
{
    struct coin c;
    coin_init(&c);
    c.out.value = v;
    bytes_set(&c.out.script_pubkey, SPK, sizeof(SPK));
    c.height = height;
    return c;
}

static struct hash256 hh(uint8_t v)
{
    struct hash256 h;
    memset(&h, v, sizeof(h));
    return h;
}

START_TEST(test_layers_and_db)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct coins_db *db = coins_db_open(tmpdir_join(path, dir, "chainstate"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct coins_cache *base = coins_cache_new_db(db);
    struct hash256 best;
    coins_cache_best_block(base, &best);
    ck_assert(hash256_is_zero(&best));

    /* Add 3 coins in a child, flush into the base, then to the database. */
    struct coins_cache *child = coins_cache_new_child(base);
    for (uint32_t i = 0; i < 3; i++) {
        struct coin c = mk(100 + i, 5);
        struct outpoint op = op_n(1, i);
        ck_assert(coins_cache_add(child, &op, &c, false));
        ck_assert_int_eq(c.out.value, 0); /* moved */
    }
    struct outpoint o0 = op_n(1, 0), o1 = op_n(1, 1), o2 = op_n(1, 2);
    ck_assert(!coins_cache_have(base, &o0));
    /* Overwriting an unspent coin needs leave. */
    struct coin dup = mk(1, 5);
    ck_assert(!coins_cache_add(child, &o0, &dup, false));
    /* Spent before a flush while FRESH: it vanishes without trace. */
    ck_assert_int_eq(coins_cache_spend(child, &o2, NULL), 1);
    ck_assert_int_eq(coins_cache_spend(child, &o2, NULL), 0);
    ck_assert_uint_eq(coins_cache_entry_count(child), 2);
    struct hash256 h1 = hh(0x11);
    coins_cache_set_best_block(child, &h1);
    ck_assert_int_eq(coins_cache_flush(child, NULL, 0, &err), 0);
    ck_assert_uint_eq(coins_cache_entry_count(child), 0);
    coins_cache_free(child);
    ck_assert(coins_cache_have(base, &o0));
    ck_assert_uint_eq(coins_cache_dirty_count(base), 2);
    ck_assert_int_eq(coins_cache_flush(base, NULL, 64, &err), 0);
    ck_assert_int_eq(coins_db_have_coin(db, &o0, &err), 1);
    ck_assert_int_eq(coins_db_have_coin(db, &o2, &err), 0);
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 1);
    ck_assert(hash256_eq(&best, &h1));

    /* Read-through from the database, spend in a child, flush both ways. */
    child = coins_cache_new_child(base);
    const struct coin *c;
    ck_assert_int_eq(coins_cache_get(child, &o1, &c), 1);
    ck_assert_int_eq(c->out.value, 101);
    ck_assert_uint_eq(c->height, 5);
    struct coin moved;
    coin_init(&moved);
    ck_assert_int_eq(coins_cache_spend(child, &o1, &moved), 1);
    ck_assert_int_eq(moved.out.value, 101);
    coin_clear(&moved);
    ck_assert(!coins_cache_have(child, &o1));
    ck_assert(coins_cache_have(base, &o1)); /* not flushed yet */
    /* A failed "block": discarding the child leaves the base untouched. */
    coins_cache_free(child);
    ck_assert(coins_cache_have(base, &o1));
    child = coins_cache_new_child(base);
    ck_assert_int_eq(coins_cache_spend(child, &o1, NULL), 1);
    struct hash256 h2 = hh(0x22);
    coins_cache_set_best_block(child, &h2);
    ck_assert_int_eq(coins_cache_flush(child, NULL, 0, &err), 0);
    coins_cache_free(child);
    ck_assert(!coins_cache_have(base, &o1));
    struct outpoint o5 = op_n(5, 0);
    struct coin c5 = mk(55, 6);
    ck_assert(coins_cache_add(base, &o5, &c5, false));
    ck_assert(coins_cache_have(base, &o0)); /* read through: now cached clean */
    ck_assert_int_eq(coins_cache_sync(base, NULL, 0, &err), 0);
    ck_assert(coins_cache_have_in_cache(base, &o5));
    ck_assert_int_eq(coins_db_have_coin(db, &o5, &err), 1);
    ck_assert_int_eq(coins_db_have_coin(db, &o1, &err), 0);
    ck_assert_uint_eq(coins_cache_dirty_count(base), 0);
    ck_assert(coins_cache_have_in_cache(base, &o0)); /* sync keeps clean entries */
    coins_cache_uncache(base, &o0);
    ck_assert(!coins_cache_have_in_cache(base, &o0));
    ck_assert(coins_cache_have(base, &o0));
    /* No head markers left behind. */
    struct hash256 *heads;
    ck_assert_int_eq(coins_db_get_head_blocks(db, &heads, &err), 0);
    mem_free(heads);
    ck_assert(!coins_cache_read_failed(base, NULL));

    /* Unspendable outputs never enter the set. */
    struct coin ret;
    coin_init(&ret);
    uint8_t op_return[] = { 0x6a, 0x01, 0x01 };
    bytes_set(&ret.out.script_pubkey, op_return, sizeof(op_return));
    struct outpoint o9 = op_n(9, 0);
    ck_assert(coins_cache_add(base, &o9, &ret, false));
    ck_assert(!coins_cache_have(base, &o9));
    coins_cache_free(base);
    coins_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(test_respent_dirty_not_fresh)
{
    /* Spend a coin the parent has, then re-add it: the spend must still
     * reach the parent if the re-added coin is spent again. */
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct coins_db *db = coins_db_open(tmpdir_join(path, dir, "cs"), 1 << 20, false, &err);
    struct coins_cache *base = coins_cache_new_db(db);
    struct outpoint o = op_n(3, 0);
    struct coin c = mk(5, 1);
    ck_assert(coins_cache_add(base, &o, &c, false));
    struct coins_cache *child = coins_cache_new_child(base);
    ck_assert_int_eq(coins_cache_spend(child, &o, NULL), 1);
    c = mk(6, 2);
    ck_assert(coins_cache_add(child, &o, &c, false));
    ck_assert_int_eq(coins_cache_spend(child, &o, NULL), 1);
    ck_assert_int_eq(coins_cache_flush(child, NULL, 0, &err), 0);
    ck_assert(!coins_cache_have(base, &o));
    coins_cache_free(child);
    size_t before = coins_cache_memory_usage(base);
    ck_assert(before > 0);
    coins_cache_free(base);
    coins_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(test_many_coins_rehash)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct coins_db *db = coins_db_open(tmpdir_join(path, dir, "cs"), 1 << 20, false, &err);
    struct coins_cache *base = coins_cache_new_db(db);
    for (uint32_t i = 0; i < 5000; i++) {
        struct outpoint o = op_n((uint8_t)(i & 0xff), i);
        struct coin c = mk(i + 1, i);
        ck_assert(coins_cache_add(base, &o, &c, false));
    }
    ck_assert_uint_eq(coins_cache_entry_count(base), 5000);
    for (uint32_t i = 0; i < 5000; i += 2) {
        struct outpoint o = op_n((uint8_t)(i & 0xff), i);
        ck_assert_int_eq(coins_cache_spend(base, &o, NULL), 1);
    }
    ck_assert_uint_eq(coins_cache_entry_count(base), 2500); /* FRESH spends vanish */
    struct hash256 h = hh(0x33);
    coins_cache_set_best_block(base, &h);
    ck_assert_int_eq(coins_cache_flush(base, NULL, 4096, &err), 0);
    struct coins_stats st;
    ck_assert_int_eq(coins_db_stats(db, &st, &err), 0);
    ck_assert_uint_eq(st.txouts, 2500);
    coins_cache_free(base);
    coins_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

static Suite *coins_view_suite(void)
{
    Suite *s = suite_create("coins_view");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_layers_and_db);
    tcase_add_test(tc, test_respent_dirty_not_fresh);
    tcase_add_test(tc, test_many_coins_rehash);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(coins_view_suite)
