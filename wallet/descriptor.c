#include "wallet/descriptor.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "consensus/address.h"
#include "consensus/params.h"
#include "consensus/script.h"
#include "consensus/sighash.h"
#include "src/crypto/keys.h"
#include "wallet/bip32.h"
#include "wallet/tx_sign.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
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

bool descriptor_check_checksum(size_t *body_len, const char *desc, bool require_checksum, char *error, size_t error_cap)
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

/* ---- the tree ---------------------------------------------------------- */

enum ctx { CTX_TOP, CTX_P2SH, CTX_P2WSH, CTX_P2TR, CTX_TAPSCRIPT };

enum key_kind { KEY_CONST, KEY_EXT };
enum derive { DERIVE_NONE, DERIVE_UNHARDENED, DERIVE_HARDENED };

struct desc_key {
    bool has_origin;
    uint8_t origin_fp[4];
    uint32_t origin_path[BIP32_MAX_PATH];
    size_t origin_len;
    enum key_kind kind;
    /* KEY_CONST */
    uint8_t pub[65];
    size_t pub_len; /* 33, 65, or 32 (x-only in tr) */
    bool has_sec;   /* a WIF key (KEY_CONST) or an xprv (KEY_EXT) */
    uint8_t sec[32];
    bool compressed;
    /* KEY_EXT */
    struct bip32_key xkey;
    uint32_t path[BIP32_MAX_PATH];
    size_t path_len;
    enum derive derive;
    bool apostrophe; /* printed hardened steps as ' (as given) */
};

enum desc_type { D_PK, D_PKH, D_WPKH, D_SH, D_WSH, D_TR, D_MULTI, D_SORTEDMULTI, D_ADDR, D_RAW, D_MULTI_A,
                 D_SORTEDMULTI_A, D_COMBO };

/* BIP 386: a script tree is at most 128 levels deep; BIP 387: multi_a takes
 * at most 999 keys (Core's MAX_PUBKEYS_PER_MULTI_A). */
#define TAPROOT_MAX_DEPTH 128
#define MAX_PUBKEYS_PER_MULTI_A 999

struct descriptor {
    enum desc_type type;
    const struct chain_params *params;
    struct desc_key *keys;
    size_t nkeys;
    int threshold;
    struct descriptor *sub;
    uint8_t *script; /* addr(), raw() */
    size_t script_len;
    char *addr;      /* addr(): the text */
    struct descriptor **leaves; /* tr(): the script tree's leaves, depth first */
    uint8_t *depths;            /* each leaf's depth in the tree */
    size_t nleaves;
};

static const char *const NAMES[] = { "pk",   "pkh", "wpkh",    "sh",           "wsh", "tr",
                                     "multi", "sortedmulti", "addr", "raw", "multi_a", "sortedmulti_a", "combo" };

void descriptor_free(struct descriptor *d)
{
    if (!d)
        return;
    if (d->keys)
        mem_wipe(d->keys, d->nkeys * sizeof(*d->keys));
    mem_free(d->keys);
    descriptor_free(d->sub);
    for (size_t i = 0; i < d->nleaves; i++)
        descriptor_free(d->leaves[i]);
    mem_free(d->leaves);
    mem_free(d->depths);
    mem_free(d->script);
    mem_free(d->addr);
    mem_free(d);
}

/* ---- parsing --------------------------------------------------------- */

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

/* Splits s at '/' into parts; returns their count (<= max), or max + 1 if more. */
static size_t split_slash(struct span *parts, size_t max, struct span s)
{
    size_t n = 0, start = 0;
    for (size_t i = 0; i <= s.len; i++) {
        if (i < s.len && s.p[i] != '/')
            continue;
        if (n == max)
            return max + 1;
        parts[n].p = s.p + start;
        parts[n].len = i - start;
        n++;
        start = i + 1;
    }
    return n;
}

static bool parse_path(struct parser *ps, uint32_t *out, size_t *n, const struct span *parts, size_t count,
                       bool *apostrophe)
{
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        if (!bip32_parse_step(&out[*n], parts[i].p, parts[i].len)) {
            char *t = span_dup(parts[i]);
            fail(ps->error, ps->cap, "Key path value '%s' is not a valid uint32", t);
            mem_free(t);
            return false;
        }
        if (apostrophe && parts[i].len && parts[i].p[parts[i].len - 1] == '\'')
            *apostrophe = true;
        (*n)++;
    }
    return true;
}

