/* The connection manager's sockets and policy: options, listening, accepting
 * with inbound eviction, outbound connections (-connect, -addnode,
 * -seednode, automatic full-relay and block-relay-only), the tick, closing
 * peers, and the views the RPCs use. */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "net/connman_internal.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* ---- time and randomness -------------------------------------------------- */

int64_t cm_now(void) { return (int64_t)time(NULL); }

int64_t cm_now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

uint64_t cm_random64(void)
{
    uint64_t v = 0;
    if (getrandom(&v, sizeof(v), 0) != (ssize_t)sizeof(v))
        v = (uint64_t)cm_now_us() * 0x9e3779b97f4a7c15ull ^ (uint64_t)rand();
    return v;
}

/* ---- options -------------------------------------------------------------- */

void connman_options_default(struct connman_options *o)
{
    memset(o, 0, sizeof(*o));
    o->listen = true;
    o->max_connections = CONNMAN_DEFAULT_MAX_CONNECTIONS;
    o->max_outbound_full_relay = CONNMAN_MAX_OUTBOUND_FULL_RELAY;
    o->max_block_relay_only = CONNMAN_MAX_BLOCK_RELAY_ONLY;
    o->local_services = NET_NODE_NETWORK | NET_NODE_WITNESS;
    o->user_agent = "/hashmint:0.1.0/";
    o->ping_interval = 120;
    o->timeout = 20 * 60;
    o->handshake_timeout = 60;
    o->connect_timeout_ms = 5000;
    o->addnode_retry = 10;
    o->tick_ms = 200;
    o->send_soft_limit = PEER_SEND_SOFT_LIMIT;
    o->send_hard_limit = PEER_SEND_HARD_LIMIT;
}

/* "[perms@]rest": out perms (IMPLICIT when no '@'), returns rest. NULL on bad perms. */
static const char *split_perms(const char *s, uint32_t *perms)
{
    const char *at = strchr(s, '@');
    if (!at) {
        *perms = PEER_PERM_IMPLICIT;
        return s;
    }
    if (!peer_permissions_parse(perms, s, (size_t)(at - s)))
        return NULL;
    return at + 1;
}

void cm_add_entry(struct connman *cm, const char *name, enum cm_added_kind kind)
{
    cm->added = mem_realloc(cm->added, (cm->nadded + 1) * sizeof(*cm->added));
    struct cm_added *a = &cm->added[cm->nadded++];
    memset(a, 0, sizeof(*a));
    a->id = ++cm->next_added_id;
    snprintf(a->name, sizeof(a->name), "%s", name);
    a->kind = kind;
}

static void reap_cb(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    cm_reap(arg);
}

