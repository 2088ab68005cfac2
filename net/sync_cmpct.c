/* Compact block relay (BIP 152, version 2) on top of block sync: see
 * net/sync.h and doc/p2p.md. Receiving: cmpctblock -> header checks ->
 * reconstruction from the mempool and the orphan pool -> getblocktxn for what
 * is missing -> blocktxn -> the block path of sync_blocks.c; any collision
 * or failure falls back to getdata of the full block. Sending: pushes to
 * high-bandwidth peers before validation, cmpctblock announcements at the
 * tick, getdata MSG_CMPCT_BLOCK and getblocktxn. High-bandwidth peers are
 * chosen as Core: the last (up to 3) peers that delivered a new block first. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "net/blockencodings.h"
#include "net/connman.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/sync_internal.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* ---- reconstructions in progress ---- */

static struct cmpct_pending *partial_find(struct net_sync *s, const struct hash256 *h)
{
    for (size_t i = 0; i < s->npartial; i++)
        if (hash256_eq(&s->partial[i].hash, h))
            return &s->partial[i];
    return NULL;
}

static void partial_remove(struct net_sync *s, struct cmpct_pending *e)
{
    cmpct_partial_clear(&e->pb);
    *e = s->partial[--s->npartial];
}

void sync_cmpct_drop_partial(struct net_sync *s, const struct hash256 *h)
{
    struct cmpct_pending *e = partial_find(s, h);
    if (e)
        partial_remove(s, e);
}

void sync_cmpct_free(struct net_sync *s)
{
    while (s->npartial)
        partial_remove(s, &s->partial[0]);
    mem_free(s->partial);
}

void net_sync_set_blocks_only(struct net_sync *s, bool blocks_only)
{
    s->blocks_only = blocks_only;
}

void net_sync_set_extra_txs(struct net_sync *s, net_sync_extra_txs_fn fn, void *ctx)
{
    s->extra_txs = fn;
    s->extra_txs_ctx = ctx;
}

/* ---- high-bandwidth peers ---- */

static void send_sendcmpct(void *ctx, struct peer *p)
{
    bool announce = *(bool *)ctx;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_sendcmpct_serialize(&w, announce, CMPCT_VERSION);
    connman_send(p->cm, p, "sendcmpct", w.data, w.len);
    wbuf_clear(&w);
}

static void peer_is_outbound(void *ctx, struct peer *p)
{
    *(bool *)ctx = !p->inbound;
}

static void hb_remove_at(struct net_sync *s, size_t i)
{
    memmove(s->hb + i, s->hb + i + 1, (s->nhb - i - 1) * sizeof(*s->hb));
    s->nhb--;
}

void sync_cmpct_select_hb(struct net_sync *s, struct peer *p)
{
    if (!p->sendcmpct_received || s->blocks_only)
        return; /* it does not speak version 2, or our mempool could not rebuild its blocks (Core) */
    for (size_t i = 0; i < s->nhb; i++) {
        if (s->hb[i] == p->id) { /* already one: it becomes the most recent */
            hb_remove_at(s, i);
            s->hb[s->nhb++] = p->id;
            return;
        }
    }
    if (s->nhb >= NET_SYNC_CMPCT_MAX_HB) {
        /* Core: the oldest goes, except that an inbound newcomer never takes the
         * last outbound slot (so an attacker's inbound peers cannot own all three). */
        size_t drop = 0;
        if (p->inbound) {
            size_t outbound = 0;
            for (size_t i = 0; i < s->nhb; i++) {
                bool out = false;
                connman_with_peer(s->cm, s->hb[i], peer_is_outbound, &out);
                outbound += out;
            }
            bool first_out = false;
            connman_with_peer(s->cm, s->hb[0], peer_is_outbound, &first_out);
            if (outbound == 1 && first_out)
                drop = 1;
        }
        bool off = false;
        connman_with_peer(s->cm, s->hb[drop], send_sendcmpct, &off);
        hb_remove_at(s, drop);
    }
    bool on = true;
    send_sendcmpct(&on, p);
    s->hb[s->nhb++] = p->id;
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "peer=%" PRId64 " is now a high-bandwidth compact block peer", p->id);
}

