/* The issuance RPCs (doc/issuance.md, "RPCs"): getissuanceinfo, listvaults,
 * getvault, auditreserves and verifyreserveproof, built on the chain's query
 * API (src/chain/issuance_query.h). The hidden getissuancestate (the state
 * byte for byte, for tests) stays in rpc_issuance_debug.c. */
#include <stdio.h>
#include <string.h>

#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "issuance/ratio.h"
#include "issuance/reserve_proof.h"
#include "issuance/reserve_tree.h"
#include "src/chain/chainstate.h"
#include "src/chain/issuance_query.h"
#include "src/rpc/issuance_json.h"
#include "src/rpc/issuance_view.h"
#include "src/rpc/json_reserve.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/rpc/rpc_wallet.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/wallet.h"
#include "wallet/wallet_issuance.h"

/* ---- shared ---- */

bool rpc_need_issuance(const struct rpc_context *ctx, struct rpc_error *err)
{
    if (!rpc_need_chain(ctx, err))
        return false;
    if (!chainstate_issuance_enabled(ctx->chain)) {
        rpc_fail(err, RPC_MISC_ERROR, "This chain has no issuance layer");
        return false;
    }
    return true;
}

static json_t *asset_id_json(const uint8_t id[32])
{
    char hex[65];
    hex_encode_reversed(hex, id, 32);
    return json_string(hex);
}

static json_t *outpoint_json(const struct outpoint *op)
{
    char hex[65], text[80];
    hex_encode_reversed(hex, op->txid.b, 32);
    snprintf(text, sizeof(text), "%s:%u", hex, (unsigned)op->n);
    return json_string(text);
}

/* The locking script (after the prefix) of a prefixed output of the tip's UTXO set, as hex; null if absent. */
static json_t *locking_script_json(struct chainstate *cs, const struct outpoint *op)
{
    struct coin c;
    coin_init(&c);
    json_t *r = json_null();
    if (chainstate_get_coin(cs, &c, op)) {
        const uint8_t *spk = c.out.script_pubkey.data;
        size_t len = c.out.script_pubkey.len;
        struct token_prefix pfx;
        size_t plen = 0;
        if (token_prefix_parse(&pfx, &plen, spk, len) != TOKEN_PREFIX_OK)
            plen = 0;
        json_decref(r);
        r = rpc_json_hex(spk + plen, len - plen);
    }
    coin_clear(&c);
    return r;
}

/* The state of the tip with its height, under the chain lock (the caller holds it). */
static bool tip_state(struct rpc_context *ctx, struct rpc_error *err, struct issuance_state *s,
                      struct hash256 *hash, int32_t *height)
{
    if (!chainstate_issuance_state(ctx->chain, s, hash, height)) {
        rpc_fail(err, RPC_MISC_ERROR, "The issuance state is not loaded yet");
        return false;
    }
    return true;
}

/* A vault's object: getvault and listvaults entries. */
static json_t *vault_json(const struct chain_params *p, const struct issuance_state *s, int32_t tip_height,
                          const struct chainstate_vault *v)
{
    const struct chain_asset *a = &p->assets[v->asset];
    const struct issuance_asset_state *as = &s->asset[v->asset];
    json_t *o = json_object();
    json_object_set_new(o, "outpoint", outpoint_json(&v->outpoint));
    json_object_set_new(o, "asset", json_string(a->ticker));
    json_object_set_new(o, "asset_id", asset_id_json(v->asset_id));
    json_object_set_new(o, "collateral", json_integer(v->collateral));
    json_object_set_new(o, "debt", json_integer((json_int_t)v->debt));
    int64_t ratio = rpc_vault_ratio_pct((uint64_t)v->collateral, as->price, v->debt);
    json_object_set_new(o, "ratio", ratio < 0 ? json_null() : json_integer(ratio));
    bool fresh = issuance_price_fresh(as->price, as->price_height, tip_height + 1, a->max_price_age);
    bool liq = v->debt > 0 &&
               !issuance_ratio_at_least((uint64_t)v->collateral, as->price, v->debt, a->liquidation_ratio_pct);
    json_object_set_new(o, "liquidatable", json_boolean(liq && fresh));
    if (liq)
        json_object_set_new(o, "seized",
                            json_integer((json_int_t)issuance_seized((uint64_t)v->collateral, v->debt, as->price,
                                                                     a->liquidation_bonus_pct)));
    json_object_set_new(o, "height", json_integer(v->height));
    json_object_set_new(o, "confirmations", json_integer((json_int_t)tip_height - v->height + 1));
    json_object_set_new(o, "coinbase", json_boolean(v->coinbase));
    json_object_set_new(o, "mature", json_boolean(chain_params_coin_mature(p, v->coinbase, v->height, tip_height + 1)));
    json_object_set_new(o, "owner_script", rpc_json_hex(v->owner_script.data, v->owner_script.len));
    return o;
}

