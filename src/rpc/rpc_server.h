#ifndef HASHMINT_RPC_RPC_SERVER_H
#define HASHMINT_RPC_RPC_SERVER_H
/* The JSON-RPC and REST HTTP server, on libevent's evhttp.
 *
 * Threads. The server lives on the caller's event loop (the daemon's main
 * thread): it accepts connections, checks the source address and the
 * credentials and queues each request there. `threads` worker threads take
 * requests from a bounded queue (`workqueue` deep; full → HTTP 503 "Work
 * queue depth exceeded"), parse the JSON and run the handlers, then hand the
 * finished reply back to the event loop, which alone touches evhttp.
 * This needs libevent's locking: call rpc_server_threads_init() once before
 * the event_base is created.
 *
 * Behaviour follows Bitcoin Core's httpserver.cpp / httprpc.cpp:
 *  - binds to 127.0.0.1 and ::1 unless -rpcbind is given; -rpcbind without
 *    -rpcallowip is ignored (loopback only, with a warning in the log);
 *  - a client outside the allowed subnets gets 403 before any auth check;
 *    loopback (127.0.0.0/8, ::1) is always allowed;
 *  - request headers at most 8192 bytes, body at most 32 MiB (413 beyond);
 *  - JSON-RPC on every path except /rest/ (only POST, 405 otherwise);
 *    REST (when enabled) on /rest/... for any method, as Core, without
 *    authentication;
 *  - HTTP Basic auth against the cookie, -rpcuser/-rpcpassword and every
 *    -rpcauth entry; a failed login is answered after 250 ms with 401 and
 *    WWW-Authenticate: Basic realm="jsonrpc", and no credentials from any
 *    client are checked during those 250 ms: requests with credentials
 *    wait their turn (at most RPC_AUTH_THROTTLE_MAX_WAITING, more get 503
 *    and are closed), so wrong guesses cost real time however many
 *    connections make them (src/rpc/auth_throttle.h). The loop never sleeps.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/rpc/rest.h"
#include "src/rpc/rpc.h"

struct event_base;
struct rpc_server;

/* Bitcoin Core's defaults. */
#define RPC_SERVER_DEFAULT_THREADS 4
#define RPC_SERVER_DEFAULT_WORKQUEUE 16
#define RPC_SERVER_DEFAULT_TIMEOUT 30 /* seconds, -rpcservertimeout */
#define RPC_SERVER_MAX_HEADERS_SIZE 8192
#define RPC_SERVER_MAX_BODY_SIZE (32u * 1024 * 1024)

/**
 * Options, as the daemon read them from the command line and config file.
 * Every pointer is borrowed for the duration of rpc_server_start() only
 * (the server copies what it keeps). Lists are arrays of count strings.
 */
struct rpc_server_options {
    /** -rpcbind: "host", "host:port", "[v6]" or "[v6]:port". Used only if
     *  allowip_count > 0; empty: 127.0.0.1 and ::1 on `port`. */
    const char *const *binds;
    size_t bind_count;
    /** -rpcallowip: "1.2.3.4", "1.2.3.0/24", "1.2.3.0/255.255.255.0",
     *  "::1", "fe80::/10"; "0.0.0.0/0" and "::/0" allow everyone. */
    const char *const *allowips;
    size_t allowip_count;
    /** -rpcport: the port for binds without one (chain_params rpc_port by
     *  default). 0 picks a free port (tests; see rpc_server_port()). */
    uint16_t port;
    /** -rpcuser / -rpcpassword; NULL or "" when not set. A cookie is
     *  written only if password is empty (as Core). */
    const char *user;
    const char *password;
    /** -rpcauth entries "user:salt$hmac" (hmac: hex HMAC-SHA256 with key
     *  salt of the password). Malformed entries fail the start. */
    const char *const *rpcauth;
    size_t rpcauth_count;
    /** Where the cookie goes (<chain datadir>/.cookie); NULL: no cookie. */
    const char *cookie_path;
    int threads;       /* -rpcthreads; <= 0 → 1 */
    int workqueue;     /* -rpcworkqueue; <= 0 → 1 */
    int servertimeout; /* -rpcservertimeout seconds; <= 0 → default */
    bool rest;         /* -rest: serve GET /rest/... from the table's routes */
};

/** An -rpcallowip subnet (address and mask, IPv4 in the first 4 bytes). */
struct rpc_subnet {
    int family; /* AF_INET or AF_INET6 */
    uint8_t addr[16];
    uint8_t mask[16];
};

/**
 * Parses "ip", "ip/bits" or "ip/netmask" (Core's LookupSubNet, numeric
 * only; "::ffff:a.b.c.d" counts as IPv4). Out: *sn. Returns false if spec
 * is not a subnet. The daemon may use it to check -rpcallowip early.
 */
__attribute__((warn_unused_result)) bool rpc_subnet_parse(struct rpc_subnet *sn, const char *spec);

/** Returns true if the numeric address ip lies in sn. */
bool rpc_subnet_match(const struct rpc_subnet *sn, const char *ip);

/** Fills o with Core's defaults (no binds, no allowips, no credentials,
 *  4 threads, queue 16, timeout 30, REST off, port 0). */
void rpc_server_options_init(struct rpc_server_options *o);

/** Enables libevent's pthread locking (evthread_use_pthreads). Call once,
 *  before event_base_new(), in any program that runs the server. */
void rpc_server_threads_init(void);

/**
 * Starts the server on base: writes the cookie, binds every address,
 * starts the worker threads. The table and ctx are borrowed until
 * rpc_server_stop() and must outlive the server; the server sets
 * ctx->table = t and ctx->server to itself. Returns the server, or NULL
 * with a message in err[0..errlen) (e.g. "Unable to bind any endpoint for
 * RPC server", "Invalid -rpcallowip subnet specification: x", "Unable to
 * start HTTP server. See debug log for details.").
 * Binding some but not all addresses is a warning in the log, not an error.
 */
struct rpc_server *rpc_server_start(struct event_base *base, const struct rpc_server_options *o, struct rpc_table *t,
                                    struct rpc_context *ctx, char *err, size_t errlen);

/** Returns the TCP port the server listens on (the first bound socket). */
uint16_t rpc_server_port(const struct rpc_server *s);

/**
 * Stops and frees the server (NULL is a no-op): closes the listening
 * sockets, lets the workers finish the queued requests, sends their
 * replies (running the event loop briefly, so call this from the thread
 * that owns base, after event_base_dispatch() has returned, never from
 * inside an event callback), frees evhttp and removes the cookie file.
 */
void rpc_server_stop(struct rpc_server *s);

/**
 * Marks the server as warming up: every RPC is answered with RPC_IN_WARMUP
 * (-28) and status as the message ("Loading block index...") until
 * rpc_server_set_warmup_finished(). Thread-safe. Same as rpc_table_set_warmup().
 */
void rpc_server_set_warmup(struct rpc_server *s, const char *status);
/** Ends the warm-up: RPCs run normally. Thread-safe. */
void rpc_server_set_warmup_finished(struct rpc_server *s);

#endif
