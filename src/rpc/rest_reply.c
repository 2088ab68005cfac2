/* REST reply and format helpers (Core's rest.cpp plumbing); the endpoints
 * themselves are in rest.c. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "src/rpc/json_write.h"
#include "src/rpc/rest.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

enum rest_format rest_parse_format(char *param, size_t cap, const char *path)
{
    size_t len = strcspn(path, "?");
    const char *dot = NULL;
    for (size_t i = 0; i < len; i++) {
        if (path[i] == '.')
            dot = path + i;
    }
    size_t plen = dot ? (size_t)(dot - path) : len;
    if (cap > 0) {
        size_t n = plen < cap - 1 ? plen : cap - 1;
        memcpy(param, path, n);
        param[n] = '\0';
    }
    if (!dot)
        return REST_FORMAT_UNDEF;
    const char *ext = dot + 1;
    size_t elen = len - plen - 1;
    if (elen == 3 && !memcmp(ext, "bin", 3))
        return REST_FORMAT_BIN;
    if (elen == 3 && !memcmp(ext, "hex", 3))
        return REST_FORMAT_HEX;
    if (elen == 4 && !memcmp(ext, "json", 4))
        return REST_FORMAT_JSON;
    return REST_FORMAT_UNDEF;
}

const char *rest_available_formats(void)
{
    return ".bin, .hex, .json";
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

bool rest_query_get(char *out, size_t cap, const char *query, const char *key)
{
    if (!query || cap == 0)
        return false;
    size_t klen = strlen(key);
    const char *p = query;
    while (*p) {
        size_t seg = strcspn(p, "&");
        if (seg > klen && !memcmp(p, key, klen) && p[klen] == '=') {
            size_t o = 0;
            for (size_t i = klen + 1; i < seg; i++) {
                char c = p[i];
                if (c == '+') {
                    c = ' ';
                } else if (c == '%' && i + 2 < seg && hexval(p[i + 1]) >= 0 && hexval(p[i + 2]) >= 0) {
                    c = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
                    i += 2;
                }
                if (o + 1 >= cap)
                    return false;
                out[o++] = c;
            }
            out[o] = '\0';
            return true;
        }
        if (seg == klen && !memcmp(p, key, klen)) {
            out[0] = '\0';
            return true;
        }
        p += seg;
        if (*p == '&')
            p++;
    }
    return false;
}

void rest_reply_error(struct rest_reply *r, int status, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    r->status = status;
    r->content_type = "text/plain";
    r->body.len = 0;
    wbuf_put(&r->body, buf, strlen(buf));
    wbuf_put(&r->body, "\r\n", 2);
}

void rest_reply_json(struct rest_reply *r, json_t *v)
{
    char *s = rpc_json_write(v, 0);
    json_decref(v);
    r->status = 200;
    r->content_type = "application/json";
    r->body.len = 0;
    wbuf_put(&r->body, s, strlen(s));
    wbuf_put(&r->body, "\n", 1);
    mem_free(s);
}

void rest_reply_data(struct rest_reply *r, enum rest_format f, const uint8_t *p, size_t len)
{
    r->body.len = 0;
    if (f == REST_FORMAT_BIN) {
        r->status = 200;
        r->content_type = "application/octet-stream";
        wbuf_put(&r->body, p, len);
    } else if (f == REST_FORMAT_HEX) {
        char *h = hex_encode_alloc(p, len);
        r->status = 200;
        r->content_type = "text/plain";
        wbuf_put(&r->body, h, 2 * len);
        wbuf_put(&r->body, "\n", 1);
        mem_free(h);
    } else {
        rest_reply_error(r, 500, "Internal error: unexpected format");
    }
}
