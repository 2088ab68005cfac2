/* Tests for src/rpc/rpc_args.c: the checked integer conversion every
 * integer parameter goes through, and the refusal of strings with an
 * embedded NUL byte. */
#include <stdint.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/rpc/rpc_args.h"

static json_t *parse(const char *text)
{
    json_error_t e;
    json_t *v = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
    ck_assert_msg(v != NULL, "%s: %s", text, e.text);
    return v;
}

/* rpc_json_int on the JSON text; checks the outcome. */
static void expect_int(const char *text, int64_t min, int64_t max, bool ok, int64_t want, int code)
{
    json_t *v = parse(text);
    struct rpc_error err = { 0, "" };
    int64_t out = 12345;
    bool got = rpc_json_int(&err, &out, v, min, max);
    ck_assert_msg(got == ok, "%s in [%lld, %lld]: %d, want %d (%s)", text, (long long)min, (long long)max, got, ok,
                  err.message);
    if (ok) {
        ck_assert_int_eq(out, want);
    } else {
        ck_assert_int_eq(out, 0);
        ck_assert_int_eq(err.code, code);
        if (code == RPC_MISC_ERROR)
            ck_assert_str_eq(err.message, "JSON integer out of range");
    }
    json_decref(v);
}

START_TEST(test_json_int)
{
    expect_int("0", RPC_INT32, true, 0, 0);
    expect_int("2147483647", RPC_INT32, true, INT32_MAX, 0);
    expect_int("-2147483648", RPC_INT32, true, INT32_MIN, 0);
    /* the old casts: 2^32 read as 0, 1.5 as 1 */
    expect_int("4294967296", RPC_INT32, false, 0, RPC_MISC_ERROR);
    expect_int("2147483648", RPC_INT32, false, 0, RPC_MISC_ERROR);
    expect_int("-2147483649", RPC_INT32, false, 0, RPC_MISC_ERROR);
    expect_int("1.5", RPC_INT32, false, 0, RPC_MISC_ERROR);
    /* Core reads the number's text: "5.0" and "1e3" are not integers */
    expect_int("5.0", RPC_INT64, false, 0, RPC_MISC_ERROR);
    expect_int("1e3", RPC_INT64, false, 0, RPC_MISC_ERROR);
    expect_int("1e300", RPC_INT64, false, 0, RPC_MISC_ERROR);
    expect_int("-1", RPC_UINT32, false, 0, RPC_MISC_ERROR);
    expect_int("4294967295", RPC_UINT32, true, UINT32_MAX, 0);
    expect_int("4294967296", RPC_UINT32, false, 0, RPC_MISC_ERROR);
    expect_int("9223372036854775807", RPC_INT64, true, INT64_MAX, 0);
    expect_int("-9223372036854775808", RPC_INT64, true, INT64_MIN, 0);
    expect_int("-1", RPC_UINT64, false, 0, RPC_MISC_ERROR);
    /* not a number: a type error */
    expect_int("\"1\"", RPC_INT64, false, 0, RPC_TYPE_ERROR);
    expect_int("true", RPC_INT64, false, 0, RPC_TYPE_ERROR);
    expect_int("null", RPC_INT64, false, 0, RPC_TYPE_ERROR);
}
END_TEST

START_TEST(test_arg_int)
{
    json_t *params = parse("[7, null, 4294967296]");
    struct rpc_error err = { 0, "" };
    int64_t out;
    ck_assert(rpc_arg_int(&err, &out, params, 0, -1, RPC_INT32));
    ck_assert_int_eq(out, 7);
    ck_assert(rpc_arg_int(&err, &out, params, 1, -1, RPC_INT32)); /* null: the default */
    ck_assert_int_eq(out, -1);
    ck_assert(rpc_arg_int(&err, &out, params, 3, 9, RPC_INT32)); /* absent: the default */
    ck_assert_int_eq(out, 9);
    ck_assert(!rpc_arg_int(&err, &out, params, 2, 0, RPC_INT32));
    ck_assert_str_eq(err.message, "JSON integer out of range");
    ck_assert(rpc_arg_int(&err, &out, params, 2, 0, RPC_INT64));
    ck_assert_int_eq(out, 4294967296LL);
    json_decref(params);
}
END_TEST

