#ifndef HASHMINT_NET_PEER_H
#define HASHMINT_NET_PEER_H
/* One P2P connection. The connection manager (net/connman.h) creates and
 * frees peers on the event thread; everything here is owned by it except the
 * two opaque slots, which belong to the sync and relay layers (they set them
 * in on_connected and free them in on_disconnected).
 *
 * Threading: a `struct peer *` is valid on the event thread from
 * on_connected until on_disconnected returns, and on other threads only
 * inside connman_for_each_peer / connman_with_peer (which hold the
 * connman lock). Fields marked [ev] are written only on the event thread;
 * fields marked [lock] only with the connman lock held. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netaddr.h"
#include "net/protocol.h"
#include "src/util/wbuf.h"

struct connman;
struct event;

/** Connection kinds (Core's ConnectionType). */
enum peer_conn_type {
    PEER_INBOUND = 0,           /* they connected to us */
    PEER_OUTBOUND_FULL_RELAY,   /* automatic: blocks, transactions, addresses */
    PEER_BLOCK_RELAY_ONLY,      /* automatic: blocks only (we send relay=0, ignore addr/tx) */
    PEER_MANUAL,                /* -connect, -addnode, addnode RPC */
    PEER_ADDR_FETCH,            /* -seednode: getaddr, then disconnect */
};

/** -whitelist / -whitebind permissions (Core's NetPermissionFlags). */
enum peer_permission {
    PEER_PERM_NONE = 0,
    PEER_PERM_RELAY = 1u << 0,      /* relay their transactions even without -blocksonly... */
    PEER_PERM_FORCERELAY = 1u << 1, /* relay their transactions even if already in the mempool */
    PEER_PERM_NOBAN = 1u << 2,      /* never disconnected or discouraged for misbehaviour */
    PEER_PERM_MEMPOOL = 1u << 3,    /* may send `mempool` */
    PEER_PERM_DOWNLOAD = 1u << 4,   /* not disconnected for exceeding -maxuploadtarget */
    PEER_PERM_ADDR = 1u << 5,       /* getaddr answered fresh, addr not rate limited */
    PEER_PERM_BLOOMFILTER = 1u << 6,
    /* What a bare "-whitelist=subnet" gives (Core's implicit set with -whitelistrelay=1). */
    PEER_PERM_IMPLICIT = PEER_PERM_RELAY | PEER_PERM_NOBAN | PEER_PERM_MEMPOOL | PEER_PERM_DOWNLOAD,
};

/** Send queue: above this many unsent bytes the peer's messages are not processed (Core's -maxsendbuffer). */
#define PEER_SEND_SOFT_LIMIT 5000000u
/** Send queue: above this the peer is disconnected (it does not read). */
#define PEER_SEND_HARD_LIMIT (PEER_SEND_SOFT_LIMIT + 2u * NET_MAX_PROTOCOL_MESSAGE_LENGTH)
/** Receive side: at most one header plus one capped payload is ever buffered. */
#define PEER_RECV_LIMIT (NET_HEADER_SIZE + NET_MAX_PROTOCOL_MESSAGE_LENGTH)

struct peer {
    int64_t id;                 /* unique for the process's lifetime, from 0 */
    struct connman *cm;
    int fd;                     /* socket, non-blocking */
    enum peer_conn_type type;
    bool inbound;               /* type == PEER_INBOUND */
    uint32_t permissions;       /* enum peer_permission bits */
    struct net_addr addr;       /* remote address */
    char addr_name[NET_ADDR_STRLEN]; /* "host:port" as connected / -addnode string for manual */
    struct net_addr local_addr; /* our end of the socket (addrbind) */
    uint8_t netgroup[NET_ADDR_GROUP_MAX];
    size_t netgroup_len;

    /* Handshake. [ev] */
    bool version_sent;
    bool version_received;
    bool verack_received;
    bool handshake_done;        /* version and verack received: handlers are called */
    uint64_t local_nonce;       /* nonce of our version (self-connection detection) */

