/* Transaction relay with fake peers, a fake mempool and a driven clock:
 * trickle timing, wtxid/txid announcements, feefilter, request scheduling
 * (preference, delays, timeouts, notfound, per-peer caps), orphans, inv
 * limits, getdata serving and the mempool message. */
#include "net/txrelay.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/tx.h"
#include "consensus/validation.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/txorphan.h"
#include "net/txrequest.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

#define S 1000000LL

/* ---- fake network ---- */

struct sent {
    int64_t peer;
    char cmd[16];
    uint8_t *payload;
    size_t len;
};

static struct sent g_sent[4096];
static size_t g_nsent;
static int64_t g_punished[64];
static size_t g_npunished;
static int64_t g_disconnected[64];
static size_t g_ndisconnected;

static void fake_send(void *ctx, int64_t peer, const char *cmd, const uint8_t *p, size_t n)
{
    (void)ctx;
    ck_assert_uint_lt(g_nsent, 4096);
    g_sent[g_nsent].peer = peer;
    snprintf(g_sent[g_nsent].cmd, sizeof(g_sent[g_nsent].cmd), "%s", cmd);
    g_sent[g_nsent].payload = n ? mem_dup(p, n) : NULL;
    g_sent[g_nsent].len = n;
    g_nsent++;
}

static void fake_punish(void *ctx, int64_t peer, const char *why)
{
    (void)ctx;
    (void)why;
    g_punished[g_npunished++] = peer;
}

static void fake_disconnect(void *ctx, int64_t peer, const char *why)
{
    (void)ctx;
    (void)why;
    g_disconnected[g_ndisconnected++] = peer;
}

static int64_t g_new_tx[64];
static size_t g_nnew_tx;

static void fake_new_tx(void *ctx, int64_t peer)
{
    (void)ctx;
    g_new_tx[g_nnew_tx++] = peer;
}

static void sent_reset(void)
{
    g_nnew_tx = 0;
    for (size_t i = 0; i < g_nsent; i++)
        mem_free(g_sent[i].payload);
    g_nsent = 0;
    g_npunished = 0;
    g_ndisconnected = 0;
}

/* Counts sent messages of cmd to peer; with out: the parsed inv of the last one. */
static size_t count_sent(int64_t peer, const char *cmd, struct net_msg_inv *out)
{
    size_t n = 0;
    for (size_t i = 0; i < g_nsent; i++) {
        if (g_sent[i].peer != peer || strcmp(g_sent[i].cmd, cmd) != 0)
            continue;
        n++;
        if (out) {
            net_msg_inv_clear(out);
            ck_assert(net_msg_inv_parse(out, g_sent[i].payload, g_sent[i].len));
        }
    }
    return n;
}

/* ---- fake mempool ---- */

struct mtx {
    struct hash256 txid, wtxid;
    uint8_t *raw;
    size_t len;
    int64_t fee; /* vsize is 200 for all */
};

enum accept_mode { ACCEPT_OK, ACCEPT_INVALID, ACCEPT_NEED_PARENT };
static struct mtx g_pool[256];
static size_t g_npool;
static enum accept_mode g_mode;
static struct txrelay *g_tr;
static int g_accept_calls;
static int64_t g_min_fee = 1000;

static bool pool_has(const struct hash256 *id, bool is_wtxid)
{
    for (size_t i = 0; i < g_npool; i++)
        if (hash256_eq(is_wtxid ? &g_pool[i].wtxid : &g_pool[i].txid, id))
            return true;
    return false;
}

static bool f_have_tx(void *ctx, const struct hash256 *id, bool is_wtxid)
{
    (void)ctx;
    return pool_has(id, is_wtxid);
}

/* Puts tx into the fake pool without telling txrelay (as mempool.dat loading at startup does). */
static void pool_add_quiet(const struct tx *tx, int64_t fee)
{
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, tx, true);
    g_pool[g_npool].txid = tx->txid;
    g_pool[g_npool].wtxid = tx->wtxid;
    g_pool[g_npool].raw = wbuf_detach(&w, &g_pool[g_npool].len);
    g_pool[g_npool].fee = fee;
    g_npool++;
}

