#ifndef HASHMINT_CHAIN_BLOCK_INDEX_H
#define HASHMINT_CHAIN_BLOCK_INDEX_H
/* The in-memory block tree (Bitcoin Core's CBlockIndex, BlockMap and
 * CChain): one entry per known header, linked to its parent, with the
 * cumulative chain work, validation status and where the block and its undo
 * data are stored. Entries are owned by the map and never freed or moved
 * until the map is, so `struct block_index *` pointers stay valid for the
 * life of the chainstate.
 *
 * Locking: the map and the active chain are not thread-safe on their own;
 * the chainstate protects them with its chain lock. Fields fixed at creation
 * (hash, prev, skip, height, header, chain_work) may be read without the lock
 * once a pointer was obtained; status, file positions, tx counts and
 * sequence_id change under the lock. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/block_check.h"
#include "consensus/params.h"
#include "src/store/block_index_db.h"
#include "src/util/hash256.h"

/* Status bits (BLOCK_VALID_*, BLOCK_HAVE_*, BLOCK_FAILED_*, BLOCK_OPT_WITNESS) are
 * Core's BlockStatus, defined by src/store/block_index_db.h. */

struct block_index {
    struct hash256 hash;
    struct block_index *prev; /* NULL for genesis */
    struct block_index *skip; /* an ancestor further back, for block_index_get_ancestor */
    int32_t height;
    struct block_header header; /* header.prev_hash equals prev->hash */
    struct arith256 chain_work; /* total work up to and including this block */
    uint32_t status;            /* BLOCK_* bits */
    int32_t file;               /* blk/rev file number, -1 if no data */
    uint32_t data_pos;          /* offset of the block bytes (after magic+length) in blkNNNNN.dat */
    uint32_t undo_pos;          /* offset of the undo bytes in revNNNNN.dat */
    uint32_t tx_count;          /* transactions in this block (0 until data is stored) */
    uint64_t chain_tx;          /* transactions up to and including this block; 0 if an ancestor lacks data */
    int32_t sequence_id;        /* order data arrived: lower wins ties in chain work (precious: negative) */
    uint32_t time_max;          /* max(header.time) over this block and its ancestors */
    bool dirty;                 /* changed since last written to the block index database (listed by
                                 * block_map_dirty; set it only with block_map_set_dirty) */
    bool unsynced;              /* written to the block index database without fsync since the last
                                 * synced write (the chainstate rewrites these at its next flush) */
};

/** Returns true if the entry is valid up to `level` (BLOCK_VALID_*) and not failed. */
bool block_index_is_valid(const struct block_index *bi, uint32_t level);
/** Raises the validity level to `level` if lower and not failed. Returns true if it changed (the caller
 *  then marks the entry with block_map_set_dirty). */
bool block_index_raise_validity(struct block_index *bi, uint32_t level);

/** Returns the ancestor at `height` (bi itself at its own height), or NULL if height is negative or above bi's. */
struct block_index *block_index_get_ancestor(const struct block_index *bi, int32_t height);
/** Median time past of bi and up to 10 ancestors (Core's GetMedianTimePast). */
int64_t block_index_median_time_past(const struct block_index *bi);
/** Out: *ctx = what consensus/block_check.h's contextual checks need about bi as the previous block. */
void block_index_prev_context(struct block_prev_context *ctx, const struct block_index *bi,
                              const struct chain_params *p);
/** Returns the nBits a block after prev must carry (pow_next_work_required over the tree). */
uint32_t block_index_next_bits(const struct block_index *prev, const struct chain_params *p);
/** Returns the last common ancestor of a and b (NULL if they share none or either is NULL). */
struct block_index *block_index_last_common_ancestor(struct block_index *a, struct block_index *b);

/* ---- the map: every known header by hash ---- */

struct block_map;

