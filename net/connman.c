/* The connection manager: sockets on libevent, v1 framing, handshake, ping,
 * timeouts, eviction and message dispatch. See net/connman.h. The outbound
 * and listening logic lives in connman_conn.c; this file has the per-peer
 * transport and the message processing. */
#include "net/connman.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <event2/event.h>

#include "net/connman_internal.h"
#include "net/messages.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"
#include "src/util/hex.h"
#include "src/util/log.h"

#define READ_CHUNK 65536
/* Largest feefilter Core accepts (MoneyRange: 21 million coins in base units). */

/* ---- small helpers ------------------------------------------------------- */

static void sanitize(char *out, size_t cap, const char *in)
{
    size_t n = 0;
    for (; *in && n + 1 < cap; in++)
        if ((unsigned char)*in >= 0x20 && (unsigned char)*in < 0x7f)
            out[n++] = *in;
    out[n] = 0;
}

static int64_t sat_sub(int64_t a, int64_t b)
{
    int64_t r;
    if (__builtin_sub_overflow(a, b, &r))
        return b < 0 ? INT64_MAX : INT64_MIN;
    return r;
}

void cm_lock(struct connman *cm) { pthread_mutex_lock(&cm->lock); }
void cm_unlock(struct connman *cm) { pthread_mutex_unlock(&cm->lock); }

/* ---- sending --------------------------------------------------------------- */

static bool send_locked(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    if (p->disconnect || p->fd < 0)
        return false;
    /* Reclaim the written prefix before it grows the buffer further. */
    if (p->sendq_off > 0 && (p->sendq_off == p->sendq.len || p->sendq_off > (1u << 20))) {
        memmove(p->sendq.data, p->sendq.data + p->sendq_off, p->sendq.len - p->sendq_off);
        p->sendq.len -= p->sendq_off;
        p->sendq_off = 0;
    }
    if (!net_message_frame(&p->sendq, cm->magic, command, payload, len))
        return false;
    p->msgs_sent++;
    p->bytes_sent_per_msg[net_msg_type_index(command)] += NET_HEADER_SIZE + (uint64_t)len; /* Core counts when queued */
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "sending %s (%zu bytes) peer=%lld", command, len, (long long)p->id);
    if (p->sendq.len - p->sendq_off > cm->opt.send_hard_limit) {
        p->disconnect = true;
        snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "send buffer full (peer does not read)");
        return false;
    }
    if (!p->connecting && p->ev_write)
        event_add(p->ev_write, NULL);
    return true;
}

bool connman_send(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    cm_lock(cm);
    bool ok = send_locked(cm, p, command, payload, len);
    cm_unlock(cm);
    return ok;
}

static bool send_wbuf(struct connman *cm, struct peer *p, const char *command, struct wbuf *w)
{
    bool ok = connman_send(cm, p, command, w->data, w->len);
    wbuf_clear(w);
    return ok;
}

void connman_disconnect(struct connman *cm, struct peer *p, const char *reason)
{
    cm_lock(cm);
    if (!p->disconnect) {
        p->disconnect = true;
        snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "%s", reason ? reason : "");
    }
    cm_unlock(cm);
    if (cm->reap_ev)
        event_active(cm->reap_ev, EV_TIMEOUT, 0);
}

bool connman_send_paused(struct connman *cm, const struct peer *p)
{
    cm_lock(cm);
    bool paused = p->sendq.len - p->sendq_off > cm->opt.send_soft_limit;
    cm_unlock(cm);
    return paused;
}

/* ---- handshake --------------------------------------------------------------- */

