/* The HTTP server: evhttp on the caller's event loop, a bounded work queue
 * and worker threads (see rpc_server.h). Only the event-loop thread touches
 * evhttp; workers hand finished jobs back through a locked list and a
 * user-triggered event. */
#include "src/rpc/rpc_server.h"
#include "src/rpc/rpc_wallet.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include "src/rpc/auth_throttle.h"
#include "src/rpc/jsonrpc.h"
#include "src/rpc/rpc_auth.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

#define WWW_AUTH "Basic realm=\"jsonrpc\""
/* How often listeners paused by a failed accept() are resumed. */
#define ACCEPT_RESUME_MS 1000

enum job_kind { JOB_RPC, JOB_REST };

/* One request on its way: queued, being handled, or waiting to be sent. */
struct job {
    struct rpc_server *s;
    struct evhttp_request *req;
    enum job_kind kind;
    char *body; /* RPC: request body; REST: path after the prefix */
    size_t len;
    char *query;
    const struct rest_route *route;
    /* the reply */
    int status;
    const char *content_type;
    uint8_t *reply;
    size_t reply_len;
    struct job *next;
};

struct rpc_server {
    struct event_base *base;
    struct evhttp *http;
    struct evhttp_bound_socket **bound;
    size_t bound_count;
    uint16_t port;
    struct rpc_subnet *allow;
    size_t allow_count;
    struct rpc_auth *auth;
    char *cookie_path; /* set once the cookie is written */
    struct rpc_table *table;
    struct rpc_context *ctx;
    bool rest;

    pthread_mutex_t lock; /* guards the queue and the done list */
    pthread_cond_t cond;
    struct job *queue_head, *queue_tail;
    size_t queue_len, queue_max;
    bool quit;
    pthread_t *threads;
    int thread_count;
    struct job *done_head, *done_tail;
    struct event *done_ev;

    /* Failed-login throttle (loop thread only): requests with credentials
     * wait in it (their evhttp_request) until the gate opens; auth_failed
     * is the request whose 401 goes out when it does. */
    struct rpc_auth_throttle throttle;
    struct evhttp_request *auth_failed;
    struct event *gate_ev;
    int64_t busy_log_ms; /* last "too many logins waiting" line */
    struct event *accept_ev; /* resumes paused listeners (accept_error) */
    int in_flight;       /* replies sent but not yet written out (loop thread only) */
};

void rpc_server_options_init(struct rpc_server_options *o)
{
    memset(o, 0, sizeof(*o));
    o->threads = RPC_SERVER_DEFAULT_THREADS;
    o->workqueue = RPC_SERVER_DEFAULT_WORKQUEUE;
    o->servertimeout = RPC_SERVER_DEFAULT_TIMEOUT;
}

static void use_pthreads(void)
{
    if (evthread_use_pthreads() != 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "libevent: evthread_use_pthreads failed");
}

void rpc_server_threads_init(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, use_pthreads);
}

/* ---- subnets ---------------------------------------------------------- */

static bool parse_ip(struct rpc_subnet *sn, const char *s)
{
    memset(sn, 0, sizeof(*sn));
    if (inet_pton(AF_INET, s, sn->addr) == 1) {
        sn->family = AF_INET;
        return true;
    }
    if (inet_pton(AF_INET6, s, sn->addr) == 1) {
        sn->family = AF_INET6;
        static const uint8_t mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
        if (!memcmp(sn->addr, mapped, 12)) { /* ::ffff:a.b.c.d is IPv4 */
            memmove(sn->addr, sn->addr + 12, 4);
            memset(sn->addr + 4, 0, 12);
            sn->family = AF_INET;
        }
        return true;
    }
    return false;
}

