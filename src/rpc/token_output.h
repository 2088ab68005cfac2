#ifndef HASHMINT_RPC_TOKEN_OUTPUT_H
#define HASHMINT_RPC_TOKEN_OUTPUT_H
/* The JSON form of an output with an extension prefix, as createrawtransaction
 * takes it (doc/issuance.md, "Token outputs in raw transactions"):
 *
 *   {"value": amount, "kind": "token" | "vault" | "issuer" | "oracle",
 *    "asset_id": "hex" (optional: the chain's first asset),
 *    "amount": n (token) | "debt": n (vault) | "flags": n (issuer) | "price": n (oracle)}
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "src/rpc/rpc.h"
#include "src/util/wbuf.h"

/**
 * Builds a prefixed scriptPubKey from o: the prefix, then lock (the
 * address's script). Out: spk (appended to), *value (base units; 0 when
 * "value" is absent). Returns false with *err set (RPC_INVALID_PARAMETER for
 * a missing, unknown, mistyped or out-of-range field or an unknown asset;
 * RPC_TYPE_ERROR / "Amount out of range" from the value).
 */
__attribute__((warn_unused_result)) bool rpc_token_output_parse(struct rpc_error *err, struct wbuf *spk,
                                                                int64_t *value, const json_t *o, const uint8_t *lock,
                                                                size_t lock_len, const struct chain_params *p);

#endif
