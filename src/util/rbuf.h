#ifndef HASHMINT_UTIL_RBUF_H
#define HASHMINT_UTIL_RBUF_H
/* A bounded read cursor over untrusted bytes. Every read checks the remaining
 * length first; a failed read leaves its output zeroed and the cursor where it
 * was, so parsers can simply propagate `false`. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/** Largest CompactSize value Bitcoin accepts when deserialising (MAX_SIZE). */
#define RBUF_MAX_COMPACT_SIZE 0x02000000u

struct rbuf {
    const uint8_t *p; /* next unread byte */
    size_t len;       /* bytes left */
    /* Set when a CompactSize read failed on a non-canonical encoding (Core's
     * "non-canonical ReadCompactSize()"); sticky, so a caller can tell that
     * failure from a short or malformed input after its parser gave up. */
    bool noncanonical;
};

static inline struct rbuf rbuf_make(const uint8_t *p, size_t len)
{
    struct rbuf r = { p, len, false };
    return r;
}

/** Moves r back to `mark` (a copy of r taken earlier) but keeps r's noncanonical flag. */
static inline void rbuf_rewind(struct rbuf *r, struct rbuf mark)
{
    mark.noncanonical = r->noncanonical;
    *r = mark;
}

/** Copies n bytes to out. Returns false (out zeroed) if fewer remain. */
__attribute__((warn_unused_result)) bool rbuf_read(struct rbuf *r, void *out, size_t n);
/** Returns a borrowed pointer to the next n bytes and advances, or NULL. */
__attribute__((warn_unused_result)) const uint8_t *rbuf_take(struct rbuf *r, size_t n);
/** Advances by n bytes. Returns false if fewer remain. */
__attribute__((warn_unused_result)) bool rbuf_skip(struct rbuf *r, size_t n);
__attribute__((warn_unused_result)) bool rbuf_u8(struct rbuf *r, uint8_t *out);
__attribute__((warn_unused_result)) bool rbuf_u16le(struct rbuf *r, uint16_t *out);
__attribute__((warn_unused_result)) bool rbuf_u32le(struct rbuf *r, uint32_t *out);
__attribute__((warn_unused_result)) bool rbuf_i32le(struct rbuf *r, int32_t *out);
__attribute__((warn_unused_result)) bool rbuf_u64le(struct rbuf *r, uint64_t *out);
__attribute__((warn_unused_result)) bool rbuf_i64le(struct rbuf *r, int64_t *out);
/**
 * Reads a CompactSize. Rejects non-canonical encodings (a value that fits a
 * shorter form: r->noncanonical is then set) and values above `max` (pass
 * RBUF_MAX_COMPACT_SIZE for Bitcoin's length fields, UINT64_MAX to accept any
 * value).
 */
__attribute__((warn_unused_result)) bool rbuf_compact(struct rbuf *r, uint64_t *out, uint64_t max);

#endif
