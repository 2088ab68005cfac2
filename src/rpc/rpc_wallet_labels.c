/* Wallet RPCs over labels, received amounts and history: setlabel,
 * listlabels, getreceivedbyaddress, listreceivedbyaddress, listsinceblock,
 * signmessage (wallet/wallet.h), with Core's arguments, shapes and codes. */
#include <string.h>

#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_wallet.h"
#include "src/util/alloc.h"
#include "wallet/wallet.h"

/* Core's LabelFromValue: "*" is reserved. */
static bool label_arg(struct rpc_error *err, const char **out, const json_t *params, size_t i)
{
    *out = rpc_arg_str(params, i, "");
    if (!strcmp(*out, "*")) {
        rpc_fail(err, RPC_WALLET_INVALID_LABEL_NAME, "Invalid label name");
        return false;
    }
    return true;
}

RPC_ARGS(setlabel, { "address", RPC_ARG_STR, false }, { "label", RPC_ARG_STR, false });
static const char setlabel_help[] =
    "setlabel \"address\" \"label\"\n"
    "\n"
    "Sets the label associated with the given address.\n"
    "\n"
    "Arguments:\n"
    "1. address    (string, required) The hashmint address to be associated with a label.\n"
    "2. label      (string, required) The label to assign to the address.\n"
    "\n"
    "Result:\n"
    "null    (json null)\n";
static json_t *rpc_setlabel(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(setlabel, setlabel_help);
    const char *label;
    if (!rpc_arg(params, 1))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", setlabel_help);
    if (!label_arg(err, &label, params, 1))
        return NULL;
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_set_label(w, &e, rpc_arg_str(params, 0, ""), label);
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

RPC_ARGS(listlabels, { "purpose", RPC_ARG_STR, true });
static const char listlabels_help[] =
    "listlabels ( \"purpose\" )\n"
    "\n"
    "Returns the list of all labels, or labels that are assigned to addresses with a specific purpose.\n"
    "\n"
    "Arguments:\n"
    "1. purpose    (string, optional) Address purpose to list labels for ('send','receive'). An empty string is the\n"
    "              same as not providing this argument.\n"
    "\n"
    "Result:\n"
    "[           (json array)\n"
    "  \"str\",    (string) Label name\n"
    "  ...\n"
    "]\n";
static json_t *rpc_listlabels(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listlabels, listlabels_help);
    const char *purpose = rpc_arg_str(params, 0, "");
    if (*purpose && strcmp(purpose, "send") != 0 && strcmp(purpose, "receive") != 0)
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY,
                        "Invalid 'purpose' argument, must be a known purpose string, typically 'send', or 'receive'.");
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    json_t *r = wallet_list_labels(w, *purpose ? purpose : NULL);
    wallet_release(w);
    return r;
}

RPC_ARGS(getreceivedbyaddress, { "address", RPC_ARG_STR, false }, { "minconf", RPC_ARG_NUM, true },
         { "include_immature_coinbase", RPC_ARG_BOOL, true });
static const char getreceivedbyaddress_help[] =
    "getreceivedbyaddress \"address\" ( minconf include_immature_coinbase )\n"
    "\n"
    "Returns the total amount received by the given address in transactions with at least minconf confirmations.\n"
    "\n"
    "Arguments:\n"
    "1. address                      (string, required) The hashmint address for transactions.\n"
    "2. minconf                      (numeric, optional, default=1) Only include transactions confirmed at least this many times.\n"
    "3. include_immature_coinbase    (boolean, optional, default=false) Include immature coinbase transactions.\n"
    "\n"
    "Result:\n"
    "n    (numeric) The total amount in HMC received at this address.\n";