/* Parses "ip", "ip/bits" or "ip/netmask" (Core's LookupSubNet). */
bool rpc_subnet_parse(struct rpc_subnet *sn, const char *spec)
{
    char ip[INET6_ADDRSTRLEN + 1];
    const char *slash = strchr(spec, '/');
    size_t iplen = slash ? (size_t)(slash - spec) : strlen(spec);
    if (iplen == 0 || iplen >= sizeof(ip))
        return false;
    memcpy(ip, spec, iplen);
    ip[iplen] = '\0';
    if (!parse_ip(sn, ip))
        return false;
    size_t bytes = sn->family == AF_INET ? 4 : 16;
    if (!slash) {
        memset(sn->mask, 0xff, bytes);
        return true;
    }
    const char *m = slash + 1;
    char *end;
    if (*m >= '0' && *m <= '9' && strlen(m) <= 3) {
        unsigned long bits = strtoul(m, &end, 10);
        if (*end || bits > bytes * 8)
            return false;
        for (size_t i = 0; i < bytes; i++) {
            size_t b = bits >= 8 ? 8 : bits;
            sn->mask[i] = (uint8_t)(0xff00 >> b);
            bits -= b;
        }
    } else {
        struct rpc_subnet msk;
        if (!parse_ip(&msk, m) || msk.family != sn->family)
            return false;
        memcpy(sn->mask, msk.addr, bytes);
        /* Only contiguous masks (ones, then zeros) are subnets. */
        bool zero_seen = false;
        for (size_t i = 0; i < bytes * 8; i++) {
            bool bit = (sn->mask[i / 8] >> (7 - i % 8)) & 1;
            if (bit && zero_seen)
                return false;
            zero_seen |= !bit;
        }
    }
    for (size_t i = 0; i < bytes; i++)
        sn->addr[i] &= sn->mask[i];
    return true;
}

static bool subnet_match(const struct rpc_subnet *sn, const struct rpc_subnet *addr)
{
    if (sn->family != addr->family)
        return false;
    size_t bytes = sn->family == AF_INET ? 4 : 16;
    for (size_t i = 0; i < bytes; i++) {
        if ((addr->addr[i] & sn->mask[i]) != sn->addr[i])
            return false;
    }
    return true;
}

bool rpc_subnet_match(const struct rpc_subnet *sn, const char *ip)
{
    struct rpc_subnet addr;
    return parse_ip(&addr, ip) && subnet_match(sn, &addr);
}

static bool client_allowed(const struct rpc_server *s, const struct sockaddr *sa)
{
    char buf[INET6_ADDRSTRLEN];
    struct rpc_subnet addr;
    if (!sa)
        return false;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, buf, sizeof(buf));
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, buf, sizeof(buf));
    else
        return false;
    if (!parse_ip(&addr, buf))
        return false;
    for (size_t i = 0; i < s->allow_count; i++) {
        if (subnet_match(&s->allow[i], &addr))
            return true;
    }
    return false;
}

/* ---- replies (loop thread) ------------------------------------------- */

static const char *reason(int status)
{
    switch (status) {
    case 200: return "OK";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 413: return "Payload Too Large";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Error";
    }
}

static void on_reply_complete(struct evhttp_request *req, void *arg)
{
    (void)req;
    struct rpc_server *s = arg;
    s->in_flight--;
}

static void send_reply(struct rpc_server *s, struct evhttp_request *req, int status, const char *content_type,
                       const void *body, size_t len)
{
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    if (content_type)
        evhttp_add_header(h, "Content-Type", content_type);
    if (status == 401)
        evhttp_add_header(h, "WWW-Authenticate", WWW_AUTH);
    struct evbuffer *buf = evbuffer_new();
    if (len)
        evbuffer_add(buf, body, len);
    if (evhttp_request_get_connection(req)) {
        s->in_flight++;
        evhttp_request_set_on_complete_cb(req, on_reply_complete, s);
    }
    evhttp_send_reply(req, status, reason(status), buf);
    evbuffer_free(buf);
}

