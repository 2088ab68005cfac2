/* createrawtransaction's token outputs: JSON in, prefixed scriptPubKey out. */
#include "src/rpc/token_output.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "src/rpc/rpc_args.h"
#include "src/util/hex.h"

struct kind_field {
    const char *kind;
    enum token_kind value;
    const char *field; /* the payload's JSON key */
    uint64_t min, max; /* the payload's valid range */
};

static const struct kind_field KINDS[] = {
    {"token", TOKEN_KIND_TOKEN, "amount", 1, TOKEN_AMOUNT_MAX},
    {"vault", TOKEN_KIND_VAULT, "debt", 0, TOKEN_AMOUNT_MAX},
    {"issuer", TOKEN_KIND_ISSUER, "flags", 0, 0xff},
    {"oracle", TOKEN_KIND_ORACLE, "price", 0, INT64_MAX},
};

static const struct kind_field *find_kind(const char *name)
{
    for (size_t i = 0; i < sizeof(KINDS) / sizeof(KINDS[0]); i++)
        if (!strcmp(KINDS[i].kind, name))
            return &KINDS[i];
    return NULL;
}

/* Only the keys of the form are accepted, so a typo is an error, not a default. */
static bool check_keys(struct rpc_error *err, const json_t *o, const struct kind_field *k)
{
    const char *key;
    const json_t *v;
    json_object_foreach((json_t *)o, key, v)
    {
        if (strcmp(key, "value") != 0 && strcmp(key, "kind") != 0 && strcmp(key, "asset_id") != 0 &&
            strcmp(key, k->field) != 0) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, unexpected key in %s output: %.100s", k->kind,
                     key);
            return false;
        }
    }
    return true;
}

/* The payload as an exact JSON integer in [min, max]: no fractions, no truncation. */
static bool read_payload(struct rpc_error *err, uint64_t *out, const json_t *o, const struct kind_field *k)
{
    const json_t *v = json_object_get(o, k->field);
    if (!v || !json_is_integer(v)) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, %s output needs an integer \"%s\"", k->kind,
                 k->field);
        return false;
    }
    json_int_t n = json_integer_value(v);
    if (n < 0 || (uint64_t)n < k->min || (uint64_t)n > k->max) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, %s %s out of range (%llu to %llu)", k->kind,
                 k->field, (unsigned long long)k->min, (unsigned long long)k->max);
        return false;
    }
    *out = (uint64_t)n;
    return true;
}

static bool read_asset(struct rpc_error *err, uint8_t id[32], const json_t *o, const struct chain_params *p)
{
    if (p->asset_count == 0) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, this chain has no issuance assets");
        return false;
    }
    const json_t *v = json_object_get(o, "asset_id");
    if (!v) {
        memcpy(id, p->assets[0].asset_id, 32);
        return true;
    }
    if (!rpc_json_cstr(v) || json_string_length(v) != 64 || !hex_decode_reversed(id, 32, json_string_value(v))) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, asset_id must be 64 hex digits");
        return false;
    }
    for (size_t i = 0; i < p->asset_count; i++)
        if (!memcmp(p->assets[i].asset_id, id, 32))
            return true;
    rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, unknown asset: %.64s", json_string_value(v));
    return false;
}

bool rpc_token_output_parse(struct rpc_error *err, struct wbuf *spk, int64_t *value, const json_t *o,
                            const uint8_t *lock, size_t lock_len, const struct chain_params *p)
{
    const json_t *kv = json_object_get(o, "kind");
    /* rpc_json_cstr: "token\u0000x" is no kind */
    const struct kind_field *k = rpc_json_cstr(kv) ? find_kind(json_string_value(kv)) : NULL;
    if (!k) {
        rpc_fail(err, RPC_INVALID_PARAMETER,
                 "Invalid parameter, token output needs \"kind\": \"token\", \"vault\", \"issuer\" or \"oracle\"");
        return false;
    }
    struct token_prefix prefix;
    memset(&prefix, 0, sizeof(prefix));
    prefix.kind = k->value;
    uint64_t payload;
    if (!check_keys(err, o, k) || !read_payload(err, &payload, o, k) || !read_asset(err, prefix.asset_id, o, p))
        return false;
    if (k->value == TOKEN_KIND_ISSUER)
        prefix.flags = (uint8_t)payload;
    else if (k->value == TOKEN_KIND_ORACLE)
        prefix.price = payload;
    else
        prefix.amount = payload;
    *value = 0;
    const json_t *vv = json_object_get(o, "value");
    if (vv && !rpc_parse_amount(err, value, vv))
        return false;
    token_prefix_serialize(spk, &prefix);
    wbuf_put(spk, lock, lock_len);
    return true;
}
