/* PSBT RPCs (BIP 174, BIP 370 version 2) with Bitcoin Core's names, arguments, JSON shapes and
 * errors: createpsbt, decodepsbt, combinepsbt, finalizepsbt, converttopsbt,
 * joinpsbts, analyzepsbt (no wallet), and walletprocesspsbt,
 * walletcreatefundedpsbt (wallet). The format itself is wallet/psbt.c. */
#include <stdio.h>
#include <string.h>

#include "consensus/amount.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "src/rpc/json_tx.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "src/rpc/rpc_internal.h"
#include "src/rpc/rpc_wallet.h"
#include "src/chain/chainstate.h"
#include "src/crypto/base58.h"
#include "src/chain/mempool.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/rbuf.h"
#include "wallet/descriptor.h"
#include "src/chain/policy.h"
#include "wallet/psbt.h"
#include "wallet/psbt_sign.h"
#include "wallet/psbt_v2.h"
#include "wallet/tx_sign.h"
#include "wallet/wallet.h"
#include "wallet/wallet_token.h"

/* Core's DecodeBase64PSBT failure: -22 "TX decode failed <why>". */
static bool decode_arg(struct rpc_error *err, struct psbt *p, const json_t *v)
{
    char why[256];
    const char *s = rpc_json_cstr(v);
    if (!psbt_decode_base64(p, s ? s : "", why, sizeof(why))) {
        rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed %s", why);
        return false;
    }
    return true;
}

static json_t *psbt_json_string(const struct psbt *p)
{
    char *b = psbt_to_base64(p);
    json_t *v = json_string(b);
    mem_free(b);
    return v;
}

/* ---- JSON of a PSBT (decodepsbt) ------------------------------------------ */

static json_t *script_json(const uint8_t *s, size_t len, const struct rpc_tx_style *style, bool with_address)
{
    json_t *token = NULL;
    json_t *o = rpc_script_pubkey_to_json(&token, s, len, style);
    if (token)
        json_decref(token);
    if (!with_address)
        json_object_del(o, "address");
    return o;
}

static json_t *hex_json(const struct bytes *b)
{
    return rpc_json_hex(b->data, b->len);
}

/* "m/44'/0'/0'" from 4-byte little-endian steps. */
static json_t *keypath_json(const uint8_t *pub, size_t pub_len, const uint8_t *v, size_t len)
{
    json_t *o = json_object();
    char hx[131];
    hex_encode(hx, pub, pub_len);
    json_object_set_new(o, "pubkey", json_string(hx));
    char fp[9];
    hex_encode(fp, v, 4);
    json_object_set_new(o, "master_fingerprint", json_string(fp));
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u8(&w, 'm');
    for (size_t k = 4; k + 4 <= len; k += 4) {
        uint32_t step = (uint32_t)v[k] | (uint32_t)v[k + 1] << 8 | (uint32_t)v[k + 2] << 16 | (uint32_t)v[k + 3] << 24;
        char b[16];
        snprintf(b, sizeof(b), "/%u%s", step & 0x7fffffffu, (step & 0x80000000u) ? "'" : "");
        wbuf_put(&w, b, strlen(b));
    }
    wbuf_u8(&w, 0);
    json_object_set_new(o, "path", json_string((const char *)w.data));
    wbuf_clear(&w);
    return o;
}

/* A TAP_BIP32_DERIVATION value (inputs and outputs alike): leaf hashes, then fingerprint and path. */
static json_t *tap_keypath_json(const uint8_t xonly[32], const uint8_t *v, size_t len)
{
    struct rbuf r = rbuf_make(v, len);
    uint64_t n = 0;
    json_t *leaves = json_array();
    if (rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE))
        for (uint64_t j = 0; j < n; j++) {
            const uint8_t *h = rbuf_take(&r, 32);
            if (!h)
                break;
            json_array_append_new(leaves, rpc_json_hex(h, 32));
        }
    json_t *o = keypath_json(xonly, 32, r.p, r.len);
    json_object_set_new(o, "leaf_hashes", leaves);
    return o;
}

static const char *sighash_name(uint32_t v)
{
    switch (v) {
    case 0: return "DEFAULT";
    case 1: return "ALL";
    case 2: return "NONE";
    case 3: return "SINGLE";
    case 0x81: return "ALL|ANYONECANPAY";
    case 0x82: return "NONE|ANYONECANPAY";
    case 0x83: return "SINGLE|ANYONECANPAY";
    default: return NULL;
    }
}

static void add_unknown(json_t *unknown, const struct psbt_pair *pr)
{
    char *k = hex_encode_alloc(pr->key.data, pr->key.len);
    char *v = hex_encode_alloc(pr->value.data, pr->value.len);
    json_object_set_new(unknown, k, json_string(v));
    mem_free(k);
    mem_free(v);
}

static void add_proprietary(json_t *arr, const struct psbt_pair *pr)
{
    json_t *o = json_object();
    struct rbuf r = rbuf_make(pr->key.data + 1, pr->key.len - 1);
    uint64_t n = 0, sub = 0;
    const uint8_t *id = NULL;
    if (rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE) && (n == 0 || (id = rbuf_take(&r, (size_t)n)) != NULL) &&
        rbuf_compact(&r, &sub, UINT64_MAX)) {
        char *h = hex_encode_alloc(id ? id : bytes_empty, (size_t)n);
        json_object_set_new(o, "identifier", json_string(h));
        mem_free(h);
        json_object_set_new(o, "subtype", json_integer((json_int_t)sub));
    }
    char *k = hex_encode_alloc(pr->key.data, pr->key.len);
    char *v = hex_encode_alloc(pr->value.data, pr->value.len);
    json_object_set_new(o, "key", json_string(k));
    json_object_set_new(o, "value", json_string(v));
    mem_free(k);
    mem_free(v);
    json_array_append_new(arr, o);
}

static uint32_t le32_value(const struct bytes *v)
{
    return (uint32_t)v->data[0] | (uint32_t)v->data[1] << 8 | (uint32_t)v->data[2] << 16 |
           (uint32_t)v->data[3] << 24;
}

/* Core shows a map's repeated fields only when present: an array made on
 * first use, set on the map's object only if it was made (an object, such
 * as "unknown", only if it has entries). */
static json_t *lazy_array(json_t **a)
{
    if (!*a)
        *a = json_array();
    return *a;
}

static void set_present(json_t *o, const char *name, json_t *v)
{
    if (v && (!json_is_object(v) || json_object_size(v)))
        json_object_set_new(o, name, v);
    else
        json_decref(v);
}

/* A script value (redeem or witness script) as decodescript shows it. */
static json_t *value_script_json(const struct bytes *v, const struct rpc_tx_style *style)
{
    return script_json(bytes_or_empty(v->data), v->len, style, false);
}

/* The input's BIP 370 fields (version 2 only): the outpoint and sequence
 * the transaction carries. */
static void input_v2_json(json_t *in, const struct psbt *p, size_t i)
{
    char txid[65];
    hex_encode_reversed(txid, p->tx.vin[i].prevout.txid.b, 32);
    json_object_set_new(in, "previous_txid", json_string(txid));
    json_object_set_new(in, "previous_vout", json_integer(p->tx.vin[i].prevout.n));
    json_object_set_new(in, "sequence", json_integer(p->tx.vin[i].sequence));
}

