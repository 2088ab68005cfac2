/* The one owner of P2P message handling: see net/peer_dispatch.h. */
#include "net/peer_dispatch.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/messages.h"
#include "net/node_iface.h"
#include "net/protocol.h"
#include "net/txrelay.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

/* A feefilter above all the money there is is ignored (Core's MoneyRange). */
#define MAX_MONEY_FEE (21000000LL * 100000000LL)

struct peer_dispatch {
    const struct node_iface *node;
    struct peer_dispatch_options o;
    struct connman *cm;
    struct net_sync *sync;
    struct txrelay *relay;
    struct addrrelay *addr;
};

static int64_t now_us(const struct peer_dispatch *d)
{
    if (d->o.clock)
        return d->o.clock(d->o.clock_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

void peer_dispatch_options_init(struct peer_dispatch_options *o)
{
    memset(o, 0, sizeof(*o));
    arith256_set_u64(&o->min_work, 0);
}

/* ---- punishment ---- */

/* Core's Misbehaving (see net/peer_dispatch.h). Event thread. */
static void punish(struct peer_dispatch *d, struct peer *p, const char *reason)
{
    /* Core's Misbehaving line, then MaybeDiscourageAndDisconnect. */
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Misbehaving: peer=%" PRId64 ": %s", p->id, reason);
    if (d->o.on_misbehaving)
        d->o.on_misbehaving(d->o.misbehaving_ctx, p, reason);
    if (addrrelay_discourage_peer(d->addr, p, reason))
        connman_disconnect(d->cm, p, reason);
}

/* The punish function the layers get (net_sync_punish_fn, addrrelay_punish_fn). */
static void punish_fn(void *ctx, struct peer *p, const char *reason)
{
    punish(ctx, p, reason);
}

/* ---- transaction relay -> connman (txrelay names peers by id) ---- */

struct relay_op {
    struct peer_dispatch *d;
    const char *command;
    const uint8_t *payload;
    size_t len;
    const char *reason;
    bool punish;
};

static void relay_send_fn(void *ctx, struct peer *p)
{
    struct relay_op *r = ctx;
    connman_send(r->d->cm, p, r->command, r->payload, r->len);
}

static void relay_send(void *ctx, int64_t peer, const char *command, const uint8_t *payload, size_t len)
{
    struct relay_op r = { .d = ctx, .command = command, .payload = payload, .len = len };
    connman_with_peer(r.d->cm, peer, relay_send_fn, &r);
}

static void relay_drop_fn(void *ctx, struct peer *p)
{
    struct relay_op *r = ctx;
    if (r->punish)
        punish(r->d, p, r->reason);
    else
        connman_disconnect(r->d->cm, p, r->reason);
}

static void relay_punish(void *ctx, int64_t peer, const char *reason)
{
    struct relay_op r = { .d = ctx, .reason = reason, .punish = true };
    connman_with_peer(r.d->cm, peer, relay_drop_fn, &r);
}

static void relay_disconnect(void *ctx, int64_t peer, const char *reason)
{
    struct relay_op r = { .d = ctx, .reason = reason, .punish = false };
    connman_with_peer(r.d->cm, peer, relay_drop_fn, &r);
}

static void relay_new_tx_fn(void *ctx, struct peer *p)
{
    (void)ctx;
    p->last_tx_time = (int64_t)time(NULL);
}

/* A peer's transaction entered the mempool: it is useful (inbound eviction protects such peers). */
static void relay_new_tx(void *ctx, int64_t peer)
{
    struct peer_dispatch *d = ctx;
    connman_with_peer(d->cm, peer, relay_new_tx_fn, NULL);
}

/* The transaction items of a getdata, in request order (sync queues and serves the whole getdata). */
static void sync_tx_getdata(void *ctx, struct peer *p, const struct net_inv *items, size_t n)
{
    struct peer_dispatch *d = ctx;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, items, n);
    txrelay_on_getdata(d->relay, p->id, w.data, w.len, now_us(d));
    wbuf_clear(&w);
}

/* ---- the command table ---- */

typedef bool (*command_fn)(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len);

static bool on_getheaders(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_getheaders(d->sync, p, payload, len);
}

static bool on_headers(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_headers(d->sync, p, payload, len);
}

static bool on_block(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_block(d->sync, p, payload, len);
}

/* inv: block items for sync, transaction items for relay. */
static bool on_inv(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    if (!net_sync_on_inv(d->sync, p, payload, len))
        return false;
    if (p->disconnect || (!p->relay_txs && p->type == PEER_BLOCK_RELAY_ONLY))
        return true; /* punished by sync (oversized), or no tx relay on this connection */
    txrelay_on_inv(d->relay, p->id, payload, len, now_us(d));
    return true;
}

/* getdata: sync queues every item and serves them in request order (blocks
 * itself, transactions through sync_tx_getdata), resuming when the peer's
 * send queue drains (on_send_ready). */
static bool on_getdata(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_getdata(d->sync, p, payload, len);
}

static bool on_notfound(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    txrelay_on_notfound(d->relay, p->id, payload, len, now_us(d));
    return true;
}

static bool on_tx(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    txrelay_on_tx(d->relay, p->id, payload, len, now_us(d));
    return true;
}

static bool on_feefilter(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    int64_t fee;
    if (net_msg_feefilter_parse(&fee, payload, len) && fee >= 0 && fee <= MAX_MONEY_FEE)
        p->fee_filter = fee; /* getpeerinfo's minfeefilter */
    txrelay_on_feefilter(d->relay, p->id, payload, len);
    return true;
}

static bool on_mempool(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    (void)payload;
    (void)len;
    txrelay_on_mempool(d->relay, p->id, now_us(d));
    return true;
}

static bool on_addr(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return addrrelay_on_addr(d->addr, p, payload, len, false);
}

static bool on_addrv2(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return addrrelay_on_addr(d->addr, p, payload, len, true);
}

static bool on_getaddr(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    (void)payload;
    (void)len;
    return addrrelay_on_getaddr(d->addr, p);
}

/* BIP 130: announce new blocks with headers. */
static bool on_sendheaders(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    (void)d;
    (void)payload;
    (void)len;
    p->prefer_headers = true;
    return true;
}

/* BIP 152 negotiation: only version 2 counts (Core); announce = the peer wants
 * new blocks pushed as cmpctblock (net/sync_cmpct.c). */
static bool on_sendcmpct(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    (void)d;
    bool announce;
    uint64_t version;
    if (net_msg_sendcmpct_parse(&announce, &version, payload, len) && version == 2) {
        p->sendcmpct_received = true;
        p->cmpct_announce = announce;
    }
    return true;
}

static bool on_cmpctblock(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_cmpctblock(d->sync, p, payload, len);
}

static bool on_getblocktxn(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_getblocktxn(d->sync, p, payload, len);
}

static bool on_blocktxn(struct peer_dispatch *d, struct peer *p, const uint8_t *payload, size_t len)
{
    return net_sync_on_blocktxn(d->sync, p, payload, len);
}

/* Compact block reconstruction looks in the orphan pool too (Core's extra transactions). */
static void sync_extra_txs(void *ctx, void (*fn)(void *arg, const struct tx *tx), void *arg)
{
    struct peer_dispatch *d = ctx;
    txrelay_orphans_each(d->relay, fn, arg);
}

static const struct {
    const char *command;
    command_fn fn;
} COMMANDS[] = {
    { NET_CMD_GETHEADERS, on_getheaders },   { NET_CMD_HEADERS, on_headers },     { NET_CMD_BLOCK, on_block },
    { NET_CMD_INV, on_inv },                 { NET_CMD_GETDATA, on_getdata },     { NET_CMD_NOTFOUND, on_notfound },
    { NET_CMD_TX, on_tx },                   { NET_CMD_FEEFILTER, on_feefilter }, { NET_CMD_MEMPOOL, on_mempool },
    { NET_CMD_ADDR, on_addr },               { NET_CMD_ADDRV2, on_addrv2 },       { NET_CMD_GETADDR, on_getaddr },
    { NET_CMD_SENDHEADERS, on_sendheaders }, { NET_CMD_SENDCMPCT, on_sendcmpct },
    { NET_CMD_CMPCTBLOCK, on_cmpctblock },   { NET_CMD_GETBLOCKTXN, on_getblocktxn }, { NET_CMD_BLOCKTXN, on_blocktxn },
};

/* One message from p after the handshake: calls the layer(s) that handle
 * `command`; an unknown command is logged and ignored. Returns false if the
 * message was malformed (the connman then calls on_bad_message). */
static bool dispatch(struct peer_dispatch *d, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    for (size_t i = 0; i < sizeof(COMMANDS) / sizeof(COMMANDS[0]); i++)
        if (strcmp(COMMANDS[i].command, command) == 0)
            return COMMANDS[i].fn(d, p, payload, len);
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "unknown message type %s from peer=%" PRId64, command, p->id);
    return true;
}

