/* Transaction relay state machine (see txrelay.h). Announcement tracking is
 * in txrequest.c, the orphan pool in txorphan.c; this file keeps the per-peer
 * state, the trickle schedule and the message handling. */
#include "net/txrelay.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/tx.h"
#include "consensus/validation.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/rollbloom.h"
#include "net/txorphan.h"
#include "net/txrequest.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* Core's m_recently_announced_invs: what a peer may fetch right after we announced it. */
#define RECENTLY_ANNOUNCED_ENTRIES 3500
#define RECENT_REJECTS_ENTRIES 120000
/* News (tx added) waiting for the next tick, at most (a big reorg re-adds many). */
#define NEWS_MAX 100000

struct queued {
    struct hash256 txid, wtxid;
    int64_t feerate; /* base units per kvB */
};

struct rpeer {
    int64_t id;
    struct txrelay_peer_opts o;
    struct rollbloom *known;     /* ids the peer has (told us or we told it) */
    struct rollbloom *announced; /* ids we announced to it recently */
    struct queued *queue;
    size_t qn, qcap;
    int64_t next_inv_us;
    int64_t feefilter;      /* theirs */
    int64_t ff_sent;        /* ours, last sent (-1: never) */
    int64_t ff_next_us;
    bool send_mempool;      /* answer a `mempool` request at the next trickle */
};

struct txrelay {
    const struct node_iface *node;
    struct txrelay_net net;
    void (*new_tx)(void *ctx, int64_t peer);
    uint64_t rng;
    struct rpeer **peers;
    size_t npeers, peers_cap;
    size_t wtxid_peers;          /* peers relaying by wtxid (txid announcements get delayed) */
    int64_t next_inbound_inv_us; /* inbound peers share one timer (Core: privacy) */
    struct txrequest *req;
    struct txorphan *orphans;
    struct rollbloom *rejects;
    struct rollbloom *recent_cur, *recent_prev; /* added to the mempool in the last 2-4 minutes */
    int64_t recent_rotate_us;
    /* News from other threads (txrelay_tx_added), swapped out by the tick. */
    pthread_mutex_t lock;
    struct queued *news;
    size_t news_n, news_cap;
};

