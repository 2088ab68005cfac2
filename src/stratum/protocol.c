/* Stratum v1 line parsing and message building (protocol.h). */
#include "src/stratum/protocol.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/alloc.h"

static const struct {
    const char *name;
    enum stratum_method m;
} methods[] = {
    { "mining.subscribe", STRATUM_M_SUBSCRIBE },
    { "mining.authorize", STRATUM_M_AUTHORIZE },
    { "mining.configure", STRATUM_M_CONFIGURE },
    { "mining.submit", STRATUM_M_SUBMIT },
    { "mining.suggest_difficulty", STRATUM_M_SUGGEST_DIFFICULTY },
    { "mining.extranonce.subscribe", STRATUM_M_EXTRANONCE_SUBSCRIBE },
};

bool stratum_request_parse(struct stratum_request *out, const char *line, size_t len, char *err, size_t errlen)
{
    memset(out, 0, sizeof(*out));
    json_error_t je;
    json_t *root = json_loadb(line, len, JSON_REJECT_DUPLICATES, &je);
    if (!root) {
        snprintf(err, errlen, "Parse error");
        return false;
    }
    json_t *method = json_is_object(root) ? json_object_get(root, "method") : NULL;
    json_t *params = json_is_object(root) ? json_object_get(root, "params") : NULL;
    if (!json_is_string(method) || (params && !json_is_array(params) && !json_is_null(params))) {
        snprintf(err, errlen, "Invalid request");
        json_decref(root);
        return false;
    }
    if (!params || json_is_null(params)) {
        params = json_array();
        json_object_set_new(root, "params", params);
    }
    out->root = root;
    json_t *id = json_object_get(root, "id");
    if (!id) {
        id = json_null();
        json_object_set_new(root, "id", id);
    }
    out->id = id;
    out->params = params;
    const char *name = json_string_value(method);
    snprintf(out->method_name, sizeof(out->method_name), "%s", name);
    out->method = STRATUM_M_UNKNOWN;
    for (size_t i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(name, methods[i].name) == 0)
            out->method = methods[i].m;
    return true;
}

void stratum_request_clear(struct stratum_request *r)
{
    json_decref(r->root);
    memset(r, 0, sizeof(*r));
}

json_t *stratum_result(json_t *id, json_t *result)
{
    return json_pack("{s:O?,s:o?,s:n}", "id", id, "result", result, "error");
}

json_t *stratum_error(json_t *id, int code, const char *message)
{
    return json_pack("{s:O?,s:n,s:[i,s,n]}", "id", id, "result", "error", code, message);
}

json_t *stratum_notification(const char *method, json_t *params)
{
    return json_pack("{s:n,s:s,s:o}", "id", "method", method, "params", params);
}

char *stratum_encode(const json_t *msg, size_t *len)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    if (!s) {
        *len = 0;
        return NULL;
    }
    size_t n = strlen(s);
    char *out = mem_alloc(n + 2);
    memcpy(out, s, n);
    out[n] = '\n';
    out[n + 1] = '\0';
    free(s);
    *len = n + 1;
    return out;
}
