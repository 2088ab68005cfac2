/* The keeper's thread and its event subscriber (see keeper.h). */
#include "src/node/keeper.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/params.h"
#include "issuance/issuance_effects.h"
#include "issuance/ratio.h"
#include "src/chain/chainstate.h"
#include "src/chain/events.h"
#include "src/chain/issuance_query.h"
#include "src/chain/mempool.h"
#include "src/node/keeper_index.h"
#include "src/util/alloc.h"
#include "src/util/log.h"
#include "wallet/wallet.h"
#include "wallet/wallet_token.h"

/* At most this many liquidations are attempted per wake-up (the rest wait
 * for the next block; the index stays sorted so none is skipped for good). */
#define KEEPER_BATCH 64
/* At most this many replacements of one liquidation are remembered: an
 * earlier version may still be the one a block confirms. */
#define KEEPER_VERSIONS 16

/* A liquidation the keeper sent and whose vault is still unspent at the tip. */
struct pending {
    struct keeper_vault vault;
    struct hash256 txid[KEEPER_VERSIONS]; /* every version, latest last */
    size_t versions;
    uint64_t seized;
    int64_t fee;      /* of the first version (the payout shrinks by each bump) */
    int64_t rate;     /* the latest version's fee rate (0: the wallet's default, unknown) */
    int32_t height;   /* tip height when the latest version was sent */
    bool at_max;      /* logged that the fee rate reached -keepermaxfee */
};

struct keeper {
    struct chainstate *cs;
    struct mempool *mp;
    struct events *ev;
    struct wallet_context *wallets;
    char wallet[128];
    int64_t max_fee;
    int sub;

    pthread_t thread;
    pthread_mutex_t mu; /* guards everything below */
    pthread_cond_t cv;
    bool stop;
    uint64_t wake_seq; /* bumped by every event that may change the answer */
    struct keeper_index ix;
    struct pending *pend;
    size_t npend;
    /* getkeeperinfo */
    size_t liquidatable;
    uint64_t sent, confirmed, lost, failed, bumped;
    uint64_t husd_spent;
    int64_t collateral_gained;
    int32_t last_height;
    char last_note[256]; /* the last "nothing done because ..." line, logged once per change */
};

/* ---- the event subscriber (chain thread, chain lock held) ----------------------- */

static void to_entry(struct keeper_vault *out, const struct issuance_vault *v)
{
    out->outpoint = v->outpoint;
    out->asset = v->asset;
    out->collateral = v->collateral;
    out->debt = v->debt;
}

static void on_issuance_tx(void *ctx, const struct tx *tx, const struct issuance_effects *fx,
                           const struct block_index *idx, bool connected)
{
    (void)tx;
    (void)idx;
    struct keeper *k = ctx;
    struct keeper_vault in, out;
    pthread_mutex_lock(&k->mu);
    /* connected: the spent vault leaves, the new one enters; a disconnect
     * reports the same effects and reverses them */
    if (fx->has_vault_in && fx->vault_in.debt > 0) {
        to_entry(&in, &fx->vault_in);
        bool ok = connected ? keeper_index_remove(&k->ix, &in) : keeper_index_add(&k->ix, &in);
        (void)ok; /* a vault the index missed (debt 0 then) has nothing to undo */
    }
    if (fx->has_vault_out && fx->vault_out.debt > 0) {
        to_entry(&out, &fx->vault_out);
        bool ok = connected ? keeper_index_add(&k->ix, &out) : keeper_index_remove(&k->ix, &out);
        (void)ok;
    }
    pthread_mutex_unlock(&k->mu);
}

static void on_tip(void *ctx, const struct block_index *new_tip, const struct block_index *fork, bool ibd)
{
    (void)new_tip;
    (void)fork;
    (void)ibd;
    struct keeper *k = ctx;
    pthread_mutex_lock(&k->mu);
    k->wake_seq++;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
}

/* ---- the keeper's thread ------------------------------------------------------- */

/* Logs a "nothing done" line once until it changes. */
static void note(struct keeper *k, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct keeper *k, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof(line), fmt, ap);
    va_end(ap);
    pthread_mutex_lock(&k->mu);
    bool fresh = strcmp(line, k->last_note) != 0;
    if (fresh)
        snprintf(k->last_note, sizeof(k->last_note), "%s", line);
    pthread_mutex_unlock(&k->mu);
    if (fresh)
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "keeper: %s", line);
}

