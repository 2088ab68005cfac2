/* Reserve proofs (issuance/reserve_proof.c): every leaf's proof verifies
 * after an encode/decode round trip; every tampered field, netted sums,
 * changed path lengths, leaf counts and duplicated nodes fail; the decoder
 * is bounded and rejects trailing data. */
#include "issuance/reserve_proof.h"

#include <string.h>

#include "consensus/merkle.h"
#include "consensus/pow.h"
#include "consensus/script.h"
#include "issuance/reserve_memstore.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

#define N_LEAVES 200
#define HEIGHT 7

static const struct chain_params *params;
static struct reserve_memstore *mem;
static struct reserve_tree tree;
static struct reserve_state state;
static struct reserve_leaf leaves[N_LEAVES];
static struct block blk;

static void make_leaf(struct reserve_leaf *l, uint64_t id)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < 32; i += 8)
        le64_write(l->outpoint.txid.b + i, id * 0x2545F4914F6CDD1Du + (uint64_t)i);
    l->outpoint.n = (uint32_t)(id % 5);
    memset(l->asset_id, 0x5A, 32);
    l->collateral = (id * 7919) % (50 * COIN) + 1;
    l->debt = (id % 3) ? (id * 104729) % (900 * COIN) : 0;
    for (int i = 0; i < 32; i++)
        l->owner_hash[i] = (uint8_t)(id * 31 + (uint64_t)i);
}

/* A coinbase for height with outputs, then the commitment (if c). */
static void make_coinbase(struct tx *tx, int32_t height, const struct reserve_commitment *c)
{
    tx_init(tx);
    struct wbuf sig;
    wbuf_init(&sig);
    script_push_int(&sig, height);
    wbuf_u8(&sig, 0x00);
    struct outpoint null = { { { 0 } }, 0xffffffffu };
    tx_add_input(tx, &null, sig.data, sig.len, SEQUENCE_FINAL);
    wbuf_clear(&sig);
    static const uint8_t op_true[1] = { 0x51 };
    tx_add_output(tx, 10 * COIN, op_true, 1);
    if (c)
        reserve_commitment_add(tx, c);
    tx_update_hashes(tx);
}

static void mine(struct block_header *h)
{
    struct hash256 hash;
    for (h->nonce = 0;; h->nonce++) {
        block_header_hash(&hash, h);
        if (pow_check(&hash, h->bits, params))
            return;
    }
}

/* A block at height with the coinbase given and ntx - 1 other transactions. */
static void make_block(struct block *b, const struct tx *coinbase, size_t ntx, const struct hash256 *prev, uint32_t time)
{
    block_init(b);
    block_add_tx(b, coinbase);
    for (size_t i = 1; i < ntx; i++) {
        struct tx tx;
        tx_init(&tx);
        struct outpoint op = { { { (uint8_t)i, (uint8_t)(i >> 8), 7 } }, (uint32_t)i };
        tx_add_input(&tx, &op, NULL, 0, SEQUENCE_FINAL);
        static const uint8_t op_true[1] = { 0x51 };
        tx_add_output(&tx, (int64_t)i, op_true, 1);
        tx_update_hashes(&tx);
        block_add_tx(b, &tx);
        tx_clear(&tx);
    }
    b->header.version = 4;
    b->header.prev_hash = *prev;
    merkle_block_root(&b->header.merkle_root, NULL, b);
    b->header.time = time;
    b->header.bits = params->pow_limit_bits;
    mine(&b->header);
}

static void setup(void)
{
    params = chain_params_get("regtest");
    mem = reserve_memstore_new(NULL);
    struct reserve_store s;
    reserve_memstore_store(&s, mem);
    reserve_tree_init(&tree, &s);
    struct reserve_change *ch = mem_alloc(N_LEAVES * sizeof(*ch));
    for (int i = 0; i < N_LEAVES; i++) {
        make_leaf(&leaves[i], 1000 + (uint64_t)i);
        ch[i].insert = true;
        ch[i].leaf = leaves[i];
    }
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_tree_apply(&st, &state, &tree, ch, N_LEAVES));
    mem_free(ch);
    struct reserve_commitment c;
    reserve_commitment_from_state(&c, &state);
    struct tx cb;
    make_coinbase(&cb, HEIGHT, &c);
    struct hash256 prev = { { 0x42 } };
    make_block(&blk, &cb, 13, &prev, 1795219200 + 600 * HEIGHT);
    tx_clear(&cb);
}

static void teardown(void)
{
    block_clear(&blk);
    reserve_memstore_free(mem);
}

