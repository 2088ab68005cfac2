/* hashmint-cli: bitcoin-cli's behaviour against hashmintd. Options come from
 * the command line (first) and hashmint.conf (its [main]/[test]/[regtest]/
 * [bitcoin] section for the chain, then the top level), read by
 * src/node/args.c as hashmintd reads them; credentials from
 * -rpcpassword or the cookie file; one blocking HTTP/1.1 POST per call. */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consensus/params.h"
#include "src/util/base64.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_auth.h"
#include "src/node/args.h"
#include "src/rpc/rpc_client.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"

#define DEFAULT_RPCCONNECT "127.0.0.1"
#define DEFAULT_HTTP_CLIENT_TIMEOUT 900
#define CURRENCY_UNIT "HMC"

/* ---- settings --------------------------------------------------------- */

/* The command line and hashmint.conf, parsed and looked up by src/node/args.c
 * (Core's precedence: the command line's last value, then the chain's
 * section, then the file's top level; network-only options such as
 * -rpcport apply from the top level to main only). */
static struct args *g_args;
static const char *chain_name = "main";

static const char *get_arg(const char *key)
{
    return args_get(g_args, key, NULL);
}

static const char *get_str(const char *key, const char *def)
{
    return args_get(g_args, key, def);
}

/* Core's InterpretBool: "" is true, else the number's truth. */
static bool get_bool(const char *key, bool def)
{
    return args_get_bool(g_args, key, def);
}

static long get_int(const char *key, long def)
{
    const char *v = get_arg(key);
    return v ? strtol(v, NULL, 10) : def;
}

static bool is_set(const char *key)
{
    return args_is_set(g_args, key);
}

/* Parses the leading "-name[=value]" options (the first other argument is
 * the method). Returns the index of the first non-option argument, or -1
 * after printing an error. */
static int parse_command_line(int argc, char **argv)
{
    int first = 1;
    while (first < argc && argv[first][0] == '-' && argv[first][1] != '\0')
        first++;
    char err[512];
    if (!args_parse_argv(g_args, first, argv, err, sizeof(err))) {
        fprintf(stderr, "Error parsing command line arguments: %s\n", err);
        return -1;
    }
    return first;
}

/* ---- paths ------------------------------------------------------------ */

static char *path_join(const char *a, const char *b)
{
    if (b[0] == '/')
        return mem_strdup(b);
    size_t na = strlen(a), nb = strlen(b);
    char *p = mem_alloc(na + nb + 2);
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    return p;
}

static char *default_datadir(void)
{
    const char *home = getenv("HOME");
    return path_join(home && home[0] ? home : "/", ".hashmint");
}

static char *chain_datadir(const char *datadir)
{
    if (!strcmp(chain_name, "main"))
        return mem_strdup(datadir);
    return path_join(datadir, !strcmp(chain_name, "test") ? "testnet" : chain_name);
}

/* ---- HTTP ------------------------------------------------------------- */

struct http_reply {
    int status; /* 0: no connection */
    char *body;
    size_t len;
    char error[128]; /* why status is 0 */
};

/* Splits "host", "host:port", "[v6]:port" (Core's SplitHostPort). Returns
 * false if a port is given but invalid. Out: host (heap), *port (0 if none). */
