/* The reserve Merkle-sum tree (issuance/reserve_tree.c, reserve_path.c,
 * reserve_hash.c, reserve_memstore.c): hashing against the bytes
 * doc/issuance.md specifies, the incremental tree against the naive rebuild
 * on random update sequences, history independence, undo, paths, range and
 * overflow rejection, store failures. */
#include "issuance/reserve_tree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/reserve_memstore.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/endian.h"

/* ---- helpers ------------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
    /* xorshift64*: deterministic, so a failure reproduces. */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Du;
}

static void make_leaf(struct reserve_leaf *l, uint64_t id)
{
    memset(l, 0, sizeof(*l));
    for (int i = 0; i < 32; i += 8)
        le64_write(l->outpoint.txid.b + i, id * 0x9E3779B97F4A7C15u + (uint64_t)i);
    l->outpoint.n = (uint32_t)(id % 7);
    memset(l->asset_id, 0xA5, 32);
    l->collateral = (id * 7919) % (100 * COIN) + 1;
    l->debt = (id * 104729) % (1000 * COIN);
    for (int i = 0; i < 32; i++)
        l->owner_hash[i] = (uint8_t)(id >> (i % 8));
}

struct fixture {
    struct reserve_memstore *mem;
    struct reserve_tree tree;
};

static void fixture_init(struct fixture *f)
{
    f->mem = reserve_memstore_new(NULL);
    struct reserve_store s;
    reserve_memstore_store(&s, f->mem);
    reserve_tree_init(&f->tree, &s);
}

static void fixture_clear(struct fixture *f)
{
    reserve_memstore_free(f->mem);
}

static void apply_ok(struct fixture *f, struct reserve_state *state, const struct reserve_change *ch, size_t n)
{
    struct val_state st;
    val_state_init(&st);
    bool ok = reserve_tree_apply(&st, state, &f->tree, ch, n);
    ck_assert_msg(ok, "apply failed: %s %s", st.reject, st.debug);
}

static void naive_ok(struct reserve_state *state, const struct reserve_leaf *leaves, size_t n)
{
    struct val_state st;
    val_state_init(&st);
    ck_assert_msg(reserve_root_compute(&st, state, leaves, n), "naive failed: %s", st.reject);
}

static void assert_state_eq(const struct reserve_state *a, const struct reserve_state *b)
{
    ck_assert(hash256_eq(&a->root, &b->root));
    ck_assert_uint_eq(a->count, b->count);
    ck_assert_uint_eq(a->sums.collateral, b->sums.collateral);
    ck_assert_uint_eq(a->sums.debt, b->sums.debt);
}

/* Counts the records reachable from the top; every other record is garbage. */
static size_t walk(const struct reserve_tree *t, unsigned depth, const uint8_t prefix[32], struct reserve_ref *ref)
{
    uint8_t key[RESERVE_NODE_KEY_SIZE], val[RESERVE_NODE_MAX_SIZE];
    size_t len;
    reserve_node_key(key, depth, prefix);
    ck_assert_int_eq(t->store.get(t->store.ctx, val, &len, key), 1);
    struct rbuf r = rbuf_make(val + 1, len - 1);
    if (val[0] == RESERVE_REC_LEAF) {
        struct reserve_leaf l;
        ck_assert(reserve_leaf_parse(&l, &r));
        reserve_leaf_ref(&t->hasher, ref, &l);
        return 1;
    }
    ck_assert_int_eq(val[0], RESERVE_REC_INNER);
    struct reserve_ref c[2];
    ck_assert(reserve_ref_parse(&c[0], &r) && reserve_ref_parse(&c[1], &r));
    /* Canonical shape: an inner node never has two empty sides, nor an
     * empty side beside a lone leaf (that leaf would sit here). */
    size_t n = 1, below[2] = { 0, 0 };
    for (int b = 0; b < 2; b++) {
        if (reserve_ref_is_empty(&t->hasher, &c[b]))
            continue;
        uint8_t child[32];
        memcpy(child, prefix, 32);
        if (b)
            child[depth / 8] |= (uint8_t)(0x80u >> (depth % 8));
        struct reserve_ref got;
        below[b] = walk(t, depth + 1, child, &got);
        ck_assert(hash256_eq(&got.hash, &c[b].hash));
        ck_assert_uint_eq(got.sums.collateral, c[b].sums.collateral);
        ck_assert_uint_eq(got.sums.debt, c[b].sums.debt);
        n += below[b];
    }
    ck_assert(below[0] + below[1] >= 2);
    ck_assert(below[0] != 1 || below[1] != 0);
    ck_assert(below[1] != 1 || below[0] != 0);
    ck_assert(reserve_node(&t->hasher, ref, &c[0], &c[1]));
    return n;
}

/* Checks the store holds exactly the tree: the meta record, then every
 * reachable record and nothing else. */
