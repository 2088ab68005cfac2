#include "src/rpc/rpc_args.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "issuance/issuance_state.h"
#include "src/chain/issuance_query.h"
#include "src/rpc/issuance_view.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

const char *rpc_json_cstr(const json_t *v)
{
    if (!json_is_string(v))
        return NULL;
    const char *s = json_string_value(v);
    return strlen(s) == json_string_length(v) ? s : NULL;
}

bool rpc_json_has_nul(const json_t *v)
{
    return json_is_string(v) && !rpc_json_cstr(v);
}

char *rpc_json_str_show(char *out, size_t cap, const json_t *v)
{
    const char *s = json_is_string(v) ? json_string_value(v) : "";
    size_t n = json_is_string(v) ? json_string_length(v) : 0, o = 0;
    for (size_t i = 0; i < n && o + 1 < cap; i++) {
        if (s[i] != '\0') {
            out[o++] = s[i];
        } else if (o + 2 < cap) {
            out[o++] = '\\';
            out[o++] = '0';
        } else {
            break;
        }
    }
    if (cap)
        out[o] = '\0';
    return out;
}

/* Core's uvTypeName. */
const char *rpc_json_type_name(const json_t *v)
{
    if (!v)
        return "null";
    switch (json_typeof(v)) {
    case JSON_NULL:
        return "null";
    case JSON_TRUE:
    case JSON_FALSE:
        return "bool";
    case JSON_OBJECT:
        return "object";
    case JSON_ARRAY:
        return "array";
    case JSON_STRING:
        return "string";
    case JSON_INTEGER:
    case JSON_REAL:
        return "number";
    }
    return "null";
}

static const char *expected_name(enum rpc_arg_type t)
{
    switch (t) {
    case RPC_ARG_STR:
    case RPC_ARG_TEXT:
        return "string";
    case RPC_ARG_NUM:
        return "number";
    case RPC_ARG_BOOL:
        return "bool";
    case RPC_ARG_OBJ:
        return "object";
    case RPC_ARG_ARR:
        return "array";
    case RPC_ARG_ANY:
        break;
    }
    return "";
}

static bool type_matches(const json_t *v, enum rpc_arg_type t)
{
    switch (t) {
    case RPC_ARG_ANY:
        return true;
    case RPC_ARG_STR:
    case RPC_ARG_TEXT:
        return json_is_string(v);
    case RPC_ARG_NUM:
        return json_is_number(v);
    case RPC_ARG_BOOL:
        return json_is_boolean(v);
    case RPC_ARG_OBJ:
        return json_is_object(v);
    case RPC_ARG_ARR:
        return json_is_array(v);
    }
    return false;
}

bool rpc_args_check(struct rpc_error *err, const json_t *params, const struct rpc_arg *args, size_t n, const char *help)
{
    size_t count = json_is_array(params) ? json_array_size(params) : 0;
    size_t required = 0;
    while (required < n && !args[required].optional)
        required++;
    if (count < required || count > n) {
        rpc_fail(err, RPC_MISC_ERROR, "%s", help);
        return false;
    }
    /* Core collects every mismatch into one object written with 4-space
     * indentation; the keys and values never need escaping. */
    char msg[2048];
    size_t used = (size_t)snprintf(msg, sizeof(msg), "Wrong type passed:\n{");
    bool any = false;
    for (size_t i = 0; i < count; i++) {
        const json_t *v = json_array_get(params, i);
        if (json_is_null(v) && args[i].optional)
            continue;
        if (type_matches(v, args[i].type))
            continue;
        if (used < sizeof(msg))
            used += (size_t)snprintf(msg + used, sizeof(msg) - used,
                                     "%s\n    \"Position %zu (%s)\": \"JSON value of type %s is not of expected type %s\"",
                                     any ? "," : "", i + 1, args[i].names, rpc_json_type_name(v), expected_name(args[i].type));
        any = true;
    }
    if (!any) {
        for (size_t i = 0; i < count; i++) {
            if (args[i].type == RPC_ARG_STR && rpc_json_has_nul(json_array_get(params, i))) {
                size_t len = strcspn(args[i].names, "|");
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, %.*s contains a NUL byte", (int)len,
                         args[i].names);
                return false;
            }
        }
        return true;
    }
    if (used < sizeof(msg))
        snprintf(msg + used, sizeof(msg) - used, "\n}");
    rpc_fail(err, RPC_TYPE_ERROR, "%s", msg);
    return false;
}

