/* Parallel script checks and the script cache. */
#include "src/chain/script_check.h"

#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consensus/interpreter.h"
#include "issuance/liquidation.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

bool script_check_run(const struct script_check *c, enum script_error *err)
{
    /* doc/issuance.md "Liquidation": under TOKENS a vault input with an
     * empty scriptSig and witness is not verified here; it is valid only if
     * issuance_tx_check (run on the same transaction wherever this runs:
     * block connection, mempool acceptance) accepts it as a liquidation. */
    if ((c->flags & SCRIPT_VERIFY_TOKENS) && issuance_input_is_liquidation(c->tx, c->in_index, c->spent))
        return true;
    if (c->fill_pre)
        tx_precomputed_init(c->fill_pre, c->tx, c->spent, 1);
    const struct txin *in = &c->tx->vin[c->in_index];
    struct tx_sig_checker tc;
    struct sig_checker checker;
    tx_sig_checker_init(&tc, &checker, c->tx, c->in_index, c->spent->value, c->pre, c->flags);
    return script_verify(in->script_sig.data, in->script_sig.len, c->spent->script_pubkey.data,
                         c->spent->script_pubkey.len, &in->witness, c->flags, &checker, err);
}

/* ---- the pool ----
 * The master opens a batch over a caller-owned array (check_queue_begin)
 * and publishes its checks as it builds them (check_queue_add raises
 * `count`); workers take chunks by advancing `next` under the mutex while
 * the master goes on with its serial work (Core's CCheckQueueControl).
 * check_queue_wait makes the master a worker until every published check
 * has run, and returns only when `done` reaches `count`, so no worker
 * touches the items after that. */

/* Largest chunk a thread takes at once: small enough that the threads
 * finish a batch together, large enough that the mutex is rarely taken. */
#define CHUNK_MAX 64
/* Chunk while the master is still adding: workers keep close behind it. */
#define CHUNK_OPEN 8

struct check_queue {
    pthread_mutex_t mu;
    pthread_cond_t work_cv;
    pthread_cond_t done_cv;
    pthread_t *threads;
    int nthreads;
    int idle;     /* workers waiting on work_cv */
    bool stop;
    bool closed;  /* the master waits: no more checks come */
    bool skip;    /* a check failed or the batch was abandoned: skip the rest */
    const struct script_check *items;
    size_t count; /* published */
    size_t next;  /* taken */
    size_t done;  /* finished (or skipped) */
    bool failed;
    size_t failed_index;
    enum script_error failed_err;
};

/* Takes a chunk; returns false if nothing is left. Called with mu held. */
static bool take(struct check_queue *q, size_t *begin, size_t *end)
{
    if (!q->items || q->next >= q->count)
        return false;
    size_t avail = q->count - q->next;
    size_t chunk = CHUNK_OPEN;
    if (q->closed) {
        /* Split what is left evenly over the threads, in a few rounds. */
        chunk = avail / ((size_t)(q->nthreads + 1) * 4);
        if (chunk > CHUNK_MAX)
            chunk = CHUNK_MAX;
        if (chunk < 1)
            chunk = 1;
    }
    if (chunk > avail)
        chunk = avail;
    *begin = q->next;
    *end = q->next + chunk;
    q->next = *end;
    return true;
}

/* Runs [begin, end) without the lock, then reports. Called with mu held, returns with it held. */
static void process(struct check_queue *q, size_t begin, size_t end)
{
    bool skip = q->skip;
    pthread_mutex_unlock(&q->mu);
    bool ok = true;
    size_t bad = 0;
    enum script_error err = SCRIPT_ERR_OK;
    for (size_t i = begin; i < end && !skip; i++) {
        if (!script_check_run(&q->items[i], &err)) {
            ok = false;
            bad = i;
            break;
        }
    }
    pthread_mutex_lock(&q->mu);
    /* Keep the lowest failing index seen, so a batch with one failing
     * check reports it whichever thread ran it. */
    if (!ok && (!q->failed || bad < q->failed_index)) {
        q->failed = true;
        q->skip = true;
        q->failed_index = bad;
        q->failed_err = err;
    }
    q->done += end - begin;
    if (q->closed && q->done == q->count)
        pthread_cond_broadcast(&q->done_cv);
}

