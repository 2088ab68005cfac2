/* The fee estimator's statistics (Bitcoin Core's policy/fees.cpp, written
 * anew from its description): bucketed, exponentially decaying counts of
 * how long transactions of each fee rate waited for a block. */
#include "src/chain/fee_estimator.h"

#include <math.h>
#include <string.h>

#include "src/chain/fee_estimator_internal.h"
#include "src/crypto/keys.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/check.h"

static const struct {
    unsigned periods, scale;
    double decay;
} horizon_shape[FEE_HORIZON_COUNT] = {
    { FEE_EST_SHORT_PERIODS, FEE_EST_SHORT_SCALE, FEE_EST_SHORT_DECAY },
    { FEE_EST_MED_PERIODS, FEE_EST_MED_SCALE, FEE_EST_MED_DECAY },
    { FEE_EST_LONG_PERIODS, FEE_EST_LONG_SCALE, FEE_EST_LONG_DECAY },
};

const char *fee_horizon_name(enum fee_horizon h)
{
    return h == FEE_HORIZON_SHORT ? "short" : h == FEE_HORIZON_MEDIUM ? "medium" : "long";
}

unsigned fee_estimator_highest_target(enum fee_horizon h)
{
    return horizon_shape[h].periods * horizon_shape[h].scale;
}

/* ---- one horizon's tables --------------------------------------------------- */

static void stats_init(struct fee_stats *s, size_t nb, unsigned periods, unsigned scale, double decay)
{
    s->periods = periods;
    s->scale = scale;
    s->decay = decay;
    s->feerate_avg = mem_calloc(nb, sizeof(double));
    s->txct_avg = mem_calloc(nb, sizeof(double));
    s->conf_avg = mem_calloc((size_t)periods * nb, sizeof(double));
    s->fail_avg = mem_calloc((size_t)periods * nb, sizeof(double));
    s->unconf = mem_calloc((size_t)fee_stats_max_confirms(s) * nb, sizeof(int));
    s->old_unconf = mem_calloc(nb, sizeof(int));
}

static void stats_clear(struct fee_stats *s)
{
    mem_free(s->feerate_avg);
    mem_free(s->txct_avg);
    mem_free(s->conf_avg);
    mem_free(s->fail_avg);
    mem_free(s->unconf);
    mem_free(s->old_unconf);
}

/* A transaction confirmed after blocks_to_confirm blocks: it counts as
 * confirmed within every period from its own to the last. */
static void stats_record(struct fee_stats *s, size_t nb, int blocks_to_confirm, unsigned bucket, double feerate)
{
    if (blocks_to_confirm < 1)
        return;
    unsigned first = ((unsigned)blocks_to_confirm + s->scale - 1) / s->scale;
    for (unsigned p = first; p <= s->periods; p++)
        s->conf_avg[(size_t)(p - 1) * nb + bucket] += 1;
    s->txct_avg[bucket] += 1;
    s->feerate_avg[bucket] += feerate;
}

static void stats_decay(struct fee_stats *s, size_t nb)
{
    for (size_t j = 0; j < nb; j++) {
        s->feerate_avg[j] *= s->decay;
        s->txct_avg[j] *= s->decay;
    }
    for (size_t i = 0; i < (size_t)s->periods * nb; i++) {
        s->conf_avg[i] *= s->decay;
        s->fail_avg[i] *= s->decay;
    }
}

/* A new block at height: the unconfirmed row it reuses moves to "old". */
static void stats_clear_current(struct fee_stats *s, size_t nb, int32_t height)
{
    int *row = s->unconf + (size_t)((uint32_t)height % fee_stats_max_confirms(s)) * nb;
    for (size_t j = 0; j < nb; j++) {
        s->old_unconf[j] += row[j];
        row[j] = 0;
    }
}

static void stats_new_tx(struct fee_stats *s, size_t nb, int32_t height, unsigned bucket)
{
    s->unconf[(size_t)((uint32_t)height % fee_stats_max_confirms(s)) * nb + bucket]++;
}

