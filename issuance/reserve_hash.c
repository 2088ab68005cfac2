#include "issuance/reserve_hash.h"

#include <string.h>

#include "consensus/token_prefix.h"
#include "src/util/endian.h"

void reserve_hasher_init(struct reserve_hasher *h)
{
    sha256_tagged_init(&h->leaf, RESERVE_TAG_LEAF);
    sha256_tagged_init(&h->node, RESERVE_TAG_NODE);
    sha256_tagged_init(&h->root, RESERVE_TAG_ROOT);
    sha256_tagged_init(&h->key, RESERVE_TAG_KEY);
    /* The empty value is the tagged hash of the empty message: a constant
     * no leaf, node or root hash can equal (different tags). */
    struct sha256_ctx ctx;
    sha256_tagged_init(&ctx, RESERVE_TAG_EMPTY);
    sha256_finalize(&ctx, h->empty.b);
}

void reserve_key(const struct reserve_hasher *h, uint8_t key[32], const struct outpoint *op)
{
    uint8_t msg[36];
    memcpy(msg, op->txid.b, 32);
    le32_write(msg + 32, op->n);
    struct sha256_ctx ctx = h->key;
    sha256_write(&ctx, msg, sizeof(msg));
    sha256_finalize(&ctx, key);
}

bool reserve_leaf_in_range(const struct reserve_leaf *l)
{
    return l->collateral <= RESERVE_COLLATERAL_MAX && l->debt <= RESERVE_DEBT_MAX;
}

void reserve_leaf_serialize(uint8_t out[RESERVE_LEAF_SIZE], const struct reserve_leaf *l)
{
    memcpy(out, l->outpoint.txid.b, 32);
    le32_write(out + 32, l->outpoint.n);
    memcpy(out + 36, l->asset_id, 32);
    le64_write(out + 68, l->collateral);
    le64_write(out + 76, l->debt);
    memcpy(out + 84, l->owner_hash, 32);
}

bool reserve_leaf_parse(struct reserve_leaf *out, struct rbuf *r)
{
    memset(out, 0, sizeof(*out));
    if (r->len < RESERVE_LEAF_SIZE)
        return false;
    const uint8_t *p = r->p;
    struct reserve_leaf l;
    memcpy(l.outpoint.txid.b, p, 32);
    l.outpoint.n = le32_read(p + 32);
    memcpy(l.asset_id, p + 36, 32);
    l.collateral = le64_read(p + 68);
    l.debt = le64_read(p + 76);
    memcpy(l.owner_hash, p + 84, 32);
    if (!reserve_leaf_in_range(&l))
        return false;
    *out = l;
    r->p += RESERVE_LEAF_SIZE;
    r->len -= RESERVE_LEAF_SIZE;
    return true;
}

void reserve_leaf_hash(const struct reserve_hasher *h, struct hash256 *hash, const struct reserve_leaf *l)
{
    uint8_t msg[RESERVE_LEAF_SIZE];
    reserve_leaf_serialize(msg, l);
    struct sha256_ctx ctx = h->leaf;
    sha256_write(&ctx, msg, sizeof(msg));
    sha256_finalize(&ctx, hash->b);
}

void reserve_leaf_ref(const struct reserve_hasher *h, struct reserve_ref *r, const struct reserve_leaf *l)
{
    reserve_leaf_hash(h, &r->hash, l);
    r->sums.collateral = l->collateral;
    r->sums.debt = l->debt;
}

bool reserve_leaf_from_output(struct reserve_leaf *out, const struct outpoint *op, const struct txout *txout)
{
    memset(out, 0, sizeof(*out));
    struct token_prefix prefix;
    size_t prefix_len;
    const struct bytes *spk = &txout->script_pubkey;
    if (token_prefix_parse(&prefix, &prefix_len, spk->data, spk->len) != TOKEN_PREFIX_OK ||
        prefix.kind != TOKEN_KIND_VAULT)
        return false;
    if (txout->value < 0)
        return false;
    struct reserve_leaf l;
    l.outpoint = *op;
    memcpy(l.asset_id, prefix.asset_id, 32);
    l.collateral = (uint64_t)txout->value;
    l.debt = prefix.amount;
    sha256(l.owner_hash, spk->data + prefix_len, spk->len - prefix_len);
    if (!reserve_leaf_in_range(&l))
        return false;
    *out = l;
    return true;
}

