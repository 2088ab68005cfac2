#include "src/store/coins_db.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "src/crypto/sha256.h"
#include "src/store/compress.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/log.h"

/* Key prefixes, as Core's txdb.cpp. */
#define KEY_COIN 'C'
#define KEY_BEST_BLOCK 'B'
#define KEY_HEAD_BLOCKS 'H'
#define KEY_ISSUANCE 'I'

struct coins_db {
    struct kvdb *kv;
    uint32_t crash_ratio;
    uint64_t rng; /* xorshift state for the crash simulation only */
};

struct coins_db_cursor {
    struct kvdb_iter *it;
};

size_t coins_db_key(uint8_t out[38], const struct outpoint *op)
{
    out[0] = KEY_COIN;
    memcpy(out + 1, op->txid.b, 32);
    uint8_t tmp[10];
    size_t n = varint_encode(tmp, op->n); /* at most 5 bytes for 32 bits */
    memcpy(out + 33, tmp, n);
    return 33 + n;
}

/* Parses a coin key back into an outpoint. */
static bool parse_key(struct outpoint *op, const uint8_t *key, size_t klen)
{
    if (klen < 34 || klen > 38 || key[0] != KEY_COIN)
        return false;
    struct rbuf r = rbuf_make(key + 33, klen - 33);
    memcpy(op->txid.b, key + 1, 32);
    return varint_read_u32(&r, &op->n) && r.len == 0;
}

struct coins_db *coins_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err)
{
    struct kvdb *kv = kvdb_open(path, cache_bytes, wipe, err);
    if (!kv)
        return NULL;
    struct coins_db *db = mem_calloc(1, sizeof(*db));
    db->kv = kv;
    db->rng = (uint64_t)time(NULL) * 0x9e3779b97f4a7c15u ^ (uint64_t)getpid() ^ (uint64_t)clock();
    if (db->rng == 0)
        db->rng = 1;
    const char *ratio = getenv("HASHMINT_DB_CRASH_RATIO");
    if (ratio && *ratio) {
        char *end;
        unsigned long v = strtoul(ratio, &end, 10);
        if (*end == '\0' && v <= UINT32_MAX)
            db->crash_ratio = (uint32_t)v;
    }
    return db;
}

void coins_db_close(struct coins_db *db)
{
    if (!db)
        return;
    kvdb_close(db->kv);
    mem_free(db);
}

void coins_db_set_crash_ratio(struct coins_db *db, uint32_t ratio)
{
    db->crash_ratio = ratio;
}

int coins_db_get_coin(struct coins_db *db, struct coin *out, const struct outpoint *op, struct store_error *err)
{
    uint8_t key[38], *val;
    size_t vlen;
    coin_init(out);
    int rc = kvdb_get(db->kv, &val, &vlen, key, coins_db_key(key, op), err);
    if (rc != 1)
        return rc;
    bool ok = coin_decode(out, val, vlen);
    mem_free(val);
    if (!ok)
        return store_error_set(err, STORE_ERR_CORRUPT, "coin entry does not decode");
    return 1;
}

int coins_db_have_coin(struct coins_db *db, const struct outpoint *op, struct store_error *err)
{
    uint8_t key[38];
    return kvdb_exists(db->kv, key, coins_db_key(key, op), err);
}

int coins_db_get_best_block(struct coins_db *db, struct hash256 *out, struct store_error *err)
{
    uint8_t key = KEY_BEST_BLOCK;
    return kvdb_get_exact(db->kv, out->b, sizeof(out->b), &key, 1, "best block entry does not decode", err);
}

int coins_db_get_head_blocks(struct coins_db *db, struct hash256 **heads, struct store_error *err)
{
    uint8_t key = KEY_HEAD_BLOCKS, *val;
    size_t vlen;
    *heads = NULL;
    int rc = kvdb_get(db->kv, &val, &vlen, &key, 1, err);
    if (rc != 1)
        return rc;
    struct rbuf r = rbuf_make(val, vlen);
    uint64_t n;
    /* A vector<uint256>: CompactSize count, then the hashes; no trailing bytes. */
    if (!rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE) || n == 0 || n != r.len / 32 || r.len % 32 != 0) {
        mem_free(val);
        return store_error_set(err, STORE_ERR_CORRUPT, "head blocks entry does not decode");
    }
    struct hash256 *h = mem_alloc((size_t)n * sizeof(*h));
    memcpy(h, r.p, (size_t)n * 32);
    mem_free(val);
    *heads = h;
    return (int)n;
}

/* Core's -dbcrashratio: die between partial batches with probability 1/N so
 * the functional tests can check the replay. */
static void maybe_crash(struct coins_db *db)
{
    if (db->crash_ratio == 0)
        return;
    db->rng ^= db->rng << 13;
    db->rng ^= db->rng >> 7;
    db->rng ^= db->rng << 17;
    if (db->rng % db->crash_ratio == 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Simulating a crash. Goodbye.");
        _exit(0);
    }
}