/* ---- getissuanceinfo ---- */

static const char getissuanceinfo_help[] =
    "getissuanceinfo\n"
    "\n"
    "The issuance state after the active tip, per asset (doc/issuance.md, \"RPCs\").\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"height\" : n,              (numeric) the tip's height\n"
    "  \"bestblock\" : \"hex\",       (string) the tip's hash\n"
    "  \"assets\" : [               (json array) one entry per asset, in the chain's order\n"
    "    {\n"
    "      \"asset_id\" : \"hex\",    (string) byte-reversed as every hash\n"
    "      \"ticker\" : \"str\",\n"
    "      \"decimals\" : n,\n"
    "      \"supply\" : n,          (numeric) tokens in circulation, base units\n"
    "      \"total_collateral\" : n,(numeric) HMC base units locked in the asset's vaults\n"
    "      \"total_debt\" : n,      (numeric) sum of the vaults' debts, base units\n"
    "      \"system_ratio_pct\" : n,(numeric) total collateral at the price over the supply, percent rounded down\n"
    "                              as a vault's ratio; null while the supply is 0\n"
    "      \"vault_count\" : n,\n"
    "      \"price\" : n,           (numeric) token base units per HMC\n"
    "      \"price_height\" : n,\n"
    "      \"price_fresh\" : bool,  (boolean) fresh for a block at tip + 1\n"
    "      \"breaker_active\" : bool, (boolean) minting blocked at tip + 1 by the circuit breaker\n"
    "      \"breaker_until\" : n,   (numeric) first height the breaker allows again (0: never tripped)\n"
    "      \"paused\" : bool,       (boolean) the issuer's paused flag\n"
    "      \"issuer\" : { \"outpoint\" : \"txid:vout\", \"script\" : \"hex\", \"flags\" : n },\n"
    "      \"oracle\" : { \"outpoint\" : \"txid:vout\", \"script\" : \"hex\" },\n"
    "      \"parameters\" : { \"min_collateral_ratio_pct\", \"liquidation_ratio_pct\", \"liquidation_bonus_pct\",\n"
    "                       \"max_price_age\", \"breaker_drop_pct\", \"breaker_window\", \"breaker_pause\",\n"
    "                       \"debt_ceiling\", \"min_vault_debt\" }\n"
    "    }, ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli getissuanceinfo\n";

struct totals_walk {
    uint64_t collateral[ISSUANCE_MAX_ASSETS];
    uint64_t debt[ISSUANCE_MAX_ASSETS];
    uint64_t vaults[ISSUANCE_MAX_ASSETS];
    uint64_t tokens[ISSUANCE_MAX_ASSETS];
    uint64_t token_outputs[ISSUANCE_MAX_ASSETS];
    bool overflow;
};

static bool add_checked(uint64_t *sum, uint64_t v)
{
    if (*sum > UINT64_MAX - v)
        return false;
    *sum += v;
    return true;
}