static void send_text(struct rpc_server *s, struct evhttp_request *req, int status, const char *text)
{
    send_reply(s, req, status, text ? "text/html; charset=ISO-8859-1" : NULL, text, text ? strlen(text) : 0);
}

static void job_free(struct job *j)
{
    mem_free(j->body);
    mem_free(j->query);
    mem_free(j->reply);
    mem_free(j);
}

static void job_send(struct job *j)
{
    send_reply(j->s, j->req, j->status, j->content_type, j->reply, j->reply_len);
    job_free(j);
}

/* Sends every finished job (event callback, and rpc_server_stop()). */
static void drain_done(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct rpc_server *s = arg;
    pthread_mutex_lock(&s->lock);
    struct job *list = s->done_head;
    s->done_head = s->done_tail = NULL;
    pthread_mutex_unlock(&s->lock);
    while (list) {
        struct job *next = list->next;
        job_send(list);
        list = next;
    }
}

/* ---- workers ---------------------------------------------------------- */

static void run_job(struct job *j)
{
    struct rpc_server *s = j->s;
    if (j->kind == JOB_RPC) {
        char *reply = NULL;
        rpc_wallet_set_request_uri(j->query); /* the URI, for /wallet/<name> */
        j->status = rpc_jsonrpc_process(s->table, s->ctx, &reply, j->body, j->len);
        rpc_wallet_set_request_uri(NULL);
        j->content_type = reply ? "application/json" : NULL;
        j->reply = (uint8_t *)reply;
        j->reply_len = reply ? strlen(reply) : 0;
        return;
    }
    struct rest_reply r = { .status = 200, .content_type = "text/plain" };
    wbuf_init(&r.body);
    j->route->handler(s->ctx, &r, j->body, j->query);
    j->status = r.status;
    j->content_type = r.content_type;
    j->reply = wbuf_detach(&r.body, &j->reply_len);
}

static void *worker_main(void *arg)
{
    struct rpc_server *s = arg;
    for (;;) {
        pthread_mutex_lock(&s->lock);
        while (!s->queue_head && !s->quit)
            pthread_cond_wait(&s->cond, &s->lock);
        struct job *j = s->queue_head;
        if (!j) { /* quit and the queue is empty */
            pthread_mutex_unlock(&s->lock);
            rpc_error_thread_clear();
            return NULL;
        }
        s->queue_head = j->next;
        if (!s->queue_head)
            s->queue_tail = NULL;
        s->queue_len--;
        pthread_mutex_unlock(&s->lock);

        run_job(j);

        j->next = NULL;
        pthread_mutex_lock(&s->lock);
        if (s->done_tail)
            s->done_tail->next = j;
        else
            s->done_head = j;
        s->done_tail = j;
        pthread_mutex_unlock(&s->lock);
        event_active(s->done_ev, EV_READ, 0);
    }
}

/* Queues j; false if the queue is full or the server is stopping. */
static bool enqueue(struct rpc_server *s, struct job *j)
{
    pthread_mutex_lock(&s->lock);
    bool ok = !s->quit && s->queue_len < s->queue_max;
    if (ok) {
        j->next = NULL;
        if (s->queue_tail)
            s->queue_tail->next = j;
        else
            s->queue_head = j;
        s->queue_tail = j;
        s->queue_len++;
        pthread_cond_signal(&s->cond);
    }
    pthread_mutex_unlock(&s->lock);
    return ok;
}

/* ---- request dispatch (loop thread) ----------------------------------- */

