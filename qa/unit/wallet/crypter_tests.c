#define _GNU_SOURCE
/* Wallet encryption: master key round trip, wrong passphrase refused,
 * passphrase change, sealed secrets bound to their associated data. */
#include <string.h>

#include "qa/unit/unit.h"
#include "wallet/crypter.h"

/* The cheapest Argon2id costs libsodium allows, to keep the test fast. */
#define OPS 1
#define MEM 8192

START_TEST(test_master_round_trip)
{
    uint8_t key[CRYPTER_KEY_LEN], back[CRYPTER_KEY_LEN];
    struct crypter_master m, parsed;
    ck_assert(crypter_master_new(key, &m, "correct horse", 13, OPS, MEM));
    uint8_t ser[CRYPTER_MASTER_SERIALIZED];
    crypter_master_serialize(ser, &m);
    ck_assert(crypter_master_parse(&parsed, ser, sizeof(ser)));
    ck_assert(crypter_master_open(back, &parsed, "correct horse", 13));
    ck_assert(!memcmp(key, back, sizeof(key)));
    /* wrong passphrase, a prefix of the right one, an empty one */
    ck_assert(!crypter_master_open(back, &parsed, "correct horsf", 13));
    ck_assert(!crypter_master_open(back, &parsed, "correct hors", 12));
    ck_assert(!crypter_master_open(back, &parsed, "", 0));
    static const uint8_t zero[CRYPTER_KEY_LEN];
    ck_assert(!memcmp(back, zero, sizeof(zero))); /* wiped on failure */
    /* a flipped bit in the sealed key fails authentication */
    ser[CRYPTER_MASTER_SERIALIZED - 1] ^= 1;
    ck_assert(crypter_master_parse(&parsed, ser, sizeof(ser)));
    ck_assert(!crypter_master_open(back, &parsed, "correct horse", 13));
    /* absurd costs (a hostile file) are refused before any KDF runs */
    crypter_master_serialize(ser, &m);
    ser[CRYPTER_SALT_LEN + 15] = 0xff; /* memlimit high byte */
    ck_assert(!crypter_master_parse(&parsed, ser, sizeof(ser)));
    ck_assert(!crypter_master_parse(&parsed, ser, sizeof(ser) - 1));
    /* passphrase change keeps the key */
    ck_assert(crypter_master_reseal(&m, key, "new pass", 8));
    ck_assert(!crypter_master_open(back, &m, "correct horse", 13));
    ck_assert(crypter_master_open(back, &m, "new pass", 8));
    ck_assert(!memcmp(key, back, sizeof(key)));
}
END_TEST

START_TEST(test_seal_open)
{
    uint8_t key[CRYPTER_KEY_LEN], other[CRYPTER_KEY_LEN];
    struct crypter_master m;
    ck_assert(crypter_master_new(key, &m, "p", 1, OPS, MEM));
    ck_assert(crypter_master_new(other, &m, "p", 1, OPS, MEM));
    const char *secret = "wpkh(tprv8ZgxMBicQKsPd.../0/*)";
    size_t blen, plen;
    uint8_t *box = crypter_seal(&blen, key, (const uint8_t *)secret, strlen(secret), (const uint8_t *)"id1", 3);
    ck_assert_uint_eq(blen, strlen(secret) + CRYPTER_NONCE_LEN + CRYPTER_TAG_LEN);
    ck_assert(memmem(box, blen, "tprv", 4) == NULL);
    uint8_t *plain = crypter_open(&plen, key, box, blen, (const uint8_t *)"id1", 3);
    ck_assert(plain && plen == strlen(secret) && !strcmp((char *)plain, secret));
    crypter_free_secret(plain, plen);
    ck_assert(crypter_open(&plen, other, box, blen, (const uint8_t *)"id1", 3) == NULL); /* wrong key */
    ck_assert(crypter_open(&plen, key, box, blen, (const uint8_t *)"id2", 3) == NULL);   /* moved record */
    box[blen / 2] ^= 0x80;
    ck_assert(crypter_open(&plen, key, box, blen, (const uint8_t *)"id1", 3) == NULL);   /* tampered */
    ck_assert(crypter_open(&plen, key, box, 10, (const uint8_t *)"id1", 3) == NULL);     /* truncated */
    crypter_free_secret(box, blen);
}
END_TEST

static Suite *crypter_suite(void)
{
    Suite *s = suite_create("crypter");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, test_master_round_trip);
    tcase_add_test(tc, test_seal_open);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(crypter_suite)
