/* The wallet's token RPCs (doc/wallet.md, "Tokens"): gettokenbalance,
 * listtokenunspent, sendtoken, vaultrepay, liquidatevault. Arguments are
 * parsed here in Core's manner; the work is in wallet/wallet_token.h. */
#include "src/rpc/rpc_wallet_token.h"

#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "src/rpc/issuance_view.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_wallet.h"
#include "wallet/wallet.h"
#include "wallet/wallet_token.h"

bool rpc_parse_token_amount(struct rpc_error *err, uint64_t *out, const json_t *v)
{
    *out = 0;
    int64_t n;
    if (json_is_integer(v)) {
        n = json_integer_value(v);
    } else if (json_is_real(v)) {
        double d = json_real_value(v);
        if (d != d) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount: token amounts are whole base units");
            return false;
        }
        if (d < -9e18 || d > 9e18) {
            rpc_fail(err, RPC_TYPE_ERROR, "Amount out of range");
            return false;
        }
        if ((double)(int64_t)d != d) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount: token amounts are whole base units");
            return false;
        }
        n = (int64_t)d;
    } else if (json_is_string(v)) {
        const char *s = rpc_json_cstr(v);
        size_t i = s && s[0] == '-' ? 1 : 0;
        bool digits = s && s[i] && strlen(s + i) <= 18;
        for (size_t k = i; digits && s[k]; k++)
            digits = s[k] >= '0' && s[k] <= '9';
        if (!digits) {
            rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount: token amounts are whole base units");
            return false;
        }
        long long x = 0;
        for (size_t k = i; s[k]; k++)
            x = x * 10 + (s[k] - '0');
        n = i ? -x : x;
    } else {
        rpc_fail(err, RPC_TYPE_ERROR, "Amount is not a number or string");
        return false;
    }
    if (n < 0 || (uint64_t)n > TOKEN_AMOUNT_MAX) {
        rpc_fail(err, RPC_TYPE_ERROR, "Amount out of range");
        return false;
    }
    if (n == 0) {
        rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for send");
        return false;
    }
    *out = (uint64_t)n;
    return true;
}

RPC_ARGS(gettokenbalance, { "asset", RPC_ARG_STR, true }, { "minconf", RPC_ARG_NUM, true });
static const char gettokenbalance_help[] =
    "gettokenbalance ( \"asset\" minconf )\n"
    "\nThe wallet's trusted token balance in the asset's base units (an integer): of \"asset\" (a ticker or an\n"
    "asset id), or without it an object {\"<ticker>\": n, ...} of every asset. minconf (default 0): confirmations\n"
    "an output needs (unconfirmed outputs count only when the wallet made the transaction).\n";
static json_t *rpc_gettokenbalance(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(gettokenbalance, gettokenbalance_help);
    int64_t minconf;
    if (!rpc_arg_int(err, &minconf, params, 1, 0, 0, INT32_MAX))
        return NULL;
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    const json_t *a = rpc_arg(params, 0);
    size_t asset;
    json_t *r = NULL;
    if (rpc_asset_arg(err, &asset, ctx->params, a)) /* absent: every asset, on a chain with assets */
        r = wallet_token_balance_json(w, a ? (int)asset : -1, (int)minconf);
    wallet_release(w);
    return r;
}

RPC_ARGS(listtokenunspent, { "minconf", RPC_ARG_NUM, true }, { "maxconf", RPC_ARG_NUM, true },
         { "addresses", RPC_ARG_ARR, true }, { "asset", RPC_ARG_STR, true }, { "include_unsafe", RPC_ARG_BOOL, true });
static const char listtokenunspent_help[] =
    "listtokenunspent ( minconf maxconf [\"address\",...] \"asset\" include_unsafe )\n"
    "\nThe wallet's unspent token outputs (as listunspent): txid, vout, address, label, asset, asset_id, amount\n"
    "(base units), value (HMC carried), scriptPubKey, confirmations, spendable, solvable, desc, safe, locked.\n";
static json_t *rpc_listtokenunspent(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listtokenunspent, listtokenunspent_help);
    int64_t minconf, maxconf;
    if (!rpc_arg_int(err, &minconf, params, 0, 1, RPC_INT32) ||
        !rpc_arg_int(err, &maxconf, params, 1, 9999999, RPC_INT32))
        return NULL;
    const json_t *addrs = rpc_arg(params, 2);
    size_t i;
    json_t *a;
    json_array_foreach(addrs, i, a)
    {
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t len;
        if (!json_is_string(a) || !address_to_script(spk, &len, &ctx->params->address, json_string_value(a)))
            return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid hashmint address: %s",
                            json_is_string(a) ? json_string_value(a) : "");
    }
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    const json_t *av = rpc_arg(params, 3);
    size_t asset;
    json_t *r = NULL;
    if (rpc_asset_arg(err, &asset, ctx->params, av)) /* absent: every asset, on a chain with assets */
        r = wallet_list_token_unspent(w, (int)minconf, (int)maxconf, addrs, av ? (int)asset : -1,
                                      rpc_arg_bool(params, 4, true));
    wallet_release(w);
    return r;
}

RPC_ARGS(sendtoken, { "address", RPC_ARG_TEXT, false }, { "amount", RPC_ARG_ANY, false }, { "asset", RPC_ARG_STR, true },
         { "fee_rate", RPC_ARG_ANY, true }, { "replaceable", RPC_ARG_BOOL, true });
