/* Block download (see net/sync.h): the window of requests, stalling and
 * timeouts, received blocks, where each block came from and the punishment
 * of the peers that sent blocks the chain found invalid. */
#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "consensus/block.h"
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

/* ---- block requests ---- */

struct in_flight *sync_fl_find(struct net_sync *s, const struct hash256 *h)
{
    for (size_t i = 0; i < s->nfl; i++)
        if (hash256_eq(&s->fl[i].hash, h))
            return &s->fl[i];
    return NULL;
}

/* Removes in-flight entry i. */
static void sync_fl_remove_at(struct net_sync *s, size_t i)
{
    if (s->fl[i].peer && s->fl[i].peer->in_flight > 0)
        s->fl[i].peer->in_flight--;
    s->fl[i] = s->fl[--s->nfl];
}

void sync_fl_add(struct net_sync *s, struct sync_peer *sp, const struct hash256 *h, int64_t now_us)
{
    if (s->nfl == s->capfl) {
        s->capfl = s->capfl ? s->capfl * 2 : 64;
        s->fl = mem_realloc(s->fl, s->capfl * sizeof(*s->fl));
    }
    s->fl[s->nfl++] = (struct in_flight){ .hash = *h, .peer = sp, .since_us = now_us };
    sp->in_flight++;
}

void sync_blocks_peer_gone(struct net_sync *s, struct sync_peer *sp)
{
    for (size_t i = 0; i < s->nfl;) {
        if (s->fl[i].peer == sp)
            sync_fl_remove_at(s, i);
        else
            i++;
    }
}

/* Core's FindNextBlocksToDownload + getdata: fills p's free request slots from its better chain.
 * Sets *staller to the peer holding the first block of a full window (NULL if none). */
void sync_request_blocks(struct net_sync *s, struct peer *p, int64_t now_us, struct sync_peer **staller)
{
    struct sync_peer *sp = sp_of(p);
    *staller = NULL;
    if (!sp || !sp->have_best || sp->in_flight >= NET_SYNC_MAX_IN_FLIGHT)
        return;
    const struct node_iface *n = s->node;
    struct arith256 tip_work;
    if (n->tip(n->ctx, NULL, &tip_work) < 0)
        return;
    if (arith256_cmp(&sp->best_work, &tip_work) < 0)
        return; /* nothing better than what we have */

    /* The peer's chain from the last common block to the end of the window,
     * in one call (one chain lock), as Core walks it under cs_main. The last
     * common block stays if it is still on the peer's chain, else it is
     * recomputed and the window read again. */
    struct node_header_info a;
    size_t cnt = 0;
    if (sp->have_common) {
        int32_t end = sp->common_height + NET_SYNC_BLOCK_WINDOW;
        cnt = n->window(n->ctx, s->win, &sp->best_hash, sp->common_height, end < sp->best_height ? end : sp->best_height);
        if (cnt == 0 || !hash256_eq(&s->win[0].hash, &sp->common_hash))
            sp->have_common = false;
    }
    if (!sp->have_common) {
        if (!n->fork_point(n->ctx, &a, &sp->best_hash))
            return;
        sp->have_common = true;
        sp->common_hash = a.hash;
        sp->common_height = a.height;
        int32_t end = sp->common_height + NET_SYNC_BLOCK_WINDOW;
        cnt = n->window(n->ctx, s->win, &sp->best_hash, sp->common_height, end < sp->best_height ? end : sp->best_height);
    }

    struct net_inv req[NET_SYNC_MAX_IN_FLIGHT];
    size_t nreq = 0;
    int32_t base = sp->common_height; /* s->win[i] is at height base + i */
    int32_t window_end = base + NET_SYNC_BLOCK_WINDOW;
    int32_t end = sp->best_height < window_end ? sp->best_height : window_end;
    bool contiguous = true;
    struct sync_peer *waiting_for = NULL;
    for (size_t i = 1; i < cnt && sp->in_flight < NET_SYNC_MAX_IN_FLIGHT; i++) {
        const struct node_block_status *w = &s->win[i];
        if (w->failed)
            break;
        if (w->have_data || w->in_active_chain) {
            if (contiguous) {
                sp->common_hash = w->hash;
                sp->common_height = base + (int32_t)i;
            }
            continue;
        }
        contiguous = false;
        struct in_flight *f = sync_fl_find(s, &w->hash);
        if (f) {
            if (!waiting_for)
                waiting_for = f->peer;
            continue;
        }
        bool witness = (p->services & NET_NODE_WITNESS) != 0;
        req[nreq].type = witness ? INV_WITNESS_BLOCK : INV_BLOCK;
        req[nreq].hash = w->hash;
        nreq++;
        sync_fl_add(s, sp, &w->hash, now_us);
    }
    /* Core: one block on top of our tip, nothing else in flight, from a peer
     * that speaks compact blocks version 2: ask for it compactly (low-bandwidth mode). */
    if (nreq == 1 && s->nfl == 1 && p->sendcmpct_received && !s->blocks_only && cnt >= 2 &&
        !n->is_initial_download(n->ctx)) {
        struct hash256 tip;
        struct node_header_info rh;
        if (n->tip(n->ctx, &tip, NULL) >= 0 && n->header_info(n->ctx, &rh, &req[0].hash) &&
            hash256_eq(&rh.header.prev_hash, &tip))
            req[0].type = INV_CMPCT_BLOCK;
    }
    if (nreq) {
        struct wbuf w;
        wbuf_init(&w);
        net_msg_inv_serialize(&w, req, nreq);
        sync_send_wbuf(s, p, "getdata", &w);
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "requesting %zu blocks from peer=%" PRId64, nreq, p->id);
    } else if (waiting_for && waiting_for != sp && end == window_end && sp->in_flight == 0) {
        /* Our window is full of blocks others were asked for: the first one's holder stalls us. */
        *staller = waiting_for;
    }
}

