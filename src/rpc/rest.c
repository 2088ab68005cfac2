/* The REST endpoints (-rest), Bitcoin Core's rest.cpp over the server's
 * route table (src/rpc/rest.h):
 *   /rest/chaininfo.json
 *   /rest/block/<hash>.<bin|hex|json>            (json: getblock verbosity 2)
 *   /rest/block/notxdetails/<hash>.<bin|hex|json> (json: verbosity 1)
 *   /rest/tx/<txid>.<bin|hex|json>                (mempool, then -txindex)
 *   /rest/headers/<hash>.<fmt>?count=<n>  and the older /rest/headers/<n>/<hash>.<fmt>
 *   /rest/blockhashbyheight/<height>.<fmt>
 *   /rest/mempool/info.json, /rest/mempool/contents.json
 * and, registered from here, the explorer's (rest_issuance.c, rest_explorer.c). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_tx.h"
#include "src/rpc/rest.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"

#define MAX_REST_HEADERS_RESULTS 2000

static bool check_warmup(struct rpc_context *ctx, struct rest_reply *r)
{
    if (ctx->chain)
        return true;
    rest_reply_error(r, 503, "Service temporarily unavailable: Loading block index...");
    return false;
}

static bool parse_hash_str(struct hash256 *h, const char *s)
{
    return strlen(s) == 64 && hash256_from_hex(h, s);
}

static void rest_chaininfo(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)query;
    if (!check_warmup(ctx, reply))
        return;
    char param[64];
    if (rest_parse_format(param, sizeof(param), path) != REST_FORMAT_JSON) {
        rest_reply_error(reply, 404, "output format not found (available: json)");
        return;
    }
    rest_reply_json(reply, rpc_blockchain_info_json(ctx->chain));
}

static void block_common(struct rpc_context *ctx, struct rest_reply *reply, const char *path, bool tx_details)
{
    if (!check_warmup(ctx, reply))
        return;
    char hashstr[128];
    enum rest_format f = rest_parse_format(hashstr, sizeof(hashstr), path);
    struct hash256 h;
    if (!parse_hash_str(&h, hashstr)) {
        rest_reply_error(reply, 400, "Invalid hash: %s", hashstr);
        return;
    }
    chainstate_lock(ctx->chain);
    struct block_index *bi = chainstate_lookup(ctx->chain, &h);
    if (!bi || !(bi->status & BLOCK_HAVE_DATA)) {
        chainstate_unlock(ctx->chain);
        rest_reply_error(reply, 404, "%s not found", hashstr);
        return;
    }
    if (f == REST_FORMAT_BIN || f == REST_FORMAT_HEX) {
        uint8_t *data;
        size_t len;
        if (!chainstate_read_block_raw(ctx->chain, &data, &len, bi))
            rest_reply_error(reply, 404, "%s not found", hashstr);
        else
            rest_reply_data(reply, f, data, len);
        mem_free(data);
    } else if (f == REST_FORMAT_JSON) {
        json_t *o = rpc_block_json(ctx, bi, tx_details);
        if (o)
            rest_reply_json(reply, o);
        else
            rest_reply_error(reply, 404, "%s not found", hashstr);
    } else {
        rest_reply_error(reply, 404, "output format not found (available: %s)", rest_available_formats());
    }
    chainstate_unlock(ctx->chain);
}

static void rest_block(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)query;
    block_common(ctx, reply, path, true);
}

static void rest_block_notxdetails(struct rpc_context *ctx, struct rest_reply *reply, const char *path,
                                   const char *query)
{
    (void)query;
    block_common(ctx, reply, path, false);
}

static void rest_tx(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)query;
    if (!check_warmup(ctx, reply))
        return;
    char hashstr[128];
    enum rest_format f = rest_parse_format(hashstr, sizeof(hashstr), path);
    struct hash256 h, block_hash;
    if (!parse_hash_str(&h, hashstr)) {
        rest_reply_error(reply, 400, "Invalid hash: %s", hashstr);
        return;
    }
    memset(&block_hash, 0, sizeof(block_hash));
    struct tx tx;
    tx_init(&tx);
    chainstate_lock(ctx->chain);
    bool found = ctx->mempool && mempool_tx_get(ctx->mempool, &tx, &h);
    if (!found && chainstate_has_txindex(ctx->chain)) {
        tx_clear(&tx);
        found = chainstate_txindex_find(ctx->chain, &tx, &block_hash, &h);
    }
    chainstate_unlock(ctx->chain);
    if (!found) {
        rest_reply_error(reply, 404, "%s not found", hashstr);
        tx_clear(&tx);
        return;
    }
    if (f == REST_FORMAT_BIN || f == REST_FORMAT_HEX) {
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, &tx, true);
        rest_reply_data(reply, f, w.data, w.len);
        wbuf_clear(&w);
    } else if (f == REST_FORMAT_JSON) {
        struct rpc_tx_style style;
        rpc_tx_style_init(&style, ctx->params);
        json_t *o = rpc_tx_to_json(&tx, &style, true);
        if (!hash256_is_zero(&block_hash))
            json_object_set_new(o, "blockhash", rpc_json_hash(&block_hash));
        rest_reply_json(reply, o);
    } else {
        rest_reply_error(reply, 404, "output format not found (available: %s)", rest_available_formats());
    }
    tx_clear(&tx);
}

static void rest_headers(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    if (!check_warmup(ctx, reply))
        return;
    char param[200];
    enum rest_format f = rest_parse_format(param, sizeof(param), path);
    char countstr[32] = "5";
    const char *hashstr = param;
    char *slash = strchr(param, '/');
    if (slash) {
        /* the deprecated /rest/headers/<count>/<hash> form */
        *slash = '\0';
        snprintf(countstr, sizeof(countstr), "%.31s", param);
        hashstr = slash + 1;
        if (strchr(hashstr, '/')) {
            rest_reply_error(reply, 400, "Invalid URI format. Expected /rest/headers/<hash>.<ext>?count=<count>");
            return;
        }
    } else if (!rest_query_get(countstr, sizeof(countstr), query, "count")) {
        snprintf(countstr, sizeof(countstr), "5");
    }
    char *end;
    errno = 0;
    long count = strtol(countstr, &end, 10);
    if (!countstr[0] || *end || errno || count < 1 || count > MAX_REST_HEADERS_RESULTS) {
        rest_reply_error(reply, 400, "Header count is invalid or out of acceptable range (1-%d): %s",
                         MAX_REST_HEADERS_RESULTS, countstr);
        return;
    }
    struct hash256 h;
    if (!parse_hash_str(&h, hashstr)) {
        rest_reply_error(reply, 400, "Invalid hash: %s", hashstr);
        return;
    }
    if (f == REST_FORMAT_UNDEF) {
        rest_reply_error(reply, 404, "output format not found (available: %s)", rest_available_formats());
        return;
    }
    chainstate_lock(ctx->chain);
    struct block_index *bi = chainstate_lookup(ctx->chain, &h);
    struct wbuf w;
    wbuf_init(&w);
    json_t *arr = json_array();
    long n = 0;
    while (bi && chainstate_in_active_chain(ctx->chain, bi) && n < count) {
        if (f == REST_FORMAT_JSON)
            json_array_append_new(arr, rpc_block_header_json(ctx->chain, bi));
        else
            block_header_serialize(&w, &bi->header);
        n++;
        bi = chainstate_next(ctx->chain, bi);
    }
    chainstate_unlock(ctx->chain);
    if (f == REST_FORMAT_JSON) {
        rest_reply_json(reply, arr);
    } else {
        json_decref(arr);
        rest_reply_data(reply, f, w.data, w.len);
    }
    wbuf_clear(&w);
}

