#ifndef HASHMINT_NET_CONNMAN_INTERNAL_H
#define HASHMINT_NET_CONNMAN_INTERNAL_H
/* Shared between connman.c (transport, dispatch) and connman_conn.c
 * (sockets, outbound policy, eviction, RPC views). Not for other modules. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include <event2/util.h>

#include "net/connman.h"

struct event;

struct cm_listener {
    evutil_socket_t fd;
    struct event *ev;
    struct net_addr addr;
    uint32_t perms; /* -whitebind permissions */
};

enum cm_added_kind { CM_ADDED_CONNECT, CM_ADDED_ADDNODE, CM_ADDED_ONETRY, CM_ADDED_SEED };

struct cm_added {
    int64_t id;          /* unique; peer->added_id refers to it */
    char name[256];
    enum cm_added_kind kind;
    int64_t last_try;    /* seconds; 0 = never */
    bool done;           /* onetry/seed: attempted */
};

struct cm_white {
    struct net_subnet subnet;
    uint32_t perms;
};

struct connman {
    struct event_base *base;
    struct connman_options opt;
    struct connman_callbacks cb;
    uint8_t magic[NET_MAGIC_SIZE];
    pthread_mutex_t lock; /* recursive */

    struct peer **peers;
    size_t npeers, peers_cap;
    int64_t next_id;

    struct cm_listener *listeners;
    size_t nlisteners;
    struct cm_white *whitelist;
    size_t nwhitelist;
    struct cm_white *whitebinds; /* subnet.base is the bind address (with port) */
    size_t nwhitebinds;

    struct cm_added *added;
    size_t nadded;
    int64_t next_added_id;

    struct event *tick_ev;
    struct event *reap_ev;
    bool started;
    bool active;
    bool ping_all;
    int max_inbound;
    int max_full_relay;
    int max_block_relay;
    uint64_t total_recv, total_sent;
};

void cm_lock(struct connman *cm);
void cm_unlock(struct connman *cm);
int64_t cm_now(void);
int64_t cm_now_us(void);
uint64_t cm_random64(void);

void cm_send_version(struct connman *cm, struct peer *p);
void cm_read_cb(evutil_socket_t fd, short what, void *arg);
void cm_write_cb(evutil_socket_t fd, short what, void *arg);
void cm_peer_housekeeping(struct connman *cm, struct peer *p, int64_t now, int64_t now_us);
void cm_connect_done(struct connman *cm, struct peer *p);
void cm_connect_failed(struct connman *cm, struct peer *p, const char *why);
/** Appends an -addnode/-connect/-seednode/onetry entry. Locked. */
void cm_add_entry(struct connman *cm, const char *name, enum cm_added_kind kind);
/** Marks every peer for disconnection with a reason. */
void cm_mark_all(struct connman *cm, const char *reason);
/** Closes and frees every peer marked for disconnection. Event thread, never inside a handler. */
void cm_reap(struct connman *cm);

#endif
