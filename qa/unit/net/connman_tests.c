/* Two connection managers on loopback in one event loop, plus a raw socket
 * client for the transport's reactions to malformed input. */
#include "net/connman.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "net/messages.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

static const uint8_t MAGIC[4] = { 0xfa, 0xbf, 0xb5, 0xda };

struct side {
    int connected, handshakes, disconnected;
    int hellos;
    uint8_t last[16];
    size_t last_len;
    int64_t last_peer;
    int ticks;
};

static void on_connected(void *ctx, struct peer *p) { ((struct side *)ctx)->connected++; (void)p; }
static void on_handshake(void *ctx, struct peer *p)
{
    ((struct side *)ctx)->handshakes++;
    ((struct side *)ctx)->last_peer = p->id;
}
static void on_disconnected(void *ctx, struct peer *p) { ((struct side *)ctx)->disconnected++; (void)p; }
static void on_tick(void *ctx, int64_t now) { ((struct side *)ctx)->ticks++; (void)now; }
static int32_t height(void *ctx) { (void)ctx; return 42; }

/* on_message: the test's only command is "hello" (others are ignored). */
static bool hello_handler(void *ctx, struct peer *p, const char *command, const uint8_t *payload, size_t len)
{
    struct side *s = ctx;
    if (strcmp(command, "hello") != 0)
        return true;
    s->hellos++;
    s->last_len = len < sizeof(s->last) ? len : sizeof(s->last);
    memcpy(s->last, payload, s->last_len);
    (void)p;
    return len != 0; /* an empty hello "misbehaves" */
}

/* A port nothing listens on, from a block of ports below the ephemeral range
 * that this process owns (qa/functional/framework.py's scheme: the block is
 * held by an flock on /tmp/hashmint-test-ports/block-N, tried from
 * HASHMINT_PORT_SEED, else the pid), so parallel tests and outgoing
 * connections never take it. k: the k-th port. */
static uint16_t test_port(int k)
{
    enum { PORT_MIN = 11000, PORT_RANGE = 400 };
    static int base = -1;
    if (base < 0) {
        int ephemeral_low = 32768;
        FILE *f = fopen("/proc/sys/net/ipv4/ip_local_port_range", "r");
        if (f) {
            if (fscanf(f, "%d", &ephemeral_low) != 1)
                ephemeral_low = 32768;
            fclose(f);
        }
        int blocks = (ephemeral_low - PORT_MIN) / PORT_RANGE;
        if (blocks < 1)
            blocks = 1;
        const char *env = getenv("HASHMINT_PORT_SEED");
        long seed = env ? strtol(env, NULL, 10) : (long)getpid();
        const char *tmp = getenv("TMPDIR");
        char dir[256], path[300];
        snprintf(dir, sizeof(dir), "%s/hashmint-test-ports", tmp && *tmp ? tmp : "/tmp");
        mkdir(dir, 0777);
        for (int i = 0; i < blocks && base < 0; i++) {
            int b = (int)((seed + i) % blocks);
            snprintf(path, sizeof(path), "%s/block-%d", dir, b);
            int fd = open(path, O_CREAT | O_RDWR, 0666);
            if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0)
                base = PORT_MIN + b * PORT_RANGE; /* fd stays open: the lock lasts until exit */
            else if (fd >= 0)
                close(fd);
        }
        ck_assert_msg(base >= 0, "all port blocks are taken by other test processes");
    }
    /* The last 100 ports of the block: framework.py hands out ports from its start. */
    for (int p = base + PORT_RANGE - 100 + k * 20; p < base + PORT_RANGE; p++) {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        struct sockaddr_in sa;
        memset(&sa, 0, sizeof(sa));
        sa.sin_family = AF_INET;
        sa.sin_port = htons((uint16_t)p);
        sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        int one = 1;
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
        int ok = bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0;
        close(fd);
        if (ok)
            return (uint16_t)p;
    }
    ck_abort_msg("no free test port in %d..%d", base, base + PORT_RANGE - 1);
    return 0;
}

static void pump(struct event_base *base, int ms, int (*done)(void *), void *arg)
{
    struct timespec ts = { 0, 2000000 };
    for (int i = 0; i < ms / 2; i++) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        if (done && done(arg))
            return;
        nanosleep(&ts, NULL);
    }
}