void reserve_ref_empty(const struct reserve_hasher *h, struct reserve_ref *r)
{
    r->hash = h->empty;
    r->sums.collateral = 0;
    r->sums.debt = 0;
}

bool reserve_ref_is_empty(const struct reserve_hasher *h, const struct reserve_ref *r)
{
    return hash256_eq(&r->hash, &h->empty) && r->sums.collateral == 0 && r->sums.debt == 0;
}

bool reserve_ref_in_range(const struct reserve_ref *r)
{
    return r->sums.collateral <= RESERVE_COLLATERAL_MAX && r->sums.debt <= RESERVE_DEBT_SUM_MAX;
}

bool reserve_sums_add(struct reserve_sums *sum, const struct reserve_sums *a, const struct reserve_sums *b)
{
    /* Both bounds are far below 2^64 - 1, so checking each operand first
     * makes the additions themselves unable to wrap. */
    if (a->collateral > RESERVE_COLLATERAL_MAX || b->collateral > RESERVE_COLLATERAL_MAX ||
        a->collateral + b->collateral > RESERVE_COLLATERAL_MAX || a->debt > RESERVE_DEBT_SUM_MAX ||
        b->debt > RESERVE_DEBT_SUM_MAX || a->debt + b->debt > RESERVE_DEBT_SUM_MAX) {
        sum->collateral = 0;
        sum->debt = 0;
        return false;
    }
    sum->collateral = a->collateral + b->collateral;
    sum->debt = a->debt + b->debt;
    return true;
}

void reserve_ref_serialize(uint8_t out[RESERVE_REF_SIZE], const struct reserve_ref *r)
{
    memcpy(out, r->hash.b, 32);
    le64_write(out + 32, r->sums.collateral);
    le64_write(out + 40, r->sums.debt);
}

bool reserve_ref_parse(struct reserve_ref *out, struct rbuf *r)
{
    memset(out, 0, sizeof(*out));
    if (r->len < RESERVE_REF_SIZE)
        return false;
    struct reserve_ref v;
    memcpy(v.hash.b, r->p, 32);
    v.sums.collateral = le64_read(r->p + 32);
    v.sums.debt = le64_read(r->p + 40);
    if (!reserve_ref_in_range(&v))
        return false;
    *out = v;
    r->p += RESERVE_REF_SIZE;
    r->len -= RESERVE_REF_SIZE;
    return true;
}

bool reserve_node(const struct reserve_hasher *h, struct reserve_ref *parent, const struct reserve_ref *left,
                  const struct reserve_ref *right)
{
    struct reserve_sums sums;
    if (!reserve_sums_add(&sums, &left->sums, &right->sums)) {
        memset(parent, 0, sizeof(*parent));
        return false;
    }
    uint8_t msg[2 * RESERVE_REF_SIZE];
    reserve_ref_serialize(msg, left);
    reserve_ref_serialize(msg + RESERVE_REF_SIZE, right);
    struct sha256_ctx ctx = h->node;
    sha256_write(&ctx, msg, sizeof(msg));
    sha256_finalize(&ctx, parent->hash.b);
    parent->sums = sums;
    return true;
}

void reserve_root_hash(const struct reserve_hasher *h, struct hash256 *root, uint64_t count, const struct reserve_ref *top)
{
    uint8_t msg[8 + RESERVE_REF_SIZE];
    le64_write(msg, count);
    reserve_ref_serialize(msg + 8, top);
    struct sha256_ctx ctx = h->root;
    sha256_write(&ctx, msg, sizeof(msg));
    sha256_finalize(&ctx, root->b);
}
