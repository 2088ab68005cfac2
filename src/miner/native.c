/* The native miner: a manager thread that keeps the current job fresh and
 * worker threads that hash it (native.h). */
#include "src/miner/native.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consensus/params.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/mempool.h"
#include "src/chain/miner.h"
#include "src/crypto/sha256.h"
#include "src/miner/kernel.h"
#include "src/miner/submit.h"
#include "src/miner/work.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/log.h"

/* The extranonce field: a 4-byte prefix that differs between jobs, then a
 * 4-byte unit counter (2^32 extranonces x 2^16 versions x 2^32 nonces). */
#define EXTRANONCE_LEN 8
#define PREFIX_LEN 4
/* Aim for about a millisecond of hashing between looks at the generation. */
#define CHUNK_SECONDS 0.001
#define CHUNK_MIN 256
#define CHUNK_MAX (1u << 20)
/* Candidates per scan call: the kernel stops early when this fills. */
#define FOUND_CAP 64

/* A published job and who uses it. */
struct job_ref {
    struct miner_job job;
    uint64_t gen;                /* the generation it was published as */
    uint8_t prefix[PREFIX_LEN];  /* its extranonce prefix */
    uint64_t mempool_seq;        /* the mempool sequence it was assembled from */
    int refs;                    /* guarded by the miner's mutex */
};

struct worker {
    struct native_miner *m;
    unsigned index;
    pthread_t thread;
    bool started;
    _Atomic uint64_t hashes;
    /* The manager's samples (guarded by the miner's mutex). */
    uint64_t sample_hashes;
    double rate;
    bool sampled;
};

struct native_miner {
    const struct chain_params *params;
    struct chainstate *chain;
    struct mempool *mempool;
    struct events *events;
    uint8_t *script;
    size_t script_len;
    const struct miner_options *assembly;
    size_t (*peer_count)(void *ctx);
    void *peer_ctx;
    int64_t (*clock)(void *ctx);
    void *clock_ctx;
    sha256_scan_fn scan;
    enum sha256_scan_kernel kernel;
    int default_threads;
    unsigned extra_zero_bits;
    int sub_id;

    pthread_mutex_t ctl; /* serialises start/stop */
    pthread_mutex_t mu;  /* guards everything below but the atomics */
    pthread_cond_t work_cv; /* workers wait here for a valid job */
    pthread_cond_t mgr_cv;  /* the manager waits here */
    bool running, stopping, tip_dirty;
    int nthreads;
    struct worker *workers;
    pthread_t manager;
    bool manager_started;
    struct job_ref *job;
    uint32_t epoch;
    const char *waiting;
    double last_build, last_sample, last_log;
    uint64_t hashes_before; /* hashes of workers that have exited */

    _Atomic uint64_t generation;
    _Atomic int64_t stale_ns;        /* when the last tip event marked the job stale */
    _Atomic int64_t last_abandon_ns; /* that event to a worker leaving the job (-1: none) */
    _Atomic uint64_t blocks_found, blocks_rejected, candidates_false, jobs, stale_abandoned;
};

static double mono_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int64_t mono_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Chains where mining waits for the network: all but regtest. */
static bool needs_sync(const struct chain_params *p)
{
    return strcmp(p->name, "regtest") != 0;
}

/* ---- jobs ---- */

/* Drops one reference (call with m->mu held); frees the job at zero. */
static void job_unref_locked(struct job_ref *jr)
{
    if (jr && --jr->refs == 0) {
        miner_job_clear(&jr->job);
        mem_free(jr);
    }
}

static void job_unref(struct native_miner *m, struct job_ref *jr)
{
    pthread_mutex_lock(&m->mu);
    job_unref_locked(jr);
    pthread_mutex_unlock(&m->mu);
}

static bool stale(struct native_miner *m, uint64_t gen)
{
    return atomic_load_explicit(&m->generation, memory_order_relaxed) != gen;
}

/* The header time for now: the clock, but never before the job's minimum. */
static uint32_t header_time(struct native_miner *m, const struct miner_job *job)
{
    int64_t now = m->clock ? m->clock(m->clock_ctx) : (int64_t)time(NULL);
    return (uint32_t)(now > job->time_min ? now : job->time_min);
}

/* A kernel candidate: the full check with the plain sha256d, then the
 * block through submitblock's path. Returns true if the job went stale. */
