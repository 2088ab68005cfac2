#ifndef HASHMINT_CHAIN_EVENTS_H
#define HASHMINT_CHAIN_EVENTS_H
/* The chain's notification list (Bitcoin Core's ValidationInterface, made
 * synchronous). The chainstate and the mempool call events_emit_*; ZMQ,
 * -blocknotify, RPC waiters and the mempool itself subscribe.
 *
 * Threading and locking rules (read before subscribing):
 *  - Every callback runs synchronously on the thread that changed the chain
 *    or the mempool, WITH THE CHAIN LOCK HELD (chainstate_lock(), which is a
 *    recursive mutex), in the order subscribers registered.
 *  - A callback may read chain and mempool state (the chain lock is
 *    recursive, so accessors that take it do not deadlock on this thread).
 *  - A callback must NOT modify the chain (process a block, invalidate,
 *    flush) and must NOT wait for another thread that may take the chain
 *    lock (e.g. join a worker, wait on an RPC reply): that deadlocks. Slow
 *    work (running a -blocknotify command, network I/O that can block) is
 *    handed to another thread, which may then take the chain lock itself.
 *    The mempool subscriber is the one exception to "must not modify": it
 *    updates its own state (remove confirmed/conflicting transactions on
 *    block_connected, stash disconnected transactions on
 *    block_disconnected and re-add them on updated_block_tip).
 *  - A callback must not subscribe or unsubscribe (the list's own mutex is
 *    held while emitting).
 *  - Pointers passed to callbacks are borrowed for the call only; block
 *    index entries (struct block_index) live as long as the chainstate. */
#include <stdbool.h>
#include <stdint.h>

struct block;
struct block_index;
struct issuance_effects;
struct tx;
struct val_state;

/** Why a transaction left the mempool (Core's MemPoolRemovalReason). */
enum mempool_removal_reason {
    MEMPOOL_REMOVAL_EXPIRY,    /* older than -mempoolexpiry */
    MEMPOOL_REMOVAL_SIZELIMIT, /* evicted to respect -maxmempool */
    MEMPOOL_REMOVAL_REORG,     /* no longer valid after a reorganisation */
    MEMPOOL_REMOVAL_BLOCK,     /* included in a connected block */
    MEMPOOL_REMOVAL_CONFLICT,  /* conflicts with a transaction in a block */
    MEMPOOL_REMOVAL_REPLACED,  /* replaced by fee (BIP 125 / full RBF) */
};

/** Returns Core's lower-case name of a removal reason ("expiry", "sizelimit", ...). */
const char *mempool_removal_reason_name(enum mempool_removal_reason r);

/**
 * One subscriber: any callback may be NULL (not interested). ctx is passed
 * back unchanged. The struct is copied by events_subscribe.
 */
