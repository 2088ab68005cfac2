#ifndef HASHMINT_ISSUANCE_ISSUANCE_STATE_H
#define HASHMINT_ISSUANCE_ISSUANCE_STATE_H
/* The per-asset issuance state a node keeps beside its UTXO set
 * (doc/issuance.md, "Issuance state"): supply, the ORACLE and ISSUER
 * outputs and what they say, the circuit breaker and its price window.
 *
 * The state is a plain value (fixed-size arrays, no pointers), so copying it
 * is a memcpy and a snapshot is exact. Entry i of a struct issuance_state
 * always belongs to entry i of the chain's assets array (struct chain_asset,
 * consensus/params.h); asset_id records which, and every function that takes
 * both checks they match.
 *
 * This header defines the value and its initialisation from the genesis
 * coinbase. The transaction rules read it (issuance/issuance_check.h); the
 * block-level state transition with undo changes it
 * (issuance/state_apply.h); issuance/state_serialize.h stores it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/validation.h"

/** Most assets a chain may define (hashmint launches with one). */
#define ISSUANCE_MAX_ASSETS 4
/** Longest circuit-breaker window, in blocks (HUSD: 30). */
#define ISSUANCE_WINDOW_MAX 128

/**
 * One block of the circuit-breaker window that had oracle updates: the
 * highest and the last price set by updates in that block.
 */
struct issuance_price_mark {
    int32_t height;
    uint64_t high;
    uint64_t last;
};

/** The issuance state of one asset after some block. */
struct issuance_asset_state {
    uint8_t asset_id[32];   /* prefix byte order, as chain_asset.asset_id */
    uint64_t supply;        /* TOKEN amounts in the UTXO set = sum of vault debts */
    struct outpoint oracle; /* the asset's one ORACLE output */
    uint64_t price;         /* its price: token base units per HMC (> 0) */
    int32_t price_height;   /* height of the block that created it */
    struct outpoint issuer; /* the asset's one ISSUER output */
    uint8_t issuer_flags;   /* its flags byte (bit 0: minting paused) */
    int32_t breaker_until;  /* minting is blocked at heights below this (0: never tripped) */
    /* Circuit-breaker window: marks of the blocks with oracle updates among
     * the last breaker_window blocks (ascending heights), and the price in
     * force before the first of them. See issuance/breaker.h. */
    uint64_t window_base;
    uint32_t window_count;
    struct issuance_price_mark window[ISSUANCE_WINDOW_MAX];
};

/** The issuance state of every asset of a chain. */
struct issuance_state {
    uint32_t count; /* = the chain's asset_count */
    struct issuance_asset_state asset[ISSUANCE_MAX_ASSETS];
};

/**
 * Returns true if an asset's parameters are usable by the rules:
 * 100 <= liquidation_ratio_pct <= min_collateral_ratio_pct,
 * 1 <= breaker_drop_pct <= 100, 1 <= breaker_window <= ISSUANCE_WINDOW_MAX,
 * 1 <= min_vault_debt <= debt_ceiling <= 2^53, initial_price > 0.
 */
__attribute__((warn_unused_result)) bool issuance_asset_params_ok(const struct chain_asset *a);

/**
 * Returns true if state s belongs to these assets: s->count == count and
 * every s->asset[i].asset_id equals assets[i].asset_id.
 */
__attribute__((warn_unused_result)) bool issuance_state_matches(const struct issuance_state *s,
                                                                const struct chain_asset *assets, size_t count);

/**
 * Builds the state at height 0 from the genesis coinbase (doc/issuance.md,
 * "Genesis outputs"): for each asset, exactly one ISSUER and exactly one
 * ORACLE output (price > 0) must be in coinbase; supply 0; price height 0;
 * breaker never tripped; the window's base price is the genesis price. The
 * genesis transaction's outputs are not otherwise checked (the genesis
 * block is a constant of the chain), except that a VAULT output must have
 * debt 0 (supply starts at 0).
 * Out: *s (zeroed on failure). In: assets (count <= ISSUANCE_MAX_ASSETS,
 * each issuance_asset_params_ok), coinbase (its txid must be set).
 * Returns false with st set (VAL_ERROR: the chain's parameters are broken;
 * the reason names what is missing).
 */
__attribute__((warn_unused_result)) bool issuance_state_init_genesis(struct val_state *st, struct issuance_state *s,
                                                                     const struct chain_asset *assets, size_t count,
                                                                     const struct tx *coinbase);

/** Returns the index of asset_id in assets, or -1. */
int issuance_asset_index(const struct chain_asset *assets, size_t count, const uint8_t asset_id[32]);

/**
 * Returns the index of the asset name names, or -1: its ticker ("HUSD") or
 * its asset id as 64 hex digits of either case in display order (as the
 * RPCs show it). The one lookup of an asset by name (RPCs, wallet).
 */
int issuance_asset_find(const struct chain_asset *assets, size_t count, const char *name);

#endif
