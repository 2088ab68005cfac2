/* Wallet RPCs: argument handling in Core's manner over wallet/wallet.h. */
#include "src/rpc/rpc_wallet.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/sighash.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_wallet_token.h"
#include "src/util/alloc.h"
#include "src/util/wbuf.h"
#include "wallet/descriptor.h"
#include "wallet/tx_sign.h"
#include "wallet/wallet.h"

static __thread const char *request_uri;

void rpc_wallet_set_request_uri(const char *uri)
{
    request_uri = uri;
}

/* Core's GetWalletNameFromJSONRPCRequest: the URL-decoded part after "/wallet/". */
static bool uri_wallet_name(char *out, size_t cap)
{
    const char *u = request_uri;
    if (!u || strncmp(u, "/wallet/", 8) != 0)
        return false;
    u += 8;
    size_t n = 0;
    for (; *u && *u != '?' && n + 1 < cap; u++) {
        if (*u == '%' && u[1] && u[2]) {
            char h[3] = { u[1], u[2], 0 };
            out[n++] = (char)strtol(h, NULL, 16);
            u += 2;
        } else {
            out[n++] = *u;
        }
    }
    out[n] = '\0';
    return true;
}

bool rpc_wallet_uri_given(void)
{
    return request_uri && strncmp(request_uri, "/wallet/", 8) == 0;
}

static struct wallet_context *wctx(struct rpc_context *ctx)
{
    return (struct wallet_context *)ctx->wallets;
}

json_t *rpc_wallet_fail(struct rpc_error *err, const struct wallet_error *e)
{
    return rpc_fail(err, e->code, "%s", e->message);
}

/* The wallet of this call (a reference: wallet_release it). */
static struct wallet *pick(struct rpc_context *ctx, struct rpc_error *err);
struct wallet *rpc_wallet_pick(struct rpc_context *ctx, struct rpc_error *err)
{
    return pick(ctx, err);
}

static struct wallet *pick(struct rpc_context *ctx, struct rpc_error *err)
{
    struct wallet_error e = { 0, "" };
    char name[512];
    bool has = uri_wallet_name(name, sizeof(name));
    struct wallet *w = wctx(ctx) ? wallet_context_pick(wctx(ctx), &e, has ? name : NULL) : NULL;
    if (!w)
        rpc_wallet_fail(err, &e);
    return w;
}

/* ---- wallet management --------------------------------------------------- */

RPC_ARGS(createwallet, { "wallet_name", RPC_ARG_STR, false }, { "disable_private_keys", RPC_ARG_BOOL, true },
         { "blank", RPC_ARG_BOOL, true }, { "passphrase", RPC_ARG_TEXT, true }, { "avoid_reuse", RPC_ARG_BOOL, true },
         { "descriptors", RPC_ARG_BOOL, true }, { "load_on_startup", RPC_ARG_BOOL, true },
         { "external_signer", RPC_ARG_BOOL, true });
static const char createwallet_help[] =
    "createwallet \"wallet_name\" ( disable_private_keys blank \"passphrase\" avoid_reuse descriptors load_on_startup external_signer )\n"
    "\nCreates and loads a new descriptor wallet (one SQLite file in -walletdir).\n";
static json_t *rpc_createwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(createwallet, createwallet_help);
    const json_t *d = rpc_arg(params, 5);
    if (d && !json_is_true(d))
        return rpc_fail(err, RPC_WALLET_ERROR, "Error: Legacy wallets are not supported; use descriptors=true");
    if (rpc_arg_bool(params, 7, false))
        return rpc_fail(err, RPC_WALLET_ERROR, "Compiled without external signing support (required for external signing)");
    struct wallet_create_flags f = { 0 };
    f.disable_private_keys = rpc_arg_bool(params, 1, false);
    f.blank = rpc_arg_bool(params, 2, false);
    const json_t *pp = rpc_arg(params, 3);
    if (pp) {
        f.passphrase = json_string_value(pp);
        f.passphrase_len = json_string_length(pp);
    }
    if (f.passphrase_len && f.disable_private_keys)
        return rpc_fail(err, RPC_WALLET_ERROR, "Passphrase provided but private keys are disabled. A passphrase is only used to encrypt private keys, so cannot be used for wallets with private keys disabled.");
    const char *name = rpc_arg_str(params, 0, "");
    struct wallet_error e = { 0, "" };
    if (!wctx(ctx) || !wallet_context_create(wctx(ctx), &e, name, &f))
        return rpc_wallet_fail(err, &e);
    json_t *o = json_object();
    json_object_set_new(o, "name", json_string(name));
    if (pp && json_string_length(pp) == 0) {
        json_t *warn = json_array();
        json_array_append_new(warn, json_string("Empty string given as passphrase, wallet will not be encrypted."));
        json_object_set_new(o, "warnings", warn);
    }
    return o;
}

RPC_ARGS(loadwallet, { "filename", RPC_ARG_STR, false }, { "load_on_startup", RPC_ARG_BOOL, true });
static const char loadwallet_help[] = "loadwallet \"filename\" ( load_on_startup )\n\nLoads a wallet from the wallet directory.\n";
static json_t *rpc_loadwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(loadwallet, loadwallet_help);
    const char *name = rpc_arg_str(params, 0, "");
    struct wallet_error e = { 0, "" };
    if (!wallet_context_load(wctx(ctx), &e, name))
        return rpc_wallet_fail(err, &e);
    return json_pack("{s:s}", "name", name);
}