static void *worker_main(void *arg)
{
    struct check_queue *q = arg;
    pthread_mutex_lock(&q->mu);
    for (;;) {
        size_t b, e;
        while (!q->stop && !take(q, &b, &e)) {
            q->idle++;
            pthread_cond_wait(&q->work_cv, &q->mu);
            q->idle--;
        }
        if (q->stop)
            break;
        process(q, b, e);
    }
    pthread_mutex_unlock(&q->mu);
    return NULL;
}

struct check_queue *check_queue_new(int workers)
{
    struct check_queue *q = mem_calloc(1, sizeof(*q));
    pthread_mutex_init(&q->mu, NULL);
    pthread_cond_init(&q->work_cv, NULL);
    pthread_cond_init(&q->done_cv, NULL);
    if (workers < 0)
        workers = 0;
    q->threads = mem_calloc(workers ? (size_t)workers : 1, sizeof(pthread_t));
    for (int i = 0; i < workers; i++) {
        if (pthread_create(&q->threads[q->nthreads], NULL, worker_main, q) != 0)
            break; /* run with fewer workers */
        q->nthreads++;
    }
    return q;
}

void check_queue_free(struct check_queue *q)
{
    if (!q)
        return;
    pthread_mutex_lock(&q->mu);
    q->stop = true;
    pthread_cond_broadcast(&q->work_cv);
    pthread_mutex_unlock(&q->mu);
    for (int i = 0; i < q->nthreads; i++)
        pthread_join(q->threads[i], NULL);
    mem_free(q->threads);
    pthread_cond_destroy(&q->work_cv);
    pthread_cond_destroy(&q->done_cv);
    pthread_mutex_destroy(&q->mu);
    mem_free(q);
}

int check_queue_workers(const struct check_queue *q) { return q->nthreads; }

void check_queue_begin(struct check_queue *q, const struct script_check *checks)
{
    pthread_mutex_lock(&q->mu);
    q->items = checks;
    q->count = q->next = q->done = 0;
    q->closed = q->skip = q->failed = false;
    q->failed_index = 0;
    q->failed_err = SCRIPT_ERR_OK;
    pthread_mutex_unlock(&q->mu);
}

void check_queue_add(struct check_queue *q, size_t count)
{
    pthread_mutex_lock(&q->mu);
    if (count > q->count) {
        q->count = count;
        /* Without workers the checks wait for check_queue_wait. */
        if (q->idle > 0)
            pthread_cond_signal(&q->work_cv);
    }
    pthread_mutex_unlock(&q->mu);
}

/* Closes the batch, runs what is left on the caller too and waits for the
 * workers' chunks. Returns true if every check passed. */
static bool finish(struct check_queue *q, bool abandon, size_t *failed, enum script_error *err)
{
    pthread_mutex_lock(&q->mu);
    q->closed = true;
    if (abandon)
        q->skip = true;
    else if (q->idle > 0 && q->next < q->count)
        pthread_cond_broadcast(&q->work_cv);
    size_t b, e;
    while (take(q, &b, &e))
        process(q, b, e);
    while (q->done < q->count)
        pthread_cond_wait(&q->done_cv, &q->mu);
    bool ok = !q->failed;
    if (!ok) {
        if (failed)
            *failed = q->failed_index;
        if (err)
            *err = q->failed_err;
    }
    q->items = NULL;
    q->count = q->next = q->done = 0;
    q->closed = false;
    pthread_mutex_unlock(&q->mu);
    return ok;
}

bool check_queue_wait(struct check_queue *q, size_t *failed, enum script_error *err)
{
    return finish(q, false, failed, err);
}

void check_queue_abandon(struct check_queue *q) { finish(q, true, NULL, NULL); }

bool check_queue_run(struct check_queue *q, const struct script_check *checks, size_t n, size_t *failed,
                     enum script_error *err)
{
    if (n == 0)
        return true;
    check_queue_begin(q, checks);
    check_queue_add(q, n);
    return check_queue_wait(q, failed, err);
}

/* ---- the cache: open addressing over 32-byte keys, random eviction ---- */

struct script_cache {
    pthread_mutex_t mu;
    /* The key hash after the 64 salt bytes: one full SHA-256 block, so a
     * key costs one compression (salt, wtxid and flags would take two),
     * as Core seeds its script execution cache hasher. */
    struct sha256_ctx salted;
    uint8_t (*keys)[32]; /* all-zero = empty slot */
    size_t cap;          /* power of two, > max */
    size_t max;
    size_t count;
    uint64_t evict_seed;
};

