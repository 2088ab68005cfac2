#include "src/util/hex.h"

#include <string.h>

#include "src/util/alloc.h"

static const char digits[] = "0123456789abcdef";

static int nibble(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void hex_encode(char *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        out[2 * i] = digits[p[i] >> 4];
        out[2 * i + 1] = digits[p[i] & 15];
    }
    out[2 * len] = '\0';
}

char *hex_encode_alloc(const uint8_t *p, size_t len)
{
    char *s = mem_alloc(2 * len + 1);
    hex_encode(s, p, len);
    return s;
}

void hex_encode_reversed(char *out, const uint8_t *p, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        uint8_t b = p[len - 1 - i];
        out[2 * i] = digits[b >> 4];
        out[2 * i + 1] = digits[b & 15];
    }
    out[2 * len] = '\0';
}

bool hex_is_valid(const char *s)
{
    size_t n = strlen(s);
    if (n % 2)
        return false;
    for (size_t i = 0; i < n; i++)
        if (nibble(s[i]) < 0)
            return false;
    return true;
}

bool hex_decode(uint8_t *out, size_t cap, size_t *len, const char *s)
{
    *len = 0;
    if (!hex_is_valid(s))
        return false;
    size_t n = strlen(s) / 2;
    if (n > cap)
        return false;
    for (size_t i = 0; i < n; i++)
        out[i] = (uint8_t)(nibble(s[2 * i]) << 4 | nibble(s[2 * i + 1]));
    *len = n;
    return true;
}

uint8_t *hex_decode_alloc(const char *s, size_t *len)
{
    *len = 0;
    if (!hex_is_valid(s))
        return NULL;
    size_t n = strlen(s) / 2;
    uint8_t *out = mem_alloc(n);
    if (!hex_decode(out, n, len, s)) {
        mem_free(out);
        return NULL;
    }
    return out;
}

bool hex_decode_reversed(uint8_t *out, size_t n, const char *s)
{
    size_t got;
    if (strlen(s) != 2 * n || !hex_decode(out, n, &got, s))
        return false;
    for (size_t i = 0; i < n / 2; i++) {
        uint8_t t = out[i];
        out[i] = out[n - 1 - i];
        out[n - 1 - i] = t;
    }
    return true;
}