static void check_store(struct fixture *f, const struct reserve_state *expect)
{
    struct val_state st;
    val_state_init(&st);
    struct reserve_state s;
    ck_assert(reserve_tree_state(&st, &s, &f->tree));
    assert_state_eq(&s, expect);
    if (expect->count == 0) {
        ck_assert_uint_eq(reserve_memstore_count(f->mem), 0);
        return;
    }
    static const uint8_t zero[32];
    struct reserve_ref top;
    size_t n = walk(&f->tree, 0, zero, &top);
    ck_assert_uint_eq(n + 1, reserve_memstore_count(f->mem));
    ck_assert_uint_eq(top.sums.collateral, expect->sums.collateral);
}

/* ---- hashing against the specification's bytes ------------------------- */

static void tagged(uint8_t out[32], const char *tag, const uint8_t *msg, size_t len)
{
    uint8_t th[32];
    sha256(th, (const uint8_t *)tag, strlen(tag));
    uint8_t *buf = mem_alloc(64 + len);
    memcpy(buf, th, 32);
    memcpy(buf + 32, th, 32);
    if (len)
        memcpy(buf + 64, msg, len);
    sha256(out, buf, 64 + len);
    mem_free(buf);
}

START_TEST(test_hash_bytes)
{
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    uint8_t expect[32];

    tagged(expect, "HMRS/empty", NULL, 0);
    ck_assert_mem_eq(h.empty.b, expect, 32);

    struct reserve_leaf l;
    make_leaf(&l, 42);
    uint8_t msg[116];
    memcpy(msg, l.outpoint.txid.b, 32);
    le32_write(msg + 32, l.outpoint.n);
    memcpy(msg + 36, l.asset_id, 32);
    le64_write(msg + 68, l.collateral);
    le64_write(msg + 76, l.debt);
    memcpy(msg + 84, l.owner_hash, 32);
    struct hash256 got;
    reserve_leaf_hash(&h, &got, &l);
    tagged(expect, "HMRS/leaf", msg, 116);
    ck_assert_mem_eq(got.b, expect, 32);

    uint8_t key[32];
    reserve_key(&h, key, &l.outpoint);
    tagged(expect, "HMRS/key", msg, 36);
    ck_assert_mem_eq(key, expect, 32);

    /* Inner node: left ref then right ref, each hash | coll LE | debt LE. */
    struct reserve_ref a = { { { 1 } }, { 5, 6 } }, b = { { { 2 } }, { 7, 8 } }, p;
    ck_assert(reserve_node(&h, &p, &a, &b));
    uint8_t nm[96];
    memset(nm, 0, sizeof(nm));
    nm[0] = 1;
    le64_write(nm + 32, 5);
    le64_write(nm + 40, 6);
    nm[48] = 2;
    le64_write(nm + 80, 7);
    le64_write(nm + 88, 8);
    tagged(expect, "HMRS/node", nm, 96);
    ck_assert_mem_eq(p.hash.b, expect, 32);
    ck_assert_uint_eq(p.sums.collateral, 12);
    ck_assert_uint_eq(p.sums.debt, 14);

    /* Root: count LE | top ref. */
    uint8_t rm[56];
    le64_write(rm, 3);
    memcpy(rm + 8, p.hash.b, 32);
    le64_write(rm + 40, 12);
    le64_write(rm + 48, 14);
    reserve_root_hash(&h, &got, 3, &p);
    tagged(expect, "HMRS/root", rm, 56);
    ck_assert_mem_eq(got.b, expect, 32);
}
END_TEST

static void hex32(uint8_t out[32], const char *hex)
{
    for (int i = 0; i < 32; i++) {
        unsigned v;
        ck_assert(sscanf(hex + 2 * i, "%2x", &v) == 1);
        out[i] = (uint8_t)v;
    }
}

/* The example values of doc/issuance.md ("The root"): the format is
 * frozen; a change here is a consensus change. */
START_TEST(test_doc_vectors)
{
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    uint8_t want[32];
    hex32(want, "71bcb212b0f01939941f4c8eb83259031951bd88d63e03c5233f66ab78803935");
    ck_assert_mem_eq(h.empty.b, want, 32);
    struct reserve_state s;
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_root_compute(&st, &s, NULL, 0));
    hex32(want, "44972999d2160330e213616c1fd1aa5c54409254475a6e4595cd26bcd72af3b1");
    ck_assert_mem_eq(s.root.b, want, 32);

    struct reserve_leaf l[2];
    memset(l, 0, sizeof(l));
    for (int i = 0; i < 32; i++) {
        l[0].outpoint.txid.b[i] = (uint8_t)i;
        l[0].asset_id[i] = 0xaa;
        l[0].owner_hash[i] = 0xbb;
    }
    l[0].outpoint.n = 1;
    l[0].collateral = 5000000000u;
    l[0].debt = 100000000000u;
    l[1] = l[0];
    l[1].outpoint.n = 2;
    l[1].collateral = 2500000000u;
    l[1].debt = 0;
    uint8_t key[32];
    struct hash256 lh;
    reserve_key(&h, key, &l[0].outpoint);
    hex32(want, "0ac01cc725a7e9827a939adcb971d8df7f399775ef95cbbed27db7103de0bd3b");
    ck_assert_mem_eq(key, want, 32);
    reserve_leaf_hash(&h, &lh, &l[0]);
    hex32(want, "b651e1a4fce00d7ada7330949fed8d53b32453aadbeb40838e2574d0321196f4");
    ck_assert_mem_eq(lh.b, want, 32);
    reserve_key(&h, key, &l[1].outpoint);
    hex32(want, "bb0d97931300b841df6225714bbb4645356cd02890ea462848504d131bfb5237");
    ck_assert_mem_eq(key, want, 32);
    reserve_leaf_hash(&h, &lh, &l[1]);
    hex32(want, "22f9638e73ba568a969d1b3a7bea6b86c31126d22c53ce03f6a7b1d3cd7710c0");
    ck_assert_mem_eq(lh.b, want, 32);
    ck_assert(reserve_root_compute(&st, &s, l, 1));
    hex32(want, "8107a778059e4280bbacd620adef2764bf52b83c78c18e4b8e140ee7a7834250");
    ck_assert_mem_eq(s.root.b, want, 32);
    ck_assert(reserve_root_compute(&st, &s, l, 2));
    hex32(want, "6e682f6dbb9d417ac4dd4ebab105a8749c74708bdf56d62dc039a6b4efeada5b");
    ck_assert_mem_eq(s.root.b, want, 32);
    ck_assert_uint_eq(s.sums.collateral, 7500000000u);
    ck_assert_uint_eq(s.sums.debt, 100000000000u);
}
END_TEST