static bool totals_one(void *arg, const struct chainstate_vault *v)
{
    struct totals_walk *t = arg;
    if (v->asset >= ISSUANCE_MAX_ASSETS)
        return true;
    if (v->kind == TOKEN_KIND_VAULT) {
        t->vaults[v->asset]++;
        if (!add_checked(&t->collateral[v->asset], (uint64_t)v->collateral) || !add_checked(&t->debt[v->asset], v->debt))
            t->overflow = true;
    } else if (v->kind == TOKEN_KIND_TOKEN) {
        t->token_outputs[v->asset]++;
        if (!add_checked(&t->tokens[v->asset], v->debt))
            t->overflow = true;
    }
    return true;
}

json_t *rpc_issuance_info_json(struct rpc_context *ctx, struct rpc_error *err)
{
    if (!rpc_need_issuance(ctx, err))
        return NULL;
    struct chainstate *cs = ctx->chain;
    const struct chain_params *p = chainstate_params(cs);
    struct issuance_state *s = mem_alloc(sizeof(*s));
    struct totals_walk *t = mem_calloc(1, sizeof(*t));
    struct hash256 hash;
    int32_t height;
    json_t *r = NULL;
    chainstate_lock(cs);
    if (!tip_state(ctx, err, s, &hash, &height))
        goto out;
    if (!chainstate_for_each_vault(cs, totals_one, t)) {
        rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the UTXO set");
        goto out;
    }
    r = json_object();
    json_object_set_new(r, "height", json_integer(height));
    json_object_set_new(r, "bestblock", rpc_json_hash(&hash));
    json_t *arr = json_array();
    for (uint32_t i = 0; i < s->count && i < p->asset_count; i++) {
        const struct chain_asset *a = &p->assets[i];
        const struct issuance_asset_state *as = &s->asset[i];
        json_t *o = json_object();
        json_object_set_new(o, "asset_id", asset_id_json(as->asset_id));
        json_object_set_new(o, "ticker", json_string(a->ticker));
        json_object_set_new(o, "decimals", json_integer(a->decimals));
        json_object_set_new(o, "supply", json_integer((json_int_t)as->supply));
        json_object_set_new(o, "total_collateral", json_integer((json_int_t)t->collateral[i]));
        json_object_set_new(o, "total_debt", json_integer((json_int_t)t->debt[i]));
        /* The HUSD holder's question: collateral value over supply, as a vault's ratio is computed. */
        int64_t sys = rpc_vault_ratio_pct(t->collateral[i], as->price, as->supply);
        json_object_set_new(o, "system_ratio_pct", sys < 0 ? json_null() : json_integer(sys));
        json_object_set_new(o, "vault_count", json_integer((json_int_t)t->vaults[i]));
        json_object_set_new(o, "price", json_integer((json_int_t)as->price));
        json_object_set_new(o, "price_height", json_integer(as->price_height));
        json_object_set_new(o, "price_fresh",
                            json_boolean(issuance_price_fresh(as->price, as->price_height, height + 1,
                                                              a->max_price_age)));
        json_object_set_new(o, "breaker_active", json_boolean(height + 1 < as->breaker_until));
        json_object_set_new(o, "breaker_until", json_integer(as->breaker_until));
        json_object_set_new(o, "paused", json_boolean((as->issuer_flags & TOKEN_ISSUER_FLAG_PAUSED) != 0));
        json_t *iss = json_object();
        json_object_set_new(iss, "outpoint", outpoint_json(&as->issuer));
        json_object_set_new(iss, "script", locking_script_json(cs, &as->issuer));
        json_object_set_new(iss, "flags", json_integer(as->issuer_flags));
        json_object_set_new(o, "issuer", iss);
        json_t *ora = json_object();
        json_object_set_new(ora, "outpoint", outpoint_json(&as->oracle));
        json_object_set_new(ora, "script", locking_script_json(cs, &as->oracle));
        json_object_set_new(o, "oracle", ora);
        json_t *pp = json_object();
        json_object_set_new(pp, "min_collateral_ratio_pct", json_integer(a->min_collateral_ratio_pct));
        json_object_set_new(pp, "liquidation_ratio_pct", json_integer(a->liquidation_ratio_pct));
        json_object_set_new(pp, "liquidation_bonus_pct", json_integer(a->liquidation_bonus_pct));
        json_object_set_new(pp, "max_price_age", json_integer(a->max_price_age));
        json_object_set_new(pp, "breaker_drop_pct", json_integer(a->breaker_drop_pct));
        json_object_set_new(pp, "breaker_window", json_integer(a->breaker_window));
        json_object_set_new(pp, "breaker_pause", json_integer(a->breaker_pause));
        json_object_set_new(pp, "debt_ceiling", json_integer((json_int_t)a->debt_ceiling));
        json_object_set_new(pp, "min_vault_debt", json_integer((json_int_t)a->min_vault_debt));
        json_object_set_new(o, "parameters", pp);
        json_array_append_new(arr, o);
    }
    json_object_set_new(r, "assets", arr);
out:
    chainstate_unlock(cs);
    mem_free(t);
    mem_free(s);
    return r;
}

