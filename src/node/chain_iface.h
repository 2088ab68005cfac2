#ifndef HASHMINT_NODE_CHAIN_IFACE_H
#define HASHMINT_NODE_CHAIN_IFACE_H
/* How net/ reaches the chain: struct node_iface (net/node_iface.h) filled
 * with functions over the chainstate and the mempool. Each function takes
 * the chain lock itself (one consistent view per call). hashmintd wires it
 * in src/node/net_glue.c; the sync unit tests run it over a test chain. */
#include "consensus/params.h"

struct chainstate;
struct mempool;
struct node_iface;

/** What the node interface works on (borrowed pointers). */
struct chain_iface_ctx {
    struct chainstate *cs;
    struct mempool *mp;
};

/**
 * Out: *out = the node interface over c->cs and c->mp (c is its ctx and must
 * outlive it; params borrowed).
 */
void chain_iface_init(struct node_iface *out, struct chain_iface_ctx *c, const struct chain_params *params);

#endif