const json_t *rpc_arg(const json_t *params, size_t i)
{
    const json_t *v = json_array_get(params, i);
    return v && !json_is_null(v) ? v : NULL;
}

bool rpc_json_int(struct rpc_error *err, int64_t *out, const json_t *v, int64_t min, int64_t max)
{
    *out = 0;
    if (!json_is_number(v)) {
        rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type number", rpc_json_type_name(v));
        return false;
    }
    /* Core's getInt<T> converts the number's text with from_chars into T:
     * a fraction or an exponent ("1.5", "5.0", "1e3"; jansson's reals) and
     * anything T cannot hold fail. Never cast a double: out of range it is
     * undefined behaviour. */
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max) {
        rpc_fail(err, RPC_MISC_ERROR, "JSON integer out of range");
        return false;
    }
    *out = (int64_t)json_integer_value(v);
    return true;
}

bool rpc_arg_int(struct rpc_error *err, int64_t *out, const json_t *params, size_t i, int64_t def, int64_t min,
                 int64_t max)
{
    const json_t *v = rpc_arg(params, i);
    *out = def;
    if (!v)
        return true;
    return rpc_json_int(err, out, v, min, max);
}

bool rpc_arg_bool(const json_t *params, size_t i, bool def)
{
    const json_t *v = rpc_arg(params, i);
    return v && json_is_boolean(v) ? json_is_true(v) : def;
}

const char *rpc_arg_str(const json_t *params, size_t i, const char *def)
{
    const json_t *v = rpc_arg(params, i);
    return v && json_is_string(v) ? json_string_value(v) : def;
}

bool rpc_parse_fixed_point(int64_t *out, const char *s, int decimals)
{
    *out = 0;
    const int64_t limit = INT64_C(100000000000000000); /* Core's UPPER_BOUND 10^17 - 1 */
    bool neg = false;
    if (*s == '-') {
        neg = true;
        s++;
    }
    if (*s < '0' || *s > '9')
        return false;
    /* Core rejects leading zeros before another digit ("01"). */
    if (s[0] == '0' && s[1] >= '0' && s[1] <= '9')
        return false;
    int64_t v = 0;
    for (; *s >= '0' && *s <= '9'; s++) {
        v = v * 10 + (*s - '0');
        if (v >= limit)
            return false;
    }
    int frac = 0;
    if (*s == '.') {
        s++;
        if (*s < '0' || *s > '9')
            return false;
        for (; *s >= '0' && *s <= '9'; s++) {
            if (++frac > decimals)
                return false;
            v = v * 10 + (*s - '0');
            if (v >= limit)
                return false;
        }
    }
    if (*s != '\0')
        return false;
    for (; frac < decimals; frac++) {
        v *= 10;
        if (v >= limit)
            return false;
    }
    *out = neg ? -v : v;
    return true;
}

