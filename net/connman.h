#ifndef HASHMINT_NET_CONNMAN_H
#define HASHMINT_NET_CONNMAN_H
/* The connection manager: listening sockets, outbound connections, framing,
 * the version handshake, ping, timeouts, inbound eviction; received
 * messages are handed to one callback (on_message).
 *
 * Threading: it runs on the caller's libevent base (the main thread; the
 * program must have called evthread_use_pthreads()). Handlers, the hooks
 * and the tick run on that event thread. The functions marked "any thread"
 * take the connman lock and may be called from RPC workers or chain-event
 * callbacks; sends from other threads are written by the event loop.
 *
 * Built in: version, verack, wtxidrelay, sendaddrv2, ping, pong. Every other
 * command goes to the on_message callback (net/peer_dispatch.c is the one
 * owner of what happens to it), and only after the handshake (version and
 * verack received); before it, a first message that is not `version`
 * disconnects the peer.
 *
 * Transport reactions (Core's v1 transport): wrong magic or a length above
 * NET_MAX_PROTOCOL_MESSAGE_LENGTH disconnects before anything is buffered;
 * an invalid command or a bad checksum drops that message only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netaddr.h"
#include "net/peer.h"
#include "net/protocol.h"

struct event_base;
struct connman;

/** Default -maxconnections. */
#define CONNMAN_DEFAULT_MAX_CONNECTIONS 125
/** Automatic outbound full-relay connections (Core's MAX_OUTBOUND_FULL_RELAY_CONNECTIONS). */
#define CONNMAN_MAX_OUTBOUND_FULL_RELAY 8
/** Automatic outbound block-relay-only connections. */
#define CONNMAN_MAX_BLOCK_RELAY_ONLY 2
/** Most -addnode/-connect connections beside the automatic ones (Core's MAX_ADDNODE_CONNECTIONS). */
#define CONNMAN_MAX_ADDNODE 8
/** Slots kept from -maxconnections for outbound: 8 + 2 + 1 feeler, as Core. */
#define CONNMAN_OUTBOUND_SLOTS 11

/** Options; fill with connman_options_default, then override. String arrays are borrowed until connman_free. */
struct connman_options {
    bool listen;                 /* -listen: accept inbound */
    uint16_t port;               /* -port (default: the chain's default_port) */
    const char *const *binds;    /* -bind "addr[:port]" */
    size_t n_binds;
    const char *const *whitebinds; /* -whitebind "[perms@]addr:port" */
    size_t n_whitebinds;
    const char *const *whitelist;  /* -whitelist "[perms@]subnet" */
    size_t n_whitelist;
    const char *const *connect;  /* -connect: when n_connect > 0, the only outbound connections */
    size_t n_connect;
    const char *const *addnodes; /* -addnode: kept connected (retried) */
    size_t n_addnodes;
    const char *const *seednodes; /* -seednode: addr-fetch connections at start */
    size_t n_seednodes;
    int max_connections;         /* -maxconnections (default 125) */
    uint32_t onlynet;            /* bit (1 << enum net_addr_network); 0 = every network */
    int max_outbound_full_relay; /* default CONNMAN_MAX_OUTBOUND_FULL_RELAY */
    int max_block_relay_only;    /* default CONNMAN_MAX_BLOCK_RELAY_ONLY */
    uint64_t local_services;     /* default NODE_NETWORK | NODE_WITNESS */
    const char *user_agent;      /* default "/hashmint:0.1.0/" */
    bool blocks_only;            /* -blocksonly: we send relay=0 */
    int64_t ping_interval;       /* seconds between pings (120) */
    int64_t timeout;             /* seconds: ping unanswered / no traffic (Core's TIMEOUT_INTERVAL 1200) */
    int64_t handshake_timeout;   /* seconds to complete version/verack (-peertimeout 60) */
    int64_t connect_timeout_ms;  /* outbound connect() (5000) */
    int64_t addnode_retry;       /* seconds between attempts at an unconnected -addnode (10) */
    int tick_ms;                 /* housekeeping + on_tick period, 100..1000 (200) */
    size_t send_soft_limit;      /* PEER_SEND_SOFT_LIMIT */
    size_t send_hard_limit;      /* PEER_SEND_HARD_LIMIT */
};

