#include "consensus/script.h"

#include <string.h>

#include "consensus/interpreter.h"
#include "qa/unit/unit.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

/* A decoded hex script; tests free it with mem_free. */
static uint8_t *unhex(const char *s, size_t *len)
{
    uint8_t *p = hex_decode_alloc(s, len);
    ck_assert_ptr_nonnull(p);
    return p;
}

static char *tohex(const uint8_t *p, size_t len)
{
    return hex_encode_alloc(p, len);
}

START_TEST(get_op_reads_pushes_and_opcodes)
{
    size_t len;
    /* 2-byte direct push, PUSHDATA1 of 1, PUSHDATA2 of 2, PUSHDATA4 of 1, OP_DUP */
    uint8_t *s = unhex("02abcd" "4c01ee" "4d0200f00f" "4e0100000011" "76", &len);
    const uint8_t *pc = s, *end = s + len, *data;
    size_t n;
    enum opcode op;
    ck_assert(script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, 2);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(data[0], 0xab);
    ck_assert(script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, OP_PUSHDATA1);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(data[0], 0xee);
    ck_assert(script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, OP_PUSHDATA2);
    ck_assert_uint_eq(n, 2);
    ck_assert_uint_eq(data[1], 0x0f);
    ck_assert(script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, OP_PUSHDATA4);
    ck_assert_uint_eq(n, 1);
    ck_assert_uint_eq(data[0], 0x11);
    ck_assert(script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, OP_DUP);
    ck_assert_ptr_null(data);
    ck_assert_uint_eq(n, 0);
    ck_assert(pc == end);
    ck_assert(!script_get_op(&pc, end, &op, &data, &n));
    ck_assert_int_eq(op, OP_INVALIDOPCODE);
    mem_free(s);
}
END_TEST

START_TEST(get_op_rejects_truncated_pushes)
{
    static const char *const BAD[] = { "01", "0301ff", "4c", "4c02aa", "4d01", "4d0100", "4e010000", "4e02000000ff" };
    for (size_t i = 0; i < sizeof BAD / sizeof BAD[0]; i++) {
        size_t len;
        uint8_t *s = unhex(BAD[i], &len);
        const uint8_t *pc = s;
        enum opcode op;
        const uint8_t *data;
        size_t n;
        ck_assert_msg(!script_get_op(&pc, s + len, &op, &data, &n), "%s", BAD[i]);
        ck_assert_int_eq(op, OP_INVALIDOPCODE);
        ck_assert(pc == s + len);
        mem_free(s);
    }
    /* an empty push is fine */
    uint8_t zero = 0;
    const uint8_t *pc = &zero;
    enum opcode op;
    ck_assert(script_get_op(&pc, &zero + 1, &op, NULL, NULL));
    ck_assert_int_eq(op, OP_0);
}
END_TEST

START_TEST(op_names_match_core)
{
    ck_assert_str_eq(script_op_name(OP_CHECKSIG), "OP_CHECKSIG");
    ck_assert_str_eq(script_op_name(OP_0), "0");
    ck_assert_str_eq(script_op_name(OP_1NEGATE), "-1");
    ck_assert_str_eq(script_op_name(OP_1), "1");
    ck_assert_str_eq(script_op_name(OP_16), "16");
    ck_assert_str_eq(script_op_name(OP_NOP2), "OP_CHECKLOCKTIMEVERIFY");
    ck_assert_str_eq(script_op_name(OP_NOP3), "OP_CHECKSEQUENCEVERIFY");
    ck_assert_str_eq(script_op_name(OP_NOP1), "OP_NOP1");
    ck_assert_str_eq(script_op_name(OP_NOP10), "OP_NOP10");
    ck_assert_str_eq(script_op_name(OP_CHECKSIGADD), "OP_CHECKSIGADD");
    ck_assert_str_eq(script_op_name(OP_RESERVED), "OP_RESERVED");
    ck_assert_str_eq(script_op_name(OP_INVALIDOPCODE), "OP_INVALIDOPCODE");
    ck_assert_str_eq(script_op_name((enum opcode)0xbb), "OP_UNKNOWN");
    ck_assert_str_eq(script_op_name((enum opcode)0x05), "OP_UNKNOWN");
}
END_TEST