bool rpc_parse_amount(struct rpc_error *err, int64_t *out, const json_t *v)
{
    *out = 0;
    int64_t amount;
    if (json_is_integer(v)) {
        json_int_t i = json_integer_value(v);
        if (i > MAX_MONEY / COIN || i < -(MAX_MONEY / COIN)) {
            rpc_fail(err, RPC_TYPE_ERROR, "Amount out of range");
            return false;
        }
        amount = (int64_t)i * COIN;
    } else if (json_is_real(v)) {
        /* The double jansson parsed is the nearest to the text; it has at
         * most 8 decimals exactly when printing it with 8 decimals gives
         * back the same double. */
        double d = json_real_value(v);
        char buf[64];
        if (!isfinite(d) || fabs(d) > 1e15) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount");
            return false;
        }
        if (d < 0) {
            rpc_fail(err, RPC_TYPE_ERROR, "Amount out of range");
            return false;
        }
        snprintf(buf, sizeof(buf), "%.8f", fabs(d));
        if (strtod(buf, NULL) != fabs(d) || !rpc_parse_fixed_point(&amount, buf, 8)) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount");
            return false;
        }
    } else if (json_is_string(v)) {
        if (!rpc_json_cstr(v) || !rpc_parse_fixed_point(&amount, json_string_value(v), 8)) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount");
            return false;
        }
    } else {
        rpc_fail(err, RPC_TYPE_ERROR, "Amount is not a number or string");
        return false;
    }
    if (!money_range(amount)) {
        rpc_fail(err, RPC_TYPE_ERROR, "Amount out of range");
        return false;
    }
    *out = amount;
    return true;
}

bool rpc_parse_hash(struct rpc_error *err, struct hash256 *out, const json_t *v, const char *name)
{
    memset(out, 0, sizeof(*out));
    if (!v || !json_is_string(v)) {
        rpc_fail(err, RPC_TYPE_ERROR, "%s must be a string", name);
        return false;
    }
    char shown[101];
    rpc_json_str_show(shown, sizeof(shown), v);
    size_t len = json_string_length(v);
    if (len != 64) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "%s must be of length 64 (not %zu, for '%s')", name, len, shown);
        return false;
    }
    if (!rpc_json_cstr(v) || !hash256_from_hex(out, json_string_value(v))) {
        memset(out, 0, sizeof(*out));
        rpc_fail(err, RPC_INVALID_PARAMETER, "%s must be hexadecimal string (not '%s')", name, shown);
        return false;
    }
    return true;
}

uint8_t *rpc_parse_hex(struct rpc_error *err, size_t *len, const json_t *v, const char *name)
{
    *len = 0;
    if (!v || !json_is_string(v)) {
        rpc_fail(err, RPC_TYPE_ERROR, "%s must be a string", name);
        return NULL;
    }
    const char *s = rpc_json_cstr(v);
    uint8_t *p = s ? hex_decode_alloc(s, len) : NULL;
    if (!p) {
        char shown[101];
        *len = 0;
        rpc_fail(err, RPC_INVALID_PARAMETER,
                 "%s must be hexadecimal string (not '%s') and length of it must be divisible by 2", name,
                 rpc_json_str_show(shown, sizeof(shown), v));
        return NULL;
    }
    return p;
}

static char *address_cb(const void *ctx, const uint8_t *script, size_t len)
{
    char out[ADDRESS_MAX_STRING];
    if (!address_from_script(out, ctx, script, len))
        return NULL;
    return mem_strdup(out);
}

void rpc_tx_style_init(struct rpc_tx_style *style, const struct chain_params *params)
{
    memset(style, 0, sizeof(*style));
    if (!params)
        return;
    style->tokens = params->tokens_enabled;
    style->address = address_cb;
    style->address_ctx = &params->address;
}

json_t *rpc_json_hash(const struct hash256 *h)
{
    char hex[65];
    hash256_to_hex(hex, h);
    return json_string(hex);
}

json_t *rpc_json_hex(const uint8_t *p, size_t len)
{
    char *s = hex_encode_alloc(p, len);
    json_t *v = json_string(s);
    mem_free(s);
    return v;
}

/* Core's CScript::HasValidOps: every operation parses, no opcode above
 * OP_NOP10, no push above 520 bytes. An extension prefix is skipped on
 * hashmint chains' outputs; here every script is checked raw except that a
 * parsable prefix is skipped, which is what a decoder wants either way. */
