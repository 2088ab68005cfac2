/* Network RPCs (Bitcoin Core's rpc/net.cpp): peers, totals, added nodes,
 * bans and the address manager, over the P2P layer described by struct
 * rpc_net (rpc_net.h). Result shapes and error codes follow Core. */
#include "src/rpc/rpc_net.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "net/addrman.h"
#include "net/addrrelay.h"
#include "net/banman.h"
#include "net/connman.h"
#include "net/netaddr.h"
#include "net/peer.h"
#include "net/protocol.h"
#include "net/sync.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/util/alloc.h"

#define P2P_DISABLED "Error: Peer-to-peer functionality missing or disabled"

static struct rpc_net *net_of(struct rpc_context *ctx, struct rpc_error *err)
{
    struct rpc_net *n = ctx->net;
    if (!n || !n->cm) {
        rpc_fail(err, RPC_CLIENT_P2P_DISABLED, P2P_DISABLED);
        return NULL;
    }
    return n;
}

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static const char *network_name(const struct net_addr *a)
{
    if (!net_addr_is_routable(a))
        return "not_publicly_routable";
    switch (a->network) {
    case NET_ADDR_IPV4: return "ipv4";
    case NET_ADDR_IPV6: return "ipv6";
    case NET_ADDR_TORV3: return "onion";
    case NET_ADDR_I2P: return "i2p";
    case NET_ADDR_CJDNS: return "cjdns";
    default: return "not_publicly_routable";
    }
}

static json_t *services_names(uint64_t s)
{
    static const struct { uint64_t bit; const char *name; } names[] = {
        { NET_NODE_NETWORK, "NETWORK" },     { NET_NODE_BLOOM, "BLOOM" },
        { NET_NODE_WITNESS, "WITNESS" },     { NET_NODE_COMPACT_FILTERS, "COMPACT_FILTERS" },
        { NET_NODE_NETWORK_LIMITED, "NETWORK_LIMITED" }, { NET_NODE_P2P_V2, "P2P_V2" },
    };
    json_t *a = json_array();
    for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
        if (s & names[i].bit)
            json_array_append_new(a, json_string(names[i].name));
    return a;
}

static json_t *services_hex(uint64_t s)
{
    char buf[17];
    snprintf(buf, sizeof(buf), "%016" PRIx64, s);
    return json_string(buf);
}

/* Seconds as Core prints them for ping times (a double). */
static json_t *seconds_us(int64_t us)
{
    return json_real((double)us / 1e6);
}

/* ---- getconnectioncount ------------------------------------------------- */

static const char help_getconnectioncount[] =
    "getconnectioncount\n"
    "\n"
    "Returns the number of connections to other nodes.\n"
    "\n"
    "Result:\n"
    "n    (numeric) The connection count\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getconnectioncount", "") RPC_HELP_RPC("getconnectioncount", "");

static json_t *rpc_getconnectioncount(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_getconnectioncount))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    return json_integer((json_int_t)connman_count(n->cm, CONNMAN_COUNT_ALL));
}

/* ---- ping ------------------------------------------------------------------ */

static const char help_ping[] =
    "ping\n"
    "\n"
    "Requests that a ping be sent to all other nodes, to measure ping time.\n"
    "Results provided in getpeerinfo, pingtime and pingwait fields are decimal seconds.\n"
    "Ping command is handled in queue with all other commands, so it measures processing backlog, not just "
    "network ping.\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("ping", "") RPC_HELP_RPC("ping", "");

static json_t *rpc_ping(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_ping))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    connman_ping_all(n->cm);
    return json_null();
}

/* ---- getpeerinfo ------------------------------------------------------------ */