RPC_ARGS(unloadwallet, { "wallet_name", RPC_ARG_STR, true }, { "load_on_startup", RPC_ARG_BOOL, true });
static const char unloadwallet_help[] = "unloadwallet ( \"wallet_name\" load_on_startup )\n\nUnloads the wallet named by the argument or the endpoint.\n";
static json_t *rpc_unloadwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(unloadwallet, unloadwallet_help);
    char name[512];
    bool in_uri = uri_wallet_name(name, sizeof(name));
    const char *arg = rpc_arg_str(params, 0, NULL);
    if (in_uri && arg && strcmp(arg, name))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "RPC endpoint wallet and wallet_name parameter specify different wallets");
    if (!arg && !in_uri) {
        struct wallet *w = pick(ctx, err);
        if (!w)
            return NULL;
        snprintf(name, sizeof(name), "%s", wallet_name(w));
        wallet_release(w);
    } else if (arg) {
        snprintf(name, sizeof(name), "%s", arg);
    }
    struct wallet_error e = { 0, "" };
    if (!wallet_context_unload(wctx(ctx), &e, name))
        return rpc_wallet_fail(err, &e);
    return json_object();
}

static const char listwallets_help[] = "listwallets\n\nReturns the names of the loaded wallets.\n";
static json_t *rpc_listwallets(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (json_array_size(params))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", listwallets_help);
    return wallet_context_list(wctx(ctx));
}

static const char listwalletdir_help[] = "listwalletdir\n\nReturns the wallets in the wallet directory.\n";
static json_t *rpc_listwalletdir(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (json_array_size(params))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", listwalletdir_help);
    return wallet_context_listdir(wctx(ctx));
}

/* A method over one wallet with no arguments. */
#define NOARG(fn, help, body)                                                               \
    static json_t *fn(struct rpc_context *ctx, json_t *params, struct rpc_error *err)       \
    {                                                                                       \
        if (json_array_size(params))                                                        \
            return rpc_fail(err, RPC_MISC_ERROR, "%s", help);                              \
        struct wallet *w = pick(ctx, err);                                                  \
        if (!w)                                                                             \
            return NULL;                                                                    \
        json_t *r = NULL;                                                                   \
        struct wallet_error e = { 0, "" };                                                  \
        body;                                                                               \
        wallet_release(w);                                                                  \
        return r ? r : rpc_wallet_fail(err, &e);                                                     \
    }

static const char getwalletinfo_help[] = "getwalletinfo\n\nReturns an object containing various wallet state info.\n";
NOARG(rpc_getwalletinfo, getwalletinfo_help, r = wallet_info_json(w))
static const char getbalances_help[] = "getbalances\n\nReturns an object with all balances in HMC.\n";
NOARG(rpc_getbalances, getbalances_help, r = wallet_balances_json(w, NULL))
static const char listlockunspent_help[] = "listlockunspent\n\nReturns list of temporarily unspendable outputs.\n";
NOARG(rpc_listlockunspent, listlockunspent_help, r = wallet_list_locked(w))
static const char walletlock_help[] = "walletlock\n\nRemoves the wallet encryption key from memory, locking the wallet.\n";
NOARG(rpc_walletlock, walletlock_help, r = wallet_lock(w, &e) ? json_null() : NULL)

RPC_ARGS(backupwallet, { "destination", RPC_ARG_STR, false });
static const char backupwallet_help[] = "backupwallet \"destination\"\n\nSafely copies the wallet file to destination (SQLite online backup).\n";
static json_t *rpc_backupwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(backupwallet, backupwallet_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_backup(w, &e, rpc_arg_str(params, 0, ""));
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

/* ---- addresses and descriptors ------------------------------------------ */

RPC_ARGS(getnewaddress, { "label", RPC_ARG_STR, true }, { "address_type", RPC_ARG_STR, true });
static const char getnewaddress_help[] =
    "getnewaddress ( \"label\" \"address_type\" )\n\nReturns a new address for receiving payments.\n"
    "address_type: \"legacy\", \"p2sh-segwit\", \"bech32\" (default) or \"bech32m\".\n";
static json_t *rpc_getnewaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getnewaddress, getnewaddress_help);
    const char *label = rpc_arg_str(params, 0, "");
    if (!strcmp(label, "*"))
        return rpc_fail(err, RPC_WALLET_INVALID_LABEL_NAME, "Invalid label name");
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    char addr[91];
    struct wallet_error e = { 0, "" };
    bool ok = wallet_new_address(w, &e, addr, rpc_arg_str(params, 1, "bech32"), false, label);
    wallet_release(w);
    return ok ? json_string(addr) : rpc_wallet_fail(err, &e);
}

RPC_ARGS(keypoolrefill, { "newsize", RPC_ARG_ANY, true });
static const char keypoolrefill_help[] =
    "keypoolrefill ( newsize )\n\nFills the keypool: derives addresses ahead until newsize unused ones remain\n"
    "for every active descriptor (default: the -keypool option). Requires an unlocked wallet.\n";
static json_t *rpc_keypoolrefill(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(keypoolrefill, keypoolrefill_help);
    int64_t size;
    if (!rpc_arg_int(err, &size, params, 0, 0, INT64_MIN, INT64_MAX)) /* the wallet names a bad size */
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_keypool_refill(w, &e, size);
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

RPC_ARGS(getrawchangeaddress, { "address_type", RPC_ARG_STR, true });
static const char getrawchangeaddress_help[] = "getrawchangeaddress ( \"address_type\" )\n\nReturns a new address for receiving change.\n";
static json_t *rpc_getrawchangeaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getrawchangeaddress, getrawchangeaddress_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    char addr[91];
    struct wallet_error e = { 0, "" };
    bool ok = wallet_new_address(w, &e, addr, rpc_arg_str(params, 0, "bech32"), true, NULL);
    wallet_release(w);
    return ok ? json_string(addr) : rpc_wallet_fail(err, &e);
}

