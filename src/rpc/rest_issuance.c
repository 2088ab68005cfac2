/* The REST endpoints of the reserve explorer (doc/explorer.md, doc/rest.md):
 *   /rest/issuance.json?history=<n>
 *   /rest/vaults.json?sort=ratio&order=<asc|desc>&page=<p>&per_page=<m>
 *   /rest/reserveproof/<txid>-<n>.<bin|hex|json>
 * Their objects come from the RPCs' builders (issuance_json.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/chain/chainstate.h"
#include "src/chain/issuance_query.h"
#include "src/rpc/issuance_json.h"
#include "src/rpc/issuance_view.h"
#include "src/rpc/price_history.h"
#include "src/rpc/rest.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/util/alloc.h"

#define REST_HISTORY_DEFAULT 100
#define REST_HISTORY_MAX 1000
#define REST_PER_PAGE_DEFAULT 20
#define REST_PER_PAGE_MAX 100
#define REST_PAGE_MAX 1000000000L

/* An RPC error as an HTTP status: unknown thing 404, bad request 400, not ready or not
 * available (RPC_MISC_ERROR, warm-up) 503, a read failure of the node 500. */
static void reply_rpc_error(struct rest_reply *r, const struct rpc_error *err)
{
    int status = 500;
    if (err->code == RPC_INVALID_ADDRESS_OR_KEY)
        status = 404;
    else if (err->code == RPC_INVALID_PARAMETER)
        status = 400;
    else if (err->code == RPC_MISC_ERROR || err->code == RPC_IN_WARMUP)
        status = 503;
    rest_reply_error(r, status, "%s", err->message);
}

/* Out: the URL-decoded value of query key into a new string (mem_free it), or NULL when absent. */
static char *query_value(const char *query, const char *key)
{
    if (!query)
        return NULL;
    size_t cap = strlen(query) + 1; /* a value is never longer than the query */
    char *s = mem_alloc(cap);
    if (!rest_query_get(s, cap, query, key)) {
        mem_free(s);
        return NULL;
    }
    return s;
}

/* Reads query key as a decimal in lo..hi (dflt when absent). False: 400 replied. */
static bool query_long(struct rest_reply *r, long *out, const char *query, const char *key, long dflt, long lo,
                       long hi)
{
    *out = dflt;
    char *s = query_value(query, key);
    if (!s)
        return true;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    bool ok = s[0] >= '0' && s[0] <= '9' && !*end && !errno && v >= lo && v <= hi;
    if (ok)
        *out = v;
    else
        rest_reply_error(r, 400, "Invalid %s: %.40s (expected %ld-%ld)", key, s, lo, hi);
    mem_free(s);
    return ok;
}

/* Reads query key as one of the NULL-terminated choices (choices[0] when absent). Out: its index. False: 400 replied. */
static bool query_choice(struct rest_reply *r, size_t *out, const char *query, const char *key,
                         const char *const *choices, const char *available)
{
    *out = 0;
    char *s = query_value(query, key);
    if (!s)
        return true;
    for (size_t i = 0; choices[i]; i++) {
        if (!strcmp(s, choices[i])) {
            *out = i;
            mem_free(s);
            return true;
        }
    }
    rest_reply_error(r, 400, "Invalid %s: %.40s (available: %s)", key, s, available);
    mem_free(s);
    return false;
}

/* False (503 or 404 replied) while the node loads or on a chain without the issuance layer. */
static bool need_issuance(struct rpc_context *ctx, struct rest_reply *r)
{
    if (!ctx->chain) {
        rest_reply_error(r, 503, "Service temporarily unavailable: Loading block index...");
        return false;
    }
    if (!chainstate_issuance_enabled(ctx->chain)) {
        rest_reply_error(r, 404, "This chain has no issuance layer");
        return false;
    }
    return true;
}

static bool json_only(struct rest_reply *r, const char *path, const char *name)
{
    char param[64];
    if (rest_parse_format(param, sizeof(param), path) != REST_FORMAT_JSON || strcmp(param, name) != 0) {
        rest_reply_error(r, 404, "output format not found (available: json)");
        return false;
    }
    return true;
}

