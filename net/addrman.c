/* Address manager (see addrman.h). Entries live in an array indexed by id
 * (with a free list) and a chained hash index by address; the two tables
 * hold ids (-1 = empty slot). One mutex guards everything. */
#include "net/addrman.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "src/crypto/sha256.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/file.h"
#include "src/util/log.h"
#include "src/util/rbuf.h"
#include "src/util/wbuf.h"

#define FILE_MAGIC "HMPD"
#define FILE_VERSION 1
#define HORIZON_DAYS 30
#define RETRIES 3
#define MAX_FAILURES 10
#define MIN_FAIL_DAYS 7
#define REPLACEMENT_HOURS 4
#define DAY 86400
#define MAX_ENTRIES (ADDRMAN_NEW_BUCKET_COUNT * ADDRMAN_BUCKET_SIZE + ADDRMAN_TRIED_BUCKET_COUNT * ADDRMAN_BUCKET_SIZE)

struct aentry {
    struct addrman_info info;
    int ref_count;  /* new buckets holding it (0 when tried or free) */
    bool used;
    int next;       /* hash chain / free list */
};

struct addrman {
    pthread_mutex_t lock;
    uint8_t key[32];
    uint64_t k0, k1;
    uint64_t rng;
    struct aentry *e;
    int cap, free_head;
    int *index; /* hash heads, size nindex (power of two) */
    int nindex;
    int n_new, n_tried;
    bool allow_local;
    int new_tbl[ADDRMAN_NEW_BUCKET_COUNT][ADDRMAN_BUCKET_SIZE];
    int tried_tbl[ADDRMAN_TRIED_BUCKET_COUNT][ADDRMAN_BUCKET_SIZE];
};

