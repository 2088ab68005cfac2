#include "issuance/reserve_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/alloc.h"
#include "src/util/endian.h"

/* ---- node keys and records ---------------------------------------------- */

void reserve_node_key(uint8_t key[RESERVE_NODE_KEY_SIZE], unsigned depth, const uint8_t leaf_key[32])
{
    key[0] = (uint8_t)(depth >> 8);
    key[1] = (uint8_t)depth;
    uint8_t *prefix = key + 2;
    memset(prefix, 0, 32);
    unsigned full = depth / 8, rest = depth % 8;
    memcpy(prefix, leaf_key, full);
    if (rest)
        prefix[full] = (uint8_t)(leaf_key[full] & (0xFF00u >> rest));
}

void reserve_meta_key(uint8_t key[RESERVE_NODE_KEY_SIZE])
{
    memset(key, 0, RESERVE_NODE_KEY_SIZE);
    key[0] = (uint8_t)(RESERVE_META_DEPTH >> 8);
    key[1] = (uint8_t)RESERVE_META_DEPTH;
}

/* Returns true if the first depth bits of a and b agree. */
static bool same_prefix(const uint8_t a[32], const uint8_t b[32], unsigned depth)
{
    unsigned full = depth / 8, rest = depth % 8;
    if (memcmp(a, b, full) != 0)
        return false;
    return rest == 0 || ((a[full] ^ b[full]) & (0xFF00u >> rest)) == 0;
}

void reserve_batch_init(struct reserve_batch *b)
{
    b->ops = NULL;
    b->count = 0;
    b->cap = 0;
}

void reserve_batch_clear(struct reserve_batch *b)
{
    mem_free(b->ops);
    reserve_batch_init(b);
}

static struct reserve_batch_op *batch_add(struct reserve_batch *b, const uint8_t key[RESERVE_NODE_KEY_SIZE])
{
    if (b->count == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 64;
        b->ops = mem_realloc(b->ops, b->cap * sizeof(*b->ops));
    }
    struct reserve_batch_op *op = &b->ops[b->count++];
    memcpy(op->key, key, RESERVE_NODE_KEY_SIZE);
    op->val_len = 0;
    op->del = false;
    return op;
}

