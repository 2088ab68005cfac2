#include "src/store/kvdb.h"

#include <ctype.h>
#include <leveldb/c.h>
#include <stdio.h>
#include <string.h>

#include "src/store/disk.h"
#include "src/store/fault.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

struct kvdb {
    leveldb_t *db;
    leveldb_options_t *options;
    leveldb_cache_t *cache;
    leveldb_filterpolicy_t *filter;
    leveldb_readoptions_t *read;
    leveldb_readoptions_t *iter_read;
    leveldb_writeoptions_t *write_sync;
    leveldb_writeoptions_t *write_nosync;
    char *path;
    /* Test-only write failures (fault.h): HASHMINT_FAULT_LEVELDB_<NAME>,
     * NAME the database directory's name in capitals. */
    struct store_fault fault;
};

struct kvdb_batch {
    leveldb_writebatch_t *wb;
    size_t size;  /* Core's SizeEstimate of the serialised batch */
    size_t count;
};

struct kvdb_iter {
    leveldb_iterator_t *it;
    const char *path; /* borrowed from the kvdb, for messages */
};

/* Turns a LevelDB error string (malloc'ed by LevelDB) into a store error and
 * frees it. LevelDB prefixes corruption with "Corruption:". */
static int take_error(struct store_error *err, char *lerr, const char *what, const char *path)
{
    enum store_error_kind kind = strncmp(lerr, "Corruption", 10) == 0 ? STORE_ERR_CORRUPT : STORE_ERR_IO;
    store_error_set(err, kind, "%s %s: %s", what, path, lerr);
    log_printf(LOG_DB, LOG_LEVEL_ERROR, "LevelDB %s %s: %s", what, path, lerr);
    leveldb_free(lerr);
    return -1;
}

/* Sets db->fault from HASHMINT_FAULT_LEVELDB_<NAME>: NAME is the last
 * component of the path in capitals (CHAINSTATE, INDEX, TXINDEX). */
static void init_fault(struct kvdb *db)
{
    const char *p = db->path, *end = p + strlen(p);
    while (end > p && end[-1] == '/')
        end--;
    const char *base = end;
    while (base > p && base[-1] != '/')
        base--;
    char name[96];
    int n = snprintf(name, sizeof(name), "HASHMINT_FAULT_LEVELDB_");
    for (const char *c = base; c < end && (size_t)n + 1 < sizeof(name); c++)
        name[n++] = isalnum((unsigned char)*c) ? (char)toupper((unsigned char)*c) : '_';
    name[n] = '\0';
    store_fault_init(&db->fault, name);
}

static void free_handles(struct kvdb *db)
{
    if (db->db)
        leveldb_close(db->db);
    if (db->options)
        leveldb_options_destroy(db->options);
    if (db->cache)
        leveldb_cache_destroy(db->cache);
    if (db->filter)
        leveldb_filterpolicy_destroy(db->filter);
    if (db->read)
        leveldb_readoptions_destroy(db->read);
    if (db->iter_read)
        leveldb_readoptions_destroy(db->iter_read);
    if (db->write_sync)
        leveldb_writeoptions_destroy(db->write_sync);
    if (db->write_nosync)
        leveldb_writeoptions_destroy(db->write_nosync);
    mem_free(db->path);
    mem_free(db);
}

struct kvdb *kvdb_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err)
{
    store_error_clear(err);
    if (store_mkdirs(path, err) != 0)
        return NULL;
    struct kvdb *db = mem_calloc(1, sizeof(*db));
    db->path = mem_strdup(path);
    init_fault(db);

    /* Core's split of the cache: half block cache, a quarter write buffer. */
    size_t block_cache = cache_bytes / 2, write_buffer = cache_bytes / 4;
    if (block_cache < (1u << 20))
        block_cache = 1u << 20;
    if (write_buffer < (1u << 20))
        write_buffer = 1u << 20;

    db->options = leveldb_options_create();
    db->cache = leveldb_cache_create_lru(block_cache);
    db->filter = leveldb_filterpolicy_create_bloom(10);
    leveldb_options_set_cache(db->options, db->cache);
    leveldb_options_set_filter_policy(db->options, db->filter);
    leveldb_options_set_write_buffer_size(db->options, write_buffer);
    leveldb_options_set_compression(db->options, leveldb_no_compression);
    leveldb_options_set_max_open_files(db->options, 64);
    leveldb_options_set_create_if_missing(db->options, 1);
    leveldb_options_set_paranoid_checks(db->options, 1);

