/* hashmint-oracle: reads price sources, decides (oracle_decide.c) and
 * publishes the ORACLE update through hashmintd's setoracleprice, with a
 * PSBT round through other signers' nodes when the local wallet's keys
 * are not enough (doc/oracle.md). */
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "consensus/params.h"
#include "src/node/args.h"
#include "src/node/oracle_decide.h"
#include "src/node/oracle_rpc.h"
#include "src/node/oracle_source.h"
#include "src/util/alloc.h"

#define DEFAULT_DEVIATION_BP 50   /* 0.5% */
#define DEFAULT_MAXJUMP_BP 1000   /* 10%: below the breaker's 20% drop */
#define DEFAULT_INTERVAL 30       /* seconds between rounds without a new block */
#define DEFAULT_SOURCE_TIMEOUT 10 /* seconds */
#define DEFAULT_SOURCE_MAXAGE 3600
#define MAX_SOURCES 32

/* Exit codes of -once. */
#define EXIT_PUBLISHED 0
#define EXIT_ERROR 1
#define EXIT_NOT_PUBLISHED 3

struct oracle_opts {
    const char *sources[MAX_SOURCES];
    size_t nsources;
    const char *signers[MAX_SOURCES];
    size_t nsigners;
    struct oracle_policy policy;
    bool heartbeat_set;
    bool once;
    int interval;
    int source_timeout;
    int64_t source_maxage;
    char pending[65]; /* the last published txid, until it leaves the mempool */
};

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
#include <stdarg.h>
static void logf_(const char *fmt, ...)
{
    char ts[32];
    time_t t = time(NULL);
    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", gmtime(&t));
    fprintf(stderr, "%s oracle: ", ts);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

/* "0.5" (percent, at most 2 decimals) to basis points. */
static bool parse_pct_bp(uint32_t *bp, const char *s)
{
    uint64_t units;
    if (!oracle_parse_price(&units, s, strlen(s)) || units % 1000000 != 0 || units / 1000000 > 100000)
        return false;
    *bp = (uint32_t)(units / 1000000);
    return true;
}

static bool parse_uint(long *out, const char *s, long max)
{
    char *end;
    long v = strtol(s, &end, 10);
    if (!s[0] || *end || v < 0 || v > max)
        return false;
    *out = v;
    return true;
}

static const char *opt_value(const char *arg, const char *name)
{
    size_t n = strlen(name);
    if (arg[0] != '-')
        return NULL;
    arg += arg[1] == '-' ? 2 : 1;
    if (strncmp(arg, name, n))
        return NULL;
    return arg[n] == '=' ? arg + n + 1 : arg[n] == '\0' ? "" : NULL;
}

/* Takes the feeder's own options out of argv; the rest (-regtest,
 * -datadir, -rpc*, -conf, ...) is hashmint-cli's and goes to args.c. */
static bool take_own_options(struct oracle_opts *o, int *argc, char **argv)
{
    int out = 1;
    for (int i = 1; i < *argc; i++) {
        const char *a = argv[i], *v;
        long n;
        if ((v = opt_value(a, "source"))) {
            if (o->nsources == MAX_SOURCES || !v[0])
                return fprintf(stderr, "Error: bad or too many -source\n"), false;
            o->sources[o->nsources++] = v;
        } else if ((v = opt_value(a, "signer"))) {
            if (o->nsigners == MAX_SOURCES || !v[0])
                return fprintf(stderr, "Error: bad or too many -signer\n"), false;
            o->signers[o->nsigners++] = v;
        } else if ((v = opt_value(a, "deviation"))) {
            if (!parse_pct_bp(&o->policy.deviation_bp, v))
                return fprintf(stderr, "Error: -deviation must be a percentage (e.g. 0.5)\n"), false;
        } else if ((v = opt_value(a, "maxjump"))) {
            if (!parse_pct_bp(&o->policy.maxjump_bp, v))
                return fprintf(stderr, "Error: -maxjump must be a percentage (e.g. 20)\n"), false;
        } else if ((v = opt_value(a, "heartbeat"))) {
            if (!parse_uint(&n, v, 1000000) || n == 0)
                return fprintf(stderr, "Error: -heartbeat must be a positive number of blocks\n"), false;
            o->policy.heartbeat = (uint32_t)n;
            o->heartbeat_set = true;
        } else if ((v = opt_value(a, "interval"))) {
            if (!parse_uint(&n, v, 86400) || n == 0)
                return fprintf(stderr, "Error: -interval must be 1..86400 seconds\n"), false;
            o->interval = (int)n;
        } else if ((v = opt_value(a, "sourcetimeout"))) {
            if (!parse_uint(&n, v, 3600) || n == 0)
                return fprintf(stderr, "Error: -sourcetimeout must be 1..3600 seconds\n"), false;
            o->source_timeout = (int)n;
        } else if ((v = opt_value(a, "sourcemaxage"))) {
            if (!parse_uint(&n, v, 100000000))
                return fprintf(stderr, "Error: -sourcemaxage must be seconds (0: no limit)\n"), false;
            o->source_maxage = n;
        } else if ((v = opt_value(a, "once"))) {
            o->once = true;
        } else {
            argv[out++] = argv[i];
        }
    }
    *argc = out;
    return true;
}

static void print_usage(void)
{
    printf("Hashmint oracle feeder v%s\n\n"
           "Usage: hashmint-oracle [options] -source=<src> [-source=<src> ...]\n\n"
           "  -source=file:PATH           a file or pipe of \"timestamp price\" lines (the last valid line counts)\n"
           "  -source=http://h:p/path#f   an HTTP JSON endpoint; f is the (dotted) field holding the price\n"
           "  -signer=URL                 another signer's wallet RPC (http://user:pass@host:port/wallet/name)\n"
           "  -deviation=<pct>            publish when the median moved this much (default 0.5)\n"
           "  -maxjump=<pct>              refuse a bigger move unless two sources agree (default 10)\n"
           "  -heartbeat=<n>              publish when the on-chain price is n blocks old (default: max_price_age/2)\n"
           "  -interval=<s>               loop: the longest wait for a new block between rounds (default %d)\n"
           "  -once                       one round; exit 0 published, %d not published, %d error\n"
           "  -sourcetimeout=<s>          HTTP source timeout (default %d)\n"
           "  -sourcemaxage=<s>           a file line older than this is stale (default %d, 0: no limit)\n"
           "  -rpcwallet=<name>           the wallet holding oracle keys; with -regtest, -datadir, -conf,\n"
           "                              -rpcconnect, -rpcport, -rpcuser, -rpcpassword as for hashmint-cli\n"
           "Prices in sources are decimal HUSD per HMC (8 decimals at most); the node takes base units.\n",
           PACKAGE_VERSION, DEFAULT_INTERVAL, EXIT_NOT_PUBLISHED, EXIT_ERROR, DEFAULT_SOURCE_TIMEOUT,
           DEFAULT_SOURCE_MAXAGE);
}

static char *join(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    char *p = mem_alloc(na + nb + 2);
    memcpy(p, a, na);
    p[na] = '/';
    memcpy(p + na + 1, b, nb + 1);
    return p;
}

/* The node endpoint and the wallet endpoint from hashmint-cli's options. */
static bool setup_endpoints(struct args *a, struct oracle_endpoint *node, struct oracle_endpoint *wallet)
{
    char err[1024];
    const char *home = getenv("HOME");
    char *datadir = args_get(a, "datadir", NULL) ? mem_strdup(args_get(a, "datadir", NULL))
                                                  : join(home && home[0] ? home : "", ".hashmint");
    char *conf = args_get(a, "conf", NULL) && args_get(a, "conf", NULL)[0] == '/'
                     ? mem_strdup(args_get(a, "conf", NULL))
                     : join(datadir, args_get(a, "conf", ARGS_CONFIG_FILENAME));
    const char *chain = "main";
    bool ok = args_read_config(a, conf, datadir, args_is_set(a, "conf"), err, sizeof(err)) &&
              args_select_chain(a, &chain, err, sizeof(err));
    mem_free(conf);
    if (!ok) {
        fprintf(stderr, "Error: %s\n", err);
        mem_free(datadir);
        return false;
    }
    const struct chain_params *params = chain_params_get(chain);
    long port = params->rpc_port;
    if (args_is_set(a, "rpcport") && !parse_uint(&port, args_get(a, "rpcport", ""), 65535)) {
        fprintf(stderr, "Error: Invalid port provided in -rpcport\n");
        mem_free(datadir);
        return false;
    }
    char url[512];
    snprintf(url, sizeof(url), "http://%s:%ld", args_get(a, "rpcconnect", "127.0.0.1"), port);
    node->url = mem_strdup(url);
    node->timeout = 60;
    const char *pw = args_get(a, "rpcpassword", "");
    if (pw[0]) {
        const char *user = args_get(a, "rpcuser", "");
        node->userpass = mem_alloc(strlen(user) + strlen(pw) + 2);
        sprintf(node->userpass, "%s:%s", user, pw);
    } else {
        char *cdir = !strcmp(chain, "main") ? mem_strdup(datadir)
                                            : join(datadir, !strcmp(chain, "test") ? "testnet" : chain);
        node->cookie_path = join(cdir, args_get(a, "rpccookiefile", ".cookie"));
        mem_free(cdir);
    }
    mem_free(datadir);
    *wallet = *node;
    if (args_is_set(a, "rpcwallet")) {
        /* Wallet names in tests and configs are plain; refuse what would need escaping. */
        const char *w = args_get(a, "rpcwallet", "");
        for (const char *p = w; *p; p++)
            if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.~", *p)) {
                fprintf(stderr, "Error: -rpcwallet name must be [A-Za-z0-9-_.~]\n");
                return false;
            }
        snprintf(url, sizeof(url), "%s/wallet/%s", node->url, w);
        wallet->url = mem_strdup(url);
    }
    return true;
}

