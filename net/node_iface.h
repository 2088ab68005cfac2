#ifndef HASHMINT_NET_NODE_IFACE_H
#define HASHMINT_NET_NODE_IFACE_H
/* How net/ reaches the chain and the mempool.
 *
 * net/ may include only consensus/, src/crypto/ and src/util/ (layer rule,
 * doc/layout.md), so it never sees struct chainstate or struct mempool.
 * src/node fills one struct node_iface with functions over the
 * chainstate and the mempool (src/node/chain_iface.c) and hands it to
 * net/'s dispatcher (net/peer_dispatch.c); the sync code (net/sync*.c) and
 * the transaction relay code (net/txrelay.c) call through it.
 *
 * Threading and locking. Every function pointer may be called from the
 * network thread at any time after connman start and until connman stop; the
 * implementation takes the chain lock itself, so each call sees one
 * consistent state. Calls may take long (process_block validates a whole
 * block). None of them calls back into net/ synchronously EXCEPT through the
 * events path: process_block and accept_tx emit chain events, and the node
 * forwards those to net_sync_new_tip / txrelay_tx_added (below) on the same
 * thread, with the chain lock held. Those two hooks therefore must not block
 * or take the chain lock in a way that waits for another thread; they only
 * record the news and let the network thread act on it.
 *
 * Hashes are struct hash256 in internal byte order (as on the wire). Chain
 * work is struct arith256 (consensus/arith256.h): compare with arith256_cmp.
 *
 * Ownership: buffers returned through `uint8_t **data` are allocated with
 * mem_alloc and the caller mem_free()s them. Locator arrays likewise. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/validation.h"
#include "src/util/hash256.h"

/** Core's MAX_HEADERS_RESULTS: a `headers` message carries at most this many headers. */
#define NODE_MAX_HEADERS_RESULTS 2000

/** What the node knows about one header (a copy; valid after the call). */
struct node_header_info {
    struct hash256 hash;
    struct block_header header;
    int32_t height;
    struct arith256 chain_work; /* total work up to and including this header */
    bool have_data;             /* the full block is stored (BLOCK_HAVE_DATA) */
    bool in_active_chain;       /* on the active chain */
    bool failed;                /* known invalid (itself or an ancestor) */
};

/** Result of node_iface.process_block. */
enum node_block_result {
    NODE_BLOCK_NEW,       /* stored for the first time (it may still fail while connecting: see st) */
    NODE_BLOCK_DUPLICATE, /* already stored: nothing changed */
    NODE_BLOCK_INVALID,   /* rejected: st says why (VAL_BLOCK_* result, Core's reject string) */
    NODE_BLOCK_ERROR,     /* not the block's fault (missing parent, storage failure): st says what */
    NODE_BLOCK_IGNORED,   /* unrequested and not wanted (Core's AcceptBlock rules): checked, not stored */
};

/** One block of a header chain as block download sees it (node_iface.window). */
struct node_block_status {
    struct hash256 hash;
    bool have_data;       /* the full block is stored */
    bool in_active_chain; /* on the active chain */
    bool failed;          /* known invalid (itself or an ancestor) */
};

/** Where the mempool stands, for `feefilter` (sat/kvB). */
struct node_fee_info {
    int64_t min_fee;           /* mempoolminfee: max(rolling minimum, -minrelaytxfee) */
    int64_t min_relay_feerate; /* -minrelaytxfee */
    int64_t incremental_relay_feerate;
};

/** One mempool transaction as listed by node_iface.list_mempool. */
struct node_mempool_tx {
    struct hash256 txid;
    struct hash256 wtxid;
    int64_t fee;   /* modified fee, base units */
    int64_t vsize; /* virtual size (sigop-adjusted) */
};

/** node_iface.list_mempool lists at most this many transactions (one full `inv`, Core's MAX_INV_SZ). */
#define NODE_MEMPOOL_LIST_MAX 50000

struct node_iface {
    /** Passed back as the first argument of every function. */
    void *ctx;
    /** The chain parameters in force (magic, ports, genesis, pow limits). Borrowed, constant. */
    const struct chain_params *params;

    /* ---- the chain ---- */