    char *lerr = NULL;
    if (wipe) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Wiping LevelDB in %s", path);
        leveldb_destroy_db(db->options, path, &lerr);
        if (lerr) {
            take_error(err, lerr, "cannot wipe", path);
            free_handles(db);
            return NULL;
        }
        /* destroy_db removes the directory itself. */
        if (store_mkdirs(path, err) != 0) {
            free_handles(db);
            return NULL;
        }
    }
    db->db = leveldb_open(db->options, path, &lerr);
    if (lerr) {
        take_error(err, lerr, "cannot open", path);
        free_handles(db);
        return NULL;
    }
    db->read = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(db->read, 1);
    db->iter_read = leveldb_readoptions_create();
    leveldb_readoptions_set_verify_checksums(db->iter_read, 1);
    /* A full scan should not evict the hot entries from the block cache. */
    leveldb_readoptions_set_fill_cache(db->iter_read, 0);
    db->write_sync = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(db->write_sync, 1);
    db->write_nosync = leveldb_writeoptions_create();
    leveldb_writeoptions_set_sync(db->write_nosync, 0);
    log_printf(LOG_DB, LOG_LEVEL_INFO, "Opened LevelDB in %s (cache %zu bytes)", path, cache_bytes);
    return db;
}

void kvdb_close(struct kvdb *db)
{
    if (db)
        free_handles(db);
}

int kvdb_get(struct kvdb *db, uint8_t **val, size_t *vlen, const void *key, size_t klen, struct store_error *err)
{
    char *lerr = NULL;
    size_t n = 0;
    *val = NULL;
    *vlen = 0;
    char *v = leveldb_get(db->db, db->read, key, klen, &n, &lerr);
    if (lerr) {
        if (v)
            leveldb_free(v);
        return take_error(err, lerr, "read from", db->path);
    }
    if (!v)
        return 0;
    /* Copy into our allocator so callers free with mem_free. */
    *val = mem_dup(v, n);
    *vlen = n;
    leveldb_free(v);
    return 1;
}

int kvdb_get_exact(struct kvdb *db, uint8_t *out, size_t len, const void *key, size_t klen, const char *corrupt,
                   struct store_error *err)
{
    uint8_t *val;
    size_t vlen;
    memset(out, 0, len);
    int rc = kvdb_get(db, &val, &vlen, key, klen, err);
    if (rc != 1)
        return rc;
    bool ok = vlen == len;
    if (ok)
        memcpy(out, val, len);
    mem_free(val);
    if (!ok)
        return store_error_set(err, STORE_ERR_CORRUPT, "%s", corrupt);
    return 1;
}

int kvdb_exists(struct kvdb *db, const void *key, size_t klen, struct store_error *err)
{
    uint8_t *v;
    size_t n;
    int rc = kvdb_get(db, &v, &n, key, klen, err);
    mem_free(v);
    return rc;
}

int kvdb_put(struct kvdb *db, const void *key, size_t klen, const void *val, size_t vlen, bool sync,
             struct store_error *err)
{
    struct kvdb_batch *b = kvdb_batch_new();
    kvdb_batch_put(b, key, klen, val, vlen);
    int rc = kvdb_write(db, b, sync, err);
    kvdb_batch_free(b);
    return rc;
}

int kvdb_delete(struct kvdb *db, const void *key, size_t klen, bool sync, struct store_error *err)
{
    struct kvdb_batch *b = kvdb_batch_new();
    kvdb_batch_delete(b, key, klen);
    int rc = kvdb_write(db, b, sync, err);
    kvdb_batch_free(b);
    return rc;
}

bool kvdb_is_empty(struct kvdb *db)
{
    struct kvdb_iter *it = kvdb_iter_new(db);
    kvdb_iter_seek_first(it);
    bool empty = !kvdb_iter_valid(it) && kvdb_iter_status(it, NULL) == 0;
    kvdb_iter_free(it);
    return empty;
}

uint64_t kvdb_estimate_size(struct kvdb *db, const void *begin, size_t blen, const void *end, size_t elen)
{
    /* An empty start key sorts first; for "to the end" use a key above any we write. */
    static const char top[] = "\xff\xff\xff\xff\xff\xff\xff\xff";
    const char *b = begin && blen ? begin : "";
    size_t bl = begin && blen ? blen : 0;
    const char *e = end && elen ? end : top;
    size_t el = end && elen ? elen : sizeof(top) - 1;
    uint64_t size = 0;
    leveldb_approximate_sizes(db->db, 1, &b, &bl, &e, &el, &size);
    return size;
}

