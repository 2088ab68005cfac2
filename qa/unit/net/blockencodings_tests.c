#include "net/blockencodings.h"

#include <string.h>

#include "consensus/merkle.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"

/* A transaction spending (seed, 0); with a witness when `witness`. Hashes set. */
static void make_tx(struct tx *tx, uint32_t seed, bool witness)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.txid.b[0] = (uint8_t)seed;
    op.txid.b[1] = (uint8_t)(seed >> 8);
    op.txid.b[2] = 0x5a;
    op.n = seed;
    uint8_t sig[3] = { 0x01, (uint8_t)seed, 0x02 };
    struct txin *in = tx_add_input(tx, &op, witness ? NULL : sig, witness ? 0 : sizeof(sig), 0xfffffffd);
    if (witness)
        txin_witness_push(in, sig, sizeof(sig));
    uint8_t spk[2] = { 0x51, (uint8_t)seed };
    tx_add_output(tx, 1000 + seed, spk, sizeof(spk));
    tx_update_hashes(tx);
}

static void make_coinbase(struct tx *tx)
{
    tx_init(tx);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.n = 0xffffffff;
    uint8_t sig[4] = { 0x03, 0x01, 0x02, 0x03 };
    tx_add_input(tx, &op, sig, sizeof(sig), 0xffffffff);
    uint8_t spk[1] = { 0x51 };
    tx_add_output(tx, 5000000000LL, spk, sizeof(spk));
    tx_update_hashes(tx);
}

/* A block of a coinbase and n - 1 transactions (every third with a witness), merkle root set. */
static void make_block(struct block *b, size_t n)
{
    block_init(b);
    b->header.version = 0x20000000;
    b->header.time = 1700000000;
    b->header.bits = 0x207fffff;
    struct tx t;
    make_coinbase(&t);
    block_add_tx(b, &t);
    tx_clear(&t);
    for (size_t i = 1; i < n; i++) {
        make_tx(&t, (uint32_t)i, i % 3 == 0);
        block_add_tx(b, &t);
        tx_clear(&t);
    }
    merkle_block_root(&b->header.merkle_root, NULL, b);
}

/* Vectors computed with an independent SipHash-2-4 (checked against the
 * SipHash paper's vector) over SHA256(header || nonce), as BIP 152 says. */
START_TEST(short_id_vectors)
{
    struct block_header h;
    memset(&h, 0, sizeof(h));
    h.version = 0x20000000;
    for (int i = 0; i < 32; i++) {
        h.prev_hash.b[i] = (uint8_t)i;
        h.merkle_root.b[i] = (uint8_t)(32 + i);
    }
    h.time = 1700000000;
    h.bits = 0x207fffff;
    h.nonce = 42;
    uint64_t k0, k1;
    cmpct_short_id_key(&k0, &k1, &h, 0x0102030405060708ULL);
    ck_assert_uint_eq(k0, 0xe07840516811556cULL);
    ck_assert_uint_eq(k1, 0xbece49a5d5e860beULL);
    struct hash256 w;
    memset(&w, 0, sizeof(w));
    ck_assert_uint_eq(cmpct_short_id(k0, k1, &w), 0x26a23130551aULL);
    for (int i = 0; i < 32; i++)
        w.b[i] = (uint8_t)i;
    ck_assert_uint_eq(cmpct_short_id(k0, k1, &w), 0x669c24a634e2ULL);
    memset(&w, 0xff, sizeof(w));
    ck_assert_uint_eq(cmpct_short_id(k0, k1, &w), 0xd79d4136851cULL);
    /* A different nonce gives different keys. */
    uint64_t j0, j1;
    cmpct_short_id_key(&j0, &j1, &h, 0x0102030405060709ULL);
    ck_assert(j0 != k0 || j1 != k1);
}
END_TEST

