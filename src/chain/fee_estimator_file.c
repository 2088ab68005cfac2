/* fee_estimates.dat: the estimator's decayed history, versioned and
 * checksummed (doc/fees.md), so a restart keeps its estimates. Unconfirmed
 * counts are not saved: the mempool's transactions are tracked afresh. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "src/chain/fee_estimator.h"
#include "src/chain/fee_estimator_internal.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/file.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

static const uint8_t MAGIC[8] = { 'H', 'M', 'F', 'E', 'E', 'E', 'S', 'T' };

static void put_f64(struct wbuf *w, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    wbuf_u64le(w, u);
}

static void put_f64s(struct wbuf *w, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        put_f64(w, v[i]);
}

void fee_estimator_encode(struct fee_estimator *fe, uint8_t **out, size_t *len)
{
    struct wbuf w;
    wbuf_init(&w);
    pthread_mutex_lock(&fe->mu);
    wbuf_put(&w, MAGIC, sizeof(MAGIC));
    wbuf_u32le(&w, FEE_ESTIMATES_VERSION);
    /* The span the history covers: this run's if it is the larger part, else the loaded one's (Core). */
    int32_t first = fe->historical_first, best = fe->historical_best;
    unsigned span = fe->first_recorded ? (unsigned)(fe->best_height - fe->first_recorded) : 0;
    unsigned hist = fe->historical_first ? (unsigned)(fe->historical_best - fe->historical_first) : 0;
    if (span > hist / 2) {
        first = fe->first_recorded;
        best = fe->best_height;
    }
    wbuf_u32le(&w, (uint32_t)fe->best_height);
    wbuf_u32le(&w, (uint32_t)first);
    wbuf_u32le(&w, (uint32_t)best);
    wbuf_u32le(&w, (uint32_t)fe->nbuckets);
    put_f64s(&w, fe->buckets, fe->nbuckets);
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        const struct fee_stats *s = &fe->stats[h];
        wbuf_u32le(&w, s->periods);
        wbuf_u32le(&w, s->scale);
        put_f64(&w, s->decay);
        put_f64s(&w, s->feerate_avg, fe->nbuckets);
        put_f64s(&w, s->txct_avg, fe->nbuckets);
        put_f64s(&w, s->conf_avg, (size_t)s->periods * fe->nbuckets);
        put_f64s(&w, s->fail_avg, (size_t)s->periods * fe->nbuckets);
    }
    pthread_mutex_unlock(&fe->mu);
    uint8_t sum[32];
    sha256(sum, w.data, w.len);
    wbuf_put(&w, sum, sizeof(sum));
    *out = wbuf_detach(&w, len);
}

static bool fail(char *err, size_t errlen, const char *msg)
{
    snprintf(err, errlen, "%s", msg);
    return false;
}

/* Reads n finite, non-negative doubles (counts and fee rates are never negative). */
static bool get_f64s(struct rbuf *r, double *out, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint64_t u;
        if (!rbuf_u64le(r, &u))
            return false;
        memcpy(&out[i], &u, 8);
        if (!isfinite(out[i]) || out[i] < 0)
            return false;
    }
    return true;
}

/* Swaps the history tables of a and b (same layout). */
static void swap_stats(struct fee_stats *a, struct fee_stats *b)
{
    struct fee_stats t = *a;
    *a = *b;
    *b = t;
}

