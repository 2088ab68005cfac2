/* The node interface (net/node_iface.h) over the chainstate and the
 * mempool: see src/node/chain_iface.h. */
#include "src/node/chain_iface.h"

#include <stdlib.h>
#include <string.h>

#include "net/node_iface.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

static void info_fill(struct chain_iface_ctx *g, struct node_header_info *out, const struct block_index *bi)
{
    if (!out)
        return;
    out->hash = bi->hash;
    out->header = bi->header;
    out->height = bi->height;
    out->chain_work = bi->chain_work;
    out->have_data = (bi->status & BLOCK_HAVE_DATA) != 0;
    out->failed = (bi->status & BLOCK_FAILED_MASK) != 0;
    out->in_active_chain = chainstate_in_active_chain(g->cs, bi);
}

static int32_t gi_tip(void *ctx, struct hash256 *hash, struct arith256 *work)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *t = chainstate_tip(g->cs);
    int32_t h = -1;
    if (t) {
        h = t->height;
        if (hash)
            *hash = t->hash;
        if (work)
            *work = t->chain_work;
    } else {
        if (hash)
            memset(hash, 0, sizeof(*hash));
        if (work)
            arith256_set_u64(work, 0);
    }
    chainstate_unlock(g->cs);
    return h;
}

static bool gi_best_header(void *ctx, struct node_header_info *out)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_best_header(g->cs);
    if (b)
        info_fill(g, out, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}

static bool gi_header_info(void *ctx, struct node_header_info *out, const struct hash256 *hash)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    if (b)
        info_fill(g, out, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}

static bool gi_ancestor(void *ctx, struct node_header_info *out, const struct hash256 *hash, int32_t height)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    struct block_index *a = b ? block_index_get_ancestor(b, height) : NULL;
    if (a)
        info_fill(g, out, a);
    chainstate_unlock(g->cs);
    return a != NULL;
}

static bool gi_fork_point(void *ctx, struct node_header_info *out, const struct hash256 *hash)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    struct block_index *f = b ? chainstate_find_fork(g->cs, b) : NULL;
    if (f)
        info_fill(g, out, f);
    chainstate_unlock(g->cs);
    return f != NULL;
}

static size_t gi_window(void *ctx, struct node_block_status *out, const struct hash256 *hash, int32_t from, int32_t to)
{
    struct chain_iface_ctx *g = ctx;
    size_t n = 0;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    if (b && to > b->height)
        to = b->height;
    if (b && from >= 0 && from <= to) {
        n = (size_t)(to - from + 1);
        size_t i = n;
        for (struct block_index *a = block_index_get_ancestor(b, to); a && i > 0; a = a->prev) {
            i--;
            out[i].hash = a->hash;
            out[i].have_data = (a->status & BLOCK_HAVE_DATA) != 0;
            out[i].failed = (a->status & BLOCK_FAILED_MASK) != 0;
            out[i].in_active_chain = chainstate_in_active_chain(g->cs, a);
        }
    }
    chainstate_unlock(g->cs);
    return n;
}