int coins_db_batch_write(struct coins_db *db, const struct coins_change *changes, size_t nchanges,
                         const struct coins_issuance_change *issuance, size_t nissuance,
                         const struct hash256 *new_tip, const struct hash256 *old_tip, size_t batch_bytes,
                         struct store_error *err)
{
    if (batch_bytes == 0)
        batch_bytes = COINS_DB_DEFAULT_BATCH_BYTES;
    for (size_t i = 0; i < nissuance; i++)
        if (issuance[i].key_len == 0 || issuance[i].key_len > COINS_DB_MAX_ISSUANCE_KEY)
            return store_error_set(err, STORE_ERR_INVALID, "issuance key of %zu bytes", issuance[i].key_len);

    /* Which state the coins describe now: 'B', or, while a replay is being
     * flushed, the old tip recorded by the interrupted flush. */
    struct hash256 old;
    if (old_tip) {
        old = *old_tip;
    } else {
        int rc = coins_db_get_best_block(db, &old, err);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            struct hash256 *heads;
            int n = coins_db_get_head_blocks(db, &heads, err);
            if (n < 0)
                return -1;
            if (n == 2) {
                bool same = hash256_eq(&heads[0], new_tip);
                old = heads[1];
                mem_free(heads);
                if (!same)
                    return store_error_set(err, STORE_ERR_INVALID,
                                           "flush to a tip other than the interrupted flush's (replay first)");
            } else {
                mem_free(heads);
                if (n != 0)
                    return store_error_set(err, STORE_ERR_CORRUPT, "head blocks entry holds %d hashes", n);
            }
        }
    }

    struct kvdb_batch *b = kvdb_batch_new();
    struct wbuf w;
    wbuf_init(&w);
    int rc = -1;

    /* Step 1: from here until the final batch the database is marked as
     * being between old and new tip. */
    uint8_t key1 = KEY_BEST_BLOCK;
    kvdb_batch_delete(b, &key1, 1);
    uint8_t heads[1 + 64];
    heads[0] = 2;
    memcpy(heads + 1, new_tip->b, 32);
    memcpy(heads + 33, old.b, 32);
    key1 = KEY_HEAD_BLOCKS;
    kvdb_batch_put(b, &key1, 1, heads, sizeof(heads));

    /* Step 2: the coins, in partial batches. */
    size_t written = 0, erased = 0, partial = 0;
    for (size_t i = 0; i < nchanges; i++) {
        uint8_t key[38];
        size_t klen = coins_db_key(key, &changes[i].outpoint);
        if (changes[i].spent || !changes[i].coin) {
            kvdb_batch_delete(b, key, klen);
            erased++;
        } else {
            w.len = 0;
            coin_serialize(&w, changes[i].coin);
            kvdb_batch_put(b, key, klen, w.data, w.len);
            written++;
        }
        if (kvdb_batch_size(b) > batch_bytes) {
            if (kvdb_write(db->kv, b, true, err) != 0)
                goto out;
            kvdb_batch_clear(b);
            partial++;
            maybe_crash(db);
        }
    }

    /* Step 3: issuance state and the consistent marker, atomically. */
    for (size_t i = 0; i < nissuance; i++) {
        uint8_t key[1 + COINS_DB_MAX_ISSUANCE_KEY];
        key[0] = KEY_ISSUANCE;
        memcpy(key + 1, issuance[i].key, issuance[i].key_len);
        if (issuance[i].value)
            kvdb_batch_put(b, key, 1 + issuance[i].key_len, issuance[i].value, issuance[i].value_len);
        else
            kvdb_batch_delete(b, key, 1 + issuance[i].key_len);
    }
    key1 = KEY_HEAD_BLOCKS;
    kvdb_batch_delete(b, &key1, 1);
    key1 = KEY_BEST_BLOCK;
    kvdb_batch_put(b, &key1, 1, new_tip->b, 32);
    if (kvdb_write(db->kv, b, true, err) != 0)
        goto out;
    log_printf(LOG_DB, LOG_LEVEL_DEBUG, "Committed %zu changed coins (%zu written, %zu erased) in %zu batches",
               nchanges, written, erased, partial + 1);
    rc = 0;
out:
    wbuf_clear(&w);
    kvdb_batch_free(b);
    return rc;
}

int coins_db_get_issuance(struct coins_db *db, uint8_t **val, size_t *vlen, const uint8_t *key, size_t key_len,
                          struct store_error *err)
{
    *val = NULL;
    *vlen = 0;
    if (key_len == 0 || key_len > COINS_DB_MAX_ISSUANCE_KEY)
        return store_error_set(err, STORE_ERR_INVALID, "issuance key of %zu bytes", key_len);
    uint8_t k[1 + COINS_DB_MAX_ISSUANCE_KEY];
    k[0] = KEY_ISSUANCE;
    memcpy(k + 1, key, key_len);
    return kvdb_get(db->kv, val, vlen, k, 1 + key_len, err);
}

