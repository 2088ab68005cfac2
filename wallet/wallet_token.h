#ifndef HASHMINT_WALLET_WALLET_TOKEN_H
#define HASHMINT_WALLET_WALLET_TOKEN_H
/* The wallet's token RPCs (doc/wallet.md, "Tokens"; spec: doc/issuance.md):
 * token balances and coins, sending tokens, repaying a vault's debt and
 * liquidating an under-collateralised vault with the wallet's tokens.
 *
 * Units: token amounts are integers in the asset's base units (as every
 * issuance RPC), HMC amounts in base units. Errors as wallet/wallet.h: Core's
 * RPC codes in struct wallet_error; a refused call writes nothing. Every
 * spend is checked, before anything is stored or broadcast, with the
 * issuance rules consensus runs (issuance_tx_check against the tip's
 * issuance state) and then by the node's mempool in test mode. */
#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "wallet/wallet.h"

/**
 * gettokenbalance: the trusted token balance (confirmed at least minconf
 * times, or our own trusted unconfirmed) of asset (>= 0: a JSON integer),
 * or of every asset (asset < 0: {"<ticker>": n, ...}).
 */
json_t *wallet_token_balance_json(struct wallet *w, int asset, int minconf);

/**
 * listtokenunspent: the wallet's unspent TOKEN outputs with minconf <=
 * confirmations <= maxconf; addresses (NULL or a JSON array of strings)
 * and asset (>= 0) filter; unsafe ones (unconfirmed from others) only with
 * include_unsafe.
 */
json_t *wallet_list_token_unspent(struct wallet *w, int minconf, int maxconf, const json_t *addresses, int asset,
                                  bool include_unsafe);

/**
 * sendtoken: pays amount (1 .. 2^53 base units) of asset to script (an
 * address's script, without prefix), token change to a new change address,
 * the fee from the wallet's HMC coins (o: fee rate, RBF). Out: *txid.
 * Errors: -6 insufficient token or HMC funds; -13 locked; -4 no keys;
 * -26 refused by the issuance rules or the mempool.
 */
__attribute__((warn_unused_result)) bool wallet_send_token(struct wallet *w, struct wallet_error *e,
                                                           struct hash256 *txid, const uint8_t *script,
                                                           size_t script_len, uint64_t amount, uint32_t asset,
                                                           const struct wallet_send_options *o);

/** One token payment: amount (1 .. 2^53 base units) to script (an address's script, without prefix). */
struct wallet_token_recipient {
    const uint8_t *script;
    size_t script_len;
    uint64_t amount;
};

/**
 * send with options.asset: sendtoken's transaction for n recipients of
 * asset (token outputs in order, token change, HMC change last), signed,
 * checked (issuance rules, mempool test), stored and submitted. Out: *txid,
 * *fee (HMC base units; may be NULL). Errors as wallet_send_token; -8 no
 * recipients.
 */
__attribute__((warn_unused_result)) bool wallet_send_tokens(struct wallet *w, struct wallet_error *e,
                                                            struct hash256 *txid, int64_t *fee,
                                                            const struct wallet_token_recipient *r, size_t n,
                                                            uint32_t asset, const struct wallet_send_options *o);

/**
 * walletcreatefundedpsbt with options.asset: the same transaction as
 * wallet_send_tokens, unsigned, after the issuance rules passed on it (a
 * fresh change address only then); its coins are not locked (as sendtoken's
 * fee coins in a PSBT round: lockUnspents is not applied).
 * Out: *tx (tx_init'ed here; the caller tx_clear's it), *fee, *change_pos
 * (the HMC change output, -1: none). Nothing is
 * stored or broadcast.
 */
__attribute__((warn_unused_result)) bool wallet_fund_tokens(struct wallet *w, struct wallet_error *e, struct tx *tx,
                                                            int64_t *fee, int *change_pos,
                                                            const struct wallet_token_recipient *r, size_t n,
                                                            uint32_t asset, const struct wallet_send_options *o);

/**
 * vaultrepay: burns amount (1 .. the debt) of the wallet's tokens against
 * the debt of the wallet's vault at vault, which is recreated with the same
 * collateral and owner and debt - amount (the rest may be 0, or at least
 * the asset's minimum vault debt). Fee from the wallet's HMC coins. Out:
 * *txid, *debt_left. Errors: -5 no unspent vault there; -4 not the
 * wallet's vault or immature; -8 amount above the debt or leaving dust
 * debt; -6 insufficient tokens or HMC; -26 refused.
 */
__attribute__((warn_unused_result)) bool wallet_vault_repay(struct wallet *w, struct wallet_error *e,
                                                            struct hash256 *txid, uint64_t *debt_left,
                                                            const struct outpoint *vault, uint64_t amount,
                                                            const struct wallet_send_options *o);

/**
 * liquidatevault: liquidates the vault at vault (anyone's) through the
 * liquidation path (spec rule 7): burns exactly its debt from the wallet's
 * tokens, pays the owner collateral - seized (output 0) and the wallet
 * seized minus the fee (a new address of the wallet). Out: *txid,
 * *seized, *fee. Errors: -5 no unspent vault; -8 no debt; -4 price stale,
 * vault not below the liquidation ratio, immature, seized collateral too
 * small for the fee; -6 insufficient tokens; -26 refused.
 */
__attribute__((warn_unused_result)) bool wallet_liquidate_vault(struct wallet *w, struct wallet_error *e,
                                                                struct hash256 *txid, uint64_t *seized, int64_t *fee,
                                                                const struct outpoint *vault,
                                                                const struct wallet_send_options *o);

/**
 * Replaces the wallet's unconfirmed liquidation txid (BIP 125; bumpfee
 * refuses it: its vault input is not the wallet's) by the same transaction
 * at a higher fee rate, the fee taken from the payout: the old rate plus a
 * quarter, at least plus the incremental relay fee, capped at max_rate (> 0,
 * base units per kvB). Out: *new_txid, *new_rate. Errors: -5 unknown; -4
 * mined, conflicted or not a liquidation paying the wallet; -8 the cap
 * leaves no room for the incremental fee; -26 refused by the mempool.
 */
__attribute__((warn_unused_result)) bool wallet_liquidation_bump(struct wallet *w, struct wallet_error *e,
                                                                 struct hash256 *new_txid, int64_t *new_rate,
                                                                 const struct hash256 *txid, int64_t max_rate);

#endif
