#include "src/miner/work.h"

#include <stdlib.h>
#include <string.h>

#include "consensus/block.h"
#include "consensus/merkle.h"
#include "qa/unit/unit.h"
#include "src/crypto/sha256.h"
#include "src/crypto/sha256_scan.h"
#include "src/util/endian.h"
#include "src/util/wbuf.h"

static const uint8_t SPK[22] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };

/* A template with a coinbase at `height` and ntx - 1 other transactions,
 * optionally with a witness commitment. */
static void make_template(struct block_template *t, int32_t height, size_t ntx, bool commitment)
{
    memset(t, 0, sizeof(*t));
    block_init(&t->block);
    t->height = height;
    t->mtp = 1700000000;
    struct tx cb;
    miner_coinbase_build(&cb, height, 0, 5000000000LL, SPK, sizeof(SPK));
    block_add_tx(&t->block, &cb);
    tx_clear(&cb);
    for (size_t i = 1; i < ntx; i++) {
        struct tx tx;
        tx_init(&tx);
        struct outpoint op;
        memset(&op, 0, sizeof(op));
        op.txid.b[0] = (uint8_t)i;
        op.txid.b[1] = (uint8_t)(i >> 8);
        op.n = (uint32_t)i;
        tx_add_input(&tx, &op, NULL, 0, SEQUENCE_FINAL);
        tx_add_output(&tx, (int64_t)i * 1000, SPK, sizeof(SPK));
        tx_update_hashes(&tx);
        block_add_tx(&t->block, &tx);
        tx_clear(&tx);
    }
    if (commitment)
        merkle_witness_commitment_add(&t->block);
    t->block.header.version = 0x20000000;
    t->block.header.prev_hash.b[5] = 0x42;
    t->block.header.time = 1700000100;
    t->block.header.bits = 0x207fffff;
    merkle_block_root(&t->block.header.merkle_root, NULL, &t->block);
}

/* The job's pieces and its branch agree with a block built the plain way,
 * for every tree shape from 1 to 33 transactions. */
START_TEST(job_matches_plain_block)
{
    for (size_t ntx = 1; ntx <= 33; ntx++) {
        struct block_template t;
        make_template(&t, 1000 + (int32_t)ntx, ntx, ntx % 2 == 0);
        struct miner_job job;
        ck_assert(miner_job_init(&job, &t, 8, MINER_VERSION_ROLL_MASK));
        ck_assert_uint_eq(t.block.tx_count, 0); /* moved */
        for (int k = 0; k < 3; k++) {
            uint8_t en[8];
            miner_extranonce_encode(en, 8, (const uint8_t *)"\x01\x02\x03\x04", 4, 77u * (uint64_t)k + ntx);
            struct block b;
            miner_job_block(&job, &b, en, 0x20002000, 1700000200, 12345);
            /* coinb1 || extranonce || coinb2 is the coinbase without witness. */
            struct wbuf w, cat;
            wbuf_init(&w);
            wbuf_init(&cat);
            tx_serialize(&w, &b.txs[0], false);
            wbuf_put(&cat, job.coinb1, job.coinb1_len);
            wbuf_put(&cat, en, 8);
            wbuf_put(&cat, job.coinb2, job.coinb2_len);
            ck_assert_uint_eq(w.len, cat.len);
            ck_assert(memcmp(w.data, cat.data, w.len) == 0);
            wbuf_clear(&w);
            wbuf_clear(&cat);
            /* The branch gives the tree's root. */
            struct hash256 root, plain;
            miner_job_merkle_root(&job, &root, en);
            merkle_block_root(&plain, NULL, &b);
            ck_assert(hash256_eq(&root, &plain));
            ck_assert(hash256_eq(&b.header.merkle_root, &plain));
            struct hash256 txid;
            miner_job_coinbase_txid(&job, &txid, en);
            ck_assert(hash256_eq(&txid, &b.txs[0].txid));
            /* The header bytes are the block's header. */
            uint8_t hdr[80], plain_hdr[80];
            miner_job_header(&job, hdr, &root, 0x20002000, 1700000200, 12345);
            block_header_serialize_raw(plain_hdr, &b.header);
            ck_assert(memcmp(hdr, plain_hdr, 80) == 0);
            /* The witness commitment and reserved value survive. */
            ck_assert_int_eq(merkle_witness_commitment_find(&b) >= 0, ntx % 2 == 0);
            ck_assert_uint_eq(b.tx_count, ntx);
            block_clear(&b);
        }
        ck_assert_int_eq(job.time_min, 1700000001);
        miner_job_clear(&job);
    }
}
END_TEST