static void outpoint_str(char out[80], const struct outpoint *op)
{
    char hex[65];
    hash256_to_hex(hex, &op->txid);
    snprintf(out, 80, "%s:%u", hex, op->n);
}

/* Whether one of p's versions is confirmed (depth > 0) in w. */
static bool pending_confirmed(struct wallet *w, const struct pending *p)
{
    for (size_t i = 0; i < p->versions; i++) {
        struct wallet_error e = { 0, "" };
        json_t *j = wallet_get_transaction(w, &e, &p->txid[i], false);
        json_int_t conf = j ? json_integer_value(json_object_get(j, "confirmations")) : 0;
        json_decref(j);
        if (conf > 0)
            return true;
    }
    return false;
}

/* Settles or bumps the pending liquidations (keeper thread). */
static void review_pending(struct keeper *k, struct wallet *w, int32_t tip)
{
    for (size_t i = 0; i < k->npend;) {
        struct pending *p = &k->pend[i];
        char vs[80];
        outpoint_str(vs, &p->vault.outpoint);
        struct chainstate_vault cv;
        int found = chainstate_get_vault(k->cs, &cv, &p->vault.outpoint);
        if (found == 1)
            chainstate_vault_clear(&cv);
        bool done = false;
        if (found == 0) {
            /* the vault is spent at the tip: by us or by someone else */
            bool won = pending_confirmed(w, p);
            pthread_mutex_lock(&k->mu);
            if (won) {
                k->confirmed++;
                k->husd_spent += p->vault.debt;
                k->collateral_gained += (int64_t)p->seized - p->fee;
            } else {
                k->lost++;
            }
            pthread_mutex_unlock(&k->mu);
            log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "keeper: liquidation of vault %s %s", vs,
                       won ? "confirmed" : "lost: the vault was spent by another transaction");
            done = true;
        } else if (found == 1 && tip > p->height && p->versions > 0) {
            /* still waiting after a new block: bump by RBF up to -keepermaxfee */
            struct hash256 latest = p->txid[p->versions - 1], nt;
            int64_t rate = 0;
            struct wallet_error e = { 0, "" };
            if (!mempool_has(k->mp, &latest)) {
                note(k, "liquidation of vault %s is not in the mempool (replaced by a competing spend?); waiting", vs);
            } else if (wallet_liquidation_bump(w, &e, &nt, &rate, &latest, k->max_fee)) {
                char a[65], b[65];
                hash256_to_hex(a, &latest);
                hash256_to_hex(b, &nt);
                log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "keeper: fee-bumped liquidation of vault %s: %s -> %s at %lld/kvB",
                           vs, a, b, (long long)rate);
                if (p->versions == KEEPER_VERSIONS) {
                    memmove(&p->txid[0], &p->txid[1], (KEEPER_VERSIONS - 1) * sizeof(p->txid[0]));
                    p->versions--;
                }
                p->txid[p->versions++] = nt;
                p->rate = rate;
                pthread_mutex_lock(&k->mu);
                k->bumped++;
                pthread_mutex_unlock(&k->mu);
            } else if (!p->at_max) {
                p->at_max = true;
                log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "keeper: not fee-bumping the liquidation of vault %s: %s", vs,
                           e.message);
            }
            p->height = tip;
        }
        if (done) {
            pthread_mutex_lock(&k->mu);
            k->pend[i] = k->pend[--k->npend];
            pthread_mutex_unlock(&k->mu);
        } else {
            i++;
        }
    }
}

static bool is_pending(const struct keeper *k, const struct outpoint *op)
{
    for (size_t i = 0; i < k->npend; i++)
        if (hash256_eq(&k->pend[i].vault.outpoint.txid, &op->txid) && k->pend[i].vault.outpoint.n == op->n)
            return true;
    return false;
}

