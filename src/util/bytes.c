#include "src/util/bytes.h"

#include "src/util/alloc.h"

void bytes_set(struct bytes *b, const uint8_t *p, size_t n)
{
    b->data = n ? mem_dup(p, n) : NULL;
    b->len = n;
}

void bytes_clear(struct bytes *b)
{
    mem_free(b->data);
    b->data = NULL;
    b->len = 0;
}
