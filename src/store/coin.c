#include "src/store/coin.h"

#include "issuance/state_serialize.h"

#include <string.h>

#include "src/store/compress.h"
#include "src/util/alloc.h"

void coin_init(struct coin *c)
{
    c->out.value = 0;
    c->out.script_pubkey.data = bytes_empty;
    c->out.script_pubkey.len = 0;
    c->height = 0;
    c->coinbase = false;
}

void coin_clear(struct coin *c)
{
    bytes_clear(&c->out.script_pubkey);
    coin_init(c);
}

void coin_copy(struct coin *dst, const struct coin *src)
{
    coin_init(dst);
    dst->out.value = src->out.value;
    bytes_set(&dst->out.script_pubkey, src->out.script_pubkey.data, src->out.script_pubkey.len);
    dst->height = src->height;
    dst->coinbase = src->coinbase;
}

void coin_serialize(struct wbuf *w, const struct coin *c)
{
    varint_write(w, (uint64_t)c->height * 2 + (c->coinbase ? 1 : 0));
    compress_txout_write(w, &c->out);
}

/* Reads the height/coinbase code; a 32-bit code keeps height < 2^31 as in Core. */
static bool read_code(struct rbuf *r, uint32_t *height, bool *coinbase)
{
    uint32_t code;
    if (!varint_read_u32(r, &code))
        return false;
    *height = code >> 1;
    *coinbase = code & 1;
    return true;
}

/* Reads a Coin serialisation (cursor advances). Returns false (out empty)
 *  on truncation, a height over 2^31 - 1 or a bad amount/script. */
static bool coin_parse(struct coin *out, struct rbuf *r)
{
    struct rbuf save = *r;
    coin_init(out);
    uint32_t height;
    bool coinbase;
    if (!read_code(r, &height, &coinbase) || !compress_txout_read(r, &out->out)) {
        *r = save;
        coin_init(out);
        return false;
    }
    out->height = height;
    out->coinbase = coinbase;
    return true;
}

bool coin_decode(struct coin *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(bytes_or_empty(p), len);
    if (!coin_parse(out, &r))
        return false;
    if (r.len != 0) {
        coin_clear(out);
        return false;
    }
    return true;
}

void block_undo_init(struct block_undo *u)
{
    u->txs = NULL;
    u->count = 0;
    u->cap = 0;
}

void block_undo_reserve(struct block_undo *u, size_t ntx)
{
    if (ntx <= u->cap)
        return;
    u->txs = mem_realloc(u->txs, ntx * sizeof(*u->txs));
    u->cap = ntx;
}

void block_undo_clear(struct block_undo *u)
{
    for (size_t i = 0; i < u->count; i++) {
        for (size_t j = 0; j < u->txs[i].count; j++)
            coin_clear(&u->txs[i].prevout[j]);
        mem_free(u->txs[i].prevout);
    }
    mem_free(u->txs);
    block_undo_init(u);
}

struct tx_undo *block_undo_add_tx(struct block_undo *u, size_t inputs)
{
    if (u->count == u->cap)
        block_undo_reserve(u, u->cap ? u->cap * 2 : 16);
    struct tx_undo *t = &u->txs[u->count++];
    t->count = inputs;
    t->prevout = inputs ? mem_alloc(inputs * sizeof(*t->prevout)) : NULL;
    for (size_t i = 0; i < inputs; i++)
        coin_init(&t->prevout[i]);
    return t;
}

void block_undo_serialize(struct wbuf *w, const struct block_undo *u)
{
    wbuf_compact(w, u->count);
    for (size_t i = 0; i < u->count; i++) {
        const struct tx_undo *t = &u->txs[i];
        wbuf_compact(w, t->count);
        for (size_t j = 0; j < t->count; j++) {
            const struct coin *c = &t->prevout[j];
            varint_write(w, (uint64_t)c->height * 2 + (c->coinbase ? 1 : 0));
            /* Core still writes a zero "version" for coins above height 0. */
            if (c->height > 0)
                wbuf_u8(w, 0);
            compress_txout_write(w, &c->out);
        }
    }
}

/* Smallest encodings, used to cap claimed counts before allocating: a coin
 * takes at least code + amount + script = 3 bytes, a tx undo its count byte. */
#define MIN_UNDO_COIN_BYTES 3u
#define MIN_TX_UNDO_BYTES 1u

/* Reads one CBlockUndo from r (cursor advances; bytes after it are left for
 *  the caller: hashmint appends the block's issuance undo record). Caps
 *  every count by the bytes remaining. Returns false (out empty) on failure. */
static bool block_undo_parse(struct block_undo *out, struct rbuf *r)
{
    block_undo_init(out);
    uint64_t ntx;
    if (!rbuf_compact(r, &ntx, RBUF_MAX_COMPACT_SIZE) || ntx > r->len / MIN_TX_UNDO_BYTES)
        return false;
    for (uint64_t i = 0; i < ntx; i++) {
        uint64_t ncoins;
        if (!rbuf_compact(r, &ncoins, RBUF_MAX_COMPACT_SIZE) || ncoins > r->len / MIN_UNDO_COIN_BYTES)
            goto fail;
        struct tx_undo *t = block_undo_add_tx(out, (size_t)ncoins);
        for (uint64_t j = 0; j < ncoins; j++) {
            struct coin *c = &t->prevout[j];
            uint32_t height;
            bool coinbase;
            if (!read_code(r, &height, &coinbase))
                goto fail;
            if (height > 0) {
                uint64_t dummy;
                if (!varint_read(r, &dummy))
                    goto fail;
            }
            if (!compress_txout_read(r, &c->out))
                goto fail;
            c->height = height;
            c->coinbase = coinbase;
        }
    }
    return true;
fail:
    block_undo_clear(out);
    return false;
}

bool block_undo_record_decode(struct block_undo *out, struct issuance_undo *iu, const uint8_t *p, size_t len)
{
    if (iu)
        issuance_undo_init(iu);
    struct rbuf r = rbuf_make(bytes_or_empty(p), len);
    if (!block_undo_parse(out, &r))
        return false;
    bool ok = iu ? issuance_undo_decode(iu, r.p, r.len) : r.len == 0;
    if (!ok) {
        block_undo_clear(out);
        if (iu)
            issuance_undo_init(iu);
    }
    return ok;
}

bool block_undo_decode(struct block_undo *out, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(bytes_or_empty(p), len);
    if (!block_undo_parse(out, &r))
        return false;
    if (r.len != 0) {
        block_undo_clear(out);
        return false;
    }
    return true;
}