/* Liquidates asset's vaults below the ratio, most undercollateralised first, within the balance. */
static void liquidate_asset(struct keeper *k, struct wallet *w, uint32_t asset, const struct keeper_vault *c,
                            size_t n, int32_t tip)
{
    const char *ticker = chainstate_params(k->cs)->assets[asset].ticker;
    json_t *bal = wallet_token_balance_json(w, (int)asset, 0);
    uint64_t budget = (uint64_t)json_integer_value(bal);
    json_decref(bal);
    size_t todo = 0;
    for (size_t i = 0; i < n; i++)
        todo += !is_pending(k, &c[i].outpoint);
    if (todo == 0)
        return;
    if (budget == 0) {
        note(k, "wallet '%s' holds no %s: %zu liquidatable vault(s) left alone", k->wallet, ticker, todo);
        return;
    }
    for (size_t i = 0; i < n; i++) {
        if (is_pending(k, &c[i].outpoint))
            continue;
        char vs[80];
        outpoint_str(vs, &c[i].outpoint);
        if (c[i].debt > budget) {
            note(k, "vault %s needs %llu %s, the wallet has %llu: skipped", vs, (unsigned long long)c[i].debt, ticker,
                 (unsigned long long)budget);
            continue;
        }
        struct wallet_send_options o;
        wallet_send_options_init(&o, w);
        o.replaceable = true; /* the keeper bumps by RBF */
        struct hash256 txid;
        uint64_t seized = 0;
        int64_t fee = 0;
        struct wallet_error e = { 0, "" };
        if (!wallet_liquidate_vault(w, &e, &txid, &seized, &fee, &c[i].outpoint, &o)) {
            pthread_mutex_lock(&k->mu);
            k->failed++;
            pthread_mutex_unlock(&k->mu);
            note(k, "liquidating vault %s failed: %s", vs, e.message);
            continue;
        }
        budget -= c[i].debt;
        char hex[65];
        hash256_to_hex(hex, &txid);
        log_printf(LOG_ALWAYS, LOG_LEVEL_INFO,
                   "keeper: liquidating vault %s (collateral %lld, debt %llu %s): tx %s seizes %llu, fee %lld", vs,
                   (long long)c[i].collateral, (unsigned long long)c[i].debt, ticker, hex, (unsigned long long)seized,
                   (long long)fee);
        pthread_mutex_lock(&k->mu);
        k->pend = mem_realloc(k->pend, (k->npend + 1) * sizeof(*k->pend));
        struct pending *p = &k->pend[k->npend++];
        memset(p, 0, sizeof(*p));
        p->vault = c[i];
        p->txid[0] = txid;
        p->versions = 1;
        p->seized = seized;
        p->fee = fee;
        p->height = tip;
        k->sent++;
        pthread_mutex_unlock(&k->mu);
    }
}

/* One pass: what is liquidatable now, what became of the pending ones, what to send. */
static void run_once(struct keeper *k, struct keeper_vault *cand)
{
    struct issuance_state *st = mem_calloc(1, sizeof(*st));
    int32_t tip = -1;
    if (!chainstate_issuance_state(k->cs, st, NULL, &tip)) {
        mem_free(st);
        return;
    }
    const struct chain_params *params = chainstate_params(k->cs);
    size_t counts[ISSUANCE_MAX_ASSETS] = { 0 };
    size_t total = 0;
    pthread_mutex_lock(&k->mu);
    k->last_height = tip;
    size_t taken = 0;
    for (uint32_t a = 0; a < params->asset_count && a < ISSUANCE_MAX_ASSETS; a++) {
        const struct chain_asset *ca = &params->assets[a];
        const struct issuance_asset_state *as = &st->asset[a];
        /* a stale price allows no liquidation: nothing is liquidatable */
        if (!issuance_price_fresh(as->price, as->price_height, tip + 1, ca->max_price_age))
            continue;
        size_t n = keeper_index_below(&k->ix, cand + taken, KEEPER_BATCH - taken, a, as->price,
                                      ca->liquidation_ratio_pct);
        total += n;
        counts[a] = n < KEEPER_BATCH - taken ? n : KEEPER_BATCH - taken;
        taken += counts[a];
    }
    k->liquidatable = total;
    pthread_mutex_unlock(&k->mu);
    mem_free(st);

    struct wallet_error e = { 0, "" };
    struct wallet *w = k->wallets ? wallet_context_pick(k->wallets, &e, k->wallet[0] ? k->wallet : NULL) : NULL;
    if (!w) {
        if (total > 0 || k->npend > 0)
            note(k, "no wallet to act with (%s): %zu liquidatable vault(s) left alone",
                 k->wallets ? e.message : "wallets disabled", total);
        return;
    }
    review_pending(k, w, tip);
    size_t off = 0;
    for (uint32_t a = 0; a < params->asset_count && a < ISSUANCE_MAX_ASSETS; a++) {
        if (counts[a])
            liquidate_asset(k, w, a, cand + off, counts[a], tip);
        off += counts[a];
    }
    wallet_release(w);
}

