/* hashmintd's P2P wiring: see src/node/net_glue.h. */
#include "src/node/net_glue.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "net/messages.h"
#include "net/addrrelay.h"
#include "net/connman.h"
#include "net/node_iface.h"
#include "net/sync.h"
#include "net/txrelay.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/node/args.h"
#include "src/rpc/rpc_net.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* An owned copy of a multi-valued option (args_get_all's strings are borrowed only until the next call). */
struct str_list {
    char **v;
    size_t n;
};

struct net_glue {
    struct net_glue_chain chain; /* the node_iface's ctx */
    struct events *ev;
    int sub_id;
    struct node_iface iface;
    struct connman *cm;
    struct net_sync *sync;
    struct txrelay *relay;
    struct addrrelay *addr;
    struct rpc_net rpc; /* what the network RPCs see */
    struct str_list binds, whitebinds, whitelist, connect, addnodes, seednodes;
};

/* ---- node_iface over the chainstate and mempool ---- */

static void info_fill(struct net_glue_chain *g, struct node_header_info *out, const struct block_index *bi)
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
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_best_header(g->cs);
    if (b)
        info_fill(g, out, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}

static bool gi_header_info(void *ctx, struct node_header_info *out, const struct hash256 *hash)
{
    struct net_glue_chain *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    if (b)
        info_fill(g, out, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}

static bool gi_ancestor(void *ctx, struct node_header_info *out, const struct hash256 *hash, int32_t height)
{
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    struct block_index *f = b ? chainstate_find_fork(g->cs, b) : NULL;
    if (f)
        info_fill(g, out, f);
    chainstate_unlock(g->cs);
    return f != NULL;
}

static bool gi_locator(void *ctx, struct hash256 **hashes, size_t *count, const struct hash256 *from)
{
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
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

static enum node_block_result gi_process_block(void *ctx, struct val_state *st, const struct block *b)
{
    struct net_glue_chain *g = ctx;
    bool is_new = false;
    val_state_init(st);
    bool ok = chainstate_process_new_block(g->cs, st, &is_new, b, true);
    if (ok) {
        if (st->mode == VAL_INVALID)
            return NODE_BLOCK_INVALID; /* stored, then failed while connecting */
        return is_new ? NODE_BLOCK_NEW : NODE_BLOCK_DUPLICATE;
    }
    if (st->mode == VAL_ERROR || st->result == VAL_BLOCK_MISSING_PREV || st->result == VAL_BLOCK_TIME_FUTURE)
        return NODE_BLOCK_ERROR;
    return NODE_BLOCK_INVALID;
}

static bool gi_read_block_raw(void *ctx, uint8_t **data, size_t *len, const struct hash256 *hash)
{
    struct net_glue_chain *g = ctx;
    *data = NULL;
    *len = 0;
    struct block_index *b = chainstate_lookup(g->cs, hash);
    return b && chainstate_read_block_raw(g->cs, data, len, b);
}

static bool gi_is_ibd(void *ctx)
{
    struct net_glue_chain *g = ctx;
    return chainstate_is_initial_download(g->cs);
}

static bool gi_accept_tx(void *ctx, struct val_state *st, const struct tx *tx)
{
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
    chainstate_lock(g->cs);
    bool r = is_wtxid ? mempool_has_wtxid(g->mp, id) : mempool_has(g->mp, id);
    chainstate_unlock(g->cs);
    return r;
}

static bool gi_get_tx_raw(void *ctx, uint8_t **data, size_t *len, int64_t *fee_out, int64_t *vsize_out,
                          const struct hash256 *id, bool is_wtxid, bool with_witness)
{
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
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
    struct net_glue_chain *g = ctx;
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

void net_glue_iface_init(struct node_iface *out, struct net_glue_chain *c, const struct chain_params *params)
{
    *out = (struct node_iface){
        .ctx = c,
        .params = params,
        .tip = gi_tip,
        .best_header = gi_best_header,
        .header_info = gi_header_info,
        .ancestor = gi_ancestor,
        .fork_point = gi_fork_point,
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
    };
}

/* ---- chain events -> net ---- */

static void ev_updated_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork,
                           bool initial_download)
{
    struct net_glue *g = ctx;
    (void)fork;
    if (new_tip)
        net_sync_new_tip(g->sync, &new_tip->hash, new_tip->height, initial_download);
}

static void ev_block_invalid(void *ctx, const struct block_index *idx, const struct val_state *st)
{
    struct net_glue *g = ctx;
    net_sync_block_invalid(g->sync, &idx->hash, st);
}

static void ev_tx_added(void *ctx, const struct tx *tx, uint64_t mempool_sequence)
{
    struct net_glue *g = ctx;
    (void)mempool_sequence;
    int64_t fee = 0, vsize = (int64_t)tx_vsize(tx);
    struct mempool_entry_info info;
    /* The chain lock is held here (events rule), so the entry lookup is consistent. */
    if (mempool_entry_get(g->chain.mp, &info, &tx->txid)) {
        fee = info.modified_fee;
        vsize = info.vsize;
    }
    txrelay_tx_added(g->relay, &tx->txid, &tx->wtxid, fee, vsize);
}

/* ---- connman callbacks: sync and relay behind one set ---- */

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void punish_peer(void *ctx, struct peer *p, const char *reason)
{
    struct net_glue *g = ctx;
    /* Core's Misbehaving line, then MaybeDiscourageAndDisconnect: noban and manual peers stay, loopback
     * is not discouraged. */
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Misbehaving: peer=%lld: %s", (long long)p->id, reason);
    if (addrrelay_discourage_peer(g->addr, p, reason))
        connman_disconnect(g->cm, p, reason);
}

static void cb_connected(void *ctx, struct peer *p)
{
    struct net_glue *g = ctx;
    net_sync_peer_connected(g->sync, p);
}

static void cb_handshake_done(void *ctx, struct peer *p)
{
    struct net_glue *g = ctx;
    net_sync_peer_handshake_done(g->sync, p);
    addrrelay_peer_handshake_done(g->addr, p);
    struct txrelay_peer_opts o = {
        .inbound = p->inbound,
        .relay_txs = p->relay_txs,
        .wtxid_relay = p->wtxid_relay,
        .feefilter_ok = p->version >= NET_FEEFILTER_VERSION,
        .perm_mempool = peer_has_permission(p, PEER_PERM_MEMPOOL),
        .perm_relay = peer_has_permission(p, PEER_PERM_RELAY),
    };
    txrelay_peer_add(g->relay, p->id, &o, mono_us());
}

static void cb_disconnected(void *ctx, struct peer *p)
{
    struct net_glue *g = ctx;
    net_sync_peer_disconnected(g->sync, p);
    addrrelay_peer_disconnected(g->addr, p);
    txrelay_peer_remove(g->relay, p->id);
}

static void cb_tick(void *ctx, int64_t now_us)
{
    struct net_glue *g = ctx;
    (void)now_us;
    net_sync_tick(g->sync, mono_us());
    txrelay_tick(g->relay, mono_us());
    addrrelay_tick(g->addr, mono_us());
}

static void cb_bad_message(void *ctx, struct peer *p, const char *command)
{
    char reason[64];
    snprintf(reason, sizeof(reason), "malformed %s message", command);
    punish_peer(ctx, p, reason);
}

static bool cb_is_banned(void *ctx, const struct net_addr *a)
{
    struct net_glue *g = ctx;
    return addrrelay_is_banned(g->addr, a);
}

static bool cb_is_discouraged(void *ctx, const struct net_addr *a)
{
    struct net_glue *g = ctx;
    return addrrelay_is_discouraged(g->addr, a);
}

static bool cb_select_address(void *ctx, struct net_addr *out, bool block_relay_only)
{
    struct net_glue *g = ctx;
    return addrrelay_select_address(g->addr, out, block_relay_only);
}

static void cb_connect_failed(void *ctx, const struct net_addr *a)
{
    struct net_glue *g = ctx;
    addrrelay_connect_failed(g->addr, a);
}

static int32_t cb_start_height(void *ctx)
{
    struct net_glue *g = ctx;
    int32_t h = g->iface.tip(g->iface.ctx, NULL, NULL);
    return h < 0 ? 0 : h;
}

/* Shared commands: blocks for sync, transactions for relay. */
static bool h_inv(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    if (!net_sync_on_inv(g->sync, p, payload, len))
        return false;
    if (p->disconnect || (!p->relay_txs && p->type == PEER_BLOCK_RELAY_ONLY))
        return true; /* punished by sync (oversized), or no tx relay on this connection */
    txrelay_on_inv(g->relay, p->id, payload, len, mono_us());
    return true;
}

/* getdata: the sync layer queues every item and serves them in request order
 * (blocks itself, transactions through sync_tx_getdata), resuming when the
 * peer's send queue drains (cb_send_ready). */
static bool h_getdata(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    return net_sync_on_getdata(g->sync, p, payload, len);
}

static void sync_tx_getdata(void *ctx, struct peer *p, const struct net_inv *items, size_t n)
{
    struct net_glue *g = ctx;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, items, n);
    txrelay_on_getdata(g->relay, p->id, w.data, w.len, mono_us());
    wbuf_clear(&w);
}

static void cb_send_ready(void *ctx, struct peer *p)
{
    struct net_glue *g = ctx;
    if (g->sync)
        net_sync_on_send_ready(g->sync, p);
}

static bool h_notfound(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    txrelay_on_notfound(g->relay, p->id, payload, len, mono_us());
    return true;
}

static bool h_tx(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    txrelay_on_tx(g->relay, p->id, payload, len, mono_us());
    return true;
}

static bool h_feefilter(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    txrelay_on_feefilter(g->relay, p->id, payload, len);
    return true;
}

static bool h_mempool(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_glue *g = ctx;
    (void)payload;
    (void)len;
    txrelay_on_mempool(g->relay, p->id, mono_us());
    return true;
}

/* ---- txrelay -> connman (by peer id) ---- */

struct relay_send {
    struct net_glue *g;
    const char *command;
    const uint8_t *payload;
    size_t len;
    const char *reason;
    bool punish;
};

static void relay_send_fn(void *ctx, struct peer *p)
{
    struct relay_send *r = ctx;
    connman_send(r->g->cm, p, r->command, r->payload, r->len);
}

static void relay_send(void *ctx, int64_t peer, const char *command, const uint8_t *payload, size_t len)
{
    struct relay_send r = { .g = ctx, .command = command, .payload = payload, .len = len };
    connman_with_peer(r.g->cm, peer, relay_send_fn, &r);
}

static void relay_drop_fn(void *ctx, struct peer *p)
{
    struct relay_send *r = ctx;
    if (r->punish)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Misbehaving: peer=%lld: %s", (long long)p->id, r->reason);
    if (r->punish && !addrrelay_discourage_peer(r->g->addr, p, r->reason))
        return;
    connman_disconnect(r->g->cm, p, r->reason);
}

static void relay_punish(void *ctx, int64_t peer, const char *reason)
{
    struct relay_send r = { .g = ctx, .reason = reason, .punish = true };
    connman_with_peer(r.g->cm, peer, relay_drop_fn, &r);
}

static void relay_disconnect(void *ctx, int64_t peer, const char *reason)
{
    struct relay_send r = { .g = ctx, .reason = reason, .punish = false };
    connman_with_peer(r.g->cm, peer, relay_drop_fn, &r);
}

static void relay_new_tx_fn(void *ctx, struct peer *p)
{
    (void)ctx;
    p->last_tx_time = (int64_t)time(NULL);
}

/* A peer's transaction entered the mempool: it is useful (inbound eviction protects such peers). */
static void relay_new_tx(void *ctx, int64_t peer)
{
    struct net_glue *g = ctx;
    connman_with_peer(g->cm, peer, relay_new_tx_fn, NULL);
}

/* ---- options ---- */

static void list_get(struct str_list *l, const struct args *a, const char *name)
{
    size_t n = 0;
    const char *const *v = args_get_all(a, &n, name);
    l->v = mem_calloc(n ? n : 1, sizeof(*l->v));
    l->n = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] && v[i][0] && strcmp(v[i], "0") != 0) /* "-connect=0" is a negation, not an address */
            l->v[l->n++] = mem_strdup(v[i]);
}

