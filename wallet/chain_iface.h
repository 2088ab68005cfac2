#ifndef HASHMINT_WALLET_CHAIN_IFACE_H
#define HASHMINT_WALLET_CHAIN_IFACE_H
/* How wallet/ reaches the node (the chain and the mempool).
 *
 * wallet/ may include only issuance/, consensus/, src/crypto/ and
 * src/util/ (doc/layout.md), so it never sees struct chainstate, struct
 * mempool or the event list. src/node/wallet_glue.c fills one struct
 * wallet_chain with functions over them. The wallet subscribes through
 * subscribe(): the node forwards the chain's events (block connected /
 * disconnected, transaction added to / removed from the mempool) to the
 * listener; the chain never calls the wallet otherwise.
 *
 * Locking: listener callbacks run with the chain lock held (the events
 * rule, src/chain/events.h). The wallet therefore takes its own lock only
 * after the chain lock: a wallet operation that needs the chain calls
 * lock() first, then takes the wallet lock. lock() is recursive. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "issuance/issuance_state.h"
#include "src/util/hash256.h"

/** A block of the chain as the wallet sees it. */
struct wallet_block_info {
    struct hash256 hash;
    struct hash256 prev;
    int32_t height;
    int64_t time;
};

/** Why a transaction left the mempool (the node's reasons, wallet's view). */
enum wallet_tx_removal { WALLET_TX_REMOVED_OTHER, WALLET_TX_REMOVED_CONFLICT, WALLET_TX_REMOVED_REPLACED };

/** The wallet's subscriber: any callback may be NULL. Borrowed pointers. */
struct wallet_chain_listener {
    void *ctx;
    void (*block_connected)(void *ctx, const struct block *b, const struct wallet_block_info *info);
    void (*block_disconnected)(void *ctx, const struct block *b, const struct wallet_block_info *info);
    void (*tx_added)(void *ctx, const struct tx *tx);
    void (*tx_removed)(void *ctx, const struct tx *tx, enum wallet_tx_removal why);
};

struct wallet_chain {
    void *ctx;
    const struct chain_params *params;
    /** Takes / releases the chain lock (recursive). */
    void (*lock)(void *ctx);
    void (*unlock)(void *ctx);
    /** The active tip. Out: *out. Returns false if there is no chain yet. */
    bool (*tip)(void *ctx, struct wallet_block_info *out);
    /** The active chain's block at height. Returns false if out of range. */
    bool (*block_at)(void *ctx, struct wallet_block_info *out, int32_t height);
    /** Looks a block up by hash. Out: *out, *active (on the active chain),
     *  *fork_height (height of the last active ancestor). Returns false if unknown. */
    bool (*find_block)(void *ctx, struct wallet_block_info *out, bool *active, int32_t *fork_height,
                       const struct hash256 *hash);
    /** Reads a stored block (block_clear it). Returns false if not stored. */
    bool (*read_block)(void *ctx, struct block *out, const struct hash256 *hash);
    /**
     * Submits tx to the mempool (relayed to peers by the node). test_only:
     * check without adding (testmempoolaccept). max_fee > 0: refuse a
     * larger fee. Returns false with Core's reject text in err.
     */
    bool (*submit_tx)(void *ctx, const struct tx *tx, bool test_only, int64_t max_fee, char *err, size_t errlen);
    /** Returns true if the mempool holds txid. */
    bool (*in_mempool)(void *ctx, const struct hash256 *txid);
    /** The mempool's minimum fee rate (sat/kvB, at least -minrelaytxfee). */
    int64_t (*min_fee_rate)(void *ctx);
    /** Subscribes l (copied) to the chain's events. Returns an id > 0. */
    int (*subscribe)(void *ctx, const struct wallet_chain_listener *l);
    /** Unsubscribes; when it returns no callback of id runs any more. */
    void (*unsubscribe)(void *ctx, int id);
    /**
     * The unspent output op at the active tip (not the mempool). Out: *out
     * (txout_clear it), *height (of its block), *coinbase; untouched unless
     * true is returned. Returns false if unknown or spent.
     */
    bool (*get_coin)(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op);
    /**
     * The issuance state after the active tip (oracle price and its height,
     * issuer flags, breaker, supply; issuance/issuance_state.h). Out: *out,
     * *tip_height. Returns false on a chain without the issuance layer.
     */
    bool (*issuance_state)(void *ctx, struct issuance_state *out, int32_t *tip_height);
    /** The node's fee estimate for confirmation within conf_target blocks
     *  (Core's estimateSmartFee), sat/kvB; 0 when there is none. Out:
     *  *returned_target (may be NULL); *reason (may be NULL), the estimate
     *  step that won in Core's FeeReason words (a static string). The member
     *  may be NULL: no estimator. */
    int64_t (*estimate_fee)(void *ctx, int *returned_target, const char **reason, int conf_target,
                            bool conservative);
};

#endif