/* The proof of leaves[i] in blk. */
static void make_proof(struct reserve_proof *p, size_t i)
{
    struct reserve_path *path = mem_alloc(sizeof(*path));
    struct val_state st;
    val_state_init(&st);
    bool found;
    ck_assert(reserve_tree_find(&st, &found, path, &tree, &leaves[i].outpoint));
    ck_assert(found);
    reserve_proof_init(p);
    reserve_proof_set_path(p, path);
    reserve_proof_set_block(p, &blk);
    mem_free(path);
}

static bool verify(const struct reserve_proof *p, struct val_state *st)
{
    struct reserve_proof_result res;
    val_state_init(st);
    return reserve_proof_verify(st, &res, p, params);
}

/* Verifies p and expects reject (and, if debug, that detail). */
static void expect_fail(const struct reserve_proof *p, const char *reject, const char *what)
{
    struct val_state st;
    ck_assert_msg(!verify(p, &st), "tampered proof verified: %s", what);
    if (reject)
        ck_assert_msg(strcmp(st.reject, reject) == 0, "%s: got %s (%s), want %s", what, st.reject, st.debug, reject);
}

START_TEST(test_every_leaf_round_trip)
{
    for (size_t i = 0; i < N_LEAVES; i++) {
        struct reserve_proof p, q;
        make_proof(&p, i);
        struct wbuf w;
        wbuf_init(&w);
        reserve_proof_serialize(&w, &p);
        ck_assert(reserve_proof_decode(&q, w.data, w.len));
        struct wbuf w2;
        wbuf_init(&w2);
        reserve_proof_serialize(&w2, &q);
        ck_assert_uint_eq(w.len, w2.len);
        ck_assert_mem_eq(w.data, w2.data, w.len);

        struct reserve_proof_result res;
        struct val_state st;
        val_state_init(&st);
        ck_assert_msg(reserve_proof_verify(&st, &res, &q, params), "%s %s", st.reject, st.debug);
        ck_assert(hash256_eq(&res.commitment.root, &state.root));
        ck_assert_uint_eq(res.commitment.collateral, state.sums.collateral);
        ck_assert_uint_eq(res.commitment.debt, state.sums.debt);
        ck_assert_uint_eq(res.leaf_count, N_LEAVES);
        ck_assert_int_eq(res.height, HEIGHT);
        struct hash256 bh;
        block_hash(&bh, &blk);
        ck_assert(hash256_eq(&res.block_hash, &bh));
        ck_assert_uint_eq(res.leaf.collateral, leaves[i].collateral);
        ck_assert_uint_eq(res.leaf.debt, leaves[i].debt);
        ck_assert_mem_eq(res.leaf.owner_hash, leaves[i].owner_hash, 32);
        wbuf_clear(&w);
        wbuf_clear(&w2);
        reserve_proof_clear(&p);
        reserve_proof_clear(&q);
    }
}
END_TEST

/* Each leaf field, each sibling field, the leaf count. */
START_TEST(test_tampered_fields)
{
    struct reserve_proof p;
    make_proof(&p, 17);
    ck_assert_uint_ge(p.depth, 3);
    struct val_state st;
    ck_assert(verify(&p, &st));
    struct reserve_leaf keep = p.leaf;

    p.leaf.outpoint.txid.b[0] ^= 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "txid");
    p.leaf = keep;
    p.leaf.outpoint.n ^= 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "vout");
    p.leaf = keep;
    p.leaf.asset_id[31] ^= 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "asset id");
    p.leaf = keep;
    p.leaf.collateral += 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "collateral");
    p.leaf = keep;
    p.leaf.debt -= keep.debt ? 1 : 0;
    p.leaf.debt += keep.debt ? 0 : 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "debt");
    p.leaf = keep;
    p.leaf.owner_hash[5] ^= 0x80;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "owner");
    p.leaf = keep;

    for (size_t i = 0; i < p.depth; i++) {
        struct reserve_ref s = p.siblings[i];
        p.siblings[i].hash.b[i % 32] ^= 4;
        expect_fail(&p, NULL, "sibling hash");
        p.siblings[i] = s;
        p.siblings[i].sums.collateral++;
        expect_fail(&p, NULL, "sibling collateral");
        p.siblings[i] = s;
        p.siblings[i].sums.debt++;
        expect_fail(&p, NULL, "sibling debt");
        p.siblings[i] = s;
    }
    p.leaf_count++;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "leaf count + 1");
    p.leaf_count -= 2;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "leaf count - 1");
    p.leaf_count = 0;
    expect_fail(&p, "bad-reserve-path", "leaf count 0");
    p.leaf_count = 1;
    expect_fail(&p, "bad-reserve-path", "leaf count below the path");
    p.leaf_count = N_LEAVES;
    ck_assert(verify(&p, &st));
    reserve_proof_clear(&p);
}
END_TEST

