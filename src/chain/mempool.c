/* The mempool's data structures: entries, the txid/wtxid/outpoint indexes,
 * ancestor and descendant statistics, removal, the size limit with its
 * rolling minimum fee, expiry, prioritisation and the read-only queries.
 * Acceptance and the chain event handlers are in mempool_accept.c. */
#include "src/chain/mempool.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "src/chain/mempool_internal.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/check.h"
#include "src/util/log.h"

/* ---- small containers ---- */

void mp_vec_push(struct mp_vec *vec, struct mp_entry *e)
{
    if (vec->n == vec->cap) {
        vec->cap = vec->cap ? vec->cap * 2 : 8;
        vec->v = mem_realloc(vec->v, vec->cap * sizeof(*vec->v));
    }
    vec->v[vec->n++] = e;
}

void mp_vec_clear(struct mp_vec *vec)
{
    mem_free(vec->v);
    memset(vec, 0, sizeof(*vec));
}

static void map_init(struct mp_map *m)
{
    memset(m, 0, sizeof(*m));
    uint64_t k[2] = { 0x736f6d6570736575ull, 0x646f72616e646f6dull };
    /* A random key keeps crafted txids from colliding in the table; the
     * fixed fallback only matters if getrandom is unavailable. */
    if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
        k[0] ^= (uint64_t)time(NULL);
    m->k0 = k[0];
    m->k1 = k[1];
    m->cap = 16;
    m->slots = mem_calloc(m->cap, sizeof(*m->slots));
}

static void map_free(struct mp_map *m)
{
    mem_free(m->slots);
    memset(m, 0, sizeof(*m));
}

static size_t map_index(const struct mp_map *m, const struct hash256 *key, uint32_t n)
{
    return (size_t)siphash_uint256_extra(m->k0, m->k1, key->b, n) & (m->cap - 1);
}

static struct mp_map_slot *map_slot(const struct mp_map *m, const struct hash256 *key, uint32_t n)
{
    for (size_t i = map_index(m, key, n);; i = (i + 1) & (m->cap - 1)) {
        struct mp_map_slot *s = &m->slots[i];
        if (s->value == NULL || (s->n == n && hash256_eq(&s->key, key)))
            return s;
    }
}

static struct mp_entry *map_get(const struct mp_map *m, const struct hash256 *key, uint32_t n)
{
    return map_slot(m, key, n)->value;
}

static void map_put(struct mp_map *m, const struct hash256 *key, uint32_t n, struct mp_entry *value);

static void map_grow(struct mp_map *m)
{
    struct mp_map_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = mem_calloc(m->cap, sizeof(*m->slots));
    m->count = 0;
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].value)
            map_put(m, &old[i].key, old[i].n, old[i].value);
    mem_free(old);
}

static void map_put(struct mp_map *m, const struct hash256 *key, uint32_t n, struct mp_entry *value)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        map_grow(m);
    struct mp_map_slot *s = map_slot(m, key, n);
    if (s->value == NULL)
        m->count++;
    s->key = *key;
    s->n = n;
    s->value = value;
}

/* Linear-probing deletion by backward shift: no tombstones. */
static void map_del(struct mp_map *m, const struct hash256 *key, uint32_t n)
{
    struct mp_map_slot *s = map_slot(m, key, n);
    if (s->value == NULL)
        return;
    size_t i = (size_t)(s - m->slots);
    s->value = NULL;
    m->count--;
    for (size_t j = (i + 1) & (m->cap - 1); m->slots[j].value; j = (j + 1) & (m->cap - 1)) {
        size_t home = map_index(m, &m->slots[j].key, m->slots[j].n);
        /* Move slot j into the hole at i if its home is not in (i, j]. */
        bool between = (i <= j) ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            m->slots[i] = m->slots[j];
            m->slots[j].value = NULL;
            i = j;
        }
    }
}

/* ---- options, lifetime, locking ---- */

