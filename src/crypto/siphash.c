#include "src/crypto/siphash.h"

#include "src/util/endian.h"

#define ROTL(x, b) (((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND(v0, v1, v2, v3)                                       \
    do {                                                               \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);      \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                         \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                         \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);      \
    } while (0)

/* "somepseudorandomlygeneratedbytes", the initial state before keying. */
#define IV0 0x736f6d6570736575ULL
#define IV1 0x646f72616e646f6dULL
#define IV2 0x6c7967656e657261ULL
#define IV3 0x7465646279746573ULL

void siphash_init(struct siphash_ctx *ctx, uint64_t k0, uint64_t k1)
{
    ctx->v[0] = IV0 ^ k0;
    ctx->v[1] = IV1 ^ k1;
    ctx->v[2] = IV2 ^ k0;
    ctx->v[3] = IV3 ^ k1;
    ctx->tail = 0;
    ctx->bytes = 0;
}

/* Two compression rounds on one 8-byte message word. */
static inline void compress(uint64_t v[4], uint64_t m)
{
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2], v3 = v[3] ^ m;
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    v[0] = v0 ^ m; v[1] = v1; v[2] = v2; v[3] = v3;
}

void siphash_write(struct siphash_ctx *ctx, const uint8_t *p, size_t len)
{
    size_t fill = (size_t)(ctx->bytes & 7);
    ctx->bytes += len;
    /* Finish a partial word first. */
    while (fill && len) {
        ctx->tail |= (uint64_t)*p++ << (8 * fill);
        len--;
        if (++fill == 8) {
            compress(ctx->v, ctx->tail);
            ctx->tail = 0;
            fill = 0;
        }
    }
    for (; len >= 8; len -= 8, p += 8)
        compress(ctx->v, le64_read(p));
    for (size_t i = 0; i < len; i++)
        ctx->tail |= (uint64_t)p[i] << (8 * i);
}

uint64_t siphash_finalize(const struct siphash_ctx *ctx)
{
    uint64_t v[4] = { ctx->v[0], ctx->v[1], ctx->v[2], ctx->v[3] };
    /* The last word carries the length mod 256 in its top byte. */
    compress(v, ctx->tail | ctx->bytes << 56);
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2] ^ 0xff, v3 = v[3];
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash(uint64_t k0, uint64_t k1, const uint8_t *p, size_t len)
{
    struct siphash_ctx ctx;
    siphash_init(&ctx, k0, k1);
    siphash_write(&ctx, p, len);
    return siphash_finalize(&ctx);
}

/* Fixed-length paths: the word count and the final length byte are known,
 * so the state stays in registers with no buffering. */
static inline uint64_t hash_words(uint64_t k0, uint64_t k1, const uint8_t val[32], uint64_t last)
{
    uint64_t v[4] = { IV0 ^ k0, IV1 ^ k1, IV2 ^ k0, IV3 ^ k1 };
    for (int i = 0; i < 4; i++)
        compress(v, le64_read(val + 8 * i));
    compress(v, last);
    uint64_t v0 = v[0], v1 = v[1], v2 = v[2] ^ 0xff, v3 = v[3];
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    SIPROUND(v0, v1, v2, v3);
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t siphash_uint256(uint64_t k0, uint64_t k1, const uint8_t val[32])
{
    return hash_words(k0, k1, val, (uint64_t)32 << 56);
}

uint64_t siphash_uint256_extra(uint64_t k0, uint64_t k1, const uint8_t val[32], uint32_t extra)
{
    return hash_words(k0, k1, val, (uint64_t)36 << 56 | extra);
}
