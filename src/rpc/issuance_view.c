/* The pure parts of the issuance RPCs (src/rpc/issuance_view.h). */
#include "src/rpc/issuance_view.h"

#include <stdio.h>
#include <string.h>

#include "issuance/ratio.h"
#include "src/util/hex.h"

bool rpc_parse_outpoint_text(struct outpoint *op, const char *s)
{
    if (!s || strlen(s) < 66 || s[64] != ':')
        return false;
    char txid[65];
    memcpy(txid, s, 64);
    txid[64] = '\0';
    for (size_t i = 0; i < 64; i++) {
        char c = txid[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    const char *v = s + 65;
    uint64_t n = 0;
    size_t digits = 0;
    for (; v[digits]; digits++) {
        char c = v[digits];
        if (c < '0' || c > '9' || digits >= 20)
            return false;
        n = n * 10 + (uint64_t)(c - '0');
        if (n > UINT32_MAX)
            return false;
    }
    if (digits == 0)
        return false;
    struct outpoint out;
    if (!hex_decode_reversed(out.txid.b, 32, txid))
        return false;
    out.n = (uint32_t)n;
    *op = out;
    return true;
}

int64_t rpc_vault_ratio_pct(uint64_t collateral, uint64_t price, uint64_t debt)
{
    if (debt == 0)
        return -1;
    unsigned __int128 num = (unsigned __int128)collateral * price;
    unsigned __int128 den = (unsigned __int128)ISSUANCE_PRICE_SCALE * debt;
    /* num * 100 may exceed 128 bits only when collateral * price is near
     * 2^121; split the quotient instead. */
    unsigned __int128 q = num / den, r = num % den;
    unsigned __int128 pct = q * 100 + (r * 100) / den;
    if (q > (unsigned __int128)INT64_MAX / 100 || pct > (unsigned __int128)INT64_MAX)
        return INT64_MAX;
    return (int64_t)pct;
}

static bool same(json_t *out, const char *ticker, const char *what, uint64_t a, const char *than, uint64_t b)
{
    if (a == b)
        return true;
    char line[256];
    snprintf(line, sizeof(line), "%s: %s %llu != %s %llu", ticker, what, (unsigned long long)a, than,
             (unsigned long long)b);
    json_array_append_new(out, json_string(line));
    return false;
}

bool rpc_audit_compare(json_t *mismatches, const char *ticker, const struct rpc_audit_sums *s)
{
    bool ok = same(mismatches, ticker, "token sum", s->token_sum, "supply", s->supply);
    ok &= same(mismatches, ticker, "debt sum", s->debt_sum, "supply", s->supply);
    if (s->has_tree) {
        ok &= same(mismatches, ticker, "tree debt", s->tree_debt, "debt sum", s->debt_sum);
        ok &= same(mismatches, ticker, "tree collateral", s->tree_collateral, "collateral sum", s->collateral_sum);
        ok &= same(mismatches, ticker, "tree vault count", s->tree_count, "vault count", s->vault_count);
    }
    return ok;
}