RPC_ARGS(getaddressinfo, { "address", RPC_ARG_STR, false });
static const char getaddressinfo_help[] = "getaddressinfo \"address\"\n\nReturn information about the given address.\n";
static json_t *rpc_getaddressinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getaddressinfo, getaddressinfo_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_address_info(w, &e, rpc_arg_str(params, 0, ""));
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(listdescriptors, { "private", RPC_ARG_BOOL, true });
static const char listdescriptors_help[] = "listdescriptors ( private )\n\nList descriptors imported into a descriptor-enabled wallet.\n";
static json_t *rpc_listdescriptors(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listdescriptors, listdescriptors_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_list_descriptors(w, &e, rpc_arg_bool(params, 0, false));
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(importdescriptors, { "requests", RPC_ARG_ARR, false });
static const char importdescriptors_help[] = "importdescriptors requests\n\nImport descriptors (each {\"desc\", \"active\", \"range\", \"next_index\", \"timestamp\", \"internal\", \"label\"}).\n";
static json_t *rpc_importdescriptors(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(importdescriptors, importdescriptors_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    json_t *out = json_array();
    size_t i;
    json_t *req;
    json_array_foreach(json_array_get(params, 0), i, req)
    {
        if (!json_is_object(req)) {
            json_decref(out);
            wallet_release(w);
            return rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type object",
                            rpc_json_type_name(req));
        }
        json_array_append_new(out, wallet_import_descriptor(w, req));
    }
    wallet_release(w);
    return out;
}

/* ---- coins and history ---------------------------------------------------- */

RPC_ARGS(getbalance, { "dummy", RPC_ARG_STR, true }, { "minconf", RPC_ARG_NUM, true },
         { "include_watchonly", RPC_ARG_BOOL, true }, { "avoid_reuse", RPC_ARG_BOOL, true });
static const char getbalance_help[] = "getbalance ( \"dummy\" minconf include_watchonly avoid_reuse )\n\nReturns the total available balance.\n";
static json_t *rpc_getbalance(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getbalance, getbalance_help);
    const char *dummy = rpc_arg_str(params, 0, NULL);
    if (dummy && strcmp(dummy, "*"))
        return rpc_fail(err, RPC_METHOD_DEPRECATED, "dummy first argument must be excluded or set to \"*\".");
    int64_t minconf;
    if (!rpc_arg_int(err, &minconf, params, 1, 0, RPC_INT32))
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    int64_t trusted = 0;
    json_decref(wallet_balances_json(w, &trusted));
    wallet_release(w);
    return json_real((double)trusted / 1e8);
}

RPC_ARGS(listunspent, { "minconf", RPC_ARG_NUM, true }, { "maxconf", RPC_ARG_NUM, true },
         { "addresses", RPC_ARG_ARR, true }, { "include_unsafe", RPC_ARG_BOOL, true }, { "query_options", RPC_ARG_OBJ, true });
static const char listunspent_help[] = "listunspent ( minconf maxconf [\"address\",...] include_unsafe query_options )\n\nReturns array of unspent transaction outputs.\n";
static json_t *rpc_listunspent(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listunspent, listunspent_help);
    int64_t minconf, maxconf;
    if (!rpc_arg_int(err, &minconf, params, 0, 1, RPC_INT32) ||
        !rpc_arg_int(err, &maxconf, params, 1, 9999999, RPC_INT32))
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    const json_t *addrs = rpc_arg(params, 2);
    size_t i;
    json_t *a;
    json_array_foreach(addrs, i, a)
    {
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t len;
        if (!json_is_string(a) || !address_to_script(spk, &len, &ctx->params->address, json_string_value(a))) {
            wallet_release(w);
            return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid hashmint address: %s",
                            json_is_string(a) ? json_string_value(a) : "");
        }
    }
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_list_unspent(w, &e, (int)minconf, (int)maxconf, addrs, rpc_arg_bool(params, 3, true));
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(listtransactions, { "label", RPC_ARG_STR, true }, { "count", RPC_ARG_NUM, true }, { "skip", RPC_ARG_NUM, true },
         { "include_watchonly", RPC_ARG_BOOL, true });
static const char listtransactions_help[] = "listtransactions ( \"label\" count skip include_watchonly )\n\nReturns up to 'count' most recent transactions.\n";
static json_t *rpc_listtransactions(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(listtransactions, listtransactions_help);
    int64_t count, skip;
    if (!rpc_arg_int(err, &count, params, 1, 10, RPC_INT32) || !rpc_arg_int(err, &skip, params, 2, 0, RPC_INT32))
        return NULL;
    if (count < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Negative count");
    if (skip < 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Negative from");
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    json_t *r = wallet_list_transactions(w, (int)count, (int)skip);
    wallet_release(w);
    return r;
}

RPC_ARGS(gettransaction, { "txid", RPC_ARG_STR, false }, { "include_watchonly", RPC_ARG_BOOL, true },
         { "verbose", RPC_ARG_BOOL, true });
static const char gettransaction_help[] = "gettransaction \"txid\" ( include_watchonly verbose )\n\nGet detailed information about in-wallet transaction <txid>.\n";
static json_t *rpc_gettransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(gettransaction, gettransaction_help);
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "txid"))
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_get_transaction(w, &e, &txid, rpc_arg_bool(params, 2, false));
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