/* A tracked transaction left the mempool (in a block or not). */
static void stats_remove_tx(struct fee_stats *s, size_t nb, int32_t entry_height, int32_t best_height,
                            unsigned bucket, bool in_block)
{
    int blocks_ago = best_height == 0 ? 0 : best_height - entry_height;
    if (blocks_ago < 0)
        return; /* Core logs "blockpolicy error": cannot happen with heights we recorded */
    unsigned maxc = fee_stats_max_confirms(s);
    if ((unsigned)blocks_ago >= maxc) {
        if (s->old_unconf[bucket] > 0)
            s->old_unconf[bucket]--;
    } else {
        int *c = &s->unconf[(size_t)((uint32_t)entry_height % maxc) * nb + bucket];
        if (*c > 0)
            (*c)--;
    }
    /* Left unconfirmed after at least one period: a failure for each period it outlived. */
    if (!in_block && (unsigned)blocks_ago >= s->scale) {
        unsigned periods_ago = (unsigned)blocks_ago / s->scale;
        for (unsigned i = 0; i < periods_ago && i < s->periods; i++)
            s->fail_avg[(size_t)i * nb + bucket] += 1;
    }
}

static void range_set(struct fee_bucket_range *r, const double *buckets, unsigned lo, unsigned hi, double conf,
                      double total, double extra, double fail)
{
    r->start = lo ? buckets[lo - 1] : 0;
    r->end = buckets[hi];
    r->within_target = conf;
    r->total_confirmed = total;
    r->in_mempool = extra;
    r->left_mempool = fail;
}

/*
 * Core's EstimateMedianVal: walks the buckets from the highest fee rate
 * down, grouping adjacent buckets until a group holds enough transactions
 * (sufficient / (1 - decay)); a group passes if the share confirmed within
 * target reaches success. The answer is the average fee rate of the bucket
 * holding the median transaction of the lowest passing group, or -1.
 */
static double stats_median(const struct fee_stats *s, const double *buckets, size_t nb, int target,
                           double sufficient, double success, int32_t best_height, struct fee_estimation_result *res)
{
    double n_conf = 0, total = 0, fail = 0, partial = 0;
    double extra = 0;
    unsigned period_target = ((unsigned)target + s->scale - 1) / s->scale;
    unsigned maxc = fee_stats_max_confirms(s);
    unsigned top = (unsigned)nb - 1;
    unsigned cur_near = top, cur_far = top, best_near = top, best_far = top;
    bool found = false, new_range = true, passing = true;
    struct fee_bucket_range pass = { -1, -1, 0, 0, 0, 0 }, failb = { -1, -1, 0, 0, 0, 0 };

    for (int b = (int)top; b >= 0; b--) {
        if (new_range) {
            cur_near = (unsigned)b;
            new_range = false;
        }
        cur_far = (unsigned)b;
        n_conf += s->conf_avg[(size_t)(period_target - 1) * nb + (size_t)b];
        partial += s->txct_avg[b];
        total += s->txct_avg[b];
        fail += s->fail_avg[(size_t)(period_target - 1) * nb + (size_t)b];
        for (unsigned c = (unsigned)target; c < maxc; c++)
            extra += s->unconf[(size_t)(((uint32_t)best_height - c) % maxc) * nb + (size_t)b];
        extra += s->old_unconf[b];
        if (partial < sufficient / (1 - s->decay))
            continue;
        partial = 0;
        double pct = n_conf / (total + fail + extra);
        if (pct < success) {
            if (passing) {
                unsigned lo = cur_near < cur_far ? cur_near : cur_far, hi = cur_near < cur_far ? cur_far : cur_near;
                range_set(&failb, buckets, lo, hi, n_conf, total, extra, fail);
                passing = false;
            }
            continue;
        }
        failb = (struct fee_bucket_range){ -1, -1, 0, 0, 0, 0 };
        found = true;
        passing = true;
        pass.within_target = n_conf;
        pass.total_confirmed = total;
        pass.in_mempool = extra;
        pass.left_mempool = fail;
        n_conf = total = fail = extra = 0;
        best_near = cur_near;
        best_far = cur_far;
        new_range = true;
    }

    double median = -1, sum = 0;
    unsigned lo = best_near < best_far ? best_near : best_far, hi = best_near < best_far ? best_far : best_near;
    for (unsigned j = lo; j <= hi; j++)
        sum += s->txct_avg[j];
    if (found && sum != 0) {
        sum /= 2;
        for (unsigned j = lo; j <= hi; j++) {
            if (s->txct_avg[j] < sum) {
                sum -= s->txct_avg[j];
            } else {
                median = s->feerate_avg[j] / s->txct_avg[j];
                break;
            }
        }
        pass.start = lo ? buckets[lo - 1] : 0;
        pass.end = buckets[hi];
    }
    /* Passing until the last buckets, which had too little data: report those as the failed range. */
    if (passing && !new_range) {
        unsigned flo = cur_near < cur_far ? cur_near : cur_far, fhi = cur_near < cur_far ? cur_far : cur_near;
        range_set(&failb, buckets, flo, fhi, n_conf, total, extra, fail);
    }
    if (res) {
        res->pass = pass;
        res->fail = failb;
        res->decay = s->decay;
        res->scale = s->scale;
    }
    return median;
}

