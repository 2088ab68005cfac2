#ifndef HASHMINT_UTIL_BYTES_H
#define HASHMINT_UTIL_BYTES_H
/* An owned, heap-allocated byte string (a script, a witness item). */
#include <stddef.h>
#include <stdint.h>

struct bytes {
    uint8_t *data; /* owned; points at bytes_empty when len == 0 */
    size_t len;
};

/* What an empty byte string points at: never NULL, so `data + len` and
 * memcmp/memcpy on empty strings stay defined. */
extern uint8_t bytes_empty[1];

/** Returns p, or bytes_empty for NULL: lets (pointer, length) APIs accept
 *  NULL with length 0 without undefined pointer arithmetic. */
static inline const uint8_t *bytes_or_empty(const uint8_t *p)
{
    return p ? p : bytes_empty;
}

/** Sets b to a heap copy of the n bytes at p (no allocation when n == 0). */
void bytes_set(struct bytes *b, const uint8_t *p, size_t n);
/** Frees b's memory and leaves it empty. */
void bytes_clear(struct bytes *b);

#endif
