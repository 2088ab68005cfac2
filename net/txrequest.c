/* Announcement tracking and request scheduling (see txrequest.h). A chained
 * hash table from id to an entry holding its announcers; per-peer counters
 * in a small array (peers are few). */
#include "net/txrequest.h"

#include <string.h>

#include "src/crypto/siphash.h"
#include "src/util/alloc.h"

enum { ANN_WAITING = 0, ANN_REQUESTED = 1, ANN_FAILED = 2 };

struct ann {
    int64_t peer;
    int64_t ready_us;  /* WAITING: may be requested from then */
    int64_t expiry_us; /* REQUESTED: times out then */
    uint8_t state;
    bool preferred;
    bool is_wtxid;
};

struct entry {
    struct hash256 id;
    struct entry *next;
    struct ann *anns;
    size_t n, cap;
};

struct peer_count {
    int64_t peer;
    size_t tracked;
    size_t in_flight;
};

struct txrequest {
    uint64_t k0, k1;
    struct entry **buckets;
    size_t nbuckets; /* power of two */
    size_t count;
    struct peer_count *peers;
    size_t npeers, peers_cap;
    int64_t next_event_us; /* nothing to do before this (INT64_MAX: idle) */
};

struct txrequest *txrequest_new(uint64_t k0, uint64_t k1)
{
    struct txrequest *t = mem_calloc(1, sizeof(*t));
    t->k0 = k0;
    t->k1 = k1;
    t->nbuckets = 64;
    t->buckets = mem_calloc(t->nbuckets, sizeof(*t->buckets));
    t->next_event_us = INT64_MAX;
    return t;
}

static void entry_free(struct entry *e)
{
    mem_free(e->anns);
    mem_free(e);
}

void txrequest_free(struct txrequest *t)
{
    if (!t)
        return;
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            entry_free(e);
            e = next;
        }
    }
    mem_free(t->buckets);
    mem_free(t->peers);
    mem_free(t);
}

static size_t slot(const struct txrequest *t, const struct hash256 *id)
{
    return (size_t)(siphash_uint256(t->k0, t->k1, id->b) & (t->nbuckets - 1));
}

static struct entry **find_link(struct txrequest *t, const struct hash256 *id)
{
    struct entry **link = &t->buckets[slot(t, id)];
    while (*link && !hash256_eq(&(*link)->id, id))
        link = &(*link)->next;
    return link;
}

static struct peer_count *peer_get(struct txrequest *t, int64_t peer, bool create)
{
    for (size_t i = 0; i < t->npeers; i++)
        if (t->peers[i].peer == peer)
            return &t->peers[i];
    if (!create)
        return NULL;
    if (t->npeers == t->peers_cap) {
        t->peers_cap = t->peers_cap ? t->peers_cap * 2 : 16;
        t->peers = mem_realloc(t->peers, t->peers_cap * sizeof(*t->peers));
    }
    struct peer_count *pc = &t->peers[t->npeers++];
    memset(pc, 0, sizeof(*pc));
    pc->peer = peer;
    return pc;
}

static void peer_drop_ann(struct txrequest *t, const struct ann *a)
{
    struct peer_count *pc = peer_get(t, a->peer, false);
    if (!pc)
        return;
    if (pc->tracked)
        pc->tracked--;
    if (a->state == ANN_REQUESTED && pc->in_flight)
        pc->in_flight--;
    if (pc->tracked == 0 && pc->in_flight == 0)
        *pc = t->peers[--t->npeers];
}

static void grow(struct txrequest *t)
{
    size_t nb = t->nbuckets * 2;
    struct entry **b = mem_calloc(nb, sizeof(*b));
    for (size_t i = 0; i < t->nbuckets; i++) {
        struct entry *e = t->buckets[i];
        while (e) {
            struct entry *next = e->next;
            size_t s = (size_t)(siphash_uint256(t->k0, t->k1, e->id.b) & (nb - 1));
            e->next = b[s];
            b[s] = e;
            e = next;
        }
    }
    mem_free(t->buckets);
    t->buckets = b;
    t->nbuckets = nb;
}

bool txrequest_add(struct txrequest *t, int64_t peer, const struct hash256 *id, bool is_wtxid, bool preferred,
                   int64_t ready_us)
{
    struct entry **link = find_link(t, id);
    struct entry *e = *link;
    if (!e) {
        if (t->count >= t->nbuckets)
            grow(t);
        e = mem_calloc(1, sizeof(*e));
        e->id = *id;
        size_t s = slot(t, id);
        e->next = t->buckets[s];
        t->buckets[s] = e;
        t->count++;
    }
    for (size_t i = 0; i < e->n; i++)
        if (e->anns[i].peer == peer)
            return false;
    if (e->n == e->cap) {
        e->cap = e->cap ? e->cap * 2 : 2;
        e->anns = mem_realloc(e->anns, e->cap * sizeof(*e->anns));
    }
    struct ann *a = &e->anns[e->n++];
    memset(a, 0, sizeof(*a));
    a->peer = peer;
    a->ready_us = ready_us;
    a->state = ANN_WAITING;
    a->preferred = preferred;
    a->is_wtxid = is_wtxid;
    peer_get(t, peer, true)->tracked++;
    if (ready_us < t->next_event_us)
        t->next_event_us = ready_us;
    return true;
}

