/* The raw-transaction and util handlers without a chain: argument checks
 * (Core's messages and codes), amounts, createrawtransaction and
 * signrawtransactionwithkey on fixed inputs (P2WPKH, P2PKH, P2SH-P2WPKH,
 * 2-of-2 P2WSH signed in two rounds), decodescript, createmultisig. */
#include <string.h>

#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/rpc/rpc.h"
#include "src/rpc/rpc_args.h"
#include "wallet/key_io.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static struct rpc_table *table;
static struct rpc_context ctx;

static void setup(void)
{
    table = rpc_table_new();
    rpc_register_util(table);
    rpc_register_rawtx(table);
    memset(&ctx, 0, sizeof(ctx));
    ctx.params = chain_params_get("regtest");
}

static void teardown(void)
{
    rpc_table_free(table);
}

/* Calls method with params given as JSON text; returns the result (or NULL with *err). */
static json_t *call(struct rpc_error *err, const char *method, const char *params_json)
{
    const struct rpc_command *c = rpc_table_find(table, method);
    ck_assert_ptr_nonnull(c);
    json_error_t je;
    json_t *p = json_loads(params_json, JSON_DECODE_ANY, &je);
    ck_assert_msg(p != NULL, "bad test JSON %s", params_json);
    memset(err, 0, sizeof(*err));
    json_t *r = c->handler(&ctx, p, err);
    json_decref(p);
    return r;
}

/* Regtest keys: SHA256("hashmint regtest genesis key") and "... issuer key 1". */
static const char *const SECRETS[] = {"622c7b4482ff8c9a55de2463d49119e99f29b72d9fefaeed70c464bf850b2cba",
                                      "b0375cbc3ea46c6377c137f5a6d04884ab52ab85ff0715b9c94dcdebb1399f35"};
static char wif[2][60];
static uint8_t pub[2][33], h160[2][20];

static void keys_setup(void)
{
    setup();
    for (int i = 0; i < 2; i++) {
        uint8_t sec[32];
        size_t n;
        ck_assert(hex_decode(sec, 32, &n, SECRETS[i]));
        rpc_wif_encode(wif[i], sec, true, ctx.params->wif_prefix);
        ck_assert(keys_pubkey_create(pub[i], &n, sec, true));
        ripemd160_hash160(h160[i], pub[i], 33);
    }
}

START_TEST(test_arg_checks)
{
    struct rpc_error err;
    ck_assert_ptr_null(call(&err, "createrawtransaction", "[]"));
    ck_assert_int_eq(err.code, RPC_MISC_ERROR);
    ck_assert(strncmp(rpc_error_text(&err), "createrawtransaction [", 22) == 0);
    ck_assert_ptr_null(call(&err, "validateaddress", "[1]"));
    ck_assert_int_eq(err.code, RPC_TYPE_ERROR);
    ck_assert_str_eq(rpc_error_text(&err), "Wrong type passed:\n{\n    \"Position 1 (address)\": \"JSON value of type "
                                           "number is not of expected type string\"\n}");
    ck_assert_ptr_null(call(&err, "validateaddress", "[\"a\", \"b\"]"));
    ck_assert_int_eq(err.code, RPC_MISC_ERROR);
    ck_assert_ptr_null(call(&err, "decoderawtransaction", "[\"zz\"]"));
    ck_assert_int_eq(err.code, RPC_DESERIALIZATION_ERROR);
    ck_assert_str_eq(err.message, "TX decode failed");
}
END_TEST

START_TEST(test_amounts)
{
    struct rpc_error err;
    int64_t v;
    json_t *j;
#define AMT(json_text, ok, want)                                  \
    j = json_loads(json_text, JSON_DECODE_ANY, NULL);             \
    ck_assert_int_eq(rpc_parse_amount(&err, &v, j), ok);          \
    if (ok)                                                       \
        ck_assert_int_eq(v, want);                                \
    json_decref(j)
    AMT("0.1", true, 10000000);
    AMT("\"0.00000001\"", true, 1);
    AMT("21000000", true, INT64_C(2100000000000000));
    AMT("20999999.99999999", true, INT64_C(2099999999999999));
    AMT("0.000000001", false, 0);
    AMT("\"1.123456789\"", false, 0);
    AMT("-1", false, 0);
    AMT("21000001", false, 0);
    AMT("true", false, 0);
    AMT("\"01\"", false, 0);
#undef AMT
    j = json_string("abc");
    ck_assert(!rpc_parse_amount(&err, &v, j));
    ck_assert_str_eq(err.message, "Invalid amount");
    json_decref(j);
    int64_t fp;
    ck_assert(rpc_parse_fixed_point(&fp, "1.5", 8));
    ck_assert_int_eq(fp, 150000000);
    ck_assert(!rpc_parse_fixed_point(&fp, "1.", 8));
    ck_assert(!rpc_parse_fixed_point(&fp, ".5", 8));
}
END_TEST

