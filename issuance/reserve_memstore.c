#include "issuance/reserve_memstore.h"

#include <string.h>

#include "src/util/alloc.h"
#include "src/util/endian.h"

/* Records live inline in an open-addressing table (linear probing, load at
 * most 3/4, deletion by backward shift): a lookup of a record that is not
 * in cache costs one or two cache misses, the least a table can do, which
 * is what the tree's updates wait for. Over a parent: a written record is
 * dirty (SLOT_FULL), a deleted one a tombstone hiding the parent's, and a
 * record read from the parent is kept as a clean copy (SLOT_CLEAN). */
enum { SLOT_EMPTY = 0, SLOT_FULL, SLOT_TOMBSTONE, SLOT_CLEAN };

struct slot {
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    uint8_t state;
    uint8_t val_len;
    uint8_t val[RESERVE_NODE_MAX_SIZE];
};

struct reserve_memstore {
    struct reserve_store parent;
    bool has_parent;
    struct slot *slots;
    size_t cap; /* a power of two */
    size_t count;
};

static uint64_t mix(uint64_t h)
{
    h ^= h >> 31;
    h *= 0xBF58476D1CE4E5B9u;
    h ^= h >> 29;
    return h;
}

/* Node keys are mostly hash bits, but shallow positions are mostly zero
 * (and the depth is in front): every byte goes in, a word at a time. */
static size_t key_hash(const uint8_t *key)
{
    uint64_t h = (uint64_t)key[0] << 8 | key[1];
    for (size_t i = 2; i < RESERVE_NODE_KEY_SIZE; i += 8)
        h = mix(h ^ le64_read(key + i)) + 0x9E3779B97F4A7C15u;
    return (size_t)mix(h);
}

struct reserve_memstore *reserve_memstore_new(const struct reserve_store *parent)
{
    struct reserve_memstore *m = mem_calloc(1, sizeof(*m));
    if (parent) {
        m->parent = *parent;
        m->has_parent = true;
    }
    m->cap = 1024;
    m->slots = mem_calloc(m->cap, sizeof(*m->slots));
    return m;
}

void reserve_memstore_free(struct reserve_memstore *m)
{
    if (!m)
        return;
    mem_free(m->slots);
    mem_free(m);
}

/* Returns the slot holding key, or the empty slot where it would go. */
static struct slot *find(const struct reserve_memstore *m, const uint8_t *key)
{
    size_t mask = m->cap - 1, i = key_hash(key) & mask;
    for (;;) {
        struct slot *s = &m->slots[i];
        if (s->state == SLOT_EMPTY || memcmp(s->key, key, RESERVE_NODE_KEY_SIZE) == 0)
            return s;
        i = (i + 1) & mask;
    }
}

static void grow(struct reserve_memstore *m)
{
    struct slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap *= 2;
    m->slots = mem_calloc(m->cap, sizeof(*m->slots));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i].state != SLOT_EMPTY)
            *find(m, old[i].key) = old[i];
    mem_free(old);
}

static void set(struct reserve_memstore *m, const uint8_t *key, const uint8_t *val, size_t len, uint8_t state)
{
    if ((m->count + 1) * 4 > m->cap * 3)
        grow(m);
    struct slot *s = find(m, key);
    if (s->state == SLOT_EMPTY) {
        memcpy(s->key, key, RESERVE_NODE_KEY_SIZE);
        m->count++;
    }
    s->state = state;
    s->val_len = (uint8_t)len;
    if (len)
        memcpy(s->val, val, len);
}

/* Empties slot s and shifts later entries of its probe run back, so no
 * lookup ever stops early at the hole. */
static void remove_slot(struct reserve_memstore *m, struct slot *s)
{
    size_t mask = m->cap - 1, hole = (size_t)(s - m->slots), i = hole;
    for (;;) {
        i = (i + 1) & mask;
        struct slot *t = &m->slots[i];
        if (t->state == SLOT_EMPTY)
            break;
        size_t home = key_hash(t->key) & mask;
        /* t may move into the hole if its home is not in (hole, i] cyclically */
        bool stays = hole <= i ? (home > hole && home <= i) : (home > hole || home <= i);
        if (!stays) {
            m->slots[hole] = *t;
            hole = i;
        }
    }
    m->slots[hole].state = SLOT_EMPTY;
    m->count--;
}