static const char help_getpeerinfo[] =
    "getpeerinfo\n"
    "\n"
    "Returns data about each connected network peer as a json array of objects.\n"
    "\n"
    "Result:\n"
    "[                                     (json array)\n"
    "  {                                   (json object)\n"
    "    \"id\" : n,                         (numeric) Peer index\n"
    "    \"addr\" : \"str\",                   (string) (host:port) The IP address and port of the peer\n"
    "    \"addrbind\" : \"str\",               (string, optional) (ip:port) Bind address of the connection to "
    "the peer\n"
    "    \"network\" : \"str\",                (string) Network (ipv4, ipv6, onion, i2p, cjdns, "
    "not_publicly_routable)\n"
    "    \"services\" : \"hex\",               (string) The services offered\n"
    "    \"servicesnames\" : [ ... ],        (json array) the services offered, in human-readable form\n"
    "    \"relaytxes\" : true|false,         (boolean) Whether we relay transactions to this peer\n"
    "    \"lastsend\" : xxx, \"lastrecv\" : xxx, \"last_transaction\" : xxx, \"last_block\" : xxx,\n"
    "    \"bytessent\" : n, \"bytesrecv\" : n, \"conntime\" : xxx, \"timeoffset\" : n,\n"
    "    \"pingtime\" : n, \"minping\" : n, \"pingwait\" : n,  (numeric, optional) seconds\n"
    "    \"version\" : n, \"subver\" : \"str\", \"inbound\" : true|false,\n"
    "    \"bip152_hb_to\" : true|false, \"bip152_hb_from\" : true|false,\n"
    "    \"startingheight\" : n, \"presynced_headers\" : n, \"synced_headers\" : n, \"synced_blocks\" : n,\n"
    "    \"inflight\" : [ n, ... ],\n"
    "    \"addr_relay_enabled\" : true|false, \"addr_processed\" : n, \"addr_rate_limited\" : n,\n"
    "    \"permissions\" : [ \"str\", ... ], \"minfeefilter\" : n,\n"
    "    \"bytessent_per_msg\" : {          (json object) bytes sent per message type (header included;\n"
    "      \"msg\" : n,                      only types with a non-zero count; \"*other*\": unknown types)\n"
    "      ...\n"
    "    },\n"
    "    \"bytesrecv_per_msg\" : { \"msg\" : n, ... }, (json object) bytes received per message type, likewise\n"
    "    \"connection_type\" : \"str\",        (string) inbound, outbound-full-relay, block-relay-only, manual, "
    "addr-fetch\n"
    "    \"transport_protocol_type\" : \"str\", \"session_id\" : \"str\"\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getpeerinfo", "") RPC_HELP_RPC("getpeerinfo", "");

struct sync_stats_arg {
    struct net_sync *sync;
    struct net_sync_peer_stats st;
    bool ok;
};

static void sync_stats_fn(void *ctx, struct peer *p)
{
    struct sync_stats_arg *a = ctx;
    net_sync_peer_stats(a->sync, p, &a->st);
    a->ok = true;
}

/* Core's bytes*_per_msg: only the message types with a non-zero count. */
static json_t *per_msg_json(const uint64_t counts[NET_MSG_TYPE_COUNT])
{
    json_t *o = json_object();
    for (size_t i = 0; i < NET_MSG_TYPE_COUNT; i++)
        if (counts[i])
            json_object_set_new(o, net_msg_type_name(i), json_integer((json_int_t)counts[i]));
    return o;
}

static json_t *peer_json(struct rpc_net *n, const struct connman_peer_stats *s)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", json_integer(s->id));
    json_object_set_new(o, "addr", json_string(s->addr));
    if (s->addr_local[0])
        json_object_set_new(o, "addrbind", json_string(s->addr_local));
    json_object_set_new(o, "network", json_string(network_name(&s->net_addr)));
    json_object_set_new(o, "services", services_hex(s->services));
    json_object_set_new(o, "servicesnames", services_names(s->services));
    json_object_set_new(o, "relaytxes", json_boolean(s->relay_txs));
    json_object_set_new(o, "lastsend", json_integer(s->last_send));
    json_object_set_new(o, "lastrecv", json_integer(s->last_recv));
    json_object_set_new(o, "last_transaction", json_integer(s->last_tx_time));
    json_object_set_new(o, "last_block", json_integer(s->last_block_time));
    json_object_set_new(o, "bytessent", json_integer((json_int_t)s->bytes_sent));
    json_object_set_new(o, "bytesrecv", json_integer((json_int_t)s->bytes_recv));
    json_object_set_new(o, "conntime", json_integer(s->connected_time));
    json_object_set_new(o, "timeoffset", json_integer(s->time_offset));
    if (s->last_ping_us >= 0)
        json_object_set_new(o, "pingtime", seconds_us(s->last_ping_us));
    if (s->min_ping_us >= 0 && s->min_ping_us != INT64_MAX)
        json_object_set_new(o, "minping", seconds_us(s->min_ping_us));
    if (s->ping_wait_us >= 0)
        json_object_set_new(o, "pingwait", seconds_us(s->ping_wait_us));
    json_object_set_new(o, "version", json_integer(s->version));
    json_object_set_new(o, "subver", json_string(s->user_agent));
    json_object_set_new(o, "inbound", json_boolean(s->inbound));
    struct sync_stats_arg sa = { n->sync, { -1, -1, 0, false, false, false }, false };
    if (n->sync)
        connman_with_peer(n->cm, s->id, sync_stats_fn, &sa);
    json_object_set_new(o, "bip152_hb_to", json_boolean(sa.ok && sa.st.bip152_hb_to));
    json_object_set_new(o, "bip152_hb_from", json_boolean(sa.ok && sa.st.bip152_hb_from));
    json_object_set_new(o, "startingheight", json_integer(s->start_height));
    json_object_set_new(o, "presynced_headers", json_integer(-1));
    json_object_set_new(o, "synced_headers", json_integer(sa.ok ? sa.st.synced_headers : -1));
    json_object_set_new(o, "synced_blocks", json_integer(sa.ok ? sa.st.synced_blocks : -1));
    json_object_set_new(o, "inflight", json_array());
    struct addrrelay_peer_stats as;
    bool have_as = addrrelay_peer_stats(n->addrs, s->id, &as);
    json_object_set_new(o, "addr_relay_enabled", json_boolean(have_as && as.addr_relay_enabled));
    json_object_set_new(o, "addr_processed", json_integer((json_int_t)as.addr_processed));
    json_object_set_new(o, "addr_rate_limited", json_integer((json_int_t)as.addr_rate_limited));
    json_t *perms = json_array();
    const char *names[8];
    size_t np = peer_permissions_names(names, s->permissions);
    for (size_t i = 0; i < np; i++)
        json_array_append_new(perms, json_string(names[i]));
    json_object_set_new(o, "permissions", perms);
    json_object_set_new(o, "minfeefilter", rpc_json_amount(s->fee_filter));
    json_object_set_new(o, "bytessent_per_msg", per_msg_json(s->bytes_sent_per_msg));
    json_object_set_new(o, "bytesrecv_per_msg", per_msg_json(s->bytes_recv_per_msg));
    json_object_set_new(o, "connection_type", json_string(peer_conn_type_name(s->type)));
    json_object_set_new(o, "transport_protocol_type", json_string("v1"));
    json_object_set_new(o, "session_id", json_string(""));
    return o;
}

