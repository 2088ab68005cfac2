/* The "rawtransactions" RPC category, the part that needs no mempool:
 * decoderawtransaction, decodescript, createrawtransaction,
 * signrawtransactionwithkey (which reads coins from the chain and mempool
 * when they are there). sendrawtransaction, testmempoolaccept and
 * getrawtransaction are in rpc_rawtx_chain.c. */
#include <stdio.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "consensus/token_prefix.h"
#include "consensus/tx_verify.h"
#include "src/chain/chainstate.h"
#include "src/chain/mempool.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "wallet/descriptor.h"
#include "src/rpc/json_tx.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "wallet/key_io.h"
#include "wallet/script_type.h"
#include "src/rpc/token_output.h"
#include "wallet/tx_sign.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static json_t *tx_hex_json(const struct tx *tx)
{
    struct wbuf w;
    wbuf_init(&w);
    tx_serialize(&w, tx, true);
    json_t *v = rpc_json_hex(w.data, w.len);
    wbuf_clear(&w);
    return v;
}

/* ---- decoderawtransaction ---------------------------------------------- */

static const struct rpc_arg decoderawtransaction_args[] = {
    {"hexstring", RPC_ARG_STR, false},
    {"iswitness", RPC_ARG_BOOL, true},
};
static const char decoderawtransaction_help[] =
    "decoderawtransaction \"hexstring\" ( iswitness )\n"
    "\n"
    "Return a JSON object representing the serialized, hex-encoded transaction.\n"
    "\n"
    "Arguments:\n"
    "1. hexstring    (string, required) The transaction hex string\n"
    "2. iswitness    (boolean, optional, default=depends on heuristic tests) Whether the transaction hex is a serialized witness transaction.\n"
    "                If iswitness is not present, heuristic tests will be used in decoding.\n"
    "                If true, only witness deserialization will be tried.\n"
    "                If false, only non-witness deserialization will be tried.\n"
    "                This boolean should reflect whether the transaction has inputs\n"
    "                (e.g. fully valid, or on-chain transactions), if known by the caller.\n"
    "\n"
    "Result:\n"
    "{                           (json object)\n"
    "  \"txid\" : \"hex\",           (string) The transaction id\n"
    "  \"hash\" : \"hex\",           (string) The transaction hash (differs from txid for witness transactions)\n"
    "  \"version\" : n,            (numeric) The version\n"
    "  \"size\" : n,               (numeric) The serialized transaction size\n"
    "  \"vsize\" : n,              (numeric) The virtual transaction size (differs from size for witness transactions)\n"
    "  \"weight\" : n,             (numeric) The transaction's weight (between vsize*4-3 and vsize*4)\n"
    "  \"locktime\" : xxx,         (numeric) The lock time\n"
    "  \"vin\" : [ ... ],          (json array) txid, vout, scriptSig {asm, hex}, txinwitness, sequence (coinbase instead of txid/vout/scriptSig)\n"
    "  \"vout\" : [ ... ]          (json array) value, n, scriptPubKey {asm, hex, address, type}; \"token\" for outputs with an extension prefix\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("decoderawtransaction", "\"hexstring\"") RPC_HELP_RPC("decoderawtransaction",
                                                                                 "\"hexstring\"");

static json_t *rpc_decoderawtransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, decoderawtransaction_args, 2, decoderawtransaction_help))
        return NULL;
    bool try_witness = rpc_arg(params, 1) ? rpc_arg_bool(params, 1, true) : true;
    bool try_no_witness = rpc_arg(params, 1) ? !rpc_arg_bool(params, 1, true) : true;
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), try_no_witness, try_witness))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed");
    struct rpc_tx_style style;
    rpc_tx_style_init(&style, ctx->params);
    json_t *o = rpc_tx_to_json(&tx, &style, false);
    tx_clear(&tx);
    return o;
}

/* ---- decodescript ------------------------------------------------------ */

static void desc_append_keys(struct wbuf *d, const uint8_t *s, size_t len)
{
    const uint8_t *pc = s, *end = s + len;
    enum opcode op;
    const uint8_t *data;
    size_t data_len;
    while (script_get_op(&pc, end, &op, &data, &data_len)) {
        if (!data || (data_len != 33 && data_len != 65))
            continue;
        char hx[131];
        hex_encode(hx, data, data_len);
        wbuf_u8(d, ',');
        wbuf_put(d, hx, strlen(hx));
    }
}

