#ifndef HASHMINT_WALLET_PSBT_V2_H
#define HASHMINT_WALLET_PSBT_V2_H
/* PSBT version 2 (BIP 370): the fields that replace the unsigned
 * transaction, and conversion between versions 0 and 2.
 *
 * A struct psbt keeps its transaction in p->tx whatever its version, so the
 * signer, finalizer and RPCs work on both alike. For a version 2 PSBT the
 * parser moves the fields that make the transaction (global tx version and
 * counts; per input previous txid, output index, sequence; per output
 * amount and script) out of the maps into p->tx and computes the locktime
 * (BIP 370's rule); the serializer writes them back. The fields that do not
 * live in a transaction (fallback locktime, tx modifiable flags, required
 * time/height locktimes) stay in the maps. These functions are psbt.c's. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

struct psbt;

/* Global types. */
#define PSBT_GLOBAL_TX_VERSION 0x02
#define PSBT_GLOBAL_FALLBACK_LOCKTIME 0x03
#define PSBT_GLOBAL_INPUT_COUNT 0x04
#define PSBT_GLOBAL_OUTPUT_COUNT 0x05
#define PSBT_GLOBAL_TX_MODIFIABLE 0x06
/* Input types. */
#define PSBT_IN_PREVIOUS_TXID 0x0e
#define PSBT_IN_OUTPUT_INDEX 0x0f
#define PSBT_IN_SEQUENCE 0x10
#define PSBT_IN_REQUIRED_TIME_LOCKTIME 0x11
#define PSBT_IN_REQUIRED_HEIGHT_LOCKTIME 0x12
/* Output types. */
#define PSBT_OUT_AMOUNT 0x03
#define PSBT_OUT_SCRIPT 0x04

/** Locktimes below this are heights (Bitcoin's LOCKTIME_THRESHOLD). */
#define PSBT_LOCKTIME_THRESHOLD 500000000u

/** Returns true if type is a global field of version 2 only. */
bool psbt_v2_is_global_type(uint8_t type);

/** Checks one version 2 global/input/output pair's key and value (sizes,
 *  ranges). False with the reason in error. */
bool psbt_v2_check_global(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap);
bool psbt_v2_check_input(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap);
bool psbt_v2_check_output(const uint8_t *k, size_t kl, const uint8_t *v, size_t vl, char *error, size_t error_cap);

/**
 * After the global map of a version 2 PSBT: takes the tx version and the
 * counts out of p->global and sizes p->tx (empty inputs and outputs).
 * remaining: bytes left after the global map, which bounds the counts
 * before anything is allocated.
 */
bool psbt_v2_start(struct psbt *p, size_t remaining, char *error, size_t error_cap);
/** After input map i: takes its outpoint and sequence into p->tx.vin[i]. */
bool psbt_v2_take_input(struct psbt *p, size_t i, char *error, size_t error_cap);
/** After output map i: takes its amount and script into p->tx.vout[i]. */
bool psbt_v2_take_output(struct psbt *p, size_t i, char *error, size_t error_cap);
/** After the last map: sets p->tx's locktime (BIP 370) and hashes. */
bool psbt_v2_finish(struct psbt *p, char *error, size_t error_cap);

/** Writes the global/input/output fields p->tx carries for version 2. */
void psbt_v2_put_global(struct wbuf *w, const struct psbt *p);
void psbt_v2_put_input(struct wbuf *w, const struct psbt *p, size_t i);
void psbt_v2_put_output(struct wbuf *w, const struct psbt *p, size_t i);

/**
 * BIP 370's Signer rule for input i's signatures (partial, taproot key and
 * script path): with PSBT_GLOBAL_TX_MODIFIABLE present, a signature without
 * ANYONECANPAY clears the Inputs Modifiable flag (bit 0), one that is not
 * SIGHASH_NONE clears Outputs Modifiable (bit 1), a SIGHASH_SINGLE one sets
 * Has SIGHASH_SINGLE (bit 2). Nothing for version 0.
 */
void psbt_v2_note_signatures(struct psbt *p, size_t i);

/**
 * Converts p to version (0 or 2) in place. 0 -> 2 keeps the locktime as the
 * fallback locktime and needs a transaction version of at least 2; 2 -> 0
 * drops the fields version 0 cannot carry (fallback locktime, modifiable
 * flags, required locktimes: the locktime they chose stays in the
 * transaction). False (p unchanged) with the reason in error otherwise.
 */
__attribute__((warn_unused_result)) bool psbt_convert(struct psbt *p, uint32_t version, char *error,
                                                      size_t error_cap);

#endif
