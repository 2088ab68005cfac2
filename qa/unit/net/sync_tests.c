/* Tests for net/sync.c: the sync layer driven message by message through
 * net/'s dispatcher (net/peer_dispatch.c, as hashmintd runs it) over a fake
 * connection manager (this file defines the connman_* functions net/ calls,
 * so the real connman is not linked) and the node's own node_iface
 * (src/node/chain_iface.c) over a real regtest chainstate and mempool
 * (qa/unit/chain/chain_test_util.h). */
#include "net/sync.h"

#include <string.h>
#include <unistd.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "net/connman.h"
#include "net/messages.h"
#include "net/node_iface.h"
#include "net/peer_dispatch.h"
#include "qa/unit/chain/chain_test_util.h"
#include "qa/unit/unit.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/crypto/sha256.h"
#include "src/node/chain_iface.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

/* ---- a fake connman ---- */

#define MAX_PEERS 4
#define MAX_SENT 4096
#define INV_BLOCK 2u
#define INV_WITNESS_BLOCK (INV_BLOCK | (1u << 30))

struct sent {
    int64_t peer;
    char command[16];
    uint8_t *payload;
    size_t len;
};

static struct {
    struct peer *peers[MAX_PEERS];
    size_t npeers;
    struct sent sent[MAX_SENT];
    size_t nsent;
    struct connman_callbacks cb; /* the dispatcher's: what connman would call */
    int disconnects;
    int punishments;
    char last_punish[128];
    int accept_calls;
    int unrequested_header_checks; /* process_block calls that had the chain check an unstored block's header */
    char last_block_reject[256];
    bool last_min_work_set;
    struct arith256 last_min_work;
    /* Send-queue model: with pause_after > 0, a peer is paused once it has been
     * sent that many messages since the last drain (queued counts them). */
    size_t pause_after;
    size_t queued;
} F;

bool connman_send(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    (void)cm;
    if (F.nsent == MAX_SENT)
        return false;
    struct sent *s = &F.sent[F.nsent++];
    s->peer = p->id;
    snprintf(s->command, sizeof(s->command), "%s", command);
    s->payload = mem_dup(len ? payload : (const uint8_t *)"", len ? len : 1);
    s->len = len;
    F.queued++;
    return true;
}

void connman_disconnect(struct connman *cm, struct peer *p, const char *reason)
{
    (void)cm;
    (void)reason;
    p->disconnect = true;
    F.disconnects++;
}

bool connman_send_paused(struct connman *cm, const struct peer *p)
{
    (void)cm;
    (void)p;
    return F.pause_after > 0 && F.queued >= F.pause_after;
}

void connman_for_each_peer(struct connman *cm, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    (void)cm;
    for (size_t i = 0; i < F.npeers; i++)
        fn(ctx, F.peers[i]);
}

bool connman_with_peer(struct connman *cm, int64_t id, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    (void)cm;
    for (size_t i = 0; i < F.npeers; i++)
        if (F.peers[i]->id == id) {
            fn(ctx, F.peers[i]);
            return true;
        }
    return false;
}

uint64_t connman_local_services(struct connman *cm)
{
    (void)cm;
    return NET_NODE_NETWORK | NET_NODE_WITNESS;
}

static void clear_sent(void)
{
    for (size_t i = 0; i < F.nsent; i++)
        mem_free(F.sent[i].payload);
    F.nsent = 0;
}

/* Returns the last message `command` sent to peer, or NULL. */
static struct sent *last_sent(int64_t peer, const char *command)
{
    for (size_t i = F.nsent; i-- > 0;)
        if (F.sent[i].peer == peer && !strcmp(F.sent[i].command, command))
            return &F.sent[i];
    return NULL;
}

static size_t count_sent(int64_t peer, const char *command)
{
    size_t n = 0;
    for (size_t i = 0; i < F.nsent; i++)
        n += F.sent[i].peer == peer && !strcmp(F.sent[i].command, command);
    return n;
}

/* What connman does with a message after the handshake: on_message. Returns its answer. */
static bool deliver(struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    return F.cb.on_message(F.cb.ctx, p, command, payload, len);
}

/* The dispatcher's observer of punishments (it discourages and disconnects the peer itself). */
static void punish_cb(void *ctx, const struct peer *p, const char *reason)
{
    (void)ctx;
    (void)p;
    F.punishments++;
    snprintf(F.last_punish, sizeof(F.last_punish), "%s", reason);
}

/* ---- the node's node_iface, with accept_headers counted ---- */

static bool (*real_accept_headers)(void *ctx, struct val_state *st, struct node_header_info *last,
                                   const struct block_header *h, size_t n, const struct arith256 *min_work);

static bool spy_accept_headers(void *ctx, struct val_state *st, struct node_header_info *last,
                               const struct block_header *h, size_t n, const struct arith256 *min_work)
{
    F.accept_calls++;
    F.last_min_work_set = min_work != NULL;
    if (min_work)
        F.last_min_work = *min_work;
    return real_accept_headers(ctx, st, last, h, n, min_work);
}

static enum node_block_result (*real_process_block)(void *ctx, struct val_state *st, const struct block *b,
                                                   bool requested, bool min_pow_checked);

/* Counts the unrequested blocks whose header the chain was asked to check
 * (min_pow_checked) and keeps the chain's answer. */
static enum node_block_result spy_process_block(void *ctx, struct val_state *st, const struct block *b, bool requested,
                                                bool min_pow_checked)
{
    enum node_block_result r = real_process_block(ctx, st, b, requested, min_pow_checked);
    if (!requested && min_pow_checked)
        F.unrequested_header_checks++;
    snprintf(F.last_block_reject, sizeof(F.last_block_reject), "%s", st->reject);
    return r;
}

/* The test chain's clock: half a day after genesis, so the chain (blocks a
 * second apart from genesis) is out of initial block download from the start. */
static int64_t test_time(void)
{
    return 1795219200 + 12 * 3600;
}

/* ---- fixture ---- */

static struct test_chain T;
static struct mempool *MP;
static struct chain_iface_ctx CI;
static struct node_iface NI;
static struct peer_dispatch *D;
static struct net_sync *S;

