#include "src/rpc/json_write.h"

#include <string.h>

#include "consensus/amount.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"

static void expect_json(json_t *v, unsigned indent, const char *want)
{
    char *s = rpc_json_write(v, indent);
    ck_assert_str_eq(s, want);
    mem_free(s);
    json_decref(v);
}

START_TEST(amounts_have_eight_decimals)
{
    static const struct {
        int64_t value;
        const char *text;
    } cases[] = {
        { 0, "0.00000000" },
        { 1, "0.00000001" },
        { 10000000, "0.10000000" },
        { 123456789, "1.23456789" },
        { 50 * COIN, "50.00000000" },
        { MAX_MONEY, "21000000.00000000" },
        { MAX_MONEY - 1, "20999999.99999999" },
        { -10000000, "-0.10000000" },
        { 2099999997690000, "20999999.97690000" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        expect_json(rpc_json_amount(cases[i].value), 0, cases[i].text);
}
END_TEST

START_TEST(every_amount_exact)
{
    /* Every amount near the top of the range, and a spread below it. */
    char want[32];
    for (int64_t v = MAX_MONEY - 5000; v <= MAX_MONEY; v++) {
        snprintf(want, sizeof(want), "%lld.%08lld", (long long)(v / COIN), (long long)(v % COIN));
        expect_json(rpc_json_amount(v), 0, want);
    }
    for (int64_t v = 1; v < MAX_MONEY; v = v * 3 + 7) {
        snprintf(want, sizeof(want), "%lld.%08lld", (long long)(v / COIN), (long long)(v % COIN));
        expect_json(rpc_json_amount(v), 0, want);
    }
}
END_TEST

START_TEST(doubles_like_univalue)
{
    expect_json(rpc_json_double(1.0), 0, "1");
    expect_json(rpc_json_double(244112.4877743364), 0, "244112.4877743364");
    expect_json(rpc_json_double(1.182899534312841), 0, "1.182899534312841");
    expect_json(rpc_json_double(83148355189239.77), 0, "83148355189239.77");
}
END_TEST

START_TEST(compact_and_order)
{
    json_t *o = json_object();
    json_object_set_new(o, "zeta", json_integer(-5));
    json_object_set_new(o, "alpha", json_string("a\"b\\c\n\x01\x7f"));
    json_object_set_new(o, "list", json_pack("[bbn]", 1, 0));
    json_object_set_new(o, "empty", json_array());
    json_object_set_new(o, "obj", json_object());
    expect_json(o, 0,
                "{\"zeta\":-5,\"alpha\":\"a\\\"b\\\\c\\n\\u0001\\u007f\",\"list\":[true,false,null],\"empty\":[],"
                "\"obj\":{}}");
}
END_TEST

START_TEST(pretty_like_univalue)
{
    json_t *o = json_object();
    json_object_set_new(o, "a", json_integer(1));
    json_object_set_new(o, "b", json_pack("[i{si}]", 2, "c", 3));
    json_object_set_new(o, "e", json_array());
    expect_json(o, 2,
                "{\n"
                "  \"a\": 1,\n"
                "  \"b\": [\n"
                "    2,\n"
                "    {\n"
                "      \"c\": 3\n"
                "    }\n"
                "  ],\n"
                "  \"e\": [\n"
                "  ]\n"
                "}");
    expect_json(NULL, 2, "null");
}
END_TEST

static Suite *json_write_suite(void)
{
    Suite *s = suite_create("json_write");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, amounts_have_eight_decimals);
    tcase_add_test(tc, every_amount_exact);
    tcase_add_test(tc, doubles_like_univalue);
    tcase_add_test(tc, compact_and_order);
    tcase_add_test(tc, pretty_like_univalue);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(json_write_suite)
