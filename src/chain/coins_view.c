/* The UTXO write-back cache (Bitcoin Core's CCoinsViewCache). Entries live in
 * a chained hash map keyed by a salted SipHash of the outpoint. Flags:
 *   DIRTY  the entry differs from the parent's view and must be written;
 *   FRESH  the parent has no unspent coin here, so if this entry is spent
 *          before it is flushed it can simply be forgotten.
 * A spent entry that is DIRTY (and not FRESH) stays, so its spentness reaches
 * the parent on flush. */
#include "src/chain/coins_view.h"

#include <fcntl.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "consensus/script.h"
#include "src/crypto/siphash.h"
#include "src/store/coins_db.h"
#include "src/util/alloc.h"
#include "src/util/check.h"

enum { F_DIRTY = 1, F_FRESH = 2, F_SPENT = 4 };

struct centry {
    struct centry *next;
    struct outpoint op;
    struct coin coin; /* meaningless when F_SPENT */
    uint8_t flags;
};

/* A run of entries for a view made by coins_cache_new_child_sized. */
struct slab {
    struct slab *next;
    size_t used, cap;
    struct centry e[];
};

#define SLAB_MIN 1024

struct coins_cache {
    struct coins_cache *parent; /* either this ... */
    struct coins_db *db;        /* ... or this */
    struct centry **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    size_t dirty;
    size_t usage; /* entries + scripts, bytes */
    uint64_t k0, k1;
    struct hash256 best;
    bool read_failed;
    struct store_error read_err;
    bool slabbed;       /* entries come from slabs (freed all at once) */
    size_t slab_next;   /* entries in the next slab */
    struct slab *slabs; /* newest first */
};

/* Approximate heap bytes a coin uses (for cache accounting). */
static size_t coin_dynamic_usage(const struct coin *c)
{
    /* malloc rounds to 16 bytes; empty scripts point at a static byte. */
    return c->out.script_pubkey.len ? (c->out.script_pubkey.len + 15) & ~(size_t)15 : 0;
}

static size_t entry_usage(const struct centry *e)
{
    return sizeof(*e) + ((e->flags & F_SPENT) ? 0 : coin_dynamic_usage(&e->coin));
}

static void salt(uint64_t *k0, uint64_t *k1)
{
    uint64_t k[2] = { 0, 0 };
    int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        ssize_t n = read(fd, k, sizeof(k));
        (void)n;
        close(fd);
    }
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    *k0 = k[0] ^ (uint64_t)ts.tv_nsec;
    *k1 = k[1] ^ (uint64_t)ts.tv_sec ^ (uint64_t)(uintptr_t)k0;
}

static struct coins_cache *cache_new_sized(size_t expected)
{
    struct coins_cache *c = mem_calloc(1, sizeof(*c));
    c->nbuckets = 1024;
    while (c->nbuckets < expected && c->nbuckets < ((size_t)1 << 26))
        c->nbuckets *= 2;
    c->buckets = mem_calloc(c->nbuckets, sizeof(*c->buckets));
    salt(&c->k0, &c->k1);
    return c;
}

static struct coins_cache *cache_new(void) { return cache_new_sized(0); }

struct coins_cache *coins_cache_new_db(struct coins_db *db)
{
    struct coins_cache *c = cache_new();
    c->db = db;
    struct store_error err;
    if (coins_db_get_best_block(db, &c->best, &err) < 0) {
        c->read_failed = true;
        c->read_err = err;
    }
    return c;
}

struct coins_cache *coins_cache_new_child(struct coins_cache *parent)
{
    struct coins_cache *c = cache_new();
    c->parent = parent;
    c->best = parent->best;
    return c;
}

struct coins_cache *coins_cache_new_child_sized(struct coins_cache *parent, size_t expected)
{
    struct coins_cache *c = cache_new_sized(expected);
    c->parent = parent;
    c->best = parent->best;
    c->slabbed = true;
    c->slab_next = expected > SLAB_MIN ? expected : SLAB_MIN;
    return c;
}

