#include "src/store/coins_db.h"

#include <string.h>
#include <sys/wait.h>

#include "qa/unit/store/tmpdir.h"
#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"

static struct hash256 h(uint8_t fill)
{
    struct hash256 x;
    memset(x.b, fill, 32);
    return x;
}

/* A P2PKH coin whose fields derive from i. */
static void make_coin(struct coin *c, uint32_t i)
{
    coin_init(c);
    uint8_t s[25] = {0x76, 0xa9, 20};
    memset(s + 3, (int)i, 20);
    s[23] = 0x88;
    s[24] = 0xac;
    bytes_set(&c->out.script_pubkey, s, sizeof(s));
    c->out.value = 1000 + i;
    c->height = i;
    c->coinbase = (i % 5) == 0;
}

static struct outpoint op_of(uint32_t i)
{
    struct outpoint op;
    memset(op.txid.b, 0, 32);
    op.txid.b[0] = (uint8_t)(i / 3);
    op.txid.b[1] = (uint8_t)(i / 3 >> 8);
    op.n = i % 3 * 100; /* 0, 100, 200: VARINT lengths 1, 1, 2 */
    return op;
}

/* Builds nchanges changes adding coins 0..n-1. */
static struct coins_change *add_changes(struct coin *coins, uint32_t n)
{
    struct coins_change *ch = mem_calloc(n, sizeof(*ch));
    for (uint32_t i = 0; i < n; i++) {
        make_coin(&coins[i], i);
        ch[i].outpoint = op_of(i);
        ch[i].coin = &coins[i];
    }
    return ch;
}

static void clear_coins(struct coin *coins, uint32_t n)
{
    for (uint32_t i = 0; i < n; i++)
        coin_clear(&coins[i]);
}

START_TEST(key_encoding)
{
    uint8_t key[38];
    struct outpoint op = {h(0xab), 0};
    ck_assert_uint_eq(coins_db_key(key, &op), 34);
    ck_assert_uint_eq(key[0], 'C');
    ck_assert_uint_eq(key[33], 0);
    op.n = 128;
    ck_assert_uint_eq(coins_db_key(key, &op), 35);
    ck_assert_uint_eq(key[33], 0x80);
    ck_assert_uint_eq(key[34], 0x00);
    op.n = UINT32_MAX;
    ck_assert_uint_eq(coins_db_key(key, &op), 38);
}
END_TEST

START_TEST(put_get_delete)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "chainstate");
    struct store_error err;
    struct coins_db *db = coins_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct hash256 best, *heads;
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 0);
    ck_assert_int_eq(coins_db_get_head_blocks(db, &heads, &err), 0);
    ck_assert_ptr_null(heads);

    enum { N = 300 };
    struct coin coins[N];
    struct coins_change *ch = add_changes(coins, N);
    struct hash256 tip1 = h(1), tip2 = h(2);
    /* Tiny batches: many partial writes. */
    ck_assert_int_eq(coins_db_batch_write(db, ch, N, NULL, 0, &tip1, NULL, 1000, &err), 0);
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 1);
    ck_assert(hash256_eq(&best, &tip1));
    ck_assert_int_eq(coins_db_get_head_blocks(db, &heads, &err), 0);
    for (uint32_t i = 0; i < N; i++) {
        struct coin c;
        struct outpoint op = op_of(i);
        ck_assert_int_eq(coins_db_get_coin(db, &c, &op, &err), 1);
        ck_assert_int_eq(c.out.value, coins[i].out.value);
        ck_assert_uint_eq(c.height, i);
        ck_assert(c.coinbase == coins[i].coinbase);
        ck_assert(memcmp(c.out.script_pubkey.data, coins[i].out.script_pubkey.data, 25) == 0);
        coin_clear(&c);
    }
    /* Spend the even ones. */
    for (uint32_t i = 0; i < N; i++)
        ch[i].spent = (i % 2) == 0;
    ck_assert_int_eq(coins_db_batch_write(db, ch, N, NULL, 0, &tip2, NULL, 0, &err), 0);
    coins_db_close(db);

    db = coins_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 1);
    ck_assert(hash256_eq(&best, &tip2));
    for (uint32_t i = 0; i < N; i++) {
        struct outpoint op = op_of(i);
        ck_assert_int_eq(coins_db_have_coin(db, &op, &err), (i % 2) ? 1 : 0);
    }
    struct coin c;
    struct outpoint none = {h(9), 7};
    ck_assert_int_eq(coins_db_get_coin(db, &c, &none, &err), 0);
    coins_db_close(db);
    clear_coins(coins, N);
    mem_free(ch);
    tmpdir_remove(dir);
}
END_TEST

