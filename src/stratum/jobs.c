/* The Stratum job builder thread (jobs.h). */
#include "src/stratum/jobs.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "consensus/params.h"
#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/log.h"

struct queued {
    struct stratum_jobs_item item;
    struct queued *next;
};

struct stratum_jobs {
    struct stratum_jobs_options o;
    struct miner_options assembly;
    int sub_id;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* CLOCK_MONOTONIC */
    bool stop;
    bool tip_changed, mempool_changed, window_changed, payees_changed;
    int64_t tip_ns; /* when the last tip event came (guarded by mu) */
    struct hash256 tip_hash; /* the block of the last tip event (guarded by mu) */
    struct stratum_payee *payees; /* wanted (guarded by mu) */
    size_t payee_count;
    struct queued *head, *tail;   /* guarded by mu */
    /* The builder's own (thread-private): */
    struct stratum_job *current;
    struct stratum_payee *built; /* payees with a variant in current */
    size_t built_count;
    bool current_pool;           /* current has the pool's coinbase */
    bool ibd_logged;
    uint64_t next_id;
    int64_t last_build; /* mono_ms of the last job built, whatever brought it */
};

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void stratum_variant_free(struct stratum_variant *v)
{
    if (!v)
        return;
    miner_job_clear(&v->mj);
    stratum_payout_clear(&v->payout);
    mem_free(v->coinb1_hex);
    mem_free(v->coinb2_hex);
    mem_free(v);
}

void stratum_job_unref(struct stratum_job *j)
{
    if (!j || atomic_fetch_sub(&j->refs, 1) != 1)
        return;
    for (size_t i = 0; i < j->variant_count; i++)
        stratum_variant_free(j->variants[i]);
    mem_free(j->variants);
    for (size_t i = 0; i < j->branch_len; i++)
        mem_free(j->branch_hex[i]);
    mem_free(j->branch_hex);
    block_template_clear(&j->base);
    stratum_dupset_clear(&j->dups);
    mem_free(j);
}

struct stratum_variant *stratum_job_variant(struct stratum_job *j, const struct stratum_payee *payee)
{
    for (size_t i = 0; i < j->variant_count; i++)
        if (j->variants[i]->pool)
            return j->variants[i];
    for (size_t i = 0; i < j->variant_count; i++)
        if (payee && stratum_payee_eq(&j->variants[i]->payee, payee))
            return j->variants[i];
    return NULL;
}

static void push(struct stratum_jobs *js, struct stratum_job *job, struct stratum_variant *v)
{
    struct queued *q = mem_calloc(1, sizeof(*q));
    atomic_fetch_add(&job->refs, 1);
    q->item.job = job;
    q->item.variant = v;
    pthread_mutex_lock(&js->mu);
    if (js->tail)
        js->tail->next = q;
    else
        js->head = q;
    js->tail = q;
    pthread_mutex_unlock(&js->mu);
    js->o.wake(js->o.wake_ctx);
}

bool stratum_jobs_take(struct stratum_jobs *js, struct stratum_jobs_item *out)
{
    pthread_mutex_lock(&js->mu);
    struct queued *q = js->head;
    if (q) {
        js->head = q->next;
        if (!js->head)
            js->tail = NULL;
    }
    pthread_mutex_unlock(&js->mu);
    if (!q)
        return false;
    *out = q->item;
    mem_free(q);
    return true;
}

/* ---- building ---- */

static void block_template_copy(struct block_template *dst, const struct block_template *src)
{
    *dst = *src;
    block_init(&dst->block);
    dst->block.header = src->block.header;
    for (size_t i = 0; i < src->block.tx_count; i++)
        block_add_tx(&dst->block, &src->block.txs[i]);
    size_t n = src->block.tx_count;
    dst->fees = mem_alloc(n * sizeof(*src->fees));
    dst->sigops_cost = mem_alloc(n * sizeof(*src->sigops_cost));
    memcpy(dst->fees, src->fees, n * sizeof(*src->fees));
    memcpy(dst->sigops_cost, src->sigops_cost, n * sizeof(*src->sigops_cost));
}

