#include "consensus/block.h"

#include <string.h>

#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

static void put_u32le(uint8_t *p, uint32_t v)
{
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

void block_header_serialize_raw(uint8_t out[BLOCK_HEADER_SIZE], const struct block_header *h)
{
    put_u32le(out, (uint32_t)h->version);
    memcpy(out + 4, h->prev_hash.b, 32);
    memcpy(out + 36, h->merkle_root.b, 32);
    put_u32le(out + 68, h->time);
    put_u32le(out + 72, h->bits);
    put_u32le(out + 76, h->nonce);
}

void block_header_serialize(struct wbuf *w, const struct block_header *h)
{
    uint8_t raw[BLOCK_HEADER_SIZE];
    block_header_serialize_raw(raw, h);
    wbuf_put(w, raw, sizeof(raw));
}

bool block_header_parse(struct block_header *out, struct rbuf *r)
{
    memset(out, 0, sizeof(*out));
    if (r->len < BLOCK_HEADER_SIZE)
        return false;
    /* enough bytes remain, so none of these reads can fail */
    bool ok = rbuf_i32le(r, &out->version) && rbuf_read(r, out->prev_hash.b, 32) &&
              rbuf_read(r, out->merkle_root.b, 32) && rbuf_u32le(r, &out->time) && rbuf_u32le(r, &out->bits) &&
              rbuf_u32le(r, &out->nonce);
    return ok;
}

void block_header_hash(struct hash256 *hash, const struct block_header *h)
{
    uint8_t raw[BLOCK_HEADER_SIZE];
    block_header_serialize_raw(raw, h);
    sha256d(hash->b, raw, sizeof(raw));
}

void block_init(struct block *b)
{
    memset(b, 0, sizeof(*b));
}

void block_clear(struct block *b)
{
    for (size_t i = 0; i < b->tx_count; i++)
        tx_clear(&b->txs[i]);
    mem_free(b->txs);
    block_init(b);
}

struct tx *block_add_tx(struct block *b, const struct tx *tx)
{
    /* Copy before growing: tx may point into b->txs itself. */
    struct tx copy;
    tx_copy(&copy, tx);
    b->txs = mem_realloc(b->txs, (b->tx_count + 1) * sizeof(struct tx));
    b->txs[b->tx_count] = copy;
    return &b->txs[b->tx_count++];
}

bool block_parse(struct block *out, struct rbuf *r, bool allow_witness)
{
    struct rbuf save = *r;
    uint64_t n;
    block_init(out);
    if (!block_header_parse(&out->header, r))
        goto fail;
    if (!rbuf_compact(r, &n, RBUF_MAX_COMPACT_SIZE) || n > r->len / BLOCK_MIN_TX_SIZE)
        goto fail;
    out->txs = mem_calloc((size_t)n, sizeof(struct tx));
    for (size_t i = 0; i < n; i++) {
        if (!tx_parse(&out->txs[i], r, allow_witness))
            goto fail;
        out->tx_count = i + 1; /* only parsed transactions are cleared on failure */
    }
    return true;
fail:
    block_clear(out);
    rbuf_rewind(r, save);
    return false;
}

bool block_decode(struct block *out, const uint8_t *p, size_t len, bool allow_witness)
{
    struct rbuf r = rbuf_make(p, len);
    if (!block_parse(out, &r, allow_witness))
        return false;
    if (r.len) {
        block_clear(out);
        return false;
    }
    return true;
}

void block_serialize(struct wbuf *w, const struct block *b, bool with_witness)
{
    block_header_serialize(w, &b->header);
    wbuf_compact(w, b->tx_count);
    for (size_t i = 0; i < b->tx_count; i++)
        tx_serialize(w, &b->txs[i], with_witness);
}

size_t block_size(const struct block *b, bool with_witness)
{
    size_t n = BLOCK_HEADER_SIZE + compact_size_len(b->tx_count);
    for (size_t i = 0; i < b->tx_count; i++)
        n += tx_size(&b->txs[i], with_witness);
    return n;
}

size_t block_weight(const struct block *b)
{
    return block_size(b, false) * (WITNESS_SCALE_FACTOR - 1) + block_size(b, true);
}

void block_hash(struct hash256 *hash, const struct block *b)
{
    block_header_hash(hash, &b->header);
}