int reserve_batch_write(const struct reserve_store *s, const struct reserve_batch *b)
{
    for (size_t i = 0; i < b->count; i++) {
        const struct reserve_batch_op *op = &b->ops[i];
        int rc = op->del ? s->del(s->ctx, op->key) : s->put(s->ctx, op->key, op->val, op->val_len);
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* ---- the update --------------------------------------------------------- */

enum kind { KIND_EMPTY, KIND_LEAF, KIND_INNER };

/* A node as stored at a position. */
struct node {
    enum kind kind;
    struct reserve_ref left, right; /* KIND_INNER */
    struct reserve_leaf leaf;       /* KIND_LEAF */
    uint8_t leaf_key[32];           /* KIND_LEAF */
};

/* A subtree after the update: its reference, and its leaf if it has exactly one. */
struct sub {
    enum kind kind;
    struct reserve_ref ref;
    struct reserve_leaf leaf; /* KIND_LEAF */
};

/* A change or a leaf to place, with its key. */
struct item {
    uint8_t key[32];
    const struct reserve_leaf *leaf;
    bool insert;
};

struct upd {
    struct val_state *st;
    const struct reserve_tree *t;
    struct reserve_batch *batch;
};

static bool corrupt(struct val_state *st, const char *what)
{
    val_error(st, RESERVE_ERROR_CORRUPT);
    snprintf(st->debug, sizeof(st->debug), "%s", what);
    return false;
}

/*
 * Loads the record at the node key. Out: *n (KIND_EMPTY if absent and
 * !must_exist). A record must be an inner node or a leaf whose key lies
 * under the position (depth bits of prefix_key).
 */
static bool load(struct val_state *st, struct node *n, const struct reserve_tree *t, unsigned depth,
                 const uint8_t prefix_key[32], bool must_exist)
{
    uint8_t key[RESERVE_NODE_KEY_SIZE], val[RESERVE_NODE_MAX_SIZE];
    size_t len = 0;
    reserve_node_key(key, depth, prefix_key);
    memset(n, 0, sizeof(*n));
    int rc = t->store.get(t->store.ctx, val, &len, key);
    if (rc < 0)
        return val_error(st, RESERVE_ERROR_STORE);
    if (rc == 0) {
        n->kind = KIND_EMPTY;
        return must_exist ? corrupt(st, "missing node record") : true;
    }
    struct rbuf r = rbuf_make(val + 1, len ? len - 1 : 0);
    if (len == 97 && val[0] == RESERVE_REC_INNER && depth < RESERVE_MAX_DEPTH) {
        n->kind = KIND_INNER;
        if (reserve_ref_parse(&n->left, &r) && reserve_ref_parse(&n->right, &r))
            return true;
    } else if (len == 117 && val[0] == RESERVE_REC_LEAF) {
        n->kind = KIND_LEAF;
        if (reserve_leaf_parse(&n->leaf, &r)) {
            reserve_key(&t->hasher, n->leaf_key, &n->leaf.outpoint);
            if (same_prefix(n->leaf_key, prefix_key, depth))
                return true;
        }
    }
    return corrupt(st, "malformed node record");
}

static void put_inner(struct upd *u, unsigned depth, const uint8_t prefix_key[32], const struct reserve_ref *l,
                      const struct reserve_ref *r)
{
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    reserve_node_key(key, depth, prefix_key);
    struct reserve_batch_op *op = batch_add(u->batch, key);
    op->val[0] = RESERVE_REC_INNER;
    reserve_ref_serialize(op->val + 1, l);
    reserve_ref_serialize(op->val + 1 + RESERVE_REF_SIZE, r);
    op->val_len = 97;
}

static void put_leaf(struct upd *u, unsigned depth, const uint8_t prefix_key[32], const struct reserve_leaf *leaf)
{
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    reserve_node_key(key, depth, prefix_key);
    struct reserve_batch_op *op = batch_add(u->batch, key);
    op->val[0] = RESERVE_REC_LEAF;
    reserve_leaf_serialize(op->val + 1, leaf);
    op->val_len = 117;
}

static void del_node(struct upd *u, unsigned depth, const uint8_t prefix_key[32])
{
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    reserve_node_key(key, depth, prefix_key);
    batch_add(u->batch, key)->del = true;
}

/* Returns the number of items (sorted by key) whose bit `depth` is 0. */
static size_t split(const struct item *items, size_t n, unsigned depth)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (reserve_key_bit(items[mid].key, depth))
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static void sub_leaf(const struct reserve_hasher *h, struct sub *s, const struct reserve_leaf *leaf)
{
    s->kind = KIND_LEAF;
    s->leaf = *leaf;
    reserve_leaf_ref(h, &s->ref, leaf);
}

/*
 * Combines the two children of the position at depth into *out: zero or one
 * leaf below makes this subtree that leaf (it rises) or empty; otherwise an
 * inner node, whose record is written at depth. had_*: the child position
 * held a record before; changed_*: the update went into that child (an
 * unchanged child that stays keeps its record untouched). prefix_key: any
 * leaf key under this position.
 */
static bool combine(struct upd *u, struct sub *out, unsigned depth, const uint8_t prefix_key[32], const struct sub *l,
                    bool had_l, bool changed_l, const struct sub *r, bool had_r, bool changed_r)
{
    uint8_t key[2][32];
    for (int b = 0; b < 2; b++) {
        memcpy(key[b], prefix_key, 32);
        if (b)
            key[b][depth / 8] |= (uint8_t)(0x80u >> (depth % 8));
        else
            key[b][depth / 8] &= (uint8_t)~(0x80u >> (depth % 8));
    }
    const struct sub *s[2] = { l, r };
    bool had[2] = { had_l, had_r }, changed[2] = { changed_l, changed_r };

    bool lone = (l->kind == KIND_EMPTY && r->kind != KIND_INNER) || (r->kind == KIND_EMPTY && l->kind != KIND_INNER);
    if (lone) {
        /* Neither child position keeps a record: the lone leaf moves up. */
        for (int b = 0; b < 2; b++)
            if (had[b])
                del_node(u, depth + 1, key[b]);
        *out = l->kind == KIND_LEAF ? *l : *r;
        return true;
    }
    for (int b = 0; b < 2; b++) {
        if (!changed[b])
            continue;
        if (s[b]->kind == KIND_LEAF)
            put_leaf(u, depth + 1, key[b], &s[b]->leaf);
        else if (s[b]->kind == KIND_EMPTY && had[b])
            del_node(u, depth + 1, key[b]);
        /* KIND_INNER wrote its own record */
    }
    out->kind = KIND_INNER;
    if (!reserve_node(&u->t->hasher, &out->ref, &l->ref, &r->ref))
        return val_invalid(u->st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE);
    put_inner(u, depth, prefix_key, &l->ref, &r->ref);
    return true;
}

/* Builds the subtree at depth from leaves (sorted, distinct keys) where no
 * record exists below depth. The record at depth itself is the caller's
 * unless the result is an inner node. */
static bool build(struct upd *u, struct sub *out, unsigned depth, const struct item *items, size_t n)
{
    if (n == 0) {
        out->kind = KIND_EMPTY;
        reserve_ref_empty(&u->t->hasher, &out->ref);
        return true;
    }
    if (n == 1) {
        sub_leaf(&u->t->hasher, out, items[0].leaf);
        return true;
    }
    /* Two distinct keys differ in some bit below 256, so depth < 256 here. */
    size_t m = split(items, n, depth);
    struct sub l, r;
    if (!build(u, &l, depth + 1, items, m) || !build(u, &r, depth + 1, items + m, n - m))
        return false;
    return combine(u, out, depth, items[0].key, &l, false, true, &r, false, true);
}

/* Out: *out = the subtree at depth whose stored node is *cur, after the
 * changes items[0..n) (n >= 1, sorted, distinct keys, all under this
 * position). Records below depth are updated in the batch; the record at
 * depth is written here only for an inner result (else the caller's). */
static bool update(struct upd *u, struct sub *out, unsigned depth, const struct node *cur, const struct item *items,
                   size_t n)
{
    const struct reserve_hasher *h = &u->t->hasher;
    if (cur->kind != KIND_INNER) {
        /* Below an empty position or a lone leaf nothing is stored: rebuild
         * this subtree from its new set of leaves, in key order. */
        struct item *leaves = mem_alloc((n + 1) * sizeof(*leaves));
        size_t k = 0;
        bool cur_placed = cur->kind != KIND_LEAF, ok = true;
        for (size_t i = 0; i < n && ok; i++) {
            int cmp = cur_placed ? 1 : memcmp(items[i].key, cur->leaf_key, 32);
            if (cmp == 0) {
                cur_placed = true;
                if (items[i].insert)
                    ok = val_invalid(u->st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_EXISTS);
                continue; /* deleted */
            }
            if (!items[i].insert) {
                ok = val_invalid(u->st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_MISSING);
                break;
            }
            if (cmp > 0 && !cur_placed) {
                memcpy(leaves[k].key, cur->leaf_key, 32);
                leaves[k++].leaf = &cur->leaf;
                cur_placed = true;
            }
            leaves[k++] = items[i];
        }
        if (ok && !cur_placed) {
            memcpy(leaves[k].key, cur->leaf_key, 32);
            leaves[k++].leaf = &cur->leaf;
        }
        ok = ok && build(u, out, depth, leaves, k);
        mem_free(leaves);
        return ok;
    }

    /* An inner node: descend into the sides that change. */
    size_t m = split(items, n, depth);
    const struct reserve_ref *old[2] = { &cur->left, &cur->right };
    const struct item *side_items[2] = { items, items + m };
    size_t side_n[2] = { m, n - m };
    struct sub s[2];
    bool had[2];
    uint8_t side_key[2][32];
    for (int b = 0; b < 2; b++) {
        memcpy(side_key[b], items[0].key, 32);
        if (b)
            side_key[b][depth / 8] |= (uint8_t)(0x80u >> (depth % 8));
        else
            side_key[b][depth / 8] &= (uint8_t)~(0x80u >> (depth % 8));
        had[b] = !reserve_ref_is_empty(h, old[b]);
        if (side_n[b] == 0) {
            /* Unchanged: its reference is in this node's record. Whether it
             * is inner or a leaf matters only if the other side empties. */
            s[b].kind = had[b] ? KIND_INNER : KIND_EMPTY;
            s[b].ref = *old[b];
            continue;
        }
        struct node child;
        if (!had[b])
            child.kind = KIND_EMPTY;
        else if (!load(u->st, &child, u->t, depth + 1, side_key[b], true))
            return false;
        if (!update(u, &s[b], depth + 1, &child, side_items[b], side_n[b]))
            return false;
    }
    for (int b = 0; b < 2; b++) {
        if (side_n[b] == 0 && s[b].kind == KIND_INNER && s[1 - b].kind == KIND_EMPTY) {
            /* The other side emptied: a lone leaf on this side rises. */
            struct node child;
            if (!load(u->st, &child, u->t, depth + 1, side_key[b], true))
                return false;
            if (child.kind == KIND_LEAF)
                sub_leaf(h, &s[b], &child.leaf);
        }
    }
    return combine(u, out, depth, items[0].key, &s[0], had[0], side_n[0] != 0, &s[1], had[1], side_n[1] != 0);
}

static int cmp_item(const void *a, const void *b)
{
    return memcmp(((const struct item *)a)->key, ((const struct item *)b)->key, 32);
}

/* Reads the meta record. Out: *count, *top (the empty tree without one). */
static bool load_meta(struct val_state *st, uint64_t *count, struct reserve_ref *top, const struct reserve_tree *t)
{
    uint8_t key[RESERVE_NODE_KEY_SIZE], val[RESERVE_NODE_MAX_SIZE];
    size_t len = 0;
    reserve_meta_key(key);
    int rc = t->store.get(t->store.ctx, val, &len, key);
    if (rc < 0)
        return val_error(st, RESERVE_ERROR_STORE);
    if (rc == 0) {
        *count = 0;
        reserve_ref_empty(&t->hasher, top);
        return true;
    }
    if (len != 57 || val[0] != RESERVE_REC_META)
        return corrupt(st, "malformed meta record");
    *count = le64_read(val + 1);
    struct rbuf r = rbuf_make(val + 9, RESERVE_REF_SIZE);
    if (!reserve_ref_parse(top, &r) || *count == 0 || reserve_ref_is_empty(&t->hasher, top))
        return corrupt(st, "malformed meta record");
    return true;
}

void reserve_tree_init(struct reserve_tree *t, const struct reserve_store *store)
{
    t->store = *store;
    reserve_hasher_init(&t->hasher);
}

bool reserve_tree_state(struct val_state *st, struct reserve_state *state, const struct reserve_tree *t)
{
    struct reserve_ref top;
    memset(state, 0, sizeof(*state));
    if (!load_meta(st, &state->count, &top, t))
        return false;
    state->sums = top.sums;
    reserve_root_hash(&t->hasher, &state->root, state->count, &top);
    return true;
}

bool reserve_tree_update(struct val_state *st, struct reserve_batch *batch, struct reserve_state *state,
                         const struct reserve_tree *t, const struct reserve_change *changes, size_t count)
{
    static const uint8_t zero_key[32];
    memset(state, 0, sizeof(*state));
    size_t batch_start = batch->count;
    struct upd u = { st, t, batch };
    uint64_t old_count;
    struct reserve_ref old_top;
    if (!load_meta(st, &old_count, &old_top, t))
        return false;

    struct item *items = mem_alloc((count ? count : 1) * sizeof(*items));
    uint64_t inserts = 0;
    bool ok = true;
    for (size_t i = 0; i < count && ok; i++) {
        reserve_key(&t->hasher, items[i].key, &changes[i].leaf.outpoint);
        items[i].leaf = &changes[i].leaf;
        items[i].insert = changes[i].insert;
        if (changes[i].insert) {
            inserts++;
            if (!reserve_leaf_in_range(&changes[i].leaf))
                ok = val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_RANGE);
        }
    }
    if (ok && count > 1) {
        qsort(items, count, sizeof(*items), cmp_item);
        for (size_t i = 1; i < count && ok; i++)
            if (memcmp(items[i - 1].key, items[i].key, 32) == 0)
                ok = val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_DUPLICATE);
    }

    struct reserve_ref top = old_top;
    uint64_t new_count = old_count;
    if (ok && count) {
        struct node cur;
        bool had = old_count > 0;
        if (had)
            ok = load(st, &cur, t, 0, zero_key, true);
        else
            cur.kind = KIND_EMPTY;
        struct sub res;
        ok = ok && update(&u, &res, 0, &cur, items, count);
        if (ok) {
            /* The top position: a lone leaf stays here (nothing is above). */
            if (res.kind == KIND_LEAF)
                put_leaf(&u, 0, zero_key, &res.leaf);
            else if (res.kind == KIND_EMPTY && had)
                del_node(&u, 0, zero_key);
            top = res.ref;
            /* Every insert added a leaf and every delete removed one (both checked). */
            new_count = old_count + inserts - (count - inserts);
            uint8_t key[RESERVE_NODE_KEY_SIZE];
            reserve_meta_key(key);
            struct reserve_batch_op *op = batch_add(batch, key);
            if (new_count == 0) {
                op->del = true;
            } else {
                op->val[0] = RESERVE_REC_META;
                le64_write(op->val + 1, new_count);
                reserve_ref_serialize(op->val + 9, &top);
                op->val_len = 57;
            }
        }
    }
    mem_free(items);
    if (!ok) {
        batch->count = batch_start;
        return false;
    }
    state->count = new_count;
    state->sums = top.sums;
    reserve_root_hash(&t->hasher, &state->root, new_count, &top);
    return true;
}

