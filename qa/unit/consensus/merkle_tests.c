#include "consensus/merkle.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"

static struct hash256 leaf(uint8_t v)
{
    struct hash256 h;
    memset(&h, 0, sizeof(h));
    h.b[0] = v;
    h.b[31] = (uint8_t)(v * 7 + 1);
    return h;
}

static struct hash256 pair(const struct hash256 *a, const struct hash256 *b)
{
    uint8_t buf[64];
    struct hash256 r;
    memcpy(buf, a->b, 32);
    memcpy(buf + 32, b->b, 32);
    sha256d(r.b, buf, 64);
    return r;
}

START_TEST(small_trees)
{
    struct hash256 root, l[3] = { leaf(1), leaf(2), leaf(3) };
    bool mutated = true;
    merkle_root_compute(&root, &mutated, l, 0);
    ck_assert(hash256_is_zero(&root));
    ck_assert(!mutated);

    merkle_root_compute(&root, &mutated, l, 1);
    ck_assert(hash256_eq(&root, &l[0]));
    ck_assert(!mutated);

    struct hash256 ab = pair(&l[0], &l[1]);
    merkle_root_compute(&root, &mutated, l, 2);
    ck_assert(hash256_eq(&root, &ab));

    /* odd levels repeat their last hash */
    struct hash256 cc = pair(&l[2], &l[2]), want = pair(&ab, &cc);
    merkle_root_compute(&root, &mutated, l, 3);
    ck_assert(hash256_eq(&root, &want));
    ck_assert(!mutated);
    /* the leaves are left alone */
    ck_assert(l[2].b[0] == 3);
    /* mutated may be NULL */
    merkle_root_compute(&root, NULL, l, 3);
    ck_assert(hash256_eq(&root, &want));
}
END_TEST

/* CVE-2012-2459: repeating the last transaction(s) keeps the root. */
START_TEST(duplicate_tail_is_mutation)
{
    struct hash256 l[8], r1, r2;
    for (int i = 0; i < 8; i++)
        l[i] = leaf((uint8_t)(i + 1));
    bool m1, m2;
    merkle_root_compute(&r1, &m1, l, 3);
    struct hash256 dup[4] = { l[0], l[1], l[2], l[2] };
    merkle_root_compute(&r2, &m2, dup, 4);
    ck_assert(hash256_eq(&r1, &r2));
    ck_assert(!m1);
    ck_assert(m2);

    /* six leaves vs the same six with the last two repeated: equal at level 1 */
    merkle_root_compute(&r1, &m1, l, 6);
    struct hash256 dup8[8] = { l[0], l[1], l[2], l[3], l[4], l[5], l[4], l[5] };
    merkle_root_compute(&r2, &m2, dup8, 8);
    ck_assert(hash256_eq(&r1, &r2));
    ck_assert(!m1);
    ck_assert(m2);

    /* equal neighbours at an odd position are not the pattern */
    struct hash256 odd[3] = { l[0], l[1], l[1] };
    merkle_root_compute(&r1, &m1, odd, 3);
    ck_assert(!m1);
    /* equal neighbours at an even position are */
    struct hash256 even[2] = { l[0], l[0] };
    merkle_root_compute(&r1, &m1, even, 2);
    ck_assert(m1);
}
END_TEST

/* A transaction with one input and the given outputs; witness optional. */
static void make_tx(struct tx *tx, uint8_t tag, bool witness)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.txid.b[0] = tag;
    op.n = tag;
    struct txin *in = tx_add_input(tx, &op, NULL, 0, 0xfffffffe);
    if (witness) {
        uint8_t item[33];
        memset(item, tag, sizeof(item));
        txin_witness_push(in, item, sizeof(item));
    }
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(tx, 1000 + tag, spk, sizeof(spk));
    tx_update_hashes(tx);
}

static void make_coinbase(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.n = 0xffffffffu;
    static const uint8_t sig[] = { 0x51, 0x00 };
    tx_add_input(tx, &op, sig, sizeof(sig), SEQUENCE_FINAL);
    static const uint8_t spk[] = { 0x51 };
    tx_add_output(tx, 50, spk, sizeof(spk));
    tx_update_hashes(tx);
}

START_TEST(block_roots_and_witness_commitment)
{
    struct block b;
    block_init(&b);
    struct tx t;
    make_coinbase(&t);
    block_add_tx(&b, &t);
    tx_clear(&t);
    make_tx(&t, 1, true);
    block_add_tx(&b, &t);
    tx_clear(&t);
    make_tx(&t, 2, false);
    block_add_tx(&b, &t);
    tx_clear(&t);

    ck_assert_int_eq(merkle_witness_commitment_find(&b), -1);

    struct hash256 root, want;
    bool mutated;
    merkle_block_root(&root, &mutated, &b);
    struct hash256 ids[3] = { b.txs[0].txid, b.txs[1].txid, b.txs[2].txid };
    merkle_root_compute(&want, NULL, ids, 3);
    ck_assert(hash256_eq(&root, &want));
    ck_assert(!mutated);

    /* witness root: wtxids with the coinbase's zeroed */
    struct hash256 wroot, wids[3];
    memset(&wids[0], 0, 32);
    wids[1] = b.txs[1].wtxid;
    wids[2] = b.txs[2].wtxid;
    ck_assert(!hash256_eq(&b.txs[1].wtxid, &b.txs[1].txid));
    merkle_root_compute(&want, NULL, wids, 3);
    merkle_block_witness_root(&wroot, NULL, &b);
    ck_assert(hash256_eq(&wroot, &want));

    merkle_witness_commitment_add(&b);
    const struct tx *cb = &b.txs[0];
    ck_assert_uint_eq(cb->vout_count, 2);
    ck_assert_int_eq(merkle_witness_commitment_find(&b), 1);
    ck_assert_uint_eq(cb->vin[0].witness.count, 1);
    ck_assert_uint_eq(cb->vin[0].witness.items[0].len, 32);
    const struct bytes *s = &cb->vout[1].script_pubkey;
    ck_assert_uint_eq(s->len, 38);
    ck_assert(memcmp(s->data, "\x6a\x24\xaa\x21\xa9\xed", 6) == 0);
    /* commitment = SHA256d(witness root || 32 zero bytes) */
    uint8_t buf[64] = { 0 };
    memcpy(buf, wroot.b, 32);
    uint8_t c[32];
    sha256d(c, buf, 64);
    ck_assert(memcmp(s->data + 6, c, 32) == 0);
    struct hash256 c2;
    static const uint8_t zero[32];
    merkle_witness_commitment_compute(&c2, &b, zero);
    ck_assert(memcmp(c2.b, c, 32) == 0);

    /* the last matching output wins; shorter scripts do not match */
    uint8_t other[40];
    memcpy(other, s->data, 6);
    memset(other + 6, 0x55, sizeof(other) - 6);
    tx_add_output(&b.txs[0], 0, other, 37);
    ck_assert_int_eq(merkle_witness_commitment_find(&b), 1);
    tx_add_output(&b.txs[0], 0, other, sizeof(other));
    ck_assert_int_eq(merkle_witness_commitment_find(&b), 3);
    block_clear(&b);
    ck_assert_int_eq(merkle_witness_commitment_find(&b), -1);
}
END_TEST

static Suite *merkle_suite(void)
{
    Suite *s = suite_create("merkle");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, small_trees);
    tcase_add_test(tc, duplicate_tail_is_mutation);
    tcase_add_test(tc, block_roots_and_witness_commitment);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(merkle_suite)
