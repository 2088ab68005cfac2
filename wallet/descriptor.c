#include "wallet/descriptor.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "wallet/key_io.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* BIP 380: the characters a descriptor may use, in groups of 32 so that a
 * case error or a typo among look-alikes changes only the low bits. */
static const char INPUT_CHARSET[] = "0123456789()[],'/*abcdefgh@:$%{}"
                                    "IJKLMNOPQRSTUVWXYZ&+-.;<=>?!^_|~"
                                    "ijklmnopqrstuvwxyzABCDEFGH`#\"\\ ";
static const char CHECKSUM_CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* The BCH code's generator over GF(32), degree 8 (BIP 380). */
static uint64_t polymod(uint64_t c, unsigned val)
{
    uint8_t c0 = (uint8_t)(c >> 35);
    c = ((c & UINT64_C(0x7ffffffff)) << 5) ^ val;
    if (c0 & 1)
        c ^= UINT64_C(0xf5dee51989);
    if (c0 & 2)
        c ^= UINT64_C(0xa9fdca3312);
    if (c0 & 4)
        c ^= UINT64_C(0x1bab10e32d);
    if (c0 & 8)
        c ^= UINT64_C(0x3706b1677a);
    if (c0 & 16)
        c ^= UINT64_C(0x644d626ffd);
    return c;
}

bool descriptor_checksum(char out[9], const char *s, size_t len)
{
    uint64_t c = 1;
    unsigned cls = 0, clscount = 0;
    out[0] = '\0';
    for (size_t i = 0; i < len; i++) {
        const char *pos = s[i] ? strchr(INPUT_CHARSET, s[i]) : NULL;
        if (!pos)
            return false;
        unsigned v = (unsigned)(pos - INPUT_CHARSET);
        c = polymod(c, v & 31); /* the position within its group */
        cls = cls * 3 + (v >> 5); /* the groups, three at a time */
        if (++clscount == 3) {
            c = polymod(c, cls);
            cls = 0;
            clscount = 0;
        }
    }
    if (clscount > 0)
        c = polymod(c, cls);
    for (int j = 0; j < 8; j++)
        c = polymod(c, 0);
    c ^= 1;
    for (int j = 0; j < 8; j++)
        out[j] = CHECKSUM_CHARSET[(c >> (5 * (7 - j))) & 31];
    out[8] = '\0';
    return true;
}

char *descriptor_add_checksum(const char *s)
{
    char sum[9];
    size_t len = strlen(s);
    if (!descriptor_checksum(sum, s, len))
        return NULL;
    char *out = mem_alloc(len + 10);
    memcpy(out, s, len);
    out[len] = '#';
    memcpy(out + len + 1, sum, 9);
    return out;
}

static bool fail(char *error, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static bool fail(char *error, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, cap, fmt, ap);
    va_end(ap);
    return false;
}

bool descriptor_check_checksum(size_t *body_len, char *error, size_t error_cap, const char *desc,
                               bool require_checksum)
{
    const char *hash = strchr(desc, '#');
    size_t len = strlen(desc);
    *body_len = len;
    if (hash && strchr(hash + 1, '#'))
        return fail(error, error_cap, "Multiple '#' symbols");
    if (!hash) {
        if (require_checksum)
            return fail(error, error_cap, "Missing checksum");
        return true;
    }
    size_t body = (size_t)(hash - desc);
    size_t sum_len = len - body - 1;
    if (sum_len != 8)
        return fail(error, error_cap, "Expected 8 character checksum, not %zu characters", sum_len);
    char sum[9];
    if (!descriptor_checksum(sum, desc, body))
        return fail(error, error_cap, "Invalid characters in payload");
    if (memcmp(sum, hash + 1, 8) != 0)
        return fail(error, error_cap, "Provided checksum '%s' does not match computed checksum '%s'", hash + 1, sum);
    *body_len = body;
    return true;
}

/* ---- parsing --------------------------------------------------------- */

enum ctx { CTX_TOP, CTX_P2SH, CTX_P2WSH };

struct parser {
    const struct chain_params *params;
    char *error;
    size_t cap;
};

/* A span of the descriptor text. */
struct span {
    const char *p;
    size_t len;
};

/* If s is "name(...)" with the parentheses matching at the end, sets *inner. */
static bool func(struct span s, const char *name, struct span *inner)
{
    size_t n = strlen(name);
    if (s.len < n + 2 || memcmp(s.p, name, n) != 0 || s.p[n] != '(' || s.p[s.len - 1] != ')')
        return false;
    int depth = 0;
    for (size_t i = n; i < s.len; i++) {
        if (s.p[i] == '(')
            depth++;
        else if (s.p[i] == ')' && --depth == 0 && i != s.len - 1)
            return false; /* "f(a)(b)" */
    }
    inner->p = s.p + n + 1;
    inner->len = s.len - n - 2;
    return true;
}

