/* Fuzz harness: the P2P message processor (net/sync.c, net/txrelay.c,
 * net/addrrelay.c with its address and ban managers) fed arbitrary message
 * sequences from four peers.
 *
 * The node around them is fake and lives in memory, so a run is fast and
 * leaves nothing on disk (the chain and mempool: qa/fuzz/net_fake_node.h):
 *  - the connection manager: this file defines the connman_* functions the
 *    layers call (as qa/unit/net/sync_tests.c does), so the real connman is
 *    not linked; messages go to net/peer_dispatch.c's on_message callback,
 *    peer events and the tick to its other callbacks, as connman calls them;
 *  - the chain: a header tree with the regtest genesis and two pre-mined
 *    branches (built once, in LLVMFuzzerInitialize) behind a node_iface that
 *    checks proof of work, bits, connection and block_check like the node;
 *  - the mempool: accepts or rejects a transaction deterministically from its
 *    bytes (missing parents, consensus and policy failures, success);
 *  - the address manager: seeded from the input, so a run is reproducible;
 *  - the clock: a fake monotonic clock that the input advances (given to the
 *    dispatcher, which runs every layer on it).
 *
 * The dispatcher, the layers and the punishment policy are hashmintd's own
 * (net/peer_dispatch.c); only the transport, the chain and the clock are fake.
 *
 * Input: a sequence of records
 *   u8 op_peer   peer = low 2 bits, op = the rest (mod the op table)
 *   u8 dt        clock step: < 128: dt * 10 ms; else (dt - 128)^2 s
 *   u16le len    payload length (capped by what remains)
 *   payload
 * The first byte of the input picks the peers' negotiated features.
 * Ops are the commands the node handles plus "synthetic" ones that build
 * valid-looking messages from the pre-mined chain (headers, blocks, invs,
 * transactions, addresses) so the fuzzer reaches the deep paths quickly.
 *
 * Checked after every step: per-peer bounds (blocks in flight, tx requests in
 * flight, tracked announcements, queued announcements), the orphan pool
 * bound, and that every inv/getdata/notfound/headers/getheaders we send
 * parses with our own parsers and fits the protocol's size limit. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "net/addrrelay.h"
#include "net/connman.h"
#include "net/messages.h"
#include "net/netaddr.h"
#include "net/node_iface.h"
#include "net/peer.h"
#include "net/peer_dispatch.h"
#include "net/protocol.h"
#include "net/sync.h"
#include "net/txrelay.h"
#include "qa/fuzz/net_fake_node.h"
#include "src/util/alloc.h"
#include "src/util/hash256.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NPEERS 4
#define SYN_TX_RING 8

static bool g_verbose; /* FUZZ_NET_VERBOSE=1: net logging and a summary line per input (seed checks) */

/* Handy for a debugger; never checked in a way that could hide a bug. */
#define CHECK(cond)                                                                                                    \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            fprintf(stderr, "fuzz_net_process: invariant failed: %s (line %d)\n", #cond, __LINE__);                  \
            abort();                                                                                                   \
        }                                                                                                              \
    } while (0)

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    g_verbose = getenv("FUZZ_NET_VERBOSE") != NULL;
    if (!g_verbose)
        (void)log_open(NULL, false); /* LOG_ALWAYS lines would flood the fuzzer's output */
    else
        (void)log_enable_category("net");
    fake_node_init();
    return 0;
}

/* ---- the run ---- */

struct slot {
    struct peer *p;
};

static struct {
    struct slot peers[NPEERS];
    int64_t next_id;
    int64_t now_us;
    uint8_t features;
    struct peer_dispatch *dispatch;
    struct connman_callbacks cb; /* the dispatcher's: what connman would call */
    struct net_sync *sync;
    struct txrelay *relay;
    struct node_iface iface;
    struct hash256 syn_txids[SYN_TX_RING]; /* transactions the harness made this run */
    size_t nsyn;
    uint64_t sent_msgs;
} R;

/* Any non-NULL pointer does as the connman: the fake functions ignore it. */
static struct connman *const FAKE_CM = (struct connman *)&R;

/* ---- the fake connman ---- */

