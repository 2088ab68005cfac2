#include "src/util/rbuf.h"

#include <string.h>

#include "src/util/endian.h"

bool rbuf_read(struct rbuf *r, void *out, size_t n)
{
    if (r->len < n) {
        memset(out, 0, n);
        return false;
    }
    if (n)
        memcpy(out, r->p, n);
    r->p += n;
    r->len -= n;
    return true;
}

const uint8_t *rbuf_take(struct rbuf *r, size_t n)
{
    if (r->len < n)
        return NULL;
    const uint8_t *p = r->p;
    r->p += n;
    r->len -= n;
    return p;
}

bool rbuf_skip(struct rbuf *r, size_t n)
{
    return rbuf_take(r, n) != NULL;
}

bool rbuf_u8(struct rbuf *r, uint8_t *out)
{
    return rbuf_read(r, out, 1);
}

bool rbuf_u16le(struct rbuf *r, uint16_t *out)
{
    uint8_t b[2];
    bool ok = rbuf_read(r, b, 2);
    *out = le16_read(b);
    return ok;
}

bool rbuf_u32le(struct rbuf *r, uint32_t *out)
{
    uint8_t b[4];
    bool ok = rbuf_read(r, b, 4);
    *out = le32_read(b);
    return ok;
}

bool rbuf_i32le(struct rbuf *r, int32_t *out)
{
    uint32_t v;
    bool ok = rbuf_u32le(r, &v);
    *out = (int32_t)v;
    return ok;
}

bool rbuf_u64le(struct rbuf *r, uint64_t *out)
{
    uint8_t b[8];
    bool ok = rbuf_read(r, b, 8);
    *out = le64_read(b);
    return ok;
}

bool rbuf_i64le(struct rbuf *r, int64_t *out)
{
    uint64_t v;
    bool ok = rbuf_u64le(r, &v);
    *out = (int64_t)v;
    return ok;
}

bool rbuf_compact(struct rbuf *r, uint64_t *out, uint64_t max)
{
    struct rbuf save = *r;
    uint8_t tag;
    uint64_t v = 0, min;
    *out = 0;
    if (!rbuf_u8(r, &tag))
        return false;
    if (tag < 0xfd) {
        v = tag;
        min = 0;
    } else if (tag == 0xfd) {
        uint16_t x;
        if (!rbuf_u16le(r, &x))
            goto fail;
        v = x;
        min = 0xfd;
    } else if (tag == 0xfe) {
        uint32_t x;
        if (!rbuf_u32le(r, &x))
            goto fail;
        v = x;
        min = 0x10000;
    } else {
        if (!rbuf_u64le(r, &v))
            goto fail;
        min = 0x100000000ull;
    }
    if (v < min) {
        rbuf_rewind(r, save);
        r->noncanonical = true;
        return false;
    }
    if (v > max)
        goto fail;
    *out = v;
    return true;
fail:
    rbuf_rewind(r, save);
    return false;
}