static char *rpc_infer_descriptor(const struct chain_params *params, const unsigned char *s, size_t len)
{
    struct wbuf d;
    wbuf_init(&d);
    char addr[ADDRESS_MAX_STRING];
    enum script_type t = script_type_solve(s, len);
    if (t == SCRIPT_TYPE_PUBKEY) {
        char hx[131];
        hex_encode(hx, s + 1, s[0]);
        wbuf_put(&d, "pk(", 3);
        wbuf_put(&d, hx, strlen(hx));
        wbuf_u8(&d, ')');
    } else if (t == SCRIPT_TYPE_MULTISIG) {
        char head[16];
        snprintf(head, sizeof(head), "multi(%d", s[0] - OP_1 + 1);
        wbuf_put(&d, head, strlen(head));
        desc_append_keys(&d, s, len);
        wbuf_u8(&d, ')');
    } else if (params && address_from_script(addr, &params->address, s, len)) {
        wbuf_put(&d, "addr(", 5);
        wbuf_put(&d, addr, strlen(addr));
        wbuf_u8(&d, ')');
    } else {
        char *hx = hex_encode_alloc(s, len);
        wbuf_put(&d, "raw(", 4);
        wbuf_put(&d, hx, strlen(hx));
        wbuf_u8(&d, ')');
        mem_free(hx);
    }
    wbuf_u8(&d, '\0');
    char *full = descriptor_add_checksum((const char *)d.data);
    if (!full)
        full = mem_strdup((const char *)d.data);
    wbuf_clear(&d);
    return full;
}

/* Core's ScriptToUniv(include_address=true): asm, desc, [hex], [address], type. */
static json_t *script_to_univ(const struct chain_params *params, const uint8_t *s, size_t len, bool include_hex,
                              const char *desc_override)
{
    json_t *o = json_object();
    char *as = script_to_asm(s, len, false);
    json_object_set_new(o, "asm", json_string(as));
    mem_free(as);
    char *desc = desc_override ? mem_strdup(desc_override) : rpc_infer_descriptor(params, s, len);
    json_object_set_new(o, "desc", json_string(desc));
    mem_free(desc);
    if (include_hex)
        json_object_set_new(o, "hex", rpc_json_hex(s, len));
    enum script_type t = script_type_solve(s, len);
    char addr[ADDRESS_MAX_STRING];
    if (t != SCRIPT_TYPE_PUBKEY && params && address_from_script(addr, &params->address, s, len))
        json_object_set_new(o, "address", json_string(addr));
    json_object_set_new(o, "type", json_string(script_type_name(t)));
    return o;
}

static bool has_only_valid_ops_for_wrap(const uint8_t *s, size_t len)
{
    if (script_is_unspendable(s, len))
        return false;
    const uint8_t *pc = bytes_or_empty(s), *end = pc + len;
    while (pc < end) {
        enum opcode op;
        const uint8_t *data;
        size_t data_len;
        if (!script_get_op(&pc, end, &op, &data, &data_len) || op > OP_NOP10 || data_len > MAX_SCRIPT_ELEMENT_SIZE)
            return false;
        if (op == OP_CHECKSIGADD || script_is_op_success(op))
            return false;
    }
    return true;
}

static const struct rpc_arg decodescript_args[] = {{"hexstring", RPC_ARG_STR, false}};
static const char decodescript_help[] =
    "decodescript \"hexstring\"\n"
    "\n"
    "Decode a hex-encoded script.\n"
    "\n"
    "Arguments:\n"
    "1. hexstring    (string, required) the hex-encoded script\n"
    "\n"
    "Result:\n"
    "{                             (json object)\n"
    "  \"asm\" : \"str\",              (string) Script public key\n"
    "  \"desc\" : \"str\",             (string) Inferred descriptor for the script\n"
    "  \"type\" : \"str\",             (string) The output type (e.g. nonstandard, pubkey, pubkeyhash, scripthash, multisig, nulldata, witness_v0_scripthash, witness_v0_keyhash, witness_v1_taproot, witness_unknown)\n"
    "  \"address\" : \"str\",          (string, optional) The hashmint address (only if a well-defined address exists)\n"
    "  \"p2sh\" : \"str\",             (string, optional) address of P2SH script wrapping this redeem script (not returned for types that should not be wrapped)\n"
    "  \"segwit\" : {                (json object, optional) Result of a witness output script wrapping this redeem script (not returned for types that should not be wrapped)\n"
    "    \"asm\" : \"str\",            (string) String representation of the script public key\n"
    "    \"hex\" : \"hex\",            (string) Hex string of the script public key\n"
    "    \"type\" : \"str\",           (string) The type of the output script (e.g. witness_v0_keyhash or witness_v0_scripthash)\n"
    "    \"address\" : \"str\",        (string, optional) The hashmint address (only if a well-defined address exists)\n"
    "    \"desc\" : \"str\",           (string) Inferred descriptor for the script\n"
    "    \"p2sh-segwit\" : \"str\"     (string) address of the P2SH script wrapping this witness redeem script\n"
    "  }\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("decodescript", "\"hexstring\"") RPC_HELP_RPC("decodescript", "\"hexstring\"");