static void mempool_open(void)
{
    struct mempool_options o;
    mempool_options_init(&o, T.p);
    mempool_chain_from_chainstate(&o.chain, T.cs);
    MP = mempool_new(&o);
    CI.cs = T.cs;
    CI.mp = MP;
}

static struct peer *add_peer(int64_t id, bool inbound, bool prefer_headers)
{
    struct peer *p = mem_calloc(1, sizeof(*p));
    p->id = id;
    p->inbound = inbound;
    p->type = inbound ? PEER_INBOUND : PEER_OUTBOUND_FULL_RELAY;
    p->handshake_done = true;
    p->services = NET_NODE_NETWORK | NET_NODE_WITNESS;
    p->prefer_headers = prefer_headers;
    F.peers[F.npeers++] = p;
    F.cb.on_connected(F.cb.ctx, p);
    F.cb.on_handshake_done(F.cb.ctx, p);
    return p;
}

static void setup_with(uint64_t min_work_u64)
{
    memset(&F, 0, sizeof(F));
    tc_setup(&T, "regtest");
    tc_close(&T);
    T.opt.adjusted_time = test_time;
    char err[512];
    ck_assert_msg(tc_reopen(&T, err, sizeof(err)) == 0, "%s", err);
    mempool_open();
    chain_iface_init(&NI, &CI, T.p);
    real_accept_headers = NI.accept_headers;
    NI.accept_headers = spy_accept_headers;
    real_process_block = NI.process_block;
    NI.process_block = spy_process_block;
    struct peer_dispatch_options o;
    peer_dispatch_options_init(&o);
    arith256_set_u64(&o.min_work, min_work_u64);
    o.addr.seed = 1;
    o.relay_seed = 1;
    o.on_misbehaving = punish_cb;
    D = peer_dispatch_new(&NI, &o);
    peer_dispatch_callbacks(D, &F.cb);
    peer_dispatch_attach(D, (struct connman *)&F);
    S = peer_dispatch_sync(D);
}

static void teardown(void)
{
    for (size_t i = 0; i < F.npeers; i++) {
        F.cb.on_disconnected(F.cb.ctx, F.peers[i]);
        mem_free(F.peers[i]);
    }
    F.npeers = 0;
    peer_dispatch_free(D);
    D = NULL;
    S = NULL;
    clear_sent();
    mempool_free(MP);
    MP = NULL;
    tc_teardown(&T);
}

/* n solved regtest headers on prev (times after prev's). */
static struct block_header *make_headers(const struct hash256 *prev, uint32_t start_time, size_t n, uint32_t salt)
{
    struct block_header *h = mem_calloc(n, sizeof(*h));
    struct hash256 p = *prev;
    for (size_t i = 0; i < n; i++) {
        h[i].version = 0x20000000;
        h[i].prev_hash = p;
        memset(h[i].merkle_root.b, (int)(salt & 0xff), sizeof(h[i].merkle_root.b));
        h[i].time = start_time + (uint32_t)i + 1;
        h[i].bits = 0x207fffff;
        struct arith256 target, hv;
        arith256_set_compact(&target, h[i].bits, NULL, NULL);
        for (h[i].nonce = 0;; h[i].nonce++) {
            block_header_hash(&p, &h[i]);
            arith256_from_hash(&hv, &p);
            if (arith256_cmp(&hv, &target) <= 0)
                break;
        }
    }
    return h;
}

static void send_headers(struct peer *p, const struct block_header *h, size_t n)
{
    struct wbuf w;
    wbuf_init(&w);
    net_msg_headers_serialize(&w, h, n);
    ck_assert(deliver(p, "headers", w.data, w.len));
    wbuf_clear(&w);
}

/* ---- tests ---- */

START_TEST(test_initial_getheaders_outbound_only)
{
    setup_with(0);
    struct peer *in = add_peer(1, true, false);
    struct peer *out = add_peer(2, false, false);
    ck_assert_uint_eq(count_sent(in->id, "getheaders"), 0);
    ck_assert_uint_eq(count_sent(out->id, "getheaders"), 1);
    struct net_msg_getheaders m;
    struct sent *s = last_sent(out->id, "getheaders");
    ck_assert(net_msg_getheaders_parse(&m, s->payload, s->len));
    ck_assert_uint_ge(m.count, 1);
    ck_assert(hash256_eq(&m.locator[m.count - 1], &chainstate_at_height(T.cs, 0)->hash));
    net_msg_getheaders_clear(&m);
    teardown();
}
END_TEST

