#ifndef HASHMINT_CRYPTO_BECH32_H
#define HASHMINT_CRYPTO_BECH32_H
/* Bech32 (BIP 173) and Bech32m (BIP 350) strings, and segwit addresses:
 * witness version 0 uses Bech32, versions 1 to 16 use Bech32m.
 *
 * A string is hrp '1' data checksum: the human-readable part is 1 to 83
 * ASCII characters 33..126, the data part 5-bit values in the alphabet
 * qpzry9x8gf2tvdw0s3jn54khce6mua7l, the checksum 6 of them. The whole string
 * is at most 90 characters and is all lowercase or all uppercase; encoders
 * write lowercase. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BECH32_MAX_LEN 90       /* characters, without the NUL */
#define BECH32_MAX_HRP 83       /* characters, without the NUL */
#define BECH32_MAX_DATA 82      /* 5-bit values: 90 - '1' - 1 hrp char - 6 checksum */
#define BECH32_SEGWIT_MAX_PROGRAM 40
#define BECH32_SEGWIT_MIN_PROGRAM 2

enum bech32_encoding {
    BECH32_INVALID = 0, /* decoding failed */
    BECH32_BECH32,      /* BIP 173: checksum constant 1 */
    BECH32_BECH32M,     /* BIP 350: checksum constant 0x2bc830a3 */
};

/**
 * Encodes hrp and data (5-bit values, each < 32) with the checksum of enc.
 * Out: out, a NUL-terminated lowercase string (room for BECH32_MAX_LEN + 1).
 * Returns false (out[0] = NUL) if hrp is empty, too long, has a character
 * outside 33..126 or an uppercase letter, a data value is >= 32, or the
 * result would exceed BECH32_MAX_LEN.
 */
__attribute__((warn_unused_result)) bool bech32_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
                                                      const uint8_t *data, size_t data_len,
                                                      enum bech32_encoding enc);
/**
 * Decodes a Bech32 or Bech32m string. Out: hrp (lowercased, NUL-terminated),
 * data (5-bit values without the checksum) and *data_len. Returns the
 * encoding whose checksum matched, or BECH32_INVALID (outputs empty) for any
 * violation of the format described above.
 */
__attribute__((warn_unused_result)) enum bech32_encoding bech32_decode(char hrp[BECH32_MAX_HRP + 1],
                                                                      uint8_t data[BECH32_MAX_DATA],
                                                                      size_t *data_len, const char *s);
/**
 * Regroups in_len values of from_bits bits into values of to_bits bits
 * (from_bits, to_bits <= 8) into out (capacity cap). With pad, the last
 * group is zero-padded; without it, leftover bits must be fewer than
 * from_bits and zero. Returns false (*out_len = 0) on an input value that
 * does not fit from_bits, bad padding, or overflow of cap.
 */
__attribute__((warn_unused_result)) bool bech32_convert_bits(uint8_t *out, size_t cap, size_t *out_len,
                                                            const uint8_t *in, size_t in_len, int from_bits,
                                                            int to_bits, bool pad);
/**
 * Encodes a segwit address: witness version witver (0..16) and program
 * (2..40 bytes; exactly 20 or 32 for version 0), Bech32 for version 0 and
 * Bech32m otherwise. Out: out (room for BECH32_MAX_LEN + 1). Returns false
 * (out[0] = NUL) if any rule is broken or hrp is not valid for bech32_encode.
 */
__attribute__((warn_unused_result)) bool bech32_segwit_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
                                                             int witver, const uint8_t *program,
                                                             size_t program_len);
/**
 * Decodes a segwit address whose human-readable part must equal hrp
 * (compared case-insensitively; hrp itself lowercase). Out: *witver,
 * program (room for BECH32_SEGWIT_MAX_PROGRAM bytes), *program_len.
 * Returns false (outputs zeroed) unless the string is valid Bech32/Bech32m,
 * the version is 0..16 and encoded with the right checksum, and the program
 * length follows BIP 141/173/350.
 */
__attribute__((warn_unused_result)) bool bech32_segwit_decode(int *witver,
                                                             uint8_t program[BECH32_SEGWIT_MAX_PROGRAM],
                                                             size_t *program_len, const char *hrp,
                                                             const char *addr);

#endif