static uint64_t rnd(struct txrelay *tr)
{
    uint64_t z = (tr->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

/* Exponentially distributed delay with the given mean (Poisson process),
 * capped at 50 means so a freak draw cannot silence a peer. */
static int64_t poisson_delay(struct txrelay *tr, int64_t mean_us)
{
    double u = (double)(rnd(tr) >> 11) * (1.0 / 9007199254740992.0); /* [0, 1) */
    double d = -log1p(-u) * (double)mean_us;
    if (d > 50.0 * (double)mean_us)
        d = 50.0 * (double)mean_us;
    return (int64_t)d;
}

struct txrelay *txrelay_new(const struct node_iface *node, const struct txrelay_net *net, uint64_t seed)
{
    struct txrelay *tr = mem_calloc(1, sizeof(*tr));
    tr->node = node;
    tr->net = *net;
    tr->rng = seed;
    tr->req = txrequest_new(rnd(tr), rnd(tr));
    tr->orphans = txorphan_new(TXRELAY_MAX_ORPHANS, TXRELAY_MAX_ORPHAN_SIZE, TXRELAY_ORPHAN_EXPIRE_US, rnd(tr));
    tr->rejects = rollbloom_new(RECENT_REJECTS_ENTRIES, 0.000001, rnd(tr), rnd(tr));
    tr->recent_cur = rollbloom_new(TXRELAY_KNOWN_INV_ENTRIES, 0.000001, rnd(tr), rnd(tr));
    tr->recent_prev = rollbloom_new(TXRELAY_KNOWN_INV_ENTRIES, 0.000001, rnd(tr), rnd(tr));
    tr->recent_rotate_us = INT64_MIN;
    tr->next_inbound_inv_us = INT64_MIN;
    pthread_mutex_init(&tr->lock, NULL);
    return tr;
}

void txrelay_set_new_tx_cb(struct txrelay *tr, void (*fn)(void *ctx, int64_t peer))
{
    tr->new_tx = fn;
}

static void peer_free(struct rpeer *p)
{
    rollbloom_free(p->known);
    rollbloom_free(p->announced);
    mem_free(p->queue);
    mem_free(p);
}

void txrelay_free(struct txrelay *tr)
{
    if (!tr)
        return;
    for (size_t i = 0; i < tr->npeers; i++)
        peer_free(tr->peers[i]);
    mem_free(tr->peers);
    txrequest_free(tr->req);
    txorphan_free(tr->orphans);
    rollbloom_free(tr->rejects);
    rollbloom_free(tr->recent_cur);
    rollbloom_free(tr->recent_prev);
    mem_free(tr->news);
    pthread_mutex_destroy(&tr->lock);
    mem_free(tr);
}

static struct rpeer *peer_find(struct txrelay *tr, int64_t id)
{
    for (size_t i = 0; i < tr->npeers; i++)
        if (tr->peers[i]->id == id)
            return tr->peers[i];
    return NULL;
}

bool txrelay_peer_add(struct txrelay *tr, int64_t id, const struct txrelay_peer_opts *opts, int64_t now_us)
{
    if (peer_find(tr, id))
        return false;
    struct rpeer *p = mem_calloc(1, sizeof(*p));
    p->id = id;
    p->o = *opts;
    p->known = rollbloom_new(TXRELAY_KNOWN_INV_ENTRIES, 0.000001, rnd(tr), rnd(tr));
    p->announced = rollbloom_new(RECENTLY_ANNOUNCED_ENTRIES, 0.000001, rnd(tr), rnd(tr));
    p->next_inv_us = now_us + poisson_delay(tr, opts->inbound ? TXRELAY_INBOUND_INV_INTERVAL_US
                                                                : TXRELAY_OUTBOUND_INV_INTERVAL_US);
    p->ff_sent = -1;
    p->ff_next_us = now_us; /* first feefilter at the first tick */
    if (tr->npeers == tr->peers_cap) {
        tr->peers_cap = tr->peers_cap ? tr->peers_cap * 2 : 16;
        tr->peers = mem_realloc(tr->peers, tr->peers_cap * sizeof(*tr->peers));
    }
    tr->peers[tr->npeers++] = p;
    if (opts->wtxid_relay)
        tr->wtxid_peers++;
    return true;
}

void txrelay_peer_remove(struct txrelay *tr, int64_t id)
{
    for (size_t i = 0; i < tr->npeers; i++) {
        if (tr->peers[i]->id != id)
            continue;
        if (tr->peers[i]->o.wtxid_relay && tr->wtxid_peers)
            tr->wtxid_peers--;
        peer_free(tr->peers[i]);
        tr->peers[i] = tr->peers[--tr->npeers];
        break;
    }
    txrequest_peer_remove(tr->req, id);
    txorphan_erase_peer(tr->orphans, id);
}

bool txrelay_peer_stats(struct txrelay *tr, int64_t id, struct txrelay_peer_stats *out)
{
    memset(out, 0, sizeof(*out));
    struct rpeer *p = peer_find(tr, id);
    if (!p)
        return false;
    out->relay_txs = p->o.relay_txs;
    out->wtxid_relay = p->o.wtxid_relay;
    out->feefilter = p->feefilter;
    out->queued = p->qn;
    out->tracked = txrequest_peer_tracked(tr->req, id);
    out->in_flight = txrequest_peer_in_flight(tr->req, id);
    return true;
}

/* ---- helpers ----------------------------------------------------------- */

static void punish(struct txrelay *tr, struct rpeer *p, const char *why)
{
    if (tr->net.punish)
        tr->net.punish(tr->net.ctx, p->id, why);
}

static void send_msg(struct txrelay *tr, int64_t peer, const char *cmd, const struct wbuf *w)
{
    if (tr->net.send)
        tr->net.send(tr->net.ctx, peer, cmd, w->data, w->len);
}

static bool is_tx_type(uint32_t t)
{
    uint32_t base = t & ~(uint32_t)TXRELAY_MSG_WITNESS_FLAG;
    return base == TXRELAY_MSG_TX || base == TXRELAY_MSG_WTX;
}

/* Parses an inv-style payload; a claimed count above MAX_INV_SZ punishes
 * (Core: Misbehaving "inv message size"), other malformed payloads are
 * dropped without punishment (Core logs the exception). */
static bool parse_inv(struct txrelay *tr, struct rpeer *p, struct net_msg_inv *m, const uint8_t *payload,
                      size_t len, const char *what, bool *punished)
{
    *punished = false;
    if (net_msg_inv_parse(m, payload, len))
        return true;
    struct rbuf r = rbuf_make(payload, len);
    uint64_t count;
    if (rbuf_compact(&r, &count, UINT64_MAX) && count > TXRELAY_MAX_INV_SZ) {
        if (p)
            punish(tr, p, what);
        *punished = true;
    }
    return false;
}

static bool already_have(struct txrelay *tr, const struct hash256 *id, bool is_wtxid)
{
    if (rollbloom_contains(tr->rejects, id->b, 32))
        return true;
    if (txorphan_have(tr->orphans, id))
        return true;
    return tr->node && tr->node->have_tx && tr->node->have_tx(tr->node->ctx, id, is_wtxid);
}

static void add_announcement(struct txrelay *tr, struct rpeer *p, const struct hash256 *id, bool is_wtxid,
                             int64_t now_us)
{
    if (txrequest_peer_tracked(tr->req, p->id) >= TXRELAY_MAX_PEER_ANNOUNCEMENTS && !p->o.perm_relay)
        return;
    bool preferred = !p->o.inbound;
    int64_t delay = 0;
    if (!preferred)
        delay += TXRELAY_NONPREF_DELAY_US;
    if (!is_wtxid && tr->wtxid_peers > 0)
        delay += TXRELAY_TXID_DELAY_US;
    if (txrequest_peer_in_flight(tr->req, p->id) >= TXRELAY_MAX_PEER_IN_FLIGHT)
        delay += TXRELAY_OVERLOADED_DELAY_US;
    txrequest_add(tr->req, p->id, id, is_wtxid, preferred, now_us + delay);
}

/* ---- messages ---------------------------------------------------------- */

bool txrelay_on_inv(struct txrelay *tr, int64_t id, const uint8_t *payload, size_t len, int64_t now_us)
{
    struct rpeer *p = peer_find(tr, id);
    struct net_msg_inv m;
    bool punished;
    if (!parse_inv(tr, p, &m, payload, len, "inv message size", &punished))
        return !punished;
    if (!p) {
        net_msg_inv_clear(&m);
        return true;
    }
    bool ibd = tr->node && tr->node->is_initial_download && tr->node->is_initial_download(tr->node->ctx);
    for (size_t i = 0; i < m.count; i++) {
        uint32_t t = m.items[i].type & ~(uint32_t)TXRELAY_MSG_WITNESS_FLAG;
        if (t != TXRELAY_MSG_TX && t != TXRELAY_MSG_WTX)
            continue;
        bool is_wtxid = t == TXRELAY_MSG_WTX;
        /* BIP 339: after wtxidrelay only MSG_WTX counts, before it only MSG_TX. */
        if (is_wtxid != p->o.wtxid_relay)
            continue;
        const struct hash256 *h = &m.items[i].hash;
        rollbloom_insert(p->known, h->b, 32);
        if (!p->o.relay_txs) {
            /* We asked for no transactions (block-relay-only / blocksonly). */
            if (tr->net.disconnect)
                tr->net.disconnect(tr->net.ctx, p->id, "transaction inv sent in violation of protocol");
            break;
        }
        if (ibd || already_have(tr, h, is_wtxid))
            continue;
        add_announcement(tr, p, h, is_wtxid, now_us);
    }
    net_msg_inv_clear(&m);
    return true;
}

bool txrelay_on_notfound(struct txrelay *tr, int64_t id, const uint8_t *payload, size_t len, int64_t now_us)
{
    (void)now_us;
    struct rpeer *p = peer_find(tr, id);
    struct net_msg_inv m;
    bool punished;
    if (!parse_inv(tr, p, &m, payload, len, "notfound message size", &punished))
        return !punished;
    for (size_t i = 0; i < m.count; i++)
        if (is_tx_type(m.items[i].type))
            txrequest_peer_failed(tr->req, id, &m.items[i].hash);
    net_msg_inv_clear(&m);
    return true;
}

bool txrelay_on_getdata(struct txrelay *tr, int64_t id, const uint8_t *payload, size_t len, int64_t now_us)
{
    (void)now_us;
    struct rpeer *p = peer_find(tr, id);
    struct net_msg_inv m;
    bool punished;
    if (!parse_inv(tr, p, &m, payload, len, "getdata message size", &punished))
        return !punished;
    struct net_inv *missing = NULL;
    size_t nmissing = 0;
    struct wbuf w;
    wbuf_init(&w);
    for (size_t i = 0; i < m.count; i++) {
        uint32_t type = m.items[i].type;
        if (!is_tx_type(type))
            continue;
        const struct hash256 *h = &m.items[i].hash;
        bool is_wtxid = (type & ~(uint32_t)TXRELAY_MSG_WITNESS_FLAG) == TXRELAY_MSG_WTX;
        bool with_witness = is_wtxid || (type & TXRELAY_MSG_WITNESS_FLAG);
        /* Serve what we announced to this peer, or what has been in the
         * mempool long enough that serving it reveals nothing (Core's
         * UNCONDITIONAL_RELAY_DELAY). */
        bool allowed = p && p->o.relay_txs &&
                       (rollbloom_contains(p->announced, h->b, 32) ||
                        (!rollbloom_contains(tr->recent_cur, h->b, 32) &&
                         !rollbloom_contains(tr->recent_prev, h->b, 32)));
        uint8_t *raw = NULL;
        size_t rawlen = 0;
        if (allowed && tr->node && tr->node->get_tx_raw &&
            tr->node->get_tx_raw(tr->node->ctx, &raw, &rawlen, NULL, NULL, h, is_wtxid, with_witness)) {
            if (tr->net.send)
                tr->net.send(tr->net.ctx, id, "tx", raw, rawlen);
            mem_free(raw);
            continue;
        }
        if (!missing)
            missing = mem_calloc(m.count, sizeof(*missing));
        missing[nmissing++] = m.items[i];
    }
    if (nmissing) {
        net_msg_inv_serialize(&w, missing, nmissing);
        send_msg(tr, id, "notfound", &w);
    }
    wbuf_clear(&w);
    mem_free(missing);
    net_msg_inv_clear(&m);
    return true;
}

void txrelay_on_feefilter(struct txrelay *tr, int64_t id, const uint8_t *payload, size_t len)
{
    struct rpeer *p = peer_find(tr, id);
    int64_t rate;
    if (!p || !net_msg_feefilter_parse(&rate, payload, len))
        return;
    if (money_range(rate))
        p->feefilter = rate;
}

void txrelay_on_mempool(struct txrelay *tr, int64_t id, int64_t now_us)
{
    (void)now_us;
    struct rpeer *p = peer_find(tr, id);
    if (!p)
        return;
    if (!p->o.perm_mempool) {
        if (tr->net.disconnect)
            tr->net.disconnect(tr->net.ctx, id, "mempool request with bloom filters disabled");
        return;
    }
    p->send_mempool = true;
}

/* Remembers a rejected tx so nobody makes us download it again. A txid is
 * only remembered when it equals the wtxid: a witness-stripped copy must not
 * block the real transaction. */
static void remember_reject(struct txrelay *tr, const struct tx *tx)
{
    rollbloom_insert(tr->rejects, tx->wtxid.b, 32);
    if (hash256_eq(&tx->txid, &tx->wtxid))
        rollbloom_insert(tr->rejects, tx->txid.b, 32);
}

/* Tries tx against the mempool. Returns the val_state result (VAL_RESULT_UNSET on success). */
static enum val_result submit(struct txrelay *tr, const struct tx *tx, struct val_state *st)
{
    val_state_init(st);
    if (!tr->node || !tr->node->accept_tx)
        return VAL_TX_NO_MEMPOOL;
    if (tr->node->accept_tx(tr->node->ctx, st, tx))
        return VAL_RESULT_UNSET;
    return st->result == VAL_RESULT_UNSET ? VAL_TX_MEMPOOL_POLICY : st->result;
}

static bool orphan_add_tx(struct txrelay *tr, int64_t peer, const struct tx *tx, const uint8_t *raw, size_t len,
                          int64_t now_us)
{
    if (len > TXRELAY_MAX_ORPHAN_SIZE || tx->vin_count == 0)
        return false;
    struct hash256 *parents = mem_calloc(tx->vin_count, sizeof(*parents));
    for (size_t i = 0; i < tx->vin_count; i++)
        parents[i] = tx->vin[i].prevout.txid;
    bool ok = txorphan_add(tr->orphans, &tx->txid, &tx->wtxid, peer, raw, len, parents, tx->vin_count, now_us);
    mem_free(parents);
    return ok;
}

void txrelay_on_tx(struct txrelay *tr, int64_t id, const uint8_t *payload, size_t len, int64_t now_us)
{
    struct rpeer *p = peer_find(tr, id);
    if (!p)
        return;
    if (!p->o.relay_txs) {
        if (tr->net.disconnect)
            tr->net.disconnect(tr->net.ctx, id, "transaction sent in violation of protocol");
        return;
    }
    struct tx tx;
    if (!net_msg_tx_parse(&tx, payload, len)) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "undecodable tx from peer=%lld", (long long)id);
        return;
    }
    rollbloom_insert(p->known, tx.txid.b, 32);
    rollbloom_insert(p->known, tx.wtxid.b, 32);
    txrequest_forget(tr->req, &tx.txid);
    txrequest_forget(tr->req, &tx.wtxid);
    if (already_have(tr, &tx.wtxid, true)) {
        tx_clear(&tx);
        return;
    }
    struct val_state st;
    enum val_result res = submit(tr, &tx, &st);
    if (res == VAL_RESULT_UNSET) {
        /* Announcement and orphan resolution follow from the tx_added event. */
        log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "accepted tx from peer=%lld", (long long)id);
        if (tr->new_tx)
            tr->new_tx(tr->net.ctx, id);
    } else if (res == VAL_TX_MISSING_INPUTS) {
        bool rejected_parent = false;
        for (size_t i = 0; i < tx.vin_count && !rejected_parent; i++)
            rejected_parent = rollbloom_contains(tr->rejects, tx.vin[i].prevout.txid.b, 32);
        if (rejected_parent) {
            remember_reject(tr, &tx);
        } else {
            for (size_t i = 0; i < tx.vin_count; i++) {
                const struct hash256 *parent = &tx.vin[i].prevout.txid;
                if (!already_have(tr, parent, false))
                    add_announcement(tr, p, parent, false, now_us);
            }
            if (!orphan_add_tx(tr, id, &tx, payload, len, now_us))
                remember_reject(tr, &tx);
        }
    } else {
        /* Invalid by policy or consensus: not fetched again, and (as in
         * current Core) the peer is not punished for it. */
        log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "tx from peer=%lld rejected: %s", (long long)id, st.reject);
        if (res != VAL_TX_CONFLICT || strcmp(st.reject, "txn-already-in-mempool") != 0)
            remember_reject(tr, &tx);
    }
    tx_clear(&tx);
}