/* Reads every source; returns how many answered. */
static size_t read_sources(const struct oracle_opts *o, uint64_t *prices)
{
    size_t n = 0;
    for (size_t i = 0; i < o->nsources; i++) {
        const char *s = o->sources[i];
        char why[256] = "";
        uint64_t p;
        bool ok;
        if (!strncmp(s, "file:", 5))
            ok = oracle_read_file_source(&p, s + 5, (int64_t)time(NULL), o->source_maxage, why, sizeof(why));
        else if (!strncmp(s, "http://", 7))
            ok = oracle_read_http_source(&p, s, o->source_timeout, why, sizeof(why));
        else {
            ok = false;
            snprintf(why, sizeof(why), "unknown source type (file:PATH or http://...)");
        }
        if (ok) {
            logf_("source %s: %" PRIu64, s, p);
            prices[n++] = p;
        } else {
            logf_("source %s skipped: %s", s, why);
        }
    }
    return n;
}

/* The PSBT round: every signer signs the same PSBT, the node combines,
 * finalizes and broadcasts. Returns the txid (new) or NULL. */
static char *psbt_round(const struct oracle_opts *o, const struct oracle_endpoint *node, const char *psbt)
{
    char err[512];
    json_t *all = json_array();
    json_array_append_new(all, json_string(psbt));
    for (size_t i = 0; i < o->nsigners; i++) {
        struct oracle_endpoint s = { .url = (char *)o->signers[i], .timeout = 60 };
        json_t *params = json_array();
        json_array_append_new(params, json_string(psbt));
        json_t *r = oracle_rpc_call(&s, "walletprocesspsbt", params, err, sizeof(err));
        const char *signed_psbt = r ? json_string_value(json_object_get(r, "psbt")) : NULL;
        if (signed_psbt) {
            logf_("signer %zu signed (complete: %s)", i + 1,
                  json_is_true(json_object_get(r, "complete")) ? "yes" : "no");
            json_array_append_new(all, json_string(signed_psbt));
        } else {
            logf_("signer %zu failed: %s", i + 1, r ? "no psbt in the reply" : err);
        }
        json_decref(r);
    }
    json_t *params = json_array();
    json_array_append_new(params, all);
    json_t *combined = oracle_rpc_call(node, "combinepsbt", params, err, sizeof(err));
    if (!json_is_string(combined)) {
        logf_("combinepsbt failed: %s", err);
        json_decref(combined);
        return NULL;
    }
    params = json_array();
    json_array_append(params, combined);
    json_decref(combined);
    json_t *fin = oracle_rpc_call(node, "finalizepsbt", params, err, sizeof(err));
    if (!fin || !json_is_true(json_object_get(fin, "complete"))) {
        logf_("finalizepsbt: %s", fin ? "not enough signatures" : err);
        json_decref(fin);
        return NULL;
    }
    params = json_array();
    json_array_append(params, json_object_get(fin, "hex"));
    json_decref(fin);
    json_t *txid = oracle_rpc_call(node, "sendrawtransaction", params, err, sizeof(err));
    char *out = json_is_string(txid) ? mem_strdup(json_string_value(txid)) : NULL;
    if (!out)
        logf_("sendrawtransaction failed: %s", err);
    json_decref(txid);
    return out;
}