START_TEST(cmpctblock_round_trip)
{
    struct block b;
    make_block(&b, 10);
    struct cmpct_block cb, back;
    cmpct_block_from_block(&cb, &b, 77);
    ck_assert_uint_eq(cb.nshort, 9);
    ck_assert_uint_eq(cb.nprefilled, 1);
    ck_assert_uint_eq(cb.prefilled[0].index, 0);
    ck_assert(hash256_eq(&cb.prefilled[0].tx.txid, &b.txs[0].txid));
    uint64_t k0, k1;
    cmpct_short_id_key(&k0, &k1, &b.header, 77);
    for (size_t i = 1; i < 10; i++)
        ck_assert_uint_eq(cb.short_ids[i - 1], cmpct_short_id(k0, k1, &b.txs[i].wtxid));
    struct wbuf w, w2;
    wbuf_init(&w);
    wbuf_init(&w2);
    cmpct_block_serialize(&w, &cb);
    /* header + nonce + count + 9 x 6 + count + index + coinbase */
    ck_assert_uint_eq(w.len, 80 + 8 + 1 + 54 + 1 + 1 + tx_size(&b.txs[0], true));
    ck_assert(cmpct_block_parse(&back, w.data, w.len));
    ck_assert_uint_eq(back.nonce, 77);
    ck_assert_uint_eq(back.nshort, 9);
    ck_assert(memcmp(back.short_ids, cb.short_ids, 9 * sizeof(uint64_t)) == 0);
    cmpct_block_serialize(&w2, &back);
    ck_assert_uint_eq(w2.len, w.len);
    ck_assert(memcmp(w2.data, w.data, w.len) == 0);
    /* Every truncation and any trailing byte is rejected. */
    for (size_t cut = 0; cut < w.len; cut++) {
        struct cmpct_block t;
        ck_assert(!cmpct_block_parse(&t, w.data, cut));
        ck_assert_uint_eq(t.nshort + t.nprefilled, 0);
    }
    wbuf_u8(&w, 0);
    struct cmpct_block t;
    ck_assert(!cmpct_block_parse(&t, w.data, w.len));
    cmpct_block_clear(&back);
    cmpct_block_clear(&cb);
    wbuf_clear(&w);
    wbuf_clear(&w2);
    block_clear(&b);
}
END_TEST

START_TEST(getblocktxn_blocktxn_round_trip)
{
    struct hash256 h;
    memset(&h, 0x11, sizeof(h));
    uint32_t idx[] = { 0, 1, 5, 6, 1000, 65535 };
    struct wbuf w;
    wbuf_init(&w);
    cmpct_getblocktxn_serialize(&w, &h, idx, 6);
    struct cmpct_getblocktxn g;
    ck_assert(cmpct_getblocktxn_parse(&g, w.data, w.len));
    ck_assert_uint_eq(g.count, 6);
    ck_assert(hash256_eq(&g.block_hash, &h));
    ck_assert(memcmp(g.indexes, idx, sizeof(idx)) == 0);
    cmpct_getblocktxn_clear(&g);
    wbuf_clear(&w);
    /* An index past 16 bits: "indexes overflowed 16 bits". */
    wbuf_init(&w);
    wbuf_put(&w, h.b, 32);
    wbuf_compact(&w, 2);
    wbuf_compact(&w, 65535);
    wbuf_compact(&w, 0); /* 65536 */
    ck_assert(!cmpct_getblocktxn_parse(&g, w.data, w.len));
    ck_assert_ptr_null(g.indexes);
    wbuf_clear(&w);

    struct tx a, b2;
    make_tx(&a, 7, false);
    make_tx(&b2, 9, true);
    const struct tx *txs[] = { &a, &b2 };
    wbuf_init(&w);
    cmpct_blocktxn_serialize(&w, &h, txs, 2);
    struct cmpct_blocktxn bt;
    ck_assert(cmpct_blocktxn_parse(&bt, w.data, w.len));
    ck_assert_uint_eq(bt.count, 2);
    ck_assert(hash256_eq(&bt.txs[0].wtxid, &a.wtxid));
    ck_assert(hash256_eq(&bt.txs[1].wtxid, &b2.wtxid));
    cmpct_blocktxn_clear(&bt);
    ck_assert(!cmpct_blocktxn_parse(&bt, w.data, w.len - 1));
    wbuf_clear(&w);
    tx_clear(&a);
    tx_clear(&b2);
}
END_TEST