/* Parses a KEY expression into k. */
static bool parse_key(struct parser *ps, struct desc_key *k, struct span s, enum ctx ctx)
{
    memset(k, 0, sizeof(*k));
    if (s.len > 0 && s.p[0] == '[') {
        const char *close = memchr(s.p, ']', s.len);
        if (!close)
            return fail(ps->error, ps->cap, "Key origin start '[ character expected but not found, got '%c' instead",
                        s.p[0]);
        if (memchr(close + 1, ']', s.len - (size_t)(close + 1 - s.p)))
            return fail(ps->error, ps->cap, "Multiple ']' characters found for a single pubkey");
        struct span origin = { s.p + 1, (size_t)(close - s.p - 1) };
        struct span parts[BIP32_MAX_PATH + 2];
        size_t n = split_slash(parts, BIP32_MAX_PATH + 1, origin);
        if (n > BIP32_MAX_PATH + 1)
            return fail(ps->error, ps->cap, "Key path is too long");
        if (parts[0].len != 8)
            return fail(ps->error, ps->cap, "Fingerprint is not 4 bytes (%zu characters instead of 8 characters)",
                        parts[0].len);
        char fph[9];
        memcpy(fph, parts[0].p, 8);
        fph[8] = '\0';
        size_t fl;
        if (!hex_decode(k->origin_fp, 4, &fl, fph) || fl != 4)
            return fail(ps->error, ps->cap, "Fingerprint '%s' is not hex", fph);
        if (!parse_path(ps, k->origin_path, &k->origin_len, parts + 1, n - 1, &k->apostrophe))
            return false;
        k->has_origin = true;
        s.len -= (size_t)(close + 1 - s.p);
        s.p = close + 1;
    }
    struct span parts[BIP32_MAX_PATH + 2];
    size_t n = split_slash(parts, BIP32_MAX_PATH + 1, s);
    if (n > BIP32_MAX_PATH + 1)
        return fail(ps->error, ps->cap, "Key path is too long");
    char *str = span_dup(parts[0]);
    bool ok = false;
    size_t len = 0;
    bool uncompressed_ok = ctx == CTX_TOP || ctx == CTX_P2SH;
    if (n == 1 && hex_decode(k->pub, 65, &len, str)) {
        if (ctx == CTX_P2TR && len == 32) {
            ok = keys_xonly_valid(k->pub);
        } else if ((len == 33 && (k->pub[0] == 2 || k->pub[0] == 3)) || (len == 65 && k->pub[0] == 4)) {
            ok = keys_pubkey_valid(k->pub, len);
        }
        if (!ok) {
            fail(ps->error, ps->cap, "Pubkey '%s' is invalid", str);
        } else if (len == 65 && !uncompressed_ok) {
            ok = fail(ps->error, ps->cap, "Uncompressed keys are not allowed");
        } else {
            k->kind = KEY_CONST;
            k->pub_len = len;
            k->compressed = len != 65;
        }
        goto out;
    }
    bool compressed;
    if (n == 1 && ps->params && rpc_wif_decode(k->sec, &compressed, str, ps->params->wif_prefix)) {
        if (!compressed && !uncompressed_ok) {
            fail(ps->error, ps->cap, "Uncompressed keys are not allowed");
        } else if (keys_pubkey_create(k->pub, &len, k->sec, compressed)) {
            k->kind = KEY_CONST;
            k->has_sec = true;
            k->compressed = compressed;
            k->pub_len = len;
            ok = true;
        }
        goto out;
    }
    if (ps->params && bip32_decode(&k->xkey, str, ps->params->bip32_pubkey_version, ps->params->bip32_privkey_version)) {
        k->kind = KEY_EXT;
        k->has_sec = k->xkey.is_private;
        k->compressed = true;
        size_t steps = n - 1;
        if (steps > 0) {
            struct span last = parts[n - 1];
            if (last.len == 1 && last.p[0] == '*') {
                k->derive = DERIVE_UNHARDENED;
                steps--;
            } else if (last.len == 2 && last.p[0] == '*' && (last.p[1] == '\'' || last.p[1] == 'h')) {
                k->derive = DERIVE_HARDENED;
                if (last.p[1] == '\'')
                    k->apostrophe = true;
                steps--;
            }
        }
        ok = parse_path(ps, k->path, &k->path_len, parts + 1, steps, &k->apostrophe);
        if (ok && k->has_origin && k->origin_len + k->path_len + 1 > 40)
            ok = fail(ps->error, ps->cap, "Key path is too long");
        goto out;
    }
    fail(ps->error, ps->cap, "key '%s' is not valid", str);
out:
    mem_wipe(str, strlen(str));
    mem_free(str);
    if (!ok)
        mem_wipe(k, sizeof(*k));
    return ok;
}

static struct descriptor *desc_new(struct parser *ps, enum desc_type t)
{
    struct descriptor *d = mem_calloc(1, sizeof(*d));
    d->type = t;
    d->params = ps->params;
    return d;
}

static struct descriptor *parse_script(struct parser *ps, struct span s, enum ctx ctx);

static struct descriptor *one_key(struct parser *ps, enum desc_type t, struct span in, enum ctx kctx)
{
    struct descriptor *d = desc_new(ps, t);
    d->keys = mem_calloc(1, sizeof(*d->keys));
    d->nkeys = 1;
    if (!parse_key(ps, &d->keys[0], in, kctx)) {
        descriptor_free(d);
        return NULL;
    }
    return d;
}

