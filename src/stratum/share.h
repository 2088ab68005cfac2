#ifndef HASHMINT_STRATUM_SHARE_H
#define HASHMINT_STRATUM_SHARE_H
/* Stratum share arithmetic and the exact check of one mining.submit.
 *
 * Difficulty is Stratum's (cgminer/ckpool "bdiff"): difficulty 1 is the
 * target 0xffff * 2^208, and difficulty d the target floor(that / d),
 * computed in integers so that a client can reproduce it bit for bit:
 * with d = m * 2^e (frexp, 0.5 <= m < 1) and q = m * 2^53 (exact),
 * target = (0xffff * 2^208 / q) * 2^(53 - e), capped at 2^256 - 1
 * (stratum_difficulty_target). Fractional difficulties are allowed: on
 * regtest the network's own target is near 2^255 (difficulty ~4.7e-10). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/miner/work.h"
#include "src/util/hash256.h"

/** Stratum error codes (the usual ones: ckpool, slush's protocol page). */
enum stratum_error {
    STRATUM_ERR_OTHER = 20,          /* other: bad extranonce2 size, ntime, version bits, parameters */
    STRATUM_ERR_JOB_NOT_FOUND = 21,  /* stale or unknown job */
    STRATUM_ERR_DUPLICATE = 22,
    STRATUM_ERR_LOW_DIFFICULTY = 23,
    STRATUM_ERR_UNAUTHORIZED = 24,
    STRATUM_ERR_NOT_SUBSCRIBED = 25,
};

/** What a share check found. */
enum stratum_share_result {
    STRATUM_SHARE_VALID,          /* meets the share target, not the network's */
    STRATUM_SHARE_BLOCK,          /* meets the network target: a block */
    STRATUM_SHARE_STALE,          /* a job of an earlier tip (21) */
    STRATUM_SHARE_UNKNOWN_JOB,    /* no such job ever (21) */
    STRATUM_SHARE_DUPLICATE,      /* (22) */
    STRATUM_SHARE_LOW_DIFFICULTY, /* (23) */
    STRATUM_SHARE_BAD_EXTRANONCE2,/* wrong size or not hex (20) */
    STRATUM_SHARE_BAD_NTIME,      /* not hex, before the job's minimum time or too far ahead (20) */
    STRATUM_SHARE_BAD_NONCE,      /* not 8 hex digits (20) */
    STRATUM_SHARE_BAD_VERSION,    /* version bits outside the negotiated mask, or malformed (20) */
    STRATUM_SHARE_RESULT_COUNT
};

/** The reason's short name (getstratuminfo keys, the log). */
const char *stratum_share_result_name(enum stratum_share_result r);
/** The error code a rejected result is answered with (0 for VALID and BLOCK). */
int stratum_share_result_code(enum stratum_share_result r);
/** The error message a rejected result is answered with ("" for VALID and BLOCK). */
const char *stratum_share_result_message(enum stratum_share_result r);

/** Out: target (little-endian 256-bit) of a Stratum difficulty (> 0; else the maximum target). */
void stratum_difficulty_target(uint8_t target[32], double difficulty);
/** Returns the difficulty of a hash (internal byte order): diff1 / hash, as a double. */
double stratum_hash_difficulty(const struct hash256 *hash);
/** Returns the Stratum difficulty of a compact target (the network difficulty). */
double stratum_bits_difficulty(uint32_t bits);

/** The fields of one mining.submit, as strings from the client. */
struct stratum_submit {
    const char *extranonce2; /* hex */
    const char *ntime;       /* 8 hex digits, big-endian number */
    const char *nonce;       /* 8 hex digits, big-endian number */
    const char *version_bits;/* NULL, or 8 hex digits (BIP 310) */
};

/** What the check needs besides the job. */
struct stratum_share_ctx {
    const uint8_t *extranonce1;
    size_t extranonce1_len;
    size_t extranonce2_len;
    uint32_t version_mask;    /* the mask negotiated with mining.configure (0: none) */
    uint8_t share_target[32]; /* from the connection's difficulty */
    int64_t now;              /* unix seconds */
    int64_t max_future;       /* how far ahead of now ntime may be (seconds) */
};

/** A checked share: the fields decoded, the header and its hash. */
struct stratum_share {
    uint8_t extranonce[MINER_EXTRANONCE_MAX]; /* extranonce1 || extranonce2 */
    uint32_t ntime, nonce;
    int32_t version;
    uint8_t header[80];
    struct hash256 hash;
};

/**
 * Decodes and checks a submission against job (which must be one the
 * connection was sent, for the tip; stale and unknown jobs are the caller's
 * to find): extranonce2 size, ntime, nonce, version bits, then the hash
 * against the network and share targets. Duplicates are the caller's too
 * (it owns the set; see stratum_dupset). Out: *out (filled as far as the
 * check got). Returns VALID, BLOCK or the first failure.
 */
enum stratum_share_result stratum_share_check(struct stratum_share *out, const struct stratum_share_ctx *c,
                                              const struct miner_job *job, const struct stratum_submit *s);

/** A set of share hashes (duplicate detection per job). */
struct stratum_dupset {
    struct hash256 *slots;
    size_t cap, count;
};
void stratum_dupset_init(struct stratum_dupset *d);
void stratum_dupset_clear(struct stratum_dupset *d);
/** Inserts h; returns false if it was already there. */
bool stratum_dupset_insert(struct stratum_dupset *d, const struct hash256 *h);

#endif