static bool split_host_port(char **host, uint16_t *port, const char *in)
{
    *port = 0;
    size_t hlen = strlen(in);
    const char *colon = strrchr(in, ':');
    bool bracketed = in[0] == '[';
    if (colon && (bracketed ? colon > in && colon[-1] == ']' : strchr(in, ':') == colon)) {
        char *end;
        unsigned long p = strtoul(colon + 1, &end, 10);
        hlen = (size_t)(colon - in);
        if (*end || colon[1] == '\0' || p == 0 || p > 65535) {
            *host = mem_strdup(in);
            return false;
        }
        *port = (uint16_t)p;
    }
    const char *h = in;
    if (bracketed && hlen >= 2 && h[hlen - 1] == ']') {
        h++;
        hlen -= 2;
    }
    *host = mem_alloc(hlen + 1);
    memcpy(*host, h, hlen);
    (*host)[hlen] = '\0';
    return true;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for fd to be ready for `events` until deadline (0: forever). */
static bool wait_fd(int fd, short events, int64_t deadline)
{
    for (;;) {
        int timeout = -1;
        if (deadline) {
            int64_t left = deadline - now_ms();
            if (left <= 0)
                return false;
            timeout = left > 1000000 ? 1000000 : (int)left;
        }
        struct pollfd p = { fd, events, 0 };
        int r = poll(&p, 1, timeout);
        if (r > 0)
            return true;
        if (r == 0 && deadline)
            continue;
        if (r < 0 && errno != EINTR)
            return false;
    }
}

static int connect_to(const char *host, uint16_t port, int64_t deadline, char *why, size_t whylen)
{
    struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
    struct addrinfo *res = NULL;
    char portstr[8];
    snprintf(portstr, sizeof(portstr), "%u", (unsigned)port);
    if (getaddrinfo(host, portstr, &hints, &res) != 0 || !res) {
        snprintf(why, whylen, "name lookup failed");
        return -1;
    }
    int fd = -1;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, ai->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0) {
            bool ok = false;
            if (errno == EINPROGRESS && wait_fd(fd, POLLOUT, deadline)) {
                int soerr = 0;
                socklen_t sl = sizeof(soerr);
                ok = getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0;
            }
            if (!ok) {
                close(fd);
                fd = -1;
            }
        }
    }
    freeaddrinfo(res);
    return fd;
}

static bool send_all(int fd, const char *p, size_t len, int64_t deadline)
{
    while (len > 0) {
        if (!wait_fd(fd, POLLOUT, deadline))
            return false;
        ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
        if (n < 0) {
            if (errno == EINTR || errno == EAGAIN)
                continue;
            return false;
        }
        p += n;
        len -= (size_t)n;
    }
    return true;
}

/* The endpoint path: "/" or, with -rpcwallet, "/wallet/<name>" with the
 * name percent-encoded (Core's bitcoin-cli). */
static char rpc_path[1024] = "/";
static void set_rpc_wallet(const char *name)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = (size_t)snprintf(rpc_path, sizeof(rpc_path), "/wallet/");
    for (const unsigned char *p = (const unsigned char *)name; *p && n + 4 < sizeof(rpc_path); p++) {
        if ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr("-_.~", *p)) {
            rpc_path[n++] = (char)*p;
        } else {
            rpc_path[n++] = '%';
            rpc_path[n++] = hex[*p >> 4];
            rpc_path[n++] = hex[*p & 15];
        }
    }
    rpc_path[n] = '\0';
}

/* POSTs body to host:port with Basic auth; reads the reply to EOF. */
static void http_post(struct http_reply *r, const char *host, uint16_t port, const char *userpass, const char *body,
                      int timeout_s)
{
    memset(r, 0, sizeof(*r));
    int64_t deadline = timeout_s > 0 ? now_ms() + (int64_t)timeout_s * 1000 : 0;
    int fd = connect_to(host, port, deadline, r->error, sizeof(r->error));
    if (fd < 0)
        return;
    char *auth = base64_encode((const unsigned char *)userpass, strlen(userpass));
    size_t blen = strlen(body);
    size_t hcap = strlen(host) + strlen(auth) + strlen(rpc_path) + 256;
    char *head = mem_alloc(hcap);
    int hlen = snprintf(head, hcap,
                        "POST %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\nContent-Type: application/json\r\n"
                        "Authorization: Basic %s\r\nContent-Length: %zu\r\n\r\n",
                        rpc_path, host, auth, blen);
    mem_wipe(auth, strlen(auth));
    mem_free(auth);
    bool ok = send_all(fd, head, (size_t)hlen, deadline) && send_all(fd, body, blen, deadline);
    mem_wipe(head, (size_t)hlen);
    mem_free(head);
    struct wbuf in;
    wbuf_init(&in);
    while (ok) {
        if (!wait_fd(fd, POLLIN, deadline)) {
            snprintf(r->error, sizeof(r->error), " (error code 0 - \"timeout reached\")");
            ok = false;
            break;
        }
        char buf[65536];
        ssize_t n = recv(fd, buf, sizeof(buf), 0);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            continue;
        if (n <= 0)
            break;
        wbuf_put(&in, buf, (size_t)n);
    }
    close(fd);
    wbuf_put(&in, "", 1);
    char *text = (char *)in.data;
    /* "HTTP/1.1 200 OK\r\n" headers "\r\n\r\n" body */
    char *sep = strstr(text, "\r\n\r\n");
    if (ok && !strncmp(text, "HTTP/1.", 7) && sep) {
        r->status = atoi(text + 9);
        char *bodyp = sep + 4;
        size_t avail = in.len - 1 - (size_t)(bodyp - text);
        r->len = avail;
        r->body = mem_alloc(avail + 1);
        memcpy(r->body, bodyp, avail);
        r->body[avail] = '\0';
    } else if (ok && !r->error[0]) {
        snprintf(r->error, sizeof(r->error), " (error code 1 - \"EOF reached\")");
    }
    wbuf_clear(&in);
}

