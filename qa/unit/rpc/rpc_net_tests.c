/* Network RPCs over a real (not started) connection manager and address
 * layer: result shapes and Core's error codes. */
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "net/addrman.h"
#include "net/addrrelay.h"
#include "net/connman.h"
#include "qa/unit/unit.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_net.h"
#include "src/util/alloc.h"

static struct event_base *g_base;
static struct connman *g_cm;
static struct addrrelay *g_ar;
static struct rpc_net g_net;
static struct rpc_table *g_t;
static struct rpc_context g_ctx;
static char g_dir[64];

static void setup(void)
{
    g_base = event_base_new();
    struct connman_options o;
    connman_options_default(&o);
    o.listen = false;
    o.port = 18444;
    static const uint8_t magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
    struct connman_callbacks cb;
    memset(&cb, 0, sizeof(cb));
    const char *err = NULL;
    g_cm = connman_new(g_base, &o, magic, &cb, &err);
    ck_assert_ptr_nonnull(g_cm);
    snprintf(g_dir, sizeof(g_dir), "/tmp/hm-rpcnet-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(g_dir));
    struct addrrelay_options ao = { .datadir = g_dir, .allow_local = true, .listen_port = 0, .network = 0 };
    g_ar = addrrelay_new(g_cm, &ao, NULL, NULL);
    g_net = (struct rpc_net){ .cm = g_cm, .addrs = g_ar, .client_version = 10000, .subversion = "/hashmint:0.1.0/" };
    g_t = rpc_table_new();
    rpc_register_net(g_t);
    memset(&g_ctx, 0, sizeof(g_ctx));
    g_ctx.net = &g_net;
}

static void teardown(void)
{
    rpc_table_free(g_t);
    addrrelay_free(g_ar);
    connman_free(g_cm);
    event_base_free(g_base);
    char p[128];
    snprintf(p, sizeof(p), "%s/peers.dat", g_dir);
    unlink(p);
    snprintf(p, sizeof(p), "%s/banlist.dat", g_dir);
    unlink(p);
    rmdir(g_dir);
    rpc_error_thread_clear();
}

/* Runs method with params given as JSON text; returns the result or NULL with *code. */
static json_t *call(const char *method, const char *params, int *code)
{
    json_error_t je;
    json_t *p = json_loads(params, 0, &je);
    ck_assert_ptr_nonnull(p);
    struct rpc_error err = { 0, "" };
    json_t *r = rpc_table_execute(g_t, &g_ctx, method, p, &err);
    json_decref(p);
    *code = r ? 0 : err.code;
    return r;
}

START_TEST(counts_and_totals)
{
    int code;
    json_t *r = call("getconnectioncount", "[]", &code);
    ck_assert(json_is_integer(r) && json_integer_value(r) == 0);
    json_decref(r);
    r = call("getpeerinfo", "[]", &code);
    ck_assert(json_is_array(r) && json_array_size(r) == 0);
    json_decref(r);
    r = call("getnettotals", "[]", &code);
    ck_assert(json_is_integer(json_object_get(r, "totalbytesrecv")));
    ck_assert(json_is_object(json_object_get(r, "uploadtarget")));
    json_decref(r);
    r = call("getnetworkinfo", "[]", &code);
    ck_assert_int_eq(json_integer_value(json_object_get(r, "protocolversion")), 70016);
    ck_assert_str_eq(json_string_value(json_object_get(r, "subversion")), "/hashmint:0.1.0/");
    ck_assert_uint_eq(json_array_size(json_object_get(r, "networks")), 5);
    ck_assert(json_is_true(json_object_get(r, "networkactive")));
    ck_assert_uint_eq(strlen(json_string_value(json_object_get(r, "localservices"))), 16);
    json_decref(r);
    r = call("setnetworkactive", "[false]", &code);
    ck_assert(json_is_false(r));
    json_decref(r);
    r = call("setnetworkactive", "[true]", &code);
    ck_assert(json_is_true(r));
    json_decref(r);
    r = call("ping", "[]", &code);
    ck_assert(json_is_null(r));
    json_decref(r);
    ck_assert_ptr_null(call("getconnectioncount", "[1]", &code)); /* too many args: help */
    ck_assert_int_eq(code, RPC_MISC_ERROR);
    /* P2P off: -31. */
    g_ctx.net = NULL;
    ck_assert_ptr_null(call("getconnectioncount", "[]", &code));
    ck_assert_int_eq(code, RPC_CLIENT_P2P_DISABLED);
    g_ctx.net = &g_net;
}
END_TEST

START_TEST(bans)
{
    int code;
    json_t *r = call("setban", "[\"1.2.3.0/24\", \"add\", 3600]", &code);
    ck_assert(json_is_null(r));
    json_decref(r);
    ck_assert_ptr_null(call("setban", "[\"1.2.3.0/24\", \"add\"]", &code));
    ck_assert_int_eq(code, -23); /* already banned */
    ck_assert_ptr_null(call("setban", "[\"1.2.3.999\", \"add\"]", &code));
    ck_assert_int_eq(code, -30); /* invalid */
    ck_assert_ptr_null(call("setban", "[\"1.2.3.4\", \"frob\"]", &code));
    ck_assert_int_eq(code, RPC_MISC_ERROR);
    r = call("setban", "[\"2001:db8::1\", \"add\", 4102444800, true]", &code);
    json_decref(r);
    r = call("listbanned", "[]", &code);
    ck_assert_uint_eq(json_array_size(r), 2);
    json_t *e = json_array_get(r, 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "address")), "1.2.3.0/24");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "ban_duration")), 3600);
    ck_assert_int_eq(json_integer_value(json_object_get(json_array_get(r, 1), "banned_until")), 4102444800LL);
    json_decref(r);
    ck_assert_ptr_null(call("setban", "[\"5.5.5.5\", \"remove\"]", &code));
    ck_assert_int_eq(code, -30); /* not banned */
    r = call("setban", "[\"1.2.3.0/24\", \"remove\"]", &code);
    ck_assert(json_is_null(r));
    json_decref(r);
    r = call("clearbanned", "[]", &code);
    json_decref(r);
    r = call("listbanned", "[]", &code);
    ck_assert_uint_eq(json_array_size(r), 0);
    json_decref(r);
}
END_TEST