START_TEST(test_nul_strings)
{
    json_t *v = parse("[\"stop\\u0000x\", \"stop\", 5, \"\\u0000\"]");
    ck_assert_ptr_null(rpc_json_cstr(json_array_get(v, 0)));
    ck_assert_str_eq(rpc_json_cstr(json_array_get(v, 1)), "stop");
    ck_assert_ptr_null(rpc_json_cstr(json_array_get(v, 2)));
    ck_assert(rpc_json_has_nul(json_array_get(v, 0)));
    ck_assert(!rpc_json_has_nul(json_array_get(v, 1)));
    ck_assert(!rpc_json_has_nul(json_array_get(v, 2)));
    ck_assert(rpc_json_has_nul(json_array_get(v, 3)));
    char buf[16];
    ck_assert_str_eq(rpc_json_str_show(buf, sizeof(buf), json_array_get(v, 0)), "stop\\0x");
    ck_assert_str_eq(rpc_json_str_show(buf, 6, json_array_get(v, 0)), "stop"); /* never half an escape */
    ck_assert_str_eq(rpc_json_str_show(buf, 7, json_array_get(v, 0)), "stop\\0");
    ck_assert_str_eq(rpc_json_str_show(buf, sizeof(buf), json_array_get(v, 2)), "");
    json_decref(v);
}
END_TEST

START_TEST(test_args_check_nul)
{
    static const struct rpc_arg args[] = {
        { "name|alias", RPC_ARG_STR, false },
        { "message", RPC_ARG_TEXT, true },
    };
    struct rpc_error err = { 0, "" };
    json_t *p = parse("[\"ok\", \"a\\u0000b\"]");
    ck_assert(rpc_args_check(&err, p, args, 2, "help"));
    json_decref(p);
    p = parse("[\"a\\u0000b\"]");
    ck_assert(!rpc_args_check(&err, p, args, 2, "help"));
    ck_assert_int_eq(err.code, RPC_INVALID_PARAMETER);
    ck_assert_str_eq(err.message, "Invalid parameter, name contains a NUL byte");
    json_decref(p);
    /* a type error is reported first, as Core's RPCHelpMan does */
    p = parse("[\"a\\u0000b\", 5]");
    ck_assert(!rpc_args_check(&err, p, args, 2, "help"));
    ck_assert_int_eq(err.code, RPC_TYPE_ERROR);
    json_decref(p);
}
END_TEST

START_TEST(test_parsers_see_whole_string)
{
    struct rpc_error err = { 0, "" };
    struct hash256 h;
    char text[80];
    /* 63 hex digits and a NUL: as long as a hash, not a hash */
    snprintf(text, sizeof(text), "\"%.63s\\u0000\"", "00000000000000000000000000000000000000000000000000000000000000000");
    json_t *v = parse(text);
    ck_assert(!rpc_parse_hash(&err, &h, v, "txid"));
    ck_assert_int_eq(err.code, RPC_INVALID_PARAMETER);
    ck_assert_msg(strstr(err.message, "txid must be hexadecimal string (not '") != NULL, "%s", err.message);
    ck_assert_msg(strstr(err.message, "\\0')") != NULL, "%s", err.message);
    json_decref(v);
    v = parse("\"0011\\u000022\"");
    size_t len = 99;
    ck_assert_ptr_null(rpc_parse_hex(&err, &len, v, "Data"));
    ck_assert_uint_eq(len, 0);
    ck_assert_str_eq(err.message,
                     "Data must be hexadecimal string (not '0011\\022') and length of it must be divisible by 2");
    json_decref(v);
    int64_t amount;
    v = parse("\"1\\u00005\"");
    ck_assert(!rpc_parse_amount(&err, &amount, v));
    ck_assert_str_eq(err.message, "Invalid amount");
    json_decref(v);
}
END_TEST

static Suite *rpc_args_suite(void)
{
    Suite *s = suite_create("rpc_args");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_json_int);
    tcase_add_test(tc, test_arg_int);
    tcase_add_test(tc, test_nul_strings);
    tcase_add_test(tc, test_args_check_nul);
    tcase_add_test(tc, test_parsers_see_whole_string);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_args_suite)
