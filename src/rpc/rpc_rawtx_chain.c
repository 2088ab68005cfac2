/* The "rawtransactions" methods that talk to the chain and the mempool:
 * sendrawtransaction, testmempoolaccept, getrawtransaction. Registered by
 * rpc_register_rawtx (rpc_rawtx.c). */
#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/rpc/json_tx.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/util/alloc.h"

/* Core's DEFAULT_MAX_RAW_TX_FEE_RATE: 0.10 coins per kvB. */
#define DEFAULT_MAX_RAW_TX_FEE_RATE (COIN / 10)

/* Core's ParseFeeRate: an amount per kvB below one coin. Out: *rate (sat/kvB). */
static bool parse_fee_rate(struct rpc_error *err, int64_t *rate, const json_t *v)
{
    *rate = DEFAULT_MAX_RAW_TX_FEE_RATE;
    if (!v)
        return true;
    if (!rpc_parse_amount(err, rate, v))
        return false;
    if (*rate >= COIN) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Fee rates larger than or equal to 1BTC/kvB are not accepted");
        return false;
    }
    return true;
}

/* CFeeRate::GetFee. */
static int64_t fee_for(int64_t rate, int64_t vsize)
{
    int64_t fee = rate * vsize / 1000;
    if (fee == 0 && vsize != 0 && rate > 0)
        fee = 1;
    return fee;
}

/* TxValidationState::ToString: reason, then ", debug" when there is one. */
static void state_string(char *out, size_t cap, const struct val_state *st)
{
    if (st->debug[0])
        snprintf(out, cap, "%s, %s", st->reject, st->debug);
    else
        snprintf(out, cap, "%s", st->reject);
}

/* ---- sendrawtransaction ------------------------------------------------ */

/* The first steps of sendrawtransaction's and testmempoolaccept's examples (Core's help). */
#define CREATE_AND_SIGN_EXAMPLES \
    "Examples:\n" \
    "\n" \
    "Create a transaction\n" RPC_HELP_CLI( \
        "createrawtransaction", "\"[{\\\"txid\\\" : \\\"mytxid\\\",\\\"vout\\\":0}]\" \"{\\\"myaddress\\\":0.01}\"") \
    "Sign the transaction, and get back the hex\n" RPC_HELP_CLI("signrawtransactionwithkey", "\"myhex\" \"[\\\"key\\\"]\"") \
    "\n"

static const struct rpc_arg sendrawtransaction_args[] = {
    {"hexstring", RPC_ARG_STR, false},
    {"maxfeerate", RPC_ARG_ANY, true},
    {"maxburnamount", RPC_ARG_ANY, true},
};
static const char sendrawtransaction_help[] =
    "sendrawtransaction \"hexstring\" ( maxfeerate maxburnamount )\n"
    "\n"
    "Submit a raw transaction (serialized, hex-encoded) to local node and network.\n"
    "\n"
    "The transaction will be sent unconditionally to all peers, so using sendrawtransaction\n"
    "for manual rebroadcast may degrade privacy by leaking the transaction's origin, as\n"
    "nodes will normally not rebroadcast non-wallet transactions already in their mempool.\n"
    "\n"
    "A specific exception, RPC_TRANSACTION_ALREADY_IN_UTXO_SET, may throw if the transaction cannot be added to the mempool.\n"
    "\n"
    "Related RPCs: createrawtransaction, signrawtransactionwithkey\n"
    "\n"
    "Arguments:\n"
    "1. hexstring        (string, required) The hex string of the raw transaction\n"
    "2. maxfeerate       (numeric or string, optional, default=\"0.10\") Reject transactions whose fee rate is higher than the specified value, expressed in HMC/kvB.\n"
    "                    Fee rates larger than 1HMC/kvB are rejected.\n"
    "                    Set to 0 to accept any fee rate.\n"
    "3. maxburnamount    (numeric or string, optional, default=\"0\") Reject transactions with provably unspendable outputs (e.g. 'datacarrier' outputs that use the OP_RETURN opcode) greater than the specified value, expressed in HMC.\n"
    "                    If burning funds through unspendable outputs is desired, increase this value.\n"
    "                    This check is based on heuristics and does not guarantee spendability of outputs.\n"
    "\n"
    "Result:\n"
    "\"hex\"    (string) The transaction hash in hex\n"
    "\n"
    CREATE_AND_SIGN_EXAMPLES
    "Send the transaction (signed hex)\n" RPC_HELP_CLI("sendrawtransaction", "\"signedhex\"") "\n"
    "As a JSON-RPC call\n" RPC_HELP_RPC("sendrawtransaction", "\"signedhex\"");