struct connman *connman_new(struct event_base *base, const struct connman_options *opt,
                            const uint8_t magic[NET_MAGIC_SIZE], const struct connman_callbacks *cb,
                            const char **err)
{
    struct connman *cm = mem_calloc(1, sizeof(*cm));
    *err = NULL;
    cm->base = base;
    cm->opt = *opt;
    if (cb)
        cm->cb = *cb;
    memcpy(cm->magic, magic, NET_MAGIC_SIZE);
    pthread_mutexattr_t attr;
    pthread_mutexattr_init(&attr);
    pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
    pthread_mutex_init(&cm->lock, &attr);
    pthread_mutexattr_destroy(&attr);
    cm->active = true;
    if (cm->opt.tick_ms < 100)
        cm->opt.tick_ms = 100;
    if (cm->opt.tick_ms > 1000)
        cm->opt.tick_ms = 1000;
    if (cm->opt.send_soft_limit == 0)
        cm->opt.send_soft_limit = PEER_SEND_SOFT_LIMIT;
    if (cm->opt.send_hard_limit < cm->opt.send_soft_limit)
        cm->opt.send_hard_limit = cm->opt.send_soft_limit + 2u * NET_MAX_PROTOCOL_MESSAGE_LENGTH;
    if (!cm->opt.user_agent)
        cm->opt.user_agent = "/hashmint:0.1.0/";
    /* Slots as Core: automatic outbound taken from -maxconnections first. */
    int maxc = cm->opt.max_connections < 0 ? 0 : cm->opt.max_connections;
    int full = cm->opt.max_outbound_full_relay < maxc ? cm->opt.max_outbound_full_relay : maxc;
    int rest = maxc - full;
    int block = cm->opt.max_block_relay_only < rest ? cm->opt.max_block_relay_only : rest;
    int automatic = full + block + 1 < maxc ? full + block + 1 : maxc;
    cm->max_full_relay = full;
    cm->max_block_relay = block;
    cm->max_inbound = maxc - automatic;

    for (size_t i = 0; i < opt->n_whitelist; i++) {
        uint32_t perms;
        const char *rest_s = split_perms(opt->whitelist[i], &perms);
        struct net_subnet sn;
        if (!rest_s || !net_subnet_parse(&sn, rest_s)) {
            *err = "Invalid -whitelist value (expected [permissions@]subnet)";
            goto fail;
        }
        cm->whitelist = mem_realloc(cm->whitelist, (cm->nwhitelist + 1) * sizeof(*cm->whitelist));
        cm->whitelist[cm->nwhitelist].subnet = sn;
        cm->whitelist[cm->nwhitelist++].perms = perms;
    }
    for (size_t i = 0; i < opt->n_whitebinds; i++) {
        uint32_t perms;
        const char *rest_s = split_perms(opt->whitebinds[i], &perms);
        struct net_addr a;
        if (!rest_s || !net_addr_parse(&a, rest_s, opt->port)) {
            *err = "Invalid -whitebind value (expected [permissions@]addr:port)";
            goto fail;
        }
        cm->whitebinds = mem_realloc(cm->whitebinds, (cm->nwhitebinds + 1) * sizeof(*cm->whitebinds));
        memset(&cm->whitebinds[cm->nwhitebinds], 0, sizeof(cm->whitebinds[0]));
        cm->whitebinds[cm->nwhitebinds].subnet.base = a;
        cm->whitebinds[cm->nwhitebinds++].perms = perms;
    }
    for (size_t i = 0; i < opt->n_binds; i++) {
        struct net_addr a;
        if (!net_addr_parse(&a, opt->binds[i], opt->port)) {
            *err = "Invalid -bind address";
            goto fail;
        }
    }
    for (size_t i = 0; i < opt->n_connect; i++)
        if (strcmp(opt->connect[i], "0") != 0) /* -connect=0: no outbound at all */
            cm_add_entry(cm, opt->connect[i], CM_ADDED_CONNECT);
    for (size_t i = 0; i < opt->n_addnodes; i++)
        cm_add_entry(cm, opt->addnodes[i], CM_ADDED_ADDNODE);
    for (size_t i = 0; i < opt->n_seednodes; i++)
        cm_add_entry(cm, opt->seednodes[i], CM_ADDED_SEED);
    cm->reap_ev = event_new(base, -1, 0, reap_cb, cm);
    return cm;
fail:
    connman_free(cm);
    return NULL;
}

/* ---- peers -------------------------------------------------------------------- */

static bool set_nonblocking(evutil_socket_t fd)
{
    int fl = fcntl(fd, F_GETFL, 0);
    return fl >= 0 && fcntl(fd, F_SETFL, fl | O_NONBLOCK) == 0;
}

static uint32_t whitelist_perms(struct connman *cm, const struct net_addr *a)
{
    uint32_t perms = 0;
    for (size_t i = 0; i < cm->nwhitelist; i++)
        if (net_subnet_match(&cm->whitelist[i].subnet, a))
            perms |= cm->whitelist[i].perms;
    return perms;
}

/* Creates a peer around a connected (or connecting) socket and lists it. */
static struct peer *peer_create(struct connman *cm, evutil_socket_t fd, const struct net_addr *addr,
                                enum peer_conn_type type, const char *name, uint32_t perms)
{
    struct peer *p = mem_calloc(1, sizeof(*p));
    p->cm = cm;
    p->fd = fd;
    p->type = type;
    p->inbound = type == PEER_INBOUND;
    p->addr = *addr;
    p->permissions = perms | whitelist_perms(cm, addr);
    if (name)
        snprintf(p->addr_name, sizeof(p->addr_name), "%s", name);
    else
        net_addr_to_string(p->addr_name, addr);
    net_addr_group(p->netgroup, &p->netgroup_len, addr);
    p->last_ping_us = -1;
    p->min_ping_us = INT64_MAX;
    p->connected_time = cm_now();
    p->local_nonce = cm_random64();
    wbuf_init(&p->sendq);
    wbuf_init(&p->recv_stash);
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
        (void)net_addr_from_sockaddr(&p->local_addr, (struct sockaddr *)&ss);
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    p->ev_read = event_new(cm->base, fd, EV_READ | EV_PERSIST, cm_read_cb, p);
    p->ev_write = event_new(cm->base, fd, EV_WRITE, cm_write_cb, p);
    cm_lock(cm);
    p->id = cm->next_id++;
    if (cm->npeers == cm->peers_cap) {
        cm->peers_cap = cm->peers_cap ? cm->peers_cap * 2 : 16;
        cm->peers = mem_realloc(cm->peers, cm->peers_cap * sizeof(*cm->peers));
    }
    cm->peers[cm->npeers++] = p;
    cm_unlock(cm);
    return p;
}

