/* hashmintd's P2P wiring: see src/node/net_glue.h. */
#include "src/node/net_glue.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "net/addrrelay.h"
#include "net/connman.h"
#include "net/node_iface.h"
#include "net/peer_dispatch.h"
#include "net/sync.h"
#include "net/txrelay.h"
#include "src/chain/block_index.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/node/args.h"
#include "src/node/chain_iface.h"
#include "src/rpc/rpc_net.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* An owned copy of a multi-valued option (args_get_all's strings are borrowed only until the next call). */
struct str_list {
    char **v;
    size_t n;
};

struct net_glue {
    struct chain_iface_ctx chain; /* the node_iface's ctx */
    struct events *ev;
    int sub_id;
    struct node_iface iface;
    struct connman *cm;
    struct peer_dispatch *dispatch; /* net/'s owner of message handling: sync, relay, addresses */
    struct rpc_net rpc; /* what the network RPCs see */
    struct str_list binds, whitebinds, whitelist, connect, addnodes, seednodes;
};

/* ---- chain events -> net ---- */

static void ev_updated_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork,
                           bool initial_download)
{
    struct net_glue *g = ctx;
    (void)fork;
    if (new_tip)
        net_sync_new_tip(peer_dispatch_sync(g->dispatch), &new_tip->hash, new_tip->height, initial_download);
}

static void ev_block_invalid(void *ctx, const struct block_index *idx, const struct val_state *st)
{
    struct net_glue *g = ctx;
    net_sync_block_invalid(peer_dispatch_sync(g->dispatch), &idx->hash, st);
}

static void ev_new_pow_valid_block(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct net_glue *g = ctx;
    net_sync_new_pow_valid_block(peer_dispatch_sync(g->dispatch), b, &idx->hash);
}

static void ev_tx_added(void *ctx, const struct tx *tx, uint64_t mempool_sequence)
{
    struct net_glue *g = ctx;
    (void)mempool_sequence;
    int64_t fee = 0, vsize = (int64_t)tx_vsize(tx);
    struct mempool_entry_info info;
    /* The chain lock is held here (events rule), so the entry lookup is consistent. */
    if (mempool_entry_get(g->chain.mp, &info, &tx->txid)) {
        fee = info.modified_fee;
        vsize = info.vsize;
    }
    txrelay_tx_added(peer_dispatch_txrelay(g->dispatch), &tx->txid, &tx->wtxid, fee, vsize);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

/* ---- options ---- */

static void list_get(struct str_list *l, const struct args *a, const char *name)
{
    size_t n = 0;
    const char *const *v = args_get_all(a, &n, name);
    l->v = mem_calloc(n ? n : 1, sizeof(*l->v));
    l->n = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] && v[i][0] && strcmp(v[i], "0") != 0) /* "-connect=0" is a negation, not an address */
            l->v[l->n++] = mem_strdup(v[i]);
}

static void list_free(struct str_list *l)
{
    for (size_t i = 0; i < l->n; i++)
        mem_free(l->v[i]);
    mem_free(l->v);
    l->v = NULL;
    l->n = 0;
}

static bool opt_int(const struct args *a, int64_t *out, const char *name, int64_t def, int64_t lo, int64_t hi,
                    char *err, size_t errlen)
{
    if (!args_get_int(a, out, name, def) || *out < lo || *out > hi) {
        snprintf(err, errlen, "Invalid value for -%s: '%s'", name, args_get(a, name, ""));
        return false;
    }
    return true;
}

/* -minimumchainwork=<hex> (Core's option, listed in src/node/args.c). Returns false if malformed. */
static bool parse_min_work(struct arith256 *out, const char *s)
{
    if (!strncmp(s, "0x", 2) || !strncmp(s, "0X", 2))
        s += 2;
    size_t n = strlen(s);
    if (n == 0 || n > 64)
        return false;
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    for (size_t i = 0; i < n; i++) {
        char c = s[n - 1 - i];
        int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
        if (v < 0)
            return false;
        h.b[i / 2] |= (uint8_t)(i % 2 ? v << 4 : v);
    }
    arith256_from_hash(out, &h);
    return true;
}

bool net_glue_min_chain_work(struct arith256 *out, const struct args *a, const char *chain_name, char *err,
                             size_t errlen)
{
    net_sync_min_chain_work(out, chain_name);
    if (args_is_known("minimumchainwork") && args_is_set(a, "minimumchainwork") &&
        !parse_min_work(out, args_get(a, "minimumchainwork", ""))) {
        snprintf(err, errlen, "Invalid non-hex (%s) minimum chain work value specified",
                 args_get(a, "minimumchainwork", ""));
        return false;
    }
    return true;
}

static uint64_t random_u64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
        v = (uint64_t)time(NULL) ^ ((uint64_t)mono_us() << 20);
    return v;
}

bool net_glue_start(struct net_glue **out, const struct args *a, const char *chain_name, const char *chaindir,
                    const struct chain_params *params, struct chainstate *cs, struct mempool *mp, struct events *ev,
                    struct event_base *base, char *err, size_t errlen)
{
    *out = NULL;
    struct net_glue *g = mem_calloc(1, sizeof(*g));
    g->ev = ev;
    g->chain.cs = cs;
    g->chain.mp = mp;
    chain_iface_init(&g->iface, &g->chain, params);

