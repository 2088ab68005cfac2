#ifndef HASHMINT_ISSUANCE_STATE_APPLY_H
#define HASHMINT_ISSUANCE_STATE_APPLY_H
/* The block-level state transition of the issuance layer, with undo
 * (doc/issuance.md, "Issuance state").
 *
 * Connecting a block at height h, for each transaction in block order:
 *   issuance_tx_check(&st, &fx, tx, coins, &(view){assets, n, &state, h});
 *   issuance_state_apply_tx(&state, &undo, &fx, assets, n, h);
 * so every transaction is judged against the state after the transactions
 * before it in the same block (as the UTXO view is), and the block's undo
 * record collects, for each asset the block changed, its state before the
 * block. Disconnecting the block: issuance_state_disconnect(&state, &undo)
 * restores that state exactly (byte for byte). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "issuance/issuance_effects.h"
#include "issuance/issuance_state.h"

/** One asset's state before a block changed it. */
struct issuance_undo_entry {
    uint32_t asset; /* index into the chain's assets */
    struct issuance_asset_state prev;
};

/** A block's undo record: one entry per asset the block changed, ascending asset index. */
struct issuance_undo {
    uint32_t count;
    struct issuance_undo_entry entry[ISSUANCE_MAX_ASSETS];
};

/** Starts an empty undo record (a block that changes nothing). */
void issuance_undo_init(struct issuance_undo *u);

/**
 * Applies one accepted transaction's effects (from issuance_tx_check at the
 * same height and state) to s: per asset, supply += minted - repaid; an
 * issuer update sets the ISSUER outpoint and flags; an oracle update goes
 * through issuance_breaker_record (price, price height, oracle outpoint,
 * window, breaker). Before an asset first changes within the block its
 * state is saved in *u.
 * Returns false, changing neither s nor u, if the effects do not fit the
 * state (s does not match assets, supply would go below 0 or above the
 * debt ceiling, an update out of block order): the caller's state is
 * corrupt or the effects were not produced by issuance_tx_check for it.
 */
__attribute__((warn_unused_result)) bool issuance_state_apply_tx(struct issuance_state *s, struct issuance_undo *u,
                                                                 const struct issuance_effects *fx,
                                                                 const struct chain_asset *assets, size_t count,
                                                                 int32_t height);

/**
 * Restores the state before the block whose undo record is u.
 * Returns false, changing nothing, if u does not fit s (an asset index out
 * of range, an asset id that differs, indices not strictly ascending).
 */
__attribute__((warn_unused_result)) bool issuance_state_disconnect(struct issuance_state *s,
                                                                   const struct issuance_undo *u);

#endif
