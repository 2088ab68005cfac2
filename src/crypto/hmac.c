#include "src/crypto/hmac.h"

#include <string.h>

#include "src/util/alloc.h"

/* HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 the key padded to
 * the block size (or hashed first if longer). The contexts keep the two
 * states after absorbing the padded key, so the key itself is not stored. */

void hmac_sha256_init(struct hmac_sha256_ctx *ctx, const uint8_t *key, size_t keylen)
{
    uint8_t k0[64] = { 0 };
    if (keylen > sizeof(k0))
        sha256(k0, key, keylen);
    else if (keylen)
        memcpy(k0, key, keylen);
    for (size_t i = 0; i < sizeof(k0); i++)
        k0[i] ^= 0x5c;
    sha256_init(&ctx->outer);
    sha256_write(&ctx->outer, k0, sizeof(k0));
    for (size_t i = 0; i < sizeof(k0); i++)
        k0[i] ^= 0x5c ^ 0x36;
    sha256_init(&ctx->inner);
    sha256_write(&ctx->inner, k0, sizeof(k0));
    mem_wipe(k0, sizeof(k0));
}

void hmac_sha256_write(struct hmac_sha256_ctx *ctx, const uint8_t *p, size_t len)
{
    sha256_write(&ctx->inner, p, len);
}

void hmac_sha256_finalize(struct hmac_sha256_ctx *ctx, uint8_t out[32])
{
    uint8_t h[32];
    sha256_finalize(&ctx->inner, h);
    sha256_write(&ctx->outer, h, sizeof(h));
    sha256_finalize(&ctx->outer, out);
    mem_wipe(h, sizeof(h));
    mem_wipe(ctx, sizeof(*ctx));
}

void hmac_sha256(uint8_t out[32], const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len)
{
    struct hmac_sha256_ctx ctx;
    hmac_sha256_init(&ctx, key, keylen);
    hmac_sha256_write(&ctx, msg, len);
    hmac_sha256_finalize(&ctx, out);
}

void hmac_sha512_init(struct hmac_sha512_ctx *ctx, const uint8_t *key, size_t keylen)
{
    uint8_t k0[128] = { 0 };
    if (keylen > sizeof(k0))
        sha512(k0, key, keylen);
    else if (keylen)
        memcpy(k0, key, keylen);
    for (size_t i = 0; i < sizeof(k0); i++)
        k0[i] ^= 0x5c;
    sha512_init(&ctx->outer);
    sha512_write(&ctx->outer, k0, sizeof(k0));
    for (size_t i = 0; i < sizeof(k0); i++)
        k0[i] ^= 0x5c ^ 0x36;
    sha512_init(&ctx->inner);
    sha512_write(&ctx->inner, k0, sizeof(k0));
    mem_wipe(k0, sizeof(k0));
}

void hmac_sha512_write(struct hmac_sha512_ctx *ctx, const uint8_t *p, size_t len)
{
    sha512_write(&ctx->inner, p, len);
}

void hmac_sha512_finalize(struct hmac_sha512_ctx *ctx, uint8_t out[64])
{
    uint8_t h[64];
    sha512_finalize(&ctx->inner, h);
    sha512_write(&ctx->outer, h, sizeof(h));
    sha512_finalize(&ctx->outer, out);
    mem_wipe(h, sizeof(h));
    mem_wipe(ctx, sizeof(*ctx));
}

void hmac_sha512(uint8_t out[64], const uint8_t *key, size_t keylen, const uint8_t *msg, size_t len)
{
    struct hmac_sha512_ctx ctx;
    hmac_sha512_init(&ctx, key, keylen);
    hmac_sha512_write(&ctx, msg, len);
    hmac_sha512_finalize(&ctx, out);
}