    bool bitcoin = !strcmp(chain_name, "bitcoin");
    struct connman_options o;
    connman_options_default(&o);
    o.port = params->default_port;
    int64_t v;
    if (!opt_int(a, &v, "port", params->default_port, 1, 65535, err, errlen))
        goto fail;
    o.port = (uint16_t)v;
    if (!opt_int(a, &v, "maxconnections", CONNMAN_DEFAULT_MAX_CONNECTIONS, 0, 100000, err, errlen))
        goto fail;
    o.max_connections = (int)v;
    list_get(&g->binds, a, "bind");
    list_get(&g->whitebinds, a, "whitebind");
    list_get(&g->whitelist, a, "whitelist");
    list_get(&g->connect, a, "connect");
    list_get(&g->addnodes, a, "addnode");
    list_get(&g->seednodes, a, "seednode");
    bool noconnect = g->connect.n == 0 && args_is_set(a, "connect"); /* -noconnect / -connect=0 */
    /* Core: -connect (or -noconnect) turns listening off unless -listen is given. */
    bool listen_default = !(g->connect.n > 0 || noconnect) && o.max_connections > 0;
    if (bitcoin)
        listen_default = false; /* -chain=bitcoin: a local tool chain; listening only when asked */
    o.listen = args_get_bool(a, "listen", listen_default);
    o.binds = (const char *const *)g->binds.v;
    o.n_binds = g->binds.n;
    o.whitebinds = (const char *const *)g->whitebinds.v;
    o.n_whitebinds = g->whitebinds.n;
    o.whitelist = (const char *const *)g->whitelist.v;
    o.n_whitelist = g->whitelist.n;
    if (!bitcoin) {
        o.connect = (const char *const *)g->connect.v;
        o.n_connect = g->connect.n;
        o.addnodes = (const char *const *)g->addnodes.v;
        o.n_addnodes = g->addnodes.n;
        o.seednodes = (const char *const *)g->seednodes.v;
        o.n_seednodes = g->seednodes.n;
    }
    if (bitcoin || noconnect || g->connect.n > 0) {
        /* Only the -connect peers (or none): no automatic outbound. */
        o.max_outbound_full_relay = 0;
        o.max_block_relay_only = 0;
    }
    size_t nonly = 0;
    const char *const *only = args_get_all(a, &nonly, "onlynet");
    for (size_t i = 0; i < nonly; i++) {
        if (!strcmp(only[i], "ipv4")) {
            o.onlynet |= 1u << NET_ADDR_IPV4;
        } else if (!strcmp(only[i], "ipv6")) {
            o.onlynet |= 1u << NET_ADDR_IPV6;
        } else {
            snprintf(err, errlen, "Unknown network specified in -onlynet: '%s'", only[i]);
            goto fail;
        }
    }
    o.blocks_only = args_get_bool(a, "blocksonly", false);

    struct peer_dispatch_options po;
    peer_dispatch_options_init(&po);
    if (!net_glue_min_chain_work(&po.min_work, a, chain_name, err, errlen))
        goto fail;
    po.addr = (struct addrrelay_options){
        .datadir = chaindir,
        .allow_local = !strcmp(chain_name, "regtest"),
        .listen_port = o.listen ? o.port : 0,
        .network = 0,
    };
    if (o.onlynet == (1u << NET_ADDR_IPV4))
        po.addr.network = NET_ADDR_IPV4;
    else if (o.onlynet == (1u << NET_ADDR_IPV6))
        po.addr.network = NET_ADDR_IPV6;
    po.relay_seed = random_u64();
    po.blocks_only = o.blocks_only;
    g->dispatch = peer_dispatch_new(&g->iface, &po);
    struct connman_callbacks cb;
    peer_dispatch_callbacks(g->dispatch, &cb);
    const char *cerr = NULL;
    g->cm = connman_new(base, &o, params->magic, &cb, &cerr);
    if (!g->cm) {
        snprintf(err, errlen, "%s", cerr ? cerr : "Cannot create the connection manager");
        goto fail;
    }
    peer_dispatch_attach(g->dispatch, g->cm);

    struct events_subscriber sub = {
        .ctx = g, .updated_block_tip = ev_updated_tip, .tx_added_to_mempool = ev_tx_added,
        .block_invalid = ev_block_invalid, .new_pow_valid_block = ev_new_pow_valid_block,
    };
    g->sub_id = events_subscribe(ev, &sub);

    char cbuf[256];
    if (!connman_start(g->cm, cbuf, sizeof(cbuf))) {
        snprintf(err, errlen, "%s", cbuf);
        goto fail;
    }
    if (bitcoin)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "P2P: chain bitcoin, no outbound connections");
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "P2P started (listen=%d port=%u connect=%zu addnode=%zu)", o.listen,
               (unsigned)o.port, o.n_connect, o.n_addnodes);
    g->rpc = (struct rpc_net){
        .cm = g->cm,
        .sync = peer_dispatch_sync(g->dispatch),
        .addrs = peer_dispatch_addrrelay(g->dispatch),
        .blocks_only = o.blocks_only,
        .onlynet = o.onlynet,
        .client_version = 10000,
        .subversion = o.user_agent,
    };
    *out = g;
    return true;
fail:
    net_glue_stop(g);
    return false;
}

void net_glue_stop(struct net_glue *g)
{
    if (!g)
        return;
    if (g->sub_id > 0)
        events_unsubscribe(g->ev, g->sub_id);
    if (g->cm)
        connman_stop(g->cm);
    peer_dispatch_free(g->dispatch);
    connman_free(g->cm);
    list_free(&g->binds);
    list_free(&g->whitebinds);
    list_free(&g->whitelist);
    list_free(&g->connect);
    list_free(&g->addnodes);
    list_free(&g->seednodes);
    mem_free(g);
}




const struct rpc_net *net_glue_rpc(struct net_glue *g)
{
    return g ? &g->rpc : NULL;
}