static bool script_has_valid_ops(const uint8_t *s, size_t len)
{
    struct token_prefix tp;
    size_t plen;
    if (len && token_prefix_parse(&tp, &plen, s, len) == TOKEN_PREFIX_OK) {
        s += plen;
        len -= plen;
    }
    const uint8_t *pc = bytes_or_empty(s), *end = pc + len;
    while (pc < end) {
        enum opcode op;
        const uint8_t *data;
        size_t data_len;
        if (!script_get_op(&pc, end, &op, &data, &data_len) || op > OP_NOP10 || data_len > MAX_SCRIPT_ELEMENT_SIZE)
            return false;
    }
    return true;
}

static bool tx_scripts_valid(const struct tx *tx)
{
    for (size_t i = 0; i < tx->vin_count; i++)
        if (!script_has_valid_ops(tx->vin[i].script_sig.data, tx->vin[i].script_sig.len))
            return false;
    for (size_t i = 0; i < tx->vout_count; i++)
        if (!script_has_valid_ops(tx->vout[i].script_pubkey.data, tx->vout[i].script_pubkey.len))
            return false;
    return true;
}

bool rpc_decode_hex_tx(struct tx *out, const char *hex, bool try_no_witness, bool try_witness)
{
    size_t len;
    tx_init(out);
    uint8_t *p = hex_decode_alloc(hex, &len);
    if (!p)
        return false;
    struct tx ext, legacy;
    bool ext_ok = try_witness && tx_decode(&ext, p, len, true);
    bool legacy_ok = try_no_witness && tx_decode(&legacy, p, len, false);
    mem_free(p);
    if (ext_ok && legacy_ok) {
        bool ext_valid = tx_scripts_valid(&ext), legacy_valid = tx_scripts_valid(&legacy);
        if (legacy_valid && !ext_valid) {
            tx_clear(&ext);
            ext_ok = false;
        } else {
            tx_clear(&legacy);
            legacy_ok = false;
        }
    }
    tx_clear(out);
    if (ext_ok) {
        *out = ext;
        return true;
    }
    if (legacy_ok) {
        *out = legacy;
        return true;
    }
    tx_init(out);
    return false;
}

bool rpc_need_chain(const struct rpc_context *ctx, struct rpc_error *err)
{
    if (ctx->chain)
        return true;
    rpc_fail(err, RPC_IN_WARMUP, "Loading block index...");
    return false;
}

bool rpc_need_mempool(const struct rpc_context *ctx, struct rpc_error *err)
{
    if (ctx->mempool)
        return true;
    rpc_fail(err, RPC_CLIENT_MEMPOOL_DISABLED, "Mempool disabled or instance not found");
    return false;
}

bool rpc_address_arg(struct rpc_error *err, uint8_t *script, size_t *len, const struct chain_params *p,
                     const json_t *v)
{
    const char *a = rpc_json_cstr(v);
    if (!a || !address_to_script(script, len, &p->address, a)) {
        char shown[120];
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid hashmint address: %s",
                 json_is_string(v) ? rpc_json_str_show(shown, sizeof(shown), v) : "");
        return false;
    }
    return true;
}

bool rpc_outpoint_arg(struct rpc_error *err, struct outpoint *op, const json_t *v, const char *noun)
{
    const char *s = rpc_json_cstr(v);
    if (!s || !rpc_parse_outpoint_text(op, s)) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid %s: expected \"txid:vout\"", noun);
        return false;
    }
    return true;
}

bool rpc_asset_arg(struct rpc_error *err, size_t *out, const struct chain_params *p, const json_t *v)
{
    *out = 0;
    if (!p->tokens_enabled || p->asset_count == 0) {
        rpc_fail(err, RPC_MISC_ERROR, "This chain has no issuance layer");
        return false;
    }
    if (!v)
        return true;
    /* rpc_args_check has refused a string with an embedded NUL byte already */
    const char *name = rpc_json_cstr(v);
    int i = name ? issuance_asset_find(p->assets, p->asset_count, name) : -1;
    if (i < 0) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Unknown asset: %.100s", name ? name : "");
        return false;
    }
    *out = (size_t)i;
    return true;
}