static void pool_add(const struct tx *tx)
{
    pool_add_quiet(tx, 2000);
    txrelay_tx_added(g_tr, &tx->txid, &tx->wtxid, 2000, 200); /* 10,000 per kvB */
}

static size_t f_list_mempool(void *ctx, struct node_mempool_tx **out, size_t *count, size_t max)
{
    (void)ctx;
    *out = NULL;
    *count = 0;
    if (g_npool == 0)
        return 0;
    *out = mem_calloc(g_npool, sizeof(**out));
    for (size_t i = 0; i < g_npool && *count < max; i++) {
        (*out)[*count] = (struct node_mempool_tx){
            .txid = g_pool[i].txid, .wtxid = g_pool[i].wtxid, .fee = g_pool[i].fee, .vsize = 200
        };
        (*count)++;
    }
    return g_npool;
}

static bool f_accept_tx(void *ctx, struct val_state *st, const struct tx *tx)
{
    (void)ctx;
    g_accept_calls++;
    val_state_init(st);
    if (g_mode == ACCEPT_INVALID)
        return val_invalid(st, VAL_TX_CONSENSUS, "bad-txns-in-belowout");
    /* hnum() ids (last byte 0xaa) stand for confirmed coins; others must be in the pool. */
    if (g_mode == ACCEPT_NEED_PARENT && tx->vin[0].prevout.txid.b[31] != 0xaa &&
        !pool_has(&tx->vin[0].prevout.txid, false))
        return val_invalid(st, VAL_TX_MISSING_INPUTS, "bad-txns-inputs-missingorspent");
    pool_add(tx);
    return true;
}

static bool f_get_tx_raw(void *ctx, uint8_t **data, size_t *len, int64_t *fee, int64_t *vsize,
                         const struct hash256 *id, bool is_wtxid, bool with_witness)
{
    (void)ctx;
    (void)with_witness;
    for (size_t i = 0; i < g_npool; i++) {
        if (hash256_eq(is_wtxid ? &g_pool[i].wtxid : &g_pool[i].txid, id)) {
            *data = mem_dup(g_pool[i].raw, g_pool[i].len);
            *len = g_pool[i].len;
            if (fee)
                *fee = 2000;
            if (vsize)
                *vsize = 200;
            return true;
        }
    }
    return false;
}

static void f_fee_info(void *ctx, struct node_fee_info *out)
{
    (void)ctx;
    out->min_fee = g_min_fee;
    out->min_relay_feerate = 1000;
    out->incremental_relay_feerate = 1000;
}

static bool f_ibd(void *ctx)
{
    (void)ctx;
    return false;
}

static const struct node_iface g_iface = {
    .ctx = NULL,
    .accept_tx = f_accept_tx,
    .have_tx = f_have_tx,
    .get_tx_raw = f_get_tx_raw,
    .fee_info = f_fee_info,
    .is_initial_download = f_ibd,
    .list_mempool = f_list_mempool,
};

static struct txrelay *make_relay(void)
{
    sent_reset();
    for (size_t i = 0; i < g_npool; i++)
        mem_free(g_pool[i].raw);
    g_npool = 0;
    g_mode = ACCEPT_OK;
    g_accept_calls = 0;
    struct txrelay_net net = { NULL, fake_send, fake_punish, fake_disconnect };
    g_tr = txrelay_new(&g_iface, &net, 12345);
    txrelay_set_new_tx_cb(g_tr, fake_new_tx);
    return g_tr;
}

static void add_peer(struct txrelay *tr, int64_t id, bool inbound, bool wtxid, int64_t now)
{
    struct txrelay_peer_opts o = { .inbound = inbound, .relay_txs = true, .wtxid_relay = wtxid,
                                   .feefilter_ok = true };
    ck_assert(txrelay_peer_add(tr, id, &o, now));
}

/* A transaction spending (prev, n) with a distinct output value. With
 * witness: one witness item, so txid != wtxid. */
static void make_tx(struct tx *tx, const struct hash256 *prev, uint32_t n, int64_t value, bool witness)
{
    tx_init(tx);
    struct outpoint op = { *prev, n };
    struct txin *in = tx_add_input(tx, &op, NULL, 0, 0xffffffff);
    if (witness) {
        uint8_t item[3] = { 1, 2, 3 };
        txin_witness_push(in, item, 3);
    }
    uint8_t spk[2] = { 0x51, 0x00 };
    tx_add_output(tx, value, spk, 1);
    tx_update_hashes(tx);
}

