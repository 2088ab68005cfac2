#include "src/node/wallet_glue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "src/chain/block_index.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/fee_estimator.h"
#include "src/chain/issuance_query.h"
#include "src/chain/mempool.h"
#include "src/node/args.h"
#include "src/store/coin.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "wallet/wallet.h"

struct wallet_glue {
    struct chainstate *cs;
    struct mempool *mp;
    struct fee_estimator *fees;
    struct events *ev;
    struct wallet_chain iface;
    struct wallet_context *ctx;
    char *notify_cmd; /* -walletnotify, NULL if unset */
};

static void info_of(struct wallet_block_info *out, const struct block_index *bi)
{
    out->hash = bi->hash;
    out->prev = bi->header.prev_hash;
    out->height = bi->height;
    out->time = bi->header.time;
}

static void g_lock(void *ctx)
{
    chainstate_lock(((struct wallet_glue *)ctx)->cs);
}
static void g_unlock(void *ctx)
{
    chainstate_unlock(((struct wallet_glue *)ctx)->cs);
}
static bool g_tip(void *ctx, struct wallet_block_info *out)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *t = chainstate_tip(g->cs);
    if (t)
        info_of(out, t);
    chainstate_unlock(g->cs);
    return t != NULL;
}
static bool g_block_at(void *ctx, struct wallet_block_info *out, int32_t h)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_at_height(g->cs, h);
    if (b)
        info_of(out, b);
    chainstate_unlock(g->cs);
    return b != NULL;
}
static bool g_find_block(void *ctx, struct wallet_block_info *out, bool *active, int32_t *fork_height,
                         const struct hash256 *hash)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    if (b) {
        info_of(out, b);
        *active = chainstate_in_active_chain(g->cs, b);
        struct block_index *f = chainstate_find_fork(g->cs, b);
        *fork_height = f ? f->height : -1;
    }
    chainstate_unlock(g->cs);
    return b != NULL;
}
static bool g_read_block(void *ctx, struct block *out, const struct hash256 *hash)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    struct block_index *b = chainstate_lookup(g->cs, hash);
    bool ok = b && chainstate_read_block(g->cs, out, b);
    chainstate_unlock(g->cs);
    return ok;
}
static bool g_submit(void *ctx, const struct tx *tx, bool test_only, int64_t max_fee, char *err, size_t errlen)
{
    struct wallet_glue *g = ctx;
    struct val_state st;
    val_state_init(&st);
    struct mempool_accept_args args = { .test_accept = test_only, .max_fee = max_fee };
    chainstate_lock(g->cs);
    bool ok = mempool_accept(g->mp, &st, NULL, tx, &args);
    chainstate_unlock(g->cs);
    if (!ok)
        snprintf(err, errlen, "%s", st.debug[0] ? st.debug : st.reject);
    return ok;
}
static bool g_in_mempool(void *ctx, const struct hash256 *txid)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    bool ok = mempool_has(g->mp, txid);
    chainstate_unlock(g->cs);
    return ok;
}
static int64_t g_min_fee(void *ctx)
{
    struct wallet_glue *g = ctx;
    chainstate_lock(g->cs);
    int64_t v = mempool_min_fee(g->mp);
    chainstate_unlock(g->cs);
    return v;
}

static bool g_get_coin(void *ctx, struct txout *out, int32_t *height, bool *coinbase, const struct outpoint *op)
{
    struct wallet_glue *g = ctx;
    struct coin c;
    coin_init(&c);
    bool ok = chainstate_get_coin(g->cs, &c, op);
    if (ok) {
        *out = c.out; /* moves the script: c is not cleared */
        *height = (int32_t)c.height;
        *coinbase = c.coinbase;
    }
    return ok;
}
static bool g_issuance_state(void *ctx, struct issuance_state *out, int32_t *tip_height)
{
    struct wallet_glue *g = ctx;
    return chainstate_issuance_state(g->cs, out, NULL, tip_height);
}
static int64_t g_estimate_fee(void *ctx, int *returned_target, const char **reason, int conf_target,
                              bool conservative)
{
    struct wallet_glue *g = ctx;
    if (reason)
        *reason = "None";
    return g->fees ? fee_estimator_estimate_smart_why(g->fees, returned_target, reason, conf_target, conservative)
                   : 0;
}

