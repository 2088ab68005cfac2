#ifndef HASHMINT_NODE_ORACLE_HTTP_H
#define HASHMINT_NODE_ORACLE_HTTP_H
/* A blocking HTTP/1.1 request over libevent's HTTP client, for
 * hashmint-oracle's sources and its JSON-RPC calls. */
#include <stdbool.h>
#include <stddef.h>

struct oracle_http_reply {
    int status;
    char *body; /* NUL-terminated, at most ORACLE_HTTP_MAX_BODY bytes */
    size_t len;
    char error[160]; /* why the request failed */
};

#define ORACLE_HTTP_MAX_BODY (16u << 20)

/**
 * GET (body NULL) or POST (body: JSON) url "http://[user:pass@]host[:port]/path".
 * userpass, if not NULL, is sent as Basic auth (else the URL's). Returns
 * false with r->error set on a bad URL, no connection, a timeout or an
 * oversized reply; true with r->status and r->body otherwise.
 */
bool oracle_http_request(struct oracle_http_reply *r, const char *url, const char *userpass, const char *body,
                         int timeout_s);

void oracle_http_reply_free(struct oracle_http_reply *r);

#endif