START_TEST(test_headers_then_parallel_download)
{
    setup_with(0);
    struct peer *a = add_peer(1, false, false);
    struct peer *b = add_peer(2, false, false);
    struct block_index *g = chainstate_tip(T.cs);
    /* Real blocks, so they can be delivered: build 40 on genesis without processing them. */
    enum { N = 40 };
    struct block blocks[N];
    struct block_header hs[N];
    struct test_chain *t = &T;
    struct block_map *m = block_map_new();
    struct block_index *prev = g;
    for (int i = 0; i < N; i++) {
        tc_make_block(&blocks[i], t->p, prev, NULL, 0, 0, 0, 1000 + (uint32_t)i);
        hs[i] = blocks[i].header;
        struct block_index *bi = block_map_insert(m, &hs[i], NULL);
        bi->height = g->height + i + 1;
        prev = bi;
    }
    block_map_free(m);
    clear_sent();
    send_headers(a, hs, N);
    send_headers(b, hs, N);
    ck_assert_int_eq(chainstate_best_header(T.cs)->height, N);
    /* a got the first 16 in one getdata (witness blocks); b the next 16 */
    struct net_msg_inv ga, gb;
    struct sent *sa = last_sent(a->id, "getdata"), *sb = last_sent(b->id, "getdata");
    ck_assert_ptr_nonnull(sa);
    ck_assert_ptr_nonnull(sb);
    ck_assert(net_msg_inv_parse(&ga, sa->payload, sa->len));
    ck_assert(net_msg_inv_parse(&gb, sb->payload, sb->len));
    ck_assert_uint_eq(ga.count, NET_SYNC_MAX_IN_FLIGHT);
    ck_assert_uint_eq(gb.count, NET_SYNC_MAX_IN_FLIGHT);
    ck_assert_uint_eq(ga.items[0].type, 2u | (1u << 30));
    struct hash256 h1, h17;
    block_header_hash(&h1, &hs[0]);
    block_header_hash(&h17, &hs[16]);
    ck_assert(hash256_eq(&ga.items[0].hash, &h1));
    ck_assert(hash256_eq(&gb.items[0].hash, &h17));
    net_msg_inv_clear(&ga);
    net_msg_inv_clear(&gb);
    /* Deliver every block from whoever; all connect, and the rest is requested on the way. */
    for (int i = 0; i < N; i++) {
        struct wbuf w;
        wbuf_init(&w);
        block_serialize(&w, &blocks[i], true);
        ck_assert(deliver(i < 16 ? a : b, "block", w.data, w.len));
        wbuf_clear(&w);
    }
    ck_assert_int_eq(chainstate_height(T.cs), N);
    ck_assert_int_eq(F.punishments, 0);
    /* getdata for a block we have and one we do not: block + notfound */
    struct net_inv req[2] = { { .type = 2u | (1u << 30), .hash = h17 }, { .type = 2, .hash = { { 0x11 } } } };
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, req, 2);
    clear_sent();
    ck_assert(deliver(a, "getdata", w.data, w.len));
    wbuf_clear(&w);
    struct sent *blk = last_sent(a->id, "block");
    ck_assert_ptr_nonnull(blk);
    struct block back;
    ck_assert(net_msg_block_parse(&back, NULL, blk->payload, blk->len));
    struct hash256 bh;
    block_hash(&bh, &back);
    ck_assert(hash256_eq(&bh, &h17));
    block_clear(&back);
    ck_assert_ptr_nonnull(last_sent(a->id, "notfound"));
    for (int i = 0; i < N; i++)
        block_clear(&blocks[i]);
    teardown();
}
END_TEST

START_TEST(test_bad_headers_punished)
{
    setup_with(0);
    struct peer *a = add_peer(1, false, false);
    struct hash256 g = chainstate_tip(T.cs)->hash;
    uint32_t t0 = chainstate_tip(T.cs)->header.time;
    /* 2,001 headers: punished by count alone */
    struct wbuf w;
    wbuf_init(&w);
    wbuf_compact(&w, 2001);
    ck_assert(deliver(a, "headers", w.data, w.len));
    wbuf_clear(&w);
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_str_eq(F.last_punish, "headers message size = 2001");
    /* non-continuous */
    struct block_header *h = make_headers(&g, t0, 3, 1);
    struct block_header swapped[3] = { h[0], h[2], h[1] };
    send_headers(a, swapped, 3);
    ck_assert_int_eq(F.punishments, 2);
    ck_assert_str_eq(F.last_punish, "non-continuous headers sequence");
    /* bad proof of work: Core's CheckHeadersPoW wording, before anything is looked up */
    struct block_header bad = h[0];
    bad.bits = 0x1d00ffff; /* a target the regtest-solved hash does not meet */
    send_headers(a, &bad, 1);
    ck_assert_int_eq(F.punishments, 3);
    ck_assert_str_eq(F.last_punish, "header with invalid proof of work");
    /* proof of work fine, wrong difficulty for its place: the chain's reject reason */
    struct block_header hard = h[0];
    hard.bits = 0x2000ffff;
    struct arith256 target, hv;
    struct hash256 hh;
    arith256_set_compact(&target, hard.bits, NULL, NULL);
    for (hard.nonce = 0;; hard.nonce++) {
        block_header_hash(&hh, &hard);
        arith256_from_hash(&hv, &hh);
        if (arith256_cmp(&hv, &target) <= 0)
            break;
    }
    send_headers(a, &hard, 1);
    ck_assert_int_eq(F.punishments, 4);
    ck_assert_str_eq(F.last_punish, "invalid header received: bad-diffbits");
    /* valid ones are stored */
    send_headers(a, h, 3);
    ck_assert_int_eq(F.punishments, 4);
    ck_assert_int_eq(chainstate_best_header(T.cs)->height, 3);
    mem_free(h);
    teardown();
}
END_TEST

START_TEST(test_unconnecting_headers)
{
    setup_with(0);
    struct peer *a = add_peer(1, false, false);
    struct hash256 nowhere;
    memset(&nowhere, 0x42, sizeof(nowhere));
    struct block_header *h = make_headers(&nowhere, 1795219200, 1, 2);
    clear_sent();
    for (int i = 1; i < NET_SYNC_MAX_UNCONNECTING; i++) {
        send_headers(a, h, 1);
        ck_assert_uint_eq(count_sent(a->id, "getheaders"), (size_t)i); /* asked for the gap */
        ck_assert_int_eq(F.punishments, 0);
    }
    send_headers(a, h, 1);
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_str_eq(F.last_punish, "10 non-connecting headers");
    mem_free(h);
    teardown();
}
END_TEST

START_TEST(test_low_work_presync)
{
    /* Regtest work is 2 per header: genesis 2; 2,500 headers on it reach 5,002. Threshold 4,500. */
    setup_with(4500);
    struct peer *a = add_peer(1, false, false);
    struct peer *b = add_peer(2, false, false);
    struct hash256 g = chainstate_tip(T.cs)->hash;
    uint32_t t0 = chainstate_tip(T.cs)->header.time;
    struct block_header *h = make_headers(&g, t0, 2500, 3);
    /* A short low-work chain from b: ignored, not stored, not punished. */
    send_headers(b, h, 100);
    ck_assert_int_eq(chainstate_best_header(T.cs)->height, 0);
    ck_assert_int_eq(F.punishments, 0);
    /* A full message from a: buffered, not stored; getheaders continues from its last header. */
    clear_sent();
    send_headers(a, h, 2000);
    ck_assert_int_eq(chainstate_best_header(T.cs)->height, 0);
    struct block_index *none = chainstate_lookup(T.cs, &h[1].prev_hash);
    ck_assert_ptr_null(none);
    struct net_sync_peer_stats st;
    net_sync_peer_stats(S, a, &st);
    ck_assert(st.presyncing);
    struct sent *s = last_sent(a->id, "getheaders");
    ck_assert_ptr_nonnull(s);
    struct net_msg_getheaders m;
    ck_assert(net_msg_getheaders_parse(&m, s->payload, s->len));
    struct hash256 last;
    block_header_hash(&last, &h[1999]);
    ck_assert(hash256_eq(&m.locator[0], &last));
    net_msg_getheaders_clear(&m);
    /* The rest lifts the chain over the threshold: all 2,500 are stored. */
    send_headers(a, h + 2000, 500);
    ck_assert_int_eq(chainstate_best_header(T.cs)->height, 2500);
    net_sync_peer_stats(S, a, &st);
    ck_assert(!st.presyncing);
    ck_assert_int_eq(st.synced_headers, 2500);
    ck_assert_int_eq(F.punishments, 0);
    mem_free(h);
    teardown();
}
END_TEST