/* What we send must be well formed: parse the structured messages back. */
static void check_sent(const char *command, const uint8_t *payload, size_t len)
{
    CHECK(len <= NET_MAX_PROTOCOL_MESSAGE_LENGTH);
    CHECK(strlen(command) <= NET_COMMAND_SIZE);
    if (!strcmp(command, "inv") || !strcmp(command, "getdata") || !strcmp(command, "notfound")) {
        struct net_msg_inv m;
        CHECK(net_msg_inv_parse(&m, payload, len));
        CHECK(m.count > 0);
        net_msg_inv_clear(&m);
    } else if (!strcmp(command, "headers")) {
        struct net_msg_headers m;
        CHECK(net_msg_headers_parse(&m, payload, len));
        net_msg_headers_clear(&m);
    } else if (!strcmp(command, "getheaders")) {
        struct net_msg_getheaders m;
        CHECK(net_msg_getheaders_parse(&m, payload, len));
        net_msg_getheaders_clear(&m);
    }
}

bool connman_send(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    (void)cm;
    CHECK(p != NULL);
    if (p->disconnect)
        return false;
    check_sent(command, payload, len);
    R.sent_msgs++;
    return true;
}

void connman_disconnect(struct connman *cm, struct peer *p, const char *reason)
{
    (void)cm;
    p->disconnect = true;
    snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "%s", reason ? reason : "");
}

bool connman_send_paused(struct connman *cm, const struct peer *p)
{
    (void)cm;
    (void)p;
    return false;
}

void connman_for_each_peer(struct connman *cm, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    (void)cm;
    for (size_t i = 0; i < NPEERS; i++)
        if (R.peers[i].p)
            fn(ctx, R.peers[i].p);
}

bool connman_with_peer(struct connman *cm, int64_t id, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    (void)cm;
    for (size_t i = 0; i < NPEERS; i++)
        if (R.peers[i].p && R.peers[i].p->id == id) {
            fn(ctx, R.peers[i].p);
            return true;
        }
    return false;
}

uint64_t connman_local_services(struct connman *cm)
{
    (void)cm;
    return NET_NODE_NETWORK | NET_NODE_WITNESS;
}

/* ---- per-run setup and teardown ---- */

static int64_t fake_clock(void *ctx)
{
    (void)ctx;
    return R.now_us;
}

/* Peer kinds by slot: 0 outbound full relay, 1 inbound, 2 block-relay-only, 3 whitelisted inbound. */
static void peer_connect(size_t slot)
{
    struct peer *p = mem_calloc(1, sizeof(*p));
    p->id = R.next_id++;
    p->cm = FAKE_CM;
    p->fd = -1;
    static const enum peer_conn_type types[NPEERS] = { PEER_OUTBOUND_FULL_RELAY, PEER_INBOUND, PEER_BLOCK_RELAY_ONLY,
                                                       PEER_INBOUND };
    p->type = types[slot];
    p->inbound = p->type == PEER_INBOUND;
    p->permissions = slot == 3 ? PEER_PERM_IMPLICIT | PEER_PERM_ADDR : PEER_PERM_NONE;
    uint8_t ip[4] = { 11, (uint8_t)(20 + slot), (uint8_t)p->id, 7 };
    net_addr_set_ipv4(&p->addr, ip, 18444);
    net_addr_to_string(p->addr_name, &p->addr);
    uint8_t lip[4] = { 12, 1, 2, 3 };
    net_addr_set_ipv4(&p->local_addr, lip, 18444);
    net_addr_group(p->netgroup, &p->netgroup_len, &p->addr);
    p->version_sent = p->version_received = p->verack_received = p->handshake_done = true;
    p->version = p->remote_version = NET_PROTOCOL_VERSION;
    p->services = NET_NODE_NETWORK | NET_NODE_WITNESS;
    if ((R.features >> 6) & 1 && slot == 1)
        p->services = NET_NODE_NETWORK; /* a non-witness peer: MSG_BLOCK requests */
    snprintf(p->user_agent, sizeof(p->user_agent), "/fuzz:%zu/", slot);
    p->start_height = 30;
    p->relay_txs = p->type != PEER_BLOCK_RELAY_ONLY;
    uint8_t f = (uint8_t)(R.features >> slot);
    p->wtxid_relay = (f & 1) != 0;
    p->wants_addrv2 = ((R.features >> 4) & 1) != 0;
    p->prefer_headers = ((R.features >> 5) & 1) != 0 && slot != 1;
    p->last_ping_us = -1;
    p->min_ping_us = INT64_MAX;
    p->connected_time = (int64_t)(R.now_us / 1000000);
    p->announced = true;
    R.peers[slot].p = p;

    /* connman: on_connected, then (after version/verack) on_handshake_done. */
    R.cb.on_connected(R.cb.ctx, p);
    R.cb.on_handshake_done(R.cb.ctx, p);
    struct txrelay_peer_stats ts;
    CHECK(txrelay_peer_stats(R.relay, p->id, &ts));
}

