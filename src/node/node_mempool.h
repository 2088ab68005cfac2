#ifndef HASHMINT_NODE_NODE_MEMPOOL_H
#define HASHMINT_NODE_NODE_MEMPOOL_H
/* The node's wiring of the mempool: options from the command line and
 * config (-maxmempool, -mempoolexpiry, -minrelaytxfee, -persistmempool),
 * its view of the chainstate, its place first in the events list, and
 * mempool.dat at start and stop; the fee estimator that listens to it and
 * its fee_estimates.dat (doc/fees.md). */
#include <stdbool.h>
#include <stddef.h>

struct args;
struct chainstate;
struct events;
struct fee_estimator;
struct mempool;
struct node_mempool;

/**
 * Creates the mempool over cs, subscribes it to ev (call before any other
 * subscriber, so they see the updated mempool), and with -persistmempool
 * (default on) loads <chaindir>/mempool.dat. A damaged mempool.dat is
 * logged and skipped, as Core does. Out: *out. Returns false with err set
 * if an option value is invalid.
 */
__attribute__((warn_unused_result)) bool node_mempool_start(struct node_mempool **out, struct chainstate *cs,
                                                           struct events *ev, const struct args *a,
                                                           const char *chaindir, char *err, size_t errlen);

/** Returns the mempool (borrowed; lives until node_mempool_stop). NULL-safe. */
struct mempool *node_mempool_get(struct node_mempool *m);

/** Returns the fee estimator (borrowed; lives until node_mempool_stop). NULL-safe. */
struct fee_estimator *node_mempool_fee_estimator(struct node_mempool *m);

/** Writes <chaindir>/fee_estimates.dat atomically (logs a failure). NULL-safe. */
void node_mempool_write_fee_estimates(struct node_mempool *m);

/** Unsubscribes, writes fee_estimates.dat, writes mempool.dat if dump, frees. NULL is a no-op. */
void node_mempool_stop(struct node_mempool *m, bool dump);

#endif
