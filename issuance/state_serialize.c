/* Issuance state and undo byte formats (issuance/state_serialize.h). */
#include "issuance/state_serialize.h"

#include <string.h>

#include "consensus/token_prefix.h"

static void outpoint_put(struct wbuf *w, const struct outpoint *op)
{
    wbuf_put(w, op->txid.b, 32);
    wbuf_u32le(w, op->n);
}

static bool outpoint_get(struct rbuf *r, struct outpoint *op)
{
    return rbuf_read(r, op->txid.b, 32) && rbuf_u32le(r, &op->n);
}

void issuance_asset_state_serialize(struct wbuf *w, const struct issuance_asset_state *a)
{
    wbuf_put(w, a->asset_id, 32);
    wbuf_u64le(w, a->supply);
    outpoint_put(w, &a->oracle);
    wbuf_u64le(w, a->price);
    wbuf_u32le(w, (uint32_t)a->price_height);
    outpoint_put(w, &a->issuer);
    wbuf_u8(w, a->issuer_flags);
    wbuf_u32le(w, (uint32_t)a->breaker_until);
    wbuf_u64le(w, a->window_base);
    wbuf_compact(w, a->window_count);
    for (uint32_t i = 0; i < a->window_count; i++) {
        wbuf_u32le(w, (uint32_t)a->window[i].height);
        wbuf_u64le(w, a->window[i].high);
        wbuf_u64le(w, a->window[i].last);
    }
}

static bool window_ok(const struct issuance_asset_state *a)
{
    if (a->window_count == 0)
        return a->window_base == a->price;
    for (uint32_t i = 0; i < a->window_count; i++) {
        const struct issuance_price_mark *m = &a->window[i];
        if (m->height < 0 || m->last == 0 || m->last > m->high)
            return false;
        if (i > 0 && m->height <= a->window[i - 1].height)
            return false;
    }
    const struct issuance_price_mark *newest = &a->window[a->window_count - 1];
    return a->window_base > 0 && newest->height == a->price_height && newest->last == a->price;
}

static bool parse_asset(struct issuance_asset_state *a, struct rbuf *r)
{
    uint64_t count;
    if (!rbuf_read(r, a->asset_id, 32) || !rbuf_u64le(r, &a->supply) || !outpoint_get(r, &a->oracle) ||
        !rbuf_u64le(r, &a->price) || !rbuf_i32le(r, &a->price_height) || !outpoint_get(r, &a->issuer) ||
        !rbuf_u8(r, &a->issuer_flags) || !rbuf_i32le(r, &a->breaker_until) || !rbuf_u64le(r, &a->window_base) ||
        !rbuf_compact(r, &count, ISSUANCE_WINDOW_MAX))
        return false;
    if (a->supply > TOKEN_AMOUNT_MAX || a->price == 0 || a->price_height < 0 || a->breaker_until < 0)
        return false;
    /* count <= ISSUANCE_WINDOW_MAX (the array's size) by rbuf_compact's cap. */
    a->window_count = (uint32_t)count;
    for (uint32_t i = 0; i < a->window_count; i++) {
        struct issuance_price_mark *m = &a->window[i];
        if (!rbuf_i32le(r, &m->height) || !rbuf_u64le(r, &m->high) || !rbuf_u64le(r, &m->last))
            return false;
    }
    return window_ok(a);
}

bool issuance_asset_state_parse(struct issuance_asset_state *a, struct rbuf *r)
{
    memset(a, 0, sizeof(*a));
    if (parse_asset(a, r))
        return true;
    memset(a, 0, sizeof(*a));
    return false;
}

void issuance_state_serialize(struct wbuf *w, const struct issuance_state *s)
{
    wbuf_u8(w, ISSUANCE_STATE_VERSION);
    wbuf_compact(w, s->count);
    for (uint32_t i = 0; i < s->count; i++)
        issuance_asset_state_serialize(w, &s->asset[i]);
}

static bool decode_state(struct issuance_state *s, struct rbuf *r)
{
    uint8_t version;
    uint64_t count;
    if (!rbuf_u8(r, &version) || version != ISSUANCE_STATE_VERSION || !rbuf_compact(r, &count, ISSUANCE_MAX_ASSETS))
        return false;
    s->count = (uint32_t)count;
    for (uint32_t i = 0; i < s->count; i++)
        if (!issuance_asset_state_parse(&s->asset[i], r))
            return false;
    return r->len == 0;
}

bool issuance_state_decode(struct issuance_state *s, const uint8_t *p, size_t len)
{
    memset(s, 0, sizeof(*s));
    struct rbuf r = rbuf_make(p, len);
    if (decode_state(s, &r))
        return true;
    memset(s, 0, sizeof(*s));
    return false;
}

void issuance_undo_serialize(struct wbuf *w, const struct issuance_undo *u)
{
    wbuf_u8(w, ISSUANCE_STATE_VERSION);
    wbuf_compact(w, u->count);
    for (uint32_t i = 0; i < u->count; i++) {
        wbuf_compact(w, u->entry[i].asset);
        issuance_asset_state_serialize(w, &u->entry[i].prev);
    }
}

static bool decode_undo(struct issuance_undo *u, struct rbuf *r)
{
    uint8_t version;
    uint64_t count;
    if (!rbuf_u8(r, &version) || version != ISSUANCE_STATE_VERSION || !rbuf_compact(r, &count, ISSUANCE_MAX_ASSETS))
        return false;
    u->count = (uint32_t)count;
    for (uint32_t i = 0; i < u->count; i++) {
        uint64_t asset;
        if (!rbuf_compact(r, &asset, ISSUANCE_MAX_ASSETS - 1))
            return false;
        if (i > 0 && asset <= u->entry[i - 1].asset)
            return false;
        u->entry[i].asset = (uint32_t)asset;
        if (!issuance_asset_state_parse(&u->entry[i].prev, r))
            return false;
    }
    return r->len == 0;
}

bool issuance_undo_decode(struct issuance_undo *u, const uint8_t *p, size_t len)
{
    memset(u, 0, sizeof(*u));
    struct rbuf r = rbuf_make(p, len);
    if (decode_undo(u, &r))
        return true;
    memset(u, 0, sizeof(*u));
    return false;
}
