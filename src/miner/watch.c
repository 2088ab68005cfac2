/* Template change notification for long polling (watch.h). */
#include "src/miner/watch.h"

#include <errno.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/util/alloc.h"

struct miner_watch {
    struct events *events;
    struct chainstate *chain;
    struct mempool *mempool;
    int sub_id;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    struct hash256 tip;
    uint64_t changes; /* bumped by every event: waiters re-check */
    bool shutdown;
};

static void bump(struct miner_watch *w, const struct hash256 *tip)
{
    pthread_mutex_lock(&w->mu);
    if (tip)
        w->tip = *tip;
    w->changes++;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    (void)fork;
    (void)ibd;
    bump(ctx, new_tip ? &new_tip->hash : NULL);
}

static void on_tx_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    (void)tx;
    (void)seq;
    bump(ctx, NULL);
}

static void on_tx_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason r, uint64_t seq)
{
    (void)tx;
    (void)r;
    (void)seq;
    bump(ctx, NULL);
}

struct miner_watch *miner_watch_new(struct events *ev, struct chainstate *cs, struct mempool *mp)
{
    struct miner_watch *w = mem_calloc(1, sizeof(*w));
    w->events = ev;
    w->chain = cs;
    w->mempool = mp;
    pthread_mutex_init(&w->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&w->cv, &attr);
    pthread_condattr_destroy(&attr);
    /* The tip before subscribing; an event racing in only refreshes it. */
    chainstate_lock(cs);
    struct block_index *tip = chainstate_tip(cs);
    if (tip)
        w->tip = tip->hash;
    struct events_subscriber sub = {
        .ctx = w,
        .updated_block_tip = on_tip,
        .tx_added_to_mempool = on_tx_added,
        .tx_removed_from_mempool = on_tx_removed,
    };
    w->sub_id = ev ? events_subscribe(ev, &sub) : 0;
    chainstate_unlock(cs);
    return w;
}

void miner_watch_free(struct miner_watch *w)
{
    if (!w)
        return;
    if (w->sub_id > 0)
        events_unsubscribe(w->events, w->sub_id);
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    mem_free(w);
}

void miner_watch_shutdown(struct miner_watch *w)
{
    pthread_mutex_lock(&w->mu);
    w->shutdown = true;
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

void miner_watch_tip(struct miner_watch *w, struct hash256 *tip)
{
    pthread_mutex_lock(&w->mu);
    *tip = w->tip;
    pthread_mutex_unlock(&w->mu);
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

enum miner_watch_result miner_watch_wait(struct miner_watch *w, const struct hash256 *tip, uint64_t seq,
                                         int64_t mempool_delay_ms, int64_t timeout_ms)
{
    const int64_t start = mono_ms();
    enum miner_watch_result r;
    for (;;) {
        /* The mempool's own sequence (not the events') is what the caller's
         * template recorded; read it without holding our mutex, since the
         * mempool emits events to us with its lock held. */
        uint64_t now_seq = mempool_sequence(w->mempool);
        pthread_mutex_lock(&w->mu);
        int64_t now = mono_ms();
        if (w->shutdown) {
            r = MINER_WATCH_SHUTDOWN;
        } else if (!hash256_eq(&w->tip, tip)) {
            r = MINER_WATCH_TIP;
        } else if (now_seq != seq && now - start >= mempool_delay_ms) {
            r = MINER_WATCH_MEMPOOL;
        } else if (timeout_ms > 0 && now - start >= timeout_ms) {
            r = MINER_WATCH_TIMEOUT;
        } else {
            /* Sleep until an event, the mempool delay (if the mempool has
             * changed) or the timeout; then look again. */
            int64_t until = INT64_MAX;
            if (now_seq != seq)
                until = start + mempool_delay_ms;
            if (timeout_ms > 0 && start + timeout_ms < until)
                until = start + timeout_ms;
            uint64_t seen = w->changes;
            while (!w->shutdown && w->changes == seen && mono_ms() < until) {
                if (until == INT64_MAX) {
                    pthread_cond_wait(&w->cv, &w->mu);
                } else {
                    struct timespec ts = { (time_t)(until / 1000), (long)(until % 1000) * 1000000 };
                    if (pthread_cond_timedwait(&w->cv, &w->mu, &ts) == ETIMEDOUT)
                        break;
                }
            }
            pthread_mutex_unlock(&w->mu);
            continue;
        }
        pthread_mutex_unlock(&w->mu);
        return r;
    }
}