bool net_sync_cmpct_hb_to(struct net_sync *s, const struct peer *p)
{
    for (size_t i = 0; s && i < s->nhb; i++)
        if (s->hb[i] == p->id)
            return true;
    return false;
}

void sync_cmpct_peer_gone(struct net_sync *s, struct peer *p)
{
    for (size_t i = 0; i < s->npartial;) {
        if (s->partial[i].peer == p->id)
            partial_remove(s, &s->partial[i]);
        else
            i++;
    }
    for (size_t i = 0; i < s->nhb; i++) {
        if (s->hb[i] == p->id) {
            hb_remove_at(s, i);
            break;
        }
    }
}

/* ---- requests ---- */

void sync_cmpct_request_full(struct net_sync *s, struct peer *p, const struct hash256 *h)
{
    sync_cmpct_drop_partial(s, h);
    struct in_flight *f = sync_fl_find(s, h);
    if (!f && sp_of(p))
        sync_fl_add(s, sp_of(p), h, sync_now(s));
    struct net_inv inv = { .type = INV_WITNESS_BLOCK, .hash = *h };
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, &inv, 1);
    sync_send_wbuf(s, p, "getdata", &w);
}

/* ---- receiving ---- */

static void offer_pool(void *arg, const struct tx *tx)
{
    struct cmpct_partial *pb = arg;
    if (cmpct_partial_missing_count(pb) > 0)
        (void)cmpct_partial_offer(pb, tx, true);
}

static void offer_extra(void *arg, const struct tx *tx)
{
    struct cmpct_partial *pb = arg;
    (void)cmpct_partial_offer(pb, tx, false);
}

/* Rebuilt: through the block path, as a block that passed its header checks. */
static void finish_block(struct net_sync *s, struct peer *p, struct block *b)
{
    sync_process_block(s, p, b, true);
    block_clear(b);
}

