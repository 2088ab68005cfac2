#include "src/node/init.h"

#include <errno.h>
#include <event2/event.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consensus/address.h"
#include "consensus/params.h"
#include "net/connman.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/miner.h"
#include "src/miner/native.h"
#include "src/miner/watch.h"
#include "src/node/args.h"
#include "src/node/keeper.h"
#include "src/node/keeper_rpc.h"
#include "src/node/net_glue.h"
#include "src/node/node_mempool.h"
#include "src/node/wallet_glue.h"
#include "src/stratum/server.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_net.h"
#include "src/rpc/rpc_server.h"
#include "src/rpc/rpc_wallet.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/log.h"
#include "src/zmq/zmq_notifier.h"

#define PATH_LEN 4096

/* Everything the running daemon owns. One instance, on node_main's stack;
 * threads reach it through the pointers they are given. */
struct node {
    struct args *args;
    const struct chain_params *params;
    const char *chain_name;
    char datadir[PATH_LEN];
    char chaindir[PATH_LEN];
    char conf_path[PATH_LEN];
    char log_path[PATH_LEN];
    char pid_path[PATH_LEN];
    bool have_log_file;
    bool console;
    int lock_fd;
    int daemon_fd; /* -daemon: the pipe to the waiting parent, -1 otherwise */

    struct event_base *base;
    struct event *signals[3];
    struct event *shutdown_ev;
    struct event *fee_flush_ev; /* writes fee_estimates.dat hourly (Core's FEE_FLUSH_INTERVAL) */

    struct events *events;
    struct chainstate *chain;
    struct node_mempool *mempool;
    struct rpc_table *table;
    struct rpc_context ctx;
    struct miner_options miner; /* -blockmaxweight, -blockmintxfee, -vaultaddress for the RPC block assembly */
    struct wbuf vault_script;   /* -vaultaddress: the coinbase vault's scriptPubKey (miner.vault_script) */
    struct wbuf mining_script;  /* -miningaddress: the native miner's payout script (empty: none) */
    enum sha256_scan_kernel miner_kernel; /* -minerkernel */
    int gen_threads;            /* -genproclimit resolved (0: -gen mines nothing) */
    unsigned miner_extra_bits;  /* -minerextrabits (regtest) */
    struct native_miner *native_miner; /* created by the loader, freed at shutdown (guarded by mu) */
    struct miner_watch *miner_watch;   /* the same */
    struct stratum_server *stratum;    /* -stratum: the same */
    struct rpc_server *rpc;
    struct zmq_notifier *zmq;
    struct net_glue *net; /* P2P; started on the event thread once the chain is loaded */
    struct wallet_glue *wallet; /* the loaded wallets (NULL with -disablewallet) */
    struct keeper *keeper;      /* -keeper (guarded by mu) */
    int64_t mock_time;          /* setmocktime (regtest; 0: off), read and written atomically */
    int blocknotify_sub;

    pthread_t loader;
    bool loader_started;
    atomic_bool stop; /* set by the main thread, polled by the loader thread's imports */

    pthread_mutex_t mu; /* guards exit_code and shutting_down */
    int exit_code;
    bool shutting_down;
};

/* ---- small helpers ------------------------------------------------------------ */

/* Set once debug.log is open (the process has one log). */
static bool log_file_open;

static void init_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void init_error(const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    /* Core's InitError: the log gets it, and the user sees it on stderr
     * (before debug.log is open the log itself only prints to stderr). */
    if (log_file_open)
        log_printf(LOG_ALWAYS, LOG_LEVEL_ERROR, "Error: %s", msg);
    fprintf(stderr, "Error: %s\n", msg);
}

bool node_mkdir_p(const char *dir)
{
    char tmp[PATH_LEN];
    if (snprintf(tmp, sizeof(tmp), "%s", dir) >= (int)sizeof(tmp))
        return false;
    for (char *p = tmp + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
            return false;
        *p = '/';
    }
    if (mkdir(tmp, 0700) != 0 && errno != EEXIST)
        return false;
    struct stat st;
    return stat(tmp, &st) == 0 && S_ISDIR(st.st_mode);
}

int node_lock_datadir(const char *dir)
{
    char path[PATH_LEN];
    snprintf(path, sizeof(path), "%s/.lock", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0)
        return -2;
    /* fcntl locks are per process: a second hashmintd (or a forked child
     * that did not take its own) fails here. */
    struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 0 };
    if (fcntl(fd, F_SETLK, &fl) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

bool node_blocknotify_format(char *out, size_t out_len, const char *cmd, const char *hash_hex)
{
    size_t o = 0;
    size_t hl = strlen(hash_hex);
    if (!out_len)
        return false;
    for (const char *p = cmd; *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            if (o + hl >= out_len)
                goto too_long;
            memcpy(out + o, hash_hex, hl);
            o += hl;
            p++;
        } else {
            if (o + 1 >= out_len)
                goto too_long;
            out[o++] = *p;
        }
    }
    out[o] = '\0';
    return true;
too_long:
    out[o] = '\0';
    return false;
}

/* Makes path absolute against base unless it already is. Returns false
 * (reported as an init error) if the result does not fit. */
static bool abs_path(char *out, size_t out_len, const char *base, const char *path)
{
    int n = path[0] == '/' ? snprintf(out, out_len, "%s", path) : snprintf(out, out_len, "%s/%s", base, path);
    if (n < 0 || (size_t)n >= out_len) {
        fprintf(stderr, "Error: path too long: %s/%s\n", base, path);
        return false;
    }
    return true;
}

/* ---- shutdown requests (any thread) --------------------------------------------- */

static void request_shutdown_code(struct node *n, int code)
{
    pthread_mutex_lock(&n->mu);
    if (code > n->exit_code)
        n->exit_code = code;
    bool first = !n->shutting_down;
    n->shutting_down = true;
    n->stop = true;
    pthread_mutex_unlock(&n->mu);
    if (first && n->shutdown_ev)
        event_active(n->shutdown_ev, EV_READ, 0); /* thread-safe with evthread locking */
}

static void rpc_request_shutdown(void *node)
{
    request_shutdown_code(node, 0);
}

static void on_fatal(void *ctx, const char *message)
{
    struct node *n = ctx;
    init_error("%s", message);
    request_shutdown_code(n, 1);
}

static void on_shutdown_event(evutil_socket_t fd, short what, void *arg)
{
    struct node *n = arg;
    event_base_loopexit(n->base, NULL);
}

