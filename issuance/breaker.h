#ifndef HASHMINT_ISSUANCE_BREAKER_H
#define HASHMINT_ISSUANCE_BREAKER_H
/* The price window and the circuit breaker (doc/issuance.md, "Oracle and
 * issuer updates"): an oracle update whose price is a drop of
 * breaker_drop_pct or more against the highest price in force during the
 * last breaker_window blocks blocks minting for breaker_pause blocks.
 *
 * Window of a block at height h: blocks h - W + 1 .. h (W = breaker_window).
 * The prices "in force" during it are the price in force when block
 * h - W + 1 starts and every price set by an update in those blocks before
 * the update being judged (earlier updates of the same block included).
 * The state keeps exactly what that needs: one mark per block with updates
 * (its highest and its last price) and window_base, the price in force
 * before the oldest mark. Marks leave the window lazily, when the next
 * update is recorded; the result is the same as pruning every block. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "issuance/issuance_state.h"

/**
 * Returns the highest price in force in the window of a block at height
 * (window blocks), over the updates recorded so far: the maximum of the
 * base (after dropping the marks at heights <= height - window) and the
 * highs of the marks still inside. Does not modify a.
 */
uint64_t issuance_window_high(const struct issuance_asset_state *a, int32_t height, uint32_t window);

/**
 * Records an oracle update of asset state a (parameters p) at height:
 * drops marks that left the window (the newest dropped mark's last price
 * becomes the base); if price is a drop of p->breaker_drop_pct or more
 * against issuance_window_high (before this update), sets breaker_until to
 * max(breaker_until, height + breaker_pause) (clamped to INT32_MAX);
 * records price in the mark of this height (creating it); sets price,
 * price_height = height and the oracle outpoint.
 * Returns false, changing nothing, if price == 0, if height is below the
 * newest mark's height (updates are recorded in block order), or if the
 * window would exceed ISSUANCE_WINDOW_MAX marks (parameters not
 * issuance_asset_params_ok).
 */
__attribute__((warn_unused_result)) bool issuance_breaker_record(struct issuance_asset_state *a,
                                                                 const struct chain_asset *p,
                                                                 const struct outpoint *oracle, uint64_t price,
                                                                 int32_t height);

#endif