static void peer_drop(size_t slot)
{
    struct peer *p = R.peers[slot].p;
    R.cb.on_disconnected(R.cb.ctx, p);
    CHECK(p->sync_state == NULL);
    mem_free(p);
    R.peers[slot].p = NULL;
}

/* The event loop's part: peers marked for disconnection go. */
static void reap(void)
{
    for (size_t i = 0; i < NPEERS; i++)
        if (R.peers[i].p && R.peers[i].p->disconnect)
            peer_drop(i);
}

static void run_start(uint8_t features)
{
    memset(&R.peers, 0, sizeof(R.peers));
    R.next_id = 0;
    R.now_us = 1000000000000LL;
    R.features = features;
    R.nsyn = 0;
    R.sent_msgs = 0;
    fake_node_iface(&R.iface);
    struct peer_dispatch_options po;
    peer_dispatch_options_init(&po);
    po.min_work = *fake_node_min_work();
    po.addr = (struct addrrelay_options){
        .datadir = NULL, .allow_local = true, .listen_port = 18444, .network = 0, .seed = 0x5eedull + features
    };
    po.relay_seed = 0x5eed5eed5eedull ^ features;
    po.clock = fake_clock;
    R.dispatch = peer_dispatch_new(&R.iface, &po);
    peer_dispatch_callbacks(R.dispatch, &R.cb);
    peer_dispatch_attach(R.dispatch, FAKE_CM);
    R.sync = peer_dispatch_sync(R.dispatch);
    R.relay = peer_dispatch_txrelay(R.dispatch);
    fake_node_reset(R.sync, R.relay);
    for (size_t i = 0; i < NPEERS; i++)
        peer_connect(i);
}

static void run_end(void)
{
    /* connman_stop: every peer goes, then the layers are freed. */
    for (size_t i = 0; i < NPEERS; i++)
        if (R.peers[i].p)
            peer_drop(i);
    peer_dispatch_free(R.dispatch);
    R.dispatch = NULL;
    R.sync = NULL;
    R.relay = NULL;
    fake_node_reset(NULL, NULL); /* frees the run's blocks and transactions */
}

/* ---- dispatch ---- */

/* What connman does with a message after the handshake: hand it to
 * on_message; a false return is the on_bad_message punishment. */
static void deliver(struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    if (p->disconnect)
        return;
    if (!R.cb.on_message(R.cb.ctx, p, command, payload, len))
        R.cb.on_bad_message(R.cb.ctx, p, command);
}

static void check_invariants(void)
{
    struct fake_node_stats fs;
    fake_node_stats(&fs);
    CHECK(fs.headers <= fs.max_headers);
    CHECK(fs.tip_height >= 0);
    CHECK(fs.pool <= fs.max_pool);
    CHECK(txrelay_orphan_count(R.relay) <= TXRELAY_MAX_ORPHANS);
    for (size_t i = 0; i < NPEERS; i++) {
        struct peer *p = R.peers[i].p;
        if (!p)
            continue;
        struct net_sync_peer_stats ss;
        net_sync_peer_stats(R.sync, p, &ss);
        CHECK(ss.in_flight <= NET_SYNC_MAX_IN_FLIGHT);
        struct txrelay_peer_stats ts;
        if (txrelay_peer_stats(R.relay, p->id, &ts)) {
            CHECK(ts.in_flight <= TXRELAY_MAX_PEER_IN_FLIGHT);
            CHECK(ts.tracked <= TXRELAY_MAX_PEER_ANNOUNCEMENTS);
            CHECK(ts.queued <= TXRELAY_MAX_QUEUED);
        }
    }
}

static const struct fake_block *premined_at(uint8_t branch, uint8_t height)
{
    if (branch & 1)
        return fake_node_block(true, FAKE_BRANCH_B_FORK + 1 + height % FAKE_BRANCH_B);
    return fake_node_block(false, 1 + height % FAKE_BRANCH_A);
}