static json_t *rpc_getpeerinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_getpeerinfo))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    struct connman_peer_stats *st = NULL;
    size_t count = 0;
    connman_get_stats(n->cm, &st, &count);
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++)
        json_array_append_new(arr, peer_json(n, &st[i]));
    mem_free(st);
    return arr;
}

/* ---- getnettotals ------------------------------------------------------------- */

static const char help_getnettotals[] =
    "getnettotals\n"
    "\n"
    "Returns information about network traffic, including bytes in, bytes out,\n"
    "and current system time.\n"
    "\n"
    "Result:\n"
    "{                                              (json object)\n"
    "  \"totalbytesrecv\" : n,                        (numeric) Total bytes received\n"
    "  \"totalbytessent\" : n,                        (numeric) Total bytes sent\n"
    "  \"timemillis\" : xxx,                          (numeric) Current system UNIX epoch time in milliseconds\n"
    "  \"uploadtarget\" : {                           (json object)\n"
    "    \"timeframe\" : n,                           (numeric) Length of the measuring timeframe in seconds\n"
    "    \"target\" : n,                              (numeric) Target in bytes\n"
    "    \"target_reached\" : true|false,             (boolean) True if target is reached\n"
    "    \"serve_historical_blocks\" : true|false,    (boolean) True if serving historical blocks\n"
    "    \"bytes_left_in_cycle\" : n,                 (numeric) Bytes left in current time cycle\n"
    "    \"time_left_in_cycle\" : n                   (numeric) Seconds left in current time cycle\n"
    "  }\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getnettotals", "") RPC_HELP_RPC("getnettotals", "");

static json_t *rpc_getnettotals(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_getnettotals))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    uint64_t recv = 0, sent = 0;
    connman_get_totals(n->cm, &recv, &sent);
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    json_t *o = json_object();
    json_object_set_new(o, "totalbytesrecv", json_integer((json_int_t)recv));
    json_object_set_new(o, "totalbytessent", json_integer((json_int_t)sent));
    json_object_set_new(o, "timemillis", json_integer((json_int_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000));
    json_t *u = json_object();
    json_object_set_new(u, "timeframe", json_integer(86400));
    json_object_set_new(u, "target", json_integer(0));
    json_object_set_new(u, "target_reached", json_false());
    json_object_set_new(u, "serve_historical_blocks", json_true());
    json_object_set_new(u, "bytes_left_in_cycle", json_integer(0));
    json_object_set_new(u, "time_left_in_cycle", json_integer(0));
    json_object_set_new(o, "uploadtarget", u);
    return o;
}

/* ---- getnetworkinfo ------------------------------------------------------------ */