static json_t *rpc_getissuanceinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getissuanceinfo_help))
        return NULL;
    return rpc_issuance_info_json(ctx, err);
}

/* ---- getvault ---- */

static const char getvault_help[] =
    "getvault \"txid:vout\"\n"
    "\n"
    "A vault (an unspent VAULT output) at the active tip.\n"
    "\n"
    "Arguments:\n"
    "1. outpoint    (string, required) \"txid:vout\" of the vault output\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"outpoint\" : \"txid:vout\",\n"
    "  \"asset\" : \"str\",           (string) the asset's ticker\n"
    "  \"asset_id\" : \"hex\",\n"
    "  \"collateral\" : n,          (numeric) HMC base units\n"
    "  \"debt\" : n,                (numeric) asset base units\n"
    "  \"ratio\" : n,               (numeric) collateral ratio in percent, rounded down; null for debt 0\n"
    "  \"liquidatable\" : bool,     (boolean) ratio below the liquidation ratio and the price fresh at tip + 1\n"
    "  \"seized\" : n,              (numeric, when below the liquidation ratio) what a liquidation takes\n"
    "  \"height\" : n,\n"
    "  \"confirmations\" : n,\n"
    "  \"coinbase\" : bool,\n"
    "  \"mature\" : bool,           (boolean) spendable in a block at tip + 1\n"
    "  \"owner_script\" : \"hex\"     (string) the locking script after the prefix\n"
    "}\n"
    "\n"
    "Errors: -8 for a malformed outpoint, -5 if no vault is unspent there.\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli getvault \"txid:0\"\n";

static const struct rpc_arg getvault_args[] = { { "outpoint", RPC_ARG_STR, false } };

static json_t *rpc_getvault(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getvault_args, 1, getvault_help) || !rpc_need_issuance(ctx, err))
        return NULL;
    struct outpoint op;
    if (!rpc_outpoint_arg(err, &op, rpc_arg(params, 0), "outpoint"))
        return NULL;
    struct chainstate *cs = ctx->chain;
    struct issuance_state *s = mem_alloc(sizeof(*s));
    json_t *r = NULL;
    int32_t height;
    chainstate_lock(cs);
    if (tip_state(ctx, err, s, NULL, &height)) {
        struct chainstate_vault v;
        int rc = chainstate_get_vault(cs, &v, &op);
        if (rc == 1) {
            r = vault_json(chainstate_params(cs), s, height, &v);
            chainstate_vault_clear(&v);
        } else if (rc == 0) {
            rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "No unspent vault at this outpoint");
        } else {
            rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the UTXO set");
        }
    }
    chainstate_unlock(cs);
    mem_free(s);
    return r;
}

/* ---- listvaults ---- */

