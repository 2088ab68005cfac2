#ifndef HASHMINT_ISSUANCE_RESERVE_HEADERS_H
#define HASHMINT_ISSUANCE_RESERVE_HEADERS_H
/* The offline half of reserve-proof checking (doc/issuance.md, "Verifying a
 * proof"): is the proof's block header in a chain of headers that starts at
 * the chain's genesis block and obeys every header rule? Fed one 80-byte
 * header at a time (a headers file is 80-byte headers, concatenated from
 * genesis), so a reader never holds the whole file. Pure: the caller does
 * the reading. */
#include <stdbool.h>
#include <stdint.h>

#include "consensus/block.h"
#include "consensus/params.h"
#include "consensus/validation.h"

/** Reject reasons of the header-chain check (besides the header rules' own). */
#define RESERVE_REJECT_HEADERS_GENESIS "bad-headers-genesis" /* the first header is not the chain's genesis */
#define RESERVE_REJECT_HEADERS_PREV "bad-headers-prevblk"    /* a header does not follow the one before */
#define RESERVE_REJECT_HEADERS_MISSING "bad-headers-missing-block" /* the proof's block is not among them */

/** The state of a header-chain check. Embedded: reserve_headers_init (no clear needed). */
struct reserve_headers {
    const struct chain_params *params;
    struct hash256 target;      /* the block looked for */
    int32_t target_height;      /* its height, -1 until seen */
    int32_t height;             /* height of the last header accepted, -1 before genesis */
    struct hash256 tip_hash;
    uint32_t tip_bits;
    int64_t tip_time;
    int64_t times[11];          /* the last 11 timestamps, times[height % 11] */
    int64_t period_first_time;  /* time of the last header at a height divisible by the retarget interval */
};

/** Starts a check for the block whose hash is target under params. */
void reserve_headers_init(struct reserve_headers *h, const struct chain_params *params, const struct hash256 *target);

/**
 * Accepts the next header: the first must be the chain's genesis
 * (RESERVE_REJECT_HEADERS_GENESIS); each one after must name the previous
 * one's hash (RESERVE_REJECT_HEADERS_PREV) and pass the header rules a node
 * applies (block_check_header: "high-hash"; block_check_header_contextual:
 * "bad-diffbits", "time-too-old", "time-timewarp-attack", "bad-version(...)";
 * timestamps in the future are not judged offline).
 * Returns false with st set otherwise; h then must not be used further.
 */
__attribute__((warn_unused_result)) bool reserve_headers_add(struct val_state *st, struct reserve_headers *h,
                                                             const uint8_t raw[BLOCK_HEADER_SIZE]);

/**
 * Ends the check. Out: *height = the target's height, *tip_height = the last
 * header's. Returns false (RESERVE_REJECT_HEADERS_MISSING) if the target
 * was not among the headers.
 */
__attribute__((warn_unused_result)) bool reserve_headers_finish(struct val_state *st, int32_t *height, int32_t *tip_height,
                                                                const struct reserve_headers *h);

#endif
