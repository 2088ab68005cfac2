#include "consensus/address.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"

static const struct address_params BITCOIN_MAIN = { 0, 5, "bc" };
static const struct address_params BITCOIN_TEST = { 111, 196, "tb" };
/* hashmint's regtest prefixes (doc/chain.md): Bitcoin testnet's version bytes, hrp "hmrt". */
static const struct address_params HASHMINT_REGTEST = { 111, 196, "hmrt" };
/* hashmint mainnet: P2PKH 40, P2SH 63, hrp "hm". */
static const struct address_params HASHMINT_MAIN = { 40, 63, "hm" };

static const struct {
    const struct address_params *params;
    const char *addr, *spk;
} VALID[] = {
    /* Bitcoin mainnet. */
    { &BITCOIN_MAIN, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", "76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac" },
    { &BITCOIN_MAIN, "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa", "76a91462e907b15cbf27d5425399ebf6f0fb50ebb88f1888ac" },
    { &BITCOIN_MAIN, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", "a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb87" },
    { &BITCOIN_MAIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
    { &BITCOIN_MAIN, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
      "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" },
    /* BIP 341 wallet test vector 0's key-path output. */
    { &BITCOIN_MAIN, "bc1p2wsldez5mud2yam29q22wgfh9439spgduvct83k3pm50fcxa5dps59h4z5",
      "512053a1f6e454df1aa2776a2814a721372d6258050de330b3c6d10ee8f4e0dda343" },
    /* Other witness versions (BIP 350 examples). */
    { &BITCOIN_MAIN, "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6" },
    { &BITCOIN_MAIN, "bc1sw50qgdz25j", "6002751e" },
    { &BITCOIN_MAIN, "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323" },
    /* Bitcoin testnet P2WSH. */
    { &BITCOIN_TEST, "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
      "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262" },
    /* hashmint regtest and mainnet. The expected strings were computed with
     * an independent implementation of BIP 173/350 and Base58Check. */
    { &HASHMINT_REGTEST, "hmrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kgm88y5",
      "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
    { &HASHMINT_REGTEST, "hmrt1q6jtaagvmzqk7f40a694qnx53e5rtsqdexe5v5ngf3zg40vcpfndsfwpz7p",
      "0020d497dea19b102de4d5fdd16a099a91cd06b801b93668ca4d09889157b3014cdb" },
    { &HASHMINT_REGTEST, "hmrt1p6jtaagvmzqk7f40a694qnx53e5rtsqdexe5v5ngf3zg40vcpfndsreptxa",
      "5120d497dea19b102de4d5fdd16a099a91cd06b801b93668ca4d09889157b3014cdb" },
    { &HASHMINT_REGTEST, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r", "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac" },
    { &HASHMINT_REGTEST, "2N3vVYSK5XRgVSGWy21PnsRmBUywSQNdCsf", "a914751e76e8199196d454941c45d1b3a323f1433bd687" },
    { &HASHMINT_MAIN, "HHCPwVp8mHPoremTCZS5DsJTJHkHUy7aHK", "76a914751e76e8199196d454941c45d1b3a323f1433bd688ac" },
    { &HASHMINT_MAIN, "SXyGazfm6S3xfcySmD6QNkZYmtfysC2jvc", "a914751e76e8199196d454941c45d1b3a323f1433bd687" },
    { &HASHMINT_MAIN, "hm1p6jtaagvmzqk7f40a694qnx53e5rtsqdexe5v5ngf3zg40vcpfndsntqgcn",
      "5120d497dea19b102de4d5fdd16a099a91cd06b801b93668ca4d09889157b3014cdb" },
};

START_TEST(round_trips)
{
    for (size_t i = 0; i < sizeof(VALID) / sizeof(VALID[0]); i++) {
        uint8_t want[ADDRESS_MAX_SCRIPT], got[ADDRESS_MAX_SCRIPT];
        size_t want_len, got_len;
        char addr[ADDRESS_MAX_STRING];
        ck_assert(hex_decode(want, sizeof(want), &want_len, VALID[i].spk));
        ck_assert_msg(address_from_script(addr, VALID[i].params, want, want_len), "%s", VALID[i].addr);
        ck_assert_str_eq(addr, VALID[i].addr);
        ck_assert_msg(address_to_script(got, &got_len, VALID[i].params, VALID[i].addr), "%s", VALID[i].addr);
        ck_assert_uint_eq(got_len, want_len);
        ck_assert(memcmp(got, want, want_len) == 0);
    }
}
END_TEST

START_TEST(other_chains_refuse)
{
    uint8_t spk[ADDRESS_MAX_SCRIPT];
    size_t len = 7;
    /* A Bitcoin address is not a hashmint address, and vice versa. */
    ck_assert(!address_to_script(spk, &len, &HASHMINT_MAIN, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2"));
    ck_assert_uint_eq(len, 0);
    ck_assert(!address_to_script(spk, &len, &HASHMINT_MAIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4"));
    ck_assert(!address_to_script(spk, &len, &HASHMINT_REGTEST, "hm1p6jtaagvmzqk7f40a694qnx53e5rtsqdexe5v5ngf3zg40vcpfndsntqgcn"));
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, "mrCDrCybB6J1vRfbwM5hemdJz73FwDBC8r"));
    /* Uppercase bech32 decodes; mixed case does not. */
    ck_assert(address_to_script(spk, &len, &BITCOIN_MAIN, "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
    ck_assert_uint_eq(len, 22);
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, "bc1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4"));
    /* Bech32 (not Bech32m) for v1, and garbage. */
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN,
                                 "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd"));
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, ""));
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, "1"));
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, "bc1"));
    /* Base58Check of the wrong length (a 32-byte payload with version 0). */
    ck_assert(!address_to_script(spk, &len, &BITCOIN_MAIN, "1111111111111111111111111111111112m1s9K"));
    ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(non_standard_scripts_have_no_address)
{
    static const char *bad[] = {
        "",
        /* P2PK */
        "2102" "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" "ac",
        /* OP_RETURN */
        "6a0401020304",
        /* P2PKH with a trailing byte, a wrong push size, a wrong final opcode */
        "76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ac00",
        "76a91377bff20c60e522dfaa3350c39b030a5d004e839a88ac",
        "76a91477bff20c60e522dfaa3350c39b030a5d004e839a88ad",
        /* P2SH with OP_EQUALVERIFY */
        "a914b472a266d0bd89c13706a4132ccfb16f7c3b9fcb88",
        /* witness v0 with a 21-byte program, v1 with 1 and 41 bytes */
        "0015751e76e8199196d454941c45d1b3a323f1433bd600",
        "510101",
        "5129" "751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd600",
        /* push length that does not match the script */
        "0014751e76e8199196d454941c45d1b3a323f1433b",
        /* OP_1NEGATE (0x4f) and OP_NOP (0x61) are not versions; PUSHDATA1 is not a direct push */
        "4f14751e76e8199196d454941c45d1b3a323f1433bd6",
        "6114751e76e8199196d454941c45d1b3a323f1433bd6",
        "004c14751e76e8199196d454941c45d1b3a323f1433bd6",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t spk[64];
        size_t len;
        char addr[ADDRESS_MAX_STRING] = "x";
        ck_assert(hex_decode(spk, sizeof(spk), &len, bad[i]));
        ck_assert_msg(!address_from_script(addr, &BITCOIN_MAIN, spk, len), "%s", bad[i]);
        ck_assert_str_eq(addr, "");
    }
    /* A valid script but an unusable hrp. */
    uint8_t spk[22];
    size_t len;
    char addr[ADDRESS_MAX_STRING];
    ck_assert(hex_decode(spk, sizeof(spk), &len, "0014751e76e8199196d454941c45d1b3a323f1433bd6"));
    const struct address_params upper = { 0, 5, "BC" };
    ck_assert(!address_from_script(addr, &upper, spk, len));
}
END_TEST

static Suite *address_suite(void)
{
    Suite *s = suite_create("address");
    TCase *tc = tcase_create("address");
    tcase_add_test(tc, round_trips);
    tcase_add_test(tc, other_chains_refuse);
    tcase_add_test(tc, non_standard_scripts_have_no_address);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(address_suite)