static const char listvaults_help[] =
    "listvaults ( \"asset\" count skip minratio maxratio )\n"
    "\n"
    "The vaults at the active tip, ordered by collateral ratio (lowest first; debt-free vaults last),\n"
    "then by outpoint. Each entry is getvault's object. On a wallet endpoint (/wallet/<name>,\n"
    "hashmint-cli -rpcwallet) only the vaults that wallet owns (doc/wallet.md, \"Vaults and issuer\").\n"
    "\n"
    "Arguments:\n"
    "1. asset       (string, optional, default all) ticker or asset id\n"
    "2. count       (numeric, optional, default 100) most entries returned, 0 .. 100000\n"
    "3. skip        (numeric, optional, default 0) entries skipped first\n"
    "4. minratio    (numeric, optional) only vaults whose ratio (percent, rounded down) is at least this\n"
    "5. maxratio    (numeric, optional) only vaults with debt whose ratio is at most this\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli listvaults HUSD 10 0 0 130\n";

static const struct rpc_arg listvaults_args[] = {
    { "asset", RPC_ARG_STR, true },    { "count", RPC_ARG_NUM, true },    { "skip", RPC_ARG_NUM, true },
    { "minratio", RPC_ARG_NUM, true }, { "maxratio", RPC_ARG_NUM, true },
};

struct list_item {
    struct chainstate_vault v; /* owner script owned */
    int64_t ratio;             /* -1: no debt */
};

struct list_walk {
    const struct issuance_state *s;
    int asset; /* -1: all */
    int64_t minratio, maxratio;
    bool has_min, has_max;
    struct list_item *items;
    size_t n, cap;
    struct wallet *wallet; /* NULL: every vault; else only this wallet's */
};

static bool list_one(void *arg, const struct chainstate_vault *v)
{
    struct list_walk *w = arg;
    if (w->asset >= 0 && v->asset != (uint32_t)w->asset)
        return true;
    if (w->wallet && !wallet_has_vault(w->wallet, &v->outpoint))
        return true;
    const struct issuance_asset_state *as = &w->s->asset[v->asset];
    int64_t ratio = rpc_vault_ratio_pct((uint64_t)v->collateral, as->price, v->debt);
    if (w->has_max && (ratio < 0 || ratio > w->maxratio))
        return true;
    if (w->has_min && ratio >= 0 && ratio < w->minratio)
        return true;
    if (w->n == w->cap) {
        w->cap = w->cap ? w->cap * 2 : 64;
        w->items = mem_realloc(w->items, w->cap * sizeof(*w->items));
    }
    struct list_item *it = &w->items[w->n++];
    it->v = *v;
    it->v.owner_script.data = NULL;
    it->v.owner_script.len = 0;
    bytes_set(&it->v.owner_script, v->owner_script.data, v->owner_script.len);
    it->ratio = ratio;
    return true;
}

static int list_cmp(const void *pa, const void *pb)
{
    const struct list_item *a = pa, *b = pb;
    uint64_t ra = a->ratio < 0 ? UINT64_MAX : (uint64_t)a->ratio;
    uint64_t rb = b->ratio < 0 ? UINT64_MAX : (uint64_t)b->ratio;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    int c = memcmp(a->v.outpoint.txid.b, b->v.outpoint.txid.b, 32);
    if (c)
        return c;
    return a->v.outpoint.n < b->v.outpoint.n ? -1 : a->v.outpoint.n > b->v.outpoint.n;
}