void kvdb_compact(struct kvdb *db)
{
    leveldb_compact_range(db->db, NULL, 0, NULL, 0);
}

struct kvdb_batch *kvdb_batch_new(void)
{
    struct kvdb_batch *b = mem_calloc(1, sizeof(*b));
    b->wb = leveldb_writebatch_create();
    b->size = 12; /* LevelDB's batch header: sequence number and count */
    return b;
}

void kvdb_batch_free(struct kvdb_batch *b)
{
    if (!b)
        return;
    leveldb_writebatch_destroy(b->wb);
    mem_free(b);
}

void kvdb_batch_clear(struct kvdb_batch *b)
{
    leveldb_writebatch_clear(b->wb);
    b->size = 12;
    b->count = 0;
}

/* LevelDB stores lengths as base-128 varints; their size matters for the estimate. */
static size_t leveldb_varint_len(size_t n)
{
    size_t len = 1;
    while (n >= 128) {
        n >>= 7;
        len++;
    }
    return len;
}

void kvdb_batch_put(struct kvdb_batch *b, const void *key, size_t klen, const void *val, size_t vlen)
{
    leveldb_writebatch_put(b->wb, key, klen, val ? (const char *)val : "", vlen);
    b->size += 1 + leveldb_varint_len(klen) + klen + leveldb_varint_len(vlen) + vlen;
    b->count++;
}

void kvdb_batch_delete(struct kvdb_batch *b, const void *key, size_t klen)
{
    leveldb_writebatch_delete(b->wb, key, klen);
    b->size += 1 + leveldb_varint_len(klen) + klen;
    b->count++;
}

size_t kvdb_batch_size(const struct kvdb_batch *b)
{
    return b->size;
}

size_t kvdb_batch_count(const struct kvdb_batch *b)
{
    return b->count;
}

int kvdb_write(struct kvdb *db, struct kvdb_batch *b, bool sync, struct store_error *err)
{
    char *lerr = NULL;
    enum store_fault_action a = store_fault_next(&db->fault);
    if (a != STORE_FAULT_FAIL)
        leveldb_write(db->db, sync ? db->write_sync : db->write_nosync, b->wb, &lerr);
    if (lerr)
        return take_error(err, lerr, "write to", db->path);
    if (a != STORE_FAULT_PASS) {
        log_printf(LOG_DB, LOG_LEVEL_ERROR, "LevelDB write to %s: IO error: injected fault", db->path);
        return store_error_set(err, STORE_ERR_IO, "write to %s: IO error: injected fault", db->path);
    }
    return 0;
}

struct kvdb_iter *kvdb_iter_new(struct kvdb *db)
{
    struct kvdb_iter *it = mem_alloc(sizeof(*it));
    it->it = leveldb_create_iterator(db->db, db->iter_read);
    it->path = db->path;
    return it;
}

void kvdb_iter_free(struct kvdb_iter *it)
{
    if (!it)
        return;
    leveldb_iter_destroy(it->it);
    mem_free(it);
}

void kvdb_iter_seek(struct kvdb_iter *it, const void *key, size_t klen)
{
    leveldb_iter_seek(it->it, key, klen);
}

void kvdb_iter_seek_first(struct kvdb_iter *it)
{
    leveldb_iter_seek_to_first(it->it);
}

bool kvdb_iter_valid(const struct kvdb_iter *it)
{
    return leveldb_iter_valid(it->it) != 0;
}

void kvdb_iter_next(struct kvdb_iter *it)
{
    leveldb_iter_next(it->it);
}

const uint8_t *kvdb_iter_key(const struct kvdb_iter *it, size_t *klen)
{
    return (const uint8_t *)leveldb_iter_key(it->it, klen);
}

const uint8_t *kvdb_iter_value(const struct kvdb_iter *it, size_t *vlen)
{
    return (const uint8_t *)leveldb_iter_value(it->it, vlen);
}

int kvdb_iter_status(const struct kvdb_iter *it, struct store_error *err)
{
    char *lerr = NULL;
    leveldb_iter_get_error(it->it, &lerr);
    if (lerr)
        return take_error(err, lerr, "iterating", it->path);
    return 0;
}