/* Encodings from Bitcoin Core's scriptnum and CScriptNum serialisation. */
static const struct {
    int64_t n;
    const char *hex;
} NUMS[] = {
    { 0, "" },
    { 1, "01" },
    { -1, "81" },
    { 127, "7f" },
    { -127, "ff" },
    { 128, "8000" },
    { -128, "8080" },
    { 255, "ff00" },
    { -255, "ff80" },
    { 256, "0001" },
    { 32767, "ff7f" },
    { 32768, "008000" },
    { -32768, "008080" },
    { 0x7fffffff, "ffffff7f" },
    { -0x7fffffff, "ffffffff" },
    { 0x80000000LL, "0000008000" },
    { -0x80000000LL, "0000008080" },
    { 0xffffffffLL, "ffffffff00" },
    { INT64_MAX, "ffffffffffffff7f" },
    { INT64_MIN + 1, "ffffffffffffffff" },
};

START_TEST(script_numbers_round_trip)
{
    for (size_t i = 0; i < sizeof NUMS / sizeof NUMS[0]; i++) {
        uint8_t buf[9];
        size_t len = script_num_encode(buf, NUMS[i].n);
        char *h = tohex(buf, len);
        ck_assert_msg(strcmp(h, NUMS[i].hex) == 0, "%lld -> %s", (long long)NUMS[i].n, h);
        mem_free(h);
        int64_t back;
        ck_assert(script_num_decode(&back, buf, len, true, 8));
        ck_assert_int_eq(back, NUMS[i].n);
    }
    /* INT64_MIN needs a ninth byte for the sign */
    uint8_t buf[9];
    ck_assert_uint_eq(script_num_encode(buf, INT64_MIN), 9);
    ck_assert_uint_eq(buf[8], 0x80);
}
END_TEST

START_TEST(script_numbers_minimal_and_size_rules)
{
    static const struct {
        const char *hex;
        bool minimal; /* passes require_minimal */
        int64_t value; /* decoded without the minimal rule */
    } CASES[] = {
        { "00", false, 0 },     { "80", false, 0 },      { "0000", false, 0 }, { "0080", false, 0 },
        { "0100", false, 1 },   { "0180", false, -1 },   { "ff00", true, 255 }, { "ff80", true, -255 },
        { "7f00", false, 127 }, { "800000", false, 128 }, { "8000", true, 128 }, { "01", true, 1 },
    };
    for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
        size_t len;
        uint8_t *p = unhex(CASES[i].hex, &len);
        int64_t v;
        ck_assert_msg(script_num_decode(&v, p, len, true, 4) == CASES[i].minimal, "%s", CASES[i].hex);
        ck_assert(script_num_decode(&v, p, len, false, 4));
        ck_assert_int_eq(v, CASES[i].value);
        mem_free(p);
    }
    /* 5 bytes: too long for arithmetic, fine for lock times */
    static const uint8_t five[5] = { 0, 0, 0, 0, 1 };
    int64_t v;
    ck_assert(!script_num_decode(&v, five, 5, false, 4));
    ck_assert(script_num_decode(&v, five, 5, true, 5));
    ck_assert_int_eq(v, INT64_C(1) << 32);
    static const uint8_t six[6] = { 0, 0, 0, 0, 0, 1 };
    ck_assert(!script_num_decode(&v, six, 6, false, 5));
}
END_TEST

static char *push_int_hex(int64_t n)
{
    struct wbuf w;
    wbuf_init(&w);
    script_push_int(&w, n);
    char *h = tohex(w.data, w.len);
    wbuf_clear(&w);
    return h;
}

START_TEST(push_int_and_data_use_smallest_form)
{
    static const struct {
        int64_t n;
        const char *hex;
    } INTS[] = { { 0, "00" }, { -1, "4f" }, { 1, "51" }, { 16, "60" }, { 17, "0111" }, { -2, "0182" },
                 { 1000, "02e803" }, { 500000000, "040065cd1d" } };
    for (size_t i = 0; i < sizeof INTS / sizeof INTS[0]; i++) {
        char *h = push_int_hex(INTS[i].n);
        ck_assert_str_eq(h, INTS[i].hex);
        mem_free(h);
    }
    static const struct {
        size_t n;
        const char *header;
    } DATA[] = { { 0, "00" }, { 1, "01" }, { 75, "4b" }, { 76, "4c4c" }, { 255, "4cff" },
                 { 256, "4d0001" }, { 65535, "4dffff" }, { 65536, "4e00000100" } };
    uint8_t *buf = mem_calloc(65536, 1);
    for (size_t i = 0; i < sizeof DATA / sizeof DATA[0]; i++) {
        struct wbuf w;
        wbuf_init(&w);
        script_push_data(&w, buf, DATA[i].n);
        size_t hl = strlen(DATA[i].header) / 2;
        ck_assert_uint_eq(w.len, hl + DATA[i].n);
        char *h = tohex(w.data, hl);
        ck_assert_str_eq(h, DATA[i].header);
        mem_free(h);
        wbuf_clear(&w);
    }
    mem_free(buf);
}
END_TEST

