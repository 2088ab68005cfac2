#ifndef HASHMINT_NET_SYNC_H
#define HASHMINT_NET_SYNC_H
/* Headers-first chain sync and block relay (the block half of Bitcoin Core's
 * PeerManager), on top of the connection manager (net/connman.h) and the
 * node interface (net/node_iface.h).
 *
 *  - Headers: after the handshake an outbound peer (during IBD only one peer
 *    at a time, as Core) gets `getheaders` with our locator; `headers`
 *    replies are checked (<= 2000, continuous, connecting) and handed to the
 *    chain; a full reply asks for more. Unconnecting headers are answered
 *    with `getheaders`; 10 in a row discourage the peer. Invalid headers
 *    discourage the peer.
 *  - Low-work header spam: a header chain whose total work stays below the
 *    anti-DoS threshold (net_sync_antidos_threshold: the larger of the
 *    chain's minimum chain work and the active tip's work minus 144 times the
 *    tip block's work, Core's GetAntiDoSWorkThreshold) is never stored.
 *    Exempt: peers with the noban permission, and headers ending on a header
 *    already on our tip's or best header's chain (Core's rule).
 *    Simplified presync: up to NET_SYNC_PRESYNC_MAX headers of such a chain
 *    are kept in memory for the peer that sends them (one presync per peer);
 *    once the chain's work reaches the threshold they are handed to the chain,
 *    else they are dropped when the peer stops, exceeds the bound or
 *    disconnects. (Core's HeadersSyncState uses commitments instead of a
 *    memory bound; this is the documented simplification.)
 *  - Blocks: blocks of peers' better header chains are fetched in parallel,
 *    inside a window of NET_SYNC_BLOCK_WINDOW blocks after the last block we
 *    have in common with the peer, at most NET_SYNC_MAX_IN_FLIGHT per peer
 *    (getdata MSG_WITNESS_BLOCK). A peer holding the first block of a full
 *    window for NET_SYNC_STALL_SECONDS while others wait is disconnected
 *    (stalling); a request unanswered for the block download timeout
 *    disconnects its peer; either way the block is requested elsewhere.
 *  - Serving: getheaders (not during IBD unless the peer has the download
 *    permission) and getdata for blocks (notfound for unknown ones).
 *  - Announcing: a new tip is announced with `headers` to peers that sent
 *    `sendheaders` (BIP 130) when they know its parent chain (up to 8 new
 *    blocks), else with `inv` of the tip; nothing during IBD.
 *  - A block that fails validation discourages the peer that sent it
 *    (except with the noban permission) and is never announced. The sender
 *    of every stored block is remembered (Core's mapBlockSource, at most
 *    NET_SYNC_MAX_BLOCK_SOURCES) until the block is connected, so a block
 *    that fails later, when a reorganisation to its chain connects it,
 *    still punishes the peer that sent it (net_sync_block_invalid).
 *  - A block we did not request from its sender goes to the chain with
 *    requested false: the chain alone decides, under its lock, whether it is
 *    stored (Core's AcceptBlock: at least as much work as our tip, at most
 *    288 blocks ahead, the minimum chain work). One it does not want is still
 *    checked (context-free block checks there, then its header here, which
 *    is stored when it clears the anti-DoS threshold) and a bad one
 *    punished, as in Core.
 *  - Requests read the peer's chain over the whole download window in one
 *    node_iface.window call (one chain lock), not one call per height.
 *  - A block message with a non-canonical CompactSize is logged (Core's
 *    "non-canonical ReadCompactSize()") and the peer kept.
 *  - During IBD a progress line (height, headers, progress %, blocks/s) is
 *    logged every few seconds.
 *
 * Threading: everything runs on the connman's event thread except
 * net_sync_new_tip (any thread; only records the news). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "consensus/validation.h"
#include "net/messages.h"
#include "net/peer.h"

struct connman;
struct node_iface;
struct net_sync;

/** Blocks ahead of the last common block that may be requested (Core's BLOCK_DOWNLOAD_WINDOW). */
#define NET_SYNC_BLOCK_WINDOW 1024
/** Block requests in flight per peer (Core's MAX_BLOCKS_IN_TRANSIT_PER_PEER). */
#define NET_SYNC_MAX_IN_FLIGHT 16
/** A peer blocking the window this long while others wait is disconnected (Core's BLOCK_STALLING_TIMEOUT). */
#define NET_SYNC_STALL_SECONDS 2
/** Unconnecting `headers` messages in a row before the peer is discouraged. */
#define NET_SYNC_MAX_UNCONNECTING 10
/** Low-work headers kept in memory per peer while presyncing. */
#define NET_SYNC_PRESYNC_MAX 20000
/** New blocks announced by `headers` at most; more: inv (Core's MAX_BLOCKS_TO_ANNOUNCE). */
#define NET_SYNC_MAX_BLOCKS_TO_ANNOUNCE 8

