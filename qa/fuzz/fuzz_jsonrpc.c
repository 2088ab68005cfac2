/* Fuzz target: JSON-RPC request handling (src/rpc/jsonrpc.c and the named
 * parameter mapping in rpc_table.c) over any request body, plus the REST
 * format/query helpers and base64 over the same bytes. Every reply must be
 * JSON that jansson reads back, with a status the server can send. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include <jansson.h>

#include "src/util/base64.h"
#include "src/rpc/jsonrpc.h"
#include "src/rpc/rest.h"
#include "src/rpc/rpc_auth.h"
#include "src/util/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static json_t *h_echo(struct rpc_context *ctx, json_t *params, struct rpc_error *err)
{
    (void)ctx;
    if (json_array_size(params) > 2)
        return rpc_fail(err, RPC_INVALID_PARAMETER, "too many");
    return json_incref(params);
}

static const struct rpc_command cmd_echo = { "test", "echo", h_echo, { "a", "b|c", NULL }, "echo\n" };

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct rpc_table *t;
    if (!t) {
        t = rpc_table_new();
        rpc_table_add(t, &cmd_echo);
    }
    struct rpc_context ctx = { .table = t };
    char *reply = NULL;
    int status = rpc_jsonrpc_process(t, &ctx, &reply, (const char *)data, size);
    assert(status == 200 || status == 204 || status == 400 || status == 404 || status == 500);
    assert((status == 204) == (reply == NULL));
    if (reply) {
        json_error_t e;
        json_t *v = json_loads(reply, JSON_DECODE_ANY, &e);
        assert(v != NULL);
        json_decref(v);
        mem_free(reply);
    }

    /* The same bytes as a REST path and as base64. */
    char *s = mem_alloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    char param[64], val[32];
    (void)rest_parse_format(param, sizeof(param), s);
    (void)rest_query_get(val, sizeof(val), s, "count");
    size_t len;
    unsigned char *dec = base64_decode_alloc(s, &len);
    if (dec) {
        char *enc = base64_encode(dec, len);
        assert(strcmp(enc, s) == 0 || strlen(enc) == strlen(s));
        mem_free(enc);
        mem_free(dec);
    }
    mem_free(s);
    return 0;
}
