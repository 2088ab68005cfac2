#ifndef HASHMINT_RPC_RPC_ARGS_H
#define HASHMINT_RPC_RPC_ARGS_H
/* Argument handling shared by the method files (rpc_blockchain.c,
 * rpc_rawtx.c, ...), reproducing what Bitcoin Core's RPCHelpMan does before
 * and while a handler runs:
 *
 *  - a wrong number of arguments throws the method's help text as a plain
 *    error (RPC_MISC_ERROR, -1), as Core's runtime_error(ToString()) does;
 *  - every present, non-null argument must have its declared JSON type, or
 *    the call fails with RPC_TYPE_ERROR (-3) and Core's message
 *      Wrong type passed:
 *      {
 *          "Position 1 (height)": "JSON value of type string is not of expected type number"
 *      }
 *  - amounts, hashes and hex strings are parsed with Core's messages
 *    (AmountFromValue, ParseHashV, ParseHexV).
 *
 * A handler declares its arguments once in a static table and calls
 * rpc_args_check() first; the getters below then never see a wrong type. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/rpc/json_tx.h"
#include "src/rpc/rpc.h"
#include "consensus/tx.h"
#include "src/util/hash256.h"

struct chain_params;

/** The JSON type an argument must have (Core's RPCArg::Type, as checked). */
enum rpc_arg_type {
    RPC_ARG_ANY = 0, /* not checked (Core's AMOUNT and RANGE) */
    RPC_ARG_STR,     /* STR, STR_HEX; an embedded NUL byte is refused */
    /* A string that may hold an embedded NUL byte: the handler reads its
     * length (a message) or refuses it with its own error (an address).
     * RPC_ARG_STR refuses it, since C code would see only the text before
     * the NUL ("stop\u0000x" would be "stop"). */
    RPC_ARG_TEXT,
    RPC_ARG_NUM,
    RPC_ARG_BOOL,
    RPC_ARG_OBJ,
    RPC_ARG_ARR,
};

/** One declared argument. names: Core's m_names ("verbosity|verbose"). */
struct rpc_arg {
    const char *names;
    enum rpc_arg_type type;
    bool optional;
};

/* A handler's declared arguments, and the check that starts it (returns
 * NULL from the handler, with *err set, when params do not fit):
 *   RPC_ARGS(sendtoken, { "address", RPC_ARG_TEXT, false }, ...);
 *   ... rpc_sendtoken(ctx, params, err) { RPC_ARGS_CHECK(sendtoken, sendtoken_help); ... } */
