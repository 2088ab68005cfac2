#ifndef HASHMINT_UTIL_HEX_H
#define HASHMINT_UTIL_HEX_H
/* Hexadecimal encoding. Decoders are strict: even length, hex digits only. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Writes 2*len lowercase hex digits and a NUL to out (size >= 2*len+1). */
void hex_encode(char *out, const uint8_t *p, size_t len);
/** Returns a heap string (free with mem_free) of the hex of p. */
char *hex_encode_alloc(const uint8_t *p, size_t len);
/** Like hex_encode, but the bytes in reverse order (Bitcoin's hash display). */
void hex_encode_reversed(char *out, const uint8_t *p, size_t len);
/**
 * Decodes the NUL-terminated hex string s into out (capacity cap).
 * Returns false if s is not strict hex or decodes to more than cap bytes.
 * Out: *len bytes written.
 */
__attribute__((warn_unused_result)) bool hex_decode(uint8_t *out, size_t cap, size_t *len, const char *s);
/** Decodes s into a new heap buffer (free with mem_free); NULL if not hex. */
uint8_t *hex_decode_alloc(const char *s, size_t *len);
/** Decodes exactly n bytes from a 2n-digit string, reversing byte order (a
 *  displayed hash to internal order). Returns false otherwise. */
__attribute__((warn_unused_result)) bool hex_decode_reversed(uint8_t *out, size_t n, const char *s);
/** Returns true if s is strict even-length hex (the empty string is). */
bool hex_is_valid(const char *s);

#endif
