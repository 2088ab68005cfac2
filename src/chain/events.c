/* The chain's notification list: a small array of subscribers behind a
 * recursive mutex. Recursive because emitting can nest: the mempool's
 * block_connected handler removes conflicting transactions and emits
 * tx_removed_from_mempool from inside the outer emit. */
#include "src/chain/events.h"

#include <pthread.h>

#include "src/util/alloc.h"

struct slot {
    int id;
    struct events_subscriber sub;
};

struct events {
    pthread_mutex_t mu;
    struct slot *slots;
    size_t count;
    size_t cap;
    int next_id;
};

const char *mempool_removal_reason_name(enum mempool_removal_reason r)
{
    switch (r) {
    case MEMPOOL_REMOVAL_EXPIRY: return "expiry";
    case MEMPOOL_REMOVAL_SIZELIMIT: return "sizelimit";
    case MEMPOOL_REMOVAL_REORG: return "reorg";
    case MEMPOOL_REMOVAL_BLOCK: return "block";
    case MEMPOOL_REMOVAL_CONFLICT: return "conflict";
    case MEMPOOL_REMOVAL_REPLACED: return "replaced";
    }
    return "unknown";
}

struct events *events_new(void)
{
    struct events *ev = mem_calloc(1, sizeof(*ev));
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&ev->mu, &attr);
    pthread_mutexattr_destroy(&attr);
    ev->next_id = 1;
    return ev;
}

void events_free(struct events *ev)
{
    if (!ev)
        return;
    pthread_mutex_destroy(&ev->mu);
    mem_free(ev->slots);
    mem_free(ev);
}

int events_subscribe(struct events *ev, const struct events_subscriber *sub)
{
    pthread_mutex_lock(&ev->mu);
    if (ev->count == ev->cap) {
        ev->cap = ev->cap ? ev->cap * 2 : 4;
        ev->slots = mem_realloc(ev->slots, ev->cap * sizeof(*ev->slots));
    }
    int id = ev->next_id++;
    ev->slots[ev->count].id = id;
    ev->slots[ev->count].sub = *sub;
    ev->count++;
    pthread_mutex_unlock(&ev->mu);
    return id;
}

void events_unsubscribe(struct events *ev, int id)
{
    pthread_mutex_lock(&ev->mu);
    for (size_t i = 0; i < ev->count; i++) {
        if (ev->slots[i].id == id) {
            /* Keep registration order for the remaining subscribers. */
            for (size_t j = i + 1; j < ev->count; j++)
                ev->slots[j - 1] = ev->slots[j];
            ev->count--;
            break;
        }
    }
    pthread_mutex_unlock(&ev->mu);
}

/* Iterates by index so a (forbidden, but harmless here) change of the array
 * inside a callback cannot make us read freed memory: count is re-read. */
#define EMIT(ev, field, ...)                                                   \
    do {                                                                       \
        if (!(ev))                                                             \
            return;                                                            \
        pthread_mutex_lock(&(ev)->mu);                                         \
        for (size_t i_ = 0; i_ < (ev)->count; i_++) {                          \
            const struct events_subscriber *s_ = &(ev)->slots[i_].sub;         \
            if (s_->field)                                                     \
                s_->field(s_->ctx, __VA_ARGS__);                               \
        }                                                                      \
        pthread_mutex_unlock(&(ev)->mu);                                       \
    } while (0)

void events_emit_block_connected(struct events *ev, const struct block *b, const struct block_index *idx)
{
    EMIT(ev, block_connected, b, idx);
}

void events_emit_block_disconnected(struct events *ev, const struct block *b, const struct block_index *idx)
{
    EMIT(ev, block_disconnected, b, idx);
}

void events_emit_updated_block_tip(struct events *ev, const struct block_index *new_tip,
                                   const struct block_index *fork, bool initial_download)
{
    EMIT(ev, updated_block_tip, new_tip, fork, initial_download);
}

void events_emit_tx_added_to_mempool(struct events *ev, const struct tx *tx, uint64_t mempool_sequence)
{
    EMIT(ev, tx_added_to_mempool, tx, mempool_sequence);
}

void events_emit_tx_removed_from_mempool(struct events *ev, const struct tx *tx, enum mempool_removal_reason reason,
                                         uint64_t mempool_sequence)
{
    EMIT(ev, tx_removed_from_mempool, tx, reason, mempool_sequence);
}

void events_emit_block_invalid(struct events *ev, const struct block_index *idx, const struct val_state *st)
{
    EMIT(ev, block_invalid, idx, st);
}

void events_emit_new_pow_valid_block(struct events *ev, const struct block *b, const struct block_index *idx)
{
    EMIT(ev, new_pow_valid_block, b, idx);
}

void events_emit_issuance_tx(struct events *ev, const struct tx *tx, const struct issuance_effects *fx,
                             const struct block_index *idx, bool connected)
{
    EMIT(ev, issuance_tx, tx, fx, idx, connected);
}
