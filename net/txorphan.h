#ifndef HASHMINT_NET_TXORPHAN_H
#define HASHMINT_NET_TXORPHAN_H
/* The orphan pool (Bitcoin Core's TxOrphanage, bounded more tightly):
 * transactions whose inputs are missing, kept until a parent arrives. At
 * most `max_count` orphans of at most `max_size` serialised bytes each, each
 * expiring `expire_us` after it arrived; when full, a random one is evicted.
 * Memory is therefore bounded by max_count * max_size. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/hash256.h"

struct txorphan;

/** One orphan as the pool reports it (raw is owned by the pool: copy it). */
struct txorphan_entry {
    struct hash256 txid, wtxid;
    int64_t peer;
    const uint8_t *raw;
    size_t len;
};

/** Creates an empty pool; seed drives random eviction. */
struct txorphan *txorphan_new(size_t max_count, size_t max_size, int64_t expire_us, uint64_t seed);
/** Frees the pool (NULL is a no-op). */
void txorphan_free(struct txorphan *o);

/**
 * Adds an orphan received from `peer`: raw[0..len) is its serialisation
 * (copied), parents[0..nparents) the txids its inputs spend. Returns false
 * if too big or already held (by wtxid). Evicts a random orphan when full.
 */
bool txorphan_add(struct txorphan *o, const struct hash256 *txid, const struct hash256 *wtxid, int64_t peer,
                  const uint8_t *raw, size_t len, const struct hash256 *parents, size_t nparents, int64_t now_us);
/** Returns true if an orphan has this txid or wtxid. */
bool txorphan_have(struct txorphan *o, const struct hash256 *id);
/** Removes the orphan with this wtxid (or txid). Returns true if one was removed. */
bool txorphan_erase(struct txorphan *o, const struct hash256 *id);
/** Removes every orphan received from peer; returns how many. */
size_t txorphan_erase_peer(struct txorphan *o, int64_t peer);
/** Removes expired orphans; returns how many. */
size_t txorphan_expire(struct txorphan *o, int64_t now_us);
/** Returns the number held. */
size_t txorphan_size(struct txorphan *o);
/** Returns the total serialised bytes held. */
size_t txorphan_bytes(struct txorphan *o);

/**
 * Collects the orphans that spend an output of `parent_txid` (up to max).
 * Out: out[0..return) (entries stay valid until the pool changes: copy or
 * erase through the ids before adding).
 */
size_t txorphan_children(struct txorphan *o, struct txorphan_entry *out, size_t max, const struct hash256 *parent_txid);

/** Calls fn(arg, e) for every orphan (compact block reconstruction); fn must not change the pool. */
void txorphan_each(struct txorphan *o, void (*fn)(void *arg, const struct txorphan_entry *e), void *arg);

#endif