struct pair {
    struct side a, b;
};
static int both_handshaken(void *arg)
{
    struct pair *p = arg;
    return p->a.handshakes >= 1 && p->b.handshakes >= 1;
}
static int got_hello(void *arg) { return ((struct side *)arg)->hellos > 0; }
static int a_disconnected(void *arg) { return ((struct pair *)arg)->a.disconnected > 0; }

struct send_ctx {
    struct connman *cm;
    const char *cmd;
    const uint8_t *payload;
    size_t len;
    int sent;
};
static void send_each(void *ctx, struct peer *p)
{
    struct send_ctx *s = ctx;
    if (p->handshake_done && connman_send(s->cm, p, s->cmd, s->payload, s->len))
        s->sent++;
}

static int g_max_connections = CONNMAN_DEFAULT_MAX_CONNECTIONS;
static int64_t g_handshake_timeout = 60;
static size_t g_hard_limit = PEER_SEND_HARD_LIMIT;

static struct connman *make(struct event_base *base, struct side *s, bool listen, uint16_t port, const char *bind,
                            const char *connect)
{
    static const char *binds[2], *connects[2];
    struct connman_options o;
    connman_options_default(&o);
    o.max_connections = g_max_connections;
    o.handshake_timeout = g_handshake_timeout;
    o.send_soft_limit = 100000;
    o.send_hard_limit = g_hard_limit;
    o.listen = listen;
    o.port = port;
    o.tick_ms = 100;
    if (bind) {
        binds[0] = bind;
        o.binds = binds;
        o.n_binds = 1;
    }
    if (connect) {
        connects[0] = connect;
        o.connect = connects;
        o.n_connect = 1;
    }
    struct connman_callbacks cb;
    memset(&cb, 0, sizeof(cb));
    cb.ctx = s;
    cb.on_connected = on_connected;
    cb.on_handshake_done = on_handshake;
    cb.on_disconnected = on_disconnected;
    cb.on_tick = on_tick;
    cb.start_height = height;
    cb.on_message = hello_handler;
    const char *err = NULL;
    struct connman *cm = connman_new(base, &o, MAGIC, &cb, &err);
    ck_assert_msg(cm != NULL, "connman_new: %s", err ? err : "");
    char errbuf[256];
    ck_assert_msg(connman_start(cm, errbuf, sizeof(errbuf)), "start: %s", errbuf);
    return cm;
}

