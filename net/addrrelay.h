#ifndef HASHMINT_NET_ADDRRELAY_H
#define HASHMINT_NET_ADDRRELAY_H
/* Address relay over the connection manager (the address half of Bitcoin
 * Core's PeerManager), owning the address manager (peers.dat) and the ban
 * manager (banlist.dat):
 *
 *  - `addr`/`addrv2` (BIP 155): more than 1,000 entries punishes the peer;
 *    each peer has a token bucket (Core: 0.1 address/s, at most 1,000
 *    tokens, +1,000 after we sent it getaddr; whitelisted "addr" peers are
 *    not limited); addresses beyond the tokens are dropped and counted;
 *    accepted ones go to the address manager (2 h time penalty), and fresh
 *    ones from small messages are forwarded to 1-2 peers chosen per address
 *    and day (so repeated gossip takes the same route).
 *  - Our addresses go out in `addrv2` to peers that sent `sendaddrv2`, else
 *    in `addr`, on a Poisson timer (mean 30 s), never repeating what a peer
 *    knows (per-peer rolling filter of 5,000 addresses).
 *  - `getaddr`: answered once per connection and only to inbound peers, from
 *    a cache (23 % of the table, at most 1,000, renewed every 21-27 h).
 *    We send getaddr once to each outbound full-relay peer.
 *  - Self-announcement: after the handshake with an outbound full-relay
 *    peer and then about every 24 h, our listening address (as the peer
 *    sees us) is sent to it, if we listen.
 *  - Block-relay-only peers take part in none of this (Core).
 *  - Outbound peers that complete the handshake are marked good in the
 *    address manager; failed attempts are counted.
 *
 * Threading: handlers and the tick run on the connman event thread; the
 * getters, addrrelay_peer_stats and the ban/discourage functions are safe
 * from any thread. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netaddr.h"

struct connman;
struct peer;
struct addrman;
struct banman;
struct addrrelay;

/** Core's MAX_ADDR_RATE_PER_SECOND and MAX_ADDR_PROCESSING_TOKEN_BUCKET. */
#define ADDRRELAY_RATE_PER_SECOND 0.1
#define ADDRRELAY_MAX_TOKENS 1000.0
#define ADDRRELAY_KNOWN_ENTRIES 5000
#define ADDRRELAY_BROADCAST_INTERVAL_US (30 * 1000000LL)
#define ADDRRELAY_SELF_ANNOUNCE_INTERVAL_US (24 * 3600 * 1000000LL)
#define ADDRRELAY_CACHE_MIN_S (21 * 3600)
#define ADDRRELAY_CACHE_RAND_S (6 * 3600)
#define ADDRRELAY_DUMP_INTERVAL_US (15 * 60 * 1000000LL)

/** A token bucket (Core's m_addr_token_bucket). Pure: tests drive the clock. */
struct addr_bucket {
    double tokens;
    int64_t last_us; /* last refill */
};
/** Starts a bucket with one token (Core) at now_us. */
void addr_bucket_init(struct addr_bucket *b, int64_t now_us);
/** Refills at ADDRRELAY_RATE_PER_SECOND up to ADDRRELAY_MAX_TOKENS for the time since the last refill. */
void addr_bucket_refill(struct addr_bucket *b, int64_t now_us);
/** Takes one token. Returns false (rate limited) if less than one is left. */
bool addr_bucket_take(struct addr_bucket *b);
/** Adds n tokens beyond the cap (after our getaddr, as Core). */
void addr_bucket_grant(struct addr_bucket *b, double n);

/** How an outbound peer punishment is carried out; see addrrelay_new. */
typedef void (*addrrelay_punish_fn)(void *ctx, struct peer *p, const char *reason);

struct addrrelay_options {
    const char *datadir;  /* peers.dat and banlist.dat live here; NULL: nothing persisted */
    bool allow_local;     /* keep loopback addresses (regtest functional tests run on 127.0.0.1) */
    uint16_t listen_port; /* our P2P port for self-announcement; 0: we do not listen */
    uint8_t network;      /* -onlynet: 0 = any, else the one enum net_addr_network allowed */
    uint64_t seed;        /* 0: keys and randomness from getrandom; else derived from it (fuzzing, tests) */
};

/**
 * Creates the address layer over cm (borrowed, must outlive it): creates
 * and loads the address and ban managers. Its messages reach it through
 * addrrelay_on_addr / addrrelay_on_getaddr (net/peer_dispatch.c). punish
 * (may be NULL: connman_disconnect) handles oversized addr messages.
 * Free with addrrelay_free after connman_stop.
 */
struct addrrelay *addrrelay_new(struct connman *cm, const struct addrrelay_options *o, addrrelay_punish_fn punish,
                                void *punish_ctx);
/** `addr` (v2 false) or `addrv2` (v2 true) from p. Returns false if the message is malformed. Event thread. */
bool addrrelay_on_addr(struct addrrelay *ar, struct peer *p, const uint8_t *payload, size_t len, bool v2);
/** `getaddr` from p (answered once per connection, inbound peers only). Returns true. Event thread. */
bool addrrelay_on_getaddr(struct addrrelay *ar, struct peer *p);
/** Writes peers.dat and banlist.dat and frees everything (NULL is a no-op). */
void addrrelay_free(struct addrrelay *ar);

/** The managers (borrowed; thread-safe themselves). */
struct addrman *addrrelay_addrman(struct addrrelay *ar);
struct banman *addrrelay_banman(struct addrrelay *ar);

/* ---- connman callbacks (forward them from the node's single set) ----
 * Each accepts ar == NULL as a no-op (false / nothing), so the node can
 * install its callbacks before addrrelay_new has run. */

/** on_handshake_done: per-peer state, getaddr, self-announcement, addrman_good for outbound. */
void addrrelay_peer_handshake_done(struct addrrelay *ar, struct peer *p);
/** on_disconnected: frees the peer's state (connman lock held: no sends). */
void addrrelay_peer_disconnected(struct addrrelay *ar, struct peer *p);
/** on_tick: flushes address announcements, periodic peers.dat dump. */
void addrrelay_tick(struct addrrelay *ar, int64_t now_us);
/** is_banned: true if a is inside an unexpired ban. */
bool addrrelay_is_banned(struct addrrelay *ar, const struct net_addr *a);
/** is_discouraged: true if a was discouraged recently. */
bool addrrelay_is_discouraged(struct addrrelay *ar, const struct net_addr *a);
/** select_address: an address from the manager that is not banned/discouraged. */
bool addrrelay_select_address(struct addrrelay *ar, struct net_addr *out, bool block_relay_only);
/** on_connect_failed: counts the failed attempt. */
void addrrelay_connect_failed(struct addrrelay *ar, const struct net_addr *a);

/**
 * Core's MaybeDiscourageAndDisconnect, for the node's punish function:
 * noban peers are left alone, manual connections only logged (returns
 * false for both: do not disconnect); loopback peers are not discouraged;
 * everyone else is discouraged. Returns true if the caller should now
 * disconnect p. Event thread.
 */
bool addrrelay_discourage_peer(struct addrrelay *ar, struct peer *p, const char *reason);

/** Per-peer counters for getpeerinfo. */
struct addrrelay_peer_stats {
    bool addr_relay_enabled;
    uint64_t addr_processed;
    uint64_t addr_rate_limited;
};
/** Out: *out for peer id. Returns false if unknown. Any thread. */
bool addrrelay_peer_stats(struct addrrelay *ar, int64_t id, struct addrrelay_peer_stats *out);

#endif