/* ---- news -------------------------------------------------------------- */

void txrelay_tx_added(struct txrelay *tr, const struct hash256 *txid, const struct hash256 *wtxid, int64_t fee,
                      int64_t vsize)
{
    struct queued q;
    q.txid = *txid;
    q.wtxid = *wtxid;
    q.feerate = vsize > 0 ? (int64_t)((__int128)fee * 1000 / vsize) : 0;
    pthread_mutex_lock(&tr->lock);
    if (tr->news_n < NEWS_MAX) {
        if (tr->news_n == tr->news_cap) {
            tr->news_cap = tr->news_cap ? tr->news_cap * 2 : 64;
            tr->news = mem_realloc(tr->news, tr->news_cap * sizeof(*tr->news));
        }
        tr->news[tr->news_n++] = q;
    }
    pthread_mutex_unlock(&tr->lock);
}

static void queue_push(struct rpeer *p, const struct queued *q)
{
    if (p->qn >= TXRELAY_MAX_QUEUED)
        return;
    if (p->qn == p->qcap) {
        p->qcap = p->qcap ? p->qcap * 2 : 64;
        p->queue = mem_realloc(p->queue, p->qcap * sizeof(*p->queue));
    }
    p->queue[p->qn++] = *q;
}

/* Retries the orphans that spend outputs of a transaction that just entered the mempool. */
static void resolve_orphans(struct txrelay *tr, const struct hash256 *parent)
{
    struct txorphan_entry kids[TXRELAY_MAX_ORPHANS];
    size_t n = txorphan_children(tr->orphans, kids, TXRELAY_MAX_ORPHANS, parent);
    for (size_t i = 0; i < n; i++) {
        /* Copy out first: submit() may change the pool through events. */
        uint8_t *raw = mem_dup(kids[i].raw, kids[i].len);
        size_t len = kids[i].len;
        struct hash256 wtxid = kids[i].wtxid;
        struct tx tx;
        if (!net_msg_tx_parse(&tx, raw, len)) {
            txorphan_erase(tr->orphans, &wtxid);
            mem_free(raw);
            continue;
        }
        struct val_state st;
        enum val_result res = submit(tr, &tx, &st);
        if (res != VAL_TX_MISSING_INPUTS) {
            txorphan_erase(tr->orphans, &wtxid);
            if (res != VAL_RESULT_UNSET)
                remember_reject(tr, &tx);
        }
        tx_clear(&tx);
        mem_free(raw);
    }
}