/* ---- calling ---------------------------------------------------------- */

struct call_error {
    bool connection; /* retryable with -rpcwait */
    char message[1024];
};

struct target {
    char *host;
    uint16_t port;
    char *userpass;    /* -rpcuser:-rpcpassword, or NULL to use the cookie */
    char *cookie_path; /* read again for every attempt, as Core does */
    char *conf_path;
    int timeout;
};

/* Core's CallRPC: one request, HTTP status checks, reply parsing. Returns
 * the parsed reply (new reference) or NULL with *e set. */
static json_t *call_rpc(const struct target *t, const json_t *request, struct call_error *e)
{
    char *body = rpc_json_write(request, 0);
    struct http_reply r;
    char *cookie = NULL;
    bool no_cookie = false;
    if (!t->userpass && !rpc_auth_cookie_read(&cookie, t->cookie_path))
        no_cookie = true;
    const char *userpass = t->userpass ? t->userpass : cookie ? cookie : ":";
    http_post(&r, t->host, t->port, userpass, body, t->timeout);
    if (cookie)
        mem_wipe(cookie, strlen(cookie));
    mem_free(cookie);
    mem_free(body);
    json_t *reply = NULL;
    e->connection = false;
    if (r.status == 0) {
        e->connection = true;
        snprintf(e->message, sizeof(e->message),
                 "Could not connect to the server %s:%u%s\n\nMake sure the hashmintd server is running and that you "
                 "are connecting to the correct RPC port.\nUse \"hashmint-cli -help\" for more info.",
                 t->host, (unsigned)t->port, r.error[0] == ' ' ? r.error : "");
    } else if (r.status == 401) {
        if (no_cookie)
            snprintf(e->message, sizeof(e->message),
                     "Could not locate RPC credentials. No authentication cookie could be found, and RPC password is "
                     "not set.  See -rpcpassword and -stdinrpcpass.  Configuration file: (%s)",
                     t->conf_path);
        else
            snprintf(e->message, sizeof(e->message), "Authorization failed: Incorrect rpcuser or rpcpassword");
    } else if (r.status == 503) {
        snprintf(e->message, sizeof(e->message), "Server response: %s", r.body ? r.body : "");
    } else if (r.status >= 400 && r.status != 400 && r.status != 404 && r.status != 500) {
        snprintf(e->message, sizeof(e->message), "server returned HTTP error %d", r.status);
    } else if (!r.body || r.len == 0) {
        snprintf(e->message, sizeof(e->message), "no response from server");
    } else {
        json_error_t jerr;
        reply = json_loadb(r.body, r.len, JSON_DECODE_ANY, &jerr);
        if (!reply || (!json_is_object(reply) && !json_is_array(reply))) {
            json_decref(reply);
            reply = NULL;
            snprintf(e->message, sizeof(e->message), "couldn't parse reply from server");
        }
    }
    mem_free(r.body);
    return reply;
}

