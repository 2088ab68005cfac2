#ifndef HASHMINT_WALLET_PSBT_SIGN_H
#define HASHMINT_WALLET_PSBT_SIGN_H
/* The PSBT signer, finalizer and extractor (BIP 174 roles) over the
 * transaction signer of wallet/tx_sign.h. */
#include <stdbool.h>

#include "wallet/psbt.h"

struct tx_signer;

/**
 * Signs every input of p the signer's keys can sign (after adding the
 * redeem and witness scripts the PSBT carries to s), keeping the partial
 * signatures already there: new signatures go to the partial-signature
 * (or taproot key-path signature) fields. finalize: an input whose
 * signatures are complete gets its final scriptSig/witness and loses its
 * partial data (Core's FinalizePSBT). hash_type: used where an input has no
 * sighash field. Out: *complete, every input final (finalize) or fully
 * signed. Returns false with error if an input's sighash field disagrees
 * with hash_type ("Specified sighash value does not match value stored in
 * PSBT").
 */
__attribute__((warn_unused_result)) bool psbt_sign(struct psbt *p, struct tx_signer *s, int hash_type, bool finalize,
                                                   bool *complete, bool hash_type_given, char *error, size_t error_cap);

/** Updater: adds to each non-final input with a known UTXO, and to each
 *  output, the redeem and witness scripts of s that its output (or redeem
 *  script) commits to; for an input spending a script tree s knows, BIP
 *  371's TAP_INTERNAL_KEY, TAP_MERKLE_ROOT and a TAP_LEAF_SCRIPT per leaf. */
void psbt_update_scripts(struct psbt *p, const struct tx_signer *s);

/**
 * Updater (Core's bip32derivs): adds to each non-final input with a known
 * UTXO, and to each output, the BIP 32 origin of every key of s's origins
 * its scripts use: PSBT_{IN,OUT}_BIP32_DERIVATION for a key found in the
 * scriptPubKey, redeem or witness script (as itself or its HASH160), and
 * for a taproot key-path output of an internal key the BIP 371
 * TAP_BIP32_DERIVATION (no leaf hashes) and TAP_INTERNAL_KEY. Fields
 * already present are kept.
 */
void psbt_update_origins(struct psbt *p, const struct tx_signer *s);

/** finalizepsbt: completes what can be completed from the partial data alone. */
void psbt_finalize(struct psbt *p, bool tokens, bool *complete);

/** Builds the network transaction from a finalized PSBT. Returns false (out
 *  empty) unless every input is final. */
__attribute__((warn_unused_result)) bool psbt_extract(const struct psbt *p, struct tx *out);

#endif
