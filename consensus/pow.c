#include "consensus/pow.h"

#include "consensus/arith256.h"

bool pow_check(const struct hash256 *hash, uint32_t bits, const struct chain_params *p)
{
    struct arith256 target, h;
    bool negative, overflow;
    arith256_set_compact(&target, bits, &negative, &overflow);
    if (negative || overflow || arith256_is_zero(&target) || arith256_cmp(&target, &p->pow_limit) > 0)
        return false;
    arith256_from_hash(&h, hash);
    return arith256_cmp(&h, &target) <= 0;
}

bool pow_is_retarget_height(const struct chain_params *p, int32_t height)
{
    return height > 0 && height % p->retarget_interval == 0;
}

int32_t pow_period_first_height(const struct chain_params *p, int32_t prev_height)
{
    if (prev_height < 0 || !pow_is_retarget_height(p, prev_height + 1))
        return -1;
    return prev_height - (p->retarget_interval - 1);
}

uint32_t pow_next_work_required(const struct chain_params *p, int32_t prev_height, uint32_t prev_bits, int64_t prev_time,
                                int64_t period_first_time)
{
    /* Only the first block of a period may change the difficulty. */
    if (!pow_is_retarget_height(p, prev_height + 1))
        return prev_bits;
    return pow_calculate_next_work(p, prev_bits, prev_time, period_first_time);
}

uint32_t pow_calculate_next_work(const struct chain_params *p, uint32_t prev_bits, int64_t prev_time,
                                 int64_t period_first_time)
{
    if (p->pow_no_retarget)
        return prev_bits;
    int64_t timespan = chain_params_target_timespan(p);
    int64_t actual = prev_time - period_first_time;
    if (actual < timespan / 4)
        actual = timespan / 4;
    if (actual > timespan * 4)
        actual = timespan * 4;

    /* Core multiplies modulo 2^256 too; with every profile's limit the
     * product stays below 2^256: hashmint's limit is < 2^236 and the factor
     * <= 4 * 86,400 < 2^19; Bitcoin's < 2^224 and <= 4 * 1,209,600 < 2^23. */
    struct arith256 target;
    arith256_set_compact(&target, prev_bits, NULL, NULL);
    arith256_mul_u64(&target, &target, (uint64_t)actual);
    if (!arith256_div_u64(&target, &target, (uint64_t)timespan))
        return p->pow_limit_bits; /* unreachable: timespan > 0 */
    if (arith256_cmp(&target, &p->pow_limit) > 0)
        target = p->pow_limit;
    return arith256_get_compact(&target, false);
}

bool pow_timewarp_ok(const struct chain_params *p, int32_t height, int64_t time, int64_t prev_time)
{
    if (!p->enforce_timewarp || !pow_is_retarget_height(p, height))
        return true;
    return time >= prev_time - CHAIN_MAX_TIMEWARP;
}
