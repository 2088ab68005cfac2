#ifndef HASHMINT_ISSUANCE_RESERVE_HASH_H
#define HASHMINT_ISSUANCE_RESERVE_HASH_H
/* The reserve Merkle-sum tree's values and hashes (doc/issuance.md,
 * "Reserve commitment"): a leaf per unspent vault, its 256-bit key, and the
 * domain-separated leaf, inner-node, empty and root hashes. Shared by the
 * tree (issuance/reserve_tree.c) and the proof verifier
 * (issuance/reserve_proof.c), so both hash exactly the same bytes.
 *
 * Every hash is a BIP 340 tagged SHA-256: SHA256(SHA256(tag) ||
 * SHA256(tag) || msg), one tag per kind of value, so a leaf can never be
 * read as an inner node, an inner node as a root, and so on (safety rule 3).
 * Amounts are unsigned 64-bit, written as 8 bytes little-endian. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/amount.h"
#include "consensus/tx.h"
#include "src/crypto/sha256.h"
#include "src/util/hash256.h"
#include "src/util/rbuf.h"

#define RESERVE_TAG_LEAF "HMRS/leaf"
#define RESERVE_TAG_NODE "HMRS/node"
#define RESERVE_TAG_ROOT "HMRS/root"
#define RESERVE_TAG_KEY "HMRS/key"
#define RESERVE_TAG_EMPTY "HMRS/empty"

/** Largest collateral of one vault and largest collateral sum of any subtree: 21e6 * 1e8. */
#define RESERVE_COLLATERAL_MAX ((uint64_t)MAX_MONEY)
/** Largest debt of one vault: 2^53 (the VAULT prefix's limit). */
#define RESERVE_DEBT_MAX (UINT64_C(1) << 53)
/** Largest debt sum of any subtree: 2^63 - 1 (every sum fits a signed 64-bit JSON integer). */
#define RESERVE_DEBT_SUM_MAX ((uint64_t)INT64_MAX)
/** Keys are 256 bits, so a leaf is at most 256 levels below the top. */
#define RESERVE_MAX_DEPTH 256
/** Serialised leaf: txid 32, vout 4, asset id 32, collateral 8, debt 8, owner script hash 32. */
#define RESERVE_LEAF_SIZE 116
/** Serialised node reference (a child or a sibling): hash 32, collateral 8, debt 8. */
#define RESERVE_REF_SIZE 48

/** One unspent vault as the tree sees it. */
struct reserve_leaf {
    struct outpoint outpoint;  /* the VAULT output (txid in internal byte order) */
    uint8_t asset_id[32];      /* as in the output's prefix */
    uint64_t collateral;       /* the output's value, HMC base units, <= RESERVE_COLLATERAL_MAX */
    uint64_t debt;             /* the prefix's debt, asset base units, <= RESERVE_DEBT_MAX */
    uint8_t owner_hash[32];    /* SHA256 of the locking script (the scriptPubKey after the prefix) */
};

/** Collateral and debt beneath a node; never netted (safety rule 6). */
struct reserve_sums {
    uint64_t collateral;
    uint64_t debt;
};

/** A subtree as its parent commits to it: its hash and its sums. */
struct reserve_ref {
    struct hash256 hash;
    struct reserve_sums sums;
};

/**
 * Tag midstates, computed once per user (no globals in this layer): hashing
 * a node then costs its message blocks only.
 */
struct reserve_hasher {
    struct sha256_ctx leaf, node, root, key;
    struct hash256 empty; /* the one empty value */
};

/** Prepares the tag midstates and the empty value. */
void reserve_hasher_init(struct reserve_hasher *h);

/** Out: key = tagged_hash("HMRS/key", txid || vout as 4 bytes LE): where the vault sits in the tree. */
void reserve_key(const struct reserve_hasher *h, uint8_t key[32], const struct outpoint *op);
/** Returns bit `depth` (0 = most significant bit of key[0]) of a key: 0 left, 1 right. */
static inline unsigned reserve_key_bit(const uint8_t key[32], unsigned depth)
{
    return (key[depth >> 3] >> (7 - (depth & 7))) & 1u;
}

/** Returns true if the leaf's amounts are in range (collateral <= 21e14, debt <= 2^53). */
bool reserve_leaf_in_range(const struct reserve_leaf *l);
/** Out: hash = tagged_hash("HMRS/leaf", the leaf's 116 serialised bytes). */
void reserve_leaf_hash(const struct reserve_hasher *h, struct hash256 *hash, const struct reserve_leaf *l);
/** Out: r = the leaf as a reference (its hash and sums). */
void reserve_leaf_ref(const struct reserve_hasher *h, struct reserve_ref *r, const struct reserve_leaf *l);
/** Writes the leaf's 116 bytes: txid, vout (4 LE), asset id, collateral (8 LE), debt (8 LE), owner hash. */
void reserve_leaf_serialize(uint8_t out[RESERVE_LEAF_SIZE], const struct reserve_leaf *l);
/** Reads 116 leaf bytes. Returns false (out zeroed, cursor unchanged) if short or out of range. */
__attribute__((warn_unused_result)) bool reserve_leaf_parse(struct reserve_leaf *out, struct rbuf *r);

/**
 * Builds the leaf of a VAULT output: outpoint, asset id and debt from the
 * prefix, collateral from the value, owner hash over the locking script.
 * Returns false (out zeroed) if the scriptPubKey is not a valid VAULT prefix
 * or the value or debt is out of range.
 */
__attribute__((warn_unused_result)) bool reserve_leaf_from_output(struct reserve_leaf *out, const struct outpoint *op,
                                                                  const struct txout *txout);

/** Returns true if r is the empty value with zero sums. */
bool reserve_ref_is_empty(const struct reserve_hasher *h, const struct reserve_ref *r);
/** Out: r = the empty subtree (the empty value, zero sums). */
void reserve_ref_empty(const struct reserve_hasher *h, struct reserve_ref *r);
/** Returns true if r's sums are in range (collateral <= 21e14, debt <= 2^63-1). */
bool reserve_ref_in_range(const struct reserve_ref *r);

/**
 * Out: sum = a + b, each field separately. Returns false (sum zeroed) if a
 * field overflows or leaves its range (collateral <= RESERVE_COLLATERAL_MAX,
 * debt <= RESERVE_DEBT_SUM_MAX).
 */
__attribute__((warn_unused_result)) bool reserve_sums_add(struct reserve_sums *sum, const struct reserve_sums *a,
                                                          const struct reserve_sums *b);
/**
 * Out: parent = the inner node over left and right:
 * hash = tagged_hash("HMRS/node", h_L || coll_L || debt_L || h_R || coll_R || debt_R),
 * sums = left + right. Returns false (parent zeroed) if the sums overflow.
 */
__attribute__((warn_unused_result)) bool reserve_node(const struct reserve_hasher *h, struct reserve_ref *parent,
                                                      const struct reserve_ref *left, const struct reserve_ref *right);
/** Out: root = tagged_hash("HMRS/root", count (8 LE) || top hash || top collateral || top debt). */
void reserve_root_hash(const struct reserve_hasher *h, struct hash256 *root, uint64_t count, const struct reserve_ref *top);

/** Writes a reference's 48 bytes: hash, collateral (8 LE), debt (8 LE). */
void reserve_ref_serialize(uint8_t out[RESERVE_REF_SIZE], const struct reserve_ref *r);
/** Reads 48 reference bytes. Returns false (out zeroed, cursor unchanged) if short or out of range. */
__attribute__((warn_unused_result)) bool reserve_ref_parse(struct reserve_ref *out, struct rbuf *r);

#endif