static uint8_t byte_at(const uint8_t *p, size_t len, size_t i)
{
    return i < len ? p[i] : 0;
}

/* SYN_HEADERS: b0 branch, b1 start, b2 count, b3 corrupt (nonzero: flip a nonce bit of header b4 % count). */
static void syn_headers(struct peer *p, const uint8_t *pl, size_t len)
{
    bool b = byte_at(pl, len, 0) & 1;
    int32_t first = b ? FAKE_BRANCH_B_FORK + 1 : 1;
    int32_t last = b ? FAKE_BRANCH_B_FORK + FAKE_BRANCH_B : FAKE_BRANCH_A;
    int32_t start = first + byte_at(pl, len, 1) % (last - first + 1);
    int32_t count = 1 + byte_at(pl, len, 2) % (last - start + 1);
    struct block_header hs[FAKE_BRANCH_A + FAKE_BRANCH_B];
    for (int32_t i = 0; i < count; i++)
        hs[i] = fake_node_block(b, start + i)->header;
    if (byte_at(pl, len, 3))
        hs[byte_at(pl, len, 4) % count].nonce ^= 1u << (byte_at(pl, len, 3) % 32);
    struct wbuf w;
    wbuf_init(&w);
    net_msg_headers_serialize(&w, hs, (size_t)count);
    deliver(p, "headers", w.data, w.len);
    wbuf_clear(&w);
}

/* SYN_BLOCK: b0 branch, b1 height, b2 nonzero: flip bit b2 % 8 of byte b3 * 4 + b4. */
static void syn_block(struct peer *p, const uint8_t *pl, size_t len)
{
    const struct fake_block *m = premined_at(byte_at(pl, len, 0), byte_at(pl, len, 1));
    uint8_t *raw = mem_dup(m->raw, m->len);
    if (byte_at(pl, len, 2))
        raw[((size_t)byte_at(pl, len, 3) * 4 + byte_at(pl, len, 4)) % m->len] ^=
            (uint8_t)(1u << (byte_at(pl, len, 2) % 8));
    deliver(p, "block", raw, m->len);
    mem_free(raw);
}

/* SYN_TX: b0 mode (bit0: spend one of this run's transactions, bit1: witness, bit2: two inputs),
 * b1 ring index, b2.. the prevout txid of a "confirmed" coin (even first byte: exists) and output value. */
static void syn_tx(struct peer *p, const uint8_t *pl, size_t len)
{
    uint8_t mode = byte_at(pl, len, 0);
    struct tx tx;
    tx_init(&tx);
    size_t nin = (mode & 4) ? 2 : 1;
    for (size_t k = 0; k < nin; k++) {
        struct outpoint op;
        memset(&op, 0, sizeof(op));
        if ((mode & 1) && R.nsyn) {
            op.txid = R.syn_txids[(byte_at(pl, len, 1) + k) % (R.nsyn < SYN_TX_RING ? R.nsyn : SYN_TX_RING)];
        } else {
            for (size_t i = 0; i < 32; i++)
                op.txid.b[i] = byte_at(pl, len, 2 + i + k);
        }
        op.n = byte_at(pl, len, 34) % 3;
        uint8_t ss[2] = { 0x51, (uint8_t)k };
        struct txin *in = tx_add_input(&tx, &op, ss, sizeof(ss), SEQUENCE_FINAL - 1);
        if (mode & 2) {
            uint8_t item[3] = { byte_at(pl, len, 35), byte_at(pl, len, 36), (uint8_t)k };
            txin_witness_push(in, item, sizeof(item));
        }
    }
    const uint8_t spk[2] = { 0x51, byte_at(pl, len, 37) };
    tx_add_output(&tx, 1000 + (int64_t)byte_at(pl, len, 38) * 1000, spk, sizeof(spk));
    tx.locktime = byte_at(pl, len, 39);
    tx_update_hashes(&tx);
    R.syn_txids[R.nsyn++ % SYN_TX_RING] = tx.txid;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_tx_serialize(&w, &tx);
    deliver(p, "tx", w.data, w.len);
    wbuf_clear(&w);
    tx_clear(&tx);
}

/* SYN_INV / SYN_GETDATA: up to 8 items; per item two bytes: kind (0 block A, 1 block B, 2 tx by txid,
 * 3 tx by wtxid from the pool, else a synthetic txid), index. */
