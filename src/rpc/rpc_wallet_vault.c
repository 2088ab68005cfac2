/* The wallet's vault and issuer RPCs (doc/wallet.md, "Vaults and issuer"):
 * vaultdeposit, vaultwithdraw, mint, setoracleprice, setissuerpaused, over
 * wallet/wallet_issuance.h. listvaults on a wallet endpoint is the node's
 * listvaults filtered to the wallet (src/rpc/rpc_issuance.c). */
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/token_prefix.h"
#include "src/rpc/issuance_view.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_wallet.h"
#include "src/rpc/rpc_wallet_token.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "wallet/wallet.h"
#include "wallet/wallet_issuance.h"

/* An optional destination address (NULL json: none). */
static bool parse_dest(struct rpc_context *ctx, struct rpc_error *err, uint8_t *script, size_t *len, const json_t *v)
{
    *len = 0;
    return !v || rpc_address_arg(err, script, len, ctx->params, v);
}

/* The result object of every command. */
static json_t *result_json(const struct wallet_issuance_result *r)
{
    json_t *o = json_object();
    if (r->complete)
        json_object_set_new(o, "txid", rpc_json_hash(&r->txid));
    else
        json_object_set_new(o, "psbt", json_string(r->psbt));
    json_object_set_new(o, "complete", json_boolean(r->complete));
    if (r->has_vault) {
        char hex[65], text[80];
        hex_encode_reversed(hex, r->vault.txid.b, 32);
        snprintf(text, sizeof(text), "%s:%u", hex, (unsigned)r->vault.n);
        json_object_set_new(o, "vault", json_string(text));
    }
    json_object_set_new(o, "fee", json_real((double)r->fee / 1e8));
    return o;
}

/* Runs one command on the call's wallet and shapes its answer. */
enum cmd { CMD_DEPOSIT, CMD_WITHDRAW, CMD_MINT, CMD_ORACLE, CMD_PAUSE };
struct cmd_args {
    enum cmd cmd;
    struct outpoint vault;
    int64_t hmc;
    uint64_t units;
    bool paused;
    size_t asset;
    uint8_t dest[ADDRESS_MAX_SCRIPT];
    size_t dest_len;
    const json_t *fee_rate;
};

static json_t *run(struct rpc_context *ctx, struct rpc_error *err, const struct cmd_args *a)
{
    struct wallet_send_options o;
    struct wallet *w = rpc_wallet_pick_send(ctx, err, &o, a->fee_rate);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    struct wallet_issuance_result r;
    memset(&r, 0, sizeof(r));
    const uint8_t *dest = a->dest_len ? a->dest : NULL;
    bool ok = false;
    switch (a->cmd) {
    case CMD_DEPOSIT:
        ok = wallet_vault_deposit(w, &e, &r, &a->vault, a->hmc, &o);
        break;
    case CMD_WITHDRAW:
        ok = wallet_vault_withdraw(w, &e, &r, &a->vault, a->hmc, dest, a->dest_len, &o);
        break;
    case CMD_MINT:
        ok = wallet_vault_mint(w, &e, &r, &a->vault, a->units, dest, a->dest_len, &o);
        break;
    case CMD_ORACLE:
        ok = wallet_set_oracle_price(w, &e, &r, a->asset, a->units, &o);
        break;
    case CMD_PAUSE:
        ok = wallet_set_issuer_paused(w, &e, &r, a->asset, a->paused, &o);
        break;
    }
    wallet_release(w);
    json_t *res = ok ? result_json(&r) : rpc_fail(err, e.code, "%s", e.message);
    wallet_issuance_result_clear(&r);
    return res;
}

#define RESULT_HELP \
    "\nResult:\n" \
    "{\n" \
    "  \"txid\" : \"hex\",        (string) the transaction, when complete and broadcast\n" \
    "  \"psbt\" : \"str\",        (string) the base64 PSBT for the other key holders, when not complete\n" \
    "  \"complete\" : bool,     (boolean) every input is signed: the transaction was broadcast\n" \
    "  \"vault\" : \"txid:vout\", (string) the vault output the transaction creates, if any\n" \
    "  \"fee\" : n              (numeric) the fee in HMC\n" \
    "}\n"

/* ---- vaultdeposit ---- */

RPC_ARGS(vaultdeposit, { "vault", RPC_ARG_STR, false }, { "amount", RPC_ARG_ANY, false },
         { "fee_rate", RPC_ARG_ANY, true });
static const char vaultdeposit_help[] =
    "vaultdeposit \"vault\" amount ( fee_rate )\n"
    "\nAdds amount HMC of the wallet's coins to the collateral of one of its vaults (\"txid:vout\").\n"
    "The fee (fee_rate in sat/vB, else -paytxfee / -fallbackfee) is paid from the wallet's coins.\n"
    RESULT_HELP;
static json_t *rpc_vaultdeposit(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(vaultdeposit, vaultdeposit_help);
    struct cmd_args a = { .cmd = CMD_DEPOSIT, .fee_rate = rpc_arg(params, 2) };
    if (!rpc_outpoint_arg(err, &a.vault, rpc_arg(params, 0), "vault") || !rpc_parse_amount(err, &a.hmc, rpc_arg(params, 1)))
        return NULL;
    if (a.hmc <= 0)
        return rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for deposit");
    return run(ctx, err, &a);
}

/* ---- vaultwithdraw ---- */

RPC_ARGS(vaultwithdraw, { "vault", RPC_ARG_STR, false }, { "amount", RPC_ARG_ANY, false },
         { "address", RPC_ARG_STR, true }, { "fee_rate", RPC_ARG_ANY, true });
