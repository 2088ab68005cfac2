#ifndef HASHMINT_RPC_ISSUANCE_VIEW_H
#define HASHMINT_RPC_ISSUANCE_VIEW_H
/* The pure parts of the issuance RPCs (src/rpc/rpc_issuance.c,
 * doc/issuance.md "RPCs"): the "txid:vout" outpoint text and a vault's
 * collateral ratio as the RPCs show and filter it. */
#include <jansson.h>
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

/** What auditreserves compares for one asset. */
struct rpc_audit_sums {
    uint64_t supply;         /* the issuance state's supply */
    uint64_t token_sum;      /* sum of the asset's TOKEN amounts in the UTXO set */
    uint64_t debt_sum;       /* sum of its vaults' debts in the UTXO set */
    uint64_t collateral_sum; /* sum of its vaults' collateral in the UTXO set */
    uint64_t vault_count;
    bool has_tree;           /* the reserve tree is part of the chainstate: compare it too */
    uint64_t tree_debt, tree_collateral, tree_count;
};

/**
 * Appends to mismatches (a JSON array) one line "<ticker>: <what> <a> !=
 * <b>" for each of: token sum != supply, debt sum != supply, and with a
 * tree: tree debt != debt sum, tree collateral != collateral sum, tree
 * vault count != vault count. Returns true when there was none.
 */
bool rpc_audit_compare(json_t *mismatches, const char *ticker, const struct rpc_audit_sums *s);

#endif