START_TEST(nodes_and_addresses)
{
    int code;
    ck_assert_ptr_null(call("disconnectnode", "[\"1.2.3.4:8333\"]", &code));
    ck_assert_int_eq(code, -29);
    ck_assert_ptr_null(call("disconnectnode", "[\"\", 5]", &code));
    ck_assert_int_eq(code, -29);
    ck_assert_ptr_null(call("disconnectnode", "[\"1.2.3.4\", 5]", &code));
    ck_assert_int_eq(code, RPC_INVALID_PARAMS);
    ck_assert_ptr_null(call("addnode", "[\"1.2.3.4:8333\", \"remove\"]", &code));
    ck_assert_int_eq(code, -24);
    json_t *r = call("addnode", "[\"1.2.3.4:8333\", \"add\"]", &code);
    ck_assert(json_is_null(r));
    json_decref(r);
    ck_assert_ptr_null(call("addnode", "[\"1.2.3.4:8333\", \"add\"]", &code));
    ck_assert_int_eq(code, -23);
    r = call("getaddednodeinfo", "[]", &code);
    ck_assert_uint_eq(json_array_size(r), 1);
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(r, 0), "addednode")), "1.2.3.4:8333");
    ck_assert(json_is_false(json_object_get(json_array_get(r, 0), "connected")));
    json_decref(r);
    ck_assert_ptr_null(call("getaddednodeinfo", "[\"9.9.9.9\"]", &code));
    ck_assert_int_eq(code, -24);
    ck_assert_ptr_null(call("addnode", "[\"1.2.3.4:8333\", \"bogus\"]", &code));
    ck_assert_int_eq(code, RPC_MISC_ERROR);
    /* getnodeaddresses from the address manager. */
    struct addrman *am = addrrelay_addrman(g_ar);
    struct net_addr a, src;
    ck_assert(net_addr_parse(&a, "60.1.2.3:8333", 8333));
    ck_assert(net_addr_parse(&src, "50.1.1.1:8333", 8333));
    int64_t now = (int64_t)time(NULL);
    ck_assert(addrman_add(am, &a, 9, now - 60, &src, 0, now));
    r = call("getnodeaddresses", "[0]", &code);
    ck_assert_uint_eq(json_array_size(r), 1);
    json_t *e = json_array_get(r, 0);
    ck_assert_str_eq(json_string_value(json_object_get(e, "address")), "60.1.2.3");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "port")), 8333);
    ck_assert_str_eq(json_string_value(json_object_get(e, "network")), "ipv4");
    ck_assert_int_eq(json_integer_value(json_object_get(e, "services")), 9);
    json_decref(r);
    r = call("getnodeaddresses", "[0, \"ipv6\"]", &code);
    ck_assert_uint_eq(json_array_size(r), 0);
    json_decref(r);
    ck_assert_ptr_null(call("getnodeaddresses", "[-1]", &code));
    ck_assert_int_eq(code, RPC_INVALID_PARAMETER);
    ck_assert_ptr_null(call("getnodeaddresses", "[1, \"tor\"]", &code));
    ck_assert_int_eq(code, RPC_INVALID_PARAMETER);
}
END_TEST

static Suite *rpc_net_suite(void)
{
    Suite *s = suite_create("rpc/rpc_net");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, counts_and_totals);
    tcase_add_test(tc, bans);
    tcase_add_test(tc, nodes_and_addresses);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_net_suite)