static void process_news(struct txrelay *tr)
{
    pthread_mutex_lock(&tr->lock);
    struct queued *news = tr->news;
    size_t n = tr->news_n;
    tr->news = NULL;
    tr->news_n = tr->news_cap = 0;
    pthread_mutex_unlock(&tr->lock);
    for (size_t i = 0; i < n; i++) {
        const struct queued *q = &news[i];
        rollbloom_insert(tr->recent_cur, q->txid.b, 32);
        rollbloom_insert(tr->recent_cur, q->wtxid.b, 32);
        txrequest_forget(tr->req, &q->txid);
        txrequest_forget(tr->req, &q->wtxid);
        txorphan_erase(tr->orphans, &q->wtxid);
        for (size_t k = 0; k < tr->npeers; k++)
            if (tr->peers[k]->o.relay_txs)
                queue_push(tr->peers[k], q);
        resolve_orphans(tr, &q->txid);
    }
    mem_free(news);
}

/* ---- trickle ------------------------------------------------------------ */

static int cmp_feerate_desc(const void *a, const void *b)
{
    const struct queued *x = a, *y = b;
    return x->feerate < y->feerate ? 1 : x->feerate > y->feerate ? -1 : 0;
}

static void inv_add(struct txrelay *tr, struct rpeer *p, struct net_inv *items, size_t *n, const struct queued *q)
{
    const struct hash256 *h = p->o.wtxid_relay ? &q->wtxid : &q->txid;
    if (rollbloom_contains(p->known, h->b, 32))
        return;
    if (p->feefilter > 0 && q->feerate < p->feefilter)
        return;
    if (tr->node && tr->node->have_tx && !tr->node->have_tx(tr->node->ctx, h, p->o.wtxid_relay))
        return; /* left the mempool meanwhile */
    items[*n].type = p->o.wtxid_relay ? TXRELAY_MSG_WTX : TXRELAY_MSG_TX;
    items[*n].hash = *h;
    (*n)++;
    rollbloom_insert(p->known, h->b, 32);
    rollbloom_insert(p->announced, h->b, 32);
}

