/* JSON-RPC 1.0 over oracle_http_request, with the node's cookie or
 * -rpcuser/-rpcpassword (as hashmint-cli authenticates). */
#include "src/node/oracle_rpc.h"

#include <stdio.h>
#include <string.h>

#include "src/node/oracle_http.h"
#include "src/rpc/json_write.h"
#include "src/rpc/rpc_auth.h"
#include "src/util/alloc.h"

json_t *oracle_rpc_call(const struct oracle_endpoint *e, const char *method, json_t *params, char *err,
                        size_t errlen)
{
    json_t *req = json_object();
    json_object_set_new(req, "jsonrpc", json_string("1.0"));
    json_object_set_new(req, "id", json_string("oracle"));
    json_object_set_new(req, "method", json_string(method));
    json_object_set_new(req, "params", params ? params : json_array());
    char *body = rpc_json_write(req, 0);
    json_decref(req);
    char *cookie = NULL;
    if (!e->userpass && e->cookie_path && !rpc_auth_cookie_read(&cookie, e->cookie_path)) {
        snprintf(err, errlen, "%s: cannot read the cookie file %s", method, e->cookie_path);
        mem_free(body);
        return NULL;
    }
    struct oracle_http_reply r;
    bool ok = oracle_http_request(&r, e->url, e->userpass ? e->userpass : cookie, body, e->timeout);
    mem_free(body);
    if (cookie) {
        mem_wipe(cookie, strlen(cookie));
        mem_free(cookie);
    }
    if (!ok) {
        snprintf(err, errlen, "%s: %s", method, r.error);
        return NULL;
    }
    json_t *reply = json_loadb(r.body, r.len, 0, NULL);
    int status = r.status;
    oracle_http_reply_free(&r);
    json_t *result = NULL;
    json_t *error = reply ? json_object_get(reply, "error") : NULL;
    if (!reply || !json_is_object(reply))
        snprintf(err, errlen, "%s: HTTP status %d, no JSON-RPC reply", method, status);
    else if (error && !json_is_null(error))
        snprintf(err, errlen, "%s: error %lld: %s", method, (long long)json_integer_value(json_object_get(error, "code")),
                 json_string_value(json_object_get(error, "message")) ? json_string_value(json_object_get(error, "message"))
                                                                       : "?");
    else {
        result = json_object_get(reply, "result");
        json_incref(result);
    }
    json_decref(reply);
    return result;
}