static const char help_getnetworkinfo[] =
    "getnetworkinfo\n"
    "\n"
    "Returns an object containing various state info regarding P2P networking.\n"
    "\n"
    "Result:\n"
    "{                                                    (json object)\n"
    "  \"version\" : n,                                     (numeric) the server version\n"
    "  \"subversion\" : \"str\",                              (string) the server subversion string\n"
    "  \"protocolversion\" : n,                             (numeric) the protocol version\n"
    "  \"localservices\" : \"hex\",                           (string) the services we offer to the network\n"
    "  \"localservicesnames\" : [ \"str\", ... ],             (json array) the services we offer, in "
    "human-readable form\n"
    "  \"localrelay\" : true|false,                         (boolean) true if transaction relay is requested "
    "from peers\n"
    "  \"timeoffset\" : n,                                  (numeric) the time offset\n"
    "  \"connections\" : n,                                 (numeric) the total number of connections\n"
    "  \"connections_in\" : n,                              (numeric) the number of inbound connections\n"
    "  \"connections_out\" : n,                             (numeric) the number of outbound connections\n"
    "  \"networkactive\" : true|false,                      (boolean) whether p2p networking is enabled\n"
    "  \"networks\" : [ { \"name\", \"limited\", \"reachable\", \"proxy\", \"proxy_randomize_credentials\" }, ... ],\n"
    "  \"relayfee\" : n,                                    (numeric) minimum relay fee rate for transactions in "
    "BTC/kvB\n"
    "  \"incrementalfee\" : n,                              (numeric) minimum fee rate increment for mempool "
    "limiting or replacement in BTC/kvB\n"
    "  \"localaddresses\" : [ { \"address\", \"port\", \"score\" }, ... ],\n"
    "  \"warnings\" : \"str\"                                 (string) any network and blockchain warnings\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getnetworkinfo", "") RPC_HELP_RPC("getnetworkinfo", "");

static json_t *rpc_getnetworkinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_getnetworkinfo))
        return NULL;
    struct rpc_net *n = ctx->net;
    json_t *o = json_object();
    json_object_set_new(o, "version", json_integer(n ? n->client_version : 0));
    json_object_set_new(o, "subversion", json_string(n && n->subversion ? n->subversion : "/hashmint:0.1.0/"));
    json_object_set_new(o, "protocolversion", json_integer(NET_PROTOCOL_VERSION));
    uint64_t services = n && n->cm ? connman_local_services(n->cm) : 0;
    json_object_set_new(o, "localservices", services_hex(services));
    json_object_set_new(o, "localservicesnames", services_names(services));
    json_object_set_new(o, "localrelay", json_boolean(!(n && n->blocks_only)));
    json_object_set_new(o, "timeoffset", json_integer(0));
    if (n && n->cm) {
        json_object_set_new(o, "networkactive", json_boolean(connman_network_active(n->cm)));
        json_object_set_new(o, "connections", json_integer((json_int_t)connman_count(n->cm, CONNMAN_COUNT_ALL)));
        json_object_set_new(o, "connections_in", json_integer((json_int_t)connman_count(n->cm, CONNMAN_COUNT_IN)));
        json_object_set_new(o, "connections_out",
                            json_integer((json_int_t)connman_count(n->cm, CONNMAN_COUNT_OUT)));
    }
    static const struct { const char *name; uint8_t id; bool supported; } nets[] = {
        { "ipv4", NET_ADDR_IPV4, true }, { "ipv6", NET_ADDR_IPV6, true }, { "onion", NET_ADDR_TORV3, false },
        { "i2p", NET_ADDR_I2P, false },  { "cjdns", NET_ADDR_CJDNS, false },
    };
    json_t *arr = json_array();
    for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]); i++) {
        bool reachable = nets[i].supported && (!n || !n->onlynet || (n->onlynet & (1u << nets[i].id)));
        json_t *e = json_object();
        json_object_set_new(e, "name", json_string(nets[i].name));
        json_object_set_new(e, "limited", json_boolean(!reachable));
        json_object_set_new(e, "reachable", json_boolean(reachable));
        json_object_set_new(e, "proxy", json_string(""));
        json_object_set_new(e, "proxy_randomize_credentials", json_false());
        json_array_append_new(arr, e);
    }
    json_object_set_new(o, "networks", arr);
    int64_t relay = 1000, incremental = 1000;
    if (ctx->mempool) {
        struct mempool_stats ms;
        mempool_get_stats(ctx->mempool, &ms);
        relay = ms.min_relay_feerate;
        incremental = ms.incremental_relay_feerate;
    }
    json_object_set_new(o, "relayfee", rpc_json_amount(relay));
    json_object_set_new(o, "incrementalfee", rpc_json_amount(incremental));
    json_t *local = json_array();
    if (n && n->cm) {
        struct net_addr la[8];
        size_t nl = connman_listen_addrs(n->cm, la, 8);
        for (size_t i = 0; i < nl; i++) {
            if (!net_addr_is_routable(&la[i]))
                continue; /* Core lists only addresses worth advertising */
            char host[NET_ADDR_STRLEN];
            net_addr_host_string(host, &la[i]);
            json_t *e = json_object();
            json_object_set_new(e, "address", json_string(host));
            json_object_set_new(e, "port", json_integer(la[i].port));
            json_object_set_new(e, "score", json_integer(1));
            json_array_append_new(local, e);
        }
    }
    json_object_set_new(o, "localaddresses", local);
    json_object_set_new(o, "warnings", json_string(""));
    return o;
}

/* ---- addnode / disconnectnode / getaddednodeinfo ---------------------------- */