/* Checked additions at their exact limits. */
START_TEST(test_sums_add_limits)
{
    struct reserve_sums a = { RESERVE_COLLATERAL_MAX - 1, RESERVE_DEBT_SUM_MAX - 1 }, one = { 1, 1 }, r;
    ck_assert(reserve_sums_add(&r, &a, &one));
    ck_assert_uint_eq(r.collateral, RESERVE_COLLATERAL_MAX);
    ck_assert_uint_eq(r.debt, RESERVE_DEBT_SUM_MAX);
    struct reserve_sums c1 = { 1, 0 }, d1 = { 0, 1 };
    ck_assert(!reserve_sums_add(&r, &r, &c1));
    ck_assert_uint_eq(r.collateral, 0); /* zeroed on failure */
    struct reserve_sums top = { RESERVE_COLLATERAL_MAX, RESERVE_DEBT_SUM_MAX };
    ck_assert(!reserve_sums_add(&r, &top, &d1));
    ck_assert(!reserve_sums_add(&r, &c1, &top));
    struct reserve_sums wrap = { 0, UINT64_MAX }, small = { 0, 2 };
    ck_assert(!reserve_sums_add(&r, &wrap, &small)); /* would wrap to 1 unchecked */
    struct reserve_sums cwrap = { UINT64_MAX, 0 }, csmall = { 2, 0 };
    ck_assert(!reserve_sums_add(&r, &cwrap, &csmall));
}
END_TEST

/* Small trees by hand: empty, one leaf (the leaf is the top), two leaves
 * (an inner node, the smaller key's bit decides the side). */
START_TEST(test_small_trees)
{
    struct reserve_hasher h;
    reserve_hasher_init(&h);
    struct fixture f;
    fixture_init(&f);
    struct reserve_state s, naive, expect;

    struct reserve_ref empty;
    reserve_ref_empty(&h, &empty);
    memset(&expect, 0, sizeof(expect));
    reserve_root_hash(&h, &expect.root, 0, &empty);
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_tree_state(&st, &s, &f.tree));
    assert_state_eq(&s, &expect);
    naive_ok(&naive, NULL, 0);
    assert_state_eq(&naive, &expect);

    struct reserve_change c[2];
    memset(c, 0, sizeof(c));
    c[0].insert = c[1].insert = true;
    make_leaf(&c[0].leaf, 1);
    make_leaf(&c[1].leaf, 2);
    apply_ok(&f, &s, c, 1);
    struct reserve_ref top;
    reserve_leaf_ref(&h, &top, &c[0].leaf);
    expect.count = 1;
    expect.sums = top.sums;
    reserve_root_hash(&h, &expect.root, 1, &top);
    assert_state_eq(&s, &expect);
    check_store(&f, &expect);

    apply_ok(&f, &s, c + 1, 1);
    uint8_t k0[32], k1[32];
    reserve_key(&h, k0, &c[0].leaf.outpoint);
    reserve_key(&h, k1, &c[1].leaf.outpoint);
    unsigned d = 0;
    while (reserve_key_bit(k0, d) == reserve_key_bit(k1, d))
        d++;
    /* Inner nodes over one non-empty side down to depth d, then the pair. */
    struct reserve_ref r0, r1, cur;
    reserve_leaf_ref(&h, &r0, &c[0].leaf);
    reserve_leaf_ref(&h, &r1, &c[1].leaf);
    ck_assert(reserve_key_bit(k0, d) ? reserve_node(&h, &cur, &r1, &r0) : reserve_node(&h, &cur, &r0, &r1));
    for (unsigned i = d; i-- > 0;) {
        struct reserve_ref up;
        ck_assert(reserve_key_bit(k0, i) ? reserve_node(&h, &up, &empty, &cur) : reserve_node(&h, &up, &cur, &empty));
        cur = up;
    }
    expect.count = 2;
    expect.sums = cur.sums;
    reserve_root_hash(&h, &expect.root, 2, &cur);
    assert_state_eq(&s, &expect);
    check_store(&f, &expect);

    /* Deleting one leaf lifts the other back to the top. */
    c[1].insert = false;
    apply_ok(&f, &s, c + 1, 1);
    expect.count = 1;
    expect.sums = r0.sums;
    reserve_root_hash(&h, &expect.root, 1, &r0);
    assert_state_eq(&s, &expect);
    check_store(&f, &expect);
    c[0].insert = false;
    apply_ok(&f, &s, c, 1);
    ck_assert_uint_eq(s.count, 0);
    check_store(&f, &s);
    fixture_clear(&f);
}
END_TEST