static uint64_t rnd(struct addrman *am)
{
    uint64_t z = (am->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static uint64_t rnd_range(struct addrman *am, uint64_t n)
{
    return n ? rnd(am) % n : 0;
}

/* ---- hashing: Core's bucket formulas with keyed SipHash ----------------- */

static void set_key(struct addrman *am, const uint8_t key[32])
{
    memcpy(am->key, key, 32);
    uint64_t a = 0, b = 0;
    for (int i = 0; i < 8; i++) {
        a |= (uint64_t)(key[i] ^ key[16 + i]) << (8 * i);
        b |= (uint64_t)(key[8 + i] ^ key[24 + i]) << (8 * i);
    }
    am->k0 = a;
    am->k1 = b;
}

/* The address key: network, bytes and port (Core's GetKey). */
static void put_addr_key(struct siphash_ctx *c, const struct net_addr *a)
{
    uint8_t hdr[2] = { a->network, a->len };
    siphash_write(c, hdr, 2);
    siphash_write(c, a->bytes, a->len <= 32 ? a->len : 32);
    uint8_t port[2] = { (uint8_t)(a->port >> 8), (uint8_t)a->port };
    siphash_write(c, port, 2);
}

static void put_group(struct siphash_ctx *c, const struct net_addr *a)
{
    uint8_t g[NET_ADDR_GROUP_MAX];
    size_t n;
    net_addr_group(g, &n, a);
    uint8_t len = (uint8_t)n;
    siphash_write(c, &len, 1);
    siphash_write(c, g, n);
}

static void put_u64(struct siphash_ctx *c, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(v >> (8 * i));
    siphash_write(c, b, 8);
}

static int tried_bucket(struct addrman *am, const struct net_addr *a)
{
    struct siphash_ctx c;
    siphash_init(&c, am->k0, am->k1);
    put_addr_key(&c, a);
    uint64_t h1 = siphash_finalize(&c);
    siphash_init(&c, am->k0, am->k1);
    put_group(&c, a);
    put_u64(&c, h1 % ADDRMAN_TRIED_BUCKETS_PER_GROUP);
    return (int)(siphash_finalize(&c) % ADDRMAN_TRIED_BUCKET_COUNT);
}

static int new_bucket(struct addrman *am, const struct net_addr *a, const struct net_addr *src)
{
    struct siphash_ctx c;
    siphash_init(&c, am->k0, am->k1);
    put_group(&c, a);
    put_group(&c, src);
    uint64_t h1 = siphash_finalize(&c);
    siphash_init(&c, am->k0, am->k1);
    put_group(&c, src);
    put_u64(&c, h1 % ADDRMAN_NEW_BUCKETS_PER_SOURCE_GROUP);
    return (int)(siphash_finalize(&c) % ADDRMAN_NEW_BUCKET_COUNT);
}

static int bucket_slot(struct addrman *am, const struct net_addr *a, bool is_new, int bucket)
{
    struct siphash_ctx c;
    siphash_init(&c, am->k0, am->k1);
    uint8_t tag = is_new ? 'N' : 'K';
    siphash_write(&c, &tag, 1);
    put_u64(&c, (uint64_t)bucket);
    put_addr_key(&c, a);
    return (int)(siphash_finalize(&c) % ADDRMAN_BUCKET_SIZE);
}

static uint64_t addr_hash(struct addrman *am, const struct net_addr *a)
{
    struct siphash_ctx c;
    siphash_init(&c, am->k1, am->k0);
    put_addr_key(&c, a);
    return siphash_finalize(&c);
}

/* ---- entries ------------------------------------------------------------ */

static void tables_clear(struct addrman *am)
{
    memset(am->new_tbl, 0xff, sizeof(am->new_tbl));
    memset(am->tried_tbl, 0xff, sizeof(am->tried_tbl));
    mem_free(am->e);
    mem_free(am->index);
    am->e = NULL;
    am->cap = 0;
    am->free_head = -1;
    am->nindex = 1024;
    am->index = mem_alloc(sizeof(int) * (size_t)am->nindex);
    for (int i = 0; i < am->nindex; i++)
        am->index[i] = -1;
    am->n_new = am->n_tried = 0;
}

struct addrman *addrman_new(const uint8_t key[32], uint64_t rng_seed)
{
    struct addrman *am = mem_calloc(1, sizeof(*am));
    pthread_mutex_init(&am->lock, NULL);
    set_key(am, key);
    am->rng = rng_seed;
    tables_clear(am);
    return am;
}

void addrman_free(struct addrman *am)
{
    if (!am)
        return;
    mem_free(am->e);
    mem_free(am->index);
    pthread_mutex_destroy(&am->lock);
    mem_free(am);
}

static int find_id(struct addrman *am, const struct net_addr *a)
{
    int id = am->index[addr_hash(am, a) & (uint64_t)(am->nindex - 1)];
    while (id >= 0 && !net_addr_eq(&am->e[id].info.addr, a))
        id = am->e[id].next;
    return id;
}

static void index_insert(struct addrman *am, int id)
{
    size_t h = (size_t)(addr_hash(am, &am->e[id].info.addr) & (uint64_t)(am->nindex - 1));
    am->e[id].next = am->index[h];
    am->index[h] = id;
}

static int create(struct addrman *am, const struct net_addr *a, const struct net_addr *src)
{
    if (am->free_head < 0) {
        int ncap = am->cap ? am->cap * 2 : 256;
        am->e = mem_realloc(am->e, sizeof(*am->e) * (size_t)ncap);
        for (int i = ncap - 1; i >= am->cap; i--) {
            memset(&am->e[i], 0, sizeof(am->e[i]));
            am->e[i].next = am->free_head;
            am->free_head = i;
        }
        am->cap = ncap;
        if (am->nindex < ncap) { /* keep chains short: rebuild the index */
            mem_free(am->index);
            am->nindex = ncap;
            am->index = mem_alloc(sizeof(int) * (size_t)am->nindex);
            for (int i = 0; i < am->nindex; i++)
                am->index[i] = -1;
            for (int i = 0; i < am->cap; i++)
                if (am->e[i].used)
                    index_insert(am, i);
        }
    }
    int id = am->free_head;
    am->free_head = am->e[id].next;
    struct aentry *x = &am->e[id];
    memset(x, 0, sizeof(*x));
    x->used = true;
    x->info.addr = *a;
    x->info.source = *src;
    index_insert(am, id);
    am->n_new++;
    return id;
}

static void destroy(struct addrman *am, int id)
{
    struct aentry *x = &am->e[id];
    size_t h = (size_t)(addr_hash(am, &x->info.addr) & (uint64_t)(am->nindex - 1));
    int *link = &am->index[h];
    while (*link != id)
        link = &am->e[*link].next;
    *link = x->next;
    if (!x->info.tried)
        am->n_new--;
    else
        am->n_tried--;
    x->used = false;
    x->next = am->free_head;
    am->free_head = id;
}

static bool is_terrible(const struct addrman_info *i, int64_t now)
{
    if (i->last_try && i->last_try >= now - 60)
        return false; /* just tried: give it a chance */
    if (i->time > now + 10 * 60)
        return true; /* claims to come from the future */
    if (now - i->time > HORIZON_DAYS * DAY)
        return true;
    if (i->last_success == 0 && i->attempts >= RETRIES)
        return true;
    if (now - i->last_success > MIN_FAIL_DAYS * DAY && i->attempts >= MAX_FAILURES)
        return true;
    return false;
}

static double chance(const struct addrman_info *i, int64_t now)
{
    double c = 1.0;
    int64_t since = now - i->last_try;
    if (since < 0)
        since = 0;
    if (since < 10 * 60)
        c *= 0.01;
    int a = i->attempts < 8 ? i->attempts : 8;
    return c * pow(0.66, a);
}

/* Empties a new-table slot, dropping the entry once no bucket holds it. */
static void clear_new_slot(struct addrman *am, int bucket, int pos)
{
    int id = am->new_tbl[bucket][pos];
    if (id < 0)
        return;
    am->new_tbl[bucket][pos] = -1;
    if (--am->e[id].ref_count == 0)
        destroy(am, id);
}

static bool place_new(struct addrman *am, int id, int64_t now)
{
    struct aentry *x = &am->e[id];
    int b = new_bucket(am, &x->info.addr, &x->info.source);
    int pos = bucket_slot(am, &x->info.addr, true, b);
    int cur = am->new_tbl[b][pos];
    if (cur == id)
        return false;
    if (cur >= 0) {
        /* Replace the incumbent only if it is worthless or held elsewhere too. */
        struct aentry *o = &am->e[cur];
        bool replace = is_terrible(&o->info, now) || (o->ref_count > 1 && x->ref_count == 0);
        if (!replace)
            return false;
        clear_new_slot(am, b, pos);
    }
    am->new_tbl[b][pos] = id;
    x->ref_count++;
    return true;
}

static bool add_locked(struct addrman *am, const struct net_addr *a, uint64_t services, int64_t time,
                       const struct net_addr *src, int64_t penalty, int64_t now)
{
    if (a->network == NET_ADDR_UNKNOWN || net_addr_is_unspecified(a))
        return false;
    if (!net_addr_is_routable(a) && !(am->allow_local && net_addr_is_local(a)))
        return false;
    if (net_addr_eq(a, src))
        penalty = 0;
    /* Core's sanity rule for claimed times: absurd ones become "5 days ago". */
    if (time <= 100000000 || time > now + 10 * 60)
        time = now - 5 * DAY;
    time = time - penalty > 0 ? time - penalty : 0;
    int id = find_id(am, a);
    if (id >= 0) {
        struct aentry *x = &am->e[id];
        bool online = now - x->info.time < DAY;
        int64_t interval = online ? 3600 : DAY;
        if (x->info.time < time - interval)
            x->info.time = time;
        x->info.services |= services;
        if (x->info.tried || x->ref_count >= ADDRMAN_NEW_BUCKETS_PER_ADDRESS)
            return false;
        /* Each extra bucket is half as likely as the previous one. */
        if (rnd_range(am, (uint64_t)1 << x->ref_count) != 0)
            return false;
        x->info.source = *src; /* new bucket chosen by this source */
        return place_new(am, id, now);
    }
    if (am->n_new + am->n_tried >= MAX_ENTRIES)
        return false;
    id = create(am, a, src);
    am->e[id].info.services = services;
    am->e[id].info.time = time;
    if (!place_new(am, id, now)) {
        destroy(am, id);
        return false;
    }
    return true;
}

/* Moves an entry into the tried table (it must be in "new"). */
static void make_tried(struct addrman *am, int id, int64_t now)
{
    struct aentry *x = &am->e[id];
    int tb = tried_bucket(am, &x->info.addr);
    int tp = bucket_slot(am, &x->info.addr, false, tb);
    int cur = am->tried_tbl[tb][tp];
    if (cur >= 0 && am->e[cur].info.last_success >= now - REPLACEMENT_HOURS * 3600)
        return; /* a recently good incumbent stays (Core tests it first) */
    for (int b = 0; b < ADDRMAN_NEW_BUCKET_COUNT && x->ref_count > 0; b++) {
        int pos = bucket_slot(am, &x->info.addr, true, b);
        if (am->new_tbl[b][pos] == id) {
            am->new_tbl[b][pos] = -1;
            x->ref_count--;
        }
    }
    x->ref_count = 0;
    am->n_new--;
    if (cur >= 0) {
        /* Evict the incumbent back to "new". */
        struct aentry *o = &am->e[cur];
        am->tried_tbl[tb][tp] = -1;
        o->info.tried = false;
        am->n_tried--;
        am->n_new++;
        if (!place_new(am, cur, now))
            destroy(am, cur);
    }
    am->tried_tbl[tb][tp] = id;
    x->info.tried = true;
    am->n_tried++;
}

/* ---- public API --------------------------------------------------------- */

void addrman_set_allow_local(struct addrman *am, bool allow)
{
    pthread_mutex_lock(&am->lock);
    am->allow_local = allow;
    pthread_mutex_unlock(&am->lock);
}

size_t addrman_size(struct addrman *am)
{
    pthread_mutex_lock(&am->lock);
    size_t n = (size_t)(am->n_new + am->n_tried);
    pthread_mutex_unlock(&am->lock);
    return n;
}

void addrman_counts(struct addrman *am, size_t *n_new, size_t *n_tried)
{
    pthread_mutex_lock(&am->lock);
    if (n_new)
        *n_new = (size_t)am->n_new;
    if (n_tried)
        *n_tried = (size_t)am->n_tried;
    pthread_mutex_unlock(&am->lock);
}

bool addrman_add(struct addrman *am, const struct net_addr *addr, uint64_t services, int64_t time,
                 const struct net_addr *source, int64_t time_penalty, int64_t now)
{
    pthread_mutex_lock(&am->lock);
    bool r = add_locked(am, addr, services, time, source, time_penalty, now);
    pthread_mutex_unlock(&am->lock);
    return r;
}

bool addrman_good(struct addrman *am, const struct net_addr *addr, int64_t now)
{
    pthread_mutex_lock(&am->lock);
    int id = find_id(am, addr);
    if (id >= 0) {
        struct addrman_info *i = &am->e[id].info;
        i->last_success = now;
        i->last_try = now;
        i->attempts = 0;
        if (!i->tried)
            make_tried(am, id, now);
    }
    pthread_mutex_unlock(&am->lock);
    return id >= 0;
}

void addrman_attempt(struct addrman *am, const struct net_addr *addr, bool count_failure, int64_t now)
{
    pthread_mutex_lock(&am->lock);
    int id = find_id(am, addr);
    if (id >= 0) {
        am->e[id].info.last_try = now;
        if (count_failure && am->e[id].info.attempts < INT32_MAX)
            am->e[id].info.attempts++;
    }
    pthread_mutex_unlock(&am->lock);
}

void addrman_connected(struct addrman *am, const struct net_addr *addr, int64_t now)
{
    pthread_mutex_lock(&am->lock);
    int id = find_id(am, addr);
    if (id >= 0 && now - am->e[id].info.time > 20 * 60)
        am->e[id].info.time = now;
    pthread_mutex_unlock(&am->lock);
}

void addrman_set_services(struct addrman *am, const struct net_addr *addr, uint64_t services)
{
    pthread_mutex_lock(&am->lock);
    int id = find_id(am, addr);
    if (id >= 0)
        am->e[id].info.services = services;
    pthread_mutex_unlock(&am->lock);
}

bool addrman_find(struct addrman *am, struct addrman_info *out, const struct net_addr *addr)
{
    pthread_mutex_lock(&am->lock);
    int id = find_id(am, addr);
    if (id >= 0 && out)
        *out = am->e[id].info;
    pthread_mutex_unlock(&am->lock);
    return id >= 0;
}

static int count_network(struct addrman *am, bool tried, uint8_t network)
{
    int n = 0;
    for (int i = 0; i < am->cap; i++)
        if (am->e[i].used && am->e[i].info.tried == tried && am->e[i].info.addr.network == network)
            n++;
    return n;
}

bool addrman_select(struct addrman *am, struct addrman_info *out, bool new_only, uint8_t network, int64_t now)
{
    pthread_mutex_lock(&am->lock);
    int n_new = am->n_new, n_tried = am->n_tried;
    if (network) {
        n_new = count_network(am, false, network);
        n_tried = new_only ? 0 : count_network(am, true, network);
    }
    bool ok = false;
    if (n_new + (new_only ? 0 : n_tried) == 0)
        goto out;
    bool use_tried = !new_only && n_tried > 0 && (n_new == 0 || (rnd(am) & 1));
    double factor = 1.0;
    /* Bounded: each round raises the acceptance factor by 20 %, so a
     * non-empty table is answered after a few hundred rounds at most. */
    for (int round = 0; round < 100000 && !ok; round++) {
        int nb = use_tried ? ADDRMAN_TRIED_BUCKET_COUNT : ADDRMAN_NEW_BUCKET_COUNT;
        int b = (int)rnd_range(am, (uint64_t)nb);
        int start = (int)rnd_range(am, ADDRMAN_BUCKET_SIZE);
        int id = -1;
        for (int k = 0; k < ADDRMAN_BUCKET_SIZE; k++) {
            int pos = (start + k) % ADDRMAN_BUCKET_SIZE;
            int cand = use_tried ? am->tried_tbl[b][pos] : am->new_tbl[b][pos];
            if (cand >= 0 && (!network || am->e[cand].info.addr.network == network)) {
                id = cand;
                break;
            }
        }
        if (id < 0)
            continue;
        double c = factor * chance(&am->e[id].info, now);
        if ((double)rnd_range(am, 1u << 30) < c * (double)(1u << 30)) {
            *out = am->e[id].info;
            ok = true;
        }
        factor *= 1.2;
    }
out:
    pthread_mutex_unlock(&am->lock);
    return ok;
}

size_t addrman_get_addr(struct addrman *am, struct addrman_info **out, size_t max_count, unsigned max_pct,
                        uint8_t network, int64_t now)
{
    *out = NULL;
    pthread_mutex_lock(&am->lock);
    size_t total = (size_t)(am->n_new + am->n_tried);
    size_t want = total;
    if (max_pct)
        want = total * max_pct / 100;
    if (max_count && want > max_count)
        want = max_count;
    size_t n = 0;
    if (want) {
        int *ids = mem_alloc(sizeof(int) * total);
        size_t m = 0;
        for (int i = 0; i < am->cap; i++)
            if (am->e[i].used)
                ids[m++] = i;
        struct addrman_info *res = mem_calloc(want, sizeof(*res));
        /* Partial Fisher-Yates: a uniformly random subset, in random order. */
        for (size_t i = 0; i < m && n < want; i++) {
            size_t j = i + (size_t)rnd_range(am, m - i);
            int t = ids[i];
            ids[i] = ids[j];
            ids[j] = t;
            const struct addrman_info *info = &am->e[ids[i]].info;
            if (network && info->addr.network != network)
                continue;
            if (is_terrible(info, now))
                continue;
            res[n++] = *info;
        }
        mem_free(ids);
        if (n)
            *out = res;
        else
            mem_free(res);
    }
    pthread_mutex_unlock(&am->lock);
    return n;
}

int addrman_new_bucket(struct addrman *am, const struct net_addr *addr, const struct net_addr *src)
{
    return new_bucket(am, addr, src);
}

int addrman_tried_bucket(struct addrman *am, const struct net_addr *addr)
{
    return tried_bucket(am, addr);
}

/* ---- persistence ---------------------------------------------------------- */

static void put_addr(struct wbuf *w, const struct net_addr *a)
{
    wbuf_u8(w, a->network);
    uint8_t len = a->len <= 32 ? a->len : 32;
    wbuf_u8(w, len);
    wbuf_put(w, a->bytes, len);
    wbuf_u16le(w, a->port);
}

static bool get_addr(struct rbuf *r, struct net_addr *a)
{
    memset(a, 0, sizeof(*a));
    uint8_t len;
    if (!rbuf_u8(r, &a->network) || !rbuf_u8(r, &len) || len > 32)
        return false;
    if (net_addr_network_size(a->network) != len)
        return false;
    a->len = len;
    return rbuf_read(r, a->bytes, len) && rbuf_u16le(r, &a->port);
}

void addrman_serialize(struct addrman *am, struct wbuf *w)
{
    pthread_mutex_lock(&am->lock);
    size_t start = w->len;
    wbuf_put(w, FILE_MAGIC, 4);
    wbuf_u8(w, FILE_VERSION);
    wbuf_put(w, am->key, 32);
    wbuf_u32le(w, (uint32_t)(am->n_new + am->n_tried));
    for (int i = 0; i < am->cap; i++) {
        if (!am->e[i].used)
            continue;
        const struct addrman_info *x = &am->e[i].info;
        put_addr(w, &x->addr);
        put_addr(w, &x->source);
        wbuf_u64le(w, x->services);
        wbuf_u64le(w, (uint64_t)x->time);
        wbuf_u64le(w, (uint64_t)x->last_try);
        wbuf_u64le(w, (uint64_t)x->last_success);
        wbuf_u32le(w, (uint32_t)x->attempts);
        wbuf_u8(w, x->tried ? 1 : 0);
    }
    uint8_t sum[32];
    sha256d(sum, w->data + start, w->len - start);
    wbuf_put(w, sum, 32);
    pthread_mutex_unlock(&am->lock);
}

bool addrman_deserialize(struct addrman *am, const uint8_t *data, size_t len)
{
    pthread_mutex_lock(&am->lock);
    tables_clear(am);
    bool ok = false;
    uint8_t sum[32];
    if (len < 4 + 1 + 32 + 4 + 32 || memcmp(data, FILE_MAGIC, 4) != 0 || data[4] != FILE_VERSION)
        goto out;
    sha256d(sum, data, len - 32);
    if (memcmp(sum, data + len - 32, 32) != 0)
        goto out;
    struct rbuf r = rbuf_make(data + 5, len - 5 - 32);
    uint8_t key[32];
    uint32_t count;
    if (!rbuf_read(&r, key, 32) || !rbuf_u32le(&r, &count) || count > MAX_ENTRIES)
        goto out;
    set_key(am, key);
    for (uint32_t i = 0; i < count; i++) {
        struct addrman_info x;
        memset(&x, 0, sizeof(x));
        uint64_t t, lt, ls;
        uint32_t att;
        uint8_t tried;
        if (!get_addr(&r, &x.addr) || !get_addr(&r, &x.source) || !rbuf_u64le(&r, &x.services) ||
            !rbuf_u64le(&r, &t) || !rbuf_u64le(&r, &lt) || !rbuf_u64le(&r, &ls) || !rbuf_u32le(&r, &att) ||
            !rbuf_u8(&r, &tried) || tried > 1)
            goto out;
        if (find_id(am, &x.addr) >= 0)
            continue; /* duplicate: keep the first */
        int id = create(am, &x.addr, &x.source);
        struct aentry *e = &am->e[id];
        e->info.services = x.services;
        e->info.time = (int64_t)t;
        e->info.last_try = (int64_t)lt;
        e->info.last_success = (int64_t)ls;
        e->info.attempts = (int32_t)(att > INT32_MAX ? INT32_MAX : att);
        /* Re-bucket under the stored key; "now" 0 means nothing is terrible by age here. */
        if (tried) {
            int tb = tried_bucket(am, &x.addr);
            int tp = bucket_slot(am, &x.addr, false, tb);
            if (am->tried_tbl[tb][tp] < 0) {
                am->tried_tbl[tb][tp] = id;
                e->info.tried = true;
                am->n_new--;
                am->n_tried++;
                continue;
            }
        }
        int b = new_bucket(am, &x.addr, &x.source);
        int pos = bucket_slot(am, &x.addr, true, b);
        if (am->new_tbl[b][pos] < 0) {
            am->new_tbl[b][pos] = id;
            e->ref_count = 1;
        } else {
            destroy(am, id);
        }
    }
    ok = r.len == 0;
out:
    if (!ok)
        tables_clear(am);
    pthread_mutex_unlock(&am->lock);
    return ok;
}

bool addrman_save(struct addrman *am, const char *path)
{
    struct wbuf w;
    wbuf_init(&w);
    addrman_serialize(am, &w);
    bool ok = file_write_atomic(path, w.data, w.len, 0600) == 0;
    if (!ok)
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Failed to write %s: %s", path, strerror(errno));
    wbuf_clear(&w);
    return ok;
}

bool addrman_load(struct addrman *am, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return true; /* first start */
    struct wbuf w;
    wbuf_init(&w);
    uint8_t buf[65536];
    size_t n;
    /* peers.dat holds at most MAX_ENTRIES entries of < 100 bytes each. */
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0 && w.len < (size_t)MAX_ENTRIES * 128)
        wbuf_put(&w, buf, n);
    fclose(f);
    bool ok = w.len <= (size_t)MAX_ENTRIES * 128 && addrman_deserialize(am, w.data, w.len);
    if (!ok)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
                   "Warning: %s is corrupt or of an unknown version; starting with an empty address manager",
                   path);
    else
        log_printf(LOG_NET, LOG_LEVEL_INFO, "Loaded %zu addresses from %s", addrman_size(am), path);
    wbuf_clear(&w);
    return ok;
}