static int mem_get(void *ctx, uint8_t *val, size_t *val_len, const uint8_t *key)
{
    struct reserve_memstore *m = ctx;
    struct slot *s = find(m, key);
    if (s->state == SLOT_FULL || s->state == SLOT_CLEAN) {
        memcpy(val, s->val, s->val_len);
        *val_len = s->val_len;
        return 1;
    }
    if (s->state == SLOT_TOMBSTONE || !m->has_parent)
        return 0;
    int rc = m->parent.get(m->parent.ctx, val, val_len, key);
    if (rc == 1) {
        if (*val_len > RESERVE_NODE_MAX_SIZE)
            return -1;
        set(m, key, val, *val_len, SLOT_CLEAN); /* the next read is a memory read */
    }
    return rc;
}

static int mem_put(void *ctx, const uint8_t *key, const uint8_t *val, size_t val_len)
{
    if (val_len > RESERVE_NODE_MAX_SIZE)
        return -1;
    set(ctx, key, val, val_len, SLOT_FULL);
    return 0;
}

static int mem_del(void *ctx, const uint8_t *key)
{
    struct reserve_memstore *m = ctx;
    if (m->has_parent) {
        set(m, key, NULL, 0, SLOT_TOMBSTONE);
        return 0;
    }
    struct slot *s = find(m, key);
    if (s->state != SLOT_EMPTY)
        remove_slot(m, s);
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

size_t reserve_memstore_dirty(const struct reserve_memstore *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->cap; i++)
        n += m->slots[i].state == SLOT_FULL || m->slots[i].state == SLOT_TOMBSTONE;
    return n;
}

size_t reserve_memstore_usage(const struct reserve_memstore *m)
{
    return m->cap * sizeof(*m->slots);
}

/* Rebuilds the table keeping only the slots keep() accepts (state changed by it). */
static void rebuild(struct reserve_memstore *m, bool (*keep)(struct slot *s))
{
    struct slot *old = m->slots;
    size_t cap = m->cap;
    m->slots = mem_calloc(cap, sizeof(*m->slots));
    m->count = 0;
    for (size_t i = 0; i < cap; i++) {
        if (old[i].state == SLOT_EMPTY || !keep(&old[i]))
            continue;
        *find(m, old[i].key) = old[i];
        m->count++;
    }
    mem_free(old);
}

static bool keep_as_clean(struct slot *s)
{
    if (s->state == SLOT_TOMBSTONE)
        return false;
    s->state = SLOT_CLEAN;
    return true;
}

static bool keep_dirty(struct slot *s)
{
    return s->state == SLOT_FULL || s->state == SLOT_TOMBSTONE;
}

void reserve_memstore_flush(struct reserve_memstore *m, struct reserve_batch *out, bool keep_clean)
{
    for (size_t i = 0; i < m->cap; i++) {
        struct slot *s = &m->slots[i];
        if (s->state != SLOT_FULL && s->state != SLOT_TOMBSTONE)
            continue;
        if (out->count == out->cap) {
            out->cap = out->cap ? out->cap * 2 : 64;
            out->ops = mem_realloc(out->ops, out->cap * sizeof(*out->ops));
        }
        struct reserve_batch_op *op = &out->ops[out->count++];
        memcpy(op->key, s->key, RESERVE_NODE_KEY_SIZE);
        op->del = s->state == SLOT_TOMBSTONE;
        op->val_len = s->val_len;
        memcpy(op->val, s->val, s->val_len);
    }
    if (keep_clean && m->has_parent) {
        rebuild(m, keep_as_clean);
    } else {
        memset(m->slots, 0, m->cap * sizeof(*m->slots));
        m->count = 0;
    }
}

void reserve_memstore_drop_clean(struct reserve_memstore *m)
{
    rebuild(m, keep_dirty);
}
