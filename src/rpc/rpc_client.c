/* hashmint-cli's argument conversion table (Core's vRPCConvertParams for
 * the methods hashmint serves). */
#include "src/rpc/rpc_client.h"

#include <stdio.h>
#include <string.h>

struct convert_param {
    const char *method;
    int idx;
    const char *name;
};

static const struct convert_param convert_params[] = {
    /* blockchain */
    { "getblockhash", 0, "height" },
    { "getblock", 1, "verbosity" },
    { "getblock", 1, "verbose" },
    { "getblockheader", 1, "verbose" },
    { "gettxout", 1, "n" },
    { "gettxout", 2, "include_mempool" },
    { "gettxoutsetinfo", 1, "hash_or_height" },
    { "gettxoutsetinfo", 2, "use_index" },
    { "getrawmempool", 0, "verbose" },
    { "getrawmempool", 1, "mempool_sequence" },
    { "getmempoolancestors", 1, "verbose" },
    { "getmempooldescendants", 1, "verbose" },
    { "verifychain", 0, "checklevel" },
    { "verifychain", 1, "nblocks" },
    { "getblockstats", 0, "hash_or_height" },
    { "getblockstats", 1, "stats" },
    { "getchaintxstats", 0, "nblocks" },
    { "waitforblockheight", 0, "height" },
    { "waitforblockheight", 1, "timeout" },
    { "waitforblock", 1, "timeout" },
    { "waitfornewblock", 0, "timeout" },
    { "pruneblockchain", 0, "height" },
    { "scantxoutset", 1, "scanobjects" },
    { "gettxoutproof", 0, "txids" },
    { "gettxspendingprevout", 0, "outputs" },
    /* raw transactions */
    { "getrawtransaction", 1, "verbosity" },
    { "getrawtransaction", 1, "verbose" },
    { "createrawtransaction", 0, "inputs" },
    { "createrawtransaction", 1, "outputs" },
    { "createrawtransaction", 2, "locktime" },
    { "createrawtransaction", 3, "replaceable" },
    { "decoderawtransaction", 1, "iswitness" },
    { "createpsbt", 0, "inputs" },
    { "createpsbt", 1, "outputs" },
    { "createpsbt", 2, "locktime" },
    { "createpsbt", 3, "replaceable" },
    { "createpsbt", 4, "version" },
    { "createpsbt", 5, "psbt_version" },
    { "combinepsbt", 0, "txs" },
    { "joinpsbts", 0, "txs" },
    { "finalizepsbt", 1, "extract" },
    { "converttopsbt", 1, "permitsigdata" },
    { "converttopsbt", 2, "iswitness" },
    { "utxoupdatepsbt", 1, "descriptors" },
    { "descriptorprocesspsbt", 1, "descriptors" },
    { "descriptorprocesspsbt", 3, "bip32derivs" },
    { "descriptorprocesspsbt", 4, "finalize" },
    { "walletprocesspsbt", 1, "sign" },
    { "walletprocesspsbt", 3, "bip32derivs" },
    { "walletprocesspsbt", 4, "finalize" },
    { "bumpfee", 1, "options" },
    { "psbtbumpfee", 1, "options" },
    { "walletcreatefundedpsbt", 0, "inputs" },
    { "walletcreatefundedpsbt", 1, "outputs" },
    { "walletcreatefundedpsbt", 2, "locktime" },
    { "walletcreatefundedpsbt", 3, "options" },
    { "walletcreatefundedpsbt", 4, "bip32derivs" },
    { "signrawtransactionwithkey", 1, "privkeys" },
    { "signrawtransactionwithkey", 2, "prevtxs" },
    { "sendrawtransaction", 1, "maxfeerate" },
    { "sendrawtransaction", 2, "maxburnamount" },
    { "testmempoolaccept", 0, "rawtxs" },
    { "testmempoolaccept", 1, "maxfeerate" },
    { "combinerawtransaction", 0, "txs" },
    /* mining */
    { "generatetoaddress", 0, "nblocks" },
    { "generatetoaddress", 2, "maxtries" },
    { "generatetovault", 0, "nblocks" },
    { "generatetovault", 2, "share" },
    { "generatetovault", 3, "maxtries" },
    { "listvaults", 1, "count" },
    { "listvaults", 2, "skip" },
    { "listvaults", 3, "minratio" },
    { "listvaults", 4, "maxratio" },
    { "generatetodescriptor", 0, "num_blocks" },
    { "generatetodescriptor", 2, "maxtries" },
    { "generateblock", 1, "transactions" },
    { "generateblock", 2, "submit" },
    { "getblocktemplate", 0, "template_request" },
    { "getnetworkhashps", 0, "nblocks" },
    { "getnetworkhashps", 1, "height" },
    { "prioritisetransaction", 1, "dummy" },
    { "prioritisetransaction", 2, "fee_delta" },
    { "setgenerate", 0, "generate" },
    { "setgenerate", 1, "genproclimit" },
    /* util */
    { "createmultisig", 0, "nrequired" },
    { "createmultisig", 1, "keys" },
    { "deriveaddresses", 1, "range" },
    { "estimatesmartfee", 0, "conf_target" },
    { "estimaterawfee", 0, "conf_target" },
    { "estimaterawfee", 1, "threshold" },
    /* wallet (Core's vRPCConvertParams) */
    { "createwallet", 1, "disable_private_keys" },
    { "createwallet", 2, "blank" },
    { "createwallet", 4, "avoid_reuse" },
    { "createwallet", 5, "descriptors" },
    { "createwallet", 6, "load_on_startup" },
    { "loadwallet", 1, "load_on_startup" },
    { "unloadwallet", 1, "load_on_startup" },
    { "getbalance", 1, "minconf" },
    { "getbalance", 2, "include_watchonly" },
    { "listunspent", 0, "minconf" },
    { "listunspent", 1, "maxconf" },
    { "listunspent", 2, "addresses" },
    { "listunspent", 3, "include_unsafe" },
    { "listtransactions", 1, "count" },
    { "listtransactions", 2, "skip" },
    { "gettransaction", 1, "include_watchonly" },
    { "gettransaction", 2, "verbose" },
    { "lockunspent", 0, "unlock" },
    { "lockunspent", 1, "transactions" },
    { "lockunspent", 2, "persistent" },
    { "listdescriptors", 0, "private" },
    { "importdescriptors", 0, "requests" },
    { "rescanblockchain", 0, "start_height" },
    { "rescanblockchain", 1, "stop_height" },
    { "gettokenbalance", 1, "minconf" },
    { "listtokenunspent", 0, "minconf" },
    { "listtokenunspent", 1, "maxconf" },
    { "listtokenunspent", 2, "addresses" },
    { "listtokenunspent", 4, "include_unsafe" },
    { "sendtoken", 1, "amount" },
    { "sendtoken", 3, "fee_rate" },
    { "sendtoken", 4, "replaceable" },
    { "vaultrepay", 1, "amount" },
    { "vaultrepay", 2, "fee_rate" },
    { "liquidatevault", 1, "fee_rate" },
    { "vaultdeposit", 1, "amount" },
    { "vaultdeposit", 2, "fee_rate" },
    { "vaultwithdraw", 1, "amount" },
    { "vaultwithdraw", 3, "fee_rate" },
    { "mint", 1, "amount" },
    { "mint", 3, "fee_rate" },
    { "setoracleprice", 0, "price" },
    { "setoracleprice", 2, "fee_rate" },
    { "setissuerpaused", 0, "paused" },
    { "setissuerpaused", 2, "fee_rate" },
    { "sendtoaddress", 1, "amount" },
    { "sendtoaddress", 4, "subtractfeefromamount" },
    { "sendtoaddress", 5, "replaceable" },
    { "sendtoaddress", 6, "conf_target" },
    { "sendtoaddress", 9, "fee_rate" },
    { "sendtoaddress", 10, "verbose" },
    { "send", 0, "outputs" },
    { "send", 1, "conf_target" },
    { "send", 3, "fee_rate" },
    { "send", 4, "options" },
    { "sendmany", 1, "amounts" },
    { "sendmany", 2, "minconf" },
    { "sendmany", 4, "subtractfeefrom" },
    { "sendmany", 5, "replaceable" },
    { "sendmany", 6, "conf_target" },
    { "sendmany", 8, "fee_rate" },
    { "fundrawtransaction", 1, "options" },
    { "signrawtransactionwithwallet", 1, "prevtxs" },
    { "walletpassphrase", 1, "timeout" },
    { "keypoolrefill", 0, "newsize" },
    { "getreceivedbyaddress", 1, "minconf" },
    { "getreceivedbyaddress", 2, "include_immature_coinbase" },
    { "listreceivedbyaddress", 0, "minconf" },
    { "listreceivedbyaddress", 1, "include_empty" },
    { "listreceivedbyaddress", 2, "include_watchonly" },
    { "listreceivedbyaddress", 4, "include_immature_coinbase" },
    { "listsinceblock", 1, "target_confirmations" },
    { "listsinceblock", 2, "include_watchonly" },
    { "listsinceblock", 3, "include_removed" },
    { "listsinceblock", 4, "include_change" },
    /* control */
    { "logging", 0, "include" },
    { "logging", 1, "exclude" },
    { "stop", 0, "wait" },
    /* network and test helpers */
    { "setmocktime", 0, "timestamp" },
    { "mockscheduler", 0, "delta_time" },
    { "setnetworkactive", 0, "state" },
    { "disconnectnode", 1, "nodeid" },
    { "setban", 2, "bantime" },
    { "setban", 3, "absolute" },
    { "getnodeaddresses", 0, "count" },
    { "addpeeraddress", 1, "port" },
    { "addpeeraddress", 2, "tried" },
    { "echojson", 0, "arg0" },
    { "echojson", 1, "arg1" },
    { "echojson", 2, "arg2" },
    { "echojson", 3, "arg3" },
    { "echojson", 4, "arg4" },
    { "echojson", 5, "arg5" },
    { "echojson", 6, "arg6" },
    { "echojson", 7, "arg7" },
    { "echojson", 8, "arg8" },
    { "echojson", 9, "arg9" },
};