START_TEST(test_low_work_tip_relative)
{
    /* Minimum chain work 0, but an active chain of 200 blocks (work 2 each, genesis 2: 402).
     * Core's anti-DoS threshold: 402 - 144 x 2 = 114, i.e. a chain of more than 56 headers. */
    setup_with(0);
    tc_mine_n(&T, 200);
    struct arith256 thr, want;
    net_sync_antidos_threshold(S, &thr);
    arith256_set_u64(&want, 114);
    ck_assert_int_eq(arith256_cmp(&thr, &want), 0);

    struct peer *a = add_peer(1, false, false);
    struct block_index *g = chainstate_at_height(T.cs, 0);
    /* 50 headers forking from genesis: work 102 < 114, ignored, not stored, not punished. */
    struct block_header *low = make_headers(&g->hash, g->header.time, 50, 7);
    F.accept_calls = 0;
    send_headers(a, low, 50);
    ck_assert_int_eq(F.accept_calls, 0);
    ck_assert_ptr_null(chainstate_lookup(T.cs, &low[1].prev_hash));
    ck_assert_int_eq(F.punishments, 0);
    ck_assert(!a->disconnect);

    /* 60 headers from genesis: 122 >= 114: stored, and the threshold is passed down to the chain. */
    struct block_header *enough = make_headers(&g->hash, g->header.time, 60, 8);
    send_headers(a, enough, 60);
    ck_assert_int_eq(F.accept_calls, 1);
    ck_assert(F.last_min_work_set);
    ck_assert_int_eq(arith256_cmp(&F.last_min_work, &want), 0);
    ck_assert_ptr_nonnull(chainstate_lookup(T.cs, &enough[59].prev_hash));

    /* A short fork near the tip (10 headers on block 190) is always welcome. */
    struct block_index *b190 = chainstate_at_height(T.cs, 190);
    struct block_header *near = make_headers(&b190->hash, b190->header.time, 10, 9);
    send_headers(a, near, 10);
    ck_assert_ptr_nonnull(chainstate_lookup(T.cs, &near[9].prev_hash));

    /* Headers of our own active chain (a peer catching up announces what we have): not checked, fine. */
    struct block_header own[20];
    struct block_index *bi = chainstate_at_height(T.cs, 1);
    for (int i = 0; i < 20; i++, bi = chainstate_next(T.cs, bi))
        own[i] = bi->header;
    F.accept_calls = 0;
    send_headers(a, own, 20);
    ck_assert_int_eq(F.accept_calls, 1);
    ck_assert(!F.last_min_work_set);
    ck_assert_int_eq(F.punishments, 0);

    /* A noban peer bypasses the check (Core: trusted peers save the round trips). */
    struct peer *nb = add_peer(2, false, false);
    nb->permissions |= PEER_PERM_NOBAN;
    struct block_header *trusted = make_headers(&g->hash, g->header.time, 50, 10);
    send_headers(nb, trusted, 50);
    ck_assert_ptr_nonnull(chainstate_lookup(T.cs, &trusted[49].prev_hash));

    /* The threshold follows the tip: 20 more blocks raise it by 40. */
    tc_mine_n(&T, 20);
    net_sync_antidos_threshold(S, &thr);
    arith256_set_u64(&want, 154);
    ck_assert_int_eq(arith256_cmp(&thr, &want), 0);
    struct block_header *stale = make_headers(&g->hash, g->header.time, 70, 11); /* 142 < 154 */
    send_headers(a, stale, 70);
    ck_assert_ptr_null(chainstate_lookup(T.cs, &stale[1].prev_hash));
    ck_assert(!a->disconnect);
    mem_free(low);
    mem_free(enough);
    mem_free(near);
    mem_free(trusted);
    mem_free(stale);
    teardown();
}
END_TEST

START_TEST(test_announce_headers_or_inv)
{
    setup_with(0);
    struct peer *hp = add_peer(1, true, true);  /* sendheaders */
    struct peer *ip = add_peer(2, true, false); /* inv */
    tc_mine_n(&T, 2);
    struct block_index *tip = chainstate_tip(T.cs);
    /* Let hp know our height-1 block (it sent us headers up to there). */
    struct block_header h1 = chainstate_at_height(T.cs, 1)->header;
    send_headers(hp, &h1, 1);
    clear_sent();
    net_sync_new_tip(S, &tip->hash, tip->height, false);
    net_sync_tick(S, 0);
    struct sent *s = last_sent(hp->id, "headers");
    ck_assert_ptr_nonnull(s);
    struct net_msg_headers mh;
    ck_assert(net_msg_headers_parse(&mh, s->payload, s->len));
    ck_assert_uint_eq(mh.count, 1); /* only the block it lacks */
    struct hash256 hh;
    block_header_hash(&hh, &mh.headers[0]);
    ck_assert(hash256_eq(&hh, &tip->hash));
    net_msg_headers_clear(&mh);
    s = last_sent(ip->id, "inv");
    ck_assert_ptr_nonnull(s);
    struct net_msg_inv mi;
    ck_assert(net_msg_inv_parse(&mi, s->payload, s->len));
    ck_assert_uint_eq(mi.count, 1);
    ck_assert(hash256_eq(&mi.items[0].hash, &tip->hash));
    net_msg_inv_clear(&mi);
    /* Not again for the same tip. */
    clear_sent();
    net_sync_new_tip(S, &tip->hash, tip->height, false);
    net_sync_tick(S, 0);
    ck_assert_uint_eq(count_sent(hp->id, "headers") + count_sent(ip->id, "inv"), 0);
    teardown();
}
END_TEST