struct payout_ctx {
    struct stratum_jobs *js;
    const struct stratum_payee *payee; /* NULL: the pplns split */
    struct stratum_payout *out;
};

static void payouts_cb(void *ctx, struct tx *coinbase, int64_t value)
{
    struct payout_ctx *pc = ctx;
    struct stratum_jobs *js = pc->js;
    if (pc->payee) {
        stratum_payout_single(pc->out, &js->o.rules, pc->payee, value);
    } else {
        pthread_mutex_lock(js->o.pplns_mu);
        double window = js->o.pplns_n * js->current->network_difficulty;
        stratum_pplns_split(pc->out, js->o.pplns_log, &js->o.rules, window, value);
        pthread_mutex_unlock(js->o.pplns_mu);
    }
    stratum_payout_apply(pc->out, coinbase);
}

/* A coinbase of job for a payee (NULL: the pool's). NULL if the split came
 * out empty (pplns with no share yet) or the job cannot be made. */
static struct stratum_variant *make_variant(struct stratum_jobs *js, struct stratum_job *job,
                                            const struct stratum_payee *payee)
{
    struct stratum_variant *v = mem_calloc(1, sizeof(*v));
    v->pool = payee == NULL;
    if (payee)
        v->payee = *payee;
    struct block_template t;
    block_template_copy(&t, &job->base);
    struct miner_options o = js->assembly;
    struct payout_ctx pc = { js, payee, &v->payout };
    o.payouts = payouts_cb;
    o.payouts_ctx = &pc;
    miner_template_repay(&t, js->o.mempool, NULL, 0, &o);
    if (v->payout.count == 0 ||
        !miner_job_init(&v->mj, &t, STRATUM_EXTRANONCE1_LEN + STRATUM_EXTRANONCE2_LEN, MINER_VERSION_ROLL_MASK)) {
        block_template_clear(&t);
        stratum_variant_free(v);
        return NULL;
    }
    v->coinb1_hex = hex_encode_alloc(v->mj.coinb1, v->mj.coinb1_len);
    v->coinb2_hex = hex_encode_alloc(v->mj.coinb2, v->mj.coinb2_len);
    return v;
}

static void add_variant(struct stratum_job *job, struct stratum_variant *v)
{
    job->variants = mem_realloc(job->variants, (job->variant_count + 1) * sizeof(*job->variants));
    job->variants[job->variant_count++] = v;
}

/* Snapshot of the wanted payees. */
static struct stratum_payee *wanted(struct stratum_jobs *js, size_t *n)
{
    pthread_mutex_lock(&js->mu);
    *n = js->payee_count;
    struct stratum_payee *p = mem_alloc((*n ? *n : 1) * sizeof(*p));
    if (*n)
        memcpy(p, js->payees, *n * sizeof(*p));
    pthread_mutex_unlock(&js->mu);
    return p;
}

static bool was_built(struct stratum_jobs *js, const struct stratum_payee *p)
{
    for (size_t i = 0; i < js->built_count; i++)
        if (stratum_payee_eq(&js->built[i], p))
            return true;
    return false;
}

static void mark_built(struct stratum_jobs *js, const struct stratum_payee *p)
{
    js->built = mem_realloc(js->built, (js->built_count + 1) * sizeof(*js->built));
    js->built[js->built_count++] = *p;
}

