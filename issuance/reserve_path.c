/* The store-free computations of the reserve tree (declared in
 * issuance/reserve_tree.h): a root from one leaf's sibling path, as a proof
 * verifier recomputes it, and the naive rebuild of a whole tree. */
#include <stdlib.h>
#include <string.h>

#include "issuance/reserve_tree.h"
#include "src/util/alloc.h"

#define REJECT_PATH "bad-reserve-path"

bool reserve_path_root(struct val_state *st, struct reserve_state *state, const struct reserve_hasher *h,
                       const struct reserve_leaf *leaf, uint64_t leaf_count, const struct reserve_ref *siblings,
                       size_t depth)
{
    memset(state, 0, sizeof(*state));
    if (!reserve_leaf_in_range(leaf))
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE, "leaf amount out of range");
    if (depth > RESERVE_MAX_DEPTH)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "path longer than 256");
    if (leaf_count == 0 || leaf_count > (uint64_t)INT64_MAX)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "leaf count 0 or above 2^63-1");
    uint8_t key[32];
    reserve_key(h, key, &leaf->outpoint);
    struct reserve_ref cur;
    reserve_leaf_ref(h, &cur, leaf);
    uint64_t nonempty = 0;
    for (size_t i = 0; i < depth; i++) {
        const struct reserve_ref *sib = &siblings[i];
        if (!reserve_ref_in_range(sib))
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE, "sibling %zu sums out of range", i);
        bool empty = hash256_eq(&sib->hash, &h->empty);
        if (empty && (sib->sums.collateral || sib->sums.debt))
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "empty sibling %zu with sums", i);
        /* A leaf alone under its parent would sit at the parent's place. */
        if (empty && i == 0)
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "leaf beside an empty sibling");
        /* No node is ever paired with itself (CVE-2012-2459's duplication). */
        if (hash256_eq(&sib->hash, &cur.hash))
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "sibling %zu duplicates its node", i);
        nonempty += !empty;
        /* siblings[i] is at depth (depth - i); the turn into it is bit depth-1-i. */
        unsigned bit = reserve_key_bit(key, (unsigned)(depth - 1 - i));
        struct reserve_ref parent;
        bool ok = bit ? reserve_node(h, &parent, sib, &cur) : reserve_node(h, &parent, &cur, sib);
        if (!ok)
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE, "sum overflow at sibling %zu", i);
        cur = parent;
    }
    /* Each non-empty sibling holds at least one other leaf. */
    if (leaf_count - 1 < nonempty)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, REJECT_PATH, "leaf count below the path's leaves");
    state->count = leaf_count;
    state->sums = cur.sums;
    reserve_root_hash(h, &state->root, leaf_count, &cur);
    return true;
}

struct keyed {
    uint8_t key[32];
    const struct reserve_leaf *leaf;
};

static int cmp_keyed(const void *a, const void *b)
{
    return memcmp(((const struct keyed *)a)->key, ((const struct keyed *)b)->key, 32);
}

/* The subtree over items[0..n) (sorted, distinct keys sharing depth bits). */
static bool naive(const struct reserve_hasher *h, struct reserve_ref *out, const struct keyed *items, size_t n,
                  unsigned depth)
{
    if (n == 0) {
        reserve_ref_empty(h, out);
        return true;
    }
    if (n == 1) {
        reserve_leaf_ref(h, out, items[0].leaf);
        return true;
    }
    size_t m = 0;
    while (m < n && !reserve_key_bit(items[m].key, depth))
        m++;
    struct reserve_ref l, r;
    return naive(h, &l, items, m, depth + 1) && naive(h, &r, items + m, n - m, depth + 1) && reserve_node(h, out, &l, &r);
}

bool reserve_root_compute(struct val_state *st, struct reserve_state *state, const struct reserve_leaf *leaves,
                          size_t count)
{
    memset(state, 0, sizeof(*state));
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    struct keyed *items = mem_alloc((count ? count : 1) * sizeof(*items));
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        reserve_key(&h, items[i].key, &leaves[i].outpoint);
        items[i].leaf = &leaves[i];
        if (!reserve_leaf_in_range(&leaves[i]))
            ok = val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE);
    }
    if (ok && count > 1) {
        qsort(items, count, sizeof(*items), cmp_keyed);
        for (size_t i = 1; i < count && ok; i++)
            if (memcmp(items[i - 1].key, items[i].key, 32) == 0)
                ok = val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_DUPLICATE);
    }
    struct reserve_ref top;
    if (ok && !naive(&h, &top, items, count, 0))
        ok = val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE);
    mem_free(items);
    if (!ok)
        return false;
    state->count = count;
    state->sums = top.sums;
    reserve_root_hash(&h, &state->root, count, &top);
    return true;
}
