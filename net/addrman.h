#ifndef HASHMINT_NET_ADDRMAN_H
#define HASHMINT_NET_ADDRMAN_H
/* The address manager (Bitcoin Core's AddrMan, simplified where noted).
 *
 * Two tables of fixed-size buckets keep the addresses this node may connect
 * to:
 *   - "new": heard of but never connected: 1024 buckets x 64 slots; an
 *     address goes to one bucket chosen by (secret key, its /16 or /32 group,
 *     the group of the peer that told us), so one source can fill at most
 *     64 buckets (ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP) and cannot take over
 *     the table; an address may sit in up to 8 new buckets;
 *   - "tried": connected successfully: 256 buckets x 64 slots chosen by
 *     (key, address, its group); a collision evicts the older entry back to
 *     "new" (Core keeps a test-before-evict queue; hashmint evicts directly
 *     unless the incumbent succeeded in the last 4 hours, then keeps it).
 * The positions depend on a secret 256-bit key (SipHash), so a peer cannot
 * aim its addresses at chosen slots. Memory is bounded by the table sizes.
 *
 * peers.dat (versioned, checksummed) holds the key and every entry; it is
 * written to a temporary file and renamed. A corrupted or unknown-version
 * file is logged and the manager starts empty.
 *
 * All functions are thread-safe (RPC threads and the network thread). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netaddr.h"

#define ADDRMAN_NEW_BUCKET_COUNT 1024
#define ADDRMAN_TRIED_BUCKET_COUNT 256
#define ADDRMAN_BUCKET_SIZE 64
#define ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP 64
#define ADDRMAN_TRIED_BUCKETS_PER_GROUP 8
#define ADDRMAN_NEW_BUCKETS_PER_ADDRESS 8
/** getaddr answers with at most this share of the table (percent) ... */
#define ADDRMAN_GETADDR_MAX_PCT 23
/** ... and at most this many addresses (Core's MAX_ADDR_TO_SEND). */
#define ADDRMAN_GETADDR_MAX 1000
#define ADDRMAN_FILENAME "peers.dat"

struct addrman;

/** One entry as the manager reports it. */
struct addrman_info {
    struct net_addr addr;
    struct net_addr source;   /* the peer that told us (or addr itself) */
    uint64_t services;
    int64_t time;             /* last heard of / seen (unix seconds) */
    int64_t last_try;         /* last connection attempt (0: never) */
    int64_t last_success;     /* last successful connection (0: never) */
    int32_t attempts;         /* failed attempts since the last success */
    bool tried;               /* in the tried table */
};

/**
 * Creates an empty manager. key: 32 random bytes (the bucketing secret);
 * rng_seed: seeds the selection randomness. Free with addrman_free.
 */
struct addrman *addrman_new(const uint8_t key[32], uint64_t rng_seed);
/** Frees am (NULL is a no-op). */
void addrman_free(struct addrman *am);

/** Also keep loopback addresses (127/8, ::1): for regtest, where every node
 *  runs on 127.0.0.1. Core never stores them; off by default. */
void addrman_set_allow_local(struct addrman *am, bool allow);

/** Returns the number of entries (new + tried). */
size_t addrman_size(struct addrman *am);
/** Out: counts of the new and tried tables (either may be NULL). */
void addrman_counts(struct addrman *am, size_t *n_new, size_t *n_tried);

/**
 * Adds an address heard from `source` (Core's AddrMan::Add): ignored if not
 * routable (see addrman_set_allow_local) or its network is unknown. time: the claimed last-seen time,
 * lowered by time_penalty (seconds) and clamped into [now - 14 days... now +
 * 10 min] as Core does; an existing entry has its time and services updated
 * and may gain another new bucket (with shrinking probability).
 * Returns true if a new entry or a new bucket position was added.
 */
bool addrman_add(struct addrman *am, const struct net_addr *addr, uint64_t services, int64_t time,
                 const struct net_addr *source, int64_t time_penalty, int64_t now);

/** Marks a successful connection: moves the address to "tried". Returns false if unknown. */
bool addrman_good(struct addrman *am, const struct net_addr *addr, int64_t now);
/** Records a connection attempt (count_failure: it failed and counts toward terrible). */
void addrman_attempt(struct addrman *am, const struct net_addr *addr, bool count_failure, int64_t now);
/** Updates the last-seen time of a connected peer (at most every 20 minutes, as Core). */
void addrman_connected(struct addrman *am, const struct net_addr *addr, int64_t now);
/** Updates an entry's services (from its version message). */
void addrman_set_services(struct addrman *am, const struct net_addr *addr, uint64_t services);

/**
 * Chooses an address to connect to (Core's Select): tried or new at 50/50
 * (new_only: only new), then a random non-empty slot, accepted with a
 * probability that favours recently seen, rarely failed entries.
 * network: 0 = any, else only that enum net_addr_network.
 * Out: *out. Returns false if the table (or the requested part) is empty.
 */
bool addrman_select(struct addrman *am, struct addrman_info *out, bool new_only, uint8_t network, int64_t now);

/**
 * Returns up to min(max_count, max_pct% of the table) random entries that are
 * not "terrible" (Core's GetAddr). network: 0 = any. max_count/max_pct 0:
 * no limit from that bound. Out: *out (mem_free it; NULL when none).
 */
size_t addrman_get_addr(struct addrman *am, struct addrman_info **out, size_t max_count, unsigned max_pct,
                        uint8_t network, int64_t now);

/** Looks addr up. Out: *out (may be NULL). Returns false if unknown. */
bool addrman_find(struct addrman *am, struct addrman_info *out, const struct net_addr *addr);

/**
 * The bucket and slot Core's formulas give addr (for tests): new-table
 * bucket for source `src`, tried-table bucket, and the slot within bucket.
 */
int addrman_new_bucket(struct addrman *am, const struct net_addr *addr, const struct net_addr *src);
int addrman_tried_bucket(struct addrman *am, const struct net_addr *addr);

/** Writes peers.dat's bytes to w: magic, version, key, entries, SHA-256d checksum. */
struct wbuf;
void addrman_serialize(struct addrman *am, struct wbuf *w);
/**
 * Replaces the contents by data[0..len) (peers.dat format): entries are
 * re-bucketed under the stored key. Returns false (manager left empty, key
 * unchanged) if malformed, of an unknown version or the checksum fails.
 */
__attribute__((warn_unused_result)) bool addrman_deserialize(struct addrman *am, const uint8_t *data, size_t len);

/** Writes peers.dat atomically (temp file, fsync, rename). Returns false (logged) on failure. */
bool addrman_save(struct addrman *am, const char *path);
/**
 * Loads path. A missing file returns true (empty manager); a corrupted one
 * logs a warning, leaves the manager empty and returns false.
 */
bool addrman_load(struct addrman *am, const char *path);

#endif
