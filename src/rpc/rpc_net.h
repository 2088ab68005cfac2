#ifndef HASHMINT_RPC_RPC_NET_H
#define HASHMINT_RPC_RPC_NET_H
/* What the network RPCs (rpc_net.c: getpeerinfo, getnetworkinfo,
 * getconnectioncount, getnettotals, ping, addnode, disconnectnode,
 * getaddednodeinfo, setban, listbanned, clearbanned, setnetworkactive,
 * getnodeaddresses) reach. The node fills one struct rpc_net when P2P
 * starts, sets rpc_context.net to it, and clears that pointer before P2P
 * stops; with net NULL every method answers Core's -31 "Error: Peer-to-peer
 * functionality missing or disabled". */
#include <stdbool.h>
#include <stdint.h>

struct connman;
struct net_sync;
struct addrrelay;

struct rpc_net {
    struct connman *cm;       /* required */
    struct net_sync *sync;    /* may be NULL: no synced_headers/blocks in getpeerinfo */
    struct addrrelay *addrs;  /* may be NULL: no bans, no address manager */
    bool blocks_only;         /* -blocksonly: getnetworkinfo localrelay false */
    uint32_t onlynet;         /* -onlynet bits (1 << enum net_addr_network); 0: every network */
    int32_t client_version;   /* getnetworkinfo "version" (e.g. 10000 for 0.1.0) */
    const char *subversion;   /* getnetworkinfo "subversion" ("/hashmint:0.1.0/"); borrowed */
};

#endif