static bool is_warmup(const json_t *reply)
{
    const json_t *err = json_object_get(reply, "error");
    return err && json_is_object(err) && json_integer_value(json_object_get(err, "code")) == RPC_IN_WARMUP;
}

/* Core's ConnectAndCallRPC: -rpcwait retries connection failures and
 * warm-up once a second until -rpcwaittimeout. */
static json_t *connect_and_call(const struct target *t, const json_t *request, struct call_error *e)
{
    bool wait = get_bool("rpcwait", false);
    long timeout = get_int("rpcwaittimeout", 0);
    int64_t deadline = now_ms() + timeout * 1000;
    for (;;) {
        json_t *reply = call_rpc(t, request, e);
        if (reply && wait && json_is_object(reply) && is_warmup(reply)) {
            json_decref(reply);
            reply = NULL;
            e->connection = true;
            snprintf(e->message, sizeof(e->message), "server in warmup");
        }
        if (reply || !e->connection)
            return reply;
        if (wait && (timeout <= 0 || now_ms() < deadline)) {
            sleep(1);
            continue;
        }
        if (wait) {
            char m[sizeof(e->message)];
            snprintf(m, sizeof(m), "timeout on transient error: %.990s", e->message);
            memcpy(e->message, m, sizeof(m));
        }
        return NULL;
    }
}

/* ---- -getinfo --------------------------------------------------------- */

enum { ID_NETWORKINFO, ID_BLOCKCHAININFO, ID_WALLETINFO, ID_BALANCES, ID_COUNT };

static json_t *request_obj(const char *method, json_t *params, json_t *id)
{
    json_t *r = json_object();
    json_object_set_new(r, "method", json_string(method));
    json_object_set_new(r, "params", params ? params : json_null());
    json_object_set_new(r, "id", id);
    json_object_set_new(r, "jsonrpc", json_string("2.0"));
    return r;
}

/* UniValue's getValStr: a string's text, a number's JSON, "" for null. */
static char *val_str(const json_t *v)
{
    if (!v || json_is_null(v))
        return mem_strdup("");
    if (json_is_string(v))
        return mem_strdup(json_string_value(v));
    return rpc_json_write(v, 0);
}

/* Builds -getinfo's text from the batch replies (Core's GetinfoRequestHandler
 * and ParseGetInfoResult: an error of getnetworkinfo or getblockchaininfo is
 * passed on). Returns the reply to print: {"result": text} or the failing
 * member's reply. */
