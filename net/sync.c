/* Headers-first sync and block relay: see net/sync.h. This file: the life
 * cycle, the peers, punishment, announcements and the tick; the jobs are in
 * sync_headers.c (headers), sync_blocks.c (block download) and sync_serve.c
 * (serving getheaders and getdata). */
#include "net/sync.h"

#include <pthread.h>
#include <time.h>

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "net/connman.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/sync_internal.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

static const char BITCOIN_MIN_WORK_HEX[] = "000000000000000000000000000000000000000088e186b70e0862c193ec44d6";

void net_sync_min_chain_work(struct arith256 *out, const char *chain)
{
    arith256_set_u64(out, 0);
    if (!chain || strcmp(chain, "bitcoin") != 0)
        return;
    /* Parse the big-endian hex into the little-endian hash layout arith256_from_hash reads. */
    struct hash256 h;
    for (size_t i = 0; i < 32; i++) {
        unsigned v;
        if (sscanf(BITCOIN_MIN_WORK_HEX + 2 * i, "%2x", &v) != 1)
            return;
        h.b[31 - i] = (uint8_t)v;
    }
    arith256_from_hash(out, &h);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* The clock every handler and the tick use (microseconds, monotonic). */
int64_t sync_now(const struct net_sync *s)
{
    return s->clock ? s->clock(s->clock_ctx) : mono_us();
}

/* Core's Misbehaving. The owner's punish function (src/node/net_glue.c) logs
 * Core's "Misbehaving: peer=N: reason" line and applies Core's exceptions
 * (noban and manual peers stay; see doc/p2p.md); without one: the same here. */
void sync_punish(struct net_sync *s, struct peer *p, const char *reason)
{
    if (s->punish) {
        s->punish(s->punish_ctx, p, reason);
        return;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Misbehaving: peer=%" PRId64 ": %s", p->id, reason);
    if (peer_has_permission(p, PEER_PERM_NOBAN))
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Warning: not punishing noban peer %" PRId64 "!", p->id);
    else
        connman_disconnect(s->cm, p, reason);
}

void sync_send_wbuf(struct net_sync *s, struct peer *p, const char *cmd, struct wbuf *w)
{
    connman_send(s->cm, p, cmd, w->data, w->len);
    wbuf_clear(w);
}

/* ---- what we know about a peer's chain ---- */

/* Core's UpdateBlockAvailability: a header with at least as much work as the
 * peer's best known one replaces it, so a competing block of the same work as
 * our tip is requested from the peer that announced it. */
void sync_update_best(struct net_sync *s, struct sync_peer *sp, const struct node_header_info *h)
{
    (void)s;
    if (!sp->have_best || arith256_cmp(&h->chain_work, &sp->best_work) >= 0) {
        sp->have_best = true;
        sp->best_hash = h->hash;
        sp->best_height = h->height;
        sp->best_work = h->chain_work;
    }
}

/* Returns true if the peer is known to have header `hash` at `height` (from what it sent or we sent it). */
static bool peer_has_header(struct net_sync *s, struct sync_peer *sp, const struct hash256 *hash, int32_t height)
{
    struct node_header_info a;
    if (sp->have_best && s->node->ancestor(s->node->ctx, &a, &sp->best_hash, height) && hash256_eq(&a.hash, hash))
        return true;
    if (sp->have_sent && s->node->ancestor(s->node->ctx, &a, &sp->sent_hash, height) && hash256_eq(&a.hash, hash))
        return true;
    return false;
}

/* Reacts to a header (or block) validation failure: Core's MaybePunishNodeForBlock. */
void sync_punish_for_block(struct net_sync *s, struct peer *p, const struct val_state *st, const char *what)
{
    sync_punish_for_block_via(s, p, st, what, false);
}

void sync_punish_for_block_via(struct net_sync *s, struct peer *p, const struct val_state *st, const char *what,
                               bool via_compact)
{
    switch (st->result) {
    case VAL_BLOCK_CONSENSUS:
    case VAL_BLOCK_MUTATED:
    case VAL_BLOCK_CACHED_INVALID:
        /* BIP 152 lets high-bandwidth peers relay a block before validating
         * it, so a compact block whose header was fine is not their fault (Core). */
        if (via_compact) {
            log_printf(LOG_NET, LOG_LEVEL_INFO, "peer=%" PRId64 " sent %s via compact block (%s); not punished", p->id,
                       what, st->reject);
            break;
        }
        /* fall through */
    case VAL_BLOCK_INVALID_HEADER:
    case VAL_BLOCK_INVALID_PREV:
    case VAL_BLOCK_MISSING_PREV: {
        char reason[320];
        snprintf(reason, sizeof(reason), "%s: %s", what, st->reject);
        sync_punish(s, p, reason);
        break;
    }
    default:
        log_printf(LOG_NET, LOG_LEVEL_INFO, "peer=%" PRId64 " sent %s that failed (%s); not punished", p->id, what,
                   st->reject);
        break;
    }
}

/* Logs sync progress every PROGRESS_INTERVAL_US while blocks arrive far behind the best header (or in IBD). */
void sync_progress_log(struct net_sync *s, int64_t now_us, bool force)
{
    const struct node_iface *n = s->node;
    if (!force && s->last_progress_us && now_us - s->last_progress_us < PROGRESS_INTERVAL_US)
        return;
    int32_t h = n->tip(n->ctx, NULL, NULL);
    if (h == s->last_progress_height && s->last_progress_us)
        return;
    struct node_header_info best;
    int32_t hh = n->best_header(n->ctx, &best) ? best.height : h;
    double secs = s->last_progress_us ? (double)(now_us - s->last_progress_us) / 1e6 : 0;
    double rate = secs > 0 ? (double)(h - s->last_progress_height) / secs : 0;
    double pct = hh > 0 ? 100.0 * (double)h / (double)hh : 100.0;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Synchronizing blocks: height=%d headers=%d progress=%.2f%% (%.1f blocks/s)", h,
               hh, pct, rate);
    s->last_progress_us = now_us;
    s->last_progress_height = h;
}

/* True while the chain is well behind the best header: IBD, or catching up after being offline. */
bool sync_catching_up(struct net_sync *s)
{
    const struct node_iface *n = s->node;
    if (n->is_initial_download(n->ctx))
        return true;
    struct node_header_info best;
    int32_t h = n->tip(n->ctx, NULL, NULL);
    return n->best_header(n->ctx, &best) && best.height - h >= 100;
}

/* Core: more than MAX_INV_SZ entries is Misbehaving "<command> message size = N". Returns true if so (punished). */
bool sync_inv_oversized(struct net_sync *s, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    uint64_t claimed;
    if (!net_msg_inv_count(&claimed, payload, len) || claimed <= NET_MAX_INV_SZ)
        return false;
    char reason[64];
    snprintf(reason, sizeof(reason), "%s message size = %" PRIu64, command, claimed);
    sync_punish(s, p, reason);
    return true;
}


/* ---- peers ---- */

void net_sync_peer_connected(struct net_sync *s, struct peer *p)
{
    (void)s;
    struct sync_peer *sp = mem_calloc(1, sizeof(*sp));
    sp->id = p->id;
    p->sync_state = sp;
}

void net_sync_peer_handshake_done(struct net_sync *s, struct peer *p)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp)
        return;
    /* BIP 152: we can take compact blocks (version 2), not in high-bandwidth
     * mode until the peer proves fast (sync_cmpct_select_hb), as Core. */
    if (p->version >= NET_SHORT_IDS_BLOCKS_VERSION) {
        struct wbuf w;
        wbuf_init(&w);
        net_msg_sendcmpct_serialize(&w, false, CMPCT_VERSION);
        sync_send_wbuf(s, p, "sendcmpct", &w);
    }
    /* Core's rule: during IBD one outbound peer syncs headers; with a recent best header, every peer. */
    struct node_header_info best;
    bool recent = s->node->best_header(s->node->ctx, &best) &&
                  (int64_t)best.header.time > (int64_t)time(NULL) - RECENT_HEADER_SECONDS;
    if (!p->inbound && (s->nsync_started == 0 || recent))
        sync_start_headers_sync(s, p, sync_now(s));
}