static bool publish(struct oracle_opts *o, const struct oracle_endpoint *node,
                    const struct oracle_endpoint *wallet, uint64_t price)
{
    char err[512];
    json_t *params = json_array();
    json_array_append_new(params, json_integer((json_int_t)price));
    json_t *r = oracle_rpc_call(wallet, "setoracleprice", params, err, sizeof(err));
    if (!r) {
        logf_("setoracleprice failed: %s", err);
        return false;
    }
    char *txid = NULL;
    if (json_is_true(json_object_get(r, "complete")) && json_is_string(json_object_get(r, "txid")))
        txid = mem_strdup(json_string_value(json_object_get(r, "txid")));
    else if (json_is_string(json_object_get(r, "psbt")) && o->nsigners)
        txid = psbt_round(o, node, json_string_value(json_object_get(r, "psbt")));
    else
        logf_("setoracleprice is incomplete and no -signer is given");
    json_decref(r);
    if (txid) {
        logf_("published %" PRIu64 " in %s", price, txid);
        snprintf(o->pending, sizeof(o->pending), "%s", txid);
    }
    mem_free(txid);
    return txid != NULL;
}

/* One round. Returns EXIT_PUBLISHED, EXIT_NOT_PUBLISHED or EXIT_ERROR. */
static int round_once(struct oracle_opts *o, const struct oracle_endpoint *node, const struct oracle_endpoint *wallet)
{
    char err[512];
    /* Loop mode: the chain shows the old price until our update is mined;
     * another update now would spend the same ORACLE output again. */
    if (o->pending[0]) {
        json_t *params = json_array();
        json_array_append_new(params, json_string(o->pending));
        json_t *e = oracle_rpc_call(node, "getmempoolentry", params, err, sizeof(err));
        bool waiting = e != NULL;
        json_decref(e);
        if (waiting) {
            logf_("update %s is not mined yet: waiting", o->pending);
            return EXIT_NOT_PUBLISHED;
        }
        o->pending[0] = '\0';
    }
    uint64_t prices[MAX_SOURCES];
    size_t n = read_sources(o, prices);
    json_t *info = oracle_rpc_call(node, "getissuanceinfo", NULL, err, sizeof(err));
    json_t *count = info ? oracle_rpc_call(node, "getblockcount", NULL, err, sizeof(err)) : NULL;
    json_t *asset = info ? json_array_get(json_object_get(info, "assets"), 0) : NULL;
    if (!asset || !json_is_integer(count)) {
        logf_("cannot read the chain's price: %s", asset ? err : info ? "no asset" : err);
        json_decref(info);
        json_decref(count);
        return EXIT_ERROR;
    }
    struct oracle_chain c = {
        .price = (uint64_t)json_integer_value(json_object_get(asset, "price")),
        .price_height = (int32_t)json_integer_value(json_object_get(asset, "price_height")),
        .tip_height = (int32_t)json_integer_value(count),
    };
    struct oracle_policy p = o->policy;
    if (!o->heartbeat_set) {
        json_int_t age = json_integer_value(json_object_get(json_object_get(asset, "parameters"), "max_price_age"));
        p.heartbeat = age >= 2 ? (uint32_t)(age / 2) : 1;
    }
    json_decref(info);
    json_decref(count);
    uint64_t median;
    enum oracle_verdict v = oracle_decide(&p, &c, prices, n, &median);
    logf_("round: %zu/%zu sources, median %" PRIu64 ", chain %" PRIu64 " (height %d, tip %d, heartbeat %u): %s", n,
          o->nsources, median, c.price, c.price_height, c.tip_height, p.heartbeat, oracle_verdict_name(v));
    if (v == ORACLE_REFUSE_JUMP)
        logf_("refused: the median moved %u bp from %" PRIu64 ", more than -maxjump %u bp, and fewer than two "
              "sources agree within -deviation",
              oracle_move_bp(median, c.price), c.price, p.maxjump_bp);
    if (v != ORACLE_PUBLISH_DEVIATION && v != ORACLE_PUBLISH_HEARTBEAT)
        return EXIT_NOT_PUBLISHED;
    return publish(o, node, wallet, median) ? EXIT_PUBLISHED : EXIT_ERROR;
}

