/* Headers-first sync and block relay: see net/sync.h. */
#include "net/sync.h"

#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "consensus/block.h"
#include "consensus/block_check.h"
#include "consensus/pow.h"
#include "net/connman.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* inv types (Core's GetDataMsg), as unsigned constants for bit masking. */
#define INV_BLOCK 2u
#define INV_FILTERED_BLOCK 3u
#define INV_CMPCT_BLOCK 4u
#define INV_WITNESS_FLAG (1u << 30)
#define INV_WITNESS_BLOCK (INV_BLOCK | INV_WITNESS_FLAG)

/* Stall timeout grows on each stall disconnect (Core's BLOCK_STALLING_TIMEOUT_MAX) and decays on progress. */
#define STALL_TIMEOUT_MAX_US (64 * 1000000LL)
/* Seconds between IBD progress lines. */
#define PROGRESS_INTERVAL_US (5 * 1000000LL)
/* A best header younger than this lets every peer start headers sync (Core: 24 h). */
#define RECENT_HEADER_SECONDS (24 * 3600)
/* Headers sync with one peer may take this long before it is given up (Core's HEADERS_DOWNLOAD_TIMEOUT_BASE). */
#define HEADERS_SYNC_TIMEOUT_US (15 * 60 * 1000000LL)

struct sync_peer {
    int64_t id;
    bool have_best; /* the best header we know the peer has */
    struct hash256 best_hash;
    int32_t best_height;
    struct arith256 best_work;
    bool have_common; /* the last block we both have (our block data, its header chain) */
    struct hash256 common_hash;
    int32_t common_height;
    bool have_sent; /* the best header we sent it (announcements, getheaders answers) */
    struct hash256 sent_hash;
    struct hash256 last_inv; /* last tip announced by inv (no repeats) */
    bool sync_started;
    int64_t sync_start_us;
    int unconnecting;
    size_t in_flight;
    int64_t stalling_since_us;
    /* Presync: a low-work chain held in memory (see net/sync.h). */
    struct block_header *pre;
    size_t npre, cappre;
    struct arith256 pre_work;
    struct hash256 pre_last;
    struct hash256 pre_parent; /* the known header the buffered chain builds on */
    /* getdata items not served yet (Core's vRecvGetData), served in order from gd_off. */
    struct net_inv *gd;
    size_t ngd, capgd, gd_off;
};

struct in_flight {
    struct hash256 hash;
    struct sync_peer *peer;
    int64_t since_us;
};

struct block_source {
    struct hash256 hash;
    int64_t peer;
};

struct invalid_news {
    struct hash256 hash;
    struct val_state st;
};

struct net_sync {
    struct connman *cm;
    const struct node_iface *node;
    struct arith256 min_work;
    net_sync_punish_fn punish;
    void *punish_ctx;

    struct in_flight *fl;
    size_t nfl, capfl;
    int nsync_started;
    int64_t stall_timeout_us;

    pthread_mutex_t mu; /* guards the pending tip only (net_sync_new_tip runs on chain threads) */
    bool tip_pending;
    struct hash256 pending_tip;
    int32_t pending_height;
    bool pending_ibd;

    int64_t last_progress_us;
    int32_t last_progress_height;
    int32_t last_header_log_height;

    net_sync_clock_fn clock; /* NULL: CLOCK_MONOTONIC (tests and fuzzing inject one) */
    void *clock_ctx;

    net_sync_tx_getdata_fn tx_getdata; /* serves the non-block getdata items; NULL: skipped */
    void *tx_getdata_ctx;

    /* Which peer sent which stored block (Core's mapBlockSource), oldest first,
     * so the sender is punished when the block fails later, e.g. while a
     * reorganisation connects it. Entries go once the block is checked. */
    struct block_source *src;
    size_t nsrc;
    /* Blocks the chain found invalid (net_sync_block_invalid, any thread),
     * waiting for the event thread; guarded by mu. */
    struct invalid_news *news;
    size_t nnews;
};

/* Bitcoin Core v28's nMinimumChainWork for mainnet; hashmint's chains have no history yet. */
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
static int64_t sync_now(const struct net_sync *s)
{
    return s->clock ? s->clock(s->clock_ctx) : mono_us();
}

static struct sync_peer *sp_of(struct peer *p)
{
    return p->sync_state;
}

static void hex_of(char out[65], const struct hash256 *h)
{
    hash256_to_hex(out, h);
}

/* Core's Misbehaving. The owner's punish function (src/node/net_glue.c) logs
 * Core's "Misbehaving: peer=N: reason" line and applies Core's exceptions
 * (noban and manual peers stay; see doc/p2p.md); without one: the same here. */
static void punish(struct net_sync *s, struct peer *p, const char *reason)
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

static void send_wbuf(struct net_sync *s, struct peer *p, const char *cmd, struct wbuf *w)
{
    connman_send(s->cm, p, cmd, w->data, w->len);
    wbuf_clear(w);
}

