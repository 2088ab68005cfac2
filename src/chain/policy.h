#ifndef HASHMINT_CHAIN_POLICY_H
#define HASHMINT_CHAIN_POLICY_H
/* Relay policy ("standardness"), as Bitcoin Core's policy/policy.cpp: what a
 * node accepts into its mempool on top of the consensus rules. None of this
 * decides block validity; a block may contain non-standard transactions.
 *
 * Defaults are Bitcoin Core 29's with these deliberate choices:
 *  - dust: any output below its dust threshold is rejected ("dust"); Core
 *    29's single zero-fee "ephemeral dust" output is not supported (Core 27
 *    behaviour).
 *  - OP_RETURN: at most one null-data output, its whole scriptPubKey at most
 *    83 bytes (Core 29's -datacarriersize default); more is "multi-op-return".
 *  - bare multisig: up to 3 keys is a standard template; -permitbaremultisig
 *    (default true, as Core 29) decides whether it is relayed ("bare-multisig").
 *  - hashmint chains (SCRIPT_VERIFY_TOKENS in the flags): an output's
 *    template is judged on the locking script AFTER its extension prefix
 *    (consensus/token_prefix.h); a malformed prefix is "scriptpubkey".
 *    Outputs with a well-formed prefix are exempt from the HMC dust rule:
 *    the token, vault, issuer or oracle data they carry is the value
 *    (doc/issuance.md: "HMC carried along (may be 0; dust is policy)").
 * Fee rates throughout are in base units per 1000 virtual bytes (sat/kvB). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/interpreter.h"
#include "consensus/tx.h"
#include "consensus/tx_verify.h"
#include "consensus/validation.h"

/** Largest standard transaction weight (Core's MAX_STANDARD_TX_WEIGHT). */
#define POLICY_MAX_STANDARD_TX_WEIGHT 400000
/** Smallest standard non-witness size: below it a transaction could be
 *  confused with a Merkle tree node ("tx-size-small"). */
#define POLICY_MIN_STANDARD_TX_NONWITNESS_SIZE 65
/** Largest standard scriptSig (a 15-of-15 P2SH multisig spend fits). */
#define POLICY_MAX_STANDARD_SCRIPTSIG_SIZE 1650
/** Largest signature-operation cost of a standard transaction (block limit / 5). */
#define POLICY_MAX_STANDARD_TX_SIGOPS_COST 16000
/** Most sigops a standard P2SH redeem script may have. */
#define POLICY_MAX_P2SH_SIGOPS 15
/** P2WSH limits (Core's MAX_STANDARD_P2WSH_*). */
#define POLICY_MAX_STANDARD_P2WSH_STACK_ITEMS 100
#define POLICY_MAX_STANDARD_P2WSH_STACK_ITEM_SIZE 80
#define POLICY_MAX_STANDARD_P2WSH_SCRIPT_SIZE 3600
/** Largest standard tapscript stack item. */
#define POLICY_MAX_STANDARD_TAPSCRIPT_STACK_ITEM_SIZE 80
/** Standard transaction versions (Core 29: 1 to 3; 3 is TRUC). */
#define POLICY_TX_MIN_STANDARD_VERSION 1
#define POLICY_TX_MAX_STANDARD_VERSION 3
/** Most keys of a standard bare multisig output. */
#define POLICY_MAX_BARE_MULTISIG_KEYS 3
/** Default largest null-data scriptPubKey (-datacarriersize). */
#define POLICY_DEFAULT_MAX_DATACARRIER_BYTES 83
/** Default dust relay fee rate (-dustrelayfee), sat/kvB. */
#define POLICY_DUST_RELAY_FEERATE 3000
/** Default minimum relay fee rate (-minrelaytxfee 0.00001), sat/kvB. */
#define POLICY_DEFAULT_MIN_RELAY_FEERATE 1000
/** Default incremental relay fee rate (-incrementalrelayfee), sat/kvB. */
#define POLICY_DEFAULT_INCREMENTAL_RELAY_FEERATE 1000
/** Virtual bytes charged per sigop (-bytespersigop). */
#define POLICY_DEFAULT_BYTES_PER_SIGOP 20

/* Core's MANDATORY_SCRIPT_VERIFY_FLAGS: failing these makes a transaction
 * invalid in any block (no TOKENS: see policy_mandatory_script_flags). */
#define POLICY_MANDATORY_SCRIPT_VERIFY_FLAGS                                                                     \
    (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_NULLDUMMY | SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY |   \
     SCRIPT_VERIFY_CHECKSEQUENCEVERIFY | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT)
/* Core's STANDARD_SCRIPT_VERIFY_FLAGS. */
#define POLICY_STANDARD_SCRIPT_VERIFY_FLAGS                                                                      \
    (POLICY_MANDATORY_SCRIPT_VERIFY_FLAGS | SCRIPT_VERIFY_STRICTENC | SCRIPT_VERIFY_MINIMALDATA |                \
     SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS | SCRIPT_VERIFY_CLEANSTACK | SCRIPT_VERIFY_MINIMALIF |             \
     SCRIPT_VERIFY_NULLFAIL | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM |        \
     SCRIPT_VERIFY_WITNESS_PUBKEYTYPE | SCRIPT_VERIFY_CONST_SCRIPTCODE |                                         \
     SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION | SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS |                 \
     SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE)

struct chain_params;

/** Core's TxoutType: the templates the solver recognises. */
enum policy_txout_type {
    POLICY_TXOUT_NONSTANDARD = 0,
    POLICY_TXOUT_ANCHOR,       /* pay-to-anchor: OP_1 <0x4e73> */
    POLICY_TXOUT_PUBKEY,
    POLICY_TXOUT_PUBKEYHASH,
    POLICY_TXOUT_SCRIPTHASH,
    POLICY_TXOUT_MULTISIG,
    POLICY_TXOUT_NULL_DATA,
    POLICY_TXOUT_WITNESS_V0_SCRIPTHASH,
    POLICY_TXOUT_WITNESS_V0_KEYHASH,
    POLICY_TXOUT_WITNESS_V1_TAPROOT,
    POLICY_TXOUT_WITNESS_UNKNOWN,
};

