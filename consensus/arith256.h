#ifndef HASHMINT_CONSENSUS_ARITH256_H
#define HASHMINT_CONSENSUS_ARITH256_H
/* 256-bit unsigned integers for proof-of-work targets and chain work
 * (Bitcoin Core's arith_uint256). Values are plain structs passed by pointer;
 * every operation is modulo 2^256 unless it says otherwise, exactly as Core's
 * operators behave, so retarget arithmetic gives Core's results bit for bit. */
#include <stdbool.h>
#include <stdint.h>

#include "src/util/hash256.h"

struct arith256 {
    uint32_t w[8]; /* little-endian 32-bit limbs: w[0] is the least significant */
};

/** Sets a to the 64-bit value v. */
void arith256_set_u64(struct arith256 *a, uint64_t v);
/** Returns true if a is zero. */
bool arith256_is_zero(const struct arith256 *a);
/** Returns -1, 0 or 1 as a is below, equal to or above b. */
int arith256_cmp(const struct arith256 *a, const struct arith256 *b);
/** Returns the position of the highest set bit plus one (0 for zero). */
unsigned arith256_bits(const struct arith256 *a);
/** Returns the low 64 bits of a. */
uint64_t arith256_low64(const struct arith256 *a);

/** Out: r = a << shift (bits shifted past bit 255 are lost; shift >= 256 gives 0). r may alias a. */
void arith256_shl(struct arith256 *r, const struct arith256 *a, unsigned shift);
/** Out: r = a >> shift (shift >= 256 gives 0). r may alias a. */
void arith256_shr(struct arith256 *r, const struct arith256 *a, unsigned shift);
/** Out: r = a + b mod 2^256. r may alias either. */
void arith256_add(struct arith256 *r, const struct arith256 *a, const struct arith256 *b);
/** Out: r = a - b mod 2^256. r may alias either. */
void arith256_sub(struct arith256 *r, const struct arith256 *a, const struct arith256 *b);
/** Out: r = a * m mod 2^256 (Core's operator*=(uint32_t) truncates the same way). r may alias a. */
void arith256_mul_u32(struct arith256 *r, const struct arith256 *a, uint32_t m);
/** Out: r = a * m mod 2^256. r may alias a. */
void arith256_mul_u64(struct arith256 *r, const struct arith256 *a, uint64_t m);
/**
 * Out: r = a / b (truncating). Returns false (r zeroed) if b is zero.
 * r may alias a or b.
 */
__attribute__((warn_unused_result)) bool arith256_div(struct arith256 *r, const struct arith256 *a, const struct arith256 *b);
/** Out: r = a / d for a 64-bit divisor. Returns false (r zeroed) if d is zero. r may alias a. */
__attribute__((warn_unused_result)) bool arith256_div_u64(struct arith256 *r, const struct arith256 *a, uint64_t d);

/**
 * Decodes Bitcoin's compact "nBits" form (SetCompact): a 1-byte size, a sign
 * bit and a 23-bit mantissa. Out: r; *negative: the sign bit was set on a
 * non-zero mantissa; *overflow: the value does not fit 256 bits (either may
 * be NULL). On overflow r holds Core's truncated value.
 */
void arith256_set_compact(struct arith256 *r, uint32_t compact, bool *negative, bool *overflow);
/** Encodes a in compact form (GetCompact), with the sign bit if negative and a is non-zero. */
uint32_t arith256_get_compact(const struct arith256 *a, bool negative);

/** Out: r = the number whose little-endian bytes are h (Core's UintToArith256: hashes compare as numbers). */
void arith256_from_hash(struct arith256 *r, const struct hash256 *h);
/** Out: h = the 32 little-endian bytes of a (ArithToUint256). */
void arith256_to_hash(struct hash256 *h, const struct arith256 *a);
/** Writes a as 64 hex digits, most significant first (Core's GetHex), and a NUL. */
void arith256_to_hex(char out[65], const struct arith256 *a);

/**
 * Expected number of hashes a block with target `bits` represents
 * (Core's GetBlockProof): ~target / (target + 1) + 1, i.e. 2^256 / (target + 1).
 * Out: r; zero for a negative, overflowing or zero target.
 */
void arith256_work_from_compact(struct arith256 *r, uint32_t bits);

#endif
