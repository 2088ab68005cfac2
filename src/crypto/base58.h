#ifndef HASHMINT_CRYPTO_BASE58_H
#define HASHMINT_CRYPTO_BASE58_H
/* Base58 and Base58Check (legacy addresses, WIF keys, extended keys).
 * Bitcoin's alphabet: 123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz.
 * Each leading zero byte is one leading '1'. Base58Check appends the first
 * four bytes of SHA256d(payload) before encoding.
 * Decoders are strict: no whitespace, no characters outside the alphabet. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Longest byte string base58_encode/decode take (a Base58Check payload may
 * be 4 bytes shorter). Bitcoin's longest use, a BIP 32 extended key, is 82
 * bytes with its checksum; the bound keeps the quadratic conversion cheap. */
#define BASE58_MAX_BYTES 132
/* Longest Base58Check payload. */
#define BASE58CHECK_MAX_PAYLOAD (BASE58_MAX_BYTES - 4)
/* Room for the encoding of BASE58_MAX_BYTES bytes and its NUL. */
#define BASE58_MAX_STRING 183

/**
 * Encodes len bytes (len <= BASE58_MAX_BYTES) as a NUL-terminated string in
 * out, which has room for out_cap chars including the NUL (BASE58_MAX_STRING
 * always suffices). Returns false, with out[0] = NUL if out_cap > 0, if len
 * is too long or out too small.
 */
__attribute__((warn_unused_result)) bool base58_encode(char *out, size_t out_cap, const uint8_t *p, size_t len);
/**
 * Decodes the NUL-terminated string s into out (capacity cap bytes).
 * Out: *len bytes written. Returns false (and *len = 0) if s has a character
 * outside the alphabet or decodes to more than cap or BASE58_MAX_BYTES bytes.
 * The empty string decodes to zero bytes.
 */
__attribute__((warn_unused_result)) bool base58_decode(uint8_t *out, size_t cap, size_t *len, const char *s);
/** Like base58_encode of p || SHA256d(p)[0..3]; len <= BASE58CHECK_MAX_PAYLOAD. */
__attribute__((warn_unused_result)) bool base58check_encode(char *out, size_t out_cap, const uint8_t *p, size_t len);
/**
 * Decodes a Base58Check string: writes the payload (checksum removed) into
 * out (capacity cap). Returns false (and *len = 0) if decoding fails, the
 * result is shorter than the checksum, the checksum is wrong, or the payload
 * exceeds cap.
 */
__attribute__((warn_unused_result)) bool base58check_decode(uint8_t *out, size_t cap, size_t *len, const char *s);

#endif