static struct descriptor *parse_multi(struct parser *ps, struct span in, enum ctx ctx, bool sorted)
{
    bool tap = ctx == CTX_TAPSCRIPT;
    size_t max_keys = tap ? MAX_PUBKEYS_PER_MULTI_A : MAX_PUBKEYS_PER_MULTISIG;
    struct descriptor *d =
        desc_new(ps, tap ? (sorted ? D_SORTEDMULTI_A : D_MULTI_A) : (sorted ? D_SORTEDMULTI : D_MULTI));
    d->keys = mem_calloc(max_keys, sizeof(*d->keys));
    long k = -1;
    size_t start = 0;
    for (size_t i = 0; i <= in.len; i++) {
        if (i < in.len && in.p[i] != ',')
            continue;
        struct span part = { in.p + start, i - start };
        start = i + 1;
        if (k < 0) {
            char *t = span_dup(part);
            char *end;
            k = strtol(t, &end, 10);
            bool good = part.len > 0 && part.len < 10 && *end == '\0' && t[0] != '-' && t[0] != '+';
            if (!good) {
                fail(ps->error, ps->cap, "Multi threshold '%s' is not valid", t);
                mem_free(t);
                goto bad;
            }
            mem_free(t);
            continue;
        }
        if (d->nkeys >= max_keys) {
            fail(ps->error, ps->cap, "Cannot have %zu keys in multisig; must have between 1 and %zu keys, inclusive",
                 max_keys + 1, max_keys);
            goto bad;
        }
        if (!parse_key(ps, &d->keys[d->nkeys], part, tap ? CTX_P2TR : ctx))
            goto bad;
        d->nkeys++;
    }
    if (d->nkeys < 1) {
        fail(ps->error, ps->cap, "Cannot have %zu keys in multisig; must have between 1 and 20 keys, inclusive",
             d->nkeys);
        goto bad;
    }
    if (k < 1 || (size_t)k > d->nkeys) {
        fail(ps->error, ps->cap, "Multisig threshold cannot be %ld, must be at least 1", k);
        goto bad;
    }
    d->threshold = (int)k;
    if (ctx == CTX_P2SH) {
        size_t size = 3;
        for (size_t i = 0; i < d->nkeys; i++)
            size += 1 + (d->keys[i].kind == KEY_CONST ? d->keys[i].pub_len : 33);
        if (size > 520) {
            fail(ps->error, ps->cap, "P2SH script is too large, %zu bytes is larger than 520 bytes", size);
            goto bad;
        }
    }
    return d;
bad:
    descriptor_free(d);
    return NULL;
}

/* Splits s at its first comma outside parentheses and braces; false if none. */
static bool split_top_comma(struct span s, struct span *a, struct span *b)
{
    int depth = 0;
    for (size_t i = 0; i < s.len; i++) {
        char c = s.p[i];
        if (c == '(' || c == '{')
            depth++;
        else if (c == ')' || c == '}')
            depth--;
        else if (c == ',' && depth == 0) {
            *a = (struct span){ s.p, i };
            *b = (struct span){ s.p + i + 1, s.len - i - 1 };
            return true;
        }
    }
    return false;
}

/* BIP 386 TREE: a script (a leaf) or {TREE,TREE}; leaves are appended to
 * tr depth first with their depth. */
static bool parse_tree(struct parser *ps, struct descriptor *tr, struct span s, size_t depth)
{
    if (depth > TAPROOT_MAX_DEPTH)
        return fail(ps->error, ps->cap, "tr() supports at most %d nesting levels", TAPROOT_MAX_DEPTH);
    if (s.len > 0 && s.p[0] == '{') {
        struct span l, r;
        if (s.p[s.len - 1] != '}' || !split_top_comma((struct span){ s.p + 1, s.len - 2 }, &l, &r))
            return fail(ps->error, ps->cap, "Invalid tree expression: expected {TREE,TREE}");
        return parse_tree(ps, tr, l, depth + 1) && parse_tree(ps, tr, r, depth + 1);
    }
    struct descriptor *leaf = parse_script(ps, s, CTX_TAPSCRIPT);
    if (!leaf)
        return false;
    tr->leaves = mem_realloc(tr->leaves, (tr->nleaves + 1) * sizeof(*tr->leaves));
    tr->depths = mem_realloc(tr->depths, tr->nleaves + 1);
    tr->leaves[tr->nleaves] = leaf;
    tr->depths[tr->nleaves++] = (uint8_t)depth;
    return true;
}

static struct descriptor *parse_tr(struct parser *ps, struct span in)
{
    struct span key, tree;
    if (!split_top_comma(in, &key, &tree))
        return one_key(ps, D_TR, in, CTX_P2TR);
    struct descriptor *d = one_key(ps, D_TR, key, CTX_P2TR);
    if (d && !parse_tree(ps, d, tree, 0)) {
        descriptor_free(d);
        return NULL;
    }
    return d;
}

