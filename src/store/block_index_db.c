#include "src/store/block_index_db.h"

#include <string.h>

#include "src/store/compress.h"
#include "src/store/kvdb.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

/* Key prefixes, as Core's txdb.cpp. */
#define KEY_BLOCK_INDEX 'b'
#define KEY_BLOCK_FILES 'f'
#define KEY_LAST_BLOCK 'l'
#define KEY_REINDEX 'R'
#define KEY_FLAG 'F'

/* The "client version" Core writes first in each record; readers ignore it. */
#define RECORD_CLIENT_VERSION 10000u
#define MAX_FLAG_NAME 64u

struct block_index_db {
    struct kvdb *kv;
};

struct block_index_db *block_index_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err)
{
    struct kvdb *kv = kvdb_open(path, cache_bytes, wipe, err);
    if (!kv)
        return NULL;
    struct block_index_db *db = mem_alloc(sizeof(*db));
    db->kv = kv;
    return db;
}

void block_index_db_close(struct block_index_db *db)
{
    if (!db)
        return;
    kvdb_close(db->kv);
    mem_free(db);
}

void block_index_record_serialize(struct wbuf *w, const struct block_index_record *rec)
{
    varint_write(w, RECORD_CLIENT_VERSION);
    varint_write(w, (uint64_t)(rec->height < 0 ? 0 : rec->height));
    varint_write(w, rec->status);
    varint_write(w, rec->tx_count);
    if (rec->status & (BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO))
        varint_write(w, (uint64_t)(rec->file < 0 ? 0 : rec->file));
    if (rec->status & BLOCK_HAVE_DATA)
        varint_write(w, rec->data_pos);
    if (rec->status & BLOCK_HAVE_UNDO)
        varint_write(w, rec->undo_pos);
    block_header_serialize(w, &rec->header);
}

/* Reads a VARINT that must be a non-negative int32 (Core's NONNEGATIVE_SIGNED). */
static bool read_nonneg_i32(struct rbuf *r, int32_t *out)
{
    uint64_t v;
    *out = 0;
    if (!varint_read(r, &v) || v > INT32_MAX)
        return false;
    *out = (int32_t)v;
    return true;
}

bool block_index_record_decode(struct block_index_record *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(bytes_or_empty(p), len);
    struct block_index_record rec;
    memset(&rec, 0, sizeof(rec));
    memset(out, 0, sizeof(*out));
    rec.file = -1;
    uint64_t version;
    if (!varint_read(&r, &version) || !read_nonneg_i32(&r, &rec.height) || !varint_read_u32(&r, &rec.status) ||
        !varint_read_u32(&r, &rec.tx_count))
        return false;
    if (rec.status & (BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO)) {
        if (!read_nonneg_i32(&r, &rec.file))
            return false;
    }
    if ((rec.status & BLOCK_HAVE_DATA) && !varint_read_u32(&r, &rec.data_pos))
        return false;
    if ((rec.status & BLOCK_HAVE_UNDO) && !varint_read_u32(&r, &rec.undo_pos))
        return false;
    if (!block_header_parse(&rec.header, &r) || r.len != 0)
        return false;
    block_header_hash(&rec.hash, &rec.header);
    *out = rec;
    return true;
}

void flat_file_info_serialize(struct wbuf *w, const struct flat_file_info *info)
{
    varint_write(w, info->blocks);
    varint_write(w, info->size);
    varint_write(w, info->undo_size);
    varint_write(w, info->height_first);
    varint_write(w, info->height_last);
    varint_write(w, info->time_first);
    varint_write(w, info->time_last);
}