/** Senders of stored, not yet connected blocks remembered (the oldest is forgotten first). */
#define NET_SYNC_MAX_BLOCK_SOURCES 1024
/** Invalid-block news kept between two event-thread rounds (more are dropped). */
#define NET_SYNC_MAX_INVALID_NEWS 64

/** Blocks of tip work below the tip a header chain may fall short and still be stored (Core: 144). */
#define NET_SYNC_ANTIDOS_TIP_BLOCKS 144

/** Peers asked to announce blocks with cmpctblock at once (BIP 152, Core: 3). */
#define NET_SYNC_CMPCT_MAX_HB 3
/** Compact blocks being rebuilt at once (one per block; more are fetched whole). */
#define NET_SYNC_CMPCT_MAX_PARTIAL 16
/** Peers a block is pushed to before validation (remembered so the tick skips them). */
#define NET_SYNC_CMPCT_MAX_PUSH 128
/** getdata MSG_CMPCT_BLOCK is answered compactly this close to the tip (Core's MAX_CMPCTBLOCK_DEPTH). */
#define NET_SYNC_CMPCT_MAX_DEPTH 5
/** getblocktxn is answered this close to the tip, deeper with the full block (Core's MAX_BLOCKTXN_DEPTH). */
#define NET_SYNC_CMPCT_MAX_BLOCKTXN_DEPTH 10
/** A compact block this far above our tip is not rebuilt but fetched by the normal download (Core: 2). */
#define NET_SYNC_CMPCT_MAX_AHEAD 2

struct tx;
/** Calls fn(arg, tx) for each extra transaction (the orphan pool) offered to reconstructions. */
typedef void (*net_sync_extra_txs_fn)(void *ctx, void (*fn)(void *arg, const struct tx *tx), void *arg);

/** How sync punishes a peer: discourage its address and disconnect it (unless it has noban). */
typedef void (*net_sync_punish_fn)(void *ctx, struct peer *p, const char *reason);

/**
 * Out: *out = the minimum chain work of the chain named `chain` ("main",
 * "test", "regtest", "bitcoin"): 0 for hashmint's chains (no history yet),
 * Bitcoin Core's value for "bitcoin". Unknown names give 0.
 */
void net_sync_min_chain_work(struct arith256 *out, const char *chain);

/**
 * Creates the sync layer over cm and node (both borrowed; they must outlive
 * it). punish (may be NULL: connman_disconnect only) is called for
 * misbehaving peers. min_work: the anti-DoS threshold (copied).
 * It registers nothing: its messages reach it through the net_sync_on_*
 * functions below, called by the one owner of message handling
 * (net/peer_dispatch.c).
 */
struct net_sync *net_sync_new(struct connman *cm, const struct node_iface *node, const struct arith256 *min_work,
                              net_sync_punish_fn punish, void *punish_ctx);
/**
 * Out: *out = the work a peer's header chain must reach to be stored:
 * max(min_work given to net_sync_new, tip work - NET_SYNC_ANTIDOS_TIP_BLOCKS
 * x work of the tip block (0 if that is negative)). Reads the tip through
 * the node interface.
 */
void net_sync_antidos_threshold(struct net_sync *s, struct arith256 *out);
/** Frees the sync layer (NULL is a no-op). Call after connman_stop. */
void net_sync_free(struct net_sync *s);

/** A monotonic clock in microseconds (ctx as given to net_sync_set_clock). */
typedef int64_t (*net_sync_clock_fn)(void *ctx);
/**
 * Replaces the clock of the handlers and the tick (default, clock NULL:
 * CLOCK_MONOTONIC), so tests and fuzz harnesses drive time. Call before use.
 */
void net_sync_set_clock(struct net_sync *s, net_sync_clock_fn clock, void *ctx);

/** connman on_connected: allocates p->sync_state (connman lock held; no sends). */
void net_sync_peer_connected(struct net_sync *s, struct peer *p);
/** connman on_handshake_done: maybe starts headers sync with p. */
void net_sync_peer_handshake_done(struct net_sync *s, struct peer *p);
/** connman on_disconnected: drops p's requests (re-requested elsewhere) and frees p->sync_state. */
void net_sync_peer_disconnected(struct net_sync *s, struct peer *p);
/** connman on_tick: announcements, block download scheduling, stall and timeout checks, progress log. */
void net_sync_tick(struct net_sync *s, int64_t now_us);