/* The socket is usable: announce the peer and start reading. */
static void peer_go_live(struct connman *cm, struct peer *p)
{
    cm_lock(cm);
    p->connecting = false;
    p->connected_time = cm_now();
    p->announced = true;
    if (cm->cb.on_connected)
        cm->cb.on_connected(cm->cb.ctx, p);
    cm_unlock(cm);
    event_add(p->ev_read, NULL);
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "connection %s %s peer=%lld (%s)", p->inbound ? "from" : "to",
               p->addr_name, (long long)p->id, peer_conn_type_name(p->type));
    if (!p->inbound)
        cm_send_version(cm, p);
}

static void peer_destroy(struct connman *cm, struct peer *p)
{
    if (p->ev_read)
        event_free(p->ev_read);
    if (p->ev_write)
        event_free(p->ev_write);
    if (p->fd >= 0)
        close(p->fd);
    wbuf_clear(&p->sendq);
    wbuf_clear(&p->recv_stash);
    mem_free(p->payload);
    mem_free(p);
    (void)cm;
}

void cm_reap(struct connman *cm)
{
    for (;;) {
        struct peer *victim = NULL;
        cm_lock(cm);
        for (size_t i = 0; i < cm->npeers; i++) {
            if (cm->peers[i]->disconnect) {
                victim = cm->peers[i];
                cm->peers[i] = cm->peers[--cm->npeers];
                break;
            }
        }
        if (victim) {
            if (victim->announced) {
                log_printf(LOG_NET, LOG_LEVEL_DEBUG, "disconnecting peer=%lld (%s): %s", (long long)victim->id,
                           victim->addr_name, victim->disconnect_reason);
                if (cm->cb.on_disconnected)
                    cm->cb.on_disconnected(cm->cb.ctx, victim);
            }
            /* Free the events while holding the lock: other threads event_add them under it. */
            peer_destroy(cm, victim);
        }
        cm_unlock(cm);
        if (!victim)
            return;
    }
}

void cm_connect_failed(struct connman *cm, struct peer *p, const char *why)
{
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "connection to %s failed: %s", p->addr_name, why);
    if (cm->cb.on_connect_failed && (p->type == PEER_OUTBOUND_FULL_RELAY || p->type == PEER_BLOCK_RELAY_ONLY))
        cm->cb.on_connect_failed(cm->cb.ctx, &p->addr);
    cm_lock(cm);
    p->disconnect = true;
    snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "%s", why);
    cm_unlock(cm);
}

void cm_connect_done(struct connman *cm, struct peer *p)
{
    int err = 0;
    socklen_t len = sizeof(err);
    if (getsockopt(p->fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 || err != 0) {
        cm_connect_failed(cm, p, strerror(err ? err : errno));
        cm_reap(cm);
        return;
    }
    peer_go_live(cm, p);
}

/* Starts a non-blocking connect. Returns false if it failed at once. */
static bool open_connection(struct connman *cm, const struct net_addr *a, enum peer_conn_type type,
                            const char *name, int64_t added_id)
{
    struct sockaddr_storage ss;
    unsigned sl;
    if (!net_addr_to_sockaddr(&ss, &sl, a))
        return false;
    evutil_socket_t fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0)
        return false;
    if (!set_nonblocking(fd)) {
        close(fd);
        return false;
    }
    int r = connect(fd, (struct sockaddr *)&ss, (socklen_t)sl);
    if (r != 0 && errno != EINPROGRESS) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "connect to %s failed: %s", name ? name : "?", strerror(errno));
        close(fd);
        return false;
    }
    struct peer *p = peer_create(cm, fd, a, type, name, 0);
    p->added_id = added_id;
    if (r == 0) {
        peer_go_live(cm, p);
    } else {
        p->connecting = true;
        p->connect_start_us = cm_now_us();
        event_add(p->ev_write, NULL);
    }
    return true;
}