RPC_ARGS(abandontransaction, { "txid", RPC_ARG_STR, false });
static const char abandontransaction_help[] = "abandontransaction \"txid\"\n\nMark in-wallet transaction <txid> as abandoned.\n";
static json_t *rpc_abandontransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(abandontransaction, abandontransaction_help);
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "txid"))
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_abandon(w, &e, &txid);
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

RPC_ARGS(lockunspent, { "unlock", RPC_ARG_BOOL, false }, { "transactions", RPC_ARG_ARR, true },
         { "persistent", RPC_ARG_BOOL, true });
static const char lockunspent_help[] = "lockunspent unlock ( [{\"txid\":\"hex\",\"vout\":n},...] persistent )\n\nUpdates list of temporarily unspendable outputs.\n";
static json_t *rpc_lockunspent(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(lockunspent, lockunspent_help);
    if (!rpc_arg(params, 0))
        return rpc_fail(err, RPC_MISC_ERROR, "%s", lockunspent_help);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    bool unlock = rpc_arg_bool(params, 0, false);
    const json_t *outs = rpc_arg(params, 1);
    struct wallet_error e = { 0, "" };
    bool ok;
    if (!outs && !unlock)
        ok = true; /* Core: nothing to lock */
    else
        ok = wallet_lock_unspent(w, &e, unlock, outs, rpc_arg_bool(params, 2, false));
    wallet_release(w);
    return ok ? json_true() : rpc_wallet_fail(err, &e);
}

RPC_ARGS(rescanblockchain, { "start_height", RPC_ARG_NUM, true }, { "stop_height", RPC_ARG_NUM, true });
static const char rescanblockchain_help[] = "rescanblockchain ( start_height stop_height )\n\nRescan the local blockchain for wallet related transactions.\n";
static json_t *rpc_rescanblockchain(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(rescanblockchain, rescanblockchain_help);
    int64_t start, stop;
    if (!rpc_arg_int(err, &start, params, 0, 0, RPC_INT32) || !rpc_arg_int(err, &stop, params, 1, -1, RPC_INT32))
        return NULL;
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    json_t *r = wallet_rescan(w, &e, (int32_t)start, (int32_t)stop);
    wallet_release(w);
    return r ? r : rpc_wallet_fail(err, &e);
}

/* ---- sending ---------------------------------------------------------- */

static bool parse_recipient(struct rpc_context *ctx, struct rpc_error *err, struct wallet_recipient *r,
                            const json_t *addr, const json_t *amount)
{
    memset(r, 0, sizeof(*r));
    if (!rpc_address_arg(err, r->script, &r->script_len, ctx->params, addr) ||
        !rpc_parse_amount(err, &r->amount, amount))
        return false;
    if (r->amount <= 0) {
        rpc_fail(err, RPC_TYPE_ERROR, "Invalid amount for send");
        return false;
    }
    return true;
}

bool rpc_wallet_fee_rate_arg(struct rpc_error *err, struct wallet_send_options *o, const json_t *fee_rate)
{
    if (!fee_rate)
        return true;
    int64_t v;
    if (!rpc_parse_amount(err, &v, fee_rate)) /* sat/vB with up to 3 decimals read as coins: scale */
        return false;
    /* rpc_parse_amount gave v = rate * 1e8; sat/vB -> sat/kvB is * 1000 */
    o->fee_rate = v / 100000;
    if (o->fee_rate <= 0) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid fee_rate");
        return false;
    }
    return true;
}

struct wallet *rpc_wallet_pick_send(struct rpc_context *ctx, struct rpc_error *err, struct wallet_send_options *o,
                                    const json_t *fee_rate)
{
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    wallet_send_options_init(o, w);
    if (!rpc_wallet_fee_rate_arg(err, o, fee_rate)) {
        wallet_release(w);
        return NULL;
    }
    return w;
}

/* Core's SetFeeEstimateMode: conf_target and estimate_mode for the node's
 * estimate, or an explicit fee_rate (sat/vB), not both. */
bool rpc_wallet_fee_mode_args(struct rpc_error *err, struct wallet_send_options *o, const json_t *conf_target,
                              const json_t *estimate_mode, const json_t *fee_rate)
{
    const char *mode = estimate_mode ? json_string_value(estimate_mode) : NULL;
    if (fee_rate) {
        if (conf_target) {
            rpc_fail(err, RPC_INVALID_PARAMETER,
                     "Cannot specify both conf_target and fee_rate. Please provide either a confirmation target in "
                     "blocks for automatic fee estimation, or an explicit fee rate.");
            return false;
        }
        if (mode && strcasecmp(mode, "unset") != 0) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Cannot specify both estimate_mode and fee_rate");
            return false;
        }
        return rpc_wallet_fee_rate_arg(err, o, fee_rate);
    }
    if (mode) {
        if (!strcasecmp(mode, "unset"))
            o->fee_mode = WALLET_FEE_MODE_UNSET;
        else if (!strcasecmp(mode, "economical"))
            o->fee_mode = WALLET_FEE_MODE_ECONOMICAL;
        else if (!strcasecmp(mode, "conservative"))
            o->fee_mode = WALLET_FEE_MODE_CONSERVATIVE;
        else {
            rpc_fail(err, RPC_INVALID_PARAMETER,
                     "Invalid estimate_mode parameter, must be one of: \"unset\", \"economical\", \"conservative\"");
            return false;
        }
    }
    if (conf_target) {
        json_t *one = json_pack("[O]", conf_target);
        int64_t t;
        bool ok = rpc_arg_int(err, &t, one, 0, 0, RPC_INT32);
        json_decref(one);
        if (!ok)
            return false;
        if (t < 1 || t > 1008) { /* the estimator's longest horizon */
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid conf_target, must be between %u and %u", 1u, 1008u);
            return false;
        }
        o->conf_target = (int)t;
    }
    return true;
}

