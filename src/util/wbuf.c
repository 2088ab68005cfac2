#include "src/util/wbuf.h"

#include <string.h>

#include "src/util/alloc.h"
#include "src/util/endian.h"

void wbuf_init(struct wbuf *w)
{
    w->data = NULL;
    w->len = 0;
    w->cap = 0;
}

void wbuf_clear(struct wbuf *w)
{
    mem_free(w->data);
    wbuf_init(w);
}

void wbuf_reserve(struct wbuf *w, size_t extra)
{
    if (extra <= w->cap - w->len)
        return;
    size_t need = w->len + extra;
    size_t cap = w->cap ? w->cap : 64;
    while (cap < need)
        cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
    w->data = mem_realloc(w->data, cap);
    w->cap = cap;
}

uint8_t *wbuf_detach(struct wbuf *w, size_t *len)
{
    uint8_t *p = w->data ? w->data : mem_alloc(0);
    *len = w->len;
    wbuf_init(w);
    return p;
}

void wbuf_put(struct wbuf *w, const void *p, size_t n)
{
    if (!n)
        return;
    wbuf_reserve(w, n);
    memcpy(w->data + w->len, p, n);
    w->len += n;
}

void wbuf_u8(struct wbuf *w, uint8_t v)
{
    wbuf_put(w, &v, 1);
}

void wbuf_u16le(struct wbuf *w, uint16_t v)
{
    uint8_t b[2];
    le16_write(b, v);
    wbuf_put(w, b, 2);
}

void wbuf_u32le(struct wbuf *w, uint32_t v)
{
    uint8_t b[4];
    le32_write(b, v);
    wbuf_put(w, b, 4);
}

void wbuf_u64le(struct wbuf *w, uint64_t v)
{
    uint8_t b[8];
    le64_write(b, v);
    wbuf_put(w, b, 8);
}

size_t compact_size_len(uint64_t v)
{
    return v < 0xfd ? 1 : v <= 0xffff ? 3 : v <= 0xffffffffu ? 5 : 9;
}

void wbuf_compact(struct wbuf *w, uint64_t v)
{
    if (v < 0xfd) {
        wbuf_u8(w, (uint8_t)v);
    } else if (v <= 0xffff) {
        wbuf_u8(w, 0xfd);
        wbuf_u16le(w, (uint16_t)v);
    } else if (v <= 0xffffffffu) {
        wbuf_u8(w, 0xfe);
        wbuf_u32le(w, (uint32_t)v);
    } else {
        wbuf_u8(w, 0xff);
        wbuf_u64le(w, v);
    }
}

void wbuf_var_bytes(struct wbuf *w, const uint8_t *p, size_t n)
{
    wbuf_compact(w, n);
    wbuf_put(w, p, n);
}
