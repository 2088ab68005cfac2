#ifndef HASHMINT_RPC_JSON_RESERVE_H
#define HASHMINT_RPC_JSON_RESERVE_H
/* The JSON of a reserve-proof verification (doc/issuance.md, "Reserve
 * proofs"), shared by the verifyreserveproof RPC and
 * `hashmint-util verifyreserveproof` so both print the same object. */
#include <jansson.h>

#include "consensus/validation.h"
#include "issuance/reserve_proof.h"

/**
 * Returns a new object for a valid proof: valid (true), txid, vout,
 * asset_id, collateral, debt, owner_script_hash, blockhash, height, root,
 * total_collateral, total_debt, vault_count. Hashes shown as the RPC shows
 * hashes (byte-reversed), except owner_script_hash (a SHA256 of the script,
 * in hash order). Amounts are integers in base units.
 */
json_t *rpc_reserve_proof_json(const struct reserve_proof_result *res);

/** Returns a new object for a rejected proof: valid (false), error (the reject reason) and detail if st has one. */
json_t *rpc_reserve_proof_error_json(const struct val_state *st);

#endif
