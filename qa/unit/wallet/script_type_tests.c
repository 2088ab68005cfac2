#include "wallet/script_type.h"

#include <string.h>

#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static enum script_type solve_hex(const char *hex)
{
    size_t len;
    uint8_t *s = hex_decode_alloc(hex, &len);
    ck_assert_ptr_nonnull(s);
    enum script_type t = script_type_solve(s, len);
    mem_free(s);
    return t;
}

#define KEY33 "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define KEY65                                                                                                          \
    "0411db93e1dcdb8a016b49840f8c53bc1eb68a382e97b1482ecad7b148a6909a5cb2e0eaddfb84ccf9744464f82e160bfa9b8b64f9d4c03f" \
    "999b8643f656b412a3"
#define H20 "89abcdefabbaabbaabbaabbaabbaabbaabbaabba"
#define H32 "0000000000000000000000000000000000000000000000000000000000000001"

START_TEST(templates)
{
    ck_assert_int_eq(solve_hex("41" KEY65 "ac"), SCRIPT_TYPE_PUBKEY);
    ck_assert_int_eq(solve_hex("21" KEY33 "ac"), SCRIPT_TYPE_PUBKEY);
    ck_assert_int_eq(solve_hex("76a914" H20 "88ac"), SCRIPT_TYPE_PUBKEYHASH);
    ck_assert_int_eq(solve_hex("a914" H20 "87"), SCRIPT_TYPE_SCRIPTHASH);
    ck_assert_int_eq(solve_hex("0014" H20), SCRIPT_TYPE_WITNESS_V0_KEYHASH);
    ck_assert_int_eq(solve_hex("0020" H32), SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH);
    ck_assert_int_eq(solve_hex("5120" H32), SCRIPT_TYPE_WITNESS_V1_TAPROOT);
    ck_assert_int_eq(solve_hex("5214" H20), SCRIPT_TYPE_WITNESS_UNKNOWN);
    ck_assert_int_eq(solve_hex("5114" H20), SCRIPT_TYPE_WITNESS_UNKNOWN); /* v1 of another length */
    ck_assert_int_eq(solve_hex("0015" H20 "00"), SCRIPT_TYPE_NONSTANDARD); /* v0 of a wrong length */
    ck_assert_int_eq(solve_hex("6a"), SCRIPT_TYPE_NULL_DATA);
    ck_assert_int_eq(solve_hex("6a0568656c6c6f"), SCRIPT_TYPE_NULL_DATA);
    ck_assert_int_eq(solve_hex("6a0568656c6c6f51"), SCRIPT_TYPE_NULL_DATA);
    ck_assert_int_eq(solve_hex("6a0568656c6c6fac"), SCRIPT_TYPE_NONSTANDARD);
    ck_assert_int_eq(solve_hex("51" "21" KEY33 "41" KEY65 "52ae"), SCRIPT_TYPE_MULTISIG);
    ck_assert_int_eq(solve_hex("51"), SCRIPT_TYPE_NONSTANDARD);
    ck_assert_int_eq(solve_hex(""), SCRIPT_TYPE_NONSTANDARD);
}
END_TEST

START_TEST(near_misses)
{
    /* P2PK with a key whose first byte does not match its length. */
    ck_assert_int_eq(solve_hex("21" "04" "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798ac"),
                     SCRIPT_TYPE_NONSTANDARD);
    /* Multisig: count mismatch, required above keys, trailing opcode. */
    ck_assert_int_eq(solve_hex("51" "21" KEY33 "52ae"), SCRIPT_TYPE_NONSTANDARD);
    ck_assert_int_eq(solve_hex("52" "21" KEY33 "51ae"), SCRIPT_TYPE_NONSTANDARD);
    ck_assert_int_eq(solve_hex("51" "21" KEY33 "51ae" "ae"), SCRIPT_TYPE_NONSTANDARD);
    ck_assert_int_eq(solve_hex("00" "21" KEY33 "51ae"), SCRIPT_TYPE_NONSTANDARD);
    /* Truncated push in a null-data script. */
    ck_assert_int_eq(solve_hex("6a05686c"), SCRIPT_TYPE_NONSTANDARD);
    /* P2PKH with a wrong last opcode. */
    ck_assert_int_eq(solve_hex("76a914" H20 "88ad"), SCRIPT_TYPE_NONSTANDARD);
}
END_TEST

START_TEST(names)
{
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_NONSTANDARD), "nonstandard");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_PUBKEY), "pubkey");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_PUBKEYHASH), "pubkeyhash");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_SCRIPTHASH), "scripthash");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_MULTISIG), "multisig");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_NULL_DATA), "nulldata");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_WITNESS_V0_KEYHASH), "witness_v0_keyhash");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_WITNESS_V0_SCRIPTHASH), "witness_v0_scripthash");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_WITNESS_V1_TAPROOT), "witness_v1_taproot");
    ck_assert_str_eq(script_type_name(SCRIPT_TYPE_WITNESS_UNKNOWN), "witness_unknown");
}
END_TEST

static Suite *script_type_suite(void)
{
    Suite *s = suite_create("script_type");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, templates);
    tcase_add_test(tc, near_misses);
    tcase_add_test(tc, names);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(script_type_suite)