static void rest_issuance(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    long history;
    if (!json_only(reply, path, "") ||
        !query_long(reply, &history, query, "history", REST_HISTORY_DEFAULT, 0, REST_HISTORY_MAX))
        return;
    if (!need_issuance(ctx, reply))
        return;
    struct rpc_error err = { 0, "" };
    struct issuance_state *s = mem_alloc(sizeof(*s));
    struct rpc_price_point *pts = mem_alloc(sizeof(*pts) * (history ? (size_t)history : 1));
    int32_t height;
    char why[256] = "";
    /* One lock around both, so the history ends at the tip the figures describe. */
    chainstate_lock(ctx->chain);
    json_t *info = rpc_issuance_info_json(ctx, &err);
    if (info && !chainstate_issuance_state(ctx->chain, s, NULL, &height)) {
        json_decref(info);
        info = NULL;
        rpc_fail(&err, RPC_MISC_ERROR, "The issuance state is not loaded yet");
    }
    json_t *assets = info ? json_object_get(info, "assets") : NULL;
    for (size_t i = 0; info && i < json_array_size(assets) && i < s->count; i++) {
        const struct issuance_asset_state *as = &s->asset[i];
        size_t n;
        if (!rpc_price_history(ctx->chain, pts, &n, (size_t)history, as->asset_id, as->price, as->price_height,
                               height, why, sizeof(why))) {
            json_decref(info);
            info = NULL;
            rpc_fail(&err, RPC_DATABASE_ERROR, "%s", why);
            break;
        }
        json_t *arr = json_array();
        for (size_t k = 0; k < n; k++) {
            json_t *p = json_object();
            json_object_set_new(p, "height", json_integer(pts[k].height));
            json_object_set_new(p, "price", json_integer((json_int_t)pts[k].price));
            json_array_append_new(arr, p);
        }
        json_object_set_new(json_array_get(assets, i), "price_history", arr);
    }
    chainstate_unlock(ctx->chain);
    mem_free(pts);
    mem_free(s);
    if (info)
        rest_reply_json(reply, info);
    else
        reply_rpc_error(reply, &err);
}

static void rest_vaults(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    if (!json_only(reply, path, ""))
        return;
    static const char *const sorts[] = { "ratio", NULL };
    static const char *const orders[] = { "asc", "desc", NULL };
    size_t sort, order;
    if (!query_choice(reply, &sort, query, "sort", sorts, "ratio") ||
        !query_choice(reply, &order, query, "order", orders, "asc, desc"))
        return;
    long page, per_page;
    if (!query_long(reply, &page, query, "page", 1, 1, REST_PAGE_MAX) ||
        !query_long(reply, &per_page, query, "per_page", REST_PER_PAGE_DEFAULT, 1, REST_PER_PAGE_MAX))
        return;
    if (!need_issuance(ctx, reply))
        return;
    struct rpc_vault_query q;
    memset(&q, 0, sizeof(q));
    q.asset = -1;
    q.count = (uint64_t)per_page;
    q.skip = (uint64_t)(page - 1) * (uint64_t)per_page;
    q.descending = order == 1;
    struct rpc_error err = { 0, "" };
    uint64_t total = 0;
    int32_t height = 0;
    json_t *list = rpc_vault_list_json(ctx, &err, &total, &height, &q);
    if (!list) {
        reply_rpc_error(reply, &err);
        return;
    }
    json_t *o = json_object();
    json_object_set_new(o, "height", json_integer(height));
    json_object_set_new(o, "sort", json_string(sorts[sort]));
    json_object_set_new(o, "order", json_string(orders[order]));
    json_object_set_new(o, "page", json_integer(page));
    json_object_set_new(o, "per_page", json_integer(per_page));
    json_object_set_new(o, "total", json_integer((json_int_t)total));
    json_object_set_new(o, "pages", json_integer((json_int_t)((total + (uint64_t)per_page - 1) / (uint64_t)per_page)));
    json_object_set_new(o, "vaults", list);
    rest_reply_json(reply, o);
}

static void rest_reserveproof(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)query;
    char param[128];
    enum rest_format f = rest_parse_format(param, sizeof(param), path);
    /* "<txid>-<n>": the RPC's "txid:vout" with '-' (a ':' is awkward in a path). */
    char *dash = strchr(param, '-');
    struct outpoint op;
    if (dash)
        *dash = ':';
    if (!dash || strlen(path) >= sizeof(param) || !rpc_parse_outpoint_text(&op, param)) {
        if (dash)
            *dash = '-';
        rest_reply_error(reply, 400, "Invalid outpoint: %s (expected <txid>-<n>)", param);
        return;
    }
    *dash = '-';
    if (f == REST_FORMAT_UNDEF) {
        rest_reply_error(reply, 404, "output format not found (available: %s)", rest_available_formats());
        return;
    }
    if (!need_issuance(ctx, reply))
        return;
    struct rpc_error err = { 0, "" };
    struct wbuf w;
    wbuf_init(&w);
    chainstate_lock(ctx->chain);
    const struct block_index *bi = chainstate_tip(ctx->chain);
    struct hash256 bh = bi->hash;
    int32_t height = bi->height;
    bool ok = rpc_reserve_proof_build(ctx, &err, &w, &op, bi);
    chainstate_unlock(ctx->chain);
    if (!ok) {
        reply_rpc_error(reply, &err);
    } else if (f == REST_FORMAT_JSON) {
        json_t *o = json_object();
        *dash = ':';
        json_object_set_new(o, "outpoint", json_string(param));
        json_object_set_new(o, "blockhash", rpc_json_hash(&bh));
        json_object_set_new(o, "height", json_integer(height));
        json_object_set_new(o, "proof", rpc_json_hex(w.data, w.len));
        rest_reply_json(reply, o);
    } else {
        rest_reply_data(reply, f, w.data, w.len);
    }
    wbuf_clear(&w);
}

static const struct rest_route routes[] = {
    {"/rest/issuance", rest_issuance},
    {"/rest/vaults", rest_vaults},
    {"/rest/reserveproof/", rest_reserveproof},
};

void rpc_register_rest_issuance(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        rpc_table_add_rest(t, &routes[i]);
}