/* Builds n real blocks on the tip without processing them. Out: blocks[], hs[]. */
static void build_blocks(struct block *blocks, struct block_header *hs, int n)
{
    struct block_index *g = chainstate_tip(T.cs);
    struct block_map *m = block_map_new();
    struct block_index *prev = g;
    for (int i = 0; i < n; i++) {
        tc_make_block(&blocks[i], T.p, prev, NULL, 0, 0, 0, 5000 + (uint32_t)i);
        hs[i] = blocks[i].header;
        struct block_index *bi = block_map_insert(m, &hs[i], NULL);
        bi->height = g->height + i + 1;
        prev = bi;
    }
    block_map_free(m);
}

static void give_block(struct peer *p, const struct block *b)
{
    struct wbuf w;
    wbuf_init(&w);
    block_serialize(&w, b, true);
    ck_assert(deliver(p, "block", w.data, w.len));
    wbuf_clear(&w);
}

/* Hands peer p every block of its outstanding getdata messages (newest request first), repeatedly,
 * until it asks for nothing more. Returns how many blocks were delivered. */
static int serve_all(struct peer *p, struct block *blocks, const struct block_header *hs, int n)
{
    int served = 0;
    for (;;) {
        struct sent *s = last_sent(p->id, "getdata");
        if (!s)
            return served;
        struct net_msg_inv m;
        ck_assert(net_msg_inv_parse(&m, s->payload, s->len));
        s->command[0] = 0; /* consumed */
        for (size_t i = 0; i < m.count; i++)
            for (int k = 0; k < n; k++) {
                struct hash256 h;
                block_header_hash(&h, &hs[k]);
                if (hash256_eq(&h, &m.items[i].hash)) {
                    give_block(p, &blocks[k]);
                    served++;
                }
            }
        net_msg_inv_clear(&m);
    }
}

START_TEST(test_stalling_peer_disconnected)
{
    setup_with(0);
    enum { N = NET_SYNC_BLOCK_WINDOW + 40 };
    struct block *blocks = mem_calloc(N, sizeof(*blocks));
    struct block_header *hs = mem_calloc(N, sizeof(*hs));
    build_blocks(blocks, hs, N);
    struct peer *slow = add_peer(1, false, false);
    struct peer *fast = add_peer(2, false, false);
    for (int off = 0; off < N; off += 2000) {
        int k = N - off < 2000 ? N - off : 2000;
        send_headers(slow, hs + off, (size_t)k);
        send_headers(fast, hs + off, (size_t)k);
    }
    /* slow holds blocks 1..16; fast downloads the rest of the window. */
    int served = serve_all(fast, blocks, hs, N);
    ck_assert_int_eq(served, NET_SYNC_BLOCK_WINDOW - NET_SYNC_MAX_IN_FLIGHT);
    ck_assert_int_eq(chainstate_height(T.cs), 0); /* nothing connects without 1..16 */
    net_sync_tick(S, 0); /* fast is blocked by slow: slow is marked stalling */
    ck_assert(!slow->disconnect);
    usleep((NET_SYNC_STALL_SECONDS * 1000 + 300) * 1000);
    net_sync_tick(S, 0);
    ck_assert(slow->disconnect);
    ck_assert(!fast->disconnect);
    /* slow goes away; its blocks are re-requested from fast and everything connects. */
    F.cb.on_disconnected(F.cb.ctx, slow);
    F.peers[0] = F.peers[1];
    F.npeers = 1;
    mem_free(slow);
    net_sync_tick(S, 0);
    serve_all(fast, blocks, hs, N);
    net_sync_tick(S, 0);
    serve_all(fast, blocks, hs, N);
    ck_assert_int_eq(chainstate_height(T.cs), N);
    for (int i = 0; i < N; i++)
        block_clear(&blocks[i]);
    mem_free(blocks);
    mem_free(hs);
    teardown();
}
END_TEST

/* The tx server: records the items it is given as fake "tx" sends, one per item. */
static void fake_tx_getdata(void *ctx, struct peer *p, const struct net_inv *items, size_t n)
{
    (void)ctx;
    for (size_t i = 0; i < n; i++)
        connman_send(NULL, p, "tx", items[i].hash.b, 32);
}

/* The regression: a getdata for many blocks to a peer whose send queue fills
 * up must not lose the rest; it is served after the queue drains, in order,
 * with transaction items and notfound in their place. */
