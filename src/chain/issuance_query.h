#ifndef HASHMINT_CHAIN_ISSUANCE_QUERY_H
#define HASHMINT_CHAIN_ISSUANCE_QUERY_H
/* What the chainstate tells the RPCs (getissuanceinfo, getvault,
 * listvaults, auditreserves ...) and the mempool about the issuance layer
 * (doc/issuance.md; storage in doc/chainstate.md, "Issuance state").
 *
 * Every function takes the chain lock itself and copies its answer out, so
 * a single call is consistent on its own; hold chainstate_lock() around
 * several calls that must describe the same tip (e.g. the state and a vault
 * lookup), as with the other chainstate accessors. Nothing here changes the
 * chain or writes to disk.
 *
 * Units: collateral in HMC base units (the vault output's nValue), debt,
 * supply and TOKEN amounts in the asset's base units, prices in token base
 * units per 1 HMC. Asset indices are indices into chainstate_params(cs)->
 * assets, whose entry i describes state.asset[i]. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"
#include "issuance/issuance_effects.h"
#include "issuance/issuance_state.h"
#include "issuance/reserve_commitment.h"
#include "issuance/reserve_tree.h"
#include "src/util/bytes.h"
#include "src/util/hash256.h"

struct block_index;
struct chainstate;

/**
 * Returns true if the chain enforces the issuance layer: a hashmint chain
 * (TOKENS) with at least one asset. On the bitcoin profile every other
 * function here answers "nothing" (false / 0).
 */
bool chainstate_issuance_enabled(const struct chainstate *cs);

/**
 * The issuance state after the active tip: per asset supply, ORACLE and
 * ISSUER outpoints, price, price height, issuer flags (bit 0 paused),
 * breaker_until and the breaker window (struct issuance_asset_state).
 * The circuit breaker is active for a block at height h when
 * h < breaker_until; a price is fresh at height h when h - price_height <=
 * the asset's max_price_age (doc/issuance.md). The mempool judges at tip
 * height + 1.
 * Out: *out (a copy), *tip_hash and *tip_height (either may be NULL): the
 * block it describes. Returns false (out zeroed) when the chain has no
 * issuance layer or no state yet (a reindex is pending).
 */
bool chainstate_issuance_state(struct chainstate *cs, struct issuance_state *out, struct hash256 *tip_hash,
                               int32_t *tip_height);

/**
 * The issuance rules as the mempool applies them: issuance_tx_check of tx
 * against the tip's state at height tip + 1. coins: tx->vin_count spent
 * outputs (NULL for a coinbase). On a chain without the issuance layer only
 * the output prefix check (chainstate_check_tx_outputs) runs.
 * Out: *fx (may be NULL): the effects. Returns true if tx passes; else
 * false with st (a bad-issuance-... or bad-txns-token-... reason).
 */
bool chainstate_check_tx_issuance(struct chainstate *cs, struct val_state *st, struct issuance_effects *fx,
                                  const struct tx *tx, const struct spent_coin *coins);

/**
 * Block assembly (the mempool_chain issuance_filter of
 * mempool_chain_from_chainstate): judges txs[0..count), in this order, as
 * the transactions after the coinbase of a block on the tip, each with
 * issuance_tx_check against the state after the kept ones before it and
 * its spent coins from the UTXO set and the kept transactions.
 * Out: keep[i] (false: the transaction fails the rules there, or spends
 * an output that is missing, spent earlier or created by a dropped one).
 * On a chain without the issuance layer every transaction is kept.
 */
void chainstate_issuance_filter(struct chainstate *cs, bool *keep, const struct tx *const *txs, size_t count);

/** A vault in the UTXO set at the active tip. Embedded: chainstate_vault_clear frees the script. */
struct chainstate_vault {
    uint8_t kind;              /* TOKEN_KIND_VAULT (chainstate_for_each_prefixed: any kind asked for) */
    struct outpoint outpoint;
    uint32_t asset;            /* index into chainstate_params(cs)->assets */
    uint8_t asset_id[32];      /* prefix byte order (as chain_asset.asset_id) */
    int64_t collateral;        /* the output's nValue, HMC base units */
    uint64_t debt;             /* asset base units, 0 .. 2^53 (other kinds: TOKEN amount, ORACLE price, ISSUER flags) */
    int32_t height;            /* height of the block that created the output */
    bool coinbase;             /* created by a coinbase (opened; matures after 100 blocks) */
    struct bytes owner_script; /* the locking script after the prefix (owned) */
};

