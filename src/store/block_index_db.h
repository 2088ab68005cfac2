#ifndef HASHMINT_STORE_BLOCK_INDEX_DB_H
#define HASHMINT_STORE_BLOCK_INDEX_DB_H
/* The block index database (<datadir>/blocks/index, LevelDB), with Bitcoin
 * Core's keys:
 *   'b' + hash(32)          -> one block's record (struct block_index_record)
 *   'f' + file(4, LE)       -> a blk file's info (struct flat_file_info)
 *   'l'                     -> the last blk file number (4, LE)
 *   'R'                     -> present while a -reindex is in progress
 *   'F' + len + name        -> a named boolean flag ("txindex", ...), '1'/'0'
 * Values use Core's VARINT-based CDiskBlockIndex/CBlockFileInfo encodings.
 * The chain writes changed records and file infos in small batches WITHOUT
 * fsync as each block is accepted (its data already written to the blk
 * file: a process crash loses neither), and in ONE synced batch after
 * flatfile_flush() and before flushing the coins (power loss). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "src/store/error.h"
#include "src/store/flatfile.h"
#include "src/util/hash256.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

/* Block status bits, Core's BlockStatus. The low three bits are a validity
 * level; the rest are flags. */
#define BLOCK_VALID_UNKNOWN 0u
#define BLOCK_VALID_RESERVED 1u     /* parsed, version ok, hash satisfies claimed PoW */
#define BLOCK_VALID_TREE 2u         /* header connects, contextual header checks pass */
#define BLOCK_VALID_TRANSACTIONS 3u /* block contents checked (merkle, tx checks) */
#define BLOCK_VALID_CHAIN 4u        /* outputs do not overspend, no double spends (contextual) */
#define BLOCK_VALID_SCRIPTS 5u      /* scripts and signatures verified */
#define BLOCK_VALID_MASK 7u
#define BLOCK_HAVE_DATA 8u          /* full block in blk file */
#define BLOCK_HAVE_UNDO 16u         /* undo data in rev file */
#define BLOCK_HAVE_MASK (BLOCK_HAVE_DATA | BLOCK_HAVE_UNDO)
#define BLOCK_FAILED_VALID 32u      /* the block itself failed validation */
#define BLOCK_FAILED_CHILD 64u      /* descends from a failed block */
#define BLOCK_FAILED_MASK (BLOCK_FAILED_VALID | BLOCK_FAILED_CHILD)
#define BLOCK_OPT_WITNESS 128u      /* validated with witness rules active */

/* One block's persistent index entry (Core's CDiskBlockIndex). */
struct block_index_record {
    struct hash256 hash;         /* the key; recomputed from header on load */
    struct block_header header;
    int32_t height;
    uint32_t status;             /* BLOCK_* bits above */
    uint32_t tx_count;           /* transactions in the block (0 if unknown) */
    int32_t file;                /* blk/rev file number (meaningful with HAVE_DATA/HAVE_UNDO) */
    uint32_t data_pos;           /* payload offset in blk file (with HAVE_DATA) */
    uint32_t undo_pos;           /* payload offset in rev file (with HAVE_UNDO) */
};

/* A file info together with its number, for batch writes. */
struct block_index_file_entry {
    int file;
    struct flat_file_info info;
};

struct block_index_db;

/** Opens (creating) the block index LevelDB at path; wipe destroys it first
 *  (-reindex). Returns the handle (block_index_db_close it) or NULL with err. */
struct block_index_db *block_index_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err);
/** Closes the database. NULL is a no-op. */
void block_index_db_close(struct block_index_db *db);

/**
 * In ONE atomic LevelDB batch, writes the infos of `files` (nfiles entries),
 * the last file number (skipped if last_file < 0) and the records `recs`
 * (nrecs entries). sync: fsync the write-ahead log before returning (Core's
 * WriteBatchSync). Without sync the batch is in the operating system's hands
 * when this returns: it survives a crash of the process (kill -9) but not
 * necessarily a power loss. Returns 0, or -1 with err: fatal for the caller.
 */
int block_index_db_write_batch(struct block_index_db *db, const struct block_index_file_entry *files, size_t nfiles,
                               int last_file, const struct block_index_record *recs, size_t nrecs, bool sync,
                               struct store_error *err);
/** block_index_db_write_batch with sync = true. */
int block_index_db_write_batch_sync(struct block_index_db *db, const struct block_index_file_entry *files, size_t nfiles,
                                    int last_file, const struct block_index_record *recs, size_t nrecs,
                                    struct store_error *err);
/** Reads one block record by hash. Returns 1 found, 0 absent, -1 error/corrupt. */
int block_index_db_read(struct block_index_db *db, struct block_index_record *out, const struct hash256 *hash,
                        struct store_error *err);
/**
 * Calls cb(ctx, rec) for every block record in key order (hash order, not
 * height order: the caller links parents afterwards). Each record's hash is
 * checked against the hash of its stored header; a mismatch or a record that
 * does not decode is STORE_ERR_CORRUPT. A non-zero return from cb stops the
 * walk and is returned. Returns 0 when all were visited, -1 on error.
 */
int block_index_db_load_all(struct block_index_db *db, int (*cb)(void *ctx, const struct block_index_record *rec),
                            void *ctx, struct store_error *err);
/** Reads a file info. Returns 1 found, 0 absent (out zeroed), -1 error. */
int block_index_db_read_file_info(struct block_index_db *db, struct flat_file_info *out, int file, struct store_error *err);
/** Reads the last file number. Returns 1 found, 0 absent (*out 0), -1 error. */
int block_index_db_read_last_file(struct block_index_db *db, int *out, struct store_error *err);
/** Sets (true) or erases (false) the reindexing marker, synced. Returns 0 or -1. */
int block_index_db_write_reindexing(struct block_index_db *db, bool reindexing, struct store_error *err);
/** Out: *reindexing. Returns 0 or -1. */
int block_index_db_read_reindexing(struct block_index_db *db, bool *reindexing, struct store_error *err);
/** Writes the named flag (name up to 64 bytes), synced. Returns 0 or -1. */
int block_index_db_write_flag(struct block_index_db *db, const char *name, bool value, struct store_error *err);
/** Reads the named flag. Returns 1 found (*value set), 0 absent (*value false), -1 error. */
int block_index_db_read_flag(struct block_index_db *db, bool *value, const char *name, struct store_error *err);

/** Appends Core's CDiskBlockIndex value encoding of rec (without the key). */
void block_index_record_serialize(struct wbuf *w, const struct block_index_record *rec);
/** Decodes exactly len bytes of a record value; out->hash is computed from the
 *  header. Returns false (out zeroed) on malformed data. */
__attribute__((warn_unused_result)) bool block_index_record_decode(struct block_index_record *out, const uint8_t *p, size_t len);
/** Appends Core's CBlockFileInfo encoding (seven VARINTs). */
void flat_file_info_serialize(struct wbuf *w, const struct flat_file_info *info);
/** Decodes exactly len bytes of a file info. Returns false (out zeroed) on malformed data. */
__attribute__((warn_unused_result)) bool flat_file_info_decode(struct flat_file_info *out, const uint8_t *p, size_t len);

#endif
