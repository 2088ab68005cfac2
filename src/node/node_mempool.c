#include "src/node/node_mempool.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/fee_estimator.h"
#include "src/chain/mempool.h"
#include "src/node/args.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* Core's MAX_FILE_AGE: 60 hours. */
#define NODE_FEE_ESTIMATES_MAX_AGE (60 * 3600)

struct node_mempool {
    struct mempool *mp;
    struct events *ev;
    int sub_id;
    char path[4096];
    struct fee_estimator *fees;
    struct fee_estimator_sub *fees_sub;
    char fees_path[4096];
};

/* The estimator listens before mempool.dat is replayed, so the reloaded
 * transactions are tracked too (if the saved estimates end at the tip). */
static void start_fee_estimator(struct node_mempool *m, struct chainstate *cs, const char *chaindir, bool accept_stale)
{
    m->fees = fee_estimator_new();
    snprintf(m->fees_path, sizeof(m->fees_path), "%s/fee_estimates.dat", chaindir);
    char err[512];
    int rc = 0;
    struct stat st;
    int64_t age = stat(m->fees_path, &st) == 0 ? (int64_t)time(NULL) - (int64_t)st.st_mtime : 0;
    /* Core's MAX_FILE_AGE: estimates saved this long ago describe another fee market. */
    if (age > NODE_FEE_ESTIMATES_MAX_AGE && !accept_stale)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
                   "Fee estimation file %s too old (age=%lld > %d hours) and will not be used to avoid serving "
                   "stale estimates.",
                   m->fees_path, (long long)age, NODE_FEE_ESTIMATES_MAX_AGE / 3600);
    else
        rc = fee_estimator_read(m->fees, m->fees_path, err, sizeof(err));
    if (rc < 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Refusing fee estimates file %s: %s. Estimates start empty.",
                   m->fees_path, err);
    else if (rc > 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Loaded fee estimates from %s (best height %d)", m->fees_path,
                   (int)fee_estimator_best_height(m->fees));
    m->fees_sub = fee_estimator_subscribe(m->fees, m->ev, m->mp, cs);
}

bool node_mempool_start(struct node_mempool **out, struct chainstate *cs, struct events *ev, const struct args *a,
                        const char *chaindir, char *err, size_t errlen)
{
    *out = NULL;
    const struct chain_params *p = chainstate_params(cs);
    struct mempool_options o;
    mempool_options_init(&o, p);
    mempool_chain_from_chainstate(&o.chain, cs);
    mempool_notify_from_events(&o.notify, ev);

    int64_t max_mb, expiry_h;
    if (!args_get_int(a, &max_mb, "maxmempool", ARGS_DEFAULT_MAX_MEMPOOL_MB) || max_mb < 0 ||
        !args_get_int(a, &expiry_h, "mempoolexpiry", ARGS_DEFAULT_MEMPOOL_EXPIRY_HOURS) || expiry_h < 0) {
        snprintf(err, errlen, "Invalid -maxmempool or -mempoolexpiry value");
        return false;
    }
    /* Core: the pool must hold 40 maximal descendant packages. */
    int64_t floor_bytes = (int64_t)MEMPOOL_DEFAULT_DESCENDANT_SIZE_LIMIT_KVB * 1000 * 40;
    if (max_mb * 1000000 < floor_bytes) {
        snprintf(err, errlen, "-maxmempool must be at least %d MB", (int)((floor_bytes + 999999) / 1000000));
        return false;
    }
    o.max_size_bytes = (uint64_t)max_mb * 1000000;
    o.expiry_seconds = expiry_h * 3600;
    const char *fee = args_get(a, "minrelaytxfee", NULL);
    if (fee) {
        int64_t v;
        if (!args_parse_money(&v, fee)) {
            snprintf(err, errlen, "Invalid amount for -minrelaytxfee=<amount>: '%s'", fee);
            return false;
        }
        o.min_relay_feerate = v;
    }

    bool accept_stale = args_get_bool(a, "acceptstalefeeestimates", false);
    if (accept_stale && strcmp(p->name, "regtest") != 0) {
        snprintf(err, errlen, "acceptstalefeeestimates is not supported on %s chain.", p->name);
        return false;
    }
    struct node_mempool *m = mem_calloc(1, sizeof(*m));
    m->mp = mempool_new(&o);
    m->ev = ev;
    m->sub_id = mempool_subscribe_events(m->mp, ev);
    snprintf(m->path, sizeof(m->path), "%s/mempool.dat", chaindir);
    start_fee_estimator(m, cs, chaindir, accept_stale);

    if (args_get_bool(a, "persistmempool", true)) {
        size_t ok = 0, failed = 0, expired = 0;
        char lerr[512];
        /* mempool_load logs what it imported; a damaged file is skipped, as Core does. */
        if (mempool_load(m->mp, m->path, &ok, &failed, &expired, lerr, sizeof(lerr)) != 0) {
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Failed to load mempool from %s: %s", m->path, lerr);
            mempool_set_loaded(m->mp);
        }
    } else {
        mempool_set_loaded(m->mp);
    }
    *out = m;
    return true;
}

struct fee_estimator *node_mempool_fee_estimator(struct node_mempool *m)
{
    return m ? m->fees : NULL;
}

void node_mempool_write_fee_estimates(struct node_mempool *m)
{
    if (!m)
        return;
    char err[512];
    if (fee_estimator_write(m->fees, m->fees_path, err, sizeof(err)) != 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Failed to write fee estimates: %s", err);
    else
        log_printf(LOG_MEMPOOL, LOG_LEVEL_DEBUG, "Flushed fee estimates to %s", m->fees_path);
}

struct mempool *node_mempool_get(struct node_mempool *m)
{
    return m ? m->mp : NULL;
}

void node_mempool_stop(struct node_mempool *m, bool dump)
{
    if (!m)
        return;
    fee_estimator_unsubscribe(m->fees_sub);
    events_unsubscribe(m->ev, m->sub_id);
    /* Transactions still waiting count as not confirmed (Core's FlushUnconfirmed). */
    fee_estimator_flush_unconfirmed(m->fees);
    node_mempool_write_fee_estimates(m);
    fee_estimator_free(m->fees);
    if (dump) {
        char err[512];
        /* mempool_dump logs its own success line. */
        if (mempool_dump(m->mp, m->path, err, sizeof(err)) != 0)
            log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Failed to dump mempool: %s. Continuing anyway.", err);
    }
    mempool_free(m->mp);
    mem_free(m);
}
