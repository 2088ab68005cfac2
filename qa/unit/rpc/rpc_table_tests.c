/* Tests for src/rpc/rpc_table.c, the control RPCs (rpc_control.c) and the
 * REST helpers (rest.c). */
#include <pthread.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "qa/unit/unit.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rest.h"
#include "src/rpc/rpc.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

static json_t *h_dummy(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    return json_string("dummy");
}

static const struct rpc_command c_b = { "blockchain", "getblockcount", h_dummy, { NULL },
                                        "getblockcount\n\nReturns the height.\n" };
static const struct rpc_command c_a = { "blockchain", "getbestblockhash", h_dummy, { NULL },
                                        "getbestblockhash\n\nReturns the hash.\n" };
static const struct rpc_command c_r = { "rawtransactions", "decodescript", h_dummy, { "hexstring", NULL },
                                        "decodescript \"hexstring\"\n\nDecodes.\n" };
static const struct rpc_command c_h = { "hidden", "echo", h_dummy, { NULL }, "echo\n" };

struct collect {
    char names[512];
};

static void collect_fn(const struct rpc_command *cmd, void *arg)
{
    struct collect *c = arg;
    strcat(c->names, cmd->name);
    strcat(c->names, ",");
}

START_TEST(test_order_and_find)
{
    struct rpc_table *t = rpc_table_new();
    rpc_table_add(t, &c_r);
    rpc_table_add(t, &c_b);
    rpc_register_control(t);
    rpc_table_add(t, &c_a);
    struct collect c = { "" };
    rpc_table_each(t, collect_fn, &c);
    ck_assert_str_eq(c.names, "getbestblockhash,getblockcount,getrpcinfo,help,logging,stop,uptime,setmocktime,decodescript,");
    ck_assert_ptr_eq(rpc_table_find(t, "getblockcount"), &c_b);
    ck_assert_ptr_null(rpc_table_find(t, "getblock"));
    /* registering a name again replaces it */
    rpc_table_add(t, &c_b);
    c.names[0] = '\0';
    rpc_table_each(t, collect_fn, &c);
    ck_assert_str_eq(c.names, "getbestblockhash,getblockcount,getrpcinfo,help,logging,stop,uptime,setmocktime,decodescript,");
    rpc_table_free(t);
    rpc_table_free(NULL);
}
END_TEST

START_TEST(test_fail_long_text)
{
    struct rpc_error err;
    char big[1000];
    memset(big, 'x', sizeof(big) - 1);
    big[sizeof(big) - 1] = '\0';
    ck_assert_ptr_null(rpc_fail(&err, RPC_MISC_ERROR, "%s", big));
    ck_assert_int_eq(err.code, RPC_MISC_ERROR);
    ck_assert_uint_eq(strlen(err.message), sizeof(err.message) - 1);
    ck_assert_uint_eq(strlen(rpc_error_text(&err)), 999);
    /* a short one replaces the stash */
    rpc_fail(&err, RPC_INVALID_PARAMETER, "short %d", 5);
    ck_assert_str_eq(rpc_error_text(&err), "short 5");
    /* a different error object never sees another's stash */
    struct rpc_error other = { 0, "mine" };
    rpc_fail(&err, RPC_MISC_ERROR, "%s", big);
    ck_assert_str_eq(rpc_error_text(&other), "mine");
}
END_TEST

/* ---- control RPCs ---- */

static int shutdown_calls;
static void on_shutdown(void *node)
{
    ck_assert_ptr_eq(node, &shutdown_calls);
    shutdown_calls++;
}

static json_t *call(struct rpc_table *t, struct rpc_context *ctx, const char *method, const char *params_json,
                    struct rpc_error *err)
{
    json_t *p = params_json ? json_loads(params_json, 0, NULL) : NULL;
    json_t *r = rpc_table_execute(t, ctx, method, p, err);
    json_decref(p);
    return r;
}