/* The event adapters: one per subscription, holding the wallet's listener. */
struct sub {
    struct wallet_chain_listener l;
};
static void e_connected(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct sub *s = ctx;
    struct wallet_block_info i;
    info_of(&i, idx);
    if (s->l.block_connected)
        s->l.block_connected(s->l.ctx, b, &i);
}
static void e_disconnected(void *ctx, const struct block *b, const struct block_index *idx)
{
    struct sub *s = ctx;
    struct wallet_block_info i;
    info_of(&i, idx);
    if (s->l.block_disconnected)
        s->l.block_disconnected(s->l.ctx, b, &i);
}
static void e_added(void *ctx, const struct tx *tx, uint64_t seq)
{
    (void)seq;
    struct sub *s = ctx;
    if (s->l.tx_added)
        s->l.tx_added(s->l.ctx, tx);
}
static void e_removed(void *ctx, const struct tx *tx, enum mempool_removal_reason r, uint64_t seq)
{
    (void)seq;
    struct sub *s = ctx;
    if (s->l.tx_removed)
        s->l.tx_removed(s->l.ctx, tx,
                        r == MEMPOOL_REMOVAL_CONFLICT   ? WALLET_TX_REMOVED_CONFLICT
                        : r == MEMPOOL_REMOVAL_REPLACED ? WALLET_TX_REMOVED_REPLACED
                                                        : WALLET_TX_REMOVED_OTHER);
}

/* Subscriptions live until the glue stops (a handful per run). */
#define MAX_SUBS 256
static struct sub subs[MAX_SUBS];
static int sub_ids[MAX_SUBS];
static size_t nsubs;

static int g_subscribe(void *ctx, const struct wallet_chain_listener *l)
{
    struct wallet_glue *g = ctx;
    if (nsubs == MAX_SUBS)
        return 0;
    struct sub *s = &subs[nsubs];
    s->l = *l;
    struct events_subscriber es = { .ctx = s,
                                     .block_connected = e_connected,
                                     .block_disconnected = e_disconnected,
                                     .tx_added_to_mempool = e_added,
                                     .tx_removed_from_mempool = e_removed };
    int id = events_subscribe(g->ev, &es);
    sub_ids[nsubs++] = id;
    return id;
}
static void g_unsubscribe(void *ctx, int id)
{
    struct wallet_glue *g = ctx;
    events_unsubscribe(g->ev, id);
}

/* Appends s to out[*o..cap). Returns false if it does not fit. */
static bool put(char *out, size_t cap, size_t *o, const char *s, size_t n)
{
    if (*o + n >= cap)
        return false;
    memcpy(out + *o, s, n);
    *o += n;
    return true;
}

bool wallet_glue_notify_format(char *out, size_t cap, const char *cmd, const char *txid_hex, const char *wallet_name,
                               const char *block_hex, int32_t height)
{
    size_t o = 0;
    bool ok = cap > 0;
    char h[16];
    snprintf(h, sizeof(h), "%d", block_hex ? (int)height : -1);
    for (const char *p = cmd; ok && *p; p++) {
        if (p[0] == '%' && p[1] == 's') {
            ok = put(out, cap, &o, txid_hex, strlen(txid_hex));
            p++;
        } else if (p[0] == '%' && p[1] == 'b') {
            const char *b = block_hex ? block_hex : "unconfirmed";
            ok = put(out, cap, &o, b, strlen(b));
            p++;
        } else if (p[0] == '%' && p[1] == 'h') {
            ok = put(out, cap, &o, h, strlen(h));
            p++;
        } else if (p[0] == '%' && p[1] == 'w') {
            /* Core's ShellEscape: single quotes, each ' written as '"'"' */
            ok = put(out, cap, &o, "'", 1);
            for (const char *q = wallet_name; ok && *q; q++)
                ok = *q == '\'' ? put(out, cap, &o, "'\"'\"'", 5) : put(out, cap, &o, q, 1);
            ok = ok && put(out, cap, &o, "'", 1);
            p++;
        } else {
            ok = put(out, cap, &o, p, 1);
        }
    }
    if (cap)
        out[ok ? o : 0] = '\0';
    return ok;
}

static void *notify_thread(void *arg)
{
    char *cmd = arg;
    int rc = system(cmd);
    if (rc != 0)
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "walletnotify: command \"%s\" exited with status %d", cmd, rc);
    mem_free(cmd);
    return NULL;
}

/* The wallet calls this with its lock (and often the chain lock) held: the
 * command runs on a detached thread, so a slow script never stalls the chain. */
static void g_notify(void *ctx, const char *wallet_name, const struct hash256 *txid, const struct hash256 *block,
                     int32_t height)
{
    struct wallet_glue *g = ctx;
    char tx_hex[65], block_hex[65], cmd[8192];
    hash256_to_hex(tx_hex, txid);
    if (block)
        hash256_to_hex(block_hex, block);
    if (!wallet_glue_notify_format(cmd, sizeof(cmd), g->notify_cmd, tx_hex, wallet_name, block ? block_hex : NULL,
                                   height)) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "walletnotify: command too long");
        return;
    }
    pthread_t t;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    char *copy = mem_strdup(cmd);
    if (pthread_create(&t, &attr, notify_thread, copy) != 0) {
        log_printf(LOG_ALWAYS, LOG_LEVEL_WARNING, "walletnotify: cannot start a thread");
        mem_free(copy);
    }
    pthread_attr_destroy(&attr);
}