static json_t *rpc_getreceivedbyaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getreceivedbyaddress, getreceivedbyaddress_help);
    int64_t minconf;
    if (!rpc_arg_int(err, &minconf, params, 1, 1, RPC_INT32))
        return NULL;
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    int64_t sum;
    bool ok = wallet_received_by_address(w, &e, &sum, rpc_arg_str(params, 0, ""), (int)minconf,
                                         rpc_arg_bool(params, 2, false));
    wallet_release(w);
    return ok ? rpc_json_amount(sum) : rpc_wallet_fail(err, &e);
}

RPC_ARGS(listreceivedbyaddress, { "minconf", RPC_ARG_NUM, true }, { "include_empty", RPC_ARG_BOOL, true },
         { "include_watchonly", RPC_ARG_BOOL, true }, { "address_filter", RPC_ARG_STR, true },
         { "include_immature_coinbase", RPC_ARG_BOOL, true });
static const char listreceivedbyaddress_help[] =
    "listreceivedbyaddress ( minconf include_empty include_watchonly \"address_filter\" include_immature_coinbase )\n"
    "\n"
    "List balances by receiving address.\n"
    "\n"
    "Arguments:\n"
    "1. minconf                      (numeric, optional, default=1) The minimum number of confirmations before payments are included.\n"
    "2. include_empty                (boolean, optional, default=false) Whether to include addresses that haven't received any payments.\n"
    "3. include_watchonly            (boolean, optional, default=true) Whether to include watch-only addresses (descriptor wallets: ignored).\n"
    "4. address_filter               (string, optional) If present and non-empty, only return information on this address.\n"
    "5. include_immature_coinbase    (boolean, optional, default=false) Include immature coinbase transactions.\n"
    "\n"
    "Result:\n"
    "[                        (json array)\n"
    "  {                      (json object)\n"
    "    \"address\" : \"str\",   (string) The receiving address\n"
    "    \"amount\" : n,        (numeric) The total amount in HMC received by the address\n"
    "    \"confirmations\" : n, (numeric) The number of confirmations of the most recent transaction included\n"
    "    \"label\" : \"str\",     (string) The label of the receiving address. The default label is \"\"\n"
    "    \"txids\" : [          (json array)\n"
    "      \"hex\",             (string) The ids of transactions received with the address\n"
    "      ...\n"
    "    ]\n"
    "  },\n"
    "  ...\n"
    "]\n";
static json_t *rpc_listreceivedbyaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listreceivedbyaddress, listreceivedbyaddress_help);
    int64_t minconf;
    if (!rpc_arg_int(err, &minconf, params, 0, 1, RPC_INT32))
        return NULL;
    const char *filter = rpc_arg_str(params, 3, "");
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_list_received(w, &e, (int)minconf, rpc_arg_bool(params, 1, false), *filter ? filter : NULL,
                                     rpc_arg_bool(params, 4, false));
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(listsinceblock, { "blockhash", RPC_ARG_STR, true }, { "target_confirmations", RPC_ARG_NUM, true },
         { "include_watchonly", RPC_ARG_BOOL, true }, { "include_removed", RPC_ARG_BOOL, true },
         { "include_change", RPC_ARG_BOOL, true }, { "label", RPC_ARG_STR, true });
static const char listsinceblock_help[] =
    "listsinceblock ( \"blockhash\" target_confirmations include_watchonly include_removed include_change \"label\" )\n"
    "\n"
    "Get all transactions in blocks since block [blockhash], or all transactions if omitted.\n"
    "If \"blockhash\" is no longer a part of the main chain, transactions from the fork point onward are included.\n"
    "Additionally, if include_removed is set, transactions affecting the wallet which were removed are returned in the \"removed\" array.\n"
    "\n"
    "Arguments:\n"
    "1. blockhash               (string, optional) If set, the block hash to list transactions since, otherwise list all transactions.\n"
    "2. target_confirmations    (numeric, optional, default=1) Return the nth block hash from the main chain. e.g. 1 would mean the best block hash.\n"
    "3. include_watchonly       (boolean, optional) Ignored (descriptor wallets).\n"
    "4. include_removed         (boolean, optional, default=true) Show transactions that were removed due to a reorg in the \"removed\" array\n"
    "5. include_change          (boolean, optional, default=false) Also add change\n"
    "6. label                   (string, optional) Return only incoming transactions paying to addresses with the specified label.\n"
    "\n"
    "Result:\n"
    "{                                     (json object)\n"
    "  \"transactions\" : [ {...}, ... ],    (json array) the entries of listtransactions\n"
    "  \"removed\" : [ {...}, ... ],         (json array, optional) <structure is the same as \"transactions\" above, only present if include_removed=true>\n"
    "  \"lastblock\" : \"hex\"                 (string) The hash of the block (target_confirmations-1) from the best block on the main chain\n"
    "}\n";