static void list_free(struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        mem_free(l->v[i]);
    mem_free(l->v);
    l->v = NULL;
    l->n = 0;
}

static bool opt_int(const struct args *a, int64_t *out, const char *name, int64_t def, int64_t lo, int64_t hi,
                    char *err, size_t errlen)
{
    if (!args_get_int(a, out, name, def) || *out < lo || *out > hi) {
        snprintf(err, errlen, "Invalid value for -%s: '%s'", name, args_get(a, name, ""));
        return false;
    }
    return true;
}

/* -minimumchainwork=<hex> (Core's option, listed in src/node/args.c). Returns false if malformed. */
static bool parse_min_work(struct arith256 *out, const char *s)
{
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
        s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    for (size_t i = 0; i < n; i++) {
        char c = s[n - 1 - i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return false;
        h.b[i / 2] |= (uint8_t)(i % 2 ? v << 4 : v);
    }
    arith256_from_hash(out, &h);
    return true;
}

static uint64_t random_u64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
        v = (uint64_t)time(NULL) ^ ((uint64_t)mono_us() << 20);
    return v;
}

bool net_glue_start(struct net_glue **out, const struct args *a, const char *chain_name, const char *chaindir,
                    const struct chain_params *params, struct chainstate *cs, struct mempool *mp, struct events *ev,
                    struct event_base *base, char *err, size_t errlen)
{
    *out = NULL;
    struct net_glue *g = mem_calloc(1, sizeof(*g));
    g->ev = ev;
    g->chain.cs = cs;
    g->chain.mp = mp;
    net_glue_iface_init(&g->iface, &g->chain, params);