int main(int argc, char **argv)
{
    struct oracle_opts o = { .policy = { DEFAULT_DEVIATION_BP, DEFAULT_MAXJUMP_BP, 0 },
                             .interval = DEFAULT_INTERVAL,
                             .source_timeout = DEFAULT_SOURCE_TIMEOUT,
                             .source_maxage = DEFAULT_SOURCE_MAXAGE };
    for (int i = 1; i < argc; i++)
        if (opt_value(argv[i], "help") || opt_value(argv[i], "h") || opt_value(argv[i], "?")) {
            print_usage();
            return EXIT_SUCCESS;
        }
    if (!take_own_options(&o, &argc, argv))
        return EXIT_ERROR;
    if (o.nsources == 0) {
        fprintf(stderr, "Error: at least one -source is needed (see -help)\n");
        return EXIT_ERROR;
    }
    struct args *a = args_new_cli();
    char err[512];
    if (!args_parse_argv(a, argc, argv, err, sizeof(err))) {
        fprintf(stderr, "Error parsing command line arguments: %s\n", err);
        args_free(a);
        return EXIT_ERROR;
    }
    struct oracle_endpoint node = { 0 }, wallet = { 0 };
    bool ok = setup_endpoints(a, &node, &wallet);
    args_free(a);
    if (!ok)
        return EXIT_ERROR;
    if (o.once) {
        int rc = round_once(&o, &node, &wallet);
        if (wallet.url != node.url)
            mem_free(wallet.url);
        mem_free(node.url);
        mem_free(node.userpass);
        mem_free(node.cookie_path);
        return rc;
    }
    for (;;) {
        (void)round_once(&o, &node, &wallet);
        /* Wake on the next block, or after -interval for the sources. */
        json_t *params = json_array();
        json_array_append_new(params, json_integer((json_int_t)o.interval * 1000));
        struct oracle_endpoint w = node;
        w.timeout = o.interval + 30;
        json_t *r = oracle_rpc_call(&w, "waitfornewblock", params, err, sizeof(err));
        if (!r) {
            logf_("waitfornewblock: %s", err);
            sleep((unsigned)o.interval);
        }
        json_decref(r);
    }
}