static json_t *rpc_decodescript(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, decodescript_args, 1, decodescript_help))
        return NULL;
    size_t len = 0;
    uint8_t *s = NULL;
    const char *hx = rpc_arg_str(params, 0, "");
    if (hx[0]) {
        s = rpc_parse_hex(err, &len, rpc_arg(params, 0), "argument");
        if (!s)
            return NULL;
    }
    const struct chain_params *p = ctx->params;
    /* hashmint: a prefixed script is shown as its locking script plus a
     * "token" object, as outputs are in decoded transactions. */
    json_t *token = NULL;
    struct token_prefix prefix;
    size_t prefix_len;
    uint8_t *full = s;
    if (p && p->tokens_enabled && s && token_prefix_parse(&prefix, &prefix_len, s, len) == TOKEN_PREFIX_OK) {
        token = rpc_token_to_json(&prefix);
        s += prefix_len;
        len -= prefix_len;
    }
    json_t *r = script_to_univ(p, bytes_or_empty(s), len, false, NULL);
    if (token)
        json_object_set_new(r, "token", token);
    enum script_type t = script_type_solve(bytes_or_empty(s), len);
    bool can_wrap = !token &&
                    (t == SCRIPT_TYPE_MULTISIG || t == SCRIPT_TYPE_NONSTANDARD || t == SCRIPT_TYPE_PUBKEY ||
                     t == SCRIPT_TYPE_PUBKEYHASH || t == SCRIPT_TYPE_WITNESS_V0_KEYHASH ||
                     t == SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH) &&
                    has_only_valid_ops_for_wrap(bytes_or_empty(s), len);
    char addr[ADDRESS_MAX_STRING];
    if (can_wrap) {
        struct wbuf p2sh;
        wbuf_init(&p2sh);
        rpc_script_p2sh_of(&p2sh, bytes_or_empty(s), len);
        if (p && address_from_script(addr, &p->address, p2sh.data, p2sh.len))
            json_object_set_new(r, "p2sh", json_string(addr));
        wbuf_clear(&p2sh);
        bool can_wrap_wsh = t == SCRIPT_TYPE_NONSTANDARD || t == SCRIPT_TYPE_PUBKEYHASH;
        if (t == SCRIPT_TYPE_PUBKEY)
            can_wrap_wsh = s[0] == 33;
        if (t == SCRIPT_TYPE_MULTISIG) {
            can_wrap_wsh = true;
            const uint8_t *pc = s, *end = s + len;
            enum opcode op;
            const uint8_t *data;
            size_t data_len;
            while (script_get_op(&pc, end, &op, &data, &data_len))
                if (data && data_len == 65)
                    can_wrap_wsh = false;
        }
        if (can_wrap_wsh) {
            struct wbuf seg;
            wbuf_init(&seg);
            char *desc = NULL;
            uint8_t h[20];
            if (t == SCRIPT_TYPE_PUBKEY) {
                ripemd160_hash160(h, s + 1, 33);
                rpc_script_p2wpkh(&seg, h);
            } else if (t == SCRIPT_TYPE_PUBKEYHASH) {
                rpc_script_p2wpkh(&seg, s + 3);
            } else {
                rpc_script_p2wsh_of(&seg, bytes_or_empty(s), len);
                if (t == SCRIPT_TYPE_MULTISIG) {
                    char *inner = rpc_infer_descriptor(p, s, len);
                    char *hash = strchr(inner, '#');
                    if (hash)
                        *hash = '\0';
                    size_t n = strlen(inner) + 8;
                    char *body = mem_alloc(n);
                    snprintf(body, n, "wsh(%s)", inner);
                    desc = descriptor_add_checksum(body);
                    mem_free(body);
                    mem_free(inner);
                }
            }
            json_t *sr = script_to_univ(p, seg.data, seg.len, true, desc);
            mem_free(desc);
            struct wbuf w2;
            wbuf_init(&w2);
            rpc_script_p2sh_of(&w2, seg.data, seg.len);
            if (p && address_from_script(addr, &p->address, w2.data, w2.len))
                json_object_set_new(sr, "p2sh-segwit", json_string(addr));
            wbuf_clear(&w2);
            wbuf_clear(&seg);
            json_object_set_new(r, "segwit", sr);
        }
    }
    mem_free(full);
    return r;
}

/* ---- createrawtransaction ---------------------------------------------- */

#define MAX_BIP125_RBF_SEQUENCE 0xfffffffdu
#define MAX_SEQUENCE_NONFINAL 0xfffffffeu