static void *keeper_main(void *arg)
{
    struct keeper *k = arg;
    struct keeper_vault *cand = mem_calloc(KEEPER_BATCH, sizeof(*cand));
    uint64_t done = 0;
    pthread_mutex_lock(&k->mu);
    while (!k->stop) {
        if (k->wake_seq == done) {
            pthread_cond_wait(&k->cv, &k->mu);
            continue;
        }
        done = k->wake_seq;
        pthread_mutex_unlock(&k->mu);
        run_once(k, cand);
        pthread_mutex_lock(&k->mu);
    }
    pthread_mutex_unlock(&k->mu);
    mem_free(cand);
    return NULL;
}

/* ---- start, stop, info ---------------------------------------------------------- */

static bool fill_cb(void *ctx, const struct chainstate_vault *v)
{
    struct keeper *k = ctx;
    if (v->debt == 0)
        return true;
    struct keeper_vault e = { v->outpoint, v->asset, v->collateral, v->debt };
    bool ok = keeper_index_add(&k->ix, &e);
    (void)ok;
    return true;
}

struct keeper *keeper_start(struct chainstate *cs, struct mempool *mp, struct events *ev,
                            struct wallet_context *wallets, const struct keeper_options *o, char *err,
                            size_t errlen)
{
    if (!chainstate_issuance_enabled(cs)) {
        snprintf(err, errlen, "-keeper needs a chain with the issuance layer");
        return NULL;
    }
    struct keeper *k = mem_calloc(1, sizeof(*k));
    k->cs = cs;
    k->mp = mp;
    k->ev = ev;
    k->wallets = wallets;
    snprintf(k->wallet, sizeof(k->wallet), "%s", o->wallet ? o->wallet : "");
    k->max_fee = o->max_fee;
    keeper_index_init(&k->ix);
    pthread_mutex_init(&k->mu, NULL);
    pthread_cond_init(&k->cv, NULL);
    /* the one scan, and the subscription, under the chain lock: no block
     * slips between them */
    chainstate_lock(cs);
    bool ok = chainstate_for_each_vault(cs, fill_cb, k);
    if (ok) {
        struct events_subscriber sub = { .ctx = k, .issuance_tx = on_issuance_tx, .updated_block_tip = on_tip };
        k->sub = events_subscribe(ev, &sub);
    }
    chainstate_unlock(cs);
    if (!ok) {
        snprintf(err, errlen, "-keeper: cannot read the vaults from the coins database");
        keeper_index_clear(&k->ix);
        pthread_cond_destroy(&k->cv);
        pthread_mutex_destroy(&k->mu);
        mem_free(k);
        return NULL;
    }
    k->wake_seq = 1; /* look once at start */
    if (pthread_create(&k->thread, NULL, keeper_main, k) != 0) {
        events_unsubscribe(ev, k->sub);
        snprintf(err, errlen, "-keeper: cannot start its thread");
        keeper_index_clear(&k->ix);
        pthread_cond_destroy(&k->cv);
        pthread_mutex_destroy(&k->mu);
        mem_free(k);
        return NULL;
    }
    log_printf(LOG_ALWAYS, LOG_LEVEL_INFO, "keeper: started (wallet '%s', %zu vault(s) with debt watched, max fee %lld/kvB)",
               k->wallet, k->ix.count, (long long)k->max_fee);
    return k;
}

void keeper_stop(struct keeper *k)
{
    if (!k)
        return;
    events_unsubscribe(k->ev, k->sub);
    pthread_mutex_lock(&k->mu);
    k->stop = true;
    pthread_cond_signal(&k->cv);
    pthread_mutex_unlock(&k->mu);
    pthread_join(k->thread, NULL);
    keeper_index_clear(&k->ix);
    mem_free(k->pend);
    pthread_cond_destroy(&k->cv);
    pthread_mutex_destroy(&k->mu);
    mem_free(k);
}

json_t *keeper_info_json(struct keeper *k)
{
    pthread_mutex_lock(&k->mu);
    json_t *r = json_pack("{s:b,s:s,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I,s:I}", "enabled", 1, "wallet", k->wallet,
                          "height", (json_int_t)k->last_height, "vaults_watched", (json_int_t)k->ix.count,
                          "liquidatable", (json_int_t)k->liquidatable, "pending", (json_int_t)k->npend,
                          "sent", (json_int_t)k->sent, "confirmed", (json_int_t)k->confirmed, "lost",
                          (json_int_t)k->lost, "failed", (json_int_t)k->failed, "bumped", (json_int_t)k->bumped,
                          "husd_spent", (json_int_t)k->husd_spent, "collateral_gained",
                          (json_int_t)k->collateral_gained, "maxfee", (json_int_t)k->max_fee);
    pthread_mutex_unlock(&k->mu);
    return r;
}