void cm_send_version(struct connman *cm, struct peer *p)
{
    struct net_msg_version v;
    memset(&v, 0, sizeof(v));
    v.version = NET_PROTOCOL_VERSION;
    v.services = cm->opt.local_services;
    v.timestamp = cm_now();
    v.recv_services = p->services;
    v.recv_addr = p->addr;
    v.from_services = cm->opt.local_services;
    v.from_addr.network = NET_ADDR_IPV6; /* Core sends an all-zero address */
    v.from_addr.len = 16;
    v.nonce = p->local_nonce;
    snprintf(v.user_agent, sizeof(v.user_agent), "%s", cm->opt.user_agent);
    v.start_height = cm->cb.start_height ? cm->cb.start_height(cm->cb.ctx) : 0;
    v.relay = !cm->opt.blocks_only && p->type != PEER_BLOCK_RELAY_ONLY;
    struct wbuf w;
    wbuf_init(&w);
    net_msg_version_serialize(&w, &v);
    p->version_sent = true;
    send_wbuf(cm, p, NET_CMD_VERSION, &w);
}

static bool is_self_nonce(struct connman *cm, uint64_t nonce)
{
    bool found = false;
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers && !found; i++)
        found = !cm->peers[i]->inbound && cm->peers[i]->local_nonce == nonce;
    cm_unlock(cm);
    return found;
}

static void handle_version(struct connman *cm, struct peer *p, const uint8_t *payload, size_t len)
{
    struct net_msg_version v;
    if (!net_msg_version_parse(&v, payload, len)) {
        connman_disconnect(cm, p, "malformed version message");
        return;
    }
    if (v.version < NET_MIN_PEER_PROTO_VERSION) {
        connman_disconnect(cm, p, "peer uses obsolete protocol version");
        return;
    }
    if (p->inbound && is_self_nonce(cm, v.nonce)) {
        connman_disconnect(cm, p, "connected to self");
        return;
    }
    bool expect_services = p->type == PEER_OUTBOUND_FULL_RELAY || p->type == PEER_BLOCK_RELAY_ONLY ||
                           p->type == PEER_ADDR_FETCH;
    if (expect_services && (!(v.services & NET_NODE_WITNESS) ||
                            !(v.services & (NET_NODE_NETWORK | NET_NODE_NETWORK_LIMITED)))) {
        connman_disconnect(cm, p, "peer does not offer the expected services");
        return;
    }
    cm_lock(cm);
    p->remote_version = v.version;
    p->version = v.version < NET_PROTOCOL_VERSION ? v.version : NET_PROTOCOL_VERSION;
    p->services = v.services;
    p->start_height = v.start_height;
    sanitize(p->user_agent, sizeof(p->user_agent), v.user_agent);
    p->relay_txs = v.relay && p->type != PEER_BLOCK_RELAY_ONLY;
    p->time_offset = sat_sub(v.timestamp, cm_now()); /* INT64_MIN/MAX timestamps saturate */
    p->version_received = true;
    cm_unlock(cm);
    if (p->inbound)
        cm_send_version(cm, p);
    /* BIP 339 and BIP 155 are negotiated between version and verack. */
    if (p->version >= NET_WTXID_RELAY_VERSION) {
        connman_send(cm, p, NET_CMD_WTXIDRELAY, NULL, 0);
        connman_send(cm, p, NET_CMD_SENDADDRV2, NULL, 0);
    }
    connman_send(cm, p, NET_CMD_VERACK, NULL, 0);
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "receive version message: %s: version %d, blocks=%d, peer=%lld",
               p->user_agent, p->remote_version, p->start_height, (long long)p->id);
}

static void handshake_complete(struct connman *cm, struct peer *p)
{
    p->handshake_done = true;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "New %s peer connected: version: %d, blocks=%d, peer=%lld (%s)",
               peer_conn_type_name(p->type), p->remote_version, p->start_height, (long long)p->id, p->addr_name);
    if (p->version >= NET_SENDHEADERS_VERSION)
        connman_send(cm, p, NET_CMD_SENDHEADERS, NULL, 0);
    if (cm->cb.local_feefilter && p->relay_txs && p->version >= NET_FEEFILTER_VERSION &&
        !peer_has_permission(p, PEER_PERM_FORCERELAY)) {
        int64_t fee = cm->cb.local_feefilter(cm->cb.ctx);
        if (fee > 0) {
            struct wbuf w;
            wbuf_init(&w);
            net_msg_feefilter_serialize(&w, fee);
            send_wbuf(cm, p, NET_CMD_FEEFILTER, &w);
        }
    }
    if (cm->cb.on_handshake_done)
        cm->cb.on_handshake_done(cm->cb.ctx, p);
}

