#ifndef HASHMINT_UTIL_BASE64_H
#define HASHMINT_UTIL_BASE64_H
/* Base64 (RFC 4648, with padding), strict on input: HTTP Basic auth and
 * signed messages. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Returns the Base64 of p[0..len) as a heap string (mem_free). */
char *base64_encode(const uint8_t *p, size_t len);
/** Decodes padded Base64 s into out (capacity cap). Returns false if s is not
 *  canonical padded Base64 or decodes to more than cap bytes; *len = bytes written. */
__attribute__((warn_unused_result)) bool base64_decode(uint8_t *out, size_t cap, size_t *len, const char *s);
/** Decodes s into a heap buffer (mem_free) with a NUL after the *len bytes;
 *  NULL if s is not valid Base64. */
uint8_t *base64_decode_alloc(const char *s, size_t *len);

#endif
