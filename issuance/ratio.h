#ifndef HASHMINT_ISSUANCE_RATIO_H
#define HASHMINT_ISSUANCE_RATIO_H
/* The exact integer arithmetic of the issuance rules (doc/issuance.md,
 * "Vaults, minting and repayment", "Liquidation", "Oracle and issuer
 * updates"): collateral ratios, the seized amount of a liquidation, price
 * freshness and the circuit-breaker drop. Every product is taken in
 * unsigned 128-bit integers and every function is total over its argument
 * types (no overflow for any uint64_t/uint32_t input), so callers need no
 * range preconditions for safety; the rules layer range-checks amounts
 * separately because the spec says so.
 *
 * Units: collateral in HMC base units (10^-8 HMC); price in token base
 * units per 1 HMC (ISSUANCE_PRICE_SCALE HMC base units); debt in token base
 * units; percentages are whole numbers (150 means 150 %). */
#include <stdbool.h>
#include <stdint.h>

/** HMC base units per HMC: the 1e8 of "collateral * price / 1e8". */
#define ISSUANCE_PRICE_SCALE UINT64_C(100000000)

/**
 * Returns true if the vault's ratio is at least pct percent:
 *   collateral * price / 1e8 >= debt * pct / 100, i.e.
 *   collateral * price * 100 >= pct * debt * 1e8   (exact, no rounding).
 * A vault without debt (debt == 0) has an infinite ratio: always true.
 */
bool issuance_ratio_at_least(uint64_t collateral, uint64_t price, uint64_t debt, uint32_t pct);

/**
 * Returns the collateral a liquidation seizes (spec rule 7):
 *   seized = min(collateral, ceil(debt * (100 + bonus_pct) * 1e8 / (100 * price)))
 * that is, ceil(debt * (1 + bonus_pct/100) * 1e8 / price) with the bonus
 * entering as the exact fraction (100 + bonus_pct) / 100, one division, one
 * rounding (up). price == 0 returns collateral (everything; the rules
 * never call it with price 0).
 */
uint64_t issuance_seized(uint64_t collateral, uint64_t debt, uint64_t price, uint32_t bonus_pct);

/**
 * Returns true if an ORACLE price created at price_height is fresh for a
 * block at height: price > 0 and 0 <= height - price_height <= max_age.
 * (Age exactly max_age is fresh, max_age + 1 is stale.)
 */
bool issuance_price_fresh(uint64_t price, int32_t price_height, int32_t height, uint32_t max_age);

/**
 * Returns true if new_price is a drop of drop_pct percent or more against
 * high: new_price * 100 <= high * (100 - drop_pct). drop_pct outside
 * 1..100 never trips (such parameters are refused by
 * issuance_asset_params_ok, see issuance/issuance_state.h).
 */
bool issuance_breaker_trips(uint64_t new_price, uint64_t high, uint32_t drop_pct);

#endif