RPC_ARGS(sendtoaddress, { "address", RPC_ARG_TEXT, false }, { "amount", RPC_ARG_ANY, false },
         { "comment", RPC_ARG_STR, true }, { "comment_to", RPC_ARG_STR, true },
         { "subtractfeefromamount", RPC_ARG_BOOL, true }, { "replaceable", RPC_ARG_BOOL, true },
         { "conf_target", RPC_ARG_NUM, true }, { "estimate_mode", RPC_ARG_STR, true }, { "avoid_reuse", RPC_ARG_BOOL, true },
         { "fee_rate", RPC_ARG_ANY, true }, { "verbose", RPC_ARG_BOOL, true });
static const char sendtoaddress_help[] =
    "sendtoaddress \"address\" amount ( \"comment\" \"comment_to\" subtractfeefromamount replaceable conf_target \"estimate_mode\" avoid_reuse fee_rate verbose )\n"
    "\nSend an amount to a given address. fee_rate in sat/vB; otherwise -paytxfee, or the node's estimate for conf_target\n"
    "(default -txconfirmtarget) blocks, or -fallbackfee when there is no estimate.\n";
static json_t *rpc_sendtoaddress(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(sendtoaddress, sendtoaddress_help);
    struct wallet_recipient r;
    if (!parse_recipient(ctx, err, &r, rpc_arg(params, 0), rpc_arg(params, 1)))
        return NULL;
    r.subtract_fee = rpc_arg_bool(params, 4, false);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    o.replaceable = rpc_arg_bool(params, 5, o.replaceable);
    if (!rpc_wallet_fee_mode_args(err, &o, rpc_arg(params, 6), rpc_arg(params, 7), rpc_arg(params, 9))) {
        wallet_release(w);
        return NULL;
    }
    struct hash256 txid;
    int64_t fee;
    struct wallet_error e = { 0, "" };
    const char *reason = "None";
    o.fee_reason = &reason;
    bool ok = wallet_send(w, &e, &txid, &fee, &r, 1, &o);
    wallet_release(w);
    if (!ok)
        return rpc_wallet_fail(err, &e);
    if (rpc_arg_bool(params, 10, false))
        return json_pack("{s:o,s:s}", "txid", rpc_json_hash(&txid), "fee_reason", reason);
    return rpc_json_hash(&txid);
}

RPC_ARGS(sendmany, { "dummy", RPC_ARG_STR, true }, { "amounts", RPC_ARG_OBJ, false }, { "minconf", RPC_ARG_NUM, true },
         { "comment", RPC_ARG_STR, true }, { "subtractfeefrom", RPC_ARG_ARR, true }, { "replaceable", RPC_ARG_BOOL, true },
         { "conf_target", RPC_ARG_NUM, true }, { "estimate_mode", RPC_ARG_STR, true }, { "fee_rate", RPC_ARG_ANY, true },
         { "verbose", RPC_ARG_BOOL, true });
static const char sendmany_help[] =
    "sendmany \"\" {\"address\":amount,...} ( minconf \"comment\" [\"address\",...] replaceable conf_target \"estimate_mode\" fee_rate verbose )\n"
    "\nSend multiple times. Amounts are double-precision floating point numbers.\n";
static json_t *rpc_sendmany(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(sendmany, sendmany_help);
    const char *dummy = rpc_arg_str(params, 0, "");
    if (dummy[0])
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Dummy value must be set to \"\"");
    const json_t *amounts = rpc_arg(params, 1);
    if (!amounts)
        return rpc_fail(err, RPC_MISC_ERROR, "%s", sendmany_help);
    size_t n = json_object_size(amounts);
    if (n == 0)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Transaction must have at least one recipient");
    struct wallet_recipient *r = mem_calloc(n, sizeof(*r));
    const char *key;
    json_t *val;
    size_t i = 0;
    json_object_foreach((json_t *)amounts, key, val)
    {
        json_t *ks = json_string(key);
        bool ok = parse_recipient(ctx, err, &r[i], ks, val);
        json_decref(ks);
        for (size_t j = 0; ok && j < i; j++)
            if (r[j].script_len == r[i].script_len && !memcmp(r[j].script, r[i].script, r[i].script_len)) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, duplicated address: %s", key);
                ok = false;
            }
        const json_t *sub = rpc_arg(params, 4);
        size_t k;
        json_t *s;
        json_array_foreach(sub, k, s) if (json_is_string(s) && !strcmp(json_string_value(s), key)) r[i].subtract_fee = true;
        if (!ok) {
            mem_free(r);
            return NULL;
        }
        i++;
    }
    struct wallet *w = pick(ctx, err);
    if (!w) {
        mem_free(r);
        return NULL;
    }
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    o.replaceable = rpc_arg_bool(params, 5, o.replaceable);
    json_t *res = NULL;
    if (rpc_wallet_fee_mode_args(err, &o, rpc_arg(params, 6), rpc_arg(params, 7), rpc_arg(params, 8))) {
        struct hash256 txid;
        int64_t fee;
        struct wallet_error e = { 0, "" };
        const char *reason = "None";
        o.fee_reason = &reason;
        if (wallet_send(w, &e, &txid, &fee, r, n, &o))
            res = rpc_arg_bool(params, 9, false)
                      ? json_pack("{s:o,s:s}", "txid", rpc_json_hash(&txid), "fee_reason", reason)
                      : rpc_json_hash(&txid);
        else
            rpc_wallet_fail(err, &e);
    }
    wallet_release(w);
    mem_free(r);
    return res;
}