static bool try_candidate(struct worker *w, struct job_ref *jr, uint8_t header[80], uint32_t nonce,
                          const uint8_t *extranonce)
{
    struct native_miner *m = w->m;
    const struct miner_job *job = &jr->job;
    struct hash256 hash;
    le32_write(header + 76, nonce);
    sha256d(hash.b, header, 80);
    if (!miner_job_hash_meets_target(job, &hash)) {
        atomic_fetch_add(&m->candidates_false, 1);
        return false;
    }
    if (stale(m, jr->gen))
        return true; /* another thread's block (or a peer's) came first */
    int32_t version = (int32_t)le32_read(header);
    uint32_t time = le32_read(header + 68);
    struct block b;
    miner_job_block(job, &b, extranonce, version, time, nonce);
    struct hash256 bh;
    block_hash(&bh, &b);
    char hex[65];
    hash256_to_hex(hex, &bh);
    if (!hash256_eq(&bh, &hash)) { /* the header and the block disagree: a bug, never submit */
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Miner: internal error: block %s does not match its header", hex);
        block_clear(&b);
        return false;
    }
    struct val_state st;
    chainstate_lock(m->chain);
    chainstate_set_own_block(m->chain, true); /* our template: relayed compactly before it is connected */
    enum miner_submit_result r = miner_submit_block(m->chain, &st, &b);
    chainstate_set_own_block(m->chain, false);
    chainstate_unlock(m->chain);
    if (r == MINER_SUBMIT_ACCEPTED) {
        atomic_fetch_add(&m->blocks_found, 1);
        /* Regtest blocks come by the thousand: there they are debug lines. */
        log_printf(needs_sync(m->params) ? LOG_ALWAYS : LOG_MINER, LOG_LEVEL_INFO, "Miner: found block %s at height %d (thread %u, %s kernel)", hex,
                   (int)job->tmpl.height, w->index, sha256_scan_kernel_name(m->kernel));
    } else {
        atomic_fetch_add(&m->blocks_rejected, 1);
        /* Losing a race at the same height (another thread, a peer) is
         * routine on an easy chain: only real rejections are warnings. */
        bool race = r == MINER_SUBMIT_DUPLICATE || r == MINER_SUBMIT_INCONCLUSIVE;
        log_printf(race ? LOG_MINER : LOG_ALWAYS, race ? LOG_LEVEL_DEBUG : LOG_LEVEL_WARNING,
                   "Miner: block %s at height %d not accepted: %s", hex, (int)job->tmpl.height,
                   r == MINER_SUBMIT_DUPLICATE      ? "duplicate"
                   : r == MINER_SUBMIT_INCONCLUSIVE ? "inconclusive (not on the active chain)"
                   : st.reject[0]                   ? st.reject
                                                    : "rejected");
    }
    block_clear(&b);
    return stale(m, jr->gen);
}

/* Hashes one job until it goes stale or the miner stops: this thread's
 * nonce slice of unit 0, 1, 2, ... (work.h). */