static const char help_addnode[] =
    "addnode \"node\" \"command\"\n"
    "\n"
    "Attempts to add or remove a node from the addnode list.\n"
    "Or try a connection to a node once.\n"
    "Nodes added using addnode (or -connect) are protected from DoS disconnection and are not required to be\n"
    "full nodes/support SegWit as other outbound peers are (though such peers will not be synced from).\n"
    "Addnode connections are limited to 8 at a time and are counted separately from the -maxconnections "
    "limit.\n"
    "\n"
    "Arguments:\n"
    "1. node       (string, required) The address of the peer to connect to\n"
    "2. command    (string, required) 'add' to add a node to the list, 'remove' to remove a node from the list, "
    "'onetry' to try a connection to the node once\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("addnode", "\"192.168.0.6:18444\" \"onetry\"")
        RPC_HELP_RPC("addnode", "\"192.168.0.6:18444\", \"onetry\"");

static const struct rpc_arg addnode_args[] = {
    { "node", RPC_ARG_STR, false },
    { "command", RPC_ARG_STR, false },
};

static json_t *rpc_addnode(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, addnode_args, 2, help_addnode))
        return NULL;
    const char *node = rpc_arg_str(params, 0, NULL);
    const char *cmd = rpc_arg_str(params, 1, NULL);
    if (!node || !cmd)
        return rpc_fail(err, RPC_MISC_ERROR, "%s", help_addnode);
    enum connman_addnode_op op;
    if (!strcmp(cmd, "add"))
        op = CONNMAN_ADDNODE_ADD;
    else if (!strcmp(cmd, "remove"))
        op = CONNMAN_ADDNODE_REMOVE;
    else if (!strcmp(cmd, "onetry"))
        op = CONNMAN_ADDNODE_ONETRY;
    else
        return rpc_fail(err, RPC_MISC_ERROR, "%s", help_addnode);
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    int rc = connman_addnode(n->cm, node, op);
    if (rc == RPC_CLIENT_NODE_ALREADY_ADDED)
        return rpc_fail(err, RPC_CLIENT_NODE_ALREADY_ADDED, "Error: Node already added");
    if (rc == RPC_CLIENT_NODE_NOT_ADDED)
        return rpc_fail(err, RPC_CLIENT_NODE_NOT_ADDED,
                        "Error: Node could not be removed. It has not been added previously.");
    if (rc != 0)
        return rpc_fail(err, RPC_MISC_ERROR, "Error: addnode failed");
    return json_null();
}

static const char help_disconnectnode[] =
    "disconnectnode ( \"address\" nodeid )\n"
    "\n"
    "Immediately disconnects from the specified peer node.\n"
    "\n"
    "Strictly one out of 'address' and 'nodeid' can be provided to identify the node.\n"
    "\n"
    "To disconnect by nodeid, either set 'address' to the empty string, or call using the named 'nodeid' "
    "argument only.\n"
    "\n"
    "Arguments:\n"
    "1. address    (string, optional, default=fallback to nodeid) The IP address/port of the node\n"
    "2. nodeid     (numeric, optional, default=fallback to address) The node ID (see getpeerinfo for node IDs)\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("disconnectnode", "\"192.168.0.6:18444\"")
        RPC_HELP_CLI("disconnectnode", "\"\" 1") RPC_HELP_RPC("disconnectnode", "\"192.168.0.6:18444\"")
            RPC_HELP_RPC("disconnectnode", "\"\", 1");

static const struct rpc_arg disconnectnode_args[] = {
    { "address", RPC_ARG_STR, true },
    { "nodeid", RPC_ARG_NUM, true },
};

static json_t *rpc_disconnectnode(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, disconnectnode_args, 2, help_disconnectnode))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    const json_t *addr = rpc_arg(params, 0);
    const json_t *id = rpc_arg(params, 1);
    bool ok;
    if (addr && !id) {
        ok = connman_disconnect_addr(n->cm, json_string_value(addr));
    } else if (id && (!addr || json_string_length(addr) == 0)) {
        int64_t nid;
        if (!rpc_arg_int(err, &nid, params, 1, -1, RPC_INT64))
            return NULL;
        ok = connman_disconnect_id(n->cm, nid);
    } else {
        return rpc_fail(err, RPC_INVALID_PARAMS, "Only one of address and nodeid should be provided.");
    }
    if (!ok)
        return rpc_fail(err, RPC_CLIENT_NODE_NOT_CONNECTED, "Node not found in connected nodes");
    return json_null();
}