#define CREATE_ARGS_HELP \
    "Arguments:\n" \
    "1. inputs                      (json array, required) The inputs\n" \
    "     [\n" \
    "       {                       (json object)\n" \
    "         \"txid\": \"hex\",        (string, required) The transaction id\n" \
    "         \"vout\": n,            (numeric, required) The output number\n" \
    "         \"sequence\": n,        (numeric, optional, default=depends on the value of the 'replaceable' and 'locktime' arguments) The sequence number\n" \
    "       },\n" \
    "       ...\n" \
    "     ]\n" \
    "2. outputs                     (json array, required) The outputs specified as key-value pairs.\n" \
    "                               Each key may only appear once, i.e. there can only be one 'data' output, and no address may be duplicated.\n" \
    "                               At least one output of either type must be specified.\n" \
    "                               For compatibility reasons, a dictionary, which holds the key-value pairs directly, is also\n" \
    "                               accepted as second parameter.\n" \
    "     [\n" \
    "       {                       (json object)\n" \
    "         \"address\": amount,    (numeric or string, required) A key-value pair. The key (string) is the hashmint address, the value (float or string) is the amount in HMC\n" \
    "         ...\n" \
    "       },\n" \
    "       {                       (json object)\n" \
    "         \"data\": \"hex\",        (string, required) A key-value pair. The key must be \"data\", the value is hex-encoded data\n" \
    "       },\n" \
    "       {                       (json object) hashmint: an output with token data (doc/issuance.md)\n" \
    "         \"address\": {          (json object, required) The key is the address whose script follows the prefix\n" \
    "           \"value\": amount,     (numeric or string, optional, default=0) HMC carried by the output (a vault's collateral)\n" \
    "           \"kind\": \"str\",       (string, required) \"token\", \"vault\", \"issuer\" or \"oracle\"\n" \
    "           \"asset_id\": \"hex\",   (string, optional, default=the chain's first asset) The asset id\n" \
    "           \"amount\"|\"debt\"|\"flags\"|\"price\": n (numeric, required) The payload of that kind\n" \
    "         },\n" \
    "       },\n" \
    "       ...\n" \
    "     ]\n" \
    "3. locktime                    (numeric, optional, default=0) Raw locktime. Non-0 value also locktime-activates inputs\n" \
    "4. replaceable                 (boolean, optional, default=true) Marks this transaction as BIP125-replaceable.\n" \
    "                               Allows this transaction to be replaced by a transaction with higher fees. If provided, it is an error if explicit sequence numbers are incompatible.\n"

static const struct rpc_arg createrawtransaction_args[] = {
    {"inputs", RPC_ARG_ARR, false},
    {"outputs", RPC_ARG_ANY, false},
    {"locktime", RPC_ARG_NUM, true},
    {"replaceable", RPC_ARG_BOOL, true},
};
static const char createrawtransaction_help[] =
    "createrawtransaction [{\"txid\":\"hex\",\"vout\":n,\"sequence\":n},...] [{\"address\":amount,...},{\"data\":\"hex\"},...] ( locktime replaceable )\n"
    "\n"
    "Create a transaction spending the given inputs and creating new outputs.\n"
    "Outputs can be addresses or data.\n"
    "Returns hex-encoded raw transaction.\n"
    "Note that the transaction's inputs are not signed, and\n"
    "it is not stored in the wallet or transmitted to the network.\n"
    "\n" CREATE_ARGS_HELP
    "\n"
    "Result:\n"
    "\"hex\"    (string) hex string of the transaction\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("createrawtransaction",
                              "\"[{\\\"txid\\\":\\\"myid\\\",\\\"vout\\\":0}]\" \"[{\\\"address\\\":0.01}]\"")
        RPC_HELP_CLI("createrawtransaction",
                     "\"[{\\\"txid\\\":\\\"myid\\\",\\\"vout\\\":0}]\" \"[{\\\"data\\\":\\\"00010203\\\"}]\"")
            RPC_HELP_RPC("createrawtransaction",
                         "\"[{\\\"txid\\\":\\\"myid\\\",\\\"vout\\\":0}]\", \"[{\\\"address\\\":0.01}]\"");

/* Adds the output for one key of createrawtransaction's outputs: "data",
 * an address with an amount, or an address with a token object
 * (src/rpc/token_output.h). As Core, "data" and plain addresses may each
 * appear once; token outputs may repeat an address (a mint pays the vault
 * and the tokens to one owner). */
static bool add_output(struct rpc_error *err, struct tx *tx, const struct chain_params *p, json_t *seen, const char *k,
                       const json_t *v)
{
    bool token = json_is_object(v);
    if (!token) {
        if (json_object_get(seen, k)) {
            if (!strcmp(k, "data"))
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, duplicate key: data");
            else
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, duplicated address: %.100s", k);
            return false;
        }
        json_object_set_new(seen, k, json_true());
    }
    if (!strcmp(k, "data")) {
        size_t len;
        uint8_t *data = rpc_parse_hex(err, &len, v, "Data");
        if (!data)
            return false;
        struct wbuf w;
        wbuf_init(&w);
        wbuf_u8(&w, OP_RETURN);
        script_push_data(&w, data, len);
        tx_add_output(tx, 0, w.data, w.len);
        wbuf_clear(&w);
        mem_free(data);
        return true;
    }
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t spk_len;
    if (!p || !address_to_script(spk, &spk_len, &p->address, k)) {
        rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid Hashmint address: %.100s", k);
        return false;
    }
    int64_t amount;
    if (!token) {
        if (!rpc_parse_amount(err, &amount, v))
            return false;
        tx_add_output(tx, amount, spk, spk_len);
        return true;
    }
    struct wbuf w;
    wbuf_init(&w);
    bool ok = rpc_token_output_parse(err, &w, &amount, v, spk, spk_len, p);
    if (ok)
        tx_add_output(tx, amount, w.data, w.len);
    wbuf_clear(&w);
    return ok;
}

