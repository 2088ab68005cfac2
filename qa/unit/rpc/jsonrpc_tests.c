/* Tests for src/rpc/jsonrpc.c (request handling as Core's httprpc.cpp) and
 * src/rpc/rpc_client.c (hashmint-cli's argument conversion). */
#include <string.h>

#include "qa/unit/unit.h"
#include "src/rpc/jsonrpc.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc_client.h"
#include "src/util/alloc.h"

static json_t *h_echo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return json_incref(params);
}

static json_t *h_fail(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return rpc_fail(err, RPC_INVALID_PARAMETER, "bad %s", "thing");
}

static json_t *h_null(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return json_null();
}

static const struct rpc_command cmds[] = {
    { "test", "echo", h_echo, { "a", "b|bee", "c", NULL }, "echo ( a b c )\n" },
    { "test", "fail", h_fail, { NULL }, "fail\n" },
    { "test", "nothing", h_null, { NULL }, "nothing\n" },
};

static struct rpc_table *table;
static struct rpc_context ctx;

static void setup(void)
{
    table = rpc_table_new();
    for (size_t i = 0; i < 3; i++)
        rpc_table_add(table, &cmds[i]);
    memset(&ctx, 0, sizeof(ctx));
    ctx.table = table;
}

static void teardown(void)
{
    rpc_table_free(table);
}

/* Runs body; checks status and the exact reply text (NULL for none). */
static void expect(const char *body, int status, const char *reply)
{
    char *out = NULL;
    int st = rpc_jsonrpc_process(table, &ctx, &out, body, strlen(body));
    ck_assert_msg(st == status, "%s: status %d, want %d (%s)", body, st, status, out ? out : "");
    if (reply) {
        ck_assert_ptr_nonnull(out);
        ck_assert_str_eq(out, reply);
    } else {
        ck_assert_ptr_null(out);
    }
    mem_free(out);
}

START_TEST(test_parse_errors)
{
    expect("{", 500, "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    expect("", 500, "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    expect("{\"method\":\"echo\"} x", 500,
           "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    expect("42", 500,
           "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Top-level object parse error\"},\"id\":null}\n");
    expect("\"s\"", 500,
           "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Top-level object parse error\"},\"id\":null}\n");
}
END_TEST

START_TEST(test_depth_limit)
{
    char deep[2 * 600 + 1];
    for (int i = 0; i < 600; i++) {
        deep[i] = '[';
        deep[600 + i] = ']';
    }
    deep[1200] = '\0';
    ck_assert_uint_eq(rpc_json_nesting_depth(deep, 1200), 600);
    expect(deep, 500, "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    ck_assert_uint_eq(rpc_json_nesting_depth("{\"a\":\"[[[\"}", 11), 1);
    ck_assert_uint_eq(rpc_json_nesting_depth("\"\\\"[\"", 5), 0);
}
END_TEST

START_TEST(test_v1_single)
{
    expect("{\"method\":\"echo\",\"params\":[1,\"x\"],\"id\":7}", 200,
           "{\"result\":[1,\"x\"],\"error\":null,\"id\":7}\n");
    /* absent params → [] ; null id kept */
    expect("{\"method\":\"echo\",\"id\":null}", 200, "{\"result\":[],\"error\":null,\"id\":null}\n");
    /* no id member in 1.0: still answered, without "id" */
    expect("{\"method\":\"nothing\"}", 200, "{\"result\":null,\"error\":null}\n");
    /* "jsonrpc":"1.0" is legacy */
    expect("{\"jsonrpc\":\"1.0\",\"method\":\"nothing\",\"id\":\"a\"}", 200,
           "{\"result\":null,\"error\":null,\"id\":\"a\"}\n");
    /* errors become HTTP errors */
    expect("{\"method\":\"fail\",\"id\":1}", 500,
           "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"bad thing\"},\"id\":1}\n");
    expect("{\"method\":\"nope\",\"id\":1}", 404,
           "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    expect("{\"method\":5,\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"Method must be a string\"},\"id\":1}\n");
    expect("{\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"Missing method\"},\"id\":1}\n");
    expect("{\"method\":\"echo\",\"params\":3,\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"Params must be an array or object\"},\"id\":1}\n");
    expect("{\"jsonrpc\":\"3.0\",\"method\":\"echo\",\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"JSON-RPC version not supported\"},\"id\":1}\n");
    expect("{\"jsonrpc\":2,\"method\":\"echo\",\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"jsonrpc field must be a string\"},\"id\":1}\n");
}
END_TEST

START_TEST(test_v2_single)
{
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"echo\",\"params\":[true],\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"result\":[true],\"id\":1}\n");
    /* 2.0 errors are HTTP 200 */
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"fail\",\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-8,\"message\":\"bad thing\"},\"id\":1}\n");
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    /* but a malformed request is still 400 */
    expect("{\"jsonrpc\":\"2.0\",\"id\":1}", 400,
           "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32600,\"message\":\"Missing method\"},\"id\":1}\n");
    /* notifications: run, no reply */
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"echo\"}", 204, NULL);
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"fail\"}", 204, NULL);
}
END_TEST