static struct descriptor *parse_script(struct parser *ps, struct span s, enum ctx ctx)
{
    struct span in;
    if (ctx == CTX_TAPSCRIPT) { /* BIP 386/387: only pk(), multi_a(), sortedmulti_a() in a leaf */
        if (func(s, "pk", &in))
            return one_key(ps, D_PK, in, CTX_P2TR);
        if (func(s, "multi_a", &in))
            return parse_multi(ps, in, ctx, false);
        if (func(s, "sortedmulti_a", &in))
            return parse_multi(ps, in, ctx, true);
        char *t = span_dup(s);
        char *paren = strchr(t, '(');
        if (paren)
            *paren = '\0';
        fail(ps->error, ps->cap, "'%s' is not allowed in a tr() script tree", t);
        mem_free(t);
        return NULL;
    }
    if (func(s, "multi_a", &in) || func(s, "sortedmulti_a", &in)) {
        fail(ps->error, ps->cap, "Can only have multi_a/sortedmulti_a inside tr()");
        return NULL;
    }
    if (func(s, "pk", &in))
        return one_key(ps, D_PK, in, ctx);
    if (func(s, "combo", &in)) {
        if (ctx != CTX_TOP) {
            fail(ps->error, ps->cap, "Can only have combo() at top level");
            return NULL;
        }
        return one_key(ps, D_COMBO, in, ctx);
    }
    if (func(s, "pkh", &in))
        return one_key(ps, D_PKH, in, ctx);
    if (func(s, "wpkh", &in)) {
        if (ctx == CTX_P2WSH) {
            fail(ps->error, ps->cap, "Can only have wpkh() at top level or inside sh()");
            return NULL;
        }
        return one_key(ps, D_WPKH, in, CTX_P2WSH);
    }
    if (func(s, "multi", &in))
        return parse_multi(ps, in, ctx, false);
    if (func(s, "sortedmulti", &in))
        return parse_multi(ps, in, ctx, true);
    if (func(s, "sh", &in)) {
        if (ctx != CTX_TOP) {
            fail(ps->error, ps->cap, "Can only have sh() at top level");
            return NULL;
        }
        struct descriptor *sub = parse_script(ps, in, CTX_P2SH);
        if (!sub)
            return NULL;
        struct descriptor *d = desc_new(ps, D_SH);
        d->sub = sub;
        return d;
    }
    if (func(s, "wsh", &in)) {
        if (ctx == CTX_P2WSH) {
            fail(ps->error, ps->cap, "Can only have wsh() at top level or inside sh()");
            return NULL;
        }
        struct descriptor *sub = parse_script(ps, in, CTX_P2WSH);
        if (!sub)
            return NULL;
        struct descriptor *d = desc_new(ps, D_WSH);
        d->sub = sub;
        return d;
    }
    if (func(s, "tr", &in)) {
        if (ctx != CTX_TOP) {
            fail(ps->error, ps->cap, "Can only have tr at top level");
            return NULL;
        }
        return parse_tr(ps, in);
    }
    if (func(s, "addr", &in)) {
        if (ctx != CTX_TOP) {
            fail(ps->error, ps->cap, "Can only have addr() at top level");
            return NULL;
        }
        char *a = span_dup(in);
        uint8_t spk[ADDRESS_MAX_SCRIPT];
        size_t spk_len;
        if (!ps->params || !address_to_script(spk, &spk_len, &ps->params->address, a)) {
            mem_free(a);
            fail(ps->error, ps->cap, "Address is not valid");
            return NULL;
        }
        struct descriptor *d = desc_new(ps, D_ADDR);
        d->script = mem_dup(spk, spk_len);
        d->script_len = spk_len;
        d->addr = a;
        return d;
    }
    if (func(s, "raw", &in)) {
        if (ctx != CTX_TOP) {
            fail(ps->error, ps->cap, "Can only have raw() at top level");
            return NULL;
        }
        char *hx = span_dup(in);
        size_t len;
        uint8_t *bytes = hex_decode_alloc(hx, &len);
        mem_free(hx);
        if (!bytes) {
            fail(ps->error, ps->cap, "Raw script is not hex");
            return NULL;
        }
        struct descriptor *d = desc_new(ps, D_RAW);
        d->script = bytes;
        d->script_len = len;
        return d;
    }
    char *t = span_dup(s);
    char *paren = strchr(t, '(');
    if (paren)
        *paren = '\0';
    fail(ps->error, ps->cap, "'%s' is not a valid descriptor function", t);
    mem_free(t);
    return NULL;
}

bool descriptor_parse(struct descriptor **out, const char *desc, const struct chain_params *params,
                      bool require_checksum, char *error, size_t error_cap)
{
    *out = NULL;
    size_t body;
    if (!descriptor_check_checksum(&body, desc, require_checksum, error, error_cap))
        return false;
    for (size_t i = 0; i < body; i++)
        if (!strchr(INPUT_CHARSET, desc[i]) || desc[i] == '\0')
            return fail(error, error_cap, "Invalid characters in payload");
    struct parser ps = { params, error, error_cap };
    struct span s = { desc, body };
    *out = parse_script(&ps, s, CTX_TOP);
    return *out != NULL;
}

/* ---- queries --------------------------------------------------------- */

bool descriptor_is_range(const struct descriptor *d)
{
    for (size_t i = 0; i < d->nkeys; i++)
        if (d->keys[i].kind == KEY_EXT && d->keys[i].derive != DERIVE_NONE)
            return true;
    for (size_t i = 0; i < d->nleaves; i++)
        if (descriptor_is_range(d->leaves[i]))
            return true;
    return d->sub ? descriptor_is_range(d->sub) : false;
}

bool descriptor_is_solvable(const struct descriptor *d)
{
    return d->type != D_ADDR && d->type != D_RAW;
}

bool descriptor_has_private(const struct descriptor *d)
{
    for (size_t i = 0; i < d->nkeys; i++)
        if (d->keys[i].has_sec)
            return true;
    for (size_t i = 0; i < d->nleaves; i++)
        if (descriptor_has_private(d->leaves[i]))
            return true;
    return d->sub ? descriptor_has_private(d->sub) : false;
}

bool descriptor_all_private(const struct descriptor *d)
{
    for (size_t i = 0; i < d->nkeys; i++)
        if (!d->keys[i].has_sec)
            return false;
    for (size_t i = 0; i < d->nleaves; i++)
        if (!descriptor_all_private(d->leaves[i]))
            return false;
    if (d->sub)
        return descriptor_all_private(d->sub);
    return descriptor_is_solvable(d);
}

