#include "issuance/reserve_proof.h"

#include <string.h>

#include "consensus/pow.h"
#include "consensus/script.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

void reserve_proof_init(struct reserve_proof *p)
{
    memset(p, 0, sizeof(*p));
    p->version = RESERVE_PROOF_VERSION;
    tx_init(&p->coinbase);
}

void reserve_proof_clear(struct reserve_proof *p)
{
    mem_free(p->siblings);
    mem_free(p->branch);
    tx_clear(&p->coinbase);
    reserve_proof_init(p);
}

void reserve_proof_set_path(struct reserve_proof *p, const struct reserve_path *path)
{
    p->leaf = path->leaf;
    p->leaf_count = path->leaf_count;
    mem_free(p->siblings);
    p->depth = path->depth;
    p->siblings = mem_dup(path->siblings, (path->depth ? path->depth : 1) * sizeof(*p->siblings));
}

/* h = SHA256d(left || right), Bitcoin's Merkle step. */
static void merkle_step(struct hash256 *h, const struct hash256 *left, const struct hash256 *right)
{
    uint8_t buf[64];
    memcpy(buf, left->b, 32);
    memcpy(buf + 32, right->b, 32);
    sha256d(h->b, buf, sizeof(buf));
}

void reserve_proof_set_block(struct reserve_proof *p, const struct block *b)
{
    p->header = b->header;
    tx_clear(&p->coinbase);
    tx_copy(&p->coinbase, &b->txs[0]);
    mem_free(p->branch);
    p->branch = NULL;
    p->branch_len = 0;
    /* The branch of index 0: at each level, the hash at index 1. A level of
     * odd length pairs its last hash with itself (Bitcoin's rule), which
     * never touches index 0's sibling. */
    size_t n = b->tx_count;
    struct hash256 *level = mem_alloc(n * sizeof(*level));
    for (size_t i = 0; i < n; i++)
        level[i] = b->txs[i].txid;
    p->branch = mem_alloc(RESERVE_PROOF_MAX_BRANCH * sizeof(*p->branch));
    while (n > 1 && p->branch_len < RESERVE_PROOF_MAX_BRANCH) {
        p->branch[p->branch_len++] = level[1];
        size_t m = 0;
        for (size_t i = 0; i < n; i += 2, m++)
            merkle_step(&level[m], &level[i], &level[i + 1 < n ? i + 1 : i]);
        n = m;
    }
    mem_free(level);
}

void reserve_proof_serialize(struct wbuf *w, const struct reserve_proof *p)
{
    uint8_t buf[RESERVE_LEAF_SIZE];
    wbuf_u8(w, p->version);
    reserve_leaf_serialize(buf, &p->leaf);
    wbuf_put(w, buf, RESERVE_LEAF_SIZE);
    wbuf_u64le(w, p->leaf_count);
    wbuf_u16le(w, (uint16_t)p->depth);
    for (size_t i = 0; i < p->depth; i++) {
        reserve_ref_serialize(buf, &p->siblings[i]);
        wbuf_put(w, buf, RESERVE_REF_SIZE);
    }
    block_header_serialize(w, &p->header);
    wbuf_compact(w, tx_size(&p->coinbase, false));
    tx_serialize(w, &p->coinbase, false);
    wbuf_u8(w, (uint8_t)p->branch_len);
    for (size_t i = 0; i < p->branch_len; i++)
        wbuf_put(w, p->branch[i].b, 32);
}

bool reserve_proof_decode(struct reserve_proof *out, const uint8_t *data, size_t len)
{
    reserve_proof_init(out);
    struct rbuf r = rbuf_make(data, len);
    uint16_t depth;
    uint64_t cb_len;
    uint8_t branch_len;
    const uint8_t *cb;
    if (!rbuf_u8(&r, &out->version) || out->version != RESERVE_PROOF_VERSION)
        goto fail;
    if (!reserve_leaf_parse(&out->leaf, &r) || !rbuf_u64le(&r, &out->leaf_count) || !rbuf_u16le(&r, &depth))
        goto fail;
    /* Caps before allocating: the depth limit, then the bytes that remain. */
    if (depth > RESERVE_MAX_DEPTH || (size_t)depth * RESERVE_REF_SIZE > r.len)
        goto fail;
    out->depth = depth;
    out->siblings = mem_alloc((depth ? depth : 1) * sizeof(*out->siblings));
    for (size_t i = 0; i < depth; i++)
        if (!reserve_ref_parse(&out->siblings[i], &r))
            goto fail;
    if (!block_header_parse(&out->header, &r))
        goto fail;
    if (!rbuf_compact(&r, &cb_len, RESERVE_PROOF_MAX_COINBASE) || cb_len == 0 || !(cb = rbuf_take(&r, (size_t)cb_len)))
        goto fail;
    tx_clear(&out->coinbase);
    if (!tx_decode(&out->coinbase, cb, (size_t)cb_len, false)) {
        tx_init(&out->coinbase);
        goto fail;
    }
    if (!rbuf_u8(&r, &branch_len) || branch_len > RESERVE_PROOF_MAX_BRANCH || (size_t)branch_len * 32 > r.len)
        goto fail;
    out->branch_len = branch_len;
    out->branch = mem_alloc((branch_len ? branch_len : 1) * sizeof(*out->branch));
    for (size_t i = 0; i < branch_len; i++)
        if (!rbuf_read(&r, out->branch[i].b, 32))
            goto fail;
    if (r.len != 0)
        goto fail;
    return true;
fail:
    reserve_proof_clear(out);
    return false;
}

