#include "src/stratum/share.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "consensus/block.h"
#include "qa/unit/unit.h"
#include "src/chain/miner.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"

static const uint8_t SPK[22] = { 0x00, 0x14, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20 };
static const uint8_t EN1[4] = { 0xde, 0xad, 0xbe, 0xef };
#define NOW 1700000000

/* A job with a coinbase and one other transaction, network target from bits. */
static void make_job(struct miner_job *job, uint32_t bits)
{
    struct block_template t;
    memset(&t, 0, sizeof(t));
    block_init(&t.block);
    t.height = 100;
    t.mtp = NOW - 600;
    struct tx cb;
    miner_coinbase_build(&cb, 100, 0, 5000000000LL, SPK, sizeof(SPK));
    block_add_tx(&t.block, &cb);
    tx_clear(&cb);
    struct tx tx;
    tx_init(&tx);
    struct outpoint op;
    memset(&op, 0, sizeof(op));
    op.txid.b[0] = 7;
    tx_add_input(&tx, &op, NULL, 0, SEQUENCE_FINAL);
    tx_add_output(&tx, 1000, SPK, sizeof(SPK));
    tx_update_hashes(&tx);
    block_add_tx(&t.block, &tx);
    tx_clear(&tx);
    t.block.header.version = 0x20000000;
    t.block.header.bits = bits;
    t.block.header.time = NOW;
    t.fees = mem_calloc(2, sizeof(int64_t));
    t.sigops_cost = mem_calloc(2, sizeof(int64_t));
    ck_assert(miner_job_init(job, &t, 8, MINER_VERSION_ROLL_MASK));
}

static void make_ctx(struct stratum_share_ctx *c, double difficulty)
{
    memset(c, 0, sizeof(*c));
    c->extranonce1 = EN1;
    c->extranonce1_len = 4;
    c->extranonce2_len = 4;
    c->version_mask = MINER_VERSION_ROLL_MASK;
    stratum_difficulty_target(c->share_target, difficulty);
    c->now = NOW;
    c->max_future = 7200;
}

static struct stratum_submit sub(const char *en2, const char *ntime, const char *nonce, const char *vbits)
{
    struct stratum_submit s = { en2, ntime, nonce, vbits };
    return s;
}

START_TEST(difficulty_targets)
{
    uint8_t t[32], expect[32];
    memset(expect, 0, 32);
    expect[26] = 0xff, expect[27] = 0xff; /* 0xffff * 2^208 */
    stratum_difficulty_target(t, 1.0);
    ck_assert_mem_eq(t, expect, 32);
    stratum_difficulty_target(t, 2.0);
    memset(expect, 0, 32);
    expect[25] = 0x80, expect[26] = 0xff, expect[27] = 0x7f; /* 0xffff * 2^207 */
    ck_assert_mem_eq(t, expect, 32);
    stratum_difficulty_target(t, 0.5);
    memset(expect, 0, 32);
    expect[26] = 0xfe, expect[27] = 0xff, expect[28] = 0x01;
    ck_assert_mem_eq(t, expect, 32);
    /* Below 2^-32 every hash is a share: the maximum target. */
    stratum_difficulty_target(t, 1e-11);
    for (int i = 0; i < 32; i++)
        ck_assert_uint_eq(t[i], 0xff);
    stratum_difficulty_target(t, 0);
    ck_assert_uint_eq(t[31], 0xff);
    /* The hash difficulty of a target is (about) its difficulty. */
    struct hash256 h;
    stratum_difficulty_target(h.b, 1024.0);
    ck_assert(fabs(stratum_hash_difficulty(&h) - 1024.0) < 1e-6);
    stratum_difficulty_target(h.b, 3e-10);
    ck_assert(fabs(stratum_hash_difficulty(&h) / 3e-10 - 1) < 1e-9);
    /* Regtest's network difficulty. */
    ck_assert(fabs(stratum_bits_difficulty(0x207fffff) - 4.656542373906925e-10) < 1e-20);
    ck_assert(fabs(stratum_bits_difficulty(0x1d00ffff) - 1.0) < 1e-12);
}
END_TEST

