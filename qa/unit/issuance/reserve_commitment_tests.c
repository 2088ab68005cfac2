/* The HMRS commitment output (issuance/reserve_commitment.c): its bytes,
 * finding exactly one in a coinbase, and the block rule's comparisons. */
#include "issuance/reserve_commitment.h"

#include <string.h>

#include "qa/unit/unit.h"

static void sample(struct reserve_commitment *c)
{
    for (int i = 0; i < 32; i++)
        c->root.b[i] = (uint8_t)(0x10 + i);
    c->collateral = UINT64_C(0x0102030405060708);
    c->debt = UINT64_C(0x1112131415161718);
}

static void make_coinbase(struct tx *tx)
{
    tx_init(tx);
    struct outpoint null = { { { 0 } }, 0xffffffffu };
    static const uint8_t sig[2] = { 0x51, 0x00 };
    tx_add_input(tx, &null, sig, sizeof(sig), SEQUENCE_FINAL);
    static const uint8_t op_true[1] = { 0x51 };
    tx_add_output(tx, 5000, op_true, 1);
}

START_TEST(test_script_bytes)
{
    struct reserve_commitment c, back;
    sample(&c);
    uint8_t s[RESERVE_COMMITMENT_SCRIPT_SIZE];
    reserve_commitment_script(s, &c);
    static const uint8_t expect_head[6] = { 0x6a, 0x34, 0x48, 0x4d, 0x52, 0x53 };
    ck_assert_mem_eq(s, expect_head, 6);
    ck_assert_mem_eq(s + 6, c.root.b, 32);
    static const uint8_t coll[8] = { 8, 7, 6, 5, 4, 3, 2, 1 };
    static const uint8_t debt[8] = { 0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11 };
    ck_assert_mem_eq(s + 38, coll, 8);
    ck_assert_mem_eq(s + 46, debt, 8);
    ck_assert(reserve_commitment_parse(&back, s, sizeof(s)));
    ck_assert(hash256_eq(&back.root, &c.root));
    ck_assert_uint_eq(back.collateral, c.collateral);
    ck_assert_uint_eq(back.debt, c.debt);
    /* one byte short or long, another push opcode, another tag: not a commitment */
    ck_assert(!reserve_commitment_parse(&back, s, sizeof(s) - 1));
    uint8_t longer[55];
    memcpy(longer, s, 54);
    longer[54] = 0;
    ck_assert(!reserve_commitment_parse(&back, longer, sizeof(longer)));
    s[1] = 0x35;
    ck_assert(!reserve_commitment_parse(&back, s, sizeof(s)));
    s[1] = 0x34;
    s[5] = 'T';
    ck_assert(!reserve_commitment_parse(&back, s, sizeof(s)));
}
END_TEST

static void expect_find(const struct tx *tx, const char *debug)
{
    struct val_state st;
    val_state_init(&st);
    struct reserve_commitment c;
    size_t index = 99;
    bool ok = reserve_commitment_find(&st, &c, &index, tx);
    if (!debug) {
        ck_assert_msg(ok, "%s %s", st.reject, st.debug);
        return;
    }
    ck_assert(!ok);
    ck_assert_str_eq(st.reject, RESERVE_REJECT_COMMITMENT);
    ck_assert_str_eq(st.debug, debug);
    ck_assert_int_eq(st.result, VAL_BLOCK_CONSENSUS);
}

START_TEST(test_find_exactly_one)
{
    struct reserve_commitment c;
    sample(&c);
    struct tx tx;
    make_coinbase(&tx);
    expect_find(&tx, "missing");
    reserve_commitment_add(&tx, &c);
    expect_find(&tx, NULL);
    struct val_state st;
    val_state_init(&st);
    struct reserve_commitment got;
    size_t index;
    ck_assert(reserve_commitment_find(&st, &got, &index, &tx));
    ck_assert_uint_eq(index, 1);
    ck_assert_int_eq(tx.vout[1].value, 0);
    reserve_commitment_add(&tx, &c);
    expect_find(&tx, "multiple");
    tx_clear(&tx);

    /* A tagged but malformed output counts: with a good one it is "multiple",
     * alone it is "malformed". */
    make_coinbase(&tx);
    uint8_t bad[60];
    memset(bad, 0, sizeof(bad));
    memcpy(bad, RESERVE_COMMITMENT_HEADER, 6);
    tx_add_output(&tx, 0, bad, sizeof(bad));
    expect_find(&tx, "malformed");
    reserve_commitment_add(&tx, &c);
    expect_find(&tx, "multiple");
    tx_clear(&tx);

    /* Other OP_RETURN outputs (the witness commitment) do not matter. */
    make_coinbase(&tx);
    static const uint8_t wc[38] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
    tx_add_output(&tx, 0, wc, sizeof(wc));
    reserve_commitment_add(&tx, &c);
    tx_add_output(&tx, 0, wc, sizeof(wc));
    expect_find(&tx, NULL);
    tx_clear(&tx);
}
END_TEST

START_TEST(test_check_off_by_one)
{
    struct reserve_commitment c, e;
    sample(&c);
    struct tx tx;
    make_coinbase(&tx);
    reserve_commitment_add(&tx, &c);
    struct val_state st;
    val_state_init(&st);
    ck_assert(reserve_commitment_check(&st, &tx, &c));

    static const struct {
        int field;
        int64_t delta;
        const char *debug;
    } cases[] = {
        { 0, 1, "root mismatch" },        { 1, 1, "collateral mismatch" }, { 1, -1, "collateral mismatch" },
        { 2, 1, "debt mismatch" },        { 2, -1, "debt mismatch" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        e = c;
        if (cases[i].field == 0)
            e.root.b[31] ^= 1;
        else if (cases[i].field == 1)
            e.collateral += (uint64_t)cases[i].delta;
        else
            e.debt += (uint64_t)cases[i].delta;
        val_state_init(&st);
        ck_assert(!reserve_commitment_check(&st, &tx, &e));
        ck_assert_str_eq(st.reject, RESERVE_REJECT_COMMITMENT);
        ck_assert_str_eq(st.debug, cases[i].debug);
    }
    tx_clear(&tx);
}
END_TEST

static Suite *reserve_commitment_suite(void)
{
    Suite *s = suite_create("reserve_commitment");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_script_bytes);
    tcase_add_test(tc, test_find_exactly_one);
    tcase_add_test(tc, test_check_off_by_one);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(reserve_commitment_suite)