/* ---- dispatch ------------------------------------------------------------------ */

static void bad_message(struct connman *cm, struct peer *p, const char *command)
{
    log_printf(LOG_NET, LOG_LEVEL_DEBUG, "peer=%lld sent an invalid %s message", (long long)p->id, command);
    if (cm->cb.on_bad_message)
        cm->cb.on_bad_message(cm->cb.ctx, p, command);
    else if (!peer_has_permission(p, PEER_PERM_NOBAN))
        connman_disconnect(cm, p, "invalid message");
}

/* Everything past the handshake and the keep-alive goes to the one owner of
 * message handling (net/peer_dispatch.c in the node). */
static void pass_on(struct connman *cm, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    if (!cm->cb.on_message) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "unknown message type %s from peer=%lld", command, (long long)p->id);
        return;
    }
    if (!cm->cb.on_message(cm->cb.ctx, p, command, payload, len))
        bad_message(cm, p, command);
}

static void handle_pong(struct connman *cm, struct peer *p, const uint8_t *payload, size_t len)
{
    uint64_t nonce;
    if (!net_msg_ping_parse(&nonce, payload, len)) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "short pong from peer=%lld", (long long)p->id);
        return;
    }
    if (p->ping_nonce == 0)
        return; /* unsolicited */
    if (nonce == p->ping_nonce) {
        int64_t rtt = cm_now_us() - p->ping_start_us;
        if (rtt < 0)
            rtt = 0;
        cm_lock(cm);
        p->last_ping_us = rtt;
        if (rtt < p->min_ping_us)
            p->min_ping_us = rtt;
        p->ping_nonce = 0;
        cm_unlock(cm);
    } else if (nonce == 0) {
        p->ping_nonce = 0; /* Core: a zero nonce cancels the ping */
    }
}

static void cm_dispatch(struct connman *cm, struct peer *p, const char *cmd, const uint8_t *payload, size_t len)
{
    if (!p->version_received) {
        if (strcmp(cmd, NET_CMD_VERSION) != 0)
            connman_disconnect(cm, p, "non-version message before version handshake");
        else
            handle_version(cm, p, payload, len);
        return;
    }
    if (strcmp(cmd, NET_CMD_VERSION) == 0) {
        /* Core ignores it (the first version stands) and keeps the peer. */
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "redundant version message from peer=%lld", (long long)p->id);
        return;
    }
    if (strcmp(cmd, NET_CMD_VERACK) == 0) {
        if (!p->verack_received) {
            p->verack_received = true;
            handshake_complete(cm, p);
        }
        return;
    }
    if (strcmp(cmd, NET_CMD_WTXIDRELAY) == 0 || strcmp(cmd, NET_CMD_SENDADDRV2) == 0) {
        if (p->verack_received) {
            connman_disconnect(cm, p, cmd[0] == 'w' ? "wtxidrelay received after verack"
                                                    : "sendaddrv2 received after verack");
            return;
        }
        if (cmd[0] == 'w') {
            if (p->version >= NET_WTXID_RELAY_VERSION)
                p->wtxid_relay = true;
        } else {
            p->wants_addrv2 = true;
        }
        return;
    }
    if (!p->handshake_done) {
        log_printf(LOG_NET, LOG_LEVEL_DEBUG, "unsupported message %s prior to verack from peer=%lld", cmd,
                   (long long)p->id);
        return;
    }
    if (strcmp(cmd, NET_CMD_PING) == 0) {
        uint64_t nonce;
        if (net_msg_ping_parse(&nonce, payload, len)) {
            struct wbuf w;
            wbuf_init(&w);
            net_msg_ping_serialize(&w, nonce);
            send_wbuf(cm, p, NET_CMD_PONG, &w);
        }
        return;
    }
    if (strcmp(cmd, NET_CMD_PONG) == 0) {
        handle_pong(cm, p, payload, len);
        return;
    }
    pass_on(cm, p, cmd, payload, len);
    if (p->type == PEER_ADDR_FETCH && (strcmp(cmd, NET_CMD_ADDR) == 0 || strcmp(cmd, NET_CMD_ADDRV2) == 0))
        connman_disconnect(cm, p, "addr-fetch done");
}

