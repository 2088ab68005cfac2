#ifndef HASHMINT_WALLET_TX_SIGN_H
#define HASHMINT_WALLET_TX_SIGN_H
/* Signing transaction inputs with given keys (signrawtransactionwithkey),
 * Bitcoin Core's SignTransaction in C: P2PK, P2PKH, P2SH around any of
 * these or a witness program, P2WPKH, P2WSH, bare and wrapped multisig
 * (signatures already present in the input are kept and completed), and
 * P2TR: the key path (with the script tree's Merkle root in the tweak when
 * the output has one) when the internal key's secret is held, else the
 * script path through a pk() or multi_a() leaf whose keys are held
 * (Schnorr signatures already in a multi_a witness are kept). Under TOKENS (hashmint chains) an output's extension
 * prefix is skipped for template matching and prepended to every legacy and
 * BIP 143 scriptCode, exactly as the interpreter hashes it.
 *
 * After signing, each input is verified with the standard script flags and
 * Core's per-input error text is reported. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"

/* Core's STANDARD_SCRIPT_VERIFY_FLAGS (policy.h). */
#define TX_SIGN_STANDARD_FLAGS 0x1fffdfu /* bits 0-20 except SIGPUSHONLY */

/** Where a public key comes from (BIP 32): for the PSBT updater's
 *  derivation fields. xonly: the key is a taproot internal key (pub is 32
 *  bytes). */
struct tx_signer_origin {
    uint8_t pub[65];
    size_t pub_len;
    bool xonly;
    uint8_t fp[4];     /* master fingerprint */
    uint32_t path[40]; /* from the master */
    size_t path_len;
};

/** One tapscript leaf of a taproot output the signer knows (BIP 341):
 *  the script (leaf version 0xc0) and the control block proving it. */
struct tx_signer_leaf {
    struct bytes script;
    struct bytes control;
};

/** A taproot output with a script tree (tr(KEY,TREE)): what the key path
 *  (the tweak commits to the Merkle root) and the script path need. */
struct tx_signer_tap {
    uint8_t internal[32];
    uint8_t output[32];
    uint8_t root[32];
    int parity; /* of the output key: the control block's low bit */
    struct tx_signer_leaf *leaves;
    size_t leaf_count;
};

/** A tapscript signature made elsewhere (a PSBT's TAP_SCRIPT_SIG). */
struct tx_signer_tap_sig {
    uint8_t xonly[32];
    uint8_t leaf_hash[32];
    uint8_t sig[65];
    size_t sig_len;
};

/** A key store and the scripts signing may need. Embedded: tx_signer_init/clear. */
struct tx_signer {
    struct tx_signer_tap_sig *tap_sigs; /* reused when valid for the input signed */
    size_t tap_sig_count;
    struct tx_signer_tap *taps; /* taproot outputs with a script tree */
    size_t tap_count;
    struct tx_signer_key *keys;
    size_t key_count;
    struct bytes *scripts; /* redeem and witness scripts, looked up by hash */
    size_t script_count;
    struct tx_signer_origin *origins; /* public keys with a known origin (descriptors) */
    size_t origin_count;
    bool tokens;        /* the chain uses extension prefixes */
    uint32_t flags;     /* verification flags (TX_SIGN_STANDARD_FLAGS, + TOKENS) */
};

/** Starts an empty signer for a chain with (tokens) or without prefixes. */
void tx_signer_init(struct tx_signer *s, bool tokens);
/** Wipes the keys and frees everything. */
void tx_signer_clear(struct tx_signer *s);
/** Adds a private key; its public key is compressed or not as given (a compressed key's P2WPKH
 *  program is added as a script too, for P2SH-P2WPKH). Returns false for an invalid key. */
bool tx_signer_add_key(struct tx_signer *s, const uint8_t seckey[32], bool compressed);
/** Out: seckey, *compressed: the key whose public key hashes to hash160 (signmessage).
 *  Returns false if the signer has none. */
__attribute__((warn_unused_result)) bool tx_signer_find_key(const struct tx_signer *s, uint8_t seckey[32],
                                                            bool *compressed, const uint8_t hash160[20]);