/* ---- inbound ------------------------------------------------------------------ */

static int cmp_ping(const void *a, const void *b)
{
    const struct peer *x = *(struct peer *const *)a, *y = *(struct peer *const *)b;
    return x->min_ping_us < y->min_ping_us ? -1 : x->min_ping_us > y->min_ping_us;
}

static int cmp_block(const void *a, const void *b)
{
    const struct peer *x = *(struct peer *const *)a, *y = *(struct peer *const *)b;
    return x->last_block_time > y->last_block_time ? -1 : x->last_block_time < y->last_block_time;
}

static int cmp_tx(const void *a, const void *b)
{
    const struct peer *x = *(struct peer *const *)a, *y = *(struct peer *const *)b;
    return x->last_tx_time > y->last_tx_time ? -1 : x->last_tx_time < y->last_tx_time;
}

static int cmp_age(const void *a, const void *b)
{
    const struct peer *x = *(struct peer *const *)a, *y = *(struct peer *const *)b;
    return x->connected_time < y->connected_time ? -1 : x->connected_time > y->connected_time;
}

/* Removes the first `keep` entries of a sorted candidate list. */
static void protect(struct peer **c, size_t *n, size_t keep, int (*cmp)(const void *, const void *))
{
    qsort(c, *n, sizeof(*c), cmp);
    size_t k = keep < *n ? keep : *n;
    memmove(c, c + k, (*n - k) * sizeof(*c));
    *n -= k;
}

/* Simplified Core eviction: protect low-ping, recent-block and recent-tx
 * peers and the older half; then evict the youngest of the largest net
 * group (discouraged peers first). Returns true if one was marked. Locked. */
static bool evict_one(struct connman *cm)
{
    struct peer **c = mem_alloc((cm->npeers + 1) * sizeof(*c));
    size_t n = 0;
    for (size_t i = 0; i < cm->npeers; i++) {
        struct peer *p = cm->peers[i];
        if (p->inbound && !p->disconnect && !peer_has_permission(p, PEER_PERM_NOBAN))
            c[n++] = p;
    }
    for (size_t i = 0; i < n; i++) {
        if (c[i]->prefer_evict) {
            struct peer *v = c[i];
            v->disconnect = true;
            snprintf(v->disconnect_reason, sizeof(v->disconnect_reason), "evicted (discouraged) for an inbound slot");
            mem_free(c);
            return true;
        }
    }
    protect(c, &n, 8, cmp_ping);
    protect(c, &n, 4, cmp_tx);
    protect(c, &n, 4, cmp_block);
    protect(c, &n, n / 2, cmp_age);
    if (n == 0) {
        mem_free(c);
        return false;
    }
    /* Largest net group; ties go to the group with the youngest member. */
    size_t best = 0, best_count = 0;
    int64_t best_young = INT64_MIN;
    for (size_t i = 0; i < n; i++) {
        size_t count = 0;
        int64_t young = INT64_MIN;
        for (size_t j = 0; j < n; j++) {
            if (c[j]->netgroup_len == c[i]->netgroup_len && memcmp(c[j]->netgroup, c[i]->netgroup, c[i]->netgroup_len) == 0) {
                count++;
                if (c[j]->connected_time > young)
                    young = c[j]->connected_time;
            }
        }
        if (count > best_count || (count == best_count && young > best_young)) {
            best = i;
            best_count = count;
            best_young = young;
        }
    }
    struct peer *victim = NULL;
    for (size_t j = 0; j < n; j++) {
        if (c[j]->netgroup_len == c[best]->netgroup_len &&
            memcmp(c[j]->netgroup, c[best]->netgroup, c[best]->netgroup_len) == 0 &&
            (!victim || c[j]->connected_time >= victim->connected_time))
            victim = c[j];
    }
    victim->disconnect = true;
    snprintf(victim->disconnect_reason, sizeof(victim->disconnect_reason), "evicted for an inbound slot");
    mem_free(c);
    return true;
}

