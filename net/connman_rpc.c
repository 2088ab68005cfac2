/* The connection manager's views and controls for the RPCs (getpeerinfo,
 * getnettotals, disconnectnode, addnode, setnetworkactive, ...). Every
 * function here may be called from any thread: it takes the connman lock. */
#include <stdio.h>
#include <string.h>

#include <event2/event.h>

#include "net/connman_internal.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

/* ---- views for the RPCs ------------------------------------------------------------ */

void connman_get_stats(struct connman *cm, struct connman_peer_stats **out, size_t *n)
{
    int64_t now_us = cm_now_us();
    cm_lock(cm);
    struct connman_peer_stats *s = mem_calloc(cm->npeers + 1, sizeof(*s));
    size_t k = 0;
    for (size_t i = 0; i < cm->npeers; i++) {
        const struct peer *p = cm->peers[i];
        if (!p->announced || p->disconnect)
            continue;
        struct connman_peer_stats *t = &s[k++];
        t->id = p->id;
        snprintf(t->addr, sizeof(t->addr), "%s", p->addr_name);
        net_addr_to_string(t->addr_local, &p->local_addr);
        t->net_addr = p->addr;
        t->type = p->type;
        t->inbound = p->inbound;
        t->permissions = p->permissions;
        t->services = p->services;
        t->relay_txs = p->relay_txs;
        t->last_send = p->last_send;
        t->last_recv = p->last_recv;
        t->connected_time = p->connected_time;
        t->time_offset = p->time_offset;
        t->bytes_sent = p->bytes_sent;
        t->bytes_recv = p->bytes_recv;
        memcpy(t->bytes_sent_per_msg, p->bytes_sent_per_msg, sizeof(t->bytes_sent_per_msg));
        memcpy(t->bytes_recv_per_msg, p->bytes_recv_per_msg, sizeof(t->bytes_recv_per_msg));
        t->last_ping_us = p->last_ping_us;
        t->min_ping_us = p->min_ping_us == INT64_MAX ? -1 : p->min_ping_us;
        t->ping_wait_us = p->ping_nonce ? now_us - p->ping_start_us : -1;
        t->version = p->remote_version;
        snprintf(t->user_agent, sizeof(t->user_agent), "%s", p->user_agent);
        t->start_height = p->start_height;
        t->handshake_done = p->handshake_done;
        t->wtxid_relay = p->wtxid_relay;
        t->wants_addrv2 = p->wants_addrv2;
        t->prefer_headers = p->prefer_headers;
        t->fee_filter = p->fee_filter;
        t->last_block_time = p->last_block_time;
        t->last_tx_time = p->last_tx_time;
    }
    cm_unlock(cm);
    *out = s;
    *n = k;
}

size_t connman_count(struct connman *cm, enum connman_count_kind kind)
{
    size_t n = 0;
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++) {
        const struct peer *p = cm->peers[i];
        if (!p->announced || p->disconnect)
            continue;
        if (kind == CONNMAN_COUNT_ALL || (kind == CONNMAN_COUNT_IN) == p->inbound)
            n++;
    }
    cm_unlock(cm);
    return n;
}

void connman_get_totals(struct connman *cm, uint64_t *recv, uint64_t *sent)
{
    cm_lock(cm);
    *recv = cm->total_recv;
    *sent = cm->total_sent;
    cm_unlock(cm);
}

static void wake_reaper(struct connman *cm)
{
    if (cm->reap_ev)
        event_active(cm->reap_ev, EV_TIMEOUT, 0);
}

bool connman_disconnect_id(struct connman *cm, int64_t id)
{
    bool found = false;
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++) {
        struct peer *p = cm->peers[i];
        if (p->id == id && !p->disconnect) {
            p->disconnect = true;
            snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "disconnectnode");
            found = true;
        }
    }
    cm_unlock(cm);
    wake_reaper(cm);
    return found;
}