static void on_signal(evutil_socket_t sig, short what, void *arg)
{
    struct node *n = arg;
    if (sig == SIGHUP) {
        /* logrotate: reopen debug.log under the same name. */
        if (n->have_log_file && !log_open(n->log_path, n->console))
            fprintf(stderr, "Error: cannot reopen %s\n", n->log_path);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Reopened debug log after SIGHUP");
        return;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Received %s, shutting down", sig == SIGTERM ? "SIGTERM" : "SIGINT");
    request_shutdown_code(n, 0);
}

/* ---- -blocknotify ---------------------------------------------------------------- */

static void *blocknotify_thread(void *arg)
{
    char *cmd = arg;
    int rc = system(cmd);
    if (rc != 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "blocknotify: command \"%s\" exited with status %d", cmd, rc);
    mem_free(cmd);
    return NULL;
}

static void blocknotify_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork,
                            bool initial_download)
{
    struct node *n = ctx;
    /* Core runs -blocknotify only after initial block download. */
    if (initial_download || !new_tip)
        return;
    const char *fmt = args_get(n->args, "blocknotify", NULL);
    if (!fmt || !*fmt)
        return;
    char hex[65];
    hash256_to_hex(hex, &new_tip->hash);
    char cmd[8192];
    if (!node_blocknotify_format(cmd, sizeof(cmd), fmt, hex)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "blocknotify: command too long");
        return;
    }
    /* The callback holds the chain lock: run the command on its own thread. */
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    char *copy = mem_strdup(cmd);
    if (pthread_create(&t, &attr, blocknotify_thread, copy) != 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "blocknotify: cannot start a thread");
        mem_free(copy);
    }
    pthread_attr_destroy(&attr);
}

/* ---- getzmqnotifications ------------------------------------------------------------ */

static json_t *node_zmq_notifications(void *node)
{
    struct node *n = node;
    if (!n->zmq)
        return json_array();
    return zmq_notifier_list(n->zmq);
}

static json_t *node_stratum_info(void *node)
{
    struct node *n = node;
    pthread_mutex_lock(&n->mu);
    json_t *r = n->stratum ? stratum_server_info(n->stratum) : NULL;
    pthread_mutex_unlock(&n->mu);
    return r;
}

/* setmocktime: the time the Stratum server's clock reads (0: the system clock again). */
static void node_set_mock_time(void *node, int64_t t)
{
    struct node *n = node;
    __atomic_store_n(&n->mock_time, t, __ATOMIC_RELAXED);
}

