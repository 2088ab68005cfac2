/* SHA-256 front end: kernel selection, the incremental API, double hashing,
 * BIP 340 tagged hashes and the batch paths (Merkle levels, header nonces).
 *
 * A kernel is chosen once at load time from CPUID (sha256_kernel_select can
 * override it). Single-stream hashing uses SHA-NI when the CPU has it, else
 * portable C: AVX2 computes eight independent messages side by side and gains
 * nothing on one stream, whose rounds depend on each other. The batch paths
 * (sha256d_64, sha256d_header_nonces) use the selected kernel's multi-lane
 * entry point for whole groups and the single-stream transform for the rest. */
#include "src/crypto/sha256.h"

#include <string.h>

#include "src/crypto/sha256_internal.h"
#include "src/util/endian.h"

static const struct sha256_kernel_ops portable_ops = {
    "portable", sha256_portable_transform, 1, sha256_portable_d64, sha256_portable_nonces,
};

static const struct sha256_kernel_ops shani_ops = {
    "shani", sha256_shani_transform, 2, sha256_shani_d64_2way, sha256_shani_nonces_2way,
};

/* The process-wide choice. Written only by sha256_kernel_select (and the
 * load-time constructor), before threads start; read by every hash. */
static struct sha256_kernel_ops active = {
    "portable", sha256_portable_transform, 1, sha256_portable_d64, sha256_portable_nonces,
};

bool sha256_kernel_available(enum sha256_kernel k)
{
    switch (k) {
    case SHA256_KERNEL_AUTO:
    case SHA256_KERNEL_PORTABLE:
        return true;
    case SHA256_KERNEL_SHANI:
        return sha256_shani_supported();
    case SHA256_KERNEL_AVX2:
        return sha256_avx2_supported();
    }
    return false;
}

/* What AUTO means. Measured with bench_hashmint on an Intel Xeon (Sapphire
 * Rapids, 2.6 GHz) that has both: header double-hashes ~16 M/s on 2-way
 * SHA-NI against ~11 M/s on 8-way AVX2, sha256d_64 ~11 M/s against ~8 M/s
 * (AVX2 is bound by its ~37 vector operations per round on three ports). So
 * AVX2 is chosen only where SHA-NI is missing. */
static enum sha256_kernel best_kernel(void)
{
    if (sha256_shani_supported())
        return SHA256_KERNEL_SHANI;
    if (sha256_avx2_supported())
        return SHA256_KERNEL_AVX2;
    return SHA256_KERNEL_PORTABLE;
}

bool sha256_kernel_select(enum sha256_kernel k)
{
    if (!sha256_kernel_available(k))
        return false;
    if (k == SHA256_KERNEL_AUTO)
        k = best_kernel();
    switch (k) {
    case SHA256_KERNEL_SHANI:
        active = shani_ops;
        break;
    case SHA256_KERNEL_AVX2:
        /* Eight lanes for batches; single streams and batch remainders
         * run on the best single-stream kernel. */
        active.name = "avx2";
        active.transform = sha256_shani_supported() ? sha256_shani_transform : sha256_portable_transform;
        active.lanes = 8;
        active.d64 = sha256_avx2_d64_8way;
        active.nonces = sha256_avx2_nonces_8way;
        break;
    default:
        active = portable_ops;
        break;
    }
    return true;
}

const char *sha256_kernel_name(void)
{
    return active.name;
}

__attribute__((constructor)) static void select_at_load(void)
{
    (void)sha256_kernel_select(SHA256_KERNEL_AUTO);
}

/* ---- incremental API ---------------------------------------------------- */

void sha256_init(struct sha256_ctx *ctx)
{
    memcpy(ctx->s, sha256_iv, sizeof(ctx->s));
    ctx->bytes = 0;
}