/* ---- what we know about a peer's chain ---- */

/* Core's UpdateBlockAvailability: a header with at least as much work as the
 * peer's best known one replaces it, so a competing block of the same work as
 * our tip is requested from the peer that announced it. */
static void update_best(struct net_sync *s, struct sync_peer *sp, const struct node_header_info *h)
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

/* ---- getheaders ---- */

/* Sends getheaders with a locator starting at `from` (NULL: the active tip), optionally preceded by
 * `first` (a header the node has not stored: presync). */
static void send_getheaders(struct net_sync *s, struct peer *p, const struct hash256 *first, const struct hash256 *from,
                            const struct hash256 *stop)
{
    struct hash256 *loc = NULL;
    size_t n = 0;
    if (!s->node->locator(s->node->ctx, &loc, &n, from))
        return;
    struct hash256 *all = loc;
    if (first) {
        all = mem_alloc((n + 1) * sizeof(*all));
        all[0] = *first;
        memcpy(all + 1, loc, n * sizeof(*loc));
        n++;
        if (n > NET_MAX_LOCATOR_SZ)
            n = NET_MAX_LOCATOR_SZ;
    }
    struct hash256 zero;
    memset(&zero, 0, sizeof(zero));
    struct wbuf w;
    wbuf_init(&w);
    net_msg_getheaders_serialize(&w, (uint32_t)NET_PROTOCOL_VERSION, all, n, stop ? stop : &zero);
    send_wbuf(s, p, "getheaders", &w);
    if (all != loc)
        mem_free(all);
    mem_free(loc);
}

/* Asks for headers from our best header's parent on (so the reply is never empty when the peer agrees). */
static void send_getheaders_best(struct net_sync *s, struct peer *p, const struct hash256 *stop)
{
    struct node_header_info best;
    if (!s->node->best_header(s->node->ctx, &best))
        return;
    const struct hash256 *from = &best.hash;
    if (best.height > 0)
        from = &best.header.prev_hash;
    send_getheaders(s, p, NULL, from, stop);
}

static void start_headers_sync(struct net_sync *s, struct peer *p, int64_t now_us)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp || sp->sync_started)
        return;
    sp->sync_started = true;
    sp->sync_start_us = now_us;
    s->nsync_started++;
    log_printf(LOG_NET, LOG_LEVEL_INFO, "initial getheaders to peer=%" PRId64 " (startheight:%d)", p->id,
               p->start_height);
    send_getheaders_best(s, p, NULL);
}

/* ---- block requests ---- */

static struct in_flight *fl_find(struct net_sync *s, const struct hash256 *h)
{
    for (size_t i = 0; i < s->nfl; i++)
        if (hash256_eq(&s->fl[i].hash, h))
            return &s->fl[i];
    return NULL;
}

static void fl_remove_at(struct net_sync *s, size_t i)
{
    if (s->fl[i].peer && s->fl[i].peer->in_flight > 0)
        s->fl[i].peer->in_flight--;
    s->fl[i] = s->fl[--s->nfl];
}

static void fl_add(struct net_sync *s, struct sync_peer *sp, const struct hash256 *h, int64_t now_us)
{
    if (s->nfl == s->capfl) {
        s->capfl = s->capfl ? s->capfl * 2 : 64;
        s->fl = mem_realloc(s->fl, s->capfl * sizeof(*s->fl));
    }
    s->fl[s->nfl++] = (struct in_flight){ .hash = *h, .peer = sp, .since_us = now_us };
    sp->in_flight++;
}

/* Core's FindNextBlocksToDownload + getdata: fills p's free request slots from its better chain.
 * Sets *staller to the peer holding the first block of a full window (NULL if none). */
