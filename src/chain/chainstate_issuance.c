/* The issuance layer inside the chainstate (doc/issuance.md, "Issuance
 * state"; doc/chainstate.md, "Issuance state"): the per-block state
 * transition around issuance_tx_check / issuance_state_apply_tx, its replay
 * from undo data, and the state's entry in the coins database. Everything
 * here runs with the chain lock held. */
#include <stdio.h>
#include <string.h>

#include "issuance/state_serialize.h"
#include "src/chain/chainstate_internal.h"
#include "src/util/alloc.h"

/* The key of the state in the coins database's 'I' keyspace. */
static const uint8_t STATE_KEY[1] = { 'S' };

void cs_iss_begin(struct cs_block_iss *bx, const struct issuance_state *s, bool want_fx, size_t ntx)
{
    memset(bx, 0, sizeof(*bx));
    if (s)
        bx->state = *s;
    issuance_undo_init(&bx->undo);
    bx->want_fx = want_fx;
    if (want_fx && ntx > 0) {
        bx->fx = mem_calloc(ntx, sizeof(*bx->fx));
        bx->nfx = ntx;
    }
}

void cs_iss_end(struct cs_block_iss *bx)
{
    for (size_t i = 0; i < bx->nowned; i++)
        mem_free(bx->owned[i]);
    mem_free(bx->owned);
    mem_free(bx->fx);
    bx->owned = NULL;
    bx->fx = NULL;
    bx->nowned = bx->nfx = 0;
}

/* Copies a borrowed owner script into bx so the effects outlive the
 * transaction's spent coins (they are handed to event subscribers after the
 * block's undo coins are gone). */
static void own_script(struct cs_block_iss *bx, struct issuance_vault *v)
{
    if (!v->owner_script || v->owner_script_len == 0) {
        v->owner_script = NULL;
        return;
    }
    uint8_t *copy = mem_alloc(v->owner_script_len);
    memcpy(copy, v->owner_script, v->owner_script_len);
    bx->owned = mem_realloc(bx->owned, (bx->nowned + 1) * sizeof(*bx->owned));
    bx->owned[bx->nowned++] = copy;
    v->owner_script = copy;
}

bool cs_iss_genesis(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b)
{
    const struct chain_params *p = cs->params;
    if (b->tx_count == 0)
        return val_error(st, "the genesis block has no coinbase");
    if (!issuance_state_init_genesis(st, &bx->state, p->assets, p->asset_count, &b->txs[0]))
        return false;
    issuance_undo_init(&bx->undo);
    return true;
}

bool cs_iss_tx(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, size_t i, const struct tx *tx,
               const struct spent_coin *coins, int32_t height)
{
    const struct chain_params *p = cs->params;
    struct issuance_effects fx;
    struct issuance_view v = { p->assets, p->asset_count, &bx->state, height };
    if (!issuance_tx_check(st, &fx, tx, coins, &v))
        return false;
    if (!issuance_state_apply_tx(&bx->state, &bx->undo, &fx, p->assets, p->asset_count, height))
        return val_error(st, "the issuance state cannot take the effects of a valid transaction (corrupt state)");
    if (bx->want_fx && i < bx->nfx) {
        bx->fx[i] = fx;
        if (fx.has_vault_in)
            own_script(bx, &bx->fx[i].vault_in);
        if (fx.has_vault_out)
            own_script(bx, &bx->fx[i].vault_out);
    }
    return true;
}

bool cs_iss_replay_block(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                         const struct block_undo *u, int32_t height)
{
    if (b->tx_count == 0 || u->count + 1 != b->tx_count)
        return val_error(st, "undo data does not fit the block");
    struct spent_coin *sc = NULL;
    size_t cap = 0;
    bool ok = true;
    for (size_t i = 0; i < b->tx_count && ok; i++) {
        const struct tx *tx = &b->txs[i];
        const struct spent_coin *coins = NULL;
        if (i > 0) {
            const struct tx_undo *tu = &u->txs[i - 1];
            if (tu->count != tx->vin_count) {
                ok = val_error(st, "undo data does not fit a transaction of the block");
                break;
            }
            if (tx->vin_count > cap) {
                cap = tx->vin_count;
                sc = mem_realloc(sc, cap * sizeof(*sc));
            }
            for (size_t j = 0; j < tx->vin_count; j++) {
                sc[j].out = &tu->prevout[j].out;
                sc[j].height = (int32_t)tu->prevout[j].height;
                sc[j].is_coinbase = tu->prevout[j].coinbase;
            }
            coins = sc;
        }
        ok = cs_iss_tx(cs, st, bx, i, tx, coins, height);
    }
    mem_free(sc);
    return ok;
}

bool cs_iss_block(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                  const struct block_undo *u, int32_t height, bool block_level)
{
    (void)block_level;
    return cs_iss_replay_block(cs, st, bx, b, u, height);
}

int cs_iss_read(struct chainstate *cs, struct issuance_state *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    uint8_t *val = NULL;
    size_t vlen = 0;
    struct store_error e;
    store_error_clear(&e);
    int rc = coins_db_get_issuance(cs->coins_db, &val, &vlen, STATE_KEY, sizeof(STATE_KEY), &e);
    if (rc < 0) {
        snprintf(err, errlen, "cannot read the issuance state: %s", e.msg);
        return -1;
    }
    if (rc == 0)
        return 0;
    bool ok = issuance_state_decode(out, val, vlen);
    mem_free(val);
    if (!ok) {
        snprintf(err, errlen, "the stored issuance state does not decode");
        return -1;
    }
    if (!issuance_state_matches(out, cs->params->assets, cs->params->asset_count)) {
        memset(out, 0, sizeof(*out));
        snprintf(err, errlen, "the stored issuance state belongs to other assets");
        return -1;
    }
    return 1;
}

void cs_iss_entry(struct coins_issuance_change *change, struct wbuf *w, const struct issuance_state *s)
{
    w->len = 0;
    issuance_state_serialize(w, s);
    change->key = STATE_KEY;
    change->key_len = sizeof(STATE_KEY);
    change->value = w->data;
    change->value_len = w->len;
}

bool cs_iss_equal(const struct issuance_state *a, const struct issuance_state *b)
{
    struct wbuf wa, wb;
    wbuf_init(&wa);
    wbuf_init(&wb);
    issuance_state_serialize(&wa, a);
    issuance_state_serialize(&wb, b);
    bool eq = wa.len == wb.len && memcmp(wa.data, wb.data, wa.len) == 0;
    wbuf_clear(&wa);
    wbuf_clear(&wb);
    return eq;
}