static void handle_rest(struct rpc_server *s, struct evhttp_request *req, const char *uri)
{
    size_t plen = strcspn(uri, "?");
    char *path = mem_alloc(plen + 1);
    memcpy(path, uri, plen);
    path[plen] = '\0';
    const struct rest_route *route = rpc_table_find_rest(s->table, path);
    if (!route) {
        mem_free(path);
        send_text(s, req, 404, NULL);
        return;
    }
    char status[256];
    if (rpc_table_in_warmup(s->table, status, sizeof(status))) {
        char msg[300];
        snprintf(msg, sizeof(msg), "Service temporarily unavailable: %s\r\n", status);
        mem_free(path);
        send_reply(s, req, 503, "text/plain", msg, strlen(msg));
        return;
    }
    struct job *j = mem_calloc(1, sizeof(*j));
    j->s = s;
    j->req = req;
    j->kind = JOB_REST;
    j->route = route;
    size_t n = strlen(route->prefix);
    j->body = mem_strdup(path + n);
    j->query = uri[plen] == '?' ? mem_strdup(uri + plen + 1) : NULL;
    mem_free(path);
    if (!enqueue(s, j)) {
        job_free(j);
        log_printf(LOG_HTTP, LOG_LEVEL_WARNING, "WARNING: request rejected because http work queue depth exceeded, it can be increased with the -rpcworkqueue= setting");
        send_text(s, req, 503, "Work queue depth exceeded");
    }
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Queues an authenticated JSON-RPC request for a worker. */
static void run_rpc(struct rpc_server *s, struct evhttp_request *req)
{
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    struct job *j = mem_calloc(1, sizeof(*j));
    j->s = s;
    j->req = req;
    j->kind = JOB_RPC;
    const char *uri = evhttp_request_get_uri(req);
    j->query = uri ? mem_strdup(uri) : NULL; /* RPC jobs keep their URI here */
    j->len = evbuffer_get_length(in);
    j->body = mem_alloc(j->len + 1);
    evbuffer_remove(in, j->body, j->len);
    j->body[j->len] = '\0';
    if (!enqueue(s, j)) {
        job_free(j);
        log_printf(LOG_HTTP, LOG_LEVEL_WARNING, "WARNING: request rejected because http work queue depth exceeded, it can be increased with the -rpcworkqueue= setting");
        send_text(s, req, 503, "Work queue depth exceeded");
    }
}

static void log_failed_login(struct rpc_server *s, struct evhttp_request *req, int64_t now)
{
    unsigned left_out;
    bool log = rpc_auth_throttle_log(&s->throttle, &left_out, now);
    if (left_out)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
                   "ThreadRPCServer: %u more incorrect password attempts were not logged (at most %d a minute are)",
                   left_out, RPC_AUTH_THROTTLE_LOG_BURST);
    if (!log)
        return;
    char peer[INET6_ADDRSTRLEN] = "?";
    struct evhttp_connection *con = evhttp_request_get_connection(req);
    char *host = NULL;
    ev_uint16_t port = 0;
    if (con) {
        evhttp_connection_get_peer(con, &host, &port);
        if (host)
            snprintf(peer, sizeof(peer), "%s", host);
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "ThreadRPCServer incorrect password attempt from %s:%u", peer,
               (unsigned)port);
}

/* Arms the gate timer if a 401 or a waiting request needs the gate to open. */
static void arm_gate(struct rpc_server *s, int64_t now)
{
    if (!s->auth_failed && rpc_auth_throttle_waiting(&s->throttle) == 0)
        return;
    int64_t wait = rpc_auth_throttle_open_at(&s->throttle) - now;
    if (wait < 0)
        wait = 0;
    struct timeval tv = { (time_t)(wait / 1000), (suseconds_t)(wait % 1000) * 1000 };
    evtimer_add(s->gate_ev, &tv);
}

/* Checks req's credentials (the gate is open): a good login runs; a bad one
 * closes the gate and is answered with 401 when it opens again. */
static void check_credentials(struct rpc_server *s, struct evhttp_request *req, int64_t now)
{
    const char *auth = evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization");
    char user[128];
    if (auth && rpc_auth_check_header(s->auth, user, sizeof(user), auth)) {
        run_rpc(s, req);
        return;
    }
    log_failed_login(s, req, now);
    rpc_auth_throttle_failed(&s->throttle, now);
    s->auth_failed = req;
}

