#include "src/util/bytes.h"

#include "src/util/alloc.h"

uint8_t bytes_empty[1];

void bytes_set(struct bytes *b, const uint8_t *p, size_t n)
{
    b->data = n ? mem_dup(p, n) : bytes_empty;
    b->len = n;
}

void bytes_clear(struct bytes *b)
{
    if (b->data != bytes_empty)
        mem_free(b->data);
    b->data = bytes_empty;
    b->len = 0;
}