void net_sync_peer_disconnected(struct net_sync *s, struct peer *p)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp)
        return;
    sync_blocks_peer_gone(s, sp);
    sync_cmpct_peer_gone(s, p);
    if (sp->sync_started)
        s->nsync_started--;
    sync_presync_drop(sp);
    mem_free(sp->gd);
    mem_free(sp);
    p->sync_state = NULL;
}

void net_sync_peer_stats(struct net_sync *s, const struct peer *p, struct net_sync_peer_stats *out)
{
    const struct sync_peer *sp = p->sync_state;
    out->synced_headers = sp && sp->have_best ? sp->best_height : -1;
    out->synced_blocks = sp && sp->have_common ? sp->common_height : -1;
    out->in_flight = sp ? sp->in_flight : 0;
    out->presyncing = sp && sp->npre > 0;
    out->bip152_hb_to = net_sync_cmpct_hb_to(s, p);
    out->bip152_hb_from = p->sendcmpct_received && p->cmpct_announce;
}

/* ---- announcements ---- */

static void announce_tip(struct net_sync *s, struct peer *p, const struct hash256 *tip, int32_t height)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp || peer_has_header(s, sp, tip, height))
        return;
    const struct node_iface *n = s->node;
    if (sync_cmpct_announce(s, p, tip, height)) {
        sp->have_sent = true;
        sp->sent_hash = *tip;
        return;
    }
    if (p->prefer_headers) {
        struct block_header hs[NET_SYNC_MAX_BLOCKS_TO_ANNOUNCE];
        size_t k = 0;
        bool connects = false;
        /* Walk back from the tip to the first block the peer has; at most 8 new ones (Core's rule). */
        for (int32_t h = height; h >= 0; h--) {
            struct node_header_info a;
            if (!n->ancestor(n->ctx, &a, tip, h))
                break;
            if (peer_has_header(s, sp, &a.hash, h)) {
                connects = true;
                break;
            }
            if (k == NET_SYNC_MAX_BLOCKS_TO_ANNOUNCE)
                break;
            hs[k++] = a.header;
        }
        if (connects && k > 0) {
            struct block_header rev[NET_SYNC_MAX_BLOCKS_TO_ANNOUNCE];
            for (size_t i = 0; i < k; i++)
                rev[i] = hs[k - 1 - i];
            struct wbuf w;
            wbuf_init(&w);
            net_msg_headers_serialize(&w, rev, k);
            sync_send_wbuf(s, p, "headers", &w);
            sp->have_sent = true;
            sp->sent_hash = *tip;
            return;
        }
    }
    if (hash256_eq(&sp->last_inv, tip))
        return;
    struct net_inv inv = { .type = INV_BLOCK, .hash = *tip };
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, &inv, 1);
    sync_send_wbuf(s, p, "inv", &w);
    sp->last_inv = *tip;
}

