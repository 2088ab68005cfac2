/* A blocking HTTP request on a private event base (libevent's evhttp
 * client): hashmint-oracle does one request at a time. */
#include "src/node/oracle_http.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <stdio.h>
#include <string.h>

#include "src/util/alloc.h"
#include "src/util/base64.h"

struct pending {
    struct oracle_http_reply *r;
    bool done;
};

static void on_reply(struct evhttp_request *req, void *arg)
{
    struct pending *p = arg;
    p->done = true;
    if (!req) {
        snprintf(p->r->error, sizeof(p->r->error), "no reply (connection refused or timeout)");
        return;
    }
    int code = evhttp_request_get_response_code(req);
    if (code == 0) {
        snprintf(p->r->error, sizeof(p->r->error), "no reply (connection refused or timeout)");
        return;
    }
    struct evbuffer *in = evhttp_request_get_input_buffer(req);
    size_t n = evbuffer_get_length(in);
    if (n > ORACLE_HTTP_MAX_BODY) {
        snprintf(p->r->error, sizeof(p->r->error), "reply too large (%zu bytes)", n);
        return;
    }
    p->r->body = mem_alloc(n + 1);
    evbuffer_remove(in, p->r->body, n);
    p->r->body[n] = '\0';
    p->r->len = n;
    p->r->status = code;
}

bool oracle_http_request(struct oracle_http_reply *r, const char *url, const char *userpass, const char *body,
                         int timeout_s)
{
    memset(r, 0, sizeof(*r));
    struct evhttp_uri *uri = evhttp_uri_parse(url);
    const char *scheme = uri ? evhttp_uri_get_scheme(uri) : NULL;
    if (!uri || !scheme || strcmp(scheme, "http") || !evhttp_uri_get_host(uri)) {
        snprintf(r->error, sizeof(r->error), "bad URL (http://host:port/path expected)");
        if (uri)
            evhttp_uri_free(uri);
        return false;
    }
    int port = evhttp_uri_get_port(uri);
    const char *path = evhttp_uri_get_path(uri);
    const char *query = evhttp_uri_get_query(uri);
    char target[2048];
    snprintf(target, sizeof(target), "%s%s%s", path && path[0] ? path : "/", query ? "?" : "", query ? query : "");
    if (!userpass)
        userpass = evhttp_uri_get_userinfo(uri);

    struct event_base *base = event_base_new();
    struct evhttp_connection *conn =
        evhttp_connection_base_new(base, NULL, evhttp_uri_get_host(uri), (unsigned short)(port > 0 ? port : 80));
    evhttp_connection_set_timeout(conn, timeout_s > 0 ? timeout_s : 30);
    evhttp_connection_set_retries(conn, 0);
    struct pending p = { r, false };
    struct evhttp_request *req = evhttp_request_new(on_reply, &p);
    struct evkeyvalq *h = evhttp_request_get_output_headers(req);
    evhttp_add_header(h, "Host", evhttp_uri_get_host(uri));
    evhttp_add_header(h, "Connection", "close");
    if (userpass) {
        char *b64 = base64_encode((const unsigned char *)userpass, strlen(userpass));
        char *hv = mem_alloc(strlen(b64) + 8);
        sprintf(hv, "Basic %s", b64);
        evhttp_add_header(h, "Authorization", hv);
        mem_wipe(hv, strlen(hv));
        mem_wipe(b64, strlen(b64));
        mem_free(hv);
        mem_free(b64);
    }
    if (body) {
        evhttp_add_header(h, "Content-Type", "application/json");
        evbuffer_add(evhttp_request_get_output_buffer(req), body, strlen(body));
    }
    if (evhttp_make_request(conn, req, body ? EVHTTP_REQ_POST : EVHTTP_REQ_GET, target) != 0)
        snprintf(r->error, sizeof(r->error), "cannot send the request");
    else
        while (!p.done && event_base_loop(base, EVLOOP_ONCE) == 0) {
        }
    evhttp_connection_free(conn);
    event_base_free(base);
    evhttp_uri_free(uri);
    if (r->status == 0 && !r->error[0])
        snprintf(r->error, sizeof(r->error), "no reply");
    return r->status != 0;
}

void oracle_http_reply_free(struct oracle_http_reply *r)
{
    mem_free(r->body);
    r->body = NULL;
}
