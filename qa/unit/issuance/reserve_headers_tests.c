/* The offline header-chain check of reserve proofs
 * (issuance/reserve_headers.c) on regtest headers mined here. */
#include "issuance/reserve_headers.h"

#include <string.h>

#include "consensus/pow.h"
#include "qa/unit/unit.h"

#define CHAIN_LEN 31 /* genesis and 30 more */

static const struct chain_params *params;
static struct block_header chain[CHAIN_LEN];

static void mine(struct block_header *h, bool valid)
{
    struct hash256 hash;
    for (h->nonce = 0;; h->nonce++) {
        block_header_hash(&hash, h);
        if (pow_check(&hash, h->bits, params) == valid)
            return;
    }
}

/* Header `height` on top of prev. */
static void next_header(struct block_header *h, const struct block_header *prev, int height)
{
    memset(h, 0, sizeof(*h));
    h->version = 4;
    block_header_hash(&h->prev_hash, prev);
    h->merkle_root.b[0] = (uint8_t)height;
    h->merkle_root.b[1] = 0x77;
    h->time = prev->time + 600;
    h->bits = prev->bits;
    mine(h, true);
}

static void setup(void)
{
    params = chain_params_get("regtest");
    struct block g;
    chain_params_genesis_build(&g, params);
    chain[0] = g.header;
    block_clear(&g);
    for (int i = 1; i < CHAIN_LEN; i++)
        next_header(&chain[i], &chain[i - 1], i);
}

/* Feeds n headers; returns the index of the first rejected one (n if none), st set. */
static size_t feed(struct reserve_headers *h, struct val_state *st, const struct block_header *hs, size_t n)
{
    val_state_init(st);
    for (size_t i = 0; i < n; i++) {
        uint8_t raw[BLOCK_HEADER_SIZE];
        block_header_serialize_raw(raw, &hs[i]);
        if (!reserve_headers_add(st, h, raw))
            return i;
    }
    return n;
}

START_TEST(test_found)
{
    struct hash256 target;
    block_header_hash(&target, &chain[12]);
    struct reserve_headers h;
    reserve_headers_init(&h, params, &target);
    struct val_state st;
    ck_assert_uint_eq(feed(&h, &st, chain, CHAIN_LEN), CHAIN_LEN);
    int32_t height, tip;
    ck_assert(reserve_headers_finish(&st, &height, &tip, &h));
    ck_assert_int_eq(height, 12);
    ck_assert_int_eq(tip, CHAIN_LEN - 1);

    /* the genesis itself, and the tip */
    block_header_hash(&target, &chain[0]);
    reserve_headers_init(&h, params, &target);
    ck_assert_uint_eq(feed(&h, &st, chain, 1), 1);
    ck_assert(reserve_headers_finish(&st, &height, &tip, &h));
    ck_assert_int_eq(height, 0);
    block_header_hash(&target, &chain[CHAIN_LEN - 1]);
    reserve_headers_init(&h, params, &target);
    ck_assert_uint_eq(feed(&h, &st, chain, CHAIN_LEN), CHAIN_LEN);
    ck_assert(reserve_headers_finish(&st, &height, &tip, &h));
    ck_assert_int_eq(height, CHAIN_LEN - 1);
}
END_TEST

START_TEST(test_missing)
{
    struct hash256 target;
    block_header_hash(&target, &chain[20]);
    struct reserve_headers h;
    reserve_headers_init(&h, params, &target);
    struct val_state st;
    ck_assert_uint_eq(feed(&h, &st, chain, 20), 20); /* stops just before it */
    int32_t height, tip;
    ck_assert(!reserve_headers_finish(&st, &height, &tip, &h));
    ck_assert_str_eq(st.reject, RESERVE_REJECT_HEADERS_MISSING);
    ck_assert_int_eq(tip, 19);
    /* no headers at all */
    reserve_headers_init(&h, params, &target);
    val_state_init(&st);
    ck_assert(!reserve_headers_finish(&st, &height, &tip, &h));
}
END_TEST

/* Each broken header is rejected with its reason at its position. */
static void expect_reject_at(size_t at, const struct block_header *bad, const char *reason)
{
    struct block_header hs[CHAIN_LEN];
    memcpy(hs, chain, sizeof(hs));
    hs[at] = *bad;
    struct hash256 target;
    block_header_hash(&target, &chain[CHAIN_LEN - 1]);
    struct reserve_headers h;
    reserve_headers_init(&h, params, &target);
    struct val_state st;
    size_t got = feed(&h, &st, hs, CHAIN_LEN);
    ck_assert_msg(got == at, "%s: stopped at %zu, not %zu (%s)", reason, got, at, st.reject);
    ck_assert_str_eq(st.reject, reason);
}

START_TEST(test_rejects)
{
    struct block_header b;
    /* not the genesis first: the main chain's genesis on regtest */
    struct block g;
    chain_params_genesis_build(&g, chain_params_get("main"));
    expect_reject_at(0, &g.header, RESERVE_REJECT_HEADERS_GENESIS);
    block_clear(&g);
    expect_reject_at(0, &chain[1], RESERVE_REJECT_HEADERS_GENESIS);

    /* a header that does not link (its parent skipped) */
    expect_reject_at(5, &chain[6], RESERVE_REJECT_HEADERS_PREV);

    /* proof of work */
    b = chain[9];
    mine(&b, false);
    expect_reject_at(9, &b, "high-hash");

    /* nBits other than the rule's (regtest never retargets), validly mined */
    b = chain[9];
    b.bits = 0x207ffffe;
    mine(&b, true);
    expect_reject_at(9, &b, "bad-diffbits");

    /* time at the median of the previous 11 */
    b = chain[15];
    b.time = chain[9].time;
    mine(&b, true);
    expect_reject_at(15, &b, "time-too-old");

    /* a version below BIP 34/66/65's */
    b = chain[3];
    b.version = 3;
    mine(&b, true);
    expect_reject_at(3, &b, "bad-version(0x00000003)");
}
END_TEST

static Suite *reserve_headers_suite(void)
{
    Suite *s = suite_create("reserve_headers");
    TCase *tc = tcase_create("core");
    tcase_add_unchecked_fixture(tc, setup, NULL);
    tcase_add_test(tc, test_found);
    tcase_add_test(tc, test_missing);
    tcase_add_test(tc, test_rejects);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(reserve_headers_suite)