bool net_sync_on_cmpctblock(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    const struct node_iface *n = s->node;
    struct sync_peer *sp = sp_of(p);
    struct cmpct_block cb;
    if (!cmpct_block_parse(&cb, payload, len))
        return false; /* malformed: the bad-message path */
    if (!sp) {
        cmpct_block_clear(&cb);
        return true;
    }
    struct hash256 h;
    block_header_hash(&h, &cb.header);
    char hex[65];
    hex_of(hex, &h);
    struct node_header_info prev, info;
    if (!n->header_info(n->ctx, &prev, &cb.header.prev_hash)) {
        /* Core: an unconnecting compact block is answered like unconnecting headers. */
        if (!n->is_initial_download(n->ctx))
            sync_send_getheaders_best(s, p, &h);
        cmpct_block_clear(&cb);
        return true;
    }
    /* Core: a compact block whose chain stays below the anti-DoS threshold is ignored. */
    struct arith256 threshold, work;
    net_sync_antidos_threshold(s, &threshold);
    arith256_work_from_compact(&work, cb.header.bits);
    arith256_add(&work, &work, &prev.chain_work);
    if (arith256_cmp(&work, &threshold) < 0) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "ignoring low-work compact block from peer=%" PRId64, p->id);
        cmpct_block_clear(&cb);
        return true;
    }
    struct val_state st;
    val_state_init(&st);
    if (!n->accept_headers(n->ctx, &st, &info, &cb.header, 1, NULL)) {
        log_printf(LOG_NET, LOG_LEVEL_INFO, "compact block %s from peer=%" PRId64 " has an invalid header: %s", hex, p->id,
                   st.reject);
        sync_punish_for_block_via(s, p, &st, "invalid header received", true);
        cmpct_block_clear(&cb);
        return true;
    }
    sync_update_best(s, sp, &info);
    struct arith256 tip_work;
    int32_t tip_height = n->tip(n->ctx, NULL, &tip_work);
    struct in_flight *f = sync_fl_find(s, &h);
    bool asked_here = f && f->peer == sp; /* we asked this peer for it (getdata MSG_CMPCT_BLOCK) */
    if (info.have_data || partial_find(s, &h)) {
        cmpct_block_clear(&cb); /* have it, or already rebuilding it */
        return true;
    }
    if (arith256_cmp(&info.chain_work, &tip_work) <= 0 || info.height > tip_height + NET_SYNC_CMPCT_MAX_AHEAD) {
        /* Not better than our tip, or far ahead: our mempool is of little use
         * (Core). A block we asked this peer for is fetched whole; otherwise
         * the headers path fetches what is needed. */
        cmpct_block_clear(&cb);
        if (asked_here) {
            sync_cmpct_request_full(s, p, &h);
        } else {
            struct sync_peer *staller;
            sync_request_blocks(s, p, sync_now(s), &staller);
        }
        return true;
    }
    if (f && !asked_here) {
        cmpct_block_clear(&cb); /* another peer is sending it */
        return true;
    }

    struct cmpct_partial pb;
    enum cmpct_status rs = cmpct_partial_init(&pb, &cb);
    cmpct_block_clear(&cb);
    if (rs == CMPCT_INVALID) {
        cmpct_partial_clear(&pb);
        sync_punish(s, p, "invalid compact block");
        return true;
    }
    if (rs == CMPCT_FAILED) {
        cmpct_partial_clear(&pb);
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "short id collision in compact block %s, fetching it whole", hex);
        sync_cmpct_request_full(s, p, &h);
        return true;
    }
    if (n->mempool_scan)
        n->mempool_scan(n->ctx, offer_pool, &pb);
    if (s->extra_txs && cmpct_partial_missing_count(&pb) > 0)
        s->extra_txs(s->extra_txs_ctx, offer_extra, &pb);
    size_t missing = cmpct_partial_missing_count(&pb);
    log_printf(LOG_NET, LOG_LEVEL_DEBUG,
               "compact block %s from peer=%" PRId64 ": %zu txs, %zu prefilled, %zu from mempool, %zu extra, %zu missing",
               hex, p->id, pb.tx_count, pb.prefilled, pb.from_pool, pb.from_extra, missing);
    if (missing == 0) {
        struct block b;
        rs = cmpct_partial_fill(&pb, &b, NULL, 0);
        cmpct_partial_clear(&pb);
        if (rs != CMPCT_OK) {
            sync_cmpct_request_full(s, p, &h);
            return true;
        }
        finish_block(s, p, &b);
        return true;
    }
    if (s->npartial == NET_SYNC_CMPCT_MAX_PARTIAL) {
        cmpct_partial_clear(&pb);
        sync_cmpct_request_full(s, p, &h);
        return true;
    }
    uint32_t *idx = mem_alloc(missing * sizeof(*idx));
    size_t k = cmpct_partial_missing(&pb, idx, missing);
    struct wbuf w;
    wbuf_init(&w);
    cmpct_getblocktxn_serialize(&w, &h, idx, k);
    mem_free(idx);
    if (!s->partial)
        s->partial = mem_alloc(NET_SYNC_CMPCT_MAX_PARTIAL * sizeof(*s->partial));
    s->partial[s->npartial++] = (struct cmpct_pending){ .hash = h, .peer = p->id, .pb = pb };
    if (!f)
        sync_fl_add(s, sp, &h, sync_now(s));
    sync_send_wbuf(s, p, "getblocktxn", &w);
    return true;
}

bool net_sync_on_blocktxn(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct cmpct_blocktxn m;
    if (!cmpct_blocktxn_parse(&m, payload, len))
        return false;
    struct cmpct_pending *e = partial_find(s, &m.block_hash);
    if (!e || e->peer != p->id) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "peer=%" PRId64 " sent us block transactions for a block we weren't expecting",
                   p->id);
        cmpct_blocktxn_clear(&m);
        return true;
    }
    struct block b;
    struct hash256 h = m.block_hash;
    enum cmpct_status rs = cmpct_partial_fill(&e->pb, &b, m.txs, m.count);
    cmpct_blocktxn_clear(&m);
    partial_remove(s, e);
    if (rs == CMPCT_INVALID) {
        sync_punish(s, p, "invalid compact block/non-matching block transactions");
        return true;
    }
    if (rs == CMPCT_FAILED) {
        /* Core: "might have collided, fall back to getdata now". */
        sync_cmpct_request_full(s, p, &h);
        return true;
    }
    finish_block(s, p, &b);
    return true;
}

/* ---- serving ---- */