static void mine_job(struct worker *w, struct job_ref *jr, unsigned nthreads)
{
    struct native_miner *m = w->m;
    const struct miner_job *job = &jr->job;
    uint32_t first;
    uint64_t count;
    miner_nonce_slice(&first, &count, w->index, nthreads);
    const uint64_t versions = miner_version_count(job->version_mask);
    const uint32_t target_top = sha256_scan_top_word(job->target);
    uint64_t chunk = CHUNK_MIN;
    uint32_t found[FOUND_CAP];
    for (uint64_t u = 0;; u++) {
        struct miner_unit unit;
        miner_unit_of(&unit, u, versions);
        uint8_t en[EXTRANONCE_LEN];
        miner_extranonce_encode(en, EXTRANONCE_LEN, jr->prefix, PREFIX_LEN, unit.extranonce);
        struct hash256 root;
        miner_job_merkle_root(job, &root, en);
        int32_t version = miner_version_roll(job->tmpl.block.header.version, job->version_mask, unit.version_index);
        uint32_t time = 0;
        uint8_t header[80];
        struct sha256_scan_job sj;
        for (uint64_t done = 0; done < count;) {
            if (stale(m, jr->gen))
                goto abandon;
            /* nTime follows the clock; the nonces already scanned in this
             * unit are not scanned again, so no header repeats. */
            uint32_t now = header_time(m, job);
            if (now != time) {
                time = now;
                miner_job_header(job, header, &root, version, time, 0);
                sha256_scan_job_init(&sj, header, target_top);
            }
            uint64_t n = count - done < chunk ? count - done : chunk;
            size_t nf = 0;
            double t0 = mono_now();
            uint64_t got = m->scan(&sj, found, FOUND_CAP, &nf, first + (uint32_t)done, n);
            double dt = mono_now() - t0;
            atomic_fetch_add_explicit(&w->hashes, got, memory_order_relaxed);
            for (size_t i = 0; i < nf; i++)
                if (try_candidate(w, jr, header, found[i], en))
                    goto abandon;
            done += got;
            /* Size the next chunk for about CHUNK_SECONDS. */
            if (got == n && dt > 0) {
                double want = (double)got / dt * CHUNK_SECONDS;
                chunk = want < CHUNK_MIN ? CHUNK_MIN : want > CHUNK_MAX ? CHUNK_MAX : (uint64_t)want;
            }
        }
    }
abandon:
    atomic_fetch_add(&m->stale_abandoned, 1);
    int64_t since = atomic_load(&m->stale_ns);
    if (since > 0)
        atomic_store(&m->last_abandon_ns, mono_ns() - since);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct native_miner *m = w->m;
    for (;;) {
        pthread_mutex_lock(&m->mu);
        while (!m->stopping && (!m->job || m->job->gen != atomic_load(&m->generation)))
            pthread_cond_wait(&m->work_cv, &m->mu);
        if (m->stopping) {
            pthread_mutex_unlock(&m->mu);
            break;
        }
        struct job_ref *jr = m->job;
        jr->refs++;
        unsigned nthreads = (unsigned)m->nthreads;
        pthread_mutex_unlock(&m->mu);
        mine_job(w, jr, nthreads);
        job_unref(m, jr);
    }
    return NULL;
}

/* ---- the manager ---- */

/* Why mining must wait on this chain now, or NULL. Takes the chain lock. */
static const char *gate(struct native_miner *m)
{
    if (!needs_sync(m->params))
        return NULL;
    if (chainstate_is_initial_download(m->chain))
        return "waiting for the initial block download to finish";
    if (m->peer_count && m->peer_count(m->peer_ctx) == 0)
        return "waiting for peers";
    return NULL;
}

/* Assembles a block and publishes it as the current job. only_if_better:
 * keep the current job unless the new one pays more fees. */
static void build_and_publish(struct native_miner *m, bool only_if_better)
{
    uint64_t gen_before = atomic_load(&m->generation);
    uint64_t seq = mempool_sequence(m->mempool);
    struct block_template t;
    struct val_state st;
    chainstate_lock(m->chain);
    bool ok = miner_create_block(m->mempool, &st, &t, m->script, m->script_len, m->assembly);
    chainstate_unlock(m->chain);
    m->last_build = mono_now();
    if (!ok) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Miner: cannot assemble a block: %s",
                   st.reject[0] ? st.reject : "unknown error");
        pthread_mutex_lock(&m->mu);
        m->waiting = "block assembly failed (see the log)";
        pthread_mutex_unlock(&m->mu);
        return;
    }
    pthread_mutex_lock(&m->mu);
    if (only_if_better && m->job && m->job->gen == gen_before && t.total_fees <= m->job->job.tmpl.total_fees) {
        m->job->mempool_seq = seq; /* looked at: no better */
        pthread_mutex_unlock(&m->mu);
        block_template_clear(&t);
        return;
    }
    pthread_mutex_unlock(&m->mu);
    int64_t fees = t.total_fees;
    int32_t height = t.height;
    struct job_ref *jr = mem_calloc(1, sizeof(*jr));
    /* Roll only BIP 320 bits the template leaves clear: a deployment
     * signalling on one of them keeps its bit. */
    uint32_t mask = MINER_VERSION_ROLL_MASK & ~(uint32_t)t.block.header.version;
    if (!miner_job_init(&jr->job, &t, EXTRANONCE_LEN, mask)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Miner: cannot prepare a job at height %d", (int)height);
        mem_free(jr);
        return;
    }
    jr->mempool_seq = seq;
    jr->refs = 1; /* the miner's own */
    if (m->extra_zero_bits)
        miner_target_shift(jr->job.target, m->extra_zero_bits);
    pthread_mutex_lock(&m->mu);
    if (atomic_load(&m->generation) != gen_before || m->stopping) {
        /* The tip moved while assembling: this job is already stale. */
        job_unref_locked(jr);
        pthread_mutex_unlock(&m->mu);
        return;
    }
    le32_write(jr->prefix, m->epoch++);
    jr->gen = atomic_fetch_add(&m->generation, 1) + 1;
    job_unref_locked(m->job);
    m->job = jr;
    m->waiting = NULL;
    pthread_cond_broadcast(&m->work_cv);
    pthread_mutex_unlock(&m->mu);
    atomic_fetch_add(&m->jobs, 1);
    log_printf(LOG_MINER, LOG_LEVEL_DEBUG, "Miner: new job at height %d, %zu transactions, fees %lld%s",
               (int)height, jr->job.tmpl.block.tx_count - 1, (long long)fees, only_if_better ? " (more fees)" : "");
}

