#ifndef HASHMINT_CHAIN_MEMPOOL_INTERNAL_H
#define HASHMINT_CHAIN_MEMPOOL_INTERNAL_H
/* The mempool's internal state, shared by mempool.c (entries, indexes,
 * removal, limits, queries), mempool_accept.c (acceptance), mempool_persist.c
 * (mempool.dat) and miner.c (block assembly). Not a public interface: every
 * function here expects the chain lock to be held. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/chain/mempool.h"

struct mp_entry {
    struct tx tx;
    int64_t fee;        /* base fee */
    int64_t fee_delta;  /* prioritisetransaction */
    int64_t vsize;      /* sigop-adjusted virtual size */
    int64_t weight;
    int64_t sigop_cost;
    int64_t time;
    int32_t height;
    bool issuance;      /* spends or creates a token-prefixed output: judged again at every new tip */
    uint64_t entry_seq; /* mempool sequence number taken on entry */
    uint64_t order;     /* insertion counter: entry order */
    size_t usage;       /* estimated heap bytes */
    size_t pos;         /* index in mempool.entries */

    struct mp_entry **parents;
    size_t parent_count, parent_cap;
    struct mp_entry **children;
    size_t child_count, child_cap;

    /* Cached statistics, each including the entry itself. */
    uint64_t anc_count;
    int64_t anc_size, anc_fees, anc_sigops;
    uint64_t desc_count;
    int64_t desc_size, desc_fees;

    /* Scratch state for traversals, removal and the miner. */
    uint64_t mark;
    bool staged;
    bool in_block, failed, modified;
    int64_t pkg_size, pkg_fees, pkg_sigops; /* package not yet in the block (miner) */
};

static inline int64_t mp_entry_modified_fee(const struct mp_entry *e)
{
    return e->fee + e->fee_delta;
}

/** A growable array of entry pointers. */
struct mp_vec {
    struct mp_entry **v;
    size_t n, cap;
};
void mp_vec_push(struct mp_vec *vec, struct mp_entry *e);
void mp_vec_clear(struct mp_vec *vec);

/** Open-addressing map from (32-byte hash, u32) to an entry. */
struct mp_map_slot {
    struct hash256 key;
    uint32_t n;
    struct mp_entry *value; /* NULL: empty slot */
};
struct mp_map {
    struct mp_map_slot *slots;
    size_t cap, count; /* cap: power of two */
    uint64_t k0, k1;   /* SipHash key */
};

struct mempool {
    struct mempool_options opt;
    struct mp_entry **entries; /* unordered; entry->pos is the index */
    size_t entry_count, entry_cap;
    struct mp_map by_txid, by_wtxid, by_spent; /* spent: outpoint -> spending entry */
    uint64_t sequence;  /* next sequence number to hand out (starts at 1) */
    uint64_t order;     /* insertion counter */
    uint64_t epoch;     /* traversal marks */
    uint64_t total_vsize;
    uint64_t total_usage;
    int64_t total_fee;
    /* Rolling minimum fee (Core's rollingMinimumFeeRate). */
    double rolling_min_fee;
    int64_t last_rolling_update;
    bool block_since_bump;
    /* prioritisetransaction deltas, by txid. */
    struct { struct hash256 txid; int64_t delta; } *deltas;
    size_t delta_count, delta_cap;
    /* Reorg stash (oldest disconnected block last). */
    struct tx *stash;
    size_t stash_count, stash_cap;
    bool reorg_pending;
    size_t issuance_count; /* entries with .issuance set */
    bool loaded;
};

void mp_lock(struct mempool *mp);
void mp_unlock(struct mempool *mp);
int64_t mp_now(struct mempool *mp);

struct mp_entry *mp_find(struct mempool *mp, const struct hash256 *txid);
struct mp_entry *mp_find_wtxid(struct mempool *mp, const struct hash256 *wtxid);
/** The entry spending op, or NULL. */
struct mp_entry *mp_spender(struct mempool *mp, const struct outpoint *op);

/** Appends the in-mempool ancestors (excluding e) to out. */
void mp_ancestors(struct mempool *mp, struct mp_vec *out, struct mp_entry *e);
/** Appends the in-mempool descendants of every entry of roots (excluding roots, no duplicates) to out. */
void mp_descendants(struct mempool *mp, struct mp_vec *out, struct mp_entry *const *roots, size_t n);

/**
 * Adds a fully filled entry (tx, fee, sizes, time, height): indexes it,
 * links parents and (after a reorg) existing children, recomputes the
 * statistics, takes a sequence number and announces it.
 */
void mp_add(struct mempool *mp, struct mp_entry *e);
/** Removes the entries (no duplicates; descendants are the caller's business) with reason; frees them. */
void mp_remove(struct mempool *mp, struct mp_entry *const *v, size_t n, enum mempool_removal_reason reason);
/** Removes the entries and all their descendants. */
void mp_remove_recursive(struct mempool *mp, struct mp_entry *const *v, size_t n, enum mempool_removal_reason reason);
/** Applies the recorded prioritisation delta for e's txid to e (on entry). */
int64_t mp_delta_get(struct mempool *mp, const struct hash256 *txid);
void mp_delta_remove(struct mempool *mp, const struct hash256 *txid);
/** Current mempool minimum fee rate (sat/kvB), decaying the rolling minimum. */
int64_t mp_min_fee(struct mempool *mp);
/** Expire + trim (Core's LimitMempoolSize). */
size_t mp_limit_size(struct mempool *mp);

/** Returns the pool's entries sorted by cmp (a fresh array: mem_free it;
 *  never NULL, even for an empty pool). Caller holds the pool lock. */
struct mp_entry **mp_entries_sorted(struct mempool *mp, int (*cmp)(const void *, const void *));

#endif