START_TEST(test_getdata_resumes_after_pause)
{
    setup_with(0);
    net_sync_set_tx_getdata(S, fake_tx_getdata, NULL);
    enum { N = 12 };
    tc_mine_n(&T, N);
    struct hash256 hashes[N];
    struct block_index *bi = chainstate_tip(T.cs);
    for (int i = N; i-- > 0; bi = bi->prev)
        hashes[i] = bi->hash;
    struct peer *p = add_peer(7, true, false);
    clear_sent();
    /* blocks 0..5, tx A, an unknown block, tx B, blocks 6..11 */
    struct net_inv items[N + 3];
    size_t n = 0;
    struct hash256 txa, txb, unknown;
    memset(&txa, 0xa1, sizeof(txa));
    memset(&txb, 0xb2, sizeof(txb));
    memset(&unknown, 0x5e, sizeof(unknown));
    for (int i = 0; i < 6; i++)
        items[n++] = (struct net_inv){ INV_WITNESS_BLOCK, hashes[i] };
    items[n++] = (struct net_inv){ 0x40000001u, txa }; /* MSG_WITNESS_TX */
    items[n++] = (struct net_inv){ INV_WITNESS_BLOCK, unknown };
    items[n++] = (struct net_inv){ 5u, txb }; /* MSG_WTX */
    for (int i = 6; i < N; i++)
        items[n++] = (struct net_inv){ INV_WITNESS_BLOCK, hashes[i] };
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, items, n);
    F.pause_after = 4;
    F.queued = 0;
    ck_assert(deliver(p, "getdata", w.data, w.len));
    wbuf_clear(&w);
    /* Paused after 4 blocks: the rest waits, nothing is dropped. */
    ck_assert_uint_eq(count_sent(p->id, "block"), 4);
    ck_assert_uint_eq(net_sync_getdata_pending(p), n - 4);
    /* Still paused: a send-ready call serves nothing. */
    net_sync_on_send_ready(S, p);
    ck_assert_uint_eq(count_sent(p->id, "block"), 4);
    /* Drains once: 4 more sends (blocks 4, 5, tx A, tx B; the unknown block's
     * notfound is sent at the end of this round). */
    F.queued = 0;
    net_sync_on_send_ready(S, p);
    ck_assert_uint_eq(count_sent(p->id, "block"), 6);
    ck_assert_uint_gt(net_sync_getdata_pending(p), 0);
    /* Drains for good. */
    F.pause_after = 0;
    net_sync_on_send_ready(S, p);
    ck_assert_uint_eq(net_sync_getdata_pending(p), 0);
    ck_assert_uint_eq(count_sent(p->id, "block"), N);
    ck_assert_uint_eq(count_sent(p->id, "notfound"), 1);
    /* Every reply in request order (notfound ends the round it was found in). */
    size_t bi_next = 0, k = 0;
    bool saw_a = false, saw_b = false;
    for (size_t i = 0; i < F.nsent; i++) {
        struct sent *s = &F.sent[i];
        if (s->peer != p->id)
            continue;
        k++;
        if (!strcmp(s->command, "block")) {
            struct block b;
            ck_assert(block_decode(&b, s->payload, s->len, true));
            struct hash256 h;
            block_header_hash(&h, &b.header);
            block_clear(&b);
            ck_assert_msg(hash256_eq(&h, &hashes[bi_next]), "block %zu out of order", bi_next);
            bi_next++;
            /* tx A comes after block 5, tx B before block 6 */
            ck_assert(bi_next <= 6 || (saw_a && saw_b));
        } else if (!strcmp(s->command, "tx")) {
            if (!saw_a) {
                ck_assert_uint_eq(bi_next, 6);
                ck_assert(!memcmp(s->payload, txa.b, 32));
                saw_a = true;
            } else {
                ck_assert(!saw_b);
                ck_assert(!memcmp(s->payload, txb.b, 32));
                saw_b = true;
            }
        } else if (!strcmp(s->command, "notfound")) {
            struct net_msg_inv m;
            ck_assert(net_msg_inv_parse(&m, s->payload, s->len));
            ck_assert_uint_eq(m.count, 1);
            ck_assert(hash256_eq(&m.items[0].hash, &unknown));
            net_msg_inv_clear(&m);
        } else {
            ck_abort_msg("unexpected %s", s->command);
        }
    }
    ck_assert_uint_eq(bi_next, N);
    ck_assert(saw_a && saw_b);
    ck_assert_uint_eq(k, N + 3);
    teardown();
}
END_TEST

/* A second getdata while items are pending is queued behind them (no reordering), and a
 * disconnecting peer's backlog is freed. */
START_TEST(test_getdata_backlog_appends)
{
    setup_with(0);
    enum { N = 6 };
    tc_mine_n(&T, N);
    struct hash256 hashes[N];
    struct block_index *bi = chainstate_tip(T.cs);
    for (int i = N; i-- > 0; bi = bi->prev)
        hashes[i] = bi->hash;
    struct peer *p = add_peer(8, true, false);
    clear_sent();
    struct net_inv a[3], b[3];
    for (int i = 0; i < 3; i++) {
        a[i] = (struct net_inv){ INV_BLOCK, hashes[i] };
        b[i] = (struct net_inv){ INV_WITNESS_BLOCK, hashes[3 + i] };
    }
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, a, 3);
    F.pause_after = 1;
    F.queued = 0;
    ck_assert(deliver(p, "getdata", w.data, w.len));
    ck_assert_uint_eq(net_sync_getdata_pending(p), 2);
    wbuf_clear(&w);
    net_msg_inv_serialize(&w, b, 3);
    ck_assert(deliver(p, "getdata", w.data, w.len));
    wbuf_clear(&w);
    ck_assert_uint_eq(net_sync_getdata_pending(p), 5);
    F.pause_after = 0;
    net_sync_on_send_ready(S, p);
    ck_assert_uint_eq(net_sync_getdata_pending(p), 0);
    size_t j = 0;
    for (size_t i = 0; i < F.nsent; i++) {
        if (F.sent[i].peer != p->id || strcmp(F.sent[i].command, "block"))
            continue;
        struct block blk;
        ck_assert(block_decode(&blk, F.sent[i].payload, F.sent[i].len, true));
        struct hash256 h;
        block_header_hash(&h, &blk.header);
        block_clear(&blk);
        ck_assert(hash256_eq(&h, &hashes[j]));
        j++;
    }
    ck_assert_uint_eq(j, N);
    /* Leave a backlog behind: teardown's disconnect frees it (ASan checks). */
    F.pause_after = 1;
    F.queued = 0;
    net_msg_inv_serialize(&w, a, 3);
    ck_assert(deliver(p, "getdata", w.data, w.len));
    wbuf_clear(&w);
    ck_assert_uint_eq(net_sync_getdata_pending(p), 2);
    teardown();
}
END_TEST

/* ---- block handling as Bitcoin Core's feature_block scenarios exercise it ---- */

static void give_raw(struct peer *p, const uint8_t *data, size_t len, bool expect_ok)
{
    ck_assert(deliver(p, "block", data, len) == expect_ok);
}

/* A block on prev that nobody has processed yet. Out: *b (block_clear it). */
static void sibling_block(struct block *b, const struct block_index *prev, uint32_t extra_nonce)
{
    tc_make_block(b, T.p, prev, NULL, 0, 0, 0, extra_nonce);
}

static bool getdata_asks(int64_t peer, const struct hash256 *h)
{
    bool found = false;
    for (size_t i = 0; i < F.nsent && !found; i++) {
        if (F.sent[i].peer != peer || strcmp(F.sent[i].command, "getdata"))
            continue;
        struct net_msg_inv m;
        ck_assert(net_msg_inv_parse(&m, F.sent[i].payload, F.sent[i].len));
        for (size_t k = 0; k < m.count; k++)
            found = found || hash256_eq(&m.items[k].hash, h);
        net_msg_inv_clear(&m);
    }
    return found;
}

