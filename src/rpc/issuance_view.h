#ifndef HASHMINT_RPC_ISSUANCE_VIEW_H
#define HASHMINT_RPC_ISSUANCE_VIEW_H
/* The pure parts of the issuance RPCs (src/rpc/rpc_issuance.c,
 * doc/issuance.md "RPCs"): the "txid:vout" outpoint text and a vault's
 * collateral ratio as the RPCs show and filter it. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/tx.h"

/**
 * Parses "txid:vout": 64 hex digits (display order, as every txid in the
 * RPC interface), ':', and a decimal vout 0 .. 4294967295 without sign,
 * leading '+', spaces or trailing characters (leading zeros allowed).
 * Out: *op (untouched on failure). Returns false on any other text.
 */
__attribute__((warn_unused_result)) bool rpc_parse_outpoint_text(struct outpoint *op, const char *s);

/**
 * A vault's collateral ratio in percent, rounded down:
 * floor(collateral * price * 100 / (10^8 * debt)), in 128-bit integers and
 * capped at INT64_MAX. Returns -1 when debt is 0 (no ratio: infinite).
 * For every integer pct, ratio >= pct exactly when
 * issuance_ratio_at_least(collateral, price, debt, pct).
 */
int64_t rpc_vault_ratio_pct(uint64_t collateral, uint64_t price, uint64_t debt);

#endif