const char *descriptor_output_type(const struct descriptor *d)
{
    switch (d->type) {
    case D_PKH:
        return "legacy";
    case D_WPKH:
        return "bech32";
    case D_TR:
        return "bech32m";
    case D_SH:
        return d->sub->type == D_WPKH ? "p2sh-segwit" : NULL;
    default:
        return NULL;
    }
}

/* ---- printing -------------------------------------------------------- */

static void put_str(struct wbuf *w, const char *s)
{
    wbuf_put(w, s, strlen(s));
}

static void put_path(struct wbuf *w, const uint32_t *path, size_t n, bool apos)
{
    char buf[16];
    for (size_t i = 0; i < n; i++) {
        bool h = path[i] >= BIP32_HARDENED;
        snprintf(buf, sizeof(buf), "/%u%s", path[i] & ~BIP32_HARDENED, h ? (apos ? "'" : "h") : "");
        put_str(w, buf);
    }
}

static bool print_key(struct wbuf *w, const struct desc_key *k, const struct chain_params *params, bool priv)
{
    char buf[120];
    uint8_t fp[4];
    uint32_t opath[2 * BIP32_MAX_PATH];
    size_t olen = 0;
    bool has_origin = k->has_origin;
    if (has_origin) {
        memcpy(fp, k->origin_fp, 4);
        memcpy(opath, k->origin_path, k->origin_len * sizeof(uint32_t));
        olen = k->origin_len;
    }
    if (k->kind == KEY_CONST) {
        if (has_origin) {
            hex_encode(buf, fp, 4);
            wbuf_u8(w, '[');
            put_str(w, buf);
            put_path(w, opath, olen, k->apostrophe);
            wbuf_u8(w, ']');
        }
        if (priv && k->has_sec) {
            char wif[60];
            rpc_wif_encode(wif, k->sec, k->compressed, params->wif_prefix);
            put_str(w, wif);
            mem_wipe(wif, sizeof(wif));
        } else {
            char hx[131];
            hex_encode(hx, k->pub, k->pub_len);
            put_str(w, hx);
        }
        return true;
    }
    /* Extended key: in public form, fold the steps up to the last hardened
     * one into the origin (Core's normalised form) when we can derive them. */
    struct bip32_key key = k->xkey;
    size_t skip = 0;
    if (!priv && k->has_sec) {
        size_t last_h = 0;
        for (size_t i = 0; i < k->path_len; i++)
            if (k->path[i] >= BIP32_HARDENED)
                last_h = i + 1;
        if (last_h > 0) {
            if (!has_origin) {
                bip32_fingerprint(fp, &k->xkey);
                has_origin = true;
                olen = 0;
            }
            if (!bip32_derive_path(&key, &k->xkey, k->path, last_h)) {
                bip32_key_wipe(&key);
                return false;
            }
            memcpy(opath + olen, k->path, last_h * sizeof(uint32_t));
            olen += last_h;
            skip = last_h;
        }
    }
    if (has_origin) {
        hex_encode(buf, fp, 4);
        wbuf_u8(w, '[');
        put_str(w, buf);
        put_path(w, opath, olen, k->apostrophe);
        wbuf_u8(w, ']');
    }
    if (!priv)
        bip32_neuter(&key, &key);
    bip32_encode(buf, &key, params->bip32_pubkey_version, params->bip32_privkey_version);
    put_str(w, buf);
    mem_wipe(buf, sizeof(buf));
    bip32_key_wipe(&key);
    put_path(w, k->path + skip, k->path_len - skip, k->apostrophe);
    if (k->derive == DERIVE_UNHARDENED)
        put_str(w, "/*");
    else if (k->derive == DERIVE_HARDENED)
        put_str(w, k->apostrophe ? "/*'" : "/*h");
    return true;
}

static bool print_desc(struct wbuf *w, const struct descriptor *d, const struct chain_params *params, bool priv);

/* Prints the subtree at *i of depth depth: a leaf, or {left,right}. */
static bool print_tree(struct wbuf *w, const struct descriptor *tr, size_t *i, size_t depth,
                       const struct chain_params *params, bool priv)
{
    if (*i >= tr->nleaves)
        return false;
    if (tr->depths[*i] == depth)
        return print_desc(w, tr->leaves[(*i)++], params, priv);
    wbuf_u8(w, '{');
    bool ok = print_tree(w, tr, i, depth + 1, params, priv);
    wbuf_u8(w, ',');
    ok = ok && print_tree(w, tr, i, depth + 1, params, priv);
    wbuf_u8(w, '}');
    return ok;
}

static bool print_desc(struct wbuf *w, const struct descriptor *d, const struct chain_params *params, bool priv)
{
    put_str(w, NAMES[d->type]);
    wbuf_u8(w, '(');
    bool ok = true;
    switch (d->type) {
    case D_ADDR:
        put_str(w, d->addr);
        break;
    case D_RAW: {
        char *hx = hex_encode_alloc(d->script, d->script_len);
        put_str(w, hx);
        mem_free(hx);
        break;
    }
    case D_SH:
    case D_WSH:
        ok = print_desc(w, d->sub, params, priv);
        break;
    case D_TR: {
        ok = print_key(w, &d->keys[0], params, priv);
        size_t i = 0;
        if (ok && d->nleaves) {
            wbuf_u8(w, ',');
            ok = print_tree(w, d, &i, 0, params, priv);
        }
        break;
    }
    case D_MULTI_A:
    case D_SORTEDMULTI_A:
    case D_MULTI:
    case D_SORTEDMULTI: {
        char buf[16];
        snprintf(buf, sizeof(buf), "%d", d->threshold);
        put_str(w, buf);
        for (size_t i = 0; i < d->nkeys && ok; i++) {
            wbuf_u8(w, ',');
            ok = print_key(w, &d->keys[i], params, priv);
        }
        break;
    }
    default:
        ok = print_key(w, &d->keys[0], params, priv);
    }
    wbuf_u8(w, ')');
    return ok;
}

