#include "src/zmq/zmq_notifier.h"

#include <arpa/inet.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "consensus/block.h"
#include "consensus/tx.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "src/util/wbuf.h"
#include "src/zmq/zmq_issuance.h"

static const char *const topic_names[ZMQ_TOPIC_COUNT] = { "hashblock", "hashtx", "rawblock", "rawtx", "sequence",
                                                                  "issuance" };

const char *zmq_topic_name(enum zmq_topic t)
{
    return (unsigned)t < ZMQ_TOPIC_COUNT ? topic_names[t] : "";
}

bool zmq_endpoint_is_local(const char *address)
{
    if (!strncmp(address, "ipc://", 6) || !strncmp(address, "inproc://", 9))
        return true;
    const char *host;
    if (!strncmp(address, "tcp://", 6))
        host = address + 6;
    else if (!strncmp(address, "ws://", 5))
        host = address + 5;
    else
        return false; /* pgm, epgm, udp, ...: network transports */
    /* tcp://<interface>:<port>; a source part ("src;dst") binds nothing: refuse it here. */
    const char *colon = strrchr(host, ':');
    if (!colon || strchr(host, ';') || strchr(host, '/'))
        return false;
    char name[INET6_ADDRSTRLEN + 3];
    size_t len = (size_t)(colon - host);
    if (len >= 2 && host[0] == '[' && host[len - 1] == ']') {
        host++;
        len -= 2;
    }
    if (len == 0 || len >= sizeof(name))
        return false;
    memcpy(name, host, len);
    name[len] = 0;
    if (!strcmp(name, "localhost") || !strcmp(name, "lo"))
        return true;
    uint8_t a[16];
    if (inet_pton(AF_INET, name, a) == 1)
        return a[0] == 127;
    if (inet_pton(AF_INET6, name, a) == 1) {
        static const uint8_t loop6[16] = { [15] = 1 };
        static const uint8_t mapped[12] = { [10] = 0xff, [11] = 0xff };
        return !memcmp(a, loop6, 16) || (!memcmp(a, mapped, 12) && a[12] == 127);
    }
    return false; /* "*", an interface name, a host name: possibly reachable from elsewhere */
}

/* One configured (topic, address): its own message counter. */
struct publisher {
    enum zmq_topic topic;
    char *address;
    int hwm;
    void *socket; /* shared with other publishers on the same address; owned by sockets[] */
    uint32_t sequence;
};

struct zmq_notifier {
    void *zctx;
    struct publisher *pubs; /* sorted by topic, then configuration order */
    size_t pub_count;
    void **sockets; /* distinct sockets, closed at free */
    size_t socket_count;
    struct chainstate *cs;
    struct events *ev;
    int sub_id;
    pthread_mutex_t mu; /* ZMQ sockets are not thread-safe; events come from several threads */
};

static void close_all(struct zmq_notifier *z)
{
    for (size_t i = 0; i < z->socket_count; i++) {
        int linger = 0;
        zmq_setsockopt(z->sockets[i], ZMQ_LINGER, &linger, sizeof(linger));
        zmq_close(z->sockets[i]);
    }
    z->socket_count = 0;
    if (z->zctx)
        zmq_ctx_term(z->zctx);
    z->zctx = NULL;
}

struct zmq_notifier *zmq_notifier_new(const struct zmq_endpoint *eps, size_t count, struct chainstate *cs,
                                      char *err, size_t errlen)
{
    struct zmq_notifier *z = mem_calloc(1, sizeof(*z));
    pthread_mutex_init(&z->mu, NULL);
    z->cs = cs;
    z->pubs = mem_calloc(count ? count : 1, sizeof(*z->pubs));
    z->sockets = mem_calloc(count ? count : 1, sizeof(*z->sockets));
    /* Topic order, then the order given (Core's getzmqnotifications order). */
    for (int t = 0; t < ZMQ_TOPIC_COUNT; t++)
        for (size_t i = 0; i < count; i++)
            if ((int)eps[i].topic == t) {
                struct publisher *p = &z->pubs[z->pub_count++];
                p->topic = eps[i].topic;
                p->address = mem_strdup(eps[i].address);
                p->hwm = eps[i].hwm < 0 ? 0 : eps[i].hwm;
            }
    if (z->pub_count != count) {
        snprintf(err, errlen, "Unknown ZMQ topic");
        goto fail;
    }
    z->zctx = zmq_ctx_new();
    if (!z->zctx) {
        snprintf(err, errlen, "Unable to initialize ZMQ context: %s", zmq_strerror(zmq_errno()));
        goto fail;
    }
    for (size_t i = 0; i < z->pub_count; i++) {
        struct publisher *p = &z->pubs[i];
        for (size_t j = 0; j < i; j++)
            if (!strcmp(z->pubs[j].address, p->address)) {
                p->socket = z->pubs[j].socket; /* Core: "Reusing socket for address" */
                break;
            }
        if (p->socket)
            continue;
        void *s = zmq_socket(z->zctx, ZMQ_PUB);
        if (!s) {
            snprintf(err, errlen, "Unable to create ZMQ socket: %s", zmq_strerror(zmq_errno()));
            goto fail;
        }
        z->sockets[z->socket_count++] = s;
        int one = 1;
        zmq_setsockopt(s, ZMQ_SNDHWM, &p->hwm, sizeof(p->hwm));
        zmq_setsockopt(s, ZMQ_TCP_KEEPALIVE, &one, sizeof(one));
        zmq_setsockopt(s, ZMQ_IPV6, &one, sizeof(one));
        if (zmq_bind(s, p->address) != 0) {
            snprintf(err, errlen, "Unable to bind ZMQ socket to %s: %s", p->address, zmq_strerror(zmq_errno()));
            goto fail;
        }
        p->socket = s;
        log_printf(LOG_ZMQ, LOG_LEVEL_DEBUG, "zmq: Outbound message high water mark for %s at %s is %d",
                   topic_names[p->topic], p->address, p->hwm);
        if (!zmq_endpoint_is_local(p->address))
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
                       "zmq: %s is not a loopback or ipc:// address: ZeroMQ does no authentication, anyone who "
                       "can reach it receives the notifications (bind to tcp://127.0.0.1 or ipc:// instead)",
                       p->address);
    }
    for (size_t i = 0; i < z->pub_count; i++)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "zmq: Notifier pub%s ready (address = %s)", topic_names[z->pubs[i].topic],
                   z->pubs[i].address);
    return z;
