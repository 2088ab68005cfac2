#ifndef HASHMINT_CONSENSUS_BLOCK_CHECK_H
#define HASHMINT_CONSENSUS_BLOCK_CHECK_H
/* Block validity short of the UTXO set (Bitcoin Core's CheckBlockHeader,
 * CheckBlock, ContextualCheckBlockHeader and ContextualCheckBlock), plus
 * hashmint's BIP 54 rules. Every function returns false with st holding the
 * result and Core's reject string; doc/chain-params.md lists them all. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/validation.h"

/** hashmint's reject string for a transaction of exactly 64 stripped bytes (BIP 54). */
#define BLOCK_REJECT_64BYTE_TX "bad-txns-64byte"

/**
 * What the contextual checks need to know about the chain before a block: all
 * of it about the previous block, so no block index type is needed here.
 */
struct block_prev_context {
    int32_t height;           /* the previous block's height (the new block is height + 1) */
    uint32_t bits;            /* its nBits */
    int64_t time;             /* its timestamp */
    int64_t median_time_past; /* median of the timestamps of it and up to 10 blocks before it */
    /* Timestamp of the block at pow_period_first_height(height): needed only
     * when height + 1 starts a retarget period. */
    int64_t period_first_time;
};

/** Checks the proof of work claimed by the header ("high-hash"). */
__attribute__((warn_unused_result)) bool block_check_header(struct val_state *st, const struct block_header *h,
                                                            const struct chain_params *p);

/**
 * Context-free block checks (Core's CheckBlock): the header (when check_pow),
 * the Merkle root ("bad-txnmrklroot") and its CVE-2012-2459 mutation
 * ("bad-txns-duplicate") when check_merkle, BIP 54's 64-byte transaction ban
 * (BLOCK_REJECT_64BYTE_TX) where the profile enables it, the size limits
 * ("bad-blk-length"), the coinbase position ("bad-cb-missing",
 * "bad-cb-multiple"), each transaction's tx_check (its own reject string) and
 * the legacy sigop limit ("bad-blk-sigops"). Witness data is not examined
 * (block_check_contextual does that).
 */
__attribute__((warn_unused_result)) bool block_check(struct val_state *st, const struct block *b,
                                                     const struct chain_params *p, bool check_pow, bool check_merkle);

/**
 * Header checks against the previous block (Core's ContextualCheckBlockHeader):
 * nBits equal to pow_next_work_required ("bad-diffbits"), time above the
 * previous median time past ("time-too-old"), BIP 54 time warp
 * ("time-timewarp-attack"), at most CHAIN_MAX_FUTURE_BLOCK_TIME after
 * adjusted_time ("time-too-new", result VAL_BLOCK_TIME_FUTURE), and a version
 * no lower than the enforced BIP 34/66/65 require ("bad-version(0x%08x)").
 */
__attribute__((warn_unused_result)) bool block_check_header_contextual(struct val_state *st, const struct block_header *h,
                                                                       const struct block_prev_context *prev,
                                                                       const struct chain_params *p, int64_t adjusted_time);

/**
 * Block checks against the previous block (Core's ContextualCheckBlock):
 * every transaction final at the block's height, with BIP 113's cutoff (the
 * previous median time past) once CSV is active ("bad-txns-nonfinal"); the
 * coinbase scriptSig starts with the height under BIP 34 ("bad-cb-height");
 * the witness commitment once segwit is active ("bad-witness-nonce-size",
 * "bad-witness-merkle-match") or no witness data at all ("unexpected-witness");
 * the weight limit ("bad-blk-weight").
 * Precondition: block_check passed (there is a coinbase).
 */
__attribute__((warn_unused_result)) bool block_check_contextual(struct val_state *st, const struct block *b,
                                                                const struct block_prev_context *prev,
                                                                const struct chain_params *p);

/**
 * Median time past over up to 11 timestamps (Core's GetMedianTimePast): the
 * median of times[0..count) (count <= 11; the caller passes the block and
 * its up-to-10 predecessors in any order). Returns 0 if count is 0.
 */
int64_t block_median_time_past(const int64_t *times, size_t count);

#endif