static void request_blocks(struct net_sync *s, struct peer *p, int64_t now_us, struct sync_peer **staller)
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

    /* The last common block: keep it if still on the peer's chain, else recompute. */
    struct node_header_info a;
    if (sp->have_common &&
        !(n->ancestor(n->ctx, &a, &sp->best_hash, sp->common_height) && hash256_eq(&a.hash, &sp->common_hash)))
        sp->have_common = false;
    if (!sp->have_common) {
        if (!n->fork_point(n->ctx, &a, &sp->best_hash))
            return;
        sp->have_common = true;
        sp->common_hash = a.hash;
        sp->common_height = a.height;
    }

    struct net_inv req[NET_SYNC_MAX_IN_FLIGHT];
    size_t nreq = 0;
    int32_t window_end = sp->common_height + NET_SYNC_BLOCK_WINDOW;
    int32_t end = sp->best_height < window_end ? sp->best_height : window_end;
    bool contiguous = true;
    struct sync_peer *waiting_for = NULL;
    for (int32_t h = sp->common_height + 1; h <= end && sp->in_flight < NET_SYNC_MAX_IN_FLIGHT; h++) {
        if (!n->ancestor(n->ctx, &a, &sp->best_hash, h) || a.failed)
            break;
        if (a.have_data || a.in_active_chain) {
            if (contiguous) {
                sp->common_hash = a.hash;
                sp->common_height = a.height;
            }
            continue;
        }
        contiguous = false;
        struct in_flight *f = fl_find(s, &a.hash);
        if (f) {
            if (!waiting_for)
                waiting_for = f->peer;
            continue;
        }
        bool witness = (p->services & NET_NODE_WITNESS) != 0;
        req[nreq].type = witness ? INV_WITNESS_BLOCK : INV_BLOCK;
        req[nreq].hash = a.hash;
        nreq++;
        fl_add(s, sp, &a.hash, now_us);
    }
    if (nreq) {
        struct wbuf w;
        wbuf_init(&w);
        net_msg_inv_serialize(&w, req, nreq);
        send_wbuf(s, p, "getdata", &w);
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "requesting %zu blocks from peer=%" PRId64, nreq, p->id);
    } else if (waiting_for && waiting_for != sp && end == window_end && sp->in_flight == 0) {
        /* Our window is full of blocks others were asked for: the first one's holder stalls us. */
        *staller = waiting_for;
    }
}

/* ---- handlers ---- */

static bool h_getheaders(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_sync *s = ctx;
    struct sync_peer *sp = sp_of(p);
    struct net_msg_getheaders m;
    if (!net_msg_getheaders_parse(&m, payload, len))
        return false; /* includes a locator above NET_MAX_LOCATOR_SZ: Core disconnects */
    if (s->node->is_initial_download(s->node->ctx) && !peer_has_permission(p, PEER_PERM_DOWNLOAD)) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Ignoring getheaders from peer=%" PRId64 " because node is in initial block download",
                   p->id);
        net_msg_getheaders_clear(&m);
        return true;
    }
    struct block_header *hs = mem_alloc(NODE_MAX_HEADERS_RESULTS * sizeof(*hs));
    size_t n = s->node->headers_after_locator(s->node->ctx, hs, NODE_MAX_HEADERS_RESULTS, m.locator, m.count,
                                              &m.hash_stop);
    struct wbuf w;
    wbuf_init(&w);
    net_msg_headers_serialize(&w, hs, n);
    send_wbuf(s, p, "headers", &w);
    if (n && sp) {
        struct hash256 last;
        block_header_hash(&last, &hs[n - 1]);
        struct node_header_info li, cur;
        if (s->node->header_info(s->node->ctx, &li, &last)) {
            bool better = true;
            if (sp->have_sent && s->node->header_info(s->node->ctx, &cur, &sp->sent_hash))
                better = arith256_cmp(&li.chain_work, &cur.chain_work) > 0;
            if (better) {
                sp->have_sent = true;
                sp->sent_hash = last;
            }
        }
    }
    mem_free(hs);
    net_msg_getheaders_clear(&m);
    return true;
}

static void presync_drop(struct sync_peer *sp)
{
    mem_free(sp->pre);
    sp->pre = NULL;
    sp->npre = sp->cappre = 0;
}

static bool presync_append(struct sync_peer *sp, const struct block_header *h, size_t n)
{
    if (sp->npre + n > NET_SYNC_PRESYNC_MAX)
        return false;
    if (sp->npre + n > sp->cappre) {
        sp->cappre = sp->npre + n;
        sp->pre = mem_realloc(sp->pre, sp->cappre * sizeof(*sp->pre));
    }
    memcpy(sp->pre + sp->npre, h, n * sizeof(*h));
    sp->npre += n;
    return true;
}

/* Reacts to a header (or block) validation failure: Core's MaybePunishNodeForBlock. */
static void punish_for_block(struct net_sync *s, struct peer *p, const struct val_state *st, const char *what)
{
    switch (st->result) {
    case VAL_BLOCK_CONSENSUS:
    case VAL_BLOCK_MUTATED:
    case VAL_BLOCK_CACHED_INVALID:
    case VAL_BLOCK_INVALID_HEADER:
    case VAL_BLOCK_INVALID_PREV:
    case VAL_BLOCK_MISSING_PREV: {
        char reason[320];
        snprintf(reason, sizeof(reason), "%s: %s", what, st->reject);
        punish(s, p, reason);
        break;
    }
    default:
        log_printf(LOG_NET, LOG_LEVEL_INFO, "peer=%" PRId64 " sent %s that failed (%s); not punished", p->id, what,
                   st->reject);
        break;
    }
}