START_TEST(test_batch)
{
    expect("[]", 200, "[]\n");
    expect("[{\"method\":\"echo\",\"params\":[1],\"id\":1},{\"method\":\"fail\",\"id\":2},"
           "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":3}]",
           200,
           "[{\"result\":[1],\"error\":null,\"id\":1},"
           "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"bad thing\"},\"id\":2},"
           "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":3}]\n");
    /* a non-object element, first in the batch: id null, legacy */
    expect("[1]", 200, "[{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"Invalid Request object\"},\"id\":null}]\n");
    /* notifications are dropped; all-notification batch → 204 */
    expect("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\"},{\"jsonrpc\":\"2.0\",\"method\":\"nothing\",\"id\":5}]", 200,
           "[{\"jsonrpc\":\"2.0\",\"result\":null,\"id\":5}]\n");
    expect("[{\"jsonrpc\":\"2.0\",\"method\":\"echo\"},{\"jsonrpc\":\"2.0\",\"method\":\"fail\"}]", 204, NULL);
}
END_TEST

START_TEST(test_named)
{
    expect("{\"method\":\"echo\",\"params\":{\"c\":3,\"a\":1},\"id\":1}", 200,
           "{\"result\":[1,null,3],\"error\":null,\"id\":1}\n");
    /* alias; trailing holes are not filled */
    expect("{\"method\":\"echo\",\"params\":{\"bee\":2},\"id\":1}", 200,
           "{\"result\":[null,2],\"error\":null,\"id\":1}\n");
    expect("{\"method\":\"echo\",\"params\":{},\"id\":1}", 200, "{\"result\":[],\"error\":null,\"id\":1}\n");
    expect("{\"method\":\"echo\",\"params\":{\"a\":1,\"x\":2},\"id\":1}", 500,
           "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"Unknown named parameter x\"},\"id\":1}\n");
    /* "args" gives leading positional arguments */
    expect("{\"method\":\"echo\",\"params\":{\"args\":[1,2],\"c\":3},\"id\":1}", 200,
           "{\"result\":[1,2,3],\"error\":null,\"id\":1}\n");
    expect("{\"method\":\"echo\",\"params\":{\"args\":[1,2],\"a\":9},\"id\":1}", 500,
           "{\"result\":null,\"error\":{\"code\":-8,\"message\":\"Parameter a specified twice both as positional and "
           "named argument\"},\"id\":1}\n");
}
END_TEST

