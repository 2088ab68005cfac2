/* Tests for src/rpc/rpc_wallet_token.c: the token amount argument of
 * sendtoken and vaultrepay (whole base units, 1 .. 2^53, Core's -3 texts). */
#include <stdint.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/rpc/rpc_wallet_token.h"
#include "src/rpc/rpc.h"

/* rpc_parse_token_amount on the JSON text; want 0: refused with message. */
static void expect(const char *text, uint64_t want, const char *message)
{
    json_error_t je;
    json_t *v = json_loads(text, JSON_DECODE_ANY, &je);
    ck_assert_msg(v != NULL, "%s: %s", text, je.text);
    struct rpc_error err = { 0, "" };
    uint64_t out = 777;
    bool ok = rpc_parse_token_amount(&err, &out, v);
    ck_assert_msg(ok == (want != 0), "%s: %d (%s)", text, ok, err.message);
    ck_assert_uint_eq(out, want);
    if (!ok) {
        ck_assert_int_eq(err.code, RPC_TYPE_ERROR);
        ck_assert_msg(strstr(err.message, message) != NULL, "%s: '%s' lacks '%s'", text, err.message, message);
    }
    json_decref(v);
}

START_TEST(test_token_amounts)
{
    expect("1", 1, NULL);
    expect("30000000000", 30000000000ull, NULL);
    expect("9007199254740992", UINT64_C(1) << 53, NULL);
    expect("\"12\"", 12, NULL);
    expect("5.0", 5, NULL);
    expect("9007199254740993", 0, "Amount out of range");
    expect("\"9007199254740993\"", 0, "Amount out of range");
    expect("-1", 0, "Amount out of range");
    expect("\"-5\"", 0, "Amount out of range");
    expect("1e30", 0, "Amount out of range");
    expect("0", 0, "Invalid amount for send");
    expect("\"0\"", 0, "Invalid amount for send");
    expect("1.5", 0, "Invalid amount");
    expect("\"1.5\"", 0, "Invalid amount");
    expect("\"12x\"", 0, "Invalid amount");
    expect("\"\"", 0, "Invalid amount");
    expect("\"+3\"", 0, "Invalid amount");
    expect("\"1234567890123456789012\"", 0, "Invalid amount");
    expect("true", 0, "Amount is not a number or string");
    expect("null", 0, "Amount is not a number or string");
    expect("[1]", 0, "Amount is not a number or string");
}
END_TEST

static Suite *rpc_wallet_token_suite(void)
{
    Suite *s = suite_create("rpc_wallet_token");
    TCase *tc = tcase_create("amounts");
    tcase_add_test(tc, test_token_amounts);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_wallet_token_suite)
