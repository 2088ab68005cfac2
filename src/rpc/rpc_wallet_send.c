/* Core's `send` (doc/wallet.md, "send"): HMC payments as sendmany, or with
 * options {"asset": ...} token payments, the transaction sendtoken builds
 * (doc/wallet.md, "Tokens"). Also the token outputs parser
 * walletcreatefundedpsbt shares for its "asset" option. */
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_wallet.h"
#include "src/rpc/rpc_wallet_token.h"
#include "src/util/alloc.h"
#include "wallet/wallet.h"
#include "wallet/wallet_token.h"

/* Caps the outputs before anything is allocated (a transaction this wide
 * would not relay anyway). */
#define SEND_MAX_OUTPUTS 10000

/* Calls fn(ctx, address, amount) for each pair of Core's outputs argument
 * (an object, or an array of one-pair objects). "data" is refused. */
typedef bool (*pair_fn)(void *arg, struct rpc_error *err, const char *key, const json_t *amount, size_t i);
static bool for_each_output(struct rpc_error *err, const json_t *outputs, size_t *count, pair_fn fn, void *arg)
{
    *count = 0;
    if (!json_is_object(outputs) && !json_is_array(outputs)) {
        rpc_fail(err, RPC_TYPE_ERROR, "Wrong type passed: outputs must be an object or an array");
        return false;
    }
    size_t n = json_is_object(outputs) ? json_object_size(outputs) : json_array_size(outputs);
    if (n == 0) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, no outputs");
        return false;
    }
    if (n > SEND_MAX_OUTPUTS) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, too many outputs");
        return false;
    }
    size_t i = 0;
    if (json_is_object(outputs)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)outputs, k, v)
        {
            if (!strcmp(k, "data")) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, data outputs are not supported here");
                return false;
            }
            if (fn && !fn(arg, err, k, v, i))
                return false;
            i++;
        }
    } else {
        size_t idx;
        json_t *o;
        json_array_foreach(outputs, idx, o)
        {
            if (!json_is_object(o) || json_object_size(o) != 1) {
                rpc_fail(err, RPC_INVALID_PARAMETER,
                         "Invalid parameter, key-value pair must contain exactly one key");
                return false;
            }
            const char *k = json_object_iter_key(json_object_iter(o));
            if (!strcmp(k, "data")) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, data outputs are not supported here");
                return false;
            }
            if (fn && !fn(arg, err, k, json_object_iter_value(json_object_iter(o)), i))
                return false;
            i++;
        }
    }
    *count = i;
    return true;
}

struct token_parse {
    struct rpc_context *ctx;
    struct wallet_token_recipient *r;
    uint8_t *scripts;
};

static bool token_pair(void *arg, struct rpc_error *err, const char *key, const json_t *amount, size_t i)
{
    struct token_parse *p = arg;
    uint8_t *spk = p->scripts + i * ADDRESS_MAX_SCRIPT;
    size_t len;
    if (!address_to_script(spk, &len, &p->ctx->params->address, key)) {
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid hashmint address: %s", key);
        return false;
    }
    for (size_t k = 0; k < i; k++)
        if (p->r[k].script_len == len && !memcmp(p->r[k].script, spk, len)) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, duplicated address: %s", key);
            return false;
        }
    uint64_t v;
    if (!rpc_parse_token_amount(err, &v, amount))
        return false;
    if (v == 0) {
        rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for send");
        return false;
    }
    p->r[i] = (struct wallet_token_recipient){ spk, len, v };
    return true;
}

bool rpc_token_recipients_parse(struct rpc_context *ctx, struct rpc_error *err, struct wallet_token_recipient **r,
                                uint8_t **scripts, size_t *n, const json_t *outputs)
{
    *r = NULL;
    *scripts = NULL;
    size_t count;
    if (!for_each_output(err, outputs, &count, NULL, NULL))
        return false;
    struct token_parse p = { ctx, mem_calloc(count, sizeof(*p.r)), mem_calloc(count, ADDRESS_MAX_SCRIPT) };
    if (!for_each_output(err, outputs, &count, token_pair, &p)) {
        mem_free(p.r);
        mem_free(p.scripts);
        return false;
    }
    *r = p.r;
    *scripts = p.scripts;
    *n = count;
    return true;
}

struct hmc_parse {
    struct rpc_context *ctx;
    struct wallet_recipient *r;
    const json_t *subtract; /* options.subtract_fee_from_outputs: output positions */
};

static bool hmc_pair(void *arg, struct rpc_error *err, const char *key, const json_t *amount, size_t i)
{
    struct hmc_parse *p = arg;
    struct wallet_recipient *r = &p->r[i];
    memset(r, 0, sizeof(*r));
    if (!address_to_script(r->script, &r->script_len, &p->ctx->params->address, key)) {
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid hashmint address: %s", key);
        return false;
    }
    for (size_t k = 0; k < i; k++)
        if (p->r[k].script_len == r->script_len && !memcmp(p->r[k].script, r->script, r->script_len)) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, duplicated address: %s", key);
            return false;
        }
    if (!rpc_parse_amount(err, &r->amount, amount))
        return false;
    if (r->amount <= 0) {
        rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for send");
        return false;
    }
    size_t k;
    json_t *v;
    json_array_foreach(p->subtract, k, v) if (json_is_integer(v) && json_integer_value(v) == (json_int_t)i)
        r->subtract_fee = true;
    return true;
}

