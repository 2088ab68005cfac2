/* Address relay (see addrrelay.h). Per-peer state lives in a small table
 * keyed by peer id, guarded by one mutex so the RPC threads can read the
 * counters; the peer pointers in it are only used on the event thread. */
#include "net/addrrelay.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "net/addrman.h"
#include "net/banman.h"
#include "net/connman.h"
#include "net/messages.h"
#include "net/peer.h"
#include "net/protocol.h"
#include "net/rollbloom.h"
#include "src/crypto/siphash.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"

#define ADDR_PENALTY_S (2 * 3600)
#define PEERS_TO_RELAY 2

/* ---- token bucket -------------------------------------------------------- */

void addr_bucket_init(struct addr_bucket *b, int64_t now_us)
{
    b->tokens = 1.0;
    b->last_us = now_us;
}

void addr_bucket_refill(struct addr_bucket *b, int64_t now_us)
{
    if (now_us > b->last_us && b->tokens < ADDRRELAY_MAX_TOKENS) {
        double add = (double)(now_us - b->last_us) / 1e6 * ADDRRELAY_RATE_PER_SECOND;
        b->tokens += add;
        if (b->tokens > ADDRRELAY_MAX_TOKENS)
            b->tokens = ADDRRELAY_MAX_TOKENS;
    }
    if (now_us > b->last_us)
        b->last_us = now_us;
}