static void flush_inv(struct txrelay *tr, struct rpeer *p)
{
    struct net_inv *items = mem_calloc(TXRELAY_INV_BROADCAST_MAX, sizeof(*items));
    size_t n = 0;
    struct wbuf w;
    wbuf_init(&w);
    if (p->send_mempool) {
        /* Answer `mempool` with the mempool itself (bounded, best fee rate first when truncated),
         * minus what the peer knows and what its feefilter excludes (Core). */
        p->send_mempool = false;
        struct node_mempool_tx *list = NULL;
        size_t nlist = 0;
        if (tr->node && tr->node->list_mempool)
            tr->node->list_mempool(tr->node->ctx, &list, &nlist, NODE_MEMPOOL_LIST_MAX);
        for (size_t i = 0; i < nlist; i++) {
            struct queued q = { .txid = list[i].txid, .wtxid = list[i].wtxid };
            q.feerate = list[i].vsize > 0 ? (int64_t)((__int128)list[i].fee * 1000 / list[i].vsize) : 0;
            inv_add(tr, p, items, &n, &q);
            if (n == TXRELAY_INV_BROADCAST_MAX) {
                net_msg_inv_serialize(&w, items, n);
                send_msg(tr, p->id, "inv", &w);
                w.len = 0;
                n = 0;
            }
        }
        mem_free(list);
    }
    /* Highest fee rate first; what does not fit waits for the next trickle. */
    if (p->qn > 1)
        qsort(p->queue, p->qn, sizeof(*p->queue), cmp_feerate_desc);
    size_t used = 0;
    while (used < p->qn && n < TXRELAY_INV_BROADCAST_MAX)
        inv_add(tr, p, items, &n, &p->queue[used++]);
    if (p->qn > used)
        memmove(p->queue, p->queue + used, (p->qn - used) * sizeof(*p->queue));
    p->qn -= used;
    if (n) {
        net_msg_inv_serialize(&w, items, n);
        send_msg(tr, p->id, "inv", &w);
    }
    wbuf_clear(&w);
    mem_free(items);
}

