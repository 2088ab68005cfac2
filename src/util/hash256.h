#ifndef HASHMINT_UTIL_HASH256_H
#define HASHMINT_UTIL_HASH256_H
/* A 256-bit hash in internal byte order (as hashed; displayed reversed). */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

struct hash256 {
    uint8_t b[32];
};

static inline bool hash256_eq(const struct hash256 *a, const struct hash256 *b)
{
    return memcmp(a->b, b->b, 32) == 0;
}

static inline bool hash256_is_zero(const struct hash256 *h)
{
    static const uint8_t zero[32];
    return memcmp(h->b, zero, 32) == 0;
}

/** Writes the 64-digit display form (reversed bytes, as RPC shows hashes) and a NUL. */
void hash256_to_hex(char out[65], const struct hash256 *h);
/** Parses a 64-digit display-form hash. Returns false (h zeroed) if malformed. */
__attribute__((warn_unused_result)) bool hash256_from_hex(struct hash256 *h, const char *s);

#endif