/* ---- connman callbacks ---- */

static bool cb_message(void *ctx, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    return dispatch(ctx, p, command, payload, len);
}

static void cb_bad_message(void *ctx, struct peer *p, const char *command)
{
    char reason[64];
    snprintf(reason, sizeof(reason), "malformed %s message", command);
    punish(ctx, p, reason);
}

static void cb_connected(void *ctx, struct peer *p)
{
    struct peer_dispatch *d = ctx;
    net_sync_peer_connected(d->sync, p);
}

static void cb_handshake_done(void *ctx, struct peer *p)
{
    struct peer_dispatch *d = ctx;
    net_sync_peer_handshake_done(d->sync, p);
    addrrelay_peer_handshake_done(d->addr, p);
    struct txrelay_peer_opts o = {
        .inbound = p->inbound,
        .relay_txs = p->relay_txs,
        .wtxid_relay = p->wtxid_relay,
        .feefilter_ok = p->version >= NET_FEEFILTER_VERSION,
        .perm_mempool = peer_has_permission(p, PEER_PERM_MEMPOOL),
        .perm_relay = peer_has_permission(p, PEER_PERM_RELAY),
    };
    txrelay_peer_add(d->relay, p->id, &o, now_us(d));
}

static void cb_disconnected(void *ctx, struct peer *p)
{
    struct peer_dispatch *d = ctx;
    net_sync_peer_disconnected(d->sync, p);
    addrrelay_peer_disconnected(d->addr, p);
    txrelay_peer_remove(d->relay, p->id);
}