static double node_clock(void *node)
{
    struct node *n = node;
    int64_t mock = __atomic_load_n(&n->mock_time, __ATOMIC_RELAXED);
    if (mock > 0)
        return (double)mock;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static json_t *node_keeper_info(void *node)
{
    struct node *n = node;
    pthread_mutex_lock(&n->mu);
    json_t *r = n->keeper ? keeper_info_json(n->keeper) : NULL;
    pthread_mutex_unlock(&n->mu);
    return r;
}

/* -keeper, -keeperwallet, -keepermaxfee: the keeper (doc/keeper.md), after the wallets. */
static bool start_keeper(struct node *n)
{
    if (!args_get_bool(n->args, "keeper", false))
        return true;
    struct keeper_options o = { .wallet = args_get(n->args, "keeperwallet", ""), .max_fee = 100000 };
    const char *mf = args_get(n->args, "keepermaxfee", NULL);
    if (mf && (!args_parse_money(&o.max_fee, mf) || o.max_fee <= 0)) {
        init_error("Invalid amount for -keepermaxfee=<amount>: '%s' (HMC per kvB, above 0)", mf);
        return false;
    }
    char err[256];
    struct keeper *k = keeper_start(n->chain, node_mempool_get(n->mempool), n->events, wallet_glue_context(n->wallet),
                                    &o, err, sizeof(err));
    if (!k) {
        init_error("%s", err);
        return false;
    }
    pthread_mutex_lock(&n->mu);
    n->keeper = k;
    pthread_mutex_unlock(&n->mu);
    return true;
}

/* ---- options --------------------------------------------------------------------- */

/* Reads an integer option; reports a bad one. */
static bool get_int(struct node *n, int64_t *out, const char *name, int64_t def)
{
    if (!args_get_int(n->args, out, name, def)) {
        init_error("Invalid value for -%s: '%s' (an integer is required)", name, args_get(n->args, name, ""));
        return false;
    }
    return true;
}

static bool get_port(struct node *n, uint16_t *out, const char *name, uint16_t def)
{
    int64_t v;
    if (!args_get_int(n->args, &v, name, def) || v < 1 || v > 65535) {
        init_error("Invalid port specified in -%s: '%s'", name, args_get(n->args, name, ""));
        return false;
    }
    *out = (uint16_t)v;
    return true;
}

/* -vaultaddress=ADDR, -vaultshare=PERCENT: every coinbase this node builds
 * locks that share in a VAULT output of the chain's asset owned by ADDR. */
static bool init_vault_options(struct node *n)
{
    const char *addr = args_get(n->args, "vaultaddress", NULL);
    int64_t share;
    if (!get_int(n, &share, "vaultshare", 100))
        return false;
    if (share < 1 || share > 100) {
        init_error("Invalid value for -vaultshare: '%s' (a percent from 1 to 100 is required)",
                   args_get(n->args, "vaultshare", ""));
        return false;
    }
    if (!addr || !*addr)
        return true;
    if (n->params->asset_count == 0) {
        init_error("-vaultaddress needs a chain with issuance assets (not -chain=%s)", n->params->name);
        return false;
    }
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t spk_len;
    if (!address_to_script(spk, &spk_len, &n->params->address, addr)) {
        init_error("Invalid address for -vaultaddress: '%s'", addr);
        return false;
    }
    miner_vault_script(&n->vault_script, n->params->assets[0].asset_id, spk, spk_len);
    n->miner.vault_script = n->vault_script.data;
    n->miner.vault_script_len = n->vault_script.len;
    n->miner.vault_share_pct = (uint32_t)share;
    return true;
}

/* -gen, -genproclimit, -miningaddress, -minerkernel: the native miner. */
static bool init_miner_options(struct node *n)
{
    const char *addr = args_get(n->args, "miningaddress", NULL);
    if (addr && *addr && !args_is_negated(n->args, "miningaddress")) {
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t spk_len;
        if (!address_to_script(spk, &spk_len, &n->params->address, addr)) {
            init_error("Invalid address for -miningaddress: '%s'", addr);
            return false;
        }
        wbuf_put(&n->mining_script, spk, spk_len);
    }
    const char *kernel = args_get(n->args, "minerkernel", "auto");
    if (!sha256_scan_kernel_parse(&n->miner_kernel, kernel)) {
        init_error("Invalid value for -minerkernel: '%s' (auto, shani, avx512, avx2 or portable)", kernel);
        return false;
    }
    if (!sha256_scan_kernel_available(n->miner_kernel)) {
        init_error("-minerkernel=%s: this CPU does not support it (use auto)", kernel);
        return false;
    }
    int64_t limit;
    if (!get_int(n, &limit, "genproclimit", -1))
        return false;
    if (limit < -1 || limit > MINER_MAX_THREADS) {
        init_error("Invalid value for -genproclimit: '%s' (-1 for all cores, or 0 to %d)",
                   args_get(n->args, "genproclimit", ""), MINER_MAX_THREADS);
        return false;
    }
    n->gen_threads = limit < 0 ? native_miner_cpu_count() : (int)limit;
    int64_t extra;
    if (!get_int(n, &extra, "minerextrabits", 0))
        return false;
    if (extra < 0 || extra > 64 || (extra && strcmp(n->params->name, "regtest") != 0)) {
        init_error("Invalid value for -minerextrabits: '%s' (0 to 64, regtest only)",
                   args_get(n->args, "minerextrabits", ""));
        return false;
    }
    n->miner_extra_bits = (unsigned)extra;
    if (args_get_bool(n->args, "gen", false) && n->mining_script.len == 0) {
        init_error("-gen needs -miningaddress=<address>: the address the mined coinbases pay");
        return false;
    }
    return true;
}

/* The native miner's view of the network (it waits for peers on main and test). */
static size_t node_peer_count(void *ctx)
{
    struct node *n = ctx;
    struct rpc_net *net = n->ctx.net;
    return net ? connman_count(net->cm, CONNMAN_COUNT_ALL) : 0;
}

/* Creates the native miner and the long-poll watcher once the chain and the
 * mempool exist, and starts -gen. Skipped when shutdown has begun (the
 * shutdown path frees what is made here). Returns false on a fatal error. */
static bool start_miner(struct node *n)
{
    pthread_mutex_lock(&n->mu);
    bool ok = true;
    if (!n->shutting_down) {
        struct native_miner_options o;
        memset(&o, 0, sizeof(o));
        o.params = n->params;
        o.chain = n->chain;
        o.mempool = node_mempool_get(n->mempool);
        o.events = n->events;
        o.script = n->mining_script.data;
        o.script_len = n->mining_script.len;
        o.assembly = &n->miner;
        o.default_threads = n->gen_threads > 0 ? n->gen_threads : native_miner_cpu_count();
        o.kernel = n->miner_kernel;
        o.extra_zero_bits = n->miner_extra_bits;
        o.peer_count = node_peer_count;
        o.peer_ctx = n;
        char err[256];
        n->native_miner = native_miner_new(&o, err, sizeof(err));
        if (!n->native_miner) {
            init_error("%s", err);
            ok = false;
        } else {
            n->miner_watch = miner_watch_new(n->events, n->chain, o.mempool);
            n->ctx.native_miner = n->native_miner;
            n->ctx.miner_watch = n->miner_watch;
            if (args_get_bool(n->args, "gen", false) && n->gen_threads > 0 &&
                native_miner_start(n->native_miner, n->gen_threads, false) != NATIVE_MINER_STARTED) {
                init_error("Cannot start the native miner (-gen)");
                ok = false;
            }
        }
    }
    pthread_mutex_unlock(&n->mu);
    return ok;
}

/* Reads a positive number option (difficulties, rates); reports a bad one. */
static bool get_double(struct node *n, double *out, const char *name, double def, double min)
{
    const char *v = args_get(n->args, name, NULL);
    if (!v) {
        *out = def;
        return true;
    }
    char *end;
    double d = strtod(v, &end);
    if (!*v || *end || !(d >= min) || d > 1e300) {
        init_error("Invalid value for -%s: '%s' (a number of at least %g is required)", name, v, min);
        return false;
    }
    *out = d;
    return true;
}

static bool start_stratum_with(struct node *n, struct stratum_options *optp);

/* -stratum and its options: the Stratum v1 server (src/stratum). */
static bool start_stratum(struct node *n)
{
    if (!args_get_bool(n->args, "stratum", false))
        return true;
    struct stratum_options o;
    stratum_options_init(&o);
    o.params = n->params;
    o.chain = n->chain;
    o.mempool = node_mempool_get(n->mempool);
    o.events = n->events;
    o.assembly = &n->miner;
    o.clock = node_clock;
    o.clock_ctx = n;
    uint16_t port;
    if (!get_port(n, &port, "stratumport", 3333))
        return false;
    o.port = port;
    /* args_get_all's array and strings last until its next call: copy them
     * (the server reads them only while it starts). */
    const char *const *got_binds = args_get_all(n->args, &o.bind_count, "stratumbind");
    char **binds = mem_calloc(o.bind_count + 1, sizeof(char *));
    for (size_t i = 0; i < o.bind_count; i++)
        binds[i] = mem_strdup(got_binds[i]);
    const char *const *got_allow = args_get_all(n->args, &o.allow_count, "stratumallowip");
    char **allow = mem_calloc(o.allow_count + 1, sizeof(char *));
    for (size_t i = 0; i < o.allow_count; i++)
        allow[i] = mem_strdup(got_allow[i]);
    o.binds = (const char *const *)binds;
    o.allow = (const char *const *)allow;
    bool ok = start_stratum_with(n, &o);
    for (size_t i = 0; i < o.bind_count; i++)
        mem_free(binds[i]);
    for (size_t i = 0; i < o.allow_count; i++)
        mem_free(allow[i]);
    mem_free(binds);
    mem_free(allow);
    return ok;
}

/* The rest of -stratum's options, then the server. */
static bool start_stratum_with(struct node *n, struct stratum_options *optp)
{
    struct stratum_options o = *optp;
    int64_t v;
    const char *mode = args_get(n->args, "stratumpayout", "solo");
    if (strcmp(mode, "solo") != 0 && strcmp(mode, "pplns") != 0) {
        init_error("Invalid value for -stratumpayout: '%s' (solo or pplns)", mode);
        return false;
    }
    o.pplns = strcmp(mode, "pplns") == 0;
    if (!get_double(n, &o.pplns_n, "stratumpplnsn", o.pplns_n, 1e-9) ||
        !get_double(n, &o.difficulty, "stratumdifficulty", o.difficulty, 1e-300) ||
        !get_double(n, &o.min_difficulty, "stratummindifficulty", o.min_difficulty, 1e-300) ||
        !get_double(n, &o.max_difficulty, "stratummaxdifficulty", o.max_difficulty, 1e-300) ||
        !get_double(n, &o.share_rate, "stratumsharerate", o.share_rate, 0) ||
        !get_double(n, &o.msgs_per_sec, "stratummsgrate", o.msgs_per_sec, 0))
        return false;
    if (o.min_difficulty > o.max_difficulty) {
        init_error("-stratummindifficulty is above -stratummaxdifficulty");
        return false;
    }
    if (!get_int(n, &v, "stratumcoinbasemax", (int64_t)o.coinbase_max))
        return false;
    if (v < 0 || v > 100000) {
        init_error("Invalid value for -stratumcoinbasemax: '%s' (0 to 100000 bytes; 0: no cap)",
                   args_get(n->args, "stratumcoinbasemax", ""));
        return false;
    }
    o.coinbase_max = (size_t)v;
    if (!get_int(n, &o.min_output, "stratumminpayout", o.min_output))
        return false;
    if (o.min_output < 0) {
        init_error("Invalid value for -stratumminpayout: a non-negative amount in base units is required");
        return false;
    }
    struct { const char *name; int64_t def, min, max; int64_t *out; } ints[] = {
        { "stratummaxconnections", STRATUM_DEFAULT_MAX_CONNECTIONS, 1, 1000000, NULL },
        { "stratummaxline", STRATUM_DEFAULT_MAX_LINE, 256, 1 << 20, NULL },
        { "stratumidletimeout", STRATUM_DEFAULT_IDLE_SECONDS, 0, 86400, NULL },
        { "stratumjobinterval", STRATUM_DEFAULT_REFRESH_MS, 0, 3600000, NULL },
    };
    int64_t got[4];
    for (size_t i = 0; i < 4; i++) {
        if (!get_int(n, &got[i], ints[i].name, ints[i].def))
            return false;
        if (got[i] < ints[i].min || got[i] > ints[i].max) {
            init_error("Invalid value for -%s: '%s' (%lld to %lld)", ints[i].name, args_get(n->args, ints[i].name, ""),
                       (long long)ints[i].min, (long long)ints[i].max);
            return false;
        }
    }
    o.max_connections = (size_t)got[0];
    o.max_line = (size_t)got[1];
    o.idle_seconds = (int)got[2];
    o.refresh_ms = got[3];
    char log_path[PATH_LEN];
    const char *lp = args_get(n->args, "stratumsharelog", "stratum_shares.log");
    int plen = lp[0] == '/' ? snprintf(log_path, sizeof(log_path), "%s", lp)
                            : snprintf(log_path, sizeof(log_path), "%s/%s", n->chaindir, lp);
    if (plen < 0 || (size_t)plen >= sizeof(log_path)) {
        init_error("-stratumsharelog: the path is too long");
        return false;
    }
    o.share_log_path = log_path;
    char err[512];
    pthread_mutex_lock(&n->mu);
    bool ok = true;
    if (!n->shutting_down) {
        n->stratum = stratum_server_start(&o, err, sizeof(err));
        if (!n->stratum) {
            init_error("%s", err);
            ok = false;
        }
    }
    pthread_mutex_unlock(&n->mu);
    return ok;
}

static void log_warning_cb(const char *msg, void *arg)
{
    log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "%s", msg);
}