static json_t *input_json(const struct psbt *p, size_t i, const struct rpc_tx_style *style)
{
    const struct psbt_map *m = &p->inputs[i];
    json_t *in = json_object(), *partial = NULL, *derivs = NULL, *unknown = json_object(), *prop = NULL;
    json_t *tap_derivs = NULL, *tap_script_sigs = NULL, *tap_scripts = NULL;
    if (p->version == 2)
        input_v2_json(in, p, i);
    for (size_t k = 0; k < m->count; k++) {
        const struct psbt_pair *pr = &m->pairs[k];
        const uint8_t *key = pr->key.data;
        switch (key[0]) {
        case PSBT_IN_REQUIRED_TIME_LOCKTIME:
            json_object_set_new(in, "time_locktime", json_integer(le32_value(&pr->value)));
            break;
        case PSBT_IN_REQUIRED_HEIGHT_LOCKTIME:
            json_object_set_new(in, "height_locktime", json_integer(le32_value(&pr->value)));
            break;
        case PSBT_IN_NON_WITNESS_UTXO: {
            struct tx t;
            if (tx_decode(&t, pr->value.data, pr->value.len, true)) {
                json_object_set_new(in, "non_witness_utxo", rpc_tx_to_json(&t, style, false));
                tx_clear(&t);
            }
            break;
        }
        case PSBT_IN_WITNESS_UTXO: {
            struct rbuf r = rbuf_make(pr->value.data, pr->value.len);
            struct txout o;
            if (txout_parse(&o, &r)) {
                json_t *u = json_object();
                json_object_set_new(u, "amount", rpc_json_amount(o.value));
                json_object_set_new(u, "scriptPubKey",
                                    script_json(bytes_or_empty(o.script_pubkey.data), o.script_pubkey.len, style, true));
                json_object_set_new(in, "witness_utxo", u);
                txout_clear(&o);
            }
            break;
        }
        case PSBT_IN_PARTIAL_SIG: {
            if (!partial)
                partial = json_object();
            char hx[131];
            hex_encode(hx, key + 1, pr->key.len - 1);
            json_object_set_new(partial, hx, hex_json(&pr->value));
            break;
        }
        case PSBT_IN_SIGHASH: {
            uint32_t v = le32_value(&pr->value);
            const char *nm = sighash_name(v);
            char b[16];
            snprintf(b, sizeof(b), "%u", v);
            json_object_set_new(in, "sighash", json_string(nm ? nm : b));
            break;
        }
        case PSBT_IN_REDEEM_SCRIPT:
            json_object_set_new(in, "redeem_script", value_script_json(&pr->value, style));
            break;
        case PSBT_IN_WITNESS_SCRIPT:
            json_object_set_new(in, "witness_script", value_script_json(&pr->value, style));
            break;
        case PSBT_IN_BIP32_DERIVATION:
            json_array_append_new(lazy_array(&derivs),
                                  keypath_json(key + 1, pr->key.len - 1, pr->value.data, pr->value.len));
            break;
        case PSBT_IN_SCRIPTSIG: {
            json_t *o = json_object();
            char *a = script_to_asm(bytes_or_empty(pr->value.data), pr->value.len, true);
            json_object_set_new(o, "asm", json_string(a));
            mem_free(a);
            json_object_set_new(o, "hex", hex_json(&pr->value));
            json_object_set_new(in, "final_scriptSig", o);
            break;
        }
        case PSBT_IN_SCRIPTWITNESS: {
            json_t *a = json_array();
            struct rbuf r = rbuf_make(pr->value.data, pr->value.len);
            uint64_t n, l;
            if (rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE))
                for (uint64_t j = 0; j < n && rbuf_compact(&r, &l, RBUF_MAX_COMPACT_SIZE); j++) {
                    const uint8_t *d = l ? rbuf_take(&r, (size_t)l) : bytes_empty;
                    if (!d)
                        break;
                    json_array_append_new(a, rpc_json_hex(d, (size_t)l));
                }
            json_object_set_new(in, "final_scriptwitness", a);
            break;
        }
        case PSBT_IN_TAP_KEY_SIG:
            json_object_set_new(in, "taproot_key_path_sig", hex_json(&pr->value));
            break;
        case PSBT_IN_TAP_SCRIPT_SIG: {
            json_t *o = json_object();
            json_object_set_new(o, "pubkey", rpc_json_hex(key + 1, 32));
            json_object_set_new(o, "leaf_hash", rpc_json_hex(key + 33, 32));
            json_object_set_new(o, "sig", hex_json(&pr->value));
            json_array_append_new(lazy_array(&tap_script_sigs), o);
            break;
        }
        case PSBT_IN_TAP_LEAF_SCRIPT: {
            json_t *o = json_object();
            json_object_set_new(o, "script", rpc_json_hex(pr->value.data, pr->value.len - 1));
            json_object_set_new(o, "leaf_ver", json_integer(pr->value.data[pr->value.len - 1]));
            json_t *cb = json_array();
            json_array_append_new(cb, rpc_json_hex(key + 1, pr->key.len - 1));
            json_object_set_new(o, "control_blocks", cb);
            json_array_append_new(lazy_array(&tap_scripts), o);
            break;
        }
        case PSBT_IN_TAP_BIP32_DERIVATION: {
            json_array_append_new(lazy_array(&tap_derivs), tap_keypath_json(key + 1, pr->value.data, pr->value.len));
            break;
        }
        case PSBT_IN_TAP_INTERNAL_KEY:
            json_object_set_new(in, "taproot_internal_key", hex_json(&pr->value));
            break;
        case PSBT_IN_TAP_MERKLE_ROOT:
            json_object_set_new(in, "taproot_merkle_root", hex_json(&pr->value));
            break;
        case PSBT_PROPRIETARY:
            add_proprietary(lazy_array(&prop), pr);
            break;
        default:
            add_unknown(unknown, pr);
        }
    }
    set_present(in, "partial_signatures", partial);
    set_present(in, "bip32_derivs", derivs);
    set_present(in, "taproot_script_path_sigs", tap_script_sigs);
    set_present(in, "taproot_scripts", tap_scripts);
    set_present(in, "taproot_bip32_derivs", tap_derivs);
    set_present(in, "proprietary", prop);
    set_present(in, "unknown", unknown);
    return in;
}

/* BIP 371 PSBT_OUT_TAP_TREE as Core shows it: [{depth, leaf_ver, script}]
 * (the parser checked the triples). */
static json_t *tap_tree_json(const struct bytes *v)
{
    json_t *a = json_array();
    struct rbuf r = rbuf_make(v->data, v->len);
    uint8_t depth, ver;
    uint64_t n;
    while (r.len && rbuf_u8(&r, &depth) && rbuf_u8(&r, &ver) && rbuf_compact(&r, &n, RBUF_MAX_COMPACT_SIZE)) {
        const uint8_t *script = rbuf_take(&r, (size_t)n);
        if (!script && n)
            break;
        char *h = hex_encode_alloc(bytes_or_empty(script), (size_t)n);
        json_t *o = json_object();
        json_object_set_new(o, "depth", json_integer(depth));
        json_object_set_new(o, "leaf_ver", json_integer(ver));
        json_object_set_new(o, "script", json_string(h));
        mem_free(h);
        json_array_append_new(a, o);
    }
    return a;
}