static json_t *rpc_sendrawtransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, sendrawtransaction_args, 3, sendrawtransaction_help))
        return NULL;
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), true, true))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed. Make sure the tx has at least one input.");
    int64_t max_burn = 0, rate;
    if ((rpc_arg(params, 2) && !rpc_parse_amount(err, &max_burn, rpc_arg(params, 2))) ||
        !parse_fee_rate(err, &rate, rpc_arg(params, 1)) || !rpc_need_chain(ctx, err) || !rpc_need_mempool(ctx, err)) {
        tx_clear(&tx);
        return NULL;
    }
    for (size_t i = 0; i < tx.vout_count; i++) {
        const struct txout *o = &tx.vout[i];
        if (script_is_unspendable(bytes_or_empty(o->script_pubkey.data), o->script_pubkey.len) && o->value > max_burn) {
            tx_clear(&tx);
            return rpc_fail(err, RPC_VERIFY_ERROR,
                            "Unspendable output exceeds maximum configured by user (maxburnamount)");
        }
    }
    json_t *result = NULL;
    chainstate_lock(ctx->chain);
    /* Core's BroadcastTransaction: already confirmed, already pooled, test, then add. */
    for (size_t i = 0; i < tx.vout_count; i++) {
        struct outpoint op = {tx.txid, (uint32_t)i};
        if (chainstate_have_coin(ctx->chain, &op)) {
            rpc_fail(err, RPC_VERIFY_ALREADY_IN_CHAIN, "Transaction outputs already in utxo set");
            goto out;
        }
    }
    if (!mempool_has(ctx->mempool, &tx.txid)) {
        struct val_state st;
        struct mempool_accept_result res;
        char msg[600];
        for (int pass = rate > 0 ? 0 : 1; pass < 2; pass++) {
            struct mempool_accept_args args = {.test_accept = pass == 0};
            val_state_init(&st);
            memset(&res, 0, sizeof(res));
            bool ok = mempool_accept(ctx->mempool, &st, &res, &tx, &args);
            int64_t fee = res.fee, vsize = res.vsize;
            mempool_accept_result_clear(&res);
            if (!ok) {
                /* Core: missing inputs are a verify error (-25) carrying the
                 * reject reason; every other rejection is -26. */
                state_string(msg, sizeof(msg), &st);
                rpc_fail(err, st.result == VAL_TX_MISSING_INPUTS ? RPC_VERIFY_ERROR : RPC_VERIFY_REJECTED, "%s", msg);
                goto out;
            }
            if (pass == 0 && fee > fee_for(rate, vsize)) {
                rpc_fail(err, RPC_VERIFY_ERROR, "Fee exceeds maximum configured by user (e.g. -maxtxfee, maxfeerate)");
                goto out;
            }
        }
    }
    result = rpc_json_hash(&tx.txid);
out:
    chainstate_unlock(ctx->chain);
    tx_clear(&tx);
    return result;
}

/* ---- testmempoolaccept ------------------------------------------------- */

#define MAX_PACKAGE_COUNT 25