START_TEST(test_help)
{
    struct rpc_table *t = rpc_table_new();
    rpc_register_control(t);
    rpc_table_add(t, &c_b);
    rpc_table_add(t, &c_a);
    rpc_table_add(t, &c_r);
    rpc_table_add(t, &c_h);
    struct rpc_context ctx = { .table = t };
    struct rpc_error err;
    json_t *r = call(t, &ctx, "help", NULL, &err);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(json_string_value(r), "== Blockchain ==\n"
                                           "getbestblockhash\n"
                                           "getblockcount\n"
                                           "\n"
                                           "== Control ==\n"
                                           "getrpcinfo\n"
                                           "help ( \"command\" )\n"
                                           "logging ( [\"include_category\",...] [\"exclude_category\",...] )\n"
                                           "stop\n"
                                           "uptime\n"
                                           "\n"
                                           "== Rawtransactions ==\n"
                                           "decodescript \"hexstring\"");
    json_decref(r);
    r = call(t, &ctx, "help", "[\"getblockcount\"]", &err);
    ck_assert_str_eq(json_string_value(r), "getblockcount\n\nReturns the height.\n");
    json_decref(r);
    r = call(t, &ctx, "help", "[\"nosuch\"]", &err);
    ck_assert_str_eq(json_string_value(r), "help: unknown command: nosuch\n");
    json_decref(r);
    /* named */
    r = call(t, &ctx, "help", "{\"command\":\"echo\"}", &err);
    ck_assert_str_eq(json_string_value(r), "echo\n");
    json_decref(r);
    /* wrong type, too many */
    ck_assert_ptr_null(call(t, &ctx, "help", "[5]", &err));
    ck_assert_int_eq(err.code, RPC_TYPE_ERROR);
    ck_assert_str_eq(err.message, "Wrong type passed:\n{\n    \"Position 1 (command)\": \"JSON value of type number is "
                                  "not of expected type string\"\n}");
    ck_assert_ptr_null(call(t, &ctx, "help", "[\"a\",\"b\"]", &err));
    ck_assert_int_eq(err.code, RPC_MISC_ERROR);
    ck_assert(!strncmp(rpc_error_text(&err), "help ( \"command\" )\n", 19));
    rpc_table_free(t);
}
END_TEST

START_TEST(test_stop_uptime_rpcinfo)
{
    struct rpc_table *t = rpc_table_new();
    rpc_register_control(t);
    struct rpc_context ctx = { .table = t, .node = &shutdown_calls, .request_shutdown = on_shutdown,
                               .start_time = (int64_t)time(NULL) - 42, .log_path = "/tmp/x/debug.log" };
    struct rpc_error err;
    shutdown_calls = 0;
    json_t *r = call(t, &ctx, "stop", NULL, &err);
    ck_assert_str_eq(json_string_value(r), "hashmint stopping");
    ck_assert_int_eq(shutdown_calls, 1);
    json_decref(r);
    r = call(t, &ctx, "uptime", NULL, &err);
    ck_assert(json_integer_value(r) >= 42 && json_integer_value(r) < 100);
    json_decref(r);
    ck_assert_ptr_null(call(t, &ctx, "uptime", "[1]", &err));
    ck_assert_int_eq(err.code, RPC_MISC_ERROR);
    r = call(t, &ctx, "getrpcinfo", NULL, &err);
    char *s = rpc_json_write(r, 0);
    /* getrpcinfo itself is running while it answers */
    ck_assert_msg(!strncmp(s, "{\"active_commands\":[{\"method\":\"getrpcinfo\",\"duration\":", 53), "%s", s);
    ck_assert(strstr(s, "\"logpath\":\"/tmp/x/debug.log\"}") != NULL);
    mem_free(s);
    json_decref(r);
    /* nothing left running afterwards */
    r = rpc_table_active_commands(t);
    ck_assert_uint_eq(json_array_size(r), 0);
    json_decref(r);
    rpc_table_free(t);
}
END_TEST

