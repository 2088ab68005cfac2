#ifndef HASHMINT_NET_MESSAGES_H
#define HASHMINT_NET_MESSAGES_H
/* Payload serialisers and parsers for the P2P messages (Bitcoin's formats).
 *
 * Serialisers append a payload (no header: see net/protocol.h and
 * connman_send) to a wbuf. Parsers take the whole payload, bound every
 * claimed count by both the message's limit and the bytes that remain before
 * allocating, never abort, and on failure leave their output empty (no
 * _clear needed). Bytes after the last field a message defines are ignored,
 * as Core ignores them (it deserialises what it needs and drops the rest of
 * the message): `version` after the relay flag, and the lists (`getheaders`,
 * `headers`, `inv`/`getdata`/`notfound`, `addr`, `addrv2`) after their
 * entries. `block` and `tx` reject trailing bytes. Structures with heap
 * members have a _clear(). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "net/netaddr.h"
#include "src/util/hash256.h"
#include "src/util/wbuf.h"

/** Most headers in one `headers` message (Core's MAX_HEADERS_RESULTS). */
#define NET_MAX_HEADERS_RESULTS 2000
/** Most entries in inv/getdata/notfound (Core's MAX_INV_SZ). */
#define NET_MAX_INV_SZ 50000
/** Most addresses in addr/addrv2 (Core's MAX_ADDR_TO_SEND). */
#define NET_MAX_ADDR_TO_SEND 1000
/** Most hashes in a block locator (Core's MAX_LOCATOR_SZ). */
#define NET_MAX_LOCATOR_SZ 101
/** Longest user agent accepted (Core's MAX_SUBVERSION_LENGTH). */
#define NET_MAX_SUBVERSION_LENGTH 256

/** inv types. The witness flag (1 << 30) asks for witness serialisation. */
enum net_inv_type {
    NET_MSG_ERROR = 0,
    NET_MSG_TX = 1,
    NET_MSG_BLOCK = 2,
    NET_MSG_FILTERED_BLOCK = 3,
    NET_MSG_CMPCT_BLOCK = 4,
    NET_MSG_WTX = 5,
    NET_MSG_WITNESS_FLAG = 1u << 30,
    NET_MSG_WITNESS_BLOCK = NET_MSG_BLOCK | (1u << 30),
    NET_MSG_WITNESS_TX = NET_MSG_TX | (1u << 30),
    NET_MSG_FILTERED_WITNESS_BLOCK = NET_MSG_FILTERED_BLOCK | (1u << 30),
};

/* ---- version ------------------------------------------------------------ */

struct net_msg_version {
    int32_t version;
    uint64_t services;
    int64_t timestamp;          /* any value, INT64_MIN..INT64_MAX: never used in arithmetic unchecked */
    uint64_t recv_services;
    struct net_addr recv_addr;  /* the address the sender sees us at (v1 form) */
    uint64_t from_services;
    struct net_addr from_addr;
    uint64_t nonce;
    char user_agent[NET_MAX_SUBVERSION_LENGTH + 1]; /* raw bytes, NUL terminated; sanitise before display */
    int32_t start_height;
    bool relay;                 /* BIP 37 fRelay; true when absent */
};

/** Appends a version payload (always with every field, relay included). */
void net_msg_version_serialize(struct wbuf *w, const struct net_msg_version *m);
/**
 * Parses a version payload. Fields after recv_addr may be missing (then
 * nonce 0, empty agent, height 0, relay true); a user agent longer than
 * NET_MAX_SUBVERSION_LENGTH or containing NUL is rejected.
 */
__attribute__((warn_unused_result)) bool net_msg_version_parse(struct net_msg_version *out, const uint8_t *p,
                                                               size_t len);

/* ---- empty messages: verack getaddr sendheaders sendaddrv2 wtxidrelay mempool */

/** Returns true if an empty-payload message really is empty (len == 0). */
__attribute__((warn_unused_result)) bool net_msg_empty_parse(const uint8_t *p, size_t len);

/* ---- ping / pong -------------------------------------------------------- */

/** Appends the 8-byte nonce of a ping or pong. */
void net_msg_ping_serialize(struct wbuf *w, uint64_t nonce);
/** Parses a ping or pong payload (exactly 8 bytes). */
__attribute__((warn_unused_result)) bool net_msg_ping_parse(uint64_t *nonce, const uint8_t *p, size_t len);

/* ---- feefilter ---------------------------------------------------------- */

/** Appends the fee rate (base units per 1000 vbytes, int64 LE). */
void net_msg_feefilter_serialize(struct wbuf *w, int64_t feerate);
/** Parses a feefilter payload. The value is not range checked (the handler applies MoneyRange). */
__attribute__((warn_unused_result)) bool net_msg_feefilter_parse(int64_t *feerate, const uint8_t *p, size_t len);

/* ---- sendcmpct (BIP 152) ------------------------------------------------ */

/** Appends a sendcmpct payload. */
void net_msg_sendcmpct_serialize(struct wbuf *w, bool announce, uint64_t version);
/** Parses a sendcmpct payload (1-byte bool, any non-zero is true; u64 version). */
__attribute__((warn_unused_result)) bool net_msg_sendcmpct_parse(bool *announce, uint64_t *version,
                                                                 const uint8_t *p, size_t len);

/* ---- getheaders / getblocks -------------------------------------------- */

struct net_msg_getheaders {
    uint32_t version;
    struct hash256 *locator; /* owned; count entries */
    size_t count;            /* <= NET_MAX_LOCATOR_SZ when parsed */
    struct hash256 hash_stop;
};

