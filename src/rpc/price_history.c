/* An asset's price over the last blocks (price_history.h). */
#include "src/rpc/price_history.h"

#include <stdio.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "src/chain/chainstate.h"
#include "src/store/coin.h"
#include "src/util/alloc.h"

/* The first ORACLE coin of asset_id the block's transactions spend (in
 * block order): the output in force before the block's first update. */
static bool spent_oracle(const struct block_undo *u, const uint8_t asset_id[32], uint64_t *price, int32_t *height)
{
    for (size_t t = 0; t < u->count; t++) {
        for (size_t i = 0; i < u->txs[t].count; i++) {
            const struct coin *c = &u->txs[t].prevout[i];
            struct token_prefix pfx;
            size_t plen;
            if (token_prefix_parse(&pfx, &plen, c->out.script_pubkey.data, c->out.script_pubkey.len) !=
                    TOKEN_PREFIX_OK ||
                pfx.kind != TOKEN_KIND_ORACLE || memcmp(pfx.asset_id, asset_id, 32) != 0)
                continue;
            *price = pfx.price;
            *height = (int32_t)c->height;
            return true;
        }
    }
    return false;
}

bool rpc_price_history(struct chainstate *cs, struct rpc_price_point *pts, size_t *n, size_t cap,
                       const uint8_t asset_id[32], uint64_t price, int32_t price_height, int32_t tip, char *err,
                       size_t errlen)
{
    *n = 0;
    if (cap == 0 || tip < 0)
        return true;
    size_t count = (size_t)tip + 1 < cap ? (size_t)tip + 1 : cap;
    int32_t start = tip - (int32_t)count + 1;
    /* Fill from the tip down: heights >= seg_h have seg_price until the next update up. */
    int32_t h = tip;
    uint64_t seg_price = price;
    int32_t seg_h = price_height;
    while (h >= start) {
        while (h >= start && h >= seg_h) {
            pts[h - start].height = h;
            pts[h - start].price = seg_price;
            h--;
        }
        if (h < start)
            break;
        /* Step to the update before seg_h, through the coin block seg_h's first update spent. */
        struct block_index *bi = chainstate_at_height(cs, seg_h);
        struct block_undo u;
        if (!bi || seg_h < 1 || !chainstate_read_undo(cs, &u, bi)) {
            snprintf(err, errlen, "Unable to read the undo data of block %d", (int)seg_h);
            return false;
        }
        int32_t prev_h;
        bool ok = spent_oracle(&u, asset_id, &seg_price, &prev_h);
        block_undo_clear(&u);
        if (!ok || prev_h >= seg_h) {
            snprintf(err, errlen, "Block %d has no oracle update the issuance state says it has", (int)seg_h);
            return false;
        }
        seg_h = prev_h;
    }
    *n = count;
    return true;
}
