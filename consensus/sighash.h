#ifndef HASHMINT_CONSENSUS_SIGHASH_H
#define HASHMINT_CONSENSUS_SIGHASH_H
/* Signature hashes and the transaction signature checker.
 *
 * Three schemes, as Bitcoin defines them:
 *  - legacy (SIGVERSION_BASE): the original transaction copy with the
 *    scriptCode in place of the signed input's scriptSig, including the
 *    SIGHASH_SINGLE bug (an out-of-range input hashes to 1);
 *  - BIP 143 (SIGVERSION_WITNESS_V0): a fixed-shape preimage over
 *    precomputed double-SHA-256 digests of prevouts, sequences and outputs;
 *  - BIP 341/342 (SIGVERSION_TAPROOT/TAPSCRIPT): the "TapSighash" tagged
 *    hash over single-SHA-256 digests that also commit to every spent
 *    amount and scriptPubKey.
 *
 * struct tx_precomputed holds the per-transaction digests (Bitcoin Core's
 * PrecomputedTransactionData) so that validating n inputs costs O(n)
 * hashing, not O(n^2). The checker (struct tx_sig_checker) plugs these into
 * the interpreter's struct sig_checker.
 *
 * hashmint (doc/issuance.md): under SCRIPT_VERIFY_TOKENS the interpreter
 * prepends the spent output's extension prefix to legacy and BIP 143
 * scriptCodes; taproot already commits to the whole scriptPubKey. The legacy
 * serialiser removes OP_CODESEPARATORs from the script only, never from
 * the prefix bytes (which are data, not script). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/interpreter.h"
#include "consensus/tx.h"
#include "src/crypto/sha256.h"
#include "src/util/wbuf.h"

#define SIGHASH_DEFAULT 0x00 /* BIP 341: 64-byte signature, same as ALL */
#define SIGHASH_ALL 0x01
#define SIGHASH_NONE 0x02
#define SIGHASH_SINGLE 0x03
#define SIGHASH_ANYONECANPAY 0x80
#define SIGHASH_OUTPUT_MASK 0x03
#define SIGHASH_INPUT_MASK 0x80

/* Tapscript leaf version (BIP 342). */
#define TAPROOT_LEAF_TAPSCRIPT 0xc0

/**
 * Per-transaction digests. Initialise with tx_precomputed_init(); nothing to
 * free. The struct BORROWS the spent outputs array (it does not copy it):
 * the caller keeps `spent` alive and unchanged for as long as the struct is
 * used (a block validator owns them in its coins view for the whole check).
 */
struct tx_precomputed {
    /* BIP 143: double SHA-256. */
    uint8_t hash_prevouts[32];
    uint8_t hash_sequence[32];
    uint8_t hash_outputs[32];
    /* BIP 341: single SHA-256 (hash_* above are SHA-256 of these). */
    uint8_t sha_prevouts[32];
    uint8_t sha_sequences[32];
    uint8_t sha_outputs[32];
    uint8_t sha_amounts[32];       /* valid only if taproot_ready */
    uint8_t sha_scriptpubkeys[32]; /* valid only if taproot_ready */
    bool spent_ready;              /* spent outputs were given */
    bool taproot_ready;            /* ... and one may be taproot: taproot can be hashed */
    const struct txout *spent;     /* borrowed, one per input, or NULL */
    size_t spent_count;
};

/**
 * Computes every digest of tx once. spent: the outputs the inputs spend, in
 * input order (spent_count must equal tx->vin_count), or NULL/0 when they are
 * unknown (legacy and BIP 143 hashing still work; taproot signatures then
 * fail, as Bitcoin Core's checker does when it lacks the data). A count that
 * does not match is treated as absent. As in Core, the BIP 341 digests of
 * the spent amounts and scripts are computed only if some spent output may
 * be a taproot output (its scriptPubKey ends in OP_1 <32 bytes>, after any
 * extension prefix); otherwise taproot hashing fails, which no valid spend
 * can reach (only a taproot output is spent by a taproot signature).
 * Out: *pre. The array is borrowed.
 */
void tx_precomputed_init(struct tx_precomputed *pre, const struct tx *tx, const struct txout *spent, size_t spent_count);

/**
 * Legacy signature hash (Bitcoin Core's SignatureHash for SIGVERSION_BASE).
 * Out: out, 32 bytes in internal order (as signed; display is reversed).
 * script_code: the script being signed; the first prefix_len bytes are an
 * extension prefix written verbatim (0 for Bitcoin), OP_CODESEPARATORs are
 * removed from the rest exactly as Core's serialiser does. hash_type: the
 * full 32-bit value (a signature supplies 0..255). An input index beyond the
 * inputs, or SIGHASH_SINGLE without a matching output, gives the hash 1
 * (0x01 then 31 zero bytes), Bitcoin's historical behaviour.
 */
void sighash_legacy(uint8_t out[32], const struct tx *tx, size_t in_index, const uint8_t *script_code,
                    size_t script_code_len, size_t prefix_len, int32_t hash_type);

