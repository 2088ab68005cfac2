#include "src/crypto/sha1.h"

#include <string.h>

#include "src/util/endian.h"

static uint32_t rol32(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

static void sha1_block(uint32_t s[5], const uint8_t *b)
{
    uint32_t w[80];
    for (int i = 0; i < 16; i++)
        w[i] = be32_read(b + 4 * i);
    for (int i = 16; i < 80; i++)
        w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
    uint32_t a = s[0], bb = s[1], c = s[2], d = s[3], e = s[4];
    for (int i = 0; i < 80; i++) {
        uint32_t f, k;
        if (i < 20) {
            f = (bb & c) | (~bb & d);
            k = 0x5a827999;
        } else if (i < 40) {
            f = bb ^ c ^ d;
            k = 0x6ed9eba1;
        } else if (i < 60) {
            f = (bb & c) | (bb & d) | (c & d);
            k = 0x8f1bbcdc;
        } else {
            f = bb ^ c ^ d;
            k = 0xca62c1d6;
        }
        uint32_t t = rol32(a, 5) + f + e + k + w[i];
        e = d;
        d = c;
        c = rol32(bb, 30);
        bb = a;
        a = t;
    }
    s[0] += a;
    s[1] += bb;
    s[2] += c;
    s[3] += d;
    s[4] += e;
}

void sha1(uint8_t out[20], const uint8_t *p, size_t len)
{
    uint32_t s[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    size_t full = len / 64;
    for (size_t i = 0; i < full; i++)
        sha1_block(s, p + 64 * i);
    uint8_t tail[128] = { 0 };
    size_t rem = len - 64 * full;
    if (rem)
        memcpy(tail, p + 64 * full, rem);
    tail[rem] = 0x80;
    size_t tail_len = rem < 56 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    be64_write(tail + tail_len - 8, bits);
    for (size_t i = 0; i < tail_len; i += 64)
        sha1_block(s, tail + i);
    for (int i = 0; i < 5; i++)
        be32_write(out + 4 * i, s[i]);
}