static void serialize(const struct tx *tx, struct wbuf *w)
{
    wbuf_init(w);
    tx_serialize(w, tx, true);
}

static void inv_payload(struct wbuf *w, uint32_t type, const struct hash256 *h, size_t n)
{
    struct net_inv *items = mem_calloc(n, sizeof(*items));
    for (size_t i = 0; i < n; i++) {
        items[i].type = type;
        items[i].hash = h[i];
    }
    wbuf_init(w);
    net_msg_inv_serialize(w, items, n);
    mem_free(items);
}

static struct hash256 hnum(uint32_t v)
{
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    memcpy(h.b, &v, 4);
    h.b[31] = 0xaa;
    return h;
}

/* ---- trickle ---- */

START_TEST(trickle_intervals_are_poisson_and_bounded)
{
    struct txrelay *tr = make_relay();
    /* Many outbound peers: their first trickle times are independent draws. */
    double sum = 0;
    int64_t max = 0;
    for (int i = 0; i < 2000; i++) {
        add_peer(tr, i, false, true, 0);
        int64_t d = txrelay_peer_next_inv(tr, i);
        ck_assert_int_ge(d, 0);
        ck_assert_int_le(d, 50 * TXRELAY_OUTBOUND_INV_INTERVAL_US);
        sum += (double)d;
        if (d > max)
            max = d;
    }
    double mean = sum / 2000;
    ck_assert(mean > 1.8 * S && mean < 2.2 * S); /* 2 s mean; sd of the mean is ~0.045 s */
    ck_assert(max > 6 * S);                         /* an exponential tail, not a fixed delay */
    txrelay_free(tr);
}
END_TEST

START_TEST(inbound_peers_share_one_timer_and_wait)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, true, true, 0);
    add_peer(tr, 2, true, true, 0);
    txrelay_tick(tr, 1); /* starts the shared inbound timer */
    ck_assert_int_eq(txrelay_peer_next_inv(tr, 1), txrelay_peer_next_inv(tr, 2));
    struct tx tx;
    struct hash256 prev = hnum(1);
    make_tx(&tx, &prev, 0, 100, true);
    pool_add(&tx);
    int64_t due = txrelay_peer_next_inv(tr, 1);
    txrelay_tick(tr, due - 1);
    ck_assert_uint_eq(count_sent(1, "inv", NULL), 0); /* not before the timer */
    struct net_msg_inv inv = { NULL, 0 };
    txrelay_tick(tr, due);
    ck_assert_uint_eq(count_sent(1, "inv", &inv), 1);
    ck_assert_uint_eq(count_sent(2, "inv", NULL), 1);
    ck_assert_uint_eq(inv.count, 1);
    ck_assert_uint_eq(inv.items[0].type, TXRELAY_MSG_WTX);
    ck_assert(hash256_eq(&inv.items[0].hash, &tx.wtxid));
    /* Next interval: mean 5 s, drawn anew. */
    ck_assert_int_gt(txrelay_peer_next_inv(tr, 1), due);
    /* Not announced twice. */
    txrelay_tick(tr, txrelay_peer_next_inv(tr, 1));
    ck_assert_uint_eq(count_sent(1, "inv", NULL), 1);
    net_msg_inv_clear(&inv);
    tx_clear(&tx);
    txrelay_free(tr);
}
END_TEST