void sha256_write(struct sha256_ctx *ctx, const uint8_t *p, size_t len)
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
        active.transform(ctx->s, ctx->buf, 1);
    }
    if (len >= 64) {
        active.transform(ctx->s, p, len / 64);
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
    /* 0x80, then zeros up to 56 mod 64, then the bit length. */
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

/* SHA-256 of exactly 32 bytes: one padded block, no context bookkeeping. */
static void hash32(uint8_t out[32], const uint8_t in[32])
{
    uint8_t block[64] = { 0 };
    uint32_t s[8];
    memcpy(block, in, 32);
    block[32] = 0x80;
    block[62] = 0x01; /* 256 bits, big-endian */
    memcpy(s, sha256_iv, sizeof(s));
    active.transform(s, block, 1);
    for (int i = 0; i < 8; i++)
        be32_write(out + 4 * i, s[i]);
}

void sha256d_finalize(struct sha256_ctx *ctx, uint8_t out[32])
{
    uint8_t first[32];
    sha256_finalize(ctx, first);
    hash32(out, first);
}

void sha256d(uint8_t out[32], const uint8_t *p, size_t len)
{
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, p, len);
    sha256d_finalize(&ctx, out);
}

void sha256_tagged_init(struct sha256_ctx *ctx, const char *tag)
{
    uint8_t taghash[32];
    sha256(taghash, (const uint8_t *)tag, strlen(tag));
    sha256_init(ctx);
    sha256_write(ctx, taghash, 32);
    sha256_write(ctx, taghash, 32);
}

/* ---- batch paths -------------------------------------------------------- */

/* sha256d of one 64-byte input on the single-stream transform. */
static void d64_single(uint8_t out[32], const uint8_t in[64])
{
    static const uint8_t pad[64] = { [0] = 0x80, [62] = 0x02 }; /* 512 bits */
    uint32_t s[8];
    uint8_t first[32];
    memcpy(s, sha256_iv, sizeof(s));
    active.transform(s, in, 1);
    active.transform(s, pad, 1);
    for (int i = 0; i < 8; i++)
        be32_write(first + 4 * i, s[i]);
    hash32(out, first);
}

void sha256d_64(uint8_t *out, const uint8_t *in, size_t n)
{
    size_t lanes = active.lanes;
    for (; n >= lanes; n -= lanes, in += 64 * lanes, out += 32 * lanes)
        active.d64(out, in);
    for (; n; n--, in += 64, out += 32)
        d64_single(out, in);
}

void sha256_header_midstate(struct sha256_header_midstate *m, const uint8_t header[80])
{
    memcpy(m->s, sha256_iv, sizeof(m->s));
    active.transform(m->s, header, 1);
    memcpy(m->tail, header + 64, 16);
}

/* Header sha256d on the single-stream transform: second block from the
 * midstate, then the digest's own block. */
static void nonce_single(uint8_t out[32], const struct sha256_header_midstate *m, uint32_t nonce)
{
    uint8_t block[64] = { 0 }, first[32];
    uint32_t s[8];
    memcpy(block, m->tail, 12);
    le32_write(block + 12, nonce);
    block[16] = 0x80;
    block[62] = 0x02;
    block[63] = 0x80; /* 640 bits */
    memcpy(s, m->s, sizeof(s));
    active.transform(s, block, 1);
    for (int i = 0; i < 8; i++)
        be32_write(first + 4 * i, s[i]);
    hash32(out, first);
}

void sha256d_header_nonce(uint8_t out[32], const struct sha256_header_midstate *m, uint32_t nonce)
{
    sha256d_header_nonces(out, m, nonce, 1);
}

void sha256d_header_nonces(uint8_t *out, const struct sha256_header_midstate *m, uint32_t nonce, size_t count)
{
    size_t lanes = active.lanes;
    if (count >= lanes) {
        struct sha256_nonce_pre pre;
        sha256_nonce_pre_init(&pre, m);
        /* Nonces wrap modulo 2^32 like the header field. */
        for (; count >= lanes; count -= lanes, nonce += (uint32_t)lanes, out += 32 * lanes)
            active.nonces(out, &pre, nonce);
    }
    for (; count; count--, nonce++, out += 32)
        nonce_single(out, m, nonce);
}