/* ---- the incremental tree against the naive rebuild -------------------- */

/* Random batches of inserts and deletes; after each, the root and sums
 * equal the naive rebuild's and the store holds the tree and nothing else. */
static void random_run(uint64_t seed, int rounds, int max_batch)
{
    rng_state = seed;
    struct fixture f;
    fixture_init(&f);
    size_t cap = (size_t)rounds * (size_t)max_batch + 1;
    struct reserve_leaf *live = mem_alloc(cap * sizeof(*live));
    size_t nlive = 0;
    uint64_t next_id = seed * 1000003;
    struct reserve_change *ch = mem_alloc((size_t)max_batch * sizeof(*ch));
    for (int round = 0; round < rounds; round++) {
        int n = (int)(rng() % (uint64_t)max_batch) + 1;
        size_t k = 0;
        for (int i = 0; i < n; i++) {
            if (nlive > k && rng() % 3 == 0) {
                /* delete a random live leaf: swap it to the end of the live set */
                size_t j = (size_t)(rng() % (nlive - k));
                struct reserve_leaf tmp = live[j];
                live[j] = live[nlive - 1 - k];
                live[nlive - 1 - k] = tmp;
                memset(&ch[i], 0, sizeof(ch[i]));
                ch[i].insert = false;
                ch[i].leaf.outpoint = tmp.outpoint; /* a delete names the outpoint only */
                k++;
            } else {
                ch[i].insert = true;
                make_leaf(&ch[i].leaf, next_id++);
            }
        }
        struct reserve_state s, naive;
        apply_ok(&f, &s, ch, (size_t)n);
        nlive -= k;
        for (int i = 0; i < n; i++)
            if (ch[i].insert)
                live[nlive++] = ch[i].leaf;
        naive_ok(&naive, live, nlive);
        assert_state_eq(&s, &naive);
        if (round % 8 == 0 || round == rounds - 1)
            check_store(&f, &s);
    }
    mem_free(ch);
    mem_free(live);
    fixture_clear(&f);
}

START_TEST(test_random_vs_naive_small_batches)
{
    for (uint64_t seed = 1; seed <= 20; seed++)
        random_run(seed, 60, 4);
}
END_TEST

START_TEST(test_random_vs_naive_large_batches)
{
    for (uint64_t seed = 100; seed < 105; seed++)
        random_run(seed, 30, 200);
}
END_TEST

/* ---- history independence and undo ------------------------------------- */

static int cmp_op(const void *a, const void *b)
{
    return memcmp(((const struct reserve_batch_op *)a)->key, ((const struct reserve_batch_op *)b)->key,
                  RESERVE_NODE_KEY_SIZE);
}

/* Empties both stores and checks they held the same records. */
static void assert_same_records(struct fixture *a, struct fixture *b)
{
    struct reserve_batch ba, bb;
    reserve_batch_init(&ba);
    reserve_batch_init(&bb);
    reserve_memstore_flush(a->mem, &ba, false);
    reserve_memstore_flush(b->mem, &bb, false);
    ck_assert_uint_eq(ba.count, bb.count);
    if (ba.count) {
        qsort(ba.ops, ba.count, sizeof(*ba.ops), cmp_op);
        qsort(bb.ops, bb.count, sizeof(*bb.ops), cmp_op);
    }
    for (size_t i = 0; i < ba.count; i++) {
        ck_assert_mem_eq(ba.ops[i].key, bb.ops[i].key, RESERVE_NODE_KEY_SIZE);
        ck_assert_uint_eq(ba.ops[i].val_len, bb.ops[i].val_len);
        ck_assert_mem_eq(ba.ops[i].val, bb.ops[i].val, ba.ops[i].val_len);
    }
    reserve_batch_clear(&ba);
    reserve_batch_clear(&bb);
}