/* The gate timer: once it is open, sends the pending 401 and checks the
 * waiting requests in order until one fails (which closes it again). */
static void gate_fire(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct rpc_server *s = arg;
    int64_t now = mono_ms();
    if (now >= rpc_auth_throttle_open_at(&s->throttle)) {
        if (s->auth_failed) {
            struct evhttp_request *req = s->auth_failed;
            s->auth_failed = NULL;
            send_reply(s, req, 401, NULL, NULL, 0);
        }
        struct evhttp_request *req;
        while (!s->auth_failed && (req = rpc_auth_throttle_next(&s->throttle, now)) != NULL) {
            if (!evhttp_request_get_connection(req)) {
                /* The client has gone: nothing to check; this frees req. */
                send_reply(s, req, 401, NULL, NULL, 0);
                continue;
            }
            check_credentials(s, req, now);
        }
    }
    arm_gate(s, now);
}

static void handle_rpc(struct rpc_server *s, struct evhttp_request *req)
{
    if (evhttp_request_get_command(req) != EVHTTP_REQ_POST) {
        send_text(s, req, 405, "JSONRPC server handles only POST requests");
        return;
    }
    if (!evhttp_find_header(evhttp_request_get_input_headers(req), "Authorization")) {
        send_reply(s, req, 401, NULL, NULL, 0);
        return;
    }
    /* Credentials are checked only while the throttle's gate is open
     * (auth_throttle.h): otherwise the request waits its turn. */
    int64_t now = mono_ms();
    if (!s->auth_failed && rpc_auth_throttle_may_check(&s->throttle, now)) {
        check_credentials(s, req, now);
    } else if (!rpc_auth_throttle_push(&s->throttle, req)) {
        /* Refused unchecked, so it tells nothing about the password. */
        if (s->busy_log_ms == INT64_MIN || now - s->busy_log_ms >= RPC_AUTH_THROTTLE_LOG_WINDOW_MS) {
            s->busy_log_ms = now;
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING,
                       "ThreadRPCServer: %d requests already wait behind failed logins; refusing more (503) for now",
                       RPC_AUTH_THROTTLE_MAX_WAITING);
        }
        evhttp_add_header(evhttp_request_get_output_headers(req), "Connection", "close");
        send_text(s, req, 503, "Too many requests waiting behind failed logins");
        return;
    }
    arm_gate(s, now);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    struct rpc_server *s = arg;
    struct evhttp_connection *con = evhttp_request_get_connection(req);
    const struct sockaddr *sa = con ? evhttp_connection_get_addr(con) : NULL;
    const char *uri = evhttp_request_get_uri(req);
    log_printf(LOG_HTTP, LOG_LEVEL_DEBUG, "Received a request for %s", uri ? uri : "");
    if (!client_allowed(s, sa)) {
        send_text(s, req, 403, NULL);
        return;
    }
    if (!uri || uri[0] != '/') {
        send_text(s, req, 404, NULL);
        return;
    }
    /* /explorer is the reserve explorer's page, a REST route like the others (doc/explorer.md). */
    if (s->rest && (!strncmp(uri, "/rest/", 6) || !strncmp(uri, "/explorer", 9))) {
        handle_rest(s, req, uri);
        return;
    }
    handle_rpc(s, req);
}

/* ---- start / stop ----------------------------------------------------- */