/* Builds a new job on the tip with all its coinbases and queues it. */
static void build_job(struct stratum_jobs *js, int64_t tip_ns)
{
    static const uint8_t nobody[1] = { 0x6a }; /* OP_RETURN: the base is never mined */
    /* On main and test no work is handed out during initial block download
     * (it would be on a stale tip); the tip event that ends it builds a job. */
    if (strcmp(js->o.params->name, "regtest") != 0 && chainstate_is_initial_download(js->o.chain)) {
        if (!js->ibd_logged)
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Stratum: no jobs until the initial block download is over");
        js->ibd_logged = true;
        return;
    }
    struct stratum_job *job = mem_calloc(1, sizeof(*job));
    atomic_init(&job->refs, 1);
    stratum_dupset_init(&job->dups);
    struct val_state st;
    struct miner_options o = js->assembly;
    o.payouts = NULL;
    if (!miner_create_block(js->o.mempool, &st, &job->base, nobody, sizeof(nobody), &o)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Stratum: cannot assemble a block: %s", st.reject);
        stratum_job_unref(job);
        return;
    }
    js->last_build = mono_ms();
    job->id = ++js->next_id;
    job->prev = job->base.block.header.prev_hash;
    job->height = job->base.height;
    job->network_difficulty = stratum_bits_difficulty(job->base.block.header.bits);
    job->tip_event_ns = tip_ns;
    stratum_job_unref(js->current);
    js->current = job; /* the builder's reference: the one it was created with */
    js->built_count = 0;
    js->current_pool = false;
    if (js->o.pplns) {
        struct stratum_variant *v = make_variant(js, job, NULL);
        if (v) {
            add_variant(job, v);
            js->current_pool = true;
        }
    }
    if (!js->current_pool) {
        size_t n;
        struct stratum_payee *p = wanted(js, &n);
        for (size_t i = 0; i < n; i++) {
            struct stratum_variant *v = make_variant(js, job, &p[i]);
            mark_built(js, &p[i]);
            if (v)
                add_variant(job, v);
        }
        mem_free(p);
    }
    /* The branch is the same for every coinbase. */
    const struct miner_job *mj = job->variant_count ? &job->variants[0]->mj : NULL;
    if (mj) {
        job->branch_len = mj->branch_len;
        job->branch_hex = mem_calloc(mj->branch_len ? mj->branch_len : 1, sizeof(char *));
        for (size_t i = 0; i < mj->branch_len; i++)
            job->branch_hex[i] = hex_encode_alloc(mj->branch[i].b, 32);
    }
    log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "Stratum: job %llu at height %d, %zu coinbase(s)",
               (unsigned long long)job->id, (int)job->height, job->variant_count);
    push(js, job, NULL);
}

/* Builds coinbases for payees the current job lacks (solo). */
static void build_missing(struct stratum_jobs *js)
{
    if (!js->current || js->current_pool)
        return;
    size_t n;
    struct stratum_payee *p = wanted(js, &n);
    for (size_t i = 0; i < n; i++) {
        if (was_built(js, &p[i]))
            continue;
        mark_built(js, &p[i]);
        struct stratum_variant *v = make_variant(js, js->current, &p[i]);
        if (!v)
            continue;
        if (!js->current->branch_hex) { /* the job's first coinbase: the loop has no branch yet */
            build_job(js, 0);
            stratum_variant_free(v);
            break;
        }
        push(js, js->current, v);
    }
    mem_free(p);
}

static void *builder_main(void *arg)
{
    struct stratum_jobs *js = arg;
    pthread_mutex_lock(&js->mu);
    js->tip_changed = true; /* the first job at once */
    for (;;) {
        if (js->stop)
            break;
        int64_t now = mono_ms();
        bool refresh_due = !js->current || now - js->last_build >= js->o.refresh_ms;
        if (js->tip_changed && js->current && hash256_eq(&js->tip_hash, &js->current->prev)) {
            /* The event of a tip the current job already builds on: the block came after
             * tip_changed was cleared for the previous event and before the assembly read
             * the tip (events fire under the chain lock, assembly takes it), so the job
             * has it; a second build would be a same-prev job (clean_jobs false) outside
             * -stratumjobinterval. */
            js->tip_changed = false;
            continue;
        }
        if (js->tip_changed || ((js->mempool_changed || js->window_changed) && refresh_due)) {
            int64_t tip_ns = js->tip_changed ? js->tip_ns : 0;
            js->tip_changed = js->mempool_changed = js->window_changed = js->payees_changed = false;
            pthread_mutex_unlock(&js->mu);
            build_job(js, tip_ns);
            pthread_mutex_lock(&js->mu);
            continue;
        }
        if (js->payees_changed) {
            js->payees_changed = false;
            pthread_mutex_unlock(&js->mu);
            build_missing(js);
            pthread_mutex_lock(&js->mu);
            continue;
        }
        if (js->mempool_changed || js->window_changed) {
            int64_t until = js->last_build + js->o.refresh_ms;
            struct timespec ts = { (time_t)(until / 1000), (long)(until % 1000) * 1000000 };
            pthread_cond_timedwait(&js->cv, &js->mu, &ts);
        } else {
            pthread_cond_wait(&js->cv, &js->mu);
        }
    }
    pthread_mutex_unlock(&js->mu);
    return NULL;
}