START_TEST(handshake_and_dispatch)
{
    struct event_base *base = event_base_new();
    struct pair pr;
    memset(&pr, 0, sizeof(pr));
    uint16_t port = test_port(1);
    char addr[32];
    snprintf(addr, sizeof(addr), "127.0.0.1:%u", port);
    struct connman *a = make(base, &pr.a, true, port, "127.0.0.1", NULL);
    struct connman *b = make(base, &pr.b, false, port, NULL, addr);
    pump(base, 5000, both_handshaken, &pr);
    ck_assert_int_eq(pr.a.handshakes, 1);
    ck_assert_int_eq(pr.b.handshakes, 1);
    ck_assert_uint_eq(connman_count(a, CONNMAN_COUNT_IN), 1);
    ck_assert_uint_eq(connman_count(b, CONNMAN_COUNT_OUT), 1);

    struct connman_peer_stats *st;
    size_t n;
    connman_get_stats(b, &st, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(st[0].type, PEER_MANUAL);
    ck_assert_int_eq(st[0].start_height, 42);
    ck_assert_int_eq(st[0].version, NET_PROTOCOL_VERSION);
    ck_assert(st[0].wtxid_relay);
    ck_assert(st[0].wants_addrv2);
    ck_assert_uint_eq(st[0].services, NET_NODE_NETWORK | NET_NODE_WITNESS);
    ck_assert_str_eq(st[0].user_agent, "/hashmint:0.1.0/");
    mem_free(st);

    /* A registered handler gets the payload. */
    struct send_ctx sc = { b, "hello", (const uint8_t *)"abc", 3, 0 };
    connman_for_each_peer(b, send_each, &sc);
    ck_assert_int_eq(sc.sent, 1);
    pump(base, 3000, got_hello, &pr.a);
    ck_assert_int_eq(pr.a.hellos, 1);
    ck_assert_uint_eq(pr.a.last_len, 3);
    ck_assert(memcmp(pr.a.last, "abc", 3) == 0);
    /* Per-message-type bytes (header + payload): "hello" is no known type, so it counts as "*other*". */
    const size_t other = NET_MSG_TYPE_COUNT - 1;
    ck_assert_str_eq(net_msg_type_name(other), "*other*");
    ck_assert_uint_eq(net_msg_type_index("hello"), other);
    ck_assert_str_eq(net_msg_type_name(net_msg_type_index("verack")), "verack");
    connman_get_stats(a, &st, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(st[0].bytes_recv_per_msg[other], NET_HEADER_SIZE + 3);
    ck_assert_uint_eq(st[0].bytes_recv_per_msg[net_msg_type_index("verack")], NET_HEADER_SIZE);
    ck_assert_uint_gt(st[0].bytes_recv_per_msg[net_msg_type_index("version")], NET_HEADER_SIZE + 80);
    ck_assert_uint_eq(st[0].bytes_sent_per_msg[net_msg_type_index("verack")], NET_HEADER_SIZE);
    uint64_t sum = 0;
    for (size_t i = 0; i < NET_MSG_TYPE_COUNT; i++)
        sum += st[0].bytes_recv_per_msg[i];
    ck_assert_uint_le(sum, st[0].bytes_recv);
    mem_free(st);
    connman_get_stats(b, &st, &n);
    ck_assert_uint_eq(st[0].bytes_sent_per_msg[other], NET_HEADER_SIZE + 3);
    mem_free(st);
    /* Pings are answered: wait for a round trip. */
    connman_ping_all(b);
    for (int i = 0; i < 100; i++) {
        connman_get_stats(b, &st, &n);
        bool done = n == 1 && st[0].last_ping_us >= 0;
        mem_free(st);
        if (done)
            break;
        pump(base, 20, NULL, NULL);
    }
    connman_get_stats(b, &st, &n);
    ck_assert(st[0].last_ping_us >= 0);
    mem_free(st);
    uint64_t rx, tx;
    connman_get_totals(a, &rx, &tx);
    ck_assert(rx > 0 && tx > 0);
    ck_assert(pr.a.ticks > 0);

    /* The handler says the peer misbehaved: with no on_bad_message it is disconnected. */
    sc.payload = NULL;
    sc.len = 0;
    sc.sent = 0;
    connman_for_each_peer(b, send_each, &sc);
    pump(base, 3000, a_disconnected, &pr);
    ck_assert_int_eq(pr.a.disconnected, 1);
    connman_free(b);
    connman_free(a);
    event_base_free(base);
}
END_TEST

/* ---- raw client --------------------------------------------------------------- */

static int raw_connect(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa;
    memset(&sa, 0, sizeof(sa));
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    return fd;
}

static void raw_send(int fd, const void *p, size_t n) { ck_assert_int_eq(send(fd, p, n, MSG_NOSIGNAL), (ssize_t)n); }

static void raw_msg(int fd, const uint8_t magic[4], const char *cmd, const uint8_t *payload, size_t len)
{
    struct wbuf w;
    wbuf_init(&w);
    ck_assert(net_message_frame(&w, magic, cmd, payload, len));
    raw_send(fd, w.data, w.len);
    wbuf_clear(&w);
}

/* Pumps the loop and reads; returns 0 if the server closed the socket, else bytes read. */
static ssize_t raw_drain(struct event_base *base, int fd, uint8_t *buf, size_t cap, int ms)
{
    size_t have = 0;
    for (int i = 0; i < ms / 5; i++) {
        pump(base, 4, NULL, NULL);
        ssize_t n = recv(fd, buf + have, cap - have, 0);
        if (n == 0)
            return 0;
        if (n > 0)
            have += (size_t)n;
    }
    return have ? (ssize_t)have : -1;
}

static void version_payload(struct wbuf *w, int64_t stamp)
{
    struct net_msg_version v;
    memset(&v, 0, sizeof(v));
    v.version = NET_PROTOCOL_VERSION;
    v.services = NET_NODE_NETWORK | NET_NODE_WITNESS;
    v.timestamp = stamp;
    v.nonce = 77;
    v.relay = true;
    net_msg_version_serialize(w, &v);
}

START_TEST(transport_reactions)
{
    struct event_base *base = event_base_new();
    struct side s;
    memset(&s, 0, sizeof(s));
    uint16_t port = test_port(2);
    struct connman *a = make(base, &s, true, port, "127.0.0.1", NULL);
    uint8_t buf[4096];

    /* A first message other than version: disconnected. */
    int fd = raw_connect(port);
    raw_msg(fd, MAGIC, "ping", (const uint8_t *)"12345678", 8);
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 1000), 0);
    close(fd);

    /* Wrong magic: disconnected. */
    static const uint8_t other[4] = { 1, 2, 3, 4 };
    fd = raw_connect(port);
    raw_msg(fd, other, "version", NULL, 0);
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 1000), 0);
    close(fd);

    /* Oversized length: disconnected without the payload ever arriving. */
    fd = raw_connect(port);
    uint8_t hdr[NET_HEADER_SIZE];
    ck_assert(net_header_build(hdr, MAGIC, "block", NULL, 0));
    le32_write(hdr + 16, NET_MAX_PROTOCOL_MESSAGE_LENGTH + 1);
    raw_send(fd, hdr, sizeof(hdr));
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 1000), 0);
    close(fd);

    /* Bad checksum: the message is dropped, the connection stays; then a
     * version with an extreme timestamp is answered with version + verack. */
    fd = raw_connect(port);
    struct wbuf w;
    wbuf_init(&w);
    version_payload(&w, INT64_MIN);
    ck_assert(net_header_build(hdr, MAGIC, "version", w.data, w.len));
    hdr[20] ^= 0xff;
    raw_send(fd, hdr, sizeof(hdr));
    raw_send(fd, w.data, w.len);
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 300), -1); /* no reply, not closed */
    raw_msg(fd, MAGIC, "version", w.data, w.len);
    ssize_t got = raw_drain(base, fd, buf, sizeof(buf), 500);
    ck_assert(got > (ssize_t)(3 * NET_HEADER_SIZE));
    ck_assert(memcmp(buf + 4, "version", 7) == 0);
    /* Then a duplicate version: ignored, the peer stays (Core logs "redundant version message"). */
    raw_msg(fd, MAGIC, "version", w.data, w.len);
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 500), -1); /* no reply, not closed */
    close(fd);
    wbuf_clear(&w);

    /* INT64_MAX timestamp, then verack: the handshake completes. */
    fd = raw_connect(port);
    wbuf_init(&w);
    version_payload(&w, INT64_MAX);
    raw_msg(fd, MAGIC, "version", w.data, w.len);
    raw_msg(fd, MAGIC, "verack", NULL, 0);
    int before = s.handshakes;
    ck_assert(raw_drain(base, fd, buf, sizeof(buf), 500) > 0);
    ck_assert_int_eq(s.handshakes, before + 1);
    struct connman_peer_stats *st;
    size_t n;
    connman_get_stats(a, &st, &n);
    ck_assert_uint_eq(n, 1);
    ck_assert(st[0].time_offset > 0);
    mem_free(st);
    /* wtxidrelay after verack is a protocol violation. */
    raw_msg(fd, MAGIC, "wtxidrelay", NULL, 0);
    ck_assert_int_eq(raw_drain(base, fd, buf, sizeof(buf), 1000), 0);
    close(fd);
    wbuf_clear(&w);

    ck_assert_uint_eq(connman_count(a, CONNMAN_COUNT_ALL), 0);
    connman_free(a);
    event_base_free(base);
}
END_TEST

