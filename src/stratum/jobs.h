#ifndef HASHMINT_STRATUM_JOBS_H
#define HASHMINT_STRATUM_JOBS_H
/* The Stratum server's jobs, built on their own thread so that block
 * assembly (which takes the chain lock) never stalls the server's event
 * loop.
 *
 * The builder thread is woken by the chain's tip event and builds the next
 * job at once (the template, then one coinbase per payee); a mempool change,
 * or new shares in the pplns window, lead to a rebuild at most every
 * refresh_ms. A job is one block template (stratum_job.base, paying nobody)
 * and its variants: one coinbase for everyone (pplns, a non-empty window) or
 * one per payee (solo, or pplns with an empty window: the first block then
 * pays its finder), made from the base with miner_template_repay. A worker
 * with a payee the current job has no coinbase for asks for one
 * (stratum_jobs_want_payee) and is sent the job once it is built.
 *
 * Finished jobs and variants are handed over through a queue the server's
 * loop drains (stratum_jobs_take) after `wake` tells it to. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/chain/miner.h"
#include "src/miner/work.h"
#include "src/stratum/payout.h"
#include "src/stratum/share.h"

struct chainstate;
struct mempool;
struct events;
struct chain_params;

/** The extranonce: 4 bytes per connection (extranonce1), 4 for the worker (extranonce2). */
#define STRATUM_EXTRANONCE1_LEN 4
#define STRATUM_EXTRANONCE2_LEN 4

/** One coinbase of a job. */
struct stratum_variant {
    bool pool;                   /* the pplns coinbase everybody mines (payee unused) */
    struct stratum_payee payee;  /* solo: whom it pays */
    struct miner_job mj;         /* template with this coinbase, coinb1/coinb2, branch */
    struct stratum_payout payout;
    char *coinb1_hex, *coinb2_hex; /* owned */
};

/** A job: a template for one tip and its coinbases. */
struct stratum_job {
    uint64_t id;
    struct hash256 prev;          /* the tip it builds on */
    int32_t height;
    struct block_template base;   /* paying nobody; variants are made from it */
    char **branch_hex;            /* owned: the Merkle branch, hex */
    size_t branch_len;
    double network_difficulty;
    int64_t tip_event_ns;         /* CLOCK_MONOTONIC time of the tip event it answers (0: none) */
    /* Owned by the server's loop once taken. */
    struct stratum_variant **variants;
    size_t variant_count;
    struct stratum_dupset dups;
    bool stale;
    _Atomic int refs;
};

/** Frees a variant (NULL is a no-op). */
void stratum_variant_free(struct stratum_variant *v);
/** Drops a reference; frees the job at zero. */
void stratum_job_unref(struct stratum_job *j);
/** Returns the variant for a payee (or the pool's), NULL if none. */
struct stratum_variant *stratum_job_variant(struct stratum_job *j, const struct stratum_payee *payee);

/** What the builder needs. Pointers are borrowed. */
struct stratum_jobs_options {
    const struct chain_params *params;
    struct chainstate *chain;
    struct mempool *mempool;
    struct events *events;
    const struct miner_options *assembly; /* -blockmaxweight ... (copied; its payouts are replaced) */
    bool pplns;
    struct stratum_pplns *pplns_log;      /* guarded by pplns_mu */
    pthread_mutex_t *pplns_mu;
    double pplns_n;                       /* window: N x network difficulty */
    struct stratum_payout_rules rules;
    int64_t refresh_ms;                   /* least time between mempool- or share-driven rebuilds */
    void (*wake)(void *ctx);              /* something is queued (called from the builder thread) */
    void *wake_ctx;
};

struct stratum_jobs;

/** Starts the builder thread; NULL with err on failure. */
struct stratum_jobs *stratum_jobs_start(const struct stratum_jobs_options *o, char *err, size_t errlen);
/** Stops the thread and frees everything not taken (NULL is a no-op). */
void stratum_jobs_stop(struct stratum_jobs *js);

/** Asks for a coinbase for this payee in the current and later jobs (solo). */
void stratum_jobs_want_payee(struct stratum_jobs *js, const struct stratum_payee *payee);
/** Forgets a payee nobody connected uses any more. */
void stratum_jobs_drop_payee(struct stratum_jobs *js, const struct stratum_payee *payee);
/** Tells the builder the pplns window changed (a rebuild within refresh_ms). */
void stratum_jobs_window_changed(struct stratum_jobs *js);

/** What the loop takes from the queue. */
struct stratum_jobs_item {
    struct stratum_job *job;          /* a reference, for the loop */
    struct stratum_variant *variant;  /* NULL: a new job (its variants included); else one more variant of job */
};
/** Pops one queued item; returns false when none. */
bool stratum_jobs_take(struct stratum_jobs *js, struct stratum_jobs_item *out);

#endif