START_TEST(test_history_independence)
{
    enum { N = 300 };
    struct reserve_change *ch = mem_alloc(N * sizeof(*ch));
    for (int i = 0; i < N; i++) {
        ch[i].insert = true;
        make_leaf(&ch[i].leaf, 5000 + (uint64_t)i);
    }
    /* A: all at once. B: one by one, in reverse. C: N + 100 leaves in random
     * batches, then the extra 100 deleted. Same set, same tree. */
    struct fixture a, b, c;
    fixture_init(&a);
    fixture_init(&b);
    fixture_init(&c);
    struct reserve_state sa, sb, sc;
    apply_ok(&a, &sa, ch, N);
    for (int i = N; i-- > 0;)
        apply_ok(&b, &sb, &ch[i], 1);
    assert_state_eq(&sa, &sb);

    struct reserve_change extra[100];
    for (int i = 0; i < 100; i++) {
        extra[i].insert = true;
        make_leaf(&extra[i].leaf, 90000 + (uint64_t)i);
    }
    rng_state = 77;
    int done = 0, done_extra = 0;
    while (done < N || done_extra < 100) {
        int take = (int)(rng() % 17) + 1;
        if (done < N) {
            take = take > N - done ? N - done : take;
            apply_ok(&c, &sc, ch + done, (size_t)take);
            done += take;
        }
        if (done_extra < 100) {
            apply_ok(&c, &sc, extra + done_extra, 1);
            done_extra++;
        }
    }
    for (int i = 0; i < 100; i++)
        extra[i].insert = false;
    apply_ok(&c, &sc, extra, 60);
    for (int i = 60; i < 100; i++)
        apply_ok(&c, &sc, extra + i, 1);
    assert_state_eq(&sa, &sc);
    /* assert_same_records empties both stores: compare b and c to copies of a. */
    struct fixture a2;
    fixture_init(&a2);
    apply_ok(&a2, &sa, ch, N);
    assert_same_records(&a, &b);
    assert_same_records(&a2, &c);
    fixture_clear(&a2);
    fixture_clear(&a);
    fixture_clear(&b);
    fixture_clear(&c);
    mem_free(ch);
}
END_TEST

/* A block's changes, then their inverse (the undo): the state and the
 * records are exactly as before. */
START_TEST(test_undo_is_inverse)
{
    enum { N = 500 };
    struct fixture f, g;
    fixture_init(&f);
    fixture_init(&g);
    struct reserve_change *base = mem_alloc(N * sizeof(*base));
    for (int i = 0; i < N; i++) {
        base[i].insert = true;
        make_leaf(&base[i].leaf, 7000 + (uint64_t)i);
    }
    struct reserve_state s0, s1, s2;
    apply_ok(&f, &s0, base, N);
    apply_ok(&g, &s0, base, N);
    /* block: spend 40 vaults and create 40 */
    struct reserve_change blk[80], undo[80];
    for (int i = 0; i < 40; i++) {
        blk[i].insert = false;
        blk[i].leaf = base[i * 11].leaf;
        blk[40 + i].insert = true;
        make_leaf(&blk[40 + i].leaf, 100000 + (uint64_t)i);
    }
    for (int i = 0; i < 80; i++) {
        undo[i] = blk[i];
        undo[i].insert = !blk[i].insert;
    }
    apply_ok(&f, &s1, blk, 80);
    ck_assert(!hash256_eq(&s0.root, &s1.root));
    apply_ok(&f, &s2, undo, 80);
    assert_state_eq(&s0, &s2);
    assert_same_records(&f, &g);
    fixture_clear(&f);
    fixture_clear(&g);
    mem_free(base);
}
END_TEST

/* ---- rejected updates --------------------------------------------------- */

static void expect_reject(struct fixture *f, const struct reserve_change *ch, size_t n, const char *reason)
{
    struct reserve_state before, s;
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_tree_state(&st, &before, &f->tree));
    struct reserve_batch b;
    reserve_batch_init(&b);
    ck_assert(!reserve_tree_update(&st, &b, &s, &f->tree, ch, n));
    ck_assert_str_eq(st.reject, reason);
    ck_assert_uint_eq(b.count, 0); /* nothing to write */
    reserve_batch_clear(&b);
    val_state_init(&st);
    ck_assert(reserve_tree_state(&st, &s, &f->tree));
    assert_state_eq(&s, &before);
}