START_TEST(templates)
{
    size_t len;
    uint8_t *p2sh = unhex("a914000102030405060708090a0b0c0d0e0f1011121387", &len);
    ck_assert(script_is_p2sh(p2sh, len));
    ck_assert(!script_is_p2sh(p2sh, len - 1));
    p2sh[22] = OP_EQUALVERIFY;
    ck_assert(!script_is_p2sh(p2sh, len));
    mem_free(p2sh);

    uint8_t *push = unhex("00" "4f" "50" "51" "60" "02abcd" "4c0100", &len);
    ck_assert(script_is_push_only(push, len)); /* OP_RESERVED counts as a push, as in Core */
    ck_assert(script_is_push_only(push, 0));
    mem_free(push);
    uint8_t nop[2] = { OP_1, OP_NOP };
    ck_assert(!script_is_push_only(nop, 2));
    uint8_t trunc[2] = { 0x02, 0x00 };
    ck_assert(!script_is_push_only(trunc, 2));

    int version;
    const uint8_t *prog;
    size_t prog_len;
    uint8_t *wpkh = unhex("0014751e76e8199196d454941c45d1b3a323f1433bd6", &len);
    ck_assert(script_is_witness_program(wpkh, len, &version, &prog, &prog_len));
    ck_assert_int_eq(version, 0);
    ck_assert_uint_eq(prog_len, 20);
    ck_assert(prog == wpkh + 2);
    wpkh[0] = OP_16;
    ck_assert(script_is_witness_program(wpkh, len, &version, &prog, &prog_len));
    ck_assert_int_eq(version, 16);
    wpkh[0] = OP_1NEGATE;
    ck_assert(!script_is_witness_program(wpkh, len, &version, &prog, &prog_len));
    wpkh[0] = OP_0;
    wpkh[1] = 21; /* length byte disagrees */
    ck_assert(!script_is_witness_program(wpkh, len, &version, &prog, &prog_len));
    mem_free(wpkh);
    uint8_t shortp[3] = { OP_1, 1, 0 }; /* program of 1 byte: too short */
    ck_assert(!script_is_witness_program(shortp, 3, &version, &prog, &prog_len));
    uint8_t longp[43] = { OP_1, 41 }; /* 41-byte program: too long */
    ck_assert(!script_is_witness_program(longp, 43, &version, &prog, &prog_len));
    uint8_t maxp[42] = { OP_1, 40 };
    ck_assert(script_is_witness_program(maxp, 42, &version, &prog, &prog_len));

    uint8_t ret[2] = { OP_RETURN, OP_1 };
    ck_assert(script_is_unspendable(ret, 2));
    ck_assert(!script_is_unspendable(ret + 1, 1));
    ck_assert(!script_is_unspendable(ret, 0));
    uint8_t *big = mem_calloc(MAX_SCRIPT_SIZE + 1, 1);
    ck_assert(script_is_unspendable(big, MAX_SCRIPT_SIZE + 1));
    ck_assert(!script_is_unspendable(big, MAX_SCRIPT_SIZE));
    mem_free(big);
}
END_TEST

START_TEST(legacy_sigop_counts)
{
    size_t len;
    uint8_t *p2pkh = unhex("76a914000102030405060708090a0b0c0d0e0f1011121388ac", &len);
    ck_assert_uint_eq(script_sigop_count(p2pkh, len, false), 1);
    mem_free(p2pkh);
    /* 2 <k1> <k2> <k3> 3 CHECKMULTISIG, keys abbreviated to 1 byte */
    uint8_t *ms = unhex("52" "0101" "0102" "0103" "53" "ae", &len);
    ck_assert_uint_eq(script_sigop_count(ms, len, false), 20);
    ck_assert_uint_eq(script_sigop_count(ms, len, true), 3);
    mem_free(ms);
    /* CHECKMULTISIGVERIFY after a data push, CHECKSIGVERIFY, and a truncated tail that stops counting */
    uint8_t *mix = unhex("0103" "af" "ad" "ac" "4c05ac", &len);
    ck_assert_uint_eq(script_sigop_count(mix, len, true), 22);
    mem_free(mix);
}
END_TEST