static char *make_addr(const uint8_t *spk, size_t len)
{
    char a[ADDRESS_MAX_STRING];
    ck_assert(address_from_script(a, &ctx.params->address, spk, len));
    return mem_strdup(a);
}

/* Creates a 1-in 1-out transaction spending 11..11:0 and signs it. */
static json_t *create_and_sign(struct rpc_error *err, const char *spk_hex, const char *extra_prevtx,
                               const char *keys_json, const char *tx_hex)
{
    char params[4096];
    char *hex = NULL;
    if (!tx_hex) {
        uint8_t out[22] = {0x00, 0x14};
        memcpy(out + 2, h160[1], 20);
        char *addr = make_addr(out, 22);
        snprintf(params, sizeof(params),
                 "[[{\"txid\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"vout\":0}],"
                 "[{\"%s\":0.5}]]",
                 addr);
        mem_free(addr);
        json_t *r = call(err, "createrawtransaction", params);
        ck_assert_ptr_nonnull(r);
        hex = mem_strdup(json_string_value(r));
        json_decref(r);
    } else {
        hex = mem_strdup(tx_hex);
    }
    snprintf(params, sizeof(params),
             "[\"%s\", %s, [{\"txid\":\"1111111111111111111111111111111111111111111111111111111111111111\","
             "\"vout\":0,\"scriptPubKey\":\"%s\"%s}]]",
             hex, keys_json, spk_hex, extra_prevtx);
    mem_free(hex);
    return call(err, "signrawtransactionwithkey", params);
}

static void expect_complete(json_t *r)
{
    ck_assert_ptr_nonnull(r);
    json_t *errors = json_object_get(r, "errors");
    ck_assert_msg(json_is_true(json_object_get(r, "complete")), "%s",
                  errors ? json_string_value(json_object_get(json_array_get(errors, 0), "error")) : "?");
    ck_assert_ptr_null(errors);
}

START_TEST(test_sign_single_key_types)
{
    struct rpc_error err;
    char keys[200], spk[100], h[41], extra[200];
    snprintf(keys, sizeof(keys), "[\"%s\"]", wif[0]);
    hex_encode(h, h160[0], 20);

    snprintf(spk, sizeof(spk), "0014%s", h); /* P2WPKH */
    json_t *r = create_and_sign(&err, spk, ",\"amount\":1", keys, NULL);
    expect_complete(r);
    json_decref(r);
    /* without the amount: Core's "Missing amount" */
    r = create_and_sign(&err, spk, "", keys, NULL);
    ck_assert(json_is_false(json_object_get(r, "complete")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r, "errors"), 0), "error")),
                     "Missing amount");
    json_decref(r);

    snprintf(spk, sizeof(spk), "76a914%s88ac", h); /* P2PKH */
    r = create_and_sign(&err, spk, "", keys, NULL);
    expect_complete(r);
    json_decref(r);

    /* P2SH-P2WPKH */
    uint8_t redeem[22] = {0x00, 0x14}, sh[20];
    memcpy(redeem + 2, h160[0], 20);
    ripemd160_hash160(sh, redeem, 22);
    char shx[41];
    hex_encode(shx, sh, 20);
    snprintf(spk, sizeof(spk), "a914%s87", shx);
    snprintf(extra, sizeof(extra), ",\"amount\":1,\"redeemScript\":\"0014%s\"", h);
    r = create_and_sign(&err, spk, extra, keys, NULL);
    expect_complete(r);
    json_decref(r);

    /* the wrong key: not signed */
    snprintf(keys, sizeof(keys), "[\"%s\"]", wif[1]);
    snprintf(spk, sizeof(spk), "76a914%s88ac", h);
    r = create_and_sign(&err, spk, "", keys, NULL);
    ck_assert(json_is_false(json_object_get(r, "complete")));
    json_decref(r);

    /* errors */
    ck_assert_ptr_null(create_and_sign(&err, spk, "", "[\"notakey\"]", NULL));
    ck_assert_int_eq(err.code, RPC_INVALID_ADDRESS_OR_KEY);
    ck_assert_str_eq(err.message, "Invalid private key");
}
END_TEST

