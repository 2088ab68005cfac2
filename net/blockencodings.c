/* Compact block encodings and reconstruction: see net/blockencodings.h. */
#include "net/blockencodings.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/merkle.h"
#include "src/crypto/sha256.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/rbuf.h"

#define SHORTID_MASK 0xffffffffffffULL

/* ---- short ids ---- */

void cmpct_short_id_key(uint64_t *k0, uint64_t *k1, const struct block_header *h, uint64_t nonce)
{
    uint8_t buf[BLOCK_HEADER_SIZE + 8], digest[32];
    block_header_serialize_raw(buf, h);
    for (int i = 0; i < 8; i++)
        buf[BLOCK_HEADER_SIZE + i] = (uint8_t)(nonce >> (8 * i));
    sha256(digest, buf, sizeof(buf));
    *k0 = 0;
    *k1 = 0;
    for (int i = 7; i >= 0; i--) {
        *k0 = *k0 << 8 | digest[i];
        *k1 = *k1 << 8 | digest[8 + i];
    }
}

uint64_t cmpct_short_id(uint64_t k0, uint64_t k1, const struct hash256 *wtxid)
{
    return siphash_uint256(k0, k1, wtxid->b) & SHORTID_MASK;
}

/* ---- cmpctblock ---- */

void cmpct_block_init(struct cmpct_block *cb)
{
    memset(cb, 0, sizeof(*cb));
}

void cmpct_block_clear(struct cmpct_block *cb)
{
    for (size_t i = 0; i < cb->nprefilled; i++)
        tx_clear(&cb->prefilled[i].tx);
    mem_free(cb->prefilled);
    mem_free(cb->short_ids);
    cmpct_block_init(cb);
}

/* Returns the number of transactions cb describes (short ids + prefilled). */
static size_t cmpct_block_tx_count(const struct cmpct_block *cb)
{
    return cb->nshort + cb->nprefilled;
}

void cmpct_block_from_block(struct cmpct_block *cb, const struct block *b, uint64_t nonce)
{
    cmpct_block_init(cb);
    cb->header = b->header;
    cb->nonce = nonce;
    if (b->tx_count == 0)
        return;
    uint64_t k0, k1;
    cmpct_short_id_key(&k0, &k1, &b->header, nonce);
    cb->nprefilled = 1;
    cb->prefilled = mem_calloc(1, sizeof(*cb->prefilled));
    cb->prefilled[0].index = 0;
    tx_copy(&cb->prefilled[0].tx, &b->txs[0]);
    cb->nshort = b->tx_count - 1;
    cb->short_ids = mem_alloc((cb->nshort ? cb->nshort : 1) * sizeof(uint64_t));
    for (size_t i = 1; i < b->tx_count; i++)
        cb->short_ids[i - 1] = cmpct_short_id(k0, k1, &b->txs[i].wtxid);
}

static void put_short_id(struct wbuf *w, uint64_t id)
{
    uint8_t b[CMPCT_SHORTID_SIZE];
    for (int i = 0; i < CMPCT_SHORTID_SIZE; i++)
        b[i] = (uint8_t)(id >> (8 * i));
    wbuf_put(w, b, sizeof(b));
}

void cmpct_block_serialize(struct wbuf *w, const struct cmpct_block *cb)
{
    block_header_serialize(w, &cb->header);
    wbuf_u64le(w, cb->nonce);
    wbuf_compact(w, cb->nshort);
    for (size_t i = 0; i < cb->nshort; i++)
        put_short_id(w, cb->short_ids[i]);
    wbuf_compact(w, cb->nprefilled);
    uint32_t next = 0; /* differential: index - (previous index + 1) */
    for (size_t i = 0; i < cb->nprefilled; i++) {
        wbuf_compact(w, cb->prefilled[i].index - next);
        next = cb->prefilled[i].index + 1;
        tx_serialize(w, &cb->prefilled[i].tx, true);
    }
}

/* Reads one differential index. *next is the smallest index allowed (previous + 1). */
static bool get_diff_index(struct rbuf *r, uint32_t *out, uint32_t *next)
{
    uint64_t diff;
    if (!rbuf_compact(r, &diff, CMPCT_MAX_INDEX))
        return false;
    uint64_t idx = (uint64_t)*next + diff;
    if (idx > CMPCT_MAX_INDEX)
        return false; /* Core: "indexes overflowed 16 bits" */
    *out = (uint32_t)idx;
    *next = (uint32_t)idx + 1;
    return true;
}