/* ---- ZMQ ---------------------------------------------------------------------------- */

/* -zmqpub<topic>=<address> (repeatable) and -zmqpub<topic>hwm. */
static bool start_zmq(struct node *n)
{
    struct zmq_endpoint *eps = NULL;
    size_t count = 0;
    bool ok = true;
    for (int t = 0; ok && t < ZMQ_TOPIC_COUNT; t++) {
        char name[64], hwm_name[64];
        snprintf(name, sizeof(name), "zmqpub%s", zmq_topic_name(t));
        snprintf(hwm_name, sizeof(hwm_name), "zmqpub%shwm", zmq_topic_name(t));
        int64_t hwm;
        if (!get_int(n, &hwm, hwm_name, ZMQ_DEFAULT_SNDHWM)) {
            ok = false;
            break;
        }
        if (hwm < 0 || hwm > INT32_MAX) {
            init_error("Invalid value for -%s: the high water mark must be an integer >= 0", hwm_name);
            ok = false;
            break;
        }
        size_t k;
        const char *const *addrs = args_get_all(n->args, &k, name);
        for (size_t i = 0; i < k; i++) {
            if (!*addrs[i])
                continue;
            eps = mem_realloc(eps, (count + 1) * sizeof(*eps));
            eps[count].topic = (enum zmq_topic)t;
            eps[count].address = mem_strdup(addrs[i]);
            eps[count].hwm = (int)hwm;
            count++;
        }
    }
    if (ok && count) {
        char err[1024];
        n->zmq = zmq_notifier_new(eps, count, n->chain, err, sizeof(err));
        if (n->zmq) {
            zmq_notifier_subscribe(n->zmq, n->events);
        } else {
            init_error("%s", err);
            ok = false;
        }
    }
    for (size_t i = 0; i < count; i++)
        mem_free((char *)eps[i].address);
    mem_free(eps);
    return ok;
}

/* ---- the loader thread ------------------------------------------------------------- */

static void set_warmup(struct node *n, const char *status)
{
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "init message: %s", status);
    if (n->table)
        rpc_table_set_warmup(n->table, status);
}

/* Starts P2P on the event thread (connman runs there). Failure shuts the node down. */
static void net_start_cb(evutil_socket_t fd, short what, void *arg)
{
    struct node *n = arg;
    (void)fd;
    (void)what;
    char err[512];
    if (n->stop || n->net)
        return;
    if (!net_glue_start(&n->net, n->args, n->chain_name, n->chaindir, n->params, n->chain, node_mempool_get(n->mempool),
                        n->events, n->base, err, sizeof(err))) {
        init_error("%s", err);
        request_shutdown_code(n, 1);
        return;
    }
    n->ctx.net = (void *)net_glue_rpc(n->net); /* the network RPCs */
}

/* Hourly, so a crash loses at most an hour of fee history. */
static void fee_flush_cb(evutil_socket_t fd, short what, void *arg)
{
    struct node *n = arg;
    (void)fd;
    (void)what;
    if (!n->stop)
        node_mempool_write_fee_estimates(n->mempool);
}