json_t *rpc_vault_list_json(struct rpc_context *ctx, struct rpc_error *err, uint64_t *total, int32_t *height,
                            const struct rpc_vault_query *q)
{
    if (!rpc_need_issuance(ctx, err))
        return NULL;
    struct chainstate *cs = ctx->chain;
    const struct chain_params *p = chainstate_params(cs);
    struct list_walk w;
    memset(&w, 0, sizeof(w));
    w.asset = q->asset;
    w.minratio = q->minratio;
    w.maxratio = q->maxratio;
    w.has_min = q->has_min;
    w.has_max = q->has_max;
    w.wallet = q->wallet;
    struct issuance_state *s = mem_alloc(sizeof(*s));
    w.s = s;
    int32_t tip_height;
    json_t *r = NULL;
    chainstate_lock(cs);
    if (!tip_state(ctx, err, s, NULL, &tip_height))
        goto out;
    if (!chainstate_for_each_vault(cs, list_one, &w)) {
        rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the UTXO set");
        goto out;
    }
    if (w.n)
        qsort(w.items, w.n, sizeof(*w.items), list_cmp);
    r = json_array();
    /* Descending is the exact reverse of ascending (ties included), so the two orders page consistently. */
    for (uint64_t k = q->skip; k < w.n && k - q->skip < q->count; k++) {
        size_t i = q->descending ? w.n - 1 - (size_t)k : (size_t)k;
        json_array_append_new(r, vault_json(p, s, tip_height, &w.items[i].v));
    }
    if (total)
        *total = w.n;
    if (height)
        *height = tip_height;
out:
    chainstate_unlock(cs);
    for (size_t i = 0; i < w.n; i++)
        chainstate_vault_clear(&w.items[i].v);
    mem_free(w.items);
    mem_free(s);
    return r;
}

static json_t *rpc_listvaults(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, listvaults_args, 5, listvaults_help) || !rpc_need_issuance(ctx, err))
        return NULL;
    const struct chain_params *p = chainstate_params(ctx->chain);
    struct rpc_vault_query q;
    memset(&q, 0, sizeof(q));
    q.asset = -1;
    const json_t *av = rpc_arg(params, 0);
    size_t asset;
    if (!rpc_asset_arg(err, &asset, p, av))
        return NULL;
    q.asset = av ? (int)asset : -1; /* absent: every asset */
    int64_t count, skip;
    if (!rpc_arg_int(err, &count, params, 1, 100, RPC_INT64) || !rpc_arg_int(err, &skip, params, 2, 0, RPC_INT64) ||
        !rpc_arg_int(err, &q.minratio, params, 3, 0, RPC_INT64) ||
        !rpc_arg_int(err, &q.maxratio, params, 4, 0, RPC_INT64))
        return NULL;
    if (count < 0 || count > 100000)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "count must be 0 .. 100000");
    if (skip < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Negative skip");
    if (q.minratio < 0 || q.maxratio < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Negative ratio");
    q.has_min = rpc_arg(params, 3) != NULL;
    q.has_max = rpc_arg(params, 4) != NULL;
    if (q.has_min && q.has_max && q.minratio > q.maxratio)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "minratio is above maxratio");
    q.count = (uint64_t)count;
    q.skip = (uint64_t)skip;
    /* on /wallet/<name>: that wallet's vaults only (doc/wallet.md, "Vaults and issuer") */
    if (rpc_wallet_uri_given() && !(q.wallet = rpc_wallet_pick(ctx, err)))
        return NULL;
    json_t *r = rpc_vault_list_json(ctx, err, NULL, NULL, &q);
    if (q.wallet)
        wallet_release(q.wallet);
    return r;
}

/* ---- auditreserves ---- */

static const char auditreserves_help[] =
    "auditreserves\n"
    "\n"
    "Recomputes the issuance totals from a scan of the UTXO set at the active tip and compares them with\n"
    "the issuance state and the reserve tree: per asset, the sum of TOKEN amounts, the sum of vault debts\n"
    "and the supply must be equal, and the tree's debt, collateral and vault count must equal the scan's.\n"
    "Every mismatch is reported; \"ok\" is true when there is none.\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"height\" : n,\n"
    "  \"bestblock\" : \"hex\",\n"
    "  \"ok\" : bool,\n"
    "  \"assets\" : [ { \"ticker\", \"asset_id\", \"supply\", \"token_sum\", \"token_outputs\", \"debt_sum\",\n"
    "                 \"collateral_sum\", \"vault_count\", \"ok\" }, ... ],\n"
    "  \"tree\" : { \"root\", \"total_collateral\", \"total_debt\", \"vault_count\" },  (every vault's tree)\n"
    "  \"mismatches\" : [ \"text\", ... ]\n"
    "}\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli auditreserves\n";