/* The download part of the tick: fills every peer's request slots, then
 * disconnects stallers and peers sitting on a request past the timeout. */
void sync_blocks_tick(struct net_sync *s, struct peer **peers, size_t n, int64_t now)
{
    /* Block download, then stall detection. */
    int64_t timeout_us = 0;
    {
        size_t downloading = 0;
        for (size_t i = 0; i < n; i++)
            downloading += sp_of(peers[i])->in_flight > 0;
        int64_t spacing = s->node->params ? s->node->params->target_spacing : 600;
        timeout_us = spacing * 1000000LL * (2 + (int64_t)(downloading ? downloading - 1 : 0)) / 2;
    }
    for (size_t i = 0; i < n; i++) {
        struct sync_peer *staller = NULL;
        sync_request_blocks(s, peers[i], now, &staller);
        if (staller && staller->stalling_since_us == 0) {
            staller->stalling_since_us = now;
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Stall started peer=%" PRId64, staller->id);
        }
    }
    for (size_t i = 0; i < n; i++) {
        struct peer *p = peers[i];
        struct sync_peer *sp = sp_of(p);
        if (sp->stalling_since_us && now - sp->stalling_since_us > s->stall_timeout_us) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Peer=%" PRId64 " is stalling block download, disconnecting", p->id);
            connman_disconnect(s->cm, p, "stalling block download");
            sp->stalling_since_us = 0;
            if (s->stall_timeout_us < STALL_TIMEOUT_MAX_US)
                s->stall_timeout_us *= 2;
            continue;
        }
        for (size_t j = 0; j < s->nfl; j++) {
            if (s->fl[j].peer == sp && now - s->fl[j].since_us > timeout_us) {
                char hex[65];
                hex_of(hex, &s->fl[j].hash);
                log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Timeout downloading block %s from peer=%" PRId64 ", disconnecting",
                           hex, p->id);
                connman_disconnect(s->cm, p, "block download timeout");
                break;
            }
        }
    }
}

struct set_time {
    int64_t t;
};

static void set_last_block_time(void *ctx, struct peer *p)
{
    p->last_block_time = ((struct set_time *)ctx)->t;
}

/* Core's min_pow_checked: the block's parent is known and the chain it
 * claims clears the anti-DoS threshold, so the chain may store its header
 * even if it does not store the block (unrequested, not wanted); below it
 * the header is not stored. */
static bool min_pow_checked(struct net_sync *s, const struct block_header *hdr)
{
    const struct node_iface *n = s->node;
    struct node_header_info parent;
    struct arith256 threshold, work;
    if (!n->header_info(n->ctx, &parent, &hdr->prev_hash))
        return false;
    net_sync_antidos_threshold(s, &threshold);
    arith256_work_from_compact(&work, hdr->bits);
    arith256_add(&work, &work, &parent.chain_work);
    return arith256_cmp(&work, &threshold) >= 0;
}

/* ---- where blocks came from ---- */