    /**
     * The active tip. Out: *hash (may be NULL), *work (may be NULL).
     * Returns its height (0 = genesis only; -1 = no chain yet, e.g. a pending reindex).
     */
    int32_t (*tip)(void *ctx, struct hash256 *hash, struct arith256 *work);
    /**
     * The most-work header that is not known invalid (getblockchaininfo "headers").
     * Out: *out. Returns false if there is none (no chain yet).
     */
    bool (*best_header)(void *ctx, struct node_header_info *out);
    /**
     * Looks a header up by hash. Out: *out (may be NULL: only test presence).
     * Returns false if the header is unknown.
     */
    bool (*header_info)(void *ctx, struct node_header_info *out, const struct hash256 *hash);
    /**
     * The ancestor of header `hash` at `height` (the header itself at its own
     * height). Out: *out. Returns false if hash is unknown or height is out of
     * range (negative or above the header's height).
     */
    bool (*ancestor)(void *ctx, struct node_header_info *out, const struct hash256 *hash, int32_t height);
    /**
     * The last block of the active chain that is an ancestor of header `hash`
     * (or the header itself if active): where a peer's chain forks off ours.
     * Out: *out. Returns false if hash is unknown.
     */
    bool (*fork_point)(void *ctx, struct node_header_info *out, const struct hash256 *hash);
    /**
     * The ancestors of header `hash` at heights from..to (to capped at the
     * header's height), in height order, read under ONE chain lock: block
     * download looks at its whole window in one call. Out: out[0..return),
     * out[i] at height from + i (the caller sizes out for to - from + 1).
     * Returns 0 if hash is unknown, from < 0 or from > to.
     */
    size_t (*window)(void *ctx, struct node_block_status *out, const struct hash256 *hash, int32_t from, int32_t to);
    /**
     * A block locator (Core's LocatorEntries: the last 10 hashes one by one,
     * then exponentially spaced, genesis last) starting at header `from`;
     * from NULL: the active tip. Out: *hashes (mem_free it), *count.
     * Returns false (empty output) if `from` is unknown or there is no chain.
     */
    bool (*locator)(void *ctx, struct hash256 **hashes, size_t *count, const struct hash256 *from);
    /**
     * Serves `getheaders`: finds the first locator hash that is on the active
     * chain (genesis if none is; with count 0: the block hash_stop itself if
     * known) and writes up to `max` (<= NODE_MAX_HEADERS_RESULTS) headers of
     * the active chain after it, stopping after hash_stop (NULL or all-zero:
     * no stop). Out: out[0..return). Returns the number of headers written.
     */
    size_t (*headers_after_locator)(void *ctx, struct block_header *out, size_t max, const struct hash256 *locator,
                                    size_t count, const struct hash256 *hash_stop);
    /**
     * Validates headers[0..count) (each must connect to the previous one, the
     * first to a known header: proof of work, difficulty, timestamps, version,
     * checkpoint-free contextual checks, as Core's ProcessNewBlockHeaders) and
     * stores them in the block tree. min_work (may be NULL): if the chain work
     * at the last header would be below it, nothing is stored and the call
     * fails with "too-little-chainwork" (net/sync.c only calls with a chain it
     * already knows exceeds the threshold; this is a second line of defence).
     * Out: *last (may be NULL): the last accepted header.
     * Returns true if all were accepted (already known headers count as
     * accepted); false with st set (VAL_BLOCK_INVALID_HEADER "high-hash",
     * "bad-diffbits", "time-too-old", "time-too-new", VAL_BLOCK_MISSING_PREV
     * "prev-blk-not-found", VAL_BLOCK_CACHED_INVALID "duplicate",
     * VAL_BLOCK_INVALID_PREV "bad-prevblk", ...). Headers before the failing
     * one stay stored.
     */
    bool (*accept_headers)(void *ctx, struct val_state *st, struct node_header_info *last,
                           const struct block_header *headers, size_t count, const struct arith256 *min_work);
    /**
     * Validates and stores a full block and activates the best chain (Core's
     * ProcessNewBlock; force_processing = requested). requested: we asked
     * this peer for it. An unrequested block is stored only under Core's
     * AcceptBlock rules (more or the same work as the tip, at most 288
     * blocks ahead, the minimum chain work), decided by the chain under its
     * lock (chainstate_process_unrequested_block); one that is not wanted is
     * only checked, and its header stored if min_pow_checked (the caller
     * found its chain's work above the anti-DoS threshold: Core's
     * min_pow_checked): NODE_BLOCK_IGNORED, or NODE_BLOCK_INVALID if the
     * block or that header fails. The block's transactions must have their
     * hashes set (tx_parse does). Emits chain events (see top).
     * Out: *st. Returns how it went (enum node_block_result).
     */
    enum node_block_result (*process_block)(void *ctx, struct val_state *st, const struct block *b, bool requested,
                                            bool min_pow_checked);
    /**
     * Reads a stored block's serialisation (with witness) for `block`/`getdata`.
     * Out: *data (mem_free it), *len. Returns false if unknown or not stored.
     */
    bool (*read_block_raw)(void *ctx, uint8_t **data, size_t *len, const struct hash256 *hash);
    /** Returns true during initial block download. */
    bool (*is_initial_download)(void *ctx);

