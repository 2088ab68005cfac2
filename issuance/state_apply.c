/* The block-level state transition with undo (issuance/state_apply.h). */
#include "issuance/state_apply.h"

#include <string.h>

#include "issuance/breaker.h"

typedef unsigned __int128 u128;

void issuance_undo_init(struct issuance_undo *u)
{
    memset(u, 0, sizeof(*u));
}

static bool asset_touched(const struct issuance_effects *fx, size_t a)
{
    const struct issuance_asset_effects *ae = &fx->asset[a];
    return ae->minted || ae->repaid || ae->oracle_updated || ae->issuer_updated;
}

/* Computes asset a's new state into *out. */
static bool apply_asset(struct issuance_asset_state *out, const struct issuance_asset_state *in,
                        const struct issuance_asset_effects *ae, const struct chain_asset *p, int32_t height)
{
    *out = *in;
    u128 supply = (u128)in->supply + ae->minted;
    if (supply < ae->repaid)
        return false;
    supply -= ae->repaid;
    if (supply > p->debt_ceiling)
        return false;
    out->supply = (uint64_t)supply;
    if (ae->issuer_updated) {
        out->issuer = ae->issuer;
        out->issuer_flags = ae->issuer_flags;
    }
    if (ae->oracle_updated && !issuance_breaker_record(out, p, &ae->oracle, ae->price, height))
        return false;
    return true;
}

static void undo_save(struct issuance_undo *u, uint32_t a, const struct issuance_asset_state *prev)
{
    uint32_t pos = 0;
    while (pos < u->count && u->entry[pos].asset < a)
        pos++;
    if (pos < u->count && u->entry[pos].asset == a)
        return; /* already saved: the state before the block is kept */
    memmove(&u->entry[pos + 1], &u->entry[pos], (u->count - pos) * sizeof(u->entry[0]));
    u->entry[pos].asset = a;
    u->entry[pos].prev = *prev;
    u->count++;
}

bool issuance_state_apply_tx(struct issuance_state *s, struct issuance_undo *u, const struct issuance_effects *fx,
                             const struct chain_asset *assets, size_t count, int32_t height)
{
    if (!issuance_state_matches(s, assets, count) || fx->asset_count != count || u->count > count)
        return false;
    /* Compute every change first so that a failure changes nothing. At most
     * ISSUANCE_MAX_ASSETS states of a few kB each: on the stack is fine. */
    struct issuance_asset_state next[ISSUANCE_MAX_ASSETS];
    bool touched[ISSUANCE_MAX_ASSETS] = { false };
    for (size_t a = 0; a < count; a++) {
        if (!asset_touched(fx, a))
            continue;
        touched[a] = true;
        if (!apply_asset(&next[a], &s->asset[a], &fx->asset[a], &assets[a], height))
            return false;
    }
    for (size_t a = 0; a < count; a++) {
        if (!touched[a])
            continue;
        undo_save(u, (uint32_t)a, &s->asset[a]);
        s->asset[a] = next[a];
    }
    return true;
}

bool issuance_state_disconnect(struct issuance_state *s, const struct issuance_undo *u)
{
    if (u->count > s->count)
        return false;
    for (uint32_t i = 0; i < u->count; i++) {
        const struct issuance_undo_entry *e = &u->entry[i];
        if (e->asset >= s->count || (i > 0 && e->asset <= u->entry[i - 1].asset) ||
            memcmp(e->prev.asset_id, s->asset[e->asset].asset_id, 32) != 0)
            return false;
    }
    for (uint32_t i = 0; i < u->count; i++)
        s->asset[u->entry[i].asset] = u->entry[i].prev;
    return true;
}