START_TEST(announces_txid_to_legacy_peers_and_honours_feefilter)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, false, 0);
    add_peer(tr, 2, false, true, 0);
    uint8_t ff[8];
    int64_t rate = 50000; /* above the tx's 10,000 per kvB */
    for (int i = 0; i < 8; i++)
        ff[i] = (uint8_t)(rate >> (8 * i));
    txrelay_on_feefilter(tr, 2, ff, 8);
    struct tx tx;
    struct hash256 prev = hnum(2);
    make_tx(&tx, &prev, 0, 100, true);
    pool_add(&tx);
    txrelay_tick(tr, 100 * S);
    struct net_msg_inv inv = { NULL, 0 };
    ck_assert_uint_eq(count_sent(1, "inv", &inv), 1);
    ck_assert_uint_eq(inv.items[0].type, TXRELAY_MSG_TX);
    ck_assert(hash256_eq(&inv.items[0].hash, &tx.txid));
    ck_assert_uint_eq(count_sent(2, "inv", NULL), 0); /* filtered by its feefilter */
    /* The legacy peer may now fetch it by txid (it was announced to it). */
    struct wbuf w;
    inv_payload(&w, TXRELAY_MSG_TX | TXRELAY_MSG_WITNESS_FLAG, &tx.txid, 1);
    ck_assert(txrelay_on_getdata(tr, 1, w.data, w.len, 100 * S));
    ck_assert_uint_eq(count_sent(1, "tx", NULL), 1);
    /* Peer 2 was not told: within 2 minutes of arrival it gets notfound. */
    wbuf_clear(&w);
    inv_payload(&w, TXRELAY_MSG_WTX, &tx.wtxid, 1);
    ck_assert(txrelay_on_getdata(tr, 2, w.data, w.len, 100 * S));
    ck_assert_uint_eq(count_sent(2, "tx", NULL), 0);
    ck_assert_uint_eq(count_sent(2, "notfound", NULL), 1);
    wbuf_clear(&w);
    net_msg_inv_clear(&inv);
    tx_clear(&tx);
    txrelay_free(tr);
}
END_TEST

START_TEST(sends_rounded_feefilter)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, true, 0);
    g_min_fee = 12345;
    txrelay_tick(tr, 1);
    ck_assert_uint_eq(count_sent(1, "feefilter", NULL), 1);
    int64_t v;
    ck_assert(net_msg_feefilter_parse(&v, g_sent[0].payload, g_sent[0].len));
    ck_assert_int_le(v, 12345 * 11 / 10 + 1);
    ck_assert_int_ge(v, 1000);
    /* Rounding: result is a bucket value at or just around the input. */
    for (int64_t f = 1000; f < 10000000; f = f * 3 / 2) {
        int64_t r0 = txrelay_feefilter_round(f, 0), r1 = txrelay_feefilter_round(f, 1);
        ck_assert_int_ge(r0, f);         /* r % 3 == 0: the bucket at or above */
        ck_assert_int_lt(r0, f * 11 / 10 + 2);
        ck_assert_int_le(r1, f);         /* otherwise the one below */
        ck_assert_int_gt(r1, f * 10 / 11 - 2);
    }
    g_min_fee = 1000;
    txrelay_free(tr);
}
END_TEST

/* ---- requests ---- */

START_TEST(requests_prefer_outbound_and_delay_inbound)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, true, true, 0);  /* inbound */
    add_peer(tr, 2, false, true, 0); /* outbound */
    struct hash256 h = hnum(77);
    struct wbuf w;
    inv_payload(&w, TXRELAY_MSG_WTX, &h, 1);
    ck_assert(txrelay_on_inv(tr, 1, w.data, w.len, 10 * S));
    txrelay_tick(tr, 10 * S + 1);
    ck_assert_uint_eq(count_sent(1, "getdata", NULL), 0); /* inbound waits 2 s */
    ck_assert(txrelay_on_inv(tr, 2, w.data, w.len, 11 * S));
    txrelay_tick(tr, 11 * S);
    struct net_msg_inv inv = { NULL, 0 };
    ck_assert_uint_eq(count_sent(2, "getdata", &inv), 1); /* outbound first */
    ck_assert_uint_eq(inv.items[0].type, TXRELAY_MSG_WTX);
    txrelay_tick(tr, 13 * S);
    ck_assert_uint_eq(count_sent(1, "getdata", NULL), 0); /* one request in flight */
    /* No answer within 60 s: the inbound peer is asked next. */
    txrelay_tick(tr, 11 * S + TXRELAY_GETDATA_TIMEOUT_US);
    ck_assert_uint_eq(count_sent(1, "getdata", NULL), 1);
    /* notfound from it: nobody left, the id is dropped. */
    ck_assert(txrelay_on_notfound(tr, 1, w.data, w.len, 80 * S));
    ck_assert_uint_eq(txrelay_tracked_count(tr), 0);
    net_msg_inv_clear(&inv);
    wbuf_clear(&w);
    txrelay_free(tr);
}
END_TEST