static json_t *rpc_auditreserves(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, auditreserves_help) || !rpc_need_issuance(ctx, err))
        return NULL;
    struct chainstate *cs = ctx->chain;
    const struct chain_params *p = chainstate_params(cs);
    struct issuance_state *s = mem_alloc(sizeof(*s));
    struct totals_walk *t = mem_calloc(1, sizeof(*t));
    struct hash256 hash;
    int32_t height;
    json_t *r = NULL;
    chainstate_lock(cs);
    if (!tip_state(ctx, err, s, &hash, &height))
        goto out;
    if (!chainstate_for_each_prefixed(cs, (1u << TOKEN_KIND_VAULT) | (1u << TOKEN_KIND_TOKEN), totals_one, t)) {
        rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the UTXO set");
        goto out;
    }
    /* The tree of every vault in the UTXO set (the committed one plus the tip
     * coinbase's vaults): its sums must equal the scan's. */
    struct reserve_state tree;
    if (!chainstate_reserve_state(cs, NULL, &tree, NULL, NULL)) {
        rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the reserve tree");
        goto out;
    }
    r = json_object();
    json_object_set_new(r, "height", json_integer(height));
    json_object_set_new(r, "bestblock", rpc_json_hash(&hash));
    json_t *arr = json_array(), *bad = json_array();
    if (t->overflow)
        json_array_append_new(bad, json_string("a sum overflows 64 bits"));
    for (uint32_t i = 0; i < s->count && i < p->asset_count; i++) {
        const char *tk = p->assets[i].ticker;
        uint64_t supply = s->asset[i].supply;
        json_t *o = json_object();
        json_object_set_new(o, "ticker", json_string(tk));
        json_object_set_new(o, "asset_id", asset_id_json(s->asset[i].asset_id));
        json_object_set_new(o, "supply", json_integer((json_int_t)supply));
        json_object_set_new(o, "token_sum", json_integer((json_int_t)t->tokens[i]));
        json_object_set_new(o, "token_outputs", json_integer((json_int_t)t->token_outputs[i]));
        json_object_set_new(o, "debt_sum", json_integer((json_int_t)t->debt[i]));
        json_object_set_new(o, "collateral_sum", json_integer((json_int_t)t->collateral[i]));
        json_object_set_new(o, "vault_count", json_integer((json_int_t)t->vaults[i]));
        struct rpc_audit_sums sums = { supply, t->tokens[i], t->debt[i], t->collateral[i], t->vaults[i], false, 0, 0, 0 };
        if (p->asset_count == 1) { /* the tree's sums are over all vaults: one asset's (commitment version 1) */
            sums.has_tree = true;
            sums.tree_debt = tree.sums.debt;
            sums.tree_collateral = tree.sums.collateral;
            sums.tree_count = tree.count;
        }
        bool ok = rpc_audit_compare(bad, tk, &sums);
        json_object_set_new(o, "ok", json_boolean(ok));
        json_array_append_new(arr, o);
    }
    if (p->asset_count != 1) {
        uint64_t debt = 0, coll = 0, n = 0;
        for (uint32_t i = 0; i < ISSUANCE_MAX_ASSETS; i++)
            debt += t->debt[i], coll += t->collateral[i], n += t->vaults[i];
        struct rpc_audit_sums all = { debt, debt, debt, coll, n, true, tree.sums.debt, tree.sums.collateral, tree.count };
        rpc_audit_compare(bad, "all assets", &all);
    }
    json_t *tj = json_object();
    json_object_set_new(tj, "root", rpc_json_hash(&tree.root));
    json_object_set_new(tj, "total_collateral", json_integer((json_int_t)tree.sums.collateral));
    json_object_set_new(tj, "total_debt", json_integer((json_int_t)tree.sums.debt));
    json_object_set_new(tj, "vault_count", json_integer((json_int_t)tree.count));
    json_object_set_new(r, "tree", tj);
    json_object_set_new(r, "ok", json_boolean(json_array_size(bad) == 0));
    json_object_set_new(r, "assets", arr);
    json_object_set_new(r, "mismatches", bad);
