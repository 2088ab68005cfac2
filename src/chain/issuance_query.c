/* The chainstate's issuance queries (src/chain/issuance_query.h). */
#include "src/chain/issuance_query.h"

#include <string.h>

#include <stdio.h>

#include "consensus/token_prefix.h"
#include "src/chain/chainstate_internal.h"
#include "src/chain/undo.h"
#include "src/util/alloc.h"

bool chainstate_issuance_enabled(const struct chainstate *cs)
{
    return cs->iss_on;
}

bool chainstate_issuance_state(struct chainstate *cs, struct issuance_state *out, struct hash256 *tip_hash,
                               int32_t *tip_height)
{
    memset(out, 0, sizeof(*out));
    chainstate_lock(cs);
    const struct block_index *tip = active_chain_tip(&cs->chain);
    bool ok = cs->iss_on && cs->iss_loaded && tip != NULL;
    if (ok) {
        *out = cs->iss;
        if (tip_hash)
            *tip_hash = tip->hash;
        if (tip_height)
            *tip_height = tip->height;
    }
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_check_tx_issuance(struct chainstate *cs, struct val_state *st, struct issuance_effects *fx,
                                  const struct tx *tx, const struct spent_coin *coins)
{
    struct issuance_effects local;
    if (!fx)
        fx = &local;
    memset(fx, 0, sizeof(*fx));
    val_state_init(st);
    if (!cs->iss_on)
        return chainstate_check_tx_outputs(cs, st, tx);
    chainstate_lock(cs);
    bool ok;
    if (!cs->iss_loaded) {
        ok = val_error(st, "the issuance state is not loaded");
    } else {
        struct issuance_view v = { cs->params->assets, cs->params->asset_count, &cs->iss,
                                   active_chain_height(&cs->chain) + 1 };
        ok = issuance_tx_check(st, fx, tx, coins, &v);
    }
    chainstate_unlock(cs);
    return ok;
}

void chainstate_issuance_filter(struct chainstate *cs, bool *keep, const struct tx *const *txs, size_t count)
{
    for (size_t i = 0; i < count; i++)
        keep[i] = true;
    if (!cs->iss_on)
        return;
    chainstate_lock(cs);
    if (!cs->iss_loaded || !active_chain_tip(&cs->chain)) {
        chainstate_unlock(cs);
        return;
    }
    int32_t height = active_chain_height(&cs->chain) + 1;
    struct coins_cache *view = coins_cache_new_child(cs->coins);
    struct cs_block_iss *bx = mem_alloc(sizeof(*bx));
    cs_iss_begin(bx, &cs->iss, &cs->rtree, false, 0);
    struct coin *spent = NULL;
    struct spent_coin *sc = NULL;
    size_t cap = 0;
    for (size_t i = 0; i < count; i++) {
        const struct tx *tx = txs[i];
        if (tx->vin_count > cap) {
            cap = tx->vin_count;
            spent = mem_realloc(spent, cap * sizeof(*spent));
            sc = mem_realloc(sc, cap * sizeof(*sc));
        }
        size_t got = 0;
        bool ok = true;
        for (; got < tx->vin_count; got++) {
            const struct coin *c;
            if (coins_cache_get(view, &tx->vin[got].prevout, &c) != 1) {
                ok = false;
                break;
            }
            coin_copy(&spent[got], c);
        }
        for (size_t j = 0; ok && j < tx->vin_count; j++) {
            sc[j].out = &spent[j].out;
            sc[j].height = (int32_t)spent[j].height;
            sc[j].is_coinbase = spent[j].coinbase;
        }
        struct val_state st;
        val_state_init(&st);
        /* A refused transaction leaves the state as it was (issuance_tx_check fails first). */
        if (ok && !cs_iss_tx(cs, &st, bx, i + 1, tx, sc, height))
            ok = false;
        if (ok) {
            for (size_t j = 0; j < tx->vin_count; j++)
                coins_cache_spend(view, &tx->vin[j].prevout, NULL);
            coins_cache_add_tx(view, tx, height, true);
        } else {
            keep[i] = false;
        }
        for (size_t j = 0; j < got; j++)
            coin_clear(&spent[j]);
    }
    mem_free(spent);
    mem_free(sc);
    cs_iss_end(bx);
    mem_free(bx);
    coins_cache_free(view);
    chainstate_unlock(cs);
}

void chainstate_vault_clear(struct chainstate_vault *v)
{
    bytes_clear(&v->owner_script);
    memset(v, 0, sizeof(*v));
}

/* Describes coin as a prefixed output of one of the chain's assets whose
 * kind is in kinds (a mask of 1u << kind). Returns false for any other
 * output. Out: *v with a borrowed owner script (not owned). */
static bool describe_kinds(const struct chainstate *cs, struct chainstate_vault *v, const struct outpoint *op,
                           const struct coin *coin, uint32_t kinds)
{
    const struct bytes *spk = &coin->out.script_pubkey;
    if (spk->len == 0 || spk->data[0] != TOKEN_PREFIX_MARKER)
        return false;
    struct token_prefix pfx;
    size_t plen;
    if (token_prefix_parse(&pfx, &plen, spk->data, spk->len) != TOKEN_PREFIX_OK || !(kinds & (1u << pfx.kind)))
        return false;
    int a = issuance_asset_index(cs->params->assets, cs->params->asset_count, pfx.asset_id);
    if (a < 0)
        return false;
    memset(v, 0, sizeof(*v));
    v->kind = (uint8_t)pfx.kind;
    v->outpoint = *op;
    v->asset = (uint32_t)a;
    memcpy(v->asset_id, pfx.asset_id, 32);
    v->collateral = coin->out.value;
    v->debt = pfx.kind == TOKEN_KIND_ORACLE ? pfx.price : pfx.kind == TOKEN_KIND_ISSUER ? pfx.flags : pfx.amount;
    v->height = (int32_t)coin->height;
    v->coinbase = coin->coinbase;
    v->owner_script.data = spk->data + plen;
    v->owner_script.len = spk->len - plen;
    return true;
}

/* describe_kinds for vaults only. */
static bool describe(const struct chainstate *cs, struct chainstate_vault *v, const struct outpoint *op,
                     const struct coin *coin)
{
    return describe_kinds(cs, v, op, coin, 1u << TOKEN_KIND_VAULT);
}

int chainstate_get_vault(struct chainstate *cs, struct chainstate_vault *out, const struct outpoint *op)
{
    if (!cs->iss_on)
        return 0;
    chainstate_lock(cs);
    const struct coin *c;
    int rc = coins_cache_get(cs->coins, op, &c);
    if (rc == 1) {
        struct chainstate_vault v;
        if (describe(cs, &v, op, c)) {
            const uint8_t *script = v.owner_script.data;
            size_t len = v.owner_script.len;
            v.owner_script.data = NULL;
            v.owner_script.len = 0;
            bytes_set(&v.owner_script, script, len);
            *out = v;
        } else {
            rc = 0;
        }
    }
    chainstate_unlock(cs);
    return rc;
}

struct vault_walk {
    struct chainstate *cs;
    bool (*cb)(void *ctx, const struct chainstate_vault *v);
    void *ctx;
    bool stopped;
    bool failed;
    uint32_t kinds;
};

/* The cache's own unspent coins that the database does not have (the
 * database's coins were visited by the cursor, with the cache's version). */
static bool cache_one(void *arg, const struct outpoint *op, const struct coin *coin)
{
    struct vault_walk *w = arg;
    struct chainstate_vault v;
    if (!describe_kinds(w->cs, &v, op, coin, w->kinds))
        return true;
    struct store_error e;
    store_error_clear(&e);
    int have = coins_db_have_coin(w->cs->coins_db, op, &e);
    if (have < 0) {
        w->failed = true;
        return false;
    }
    if (have == 1)
        return true;
    if (!w->cb(w->ctx, &v)) {
        w->stopped = true;
        return false;
    }
    return true;
}

bool chainstate_for_each_vault(struct chainstate *cs, bool (*cb)(void *ctx, const struct chainstate_vault *v),
                               void *ctx)
{
    return chainstate_for_each_prefixed(cs, 1u << TOKEN_KIND_VAULT, cb, ctx);
}

bool chainstate_for_each_prefixed(struct chainstate *cs, uint32_t kinds,
                                  bool (*cb)(void *ctx, const struct chainstate_vault *v), void *ctx)
{
    if (!cs->iss_on)
        return true;
    chainstate_lock(cs);
    struct vault_walk w = { cs, cb, ctx, false, false, kinds };
    struct coins_db_cursor *cur = coins_db_cursor_new(cs->coins_db);
    struct store_error e;
    store_error_clear(&e);
    for (; coins_db_cursor_valid(cur) && !w.stopped; coins_db_cursor_next(cur)) {
        struct outpoint op;
        struct coin coin;
        if (coins_db_cursor_get(cur, &op, &coin, &e) != 0) {
            w.failed = true;
            break;
        }
        /* The cache's view of this coin wins: spent there, or changed. */
        const struct coin *cached;
        int peek = coins_cache_peek(cs->coins, &op, &cached);
        const struct coin *use = peek == 1 ? cached : peek == 0 ? NULL : &coin;
        struct chainstate_vault v;
        if (use && describe_kinds(cs, &v, &op, use, kinds) && !cb(ctx, &v))
            w.stopped = true;
        coin_clear(&coin);
    }
    if (!w.failed && !w.stopped && coins_db_cursor_status(cur, &e) != 0)
        w.failed = true;
    coins_db_cursor_free(cur);
    if (!w.failed && !w.stopped)
        coins_cache_for_each(cs->coins, cache_one, &w);
    chainstate_unlock(cs);
    return !w.failed;
}

/* ---- the reserve tree ---- */

/* Rolls the tree over `t`'s overlay ms back from the tip to block `at`
 * (inverse changes of the blocks after it), then takes at's own coinbase
 * vaults out (for the tree at's HMRS commits to) when committed. */
static bool roll_back(struct chainstate *cs, const struct reserve_tree *t, const struct reserve_store *ms,
                      const struct block_index *at, bool committed, char *err, size_t errlen)
{
    const struct block_index *tip = active_chain_tip(&cs->chain);
    struct cs_block_iss *bx = mem_alloc(sizeof(*bx));
    bool ok = true;
    for (const struct block_index *w = tip; ok && w != at->prev; w = w->prev) {
        if (w == at && (!committed || !w->prev))
            break;
        struct block b;
        if (!cs_read_block(cs, &b, w)) {
            snprintf(err, errlen, "Block not available (height %d)", w->height);
            ok = false;
            break;
        }
        struct val_state st;
        val_state_init(&st);
        cs_iss_begin(bx, NULL, t, false, 0);
        if (w == at) {
            /* Only the vaults its coinbase opened leave. */
            struct block cbonly = b;
            cbonly.tx_count = 1;
            ok = cs_iss_block_end(cs, &st, bx, &cbonly, NULL, w->height, true);
        } else {
            struct block_undo u;
            struct issuance_undo iu;
            struct store_error e;
            store_error_clear(&e);
            struct flat_pos pos = { w->file, w->undo_pos };
            if (!(w->status & BLOCK_HAVE_UNDO) || undo_read(cs->ff, &u, &iu, &pos, &w->prev->hash, &e) < 0) {
                snprintf(err, errlen, "Undo data not available (height %d)", w->height);
                ok = false;
            } else {
                ok = cs_iss_block_end(cs, &st, bx, &b, &u, w->height, true);
                block_undo_clear(&u);
            }
            if (!ok && !err[0])
                snprintf(err, errlen, "The reserve tree cannot be rolled back to height %d", at->height);
        }
        ok = ok && cs_iss_tree_commit(bx, ms);
        if (!ok && !err[0])
            snprintf(err, errlen, "The reserve tree cannot be rolled back to height %d", at->height);
        cs_iss_end(bx);
        block_clear(&b);
    }
    mem_free(bx);
    return ok;
}

bool chainstate_reserve_state(struct chainstate *cs, struct reserve_state *committed, struct reserve_state *all,
                              struct hash256 *tip_hash, int32_t *tip_height)
{
    if (committed)
        memset(committed, 0, sizeof(*committed));
    if (all)
        memset(all, 0, sizeof(*all));
    if (!cs->iss_on)
        return false;
    chainstate_lock(cs);
    const struct block_index *tip = active_chain_tip(&cs->chain);
    struct val_state st;
    val_state_init(&st);
    bool ok = cs->iss_loaded && tip && (!all || reserve_tree_state(&st, all, &cs->rtree));
    if (ok && committed) {
        char err[128] = "";
        ok = chainstate_reserve_query(cs, tip, committed, NULL, NULL, NULL, err, sizeof(err));
    }
    if (ok) {
        if (tip_hash)
            *tip_hash = tip->hash;
        if (tip_height)
            *tip_height = tip->height;
    }
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_reserve_query(struct chainstate *cs, const struct block_index *at, struct reserve_state *state,
                              const struct outpoint *op, bool *found, struct reserve_path *path, char *err,
                              size_t errlen)
{
    if (state)
        memset(state, 0, sizeof(*state));
    if (found)
        *found = false;
    err[0] = 0;
    if (!cs->iss_on) {
        snprintf(err, errlen, "This chain has no issuance layer");
        return false;
    }
    chainstate_lock(cs);
    const struct block_index *tip = active_chain_tip(&cs->chain);
    if (!at)
        at = tip;
    if (!cs->iss_loaded || !tip || !active_chain_contains(&cs->chain, at)) {
        chainstate_unlock(cs);
        snprintf(err, errlen, "Block not in the active chain");
        return false;
    }
    /* A temporary overlay over the tip's tree, rolled back, then freed unflushed. */
    struct reserve_memstore *m = reserve_memstore_new(&cs->rstore);
    struct reserve_store ms;
    reserve_memstore_store(&ms, m);
    struct reserve_tree t;
    reserve_tree_init(&t, &ms);
    bool ok = roll_back(cs, &t, &ms, at, true, err, errlen);
    struct val_state st;
    val_state_init(&st);
    if (ok && state && !reserve_tree_state(&st, state, &t)) {
        snprintf(err, errlen, "The reserve tree's store failed");
        ok = false;
    }
    if (ok && op) {
        bool f = false;
        if (!reserve_tree_find(&st, &f, path, &t, op)) {
            snprintf(err, errlen, "The reserve tree's store failed");
            ok = false;
        }
        if (found)
            *found = f;
    }
    reserve_memstore_free(m);
    chainstate_unlock(cs);
    return ok;
}

bool chainstate_reserve_commitment(struct chainstate *cs, struct reserve_commitment *out, const struct tx *const *txs,
                                   size_t count)
{
    memset(out, 0, sizeof(*out));
    if (!cs->iss_on)
        return false;
    chainstate_lock(cs);
    if (!cs->iss_loaded || !active_chain_tip(&cs->chain)) {
        chainstate_unlock(cs);
        return false;
    }
    int32_t height = active_chain_height(&cs->chain) + 1;
    struct coins_cache *view = coins_cache_new_child(cs->coins);
    /* The coinbase's own vaults are not part of its commitment. */
    struct cs_rchanges c = { NULL, 0, 0 };
    bool ok = true;
    for (size_t i = 0; ok && i < count; i++) {
        const struct tx *tx = txs[i];
        struct block_undo u; /* one tx_undo holding copies of the spent coins */
        block_undo_init(&u);
        struct tx_undo *tu = block_undo_add_tx(&u, tx->vin_count);
        for (size_t j = 0; ok && j < tx->vin_count; j++) {
            const struct coin *coin;
            if (coins_cache_get(view, &tx->vin[j].prevout, &coin) != 1)
                ok = false;
            else
                coin_copy(&tu->prevout[j], coin);
        }
        if (ok) {
            cs_rchanges_tx(&c, tx, tu);
            for (size_t j = 0; j < tx->vin_count; j++)
                coins_cache_spend(view, &tx->vin[j].prevout, NULL);
            coins_cache_add_tx(view, tx, height, true);
        }
        block_undo_clear(&u);
    }
    if (ok) {
        struct reserve_batch batch;
        reserve_batch_init(&batch);
        struct reserve_state state;
        struct val_state st;
        val_state_init(&st);
        ok = reserve_tree_update(&st, &batch, &state, &cs->rtree, c.v, c.n);
        if (ok)
            reserve_commitment_from_state(out, &state);
        reserve_batch_clear(&batch);
    }
    cs_rchanges_clear(&c);
    coins_cache_free(view);
    chainstate_unlock(cs);
    return ok;
}
