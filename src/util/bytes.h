#ifndef HASHMINT_UTIL_BYTES_H
#define HASHMINT_UTIL_BYTES_H
/* An owned, heap-allocated byte string (a script, a witness item). */
#include <stddef.h>
#include <stdint.h>

struct bytes {
    uint8_t *data; /* owned; NULL when len == 0 is allowed */
    size_t len;
};

/** Sets b to a heap copy of the n bytes at p. */
void bytes_set(struct bytes *b, const uint8_t *p, size_t n);
/** Frees b's memory and leaves it empty. */
void bytes_clear(struct bytes *b);

#endif
