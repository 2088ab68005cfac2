#ifndef HASHMINT_ISSUANCE_ISSUANCE_CHECK_H
#define HASHMINT_ISSUANCE_ISSUANCE_CHECK_H
/* The issuance rules of one transaction (spec rules 1-10, doc/issuance.md
 * "Vaults, minting and repayment", "Liquidation", "Oracle and issuer
 * updates"): the one entry point block connection and mempool acceptance
 * call on hashmint chains. Pure: everything it needs is an argument. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"
#include "issuance/issuance_effects.h"
#include "issuance/issuance_state.h"

/** What a transaction is judged against. */
struct issuance_view {
    const struct chain_asset *assets; /* the chain's assets (chain_params.assets) */
    size_t asset_count;
    /* The state after every earlier transaction of the block being
     * connected (mempool: the state of the active tip). */
    const struct issuance_state *state;
    /* Height of the block being connected (mempool: tip height + 1). */
    int32_t height;
};

/**
 * Checks tx against rules 1-10 and the output prefix rules, in this order
 * (the first failure decides, its reason is in st->reject and details in
 * st->debug):
 *  1. every prefix (outputs, then spent coins) parses and names a known
 *     asset; vault values in money range (issuance_tally_build);
 *  2. vault shape: rules 1 and 2 (issuance_vault_structure_check);
 *  3. ISSUER and ORACLE outputs: rules 8, 9, 10 (issuance_protocol_outputs_check);
 *  4. the vault operation: liquidation (rule 7, issuance_liquidation_check)
 *     or mint/withdraw/close (rules 4-6, issuance_vault_operation_check);
 *  5. conservation per asset: rule 3 (issuance_conservation_check).
 * Every transaction of a hashmint chain goes through this, coinbase
 * included; for one without prefixes it costs one byte compare per output
 * and spent coin and returns an empty *fx.
 * In: tx (txid set); coins: tx->vin_count spent coins (NULL for a coinbase);
 * view: assets, state (must match the assets: issuance_state_matches) and
 * height.
 * Out: *fx, the transaction's effects (zeroed on failure).
 * Returns true if valid. Otherwise false with st: VAL_INVALID /
 * VAL_TX_CONSENSUS and a reason from the table in doc/issuance.md, or
 * VAL_ERROR if the state does not belong to the assets (a bug, not the
 * transaction's fault).
 */
__attribute__((warn_unused_result)) bool issuance_tx_check(struct val_state *st, struct issuance_effects *fx,
                                                           const struct tx *tx, const struct spent_coin *coins,
                                                           const struct issuance_view *view);

#endif