static void fee_flush_start_cb(evutil_socket_t fd, short what, void *arg)
{
    struct node *n = arg;
    (void)fd;
    (void)what;
    if (n->stop || n->fee_flush_ev)
        return;
    struct timeval hour = { 3600, 0 };
    n->fee_flush_ev = event_new(n->base, -1, EV_PERSIST, fee_flush_cb, n);
    if (n->fee_flush_ev)
        event_add(n->fee_flush_ev, &hour);
}

/* Opens and activates the chain, loads the mempool, starts ZMQ, ends the
 * warm-up, then runs -reindex / -loadblock. Failures shut the node down
 * with exit code 1. */
static void *loader_main(void *arg)
{
    struct node *n = arg;
    char err[1024];
    int64_t dbcache_mb, par, batch;
    if (!get_int(n, &dbcache_mb, "dbcache", ARGS_DEFAULT_DBCACHE_MB) || !get_int(n, &par, "par", 0) ||
        !get_int(n, &batch, "dbbatchsize", ARGS_DEFAULT_DB_BATCH_SIZE))
        goto fail; /* checked before start-up; kept for safety */
    if (dbcache_mb < ARGS_MIN_DBCACHE_MB)
        dbcache_mb = ARGS_MIN_DBCACHE_MB;
    if (dbcache_mb > ARGS_MAX_DBCACHE_MB)
        dbcache_mb = ARGS_MAX_DBCACHE_MB;

    struct chainstate_options opt;
    chainstate_options_init(&opt);
    opt.params = n->params;
    opt.datadir = n->chaindir;
    opt.dbcache_bytes = (size_t)dbcache_mb << 20;
    opt.par = (int)par;
    opt.reindex = args_get_bool(n->args, "reindex", false);
    opt.reindex_chainstate = args_get_bool(n->args, "reindex-chainstate", false);
    opt.txindex = args_get_bool(n->args, "txindex", false);
    opt.events = n->events;
    opt.fatal = on_fatal;
    opt.fatal_ctx = n;
    if (batch > 0)
        opt.db_batch_size = (size_t)batch;
    if (!net_glue_min_chain_work(&opt.min_chain_work, n->args, n->chain_name, err, sizeof(err))) {
        init_error("%s", err);
        goto fail;
    }

    set_warmup(n, "Loading block index...");
    struct chainstate *cs = NULL;
    if (chainstate_open(&cs, &opt, err, sizeof(err)) != 0) {
        init_error("%s", err);
        goto fail;
    }
    n->chain = cs;
    if (n->stop) /* shutdown requested while loading: skip the rest */
        return NULL;

    if (!opt.reindex) {
        /* Blocks accepted since the last flush (before a crash) or the whole
         * chain (-reindex-chainstate): connected here, interruptible. */
        set_warmup(n, "Activating best chain...");
        if (chainstate_catch_up(cs, &n->stop) < 0)
            goto fail; /* fatal error already reported */
    }

    if (n->stop)
        return NULL;
    set_warmup(n, "Loading mempool...");
    if (!node_mempool_start(&n->mempool, cs, n->events, n->args, n->chaindir, err, sizeof(err))) {
        init_error("%s", err);
        goto fail;
    }

    /* Subscribers after the chain and mempool exist. */
    if (!start_zmq(n))
        goto fail;
    if (args_is_set(n->args, "blocknotify") && !args_is_negated(n->args, "blocknotify")) {
        struct events_subscriber sub = { .ctx = n, .updated_block_tip = blocknotify_tip };
        n->blocknotify_sub = events_subscribe(n->events, &sub);
    }

    set_warmup(n, "Loading wallet...");
    if (!wallet_glue_start(&n->wallet, n->args, n->datadir, n->chaindir, cs, node_mempool_get(n->mempool),
                           node_mempool_fee_estimator(n->mempool), n->events, err, sizeof(err))) {
        init_error("%s", err);
        goto fail;
    }
    n->ctx.wallets = wallet_glue_context(n->wallet);
    n->ctx.chain = cs;
    n->ctx.mempool = node_mempool_get(n->mempool);
    n->ctx.fee_estimator = node_mempool_fee_estimator(n->mempool);
    if (event_base_once(n->base, -1, EV_TIMEOUT, fee_flush_start_cb, n, NULL) != 0) {
        init_error("Cannot start the fee estimates flush timer");
        goto fail;
    }
    if (!start_keeper(n))
        goto fail;
    if (!start_miner(n))
        goto fail;
    if (!start_stratum(n))
        goto fail;
    if (event_base_once(n->base, -1, EV_TIMEOUT, net_start_cb, n, NULL) != 0) {
        init_error("Cannot start the P2P network");
        goto fail;
    }
    if (n->table)
        rpc_table_set_warmup(n->table, NULL);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "init message: Done loading");
    if (n->daemon_fd >= 0) {
        /* Tell the waiting parent that start-up succeeded. */
        ssize_t w = write(n->daemon_fd, "1", 1);
        (void)w;
        close(n->daemon_fd);
        n->daemon_fd = -1;
    }

    /* Imports run after the warm-up, so RPC answers meanwhile (Core's ThreadImport). */
    if (opt.reindex && !n->stop) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Reindexing blocks from blk*.dat files");
        long r = chainstate_reindex(cs, &n->stop);
        if (r < 0 && !n->stop) {
            init_error("Reindex failed");
            goto fail;
        }
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Reindexing finished: %ld blocks", r);
    }
    size_t nload = 0;
    const char *const *loads = args_get_all(n->args, &nload, "loadblock");
    char **paths = mem_calloc(nload ? nload : 1, sizeof(*paths));
    for (size_t i = 0; i < nload; i++)
        paths[i] = mem_strdup(loads[i]);
    for (size_t i = 0; i < nload && !n->stop; i++) {
        long r = chainstate_import_file(cs, paths[i], &n->stop);
        if (r < 0) {
            if (chainstate_failed(cs))
                break;
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Could not open blocks file %s", paths[i]);
        } else {
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Imported %ld blocks from %s", r, paths[i]);
        }
    }
    for (size_t i = 0; i < nload; i++)
        mem_free(paths[i]);
    mem_free(paths);
    if (nload && !n->stop) {
        struct val_state st;
        val_state_init(&st);
        chainstate_activate_best_chain(cs, &st);
    }
    return NULL;

fail:
    if (n->daemon_fd >= 0) {
        close(n->daemon_fd);
        n->daemon_fd = -1;
    }
    request_shutdown_code(n, 1);
    return NULL;
}

