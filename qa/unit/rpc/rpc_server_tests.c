/* End-to-end tests for src/rpc/rpc_server.c: a real server on an ephemeral
 * loopback port, its event loop in a thread, raw HTTP requests over
 * sockets.
 *
 * Run with "--serve <dir> [port]" it instead serves the control RPCs and a
 * few test methods until "stop" (cookie in <dir>/.cookie), for manual
 * checks with hashmint-cli or curl. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <event2/event.h>

#include "qa/unit/unit.h"
#include "src/util/base64.h"
#include "src/rpc/rpc_auth.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc_server.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

/* ---- test methods ---- */

static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_open = 1;
static int gate_waiters;

static json_t *h_wait(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    pthread_mutex_lock(&gate_lock);
    gate_waiters++;
    pthread_cond_broadcast(&gate_cond);
    while (!gate_open)
        pthread_cond_wait(&gate_cond, &gate_lock);
    gate_waiters--;
    pthread_mutex_unlock(&gate_lock);
    return json_string("done");
}

static json_t *h_getblockcount(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return json_integer(7);
}

static json_t *h_getblockchaininfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    json_t *r = json_object();
    json_object_set_new(r, "chain", json_string("regtest"));
    json_object_set_new(r, "blocks", json_integer(7));
    json_object_set_new(r, "headers", json_integer(7));
    json_object_set_new(r, "difficulty", rpc_json_double(4.656542373906925e-10));
    json_object_set_new(r, "verificationprogress", json_integer(1));
    json_object_set_new(r, "warnings", json_string(""));
    return r;
}

static json_t *h_getmempoolinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    json_t *r = json_object();
    json_object_set_new(r, "minrelaytxfee", rpc_json_amount(1000));
    return r;
}

static json_t *h_echo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return json_incref(params);
}

static const struct rpc_command test_cmds[] = {
    { "test", "wait", h_wait, { NULL }, "wait\n" },
    { "blockchain", "getblockcount", h_getblockcount, { NULL }, "getblockcount\n" },
    { "blockchain", "getblockchaininfo", h_getblockchaininfo, { NULL }, "getblockchaininfo\n" },
    { "blockchain", "getmempoolinfo", h_getmempoolinfo, { NULL }, "getmempoolinfo\n" },
    { "hidden", "echo", h_echo, { "arg0", "arg1", "arg2", NULL }, "echo\n" },
};

static void rest_test(struct rpc_context *ctx, struct rest_reply *r, const char *path, const char *query)
{
    char param[64], count[16] = "";
    enum rest_format f = rest_parse_format(param, sizeof(param), path);
    if (f == REST_FORMAT_UNDEF) {
        rest_reply_error(r, 404, "output format not found (available: %s)", rest_available_formats());
        return;
    }
    if (strcmp(param, "ok") != 0) {
        rest_reply_error(r, 400, "Invalid hash: %s", param);
        return;
    }
    (void)rest_query_get(count, sizeof(count), query, "count");
    if (f == REST_FORMAT_JSON)
        rest_reply_json(r, json_pack("{s:s}", "count", count));
    else
        rest_reply_data(r, f, (const uint8_t *)"\x01\x02", 2);
}

static const struct rest_route test_route = { "/rest/test/", rest_test };

/* ---- harness ---- */

struct harness {
    struct event_base *base;
    struct rpc_server *server;
    struct rpc_table *table;
    struct rpc_context ctx;
    pthread_t loop;
    char dir[64];
    char cookie_path[128];
    char auth[256]; /* "Basic ..." */
    uint16_t port;
    int shutdowns;
};

