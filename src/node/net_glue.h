#ifndef HASHMINT_NODE_NET_GLUE_H
#define HASHMINT_NODE_NET_GLUE_H
/* hashmintd's wiring of the P2P layer: the node interface over the
 * chainstate and the mempool (src/node/chain_iface.h), the connection
 * manager built from the parsed options (-listen -port -bind -connect
 * -addnode -seednode -maxconnections -onlynet -whitelist -whitebind
 * -minimumchainwork), net/'s message dispatcher over both
 * (net/peer_dispatch.h: sync, transaction and address relay), and the
 * chain events (new tip, invalid block, transaction added) forwarded to it.
 *
 * Life cycle (src/node/init.c): net_glue_start after the chainstate and the
 * mempool are loaded, on the event loop's thread or before it dispatches;
 * net_glue_stop FIRST at shutdown (before the mempool and chainstate go).
 * -chain=bitcoin never makes outbound connections (listening only when
 * -listen is given explicitly). */
#include <stdbool.h>
#include <stddef.h>

#include "consensus/arith256.h"
#include "consensus/params.h"

struct args;
struct chainstate;
struct event_base;
struct events;
struct mempool;
struct net_glue;

/**
 * The minimum chain work in force (Core's MinimumChainWork): -minimumchainwork
 * if given, else the chain's default (net_sync_min_chain_work). The chain
 * (chainstate_options.min_chain_work: unrequested blocks) and net/ (the
 * anti-DoS floor for headers) both use it. Out: *out. Returns false with err
 * set if the option is not hex.
 */
__attribute__((warn_unused_result)) bool net_glue_min_chain_work(struct arith256 *out, const struct args *a,
                                                                const char *chain_name, char *err, size_t errlen);

/**
 * Creates and starts the P2P layer. All pointers are borrowed and must
 * outlive the result (a, params, cs, mp, ev, base). chain_name: "main",
 * "test", "regtest" or "bitcoin"; chaindir: where peers.dat and banlist.dat live. Out: *out. Returns false with err set
 * (bad option value, cannot bind); *out is then NULL.
 */
__attribute__((warn_unused_result)) bool net_glue_start(struct net_glue **out, const struct args *a,
                                                       const char *chain_name, const char *chaindir,
                                                       const struct chain_params *params,
                                                       struct chainstate *cs, struct mempool *mp, struct events *ev,
                                                       struct event_base *base, char *err, size_t errlen);
/**
 * Unsubscribes from chain events, disconnects every peer, frees the P2P
 * layer. Call on the event loop's thread (or after it stopped). NULL is a no-op.
 */
void net_glue_stop(struct net_glue *g);

struct rpc_net;
/** What the network RPCs reach (src/rpc/rpc_net.h; rpc_context.net); NULL-safe. */
const struct rpc_net *net_glue_rpc(struct net_glue *g);

#endif
