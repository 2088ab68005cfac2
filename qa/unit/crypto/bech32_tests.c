#include "src/crypto/bech32.h"

#include <ctype.h>
#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/hex.h"

/* Test vectors from BIP 173 and BIP 350 (BSD-2-Clause licence, by Pieter
 * Wuille and Greg Maxwell; BIP 350 by Pieter Wuille). */

static const char *VALID_BECH32[] = {
    "A12UEL5L",
    "a12uel5l",
    "an83characterlonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1tt5tgs",
    "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw",
    "11qqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqqc8247j",
    "split1checkupstagehandshakeupstreamerranterredcaperred2y9e3w",
    "?1ezyfcl",
};

static const char *VALID_BECH32M[] = {
    "A1LQFN3A",
    "a1lqfn3a",
    "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
    "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx",
    "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
    "split1checkupstagehandshakeupstreamerranterredcaperredlc445v",
    "?1v759aa",
};

/* Invalid as both Bech32 and Bech32m (BIP 173 and BIP 350 lists). */
static const char *INVALID[] = {
    " 1nwldj5",
    "\x7f" "1axkwrx",
    "\x80" "1eym55h",
    "an84characterslonghumanreadablepartthatcontainsthenumber1andtheexcludedcharactersbio1569pvx",
    "pzry9x0s0muk",
    "1pzry9x0s0muk",
    "x1b4n0q5v",
    "li1dgmt3",
    "de1lg7wt\xff",
    "A1G7SGD8",
    "10a06t8",
    "1qzzfhee",
    " 1xj0phk",
    "\x7f" "1g6xzxy",
    "\x80" "1vctc34",
    "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
    "qyrz8wqd2c9m",
    "1qyrz8wqd2c9m",
    "y1b0jsk6g",
    "lt1igcx5c0",
    "in1muywd",
    "mm1crxm3i",
    "au1s5cgom",
    "M1VUXWEZ",
    "16plkw9",
    "1p2gdwpf",
};

static void lower(char *out, const char *s)
{
    while ((*out++ = (char)tolower((unsigned char)*s++)))
        ;
}

static void check_valid(const char *s, enum bech32_encoding want)
{
    char hrp[BECH32_MAX_HRP + 1], again[BECH32_MAX_LEN + 1], low[BECH32_MAX_LEN + 1];
    uint8_t data[BECH32_MAX_DATA];
    size_t n;
    ck_assert_msg(bech32_decode(hrp, data, &n, s) == want, "%s", s);
    /* Re-encoding gives the lowercase form of the input. */
    ck_assert(bech32_encode(again, hrp, data, n, want));
    lower(low, s);
    ck_assert_str_eq(again, low);
    /* The other checksum never matches. */
    ck_assert(bech32_encode(again, hrp, data, n, want == BECH32_BECH32 ? BECH32_BECH32M : BECH32_BECH32));
    ck_assert(strcmp(again, low) != 0);
    /* Flipping any data character breaks it. */
    size_t sep = strlen(hrp);
    for (size_t i = sep + 1; i < strlen(low); i++) {
        char m[BECH32_MAX_LEN + 1];
        strcpy(m, low);
        m[i] = m[i] == 'q' ? 'p' : 'q';
        ck_assert_msg(bech32_decode(hrp, data, &n, m) == BECH32_INVALID, "%s", m);
    }
}

START_TEST(bip173_bip350_valid_strings)
{
    for (size_t i = 0; i < sizeof(VALID_BECH32) / sizeof(VALID_BECH32[0]); i++)
        check_valid(VALID_BECH32[i], BECH32_BECH32);
    for (size_t i = 0; i < sizeof(VALID_BECH32M) / sizeof(VALID_BECH32M[0]); i++)
        check_valid(VALID_BECH32M[i], BECH32_BECH32M);
}
END_TEST

START_TEST(bip173_bip350_invalid_strings)
{
    for (size_t i = 0; i < sizeof(INVALID) / sizeof(INVALID[0]); i++) {
        char hrp[BECH32_MAX_HRP + 1];
        uint8_t data[BECH32_MAX_DATA];
        size_t n = 99;
        ck_assert_msg(bech32_decode(hrp, data, &n, INVALID[i]) == BECH32_INVALID, "%s", INVALID[i]);
        ck_assert_uint_eq(n, 0);
        ck_assert_str_eq(hrp, "");
    }
}
END_TEST

/* Valid segwit addresses and their scriptPubKeys (BIP 350, which
 * supersedes BIP 173's v1+ examples). */
