/* Bech32 / Bech32m and segwit addresses (BIP 173, BIP 350; see bech32.h). */
#include "src/crypto/bech32.h"

#include <string.h>

static const char CHARSET[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

/* Value of each ASCII character in the data alphabet (either case), or -1. */
static const int8_t CHARSET_REV[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    15, -1, 10, 17, 21, 20, 26, 30,  7,  5, -1, -1, -1, -1, -1, -1,
    -1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
     1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
    -1, 29, -1, 24, 13, 25,  9,  8, 23, -1, 18, 22, 31, 27, 19, -1,
     1,  0,  3, 16, 11, 28, 12, 14,  6,  4,  2, -1, -1, -1, -1, -1,
};

#define BECH32M_CONST 0x2bc830a3u

/* The BCH checksum of BIP 173: the remainder of the value sequence, read as
 * a polynomial over GF(32), modulo the code's generator. */
static uint32_t polymod_step(uint32_t chk, uint8_t v)
{
    uint32_t b = chk >> 25;
    chk = ((chk & 0x1ffffff) << 5) ^ v;
    if (b & 1)
        chk ^= 0x3b6a57b2;
    if (b & 2)
        chk ^= 0x26508e6d;
    if (b & 4)
        chk ^= 0x1ea119fa;
    if (b & 8)
        chk ^= 0x3d4233dd;
    if (b & 16)
        chk ^= 0x2a1462b3;
    return chk;
}

/* Checksum state after the expanded hrp: high bits, a zero, low bits. The
 * hrp must already be lowercase. */
static uint32_t polymod_hrp(const char *hrp, size_t hrp_len)
{
    uint32_t chk = 1;
    for (size_t i = 0; i < hrp_len; i++)
        chk = polymod_step(chk, (uint8_t)((unsigned char)hrp[i] >> 5));
    chk = polymod_step(chk, 0);
    for (size_t i = 0; i < hrp_len; i++)
        chk = polymod_step(chk, (uint8_t)(hrp[i] & 31));
    return chk;
}

static uint32_t encoding_const(enum bech32_encoding enc)
{
    return enc == BECH32_BECH32M ? BECH32M_CONST : 1;
}

bool bech32_encode(char out[BECH32_MAX_LEN + 1], const char *hrp, const uint8_t *data, size_t data_len,
                   enum bech32_encoding enc)
{
    out[0] = 0;
    if (enc != BECH32_BECH32 && enc != BECH32_BECH32M)
        return false;
    size_t hrp_len = strnlen(hrp, BECH32_MAX_HRP + 1);
    if (hrp_len < 1 || hrp_len > BECH32_MAX_HRP || hrp_len + 1 + data_len + 6 > BECH32_MAX_LEN)
        return false;
    for (size_t i = 0; i < hrp_len; i++) {
        unsigned char c = (unsigned char)hrp[i];
        if (c < 33 || c > 126 || (c >= 'A' && c <= 'Z'))
            return false;
    }
    uint32_t chk = polymod_hrp(hrp, hrp_len);
    char *p = out;
    memcpy(p, hrp, hrp_len);
    p += hrp_len;
    *p++ = '1';
    for (size_t i = 0; i < data_len; i++) {
        if (data[i] >> 5) {
            out[0] = 0;
            return false;
        }
        chk = polymod_step(chk, data[i]);
        *p++ = CHARSET[data[i]];
    }
    for (int i = 0; i < 6; i++)
        chk = polymod_step(chk, 0);
    chk ^= encoding_const(enc);
    for (int i = 0; i < 6; i++)
        *p++ = CHARSET[(chk >> (5 * (5 - i))) & 31];
    *p = 0;
    return true;
}

enum bech32_encoding bech32_decode(char hrp[BECH32_MAX_HRP + 1], uint8_t data[BECH32_MAX_DATA], size_t *data_len,
                                   const char *s)
{
    hrp[0] = 0;
    *data_len = 0;
    size_t len = strnlen(s, BECH32_MAX_LEN + 1);
    if (len > BECH32_MAX_LEN)
        return BECH32_INVALID;
    bool lower = false, upper = false;
    size_t sep = len; /* position of the last '1' */
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 33 || c > 126)
            return BECH32_INVALID;
        lower |= c >= 'a' && c <= 'z';
        upper |= c >= 'A' && c <= 'Z';
        if (c == '1')
            sep = i;
    }
    /* Mixed case is invalid; a separator needs an hrp before it and at
     * least six checksum characters after it. */
    if ((lower && upper) || sep == len || sep == 0 || sep > BECH32_MAX_HRP || len - sep - 1 < 6)
        return BECH32_INVALID;

    char h[BECH32_MAX_HRP + 1];
    for (size_t i = 0; i < sep; i++) {
        char c = s[i];
        h[i] = (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
    }
    h[sep] = 0;
    uint32_t chk = polymod_hrp(h, sep);
    size_t n = len - sep - 1;
    uint8_t d[BECH32_MAX_LEN];
    for (size_t i = 0; i < n; i++) {
        int v = CHARSET_REV[(unsigned char)s[sep + 1 + i]];
        if (v < 0)
            return BECH32_INVALID;
        d[i] = (uint8_t)v;
        chk = polymod_step(chk, d[i]);
    }
    enum bech32_encoding enc;
    if (chk == 1)
        enc = BECH32_BECH32;
    else if (chk == BECH32M_CONST)
        enc = BECH32_BECH32M;
    else
        return BECH32_INVALID;
    memcpy(hrp, h, sep + 1);
    memcpy(data, d, n - 6);
    *data_len = n - 6;
    return enc;
}

