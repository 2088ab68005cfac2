#ifndef HASHMINT_NODE_KEEPER_INDEX_H
#define HASHMINT_NODE_KEEPER_INDEX_H
/* The keeper's index of vaults with debt, ordered by collateral/debt
 * (doc/keeper.md). A vault's ratio is collateral * price / 1e8 / debt, so at
 * one price the order by collateral/debt is the order by ratio whatever the
 * price is: an oracle update changes where the "liquidatable" prefix ends,
 * never the order. The index is a sorted array: lookups are binary
 * searches (O(log n)), an insert or removal moves the tail (a memmove of
 * small entries), and the vaults below the liquidation ratio are a prefix,
 * read in O(k) for k liquidatable vaults. It is kept up to date from each
 * connected or disconnected block's issuance effects, never by a rescan.
 * Not thread-safe: the keeper guards it with its mutex. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"

/** One vault with debt. */
struct keeper_vault {
    struct outpoint outpoint;
    uint32_t asset;     /* index into the chain's assets */
    int64_t collateral; /* HMC base units */
    uint64_t debt;      /* asset base units, > 0 */
};

/** The index. Embedded: keeper_index_init / keeper_index_clear. */
struct keeper_index {
    struct keeper_vault *v; /* sorted: asset, collateral/debt ascending, outpoint */
    size_t count;
    size_t cap;
};

void keeper_index_init(struct keeper_index *ix);
void keeper_index_clear(struct keeper_index *ix);

/** Adds v (debt > 0). Returns false if debt is 0 or the same entry is already there. */
__attribute__((warn_unused_result)) bool keeper_index_add(struct keeper_index *ix, const struct keeper_vault *v);

/** Removes the entry equal to v (outpoint, asset, collateral, debt). Returns false if absent. */
__attribute__((warn_unused_result)) bool keeper_index_remove(struct keeper_index *ix, const struct keeper_vault *v);

/** Returns how many vaults of asset are below liq_pct % at price (0 for price 0: no price, no liquidation). */
size_t keeper_index_count_below(const struct keeper_index *ix, uint32_t asset, uint64_t price, uint32_t liq_pct);

/**
 * The vaults of asset below liq_pct % at price, most undercollateralised
 * first. Out: out[0..min(cap, n)). Returns n, the number below (which may
 * exceed cap).
 */
size_t keeper_index_below(const struct keeper_index *ix, struct keeper_vault *out, size_t cap, uint32_t asset,
                          uint64_t price, uint32_t liq_pct);

#endif