static const struct rpc_arg testmempoolaccept_args[] = {
    {"rawtxs", RPC_ARG_ARR, false},
    {"maxfeerate", RPC_ARG_ANY, true},
};
static const char testmempoolaccept_help[] =
    "testmempoolaccept [\"rawtx\",...] ( maxfeerate )\n"
    "\n"
    "Returns result of mempool acceptance tests indicating if raw transaction(s) (serialized, hex-encoded) would be accepted by mempool.\n"
    "\n"
    "If multiple transactions are passed in, each is tested against the current mempool on its own\n"
    "(hashmint does not yet evaluate packages: a child of another listed transaction reports missing-inputs).\n"
    "\n"
    "The maximum number of transactions allowed is 25.\n"
    "\n"
    "This checks if transactions violate the consensus or policy rules.\n"
    "\n"
    "See sendrawtransaction call.\n"
    "\n"
    "Arguments:\n"
    "1. rawtxs          (json array, required) An array of hex strings of raw transactions.\n"
    "     [\n"
    "       \"rawtx\",    (string)\n"
    "       ...\n"
    "     ]\n"
    "2. maxfeerate      (numeric or string, optional, default=\"0.10\") Reject transactions whose fee rate is higher than the specified value, expressed in HMC/kvB\n"
    "\n"
    "Result:\n"
    "[                               (json array) The result of the mempool acceptance test for each raw transaction in the input array.\n"
    "                                Returns results for each transaction in the same order they were passed in.\n"
    "  {                             (json object)\n"
    "    \"txid\" : \"hex\",               (string) The transaction hash in hex\n"
    "    \"wtxid\" : \"hex\",              (string) The transaction witness hash in hex\n"
    "    \"allowed\" : true|false,       (boolean, optional) Whether this tx would be accepted to the mempool and pass client-specified maxfeerate. If not present, the tx was not fully validated due to a failure in another tx in the list.\n"
    "    \"vsize\" : n,                  (numeric, optional) Virtual transaction size as defined in BIP 141. This is different from actual serialized size for witness transactions as witness data is discounted (only present when 'allowed' is true)\n"
    "    \"fees\" : {                    (json object, optional) Transaction fees (only present if 'allowed' is true)\n"
    "      \"base\" : n,                 (numeric) transaction fee in HMC\n"
    "      \"effective-feerate\" : n,    (numeric) the effective feerate in HMC per KvB.\n"
    "      \"effective-includes\" : [    (json array) transactions whose fees and vsizes are included in effective-feerate.\n"
    "        \"hex\",                    (string) transaction wtxid in hex\n"
    "        ...\n"
    "      ]\n"
    "    },\n"
    "    \"reject-reason\" : \"str\"       (string, optional) Rejection string (only present when 'allowed' is false)\n"
    "  },\n"
    "  ...\n"
    "]\n"
    "\n"
    CREATE_AND_SIGN_EXAMPLES
    "Test acceptance of the transaction (signed hex)\n" RPC_HELP_CLI("testmempoolaccept", "'[\"signedhex\"]'") "\n"
    "As a JSON-RPC call\n" RPC_HELP_RPC("testmempoolaccept", "[\"signedhex\"]");

static json_t *rpc_testmempoolaccept(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, testmempoolaccept_args, 2, testmempoolaccept_help))
        return NULL;
    int64_t rate;
    if (!parse_fee_rate(err, &rate, rpc_arg(params, 1)))
        return NULL;
    const json_t *raw = rpc_arg(params, 0);
    size_t n = json_array_size(raw);
    if (n < 1 || n > MAX_PACKAGE_COUNT)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Array must contain between 1 and %d transactions.", MAX_PACKAGE_COUNT);
    struct tx *txs = mem_calloc(n, sizeof(*txs));
    size_t decoded = 0;
    json_t *result = NULL;
    for (; decoded < n; decoded++) {
        const json_t *h = json_array_get(raw, decoded);
        if (!json_is_string(h)) {
            rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type string", rpc_json_type_name(h));
            goto out;
        }
        if (!rpc_json_cstr(h) || !rpc_decode_hex_tx(&txs[decoded], json_string_value(h), true, true)) {
            char shown[121];
            rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed: %s Make sure the tx has at least one input.",
                     rpc_json_str_show(shown, sizeof(shown), h));
            goto out;
        }
    }
    if (!rpc_need_chain(ctx, err) || !rpc_need_mempool(ctx, err))
        goto out;
    result = json_array();
    chainstate_lock(ctx->chain);
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "txid", rpc_json_hash(&txs[i].txid));
        json_object_set_new(o, "wtxid", rpc_json_hash(&txs[i].wtxid));
        struct val_state st;
        struct mempool_accept_result res;
        struct mempool_accept_args args = {.test_accept = true};
        val_state_init(&st);
        memset(&res, 0, sizeof(res));
        bool ok = mempool_accept(ctx->mempool, &st, &res, &txs[i], &args);
        if (ok && rate && res.fee > fee_for(rate, res.vsize)) {
            json_object_set_new(o, "allowed", json_false());
            json_object_set_new(o, "reject-reason", json_string("max-fee-exceeded"));
        } else if (ok) {
            json_object_set_new(o, "allowed", json_true());
            json_object_set_new(o, "vsize", json_integer(res.vsize));
            json_t *fees = json_object();
            json_object_set_new(fees, "base", rpc_json_amount(res.fee));
            json_object_set_new(fees, "effective-feerate",
                                rpc_json_amount(res.vsize ? res.modified_fee * 1000 / res.vsize : 0));
            json_t *inc = json_array();
            json_array_append_new(inc, rpc_json_hash(&txs[i].wtxid));
            json_object_set_new(fees, "effective-includes", inc);
            json_object_set_new(o, "fees", fees);
        } else {
            json_object_set_new(o, "allowed", json_false());
            json_object_set_new(o, "reject-reason",
                                json_string(st.result == VAL_TX_MISSING_INPUTS ? "missing-inputs" : st.reject));
        }
        mempool_accept_result_clear(&res);
        json_array_append_new(result, o);
    }
    chainstate_unlock(ctx->chain);