/* Core's ConstructTransaction: fills tx from the four parameters. */
bool rpc_construct_tx(struct rpc_error *err, struct tx *tx, const struct chain_params *p, const json_t *inputs,
                         const json_t *outputs, const json_t *locktime_v, bool rbf)
{
    int64_t locktime = 0;
    if (locktime_v) {
        if (!rpc_json_int(err, &locktime, locktime_v, RPC_INT64))
            return false;
        if (locktime < 0 || locktime > (int64_t)UINT32_MAX) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, locktime out of range");
            return false;
        }
    }
    tx->locktime = (uint32_t)locktime;
    size_t i;
    const json_t *in;
    json_array_foreach(inputs, i, in)
    {
        if (!json_is_object(in)) {
            rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type object",
                     json_is_array(in) ? "array" : json_is_string(in) ? "string" : json_is_number(in) ? "number" : "null");
            return false;
        }
        struct outpoint op;
        if (!rpc_parse_hash(err, &op.txid, json_object_get(in, "txid"), "txid"))
            return false;
        const json_t *vout = json_object_get(in, "vout");
        if (!vout || !json_is_number(vout)) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, missing vout key");
            return false;
        }
        /* Core reads an int: 2^31 and above are out of range, not wrapped. */
        int64_t n;
        if (!rpc_json_int(err, &n, vout, RPC_INT32))
            return false;
        if (n < 0) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, vout cannot be negative");
            return false;
        }
        op.n = (uint32_t)n;
        uint32_t seq = rbf ? MAX_BIP125_RBF_SEQUENCE : locktime ? MAX_SEQUENCE_NONFINAL : SEQUENCE_FINAL;
        const json_t *sv = json_object_get(in, "sequence");
        if (json_is_number(sv)) { /* Core ignores a sequence that is not a number */
            int64_t s64;
            if (!rpc_json_int(err, &s64, sv, RPC_INT64))
                return false;
            if (s64 < 0 || s64 > (int64_t)UINT32_MAX) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, sequence number is out of range");
                return false;
            }
            seq = (uint32_t)s64;
        }
        tx_add_input(tx, &op, NULL, 0, seq);
    }

    /* outputs: an object, or an array of one-key objects, added in order. */
    json_t *seen = json_object(); /* keys of "data" and plain address outputs so far */
    bool ok = true;
    if (json_is_object(outputs)) {
        const char *k;
        json_t *v;
        json_object_foreach((json_t *)outputs, k, v)
        {
            if (!(ok = add_output(err, tx, p, seen, k, v)))
                break;
        }
    } else if (json_is_array(outputs)) {
        const json_t *o;
        json_array_foreach(outputs, i, o)
        {
            if (!json_is_object(o)) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, key-value pair not an object as expected");
                ok = false;
            } else if (json_object_size(o) != 1) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, key-value pair must contain exactly one key");
                ok = false;
            } else {
                const char *k;
                json_t *v;
                json_object_foreach((json_t *)o, k, v)
                {
                    ok = add_output(err, tx, p, seen, k, v);
                }
            }
            if (!ok)
                break;
        }
    } else {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, output argument must be non-null");
        ok = false;
    }
    json_decref(seen);
    if (!ok)
        return false;
    if (rbf) {
        for (i = 0; i < tx->vin_count; i++) {
            if (tx->vin[i].sequence > MAX_BIP125_RBF_SEQUENCE) {
                rpc_fail(err, RPC_INVALID_PARAMETER,
                         "Invalid parameter combination: Sequence number(s) contradict replaceable option");
                return false;
            }
        }
    }
    tx_update_hashes(tx);
    return true;
}

static json_t *rpc_createrawtransaction(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, createrawtransaction_args, 4, createrawtransaction_help))
        return NULL;
    const json_t *inputs = rpc_arg(params, 0);
    json_t *empty = json_array();
    struct tx tx;
    tx_init(&tx);
    bool ok = rpc_construct_tx(err, &tx, ctx->params, inputs ? inputs : empty, rpc_arg(params, 1), rpc_arg(params, 2),
                           rpc_arg_bool(params, 3, true));
    json_decref(empty);
    json_t *r = ok ? tx_hex_json(&tx) : NULL;
    tx_clear(&tx);
    return r;
}

/* ---- signrawtransactionwithkey ----------------------------------------- */