static json_t *rpc_listsinceblock(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listsinceblock, listsinceblock_help);
    const char *bh = rpc_arg_str(params, 0, "");
    struct hash256 since;
    if (*bh && !rpc_parse_hash(err, &since, rpc_arg(params, 0), "blockhash"))
        return NULL;
    int64_t target;
    if (!rpc_arg_int(err, &target, params, 1, 1, RPC_INT32))
        return NULL;
    if (target < 1)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter");
    const char *label = NULL;
    if (rpc_arg(params, 5) && !label_arg(err, &label, params, 5))
        return NULL;
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_list_since_block(w, &e, *bh ? &since : NULL, (int)target, rpc_arg_bool(params, 3, true),
                                        rpc_arg_bool(params, 4, false), label);
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(signmessage, { "address", RPC_ARG_STR, false }, { "message", RPC_ARG_TEXT, false });
static const char signmessage_help[] =
    "signmessage \"address\" \"message\"\n"
    "\n"
    "Sign a message with the private key of an address. Requires wallet passphrase to be set with walletpassphrase call if wallet is encrypted.\n"
    "hashmint signs messages with the prefix \"Hashmint Signed Message:\\n\" (see verifymessage).\n"
    "\n"
    "Arguments:\n"
    "1. address    (string, required) The hashmint address to use for the private key (a legacy, P2PKH address).\n"
    "2. message    (string, required) The message to create a signature of.\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The signature of the message encoded in base 64\n";
static json_t *rpc_signmessage(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(signmessage, signmessage_help);
    const json_t *m = rpc_arg(params, 1);
    if (!rpc_arg(params, 0) || !m)
        return rpc_fail(err, RPC_MISC_ERROR, "%s", signmessage_help);
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    char *sig = wallet_sign_message(w, &e, rpc_arg_str(params, 0, ""), json_string_value(m), json_string_length(m));
    wallet_release(w);
    if (!sig)
        return rpc_wallet_fail(err, &e);
    json_t *v = json_string(sig);
    mem_free(sig);
    return v;
}

static const struct rpc_command label_commands[] = {
    { "wallet", "setlabel", rpc_setlabel, { "address", "label", NULL }, setlabel_help },
    { "wallet", "listlabels", rpc_listlabels, { "purpose", NULL }, listlabels_help },
    { "wallet", "getreceivedbyaddress", rpc_getreceivedbyaddress,
      { "address", "minconf", "include_immature_coinbase", NULL }, getreceivedbyaddress_help },
    { "wallet", "listreceivedbyaddress", rpc_listreceivedbyaddress,
      { "minconf", "include_empty", "include_watchonly", "address_filter", "include_immature_coinbase", NULL },
      listreceivedbyaddress_help },
    { "wallet", "listsinceblock", rpc_listsinceblock,
      { "blockhash", "target_confirmations", "include_watchonly", "include_removed", "include_change", "label", NULL },
      listsinceblock_help },
    { "wallet", "signmessage", rpc_signmessage, { "address", "message", NULL }, signmessage_help },
};

void rpc_register_wallet_labels(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(label_commands) / sizeof(label_commands[0]); i++)
        rpc_table_add(t, &label_commands[i]);
}
