/* Rules 1-6: vaults, minting, withdrawal, closing, conservation
 * (issuance/vault_rules.h). */
#include "issuance/vault_rules.h"

#include <inttypes.h>

#include "consensus/token_prefix.h"
#include "issuance/ratio.h"

typedef unsigned __int128 u128;

bool issuance_vault_structure_check(struct val_state *st, const struct issuance_tally *t,
                                    const struct chain_asset *assets)
{
    if (t->coinbase) {
        if (t->vault_out_debt_index != ISSUANCE_NONE)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_COINBASE_VAULT_DEBT, "output %" PRIu32,
                                     t->vault_out_debt_index);
        return true;
    }
    if (t->vault_in_count > 1)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_MULTIPLE_IN, "%" PRIu32 " vaults spent",
                                 t->vault_in_count);
    if (t->vault_out_count > 1)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_MULTIPLE_OUT,
                                 "%" PRIu32 " vaults created", t->vault_out_count);
    if (t->vault_out_count == 0)
        return true;
    const struct issuance_vault *out = &t->vault_out;
    if (t->vault_in_count == 0)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_OPEN, "output %" PRIu32, out->index);
    if (out->asset != t->vault_in.asset)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_ASSET, "output %" PRIu32, out->index);
    uint64_t min = assets[out->asset].min_vault_debt;
    if (out->debt != 0 && out->debt < min)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_VAULT_DUST,
                                 "output %" PRIu32 " debt %" PRIu64 " < %" PRIu64, out->index, out->debt, min);
    return true;
}

static bool check_mint(struct val_state *st, const struct issuance_tally *t, const struct chain_asset *asset,
                       const struct issuance_asset_state *as, int32_t height, uint64_t minted)
{
    const struct issuance_vault *out = &t->vault_out;
    const struct issuance_asset_tally *at = &t->asset[out->asset];
    if (at->issuer_in == 0)
        return val_invalid(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_NO_ISSUER);
    if (at->issuer_in_flags & TOKEN_ISSUER_FLAG_PAUSED)
        return val_invalid(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_PAUSED);
    if (height < as->breaker_until)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_BREAKER,
                                 "minting resumes at height %" PRId32, as->breaker_until);
    if (!issuance_price_fresh(as->price, as->price_height, height, asset->max_price_age))
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_PRICE_STALE,
                                 "price height %" PRId32 ", block height %" PRId32, as->price_height, height);
    if (!issuance_ratio_at_least((uint64_t)out->collateral, as->price, out->debt, asset->min_collateral_ratio_pct))
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_RATIO,
                                 "collateral %" PRId64 " debt %" PRIu64 " price %" PRIu64, out->collateral, out->debt,
                                 as->price);
    if ((u128)as->supply + minted > asset->debt_ceiling)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_MINT_CEILING,
                                 "supply %" PRIu64 " + %" PRIu64 " > %" PRIu64, as->supply, minted,
                                 asset->debt_ceiling);
    return true;
}

bool issuance_vault_operation_check(struct val_state *st, struct issuance_effects *fx, const struct issuance_tally *t,
                                    const struct chain_asset *asset, const struct issuance_asset_state *as,
                                    int32_t height)
{
    const struct issuance_vault *in = &t->vault_in;
    bool has_out = t->vault_out_count == 1;
    uint64_t debt_out = has_out ? t->vault_out.debt : 0;
    int64_t coll_out = has_out ? t->vault_out.collateral : 0;
    uint64_t minted = debt_out > in->debt ? debt_out - in->debt : 0;
    uint64_t repaid = in->debt > debt_out ? in->debt - debt_out : 0;

    if (minted > 0 && !check_mint(st, t, asset, as, height, minted))
        return false;
    if (has_out && coll_out < in->collateral && debt_out > 0) {
        if (!issuance_price_fresh(as->price, as->price_height, height, asset->max_price_age))
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_WITHDRAW_PRICE_STALE,
                                     "price height %" PRId32 ", block height %" PRId32, as->price_height, height);
        if (!issuance_ratio_at_least((uint64_t)coll_out, as->price, debt_out, asset->min_collateral_ratio_pct))
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_WITHDRAW_RATIO,
                                     "collateral %" PRId64 " debt %" PRIu64 " price %" PRIu64, coll_out, debt_out,
                                     as->price);
    }

    struct issuance_asset_effects *ae = &fx->asset[in->asset];
    ae->minted = minted;
    ae->repaid = repaid;
    fx->has_vault_in = true;
    fx->vault_in = *in;
    if (has_out) {
        fx->has_vault_out = true;
        fx->vault_out = t->vault_out;
        if (coll_out > in->collateral)
            fx->actions |= ISSUANCE_ACT_DEPOSIT;
        if (coll_out < in->collateral)
            fx->actions |= ISSUANCE_ACT_WITHDRAW;
    } else {
        fx->actions |= ISSUANCE_ACT_CLOSE;
    }
    if (minted > 0)
        fx->actions |= ISSUANCE_ACT_MINT;
    if (repaid > 0)
        fx->actions |= ISSUANCE_ACT_REPAY;
    return true;
}

bool issuance_conservation_check(struct val_state *st, const struct issuance_effects *fx,
                                 const struct issuance_tally *t)
{
    for (size_t a = 0; a < t->asset_count; a++) {
        const struct issuance_asset_tally *at = &t->asset[a];
        const struct issuance_asset_effects *ae = &fx->asset[a];
        u128 lhs = at->tokens_in + ae->minted;
        u128 rhs = at->tokens_out + ae->repaid;
        if (lhs == rhs)
            continue;
        /* Sums stay below 2^64 in the debug text only when sane; they are
         * for humans, the comparison above is exact. */
        if (lhs < rhs) {
            bool closing = (fx->actions & ISSUANCE_ACT_CLOSE) && fx->vault_in.asset == a;
            return val_invalid_debug(st, VAL_TX_CONSENSUS,
                                     closing ? ISSUANCE_REJECT_CLOSE_UNPAID : ISSUANCE_REJECT_TOKEN_INFLATE,
                                     "asset %zu: in %" PRIu64 " + minted %" PRIu64 " < out %" PRIu64
                                     " + repaid %" PRIu64,
                                     a, (uint64_t)at->tokens_in, ae->minted, (uint64_t)at->tokens_out, ae->repaid);
        }
        return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_TOKEN_BURN,
                                 "asset %zu: in %" PRIu64 " + minted %" PRIu64 " > out %" PRIu64 " + repaid %" PRIu64,
                                 a, (uint64_t)at->tokens_in, ae->minted, (uint64_t)at->tokens_out, ae->repaid);
    }
    return true;
}
