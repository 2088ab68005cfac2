/* Fuzz target: every available SHA-256 kernel agrees with portable C on
 * arbitrary input: one-shot and split incremental hashing, sha256d_64 over
 * the input's whole 64-byte chunks, and (with at least 80 bytes) header
 * nonce batches from the first 80 bytes, starting at the header's nonce. */
#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "src/crypto/sha256.h"
#include "src/util/endian.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_CHUNKS 64
#define MAX_NONCES 40

struct results {
    uint8_t one_shot[32], split[32], d64[32 * MAX_CHUNKS], nonces[32 * MAX_NONCES];
};

static void compute(struct results *r, const uint8_t *data, size_t size)
{
    memset(r, 0, sizeof(*r));
    sha256(r->one_shot, data, size);
    /* Split where the first byte says, to reach every buffer offset. */
    size_t cut = size ? data[0] % (size + 1) : 0;
    struct sha256_ctx ctx;
    sha256_init(&ctx);
    sha256_write(&ctx, data, cut);
    sha256_write(&ctx, data + cut, size - cut);
    sha256_finalize(&ctx, r->split);
    size_t chunks = size / 64 < MAX_CHUNKS ? size / 64 : MAX_CHUNKS;
    sha256d_64(r->d64, data, chunks);
    if (size >= 80) {
        struct sha256_header_midstate m;
        sha256_header_midstate(&m, data);
        size_t count = data[1] % (MAX_NONCES + 1);
        sha256d_header_nonces(r->nonces, &m, le32_read(data + 76), count);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum sha256_kernel kernels[] = { SHA256_KERNEL_SHANI, SHA256_KERNEL_AVX2, SHA256_KERNEL_AUTO };
    struct results want, got;
    sha256_kernel_select(SHA256_KERNEL_PORTABLE);
    compute(&want, data, size);
    assert(memcmp(want.one_shot, want.split, 32) == 0);
    if (size >= 80 && data[1] % (MAX_NONCES + 1)) {
        /* The first nonce of the batch is the header itself. */
        uint8_t h[32];
        sha256d(h, data, 80);
        assert(memcmp(h, want.nonces, 32) == 0);
    }
    for (size_t k = 0; k < sizeof(kernels) / sizeof(kernels[0]); k++) {
        if (!sha256_kernel_select(kernels[k]))
            continue;
        compute(&got, data, size);
        assert(memcmp(&got, &want, sizeof(want)) == 0);
    }
    sha256_kernel_select(SHA256_KERNEL_AUTO);
    return 0;
}