static void rest_blockhashbyheight(struct rpc_context *ctx, struct rest_reply *reply, const char *path,
                                   const char *query)
{
    (void)query;
    if (!check_warmup(ctx, reply))
        return;
    char heightstr[64];
    enum rest_format f = rest_parse_format(heightstr, sizeof(heightstr), path);
    char *end;
    errno = 0;
    long height = strtol(heightstr, &end, 10);
    if (!heightstr[0] || *end || errno || height < 0 || height > INT32_MAX) {
        rest_reply_error(reply, 400, "Invalid height: %s", heightstr);
        return;
    }
    chainstate_lock(ctx->chain);
    struct block_index *bi = chainstate_at_height(ctx->chain, (int32_t)height);
    struct hash256 h;
    if (bi)
        h = bi->hash;
    chainstate_unlock(ctx->chain);
    if (!bi) {
        rest_reply_error(reply, 404, "Block height out of range");
        return;
    }
    if (f == REST_FORMAT_BIN) {
        rest_reply_data(reply, f, h.b, 32);
    } else if (f == REST_FORMAT_HEX) {
        /* Core prints the display-order hash here */
        struct hash256 rev;
        for (int i = 0; i < 32; i++)
            rev.b[i] = h.b[31 - i];
        rest_reply_data(reply, f, rev.b, 32);
    } else if (f == REST_FORMAT_JSON) {
        json_t *o = json_object();
        json_object_set_new(o, "blockhash", rpc_json_hash(&h));
        rest_reply_json(reply, o);
    } else {
        rest_reply_error(reply, 404, "output format not found (available: %s)", rest_available_formats());
    }
}

static void rest_mempool(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query)
{
    (void)query;
    if (!ctx->mempool) {
        rest_reply_error(reply, 503, "Mempool disabled or instance not found");
        return;
    }
    char param[64];
    enum rest_format f = rest_parse_format(param, sizeof(param), path);
    if (strcmp(param, "info") != 0 && strcmp(param, "contents") != 0) {
        rest_reply_error(reply, 400, "Invalid URI format. Expected /rest/mempool/<info|contents>.json");
        return;
    }
    if (f != REST_FORMAT_JSON) {
        rest_reply_error(reply, 404, "output format not found (available: json)");
        return;
    }
    if (!strcmp(param, "info")) {
        rest_reply_json(reply, rpc_mempool_info_json(ctx->mempool));
        return;
    }
    /* contents: getrawmempool verbose */
    struct hash256 *ids;
    size_t n;
    if (ctx->chain)
        chainstate_lock(ctx->chain);
    mempool_txids(ctx->mempool, &ids, &n, NULL);
    json_t *o = json_object();
    for (size_t i = 0; i < n; i++) {
        json_t *e = rpc_mempool_entry_json(ctx->mempool, &ids[i]);
        if (!e)
            continue;
        char hex[65];
        hash256_to_hex(hex, &ids[i]);
        json_object_set_new(o, hex, e);
    }
    if (ctx->chain)
        chainstate_unlock(ctx->chain);
    mem_free(ids);
    rest_reply_json(reply, o);
}

static const struct rest_route routes[] = {
    {"/rest/chaininfo", rest_chaininfo},
    {"/rest/block/notxdetails/", rest_block_notxdetails},
    {"/rest/block/", rest_block},
    {"/rest/tx/", rest_tx},
    {"/rest/headers/", rest_headers},
    {"/rest/blockhashbyheight/", rest_blockhashbyheight},
    {"/rest/mempool/", rest_mempool},
};

void rpc_register_rest(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(routes) / sizeof(routes[0]); i++)
        rpc_table_add_rest(t, &routes[i]);
    rpc_register_rest_issuance(t);
    rpc_register_rest_explorer(t);
}
