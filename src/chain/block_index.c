/* The in-memory block tree: entries in an open-addressing hash map keyed by
 * block hash, each linked to its parent with a Core-style skip pointer so
 * ancestor lookups take O(log n) steps. */
#include "src/chain/block_index.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/pow.h"
#include "src/util/alloc.h"
#include "src/util/check.h"
#include "src/util/endian.h"

bool block_index_is_valid(const struct block_index *bi, uint32_t level)
{
    if (bi->status & BLOCK_FAILED_MASK)
        return false;
    return (bi->status & BLOCK_VALID_MASK) >= level;
}

bool block_index_raise_validity(struct block_index *bi, uint32_t level)
{
    if (bi->status & BLOCK_FAILED_MASK)
        return false;
    if ((bi->status & BLOCK_VALID_MASK) < level) {
        bi->status = (bi->status & ~(uint32_t)BLOCK_VALID_MASK) | level;
        return true;
    }
    return false;
}

/* Core's skip heights: every block points back to a height that makes the
 * walk in get_ancestor logarithmic. */
static int32_t invert_lowest_one(int32_t n) { return n & (n - 1); }

static int32_t skip_height(int32_t height)
{
    if (height < 2)
        return 0;
    return (height & 1) ? invert_lowest_one(invert_lowest_one(height - 1)) + 1 : invert_lowest_one(height);
}

struct block_index *block_index_get_ancestor(const struct block_index *bi, int32_t height)
{
    if (!bi || height > bi->height || height < 0)
        return NULL;
    const struct block_index *walk = bi;
    int32_t hwalk = bi->height;
    while (hwalk > height) {
        int32_t hskip = skip_height(hwalk);
        int32_t hskip_prev = skip_height(hwalk - 1);
        if (walk->skip && (hskip == height || (hskip > height && !(hskip_prev < hskip - 2 && hskip_prev >= height)))) {
            walk = walk->skip;
            hwalk = hskip;
        } else {
            walk = walk->prev;
            hwalk--;
        }
        if (!walk)
            return NULL;
        HM_ASSERT(walk->height == hwalk); /* prev and skip pointers agree with the heights */
    }
    return (struct block_index *)walk;
}

static void build_skip(struct block_index *bi)
{
    HM_ASSERT(!bi->prev || bi->height == bi->prev->height + 1);
    bi->skip = bi->prev ? block_index_get_ancestor(bi->prev, skip_height(bi->height)) : NULL;
}

int64_t block_index_median_time_past(const struct block_index *bi)
{
    int64_t times[11];
    size_t n = 0;
    for (const struct block_index *w = bi; w && n < 11; w = w->prev)
        times[n++] = w->header.time;
    return block_median_time_past(times, n);
}

void block_index_prev_context(struct block_prev_context *ctx, const struct block_index *bi, const struct chain_params *p)
{
    memset(ctx, 0, sizeof(*ctx));
    ctx->height = bi->height;
    ctx->bits = bi->header.bits;
    ctx->time = bi->header.time;
    ctx->median_time_past = block_index_median_time_past(bi);
    int32_t first = pow_period_first_height(p, bi->height);
    if (first >= 0) {
        const struct block_index *f = block_index_get_ancestor(bi, first);
        ctx->period_first_time = f ? f->header.time : 0;
    }
}

uint32_t block_index_next_bits(const struct block_index *prev, const struct chain_params *p)
{
    struct block_prev_context ctx;
    block_index_prev_context(&ctx, prev, p);
    return pow_next_work_required(p, ctx.height, ctx.bits, ctx.time, ctx.period_first_time);
}

struct block_index *block_index_last_common_ancestor(struct block_index *a, struct block_index *b)
{
    if (!a || !b)
        return NULL;
    if (a->height > b->height)
        a = block_index_get_ancestor(a, b->height);
    else if (b->height > a->height)
        b = block_index_get_ancestor(b, a->height);
    while (a != b && a && b) {
        a = a->prev;
        b = b->prev;
    }
    return a == b ? a : NULL;
}

/* ---- the map ---- */

struct block_map {
    struct block_index **slots; /* open addressing, linear probing; NULL = empty */
    size_t cap;                 /* power of two */
    size_t count;
    struct block_index **dirty; /* entries with dirty set, each once */
    size_t ndirty, capdirty;
};