#define RPC_ARGS(name, ...) static const struct rpc_arg name##_args[] = { __VA_ARGS__ }
#define RPC_ARGS_CHECK(name, help)                                                                          \
    if (!rpc_args_check(err, params, name##_args, sizeof(name##_args) / sizeof(name##_args[0]), help)) \
        return NULL

/**
 * Checks params (a JSON array) against the n declared args: the count must
 * lie between the number of leading required args and n, and every present
 * non-null value must match its type. Returns true if so; otherwise false
 * with *err set: RPC_MISC_ERROR with help as the message for a bad count,
 * RPC_TYPE_ERROR "Wrong type passed: ..." for types, RPC_INVALID_PARAMETER
 * "Invalid parameter, <name> contains a NUL byte" for a string argument
 * with an embedded NUL (RPC_ARG_STR; RPC_ARG_TEXT lets it through). A null or absent
 * required argument is left to the handler (Core behaves the same way).
 */
__attribute__((warn_unused_result)) bool rpc_args_check(struct rpc_error *err, const json_t *params,
                                                        const struct rpc_arg *args, size_t n, const char *help);

/**
 * Returns the text of v if v is a JSON string without an embedded NUL byte,
 * else NULL (borrowed). Use it wherever the text goes on as a C string.
 */
const char *rpc_json_cstr(const json_t *v);

/** Returns true if v is a JSON string with an embedded NUL byte. */
bool rpc_json_has_nul(const json_t *v);

/**
 * Writes string v into out[0..cap) for an error message: at most cap - 1
 * bytes, each NUL byte shown as "\0". Returns out.
 */
char *rpc_json_str_show(char *out, size_t cap, const json_t *v);

/** Core's uvTypeName: "null", "bool", "object", "array", "string" or "number" (NULL is "null"). */
const char *rpc_json_type_name(const json_t *v);

/** Returns params[i], or NULL if it is absent or JSON null (borrowed). */
const json_t *rpc_arg(const json_t *params, size_t i);

/* The ranges of the C++ types Core's handlers read with getInt<T>; pass
 * one as the min, max pair of rpc_json_int() / rpc_arg_int(). */
#define RPC_INT32 INT32_MIN, INT32_MAX
#define RPC_INT64 INT64_MIN, INT64_MAX
#define RPC_UINT32 0, UINT32_MAX
#define RPC_UINT64 0, INT64_MAX /* jansson holds no integer above INT64_MAX */

/**
 * The one checked integer conversion for RPC parameters (Core's
 * UniValue::getInt<T>): v must be a JSON number written as an integer in
 * [min, max]. Out: *out (0 on failure). Returns false with *err set:
 * RPC_TYPE_ERROR "JSON value of type <t> is not of expected type number"
 * for a non-number, RPC_MISC_ERROR "JSON integer out of range" for a number
 * with a fraction or an exponent (1.5, 5.0, 1e3) or outside [min, max].
 * Integers beyond int64 never get here: the JSON parser refuses them.
 */
__attribute__((warn_unused_result)) bool rpc_json_int(struct rpc_error *err, int64_t *out, const json_t *v,
                                                      int64_t min, int64_t max);

/**
 * rpc_json_int() on params[i]; def (unchecked) if it is absent or null.
 * Out: *out. Returns false with *err set as rpc_json_int() does.
 */
__attribute__((warn_unused_result)) bool rpc_arg_int(struct rpc_error *err, int64_t *out, const json_t *params,
                                                     size_t i, int64_t def, int64_t min, int64_t max);
/** Returns params[i] as a bool (def if absent/null; type already checked). */
bool rpc_arg_bool(const json_t *params, size_t i, bool def);
/** Returns params[i] as a string (def if absent/null; borrowed). */
const char *rpc_arg_str(const json_t *params, size_t i, const char *def);

/**
 * Core's AmountFromValue: v is a JSON number or a decimal string of coins
 * with at most 8 decimals. Out: *out in base units. Returns false with
 * *err = RPC_TYPE_ERROR "Amount is not a number or string", "Invalid
 * amount" or "Amount out of range" (negative or above MAX_MONEY).
 */
__attribute__((warn_unused_result)) bool rpc_parse_amount(struct rpc_error *err, int64_t *out, const json_t *v);

/**
 * Parses a decimal string with at most `decimals` digits after the point
 * (Core's ParseFixedPoint without exponents) into an integer scaled by
 * 10^decimals. Returns false on any other text or on overflow beyond 10^17.
 */
__attribute__((warn_unused_result)) bool rpc_parse_fixed_point(int64_t *out, const char *s, int decimals);

/**
 * Core's ParseHashV: v must be a 64-digit hex string (display order).
 * name: the argument's name for the message. Out: *out in internal order.
 * Returns false with *err = RPC_INVALID_PARAMETER "<name> must be of length
 * 64 (not N, for 'S')" or "<name> must be hexadecimal string (not 'S')".
 */
__attribute__((warn_unused_result)) bool rpc_parse_hash(struct rpc_error *err, struct hash256 *out, const json_t *v,
                                                        const char *name);

/**
 * Core's ParseHexV: v must be an even-length hex string. Returns a heap
 * buffer (mem_free) and its length in *len, or NULL with *err =
 * RPC_INVALID_PARAMETER "<name> must be hexadecimal string (not 'S') and
 * length of it must be divisible by 2" (RPC_TYPE_ERROR if not a string).
 */
uint8_t *rpc_parse_hex(struct rpc_error *err, size_t *len, const json_t *v, const char *name);

/**
 * An address argument of chain p. Out: script[0..*len) (script holds
 * ADDRESS_MAX_SCRIPT bytes). Returns false with *err =
 * RPC_INVALID_ADDRESS_OR_KEY "Invalid hashmint address: <v>" (an embedded
 * NUL byte shown as "\0").
 */
__attribute__((warn_unused_result)) bool rpc_address_arg(struct rpc_error *err, uint8_t *script, size_t *len,
                                                         const struct chain_params *p, const json_t *v);

/**
 * An outpoint argument "txid:vout" (rpc_parse_outpoint_text). noun names
 * the argument in the message. Out: *op. Returns false with *err =
 * RPC_INVALID_PARAMETER "Invalid <noun>: expected \"txid:vout\"".
 */
__attribute__((warn_unused_result)) bool rpc_outpoint_arg(struct rpc_error *err, struct outpoint *op,
                                                          const json_t *v, const char *noun);

/**
 * An asset argument: a ticker or an asset id (issuance_asset_find); v NULL
 * (absent): the chain's first asset. Out: *out, an index into p->assets.
 * Returns false with *err = RPC_MISC_ERROR "This chain has no issuance
 * layer" or RPC_INVALID_PARAMETER "Unknown asset: <name>".
 */
__attribute__((warn_unused_result)) bool rpc_asset_arg(struct rpc_error *err, size_t *out,
                                                       const struct chain_params *p, const json_t *v);

/** Fills *style for a chain: the chain's address prefixes and its token
 *  flag (style borrows params, which are constant tables). */
void rpc_tx_style_init(struct rpc_tx_style *style, const struct chain_params *params);

/** Returns a JSON string of a hash in display order (new reference). */
json_t *rpc_json_hash(const struct hash256 *h);
/** Returns a JSON string of the hex of p (new reference). */
json_t *rpc_json_hex(const uint8_t *p, size_t len);

/**
 * Core's DecodeHexTx: decodes hex with the extended (witness) and/or the
 * legacy serialisation, each required to consume every byte; when both
 * work, prefers the one whose scripts all parse (HasValidOps), else the
 * extended one. Out: *out (tx_clear it on success). Returns false (out
 * empty) if neither decodes.
 */
__attribute__((warn_unused_result)) bool rpc_decode_hex_tx(struct tx *out, const char *hex, bool try_no_witness,
                                                           bool try_witness);

/** Sets *err to RPC_IN_WARMUP "Loading block index..." and returns false if ctx has no chainstate. */
bool rpc_need_chain(const struct rpc_context *ctx, struct rpc_error *err);
/** Sets *err to Core's -33 "Mempool disabled or instance not found" and returns false if ctx has no mempool. */
bool rpc_need_mempool(const struct rpc_context *ctx, struct rpc_error *err);
#define RPC_CLIENT_MEMPOOL_DISABLED (-33)

/* Help-text example lines, as Core's HelpExampleCli / HelpExampleRpc print
 * them (hashmint-cli and main's RPC port). */
#define RPC_HELP_CLI(method, args) "> hashmint-cli " method " " args "\n"
#define RPC_HELP_RPC(method, args)                                                                       \
    "> curl --user myusername --data-binary '{\"jsonrpc\": \"2.0\", \"id\": \"curltest\", \"method\": \"" \
    method "\", \"params\": [" args "]}' -H 'content-type: application/json' http://127.0.0.1:8732/\n"

#endif