struct events_subscriber {
    void *ctx;
    /** A block was connected to the active chain: its coins are applied and
     *  idx is already the active tip when this runs. The mempool subscriber
     *  (registered first) removes the block's transactions and conflicts, so
     *  later subscribers see the updated mempool. */
    void (*block_connected)(void *ctx, const struct block *b, const struct block_index *idx);
    /** A block was disconnected from the active chain (reorganisation or
     *  invalidateblock); idx is the disconnected block (no longer the tip). */
    void (*block_disconnected)(void *ctx, const struct block *b, const struct block_index *idx);
    /** The active tip changed: called once after each step that connected or
     *  disconnected blocks. fork is the last block the old and new chains
     *  share (NULL when there was no previous tip). initial_download: the
     *  node is in initial block download (subscribers like -blocknotify and
     *  ZMQ still fire; Core's blocknotify skips IBD, which we mirror by
     *  passing the flag). */
    void (*updated_block_tip)(void *ctx, const struct block_index *new_tip, const struct block_index *fork,
                              bool initial_download);
    /** A transaction entered the mempool; mempool_sequence is the mempool's
     *  sequence number after the addition (ZMQ "sequence" topic). */
    void (*tx_added_to_mempool)(void *ctx, const struct tx *tx, uint64_t mempool_sequence);
    /** A transaction left the mempool for a reason other than
     *  MEMPOOL_REMOVAL_BLOCK (Core does not announce those: block_connected
     *  covers them). */
    void (*tx_removed_from_mempool)(void *ctx, const struct tx *tx, enum mempool_removal_reason reason,
                                    uint64_t mempool_sequence);
    /** A block failed validation (Core's BlockChecked with an invalid state):
     *  its checks when it was stored, or its connection, e.g. while a
     *  reorganisation moved to its chain. idx is now marked failed; st says
     *  why. Not emitted for invalidateblock. (Added last: subscribers that
     *  initialise the struct by field name are unaffected.) */
    void (*block_invalid)(void *ctx, const struct block_index *idx, const struct val_state *st);
    /** Hashmint chains: a transaction with issuance effects (fx->actions
     *  != 0: vault open/deposit/withdraw/close, mint, repay, liquidation,
     *  oracle or issuer update, token transfer; issuance/issuance_effects.h)
     *  was connected (connected = true) or disconnected (false) as part of
     *  block idx. Connected: after block_connected, in block order.
     *  Disconnected: after block_disconnected, in reverse block order (the
     *  reversal of each effect). fx (owner scripts included) is borrowed for
     *  the call; the effects are those computed when the transaction is
     *  connected, and for a disconnect recomputed from the block's undo data,
     *  so a disconnect reports exactly what the connect reported. */
    void (*issuance_tx)(void *ctx, const struct tx *tx, const struct issuance_effects *fx,
                        const struct block_index *idx, bool connected);
    /** Core's NewPoWValidBlock: block b (idx), assembled by this node
     *  (chainstate_set_own_block), passed its header, proof of work and
     *  context checks and was stored, on top of the active tip, outside
     *  initial block download, BEFORE it is connected. BIP 152 lets compact
     *  block relay forward it now (net/sync_cmpct.c). */
    void (*new_pow_valid_block)(void *ctx, const struct block *b, const struct block_index *idx);
};

/** The subscriber list. Opaque; thread-safe. */
struct events;

/** Returns a new, empty list (events_free it). */
struct events *events_new(void);
/** Frees the list (NULL is a no-op). No emit may run concurrently. */
void events_free(struct events *ev);

/**
 * Adds a subscriber (the struct is copied). Returns a positive id for
 * events_unsubscribe. Must not be called from inside a callback.
 */
int events_subscribe(struct events *ev, const struct events_subscriber *sub);
/** Removes the subscriber with that id; unknown ids are ignored. When this
 *  returns, no callback of that subscriber is running or will run. */
void events_unsubscribe(struct events *ev, int id);

/* Emitters: call every subscriber's matching callback in registration order.
 * ev may be NULL (no-op), so code paths without a node (unit tests) work.
 * Called by the chainstate/mempool with the chain lock held. */

/** Announces a connected block (see struct events_subscriber). */
void events_emit_block_connected(struct events *ev, const struct block *b, const struct block_index *idx);
/** Announces a disconnected block. */
void events_emit_block_disconnected(struct events *ev, const struct block *b, const struct block_index *idx);
/** Announces a new active tip. */
void events_emit_updated_block_tip(struct events *ev, const struct block_index *new_tip,
                                   const struct block_index *fork, bool initial_download);
/** Announces a transaction added to the mempool. */
void events_emit_tx_added_to_mempool(struct events *ev, const struct tx *tx, uint64_t mempool_sequence);
/** Announces one transaction's issuance effects (connected or disconnected with block idx). */
void events_emit_issuance_tx(struct events *ev, const struct tx *tx, const struct issuance_effects *fx,
                             const struct block_index *idx, bool connected);
/** Announces a transaction removed from the mempool (not for MEMPOOL_REMOVAL_BLOCK). */
void events_emit_tx_removed_from_mempool(struct events *ev, const struct tx *tx, enum mempool_removal_reason reason,
                                         uint64_t mempool_sequence);
/** Announces a block that failed validation. */
void events_emit_block_invalid(struct events *ev, const struct block_index *idx, const struct val_state *st);
/** Announces a stored block that passed its PoW and block checks (see struct events_subscriber). */
void events_emit_new_pow_valid_block(struct events *ev, const struct block *b, const struct block_index *idx);

#endif
