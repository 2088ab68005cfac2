#ifndef HASHMINT_NET_TXRELAY_H
#define HASHMINT_NET_TXRELAY_H
/* Transaction relay (Bitcoin Core's tx parts of PeerManager plus its
 * TxRequestTracker and TxOrphanage), written as a state machine that is fed
 * messages, chain news and the clock, and answers through callbacks, so it
 * runs the same under connman and in unit tests with fake peers and time.
 *
 *  - Announcing: a transaction that enters the mempool is queued for every
 *    relaying peer and sent in `inv` at Poisson-distributed intervals (mean
 *    5 s inbound, 2 s outbound; at most 1,000 per message), by wtxid
 *    (MSG_WTX) to peers that sent `wtxidrelay` (BIP 339), else by txid.
 *    Nothing is announced under the peer's `feefilter` (BIP 133) or that it
 *    already knows (per-peer rolling filter of 50,000 ids).
 *  - Requesting: announcements are tracked per transaction; one `getdata` is
 *    in flight per transaction at a time, outbound peers first (inbound and
 *    txid-relay announcements wait 2 s), at most 100 in flight and 5,000
 *    tracked per peer; an unanswered request times out after 60 s and the
 *    next announcer is tried.
 *  - Serving: `getdata` for a tx is answered from the mempool if we announced
 *    it to this peer or it is older than 2 minutes there, else `notfound`.
 *  - Receiving: `tx` goes to the mempool; missing parents put it in a bounded
 *    orphan pool (100 txs, 100 kB each, 20 minutes, random eviction), retried
 *    when a parent enters the mempool; other rejections only remember the
 *    wtxid so it is not fetched again. Consensus-invalid transactions do NOT
 *    punish the peer (current Core).
 *  - `inv`/`getdata`/`notfound` with more than 50,000 entries: the peer is
 *    punished (discouraged and disconnected).
 *  - `mempool`: answered at the peer's next trickle with `inv`s of the
 *    mempool's ids (node_iface.list_mempool: at most NODE_MEMPOOL_LIST_MAX,
 *    the best fee rates when the mempool is larger; minus ids the peer knows
 *    and those below its feefilter) for peers with the mempool permission;
 *    other peers are disconnected (Core does so for peers when NODE_BLOOM is
 *    not offered).
 *  - Our own `feefilter` (mempool min fee, rounded to a coarse set of values
 *    for privacy) is sent on average every 10 minutes, sooner on a big drop.
 *
 * Not thread-safe: call everything from the network thread, except
 * txrelay_tx_added which only appends to a locked queue. Time is in
 * microseconds (any epoch, monotonic). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/hash256.h"

struct node_iface;

/* Inventory types (Core's GetDataMsg). */
#define TXRELAY_MSG_TX 1u
#define TXRELAY_MSG_BLOCK 2u
#define TXRELAY_MSG_WTX 5u
#define TXRELAY_MSG_WITNESS_FLAG (1u << 30)

#define TXRELAY_MAX_INV_SZ 50000
/** Entries per getdata we send (Core's MAX_GETDATA_SZ). */
#define TXRELAY_MAX_GETDATA_SZ 1000
#define TXRELAY_KNOWN_INV_ENTRIES 50000
#define TXRELAY_MAX_PEER_ANNOUNCEMENTS 5000
#define TXRELAY_MAX_PEER_IN_FLIGHT 100
#define TXRELAY_INBOUND_INV_INTERVAL_US (5 * 1000000LL)
#define TXRELAY_OUTBOUND_INV_INTERVAL_US (2 * 1000000LL)
#define TXRELAY_INV_BROADCAST_MAX 1000
#define TXRELAY_NONPREF_DELAY_US (2 * 1000000LL)
#define TXRELAY_TXID_DELAY_US (2 * 1000000LL)
#define TXRELAY_OVERLOADED_DELAY_US (2 * 1000000LL)
#define TXRELAY_GETDATA_TIMEOUT_US (60 * 1000000LL)
#define TXRELAY_UNCONDITIONAL_RELAY_DELAY_US (120 * 1000000LL)
#define TXRELAY_MAX_ORPHANS 100
#define TXRELAY_MAX_ORPHAN_SIZE 100000
#define TXRELAY_ORPHAN_EXPIRE_US (20 * 60 * 1000000LL)
#define TXRELAY_FEEFILTER_INTERVAL_US (10 * 60 * 1000000LL)
#define TXRELAY_FEEFILTER_MAX_DELAY_US (5 * 60 * 1000000LL)
/** Announcements queued per peer at most (beyond: dropped, the peer can fetch via mempool/other peers). */
#define TXRELAY_MAX_QUEUED 20000

/** How txrelay talks back to the network (connman) side. */
struct txrelay_net {
    void *ctx;
    /** Sends a message (payload borrowed) to the peer. */
    void (*send)(void *ctx, int64_t peer, const char *command, const uint8_t *payload, size_t len);
    /** Misbehaviour: discourage the peer's address and disconnect it. */
    void (*punish)(void *ctx, int64_t peer, const char *reason);
    /** Disconnects the peer without discouraging it. */
    void (*disconnect)(void *ctx, int64_t peer, const char *reason);
};

