#ifndef HASHMINT_CONSENSUS_POW_H
#define HASHMINT_CONSENSUS_POW_H
/* Proof of work: the target check, difficulty retargeting and the BIP 54
 * time-warp rule. Pure functions over explicit inputs: the caller (which owns
 * the block index) supplies the few facts about earlier blocks they need. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/params.h"
#include "src/util/hash256.h"

/**
 * Returns true if `bits` decodes to a positive target no higher than the
 * profile's limit (not negative, not overflowing, not zero) and the hash,
 * read as a little-endian number, does not exceed it (Core's CheckProofOfWork).
 */
bool pow_check(const struct hash256 *hash, uint32_t bits, const struct chain_params *p);

/** Returns true if a block at `height` starts a retarget period (height % interval == 0, height > 0). */
bool pow_is_retarget_height(const struct chain_params *p, int32_t height);

/**
 * Returns the height of the first block of the period that ends with the
 * block at prev_height, i.e. the block whose time pow_next_work_required
 * needs when prev_height + 1 is a retarget height; -1 when no time is needed
 * (not a retarget height).
 */
int32_t pow_period_first_height(const struct chain_params *p, int32_t prev_height);

/**
 * Returns the nBits the block after `prev` must carry (Core's
 * GetNextWorkRequired without testnet's minimum-difficulty rule).
 * In: prev_height, prev_bits, prev_time of the previous block;
 * period_first_time: the time of the block at pow_period_first_height()
 * (ignored unless prev_height + 1 is a retarget height).
 */
uint32_t pow_next_work_required(const struct chain_params *p, int32_t prev_height, uint32_t prev_bits, int64_t prev_time,
                                int64_t period_first_time);

/**
 * Bitcoin's retarget step (CalculateNextWorkRequired): scales the previous
 * target by the period's actual timespan (prev_time - period_first_time,
 * clamped to a quarter and four times the target timespan) over the target
 * timespan, capped at the limit. Returns prev_bits unchanged on a
 * no-retarget profile.
 */
uint32_t pow_calculate_next_work(const struct chain_params *p, uint32_t prev_bits, int64_t prev_time,
                                 int64_t period_first_time);

/**
 * BIP 54 time-warp rule: returns false if the profile enforces it, `height`
 * starts a retarget period and `time` is more than CHAIN_MAX_TIMEWARP
 * seconds before prev_time (the last block of the previous period).
 */
bool pow_timewarp_ok(const struct chain_params *p, int32_t height, int64_t time, int64_t prev_time);

#endif
