/* Descriptor checksums (BIP 380 and Bitcoin Core's descriptor_tests
 * vectors) and descriptor-to-script conversion. */
#include <stdio.h>
#include <string.h>

#include "consensus/params.h"
#include "qa/unit/unit.h"
#include "wallet/bip32.h"
#include "wallet/descriptor.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static const char *const VALID[] = {
    "raw(deadbeef)#89f8spxm",
    "addr(mkmZxiEcEd8ZqjQWVZuC6so5dFMKEFpN2j)#02wpgw69",
    "wpkh([d34db33f/84h/0h/0h]0279be667ef9dcbbac55a06295Ce870b07029Bfcdb2dce28d959f2815b16f81798)#qwlqgth7",
    "sh(multi(2,[00000000/111'/222]xprvA1RpRA33e1JQ7ifknakTFpgNXPmW2YvmhqLQYMmrj4xJXXWYpDPS3xz7iAxn8L39njGVyuoseXzU6"
    "rcxFLJ8HFsTjSyQbLYnMpCqE2VbFWc,xprv9uPDJpEQgRQfDcW7BkF7eTya6RPxXeJCqCJGHuCJ4GiRVLzkTXBAJMu2qaMWPrS7AANYqdq6vcBc"
    "BUdJCVVFceUvJFjaPdGZ2y9WACViL4L/0))#ggrsrxfy",
    "sh(multi(2,[00000000/111'/222]xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4A"
    "LHY2grBGRjaDMzQLcgJvLJuZZvRcEL,xpub68NZiKmJWnxxS6aaHmn81bvJeTESw724CRDs6HbuccFQN9Ku14VQrADWgqbhhTHBaohPX4CjNLf9f"
    "q9MYo6oDaPPLPxSb7gwQN3ih19Zm4Y/0))#tjg09x5t",
    "sh(wsh(pkh(02e493dbf1c10d80f3581e4904930b1404cc6c13900ee0758474fa94abe8c4cd13)))#2wtr0ej5",
};

START_TEST(test_checksum_known_answers)
{
    for (size_t i = 0; i < sizeof(VALID) / sizeof(VALID[0]); i++) {
        const char *hash = strchr(VALID[i], '#');
        char sum[9];
        ck_assert(descriptor_checksum(sum, VALID[i], (size_t)(hash - VALID[i])));
        ck_assert_str_eq(sum, hash + 1);
        size_t body;
        char e[200];
        ck_assert_msg(descriptor_check_checksum(&body, VALID[i], true, e, sizeof(e)), "%s", e);
        ck_assert_uint_eq(body, (size_t)(hash - VALID[i]));
    }
    char *full = descriptor_add_checksum("raw(deadbeef)");
    ck_assert_str_eq(full, "raw(deadbeef)#89f8spxm");
    mem_free(full);
}
END_TEST

START_TEST(test_checksum_errors)
{
    size_t body;
    char e[200];
    ck_assert(!descriptor_check_checksum(&body, "raw(deadbeef)", true, e, sizeof(e)));
    ck_assert_str_eq(e, "Missing checksum");
    ck_assert(descriptor_check_checksum(&body, "raw(deadbeef)", false, e, sizeof(e)));
    ck_assert(!descriptor_check_checksum(&body, "raw(deadbeef)#89f8spxmx", false, e, sizeof(e)));
    ck_assert_str_eq(e, "Expected 8 character checksum, not 9 characters");
    ck_assert(!descriptor_check_checksum(&body, "raw(deadbeef)#", false, e, sizeof(e)));
    ck_assert_str_eq(e, "Expected 8 character checksum, not 0 characters");
    ck_assert(!descriptor_check_checksum(&body, "raw(deedbeef)#89f8spxm", false, e, sizeof(e)));
    ck_assert_str_eq(e, "Provided checksum '89f8spxm' does not match computed checksum 'xj8ljs75'");
    ck_assert(!descriptor_check_checksum(&body, "raw(deadbeef)##89f8spxm", false, e, sizeof(e)));
    ck_assert_str_eq(e, "Multiple '#' symbols");
    char sum[9];
    ck_assert(!descriptor_checksum(sum, "raw(\xc3\xa0)", 7));
}
END_TEST

static void expect_script(const char *desc, const char *hex)
{
    struct wbuf w;
    wbuf_init(&w);
    char e[200] = "";
    ck_assert_msg(descriptor_to_script(&w, desc, chain_params_get("regtest"), e, sizeof(e)), "%s: %s", desc, e);
    char *got = hex_encode_alloc(w.data, w.len);
    ck_assert_str_eq(got, hex);
    mem_free(got);
    wbuf_clear(&w);
}

static void expect_error(const char *desc, const char *msg)
{
    struct wbuf w;
    wbuf_init(&w);
    char e[200] = "";
    ck_assert(!descriptor_to_script(&w, desc, chain_params_get("regtest"), e, sizeof(e)));
    ck_assert_str_eq(e, msg);
    ck_assert_uint_eq(w.len, 0);
    wbuf_clear(&w);
}