static json_t *getinfo_process(json_t *batch, bool color)
{
    json_t *by_id[ID_COUNT] = { NULL };
    size_t i;
    json_t *m;
    json_array_foreach(batch, i, m)
    {
        json_t *id = json_object_get(m, "id");
        if (json_is_integer(id) && json_integer_value(id) >= 0 && json_integer_value(id) < ID_COUNT)
            by_id[json_integer_value(id)] = m;
    }
    for (int k = 0; k < ID_COUNT; k++) {
        if (!by_id[k]) {
            json_t *r = json_object();
            json_object_set_new(r, "error", json_pack("{s:i,s:s}", "code", RPC_PARSE_ERROR, "message",
                                                      "Batch member missing from reply"));
            return r;
        }
    }
    json_t *neterr = json_object_get(by_id[ID_NETWORKINFO], "error");
    if (neterr && !json_is_null(neterr))
        return json_incref(by_id[ID_NETWORKINFO]);
    json_t *bcerr = json_object_get(by_id[ID_BLOCKCHAININFO], "error");
    if (bcerr && !json_is_null(bcerr))
        return json_incref(by_id[ID_BLOCKCHAININFO]);
    json_t *net = json_object_get(by_id[ID_NETWORKINFO], "result");
    json_t *bc = json_object_get(by_id[ID_BLOCKCHAININFO], "result");

    const char *RESET = color ? "\x1B[0m" : "", *GREEN = color ? "\x1B[32m" : "", *BLUE = color ? "\x1B[34m" : "",
               *YELLOW = color ? "\x1B[33m" : "";
    struct wbuf out;
    wbuf_init(&out);
    char line[1024];
#define EMIT(...)                                                                                                  \
    do {                                                                                                           \
        snprintf(line, sizeof(line), __VA_ARGS__);                                                                 \
        wbuf_put(&out, line, strlen(line));                                                                        \
    } while (0)
    char *chain = val_str(json_object_get(bc, "chain"));
    char *blocks = val_str(json_object_get(bc, "blocks"));
    char *headers = val_str(json_object_get(bc, "headers"));
    char *difficulty = val_str(json_object_get(bc, "difficulty"));
    double progress = json_number_value(json_object_get(bc, "verificationprogress"));
    EMIT("%sChain: %s%s\n", BLUE, chain, RESET);
    EMIT("Blocks: %s\n", blocks);
    EMIT("Headers: %s\n", headers);
    EMIT("Verification progress: %.4f%%\n", progress * 100);
    EMIT("Difficulty: %s\n\n", difficulty);
    mem_free(chain);
    mem_free(blocks);
    mem_free(headers);
    mem_free(difficulty);

    char *in = val_str(json_object_get(net, "connections_in"));
    char *outc = val_str(json_object_get(net, "connections_out"));
    char *total = val_str(json_object_get(net, "connections"));
    EMIT("%sNetwork: in %s, out %s, total %s%s\n", GREEN, in, outc, total, RESET);
    mem_free(in);
    mem_free(outc);
    mem_free(total);
    char *version = val_str(json_object_get(net, "version"));
    EMIT("Version: %s\n", version);
    mem_free(version);
    char *offset = val_str(json_object_get(net, "timeoffset"));
    EMIT("Time offset (s): %s\n", offset);
    mem_free(offset);
    char *proxy = val_str(json_object_get(json_array_get(json_object_get(net, "networks"), 0), "proxy"));
    EMIT("Proxy: %s\n", proxy[0] ? proxy : "N/A");
    mem_free(proxy);
    char *relayfee = val_str(json_object_get(net, "relayfee"));
    EMIT("Min tx relay fee rate (%s/kvB): %s\n\n", CURRENCY_UNIT, relayfee);
    mem_free(relayfee);
    const json_t *w = json_object_get(net, "warnings");
    struct wbuf warn;
    wbuf_init(&warn);
    if (json_is_array(w)) {
        size_t k;
        const json_t *s;
        json_array_foreach(w, k, s)
        {
            if (k)
                wbuf_put(&warn, "\n", 1);
            wbuf_put(&warn, json_string_value(s) ? json_string_value(s) : "", strlen(json_string_value(s) ? json_string_value(s) : ""));
        }
    } else if (json_is_string(w)) {
        wbuf_put(&warn, json_string_value(w), strlen(json_string_value(w)));
    }
    wbuf_put(&warn, "", 1);
    wbuf_put(&out, YELLOW, strlen(YELLOW));
    wbuf_put(&out, "Warnings:", 9);
    wbuf_put(&out, RESET, strlen(RESET));
    wbuf_put(&out, " ", 1);
    wbuf_put(&out, warn.data, strlen((char *)warn.data));
    wbuf_clear(&warn);
#undef EMIT
    json_t *r = json_object();
    json_object_set_new(r, "result", json_stringn((const char *)out.data, out.len));
    json_object_set_new(r, "error", json_null());
    wbuf_clear(&out);
    return r;
}

/* ---- main ------------------------------------------------------------- */

