#ifndef HASHMINT_NET_ROLLBLOOM_H
#define HASHMINT_NET_ROLLBLOOM_H
/* A rolling Bloom filter (Bitcoin Core's CRollingBloomFilter): remembers at
 * least the last `n` inserted keys, forgets older ones generation by
 * generation, and answers "maybe seen" with false positives at about the
 * given rate. Memory is fixed at creation, so peers cannot grow it. Keys are
 * hashed with SipHash under a random tweak. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rollbloom;

/** Creates a filter for n (>= 1) keys at false-positive rate fp (0 < fp < 1);
 *  k0/k1 key the hash (pass random values). Free with rollbloom_free. */
struct rollbloom *rollbloom_new(uint32_t n, double fp, uint64_t k0, uint64_t k1);
/** Frees f (NULL is a no-op). */
void rollbloom_free(struct rollbloom *f);
/** Inserts len bytes at key. */
void rollbloom_insert(struct rollbloom *f, const uint8_t *key, size_t len);
/** Returns true if key was (probably) inserted among the recent ones. */
bool rollbloom_contains(const struct rollbloom *f, const uint8_t *key, size_t len);
/** Forgets everything. */
void rollbloom_reset(struct rollbloom *f);
/** Returns the bytes of memory the filter holds (for tests and stats). */
size_t rollbloom_memory(const struct rollbloom *f);

#endif