START_TEST(test_logging)
{
    struct rpc_table *t = rpc_table_new();
    rpc_register_control(t);
    struct rpc_context ctx = { .table = t };
    struct rpc_error err;
    (void)log_disable_category("all");
    json_t *r = call(t, &ctx, "logging", "[[\"net\",\"rpc\"],[\"rpc\"]]", &err);
    ck_assert_ptr_nonnull(r);
    char *s = rpc_json_write(r, 0);
    ck_assert_str_eq(s, "{\"bench\":false,\"db\":false,\"http\":false,\"issuance\":false,\"mempool\":false,"
                        "\"miner\":false,\"net\":true,\"reindex\":false,\"rpc\":false,\"validation\":false,"
                        "\"wallet\":false,\"zmq\":false}");
    mem_free(s);
    json_decref(r);
    ck_assert(log_category_enabled(LOG_NET));
    ck_assert(!log_category_enabled(LOG_RPC));
    /* unknown category: error, nothing changes */
    ck_assert_ptr_null(call(t, &ctx, "logging", "[[\"db\",\"bogus\"]]", &err));
    ck_assert_int_eq(err.code, RPC_INVALID_PARAMETER);
    ck_assert_str_eq(err.message, "unknown logging category bogus");
    ck_assert(!log_category_enabled(LOG_DB));
    ck_assert_ptr_null(call(t, &ctx, "logging", "[\"net\"]", &err));
    ck_assert_int_eq(err.code, RPC_TYPE_ERROR);
    r = call(t, &ctx, "logging", "[[\"all\"]]", &err);
    ck_assert(json_is_true(json_object_get(r, "zmq")));
    json_decref(r);
    (void)log_disable_category("all");
    rpc_table_free(t);
}
END_TEST

/* active_commands from another thread while a call runs */
static pthread_mutex_t gate_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cond = PTHREAD_COND_INITIALIZER;
static int gate_state; /* 0 waiting, 1 entered, 2 released */

static json_t *h_block(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    pthread_mutex_lock(&gate_lock);
    gate_state = 1;
    pthread_cond_broadcast(&gate_cond);
    while (gate_state != 2)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    return json_null();
}

static const struct rpc_command c_block = { "test", "block", h_block, { NULL }, "block\n" };

struct exec_arg {
    struct rpc_table *t;
    struct rpc_context *ctx;
};

static void *exec_thread(void *p)
{
    struct exec_arg *a = p;
    struct rpc_error err;
    json_decref(rpc_table_execute(a->t, a->ctx, "block", NULL, &err));
    return NULL;
}

START_TEST(test_active_commands)
{
    struct rpc_table *t = rpc_table_new();
    rpc_table_add(t, &c_block);
    struct rpc_context ctx = { .table = t };
    struct exec_arg a = { t, &ctx };
    gate_state = 0;
    pthread_t th;
    pthread_create(&th, NULL, exec_thread, &a);
    pthread_mutex_lock(&gate_lock);
    while (gate_state != 1)
        pthread_cond_wait(&gate_cond, &gate_lock);
    pthread_mutex_unlock(&gate_lock);
    usleep(2000);
    json_t *r = rpc_table_active_commands(t);
    ck_assert_uint_eq(json_array_size(r), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "method")), "block");
    ck_assert(json_integer_value(json_object_get(json_array_get(r, 0), "duration")) >= 1000);
    json_decref(r);
    pthread_mutex_lock(&gate_lock);
    gate_state = 2;
    pthread_cond_broadcast(&gate_cond);
    pthread_mutex_unlock(&gate_lock);
    pthread_join(th, NULL);
    r = rpc_table_active_commands(t);
    ck_assert_uint_eq(json_array_size(r), 0);
    json_decref(r);
    rpc_table_free(t);
}
END_TEST

/* ---- REST helpers ---- */

static void rest_a(struct rpc_context *ctx, struct rest_reply *r, const char *path, const char *query) {}
static void rest_b(struct rpc_context *ctx, struct rest_reply *r, const char *path, const char *query) {}
static const struct rest_route route_block = { "/rest/block/", rest_a };
static const struct rest_route route_notx = { "/rest/block/notxdetails/", rest_b };

START_TEST(test_rest_routes)
{
    struct rpc_table *t = rpc_table_new();
    rpc_table_add_rest(t, &route_notx);
    rpc_table_add_rest(t, &route_block);
    ck_assert_ptr_eq(rpc_table_find_rest(t, "/rest/block/abc.json"), &route_block);
    ck_assert_ptr_eq(rpc_table_find_rest(t, "/rest/block/notxdetails/abc.json"), &route_notx);
    ck_assert_ptr_null(rpc_table_find_rest(t, "/rest/tx/abc.json"));
    ck_assert_ptr_null(rpc_table_find_rest(t, "/rest/bloc"));
    rpc_table_free(t);
}
END_TEST

