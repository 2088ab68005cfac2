/* estimatesmartfee and estimaterawfee over the node's fee estimator
 * (src/chain/fee_estimator.h), with Bitcoin Core's arguments, JSON shapes
 * and messages. */
#include <math.h>
#include <stdio.h>
#include <strings.h>

#include "src/chain/fee_estimator.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"

/* Core's ParseConfirmTarget. Out: *out. */
static bool conf_target(struct rpc_error *err, unsigned *out, const json_t *params, unsigned max)
{
    int64_t t;
    if (!rpc_arg_int(err, &t, params, 0, 0, RPC_INT32))
        return false;
    if (t < 1 || (uint64_t)t > max) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid conf_target, must be between %u and %u", 1u, max);
        return false;
    }
    *out = (unsigned)t;
    return true;
}

static json_t *no_estimator(struct rpc_error *err)
{
    return rpc_fail(err, RPC_INTERNAL_ERROR, "Fee estimation disabled");
}

static const struct rpc_arg estimatesmartfee_args[] = {
    { "conf_target", RPC_ARG_NUM, false },
    { "estimate_mode", RPC_ARG_STR, true },
};
static const char estimatesmartfee_help[] =
    "estimatesmartfee conf_target ( \"estimate_mode\" )\n"
    "\n"
    "Estimates the approximate fee per kilobyte needed for a transaction to begin\n"
    "confirmation within conf_target blocks if possible and return the number of blocks\n"
    "for which the estimate is valid. Uses virtual transaction size as defined\n"
    "in BIP 141 (witness data is discounted).\n"
    "\n"
    "Arguments:\n"
    "1. conf_target      (numeric, required) Confirmation target in blocks (1 - 1008)\n"
    "2. estimate_mode    (string, optional, default=\"economical\") The fee estimate mode.\n"
    "                    Whether to return a more conservative estimate which also satisfies\n"
    "                    a longer history. A conservative estimate potentially returns a\n"
    "                    higher feerate and is more likely to be sufficient for the desired\n"
    "                    target, but is not as responsive to short term drops in the\n"
    "                    prevailing fee market. Must be one of (case insensitive):\n"
    "                    \"unset\"\n"
    "                    \"economical\"\n"
    "                    \"conservative\"\n"
    "\n"
    "Result:\n"
    "{                   (json object)\n"
    "  \"feerate\" : n,    (numeric, optional) estimate fee rate in HMC/kvB (only present if no errors were encountered)\n"
    "  \"errors\" : [      (json array, optional) Errors encountered during processing (if there are any)\n"
    "    \"str\",          (string) error\n"
    "    ...\n"
    "  ],\n"
    "  \"blocks\" : n      (numeric) block number where estimate was found\n"
    "                    The request target will be clamped between 2 and the highest target\n"
    "                    fee estimation is able to return based on how long it has been running.\n"
    "                    An error is returned if not enough transactions and blocks\n"
    "                    have been observed to make an estimate for any number of blocks.\n"
    "}\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli estimatesmartfee 6\n"
    "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"estimatesmartfee\", "
    "\"params\": [6]}' -H 'content-type: application/json' http://127.0.0.1:18443/\n";

static json_t *rpc_estimatesmartfee(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, estimatesmartfee_args, 2, estimatesmartfee_help))
        return NULL;
    if (!ctx->fee_estimator)
        return no_estimator(err);
    unsigned target;
    if (!conf_target(err, &target, params, fee_estimator_highest_target(FEE_HORIZON_LONG)))
        return NULL;
    bool conservative = false;
    const char *mode = rpc_arg_str(params, 1, NULL);
    if (mode) {
        if (!strcasecmp(mode, "conservative"))
            conservative = true;
        else if (strcasecmp(mode, "unset") != 0 && strcasecmp(mode, "economical") != 0)
            return rpc_fail(err, RPC_INVALID_PARAMETER,
                            "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
    }
    int returned = 0;
    int64_t rate = fee_estimator_estimate_smart(ctx->fee_estimator, &returned, (int)target, conservative);
    json_t *o = json_object();
    if (rate > 0) {
        /* Never below what the mempool would accept now (Core). */
        if (ctx->mempool) {
            struct mempool_stats s;
            mempool_get_stats(ctx->mempool, &s);
            if (s.min_fee > rate)
                rate = s.min_fee;
            if (s.min_relay_feerate > rate)
                rate = s.min_relay_feerate;
        }
        json_object_set_new(o, "feerate", rpc_json_amount(rate));
    } else {
        json_object_set_new(o, "errors", json_pack("[s]", "Insufficient data or no feerate found"));
    }
    json_object_set_new(o, "blocks", json_integer(returned));
    return o;
}

