/* BIP 32: the specification's test vectors 1, 2, 3 and 5 (invalid keys),
 * public derivation agreeing with private derivation, path notation. */
#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"
#include "wallet/bip32.h"

#define XPUB 0x0488b21eu
#define XPRV 0x0488ade4u
#define H BIP32_HARDENED

struct step {
    uint32_t child;
    const char *xpub, *xprv;
};

static void run_vector(const char *seed_hex, const struct step *steps, size_t n)
{
    uint8_t seed[64];
    size_t len;
    ck_assert(hex_decode(seed, sizeof(seed), &len, seed_hex));
    struct bip32_key k, pub;
    ck_assert(bip32_from_seed(&k, seed, len));
    for (size_t i = 0; i < n; i++) {
        if (i > 0) {
            struct bip32_key prev = k;
            ck_assert(bip32_derive(&k, &k, steps[i].child));
            if (steps[i].child < H) {
                /* public derivation gives the same public key */
                struct bip32_key p2;
                bip32_neuter(&p2, &prev);
                ck_assert(bip32_derive(&p2, &p2, steps[i].child));
                ck_assert(!memcmp(p2.pub, k.pub, 33));
                ck_assert(!memcmp(p2.chaincode, k.chaincode, 32));
            } else {
                struct bip32_key p2;
                bip32_neuter(&p2, &prev);
                ck_assert(!bip32_derive(&p2, &p2, steps[i].child)); /* hardened needs the secret */
            }
        }
        char out[112];
        bip32_encode(out, &k, XPUB, XPRV);
        ck_assert_str_eq(out, steps[i].xprv);
        bip32_neuter(&pub, &k);
        bip32_encode(out, &pub, XPUB, XPRV);
        ck_assert_str_eq(out, steps[i].xpub);
        struct bip32_key back;
        ck_assert(bip32_decode(&back, steps[i].xprv, XPUB, XPRV));
        ck_assert(back.is_private && !memcmp(back.sec, k.sec, 32) && !memcmp(back.pub, k.pub, 33));
        ck_assert(bip32_decode(&back, steps[i].xpub, XPUB, XPRV));
        ck_assert(!back.is_private && !memcmp(back.pub, k.pub, 33));
        ck_assert(!bip32_decode(&back, steps[i].xpub, 0x043587cfu, 0x04358394u)); /* another chain's versions */
    }
    bip32_key_wipe(&k);
}

START_TEST(test_vector1)
{
    static const struct step v[] = {
        { 0, "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8",
          "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi" },
        { 0 | H, "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw",
          "xprv9uHRZZhk6KAJC1avXpDAp4MDc3sQKNxDiPvvkX8Br5ngLNv1TxvUxt4cV1rGL5hj6KCesnDYUhd7oWgT11eZG7XnxHrnYeSvkzY7d2bhkJ7" },
        { 1, "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ",
          "xprv9wTYmMFdV23N2TdNG573QoEsfRrWKQgWeibmLntzniatZvR9BmLnvSxqu53Kw1UmYPxLgboyZQaXwTCg8MSY3H2EU4pWcQDnRnrVA1xe8fs" },
        { 2 | H, "xpub6D4BDPcP2GT577Vvch3R8wDkScZWzQzMMUm3PWbmWvVJrZwQY4VUNgqFJPMM3No2dFDFGTsxxpG5uJh7n7epu4trkrX7x7DogT5Uv6fcLW5",
          "xprv9z4pot5VBttmtdRTWfWQmoH1taj2axGVzFqSb8C9xaxKymcFzXBDptWmT7FwuEzG3ryjH4ktypQSAewRiNMjANTtpgP4mLTj34bhnZX7UiM" },
        { 2, "xpub6FHa3pjLCk84BayeJxFW2SP4XRrFd1JYnxeLeU8EqN3vDfZmbqBqaGJAyiLjTAwm6ZLRQUMv1ZACTj37sR62cfN7fe5JnJ7dh8zL4fiyLHV",
          "xprvA2JDeKCSNNZky6uBCviVfJSKyQ1mDYahRjijr5idH2WwLsEd4Hsb2Tyh8RfQMuPh7f7RtyzTtdrbdqqsunu5Mm3wDvUAKRHSC34sJ7in334" },
        { 1000000000, "xpub6H1LXWLaKsWFhvm6RVpEL9P4KfRZSW7abD2ttkWP3SSQvnyA8FSVqNTEcYFgJS2UaFcxupHiYkro49S8yGasTvXEYBVPamhGW6cFJodrTHy",
          "xprvA41z7zogVVwxVSgdKUHDy1SKmdb533PjDz7J6N6mV6uS3ze1ai8FHa8kmHScGpWmj4WggLyQjgPie1rFSruoUihUZREPSL39UNdE3BBDu76" },
    };
    run_vector("000102030405060708090a0b0c0d0e0f", v, sizeof(v) / sizeof(v[0]));
}
END_TEST