static json_t *output_json(const struct psbt *p, size_t i, const struct rpc_tx_style *style)
{
    const struct psbt_map *m = &p->outputs[i];
    json_t *out = json_object(), *derivs = NULL, *unknown = json_object(), *prop = NULL, *tap_derivs = NULL;
    if (p->version == 2) { /* BIP 370: the output's own amount and script */
        const struct txout *o = &p->tx.vout[i];
        json_object_set_new(out, "amount", rpc_json_amount(o->value));
        json_object_set_new(out, "script",
                            script_json(bytes_or_empty(o->script_pubkey.data), o->script_pubkey.len, style, true));
    }
    for (size_t k = 0; k < m->count; k++) {
        const struct psbt_pair *pr = &m->pairs[k];
        const uint8_t *key = pr->key.data;
        switch (key[0]) {
        case PSBT_OUT_TAP_TREE:
            json_object_set_new(out, "taproot_tree", tap_tree_json(&pr->value));
            break;
        case PSBT_OUT_REDEEM_SCRIPT:
            json_object_set_new(out, "redeem_script", value_script_json(&pr->value, style));
            break;
        case PSBT_OUT_WITNESS_SCRIPT:
            json_object_set_new(out, "witness_script", value_script_json(&pr->value, style));
            break;
        case PSBT_OUT_BIP32_DERIVATION:
            json_array_append_new(lazy_array(&derivs),
                                  keypath_json(key + 1, pr->key.len - 1, pr->value.data, pr->value.len));
            break;
        case PSBT_OUT_TAP_INTERNAL_KEY:
            json_object_set_new(out, "taproot_internal_key", hex_json(&pr->value));
            break;
        case PSBT_OUT_TAP_BIP32_DERIVATION: {
            json_array_append_new(lazy_array(&tap_derivs), tap_keypath_json(key + 1, pr->value.data, pr->value.len));
            break;
        }
        case PSBT_PROPRIETARY:
            add_proprietary(lazy_array(&prop), pr);
            break;
        default:
            add_unknown(unknown, pr);
        }
    }
    set_present(out, "bip32_derivs", derivs);
    set_present(out, "taproot_bip32_derivs", tap_derivs);
    set_present(out, "proprietary", prop);
    set_present(out, "unknown", unknown);
    return out;
}

/* The fee when every input's UTXO is known; false otherwise (or out of range). */
static bool psbt_fee(const struct psbt *p, int64_t *fee)
{
    int64_t in = 0, out = 0;
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        struct txout o;
        if (!psbt_input_utxo(p, i, &o))
            return false;
        in += o.value;
        txout_clear(&o);
        if (!money_range(o.value) || !money_range(in))
            return false;
    }
    if (!tx_value_out(&p->tx, &out))
        return false;
    *fee = in - out;
    return true;
}

RPC_ARGS(decodepsbt, { "psbt", RPC_ARG_STR, false });
static const char decodepsbt_help[] =
    "decodepsbt \"psbt\"\n"
    "\n"
    "Return a JSON object representing the serialized, base64-encoded partially signed Hashmint transaction.\n"
    "\n"
    "Arguments:\n"
    "1. psbt    (string, required) The PSBT base64 string\n"
    "\n"
    "Result: {tx, global_xpubs, psbt_version, proprietary, unknown, inputs, outputs, fee} as Bitcoin Core.\n";
static json_t *rpc_decodepsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(decodepsbt, decodepsbt_help);
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0)))
        return NULL;
    struct rpc_tx_style style;
    rpc_tx_style_init(&style, ctx->params);
    json_t *r = json_object();
    json_object_set_new(r, "tx", rpc_tx_to_json(&p.tx, &style, false));
    json_t *xpubs = json_array(), *prop = json_array(), *unknown = json_object();
    for (size_t k = 0; k < p.global.count; k++) {
        const struct psbt_pair *pr = &p.global.pairs[k];
        if (pr->key.data[0] == PSBT_GLOBAL_XPUB) {
            json_t *o = json_object();
            char x[120];
            if (base58check_encode(x, sizeof(x), pr->key.data + 1, 78))
                json_object_set_new(o, "xpub", json_string(x));
            char fp[9];
            hex_encode(fp, pr->value.data, 4);
            json_object_set_new(o, "master_fingerprint", json_string(fp));
            json_t *kp = keypath_json(pr->key.data + 1, 0, pr->value.data, pr->value.len);
            json_object_set(o, "path", json_object_get(kp, "path"));
            json_decref(kp);
            json_array_append_new(xpubs, o);
        } else if (pr->key.data[0] == PSBT_PROPRIETARY) {
            add_proprietary(prop, pr);
        } else if (pr->key.data[0] == PSBT_GLOBAL_FALLBACK_LOCKTIME && p.version == 2) {
            json_object_set_new(r, "fallback_locktime", json_integer(le32_value(&pr->value)));
        } else if (pr->key.data[0] == PSBT_GLOBAL_TX_MODIFIABLE && p.version == 2) {
            json_object_set_new(r, "tx_modifiable", json_integer(pr->value.data[0]));
        } else if (pr->key.data[0] != PSBT_GLOBAL_VERSION) {
            add_unknown(unknown, pr);
        }
    }
    if (p.version == 2) { /* BIP 370's globals; "tx" above is the transaction they make */
        json_object_set_new(r, "tx_version", json_integer(p.tx.version));
        json_object_set_new(r, "input_count", json_integer((json_int_t)p.tx.vin_count));
        json_object_set_new(r, "output_count", json_integer((json_int_t)p.tx.vout_count));
    }
    json_object_set_new(r, "global_xpubs", xpubs);
    json_object_set_new(r, "psbt_version", json_integer(p.version));
    json_object_set_new(r, "proprietary", prop);
    json_object_set_new(r, "unknown", unknown);
    json_t *ins = json_array(), *outs = json_array();
    for (size_t i = 0; i < p.tx.vin_count; i++)
        json_array_append_new(ins, input_json(&p, i, &style));
    for (size_t i = 0; i < p.tx.vout_count; i++)
        json_array_append_new(outs, output_json(&p, i, &style));
    json_object_set_new(r, "inputs", ins);
    json_object_set_new(r, "outputs", outs);
    int64_t fee;
    if (psbt_fee(&p, &fee))
        json_object_set_new(r, "fee", rpc_json_amount(fee));
    psbt_clear(&p);
    return r;
}

/* ---- createpsbt / converttopsbt ------------------------------------------ */

RPC_ARGS(createpsbt, { "inputs", RPC_ARG_ARR, false }, { "outputs", RPC_ARG_ANY, false }, { "locktime", RPC_ARG_NUM, true },
         { "replaceable", RPC_ARG_BOOL, true }, { "version", RPC_ARG_NUM, true }, { "psbt_version", RPC_ARG_NUM, true });
static const char createpsbt_help[] =
    "createpsbt [{\"txid\":\"hex\",\"vout\":n,\"sequence\":n},...] [{\"address\":amount,...},{\"data\":\"hex\"},...] ( locktime replaceable version psbt_version )\n"
    "\n"
    "Creates a transaction in the Partially Signed Transaction format.\n"
    "Implements the Creator role. Arguments 1-4 as createrawtransaction.\n"
    "5. version         (numeric, optional, default=2) Transaction version (1 to 3)\n"
    "6. psbt_version    (numeric, optional, default=0) PSBT version: 0 (BIP 174) or 2 (BIP 370)\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The resulting raw transaction (base64-encoded string)\n";
static json_t *rpc_createpsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(createpsbt, createpsbt_help);
    int64_t version, psbt_version;
    if (!rpc_arg_int(err, &version, params, 4, 2, RPC_INT32) ||
        !rpc_arg_int(err, &psbt_version, params, 5, 0, RPC_UINT32))
        return NULL;
    if (version < POLICY_TX_MIN_STANDARD_VERSION || version > POLICY_TX_MAX_STANDARD_VERSION) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, version out of range(%d~%d)",
                 POLICY_TX_MIN_STANDARD_VERSION, POLICY_TX_MAX_STANDARD_VERSION);
        return NULL;
    }
    if (psbt_version != 0 && psbt_version != 2) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, psbt_version must be 0 or 2");
        return NULL;
    }
    const json_t *inputs = rpc_arg(params, 0);
    json_t *empty = json_array();
    struct tx tx;
    tx_init(&tx);
    bool ok = rpc_construct_tx(err, &tx, ctx->params, inputs ? inputs : empty, rpc_arg(params, 1),
                               rpc_arg(params, 2), rpc_arg_bool(params, 3, true));
    json_decref(empty);
    tx.version = (int32_t)version;
    tx_update_hashes(&tx);
    json_t *r = NULL;
    struct psbt p;
    if (ok && psbt_from_tx(&p, &tx)) {
        char why[200];
        if (psbt_convert(&p, (uint32_t)psbt_version, why, sizeof(why)))
            r = psbt_json_string(&p);
        else
            rpc_fail(err, RPC_INVALID_PARAMETER, "%s", why);
        psbt_clear(&p);
    }
    tx_clear(&tx);
    return r;
}