static void syn_inv(struct peer *p, const char *command, const uint8_t *pl, size_t len)
{
    struct net_inv items[8];
    size_t n = 1 + byte_at(pl, len, 0) % 8;
    for (size_t i = 0; i < n; i++) {
        uint8_t kind = byte_at(pl, len, 1 + 2 * i), idx = byte_at(pl, len, 2 + 2 * i);
        bool witness = (kind & 0x80) != 0;
        switch (kind % 5) {
        case 0:
        case 1:
            items[i].type = witness ? NET_MSG_WITNESS_BLOCK : NET_MSG_BLOCK;
            items[i].hash = premined_at(kind, idx)->hash;
            break;
        case 2:
        case 3:
            items[i].type = kind % 5 == 3 ? NET_MSG_WTX : (witness ? NET_MSG_WITNESS_TX : NET_MSG_TX);
            if (fake_node_pool_count())
                items[i].hash = *fake_node_pool_id(idx % fake_node_pool_count(), kind % 5 == 3);
            else
                memset(&items[i].hash, idx, sizeof(items[i].hash));
            break;
        default:
            items[i].type = witness ? NET_MSG_WTX : NET_MSG_TX;
            if (R.nsyn)
                items[i].hash = R.syn_txids[idx % (R.nsyn < SYN_TX_RING ? R.nsyn : SYN_TX_RING)];
            else
                memset(&items[i].hash, idx | 1, sizeof(items[i].hash));
            break;
        }
    }
    struct wbuf w;
    wbuf_init(&w);
    net_msg_inv_serialize(&w, items, n);
    deliver(p, command, w.data, w.len);
    wbuf_clear(&w);
}

/* SYN_GETHEADERS: b0 bit0 branch, b1 height of the locator's start, b2 nonzero: a stop hash. */
static void syn_getheaders(struct peer *p, const uint8_t *pl, size_t len)
{
    struct hash256 loc[2], stop;
    loc[0] = premined_at(byte_at(pl, len, 0), byte_at(pl, len, 1))->hash;
    loc[1] = fake_node_genesis()->hash;
    memset(&stop, 0, sizeof(stop));
    if (byte_at(pl, len, 2))
        stop = premined_at(byte_at(pl, len, 0), byte_at(pl, len, 2))->hash;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_getheaders_serialize(&w, NET_PROTOCOL_VERSION, loc, (byte_at(pl, len, 3) & 1) ? 0 : 2, &stop);
    deliver(p, "getheaders", w.data, w.len);
    wbuf_clear(&w);
}

/* SYN_ADDR: b0 count (and bit7: addrv2), then 5 bytes per address (ip, port low byte). */
static void syn_addr(struct peer *p, const uint8_t *pl, size_t len)
{
    struct net_addr_entry items[32];
    size_t n = byte_at(pl, len, 0) % 33;
    for (size_t i = 0; i < n; i++) {
        uint8_t ip[4];
        for (size_t k = 0; k < 4; k++)
            ip[k] = byte_at(pl, len, 1 + 5 * i + k);
        memset(&items[i], 0, sizeof(items[i]));
        net_addr_set_ipv4(&items[i].addr, ip, (uint16_t)(8000 + byte_at(pl, len, 5 + 5 * i)));
        items[i].services = NET_NODE_NETWORK | NET_NODE_WITNESS;
        items[i].time = (uint32_t)time(NULL) - byte_at(pl, len, 5 + 5 * i) * 60u;
    }
    bool v2 = (byte_at(pl, len, 0) & 0x80) != 0;
    struct wbuf w;
    wbuf_init(&w);
    if (v2)
        net_msg_addrv2_serialize(&w, items, n);
    else
        net_msg_addr_serialize(&w, items, n);
    deliver(p, v2 ? "addrv2" : "addr", w.data, w.len);
    wbuf_clear(&w);
}

enum {
    OP_SYN_HEADERS = 100,
    OP_SYN_BLOCK,
    OP_SYN_TX,
    OP_SYN_INV,
    OP_SYN_GETDATA,
    OP_SYN_NOTFOUND,
    OP_SYN_GETHEADERS,
    OP_SYN_ADDR,
    OP_RECONNECT,
    OP_DISCONNECT,
    OP_NOTHING,
};