/** What txrelay needs to know about a peer when it joins (after verack). */
struct txrelay_peer_opts {
    bool inbound;
    bool relay_txs;       /* the peer asked for txs (version.relay) and is not block-relay-only */
    bool wtxid_relay;     /* it sent wtxidrelay before verack */
    bool feefilter_ok;    /* its version >= 70013 (we may send feefilter) */
    bool perm_mempool;    /* may send `mempool` (whitelist) */
    bool perm_relay;      /* whitelisted "relay"/forcerelay: its txs are relayed even if known */
};

struct txrelay;
struct tx;

/** Per-peer counters for getpeerinfo. */
struct txrelay_peer_stats {
    bool relay_txs;
    bool wtxid_relay;
    int64_t feefilter;       /* the peer's feefilter (sat/kvB) */
    size_t queued;           /* announcements waiting for the next trickle */
    size_t tracked;          /* its announcements we track */
    size_t in_flight;        /* our requests to it */
};

/**
 * Creates the relay state. node: the chain/mempool interface (borrowed; may
 * be NULL in tests that only exercise scheduling); net: callbacks (copied);
 * seed: randomness for the trickle schedule, orphan eviction and filter keys.
 */
struct txrelay *txrelay_new(const struct node_iface *node, const struct txrelay_net *net, uint64_t seed);
/** Frees tr (NULL is a no-op). */
void txrelay_free(struct txrelay *tr);

/**
 * Sets the callback told when a peer's `tx` entered the mempool (Core's
 * m_last_tx_time, which inbound eviction uses); fn NULL: none (the default).
 * It runs on the network thread with ctx = the txrelay_net's ctx.
 */
void txrelay_set_new_tx_cb(struct txrelay *tr, void (*fn)(void *ctx, int64_t peer));

/** Starts tracking a peer (call once, after its verack). Returns false if already known. */
bool txrelay_peer_add(struct txrelay *tr, int64_t peer, const struct txrelay_peer_opts *opts, int64_t now_us);
/** Forgets a peer: its announcements, requests and orphans' attribution. */
void txrelay_peer_remove(struct txrelay *tr, int64_t peer);
/** Out: *out. Returns false if the peer is unknown. */
bool txrelay_peer_stats(struct txrelay *tr, int64_t peer, struct txrelay_peer_stats *out);

/* ---- messages from a peer (payloads are untrusted and bounds-checked) ---- */

/** `inv`: tracks tx announcements (block items are ignored here). Returns false if the peer was punished. */
bool txrelay_on_inv(struct txrelay *tr, int64_t peer, const uint8_t *payload, size_t len, int64_t now_us);
/** `getdata`: answers the tx items (tx or notfound). Returns false if the peer was punished. */
bool txrelay_on_getdata(struct txrelay *tr, int64_t peer, const uint8_t *payload, size_t len, int64_t now_us);
/** `notfound`: drops our requests for those txs to that peer. Returns false if punished. */
bool txrelay_on_notfound(struct txrelay *tr, int64_t peer, const uint8_t *payload, size_t len, int64_t now_us);
/** `tx`: validates through node->accept_tx; orphans / rejects as described. */
void txrelay_on_tx(struct txrelay *tr, int64_t peer, const uint8_t *payload, size_t len, int64_t now_us);
/** `feefilter`: records the peer's minimum fee rate (sat/kvB; out-of-range values ignored). */
void txrelay_on_feefilter(struct txrelay *tr, int64_t peer, const uint8_t *payload, size_t len);
/** `mempool`: see above. */
void txrelay_on_mempool(struct txrelay *tr, int64_t peer, int64_t now_us);

/* ---- news and the clock ---- */

/**
 * A transaction entered the mempool (net_on_tx_added). Only queues the news
 * under a lock (safe from any thread, with the chain lock held); the next
 * txrelay_tick announces it and retries orphans that spend it.
 */
void txrelay_tx_added(struct txrelay *tr, const struct hash256 *txid, const struct hash256 *wtxid, int64_t fee,
                      int64_t vsize);
/**
 * Does the time-driven work: trickles queued announcements, sends due
 * getdata requests, expires requests and orphans, sends feefilter.
 * Call every ~100 ms from the network thread.
 */
void txrelay_tick(struct txrelay *tr, int64_t now_us);

/**
 * Calls fn(arg, tx) for every orphan, parsed (hashes set; valid during the
 * call): compact block reconstruction offers them (Core's extra txn pool).
 * tr NULL: no-op.
 */
void txrelay_orphans_each(struct txrelay *tr, void (*fn)(void *arg, const struct tx *tx), void *arg);
/** Returns the number of orphans held. */
size_t txrelay_orphan_count(struct txrelay *tr);
/** Returns the number of tracked tx ids (announced to us, not yet received). */
size_t txrelay_tracked_count(struct txrelay *tr);
/** The next trickle time of a peer (for tests); -1 if unknown. */
int64_t txrelay_peer_next_inv(struct txrelay *tr, int64_t peer);

/** Rounds a fee rate down to one of a coarse set of values (Core's FeeFilterRounder). */
int64_t txrelay_feefilter_round(int64_t feerate, uint64_t rnd);

#endif