/* A zeroed entry: from the current slab, or its own allocation. */
static struct centry *entry_alloc(struct coins_cache *c)
{
    if (!c->slabbed)
        return mem_calloc(1, sizeof(struct centry));
    struct slab *s = c->slabs;
    if (!s || s->used == s->cap) {
        size_t cap = c->slab_next;
        s = mem_alloc(sizeof(*s) + cap * sizeof(struct centry));
        s->used = 0;
        s->cap = cap;
        s->next = c->slabs;
        c->slabs = s;
        c->slab_next = SLAB_MIN; /* the first slab was sized for the expected entries */
    }
    struct centry *e = &s->e[s->used++];
    memset(e, 0, sizeof(*e));
    return e;
}

static void entry_free(struct coins_cache *c, struct centry *e)
{
    if (!(e->flags & F_SPENT))
        coin_clear(&e->coin);
    if (!c->slabbed)
        mem_free(e);
}

static void clear_all(struct coins_cache *c)
{
    for (size_t i = 0; i < c->nbuckets; i++) {
        struct centry *e = c->buckets[i];
        while (e) {
            struct centry *n = e->next;
            entry_free(c, e);
            e = n;
        }
        c->buckets[i] = NULL;
    }
    while (c->slabs) {
        struct slab *n = c->slabs->next;
        mem_free(c->slabs);
        c->slabs = n;
    }
    c->count = c->dirty = c->usage = 0;
}

void coins_cache_free(struct coins_cache *c)
{
    if (!c)
        return;
    clear_all(c);
    mem_free(c->buckets);
    mem_free(c);
}

static size_t bucket_of(const struct coins_cache *c, const struct outpoint *op)
{
    return (size_t)siphash_uint256_extra(c->k0, c->k1, op->txid.b, op->n) & (c->nbuckets - 1);
}

static struct centry *find(const struct coins_cache *c, const struct outpoint *op)
{
    for (struct centry *e = c->buckets[bucket_of(c, op)]; e; e = e->next)
        if (e->op.n == op->n && hash256_eq(&e->op.txid, &op->txid))
            return e;
    return NULL;
}

void coins_cache_prefetch(const struct coins_cache *c, const struct outpoint *op, int stage)
{
    /* Only the cache over the database: it is the large, cold one (a
     * block's child view is small and hot), and each level costs a hash. */
    while (c->parent)
        c = c->parent;
    struct centry *const *slot = &c->buckets[bucket_of(c, op)];
    if (stage == 0)
        __builtin_prefetch(slot);
    else if (*slot)
        __builtin_prefetch(*slot);
}

static void rehash(struct coins_cache *c)
{
    size_t nb = c->nbuckets * 2;
    struct centry **old = c->buckets;
    size_t oldn = c->nbuckets;
    c->buckets = mem_calloc(nb, sizeof(*c->buckets));
    c->nbuckets = nb;
    for (size_t i = 0; i < oldn; i++) {
        struct centry *e = old[i];
        while (e) {
            struct centry *n = e->next;
            size_t b = bucket_of(c, &e->op);
            e->next = c->buckets[b];
            c->buckets[b] = e;
            e = n;
        }
    }
    mem_free(old);
}

/* Inserts a new entry (not present) with a spent/empty coin. */
static struct centry *insert(struct coins_cache *c, const struct outpoint *op)
{
    if (c->count >= c->nbuckets)
        rehash(c);
    struct centry *e = entry_alloc(c);
    e->op = *op;
    e->flags = F_SPENT;
    coin_init(&e->coin);
    size_t b = bucket_of(c, op);
    e->next = c->buckets[b];
    c->buckets[b] = e;
    c->count++;
    c->usage += entry_usage(e);
    return e;
}