/* ---- the tracked-transaction table ------------------------------------------ */

static size_t slot_of(const struct fee_estimator *fe, const struct hash256 *txid)
{
    return (size_t)siphash_uint256(fe->k0, fe->k1, txid->b) & (fe->table_size - 1);
}

static struct fee_tracked **find_slot(struct fee_estimator *fe, const struct hash256 *txid)
{
    struct fee_tracked **pp = &fe->table[slot_of(fe, txid)];
    while (*pp && !hash256_eq(&(*pp)->txid, txid))
        pp = &(*pp)->next;
    return pp;
}

static void table_grow(struct fee_estimator *fe)
{
    size_t old_size = fe->table_size;
    struct fee_tracked **old = fe->table;
    fe->table_size *= 2;
    fe->table = mem_calloc(fe->table_size, sizeof(*fe->table));
    for (size_t i = 0; i < old_size; i++) {
        struct fee_tracked *t = old[i];
        while (t) {
            struct fee_tracked *next = t->next;
            size_t k = slot_of(fe, &t->txid);
            t->next = fe->table[k];
            fe->table[k] = t;
            t = next;
        }
    }
    mem_free(old);
}

/* ---- the estimator ----------------------------------------------------------- */

struct fee_estimator *fee_estimator_new(void)
{
    struct fee_estimator *fe = mem_calloc(1, sizeof(*fe));
    pthread_mutex_init(&fe->mu, NULL);
    size_t cap = 0;
    for (double b = FEE_EST_MIN_BUCKET_FEERATE; b <= FEE_EST_MAX_BUCKET_FEERATE; b *= FEE_EST_FEE_SPACING)
        cap++;
    fe->nbuckets = cap + 1;
    fe->buckets = mem_alloc(fe->nbuckets * sizeof(double));
    size_t i = 0;
    for (double b = FEE_EST_MIN_BUCKET_FEERATE; b <= FEE_EST_MAX_BUCKET_FEERATE; b *= FEE_EST_FEE_SPACING)
        fe->buckets[i++] = b;
    fe->buckets[i] = FEE_EST_INF_FEERATE;
    for (int h = 0; h < FEE_HORIZON_COUNT; h++)
        stats_init(&fe->stats[h], fe->nbuckets, horizon_shape[h].periods, horizon_shape[h].scale,
                   horizon_shape[h].decay);
    fe->table_size = 1024;
    fe->table = mem_calloc(fe->table_size, sizeof(*fe->table));
    uint8_t key[16] = { 0 };
    if (!keys_random(key, sizeof(key))) /* a fixed key only weakens the table against crafted txids */
        memset(key, 0x5a, sizeof(key));
    memcpy(&fe->k0, key, 8);
    memcpy(&fe->k1, key + 8, 8);
    return fe;
}

