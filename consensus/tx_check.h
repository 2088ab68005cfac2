#ifndef HASHMINT_CONSENSUS_TX_CHECK_H
#define HASHMINT_CONSENSUS_TX_CHECK_H
/* Context-free transaction checks (Bitcoin Core's CheckTransaction). */
#include <stdbool.h>

#include "consensus/tx.h"
#include "consensus/validation.h"

/** Largest block weight; a transaction's stripped size * 4 may not exceed it. */
#define MAX_BLOCK_WEIGHT 4000000

/**
 * Checks what needs no context: non-empty inputs and outputs, size, output
 * values in range, no duplicate inputs, coinbase script length 2..100, no null
 * prevout outside a coinbase. Returns false with st's reject reason set
 * (bad-txns-vin-empty, bad-txns-vout-empty, bad-txns-oversize,
 * bad-txns-vout-negative, bad-txns-vout-toolarge, bad-txns-txouttotal-toolarge,
 * bad-txns-inputs-duplicate, bad-cb-length, bad-txns-prevout-null).
 */
__attribute__((warn_unused_result)) bool tx_check(struct val_state *st, const struct tx *tx);

#endif
