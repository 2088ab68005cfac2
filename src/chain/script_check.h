#ifndef HASHMINT_CHAIN_SCRIPT_CHECK_H
#define HASHMINT_CHAIN_SCRIPT_CHECK_H
/* Script verification for the chainstate (Bitcoin Core's CScriptCheck,
 * CCheckQueue and the script execution cache):
 *  - one input's check as a value that can be queued;
 *  - a pthread pool (-par) that runs a block's checks in parallel, the
 *    calling thread included; the block fails cleanly when any check fails;
 *  - a set of fully validated transactions keyed by SHA-256(salt || wtxid ||
 *    flags) (a 64-byte salt: one compression per key), so a transaction the mempool verified is not re-verified when
 *    a block includes it. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/script_error.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "src/util/hash256.h"

/** One input to verify. Every pointer is borrowed and must outlive the check. */
struct script_check {
    const struct tx *tx;
    size_t in_index;
    const struct txout *spent;         /* the output the input spends */
    uint32_t flags;                    /* SCRIPT_VERIFY_* */
    const struct tx_precomputed *pre;  /* digests of tx (spent outputs given for taproot) */
    /* NULL, or (a one-input transaction only) where to compute those
     * digests first, spent being the spent output: so a block's workers,
     * not its serial part, hash the transaction. pre must point here. */
    struct tx_precomputed *fill_pre;
};

/**
 * Runs one check. Returns true if the input's scripts pass; otherwise false
 * with *err (may be NULL). Under SCRIPT_VERIFY_TOKENS an input that takes
 * the issuance liquidation path (issuance_input_is_liquidation) passes
 * without running any script: every caller must also run
 * issuance_tx_check on the transaction (doc/issuance.md, "Liquidation").
 */
bool script_check_run(const struct script_check *c, enum script_error *err);

/* ---- the worker pool ---- */

struct check_queue;

/**
 * Starts a pool with `workers` extra threads (0: checks run on the caller
 * only). Returns the pool (check_queue_free it).
 */
struct check_queue *check_queue_new(int workers);
/** Stops and joins the workers and frees the pool. NULL is a no-op. */
void check_queue_free(struct check_queue *q);
/** Returns the number of worker threads. */
int check_queue_workers(const struct check_queue *q);
/**
 * Runs checks[0..n) on the workers and the calling thread and waits until
 * every started check has finished (so checks may be freed on return).
 * After the first failure the remaining checks are skipped.
 * Returns true if all passed; otherwise false with *failed (index of a
 * failing check) and *err set (either may be NULL).
 * Only one thread may use the pool at a time (the chain lock ensures it).
 */
bool check_queue_run(struct check_queue *q, const struct script_check *checks, size_t n, size_t *failed,
                     enum script_error *err);

/*
 * The same in steps, so the workers verify while the caller is still
 * building the batch (Core's CCheckQueueControl): check_queue_begin over an
 * array that must not move until the batch ends; check_queue_add(count)
 * publishes checks[0..count) (count only grows); the batch ends with
 * exactly one of check_queue_wait (the caller runs checks too until all
 * have run; results as check_queue_run) or check_queue_abandon (the rest
 * is skipped; returns once no worker touches the array).
 */
void check_queue_begin(struct check_queue *q, const struct script_check *checks);
void check_queue_add(struct check_queue *q, size_t count);
bool check_queue_wait(struct check_queue *q, size_t *failed, enum script_error *err);
void check_queue_abandon(struct check_queue *q);

/* ---- the script cache ---- */

struct script_cache;

/** Returns an empty cache holding up to max_entries keys (a random salt is drawn). */
struct script_cache *script_cache_new(size_t max_entries);
/** Frees the cache. NULL is a no-op. */
void script_cache_free(struct script_cache *sc);
/** Out: key = SHA-256(salt || wtxid || flags LE32), salt being 64 random bytes drawn by script_cache_new. */
void script_cache_key(const struct script_cache *sc, uint8_t key[32], const struct hash256 *wtxid, uint32_t flags);
/** Returns true if key is in the cache. Thread-safe. */
bool script_cache_contains(struct script_cache *sc, const uint8_t key[32]);
/** Adds key (evicting an arbitrary entry when full). Thread-safe. */
void script_cache_add(struct script_cache *sc, const uint8_t key[32]);
/** Returns the number of keys held. */
size_t script_cache_size(struct script_cache *sc);

#endif