/* The options send knows (Core's names); any other key is Core's -3. */
static const char *const SEND_OPTIONS[] = { "asset", "conf_target", "estimate_mode", "fee_rate", "replaceable",
                                            "subtract_fee_from_outputs" };

RPC_ARGS(send, { "outputs", RPC_ARG_ANY, false }, { "conf_target", RPC_ARG_NUM, true },
         { "estimate_mode", RPC_ARG_STR, true }, { "fee_rate", RPC_ARG_ANY, true }, { "options", RPC_ARG_OBJ, true });
static const char send_help[] =
    "send [{\"address\":amount,...},...] ( conf_target \"estimate_mode\" fee_rate options )\n"
    "\n"
    "Send a transaction (Core's send): pays the outputs from the wallet's coins, signs and broadcasts.\n"
    "\n"
    "Arguments:\n"
    "1. outputs          (json array or object, required) {\"address\": amount} pairs; HMC amounts, or with\n"
    "                    options.asset whole base units of that asset (as sendtoken)\n"
    "2. conf_target      (numeric, optional) Confirmation target in blocks\n"
    "3. estimate_mode    (string, optional, default=\"unset\") unset, economical or conservative\n"
    "4. fee_rate         (numeric or string, optional) Fee rate in sat/vB\n"
    "5. options          (json object, optional)\n"
    "     asset                       (string) pay tokens of this asset (ticker or asset id): the transaction\n"
    "                                 sendtoken builds (token change, fee from HMC coins, HMC change last)\n"
    "     conf_target, estimate_mode, fee_rate   as the arguments\n"
    "     replaceable                 (boolean, default=-walletrbf) BIP 125\n"
    "     subtract_fee_from_outputs   (array) output positions (HMC only)\n"
    "\n"
    "Result:\n"
    "{ \"complete\" : true, \"txid\" : \"hex\" }\n";
static json_t *rpc_send(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(send, send_help);
    const json_t *opts = rpc_arg(params, 4);
    if (opts) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)opts, k, v)
        {
            bool known = false;
            for (size_t i = 0; i < sizeof(SEND_OPTIONS) / sizeof(SEND_OPTIONS[0]); i++)
                known |= !strcmp(k, SEND_OPTIONS[i]);
            if (!known)
                return rpc_fail(err, RPC_TYPE_ERROR, "Unexpected key %s", k);
        }
    }
    const json_t *conf = rpc_arg(params, 1), *mode = rpc_arg(params, 2), *rate = rpc_arg(params, 3);
    const json_t *asset = opts ? json_object_get(opts, "asset") : NULL;
    if (opts) { /* Core: each may come as an argument or as an option, not both */
        const char *names[] = { "conf_target", "estimate_mode", "fee_rate" };
        const json_t **args[] = { &conf, &mode, &rate };
        for (size_t i = 0; i < 3; i++) {
            const json_t *v = json_object_get(opts, names[i]);
            if (v && *args[i])
                return rpc_fail(err, RPC_INVALID_PARAMETER, "Pass %s either as an argument or as an option", names[i]);
            if (v)
                *args[i] = v;
        }
    }
    if (asset && json_object_get(opts, "subtract_fee_from_outputs"))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "subtract_fee_from_outputs is for HMC outputs, not tokens");
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    const json_t *rbf = opts ? json_object_get(opts, "replaceable") : NULL;
    if (rbf && json_is_boolean(rbf))
        o.replaceable = json_is_true(rbf);
    json_t *res = NULL;
    struct hash256 txid;
    int64_t fee;
    struct wallet_error e = { 0, "" };
    if (!rpc_wallet_fee_mode_args(err, &o, conf, mode, rate))
        goto out;
    if (asset) {
        size_t a, n;
        struct wallet_token_recipient *r;
        uint8_t *scripts;
        if (!rpc_asset_arg(err, &a, ctx->params, asset) ||
            !rpc_token_recipients_parse(ctx, err, &r, &scripts, &n, rpc_arg(params, 0)))
            goto out;
        bool ok = wallet_send_tokens(w, &e, &txid, &fee, r, n, (uint32_t)a, &o);
        mem_free(r);
        mem_free(scripts);
        if (!ok) {
            rpc_wallet_fail(err, &e);
            goto out;
        }
    } else {
        size_t n;
        if (!for_each_output(err, rpc_arg(params, 0), &n, NULL, NULL))
            goto out;
        json_t *none = json_array();
        const json_t *sub = opts ? json_object_get(opts, "subtract_fee_from_outputs") : NULL;
        struct hmc_parse p = { ctx, mem_calloc(n, sizeof(*p.r)), json_is_array(sub) ? sub : none };
        bool ok = for_each_output(err, rpc_arg(params, 0), &n, hmc_pair, &p);
        json_decref(none);
        if (ok && !wallet_send(w, &e, &txid, &fee, p.r, n, &o)) {
            rpc_wallet_fail(err, &e);
            ok = false;
        }
        mem_free(p.r);
        if (!ok)
            goto out;
    }
    res = json_object();
    json_object_set_new(res, "complete", json_true());
    json_object_set_new(res, "txid", rpc_json_hash(&txid));
out:
    wallet_release(w);
    return res;
}

static const struct rpc_command send_commands[] = {
    { "wallet", "send", rpc_send, { "outputs", "conf_target", "estimate_mode", "fee_rate", "options", NULL },
      send_help },
};

void rpc_register_wallet_send(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(send_commands) / sizeof(send_commands[0]); i++)
        rpc_table_add(t, &send_commands[i]);
}
