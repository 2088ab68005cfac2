/* getkeeperinfo (doc/keeper.md): the keeper's counters. The command lives
 * with the keeper in the node layer; the RPC context reaches the running
 * keeper through its keeper_info hook. */
#include "src/node/keeper_rpc.h"

#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"

static const char getkeeperinfo_help[] =
    "getkeeperinfo\n"
    "\nThe keeper's state (-keeper, doc/keeper.md).\n"
    "\nResult:\n"
    "{\n"
    "  \"enabled\" : true|false,      (boolean) -keeper is on (the rest only when it is)\n"
    "  \"wallet\" : \"str\",            (string) -keeperwallet\n"
    "  \"height\" : n,                (numeric) the tip it last looked at\n"
    "  \"vaults_watched\" : n,        (numeric) vaults with debt in the ratio index\n"
    "  \"liquidatable\" : n,          (numeric) vaults below the liquidation ratio at the tip's fresh price\n"
    "  \"pending\" : n,               (numeric) its liquidations waiting for a block\n"
    "  \"sent\" : n,                  (numeric) liquidations sent\n"
    "  \"confirmed\" : n,             (numeric) liquidations a block confirmed\n"
    "  \"lost\" : n,                  (numeric) liquidations whose vault another transaction spent\n"
    "  \"failed\" : n,                (numeric) liquidations the wallet refused to build\n"
    "  \"bumped\" : n,                (numeric) RBF fee bumps sent\n"
    "  \"husd_spent\" : n,            (numeric) token base units burnt by confirmed liquidations\n"
    "  \"collateral_gained\" : n,     (numeric) HMC base units seized by confirmed liquidations, minus fees\n"
    "  \"maxfee\" : n                 (numeric) -keepermaxfee, base units per kvB\n"
    "}\n"
    "\nExamples:\n" RPC_HELP_CLI("getkeeperinfo", "") RPC_HELP_RPC("getkeeperinfo", "");

static json_t *rpc_getkeeperinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, NULL, 0, getkeeperinfo_help))
        return NULL;
    json_t *info = ctx->keeper_info ? ctx->keeper_info(ctx->node) : NULL;
    return info ? info : json_pack("{s:b}", "enabled", 0);
}

static const struct rpc_command keeper_commands[] = {
    { "wallet", "getkeeperinfo", rpc_getkeeperinfo, { NULL }, getkeeperinfo_help },
};

void keeper_rpc_register(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(keeper_commands) / sizeof(keeper_commands[0]); i++)
        rpc_table_add(t, &keeper_commands[i]);
}
