#ifndef HASHMINT_RPC_AUTH_THROTTLE_H
#define HASHMINT_RPC_AUTH_THROTTLE_H
/* The failed-login throttle of the RPC server (doc/rpc.md, "Authentication").
 *
 * A wrong password must cost an attacker real time however many
 * connections it opens. Bitcoin Core gets this by sleeping 250 ms in one of
 * its 4 worker threads per failure (about 16 guesses a second). Here the
 * credentials are checked on the event loop, so the cost is a gate instead:
 *
 *  - after a failed check no credentials are checked for
 *    RPC_AUTH_THROTTLE_DELAY_MS, from any client (the 401 goes out when the
 *    gate opens again), so failed attempts are serialised: at most one per
 *    250 ms, 4 a second, whatever the number of connections or source
 *    addresses (every 127.x.y.z is loopback, so a per-address limit would
 *    not bind a local attacker);
 *  - a request with credentials that arrives while the gate is closed, or
 *    while others wait, waits in a FIFO of at most max_waiting requests and
 *    is checked in turn; beyond that it is refused without a check (the
 *    server answers 503 and closes the connection). Waiting hides nothing:
 *    a correct password is only recognised when its turn comes, so neither
 *    the answer nor its timing tells an attacker more than 4 guesses a
 *    second;
 *  - the "incorrect password" log line is limited to
 *    RPC_AUTH_THROTTLE_LOG_BURST lines per RPC_AUTH_THROTTLE_LOG_WINDOW_MS,
 *    with one line counting the ones left out.
 *
 * Pure bookkeeping: the caller passes the monotonic time in milliseconds
 * and owns the queued items; no I/O, no locks (the server uses it from its
 * event-loop thread only). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RPC_AUTH_THROTTLE_DELAY_MS 250         /* Core's pause after a failed login */
#define RPC_AUTH_THROTTLE_MAX_WAITING 32       /* requests waiting for the gate */
#define RPC_AUTH_THROTTLE_LOG_BURST 10         /* logged failures per window */
#define RPC_AUTH_THROTTLE_LOG_WINDOW_MS 60000

struct rpc_auth_throttle {
    int64_t open_at_ms; /* no credential check before this time */
    void **ring;        /* waiting items, FIFO */
    size_t head, count, cap;
    int64_t log_window_start_ms;
    unsigned logged, suppressed;
};

/** Initialises t: gate open, nothing waiting, room for max_waiting (>= 1) items. */
void rpc_auth_throttle_init(struct rpc_auth_throttle *t, size_t max_waiting);
/** Frees t's memory (not the items still queued: take them first). */
void rpc_auth_throttle_clear(struct rpc_auth_throttle *t);

/** Returns true if credentials may be checked at now_ms: the gate is open and nobody waits. */
bool rpc_auth_throttle_may_check(const struct rpc_auth_throttle *t, int64_t now_ms);

/** Queues item (borrowed) behind the others. Returns false if max_waiting already wait. */
__attribute__((warn_unused_result)) bool rpc_auth_throttle_push(struct rpc_auth_throttle *t, void *item);

/** Returns the first waiting item if the gate is open at now_ms (it leaves the queue), else NULL. */
void *rpc_auth_throttle_next(struct rpc_auth_throttle *t, int64_t now_ms);

/** Returns the first waiting item whatever the gate (shutdown), or NULL if none. */
void *rpc_auth_throttle_take(struct rpc_auth_throttle *t);

/** Records a failed check at now_ms: closes the gate for RPC_AUTH_THROTTLE_DELAY_MS.
 *  Returns the time it opens again. */
int64_t rpc_auth_throttle_failed(struct rpc_auth_throttle *t, int64_t now_ms);

/** Returns the time the gate opens (<= now when open). */
int64_t rpc_auth_throttle_open_at(const struct rpc_auth_throttle *t);

/** Returns the number of waiting items. */
size_t rpc_auth_throttle_waiting(const struct rpc_auth_throttle *t);

/**
 * The log limit, for one failure at now_ms. Returns true if it is to be
 * logged. Out: *left_out, the failures not logged in the window that just
 * ended (report them once, when non-zero), else 0.
 */
bool rpc_auth_throttle_log(struct rpc_auth_throttle *t, unsigned *left_out, int64_t now_ms);

#endif