bool fee_estimator_decode(struct fee_estimator *fe, const uint8_t *p, size_t len, char *err, size_t errlen)
{
    if (len < sizeof(MAGIC) + 4 + 32 || memcmp(p, MAGIC, sizeof(MAGIC)) != 0)
        return fail(err, errlen, "not a fee estimates file");
    struct rbuf r = rbuf_make(p + sizeof(MAGIC), len - sizeof(MAGIC) - 32);
    uint32_t version;
    if (!rbuf_u32le(&r, &version) || version == 0)
        return fail(err, errlen, "corrupt fee estimates file (bad version)");
    if (version > FEE_ESTIMATES_VERSION) {
        snprintf(err, errlen, "fee estimates file version %u is newer than this program's (%u)", version,
                 FEE_ESTIMATES_VERSION);
        return false;
    }
    uint8_t sum[32];
    sha256(sum, p, len - 32);
    if (memcmp(sum, p + len - 32, 32) != 0)
        return fail(err, errlen, "corrupt fee estimates file (checksum mismatch)");
    uint32_t best, first, hbest, nb;
    if (!rbuf_u32le(&r, &best) || !rbuf_u32le(&r, &first) || !rbuf_u32le(&r, &hbest) || !rbuf_u32le(&r, &nb))
        return fail(err, errlen, "corrupt fee estimates file (truncated header)");
    if (best > INT32_MAX || first > hbest || hbest > best)
        return fail(err, errlen, "corrupt fee estimates file (inconsistent heights)");
    if (nb != fe->nbuckets)
        return fail(err, errlen, "fee estimates file has another bucket layout");
    struct fee_estimator *tmp = fee_estimator_new();
    bool ok = false;
    double *bounds = mem_alloc(nb * sizeof(double));
    /* Bucket bounds must match ours bit for bit, else the counts mean other fee rates. */
    if (!get_f64s(&r, bounds, nb) || memcmp(bounds, fe->buckets, nb * sizeof(double)) != 0) {
        fail(err, errlen, "fee estimates file has another bucket layout");
        goto out;
    }
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        struct fee_stats *s = &tmp->stats[h];
        uint32_t periods, scale;
        double decay;
        if (!rbuf_u32le(&r, &periods) || !rbuf_u32le(&r, &scale) || !get_f64s(&r, &decay, 1) ||
            periods != s->periods || scale != s->scale || decay != s->decay) {
            fail(err, errlen, "corrupt fee estimates file (horizon shape)");
            goto out;
        }
        if (!get_f64s(&r, s->feerate_avg, nb) || !get_f64s(&r, s->txct_avg, nb) ||
            !get_f64s(&r, s->conf_avg, (size_t)periods * nb) || !get_f64s(&r, s->fail_avg, (size_t)periods * nb)) {
            fail(err, errlen, "corrupt fee estimates file (bad or truncated table)");
            goto out;
        }
    }
    if (r.len != 0) {
        fail(err, errlen, "corrupt fee estimates file (trailing data)");
        goto out;
    }
    pthread_mutex_lock(&fe->mu);
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        swap_stats(&fe->stats[h], &tmp->stats[h]);
        /* The tracked transactions' unconfirmed counts stay valid: keep them. */
        struct fee_stats *s = &fe->stats[h], *old = &tmp->stats[h];
        memcpy(s->unconf, old->unconf, (size_t)fee_stats_max_confirms(s) * nb * sizeof(int));
        memcpy(s->old_unconf, old->old_unconf, nb * sizeof(int));
    }
    if ((int32_t)best > fe->best_height)
        fe->best_height = (int32_t)best;
    fe->historical_first = (int32_t)first;
    fe->historical_best = (int32_t)hbest;
    pthread_mutex_unlock(&fe->mu);
    ok = true;
out:
    mem_free(bounds);
    fee_estimator_free(tmp);
    return ok;
}

int fee_estimator_write(struct fee_estimator *fe, const char *path, char *err, size_t errlen)
{
    uint8_t *data;
    size_t len;
    fee_estimator_encode(fe, &data, &len);
    int rc = file_write_atomic(path, data, len, 0600);
    if (rc != 0)
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
    mem_free(data);
    return rc;
}

int fee_estimator_read(struct fee_estimator *fe, const char *path, char *err, size_t errlen)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        if (errno == ENOENT)
            return 0;
        snprintf(err, errlen, "cannot open %s: %s", path, strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (uint64_t)st.st_size > FEE_ESTIMATES_MAX_BYTES) {
        fclose(f);
        snprintf(err, errlen, "%s is too large to be a fee estimates file", path);
        return -1;
    }
    size_t len = (size_t)st.st_size;
    uint8_t *buf = mem_alloc(len ? len : 1);
    size_t got = fread(buf, 1, len, f);
    fclose(f);
    int rc = -1;
    if (got != len)
        snprintf(err, errlen, "cannot read %s", path);
    else if (fee_estimator_decode(fe, buf, len, err, errlen))
        rc = 1;
    mem_free(buf);
    return rc;
}
