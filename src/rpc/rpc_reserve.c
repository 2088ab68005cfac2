/* The reserve RPCs (doc/issuance.md, "RPCs"): getreserves and
 * getreserveproof, built on the chainstate's reserve tree queries
 * (src/chain/issuance_query.h). verifyreserveproof and auditreserves are in
 * rpc_issuance.c. */
#include <string.h>

#include "consensus/block.h"
#include "issuance/reserve_commitment.h"
#include "issuance/reserve_proof.h"
#include "src/chain/chainstate.h"
#include "src/chain/issuance_query.h"
#include "src/rpc/issuance_json.h"
#include "src/rpc/issuance_view.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

/* The block params[i] names (a hash in the active chain), or the tip when absent. Chain lock held. */
static const struct block_index *pick_block(struct rpc_context *ctx, struct rpc_error *err, const json_t *params,
                                            size_t i)
{
    struct chainstate *cs = ctx->chain;
    if (!rpc_arg(params, i))
        return chainstate_tip(cs);
    struct hash256 h;
    if (!rpc_parse_hash(err, &h, rpc_arg(params, i), "blockhash"))
        return NULL;
    struct block_index *bi = chainstate_lookup(cs, &h);
    if (!bi) {
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Block not found");
        return NULL;
    }
    if (!chainstate_in_active_chain(cs, bi)) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Block is not in the active chain");
        return NULL;
    }
    return bi;
}

static json_t *hash_json(const uint8_t *b)
{
    char hex[65];
    hex_encode_reversed(hex, b, 32);
    return json_string(hex);
}

/* ---- getreserves ---- */

static const char getreserves_help[] =
    "getreserves ( \"blockhash\" )\n"
    "\n"
    "The reserve tree a block of the active chain commits to in its coinbase's HMRS output\n"
    "(doc/issuance.md, \"Reserve commitment\"): root, totals, vault count.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash    (string, optional, default the tip) a block of the active chain\n"
    "\n"
    "Result:\n"
    "{\n"
    "  \"blockhash\" : \"hex\",\n"
    "  \"height\" : n,\n"
    "  \"root\" : \"hex\",             (string) the tree's root, byte-reversed as every hash\n"
    "  \"total_collateral\" : n,     (numeric) HMC base units\n"
    "  \"total_debt\" : n,           (numeric) asset base units\n"
    "  \"vault_count\" : n,          (numeric) leaves of the tree\n"
    "  \"commitment\" : \"hex\"        (string) the 54-byte HMRS output script of these values\n"
    "}\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli getreserves\n";

static const struct rpc_arg getreserves_args[] = { { "blockhash", RPC_ARG_STR, true } };

static json_t *rpc_getreserves(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getreserves_args, 1, getreserves_help) || !rpc_need_issuance(ctx, err))
        return NULL;
    struct chainstate *cs = ctx->chain;
    json_t *r = NULL;
    chainstate_lock(cs);
    const struct block_index *bi = pick_block(ctx, err, params, 0);
    if (bi) {
        struct reserve_state st;
        char why[256] = "";
        if (!chainstate_reserve_query(cs, bi, &st, NULL, NULL, NULL, why, sizeof(why))) {
            rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the reserve tree: %s", why);
        } else {
            struct reserve_commitment c;
            reserve_commitment_from_state(&c, &st);
            uint8_t script[RESERVE_COMMITMENT_SCRIPT_SIZE];
            reserve_commitment_script(script, &c);
            r = json_object();
            json_object_set_new(r, "blockhash", rpc_json_hash(&bi->hash));
            json_object_set_new(r, "height", json_integer(bi->height));
            json_object_set_new(r, "root", hash_json(st.root.b));
            json_object_set_new(r, "total_collateral", json_integer((json_int_t)st.sums.collateral));
            json_object_set_new(r, "total_debt", json_integer((json_int_t)st.sums.debt));
            json_object_set_new(r, "vault_count", json_integer((json_int_t)st.count));
            json_object_set_new(r, "commitment", rpc_json_hex(script, sizeof(script)));
        }
    }
    chainstate_unlock(cs);
    return r;
}