/* Core's UpdateBlockAvailability keeps a header with at least as much work as the
 * peer's best: a competing block of our tip's work is requested at once. */
START_TEST(test_equal_work_fork_requested)
{
    setup_with(0);
    tc_mine_n(&T, 3);
    struct peer *a = add_peer(1, false, false);
    struct block_index *tip = chainstate_tip(T.cs);
    /* The peer has told us about our own tip (equal work to the fork below). */
    send_headers(a, &tip->header, 1);
    struct block fork;
    sibling_block(&fork, tip->prev, 77);
    struct hash256 fh;
    block_hash(&fh, &fork);
    clear_sent();
    send_headers(a, &fork.header, 1);
    ck_assert_msg(getdata_asks(a->id, &fh), "the equal-work fork block is requested");
    give_block(a, &fork);
    struct block_index *fi = chainstate_lookup(T.cs, &fh);
    ck_assert_ptr_nonnull(fi);
    ck_assert(fi->status & BLOCK_HAVE_DATA);
    ck_assert(hash256_eq(&chainstate_tip(T.cs)->hash, &tip->hash)); /* first seen stays the tip */
    ck_assert_int_eq(F.punishments, 0);
    block_clear(&fork);
    teardown();
}
END_TEST

/* Core's fHasMoreOrSameWork: an unrequested block of the tip's work is stored. */
START_TEST(test_unrequested_equal_work_block_stored)
{
    setup_with(0);
    tc_mine_n(&T, 3);
    struct peer *a = add_peer(1, true, false);
    struct block_index *tip = chainstate_tip(T.cs);
    struct block fork;
    sibling_block(&fork, tip->prev, 78);
    struct hash256 fh;
    block_hash(&fh, &fork);
    give_block(a, &fork);
    struct block_index *fi = chainstate_lookup(T.cs, &fh);
    ck_assert_ptr_nonnull(fi);
    ck_assert(fi->status & BLOCK_HAVE_DATA);
    ck_assert_int_eq(F.punishments, 0);
    block_clear(&fork);
    teardown();
}
END_TEST

/* An unrequested block with less work is not stored, but checked first (Core's
 * ProcessNewBlock/AcceptBlock): its header is validated (and stored when fine),
 * a bad one is reported with its reason and punished as Core does. */
START_TEST(test_unrequested_low_work_block_checked)
{
    setup_with(0);
    tc_mine_n(&T, 4);
    struct peer *a = add_peer(1, true, false);
    struct block_index *tip = chainstate_tip(T.cs);
    struct block_index *base = tip->prev->prev; /* a fork one block short of the tip's work */

    /* Three hours in the future: time-too-new (Core's BLOCK_TIME_FUTURE: not punished, not stored). */
    struct block future;
    sibling_block(&future, base, 80);
    future.header.time = (uint32_t)(tc_time() + 3 * 3600);
    tc_solve(&future, T.p);
    struct hash256 h;
    block_hash(&h, &future);
    F.unrequested_header_checks = 0;
    give_block(a, &future);
    ck_assert_int_eq(F.unrequested_header_checks, 1); /* the header was checked (by the chain, with the block) */
    ck_assert_str_eq(F.last_block_reject, "time-too-new");
    ck_assert_ptr_null(chainstate_lookup(T.cs, &h));
    ck_assert_int_eq(F.punishments, 0);
    ck_assert(!a->disconnect);
    block_clear(&future);

    /* A valid low-work block: its header is stored, its data is not. */
    struct block low;
    sibling_block(&low, base, 81);
    block_hash(&h, &low);
    give_block(a, &low);
    struct block_index *li = chainstate_lookup(T.cs, &h);
    ck_assert_ptr_nonnull(li);
    ck_assert(!(li->status & BLOCK_HAVE_DATA));
    ck_assert_int_eq(F.punishments, 0);
    block_clear(&low);

    /* Proof of work not met: high-hash, punished. */
    struct block high;
    sibling_block(&high, base, 82);
    struct arith256 target, hv;
    arith256_set_compact(&target, high.header.bits, NULL, NULL);
    for (;; high.header.nonce++) {
        block_header_hash(&h, &high.header);
        arith256_from_hash(&hv, &h);
        if (arith256_cmp(&hv, &target) > 0)
            break;
    }
    give_block(a, &high);
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_str_eq(F.last_punish, "invalid block: high-hash");
    ck_assert_ptr_null(chainstate_lookup(T.cs, &h));
    block_clear(&high);
    teardown();
}
END_TEST

/* Core logs "non-canonical ReadCompactSize()" for such a block message and keeps the peer;
 * the canonical block is accepted afterwards. */
START_TEST(test_noncanonical_block_kept)
{
    setup_with(0);
    tc_mine_n(&T, 2);
    struct peer *a = add_peer(1, true, false);
    struct block b;
    sibling_block(&b, chainstate_tip(T.cs), 90);
    struct wbuf w, nc;
    wbuf_init(&w);
    wbuf_init(&nc);
    block_serialize(&w, &b, true);
    ck_assert_uint_lt(b.tx_count, 0xfd);
    wbuf_put(&nc, w.data, 80);
    wbuf_u8(&nc, 0xfd); /* tx count in the 3-byte form */
    wbuf_u16le(&nc, (uint16_t)b.tx_count);
    wbuf_put(&nc, w.data + 81, w.len - 81);
    give_raw(a, nc.data, nc.len, true);
    ck_assert_int_eq(F.punishments, 0);
    ck_assert(!a->disconnect);
    ck_assert_int_eq(chainstate_height(T.cs), 2);
    give_raw(a, w.data, w.len, true);
    ck_assert_int_eq(chainstate_height(T.cs), 3);
    /* Truncated: still malformed (the connman's bad-message path). */
    give_raw(a, w.data, w.len - 1, false);
    wbuf_clear(&w);
    wbuf_clear(&nc);
    block_clear(&b);
    teardown();
}
END_TEST

static void ev_invalid(void *ctx, const struct block_index *idx, const struct val_state *st)
{
    (void)ctx;
    net_sync_block_invalid(S, &idx->hash, st);
}

