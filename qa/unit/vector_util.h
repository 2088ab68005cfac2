#ifndef HASHMINT_QA_UNIT_VECTOR_UTIL_H
#define HASHMINT_QA_UNIT_VECTOR_UTIL_H
/* Test-only helpers shared by the script and transaction vector harnesses:
 * JSON loading, exact BTC amounts, one-call input verification with the real
 * signature checker, and a single-leaf taproot output as Bitcoin Core's
 * script_tests.cpp builds it. */
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"

/* Every verification flag Bitcoin Core defines (bits 0..20), without TOKENS. */
#define UNIT_CORE_FLAGS_ALL ((UINT32_C(1) << 21) - 1)

/** Loads a JSON file; fails the test (ck_abort) if it cannot be read. Caller json_decref()s. */
json_t *unit_json_load(const char *path);

/**
 * Converts a JSON number of BTC (e.g. 0.00000001) to base units exactly.
 * Returns false if it is not a number, is negative or out of range, or has
 * more than 8 decimal places.
 */
__attribute__((warn_unused_result)) bool unit_json_btc(const json_t *v, int64_t *out);

/**
 * Verifies input i of tx spending (spk, amount) under flags through
 * script_verify with the real transaction checker. pre: digests of tx.
 * Out: *err. Returns script_verify's result.
 */
bool unit_verify_input(const struct tx *tx, const struct tx_precomputed *pre, size_t i, const uint8_t *spk,
                       size_t spk_len, int64_t amount, uint32_t flags, enum script_error *err);

/**
 * BIP 341 output key: Q = P + t*G with t = tagged_hash("TapTweak", P ||
 * merkle_root) (merkle_root NULL: key path only). Out: out (x-only), *parity.
 * Returns false if P is not a valid x-only key or the tweak fails.
 */
__attribute__((warn_unused_result)) bool unit_taproot_output_key(uint8_t out[32], int *parity, const uint8_t internal[32],
                                                                 const uint8_t *merkle_root);

/**
 * Bitcoin Core's TaprootBuilder with one tapscript leaf at depth 0 and the
 * NUMS point H as internal key. Out: spk (OP_1 <32-byte output key>) and the
 * 33-byte control block. Returns false if the tweak fails.
 */
__attribute__((warn_unused_result)) bool unit_taproot_one_leaf(uint8_t spk[34], uint8_t control[33],
                                                               const uint8_t *script, size_t len);

#endif
