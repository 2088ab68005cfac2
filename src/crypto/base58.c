/* Base58 and Base58Check (see base58.h). The conversion is the schoolbook
 * base change, quadratic in the length, which BASE58_MAX_BYTES bounds. */
#include "src/crypto/base58.h"

#include <string.h>

#include "src/crypto/sha256.h"

static const char ALPHABET[] = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Digit value of each ASCII character, -1 outside the alphabet. */
static const int8_t DIGIT[128] = {
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1,
    -1,  0,  1,  2,  3,  4,  5,  6,  7,  8, -1, -1, -1, -1, -1, -1,
    -1,  9, 10, 11, 12, 13, 14, 15, 16, -1, 17, 18, 19, 20, 21, -1,
    22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, -1, -1, -1, -1, -1,
    -1, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, -1, 44, 45, 46,
    47, 48, 49, 50, 51, 52, 53, 54, 55, 56, 57, -1, -1, -1, -1, -1,
};

/* log(256) / log(58) < 1.38 and log(58) / log(256) < 0.733: digit counts. */
#define MAX_DIGITS (BASE58_MAX_BYTES * 138 / 100 + 1)
#define MAX_DECODED (MAX_DIGITS * 733 / 1000 + 1)

bool base58_encode(char *out, size_t out_cap, const uint8_t *p, size_t len)
{
    if (out_cap > 0)
        out[0] = 0;
    if (len > BASE58_MAX_BYTES)
        return false;
    size_t zeros = 0;
    while (zeros < len && p[zeros] == 0)
        zeros++;
    uint8_t b58[MAX_DIGITS]; /* base-58 digits, big-endian, right-aligned */
    size_t size = (len - zeros) * 138 / 100 + 1, used = 0;
    memset(b58, 0, size);
    for (size_t i = zeros; i < len; i++) {
        /* b58 = b58 * 256 + p[i], touching only the digits in use. */
        unsigned carry = p[i];
        size_t j = 0;
        for (size_t k = size; k-- > 0 && (carry != 0 || j < used); j++) {
            carry += 256u * b58[k];
            b58[k] = (uint8_t)(carry % 58);
            carry /= 58;
        }
        used = j;
    }
    size_t n = zeros + used;
    if (n + 1 > out_cap)
        return false;
    memset(out, '1', zeros);
    for (size_t i = 0; i < used; i++)
        out[zeros + i] = ALPHABET[b58[size - used + i]];
    out[n] = 0;
    return true;
}

bool base58_decode(uint8_t *out, size_t cap, size_t *len, const char *s)
{
    *len = 0;
    if (cap > BASE58_MAX_BYTES)
        cap = BASE58_MAX_BYTES;
    size_t zeros = 0;
    while (s[zeros] == '1') {
        if (++zeros > cap)
            return false;
    }
    /* n digits, the first non-zero, need more than (n - 1) * 0.732 bytes:
     * a longer string cannot fit in cap, so never read further. */
    size_t max_digits = cap * 138 / 100 + 1;
    size_t digits = strnlen(s + zeros, max_digits + 1);
    if (digits > max_digits)
        return false;
    uint8_t b256[MAX_DECODED]; /* big-endian, right-aligned */
    size_t size = digits * 733 / 1000 + 1, used = 0;
    memset(b256, 0, size);
    for (size_t i = 0; i < digits; i++) {
        unsigned char c = (unsigned char)s[zeros + i];
        int d = c < 128 ? DIGIT[c] : -1;
        if (d < 0)
            return false;
        unsigned carry = (unsigned)d;
        size_t j = 0;
        for (size_t k = size; k-- > 0 && (carry != 0 || j < used); j++) {
            carry += 58u * b256[k];
            b256[k] = (uint8_t)carry;
            carry >>= 8;
        }
        used = j;
    }
    if (zeros + used > cap)
        return false;
    memset(out, 0, zeros);
    if (used)
        memcpy(out + zeros, b256 + size - used, used);
    *len = zeros + used;
    return true;
}

bool base58check_encode(char *out, size_t out_cap, const uint8_t *p, size_t len)
{
    if (out_cap > 0)
        out[0] = 0;
    if (len > BASE58CHECK_MAX_PAYLOAD)
        return false;
    uint8_t buf[BASE58_MAX_BYTES], hash[32];
    if (len)
        memcpy(buf, p, len);
    sha256d(hash, buf, len);
    memcpy(buf + len, hash, 4);
    return base58_encode(out, out_cap, buf, len + 4);
}

bool base58check_decode(uint8_t *out, size_t cap, size_t *len, const char *s)
{
    uint8_t buf[BASE58_MAX_BYTES], hash[32];
    size_t n;
    *len = 0;
    if (!base58_decode(buf, sizeof(buf), &n, s) || n < 4)
        return false;
    sha256d(hash, buf, n - 4);
    if (memcmp(hash, buf + n - 4, 4) != 0 || n - 4 > cap)
        return false;
    if (n > 4)
        memcpy(out, buf, n - 4);
    *len = n - 4;
    return true;
}