static char *span_dup(struct span s)
{
    char *out = mem_alloc(s.len + 1);
    memcpy(out, s.p, s.len);
    out[s.len] = '\0';
    return out;
}

/* Parses a KEY expression into a serialized public key (33 or 65 bytes). */
static bool parse_key(struct parser *ps, uint8_t pub[65], size_t *pub_len, struct span s, enum ctx ctx)
{
    if (s.len > 0 && s.p[0] == '[') {
        const char *close = memchr(s.p, ']', s.len);
        if (!close)
            return fail(ps->error, ps->cap, "Key origin start '[ character expected but not found, got '%c' instead",
                        s.p[0]);
        s.len -= (size_t)(close + 1 - s.p);
        s.p = close + 1;
    }
    char *str = span_dup(s);
    bool ok = false;
    size_t len = 0;
    if (hex_decode(pub, 65, &len, str) && (len == 33 || len == 65) && keys_pubkey_valid(pub, len) &&
        (len == 33 ? (pub[0] == 2 || pub[0] == 3) : pub[0] == 4)) {
        if (len == 65 && ctx == CTX_P2WSH)
            fail(ps->error, ps->cap, "Uncompressed keys are not allowed");
        else
            ok = true;
    } else {
        uint8_t sec[32];
        bool compressed;
        if (ps->params && rpc_wif_decode(sec, &compressed, str, ps->params->wif_prefix) &&
            keys_pubkey_create(pub, &len, sec, compressed)) {
            if (len == 65 && ctx == CTX_P2WSH)
                fail(ps->error, ps->cap, "Uncompressed keys are not allowed");
            else
                ok = true;
        } else {
            fail(ps->error, ps->cap, "key '%s' is not valid", str);
        }
        mem_wipe(sec, sizeof(sec));
    }
    mem_free(str);
    *pub_len = ok ? len : 0;
    return ok;
}

static bool parse_multi(struct parser *ps, struct wbuf *out, struct span in, enum ctx ctx, bool sorted)
{
    /* k,KEY,KEY,... split at top-level commas */
    uint8_t keys[MAX_PUBKEYS_PER_MULTISIG][65];
    const uint8_t *ptrs[MAX_PUBKEYS_PER_MULTISIG];
    size_t lens[MAX_PUBKEYS_PER_MULTISIG];
    size_t nkeys = 0;
    long k = -1;
    size_t start = 0;
    for (size_t i = 0; i <= in.len; i++) {
        if (i < in.len && in.p[i] != ',')
            continue;
        struct span part = {in.p + start, i - start};
        start = i + 1;
        if (k < 0) {
            char *t = span_dup(part);
            char *end;
            k = strtol(t, &end, 10);
            bool good = part.len > 0 && *end == '\0' && t[0] != '-' && t[0] != '+';
            if (!good) {
                fail(ps->error, ps->cap, "Multi threshold '%s' is not valid", t);
                mem_free(t);
                return false;
            }
            mem_free(t);
            continue;
        }
        if (nkeys >= MAX_PUBKEYS_PER_MULTISIG)
            return fail(ps->error, ps->cap, "Cannot have %u keys in multisig; must have between 1 and 20 keys, inclusive",
                        (unsigned)MAX_PUBKEYS_PER_MULTISIG + 1);
        if (!parse_key(ps, keys[nkeys], &lens[nkeys], part, ctx))
            return false;
        ptrs[nkeys] = keys[nkeys];
        nkeys++;
    }
    if (nkeys < 1)
        return fail(ps->error, ps->cap, "Cannot have %zu keys in multisig; must have between 1 and 20 keys, inclusive",
                    nkeys);
    if (k < 1 || (size_t)k > nkeys)
        return fail(ps->error, ps->cap, "Multisig threshold cannot be %ld, must be at least 1", k);
    struct wbuf script;
    wbuf_init(&script);
    rpc_script_multisig(&script, (int)k, ptrs, lens, nkeys, sorted);
    if (ctx == CTX_P2SH && script.len > 520) {
        wbuf_clear(&script);
        return fail(ps->error, ps->cap, "P2SH script is too large, %zu bytes is larger than 520 bytes", script.len);
    }
    wbuf_put(out, script.data, script.len);
    wbuf_clear(&script);
    return true;
}