static const char vaultwithdraw_help[] =
    "vaultwithdraw \"vault\" amount ( \"address\" fee_rate )\n"
    "\nTakes amount HMC out of one of the wallet's vaults and pays it to address (default: a new\n"
    "address of the wallet). With debt, the oracle price must be fresh and the ratio after at least\n"
    "the minimum; all the collateral of a vault without debt closes it.\n"
    RESULT_HELP;
static json_t *rpc_vaultwithdraw(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(vaultwithdraw, vaultwithdraw_help);
    struct cmd_args a = { .cmd = CMD_WITHDRAW, .fee_rate = rpc_arg(params, 3) };
    if (!rpc_outpoint_arg(err, &a.vault, rpc_arg(params, 0), "vault") || !rpc_parse_amount(err, &a.hmc, rpc_arg(params, 1)) ||
        !parse_dest(ctx, err, a.dest, &a.dest_len, rpc_arg(params, 2)))
        return NULL;
    if (a.hmc <= 0)
        return rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for withdrawal");
    return run(ctx, err, &a);
}

/* ---- mint ---- */

RPC_ARGS(mint, { "vault", RPC_ARG_STR, false }, { "amount", RPC_ARG_ANY, false }, { "address", RPC_ARG_STR, true },
         { "fee_rate", RPC_ARG_ANY, true });
static const char mint_help[] =
    "mint \"vault\" amount ( \"address\" fee_rate )\n"
    "\nMints amount (whole base units of the vault's asset; 1 HUSD = 100000000) against one of the wallet's vaults,\n"
    "paid to address (default: the vault's own address). Spends and recreates the asset's ISSUER\n"
    "output: the issuer's m-of-n must sign. The wallet signs with the issuer keys it holds\n"
    "(imported descriptors); with fewer than the threshold it returns the PSBT for the other key\n"
    "holders (walletprocesspsbt, combinepsbt, finalizepsbt, sendrawtransaction). Refused before\n"
    "signing when the rules would refuse it: paused, circuit breaker, stale price, ratio below the\n"
    "minimum, debt below the minimum vault debt, debt ceiling.\n"
    RESULT_HELP;
static json_t *rpc_mint(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(mint, mint_help);
    struct cmd_args a = { .cmd = CMD_MINT, .fee_rate = rpc_arg(params, 3) };
    if (!rpc_outpoint_arg(err, &a.vault, rpc_arg(params, 0), "vault"))
        return NULL;
    /* whole base units of the vault's asset, as sendtoken and vaultrepay */
    if (!rpc_parse_token_amount(err, &a.units, rpc_arg(params, 1)) ||
        !parse_dest(ctx, err, a.dest, &a.dest_len, rpc_arg(params, 2)))
        return NULL;
    return run(ctx, err, &a);
}

/* ---- setoracleprice ---- */

RPC_ARGS(setoracleprice, { "price", RPC_ARG_ANY, false }, { "asset", RPC_ARG_STR, true },
         { "fee_rate", RPC_ARG_ANY, true });
static const char setoracleprice_help[] =
    "setoracleprice price ( \"asset\" fee_rate )\n"
    "\nSpends and recreates the asset's ORACLE output (default asset: HUSD) with price, in token base units\n"
    "per HMC (getissuanceinfo's price: 100 HUSD/HMC is 10000000000). The oracle's m-of-n must sign: complete when the wallet holds enough\n"
    "oracle keys, else the PSBT for the other key holders.\n"
    RESULT_HELP;
static json_t *rpc_setoracleprice(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(setoracleprice, setoracleprice_help);
    struct cmd_args a = { .cmd = CMD_ORACLE, .fee_rate = rpc_arg(params, 2) };
    if (!rpc_asset_arg(err, &a.asset, ctx->params, rpc_arg(params, 1)) ||
        !rpc_parse_token_amount(err, &a.units, rpc_arg(params, 0)))
        return NULL;
    return run(ctx, err, &a);
}

/* ---- setissuerpaused ---- */

RPC_ARGS(setissuerpaused, { "paused", RPC_ARG_BOOL, false }, { "asset", RPC_ARG_STR, true },
         { "fee_rate", RPC_ARG_ANY, true });
static const char setissuerpaused_help[] =
    "setissuerpaused paused ( \"asset\" fee_rate )\n"
    "\nSpends and recreates the asset's ISSUER output with its paused flag set (true: no mint is valid)\n"
    "or cleared. The issuer's m-of-n must sign, as for mint.\n"
    RESULT_HELP;
static json_t *rpc_setissuerpaused(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(setissuerpaused, setissuerpaused_help);
    struct cmd_args a = { .cmd = CMD_PAUSE, .fee_rate = rpc_arg(params, 2), .paused = rpc_arg_bool(params, 0, false) };
    if (!rpc_asset_arg(err, &a.asset, ctx->params, rpc_arg(params, 1)))
        return NULL;
    return run(ctx, err, &a);
}

static const struct rpc_command vault_commands[] = {
    { "wallet", "vaultdeposit", rpc_vaultdeposit, { "vault", "amount", "fee_rate", NULL }, vaultdeposit_help },
    { "wallet", "vaultwithdraw", rpc_vaultwithdraw, { "vault", "amount", "address", "fee_rate", NULL },
      vaultwithdraw_help },
    { "wallet", "mint", rpc_mint, { "vault", "amount", "address", "fee_rate", NULL }, mint_help },
    { "wallet", "setoracleprice", rpc_setoracleprice, { "price", "asset", "fee_rate", NULL }, setoracleprice_help },
    { "wallet", "setissuerpaused", rpc_setissuerpaused, { "paused", "asset", "fee_rate", NULL },
      setissuerpaused_help },
};

void rpc_register_wallet_vault(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(vault_commands) / sizeof(vault_commands[0]); i++)
        rpc_table_add(t, &vault_commands[i]);
}