/** The knobs of the standardness rules (see policy_options_init for defaults). */
struct policy_options {
    int64_t dust_relay_feerate;   /* sat/kvB; 0 disables the dust rule */
    bool datacarrier;             /* -datacarrier: relay null-data outputs at all */
    size_t max_datacarrier_bytes; /* -datacarriersize: whole-script limit */
    bool permit_bare_multisig;    /* -permitbaremultisig */
    bool tokens;                  /* the chain sets SCRIPT_VERIFY_TOKENS (judge after the prefix) */
};

/** Fills *o with Core 29's defaults; tokens from p->tokens_enabled (p may be NULL: tokens off). */
void policy_options_init(struct policy_options *o, const struct chain_params *p);

/**
 * Classifies a locking script as Core's Solver does (no prefix handling:
 * pass the locking script after any extension prefix).
 * Out (may be NULL): *m and *n, the required and total keys of a MULTISIG
 * (0 otherwise). Returns the template.
 */
enum policy_txout_type policy_solve(const uint8_t *spk, size_t len, int *m, int *n);
/** Returns Core's name of a template ("pubkeyhash", "nulldata", "witness_v0_keyhash", ...). */
const char *policy_txout_type_name(enum policy_txout_type t);

/**
 * Returns the locking script of an output for the policy checks: with
 * o->tokens, the bytes after a well-formed extension prefix; otherwise the
 * whole script. Out: *len, *prefixed (may be NULL: a prefix was skipped).
 * Returns NULL if o->tokens and the script starts with a malformed prefix.
 */
const uint8_t *policy_locking_script(const uint8_t *spk, size_t spk_len, const struct policy_options *o, size_t *len,
                                     bool *prefixed);

/**
 * Core's IsStandard for one output script (after the prefix when tokens):
 * a known template, MULTISIG with 1..3 keys and 1 <= m <= n, NULL_DATA only
 * with -datacarrier and within max_datacarrier_bytes.
 * Out: *type (may be NULL). Returns true if standard.
 */
bool policy_script_is_standard(const uint8_t *spk, size_t len, const struct policy_options *o,
                               enum policy_txout_type *type);

/**
 * Core's GetDustThreshold: the value below which an output costs more to
 * spend than it is worth at dust_relay_feerate: (serialised output size +
 * the size of a spending input: 148 bytes, or 67 for a witness program)
 * times the rate / 1000, rounded up. 0 for unspendable outputs and (tokens)
 * prefixed outputs.
 */
int64_t policy_dust_threshold(const struct txout *out, const struct policy_options *o);
/** Returns true if out->value is below policy_dust_threshold. */
bool policy_is_dust(const struct txout *out, const struct policy_options *o);

/**
 * Core's IsStandardTx: version 1..3 ("version"), weight ("tx-size"), each
 * scriptSig's size and push-only ("scriptsig-size", "scriptsig-not-pushonly"),
 * each output's template ("scriptpubkey", "bare-multisig"), dust ("dust"),
 * at most one null-data output ("multi-op-return").
 * Returns false with st set to VAL_TX_NOT_STANDARD and the reason.
 */
__attribute__((warn_unused_result)) bool policy_check_standard_tx(struct val_state *st, const struct tx *tx,
                                                                  const struct policy_options *o);

/**
 * Core's AreInputsStandard: every spent output has a known template (not
 * NONSTANDARD or WITNESS_UNKNOWN; judged after the prefix under tokens) and
 * every P2SH redeem script has at most POLICY_MAX_P2SH_SIGOPS sigops.
 * coins: tx->vin_count entries. Precondition: scriptSigs are push-only
 * (policy_check_standard_tx passed). A coinbase is standard.
 */
bool policy_inputs_are_standard(const struct tx *tx, const struct spent_coin *coins, const struct policy_options *o);

/**
 * Core's IsWitnessStandard: a witness only on witness-program (or
 * P2SH-wrapped) spends; P2WSH script <= 3600 bytes, <= 100 items of <= 80
 * bytes; no taproot annex; tapscript items <= 80 bytes; pay-to-anchor
 * spends carry no witness. coins: tx->vin_count entries.
 */
bool policy_witness_is_standard(const struct tx *tx, const struct spent_coin *coins, const struct policy_options *o);

/**
 * Core's GetVirtualTransactionSize with sigops: max(weight, sigop_cost *
 * bytes_per_sigop) / 4, rounded up. This is the size fee rates are charged on.
 */
int64_t policy_virtual_size(int64_t weight, int64_t sigop_cost, int64_t bytes_per_sigop);

/** Core's CFeeRate::GetFee: fee for `vbytes` at `feerate` sat/kvB, rounded up; at least 1 for a positive rate. */
int64_t policy_fee_for_size(int64_t feerate, int64_t vbytes);

/** Standard script flags for a chain: POLICY_STANDARD_SCRIPT_VERIFY_FLAGS, plus TOKENS on hashmint chains. */
uint32_t policy_standard_script_flags(const struct chain_params *p);
/** Mandatory script flags for a chain: POLICY_MANDATORY_SCRIPT_VERIFY_FLAGS, plus TOKENS on hashmint chains. */
uint32_t policy_mandatory_script_flags(const struct chain_params *p);

/** Returns true if the transaction signals BIP 125 replaceability (some input sequence < 0xfffffffe). */
bool policy_signals_rbf(const struct tx *tx);

#endif