bool cmpct_block_parse(struct cmpct_block *cb, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    cmpct_block_init(cb);
    if (!block_header_parse(&cb->header, &r) || !rbuf_u64le(&r, &cb->nonce))
        goto fail;
    if (!rbuf_compact(&r, &n, CMPCT_MAX_TXS) || n > r.len / CMPCT_SHORTID_SIZE)
        goto fail;
    cb->nshort = (size_t)n;
    cb->short_ids = mem_alloc((cb->nshort ? cb->nshort : 1) * sizeof(uint64_t));
    for (size_t i = 0; i < cb->nshort; i++) {
        const uint8_t *s = rbuf_take(&r, CMPCT_SHORTID_SIZE);
        if (!s)
            goto fail;
        uint64_t v = 0;
        for (int j = CMPCT_SHORTID_SIZE - 1; j >= 0; j--)
            v = v << 8 | s[j];
        cb->short_ids[i] = v;
    }
    /* Each prefilled entry is at least a one-byte index and a minimal transaction. */
    if (!rbuf_compact(&r, &n, CMPCT_MAX_TXS) || n > r.len / (1 + BLOCK_MIN_TX_SIZE))
        goto fail;
    cb->prefilled = mem_calloc(n ? (size_t)n : 1, sizeof(*cb->prefilled));
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (!get_diff_index(&r, &cb->prefilled[i].index, &next) || !tx_parse(&cb->prefilled[i].tx, &r, true))
            goto fail;
        cb->nprefilled = i + 1;
    }
    /* Core: the whole block's positions must fit 16 bits too. */
    if (cmpct_block_tx_count(cb) > CMPCT_MAX_INDEX + 1u || r.len != 0)
        goto fail;
    return true;
fail:
    cmpct_block_clear(cb);
    return false;
}

/* ---- getblocktxn ---- */

void cmpct_getblocktxn_serialize(struct wbuf *w, const struct hash256 *block_hash, const uint32_t *indexes,
                                 size_t count)
{
    wbuf_put(w, block_hash->b, 32);
    wbuf_compact(w, count);
    uint32_t next = 0;
    for (size_t i = 0; i < count; i++) {
        wbuf_compact(w, indexes[i] - next);
        next = indexes[i] + 1;
    }
}

bool cmpct_getblocktxn_parse(struct cmpct_getblocktxn *m, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(m, 0, sizeof(*m));
    if (!rbuf_read(&r, m->block_hash.b, 32) || !rbuf_compact(&r, &n, CMPCT_MAX_TXS) || n > r.len)
        goto fail;
    m->indexes = mem_alloc((n ? (size_t)n : 1) * sizeof(uint32_t));
    uint32_t next = 0;
    for (size_t i = 0; i < n; i++) {
        if (!get_diff_index(&r, &m->indexes[i], &next))
            goto fail;
        m->count = i + 1;
    }
    if (r.len != 0)
        goto fail;
    return true;
fail:
    cmpct_getblocktxn_clear(m);
    return false;
}

void cmpct_getblocktxn_clear(struct cmpct_getblocktxn *m)
{
    mem_free(m->indexes);
    memset(m, 0, sizeof(*m));
}

/* ---- blocktxn ---- */

void cmpct_blocktxn_serialize(struct wbuf *w, const struct hash256 *block_hash, const struct tx *const *txs,
                              size_t count)
{
    wbuf_put(w, block_hash->b, 32);
    wbuf_compact(w, count);
    for (size_t i = 0; i < count; i++)
        tx_serialize(w, txs[i], true);
}

bool cmpct_blocktxn_parse(struct cmpct_blocktxn *m, const uint8_t *p, size_t len)
{
    struct rbuf r = rbuf_make(p, len);
    uint64_t n;
    memset(m, 0, sizeof(*m));
    if (!rbuf_read(&r, m->block_hash.b, 32) || !rbuf_compact(&r, &n, CMPCT_MAX_TXS) ||
        n > r.len / BLOCK_MIN_TX_SIZE)
        goto fail;
    m->txs = mem_calloc(n ? (size_t)n : 1, sizeof(struct tx));
    for (size_t i = 0; i < n; i++) {
        if (!tx_parse(&m->txs[i], &r, true))
            goto fail;
        m->count = i + 1;
    }
    if (r.len != 0)
        goto fail;
    return true;
fail:
    cmpct_blocktxn_clear(m);
    return false;
}

void cmpct_blocktxn_clear(struct cmpct_blocktxn *m)
{
    for (size_t i = 0; i < m->count; i++)
        tx_clear(&m->txs[i]);
    mem_free(m->txs);
    memset(m, 0, sizeof(*m));
}

/* ---- reconstruction ---- */

struct id_entry {
    uint64_t id;
    uint32_t slot;
};

static int cmp_id_entry(const void *a, const void *b)
{
    const struct id_entry *x = a, *y = b;
    return x->id < y->id ? -1 : x->id > y->id ? 1 : 0;
}