void net_sync_antidos_threshold(struct net_sync *s, struct arith256 *out)
{
    *out = s->min_work;
    const struct node_iface *n = s->node;
    struct hash256 tip;
    struct arith256 tip_work;
    struct node_header_info info;
    if (n->tip(n->ctx, &tip, &tip_work) < 0 || !n->header_info(n->ctx, &info, &tip))
        return;
    /* Core's GetAntiDoSWorkThreshold: forks from within ~144 blocks of the tip are always welcome. */
    struct arith256 buffer;
    arith256_work_from_compact(&buffer, info.header.bits);
    arith256_mul_u32(&buffer, &buffer, NET_SYNC_ANTIDOS_TIP_BLOCKS);
    struct arith256 near_tip;
    if (arith256_cmp(&buffer, &tip_work) >= 0)
        arith256_set_u64(&near_tip, 0);
    else
        arith256_sub(&near_tip, &tip_work, &buffer);
    if (arith256_cmp(&near_tip, out) > 0)
        *out = near_tip;
}

/* Core's IsAncestorOfBestHeaderOrTip: headers ending in a known header on our tip's or best header's
 * chain were validated before (a peer re-sending part of our own chain), so the work check is skipped. */
static bool already_have_chain(struct net_sync *s, const struct hash256 *last)
{
    const struct node_iface *n = s->node;
    struct node_header_info info, best, a;
    if (!n->header_info(n->ctx, &info, last) || info.failed)
        return false;
    if (info.in_active_chain)
        return true;
    return n->best_header(n->ctx, &best) && n->ancestor(n->ctx, &a, &best.hash, info.height) &&
           hash256_eq(&a.hash, last);
}

static bool h_headers(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_sync *s = ctx;
    struct sync_peer *sp = sp_of(p);
    const struct node_iface *n = s->node;
    uint64_t claimed;
    if (!net_msg_headers_count(&claimed, payload, len))
        return false;
    if (claimed > NET_MAX_HEADERS_RESULTS) {
        char reason[64];
        snprintf(reason, sizeof(reason), "headers message size = %" PRIu64, claimed);
        punish(s, p, reason);
        return true;
    }
    struct net_msg_headers m;
    if (!net_msg_headers_parse(&m, payload, len))
        return false;
    if (!sp || m.count == 0) {
        if (sp && sp->npre) {
            log_printf(LOG_NET, LOG_LEVEL_INFO, "Ignoring low-work chain of %zu headers from peer=%" PRId64, sp->npre, p->id);
            presync_drop(sp);
        }
        net_msg_headers_clear(&m);
        return true;
    }
    struct hash256 *hashes = mem_alloc(m.count * sizeof(*hashes));
    for (size_t i = 0; i < m.count; i++)
        block_header_hash(&hashes[i], &m.headers[i]);
    /* Core's CheckHeadersPoW: every header's proof of work, then continuity, before anything else
     * (low-work chains and presync included). */
    for (size_t i = 0; i < m.count && n->params; i++) {
        if (!pow_check(&hashes[i], m.headers[i].bits, n->params)) {
            punish(s, p, "header with invalid proof of work");
            goto out;
        }
    }
    for (size_t i = 1; i < m.count; i++) {
        if (!hash256_eq(&m.headers[i].prev_hash, &hashes[i - 1])) {
            punish(s, p, "non-continuous headers sequence");
            goto out;
        }
    }
    int64_t now = sync_now(s);
    const struct hash256 *last_hash = &hashes[m.count - 1];

    /* Continuing a presync? */
    bool presync = sp->npre && hash256_eq(&m.headers[0].prev_hash, &sp->pre_last);
    struct node_header_info parent;
    if (!presync) {
        if (sp->npre)
            presync_drop(sp);
        if (!n->header_info(n->ctx, &parent, &m.headers[0].prev_hash)) {
            sp->unconnecting++;
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "received unconnecting headers from peer=%" PRId64 " (%d in a row)", p->id,
                       sp->unconnecting);
            if (sp->unconnecting >= NET_SYNC_MAX_UNCONNECTING) {
                char reason[64];
                snprintf(reason, sizeof(reason), "%d non-connecting headers", sp->unconnecting);
                sp->unconnecting = 0;
                punish(s, p, reason);
                goto out;
            }
            send_getheaders_best(s, p, NULL);
            goto out;
        }
        sp->pre_parent = parent.hash;
        sp->pre_work = parent.chain_work;
    }
    sp->unconnecting = 0;

    /* Work of the chain ending at the last header. */
    struct arith256 work = sp->pre_work, w;
    for (size_t i = 0; i < m.count; i++) {
        arith256_work_from_compact(&w, m.headers[i].bits);
        arith256_add(&work, &work, &w);
    }
    struct arith256 threshold;
    net_sync_antidos_threshold(s, &threshold);
    bool validated = !presync && (peer_has_permission(p, PEER_PERM_NOBAN) || already_have_chain(s, last_hash));
    if (!validated && arith256_cmp(&work, &threshold) < 0) {
        /* Low-work: never stored. A full message may be the start of a long chain: buffer it (bounded). */
        if (m.count == NET_MAX_HEADERS_RESULTS && presync_append(sp, m.headers, m.count)) {
            sp->pre_work = work;
            sp->pre_last = *last_hash;
            send_getheaders(s, p, &sp->pre_last, &sp->pre_parent, NULL);
        } else {
            log_printf(LOG_NET, LOG_LEVEL_INFO, "Ignoring low-work chain (%zu headers) from peer=%" PRId64,
                       sp->npre + m.count, p->id);
            presync_drop(sp);
        }
        goto out;
    }

    struct val_state st;
    struct node_header_info last;
    bool ok = true;
    if (presync) {
        /* The buffered chain now has enough work: store it, 2000 at a time (each builds on the last). */
        for (size_t off = 0; ok && off < sp->npre; off += NET_MAX_HEADERS_RESULTS) {
            size_t k = sp->npre - off < NET_MAX_HEADERS_RESULTS ? sp->npre - off : NET_MAX_HEADERS_RESULTS;
            ok = n->accept_headers(n->ctx, &st, &last, sp->pre + off, k, NULL);
        }
        presync_drop(sp);
        if (ok)
            ok = n->accept_headers(n->ctx, &st, &last, m.headers, m.count, NULL);
    } else {
        ok = n->accept_headers(n->ctx, &st, &last, m.headers, m.count,
                               validated || arith256_is_zero(&threshold) ? NULL : &threshold);
    }
    if (!ok) {
        punish_for_block(s, p, &st, "invalid header received");
        goto out;
    }
    update_best(s, sp, &last);
    if (m.count == NET_MAX_HEADERS_RESULTS) {
        send_getheaders(s, p, NULL, &last.hash, NULL); /* there may be more */
    }
    if (last.height - s->last_header_log_height >= 10000 ||
        (m.count == NET_MAX_HEADERS_RESULTS && last.height - s->last_header_log_height >= 2000)) {
        s->last_header_log_height = last.height;
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Synchronizing blockheaders, height: %d (peer=%" PRId64 ")", last.height,
                   p->id);
    }
    struct sync_peer *staller;
    request_blocks(s, p, now, &staller);