START_TEST(p2sh_and_witness_sigop_counts)
{
    size_t spk_len, sig_len;
    /* redeem script: 1 <k1> <k2> 2 CHECKMULTISIG (6 bytes) */
    uint8_t *p2sh = unhex("a914000102030405060708090a0b0c0d0e0f1011121387", &spk_len);
    uint8_t *sig = unhex("0007510101010252ae", &sig_len);
    ck_assert_uint_eq(script_p2sh_sigop_count(p2sh, spk_len, sig, sig_len), 2);
    /* not push-only: 0 */
    uint8_t nonpush[] = { 0x01, 0xac, OP_NOP };
    ck_assert_uint_eq(script_p2sh_sigop_count(p2sh, spk_len, nonpush, sizeof nonpush), 0);
    /* not P2SH: 0 */
    ck_assert_uint_eq(script_p2sh_sigop_count(sig, sig_len, sig, sig_len), 0);
    /* last push is OP_n: empty redeem script */
    uint8_t opn[] = { 0x01, 0xac, OP_2 };
    ck_assert_uint_eq(script_p2sh_sigop_count(p2sh, spk_len, opn, sizeof opn), 0);

    uint32_t flags = SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;
    size_t wpkh_len;
    uint8_t *wpkh = unhex("0014751e76e8199196d454941c45d1b3a323f1433bd6", &wpkh_len);
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, wpkh, wpkh_len, NULL, flags), 1);
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, wpkh, wpkh_len, NULL, SCRIPT_VERIFY_P2SH), 0);

    /* P2WSH: the witness script's accurate count */
    uint8_t wsh[34] = { OP_0, 32 };
    struct bytes items[2];
    uint8_t ws[] = { OP_2, 0x01, 1, 0x01, 2, 0x01, 3, OP_3, OP_CHECKMULTISIG, OP_CHECKSIG };
    items[0].data = NULL;
    items[0].len = 0;
    items[1].data = ws;
    items[1].len = sizeof ws;
    struct witness w = { items, 2 };
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, wsh, sizeof wsh, &w, flags), 4);
    struct witness empty = { NULL, 0 };
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, wsh, sizeof wsh, &empty, flags), 0);

    /* P2SH-wrapped P2WPKH: the scriptSig pushes the witness program */
    uint8_t wrapped[23];
    wrapped[0] = 22;
    memcpy(wrapped + 1, wpkh, 22);
    ck_assert_uint_eq(script_witness_sigop_count(wrapped, sizeof wrapped, p2sh, spk_len, NULL, flags), 1);
    /* taproot and unknown versions: 0 */
    uint8_t tr[34] = { OP_1, 32 };
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, tr, sizeof tr, &w, flags), 0);

    /* TOKENS: a prefixed P2WPKH still counts (only with the flag) */
    uint8_t tok[36 + 22];
    tok[0] = 0xef;
    tok[1] = 0x01; /* TOKEN */
    memset(tok + 2, 0x11, 32);
    tok[34] = 0x05; /* amount 5 */
    memcpy(tok + 35, wpkh, 22);
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, tok, 35 + 22, NULL, flags | SCRIPT_VERIFY_TOKENS), 1);
    ck_assert_uint_eq(script_witness_sigop_count(NULL, 0, tok, 35 + 22, NULL, flags), 0);
    mem_free(wpkh);
    mem_free(p2sh);
    mem_free(sig);
}
END_TEST

static void assert_asm(const char *hex, bool decode, const char *expected)
{
    size_t len;
    uint8_t *s = unhex(hex, &len);
    char *a = script_to_asm(s, len, decode);
    ck_assert_msg(strcmp(a, expected) == 0, "%s: got '%s' want '%s'", hex, a, expected);
    mem_free(a);
    mem_free(s);
}

/* A DER signature (from Bitcoin block 170) without its sighash byte. */
#define SIG170                                                                                                       \
    "304402204e45e16932b8af514961a1d3a1a25fdf3f4f7732e9d624c6c61548ab5fb8cd410220181522ec8eca07de4860a4acdd1290" \
    "9d831cc56cbbac4622082221a8768d1d09"