static const char help_getaddednodeinfo[] =
    "getaddednodeinfo ( \"node\" )\n"
    "\n"
    "Returns information about the given added node, or all added nodes\n"
    "(note that onetry addnodes are not listed here)\n"
    "\n"
    "Arguments:\n"
    "1. node    (string, optional, default=all nodes) If provided, return information about this specific "
    "node, otherwise all nodes are returned.\n"
    "\n"
    "Result:\n"
    "[                                (json array)\n"
    "  {                              (json object)\n"
    "    \"addednode\" : \"str\",         (string) The node IP address or name (as provided to addnode)\n"
    "    \"connected\" : true|false,    (boolean) If connected\n"
    "    \"addresses\" : [              (json array) Only when connected = true\n"
    "      {                          (json object)\n"
    "        \"address\" : \"str\",       (string) The bitcoin server IP and port we're connected to\n"
    "        \"connected\" : \"str\"      (string) connection, inbound or outbound\n"
    "      },\n"
    "      ...\n"
    "    ]\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getaddednodeinfo", "\"192.168.0.201\"")
        RPC_HELP_RPC("getaddednodeinfo", "\"192.168.0.201\"");

static const struct rpc_arg getaddednodeinfo_args[] = {
    { "node", RPC_ARG_STR, true },
};

static json_t *rpc_getaddednodeinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getaddednodeinfo_args, 1, help_getaddednodeinfo))
        return NULL;
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    const char *want = rpc_arg_str(params, 0, NULL);
    struct connman_added_info *info = NULL;
    size_t count = 0;
    connman_get_added(n->cm, &info, &count);
    json_t *arr = json_array();
    bool found = false;
    for (size_t i = 0; i < count; i++) {
        if (want && strcmp(want, info[i].node) != 0)
            continue;
        found = true;
        json_t *o = json_object();
        json_object_set_new(o, "addednode", json_string(info[i].node));
        json_object_set_new(o, "connected", json_boolean(info[i].connected));
        json_t *addrs = json_array();
        if (info[i].connected) {
            json_t *a = json_object();
            json_object_set_new(a, "address", json_string(info[i].addr));
            json_object_set_new(a, "connected", json_string(info[i].inbound ? "inbound" : "outbound"));
            json_array_append_new(addrs, a);
        }
        json_object_set_new(o, "addresses", addrs);
        json_array_append_new(arr, o);
    }
    mem_free(info);
    if (want && !found) {
        json_decref(arr);
        return rpc_fail(err, RPC_CLIENT_NODE_NOT_ADDED, "Error: Node has not been added.");
    }
    return arr;
}

/* ---- bans ---------------------------------------------------------------------- */

static const char help_setban[] =
    "setban \"subnet\" \"command\" ( bantime absolute )\n"
    "\n"
    "Attempts to add or remove an IP/Subnet from the banned list.\n"
    "\n"
    "Arguments:\n"
    "1. subnet      (string, required) The IP/Subnet (see getpeerinfo for nodes IP) with an optional netmask "
    "(default is /32 = single IP)\n"
    "2. command     (string, required) 'add' to add an IP/Subnet to the list, 'remove' to remove an IP/Subnet "
    "from the list\n"
    "3. bantime     (numeric, optional, default=0) time in seconds how long (or until when if [absolute] is set) "
    "the IP is banned (0 or empty means using the default time of 24h which can also be overwritten by the "
    "-bantime startup argument)\n"
    "4. absolute    (boolean, optional, default=false) If set, the bantime must be an absolute timestamp "
    "expressed in UNIX epoch time\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("setban", "\"192.168.0.6\" \"add\" 86400")
        RPC_HELP_CLI("setban", "\"192.168.0.0/24\" \"add\"")
            RPC_HELP_RPC("setban", "\"192.168.0.6\", \"add\", 86400");

static const struct rpc_arg setban_args[] = {
    { "subnet", RPC_ARG_STR, false },
    { "command", RPC_ARG_STR, false },
    { "bantime", RPC_ARG_NUM, true },
    { "absolute", RPC_ARG_BOOL, true },
};

static struct banman *banman_of(struct rpc_context *ctx, struct rpc_error *err)
{
    struct rpc_net *n = ctx->net;
    struct banman *bm = n ? addrrelay_banman(n->addrs) : NULL;
    if (!bm)
        rpc_fail(err, RPC_DATABASE_ERROR, "Error: Ban database not loaded");
    return bm;
}

