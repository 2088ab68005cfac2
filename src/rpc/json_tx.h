#ifndef HASHMINT_RPC_JSON_TX_H
#define HASHMINT_RPC_JSON_TX_H
/* Transactions as JSON, in the shape of Bitcoin Core's decoderawtransaction
 * (and of each entry of getblock's "tx" at verbosity 2). Shared by the RPC
 * server and hashmint-util. Print the result with rpc_json_write()
 * (src/rpc/json_write.h) so amounts come out with exactly 8 decimals.
 *
 * hashmint addition: an output whose scriptPubKey starts with a valid
 * extension prefix (doc/issuance.md) gets a "token" object
 *   {"kind": "token"|"vault"|"issuer"|"oracle", "asset_id": <hex>,
 *    "amount" (token) | "debt" (vault) | "flags" (issuer) | "price" (oracle)}
 * and its scriptPubKey's asm, address and type describe the locking script
 * after the prefix; "hex" is still the whole scriptPubKey. asset_id is shown
 * byte-reversed, like every hash in Bitcoin's RPC. A price above 2^63-1 (no
 * sane price is) is shown as a decimal string, every other number as a JSON
 * integer. An output that starts with 0xEF but does not parse is shown as an
 * ordinary (nonstandard) script, without "token". */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"

/** How outputs are described; zero-initialised means Bitcoin without addresses. */
struct rpc_tx_style {
    /** Interpret extension prefixes (hashmint chains; off for `bitcoin`). */
    bool tokens;
    /**
     * Optional: the address of a locking script, or NULL if it has none.
     * Returns a heap string the renderer frees with mem_free.
     */
    char *(*address)(const void *ctx, const uint8_t *script, size_t len);
    const void *address_ctx;
};

struct token_prefix;
/** Returns a new "token" object for a parsed prefix: kind, asset_id (display order) and its payload field. */
json_t *rpc_token_to_json(const struct token_prefix *p);

/**
 * Describes a scriptPubKey as Core's ScriptToUniv: {asm, hex, address (if
 * any), type}, with the prefix handling above. Out: *token (may be NULL) is
 * set to a new "token" object if spk carries a valid prefix and style->tokens
 * is set, else NULL. Returns a new object (caller owns both references).
 */
json_t *rpc_script_pubkey_to_json(json_t **token, const uint8_t *spk, size_t len, const struct rpc_tx_style *style);

/**
 * Describes tx as decoderawtransaction does: txid, hash, version, size,
 * vsize, weight, locktime, vin, vout; then "hex" (the serialisation with
 * witness) if include_hex, as getblock verbosity 2 adds it. "version" is
 * printed unsigned (as Bitcoin Core 28 does). Returns a new object (caller
 * owns the reference).
 */
json_t *rpc_tx_to_json(const struct tx *tx, const struct rpc_tx_style *style, bool include_hex);

#endif
