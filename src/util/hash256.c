#include "src/util/hash256.h"

#include "src/util/hex.h"

void hash256_to_hex(char out[65], const struct hash256 *h)
{
    hex_encode_reversed(out, h->b, 32);
}

bool hash256_from_hex(struct hash256 *h, const char *s)
{
    if (!hex_decode_reversed(h->b, 32, s)) {
        memset(h->b, 0, 32);
        return false;
    }
    return true;
}