/* Reads stored block h (with witness). Returns false if we do not have it. */
static bool read_block(struct net_sync *s, struct block *b, const struct hash256 *h)
{
    uint8_t *raw = NULL;
    size_t rlen = 0;
    if (!s->node->read_block_raw(s->node->ctx, &raw, &rlen, h))
        return false;
    bool ok = block_decode(b, raw, rlen, true);
    mem_free(raw);
    return ok;
}

static uint64_t next_nonce(struct net_sync *s, const struct hash256 *h)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    pthread_mutex_lock(&s->mu);
    uint64_t c = ++s->cmpct_nonce_counter;
    pthread_mutex_unlock(&s->mu);
    return siphash_uint256((uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32), c ^ (uint64_t)(uintptr_t)s, h->b);
}

static void send_cmpct(struct net_sync *s, struct peer *p, const struct block *b, const struct hash256 *h)
{
    struct cmpct_block cb;
    cmpct_block_from_block(&cb, b, next_nonce(s, h));
    struct wbuf w;
    wbuf_init(&w);
    cmpct_block_serialize(&w, &cb);
    cmpct_block_clear(&cb);
    sync_send_wbuf(s, p, "cmpctblock", &w);
}

bool sync_cmpct_serve(struct net_sync *s, struct peer *p, const struct hash256 *h)
{
    struct node_header_info info;
    int32_t tip = s->node->tip(s->node->ctx, NULL, NULL);
    struct block b;
    if (!s->node->header_info(s->node->ctx, &info, h) || !read_block(s, &b, h))
        return false;
    if (info.height >= tip - NET_SYNC_CMPCT_MAX_DEPTH) {
        send_cmpct(s, p, &b, h);
    } else {
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &b, true);
        sync_send_wbuf(s, p, "block", &w);
    }
    block_clear(&b);
    return true;
}

bool net_sync_on_getblocktxn(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct cmpct_getblocktxn m;
    if (!cmpct_getblocktxn_parse(&m, payload, len))
        return false;
    const struct node_iface *n = s->node;
    struct node_header_info info;
    struct block b;
    if (!n->header_info(n->ctx, &info, &m.block_hash) || !info.have_data || !read_block(s, &b, &m.block_hash)) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "peer=%" PRId64 " sent us a getblocktxn for a block we don't have", p->id);
        cmpct_getblocktxn_clear(&m);
        return true;
    }
    int32_t tip = n->tip(n->ctx, NULL, NULL);
    if (info.height < tip - NET_SYNC_CMPCT_MAX_BLOCKTXN_DEPTH) {
        /* Core: too deep to be a relay; answered as getdata of the whole block. */
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &b, true);
        sync_send_wbuf(s, p, "block", &w);
    } else {
        const struct tx **txs = mem_alloc((m.count ? m.count : 1) * sizeof(*txs));
        bool ok = true;
        for (size_t i = 0; i < m.count && ok; i++) {
            ok = m.indexes[i] < b.tx_count;
            if (ok)
                txs[i] = &b.txs[m.indexes[i]];
        }
        if (ok) {
            struct wbuf w;
            wbuf_init(&w);
            cmpct_blocktxn_serialize(&w, &m.block_hash, txs, m.count);
            sync_send_wbuf(s, p, "blocktxn", &w);
        }
        mem_free(txs);
        if (!ok)
            sync_punish(s, p, "getblocktxn with out-of-bounds tx indices");
    }
    block_clear(&b);
    cmpct_getblocktxn_clear(&m);
    return true;
}

/* ---- announcing ---- */

static bool pushed_to(struct net_sync *s, const struct peer *p, const struct hash256 *h)
{
    bool r = false;
    pthread_mutex_lock(&s->mu);
    if (hash256_eq(&s->pushed_hash, h))
        for (size_t i = 0; i < s->npushed && !r; i++)
            r = s->pushed_to[i] == p->id;
    pthread_mutex_unlock(&s->mu);
    return r;
}