START_TEST(addresses_and_subnets)
{
    struct net_addr a;
    char s[NET_ADDR_STRLEN];
    ck_assert(net_addr_parse(&a, "1.2.3.4:8333", 1));
    net_addr_to_string(s, &a);
    ck_assert_str_eq(s, "1.2.3.4:8333");
    ck_assert(net_addr_parse(&a, "[::1]:18444", 1));
    net_addr_to_string(s, &a);
    ck_assert_str_eq(s, "[::1]:18444");
    ck_assert(net_addr_is_local(&a));
    ck_assert(net_addr_parse(&a, "::ffff:10.0.0.1", 7));
    ck_assert_uint_eq(a.network, NET_ADDR_IPV4);
    ck_assert_uint_eq(a.port, 7);
    ck_assert(!net_addr_is_routable(&a));
    ck_assert(!net_addr_parse(&a, "1.2.3.4:70000", 1));
    ck_assert(!net_addr_parse(&a, "nonsense", 1));
    struct net_subnet sn;
    ck_assert(net_subnet_parse(&sn, "10.1.0.0/16"));
    ck_assert(net_addr_parse(&a, "10.1.200.3", 0));
    ck_assert(net_subnet_match(&sn, &a));
    ck_assert(net_addr_parse(&a, "10.2.0.1", 0));
    ck_assert(!net_subnet_match(&sn, &a));
    ck_assert(net_subnet_parse(&sn, "192.168.0.0/255.255.255.0"));
    ck_assert_uint_eq(sn.bits, 24);
    ck_assert(!net_subnet_parse(&sn, "192.168.0.0/255.0.255.0"));
    ck_assert(!net_subnet_parse(&sn, "10.0.0.0/33"));
    uint8_t g1[NET_ADDR_GROUP_MAX], g2[NET_ADDR_GROUP_MAX];
    size_t l1, l2;
    ck_assert(net_addr_parse(&a, "8.8.1.1", 0));
    net_addr_group(g1, &l1, &a);
    ck_assert(net_addr_parse(&a, "8.8.200.9", 0));
    net_addr_group(g2, &l2, &a);
    ck_assert(l1 == l2 && memcmp(g1, g2, l1) == 0);
    ck_assert(net_addr_parse(&a, "8.9.1.1", 0));
    net_addr_group(g2, &l2, &a);
    ck_assert(memcmp(g1, g2, l1) != 0);
    uint32_t perms;
    ck_assert(peer_permissions_parse(&perms, "relay,noban", 11));
    ck_assert(perms & PEER_PERM_RELAY);
    ck_assert(perms & PEER_PERM_NOBAN);
    ck_assert(!peer_permissions_parse(&perms, "relay,bogus", 11));
}
END_TEST