RPC_ARGS(converttopsbt, { "hexstring", RPC_ARG_STR, false }, { "permitsigdata", RPC_ARG_BOOL, true },
         { "iswitness", RPC_ARG_BOOL, true });
static const char converttopsbt_help[] =
    "converttopsbt \"hexstring\" ( permitsigdata iswitness )\n"
    "\n"
    "Converts a network serialized transaction to a PSBT. createpsbt and walletcreatefundedpsbt should be used for new applications.\n"
    "\n"
    "Arguments:\n"
    "1. hexstring        (string, required) The hex string of a raw transaction\n"
    "2. permitsigdata    (boolean, optional, default=false) If true, any signatures in the input will be discarded and conversion will continue. If false, RPC will fail if any signatures are present.\n"
    "3. iswitness        (boolean, optional) Whether the transaction hex is a serialized witness transaction.\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The resulting raw transaction (base64-encoded string)\n";
static json_t *rpc_converttopsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)ctx;
    RPC_ARGS_CHECK(converttopsbt, converttopsbt_help);
    bool permit = rpc_arg_bool(params, 1, false);
    bool try_witness = rpc_arg(params, 2) ? rpc_arg_bool(params, 2, true) : true;
    bool try_no_witness = rpc_arg(params, 2) ? !rpc_arg_bool(params, 2, true) : true;
    struct tx tx;
    if (!rpc_decode_hex_tx(&tx, rpc_arg_str(params, 0, ""), try_no_witness, try_witness))
        return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "TX decode failed");
    for (size_t i = 0; i < tx.vin_count; i++) {
        struct txin *in = &tx.vin[i];
        if (in->script_sig.len || in->witness.count) {
            if (!permit) {
                tx_clear(&tx);
                return rpc_fail(err, RPC_DESERIALIZATION_ERROR, "Inputs must not have scriptSigs and scriptWitnesses");
            }
            bytes_clear(&in->script_sig);
            for (size_t k = 0; k < in->witness.count; k++)
                bytes_clear(&in->witness.items[k]);
            mem_free(in->witness.items);
            in->witness.items = NULL;
            in->witness.count = 0;
        }
    }
    tx_update_hashes(&tx);
    struct psbt p;
    json_t *r = NULL;
    if (psbt_from_tx(&p, &tx)) {
        r = psbt_json_string(&p);
        psbt_clear(&p);
    }
    tx_clear(&tx);
    return r;
}

/* ---- combinepsbt / joinpsbts --------------------------------------------- */

/* Decodes every string of the array params[0]; false with *err set. */
static bool decode_array(struct rpc_error *err, const json_t *arr, struct psbt **out, size_t *n)
{
    *n = json_array_size(arr);
    *out = mem_calloc(*n ? *n : 1, sizeof(**out));
    for (size_t i = 0; i < *n; i++) {
        if (!json_is_string(json_array_get(arr, i))) {
            rpc_fail(err, RPC_TYPE_ERROR, "JSON value of type %s is not of expected type string",
                     rpc_json_type_name(json_array_get(arr, i)));
            for (size_t k = 0; k < i; k++)
                psbt_clear(&(*out)[k]);
            return false;
        }
        if (!decode_arg(err, &(*out)[i], json_array_get(arr, i))) {
            for (size_t k = 0; k < i; k++)
                psbt_clear(&(*out)[k]);
            return false;
        }
    }
    return true;
}

static void free_array(struct psbt *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        psbt_clear(&v[i]);
    mem_free(v);
}

RPC_ARGS(combinepsbt, { "txs", RPC_ARG_ARR, false });
static const char combinepsbt_help[] =
    "combinepsbt [\"psbt\",...]\n"
    "\n"
    "Combine multiple partially signed transactions into one transaction.\n"
    "Implements the Combiner role.\n"
    "\n"
    "Arguments:\n"
    "1. txs    (json array, required) The base64 strings of partially signed transactions\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The base64-encoded partially signed transaction\n";
static json_t *rpc_combinepsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)ctx;
    RPC_ARGS_CHECK(combinepsbt, combinepsbt_help);
    struct psbt *v;
    size_t n;
    if (!decode_array(err, rpc_arg(params, 0), &v, &n))
        return NULL;
    if (n == 0) {
        free_array(v, n);
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Parameter 'txs' cannot be empty");
    }
    struct psbt merged;
    psbt_copy(&merged, &v[0]);
    json_t *r = NULL;
    bool ok = true;
    for (size_t i = 1; ok && i < n; i++)
        ok = psbt_merge(&merged, &v[i]);
    if (ok)
        r = psbt_json_string(&merged);
    else
        rpc_fail(err, RPC_INVALID_PARAMETER, "PSBTs not compatible (different transactions)");
    psbt_clear(&merged);
    free_array(v, n);
    return r;
}

RPC_ARGS(joinpsbts, { "txs", RPC_ARG_ARR, false });
static const char joinpsbts_help[] =
    "joinpsbts [\"psbt\",...]\n"
    "\n"
    "Joins multiple distinct PSBTs with different inputs and outputs into one PSBT with inputs and outputs from all of the PSBTs\n"
    "No input in any of the PSBTs can be in more than one of the PSBTs.\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The base64-encoded partially signed transaction\n";
static json_t *rpc_joinpsbts(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)ctx;
    RPC_ARGS_CHECK(joinpsbts, joinpsbts_help);
    struct psbt *v;
    size_t n;
    if (!decode_array(err, rpc_arg(params, 0), &v, &n))
        return NULL;
    if (n <= 1) {
        free_array(v, n);
        return rpc_fail(err, RPC_INVALID_PARAMETER, "At least two PSBTs are required to join PSBTs.");
    }
    /* Core: the highest version, the lowest locktime */
    struct tx tx;
    tx_init(&tx);
    tx.version = v[0].tx.version;
    tx.locktime = v[0].tx.locktime;
    for (size_t i = 1; i < n; i++) {
        if (v[i].tx.version > tx.version)
            tx.version = v[i].tx.version;
        if (v[i].tx.locktime < tx.locktime)
            tx.locktime = v[i].tx.locktime;
    }
    json_t *r = NULL;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < v[i].tx.vin_count; k++) {
            const struct outpoint *op = &v[i].tx.vin[k].prevout;
            for (size_t j = 0; j < tx.vin_count; j++)
                if (!memcmp(&tx.vin[j].prevout.txid, &op->txid, 32) && tx.vin[j].prevout.n == op->n) {
                    char hx[65];
                    hash256_to_hex(hx, &op->txid);
                    rpc_fail(err, RPC_INVALID_PARAMETER, "Input %s:%u exists in multiple PSBTs", hx, op->n);
                    goto out;
                }
            (void)tx_add_input(&tx, op, NULL, 0, v[i].tx.vin[k].sequence);
        }
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < v[i].tx.vout_count; k++)
            (void)tx_add_output(&tx, v[i].tx.vout[k].value, v[i].tx.vout[k].script_pubkey.data,
                                v[i].tx.vout[k].script_pubkey.len);
    tx_update_hashes(&tx);
    struct psbt joined;
    if (psbt_from_tx(&joined, &tx)) {
        size_t ii = 0, oo = 0;
        for (size_t i = 0; i < n; i++) {
            for (size_t k = 0; k < v[i].tx.vin_count; k++, ii++)
                for (size_t q = 0; q < v[i].inputs[k].count; q++)
                    psbt_map_set(&joined.inputs[ii], v[i].inputs[k].pairs[q].key.data, v[i].inputs[k].pairs[q].key.len,
                                 v[i].inputs[k].pairs[q].value.data, v[i].inputs[k].pairs[q].value.len);
            for (size_t k = 0; k < v[i].tx.vout_count; k++, oo++)
                for (size_t q = 0; q < v[i].outputs[k].count; q++)
                    psbt_map_set(&joined.outputs[oo], v[i].outputs[k].pairs[q].key.data,
                                 v[i].outputs[k].pairs[q].key.len, v[i].outputs[k].pairs[q].value.data,
                                 v[i].outputs[k].pairs[q].value.len);
            for (size_t q = 0; q < v[i].global.count; q++)
                if (v[i].global.pairs[q].key.data[0] != PSBT_GLOBAL_VERSION &&
                    !psbt_map_get(&joined.global, v[i].global.pairs[q].key.data, v[i].global.pairs[q].key.len))
                    psbt_map_set(&joined.global, v[i].global.pairs[q].key.data, v[i].global.pairs[q].key.len,
                                 v[i].global.pairs[q].value.data, v[i].global.pairs[q].value.len);
        }
        r = psbt_json_string(&joined);
        psbt_clear(&joined);
    }
