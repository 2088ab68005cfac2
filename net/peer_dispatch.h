#ifndef HASHMINT_NET_PEER_DISPATCH_H
#define HASHMINT_NET_PEER_DISPATCH_H
/* The one owner of P2P message handling ("message in, handlers called";
 * the dispatch half of Bitcoin Core's PeerManager::ProcessMessage).
 *
 * It builds the three message layers over one connection manager and the
 * node interface (net/node_iface.h):
 *  - block sync and serving (net/sync.h),
 *  - transaction relay (net/txrelay.h),
 *  - address relay with the address and ban managers (net/addrrelay.h),
 * and gives the connman its whole set of callbacks: every message after the
 * handshake goes through its on_message callback, which owns the command
 * table (including the negotiation messages sendheaders, feefilter and
 * sendcmpct, recorded in struct peer); peer life-cycle events and the tick
 * go to every layer; misbehaviour is punished here, one way for all layers
 * (Core's Misbehaving + MaybeDiscourageAndDisconnect: the "Misbehaving:
 * peer=N: reason" line, then noban and manual peers stay, loopback peers are
 * disconnected without being discouraged, everyone else is discouraged and
 * disconnected; see addrrelay_discourage_peer).
 *
 * hashmintd (src/node/net_glue.c), the fuzz harness of the message
 * processor and the sync unit tests all run this same code; the tests only
 * replace the transport (the connman_* functions) and the clock.
 *
 * Life cycle: peer_dispatch_new, peer_dispatch_callbacks (give them to
 * connman_new), peer_dispatch_attach (the layers over the connman), then
 * connman_start; at the end connman_stop, peer_dispatch_free, connman_free.
 * Threading: everything runs on the connman's event thread, except the
 * chain-news functions of the layers (net_sync_new_tip,
 * net_sync_block_invalid, txrelay_tx_added), which any thread may call. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "net/addrrelay.h"
#include "net/connman.h"
#include "net/peer.h"
#include "net/sync.h"

struct node_iface;
struct peer_dispatch;
struct txrelay;

/** Called after a peer was punished for `reason` (tests count these; may be NULL). */
typedef void (*peer_dispatch_misbehaving_fn)(void *ctx, const struct peer *p, const char *reason);

struct peer_dispatch_options {
    struct arith256 min_work;     /* the chain's minimum chain work: anti-DoS floor for headers (net/sync.h) */
    struct addrrelay_options addr; /* the address layer (copied; datadir borrowed until attach returns) */
    uint64_t relay_seed;           /* transaction relay's randomness (trickle timing, orphan eviction) */
    bool blocks_only;              /* -blocksonly: blocks are fetched whole, never as compact blocks (Core) */
    net_sync_clock_fn clock;       /* monotonic microseconds for every layer; NULL: CLOCK_MONOTONIC */
    void *clock_ctx;
    peer_dispatch_misbehaving_fn on_misbehaving; /* observer of punishments; NULL: none */
    void *misbehaving_ctx;
};

/** Out: *o = defaults (zero minimum work, nothing persisted, seed 0, the monotonic clock, no observer). */
void peer_dispatch_options_init(struct peer_dispatch_options *o);

/**
 * Creates the dispatcher over node (borrowed; must outlive it). o is copied.
 * No layer exists before peer_dispatch_attach.
 */
struct peer_dispatch *peer_dispatch_new(const struct node_iface *node, const struct peer_dispatch_options *o);
/** Out: *out = the connection manager callbacks (ctx d) to hand to connman_new. */
void peer_dispatch_callbacks(struct peer_dispatch *d, struct connman_callbacks *out);
/** Creates the sync, transaction relay and address layers over cm (borrowed). Call once, before connman_start. */
void peer_dispatch_attach(struct peer_dispatch *d, struct connman *cm);
/** Frees the layers and the dispatcher (NULL is a no-op). Call after connman_stop. */
void peer_dispatch_free(struct peer_dispatch *d);


/** The layers (borrowed until peer_dispatch_free; NULL before attach). NULL-safe. */
struct net_sync *peer_dispatch_sync(struct peer_dispatch *d);
struct txrelay *peer_dispatch_txrelay(struct peer_dispatch *d);
struct addrrelay *peer_dispatch_addrrelay(struct peer_dispatch *d);

#endif
