#ifndef HASHMINT_RPC_REST_H
#define HASHMINT_RPC_REST_H
/* REST plumbing (-rest): routes, replies and Bitcoin Core's format helpers
 * (rest_reply.c; the endpoints are in rest.c).
 *
 * A route is a path prefix ("/rest/block/", "/rest/chaininfo") and a
 * handler. With -rest the server answers GET requests whose path starts
 * with a registered prefix (longest prefix wins) without authentication, as
 * Core does; other /rest/ paths get 404. Handlers run on a worker thread
 * and fill a struct rest_reply; the server sends it from the event loop.
 *
 * A handler typically does (Core's rest_block):
 *
 *     char hash[80];
 *     enum rest_format f = rest_parse_format(hash, sizeof(hash), path);
 *     if (f == REST_FORMAT_UNDEF)
 *         return rest_reply_error(reply, 404, "output format not found (available: %s)",
 *                                 rest_available_formats());
 *     ...
 *     return rest_reply_error(reply, 400, "Invalid hash: %s", hash);
 *     ...
 *     rest_reply_data(reply, f, bytes, len);   // .bin / .hex
 *     rest_reply_json(reply, obj);             // .json (steals obj)
 */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/rpc/rpc.h"
#include "src/util/wbuf.h"

/** Core's RESTResponseFormat. */
enum rest_format {
    REST_FORMAT_UNDEF = 0,
    REST_FORMAT_BIN,
    REST_FORMAT_HEX,
    REST_FORMAT_JSON,
};

/** What a REST handler answers. The server initialises it (status 200,
 *  empty body, content type "text/plain") and frees the body. */
struct rest_reply {
    int status;               /* HTTP status */
    const char *content_type; /* static string */
    struct wbuf body;
};

/**
 * A REST handler. path: the request path after the route's prefix, without
 * the query string and not URL-decoded (Core's strURIPart minus "?...");
 * query: the text after '?' or NULL. Runs on a worker thread. Always
 * leaves a reply in *reply (returns nothing: errors are replies too).
 */
typedef void (*rest_handler)(struct rpc_context *ctx, struct rest_reply *reply, const char *path, const char *query);

struct rest_route {
    const char *prefix; /* e.g. "/rest/block/notxdetails/"; static storage */
    rest_handler handler;
};

/** Adds a route to the table (the struct is borrowed: static storage). */
void rpc_table_add_rest(struct rpc_table *t, const struct rest_route *route);
/** Returns the route whose prefix is the longest one starting path, or NULL. */
const struct rest_route *rpc_table_find_rest(const struct rpc_table *t, const char *path);

/** Registration of the REST endpoints (written with the RPC methods), the
 *  explorer's ones and its page included. */
void rpc_register_rest(struct rpc_table *t);
/** The reserve explorer's endpoints (rest_issuance.c; doc/explorer.md). */
void rpc_register_rest_issuance(struct rpc_table *t);
/** The reserve explorer's page at /explorer/ (rest_explorer.c). */
void rpc_register_rest_explorer(struct rpc_table *t);

/**
 * Core's ParseDataFormat: splits "<param>.<ext>" at the last '.', ignoring
 * any "?query". Out: param (the part before the '.'; the whole path if there
 * is no '.') into param[0..cap) (truncated, NUL-terminated). Returns the
 * format for "bin", "hex", "json", REST_FORMAT_UNDEF otherwise.
 */
enum rest_format rest_parse_format(char *param, size_t cap, const char *path);

/** Returns ".bin, .hex, .json" (Core's AvailableDataFormatsString()). */
const char *rest_available_formats(void);

/**
 * Looks a key up in a query string ("count=5&x=y"). Out: the value,
 * URL-decoded, into out[0..cap). Returns false if the key is absent, the
 * value does not fit or query is NULL.
 */
bool rest_query_get(char *out, size_t cap, const char *query, const char *key);

/** Sets status and a text/plain message with Core's trailing "\r\n". */
void rest_reply_error(struct rest_reply *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/** Replies 200 with v printed compactly plus "\n", application/json. Steals v. */
void rest_reply_json(struct rest_reply *r, json_t *v);

/**
 * Replies 200 with p[0..len): REST_FORMAT_BIN as application/octet-stream,
 * REST_FORMAT_HEX as lowercase hex plus "\n" in text/plain. Other formats
 * are a caller bug and give 500.
 */
void rest_reply_data(struct rest_reply *r, enum rest_format f, const uint8_t *p, size_t len);

#endif