bool flat_file_info_decode(struct flat_file_info *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(bytes_or_empty(p), len);
    struct flat_file_info info;
    memset(out, 0, sizeof(*out));
    if (!varint_read_u32(&r, &info.blocks) || !varint_read_u32(&r, &info.size) ||
        !varint_read_u32(&r, &info.undo_size) || !varint_read_u32(&r, &info.height_first) ||
        !varint_read_u32(&r, &info.height_last) || !varint_read(&r, &info.time_first) ||
        !varint_read(&r, &info.time_last) || r.len != 0)
        return false;
    *out = info;
    return true;
}

static void file_key(uint8_t key[5], int file)
{
    key[0] = KEY_BLOCK_FILES;
    le32_write(key + 1, (uint32_t)file);
}

static void block_key(uint8_t key[33], const struct hash256 *hash)
{
    key[0] = KEY_BLOCK_INDEX;
    memcpy(key + 1, hash->b, 32);
}

int block_index_db_write_batch(struct block_index_db *db, const struct block_index_file_entry *files, size_t nfiles,
                               int last_file, const struct block_index_record *recs, size_t nrecs, bool sync,
                               struct store_error *err)
{
    struct kvdb_batch *b = kvdb_batch_new();
    struct wbuf w;
    wbuf_init(&w);
    for (size_t i = 0; i < nfiles; i++) {
        uint8_t key[5];
        file_key(key, files[i].file);
        w.len = 0;
        flat_file_info_serialize(&w, &files[i].info);
        kvdb_batch_put(b, key, sizeof(key), w.data, w.len);
    }
    if (last_file >= 0) {
        uint8_t key = KEY_LAST_BLOCK, val[4];
        le32_write(val, (uint32_t)last_file);
        kvdb_batch_put(b, &key, 1, val, 4);
    }
    for (size_t i = 0; i < nrecs; i++) {
        uint8_t key[33];
        block_key(key, &recs[i].hash);
        w.len = 0;
        block_index_record_serialize(&w, &recs[i]);
        kvdb_batch_put(b, key, sizeof(key), w.data, w.len);
    }
    int rc = kvdb_write(db->kv, b, sync, err);
    wbuf_clear(&w);
    kvdb_batch_free(b);
    return rc;
}

int block_index_db_write_batch_sync(struct block_index_db *db, const struct block_index_file_entry *files, size_t nfiles,
                                    int last_file, const struct block_index_record *recs, size_t nrecs,
                                    struct store_error *err)
{
    return block_index_db_write_batch(db, files, nfiles, last_file, recs, nrecs, true, err);
}

int block_index_db_read(struct block_index_db *db, struct block_index_record *out, const struct hash256 *hash,
                        struct store_error *err)
{
    uint8_t key[33], *val;
    size_t vlen;
    memset(out, 0, sizeof(*out));
    block_key(key, hash);
    int rc = kvdb_get(db->kv, &val, &vlen, key, sizeof(key), err);
    if (rc != 1)
        return rc;
    bool ok = block_index_record_decode(out, val, vlen) && hash256_eq(&out->hash, hash);
    mem_free(val);
    if (!ok) {
        memset(out, 0, sizeof(*out));
        return store_error_set(err, STORE_ERR_CORRUPT, "block index record does not decode or match its key");
    }
    return 1;
}

int block_index_db_load_all(struct block_index_db *db, int (*cb)(void *ctx, const struct block_index_record *rec),
                            void *ctx, struct store_error *err)
{
    struct kvdb_iter *it = kvdb_iter_new(db->kv);
    uint8_t prefix = KEY_BLOCK_INDEX;
    int rc = 0;
    for (kvdb_iter_seek(it, &prefix, 1); kvdb_iter_valid(it); kvdb_iter_next(it)) {
        size_t klen, vlen;
        const uint8_t *key = kvdb_iter_key(it, &klen);
        if (klen < 1 || key[0] != KEY_BLOCK_INDEX)
            break;
        const uint8_t *val = kvdb_iter_value(it, &vlen);
        struct block_index_record rec;
        if (klen != 33 || !block_index_record_decode(&rec, val, vlen) || memcmp(rec.hash.b, key + 1, 32) != 0) {
            rc = store_error_set(err, STORE_ERR_CORRUPT, "block index record does not decode or match its key");
            break;
        }
        rc = cb(ctx, &rec);
        if (rc != 0)
            break;
    }
    if (rc == 0)
        rc = kvdb_iter_status(it, err);
    kvdb_iter_free(it);
    return rc;
}