static const struct rpc_arg signrawtransactionwithkey_args[] = {
    {"hexstring", RPC_ARG_STR, false},
    {"privkeys", RPC_ARG_ARR, false},
    {"prevtxs", RPC_ARG_ARR, true},
    {"sighashtype", RPC_ARG_STR, true},
};
static const char signrawtransactionwithkey_help[] =
    "signrawtransactionwithkey \"hexstring\" [\"privatekey\",...] ( [{\"txid\":\"hex\",\"vout\":n,\"scriptPubKey\":\"hex\",\"redeemScript\":\"hex\",\"witnessScript\":\"hex\",\"amount\":amount},...] \"sighashtype\" )\n"
    "\n"
    "Sign inputs for raw transaction (serialized, hex-encoded).\n"
    "The second argument is an array of base58-encoded private\n"
    "keys that will be the only keys used to sign the transaction.\n"
    "The third optional argument (may be null) is an array of previous transaction outputs that\n"
    "this transaction depends on but may not yet be in the block chain.\n"
    "\n"
    "Arguments:\n"
    "1. hexstring                        (string, required) The transaction hex string\n"
    "2. privkeys                         (json array, required) The base58-encoded private keys for signing\n"
    "     [\n"
    "       \"privatekey\",                (string) private key in base58-encoding\n"
    "       ...\n"
    "     ]\n"
    "3. prevtxs                          (json array, optional) The previous dependent transaction outputs\n"
    "     [\n"
    "       {                            (json object)\n"
    "         \"txid\": \"hex\",             (string, required) The transaction id\n"
    "         \"vout\": n,                 (numeric, required) The output number\n"
    "         \"scriptPubKey\": \"hex\",     (string, required) output script\n"
    "         \"redeemScript\": \"hex\",     (string, optional) (required for P2SH) redeem script\n"
    "         \"witnessScript\": \"hex\",    (string, optional) (required for P2WSH or P2SH-P2WSH) witness script\n"
    "         \"amount\": amount,          (numeric or string, optional) (required for Segwit inputs) the amount spent\n"
    "       },\n"
    "       ...\n"
    "     ]\n"
    "4. sighashtype                      (string, optional, default=\"DEFAULT for Taproot, ALL otherwise\") The signature hash type. Must be one of:\n"
    "                                    \"DEFAULT\"\n"
    "                                    \"ALL\"\n"
    "                                    \"NONE\"\n"
    "                                    \"SINGLE\"\n"
    "                                    \"ALL|ANYONECANPAY\"\n"
    "                                    \"NONE|ANYONECANPAY\"\n"
    "                                    \"SINGLE|ANYONECANPAY\"\n"
    "\n"
    "Result:\n"
    "{                             (json object)\n"
    "  \"hex\" : \"hex\",              (string) The hex-encoded raw transaction with signature(s)\n"
    "  \"complete\" : true|false,    (boolean) If the transaction has a complete set of signatures\n"
    "  \"errors\" : [                (json array, optional) Script verification errors (if there are any)\n"
    "    {                         (json object)\n"
    "      \"txid\" : \"hex\",         (string) The hash of the referenced, previous transaction\n"
    "      \"vout\" : n,             (numeric) The index of the output to spent and used as input\n"
    "      \"witness\" : [           (json array)\n"
    "        \"hex\",                (string)\n"
    "        ...\n"
    "      ],\n"
    "      \"scriptSig\" : \"hex\",    (string) The hex-encoded signature script\n"
    "      \"sequence\" : n,         (numeric) Script sequence number\n"
    "      \"error\" : \"str\"         (string) Verification or signing error related to the input\n"
    "    },\n"
    "    ...\n"
    "  ]\n"
    "}\n"
    "\n"
    "Examples:\n" RPC_HELP_CLI("signrawtransactionwithkey", "\"myhex\" \"[\\\"key1\\\",\\\"key2\\\"]\"")
        RPC_HELP_RPC("signrawtransactionwithkey", "\"myhex\", \"[\\\"key1\\\",\\\"key2\\\"]\"");

/* One input's coin as far as known. */
struct known_coin {
    struct txout out;
    bool have;
    bool amount_known;
};

/* Core's ParsePrevouts for one prevtxs entry: records its coin when one of
 * tx's inputs spends it and adds its scripts to the signer. */
