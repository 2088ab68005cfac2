#ifndef HASHMINT_CHAIN_COINS_VIEW_H
#define HASHMINT_CHAIN_COINS_VIEW_H
/* The UTXO set as the chain sees it (Bitcoin Core's CCoinsView family): a
 * write-back cache (a hash map of outpoint -> coin with DIRTY/FRESH flags)
 * over either the LevelDB coins database (src/store/coins_db.h) or another
 * cache. A block is connected on a throw-away cache layered over the main
 * one and flushed into it only if the whole block is valid, so a failed
 * block leaves the main cache untouched.
 *
 * Flushing the bottom cache into the database follows the two-head protocol
 * (RELIABILITY.md section 4): the database's first batch records
 * HEAD_BLOCKS = [new best, old best], the dirty coins follow in partial
 * batches, the last batch records BEST_BLOCK = new best.
 *
 * Not thread-safe: the chainstate's chain lock protects its caches. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "src/store/coin.h"
#include "src/store/coins_db.h"
#include "src/store/error.h"
#include "src/util/hash256.h"

struct coins_db;

/* struct coin (an unspent output with its height and coinbase flag) and its
 * disk encoding come from src/store/coin.h. */

/** The cache. Opaque. */
struct coins_cache;

/** Returns a cache over the coins database (borrowed; must outlive the cache). Its best block is the db's. */
struct coins_cache *coins_cache_new_db(struct coins_db *db);
/** Returns a cache over another cache (borrowed; must outlive this one). Its best block is the parent's. */
struct coins_cache *coins_cache_new_child(struct coins_cache *parent);
/**
 * The same for a short-lived view expected to hold about `expected` entries
 * (one block's inputs and outputs): its table is sized for them up front
 * and its entries come from a few large slabs freed with the view, instead
 * of one allocation each. Memory of entries erased before the view is
 * freed (or flushed) is not reused: not for long-lived views.
 */
struct coins_cache *coins_cache_new_child_sized(struct coins_cache *parent, size_t expected);
/** Frees the cache and its entries without flushing (NULL is a no-op). */
void coins_cache_free(struct coins_cache *c);

/**
 * Looks up an unspent coin, reading through to the parent/database on a
 * miss (and caching what was read). Out: *coin, a BORROWED pointer valid
 * until the next call that modifies this cache (add, spend, flush, free).
 * Returns 1 found, 0 not found or spent, -1 database read error (*coin NULL).
 */
int coins_cache_get(struct coins_cache *c, const struct outpoint *op, const struct coin **coin);
/** Returns true if the coin is unspent (false also on a read error). */
bool coins_cache_have(struct coins_cache *c, const struct outpoint *op);
/** Returns true if the coin is present in THIS cache's map (no read-through). */
bool coins_cache_have_in_cache(const struct coins_cache *c, const struct outpoint *op);
/**
 * A hint, no effect on results: starts loading what a lookup of op will
 * read in the cache over the database under c. Stage 0 loads the hash slot, stage 1
 * (some lookups later, once the slot is in) the first entry of its chain,
 * so a block's spends find their coins in the CPU cache.
 */
void coins_cache_prefetch(const struct coins_cache *c, const struct outpoint *op, int stage);

/**
 * Adds a coin (Core's AddCoin). coin is MOVED into the cache (left empty).
 * possible_overwrite: the outpoint may already be unspent (BIP 30 exempt
 * duplicates, replay); otherwise overwriting an unspent coin is refused.
 * Unspendable outputs (OP_RETURN, oversized scripts) are dropped.
 * Returns false only if an unspent coin would be overwritten without leave.
 */
bool coins_cache_add(struct coins_cache *c, const struct outpoint *op, struct coin *coin, bool possible_overwrite);
/**
 * Adds every output of tx created at `height` (Core's AddCoins). check:
 * refuse to overwrite unspent coins (pass false where BIP 30 guarantees no
 * duplicates, and for idempotent replay use overwrite=true). overwrite: allow
 * overwriting. Returns false if a coin would be overwritten and !overwrite.
 */