START_TEST(ignores_wrong_inv_type_and_caps_per_peer)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, true, 0);
    struct hash256 *hs = mem_calloc(6000, sizeof(*hs));
    for (uint32_t i = 0; i < 6000; i++)
        hs[i] = hnum(1000 + i);
    struct wbuf w;
    inv_payload(&w, TXRELAY_MSG_TX, hs, 10); /* MSG_TX after wtxidrelay: ignored (BIP 339) */
    ck_assert(txrelay_on_inv(tr, 1, w.data, w.len, 0));
    ck_assert_uint_eq(txrelay_tracked_count(tr), 0);
    wbuf_clear(&w);
    inv_payload(&w, TXRELAY_MSG_WTX, hs, 6000);
    ck_assert(txrelay_on_inv(tr, 1, w.data, w.len, 0));
    ck_assert_uint_eq(txrelay_tracked_count(tr), TXRELAY_MAX_PEER_ANNOUNCEMENTS);
    struct txrelay_peer_stats st;
    ck_assert(txrelay_peer_stats(tr, 1, &st));
    ck_assert_uint_eq(st.tracked, TXRELAY_MAX_PEER_ANNOUNCEMENTS);
    /* Disconnect forgets everything. */
    txrelay_peer_remove(tr, 1);
    ck_assert_uint_eq(txrelay_tracked_count(tr), 0);
    wbuf_clear(&w);
    mem_free(hs);
    txrelay_free(tr);
}
END_TEST

START_TEST(oversized_inv_punishes)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, true, 0);
    struct wbuf w;
    wbuf_init(&w);
    wbuf_compact(&w, TXRELAY_MAX_INV_SZ + 1);
    uint8_t zero[36] = { 0 };
    for (int i = 0; i < 10; i++)
        wbuf_put(&w, zero, sizeof(zero));
    ck_assert(!txrelay_on_inv(tr, 1, w.data, w.len, 0));
    ck_assert_uint_eq(g_npunished, 1);
    ck_assert(!txrelay_on_getdata(tr, 1, w.data, w.len, 0));
    ck_assert_uint_eq(g_npunished, 2);
    /* A merely truncated inv is dropped without punishment. */
    w.len = 0;
    wbuf_compact(&w, 5);
    wbuf_put(&w, zero, 10);
    ck_assert(txrelay_on_inv(tr, 1, w.data, w.len, 0));
    ck_assert_uint_eq(g_npunished, 2);
    wbuf_clear(&w);
    txrelay_free(tr);
}
END_TEST

/* ---- receiving ---- */

START_TEST(invalid_tx_is_not_punished_and_not_refetched)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, true, 0);
    struct tx tx;
    struct hash256 prev = hnum(3);
    make_tx(&tx, &prev, 0, 100, true);
    struct wbuf raw;
    serialize(&tx, &raw);
    g_mode = ACCEPT_INVALID;
    txrelay_on_tx(tr, 1, raw.data, raw.len, 0);
    ck_assert_int_eq(g_accept_calls, 1);
    ck_assert_uint_eq(g_npunished, 0);
    ck_assert_uint_eq(g_ndisconnected, 0);
    ck_assert_uint_eq(g_nnew_tx, 0); /* not useful: last_tx_time stays */
    /* A valid one from peer 1: reported as new (last_tx_time), once; a duplicate is not. */
    g_mode = ACCEPT_OK;
    struct tx good;
    make_tx(&good, &prev, 1, 100, true);
    struct wbuf graw;
    serialize(&good, &graw);
    txrelay_on_tx(tr, 1, graw.data, graw.len, 0);
    ck_assert_uint_eq(g_nnew_tx, 1);
    ck_assert_int_eq(g_new_tx[0], 1);
    txrelay_on_tx(tr, 1, graw.data, graw.len, 0);
    ck_assert_uint_eq(g_nnew_tx, 1);
    wbuf_clear(&graw);
    tx_clear(&good);
    g_mode = ACCEPT_INVALID;
    /* Announced again: remembered as rejected, not requested. */
    struct wbuf w;
    inv_payload(&w, TXRELAY_MSG_WTX, &tx.wtxid, 1);
    ck_assert(txrelay_on_inv(tr, 1, w.data, w.len, 1 * S));
    ck_assert_uint_eq(txrelay_tracked_count(tr), 0);
    wbuf_clear(&w);
    wbuf_clear(&raw);
    tx_clear(&tx);
    txrelay_free(tr);
}
END_TEST