/** Appends a getheaders (or getblocks: same layout). locator may be NULL when count is 0. */
void net_msg_getheaders_serialize(struct wbuf *w, uint32_t version, const struct hash256 *locator,
                                  size_t count, const struct hash256 *hash_stop);
/**
 * Parses a getheaders/getblocks payload. A locator longer than
 * NET_MAX_LOCATOR_SZ is rejected (Core disconnects such a peer).
 */
__attribute__((warn_unused_result)) bool net_msg_getheaders_parse(struct net_msg_getheaders *out,
                                                                  const uint8_t *p, size_t len);
/** Frees the locator and leaves m empty. */
void net_msg_getheaders_clear(struct net_msg_getheaders *m);

/* ---- headers ------------------------------------------------------------ */

struct net_msg_headers {
    struct block_header *headers; /* owned */
    size_t count;                 /* <= NET_MAX_HEADERS_RESULTS when parsed */
};

/** Appends a headers payload: count, then each 80-byte header followed by a zero tx count. */
void net_msg_headers_serialize(struct wbuf *w, const struct block_header *headers, size_t count);
/**
 * Parses a headers payload. More than NET_MAX_HEADERS_RESULTS headers is
 * rejected (Core: Misbehaving "headers message size"); use
 * net_msg_headers_count to tell that case apart. Each header's tx count is
 * read and ignored, as Core does.
 */
__attribute__((warn_unused_result)) bool net_msg_headers_parse(struct net_msg_headers *out, const uint8_t *p,
                                                               size_t len);
/** Out: the count a headers payload claims (without checking the rest). Returns false if unreadable. */
__attribute__((warn_unused_result)) bool net_msg_headers_count(uint64_t *count, const uint8_t *p, size_t len);
/** Frees the headers and leaves m empty. */
void net_msg_headers_clear(struct net_msg_headers *m);

/* ---- inv / getdata / notfound ------------------------------------------ */

struct net_inv {
    uint32_t type; /* enum net_inv_type, possibly with NET_MSG_WITNESS_FLAG */
    struct hash256 hash;
};

struct net_msg_inv {
    struct net_inv *items; /* owned */
    size_t count;          /* <= NET_MAX_INV_SZ when parsed */
};

/** Appends an inv/getdata/notfound payload (same layout). */
void net_msg_inv_serialize(struct wbuf *w, const struct net_inv *items, size_t count);
/**
 * Parses an inv/getdata/notfound payload; more than NET_MAX_INV_SZ entries is
 * rejected (Core: Misbehaving "inv message size = N"; use net_msg_inv_count to
 * tell that case apart).
 */
__attribute__((warn_unused_result)) bool net_msg_inv_parse(struct net_msg_inv *out, const uint8_t *p, size_t len);
/** Out: the count an inv/getdata/notfound payload claims (without checking the rest). Returns false if unreadable. */
__attribute__((warn_unused_result)) bool net_msg_inv_count(uint64_t *count, const uint8_t *p, size_t len);
/** Frees the items and leaves m empty. */
void net_msg_inv_clear(struct net_msg_inv *m);

/* ---- block / tx --------------------------------------------------------- */

/** Appends a block payload (with witnesses if present). */
void net_msg_block_serialize(struct wbuf *w, const struct block *b);
/**
 * Parses a block payload (BIP 144 witness allowed); trailing bytes rejected.
 * Out: b (block_clear it); *noncanonical (may be NULL): on failure, true if
 * the parse stopped at a CompactSize that is not in its shortest form (Core's
 * "non-canonical ReadCompactSize()", which it logs without punishing).
 */
__attribute__((warn_unused_result)) bool net_msg_block_parse(struct block *b, bool *noncanonical, const uint8_t *p,
                                                             size_t len);
/** Appends a tx payload (with witness if present). */
void net_msg_tx_serialize(struct wbuf *w, const struct tx *tx);
/** Parses a tx payload (witness allowed); trailing bytes rejected. Out: tx (tx_clear it). */
__attribute__((warn_unused_result)) bool net_msg_tx_parse(struct tx *tx, const uint8_t *p, size_t len);

/* ---- addr / addrv2 ------------------------------------------------------ */

struct net_addr_entry {
    uint32_t time;     /* last seen, as claimed by the peer */
    uint64_t services;
    struct net_addr addr; /* network NET_ADDR_UNKNOWN: a BIP 155 address this node cannot use */
};

struct net_msg_addr {
    struct net_addr_entry *items; /* owned */
    size_t count;                 /* <= NET_MAX_ADDR_TO_SEND when parsed */
};

/** Appends an addr payload; entries v1 cannot carry (Tor, I2P, unknown) are left out. */
void net_msg_addr_serialize(struct wbuf *w, const struct net_addr_entry *items, size_t count);
/** Parses an addr payload (30-byte entries); more than NET_MAX_ADDR_TO_SEND is rejected. */
__attribute__((warn_unused_result)) bool net_msg_addr_parse(struct net_msg_addr *out, const uint8_t *p, size_t len);
/** Appends an addrv2 payload (BIP 155); unknown-network entries are left out. */
void net_msg_addrv2_serialize(struct wbuf *w, const struct net_addr_entry *items, size_t count);
/**
 * Parses an addrv2 payload. More than NET_MAX_ADDR_TO_SEND entries, an
 * address longer than NET_ADDR_MAX_V2_SIZE, or a known network with the wrong
 * address size is rejected; unknown networks (and TORv2) are kept as
 * NET_ADDR_UNKNOWN entries, as Core keeps them unusable rather than failing.
 */
__attribute__((warn_unused_result)) bool net_msg_addrv2_parse(struct net_msg_addr *out, const uint8_t *p,
                                                              size_t len);
/** Frees the entries and leaves m empty. */
void net_msg_addr_clear(struct net_msg_addr *m);

#endif
