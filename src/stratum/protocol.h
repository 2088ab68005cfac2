#ifndef HASHMINT_STRATUM_PROTOCOL_H
#define HASHMINT_STRATUM_PROTOCOL_H
/* Stratum v1 messages: one JSON object per line (newline-terminated), a
 * request {"id": ..., "method": "...", "params": [...]} from the miner, a
 * response {"id": ..., "result": ..., "error": null | [code, "message",
 * null]} or a notification (id null) from the server. */
#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

/** The methods the server knows. */
enum stratum_method {
    STRATUM_M_UNKNOWN,
    STRATUM_M_SUBSCRIBE,
    STRATUM_M_AUTHORIZE,
    STRATUM_M_CONFIGURE,
    STRATUM_M_SUBMIT,
    STRATUM_M_SUGGEST_DIFFICULTY,
    STRATUM_M_EXTRANONCE_SUBSCRIBE,
};

/** The longest method name we look at; longer ones are unknown. */
#define STRATUM_METHOD_MAX 64

/** A parsed request. */
struct stratum_request {
    json_t *root;   /* owned: the whole object */
    json_t *id;     /* borrowed from root (json null when absent) */
    json_t *params; /* borrowed from root: always an array (empty when absent) */
    enum stratum_method method;
    char method_name[STRATUM_METHOD_MAX + 1];
};

/**
 * Parses one line (without its newline; need not be NUL-terminated).
 * Returns false with err set ("Parse error", "Invalid request") when it is
 * not a JSON object with a string method and array (or absent) params; out
 * is then empty. Free a parsed request with stratum_request_clear.
 */
bool stratum_request_parse(struct stratum_request *out, const char *line, size_t len, char *err, size_t errlen)
    __attribute__((warn_unused_result));
void stratum_request_clear(struct stratum_request *r);

/** Returns a new response object {"id", "result", "error": null}; takes result's reference. */
json_t *stratum_result(json_t *id, json_t *result);
/** Returns a new error response {"id", "result": null, "error": [code, message, null]}. */
json_t *stratum_error(json_t *id, int code, const char *message);
/** Returns a new notification {"id": null, "method", "params"}; takes params' reference. */
json_t *stratum_notification(const char *method, json_t *params);
/** Returns the compact serialisation of msg plus '\n' (mem_free it); *len its length. */
char *stratum_encode(const json_t *msg, size_t *len);

#endif