static void unlink_entry(struct txrequest *t, struct entry **link)
{
    struct entry *e = *link;
    for (size_t i = 0; i < e->n; i++)
        peer_drop_ann(t, &e->anns[i]);
    *link = e->next;
    entry_free(e);
    t->count--;
}

void txrequest_forget(struct txrequest *t, const struct hash256 *id)
{
    struct entry **link = find_link(t, id);
    if (*link)
        unlink_entry(t, link);
}

/* Drops an entry once no announcer can still deliver. */
static bool maybe_drop(struct txrequest *t, struct entry **link)
{
    struct entry *e = *link;
    for (size_t i = 0; i < e->n; i++)
        if (e->anns[i].state != ANN_FAILED)
            return false;
    unlink_entry(t, link);
    return true;
}

static void mark_failed(struct txrequest *t, struct ann *a)
{
    if (a->state == ANN_REQUESTED) {
        struct peer_count *pc = peer_get(t, a->peer, false);
        if (pc && pc->in_flight)
            pc->in_flight--;
    }
    a->state = ANN_FAILED;
    t->next_event_us = INT64_MIN; /* another announcer may now be due */
}

void txrequest_peer_failed(struct txrequest *t, int64_t peer, const struct hash256 *id)
{
    struct entry **link = find_link(t, id);
    if (!*link)
        return;
    struct entry *e = *link;
    for (size_t i = 0; i < e->n; i++)
        if (e->anns[i].peer == peer && e->anns[i].state != ANN_FAILED)
            mark_failed(t, &e->anns[i]);
    maybe_drop(t, link);
}

void txrequest_peer_remove(struct txrequest *t, int64_t peer)
{
    if (!peer_get(t, peer, false))
        return;
    for (size_t b = 0; b < t->nbuckets; b++) {
        struct entry **link = &t->buckets[b];
        while (*link) {
            struct entry *e = *link;
            for (size_t i = 0; i < e->n; i++) {
                if (e->anns[i].peer != peer)
                    continue;
                if (e->anns[i].state == ANN_REQUESTED)
                    t->next_event_us = INT64_MIN;
                peer_drop_ann(t, &e->anns[i]);
                e->anns[i] = e->anns[--e->n];
                i--;
            }
            if (e->n == 0) {
                unlink_entry(t, link);
                continue;
            }
            if (maybe_drop(t, link))
                continue;
            link = &e->next;
        }
    }
    struct peer_count *pc = peer_get(t, peer, false);
    if (pc)
        *pc = t->peers[--t->npeers];
}

size_t txrequest_peer_tracked(struct txrequest *t, int64_t peer)
{
    struct peer_count *pc = peer_get(t, peer, false);
    return pc ? pc->tracked : 0;
}

size_t txrequest_peer_in_flight(struct txrequest *t, int64_t peer)
{
    struct peer_count *pc = peer_get(t, peer, false);
    return pc ? pc->in_flight : 0;
}

size_t txrequest_size(struct txrequest *t)
{
    return t->count;
}

/* Better candidate: preferred first, then the earlier ready time. */
static bool better(const struct ann *a, const struct ann *b)
{
    if (a->preferred != b->preferred)
        return a->preferred;
    return a->ready_us < b->ready_us;
}

void txrequest_poll(struct txrequest *t, int64_t now_us, int64_t timeout_us, txrequest_fn fn, void *arg)
{
    if (now_us < t->next_event_us)
        return;
    int64_t next = INT64_MAX;
    t->next_event_us = INT64_MAX; /* set to INT64_MIN by failures during the pass */
    for (size_t b = 0; b < t->nbuckets; b++) {
        struct entry **link = &t->buckets[b];
        while (*link) {
            struct entry *e = *link;
            bool in_flight = false;
            for (size_t i = 0; i < e->n; i++) {
                struct ann *a = &e->anns[i];
                if (a->state == ANN_REQUESTED && a->expiry_us <= now_us)
                    mark_failed(t, a);
                else if (a->state == ANN_REQUESTED)
                    in_flight = true;
            }
            if (maybe_drop(t, link))
                continue;
            struct ann *best = NULL;
            for (size_t i = 0; i < e->n; i++) {
                struct ann *a = &e->anns[i];
                if (a->state == ANN_REQUESTED && a->expiry_us < next)
                    next = a->expiry_us;
                if (in_flight || a->state != ANN_WAITING)
                    continue;
                if (a->ready_us > now_us) {
                    if (a->ready_us < next)
                        next = a->ready_us;
                    continue;
                }
                if (!best || better(a, best))
                    best = a;
            }
            if (best) {
                best->state = ANN_REQUESTED;
                best->expiry_us = now_us + timeout_us;
                if (best->expiry_us < next)
                    next = best->expiry_us;
                struct peer_count *pc = peer_get(t, best->peer, true);
                pc->in_flight++;
                fn(arg, best->peer, &e->id, best->is_wtxid);
            }
            link = &e->next;
        }
    }
    if (t->next_event_us == INT64_MIN)
        next = now_us; /* something failed during callbacks: look again next time */
    t->next_event_us = next;
}