bool addr_bucket_take(struct addr_bucket *b)
{
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

void addr_bucket_grant(struct addr_bucket *b, double n)
{
    b->tokens += n;
}

/* ---- state ----------------------------------------------------------------- */

struct apeer {
    int64_t id;
    struct peer *p;           /* event thread only */
    bool relay;               /* takes part in address relay */
    bool wants_v2;
    bool getaddr_sent;        /* we asked it; its big answer is not forwarded */
    bool getaddr_answered;    /* it asked us once already */
    struct addr_bucket bucket;
    struct rollbloom *known;
    struct net_addr_entry *queue;
    size_t qn;
    int64_t next_send_us;
    int64_t next_self_us;
    uint64_t processed, rate_limited;
};

struct addrrelay {
    struct connman *cm;
    struct addrrelay_options o;
    char *peers_path;
    struct addrman *am;
    struct banman *bm;
    addrrelay_punish_fn punish;
    void *punish_ctx;
    pthread_mutex_t lock;
    struct apeer **peers;
    size_t npeers, cap;
    uint64_t k0, k1, rng;
    /* getaddr answer cache */
    struct net_addr_entry *cache;
    size_t cache_n;
    int64_t cache_expire; /* unix seconds */
    int64_t next_dump_us;
};

static int64_t now_s(void)
{
    return (int64_t)time(NULL);
}

static int64_t mono_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t rnd(struct addrrelay *ar)
{
    uint64_t z = (ar->rng += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static int64_t poisson_us(struct addrrelay *ar, int64_t mean)
{
    double u = (double)(rnd(ar) >> 11) * (1.0 / 9007199254740992.0);
    double d = -log1p(-u) * (double)mean;
    if (d > 50.0 * (double)mean)
        d = 50.0 * (double)mean;
    return (int64_t)d;
}

static struct apeer *find(struct addrrelay *ar, int64_t id)
{
    for (size_t i = 0; i < ar->npeers; i++)
        if (ar->peers[i]->id == id)
            return ar->peers[i];
    return NULL;
}

static void addr_key(const struct net_addr *a, uint8_t out[36])
{
    memset(out, 0, 36);
    out[0] = a->network;
    out[1] = a->len <= 32 ? a->len : 32;
    memcpy(out + 2, a->bytes, out[1]);
    out[34] = (uint8_t)(a->port >> 8);
    out[35] = (uint8_t)a->port;
}

static bool h_addr_common(struct addrrelay *ar, struct peer *p, const uint8_t *payload, size_t len, bool v2);

bool addrrelay_on_addr(struct addrrelay *ar, struct peer *p, const uint8_t *payload, size_t len, bool v2)
{
    return h_addr_common(ar, p, payload, len, v2);
}

struct addrrelay *addrrelay_new(struct connman *cm, const struct addrrelay_options *o, addrrelay_punish_fn punish,
                                void *punish_ctx)
{
    struct addrrelay *ar = mem_calloc(1, sizeof(*ar));
    ar->cm = cm;
    ar->o = *o;
    ar->o.datadir = NULL;
    ar->punish = punish;
    ar->punish_ctx = punish_ctx;
    pthread_mutex_init(&ar->lock, NULL);
    uint8_t seed[48];
    if (o->seed) {
        /* Reproducible runs: expand the given seed (splitmix64, as rnd()). */
        ar->rng = o->seed;
        for (size_t i = 0; i < sizeof(seed); i += 8) {
            uint64_t v = rnd(ar);
            memcpy(seed + i, &v, 8);
        }
    } else if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
        uint64_t t = (uint64_t)mono_us() ^ ((uint64_t)now_s() << 32);
        for (size_t i = 0; i < sizeof(seed); i++)
            seed[i] = (uint8_t)(t >> (8 * (i % 8))) ^ (uint8_t)(i * 131);
    }
    memcpy(&ar->k0, seed + 32, 8);
    memcpy(&ar->k1, seed + 40, 8);
    ar->rng = ar->k0 ^ (ar->k1 << 1);
    ar->am = addrman_new(seed, rnd(ar));
    addrman_set_allow_local(ar->am, o->allow_local);
    char *ban_path = NULL;
    if (o->datadir) {
        size_t n = strlen(o->datadir) + 32;
        ar->peers_path = mem_alloc(n);
        snprintf(ar->peers_path, n, "%s/%s", o->datadir, ADDRMAN_FILENAME);
        ban_path = mem_alloc(n);
        snprintf(ban_path, n, "%s/%s", o->datadir, BANMAN_FILENAME);
        addrman_load(ar->am, ar->peers_path);
    }
    ar->bm = banman_new(ban_path, rnd(ar), rnd(ar), now_s());
    mem_free(ban_path);
    ar->next_dump_us = mono_us() + ADDRRELAY_DUMP_INTERVAL_US;
    return ar;
}

static void apeer_free(struct apeer *a)
{
    rollbloom_free(a->known);
    mem_free(a->queue);
    mem_free(a);
}

void addrrelay_free(struct addrrelay *ar)
{
    if (!ar)
        return;
    if (ar->peers_path)
        addrman_save(ar->am, ar->peers_path);
    for (size_t i = 0; i < ar->npeers; i++)
        apeer_free(ar->peers[i]);
    mem_free(ar->peers);
    mem_free(ar->cache);
    addrman_free(ar->am);
    banman_free(ar->bm);
    mem_free(ar->peers_path);
    pthread_mutex_destroy(&ar->lock);
    mem_free(ar);
}

struct addrman *addrrelay_addrman(struct addrrelay *ar)
{
    return ar ? ar->am : NULL;
}

struct banman *addrrelay_banman(struct addrrelay *ar)
{
    return ar ? ar->bm : NULL;
}

/* Queues an address for a peer unless it already knows it. Lock held. */
static void push_addr(struct apeer *a, const struct net_addr_entry *e)
{
    uint8_t k[36];
    addr_key(&e->addr, k);
    if (rollbloom_contains(a->known, k, sizeof(k)))
        return;
    if (!a->wants_v2 && e->addr.network != NET_ADDR_IPV4 && e->addr.network != NET_ADDR_IPV6)
        return; /* v1 cannot carry it */
    if (a->qn >= NET_MAX_ADDR_TO_SEND) {
        /* Full: replace a random queued entry (Core does the same). */
        a->queue[(size_t)(e->time ^ a->qn) % a->qn] = *e;
        return;
    }
    if (!a->queue)
        a->queue = mem_calloc(NET_MAX_ADDR_TO_SEND, sizeof(*a->queue));
    a->queue[a->qn++] = *e;
}

static bool usable_network(const struct addrrelay *ar, const struct net_addr *a)
{
    if (a->network != NET_ADDR_IPV4 && a->network != NET_ADDR_IPV6)
        return false; /* no Tor/I2P/CJDNS support here */
    return !ar->o.network || a->network == ar->o.network;
}

void addrrelay_peer_handshake_done(struct addrrelay *ar, struct peer *p)
{
    if (!ar)
        return;
    int64_t now = mono_us();
    struct apeer *a = mem_calloc(1, sizeof(*a));
    a->id = p->id;
    a->p = p;
    a->relay = p->type != PEER_BLOCK_RELAY_ONLY;
    a->wants_v2 = p->wants_addrv2;
    addr_bucket_init(&a->bucket, now);
    pthread_mutex_lock(&ar->lock);
    a->known = rollbloom_new(ADDRRELAY_KNOWN_ENTRIES, 0.001, rnd(ar), rnd(ar));
    a->next_send_us = now + poisson_us(ar, ADDRRELAY_BROADCAST_INTERVAL_US);
    a->next_self_us = now + poisson_us(ar, ADDRRELAY_SELF_ANNOUNCE_INTERVAL_US);
    if (ar->npeers == ar->cap) {
        ar->cap = ar->cap ? ar->cap * 2 : 16;
        ar->peers = mem_realloc(ar->peers, ar->cap * sizeof(*ar->peers));
    }
    ar->peers[ar->npeers++] = a;
    /* Our own listening address, as this peer sees us. */
    struct net_addr_entry self;
    bool announce = false;
    if (ar->o.listen_port && !p->inbound && p->type == PEER_OUTBOUND_FULL_RELAY) {
        self.addr = p->local_addr;
        self.addr.port = ar->o.listen_port;
        self.services = connman_local_services(ar->cm);
        self.time = (uint32_t)now_s();
        announce = (net_addr_is_routable(&self.addr) || (ar->o.allow_local && net_addr_is_local(&self.addr)));
        if (announce)
            push_addr(a, &self);
    }
    bool ask = a->relay && !p->inbound &&
               (p->type == PEER_OUTBOUND_FULL_RELAY || p->type == PEER_ADDR_FETCH || p->type == PEER_MANUAL);
    if (ask) {
        a->getaddr_sent = true;
        addr_bucket_grant(&a->bucket, NET_MAX_ADDR_TO_SEND);
    }
    pthread_mutex_unlock(&ar->lock);
    if (ask)
        connman_send(ar->cm, p, NET_CMD_GETADDR, NULL, 0);
    if (!p->inbound && p->type != PEER_ADDR_FETCH) {
        /* A working outbound address: into "tried" (added first if we dialled it by name). */
        int64_t t = now_s();
        addrman_add(ar->am, &p->addr, p->services, t, &p->addr, 0, t);
        addrman_good(ar->am, &p->addr, t);
        addrman_set_services(ar->am, &p->addr, p->services);
    }
}

void addrrelay_peer_disconnected(struct addrrelay *ar, struct peer *p)
{
    if (!ar)
        return;
    pthread_mutex_lock(&ar->lock);
    for (size_t i = 0; i < ar->npeers; i++) {
        if (ar->peers[i]->id == p->id) {
            apeer_free(ar->peers[i]);
            ar->peers[i] = ar->peers[--ar->npeers];
            break;
        }
    }
    pthread_mutex_unlock(&ar->lock);
    if (!p->inbound && p->handshake_done)
        addrman_connected(ar->am, &p->addr, now_s());
}

/* Forwards a fresh address to the 1-2 relaying peers that rank first for
 * (address, day): the same route every time, so gossip cannot be used to
 * probe which peers we have. Lock held. */
static void relay_address(struct addrrelay *ar, int64_t from, const struct net_addr_entry *e)
{
    uint8_t k[36];
    addr_key(&e->addr, k);
    uint64_t day = (uint64_t)now_s() / 86400;
    struct apeer *best[PEERS_TO_RELAY] = { NULL, NULL };
    uint64_t score[PEERS_TO_RELAY] = { 0, 0 };
    for (size_t i = 0; i < ar->npeers; i++) {
        struct apeer *a = ar->peers[i];
        if (a->id == from || !a->relay)
            continue;
        struct siphash_ctx c;
        siphash_init(&c, ar->k0 ^ day, ar->k1);
        siphash_write(&c, k, sizeof(k));
        siphash_write(&c, (const uint8_t *)&a->id, sizeof(a->id));
        uint64_t s = siphash_finalize(&c);
        if (!best[0] || s > score[0]) {
            best[1] = best[0];
            score[1] = score[0];
            best[0] = a;
            score[0] = s;
        } else if (!best[1] || s > score[1]) {
            best[1] = a;
            score[1] = s;
        }
    }
    for (int i = 0; i < PEERS_TO_RELAY; i++)
        if (best[i])
            push_addr(best[i], e);
}

static bool h_addr_common(struct addrrelay *ar, struct peer *p, const uint8_t *payload, size_t len, bool v2)
{
    struct net_msg_addr m;
    bool ok = v2 ? net_msg_addrv2_parse(&m, payload, len) : net_msg_addr_parse(&m, payload, len);
    if (!ok) {
        struct rbuf r = rbuf_make(payload, len);
        uint64_t count;
        if (rbuf_compact(&r, &count, UINT64_MAX) && count > NET_MAX_ADDR_TO_SEND) {
            char reason[64]; /* Core's Misbehaving text */
            snprintf(reason, sizeof(reason), "%s message size = %llu", v2 ? "addrv2" : "addr",
                     (unsigned long long)count);
            if (ar->punish)
                ar->punish(ar->punish_ctx, p, reason);
            else
                connman_disconnect(ar->cm, p, reason);
            return true;
        }
        return false; /* malformed: connman's bad-message path */
    }
    int64_t now = now_s();
    int64_t now_mono = mono_us();
    bool unlimited = peer_has_permission(p, PEER_PERM_ADDR);
    struct net_addr_entry *ok_items = mem_calloc(m.count ? m.count : 1, sizeof(*ok_items));
    size_t nok = 0;
    pthread_mutex_lock(&ar->lock);
    struct apeer *a = find(ar, p->id);
    if (!a || !a->relay) {
        pthread_mutex_unlock(&ar->lock);
        mem_free(ok_items);
        net_msg_addr_clear(&m);
        return true; /* no address relay with this peer: ignored (Core) */
    }
    addr_bucket_refill(&a->bucket, now_mono);
    for (size_t i = 0; i < m.count; i++) {
        struct net_addr_entry e = m.items[i];
        if (!unlimited && !addr_bucket_take(&a->bucket)) {
            a->rate_limited++;
            continue;
        }
        a->processed++;
        if (!usable_network(ar, &e.addr))
            continue;
        if (!(e.services & NET_NODE_NETWORK) && !(e.services & NET_NODE_NETWORK_LIMITED))
            continue; /* cannot serve blocks: useless to us and to others */
        if ((int64_t)e.time <= 100000000 || (int64_t)e.time > now + 10 * 60)
            e.time = (uint32_t)(now - 5 * 86400);
        uint8_t k[36];
        addr_key(&e.addr, k);
        rollbloom_insert(a->known, k, sizeof(k));
        if (banman_is_banned(ar->bm, &e.addr, now) || banman_is_discouraged(ar->bm, &e.addr))
            continue;
        bool routable = net_addr_is_routable(&e.addr) || (ar->o.allow_local && net_addr_is_local(&e.addr));
        if ((int64_t)e.time > now - 10 * 60 && !a->getaddr_sent && m.count <= 10 && routable)
            relay_address(ar, p->id, &e);
        if (routable)
            ok_items[nok++] = e;
    }
    if (m.count < NET_MAX_ADDR_TO_SEND)
        a->getaddr_sent = false;
    pthread_mutex_unlock(&ar->lock);
    for (size_t i = 0; i < nok; i++)
        addrman_add(ar->am, &ok_items[i].addr, ok_items[i].services, ok_items[i].time, &p->addr, ADDR_PENALTY_S,
                    now);
    mem_free(ok_items);
    net_msg_addr_clear(&m);
    return true;
}

/* Fills the getaddr cache if it expired. Lock held. */
static void refresh_cache(struct addrrelay *ar, int64_t now)
{
    if (ar->cache_expire > now)
        return;
    mem_free(ar->cache);
    ar->cache = NULL;
    ar->cache_n = 0;
    struct addrman_info *infos;
    size_t n = addrman_get_addr(ar->am, &infos, ADDRMAN_GETADDR_MAX, ADDRMAN_GETADDR_MAX_PCT, ar->o.network, now);
    if (n) {
        ar->cache = mem_calloc(n, sizeof(*ar->cache));
        for (size_t i = 0; i < n; i++) {
            ar->cache[i].addr = infos[i].addr;
            ar->cache[i].services = infos[i].services;
            ar->cache[i].time = (uint32_t)(infos[i].time > 0 ? infos[i].time : 0);
        }
        ar->cache_n = n;
    }
    mem_free(infos);
    ar->cache_expire = now + ADDRRELAY_CACHE_MIN_S + (int64_t)(rnd(ar) % ADDRRELAY_CACHE_RAND_S);
}

bool addrrelay_on_getaddr(struct addrrelay *ar, struct peer *p)
{
    /* Only inbound peers may ask (Core: stops fingerprinting through outbound connections). */
    if (!p->inbound)
        return true;
    pthread_mutex_lock(&ar->lock);
    struct apeer *a = find(ar, p->id);
    if (!a || !a->relay || a->getaddr_answered) {
        pthread_mutex_unlock(&ar->lock);
        return true; /* only once per connection */
    }
    a->getaddr_answered = true;
    int64_t now = now_s();
    if (peer_has_permission(p, PEER_PERM_ADDR)) {
        struct addrman_info *infos;
        size_t n = addrman_get_addr(ar->am, &infos, ADDRMAN_GETADDR_MAX, ADDRMAN_GETADDR_MAX_PCT, 0, now);
        for (size_t i = 0; i < n; i++) {
            struct net_addr_entry e = { (uint32_t)(infos[i].time > 0 ? infos[i].time : 0), infos[i].services,
                                        infos[i].addr };
            push_addr(a, &e);
        }
        mem_free(infos);
    } else {
        refresh_cache(ar, now);
        for (size_t i = 0; i < ar->cache_n; i++)
            push_addr(a, &ar->cache[i]);
    }
    a->next_send_us = 0; /* answer at the next tick */
    pthread_mutex_unlock(&ar->lock);
    return true;
}

struct pending_send {
    struct peer *p;
    bool v2;
    uint8_t *data;
    size_t len;
};

void addrrelay_tick(struct addrrelay *ar, int64_t now_us)
{
    if (!ar)
        return;
    struct wbuf w;
    wbuf_init(&w);
    struct pending_send *out = NULL;
    size_t nout = 0;
    pthread_mutex_lock(&ar->lock);
    for (size_t i = 0; i < ar->npeers; i++) {
        struct apeer *a = ar->peers[i];
        if (!a->relay)
            continue;
        if (now_us >= a->next_self_us) {
            a->next_self_us = now_us + poisson_us(ar, ADDRRELAY_SELF_ANNOUNCE_INTERVAL_US);
            if (ar->o.listen_port && !a->p->inbound) {
                struct net_addr_entry self = { (uint32_t)now_s(), connman_local_services(ar->cm), a->p->local_addr };
                self.addr.port = ar->o.listen_port;
                if (net_addr_is_routable(&self.addr))
                    push_addr(a, &self);
            }
        }
        if (now_us < a->next_send_us || a->qn == 0)
            continue;
        a->next_send_us = now_us + poisson_us(ar, ADDRRELAY_BROADCAST_INTERVAL_US);
        for (size_t k = 0; k < a->qn; k++) {
            uint8_t key[36];
            addr_key(&a->queue[k].addr, key);
            rollbloom_insert(a->known, key, sizeof(key));
        }
        if (a->wants_v2)
            net_msg_addrv2_serialize(&w, a->queue, a->qn);
        else
            net_msg_addr_serialize(&w, a->queue, a->qn);
        a->qn = 0;
        if (!out)
            out = mem_calloc(ar->npeers, sizeof(*out));
        out[nout].p = a->p;
        out[nout].v2 = a->wants_v2;
        out[nout].data = wbuf_detach(&w, &out[nout].len);
        nout++;
    }
    bool dump = ar->peers_path && now_us >= ar->next_dump_us;
    if (dump)
        ar->next_dump_us = now_us + ADDRRELAY_DUMP_INTERVAL_US;
    pthread_mutex_unlock(&ar->lock);
    /* Send outside our lock: connman takes its own (lock order connman -> addrrelay). */
    for (size_t i = 0; i < nout; i++) {
        connman_send(ar->cm, out[i].p, out[i].v2 ? NET_CMD_ADDRV2 : NET_CMD_ADDR, out[i].data, out[i].len);
        mem_free(out[i].data);
    }
    mem_free(out);
    wbuf_clear(&w);
    if (dump)
        addrman_save(ar->am, ar->peers_path);
}

bool addrrelay_is_banned(struct addrrelay *ar, const struct net_addr *a)
{
    return ar && banman_is_banned(ar->bm, a, now_s());
}

bool addrrelay_is_discouraged(struct addrrelay *ar, const struct net_addr *a)
{
    return ar && banman_is_discouraged(ar->bm, a);
}

bool addrrelay_select_address(struct addrrelay *ar, struct net_addr *out, bool block_relay_only)
{
    if (!ar)
        return false;
    int64_t now = now_s();
    /* A few draws: skip banned/discouraged ones rather than fail at once. */
    for (int tries = 0; tries < 10; tries++) {
        struct addrman_info info;
        if (!addrman_select(ar->am, &info, false, ar->o.network, now))
            return false;
        if (banman_is_banned(ar->bm, &info.addr, now) || banman_is_discouraged(ar->bm, &info.addr))
            continue;
        if (!usable_network(ar, &info.addr))
            continue;
        /* Block-relay-only slots prefer addresses that worked before. */
        if (block_relay_only && !info.tried && tries < 5)
            continue;
        addrman_attempt(ar->am, &info.addr, false, now);
        *out = info.addr;
        return true;
    }
    return false;
}

void addrrelay_connect_failed(struct addrrelay *ar, const struct net_addr *a)
{
    if (ar)
        addrman_attempt(ar->am, a, true, now_s());
}

bool addrrelay_discourage_peer(struct addrrelay *ar, struct peer *p, const char *reason)
{
    char name[NET_ADDR_STRLEN];
    net_addr_to_string(name, &p->addr);
    if (peer_has_permission(p, PEER_PERM_NOBAN)) {
        log_printf(LOG_NET, LOG_LEVEL_WARNING, "Not punishing noban peer %lld (%s): %s", (long long)p->id, name,
                   reason);
        return false;
    }
    if (p->type == PEER_MANUAL) {
        log_printf(LOG_NET, LOG_LEVEL_WARNING, "Not punishing manually connected peer %lld (%s): %s",
                   (long long)p->id, name, reason);
        return false;
    }
    if (net_addr_is_local(&p->addr) && !(ar && ar->o.allow_local)) {
        log_printf(LOG_NET, LOG_LEVEL_WARNING, "Disconnecting but not discouraging local peer %lld: %s",
                   (long long)p->id, reason);
        return true;
    }
    log_printf(LOG_NET, LOG_LEVEL_INFO, "Disconnecting and discouraging peer %lld (%s): %s", (long long)p->id, name,
               reason);
    if (ar)
        banman_discourage(ar->bm, &p->addr);
    p->prefer_evict = true;
    return true;
}

bool addrrelay_peer_stats(struct addrrelay *ar, int64_t id, struct addrrelay_peer_stats *out)
{
    memset(out, 0, sizeof(*out));
    if (!ar)
        return false;
    pthread_mutex_lock(&ar->lock);
    struct apeer *a = find(ar, id);
    if (a) {
        out->addr_relay_enabled = a->relay;
        out->addr_processed = a->processed;
        out->addr_rate_limited = a->rate_limited;
    }
    pthread_mutex_unlock(&ar->lock);
    return a != NULL;
}
