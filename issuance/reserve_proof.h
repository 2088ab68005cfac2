#ifndef HASHMINT_ISSUANCE_RESERVE_PROOF_H
#define HASHMINT_ISSUANCE_RESERVE_PROOF_H
/* Reserve proofs (doc/issuance.md, "Reserve proofs"): one vault's leaf, its
 * sibling path with sums, the tree's leaf count, and the block that commits
 * to the root: its 80-byte header, its coinbase (with the HMRS output) and
 * the coinbase's Merkle branch. Checkable offline, with headers alone.
 *
 * Wire format, version 1 (all integers little-endian):
 *
 *   version      1      0x01
 *   leaf         116    txid, vout (4), asset id, collateral (8), debt (8), owner script hash
 *   leaf_count   8      leaves in the tree
 *   depth        2      siblings on the path, 0..256
 *   siblings     48 * depth   hash, collateral (8), debt (8); the leaf's sibling first
 *   header       80     the block header
 *   cb_len       CompactSize  1..RESERVE_PROOF_MAX_COINBASE
 *   coinbase     cb_len the coinbase transaction without witness data
 *   branch_len   1      0..RESERVE_PROOF_MAX_BRANCH
 *   branch       32 * branch_len  the coinbase's Merkle siblings, lowest first
 *
 * Nothing may follow. The parser checks every count against its cap and
 * the bytes left before allocating. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/validation.h"
#include "issuance/reserve_commitment.h"
#include "issuance/reserve_tree.h"
#include "src/util/wbuf.h"

#define RESERVE_PROOF_VERSION 1
/** Largest coinbase a proof may carry: a block's whole non-witness size. */
#define RESERVE_PROOF_MAX_COINBASE 1000000
/** Largest Merkle branch: blocks of up to 2^32 transactions. */
#define RESERVE_PROOF_MAX_BRANCH 32
/** Largest encoded proof: the caps above, plus the fixed fields. */
#define RESERVE_PROOF_MAX_SIZE                                                                                   \
    (1 + RESERVE_LEAF_SIZE + 8 + 2 + RESERVE_REF_SIZE * RESERVE_MAX_DEPTH + BLOCK_HEADER_SIZE + 5 +                \
     RESERVE_PROOF_MAX_COINBASE + 1 + 32 * RESERVE_PROOF_MAX_BRANCH)

/** Reject reasons of proof verification (besides the path's and RESERVE_REJECT_COMMITMENT). */
#define RESERVE_REJECT_PROOF_COINBASE "bad-reserve-proof-coinbase" /* not a coinbase */
#define RESERVE_REJECT_PROOF_MERKLE "bad-reserve-proof-merkle"     /* branch does not reach the header's root */
#define RESERVE_REJECT_PROOF_HEIGHT "bad-reserve-proof-height"     /* no BIP 34 height >= 1 in the coinbase */
#define RESERVE_REJECT_PROOF_POW "high-hash"                       /* the header fails its own proof of work */

/** A decoded proof. Embedded: reserve_proof_init()/reserve_proof_clear(). */
struct reserve_proof {
    uint8_t version;
    struct reserve_leaf leaf;
    uint64_t leaf_count;
    struct reserve_ref *siblings; /* owned, depth entries, the leaf's sibling first */
    size_t depth;
    struct block_header header;
    struct tx coinbase;
    struct hash256 *branch; /* owned, branch_len entries */
    size_t branch_len;
};

/** What a valid proof shows. */
struct reserve_proof_result {
    struct reserve_leaf leaf;
    uint64_t leaf_count;
    struct reserve_commitment commitment; /* the block's HMRS output (root, totals) */
    struct hash256 block_hash;
    int32_t height; /* from the coinbase (BIP 34) */
};

void reserve_proof_init(struct reserve_proof *p);
/** Frees what p owns and leaves it empty (version 1, no path, empty coinbase). */
void reserve_proof_clear(struct reserve_proof *p);

/** Sets the leaf part from a tree lookup (reserve_tree_find). */
void reserve_proof_set_path(struct reserve_proof *p, const struct reserve_path *path);
/**
 * Sets the block part: header, a copy of the coinbase and its Merkle branch.
 * Precondition: b has at least one transaction.
 */
void reserve_proof_set_block(struct reserve_proof *p, const struct block *b);

/** Appends the version-1 encoding (the coinbase without witness). */
void reserve_proof_serialize(struct wbuf *w, const struct reserve_proof *p);
/**
 * Decodes exactly len bytes. Returns false (out empty, no clear needed) on
 * an unknown version, a count above its cap or the bytes left, an amount out
 * of range, a coinbase that does not decode to exactly cb_len bytes, or
 * trailing data. out must be uninitialised or cleared.
 */
__attribute__((warn_unused_result)) bool reserve_proof_decode(struct reserve_proof *out, const uint8_t *data, size_t len);

/**
 * Verifies a proof: recomputes the root and sums from the path
 * (reserve_path_root: range checks, checked additions, shape), requires the
 * coinbase to be a coinbase with exactly one HMRS output equal to that root
 * and those sums, the coinbase's Merkle branch (index 0) to give the header's
 * Merkle root, and a BIP 34 height >= 1; if params is not NULL, the header's
 * hash must also meet its own bits under params' proof-of-work limit.
 * Out: *res. Returns false with st set (reject reasons above and in
 * reserve_tree.h / reserve_commitment.h) otherwise.
 * Whether the header is in the best chain is the caller's question
 * (issuance/reserve_headers.h offline; the block index in a node).
 */
__attribute__((warn_unused_result)) bool reserve_proof_verify(struct val_state *st, struct reserve_proof_result *res,
                                                              const struct reserve_proof *p,
                                                              const struct chain_params *params);

#endif