START_TEST(job_rejects_bad_input)
{
    struct block_template t;
    struct miner_job job;
    make_template(&t, 5, 3, false);
    ck_assert(!miner_job_init(&job, &t, 0, 0));
    make_template(&t, 5, 3, false);
    ck_assert(!miner_job_init(&job, &t, MINER_EXTRANONCE_MAX + 1, 0));
    make_template(&t, 5, 3, false);
    t.block.header.bits = 0; /* no valid target */
    ck_assert(!miner_job_init(&job, &t, 8, 0));
    make_template(&t, 5, 3, false);
    ck_assert(miner_job_init(&job, &t, MINER_EXTRANONCE_MAX, 0));
    miner_job_clear(&job);
    miner_job_clear(&job); /* a cleared job clears again */
}
END_TEST

/* BIP 320: the rolled versions are all different, differ from the base
 * only in the mask's bits, and keep the top bits 001. */
START_TEST(version_rolling)
{
    ck_assert_uint_eq(miner_version_count(MINER_VERSION_ROLL_MASK), 65536);
    ck_assert_uint_eq(miner_version_count(0), 1);
    uint8_t *seen = calloc(1u << 16, 1);
    for (uint32_t i = 0; i < 65536; i++) {
        uint32_t v = (uint32_t)miner_version_roll(0x20000000, MINER_VERSION_ROLL_MASK, i);
        ck_assert_uint_eq(v & ~MINER_VERSION_ROLL_MASK, 0x20000000);
        ck_assert_uint_eq(v >> 29, 1);
        uint32_t bits = (v & MINER_VERSION_ROLL_MASK) >> 13;
        ck_assert(!seen[bits]);
        seen[bits] = 1;
    }
    free(seen);
    ck_assert_int_eq(miner_version_roll(0x20000004, 0, 123), 0x20000004);
    ck_assert_int_eq(miner_version_roll(0x20000000, MINER_VERSION_ROLL_MASK, 1), 0x20002000);
    /* A sparse mask: index bits go to the mask's bits in order. */
    ck_assert_int_eq(miner_version_roll(0, 0x00000005u, 3), 5);
    ck_assert_int_eq(miner_version_roll(0, 0x00000005u, 2), 4);
}
END_TEST

/* The threads' nonce slices tile the 2^32 nonces: contiguous, no gap, no
 * overlap, sizes within one of each other. */
START_TEST(nonce_slices_tile)
{
    static const unsigned ns[] = { 1, 2, 3, 5, 7, 16, 100, 256 };
    for (size_t k = 0; k < sizeof(ns) / sizeof(ns[0]); k++) {
        unsigned n = ns[k];
        uint64_t next = 0, min = UINT64_MAX, max = 0;
        for (unsigned i = 0; i < n; i++) {
            uint32_t first;
            uint64_t count;
            miner_nonce_slice(&first, &count, i, n);
            ck_assert_uint_eq(first, (uint32_t)next);
            ck_assert_uint_gt(count, 0);
            next += count;
            min = count < min ? count : min;
            max = count > max ? count : max;
        }
        ck_assert_uint_eq(next, 1ULL << 32);
        ck_assert_uint_le(max - min, 1);
    }
}
END_TEST

static int cmp_bytes76(const void *a, const void *b)
{
    return memcmp(a, b, 76);
}

/* The work space: units number (extranonce, version) pairs one to one, the
 * version fastest; the headers of distinct units differ in their first 76
 * bytes (so with disjoint nonce slices no two threads, and no thread twice,
 * ever hash the same header); distinct job prefixes give distinct work. */