START_TEST(orphan_resolved_when_parent_arrives)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, false, true, 0);
    struct tx parent, child;
    struct hash256 prev = hnum(4);
    make_tx(&parent, &prev, 0, 1000, false);
    make_tx(&child, &parent.txid, 0, 900, true);
    struct wbuf raw;
    serialize(&child, &raw);
    g_mode = ACCEPT_NEED_PARENT;
    txrelay_on_tx(tr, 1, raw.data, raw.len, 0);
    ck_assert_uint_eq(txrelay_orphan_count(tr), 1);
    /* The missing parent is requested from the same peer, by txid (after
     * the 2 s txid delay, as there are wtxid-relay peers). */
    txrelay_tick(tr, 1);
    ck_assert_uint_eq(count_sent(1, "getdata", NULL), 0);
    txrelay_tick(tr, 2 * S);
    struct net_msg_inv inv = { NULL, 0 };
    ck_assert_uint_eq(count_sent(1, "getdata", &inv), 1);
    ck_assert_uint_eq(inv.items[0].type, TXRELAY_MSG_TX | TXRELAY_MSG_WITNESS_FLAG);
    ck_assert(hash256_eq(&inv.items[0].hash, &parent.txid));
    /* The parent arrives: accepted; the next tick retries the orphan. */
    wbuf_clear(&raw);
    serialize(&parent, &raw);
    txrelay_on_tx(tr, 1, raw.data, raw.len, 3 * S);
    ck_assert(pool_has(&parent.txid, false));
    txrelay_tick(tr, 4 * S);
    ck_assert(pool_has(&child.wtxid, true));
    ck_assert_uint_eq(txrelay_orphan_count(tr), 0);
    ck_assert_uint_eq(g_npunished, 0);
    net_msg_inv_clear(&inv);
    wbuf_clear(&raw);
    tx_clear(&parent);
    tx_clear(&child);
    txrelay_free(tr);
}
END_TEST

START_TEST(orphan_pool_limits)
{
    struct txorphan *o = txorphan_new(TXRELAY_MAX_ORPHANS, TXRELAY_MAX_ORPHAN_SIZE, TXRELAY_ORPHAN_EXPIRE_US, 7);
    uint8_t *big = mem_calloc(TXRELAY_MAX_ORPHAN_SIZE + 1, 1);
    struct hash256 parent = hnum(9);
    for (uint32_t i = 0; i < 150; i++) {
        struct hash256 id = hnum(5000 + i);
        ck_assert(txorphan_add(o, &id, &id, i % 3, big, 1000, &parent, 1, (int64_t)i * S));
        ck_assert_uint_le(txorphan_size(o), TXRELAY_MAX_ORPHANS);
    }
    ck_assert_uint_eq(txorphan_size(o), TXRELAY_MAX_ORPHANS); /* random eviction kept it at 100 */
    ck_assert_uint_eq(txorphan_bytes(o), TXRELAY_MAX_ORPHANS * 1000);
    struct hash256 id = hnum(99999);
    ck_assert(!txorphan_add(o, &id, &id, 0, big, TXRELAY_MAX_ORPHAN_SIZE + 1, &parent, 1, 0)); /* too big */
    ck_assert(txorphan_add(o, &id, &id, 0, big, TXRELAY_MAX_ORPHAN_SIZE, &parent, 1, 0));      /* limit ok */
    ck_assert(!txorphan_add(o, &id, &id, 0, big, 10, &parent, 1, 0));                          /* duplicate */
    struct txorphan_entry kids[TXRELAY_MAX_ORPHANS];
    ck_assert_uint_eq(txorphan_children(o, kids, TXRELAY_MAX_ORPHANS, &parent), TXRELAY_MAX_ORPHANS);
    size_t before = txorphan_size(o);
    size_t from1 = txorphan_erase_peer(o, 1);
    ck_assert_uint_eq(txorphan_size(o), before - from1);
    /* 20 minutes after arrival everything added before t=10 s is gone. */
    txorphan_expire(o, 10 * S + TXRELAY_ORPHAN_EXPIRE_US);
    ck_assert(!txorphan_have(o, &id)); /* added at t=0 */
    txorphan_expire(o, 1000 * S + TXRELAY_ORPHAN_EXPIRE_US);
    ck_assert_uint_eq(txorphan_size(o), 0);
    ck_assert_uint_eq(txorphan_bytes(o), 0);
    mem_free(big);
    txorphan_free(o);
}
END_TEST

