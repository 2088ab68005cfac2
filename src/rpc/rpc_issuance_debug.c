/* A hidden, test-only RPC: getissuancestate returns the chainstate's
 * issuance state at the tip byte for byte (doc/issuance.md, "Issuance
 * state", the `state` format), so functional tests can check that
 * reorganisations, restarts and replays restore it exactly. The public
 * issuance RPCs (getissuanceinfo, listvaults, getreserves ...) are built on
 * src/chain/issuance_query.h. */
#include <string.h>

#include "issuance/state_serialize.h"
#include "src/chain/chainstate.h"
#include "src/chain/issuance_query.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

static const char getissuancestate_help[] =
    "getissuancestate\n"
    "\n"
    "Hidden, for tests: the issuance state after the active tip, serialised as doc/issuance.md\n"
    "\"Issuance state\" describes it.\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"height\" : n,       (numeric) the tip's height\n"
    "  \"hash\" : \"hex\",     (string) the tip's hash\n"
    "  \"state\" : \"hex\",    (string) the serialised state\n"
    "  \"reserve\" : {       (json object) the reserve tree the tip's HMRS output commits to\n"
    "    \"root\" : \"hex\",   (string) its root, in byte order as hashed\n"
    "    \"count\" : n,      (numeric) vaults\n"
    "    \"collateral\" : n, (numeric) total collateral, base units\n"
    "    \"debt\" : n        (numeric) total debt, base units\n"
    "  },\n"
    "  \"reserve_all\" : {...} (json object) the same for every vault (with those the tip's coinbase opened)\n"
    "}\n";

static json_t *reserve_json(const struct reserve_state *r)
{
    char *root = hex_encode_alloc(r->root.b, 32);
    json_t *o = json_object();
    json_object_set_new(o, "root", json_string(root));
    json_object_set_new(o, "count", json_integer((json_int_t)r->count));
    json_object_set_new(o, "collateral", json_integer((json_int_t)r->sums.collateral));
    json_object_set_new(o, "debt", json_integer((json_int_t)r->sums.debt));
    mem_free(root);
    return o;
}

static json_t *rpc_getissuancestate(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)params;
    if (!ctx->chain || !chainstate_issuance_enabled(ctx->chain))
        return rpc_fail(err, RPC_MISC_ERROR, "This chain has no issuance layer");
    struct issuance_state *s = mem_alloc(sizeof(*s));
    struct hash256 hash;
    int32_t height;
    struct reserve_state committed, all;
    /* One tip for the state and the tree: hold the chain lock over both. */
    chainstate_lock(ctx->chain);
    bool ok = chainstate_issuance_state(ctx->chain, s, &hash, &height) &&
              chainstate_reserve_state(ctx->chain, &committed, &all, NULL, NULL);
    chainstate_unlock(ctx->chain);
    if (!ok) {
        mem_free(s);
        return rpc_fail(err, RPC_MISC_ERROR, "The issuance state is not loaded yet");
    }
    struct wbuf w;
    wbuf_init(&w);
    issuance_state_serialize(&w, s);
    mem_free(s);
    char *hex = hex_encode_alloc(w.data, w.len);
    wbuf_clear(&w);
    json_t *o = json_object();
    json_object_set_new(o, "height", json_integer(height));
    json_object_set_new(o, "hash", rpc_json_hash(&hash));
    json_object_set_new(o, "state", json_string(hex));
    mem_free(hex);
    json_object_set_new(o, "reserve", reserve_json(&committed));
    json_object_set_new(o, "reserve_all", reserve_json(&all));
    return o;
}

static const struct rpc_command issuance_debug_commands[] = {
    {"hidden", "getissuancestate", rpc_getissuancestate, {NULL}, getissuancestate_help},
};

void rpc_register_issuance_debug(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(issuance_debug_commands) / sizeof(issuance_debug_commands[0]); i++)
        rpc_table_add(t, &issuance_debug_commands[i]);
}
