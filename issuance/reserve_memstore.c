#include "issuance/reserve_memstore.h"

#include <string.h>

#include "src/util/alloc.h"

/* A record: chained in its bucket; val_len bytes of value follow. A
 * tombstone (deleted, parent set) hides the parent's record. */
struct rec {
    struct rec *next;
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    uint8_t val_len;
    uint8_t tombstone;
    uint8_t val[];
};

struct reserve_memstore {
    struct reserve_store parent;
    bool has_parent;
    struct rec **buckets;
    size_t nbuckets; /* a power of two */
    size_t count;
    size_t bytes;
};

/* Node keys are mostly hash bits, but shallow positions are mostly zero:
 * mix every byte in. */
static size_t key_hash(const uint8_t *key)
{
    uint64_t h = 0x9E3779B97F4A7C15u;
    for (size_t i = 0; i < RESERVE_NODE_KEY_SIZE; i++)
        h = (h ^ key[i]) * 0x100000001B3u;
    h ^= h >> 29;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 32;
    return (size_t)h;
}

struct reserve_memstore *reserve_memstore_new(const struct reserve_store *parent)
{
    struct reserve_memstore *m = mem_calloc(1, sizeof(*m));
    if (parent) {
        m->parent = *parent;
        m->has_parent = true;
    }
    m->nbuckets = 1024;
    m->buckets = mem_calloc(m->nbuckets, sizeof(*m->buckets));
    return m;
}

static void free_all(struct reserve_memstore *m)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct rec *r = m->buckets[i];
        while (r) {
            struct rec *next = r->next;
            mem_free(r);
            r = next;
        }
        m->buckets[i] = NULL;
    }
    m->count = 0;
    m->bytes = 0;
}

void reserve_memstore_free(struct reserve_memstore *m)
{
    if (!m)
        return;
    free_all(m);
    mem_free(m->buckets);
    mem_free(m);
}

static struct rec **find(struct reserve_memstore *m, const uint8_t *key)
{
    struct rec **pp = &m->buckets[key_hash(key) & (m->nbuckets - 1)];
    while (*pp && memcmp((*pp)->key, key, RESERVE_NODE_KEY_SIZE) != 0)
        pp = &(*pp)->next;
    return pp;
}

static void grow(struct reserve_memstore *m)
{
    size_t n = m->nbuckets * 2;
    struct rec **b = mem_calloc(n, sizeof(*b));
    for (size_t i = 0; i < m->nbuckets; i++) {
        struct rec *r = m->buckets[i];
        while (r) {
            struct rec *next = r->next;
            size_t j = key_hash(r->key) & (n - 1);
            r->next = b[j];
            b[j] = r;
            r = next;
        }
    }
    mem_free(m->buckets);
    m->buckets = b;
    m->nbuckets = n;
}

/* Replaces (or adds) the record for key. */
static void set(struct reserve_memstore *m, const uint8_t *key, const uint8_t *val, size_t len, bool tombstone)
{
    struct rec **pp = find(m, key);
    struct rec *old = *pp;
    struct rec *r = mem_alloc(sizeof(*r) + len);
    r->next = old ? old->next : NULL;
    memcpy(r->key, key, RESERVE_NODE_KEY_SIZE);
    r->val_len = (uint8_t)len;
    r->tombstone = tombstone;
    if (len)
        memcpy(r->val, val, len);
    *pp = r;
    if (old) {
        m->bytes -= sizeof(*old) + old->val_len;
        mem_free(old);
    } else {
        m->count++;
    }
    m->bytes += sizeof(*r) + len;
    if (m->count > m->nbuckets)
        grow(m);
}

static int mem_get(void *ctx, uint8_t *val, size_t *val_len, const uint8_t *key)
{
    struct reserve_memstore *m = ctx;
    struct rec *r = *find(m, key);
    if (r) {
        if (r->tombstone)
            return 0;
        memcpy(val, r->val, r->val_len);
        *val_len = r->val_len;
        return 1;
    }
    if (m->has_parent)
        return m->parent.get(m->parent.ctx, val, val_len, key);
    return 0;
}

static int mem_put(void *ctx, const uint8_t *key, const uint8_t *val, size_t val_len)
{
    if (val_len > RESERVE_NODE_MAX_SIZE)
        return -1;
    set(ctx, key, val, val_len, false);
    return 0;
}

static int mem_del(void *ctx, const uint8_t *key)
{
    struct reserve_memstore *m = ctx;
    if (m->has_parent) {
        set(m, key, NULL, 0, true);
        return 0;
    }
    struct rec **pp = find(m, key);
    struct rec *r = *pp;
    if (r) {
        *pp = r->next;
        m->bytes -= sizeof(*r) + r->val_len;
        m->count--;
        mem_free(r);
    }
    return 0;
}

void reserve_memstore_store(struct reserve_store *s, struct reserve_memstore *m)
{
    s->ctx = m;
    s->get = mem_get;
    s->put = mem_put;
    s->del = mem_del;
}

size_t reserve_memstore_count(const struct reserve_memstore *m)
{
    return m->count;
}

size_t reserve_memstore_usage(const struct reserve_memstore *m)
{
    return m->bytes + m->nbuckets * sizeof(*m->buckets);
}

void reserve_memstore_flush(struct reserve_memstore *m, struct reserve_batch *out)
{
    for (size_t i = 0; i < m->nbuckets; i++) {
        for (struct rec *r = m->buckets[i]; r; r = r->next) {
            if (out->count == out->cap) {
                out->cap = out->cap ? out->cap * 2 : 64;
                out->ops = mem_realloc(out->ops, out->cap * sizeof(*out->ops));
            }
            struct reserve_batch_op *op = &out->ops[out->count++];
            memcpy(op->key, r->key, RESERVE_NODE_KEY_SIZE);
            op->del = r->tombstone;
            op->val_len = r->val_len;
            memcpy(op->val, r->val, r->val_len);
        }
    }
    free_all(m);
}
