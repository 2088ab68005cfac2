/* Serving (see net/sync.h): answers to getheaders, and getdata queued per
 * peer and served in request order as its send queue drains. */
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

/* ---- getheaders ---- */

bool net_sync_on_getheaders(struct net_sync *s, struct peer *p, const uint8_t *payload, size_t len)
{
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
    sync_send_wbuf(s, p, "headers", &w);
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
            sync_send_wbuf(s, p, "block", &w);
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
            bool cmpct = (it->type & ~INV_WITNESS_FLAG) == INV_CMPCT_BLOCK;
            if (!(cmpct ? sync_cmpct_serve(s, p, &it->hash) : serve_block(s, p, it))) {
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
        sync_send_wbuf(s, p, "notfound", &w);
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
    if (sync_inv_oversized(s, p, "getdata", payload, len))
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
