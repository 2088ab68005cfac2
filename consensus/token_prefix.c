#include "consensus/token_prefix.h"

#include <string.h>

#include "src/util/rbuf.h"

static bool parse_payload(struct token_prefix *p, struct rbuf *r)
{
    uint64_t v;
    switch (p->kind) {
    case TOKEN_KIND_TOKEN:
        if (!rbuf_compact(r, &v, TOKEN_AMOUNT_MAX) || v == 0)
            return false;
        p->amount = v;
        return true;
    case TOKEN_KIND_VAULT:
        if (!rbuf_compact(r, &v, TOKEN_AMOUNT_MAX))
            return false;
        p->amount = v;
        return true;
    case TOKEN_KIND_ISSUER:
        return rbuf_u8(r, &p->flags);
    case TOKEN_KIND_ORACLE:
        return rbuf_u64le(r, &p->price);
    }
    return false; /* unknown kind */
}

enum token_parse_result token_prefix_parse(struct token_prefix *prefix, size_t *prefix_len, const uint8_t *spk,
                                           size_t spk_len)
{
    memset(prefix, 0, sizeof(*prefix));
    *prefix_len = 0;
    if (spk_len == 0 || spk[0] != TOKEN_PREFIX_MARKER)
        return TOKEN_PREFIX_NONE;
    struct rbuf r = rbuf_make(spk + 1, spk_len - 1);
    struct token_prefix p;
    memset(&p, 0, sizeof(p));
    uint8_t kind;
    if (!rbuf_u8(&r, &kind) || !rbuf_read(&r, p.asset_id, 32))
        return TOKEN_PREFIX_INVALID;
    p.kind = (enum token_kind)kind;
    if (!parse_payload(&p, &r))
        return TOKEN_PREFIX_INVALID;
    *prefix = p;
    *prefix_len = spk_len - r.len;
    return TOKEN_PREFIX_OK;
}

void token_prefix_serialize(struct wbuf *w, const struct token_prefix *prefix)
{
    wbuf_u8(w, TOKEN_PREFIX_MARKER);
    wbuf_u8(w, (uint8_t)prefix->kind);
    wbuf_put(w, prefix->asset_id, 32);
    switch (prefix->kind) {
    case TOKEN_KIND_TOKEN:
    case TOKEN_KIND_VAULT:
        wbuf_compact(w, prefix->amount);
        break;
    case TOKEN_KIND_ISSUER:
        wbuf_u8(w, prefix->flags);
        break;
    case TOKEN_KIND_ORACLE:
        wbuf_u64le(w, prefix->price);
        break;
    }
}

const char *token_kind_name(enum token_kind kind)
{
    switch (kind) {
    case TOKEN_KIND_TOKEN:
        return "token";
    case TOKEN_KIND_VAULT:
        return "vault";
    case TOKEN_KIND_ISSUER:
        return "issuer";
    case TOKEN_KIND_ORACLE:
        return "oracle";
    }
    return "unknown";
}
