/* The issuer's and the oracle's commands: setoracleprice and
 * setissuerpaused (wallet/wallet_issuance.h; doc/issuance.md rules 8-10).
 * Each spends the asset's ORACLE or ISSUER output and recreates it with the
 * same locking script and value; the m-of-n signatures come from the
 * wallets holding the keys, through the PSBT round. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "wallet/issuance_spend.h"
#include "wallet/wallet_internal.h"
#include "wallet/wallet_issuance.h"

/* Spends and recreates the asset's protocol output of kind, changed by set. */
static bool update_proto(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r, size_t asset,
                         enum token_kind kind, uint64_t price, bool paused, const struct wallet_send_options *o)
{
    memset(r, 0, sizeof(*r));
    if (asset >= w->params->asset_count)
        return wallet_fail(e, WALLET_E_INVALID_PARAMETER, "Unknown asset");
    struct ispend s;
    if (!ispend_begin(&s, w, e))
        return false;
    struct token_prefix p;
    bool ok = ispend_load_proto(&s, e, &p, kind, asset);
    if (ok) {
        if (kind == TOKEN_KIND_ORACLE)
            p.price = price;
        else
            p.flags = paused ? (uint8_t)(p.flags | TOKEN_ISSUER_FLAG_PAUSED) : (uint8_t)(p.flags & ~TOKEN_ISSUER_FLAG_PAUSED);
        ispend_set_proto_out(&s, &p);
        ok = ispend_finish(&s, e, r, o);
    }
    ispend_end(&s);
    return ok;
}

bool wallet_set_oracle_price(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r, size_t asset,
                             uint64_t price, const struct wallet_send_options *o)
{
    /* price 0 is left to the rules (bad-issuance-oracle-price-zero), so the refusal names them */
    return update_proto(w, e, r, asset, TOKEN_KIND_ORACLE, price, false, o);
}

bool wallet_set_issuer_paused(struct wallet *w, struct wallet_error *e, struct wallet_issuance_result *r, size_t asset,
                              bool paused, const struct wallet_send_options *o)
{
    return update_proto(w, e, r, asset, TOKEN_KIND_ISSUER, 0, paused, o);
}