bool connman_disconnect_addr(struct connman *cm, const char *addr)
{
    struct net_addr a;
    bool have_addr = net_addr_parse(&a, addr, 0);
    bool with_port = have_addr && (strrchr(addr, ':') && (addr[0] != '[' || strstr(addr, "]:")) &&
                                   !(addr[0] != '[' && strchr(addr, ':') != strrchr(addr, ':')));
    bool found = false;
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++) {
        struct peer *p = cm->peers[i];
        if (p->disconnect)
            continue;
        bool match = strcmp(p->addr_name, addr) == 0 ||
                     (have_addr && net_addr_same_host(&p->addr, &a) && (!with_port || p->addr.port == a.port));
        if (match) {
            p->disconnect = true;
            snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "disconnectnode");
            found = true;
        }
    }
    cm_unlock(cm);
    wake_reaper(cm);
    return found;
}

void connman_disconnect_subnet(struct connman *cm, const struct net_subnet *sn)
{
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++) {
        struct peer *p = cm->peers[i];
        if (!p->disconnect && net_subnet_match(sn, &p->addr)) {
            p->disconnect = true;
            snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "banned");
        }
    }
    cm_unlock(cm);
    wake_reaper(cm);
}

void connman_ping_all(struct connman *cm)
{
    cm_lock(cm);
    cm->ping_all = true;
    cm_unlock(cm);
}

void connman_set_network_active(struct connman *cm, bool active)
{
    cm_lock(cm);
    bool was = cm->active;
    cm->active = active;
    cm_unlock(cm);
    if (was && !active) {
        cm_mark_all(cm, "network disabled");
        wake_reaper(cm);
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "SetNetworkActive: %s", active ? "true" : "false");
}

bool connman_network_active(struct connman *cm)
{
    cm_lock(cm);
    bool a = cm->active;
    cm_unlock(cm);
    return a;
}

int connman_addnode(struct connman *cm, const char *node, enum connman_addnode_op op)
{
    int rc = 0;
    cm_lock(cm);
    size_t i = 0;
    for (; i < cm->nadded; i++)
        if (cm->added[i].kind == CM_ADDED_ADDNODE && strcmp(cm->added[i].name, node) == 0)
            break;
    if (op == CONNMAN_ADDNODE_ADD) {
        if (i < cm->nadded)
            rc = -23;
        else
            cm_add_entry(cm, node, CM_ADDED_ADDNODE);
    } else if (op == CONNMAN_ADDNODE_REMOVE) {
        if (i == cm->nadded)
            rc = -24;
        else
            memmove(&cm->added[i], &cm->added[i + 1], (cm->nadded-- - i - 1) * sizeof(*cm->added));
    } else {
        cm_add_entry(cm, node, CM_ADDED_ONETRY);
    }
    cm_unlock(cm);
    /* The loop thread opens it at the next tick (any thread may call this). */
    return rc;
}

void connman_get_added(struct connman *cm, struct connman_added_info **out, size_t *n)
{
    cm_lock(cm);
    struct connman_added_info *v = mem_calloc(cm->nadded + 1, sizeof(*v));
    size_t k = 0;
    for (size_t i = 0; i < cm->nadded; i++) {
        const struct cm_added *e = &cm->added[i];
        if (e->kind != CM_ADDED_ADDNODE)
            continue;
        struct connman_added_info *t = &v[k++];
        snprintf(t->node, sizeof(t->node), "%s", e->name);
        struct net_addr a;
        bool have = net_addr_parse(&a, e->name, cm->opt.port);
        for (size_t j = 0; j < cm->npeers; j++) {
            const struct peer *p = cm->peers[j];
            if (!p->announced || p->disconnect)
                continue;
            if (p->added_id == e->id || (have && net_addr_eq(&p->addr, &a))) {
                t->connected = true;
                net_addr_to_string(t->addr, &p->addr);
                t->inbound = p->inbound;
                break;
            }
        }
    }
    cm_unlock(cm);
    *out = v;
    *n = k;
}

uint64_t connman_local_services(struct connman *cm) { return cm->opt.local_services; }

size_t connman_listen_addrs(struct connman *cm, struct net_addr *out, size_t max)
{
    size_t k = 0;
    for (size_t i = 0; i < cm->nlisteners && k < max; i++)
        out[k++] = cm->listeners[i].addr;
    return k;
}
