#include "src/crypto/sha1.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static void expect(const char *msg, size_t len, const char *hex)
{
    uint8_t out[20];
    char got[41];
    sha1(out, (const uint8_t *)msg, len);
    hex_encode(got, out, 20);
    ck_assert_str_eq(got, hex);
}

/* FIPS 180-2 appendix A and the usual extra cases around the padding edges. */
START_TEST(known_answers)
{
    expect("", 0, "da39a3ee5e6b4b0d3255bfef95601890afd80709");
    expect("abc", 3, "a9993e364706816aba3e25717850c26c9cd0d89d");
    const char *m448 = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
    expect(m448, strlen(m448), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
    char *million = mem_alloc(1000000);
    memset(million, 'a', 1000000);
    expect(million, 1000000, "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    mem_free(million);
    expect("The quick brown fox jumps over the lazy dog", 43, "2fd4e1c67a2d28fced849ee1bb76e7391b93eb12");
}
END_TEST

static Suite *sha1_suite(void)
{
    Suite *s = suite_create("crypto/sha1");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, known_answers);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(sha1_suite)
