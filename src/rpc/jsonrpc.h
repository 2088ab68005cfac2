#ifndef HASHMINT_RPC_JSONRPC_H
#define HASHMINT_RPC_JSONRPC_H
/* JSON-RPC request handling independent of HTTP: one POST body in, an HTTP
 * status and a reply body out, exactly as Bitcoin Core's HTTPReq_JSONRPC
 * answers (after authentication):
 *
 *  - a body that is not JSON: 500, -32700 "Parse error";
 *  - a single request object: JSON-RPC 1.0/1.1 ("jsonrpc" absent or "1.0")
 *    answers {"result","error","id"} with 200 on success, or on error 500
 *    (400 for -32600, 404 for -32601); JSON-RPC 2.0 answers 200 with only
 *    "result" or "error" plus "jsonrpc":"2.0", and a notification (no "id")
 *    gets 204 with no body; malformed request objects still give 400;
 *  - an array: a batch, 200 with one reply per non-notification element
 *    (errors inside), 204 if every element was a notification, "[]" for [];
 *  - any other JSON value: 500, -32700 "Top-level object parse error".
 */
#include <stddef.h>

#include "src/rpc/rpc.h"

/** Nesting depth beyond which a request is refused as a parse error. */
#define RPC_JSON_MAX_DEPTH 512

/**
 * Processes one request body body[0..len). Out: *reply, a heap string
 * (mem_free) ending in "\n", or NULL when the status is 204. Returns the
 * HTTP status (200, 204, 400, 404, 500). Runs methods through
 * rpc_table_execute(t, ctx, ...). Never fails on caller input.
 */
int rpc_jsonrpc_process(struct rpc_table *t, struct rpc_context *ctx, char **reply, const char *body, size_t len);

/** Returns the depth of the deepest nesting of arrays/objects in the JSON
 *  text p[0..len) (strings skipped), without parsing it: 0 for a scalar. */
size_t rpc_json_nesting_depth(const char *p, size_t len);

#endif