    /* ---- the mempool ---- */

    /**
     * Validates tx and adds it to the mempool (Core's AcceptToMemoryPool,
     * as for a relayed transaction: no max-fee check). Emits tx_added (see top).
     * Returns true if accepted; false with st set (VAL_TX_* results and Core's
     * reject strings, src/chain/mempool.h: VAL_TX_CONSENSUS is the only
     * result for which the peer is at fault, and Core does not punish even that).
     */
    bool (*accept_tx)(void *ctx, struct val_state *st, const struct tx *tx);
    /** Returns true if the mempool holds a transaction with this id (is_wtxid: id is a wtxid, else a txid). */
    bool (*have_tx)(void *ctx, const struct hash256 *id, bool is_wtxid);
    /**
     * Serialises a mempool transaction (with_witness: BIP 144 witness
     * serialisation if it has one). Out: *data (mem_free it), *len; fee_out
     * (may be NULL): its modified fee in base units; vsize_out (may be NULL):
     * its virtual size. Returns false if not in the mempool.
     */
    bool (*get_tx_raw)(void *ctx, uint8_t **data, size_t *len, int64_t *fee_out, int64_t *vsize_out,
                       const struct hash256 *id, bool is_wtxid, bool with_witness);
    /** Out: *out, the mempool's current fee floors. */
    void (*fee_info)(void *ctx, struct node_fee_info *out);
    /**
     * Lists the mempool for a `mempool` request: at most max (<=
     * NODE_MEMPOOL_LIST_MAX) transactions; if it holds more, those with the
     * highest fee rate (modified fee / vsize). Out: *out (mem_free it; NULL
     * if empty), *count. Returns the number of transactions in the mempool
     * (more than *count when truncated). May be NULL (no listing: `mempool`
     * is then answered with nothing).
     */
    size_t (*list_mempool)(void *ctx, struct node_mempool_tx **out, size_t *count, size_t max);
    /**
     * Calls fn(arg, tx) for every mempool transaction (hashes set), under ONE
     * chain lock: compact block reconstruction (net/sync_cmpct.c) matches
     * short ids against the whole mempool in one pass, as Core walks it under
     * the mempool lock. fn runs with the chain lock held: it must only read tx
     * (copy what it keeps) and never call back into node_iface. May be NULL
     * (compact blocks are then rebuilt from prefilled and extra transactions).
     */
    void (*mempool_scan)(void *ctx, void (*fn)(void *arg, const struct tx *tx), void *arg);
};

/* ---- the node -> net direction ----
 *
 * The node subscribes to the chain's events list (src/node/net_glue.c) and
 * forwards the news to net/ through four functions:
 *   - a new active tip:        net_sync_new_tip()        (net/sync.h)
 *   - a block found invalid:   net_sync_block_invalid()  (net/sync.h)
 *   - a transaction added:     txrelay_tx_added()        (net/txrelay.h)
 *   - a block passed its PoW and block checks, on the tip (Core's
 *     NewPoWValidBlock): net_sync_new_pow_valid_block() (net/sync.h), which
 *     pushes it to high-bandwidth compact block peers from that thread
 * They run on whichever thread changed the chain, with the chain lock held:
 * they only record the news under net's own small lock; the network thread
 * acts on it at its next tick. They never call back through node_iface. */

#endif