static bool parse_prevout(struct rpc_error *err, struct tx_signer *signer, struct known_coin *coins,
                          const struct tx *tx, const json_t *p)
{
    if (!json_is_object(p)) {
        rpc_fail(err, RPC_DESERIALIZATION_ERROR, "expected object with {\"txid'\",\"vout\",\"scriptPubKey\"}");
        return false;
    }
    static const struct {
        const char *key;
        bool is_string;
    } req[] = {{"txid", true}, {"vout", false}, {"scriptPubKey", true}};
    for (size_t i = 0; i < 3; i++) {
        const json_t *v = json_object_get(p, req[i].key);
        if (!v || json_is_null(v)) {
            rpc_fail(err, RPC_TYPE_ERROR, "Missing %s", req[i].key);
            return false;
        }
        bool ok = req[i].is_string ? json_is_string(v) : json_is_number(v);
        if (!ok) {
            rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s for field %s is not of expected type %s", rpc_json_type_name(v),
                     req[i].key, req[i].is_string ? "string" : "number");
            return false;
        }
    }
    struct outpoint op;
    if (!rpc_parse_hash(err, &op.txid, json_object_get(p, "txid"), "txid"))
        return false;
    const json_t *vout = json_object_get(p, "vout");
    int64_t n;
    if (!rpc_json_int(err, &n, vout, RPC_INT32))
        return false;
    if (n < 0) {
        rpc_fail(err, RPC_DESERIALIZATION_ERROR, "vout cannot be negative");
        return false;
    }
    op.n = (uint32_t)n;
    size_t spk_len;
    uint8_t *spk = rpc_parse_hex(err, &spk_len, json_object_get(p, "scriptPubKey"), "scriptPubKey");
    if (!spk)
        return false;
    int64_t amount = MAX_MONEY;
    bool amount_known = false;
    const json_t *av = json_object_get(p, "amount");
    if (av && !json_is_null(av)) {
        if (!rpc_parse_amount(err, &amount, av)) {
            mem_free(spk);
            return false;
        }
        amount_known = true;
    }
    bool ok = true;
    for (size_t i = 0; ok && i < tx->vin_count; i++) {
        if (!(hash256_eq(&tx->vin[i].prevout.txid, &op.txid) && tx->vin[i].prevout.n == op.n))
            continue;
        struct known_coin *c = &coins[i];
        if (c->have && (c->out.script_pubkey.len != spk_len ||
                        memcmp(bytes_or_empty(c->out.script_pubkey.data), spk, spk_len) != 0)) {
            char *a = script_to_asm(bytes_or_empty(c->out.script_pubkey.data), c->out.script_pubkey.len, false);
            char *b = script_to_asm(spk, spk_len, false);
            rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Previous output scriptPubKey mismatch:\n%s\nvs:\n%s", a, b);
            mem_free(a);
            mem_free(b);
            ok = false;
            break;
        }
        txout_clear(&c->out);
        c->out.value = amount;
        bytes_set(&c->out.script_pubkey, spk, spk_len);
        c->have = true;
        c->amount_known = amount_known;
    }
    /* the redeem/witness script belongs to the locking script after a token prefix */
    size_t lock_len;
    const uint8_t *lock = tx_locking_script(spk, spk_len, signer->flags & SCRIPT_VERIFY_TOKENS, &lock_len);
    bool is_p2sh = script_is_p2sh(lock, lock_len);
    int wv;
    const uint8_t *prog;
    size_t prog_len;
    bool is_p2wsh = script_is_witness_program(lock, lock_len, &wv, &prog, &prog_len) && wv == 0 && prog_len == 32;
    mem_free(spk);
    if (!ok || !(is_p2sh || is_p2wsh))
        return ok;
    const json_t *rs = json_object_get(p, "redeemScript"), *ws = json_object_get(p, "witnessScript");
    if (rs && json_is_null(rs))
        rs = NULL;
    if (ws && json_is_null(ws))
        ws = NULL;
    if ((rs && !json_is_string(rs)) || (ws && !json_is_string(ws))) {
        const json_t *bad = rs && !json_is_string(rs) ? rs : ws;
        rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s for field %s is not of expected type string", rpc_json_type_name(bad),
                 bad == rs ? "redeemScript" : "witnessScript");
        return false;
    }
    if (!rs && !ws) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Missing redeemScript/witnessScript");
        return false;
    }
    const json_t *scripts[2] = {rs, ws};
    const char *names[2] = {"redeemScript", "witnessScript"};
    for (int j = 0; j < 2; j++) {
        if (!scripts[j])
            continue;
        size_t len;
        uint8_t *s = rpc_parse_hex(err, &len, scripts[j], names[j]);
        if (!s)
            return false;
        tx_signer_add_script(signer, s, len);
        /* also its P2WSH program, for P2SH-P2WSH given only the inner script */
        struct wbuf w;
        wbuf_init(&w);
        rpc_script_p2wsh_of(&w, s, len);
        tx_signer_add_script(signer, w.data, w.len);
        wbuf_clear(&w);
        mem_free(s);
    }
    return true;
}