/** Adds a redeem or witness script (copied). */
void tx_signer_add_script(struct tx_signer *s, const uint8_t *p, size_t len);
/** Records a taproot output with a script tree: internal key and Merkle
 *  root (an output already recorded is not added twice). Returns the
 *  record to add leaves to, or NULL if internal is not a valid x-only key. */
struct tx_signer_tap *tx_signer_add_tap(struct tx_signer *s, const uint8_t internal[32], const uint8_t root[32]);
/** Adds a leaf (script, copied) to a recorded output with its Merkle path
 *  (path_len bytes, 32 per level, from the leaf's sibling up); the control
 *  block is built from it. */
void tx_signer_tap_add_leaf(struct tx_signer_tap *t, const uint8_t *script, size_t len, const uint8_t *path,
                            size_t path_len);
/** Records the leaf a control block proves (BIP 341: its internal key and
 *  Merkle path give the output), e.g. from a PSBT's TAP_LEAF_SCRIPT.
 *  Returns false if the control block is malformed or leaf_version is not
 *  0xc0 (nothing recorded). */
bool tx_signer_add_leaf_control(struct tx_signer *s, const uint8_t *script, size_t len, uint8_t leaf_version,
                                const uint8_t *control, size_t control_len);
/** Records a tapscript signature (64 or 65 bytes) by xonly for the leaf
 *  with hash leaf_hash; the signer puts it in a witness only if it verifies. */
void tx_signer_add_tap_sig(struct tx_signer *s, const uint8_t xonly[32], const uint8_t leaf_hash[32],
                           const uint8_t *sig, size_t sig_len);
/** Records the origin of a public key (copied; a key already recorded is
 *  not added twice). */
void tx_signer_add_origin(struct tx_signer *s, const struct tx_signer_origin *o);

/**
 * Core's ParseSighashString: "DEFAULT", "ALL", "NONE", "SINGLE", each but
 * DEFAULT optionally with "|ANYONECANPAY". Out: *out. Returns false for any
 * other string.
 */
__attribute__((warn_unused_result)) bool tx_sign_parse_sighash(int *out, const char *s);

/**
 * Signs what it can of input i (< tx->vin_count) and verifies it. spent:
 * the output each input spends (vin_count entries; have[j] false where the
 * coin is unknown, which only matters for taproot). amount_known: false
 * when the caller had no amount for input i (Core's "Missing amount" for
 * witness inputs). Returns NULL if the input is complete and valid,
 * otherwise Core's error string (static) for the errors array.
 */
const char *tx_sign_input(const struct tx_signer *s, struct tx *tx, size_t i, const struct txout *spent,
                          const bool *have, bool amount_known, int hash_type);

/** Receives one (public key, signature with hash-type byte) pair. */
typedef void (*tx_sign_sig_fn)(void *arg, const uint8_t *pub, size_t pub_len, const uint8_t *sig, size_t sig_len);

/**
 * Reports every ECDSA signature input i of tx holds (in its scriptSig and
 * witness) that verifies for a key of the script it satisfies (single-key or
 * multisig, bare, P2SH, P2WPKH, P2WSH, P2SH-P2WSH), with that key: the
 * partial signatures a PSBT keeps for an incomplete input. spent/have as
 * tx_sign_input; tokens: the chain uses extension prefixes.
 */
void tx_sign_input_sigs(const struct tx *tx, size_t i, const struct txout *spent, const bool *have, bool tokens,
                        tx_sign_sig_fn fn, void *arg);

/** Receives one tapscript signature of a script-path witness. */
typedef void (*tx_sign_tap_sig_fn)(void *arg, const uint8_t xonly[32], const uint8_t leaf_hash[32],
                                   const uint8_t *sig, size_t sig_len);

/**
 * Reports the signatures of a script-path witness (pk() or multi_a() leaf:
 * signature slots, script, control block) with their keys and the leaf's
 * hash, for a PSBT's TAP_SCRIPT_SIG. Returns false (nothing reported) if
 * the witness is not such a spend.
 */
bool tx_sign_tap_witness_sigs(const struct txin *in, tx_sign_tap_sig_fn fn, void *arg);

/** Returns the taproot output of s whose output key is xonly, or NULL. */
const struct tx_signer_tap *tx_signer_find_tap(const struct tx_signer *s, const uint8_t xonly[32]);

#endif