START_TEST(test_sign_multisig_two_rounds)
{
    struct rpc_error err;
    char params[1024];
    char p0[67], p1[67];
    hex_encode(p0, pub[0], 33);
    hex_encode(p1, pub[1], 33);
    snprintf(params, sizeof(params), "[2, [\"%s\", \"%s\"], \"bech32\"]", p0, p1);
    json_t *ms = call(&err, "createmultisig", params);
    ck_assert_ptr_nonnull(ms);
    const char *ws = json_string_value(json_object_get(ms, "redeemScript"));
    ck_assert(strncmp(json_string_value(json_object_get(ms, "address")), "hmrt1q", 6) == 0);
    ck_assert(strncmp(json_string_value(json_object_get(ms, "descriptor")), "wsh(multi(2,", 12) == 0);
    /* the P2WSH scriptPubKey via validateaddress */
    snprintf(params, sizeof(params), "[\"%s\"]", json_string_value(json_object_get(ms, "address")));
    json_t *va = call(&err, "validateaddress", params);
    ck_assert(json_is_true(json_object_get(va, "isvalid")));
    ck_assert(json_is_true(json_object_get(va, "isscript")));
    char spk[100];
    snprintf(spk, sizeof(spk), "%s", json_string_value(json_object_get(va, "scriptPubKey")));
    json_decref(va);
    char extra[400], keys[100];
    snprintf(extra, sizeof(extra), ",\"amount\":1,\"witnessScript\":\"%s\"", ws);
    snprintf(keys, sizeof(keys), "[\"%s\"]", wif[0]);
    json_t *r1 = create_and_sign(&err, spk, extra, keys, NULL);
    ck_assert_ptr_nonnull(r1);
    ck_assert(json_is_false(json_object_get(r1, "complete")));
    ck_assert_str_eq(json_string_value(json_object_get(json_array_get(json_object_get(r1, "errors"), 0), "error")),
                     "Unable to sign input, invalid stack size (possibly missing key)");
    snprintf(keys, sizeof(keys), "[\"%s\"]", wif[1]);
    json_t *r2 = create_and_sign(&err, spk, extra, keys, json_string_value(json_object_get(r1, "hex")));
    expect_complete(r2);
    json_decref(r1);
    json_decref(r2);
    json_decref(ms);
}
END_TEST

START_TEST(test_createrawtransaction)
{
    struct rpc_error err;
    json_t *r = call(&err, "createrawtransaction",
                     "[[{\"txid\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"vout\":1}],"
                     "{\"data\":\"00010203\"}, 5, false]");
    ck_assert_ptr_nonnull(r);
    /* version 2, one input with sequence 0xfffffffe (locktime set, not replaceable), one OP_RETURN output, locktime 5 */
    ck_assert_str_eq(json_string_value(r),
                     "02000000011111111111111111111111111111111111111111111111111111111111111111010000000"
                     "0feffffff010000000000000000066a040001020305000000");
    json_decref(r);
    r = call(&err, "createrawtransaction", "[[], {\"data\":\"00\",\"notanaddress\":1}]");
    ck_assert_ptr_null(r);
    ck_assert_int_eq(err.code, RPC_INVALID_ADDRESS_OR_KEY);
    ck_assert_str_eq(err.message, "Invalid Hashmint address: notanaddress");
    r = call(&err, "createrawtransaction", "[[{\"txid\":\"11\",\"vout\":0}], {}]");
    ck_assert_int_eq(err.code, RPC_INVALID_PARAMETER);
    ck_assert_str_eq(err.message, "txid must be of length 64 (not 2, for '11')");
    r = call(&err, "createrawtransaction",
             "[[{\"txid\":\"1111111111111111111111111111111111111111111111111111111111111111\"}], {}]");
    ck_assert_str_eq(err.message, "Invalid parameter, missing vout key");
    r = call(&err, "createrawtransaction",
             "[[{\"txid\":\"1111111111111111111111111111111111111111111111111111111111111111\",\"vout\":0,"
             "\"sequence\":4294967295}], {}, 0, true]");
    ck_assert_str_eq(err.message, "Invalid parameter combination: Sequence number(s) contradict replaceable option");
}
END_TEST

START_TEST(test_decodescript)
{
    struct rpc_error err;
    char params[200], h[41];
    hex_encode(h, h160[0], 20);
    snprintf(params, sizeof(params), "[\"76a914%s88ac\"]", h);
    json_t *r = call(&err, "decodescript", params);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "pubkeyhash");
    ck_assert(strncmp(json_string_value(json_object_get(r, "desc")), "addr(", 5) == 0);
    json_t *seg = json_object_get(r, "segwit");
    ck_assert_str_eq(json_string_value(json_object_get(seg, "type")), "witness_v0_keyhash");
    ck_assert_ptr_nonnull(json_object_get(r, "p2sh"));
    json_decref(r);
    r = call(&err, "decodescript", "[\"6a00\"]");
    ck_assert_str_eq(json_string_value(json_object_get(r, "type")), "nulldata");
    ck_assert_ptr_null(json_object_get(r, "p2sh"));
    json_decref(r);
}
END_TEST

static Suite *rpc_rawtx_suite(void)
{
    Suite *s = suite_create("rpc_rawtx");
    TCase *tc = tcase_create("core");
    tcase_add_checked_fixture(tc, keys_setup, teardown);
    tcase_add_test(tc, test_arg_checks);
    tcase_add_test(tc, test_amounts);
    tcase_add_test(tc, test_sign_single_key_types);
    tcase_add_test(tc, test_sign_multisig_two_rounds);
    tcase_add_test(tc, test_createrawtransaction);
    tcase_add_test(tc, test_decodescript);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(rpc_rawtx_suite)