START_TEST(test_rest_format)
{
    char p[80];
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "00ab.json"), REST_FORMAT_JSON);
    ck_assert_str_eq(p, "00ab");
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "00ab.bin"), REST_FORMAT_BIN);
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "00ab.hex?count=5"), REST_FORMAT_HEX);
    ck_assert_str_eq(p, "00ab");
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "00ab.xml"), REST_FORMAT_UNDEF);
    ck_assert_str_eq(p, "00ab");
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "00ab"), REST_FORMAT_UNDEF);
    ck_assert_str_eq(p, "00ab");
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "5/00ab.json"), REST_FORMAT_JSON);
    ck_assert_str_eq(p, "5/00ab");
    ck_assert_int_eq(rest_parse_format(p, sizeof(p), "a.b.json"), REST_FORMAT_JSON);
    ck_assert_str_eq(p, "a.b");
    ck_assert_int_eq(rest_parse_format(p, 3, "abcdef.json"), REST_FORMAT_JSON);
    ck_assert_str_eq(p, "ab");
    ck_assert_str_eq(rest_available_formats(), ".bin, .hex, .json");

    char v[16];
    ck_assert(rest_query_get(v, sizeof(v), "count=5&x=a%20b", "count"));
    ck_assert_str_eq(v, "5");
    ck_assert(rest_query_get(v, sizeof(v), "count=5&x=a%20b+c", "x"));
    ck_assert_str_eq(v, "a b c");
    ck_assert(!rest_query_get(v, sizeof(v), "count=5", "cou"));
    ck_assert(!rest_query_get(v, sizeof(v), NULL, "count"));
    ck_assert(!rest_query_get(v, 3, "count=12345", "count"));
}
END_TEST

START_TEST(test_rest_replies)
{
    struct rest_reply r = { .status = 200, .content_type = "text/plain" };
    wbuf_init(&r.body);
    rest_reply_error(&r, 400, "Invalid hash: %s", "zz");
    ck_assert_int_eq(r.status, 400);
    ck_assert_uint_eq(r.body.len, strlen("Invalid hash: zz\r\n"));
    ck_assert_int_eq(memcmp(r.body.data, "Invalid hash: zz\r\n", r.body.len), 0);
    static const uint8_t bytes[] = { 0x00, 0xab, 0xff };
    rest_reply_data(&r, REST_FORMAT_HEX, bytes, 3);
    ck_assert_int_eq(r.status, 200);
    ck_assert_str_eq(r.content_type, "text/plain");
    ck_assert_int_eq(memcmp(r.body.data, "00abff\n", 7), 0);
    ck_assert_uint_eq(r.body.len, 7);
    rest_reply_data(&r, REST_FORMAT_BIN, bytes, 3);
    ck_assert_str_eq(r.content_type, "application/octet-stream");
    ck_assert_uint_eq(r.body.len, 3);
    rest_reply_json(&r, json_pack("{s:i,s:f}", "blocks", 5, "fee", 0.0001));
    ck_assert_str_eq(r.content_type, "application/json");
    ck_assert_int_eq(memcmp(r.body.data, "{\"blocks\":5,\"fee\":0.00010000}\n", r.body.len), 0);
    wbuf_clear(&r.body);
}
END_TEST

static Suite *rpc_table_suite(void)
{
    Suite *s = suite_create("rpc_table");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_order_and_find);
    tcase_add_test(tc, test_fail_long_text);
    tcase_add_test(tc, test_help);
    tcase_add_test(tc, test_stop_uptime_rpcinfo);
    tcase_add_test(tc, test_logging);
    tcase_add_test(tc, test_active_commands);
    tcase_add_test(tc, test_rest_routes);
    tcase_add_test(tc, test_rest_format);
    tcase_add_test(tc, test_rest_replies);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_table_suite)