/* Samples the workers' counters (m->mu held). */
static void sample_locked(struct native_miner *m, double now)
{
    double dt = now - m->last_sample;
    if (dt <= 0)
        return;
    for (int i = 0; i < m->nthreads; i++) {
        struct worker *w = &m->workers[i];
        uint64_t h = atomic_load_explicit(&w->hashes, memory_order_relaxed);
        double r = (double)(h - w->sample_hashes) / dt;
        /* Smooth over a few seconds; the first sample stands alone. */
        w->rate = w->sampled ? 0.5 * w->rate + 0.5 * r : r;
        w->sampled = true;
        w->sample_hashes = h;
    }
    m->last_sample = now;
}

static void log_rate_locked(struct native_miner *m)
{
    char per[512];
    size_t o = 0;
    double total = 0;
    per[0] = '\0';
    for (int i = 0; i < m->nthreads; i++) {
        total += m->workers[i].rate;
        if (o < sizeof(per))
            o += (size_t)snprintf(per + o, sizeof(per) - o, "%s%.2f", i ? " " : "", m->workers[i].rate / 1e6);
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
               "Miner: %.2f MH/s on %d threads (%s kernel; per thread MH/s: %s); blocks found %llu%s%s",
               total / 1e6, m->nthreads, sha256_scan_kernel_name(m->kernel), per,
               (unsigned long long)atomic_load(&m->blocks_found), m->waiting ? "; " : "",
               m->waiting ? m->waiting : "");
}

static void *manager_main(void *arg)
{
    struct native_miner *m = arg;
    const char *logged_wait = NULL;
    for (;;) {
        pthread_mutex_lock(&m->mu);
        if (m->stopping) {
            pthread_mutex_unlock(&m->mu);
            break;
        }
        bool dirty = m->tip_dirty;
        m->tip_dirty = false;
        bool have = m->job && m->job->gen == atomic_load(&m->generation);
        uint64_t job_seq = have ? m->job->mempool_seq : 0;
        pthread_mutex_unlock(&m->mu);

        const char *why = gate(m);
        double now = mono_now();
        if (why) {
            pthread_mutex_lock(&m->mu);
            if (have)
                atomic_fetch_add(&m->generation, 1); /* park the workers */
            m->waiting = why;
            pthread_mutex_unlock(&m->mu);
            if (why != logged_wait)
                log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Miner: not mining on %s: %s", m->params->name, why);
            logged_wait = why;
        } else {
            logged_wait = NULL;
            if (dirty || !have)
                build_and_publish(m, false);
            else if (now - m->last_build >= MINER_FEE_REFRESH_SECONDS && mempool_sequence(m->mempool) != job_seq)
                build_and_publish(m, true);
        }

        pthread_mutex_lock(&m->mu);
        now = mono_now();
        if (now - m->last_sample >= 1.0)
            sample_locked(m, now);
        if (now - m->last_log >= 60.0) {
            log_rate_locked(m);
            m->last_log = now;
        }
        if (!m->stopping && !m->tip_dirty) {
            /* Wake for the next sample, or at once on a new tip or stop. */
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&m->mgr_cv, &m->mu, &ts);
        }
        pthread_mutex_unlock(&m->mu);
    }
    return NULL;
}

/* ---- chain events ---- */

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    struct native_miner *m = ctx;
    (void)new_tip;
    (void)fork;
    (void)ibd;
    /* Runs with the chain lock held: mark the job stale (workers see it
     * within a chunk) and let the manager build the next one. */
    atomic_store(&m->stale_ns, mono_ns());
    atomic_fetch_add(&m->generation, 1);
    pthread_mutex_lock(&m->mu);
    m->tip_dirty = true;
    pthread_cond_signal(&m->mgr_cv);
    pthread_mutex_unlock(&m->mu);
}

/* ---- life cycle ---- */