/** Frees v's script and zeroes it. */
void chainstate_vault_clear(struct chainstate_vault *v);

/**
 * Looks up the unspent output op and describes it if it carries a VAULT
 * prefix of one of the chain's assets (through the coins cache: what the
 * chain sees at its tip, not the mempool).
 * Out: *out (chainstate_vault_clear it), untouched unless 1 is returned.
 * Returns 1 found, 0 not a vault (unknown, spent or another kind of
 * output), -1 on a coins database read error.
 */
int chainstate_get_vault(struct chainstate *cs, struct chainstate_vault *out, const struct outpoint *op);

/**
 * Calls cb(ctx, v) once for every vault in the UTXO set at the active tip
 * (listvaults, auditreserves), in no particular order, until cb returns
 * false. Reads the coins database through a snapshot and overlays the
 * coins cache's unflushed changes, so it sees exactly the tip's UTXO set
 * without flushing; it costs a scan of the whole UTXO set. v is borrowed
 * for the call. cb runs with the chain lock held: it must not change the
 * chain or wait for a thread that may take the lock (as event callbacks).
 * Returns true when the walk finished or cb stopped it; false on a coins
 * database read error.
 */
bool chainstate_for_each_vault(struct chainstate *cs, bool (*cb)(void *ctx, const struct chainstate_vault *v),
                               void *ctx);

/**
 * chainstate_for_each_vault over every prefixed output of one of the
 * chain's assets whose kind k has bit (1u << k) set in kinds (enum
 * token_kind): auditreserves sums TOKEN amounts and vault debts in one
 * scan. v->kind says which; v->debt holds the kind's number (see above).
 */
bool chainstate_for_each_prefixed(struct chainstate *cs, uint32_t kinds,
                                  bool (*cb)(void *ctx, const struct chainstate_vault *v), void *ctx);

/* ---- the reserve Merkle-sum tree (doc/issuance.md, "Reserve commitment") ---- */

/**
 * The reserve tree at the active tip. committed (may be NULL): the tree the
 * tip's HMRS output commits to, root, leaf (vault) count and total
 * collateral and debt (reserve_commitment_from_state gives the output);
 * all (may be NULL): every vault in the UTXO set, i.e. committed plus the
 * vaults the tip's own coinbase opened, which a block cannot commit to
 * (doc/issuance.md, "Vaults the coinbase itself opens"); its sums equal
 * the totals of chainstate_for_each_vault. Out: *tip_hash, *tip_height
 * (either may be NULL). Returns false when the chain has no issuance layer
 * or no state yet, or the tree's store fails (logged).
 */
bool chainstate_reserve_state(struct chainstate *cs, struct reserve_state *committed, struct reserve_state *all,
                              struct hash256 *tip_hash, int32_t *tip_height);

/**
 * The tree block `at` of the active chain commits to (NULL: the tip;
 * genesis: its vaults, none on the hashmint chains): its state and, when
 * op is not NULL, whether op is a leaf of it and its path (leaf, leaf
 * count, siblings: reserve_proof_set_path's input). A vault opened by at's
 * own coinbase is not a leaf of the tree at commits to (*found false): its
 * proofs use a later block. The tree is rolled back in a temporary overlay
 * with the inverse changes of the blocks after at (their undo data: the
 * cost grows with the distance to the tip; nothing is written). Out:
 * *state (may be NULL), *found and *path (when op is not NULL; path may be
 * NULL). Returns false with err (a sentence) if at is not on the active
 * chain, a block or its undo data cannot be read, or the store fails.
 */
bool chainstate_reserve_query(struct chainstate *cs, const struct block_index *at, struct reserve_state *state,
                              const struct outpoint *op, bool *found, struct reserve_path *path, char *err,
                              size_t errlen);

/**
 * Block assembly: the HMRS commitment of a block made of txs[0..count)
 * (after its coinbase) on the active tip: the tree after the tip with
 * these transactions' vault changes, computed speculatively (spent coins
 * from the UTXO set and earlier txs; nothing written). The vaults of the
 * block's own coinbase are not part of it. Out: *out. Returns false (out
 * zeroed) if an input of a transaction cannot be found or the tree fails.
 */
bool chainstate_reserve_commitment(struct chainstate *cs, struct reserve_commitment *out, const struct tx *const *txs,
                                   size_t count);

#endif
