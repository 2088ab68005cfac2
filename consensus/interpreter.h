#ifndef HASHMINT_CONSENSUS_INTERPRETER_H
#define HASHMINT_CONSENSUS_INTERPRETER_H
/* The script interpreter: Bitcoin's EvalScript/VerifyScript with every
 * verification flag Bitcoin Core defines, segwit v0 and taproot (BIP 341/342),
 * plus hashmint's TOKENS flag for the output extension prefix. With TOKENS
 * off the interpreter is exactly Bitcoin's. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/script_error.h"
#include "consensus/tx.h"

/* Verification flags; the bit values are Bitcoin Core's. */
#define SCRIPT_VERIFY_NONE 0u
#define SCRIPT_VERIFY_P2SH (1u << 0)
#define SCRIPT_VERIFY_STRICTENC (1u << 1)
#define SCRIPT_VERIFY_DERSIG (1u << 2)
#define SCRIPT_VERIFY_LOW_S (1u << 3)
#define SCRIPT_VERIFY_NULLDUMMY (1u << 4)
#define SCRIPT_VERIFY_SIGPUSHONLY (1u << 5)
#define SCRIPT_VERIFY_MINIMALDATA (1u << 6)
#define SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS (1u << 7)
#define SCRIPT_VERIFY_CLEANSTACK (1u << 8)
#define SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY (1u << 9)
#define SCRIPT_VERIFY_CHECKSEQUENCEVERIFY (1u << 10)
#define SCRIPT_VERIFY_WITNESS (1u << 11)
#define SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM (1u << 12)
#define SCRIPT_VERIFY_MINIMALIF (1u << 13)
#define SCRIPT_VERIFY_NULLFAIL (1u << 14)
#define SCRIPT_VERIFY_WITNESS_PUBKEYTYPE (1u << 15)
#define SCRIPT_VERIFY_CONST_SCRIPTCODE (1u << 16)
#define SCRIPT_VERIFY_TAPROOT (1u << 17)
#define SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION (1u << 18)
#define SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS (1u << 19)
#define SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE (1u << 20)
/* hashmint: honour the output extension prefix (doc/issuance.md). Set by
 * every hashmint chain, never by the `bitcoin` profile or Bitcoin's vectors. */
#define SCRIPT_VERIFY_TOKENS (1u << 30)

/**
 * Parses a comma-separated flag list as in Bitcoin's vector files
 * ("P2SH,WITNESS"; "NONE" or "" is no flag; TOKENS is accepted).
 * Returns false if a name is unknown.
 */
__attribute__((warn_unused_result)) bool script_flags_parse(uint32_t *out, const char *s);

enum sig_version {
    SIGVERSION_BASE = 0,       /* bare scripts, P2SH */
    SIGVERSION_WITNESS_V0 = 1, /* BIP 143 */
    SIGVERSION_TAPROOT = 2,    /* BIP 341 key path */
    SIGVERSION_TAPSCRIPT = 3,  /* BIP 342 script path */
};

/* What a tapscript signature commits to beyond the transaction (BIP 342). */
struct script_exec_data {
    bool tapleaf_hash_init;
    uint8_t tapleaf_hash[32];
    bool codeseparator_pos_init;
    uint32_t codeseparator_pos; /* opcode position of the last executed OP_CODESEPARATOR, or 0xffffffff */
    bool annex_init;
    bool annex_present;
    uint8_t annex_hash[32];     /* SHA256 of the compact-size-prefixed annex */
    bool validation_weight_left_init;
    int64_t validation_weight_left;
};

/**
 * How the interpreter reaches the transaction: signature and lock checks go
 * through these callbacks, so tests, the signature cache and the real
 * transaction checker (consensus/sighash.h) can be swapped.
 */
struct sig_checker {
    void *ctx;
    /** ECDSA: sig includes its trailing sighash byte; script_code is what
     *  the signature hash commits to (prefix already prepended under TOKENS). */
    bool (*check_ecdsa)(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey, size_t pubkey_len,
                        const uint8_t *script_code, size_t script_code_len, enum sig_version sigversion);
    /** Schnorr (BIP 340/341/342): sig is 64 or 65 bytes; sets *err on failure. */
    bool (*check_schnorr)(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t pubkey[32],
                          enum sig_version sigversion, const struct script_exec_data *execdata,
                          enum script_error *err);
    bool (*check_locktime)(void *ctx, int64_t locktime);
    bool (*check_sequence)(void *ctx, int64_t sequence);
};

/** A checker whose every check fails (for scripts that must not need signatures). */
extern const struct sig_checker SIG_CHECKER_NONE;

/**
 * Verifies that script_sig (with witness) satisfies spk under flags.
 * Under SCRIPT_VERIFY_TOKENS, spk may begin with an extension prefix: only
 * the locking script after it executes, templates are recognised after it,
 * and the prefix is prepended to every legacy and BIP 143 scriptCode
 * (taproot already commits to the whole scriptPubKey). A malformed prefix
 * fails with SCRIPT_ERR_TOKEN_PREFIX.
 * Returns true if valid; otherwise false with *err set (err may be NULL).
 */
bool script_verify(const uint8_t *script_sig, size_t script_sig_len, const uint8_t *spk, size_t spk_len,
                   const struct witness *witness, uint32_t flags, const struct sig_checker *checker,
                   enum script_error *err);

#endif