RPC_ARGS(fundrawtransaction, { "hexstring", RPC_ARG_STR, false }, { "options", RPC_ARG_ANY, true },
         { "iswitness", RPC_ARG_BOOL, true });
static const char fundrawtransaction_help[] =
    "fundrawtransaction \"hexstring\" ( options iswitness )\n\nAdds inputs (and a change output) to a transaction until it has enough in value.\n"
    "options: changePosition, lockUnspents, fee_rate (sat/vB), feeRate (HMC/kvB), conf_target, estimate_mode, replaceable,\n"
    "subtractFeeFromOutputs, add_inputs.\n";
static json_t *rpc_fundrawtransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(fundrawtransaction, fundrawtransaction_help);
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), true, true))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed");
    struct wallet *w = pick(ctx, err);
    if (!w) {
        tx_clear(&tx);
        return NULL;
    }
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    const json_t *opt = rpc_arg(params, 1);
    bool *sub = mem_calloc(tx.vout_count + 1, sizeof(bool));
    json_t *res = NULL;
    if (opt && !json_is_object(opt) && !json_is_boolean(opt)) {
        rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type object", rpc_json_type_name(opt));
        goto out;
    }
    if (json_is_object(opt)) {
        json_t *v;
        if ((v = json_object_get(opt, "changePosition"))) {
            int64_t p;
            if (!rpc_json_int(err, &p, v, -1, INT32_MAX))
                goto out;
            if (p > (int64_t)tx.vout_count) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "changePosition out of bounds");
                goto out;
            }
            o.change_pos = (int)p;
        }
        o.lock_unspents = json_is_true(json_object_get(opt, "lockUnspents"));
        if ((v = json_object_get(opt, "replaceable")))
            o.replaceable = json_is_true(v);
        if ((v = json_object_get(opt, "add_inputs")))
            o.add_inputs = json_is_true(v);
        if ((v = json_object_get(opt, "feeRate"))) {
            int64_t rate;
            if (!rpc_parse_amount(err, &rate, v))
                goto out;
            o.fee_rate = rate;
        }
        if ((v = json_object_get(opt, "fee_rate")) && !rpc_wallet_fee_rate_arg(err, &o, v))
            goto out;
        if (!o.fee_rate && !rpc_wallet_fee_mode_args(err, &o, json_object_get(opt, "conf_target"),
                                          json_object_get(opt, "estimate_mode"), NULL))
            goto out;
        size_t i;
        json_t *s;
        json_array_foreach(json_object_get(opt, "subtractFeeFromOutputs"), i, s)
        {
            if (!json_is_integer(s) || json_integer_value(s) < 0 || json_integer_value(s) >= (json_int_t)tx.vout_count) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, value out of range");
                goto out;
            }
            sub[json_integer_value(s)] = true;
        }
    }
    if (tx.vout_count == 0) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "TX must have at least one output");
        goto out;
    }
    int64_t fee;
    int change_pos;
    struct wallet_error e = { 0, "" };
    if (!wallet_fund(w, &e, &tx, &fee, &change_pos, sub, &o)) {
        rpc_wallet_fail(err, &e);
        goto out;
    }
    struct wbuf b;
    wbuf_init(&b);
    tx_serialize(&b, &tx, true);
    res = json_object();
    json_object_set_new(res, "hex", rpc_json_hex(b.data, b.len));
    json_object_set_new(res, "fee", json_real((double)fee / 1e8));
    json_object_set_new(res, "changepos", json_integer(change_pos));
    wbuf_clear(&b);
out:
    mem_free(sub);
    tx_clear(&tx);
    wallet_release(w);
    return res;
}

RPC_ARGS(signrawtransactionwithwallet, { "hexstring", RPC_ARG_STR, false }, { "prevtxs", RPC_ARG_ARR, true },
         { "sighashtype", RPC_ARG_STR, true });
static const char signrawtransactionwithwallet_help[] =
    "signrawtransactionwithwallet \"hexstring\" ( [{\"txid\":\"hex\",\"vout\":n,...},...] \"sighashtype\" )\n"
    "\nSign inputs for raw transaction (serialized, hex-encoded) with the wallet's keys.\n";
static json_t *rpc_signrawtransactionwithwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(signrawtransactionwithwallet, signrawtransactionwithwallet_help);
    int ht;
    if (!tx_sign_parse_sighash(&ht, rpc_arg_str(params, 2, "DEFAULT")))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "'%s' is not a valid sighash parameter.", rpc_arg_str(params, 2, ""));
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), true, true))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed. Make sure the tx has at least one input.");
    struct wallet *w = pick(ctx, err);
    if (!w) {
        tx_clear(&tx);
        return NULL;
    }
    bool complete;
    json_t *errors = NULL;
    struct wallet_error e = { 0, "" };
    json_t *res = NULL;
    if (wallet_sign(w, &e, &tx, &complete, &errors, ht)) {
        struct wbuf b;
        wbuf_init(&b);
        tx_serialize(&b, &tx, true);
        res = json_object();
        json_object_set_new(res, "hex", rpc_json_hex(b.data, b.len));
        json_object_set_new(res, "complete", json_boolean(complete));
        if (json_array_size(errors))
            json_object_set(res, "errors", errors);
        wbuf_clear(&b);
    } else {
        rpc_wallet_fail(err, &e);
    }
    json_decref(errors);
    tx_clear(&tx);
    wallet_release(w);
    return res;
}

/* ---- encryption ----------------------------------------------------------- */