static json_t *rpc_setban(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, setban_args, 4, help_setban))
        return NULL;
    const char *sub = rpc_arg_str(params, 0, NULL);
    const char *cmd = rpc_arg_str(params, 1, NULL);
    if (!sub || !cmd || (strcmp(cmd, "add") != 0 && strcmp(cmd, "remove") != 0))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", help_setban);
    struct banman *bm = banman_of(ctx, err);
    if (!bm)
        return NULL;
    struct net_subnet sn;
    if (!net_subnet_parse(&sn, sub))
        return rpc_fail(err, RPC_CLIENT_INVALID_IP_OR_SUBNET, "Error: Invalid IP/Subnet");
    int64_t now = now_s();
    if (!strcmp(cmd, "add")) {
        if (banman_is_subnet_banned(bm, &sn, now))
            return rpc_fail(err, RPC_CLIENT_NODE_ALREADY_ADDED, "Error: IP/Subnet already banned");
        int64_t bantime;
        if (!rpc_arg_int(err, &bantime, params, 2, 0, RPC_INT64))
            return NULL;
        bool absolute = rpc_arg_bool(params, 3, false);
        int64_t until;
        if (absolute && bantime > 0)
            until = bantime;
        else
            until = bantime > INT64_MAX - now ? INT64_MAX : now + (bantime > 0 ? bantime : BANMAN_DEFAULT_BANTIME);
        if (until <= now)
            return json_null(); /* already expired: nothing to do, as Core's Ban() does */
        if (!banman_ban(bm, &sn, until, now))
            return rpc_fail(err, RPC_CLIENT_NODE_ALREADY_ADDED, "Error: IP/Subnet already banned");
        struct rpc_net *n = ctx->net;
        if (n && n->cm)
            connman_disconnect_subnet(n->cm, &sn);
        return json_null();
    }
    if (!banman_unban(bm, &sn))
        return rpc_fail(err, RPC_CLIENT_INVALID_IP_OR_SUBNET,
                        "Error: Unban failed. Requested address/subnet was not previously manually banned.");
    return json_null();
}

static const char help_listbanned[] =
    "listbanned\n"
    "\n"
    "List all manually banned IPs/Subnets.\n"
    "\n"
    "Result:\n"
    "[                              (json array)\n"
    "  {                            (json object)\n"
    "    \"address\" : \"str\",         (string) The IP/Subnet of the banned node\n"
    "    \"ban_created\" : xxx,       (numeric) The UNIX epoch time the ban was created\n"
    "    \"banned_until\" : xxx,      (numeric) The UNIX epoch time the ban expires\n"
    "    \"ban_duration\" : xxx,      (numeric) The ban duration, in seconds\n"
    "    \"time_remaining\" : xxx     (numeric) The time remaining until the ban expires, in seconds\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("listbanned", "") RPC_HELP_RPC("listbanned", "");

static json_t *rpc_listbanned(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_listbanned))
        return NULL;
    struct banman *bm = banman_of(ctx, err);
    if (!bm)
        return NULL;
    int64_t now = now_s();
    struct banman_entry *list;
    size_t count = banman_list(bm, &list, now);
    json_t *arr = json_array();
    for (size_t i = 0; i < count; i++) {
        char s[NET_ADDR_STRLEN + 4];
        net_subnet_to_string(s, &list[i].subnet);
        json_t *o = json_object();
        json_object_set_new(o, "address", json_string(s));
        json_object_set_new(o, "ban_created", json_integer(list[i].create_time));
        json_object_set_new(o, "banned_until", json_integer(list[i].ban_until));
        json_object_set_new(o, "ban_duration", json_integer(list[i].ban_until - list[i].create_time));
        json_object_set_new(o, "time_remaining", json_integer(list[i].ban_until - now));
        json_array_append_new(arr, o);
    }
    mem_free(list);
    return arr;
}

static const char help_clearbanned[] =
    "clearbanned\n"
    "\n"
    "Clear all banned IPs.\n"
    "\n"
    "Result:\n"
    "null    (json null)\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("clearbanned", "") RPC_HELP_RPC("clearbanned", "");

static json_t *rpc_clearbanned(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, help_clearbanned))
        return NULL;
    struct banman *bm = banman_of(ctx, err);
    if (!bm)
        return NULL;
    banman_clear(bm);
    return json_null();
}

/* ---- setnetworkactive ------------------------------------------------------------ */

static const char help_setnetworkactive[] =
    "setnetworkactive state\n"
    "\n"
    "Disable/enable all p2p network activity.\n"
    "\n"
    "Arguments:\n"
    "1. state    (boolean, required) true to enable networking, false to disable\n"
    "\n"
    "Result:\n"
    "true|false    (boolean) The value that was passed in\n";

static const struct rpc_arg setnetworkactive_args[] = {
    { "state", RPC_ARG_BOOL, false },
};

static json_t *rpc_setnetworkactive(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, setnetworkactive_args, 1, help_setnetworkactive))
        return NULL;
    if (!rpc_arg(params, 0))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", help_setnetworkactive);
    struct rpc_net *n = net_of(ctx, err);
    if (!n)
        return NULL;
    bool state = rpc_arg_bool(params, 0, true);
    connman_set_network_active(n->cm, state);
    return json_boolean(connman_network_active(n->cm));
}

/* ---- getnodeaddresses ------------------------------------------------------------ */

