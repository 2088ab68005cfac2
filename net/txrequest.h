#ifndef HASHMINT_NET_TXREQUEST_H
#define HASHMINT_NET_TXREQUEST_H
/* Which peer to ask for which announced transaction, and when (a simplified
 * Bitcoin Core TxRequestTracker). For every transaction id it keeps the
 * peers that announced it; at most one request per id is in flight; a due
 * id goes to a preferred (outbound) announcer first, then to the announcer
 * whose announcement became ready first; a request that is not answered in
 * time, or is answered by notfound, moves on to the next announcer. Ids are
 * forgotten when the transaction arrives or every announcer failed.
 * Memory: callers cap announcements per peer (txrequest_peer_tracked). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/hash256.h"

struct txrequest;

/** Creates an empty tracker; k0/k1 key its hash table. */
struct txrequest *txrequest_new(uint64_t k0, uint64_t k1);
/** Frees t (NULL is a no-op). */
void txrequest_free(struct txrequest *t);

/**
 * Records that `peer` announced `id` (a wtxid if is_wtxid, else a txid);
 * it may be requested from ready_us on. Returns false if this peer already
 * announced this id.
 */
bool txrequest_add(struct txrequest *t, int64_t peer, const struct hash256 *id, bool is_wtxid, bool preferred,
                   int64_t ready_us);
/** Forgets every announcement of id (the transaction arrived or is known). */
void txrequest_forget(struct txrequest *t, const struct hash256 *id);
/** The peer answered notfound (or we gave up on it) for id: it is not asked again. */
void txrequest_peer_failed(struct txrequest *t, int64_t peer, const struct hash256 *id);
/** Forgets everything about a peer (disconnected). */
void txrequest_peer_remove(struct txrequest *t, int64_t peer);
/** Returns the announcements of a peer being tracked. */
size_t txrequest_peer_tracked(struct txrequest *t, int64_t peer);
/** Returns the requests to a peer now in flight. */
size_t txrequest_peer_in_flight(struct txrequest *t, int64_t peer);
/** Returns the number of ids tracked. */
size_t txrequest_size(struct txrequest *t);

/** Callback for a request to send: ask `peer` for `id`. */
typedef void (*txrequest_fn)(void *arg, int64_t peer, const struct hash256 *id, bool is_wtxid);

/**
 * Expires requests older than their timeout (the peer is marked failed for
 * that id), then for every id without a request in flight picks the best
 * ready announcement, marks it requested until now_us + timeout_us and calls
 * fn. Does nothing before the earliest pending deadline, so calling it often is cheap.
 */
void txrequest_poll(struct txrequest *t, int64_t now_us, int64_t timeout_us, txrequest_fn fn, void *arg);

#endif