RPC_ARGS(encryptwallet, { "passphrase", RPC_ARG_TEXT, false });
static const char encryptwallet_help[] = "encryptwallet \"passphrase\"\n\nEncrypts the wallet with 'passphrase' (Argon2id + XChaCha20-Poly1305).\n";
static json_t *rpc_encryptwallet(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(encryptwallet, encryptwallet_help);
    const json_t *p = rpc_arg(params, 0);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_encrypt(w, &e, p ? json_string_value(p) : "", p ? json_string_length(p) : 0);
    wallet_release(w);
    if (!ok)
        return rpc_wallet_fail(err, &e);
    return json_string("wallet encrypted; the wallet's private keys are now sealed under the passphrase. You need to make a new backup with the backupwallet RPC.");
}

RPC_ARGS(walletpassphrase, { "passphrase", RPC_ARG_TEXT, false }, { "timeout", RPC_ARG_NUM, false });
static const char walletpassphrase_help[] = "walletpassphrase \"passphrase\" timeout\n\nStores the wallet decryption key in memory for 'timeout' seconds.\n";
static json_t *rpc_walletpassphrase(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(walletpassphrase, walletpassphrase_help);
    int64_t timeout;
    if (!rpc_arg_int(err, &timeout, params, 1, 0, RPC_INT64))
        return NULL;
    const json_t *p = rpc_arg(params, 0);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_unlock(w, &e, p ? json_string_value(p) : "", p ? json_string_length(p) : 0, timeout);
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

RPC_ARGS(walletpassphrasechange, { "oldpassphrase", RPC_ARG_TEXT, false }, { "newpassphrase", RPC_ARG_TEXT, false });
static const char walletpassphrasechange_help[] = "walletpassphrasechange \"oldpassphrase\" \"newpassphrase\"\n\nChanges the wallet passphrase.\n";
static json_t *rpc_walletpassphrasechange(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(walletpassphrasechange, walletpassphrasechange_help);
    const json_t *a = rpc_arg(params, 0), *b = rpc_arg(params, 1);
    struct wallet *w = pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    bool ok = wallet_change_passphrase(w, &e, a ? json_string_value(a) : "", a ? json_string_length(a) : 0,
                                       b ? json_string_value(b) : "", b ? json_string_length(b) : 0);
    wallet_release(w);
    return ok ? json_null() : rpc_wallet_fail(err, &e);
}

/* ---- util: descriptors without a wallet ------------------------------------ */

RPC_ARGS(getdescriptorinfo, { "descriptor", RPC_ARG_STR, false });
static const char getdescriptorinfo_help[] = "getdescriptorinfo \"descriptor\"\n\nAnalyses a descriptor.\n";
static json_t *rpc_getdescriptorinfo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(getdescriptorinfo, getdescriptorinfo_help);
    const char *s = rpc_arg_str(params, 0, "");
    struct descriptor *d;
    char e[256];
    if (!descriptor_parse(&d, s, ctx->params, false, e, sizeof(e)))
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s", e);
    char *pub = descriptor_to_string(d, ctx->params, false);
    json_t *o = json_object();
    json_object_set_new(o, "descriptor", json_string(pub ? pub : ""));
    const char *hash = strchr(s, '#');
    size_t body = hash ? (size_t)(hash - s) : strlen(s);
    char sum[9] = "";
    if (!descriptor_checksum(sum, s, body))
        sum[0] = '\0';
    json_object_set_new(o, "checksum", json_string(sum));
    json_object_set_new(o, "isrange", json_boolean(descriptor_is_range(d)));
    json_object_set_new(o, "issolvable", json_boolean(descriptor_is_solvable(d)));
    json_object_set_new(o, "hasprivatekeys", json_boolean(descriptor_has_private(d)));
    mem_free(pub);
    descriptor_free(d);
    return o;
}

RPC_ARGS(deriveaddresses, { "descriptor", RPC_ARG_STR, false }, { "range", RPC_ARG_ANY, true });
static const char deriveaddresses_help[] = "deriveaddresses \"descriptor\" ( range )\n\nDerives one or more addresses corresponding to an output descriptor.\n";
static json_t *rpc_deriveaddresses(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(deriveaddresses, deriveaddresses_help);
    struct descriptor *d;
    char e[256];
    if (!descriptor_parse(&d, rpc_arg_str(params, 0, ""), ctx->params, true, e, sizeof(e)))
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s", e);
    int64_t lo = 0, hi = 0;
    const json_t *r = rpc_arg(params, 1);
    json_t *out = NULL;
    if (!descriptor_is_range(d) && r) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Range should not be specified for an un-ranged descriptor");
        goto done;
    }
    if (descriptor_is_range(d)) {
        if (!r) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Range must be specified for a ranged descriptor");
            goto done;
        }
        if (json_is_array(r) && json_array_size(r) == 2) {
            if (!rpc_json_int(err, &lo, json_array_get(r, 0), 0, INT32_MAX) ||
                !rpc_json_int(err, &hi, json_array_get(r, 1), 0, INT32_MAX))
                goto done;
        } else if (!rpc_json_int(err, &hi, r, 0, INT32_MAX)) {
            goto done;
        }
        if (lo > hi) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Range specified as [begin,end] must not have begin after end");
            goto done;
        }
        if (hi - lo >= 1000000) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Range is too large");
            goto done;
        }
    }
    out = json_array();
    for (int64_t i = lo; i <= hi; i++) {
        size_t found = 0; /* combo(): every script with an address (not its P2PK), as Core */
        for (size_t nth = 0; nth < descriptor_script_count(d); nth++) {
            struct wbuf spk;
            wbuf_init(&spk);
            char addr[ADDRESS_MAX_STRING];
            bool ok = descriptor_expand_nth(d, &spk, NULL, NULL, (uint32_t)i, nth, e, sizeof(e)) &&
                      address_from_script(addr, &ctx->params->address, spk.data, spk.len);
            wbuf_clear(&spk);
            if (ok) {
                json_array_append_new(out, json_string(addr));
                found++;
            }
        }
        if (!found) {
            json_decref(out);
            out = NULL;
            rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Descriptor does not have a corresponding address");
            goto done;
        }
    }