/* ---- receiving ------------------------------------------------------------------- */

static void reset_recv(struct peer *p)
{
    mem_free(p->payload);
    p->payload = NULL;
    p->payload_have = 0;
    p->payload_cap = 0;
    p->hdr_have = 0;
    p->skip_payload = false;
}

static bool paused(struct connman *cm, struct peer *p)
{
    return p->sendq.len - p->sendq_off > cm->opt.send_soft_limit;
}

/* Consumes bytes until they run out, the peer is to go, or its send queue is
 * over the soft limit. Returns how many bytes were used. */
static size_t feed(struct connman *cm, struct peer *p, const uint8_t *data, size_t n)
{
    size_t used = 0;
    while (used < n && !p->disconnect) {
        if (p->hdr_have < NET_HEADER_SIZE) {
            size_t k = NET_HEADER_SIZE - p->hdr_have;
            if (k > n - used)
                k = n - used;
            memcpy(p->hdr + p->hdr_have, data + used, k);
            p->hdr_have += k;
            used += k;
            if (p->hdr_have < NET_HEADER_SIZE)
                break;
            enum net_header_result hr = net_header_parse(&p->cur, p->hdr, cm->magic);
            if (hr == NET_HEADER_BAD_MAGIC) {
                char magic[2 * NET_MAGIC_SIZE + 1];
                hex_encode(magic, p->hdr, NET_MAGIC_SIZE);
                log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Header error: Wrong MessageStart %s received, peer=%lld", magic,
                           (long long)p->id);
                connman_disconnect(cm, p, "Header error: Wrong MessageStart");
                break;
            }
            if (hr == NET_HEADER_OVERSIZE) {
                char safe[NET_COMMAND_SIZE + 1], raw[NET_COMMAND_SIZE + 1];
                memcpy(raw, p->hdr + NET_MAGIC_SIZE, NET_COMMAND_SIZE);
                raw[NET_COMMAND_SIZE] = 0;
                sanitize(safe, sizeof(safe), raw);
                log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Header error: Size too large (%s, %u bytes), peer=%lld", safe,
                           (unsigned)le32_read(p->hdr + NET_MAGIC_SIZE + NET_COMMAND_SIZE), (long long)p->id);
                connman_disconnect(cm, p, "Header error: Size too large");
                break;
            }
            p->skip_payload = hr == NET_HEADER_BAD_COMMAND;
            p->payload_have = 0;
            p->payload_cap = 0;
        }
        size_t need = p->cur.length - p->payload_have;
        size_t k = need < n - used ? need : n - used;
        if (!p->skip_payload && k) {
            /* Grow with the bytes that actually arrived, so a header that
             * merely claims 4 MB costs nothing (doubling, capped by the length). */
            if (p->payload_have + k > p->payload_cap) {
                size_t cap = p->payload_cap ? p->payload_cap * 2 : 4096;
                if (cap < p->payload_have + k)
                    cap = p->payload_have + k;
                if (cap > p->cur.length)
                    cap = p->cur.length;
                p->payload = mem_realloc(p->payload, cap);
                p->payload_cap = cap;
            }
            memcpy(p->payload + p->payload_have, data + used, k);
        }
        p->payload_have += k;
        used += k;
        if (p->payload_have < p->cur.length)
            break;
        /* A whole message. */
        char cmd[NET_COMMAND_SIZE + 1];
        memcpy(cmd, p->cur.command, sizeof(cmd));
        uint8_t *payload = p->payload;
        size_t len = p->cur.length;
        bool skip = p->skip_payload;
        p->payload = NULL;
        reset_recv(p);
        cm_lock(cm);
        p->msgs_recv++;
        p->bytes_recv_per_msg[net_msg_type_index(cmd)] += NET_HEADER_SIZE + (uint64_t)len;
        cm_unlock(cm);
        if (skip) {
            char safe[NET_COMMAND_SIZE + 1];
            sanitize(safe, sizeof(safe), cmd);
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Header error: Invalid message type (%s, %zu bytes), peer=%lld",
                       safe, len, (long long)p->id);
        } else if (!net_checksum_ok(p->cur.checksum, payload, len)) {
            uint8_t want[NET_CHECKSUM_SIZE];
            char want_hex[2 * NET_CHECKSUM_SIZE + 1], was_hex[2 * NET_CHECKSUM_SIZE + 1];
            net_checksum(want, payload, len);
            hex_encode(want_hex, want, NET_CHECKSUM_SIZE);
            hex_encode(was_hex, p->cur.checksum, NET_CHECKSUM_SIZE);
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "Header error: Wrong checksum (%s, %zu bytes), expected %s was %s, peer=%lld",
                       cmd, len, want_hex, was_hex, (long long)p->id);
        } else {
            log_printf(LOG_NET, LOG_LEVEL_DEBUG, "received: %s (%zu bytes) peer=%lld", cmd, len, (long long)p->id);
            static const uint8_t empty[1];
            cm_dispatch(cm, p, cmd, payload ? payload : empty, len); /* never NULL for handlers */
        }
        mem_free(payload);
        if (paused(cm, p))
            break;
    }
    return used;
}