START_TEST(test_rejects)
{
    struct fixture f;
    fixture_init(&f);
    struct reserve_change c[3];
    for (int i = 0; i < 3; i++) {
        c[i].insert = true;
        make_leaf(&c[i].leaf, 300 + (uint64_t)i);
    }
    struct reserve_state s;
    apply_ok(&f, &s, c, 2);

    expect_reject(&f, c, 1, RESERVE_REJECT_EXISTS);
    struct reserve_change d = c[2];
    d.insert = false;
    expect_reject(&f, &d, 1, RESERVE_REJECT_MISSING);
    struct reserve_change dup[2] = { c[2], c[2] };
    expect_reject(&f, dup, 2, RESERVE_REJECT_DUPLICATE);
    dup[1].insert = false; /* insert and delete of one outpoint in one update */
    expect_reject(&f, dup, 2, RESERVE_REJECT_DUPLICATE);

    struct reserve_change r = c[2];
    r.leaf.collateral = RESERVE_COLLATERAL_MAX + 1;
    expect_reject(&f, &r, 1, RESERVE_REJECT_RANGE);
    r.leaf.collateral = RESERVE_COLLATERAL_MAX;
    r.leaf.debt = RESERVE_DEBT_MAX + 1;
    expect_reject(&f, &r, 1, RESERVE_REJECT_RANGE);
    /* One leaf at the limits is fine; with the others the collateral sum
     * passes 21e14 (the money limit) and is rejected. */
    r.leaf.debt = RESERVE_DEBT_MAX;
    expect_reject(&f, &r, 1, RESERVE_REJECT_RANGE);
    fixture_clear(&f);

    /* A tree of one maximal leaf is accepted. */
    fixture_init(&f);
    apply_ok(&f, &s, &r, 1);
    ck_assert_uint_eq(s.sums.collateral, RESERVE_COLLATERAL_MAX);
    ck_assert_uint_eq(s.sums.debt, RESERVE_DEBT_MAX);
    fixture_clear(&f);

    /* Debt sums: 1024 leaves of 2^53 reach 2^63, one over the cap. */
    fixture_init(&f);
    struct reserve_change *big = mem_alloc(1024 * sizeof(*big));
    for (int i = 0; i < 1024; i++) {
        big[i].insert = true;
        make_leaf(&big[i].leaf, 20000 + (uint64_t)i);
        big[i].leaf.collateral = 1;
        big[i].leaf.debt = RESERVE_DEBT_MAX;
    }
    apply_ok(&f, &s, big, 1023);
    ck_assert_uint_eq(s.sums.debt, 1023 * RESERVE_DEBT_MAX);
    expect_reject(&f, big + 1023, 1, RESERVE_REJECT_RANGE);
    struct reserve_leaf *leaves = mem_alloc(1024 * sizeof(*leaves));
    for (int i = 0; i < 1024; i++)
        leaves[i] = big[i].leaf;
    struct val_state st;
    val_state_init(&st);
    ck_assert(!reserve_root_compute(&st, &s, leaves, 1024));
    ck_assert_str_eq(st.reject, RESERVE_REJECT_RANGE);
    val_state_init(&st);
    ck_assert(reserve_root_compute(&st, &s, leaves, 1023));
    mem_free(leaves);
    mem_free(big);
    fixture_clear(&f);
}
END_TEST

START_TEST(test_naive_rejects)
{
    struct reserve_leaf l[2];
    make_leaf(&l[0], 1);
    l[1] = l[0];
    struct reserve_state s;
    struct val_state st;
    val_state_init(&st);
    ck_assert(!reserve_root_compute(&st, &s, l, 2));
    ck_assert_str_eq(st.reject, RESERVE_REJECT_DUPLICATE);
    make_leaf(&l[1], 2);
    l[0].collateral = RESERVE_COLLATERAL_MAX;
    l[1].collateral = 1;
    val_state_init(&st);
    ck_assert(!reserve_root_compute(&st, &s, l, 2));
    ck_assert_str_eq(st.reject, RESERVE_REJECT_RANGE);
}
END_TEST

/* ---- paths --------------------------------------------------------------- */

START_TEST(test_paths_every_leaf)
{
    enum { N = 400 };
    struct fixture f;
    fixture_init(&f);
    struct reserve_change *ch = mem_alloc(N * sizeof(*ch));
    for (int i = 0; i < N; i++) {
        ch[i].insert = true;
        make_leaf(&ch[i].leaf, 40000 + (uint64_t)i);
    }
    struct reserve_state s;
    apply_ok(&f, &s, ch, N);
    struct reserve_path *path = mem_alloc(sizeof(*path));
    struct val_state st;
    for (int i = 0; i < N; i++) {
        val_state_init(&st);
        bool found;
        ck_assert(reserve_tree_find(&st, &found, path, &f.tree, &ch[i].leaf.outpoint));
        ck_assert(found);
        uint8_t want[RESERVE_LEAF_SIZE], got[RESERVE_LEAF_SIZE];
        reserve_leaf_serialize(want, &ch[i].leaf);
        reserve_leaf_serialize(got, &path->leaf);
        ck_assert_mem_eq(got, want, RESERVE_LEAF_SIZE);
        struct reserve_state r;
        ck_assert_msg(reserve_path_root(&st, &r, &f.tree.hasher, &path->leaf, path->leaf_count, path->siblings,
                                        path->depth),
                      "%s %s", st.reject, st.debug);
        assert_state_eq(&r, &s);
    }
    /* Absent outpoints: not found, no error. */
    struct reserve_leaf absent;
    make_leaf(&absent, 1);
    bool found = true;
    val_state_init(&st);
    ck_assert(reserve_tree_find(&st, &found, path, &f.tree, &absent.outpoint));
    ck_assert(!found);
    mem_free(path);
    mem_free(ch);
    fixture_clear(&f);
}
END_TEST

/* ---- stores ---------------------------------------------------------------- */

/* The overlay: updates through a memstore over a parent, flushed now and
 * then, give the same tree as updates straight into one store. */