fail:
    log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "zmq: %s", err);
    close_all(z);
    for (size_t i = 0; i < z->pub_count; i++)
        mem_free(z->pubs[i].address);
    mem_free(z->pubs);
    mem_free(z->sockets);
    pthread_mutex_destroy(&z->mu);
    mem_free(z);
    return NULL;
}

json_t *zmq_notifier_list(const struct zmq_notifier *z)
{
    json_t *arr = json_array();
    for (size_t i = 0; z && i < z->pub_count; i++) {
        char type[32];
        snprintf(type, sizeof(type), "pub%s", topic_names[z->pubs[i].topic]);
        json_array_append_new(arr, json_pack("{s:s, s:s, s:i}", "type", type, "address", z->pubs[i].address, "hwm",
                                             z->pubs[i].hwm));
    }
    return arr;
}

/* ---- sending ------------------------------------------------------------------ */

/* Sends [topic | body | sequence LE32] on p's socket; the counter advances
 * whether or not the send succeeds, so a subscriber sees the gap. */
static void send_msg(struct publisher *p, const void *body, size_t len)
{
    uint8_t seq[4] = { (uint8_t)p->sequence, (uint8_t)(p->sequence >> 8), (uint8_t)(p->sequence >> 16),
                       (uint8_t)(p->sequence >> 24) };
    const char *topic = topic_names[p->topic];
    if (zmq_send(p->socket, topic, strlen(topic), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(p->socket, body, len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0 ||
        zmq_send(p->socket, seq, sizeof(seq), ZMQ_DONTWAIT) < 0)
        log_printf(LOG_ZMQ, LOG_LEVEL_WARNING, "zmq: send %s to %s failed: %s", topic, p->address,
                   zmq_strerror(zmq_errno()));
    p->sequence++;
}

static void publish(struct zmq_notifier *z, enum zmq_topic t, const void *body, size_t len)
{
    for (size_t i = 0; i < z->pub_count; i++)
        if (z->pubs[i].topic == t)
            send_msg(&z->pubs[i], body, len);
}

static bool wants(const struct zmq_notifier *z, enum zmq_topic t)
{
    for (size_t i = 0; i < z->pub_count; i++)
        if (z->pubs[i].topic == t)
            return true;
    return false;
}

static void reversed(uint8_t out[32], const struct hash256 *h)
{
    for (int i = 0; i < 32; i++)
        out[31 - i] = h->b[i];
}

/* hashtx + rawtx for one transaction (Core's NotifyTransaction). */
static void notify_tx(struct zmq_notifier *z, const struct tx *tx)
{
    if (wants(z, ZMQ_TOPIC_HASHTX)) {
        uint8_t h[32];
        reversed(h, &tx->txid);
        publish(z, ZMQ_TOPIC_HASHTX, h, 32);
    }
    if (wants(z, ZMQ_TOPIC_RAWTX)) {
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, tx, true);
        publish(z, ZMQ_TOPIC_RAWTX, w.data, w.len);
        wbuf_clear(&w);
    }
}

static void notify_sequence(struct zmq_notifier *z, const struct hash256 *hash, char label, bool with_seq,
                            uint64_t mempool_seq)
{
    if (!wants(z, ZMQ_TOPIC_SEQUENCE))
        return;
    uint8_t body[32 + 1 + 8];
    reversed(body, hash);
    body[32] = (uint8_t)label;
    for (int i = 0; i < 8; i++)
        body[33 + i] = (uint8_t)(mempool_seq >> (8 * i));
    publish(z, ZMQ_TOPIC_SEQUENCE, body, with_seq ? sizeof(body) : 33);
}

static void on_block_connected(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct zmq_notifier *z = ctx;
    pthread_mutex_lock(&z->mu);
    for (size_t i = 0; i < b->tx_count; i++)
        notify_tx(z, &b->txs[i]);
    notify_sequence(z, &idx->hash, 'C', false, 0);
    pthread_mutex_unlock(&z->mu);
}

static void on_block_disconnected(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct zmq_notifier *z = ctx;
    pthread_mutex_lock(&z->mu);
    /* Core announces the disconnected block's transactions too. */
    for (size_t i = 0; i < b->tx_count; i++)
        notify_tx(z, &b->txs[i]);
    notify_sequence(z, &idx->hash, 'D', false, 0);
    pthread_mutex_unlock(&z->mu);
}

static void on_updated_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork,
                           bool initial_download)
{
    struct zmq_notifier *z = ctx;
    /* Core: nothing during IBD or when blocks were only disconnected. */
    if (initial_download || !new_tip || new_tip == fork)
        return;
    pthread_mutex_lock(&z->mu);
    if (wants(z, ZMQ_TOPIC_HASHBLOCK)) {
        uint8_t h[32];
        reversed(h, &new_tip->hash);
        publish(z, ZMQ_TOPIC_HASHBLOCK, h, 32);
    }
    if (wants(z, ZMQ_TOPIC_RAWBLOCK)) {
        uint8_t *data = NULL;
        size_t len = 0;
        if (z->cs && chainstate_read_block_raw(z->cs, &data, &len, new_tip)) {
            publish(z, ZMQ_TOPIC_RAWBLOCK, data, len);
        } else {
            /* Core logs and skips the message when the block cannot be read. */
            char hex[65];
            hash256_to_hex(hex, &new_tip->hash);
            log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "zmq: Can't read block %s from disk", hex);
        }
        mem_free(data);
    }
    pthread_mutex_unlock(&z->mu);
}