/* Core's -dbcrashratio path: the child dies after the first partial batch;
 * the database must then say "between old and new tip". */
START_TEST(two_head_protocol_crash)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "chainstate");
    struct store_error err;
    enum { N = 200 };
    struct coin coins[N];
    struct coins_change *ch = add_changes(coins, N);
    struct hash256 old_tip = h(0x0a), new_tip = h(0x0b), *heads;

    struct coins_db *db = coins_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    ck_assert_int_eq(coins_db_batch_write(db, ch, 10, NULL, 0, &old_tip, NULL, 0, &err), 0);
    coins_db_close(db);

    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        struct coins_db *cdb = coins_db_open(path, 1 << 20, false, NULL);
        if (!cdb)
            _exit(3);
        coins_db_set_crash_ratio(cdb, 1); /* always "crash" after a partial batch */
        coins_db_batch_write(cdb, ch + 10, N - 10, NULL, 0, &new_tip, NULL, 1000, NULL);
        _exit(4); /* not reached if the crash hook works */
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert(WIFEXITED(status));
    ck_assert_int_eq(WEXITSTATUS(status), 0);

    db = coins_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct hash256 best;
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 0);
    ck_assert_int_eq(coins_db_get_head_blocks(db, &heads, &err), 2);
    ck_assert(hash256_eq(&heads[0], &new_tip));
    ck_assert(hash256_eq(&heads[1], &old_tip));
    mem_free(heads);
    /* Some but not all of the new coins made it. */
    int present = 0;
    for (uint32_t i = 10; i < N; i++) {
        struct outpoint op = op_of(i);
        present += coins_db_have_coin(db, &op, &err);
    }
    ck_assert_int_gt(present, 0);
    ck_assert_int_lt(present, N - 10);

    /* A flush to another tip while the marker is there is refused. */
    struct hash256 elsewhere = h(0x0c);
    ck_assert_int_eq(coins_db_batch_write(db, NULL, 0, NULL, 0, &elsewhere, NULL, 0, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_INVALID);
    /* The replay flushes to new_tip; old_tip comes from the marker. */
    ck_assert_int_eq(coins_db_batch_write(db, ch + 10, N - 10, NULL, 0, &new_tip, NULL, 0, &err), 0);
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), 1);
    ck_assert(hash256_eq(&best, &new_tip));
    ck_assert_int_eq(coins_db_get_head_blocks(db, &heads, &err), 0);
    for (uint32_t i = 0; i < N; i++) {
        struct outpoint op = op_of(i);
        ck_assert_int_eq(coins_db_have_coin(db, &op, &err), 1);
    }
    coins_db_close(db);
    clear_coins(coins, N);
    mem_free(ch);
    tmpdir_remove(dir);
}
END_TEST

static int count_issuance(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len)
{
    (void)val;
    (void)val_len;
    ck_assert_uint_ge(key_len, 1);
    ck_assert_uint_eq(key[0], 's');
    (*(int *)ctx)++;
    return 0;
}