START_TEST(test_vector2)
{
    static const struct step v[] = {
        { 0, "xpub661MyMwAqRbcFW31YEwpkMuc5THy2PSt5bDMsktWQcFF8syAmRUapSCGu8ED9W6oDMSgv6Zz8idoc4a6mr8BDzTJY47LJhkJ8UB7WEGuduB",
          "xprv9s21ZrQH143K31xYSDQpPDxsXRTUcvj2iNHm5NUtrGiGG5e2DtALGdso3pGz6ssrdK4PFmM8NSpSBHNqPqm55Qn3LqFtT2emdEXVYsCzC2U" },
        { 0, "xpub69H7F5d8KSRgmmdJg2KhpAK8SR3DjMwAdkxj3ZuxV27CprR9LgpeyGmXUbC6wb7ERfvrnKZjXoUmmDznezpbZb7ap6r1D3tgFxHmwMkQTPH",
          "xprv9vHkqa6EV4sPZHYqZznhT2NPtPCjKuDKGY38FBWLvgaDx45zo9WQRUT3dKYnjwih2yJD9mkrocEZXo1ex8G81dwSM1fwqWpWkeS3v86pgKt" },
        { 2147483647u | H, "xpub6ASAVgeehLbnwdqV6UKMHVzgqAG8Gr6riv3Fxxpj8ksbH9ebxaEyBLZ85ySDhKiLDBrQSARLq1uNRts8RuJiHjaDMBU4Zn9h8LZNnBC5y4a",
          "xprv9wSp6B7kry3Vj9m1zSnLvN3xH8RdsPP1Mh7fAaR7aRLcQMKTR2vidYEeEg2mUCTAwCd6vnxVrcjfy2kRgVsFawNzmjuHc2YmYRmagcEPdU9" },
        { 1, "xpub6DF8uhdarytz3FWdA8TvFSvvAh8dP3283MY7p2V4SeE2wyWmG5mg5EwVvmdMVCQcoNJxGoWaU9DCWh89LojfZ537wTfunKau47EL2dhHKon",
          "xprv9zFnWC6h2cLgpmSA46vutJzBcfJ8yaJGg8cX1e5StJh45BBciYTRXSd25UEPVuesF9yog62tGAQtHjXajPPdbRCHuWS6T8XA2ECKADdw4Ef" },
    };
    run_vector("fffcf9f6f3f0edeae7e4e1dedbd8d5d2cfccc9c6c3c0bdbab7b4b1aeaba8a5a29f9c999693908d8a8784817e7b7875726f6c696663605d5a5754514e4b484542",
               v, sizeof(v) / sizeof(v[0]));
}
END_TEST

START_TEST(test_vector3_leading_zeros)
{
    static const struct step v[] = {
        { 0, "xpub661MyMwAqRbcEZVB4dScxMAdx6d4nFc9nvyvH3v4gJL378CSRZiYmhRoP7mBy6gSPSCYk6SzXPTf3ND1cZAceL7SfJ1Z3GC8vBgp2epUt13",
          "xprv9s21ZrQH143K25QhxbucbDDuQ4naNntJRi4KUfWT7xo4EKsHt2QJDu7KXp1A3u7Bi1j8ph3EGsZ9Xvz9dGuVrtHHs7pXeTzjuxBrCmmhgC6" },
        { 0 | H, "xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9fq9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y",
          "xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBcBUdJCVVFceUvJFjaPdGZ2y9WACViL4L" },
    };
    run_vector("4b381541583be4423346c643850da4b320e46a87ae3d2a4e6da11eba819cd4acba45d239319ac14f863b8d5ab5a0d0c64d2e8a1e7d1457df2e5a3c51c73235be",
               v, sizeof(v) / sizeof(v[0]));
}
END_TEST

