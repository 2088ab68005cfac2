#ifndef HASHMINT_UTIL_WBUF_H
#define HASHMINT_UTIL_WBUF_H
/* A growable byte buffer for serialisation. Appends never fail (the allocator
 * aborts on out-of-memory). Embedded: wbuf_init()/wbuf_clear(). */
#include <stddef.h>
#include <stdint.h>

struct wbuf {
    uint8_t *data;
    size_t len;
    size_t cap;
};

/** Starts an empty buffer (no allocation yet). */
void wbuf_init(struct wbuf *w);
/** Frees the buffer's memory and leaves it empty. */
void wbuf_clear(struct wbuf *w);
/** Ensures room for `extra` more bytes. */
void wbuf_reserve(struct wbuf *w, size_t extra);
/** Returns the bytes and their length to the caller (who frees them with
 *  mem_free) and leaves the buffer empty. */
uint8_t *wbuf_detach(struct wbuf *w, size_t *len);
void wbuf_put(struct wbuf *w, const void *p, size_t n);
void wbuf_u8(struct wbuf *w, uint8_t v);
void wbuf_u16le(struct wbuf *w, uint16_t v);
void wbuf_u32le(struct wbuf *w, uint32_t v);
void wbuf_u64le(struct wbuf *w, uint64_t v);
/** Appends v in Bitcoin's canonical CompactSize encoding. */
void wbuf_compact(struct wbuf *w, uint64_t v);
/** Appends a CompactSize length followed by the n bytes at p. */
void wbuf_var_bytes(struct wbuf *w, const uint8_t *p, size_t n);
/** Returns the number of bytes CompactSize encoding of v takes (1, 3, 5, 9). */
size_t compact_size_len(uint64_t v);

#endif
