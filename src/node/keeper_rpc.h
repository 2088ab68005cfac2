#ifndef HASHMINT_NODE_KEEPER_RPC_H
#define HASHMINT_NODE_KEEPER_RPC_H
/* getkeeperinfo, registered by the node next to the other RPCs. */
struct rpc_table;

/** Adds getkeeperinfo to t. */
void keeper_rpc_register(struct rpc_table *t);

#endif
