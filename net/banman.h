#ifndef HASHMINT_NET_BANMAN_H
#define HASHMINT_NET_BANMAN_H
/* Bans and discouragement, as Bitcoin Core's BanMan:
 *
 *  - bans are set by the operator (setban RPC) on a subnet with an expiry,
 *    survive restarts in <datadir>/banlist.dat and refuse every connection
 *    from or to that subnet until they expire;
 *  - discouragement is what misbehaving peers get: their address goes into a
 *    bounded rolling filter (50,000 addresses, not persisted). A discouraged
 *    address may still connect inbound while slots are free (connman decides:
 *    discouraged peers are the first evicted) but is never connected to.
 *
 * banlist.dat is a small line format (net/ may not use jansson):
 *   "hashmint-banlist 1" then one "<subnet> <create_time> <ban_until>" per
 *   line, then "checksum <16 hex digits>" (SipHash of the preceding bytes
 *   under a fixed key). It is written to a temporary file and renamed. A
 *   missing file is an empty list; a corrupted one is logged and ignored.
 *
 * All functions are thread-safe (RPC threads and the network thread). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/netaddr.h"

/** Core's DEFAULT_MISBEHAVING_BANTIME: setban's default duration (24 h). */
#define BANMAN_DEFAULT_BANTIME (60 * 60 * 24)
/** Addresses the discouragement filter remembers (Core: 50,000). */
#define BANMAN_DISCOURAGE_ENTRIES 50000
/** Bans kept at most (setban beyond this fails). */
#define BANMAN_MAX_BANS 100000
#define BANMAN_FILENAME "banlist.dat"

struct banman;

struct banman_entry {
    struct net_subnet subnet;
    int64_t create_time; /* unix seconds */
    int64_t ban_until;   /* unix seconds */
};

/**
 * Creates a ban manager. path: the banlist file (borrowed copy is taken;
 * NULL: nothing is persisted). k0/k1: random key for the discouragement
 * filter. Loads the file if present (expired entries dropped; a corrupted
 * file logged and ignored). now: unix seconds. Free with banman_free.
 */
struct banman *banman_new(const char *path, uint64_t k0, uint64_t k1, int64_t now);
/** Saves (if dirty) and frees bm (NULL is a no-op). */
void banman_free(struct banman *bm);

/**
 * Bans subnet until ban_until (unix seconds). Returns false if the same
 * subnet is already banned (Core: "Error: IP/Subnet already banned") or the
 * list is full. Saves the list.
 */
bool banman_ban(struct banman *bm, const struct net_subnet *subnet, int64_t ban_until, int64_t now);
/** Lifts the ban on exactly this subnet. Returns false if it was not banned. Saves the list. */
bool banman_unban(struct banman *bm, const struct net_subnet *subnet);
/** Lifts every ban and clears the discouragement filter (clearbanned). Saves the list. */
void banman_clear(struct banman *bm);
/**
 * Lists the current bans (expired ones are swept first), oldest first.
 * Out: *out (mem_free it; NULL when empty). Returns the count.
 */
size_t banman_list(struct banman *bm, struct banman_entry **out, int64_t now);
/** Returns true if a is inside any unexpired ban. */
bool banman_is_banned(struct banman *bm, const struct net_addr *a, int64_t now);
/** Returns true if exactly this subnet is banned (unexpired). */
bool banman_is_subnet_banned(struct banman *bm, const struct net_subnet *subnet, int64_t now);

/** Adds a's host (port ignored) to the discouragement filter. */
void banman_discourage(struct banman *bm, const struct net_addr *a);
/** Returns true if a's host was discouraged recently (false positives ~1e-6). */
bool banman_is_discouraged(struct banman *bm, const struct net_addr *a);

/**
 * Serialises the bans in banlist.dat's format. Out: w (appended).
 * Exposed for tests and the fuzz harness.
 */
struct wbuf;
void banman_serialize(struct banman *bm, struct wbuf *w);
/**
 * Replaces the bans by those parsed from data[0..len) (banlist.dat format),
 * dropping ones expired at `now`. Returns false (list left empty) if the
 * data is malformed or its checksum does not match.
 */
__attribute__((warn_unused_result)) bool banman_deserialize(struct banman *bm, const uint8_t *data, size_t len,
                                                          int64_t now);

/**
 * The connection gate for connman: returns true if a connection with `a`
 * must be refused (banned; or discouraged and `outbound`). ctx is the
 * struct banman. NULL ctx allows everything.
 */
bool banman_refuse(void *ctx, const struct net_addr *a, bool outbound);

#endif
