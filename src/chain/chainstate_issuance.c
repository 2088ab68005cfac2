/* The issuance layer inside the chainstate (doc/issuance.md, "Issuance
 * state"; doc/chainstate.md, "Issuance state"): the per-block state
 * transition around issuance_tx_check / issuance_state_apply_tx, its replay
 * from undo data, and the state's entry in the coins database. Everything
 * here runs with the chain lock held. */
#include <stdio.h>
#include <string.h>

#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "issuance/state_serialize.h"
#include "src/chain/chainstate_internal.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* Keys in the coins database's 'I' keyspace: the state, and the prefix of
 * the reserve tree's node records (followed by the 34-byte node key). */
static const uint8_t STATE_KEY[1] = { 'S' };
#define TREE_KEY_PREFIX 'T'

void cs_iss_begin(struct cs_block_iss *bx, const struct issuance_state *s, const struct reserve_tree *tree,
                  bool want_fx, size_t ntx)
{
    memset(bx, 0, sizeof(*bx));
    if (s)
        bx->state = *s;
    issuance_undo_init(&bx->undo);
    bx->tree = tree;
    reserve_batch_init(&bx->rbatch);
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
    reserve_batch_clear(&bx->rbatch);
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

/* Returns true if no output of tx and none of the outputs it spends starts
 * with the token prefix marker: token_prefix_parse finds no prefix in any
 * of them (TOKEN_PREFIX_NONE), so issuance_tally_build sees nothing. */
static bool no_marker(const struct tx *tx, const struct spent_coin *coins)
{
    for (size_t o = 0; o < tx->vout_count; o++) {
        const struct bytes *spk = &tx->vout[o].script_pubkey;
        if (spk->len && spk->data[0] == TOKEN_PREFIX_MARKER)
            return false;
    }
    if (coins)
        for (size_t j = 0; j < tx->vin_count; j++) {
            const struct bytes *spk = &coins[j].out->script_pubkey;
            if (spk->len && spk->data[0] == TOKEN_PREFIX_MARKER)
                return false;
        }
    return true;
}

bool cs_iss_tx(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, size_t i, const struct tx *tx,
               const struct spent_coin *coins, int32_t height)
{
    const struct chain_params *p = cs->params;
    /* An ordinary transaction (doc/issuance.md: no prefixed output, no
     * prefixed coin spent): issuance_tx_check would accept it with no
     * effects and issuance_state_apply_tx change nothing, so only their
     * state checks are repeated here; the result is the same, without the
     * tally and the per-asset pass of every transaction. */
    if (no_marker(tx, coins) && bx->undo.count <= p->asset_count &&
        issuance_state_matches(&bx->state, p->assets, p->asset_count)) {
        if (bx->want_fx && i < bx->nfx) {
            memset(&bx->fx[i], 0, sizeof(bx->fx[i]));
            bx->fx[i].asset_count = (uint32_t)p->asset_count;
        }
        return true;
    }
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

/* ---- the reserve tree ---- */

static void rchanges_push(struct cs_rchanges *c, bool insert, const struct reserve_leaf *leaf)
{
    if (c->n == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 8;
        c->v = mem_realloc(c->v, c->cap * sizeof(*c->v));
    }
    c->v[c->n].insert = insert;
    c->v[c->n].leaf = *leaf;
    c->n++;
}

void cs_rchanges_clear(struct cs_rchanges *c)
{
    mem_free(c->v);
    memset(c, 0, sizeof(*c));
}

/* A vault's leaf, if out is a VAULT output that enters the UTXO set. */
static bool vault_leaf(struct reserve_leaf *leaf, const struct outpoint *op, const struct txout *out)
{
    const struct bytes *spk = &out->script_pubkey;
    if (spk->len == 0 || spk->data[0] != TOKEN_PREFIX_MARKER)
        return false;
    /* Outputs the UTXO set drops (oversized scripts) are no vaults either. */
    if (script_is_unspendable(spk->data, spk->len))
        return false;
    return reserve_leaf_from_output(leaf, op, out);
}

/* One transaction: its spent vaults leave the tree (or, created earlier in
 * the block, never enter it), its VAULT outputs enter it. spent: the
 * outputs its inputs spend (NULL for a coinbase). */
void cs_rchanges_tx(struct cs_rchanges *c, const struct tx *tx, const struct tx_undo *spent)
{
    for (size_t j = 0; spent && j < tx->vin_count; j++) {
        struct reserve_leaf leaf;
        if (!vault_leaf(&leaf, &tx->vin[j].prevout, &spent->prevout[j].out))
            continue;
        bool created_here = false;
        for (size_t k = 0; k < c->n && !created_here; k++) {
            const struct outpoint *o = &c->v[k].leaf.outpoint;
            if (c->v[k].insert && o->n == leaf.outpoint.n && hash256_eq(&o->txid, &leaf.outpoint.txid)) {
                c->v[k] = c->v[--c->n];
                created_here = true;
            }
        }
        if (!created_here)
            rchanges_push(c, false, &leaf);
    }
    for (size_t o = 0; o < tx->vout_count; o++) {
        struct reserve_leaf leaf;
        struct outpoint op = { tx->txid, (uint32_t)o };
        if (vault_leaf(&leaf, &op, &tx->vout[o]))
            rchanges_push(c, true, &leaf);
    }
}

/* reserve_tree_update, its failure logged and turned into an internal error. */
static bool tree_update(struct val_state *st, struct reserve_batch *batch, struct reserve_state *state,
                        const struct reserve_tree *t, const struct cs_rchanges *c, int32_t height)
{
    struct val_state tst;
    val_state_init(&tst);
    if (reserve_tree_update(&tst, batch, state, t, c->v, c->n))
        return true;
    /* Every change follows from valid transactions: the tree or its store is wrong. */
    log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "reserve tree update at height %d failed: %s %s", height, tst.reject,
               tst.debug);
    return val_error(st, "the reserve tree cannot take the block's vaults (corrupt tree)");
}

bool cs_iss_block_end(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                      const struct block_undo *u, int32_t height, bool inverse)
{
    (void)cs;
    if (!bx->tree)
        return val_error(st, "no reserve tree to update");
    if (u && u->count + 1 != b->tx_count)
        return val_error(st, "undo data does not fit the block");
    /* The coinbase's own vaults apart: its commitment cannot cover them
     * (their outpoints hash the coinbase, commitment included), so they
     * join the committed tree from the next block on (doc/issuance.md,
     * "Vaults the coinbase itself opens"). */
    struct cs_rchanges c = { NULL, 0, 0 }, cb = { NULL, 0, 0 };
    if (b->tx_count > 0)
        cs_rchanges_tx(&cb, &b->txs[0], NULL);
    for (size_t i = 1; i < b->tx_count; i++)
        cs_rchanges_tx(&c, &b->txs[i], u ? &u->txs[i - 1] : NULL);
    bool ok;
    if (inverse) {
        for (size_t k = 0; k < cb.n; k++)
            rchanges_push(&c, cb.v[k].insert, &cb.v[k].leaf);
        for (size_t k = 0; k < c.n; k++)
            c.v[k].insert = !c.v[k].insert;
        ok = tree_update(st, &bx->rbatch, &bx->rstate, bx->tree, &c, height);
        bx->rcommitted = bx->rstate;
    } else {
        ok = tree_update(st, &bx->rbatch, &bx->rcommitted, bx->tree, &c, height);
        if (ok && height >= 1) {
            struct reserve_commitment expect;
            reserve_commitment_from_state(&expect, &bx->rcommitted);
            ok = reserve_commitment_check(st, &b->txs[0], &expect);
        }
        bx->rstate = bx->rcommitted;
        if (ok && cb.n > 0) {
            /* Then the coinbase's vaults, over the tree with the first changes. */
            struct reserve_memstore *m = reserve_memstore_new(&bx->tree->store);
            struct reserve_store ms;
            reserve_memstore_store(&ms, m);
            struct reserve_tree t2;
            reserve_tree_init(&t2, &ms);
            ok = reserve_batch_write(&ms, &bx->rbatch) == 0 ||
                 val_error(st, "the reserve tree's overlay failed");
            ok = ok && tree_update(st, &bx->rbatch, &bx->rstate, &t2, &cb, height);
            reserve_memstore_free(m);
        }
    }
    cs_rchanges_clear(&c);
    cs_rchanges_clear(&cb);
    return ok;
}

bool cs_iss_tree_commit(struct cs_block_iss *bx, const struct reserve_store *store)
{
    return reserve_batch_write(store, &bx->rbatch) == 0;
}

bool cs_iss_block(struct chainstate *cs, struct val_state *st, struct cs_block_iss *bx, const struct block *b,
                  const struct block_undo *u, int32_t height, bool block_level)
{
    if (!cs_iss_replay_block(cs, st, bx, b, u, height))
        return false;
    return !block_level || cs_iss_block_end(cs, st, bx, b, u, height, false);
}

/* The tree's records in the coins database: 'I' 'T' + node key. Only get
 * is used (the overlay hands its changes to the flush). */
static int db_get(void *ctx, uint8_t *val, size_t *val_len, const uint8_t *key)
{
    struct chainstate *cs = ctx;
    uint8_t k[1 + RESERVE_NODE_KEY_SIZE];
    k[0] = TREE_KEY_PREFIX;
    memcpy(k + 1, key, RESERVE_NODE_KEY_SIZE);
    uint8_t *v = NULL;
    size_t n = 0;
    struct store_error e;
    store_error_clear(&e);
    int rc = coins_db_get_issuance(cs->coins_db, &v, &n, k, sizeof(k), &e);
    if (rc < 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "reserve tree: cannot read a node: %s", e.msg);
        return -1;
    }
    if (rc == 0)
        return 0;
    bool fits = n <= RESERVE_NODE_MAX_SIZE;
    if (fits)
        memcpy(val, v, n);
    *val_len = fits ? n : 0;
    mem_free(v);
    if (!fits) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "reserve tree: a node record of %zu bytes", n);
        return -1;
    }
    return 1;
}

