/* Rules 8-10: ORACLE and ISSUER outputs (issuance/oracle.h). */
#include "issuance/oracle.h"

#include <inttypes.h>

/* The common shape of rules 8/9/10 for one kind of protocol output:
 * spent and created counts must be (0, 0) or (1, 1). */
static bool one_for_one(struct val_state *st, uint32_t in, uint32_t out, size_t asset, const char *multiple,
                        const char *create, const char *missing)
{
    if (in > 1 || out > 1)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, multiple, "asset %zu: %" PRIu32 " spent, %" PRIu32 " created",
                                 asset, in, out);
    if (out > in)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, create, "asset %zu", asset);
    if (in > out)
        return val_invalid_debug(st, VAL_TX_CONSENSUS, missing, "asset %zu", asset);
    return true;
}

bool issuance_protocol_outputs_check(struct val_state *st, struct issuance_effects *fx, const struct tx *tx,
                                     const struct issuance_tally *t)
{
    for (size_t a = 0; a < t->asset_count; a++) {
        const struct issuance_asset_tally *at = &t->asset[a];
        if (!one_for_one(st, at->issuer_in, at->issuer_out, a, ISSUANCE_REJECT_ISSUER_MULTIPLE,
                         ISSUANCE_REJECT_ISSUER_CREATE, ISSUANCE_REJECT_ISSUER_MISSING))
            return false;
        if (!one_for_one(st, at->oracle_in, at->oracle_out, a, ISSUANCE_REJECT_ORACLE_MULTIPLE,
                         ISSUANCE_REJECT_ORACLE_CREATE, ISSUANCE_REJECT_ORACLE_MISSING))
            return false;
        if (at->oracle_out == 1 && at->oracle_out_price == 0)
            return val_invalid_debug(st, VAL_TX_CONSENSUS, ISSUANCE_REJECT_ORACLE_PRICE_ZERO, "output %" PRIu32,
                                     at->oracle_out_index);
        struct issuance_asset_effects *ae = &fx->asset[a];
        if (at->issuer_out == 1) {
            ae->issuer_updated = true;
            ae->issuer.txid = tx->txid;
            ae->issuer.n = at->issuer_out_index;
            ae->issuer_flags = at->issuer_out_flags;
            fx->actions |= ISSUANCE_ACT_ISSUER_UPDATE;
        }
        if (at->oracle_out == 1) {
            ae->oracle_updated = true;
            ae->oracle.txid = tx->txid;
            ae->oracle.n = at->oracle_out_index;
            ae->price = at->oracle_out_price;
            fx->actions |= ISSUANCE_ACT_ORACLE_UPDATE;
        }
    }
    return true;
}