static const struct {
    const char *addr, *spk;
} VALID_SEGWIT[] = {
    { "BC1QW508D6QEJXTDG4Y5R3ZARVARY0C5XW7KV8F3T4", "0014751e76e8199196d454941c45d1b3a323f1433bd6" },
    { "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sl5k7",
      "00201863143c14c5166804bd19203356da136c985678cd4d27a1b8c6329604903262" },
    { "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kt5nd6y",
      "5128751e76e8199196d454941c45d1b3a323f1433bd6751e76e8199196d454941c45d1b3a323f1433bd6" },
    { "BC1SW50QGDZ25J", "6002751e" },
    { "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs", "5210751e76e8199196d454941c45d1b3a323" },
    { "tb1qqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesrxh6hy",
      "0020000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
    { "tb1pqqqqp399et2xygdj5xreqhjjvcmzhxw4aywxecjdzew6hylgvsesf3hn0c",
      "5120000000c4a5cad46221b2a187905e5266362b99d5e91c6ce24d165dab93e86433" },
    { "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
      "512079be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798" },
};

/* Invalid segwit addresses (BIP 173 and BIP 350), for hrp "bc" and "tb". */
static const char *INVALID_SEGWIT[] = {
    "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t5",
    "BC13W508D6QEJXTDG4Y5R3ZARVARY0C5XW7KN40WF2",
    "bc1rw5uspcuh",
    "bc10w508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7kw5rljs90",
    "BC1QR508D6QEJXTDG4Y5R3ZARVARYV98GJ9P",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3q0sL5k7",
    "bc1zw508d6qejxtdg4y5r3zarvaryvqyzf3du",
    "tb1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3pjxtptv",
    "bc1gmk9yu",
    /* BIP 350 */
    "tc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq5zuyut",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
    "tb1z0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqglt7rf",
    "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
    "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kemeawh",
    "tb1q0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq24jc47",
    "bc1p38j9r5y49hruaue7wxjce0updqjuyyx0kh56v8s25huc6995vvpql3jow4",
    "BC130XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ7ZWS8R",
    "bc1pw5dgrnzv",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v8n0nx0muaewav253zgeav",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
    "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf",
    "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j",
    /* BIP 173's v1+ examples use Bech32, which BIP 350 forbids for v1+. */
    "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
    "BC1SW50QA3JX3S",
    "bc1zw508d6qejxtdg4y5r3zarvaryvg6kdaj",
};

static const char *hrp_of(const char *addr)
{
    return (addr[0] == 't' || addr[0] == 'T') ? "tb" : "bc";
}

START_TEST(segwit_valid_addresses)
{
    for (size_t i = 0; i < sizeof(VALID_SEGWIT) / sizeof(VALID_SEGWIT[0]); i++) {
        const char *addr = VALID_SEGWIT[i].addr;
        int v;
        uint8_t prog[BECH32_SEGWIT_MAX_PROGRAM], spk[42];
        size_t n, spk_len;
        ck_assert_msg(bech32_segwit_decode(&v, prog, &n, hrp_of(addr), addr), "%s", addr);
        ck_assert(hex_decode(spk, sizeof(spk), &spk_len, VALID_SEGWIT[i].spk));
        ck_assert_uint_eq(spk_len, n + 2);
        ck_assert_uint_eq(spk[0], v == 0 ? 0 : 0x50 + v);
        ck_assert_uint_eq(spk[1], n);
        ck_assert(memcmp(spk + 2, prog, n) == 0);
        char again[BECH32_MAX_LEN + 1], low[BECH32_MAX_LEN + 1];
        ck_assert(bech32_segwit_encode(again, hrp_of(addr), v, prog, n));
        lower(low, addr);
        ck_assert_str_eq(again, low);
        /* The wrong hrp. */
        ck_assert(!bech32_segwit_decode(&v, prog, &n, addr[0] == 't' ? "bc" : "tb", addr));
        ck_assert_uint_eq(n, 0);
    }
}
END_TEST

START_TEST(segwit_invalid_addresses)
{
    for (size_t i = 0; i < sizeof(INVALID_SEGWIT) / sizeof(INVALID_SEGWIT[0]); i++) {
        const char *addr = INVALID_SEGWIT[i];
        int v = 5;
        uint8_t prog[BECH32_SEGWIT_MAX_PROGRAM];
        size_t n = 9;
        ck_assert_msg(!bech32_segwit_decode(&v, prog, &n, "bc", addr), "%s", addr);
        ck_assert_msg(!bech32_segwit_decode(&v, prog, &n, "tb", addr), "%s", addr);
        ck_assert_int_eq(v, 0);
        ck_assert_uint_eq(n, 0);
    }
}
END_TEST

START_TEST(segwit_encode_rules)
{
    uint8_t prog[41] = { 0 };
    char out[BECH32_MAX_LEN + 1];
    /* Version 0: only 20 or 32 bytes. */
    for (size_t n = 0; n <= 41; n++) {
        bool ok = bech32_segwit_encode(out, "bc", 0, prog, n);
        ck_assert_msg(ok == (n == 20 || n == 32), "v0 len %zu", n);
    }
    /* Versions 1..16: 2..40 bytes, and a 40-byte v16 program fits in 90 chars. */
    for (int v = 1; v <= 16; v++)
        for (size_t n = 0; n <= 41; n++)
            ck_assert(bech32_segwit_encode(out, "bc", v, prog, n) == (n >= 2 && n <= 40));
    ck_assert(bech32_segwit_encode(out, "bc", 16, prog, 40));
    ck_assert_uint_eq(strlen(out), 74);
    ck_assert(!bech32_segwit_encode(out, "bc", 17, prog, 20));
    ck_assert(!bech32_segwit_encode(out, "bc", -1, prog, 20));
    ck_assert_str_eq(out, "");
    /* A long hrp pushes the string past 90 characters. */
    char hrp[BECH32_MAX_HRP + 2];
    memset(hrp, 'h', 20);
    hrp[20] = 0;
    ck_assert(!bech32_segwit_encode(out, hrp, 1, prog, 40));
    ck_assert(bech32_segwit_encode(out, hrp, 1, prog, 32));
    /* Bad hrps. */
    ck_assert(!bech32_segwit_encode(out, "", 1, prog, 32));
    ck_assert(!bech32_segwit_encode(out, "BC", 1, prog, 32));
    ck_assert(!bech32_segwit_encode(out, "b c", 1, prog, 32));
    memset(hrp, 'h', BECH32_MAX_HRP + 1);
    hrp[BECH32_MAX_HRP + 1] = 0;
    ck_assert(!bech32_encode(out, hrp, NULL, 0, BECH32_BECH32));
    hrp[BECH32_MAX_HRP] = 0;
    ck_assert(bech32_encode(out, hrp, NULL, 0, BECH32_BECH32));
    /* Data values must be 5-bit. */
    uint8_t d[2] = { 1, 32 };
    ck_assert(!bech32_encode(out, "a", d, 2, BECH32_BECH32));
    ck_assert(!bech32_encode(out, "a", d, 1, BECH32_INVALID));
}
END_TEST

START_TEST(convert_bits)
{
    uint8_t out[16], back[16];
    size_t n, m;
    const uint8_t in[3] = { 0xff, 0x00, 0x81 };
    ck_assert(bech32_convert_bits(out, sizeof(out), &n, in, 3, 8, 5, true));
    ck_assert_uint_eq(n, 5); /* 24 bits -> 4 groups + 4 bits padded */
    ck_assert(bech32_convert_bits(back, sizeof(back), &m, out, n, 5, 8, false));
    ck_assert_uint_eq(m, 3);
    ck_assert(memcmp(back, in, 3) == 0);
    /* Non-zero padding bits are rejected. */
    out[n - 1] |= 1;
    ck_assert(!bech32_convert_bits(back, sizeof(back), &m, out, n, 5, 8, false));
    /* Too much padding: a whole extra 5-bit group. */
    out[n - 1] &= (uint8_t)~1;
    out[n] = 0;
    ck_assert(!bech32_convert_bits(back, sizeof(back), &m, out, n + 1, 5, 8, false));
    /* Values wider than from_bits, and overflow of cap. */
    const uint8_t wide[1] = { 32 };
    ck_assert(!bech32_convert_bits(back, sizeof(back), &m, wide, 1, 5, 8, true));
    ck_assert(!bech32_convert_bits(out, 2, &n, in, 3, 8, 5, true));
    ck_assert_uint_eq(n, 0);
}
END_TEST

static Suite *bech32_suite(void)
{
    Suite *s = suite_create("bech32");
    TCase *tc = tcase_create("bech32");
    tcase_add_test(tc, bip173_bip350_valid_strings);
    tcase_add_test(tc, bip173_bip350_invalid_strings);
    tcase_add_test(tc, segwit_valid_addresses);
    tcase_add_test(tc, segwit_invalid_addresses);
    tcase_add_test(tc, segwit_encode_rules);
    tcase_add_test(tc, convert_bits);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(bech32_suite)
