#ifndef HASHMINT_ISSUANCE_RESERVE_TREE_H
#define HASHMINT_ISSUANCE_RESERVE_TREE_H
/* The reserve Merkle-sum tree over all unspent vaults (doc/issuance.md,
 * "Reserve commitment").
 *
 * Shape: a binary trie over 256-bit keys (issuance/reserve_hash.h,
 * reserve_key()) in which every subtree holding exactly one vault is that
 * vault's leaf and every subtree holding none is the empty value. The shape
 * is a function of the set of keys alone, so the same vault set gives the
 * same root whatever the order of updates: undoing a block is applying the
 * inverse changes. An update touches only the paths of the changed keys:
 * O(changed vaults x log vaults) hashes, reads and writes.
 *
 * Storage: the tree keeps no nodes itself. It reads them through a
 * struct reserve_store the caller provides (an in-memory one is in
 * issuance/reserve_memstore.h; the chain backs one with LevelDB), and an
 * update returns the node changes as a struct reserve_batch for the caller
 * to write (with reserve_batch_write, or into its own database batch), so
 * they can be committed atomically with the rest of the chainstate. Until
 * the batch is written, the store still holds the old tree.
 *
 * Records (RESERVE_NODE_KEY_SIZE-byte keys, at most RESERVE_NODE_MAX_SIZE-byte
 * values; the byte layout is in doc/issuance.md): one per inner node and per
 * leaf, at the node's position, plus one meta record (leaf count and the top
 * node's hash and sums). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/validation.h"
#include "issuance/reserve_hash.h"

/** A node key: depth (2 bytes big-endian, 0..256), then the first `depth`
 *  bits of the leaf keys beneath it, zero-padded to 32 bytes. */
#define RESERVE_NODE_KEY_SIZE 34
/** Largest record value (a leaf record). */
#define RESERVE_NODE_MAX_SIZE 117
/** Record types (the value's first byte). */
#define RESERVE_REC_INNER 0x01 /* + left ref (48) + right ref (48) = 97 bytes */
#define RESERVE_REC_LEAF 0x02  /* + leaf (116) = 117 bytes */
#define RESERVE_REC_META 0x03  /* + leaf count (8 LE) + top ref (48) = 57 bytes */
/** The depth field of the meta record's key (followed by 32 zero bytes). */
#define RESERVE_META_DEPTH 0xFFFF

/** Reject reasons (val_state.reject) of tree updates and lookups. */
#define RESERVE_REJECT_RANGE "bad-reserve-range"         /* an amount or a sum out of range */
#define RESERVE_REJECT_EXISTS "bad-reserve-exists"       /* insert of an outpoint already in the tree */
#define RESERVE_REJECT_MISSING "bad-reserve-missing"     /* delete of an outpoint not in the tree */
#define RESERVE_REJECT_DUPLICATE "bad-reserve-duplicate" /* one outpoint twice in one update */
#define RESERVE_ERROR_STORE "reserve-store-failed"       /* val_error: the store failed */
#define RESERVE_ERROR_CORRUPT "reserve-store-corrupt"    /* val_error: a record is malformed or missing */

/**
 * Where nodes live. Every function returns 0 on success and -1 on a storage
 * failure (the tree then stops with RESERVE_ERROR_STORE); get returns 1 when
 * the key is present. Keys are RESERVE_NODE_KEY_SIZE bytes; values at most
 * RESERVE_NODE_MAX_SIZE. The tree never keeps the pointers it passes.
 */
struct reserve_store {
    void *ctx;
    /** Out: val (room for RESERVE_NODE_MAX_SIZE bytes), *val_len. Returns 1 found, 0 absent, -1 error. */
    int (*get)(void *ctx, uint8_t *val, size_t *val_len, const uint8_t *key);
    /** Sets key to the val_len bytes at val. */
    int (*put)(void *ctx, const uint8_t *key, const uint8_t *val, size_t val_len);
    /** Removes key (absent is not an error). */
    int (*del)(void *ctx, const uint8_t *key);
};

/** One node change: a put of val_len bytes, or a delete. */
struct reserve_batch_op {
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    uint8_t val[RESERVE_NODE_MAX_SIZE];
    uint8_t val_len;
    bool del;
};

/** The node changes of one or more updates, in order; a key appears at most once per update. */
struct reserve_batch {
    struct reserve_batch_op *ops;
    size_t count;
    size_t cap;
};

void reserve_batch_init(struct reserve_batch *b);
/** Frees the ops and leaves b empty. */
void reserve_batch_clear(struct reserve_batch *b);
/** Applies every op in order through s->put / s->del. Returns 0, or -1 at the first failure. */
int reserve_batch_write(const struct reserve_store *s, const struct reserve_batch *b);

/** A change to the vault set: insert a vault, or delete one (by leaf.outpoint only). */
struct reserve_change {
    bool insert;
    struct reserve_leaf leaf;
};