void mempool_options_init(struct mempool_options *o, const struct chain_params *p)
{
    memset(o, 0, sizeof(*o));
    o->params = p;
    policy_options_init(&o->policy, p);
    o->require_standard = true;
    o->full_rbf = true;
    o->max_size_bytes = (uint64_t)MEMPOOL_DEFAULT_MAX_SIZE_MB * 1000000;
    o->expiry_seconds = (int64_t)MEMPOOL_DEFAULT_EXPIRY_HOURS * 3600;
    o->min_relay_feerate = POLICY_DEFAULT_MIN_RELAY_FEERATE;
    o->incremental_relay_feerate = POLICY_DEFAULT_INCREMENTAL_RELAY_FEERATE;
    o->bytes_per_sigop = POLICY_DEFAULT_BYTES_PER_SIGOP;
    o->ancestor_limit = MEMPOOL_DEFAULT_ANCESTOR_LIMIT;
    o->ancestor_size_limit = (uint64_t)MEMPOOL_DEFAULT_ANCESTOR_SIZE_LIMIT_KVB * 1000;
    o->descendant_limit = MEMPOOL_DEFAULT_DESCENDANT_LIMIT;
    o->descendant_size_limit = (uint64_t)MEMPOOL_DEFAULT_DESCENDANT_SIZE_LIMIT_KVB * 1000;
}

struct mempool *mempool_new(const struct mempool_options *o)
{
    struct mempool *mp = mem_calloc(1, sizeof(*mp));
    mp->opt = *o;
    map_init(&mp->by_txid);
    map_init(&mp->by_wtxid);
    map_init(&mp->by_spent);
    mp->sequence = 1;
    return mp;
}

static void entry_free(struct mp_entry *e)
{
    tx_clear(&e->tx);
    mem_free(e->parents);
    mem_free(e->children);
    mem_free(e);
}

static void stash_clear(struct mempool *mp)
{
    for (size_t i = 0; i < mp->stash_count; i++)
        tx_clear(&mp->stash[i]);
    mp->stash_count = 0;
}

void mempool_free(struct mempool *mp)
{
    if (mp == NULL)
        return;
    for (size_t i = 0; i < mp->entry_count; i++)
        entry_free(mp->entries[i]);
    mem_free(mp->entries);
    map_free(&mp->by_txid);
    map_free(&mp->by_wtxid);
    map_free(&mp->by_spent);
    mem_free(mp->deltas);
    stash_clear(mp);
    mem_free(mp->stash);
    mem_free(mp);
}

const struct mempool_options *mempool_options(const struct mempool *mp)
{
    return &mp->opt;
}

void mp_lock(struct mempool *mp)
{
    if (mp->opt.chain.lock)
        mp->opt.chain.lock(mp->opt.chain.ctx);
}

void mp_unlock(struct mempool *mp)
{
    if (mp->opt.chain.unlock)
        mp->opt.chain.unlock(mp->opt.chain.ctx);
}

int64_t mp_now(struct mempool *mp)
{
    return mp->opt.clock ? mp->opt.clock(mp->opt.clock_ctx) : (int64_t)time(NULL);
}

/* ---- lookups and traversals ---- */

struct mp_entry *mp_find(struct mempool *mp, const struct hash256 *txid)
{
    return map_get(&mp->by_txid, txid, 0);
}

struct mp_entry *mp_find_wtxid(struct mempool *mp, const struct hash256 *wtxid)
{
    return map_get(&mp->by_wtxid, wtxid, 0);
}

struct mp_entry *mp_spender(struct mempool *mp, const struct outpoint *op)
{
    return map_get(&mp->by_spent, &op->txid, op->n);
}

/* Breadth-first walk over parents (up) or children (down) from the roots,
 * appending every entry reached (not the roots) once. */
static void walk(struct mempool *mp, struct mp_vec *out, struct mp_entry *const *roots, size_t n, bool up)
{
    uint64_t epoch = ++mp->epoch;
    size_t start = out->n;
    for (size_t i = 0; i < n; i++)
        roots[i]->mark = epoch;
    for (size_t i = 0; i < n; i++) {
        struct mp_entry *r = roots[i];
        struct mp_entry **next = up ? r->parents : r->children;
        size_t cnt = up ? r->parent_count : r->child_count;
        for (size_t k = 0; k < cnt; k++)
            if (next[k]->mark != epoch) {
                next[k]->mark = epoch;
                mp_vec_push(out, next[k]);
            }
    }
    for (size_t i = start; i < out->n; i++) {
        struct mp_entry *e = out->v[i];
        struct mp_entry **next = up ? e->parents : e->children;
        size_t cnt = up ? e->parent_count : e->child_count;
        for (size_t k = 0; k < cnt; k++)
            if (next[k]->mark != epoch) {
                next[k]->mark = epoch;
                mp_vec_push(out, next[k]);
            }
    }
}