START_TEST(units_cover_without_overlap)
{
    struct miner_unit a, b;
    miner_unit_of(&a, 0, 65536);
    ck_assert_uint_eq(a.extranonce, 0);
    ck_assert_uint_eq(a.version_index, 0);
    miner_unit_of(&a, 65535, 65536);
    miner_unit_of(&b, 65536, 65536);
    ck_assert_uint_eq(a.version_index, 65535);
    ck_assert_uint_eq(a.extranonce, 0);
    ck_assert_uint_eq(b.version_index, 0);
    ck_assert_uint_eq(b.extranonce, 1);
    miner_unit_of(&a, 12345, 1); /* no version rolling: extranonce only */
    ck_assert_uint_eq(a.extranonce, 12345);
    ck_assert_uint_eq(a.version_index, 0);

    struct block_template t;
    make_template(&t, 77, 5, true);
    struct miner_job job;
    ck_assert(miner_job_init(&job, &t, 8, MINER_VERSION_ROLL_MASK));
    /* Units straddling a version wrap, for two job prefixes. */
    enum { PER_PREFIX = 600 };
    uint8_t(*hdrs)[80] = calloc(2 * PER_PREFIX, 80);
    for (int p = 0; p < 2; p++) {
        uint8_t prefix[4];
        le32_write(prefix, 0xabc00000u + (uint32_t)p);
        for (uint64_t i = 0; i < PER_PREFIX; i++) {
            uint64_t u = 65536 - PER_PREFIX / 2 + i;
            struct miner_unit unit;
            miner_unit_of(&unit, u, miner_version_count(job.version_mask));
            uint8_t en[8];
            miner_extranonce_encode(en, 8, prefix, 4, unit.extranonce);
            struct hash256 root;
            miner_job_merkle_root(&job, &root, en);
            int32_t v = miner_version_roll(job.tmpl.block.header.version, job.version_mask, unit.version_index);
            miner_job_header(&job, hdrs[p * PER_PREFIX + i], &root, v, 1700000200, 0);
        }
    }
    qsort(hdrs, 2 * PER_PREFIX, 80, cmp_bytes76);
    for (size_t i = 1; i < 2 * PER_PREFIX; i++)
        ck_assert(memcmp(hdrs[i - 1], hdrs[i], 76) != 0);
    free(hdrs);
    miner_job_clear(&job);

    uint8_t en[8];
    miner_extranonce_encode(en, 8, (const uint8_t *)"\xaa\xbb\xcc\xdd", 4, 0x0102030405ULL);
    static const uint8_t want[8] = { 0xaa, 0xbb, 0xcc, 0xdd, 0x05, 0x04, 0x03, 0x02 };
    ck_assert(memcmp(en, want, 8) == 0);
}
END_TEST

/* End to end on a job: scan a thread's slice with the best kernel, re-check
 * candidates with the plain sha256d, and the block built for a winner has
 * the hash the header had and meets the target. */
START_TEST(scan_job_finds_valid_block)
{
    struct block_template t;
    make_template(&t, 200, 4, true);
    struct miner_job job;
    ck_assert(miner_job_init(&job, &t, 8, MINER_VERSION_ROLL_MASK));
    uint8_t en[8] = { 9, 9, 9, 9, 1, 0, 0, 0 };
    struct hash256 root;
    miner_job_merkle_root(&job, &root, en);
    uint8_t header[80];
    miner_job_header(&job, header, &root, 0x20006000, 1700000300, 0);
    struct sha256_scan_job sj;
    sha256_scan_job_init(&sj, header, sha256_scan_top_word(job.target));
    uint32_t found[64];
    size_t nf = 0;
    uint32_t first;
    uint64_t count;
    miner_nonce_slice(&first, &count, 1, 2);
    uint64_t n = sha256_scan_kernel_fn(SHA256_SCAN_AUTO)(&sj, found, 64, &nf, first, 1000);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_gt(nf, 0); /* 0x207fffff: about every second nonce */
    size_t winners = 0;
    for (size_t i = 0; i < nf; i++) {
        struct hash256 h;
        le32_write(header + 76, found[i]);
        sha256d(h.b, header, 80);
        if (!miner_job_hash_meets_target(&job, &h))
            continue;
        winners++;
        struct block b;
        miner_job_block(&job, &b, en, 0x20006000, 1700000300, found[i]);
        struct hash256 bh;
        block_hash(&bh, &b);
        ck_assert(hash256_eq(&bh, &h));
        ck_assert_uint_ge(found[i], first);
        block_clear(&b);
    }
    ck_assert_uint_gt(winners, 0);
    miner_job_clear(&job);
}
END_TEST

START_TEST(target_shift)
{
    uint8_t t[32] = { 0 };
    t[31] = 0x80;
    t[0] = 0xff;
    miner_target_shift(t, 1);
    ck_assert_uint_eq(t[31], 0x40);
    ck_assert_uint_eq(t[0], 0x7f);
    miner_target_shift(t, 12);
    ck_assert_uint_eq(t[31], 0);
    ck_assert_uint_eq(t[30], 0x04);
    miner_target_shift(t, 250);
    for (int i = 0; i < 32; i++)
        ck_assert_uint_eq(t[i], 0);
    /* Shifting by n bits equals n shifts by one. */
    uint8_t a[32], b[32];
    for (int i = 0; i < 32; i++)
        a[i] = b[i] = (uint8_t)(i * 37 + 5);
    miner_target_shift(a, 19);
    for (int i = 0; i < 19; i++)
        miner_target_shift(b, 1);
    ck_assert(memcmp(a, b, 32) == 0);
}
END_TEST

static Suite *work_suite(void)
{
    Suite *s = suite_create("miner_work");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, job_matches_plain_block);
    tcase_add_test(tc, job_rejects_bad_input);
    tcase_add_test(tc, version_rolling);
    tcase_add_test(tc, nonce_slices_tile);
    tcase_add_test(tc, units_cover_without_overlap);
    tcase_add_test(tc, scan_job_finds_valid_block);
    tcase_add_test(tc, target_shift);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(work_suite)
