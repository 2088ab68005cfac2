#include "src/stratum/protocol.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"

static bool parse(struct stratum_request *r, const char *s, char *err)
{
    return stratum_request_parse(r, s, strlen(s), err, 64);
}

START_TEST(requests)
{
    struct stratum_request r;
    char err[64];
    ck_assert(parse(&r, "{\"id\":1,\"method\":\"mining.subscribe\",\"params\":[\"x\"]}", err));
    ck_assert_int_eq(r.method, STRATUM_M_SUBSCRIBE);
    ck_assert_int_eq(json_integer_value(r.id), 1);
    ck_assert_uint_eq(json_array_size(r.params), 1);
    stratum_request_clear(&r);
    /* No params, no id: an empty array and a null id. */
    ck_assert(parse(&r, "{\"method\":\"mining.extranonce.subscribe\"}", err));
    ck_assert_int_eq(r.method, STRATUM_M_EXTRANONCE_SUBSCRIBE);
    ck_assert(json_is_null(r.id));
    ck_assert(json_is_array(r.params));
    stratum_request_clear(&r);
    ck_assert(parse(&r, "{\"id\":\"a\",\"method\":\"mining.nonsense\",\"params\":[]}", err));
    ck_assert_int_eq(r.method, STRATUM_M_UNKNOWN);
    ck_assert_str_eq(r.method_name, "mining.nonsense");
    stratum_request_clear(&r);
    const char *names[] = { "mining.authorize", "mining.configure", "mining.submit", "mining.suggest_difficulty" };
    enum stratum_method m[] = { STRATUM_M_AUTHORIZE, STRATUM_M_CONFIGURE, STRATUM_M_SUBMIT,
                                STRATUM_M_SUGGEST_DIFFICULTY };
    for (int i = 0; i < 4; i++) {
        char line[128];
        snprintf(line, sizeof(line), "{\"id\":2,\"method\":\"%s\",\"params\":[]}", names[i]);
        ck_assert(parse(&r, line, err));
        ck_assert_int_eq(r.method, m[i]);
        stratum_request_clear(&r);
    }
}
END_TEST

START_TEST(bad_input)
{
    struct stratum_request r;
    char err[64];
    const char *bad[] = {
        "{", "not json", "[1,2,3]", "\"str\"", "{\"id\":1}", "{\"id\":1,\"method\":5}",
        "{\"id\":1,\"method\":\"mining.submit\",\"params\":{\"a\":1}}",
        "{\"id\":1,\"method\":\"a\",\"method\":\"b\"}", /* duplicate key */
        "{\"id\":1,\"method\":\"mining.subscribe\"} trailing",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ck_assert_msg(!parse(&r, bad[i], err), "accepted %s", bad[i]);
        ck_assert_ptr_null(r.root);
    }
    ck_assert(!stratum_request_parse(&r, "{\"method\":\"x\"\0}", 16, err, sizeof(err)));
}
END_TEST

START_TEST(messages)
{
    size_t len;
    json_t *id = json_integer(7);
    json_t *m = stratum_error(id, 23, "Low difficulty share");
    char *s = stratum_encode(m, &len);
    ck_assert_str_eq(s, "{\"id\":7,\"result\":null,\"error\":[23,\"Low difficulty share\",null]}\n");
    ck_assert_uint_eq(len, strlen(s));
    mem_free(s);
    json_decref(m);
    m = stratum_result(id, json_true());
    s = stratum_encode(m, &len);
    ck_assert_str_eq(s, "{\"id\":7,\"result\":true,\"error\":null}\n");
    mem_free(s);
    json_decref(m);
    m = stratum_notification("mining.set_difficulty", json_pack("[f]", 2.0));
    s = stratum_encode(m, &len);
    ck_assert_str_eq(s, "{\"id\":null,\"method\":\"mining.set_difficulty\",\"params\":[2.0]}\n");
    mem_free(s);
    json_decref(m);
    m = stratum_error(NULL, 20, "Parse error");
    s = stratum_encode(m, &len);
    ck_assert_str_eq(s, "{\"id\":null,\"result\":null,\"error\":[20,\"Parse error\",null]}\n");
    mem_free(s);
    json_decref(m);
    json_decref(id);
}
END_TEST

static Suite *protocol_suite(void)
{
    Suite *s = suite_create("stratum_protocol");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, requests);
    tcase_add_test(tc, bad_input);
    tcase_add_test(tc, messages);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(protocol_suite)