void mp_ancestors(struct mempool *mp, struct mp_vec *out, struct mp_entry *e)
{
    walk(mp, out, &e, 1, true);
}

void mp_descendants(struct mempool *mp, struct mp_vec *out, struct mp_entry *const *roots, size_t n)
{
    walk(mp, out, roots, n, false);
}

/* Recomputes the cached ancestor (up) or descendant statistics of e by a
 * full walk. Chains are bounded by the limits (25 by default), so the
 * simple way is cheap enough and cannot drift. */
static void recompute(struct mempool *mp, struct mp_entry *e, bool up)
{
    struct mp_vec v = { 0 };
    walk(mp, &v, &e, 1, up);
    uint64_t count = 1;
    int64_t size = e->vsize, fees = mp_entry_modified_fee(e), sigops = e->sigop_cost;
    for (size_t i = 0; i < v.n; i++) {
        count++;
        size += v.v[i]->vsize;
        fees += mp_entry_modified_fee(v.v[i]);
        sigops += v.v[i]->sigop_cost;
    }
    if (up) {
        e->anc_count = count;
        e->anc_size = size;
        e->anc_fees = fees;
        e->anc_sigops = sigops;
    } else {
        e->desc_count = count;
        e->desc_size = size;
        e->desc_fees = fees;
    }
    mp_vec_clear(&v);
}

/* After e's links or fee changed: e and its ancestors have new descendant
 * sums, e and its descendants new ancestor sums. */
static void recompute_around(struct mempool *mp, struct mp_entry *e)
{
    struct mp_vec anc = { 0 }, desc = { 0 };
    mp_ancestors(mp, &anc, e);
    mp_descendants(mp, &desc, &e, 1);
    recompute(mp, e, true);
    recompute(mp, e, false);
    for (size_t i = 0; i < anc.n; i++)
        recompute(mp, anc.v[i], false);
    for (size_t i = 0; i < desc.n; i++)
        recompute(mp, desc.v[i], true);
    mp_vec_clear(&anc);
    mp_vec_clear(&desc);
}

static void link_push(struct mp_entry ***arr, size_t *count, size_t *cap, struct mp_entry *e)
{
    for (size_t i = 0; i < *count; i++)
        if ((*arr)[i] == e)
            return;
    if (*count == *cap) {
        *cap = *cap ? *cap * 2 : 4;
        *arr = mem_realloc(*arr, *cap * sizeof(**arr));
    }
    (*arr)[(*count)++] = e;
}

/* Drops e from a parent or child list. The links are kept in pairs (e's
 * parent lists e as a child and the other way round): e must be there. */
static void link_drop(struct mp_entry **arr, size_t *count, struct mp_entry *e)
{
    for (size_t i = 0; i < *count; i++)
        if (arr[i] == e) {
            arr[i] = arr[--*count];
            return;
        }
    HM_ASSERT(!"mempool link without its pair");
}

/* Estimated heap bytes of a transaction. */
static size_t mp_tx_usage(const struct tx *tx)
{
    size_t u = sizeof(struct mp_entry) + tx->vin_count * sizeof(struct txin) + tx->vout_count * sizeof(struct txout);
    for (size_t i = 0; i < tx->vin_count; i++) {
        u += tx->vin[i].script_sig.len + tx->vin[i].witness.count * sizeof(struct bytes);
        for (size_t k = 0; k < tx->vin[i].witness.count; k++)
            u += tx->vin[i].witness.items[k].len;
    }
    for (size_t i = 0; i < tx->vout_count; i++)
        u += tx->vout[i].script_pubkey.len;
    /* Index slots: txid, wtxid, one per input (load factor 3/4). */
    u += (2 + tx->vin_count) * sizeof(struct mp_map_slot) * 4 / 3;
    return u;
}

/* ---- adding and removing ---- */

/* Core's names (events.c has the public copy; the mempool does not depend on it). */
static const char *reason_name(enum mempool_removal_reason r)
{
    switch (r) {
    case MEMPOOL_REMOVAL_EXPIRY: return "expiry";
    case MEMPOOL_REMOVAL_SIZELIMIT: return "sizelimit";
    case MEMPOOL_REMOVAL_REORG: return "reorg";
    case MEMPOOL_REMOVAL_BLOCK: return "block";
    case MEMPOOL_REMOVAL_CONFLICT: return "conflict";
    case MEMPOOL_REMOVAL_REPLACED: return "replaced";
    }
    return "unknown";
}

