#include "src/crypto/hmac.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"

/* RFC 4231 test cases 1-7 (case 5's MACs are truncated to 128 bits). */
struct rfc4231_case {
    uint8_t key[131];
    size_t keylen;
    const char *data;
    size_t datalen;
    const char *sha256, *sha512;
};

static const char *DATA6 = "Test Using Larger Than Block-Size Key - Hash Key First";
static const char *DATA7 = "This is a test using a larger than block-size key and a larger than block-size data. The "
                           "key needs to be hashed before being used by the HMAC algorithm.";

static void make_case(struct rfc4231_case *c, int n)
{
    static uint8_t dd[50], cd[50];
    memset(dd, 0xdd, sizeof(dd));
    memset(cd, 0xcd, sizeof(cd));
    memset(c, 0, sizeof(*c));
    switch (n) {
    case 1:
        memset(c->key, 0x0b, 20), c->keylen = 20;
        c->data = "Hi There", c->datalen = 8;
        c->sha256 = "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7";
        c->sha512 = "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4"
                    "be9d914eeb61f1702e696c203a126854";
        break;
    case 2:
        memcpy(c->key, "Jefe", 4), c->keylen = 4;
        c->data = "what do ya want for nothing?", c->datalen = 28;
        c->sha256 = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        c->sha512 = "164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fd"
                    "caeab1a34d4a6b4b636e070a38bce737";
        break;
    case 3:
        memset(c->key, 0xaa, 20), c->keylen = 20;
        c->data = (const char *)dd, c->datalen = 50;
        c->sha256 = "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe";
        c->sha512 = "fa73b0089d56a284efb0f0756c890be9b1b5dbdd8ee81a3655f83e33b2279d39bf3e848279a722c806b485a47e67c807"
                    "b946a337bee8942674278859e13292fb";
        break;
    case 4:
        for (int i = 0; i < 25; i++)
            c->key[i] = (uint8_t)(i + 1);
        c->keylen = 25;
        c->data = (const char *)cd, c->datalen = 50;
        c->sha256 = "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b";
        c->sha512 = "b0ba465637458c6990e5a8c5f61d4af7e576d97ff94b872de76f8050361ee3dba91ca5c11aa25eb4d679275cc5788063"
                    "a5f19741120c4f2de2adebeb10a298dd";
        break;
    case 5:
        memset(c->key, 0x0c, 20), c->keylen = 20;
        c->data = "Test With Truncation", c->datalen = 20;
        c->sha256 = "a3b6167473100ee06e0c796c2955552b";
        c->sha512 = "415fad6271580a531d4179bc891d87a6";
        break;
    case 6:
        memset(c->key, 0xaa, 131), c->keylen = 131;
        c->data = DATA6, c->datalen = strlen(DATA6);
        c->sha256 = "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54";
        c->sha512 = "80b24263c7c1a3ebb71493c1dd7be8b49b46d1f41b4aeec1121b013783f8f3526b56d037e05f2598bd0fd2215d6a1e52"
                    "95e64f73f63f0aec8b915a985d786598";
        break;
    default:
        memset(c->key, 0xaa, 131), c->keylen = 131;
        c->data = DATA7, c->datalen = strlen(DATA7);
        c->sha256 = "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2";
        c->sha512 = "e37b6a775dc87dbaa4dfa9f96e5e3ffddebd71f8867289865df5a32d20cdc944b6022cac3c4982b10d5eeb55c3e4de15"
                    "134676fb6de0446065c97440fa8c6a58";
        break;
    }
}

/* Compares the first strlen(want)/2 bytes (RFC 4231 truncates case 5). */
static void assert_prefix(const uint8_t *mac, const char *want)
{
    char got[129];
    size_t n = strlen(want) / 2;
    hex_encode(got, mac, n);
    ck_assert_str_eq(got, want);
}

START_TEST(rfc4231_sha256)
{
    struct rfc4231_case c;
    make_case(&c, _i);
    uint8_t mac[32];
    hmac_sha256(mac, c.key, c.keylen, (const uint8_t *)c.data, c.datalen);
    assert_prefix(mac, c.sha256);
    /* Incremental, split at every offset. */
    for (size_t i = 0; i <= c.datalen; i++) {
        struct hmac_sha256_ctx ctx;
        hmac_sha256_init(&ctx, c.key, c.keylen);
        hmac_sha256_write(&ctx, (const uint8_t *)c.data, i);
        hmac_sha256_write(&ctx, (const uint8_t *)c.data + i, c.datalen - i);
        hmac_sha256_finalize(&ctx, mac);
        assert_prefix(mac, c.sha256);
        /* Finalize wiped the key-derived state. */
        static const struct hmac_sha256_ctx zero;
        ck_assert(memcmp(&ctx, &zero, sizeof(ctx)) == 0);
    }
}
END_TEST

START_TEST(rfc4231_sha512)
{
    struct rfc4231_case c;
    make_case(&c, _i);
    uint8_t mac[64];
    hmac_sha512(mac, c.key, c.keylen, (const uint8_t *)c.data, c.datalen);
    assert_prefix(mac, c.sha512);
    for (size_t i = 0; i <= c.datalen; i++) {
        struct hmac_sha512_ctx ctx;
        hmac_sha512_init(&ctx, c.key, c.keylen);
        hmac_sha512_write(&ctx, (const uint8_t *)c.data, i);
        hmac_sha512_write(&ctx, (const uint8_t *)c.data + i, c.datalen - i);
        hmac_sha512_finalize(&ctx, mac);
        assert_prefix(mac, c.sha512);
    }
}
END_TEST

/* Keys at the block-size boundary: 64 (SHA-256) / 128 bytes are used as
 * they are, one byte more is hashed first, so the MACs differ. */
START_TEST(key_length_boundaries)
{
    uint8_t key[129], mac_a[64], mac_b[64];
    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)i;
    hmac_sha256(mac_a, key, 64, (const uint8_t *)"m", 1);
    hmac_sha256(mac_b, key, 65, (const uint8_t *)"m", 1);
    ck_assert(memcmp(mac_a, mac_b, 32) != 0);
    /* A key longer than the block equals its hash used as the key. */
    uint8_t hk[64];
    sha256(hk, key, 65);
    hmac_sha256(mac_a, hk, 32, (const uint8_t *)"m", 1);
    ck_assert(memcmp(mac_a, mac_b, 32) == 0);
    sha512(hk, key, 129);
    hmac_sha512(mac_a, hk, 64, (const uint8_t *)"m", 1);
    hmac_sha512(mac_b, key, 129, (const uint8_t *)"m", 1);
    ck_assert(memcmp(mac_a, mac_b, 64) == 0);
    /* An empty key is the all-zero block. */
    uint8_t zeros[64] = { 0 };
    hmac_sha256(mac_a, NULL, 0, (const uint8_t *)"m", 1);
    hmac_sha256(mac_b, zeros, 64, (const uint8_t *)"m", 1);
    ck_assert(memcmp(mac_a, mac_b, 32) == 0);
}
END_TEST

static Suite *hmac_suite(void)
{
    Suite *s = suite_create("hmac");
    TCase *tc = tcase_create("core");
    tcase_add_loop_test(tc, rfc4231_sha256, 1, 8);
    tcase_add_loop_test(tc, rfc4231_sha512, 1, 8);
    tcase_add_test(tc, key_length_boundaries);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(hmac_suite)
