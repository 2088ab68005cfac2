#include "src/store/txindex_db.h"

#include <string.h>

#include "src/store/compress.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"

#define KEY_TX 't'
#define KEY_BEST_BLOCK 'B'

struct txindex_db {
    struct kvdb *kv;
};

struct txindex_db *txindex_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err)
{
    struct kvdb *kv = kvdb_open(path, cache_bytes, wipe, err);
    if (!kv)
        return NULL;
    struct txindex_db *db = mem_alloc(sizeof(*db));
    db->kv = kv;
    return db;
}

void txindex_db_close(struct txindex_db *db)
{
    if (!db)
        return;
    kvdb_close(db->kv);
    mem_free(db);
}

static void tx_key(uint8_t key[33], const struct hash256 *txid)
{
    key[0] = KEY_TX;
    memcpy(key + 1, txid->b, 32);
}

int txindex_db_write(struct txindex_db *db, const struct txindex_entry *entries, size_t n,
                     const struct hash256 *best_block, bool sync, struct store_error *err)
{
    struct kvdb_batch *b = kvdb_batch_new();
    struct wbuf w;
    wbuf_init(&w);
    for (size_t i = 0; i < n; i++) {
        uint8_t key[33];
        tx_key(key, &entries[i].txid);
        w.len = 0;
        varint_write(&w, (uint64_t)(entries[i].pos.block.file < 0 ? 0 : entries[i].pos.block.file));
        varint_write(&w, entries[i].pos.block.pos);
        varint_write(&w, entries[i].pos.tx_offset);
        kvdb_batch_put(b, key, sizeof(key), w.data, w.len);
    }
    if (best_block) {
        uint8_t key = KEY_BEST_BLOCK;
        kvdb_batch_put(b, &key, 1, best_block->b, 32);
    }
    int rc = kvdb_write(db->kv, b, sync, err);
    wbuf_clear(&w);
    kvdb_batch_free(b);
    return rc;
}

int txindex_db_read(struct txindex_db *db, struct tx_disk_pos *out, const struct hash256 *txid, struct store_error *err)
{
    uint8_t key[33], *val;
    size_t vlen;
    memset(out, 0, sizeof(*out));
    out->block.file = -1;
    tx_key(key, txid);
    int rc = kvdb_get(db->kv, &val, &vlen, key, sizeof(key), err);
    if (rc != 1)
        return rc;
    struct rbuf r = rbuf_make(val, vlen);
    uint32_t file, pos, off;
    bool ok = varint_read_u32(&r, &file) && varint_read_u32(&r, &pos) && varint_read_u32(&r, &off) && r.len == 0 &&
              file <= INT32_MAX;
    mem_free(val);
    if (!ok)
        return store_error_set(err, STORE_ERR_CORRUPT, "txindex entry does not decode");
    out->block.file = (int)file;
    out->block.pos = pos;
    out->tx_offset = off;
    return 1;
}

int txindex_db_get_best_block(struct txindex_db *db, struct hash256 *out, struct store_error *err)
{
    uint8_t key = KEY_BEST_BLOCK;
    return kvdb_get_exact(db->kv, out->b, sizeof(out->b), &key, 1, "txindex best block does not decode", err);
}

int txindex_db_erase(struct txindex_db *db, const struct hash256 *txids, size_t n, struct store_error *err)
{
    struct kvdb_batch *b = kvdb_batch_new();
    for (size_t i = 0; i < n; i++) {
        uint8_t key[33];
        tx_key(key, &txids[i]);
        kvdb_batch_delete(b, key, sizeof(key));
    }
    int rc = kvdb_write(db->kv, b, true, err);
    kvdb_batch_free(b);
    return rc;
}