out:
    mem_free(hashes);
    net_msg_headers_clear(&m);
    return true;
}

/* Logs sync progress every PROGRESS_INTERVAL_US while blocks arrive far behind the best header (or in IBD). */
static void progress_log(struct net_sync *s, int64_t now_us, bool force)
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
static bool catching_up(struct net_sync *s)
{
    const struct node_iface *n = s->node;
    if (n->is_initial_download(n->ctx))
        return true;
    struct node_header_info best;
    int32_t h = n->tip(n->ctx, NULL, NULL);
    return n->best_header(n->ctx, &best) && best.height - h >= 100;
}

struct set_time {
    int64_t t;
};

static void set_last_block_time(void *ctx, struct peer *p)
{
    p->last_block_time = ((struct set_time *)ctx)->t;
}

/* Blocks up to this far above the tip are taken unrequested (Core's MIN_BLOCKS_TO_KEEP). */
#define UNREQUESTED_MAX_AHEAD 288

/* Core's AcceptBlock rule for a block nobody asked for: it is stored only if
 * its chain has at least as much work as our tip (fHasMoreOrSameWork), it is
 * at most 288 blocks ahead and its chain reaches the minimum chain work (so a
 * peer cannot fill the disk with cheap side-chain blocks). */
static bool unrequested_block_wanted(struct net_sync *s, const struct block_header *hdr)
{
    const struct node_iface *n = s->node;
    struct node_header_info parent;
    struct arith256 tip_work, work;
    int32_t tip_h = n->tip(n->ctx, NULL, &tip_work);
    if (!n->header_info(n->ctx, &parent, &hdr->prev_hash))
        return true; /* unknown parent: process_block reports the missing parent (we then ask for headers) */
    if (parent.height + 1 > tip_h + UNREQUESTED_MAX_AHEAD)
        return false;
    arith256_work_from_compact(&work, hdr->bits);
    arith256_add(&work, &work, &parent.chain_work);
    return arith256_cmp(&work, &tip_work) >= 0 && arith256_cmp(&work, &s->min_work) >= 0;
}

/* Before an unwanted unrequested block is dropped, Core has checked it
 * (ProcessNewBlock's CheckBlock) and its header (AcceptBlockHeader, which
 * stores the header when its chain clears the anti-DoS threshold): a bad
 * block is reported and punished like any other. Returns false with st set
 * if the block or its header is invalid. Precondition: the parent is known. */
