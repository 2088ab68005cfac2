#ifndef HASHMINT_CONSENSUS_TX_VERIFY_H
#define HASHMINT_CONSENSUS_TX_VERIFY_H
/* Transaction rules that need context (Bitcoin Core's tx_verify.cpp): lock
 * time finality, BIP 68 sequence locks, signature-operation cost and the
 * input/output value checks. Pure: the caller passes the spent coins and
 * whatever it knows about the chain. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/params.h"
#include "consensus/tx.h"
#include "consensus/validation.h"

/* BIP 68 sequence-number fields. */
#define SEQUENCE_LOCKTIME_DISABLE_FLAG (1u << 31)
#define SEQUENCE_LOCKTIME_TYPE_FLAG (1u << 22)
#define SEQUENCE_LOCKTIME_MASK 0x0000ffffu
#define SEQUENCE_LOCKTIME_GRANULARITY 9 /* time locks count units of 512 seconds */

/** A coin a transaction spends, as the caller's UTXO view knows it. */
struct spent_coin {
    const struct txout *out; /* borrowed: value and scriptPubKey */
    int32_t height;          /* height of the block that created it */
    bool is_coinbase;
};

/**
 * Returns true if tx may be included in a block at `height` whose lock-time
 * cutoff is `block_time` (the block's time, or its previous block's median
 * time past under BIP 113): lock time zero, lock time already passed, or every
 * input's sequence final (Core's IsFinalTx).
 */
bool tx_is_final(const struct tx *tx, int32_t height, int64_t block_time);

/** The earliest block a transaction's BIP 68 locks allow: height > min_height and prev MTP > min_time. */
struct sequence_lock {
    int32_t min_height; /* -1: no height lock */
    int64_t min_time;   /* -1: no time lock */
};

/**
 * Returns the median time past of the block at `height` on the chain being
 * validated (an ancestor of the block that would include the transaction).
 */
typedef int64_t (*tx_mtp_at_fn)(void *ctx, int32_t height);

/**
 * BIP 68 (Core's CalculateSequenceLocks). enforce: CSV is active and the
 * caller wants sequence locks (LOCKTIME_VERIFY_SEQUENCE); they apply only
 * to transactions whose version, read unsigned, is at least 2.
 * In/out: prev_heights[i] is the height of input i's coin (tx->vin_count
 * entries); entries of inputs with the disable flag are set to 0, as Core does.
 * mtp_at/ctx answer "median time past at height h" for time locks (h is
 * max(coin height - 1, 0)). Out: *lock.
 */
void tx_sequence_locks_calculate(struct sequence_lock *lock, int32_t *prev_heights, const struct tx *tx, bool enforce,
                                 tx_mtp_at_fn mtp_at, void *ctx);
/**
 * Returns true if a block at `height` whose previous block has median time
 * past prev_mtp satisfies the locks (Core's EvaluateSequenceLocks).
 */
bool tx_sequence_locks_evaluate(const struct sequence_lock *lock, int32_t height, int64_t prev_mtp);

/**
 * Returns the script that executes for an output script under `flags`: with
 * SCRIPT_VERIFY_TOKENS, a well-formed extension prefix is skipped (it is
 * data, not code); otherwise, or for a malformed prefix, the whole script.
 * Out: *len.
 */
const uint8_t *tx_locking_script(const uint8_t *spk, size_t spk_len, uint32_t flags, size_t *len);

/**
 * Legacy signature operations of a transaction (Core's GetLegacySigOpCount):
 * inexact counts of every scriptSig and scriptPubKey. flags: only
 * SCRIPT_VERIFY_TOKENS matters (output prefixes are not counted).
 */
unsigned tx_legacy_sigop_count(const struct tx *tx, uint32_t flags);
/**
 * P2SH signature operations (Core's GetP2SHSigOpCount): the accurate count of
 * every redeem script spending a P2SH coin. coins: tx->vin_count entries.
 * Returns 0 for a coinbase.
 */
unsigned tx_p2sh_sigop_count(const struct tx *tx, const struct spent_coin *coins, uint32_t flags);
/**
 * Total signature-operation cost (Core's GetTransactionSigOpCost): legacy
 * and (with SCRIPT_VERIFY_P2SH) P2SH counts times WITNESS_SCALE_FACTOR plus
 * BIP 141 witness sigops. coins: tx->vin_count entries (unused for a coinbase,
 * may then be NULL).
 */
int64_t tx_sigop_cost(const struct tx *tx, const struct spent_coin *coins, uint32_t flags);

/**
 * Checks a transaction's inputs against the coins it spends (Core's
 * Consensus::CheckTxInputs): coinbase coins have matured (spend_height -
 * coin height >= the profile's coinbase maturity; hashmint's genesis outputs
 * are exempt, chain_params_coin_mature), every input value and
 * their sum are in money range, inputs cover outputs, the fee is in range.
 * coins: tx->vin_count entries. Out: *fee (0 on failure).
 * Returns false with st set (bad-txns-premature-spend-of-coinbase,
 * bad-txns-inputvalues-outofrange, bad-txns-in-belowout, bad-txns-fee-outofrange).
 * Precondition: tx passed tx_check (output values in range).
 */
__attribute__((warn_unused_result)) bool tx_check_inputs(struct val_state *st, int64_t *fee, const struct tx *tx,
                                                         const struct spent_coin *coins, int32_t spend_height,
                                                         const struct chain_params *p);

#endif