static size_t slot_of(const struct hash256 *h, size_t cap)
{
    /* Block hashes are uniformly random in their low bytes (proof of work
     * zeroes the high ones), so the first 8 bytes are a good hash. */
    uint64_t k = le64_read(h->b);
    k ^= k >> 29;
    k *= UINT64_C(0xbf58476d1ce4e5b9);
    k ^= k >> 32;
    return (size_t)k & (cap - 1);
}

struct block_map *block_map_new(void)
{
    struct block_map *m = mem_calloc(1, sizeof(*m));
    m->cap = 1024;
    m->slots = mem_calloc(m->cap, sizeof(*m->slots));
    return m;
}

void block_map_free(struct block_map *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->cap; i++)
        mem_free(m->slots[i]);
    mem_free(m->slots);
    mem_free(m->dirty);
    mem_free(m);
}

struct block_index *block_map_find(const struct block_map *m, const struct hash256 *hash)
{
    size_t i = slot_of(hash, m->cap);
    while (m->slots[i]) {
        if (hash256_eq(&m->slots[i]->hash, hash))
            return m->slots[i];
        i = (i + 1) & (m->cap - 1);
    }
    return NULL;
}

static void grow(struct block_map *m)
{
    size_t ncap = m->cap * 2;
    struct block_index **ns = mem_calloc(ncap, sizeof(*ns));
    for (size_t i = 0; i < m->cap; i++) {
        struct block_index *e = m->slots[i];
        if (!e)
            continue;
        size_t j = slot_of(&e->hash, ncap);
        while (ns[j])
            j = (j + 1) & (ncap - 1);
        ns[j] = e;
    }
    mem_free(m->slots);
    m->slots = ns;
    m->cap = ncap;
}

/* Adds a fresh entry for hash (which must not be present). */
static struct block_index *add_entry(struct block_map *m, const struct hash256 *hash)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        grow(m);
    struct block_index *e = mem_calloc(1, sizeof(*e));
    e->hash = *hash;
    e->file = -1;
    size_t i = slot_of(hash, m->cap);
    while (m->slots[i])
        i = (i + 1) & (m->cap - 1);
    m->slots[i] = e;
    m->count++;
    return e;
}

/* Fills the derived fields of an entry whose prev link is set. */
static void compute_derived(struct block_index *e)
{
    struct arith256 work;
    arith256_work_from_compact(&work, e->header.bits);
    if (e->prev) {
        e->height = e->prev->height + 1;
        arith256_add(&e->chain_work, &e->prev->chain_work, &work);
        e->time_max = e->prev->time_max > e->header.time ? e->prev->time_max : e->header.time;
    } else {
        e->height = 0;
        e->chain_work = work;
        e->time_max = e->header.time;
    }
    build_skip(e);
}

struct block_index *block_map_insert(struct block_map *m, const struct block_header *h, bool *created)
{
    struct hash256 hash;
    block_header_hash(&hash, h);
    struct block_index *e = block_map_find(m, &hash);
    if (created)
        *created = e == NULL;
    if (e)
        return e;
    e = add_entry(m, &hash);
    e->header = *h;
    e->prev = block_map_find(m, &h->prev_hash);
    compute_derived(e);
    block_map_set_dirty(m, e);
    return e;
}

struct block_index *block_map_insert_loaded(struct block_map *m, const struct hash256 *hash)
{
    struct block_index *e = block_map_find(m, hash);
    if (e)
        return e;
    return add_entry(m, hash);
}

void block_map_set_dirty(struct block_map *m, struct block_index *bi)
{
    if (bi->dirty)
        return;
    if (m->ndirty == m->capdirty) {
        m->capdirty = m->capdirty ? m->capdirty * 2 : 64;
        m->dirty = mem_realloc(m->dirty, m->capdirty * sizeof(*m->dirty));
    }
    m->dirty[m->ndirty++] = bi;
    bi->dirty = true;
}

struct block_index *const *block_map_dirty(const struct block_map *m, size_t *count)
{
    *count = m->ndirty;
    return m->ndirty ? m->dirty : NULL;
}

void block_map_clear_dirty(struct block_map *m)
{
    for (size_t i = 0; i < m->ndirty; i++)
        m->dirty[i]->dirty = false;
    m->ndirty = 0;
}

static int cmp_height(const void *a, const void *b)
{
    const struct block_index *x = *(struct block_index *const *)a, *y = *(struct block_index *const *)b;
    return (x->height > y->height) - (x->height < y->height);
}