    bool bitcoin = !strcmp(chain_name, "bitcoin");
    struct connman_options o;
    connman_options_default(&o);
    o.port = params->default_port;
    int64_t v;
    if (!opt_int(a, &v, "port", params->default_port, 1, 65535, err, errlen))
        goto fail;
    o.port = (uint16_t)v;
    if (!opt_int(a, &v, "maxconnections", CONNMAN_DEFAULT_MAX_CONNECTIONS, 0, 100000, err, errlen))
        goto fail;
    o.max_connections = (int)v;
    list_get(&g->binds, a, "bind");
    list_get(&g->whitebinds, a, "whitebind");
    list_get(&g->whitelist, a, "whitelist");
    list_get(&g->connect, a, "connect");
    list_get(&g->addnodes, a, "addnode");
    list_get(&g->seednodes, a, "seednode");
    bool noconnect = g->connect.n == 0 && args_is_set(a, "connect"); /* -noconnect / -connect=0 */
    /* Core: -connect (or -noconnect) turns listening off unless -listen is given. */
    bool listen_default = !(g->connect.n > 0 || noconnect) && o.max_connections > 0;
    if (bitcoin)
        listen_default = false; /* -chain=bitcoin: a local tool chain; listening only when asked */
    o.listen = args_get_bool(a, "listen", listen_default);
    o.binds = (const char *const *)g->binds.v;
    o.n_binds = g->binds.n;
    o.whitebinds = (const char *const *)g->whitebinds.v;
    o.n_whitebinds = g->whitebinds.n;
    o.whitelist = (const char *const *)g->whitelist.v;
    o.n_whitelist = g->whitelist.n;
    if (!bitcoin) {
        o.connect = (const char *const *)g->connect.v;
        o.n_connect = g->connect.n;
        o.addnodes = (const char *const *)g->addnodes.v;
        o.n_addnodes = g->addnodes.n;
        o.seednodes = (const char *const *)g->seednodes.v;
        o.n_seednodes = g->seednodes.n;
    }
    if (bitcoin || noconnect || g->connect.n > 0) {
        /* Only the -connect peers (or none): no automatic outbound. */
        o.max_outbound_full_relay = 0;
        o.max_block_relay_only = 0;
    }
    size_t nonly = 0;
    const char *const *only = args_get_all(a, &nonly, "onlynet");
    for (size_t i = 0; i < nonly; i++) {
        if (!strcmp(only[i], "ipv4")) {
            o.onlynet |= 1u << NET_ADDR_IPV4;
        } else if (!strcmp(only[i], "ipv6")) {
            o.onlynet |= 1u << NET_ADDR_IPV6;
        } else {
            snprintf(err, errlen, "Unknown network specified in -onlynet: '%s'", only[i]);
            goto fail;
        }
    }
    o.blocks_only = args_get_bool(a, "blocksonly", false);

