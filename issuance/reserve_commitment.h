#ifndef HASHMINT_ISSUANCE_RESERVE_COMMITMENT_H
#define HASHMINT_ISSUANCE_RESERVE_COMMITMENT_H
/* The HMRS commitment (doc/issuance.md, "Reserve commitment"): from height
 * 1 every coinbase of a hashmint chain carries exactly one output
 *
 *   OP_RETURN <"HMRS" | root (32) | total collateral (8 LE) | total debt (8 LE)>
 *
 * (script: 0x6a 0x34 then the 52 pushed bytes, 54 bytes in all) describing
 * the vault set after the block. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "consensus/validation.h"
#include "issuance/reserve_tree.h"

/** The reject reason of every commitment failure (missing, repeated, malformed, wrong). */
#define RESERVE_REJECT_COMMITMENT "bad-reserve-commitment"
/** Bytes pushed: "HMRS", root, two 8-byte totals. */
#define RESERVE_COMMITMENT_DATA_SIZE 52
/** The output script: OP_RETURN, push opcode 0x34, the data. */
#define RESERVE_COMMITMENT_SCRIPT_SIZE 54
/** What every commitment script starts with: OP_RETURN, push 52, "HMRS". */
extern const uint8_t RESERVE_COMMITMENT_HEADER[6];

/** What a commitment says. */
struct reserve_commitment {
    struct hash256 root; /* the tree's root (reserve_state.root), internal byte order */
    uint64_t collateral; /* total collateral of all vaults, HMC base units */
    uint64_t debt;       /* total debt of all vaults, HUSD base units (one asset) */
};

/** Out: c = the commitment of a tree state. */
void reserve_commitment_from_state(struct reserve_commitment *c, const struct reserve_state *state);
/** Writes the 54-byte output script of c. */
void reserve_commitment_script(uint8_t out[RESERVE_COMMITMENT_SCRIPT_SIZE], const struct reserve_commitment *c);
/** Returns true if the script starts with RESERVE_COMMITMENT_HEADER (a commitment, well-formed or not). */
bool reserve_commitment_is_tagged(const uint8_t *script, size_t len);
/**
 * Reads a commitment script. Returns false (out zeroed) unless it is
 * exactly the 54 bytes: header, root, collateral, debt (any values: ranges
 * are the comparison's business).
 */
__attribute__((warn_unused_result)) bool reserve_commitment_parse(struct reserve_commitment *out, const uint8_t *script,
                                                                  size_t len);

/**
 * Finds the commitment of a coinbase: exactly one output whose script is
 * tagged (reserve_commitment_is_tagged), and well-formed. Out: *c, *index
 * (may be NULL). Returns false with st set (VAL_BLOCK_CONSENSUS,
 * RESERVE_REJECT_COMMITMENT; st->debug says "missing", "multiple" or
 * "malformed") otherwise; *c zeroed.
 */
__attribute__((warn_unused_result)) bool reserve_commitment_find(struct val_state *st, struct reserve_commitment *c,
                                                                 size_t *index, const struct tx *coinbase);

/**
 * The block rule: the coinbase carries exactly one well-formed commitment
 * and it equals expect (root, both totals). Returns false with st set
 * (RESERVE_REJECT_COMMITMENT; debug "missing", "multiple", "malformed",
 * "root mismatch", "collateral mismatch" or "debt mismatch") otherwise.
 */
__attribute__((warn_unused_result)) bool reserve_commitment_check(struct val_state *st, const struct tx *coinbase,
                                                                  const struct reserve_commitment *expect);

/** Appends the commitment output (value 0) to a coinbase and recomputes its hashes (for block assembly). */
void reserve_commitment_add(struct tx *coinbase, const struct reserve_commitment *c);

#endif
