/* Exact 128-bit arithmetic of the issuance rules (issuance/ratio.h). */
#include "issuance/ratio.h"

typedef unsigned __int128 u128;

bool issuance_ratio_at_least(uint64_t collateral, uint64_t price, uint64_t debt, uint32_t pct)
{
    if (debt == 0)
        return true;
    /* lhs = collateral * price fits: (2^64 - 1)^2 < 2^128. rhs = pct * debt
     * * 1e8 < 2^32 * 2^64 * 2^27 = 2^123 fits. Instead of lhs * 100 (which
     * could overflow) compare lhs with ceil(rhs / 100): for integers,
     * 100 * lhs >= rhs  <=>  lhs >= ceil(rhs / 100). */
    u128 lhs = (u128)collateral * price;
    u128 rhs = (u128)pct * debt * ISSUANCE_PRICE_SCALE;
    u128 need = rhs / 100 + (rhs % 100 != 0);
    return lhs >= need;
}

uint64_t issuance_seized(uint64_t collateral, uint64_t debt, uint64_t price, uint32_t bonus_pct)
{
    if (price == 0)
        return collateral;
    /* num < 2^64 * (2^32 + 100) * 2^27 < 2^124; den = 100 * price < 2^71;
     * num + den - 1 < 2^125: no overflow. */
    u128 num = (u128)debt * ((u128)bonus_pct + 100) * ISSUANCE_PRICE_SCALE;
    u128 den = (u128)price * 100;
    u128 q = (num + den - 1) / den;
    return q < (u128)collateral ? (uint64_t)q : collateral;
}

bool issuance_price_fresh(uint64_t price, int32_t price_height, int32_t height, uint32_t max_age)
{
    if (price == 0)
        return false;
    int64_t age = (int64_t)height - (int64_t)price_height;
    return age >= 0 && age <= (int64_t)max_age;
}

bool issuance_breaker_trips(uint64_t new_price, uint64_t high, uint32_t drop_pct)
{
    if (drop_pct == 0 || drop_pct > 100)
        return false;
    return (u128)new_price * 100 <= (u128)high * (100 - drop_pct);
}