out:
    tx_clear(&tx);
    free_array(v, n);
    return r;
}

/* ---- finalizepsbt / analyzepsbt ------------------------------------------ */

RPC_ARGS(finalizepsbt, { "psbt", RPC_ARG_STR, false }, { "extract", RPC_ARG_BOOL, true });
static const char finalizepsbt_help[] =
    "finalizepsbt \"psbt\" ( extract )\n"
    "Finalize the inputs of a PSBT. If the transaction is fully signed, it will produce a\n"
    "network serialized transaction which can be broadcast with sendrawtransaction. Otherwise a PSBT will be\n"
    "created which has the final_scriptSig and final_scriptWitness fields filled for inputs that are complete.\n"
    "Implements the Finalizer and Extractor roles.\n"
    "\n"
    "Arguments:\n"
    "1. psbt       (string, required) A base64 string of a PSBT\n"
    "2. extract    (boolean, optional, default=true) If true and the transaction is complete,\n"
    "              extract and return the complete transaction in normal network serialization instead of the PSBT.\n"
    "\n"
    "Result:\n"
    "{ \"psbt\" : \"str\", \"hex\" : \"hex\", \"complete\" : true|false }\n";
static json_t *rpc_finalizepsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(finalizepsbt, finalizepsbt_help);
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0)))
        return NULL;
    bool complete;
    psbt_finalize(&p, ctx->params && ctx->params->tokens_enabled, &complete);
    json_t *r = json_object();
    struct tx tx;
    if (complete && rpc_arg_bool(params, 1, true) && psbt_extract(&p, &tx)) {
        struct wbuf w;
        wbuf_init(&w);
        tx_serialize(&w, &tx, true);
        json_object_set_new(r, "hex", rpc_json_hex(w.data, w.len));
        wbuf_clear(&w);
        tx_clear(&tx);
    } else {
        json_object_set_new(r, "psbt", psbt_json_string(&p));
    }
    json_object_set_new(r, "complete", json_boolean(complete));
    psbt_clear(&p);
    return r;
}

RPC_ARGS(analyzepsbt, { "psbt", RPC_ARG_STR, false });
static const char analyzepsbt_help[] =
    "analyzepsbt \"psbt\"\n"
    "\n"
    "Analyzes and provides information about the current status of a PSBT and its inputs\n"
    "\n"
    "Result:\n"
    "{ \"inputs\" : [ { \"has_utxo\", \"is_final\", \"missing\", \"next\" } ], \"fee\", \"next\" }\n";
static json_t *rpc_analyzepsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(analyzepsbt, analyzepsbt_help);
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0)))
        return NULL;
    /* roles in order: updater < signer < finalizer < extractor */
    static const char *const roles[] = { "updater", "signer", "finalizer", "extractor" };
    int next = 3;
    json_t *r = json_object(), *ins = json_array();
    struct psbt fin;
    psbt_copy(&fin, &p);
    bool complete;
    psbt_finalize(&fin, ctx->params && ctx->params->tokens_enabled, &complete);
    for (size_t i = 0; i < p.tx.vin_count; i++) {
        json_t *o = json_object();
        struct txout u;
        bool has = psbt_input_utxo(&p, i, &u);
        if (has)
            txout_clear(&u);
        bool final = psbt_input_is_final(&p, i);
        json_object_set_new(o, "has_utxo", json_boolean(has));
        json_object_set_new(o, "is_final", json_boolean(final));
        int role = !has ? 0 : final ? 3 : psbt_input_is_final(&fin, i) ? 2 : 1;
        if (role == 1) {
            json_t *missing = json_object(), *sigs = json_array();
            json_object_set_new(missing, "signatures", sigs);
            json_object_set_new(o, "missing", missing);
        }
        json_object_set_new(o, "next", json_string(roles[role]));
        json_array_append_new(ins, o);
        if (role < next)
            next = role;
    }
    if (p.tx.vin_count)
        json_object_set_new(r, "inputs", ins);
    else
        json_decref(ins);
    int64_t fee;
    if (psbt_fee(&p, &fee)) {
        if (fee < 0 || !money_range(fee)) {
            json_decref(r);
            r = json_object();
            json_object_set_new(r, "next", json_string("creator"));
            json_object_set_new(r, "error", json_string("PSBT is not valid. Output amounts invalid"));
            psbt_clear(&fin);
            psbt_clear(&p);
            return r;
        }
        json_object_set_new(r, "fee", rpc_json_amount(fee));
        struct tx ex;
        if (complete && psbt_extract(&fin, &ex)) {
            size_t vs = tx_vsize(&ex);
            json_object_set_new(r, "estimated_vsize", json_integer((json_int_t)vs));
            json_object_set_new(r, "estimated_feerate", rpc_json_amount(vs ? fee * 1000 / (int64_t)vs : 0));
            tx_clear(&ex);
        }
    }
    json_object_set_new(r, "next", json_string(roles[next]));
    psbt_clear(&fin);
    psbt_clear(&p);
    return r;
}

/* ---- utxoupdatepsbt / descriptorprocesspsbt ------------------------------ */

/* Core's EvalDescriptorStringOrObject for each item of descs: expands it over
 * its range (default [0,1000] for a ranged one) into s. */
static bool load_descriptors(struct rpc_error *err, struct rpc_context *ctx, const json_t *descs,
                             struct tx_signer *s)
{
    size_t i;
    const json_t *item;
    json_array_foreach(descs, i, item)
    {
        const char *ds = NULL;
        int64_t lo = 0, hi = 1000;
        if (json_is_string(item)) {
            ds = rpc_json_cstr(item);
        } else if (json_is_object(item)) {
            ds = rpc_json_cstr(json_object_get(item, "desc"));
            const json_t *r = json_object_get(item, "range");
            if (json_is_integer(r)) {
                hi = json_integer_value(r);
            } else if (json_is_array(r) && json_array_size(r) == 2) {
                if (!rpc_json_int(err, &lo, json_array_get(r, 0), RPC_INT32) ||
                    !rpc_json_int(err, &hi, json_array_get(r, 1), RPC_INT32))
                    return false;
            }
        }
        if (!ds) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid descriptor object");
            return false;
        }
        if (lo < 0 || hi < lo || hi - lo >= 1000000) {
            rpc_fail(err, RPC_INVALID_PARAMETER, "Range should be greater or equal than 0 and end after begin");
            return false;
        }
        struct descriptor *d;
        char e[256];
        if (!descriptor_parse(&d, ds, ctx->params, false, e, sizeof(e))) {
            rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s", e);
            return false;
        }
        if (!descriptor_is_range(d))
            lo = hi = 0;
        for (int64_t k = lo; k <= hi; k++) {
            struct wbuf spk;
            wbuf_init(&spk);
            bool ok = descriptor_expand(d, &spk, s, NULL, (uint32_t)k, e, sizeof(e));
            wbuf_clear(&spk);
            if (!ok) {
                descriptor_free(d);
                rpc_fail(err, RPC_INVALID_ADDRESS_OR_KEY, "%s", e);
                return false;
            }
        }
        descriptor_free(d);
    }
    return true;
}