char *descriptor_to_string(const struct descriptor *d, const struct chain_params *params, bool priv)
{
    if (priv && !descriptor_has_private(d))
        return NULL;
    struct wbuf w;
    wbuf_init(&w);
    bool ok = print_desc(&w, d, params, priv);
    wbuf_u8(&w, '\0');
    char *out = ok ? descriptor_add_checksum((const char *)w.data) : NULL;
    mem_wipe(w.data, w.len);
    wbuf_clear(&w);
    return out;
}

/* ---- expansion ------------------------------------------------------- */

struct derived {
    uint8_t pub[65];
    size_t len;
    bool has_sec;
    uint8_t sec[32];
    bool compressed;
    uint32_t path[40]; /* full path from the origin's master (or from the key) */
    size_t path_len;
};

static bool derive_key(const struct desc_key *k, struct derived *out, uint32_t index, char *error, size_t cap)
{
    memset(out, 0, sizeof(*out));
    if (k->has_origin) {
        memcpy(out->path, k->origin_path, k->origin_len * sizeof(uint32_t));
        out->path_len = k->origin_len;
    }
    if (k->kind == KEY_CONST) {
        memcpy(out->pub, k->pub, k->pub_len);
        out->len = k->pub_len;
        out->compressed = k->compressed;
        if (k->has_sec) {
            out->has_sec = true;
            memcpy(out->sec, k->sec, 32);
        }
        return true;
    }
    uint32_t path[BIP32_MAX_PATH + 1];
    size_t n = k->path_len;
    memcpy(path, k->path, n * sizeof(uint32_t));
    if (k->derive != DERIVE_NONE) {
        if (index >= BIP32_HARDENED)
            return fail(error, cap, "Index %u is out of range", index);
        path[n++] = index | (k->derive == DERIVE_HARDENED ? BIP32_HARDENED : 0);
    }
    struct bip32_key key;
    if (!bip32_derive_path(&key, &k->xkey, path, n))
        return fail(error, cap, "Cannot derive script without private keys");
    memcpy(out->pub, key.pub, 33);
    out->len = 33;
    out->compressed = true;
    if (key.is_private) {
        out->has_sec = true;
        memcpy(out->sec, key.sec, 32);
    }
    bip32_key_wipe(&key);
    for (size_t i = 0; i < n && out->path_len < 40; i++)
        out->path[out->path_len++] = path[i];
    return true;
}

static void fill_info(struct descriptor_key_info *info, const struct desc_key *k, const struct derived *dk,
                      bool xonly)
{
    if (!info)
        return;
    info->have = true;
    if (xonly && dk->len == 33) {
        memcpy(info->pubkey, dk->pub + 1, 32);
        info->pubkey_len = 32;
    } else {
        memcpy(info->pubkey, dk->pub, dk->len);
        info->pubkey_len = dk->len;
    }
    info->have_origin = k->has_origin || k->kind == KEY_EXT;
    if (k->has_origin)
        memcpy(info->fp, k->origin_fp, 4);
    else if (k->kind == KEY_EXT)
        bip32_fingerprint(info->fp, &k->xkey);
    memcpy(info->path, dk->path, dk->path_len * sizeof(uint32_t));
    info->path_len = dk->path_len;
}

/* Tells the signer where a derived key comes from, when that is known. */
static void add_origin(struct tx_signer *signer, const struct desc_key *k, const struct derived *dk, bool xonly)
{
    if (!signer || !(k->has_origin || k->kind == KEY_EXT))
        return;
    struct descriptor_key_info info;
    memset(&info, 0, sizeof(info));
    fill_info(&info, k, dk, xonly);
    struct tx_signer_origin o;
    memset(&o, 0, sizeof(o));
    memcpy(o.pub, info.pubkey, info.pubkey_len);
    o.pub_len = info.pubkey_len;
    o.xonly = info.pubkey_len == 32;
    memcpy(o.fp, info.fp, 4);
    memcpy(o.path, info.path, info.path_len * sizeof(uint32_t));
    o.path_len = info.path_len;
    tx_signer_add_origin(signer, &o);
}

static int cmp_xonly(const void *a, const void *b)
{
    return memcmp(a, b, 32);
}

/* A tapscript leaf (BIP 386 pk(), BIP 387 multi_a()/sortedmulti_a()): keys
 * as x-only pushes. */