static void erase(struct coins_cache *c, struct centry *target)
{
    struct centry **pp = &c->buckets[bucket_of(c, &target->op)];
    while (*pp && *pp != target)
        pp = &(*pp)->next;
    HM_ASSERT(*pp == target); /* an entry of this cache sits in its own bucket */
    if (!*pp)
        return;
    *pp = target->next;
    HM_ASSERT(c->usage >= entry_usage(target) && c->count > 0);
    c->usage -= entry_usage(target);
    if (target->flags & F_DIRTY) {
        HM_ASSERT(c->dirty > 0);
        c->dirty--;
    }
    c->count--;
    entry_free(c, target);
}

static void note_error(struct coins_cache *c, const struct store_error *err)
{
    if (!c->read_failed) {
        c->read_failed = true;
        c->read_err = *err;
    }
}

/* Finds op here or in the parent (caching what the parent has). Returns the
 * entry (possibly a spent one that lives here), NULL if absent; *rc -1 on error. */
static struct centry *fetch(struct coins_cache *c, const struct outpoint *op, int *rc)
{
    *rc = 0;
    struct centry *e = find(c, op);
    if (e)
        return e;
    struct coin tmp;
    coin_init(&tmp);
    if (c->parent) {
        const struct coin *pc;
        int r = coins_cache_get(c->parent, op, &pc);
        if (r < 0) {
            note_error(c, &c->parent->read_err);
            *rc = -1;
            return NULL;
        }
        if (r == 0)
            return NULL;
        coin_copy(&tmp, pc);
    } else {
        struct store_error err;
        store_error_clear(&err);
        int r = coins_db_get_coin(c->db, &tmp, op, &err);
        if (r < 0) {
            note_error(c, &err);
            *rc = -1;
            return NULL;
        }
        if (r == 0)
            return NULL;
    }
    e = insert(c, op);
    c->usage -= entry_usage(e);
    e->coin = tmp; /* moved */
    e->flags = 0;
    c->usage += entry_usage(e);
    return e;
}

int coins_cache_get(struct coins_cache *c, const struct outpoint *op, const struct coin **coin)
{
    int rc;
    struct centry *e = fetch(c, op, &rc);
    *coin = NULL;
    if (rc < 0)
        return -1;
    if (!e || (e->flags & F_SPENT))
        return 0;
    *coin = &e->coin;
    return 1;
}

bool coins_cache_have(struct coins_cache *c, const struct outpoint *op)
{
    const struct coin *coin;
    return coins_cache_get(c, op, &coin) == 1;
}

bool coins_cache_have_in_cache(const struct coins_cache *c, const struct outpoint *op)
{
    const struct centry *e = find(c, op);
    return e && !(e->flags & F_SPENT);
}

static void set_dirty(struct coins_cache *c, struct centry *e)
{
    if (!(e->flags & F_DIRTY)) {
        e->flags |= F_DIRTY;
        c->dirty++;
    }
}

bool coins_cache_add(struct coins_cache *c, const struct outpoint *op, struct coin *coin, bool possible_overwrite)
{
    if (script_is_unspendable(coin->out.script_pubkey.data, coin->out.script_pubkey.len)) {
        coin_clear(coin);
        return true;
    }
    struct centry *e = find(c, op);
    bool inserted = false;
    if (!e) {
        e = insert(c, op);
        inserted = true;
    }
    bool fresh = false;
    if (!possible_overwrite) {
        if (!(e->flags & F_SPENT)) {
            coin_clear(coin);
            return false;
        }
        /* A spent DIRTY entry's spentness has not reached the parent yet:
         * re-adding must not mark it FRESH or that spend would be lost. */
        fresh = inserted || !(e->flags & F_DIRTY);
    }
    c->usage -= entry_usage(e);
    if (!(e->flags & F_SPENT))
        coin_clear(&e->coin);
    e->coin = *coin;
    coin_init(coin);
    e->flags &= (uint8_t)~F_SPENT;
    if (fresh)
        e->flags |= F_FRESH;
    set_dirty(c, e);
    c->usage += entry_usage(e);
    return true;
}