static int64_t g_req_peers[16];
static int g_nreq;

static void note_req(void *arg, int64_t peer, const struct hash256 *id, bool is_wtxid)
{
    (void)arg;
    (void)id;
    ck_assert(is_wtxid);
    g_req_peers[g_nreq++] = peer;
}

START_TEST(txrequest_ready_times_and_failover)
{
    struct txrequest *t = txrequest_new(1, 2);
    struct hash256 h = hnum(123);
    g_nreq = 0;
    ck_assert(txrequest_add(t, 1, &h, true, false, 5 * S));
    ck_assert(!txrequest_add(t, 1, &h, true, false, 5 * S)); /* same peer twice */
    ck_assert(txrequest_add(t, 2, &h, true, false, 6 * S));
    ck_assert(txrequest_add(t, 3, &h, true, true, 7 * S)); /* preferred, ready last */
    txrequest_poll(t, 4 * S, 60 * S, note_req, NULL);
    ck_assert_int_eq(g_nreq, 0); /* nothing ready */
    txrequest_poll(t, 8 * S, 60 * S, note_req, NULL);
    ck_assert_int_eq(g_nreq, 1);
    ck_assert_int_eq(g_req_peers[0], 3); /* preferred wins once ready */
    ck_assert_uint_eq(txrequest_peer_in_flight(t, 3), 1);
    txrequest_poll(t, 9 * S, 60 * S, note_req, NULL);
    ck_assert_int_eq(g_nreq, 1); /* one in flight per id */
    txrequest_peer_failed(t, 3, &h); /* notfound */
    ck_assert_uint_eq(txrequest_peer_in_flight(t, 3), 0);
    txrequest_poll(t, 9 * S, 60 * S, note_req, NULL);
    ck_assert_int_eq(g_nreq, 2);
    ck_assert_int_eq(g_req_peers[1], 1); /* then the earliest announcement */
    txrequest_poll(t, 69 * S + 1, 60 * S, note_req, NULL); /* timed out */
    ck_assert_int_eq(g_nreq, 3);
    ck_assert_int_eq(g_req_peers[2], 2);
    txrequest_peer_remove(t, 2);
    ck_assert_uint_eq(txrequest_size(t), 0); /* every announcer failed or left */
    ck_assert_uint_eq(txrequest_peer_tracked(t, 1), 0);
    txrequest_free(t);
}
END_TEST

START_TEST(mempool_message_permission)
{
    struct txrelay *tr = make_relay();
    add_peer(tr, 1, true, true, 0);
    struct txrelay_peer_opts o = { .inbound = true, .relay_txs = true, .wtxid_relay = true, .perm_mempool = true };
    ck_assert(txrelay_peer_add(tr, 2, &o, 0));
    struct tx tx;
    struct hash256 prev = hnum(5);
    make_tx(&tx, &prev, 0, 100, true);
    pool_add(&tx);
    txrelay_tick(tr, 1);
    sent_reset();
    txrelay_on_mempool(tr, 1, 2);
    ck_assert_uint_eq(g_ndisconnected, 1);
    ck_assert_int_eq(g_disconnected[0], 1);
    /* The whitelisted peer already knows it from the trickle; a new one is listed. */
    struct tx tx2;
    make_tx(&tx2, &prev, 1, 100, true);
    pool_add(&tx2);
    txrelay_on_mempool(tr, 2, 2);
    txrelay_tick(tr, txrelay_peer_next_inv(tr, 2));
    struct net_msg_inv inv = { NULL, 0 };
    ck_assert_uint_ge(count_sent(2, "inv", &inv), 1);
    ck_assert(hash256_eq(&inv.items[inv.count - 1].hash, &tx2.wtxid));
    net_msg_inv_clear(&inv);
    tx_clear(&tx);
    tx_clear(&tx2);
    txrelay_free(tr);
}
END_TEST

