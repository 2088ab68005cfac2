#ifndef HASHMINT_CHAIN_FEE_ESTIMATOR_H
#define HASHMINT_CHAIN_FEE_ESTIMATOR_H
/* Fee estimation from confirmed mempool transactions (doc/fees.md), as
 * Bitcoin Core's CBlockPolicyEstimator works: each transaction that enters
 * the mempool while the node is current is filed under its fee-rate bucket
 * with its entry height; when a block confirms it, the number of blocks it
 * waited is recorded in three exponentially decaying tables (short, medium
 * and long horizons); transactions that leave the mempool unconfirmed count
 * as failures. An estimate for a target of N blocks is the lowest group of
 * buckets whose transactions confirmed within N blocks often enough.
 *
 * Fee rates are base units (sat) per 1000 virtual bytes. The estimator has
 * its own mutex: every function is thread-safe, takes no other lock and may
 * be called with or without the chain lock held. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/hash256.h"

/* Core's constants (policy/fees.h). */
#define FEE_EST_SHORT_PERIODS 12
#define FEE_EST_SHORT_SCALE 1
#define FEE_EST_SHORT_DECAY .962
#define FEE_EST_MED_PERIODS 24
#define FEE_EST_MED_SCALE 2
#define FEE_EST_MED_DECAY .9952
#define FEE_EST_LONG_PERIODS 42
#define FEE_EST_LONG_SCALE 24
#define FEE_EST_LONG_DECAY .99931
#define FEE_EST_HALF_SUCCESS_PCT .6
#define FEE_EST_SUCCESS_PCT .85
#define FEE_EST_DOUBLE_SUCCESS_PCT .95
#define FEE_EST_SUFFICIENT_FEETXS .1
#define FEE_EST_SUFFICIENT_TXS_SHORT .5
#define FEE_EST_MIN_BUCKET_FEERATE 1000.0
#define FEE_EST_MAX_BUCKET_FEERATE 1e7
#define FEE_EST_FEE_SPACING 1.05
#define FEE_EST_INF_FEERATE 1e99
/* Estimates from a file whose best block is this far behind are not used. */
#define FEE_EST_OLDEST_ESTIMATE_HISTORY (6 * 1008)

enum fee_horizon { FEE_HORIZON_SHORT, FEE_HORIZON_MEDIUM, FEE_HORIZON_LONG };
#define FEE_HORIZON_COUNT 3

/** Returns "short", "medium" or "long" (estimaterawfee's keys). */
const char *fee_horizon_name(enum fee_horizon h);

/** A range of buckets and its counts (Core's EstimatorBucket); start -1: none. */
struct fee_bucket_range {
    double start, end;
    double within_target, total_confirmed, in_mempool, left_mempool;
};

/** What an estimate looked at (Core's EstimationResult). */
struct fee_estimation_result {
    struct fee_bucket_range pass, fail;
    double decay;
    unsigned scale;
};

struct fee_estimator;

/** Returns a new, empty estimator (fee_estimator_free it). */
struct fee_estimator *fee_estimator_new(void);
/** Frees fe (NULL is a no-op). */
void fee_estimator_free(struct fee_estimator *fe);

/**
 * A transaction entered the mempool at entry_height (the tip's height then)
 * with fee (base units) over vsize virtual bytes. It is tracked only if
 * valid (the node is current and no input spends a mempool transaction, as
 * Core's validFeeEstimate) and entry_height is the last block the estimator
 * saw. Already tracked: ignored.
 */
void fee_estimator_tx_added(struct fee_estimator *fe, const struct hash256 *txid, int32_t entry_height, int64_t fee,
                            int64_t vsize, bool valid);
/** A transaction left the mempool without being confirmed (expiry, eviction,
 *  replacement, conflict): counted as a failure. Returns false if untracked. */
bool fee_estimator_tx_removed(struct fee_estimator *fe, const struct hash256 *txid);
/**
 * Block at height was connected with the transactions txids[0..n): decays
 * the tables and records how long each tracked one waited. A height not
 * above the best one seen (a reorganisation) is ignored, as Core does.
 */