START_TEST(test_overlay_flush)
{
    struct reserve_memstore *parent = reserve_memstore_new(NULL);
    struct reserve_store ps;
    reserve_memstore_store(&ps, parent);
    struct reserve_memstore *overlay = reserve_memstore_new(&ps);
    struct reserve_store os;
    reserve_memstore_store(&os, overlay);
    struct reserve_tree t;
    reserve_tree_init(&t, &os);
    struct fixture direct;
    fixture_init(&direct);

    rng_state = 9;
    struct reserve_leaf live[400];
    size_t nlive = 0;
    for (int round = 0; round < 40; round++) {
        struct reserve_change ch[10];
        int n = 0;
        for (int i = 0; i < 10; i++, n++) {
            if (nlive > 20 && rng() % 2) {
                ch[i].insert = false;
                ch[i].leaf = live[--nlive];
            } else {
                ch[i].insert = true;
                make_leaf(&ch[i].leaf, 60000 + (uint64_t)round * 10 + (uint64_t)i);
            }
        }
        struct reserve_state a, b;
        struct val_state st;
        val_state_init(&st);
        ck_assert(reserve_tree_apply(&st, &a, &t, ch, (size_t)n));
        apply_ok(&direct, &b, ch, (size_t)n);
        assert_state_eq(&a, &b);
        for (int i = 0; i < n; i++)
            if (ch[i].insert)
                live[nlive++] = ch[i].leaf;
        if (round % 7 == 6) {
            struct reserve_batch fb;
            reserve_batch_init(&fb);
            bool keep = round % 14 == 6; /* alternately keep clean copies and empty the cache */
            reserve_memstore_flush(overlay, &fb, keep);
            ck_assert_uint_eq(reserve_memstore_dirty(overlay), 0);
            if (!keep)
                ck_assert_uint_eq(reserve_memstore_count(overlay), 0);
            else if (round == 6)
                ck_assert_uint_gt(reserve_memstore_count(overlay), 0);
            ck_assert_int_eq(reserve_batch_write(&ps, &fb), 0);
            reserve_batch_clear(&fb);
            val_state_init(&st);
            ck_assert(reserve_tree_state(&st, &a, &t));
            assert_state_eq(&a, &b);
        }
    }
    struct reserve_batch fb;
    reserve_batch_init(&fb);
    reserve_memstore_drop_clean(overlay); /* only the dirty records stay */
    ck_assert_uint_eq(reserve_memstore_count(overlay), reserve_memstore_dirty(overlay));
    reserve_memstore_flush(overlay, &fb, true);
    ck_assert_int_eq(reserve_batch_write(&ps, &fb), 0);
    reserve_batch_clear(&fb);
    /* The parent now holds exactly what the direct store holds. */
    struct fixture pf = { parent, t };
    assert_same_records(&pf, &direct);
    reserve_memstore_free(overlay);
    reserve_memstore_free(parent);
    fixture_clear(&direct);
}
END_TEST

/* A parent that counts its reads. */
static struct reserve_store counted_parent;
static long parent_reads;

static int counting_get(void *ctx, uint8_t *val, size_t *len, const uint8_t *key)
{
    (void)ctx;
    parent_reads++;
    return counted_parent.get(counted_parent.ctx, val, len, key);
}

/* The overlay keeps what it read from the parent: a second lookup of the
 * same path does not reach the parent; after a flush that keeps clean
 * copies neither, after one that empties the cache it does again. */
START_TEST(test_overlay_read_cache)
{
    struct fixture base;
    fixture_init(&base);
    struct reserve_change ch[200];
    for (int i = 0; i < 200; i++) {
        ch[i].insert = true;
        make_leaf(&ch[i].leaf, 3000 + (uint64_t)i);
    }
    struct reserve_state s;
    apply_ok(&base, &s, ch, 200);
    counted_parent = base.tree.store;
    struct reserve_store ps = counted_parent;
    ps.get = counting_get;
    struct reserve_memstore *overlay = reserve_memstore_new(&ps);
    struct reserve_store os;
    reserve_memstore_store(&os, overlay);
    struct reserve_tree t;
    reserve_tree_init(&t, &os);
    struct reserve_path *path = mem_alloc(sizeof(*path));
    struct val_state st;
    bool found;
    parent_reads = 0;
    val_state_init(&st);
    ck_assert(reserve_tree_find(&st, &found, path, &t, &ch[5].leaf.outpoint) && found);
    long first = parent_reads;
    ck_assert_int_gt(first, 1);
    ck_assert(reserve_tree_find(&st, &found, path, &t, &ch[5].leaf.outpoint) && found);
    ck_assert_int_eq(parent_reads, first);
    /* an update and a flush that keeps clean copies: still no parent read */
    struct reserve_change d = ch[5];
    d.insert = false;
    ck_assert(reserve_tree_apply(&st, &s, &t, &d, 1));
    struct reserve_batch fb;
    reserve_batch_init(&fb);
    reserve_memstore_flush(overlay, &fb, true);
    ck_assert_int_eq(reserve_batch_write(&counted_parent, &fb), 0);
    reserve_batch_clear(&fb);
    long before = parent_reads;
    struct reserve_state s2;
    ck_assert(reserve_tree_state(&st, &s2, &t));
    assert_state_eq(&s2, &s);
    ck_assert_int_eq(parent_reads, before);
    reserve_memstore_drop_clean(overlay);
    ck_assert_uint_eq(reserve_memstore_count(overlay), 0);
    ck_assert(reserve_tree_state(&st, &s2, &t));
    assert_state_eq(&s2, &s);
    ck_assert_int_eq(parent_reads, before + 1);
    mem_free(path);
    reserve_memstore_free(overlay);
    fixture_clear(&base);
}
END_TEST