/* ---- feefilter ---------------------------------------------------------- */

/* Core's FeeFilterRounder buckets: 0, then 500 up to 1e7 in steps of 10%. */
#define FEE_BUCKETS_MAX 128
static size_t fee_buckets(int64_t *out)
{
    size_t n = 0;
    out[n++] = 0;
    for (double b = 500; b <= 1e7 && n < FEE_BUCKETS_MAX; b *= 1.1)
        out[n++] = (int64_t)b;
    return n;
}

int64_t txrelay_feefilter_round(int64_t feerate, uint64_t r)
{
    int64_t b[FEE_BUCKETS_MAX];
    size_t n = fee_buckets(b);
    size_t i = 0;
    while (i < n && b[i] < feerate)
        i++; /* lower_bound */
    if (i == n || (i > 0 && r % 3 != 0))
        i--;
    return b[i];
}

static void maybe_send_feefilter(struct txrelay *tr, struct rpeer *p, int64_t now_us)
{
    if (!p->o.feefilter_ok || !p->o.relay_txs || p->o.perm_relay || !tr->node || !tr->node->fee_info)
        return;
    struct node_fee_info fi;
    tr->node->fee_info(tr->node->ctx, &fi);
    int64_t current = fi.min_fee;
    if (tr->node->is_initial_download && tr->node->is_initial_download(tr->node->ctx))
        current = MAX_MONEY; /* nothing is relayed to us during IBD */
    else if (p->ff_sent == MAX_MONEY)
        p->ff_next_us = now_us; /* out of IBD: lift the block at once (Core) */
    if (now_us >= p->ff_next_us) {
        int64_t filter = current == MAX_MONEY ? MAX_MONEY : txrelay_feefilter_round(current, rnd(tr));
        if (filter < fi.min_relay_feerate)
            filter = fi.min_relay_feerate;
        if (filter != p->ff_sent) {
            struct wbuf w;
            wbuf_init(&w);
            net_msg_feefilter_serialize(&w, filter);
            send_msg(tr, p->id, "feefilter", &w);
            wbuf_clear(&w);
            p->ff_sent = filter;
        }
        p->ff_next_us = now_us + poisson_delay(tr, TXRELAY_FEEFILTER_INTERVAL_US);
    } else if (p->ff_sent >= 0 && p->ff_next_us - now_us > TXRELAY_FEEFILTER_MAX_DELAY_US &&
               (current < 3 * p->ff_sent / 4 || current > 4 * p->ff_sent / 3)) {
        /* A big change: send it sooner (Core's MAX_FEEFILTER_CHANGE_DELAY). */
        p->ff_next_us = now_us + (int64_t)(rnd(tr) % (uint64_t)TXRELAY_FEEFILTER_MAX_DELAY_US);
    }
}