/* Core's ProcessPSBT updater part: witness UTXOs from the chain and mempool. */
static void update_from_chain(struct rpc_context *ctx, struct psbt *p)
{
    if (!ctx->chain)
        return;
    chainstate_lock(ctx->chain);
    for (size_t i = 0; i < p->tx.vin_count; i++) {
        struct txout have;
        if (psbt_input_utxo(p, i, &have)) {
            txout_clear(&have);
            continue;
        }
        const struct outpoint *op = &p->tx.vin[i].prevout;
        struct coin c;
        coin_init(&c);
        struct txout o;
        memset(&o, 0, sizeof(o));
        bool found = false;
        if (chainstate_get_coin(ctx->chain, &c, op)) {
            o.value = c.out.value;
            bytes_set(&o.script_pubkey, c.out.script_pubkey.data, c.out.script_pubkey.len);
            found = true;
        } else if (ctx->mempool && mempool_get_output(ctx->mempool, &o, op)) {
            found = true;
        }
        coin_clear(&c);
        int version;
        const uint8_t *prog;
        size_t prog_len;
        if (found && (script_is_witness_program(bytes_or_empty(o.script_pubkey.data), o.script_pubkey.len, &version,
                                                &prog, &prog_len) ||
                      script_is_p2sh(bytes_or_empty(o.script_pubkey.data), o.script_pubkey.len))) {
            struct wbuf b;
            wbuf_init(&b);
            txout_serialize(&b, &o);
            uint8_t k = PSBT_IN_WITNESS_UTXO;
            psbt_map_set(&p->inputs[i], &k, 1, b.data, b.len);
            wbuf_clear(&b);
        }
        if (found)
            txout_clear(&o);
    }
    chainstate_unlock(ctx->chain);
}

RPC_ARGS(utxoupdatepsbt, { "psbt", RPC_ARG_STR, false }, { "descriptors", RPC_ARG_ARR, true });
static const char utxoupdatepsbt_help[] =
    "utxoupdatepsbt \"psbt\" ( [\"\",{\"desc\":\"str\",\"range\":n or [n,n]},...] )\n"
    "\n"
    "Updates all segwit inputs and outputs in a PSBT with data from output descriptors, the UTXO set or the mempool.\n"
    "\n"
    "Result:\n"
    "\"str\"    (string) The base64-encoded partially signed transaction with inputs updated\n";
static json_t *rpc_utxoupdatepsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(utxoupdatepsbt, utxoupdatepsbt_help);
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0)))
        return NULL;
    struct tx_signer s;
    tx_signer_init(&s, ctx->params && ctx->params->tokens_enabled);
    json_t *r = NULL;
    if (!rpc_arg(params, 1) || load_descriptors(err, ctx, rpc_arg(params, 1), &s)) {
        update_from_chain(ctx, &p);
        psbt_update_scripts(&p, &s);
        psbt_update_origins(&p, &s);
        r = psbt_json_string(&p);
    }
    tx_signer_clear(&s);
    psbt_clear(&p);
    return r;
}

RPC_ARGS(descriptorprocesspsbt, { "psbt", RPC_ARG_STR, false }, { "descriptors", RPC_ARG_ARR, false },
         { "sighashtype", RPC_ARG_STR, true }, { "bip32derivs", RPC_ARG_BOOL, true }, { "finalize", RPC_ARG_BOOL, true });
static const char descriptorprocesspsbt_help[] =
    "descriptorprocesspsbt \"psbt\" [\"\",{\"desc\":\"str\",\"range\":n or [n,n]},...] ( \"sighashtype\" bip32derivs finalize )\n"
    "\n"
    "Update all segwit inputs in a PSBT with information from output descriptors, the UTXO set or the mempool.\n"
    "Then, sign the inputs we are able to with information from the output descriptors.\n"
    "\n"
    "Result:\n"
    "{ \"psbt\" : \"str\", \"complete\" : true|false, \"hex\" : \"hex\" (if complete) }\n";
static json_t *rpc_descriptorprocesspsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(descriptorprocesspsbt, descriptorprocesspsbt_help);
    int ht;
    if (!tx_sign_parse_sighash(&ht, rpc_arg_str(params, 2, "DEFAULT")))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "'%s' is not a valid sighash parameter.", rpc_arg_str(params, 2, ""));
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0)))
        return NULL;
    struct tx_signer s;
    tx_signer_init(&s, ctx->params && ctx->params->tokens_enabled);
    json_t *r = NULL;
    bool finalize = rpc_arg_bool(params, 4, true), complete = false;
    char why[256];
    if (load_descriptors(err, ctx, rpc_arg(params, 1), &s)) {
        update_from_chain(ctx, &p);
        psbt_update_scripts(&p, &s);
        if (rpc_arg_bool(params, 3, true))
            psbt_update_origins(&p, &s);
        if (!psbt_sign(&p, &s, ht, finalize, &complete, rpc_arg(params, 2) != NULL, why, sizeof(why))) {
            rpc_fail(err, RPC_DESERIALIZATION_ERROR, "%s", why);
        } else {
            r = json_object();
            json_object_set_new(r, "psbt", psbt_json_string(&p));
            json_object_set_new(r, "complete", json_boolean(complete));
            struct tx tx;
            if (complete && finalize && psbt_extract(&p, &tx)) {
                struct wbuf b;
                wbuf_init(&b);
                tx_serialize(&b, &tx, true);
                json_object_set_new(r, "hex", rpc_json_hex(b.data, b.len));
                wbuf_clear(&b);
                tx_clear(&tx);
            }
        }
    }
    tx_signer_clear(&s);
    psbt_clear(&p);
    return r;
}

/* ---- wallet: walletprocesspsbt / walletcreatefundedpsbt ------------------ */

RPC_ARGS(walletprocesspsbt, { "psbt", RPC_ARG_STR, false }, { "sign", RPC_ARG_BOOL, true },
         { "sighashtype", RPC_ARG_STR, true }, { "bip32derivs", RPC_ARG_BOOL, true }, { "finalize", RPC_ARG_BOOL, true });
static const char walletprocesspsbt_help[] =
    "walletprocesspsbt \"psbt\" ( sign \"sighashtype\" bip32derivs finalize )\n"
    "\n"
    "Update a PSBT with input information from our wallet and then sign inputs\n"
    "that we can sign for.\n"
    "\n"
    "Arguments:\n"
    "1. psbt           (string, required) The transaction base64 string\n"
    "2. sign           (boolean, optional, default=true) Also sign the transaction when updating (requires wallet to be unlocked)\n"
    "3. sighashtype    (string, optional, default=\"DEFAULT for Taproot, ALL otherwise\") The signature hash type to sign with if not specified by the PSBT.\n"
    "4. bip32derivs    (boolean, optional, default=true) Include BIP 32 derivation paths for public keys if we know them\n"
    "5. finalize       (boolean, optional, default=true) Also finalize inputs if possible\n"
    "\n"
    "Result:\n"
    "{ \"psbt\" : \"str\", \"complete\" : true|false, \"hex\" : \"hex\" (if complete) }\n";