void fee_estimator_free(struct fee_estimator *fe)
{
    if (!fe)
        return;
    for (size_t i = 0; i < fe->table_size; i++) {
        struct fee_tracked *t = fe->table[i];
        while (t) {
            struct fee_tracked *next = t->next;
            mem_free(t);
            t = next;
        }
    }
    mem_free(fe->table);
    for (int h = 0; h < FEE_HORIZON_COUNT; h++)
        stats_clear(&fe->stats[h]);
    mem_free(fe->buckets);
    pthread_mutex_destroy(&fe->mu);
    mem_free(fe);
}

/* The first bucket whose upper bound is at least rate (Core's lower_bound). */
static unsigned bucket_of(const struct fee_estimator *fe, double rate)
{
    size_t lo = 0, hi = fe->nbuckets - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (fe->buckets[mid] < rate)
            lo = mid + 1;
        else
            hi = mid;
    }
    return (unsigned)lo;
}

void fee_estimator_tx_added(struct fee_estimator *fe, const struct hash256 *txid, int32_t entry_height, int64_t fee,
                            int64_t vsize, bool valid)
{
    if (vsize <= 0)
        return;
    pthread_mutex_lock(&fe->mu);
    struct fee_tracked **pp = find_slot(fe, txid);
    /* Only transactions that entered at the block we last processed: the
     * wait is counted from there (side chains and stale tips are ignored). */
    if (*pp || !valid || entry_height != fe->best_height)
        goto out;
    double rate = (double)fee * 1000.0 / (double)vsize; /* Core's CFeeRate(fee, size).GetFeePerK() */
    rate = (double)(int64_t)rate;
    struct fee_tracked *t = mem_calloc(1, sizeof(*t));
    t->txid = *txid;
    t->height = entry_height;
    t->bucket = bucket_of(fe, rate);
    t->feerate = rate;
    *pp = t;
    for (int h = 0; h < FEE_HORIZON_COUNT; h++)
        stats_new_tx(&fe->stats[h], fe->nbuckets, entry_height, t->bucket);
    if (++fe->tracked > fe->table_size)
        table_grow(fe);
out:
    pthread_mutex_unlock(&fe->mu);
}

/* Stops tracking txid. Out: *height, *bucket. Returns false if untracked. Lock held. */
static bool untrack(struct fee_estimator *fe, int32_t *height, unsigned *bucket, const struct hash256 *txid,
                    bool in_block)
{
    struct fee_tracked **pp = find_slot(fe, txid);
    struct fee_tracked *t = *pp;
    if (!t)
        return false;
    *pp = t->next;
    for (int h = 0; h < FEE_HORIZON_COUNT; h++)
        stats_remove_tx(&fe->stats[h], fe->nbuckets, t->height, fe->best_height, t->bucket, in_block);
    *height = t->height;
    *bucket = t->bucket;
    mem_free(t);
    fe->tracked--;
    return true;
}

bool fee_estimator_tx_removed(struct fee_estimator *fe, const struct hash256 *txid)
{
    pthread_mutex_lock(&fe->mu);
    int32_t h;
    unsigned b;
    bool ok = untrack(fe, &h, &b, txid, false);
    pthread_mutex_unlock(&fe->mu);
    return ok;
}

void fee_estimator_block(struct fee_estimator *fe, int32_t height, const struct hash256 *txids, size_t n)
{
    pthread_mutex_lock(&fe->mu);
    if (height <= fe->best_height)
        goto out;
    /* best_height moves with clear_current so removals compute ages against this block. */
    fe->best_height = height;
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        stats_clear_current(&fe->stats[h], fe->nbuckets, height);
        stats_decay(&fe->stats[h], fe->nbuckets);
    }
    bool counted = false;
    for (size_t i = 0; i < n; i++) {
        struct fee_tracked *t = *find_slot(fe, &txids[i]);
        if (!t)
            continue; /* not tracked (entered while not current, or has mempool parents) */
        double rate = t->feerate;
        int32_t entry;
        unsigned b;
        if (!untrack(fe, &entry, &b, &txids[i], true) || height - entry <= 0)
            continue;
        for (int h = 0; h < FEE_HORIZON_COUNT; h++)
            stats_record(&fe->stats[h], fe->nbuckets, height - entry, b, rate);
        counted = true;
    }
    if (counted && fe->first_recorded == 0)
        fe->first_recorded = height;