static bool gi_locator(void *ctx, struct hash256 **hashes, size_t *count, const struct hash256 *from)
{
    struct chain_iface_ctx *g = ctx;
    *hashes = NULL;
    *count = 0;
    chainstate_lock(g->cs);
    struct block_index *b = from ? chainstate_lookup(g->cs, from) : chainstate_tip(g->cs);
    if (b)
        block_index_locator(hashes, count, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}

static size_t gi_headers_after_locator(void *ctx, struct block_header *out, size_t max, const struct hash256 *locator,
                                       size_t count, const struct hash256 *hash_stop)
{
    struct chain_iface_ctx *g = ctx;
    if (max > NODE_MAX_HEADERS_RESULTS)
        max = NODE_MAX_HEADERS_RESULTS;
    bool have_stop = hash_stop && !hash256_is_zero(hash_stop);
    size_t n = 0;
    chainstate_lock(g->cs);
    struct block_index *start = NULL;
    if (count == 0) {
        /* Core: an empty locator asks for the one header hash_stop. */
        struct block_index *b = have_stop ? chainstate_lookup(g->cs, hash_stop) : NULL;
        if (b && max > 0)
            out[n++] = b->header;
        chainstate_unlock(g->cs);
        return n;
    }
    for (size_t i = 0; i < count && !start; i++) {
        struct block_index *b = chainstate_lookup(g->cs, &locator[i]);
        if (b && chainstate_in_active_chain(g->cs, b))
            start = b;
    }
    if (!start)
        start = chainstate_at_height(g->cs, 0);
    for (struct block_index *b = start ? chainstate_next(g->cs, start) : NULL; b && n < max;
         b = chainstate_next(g->cs, b)) {
        out[n++] = b->header;
        if (have_stop && hash256_eq(&b->hash, hash_stop))
            break;
    }
    chainstate_unlock(g->cs);
    return n;
}

static bool gi_accept_headers(void *ctx, struct val_state *st, struct node_header_info *last,
                              const struct block_header *headers, size_t count, const struct arith256 *min_work)
{
    struct chain_iface_ctx *g = ctx;
    val_state_init(st);
    if (count == 0)
        return true;
    chainstate_lock(g->cs);
    if (min_work) {
        /* Second line of defence against low-work header spam: add up the
         * work of the batch on top of its (known) parent before storing. */
        struct block_index *parent = chainstate_lookup(g->cs, &headers[0].prev_hash);
        if (!parent) {
            chainstate_unlock(g->cs);
            return val_invalid(st, VAL_BLOCK_MISSING_PREV, "prev-blk-not-found");
        }
        struct arith256 work = parent->chain_work, w;
        for (size_t i = 0; i < count; i++) {
            arith256_work_from_compact(&w, headers[i].bits);
            arith256_add(&work, &work, &w);
        }
        if (arith256_cmp(&work, min_work) < 0) {
            chainstate_unlock(g->cs);
            return val_invalid(st, VAL_BLOCK_HEADER_LOW_WORK, "too-little-chainwork");
        }
    }
    struct block_index *l = NULL;
    bool ok = chainstate_process_headers(g->cs, st, &l, headers, count);
    if (ok && l)
        info_fill(g, last, l);
    chainstate_unlock(g->cs);
    return ok;
}

static enum node_block_result gi_process_block(void *ctx, struct val_state *st, const struct block *b, bool requested,
                                               bool min_pow_checked)
{
    struct chain_iface_ctx *g = ctx;
    bool is_new = false;
    val_state_init(st);
    /* One lock around the call and the look at what it did (the lock is recursive). */
    chainstate_lock(g->cs);
    bool ok = requested ? chainstate_process_new_block(g->cs, st, &is_new, b, true)
                        : chainstate_process_unrequested_block(g->cs, st, &is_new, b, min_pow_checked);
    enum node_block_result r;
    if (ok) {
        if (st->mode == VAL_INVALID) {
            r = NODE_BLOCK_INVALID; /* stored, then failed while connecting */
        } else if (is_new) {
            r = NODE_BLOCK_NEW;
        } else {
            struct hash256 h;
            block_header_hash(&h, &b->header);
            struct block_index *bi = chainstate_lookup(g->cs, &h);
            r = bi && (bi->status & BLOCK_HAVE_DATA) ? NODE_BLOCK_DUPLICATE : NODE_BLOCK_IGNORED;
        }
    } else if (st->mode == VAL_ERROR || st->result == VAL_BLOCK_MISSING_PREV || st->result == VAL_BLOCK_TIME_FUTURE) {
        r = NODE_BLOCK_ERROR;
    } else {
        r = NODE_BLOCK_INVALID;
    }
    chainstate_unlock(g->cs);
    return r;
}

static bool gi_read_block_raw(void *ctx, uint8_t **data, size_t *len, const struct hash256 *hash)
{
    struct chain_iface_ctx *g = ctx;
    *data = NULL;
    *len = 0;
    struct block_index *b = chainstate_lookup(g->cs, hash);
    return b && chainstate_read_block_raw(g->cs, data, len, b);
}

static bool gi_is_ibd(void *ctx)
{
    struct chain_iface_ctx *g = ctx;
    return chainstate_is_initial_download(g->cs);
}

static bool gi_accept_tx(void *ctx, struct val_state *st, const struct tx *tx)
{
    struct chain_iface_ctx *g = ctx;
    val_state_init(st);
    chainstate_lock(g->cs);
    bool ok = mempool_accept(g->mp, st, NULL, tx, NULL);
    chainstate_unlock(g->cs);
    return ok;
}

/* Finds the txid for a wtxid (the mempool is keyed by txid). */
struct wtxid_find {
    const struct hash256 *wtxid;
    struct hash256 txid;
    bool found;
};

static void find_wtxid(void *arg, const struct mempool_entry_info *info, const struct tx *tx)
{
    struct wtxid_find *f = arg;
    (void)tx;
    if (!f->found && hash256_eq(&info->wtxid, f->wtxid)) {
        f->txid = info->txid;
        f->found = true;
    }
}

static bool gi_have_tx(void *ctx, const struct hash256 *id, bool is_wtxid)
{
    struct chain_iface_ctx *g = ctx;
    chainstate_lock(g->cs);
    bool r = is_wtxid ? mempool_has_wtxid(g->mp, id) : mempool_has(g->mp, id);
    chainstate_unlock(g->cs);
    return r;
}

static bool gi_get_tx_raw(void *ctx, uint8_t **data, size_t *len, int64_t *fee_out, int64_t *vsize_out,
                          const struct hash256 *id, bool is_wtxid, bool with_witness)
{
    struct chain_iface_ctx *g = ctx;
    *data = NULL;
    *len = 0;
    chainstate_lock(g->cs);
    struct hash256 txid = *id;
    bool ok = true;
    if (is_wtxid) {
        if (!mempool_has_wtxid(g->mp, id)) {
            ok = false;
        } else if (mempool_has(g->mp, id)) {
            txid = *id; /* no witness: wtxid == txid */
        } else {
            /* TODO(perf): the mempool has no wtxid -> txid lookup; this walks it. */
            struct wtxid_find f = { .wtxid = id, .found = false };
            mempool_each(g->mp, find_wtxid, &f);
            ok = f.found;
            txid = f.txid;
        }
    }
    struct tx tx;
    tx_init(&tx);
    struct mempool_entry_info info;
    if (ok)
        ok = mempool_entry_get(g->mp, &info, &txid) && mempool_tx_get(g->mp, &tx, &txid);
    chainstate_unlock(g->cs);
    if (!ok) {
        tx_clear(&tx);
        return false;
    }
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, &tx, with_witness);
    tx_clear(&tx);
    *data = wbuf_detach(&w, len);
    if (fee_out)
        *fee_out = info.modified_fee;
    if (vsize_out)
        *vsize_out = info.vsize;
    return true;
}