/** Hooks into the layers above. Every pointer may be NULL. All run on the event thread. */
struct connman_callbacks {
    void *ctx; /* passed to every callback */
    /** A socket is up (before any message). Called with the connman lock held: initialise
     *  per-peer state only; do not take the chain lock or call connman_send. */
    void (*on_connected)(void *ctx, struct peer *p);
    /** version and verack exchanged: start sync, send getaddr, ... (lock not held). */
    void (*on_handshake_done)(void *ctx, struct peer *p);
    /** The peer is going away: free sync_state/relay_state. Called with the lock held. */
    void (*on_disconnected)(void *ctx, struct peer *p);
    /** Every tick_ms (lock not held): schedulers, stall detection, trickle. */
    void (*on_tick)(void *ctx, int64_t now_us);
    /**
     * p's send queue is under the soft limit again (after a write drained it,
     * or after a read): serve pending getdata replies. Runs before any further
     * message of p is dispatched; if it leaves p paused, none is. Lock not held.
     */
    void (*on_send_ready)(void *ctx, struct peer *p);
    /**
     * A message after the handshake (payload[0..len) valid only during the
     * call): the owner of message handling calls what handles `command`.
     * Returns false if the peer misbehaved (on_bad_message then decides).
     * NULL: such messages are logged as unknown and dropped. Lock not held.
     */
    bool (*on_message)(void *ctx, struct peer *p, const char *command, const uint8_t *payload, size_t len);
    /**
     * on_message returned false (the peer sent something wrong): decide the
     * punishment (e.g. discourage + connman_disconnect). NULL: the peer is
     * disconnected unless it has PEER_PERM_NOBAN. Lock not held.
     */
    void (*on_bad_message)(void *ctx, struct peer *p, const char *command);
    /** Our best height for the version message (0 if NULL). */
    int32_t (*start_height)(void *ctx);
    /** Our fee filter to send after the handshake (base units per kvB); <= 0 sends none. */
    int64_t (*local_feefilter)(void *ctx);
    /** Picks an address for an automatic outbound connection. Returns false if none. */
    bool (*select_address)(void *ctx, struct net_addr *out, bool block_relay_only);
    /** An outbound attempt failed (connect error or timeout). */
    void (*on_connect_failed)(void *ctx, const struct net_addr *a);
    /** Banned addresses are refused (inbound and automatic outbound). */
    bool (*is_banned)(void *ctx, const struct net_addr *a);
    /** Discouraged inbound addresses are accepted only into free slots and evicted first. */
    bool (*is_discouraged)(void *ctx, const struct net_addr *a);
};

/** Out: o = the defaults listed in struct connman_options (port 0: caller sets it). */
void connman_options_default(struct connman_options *o);

/**
 * Creates a connection manager on `base` (borrowed) for the network with
 * `magic`. Copies the options and callbacks (the option strings stay
 * borrowed). Nothing is opened until connman_start.
 * Out: *err = a static message on failure (bad -whitelist/-whitebind/-bind). Returns NULL on failure.
 */
struct connman *connman_new(struct event_base *base, const struct connman_options *opt,
                            const uint8_t magic[NET_MAGIC_SIZE], const struct connman_callbacks *cb,
                            const char **err);

/**
 * Binds the listening sockets and starts the tick (which opens the outbound
 * connections). Out: errbuf (at least 256 bytes) on failure.
 * Returns false if an explicit -bind/-whitebind fails or, with -listen and
 * no -bind, neither IPv4 nor IPv6 could be bound.
 */
__attribute__((warn_unused_result)) bool connman_start(struct connman *cm, char *errbuf, size_t errlen);

/** Closes every socket, calling on_disconnected for each peer. Event thread. Idempotent. */
void connman_stop(struct connman *cm);

/** Stops (if needed) and frees everything. NULL is a no-op. */
void connman_free(struct connman *cm);

/**
 * Queues a framed message to p. Any thread (other threads: only inside
 * connman_for_each_peer / connman_with_peer). Returns false (nothing queued)
 * if the peer is disconnecting, the command is invalid or len exceeds
 * NET_MAX_PROTOCOL_MESSAGE_LENGTH; a queue above the hard limit marks the
 * peer for disconnection.
 */
bool connman_send(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len);

/** Marks p for disconnection with a reason (logged). Any thread, same pointer rule as connman_send. */
void connman_disconnect(struct connman *cm, struct peer *p, const char *reason);

/** Returns true if p's send queue is above the soft limit (callers stop serving getdata). */
bool connman_send_paused(struct connman *cm, const struct peer *p);