void fee_estimator_block(struct fee_estimator *fe, int32_t height, const struct hash256 *txids, size_t n);
/** Counts every still-tracked transaction as failed and stops tracking them
 *  (Core's FlushUnconfirmed, at shutdown). Returns how many. */
size_t fee_estimator_flush_unconfirmed(struct fee_estimator *fe);

/** Returns the number of tracked mempool transactions. */
size_t fee_estimator_tracked(struct fee_estimator *fe);
/** Returns the best block height seen (0: none). */
int32_t fee_estimator_best_height(struct fee_estimator *fe);
/** Returns the largest target a horizon answers for (12, 48 or 1008). */
unsigned fee_estimator_highest_target(enum fee_horizon h);

/**
 * estimaterawfee for one horizon: the fee rate (sat/kvB) at which
 * transactions confirmed within target blocks with at least threshold
 * probability, or 0 if there is not enough data. Out: *res (may be NULL).
 */
int64_t fee_estimator_estimate_raw(struct fee_estimator *fe, struct fee_estimation_result *res, int target,
                                   double threshold, enum fee_horizon h);
/**
 * estimatesmartfee: Core's estimateSmartFee. Returns the fee rate (sat/kvB)
 * or 0 when no estimate exists. Out: *returned_target (may be NULL), the
 * target the estimate is for (clamped by the history available).
 */
int64_t fee_estimator_estimate_smart(struct fee_estimator *fe, int *returned_target, int target, bool conservative);
/**
 * fee_estimator_estimate_smart, also naming the step whose rate won, in
 * Core's FeeReason words (its fee_reason strings): "Half Target 60%
 * Threshold", "Target 85% Threshold", "Double Target 95% Threshold",
 * "Conservative Double Target longer horizon"; "None" when there is no
 * estimate. Out: *reason (may be NULL; a static string).
 */
int64_t fee_estimator_estimate_smart_why(struct fee_estimator *fe, int *returned_target, const char **reason,
                                         int target, bool conservative);

/* ---- fee_estimates.dat (src/chain/fee_estimator_file.c) ---- */

/** The file format's version; a file with a larger one is refused. */
#define FEE_ESTIMATES_VERSION 1
/** The largest file read (a version-1 file is under 1 MB). */
#define FEE_ESTIMATES_MAX_BYTES (8u << 20)

/** Out: *out (mem_free it), *len: the estimator serialised (doc/fees.md). */
void fee_estimator_encode(struct fee_estimator *fe, uint8_t **out, size_t *len);
/**
 * Replaces fe's recorded history with the one in p[0..len). Refuses (fe
 * unchanged) a file of another magic, a newer version, another bucket
 * layout, a bad checksum, non-finite or negative values, or trailing data.
 * Returns false with err.
 */
__attribute__((warn_unused_result)) bool fee_estimator_decode(struct fee_estimator *fe, const uint8_t *p, size_t len,
                                                              char *err, size_t errlen);
/** Writes fe to path atomically. Returns 0 or -1 with err. */
int fee_estimator_write(struct fee_estimator *fe, const char *path, char *err, size_t errlen);
/** Reads path into fe. Returns 1 loaded, 0 no file, -1 refused (err says why; fe unchanged). */
int fee_estimator_read(struct fee_estimator *fe, const char *path, char *err, size_t errlen);

/* ---- wiring (src/chain/fee_estimator_events.c) ---- */

struct events;
struct mempool;
struct chainstate;
struct fee_estimator_sub;
/**
 * Subscribes fe to ev: transactions added to mp (their entry from mp, the
 * node's initial-download state from cs), removed from it, and connected
 * blocks. Subscribe after the mempool's own subscriber. Returns the
 * subscription (fee_estimator_unsubscribe it before fe, mp, cs or ev go).
 */
struct fee_estimator_sub *fee_estimator_subscribe(struct fee_estimator *fe, struct events *ev, struct mempool *mp,
                                                 struct chainstate *cs);
/** Ends the subscription and frees it (NULL is a no-op). */
void fee_estimator_unsubscribe(struct fee_estimator_sub *s);

#endif
