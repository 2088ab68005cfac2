#ifndef HASHMINT_MINER_WORK_H
#define HASHMINT_MINER_WORK_H
/* Mining jobs and how their work is divided: shared by the native miner
 * (src/miner/native.c) and meant for a Stratum server.
 *
 * A job is a block template whose coinbase scriptSig ends in an extranonce
 * field of fixed size: the coinbase (without witness) is kept as the bytes
 * before that field (coinb1) and after it (coinb2), exactly what Stratum's
 * mining.notify sends, and the Merkle branch of the coinbase (the sibling
 * hashes on its path to the root) is computed once. A new extranonce then
 * costs one coinbase hash and one hash per branch level, never a rebuild of
 * the tree.
 *
 * The work of a job is the space (extranonce, version, time, nonce):
 *  - the version's BIP 320 bits (mask 0x1fffe000, 16 bits) may be set freely;
 *  - the time may be anything from the previous block's median time past
 *    plus one up to CHAIN_MAX_FUTURE_BLOCK_TIME ahead of the clock;
 *  - the nonce's 2^32 values are split into contiguous slices, one per
 *    thread (miner_nonce_slice).
 * A "unit" is one (extranonce, version) pair: units are numbered, version
 * index fastest (a new version costs one compression of the header's first
 * block), so thread t scanning its slice of units 0, 1, 2, ... never meets
 * the headers of another thread, nor its own twice, whatever the time. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/chain/miner.h"
#include "src/util/hash256.h"

/** BIP 320: the version bits a miner may use as extra nonce space. */
#define MINER_VERSION_ROLL_MASK 0x1fffe000u
/** The largest extranonce field a job carries (a direct push; the BIP 34
 *  height push and this must fit the 100-byte coinbase scriptSig limit). */
#define MINER_EXTRANONCE_MAX 32

/** A block template prepared for hashing. */
struct miner_job {
    struct block_template tmpl; /* owned; its coinbase scriptSig holds a zero extranonce */
    uint8_t *coinb1;            /* owned: coinbase (no witness) before the extranonce */
    size_t coinb1_len;
    uint8_t *coinb2;            /* owned: coinbase after the extranonce */
    size_t coinb2_len;
    size_t extranonce_len;
    struct hash256 *branch;     /* owned: the coinbase's Merkle branch, leaf level first */
    size_t branch_len;
    uint8_t target[32];         /* the target from tmpl's bits, little-endian */
    int64_t time_min;           /* smallest valid header time: median time past + 1 */
    uint32_t version_mask;      /* bits that may be rolled (MINER_VERSION_ROLL_MASK, or 0) */
};

/**
 * Makes a job from a template, taking what *t owns (t is left empty).
 * extranonce_len: 1..MINER_EXTRANONCE_MAX. version_mask: bits of the
 * version that may be rolled (0: none). Returns false (job empty, t cleared)
 * if the extranonce does not fit the coinbase or the bits are no valid target.
 */
bool miner_job_init(struct miner_job *job, struct block_template *t, size_t extranonce_len, uint32_t version_mask)
    __attribute__((warn_unused_result));
/** Frees what the job owns (a zeroed job is fine). */
void miner_job_clear(struct miner_job *job);

/** Out: the coinbase txid for this extranonce (job->extranonce_len bytes). */
void miner_job_coinbase_txid(const struct miner_job *job, struct hash256 *txid, const uint8_t *extranonce);
/** Out: the header's Merkle root for this extranonce: one coinbase hash and the branch. */
void miner_job_merkle_root(const struct miner_job *job, struct hash256 *root, const uint8_t *extranonce);
/** Out: the 80-byte header with these fields. */
void miner_job_header(const struct miner_job *job, uint8_t out[80], const struct hash256 *root, int32_t version,
                      uint32_t time, uint32_t nonce);
/**
 * Out: *out (initialised here; block_clear it), the full block for these
 * fields: the template's transactions, the coinbase with this extranonce
 * (and its witness reserved value), the header.
 */
void miner_job_block(const struct miner_job *job, struct block *out, const uint8_t *extranonce, int32_t version,
                     uint32_t time, uint32_t nonce);
/** Returns true if the hash (internal byte order) meets the job's target. */
bool miner_job_hash_meets_target(const struct miner_job *job, const struct hash256 *hash);

/** Divides a 256-bit little-endian target by 2^bits (bits >= 256: zero). */
void miner_target_shift(uint8_t target[32], unsigned bits);

/** Returns base with the bits of mask set to index's low bits, in order (BIP 320 rolling). */
int32_t miner_version_roll(int32_t base, uint32_t mask, uint32_t index);
/** Returns how many versions a mask allows: 2^popcount(mask). */
uint64_t miner_version_count(uint32_t mask);

/** Thread `index` of `n` scans nonces [*first, *first + *count): the n slices tile 0 .. 2^32 - 1. */
void miner_nonce_slice(uint32_t *first, uint64_t *count, unsigned index, unsigned n);

/** One (extranonce, version) pair of a job's work. */
struct miner_unit {
    uint64_t extranonce; /* counter written into the extranonce field */
    uint32_t version_index;
};
/** Unit number u, the version fastest: version_index = u mod versions, extranonce = u / versions. */
void miner_unit_of(struct miner_unit *out, uint64_t u, uint64_t versions);

/**
 * Writes the extranonce field for a counter: `prefix` (its first prefix_len
 * bytes, e.g. a per-job epoch or a Stratum extranonce1) then the counter
 * little-endian, truncated to the len - prefix_len bytes that remain.
 */
void miner_extranonce_encode(uint8_t *out, size_t len, const uint8_t *prefix, size_t prefix_len, uint64_t counter);

#endif
