#ifndef HASHMINT_STRATUM_SERVER_H
#define HASHMINT_STRATUM_SERVER_H
/* The Stratum v1 server (-stratum): line-based JSON over TCP on its own
 * libevent loop and thread, so that no client can slow the node. Methods,
 * error codes, limits and payout rules: doc/mining.md, "Stratum". Jobs come
 * from the builder thread (jobs.h); a share that meets the network target
 * goes through miner_submit_block (src/miner/submit.h) at once. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "src/chain/miner.h"

struct chain_params;
struct chainstate;
struct mempool;
struct events;

/** Defaults of the options (doc/mining.md). */
#define STRATUM_DEFAULT_MAX_CONNECTIONS 1000
#define STRATUM_DEFAULT_MAX_LINE 16384
#define STRATUM_DEFAULT_MSGS_PER_SEC 50
#define STRATUM_DEFAULT_IDLE_SECONDS 600
#define STRATUM_DEFAULT_COINBASE_MAX 750
#define STRATUM_DEFAULT_MIN_OUTPUT 10000
#define STRATUM_DEFAULT_PPLNS_N 2.0
#define STRATUM_DEFAULT_SHARE_RATE 20.0
#define STRATUM_DEFAULT_REFRESH_MS 5000
/** The most output bytes a client may keep unread before it is dropped. */
#define STRATUM_MAX_UNREAD (1u << 20)

struct stratum_options {
    const struct chain_params *params;
    struct chainstate *chain;
    struct mempool *mempool;
    struct events *events;
    const struct miner_options *assembly; /* borrowed; NULL: defaults */
    const char *const *binds;   /* addresses to listen on (NULL/0: 127.0.0.1 and ::1) */
    size_t bind_count;
    uint16_t port;              /* 0: any free port (tests read it back) */
    const char *const *allow;   /* -stratumallowip subnets (loopback is always allowed) */
    size_t allow_count;
    bool pplns;
    double pplns_n;
    int64_t min_output;
    size_t coinbase_max;        /* payout outputs' bytes (0: no cap) */
    double difficulty, min_difficulty, max_difficulty;
    double share_rate;          /* shares per minute vardiff aims at (0: fixed difficulty) */
    size_t max_connections, max_line;
    double msgs_per_sec;
    int idle_seconds;
    int64_t refresh_ms;
    const char *share_log_path; /* NULL: no share log file */
    /* The clock of vardiff and the hash-rate estimates, in seconds (NULL: the
     * system clock): the node passes one that setmocktime moves on regtest. */
    double (*clock)(void *ctx);
    void *clock_ctx;
};

/** Fills the defaults (pointers NULL). */
void stratum_options_init(struct stratum_options *o);

struct stratum_server;

/** Binds and starts the server's threads. NULL with err (a sentence) on failure. */
struct stratum_server *stratum_server_start(const struct stratum_options *o, char *err, size_t errlen);
/** Stops the threads, closes every connection, frees (NULL is a no-op). */
void stratum_server_stop(struct stratum_server *s);
/** Returns getstratuminfo's object (new reference). Thread-safe. */
json_t *stratum_server_info(struct stratum_server *s);

#endif