/* Runs the stash and, if not paused, re-arms reading. Event thread. */
static void cm_resume(struct connman *cm, struct peer *p)
{
    /* Pending getdata replies go before any further message of the peer
     * (Core: no ProcessMessage while vRecvGetData is non-empty). */
    if (cm->cb.on_send_ready && !p->disconnect && !paused(cm, p))
        cm->cb.on_send_ready(cm->cb.ctx, p);
    if (p->recv_stash.len > p->recv_stash_off && !p->disconnect && !paused(cm, p)) {
        size_t used = feed(cm, p, p->recv_stash.data + p->recv_stash_off, p->recv_stash.len - p->recv_stash_off);
        p->recv_stash_off += used;
    }
    if (p->recv_stash_off >= p->recv_stash.len) {
        wbuf_clear(&p->recv_stash);
        p->recv_stash_off = 0;
    }
    bool stop = p->disconnect || paused(cm, p) || p->recv_stash.len > 0;
    if (stop && !p->recv_paused) {
        event_del(p->ev_read);
        p->recv_paused = true;
    } else if (!stop && p->recv_paused) {
        event_add(p->ev_read, NULL);
        p->recv_paused = false;
    }
}

void cm_read_cb(evutil_socket_t fd, short what, void *arg)
{
    struct peer *p = arg;
    struct connman *cm = p->cm;
    uint8_t buf[READ_CHUNK];
    (void)what;
    if (p->disconnect) {
        cm_reap(cm);
        return;
    }
    ssize_t got = recv(fd, buf, sizeof(buf), 0);
    if (got == 0) {
        connman_disconnect(cm, p, "socket closed");
    } else if (got < 0) {
        if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
            char reason[64];
            snprintf(reason, sizeof(reason), "socket recv error: %s", strerror(errno));
            connman_disconnect(cm, p, reason);
        }
    } else {
        cm_lock(cm);
        p->bytes_recv += (uint64_t)got;
        cm->total_recv += (uint64_t)got;
        p->last_recv = cm_now();
        cm_unlock(cm);
        size_t used = feed(cm, p, buf, (size_t)got);
        if (used < (size_t)got && !p->disconnect)
            wbuf_put(&p->recv_stash, buf + used, (size_t)got - used); /* at most one chunk */
        cm_resume(cm, p);
    }
    if (p->disconnect)
        cm_reap(cm);
}