/* Netting: moving value between collateral and debt, or between the leaf
 * and a sibling, keeps some total equal; the hashes still catch it. */
START_TEST(test_netted_sums)
{
    struct reserve_proof p;
    make_proof(&p, 3);
    struct reserve_ref s0 = p.siblings[0];
    struct reserve_leaf keep = p.leaf;
    /* collateral - debt unchanged */
    p.leaf.collateral += 5;
    p.leaf.debt += 5;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "leaf coll+5 debt+5");
    p.leaf = keep;
    /* the top totals unchanged: leaf up, sibling down */
    p.leaf.collateral += 1;
    p.siblings[0].sums.collateral -= 1;
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "leaf +1, sibling -1");
    p.leaf = keep;
    p.siblings[0] = s0;
    if (s0.sums.debt > 0 && keep.collateral > 1) {
        p.siblings[0].sums.debt -= 1;
        p.siblings[0].sums.collateral += 1;
        expect_fail(&p, RESERVE_REJECT_COMMITMENT, "sibling debt into collateral");
        p.siblings[0] = s0;
    }
    reserve_proof_clear(&p);
}
END_TEST

/* Paths one longer or shorter, reordered, or with a node duplicated. */
START_TEST(test_path_shape)
{
    struct reserve_proof p;
    make_proof(&p, 50);
    size_t d = p.depth;
    ck_assert_uint_ge(d, 3);
    struct reserve_ref *orig = mem_dup(p.siblings, d * sizeof(*orig));
    struct reserve_ref *longer = mem_alloc((d + 1) * sizeof(*longer));

    p.depth = d - 1; /* drop the top sibling */
    expect_fail(&p, NULL, "path - 1 (top)");
    memmove(p.siblings, orig + 1, (d - 1) * sizeof(*orig)); /* drop the leaf's sibling */
    expect_fail(&p, NULL, "path - 1 (bottom)");
    memcpy(p.siblings, orig, d * sizeof(*orig));
    p.depth = d;

    struct reserve_ref *saved = p.siblings;
    p.siblings = longer;
    /* an extra empty level on top (a leaf one deeper) */
    memcpy(longer, orig, d * sizeof(*orig));
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    reserve_ref_empty(&h, &longer[d]);
    p.depth = d + 1;
    expect_fail(&p, NULL, "path + 1 (empty on top)");
    /* a duplicated sibling */
    memcpy(longer + 1, orig, d * sizeof(*orig));
    longer[0] = orig[0];
    expect_fail(&p, NULL, "sibling duplicated");
    /* the node paired with itself (CVE-2012-2459 style) */
    memcpy(longer + 1, orig, d * sizeof(*orig));
    reserve_leaf_ref(&h, &longer[0], &p.leaf);
    expect_fail(&p, "bad-reserve-path", "leaf paired with itself");
    /* an empty sibling right beside the leaf */
    reserve_ref_empty(&h, &longer[0]);
    expect_fail(&p, "bad-reserve-path", "empty beside the leaf");
    /* an empty value carrying sums */
    memcpy(longer, orig, d * sizeof(*orig));
    p.depth = d;
    reserve_ref_empty(&h, &longer[1]);
    longer[1].sums.collateral = 1;
    expect_fail(&p, "bad-reserve-path", "empty with sums");
    /* two siblings swapped */
    memcpy(longer, orig, d * sizeof(*orig));
    longer[0] = orig[1];
    longer[1] = orig[0];
    expect_fail(&p, NULL, "siblings swapped");
    /* the proof for another leaf's position: right path, wrong leaf */
    memcpy(longer, orig, d * sizeof(*orig));
    struct reserve_leaf keep = p.leaf;
    p.leaf = leaves[51];
    expect_fail(&p, NULL, "another leaf on this path");
    p.leaf = keep;
    struct val_state st;
    ck_assert(verify(&p, &st));
    p.siblings = saved;
    mem_free(longer);
    mem_free(orig);
    reserve_proof_clear(&p);
}
END_TEST