out:
    for (size_t i = 0; i < decoded; i++)
        tx_clear(&txs[i]);
    mem_free(txs);
    return result;
}

/* ---- getrawtransaction ------------------------------------------------- */

static const struct rpc_arg getrawtransaction_args[] = {
    {"txid", RPC_ARG_STR, false},
    {"verbosity|verbose", RPC_ARG_ANY, true},
    {"blockhash", RPC_ARG_STR, true},
};
static const char getrawtransaction_help[] =
    "getrawtransaction \"txid\" ( verbosity \"blockhash\" )\n"
    "\n"
    "By default, this call only returns a transaction if it is in the mempool. If -txindex is enabled\n"
    "and no blockhash argument is passed, it will return the transaction if it is in the mempool or any block.\n"
    "If a blockhash argument is passed, it will return the transaction if\n"
    "the specified block is available and the transaction is in that block.\n"
    "\n"
    "Hint: Use gettransaction for wallet transactions.\n"
    "\n"
    "If verbosity is 0 or omitted, returns the serialized transaction as a hex-encoded string.\n"
    "If verbosity is 1, returns a JSON Object with information about the transaction.\n"
    "If verbosity is 2, returns a JSON Object with information about the transaction, including fee and prevout information.\n"
    "\n"
    "Arguments:\n"
    "1. txid         (string, required) The transaction id\n"
    "2. verbosity    (numeric, optional, default=0) 0 for hex-encoded data, 1 for a JSON object, and 2 for JSON object with fee and prevout\n"
    "3. blockhash    (string, optional) The block in which to look for the transaction\n"
    "\n"
    "Result (if verbose is not set or set to 0):\n"
    "\"str\"    (string) The serialized transaction as a hex-encoded string for 'txid'\n"
    "\n"
    "Result (if verbosity is set to 1):\n"
    "{                                    (json object)\n"
    "  \"in_active_chain\" : true|false,    (boolean, optional) Whether specified block is in the active chain or not (only present with explicit \"blockhash\" argument)\n"
    "  \"blockhash\" : \"hex\",               (string, optional) the block hash\n"
    "  \"confirmations\" : n,               (numeric, optional) The confirmations\n"
    "  \"blocktime\" : xxx,                 (numeric, optional) The block time expressed in UNIX epoch time\n"
    "  \"time\" : n,                        (numeric, optional) Same as \"blocktime\"\n"
    "  \"hex\" : \"hex\",                     (string) The serialized, hex-encoded data for 'txid'\n"
    "  ...                                the fields of decoderawtransaction\n"
    "}\n"
    "\n"
    "Result (for verbosity = 2):\n"
    "{                             (json object)\n"
    "  ...,                        Same output as verbosity = 1\n"
    "  \"fee\" : n,                  (numeric, optional) transaction fee in HMC, omitted if block undo data is not available\n"
    "  \"vin\" : [                   (json array) each input with a \"prevout\" object {generated, height, value, scriptPubKey}\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("getrawtransaction", "\"mytxid\"") RPC_HELP_CLI("getrawtransaction", "\"mytxid\" 1")
        RPC_HELP_RPC("getrawtransaction", "\"mytxid\", 1") RPC_HELP_CLI("getrawtransaction", "\"mytxid\" 0 \"myblockhash\"")
            RPC_HELP_CLI("getrawtransaction", "\"mytxid\" 1 \"myblockhash\"")
                RPC_HELP_CLI("getrawtransaction", "\"mytxid\" 2 \"myblockhash\"");