static void signal_flag(struct stratum_jobs *js, bool *flag)
{
    pthread_mutex_lock(&js->mu);
    *flag = true;
    pthread_cond_signal(&js->cv);
    pthread_mutex_unlock(&js->mu);
}

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    (void)fork;
    (void)ibd;
    struct stratum_jobs *js = ctx;
    pthread_mutex_lock(&js->mu);
    js->tip_ns = mono_ns();
    js->tip_hash = new_tip->hash;
    js->tip_changed = true;
    pthread_cond_signal(&js->cv);
    pthread_mutex_unlock(&js->mu);
}

static void on_tx_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    (void)tx;
    (void)seq;
    struct stratum_jobs *js = ctx;
    signal_flag(js, &js->mempool_changed);
}

struct stratum_jobs *stratum_jobs_start(const struct stratum_jobs_options *o, char *err, size_t errlen)
{
    struct stratum_jobs *js = mem_calloc(1, sizeof(*js));
    js->o = *o;
    if (o->assembly)
        js->assembly = *o->assembly;
    else
        miner_options_init(&js->assembly);
    pthread_mutex_init(&js->mu, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&js->cv, &attr);
    pthread_condattr_destroy(&attr);
    struct events_subscriber sub = {
        .ctx = js,
        .updated_block_tip = on_tip,
        .tx_added_to_mempool = on_tx_added,
    };
    js->sub_id = o->events ? events_subscribe(o->events, &sub) : 0;
    if (pthread_create(&js->thread, NULL, builder_main, js) != 0) {
        snprintf(err, errlen, "Stratum: cannot start the job thread: %s", strerror(errno));
        if (js->sub_id > 0)
            events_unsubscribe(o->events, js->sub_id);
        pthread_cond_destroy(&js->cv);
        pthread_mutex_destroy(&js->mu);
        mem_free(js);
        return NULL;
    }
    return js;
}

void stratum_jobs_stop(struct stratum_jobs *js)
{
    if (!js)
        return;
    if (js->sub_id > 0)
        events_unsubscribe(js->o.events, js->sub_id);
    signal_flag(js, &js->stop);
    pthread_join(js->thread, NULL);
    struct stratum_jobs_item it;
    while (stratum_jobs_take(js, &it)) {
        stratum_variant_free(it.variant);
        stratum_job_unref(it.job);
    }
    stratum_job_unref(js->current);
    mem_free(js->built);
    mem_free(js->payees);
    pthread_cond_destroy(&js->cv);
    pthread_mutex_destroy(&js->mu);
    mem_free(js);
}

void stratum_jobs_want_payee(struct stratum_jobs *js, const struct stratum_payee *payee)
{
    pthread_mutex_lock(&js->mu);
    bool known = false;
    for (size_t i = 0; i < js->payee_count && !known; i++)
        known = stratum_payee_eq(&js->payees[i], payee);
    if (!known) {
        js->payees = mem_realloc(js->payees, (js->payee_count + 1) * sizeof(*js->payees));
        js->payees[js->payee_count++] = *payee;
    }
    js->payees_changed = true;
    pthread_cond_signal(&js->cv);
    pthread_mutex_unlock(&js->mu);
}

void stratum_jobs_drop_payee(struct stratum_jobs *js, const struct stratum_payee *payee)
{
    pthread_mutex_lock(&js->mu);
    for (size_t i = 0; i < js->payee_count; i++)
        if (stratum_payee_eq(&js->payees[i], payee)) {
            js->payees[i] = js->payees[--js->payee_count];
            break;
        }
    pthread_mutex_unlock(&js->mu);
}

void stratum_jobs_window_changed(struct stratum_jobs *js)
{
    signal_flag(js, &js->window_changed);
}
