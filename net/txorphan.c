/* Bounded orphan pool (see txorphan.h). At most a hundred or so entries, so
 * plain arrays and linear scans are both simple and fast enough. */
#include "net/txorphan.h"

#include <string.h>

#include "src/util/alloc.h"

struct orphan {
    struct hash256 txid, wtxid;
    int64_t peer;
    int64_t expire_us;
    uint8_t *raw;
    size_t len;
    struct hash256 *parents;
    size_t nparents;
};

struct txorphan {
    struct orphan *items;
    size_t n;
    size_t max_count, max_size;
    int64_t expire_us;
    size_t bytes;
    uint64_t rng;
};

static uint64_t next_rand(struct txorphan *o)
{
    /* splitmix64: eviction only needs to be unpredictable to peers, and the
     * seed comes from the system's randomness. */
    uint64_t z = (o->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

struct txorphan *txorphan_new(size_t max_count, size_t max_size, int64_t expire_us, uint64_t seed)
{
    struct txorphan *o = mem_calloc(1, sizeof(*o));
    o->max_count = max_count ? max_count : 1;
    o->max_size = max_size;
    o->expire_us = expire_us;
    o->rng = seed;
    o->items = mem_calloc(o->max_count, sizeof(*o->items));
    return o;
}

static void remove_at(struct txorphan *o, size_t i)
{
    o->bytes -= o->items[i].len;
    mem_free(o->items[i].raw);
    mem_free(o->items[i].parents);
    o->items[i] = o->items[--o->n];
}

void txorphan_free(struct txorphan *o)
{
    if (!o)
        return;
    while (o->n)
        remove_at(o, o->n - 1);
    mem_free(o->items);
    mem_free(o);
}

static long find(const struct txorphan *o, const struct hash256 *id)
{
    for (size_t i = 0; i < o->n; i++)
        if (hash256_eq(&o->items[i].wtxid, id) || hash256_eq(&o->items[i].txid, id))
            return (long)i;
    return -1;
}

bool txorphan_add(struct txorphan *o, const struct hash256 *txid, const struct hash256 *wtxid, int64_t peer,
                  const uint8_t *raw, size_t len, const struct hash256 *parents, size_t nparents, int64_t now_us)
{
    if (len > o->max_size || find(o, wtxid) >= 0)
        return false;
    if (o->n == o->max_count)
        remove_at(o, (size_t)(next_rand(o) % o->n));
    struct orphan *e = &o->items[o->n++];
    e->txid = *txid;
    e->wtxid = *wtxid;
    e->peer = peer;
    e->expire_us = now_us + o->expire_us;
    e->raw = mem_dup(raw, len);
    e->len = len;
    /* Keep each parent once: a tx may spend several outputs of one parent. */
    e->parents = mem_calloc(nparents ? nparents : 1, sizeof(*e->parents));
    e->nparents = 0;
    for (size_t i = 0; i < nparents; i++) {
        bool dup = false;
        for (size_t j = 0; j < e->nparents && !dup; j++)
            dup = hash256_eq(&e->parents[j], &parents[i]);
        if (!dup)
            e->parents[e->nparents++] = parents[i];
    }
    o->bytes += len;
    return true;
}

bool txorphan_have(struct txorphan *o, const struct hash256 *id)
{
    return find(o, id) >= 0;
}

bool txorphan_erase(struct txorphan *o, const struct hash256 *id)
{
    long i = find(o, id);
    if (i < 0)
        return false;
    remove_at(o, (size_t)i);
    return true;
}

size_t txorphan_erase_peer(struct txorphan *o, int64_t peer)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n;) {
        if (o->items[i].peer == peer) {
            remove_at(o, i);
            n++;
        } else {
            i++;
        }
    }
    return n;
}

size_t txorphan_expire(struct txorphan *o, int64_t now_us)
{
    size_t n = 0;
    for (size_t i = 0; i < o->n;) {
        if (o->items[i].expire_us <= now_us) {
            remove_at(o, i);
            n++;
        } else {
            i++;
        }
    }
    return n;
}

size_t txorphan_size(struct txorphan *o)
{
    return o->n;
}

size_t txorphan_bytes(struct txorphan *o)
{
    return o->bytes;
}

size_t txorphan_children(struct txorphan *o, struct txorphan_entry *out, size_t max, const struct hash256 *parent_txid)
{
    size_t k = 0;
    for (size_t i = 0; i < o->n && k < max; i++) {
        const struct orphan *e = &o->items[i];
        for (size_t j = 0; j < e->nparents; j++) {
            if (hash256_eq(&e->parents[j], parent_txid)) {
                out[k].txid = e->txid;
                out[k].wtxid = e->wtxid;
                out[k].peer = e->peer;
                out[k].raw = e->raw;
                out[k].len = e->len;
                k++;
                break;
            }
        }
    }
    return k;
}

void txorphan_each(struct txorphan *o, void (*fn)(void *arg, const struct txorphan_entry *e), void *arg)
{
    for (size_t i = 0; i < o->n; i++) {
        const struct orphan *e = &o->items[i];
        struct txorphan_entry x = { .txid = e->txid, .wtxid = e->wtxid, .peer = e->peer, .raw = e->raw, .len = e->len };
        fn(arg, &x);
    }
}