static void on_tx_added(void *ctx, const struct tx *tx, uint64_t mempool_sequence)
{
    struct zmq_notifier *z = ctx;
    pthread_mutex_lock(&z->mu);
    notify_tx(z, tx);
    notify_sequence(z, &tx->txid, 'A', true, mempool_sequence);
    pthread_mutex_unlock(&z->mu);
}

static void on_tx_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason reason,
                          uint64_t mempool_sequence)
{
    struct zmq_notifier *z = ctx;
    if (reason == MEMPOOL_REMOVAL_BLOCK) /* covered by the block's messages */
        return;
    pthread_mutex_lock(&z->mu);
    notify_sequence(z, &tx->txid, 'R', true, mempool_sequence);
    pthread_mutex_unlock(&z->mu);
}

static void on_issuance_tx(void *ctx, const struct tx *tx, const struct issuance_effects *fx,
                           const struct block_index *idx, bool connected)
{
    struct zmq_notifier *z = ctx;
    if (!wants(z, ZMQ_TOPIC_ISSUANCE) || !z->cs)
        return;
    json_t *events = zmq_issuance_events(chainstate_params(z->cs), tx, fx, &idx->hash, idx->height, connected);
    pthread_mutex_lock(&z->mu);
    for (size_t i = 0; i < json_array_size(events); i++) {
        char *body = json_dumps(json_array_get(events, i), JSON_COMPACT | JSON_PRESERVE_ORDER);
        if (body)
            publish(z, ZMQ_TOPIC_ISSUANCE, body, strlen(body));
        free(body);
    }
    pthread_mutex_unlock(&z->mu);
    json_decref(events);
}

void zmq_notifier_subscribe(struct zmq_notifier *z, struct events *ev)
{
    if (z->ev)
        return;
    struct events_subscriber sub = {
        .ctx = z,
        .block_connected = on_block_connected,
        .block_disconnected = on_block_disconnected,
        .updated_block_tip = on_updated_tip,
        .tx_added_to_mempool = on_tx_added,
        .tx_removed_from_mempool = on_tx_removed,
        .issuance_tx = on_issuance_tx,
    };
    z->ev = ev;
    z->sub_id = events_subscribe(ev, &sub);
}

void zmq_notifier_free(struct zmq_notifier *z)
{
    if (!z)
        return;
    if (z->ev)
        events_unsubscribe(z->ev, z->sub_id);
    close_all(z);
    for (size_t i = 0; i < z->pub_count; i++)
        mem_free(z->pubs[i].address);
    mem_free(z->pubs);
    mem_free(z->sockets);
    pthread_mutex_destroy(&z->mu);
    mem_free(z);
}