/* Claimed counts far beyond the payload are rejected before any allocation by size. */
START_TEST(parsers_bounded)
{
    struct wbuf w;
    struct block_header hdr;
    memset(&hdr, 0, sizeof(hdr));
    wbuf_init(&w);
    block_header_serialize(&w, &hdr);
    wbuf_u64le(&w, 1);
    wbuf_compact(&w, CMPCT_MAX_TXS); /* 100,000 short ids claimed, none present */
    struct cmpct_block cb;
    ck_assert(!cmpct_block_parse(&cb, w.data, w.len));
    wbuf_clear(&w);
    wbuf_init(&w);
    block_header_serialize(&w, &hdr);
    wbuf_u64le(&w, 1);
    wbuf_compact(&w, (uint64_t)CMPCT_MAX_TXS + 1);
    ck_assert(!cmpct_block_parse(&cb, w.data, w.len));
    wbuf_clear(&w);
    /* Prefilled differential index overflowing 16 bits. */
    struct tx t;
    make_coinbase(&t);
    wbuf_init(&w);
    block_header_serialize(&w, &hdr);
    wbuf_u64le(&w, 1);
    wbuf_compact(&w, 0);
    wbuf_compact(&w, 2);
    wbuf_compact(&w, 65535);
    tx_serialize(&w, &t, true);
    wbuf_compact(&w, 0); /* 65536 */
    tx_serialize(&w, &t, true);
    ck_assert(!cmpct_block_parse(&cb, w.data, w.len));
    wbuf_clear(&w);
    tx_clear(&t);
    struct cmpct_blocktxn bt;
    uint8_t big[32 + 5] = { 0 };
    big[32] = 0xfe;
    big[33] = big[34] = big[35] = 0xff; /* ~16M transactions claimed */
    ck_assert(!cmpct_blocktxn_parse(&bt, big, sizeof(big)));
}
END_TEST

START_TEST(reconstruct_with_missing)
{
    struct block b;
    make_block(&b, 50);
    struct hash256 want;
    block_hash(&want, &b);
    struct cmpct_block cb;
    cmpct_block_from_block(&cb, &b, 1234);
    struct cmpct_partial pb;
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_OK);
    ck_assert_uint_eq(cmpct_partial_missing_count(&pb), 49);
    /* "Mempool": everything but txs 7 and 30, plus an unrelated one; tx 12 offered twice. */
    for (size_t i = 1; i < 50; i++)
        if (i != 7 && i != 30)
            ck_assert(cmpct_partial_offer(&pb, &b.txs[i], true));
    ck_assert(!cmpct_partial_offer(&pb, &b.txs[12], true));
    struct tx other;
    make_tx(&other, 999, false);
    ck_assert(!cmpct_partial_offer(&pb, &other, false));
    ck_assert_uint_eq(pb.from_pool, 47);
    uint32_t miss[4];
    ck_assert_uint_eq(cmpct_partial_missing(&pb, miss, 4), 2);
    ck_assert_uint_eq(miss[0], 7);
    ck_assert_uint_eq(miss[1], 30);
    /* Wrong count: invalid (the peer's fault). */
    struct block out;
    struct tx one[1];
    tx_copy(&one[0], &b.txs[7]);
    ck_assert_int_eq(cmpct_partial_fill(&pb, &out, one, 1), CMPCT_INVALID);
    tx_clear(&one[0]);
    /* The right two: the block, identical. */
    struct tx two[2];
    tx_copy(&two[0], &b.txs[7]);
    tx_copy(&two[1], &b.txs[30]);
    ck_assert_int_eq(cmpct_partial_fill(&pb, &out, two, 2), CMPCT_OK);
    tx_clear(&two[0]);
    tx_clear(&two[1]);
    struct hash256 got;
    block_hash(&got, &out);
    ck_assert(hash256_eq(&got, &want));
    ck_assert_uint_eq(out.tx_count, 50);
    for (size_t i = 0; i < 50; i++)
        ck_assert(hash256_eq(&out.txs[i].wtxid, &b.txs[i].wtxid));
    block_clear(&out);
    cmpct_partial_clear(&pb);

    /* A wrong transaction in blocktxn: the merkle root fails, fall back to the full block. */
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_OK);
    for (size_t i = 1; i < 50; i++)
        if (i != 7)
            (void)cmpct_partial_offer(&pb, &b.txs[i], true);
    tx_copy(&one[0], &other);
    ck_assert_int_eq(cmpct_partial_fill(&pb, &out, one, 1), CMPCT_FAILED);
    tx_clear(&one[0]);
    cmpct_partial_clear(&pb);

    /* Two of our transactions with the id of slot 5: the slot is requested instead. */
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_OK);
    size_t slot5 = 0;
    for (size_t i = 0; i < pb.nids; i++)
        if (pb.id_slot[i] == 5)
            slot5 = i;
    ck_assert(cmpct_partial_offer(&pb, &b.txs[5], true));
    struct tx fake;
    tx_copy(&fake, &other);
    /* Force the collision (48-bit ids cannot be collided on purpose): slot 5's id
     * becomes fake's, the sorted order kept. */
    pb.ids[slot5] = cmpct_short_id(pb.k0, pb.k1, &fake.wtxid);
    for (size_t i = 0; i < pb.nids; i++)
        for (size_t j = i + 1; j < pb.nids; j++)
            if (pb.ids[j] < pb.ids[i]) {
                uint64_t t = pb.ids[i];
                pb.ids[i] = pb.ids[j];
                pb.ids[j] = t;
                uint32_t u = pb.id_slot[i];
                pb.id_slot[i] = pb.id_slot[j];
                pb.id_slot[j] = u;
            }
    ck_assert(!cmpct_partial_offer(&pb, &fake, true));
    ck_assert_uint_eq(pb.state[5], CMPCT_SLOT_COLLIDED);
    ck_assert_uint_eq(cmpct_partial_missing(&pb, miss, 4), 4); /* capped at max: slot 1.. */
    ck_assert_uint_eq(cmpct_partial_missing_count(&pb), 49);
    tx_clear(&fake);
    cmpct_partial_clear(&pb);

    tx_clear(&other);
    cmpct_block_clear(&cb);
    block_clear(&b);
}
END_TEST