#define G "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define G_HASH "751e76e8199196d454941c45d1b3a323f1433bd6"

START_TEST(test_to_script)
{
    expect_script("raw(deadbeef)#89f8spxm", "deadbeef");
    expect_script("pk(" G ")", "21" G "ac");
    expect_script("pkh(" G ")", "76a914" G_HASH "88ac");
    expect_script("wpkh(" G ")", "0014" G_HASH);
    expect_script("wpkh([d34db33f/84h/0h/0h]" G ")", "0014" G_HASH);
    /* sh(wpkh(G)): HASH160 of 0014<hash> (BIP 141 P2SH-P2WPKH, Core's descriptor_tests). */
    expect_script("sh(wpkh(" G "))", "a914bcfeb728b584253d5f3f70bcb780e9ef218a68f487");
    /* The regtest genesis key's P2WPKH address round-trips through addr(). */
    expect_script("addr(hmrt1qw508d6qejxtdg4y5r3zarvary0c5xw7kgm88y5)", "0014751e76e8199196d454941c45d1b3a323f1433bd6");
    /* Taproot of G as internal key (BIP 86's first vector uses another key; this checks the shape). */
    struct wbuf w;
    wbuf_init(&w);
    char e[200];
    ck_assert(descriptor_to_script(&w, "tr(" G ")", chain_params_get("regtest"), e, sizeof(e)));
    ck_assert_uint_eq(w.len, 34);
    ck_assert_uint_eq(w.data[0], 0x51);
    wbuf_clear(&w);
    /* 1-of-2 bare multisig and its wsh form */
    expect_script("multi(1," G ",03" "c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5)",
                  "5121" G "2103c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee552ae");
    expect_script("sortedmulti(1,03c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee5," G ")",
                  "5121" G "2103c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee552ae");
}
END_TEST

START_TEST(test_to_script_errors)
{
    expect_error("raw(deadbeef)#89f8spxn", "Provided checksum '89f8spxn' does not match computed checksum '89f8spxm'");
    expect_error("raw(xyz)", "Raw script is not hex");
    expect_error("addr(notanaddress)", "Address is not valid");
    expect_error("foo(" G ")", "'foo' is not a valid descriptor function");
    expect_error("sh(raw(00))", "Can only have raw() at top level");
    expect_error("wsh(wpkh(" G "))", "Can only have wpkh() at top level or inside sh()");
    expect_error("pkh(02deadbeef)", "Pubkey '02deadbeef' is invalid");
    expect_error("pkh(nothex)", "key 'nothex' is not valid");
    expect_error("multi(3," G ")", "Multisig threshold cannot be 3, must be at least 1");
    expect_error("pkh(xpub6ERApfZwUNrhLCkDtcHTcxd75RbzS1ed54G1LkBUHQVHQKqhMkhgbmJbZRkrgZw4koxb5JaHWkY4ALHY2grBGRjaDMzQLcgJvLJuZZvRcEL/*)",
                 "Ranged descriptors are not supported");
}
END_TEST

/* BIP 32 vector 1 keys (main's xpub/xprv versions). */
#define M0H_XPUB "xpub68Gmy5EdvgibQVfPdqkBBCHxA5htiqg55crXYuXoQRKfDBFA1WEjWgP6LHhwBZeNK1VTsfTFUHCdrfp1bgwQ9xv5ski8PX9rL2dZXvgGDnw"
#define M0H1_XPUB "xpub6ASuArnXKPbfEwhqN6e3mwBcDTgzisQN1wXN9BJcM47sSikHjJf3UFHKkNAWbWMiGj7Wf5uMash7SyYq527Hqck2AxYysAA7xmALppuCkwQ"
#define MASTER_XPRV "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi"

static void expand_hex(char *out, const char *desc, uint32_t index, const struct chain_params *p)
{
    struct descriptor *d;
    char e[200] = "";
    ck_assert_msg(descriptor_parse(&d, desc, p, false, e, sizeof(e)), "%s: %s", desc, e);
    struct wbuf w;
    wbuf_init(&w);
    ck_assert_msg(descriptor_expand(d, &w, NULL, NULL, index, e, sizeof(e)), "%s", e);
    hex_encode(out, w.data, w.len);
    wbuf_clear(&w);
    descriptor_free(d);
}