/* Splits "host", "host:port", "[v6]", "[v6]:port" (Core's SplitHostPort). */
static bool split_host_port(char *host, size_t cap, uint16_t *port, const char *in)
{
    const char *h = in;
    size_t hlen = strlen(in);
    const char *colon = strrchr(in, ':');
    bool bracketed = in[0] == '[';
    /* A port only if the colon follows "]" or is the only colon. */
    if (colon && (bracketed ? colon > in && colon[-1] == ']' : strchr(in, ':') == colon)) {
        char *end;
        unsigned long p = strtoul(colon + 1, &end, 10);
        if (*end || colon[1] == '\0' || p == 0 || p > 65535)
            return false;
        *port = (uint16_t)p;
        hlen = (size_t)(colon - in);
    }
    if (bracketed && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    if (hlen == 0 || hlen >= cap)
        return false;
    memcpy(host, h, hlen);
    host[hlen] = '\0';
    return true;
}

static uint16_t socket_port(evutil_socket_t fd)
{
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return 0;
    if (ss.ss_family == AF_INET)
        return ntohs(((struct sockaddr_in *)&ss)->sin_port);
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return 0;
}

/*
 * libevent's listener retries a failed accept() at once. Out of file
 * descriptors (EMFILE) the pending connection stays pending, so that is a
 * busy loop, which without an error callback also writes "Error from
 * accept() call" to stderr each time (130 MB in 10 s in a test). Pause the
 * listener instead: new connections wait in the kernel's backlog until
 * accept_resume() enables it again.
 */
static void accept_error(struct evconnlistener *lev, void *http)
{
    (void)http;
    int e = EVUTIL_SOCKET_ERROR();
    log_printf(LOG_HTTP, LOG_LEVEL_WARNING, "RPC server: accept() failed (%s); new connections wait up to %d ms",
               evutil_socket_error_to_string(e), ACCEPT_RESUME_MS);
    evconnlistener_disable(lev);
}

/* Timer: enables every listener again (a no-op for those not paused).
 * Periodic, because accept_error() only gets the evhttp, not the server. */
static void accept_resume(evutil_socket_t fd, short what, void *arg)
{
    (void)fd;
    (void)what;
    struct rpc_server *s = arg;
    for (size_t i = 0; i < s->bound_count; i++)
        evconnlistener_enable(evhttp_bound_socket_get_listener(s->bound[i]));
}

static bool bind_one(struct rpc_server *s, const char *host, uint16_t port)
{
    /* With port 0, every endpoint after the first reuses its port. */
    if (port == 0 && s->port)
        port = s->port;
    log_printf(LOG_HTTP, LOG_LEVEL_INFO, "Binding RPC on address %s port %u", host, (unsigned)port);
    struct evhttp_bound_socket *b = evhttp_bind_socket_with_handle(s->http, host, port);
    if (!b) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Binding RPC on address %s port %u failed.", host, (unsigned)port);
        return false;
    }
    evconnlistener_set_error_cb(evhttp_bound_socket_get_listener(b), accept_error);
    s->bound = mem_realloc(s->bound, (s->bound_count + 1) * sizeof(s->bound[0]));
    s->bound[s->bound_count++] = b;
    if (!s->port)
        s->port = socket_port(evhttp_bound_socket_get_fd(b));
    return true;
}

static void add_allow(struct rpc_server *s, const struct rpc_subnet *sn)
{
    s->allow = mem_realloc(s->allow, (s->allow_count + 1) * sizeof(s->allow[0]));
    s->allow[s->allow_count++] = *sn;
}

static struct rpc_server *fail(struct rpc_server *s, char *err, size_t errlen, const char *msg, const char *arg)
{
    if (errlen)
        snprintf(err, errlen, "%s%s", msg, arg ? arg : "");
    rpc_server_stop(s);
    return NULL;
}

struct rpc_server *rpc_server_start(struct event_base *base, const struct rpc_server_options *o, struct rpc_table *t,
                                    struct rpc_context *ctx, char *err, size_t errlen)
{
    struct rpc_server *s = mem_calloc(1, sizeof(*s));
    s->base = base;
    s->table = t;
    s->ctx = ctx;
    s->rest = o->rest;
    s->auth = rpc_auth_new();
    pthread_mutex_init(&s->lock, NULL);
    pthread_cond_init(&s->cond, NULL);
    s->queue_max = o->workqueue > 0 ? (size_t)o->workqueue : 1;
    rpc_auth_throttle_init(&s->throttle, RPC_AUTH_THROTTLE_MAX_WAITING);
    s->busy_log_ms = INT64_MIN;