/* Sums near the limits: range-checked, and additions checked. */
START_TEST(test_overflow)
{
    struct reserve_proof p;
    make_proof(&p, 9);
    struct reserve_ref s = p.siblings[0];
    p.siblings[0].sums.collateral = RESERVE_COLLATERAL_MAX + 1;
    expect_fail(&p, RESERVE_REJECT_RANGE, "sibling collateral above money");
    p.siblings[0].sums.collateral = RESERVE_COLLATERAL_MAX;
    expect_fail(&p, RESERVE_REJECT_RANGE, "collateral sum above money");
    p.siblings[0] = s;
    p.siblings[0].sums.debt = RESERVE_DEBT_SUM_MAX + 1;
    expect_fail(&p, RESERVE_REJECT_RANGE, "sibling debt above 2^63-1");
    p.siblings[0].sums.debt = UINT64_MAX - 3; /* would wrap to a small total in unchecked code */
    expect_fail(&p, RESERVE_REJECT_RANGE, "wrapping debt");
    p.siblings[0].sums.debt = RESERVE_DEBT_SUM_MAX;
    p.leaf.debt = p.leaf.debt ? p.leaf.debt : 1;
    expect_fail(&p, RESERVE_REJECT_RANGE, "debt sum above 2^63-1");
    p.siblings[0] = s;
    p.leaf.debt = RESERVE_DEBT_MAX + 1;
    expect_fail(&p, RESERVE_REJECT_RANGE, "leaf debt above 2^53");
    reserve_proof_clear(&p);
}
END_TEST

/* The block half: header, branch, coinbase, commitment, height. */
START_TEST(test_block_part)
{
    struct reserve_proof p;
    make_proof(&p, 0);
    ck_assert_uint_eq(p.branch_len, 4); /* 13 transactions: 4 levels */
    struct val_state st;

    struct block_header hk = p.header;
    p.header.merkle_root.b[0] ^= 1;
    expect_fail(&p, RESERVE_REJECT_PROOF_MERKLE, "header merkle root");
    p.header = hk;
    p.header.nonce++;
    /* another nonce: the hash changes; with regtest's target it may or may
     * not meet the bits, so only the result's block hash is checked */
    if (verify(&p, &st)) {
        struct reserve_proof_result res;
        ck_assert(reserve_proof_verify(&st, &res, &p, params));
        struct hash256 bh;
        block_hash(&bh, &blk);
        ck_assert(!hash256_eq(&res.block_hash, &bh));
    }
    p.header = hk;
    for (size_t i = 0; i < p.branch_len; i++) {
        p.branch[i].b[7] ^= 1;
        expect_fail(&p, RESERVE_REJECT_PROOF_MERKLE, "branch hash");
        p.branch[i].b[7] ^= 1;
    }
    p.branch_len--;
    expect_fail(&p, RESERVE_REJECT_PROOF_MERKLE, "branch - 1");
    p.branch_len++;
    struct hash256 b0 = p.branch[0];
    p.branch[0] = p.coinbase.txid;
    expect_fail(&p, RESERVE_REJECT_PROOF_MERKLE, "coinbase paired with itself");
    p.branch[0] = b0;
    ck_assert(verify(&p, &st));

    /* a coinbase with another output: its txid leaves the Merkle tree */
    struct tx keep;
    tx_copy(&keep, &p.coinbase);
    static const uint8_t op_true[1] = { 0x51 };
    tx_add_output(&p.coinbase, 1, op_true, 1);
    tx_update_hashes(&p.coinbase);
    expect_fail(&p, RESERVE_REJECT_PROOF_MERKLE, "coinbase changed");
    tx_clear(&p.coinbase);

    /* a coinbase committing to totals off by one: its commitment is checked
     * before the Merkle branch */
    struct reserve_commitment c;
    reserve_commitment_from_state(&c, &state);
    c.debt++;
    make_coinbase(&p.coinbase, HEIGHT, &c);
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "debt + 1 committed");
    tx_clear(&p.coinbase);
    c.debt--;
    c.collateral--;
    make_coinbase(&p.coinbase, HEIGHT, &c);
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "collateral - 1 committed");
    tx_clear(&p.coinbase);
    make_coinbase(&p.coinbase, HEIGHT, NULL);
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "no commitment");
    tx_clear(&p.coinbase);
    reserve_commitment_from_state(&c, &state);
    make_coinbase(&p.coinbase, HEIGHT, &c);
    reserve_commitment_add(&p.coinbase, &c);
    expect_fail(&p, RESERVE_REJECT_COMMITMENT, "two commitments");
    tx_clear(&p.coinbase);

    /* not a coinbase */
    tx_copy(&p.coinbase, &keep);
    p.coinbase.vin[0].prevout.n = 0;
    tx_update_hashes(&p.coinbase);
    expect_fail(&p, RESERVE_REJECT_PROOF_COINBASE, "not a coinbase");
    tx_clear(&p.coinbase);

    /* heights: a block with a coinbase at height 0 or without a BIP 34 push
     * is rejected even when its header and branch are right */
    static const struct {
        int32_t height;
        bool ok;
    } hs[] = { { 0, false }, { 1, true }, { 16, true }, { 17, true }, { 500000, true } };
    for (size_t i = 0; i < sizeof(hs) / sizeof(hs[0]); i++) {
        struct tx cb;
        make_coinbase(&cb, hs[i].height, &c);
        struct block b2;
        struct hash256 prev = { { 1 } };
        make_block(&b2, &cb, 3, &prev, 1795220000);
        reserve_proof_set_block(&p, &b2);
        struct reserve_proof_result res;
        val_state_init(&st);
        bool ok = reserve_proof_verify(&st, &res, &p, params);
        ck_assert_msg(ok == hs[i].ok, "height %d: %s", hs[i].height, st.reject);
        if (ok)
            ck_assert_int_eq(res.height, hs[i].height);
        else
            ck_assert_str_eq(st.reject, RESERVE_REJECT_PROOF_HEIGHT);
        block_clear(&b2);
        tx_clear(&cb);
    }
    /* a block of one transaction: empty branch */
    struct block b1;
    struct tx cb;
    make_coinbase(&cb, 3, &c);
    struct hash256 prev = { { 2 } };
    make_block(&b1, &cb, 1, &prev, 1795220000);
    reserve_proof_set_block(&p, &b1);
    ck_assert_uint_eq(p.branch_len, 0);
    ck_assert(verify(&p, &st));
    /* a header failing its own proof of work */
    p.header.bits = 0x1d00ffff;
    expect_fail(&p, RESERVE_REJECT_PROOF_POW, "high hash");
    block_clear(&b1);
    tx_clear(&cb);
    tx_clear(&keep);
    reserve_proof_clear(&p);
}
END_TEST

