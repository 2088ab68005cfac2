#include "src/crypto/siphash.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/endian.h"

/* The 64 vectors of the SipHash-2-4 reference implementation (CC0): key
 * 00 01 .. 0f, message 00 01 .. (n-1) for n = 0..63, output read as a
 * little-endian 64-bit integer. */
static const uint64_t VECTORS[64] = {
    0x726fdb47dd0e0e31ULL, 0x74f839c593dc67fdULL, 0x0d6c8009d9a94f5aULL, 0x85676696d7fb7e2dULL,
    0xcf2794e0277187b7ULL, 0x18765564cd99a68dULL, 0xcbc9466e58fee3ceULL, 0xab0200f58b01d137ULL,
    0x93f5f5799a932462ULL, 0x9e0082df0ba9e4b0ULL, 0x7a5dbbc594ddb9f3ULL, 0xf4b32f46226bada7ULL,
    0x751e8fbc860ee5fbULL, 0x14ea5627c0843d90ULL, 0xf723ca908e7af2eeULL, 0xa129ca6149be45e5ULL,
    0x3f2acc7f57c29bdbULL, 0x699ae9f52cbe4794ULL, 0x4bc1b3f0968dd39cULL, 0xbb6dc91da77961bdULL,
    0xbed65cf21aa2ee98ULL, 0xd0f2cbb02e3b67c7ULL, 0x93536795e3a33e88ULL, 0xa80c038ccd5ccec8ULL,
    0xb8ad50c6f649af94ULL, 0xbce192de8a85b8eaULL, 0x17d835b85bbb15f3ULL, 0x2f2e6163076bcfadULL,
    0xde4daaaca71dc9a5ULL, 0xa6a2506687956571ULL, 0xad87a3535c49ef28ULL, 0x32d892fad841c342ULL,
    0x7127512f72f27cceULL, 0xa7f32346f95978e3ULL, 0x12e0b01abb051238ULL, 0x15e034d40fa197aeULL,
    0x314dffbe0815a3b4ULL, 0x027990f029623981ULL, 0xcadcd4e59ef40c4dULL, 0x9abfd8766a33735cULL,
    0x0e3ea96b5304a7d0ULL, 0xad0c42d6fc585992ULL, 0x187306c89bc215a9ULL, 0xd4a60abcf3792b95ULL,
    0xf935451de4f21df2ULL, 0xa9538f0419755787ULL, 0xdb9acddff56ca510ULL, 0xd06c98cd5c0975ebULL,
    0xe612a3cb9ecba951ULL, 0xc766e62cfcadaf96ULL, 0xee64435a9752fe72ULL, 0xa192d576b245165aULL,
    0x0a8787bf8ecb74b2ULL, 0x81b3e73d20b49b6fULL, 0x7fa8220ba3b2eceaULL, 0x245731c13ca42499ULL,
    0xb78dbfaf3a8d83bdULL, 0xea1ad565322a1a0bULL, 0x60e61c23a3795013ULL, 0x6606d7e446282b93ULL,
    0x6ca4ecb15c5f91e1ULL, 0x9f626da15c9625f3ULL, 0xe51b38608ef25f57ULL, 0x958a324ceb064572ULL,
};

static uint64_t K0, K1;
static uint8_t MSG[64];

static void setup(void)
{
    uint8_t key[16];
    for (int i = 0; i < 16; i++)
        key[i] = (uint8_t)i;
    K0 = le64_read(key);
    K1 = le64_read(key + 8);
    for (int i = 0; i < 64; i++)
        MSG[i] = (uint8_t)i;
}

START_TEST(reference_vectors)
{
    setup();
    for (size_t n = 0; n < 64; n++)
        ck_assert_msg(siphash(K0, K1, MSG, n) == VECTORS[n], "length %zu", n);
}
END_TEST

/* Byte-by-byte and split writes give the same result; finalize does not
 * consume the context, so writing may continue after it. */
START_TEST(incremental)
{
    setup();
    for (size_t n = 0; n < 64; n++) {
        for (size_t i = 0; i <= n; i++) {
            struct siphash_ctx ctx;
            siphash_init(&ctx, K0, K1);
            siphash_write(&ctx, MSG, i);
            siphash_write(&ctx, MSG + i, n - i);
            ck_assert_msg(siphash_finalize(&ctx) == VECTORS[n], "length %zu split %zu", n, i);
        }
    }
    struct siphash_ctx ctx;
    siphash_init(&ctx, K0, K1);
    for (size_t n = 0; n < 64; n++) {
        ck_assert(siphash_finalize(&ctx) == VECTORS[n]);
        siphash_write(&ctx, MSG + n, 1);
    }
}
END_TEST

/* The fixed-length paths equal hashing the bytes. */
START_TEST(uint256_paths)
{
    uint8_t buf[36];
    uint64_t x = 0x0123456789abcdefULL;
    for (int round = 0; round < 500; round++) {
        for (int i = 0; i < 36; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            buf[i] = (uint8_t)(x >> 56);
        }
        uint64_t k0 = x ^ 0x1111, k1 = x * 3;
        uint32_t extra = le32_read(buf + 32);
        ck_assert(siphash_uint256(k0, k1, buf) == siphash(k0, k1, buf, 32));
        ck_assert(siphash_uint256_extra(k0, k1, buf, extra) == siphash(k0, k1, buf, 36));
    }
    /* Anchored to the reference vectors too: bytes 00..1f, and 00..23. */
    setup();
    ck_assert(siphash_uint256(K0, K1, MSG) == VECTORS[32]);
    ck_assert(siphash_uint256_extra(K0, K1, MSG, le32_read(MSG + 32)) == VECTORS[36]);
}
END_TEST

static Suite *siphash_suite(void)
{
    Suite *s = suite_create("siphash");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, reference_vectors);
    tcase_add_test(tc, incremental);
    tcase_add_test(tc, uint256_paths);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(siphash_suite)