bool coins_cache_add_tx(struct coins_cache *c, const struct tx *tx, int32_t height, bool overwrite)
{
    bool coinbase = tx_is_coinbase(tx);
    bool ok = true;
    for (size_t i = 0; i < tx->vout_count; i++) {
        struct outpoint op = { tx->txid, (uint32_t)i };
        /* Core's AddCoins: a coinbase may repeat an earlier one's txid (BIP 30
         * exempt blocks), so its coins may overwrite. */
        bool over = overwrite || coinbase;
        struct coin coin;
        coin_init(&coin);
        coin.out.value = tx->vout[i].value;
        bytes_set(&coin.out.script_pubkey, tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len);
        coin.height = (uint32_t)height;
        coin.coinbase = coinbase;
        if (!coins_cache_add(c, &op, &coin, over))
            ok = false;
    }
    return ok;
}

int coins_cache_spend(struct coins_cache *c, const struct outpoint *op, struct coin *moveto)
{
    int rc;
    struct centry *e = fetch(c, op, &rc);
    if (rc < 0)
        return -1;
    if (!e || (e->flags & F_SPENT))
        return 0;
    c->usage -= entry_usage(e);
    if (moveto) {
        *moveto = e->coin;
    } else {
        coin_clear(&e->coin);
    }
    coin_init(&e->coin);
    e->flags |= F_SPENT;
    c->usage += entry_usage(e);
    if (e->flags & F_FRESH) {
        erase(c, e);
    } else {
        set_dirty(c, e);
    }
    return 1;
}

void coins_cache_uncache(struct coins_cache *c, const struct outpoint *op)
{
    struct centry *e = find(c, op);
    if (e && !(e->flags & F_DIRTY))
        erase(c, e);
}

void coins_cache_best_block(const struct coins_cache *c, struct hash256 *best) { *best = c->best; }

void coins_cache_set_best_block(struct coins_cache *c, const struct hash256 *best) { c->best = *best; }

/* Moves one dirty child entry into parent p (Core's BatchWrite for a cache). */
static void absorb(struct coins_cache *p, struct centry *ce)
{
    bool child_spent = ce->flags & F_SPENT;
    bool child_fresh = ce->flags & F_FRESH;
    struct centry *pe = find(p, &ce->op);
    if (!pe) {
        /* Spent and FRESH in the child: the parent never knew it. */
        if (child_spent && child_fresh)
            return;
        pe = insert(p, &ce->op);
        p->usage -= entry_usage(pe);
        if (!child_spent) {
            pe->coin = ce->coin;
            coin_init(&ce->coin);
            ce->flags |= F_SPENT;
            pe->flags &= (uint8_t)~F_SPENT;
        }
        if (child_fresh)
            pe->flags |= F_FRESH;
        p->usage += entry_usage(pe);
        set_dirty(p, pe);
        return;
    }
    /* Core's BatchWrite logic error "FRESH flag misapplied to coin that
     * exists in parent cache": a FRESH child entry says the parent has no
     * unspent coin here. */
    HM_ASSERT(!child_fresh || (pe->flags & F_SPENT));
    if (child_spent && (pe->flags & F_FRESH)) {
        /* Nobody below the parent knows the coin: drop it entirely. */
        erase(p, pe);
        return;
    }
    p->usage -= entry_usage(pe);
    if (!(pe->flags & F_SPENT))
        coin_clear(&pe->coin);
    if (child_spent) {
        coin_init(&pe->coin);
        pe->flags |= F_SPENT;
    } else {
        pe->coin = ce->coin;
        coin_init(&ce->coin);
        ce->flags |= F_SPENT;
        pe->flags &= (uint8_t)~F_SPENT;
    }
    p->usage += entry_usage(pe);
    set_dirty(p, pe);
}