bool bech32_convert_bits(uint8_t *out, size_t cap, size_t *out_len, const uint8_t *in, size_t in_len, int from_bits,
                         int to_bits, bool pad)
{
    uint32_t acc = 0;
    int bits = 0;
    size_t n = 0;
    const uint32_t maxv = (1u << to_bits) - 1;
    *out_len = 0;
    if (from_bits < 1 || from_bits > 8 || to_bits < 1 || to_bits > 8)
        return false;
    for (size_t i = 0; i < in_len; i++) {
        if (in[i] >> from_bits)
            return false;
        acc = ((acc << from_bits) | in[i]) & 0xffff; /* only the pending bits matter */
        bits += from_bits;
        while (bits >= to_bits) {
            bits -= to_bits;
            if (n == cap)
                return false;
            out[n++] = (uint8_t)((acc >> bits) & maxv);
        }
    }
    if (pad) {
        if (bits) {
            if (n == cap)
                return false;
            out[n++] = (uint8_t)((acc << (to_bits - bits)) & maxv);
        }
    } else if (bits >= from_bits || ((acc << (to_bits - bits)) & maxv)) {
        /* More than a group's worth of padding, or padding that is not zero. */
        return false;
    }
    *out_len = n;
    return true;
}

/* BIP 141: a witness program is 2 to 40 bytes; version 0 only 20 or 32. */
static bool segwit_program_ok(int witver, size_t len)
{
    if (witver < 0 || witver > 16)
        return false;
    if (len < BECH32_SEGWIT_MIN_PROGRAM || len > BECH32_SEGWIT_MAX_PROGRAM)
        return false;
    return witver != 0 || len == 20 || len == 32;
}

bool bech32_segwit_encode(char out[BECH32_MAX_LEN + 1], const char *hrp, int witver, const uint8_t *program,
                          size_t program_len)
{
    out[0] = 0;
    if (!segwit_program_ok(witver, program_len))
        return false;
    uint8_t data[1 + (BECH32_SEGWIT_MAX_PROGRAM * 8 + 4) / 5];
    size_t n;
    data[0] = (uint8_t)witver;
    if (!bech32_convert_bits(data + 1, sizeof(data) - 1, &n, program, program_len, 8, 5, true))
        return false;
    return bech32_encode(out, hrp, data, n + 1, witver == 0 ? BECH32_BECH32 : BECH32_BECH32M);
}

bool bech32_segwit_decode(int *witver, uint8_t program[BECH32_SEGWIT_MAX_PROGRAM], size_t *program_len,
                          const char *hrp, const char *addr)
{
    char got[BECH32_MAX_HRP + 1];
    uint8_t data[BECH32_MAX_DATA];
    size_t n, plen;
    *witver = 0;
    *program_len = 0;
    enum bech32_encoding enc = bech32_decode(got, data, &n, addr);
    if (enc == BECH32_INVALID || n < 1 || strcmp(got, hrp) != 0)
        return false;
    int v = data[0];
    /* BIP 350: version 0 with Bech32 only, versions 1+ with Bech32m only. */
    if (v > 16 || (v == 0) != (enc == BECH32_BECH32))
        return false;
    uint8_t prog[BECH32_SEGWIT_MAX_PROGRAM];
    if (!bech32_convert_bits(prog, sizeof(prog), &plen, data + 1, n - 1, 5, 8, false))
        return false;
    if (!segwit_program_ok(v, plen))
        return false;
    memcpy(program, prog, plen);
    *witver = v;
    *program_len = plen;
    return true;
}
