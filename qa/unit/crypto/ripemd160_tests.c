#include "src/crypto/ripemd160.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static void assert_hex(const uint8_t *p, size_t n, const char *want)
{
    char got[2 * 32 + 1];
    hex_encode(got, p, n);
    ck_assert_str_eq(got, want);
}

/* The test vectors of the RIPEMD-160 paper (Dobbertin, Bosselaers, Preneel). */
START_TEST(paper_vectors)
{
    static const struct {
        const char *msg, *hash;
    } V[] = {
        { "", "9c1185a5c5e9fc54612808977ee8f548b2258d31" },
        { "a", "0bdc9d2d256b3ee9daae347be6f4dc835a467ffe" },
        { "abc", "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc" },
        { "message digest", "5d0689ef49d2fae572b881b123a85ffa21595f36" },
        { "abcdefghijklmnopqrstuvwxyz", "f71c27109c692c1b56bbdceb5b9d2865b3708dbc" },
        { "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "12a053384a9c0c88e405a06c27dcf49ada62eb2b" },
        { "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
          "b0e20b6e3116640286ed3a87a5713079b21f5189" },
        { "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
          "9b752e45573d4b39f4dbd3323cab82bf63326bfb" },
    };
    for (size_t i = 0; i < sizeof(V) / sizeof(V[0]); i++) {
        uint8_t out[20];
        ripemd160(out, (const uint8_t *)V[i].msg, strlen(V[i].msg));
        assert_hex(out, 20, V[i].hash);
    }
}
END_TEST

START_TEST(million_a)
{
    uint8_t *m = mem_alloc(1000000), out[20];
    memset(m, 'a', 1000000);
    ripemd160(out, m, 1000000);
    assert_hex(out, 20, "52783243c1697bdbe16d37f97f68f08325dc1528");
    struct ripemd160_ctx ctx;
    ripemd160_init(&ctx);
    for (size_t off = 0; off < 1000000; off += 125)
        ripemd160_write(&ctx, m + off, 125);
    ripemd160_finalize(&ctx, out);
    assert_hex(out, 20, "52783243c1697bdbe16d37f97f68f08325dc1528");
    mem_free(m);
}
END_TEST

START_TEST(incremental_splits)
{
    uint8_t msg[150], want[20], got[20];
    for (size_t i = 0; i < sizeof(msg); i++)
        msg[i] = (uint8_t)(i * 13 + 1);
    for (size_t len = 0; len <= sizeof(msg); len++) {
        ripemd160(want, msg, len);
        for (size_t i = 0; i <= len; i++) {
            struct ripemd160_ctx ctx;
            ripemd160_init(&ctx);
            ripemd160_write(&ctx, msg, i);
            ripemd160_write(&ctx, msg + i, len - i);
            ripemd160_finalize(&ctx, got);
            ck_assert_msg(memcmp(got, want, 20) == 0, "len %zu split %zu", len, i);
        }
    }
}
END_TEST

START_TEST(hash160)
{
    /* RIPEMD160(SHA256("hello")), computed independently. */
    uint8_t out[20];
    ripemd160_hash160(out, (const uint8_t *)"hello", 5);
    assert_hex(out, 20, "b6a9c8c230722b7c748331a8b450f05566dc7d0f");
    /* Bitcoin's genesis coinbase key (uncompressed) hashes to the
     * well-known address hash 62e907b15cbf27d5425399ebf6f0fb50ebb88f18. */
    static const char *PUBKEY = "04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f3"
                                "5504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";
    uint8_t key[65];
    size_t len;
    ck_assert(hex_decode(key, sizeof(key), &len, PUBKEY));
    ripemd160_hash160(out, key, len);
    assert_hex(out, 20, "62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
}
END_TEST

static Suite *ripemd160_suite(void)
{
    Suite *s = suite_create("ripemd160");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, paper_vectors);
    tcase_add_test(tc, million_a);
    tcase_add_test(tc, incremental_splits);
    tcase_add_test(tc, hash160);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(ripemd160_suite)
