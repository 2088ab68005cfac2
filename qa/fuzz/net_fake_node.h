#ifndef HASHMINT_QA_FUZZ_NET_FAKE_NODE_H
#define HASHMINT_QA_FUZZ_NET_FAKE_NODE_H
/* An in-memory node (chain + mempool) behind struct node_iface for the P2P
 * message-processor fuzz harness (qa/fuzz/fuzz_net_process.c): cheap to
 * reset per input, nothing on disk.
 *
 *  - The chain: the regtest genesis and two pre-mined branches, built once by
 *    fake_node_init: A (heights 1..FAKE_BRANCH_A) and B (forking off A after
 *    height FAKE_BRANCH_B_FORK, FAKE_BRANCH_B blocks, one of which fails to
 *    connect). Each run starts with A[1..4] active, so the node is in IBD
 *    and has blocks to fetch. Headers are checked for proof of work, regtest
 *    bits, a known parent and a sane time; blocks also with block_check;
 *    the most-work fully-stored valid chain becomes active.
 *  - The mempool: a coin exists if its txid's first byte is even or its
 *    transaction is in the pool (else VAL_TX_MISSING_INPUTS: orphans); the
 *    wtxid's second byte picks a consensus, policy or witness rejection
 *    for some transactions; at most 64 transactions (the oldest goes).
 *  - Events: a new tip goes to net_sync_new_tip, an accepted transaction to
 *    txrelay_tx_added, on the calling thread, as the node's events path does.
 *
 * Not thread-safe; one instance per process (static state). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/arith256.h"
#include "consensus/block.h"
#include "src/util/hash256.h"

struct net_sync;
struct txrelay;
struct node_iface;

#define FAKE_BRANCH_A 24     /* A: heights 1..24 */
#define FAKE_BRANCH_B_FORK 2 /* B forks off A after this height */
#define FAKE_BRANCH_B 28     /* B: heights 3..30 */

/** A pre-mined block: header, hash, serialisation (owned by the fake node). */
struct fake_block {
    struct block_header header;
    struct hash256 hash;
    uint8_t *raw;
    size_t len;
};

/** Numbers for invariants and summaries. */
struct fake_node_stats {
    int32_t tip_height;
    size_t headers, max_headers;
    size_t pool, max_pool;
};

/** Builds the pre-mined blocks (regtest). Call once per process, first. */
void fake_node_init(void);
/**
 * Starts a run: the chain back to genesis + A[1..4], an empty mempool.
 * sync/relay (borrowed, may be NULL) receive the chain events until the next reset.
 */
void fake_node_reset(struct net_sync *sync, struct txrelay *relay);
/** Out: *out = the node interface over the fake (ctx NULL, regtest params). */
void fake_node_iface(struct node_iface *out);
/** Returns the genesis block. */
const struct fake_block *fake_node_genesis(void);
/** Returns the pre-mined block of branch A or B at height, or NULL if there is none. */
const struct fake_block *fake_node_block(bool branch_b, int32_t height);
/** Returns the minimum chain work to give net/sync.c (9 blocks' work: above the starting chain). */
const struct arith256 *fake_node_min_work(void);
/** Returns the number of mempool transactions. */
size_t fake_node_pool_count(void);
/** Returns the txid (wtxid: the wtxid) of mempool transaction i < fake_node_pool_count(). */
const struct hash256 *fake_node_pool_id(size_t i, bool wtxid);
/** Out: *out. */
void fake_node_stats(struct fake_node_stats *out);

#endif