static bool money(int64_t *out, const struct args *a, const char *name, int64_t def, char *err, size_t errlen)
{
    const char *v = args_get(a, name, NULL);
    *out = def;
    if (!v || args_is_negated(a, name))
        return true;
    if (!args_parse_money(out, v)) {
        snprintf(err, errlen, "Invalid amount for -%s=<amount>: '%s'", name, v);
        return false;
    }
    return true;
}

bool wallet_glue_start(struct wallet_glue **out, const struct args *a, const char *datadir, const char *chaindir,
                       struct chainstate *cs, struct mempool *mp, struct fee_estimator *fees, struct events *ev,
                       char *err, size_t errlen)
{
    (void)datadir;
    *out = NULL;
    if (args_get_bool(a, "disablewallet", false))
        return true;
    struct wallet_glue *g = mem_calloc(1, sizeof(*g));
    g->cs = cs;
    g->mp = mp;
    g->fees = fees;
    g->ev = ev;
    const struct chain_params *params = chainstate_params(cs);
    g->iface = (struct wallet_chain){ .ctx = g, .params = params, .lock = g_lock, .unlock = g_unlock, .tip = g_tip,
                                      .block_at = g_block_at, .find_block = g_find_block, .read_block = g_read_block,
                                      .submit_tx = g_submit, .in_mempool = g_in_mempool, .min_fee_rate = g_min_fee,
                                      .subscribe = g_subscribe, .unsubscribe = g_unsubscribe,
                                      .get_coin = g_get_coin, .issuance_state = g_issuance_state,
                                      .estimate_fee = g_estimate_fee };
    struct wallet_options o;
    wallet_options_init(&o, params);
    const char *kp = args_get(a, "keypool", NULL);
    if (kp) {
        char *end;
        long long v = strtoll(kp, &end, 10);
        if (*end || v < 1 || v > 100000) {
            snprintf(err, errlen, "Invalid value for -keypool: '%s'", kp);
            mem_free(g->notify_cmd);
            mem_free(g);
            return false;
        }
        o.keypool = v;
    }
    if (!money(&o.fallback_fee, a, "fallbackfee", o.fallback_fee, err, errlen) ||
        !money(&o.pay_tx_fee, a, "paytxfee", 0, err, errlen) ||
        !money(&o.max_tx_fee, a, "maxtxfee", o.max_tx_fee, err, errlen) ||
        !money(&o.min_relay_fee, a, "minrelaytxfee", o.min_relay_fee, err, errlen)) {
        mem_free(g->notify_cmd);
        mem_free(g);
        return false;
    }
    o.walletrbf = args_get_bool(a, "walletrbf", true);
    const char *wn = args_get(a, "walletnotify", NULL);
    if (wn && *wn && !args_is_negated(a, "walletnotify")) {
        g->notify_cmd = mem_strdup(wn);
        o.notify = g_notify;
        o.notify_ctx = g;
    }
    const char *ct = args_get(a, "txconfirmtarget", NULL);
    if (ct) {
        char *end;
        long long v = strtoll(ct, &end, 10);
        if (*end || v < 1 || v > 1008) {
            snprintf(err, errlen, "Invalid value for -txconfirmtarget: '%s'", ct);
            mem_free(g->notify_cmd);
            mem_free(g);
            return false;
        }
        o.tx_confirm_target = (int)v;
    }
    char dir[4096];
    const char *wd = args_get(a, "walletdir", NULL);
    if (wd && *wd) {
        struct stat st;
        if (stat(wd, &st) != 0 || !S_ISDIR(st.st_mode)) {
            snprintf(err, errlen, "Specified -walletdir \"%s\" does not exist", wd);
            mem_free(g->notify_cmd);
            mem_free(g);
            return false;
        }
        snprintf(dir, sizeof(dir), "%s", wd);
    } else {
        snprintf(dir, sizeof(dir), "%s/wallets", chaindir);
        mkdir(dir, 0700);
    }
    g->ctx = wallet_context_new(&g->iface, params, dir, &o);
    size_t n = 0;
    const char *const *names = args_get_all(a, &n, "wallet");
    for (size_t i = 0; i < n; i++) {
        struct wallet_error e = { 0, "" };
        if (!wallet_context_load(g->ctx, &e, names[i])) {
            snprintf(err, errlen, "%s", e.message);
            wallet_glue_stop(g);
            return false;
        }
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "Loaded wallet \"%s\"", names[i]);
    }
    *out = g;
    return true;
}

struct wallet_context *wallet_glue_context(struct wallet_glue *g)
{
    return g ? g->ctx : NULL;
}

void wallet_glue_stop(struct wallet_glue *g)
{
    if (!g)
        return;
    wallet_context_free(g->ctx);
    mem_free(g->notify_cmd);
    mem_free(g);
    nsubs = 0;
}