START_TEST(test_extended_keys)
{
    const struct chain_params *main = chain_params_get("main");
    char a[200], b[200];
    /* a fixed step from m/0h equals the key m/0h/1 itself */
    expand_hex(a, "pkh(" M0H_XPUB "/1)", 0, main);
    struct bip32_key k;
    ck_assert(bip32_decode(&k, M0H1_XPUB, main->bip32_pubkey_version, main->bip32_privkey_version));
    char pub[67];
    hex_encode(pub, k.pub, 33);
    char d2[200];
    snprintf(d2, sizeof(d2), "pkh(%s)", pub);
    expand_hex(b, d2, 0, main);
    ck_assert_str_eq(a, b);
    /* a range at index 1 equals the fixed step */
    expand_hex(a, "wpkh(" M0H_XPUB "/*)", 1, main);
    snprintf(d2, sizeof(d2), "wpkh(%s)", pub);
    expand_hex(b, d2, 0, main);
    ck_assert_str_eq(a, b);
    /* from the master xprv with hardened steps: same key, and the public
     * form folds the hardened steps into the origin (Core's normalisation) */
    expand_hex(a, "wpkh(" MASTER_XPRV "/0h/*)", 1, main);
    ck_assert_str_eq(a, b);
    struct descriptor *d;
    char e[200];
    ck_assert(descriptor_parse(&d, "wpkh(" MASTER_XPRV "/0h/*)", main, false, e, sizeof(e)));
    ck_assert(descriptor_is_range(d) && descriptor_has_private(d) && descriptor_all_private(d));
    ck_assert_str_eq(descriptor_output_type(d), "bech32");
    char *s = descriptor_to_string(d, main, false);
    ck_assert_str_eq(s, "wpkh([3442193e/0h]" M0H_XPUB "/*)#dzaf4lws");
    mem_free(s);
    s = descriptor_to_string(d, main, true);
    ck_assert_str_eq(s, "wpkh(" MASTER_XPRV "/0h/*)#n53pcdgn");
    mem_free(s);
    struct descriptor_key_info info;
    struct wbuf w;
    wbuf_init(&w);
    ck_assert(descriptor_expand(d, &w, NULL, &info, 1, e, sizeof(e)));
    ck_assert(info.have && info.have_origin && info.path_len == 2);
    ck_assert_uint_eq(info.path[0], 0x80000000u);
    ck_assert_uint_eq(info.path[1], 1);
    ck_assert(!memcmp(info.pubkey, k.pub, 33));
    wbuf_clear(&w);
    descriptor_free(d);
    /* an xpub cannot derive a hardened step */
    ck_assert(descriptor_parse(&d, "wpkh(" M0H_XPUB "/*h)", main, false, e, sizeof(e)));
    ck_assert(!descriptor_has_private(d));
    wbuf_init(&w);
    ck_assert(!descriptor_expand(d, &w, NULL, NULL, 0, e, sizeof(e)));
    ck_assert_uint_eq(w.len, 0);
    descriptor_free(d);
    /* tr() of an x-only key and of an xpub both give a 34-byte v1 program */
    expand_hex(a, "tr(" M0H_XPUB "/*)", 7, main);
    ck_assert_uint_eq(strlen(a), 68);
    ck_assert(!strncmp(a, "5120", 4));
}
END_TEST

START_TEST(test_parse_errors)
{
    const struct chain_params *main = chain_params_get("main");
    struct descriptor *d;
    char e[200];
    ck_assert(!descriptor_parse(&d, "wpkh([d34db33f/84h/0h/0h]" M0H_XPUB "/*)", main, true, e, sizeof(e)));
    ck_assert_str_eq(e, "Missing checksum");
    ck_assert(!descriptor_parse(&d, "wpkh([d34db3/84h]" M0H_XPUB "/*)", main, false, e, sizeof(e)));
    ck_assert_str_eq(e, "Fingerprint is not 4 bytes (6 characters instead of 8 characters)");
    ck_assert(!descriptor_parse(&d, "wpkh([d34db33f/x]" M0H_XPUB "/*)", main, false, e, sizeof(e)));
    ck_assert_str_eq(e, "Key path value 'x' is not a valid uint32");
    ck_assert(!descriptor_parse(&d, "wpkh(" M0H_XPUB "/2147483648)", main, false, e, sizeof(e)));
    ck_assert_str_eq(e, "Key path value '2147483648' is not a valid uint32");
    ck_assert(!descriptor_parse(&d,
                                "wpkh(04" "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
                                "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8)",
                                main, false, e, sizeof(e)));
    ck_assert_str_eq(e, "Uncompressed keys are not allowed");
    ck_assert(!descriptor_parse(&d, "sh(tr(" M0H_XPUB "))", main, false, e, sizeof(e)));
    ck_assert_str_eq(e, "Can only have tr at top level");
    ck_assert(!descriptor_parse(&d, "wpkh(" M0H_XPUB ")", chain_params_get("regtest"), false, e, sizeof(e)));
    ck_assert(d == NULL);
}
END_TEST

static Suite *descriptor_suite(void)
{
    Suite *s = suite_create("descriptor");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, test_checksum_known_answers);
    tcase_add_test(tc, test_checksum_errors);
    tcase_add_test(tc, test_to_script);
    tcase_add_test(tc, test_to_script_errors);
    tcase_add_test(tc, test_extended_keys);
    tcase_add_test(tc, test_parse_errors);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(descriptor_suite)