bool sync_cmpct_announce(struct net_sync *s, struct peer *p, const struct hash256 *tip, int32_t height)
{
    if (!p->sendcmpct_received || !p->cmpct_announce)
        return false;
    if (pushed_to(s, p, tip))
        return true;
    /* Core: cmpctblock only for a single new block on top of what the peer has; else headers/inv. */
    struct sync_peer *sp = sp_of(p);
    struct node_header_info tip_info, prev;
    const struct node_iface *n = s->node;
    if (height < 1 || !n->header_info(n->ctx, &tip_info, tip) ||
        !n->ancestor(n->ctx, &prev, tip, height - 1))
        return false;
    struct node_header_info a;
    bool has_parent = (sp->have_best && n->ancestor(n->ctx, &a, &sp->best_hash, height - 1) &&
                       hash256_eq(&a.hash, &prev.hash)) ||
                      (sp->have_sent && n->ancestor(n->ctx, &a, &sp->sent_hash, height - 1) &&
                       hash256_eq(&a.hash, &prev.hash));
    struct block b;
    if (!has_parent || !read_block(s, &b, tip))
        return false;
    send_cmpct(s, p, &b, tip);
    block_clear(&b);
    return true;
}

void sync_cmpct_note_pushed(struct net_sync *s, struct peer **peers, size_t n)
{
    struct hash256 h;
    int64_t ids[NET_SYNC_CMPCT_MAX_PUSH];
    size_t nids;
    pthread_mutex_lock(&s->mu);
    bool fresh = s->pushed_seq != s->applied_seq;
    s->applied_seq = s->pushed_seq;
    h = s->pushed_hash;
    nids = s->npushed;
    memcpy(ids, s->pushed_to, nids * sizeof(*ids));
    pthread_mutex_unlock(&s->mu);
    struct node_header_info pushed, sent;
    if (!fresh || nids == 0 || !s->node->header_info(s->node->ctx, &pushed, &h))
        return;
    for (size_t i = 0; i < n; i++) {
        struct sync_peer *sp = sp_of(peers[i]);
        bool was_pushed = false;
        for (size_t j = 0; j < nids && !was_pushed; j++)
            was_pushed = ids[j] == peers[i]->id;
        if (!was_pushed)
            continue;
        if (sp->have_sent && s->node->header_info(s->node->ctx, &sent, &sp->sent_hash) &&
            arith256_cmp(&sent.chain_work, &pushed.chain_work) >= 0)
            continue;
        sp->have_sent = true;
        sp->sent_hash = h;
    }
}

struct push_ctx {
    const uint8_t *payload;
    size_t len;
    int64_t sent[NET_SYNC_CMPCT_MAX_PUSH];
    size_t nsent;
};

static void push_one(void *ctx, struct peer *p)
{
    struct push_ctx *c = ctx;
    if (!p->handshake_done || p->disconnect || !p->sendcmpct_received || !p->cmpct_announce ||
        c->nsent == NET_SYNC_CMPCT_MAX_PUSH)
        return;
    if (connman_send(p->cm, p, "cmpctblock", c->payload, c->len))
        c->sent[c->nsent++] = p->id;
}

void net_sync_new_pow_valid_block(struct net_sync *s, const struct block *b, const struct hash256 *hash)
{
    if (!s || b->tx_count == 0 || b->tx_count > CMPCT_MAX_INDEX + 1u)
        return;
    struct cmpct_block cb;
    cmpct_block_from_block(&cb, b, next_nonce(s, hash));
    struct wbuf w;
    wbuf_init(&w);
    cmpct_block_serialize(&w, &cb);
    cmpct_block_clear(&cb);
    /* The connman lock is taken without holding mu (the event thread takes
     * mu while the connman lock is held nowhere, so no order is inverted). */
    struct push_ctx *c = mem_calloc(1, sizeof(*c));
    c->payload = w.data;
    c->len = w.len;
    connman_for_each_peer(s->cm, push_one, c);
    pthread_mutex_lock(&s->mu);
    s->pushed_hash = *hash;
    s->pushed_seq++;
    s->npushed = c->nsent;
    memcpy(s->pushed_to, c->sent, c->nsent * sizeof(*c->sent));
    pthread_mutex_unlock(&s->mu);
    if (c->nsent) {
        char hex[65];
        hex_of(hex, hash);
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "pushed compact block %s to %zu high-bandwidth peers before validation",
                   hex, c->nsent);
    }
    mem_free(c);
    wbuf_clear(&w);
}