int coins_db_for_each_issuance(struct coins_db *db,
                               int (*cb)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len),
                               void *ctx, struct store_error *err)
{
    struct kvdb_iter *it = kvdb_iter_new(db->kv);
    uint8_t prefix = KEY_ISSUANCE;
    int rc = 0;
    for (kvdb_iter_seek(it, &prefix, 1); kvdb_iter_valid(it); kvdb_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *key = kvdb_iter_key(it, &klen);
        if (klen < 2 || key[0] != KEY_ISSUANCE)
            break;
        const uint8_t *val = kvdb_iter_value(it, &vlen);
        rc = cb(ctx, key + 1, klen - 1, val, vlen);
        if (rc != 0)
            break;
    }
    if (rc == 0)
        rc = kvdb_iter_status(it, err);
    kvdb_iter_free(it);
    return rc;
}

struct coins_db_cursor *coins_db_cursor_new(struct coins_db *db)
{
    struct coins_db_cursor *c = mem_alloc(sizeof(*c));
    c->it = kvdb_iter_new(db->kv);
    uint8_t prefix = KEY_COIN;
    kvdb_iter_seek(c->it, &prefix, 1);
    return c;
}

void coins_db_cursor_free(struct coins_db_cursor *c)
{
    if (!c)
        return;
    kvdb_iter_free(c->it);
    mem_free(c);
}

bool coins_db_cursor_valid(const struct coins_db_cursor *c)
{
    if (!kvdb_iter_valid(c->it))
        return false;
    size_t klen;
    const uint8_t *key = kvdb_iter_key(c->it, &klen);
    return klen > 0 && key[0] == KEY_COIN;
}

void coins_db_cursor_next(struct coins_db_cursor *c)
{
    kvdb_iter_next(c->it);
}

int coins_db_cursor_get(struct coins_db_cursor *c, struct outpoint *op, struct coin *coin, struct store_error *err)
{
    size_t klen, vlen;
    const uint8_t *key = kvdb_iter_key(c->it, &klen);
    const uint8_t *val = kvdb_iter_value(c->it, &vlen);
    memset(op, 0, sizeof(*op));
    if (!parse_key(op, key, klen) || !coin_decode(coin, val, vlen)) {
        memset(op, 0, sizeof(*op));
        coin_init(coin);
        return store_error_set(err, STORE_ERR_CORRUPT, "coin entry does not decode");
    }
    return 0;
}

int coins_db_cursor_status(const struct coins_db_cursor *c, struct store_error *err)
{
    return kvdb_iter_status(c->it, err);
}

uint64_t coins_db_estimate_size(struct coins_db *db)
{
    uint8_t begin = KEY_COIN, end = KEY_COIN + 1;
    return kvdb_estimate_size(db->kv, &begin, 1, &end, 1);
}

int coins_db_stats(struct coins_db *db, struct coins_stats *out, struct store_error *err)
{
    memset(out, 0, sizeof(*out));
    /* The iterator sees a snapshot, but 'B' is read separately: callers hold
     * the chain lock (and flush first) so the two agree. */
    if (coins_db_get_best_block(db, &out->best_block, err) < 0)
        return -1;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, out->best_block.b, 32);
    struct coins_db_cursor *c = coins_db_cursor_new(db);
    struct hash256 prev_txid;
    bool have_prev = false;
    struct wbuf w;
    wbuf_init(&w);
    int rc = 0;
    for (; coins_db_cursor_valid(c); coins_db_cursor_next(c)) {
        struct outpoint op;
        struct coin coin;
        if (coins_db_cursor_get(c, &op, &coin, err) != 0) {
            rc = -1;
            break;
        }
        if (!have_prev || !hash256_eq(&prev_txid, &op.txid)) {
            out->transactions++;
            prev_txid = op.txid;
            have_prev = true;
        }
        out->txouts++;
        out->bogosize += 50 + coin.out.script_pubkey.len;
        out->total_amount += coin.out.value;
        w.len = 0;
        wbuf_put(&w, op.txid.b, 32);
        wbuf_u32le(&w, op.n);
        wbuf_u32le(&w, coin.height * 2 + (coin.coinbase ? 1 : 0));
        txout_serialize(&w, &coin.out);
        sha256_write(&ctx, w.data, w.len);
        coin_clear(&coin);
    }
    if (rc == 0)
        rc = coins_db_cursor_status(c, err);
    coins_db_cursor_free(c);
    wbuf_clear(&w);
    if (rc != 0) {
        memset(out, 0, sizeof(*out));
        return -1;
    }
    sha256d_finalize(&ctx, out->hash_serialized.b);
    out->disk_size = coins_db_estimate_size(db);
    return 0;
}
