#ifndef HASHMINT_ISSUANCE_LIQUIDATION_H
#define HASHMINT_ISSUANCE_LIQUIDATION_H
/* Liquidation of an under-collateralised vault by anyone (spec rule 7,
 * doc/issuance.md "Liquidation").
 *
 * A vault input with an empty scriptSig and an empty witness takes the
 * liquidation path: the owner's locking script is NOT executed for it.
 * issuance_input_is_liquidation() is the one definition of that path; the
 * chain's script verification must call it and skip exactly those inputs,
 * and the transaction rules (issuance_tx_check) use the same predicate to
 * decide that the liquidation conditions below must hold instead. Skipping
 * the script is sound only because every path that verifies scripts (block
 * connection, mempool acceptance) also runs issuance_tx_check on the same
 * transaction with the same spent coins. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/validation.h"
#include "issuance/issuance_state.h"
#include "issuance/tx_tally.h"

#define ISSUANCE_REJECT_LIQ_VAULT_OUT "bad-issuance-liquidate-vault-out"
#define ISSUANCE_REJECT_LIQ_PRICE_STALE "bad-issuance-liquidate-price-stale"
#define ISSUANCE_REJECT_LIQ_HEALTHY "bad-issuance-liquidate-healthy"
#define ISSUANCE_REJECT_LIQ_BURN "bad-issuance-liquidate-burn"
#define ISSUANCE_REJECT_LIQ_OWNER_SCRIPT "bad-issuance-liquidate-owner-script"
#define ISSUANCE_REJECT_LIQ_OWNER_VALUE "bad-issuance-liquidate-owner-value"

/**
 * Returns true if input in_index of tx, spending `spent`, takes the
 * liquidation path: spent's scriptPubKey carries a well-formed VAULT prefix
 * (token_prefix_parse; the asset is not looked at), the input's scriptSig is
 * empty (0 bytes) and its witness is empty (0 items). Pure, cheap (one
 * prefix parse), false for every ordinary output.
 *
 * Chain integration: where an input's script would be verified under
 * SCRIPT_VERIFY_TOKENS (script_check_run, chainstate_check_tx_scripts,
 * the mempool's direct verification), an input for which this returns true
 * is not verified, and the transaction is valid only if issuance_tx_check
 * accepts it. Without SCRIPT_VERIFY_TOKENS (the bitcoin profile) it must not
 * be consulted. Precondition: in_index < tx->vin_count.
 */
__attribute__((warn_unused_result)) bool issuance_input_is_liquidation(const struct tx *tx, size_t in_index,
                                                                       const struct txout *spent);

/**
 * Rule 7 for a transaction whose vault input takes the liquidation path
 * (t->liquidation): no vault output (ISSUANCE_REJECT_LIQ_VAULT_OUT); the
 * asset's price is fresh at height (..._PRICE_STALE); the vault's debt is
 * above 0 and its ratio below the liquidation ratio (..._HEALTHY); the
 * transaction burns exactly the debt: TOKEN in = TOKEN out + debt for the
 * vault's asset (..._BURN); if collateral - seized > 0, output 0's
 * scriptPubKey is byte-for-byte the vault's locking script
 * (..._OWNER_SCRIPT) and its value is at least collateral - seized
 * (..._OWNER_VALUE). Checked in that order.
 * In: asset and as: the vault asset's parameters and state; height: the
 * block being connected (mempool: the next block).
 * Out: *seized = issuance_seized(collateral, debt, price, bonus) (0 on failure).
 * Returns false with st set (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool issuance_liquidation_check(struct val_state *st, uint64_t *seized,
                                                                    const struct tx *tx,
                                                                    const struct issuance_tally *t,
                                                                    const struct chain_asset *asset,
                                                                    const struct issuance_asset_state *as,
                                                                    int32_t height);

#endif