static void print_usage(void)
{
    printf("Hashmint RPC client version v%s\n\n", PACKAGE_VERSION);
    printf("Usage:  hashmint-cli [options] <command> [params]  Send command to hashmint\n"
           "or:     hashmint-cli [options] -named <command> [name=value]...  Send command to hashmint (with named "
           "arguments)\n"
           "or:     hashmint-cli [options] help                List commands\n"
           "or:     hashmint-cli [options] help <command>      Get help for a command\n\n");
    const struct chain_params *m = chain_params_get("main"), *t = chain_params_get("test"),
                              *r = chain_params_get("regtest");
    printf("Options:\n\n"
           "  -?\n       Print this help message and exit\n\n"
           "  -chain=<chain>\n       Use the chain <chain> (default: main). Allowed values: main, test, regtest, "
           "bitcoin\n\n"
           "  -color=<when>\n       Color setting for CLI output (default: auto). Valid values: always, auto (add "
           "color codes when standard output is connected to a terminal), never.\n\n"
           "  -conf=<file>\n       Specify configuration file. Relative paths will be prefixed by datadir location. "
           "(default: %s)\n\n"
           "  -datadir=<dir>\n       Specify data directory (default: ~/.hashmint)\n\n"
           "  -getinfo\n       Get general information from the remote server.\n\n"
           "  -named\n       Pass named instead of positional arguments (default: 0)\n\n"
           "  -regtest\n       Use the regression test chain. Equivalent to -chain=regtest.\n\n"
           "  -rpcclienttimeout=<n>\n       Timeout in seconds during HTTP requests, or 0 for no timeout. (default: "
           "%d)\n\n"
           "  -rpcconnect=<ip>\n       Send commands to node running on <ip> (default: %s)\n\n"
           "  -rpccookiefile=<loc>\n       Location of the auth cookie. Relative paths will be prefixed by a "
           "net-specific datadir location. (default: data dir)\n\n"
           "  -rpcpassword=<pw>\n       Password for JSON-RPC connections\n\n"
           "  -rpcport=<port>\n       Connect to JSON-RPC on <port> (default: %u, testnet: %u, regtest: %u)\n\n"
           "  -rpcuser=<user>\n       Username for JSON-RPC connections\n\n"
           "  -rpcwait\n       Wait for RPC server to start\n\n"
           "  -rpcwaittimeout=<n>\n       Timeout in seconds to wait for the RPC server to start, or 0 for no "
           "timeout. (default: 0)\n\n"
           "  -stdin\n       Read extra arguments from standard input, one per line until EOF/Ctrl-D. When combined "
           "with -stdinrpcpass, the first line from standard input is used for the RPC password.\n\n"
           "  -stdinrpcpass\n       Read RPC password from standard input as a single line.\n\n"
           "  -testnet\n       Use the test chain. Equivalent to -chain=test.\n\n"
           "  -version\n       Print version and exit\n",
           ARGS_CONFIG_FILENAME, DEFAULT_HTTP_CLIENT_TIMEOUT, DEFAULT_RPCCONNECT, m ? m->rpc_port : 0, t ? t->rpc_port : 0,
           r ? r->rpc_port : 0);
}

/* Reads one line from stdin without its newline; NULL at EOF. */
static char *read_line(void)
{
    struct wbuf w;
    wbuf_init(&w);
    int c;
    bool any = false;
    while ((c = getchar()) != EOF) {
        any = true;
        if (c == '\n')
            break;
        wbuf_u8(&w, (uint8_t)c);
    }
    if (!any) {
        wbuf_clear(&w);
        return NULL;
    }
    if (w.len && w.data[w.len - 1] == '\r')
        w.len--;
    wbuf_u8(&w, 0);
    size_t len;
    return (char *)wbuf_detach(&w, &len);
}