/* ---- tick --------------------------------------------------------------- */

struct getdata_batch {
    struct txrelay *tr;
    int64_t peer;
    struct net_inv *items;
    size_t n, cap;
};

static void collect_request(void *arg, int64_t peer, const struct hash256 *id, bool is_wtxid)
{
    struct getdata_batch *b = arg;
    if (b->peer != peer)
        return;
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->items = mem_realloc(b->items, b->cap * sizeof(*b->items));
    }
    b->items[b->n].type = is_wtxid ? TXRELAY_MSG_WTX : (TXRELAY_MSG_TX | TXRELAY_MSG_WITNESS_FLAG);
    b->items[b->n].hash = *id;
    b->n++;
}

/* Gathers the due requests of all peers, then sends one getdata per peer. */
struct all_requests {
    struct txrelay *tr;
    struct { int64_t peer; struct net_inv item; } *v;
    size_t n, cap;
};

static void note_request(void *arg, int64_t peer, const struct hash256 *id, bool is_wtxid)
{
    struct all_requests *a = arg;
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->v = mem_realloc(a->v, a->cap * sizeof(*a->v));
    }
    a->v[a->n].peer = peer;
    a->v[a->n].item.type = is_wtxid ? TXRELAY_MSG_WTX : (TXRELAY_MSG_TX | TXRELAY_MSG_WITNESS_FLAG);
    a->v[a->n].item.hash = *id;
    a->n++;
}