    struct connman_callbacks cb = {
        .ctx = g,
        .on_connected = cb_connected,
        .on_handshake_done = cb_handshake_done,
        .on_disconnected = cb_disconnected,
        .on_tick = cb_tick,
        .on_send_ready = cb_send_ready,
        .on_bad_message = cb_bad_message,
        .start_height = cb_start_height,
        .select_address = cb_select_address,
        .on_connect_failed = cb_connect_failed,
        .is_banned = cb_is_banned,
        .is_discouraged = cb_is_discouraged,
    };
    const char *cerr = NULL;
    g->cm = connman_new(base, &o, params->magic, &cb, &cerr);
    if (!g->cm) {
        snprintf(err, errlen, "%s", cerr ? cerr : "Cannot create the connection manager");
        goto fail;
    }
    struct addrrelay_options ao = {
        .datadir = chaindir,
        .allow_local = !strcmp(chain_name, "regtest"),
        .listen_port = o.listen ? o.port : 0,
        .network = 0,
    };
    if (o.onlynet == (1u << NET_ADDR_IPV4))
        ao.network = NET_ADDR_IPV4;
    else if (o.onlynet == (1u << NET_ADDR_IPV6))
        ao.network = NET_ADDR_IPV6;
    g->addr = addrrelay_new(g->cm, &ao, punish_peer, g);
    struct arith256 min_work;
    net_sync_min_chain_work(&min_work, chain_name);
    if (args_is_known("minimumchainwork") && args_is_set(a, "minimumchainwork") &&
        !parse_min_work(&min_work, args_get(a, "minimumchainwork", ""))) {
        snprintf(err, errlen, "Invalid non-hex (%s) minimum chain work value specified",
                 args_get(a, "minimumchainwork", ""));
        goto fail;
    }
    g->sync = net_sync_new(g->cm, &g->iface, &min_work, punish_peer, g);
    net_sync_set_tx_getdata(g->sync, sync_tx_getdata, g);
    struct txrelay_net rn = { .ctx = g, .send = relay_send, .punish = relay_punish, .disconnect = relay_disconnect };
    g->relay = txrelay_new(&g->iface, &rn, random_u64());
    txrelay_set_new_tx_cb(g->relay, relay_new_tx);
    /* The shared commands go to both layers. */
    connman_set_handler(g->cm, "inv", h_inv, g);
    connman_set_handler(g->cm, "getdata", h_getdata, g);
    connman_set_handler(g->cm, "notfound", h_notfound, g);
    connman_set_handler(g->cm, "tx", h_tx, g);
    connman_set_handler(g->cm, "feefilter", h_feefilter, g);
    connman_set_handler(g->cm, "mempool", h_mempool, g);