struct script_cache *script_cache_new(size_t max_entries)
{
    struct script_cache *sc = mem_calloc(1, sizeof(*sc));
    pthread_mutex_init(&sc->mu, NULL);
    if (max_entries < 16)
        max_entries = 16;
    sc->max = max_entries;
    sc->cap = 32;
    while (sc->cap < max_entries * 2)
        sc->cap *= 2;
    sc->keys = mem_calloc(sc->cap, 32);
    uint8_t salt[64] = { 0 };
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t r = read(fd, salt, sizeof(salt));
        (void)r;
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    salt[0] ^= (uint8_t)ts.tv_nsec;
    sha256_init(&sc->salted);
    sha256_write(&sc->salted, salt, sizeof(salt));
    sc->evict_seed = (uint64_t)ts.tv_nsec | 1;
    return sc;
}

void script_cache_free(struct script_cache *sc)
{
    if (!sc)
        return;
    pthread_mutex_destroy(&sc->mu);
    mem_free(sc->keys);
    mem_free(sc);
}

void script_cache_key(const struct script_cache *sc, uint8_t key[32], const struct hash256 *wtxid, uint32_t flags)
{
    struct sha256_ctx ctx = sc->salted;
    uint8_t f[4];
    le32_write(f, flags);
    sha256_write(&ctx, wtxid->b, 32);
    sha256_write(&ctx, f, 4);
    sha256_finalize(&ctx, key);
    /* All zeros marks an empty slot; a real digest of zero is not a concern. */
    key[0] |= (uint8_t)(key[0] == 0 && key[1] == 0);
}

static bool is_empty(const uint8_t k[32])
{
    static const uint8_t zero[32];
    return memcmp(k, zero, 32) == 0;
}

static size_t probe(const struct script_cache *sc, const uint8_t key[32])
{
    size_t i = (size_t)le64_read(key) & (sc->cap - 1);
    while (!is_empty(sc->keys[i]) && memcmp(sc->keys[i], key, 32) != 0)
        i = (i + 1) & (sc->cap - 1);
    return i;
}

bool script_cache_contains(struct script_cache *sc, const uint8_t key[32])
{
    pthread_mutex_lock(&sc->mu);
    bool found = !is_empty(sc->keys[probe(sc, key)]);
    pthread_mutex_unlock(&sc->mu);
    return found;
}

/* Removes the entry at slot i, shifting later probe-chain members back so
 * lookups stay correct without tombstones. */
static void remove_at(struct script_cache *sc, size_t i)
{
    size_t mask = sc->cap - 1;
    memset(sc->keys[i], 0, 32);
    size_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        if (is_empty(sc->keys[j]))
            break;
        size_t home = (size_t)le64_read(sc->keys[j]) & mask;
        /* Move j back to i if its home is not in (i, j] cyclically. */
        bool between = i <= j ? (home > i && home <= j) : (home > i || home <= j);
        if (!between) {
            memcpy(sc->keys[i], sc->keys[j], 32);
            memset(sc->keys[j], 0, 32);
            i = j;
        }
    }
    sc->count--;
}

void script_cache_add(struct script_cache *sc, const uint8_t key[32])
{
    pthread_mutex_lock(&sc->mu);
    size_t i = probe(sc, key);
    if (is_empty(sc->keys[i])) {
        if (sc->count >= sc->max) {
            /* Evict a pseudo-random occupied slot (xorshift). */
            for (;;) {
                sc->evict_seed ^= sc->evict_seed << 13;
                sc->evict_seed ^= sc->evict_seed >> 7;
                sc->evict_seed ^= sc->evict_seed << 17;
                size_t v = (size_t)sc->evict_seed & (sc->cap - 1);
                if (!is_empty(sc->keys[v])) {
                    remove_at(sc, v);
                    break;
                }
            }
            i = probe(sc, key);
        }
        memcpy(sc->keys[i], key, 32);
        sc->count++;
    }
    pthread_mutex_unlock(&sc->mu);
}

size_t script_cache_size(struct script_cache *sc)
{
    pthread_mutex_lock(&sc->mu);
    size_t n = sc->count;
    pthread_mutex_unlock(&sc->mu);
    return n;
}