/**
 * Calls fn(ctx, p) for every connected peer (including not yet handshaken
 * ones; check p->handshake_done) with the connman lock held. fn may call
 * connman_send/connman_disconnect but must not take locks held elsewhere
 * while calling into connman. Any thread.
 */
void connman_for_each_peer(struct connman *cm, void (*fn)(void *ctx, struct peer *p), void *ctx);

/** Calls fn(ctx, p) for the peer with this id under the lock. Returns false if there is none. Any thread. */
bool connman_with_peer(struct connman *cm, int64_t id, void (*fn)(void *ctx, struct peer *p), void *ctx);

/* ---- for the RPCs (any thread) --------------------------------------- */

/** A copy of a peer's public fields (getpeerinfo). */
struct connman_peer_stats {
    int64_t id;
    char addr[NET_ADDR_STRLEN];
    char addr_local[NET_ADDR_STRLEN];
    struct net_addr net_addr;
    enum peer_conn_type type;
    bool inbound;
    uint32_t permissions;
    uint64_t services;
    bool relay_txs;
    int64_t last_send, last_recv, connected_time, time_offset;
    uint64_t bytes_sent, bytes_recv;
    uint64_t bytes_sent_per_msg[NET_MSG_TYPE_COUNT]; /* index: net_msg_type_index (net/protocol.h) */
    uint64_t bytes_recv_per_msg[NET_MSG_TYPE_COUNT];
    int64_t last_ping_us, min_ping_us, ping_wait_us; /* -1 when none */
    int32_t version;
    char user_agent[NET_ADDR_STRLEN * 4 + 1];
    int32_t start_height;
    bool handshake_done;
    bool wtxid_relay, wants_addrv2, prefer_headers;
    int64_t fee_filter;
    int64_t last_block_time, last_tx_time;
};

/** Out: *out = a mem_alloc'd array of *n peer snapshots (caller mem_frees). */
void connman_get_stats(struct connman *cm, struct connman_peer_stats **out, size_t *n);

/** Connected peers: all, inbound only or outbound only. */
enum connman_count_kind { CONNMAN_COUNT_ALL, CONNMAN_COUNT_IN, CONNMAN_COUNT_OUT };
size_t connman_count(struct connman *cm, enum connman_count_kind kind);

/** Out: total bytes received and sent since start (getnettotals). */
void connman_get_totals(struct connman *cm, uint64_t *recv, uint64_t *sent);

/** Disconnects by peer id. Returns false if no such peer. */
bool connman_disconnect_id(struct connman *cm, int64_t id);
/** Disconnects every peer whose address (host:port or host) matches. Returns false if none. */
bool connman_disconnect_addr(struct connman *cm, const char *addr);
/** Disconnects every peer inside sn (setban). */
void connman_disconnect_subnet(struct connman *cm, const struct net_subnet *sn);

/** Asks for a ping to every peer at the next tick (`ping` RPC). */
void connman_ping_all(struct connman *cm);

/** setnetworkactive: false disconnects everyone and stops accepting/connecting. */
void connman_set_network_active(struct connman *cm, bool active);
/** Returns the network-active flag. */
bool connman_network_active(struct connman *cm);

/** addnode RPC commands. */
enum connman_addnode_op { CONNMAN_ADDNODE_ADD, CONNMAN_ADDNODE_REMOVE, CONNMAN_ADDNODE_ONETRY };
/**
 * addnode: ADD keeps `node` connected (error if already added), REMOVE
 * forgets it (error if not added), ONETRY connects once.
 * Returns 0 on success, -23 (RPC_CLIENT_NODE_ALREADY_ADDED) or
 * -24 (RPC_CLIENT_NODE_NOT_ADDED) as Core's RPC errors.
 */
int connman_addnode(struct connman *cm, const char *node, enum connman_addnode_op op);

/** getaddednodeinfo entry. */
struct connman_added_info {
    char node[256];
    bool connected;
    char addr[NET_ADDR_STRLEN]; /* when connected */
    bool inbound;
};
/** Out: a mem_alloc'd array of the added nodes (caller frees). */
void connman_get_added(struct connman *cm, struct connman_added_info **out, size_t *n);

/** Our advertised services (getnetworkinfo localservices). */
uint64_t connman_local_services(struct connman *cm);
/** Out: the bound listening addresses (up to max). Returns how many. */
size_t connman_listen_addrs(struct connman *cm, struct net_addr *out, size_t max);

#endif