static int db_put(void *ctx, const uint8_t *key, const uint8_t *val, size_t val_len)
{
    (void)ctx;
    (void)key;
    (void)val;
    (void)val_len;
    return -1; /* never called: the overlay holds every change until a flush */
}

static int db_del(void *ctx, const uint8_t *key)
{
    (void)ctx;
    (void)key;
    return -1;
}

void cs_iss_db_store(struct chainstate *cs, struct reserve_store *s)
{
    s->ctx = cs;
    s->get = db_get;
    s->put = db_put;
    s->del = db_del;
}

void cs_iss_entries_build(struct cs_iss_entries *e, const struct issuance_state *s, struct reserve_memstore *m,
                          bool keep_clean)
{
    memset(e, 0, sizeof(*e));
    wbuf_init(&e->state);
    reserve_batch_init(&e->nodes);
    if (m)
        reserve_memstore_flush(m, &e->nodes, keep_clean);
    e->v = mem_alloc((1 + e->nodes.count) * sizeof(*e->v));
    e->keys = mem_alloc((e->nodes.count ? e->nodes.count : 1) * sizeof(*e->keys));
    issuance_state_serialize(&e->state, s);
    e->v[0].key = STATE_KEY;
    e->v[0].key_len = sizeof(STATE_KEY);
    e->v[0].value = e->state.data;
    e->v[0].value_len = e->state.len;
    e->n = 1;
    for (size_t i = 0; i < e->nodes.count; i++) {
        const struct reserve_batch_op *op = &e->nodes.ops[i];
        e->keys[i][0] = TREE_KEY_PREFIX;
        memcpy(e->keys[i] + 1, op->key, RESERVE_NODE_KEY_SIZE);
        struct coins_issuance_change *c = &e->v[e->n++];
        c->key = e->keys[i];
        c->key_len = 1 + RESERVE_NODE_KEY_SIZE;
        c->value = op->del ? NULL : op->val;
        c->value_len = op->del ? 0 : op->val_len;
    }
}

void cs_iss_entries_clear(struct cs_iss_entries *e)
{
    mem_free(e->v);
    mem_free(e->keys);
    wbuf_clear(&e->state);
    reserve_batch_clear(&e->nodes);
    memset(e, 0, sizeof(*e));
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