static void gi_fee_info(void *ctx, struct node_fee_info *out)
{
    struct chain_iface_ctx *g = ctx;
    struct mempool_stats s;
    chainstate_lock(g->cs);
    mempool_get_stats(g->mp, &s);
    chainstate_unlock(g->cs);
    out->min_fee = s.min_fee;
    out->min_relay_feerate = s.min_relay_feerate;
    out->incremental_relay_feerate = s.incremental_relay_feerate;
}

struct mempool_list {
    struct node_mempool_tx *v;
    size_t n, cap;
};

static void list_one(void *arg, const struct mempool_entry_info *info, const struct tx *tx)
{
    struct mempool_list *l = arg;
    (void)tx;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 256;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = (struct node_mempool_tx){
        .txid = info->txid, .wtxid = info->wtxid, .fee = info->modified_fee, .vsize = info->vsize
    };
}

/* Highest fee rate first: fee_a / vsize_a > fee_b / vsize_b, compared without division. */
static int cmp_mempool_feerate_desc(const void *a, const void *b)
{
    const struct node_mempool_tx *x = a, *y = b;
    __int128 l = (__int128)x->fee * (y->vsize > 0 ? y->vsize : 1);
    __int128 r = (__int128)y->fee * (x->vsize > 0 ? x->vsize : 1);
    return l > r ? -1 : l < r ? 1 : 0;
}

static size_t gi_list_mempool(void *ctx, struct node_mempool_tx **out, size_t *count, size_t max)
{
    struct chain_iface_ctx *g = ctx;
    struct mempool_list l = { 0 };
    if (max > NODE_MEMPOOL_LIST_MAX)
        max = NODE_MEMPOOL_LIST_MAX;
    /* The mempool itself is bounded by -maxmempool, so the full copy is too; sort and trim after the lock. */
    chainstate_lock(g->cs);
    mempool_each(g->mp, list_one, &l);
    chainstate_unlock(g->cs);
    size_t total = l.n;
    if (l.n > max) {
        qsort(l.v, l.n, sizeof(*l.v), cmp_mempool_feerate_desc);
        l.n = max;
    }
    if (l.n == 0) {
        mem_free(l.v);
        l.v = NULL;
    }
    *out = l.v;
    *count = l.n;
    return total;
}

struct scan_ctx {
    void (*fn)(void *arg, const struct tx *tx);
    void *arg;
};

static void scan_one(void *arg, const struct mempool_entry_info *info, const struct tx *tx)
{
    struct scan_ctx *c = arg;
    (void)info;
    c->fn(c->arg, tx);
}

static void gi_mempool_scan(void *ctx, void (*fn)(void *arg, const struct tx *tx), void *arg)
{
    struct chain_iface_ctx *g = ctx;
    struct scan_ctx c = { .fn = fn, .arg = arg };
    chainstate_lock(g->cs);
    mempool_each(g->mp, scan_one, &c);
    chainstate_unlock(g->cs);
}

void chain_iface_init(struct node_iface *out, struct chain_iface_ctx *c, const struct chain_params *params)
{
    *out = (struct node_iface){
        .ctx = c,
        .params = params,
        .tip = gi_tip,
        .best_header = gi_best_header,
        .header_info = gi_header_info,
        .ancestor = gi_ancestor,
        .fork_point = gi_fork_point,
        .window = gi_window,
        .locator = gi_locator,
        .headers_after_locator = gi_headers_after_locator,
        .accept_headers = gi_accept_headers,
        .process_block = gi_process_block,
        .read_block_raw = gi_read_block_raw,
        .is_initial_download = gi_is_ibd,
        .accept_tx = gi_accept_tx,
        .have_tx = gi_have_tx,
        .get_tx_raw = gi_get_tx_raw,
        .fee_info = gi_fee_info,
        .list_mempool = gi_list_mempool,
        .mempool_scan = gi_mempool_scan,
    };
}
