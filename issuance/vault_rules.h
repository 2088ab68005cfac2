#ifndef HASHMINT_ISSUANCE_VAULT_RULES_H
#define HASHMINT_ISSUANCE_VAULT_RULES_H
/* Vaults, minting and repayment (spec rules 1-6, doc/issuance.md "Vaults,
 * minting and repayment"): where vaults may appear, how many, their debt,
 * what a mint, a withdrawal and a close need, and the conservation of
 * tokens per asset. Liquidation (rule 7) is issuance/liquidation.h. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/validation.h"
#include "issuance/issuance_effects.h"
#include "issuance/issuance_state.h"
#include "issuance/tx_tally.h"

#define ISSUANCE_REJECT_COINBASE_VAULT_DEBT "bad-issuance-coinbase-vault-debt"
#define ISSUANCE_REJECT_VAULT_MULTIPLE_IN "bad-issuance-vault-multiple-in"
#define ISSUANCE_REJECT_VAULT_MULTIPLE_OUT "bad-issuance-vault-multiple-out"
#define ISSUANCE_REJECT_VAULT_OPEN "bad-issuance-vault-open"
#define ISSUANCE_REJECT_VAULT_ASSET "bad-issuance-vault-asset"
#define ISSUANCE_REJECT_VAULT_DUST "bad-issuance-vault-dust"
#define ISSUANCE_REJECT_MINT_NO_ISSUER "bad-issuance-mint-no-issuer"
#define ISSUANCE_REJECT_MINT_PAUSED "bad-issuance-mint-paused"
#define ISSUANCE_REJECT_MINT_BREAKER "bad-issuance-mint-breaker"
#define ISSUANCE_REJECT_MINT_PRICE_STALE "bad-issuance-mint-price-stale"
#define ISSUANCE_REJECT_MINT_RATIO "bad-issuance-mint-ratio"
#define ISSUANCE_REJECT_MINT_CEILING "bad-issuance-mint-ceiling"
#define ISSUANCE_REJECT_WITHDRAW_PRICE_STALE "bad-issuance-withdraw-price-stale"
#define ISSUANCE_REJECT_WITHDRAW_RATIO "bad-issuance-withdraw-ratio"
#define ISSUANCE_REJECT_CLOSE_UNPAID "bad-issuance-close-unpaid"
#define ISSUANCE_REJECT_TOKEN_INFLATE "bad-issuance-token-inflate"
#define ISSUANCE_REJECT_TOKEN_BURN "bad-issuance-token-burn"

/**
 * Rules 1 and 2, the shape of a transaction's vaults, checked in this order:
 * - coinbase: every VAULT output has debt 0 (ISSUANCE_REJECT_COINBASE_VAULT_DEBT);
 *   any number of them may be opened; nothing else here applies;
 * - at most one vault spent (..._VAULT_MULTIPLE_IN) and at most one created
 *   (..._VAULT_MULTIPLE_OUT);
 * - a vault created continues a vault spent (..._VAULT_OPEN) of the same
 *   asset (..._VAULT_ASSET);
 * - the vault created has debt 0 or at least the asset's min_vault_debt
 *   (..._VAULT_DUST).
 * Returns false with st set (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool issuance_vault_structure_check(struct val_state *st,
                                                                        const struct issuance_tally *t,
                                                                        const struct chain_asset *assets);

/**
 * Rules 4, 5 and 6 for a non-coinbase transaction that spends a vault
 * without the liquidation path (t->vault_in_count == 1, !t->liquidation,
 * structure already checked). debt_out and collateral_out are the vault
 * output's, or 0 when none is created (a close). With minted = debt_out -
 * debt_in when positive, checked in this order:
 * - mint (minted > 0): the asset's ISSUER is spent (..._MINT_NO_ISSUER; rule
 *   10 then makes it recreated exactly once), its flags (the spent ISSUER's)
 *   do not say paused (..._MINT_PAUSED), height >= breaker_until
 *   (..._MINT_BREAKER), the price is fresh (..._MINT_PRICE_STALE), the ratio
 *   after is at least min_collateral_ratio_pct (..._MINT_RATIO), supply +
 *   minted <= debt_ceiling (..._MINT_CEILING);
 * - withdraw (collateral_out < collateral_in and debt_out > 0): price fresh
 *   (..._WITHDRAW_PRICE_STALE), ratio after at least the minimum
 *   (..._WITHDRAW_RATIO).
 * Deposits, repayments, withdrawals leaving no debt and closes need no
 * price. A close's repayment is enforced by issuance_conservation_check.
 * Out: fx->asset[vault asset].minted / .repaid, the vault action bits,
 * fx->has_vault_in/vault_in/has_vault_out/vault_out.
 * In: as: the vault asset's state; height: the block being connected.
 * Returns false with st set (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool issuance_vault_operation_check(struct val_state *st,
                                                                        struct issuance_effects *fx,
                                                                        const struct issuance_tally *t,
                                                                        const struct chain_asset *asset,
                                                                        const struct issuance_asset_state *as,
                                                                        int32_t height);

/**
 * Rule 3 for every asset, in asset order:
 *   tokens_in + minted == tokens_out + repaid
 * with minted/repaid from fx. The right side larger: tokens appear or debt
 * disappears unpaid: ISSUANCE_REJECT_CLOSE_UNPAID for the asset of a vault
 * closed by its owner (rule 6), else ..._TOKEN_INFLATE. The left side
 * larger: tokens destroyed other than by repaying debt: ..._TOKEN_BURN.
 * Returns false with st set (VAL_TX_CONSENSUS).
 */
__attribute__((warn_unused_result)) bool issuance_conservation_check(struct val_state *st,
                                                                     const struct issuance_effects *fx,
                                                                     const struct issuance_tally *t);

#endif
