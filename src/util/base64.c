#include "src/util/base64.h"

#include <string.h>

#include "src/util/alloc.h"

static const char B64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

char *base64_encode(const uint8_t *p, size_t len)
{
    char *out = mem_alloc((len + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < len)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < len)
            v |= p[i + 2];
        out[o++] = B64[(v >> 18) & 63];
        out[o++] = B64[(v >> 12) & 63];
        out[o++] = i + 1 < len ? B64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? B64[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

static int b64_value(char c)
{
    const char *p = c ? strchr(B64, c) : NULL;
    return p ? (int)(p - B64) : -1;
}

bool base64_decode(uint8_t *out, size_t cap, size_t *len, const char *s)
{
    *len = 0;
    size_t n = strlen(s);
    if (n % 4 != 0)
        return false;
    size_t o = 0;
    for (size_t i = 0; i < n; i += 4) {
        int v[4];
        int pad = 0;
        for (int j = 0; j < 4; j++) {
            char c = s[i + (size_t)j];
            if (c == '=' && i + 4 == n && j >= 2) {
                v[j] = 0;
                pad++;
                continue;
            }
            if (pad) /* data after padding */
                return false;
            v[j] = b64_value(c);
            if (v[j] < 0)
                return false;
        }
        uint32_t x = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 | (uint32_t)v[2] << 6 | (uint32_t)v[3];
        size_t take = 3 - (size_t)pad;
        /* Leftover bits of a padded group must be zero (canonical form). */
        if ((pad == 1 && (x & 0xff)) || (pad == 2 && (x & 0xffff)))
            return false;
        if (o + take > cap)
            return false;
        out[o++] = (uint8_t)(x >> 16);
        if (take > 1)
            out[o++] = (uint8_t)(x >> 8);
        if (take > 2)
            out[o++] = (uint8_t)x;
    }
    *len = o;
    return true;
}

uint8_t *base64_decode_alloc(const char *s, size_t *len)
{
    size_t cap = strlen(s) / 4 * 3;
    uint8_t *out = mem_alloc(cap + 1);
    if (!base64_decode(out, cap, len, s)) {
        mem_free(out);
        *len = 0;
        return NULL;
    }
    out[*len] = '\0';
    return out;
}