START_TEST(test_vector5_invalid)
{
    static const char *const bad[] = {
        /* pubkey version / prvkey mismatch */
        "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6LBpB85b3D2yc8sfvZU521AAwdZafEz7mnzBBsz4wKY5fTtTQBm",
        /* prvkey version / pubkey mismatch */
        "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGTQQD3dC4H2D5GBj7vWvSQaaBv5cxi9gafk7NF3pnBju6dwKvH",
        /* invalid pubkey prefix 04 */
        "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Txnt3siSujt9RCVYsx4qHZGc62TG4McvMGcAUjeuwZdduYEvFn",
        /* zero depth with non-zero parent fingerprint */
        "xprv9s2SPatNQ9Vc6GTbVMFPFo7jsaZySyzk7L8n2uqKXJen3KUmvQNTuLh3fhZMBoG3G4ZW1N2kZuHEPY53qmbZzCHshoQnNf4GvELZfqTUrcv",
        /* unknown extended key version */
        "DMwo58pR1QLEFihHiXPVykYB6fJmsTeHvyTp7hRThAtCX8CvYzgPcn8XnmdfHGMQzT7ayAmfo4z3gY5KfbrZWZ6St24UVf2Qgo6oujFktLHdHY4",
        /* private key 0 / n, invalid pubkey 01 prefix, unknown versions, bad prefix bytes */
        "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzF93Y5wvzdUayhgkkFoicQZcP3y52uPPxFnfoLZB21Teqt1VvEHx",
        "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFAzHGBP2UuGCqWLTAPLcMtD5SDKr24z3aiUvKr9bJpdrcLg1y3G",
        "xpub661MyMwAqRbcEYS8w7XLSVeEsBXy79zSzH1J8vCdxAZningWLdN3zgtU6Q5JXayek4PRsn35jii4veMimro1xefsM58PgBMrvdYre8QyULY",
        "xprv9s21ZrQH143K24Mfq5zL5MhWK9hUhhGbd45hLXo2Pq2oqzMMo63oStZzFGpWnsj83BHtEy5Zt8CcDr1UiRXuWCmTQLxEK9vbz5gPstX92JQ",
        "xpub661no6RGEX3uJkY4bNnPcw4URcQTrSibUZ4NqJEw5eBkv7ovTwgiT91XX27VbEXGENhYRCf7hyEbWrR3FewATdCEebj6znwMfQkhRYHRLpJ",
        "xprv9s21ZrQH4r4TsiLvyLXqM9P7k1K3EYhA1kkD6xuquB5i39AU8KF42acDyL3qsDbU9NmZn6MsGSUYZEsuoePmjzsB3eFKSUEh3Gu1N3cqVUN",
        "xpub661MyMwAuDcm6CRQ5N4qiHKrJ39Xe1R1NyfouMKTTWcguwVcfrZJaNvhpebzGerh7gucBvzEQWRugZDuDXjNDRmXzSZe4c7mnTK97pTvGS8",
        /* invalid checksum */
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHL",
    };
    struct bip32_key k;
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ck_assert_msg(!bip32_decode(&k, bad[i], XPUB, XPRV), "accepted bad key %zu", i);
}
END_TEST

START_TEST(test_paths)
{
    uint32_t v;
    ck_assert(bip32_parse_step(&v, "44h", 3) && v == (44 | H));
    ck_assert(bip32_parse_step(&v, "0'", 2) && v == H);
    ck_assert(bip32_parse_step(&v, "2147483647", 10) && v == 2147483647u);
    ck_assert(!bip32_parse_step(&v, "2147483648", 10));
    ck_assert(!bip32_parse_step(&v, "", 0));
    ck_assert(!bip32_parse_step(&v, "1x", 2));
    ck_assert(!bip32_parse_step(&v, "-1", 2));
    uint32_t path[] = { 84 | H, 1 | H, 0 | H, 0, 7 };
    char out[64];
    ck_assert_str_eq(bip32_path_format(out, sizeof(out), path, 5, false), "/84h/1h/0h/0/7");
    ck_assert_str_eq(bip32_path_format(out, sizeof(out), path, 2, true), "/84'/1'");
    uint8_t seed[16] = { 0 };
    struct bip32_key k;
    ck_assert(bip32_from_seed(&k, seed, 16));
    ck_assert(!bip32_from_seed(&k, seed, 15)); /* BIP 32: 128 to 512 bits */
}
END_TEST

static Suite *bip32_suite(void)
{
    Suite *s = suite_create("bip32");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_vector1);
    tcase_add_test(tc, test_vector2);
    tcase_add_test(tc, test_vector3_leading_zeros);
    tcase_add_test(tc, test_vector5_invalid);
    tcase_add_test(tc, test_paths);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(bip32_suite)