done:
    descriptor_free(d);
    return out;
}

static const struct rpc_command wallet_commands[] = {
    { "wallet", "createwallet", rpc_createwallet, { "wallet_name", "disable_private_keys", "blank", "passphrase", "avoid_reuse", "descriptors", "load_on_startup", "external_signer", NULL }, createwallet_help },
    { "wallet", "loadwallet", rpc_loadwallet, { "filename", "load_on_startup", NULL }, loadwallet_help },
    { "wallet", "unloadwallet", rpc_unloadwallet, { "wallet_name", "load_on_startup", NULL }, unloadwallet_help },
    { "wallet", "listwallets", rpc_listwallets, { NULL }, listwallets_help },
    { "wallet", "listwalletdir", rpc_listwalletdir, { NULL }, listwalletdir_help },
    { "wallet", "getwalletinfo", rpc_getwalletinfo, { NULL }, getwalletinfo_help },
    { "wallet", "backupwallet", rpc_backupwallet, { "destination", NULL }, backupwallet_help },
    { "wallet", "getnewaddress", rpc_getnewaddress, { "label", "address_type", NULL }, getnewaddress_help },
    { "wallet", "getrawchangeaddress", rpc_getrawchangeaddress, { "address_type", NULL }, getrawchangeaddress_help },
    { "wallet", "keypoolrefill", rpc_keypoolrefill, { "newsize", NULL }, keypoolrefill_help },
    { "wallet", "getaddressinfo", rpc_getaddressinfo, { "address", NULL }, getaddressinfo_help },
    { "wallet", "listdescriptors", rpc_listdescriptors, { "private", NULL }, listdescriptors_help },
    { "wallet", "importdescriptors", rpc_importdescriptors, { "requests", NULL }, importdescriptors_help },
    { "wallet", "getbalance", rpc_getbalance, { "dummy", "minconf", "include_watchonly", "avoid_reuse", NULL }, getbalance_help },
    { "wallet", "getbalances", rpc_getbalances, { NULL }, getbalances_help },
    { "wallet", "listunspent", rpc_listunspent, { "minconf", "maxconf", "addresses", "include_unsafe", "query_options", NULL }, listunspent_help },
    { "wallet", "listtransactions", rpc_listtransactions, { "label", "count", "skip", "include_watchonly", NULL }, listtransactions_help },
    { "wallet", "gettransaction", rpc_gettransaction, { "txid", "include_watchonly", "verbose", NULL }, gettransaction_help },
    { "wallet", "abandontransaction", rpc_abandontransaction, { "txid", NULL }, abandontransaction_help },
    { "wallet", "lockunspent", rpc_lockunspent, { "unlock", "transactions", "persistent", NULL }, lockunspent_help },
    { "wallet", "listlockunspent", rpc_listlockunspent, { NULL }, listlockunspent_help },
    { "wallet", "rescanblockchain", rpc_rescanblockchain, { "start_height", "stop_height", NULL }, rescanblockchain_help },
    { "wallet", "sendtoaddress", rpc_sendtoaddress, { "address", "amount", "comment", "comment_to", "subtractfeefromamount", "replaceable", "conf_target", "estimate_mode", "avoid_reuse", "fee_rate", "verbose", NULL }, sendtoaddress_help },
    { "wallet", "sendmany", rpc_sendmany, { "dummy", "amounts", "minconf", "comment", "subtractfeefrom", "replaceable", "conf_target", "estimate_mode", "fee_rate", "verbose", NULL }, sendmany_help },
    { "wallet", "fundrawtransaction", rpc_fundrawtransaction, { "hexstring", "options", "iswitness", NULL }, fundrawtransaction_help },
    { "wallet", "signrawtransactionwithwallet", rpc_signrawtransactionwithwallet, { "hexstring", "prevtxs", "sighashtype", NULL }, signrawtransactionwithwallet_help },
    { "wallet", "encryptwallet", rpc_encryptwallet, { "passphrase", NULL }, encryptwallet_help },
    { "wallet", "walletpassphrase", rpc_walletpassphrase, { "passphrase", "timeout", NULL }, walletpassphrase_help },
    { "wallet", "walletlock", rpc_walletlock, { NULL }, walletlock_help },
    { "wallet", "walletpassphrasechange", rpc_walletpassphrasechange, { "oldpassphrase", "newpassphrase", NULL }, walletpassphrasechange_help },
};

static const struct rpc_command descriptor_util_commands[] = {
    { "util", "getdescriptorinfo", rpc_getdescriptorinfo, { "descriptor", NULL }, getdescriptorinfo_help },
    { "util", "deriveaddresses", rpc_deriveaddresses, { "descriptor", "range", NULL }, deriveaddresses_help },
};

void rpc_register_wallet(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(wallet_commands) / sizeof(wallet_commands[0]); i++)
        rpc_table_add(t, &wallet_commands[i]);
    rpc_register_wallet_psbt(t);
    rpc_register_wallet_token(t);
    rpc_register_wallet_send(t);
    rpc_register_wallet_labels(t);
    rpc_register_wallet_vault(t);
}

void rpc_register_descriptor_util(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(descriptor_util_commands) / sizeof(descriptor_util_commands[0]); i++)
        rpc_table_add(t, &descriptor_util_commands[i]);
}