out:
    chainstate_unlock(cs);
    mem_free(t);
    mem_free(s);
    return r;
}

/* ---- verifyreserveproof ---- */

static const char verifyreserveproof_help[] =
    "verifyreserveproof \"proof\"\n"
    "\n"
    "Verifies a reserve proof (doc/issuance.md, \"Reserve proofs\"): the path to the committed root, the\n"
    "coinbase's HMRS output, its Merkle branch, the header's proof of work, and that the block is in this\n"
    "node's active chain. The result is the object `hashmint-util verifyreserveproof` prints, plus\n"
    "\"confirmations\" for a valid proof.\n"
    "\n"
    "Arguments:\n"
    "1. proof    (string, required) the proof, hex\n"
    "\n"
    "Result (valid):   { \"valid\" : true, \"txid\", \"vout\", \"asset_id\", \"collateral\", \"debt\",\n"
    "                    \"owner_script_hash\", \"blockhash\", \"height\", \"root\", \"total_collateral\",\n"
    "                    \"total_debt\", \"vault_count\", \"confirmations\" }\n"
    "Result (invalid): { \"valid\" : false, \"error\" : \"reason\", \"detail\" : \"text\" }\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli verifyreserveproof \"01...\"\n";

static const struct rpc_arg verifyreserveproof_args[] = { { "proof", RPC_ARG_STR, false } };

static json_t *rpc_verifyreserveproof(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, verifyreserveproof_args, 1, verifyreserveproof_help) || !rpc_need_chain(ctx, err))
        return NULL;
    size_t len;
    uint8_t *raw = rpc_parse_hex(err, &len, rpc_arg(params, 0), "proof");
    if (!raw)
        return NULL;
    struct val_state st;
    val_state_init(&st);
    struct reserve_proof proof;
    bool ok = len <= RESERVE_PROOF_MAX_SIZE && reserve_proof_decode(&proof, raw, len);
    mem_free(raw);
    if (!ok) {
        val_invalid(&st, VAL_BLOCK_CONSENSUS, "bad-reserve-proof-encoding");
        return rpc_reserve_proof_error_json(&st);
    }
    struct reserve_proof_result res;
    ok = reserve_proof_verify(&st, &res, &proof, ctx->params);
    reserve_proof_clear(&proof);
    if (!ok)
        return rpc_reserve_proof_error_json(&st);
    struct chainstate *cs = ctx->chain;
    chainstate_lock(cs);
    struct block_index *bi = chainstate_lookup(cs, &res.block_hash);
    int64_t confirmations = -1;
    if (bi && chainstate_in_active_chain(cs, bi) && bi->height == res.height)
        confirmations = (int64_t)chainstate_tip(cs)->height - bi->height + 1;
    chainstate_unlock(cs);
    if (confirmations < 0) {
        val_invalid_debug(&st, VAL_BLOCK_CONSENSUS, "bad-reserve-proof-not-in-chain",
                          "the block is not in this node's active chain at height %ld", (long)res.height);
        return rpc_reserve_proof_error_json(&st);
    }
    json_t *o = rpc_reserve_proof_json(&res);
    json_object_set_new(o, "confirmations", json_integer(confirmations));
    return o;
}

static const struct rpc_command issuance_commands[] = {
    { "issuance", "getissuanceinfo", rpc_getissuanceinfo, { NULL }, getissuanceinfo_help },
    { "issuance", "listvaults", rpc_listvaults, { "asset", "count", "skip", "minratio", "maxratio", NULL },
      listvaults_help },
    { "issuance", "getvault", rpc_getvault, { "outpoint", NULL }, getvault_help },
    { "issuance", "auditreserves", rpc_auditreserves, { NULL }, auditreserves_help },
    { "issuance", "verifyreserveproof", rpc_verifyreserveproof, { "proof", NULL }, verifyreserveproof_help },
};

void rpc_register_issuance(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(issuance_commands) / sizeof(issuance_commands[0]); i++)
        rpc_table_add(t, &issuance_commands[i]);
}