START_TEST(each_error)
{
    struct miner_job job;
    make_job(&job, 0x1d00ffff);
    struct stratum_share_ctx c;
    make_ctx(&c, 1e-11); /* every hash is a share */
    struct stratum_share sh;
    char ntime[9];
    snprintf(ntime, sizeof(ntime), "%08x", NOW);
    struct stratum_submit s = sub("00000001", ntime, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_VALID);

    s = sub("0001", ntime, "00000000", NULL); /* 2 bytes, 4 wanted */
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_EXTRANONCE2);
    s = sub("0000000001", ntime, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_EXTRANONCE2);
    s = sub("zz000000", ntime, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_EXTRANONCE2);
    s = sub(NULL, ntime, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_EXTRANONCE2);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_BAD_EXTRANONCE2), 20);

    char t[9];
    snprintf(t, sizeof(t), "%08x", (unsigned)(job.time_min - 1)); /* before median time past + 1 */
    s = sub("00000001", t, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_NTIME);
    snprintf(t, sizeof(t), "%08x", (unsigned)(NOW + 7201)); /* too far ahead */
    s = sub("00000001", t, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_NTIME);
    s = sub("00000001", "6b16dc", "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_NTIME);
    snprintf(t, sizeof(t), "%08x", (unsigned)(NOW + 7200)); /* the limit itself is fine */
    s = sub("00000001", t, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_VALID);

    s = sub("00000001", ntime, "0000000g", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_NONCE);
    s = sub("00000001", ntime, "000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_NONCE);

    s = sub("00000001", ntime, "00000000", "00002000"); /* bit 13: inside the BIP 320 mask */
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_VALID);
    ck_assert_int_eq(sh.version, 0x20002000);
    s = sub("00000001", ntime, "00000000", "40000000"); /* outside */
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_VERSION);
    s = sub("00000001", ntime, "00000000", "2000");
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_VERSION);
    c.version_mask = 0; /* no mining.configure: no bits at all */
    s = sub("00000001", ntime, "00000000", "00002000");
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_BAD_VERSION);
    s = sub("00000001", ntime, "00000000", "00000000");
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_VALID);

    /* Low difficulty: a share target no hash meets in practice. */
    make_ctx(&c, 1e12);
    s = sub("00000001", ntime, "00000000", NULL);
    ck_assert_int_eq(stratum_share_check(&sh, &c, &job, &s), STRATUM_SHARE_LOW_DIFFICULTY);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_LOW_DIFFICULTY), 23);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_STALE), 21);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_UNKNOWN_JOB), 21);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_DUPLICATE), 22);
    ck_assert_int_eq(stratum_share_result_code(STRATUM_SHARE_VALID), 0);
    miner_job_clear(&job);
}
END_TEST

/* The checked hash is the hash of the block the share makes, and a hash
 * under the network target is a block whatever the share difficulty. */
START_TEST(block_share)
{
    struct miner_job job;
    make_job(&job, 0x207fffff);
    struct stratum_share_ctx c;
    make_ctx(&c, 1e12);
    char ntime[9];
    snprintf(ntime, sizeof(ntime), "%08x", NOW);
    int blocks = 0, others = 0;
    for (uint32_t nonce = 0; nonce < 64; nonce++) {
        char n[9];
        snprintf(n, sizeof(n), "%08x", nonce);
        struct stratum_submit s = sub("0a0b0c0d", ntime, n, "1fffe000");
        struct stratum_share sh;
        enum stratum_share_result r = stratum_share_check(&sh, &c, &job, &s);
        struct block b;
        miner_job_block(&job, &b, sh.extranonce, sh.version, sh.ntime, sh.nonce);
        struct hash256 bh;
        block_hash(&bh, &b);
        ck_assert(hash256_eq(&bh, &sh.hash));
        ck_assert_uint_eq(b.header.nonce, nonce);
        ck_assert_int_eq(b.header.version, 0x3fffe000);
        ck_assert_mem_eq(sh.extranonce, EN1, 4);
        block_clear(&b);
        if (r == STRATUM_SHARE_BLOCK)
            blocks++;
        else {
            ck_assert_int_eq(r, STRATUM_SHARE_LOW_DIFFICULTY);
            others++;
        }
    }
    ck_assert_int_gt(blocks, 0); /* about half of the hashes meet 0x7fffff << 232 */
    ck_assert_int_gt(others, 0);
    miner_job_clear(&job);
}
END_TEST

START_TEST(duplicates)
{
    struct stratum_dupset d;
    stratum_dupset_init(&d);
    struct hash256 h;
    for (uint32_t i = 1; i <= 1000; i++) {
        sha256(h.b, (const uint8_t *)&i, sizeof(i));
        ck_assert(stratum_dupset_insert(&d, &h));
    }
    for (uint32_t i = 1; i <= 1000; i++) {
        sha256(h.b, (const uint8_t *)&i, sizeof(i));
        ck_assert(!stratum_dupset_insert(&d, &h));
    }
    ck_assert_uint_eq(d.count, 1000);
    stratum_dupset_clear(&d);
}
END_TEST

static Suite *share_suite(void)
{
    Suite *s = suite_create("stratum_share");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, difficulty_targets);
    tcase_add_test(tc, each_error);
    tcase_add_test(tc, block_share);
    tcase_add_test(tc, duplicates);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(share_suite)