/**
 * Legacy signature hashes of one input, cached (Bitcoin Core's SigHashCache,
 * the fix of CVE-2025-46598): the serialisation of the whole transaction but
 * the trailing nHashType depends only on the script code and on the kind of
 * hash type (ALL, NONE or SINGLE, with or without ANYONECANPAY), so its
 * SHA-256 state is kept per kind for the last script code seen. A script that
 * runs many signature checks on one input then serialises the transaction
 * once per kind instead of once per check (without the cache a 1 MB legacy
 * transaction could cost O(checks x size) hashing per input). Zero it
 * (memset or tx_sig_checker_init) before the first use; nothing to free.
 */
#define SIGHASH_LEGACY_KINDS 6
struct sighash_legacy_cache {
    bool valid[SIGHASH_LEGACY_KINDS];
    uint8_t code_key[SIGHASH_LEGACY_KINDS][32]; /* SHA-256 of (prefix_len, script code) of the entry */
    struct sha256_ctx mid[SIGHASH_LEGACY_KINDS]; /* state after everything but nHashType */
    uint64_t serialized;                          /* transaction serialisations so far (the hashing budget) */
    uint64_t serialized_bytes;                    /* their total size */
};

/**
 * sighash_legacy through *cache: the same result for the same arguments.
 * Precondition: the cache was used only for this tx and in_index.
 */
void sighash_legacy_cached(struct sighash_legacy_cache *cache, uint8_t out[32], const struct tx *tx, size_t in_index,
                           const uint8_t *script_code, size_t script_code_len, size_t prefix_len, int32_t hash_type);

/**
 * BIP 143 signature hash for witness v0. Precondition: in_index < vin_count.
 * Out: out (internal order). script_code is committed as-is (no
 * OP_CODESEPARATOR removal); amount is the spent output's value; pre must be
 * tx_precomputed_init()ed for tx.
 */
void sighash_witness_v0(uint8_t out[32], const struct tx *tx, size_t in_index, const uint8_t *script_code,
                        size_t script_code_len, int64_t amount, int32_t hash_type, const struct tx_precomputed *pre);

/**
 * BIP 341 message for a key-path (SIGVERSION_TAPROOT) or tapscript
 * (SIGVERSION_TAPSCRIPT) signature: the epoch byte 0x00 then SigMsg, exactly
 * the bytes the "TapSighash" tagged hash covers (the wallet vectors' sigMsg).
 * Appends to msg. execdata: annex (required), and for tapscript the tapleaf hash
 * and code-separator position. Returns false (msg unchanged) if hash_type is
 * not one of 0x00-0x03, 0x81-0x83, if SIGHASH_SINGLE has no matching output,
 * if the spent outputs are unknown, or if in_index is out of range.
 */
__attribute__((warn_unused_result)) bool sighash_taproot_msg(struct wbuf *msg, const struct tx *tx, size_t in_index,
                                                             uint8_t hash_type, enum sig_version sigversion,
                                                             const struct script_exec_data *execdata,
                                                             const struct tx_precomputed *pre);

/**
 * BIP 341 signature hash: tagged_hash("TapSighash", 0x00 || SigMsg),
 * streamed without building the message.
 * Out: out. Returns false under the same conditions as sighash_taproot_msg.
 */
__attribute__((warn_unused_result)) bool sighash_taproot(uint8_t out[32], const struct tx *tx, size_t in_index,
                                                         uint8_t hash_type, enum sig_version sigversion,
                                                         const struct script_exec_data *execdata,
                                                         const struct tx_precomputed *pre);

/** BIP 341 leaf hash: tagged_hash("TapLeaf", leaf_version || CompactSize(len) || script). Out: out. */
void sighash_tapleaf_hash(uint8_t out[32], uint8_t leaf_version, const uint8_t *script, size_t len);

/**
 * The real signature checker for one input (Bitcoin Core's
 * TransactionSignatureChecker). All pointers are borrowed and must outlive
 * every use of the checker.
 */
struct tx_sig_checker {
    const struct tx *tx;
    size_t in_index;
    int64_t amount;                   /* value of the spent output (BIP 143) */
    const struct tx_precomputed *pre; /* digests of tx */
    bool tokens;                      /* SCRIPT_VERIFY_TOKENS: script codes may start with a prefix */
    struct sighash_legacy_cache legacy; /* this input's legacy sighash states (the checker's own) */
};

/**
 * Sets up *tc and the interpreter-facing *checker (checker->ctx = tc) for
 * input in_index (< tx->vin_count) of tx, spending an output worth amount.
 * pre: tx_precomputed_init()ed for tx. flags: the same SCRIPT_VERIFY_* flags
 * given to script_verify (only TOKENS matters here).
 */
void tx_sig_checker_init(struct tx_sig_checker *tc, struct sig_checker *checker, const struct tx *tx, size_t in_index,
                         int64_t amount, const struct tx_precomputed *pre, uint32_t flags);

#endif
