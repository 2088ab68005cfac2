#ifndef HASHMINT_CONSENSUS_MERKLE_H
#define HASHMINT_CONSENSUS_MERKLE_H
/* Bitcoin's transaction Merkle tree (odd levels duplicate their last hash),
 * the BIP 141 witness tree and the coinbase witness commitment. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "src/util/hash256.h"

/** Length of the commitment output's script: OP_RETURN, push 36, 4-byte tag, 32-byte hash. */
#define MERKLE_WITNESS_COMMITMENT_MIN_SIZE 38
/** The commitment script's first six bytes: OP_RETURN, 0x24, 0xaa21a9ed. */
extern const uint8_t MERKLE_WITNESS_COMMITMENT_HEADER[6];

/**
 * Merkle root of `count` leaf hashes (Core's ComputeMerkleRoot). The root of
 * zero leaves is all zeros. Out: root; *mutated (may be NULL) is set when
 * some level has two equal adjacent hashes at an even position, the
 * CVE-2012-2459 pattern where a different transaction list gives the same
 * root. leaves is not modified.
 */
void merkle_root_compute(struct hash256 *root, bool *mutated, const struct hash256 *leaves, size_t count);
/** Out: root over the block's txids; *mutated as above (may be NULL). */
void merkle_block_root(struct hash256 *root, bool *mutated, const struct block *b);
/** Out: root over the block's wtxids with the coinbase's taken as zero (BIP 141). */
void merkle_block_witness_root(struct hash256 *root, bool *mutated, const struct block *b);

/**
 * Returns the index of the coinbase output holding the witness commitment:
 * the last output whose script is at least 38 bytes and starts with
 * MERKLE_WITNESS_COMMITMENT_HEADER; -1 if none (or no coinbase outputs).
 */
long merkle_witness_commitment_find(const struct block *b);
/** Out: commitment = SHA256d(witness root || reserved value (32 bytes)). */
void merkle_witness_commitment_compute(struct hash256 *commitment, const struct block *b, const uint8_t reserved[32]);
/**
 * Adds a witness commitment to the block's first transaction (Core's
 * GenerateCoinbaseCommitment): if the coinbase input has no witness, pushes
 * a 32-byte zero reserved value; appends the commitment output (value 0);
 * recomputes the coinbase's hashes. The caller then updates the header's
 * Merkle root. Precondition: b has at least one transaction with an input.
 */
void merkle_witness_commitment_add(struct block *b);

#endif