static bool parse_script(struct parser *ps, struct wbuf *out, struct span s, enum ctx ctx)
{
    struct span in;
    uint8_t pub[65], h[20];
    size_t pub_len;
    if (func(s, "pk", &in)) {
        if (!parse_key(ps, pub, &pub_len, in, ctx))
            return false;
        script_push_data(out, pub, pub_len);
        wbuf_u8(out, OP_CHECKSIG);
        return true;
    }
    if (func(s, "pkh", &in)) {
        if (!parse_key(ps, pub, &pub_len, in, ctx))
            return false;
        ripemd160_hash160(h, pub, pub_len);
        rpc_script_p2pkh(out, h);
        return true;
    }
    if (func(s, "wpkh", &in)) {
        if (ctx == CTX_P2WSH)
            return fail(ps->error, ps->cap, "Can only have wpkh() at top level or inside sh()");
        if (!parse_key(ps, pub, &pub_len, in, CTX_P2WSH))
            return false;
        ripemd160_hash160(h, pub, pub_len);
        rpc_script_p2wpkh(out, h);
        return true;
    }
    if (func(s, "multi", &in))
        return parse_multi(ps, out, in, ctx, false);
    if (func(s, "sortedmulti", &in))
        return parse_multi(ps, out, in, ctx, true);
    if (func(s, "sh", &in)) {
        if (ctx != CTX_TOP)
            return fail(ps->error, ps->cap, "Can only have sh() at top level");
        struct wbuf inner;
        wbuf_init(&inner);
        bool ok = parse_script(ps, &inner, in, CTX_P2SH);
        if (ok)
            rpc_script_p2sh_of(out, inner.data, inner.len);
        wbuf_clear(&inner);
        return ok;
    }
    if (func(s, "wsh", &in)) {
        if (ctx == CTX_P2WSH)
            return fail(ps->error, ps->cap, "Can only have wsh() at top level or inside sh()");
        struct wbuf inner;
        wbuf_init(&inner);
        bool ok = parse_script(ps, &inner, in, CTX_P2WSH);
        if (ok)
            rpc_script_p2wsh_of(out, inner.data, inner.len);
        wbuf_clear(&inner);
        return ok;
    }
    if (func(s, "tr", &in)) {
        if (ctx != CTX_TOP)
            return fail(ps->error, ps->cap, "Can only have tr at top level");
        if (memchr(in.p, ',', in.len))
            return fail(ps->error, ps->cap, "tr() with script paths is not supported");
        if (!parse_key(ps, pub, &pub_len, in, CTX_P2WSH))
            return false;
        uint8_t xonly[32];
        if (!keys_taproot_output_create(xonly, NULL, pub + 1, NULL))
            return fail(ps->error, ps->cap, "key is not valid for taproot");
        wbuf_u8(out, OP_1);
        wbuf_u8(out, 32);
        wbuf_put(out, xonly, 32);
        return true;
    }
    if (func(s, "addr", &in)) {
        if (ctx != CTX_TOP)
            return fail(ps->error, ps->cap, "Can only have addr() at top level");
        char *a = span_dup(in);
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t spk_len;
        bool ok = ps->params && address_to_script(spk, &spk_len, &ps->params->address, a);
        mem_free(a);
        if (!ok)
            return fail(ps->error, ps->cap, "Address is not valid");
        wbuf_put(out, spk, spk_len);
        return true;
    }
    if (func(s, "raw", &in)) {
        if (ctx != CTX_TOP)
            return fail(ps->error, ps->cap, "Can only have raw() at top level");
        char *hx = span_dup(in);
        size_t len;
        uint8_t *bytes = hex_decode_alloc(hx, &len);
        mem_free(hx);
        if (!bytes)
            return fail(ps->error, ps->cap, "Raw script is not hex");
        wbuf_put(out, bytes, len);
        mem_free(bytes);
        return true;
    }
    char *t = span_dup(s);
    char *paren = strchr(t, '(');
    if (paren)
        *paren = '\0';
    fail(ps->error, ps->cap, "'%s' is not a valid descriptor function", t);
    mem_free(t);
    return false;
}

bool descriptor_to_script(struct wbuf *spk, char *error, size_t error_cap, const char *desc,
                          const struct chain_params *params)
{
    size_t body;
    if (!descriptor_check_checksum(&body, error, error_cap, desc, false))
        return false;
    for (size_t i = 0; i < body; i++) {
        if (!strchr(INPUT_CHARSET, desc[i]) || desc[i] == '\0')
            return fail(error, error_cap, "Invalid characters in payload");
        if (desc[i] == '*')
            return fail(error, error_cap, "Ranged descriptors are not supported");
    }
    struct parser ps = {params, error, error_cap};
    struct wbuf out;
    wbuf_init(&out);
    struct span s = {desc, body};
    bool ok = parse_script(&ps, &out, s, CTX_TOP);
    if (ok)
        wbuf_put(spk, out.data, out.len);
    wbuf_clear(&out);
    return ok;
}