void mp_add(struct mempool *mp, struct mp_entry *e)
{
    struct tx *tx = &e->tx;
    e->order = mp->order++;
    e->usage = mp_tx_usage(tx);
    if (mp->entry_count == mp->entry_cap) {
        mp->entry_cap = mp->entry_cap ? mp->entry_cap * 2 : 64;
        mp->entries = mem_realloc(mp->entries, mp->entry_cap * sizeof(*mp->entries));
    }
    e->pos = mp->entry_count;
    mp->entries[mp->entry_count++] = e;
    map_put(&mp->by_txid, &tx->txid, 0, e);
    map_put(&mp->by_wtxid, &tx->wtxid, 0, e);
    for (size_t i = 0; i < tx->vin_count; i++) {
        map_put(&mp->by_spent, &tx->vin[i].prevout.txid, tx->vin[i].prevout.n, e);
        struct mp_entry *parent = mp_find(mp, &tx->vin[i].prevout.txid);
        if (parent) {
            link_push(&e->parents, &e->parent_count, &e->parent_cap, parent);
            link_push(&parent->children, &parent->child_count, &parent->child_cap, e);
        }
    }
    /* After a reorg, entries already in the pool may spend this one. */
    for (size_t i = 0; i < tx->vout_count; i++) {
        struct outpoint op = { tx->txid, (uint32_t)i };
        struct mp_entry *child = mp_spender(mp, &op);
        if (child) {
            link_push(&e->children, &e->child_count, &e->child_cap, child);
            link_push(&child->parents, &child->parent_count, &child->parent_cap, e);
        }
    }
    mp->total_vsize += (uint64_t)e->vsize;
    mp->total_usage += e->usage;
    mp->total_fee += e->fee;
    recompute_around(mp, e);
    e->entry_seq = mp->sequence++;
    if (mp->opt.notify.tx_added)
        mp->opt.notify.tx_added(mp->opt.notify.ctx, tx, e->entry_seq);
}

void mp_remove(struct mempool *mp, struct mp_entry *const *v, size_t n, enum mempool_removal_reason reason)
{
    if (n == 0)
        return;
    for (size_t i = 0; i < n; i++)
        v[i]->staged = true;
    /* Entries outside the set whose statistics change. */
    struct mp_vec anc = { 0 }, desc = { 0 }, tmp = { 0 };
    walk(mp, &tmp, v, n, true);
    for (size_t i = 0; i < tmp.n; i++)
        if (!tmp.v[i]->staged)
            mp_vec_push(&anc, tmp.v[i]);
    tmp.n = 0;
    walk(mp, &tmp, v, n, false);
    for (size_t i = 0; i < tmp.n; i++)
        if (!tmp.v[i]->staged)
            mp_vec_push(&desc, tmp.v[i]);
    mp_vec_clear(&tmp);

    for (size_t i = 0; i < n; i++) {
        struct mp_entry *e = v[i];
        for (size_t k = 0; k < e->parent_count; k++)
            link_drop(e->parents[k]->children, &e->parents[k]->child_count, e);
        for (size_t k = 0; k < e->child_count; k++)
            link_drop(e->children[k]->parents, &e->children[k]->parent_count, e);
        e->parent_count = e->child_count = 0;
        map_del(&mp->by_txid, &e->tx.txid, 0);
        map_del(&mp->by_wtxid, &e->tx.wtxid, 0);
        for (size_t k = 0; k < e->tx.vin_count; k++) {
            const struct outpoint *op = &e->tx.vin[k].prevout;
            if (mp_spender(mp, op) == e)
                map_del(&mp->by_spent, &op->txid, op->n);
        }
        struct mp_entry *last = mp->entries[--mp->entry_count];
        mp->entries[e->pos] = last;
        last->pos = e->pos;
        mp->total_vsize -= (uint64_t)e->vsize;
        mp->total_usage -= e->usage;
        mp->total_fee -= e->fee;
        if (e->issuance)
            mp->issuance_count--;
        uint64_t seq = mp->sequence++;
        if (reason != MEMPOOL_REMOVAL_BLOCK && mp->opt.notify.tx_removed)
            mp->opt.notify.tx_removed(mp->opt.notify.ctx, &e->tx, reason, seq);
        if (log_category_enabled(LOG_MEMPOOL)) {
            char hex[65];
            hash256_to_hex(hex, &e->tx.txid);
            log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "mempool: removed %s (%s)", hex, reason_name(reason));
        }
        entry_free(e);
    }
    for (size_t i = 0; i < anc.n; i++)
        recompute(mp, anc.v[i], false);
    for (size_t i = 0; i < desc.n; i++)
        recompute(mp, desc.v[i], true);
    mp_vec_clear(&anc);
    mp_vec_clear(&desc);
}