static json_t *rpc_walletprocesspsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(walletprocesspsbt, walletprocesspsbt_help);
    int ht;
    if (!tx_sign_parse_sighash(&ht, rpc_arg_str(params, 2, "DEFAULT")))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "'%s' is not a valid sighash parameter.", rpc_arg_str(params, 2, ""));
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct psbt p;
    if (!decode_arg(err, &p, rpc_arg(params, 0))) {
        wallet_release(w);
        return NULL;
    }
    bool complete = false, finalize = rpc_arg_bool(params, 4, true);
    struct wallet_error e = { 0, "" };
    json_t *r = NULL;
    if (wallet_process_psbt(w, &e, &p, rpc_arg_bool(params, 1, true), ht, rpc_arg(params, 2) != NULL,
                            rpc_arg_bool(params, 3, true), finalize, &complete)) {
        r = json_object();
        json_object_set_new(r, "psbt", psbt_json_string(&p));
        json_object_set_new(r, "complete", json_boolean(complete));
        struct tx tx;
        if (complete && finalize && psbt_extract(&p, &tx)) {
            struct wbuf b;
            wbuf_init(&b);
            tx_serialize(&b, &tx, true);
            json_object_set_new(r, "hex", rpc_json_hex(b.data, b.len));
            wbuf_clear(&b);
            tx_clear(&tx);
        }
    } else {
        rpc_fail(err, e.code, "%s", e.message);
    }
    psbt_clear(&p);
    wallet_release(w);
    return r;
}

/* walletcreatefundedpsbt with options.asset: the outputs are token payments
 * (whole base units), funded as sendtoken funds them (doc/wallet.md,
 * "Tokens in send and walletcreatefundedpsbt"); no preset inputs. */
static json_t *token_funded_psbt(struct rpc_context *ctx, struct rpc_error *err, struct wallet *w,
                                 struct wallet_send_options *o, const json_t *asset, json_t *params)
{
    const json_t *inputs = rpc_arg(params, 0);
    const json_t *opts = rpc_arg(params, 3);
    if (inputs && json_array_size(inputs))
        return rpc_fail(err, RPC_INVALID_PARAMETER, "Token payments choose their own inputs: pass no inputs");
    const json_t *lt = rpc_arg(params, 2);
    if ((lt && !(json_is_integer(lt) && json_integer_value(lt) == 0)) || json_object_get(opts, "subtractFeeFromOutputs") ||
        json_object_get(opts, "changePosition") || json_object_get(opts, "lockUnspents"))
        return rpc_fail(err, RPC_INVALID_PARAMETER,
                        "A locktime, changePosition, lockUnspents and subtractFeeFromOutputs are not for token payments");
    const json_t *v = json_object_get(opts, "fee_rate");
    if (v && !rpc_wallet_fee_rate_arg(err, o, v))
        return NULL;
    size_t a, n;
    struct wallet_token_recipient *rec;
    uint8_t *scripts;
    if (!rpc_asset_arg(err, &a, ctx->params, asset) ||
        !rpc_token_recipients_parse(ctx, err, &rec, &scripts, &n, rpc_arg(params, 1)))
        return NULL;
    struct tx tx;
    int64_t fee;
    struct wallet_error e = { 0, "" };
    int change_pos;
    bool ok = wallet_fund_tokens(w, &e, &tx, &fee, &change_pos, rec, n, (uint32_t)a, o);
    mem_free(rec);
    mem_free(scripts);
    if (!ok)
        return rpc_wallet_fail(err, &e);
    json_t *r = NULL;
    struct psbt p;
    bool complete;
    if (!psbt_from_tx(&p, &tx)) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Inputs must not have scriptSigs and scriptWitnesses");
    } else if (!wallet_process_psbt(w, &e, &p, false, SIGHASH_DEFAULT, false, rpc_arg_bool(params, 4, true), false,
                                    &complete)) {
        rpc_fail(err, e.code, "%s", e.message);
        psbt_clear(&p);
    } else {
        r = json_object();
        json_object_set_new(r, "psbt", psbt_json_string(&p));
        json_object_set_new(r, "fee", rpc_json_amount(fee));
        json_object_set_new(r, "changepos", json_integer(change_pos));
        psbt_clear(&p);
    }
    tx_clear(&tx);
    return r;
}

RPC_ARGS(walletcreatefundedpsbt, { "inputs", RPC_ARG_ARR, true }, { "outputs", RPC_ARG_ANY, false },
         { "locktime", RPC_ARG_NUM, true }, { "options", RPC_ARG_OBJ, true }, { "bip32derivs", RPC_ARG_BOOL, true });
static const char walletcreatefundedpsbt_help[] =
    "walletcreatefundedpsbt ( [{\"txid\":\"hex\",\"vout\":n,\"sequence\":n},...] ) [{\"address\":amount,...},{\"data\":\"hex\"},...] ( locktime options bip32derivs )\n"
    "\n"
    "Creates and funds a transaction in the Partially Signed Transaction format.\n"
    "Implements the Creator and Updater roles.\n"
    "Options: add_inputs, changePosition, fee_rate (sat/vB), lockUnspents, replaceable, subtractFeeFromOutputs.\n"
    "\n"
    "Result:\n"
    "{ \"psbt\" : \"str\", \"fee\" : n, \"changepos\" : n }\n";
static json_t *rpc_walletcreatefundedpsbt(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(walletcreatefundedpsbt, walletcreatefundedpsbt_help);
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    const json_t *opts = rpc_arg(params, 3);
    struct wallet_send_options o;
    wallet_send_options_init(&o, w);
    const json_t *rbf = opts ? json_object_get(opts, "replaceable") : NULL;
    bool replaceable = rbf && json_is_boolean(rbf) ? json_is_true(rbf) : o.replaceable;
    o.replaceable = replaceable;
    json_t *r = NULL;
    bool *sub = NULL;
    const json_t *inputs = rpc_arg(params, 0);
    json_t *empty = json_array();
    struct tx tx;
    tx_init(&tx);
    const json_t *asset = opts ? json_object_get(opts, "asset") : NULL;
    if (asset) {
        r = token_funded_psbt(ctx, err, w, &o, asset, params);
        goto out;
    }
    if (!rpc_construct_tx(err, &tx, ctx->params, inputs ? inputs : empty, rpc_arg(params, 1), rpc_arg(params, 2),
                          replaceable))
        goto out;
    if (opts) {
        const json_t *v;
        if ((v = json_object_get(opts, "add_inputs")) && json_is_boolean(v))
            o.add_inputs = json_is_true(v);
        if ((v = json_object_get(opts, "lockUnspents")) && json_is_boolean(v))
            o.lock_unspents = json_is_true(v);
        if ((v = json_object_get(opts, "changePosition"))) {
            int64_t pos;
            if (!rpc_json_int(err, &pos, v, 0, (int64_t)tx.vout_count)) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "changePosition out of bounds");
                goto out;
            }
            o.change_pos = (int)pos;
        }
        if ((v = json_object_get(opts, "fee_rate"))) {
            int64_t sat_per_vb_x1e8;
            if (!rpc_parse_amount(err, &sat_per_vb_x1e8, v))
                goto out;
            /* sat/vB given as an amount-like number: x1e8 in base units; per kvB is x1000 */
            o.fee_rate = sat_per_vb_x1e8 / 100000;
        }
    }
    sub = mem_calloc(tx.vout_count ? tx.vout_count : 1, sizeof(bool));
    if (opts && json_is_array(json_object_get(opts, "subtractFeeFromOutputs"))) {
        const json_t *a = json_object_get(opts, "subtractFeeFromOutputs");
        for (size_t i = 0; i < json_array_size(a); i++) {
            int64_t pos;
            if (!rpc_json_int(err, &pos, json_array_get(a, i), RPC_INT32))
                goto out;
            if (pos < 0 || (size_t)pos >= tx.vout_count) {
                rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid parameter, value out of range: %lld", (long long)pos);
                goto out;
            }
            sub[pos] = true;
        }
    }
    int64_t fee;
    int change_pos;
    struct wallet_error e = { 0, "" };
    if (!wallet_fund(w, &e, &tx, &fee, &change_pos, sub, &o)) {
        rpc_fail(err, e.code, "%s", e.message);
        goto out;
    }
    struct psbt p;
    if (!psbt_from_tx(&p, &tx)) {
        rpc_fail(err, RPC_INVALID_PARAMETER, "Inputs must not have scriptSigs and scriptWitnesses");
        goto out;
    }
    bool complete;
    if (!wallet_process_psbt(w, &e, &p, false, SIGHASH_DEFAULT, false, rpc_arg_bool(params, 4, true), false,
                             &complete)) {
        psbt_clear(&p);
        rpc_fail(err, e.code, "%s", e.message);
        goto out;
    }
    r = json_object();
    json_object_set_new(r, "psbt", psbt_json_string(&p));
    json_object_set_new(r, "fee", rpc_json_amount(fee));
    json_object_set_new(r, "changepos", json_integer(change_pos));
    psbt_clear(&p);
