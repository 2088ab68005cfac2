#ifndef HASHMINT_STORE_TXINDEX_DB_H
#define HASHMINT_STORE_TXINDEX_DB_H
/* The optional transaction index (-txindex, <datadir>/indexes/txindex,
 * LevelDB), with Core's layout:
 *   't' + txid(32) -> VARINT(file) VARINT(block pos) VARINT(tx offset)
 *   'B'            -> hash of the last block indexed (Core stores a locator;
 *                     a single hash is enough to resume, the chain walks back
 *                     to the fork when the block is not on the active chain)
 * tx offset is counted from the end of the 80-byte block header, as Core's
 * CDiskTxPos::nTxOffset: the transaction starts at block pos + 80 + offset.
 * Entries of disconnected blocks are left in place (they still point at a
 * block that exists); a lookup checks the found transaction's hash. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/store/error.h"
#include "src/store/flatfile.h"
#include "src/util/hash256.h"

struct tx_disk_pos {
    struct flat_pos block; /* the block record (payload offset) */
    uint32_t tx_offset;    /* bytes after the block header */
};

/* One entry to write. */
struct txindex_entry {
    struct hash256 txid;
    struct tx_disk_pos pos;
};

struct txindex_db;

/** Opens (creating) the txindex LevelDB at path; wipe destroys it first.
 *  Returns the handle (txindex_db_close it) or NULL with err. */
struct txindex_db *txindex_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err);
/** Closes the database. NULL is a no-op. */
void txindex_db_close(struct txindex_db *db);
/** Writes n entries and (if best_block is not NULL) the new 'B' in one batch
 *  (sync as given). Returns 0 or -1. */
int txindex_db_write(struct txindex_db *db, const struct txindex_entry *entries, size_t n,
                     const struct hash256 *best_block, bool sync, struct store_error *err);
/** Looks up txid. Returns 1 (out set), 0 absent, -1 error or corrupt entry. */
int txindex_db_read(struct txindex_db *db, struct tx_disk_pos *out, const struct hash256 *txid, struct store_error *err);
/** Reads 'B'. Returns 1 (out set), 0 absent (zeroed), -1 error. */
int txindex_db_get_best_block(struct txindex_db *db, struct hash256 *out, struct store_error *err);
/** Erases the entries of txids (n of them), synced. Returns 0 or -1. */
int txindex_db_erase(struct txindex_db *db, const struct hash256 *txids, size_t n, struct store_error *err);

#endif