/* The chain events as the node wires them (src/node/net_glue.c). */
static void wire_events(void)
{
    mempool_free(MP);
    tc_close(&T);
    T.events = events_new();
    T.opt.events = T.events;
    char err[512];
    ck_assert_msg(tc_reopen(&T, err, sizeof(err)) == 0, "%s", err);
    mempool_open();
    struct events_subscriber sub;
    memset(&sub, 0, sizeof(sub));
    sub.block_invalid = ev_invalid;
    events_subscribe(T.events, &sub);
}

/* Core's mapBlockSource + BlockChecked: a side-chain block that turns out invalid
 * only when a later block makes the node reorganise to it punishes the peer that
 * sent it, not the one whose block triggered the reorganisation. */
START_TEST(test_invalid_side_block_punishes_sender)
{
    setup_with(0);
    wire_events();
    tc_mine_n(&T, 5);
    struct peer *a = add_peer(1, true, false);
    struct peer *b = add_peer(2, true, false);
    struct block_index *tip = chainstate_tip(T.cs);
    /* B1 forks at the tip's parent and spends an output that does not exist. */
    struct outpoint nowhere;
    memset(&nowhere, 0x5a, sizeof(nowhere));
    struct tx bad;
    tc_spend(&bad, &nowhere, 1000000, 900000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct block b1;
    tc_make_block(&b1, T.p, tip->prev, &bad, 1, 0, 0, 91);
    struct hash256 h1;
    block_hash(&h1, &b1);
    give_block(a, &b1); /* equal work: stored, not connected */
    struct block_index *i1 = chainstate_lookup(T.cs, &h1);
    ck_assert_ptr_nonnull(i1);
    ck_assert(i1->status & BLOCK_HAVE_DATA);
    ck_assert_int_eq(F.punishments, 0);
    /* B2 on B1 from another peer: more work, the node tries B1 and finds it invalid. */
    struct block b2;
    tc_make_block(&b2, T.p, i1, NULL, 0, 0, 0, 92);
    give_block(b, &b2);
    ck_assert(hash256_eq(&chainstate_tip(T.cs)->hash, &tip->hash));
    ck_assert(i1->status & BLOCK_FAILED_VALID);
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_msg(strstr(F.last_punish, "bad-txns-inputs-missingorspent") != NULL, "%s", F.last_punish);
    ck_assert(a->disconnect);
    ck_assert(!b->disconnect);
    tx_clear(&bad);
    block_clear(&b1);
    block_clear(&b2);
    teardown();
    events_free(T.events);
}
END_TEST

/* A block that fails while being connected on the tip is punished once (the
 * chain's event and process_block's answer describe the same failure). */
START_TEST(test_invalid_block_punished_once)
{
    setup_with(0);
    wire_events();
    tc_mine_n(&T, 2);
    struct peer *a = add_peer(1, true, false);
    struct outpoint nowhere;
    memset(&nowhere, 0x6b, sizeof(nowhere));
    struct tx bad;
    tc_spend(&bad, &nowhere, 1000000, 900000, TC_GENESIS_SPK, sizeof(TC_GENESIS_SPK));
    struct block blk;
    tc_make_block(&blk, T.p, chainstate_tip(T.cs), &bad, 1, 0, 0, 93);
    give_block(a, &blk);
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_msg(strstr(F.last_punish, "bad-txns-inputs-missingorspent") != NULL, "%s", F.last_punish);
    net_sync_tick(S, 0);
    ck_assert_int_eq(F.punishments, 1);
    tx_clear(&bad);
    block_clear(&blk);
    teardown();
    events_free(T.events);
}
END_TEST

/* Core: Misbehaving "inv message size = N" / "getdata message size = N"; trailing
 * bytes after the entries are ignored. */
START_TEST(test_inv_size_and_trailing_bytes)
{
    setup_with(0);
    struct peer *a = add_peer(1, true, false);
    struct wbuf w;
    wbuf_init(&w);
    wbuf_compact(&w, NET_MAX_INV_SZ + 1);
    ck_assert(deliver(a, "inv", w.data, w.len));
    ck_assert_int_eq(F.punishments, 1);
    ck_assert_str_eq(F.last_punish, "inv message size = 50001");
    ck_assert(deliver(a, "getdata", w.data, w.len));
    ck_assert_int_eq(F.punishments, 2);
    ck_assert_str_eq(F.last_punish, "getdata message size = 50001");
    wbuf_clear(&w);
    struct peer *b = add_peer(2, true, false);
    tc_mine_n(&T, 1);
    struct net_inv item = { INV_WITNESS_BLOCK, chainstate_tip(T.cs)->hash };
    net_msg_inv_serialize(&w, &item, 1);
    wbuf_u32le(&w, 0x12345678); /* trailing bytes */
    clear_sent();
    ck_assert(deliver(b, "getdata", w.data, w.len));
    ck_assert_uint_eq(count_sent(b->id, "block"), 1);
    ck_assert(deliver(b, "inv", w.data, w.len));
    ck_assert_int_eq(F.punishments, 2);
    wbuf_clear(&w);
    teardown();
}
END_TEST

static Suite *sync_suite(void)
{
    Suite *s = suite_create("net_sync");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_initial_getheaders_outbound_only);
    tcase_add_test(tc, test_headers_then_parallel_download);
    tcase_add_test(tc, test_bad_headers_punished);
    tcase_add_test(tc, test_unconnecting_headers);
    tcase_add_test(tc, test_low_work_presync);
    tcase_add_test(tc, test_low_work_tip_relative);
    tcase_add_test(tc, test_announce_headers_or_inv);
    tcase_add_test(tc, test_stalling_peer_disconnected);
    tcase_add_test(tc, test_getdata_resumes_after_pause);
    tcase_add_test(tc, test_getdata_backlog_appends);
    tcase_add_test(tc, test_equal_work_fork_requested);
    tcase_add_test(tc, test_unrequested_equal_work_block_stored);
    tcase_add_test(tc, test_unrequested_low_work_block_checked);
    tcase_add_test(tc, test_noncanonical_block_kept);
    tcase_add_test(tc, test_invalid_side_block_punishes_sender);
    tcase_add_test(tc, test_invalid_block_punished_once);
    tcase_add_test(tc, test_inv_size_and_trailing_bytes);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sync_suite)