bool block_map_link_all(struct block_map *m, const struct hash256 *genesis_hash)
{
    struct block_index **all = mem_alloc((m->count ? m->count : 1) * sizeof(*all));
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < m->cap; i++) {
        struct block_index *e = m->slots[i];
        if (!e)
            continue;
        all[n++] = e;
        if (hash256_eq(&e->hash, genesis_hash)) {
            e->prev = NULL;
            if (e->height != 0)
                ok = false;
            continue;
        }
        e->prev = block_map_find(m, &e->header.prev_hash);
        /* The stored height must follow the parent's: this also rules out cycles. */
        if (!e->prev || e->height <= 0)
            ok = false;
    }
    if (ok) {
        qsort(all, n, sizeof(*all), cmp_height);
        for (size_t i = 0; i < n && ok; i++) {
            struct block_index *e = all[i];
            int32_t stored = e->height;
            compute_derived(e);
            if (e->height != stored) {
                ok = false;
                break;
            }
            if (e->tx_count > 0 && (!e->prev || e->prev->chain_tx > 0))
                e->chain_tx = (e->prev ? e->prev->chain_tx : 0) + e->tx_count;
            else
                e->chain_tx = 0;
        }
    }
    mem_free(all);
    return ok;
}

size_t block_map_size(const struct block_map *m) { return m->count; }

void block_map_each(const struct block_map *m, bool (*fn)(struct block_index *bi, void *arg), void *arg)
{
    for (size_t i = 0; i < m->cap; i++)
        if (m->slots[i] && !fn(m->slots[i], arg))
            return;
}

/* ---- the active chain ---- */

void active_chain_init(struct active_chain *c) { memset(c, 0, sizeof(*c)); }

void active_chain_clear(struct active_chain *c)
{
    mem_free(c->v);
    memset(c, 0, sizeof(*c));
}

void active_chain_set_tip(struct active_chain *c, struct block_index *tip)
{
    int32_t count = tip ? tip->height + 1 : 0;
    if ((size_t)count > c->cap) {
        size_t ncap = c->cap ? c->cap : 1024;
        while (ncap < (size_t)count)
            ncap *= 2;
        c->v = mem_realloc(c->v, ncap * sizeof(*c->v));
        memset(c->v + c->cap, 0, (ncap - c->cap) * sizeof(*c->v));
        c->cap = ncap;
    }
    /* Entries above the tip are cleared, so every non-NULL entry below
     * count is on one path to genesis and the walk may stop at agreement. */
    for (int32_t h = count; h < c->count; h++)
        c->v[h] = NULL;
    c->count = count;
    for (struct block_index *w = tip; w && c->v[w->height] != w; w = w->prev)
        c->v[w->height] = w;
}

struct block_index *active_chain_tip(const struct active_chain *c) { return c->count ? c->v[c->count - 1] : NULL; }

int32_t active_chain_height(const struct active_chain *c) { return c->count - 1; }

struct block_index *active_chain_at(const struct active_chain *c, int32_t height)
{
    if (height < 0 || height >= c->count)
        return NULL;
    return c->v[height];
}

bool active_chain_contains(const struct active_chain *c, const struct block_index *bi)
{
    return bi && active_chain_at(c, bi->height) == bi;
}

struct block_index *active_chain_next(const struct active_chain *c, const struct block_index *bi)
{
    if (!active_chain_contains(c, bi))
        return NULL;
    return active_chain_at(c, bi->height + 1);
}

struct block_index *active_chain_find_fork(const struct active_chain *c, const struct block_index *bi)
{
    if (!bi)
        return NULL;
    struct block_index *w = (struct block_index *)bi;
    if (w->height > active_chain_height(c))
        w = block_index_get_ancestor(w, active_chain_height(c));
    while (w && !active_chain_contains(c, w))
        w = w->prev;
    return w;
}

void block_index_locator(struct hash256 **hashes, size_t *count, const struct block_index *bi)
{
    size_t cap = 48, n = 0;
    struct hash256 *v = mem_alloc(cap * sizeof(*v));
    int32_t step = 1;
    while (bi) {
        if (n == cap) {
            cap *= 2;
            v = mem_realloc(v, cap * sizeof(*v));
        }
        v[n++] = bi->hash;
        if (bi->height == 0)
            break;
        int32_t h = bi->height - step;
        if (h < 0)
            h = 0;
        bi = block_index_get_ancestor(bi, h);
        if (n > 10)
            step *= 2;
    }
    *hashes = v;
    *count = n;
}