/* A store that fails or holds garbage stops the tree with an error. */
static int fail_get(void *ctx, uint8_t *val, size_t *len, const uint8_t *key)
{
    (void)ctx, (void)val, (void)len, (void)key;
    return -1;
}

START_TEST(test_store_errors)
{
    struct fixture f;
    fixture_init(&f);
    struct reserve_change c[3];
    for (int i = 0; i < 3; i++) {
        c[i].insert = true;
        make_leaf(&c[i].leaf, 800 + (uint64_t)i);
    }
    struct reserve_state s;
    apply_ok(&f, &s, c, 2);

    struct reserve_tree broken = f.tree;
    broken.store.get = fail_get;
    struct val_state st;
    val_state_init(&st);
    ck_assert(!reserve_tree_apply(&st, &s, &broken, c + 2, 1));
    ck_assert_int_eq(st.mode, VAL_ERROR);
    ck_assert_str_eq(st.reject, RESERVE_ERROR_STORE);

    /* Overwrite the top record with a short value. */
    uint8_t key[RESERVE_NODE_KEY_SIZE];
    static const uint8_t zero[32];
    reserve_node_key(key, 0, zero);
    uint8_t junk[5] = { RESERVE_REC_INNER, 1, 2, 3, 4 };
    ck_assert_int_eq(f.tree.store.put(f.tree.store.ctx, key, junk, sizeof(junk)), 0);
    val_state_init(&st);
    ck_assert(!reserve_tree_apply(&st, &s, &f.tree, c + 2, 1));
    ck_assert_str_eq(st.reject, RESERVE_ERROR_CORRUPT);
    /* A corrupt meta record. */
    reserve_meta_key(key);
    ck_assert_int_eq(f.tree.store.put(f.tree.store.ctx, key, junk, sizeof(junk)), 0);
    val_state_init(&st);
    ck_assert(!reserve_tree_state(&st, &s, &f.tree));
    ck_assert_str_eq(st.reject, RESERVE_ERROR_CORRUPT);
    fixture_clear(&f);
}
END_TEST

/* A VAULT output becomes a leaf; anything else does not. */
START_TEST(test_leaf_from_output)
{
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    p.kind = TOKEN_KIND_VAULT;
    memset(p.asset_id, 0x11, 32);
    p.amount = 5000;
    struct wbuf w;
    wbuf_init(&w);
    token_prefix_serialize(&w, &p);
    static const uint8_t lock[3] = { 0x51, 0x52, 0x93 };
    wbuf_put(&w, lock, sizeof(lock));
    struct txout out;
    out.value = 123456;
    out.script_pubkey.data = w.data;
    out.script_pubkey.len = w.len;
    struct outpoint op = { { { 9 } }, 3 };
    struct reserve_leaf l;
    ck_assert(reserve_leaf_from_output(&l, &op, &out));
    ck_assert_uint_eq(l.collateral, 123456);
    ck_assert_uint_eq(l.debt, 5000);
    ck_assert_uint_eq(l.outpoint.n, 3);
    ck_assert_mem_eq(l.asset_id, p.asset_id, 32);
    uint8_t h[32];
    sha256(h, lock, sizeof(lock));
    ck_assert_mem_eq(l.owner_hash, h, 32);

    out.value = -1;
    ck_assert(!reserve_leaf_from_output(&l, &op, &out));
    out.value = MAX_MONEY + 1;
    ck_assert(!reserve_leaf_from_output(&l, &op, &out));
    out.value = 1;
    w.data[1] = TOKEN_KIND_TOKEN; /* a TOKEN output is no vault */
    ck_assert(!reserve_leaf_from_output(&l, &op, &out));
    out.script_pubkey.data = (uint8_t *)lock;
    out.script_pubkey.len = sizeof(lock);
    ck_assert(!reserve_leaf_from_output(&l, &op, &out));
    wbuf_clear(&w);
}
END_TEST

static Suite *reserve_tree_suite(void)
{
    Suite *s = suite_create("reserve_tree");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_hash_bytes);
    tcase_add_test(tc, test_doc_vectors);
    tcase_add_test(tc, test_sums_add_limits);
    tcase_add_test(tc, test_small_trees);
    tcase_add_test(tc, test_random_vs_naive_small_batches);
    tcase_add_test(tc, test_random_vs_naive_large_batches);
    tcase_add_test(tc, test_history_independence);
    tcase_add_test(tc, test_undo_is_inverse);
    tcase_add_test(tc, test_rejects);
    tcase_add_test(tc, test_naive_rejects);
    tcase_add_test(tc, test_paths_every_leaf);
    tcase_add_test(tc, test_overlay_flush);
    tcase_add_test(tc, test_overlay_read_cache);
    tcase_add_test(tc, test_store_errors);
    tcase_add_test(tc, test_leaf_from_output);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(reserve_tree_suite)