void mp_remove_recursive(struct mempool *mp, struct mp_entry *const *v, size_t n, enum mempool_removal_reason reason)
{
    struct mp_vec all = { 0 };
    for (size_t i = 0; i < n; i++)
        mp_vec_push(&all, v[i]);
    mp_descendants(mp, &all, v, n);
    mp_remove(mp, all.v, all.n, reason);
    mp_vec_clear(&all);
}

void mempool_clear(struct mempool *mp)
{
    mp_lock(mp);
    for (size_t i = 0; i < mp->entry_count; i++)
        entry_free(mp->entries[i]);
    mp->entry_count = 0;
    mp->issuance_count = 0;
    map_free(&mp->by_txid);
    map_free(&mp->by_wtxid);
    map_free(&mp->by_spent);
    map_init(&mp->by_txid);
    map_init(&mp->by_wtxid);
    map_init(&mp->by_spent);
    mp->total_vsize = mp->total_usage = 0;
    mp->total_fee = 0;
    stash_clear(mp);
    mp->reorg_pending = false;
    mp_unlock(mp);
}

/* ---- prioritisation ---- */

static size_t delta_find(struct mempool *mp, const struct hash256 *txid)
{
    for (size_t i = 0; i < mp->delta_count; i++)
        if (hash256_eq(&mp->deltas[i].txid, txid))
            return i;
    return SIZE_MAX;
}

int64_t mp_delta_get(struct mempool *mp, const struct hash256 *txid)
{
    size_t i = delta_find(mp, txid);
    return i == SIZE_MAX ? 0 : mp->deltas[i].delta;
}

void mp_delta_remove(struct mempool *mp, const struct hash256 *txid)
{
    size_t i = delta_find(mp, txid);
    if (i != SIZE_MAX)
        mp->deltas[i] = mp->deltas[--mp->delta_count];
}

void mempool_prioritise(struct mempool *mp, const struct hash256 *txid, int64_t delta)
{
    mp_lock(mp);
    size_t i = delta_find(mp, txid);
    if (i == SIZE_MAX) {
        if (mp->delta_count == mp->delta_cap) {
            mp->delta_cap = mp->delta_cap ? mp->delta_cap * 2 : 8;
            mp->deltas = mem_realloc(mp->deltas, mp->delta_cap * sizeof(*mp->deltas));
        }
        i = mp->delta_count++;
        mp->deltas[i].txid = *txid;
        mp->deltas[i].delta = 0;
    }
    mp->deltas[i].delta += delta;
    int64_t total = mp->deltas[i].delta;
    if (total == 0)
        mp->deltas[i] = mp->deltas[--mp->delta_count];
    struct mp_entry *e = mp_find(mp, txid);
    if (e) {
        e->fee_delta = total;
        recompute_around(mp, e);
    }
    mp_unlock(mp);
}

int64_t mempool_fee_delta(struct mempool *mp, const struct hash256 *txid)
{
    mp_lock(mp);
    int64_t d = mp_delta_get(mp, txid);
    mp_unlock(mp);
    return d;
}

void mempool_deltas(struct mempool *mp, struct mempool_delta **deltas, size_t *count)
{
    mp_lock(mp);
    *count = mp->delta_count;
    *deltas = mp->delta_count ? mem_alloc(mp->delta_count * sizeof(**deltas)) : NULL;
    for (size_t i = 0; i < mp->delta_count; i++) {
        (*deltas)[i].txid = mp->deltas[i].txid;
        (*deltas)[i].delta = mp->deltas[i].delta;
    }
    mp_unlock(mp);
}

/* ---- size limit, rolling minimum fee, expiry ---- */