/* Out: *height = the BIP 34 height at the start of the coinbase's scriptSig. Returns false if there is none. */
static bool reserve_coinbase_height(int32_t *height, const struct tx *coinbase)
{
    *height = 0;
    if (coinbase->vin_count == 0)
        return false;
    const struct bytes *sig = &coinbase->vin[0].script_sig;
    if (sig->len == 0)
        return false;
    /* Read the number the first opcode pushes, then require the exact bytes
     * CScript() << height writes (what block validation checks, BIP 34). */
    int64_t n;
    uint8_t op = sig->data[0];
    if (op == 0x00)
        n = 0;
    else if (op >= 0x51 && op <= 0x60)
        n = op - 0x50;
    else if (op >= 1 && op <= 4 && sig->len > op) {
        if (!script_num_decode(&n, sig->data + 1, op, true, 4))
            return false;
    } else
        return false;
    if (n < 0 || n > INT32_MAX)
        return false;
    struct wbuf expect;
    wbuf_init(&expect);
    script_push_int(&expect, n);
    bool ok = sig->len >= expect.len && memcmp(sig->data, expect.data, expect.len) == 0;
    wbuf_clear(&expect);
    if (ok)
        *height = (int32_t)n;
    return ok;
}

bool reserve_proof_verify(struct val_state *st, struct reserve_proof_result *res, const struct reserve_proof *p,
                          const struct chain_params *params)
{
    memset(res, 0, sizeof(*res));
    if (p->version != RESERVE_PROOF_VERSION)
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, "bad-reserve-proof-version", "version %u", p->version);

    /* 1. The root and sums, recomputed from the leaf and its path. */
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    struct reserve_state state;
    if (!reserve_path_root(st, &state, &h, &p->leaf, p->leaf_count, p->siblings, p->depth))
        return false;

    /* 2. The coinbase commits to exactly that root and those totals. */
    if (!tx_is_coinbase(&p->coinbase))
        return val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_PROOF_COINBASE);
    struct reserve_commitment expect;
    reserve_commitment_from_state(&expect, &state);
    if (!reserve_commitment_check(st, &p->coinbase, &expect))
        return false;

    /* 3. The coinbase is transaction 0 of the header's Merkle tree: at every
     * level it is the left hash. (A coinbase with an HMRS output is longer
     * than 64 bytes, so it cannot pose as an inner node, CVE-2017-12842.) */
    struct hash256 cur = p->coinbase.txid;
    for (size_t i = 0; i < p->branch_len; i++) {
        if (hash256_eq(&p->branch[i], &cur)) /* index 0 is never paired with itself */
            return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_PROOF_MERKLE, "duplicated hash");
        merkle_step(&cur, &cur, &p->branch[i]);
    }
    if (!hash256_eq(&cur, &p->header.merkle_root))
        return val_invalid_debug(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_PROOF_MERKLE, "root mismatch");

    /* 4. The height the coinbase states; commitments exist from height 1. */
    int32_t height;
    if (!reserve_coinbase_height(&height, &p->coinbase) || height < 1)
        return val_invalid(st, VAL_BLOCK_CONSENSUS, RESERVE_REJECT_PROOF_HEIGHT);

    struct hash256 block_hash;
    block_header_hash(&block_hash, &p->header);
    if (params && !pow_check(&block_hash, p->header.bits, params))
        return val_invalid(st, VAL_BLOCK_INVALID_HEADER, RESERVE_REJECT_PROOF_POW);

    res->leaf = p->leaf;
    res->leaf_count = p->leaf_count;
    res->commitment = expect;
    res->block_hash = block_hash;
    res->height = height;
    return true;
}
