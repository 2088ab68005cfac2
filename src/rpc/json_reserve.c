#include "src/rpc/json_reserve.h"

#include "src/util/hex.h"

static json_t *hash_json(const uint8_t *p)
{
    char hex[65];
    hex_encode_reversed(hex, p, 32);
    return json_string(hex);
}

json_t *rpc_reserve_proof_json(const struct reserve_proof_result *res)
{
    json_t *o = json_object();
    const struct reserve_leaf *l = &res->leaf;
    json_object_set_new(o, "valid", json_true());
    json_object_set_new(o, "txid", hash_json(l->outpoint.txid.b));
    json_object_set_new(o, "vout", json_integer(l->outpoint.n));
    json_object_set_new(o, "asset_id", hash_json(l->asset_id));
    /* Both bounded (collateral <= 21e14, debt <= 2^53): exact JSON integers. */
    json_object_set_new(o, "collateral", json_integer((json_int_t)l->collateral));
    json_object_set_new(o, "debt", json_integer((json_int_t)l->debt));
    char hex[65];
    hex_encode(hex, l->owner_hash, 32);
    json_object_set_new(o, "owner_script_hash", json_string(hex));
    json_object_set_new(o, "blockhash", hash_json(res->block_hash.b));
    json_object_set_new(o, "height", json_integer(res->height));
    json_object_set_new(o, "root", hash_json(res->commitment.root.b));
    json_object_set_new(o, "total_collateral", json_integer((json_int_t)res->commitment.collateral));
    /* The path's checks cap every debt sum at 2^63 - 1. */
    json_object_set_new(o, "total_debt", json_integer((json_int_t)res->commitment.debt));
    json_object_set_new(o, "vault_count",
                        json_integer(res->leaf_count > (uint64_t)INT64_MAX ? INT64_MAX : (json_int_t)res->leaf_count));
    return o;
}

json_t *rpc_reserve_proof_error_json(const struct val_state *st)
{
    json_t *o = json_object();
    json_object_set_new(o, "valid", json_false());
    json_object_set_new(o, "error", json_string(st->reject[0] ? st->reject : "invalid"));
    if (st->debug[0])
        json_object_set_new(o, "detail", json_string(st->debug));
    return o;
}
