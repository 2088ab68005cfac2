#ifndef HASHMINT_RPC_JSON_BLOCK_H
#define HASHMINT_RPC_JSON_BLOCK_H
/* Blocks as JSON, in the shape of Bitcoin Core's getblock (verbosity 1 and
 * 2), for what the block alone tells: fields that need the chain
 * (confirmations, mediantime, chainwork, nextblockhash) are left out, and
 * "height" is given only when the coinbase states it (BIP 34: block version
 * 2 or more and a scriptSig that starts with a minimally pushed number).
 * "previousblockhash" is left out when it is all zeros, as for a genesis. */
#include <jansson.h>
#include <stdbool.h>

#include "consensus/block.h"
#include "src/rpc/json_tx.h"

/**
 * Bitcoin Core's GetDifficulty of a compact target: the genesis target
 * 0x1d00ffff divided by it, in floating point (display only).
 */
double rpc_difficulty(uint32_t bits);

/**
 * Describes b as getblock does, fields in Core's order: hash, height, version,
 * versionHex, merkleroot, time, nonce, bits, target, difficulty, nTx,
 * previousblockhash, strippedsize, size, weight, tx. tx_details: each "tx"
 * entry is the full transaction (verbosity 2, with "hex"), else its txid
 * (verbosity 1). Returns a new object (caller owns the reference).
 */
json_t *rpc_block_to_json(const struct block *b, const struct rpc_tx_style *style, bool tx_details);

#endif
