#include "src/crypto/sha512.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char got[2 * 64 + 1];
    hex_encode(got, p, n);
    ck_assert_str_eq(got, want);
}

static const char *L448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
static const char *L896 = "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlm"
                          "nopqrsmnopqrstnopqrstu";

/* FIPS 180-4 / NIST CAVS known answers. */
START_TEST(known_answers)
{
    uint8_t out[64];
    sha512(out, NULL, 0);
    assert_hex(out, 64, "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f"
                        "63b931bd47417a81a538327af927da3e");
    sha512(out, (const uint8_t *)"abc", 3);
    assert_hex(out, 64, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd"
                        "454d4423643ce80e2a9ac94fa54ca49f");
    sha512(out, (const uint8_t *)L448, strlen(L448));
    assert_hex(out, 64, "204a8fc6dda82f0a0ced7beb8e08a41657c16ef468b228a8279be331a703c33596fd15c13b1b07f9aa1d3bea57789ca0"
                        "31ad85c7a71dd70354ec631238ca3445");
    sha512(out, (const uint8_t *)L896, strlen(L896));
    assert_hex(out, 64, "8e959b75dae313da8cf4f72814fc143f8f7779c6eb9f7fa17299aeadb6889018501d289e4900f7e4331b99dec4b5433a"
                        "c7d329eeb6dd26545e96e55b874be909");
}
END_TEST

START_TEST(million_a)
{
    uint8_t *m = mem_alloc(1000000), out[64];
    memset(m, 'a', 1000000);
    sha512(out, m, 1000000);
    const char *want = "e718483d0ce769644e2e42c7bc15b4638e1f98b13b2044285632a803afa973ebde0ff244877ea60a4cb0432ce577c31b"
                       "eb009c5c2c49aa2e4eadb217ad8cc09b";
    assert_hex(out, 64, want);
    struct sha512_ctx ctx;
    sha512_init(&ctx);
    for (size_t off = 0; off < 1000000; off += 1000)
        sha512_write(&ctx, m + off, 1000);
    sha512_finalize(&ctx, out);
    assert_hex(out, 64, want);
    mem_free(m);
}
END_TEST

/* Two writes split at every offset equal the one-shot hash; lengths cross
 * the 112-byte padding boundary and the 128-byte block. */
START_TEST(incremental_splits)
{
    uint8_t msg[300], want[64], got[64];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 7 + 3);
    for (size_t len = 0; len <= sizeof(msg); len += len < 140 ? 1 : 37) {
        sha512(want, msg, len);
        for (size_t i = 0; i <= len; i++) {
            struct sha512_ctx ctx;
            sha512_init(&ctx);
            sha512_write(&ctx, msg, i);
            sha512_write(&ctx, msg + i, len - i);
            sha512_finalize(&ctx, got);
            ck_assert_msg(memcmp(got, want, 64) == 0, "len %zu split %zu", len, i);
        }
    }
    /* A length one short of the padding boundary differs from its neighbours. */
    uint8_t a[64], b[64];
    sha512(a, msg, 111);
    sha512(b, msg, 112);
    ck_assert(memcmp(a, b, 64) != 0);
}
END_TEST

static Suite *sha512_suite(void)
{
    Suite *s = suite_create("sha512");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, known_answers);
    tcase_add_test(tc, million_a);
    tcase_add_test(tc, incremental_splits);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sha512_suite)