START_TEST(asm_numbers_and_signatures)
{
    assert_asm("76a914000102030405060708090a0b0c0d0e0f1011121388ac", false,
               "OP_DUP OP_HASH160 000102030405060708090a0b0c0d0e0f10111213 OP_EQUALVERIFY OP_CHECKSIG");
    assert_asm("", false, "");
    assert_asm("004f51600101018102e803", false, "0 -1 1 16 1 -1 1000");
    assert_asm("04ffffffff", false, "-2147483647");
    assert_asm("0500000000ff", false, "00000000ff");
    assert_asm("4c0107", false, "7");
    assert_asm("ab4c", false, "OP_CODESEPARATOR [error]");
    assert_asm("bbff", false, "OP_UNKNOWN OP_INVALIDOPCODE");
    assert_asm("b1b2", false, "OP_CHECKLOCKTIMEVERIFY OP_CHECKSEQUENCEVERIFY");
    /* a scriptSig: signature with SIGHASH_ALL, then ALL|ANYONECANPAY, then an undefined type */
    assert_asm("47" SIG170 "01", true, SIG170 "[ALL]");
    assert_asm("47" SIG170 "81", true, SIG170 "[ALL|ANYONECANPAY]");
    assert_asm("47" SIG170 "83", true, SIG170 "[SINGLE|ANYONECANPAY]");
    assert_asm("47" SIG170 "02", true, SIG170 "[NONE]");
    assert_asm("47" SIG170 "04", true, SIG170 "04");
    assert_asm("47" SIG170 "01", false, SIG170 "01");
    /* OP_RETURN data is never decoded */
    assert_asm("6a47" SIG170 "01", true, "OP_RETURN " SIG170 "01");
}
END_TEST

START_TEST(signature_encoding_rules)
{
    size_t len;
    uint8_t *sig = unhex(SIG170 "01", &len);
    ck_assert(script_sig_der_is_valid(sig, len));
    ck_assert(script_sig_hashtype_is_defined(sig, len));
    sig[len - 1] = 0x84;
    ck_assert(!script_sig_hashtype_is_defined(sig, len));
    sig[len - 1] = 0x00;
    ck_assert(!script_sig_hashtype_is_defined(sig, len));
    ck_assert(!script_sig_hashtype_is_defined(sig, 0));
    ck_assert(script_sig_der_is_valid(sig, len)); /* DER ignores the hash type */
    sig[1]++; /* wrong total length */
    ck_assert(!script_sig_der_is_valid(sig, len));
    sig[1]--;
    sig[4] = 0x80; /* negative R */
    ck_assert(!script_sig_der_is_valid(sig, len));
    mem_free(sig);
    /* shortest valid: 30 06 02 01 01 02 01 01 + hashtype */
    uint8_t tiny[] = { 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01 };
    ck_assert(script_sig_der_is_valid(tiny, sizeof tiny));
    ck_assert(!script_sig_der_is_valid(tiny, sizeof tiny - 1));
    /* padded R (00 01): not minimal */
    uint8_t padded[] = { 0x30, 0x07, 0x02, 0x02, 0x00, 0x01, 0x02, 0x01, 0x01, 0x01 };
    ck_assert(!script_sig_der_is_valid(padded, sizeof padded));
    /* 00 80 is a needed pad */
    uint8_t pad_ok[] = { 0x30, 0x07, 0x02, 0x02, 0x00, 0x80, 0x02, 0x01, 0x01, 0x01 };
    ck_assert(script_sig_der_is_valid(pad_ok, sizeof pad_ok));
}
END_TEST

START_TEST(op_success_set)
{
    static const unsigned SUCCESS[] = { 80, 98, 126, 129, 131, 134, 137, 138, 141, 142, 149, 153, 187, 254 };
    static const unsigned NOT[] = { 0, 79, 81, 97, 99, 125, 130, 135, 136, 139, 140, 143, 148, 154, 186, 255 };
    for (size_t i = 0; i < sizeof SUCCESS / sizeof SUCCESS[0]; i++)
        ck_assert_msg(script_is_op_success(SUCCESS[i]), "%u", SUCCESS[i]);
    for (size_t i = 0; i < sizeof NOT / sizeof NOT[0]; i++)
        ck_assert_msg(!script_is_op_success(NOT[i]), "%u", NOT[i]);
}
END_TEST

static Suite *script_suite(void)
{
    Suite *s = suite_create("script");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, get_op_reads_pushes_and_opcodes);
    tcase_add_test(tc, get_op_rejects_truncated_pushes);
    tcase_add_test(tc, op_names_match_core);
    tcase_add_test(tc, script_numbers_round_trip);
    tcase_add_test(tc, script_numbers_minimal_and_size_rules);
    tcase_add_test(tc, push_int_and_data_use_smallest_form);
    tcase_add_test(tc, templates);
    tcase_add_test(tc, legacy_sigop_counts);
    tcase_add_test(tc, p2sh_and_witness_sigop_counts);
    tcase_add_test(tc, asm_numbers_and_signatures);
    tcase_add_test(tc, signature_encoding_rules);
    tcase_add_test(tc, op_success_set);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(script_suite)