/** `getheaders`: answers with up to 2,000 headers of the active chain (not during IBD). Returns false if malformed. */
bool net_sync_on_getheaders(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** `headers`: checks, presyncs or stores them, then requests blocks. Returns false if malformed. */
bool net_sync_on_headers(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** `block`: hands it to the chain (see the rules above), punishes bad ones. Returns false if malformed. */
bool net_sync_on_block(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** `inv`: handles the block items (unknown blocks: getheaders). Returns false if the message is malformed. */
bool net_sync_on_inv(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** Most getdata items kept per peer for later serving (one message's worth, Core's MAX_INV_SZ). */
#define NET_SYNC_MAX_GETDATA_PENDING 50000u
/** Transaction items handed to the tx server per call (the pause check runs between calls). */
#define NET_SYNC_GETDATA_TX_BATCH 100u

/**
 * Serves the non-block items of a getdata (transactions), in request order:
 * items[0..n) are consecutive items of one getdata. Runs on the event thread
 * from net_sync_on_getdata / net_sync_on_send_ready; sends its own notfound.
 */
typedef void (*net_sync_tx_getdata_fn)(void *ctx, struct peer *p, const struct net_inv *items, size_t n);
/**
 * Sets the server of the non-block getdata items (NULL: they are skipped, as
 * when the relay layer parses the getdata itself). Call before use.
 */
void net_sync_set_tx_getdata(struct net_sync *s, net_sync_tx_getdata_fn fn, void *ctx);

/**
 * `getdata` (Core's vRecvGetData + ProcessGetData): the items are queued per
 * peer (at most NET_SYNC_MAX_GETDATA_PENDING; more are ignored) and served in
 * request order while p's send queue is under the soft limit: blocks
 * (MSG_BLOCK / MSG_WITNESS_BLOCK) here, other items through the tx server.
 * Unknown blocks are answered with one `notfound` per serving round. What is
 * left when the queue fills waits for net_sync_on_send_ready; nothing is
 * dropped. Returns false if the message is malformed.
 */
bool net_sync_on_getdata(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/**
 * connman on_send_ready: p's send queue drained below the soft limit; serves
 * its pending getdata items (no-op without any). The connman dispatches none
 * of p's further messages while p stays paused, so replies keep their order.
 */
void net_sync_on_send_ready(struct net_sync *s, struct peer *p);
/** Returns how many getdata items of p wait to be served. */
size_t net_sync_getdata_pending(const struct peer *p);

/**
 * The chain's tip changed (chain event). Any thread, chain lock possibly held:
 * only records it; the next tick announces it to peers.
 */
void net_sync_new_tip(struct net_sync *s, const struct hash256 *tip, int32_t height, bool initial_download);

/**
 * The chain found block `hash` invalid (chain event; Core's BlockChecked with
 * an invalid state). Any thread, chain lock possibly held: only records it
 * (at most NET_SYNC_MAX_INVALID_NEWS pending); the event thread then punishes
 * the peer that sent the block, if it is known and still connected, as
 * punish_for_block does for st's result. s may be NULL (no-op).
 */
void net_sync_block_invalid(struct net_sync *s, const struct hash256 *hash, const struct val_state *st);

/* ---- compact blocks (BIP 152, net/sync_cmpct.c) ---- */

/**
 * -blocksonly (Core since 23.0): our mempool cannot rebuild compact blocks,
 * so blocks are requested whole and no peer is asked for high-bandwidth mode.
 * Call before use.
 */
void net_sync_set_blocks_only(struct net_sync *s, bool blocks_only);
/** Sets where reconstructions find extra transactions (the orphan pool); NULL: none. Call before use. */
void net_sync_set_extra_txs(struct net_sync *s, net_sync_extra_txs_fn fn, void *ctx);
/** `cmpctblock`: header checks, then reconstruction (mempool, extra txs), getblocktxn or getdata. */
bool net_sync_on_cmpctblock(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** `getblocktxn`: answers with blocktxn (or the full block when deep). Returns false if malformed. */
bool net_sync_on_getblocktxn(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/** `blocktxn`: completes a reconstruction. Returns false if malformed. */
bool net_sync_on_blocktxn(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len);
/**
 * A block passed its header, proof of work and block checks and was stored,
 * on top of the active tip, outside IBD (Core's NewPoWValidBlock). Any
 * thread, chain lock held. The chain emits it only for blocks this node
 * assembled (a peer's block, or submitblock's, is announced after it is
 * connected). Pushes its cmpctblock now, before the block is connected
 * (BIP 152), to the peers that asked for high-bandwidth mode, and records to
 * whom. b: its transactions' hashes set. s may be NULL.
 */
void net_sync_new_pow_valid_block(struct net_sync *s, const struct block *b, const struct hash256 *hash);
/** Returns true if we asked p to announce blocks to us with cmpctblock (getpeerinfo's bip152_hb_to). */
bool net_sync_cmpct_hb_to(struct net_sync *s, const struct peer *p);

/** Per-peer numbers for getpeerinfo. */
struct net_sync_peer_stats {
    int32_t synced_headers; /* height of the best header we know the peer has, -1 if none */
    int32_t synced_blocks;  /* height of the last block we have in common with it, -1 if none */
    size_t in_flight;       /* block requests outstanding */
    bool presyncing;        /* holding low-work headers from it */
    bool bip152_hb_to;      /* we asked it to push new blocks as cmpctblock */
    bool bip152_hb_from;    /* it asked us to push new blocks as cmpctblock */
};
/** Out: *out for p. */
void net_sync_peer_stats(struct net_sync *s, const struct peer *p, struct net_sync_peer_stats *out);

#endif