enum cmpct_status cmpct_partial_init(struct cmpct_partial *pb, const struct cmpct_block *cb)
{
    memset(pb, 0, sizeof(*pb));
    size_t total = cmpct_block_tx_count(cb);
    if (total == 0 || total > CMPCT_MAX_TXS)
        return CMPCT_INVALID;
    pb->header = cb->header;
    cmpct_short_id_key(&pb->k0, &pb->k1, &cb->header, cb->nonce);
    pb->tx_count = total;
    pb->txs = mem_calloc(total, sizeof(struct tx));
    pb->state = mem_calloc(total, 1);
    for (size_t i = 0; i < cb->nprefilled; i++) {
        uint32_t at = cb->prefilled[i].index;
        if (at >= total) /* Core: a prefilled index past the end is READ_STATUS_INVALID */
            return CMPCT_INVALID;
        tx_copy(&pb->txs[at], &cb->prefilled[i].tx);
        pb->state[at] = CMPCT_SLOT_PREFILLED;
        pb->prefilled++;
    }
    /* The short ids fill the other slots in order. */
    struct id_entry *e = mem_alloc((cb->nshort ? cb->nshort : 1) * sizeof(*e));
    size_t slot = 0;
    for (size_t i = 0; i < cb->nshort; i++) {
        while (pb->state[slot] == CMPCT_SLOT_PREFILLED)
            slot++;
        e[i] = (struct id_entry){ .id = cb->short_ids[i], .slot = (uint32_t)slot++ };
    }
    qsort(e, cb->nshort, sizeof(*e), cmp_id_entry);
    for (size_t i = 1; i < cb->nshort; i++) {
        if (e[i].id == e[i - 1].id) { /* Core: duplicate short ids, fall back to the full block */
            mem_free(e);
            return CMPCT_FAILED;
        }
    }
    pb->nids = cb->nshort;
    pb->missing = cb->nshort;
    pb->ids = mem_alloc((pb->nids ? pb->nids : 1) * sizeof(uint64_t));
    pb->id_slot = mem_alloc((pb->nids ? pb->nids : 1) * sizeof(uint32_t));
    for (size_t i = 0; i < pb->nids; i++) {
        pb->ids[i] = e[i].id;
        pb->id_slot[i] = e[i].slot;
    }
    mem_free(e);
    return CMPCT_OK;
}

bool cmpct_partial_offer(struct cmpct_partial *pb, const struct tx *tx, bool from_pool)
{
    if (pb->nids == 0)
        return false;
    uint64_t id = cmpct_short_id(pb->k0, pb->k1, &tx->wtxid);
    size_t lo = 0, hi = pb->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pb->ids[mid] < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == pb->nids || pb->ids[lo] != id)
        return false;
    uint32_t slot = pb->id_slot[lo];
    switch (pb->state[slot]) {
    case CMPCT_SLOT_EMPTY:
        tx_copy(&pb->txs[slot], tx);
        pb->state[slot] = CMPCT_SLOT_FILLED;
        pb->missing--;
        if (from_pool)
            pb->from_pool++;
        else
            pb->from_extra++;
        return true;
    case CMPCT_SLOT_FILLED:
        if (hash256_eq(&pb->txs[slot].wtxid, &tx->wtxid))
            return false; /* the same transaction offered twice */
        /* Two of ours share the id: neither can be trusted; ask the peer (Core). */
        tx_clear(&pb->txs[slot]);
        pb->state[slot] = CMPCT_SLOT_COLLIDED;
        pb->missing++;
        return false;
    default:
        return false;
    }
}

size_t cmpct_partial_missing_count(const struct cmpct_partial *pb)
{
    return pb->missing;
}

size_t cmpct_partial_missing(const struct cmpct_partial *pb, uint32_t *out, size_t max)
{
    size_t n = 0;
    for (size_t i = 0; i < pb->tx_count && n < max; i++)
        if (pb->state[i] == CMPCT_SLOT_EMPTY || pb->state[i] == CMPCT_SLOT_COLLIDED)
            out[n++] = (uint32_t)i;
    return n;
}

enum cmpct_status cmpct_partial_fill(struct cmpct_partial *pb, struct block *b, struct tx *missing, size_t n)
{
    block_init(b);
    if (n != cmpct_partial_missing_count(pb))
        return CMPCT_INVALID; /* Core: blocktxn with the wrong number of transactions */
    b->header = pb->header;
    b->tx_count = pb->tx_count;
    b->txs = mem_calloc(pb->tx_count, sizeof(struct tx));
    size_t k = 0;
    for (size_t i = 0; i < pb->tx_count; i++) {
        if (pb->state[i] == CMPCT_SLOT_EMPTY || pb->state[i] == CMPCT_SLOT_COLLIDED) {
            b->txs[i] = missing[k];
            tx_init(&missing[k]); /* moved */
            k++;
        } else {
            b->txs[i] = pb->txs[i];
            tx_init(&pb->txs[i]);
        }
        pb->state[i] = CMPCT_SLOT_EMPTY;
    }
    pb->missing = 0;
    /* Core's FillBlock: a wrong or mutated merkle root means some short id
     * matched the wrong transaction (or the peer lied): the full block decides. */
    struct hash256 root;
    bool mutated = false;
    merkle_block_root(&root, &mutated, b);
    if (mutated || !hash256_eq(&root, &b->header.merkle_root)) {
        block_clear(b);
        return CMPCT_FAILED;
    }
    return CMPCT_OK;
}

void cmpct_partial_clear(struct cmpct_partial *pb)
{
    if (pb->txs)
        for (size_t i = 0; i < pb->tx_count; i++)
            if (pb->state[i] == CMPCT_SLOT_PREFILLED || pb->state[i] == CMPCT_SLOT_FILLED)
                tx_clear(&pb->txs[i]);
    mem_free(pb->txs);
    mem_free(pb->state);
    mem_free(pb->ids);
    mem_free(pb->id_slot);
    memset(pb, 0, sizeof(*pb));
}
