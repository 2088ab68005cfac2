/* Headers-first sync (see net/sync.h): getheaders, headers, the low-work
 * presync, block announcements by inv. */
#include <time.h>

#include "consensus/block.h"
#include "consensus/pow.h"
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
    sync_send_wbuf(s, p, "getheaders", &w);
    if (all != loc)
        mem_free(all);
    mem_free(loc);
}

/* Asks for headers from our best header's parent on (so the reply is never empty when the peer agrees). */
void sync_send_getheaders_best(struct net_sync *s, struct peer *p, const struct hash256 *stop)
{
    struct node_header_info best;
    if (!s->node->best_header(s->node->ctx, &best))
        return;
    const struct hash256 *from = &best.hash;
    if (best.height > 0)
        from = &best.header.prev_hash;
    send_getheaders(s, p, NULL, from, stop);
}

void sync_start_headers_sync(struct net_sync *s, struct peer *p, int64_t now_us)
{
    struct sync_peer *sp = sp_of(p);
    if (!sp || sp->sync_started)
        return;
    sp->sync_started = true;
    sp->sync_start_us = now_us;
    s->nsync_started++;
    log_printf(LOG_NET, LOG_LEVEL_INFO, "initial getheaders to peer=%" PRId64 " (startheight:%d)", p->id,
               p->start_height);
    sync_send_getheaders_best(s, p, NULL);
}

void sync_presync_drop(struct sync_peer *sp)
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

bool net_sync_on_headers(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct sync_peer *sp = sp_of(p);
    const struct node_iface *n = s->node;
    uint64_t claimed;
    if (!net_msg_headers_count(&claimed, payload, len))
        return false;
    if (claimed > NET_MAX_HEADERS_RESULTS) {
        char reason[64];
        snprintf(reason, sizeof(reason), "headers message size = %" PRIu64, claimed);
        sync_punish(s, p, reason);
        return true;
    }
    struct net_msg_headers m;
    if (!net_msg_headers_parse(&m, payload, len))
        return false;
    if (!sp || m.count == 0) {
        if (sp && sp->npre) {
            log_printf(LOG_NET, LOG_LEVEL_INFO, "Ignoring low-work chain of %zu headers from peer=%" PRId64, sp->npre, p->id);
            sync_presync_drop(sp);
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
            sync_punish(s, p, "header with invalid proof of work");
            goto out;
        }
    }
    for (size_t i = 1; i < m.count; i++) {
        if (!hash256_eq(&m.headers[i].prev_hash, &hashes[i - 1])) {
            sync_punish(s, p, "non-continuous headers sequence");
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
            sync_presync_drop(sp);
        if (!n->header_info(n->ctx, &parent, &m.headers[0].prev_hash)) {
            sp->unconnecting++;
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "received unconnecting headers from peer=%" PRId64 " (%d in a row)", p->id,
                       sp->unconnecting);
            if (sp->unconnecting >= NET_SYNC_MAX_UNCONNECTING) {
                char reason[64];
                snprintf(reason, sizeof(reason), "%d non-connecting headers", sp->unconnecting);
                sp->unconnecting = 0;
                sync_punish(s, p, reason);
                goto out;
            }
            sync_send_getheaders_best(s, p, NULL);
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
            sync_presync_drop(sp);
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
        sync_presync_drop(sp);
        if (ok)
            ok = n->accept_headers(n->ctx, &st, &last, m.headers, m.count, NULL);
    } else {
        ok = n->accept_headers(n->ctx, &st, &last, m.headers, m.count,
                               validated || arith256_is_zero(&threshold) ? NULL : &threshold);
    }
    if (!ok) {
        sync_punish_for_block(s, p, &st, "invalid header received");
        goto out;
    }
    sync_update_best(s, sp, &last);
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
    sync_request_blocks(s, p, now, &staller);
out:
    mem_free(hashes);
    net_msg_headers_clear(&m);
    return true;
}


bool net_sync_on_inv(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
    struct sync_peer *sp = sp_of(p);
    struct net_msg_inv m;
    if (sync_inv_oversized(s, p, "inv", payload, len))
        return true;
    if (!net_msg_inv_parse(&m, payload, len))
        return false;
    const struct hash256 *unknown = NULL;
    for (size_t i = 0; i < m.count && sp; i++) {
        if ((m.items[i].type & ~INV_WITNESS_FLAG) != INV_BLOCK)
            continue;
        struct node_header_info info;
        if (s->node->header_info(s->node->ctx, &info, &m.items[i].hash))
            sync_update_best(s, sp, &info);
        else
            unknown = &m.items[i].hash; /* Core asks headers for the last unknown one */
    }
    if (unknown)
        sync_send_getheaders_best(s, p, unknown);
    net_msg_inv_clear(&m);
    return true;
}

