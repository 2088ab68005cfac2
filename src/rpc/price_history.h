#ifndef HASHMINT_RPC_PRICE_HISTORY_H
#define HASHMINT_RPC_PRICE_HISTORY_H
/* An asset's oracle price over the last blocks of the active chain, for
 * /rest/issuance.json (doc/explorer.md). Oracle updates chain: each spends
 * the asset's ORACLE output before it, so the price before an update is the
 * spent ORACLE coin's, read from the block's undo data, and that coin's
 * height is the previous update's. Walking that chain back from the tip
 * state's price_height costs one undo read per update in the range, not one
 * block read per height. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct chainstate;

/** The price in force after the block at height (set by the last update at or before it). */
struct rpc_price_point {
    int32_t height;
    uint64_t price;
};

/**
 * Fills pts[0..n) for the heights tip - n + 1 .. tip, n = min(cap, tip + 1).
 * asset_id: the asset's id (prefix byte order); price, price_height: the
 * tip state's (chainstate_issuance_state). Precondition: the chain lock is
 * held and tip is the active tip's height. Out: *n. Returns false with err
 * (a sentence) if undo data cannot be read or does not hold the ORACLE coin
 * an update spent.
 */
bool rpc_price_history(struct chainstate *cs, struct rpc_price_point *pts, size_t *n, size_t cap,
                       const uint8_t asset_id[32], uint64_t price, int32_t price_height, int32_t tip, char *err,
                       size_t errlen);

#endif