void net_sync_new_tip(struct net_sync *s, const struct hash256 *tip, int32_t height, bool initial_download)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->tip_pending = true;
    s->pending_tip = *tip;
    s->pending_height = height;
    s->pending_ibd = initial_download;
    pthread_mutex_unlock(&s->mu);
}

/* ---- the tick ---- */

struct peer_list {
    struct peer **v;
    size_t n, cap;
};

static void collect_peer(void *ctx, struct peer *p)
{
    struct peer_list *l = ctx;
    if (!p->handshake_done || p->disconnect || !p->sync_state)
        return;
    if (l->n == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->v = mem_realloc(l->v, l->cap * sizeof(*l->v));
    }
    l->v[l->n++] = p;
}

void net_sync_tick(struct net_sync *s, int64_t now_us)
{
    (void)now_us;
    int64_t now = sync_now(s); /* handlers use the same clock */
    const struct node_iface *n = s->node;
    struct peer_list l = { 0 };
    sync_handle_invalid_news(s);
    /* Pointers stay valid: peers are freed only by the event loop, which is this thread. */
    connman_for_each_peer(s->cm, collect_peer, &l);

    bool pending;
    struct hash256 tip;
    int32_t tip_height;
    bool tip_ibd;
    pthread_mutex_lock(&s->mu);
    pending = s->tip_pending;
    tip = s->pending_tip;
    tip_height = s->pending_height;
    tip_ibd = s->pending_ibd;
    s->tip_pending = false;
    pthread_mutex_unlock(&s->mu);
    sync_cmpct_note_pushed(s, l.v, l.n);
    if (pending && !tip_ibd)
        for (size_t i = 0; i < l.n; i++)
            announce_tip(s, l.v[i], &tip, tip_height);

    bool ibd = n->is_initial_download(n->ctx);
    struct node_header_info best;
    bool recent = n->best_header(n->ctx, &best) && (int64_t)best.header.time > (int64_t)time(NULL) - RECENT_HEADER_SECONDS;
    size_t outbound = 0;
    for (size_t i = 0; i < l.n; i++)
        outbound += !l.v[i]->inbound;
    for (size_t i = 0; i < l.n; i++) {
        struct peer *p = l.v[i];
        struct sync_peer *sp = sp_of(p);
        /* Headers sync: one peer during IBD (outbound preferred), every peer once headers are recent. */
        if (!sp->sync_started && (s->nsync_started == 0 || recent) && (!p->inbound || outbound == 0))
            sync_start_headers_sync(s, p, now);
        else if (sp->sync_started && ibd && !recent && s->nsync_started == 1 &&
                 now - sp->sync_start_us > HEADERS_SYNC_TIMEOUT_US && !peer_has_permission(p, PEER_PERM_NOBAN) &&
                 l.n > 1) {
            connman_disconnect(s->cm, p, "Timeout downloading headers");
            continue;
        }
    }

    sync_blocks_tick(s, l.v, l.n, now);
    if (ibd || sync_catching_up(s))
        sync_progress_log(s, now, false);
    mem_free(l.v);
}

/* ---- life cycle ---- */

struct net_sync *net_sync_new(struct connman *cm, const struct node_iface *node, const struct arith256 *min_work,
                              net_sync_punish_fn punish_fn, void *punish_ctx)
{
    struct net_sync *s = mem_calloc(1, sizeof(*s));
    s->cm = cm;
    s->node = node;
    if (min_work)
        s->min_work = *min_work;
    else
        arith256_set_u64(&s->min_work, 0);
    s->punish = punish_fn;
    s->punish_ctx = punish_ctx;
    s->stall_timeout_us = NET_SYNC_STALL_SECONDS * 1000000LL;
    s->win = mem_alloc((NET_SYNC_BLOCK_WINDOW + 1) * sizeof(*s->win));
    pthread_mutex_init(&s->mu, NULL);
    return s;
}

void net_sync_free(struct net_sync *s)
{
    if (!s)
        return;
    mem_free(s->fl);
    mem_free(s->win);
    mem_free(s->src);
    mem_free(s->news);
    sync_cmpct_free(s);
    pthread_mutex_destroy(&s->mu);
    mem_free(s);
}

void net_sync_set_clock(struct net_sync *s, net_sync_clock_fn clock, void *ctx)
{
    s->clock = clock;
    s->clock_ctx = ctx;
}