static void send_requests(struct txrelay *tr, int64_t now_us)
{
    struct all_requests a = { tr, NULL, 0, 0 };
    txrequest_poll(tr->req, now_us, TXRELAY_GETDATA_TIMEOUT_US, note_request, &a);
    struct wbuf w;
    wbuf_init(&w);
    for (size_t k = 0; k < tr->npeers && a.n; k++) {
        struct getdata_batch b = { tr, tr->peers[k]->id, NULL, 0, 0 };
        for (size_t i = 0; i < a.n; i++)
            if (a.v[i].peer == b.peer)
                collect_request(&b, a.v[i].peer, &a.v[i].item.hash, a.v[i].item.type == TXRELAY_MSG_WTX);
        for (size_t off = 0; off < b.n; off += TXRELAY_MAX_GETDATA_SZ) {
            size_t cnt = b.n - off < TXRELAY_MAX_GETDATA_SZ ? b.n - off : TXRELAY_MAX_GETDATA_SZ;
            w.len = 0;
            net_msg_inv_serialize(&w, b.items + off, cnt);
            send_msg(tr, b.peer, "getdata", &w);
        }
        mem_free(b.items);
    }
    wbuf_clear(&w);
    mem_free(a.v);
}

void txrelay_tick(struct txrelay *tr, int64_t now_us)
{
    process_news(tr);
    if (tr->recent_rotate_us == INT64_MIN)
        tr->recent_rotate_us = now_us + TXRELAY_UNCONDITIONAL_RELAY_DELAY_US;
    if (now_us >= tr->recent_rotate_us) {
        struct rollbloom *old = tr->recent_prev;
        tr->recent_prev = tr->recent_cur;
        rollbloom_reset(old);
        tr->recent_cur = old;
        tr->recent_rotate_us = now_us + TXRELAY_UNCONDITIONAL_RELAY_DELAY_US;
    }
    txorphan_expire(tr->orphans, now_us);
    bool inbound_due = now_us >= tr->next_inbound_inv_us;
    for (size_t k = 0; k < tr->npeers; k++) {
        struct rpeer *p = tr->peers[k];
        maybe_send_feefilter(tr, p, now_us);
        if (!p->o.relay_txs)
            continue;
        if (p->o.inbound ? !inbound_due : now_us < p->next_inv_us)
            continue;
        if (!p->o.inbound)
            p->next_inv_us = now_us + poisson_delay(tr, TXRELAY_OUTBOUND_INV_INTERVAL_US);
        flush_inv(tr, p);
    }
    if (inbound_due)
        tr->next_inbound_inv_us = now_us + poisson_delay(tr, TXRELAY_INBOUND_INV_INTERVAL_US);
    send_requests(tr, now_us);
}

size_t txrelay_orphan_count(struct txrelay *tr)
{
    return txorphan_size(tr->orphans);
}

size_t txrelay_tracked_count(struct txrelay *tr)
{
    return txrequest_size(tr->req);
}

int64_t txrelay_peer_next_inv(struct txrelay *tr, int64_t id)
{
    struct rpeer *p = peer_find(tr, id);
    if (!p)
        return -1;
    return p->o.inbound ? tr->next_inbound_inv_us : p->next_inv_us;
}

struct orphan_visit {
    void (*fn)(void *arg, const struct tx *tx);
    void *arg;
};

static void visit_orphan(void *arg, const struct txorphan_entry *e)
{
    struct orphan_visit *v = arg;
    struct tx tx;
    if (!tx_decode(&tx, e->raw, e->len, true))
        return;
    v->fn(v->arg, &tx);
    tx_clear(&tx);
}

void txrelay_orphans_each(struct txrelay *tr, void (*fn)(void *arg, const struct tx *tx), void *arg)
{
    if (!tr)
        return;
    struct orphan_visit v = { .fn = fn, .arg = arg };
    txorphan_each(tr->orphans, visit_orphan, &v);
}