struct big_ctx {
    struct connman *cm;
    int accepted, refused;
    bool disconnecting;
};
static void send_big(void *ctx, struct peer *p)
{
    struct big_ctx *b = ctx;
    static uint8_t payload[1000000];
    if (connman_send(b->cm, p, "junk", payload, sizeof(payload)))
        b->accepted++;
    else
        b->refused++;
    b->disconnecting = p->disconnect;
}

START_TEST(slots_timeouts_and_send_limit)
{
    /* 12 connections: 11 kept for outbound, one inbound slot. */
    g_max_connections = 12;
    g_handshake_timeout = 1;
    g_hard_limit = 3000000;
    struct event_base *base = event_base_new();
    struct side s;
    memset(&s, 0, sizeof(s));
    uint16_t port = test_port(3);
    struct connman *a = make(base, &s, true, port, "127.0.0.1", NULL);
    uint8_t buf[4096];
    int fd1 = raw_connect(port);
    pump(base, 100, NULL, NULL);
    ck_assert_uint_eq(connman_count(a, CONNMAN_COUNT_IN), 1);
    /* The only inbound peer is protected (lowest ping etc.): the newcomer is refused. */
    int fd2 = raw_connect(port);
    ck_assert_int_eq(raw_drain(base, fd2, buf, sizeof(buf), 300), 0);
    close(fd2);
    /* The silent first client misses the 1 s handshake timeout. */
    ck_assert_int_eq(raw_drain(base, fd1, buf, sizeof(buf), 2500), 0);
    close(fd1);
    ck_assert_uint_eq(connman_count(a, CONNMAN_COUNT_ALL), 0);

    /* A peer that never reads: its queue passes the hard limit and it is dropped. */
    int fd = raw_connect(port);
    struct wbuf w;
    wbuf_init(&w);
    version_payload(&w, 0);
    raw_msg(fd, MAGIC, "version", w.data, w.len);
    raw_msg(fd, MAGIC, "verack", NULL, 0);
    wbuf_clear(&w);
    int shakes = s.handshakes;
    for (int i = 0; i < 100 && s.handshakes == shakes; i++)
        pump(base, 10, NULL, NULL);
    ck_assert_int_eq(s.handshakes, shakes + 1);
    struct big_ctx b = { a, 0, 0, false };
    for (int i = 0; i < 40 && !b.refused; i++) {
        connman_for_each_peer(a, send_big, &b);
        pump(base, 10, NULL, NULL);
    }
    ck_assert_int_gt(b.refused, 0);
    ck_assert(b.disconnecting);
    pump(base, 200, NULL, NULL);
    ck_assert_uint_eq(connman_count(a, CONNMAN_COUNT_ALL), 0);
    close(fd);
    connman_free(a);
    event_base_free(base);
    g_max_connections = CONNMAN_DEFAULT_MAX_CONNECTIONS;
    g_handshake_timeout = 60;
    g_hard_limit = PEER_SEND_HARD_LIMIT;
}
END_TEST

static Suite *connman_suite(void)
{
    Suite *s = suite_create("net/connman");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, handshake_and_dispatch);
    tcase_add_test(tc, transport_reactions);
    tcase_add_test(tc, addresses_and_subnets);
    tcase_add_test(tc, slots_timeouts_and_send_limit);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(connman_suite)