static bool expand_leaf(const struct descriptor *d, struct wbuf *out, struct tx_signer *signer, uint32_t index,
                        char *error, size_t cap)
{
    uint8_t(*x)[32] = mem_calloc(d->nkeys, 32);
    bool ok = true;
    for (size_t i = 0; i < d->nkeys && ok; i++) {
        struct derived dk;
        ok = derive_key(&d->keys[i], &dk, index, error, cap);
        if (ok) {
            memcpy(x[i], dk.len == 32 ? dk.pub : dk.pub + 1, 32);
            if (signer && dk.has_sec)
                ok = tx_signer_add_key(signer, dk.sec, true);
            add_origin(signer, &d->keys[i], &dk, true);
        }
        mem_wipe(&dk, sizeof(dk));
    }
    if (ok && d->type == D_PK) {
        script_push_data(out, x[0], 32);
        wbuf_u8(out, OP_CHECKSIG);
    } else if (ok) {
        if (d->type == D_SORTEDMULTI_A)
            qsort(x, d->nkeys, 32, cmp_xonly);
        for (size_t i = 0; i < d->nkeys; i++) {
            script_push_data(out, x[i], 32);
            wbuf_u8(out, i == 0 ? OP_CHECKSIG : OP_CHECKSIGADD);
        }
        script_push_int(out, d->threshold);
        wbuf_u8(out, OP_NUMEQUAL);
    }
    mem_free(x);
    return ok;
}

/* BIP 341's Merkle root of tr's leaves (depth first, with their depths):
 * equal-depth neighbours on a stack combine into their TapBranch. Each
 * stack entry covers a run of leaves [first[j], leaf count); combining two
 * entries appends each one's hash to the Merkle path of the other's leaves.
 * scripts, paths (nleaves each, initialised; may be NULL): out, each leaf's
 * script and Merkle path for the signer's control blocks. */
static bool tree_root(const struct descriptor *tr, uint8_t root[32], struct tx_signer *signer, uint32_t index,
                      struct wbuf *scripts, struct wbuf *paths, char *error, size_t cap)
{
    uint8_t(*hash)[32] = mem_calloc(tr->nleaves, 32);
    size_t *depth = mem_calloc(tr->nleaves, sizeof(size_t));
    size_t *first = mem_calloc(tr->nleaves, sizeof(size_t));
    size_t n = 0;
    bool ok = true;
    for (size_t i = 0; i < tr->nleaves && ok; i++) {
        struct wbuf leaf;
        wbuf_init(&leaf);
        ok = expand_leaf(tr->leaves[i], &leaf, signer, index, error, cap);
        if (ok) {
            sighash_tapleaf_hash(hash[n], 0xc0, leaf.data, leaf.len);
            first[n] = i;
            depth[n++] = tr->depths[i];
            if (scripts)
                wbuf_put(&scripts[i], leaf.data, leaf.len);
        }
        wbuf_clear(&leaf);
        while (ok && n >= 2 && depth[n - 1] == depth[n - 2]) {
            if (paths) {
                for (size_t j = first[n - 2]; j < first[n - 1]; j++)
                    wbuf_put(&paths[j], hash[n - 1], 32);
                for (size_t j = first[n - 1]; j <= i; j++)
                    wbuf_put(&paths[j], hash[n - 2], 32);
            }
            const uint8_t *a = hash[n - 2], *b = hash[n - 1];
            if (memcmp(a, b, 32) > 0) {
                const uint8_t *t = a;
                a = b;
                b = t;
            }
            struct sha256_ctx c;
            sha256_tagged_init(&c, "TapBranch");
            sha256_write(&c, a, 32);
            sha256_write(&c, b, 32);
            uint8_t br[32];
            sha256_finalize(&c, br);
            memcpy(hash[n - 2], br, 32);
            depth[n - 2]--;
            n--;
        }
    }
    if (ok && (n != 1 || depth[0] != 0))
        ok = fail(error, cap, "tr() script tree is not a complete binary tree");
    if (ok)
        memcpy(root, hash[0], 32);
    mem_free(hash);
    mem_free(depth);
    mem_free(first);
    return ok;
}