out:
    json_decref(empty);
    mem_free(sub);
    tx_clear(&tx);
    wallet_release(w);
    return r;
}

/* ---- bumpfee / psbtbumpfee ----------------------------------------------- */

RPC_ARGS(bumpfee, { "txid", RPC_ARG_STR, false }, { "options", RPC_ARG_OBJ, true });
static const char bumpfee_help[] =
    "bumpfee \"txid\" ( options )\n"
    "\n"
    "Bumps the fee of an opt-in-RBF transaction T, replacing it with a new transaction B.\n"
    "The fee is taken from T's change output. The new fee rate defaults to T's plus the incremental relay fee (1 sat/vB).\n"
    "\n"
    "Arguments:\n"
    "1. txid       (string, required) The txid to be bumped\n"
    "2. options    (json object, optional) {\"fee_rate\": amount (sat/vB)}\n"
    "\n"
    "Result:\n"
    "{ \"txid\" : \"hex\", \"origfee\" : n, \"fee\" : n, \"errors\" : [ \"str\", ... ] }\n";
static const char psbtbumpfee_help[] =
    "psbtbumpfee \"txid\" ( options )\n"
    "\n"
    "Bumps the fee of an opt-in-RBF transaction T, replacing it with a new transaction B, returned as a PSBT\n"
    "(not signed, not broadcast). Options as bumpfee.\n"
    "\n"
    "Result:\n"
    "{ \"psbt\" : \"str\", \"origfee\" : n, \"fee\" : n, \"errors\" : [ \"str\", ... ] }\n";

static json_t *bump(struct rpc_context *ctx, json_t *params, struct rpc_error *err, bool want_psbt)
{
    struct hash256 txid;
    if (!rpc_parse_hash(err, &txid, rpc_arg(params, 0), "txid"))
        return NULL;
    int64_t rate = 0;
    const json_t *opts = rpc_arg(params, 1);
    if (opts) {
        const json_t *v = json_object_get(opts, "fee_rate");
        if (v && !json_is_null(v)) {
            int64_t x;
            if (!rpc_parse_amount(err, &x, v))
                return NULL;
            rate = x / 100000; /* sat/vB (read as an amount: x1e8) to base units per kvB */
            if (rate <= 0)
                return rpc_fail(err, RPC_INVALID_PARAMETER, "Invalid fee_rate (must be greater than 0)");
        }
    }
    struct wallet *w = rpc_wallet_pick(ctx, err);
    if (!w)
        return NULL;
    struct wallet_error e = { 0, "" };
    struct psbt p;
    psbt_init(&p);
    struct hash256 nt;
    int64_t old_fee = 0, new_fee = 0;
    json_t *r = NULL;
    if (wallet_bump_fee(w, &e, &txid, rate, want_psbt ? &p : NULL, &nt, &old_fee, &new_fee)) {
        r = json_object();
        if (want_psbt)
            json_object_set_new(r, "psbt", psbt_json_string(&p));
        else
            json_object_set_new(r, "txid", rpc_json_hash(&nt));
        json_object_set_new(r, "origfee", rpc_json_amount(old_fee));
        json_object_set_new(r, "fee", rpc_json_amount(new_fee));
        json_object_set_new(r, "errors", json_array());
    } else {
        rpc_fail(err, e.code, "%s", e.message);
    }
    psbt_clear(&p);
    wallet_release(w);
    return r;
}

static json_t *rpc_bumpfee(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(bumpfee, bumpfee_help);
    return bump(ctx, params, err, false);
}

static json_t *rpc_psbtbumpfee(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    RPC_ARGS_CHECK(bumpfee, psbtbumpfee_help);
    return bump(ctx, params, err, true);
}

/* ---- registration --------------------------------------------------------- */

static const struct rpc_command psbt_commands[] = {
    { "rawtransactions", "createpsbt", rpc_createpsbt, { "inputs", "outputs", "locktime", "replaceable", NULL },
      createpsbt_help },
    { "rawtransactions", "decodepsbt", rpc_decodepsbt, { "psbt", NULL }, decodepsbt_help },
    { "rawtransactions", "combinepsbt", rpc_combinepsbt, { "txs", NULL }, combinepsbt_help },
    { "rawtransactions", "finalizepsbt", rpc_finalizepsbt, { "psbt", "extract", NULL }, finalizepsbt_help },
    { "rawtransactions", "converttopsbt", rpc_converttopsbt, { "hexstring", "permitsigdata", "iswitness", NULL },
      converttopsbt_help },
    { "rawtransactions", "joinpsbts", rpc_joinpsbts, { "txs", NULL }, joinpsbts_help },
    { "rawtransactions", "analyzepsbt", rpc_analyzepsbt, { "psbt", NULL }, analyzepsbt_help },
    { "rawtransactions", "utxoupdatepsbt", rpc_utxoupdatepsbt, { "psbt", "descriptors", NULL }, utxoupdatepsbt_help },
    { "rawtransactions", "descriptorprocesspsbt", rpc_descriptorprocesspsbt,
      { "psbt", "descriptors", "sighashtype", "bip32derivs", "finalize", NULL }, descriptorprocesspsbt_help },
};

static const struct rpc_command wallet_psbt_commands[] = {
    { "wallet", "walletprocesspsbt", rpc_walletprocesspsbt, { "psbt", "sign", "sighashtype", "bip32derivs", "finalize", NULL },
      walletprocesspsbt_help },
    { "wallet", "walletcreatefundedpsbt", rpc_walletcreatefundedpsbt,
      { "inputs", "outputs", "locktime", "options", "bip32derivs", NULL }, walletcreatefundedpsbt_help },
    { "wallet", "bumpfee", rpc_bumpfee, { "txid", "options", NULL }, bumpfee_help },
    { "wallet", "psbtbumpfee", rpc_psbtbumpfee, { "txid", "options", NULL }, psbtbumpfee_help },
};

void rpc_register_psbt(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(psbt_commands) / sizeof(psbt_commands[0]); i++)
        rpc_table_add(t, &psbt_commands[i]);
}

void rpc_register_wallet_psbt(struct rpc_table *t)
{
    for (size_t i = 0; i < sizeof(wallet_psbt_commands) / sizeof(wallet_psbt_commands[0]); i++)
        rpc_table_add(t, &wallet_psbt_commands[i]);
}