static void *loop_main(void *arg)
{
    struct harness *h = arg;
    event_base_loop(h->base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

static void on_shutdown(void *node)
{
    struct harness *h = node;
    h->shutdowns++;
}

static void harness_start(struct harness *h, int threads, int queue, bool rest)
{
    memset(h, 0, sizeof(*h));
    rpc_server_threads_init();
    h->base = event_base_new();
    ck_assert_ptr_nonnull(h->base);
    h->table = rpc_table_new();
    rpc_register_control(h->table);
    for (size_t i = 0; i < sizeof(test_cmds) / sizeof(test_cmds[0]); i++)
        rpc_table_add(h->table, &test_cmds[i]);
    rpc_table_add_rest(h->table, &test_route);
    h->ctx.start_time = time(NULL);
    h->ctx.node = h;
    h->ctx.request_shutdown = on_shutdown;
    snprintf(h->dir, sizeof(h->dir), "/tmp/hm_rpcsrv_XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(h->dir));
    snprintf(h->cookie_path, sizeof(h->cookie_path), "%s/.cookie", h->dir);
    struct rpc_server_options o;
    rpc_server_options_init(&o);
    o.cookie_path = h->cookie_path;
    o.threads = threads;
    o.workqueue = queue;
    o.rest = rest;
    static const char *const auth[] = {
        "rt:93648e835a54c573682c2eb19f882535$7681e9c5b74bdd85e78166031d2058e1069b3ed7ed967c93fc63abba06f31144"
    };
    o.rpcauth = auth;
    o.rpcauth_count = 1;
    char err[256];
    h->server = rpc_server_start(h->base, &o, h->table, &h->ctx, err, sizeof(err));
    ck_assert_msg(h->server != NULL, "%s", err);
    h->port = rpc_server_port(h->server);
    ck_assert_uint_ne(h->port, 0);
    ck_assert_ptr_eq(h->ctx.table, h->table);
    char *up = NULL;
    ck_assert(rpc_auth_cookie_read(&up, h->cookie_path));
    char *b64 = base64_encode((const unsigned char *)up, strlen(up));
    snprintf(h->auth, sizeof(h->auth), "Basic %s", b64);
    mem_free(b64);
    mem_free(up);
    pthread_create(&h->loop, NULL, loop_main, h);
}

static void harness_stop(struct harness *h)
{
    event_base_loopbreak(h->base);
    pthread_join(h->loop, NULL);
    rpc_server_stop(h->server);
    ck_assert_msg(access(h->cookie_path, F_OK) != 0, "cookie not removed");
    rpc_table_free(h->table);
    event_base_free(h->base);
    rmdir(h->dir);
}

struct response {
    int status;
    char headers[2048];
    char *body;
    size_t len;
};

static int connect_port(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port) };
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ck_assert_int_eq(connect(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
    return fd;
}

static void send_raw(int fd, const char *p, size_t len)
{
    while (len) {
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n <= 0)
            return; /* the server may close early (413) */
        p += n;
        len -= (size_t)n;
    }
}

static void read_response(int fd, struct response *r)
{
    struct wbuf in;
    wbuf_init(&in);
    char buf[65536];
    ssize_t n;
    while ((n = recv(fd, buf, sizeof(buf), 0)) > 0)
        wbuf_put(&in, buf, (size_t)n);
    close(fd);
    wbuf_u8(&in, 0);
    char *t = (char *)in.data;
    memset(r, 0, sizeof(*r));
    char *sep = strstr(t, "\r\n\r\n");
    ck_assert_msg(!strncmp(t, "HTTP/1.1 ", 9) && sep, "bad response: %s", t);
    r->status = atoi(t + 9);
    size_t hl = (size_t)(sep - t);
    if (hl >= sizeof(r->headers))
        hl = sizeof(r->headers) - 1;
    memcpy(r->headers, t, hl);
    r->len = in.len - 1 - (size_t)(sep + 4 - t);
    r->body = mem_alloc(r->len + 1);
    memcpy(r->body, sep + 4, r->len + 1);
    wbuf_clear(&in);
}

static int request_start(struct harness *h, const char *method, const char *path, const char *auth, const char *body)
{
    int fd = connect_port(h->port);
    char head[1024];
    int n = snprintf(head, sizeof(head), "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n%s%s%s"
                                         "Content-Length: %zu\r\n\r\n",
                     method, path, auth ? "Authorization: " : "", auth ? auth : "", auth ? "\r\n" : "",
                     body ? strlen(body) : 0);
    send_raw(fd, head, (size_t)n);
    if (body)
        send_raw(fd, body, strlen(body));
    return fd;
}

static void request(struct harness *h, struct response *r, const char *method, const char *path, const char *auth,
                    const char *body)
{
    read_response(request_start(h, method, path, auth, body), r);
}

static void rpc(struct harness *h, struct response *r, const char *body)
{
    request(h, r, "POST", "/", h->auth, body);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- tests ---- */

START_TEST(test_rpc_basic)
{
    struct harness h;
    harness_start(&h, 2, 16, false);
    struct response r;
    rpc(&h, &r, "{\"method\":\"getblockcount\",\"id\":1}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"result\":7,\"error\":null,\"id\":1}\n");
    ck_assert(strstr(r.headers, "Content-Type: application/json") != NULL);
    mem_free(r.body);
    /* any path is JSON-RPC */
    request(&h, &r, "POST", "/wallet/x", h.auth, "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}");
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    mem_free(r.body);
    rpc(&h, &r, "{\"method\":\"nope\",\"id\":1}");
    ck_assert_int_eq(r.status, 404);
    mem_free(r.body);
    rpc(&h, &r, "{bad json");
    ck_assert_int_eq(r.status, 500);
    ck_assert_str_eq(r.body, "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    mem_free(r.body);
    rpc(&h, &r, "{\"jsonrpc\":\"2.0\",\"method\":\"getblockcount\"}");
    ck_assert_int_eq(r.status, 204);
    ck_assert_uint_eq(r.len, 0);
    mem_free(r.body);
    rpc(&h, &r, "[{\"method\":\"getblockcount\",\"id\":1},{\"method\":\"uptime\",\"id\":2}]");
    ck_assert_int_eq(r.status, 200);
    ck_assert(!strncmp(r.body, "[{\"result\":7,\"error\":null,\"id\":1},{\"result\":", 44));
    mem_free(r.body);
    /* a long error (the help text) arrives whole */
    rpc(&h, &r, "{\"method\":\"logging\",\"params\":[[],[],[]],\"id\":1}");
    ck_assert_int_eq(r.status, 500);
    ck_assert(!strncmp(r.body, "{\"result\":null,\"error\":{\"code\":-1,\"message\":\"logging ( ", 55));
    ck_assert(strstr(r.body, "Examples:") != NULL);
    mem_free(r.body);
    /* GET is refused for JSON-RPC */
    request(&h, &r, "GET", "/", h.auth, NULL);
    ck_assert_int_eq(r.status, 405);
    ck_assert_str_eq(r.body, "JSONRPC server handles only POST requests");
    mem_free(r.body);
    /* REST is off: /rest/ is JSON-RPC, so GET → 405 */
    request(&h, &r, "GET", "/rest/test/ok.json", NULL, NULL);
    ck_assert_int_eq(r.status, 405);
    mem_free(r.body);
    harness_stop(&h);
}
END_TEST

START_TEST(test_auth)
{
    struct harness h;
    harness_start(&h, 2, 16, false);
    struct response r;
    request(&h, &r, "POST", "/", NULL, "{\"method\":\"getblockcount\",\"id\":1}");
    ck_assert_int_eq(r.status, 401);
    ck_assert(strstr(r.headers, "WWW-Authenticate: Basic realm=\"jsonrpc\"") != NULL);
    mem_free(r.body);
    /* a wrong password is answered only after the pause */
    char *b64 = base64_encode((const unsigned char *)"__cookie__:wrong", 16);
    char bad[128];
    snprintf(bad, sizeof(bad), "Basic %s", b64);
    mem_free(b64);
    double t0 = now_s();
    request(&h, &r, "POST", "/", bad, "{\"method\":\"getblockcount\",\"id\":1}");
    double dt = now_s() - t0;
    ck_assert_int_eq(r.status, 401);
    ck_assert(strstr(r.headers, "WWW-Authenticate: Basic realm=\"jsonrpc\"") != NULL);
    ck_assert_msg(dt >= 0.24, "answered after %f s", dt);
    mem_free(r.body);
    /* Failures are serialised across connections: three bad logins in
     * parallel take at least 3 x 250 ms, and a good one sent behind them
     * still succeeds. (Only a lower bound on time: a slow machine cannot
     * make this fail.) */
    b64 = base64_encode((const unsigned char *)"rt:cA773lm788buwYe4g4WT+05pKyNruVKjQ25x3n0DQcM=", 47);
    char good[128];
    snprintf(good, sizeof(good), "Basic %s", b64);
    mem_free(b64);
    t0 = now_s();
    int f1 = request_start(&h, "POST", "/", bad, "{}");
    int f2 = request_start(&h, "POST", "/", bad, "{}");
    int f3 = request_start(&h, "POST", "/", bad, "{}");
    int f4 = request_start(&h, "POST", "/", good, "{\"method\":\"getblockcount\",\"id\":1}");
    int fds[3] = { f1, f2, f3 };
    for (int i = 0; i < 3; i++) {
        read_response(fds[i], &r);
        ck_assert_int_eq(r.status, 401);
        mem_free(r.body);
    }
    dt = now_s() - t0;
    ck_assert_msg(dt >= 0.74, "three failed logins answered in %f s", dt);
    read_response(f4, &r);
    ck_assert_int_eq(r.status, 200);
    mem_free(r.body);
    request(&h, &r, "POST", "/", good, "{\"method\":\"getblockcount\",\"id\":1}");
    ck_assert_int_eq(r.status, 200);
    mem_free(r.body);
    harness_stop(&h);
}
END_TEST

START_TEST(test_limits)
{
    struct harness h;
    harness_start(&h, 1, 4, false);
    struct response r;
    /* a declared body beyond 32 MiB */
    int fd = connect_port(h.port);
    char head[512];
    int n = snprintf(head, sizeof(head), "POST / HTTP/1.1\r\nHost: x\r\nAuthorization: %s\r\nContent-Length: %u\r\n\r\n",
                     h.auth, RPC_SERVER_MAX_BODY_SIZE + 1);
    send_raw(fd, head, (size_t)n);
    read_response(fd, &r);
    ck_assert_int_eq(r.status, 413);
    mem_free(r.body);
    /* headers beyond 8192 bytes */
    char *big = mem_alloc(10000);
    memset(big, 'a', 9999);
    big[9999] = '\0';
    fd = connect_port(h.port);
    n = snprintf(head, sizeof(head), "POST / HTTP/1.1\r\nHost: x\r\nX-Big: ");
    send_raw(fd, head, (size_t)n);
    send_raw(fd, big, 9999);
    send_raw(fd, "\r\n\r\n", 4);
    mem_free(big);
    read_response(fd, &r);
    ck_assert_msg(r.status == 413 || r.status == 400, "status %d", r.status);
    mem_free(r.body);
    harness_stop(&h);
}
END_TEST

START_TEST(test_work_queue)
{
    struct harness h;
    harness_start(&h, 1, 1, false);
    pthread_mutex_lock(&gate_lock);
    gate_open = 0;
    gate_waiters = 0;
    pthread_mutex_unlock(&gate_lock);
    const char *body = "{\"method\":\"wait\",\"id\":1}";
    int f1 = request_start(&h, "POST", "/", h.auth, body);
    /* wait until the only worker is inside the handler */
    pthread_mutex_lock(&gate_lock);
    while (gate_waiters < 1)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    int f2 = request_start(&h, "POST", "/", h.auth, body); /* queued */
    usleep(300000);
    struct response r;
    rpc(&h, &r, body); /* queue full */
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.body, "Work queue depth exceeded");
    mem_free(r.body);
    /* getrpcinfo cannot run either, but active_commands is visible via the table */
    json_t *active = rpc_table_active_commands(h.table);
    ck_assert_uint_eq(json_array_size(active), 1);
    json_decref(active);
    pthread_mutex_lock(&gate_lock);
    gate_open = 1;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    read_response(f1, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"result\":\"done\",\"error\":null,\"id\":1}\n");
    mem_free(r.body);
    read_response(f2, &r);
    ck_assert_int_eq(r.status, 200);
    mem_free(r.body);
    harness_stop(&h);
}
END_TEST

START_TEST(test_rest)
{
    struct harness h;
    harness_start(&h, 2, 16, true);
    struct response r;
    request(&h, &r, "GET", "/rest/test/ok.json?count=5", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"count\":\"5\"}\n");
    ck_assert(strstr(r.headers, "Content-Type: application/json") != NULL);
    mem_free(r.body);
    request(&h, &r, "GET", "/rest/test/ok.hex", NULL, NULL);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "0102\n");
    mem_free(r.body);
    request(&h, &r, "GET", "/rest/test/ok.bin", NULL, NULL);
    ck_assert_uint_eq(r.len, 2);
    ck_assert(strstr(r.headers, "application/octet-stream") != NULL);
    mem_free(r.body);
    request(&h, &r, "GET", "/rest/test/zz.json", NULL, NULL);
    ck_assert_int_eq(r.status, 400);
    ck_assert_str_eq(r.body, "Invalid hash: zz\r\n");
    mem_free(r.body);
    request(&h, &r, "GET", "/rest/test/ok.xml", NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    ck_assert_str_eq(r.body, "output format not found (available: .bin, .hex, .json)\r\n");
    mem_free(r.body);
    request(&h, &r, "GET", "/rest/unknown/x.json", NULL, NULL);
    ck_assert_int_eq(r.status, 404);
    mem_free(r.body);
    rpc_server_set_warmup(h.server, "Loading block index...");
    request(&h, &r, "GET", "/rest/test/ok.json", NULL, NULL);
    ck_assert_int_eq(r.status, 503);
    ck_assert_str_eq(r.body, "Service temporarily unavailable: Loading block index...\r\n");
    mem_free(r.body);
    rpc(&h, &r, "{\"method\":\"getblockcount\",\"id\":1}");
    ck_assert_int_eq(r.status, 500);
    ck_assert_str_eq(r.body,
                     "{\"result\":null,\"error\":{\"code\":-28,\"message\":\"Loading block index...\"},\"id\":1}\n");
    mem_free(r.body);
    rpc_server_set_warmup_finished(h.server);
    /* JSON-RPC still works beside REST */
    rpc(&h, &r, "{\"method\":\"getblockcount\",\"id\":1}");
    ck_assert_int_eq(r.status, 200);
    mem_free(r.body);
    harness_stop(&h);
}
END_TEST

START_TEST(test_stop_reply_flushed)
{
    /* The stop RPC's reply must reach the client although the loop ends. */
    struct harness h;
    harness_start(&h, 2, 16, false);
    int fd = request_start(&h, "POST", "/", h.auth, "{\"method\":\"stop\",\"params\":[200],\"id\":1}");
    usleep(50000); /* the handler is sleeping in its hidden wait */
    harness_stop(&h);
    struct response r;
    read_response(fd, &r);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.body, "{\"result\":\"hashmint stopping\",\"error\":null,\"id\":1}\n");
    ck_assert_int_eq(h.shutdowns, 1);
    mem_free(r.body);
}
END_TEST

START_TEST(test_bad_options)
{
    rpc_server_threads_init();
    struct event_base *base = event_base_new();
    struct rpc_table *t = rpc_table_new();
    struct rpc_context ctx = { 0 };
    struct rpc_server_options o;
    rpc_server_options_init(&o);
    char err[256];
    static const char *const allow[] = { "10.0.0.0/33" };
    o.allowips = allow;
    o.allowip_count = 1;
    ck_assert_ptr_null(rpc_server_start(base, &o, t, &ctx, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid -rpcallowip subnet specification: 10.0.0.0/33");
    static const char *const allow2[] = { "10.0.0.0/255.255.0.0", "fe80::/10", "1.2.3.4" };
    static const char *const binds[] = { "127.0.0.1:notaport" };
    o.allowips = allow2;
    o.allowip_count = 3;
    o.binds = binds;
    o.bind_count = 1;
    ck_assert_ptr_null(rpc_server_start(base, &o, t, &ctx, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid -rpcbind address: 127.0.0.1:notaport");
    static const char *const badauth[] = { "user-without-salt" };
    o.bind_count = 0;
    o.rpcauth = badauth;
    o.rpcauth_count = 1;
    ck_assert_ptr_null(rpc_server_start(base, &o, t, &ctx, err, sizeof(err)));
    ck_assert_str_eq(err, "Invalid -rpcauth argument.");
    /* a bind to an address we do not have fails every endpoint */
    static const char *const binds2[] = { "192.0.2.1" };
    o.rpcauth_count = 0;
    o.binds = binds2;
    o.bind_count = 1;
    ck_assert_ptr_null(rpc_server_start(base, &o, t, &ctx, err, sizeof(err)));
    ck_assert_str_eq(err, "Unable to bind any endpoint for RPC server");
    rpc_table_free(t);
    event_base_free(base);
}
END_TEST

START_TEST(test_subnets)
{
    struct rpc_subnet sn;
    ck_assert(rpc_subnet_parse(&sn, "192.168.1.0/24"));
    ck_assert(rpc_subnet_match(&sn, "192.168.1.77"));
    ck_assert(!rpc_subnet_match(&sn, "192.168.2.1"));
    ck_assert(!rpc_subnet_match(&sn, "::1"));
    ck_assert(rpc_subnet_match(&sn, "::ffff:192.168.1.9")); /* v4-mapped */
    ck_assert(rpc_subnet_parse(&sn, "10.0.0.0/255.0.0.0"));
    ck_assert(rpc_subnet_match(&sn, "10.200.3.4"));
    ck_assert(!rpc_subnet_match(&sn, "11.0.0.1"));
    ck_assert(rpc_subnet_parse(&sn, "1.2.3.4"));
    ck_assert(rpc_subnet_match(&sn, "1.2.3.4"));
    ck_assert(!rpc_subnet_match(&sn, "1.2.3.5"));
    ck_assert(rpc_subnet_parse(&sn, "0.0.0.0/0"));
    ck_assert(rpc_subnet_match(&sn, "8.8.8.8"));
    ck_assert(rpc_subnet_parse(&sn, "fe80::/10"));
    ck_assert(rpc_subnet_match(&sn, "fe80::1"));
    ck_assert(rpc_subnet_match(&sn, "febf::1"));
    ck_assert(!rpc_subnet_match(&sn, "fec0::1"));
    ck_assert(rpc_subnet_parse(&sn, "::/0"));
    ck_assert(rpc_subnet_match(&sn, "2001:db8::1"));
    ck_assert(!rpc_subnet_match(&sn, "1.2.3.4"));
    /* malformed */
    ck_assert(!rpc_subnet_parse(&sn, "1.2.3.0/33"));
    ck_assert(!rpc_subnet_parse(&sn, "1.2.3.0/"));
    ck_assert(!rpc_subnet_parse(&sn, "1.2.3.0/255.0.255.0"));
    ck_assert(!rpc_subnet_parse(&sn, "1.2.3.0/ffff::"));
    ck_assert(!rpc_subnet_parse(&sn, "::1/129"));
    ck_assert(!rpc_subnet_parse(&sn, "example.com"));
    ck_assert(!rpc_subnet_parse(&sn, ""));
    ck_assert(!rpc_subnet_parse(&sn, "/8"));
}
END_TEST

static Suite *rpc_server_suite(void)
{
    Suite *s = suite_create("rpc_server");
    TCase *tc = tcase_create("http");
    tcase_set_timeout(tc, 30);
    tcase_add_test(tc, test_rpc_basic);
    tcase_add_test(tc, test_auth);
    tcase_add_test(tc, test_limits);
    tcase_add_test(tc, test_work_queue);
    tcase_add_test(tc, test_rest);
    tcase_add_test(tc, test_stop_reply_flushed);
    tcase_add_test(tc, test_bad_options);
    tcase_add_test(tc, test_subnets);
    suite_add_tcase(s, tc);
    return s;
}

/* ---- --serve mode ---- */

static struct event_base *serve_base;

static void serve_shutdown(void *node)
{
    event_base_loopbreak(serve_base);
}

static int serve(const char *dir, uint16_t port)
{
    rpc_server_threads_init();
    serve_base = event_base_new();
    struct rpc_table *t = rpc_table_new();
    rpc_register_control(t);
    for (size_t i = 0; i < sizeof(test_cmds) / sizeof(test_cmds[0]); i++)
        rpc_table_add(t, &test_cmds[i]);
    rpc_table_add_rest(t, &test_route);
    struct rpc_context ctx = { .start_time = time(NULL), .request_shutdown = serve_shutdown };
    char cookie[512];
    snprintf(cookie, sizeof(cookie), "%s/.cookie", dir);
    struct rpc_server_options o;
    rpc_server_options_init(&o);
    o.cookie_path = cookie;
    o.port = port;
    o.rest = true;
    char err[256];
    struct rpc_server *s = rpc_server_start(serve_base, &o, t, &ctx, err, sizeof(err));
    if (!s) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    printf("listening on 127.0.0.1:%u\n", (unsigned)rpc_server_port(s));
    fflush(stdout);
    event_base_dispatch(serve_base);
    rpc_server_stop(s);
    rpc_table_free(t);
    event_base_free(serve_base);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 3 && !strcmp(argv[1], "--serve"))
        return serve(argv[2], argc >= 4 ? (uint16_t)atoi(argv[3]) : 0);
    SRunner *sr = srunner_create(rpc_server_suite());
    srunner_run_all(sr, CK_NORMAL);
    int failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