/* Returns the index of h's entry, or SIZE_MAX. */
static size_t src_find(const struct net_sync *s, const struct hash256 *h)
{
    for (size_t i = s->nsrc; i-- > 0;)
        if (hash256_eq(&s->src[i].hash, h))
            return i;
    return SIZE_MAX;
}

static void src_remove_at(struct net_sync *s, size_t i)
{
    memmove(s->src + i, s->src + i + 1, (s->nsrc - i - 1) * sizeof(*s->src));
    s->nsrc--;
}

/* Drops the entries of blocks that are connected by now (checked valid):
 * blocks stored out of order during a download are connected later, without
 * news. (A failed block's entry stays for its news.) Runs only when the table is full, so its cost is shared by
 * the entries it frees. */
static void src_prune(struct net_sync *s)
{
    const struct node_iface *n = s->node;
    size_t k = 0;
    for (size_t i = 0; i < s->nsrc; i++) {
        struct node_header_info info;
        if (n->header_info(n->ctx, &info, &s->src[i].hash) && !info.in_active_chain)
            s->src[k++] = s->src[i];
    }
    s->nsrc = k;
}

/* Records that peer sent block h (the newest sender wins); when full, the
 * connected blocks' entries go, then the oldest. */
static void src_add(struct net_sync *s, const struct hash256 *h, int64_t peer, bool may_punish)
{
    size_t i = src_find(s, h);
    if (i != SIZE_MAX)
        src_remove_at(s, i);
    if (s->nsrc == NET_SYNC_MAX_BLOCK_SOURCES)
        src_prune(s);
    if (s->nsrc == NET_SYNC_MAX_BLOCK_SOURCES)
        src_remove_at(s, 0);
    if (!s->src)
        s->src = mem_alloc(NET_SYNC_MAX_BLOCK_SOURCES * sizeof(*s->src));
    s->src[s->nsrc++] = (struct block_source){ .hash = *h, .peer = peer, .may_punish = may_punish };
}

/* Removes h's entry. Returns true if there was one (out: *peer, *may_punish; each may be NULL). */
static bool src_take(struct net_sync *s, const struct hash256 *h, int64_t *peer, bool *may_punish)
{
    size_t i = src_find(s, h);
    if (i == SIZE_MAX)
        return false;
    if (peer)
        *peer = s->src[i].peer;
    if (may_punish)
        *may_punish = s->src[i].may_punish;
    src_remove_at(s, i);
    return true;
}

void net_sync_block_invalid(struct net_sync *s, const struct hash256 *hash, const struct val_state *st)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    if (s->nnews < NET_SYNC_MAX_INVALID_NEWS) {
        if (!s->news)
            s->news = mem_alloc(NET_SYNC_MAX_INVALID_NEWS * sizeof(*s->news));
        s->news[s->nnews].hash = *hash;
        s->news[s->nnews].st = *st;
        s->nnews++;
    }
    pthread_mutex_unlock(&s->mu);
}

static void find_peer(void *ctx, struct peer *p)
{
    *(struct peer **)ctx = p;
}

static void log_invalid_block(const struct peer *p, const struct hash256 *h, const struct val_state *st)
{
    char hex[65];
    hex_of(hex, h);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "received invalid block %s from peer=%" PRId64 ": %s%s%s", hex, p->id,
               st->reject, st->debug[0] ? ", " : "", st->debug);
}

/* Core's BlockChecked: a block the chain found invalid (here or on another
 * thread, e.g. while a reorganisation connected it) punishes the peer that
 * sent it, if that peer is still connected. Event thread. */
void sync_handle_invalid_news(struct net_sync *s)
{
    pthread_mutex_lock(&s->mu);
    size_t n = s->nnews;
    struct invalid_news *news = NULL;
    if (n) {
        news = mem_alloc(n * sizeof(*news));
        memcpy(news, s->news, n * sizeof(*news));
        s->nnews = 0;
    }
    pthread_mutex_unlock(&s->mu);
    for (size_t i = 0; i < n; i++) {
        int64_t id;
        bool may_punish;
        struct peer *p = NULL;
        if (!src_take(s, &news[i].hash, &id, &may_punish) || !connman_with_peer(s->cm, id, find_peer, &p) || !p ||
            p->disconnect)
            continue;
        log_invalid_block(p, &news[i].hash, &news[i].st);
        sync_punish_for_block_via(s, p, &news[i].st, "invalid block", !may_punish);
    }
    mem_free(news);
}