/* Raw commands (the payload is the fuzzer's bytes) and the synthetic ops. */
static const struct {
    const char *command;
    int op;
} OPS[] = {
    { "getheaders", 0 }, { "headers", 0 },  { "block", 0 },     { "inv", 0 },          { "getdata", 0 },
    { "notfound", 0 },   { "tx", 0 },       { "feefilter", 0 }, { "mempool", 0 },      { "addr", 0 },
    { "addrv2", 0 },     { "getaddr", 0 },  { "sendheaders", 0 }, { "sendcmpct", 0 },
    { "cmpctblock", 0 }, { "getblocktxn", 0 }, { "blocktxn", 0 },
    { NULL, OP_SYN_HEADERS }, { NULL, OP_SYN_HEADERS }, { NULL, OP_SYN_BLOCK }, { NULL, OP_SYN_BLOCK },
    { NULL, OP_SYN_BLOCK },   { NULL, OP_SYN_TX },      { NULL, OP_SYN_TX },    { NULL, OP_SYN_TX },
    { NULL, OP_SYN_INV },     { NULL, OP_SYN_INV },     { NULL, OP_SYN_GETDATA }, { NULL, OP_SYN_NOTFOUND },
    { NULL, OP_SYN_GETHEADERS }, { NULL, OP_SYN_ADDR }, { NULL, OP_RECONNECT }, { NULL, OP_DISCONNECT },
    { NULL, OP_NOTHING },
};
#define NOPS (sizeof(OPS) / sizeof(OPS[0]))

static int64_t time_step(uint8_t dt)
{
    if (dt < 128)
        return (int64_t)dt * 10000;
    int64_t s = dt - 128;
    return s * s * 1000000;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    run_start(data[0]);
    size_t off = 1;
    for (int steps = 0; off + 4 <= size && steps < 256; steps++) {
        uint8_t op_peer = data[off], dt = data[off + 1];
        size_t len = (size_t)data[off + 2] | (size_t)data[off + 3] << 8;
        off += 4;
        if (len > size - off)
            len = size - off;
        const uint8_t *pl = data + off;
        off += len;

        size_t slot = op_peer & 3;
        size_t opi = (size_t)(op_peer >> 2) % NOPS;
        struct peer *p = R.peers[slot].p;
        if (OPS[opi].op == OP_RECONNECT) {
            if (!p)
                peer_connect(slot);
        } else if (OPS[opi].op == OP_DISCONNECT) {
            if (p)
                connman_disconnect(FAKE_CM, p, "fuzz");
        } else if (p) {
            switch (OPS[opi].op) {
            case 0:
                deliver(p, OPS[opi].command, pl, len);
                break;
            case OP_SYN_HEADERS:
                syn_headers(p, pl, len);
                break;
            case OP_SYN_BLOCK:
                syn_block(p, pl, len);
                break;
            case OP_SYN_TX:
                syn_tx(p, pl, len);
                break;
            case OP_SYN_INV:
                syn_inv(p, "inv", pl, len);
                break;
            case OP_SYN_GETDATA:
                syn_inv(p, "getdata", pl, len);
                break;
            case OP_SYN_NOTFOUND:
                syn_inv(p, "notfound", pl, len);
                break;
            case OP_SYN_GETHEADERS:
                syn_getheaders(p, pl, len);
                break;
            case OP_SYN_ADDR:
                syn_addr(p, pl, len);
                break;
            default:
                break;
            }
        }
        reap();
        R.now_us += time_step(dt);
        R.cb.on_tick(R.cb.ctx, R.now_us);
        reap();
        check_invariants();
    }
    if (g_verbose) {
        struct fake_node_stats fs;
        fake_node_stats(&fs);
        int drops = 0;
        for (size_t i = 0; i < NPEERS; i++)
            drops += R.peers[i].p == NULL || R.peers[i].p->id >= NPEERS;
        fprintf(stderr, "fuzz_net_process: tip %d, headers %zu, mempool %zu, orphans %zu, tracked %zu, sent %llu, peers replaced/gone %d\n",
                (int)fs.tip_height, fs.headers, fs.pool, txrelay_orphan_count(R.relay), txrelay_tracked_count(R.relay),
                (unsigned long long)R.sent_msgs, drops);
    }
    run_end();
    return 0;
}