/* A name with an embedded NUL is not the name before the NUL. */
START_TEST(test_embedded_nul)
{
    expect("{\"method\":\"echo\\u0000x\",\"params\":[1],\"id\":1}", 404,
           "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    expect("{\"method\":\"echo\\u0000\",\"id\":1}", 404,
           "{\"result\":null,\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    expect("{\"jsonrpc\":\"2.0\",\"method\":\"echo\\u0000x\",\"id\":1}", 200,
           "{\"jsonrpc\":\"2.0\",\"error\":{\"code\":-32601,\"message\":\"Method not found\"},\"id\":1}\n");
    expect("{\"jsonrpc\":\"2.0\\u0000x\",\"method\":\"echo\",\"id\":1}", 400,
           "{\"result\":null,\"error\":{\"code\":-32600,\"message\":\"JSON-RPC version not supported\"},\"id\":1}\n");
    /* jansson refuses a NUL in an object key, so a named parameter cannot
     * carry one */
    expect("{\"method\":\"echo\",\"params\":{\"a\\u0000x\":1},\"id\":1}", 500,
           "{\"result\":null,\"error\":{\"code\":-32700,\"message\":\"Parse error\"},\"id\":null}\n");
    /* string values keep their NUL: the handler sees the whole string */
    expect("{\"method\":\"echo\",\"params\":[\"a\\u0000b\"],\"id\":1}", 200,
           "{\"result\":[\"a\\u0000b\"],\"error\":null,\"id\":1}\n");
}
END_TEST

START_TEST(test_warmup)
{
    rpc_table_set_warmup(table, "Loading block index…");
    expect("{\"method\":\"echo\",\"id\":1}", 500,
           "{\"result\":null,\"error\":{\"code\":-28,\"message\":\"Loading block index…\"},\"id\":1}\n");
    rpc_table_set_warmup(table, NULL);
    expect("{\"method\":\"echo\",\"id\":1}", 200, "{\"result\":[],\"error\":null,\"id\":1}\n");
}
END_TEST

/* ---- CLI conversion ---- */

static char *convert(bool named, const char *method, const char *const *args, size_t n)
{
    char err[256] = "";
    json_t *v = named ? rpc_client_convert_named(method, args, n, err, sizeof(err))
                      : rpc_client_convert_values(method, args, n, err, sizeof(err));
    if (!v)
        return mem_strdup(err);
    char *s = rpc_json_write(v, 0);
    json_decref(v);
    return s;
}

START_TEST(test_cli_convert)
{
    char *s;
    const char *a1[] = { "10", "bcrt1qaddress", "1000" };
    s = convert(false, "generatetoaddress", a1, 3);
    ck_assert_str_eq(s, "[10,\"bcrt1qaddress\",1000]");
    mem_free(s);
    const char *a2[] = { "00ab", "2" };
    s = convert(false, "getblock", a2, 2);
    ck_assert_str_eq(s, "[\"00ab\",2]");
    mem_free(s);
    const char *a3[] = { "[{\"txid\":\"aa\",\"vout\":0}]", "{\"data\":\"00\"}", "0", "true" };
    s = convert(false, "createrawtransaction", a3, 4);
    ck_assert_str_eq(s, "[[{\"txid\":\"aa\",\"vout\":0}],{\"data\":\"00\"},0,true]");
    mem_free(s);
    /* unknown methods: all strings */
    const char *a4[] = { "1", "true" };
    s = convert(false, "frobnicate", a4, 2);
    ck_assert_str_eq(s, "[\"1\",\"true\"]");
    mem_free(s);
    /* JSON that does not parse */
    const char *a5[] = { "abc" };
    s = convert(false, "getblockhash", a5, 1);
    ck_assert_str_eq(s, "Error parsing JSON: abc");
    mem_free(s);
    ck_assert(rpc_client_convert_index("logging", 1));
    ck_assert(!rpc_client_convert_index("logging", 2));
    ck_assert(rpc_client_convert_name("getrawtransaction", "verbose"));
    ck_assert(!rpc_client_convert_name("getrawtransaction", "txid"));
}
END_TEST

START_TEST(test_cli_named)
{
    char *s;
    const char *a1[] = { "blockhash=00ab", "verbosity=1", "verbosity=2" };
    s = convert(true, "getblock", a1, 3);
    ck_assert_str_eq(s, "{\"blockhash\":\"00ab\",\"verbosity\":2}");
    mem_free(s);
    /* positional ones go to "args", converted by position */
    const char *a2[] = { "5", "address", "maxtries=7" };
    s = convert(true, "generatetoaddress", a2, 3);
    ck_assert_str_eq(s, "{\"maxtries\":7,\"args\":[5,\"address\"]}");
    mem_free(s);
    /* a value containing '=' splits at the first one */
    const char *a3[] = { "message=a=b" };
    s = convert(true, "verifymessage", a3, 1);
    ck_assert_str_eq(s, "{\"message\":\"a=b\"}");
    mem_free(s);
    const char *a4[] = { "height=x" };
    s = convert(true, "getblockhash", a4, 1);
    ck_assert_str_eq(s, "Error parsing JSON: x");
    mem_free(s);
}
END_TEST

static Suite *jsonrpc_suite(void)
{
    Suite *s = suite_create("jsonrpc");
    TCase *tc = tcase_create("server");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, test_parse_errors);
    tcase_add_test(tc, test_depth_limit);
    tcase_add_test(tc, test_v1_single);
    tcase_add_test(tc, test_v2_single);
    tcase_add_test(tc, test_batch);
    tcase_add_test(tc, test_named);
    tcase_add_test(tc, test_embedded_nul);
    tcase_add_test(tc, test_warmup);
    suite_add_tcase(s, tc);
    TCase *tc2 = tcase_create("client");
    tcase_add_test(tc2, test_cli_convert);
    tcase_add_test(tc2, test_cli_named);
    suite_add_tcase(s, tc2);
    return s;
}

UNIT_MAIN(jsonrpc_suite)