static const struct rpc_arg estimaterawfee_args[] = {
    { "conf_target", RPC_ARG_NUM, false },
    { "threshold", RPC_ARG_NUM, true },
};
static const char estimaterawfee_help[] =
    "estimaterawfee conf_target ( threshold )\n"
    "\n"
    "WARNING: This interface is unstable and may disappear or change!\n"
    "\n"
    "WARNING: This is an advanced API call that is tightly coupled to the specific\n"
    "implementation of fee estimation. The parameters it can be called with\n"
    "and the results it returns will change if the internal implementation changes.\n"
    "\n"
    "Estimates the approximate fee per kilobyte needed for a transaction to begin\n"
    "confirmation within conf_target blocks if possible. Uses virtual transaction size as\n"
    "defined in BIP 141 (witness data is discounted).\n"
    "\n"
    "Arguments:\n"
    "1. conf_target    (numeric, required) Confirmation target in blocks (1 - 1008)\n"
    "2. threshold      (numeric, optional, default=0.95) The proportion of transactions in a given feerate range that must have been\n"
    "                  confirmed within conf_target in order to consider those feerates as high enough and proceed to check\n"
    "                  lower buckets.\n"
    "\n"
    "Result:\n"
    "{                           (json object) Results are returned for any horizon which tracks blocks up to the confirmation target\n"
    "  \"short\" : {               (json object, optional) estimate for short time horizon\n"
    "    \"feerate\" : n,          (numeric, optional) estimate fee rate in HMC/kvB\n"
    "    \"decay\" : n,            (numeric) exponential decay (per block) for historical moving average of confirmation data\n"
    "    \"scale\" : n,            (numeric) The resolution of confirmation targets at this time horizon\n"
    "    \"pass\" : {              (json object, optional) information about the lowest range of feerates to succeed in meeting the threshold\n"
    "      \"startrange\" : n,     (numeric) start of feerate range\n"
    "      \"endrange\" : n,       (numeric) end of feerate range\n"
    "      \"withintarget\" : n,   (numeric) number of txs over history horizon in the feerate range that were confirmed within target\n"
    "      \"totalconfirmed\" : n, (numeric) number of txs over history horizon in the feerate range that were confirmed at any point\n"
    "      \"inmempool\" : n,      (numeric) current number of txs in mempool in the feerate range unconfirmed for at least target blocks\n"
    "      \"leftmempool\" : n     (numeric) number of txs over history horizon in the feerate range that left mempool unconfirmed after target\n"
    "    },\n"
    "    \"fail\" : {              (json object, optional) information about the highest range of feerates to fail to meet the threshold\n"
    "      ...\n"
    "    },\n"
    "    \"errors\" : [            (json array, optional) Errors encountered during processing (if there are any)\n"
    "      \"str\",                (string) error\n"
    "      ...\n"
    "    ]\n"
    "  },\n"
    "  \"medium\" : {              (json object, optional) estimate for medium time horizon\n"
    "    ...\n"
    "  },\n"
    "  \"long\" : {                (json object, optional) estimate for long time horizon\n"
    "    ...\n"
    "  }\n"
    "}\n"
    "\n"
    "Examples:\n"
    "> hashmint-cli estimaterawfee 6 0.9\n";

/* Core rounds the counts to two decimals and the range bounds to integers. */
static json_t *bucket_json(const struct fee_bucket_range *b)
{
    json_t *o = json_object();
    json_object_set_new(o, "startrange", rpc_json_double(round(b->start)));
    json_object_set_new(o, "endrange", rpc_json_double(round(b->end)));
    json_object_set_new(o, "withintarget", rpc_json_double(round(b->within_target * 100.0) / 100.0));
    json_object_set_new(o, "totalconfirmed", rpc_json_double(round(b->total_confirmed * 100.0) / 100.0));
    json_object_set_new(o, "inmempool", rpc_json_double(round(b->in_mempool * 100.0) / 100.0));
    json_object_set_new(o, "leftmempool", rpc_json_double(round(b->left_mempool * 100.0) / 100.0));
    return o;
}

static json_t *rpc_estimaterawfee(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, estimaterawfee_args, 2, estimaterawfee_help))
        return NULL;
    if (!ctx->fee_estimator)
        return no_estimator(err);
    unsigned target;
    if (!conf_target(err, &target, params, fee_estimator_highest_target(FEE_HORIZON_LONG)))
        return NULL;
    double threshold = 0.95;
    if (rpc_arg(params, 1))
        threshold = json_number_value(rpc_arg(params, 1));
    if (threshold < 0 || threshold > 1)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid threshold");
    json_t *o = json_object();
    for (int h = 0; h < FEE_HORIZON_COUNT; h++) {
        if (target > fee_estimator_highest_target((enum fee_horizon)h))
            continue; /* only horizons that track the target */
        struct fee_estimation_result r;
        int64_t rate = fee_estimator_estimate_raw(ctx->fee_estimator, &r, (int)target, threshold, (enum fee_horizon)h);
        json_t *hr = json_object();
        if (rate > 0) {
            json_object_set_new(hr, "feerate", rpc_json_amount(rate));
            json_object_set_new(hr, "decay", rpc_json_double(r.decay));
            json_object_set_new(hr, "scale", json_integer(r.scale));
            json_object_set_new(hr, "pass", bucket_json(&r.pass));
            if (r.fail.start != -1) /* -1: every bucket passed */
                json_object_set_new(hr, "fail", bucket_json(&r.fail));
        } else {
            json_object_set_new(hr, "decay", rpc_json_double(r.decay));
            json_object_set_new(hr, "scale", json_integer(r.scale));
            json_object_set_new(hr, "fail", bucket_json(&r.fail));
            json_object_set_new(hr, "errors", json_pack("[s]", "Insufficient data or no feerate found which meets threshold"));
        }
        json_object_set_new(o, fee_horizon_name((enum fee_horizon)h), hr);
    }
    return o;
}

static const struct rpc_command fee_commands[] = {
    { "util", "estimatesmartfee", rpc_estimatesmartfee, { "conf_target", "estimate_mode", NULL }, estimatesmartfee_help },
    { "hidden", "estimaterawfee", rpc_estimaterawfee, { "conf_target", "threshold", NULL }, estimaterawfee_help },
};

void rpc_register_fees(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(fee_commands) / sizeof(fee_commands[0]); i++)
        rpc_table_add(t, &fee_commands[i]);
}
