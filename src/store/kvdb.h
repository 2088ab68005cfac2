#ifndef HASHMINT_STORE_KVDB_H
#define HASHMINT_STORE_KVDB_H
/* A thin wrapper over LevelDB's C API (the only file that includes
 * leveldb/c.h), with Bitcoin Core's dbwrapper settings: create_if_missing,
 * paranoid_checks, a 10-bit bloom filter, no compression, checksums verified
 * on every read and iterator, and synced writes for flushes.
 *
 * Errors: LevelDB status strings starting with "Corruption" become
 * STORE_ERR_CORRUPT, everything else STORE_ERR_IO (see error.h). Unlike Core
 * there is no value obfuscation key.
 *
 * Thread safety: a kvdb may be used from several threads at once (LevelDB
 * is internally synchronised); a batch or an iterator belongs to one thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/store/error.h"

struct kvdb;
struct kvdb_batch;
struct kvdb_iter;

/**
 * Opens (creating if missing) the LevelDB at path; its parent directories are
 * created as needed. cache_bytes: half goes to the block cache, a quarter to
 * the write buffer (Core's split; at least 1 MiB each). wipe: destroy any
 * existing database first (-reindex). Returns the handle (kvdb_close it) or
 * NULL with err filled (STORE_ERR_CORRUPT if LevelDB found corruption).
 */
struct kvdb *kvdb_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err);
/** Closes the database and frees the handle. NULL is a no-op. */
void kvdb_close(struct kvdb *db);

/**
 * Reads the value of key. Returns 1 and *val (heap, mem_free it) / *vlen when
 * found, 0 when absent (*val NULL), -1 on error (err filled, *val NULL).
 */
int kvdb_get(struct kvdb *db, uint8_t **val, size_t *vlen, const void *key, size_t klen, struct store_error *err);
/**
 * Reads a value that must be exactly len bytes (a best-block hash) into
 * out[0..len). Returns 1 when found, 0 when absent, -1 on error: the read's,
 * or STORE_ERR_CORRUPT with the message `corrupt` for a value of another
 * size. out is zeroed unless 1 is returned.
 */
int kvdb_get_exact(struct kvdb *db, uint8_t *out, size_t len, const void *key, size_t klen, const char *corrupt,
                   struct store_error *err);
/** Returns 1 if key exists, 0 if not, -1 on error. */
int kvdb_exists(struct kvdb *db, const void *key, size_t klen, struct store_error *err);
/** Writes one key (a batch of one). Returns 0 or -1. */
int kvdb_put(struct kvdb *db, const void *key, size_t klen, const void *val, size_t vlen, bool sync, struct store_error *err);
/** Erases one key (absent keys are fine). Returns 0 or -1. */
int kvdb_delete(struct kvdb *db, const void *key, size_t klen, bool sync, struct store_error *err);
/** Returns true if the database holds no keys at all (errors count as not empty). */
bool kvdb_is_empty(struct kvdb *db);
/** Returns LevelDB's estimate of the bytes on disk for keys in [begin, end)
 *  (end NULL/0: up to the last key; begin NULL/0: from the first). */
uint64_t kvdb_estimate_size(struct kvdb *db, const void *begin, size_t blen, const void *end, size_t elen);
/** Compacts the whole key range (tests and maintenance). */
void kvdb_compact(struct kvdb *db);

/** Returns a new empty batch (kvdb_batch_free it). */
struct kvdb_batch *kvdb_batch_new(void);
/** Frees a batch. NULL is a no-op. */
void kvdb_batch_free(struct kvdb_batch *b);
/** Empties a batch for reuse. */
void kvdb_batch_clear(struct kvdb_batch *b);
/** Queues a write of key = val (copied). */
void kvdb_batch_put(struct kvdb_batch *b, const void *key, size_t klen, const void *val, size_t vlen);
/** Queues an erase of key (copied). */
void kvdb_batch_delete(struct kvdb_batch *b, const void *key, size_t klen);
/** Returns the estimated serialised size of the batch in bytes (Core's
 *  SizeEstimate), used to cut flushes into -dbbatchsize pieces. */
size_t kvdb_batch_size(const struct kvdb_batch *b);
/** Returns the number of operations queued. */
size_t kvdb_batch_count(const struct kvdb_batch *b);

/**
 * Applies the batch atomically. sync: fsync the log before returning (every
 * flush of chain state uses true). The batch is left unchanged. Returns 0, or
 * -1 with err filled: the caller must treat a failed write as fatal.
 */
int kvdb_write(struct kvdb *db, struct kvdb_batch *b, bool sync, struct store_error *err);

/** Returns a new iterator over a consistent snapshot (kvdb_iter_free it
 *  before kvdb_close). It starts unpositioned (not valid). */
struct kvdb_iter *kvdb_iter_new(struct kvdb *db);
/** Frees an iterator. NULL is a no-op. */
void kvdb_iter_free(struct kvdb_iter *it);
/** Positions at the first key >= key. */
void kvdb_iter_seek(struct kvdb_iter *it, const void *key, size_t klen);
/** Positions at the first key. */
void kvdb_iter_seek_first(struct kvdb_iter *it);
/** Returns true while positioned at an entry. */
bool kvdb_iter_valid(const struct kvdb_iter *it);
/** Moves to the next key. Precondition: valid. */
void kvdb_iter_next(struct kvdb_iter *it);
/** Returns the current key (borrowed until the next move) and its length. Precondition: valid. */
const uint8_t *kvdb_iter_key(const struct kvdb_iter *it, size_t *klen);
/** Returns the current value (borrowed until the next move) and its length. Precondition: valid. */
const uint8_t *kvdb_iter_value(const struct kvdb_iter *it, size_t *vlen);
/** After iteration stops: returns 0 if it ended normally, -1 (err filled,
 *  e.g. STORE_ERR_CORRUPT on a checksum mismatch) if it stopped on an error. */
int kvdb_iter_status(const struct kvdb_iter *it, struct store_error *err);

#endif