bool coins_cache_add_tx(struct coins_cache *c, const struct tx *tx, int32_t height, bool overwrite);
/**
 * Spends a coin (Core's SpendCoin). moveto: receives the spent coin (caller
 * coin_clear()s it), may be NULL. Returns 1 spent, 0 not found/already
 * spent, -1 database read error.
 */
int coins_cache_spend(struct coins_cache *c, const struct outpoint *op, struct coin *moveto);
/** Drops a non-dirty entry from this cache (memory relief); dirty entries stay. */
void coins_cache_uncache(struct coins_cache *c, const struct outpoint *op);

/** Out: *best = the block hash this view's coins correspond to (zero if none). */
void coins_cache_best_block(const struct coins_cache *c, struct hash256 *best);
/** Sets the block hash this view's coins correspond to. */
void coins_cache_set_best_block(struct coins_cache *c, const struct hash256 *best);

/**
 * Writes this cache's dirty entries into its parent and empties the cache
 * (Core's Flush). For a child cache the parent cache absorbs the entries
 * (FRESH coins spent in both vanish) and the best block is copied.
 * For a cache over the database: coins_db_batch_write's two-head protocol
 * with new head = this cache's best block and old head = the database's
 * (old_head NULL) or the given one (a replay passes heads[1]); batch_size
 * bytes per partial batch (0: default). Returns 0, or -1 with err filled
 * on a database write error (the database is then in the "two heads" state;
 * the node must stop, the next start replays). The cache is unchanged on
 * failure.
 */
int coins_cache_flush(struct coins_cache *c, const struct hash256 *old_head, size_t batch_size,
                      struct store_error *err);
/** Like coins_cache_flush but keeps the now-clean unspent entries cached (Core's Sync). */
int coins_cache_sync(struct coins_cache *c, const struct hash256 *old_head, size_t batch_size,
                     struct store_error *err);
/**
 * coins_cache_flush / coins_cache_sync for a cache over the database that
 * also writes issuance entries ('I' keys, borrowed for the call) in the
 * flush's final batch, atomically with the new best block
 * (coins_db_batch_write). For a child cache the entries are ignored.
 */
int coins_cache_flush_with(struct coins_cache *c, const struct hash256 *old_head,
                           const struct coins_issuance_change *iss, size_t niss, size_t batch_size,
                           struct store_error *err);
int coins_cache_sync_with(struct coins_cache *c, const struct hash256 *old_head, const struct coins_issuance_change *iss,
                          size_t niss, size_t batch_size, struct store_error *err);

/**
 * Looks at this cache's own map only (no read-through). Out: *coin, a
 * borrowed pointer as coins_cache_get's. Returns 1 unspent here, 0 spent
 * here (the parent's or database's coin is stale), -1 not cached.
 */
int coins_cache_peek(const struct coins_cache *c, const struct outpoint *op, const struct coin **coin);
/**
 * Calls cb for every unspent coin held in this cache's own map, in no
 * particular order, until cb returns false. cb must not modify the cache.
 */
void coins_cache_for_each(const struct coins_cache *c,
                          bool (*cb)(void *ctx, const struct outpoint *op, const struct coin *coin), void *ctx);

/**
 * Returns true if a read through to the database failed since the cache was
 * created (the first error is kept in *err if err is not NULL). The chain
 * treats that as fatal: the UTXO set cannot be trusted.
 */
bool coins_cache_read_failed(const struct coins_cache *c, struct store_error *err);

/** Returns the approximate heap bytes the cache uses (entries, scripts, map). */
size_t coins_cache_memory_usage(const struct coins_cache *c);
/** Returns the number of entries in this cache (spent-dirty entries included). */
size_t coins_cache_entry_count(const struct coins_cache *c);
/** Returns the number of dirty entries. */
size_t coins_cache_dirty_count(const struct coins_cache *c);

#endif