START_TEST(issuance_entries)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct coins_db *db = coins_db_open(tmpdir_join(path, dir, "cs"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct coins_issuance_change iss[2] = {
        {(const uint8_t *)"supply", 6, (const uint8_t *)"\x01\x02", 2},
        {(const uint8_t *)"sreserve", 8, (const uint8_t *)"r", 1},
    };
    struct hash256 tip = h(3);
    ck_assert_int_eq(coins_db_batch_write(db, NULL, 0, iss, 2, &tip, NULL, 0, &err), 0);
    uint8_t *v;
    size_t n;
    ck_assert_int_eq(coins_db_get_issuance(db, &v, &n, (const uint8_t *)"supply", 6, &err), 1);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(v[1], 2);
    mem_free(v);
    int count = 0;
    ck_assert_int_eq(coins_db_for_each_issuance(db, count_issuance, &count, &err), 0);
    ck_assert_int_eq(count, 2);
    iss[0].value = NULL;
    ck_assert_int_eq(coins_db_batch_write(db, NULL, 0, iss, 1, &tip, NULL, 0, &err), 0);
    ck_assert_int_eq(coins_db_get_issuance(db, &v, &n, (const uint8_t *)"supply", 6, &err), 0);
    /* Issuance entries are not coins. */
    struct coins_stats st;
    ck_assert_int_eq(coins_db_stats(db, &st, &err), 0);
    ck_assert_uint_eq(st.txouts, 0);
    iss[0].key_len = 0;
    ck_assert_int_eq(coins_db_batch_write(db, NULL, 0, iss, 1, &tip, NULL, 0, &err), -1);
    coins_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(stats_and_cursor)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    struct store_error err;
    struct coins_db *db = coins_db_open(tmpdir_join(path, dir, "cs"), 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    enum { N = 7 };
    struct coin coins[N];
    struct coins_change *ch = add_changes(coins, N);
    struct hash256 tip = h(0x77);
    ck_assert_int_eq(coins_db_batch_write(db, ch, N, NULL, 0, &tip, NULL, 0, &err), 0);

    struct coins_stats st;
    ck_assert_int_eq(coins_db_stats(db, &st, &err), 0);
    ck_assert(hash256_eq(&st.best_block, &tip));
    ck_assert_uint_eq(st.txouts, N);
    ck_assert_uint_eq(st.transactions, 3); /* txids 0,0,0 1,1,1 2 */
    ck_assert_uint_eq(st.bogosize, N * (50 + 25));
    int64_t total = 0;
    for (uint32_t i = 0; i < N; i++)
        total += 1000 + i;
    ck_assert_int_eq(st.total_amount, total);

    /* The hash is over the best block and the coins in key order, which for
     * these keys is the insertion order. */
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, tip.b, 32);
    for (uint32_t i = 0; i < N; i++) {
        struct outpoint op = op_of(i);
        struct wbuf w;
        wbuf_init(&w);
        wbuf_put(&w, op.txid.b, 32);
        wbuf_u32le(&w, op.n);
        wbuf_u32le(&w, coins[i].height * 2 + coins[i].coinbase);
        txout_serialize(&w, &coins[i].out);
        sha256_write(&ctx, w.data, w.len);
        wbuf_clear(&w);
    }
    struct hash256 want;
    sha256d_finalize(&ctx, want.b);
    ck_assert(hash256_eq(&st.hash_serialized, &want));

    struct coins_db_cursor *c = coins_db_cursor_new(db);
    uint32_t i = 0;
    for (; coins_db_cursor_valid(c); coins_db_cursor_next(c), i++) {
        struct outpoint op, exp = op_of(i);
        struct coin coin;
        ck_assert_int_eq(coins_db_cursor_get(c, &op, &coin, &err), 0);
        ck_assert(hash256_eq(&op.txid, &exp.txid));
        ck_assert_uint_eq(op.n, exp.n);
        ck_assert_int_eq(coin.out.value, coins[i].out.value);
        coin_clear(&coin);
    }
    ck_assert_uint_eq(i, N);
    ck_assert_int_eq(coins_db_cursor_status(c, &err), 0);
    coins_db_cursor_free(c);
    coins_db_close(db);
    clear_coins(coins, N);
    mem_free(ch);
    tmpdir_remove(dir);
}
END_TEST

START_TEST(bad_entries_are_corruption)
{
    char dir[64], path[256];
    tmpdir_make(dir);
    tmpdir_join(path, dir, "cs");
    struct store_error err;
    /* Plant undecodable values directly. */
    struct kvdb *kv = kvdb_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(kv);
    struct outpoint op = {h(5), 1};
    uint8_t key[38];
    size_t klen = coins_db_key(key, &op);
    ck_assert_int_eq(kvdb_put(kv, key, klen, "\x00\x00\x07", 3, true, &err), 0);
    uint8_t heads[1 + 96] = {3};
    ck_assert_int_eq(kvdb_put(kv, "H", 1, heads, sizeof(heads), true, &err), 0);
    ck_assert_int_eq(kvdb_put(kv, "B", 1, "short", 5, true, &err), 0);
    kvdb_close(kv);

    struct coins_db *db = coins_db_open(path, 1 << 20, false, &err);
    ck_assert_ptr_nonnull(db);
    struct coin c;
    ck_assert_int_eq(coins_db_get_coin(db, &c, &op, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    struct hash256 *hs;
    ck_assert_int_eq(coins_db_get_head_blocks(db, &hs, &err), 3); /* the chain refuses this */
    mem_free(hs);
    struct hash256 best;
    ck_assert_int_eq(coins_db_get_best_block(db, &best, &err), -1);
    struct coins_stats st;
    ck_assert_int_eq(coins_db_stats(db, &st, &err), -1);
    ck_assert_int_eq(err.kind, STORE_ERR_CORRUPT);
    coins_db_close(db);
    tmpdir_remove(dir);
}
END_TEST

static Suite *coins_db_suite(void)
{
    Suite *s = suite_create("store_coins_db");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, key_encoding);
    tcase_add_test(tc, put_get_delete);
    tcase_add_test(tc, two_head_protocol_crash);
    tcase_add_test(tc, issuance_entries);
    tcase_add_test(tc, stats_and_cursor);
    tcase_add_test(tc, bad_entries_are_corruption);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(coins_db_suite)