START_TEST(reconstruct_rejects)
{
    struct block b;
    make_block(&b, 5);
    struct cmpct_block cb;
    cmpct_block_from_block(&cb, &b, 1);
    struct cmpct_partial pb;
    /* Equal short ids: Core's READ_STATUS_FAILED (fetch the full block). */
    cb.short_ids[2] = cb.short_ids[1];
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_FAILED);
    cmpct_partial_clear(&pb);
    /* A prefilled index past the end: invalid. */
    cb.prefilled[0].index = 5;
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_INVALID);
    cmpct_partial_clear(&pb);
    cmpct_block_clear(&cb);
    /* No transactions at all: invalid. */
    cmpct_block_init(&cb);
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_INVALID);
    cmpct_partial_clear(&pb);
    /* Only the coinbase: complete at once. */
    struct block one;
    make_block(&one, 1);
    cmpct_block_from_block(&cb, &one, 9);
    ck_assert_int_eq(cmpct_partial_init(&pb, &cb), CMPCT_OK);
    ck_assert_uint_eq(cmpct_partial_missing_count(&pb), 0);
    struct block out;
    ck_assert_int_eq(cmpct_partial_fill(&pb, &out, NULL, 0), CMPCT_OK);
    ck_assert_uint_eq(out.tx_count, 1);
    block_clear(&out);
    cmpct_partial_clear(&pb);
    cmpct_block_clear(&cb);
    block_clear(&one);
    block_clear(&b);
}
END_TEST

static Suite *blockencodings_suite(void)
{
    Suite *s = suite_create("blockencodings");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, short_id_vectors);
    tcase_add_test(tc, cmpctblock_round_trip);
    tcase_add_test(tc, getblocktxn_blocktxn_round_trip);
    tcase_add_test(tc, parsers_bounded);
    tcase_add_test(tc, reconstruct_with_missing);
    tcase_add_test(tc, reconstruct_rejects);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(blockencodings_suite)
