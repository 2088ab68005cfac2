#ifndef HASHMINT_CHAIN_FEE_ESTIMATOR_INTERNAL_H
#define HASHMINT_CHAIN_FEE_ESTIMATOR_INTERNAL_H
/* The estimator's state, shared by fee_estimator.c (the statistics) and
 * fee_estimator_file.c (fee_estimates.dat). Not for other files. */
#include <pthread.h>

#include "src/chain/fee_estimator.h"

/* One horizon's tables (Core's TxConfirmStats). Row-major [period][bucket]. */
struct fee_stats {
    unsigned periods; /* confirmation periods tracked */
    unsigned scale;   /* blocks per period */
    double decay;     /* per-block decay of every moving average */
    double *feerate_avg; /* [bucket] decayed sum of the fee rates confirmed */
    double *txct_avg;    /* [bucket] decayed count of transactions confirmed */
    double *conf_avg;    /* [period][bucket] confirmed within (period+1)*scale blocks */
    double *fail_avg;    /* [period][bucket] left the mempool unconfirmed after (period+1)*scale blocks */
    int *unconf;         /* [entry height % max_confirms][bucket] still in the mempool */
    int *old_unconf;     /* [bucket] in the mempool for max_confirms blocks or more */
};

/* A tracked mempool transaction. */
struct fee_tracked {
    struct hash256 txid;
    int32_t height;  /* entry height */
    unsigned bucket;
    double feerate;  /* sat/kvB */
    struct fee_tracked *next;
};

struct fee_estimator {
    pthread_mutex_t mu;
    size_t nbuckets;  /* boundaries, the last one FEE_EST_INF_FEERATE */
    double *buckets;  /* [nbuckets] upper bounds, ascending */
    struct fee_stats stats[FEE_HORIZON_COUNT];
    int32_t best_height;      /* the last block processed */
    int32_t first_recorded;   /* the first block that confirmed a tracked tx this run (0: none) */
    int32_t historical_first; /* the span the loaded file covered (0: none) */
    int32_t historical_best;
    /* Tracked transactions: a chained table keyed by SipHash of the txid. */
    struct fee_tracked **table;
    size_t table_size; /* a power of two */
    size_t tracked;
    uint64_t k0, k1;
};

/** The number of blocks a horizon tracks (periods * scale). */
static inline unsigned fee_stats_max_confirms(const struct fee_stats *s)
{
    return s->periods * s->scale;
}

#endif
