/* The keeper's ratio index: a sorted array (see keeper_index.h). */
#include "src/node/keeper_index.h"

#include <string.h>

#include "issuance/ratio.h"
#include "src/util/alloc.h"

void keeper_index_init(struct keeper_index *ix)
{
    memset(ix, 0, sizeof(*ix));
}

void keeper_index_clear(struct keeper_index *ix)
{
    mem_free(ix->v);
    memset(ix, 0, sizeof(*ix));
}

/* Orders by asset, then collateral/debt (cross-multiplied exactly in 128
 * bits), then outpoint, then the amounts (so equal keys are equal entries). */
static int cmp(const struct keeper_vault *a, const struct keeper_vault *b)
{
    if (a->asset != b->asset)
        return a->asset < b->asset ? -1 : 1;
    unsigned __int128 l = (unsigned __int128)(uint64_t)a->collateral * b->debt;
    unsigned __int128 r = (unsigned __int128)(uint64_t)b->collateral * a->debt;
    if (l != r)
        return l < r ? -1 : 1;
    int c = memcmp(a->outpoint.txid.b, b->outpoint.txid.b, 32);
    if (c)
        return c;
    if (a->outpoint.n != b->outpoint.n)
        return a->outpoint.n < b->outpoint.n ? -1 : 1;
    if (a->collateral != b->collateral)
        return a->collateral < b->collateral ? -1 : 1;
    if (a->debt != b->debt)
        return a->debt < b->debt ? -1 : 1;
    return 0;
}

/* The first position whose entry is not less than v. */
static size_t lower_bound(const struct keeper_index *ix, const struct keeper_vault *v)
{
    size_t lo = 0, hi = ix->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (cmp(&ix->v[mid], v) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

bool keeper_index_add(struct keeper_index *ix, const struct keeper_vault *v)
{
    if (v->debt == 0 || v->collateral < 0)
        return false;
    size_t at = lower_bound(ix, v);
    if (at < ix->count && cmp(&ix->v[at], v) == 0)
        return false;
    if (ix->count == ix->cap) {
        ix->cap = ix->cap ? ix->cap * 2 : 64;
        ix->v = mem_realloc(ix->v, ix->cap * sizeof(*ix->v));
    }
    memmove(&ix->v[at + 1], &ix->v[at], (ix->count - at) * sizeof(*ix->v));
    ix->v[at] = *v;
    ix->count++;
    return true;
}

bool keeper_index_remove(struct keeper_index *ix, const struct keeper_vault *v)
{
    size_t at = lower_bound(ix, v);
    if (at >= ix->count || cmp(&ix->v[at], v) != 0)
        return false;
    memmove(&ix->v[at], &ix->v[at + 1], (ix->count - at - 1) * sizeof(*ix->v));
    ix->count--;
    return true;
}

/* The first entry of asset (entries are grouped by asset). */
static size_t asset_start(const struct keeper_index *ix, uint32_t asset)
{
    size_t lo = 0, hi = ix->count;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ix->v[mid].asset < asset)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

size_t keeper_index_below(const struct keeper_index *ix, struct keeper_vault *out, size_t cap, uint32_t asset,
                          uint64_t price, uint32_t liq_pct)
{
    if (price == 0)
        return 0;
    size_t n = 0;
    for (size_t i = asset_start(ix, asset); i < ix->count && ix->v[i].asset == asset; i++) {
        const struct keeper_vault *v = &ix->v[i];
        /* sorted by ratio: the first healthy vault ends the prefix */
        if (issuance_ratio_at_least((uint64_t)v->collateral, price, v->debt, liq_pct))
            break;
        if (out && n < cap)
            out[n] = *v;
        n++;
    }
    return n;
}

size_t keeper_index_count_below(const struct keeper_index *ix, uint32_t asset, uint64_t price, uint32_t liq_pct)
{
    return keeper_index_below(ix, NULL, 0, asset, price, liq_pct);
}