int64_t mp_min_fee(struct mempool *mp)
{
    if (!mp->block_since_bump || mp->rolling_min_fee == 0)
        return llround(mp->rolling_min_fee);
    int64_t now = mp_now(mp);
    if (now > mp->last_rolling_update + 10) {
        double halflife = MEMPOOL_ROLLING_FEE_HALFLIFE;
        /* Decay faster while the pool is far below its limit. */
        if (mp->total_usage < mp->opt.max_size_bytes / 4)
            halflife /= 4;
        else if (mp->total_usage < mp->opt.max_size_bytes / 2)
            halflife /= 2;
        mp->rolling_min_fee /= pow(2.0, (double)(now - mp->last_rolling_update) / halflife);
        mp->last_rolling_update = now;
        if (mp->rolling_min_fee < (double)mp->opt.incremental_relay_feerate / 2) {
            mp->rolling_min_fee = 0;
            return 0;
        }
    }
    int64_t r = llround(mp->rolling_min_fee);
    return r > mp->opt.incremental_relay_feerate ? r : mp->opt.incremental_relay_feerate;
}

int64_t mempool_min_fee(struct mempool *mp)
{
    mp_lock(mp);
    int64_t r = mp_min_fee(mp);
    mp_unlock(mp);
    return r;
}

/* Core's descendant score: the higher of the entry's own fee rate and its
 * package-with-descendants fee rate. Out: fee and size of that choice. */
static void descendant_score(const struct mp_entry *e, double *fee, double *size)
{
    double f1 = (double)mp_entry_modified_fee(e) * (double)e->desc_size;
    double f2 = (double)e->desc_fees * (double)e->vsize;
    if (f2 > f1) {
        *fee = (double)e->desc_fees;
        *size = (double)e->desc_size;
    } else {
        *fee = (double)mp_entry_modified_fee(e);
        *size = (double)e->vsize;
    }
}

/* True if a sorts before b (a is evicted first): lower score, ties to the newer. */
static bool evict_before(const struct mp_entry *a, const struct mp_entry *b)
{
    double af, as, bf, bs;
    descendant_score(a, &af, &as);
    descendant_score(b, &bf, &bs);
    double f1 = af * bs, f2 = as * bf;
    if (f1 == f2)
        return a->time >= b->time;
    return f1 < f2;
}

static size_t trim_to_size(struct mempool *mp, uint64_t limit)
{
    size_t removed = 0;
    while (mp->entry_count > 0 && mp->total_usage > limit) {
        struct mp_entry *worst = mp->entries[0];
        for (size_t i = 1; i < mp->entry_count; i++)
            if (evict_before(mp->entries[i], worst))
                worst = mp->entries[i];
        /* The new floor: the evicted package's fee rate plus the incremental
         * rate, so the same transactions cannot come straight back. */
        int64_t rate = worst->desc_size > 0 ? worst->desc_fees * 1000 / worst->desc_size : 0;
        rate += mp->opt.incremental_relay_feerate;
        if ((double)rate > mp->rolling_min_fee) {
            mp->rolling_min_fee = (double)rate;
            mp->block_since_bump = false;
        }
        struct mp_vec stage = { 0 };
        mp_vec_push(&stage, worst);
        mp_descendants(mp, &stage, &worst, 1);
        removed += stage.n;
        mp_remove(mp, stage.v, stage.n, MEMPOOL_REMOVAL_SIZELIMIT);
        mp_vec_clear(&stage);
    }
    if (removed)
        log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "mempool: removed %zu transactions (size limit)", removed);
    return removed;
}

static size_t expire(struct mempool *mp, int64_t cutoff)
{
    struct mp_vec old = { 0 };
    for (size_t i = 0; i < mp->entry_count; i++)
        if (mp->entries[i]->time < cutoff)
            mp_vec_push(&old, mp->entries[i]);
    struct mp_vec all = { 0 };
    for (size_t i = 0; i < old.n; i++) {
        old.v[i]->staged = true;
        mp_vec_push(&all, old.v[i]);
    }
    struct mp_vec desc = { 0 };
    mp_descendants(mp, &desc, old.v, old.n);
    for (size_t i = 0; i < desc.n; i++)
        if (!desc.v[i]->staged)
            mp_vec_push(&all, desc.v[i]);
    for (size_t i = 0; i < old.n; i++)
        old.v[i]->staged = false;
    size_t n = all.n;
    mp_remove(mp, all.v, all.n, MEMPOOL_REMOVAL_EXPIRY);
    mp_vec_clear(&old);
    mp_vec_clear(&desc);
    mp_vec_clear(&all);
    return n;
}