bool reserve_tree_apply(struct val_state *st, struct reserve_state *state, const struct reserve_tree *t,
                        const struct reserve_change *changes, size_t count)
{
    struct reserve_batch b;
    reserve_batch_init(&b);
    bool ok = reserve_tree_update(st, &b, state, t, changes, count);
    if (ok && reserve_batch_write(&t->store, &b) != 0)
        ok = val_error(st, RESERVE_ERROR_STORE);
    reserve_batch_clear(&b);
    return ok;
}

bool reserve_tree_find(struct val_state *st, bool *found, struct reserve_path *path, const struct reserve_tree *t,
                       const struct outpoint *op)
{
    *found = false;
    uint64_t count;
    struct reserve_ref top;
    if (!load_meta(st, &count, &top, t))
        return false;
    if (count == 0)
        return true;
    uint8_t key[32];
    reserve_key(&t->hasher, key, op);
    /* Walk down the key's bits, collecting the siblings top-down. */
    struct reserve_ref *sib = mem_alloc(RESERVE_MAX_DEPTH * sizeof(*sib));
    struct node n;
    unsigned depth = 0;
    bool ok = load(st, &n, t, 0, key, true);
    while (ok && n.kind == KIND_INNER) {
        if (depth >= RESERVE_MAX_DEPTH) {
            ok = corrupt(st, "path too deep");
            break;
        }
        unsigned bit = reserve_key_bit(key, depth);
        const struct reserve_ref *next = bit ? &n.right : &n.left;
        sib[depth] = bit ? n.left : n.right;
        if (reserve_ref_is_empty(&t->hasher, next))
            break; /* the key's place is empty: not in the tree */
        depth++;
        ok = load(st, &n, t, depth, key, true);
    }
    if (ok && n.kind == KIND_LEAF && n.leaf.outpoint.n == op->n && hash256_eq(&n.leaf.outpoint.txid, &op->txid)) {
        *found = true;
        if (path) {
            path->leaf = n.leaf;
            path->leaf_count = count;
            path->depth = depth;
            for (unsigned i = 0; i < depth; i++)
                path->siblings[i] = sib[depth - 1 - i];
        }
    }
    mem_free(sib);
    return ok;
}
