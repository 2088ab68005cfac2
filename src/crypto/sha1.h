#ifndef HASHMINT_CRYPTO_SHA1_H
#define HASHMINT_CRYPTO_SHA1_H
/* SHA-1 (FIPS 180-4), one shot. Only OP_SHA1 needs it; never use it where
 * collision resistance matters. */
#include <stddef.h>
#include <stdint.h>

/** Writes the 20-byte SHA-1 digest of the len bytes at p to out. */
void sha1(uint8_t out[20], const uint8_t *p, size_t len);

#endif