    struct events_subscriber sub = {
        .ctx = g, .updated_block_tip = ev_updated_tip, .tx_added_to_mempool = ev_tx_added,
        .block_invalid = ev_block_invalid,
    };
    g->sub_id = events_subscribe(ev, &sub);

    char cbuf[256];
    if (!connman_start(g->cm, cbuf, sizeof(cbuf))) {
        snprintf(err, errlen, "%s", cbuf);
        goto fail;
    }
    if (bitcoin)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "P2P: chain bitcoin, no outbound connections");
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "P2P started (listen=%d port=%u connect=%zu addnode=%zu)", o.listen,
               (unsigned)o.port, o.n_connect, o.n_addnodes);
    g->rpc = (struct rpc_net){
        .cm = g->cm,
        .sync = g->sync,
        .addrs = g->addr,
        .blocks_only = o.blocks_only,
        .onlynet = o.onlynet,
        .client_version = 10000,
        .subversion = o.user_agent,
    };
    *out = g;
    return true;
fail:
    net_glue_stop(g);
    return false;
}

void net_glue_stop(struct net_glue *g)
{
    if (!g)
        return;
    if (g->sub_id > 0)
        events_unsubscribe(g->ev, g->sub_id);
    if (g->cm)
        connman_stop(g->cm);
    txrelay_free(g->relay);
    net_sync_free(g->sync);
    addrrelay_free(g->addr);
    connman_free(g->cm);
    list_free(&g->binds);
    list_free(&g->whitebinds);
    list_free(&g->whitelist);
    list_free(&g->connect);
    list_free(&g->addnodes);
    list_free(&g->seednodes);
    mem_free(g);
}

struct connman *net_glue_connman(struct net_glue *g)
{
    return g ? g->cm : NULL;
}

struct net_sync *net_glue_sync(struct net_glue *g)
{
    return g ? g->sync : NULL;
}

struct txrelay *net_glue_txrelay(struct net_glue *g)
{
    return g ? g->relay : NULL;
}

const struct rpc_net *net_glue_rpc(struct net_glue *g)
{
    return g ? &g->rpc : NULL;
}

struct addrrelay *net_glue_addrrelay(struct net_glue *g)
{
    return g ? g->addr : NULL;
}