int block_index_db_read_file_info(struct block_index_db *db, struct flat_file_info *out, int file, struct store_error *err)
{
    uint8_t key[5], *val;
    size_t vlen;
    memset(out, 0, sizeof(*out));
    file_key(key, file);
    int rc = kvdb_get(db->kv, &val, &vlen, key, sizeof(key), err);
    if (rc != 1)
        return rc;
    bool ok = flat_file_info_decode(out, val, vlen);
    mem_free(val);
    if (!ok)
        return store_error_set(err, STORE_ERR_CORRUPT, "block file info %d does not decode", file);
    return 1;
}

int block_index_db_read_last_file(struct block_index_db *db, int *out, struct store_error *err)
{
    uint8_t key = KEY_LAST_BLOCK, *val;
    size_t vlen;
    *out = 0;
    int rc = kvdb_get(db->kv, &val, &vlen, &key, 1, err);
    if (rc != 1)
        return rc;
    uint32_t v = vlen == 4 ? le32_read(val) : UINT32_MAX;
    mem_free(val);
    if (v > INT32_MAX)
        return store_error_set(err, STORE_ERR_CORRUPT, "last block file entry does not decode");
    *out = (int)v;
    return 1;
}

int block_index_db_write_reindexing(struct block_index_db *db, bool reindexing, struct store_error *err)
{
    uint8_t key = KEY_REINDEX;
    if (reindexing)
        return kvdb_put(db->kv, &key, 1, "1", 1, true, err);
    return kvdb_delete(db->kv, &key, 1, true, err);
}

int block_index_db_read_reindexing(struct block_index_db *db, bool *reindexing, struct store_error *err)
{
    uint8_t key = KEY_REINDEX;
    int rc = kvdb_exists(db->kv, &key, 1, err);
    *reindexing = rc == 1;
    return rc < 0 ? -1 : 0;
}

/* 'F' + CompactSize(len) + name, as Core serialises a std::string key. */
static size_t flag_key(uint8_t *key, const char *name, size_t n)
{
    key[0] = KEY_FLAG;
    key[1] = (uint8_t)n;
    memcpy(key + 2, name, n);
    return n + 2;
}

int block_index_db_write_flag(struct block_index_db *db, const char *name, bool value, struct store_error *err)
{
    size_t n = strlen(name);
    if (n == 0 || n > MAX_FLAG_NAME)
        return store_error_set(err, STORE_ERR_INVALID, "bad flag name length %zu", n);
    uint8_t key[2 + MAX_FLAG_NAME];
    size_t klen = flag_key(key, name, n);
    return kvdb_put(db->kv, key, klen, value ? "1" : "0", 1, true, err);
}

int block_index_db_read_flag(struct block_index_db *db, bool *value, const char *name, struct store_error *err)
{
    *value = false;
    size_t n = strlen(name);
    if (n == 0 || n > MAX_FLAG_NAME)
        return store_error_set(err, STORE_ERR_INVALID, "bad flag name length %zu", n);
    uint8_t key[2 + MAX_FLAG_NAME], *val;
    size_t klen = flag_key(key, name, n), vlen;
    int rc = kvdb_get(db->kv, &val, &vlen, key, klen, err);
    if (rc != 1)
        return rc;
    bool ok = vlen == 1 && (val[0] == '1' || val[0] == '0');
    *value = ok && val[0] == '1';
    mem_free(val);
    if (!ok)
        return store_error_set(err, STORE_ERR_CORRUPT, "flag %s does not decode", name);
    return 1;
}