/* ---- getreserveproof ---- */

static const char getreserveproof_help[] =
    "getreserveproof \"txid:vout\" ( \"blockhash\" )\n"
    "\n"
    "A proof that a vault is a leaf of the reserve tree a block commits to (doc/issuance.md,\n"
    "\"Reserve proofs\"): its path to the root, the block's header, coinbase and the coinbase's\n"
    "Merkle branch. Check it with verifyreserveproof or, offline, `hashmint-util verifyreserveproof`.\n"
    "\n"
    "Arguments:\n"
    "1. outpoint     (string, required) \"txid:vout\" of the vault\n"
    "2. blockhash    (string, optional, default the tip) a block of the active chain\n"
    "\n"
    "Result:\n"
    "\"hex\"    (string) the proof\n"
    "\n"
    "Errors: -8 malformed outpoint or a block not in the active chain; -5 unknown block, or a vault\n"
    "that is not a leaf of that block's tree (spent, never created, or opened by that block's own\n"
    "coinbase: those join the tree of the next block).\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli getreserveproof \"txid:0\"\n";

static const struct rpc_arg getreserveproof_args[] = { { "outpoint", RPC_ARG_STR, false },
                                                       { "blockhash", RPC_ARG_STR, true } };

bool rpc_reserve_proof_build(struct rpc_context *ctx, struct rpc_error *err, struct wbuf *out,
                             const struct outpoint *op, const struct block_index *bi)
{
    struct chainstate *cs = ctx->chain;
    struct reserve_path *path = mem_alloc(sizeof(*path));
    bool found = false, ok = false;
    char why[256] = "";
    if (!chainstate_reserve_query(cs, bi, NULL, op, &found, path, why, sizeof(why))) {
        rpc_fail(err, RPC_DATABASE_ERROR, "Unable to read the reserve tree: %s", why);
        goto out;
    }
    if (!found) {
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Vault not in the reserve tree of block %d", (int)bi->height);
        goto out;
    }
    struct block b;
    if (!chainstate_read_block(cs, &b, bi)) {
        rpc_fail(err, RPC_MISC_ERROR, "Block not available");
        goto out;
    }
    struct reserve_proof proof;
    reserve_proof_init(&proof);
    reserve_proof_set_path(&proof, path);
    reserve_proof_set_block(&proof, &b);
    block_clear(&b);
    reserve_proof_serialize(out, &proof);
    reserve_proof_clear(&proof);
    ok = true;
out:
    mem_free(path);
    return ok;
}

static json_t *rpc_getreserveproof(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getreserveproof_args, 2, getreserveproof_help) || !rpc_need_issuance(ctx, err))
        return NULL;
    struct outpoint op;
    if (!rpc_outpoint_arg(err, &op, rpc_arg(params, 0), "outpoint"))
        return NULL;
    struct chainstate *cs = ctx->chain;
    json_t *r = NULL;
    struct wbuf w;
    wbuf_init(&w);
    chainstate_lock(cs);
    const struct block_index *bi = pick_block(ctx, err, params, 1);
    if (bi && rpc_reserve_proof_build(ctx, err, &w, &op, bi))
        r = rpc_json_hex(w.data, w.len);
    chainstate_unlock(cs);
    wbuf_clear(&w);
    return r;
}

static const struct rpc_command reserve_commands[] = {
    { "issuance", "getreserves", rpc_getreserves, { "blockhash", NULL }, getreserves_help },
    { "issuance", "getreserveproof", rpc_getreserveproof, { "outpoint", "blockhash", NULL }, getreserveproof_help },
};

void rpc_register_reserve(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(reserve_commands) / sizeof(reserve_commands[0]); i++)
        rpc_table_add(t, &reserve_commands[i]);
}