static bool check_unwanted_block(struct net_sync *s, struct val_state *st, const struct block *b)
{
    const struct node_iface *n = s->node;
    val_state_init(st);
    if (n->params && !block_check(st, b, n->params, true, true))
        return false;
    struct node_header_info parent, last;
    struct arith256 threshold, work;
    if (!n->header_info(n->ctx, &parent, &b->header.prev_hash))
        return true;
    net_sync_antidos_threshold(s, &threshold);
    arith256_work_from_compact(&work, b->header.bits);
    arith256_add(&work, &work, &parent.chain_work);
    if (arith256_cmp(&work, &threshold) < 0)
        return true; /* a header below the anti-DoS threshold is not stored (too-little-chainwork) */
    return n->accept_headers(n->ctx, st, &last, &b->header, 1, NULL);
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
static void src_add(struct net_sync *s, const struct hash256 *h, int64_t peer)
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
    s->src[s->nsrc++] = (struct block_source){ .hash = *h, .peer = peer };
}

/* Removes h's entry. Returns true if there was one (out: *peer, may be NULL). */
static bool src_take(struct net_sync *s, const struct hash256 *h, int64_t *peer)
{
    size_t i = src_find(s, h);
    if (i == SIZE_MAX)
        return false;
    if (peer)
        *peer = s->src[i].peer;
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
static void handle_invalid_news(struct net_sync *s)
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
        struct peer *p = NULL;
        if (!src_take(s, &news[i].hash, &id) || !connman_with_peer(s->cm, id, find_peer, &p) || !p || p->disconnect)
            continue;
        log_invalid_block(p, &news[i].hash, &news[i].st);
        punish_for_block(s, p, &news[i].st, "invalid block");
    }
    mem_free(news);
}

static bool h_block(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_sync *s = ctx;
    struct sync_peer *sp = sp_of(p);
    const struct node_iface *n = s->node;
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
    struct hash256 h;
    block_hash(&h, &b);
    int64_t now = sync_now(s);
    bool requested = false;
    for (size_t i = 0; i < s->nfl; i++) {
        if (hash256_eq(&s->fl[i].hash, &h)) {
            requested = s->fl[i].peer == sp;
            fl_remove_at(s, i);
            break;
        }
    }
    struct val_state st;
    if (!requested && !unrequested_block_wanted(s, &b.header)) {
        bool ok = check_unwanted_block(s, &st, &b);
        block_clear(&b);
        if (!ok) {
            log_invalid_block(p, &h, &st);
            punish_for_block(s, p, &st, "invalid block");
        } else {
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "ignoring unrequested low-work block from peer=%" PRId64, p->id);
        }
        return true;
    }
    if (sp)
        sp->stalling_since_us = 0;
    src_add(s, &h, p->id);
    enum node_block_result r = n->process_block(n->ctx, &st, &b);
    block_clear(&b);
    /* Blocks found invalid meanwhile (this one, or an earlier one that a
     * reorganisation tried to connect): their senders first. */
    handle_invalid_news(s);
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
            src_take(s, &h, NULL); /* connected: checked valid (stored side blocks keep their entry) */
        if (known && sp)
            update_best(s, sp, &info);
        if (catching_up(s))
            progress_log(s, now, false);
        break;
    }
    case NODE_BLOCK_DUPLICATE:
        src_take(s, &h, NULL);
        break;
    case NODE_BLOCK_INVALID:
        /* Not reported by the chain's event (header or mutation failures): punish here. */
        if (src_take(s, &h, NULL)) {
            log_invalid_block(p, &h, &st);
            punish_for_block(s, p, &st, "invalid block");
        }
        return true;
    case NODE_BLOCK_ERROR:
        src_take(s, &h, NULL);
        if (st.result == VAL_BLOCK_MISSING_PREV) {
            send_getheaders_best(s, p, &h);
        } else if (st.mode == VAL_INVALID) {
            /* Not the peer's fault (time-too-new: may become valid later); Core logs it and does not punish. */
            log_invalid_block(p, &h, &st);
            punish_for_block(s, p, &st, "invalid block");
        }
        break;
    }
    if (p->disconnect)
        return true;
    struct sync_peer *staller;
    request_blocks(s, p, now, &staller);
    return true;
}

/* Core: more than MAX_INV_SZ entries is Misbehaving "<command> message size = N". Returns true if so (punished). */
static bool inv_oversized(struct net_sync *s, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    uint64_t claimed;
    if (!net_msg_inv_count(&claimed, payload, len) || claimed <= NET_MAX_INV_SZ)
        return false;
    char reason[64];
    snprintf(reason, sizeof(reason), "%s message size = %" PRIu64, command, claimed);
    punish(s, p, reason);
    return true;
}