static int write_out(struct coins_cache *c, const struct hash256 *old_head, const struct coins_issuance_change *iss,
                     size_t niss, size_t batch_size, struct store_error *err)
{
    if (c->parent) {
        for (size_t i = 0; i < c->nbuckets; i++)
            for (struct centry *e = c->buckets[i]; e; e = e->next)
                if (e->flags & F_DIRTY)
                    absorb(c->parent, e);
        c->parent->best = c->best;
        return 0;
    }
    struct coins_change *ch = mem_alloc((c->dirty ? c->dirty : 1) * sizeof(*ch));
    size_t n = 0;
    for (size_t i = 0; i < c->nbuckets; i++)
        for (struct centry *e = c->buckets[i]; e; e = e->next) {
            if (!(e->flags & F_DIRTY))
                continue;
            /* Spent and FRESH never reached the database (normally erased already). */
            if ((e->flags & F_SPENT) && (e->flags & F_FRESH))
                continue;
            ch[n].outpoint = e->op;
            ch[n].spent = e->flags & F_SPENT;
            ch[n].coin = ch[n].spent ? NULL : &e->coin;
            n++;
        }
    int rc = coins_db_batch_write(c->db, ch, n, iss, niss, &c->best, old_head, batch_size, err);
    mem_free(ch);
    return rc;
}

int coins_cache_flush_with(struct coins_cache *c, const struct hash256 *old_head,
                           const struct coins_issuance_change *iss, size_t niss, size_t batch_size,
                           struct store_error *err)
{
    if (write_out(c, old_head, iss, niss, batch_size, err) < 0)
        return -1;
    clear_all(c);
    return 0;
}

int coins_cache_flush(struct coins_cache *c, const struct hash256 *old_head, size_t batch_size, struct store_error *err)
{
    return coins_cache_flush_with(c, old_head, NULL, 0, batch_size, err);
}

int coins_cache_sync_with(struct coins_cache *c, const struct hash256 *old_head, const struct coins_issuance_change *iss,
                          size_t niss, size_t batch_size, struct store_error *err)
{
    if (c->parent) /* entries are moved into the parent: nothing useful stays */
        return coins_cache_flush_with(c, old_head, iss, niss, batch_size, err);
    if (write_out(c, old_head, iss, niss, batch_size, err) < 0)
        return -1;
    for (size_t i = 0; i < c->nbuckets; i++) {
        struct centry **pp = &c->buckets[i];
        while (*pp) {
            struct centry *e = *pp;
            if (e->flags & F_SPENT) {
                *pp = e->next;
                c->usage -= entry_usage(e);
                c->count--;
                entry_free(c, e);
                continue;
            }
            e->flags = 0;
            pp = &e->next;
        }
    }
    c->dirty = 0;
    return 0;
}

int coins_cache_sync(struct coins_cache *c, const struct hash256 *old_head, size_t batch_size, struct store_error *err)
{
    return coins_cache_sync_with(c, old_head, NULL, 0, batch_size, err);
}

int coins_cache_peek(const struct coins_cache *c, const struct outpoint *op, const struct coin **coin)
{
    const struct centry *e = find(c, op);
    *coin = NULL;
    if (!e)
        return -1;
    if (e->flags & F_SPENT)
        return 0;
    *coin = &e->coin;
    return 1;
}

void coins_cache_for_each(const struct coins_cache *c,
                          bool (*cb)(void *ctx, const struct outpoint *op, const struct coin *coin), void *ctx)
{
    for (size_t i = 0; i < c->nbuckets; i++)
        for (const struct centry *e = c->buckets[i]; e; e = e->next)
            if (!(e->flags & F_SPENT) && !cb(ctx, &e->op, &e->coin))
                return;
}

bool coins_cache_read_failed(const struct coins_cache *c, struct store_error *err)
{
    if (c->read_failed && err)
        *err = c->read_err;
    return c->read_failed;
}

size_t coins_cache_memory_usage(const struct coins_cache *c) { return c->usage + c->nbuckets * sizeof(void *); }

size_t coins_cache_entry_count(const struct coins_cache *c) { return c->count; }

size_t coins_cache_dirty_count(const struct coins_cache *c) { return c->dirty; }