static int count_kind(struct connman *cm, bool inbound_only, enum peer_conn_type type, bool by_type)
{
    int n = 0;
    for (size_t i = 0; i < cm->npeers; i++) {
        const struct peer *p = cm->peers[i];
        if (p->disconnect)
            continue;
        if (by_type ? p->type == type : p->inbound == inbound_only)
            n++;
    }
    return n;
}

struct accept_ctx {
    struct connman *cm;
    size_t index;
};

static void accept_one(struct connman *cm, struct cm_listener *l)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    evutil_socket_t fd = accept(l->fd, (struct sockaddr *)&ss, &sl);
    if (fd < 0)
        return;
    struct net_addr a;
    if (!net_addr_from_sockaddr(&a, (struct sockaddr *)&ss) || !set_nonblocking(fd)) {
        close(fd);
        return;
    }
    uint32_t perms = l->perms | whitelist_perms(cm, &a);
    bool noban = (perms & PEER_PERM_NOBAN) != 0;
    if (!cm->active) {
        close(fd);
        return;
    }
    if (!noban && cm->cb.is_banned && cm->cb.is_banned(cm->cb.ctx, &a)) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "connection from banned address dropped");
        close(fd);
        return;
    }
    bool discouraged = !noban && cm->cb.is_discouraged && cm->cb.is_discouraged(cm->cb.ctx, &a);
    cm_lock(cm);
    int inbound = count_kind(cm, true, PEER_INBOUND, false);
    bool ok = true;
    if (discouraged && inbound + 1 >= cm->max_inbound)
        ok = false;
    else if (inbound >= cm->max_inbound)
        ok = evict_one(cm);
    cm_unlock(cm);
    if (!ok) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "inbound slots full, connection dropped");
        close(fd);
        return;
    }
    struct peer *p = peer_create(cm, fd, &a, PEER_INBOUND, NULL, perms);
    p->prefer_evict = discouraged;
    peer_go_live(cm, p);
    if (cm->reap_ev)
        event_active(cm->reap_ev, EV_TIMEOUT, 0);
}

static void listener_cb(evutil_socket_t lfd, short what, void *arg)
{
    struct accept_ctx *ac = arg;
    (void)lfd;
    (void)what;
    accept_one(ac->cm, &ac->cm->listeners[ac->index]);
}

static bool bind_one(struct connman *cm, const struct net_addr *a, uint32_t perms, char *err, size_t errlen)
{
    struct sockaddr_storage ss;
    unsigned sl;
    char name[NET_ADDR_STRLEN];
    net_addr_to_string(name, a);
    if (!net_addr_to_sockaddr(&ss, &sl, a)) {
        snprintf(err, errlen, "Cannot bind to %s", name);
        return false;
    }
    evutil_socket_t fd = socket(ss.ss_family, SOCK_STREAM, 0);
    if (fd < 0) {
        snprintf(err, errlen, "Unable to bind to %s: %s", name, strerror(errno));
        return false;
    }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (ss.ss_family == AF_INET6)
        setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
    if (!set_nonblocking(fd) || bind(fd, (struct sockaddr *)&ss, (socklen_t)sl) != 0 || listen(fd, 128) != 0) {
        snprintf(err, errlen, "Unable to bind to %s on this computer (%s). hashmintd is probably already running.",
                 name, strerror(errno));
        close(fd);
        return false;
    }
    cm->listeners = mem_realloc(cm->listeners, (cm->nlisteners + 1) * sizeof(*cm->listeners));
    struct cm_listener *l = &cm->listeners[cm->nlisteners];
    memset(l, 0, sizeof(*l));
    l->fd = fd;
    l->addr = *a;
    l->perms = perms;
    struct accept_ctx *ac = mem_alloc(sizeof(*ac));
    ac->cm = cm;
    ac->index = cm->nlisteners++;
    l->ev = event_new(cm->base, fd, EV_READ | EV_PERSIST, listener_cb, ac);
    event_add(l->ev, NULL);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Bound to %s", name);
    return true;
}

/* ---- outbound ------------------------------------------------------------------ */

static bool connected_to(struct connman *cm, const struct net_addr *a, const char *name, int64_t added_id)
{
    for (size_t i = 0; i < cm->npeers; i++) {
        const struct peer *p = cm->peers[i];
        if (p->disconnect)
            continue;
        if ((added_id && p->added_id == added_id) || (name && !p->inbound && strcmp(p->addr_name, name) == 0))
            return true;
        if (a && net_addr_eq(&p->addr, a) && !p->inbound)
            return true;
    }
    return false;
}