size_t mp_limit_size(struct mempool *mp)
{
    size_t n = expire(mp, mp_now(mp) - mp->opt.expiry_seconds);
    return n + trim_to_size(mp, mp->opt.max_size_bytes);
}

size_t mempool_limit_size(struct mempool *mp)
{
    mp_lock(mp);
    size_t n = mp_limit_size(mp);
    mp_unlock(mp);
    return n;
}

size_t mempool_expire(struct mempool *mp, int64_t cutoff)
{
    mp_lock(mp);
    size_t n = expire(mp, cutoff);
    mp_unlock(mp);
    return n;
}

/* ---- queries ---- */

/* Fills info from e. */
static void mp_entry_info(struct mempool *mp, struct mempool_entry_info *info, struct mp_entry *e)
{
    memset(info, 0, sizeof(*info));
    info->txid = e->tx.txid;
    info->wtxid = e->tx.wtxid;
    info->fee = e->fee;
    info->modified_fee = mp_entry_modified_fee(e);
    info->vsize = e->vsize;
    info->weight = e->weight;
    info->time = e->time;
    info->height = e->height;
    info->ancestor_count = e->anc_count;
    info->ancestor_size = e->anc_size;
    info->ancestor_fees = e->anc_fees;
    info->descendant_count = e->desc_count;
    info->descendant_size = e->desc_size;
    info->descendant_fees = e->desc_fees;
    info->sigop_cost = e->sigop_cost;
    info->entry_sequence = e->entry_seq;
    /* Core's "bip125-replaceable": signals itself or through an ancestor. */
    bool rbf = policy_signals_rbf(&e->tx);
    if (!rbf) {
        struct mp_vec anc = { 0 };
        mp_ancestors(mp, &anc, e);
        for (size_t i = 0; i < anc.n && !rbf; i++)
            rbf = policy_signals_rbf(&anc.v[i]->tx);
        mp_vec_clear(&anc);
    }
    info->bip125_replaceable = rbf;
}

void mempool_get_stats(struct mempool *mp, struct mempool_stats *out)
{
    mp_lock(mp);
    memset(out, 0, sizeof(*out));
    out->loaded = mp->loaded;
    out->size = mp->entry_count;
    out->bytes = mp->total_vsize;
    out->usage = mp->total_usage;
    out->total_fee = mp->total_fee;
    out->max_size_bytes = mp->opt.max_size_bytes;
    int64_t min = mp_min_fee(mp);
    out->min_fee = min > mp->opt.min_relay_feerate ? min : mp->opt.min_relay_feerate;
    out->min_relay_feerate = mp->opt.min_relay_feerate;
    out->incremental_relay_feerate = mp->opt.incremental_relay_feerate;
    out->full_rbf = mp->opt.full_rbf;
    out->sequence = mp->sequence;
    mp_unlock(mp);
}

bool mempool_has(struct mempool *mp, const struct hash256 *txid)
{
    mp_lock(mp);
    bool r = mp_find(mp, txid) != NULL;
    mp_unlock(mp);
    return r;
}

bool mempool_has_wtxid(struct mempool *mp, const struct hash256 *wtxid)
{
    mp_lock(mp);
    bool r = mp_find_wtxid(mp, wtxid) != NULL;
    mp_unlock(mp);
    return r;
}

size_t mempool_size(struct mempool *mp)
{
    mp_lock(mp);
    size_t n = mp->entry_count;
    mp_unlock(mp);
    return n;
}

uint64_t mempool_sequence(struct mempool *mp)
{
    mp_lock(mp);
    uint64_t s = mp->sequence;
    mp_unlock(mp);
    return s;
}

bool mempool_entry_get(struct mempool *mp, struct mempool_entry_info *info, const struct hash256 *txid)
{
    mp_lock(mp);
    struct mp_entry *e = mp_find(mp, txid);
    if (e)
        mp_entry_info(mp, info, e);
    mp_unlock(mp);
    return e != NULL;
}

bool mempool_tx_get(struct mempool *mp, struct tx *out, const struct hash256 *txid)
{
    mp_lock(mp);
    struct mp_entry *e = mp_find(mp, txid);
    if (e)
        tx_copy(out, &e->tx);
    mp_unlock(mp);
    return e != NULL;
}

