#ifndef HASHMINT_WALLET_TOKEN_COINS_H
#define HASHMINT_WALLET_TOKEN_COINS_H
/* The wallet's token coins (doc/wallet.md, "Tokens"): its unspent TOKEN
 * outputs per asset, found in the wallet's transactions (stored in its
 * SQLite file like every wallet transaction, so they survive a restart and
 * follow reorgs exactly as HMC coins do), and token coin selection.
 * Internal to wallet/ (wallet/token_*.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "consensus/tx.h"

struct wallet;
struct spkent;

/** One unspent TOKEN output of the wallet. Pointers borrow the wallet's memory (valid under its lock). */
struct wallet_token_coin {
    struct outpoint op;
    const struct txout *out;    /* the output (prefix and all) */
    const struct spkent *owner; /* the wallet's script after the prefix */
    uint32_t asset;             /* index into the chain's assets */
    uint64_t amount;            /* token base units, 1 .. 2^53 */
    int depth;                  /* confirmations (0: unconfirmed) */
    bool safe;                  /* confirmed, or our own trusted unconfirmed transaction */
    bool spendable;             /* the wallet holds its private keys */
    bool locked;                /* lockunspent */
};

/**
 * Every unspent TOKEN output the wallet owns with minconf <= depth <=
 * maxconf (conflicted, abandoned and immature ones left out). Out: *out (an
 * array, mem_free it; never NULL). Returns the count. Caller holds the
 * wallet lock and keeps it while using the result.
 */
size_t wallet_token_coins(struct wallet *w, struct wallet_token_coin **out, int minconf, int maxconf);

/**
 * Token coin selection: picks coins among amounts[0..n) summing to at
 * least target (> 0), in this order of preference: one coin of exactly the
 * target (no change); the smallest single coin above it (one input);
 * otherwise the largest coins first until the target is covered (fewest
 * inputs). Out: idx[0..*count) (idx has room for n), ascending positions.
 * Returns false (count 0) if all of them together fall short. Pure.
 */
__attribute__((warn_unused_result)) bool token_select(size_t *idx, size_t *count, const uint64_t *amounts, size_t n,
                                                      uint64_t target);

/**
 * The "tokens" array of a listtransactions/gettransaction entry for output
 * o: [{"asset": ticker, "asset_id": hex, "amount": n}] with n negated for a
 * "send" entry; NULL when o carries no TOKEN prefix of a known asset.
 */
json_t *wallet_token_entry_json(const struct wallet *w, const struct txout *o, bool negative);

/**
 * gettransaction's "tokens": per asset the net change of the wallet's
 * tokens (its TOKEN outputs in tx minus its TOKEN coins tx spends), as
 * [{"asset", "asset_id", "amount"}] for every asset tx moves for the
 * wallet; NULL when there is none. Caller holds the wallet lock.
 */
json_t *wallet_token_tx_json(struct wallet *w, const struct tx *tx);

#endif
