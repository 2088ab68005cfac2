/* JSON-RPC 1.0/2.0 request handling, as Bitcoin Core's httprpc.cpp and
 * request.cpp do it. */
#include "src/rpc/jsonrpc.h"

#include <stdbool.h>
#include <string.h>

#include "src/rpc/json_write.h"
#include "src/rpc/rpc_args.h"
#include "src/util/alloc.h"
#include "src/util/log.h"

enum jsonrpc_version { V1_LEGACY, V2 };

/* A parsed request (Core's JSONRPCRequest). id is borrowed; has_id false
 * means "no id member" (a notification in 2.0). */
struct request {
    json_t *id;
    bool has_id;
    enum jsonrpc_version version;
    const char *method;
    json_t *params;
};

size_t rpc_json_nesting_depth(const char *p, size_t len)
{
    size_t depth = 0, max = 0;
    bool in_string = false;
    for (size_t i = 0; i < len; i++) {
        char c = p[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > max)
                max = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return max;
}

static json_t *error_obj(int code, const char *message)
{
    json_t *e = json_object();
    json_object_set_new(e, "code", json_integer(code));
    json_object_set_new(e, "message", json_string(message));
    return e;
}

/* Core's JSONRPCReplyObj. Steals result and error. */
static json_t *reply_obj(json_t *result, json_t *error, const struct request *rq)
{
    json_t *r = json_object();
    if (rq->version == V2)
        json_object_set_new(r, "jsonrpc", json_string("2.0"));
    if (!error) {
        json_object_set_new(r, "result", result ? result : json_null());
        if (rq->version == V1_LEGACY)
            json_object_set_new(r, "error", json_null());
    } else {
        json_decref(result);
        if (rq->version == V1_LEGACY)
            json_object_set_new(r, "result", json_null());
        json_object_set_new(r, "error", error);
    }
    if (rq->has_id)
        json_object_set(r, "id", rq->id ? rq->id : json_null());
    return r;
}

/* Core's JSONRPCRequest::parse. Returns an error object (new) or NULL. The
 * id is read first, so errors after it carry it; a non-object leaves the
 * previous batch element's id and version in place, as Core's reused
 * request object does. */
static json_t *parse_request(struct request *rq, json_t *v)
{
    if (!json_is_object(v))
        return error_obj(RPC_INVALID_REQUEST, "Invalid Request object");
    rq->method = NULL;
    rq->params = NULL;
    json_t *id = json_object_get(v, "id");
    rq->has_id = id != NULL;
    rq->id = id;
    rq->version = V1_LEGACY;
    json_t *ver = json_object_get(v, "jsonrpc");
    if (ver && !json_is_null(ver)) {
        if (!json_is_string(ver))
            return error_obj(RPC_INVALID_REQUEST, "jsonrpc field must be a string");
        /* Compared with their lengths: "2.0\u0000x" is no version. */
        const char *vs = rpc_json_cstr(ver);
        if (vs && !strcmp(vs, "2.0"))
            rq->version = V2;
        else if (!vs || strcmp(vs, "1.0") != 0)
            return error_obj(RPC_INVALID_REQUEST, "JSON-RPC version not supported");
    }
    json_t *m = json_object_get(v, "method");
    if (!m || json_is_null(m))
        return error_obj(RPC_INVALID_REQUEST, "Missing method");
    if (!json_is_string(m))
        return error_obj(RPC_INVALID_REQUEST, "Method must be a string");
    /* NULL for a name with an embedded NUL byte: no method has one, and
     * the C string would name the method before it ("stop\u0000x"). */
    rq->method = rpc_json_cstr(m);
    json_t *p = json_object_get(v, "params");
    if (p && !json_is_null(p) && !json_is_array(p) && !json_is_object(p))
        return error_obj(RPC_INVALID_REQUEST, "Params must be an array or object");
    rq->params = (p && !json_is_null(p)) ? p : NULL;
    return NULL;
}

static bool is_notification(const struct request *rq)
{
    return !rq->has_id && rq->version == V2;
}

/* Runs a parsed request. Out: *error (new) on failure. Returns the result. */
static json_t *exec(struct rpc_table *t, struct rpc_context *ctx, const struct request *rq, json_t **error)
{
    struct rpc_error err = { 0, "" };
    if (!rq->method) {
        *error = error_obj(RPC_METHOD_NOT_FOUND, "Method not found");
        return NULL;
    }
    log_printf(LOG_RPC, LOG_LEVEL_DEBUG, "ThreadRPCServer method=%s", rq->method);
    json_t *result = rpc_table_execute(t, ctx, rq->method, rq->params, &err);
    *error = result ? NULL : error_obj(err.code, rpc_error_text(&err));
    return result;
}

static char *finish(json_t *v)
{
    char *s = rpc_json_write(v, 0);
    size_t n = strlen(s);
    s = mem_realloc(s, n + 2);
    s[n] = '\n';
    s[n + 1] = '\0';
    json_decref(v);
    return s;
}

/* Core's JSONErrorReply: status from the code. Steals error. */
static int error_reply(char **reply, json_t *error, const struct request *rq)
{
    int code = (int)json_integer_value(json_object_get(error, "code"));
    int status = 500;
    if (code == RPC_INVALID_REQUEST)
        status = 400;
    else if (code == RPC_METHOD_NOT_FOUND)
        status = 404;
    *reply = finish(reply_obj(NULL, error, rq));
    return status;
}

int rpc_jsonrpc_process(struct rpc_table *t, struct rpc_context *ctx, char **reply, const char *body, size_t len)
{
    struct request rq = { .id = NULL, .has_id = true, .version = V1_LEGACY };
    *reply = NULL;
    json_error_t jerr;
    json_t *root = NULL;
    /* Core's UniValue::read accepts any JSON value at the top, rejects a
     * document with trailing content and nests at most 512 deep. */
    if (rpc_json_nesting_depth(body, len) <= RPC_JSON_MAX_DEPTH)
        root = json_loadb(body, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &jerr);
    if (!root)
        return error_reply(reply, error_obj(RPC_PARSE_ERROR, "Parse error"), &rq);

    int status;
    if (json_is_object(root)) {
        json_t *error = parse_request(&rq, root);
        if (error) {
            status = error_reply(reply, error, &rq);
            goto out;
        }
        json_t *result = exec(t, ctx, &rq, &error);
        if (error && rq.version == V1_LEGACY) {
            /* Legacy requests turn errors into HTTP errors; 2.0 returns
             * them with 200. */
            status = error_reply(reply, error, &rq);
            goto out;
        }
        if (is_notification(&rq)) {
            json_decref(result);
            json_decref(error);
            status = 204;
            goto out;
        }
        *reply = finish(reply_obj(result, error, &rq));
        status = 200;
    } else if (json_is_array(root)) {
        json_t *out = json_array();
        size_t i;
        json_t *elem;
        json_array_foreach(root, i, elem)
        {
            json_t *error = parse_request(&rq, elem);
            json_t *result = NULL;
            if (!error)
                result = exec(t, ctx, &rq, &error);
            if (!is_notification(&rq))
                json_array_append_new(out, reply_obj(result, error, &rq));
            else {
                json_decref(result);
                json_decref(error);
            }
        }
        if (json_array_size(out) == 0 && json_array_size(root) > 0) {
            json_decref(out);
            status = 204;
            goto out;
        }
        *reply = finish(out);
        status = 200;
    } else {
        status = error_reply(reply, error_obj(RPC_PARSE_ERROR, "Top-level object parse error"), &rq);
    }
out:
    json_decref(root);
    return status;
}