/** Returns a new, empty map (block_map_free it). */
struct block_map *block_map_new(void);
/** Frees the map and every entry (NULL is a no-op). */
void block_map_free(struct block_map *m);
/** Returns the entry for hash, or NULL. */
struct block_index *block_map_find(const struct block_map *m, const struct hash256 *hash);
/**
 * Returns the entry for the header, creating it if new (*created set):
 * linked to its parent if the parent is known (which the caller ensures for
 * all but genesis), height, chain work, skip pointer and time_max computed,
 * status BLOCK_VALID_UNKNOWN, file -1, dirty (listed by block_map_dirty).
 * created may be NULL.
 */
struct block_index *block_map_insert(struct block_map *m, const struct block_header *h, bool *created);
/**
 * Adds an entry loaded from disk with the given hash whose parent may not
 * have been loaded yet (prev_hash is kept in header): the caller fills the
 * fields and then calls block_map_link_all once. Returns the entry (existing
 * if already present).
 */
struct block_index *block_map_insert_loaded(struct block_map *m, const struct hash256 *hash);
/**
 * After loading: links every entry to its parent, then computes heights,
 * chain work, skip pointers, time_max and chain_tx in height order. Returns
 * false if an entry's parent is missing (other than genesis) or the tree has
 * a cycle: the database is corrupt.
 */
__attribute__((warn_unused_result)) bool block_map_link_all(struct block_map *m, const struct hash256 *genesis_hash);
/**
 * Marks bi as changed since it was last written to the block index database
 * (bi->dirty) and lists it for block_map_dirty. No-op if it is already dirty.
 * Precondition: bi belongs to m.
 */
void block_map_set_dirty(struct block_map *m, struct block_index *bi);
/**
 * Returns the dirty entries, each once, in the order they became dirty: a
 * borrowed array of *count pointers (NULL when none), valid until the next
 * block_map_set_dirty, block_map_insert or block_map_clear_dirty. Lets the
 * chainstate write the changed entries without walking the whole map.
 */
struct block_index *const *block_map_dirty(const struct block_map *m, size_t *count);
/** Clears the dirty mark of every listed entry and empties the list (after they were written). */
void block_map_clear_dirty(struct block_map *m);
/** Returns how many entries the map holds. */
size_t block_map_size(const struct block_map *m);
/** Calls fn for every entry (any order). Stops early if fn returns false. */
void block_map_each(const struct block_map *m, bool (*fn)(struct block_index *bi, void *arg), void *arg);

/* ---- the active chain: an array indexed by height ---- */

struct active_chain {
    struct block_index **v; /* v[h] is the block at height h; owned array */
    int32_t count;          /* height of the tip + 1; 0 when empty */
    size_t cap;
};

/** Starts an empty chain. */
void active_chain_init(struct active_chain *c);
/** Frees the array (not the entries). */
void active_chain_clear(struct active_chain *c);
/** Makes tip (and all its ancestors) the chain; tip NULL empties it. */
void active_chain_set_tip(struct active_chain *c, struct block_index *tip);
/** Returns the tip or NULL. */
struct block_index *active_chain_tip(const struct active_chain *c);
/** Returns the tip's height, -1 when empty. */
int32_t active_chain_height(const struct active_chain *c);
/** Returns the entry at height, or NULL out of range. */
struct block_index *active_chain_at(const struct active_chain *c, int32_t height);
/** Returns true if bi is on the chain. */
bool active_chain_contains(const struct active_chain *c, const struct block_index *bi);
/** Returns the successor of bi on the chain, or NULL (bi not on it, or the tip). */
struct block_index *active_chain_next(const struct active_chain *c, const struct block_index *bi);
/** Returns the last block of the chain that is an ancestor of bi (or bi), NULL if none. */
struct block_index *active_chain_find_fork(const struct active_chain *c, const struct block_index *bi);

/**
 * Builds a block locator from bi back to genesis (Core's LocatorEntries: the
 * last 10 blocks one by one, then exponentially spaced, genesis last).
 * Out: *hashes (mem_free it), *count. bi NULL gives an empty locator.
 */
void block_index_locator(struct hash256 **hashes, size_t *count, const struct block_index *bi);

#endif