static void cb_tick(void *ctx, int64_t connman_now_us)
{
    struct peer_dispatch *d = ctx;
    (void)connman_now_us; /* every layer runs on the dispatcher's clock */
    int64_t now = now_us(d);
    net_sync_tick(d->sync, now);
    txrelay_tick(d->relay, now);
    addrrelay_tick(d->addr, now);
}

static void cb_send_ready(void *ctx, struct peer *p)
{
    struct peer_dispatch *d = ctx;
    if (d->sync)
        net_sync_on_send_ready(d->sync, p);
}

static int32_t cb_start_height(void *ctx)
{
    struct peer_dispatch *d = ctx;
    int32_t h = d->node->tip(d->node->ctx, NULL, NULL);
    return h < 0 ? 0 : h;
}

static bool cb_is_banned(void *ctx, const struct net_addr *a)
{
    struct peer_dispatch *d = ctx;
    return addrrelay_is_banned(d->addr, a);
}

static bool cb_is_discouraged(void *ctx, const struct net_addr *a)
{
    struct peer_dispatch *d = ctx;
    return addrrelay_is_discouraged(d->addr, a);
}

static bool cb_select_address(void *ctx, struct net_addr *out, bool block_relay_only)
{
    struct peer_dispatch *d = ctx;
    return addrrelay_select_address(d->addr, out, block_relay_only);
}

static void cb_connect_failed(void *ctx, const struct net_addr *a)
{
    struct peer_dispatch *d = ctx;
    addrrelay_connect_failed(d->addr, a);
}

void peer_dispatch_callbacks(struct peer_dispatch *d, struct connman_callbacks *out)
{
    *out = (struct connman_callbacks){
        .ctx = d,
        .on_connected = cb_connected,
        .on_handshake_done = cb_handshake_done,
        .on_disconnected = cb_disconnected,
        .on_tick = cb_tick,
        .on_send_ready = cb_send_ready,
        .on_message = cb_message,
        .on_bad_message = cb_bad_message,
        .start_height = cb_start_height,
        .select_address = cb_select_address,
        .on_connect_failed = cb_connect_failed,
        .is_banned = cb_is_banned,
        .is_discouraged = cb_is_discouraged,
    };
}

/* ---- life cycle ---- */

static int64_t sync_clock(void *ctx)
{
    return now_us(ctx);
}

struct peer_dispatch *peer_dispatch_new(const struct node_iface *node, const struct peer_dispatch_options *o)
{
    struct peer_dispatch *d = mem_calloc(1, sizeof(*d));
    d->node = node;
    d->o = *o;
    return d;
}

void peer_dispatch_attach(struct peer_dispatch *d, struct connman *cm)
{
    d->cm = cm;
    d->addr = addrrelay_new(cm, &d->o.addr, punish_fn, d);
    d->o.addr.datadir = NULL; /* borrowed: used only above */
    d->sync = net_sync_new(cm, d->node, &d->o.min_work, punish_fn, d);
    if (d->o.clock)
        net_sync_set_clock(d->sync, sync_clock, d);
    net_sync_set_tx_getdata(d->sync, sync_tx_getdata, d);
    net_sync_set_extra_txs(d->sync, sync_extra_txs, d);
    net_sync_set_blocks_only(d->sync, d->o.blocks_only);
    struct txrelay_net rn = { .ctx = d, .send = relay_send, .punish = relay_punish, .disconnect = relay_disconnect };
    d->relay = txrelay_new(d->node, &rn, d->o.relay_seed);
    txrelay_set_new_tx_cb(d->relay, relay_new_tx);
}

void peer_dispatch_free(struct peer_dispatch *d)
{
    if (!d)
        return;
    txrelay_free(d->relay);
    net_sync_free(d->sync);
    addrrelay_free(d->addr);
    mem_free(d);
}

struct net_sync *peer_dispatch_sync(struct peer_dispatch *d)
{
    return d ? d->sync : NULL;
}

struct txrelay *peer_dispatch_txrelay(struct peer_dispatch *d)
{
    return d ? d->relay : NULL;
}

struct addrrelay *peer_dispatch_addrrelay(struct peer_dispatch *d)
{
    return d ? d->addr : NULL;
}
