#include "src/rpc/json_write.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "src/util/alloc.h"
#include "src/util/wbuf.h"

json_t *rpc_json_amount(int64_t value)
{
    return json_real((double)value / 1e8);
}

json_t *rpc_json_double(double d)
{
    if (isfinite(d) && fabs(d) < 9007199254740992.0 && d == floor(d))
        return json_integer((json_int_t)d);
    return json_real(d);
}

static void put_str(struct wbuf *w, const char *s)
{
    wbuf_put(w, s, strlen(s));
}

static void put_indent(struct wbuf *w, unsigned indent, unsigned level)
{
    size_t n = (size_t)indent * level;
    wbuf_reserve(w, n);
    memset(w->data + w->len, ' ', n);
    w->len += n;
}

/* UniValue escapes '"', '\\', the control characters and DEL; other bytes
 * (UTF-8 included) pass through. */
static void put_quoted(struct wbuf *w, const char *s, size_t len)
{
    wbuf_u8(w, '"');
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        switch (c) {
        case '"':
            put_str(w, "\\\"");
            break;
        case '\\':
            put_str(w, "\\\\");
            break;
        case '\b':
            put_str(w, "\\b");
            break;
        case '\f':
            put_str(w, "\\f");
            break;
        case '\n':
            put_str(w, "\\n");
            break;
        case '\r':
            put_str(w, "\\r");
            break;
        case '\t':
            put_str(w, "\\t");
            break;
        default:
            if (c < 0x20 || c == 0x7f) {
                snprintf(esc, sizeof(esc), "\\u%04x", c);
                put_str(w, esc);
            } else {
                wbuf_u8(w, c);
            }
        }
    }
    wbuf_u8(w, '"');
}

static void put_real(struct wbuf *w, double d)
{
    char buf[64];
    if (!isfinite(d)) {
        put_str(w, "null"); /* JSON has no NaN or infinity */
        return;
    }
    if (fabs(d) <= 21e6) {
        snprintf(buf, sizeof(buf), "%.8f", d);
        if (strtod(buf, NULL) == d) {
            put_str(w, buf);
            return;
        }
    }
    snprintf(buf, sizeof(buf), "%.16g", d);
    put_str(w, buf);
}

static void write_value(struct wbuf *w, const json_t *v, unsigned indent, unsigned level);

static void write_array(struct wbuf *w, const json_t *v, unsigned indent, unsigned level)
{
    wbuf_u8(w, '[');
    if (indent)
        wbuf_u8(w, '\n');
    size_t n = json_array_size(v);
    for (size_t i = 0; i < n; i++) {
        if (indent)
            put_indent(w, indent, level + 1);
        write_value(w, json_array_get(v, i), indent, level + 1);
        if (i + 1 != n)
            wbuf_u8(w, ',');
        if (indent)
            wbuf_u8(w, '\n');
    }
    if (indent)
        put_indent(w, indent, level);
    wbuf_u8(w, ']');
}

static void write_object(struct wbuf *w, const json_t *v, unsigned indent, unsigned level)
{
    wbuf_u8(w, '{');
    if (indent)
        wbuf_u8(w, '\n');
    size_t n = json_object_size(v), i = 0;
    const char *key;
    json_t *val;
    /* json_object_foreach wants a non-const object; iteration does not modify it. */
    json_t *obj = (json_t *)v;
    json_object_foreach(obj, key, val) {
        if (indent)
            put_indent(w, indent, level + 1);
        put_quoted(w, key, strlen(key));
        wbuf_u8(w, ':');
        if (indent)
            wbuf_u8(w, ' ');
        write_value(w, val, indent, level + 1);
        if (++i != n)
            wbuf_u8(w, ',');
        if (indent)
            wbuf_u8(w, '\n');
    }
    if (indent)
        put_indent(w, indent, level);
    wbuf_u8(w, '}');
}

static void write_value(struct wbuf *w, const json_t *v, unsigned indent, unsigned level)
{
    char buf[32];
    switch (json_typeof(v)) {
    case JSON_OBJECT:
        write_object(w, v, indent, level);
        break;
    case JSON_ARRAY:
        write_array(w, v, indent, level);
        break;
    case JSON_STRING:
        put_quoted(w, json_string_value(v), json_string_length(v));
        break;
    case JSON_INTEGER:
        snprintf(buf, sizeof(buf), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        put_str(w, buf);
        break;
    case JSON_REAL:
        put_real(w, json_real_value(v));
        break;
    case JSON_TRUE:
        put_str(w, "true");
        break;
    case JSON_FALSE:
        put_str(w, "false");
        break;
    case JSON_NULL:
        put_str(w, "null");
        break;
    }
}

char *rpc_json_write(const json_t *v, unsigned indent)
{
    struct wbuf w;
    wbuf_init(&w);
    if (v)
        write_value(&w, v, indent, 0);
    else
        put_str(&w, "null");
    wbuf_u8(&w, '\0');
    size_t len;
    return (char *)wbuf_detach(&w, &len);
}