static int count_manual(struct connman *cm)
{
    return count_kind(cm, false, PEER_MANUAL, true);
}

static void open_added(struct connman *cm, int64_t now)
{
    /* Locked throughout: the addnode RPC edits the list from other threads. */
    cm_lock(cm);
    for (size_t i = 0; i < cm->nadded; i++) {
        struct cm_added *e = &cm->added[i];
        if (e->done)
            continue;
        int64_t retry = e->kind == CM_ADDED_CONNECT ? 1 : cm->opt.addnode_retry;
        if (e->last_try && now - e->last_try < retry)
            continue;
        cm_lock(cm);
        bool busy = connected_to(cm, NULL, e->name, e->id);
        bool full = e->kind != CM_ADDED_SEED && count_manual(cm) >= CONNMAN_MAX_ADDNODE;
        cm_unlock(cm);
        if (busy || full)
            continue;
        e->last_try = now;
        if (e->kind == CM_ADDED_ONETRY || e->kind == CM_ADDED_SEED)
            e->done = true;
        struct net_addr a;
        if (!net_addr_resolve(&a, e->name, cm->opt.port)) {
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "cannot resolve %s", e->name);
            continue;
        }
        cm_lock(cm);
        busy = connected_to(cm, &a, NULL, 0);
        cm_unlock(cm);
        if (busy)
            continue;
        open_connection(cm, &a, e->kind == CM_ADDED_SEED ? PEER_ADDR_FETCH : PEER_MANUAL, e->name, e->id);
    }
    /* Forget finished one-shot entries. */
    size_t k = 0;
    for (size_t i = 0; i < cm->nadded; i++)
        if (!cm->added[i].done)
            cm->added[k++] = cm->added[i];
    cm->nadded = k;
    cm_unlock(cm);
}

static bool onlynet_ok(struct connman *cm, const struct net_addr *a)
{
    return cm->opt.onlynet == 0 || (cm->opt.onlynet & (1u << a->network)) != 0;
}

static void open_automatic(struct connman *cm)
{
    if (!cm->cb.select_address || cm->opt.n_connect > 0)
        return;
    cm_lock(cm);
    int full = count_kind(cm, false, PEER_OUTBOUND_FULL_RELAY, true);
    int block = count_kind(cm, false, PEER_BLOCK_RELAY_ONLY, true);
    cm_unlock(cm);
    bool block_relay;
    if (full < cm->max_full_relay)
        block_relay = false;
    else if (block < cm->max_block_relay)
        block_relay = true;
    else
        return;
    for (int tries = 0; tries < 10; tries++) {
        struct net_addr a;
        if (!cm->cb.select_address(cm->cb.ctx, &a, block_relay))
            return;
        if (!onlynet_ok(cm, &a) || (cm->cb.is_banned && cm->cb.is_banned(cm->cb.ctx, &a)))
            continue;
        uint8_t g[NET_ADDR_GROUP_MAX];
        size_t gl;
        net_addr_group(g, &gl, &a);
        bool skip = false;
        cm_lock(cm);
        for (size_t i = 0; i < cm->npeers && !skip; i++) {
            const struct peer *p = cm->peers[i];
            if (p->disconnect)
                continue;
            /* Already connected (loopback: same port, as test nodes share the host). */
            if (net_addr_eq(&p->addr, &a) || (!net_addr_is_local(&a) && net_addr_same_host(&p->addr, &a)))
                skip = true;
            /* One automatic outbound per net group (eclipse resistance), except local tests. */
            if ((p->type == PEER_OUTBOUND_FULL_RELAY || p->type == PEER_BLOCK_RELAY_ONLY) && !net_addr_is_local(&a) &&
                p->netgroup_len == gl && memcmp(p->netgroup, g, gl) == 0)
                skip = true;
        }
        cm_unlock(cm);
        if (skip)
            continue;
        char name[NET_ADDR_STRLEN];
        net_addr_to_string(name, &a);
        if (!open_connection(cm, &a, block_relay ? PEER_BLOCK_RELAY_ONLY : PEER_OUTBOUND_FULL_RELAY, name, 0) &&
            cm->cb.on_connect_failed)
            cm->cb.on_connect_failed(cm->cb.ctx, &a);
        return;
    }
}