/* Core's ParseVerbosity (bools allowed). */
static bool parse_verbosity(struct rpc_error *err, int *out, const json_t *v, int def)
{
    *out = def;
    if (!v)
        return true;
    if (json_is_boolean(v)) {
        *out = json_is_true(v);
        return true;
    }
    if (!json_is_number(v)) {
        rpc_fail(err, RPC_MISC_ERROR, "JSON value of type %s is not of expected type number", rpc_json_type_name(v));
        return false;
    }
    int64_t n;
    if (!rpc_json_int(err, &n, v, RPC_INT32))
        return false;
    *out = (int)n;
    return true;
}

/* Replaces key's value while moving it to the end (keeps Core's field order when inserting before it). */
static void move_to_end(json_t *o, const char *key)
{
    json_t *v = json_object_get(o, key);
    if (!v)
        return;
    json_incref(v);
    json_object_del(o, key);
    json_object_set_new(o, key, v);
}

static json_t *rpc_getrawtransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, getrawtransaction_args, 3, getrawtransaction_help))
        return NULL;
    struct hash256 txid, block_hash;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "parameter 1"))
        return NULL;
    if (!rpc_need_chain(ctx, err))
        return NULL;
    struct hash256 genesis_merkle;
    if (hash256_from_hex(&genesis_merkle, ctx->params->genesis.merkle_root_hex) && hash256_eq(&genesis_merkle, &txid))
        return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY,
                        "The genesis block coinbase is not considered an ordinary transaction and cannot be retrieved");
    int verbosity;
    if (!parse_verbosity(err, &verbosity, rpc_arg(params, 1), 0))
        return NULL;
    struct block_index *bi = NULL;
    bool explicit_block = rpc_arg(params, 2) != NULL;
    if (explicit_block) {
        if (!rpc_parse_hash(err, &block_hash, rpc_arg(params, 2), "parameter 3"))
            return NULL;
        bi = chainstate_lookup(ctx->chain, &block_hash);
        if (!bi)
            return rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Block hash not found");
    }
    struct tx tx;
    tx_init(&tx);
    bool found = false;
    memset(&block_hash, 0, sizeof(block_hash));
    struct block blk;
    block_init(&blk);
    size_t pos = 0;
    json_t *result = NULL;
    chainstate_lock(ctx->chain);
    if (bi) {
        if (!(bi->status & BLOCK_HAVE_DATA)) {
            rpc_fail(err, RPC_MISC_ERROR, "Block not available");
            goto out;
        }
        if (chainstate_read_block(ctx->chain, &blk, bi)) {
            for (pos = 0; pos < blk.tx_count; pos++) {
                if (hash256_eq(&blk.txs[pos].txid, &txid)) {
                    tx_clear(&tx);
                    tx_copy(&tx, &blk.txs[pos]);
                    found = true;
                    block_hash = bi->hash;
                    break;
                }
            }
        }
    } else {
        if (ctx->mempool && mempool_tx_get(ctx->mempool, &tx, &txid)) {
            found = true;
        } else if (chainstate_has_txindex(ctx->chain)) {
            tx_clear(&tx);
            found = chainstate_txindex_find(ctx->chain, &tx, &block_hash, &txid);
            if (found)
                bi = chainstate_lookup(ctx->chain, &block_hash);
        }
    }
    if (!found) {
        const char *msg = explicit_block ? "No such transaction found in the provided block"
                          : !chainstate_has_txindex(ctx->chain)
                              ? "No such mempool transaction. Use -txindex or provide a block hash to enable "
                                "blockchain transaction queries"
                              : "No such mempool or blockchain transaction";
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s. Use gettransaction for wallet transactions.", msg);
        goto out;
    }
    if (verbosity <= 0) {
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, &tx, true);
        result = rpc_json_hex(w.data, w.len);
        wbuf_clear(&w);
        goto out;
    }
    struct rpc_tx_style style;
    rpc_tx_style_init(&style, ctx->params);
    json_t *body = rpc_tx_to_json(&tx, &style, true);
    result = json_object();
    if (explicit_block)
        json_object_set_new(result, "in_active_chain", json_boolean(chainstate_in_active_chain(ctx->chain, bi)));
    json_object_update(result, body);
    json_decref(body);

    /* verbosity 2: prevouts and fee from the block's undo data */
    struct block_undo undo;
    block_undo_init(&undo);
    if (verbosity >= 2 && bi && !tx_is_coinbase(&tx) && (bi->status & BLOCK_HAVE_UNDO)) {
        if (!blk.tx_count && chainstate_read_block(ctx->chain, &blk, bi)) {
            for (pos = 0; pos < blk.tx_count && !hash256_eq(&blk.txs[pos].txid, &txid); pos++)
                ;
        }
        if (pos > 0 && pos < blk.tx_count && chainstate_read_undo(ctx->chain, &undo, bi) && pos - 1 < undo.count &&
            undo.txs[pos - 1].count == tx.vin_count) {
            json_t *vin = json_object_get(result, "vin");
            int64_t in_sum = 0, out_sum = 0;
            for (size_t i = 0; i < tx.vin_count; i++) {
                const struct coin *c = &undo.txs[pos - 1].prevout[i];
                json_t *po = json_object();
                json_object_set_new(po, "generated", json_boolean(c->coinbase));
                json_object_set_new(po, "height", json_integer(c->height));
                json_object_set_new(po, "value", rpc_json_amount(c->out.value));
                json_t *token = NULL;
                json_object_set_new(po, "scriptPubKey",
                                    rpc_script_pubkey_to_json(&token, bytes_or_empty(c->out.script_pubkey.data),
                                                              c->out.script_pubkey.len, &style));
                if (token)
                    json_object_set_new(po, "token", token);
                json_t *e = json_array_get(vin, i);
                json_object_set_new(e, "prevout", po);
                move_to_end(e, "sequence");
                in_sum += c->out.value;
            }
            for (size_t i = 0; i < tx.vout_count; i++)
                out_sum += tx.vout[i].value;
            json_object_set_new(result, "fee", rpc_json_amount(in_sum - out_sum));
            move_to_end(result, "hex");
        }
    }
    block_undo_clear(&undo);
    if (!hash256_is_zero(&block_hash)) {
        json_object_set_new(result, "blockhash", rpc_json_hash(&block_hash));
        if (bi && chainstate_in_active_chain(ctx->chain, bi)) {
            json_object_set_new(result, "confirmations",
                                json_integer(chainstate_height(ctx->chain) - bi->height + 1));
            json_object_set_new(result, "time", json_integer(bi->header.time));
            json_object_set_new(result, "blocktime", json_integer(bi->header.time));
        } else {
            json_object_set_new(result, "confirmations", json_integer(0));
        }
    }
out:
    chainstate_unlock(ctx->chain);
    block_clear(&blk);
    tx_clear(&tx);
    return result;
}

const struct rpc_command rpc_rawtx_chain_commands[] = {
    {"rawtransactions", "getrawtransaction", rpc_getrawtransaction, {"txid", "verbosity", "blockhash", NULL},
     getrawtransaction_help},
    {"rawtransactions", "sendrawtransaction", rpc_sendrawtransaction, {"hexstring", "maxfeerate", "maxburnamount", NULL},
     sendrawtransaction_help},
    {"rawtransactions", "testmempoolaccept", rpc_testmempoolaccept, {"rawtxs", "maxfeerate", NULL},
     testmempoolaccept_help},
};
const size_t rpc_rawtx_chain_command_count = sizeof(rpc_rawtx_chain_commands) / sizeof(rpc_rawtx_chain_commands[0]);