static json_t *rpc_signrawtransactionwithkey(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    if (!rpc_args_check(err, params, signrawtransactionwithkey_args, 4, signrawtransactionwithkey_help))
        return NULL;
    if (!ctx->params)
        return rpc_fail(err, RPC_IN_WARMUP, "Loading block index...");
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), true, true))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed. Make sure the tx has at least one input.");
    int hash_type = SIGHASH_DEFAULT;
    const char *sh = rpc_arg_str(params, 3, NULL);
    if (sh && !tx_sign_parse_sighash(&hash_type, sh)) {
        tx_clear(&tx);
        return rpc_fail(err, RPC_INVALID_PARAMETER, "'%.100s' is not a valid sighash parameter.", sh);
    }
    struct tx_signer signer;
    tx_signer_init(&signer, ctx->params->tokens_enabled);
    struct known_coin *coins = mem_calloc(tx.vin_count ? tx.vin_count : 1, sizeof(*coins));
    json_t *result = NULL;
    const json_t *keys = rpc_arg(params, 1);
    size_t i;
    const json_t *k;
    json_array_foreach(keys, i, k)
    {
        uint8_t sec[32];
        bool compressed;
        if (!rpc_json_cstr(k) || !rpc_wif_decode(sec, &compressed, json_string_value(k), ctx->params->wif_prefix)) {
            rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid private key");
            goto out;
        }
        bool added = tx_signer_add_key(&signer, sec, compressed);
        mem_wipe(sec, sizeof(sec));
        if (!added) {
            rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "Invalid private key");
            goto out;
        }
    }
    /* coins from the chain and the mempool first */
    if (ctx->chain) {
        chainstate_lock(ctx->chain);
        for (i = 0; i < tx.vin_count; i++) {
            struct coin c;
            coin_init(&c);
            if (chainstate_get_coin(ctx->chain, &c, &tx.vin[i].prevout)) {
                coins[i].out = c.out;
                c.out.script_pubkey.data = NULL;
                c.out.script_pubkey.len = 0;
                coins[i].have = coins[i].amount_known = true;
            } else if (ctx->mempool && mempool_get_output(ctx->mempool, &coins[i].out, &tx.vin[i].prevout)) {
                coins[i].have = coins[i].amount_known = true;
            }
            coin_clear(&c);
            /* a coin the mempool already spends is treated as spent (Core's CCoinsViewMemPool) */
            if (coins[i].have && ctx->mempool && mempool_is_spent(ctx->mempool, NULL, &tx.vin[i].prevout)) {
                txout_clear(&coins[i].out);
                coins[i].have = false;
            }
        }
        chainstate_unlock(ctx->chain);
    }
    const json_t *prevtxs = rpc_arg(params, 2);
    const json_t *p;
    json_array_foreach(prevtxs, i, p)
    {
        if (!parse_prevout(err, &signer, coins, &tx, p))
            goto out;
    }
    struct txout *spent = mem_calloc(tx.vin_count ? tx.vin_count : 1, sizeof(*spent));
    bool *have = mem_calloc(tx.vin_count ? tx.vin_count : 1, sizeof(bool));
    for (i = 0; i < tx.vin_count; i++) {
        spent[i] = coins[i].out; /* shallow: coins keep ownership */
        have[i] = coins[i].have;
    }
    json_t *errors = json_array();
    for (i = 0; i < tx.vin_count; i++) {
        const char *e;
        if (!coins[i].have)
            e = "Input not found or already spent";
        else
            e = tx_sign_input(&signer, &tx, i, spent, have, coins[i].amount_known, hash_type);
        if (!e)
            continue;
        const struct txin *in = &tx.vin[i];
        json_t *entry = json_object();
        json_object_set_new(entry, "txid", rpc_json_hash(&in->prevout.txid));
        json_object_set_new(entry, "vout", json_integer(in->prevout.n));
        json_t *wit = json_array();
        for (size_t j = 0; j < in->witness.count; j++)
            json_array_append_new(wit, rpc_json_hex(in->witness.items[j].data, in->witness.items[j].len));
        json_object_set_new(entry, "witness", wit);
        json_object_set_new(entry, "scriptSig", rpc_json_hex(bytes_or_empty(in->script_sig.data), in->script_sig.len));
        json_object_set_new(entry, "sequence", json_integer(in->sequence));
        json_object_set_new(entry, "error", json_string(e));
        json_array_append_new(errors, entry);
    }
    mem_free(spent);
    mem_free(have);
    tx_update_hashes(&tx);
    result = json_object();
    json_object_set_new(result, "hex", tx_hex_json(&tx));
    json_object_set_new(result, "complete", json_boolean(json_array_size(errors) == 0));
    if (json_array_size(errors))
        json_object_set_new(result, "errors", errors);
    else
        json_decref(errors);
out:
    for (i = 0; i < tx.vin_count; i++)
        txout_clear(&coins[i].out);
    mem_free(coins);
    tx_signer_clear(&signer);
    tx_clear(&tx);
    return result;
}

/* ---- registration ------------------------------------------------------ */

static const struct rpc_command rawtx_commands[] = {
    {"rawtransactions", "createrawtransaction", rpc_createrawtransaction,
     {"inputs", "outputs", "locktime", "replaceable", NULL}, createrawtransaction_help},
    {"rawtransactions", "decoderawtransaction", rpc_decoderawtransaction, {"hexstring", "iswitness", NULL},
     decoderawtransaction_help},
    {"rawtransactions", "decodescript", rpc_decodescript, {"hexstring", NULL}, decodescript_help},
    {"rawtransactions", "signrawtransactionwithkey", rpc_signrawtransactionwithkey,
     {"hexstring", "privkeys", "prevtxs", "sighashtype", NULL}, signrawtransactionwithkey_help},
};

void rpc_register_rawtx(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(rawtx_commands) / sizeof(rawtx_commands[0]); i++)
        rpc_table_add(t, &rawtx_commands[i]);
    for (size_t i = 0; i < rpc_rawtx_chain_command_count; i++)
        rpc_table_add(t, &rpc_rawtx_chain_commands[i]);
    rpc_register_psbt(t);
}
