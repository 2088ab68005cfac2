/* Fuzz target: the byte formats of the issuance state and of a block's
 * issuance undo record (issuance/state_serialize.c).
 *
 * The first byte picks the parser (state, undo, one asset state); the rest
 * is its input. Whatever parses must serialise back to exactly the bytes it
 * was read from (the formats are canonical), satisfy the ranges the parser
 * promises, and survive the operations the chain will run on it: a decoded
 * undo record applied to a decoded state either restores or is refused
 * without change; an oracle update recorded on a decoded asset state keeps
 * it encodable and decodable. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "issuance/breaker.h"
#include "issuance/state_apply.h"
#include "issuance/state_serialize.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void same_bytes(const struct wbuf *w, const uint8_t *p, size_t len)
{
    assert(w->len == len && memcmp(w->data, p, len) == 0);
}

static void check_asset(const struct issuance_asset_state *a)
{
    assert(a->supply <= TOKEN_AMOUNT_MAX && a->price > 0 && a->price_height >= 0);
    assert(a->window_count <= ISSUANCE_WINDOW_MAX);
    for (uint32_t i = 1; i < a->window_count; i++)
        assert(a->window[i].height > a->window[i - 1].height);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0)
        return 0;
    uint8_t which = data[0] % 3;
    const uint8_t *p = data + 1;
    size_t len = size - 1;
    struct wbuf w;
    wbuf_init(&w);
    if (which == 0) {
        struct issuance_state s;
        if (issuance_state_decode(&s, p, len)) {
            assert(s.count <= ISSUANCE_MAX_ASSETS);
            for (uint32_t i = 0; i < s.count; i++)
                check_asset(&s.asset[i]);
            issuance_state_serialize(&w, &s);
            same_bytes(&w, p, len);
        }
    } else if (which == 1) {
        struct issuance_undo u;
        if (issuance_undo_decode(&u, p, len)) {
            assert(u.count <= ISSUANCE_MAX_ASSETS);
            for (uint32_t i = 0; i < u.count; i++) {
                assert(u.entry[i].asset < ISSUANCE_MAX_ASSETS);
                check_asset(&u.entry[i].prev);
            }
            issuance_undo_serialize(&w, &u);
            same_bytes(&w, p, len);
            /* Disconnect onto a state built from the undo's own entries: it
             * must succeed exactly when the indices fit. */
            struct issuance_state s;
            memset(&s, 0, sizeof(s));
            s.count = ISSUANCE_MAX_ASSETS;
            for (uint32_t i = 0; i < u.count; i++)
                memcpy(s.asset[u.entry[i].asset].asset_id, u.entry[i].prev.asset_id, 32);
            assert(issuance_state_disconnect(&s, &u));
            struct issuance_state t = s;
            t.count = 0;
            assert(u.count == 0 || !issuance_state_disconnect(&t, &u));
        }
    } else {
        struct rbuf r = rbuf_make(p, len);
        struct issuance_asset_state a;
        if (issuance_asset_state_parse(&a, &r)) {
            check_asset(&a);
            issuance_asset_state_serialize(&w, &a);
            same_bytes(&w, p, len - r.len);
            /* Record an update after the newest mark: the result stays valid. */
            const struct chain_asset *husd = &chain_params_get("regtest")->assets[0];
            struct outpoint op;
            memset(&op, 0, sizeof(op));
            uint64_t price = (a.price >> 1) + 1;
            int32_t h = a.price_height < INT32_MAX ? a.price_height + 1 : a.price_height;
            if (a.window_count == 0 || a.window[a.window_count - 1].height <= h) {
                struct issuance_asset_state b = a;
                if (issuance_breaker_record(&b, husd, &op, price, h)) {
                    struct wbuf w2;
                    wbuf_init(&w2);
                    issuance_asset_state_serialize(&w2, &b);
                    struct rbuf r2 = rbuf_make(w2.data, w2.len);
                    struct issuance_asset_state c;
                    assert(issuance_asset_state_parse(&c, &r2) && r2.len == 0);
                    assert(b.breaker_until >= a.breaker_until);
                    wbuf_clear(&w2);
                }
            }
        }
    }
    wbuf_clear(&w);
    return 0;
}