    /* Subnets: loopback always, then -rpcallowip. */
    struct rpc_subnet sn;
    if (!rpc_subnet_parse(&sn, "127.0.0.0/8") || (add_allow(s, &sn), !rpc_subnet_parse(&sn, "::1")))
        return fail(s, err, errlen, "internal error: loopback subnet", NULL);
    add_allow(s, &sn);
    for (size_t i = 0; i < o->allowip_count; i++) {
        if (!rpc_subnet_parse(&sn, o->allowips[i]))
            return fail(s, err, errlen, "Invalid -rpcallowip subnet specification: ", o->allowips[i]);
        add_allow(s, &sn);
    }

    /* Credentials. */
    for (size_t i = 0; i < o->rpcauth_count; i++) {
        if (!rpc_auth_add_rpcauth(s->auth, o->rpcauth[i]))
            return fail(s, err, errlen, "Invalid -rpcauth argument.", NULL);
    }
    if (o->password && o->password[0]) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Config options rpcuser and rpcpassword will soon be deprecated. Locally-run instances may remove rpcuser to use cookie-based auth, or may be replaced with rpcauth. Please see share/rpcauth for rpcauth auth generation.");
        rpc_auth_add_password(s->auth, o->user ? o->user : "", o->password);
    } else if (o->cookie_path) {
        char pw[65];
        if (!rpc_auth_cookie_write(pw, o->cookie_path)) {
            char why[300];
            snprintf(why, sizeof(why), "%s (%s)", o->cookie_path, strerror(errno));
            return fail(s, err, errlen, "Unable to start HTTP server. Could not write the authentication cookie: ", why);
        }
        s->cookie_path = mem_strdup(o->cookie_path);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Generated RPC authentication cookie %s", o->cookie_path);
        rpc_auth_add_password(s->auth, RPC_COOKIE_USER, pw);
        memset(pw, 0, sizeof(pw));
    }

    s->http = evhttp_new(base);
    s->done_ev = event_new(base, -1, 0, drain_done, s);
    s->gate_ev = evtimer_new(base, gate_fire, s);
    if (!s->http || !s->done_ev || !s->gate_ev)
        return fail(s, err, errlen, "Unable to start HTTP server. See debug log for details.", NULL);
    evhttp_set_timeout(s->http, o->servertimeout > 0 ? o->servertimeout : RPC_SERVER_DEFAULT_TIMEOUT);
    evhttp_set_max_headers_size(s->http, RPC_SERVER_MAX_HEADERS_SIZE);
    evhttp_set_max_body_size(s->http, RPC_SERVER_MAX_BODY_SIZE);
    evhttp_set_allowed_methods(s->http, EVHTTP_REQ_GET | EVHTTP_REQ_POST | EVHTTP_REQ_HEAD | EVHTTP_REQ_PUT |
                                            EVHTTP_REQ_OPTIONS | EVHTTP_REQ_DELETE);
    evhttp_set_gencb(s->http, on_request, s);

    /* Endpoints: loopback unless both -rpcbind and -rpcallowip are set. */
    if (o->bind_count == 0 || o->allowip_count == 0) {
        if (o->allowip_count)
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "WARNING: option -rpcallowip was specified without -rpcbind; this doesn't usually make sense");
        if (o->bind_count)
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "WARNING: option -rpcbind was ignored because -rpcallowip was not specified, refusing to allow everyone to connect");
        bind_one(s, "127.0.0.1", o->port);
        bind_one(s, "::1", o->port);
    } else {
        for (size_t i = 0; i < o->bind_count; i++) {
            char host[256];
            uint16_t port = o->port;
            if (!split_host_port(host, sizeof(host), &port, o->binds[i]))
                return fail(s, err, errlen, "Invalid -rpcbind address: ", o->binds[i]);
            bind_one(s, host, port);
        }
    }
    if (s->bound_count == 0)
        return fail(s, err, errlen, "Unable to bind any endpoint for RPC server", NULL);
    s->accept_ev = event_new(base, -1, EV_PERSIST, accept_resume, s);
    struct timeval resume = { ACCEPT_RESUME_MS / 1000, (ACCEPT_RESUME_MS % 1000) * 1000 };
    if (!s->accept_ev || event_add(s->accept_ev, &resume) != 0)
        return fail(s, err, errlen, "Unable to start HTTP server. See debug log for details.", NULL);

    int n = o->threads > 0 ? o->threads : 1;
    s->threads = mem_calloc((size_t)n, sizeof(pthread_t));
    for (int i = 0; i < n; i++) {
        if (pthread_create(&s->threads[i], NULL, worker_main, s) != 0)
            return fail(s, err, errlen, "Unable to start HTTP server. See debug log for details.", NULL);
        s->thread_count++;
    }
    log_printf(LOG_HTTP, LOG_LEVEL_INFO, "HTTP: starting %d worker threads", n);
    ctx->table = t;
    ctx->server = s;
    return s;
}