struct native_miner *native_miner_new(const struct native_miner_options *o, char *err, size_t errlen)
{
    enum sha256_scan_kernel chosen = SHA256_SCAN_PORTABLE;
    sha256_scan_fn fn = miner_kernel_choose(&chosen, o->kernel);
    if (!fn) {
        snprintf(err, errlen, "The miner kernel '%s' is not available on this CPU", sha256_scan_kernel_name(o->kernel));
        return NULL;
    }
    struct native_miner *m = mem_calloc(1, sizeof(*m));
    m->params = o->params;
    m->chain = o->chain;
    m->mempool = o->mempool;
    m->events = o->events;
    m->script_len = o->script_len;
    m->script = mem_alloc(o->script_len ? o->script_len : 1);
    if (o->script_len)
        memcpy(m->script, o->script, o->script_len);
    m->assembly = o->assembly;
    m->peer_count = o->peer_count;
    m->peer_ctx = o->peer_ctx;
    m->clock = o->clock;
    m->clock_ctx = o->clock_ctx;
    m->default_threads = o->default_threads > 0 ? o->default_threads : native_miner_cpu_count();
    m->extra_zero_bits = o->extra_zero_bits > 64 ? 64 : o->extra_zero_bits;
    atomic_init(&m->stale_ns, 0);
    atomic_init(&m->last_abandon_ns, -1);
    m->scan = fn;
    m->kernel = chosen;
    /* Different per process start, so a restarted node does not redo work. */
    m->epoch = (uint32_t)time(NULL) * 2654435761u ^ (uint32_t)getpid();
    pthread_mutex_init(&m->ctl, NULL);
    pthread_mutex_init(&m->mu, NULL);
    pthread_cond_init(&m->work_cv, NULL);
    pthread_cond_init(&m->mgr_cv, NULL);
    if (m->events) {
        struct events_subscriber sub = { .ctx = m, .updated_block_tip = on_tip };
        m->sub_id = events_subscribe(m->events, &sub);
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Miner: using the %s kernel", sha256_scan_kernel_name(chosen));
    return m;
}

void native_miner_free(struct native_miner *m)
{
    if (!m)
        return;
    native_miner_stop(m);
    if (m->sub_id > 0)
        events_unsubscribe(m->events, m->sub_id);
    pthread_mutex_lock(&m->mu);
    job_unref_locked(m->job);
    m->job = NULL;
    pthread_mutex_unlock(&m->mu);
    pthread_cond_destroy(&m->work_cv);
    pthread_cond_destroy(&m->mgr_cv);
    pthread_mutex_destroy(&m->mu);
    pthread_mutex_destroy(&m->ctl);
    mem_free(m->script);
    mem_free(m);
}

/* Joins every thread and forgets the workers (ctl held, threads told to stop). */
static void join_all(struct native_miner *m)
{
    if (m->manager_started)
        pthread_join(m->manager, NULL);
    m->manager_started = false;
    for (int i = 0; i < m->nthreads; i++)
        if (m->workers[i].started)
            pthread_join(m->workers[i].thread, NULL);
    pthread_mutex_lock(&m->mu);
    for (int i = 0; i < m->nthreads; i++)
        m->hashes_before += atomic_load(&m->workers[i].hashes);
    mem_free(m->workers);
    m->workers = NULL;
    m->nthreads = 0;
    m->running = false;
    m->stopping = false;
    /* The current job is dropped: a restart takes a fresh one, whose new
     * extranonce prefix keeps the new slices off the work already done. */
    atomic_fetch_add(&m->generation, 1);
    job_unref_locked(m->job);
    m->job = NULL;
    m->waiting = NULL;
    pthread_mutex_unlock(&m->mu);
}

static void stop_locked_ctl(struct native_miner *m)
{
    pthread_mutex_lock(&m->mu);
    if (!m->running) {
        pthread_mutex_unlock(&m->mu);
        return;
    }
    m->stopping = true;
    atomic_fetch_add(&m->generation, 1);
    pthread_cond_broadcast(&m->work_cv);
    pthread_cond_broadcast(&m->mgr_cv);
    pthread_mutex_unlock(&m->mu);
    join_all(m);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Miner: stopped");
}

enum native_miner_start_result native_miner_start(struct native_miner *m, int threads, bool check_ibd)
{
    if (m->script_len == 0)
        return NATIVE_MINER_NO_ADDRESS;
    if (check_ibd && needs_sync(m->params) && chainstate_is_initial_download(m->chain))
        return NATIVE_MINER_IN_IBD;
    if (threads < 1)
        threads = 1;
    if (threads > MINER_MAX_THREADS)
        threads = MINER_MAX_THREADS;
    pthread_mutex_lock(&m->ctl);
    pthread_mutex_lock(&m->mu);
    bool same = m->running && m->nthreads == threads;
    pthread_mutex_unlock(&m->mu);
    if (same) {
        pthread_mutex_unlock(&m->ctl);
        return NATIVE_MINER_STARTED;
    }
    stop_locked_ctl(m);
    pthread_mutex_lock(&m->mu);
    m->running = true;
    m->stopping = false;
    m->tip_dirty = true;
    m->nthreads = threads;
    m->workers = mem_calloc((size_t)threads, sizeof(*m->workers));
    double now = mono_now();
    m->last_sample = now;
    m->last_log = now;
    m->last_build = 0;
    pthread_mutex_unlock(&m->mu);
    int started = 0;
    for (int i = 0; i < threads; i++) {
        struct worker *w = &m->workers[i];
        w->m = m;
        w->index = (unsigned)i;
        atomic_init(&w->hashes, 0);
        if (pthread_create(&w->thread, NULL, worker_main, w) == 0) {
            w->started = true;
            started++;
        }
    }
    if (pthread_create(&m->manager, NULL, manager_main, m) == 0)
        m->manager_started = true;
    if (!m->manager_started || started < threads) {
        /* A slice without its thread would never be scanned: all or none. */
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Miner: cannot start threads (%d of %d)", started, threads);
        pthread_mutex_lock(&m->mu);
        m->stopping = true;
        pthread_cond_broadcast(&m->work_cv);
        pthread_cond_broadcast(&m->mgr_cv);
        pthread_mutex_unlock(&m->mu);
        join_all(m);
        pthread_mutex_unlock(&m->ctl);
        return NATIVE_MINER_NO_THREADS;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Miner: started %d threads (%s kernel)", threads,
               sha256_scan_kernel_name(m->kernel));
    pthread_mutex_unlock(&m->ctl);
    return NATIVE_MINER_STARTED;
}

void native_miner_stop(struct native_miner *m)
{
    pthread_mutex_lock(&m->ctl);
    stop_locked_ctl(m);
    pthread_mutex_unlock(&m->ctl);
}

int native_miner_default_threads(struct native_miner *m)
{
    return m->default_threads;
}

int native_miner_cpu_count(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > MINER_MAX_THREADS ? MINER_MAX_THREADS : (int)n;
}

bool native_miner_running(struct native_miner *m)
{
    pthread_mutex_lock(&m->mu);
    bool r = m->running;
    pthread_mutex_unlock(&m->mu);
    return r;
}

void native_miner_stats_get(struct native_miner *m, struct native_miner_stats *out)
{
    memset(out, 0, sizeof(*out));
    pthread_mutex_lock(&m->mu);
    out->running = m->running;
    out->threads = m->running ? m->nthreads : 0;
    out->kernel = sha256_scan_kernel_name(m->kernel);
    out->hashes = m->hashes_before;
    out->per_thread = mem_calloc(out->threads ? (size_t)out->threads : 1, sizeof(*out->per_thread));
    for (int i = 0; i < out->threads; i++) {
        struct worker *w = &m->workers[i];
        out->per_thread[i].hashes = atomic_load(&w->hashes);
        out->per_thread[i].hashes_per_sec = w->rate;
        out->hashes_per_sec += w->rate;
        out->hashes += out->per_thread[i].hashes;
    }
    out->job_height = m->job && m->job->gen == atomic_load(&m->generation) ? m->job->job.tmpl.height : -1;
    out->waiting = m->running ? m->waiting : NULL;
    pthread_mutex_unlock(&m->mu);
    out->blocks_found = atomic_load(&m->blocks_found);
    out->blocks_rejected = atomic_load(&m->blocks_rejected);
    out->candidates_false = atomic_load(&m->candidates_false);
    out->jobs = atomic_load(&m->jobs);
    out->stale_abandoned = atomic_load(&m->stale_abandoned);
    int64_t ns = atomic_load(&m->last_abandon_ns);
    out->last_abandon_ms = ns < 0 ? -1 : (double)ns / 1e6;
}

void native_miner_stats_clear(struct native_miner_stats *s)
{
    mem_free(s->per_thread);
    memset(s, 0, sizeof(*s));
}