/* ---- tick ---------------------------------------------------------------------- */

static void tick_cb(evutil_socket_t fd, short what, void *arg)
{
    struct connman *cm = arg;
    (void)fd;
    (void)what;
    int64_t now = cm_now(), now_us = cm_now_us();
    /* Snapshot ids so housekeeping may mark peers without invalidating the walk. */
    cm_lock(cm);
    bool ping_all = cm->ping_all;
    cm->ping_all = false;
    size_t n = cm->npeers;
    struct peer **list = mem_alloc((n + 1) * sizeof(*list));
    if (n)
        memcpy(list, cm->peers, n * sizeof(*list));
    cm_unlock(cm);
    for (size_t i = 0; i < n; i++) {
        if (ping_all && list[i]->handshake_done)
            list[i]->ping_queued = true;
        cm_peer_housekeeping(cm, list[i], now, now_us);
    }
    mem_free(list);
    cm_reap(cm);
    if (cm->active) {
        open_added(cm, now);
        open_automatic(cm);
    }
    if (cm->cb.on_tick)
        cm->cb.on_tick(cm->cb.ctx, now_us);
    cm_reap(cm);
}

bool connman_start(struct connman *cm, char *errbuf, size_t errlen)
{
    if (cm->started)
        return true;
    errbuf[0] = 0;
    if (cm->opt.listen) {
        for (size_t i = 0; i < cm->opt.n_binds; i++) {
            struct net_addr a;
            if (!net_addr_parse(&a, cm->opt.binds[i], cm->opt.port) || !bind_one(cm, &a, 0, errbuf, errlen))
                return false;
        }
        for (size_t i = 0; i < cm->nwhitebinds; i++)
            if (!bind_one(cm, &cm->whitebinds[i].subnet.base, cm->whitebinds[i].perms, errbuf, errlen))
                return false;
        if (cm->opt.n_binds == 0 && cm->nwhitebinds == 0) {
            struct net_addr any4, any6;
            static const uint8_t zero[16];
            net_addr_set_ipv4(&any4, zero, cm->opt.port);
            net_addr_from_v1(&any6, zero, cm->opt.port);
            char e6[256];
            bool ok6 = bind_one(cm, &any6, 0, e6, sizeof(e6));
            bool ok4 = bind_one(cm, &any4, 0, errbuf, errlen);
            if (!ok4 && !ok6)
                return false;
            errbuf[0] = 0;
        }
    }
    cm->tick_ev = event_new(cm->base, -1, EV_PERSIST, tick_cb, cm);
    struct timeval tv = { cm->opt.tick_ms / 1000, (cm->opt.tick_ms % 1000) * 1000 };
    event_add(cm->tick_ev, &tv);
    cm->started = true;
    /* First outbound attempts right away rather than a tick later. */
    event_active(cm->tick_ev, EV_TIMEOUT, 0);
    return true;
}

void cm_mark_all(struct connman *cm, const char *reason)
{
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++) {
        struct peer *p = cm->peers[i];
        if (!p->disconnect) {
            p->disconnect = true;
            snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "%s", reason);
        }
    }
    cm_unlock(cm);
}

void connman_stop(struct connman *cm)
{
    if (!cm)
        return;
    if (cm->tick_ev) {
        event_free(cm->tick_ev);
        cm->tick_ev = NULL;
    }
    for (size_t i = 0; i < cm->nlisteners; i++) {
        mem_free(event_get_callback_arg(cm->listeners[i].ev));
        event_free(cm->listeners[i].ev);
        close(cm->listeners[i].fd);
    }
    mem_free(cm->listeners);
    cm->listeners = NULL;
    cm->nlisteners = 0;
    cm_mark_all(cm, "shutdown");
    cm_reap(cm);
    cm->started = false;
}

void connman_free(struct connman *cm)
{
    if (!cm)
        return;
    connman_stop(cm);
    if (cm->reap_ev)
        event_free(cm->reap_ev);
    mem_free(cm->peers);
    mem_free(cm->whitelist);
    mem_free(cm->whitebinds);
    mem_free(cm->added);
    pthread_mutex_destroy(&cm->lock);
    mem_free(cm);
}
