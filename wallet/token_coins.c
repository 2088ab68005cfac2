/* The wallet's token coins and token coin selection (wallet/token_coins.h). */
#include "wallet/token_coins.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/params.h"
#include "issuance/issuance_state.h"
#include "src/util/alloc.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_owner.h"

size_t wallet_token_coins(struct wallet *w, struct wallet_token_coin **out, int minconf, int maxconf)
{
    size_t n = 0, cap = 8;
    *out = mem_calloc(cap, sizeof(**out));
    for (size_t i = 0; i < w->ntxs; i++) {
        const struct wtx *t = w->txs[i];
        int depth = wallet_tx_depth(w, t);
        if (depth < 0 || (depth == 0 && t->abandoned) || depth < minconf || depth > maxconf)
            continue;
        if (tx_is_coinbase(&t->tx) && !chain_params_coin_mature(w->params, true, t->height, w->best_height + 1))
            continue;
        bool safe = wallet_tx_trusted(w, t);
        for (size_t k = 0; k < t->tx.vout_count; k++) {
            const struct txout *o = &t->tx.vout[k];
            struct token_prefix tp;
            bool prefixed;
            const struct spkent *s = wallet_find_owner(w, &tp, &prefixed, o->script_pubkey.data, o->script_pubkey.len);
            if (!s || !prefixed || tp.kind != TOKEN_KIND_TOKEN)
                continue;
            int asset = issuance_asset_index(w->params->assets, w->params->asset_count, tp.asset_id);
            if (asset < 0)
                continue; /* consensus keeps unknown assets out of the chain */
            struct outpoint op = { t->tx.txid, (uint32_t)k };
            if (wallet_is_spent(w, &op))
                continue;
            if (n == cap)
                *out = mem_realloc(*out, (cap *= 2) * sizeof(**out));
            struct wallet_token_coin *c = &(*out)[n++];
            c->op = op;
            c->out = o;
            c->owner = s;
            c->asset = (uint32_t)asset;
            c->amount = tp.amount;
            c->depth = depth;
            c->safe = safe;
            c->spendable = w->descs[s->desc].secret != NULL;
            c->locked = wallet_is_locked_coin(w, &op);
        }
    }
    return n;
}

static int by_pos(const void *a, const void *b)
{
    size_t x = *(const size_t *)a, y = *(const size_t *)b;
    return x < y ? -1 : x > y;
}

bool token_select(size_t *idx, size_t *count, const uint64_t *amounts, size_t n, uint64_t target)
{
    *count = 0;
    if (target == 0)
        return false;
    size_t best = SIZE_MAX;
    for (size_t i = 0; i < n; i++) {
        if (amounts[i] == target) {
            idx[0] = i;
            *count = 1;
            return true;
        }
        if (amounts[i] > target && (best == SIZE_MAX || amounts[i] < amounts[best]))
            best = i;
    }
    if (best != SIZE_MAX) {
        idx[0] = best;
        *count = 1;
        return true;
    }
    /* Every coin is below the target: the largest first (a stable
     * insertion sort of positions: equal amounts keep their order). */
    size_t *order = mem_calloc(n ? n : 1, sizeof(size_t));
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && amounts[order[j - 1]] < amounts[i]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    unsigned __int128 sum = 0;
    size_t k = 0;
    while (k < n && sum < target)
        sum += amounts[order[k++]];
    bool ok = sum >= target;
    if (ok) {
        memcpy(idx, order, k * sizeof(size_t));
        qsort(idx, k, sizeof(size_t), by_pos);
        *count = k;
    }
    mem_free(order);
    return ok;
}