static const char sendtoken_help[] =
    "sendtoken \"address\" amount ( \"asset\" fee_rate replaceable )\n"
    "\nSends amount (whole base units of the asset, default the chain's first asset) to address. Token change goes\n"
    "to a new change address; the fee (fee_rate in sat/vB, else -paytxfee / -fallbackfee) is paid from the\n"
    "wallet's HMC coins. Returns the txid.\n";
static json_t *rpc_sendtoken(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(sendtoken, sendtoken_help);
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len;
    uint64_t amount;
    if (!rpc_address_arg(err, spk, &len, ctx->params, rpc_arg(params, 0)) ||
        !rpc_parse_token_amount(err, &amount, rpc_arg(params, 1)))
        return NULL;
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    size_t asset;
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    o.replaceable = rpc_arg_bool(params, 4, o.replaceable);
    json_t *r = NULL;
    if (rpc_asset_arg(err, &asset, ctx->params, rpc_arg(params, 2)) && rpc_wallet_fee_rate_arg(err, &o, rpc_arg(params, 3))) {
        struct hash256 txid;
        struct wallet_error e = { 0, "" };
        if (wallet_send_token(w, &e, &txid, spk, len, amount, (uint32_t)asset, &o))
            r = rpc_json_hash(&txid);
        else
            rpc_wallet_fail(err, &e);
    }
    wallet_release(w);
    return r;
}

RPC_ARGS(vaultrepay, { "vault", RPC_ARG_STR, false }, { "amount", RPC_ARG_ANY, false }, { "fee_rate", RPC_ARG_ANY, true });
static const char vaultrepay_help[] =
    "vaultrepay \"txid:vout\" amount ( fee_rate )\n"
    "\nRepays amount (whole base units) of the debt of the wallet's vault at txid:vout by burning the wallet's\n"
    "tokens; the vault keeps its collateral and owner. The debt left must be 0 or at least the asset's minimum\n"
    "vault debt. The fee comes from the wallet's HMC coins. Returns {\"txid\", \"vault\", \"debt\"}.\n";
static json_t *rpc_vaultrepay(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(vaultrepay, vaultrepay_help);
    struct outpoint op;
    uint64_t amount;
    if (!rpc_outpoint_arg(err, &op, rpc_arg(params, 0), "outpoint") || !rpc_parse_token_amount(err, &amount, rpc_arg(params, 1)))
        return NULL;
    struct wallet_send_options o;
    struct wallet *w = rpc_wallet_pick_send(ctx, err, &o, rpc_arg(params, 2));
    if (!w)
        return NULL;
    json_t *r = NULL;
    struct hash256 txid;
    uint64_t left;
    struct wallet_error e = { 0, "" };
    if (wallet_vault_repay(w, &e, &txid, &left, &op, amount, &o)) {
        char hex[65], vault[80];
        hash256_to_hex(hex, &txid);
        snprintf(vault, sizeof(vault), "%s:0", hex);
        r = json_pack("{s:s,s:s,s:I}", "txid", hex, "vault", vault, "debt", (json_int_t)left);
    } else {
        rpc_wallet_fail(err, &e);
    }
    wallet_release(w);
    return r;
}

RPC_ARGS(liquidatevault, { "vault", RPC_ARG_STR, false }, { "fee_rate", RPC_ARG_ANY, true });
static const char liquidatevault_help[] =
    "liquidatevault \"txid:vout\" ( fee_rate )\n"
    "\nLiquidates the vault at txid:vout (anyone's) when its ratio is below the liquidation ratio at a fresh\n"
    "price: burns its whole debt from the wallet's tokens, pays the owner collateral - seized and the wallet\n"
    "the seized collateral minus the fee. Returns {\"txid\", \"seized\", \"fee\"} (HMC base units).\n";
static json_t *rpc_liquidatevault(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(liquidatevault, liquidatevault_help);
    struct outpoint op;
    if (!rpc_outpoint_arg(err, &op, rpc_arg(params, 0), "outpoint"))
        return NULL;
    struct wallet_send_options o;
    struct wallet *w = rpc_wallet_pick_send(ctx, err, &o, rpc_arg(params, 1));
    if (!w)
        return NULL;
    json_t *r = NULL;
    struct hash256 txid;
    uint64_t seized;
    int64_t fee;
    struct wallet_error e = { 0, "" };
    if (wallet_liquidate_vault(w, &e, &txid, &seized, &fee, &op, &o)) {
        char hex[65];
        hash256_to_hex(hex, &txid);
        r = json_pack("{s:s,s:I,s:I}", "txid", hex, "seized", (json_int_t)seized, "fee", (json_int_t)fee);
    } else {
        rpc_wallet_fail(err, &e);
    }
    wallet_release(w);
    return r;
}

static const struct rpc_command token_commands[] = {
    { "wallet", "gettokenbalance", rpc_gettokenbalance, { "asset", "minconf", NULL }, gettokenbalance_help },
    { "wallet", "listtokenunspent", rpc_listtokenunspent, { "minconf", "maxconf", "addresses", "asset", "include_unsafe", NULL }, listtokenunspent_help },
    { "wallet", "sendtoken", rpc_sendtoken, { "address", "amount", "asset", "fee_rate", "replaceable", NULL }, sendtoken_help },
    { "wallet", "vaultrepay", rpc_vaultrepay, { "vault", "amount", "fee_rate", NULL }, vaultrepay_help },
    { "wallet", "liquidatevault", rpc_liquidatevault, { "vault", "fee_rate", NULL }, liquidatevault_help },
};

void rpc_register_wallet_token(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(token_commands) / sizeof(token_commands[0]); i++)
        rpc_table_add(t, &token_commands[i]);
}
