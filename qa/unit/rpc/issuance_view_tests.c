/* Tests for src/rpc/issuance_view.c: the "txid:vout" text of getvault and
 * getreserveproof, and the vault ratio listvaults shows and filters on,
 * checked against the rules' own comparison (issuance_ratio_at_least). */
#include <stdint.h>
#include <string.h>

#include "issuance/ratio.h"
#include "qa/unit/unit.h"
#include "src/rpc/issuance_view.h"

#define TXID "00000000000000000000000000000000000000000000000000000000000000ab"

START_TEST(test_outpoint_text)
{
    struct outpoint op;
    memset(&op, 0x55, sizeof(op));
    ck_assert(rpc_parse_outpoint_text(&op, TXID ":7"));
    ck_assert_uint_eq(op.n, 7);
    ck_assert_uint_eq(op.txid.b[0], 0xab); /* display order is byte-reversed */
    ck_assert_uint_eq(op.txid.b[31], 0x00);
    ck_assert(rpc_parse_outpoint_text(&op, TXID ":4294967295"));
    ck_assert_uint_eq(op.n, UINT32_MAX);
    ck_assert(rpc_parse_outpoint_text(&op, TXID ":007"));
    ck_assert_uint_eq(op.n, 7);
    const char *bad[] = {
        "",
        TXID,
        TXID ":",
        TXID ":4294967296",
        TXID ":99999999999999999999999",
        TXID ":-1",
        TXID ":+1",
        TXID ": 1",
        TXID ":1 ",
        TXID ":1x",
        TXID "0:1",
        "0" TXID ":1",
        "g0000000000000000000000000000000000000000000000000000000000000ab:1",
        TXID "-1",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct outpoint keep;
        memset(&keep, 0x11, sizeof(keep));
        ck_assert_msg(!rpc_parse_outpoint_text(&keep, bad[i]), "accepted '%s'", bad[i]);
        ck_assert_uint_eq(keep.n, 0x11111111); /* untouched */
    }
    ck_assert(!rpc_parse_outpoint_text(&op, NULL));
}
END_TEST

START_TEST(test_ratio)
{
    /* HUSD example of doc/issuance.md: 1.2 HMC at 100 HUSD/HMC owing 100 HUSD is exactly 120 %. */
    ck_assert_int_eq(rpc_vault_ratio_pct(120000000, 10000000000u, 10000000000u), 120);
    ck_assert_int_eq(rpc_vault_ratio_pct(120000000, 10000000000u, 10000000001u), 119);
    ck_assert_int_eq(rpc_vault_ratio_pct(150000000, 10000000000u, 10000000000u), 150);
    ck_assert_int_eq(rpc_vault_ratio_pct(149999999, 10000000000u, 10000000000u), 149);
    ck_assert_int_eq(rpc_vault_ratio_pct(5, 7, 0), -1);
    ck_assert_int_eq(rpc_vault_ratio_pct(0, 7, 1), 0);
    ck_assert_int_eq(rpc_vault_ratio_pct(UINT64_MAX, UINT64_MAX, 1), INT64_MAX);
    /* Agrees with the rules' comparison: ratio >= pct <=> issuance_ratio_at_least. */
    uint64_t seed = 88172645463325252u;
    for (int i = 0; i < 20000; i++) {
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        uint64_t coll = seed % 100000000000u;
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        uint64_t price = 1 + seed % 100000000000u;
        seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
        uint64_t debt = 1 + seed % (UINT64_C(1) << 53);
        int64_t r = rpc_vault_ratio_pct(coll, price, debt);
        ck_assert_int_ge(r, 0);
        if (r < INT32_MAX) {
            ck_assert(issuance_ratio_at_least(coll, price, debt, (uint32_t)r));
            ck_assert(!issuance_ratio_at_least(coll, price, debt, (uint32_t)r + 1));
        }
    }
}
END_TEST

START_TEST(test_audit_compare)
{
    json_t *m = json_array();
    struct rpc_audit_sums s = { 500, 500, 500, 9000, 2, false, 0, 0, 0 };
    ck_assert(rpc_audit_compare(m, "HUSD", &s));
    ck_assert_uint_eq(json_array_size(m), 0);
    /* One base unit off on either sum, each reported. */
    s.token_sum = 499;
    s.debt_sum = 501;
    ck_assert(!rpc_audit_compare(m, "HUSD", &s));
    ck_assert_uint_eq(json_array_size(m), 2);
    ck_assert_str_eq(json_string_value(json_array_get(m, 0)), "HUSD: token sum 499 != supply 500");
    ck_assert_str_eq(json_string_value(json_array_get(m, 1)), "HUSD: debt sum 501 != supply 500");
    json_array_clear(m);
    /* The tree: compared only when present, every field. */
    s.token_sum = s.debt_sum = 500;
    s.has_tree = true;
    s.tree_debt = 500;
    s.tree_collateral = 9000;
    s.tree_count = 2;
    ck_assert(rpc_audit_compare(m, "HUSD", &s));
    s.tree_collateral = 8999;
    s.tree_count = 3;
    s.tree_debt = 0;
    ck_assert(!rpc_audit_compare(m, "HUSD", &s));
    ck_assert_uint_eq(json_array_size(m), 3);
    ck_assert_str_eq(json_string_value(json_array_get(m, 1)), "HUSD: tree collateral 8999 != collateral sum 9000");
    json_decref(m);
}
END_TEST

static Suite *issuance_view_suite(void)
{
    Suite *s = suite_create("issuance_view");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_outpoint_text);
    tcase_add_test(tc, test_ratio);
    tcase_add_test(tc, test_audit_compare);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(issuance_view_suite)