uint16_t rpc_server_port(const struct rpc_server *s)
{
    return s->port;
}

void rpc_server_set_warmup(struct rpc_server *s, const char *status)
{
    rpc_table_set_warmup(s->table, status ? status : "");
}

void rpc_server_set_warmup_finished(struct rpc_server *s)
{
    rpc_table_set_warmup(s->table, NULL);
}

void rpc_server_stop(struct rpc_server *s)
{
    if (!s)
        return;
    /* No new connections. */
    if (s->accept_ev)
        event_free(s->accept_ev);
    for (size_t i = 0; i < s->bound_count; i++)
        evhttp_del_accept_socket(s->http, s->bound[i]);
    /* Workers finish the queue, then exit. */
    pthread_mutex_lock(&s->lock);
    s->quit = true;
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
    for (int i = 0; i < s->thread_count; i++)
        pthread_join(s->threads[i], NULL);
    /* Send what is left: finished jobs, the pending 401, and 503 to the
     * requests still waiting for the login gate (never checked). */
    if (s->done_ev)
        drain_done(-1, 0, s);
    if (s->gate_ev) {
        event_free(s->gate_ev);
        s->gate_ev = NULL;
    }
    if (s->auth_failed) {
        send_reply(s, s->auth_failed, 401, NULL, NULL, 0);
        s->auth_failed = NULL;
    }
    struct evhttp_request *waiting;
    while ((waiting = rpc_auth_throttle_take(&s->throttle)) != NULL)
        send_text(s, waiting, 503, NULL);
    /* Let the loop write the replies out (bounded: a peer may not read). */
    struct timespec start, now;
    clock_gettime(CLOCK_MONOTONIC, &start);
    while (s->http && s->in_flight > 0) {
        if (event_base_loop(s->base, EVLOOP_NONBLOCK) < 0)
            break; /* called from inside the loop: cannot flush */
        clock_gettime(CLOCK_MONOTONIC, &now);
        if ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000 > 2000)
            break;
        if (s->in_flight > 0)
            usleep(2000);
    }
    if (s->http)
        evhttp_free(s->http);
    if (s->done_ev)
        event_free(s->done_ev);
    if (s->cookie_path) {
        rpc_auth_cookie_remove(s->cookie_path);
        mem_free(s->cookie_path);
    }
    if (s->ctx && s->ctx->server == s)
        s->ctx->server = NULL;
    rpc_auth_free(s->auth);
    rpc_auth_throttle_clear(&s->throttle);
    pthread_mutex_destroy(&s->lock);
    pthread_cond_destroy(&s->cond);
    mem_free(s->threads);
    mem_free(s->bound);
    mem_free(s->allow);
    mem_free(s);
}
