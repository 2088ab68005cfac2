/* The transaction entry point of the issuance rules (issuance/issuance_check.h). */
#include "issuance/issuance_check.h"

#include <string.h>

#include "issuance/liquidation.h"
#include "issuance/oracle.h"
#include "issuance/tx_tally.h"
#include "issuance/vault_rules.h"

static bool check(struct val_state *st, struct issuance_effects *fx, const struct tx *tx,
                  const struct spent_coin *coins, const struct issuance_view *v)
{
    struct issuance_tally t;
    if (!issuance_tally_build(st, &t, tx, coins, v->assets, v->asset_count))
        return false;
    if (!t.any)
        return true;
    if (!issuance_vault_structure_check(st, &t, v->assets))
        return false;
    if (!issuance_protocol_outputs_check(st, fx, tx, &t))
        return false;
    if (t.coinbase) {
        fx->vaults_opened = t.vault_out_count;
        if (t.vault_out_count)
            fx->actions |= ISSUANCE_ACT_VAULT_OPEN;
    } else if (t.vault_in_count == 1) {
        uint32_t a = t.vault_in.asset;
        const struct issuance_asset_state *as = &v->state->asset[a];
        if (t.liquidation) {
            if (!issuance_liquidation_check(st, &fx->seized, tx, &t, &v->assets[a], as, v->height))
                return false;
            fx->has_vault_in = true;
            fx->vault_in = t.vault_in;
            fx->asset[a].repaid = t.vault_in.debt;
            fx->actions |= ISSUANCE_ACT_LIQUIDATE;
            if (t.vault_in.debt > 0)
                fx->actions |= ISSUANCE_ACT_REPAY;
        } else if (!issuance_vault_operation_check(st, fx, &t, &v->assets[a], as, v->height)) {
            return false;
        }
    }
    if (!issuance_conservation_check(st, fx, &t))
        return false;
    for (size_t a = 0; a < t.asset_count; a++)
        if (t.asset[a].tokens_in || t.asset[a].tokens_out)
            fx->actions |= ISSUANCE_ACT_TRANSFER;
    return true;
}

bool issuance_tx_check(struct val_state *st, struct issuance_effects *fx, const struct tx *tx,
                       const struct spent_coin *coins, const struct issuance_view *view)
{
    memset(fx, 0, sizeof(*fx));
    if (!issuance_state_matches(view->state, view->assets, view->asset_count))
        return val_error(st, "issuance state does not match the chain's assets");
    fx->asset_count = (uint32_t)view->asset_count;
    if (check(st, fx, tx, coins, view))
        return true;
    memset(fx, 0, sizeof(*fx));
    return false;
}
