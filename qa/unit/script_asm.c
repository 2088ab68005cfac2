#include "qa/unit/script_asm.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/script.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

#define TOKEN_MAX 16384

static bool is_sep(char c)
{
    return c == ' ' || c == '\t' || c == '\n';
}

static bool all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return false;
    return true;
}

static bool hex_digit(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* Core's name table: OP_RESERVED and every opcode from OP_NOP to
 * OP_CHECKSIGADD whose name is known; "ADD" as well as "OP_ADD". */
static bool lookup_opcode(const char *w, size_t n, uint8_t *out)
{
    for (unsigned op = OP_RESERVED; op <= OP_CHECKSIGADD; op++) {
        if (op < OP_NOP && op != OP_RESERVED)
            continue;
        const char *name = script_op_name((enum opcode)op);
        if (!name || !strcmp(name, "OP_UNKNOWN"))
            continue;
        size_t len = strlen(name);
        if ((len == n && !memcmp(name, w, n)) ||
            (len > 3 && !memcmp(name, "OP_", 3) && len - 3 == n && !memcmp(name + 3, w, n))) {
            *out = (uint8_t)op;
            return true;
        }
    }
    return false;
}

static bool parse_token(struct wbuf *out, const char *w, size_t n)
{
    if (all_digits(w, n) || (w[0] == '-' && n > 1 && all_digits(w + 1, n - 1))) {
        /* Numbers beyond 32 bits are rejected, as Core's parser does. */
        bool neg = w[0] == '-';
        size_t i = neg ? 1 : 0;
        while (i + 1 < n && w[i] == '0')
            i++; /* leading zeros do not count towards the limit */
        if (n - i > 11)
            return false;
        char buf[16];
        size_t k = 0;
        if (neg)
            buf[k++] = '-';
        memcpy(buf + k, w + i, n - i);
        buf[k + n - i] = '\0';
        long long v = strtoll(buf, NULL, 10);
        if (v > 0xffffffffLL || v < -0xffffffffLL)
            return false;
        script_push_int(out, (int64_t)v);
        return true;
    }
    if (n > 2 && w[0] == '0' && w[1] == 'x' && (n - 2) % 2 == 0) {
        bool ok = true;
        for (size_t i = 2; i < n && ok; i++)
            ok = hex_digit(w[i]);
        if (ok) {
            for (size_t i = 2; i < n; i += 2) {
                char pair[3] = { w[i], w[i + 1], '\0' };
                wbuf_u8(out, (uint8_t)strtoul(pair, NULL, 16));
            }
            return true;
        }
    }
    if (n >= 2 && w[0] == '\'' && w[n - 1] == '\'') {
        script_push_data(out, (const uint8_t *)w + 1, n - 2);
        return true;
    }
    uint8_t op;
    if (lookup_opcode(w, n, &op)) {
        wbuf_u8(out, op);
        return true;
    }
    return false;
}

bool script_asm_parse(struct wbuf *out, const char *s)
{
    const char *p = s;
    while (*p) {
        while (*p && is_sep(*p))
            p++;
        const char *start = p;
        while (*p && !is_sep(*p))
            p++;
        size_t n = (size_t)(p - start);
        if (n == 0)
            continue;
        if (n > TOKEN_MAX || !parse_token(out, start, n))
            return false;
    }
    return true;
}

uint8_t *script_asm_alloc(const char *s, size_t *len)
{
    struct wbuf w;
    wbuf_init(&w);
    if (!script_asm_parse(&w, s)) {
        wbuf_clear(&w);
        *len = 0;
        return NULL;
    }
    if (w.len == 0) {
        wbuf_clear(&w);
        *len = 0;
        return mem_alloc(1); /* non-NULL for the empty script */
    }
    return wbuf_detach(&w, len);
}
