/* Rule 7: liquidation (issuance/liquidation.h, doc/issuance.md "Liquidation"). */
#include "issuance/liquidation.h"

#include <inttypes.h>
#include <string.h>

#include "consensus/token_prefix.h"
#include "issuance/ratio.h"

bool issuance_input_is_liquidation(const struct tx *tx, size_t in_index, const struct txout *spent)
{
    const struct txin *in = &tx->vin[in_index];
    if (in->script_sig.len != 0 || in->witness.count != 0)
        return false;
    struct token_prefix p;
    size_t plen;
    return token_prefix_parse(&p, &plen, spent->script_pubkey.data, spent->script_pubkey.len) == TOKEN_PREFIX_OK &&
           p.kind == TOKEN_KIND_VAULT;
}

bool issuance_liquidation_check(struct val_state *st, uint64_t *seized, const struct tx *tx,
                                const struct issuance_tally *t, const struct chain_asset *asset,
                                const struct issuance_asset_state *as, int32_t height)
{
    *seized = 0;
    const struct issuance_vault *v = &t->vault_in;
    if (t->vault_out_count > 0)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_VAULT_OUT, "output %" PRIu32,
                                 t->vault_out.index);
    if (!issuance_price_fresh(as->price, as->price_height, height, asset->max_price_age))
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_PRICE_STALE,
                                 "price height %" PRId32 ", block height %" PRId32, as->price_height, height);
    uint64_t collateral = (uint64_t)v->collateral;
    if (v->debt == 0 || issuance_ratio_at_least(collateral, as->price, v->debt, asset->liquidation_ratio_pct))
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_HEALTHY,
                                 "collateral %" PRIu64 " debt %" PRIu64 " price %" PRIu64, collateral, v->debt,
                                 as->price);
    const struct issuance_asset_tally *at = &t->asset[v->asset];
    if (at->tokens_in != at->tokens_out + v->debt)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_BURN,
                                 "tokens in %" PRIu64 " out %" PRIu64 " debt %" PRIu64, (uint64_t)at->tokens_in,
                                 (uint64_t)at->tokens_out, v->debt);
    uint64_t s = issuance_seized(collateral, v->debt, as->price, asset->liquidation_bonus_pct);
    uint64_t owed = collateral - s;
    if (owed > 0) {
        /* tx_check guarantees at least one output; checked anyway. */
        const struct txout *o = tx->vout_count > 0 ? &tx->vout[0] : NULL;
        if (!o || o->script_pubkey.len != v->owner_script_len ||
            (v->owner_script_len && memcmp(o->script_pubkey.data, v->owner_script, v->owner_script_len) != 0))
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_OWNER_SCRIPT,
                                     "output 0 must pay the owner %" PRIu64, owed);
        if (o->value < 0 || (uint64_t)o->value < owed)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_LIQ_OWNER_VALUE,
                                     "output 0 pays %" PRId64 " < %" PRIu64, o->value, owed);
    }
    *seized = s;
    return true;
}
