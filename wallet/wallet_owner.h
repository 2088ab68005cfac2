#ifndef HASHMINT_WALLET_WALLET_OWNER_H
#define HASHMINT_WALLET_WALLET_OWNER_H
/* Which of the wallet's scripts owns an output, looking through the
 * extension prefix (doc/issuance.md, "Token data on outputs"): a TOKEN,
 * VAULT, ISSUER or ORACLE output is spent with the locking script after its
 * prefix, so the wallet owns it when it owns that script.
 *
 * wallet_find_spk (wallet_internal.h) matches a whole scriptPubKey and so
 * never matches a prefixed output: the HMC coins, balances and coin
 * selection only ever see plain outputs. The token and vault code asks
 * here instead. Shared by wallet/token_*.c and the vault code. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/token_prefix.h"

struct wallet;
struct spkent;

/**
 * Returns the wallet's entry for the script that spends spk, or NULL when
 * the wallet does not own it. On a chain with prefixes (params->
 * tokens_enabled) a well-formed prefix is skipped; a malformed one owns
 * nothing. Out (each may be NULL): *tp, the parsed prefix (zeroed for a
 * plain output), *prefixed. Caller holds the wallet lock.
 */
const struct spkent *wallet_find_owner(struct wallet *w, struct token_prefix *tp, bool *prefixed,
                                       const uint8_t *spk, size_t len);

/**
 * Returns true if spk starts with an extension prefix on this wallet's
 * chain (well-formed or not): such an output is never an HMC coin.
 */
bool wallet_spk_prefixed(const struct wallet *w, const uint8_t *spk, size_t len);

#endif