static int run(int argc, char **argv)
{
    int first = parse_command_line(argc, argv);
    if (first < 0)
        return EXIT_FAILURE;
    if (argc < 2 || is_set("?") || is_set("h") || is_set("help") || is_set("version")) {
        if (is_set("version"))
            printf("Hashmint RPC client version v%s\n", PACKAGE_VERSION);
        else
            print_usage();
        if (argc < 2) {
            fprintf(stderr, "Error: too few parameters\n");
            return EXIT_FAILURE;
        }
        return EXIT_SUCCESS;
    }

    char err[1024];
    char *datadir = get_arg("datadir") ? mem_strdup(get_arg("datadir")) : default_datadir();
    struct stat st;
    if (get_arg("datadir") && (stat(datadir, &st) != 0 || !S_ISDIR(st.st_mode))) {
        fprintf(stderr, "Error: Specified data directory \"%s\" does not exist.\n", get_arg("datadir"));
        mem_free(datadir);
        return EXIT_FAILURE;
    }
    char *conf_path = path_join(datadir, get_str("conf", ARGS_CONFIG_FILENAME));
    if (!args_read_config(g_args, conf_path, datadir, is_set("conf"), err, sizeof(err))) {
        fprintf(stderr, "%s\n", err);
        goto fail;
    }
    if (!args_select_chain(g_args, &chain_name, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        goto fail;
    }

    int ret = 0;
    char *print = NULL;
    json_t *request = NULL, *reply = NULL;
    char **args = NULL;
    size_t nargs = 0;
    struct target t = { 0 };
    t.conf_path = conf_path;
    t.timeout = (int)get_int("rpcclienttimeout", DEFAULT_HTTP_CLIENT_TIMEOUT);

    for (int i = first; i < argc; i++) {
        args = mem_realloc(args, (nargs + 1) * sizeof(args[0]));
        args[nargs++] = mem_strdup(argv[i]);
    }
    if (get_bool("stdinrpcpass", false)) {
        char *pw = read_line();
        if (!pw) {
            snprintf(err, sizeof(err), "-stdinrpcpass specified but failed to read from standard input");
            goto error;
        }
        args_force(g_args, "rpcpassword", pw);
        mem_wipe(pw, strlen(pw));
        mem_free(pw);
    }
    if (get_bool("stdin", false)) {
        char *line;
        while ((line = read_line())) {
            args = mem_realloc(args, (nargs + 1) * sizeof(args[0]));
            args[nargs++] = line;
        }
    }

    /* Host and port: -rpcport, then a port in -rpcconnect, then the chain's. */
    const struct chain_params *params = chain_params_get(chain_name);
    uint16_t port = params->rpc_port, cport = 0;
    const char *connect = get_str("rpcconnect", DEFAULT_RPCCONNECT);
    if (!split_host_port(&t.host, &cport, connect)) {
        snprintf(err, sizeof(err), "Invalid port provided in -rpcconnect: %s", connect);
        goto error;
    }
    if (cport)
        port = cport;
    if (is_set("rpcport")) {
        const char *ps = get_arg("rpcport");
        char *end;
        unsigned long p = strtoul(ps, &end, 10);
        if (*end || !ps[0] || p == 0 || p > 65535) {
            snprintf(err, sizeof(err), "Invalid port provided in -rpcport: %s", ps);
            goto error;
        }
        if (cport)
            fprintf(stderr, "Warning: Port specified in both -rpcconnect and -rpcport. Using -rpcport %lu\n", p);
        port = (uint16_t)p;
    }
    t.port = port;
    if (is_set("rpcwallet"))
        set_rpc_wallet(get_str("rpcwallet", ""));

    /* Credentials: -rpcpassword, else the cookie. */
    const char *pw = get_str("rpcpassword", "");
    if (!pw[0]) {
        char *cdir = chain_datadir(datadir);
        t.cookie_path = path_join(cdir, get_str("rpccookiefile", ".cookie"));
        mem_free(cdir);
    } else {
        const char *user = get_str("rpcuser", "");
        t.userpass = mem_alloc(strlen(user) + strlen(pw) + 2);
        sprintf(t.userpass, "%s:%s", user, pw);
    }

    bool getinfo = is_set("getinfo");
    if (getinfo) {
        if (nargs > 0) {
            snprintf(err, sizeof(err), "-getinfo takes no arguments");
            goto error;
        }
        request = json_array();
        json_array_append_new(request, request_obj("getnetworkinfo", NULL, json_integer(ID_NETWORKINFO)));
        json_array_append_new(request, request_obj("getblockchaininfo", NULL, json_integer(ID_BLOCKCHAININFO)));
        json_array_append_new(request, request_obj("getwalletinfo", NULL, json_integer(ID_WALLETINFO)));
        json_array_append_new(request, request_obj("getbalances", NULL, json_integer(ID_BALANCES)));
    } else {
        if (nargs < 1) {
            snprintf(err, sizeof(err), "too few parameters (need at least command)");
            goto error;
        }
        const char *method = args[0];
        json_t *p = get_bool("named", false)
                        ? rpc_client_convert_named(method, (const char *const *)args + 1, nargs - 1, err, sizeof(err))
                        : rpc_client_convert_values(method, (const char *const *)args + 1, nargs - 1, err, sizeof(err));
        if (!p)
            goto error;
        request = request_obj(method, p, json_integer(1));
    }

    struct call_error ce;
    reply = connect_and_call(&t, request, &ce);
    if (!reply) {
        snprintf(err, sizeof(err), "%s", ce.message);
        goto error;
    }
    if (getinfo) {
        if (!json_is_array(reply)) {
            snprintf(err, sizeof(err), "Batch must be an array");
            goto error;
        }
        bool color = isatty(fileno(stdout));
        const char *c = get_arg("color");
        if (c) {
            if (!strcmp(c, "always"))
                color = true;
            else if (!strcmp(c, "never"))
                color = false;
            else if (strcmp(c, "auto") != 0) {
                snprintf(err, sizeof(err), "Invalid value for -color option. Valid values: always, auto, never.");
                goto error;
            }
        }
        json_t *r = getinfo_process(reply, color);
        json_decref(reply);
        reply = r;
    }
    if (!json_is_object(reply)) {
        snprintf(err, sizeof(err), "expected reply to have result, error and id properties");
        goto error;
    }
    const json_t *error = json_object_get(reply, "error");
    if (error && !json_is_null(error)) {
        /* Core's ParseError. */
        if (json_is_object(error)) {
            const json_t *code = json_object_get(error, "code");
            const json_t *msg = json_object_get(error, "message");
            struct wbuf w;
            wbuf_init(&w);
            if (code && !json_is_null(code)) {
                char *cs = val_str(code);
                wbuf_put(&w, "error code: ", 12);
                wbuf_put(&w, cs, strlen(cs));
                wbuf_put(&w, "\n", 1);
                mem_free(cs);
            }
            if (json_is_string(msg)) {
                wbuf_put(&w, "error message:\n", 15);
                wbuf_put(&w, json_string_value(msg), json_string_length(msg));
            }
            wbuf_u8(&w, 0);
            size_t l;
            print = (char *)wbuf_detach(&w, &l);
        } else {
            char *e = rpc_json_write(error, 0);
            print = mem_alloc(strlen(e) + 8);
            sprintf(print, "error: %s", e);
            mem_free(e);
        }
        json_int_t code = json_integer_value(json_object_get(error, "code"));
        ret = (int)(code < 0 ? -code : code);
    } else {
        const json_t *result = json_object_get(reply, "result");
        if (result && json_is_string(result))
            print = mem_strdup(json_string_value(result));
        else if (result && !json_is_null(result))
            print = rpc_json_write(result, 2);
    }
    goto done;

error:
    print = mem_alloc(strlen(err) + 8);
    sprintf(print, "error: %s", err);
    ret = EXIT_FAILURE;
done:
    if (print && print[0])
        fprintf(ret == 0 ? stdout : stderr, "%s\n", print);
    mem_free(print);
    json_decref(request);
    json_decref(reply);
    for (size_t i = 0; i < nargs; i++)
        mem_free(args[i]);
    mem_free(args);
    mem_free(t.host);
    if (t.userpass)
        mem_wipe(t.userpass, strlen(t.userpass));
    mem_free(t.userpass);
    mem_free(t.cookie_path);
    mem_free(conf_path);
    mem_free(datadir);
    return ret;

fail:
    mem_free(conf_path);
    mem_free(datadir);
    return EXIT_FAILURE;
}

int main(int argc, char **argv)
{
    g_args = args_new_cli();
    int ret = run(argc, argv);
    args_free(g_args);
    return ret;
}