out:
    pthread_mutex_unlock(&fe->mu);
}

size_t fee_estimator_flush_unconfirmed(struct fee_estimator *fe)
{
    pthread_mutex_lock(&fe->mu);
    size_t n = 0;
    for (size_t i = 0; i < fe->table_size; i++) {
        while (fe->table[i]) {
            int32_t h;
            unsigned b;
            struct hash256 id = fe->table[i]->txid;
            if (!untrack(fe, &h, &b, &id, false))
                break;
            n++;
        }
    }
    pthread_mutex_unlock(&fe->mu);
    return n;
}

size_t fee_estimator_tracked(struct fee_estimator *fe)
{
    pthread_mutex_lock(&fe->mu);
    size_t n = fe->tracked;
    pthread_mutex_unlock(&fe->mu);
    return n;
}

int32_t fee_estimator_best_height(struct fee_estimator *fe)
{
    pthread_mutex_lock(&fe->mu);
    int32_t h = fe->best_height;
    pthread_mutex_unlock(&fe->mu);
    return h;
}

/* ---- estimates (lock held) ----------------------------------------------------- */

static double median_of(const struct fee_estimator *fe, enum fee_horizon h, int target, double success,
                        struct fee_estimation_result *res)
{
    double sufficient = h == FEE_HORIZON_SHORT ? FEE_EST_SUFFICIENT_TXS_SHORT : FEE_EST_SUFFICIENT_FEETXS;
    return stats_median(&fe->stats[h], fe->buckets, fe->nbuckets, target, sufficient, success, fe->best_height, res);
}

int64_t fee_estimator_estimate_raw(struct fee_estimator *fe, struct fee_estimation_result *res, int target,
                                   double threshold, enum fee_horizon h)
{
    if (res)
        *res = (struct fee_estimation_result){ { -1, -1, 0, 0, 0, 0 }, { -1, -1, 0, 0, 0, 0 }, 0, 0 };
    if (target <= 0 || (unsigned)target > fee_estimator_highest_target(h) || threshold > 1)
        return 0;
    pthread_mutex_lock(&fe->mu);
    double m = median_of(fe, h, target, threshold, res);
    pthread_mutex_unlock(&fe->mu);
    return m < 0 ? 0 : (int64_t)llround(m);
}

static unsigned block_span(const struct fee_estimator *fe)
{
    return fe->first_recorded == 0 ? 0 : (unsigned)(fe->best_height - fe->first_recorded);
}

static unsigned historical_span(const struct fee_estimator *fe)
{
    if (fe->historical_first == 0 || fe->historical_best < fe->historical_first)
        return 0;
    if (fe->best_height - fe->historical_best > FEE_EST_OLDEST_ESTIMATE_HISTORY)
        return 0;
    return (unsigned)(fe->historical_best - fe->historical_first);
}

/* Targets beyond half the history seen have too few possible failures to trust. */
static unsigned max_usable(const struct fee_estimator *fe)
{
    unsigned span = block_span(fe) > historical_span(fe) ? block_span(fe) : historical_span(fe);
    unsigned lim = fee_estimator_highest_target(FEE_HORIZON_LONG);
    return span / 2 < lim ? span / 2 : lim;
}

/* Core's estimateCombinedFee: the shortest horizon that covers target; with
 * check_shorter, a lower answer from a shorter horizon's maximum target wins
 * (keeps estimates monotonic in the target). */