#define N_CONVERT (sizeof(convert_params) / sizeof(convert_params[0]))

bool rpc_client_convert_index(const char *method, size_t idx)
{
    for (size_t i = 0; i < N_CONVERT; i++) {
        if ((size_t)convert_params[i].idx == idx && !strcmp(convert_params[i].method, method))
            return true;
    }
    return false;
}

bool rpc_client_convert_name(const char *method, const char *name)
{
    for (size_t i = 0; i < N_CONVERT; i++) {
        if (!strcmp(convert_params[i].name, name) && !strcmp(convert_params[i].method, method))
            return true;
    }
    return false;
}

/*
 * Parses s as any JSON value (Core's ParseNonRFCJSONValue). Returns a new
 * reference, or NULL with "Error parsing JSON: <s>" in err[0..errlen).
 */
static json_t *rpc_client_parse_json(const char *s, char *err, size_t errlen)
{
    json_error_t jerr;
    json_t *v = json_loads(s, JSON_DECODE_ANY, &jerr);
    if (!v && errlen)
        snprintf(err, errlen, "Error parsing JSON: %s", s);
    return v;
}

/* A string argument; jansson refuses invalid UTF-8, so say so. */
static json_t *text_value(const char *s, char *err, size_t errlen)
{
    json_t *v = json_string(s);
    if (!v && errlen)
        snprintf(err, errlen, "Invalid UTF-8 in argument: %s", s);
    return v;
}