static bool expand(const struct descriptor *d, struct wbuf *out, struct tx_signer *signer,
                   struct descriptor_key_info *info, uint32_t index, char *error, size_t cap)
{
    uint8_t h[20];
    struct derived dk;
    bool ok = true;
    switch (d->type) {
    case D_ADDR:
    case D_RAW:
        wbuf_put(out, d->script, d->script_len);
        return true;
    case D_SH:
    case D_WSH: {
        struct wbuf inner;
        wbuf_init(&inner);
        ok = expand(d->sub, &inner, signer, info, index, error, cap);
        if (ok) {
            if (d->type == D_SH)
                rpc_script_p2sh_of(out, inner.data, inner.len);
            else
                rpc_script_p2wsh_of(out, inner.data, inner.len);
            if (signer)
                tx_signer_add_script(signer, inner.data, inner.len);
        }
        wbuf_clear(&inner);
        return ok;
    }
    case D_MULTI:
    case D_SORTEDMULTI: {
        struct derived *keys = mem_calloc(d->nkeys, sizeof(*keys));
        const uint8_t **ptrs = mem_calloc(d->nkeys, sizeof(*ptrs));
        size_t *lens = mem_calloc(d->nkeys, sizeof(*lens));
        for (size_t i = 0; i < d->nkeys && ok; i++) {
            ok = derive_key(&d->keys[i], &keys[i], index, error, cap);
            ptrs[i] = keys[i].pub;
            lens[i] = keys[i].len;
            if (ok && signer && keys[i].has_sec)
                ok = tx_signer_add_key(signer, keys[i].sec, keys[i].compressed);
            if (ok)
                add_origin(signer, &d->keys[i], &keys[i], false);
        }
        if (ok)
            rpc_script_multisig(out, d->threshold, ptrs, lens, d->nkeys, d->type == D_SORTEDMULTI);
        mem_wipe(keys, d->nkeys * sizeof(*keys));
        mem_free(keys);
        mem_free(ptrs);
        mem_free(lens);
        return ok;
    }
    default:
        break;
    }
    if (!derive_key(&d->keys[0], &dk, index, error, cap))
        return false;
    if (signer && dk.has_sec)
        ok = tx_signer_add_key(signer, dk.sec, dk.compressed);
    fill_info(info, &d->keys[0], &dk, d->type == D_TR);
    add_origin(signer, &d->keys[0], &dk, d->type == D_TR);
    switch (d->type) {
    case D_PK:
        script_push_data(out, dk.len == 32 ? dk.pub : dk.pub, dk.len);
        wbuf_u8(out, OP_CHECKSIG);
        break;
    case D_PKH:
        ripemd160_hash160(h, dk.pub, dk.len);
        rpc_script_p2pkh(out, h);
        break;
    case D_WPKH:
        ripemd160_hash160(h, dk.pub, dk.len);
        rpc_script_p2wpkh(out, h);
        break;
    case D_TR: {
        uint8_t xonly[32], root[32];
        const uint8_t *internal = dk.len == 32 ? dk.pub : dk.pub + 1;
        struct wbuf *scripts = NULL, *paths = NULL;
        if (signer && d->nleaves) {
            scripts = mem_calloc(d->nleaves, sizeof(*scripts));
            paths = mem_calloc(d->nleaves, sizeof(*paths));
            for (size_t i = 0; i < d->nleaves; i++) {
                wbuf_init(&scripts[i]);
                wbuf_init(&paths[i]);
            }
        }
        if (d->nleaves)
            ok = tree_root(d, root, signer, index, scripts, paths, error, cap);
        /* the signer learns the tree: key path tweak and script path control blocks */
        struct tx_signer_tap *tap = ok && scripts ? tx_signer_add_tap(signer, internal, root) : NULL;
        for (size_t i = 0; tap && i < d->nleaves; i++)
            tx_signer_tap_add_leaf(tap, scripts[i].data, scripts[i].len, paths[i].data, paths[i].len);
        for (size_t i = 0; scripts && i < d->nleaves; i++) {
            wbuf_clear(&scripts[i]);
            wbuf_clear(&paths[i]);
        }
        mem_free(scripts);
        mem_free(paths);
        if (!ok)
            break;
        if (!keys_taproot_output_create(xonly, NULL, internal, d->nleaves ? root : NULL)) {
            ok = fail(error, cap, "key is not valid for taproot");
            break;
        }
        wbuf_u8(out, OP_1);
        wbuf_u8(out, 32);
        wbuf_put(out, xonly, 32);
        break;
    }
    default:
        ok = false;
    }
    mem_wipe(&dk, sizeof(dk));
    return ok;
}

size_t descriptor_script_count(const struct descriptor *d)
{
    if (d->type != D_COMBO)
        return 1;
    const struct desc_key *k = &d->keys[0];
    bool compressed = k->kind == KEY_EXT || k->pub_len == 33;
    return compressed ? 4 : 2;
}

bool descriptor_expand(const struct descriptor *d, struct wbuf *spk, struct tx_signer *signer,
                       struct descriptor_key_info *info, uint32_t index, char *error, size_t error_cap)
{
    return descriptor_expand_nth(d, spk, signer, info, index, 0, error, error_cap);
}

bool descriptor_expand_nth(const struct descriptor *d, struct wbuf *spk, struct tx_signer *signer,
                           struct descriptor_key_info *info, uint32_t index, size_t nth, char *error,
                           size_t error_cap)
{
    if (info)
        memset(info, 0, sizeof(*info));
    if (nth >= descriptor_script_count(d))
        return fail(error, error_cap, "Descriptor has no script %zu", nth);
    /* combo(KEY) is pk, pkh, then (compressed keys) wpkh and sh(wpkh) of KEY */
    struct descriptor one, wrap;
    if (d->type == D_COMBO) {
        one = *d;
        one.type = nth == 0 ? D_PK : nth == 1 ? D_PKH : D_WPKH;
        wrap = one;
        wrap.type = D_SH;
        wrap.keys = NULL;
        wrap.nkeys = 0;
        wrap.sub = &one;
        d = nth == 3 ? &wrap : &one;
    }
    struct wbuf out;
    wbuf_init(&out);
    bool ok = expand(d, &out, signer, info, index, error, error_cap);
    if (ok)
        wbuf_put(spk, out.data, out.len);
    wbuf_clear(&out);
    if (info && (!ok || d->nkeys > 1 || d->nleaves || (d->sub && d->sub->nkeys > 1)))
        memset(info, 0, sizeof(*info));
    return ok;
}

bool descriptor_to_script(struct wbuf *spk, const char *desc, const struct chain_params *params, char *error,
                          size_t error_cap)
{
    struct descriptor *d;
    const char *hash = strchr(desc, '#');
    if (memchr(desc, '*', hash ? (size_t)(hash - desc) : strlen(desc)))
        return fail(error, error_cap, "Ranged descriptors are not supported");
    if (!descriptor_parse(&d, desc, params, false, error, error_cap))
        return false;
    bool ok;
    if (descriptor_is_range(d))
        ok = fail(error, error_cap, "Ranged descriptors are not supported");
    else
        ok = descriptor_expand(d, spk, NULL, NULL, 0, error, error_cap);
    descriptor_free(d);
    return ok;
}
