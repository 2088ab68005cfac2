#include "src/crypto/ripemd160.h"

#include <string.h>

#include "src/crypto/sha256.h"
#include "src/util/endian.h"

/* The algorithm runs two parallel lines of 80 steps over the same 16 words,
 * each line in five groups of 16 with its own boolean function, constant,
 * word order and rotation amounts; the lines are combined at the end. */

static const uint8_t R_LEFT[80] = {
    0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
    7, 4, 13, 1, 10, 6, 15, 3, 12, 0, 9, 5, 2, 14, 11, 8,
    3, 10, 14, 4, 9, 15, 8, 1, 2, 7, 0, 6, 13, 11, 5, 12,
    1, 9, 11, 10, 0, 8, 12, 4, 13, 3, 7, 15, 14, 5, 6, 2,
    4, 0, 5, 9, 7, 12, 2, 10, 14, 1, 3, 8, 11, 6, 15, 13,
};
static const uint8_t R_RIGHT[80] = {
    5, 14, 7, 0, 9, 2, 11, 4, 13, 6, 15, 8, 1, 10, 3, 12,
    6, 11, 3, 7, 0, 13, 5, 10, 14, 15, 8, 12, 4, 9, 1, 2,
    15, 5, 1, 3, 7, 14, 6, 9, 11, 8, 12, 2, 10, 0, 4, 13,
    8, 6, 4, 1, 3, 11, 15, 0, 5, 12, 2, 13, 9, 7, 10, 14,
    12, 15, 10, 4, 1, 5, 8, 7, 6, 2, 13, 14, 0, 3, 9, 11,
};
static const uint8_t S_LEFT[80] = {
    11, 14, 15, 12, 5, 8, 7, 9, 11, 13, 14, 15, 6, 7, 9, 8,
    7, 6, 8, 13, 11, 9, 7, 15, 7, 12, 15, 9, 11, 7, 13, 12,
    11, 13, 6, 7, 14, 9, 13, 15, 14, 8, 13, 6, 5, 12, 7, 5,
    11, 12, 14, 15, 14, 15, 9, 8, 9, 14, 5, 6, 8, 6, 5, 12,
    9, 15, 5, 11, 6, 8, 13, 12, 5, 12, 13, 14, 11, 8, 5, 6,
};
static const uint8_t S_RIGHT[80] = {
    8, 9, 9, 11, 13, 15, 15, 5, 7, 7, 8, 11, 14, 14, 12, 6,
    9, 13, 15, 7, 12, 8, 9, 11, 7, 7, 12, 7, 6, 15, 13, 11,
    9, 7, 15, 11, 8, 6, 6, 14, 12, 13, 5, 14, 13, 13, 7, 5,
    15, 5, 8, 11, 14, 14, 6, 14, 6, 9, 12, 9, 12, 5, 15, 8,
    8, 5, 12, 9, 12, 5, 14, 6, 8, 13, 6, 5, 15, 13, 11, 11,
};
static const uint32_t K_LEFT[5] = { 0x00000000, 0x5a827999, 0x6ed9eba1, 0x8f1bbcdc, 0xa953fd4e };
static const uint32_t K_RIGHT[5] = { 0x50a28be6, 0x5c4dd124, 0x6d703ef3, 0x7a6d76e9, 0x00000000 };

static inline uint32_t rol(uint32_t x, int n)
{
    return (x << n) | (x >> (32 - n));
}

/* f1..f5 of the paper; the right line uses them in reverse order. */
#define F1(x, y, z) ((x) ^ (y) ^ (z))
#define F2(x, y, z) (((x) & (y)) | (~(x) & (z)))
#define F3(x, y, z) (((x) | ~(y)) ^ (z))
#define F4(x, y, z) (((x) & (z)) | ((y) & ~(z)))
#define F5(x, y, z) ((x) ^ ((y) | ~(z)))

/* One group of 16 steps on both lines; written out per group so that each
 * boolean function is fixed inside its loop. */
#define GROUP(g, FL, FR)                                                                        \
    for (int j = 16 * (g); j < 16 * (g) + 16; j++) {                                            \
        uint32_t t = rol(al + FL(bl, cl, dl) + x[R_LEFT[j]] + K_LEFT[g], S_LEFT[j]) + el;       \
        al = el; el = dl; dl = rol(cl, 10); cl = bl; bl = t;                                    \
        t = rol(ar + FR(br, cr, dr) + x[R_RIGHT[j]] + K_RIGHT[g], S_RIGHT[j]) + er;             \
        ar = er; er = dr; dr = rol(cr, 10); cr = br; br = t;                                    \
    }

static void transform(uint32_t s[5], const uint8_t *p, size_t blocks)
{
    for (; blocks; blocks--, p += 64) {
        uint32_t x[16];
        for (int i = 0; i < 16; i++)
            x[i] = le32_read(p + 4 * i);
        uint32_t al = s[0], bl = s[1], cl = s[2], dl = s[3], el = s[4];
        uint32_t ar = s[0], br = s[1], cr = s[2], dr = s[3], er = s[4];
        GROUP(0, F1, F5)
        GROUP(1, F2, F4)
        GROUP(2, F3, F3)
        GROUP(3, F4, F2)
        GROUP(4, F5, F1)
        uint32_t t = s[1] + cl + dr;
        s[1] = s[2] + dl + er;
        s[2] = s[3] + el + ar;
        s[3] = s[4] + al + br;
        s[4] = s[0] + bl + cr;
        s[0] = t;
    }
}

void ripemd160_init(struct ripemd160_ctx *ctx)
{
    static const uint32_t iv[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
    memcpy(ctx->s, iv, sizeof(iv));
    ctx->bytes = 0;
}

void ripemd160_write(struct ripemd160_ctx *ctx, const uint8_t *p, size_t len)
{
    if (len == 0)
        return;
    size_t fill = (size_t)(ctx->bytes % 64);
    ctx->bytes += len;
    if (fill) {
        size_t take = 64 - fill < len ? 64 - fill : len;
        memcpy(ctx->buf + fill, p, take);
        p += take;
        len -= take;
        if (fill + take < 64)
            return;
        transform(ctx->s, ctx->buf, 1);
    }
    if (len >= 64) {
        transform(ctx->s, p, len / 64);
        p += len - len % 64;
        len %= 64;
    }
    if (len)
        memcpy(ctx->buf, p, len);
}

void ripemd160_finalize(struct ripemd160_ctx *ctx, uint8_t out[20])
{
    static const uint8_t pad[64] = { 0x80 };
    uint8_t sizedesc[8];
    /* Same padding as SHA-256, but the bit length is little-endian. */
    le64_write(sizedesc, ctx->bytes << 3);
    ripemd160_write(ctx, pad, 1 + ((119 - (ctx->bytes % 64)) % 64));
    ripemd160_write(ctx, sizedesc, 8);
    for (int i = 0; i < 5; i++)
        le32_write(out + 4 * i, ctx->s[i]);
}

void ripemd160(uint8_t out[20], const uint8_t *p, size_t len)
{
    struct ripemd160_ctx ctx;
    ripemd160_init(&ctx);
    ripemd160_write(&ctx, p, len);
    ripemd160_finalize(&ctx, out);
}

void ripemd160_hash160(uint8_t out[20], const uint8_t *p, size_t len)
{
    uint8_t h[32];
    sha256(h, p, len);
    ripemd160(out, h, 32);
}