static json_t *arg_value(const char *method, size_t idx, const char *s, char *err, size_t errlen)
{
    if (rpc_client_convert_index(method, idx))
        return rpc_client_parse_json(s, err, errlen);
    return text_value(s, err, errlen);
}

json_t *rpc_client_convert_values(const char *method, const char *const *args, size_t n, char *err, size_t errlen)
{
    json_t *arr = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *v = arg_value(method, i, args[i], err, errlen);
        if (!v) {
            json_decref(arr);
            return NULL;
        }
        json_array_append_new(arr, v);
    }
    return arr;
}

json_t *rpc_client_convert_named(const char *method, const char *const *args, size_t n, char *err, size_t errlen)
{
    json_t *obj = json_object();
    json_t *positional = json_array();
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(args[i], '=');
        if (!eq) {
            json_t *v = arg_value(method, json_array_size(positional), args[i], err, errlen);
            if (!v)
                goto fail;
            json_array_append_new(positional, v);
            continue;
        }
        char name[256];
        size_t nlen = (size_t)(eq - args[i]);
        if (nlen >= sizeof(name))
            nlen = sizeof(name) - 1;
        memcpy(name, args[i], nlen);
        name[nlen] = '\0';
        json_t *v = rpc_client_convert_name(method, name) ? rpc_client_parse_json(eq + 1, err, errlen)
                                                          : text_value(eq + 1, err, errlen);
        if (!v)
            goto fail;
        json_object_set_new(obj, name, v);
    }
    /* An explicit "args=..." wins over the implicit positional list. */
    if (json_array_size(positional) > 0 && !json_object_get(obj, "args"))
        json_object_set_new(obj, "args", positional);
    else
        json_decref(positional);
    return obj;
fail:
    json_decref(positional);
    json_decref(obj);
    return NULL;
}