    /* The peer's version message. [ev] */
    int32_t version;            /* min(theirs, NET_PROTOCOL_VERSION) after their version */
    int32_t remote_version;     /* as they sent it */
    uint64_t services;
    char user_agent[NET_ADDR_STRLEN * 4 + 1]; /* sanitised copy (printable ASCII) */
    int32_t start_height;
    int64_t time_offset;        /* their timestamp - our time, saturated to int64 */
    bool relay_txs;             /* they want transaction invs (fRelay and not block-relay-only) */

    /* Feature negotiation. [ev] */
    bool wtxid_relay;           /* both sides sent wtxidrelay */
    bool wants_addrv2;          /* they sent sendaddrv2 */
    bool prefer_headers;        /* they sent sendheaders (BIP 130) */
    bool sendcmpct_received;
    bool cmpct_announce;        /* sendcmpct announce flag, version 2 only */
    int64_t fee_filter;         /* their feefilter, base units per kvB (0: none) */

    /* Ping (BIP 31). [ev] */
    uint64_t ping_nonce;        /* outstanding ping's nonce, 0 if none */
    int64_t ping_start_us;      /* when it was sent (monotonic microseconds) */
    int64_t last_ping_us;       /* last round trip, -1 if none yet */
    int64_t min_ping_us;        /* best round trip, INT64_MAX if none yet */
    bool ping_queued;           /* `ping` RPC asked for one */

    /* Times (wall clock seconds) and counters. [lock] */
    int64_t connected_time;
    int64_t last_send;
    int64_t last_recv;
    int64_t last_block_time;    /* set by the sync layer: last novel block from this peer (eviction) */
    int64_t last_tx_time;       /* set by the relay layer: last novel transaction (eviction) */
    uint64_t bytes_sent;
    uint64_t bytes_recv;
    uint64_t msgs_sent;
    uint64_t msgs_recv;
    uint64_t bytes_sent_per_msg[NET_MSG_TYPE_COUNT]; /* header + payload, by net_msg_type_index (queued) */
    uint64_t bytes_recv_per_msg[NET_MSG_TYPE_COUNT]; /* header + payload of each complete message */
    bool prefer_evict;          /* discouraged address: first to go when inbound slots are full */

    /* Transport internals (connman.c). */
    struct event *ev_read;
    struct event *ev_write;
    bool connecting;            /* outbound connect() in progress */
    int64_t connect_start_us;   /* when connect() was issued */
    bool recv_paused;           /* send queue over the soft limit: not reading */
    struct wbuf sendq;          /* [lock] framed messages not yet written */
    size_t sendq_off;           /* [lock] bytes of sendq already written */
    uint8_t hdr[NET_HEADER_SIZE];
    size_t hdr_have;
    struct net_msg_header cur;  /* header of the message being received */
    uint8_t *payload;           /* grows as payload bytes arrive (never beyond cur.length) */
    size_t payload_have;
    size_t payload_cap;
    bool skip_payload;          /* invalid command: read and drop the payload */
    struct wbuf recv_stash;     /* bytes read but not processed while paused */
    size_t recv_stash_off;
    bool announced;             /* on_connected was called (so on_disconnected will be) */
    int64_t added_id;           /* index+1 of the -addnode/-connect entry it came from, 0 if none */

    /* Disconnection: set by anyone (with the lock), acted on by the event loop. */
    bool disconnect;
    char disconnect_reason[96];

    /* Per-peer state of the other net layers: opaque here. */
    void *sync_state;
    void *relay_state;
};

/** Returns "inbound", "outbound-full-relay", "block-relay-only", "manual" or "addr-fetch" (getpeerinfo's connection_type). */
const char *peer_conn_type_name(enum peer_conn_type type);

/** Returns true if the peer has every permission bit in `perm`. */
static inline bool peer_has_permission(const struct peer *p, uint32_t perm)
{
    return (p->permissions & perm) == perm;
}

/**
 * Parses a permission list "relay,noban,..." (the part before '@' of
 * -whitelist/-whitebind; names: bloomfilter noban forcerelay relay mempool
 * download addr all). Out: *perms. Returns false on an unknown name.
 */
__attribute__((warn_unused_result)) bool peer_permissions_parse(uint32_t *perms, const char *s, size_t len);

/** Writes the names of the set permission bits as getpeerinfo lists them (up to 8 names). */
size_t peer_permissions_names(const char *out[8], uint32_t perms);

#endif