START_TEST(mempool_message_lists_whole_mempool)
{
    /* Transactions the relay never heard of (loaded from mempool.dat before the network started)
     * are listed too: the answer comes from the mempool, not from a log of additions. */
    struct txrelay *tr = make_relay();
    struct tx old[3], cheap;
    for (uint32_t i = 0; i < 3; i++) {
        struct hash256 prev = hnum(10 + i);
        make_tx(&old[i], &prev, 0, 100, i != 1);
        pool_add_quiet(&old[i], 2000); /* 10,000 per kvB */
    }
    struct hash256 prev = hnum(20);
    make_tx(&cheap, &prev, 0, 100, true);
    pool_add_quiet(&cheap, 100); /* 500 per kvB: below the peer's feefilter */
    struct txrelay_peer_opts o = { .inbound = true, .relay_txs = true, .wtxid_relay = true, .perm_mempool = true,
                                   .feefilter_ok = true };
    ck_assert(txrelay_peer_add(tr, 7, &o, 0));
    int64_t rate = 1000;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_feefilter_serialize(&w, rate);
    txrelay_on_feefilter(tr, 7, w.data, w.len);
    wbuf_clear(&w);
    sent_reset();
    txrelay_on_mempool(tr, 7, 1);
    ck_assert_uint_eq(g_ndisconnected, 0);
    txrelay_tick(tr, txrelay_peer_next_inv(tr, 7));
    struct net_msg_inv inv = { NULL, 0 };
    ck_assert_uint_eq(count_sent(7, "inv", &inv), 1);
    ck_assert_uint_eq(inv.count, 3);
    for (uint32_t i = 0; i < 3; i++) {
        ck_assert(hash256_eq(&inv.items[i].hash, &old[i].wtxid));
        ck_assert_uint_eq(inv.items[i].type, TXRELAY_MSG_WTX);
    }
    net_msg_inv_clear(&inv);
    /* Listed ones count as announced: getdata for them is served. */
    struct net_inv req = { .type = TXRELAY_MSG_WTX, .hash = old[0].wtxid };
    wbuf_init(&w);
    net_msg_inv_serialize(&w, &req, 1);
    sent_reset();
    ck_assert(txrelay_on_getdata(tr, 7, w.data, w.len, txrelay_peer_next_inv(tr, 7)));
    wbuf_clear(&w);
    ck_assert_uint_eq(count_sent(7, "tx", NULL), 1);
    /* A second request lists nothing new (the peer knows them all). */
    sent_reset();
    txrelay_on_mempool(tr, 7, 2);
    txrelay_tick(tr, txrelay_peer_next_inv(tr, 7));
    ck_assert_uint_eq(count_sent(7, "inv", NULL), 0);
    for (int i = 0; i < 3; i++)
        tx_clear(&old[i]);
    tx_clear(&cheap);
    txrelay_free(tr);
}
END_TEST

static Suite *txrelay_suite(void)
{
    Suite *s = suite_create("net/txrelay");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, trickle_intervals_are_poisson_and_bounded);
    tcase_add_test(tc, inbound_peers_share_one_timer_and_wait);
    tcase_add_test(tc, announces_txid_to_legacy_peers_and_honours_feefilter);
    tcase_add_test(tc, sends_rounded_feefilter);
    tcase_add_test(tc, requests_prefer_outbound_and_delay_inbound);
    tcase_add_test(tc, ignores_wrong_inv_type_and_caps_per_peer);
    tcase_add_test(tc, oversized_inv_punishes);
    tcase_add_test(tc, invalid_tx_is_not_punished_and_not_refetched);
    tcase_add_test(tc, orphan_resolved_when_parent_arrives);
    tcase_add_test(tc, orphan_pool_limits);
    tcase_add_test(tc, txrequest_ready_times_and_failover);
    tcase_add_test(tc, mempool_message_permission);
    tcase_add_test(tc, mempool_message_lists_whole_mempool);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(txrelay_suite)