/** What the HMRS commitment carries: the root, the leaf count and the top sums. */
struct reserve_state {
    struct hash256 root; /* reserve_root_hash(count, top) */
    uint64_t count;      /* leaves (unspent vaults) */
    struct reserve_sums sums;
};

/** The tree: a store and the hash midstates. Embedded: reserve_tree_init (no clear needed). */
struct reserve_tree {
    struct reserve_store store;
    struct reserve_hasher hasher;
};

/** Starts a tree over the nodes in store (copied; its ctx must outlive the tree). An empty store is the empty tree. */
void reserve_tree_init(struct reserve_tree *t, const struct reserve_store *store);

/**
 * Out: *state = the tree's current root, count and sums (from the meta
 * record; the empty tree if there is none). Returns false (st set to an
 * error) if the store fails or the record is malformed.
 */
__attribute__((warn_unused_result)) bool reserve_tree_state(struct val_state *st, struct reserve_state *state,
                                                            const struct reserve_tree *t);

/**
 * Computes the tree after the changes (a set: each outpoint at most once,
 * any order) and appends the node changes that produce it to batch; writes
 * nothing. Out: *state = the new root, count and sums.
 * Returns false if an inserted outpoint is already in the tree
 * (RESERVE_REJECT_EXISTS), a deleted one is not (RESERVE_REJECT_MISSING), an
 * outpoint appears twice (RESERVE_REJECT_DUPLICATE), an inserted leaf or a
 * sum is out of range (RESERVE_REJECT_RANGE), or the store fails or holds a
 * malformed record (val_error); batch is then as it was on entry.
 */
__attribute__((warn_unused_result)) bool reserve_tree_update(struct val_state *st, struct reserve_batch *batch,
                                                             struct reserve_state *state, const struct reserve_tree *t,
                                                             const struct reserve_change *changes, size_t count);

/** reserve_tree_update, then reserve_batch_write to the tree's store (a store failure: RESERVE_ERROR_STORE). */
__attribute__((warn_unused_result)) bool reserve_tree_apply(struct val_state *st, struct reserve_state *state,
                                                            const struct reserve_tree *t,
                                                            const struct reserve_change *changes, size_t count);

/** A leaf's position: its sibling path, from the leaf's own sibling up to the top node's children. */
struct reserve_path {
    struct reserve_leaf leaf;
    uint64_t leaf_count;                            /* the tree's leaf count (the root commits to it) */
    size_t depth;                                   /* siblings on the path, 0..256 */
    struct reserve_ref siblings[RESERVE_MAX_DEPTH]; /* siblings[0] at depth `depth`, siblings[depth-1] at depth 1 */
};

/**
 * Looks up the vault at op. Out: *found; if found, *path (leaf, leaf count
 * and siblings, as reserve_path_root needs them) when path is not NULL.
 * Returns false (st set to an error) only if the store fails or is corrupt.
 */
__attribute__((warn_unused_result)) bool reserve_tree_find(struct val_state *st, bool *found, struct reserve_path *path,
                                                           const struct reserve_tree *t, const struct outpoint *op);

/**
 * Recomputes the root from a path, as a verifier does: the leaf's key gives
 * the turns (bit depth-1-i of the key says on which side siblings[i] is
 * not), every amount is range-checked and every addition checked. Out:
 * *state. Returns false (st: RESERVE_REJECT_RANGE or "bad-reserve-path")
 * if an amount is out of range, a sum overflows, a sibling is the empty
 * value with nonzero sums, a sibling equals the node beside it, the lowest
 * sibling is empty (a lone leaf sits higher), the leaf count is 0, above
 * 2^63-1 or too small for the non-empty siblings, or the depth exceeds 256.
 */
__attribute__((warn_unused_result)) bool reserve_path_root(struct val_state *st, struct reserve_state *state,
                                                           const struct reserve_hasher *h, const struct reserve_leaf *leaf,
                                                           uint64_t leaf_count, const struct reserve_ref *siblings,
                                                           size_t depth);

/**
 * The naive rebuild: computes the root of a vault set from scratch with no
 * store (for audits and tests). leaves in any order. Out: *state.
 * Returns false (st: RESERVE_REJECT_DUPLICATE or RESERVE_REJECT_RANGE) on a
 * repeated outpoint or an amount or sum out of range.
 */
__attribute__((warn_unused_result)) bool reserve_root_compute(struct val_state *st, struct reserve_state *state,
                                                              const struct reserve_leaf *leaves, size_t count);

/** Out: key = the node key of the position at depth over the leaf key (bits below depth cleared). */
void reserve_node_key(uint8_t key[RESERVE_NODE_KEY_SIZE], unsigned depth, const uint8_t leaf_key[32]);
/** Out: key = the meta record's key. */
void reserve_meta_key(uint8_t key[RESERVE_NODE_KEY_SIZE]);

#endif