bool net_sync_on_block(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct block b;
    bool noncanonical;
    if (!net_msg_block_parse(&b, &noncanonical, payload, len)) {
        if (!noncanonical)
            return false; /* malformed: the connman's bad-message path */
        /* Core throws while deserialising, logs the exception and keeps the peer
         * (the block stays requested from it, as in Core). */
        log_printf(LOG_NET, LOG_LEVEL_DEBUG,
                   "ProcessMessages(block, %zu bytes): Exception 'non-canonical ReadCompactSize()' caught, peer=%" PRId64,
                   len, p->id);
        return true;
    }
    sync_process_block(s, p, &b, false);
    block_clear(&b);
    return true;
}

void sync_process_block(struct net_sync *s, struct peer *p, const struct block *bp, bool via_compact)
{
    struct sync_peer *sp = sp_of(p);
    const struct node_iface *n = s->node;
    struct hash256 h;
    block_hash(&h, bp);
    int64_t now = sync_now(s);
    bool requested = false;
    for (size_t i = 0; i < s->nfl; i++) {
        if (hash256_eq(&s->fl[i].hash, &h)) {
            requested = s->fl[i].peer == sp;
            sync_fl_remove_at(s, i);
            break;
        }
    }
    /* A full block ends any reconstruction of it. */
    sync_cmpct_drop_partial(s, &h);
    /* A block rebuilt from a compact block passed its header checks first (BIP 152): process it as requested. */
    if (via_compact)
        requested = true;
    bool alone = s->nfl == 0; /* Core: no other block in flight (high-bandwidth peer selection) */
    struct val_state st;
    bool pow_checked = !requested && min_pow_checked(s, &bp->header);
    src_add(s, &h, p->id, !via_compact);
    enum node_block_result r = n->process_block(n->ctx, &st, bp, requested, pow_checked);
    if (r != NODE_BLOCK_IGNORED && sp)
        sp->stalling_since_us = 0;
    /* Blocks found invalid meanwhile (this one, or an earlier one that a
     * reorganisation tried to connect): their senders first. */
    sync_handle_invalid_news(s);
    struct node_header_info info;
    switch (r) {
    case NODE_BLOCK_NEW: {
        struct set_time t = { .t = (int64_t)time(NULL) };
        connman_with_peer(s->cm, p->id, set_last_block_time, &t);
        s->stall_timeout_us = s->stall_timeout_us * 85 / 100;
        if (s->stall_timeout_us < NET_SYNC_STALL_SECONDS * 1000000LL)
            s->stall_timeout_us = NET_SYNC_STALL_SECONDS * 1000000LL;
        bool known = n->header_info(n->ctx, &info, &h);
        if (!known || info.in_active_chain)
            src_take(s, &h, NULL, NULL); /* connected: checked valid (stored side blocks keep their entry) */
        if (known && sp)
            sync_update_best(s, sp, &info);
        if (known && info.in_active_chain && alone && !n->is_initial_download(n->ctx))
            sync_cmpct_select_hb(s, p);
        if (sync_catching_up(s))
            sync_progress_log(s, now, false);
        break;
    }
    case NODE_BLOCK_DUPLICATE:
        src_take(s, &h, NULL, NULL);
        break;
    case NODE_BLOCK_IGNORED:
        src_take(s, &h, NULL, NULL);
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "ignoring unrequested low-work block from peer=%" PRId64, p->id);
        return;
    case NODE_BLOCK_INVALID:
        /* Not reported by the chain's event (header or mutation failures): punish here. */
        if (src_take(s, &h, NULL, NULL)) {
            log_invalid_block(p, &h, &st);
            if (via_compact && st.result == VAL_BLOCK_MUTATED) {
                /* Core: a rebuilt block that does not match its header (a short id
                 * matched the wrong transaction) is fetched whole instead. */
                sync_cmpct_request_full(s, p, &h);
                return;
            }
            sync_punish_for_block_via(s, p, &st, "invalid block", via_compact);
        }
        return;
    case NODE_BLOCK_ERROR:
        src_take(s, &h, NULL, NULL);
        if (st.result == VAL_BLOCK_MISSING_PREV) {
            sync_send_getheaders_best(s, p, &h);
        } else if (st.mode == VAL_INVALID) {
            /* Not the peer's fault (time-too-new: may become valid later); Core logs it and does not punish. */
            log_invalid_block(p, &h, &st);
            sync_punish_for_block(s, p, &st, "invalid block");
        }
        break;
    }
    if (p->disconnect)
        return;
    struct sync_peer *staller;
    sync_request_blocks(s, p, now, &staller);
}