/* ---- -daemon ------------------------------------------------------------------------- */

/* Forks; the parent waits until the child reports start-up (or dies) and
 * exits with 0 or 1. Returns in the child (detached, stdio on /dev/null)
 * with *fd the pipe to report on. Returns false if fork fails. */
static bool daemonize(int *fd)
{
    int p[2];
    if (pipe(p) != 0)
        return false;
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0)
        return false;
    if (pid > 0) {
        close(p[1]);
        char c;
        ssize_t r;
        do
            r = read(p[0], &c, 1);
        while (r < 0 && errno == EINTR);
        _exit(r == 1 ? 0 : 1);
    }
    close(p[0]);
    if (setsid() < 0)
        return false;
    int nul = open("/dev/null", O_RDWR);
    if (nul >= 0) {
        dup2(nul, 0);
        dup2(nul, 1);
        dup2(nul, 2);
        if (nul > 2)
            close(nul);
    }
    *fd = p[1];
    return true;
}

/* ---- main -------------------------------------------------------------------------- */

static void print_usage(FILE *f)
{
    fprintf(f, "hashmintd version v%s\n\n", PACKAGE_VERSION);
    fprintf(f, "Usage:  hashmintd [options]                     Start hashmint node\n\n");
    args_print_help(f);
}

/* Options, config file, chain, data directory. Returns 0 to continue, or an
 * exit code (help, version, errors). */
static int setup_options(struct node *n, int argc, char **argv)
{
    char err[1024];
    if (!args_parse_argv(n->args, argc, argv, err, sizeof(err))) {
        fprintf(stderr, "Error parsing command line arguments: %s\n", err);
        return 1;
    }
    if (args_is_set(n->args, "?") || args_is_set(n->args, "h") || args_is_set(n->args, "help")) {
        print_usage(stdout);
        return -1;
    }
    if (args_is_set(n->args, "version")) {
        printf("hashmintd version v%s\n", PACKAGE_VERSION);
        return -1;
    }

    /* The data directory: an explicit -datadir must exist (Core), the default is created. */
    const char *dd = args_get(n->args, "datadir", NULL);
    if (dd && *dd && !args_is_negated(n->args, "datadir")) {
        char cwd[PATH_LEN];
        if (!getcwd(cwd, sizeof(cwd)))
            snprintf(cwd, sizeof(cwd), ".");
        if (!abs_path(n->datadir, sizeof(n->datadir), cwd, dd))
            return 1;
        struct stat st;
        if (stat(n->datadir, &st) != 0 || !S_ISDIR(st.st_mode)) {
            fprintf(stderr, "Error: Specified data directory \"%s\" does not exist.\n", dd);
            return 1;
        }
    } else {
        const char *home = getenv("HOME");
        if (!abs_path(n->datadir, sizeof(n->datadir), home && *home ? home : ".", ".hashmint"))
            return 1;
        if (!node_mkdir_p(n->datadir)) {
            fprintf(stderr, "Error: Cannot create data directory \"%s\": %s\n", n->datadir, strerror(errno));
            return 1;
        }
    }

    bool conf_given = args_is_set(n->args, "conf") && !args_is_negated(n->args, "conf");
    if (!abs_path(n->conf_path, sizeof(n->conf_path), n->datadir,
                  conf_given ? args_get(n->args, "conf", ARGS_CONFIG_FILENAME) : ARGS_CONFIG_FILENAME))
        return 1;
    if (!args_is_negated(n->args, "conf") &&
        !args_read_config(n->args, n->conf_path, n->datadir, conf_given, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    if (!args_select_chain(n->args, &n->chain_name, err, sizeof(err))) {
        fprintf(stderr, "Error: %s\n", err);
        return 1;
    }
    n->params = chain_params_get(n->chain_name);
    if (!n->params) {
        fprintf(stderr, "Error: Unknown chain %s.\n", n->chain_name);
        return 1;
    }
    /* Core's chain subdirectories: main uses the data directory itself. */
    int len;
    if (!strcmp(n->chain_name, "main"))
        len = snprintf(n->chaindir, sizeof(n->chaindir), "%s", n->datadir);
    else
        len = snprintf(n->chaindir, sizeof(n->chaindir), "%s/%s", n->datadir,
                       !strcmp(n->chain_name, "test") ? "testnet" : n->chain_name);
    if (len < 0 || (size_t)len >= sizeof(n->chaindir) - 64) {
        fprintf(stderr, "Error: data directory path too long: %s\n", n->datadir);
        return 1;
    }
    return 0;
}

/* Checks the values of numeric options before anything starts. */
static bool check_option_values(struct node *n)
{
    static const char *const ints[] = { "dbcache", "par", "dbbatchsize", "maxmempool", "mempoolexpiry",
                                        "rpcthreads", "rpcworkqueue", "rpcservertimeout", "maxconnections",
                                        "blockmaxweight", "zmqpubhashblockhwm", "zmqpubhashtxhwm",
                                        "zmqpubrawblockhwm", "zmqpubrawtxhwm", "zmqpubsequencehwm",
                                        "zmqpubissuancehwm" };
    for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        int64_t v;
        if (!get_int(n, &v, ints[i], 0))
            return false;
        if (v < 0 && strcmp(ints[i], "par") != 0) {
            init_error("Invalid value for -%s: '%s' (must not be negative)", ints[i], args_get(n->args, ints[i], ""));
            return false;
        }
    }
    static const char *const amounts[] = { "minrelaytxfee", "blockmintxfee" };
    for (size_t i = 0; i < 2; i++) {
        const char *v = args_get(n->args, amounts[i], NULL);
        int64_t amt;
        if (v && !args_parse_money(&amt, v)) {
            init_error("Invalid amount for -%s=<amount>: '%s'", amounts[i], v);
            return false;
        }
    }
    /* Block assembly (Core's BlockAssembler options); the miner caps the
     * weight at the chain's limit. */
    miner_options_init(&n->miner);
    int64_t weight, minfee;
    if (!get_int(n, &weight, "blockmaxweight", (int64_t)n->miner.max_block_weight))
        return false;
    n->miner.max_block_weight = (uint64_t)weight;
    const char *fee = args_get(n->args, "blockmintxfee", NULL);
    if (fee && args_parse_money(&minfee, fee))
        n->miner.min_feerate = minfee;
    if (!init_vault_options(n) || !init_miner_options(n))
        return false;
    n->ctx.miner = &n->miner;
    uint16_t port;
    if (args_is_set(n->args, "rpcport") && !get_port(n, &port, "rpcport", n->params->rpc_port))
        return false;
    if (args_is_set(n->args, "port") && !get_port(n, &port, "port", n->params->default_port))
        return false;
    size_t count;
    const char *const *cats = args_get_all(n->args, &count, "debug");
    for (size_t i = 0; i < count; i++)
        if (*cats[i] && strcmp(cats[i], "0") != 0 && strcmp(cats[i], "none") != 0 &&
            !log_enable_category(cats[i]))
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Unsupported logging category -debug=%s.", cats[i]);
        else if (!*cats[i])
            log_enable_category("all");
    int64_t ratelimit;
    if (!get_int(n, &ratelimit, "logratelimit", LOG_RATELIMIT_DEFAULT_BYTES))
        return false;
    if (ratelimit < 0) {
        init_error("Invalid value for -logratelimit: '%s' (must be 0 or more)", args_get(n->args, "logratelimit", ""));
        return false;
    }
    log_set_ratelimit((uint64_t)ratelimit, LOG_RATELIMIT_WINDOW_S);
    cats = args_get_all(n->args, &count, "debugexclude");
    for (size_t i = 0; i < count; i++)
        if (!log_disable_category(cats[i]))
            log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "Unsupported logging category -debugexclude=%s.", cats[i]);
    return true;
}