static const char help_getnodeaddresses[] =
    "getnodeaddresses ( count \"network\" )\n"
    "\n"
    "Return known addresses, after filtering for quality and recency.\n"
    "These can potentially be used to find new peers in the network.\n"
    "The total number of addresses known to the node may be higher.\n"
    "\n"
    "Arguments:\n"
    "1. count      (numeric, optional, default=1) The maximum number of addresses to return. Specify 0 to return "
    "all known addresses.\n"
    "2. network    (string, optional, default=all networks) Return only addresses of the specified network. Can be "
    "one of: ipv4, ipv6, onion, i2p, cjdns.\n"
    "\n"
    "Result:\n"
    "[                         (json array)\n"
    "  {                       (json object)\n"
    "    \"time\" : xxx,         (numeric) The UNIX epoch time when the node was last seen\n"
    "    \"services\" : n,       (numeric) The services offered by the node\n"
    "    \"address\" : \"str\",    (string) The address of the node\n"
    "    \"port\" : n,           (numeric) The port number of the node\n"
    "    \"network\" : \"str\"     (string) The network (ipv4, ipv6, onion, i2p, cjdns) the node connected "
    "through\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getnodeaddresses", "8") RPC_HELP_CLI("getnodeaddresses", "4 \"i2p\"")
        RPC_HELP_RPC("getnodeaddresses", "8") RPC_HELP_RPC("getnodeaddresses", "4, \"i2p\"");

static const struct rpc_arg getnodeaddresses_args[] = {
    { "count", RPC_ARG_NUM, true },
    { "network", RPC_ARG_STR, true },
};

static json_t *rpc_getnodeaddresses(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getnodeaddresses_args, 2, help_getnodeaddresses))
        return NULL;
    struct rpc_net *n = ctx->net;
    struct addrman *am = n ? addrrelay_addrman(n->addrs) : NULL;
    if (!am)
        return rpc_fail(err, RPC_CLIENT_P2P_DISABLED, "Error: Address manager functionality missing or disabled");
    int64_t count;
    if (!rpc_arg_int(err, &count, params, 0, 1, RPC_INT32))
        return NULL;
    if (count < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Address count out of range");
    uint8_t network = 0;
    const char *net = rpc_arg_str(params, 1, NULL);
    if (net) {
        static const struct { const char *name; uint8_t id; } nets[] = {
            { "ipv4", NET_ADDR_IPV4 }, { "ipv6", NET_ADDR_IPV6 }, { "onion", NET_ADDR_TORV3 },
            { "i2p", NET_ADDR_I2P },   { "cjdns", NET_ADDR_CJDNS },
        };
        for (size_t i = 0; i < sizeof(nets) / sizeof(nets[0]) && !network; i++)
            if (!strcmp(net, nets[i].name))
                network = nets[i].id;
        if (!network)
            return rpc_fail(err, RPC_INVALID_PARAMETER, "Network not recognized: %s", net);
    }
    struct addrman_info *infos;
    size_t got = addrman_get_addr(am, &infos, (size_t)count, 0, network, now_s());
    json_t *arr = json_array();
    for (size_t i = 0; i < got; i++) {
        char host[NET_ADDR_STRLEN];
        net_addr_host_string(host, &infos[i].addr);
        json_t *o = json_object();
        json_object_set_new(o, "time", json_integer(infos[i].time));
        json_object_set_new(o, "services", json_integer((json_int_t)infos[i].services));
        json_object_set_new(o, "address", json_string(host));
        json_object_set_new(o, "port", json_integer(infos[i].addr.port));
        json_object_set_new(o, "network", json_string(network_name(&infos[i].addr)));
        json_array_append_new(arr, o);
    }
    mem_free(infos);
    return arr;
}

/* ---- registration ------------------------------------------------------------------ */

static const struct rpc_command net_commands[] = {
    { "network", "getconnectioncount", rpc_getconnectioncount, { NULL }, help_getconnectioncount },
    { "network", "ping", rpc_ping, { NULL }, help_ping },
    { "network", "getpeerinfo", rpc_getpeerinfo, { NULL }, help_getpeerinfo },
    { "network", "addnode", rpc_addnode, { "node", "command", NULL }, help_addnode },
    { "network", "disconnectnode", rpc_disconnectnode, { "address", "nodeid", NULL }, help_disconnectnode },
    { "network", "getaddednodeinfo", rpc_getaddednodeinfo, { "node", NULL }, help_getaddednodeinfo },
    { "network", "getnettotals", rpc_getnettotals, { NULL }, help_getnettotals },
    { "network", "getnetworkinfo", rpc_getnetworkinfo, { NULL }, help_getnetworkinfo },
    { "network", "setban", rpc_setban, { "subnet", "command", "bantime", "absolute", NULL }, help_setban },
    { "network", "listbanned", rpc_listbanned, { NULL }, help_listbanned },
    { "network", "clearbanned", rpc_clearbanned, { NULL }, help_clearbanned },
    { "network", "setnetworkactive", rpc_setnetworkactive, { "state", NULL }, help_setnetworkactive },
    { "network", "getnodeaddresses", rpc_getnodeaddresses, { "count", "network", NULL }, help_getnodeaddresses },
};

void rpc_register_net(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(net_commands) / sizeof(net_commands[0]); i++)
        rpc_table_add(t, &net_commands[i]);
}
