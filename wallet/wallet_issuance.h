#ifndef HASHMINT_WALLET_WALLET_ISSUANCE_H
#define HASHMINT_WALLET_WALLET_ISSUANCE_H
/* The wallet's vault and issuer commands (doc/wallet.md, "Vaults and
 * issuer"; the rules are doc/issuance.md's): vaultdeposit, vaultwithdraw,
 * mint, setoracleprice and setissuerpaused.
 *
 * Each builds one transaction: the vault or the protocol output (ISSUER,
 * ORACLE) it spends and recreates, the HMC fee (and a deposit) from the
 * wallet's ordinary coins, change. Before anything is signed it is judged
 * by issuance_tx_check (the consensus entry point) against the tip's
 * issuance state at tip height + 1, as the mempool will judge it; a refusal
 * names the rule (WALLET_E_WALLET, the reject reason in brackets). The
 * wallet then signs what its keys can: complete, the transaction is
 * test-accepted, stored and broadcast; incomplete (fewer issuer or oracle
 * keys than the threshold), the PSBT is returned for the other key holders
 * (walletprocesspsbt, combinepsbt, finalizepsbt, sendrawtransaction).
 *
 * A vault is the wallet's when its output is in the wallet (a transaction
 * it stored: the coinbase that opened it or its last spend), unspent, and
 * its locking script is one of the wallet's with private keys. Vaults and
 * other prefixed outputs never enter ordinary coin selection or balances.
 *
 * Every function takes the chain lock, then the wallet lock. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"
#include "wallet/wallet.h"

/** What a vault or issuer command did. */
struct wallet_issuance_result {
    bool complete;         /* signed, stored and broadcast */
    struct hash256 txid;   /* the transaction (complete) */
    char *psbt;            /* Base64 PSBT for the other signers (!complete; mem_free) */
    bool has_vault;        /* the transaction recreates a vault */
    struct outpoint vault; /* its new outpoint */
    int64_t fee;
};
/** Frees r's PSBT and zeroes it. */
void wallet_issuance_result_clear(struct wallet_issuance_result *r);

/** vaultdeposit: adds amount (HMC base units, > 0) of the wallet's coins to the vault's collateral. */
__attribute__((warn_unused_result)) bool wallet_vault_deposit(struct wallet *w, struct wallet_error *e,
                                                              struct wallet_issuance_result *r,
                                                              const struct outpoint *vault, int64_t amount,
                                                              const struct wallet_send_options *o);
/**
 * vaultwithdraw: takes amount (HMC base units, > 0, at most the collateral)
 * out of the vault and pays it to dest (a scriptPubKey; NULL: a new address
 * of the wallet). All of a debt-free vault's collateral closes it.
 */
__attribute__((warn_unused_result)) bool wallet_vault_withdraw(struct wallet *w, struct wallet_error *e,
                                                               struct wallet_issuance_result *r,
                                                               const struct outpoint *vault, int64_t amount,
                                                               const uint8_t *dest, size_t dest_len,
                                                               const struct wallet_send_options *o);
/**
 * mint: raises the vault's debt by amount (token base units, > 0) and pays
 * the new tokens to dest (NULL: the vault's own locking script), spending
 * and recreating the asset's ISSUER output (same script, value, flags).
 */
__attribute__((warn_unused_result)) bool wallet_vault_mint(struct wallet *w, struct wallet_error *e,
                                                           struct wallet_issuance_result *r,
                                                           const struct outpoint *vault, uint64_t amount,
                                                           const uint8_t *dest, size_t dest_len,
                                                           const struct wallet_send_options *o);
/** setoracleprice: recreates asset's ORACLE output (same script and value) with price (> 0). */
__attribute__((warn_unused_result)) bool wallet_set_oracle_price(struct wallet *w, struct wallet_error *e,
                                                                 struct wallet_issuance_result *r, size_t asset,
                                                                 uint64_t price, const struct wallet_send_options *o);
/** setissuerpaused: recreates asset's ISSUER output (same script and value) with the paused flag set or cleared. */
__attribute__((warn_unused_result)) bool wallet_set_issuer_paused(struct wallet *w, struct wallet_error *e,
                                                                  struct wallet_issuance_result *r, size_t asset,
                                                                  bool paused, const struct wallet_send_options *o);

/**
 * Returns true if op is one of the wallet's vaults as its own records
 * have it (stored, not spent by a wallet transaction, locking script the
 * wallet's): listvaults on a wallet endpoint keeps these.
 */
bool wallet_has_vault(struct wallet *w, const struct outpoint *op);

#endif