static bool start_rpc(struct node *n)
{
    char err[1024];
    int64_t threads, queue, timeout;
    uint16_t port;
    if (!get_int(n, &threads, "rpcthreads", ARGS_DEFAULT_RPC_THREADS) ||
        !get_int(n, &queue, "rpcworkqueue", ARGS_DEFAULT_RPC_WORKQUEUE) ||
        !get_int(n, &timeout, "rpcservertimeout", ARGS_DEFAULT_RPC_SERVERTIMEOUT) ||
        !get_port(n, &port, "rpcport", n->params->rpc_port))
        return false;
    n->table = rpc_table_new();
    rpc_register_control(n->table);
    rpc_register_util(n->table);
    rpc_register_fees(n->table);
    rpc_register_rawtx(n->table);
    rpc_register_blockchain(n->table);
    rpc_register_mining(n->table);
    rpc_register_net(n->table);
    rpc_register_issuance(n->table);
    rpc_register_reserve(n->table);
    rpc_register_issuance_debug(n->table);
    rpc_register_rest(n->table);
    rpc_register_descriptor_util(n->table);
    keeper_rpc_register(n->table);
    if (!args_get_bool(n->args, "disablewallet", false))
        rpc_register_wallet(n->table);
    rpc_table_set_warmup(n->table, "Loading block index...");

    struct rpc_server_options o;
    rpc_server_options_init(&o);
    o.binds = args_get_all(n->args, &o.bind_count, "rpcbind");
    /* args_get_all's buffer is reused by the next call: copy the pointers. */
    const char **binds = mem_calloc(o.bind_count ? o.bind_count : 1, sizeof(*binds));
    if (o.bind_count)
        memcpy(binds, o.binds, o.bind_count * sizeof(*binds));
    o.binds = binds;
    const char *const *allow = args_get_all(n->args, &o.allowip_count, "rpcallowip");
    const char **allows = mem_calloc(o.allowip_count ? o.allowip_count : 1, sizeof(*allows));
    if (o.allowip_count)
        memcpy(allows, allow, o.allowip_count * sizeof(*allows));
    o.allowips = allows;
    const char *const *auth = args_get_all(n->args, &o.rpcauth_count, "rpcauth");
    const char **auths = mem_calloc(o.rpcauth_count ? o.rpcauth_count : 1, sizeof(*auths));
    if (o.rpcauth_count)
        memcpy(auths, auth, o.rpcauth_count * sizeof(*auths));
    o.rpcauth = auths;
    o.port = port;
    o.user = args_get(n->args, "rpcuser", NULL);
    o.password = args_get(n->args, "rpcpassword", NULL);
    char cookie[PATH_LEN];
    if (!abs_path(cookie, sizeof(cookie), n->chaindir, args_get(n->args, "rpccookiefile", ".cookie")))
        return false;
    o.cookie_path = cookie;
    o.threads = (int)threads;
    o.workqueue = (int)queue;
    o.servertimeout = (int)timeout;
    o.rest = args_get_bool(n->args, "rest", false);

    n->ctx.params = n->params;
    n->ctx.start_time = (int64_t)time(NULL);
    n->ctx.node = n;
    n->ctx.request_shutdown = rpc_request_shutdown;
    n->ctx.zmq_notifications = node_zmq_notifications;
    n->ctx.stratum_info = node_stratum_info;
    n->ctx.keeper_info = node_keeper_info;
    n->ctx.set_mock_time = node_set_mock_time;
    n->ctx.log_path = n->have_log_file ? n->log_path : NULL;
    n->rpc = rpc_server_start(n->base, &o, n->table, &n->ctx, err, sizeof(err));
    mem_free(binds);
    mem_free(allows);
    mem_free(auths);
    if (!n->rpc) {
        init_error("%s", err);
        return false;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "RPC server listening on port %u", rpc_server_port(n->rpc));
    return true;
}

static bool write_pid_file(struct node *n)
{
    if (args_is_negated(n->args, "pid")) {
        n->pid_path[0] = '\0';
        return true;
    }
    if (!abs_path(n->pid_path, sizeof(n->pid_path), n->chaindir, args_get(n->args, "pid", ARGS_PID_FILENAME))) {
        n->pid_path[0] = '\0';
        return false;
    }
    FILE *f = fopen(n->pid_path, "w");
    if (!f) {
        init_error("Unable to create the PID file '%s': %s", n->pid_path, strerror(errno));
        n->pid_path[0] = '\0';
        return false;
    }
    fprintf(f, "%d\n", (int)getpid());
    fclose(f);
    return true;
}