bool net_sync_on_inv(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct sync_peer *sp = sp_of(p);
    struct net_msg_inv m;
    if (inv_oversized(s, p, "inv", payload, len))
        return true;
    if (!net_msg_inv_parse(&m, payload, len))
        return false;
    const struct hash256 *unknown = NULL;
    for (size_t i = 0; i < m.count && sp; i++) {
        if ((m.items[i].type & ~INV_WITNESS_FLAG) != INV_BLOCK)
            continue;
        struct node_header_info info;
        if (s->node->header_info(s->node->ctx, &info, &m.items[i].hash))
            update_best(s, sp, &info);
        else
            unknown = &m.items[i].hash; /* Core asks headers for the last unknown one */
    }
    if (unknown)
        send_getheaders_best(s, p, unknown);
    net_msg_inv_clear(&m);
    return true;
}

/* Sends one block item. Returns false if we do not have it (the caller lists it in notfound). */
static bool serve_block(struct net_sync *s, struct peer *p, const struct net_inv *item)
{
    uint8_t *raw = NULL;
    size_t rlen = 0;
    if (!s->node->read_block_raw(s->node->ctx, &raw, &rlen, &item->hash))
        return false;
    if (item->type & INV_WITNESS_FLAG) {
        connman_send(s->cm, p, "block", raw, rlen);
    } else {
        /* MSG_BLOCK: the serialisation without witnesses. */
        struct block b;
        if (block_decode(&b, raw, rlen, true)) {
            struct wbuf w;
            wbuf_init(&w);
            block_serialize(&w, &b, false);
            send_wbuf(s, p, "block", &w);
            block_clear(&b);
        }
    }
    mem_free(raw);
    return true;
}

static bool is_block_item(uint32_t type)
{
    uint32_t base = type & ~INV_WITNESS_FLAG;
    return base == INV_BLOCK || base == INV_CMPCT_BLOCK || base == INV_FILTERED_BLOCK;
}

/* Core's ProcessGetData: serves p's pending items in request order until its
 * send queue passes the soft limit; the rest waits for net_sync_on_send_ready.
 * Unknown blocks of this round go into one notfound at the end. */
static void serve_pending(struct net_sync *s, struct peer *p, struct sync_peer *sp)
{
    struct net_inv *nf = NULL;
    size_t nnf = 0;
    while (sp->gd_off < sp->ngd && !p->disconnect) {
        if (connman_send_paused(s->cm, p))
            break;
        const struct net_inv *it = &sp->gd[sp->gd_off];
        if (is_block_item(it->type)) {
            sp->gd_off++;
            if (!serve_block(s, p, it)) {
                if (!nf)
                    nf = mem_alloc((sp->ngd - sp->gd_off + 1) * sizeof(*nf));
                nf[nnf++] = *it;
            }
            continue;
        }
        /* A run of other (transaction) items goes to the relay layer in one call,
         * a bounded batch at a time so the pause check still applies. */
        size_t end = sp->gd_off;
        while (end < sp->ngd && end - sp->gd_off < NET_SYNC_GETDATA_TX_BATCH && !is_block_item(sp->gd[end].type))
            end++;
        size_t first = sp->gd_off;
        sp->gd_off = end;
        if (s->tx_getdata)
            s->tx_getdata(s->tx_getdata_ctx, p, sp->gd + first, end - first);
    }
    if (nnf) {
        struct wbuf w;
        wbuf_init(&w);
        net_msg_inv_serialize(&w, nf, nnf);
        send_wbuf(s, p, "notfound", &w);
    }
    mem_free(nf);
    if (sp->gd_off >= sp->ngd || p->disconnect) {
        /* Done (or the peer is going): give the memory back. */
        mem_free(sp->gd);
        sp->gd = NULL;
        sp->ngd = sp->capgd = sp->gd_off = 0;
    }
}

bool net_sync_on_getdata(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_msg_inv m;
    if (inv_oversized(s, p, "getdata", payload, len))
        return true;
    if (!net_msg_inv_parse(&m, payload, len))
        return false;
    struct sync_peer *sp = sp_of(p);
    if (!sp) {
        net_msg_inv_clear(&m);
        return true;
    }
    /* Compact the served prefix, then append (bounded: at most one message's worth is kept). */
    if (sp->gd_off) {
        memmove(sp->gd, sp->gd + sp->gd_off, (sp->ngd - sp->gd_off) * sizeof(*sp->gd));
        sp->ngd -= sp->gd_off;
        sp->gd_off = 0;
    }
    size_t take = m.count;
    if (take > NET_SYNC_MAX_GETDATA_PENDING - sp->ngd) {
        take = NET_SYNC_MAX_GETDATA_PENDING - sp->ngd;
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "getdata backlog full, ignoring %zu items, peer=%" PRId64,
                   m.count - take, p->id);
    }
    if (sp->ngd + take > sp->capgd) {
        sp->capgd = sp->ngd + take;
        sp->gd = mem_realloc(sp->gd, sp->capgd * sizeof(*sp->gd));
    }
    if (take)
        memcpy(sp->gd + sp->ngd, m.items, take * sizeof(*sp->gd));
    sp->ngd += take;
    net_msg_inv_clear(&m);
    serve_pending(s, p, sp);
    return true;
}

