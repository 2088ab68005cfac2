#include "src/crypto/sha256.h"

#include <string.h>

#include "src/util/endian.h"

/* Placeholder single-kernel implementation; kernels are selected in
 * sha256_kernels.c once they exist. */

static const uint32_t K[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void transform(uint32_t s[8], const uint8_t *chunk, size_t blocks)
{
    while (blocks--) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = be32_read(chunk + 4 * i);
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = s[0], b = s[1], c = s[2], d = s[3], e = s[4], f = s[5], g = s[6], h = s[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 = h + (ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25)) + ((e & f) ^ (~e & g)) + K[i] + w[i];
            uint32_t t2 = (ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            h = g; g = f; f = e; e = d + t1; d = c; c = b; b = a; a = t1 + t2;
        }
        s[0] += a; s[1] += b; s[2] += c; s[3] += d; s[4] += e; s[5] += f; s[6] += g; s[7] += h;
        chunk += 64;
    }
}

void sha256_init(struct sha256_ctx *ctx)
{
    static const uint32_t iv[8] = { 0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                    0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19 };
    memcpy(ctx->s, iv, sizeof(iv));
    ctx->bytes = 0;
}

void sha256_write(struct sha256_ctx *ctx, const uint8_t *p, size_t len)
{
    size_t fill = ctx->bytes % 64;
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

void sha256_finalize(struct sha256_ctx *ctx, uint8_t out[32])
{
    static const uint8_t pad[64] = { 0x80 };
    uint8_t sizedesc[8];
    be64_write(sizedesc, ctx->bytes << 3);
    sha256_write(ctx, pad, 1 + ((119 - (ctx->bytes % 64)) % 64));
    sha256_write(ctx, sizedesc, 8);
    for (int i = 0; i < 8; i++)
        be32_write(out + 4 * i, ctx->s[i]);
}

void sha256(uint8_t out[32], const uint8_t *p, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, p, len);
    sha256_finalize(&ctx, out);
}

void sha256d_finalize(struct sha256_ctx *ctx, uint8_t out[32])
{
    uint8_t first[32];
    sha256_finalize(ctx, first);
    sha256(out, first, 32);
}

void sha256d(uint8_t out[32], const uint8_t *p, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, p, len);
    sha256d_finalize(&ctx, out);
}