static double combined(const struct fee_estimator *fe, unsigned target, double success, bool check_shorter,
                       struct fee_estimation_result *res)
{
    double est = -1;
    unsigned smax = fee_estimator_highest_target(FEE_HORIZON_SHORT);
    unsigned mmax = fee_estimator_highest_target(FEE_HORIZON_MEDIUM);
    if (target < 1 || target > fee_estimator_highest_target(FEE_HORIZON_LONG))
        return -1;
    enum fee_horizon h = target <= smax ? FEE_HORIZON_SHORT : target <= mmax ? FEE_HORIZON_MEDIUM : FEE_HORIZON_LONG;
    est = median_of(fe, h, (int)target, success, res);
    if (check_shorter) {
        struct fee_estimation_result tmp;
        if (target > mmax) {
            double m = median_of(fe, FEE_HORIZON_MEDIUM, (int)mmax, success, &tmp);
            if (m > 0 && (est == -1 || m < est)) {
                est = m;
                if (res)
                    *res = tmp;
            }
        }
        if (target > smax) {
            double m = median_of(fe, FEE_HORIZON_SHORT, (int)smax, success, &tmp);
            if (m > 0 && (est == -1 || m < est)) {
                est = m;
                if (res)
                    *res = tmp;
            }
        }
    }
    return est;
}

/* Core's estimateConservativeFee: the maximum of the medium and long horizons at 95%. */
static double conservative_fee(const struct fee_estimator *fe, unsigned double_target)
{
    double est = -1;
    if (double_target <= fee_estimator_highest_target(FEE_HORIZON_SHORT))
        est = median_of(fe, FEE_HORIZON_MEDIUM, (int)double_target, FEE_EST_DOUBLE_SUCCESS_PCT, NULL);
    if (double_target <= fee_estimator_highest_target(FEE_HORIZON_MEDIUM)) {
        double l = median_of(fe, FEE_HORIZON_LONG, (int)double_target, FEE_EST_DOUBLE_SUCCESS_PCT, NULL);
        if (l > est)
            est = l;
    }
    return est;
}

int64_t fee_estimator_estimate_smart(struct fee_estimator *fe, int *returned_target, int target, bool conservative)
{
    return fee_estimator_estimate_smart_why(fe, returned_target, NULL, target, conservative);
}

int64_t fee_estimator_estimate_smart_why(struct fee_estimator *fe, int *returned_target, const char **reason,
                                         int target, bool conservative)
{
    const char *why = "None";
    if (reason)
        *reason = why;
    if (returned_target)
        *returned_target = target;
    if (target <= 0 || (unsigned)target > fee_estimator_highest_target(FEE_HORIZON_LONG))
        return 0;
    if (target == 1) /* one block is not estimable: the next block's contents are a lottery */
        target = 2;
    pthread_mutex_lock(&fe->mu);
    unsigned usable = max_usable(fe);
    if ((unsigned)target > usable)
        target = (int)usable;
    if (returned_target)
        *returned_target = target;
    double median = -1;
    if (target > 1) {
        unsigned t = (unsigned)target;
        median = combined(fe, t / 2, FEE_EST_HALF_SUCCESS_PCT, true, NULL);
        why = "Half Target 60% Threshold";
        double actual = combined(fe, t, FEE_EST_SUCCESS_PCT, true, NULL);
        if (actual > median) {
            median = actual;
            why = "Target 85% Threshold";
        }
        double dbl = combined(fe, 2 * t, FEE_EST_DOUBLE_SUCCESS_PCT, !conservative, NULL);
        if (dbl > median) {
            median = dbl;
            why = "Double Target 95% Threshold";
        }
        if (conservative || median == -1) {
            double c = conservative_fee(fe, 2 * t);
            if (c > median) {
                median = c;
                why = "Conservative Double Target longer horizon";
            }
        }
    }
    pthread_mutex_unlock(&fe->mu);
    if (reason)
        *reason = median < 0 ? "None" : why;
    return median < 0 ? 0 : (int64_t)llround(median);
}
