#ifndef HASHMINT_STORE_COINS_DB_H
#define HASHMINT_STORE_COINS_DB_H
/* The UTXO set on disk (<datadir>/chainstate, LevelDB), with Core's keys:
 *   'C' + txid(32) + VARINT(n)  -> coin (coin_serialize: VARINT(height*2+cb),
 *                                  compressed amount, compressed script)
 *   'B'                         -> best block hash: the coins are exactly
 *                                  the UTXO set after that block
 *   'H'                         -> head blocks [new_tip, old_tip] (CompactSize
 *                                  count + hashes) while a flush is under way
 *   'I' + key                   -> issuance-layer state (total supply, reserve
 *                                  commitments ...), opaque to this layer
 *
 * Crash safety (RELIABILITY.md section 4, Core's CCoinsViewDB::BatchWrite):
 * a flush writes, each batch synced,
 *   1. erase 'B', write 'H' = [new_tip, old_tip];
 *   2. the changed coins in partial batches of about batch_bytes;
 *   3. the issuance entries, erase 'H', write 'B' = new_tip (one batch).
 * A crash inside the flush leaves 'H' and no 'B': at start-up the chain reads
 * coins_db_get_head_blocks() and replays (rolls old_tip back to the fork,
 * then forward to new_tip, idempotently). Issuance entries go in the final
 * batch, so while 'H' exists they still describe old_tip.
 *
 * Crash testing (Core's -dbcrashratio): if the crash ratio is N > 0, after
 * each partial batch the process _exit()s with probability 1/N. It is taken
 * from the environment variable HASHMINT_DB_CRASH_RATIO at open, or set with
 * coins_db_set_crash_ratio(). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "src/store/coin.h"
#include "src/store/error.h"
#include "src/util/hash256.h"

/** Default size of one partial flush batch (Core's -dbbatchsize, 16 MiB). */
#define COINS_DB_DEFAULT_BATCH_BYTES (16u * 1024u * 1024u)
/** Longest issuance key accepted (without the 'I' prefix). */
#define COINS_DB_MAX_ISSUANCE_KEY 256u

/* One changed coin in a flush. */
struct coins_change {
    struct outpoint outpoint;
    const struct coin *coin; /* borrowed; NULL (or spent = true) erases the coin */
    bool spent;
};

/* One changed issuance entry in a flush; the 'I' prefix is added here. */
struct coins_issuance_change {
    const uint8_t *key;  /* borrowed, 1..COINS_DB_MAX_ISSUANCE_KEY bytes */
    size_t key_len;
    const uint8_t *value; /* borrowed; NULL erases the entry */
    size_t value_len;
};

/* Totals of gettxoutsetinfo. */
struct coins_stats {
    struct hash256 best_block;   /* 'B' (zero if none) */
    uint64_t transactions;       /* transactions with at least one unspent output */
    uint64_t txouts;             /* unspent outputs */
    uint64_t bogosize;           /* Core's GetBogoSize sum: 50 + script size per coin */
    int64_t total_amount;        /* sum of values (base units) */
    struct hash256 hash_serialized; /* Core's hash_serialized_3, see coins_db_stats */
    uint64_t disk_size;          /* LevelDB's size estimate of the coins */
};

struct coins_db;
struct coins_db_cursor;

/** Opens (creating) the chainstate LevelDB at path; wipe destroys it first
 *  (-reindex, -reindex-chainstate). Reads HASHMINT_DB_CRASH_RATIO. Returns
 *  the handle (coins_db_close it) or NULL with err filled. */
struct coins_db *coins_db_open(const char *path, size_t cache_bytes, bool wipe, struct store_error *err);
/** Closes the database. NULL is a no-op. */
void coins_db_close(struct coins_db *db);
/** Sets the crash ratio (0 = never crash); see the file comment. */
void coins_db_set_crash_ratio(struct coins_db *db, uint32_t ratio);

/** Reads the coin at op into out (coin_clear it). Returns 1 found, 0 absent
 *  (out empty), -1 on an error or an undecodable coin (STORE_ERR_CORRUPT). */
