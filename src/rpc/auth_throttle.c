/* The failed-login throttle of the RPC server (see auth_throttle.h). */
#include "src/rpc/auth_throttle.h"

#include <string.h>

#include "src/util/alloc.h"

void rpc_auth_throttle_init(struct rpc_auth_throttle *t, size_t max_waiting)
{
    memset(t, 0, sizeof(*t));
    t->cap = max_waiting ? max_waiting : 1;
    t->ring = mem_calloc(t->cap, sizeof(*t->ring));
    t->open_at_ms = INT64_MIN;
    t->log_window_start_ms = INT64_MIN;
}

void rpc_auth_throttle_clear(struct rpc_auth_throttle *t)
{
    mem_free(t->ring);
    memset(t, 0, sizeof(*t));
}

bool rpc_auth_throttle_may_check(const struct rpc_auth_throttle *t, int64_t now_ms)
{
    return t->count == 0 && now_ms >= t->open_at_ms;
}

bool rpc_auth_throttle_push(struct rpc_auth_throttle *t, void *item)
{
    if (t->count == t->cap)
        return false;
    t->ring[(t->head + t->count) % t->cap] = item;
    t->count++;
    return true;
}

void *rpc_auth_throttle_take(struct rpc_auth_throttle *t)
{
    if (t->count == 0)
        return NULL;
    void *item = t->ring[t->head];
    t->ring[t->head] = NULL;
    t->head = (t->head + 1) % t->cap;
    t->count--;
    return item;
}

void *rpc_auth_throttle_next(struct rpc_auth_throttle *t, int64_t now_ms)
{
    return now_ms >= t->open_at_ms ? rpc_auth_throttle_take(t) : NULL;
}

int64_t rpc_auth_throttle_failed(struct rpc_auth_throttle *t, int64_t now_ms)
{
    /* From the later of now and the current reopening: a failure can only
     * be checked while the gate is open, but keep the gate monotonic. */
    int64_t from = now_ms > t->open_at_ms ? now_ms : t->open_at_ms;
    t->open_at_ms = from + RPC_AUTH_THROTTLE_DELAY_MS;
    return t->open_at_ms;
}

int64_t rpc_auth_throttle_open_at(const struct rpc_auth_throttle *t)
{
    return t->open_at_ms;
}

size_t rpc_auth_throttle_waiting(const struct rpc_auth_throttle *t)
{
    return t->count;
}

bool rpc_auth_throttle_log(struct rpc_auth_throttle *t, unsigned *left_out, int64_t now_ms)
{
    *left_out = 0;
    if (t->log_window_start_ms == INT64_MIN || now_ms - t->log_window_start_ms >= RPC_AUTH_THROTTLE_LOG_WINDOW_MS) {
        *left_out = t->suppressed;
        t->log_window_start_ms = now_ms;
        t->logged = 0;
        t->suppressed = 0;
    }
    if (t->logged < RPC_AUTH_THROTTLE_LOG_BURST) {
        t->logged++;
        return true;
    }
    t->suppressed++;
    return false;
}
