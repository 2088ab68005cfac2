#ifndef HASHMINT_CONSENSUS_AMOUNT_H
#define HASHMINT_CONSENSUS_AMOUNT_H
/* Amounts in base units (1 HMC = 100,000,000). The supply cap is the same
 * 21,000,000 coins on every profile, so MAX_MONEY is a constant. */
#include <stdbool.h>
#include <stdint.h>

#define COIN INT64_C(100000000)
#define MAX_MONEY (INT64_C(21000000) * COIN)

static inline bool money_range(int64_t v)
{
    return v >= 0 && v <= MAX_MONEY;
}

#endif