void cm_write_cb(evutil_socket_t fd, short what, void *arg)
{
    struct peer *p = arg;
    struct connman *cm = p->cm;
    (void)what;
    if (p->connecting) {
        cm_connect_done(cm, p);
        return;
    }
    bool was_paused;
    cm_lock(cm);
    was_paused = paused(cm, p);
    while (!p->disconnect && p->sendq_off < p->sendq.len) {
        ssize_t n = send(fd, p->sendq.data + p->sendq_off, p->sendq.len - p->sendq_off, MSG_NOSIGNAL);
        if (n > 0) {
            p->sendq_off += (size_t)n;
            p->bytes_sent += (uint64_t)n;
            cm->total_sent += (uint64_t)n;
            p->last_send = cm_now();
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            event_add(p->ev_write, NULL);
            break;
        }
        p->disconnect = true;
        snprintf(p->disconnect_reason, sizeof(p->disconnect_reason), "socket send error: %s",
                 n < 0 ? strerror(errno) : "closed");
    }
    if (p->sendq_off == p->sendq.len) {
        /* Give big buffers back once drained. */
        if (p->sendq.cap > (1u << 20))
            wbuf_clear(&p->sendq);
        p->sendq.len = 0;
        p->sendq_off = 0;
    }
    bool now_paused = paused(cm, p);
    cm_unlock(cm);
    if (p->disconnect) {
        cm_reap(cm);
        return;
    }
    if (was_paused && !now_paused)
        cm_resume(cm, p);
    if (p->disconnect)
        cm_reap(cm);
}

/* ---- iteration ----------------------------------------------------------- */

void connman_for_each_peer(struct connman *cm, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers; i++)
        if (cm->peers[i]->announced && !cm->peers[i]->disconnect)
            fn(ctx, cm->peers[i]);
    cm_unlock(cm);
}

bool connman_with_peer(struct connman *cm, int64_t id, void (*fn)(void *ctx, struct peer *p), void *ctx)
{
    bool found = false;
    cm_lock(cm);
    for (size_t i = 0; i < cm->npeers && !found; i++) {
        if (cm->peers[i]->id == id && cm->peers[i]->announced) {
            fn(ctx, cm->peers[i]);
            found = true;
        }
    }
    cm_unlock(cm);
    return found;
}

/* Periodic per-peer work: ping, timeouts. Event thread. */
void cm_peer_housekeeping(struct connman *cm, struct peer *p, int64_t now, int64_t now_us)
{
    if (p->disconnect)
        return;
    if (p->connecting) {
        if ((now_us - p->connect_start_us) / 1000 > cm->opt.connect_timeout_ms)
            cm_connect_failed(cm, p, "connect timeout");
        return;
    }
    if (!p->handshake_done) {
        if (now - p->connected_time > cm->opt.handshake_timeout)
            connman_disconnect(cm, p, "version handshake timeout");
        return;
    }
    if (now - p->connected_time > cm->opt.timeout) {
        if (p->last_send == 0 || p->last_recv == 0)
            connman_disconnect(cm, p, "socket no message in first timeout interval");
        else if (now - p->last_send > cm->opt.timeout)
            connman_disconnect(cm, p, "socket sending timeout");
        else if (now - p->last_recv > cm->opt.timeout)
            connman_disconnect(cm, p, "socket receive timeout");
        if (p->disconnect)
            return;
    }
    if (p->ping_nonce && now_us - p->ping_start_us > cm->opt.timeout * 1000000) {
        connman_disconnect(cm, p, "ping timeout");
        return;
    }
    if (!p->ping_nonce && (p->ping_queued || p->ping_start_us == 0 ||
                           now_us - p->ping_start_us > cm->opt.ping_interval * 1000000)) {
        uint64_t nonce = 0;
        while (nonce == 0)
            nonce = cm_random64();
        p->ping_queued = false;
        p->ping_nonce = nonce;
        p->ping_start_us = now_us;
        struct wbuf w;
        wbuf_init(&w);
        net_msg_ping_serialize(&w, nonce);
        send_wbuf(cm, p, NET_CMD_PING, &w);
    }
}