void net_sync_on_send_ready(struct net_sync *s, struct peer *p)
{
    struct sync_peer *sp = sp_of(p);
    if (sp && sp->gd_off < sp->ngd)
        serve_pending(s, p, sp);
}

size_t net_sync_getdata_pending(const struct peer *p)
{
    const struct sync_peer *sp = p->sync_state;
    return sp ? sp->ngd - sp->gd_off : 0;
}

void net_sync_set_tx_getdata(struct net_sync *s, net_sync_tx_getdata_fn fn, void *ctx)
{
    s->tx_getdata = fn;
    s->tx_getdata_ctx = ctx;
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
    /* Core's rule: during IBD one outbound peer syncs headers; with a recent best header, every peer. */
    struct node_header_info best;
    bool recent = s->node->best_header(s->node->ctx, &best) &&
                  (int64_t)best.header.time > (int64_t)time(NULL) - RECENT_HEADER_SECONDS;
    if (!p->inbound && (s->nsync_started == 0 || recent))
        start_headers_sync(s, p, sync_now(s));
}

void net_sync_peer_disconnected(struct net_sync *s, struct peer *p)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp)
        return;
    for (size_t i = 0; i < s->nfl;) {
        if (s->fl[i].peer == sp)
            fl_remove_at(s, i);
        else
            i++;
    }
    if (sp->sync_started)
        s->nsync_started--;
    presync_drop(sp);
    mem_free(sp->gd);
    mem_free(sp);
    p->sync_state = NULL;
}

void net_sync_peer_stats(struct net_sync *s, const struct peer *p, struct net_sync_peer_stats *out)
{
    (void)s;
    const struct sync_peer *sp = p->sync_state;
    out->synced_headers = sp && sp->have_best ? sp->best_height : -1;
    out->synced_blocks = sp && sp->have_common ? sp->common_height : -1;
    out->in_flight = sp ? sp->in_flight : 0;
    out->presyncing = sp && sp->npre > 0;
}

/* ---- announcements ---- */

static void announce_tip(struct net_sync *s, struct peer *p, const struct hash256 *tip, int32_t height)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp || peer_has_header(s, sp, tip, height))
        return;
    const struct node_iface *n = s->node;
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
            send_wbuf(s, p, "headers", &w);
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
    send_wbuf(s, p, "inv", &w);
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
    handle_invalid_news(s);
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
            start_headers_sync(s, p, now);
        else if (sp->sync_started && ibd && !recent && s->nsync_started == 1 &&
                 now - sp->sync_start_us > HEADERS_SYNC_TIMEOUT_US && !peer_has_permission(p, PEER_PERM_NOBAN) &&
                 l.n > 1) {
            connman_disconnect(s->cm, p, "Timeout downloading headers");
            continue;
        }
    }

    /* Block download, then stall detection. */
    int64_t timeout_us = 0;
    {
        size_t downloading = 0;
        for (size_t i = 0; i < l.n; i++)
            downloading += sp_of(l.v[i])->in_flight > 0;
        int64_t spacing = n->params ? n->params->target_spacing : 600;
        timeout_us = spacing * 1000000LL * (2 + (int64_t)(downloading ? downloading - 1 : 0)) / 2;
    }
    for (size_t i = 0; i < l.n; i++) {
        struct sync_peer *staller = NULL;
        request_blocks(s, l.v[i], now, &staller);
        if (staller && staller->stalling_since_us == 0) {
            staller->stalling_since_us = now;
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Stall started peer=%" PRId64, staller->id);
        }
    }
    for (size_t i = 0; i < l.n; i++) {
        struct peer *p = l.v[i];
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
    if (ibd || catching_up(s))
        progress_log(s, now, false);
    mem_free(l.v);
}

/* ---- life cycle ---- */

static bool h_inv(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_inv(ctx, p, payload, len);
}

static bool h_getdata(void *ctx, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_getdata(ctx, p, payload, len);
}

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
    pthread_mutex_init(&s->mu, NULL);
    connman_set_handler(cm, "getheaders", h_getheaders, s);
    connman_set_handler(cm, "headers", h_headers, s);
    connman_set_handler(cm, "block", h_block, s);
    /* Defaults for the shared commands; the dispatch owner may replace them with a combined handler. */
    connman_set_handler(cm, "inv", h_inv, s);
    connman_set_handler(cm, "getdata", h_getdata, s);
    return s;
}

void net_sync_free(struct net_sync *s)
{
    if (!s)
        return;
    mem_free(s->fl);
    mem_free(s->src);
    mem_free(s->news);
    pthread_mutex_destroy(&s->mu);
    mem_free(s);
}

void net_sync_set_clock(struct net_sync *s, net_sync_clock_fn clock, void *ctx)
{
    s->clock = clock;
    s->clock_ctx = ctx;
}
