#ifndef HASHMINT_MINER_WATCH_H
#define HASHMINT_MINER_WATCH_H
/* Waiting for a better template (getblocktemplate's BIP 22 long polling,
 * and a Stratum server's next job): returns when the active tip changes,
 * or when the mempool changed and a minimum delay has passed (so a busy
 * mempool does not make clients rebuild templates without pause), or on
 * shutdown. Waiters block their own thread only (an RPC worker), never the
 * event loop; the chain's tip and mempool events wake them. */
#include <stdbool.h>
#include <stdint.h>

#include "src/util/hash256.h"

struct chainstate;
struct mempool;
struct events;

/** The watcher. Opaque; thread-safe. */
struct miner_watch;

/** Creates a watcher subscribed to ev (chain tip and mempool events); cs and mp are borrowed. */
struct miner_watch *miner_watch_new(struct events *ev, struct chainstate *cs, struct mempool *mp);
/** Unsubscribes and frees (NULL is a no-op). Precondition: no waiter left (call miner_watch_shutdown and let them return). */
void miner_watch_free(struct miner_watch *w);
/** Wakes every waiter with MINER_WATCH_SHUTDOWN; later waits return that at once. */
void miner_watch_shutdown(struct miner_watch *w);

enum miner_watch_result {
    MINER_WATCH_TIP,      /* the active tip is not `tip` */
    MINER_WATCH_MEMPOOL,  /* the mempool sequence is not `seq` and the delay passed */
    MINER_WATCH_TIMEOUT,
    MINER_WATCH_SHUTDOWN,
};

/**
 * Blocks until the tip differs from *tip, or the mempool sequence differs
 * from seq and mempool_delay_ms have passed since the call, or timeout_ms
 * (0: no limit) passed, or shutdown. Returns why.
 */
enum miner_watch_result miner_watch_wait(struct miner_watch *w, const struct hash256 *tip, uint64_t seq,
                                         int64_t mempool_delay_ms, int64_t timeout_ms);

/** Out: the tip hash the watcher last saw (zero before any). */
void miner_watch_tip(struct miner_watch *w, struct hash256 *tip);

#endif