int coins_db_get_coin(struct coins_db *db, struct coin *out, const struct outpoint *op, struct store_error *err);
/** Returns 1 if a coin exists at op, 0 if not, -1 on error. */
int coins_db_have_coin(struct coins_db *db, const struct outpoint *op, struct store_error *err);
/** Reads 'B'. Returns 1 (out set), 0 when absent (out zeroed: a new database
 *  or a flush was interrupted), -1 on error. */
int coins_db_get_best_block(struct coins_db *db, struct hash256 *out, struct store_error *err);
/**
 * Reads 'H'. Returns the number of hashes stored (0 if none: the state is
 * consistent) with *heads a heap array of that many hashes (mem_free it;
 * NULL when 0), or -1 on error/undecodable value. A count other than 0 or 2
 * means an unknown inconsistent state: the chain refuses to start and asks
 * for -reindex-chainstate. heads[0] is the new tip, heads[1] the old one.
 */
int coins_db_get_head_blocks(struct coins_db *db, struct hash256 **heads, struct store_error *err);

/**
 * Flushes changes with the two-head protocol (file comment). new_tip: the
 * block the coins will describe. old_tip: the block they described before
 * (NULL: read 'B', or, if a replay is being flushed, heads[1] of 'H'; a zero
 * hash when the database is new). batch_bytes: size of a partial batch (0 =
 * COINS_DB_DEFAULT_BATCH_BYTES). Returns 0, or -1 with err filled: fatal for
 * the caller, which must stop the node (the next start replays).
 */
int coins_db_batch_write(struct coins_db *db, const struct coins_change *changes, size_t nchanges,
                         const struct coins_issuance_change *issuance, size_t nissuance,
                         const struct hash256 *new_tip, const struct hash256 *old_tip, size_t batch_bytes,
                         struct store_error *err);

/** Reads issuance entry key (without prefix). Returns 1 (*val heap, mem_free),
 *  0 absent, -1 error. */
int coins_db_get_issuance(struct coins_db *db, uint8_t **val, size_t *vlen, const uint8_t *key, size_t key_len,
                          struct store_error *err);
/** Calls cb(ctx, key, key_len, val, val_len) for every issuance entry in key
 *  order (key without prefix; borrowed). A non-zero cb return stops and is
 *  returned. Returns 0 when done, -1 on error. */
int coins_db_for_each_issuance(struct coins_db *db,
                               int (*cb)(void *ctx, const uint8_t *key, size_t key_len, const uint8_t *val, size_t val_len),
                               void *ctx, struct store_error *err);

/** Returns a cursor over all coins in key order (txid bytes, then n),
 *  positioned at the first (coins_db_cursor_free it). */
struct coins_db_cursor *coins_db_cursor_new(struct coins_db *db);
/** Frees a cursor. NULL is a no-op. */
void coins_db_cursor_free(struct coins_db_cursor *c);
/** Returns true while the cursor is at a coin. */
bool coins_db_cursor_valid(const struct coins_db_cursor *c);
/** Moves to the next coin. */
void coins_db_cursor_next(struct coins_db_cursor *c);
/** Decodes the current coin. Out: *op, *coin (coin_clear it). Returns 0, or -1
 *  (STORE_ERR_CORRUPT) for an entry that does not decode. */
int coins_db_cursor_get(struct coins_db_cursor *c, struct outpoint *op, struct coin *coin, struct store_error *err);
/** After the walk: 0 if it ended normally, -1 if the iterator hit an error. */
int coins_db_cursor_status(const struct coins_db_cursor *c, struct store_error *err);

/**
 * Computes gettxoutsetinfo totals over a consistent snapshot. The hash is
 * Core's hash_serialized_3: sha256d over the best block hash followed, for
 * each coin in (txid, n) order, by txid(32) | n(4 LE) | uint32 LE
 * (height*2 + coinbase) | value(8 LE) | CompactSize script length | script.
 * Returns 0, or -1 (err) on a read error or corrupt coin.
 */
int coins_db_stats(struct coins_db *db, struct coins_stats *out, struct store_error *err);
/** Returns LevelDB's estimate of the bytes the coins take on disk. */
uint64_t coins_db_estimate_size(struct coins_db *db);

/** Writes the key 'C' + txid + VARINT(n) into out (at most 38 bytes); returns its length. */
size_t coins_db_key(uint8_t out[38], const struct outpoint *op);

#endif