static void shutdown_node(struct node *n)
{
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Shutdown: In progress...");
    n->stop = true;
    /* No miner is created from now on; long polls return. */
    pthread_mutex_lock(&n->mu);
    n->shutting_down = true;
    struct native_miner *miner = n->native_miner;
    struct miner_watch *watch = n->miner_watch;
    struct stratum_server *stratum = n->stratum;
    n->native_miner = NULL;
    n->miner_watch = NULL;
    n->stratum = NULL;
    pthread_mutex_unlock(&n->mu);
    /* The Stratum server first: its clients get no more jobs, its blocks stop. */
    stratum_server_stop(stratum);
    if (watch)
        miner_watch_shutdown(watch);
    /* RPC first: no new calls; running ones finish and get their replies. */
    if (n->rpc) {
        rpc_server_stop(n->rpc);
        n->rpc = NULL;
    }
    /* The miner next: its threads submit blocks and ask the network for peers. */
    n->ctx.native_miner = NULL;
    n->ctx.miner_watch = NULL;
    native_miner_free(miner);
    miner_watch_free(watch);
    /* Then P2P (before the loader, mempool and chain): no peer feeds them while they shut down. */
    n->ctx.net = NULL;
    net_glue_stop(n->net);
    n->net = NULL;
    if (n->loader_started)
        pthread_join(n->loader, NULL);
    if (n->blocknotify_sub > 0)
        events_unsubscribe(n->events, n->blocknotify_sub);
    /* The keeper before the wallets it acts with. */
    pthread_mutex_lock(&n->mu);
    struct keeper *keeper = n->keeper;
    n->keeper = NULL;
    pthread_mutex_unlock(&n->mu);
    keeper_stop(keeper);
    /* Wallets before the mempool and the chain they listen to. */
    n->ctx.wallets = NULL;
    wallet_glue_stop(n->wallet);
    n->wallet = NULL;
    if (n->zmq) {
        zmq_notifier_free(n->zmq);
        n->zmq = NULL;
    }
    if (n->fee_flush_ev) {
        event_free(n->fee_flush_ev);
        n->fee_flush_ev = NULL;
    }
    n->ctx.fee_estimator = NULL;
    if (n->mempool) {
        node_mempool_stop(n->mempool, args_get_bool(n->args, "persistmempool", true) && !chainstate_failed(n->chain));
        n->mempool = NULL;
    }
    if (n->chain) {
        if (!chainstate_failed(n->chain))
            chainstate_flush(n->chain, CHAINSTATE_FLUSH_ALWAYS);
        chainstate_close(n->chain);
        n->chain = NULL;
    }
    rpc_table_free(n->table);
    n->table = NULL;
    events_free(n->events);
    n->events = NULL;
    for (size_t i = 0; i < 3; i++)
        if (n->signals[i])
            event_free(n->signals[i]);
    if (n->shutdown_ev)
        event_free(n->shutdown_ev);
    n->shutdown_ev = NULL;
    if (n->base)
        event_base_free(n->base);
    n->base = NULL;
    if (n->pid_path[0])
        unlink(n->pid_path);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Shutdown: done");
}

int node_main(int argc, char **argv)
{
    struct node *n = mem_calloc(1, sizeof(*n));
    wbuf_init(&n->vault_script);
    wbuf_init(&n->mining_script);
    n->lock_fd = -1;
    n->daemon_fd = -1;
    pthread_mutex_init(&n->mu, NULL);
    n->args = args_new();
    int rc = setup_options(n, argc, argv);
    if (rc != 0) {
        rc = rc < 0 ? 0 : rc;
        goto out;
    }
    rc = 1;
    log_open(NULL, true); /* until debug.log is open, messages go to stderr */
    if (!check_option_values(n))
        goto out;

    bool daemon_mode = args_get_bool(n->args, "daemon", false);
    if (daemon_mode) {
        printf("hashmintd starting\n");
        if (!daemonize(&n->daemon_fd)) {
            init_error("fork failed: %s", strerror(errno));
            goto out;
        }
    }

    if (!node_mkdir_p(n->chaindir)) {
        init_error("Cannot create data directory \"%s\": %s", n->chaindir, strerror(errno));
        goto out;
    }
    n->lock_fd = node_lock_datadir(n->chaindir);
    if (n->lock_fd < 0) {
        init_error("Cannot obtain a lock on data directory %s. hashmintd is probably already running.",
                   n->chaindir);
        goto out;
    }

    n->console = args_get_bool(n->args, "printtoconsole", !daemon_mode);
    if (!args_is_negated(n->args, "debuglogfile")) {
        if (!abs_path(n->log_path, sizeof(n->log_path), n->chaindir, args_get(n->args, "debuglogfile", "debug.log")))
            goto out;
        n->have_log_file = true;
    }
    if (!log_open(n->have_log_file ? n->log_path : NULL, n->console)) {
        init_error("Could not open debug log file %s", n->log_path);
        goto out;
    }
    log_file_open = n->have_log_file;
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "hashmintd version v%s", PACKAGE_VERSION);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Chain: %s", n->chain_name);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Using data directory %s", n->chaindir);
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Config file: %s%s", n->conf_path,
               access(n->conf_path, R_OK) == 0 ? "" : " (not found, skipping)");
    if (!strcmp(n->chain_name, "bitcoin"))
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Chain bitcoin: outbound connections are disabled");
    args_each_warning(n->args, log_warning_cb, NULL);
    if (!write_pid_file(n))
        goto out_shutdown;

    signal(SIGPIPE, SIG_IGN);
    rpc_server_threads_init();
    n->base = event_base_new();
    if (!n->base) {
        init_error("Cannot create the event loop");
        goto out_shutdown;
    }
    n->shutdown_ev = event_new(n->base, -1, EV_READ, on_shutdown_event, n);
    static const int sigs[3] = { SIGTERM, SIGINT, SIGHUP };
    for (size_t i = 0; i < 3; i++) {
        n->signals[i] = evsignal_new(n->base, sigs[i], on_signal, n);
        if (!n->signals[i] || event_add(n->signals[i], NULL) != 0) {
            init_error("Cannot install signal handlers");
            goto out_shutdown;
        }
    }
    n->events = events_new();

    if (args_get_bool(n->args, "server", true) && !start_rpc(n))
        goto out_shutdown;

    if (pthread_create(&n->loader, NULL, loader_main, n) != 0) {
        init_error("Cannot start the loader thread");
        goto out_shutdown;
    }
    n->loader_started = true;

    event_base_dispatch(n->base);
    rc = 0;

out_shutdown:
    shutdown_node(n);
    pthread_mutex_lock(&n->mu);
    if (n->exit_code > rc)
        rc = n->exit_code;
    pthread_mutex_unlock(&n->mu);
out:
    if (n->daemon_fd >= 0)
        close(n->daemon_fd);
    if (n->lock_fd >= 0)
        close(n->lock_fd);
    log_close();
    args_free(n->args);
    wbuf_clear(&n->vault_script);
    wbuf_clear(&n->mining_script);
    pthread_mutex_destroy(&n->mu);
    mem_free(n);
    return rc;
}