/* The decoder: truncation anywhere, trailing data, caps, version. */
START_TEST(test_decode_bounds)
{
    struct reserve_proof p, q;
    make_proof(&p, 120);
    struct wbuf w;
    wbuf_init(&w);
    reserve_proof_serialize(&w, &p);
    ck_assert(reserve_proof_decode(&q, w.data, w.len));
    reserve_proof_clear(&q);
    for (size_t n = 0; n < w.len; n++)
        ck_assert_msg(!reserve_proof_decode(&q, w.data, n), "truncated at %zu decoded", n);
    uint8_t *longer = mem_alloc(w.len + 1);
    memcpy(longer, w.data, w.len);
    longer[w.len] = 0;
    ck_assert(!reserve_proof_decode(&q, longer, w.len + 1));
    mem_free(longer);

    uint8_t *b = mem_dup(w.data, w.len);
    b[0] = 2; /* unknown version */
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    b[0] = 1;
    size_t depth_at = 1 + RESERVE_LEAF_SIZE + 8;
    le16_write(b + depth_at, 257); /* depth above 256 */
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    le16_write(b + depth_at, 0xFFFF);
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    le16_write(b + depth_at, (uint16_t)p.depth);
    /* collateral above the money limit in the leaf */
    le64_write(b + 1 + 68, RESERVE_COLLATERAL_MAX + 1);
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    memcpy(b, w.data, w.len);
    /* the branch count above 32 */
    b[w.len - 32 * p.branch_len - 1] = 33;
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    b[w.len - 32 * p.branch_len - 1] = 0xFF;
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    memcpy(b, w.data, w.len);
    /* a coinbase length claiming more than is there */
    size_t cb_at = depth_at + 2 + RESERVE_REF_SIZE * p.depth + BLOCK_HEADER_SIZE;
    ck_assert_uint_lt(b[cb_at], 0xfd);
    b[cb_at] = (uint8_t)(b[cb_at] + 1);
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    b[cb_at] = 0;
    ck_assert(!reserve_proof_decode(&q, b, w.len));
    mem_free(b);

    /* a huge claimed coinbase length: rejected before any allocation */
    struct wbuf h;
    wbuf_init(&h);
    wbuf_put(&h, w.data, cb_at);
    wbuf_compact(&h, 0xFFFFFFFFu);
    ck_assert(!reserve_proof_decode(&q, h.data, h.len));
    wbuf_clear(&h);
    wbuf_clear(&w);
    reserve_proof_clear(&p);
}
END_TEST

static Suite *reserve_proof_suite(void)
{
    Suite *s = suite_create("reserve_proof");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_every_leaf_round_trip);
    tcase_add_test(tc, test_tampered_fields);
    tcase_add_test(tc, test_netted_sums);
    tcase_add_test(tc, test_path_shape);
    tcase_add_test(tc, test_overflow);
    tcase_add_test(tc, test_block_part);
    tcase_add_test(tc, test_decode_bounds);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(reserve_proof_suite)