static int cmp_order(const void *a, const void *b)
{
    const struct mp_entry *x = *(const struct mp_entry *const *)a, *y = *(const struct mp_entry *const *)b;
    return x->order < y->order ? -1 : x->order > y->order;
}

struct mp_entry **mp_entries_sorted(struct mempool *mp, int (*cmp)(const void *, const void *))
{
    struct mp_entry **v = mem_alloc((mp->entry_count ? mp->entry_count : 1) * sizeof(*v));
    if (mp->entry_count) {
        memcpy(v, mp->entries, mp->entry_count * sizeof(*v));
        qsort(v, mp->entry_count, sizeof(*v), cmp);
    }
    return v;
}

/* The entries in entry order (a fresh array: mem_free it). */
static struct mp_entry **sorted_entries(struct mempool *mp)
{
    return mp_entries_sorted(mp, cmp_order);
}

void mempool_txids(struct mempool *mp, struct hash256 **txids, size_t *count, uint64_t *sequence)
{
    mp_lock(mp);
    struct mp_entry **v = sorted_entries(mp);
    *count = mp->entry_count;
    *txids = mem_alloc((mp->entry_count ? mp->entry_count : 1) * sizeof(**txids));
    for (size_t i = 0; i < mp->entry_count; i++)
        (*txids)[i] = v[i]->tx.txid;
    if (sequence)
        *sequence = mp->sequence;
    mem_free(v);
    mp_unlock(mp);
}

bool mempool_related(struct mempool *mp, struct hash256 **txids, size_t *count, const struct hash256 *txid,
                     enum mempool_relation rel)
{
    *txids = NULL;
    *count = 0;
    mp_lock(mp);
    struct mp_entry *e = mp_find(mp, txid);
    if (e == NULL) {
        mp_unlock(mp);
        return false;
    }
    struct mp_vec v = { 0 };
    switch (rel) {
    case MEMPOOL_PARENTS:
        for (size_t i = 0; i < e->parent_count; i++)
            mp_vec_push(&v, e->parents[i]);
        break;
    case MEMPOOL_CHILDREN:
        for (size_t i = 0; i < e->child_count; i++)
            mp_vec_push(&v, e->children[i]);
        break;
    case MEMPOOL_ANCESTORS:
        mp_ancestors(mp, &v, e);
        break;
    case MEMPOOL_DESCENDANTS:
        mp_descendants(mp, &v, &e, 1);
        break;
    }
    *txids = mem_alloc((v.n ? v.n : 1) * sizeof(**txids));
    for (size_t i = 0; i < v.n; i++)
        (*txids)[i] = v.v[i]->tx.txid;
    *count = v.n;
    mp_vec_clear(&v);
    mp_unlock(mp);
    return true;
}

void mempool_each(struct mempool *mp, void (*fn)(void *arg, const struct mempool_entry_info *info, const struct tx *tx),
                  void *arg)
{
    mp_lock(mp);
    struct mp_entry **v = sorted_entries(mp);
    size_t n = mp->entry_count;
    for (size_t i = 0; i < n; i++) {
        struct mempool_entry_info info;
        mp_entry_info(mp, &info, v[i]);
        fn(arg, &info, &v[i]->tx);
    }
    mem_free(v);
    mp_unlock(mp);
}

bool mempool_is_spent(struct mempool *mp, struct hash256 *spender, const struct outpoint *op)
{
    mp_lock(mp);
    struct mp_entry *e = mp_spender(mp, op);
    if (e && spender)
        *spender = e->tx.txid;
    mp_unlock(mp);
    return e != NULL;
}

bool mempool_get_output(struct mempool *mp, struct txout *out, const struct outpoint *op)
{
    mp_lock(mp);
    struct mp_entry *e = mp_find(mp, &op->txid);
    bool ok = e != NULL && op->n < e->tx.vout_count;
    if (ok) {
        out->value = e->tx.vout[op->n].value;
        memset(&out->script_pubkey, 0, sizeof(out->script_pubkey));
        bytes_set(&out->script_pubkey, e->tx.vout[op->n].script_pubkey.data, e->tx.vout[op->n].script_pubkey.len);
    }
    mp_unlock(mp);
    return ok;
}

void mempool_set_loaded(struct mempool *mp)
{
    mp_lock(mp);
    mp->loaded = true;
    mp_unlock(mp);
}
