#include "consensus/interpreter.h"

#include <stdio.h>
#include <string.h>

#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "qa/unit/unit.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"
#include "src/util/wbuf.h"

/* ---- a tiny assembler for test scripts ------------------------------------
 * Tokens separated by spaces: a decimal number is pushed as CScript << n
 * does, <hex> pushes the bytes, 0x<hex> inserts raw bytes, anything else is
 * an opcode name with or without "OP_". */

static void asm_token(struct wbuf *w, const char *t, size_t n)
{
    char buf[1200];
    ck_assert(n < sizeof buf);
    memcpy(buf, t, n);
    buf[n] = 0;
    if (buf[0] == '<') {
        ck_assert(buf[n - 1] == '>');
        buf[n - 1] = 0;
        size_t len;
        uint8_t *p = hex_decode_alloc(buf + 1, &len);
        ck_assert_msg(p != NULL, "bad hex %s", buf);
        script_push_data(w, p, len);
        mem_free(p);
        return;
    }
    if (buf[0] == '0' && buf[1] == 'x') {
        size_t len;
        uint8_t *p = hex_decode_alloc(buf + 2, &len);
        ck_assert_msg(p != NULL, "bad hex %s", buf);
        wbuf_put(w, p, len);
        mem_free(p);
        return;
    }
    char *num_end;
    long long v = strtoll(buf, &num_end, 10);
    if (num_end != buf && *num_end == 0) {
        script_push_int(w, v);
        return;
    }
    for (unsigned op = 0; op < 256; op++) {
        const char *name = script_op_name((enum opcode)op);
        if (strcmp(name, buf) == 0 || (strncmp(name, "OP_", 3) == 0 && strcmp(name + 3, buf) == 0)) {
            wbuf_u8(w, (uint8_t)op);
            return;
        }
    }
    /* names Core also accepts */
    if (strcmp(buf, "NOP2") == 0)
        wbuf_u8(w, OP_NOP2);
    else if (strcmp(buf, "NOP3") == 0)
        wbuf_u8(w, OP_NOP3);
    else
        ck_abort_msg("unknown opcode %s", buf);
}

static void assemble(struct wbuf *w, const char *s)
{
    wbuf_init(w);
    while (*s) {
        while (*s == ' ')
            s++;
        const char *e = s;
        while (*e && *e != ' ')
            e++;
        if (e > s)
            asm_token(w, s, (size_t)(e - s));
        s = e;
    }
}

/* ---- a recording checker -------------------------------------------------- */

struct test_checker {
    int ecdsa_calls;
    bool ecdsa_result;
    int accept_pub_byte; /* if >= 0: accept only pubkeys whose second byte equals it */
    uint8_t code[12000];
    size_t code_len;
    uint8_t sig[80];
    size_t sig_len;
    enum sig_version ecdsa_sv;

    int schnorr_calls;
    bool schnorr_result;
    enum script_error schnorr_err;
    uint8_t schnorr_pub[32];
    size_t schnorr_sig_len;
    enum sig_version schnorr_sv;
    struct script_exec_data exec;

    int lock_calls;
    int64_t locktime;
    int seq_calls;
    int64_t sequence;
    bool lock_result;
};

static struct test_checker TC;

static bool tc_ecdsa(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey, size_t pubkey_len,
                     const uint8_t *script_code, size_t script_code_len, enum sig_version sigversion)
{
    struct test_checker *t = ctx;
    t->ecdsa_calls++;
    ck_assert(sig_len > 0);
    ck_assert(script_code_len <= sizeof t->code);
    memcpy(t->code, script_code, script_code_len);
    t->code_len = script_code_len;
    if (sig_len <= sizeof t->sig)
        memcpy(t->sig, sig, sig_len);
    t->sig_len = sig_len;
    t->ecdsa_sv = sigversion;
    if (t->accept_pub_byte >= 0)
        return pubkey_len > 1 && pubkey[1] == t->accept_pub_byte;
    return t->ecdsa_result;
}

static bool tc_schnorr(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t pubkey[32],
                       enum sig_version sigversion, const struct script_exec_data *execdata, enum script_error *err)
{
    struct test_checker *t = ctx;
    (void)sig;
    t->schnorr_calls++;
    memcpy(t->schnorr_pub, pubkey, 32);
    t->schnorr_sig_len = sig_len;
    t->schnorr_sv = sigversion;
    t->exec = *execdata;
    if (!t->schnorr_result)
        *err = t->schnorr_err;
    return t->schnorr_result;
}

static bool tc_locktime(void *ctx, int64_t v)
{
    struct test_checker *t = ctx;
    t->lock_calls++;
    t->locktime = v;
    return t->lock_result;
}

static bool tc_sequence(void *ctx, int64_t v)
{
    struct test_checker *t = ctx;
    t->seq_calls++;
    t->sequence = v;
    return t->lock_result;
}

static const struct sig_checker CHECKER = { &TC, tc_ecdsa, tc_schnorr, tc_locktime, tc_sequence };

static void reset(void)
{
    memset(&TC, 0, sizeof TC);
    TC.ecdsa_result = true;
    TC.accept_pub_byte = -1;
    TC.schnorr_result = true;
    TC.schnorr_err = SCRIPT_ERR_SCHNORR_SIG;
    TC.lock_result = true;
}

/* A witness built from hex strings (NULL-terminated list). */
struct test_witness {
    struct witness w;
    struct bytes *items; /* room for the listed items plus 3 */
};

static void witness_set(struct test_witness *tw, const char *const *hex)
{
    size_t n = 0;
    while (hex && hex[n])
        n++;
    tw->items = mem_calloc(n + 3, sizeof *tw->items);
    tw->w.items = tw->items;
    tw->w.count = 0;
    for (; hex && *hex; hex++) {
        size_t len;
        uint8_t *p = hex_decode_alloc(*hex, &len);
        ck_assert(p != NULL);
        tw->items[tw->w.count].data = p;
        tw->items[tw->w.count].len = len;
        tw->w.count++;
    }
}

static void witness_clear(struct test_witness *tw)
{
    for (size_t i = 0; i < tw->w.count; i++)
        mem_free(tw->items[i].data);
    tw->w.count = 0;
    mem_free(tw->items);
    tw->items = NULL;
}

/* Runs raw scripts; returns the error (SCRIPT_ERR_OK on success) and checks
 * that the boolean result agrees. */
static enum script_error run_raw(const uint8_t *sig, size_t sig_len, const uint8_t *spk, size_t spk_len,
                                 const struct witness *w, uint32_t flags)
{
    enum script_error err = SCRIPT_ERR_UNKNOWN_ERROR;
    bool ok = script_verify(sig, sig_len, spk, spk_len, w, flags, &CHECKER, &err);
    ck_assert(ok == (err == SCRIPT_ERR_OK));
    return err;
}

static enum script_error run_w(const char *sig_asm, const char *spk_asm, const char *const *witness, uint32_t flags)
{
    struct wbuf sig, spk;
    assemble(&sig, sig_asm);
    assemble(&spk, spk_asm);
    struct test_witness tw;
    witness_set(&tw, witness);
    enum script_error err = run_raw(sig.data, sig.len, spk.data, spk.len, &tw.w, flags);
    witness_clear(&tw);
    wbuf_clear(&sig);
    wbuf_clear(&spk);
    return err;
}

static enum script_error run(const char *sig_asm, const char *spk_asm, uint32_t flags)
{
    return run_w(sig_asm, spk_asm, NULL, flags);
}

#define EXPECT(e, call)                                                                                           \
    do {                                                                                                          \
        enum script_error got_ = (call);                                                                          \
        ck_assert_msg(got_ == (e), "%s: got %s want %s", #call, script_error_name(got_), script_error_name(e));   \
    } while (0)

#define P2SH_ SCRIPT_VERIFY_P2SH
#define WIT_ (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)
#define TR_ (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT)

/* Canonical shapes: a minimal DER signature (R = S = 1) and keys of each form. */
#define SIG_ALL "30060201010201010" "1"
#define PUB_C "02" "1111111111111111111111111111111111111111111111111111111111111111"
#define PUB_U "04" "1111111111111111111111111111111111111111111111111111111111111111" \
              "2222222222222222222222222222222222222222222222222222222222222222"
#define PUB_HYBRID "06" "1111111111111111111111111111111111111111111111111111111111111111" \
                   "2222222222222222222222222222222222222222222222222222222222222222"

/* ---- tests ------------------------------------------------------------------ */

START_TEST(basic_evaluation)
{
    reset();
    EXPECT(SCRIPT_ERR_OK, run("1 1", "ADD 2 EQUAL", 0));
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run("", "0", 0));
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run("", "", 0));
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run("1", "0x0180", 0)); /* negative zero is false */
    EXPECT(SCRIPT_ERR_OK, run("1", "", 0));
    EXPECT(SCRIPT_ERR_OP_RETURN, run("1", "RETURN", 0));
    EXPECT(SCRIPT_ERR_OK, run("1", "0 IF RETURN ENDIF", 0));
    EXPECT(SCRIPT_ERR_VERIFY, run("0", "VERIFY 1", 0));
    EXPECT(SCRIPT_ERR_EQUALVERIFY, run("1 2", "EQUALVERIFY 1", 0));
    EXPECT(SCRIPT_ERR_NUMEQUALVERIFY, run("1 2", "NUMEQUALVERIFY 1", 0));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("", "DROP 1", 0));
    EXPECT(SCRIPT_ERR_INVALID_ALTSTACK_OPERATION, run("1", "FROMALTSTACK", 0));
    EXPECT(SCRIPT_ERR_OK, run("5", "TOALTSTACK 7 FROMALTSTACK 5 EQUALVERIFY 7 EQUAL", 0));
    /* the scriptSig's stack carries into the scriptPubKey */
    EXPECT(SCRIPT_ERR_OK, run("1 2 3", "DEPTH 3 EQUALVERIFY 2DROP", 0));
}
END_TEST

START_TEST(stack_operations)
{
    reset();
    EXPECT(SCRIPT_ERR_OK, run("1 2 3", "ROT 1 EQUALVERIFY 3 EQUALVERIFY 2 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("1 2", "TUCK 2 EQUALVERIFY 1 EQUALVERIFY 2 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("1 2 3 4 5 6", "2ROT 2 EQUALVERIFY 1 EQUALVERIFY 6 EQUALVERIFY 5 EQUALVERIFY 4 "
                                             "EQUALVERIFY 3 EQUAL",
                              0));
    EXPECT(SCRIPT_ERR_OK, run("1 2 3 4", "2SWAP 2 EQUALVERIFY 1 EQUALVERIFY 4 EQUALVERIFY 3 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("7 8 9", "2 PICK 7 EQUALVERIFY DEPTH 3 EQUALVERIFY 2DROP", 0));
    EXPECT(SCRIPT_ERR_OK, run("7 8 9", "2 ROLL 7 EQUALVERIFY DEPTH 2 EQUALVERIFY 9 EQUALVERIFY 8 EQUAL", 0));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("7 8", "2 PICK", 0));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("7 8", "-1 PICK", 0));
    EXPECT(SCRIPT_ERR_OK, run("1 2", "NIP 2 EQUALVERIFY DEPTH 0 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("1 2 3", "3DUP DEPTH 6 EQUALVERIFY 2OVER 1 EQUALVERIFY 3 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "IFDUP DEPTH 1 EQUALVERIFY 1 IFDUP DEPTH 3 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("<0102030405>", "SIZE 5 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "NOT 1 EQUALVERIFY 5 NEGATE -5 EQUALVERIFY -5 ABS 5 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("3 7", "2DUP MIN 3 EQUALVERIFY MAX 7 EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("5 0 10", "WITHIN 10 0 10 WITHIN NOT BOOLAND", 0));
    /* results beyond 4 bytes may be produced, not consumed */
    EXPECT(SCRIPT_ERR_OK, run("2147483647", "DUP ADD SIZE 5 EQUALVERIFY DROP 1", 0));
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run("2147483647", "DUP ADD 1ADD", 0));
}
END_TEST

START_TEST(hash_opcodes)
{
    reset();
    EXPECT(SCRIPT_ERR_OK, run("0", "SHA1 <da39a3ee5e6b4b0d3255bfef95601890afd80709> EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("<616263>", "SHA1 <a9993e364706816aba3e25717850c26c9cd0d89d> EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "RIPEMD160 <9c1185a5c5e9fc54612808977ee8f548b2258d31> EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "SHA256 <e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855> EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "HASH160 <b472a266d0bd89c13706a4132ccfb16f7c3b9fcb> EQUAL", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "HASH256 <5df6e0e2761359d30a8275058e299fcc0381534545f55cf43e41983f5d4c9456> EQUAL", 0));
    /* SHA-1 across the 55/56/64-byte padding boundaries matches a second route (HASH of halves differs) */
    char big[200] = "<";
    for (int i = 0; i < 56; i++)
        strcat(big, "61");
    strcat(big, ">");
    /* sha1("a" * 56) */
    char script[120];
    snprintf(script, sizeof script, "SHA1 <%s> EQUAL", "c2db330f6083854c99d4b5bfb6e8f29f201be699");
    EXPECT(SCRIPT_ERR_OK, run(big, script, 0));
}
END_TEST

START_TEST(disabled_and_bad_opcodes)
{
    reset();
    static const char *const DISABLED[] = { "CAT", "SUBSTR", "LEFT", "RIGHT", "INVERT", "AND", "OR", "XOR",
                                            "2MUL", "2DIV", "MUL", "DIV", "MOD", "LSHIFT", "RSHIFT" };
    for (size_t i = 0; i < sizeof DISABLED / sizeof DISABLED[0]; i++) {
        char spk[64];
        snprintf(spk, sizeof spk, "0 IF %s ENDIF 1", DISABLED[i]);
        EXPECT(SCRIPT_ERR_DISABLED_OPCODE, run("1", spk, 0));
    }
    /* VERIF/VERNOTIF fail even unexecuted (they are in the IF..ENDIF range); VER only when run */
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "0 IF VERIF ENDIF 1", 0));
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "0 IF VERNOTIF ENDIF 1", 0));
    EXPECT(SCRIPT_ERR_OK, run("1", "0 IF VER RESERVED 0xba 0xff ENDIF 1", 0));
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "VER", 0));
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "RESERVED", 0));
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1 1 1", "CHECKSIGADD", 0)); /* tapscript only */
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "0xbb", 0));
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run("1", "0x4c", 0)); /* truncated push */
}
END_TEST

START_TEST(conditionals)
{
    reset();
    EXPECT(SCRIPT_ERR_OK, run("1", "IF 1 ELSE 0 ENDIF", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "IF 0 ELSE 1 ENDIF", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "NOTIF 1 ELSE 0 ENDIF", 0));
    EXPECT(SCRIPT_ERR_OK, run("1 0", "IF 0 ELSE IF 1 ELSE 0 ENDIF ENDIF", 0));
    /* ELSE toggles repeatedly */
    EXPECT(SCRIPT_ERR_OK, run("1", "IF 0 ELSE 0 ELSE 1 ENDIF", 0));
    EXPECT(SCRIPT_ERR_OK, run("0", "IF 0 IF 0 ELSE 0 ENDIF ELSE 1 ENDIF", 0));
    EXPECT(SCRIPT_ERR_UNBALANCED_CONDITIONAL, run("1", "IF 1", 0));
    EXPECT(SCRIPT_ERR_UNBALANCED_CONDITIONAL, run("1", "ENDIF", 0));
    EXPECT(SCRIPT_ERR_UNBALANCED_CONDITIONAL, run("1", "ELSE 1 ENDIF", 0));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("", "IF 1 ENDIF", 0));
    /* conditionals do not span scriptSig and scriptPubKey */
    EXPECT(SCRIPT_ERR_UNBALANCED_CONDITIONAL, run("1 IF", "1 ENDIF", 0));
    /* MINIMALIF only applies to witness v0 (tested below); legacy accepts 2 */
    EXPECT(SCRIPT_ERR_OK, run("2", "IF 1 ELSE 0 ENDIF", SCRIPT_VERIFY_MINIMALIF));
}
END_TEST

START_TEST(minimal_data_and_numbers)
{
    reset();
    uint32_t md = SCRIPT_VERIFY_MINIMALDATA;
    EXPECT(SCRIPT_ERR_OK, run("0x4c0101", "DROP 1", 0));
    EXPECT(SCRIPT_ERR_MINIMALDATA, run("0x4c0101", "DROP 1", md));
    EXPECT(SCRIPT_ERR_MINIMALDATA, run("0x0101", "DROP 1", md)); /* should be OP_1 */
    EXPECT(SCRIPT_ERR_MINIMALDATA, run("0x0181", "DROP 1", md)); /* should be OP_1NEGATE */
    EXPECT(SCRIPT_ERR_MINIMALDATA, run("0x4c00", "DROP 1", md)); /* should be OP_0 */
    EXPECT(SCRIPT_ERR_OK, run("0x0100", "DROP 1", md)); /* the byte 0x00 has no shorter push */
    /* unexecuted pushes are not checked */
    EXPECT(SCRIPT_ERR_OK, run("1", "0 IF 0x4c0101 ENDIF", md));
    /* non-minimal numbers: SCRIPTNUM under MINIMALDATA */
    EXPECT(SCRIPT_ERR_OK, run("0x020100", "1ADD 2 EQUAL", 0));
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run("0x020100", "1ADD 2 EQUAL", md));
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run("0x050000000001", "1ADD", 0));
    EXPECT(SCRIPT_ERR_OK, run("0x0400000080", "0 NUMEQUAL", 0)); /* negative zero is 0 */
}
END_TEST

START_TEST(limits)
{
    reset();
    struct wbuf s;
    wbuf_init(&s);
    /* 201 non-push opcodes pass, 202 fail; pushes and OP_n do not count */
    for (int i = 0; i < 201; i++)
        wbuf_u8(&s, OP_NOP);
    for (int i = 0; i < 300; i++)
        wbuf_u8(&s, OP_1);
    uint8_t one = OP_1;
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_u8(&s, OP_NOP);
    EXPECT(SCRIPT_ERR_OP_COUNT, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    /* unexecuted opcodes count too */
    wbuf_init(&s);
    wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_IF);
    for (int i = 0; i < 199; i++)
        wbuf_u8(&s, OP_NOP);
    wbuf_u8(&s, OP_ENDIF);
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, s.data, s.len, NULL, 0));
    s.data[s.len - 1] = OP_NOP;
    wbuf_u8(&s, OP_ENDIF);
    EXPECT(SCRIPT_ERR_OP_COUNT, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    /* CHECKMULTISIG adds its key count */
    wbuf_init(&s);
    for (int i = 0; i < 180; i++)
        wbuf_u8(&s, OP_NOP);
    wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_1);
    wbuf_u8(&s, OP_CHECKMULTISIG); /* 180 + 1 + 1 key = 182 */
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    wbuf_init(&s);
    for (int i = 0; i < 181; i++)
        wbuf_u8(&s, OP_NOP);
    wbuf_u8(&s, OP_0);
    script_push_int(&s, 0);
    script_push_int(&s, 20);
    wbuf_u8(&s, OP_CHECKMULTISIG); /* 182 + 20 = 202, checked before the stack depth */
    EXPECT(SCRIPT_ERR_OP_COUNT, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);

    /* stack: 1000 elements pass, 1001 fail; the altstack counts too */
    wbuf_init(&s);
    for (int i = 0; i < 999; i++)
        wbuf_u8(&s, OP_1);
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_u8(&s, OP_1);
    EXPECT(SCRIPT_ERR_STACK_SIZE, run_raw(&one, 1, s.data, s.len, NULL, 0));
    s.data[999] = OP_TOALTSTACK;
    wbuf_u8(&s, OP_1);
    EXPECT(SCRIPT_ERR_STACK_SIZE, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);

    /* push size and script size */
    uint8_t *big = mem_calloc(MAX_SCRIPT_SIZE + 1, 1);
    wbuf_init(&s);
    script_push_data(&s, big, 520);
    wbuf_u8(&s, OP_DROP);
    wbuf_u8(&s, OP_1);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    wbuf_init(&s);
    wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_IF);
    script_push_data(&s, big, 521); /* even unexecuted */
    wbuf_u8(&s, OP_ENDIF);
    EXPECT(SCRIPT_ERR_PUSH_SIZE, run_raw(&one, 1, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    /* exactly 10000 bytes: 19 x (520-byte push, DROP), 43 x OP_0, OP_1 */
    wbuf_init(&s);
    for (int i = 0; i < 19; i++) {
        script_push_data(&s, big, 520);
        wbuf_u8(&s, OP_DROP);
    }
    for (int i = 0; i < 43; i++)
        wbuf_u8(&s, OP_0);
    wbuf_u8(&s, OP_1);
    ck_assert_uint_eq(s.len, MAX_SCRIPT_SIZE);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, s.data, s.len, NULL, 0));
    s.data[s.len - 1] = OP_0;
    wbuf_u8(&s, OP_1);
    EXPECT(SCRIPT_ERR_SCRIPT_SIZE, run_raw(NULL, 0, s.data, s.len, NULL, 0));
    wbuf_clear(&s);
    mem_free(big);
}
END_TEST

START_TEST(checksig_legacy_script_code)
{
    reset();
    struct wbuf spk;
    assemble(&spk, "<" PUB_C "> CHECKSIG");
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" PUB_C "> CHECKSIG", 0));
    ck_assert_int_eq(TC.ecdsa_calls, 1);
    ck_assert_int_eq(TC.ecdsa_sv, SIGVERSION_BASE);
    ck_assert_uint_eq(TC.code_len, spk.len);
    ck_assert(memcmp(TC.code, spk.data, spk.len) == 0);
    ck_assert_uint_eq(TC.sig_len, 9);
    wbuf_clear(&spk);

    /* the scriptCode starts after the last executed OP_CODESEPARATOR */
    reset();
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "NOP CODESEPARATOR <" PUB_C "> CHECKSIG", 0));
    ck_assert_uint_eq(TC.code_len, 35);
    ck_assert_uint_eq(TC.code[0], 33);
    reset();
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "0 IF CODESEPARATOR ENDIF <" PUB_C "> CHECKSIG", 0));
    ck_assert_uint_eq(TC.code_len, 4 + 35);

    /* FindAndDelete: the signature's push is removed from legacy scriptCode */
    reset();
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" SIG_ALL "> DROP <" PUB_C "> CHECKSIG", 0));
    ck_assert_uint_eq(TC.code_len, 1 + 35);
    ck_assert_uint_eq(TC.code[0], OP_DROP);
    EXPECT(SCRIPT_ERR_SIG_FINDANDDELETE,
           run("<" SIG_ALL ">", "<" SIG_ALL "> DROP <" PUB_C "> CHECKSIG", SCRIPT_VERIFY_CONST_SCRIPTCODE));
    /* a match inside another push's data is not at an operation boundary */
    reset();
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<00" "09" SIG_ALL "> DROP <" PUB_C "> CHECKSIG", 0));
    ck_assert_uint_eq(TC.code_len, 12 + 1 + 35);
    /* an empty signature: no call, FindAndDelete of OP_0 still matters under CONST_SCRIPTCODE */
    reset();
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run("0", "<" PUB_C "> CHECKSIG", 0));
    ck_assert_int_eq(TC.ecdsa_calls, 0);
    EXPECT(SCRIPT_ERR_SIG_FINDANDDELETE, run("0", "0 DROP <" PUB_C "> CHECKSIG", SCRIPT_VERIFY_CONST_SCRIPTCODE));
    EXPECT(SCRIPT_ERR_OP_CODESEPARATOR,
           run("<" SIG_ALL ">", "0 IF CODESEPARATOR ENDIF <" PUB_C "> CHECKSIG", SCRIPT_VERIFY_CONST_SCRIPTCODE));

    /* failing signatures: false result, CHECKSIGVERIFY error, NULLFAIL */
    reset();
    TC.ecdsa_result = false;
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" PUB_C "> CHECKSIG NOT", 0));
    EXPECT(SCRIPT_ERR_CHECKSIGVERIFY, run("<" SIG_ALL ">", "<" PUB_C "> CHECKSIGVERIFY 1", 0));
    EXPECT(SCRIPT_ERR_SIG_NULLFAIL, run("<" SIG_ALL ">", "<" PUB_C "> CHECKSIG NOT", SCRIPT_VERIFY_NULLFAIL));
    EXPECT(SCRIPT_ERR_OK, run("0", "<" PUB_C "> CHECKSIG NOT", SCRIPT_VERIFY_NULLFAIL));
}
END_TEST

START_TEST(signature_and_key_encoding)
{
    reset();
    uint32_t se = SCRIPT_VERIFY_STRICTENC;
    /* not DER: consensus passes it to the checker, DERSIG/STRICTENC/LOW_S refuse it */
    EXPECT(SCRIPT_ERR_OK, run("<300702010102010201>", "<" PUB_C "> CHECKSIG", 0));
    EXPECT(SCRIPT_ERR_SIG_DER, run("<300702010102010201>", "<" PUB_C "> CHECKSIG", SCRIPT_VERIFY_DERSIG));
    EXPECT(SCRIPT_ERR_SIG_DER, run("<300702010102010201>", "<" PUB_C "> CHECKSIG", SCRIPT_VERIFY_LOW_S));
    EXPECT(SCRIPT_ERR_SIG_DER, run("<300702010102010201>", "<" PUB_C "> CHECKSIG", se));
    /* undefined hash type */
    EXPECT(SCRIPT_ERR_OK, run("<30060201010201010" "4>", "<" PUB_C "> CHECKSIG", SCRIPT_VERIFY_DERSIG));
    EXPECT(SCRIPT_ERR_SIG_HASHTYPE, run("<30060201010201010" "4>", "<" PUB_C "> CHECKSIG", se));
    EXPECT(SCRIPT_ERR_OK, run("<30060201010201018" "3>", "<" PUB_C "> CHECKSIG", se));
    /* high S = n - 1 */
    const char *high =
        "<3026020101022100fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd036414001>";
    char sig[200];
    snprintf(sig, sizeof sig, "%s", high);
    EXPECT(SCRIPT_ERR_OK, run(sig, "<" PUB_C "> CHECKSIG", se));
    EXPECT(SCRIPT_ERR_SIG_HIGH_S, run(sig, "<" PUB_C "> CHECKSIG", SCRIPT_VERIFY_LOW_S));
    /* keys */
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" PUB_U "> CHECKSIG", se));
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" PUB_HYBRID "> CHECKSIG", 0));
    EXPECT(SCRIPT_ERR_PUBKEYTYPE, run("<" SIG_ALL ">", "<" PUB_HYBRID "> CHECKSIG", se));
    EXPECT(SCRIPT_ERR_PUBKEYTYPE, run("<" SIG_ALL ">", "<02> CHECKSIG", se));
    /* signature errors precede key errors; an empty signature skips signature rules */
    EXPECT(SCRIPT_ERR_SIG_DER, run("<300702010102010201>", "<" PUB_HYBRID "> CHECKSIG", se));
    EXPECT(SCRIPT_ERR_PUBKEYTYPE, run("0", "<" PUB_HYBRID "> CHECKSIG NOT", se));
    /* WITNESS_PUBKEYTYPE is for witness v0 only */
    EXPECT(SCRIPT_ERR_OK, run("<" SIG_ALL ">", "<" PUB_U "> CHECKSIG", SCRIPT_VERIFY_WITNESS_PUBKEYTYPE));
}
END_TEST

START_TEST(checkmultisig)
{
    reset();
    /* 1-of-2: keys are tried from the top of the stack, the last pushed first */
    TC.accept_pub_byte = 0x33;
    const char *spk = "1 <02" "2222222222222222222222222222222222222222222222222222222222222222> <02"
                      "3333333333333333333333333333333333333333333333333333333333333333> 2 CHECKMULTISIG";
    EXPECT(SCRIPT_ERR_OK, run("0 <" SIG_ALL ">", spk, 0));
    ck_assert_int_eq(TC.ecdsa_calls, 1);
    reset();
    TC.accept_pub_byte = 0x22;
    EXPECT(SCRIPT_ERR_OK, run("0 <" SIG_ALL ">", spk, 0));
    ck_assert_int_eq(TC.ecdsa_calls, 2);
    /* keys are tried in order: 2-of-2 with the signatures swapped fails */
    reset();
    TC.ecdsa_result = false;
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run("0 <" SIG_ALL ">", spk, 0));
    EXPECT(SCRIPT_ERR_SIG_NULLFAIL, run("0 <" SIG_ALL ">", spk, SCRIPT_VERIFY_NULLFAIL));
    EXPECT(SCRIPT_ERR_CHECKMULTISIGVERIFY,
           run("0 <" SIG_ALL ">", "1 <" PUB_C "> 1 CHECKMULTISIGVERIFY 1", 0));
    /* the dummy */
    reset();
    EXPECT(SCRIPT_ERR_OK, run("1 <" SIG_ALL ">", spk, 0));
    EXPECT(SCRIPT_ERR_SIG_NULLDUMMY, run("1 <" SIG_ALL ">", spk, SCRIPT_VERIFY_NULLDUMMY));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("<" SIG_ALL ">", spk, 0));
    /* counts */
    EXPECT(SCRIPT_ERR_OK, run("0", "0 0 CHECKMULTISIG", 0));
    EXPECT(SCRIPT_ERR_PUBKEY_COUNT, run("0", "0 21 CHECKMULTISIG", 0));
    EXPECT(SCRIPT_ERR_PUBKEY_COUNT, run("0", "0 -1 CHECKMULTISIG", 0));
    EXPECT(SCRIPT_ERR_SIG_COUNT, run("0", "2 <" PUB_C "> 1 CHECKMULTISIG", 0));
    EXPECT(SCRIPT_ERR_SIG_COUNT, run("0", "-1 <" PUB_C "> 1 CHECKMULTISIG", 0));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("", "<" PUB_C "> 1 CHECKMULTISIG", 0));
    /* every signature is removed from the shared legacy scriptCode */
    reset();
    EXPECT(SCRIPT_ERR_OK, run("0 <" SIG_ALL ">", "<" SIG_ALL "> DROP 1 <" PUB_C "> 1 CHECKMULTISIG", 0));
    ck_assert_uint_eq(TC.code_len, 1 + 1 + 34 + 1 + 1);
    EXPECT(SCRIPT_ERR_SIG_FINDANDDELETE, run("0 <" SIG_ALL ">", "<" SIG_ALL "> DROP 1 <" PUB_C "> 1 CHECKMULTISIG",
                                             SCRIPT_VERIFY_CONST_SCRIPTCODE));
}
END_TEST

START_TEST(locktime_opcodes)
{
    reset();
    uint32_t cltv = SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY, csv = SCRIPT_VERIFY_CHECKSEQUENCEVERIFY;
    EXPECT(SCRIPT_ERR_OK, run("", "500000000 CHECKLOCKTIMEVERIFY", cltv));
    ck_assert_int_eq(TC.lock_calls, 1);
    ck_assert_int_eq(TC.locktime, 500000000);
    EXPECT(SCRIPT_ERR_OK, run("", "<ffffffff00> CHECKLOCKTIMEVERIFY", cltv)); /* 5 bytes allowed */
    ck_assert_int_eq(TC.locktime, 0xffffffffLL);
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run("", "<ffffffffff00> CHECKLOCKTIMEVERIFY", cltv));
    EXPECT(SCRIPT_ERR_NEGATIVE_LOCKTIME, run("", "-1 CHECKLOCKTIMEVERIFY", cltv));
    EXPECT(SCRIPT_ERR_INVALID_STACK_OPERATION, run("", "CHECKLOCKTIMEVERIFY", cltv));
    TC.lock_result = false;
    EXPECT(SCRIPT_ERR_UNSATISFIED_LOCKTIME, run("", "1 CHECKLOCKTIMEVERIFY", cltv));
    /* disabled: a NOP, even with DISCOURAGE_UPGRADABLE_NOPS */
    EXPECT(SCRIPT_ERR_OK, run("", "1 CHECKLOCKTIMEVERIFY", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS));
    EXPECT(SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS, run("", "1 NOP1", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS));
    EXPECT(SCRIPT_ERR_OK, run("", "1 0 IF NOP10 ENDIF", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS));

    reset();
    EXPECT(SCRIPT_ERR_OK, run("", "10 CHECKSEQUENCEVERIFY", csv));
    ck_assert_int_eq(TC.seq_calls, 1);
    ck_assert_int_eq(TC.sequence, 10);
    /* the disable flag makes it a NOP without asking the checker */
    EXPECT(SCRIPT_ERR_OK, run("", "<0000008000> CHECKSEQUENCEVERIFY", csv));
    ck_assert_int_eq(TC.seq_calls, 1);
    EXPECT(SCRIPT_ERR_NEGATIVE_LOCKTIME, run("", "-5 CHECKSEQUENCEVERIFY", csv));
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run("", "<0100> CHECKSEQUENCEVERIFY", csv | SCRIPT_VERIFY_MINIMALDATA));
    TC.lock_result = false;
    EXPECT(SCRIPT_ERR_UNSATISFIED_LOCKTIME, run("", "10 CHECKSEQUENCEVERIFY", csv));
}
END_TEST

/* P2SH scriptPubKey for a redeem script. */
static void p2sh_of(struct wbuf *spk, const uint8_t *redeem, size_t len)
{
    uint8_t h[20];
    ripemd160_hash160(h, redeem, len);
    wbuf_init(spk);
    wbuf_u8(spk, OP_HASH160);
    script_push_data(spk, h, 20);
    wbuf_u8(spk, OP_EQUAL);
}

START_TEST(p2sh_spends)
{
    reset();
    struct wbuf redeem, spk, sig;
    assemble(&redeem, "<" PUB_C "> CHECKSIG");
    p2sh_of(&spk, redeem.data, redeem.len);
    wbuf_init(&sig);
    script_push_data(&sig, (const uint8_t *)"\x30\x06\x02\x01\x01\x02\x01\x01\x01", 9);
    script_push_data(&sig, redeem.data, redeem.len);
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk.data, spk.len, NULL, P2SH_));
    ck_assert_int_eq(TC.ecdsa_calls, 1);
    ck_assert_uint_eq(TC.code_len, redeem.len);
    ck_assert(memcmp(TC.code, redeem.data, redeem.len) == 0);
    /* without P2SH only the hash is checked */
    TC.ecdsa_result = false;
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk.data, spk.len, NULL, 0));
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run_raw(sig.data, sig.len, spk.data, spk.len, NULL, P2SH_));
    TC.ecdsa_result = true;
    /* a non-push scriptSig */
    wbuf_u8(&sig, OP_NOP);
    EXPECT(SCRIPT_ERR_SIG_PUSHONLY, run_raw(sig.data, sig.len, spk.data, spk.len, NULL, P2SH_));
    sig.len--;
    struct wbuf sig2;
    wbuf_init(&sig2);
    wbuf_u8(&sig2, OP_NOP);
    wbuf_put(&sig2, sig.data, sig.len);
    EXPECT(SCRIPT_ERR_SIG_PUSHONLY, run_raw(sig2.data, sig2.len, spk.data, spk.len, NULL, P2SH_));
    EXPECT(SCRIPT_ERR_OK, run_raw(sig2.data, sig2.len, spk.data, spk.len, NULL, 0));
    EXPECT(SCRIPT_ERR_SIG_PUSHONLY, run_raw(sig2.data, sig2.len, spk.data, spk.len, NULL, SCRIPT_VERIFY_SIGPUSHONLY));
    /* CLEANSTACK */
    struct wbuf sig3;
    wbuf_init(&sig3);
    wbuf_u8(&sig3, OP_1);
    wbuf_put(&sig3, sig.data, sig.len);
    EXPECT(SCRIPT_ERR_OK, run_raw(sig3.data, sig3.len, spk.data, spk.len, NULL, P2SH_));
    EXPECT(SCRIPT_ERR_CLEANSTACK,
           run_raw(sig3.data, sig3.len, spk.data, spk.len, NULL, WIT_ | SCRIPT_VERIFY_CLEANSTACK));
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk.data, spk.len, NULL, WIT_ | SCRIPT_VERIFY_CLEANSTACK));
    /* a redeem script pushed with OP_n (empty or number) */
    uint8_t redeem1[] = { OP_1 };
    struct wbuf spk1;
    p2sh_of(&spk1, redeem1, 1);
    uint8_t sig1[] = { 0x01, OP_1 };
    EXPECT(SCRIPT_ERR_OK, run_raw(sig1, 2, spk1.data, spk1.len, NULL, P2SH_));
    wbuf_clear(&spk1);
    /* pushed by OP_1, the redeem script is the byte 0x01: a truncated push */
    uint8_t redeem2[] = { 0x01 };
    p2sh_of(&spk1, redeem2, 1);
    uint8_t sig_op1[] = { OP_1 };
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run_raw(sig_op1, 1, spk1.data, spk1.len, NULL, P2SH_));
    wbuf_clear(&spk1);
    wbuf_clear(&sig3);
    wbuf_clear(&sig2);
    wbuf_clear(&sig);
    wbuf_clear(&spk);
    wbuf_clear(&redeem);
}
END_TEST

static char *hexs(const uint8_t *p, size_t n)
{
    return hex_encode_alloc(p, n);
}

START_TEST(witness_v0)
{
    reset();
    /* P2WPKH: the scriptCode is the implied P2PKH script */
    uint8_t pub[33];
    size_t pub_len;
    uint8_t *pk = hex_decode_alloc(PUB_C, &pub_len);
    memcpy(pub, pk, 33);
    mem_free(pk);
    uint8_t h[20];
    ripemd160_hash160(h, pub, 33);
    uint8_t wpkh[22] = { OP_0, 20 };
    memcpy(wpkh + 2, h, 20);
    const char *w_ok[] = { SIG_ALL, PUB_C, NULL };
    struct test_witness tw;
    witness_set(&tw, w_ok);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, wpkh, 22, &tw.w, WIT_));
    ck_assert_int_eq(TC.ecdsa_sv, SIGVERSION_WITNESS_V0);
    ck_assert_uint_eq(TC.code_len, 25);
    ck_assert_uint_eq(TC.code[0], OP_DUP);
    ck_assert(memcmp(TC.code + 3, h, 20) == 0);
    ck_assert_uint_eq(TC.code[24], OP_CHECKSIG);
    /* without WITNESS the program is just a true stack */
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, wpkh, 22, NULL, P2SH_));
    /* a scriptSig is malleation */
    uint8_t one = OP_1;
    EXPECT(SCRIPT_ERR_WITNESS_MALLEATED, run_raw(&one, 1, wpkh, 22, &tw.w, WIT_));
    witness_clear(&tw);
    const char *w_three[] = { SIG_ALL, PUB_C, "", NULL };
    witness_set(&tw, w_three);
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, run_raw(NULL, 0, wpkh, 22, &tw.w, WIT_));
    witness_clear(&tw);
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, run_raw(NULL, 0, wpkh, 22, NULL, WIT_));
    /* WITNESS_PUBKEYTYPE: compressed keys only */
    uint8_t hu[20];
    uint8_t *pu = hex_decode_alloc(PUB_U, &pub_len);
    ripemd160_hash160(hu, pu, 65);
    mem_free(pu);
    memcpy(wpkh + 2, hu, 20);
    const char *w_u[] = { SIG_ALL, PUB_U, NULL };
    witness_set(&tw, w_u);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, wpkh, 22, &tw.w, WIT_));
    EXPECT(SCRIPT_ERR_WITNESS_PUBKEYTYPE, run_raw(NULL, 0, wpkh, 22, &tw.w, WIT_ | SCRIPT_VERIFY_WITNESS_PUBKEYTYPE));
    witness_clear(&tw);

    /* P2WSH */
    reset();
    uint8_t ws[] = { OP_IF, OP_1, OP_ELSE, OP_0, OP_ENDIF };
    uint8_t wsh[34] = { OP_0, 32 };
    sha256(wsh + 2, ws, sizeof ws);
    char *ws_hex = hexs(ws, sizeof ws);
    const char *w1[] = { "01", ws_hex, NULL };
    witness_set(&tw, w1);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    witness_clear(&tw);
    const char *w2[] = { "02", ws_hex, NULL };
    witness_set(&tw, w2);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    EXPECT(SCRIPT_ERR_MINIMALIF, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_ | SCRIPT_VERIFY_MINIMALIF));
    witness_clear(&tw);
    const char *w3[] = { "01", "01", ws_hex, NULL }; /* leaves two elements */
    witness_set(&tw, w3);
    EXPECT(SCRIPT_ERR_CLEANSTACK, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    witness_clear(&tw);
    const char *w4[] = { "", ws_hex, NULL };
    witness_set(&tw, w4);
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    witness_clear(&tw);
    const char *w5[] = { "01", "51", NULL }; /* wrong script */
    witness_set(&tw, w5);
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    witness_clear(&tw);
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY, run_raw(NULL, 0, wsh, 34, NULL, WIT_));
    /* witness items are limited to 520 bytes */
    char *big = mem_alloc(2 * 521 + 1);
    memset(big, '0', 2 * 521);
    big[2 * 521] = 0;
    const char *w6[] = { big, ws_hex, NULL };
    witness_set(&tw, w6);
    EXPECT(SCRIPT_ERR_PUSH_SIZE, run_raw(NULL, 0, wsh, 34, &tw.w, WIT_));
    witness_clear(&tw);
    mem_free(big);

    /* P2SH-wrapped P2WSH: the scriptSig must be exactly the program push */
    struct wbuf p2sh, sig;
    p2sh_of(&p2sh, wsh, 34);
    wbuf_init(&sig);
    script_push_data(&sig, wsh, 34);
    witness_set(&tw, w1);
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, p2sh.data, p2sh.len, &tw.w, WIT_));
    struct wbuf sig2;
    wbuf_init(&sig2);
    wbuf_u8(&sig2, OP_0);
    wbuf_put(&sig2, sig.data, sig.len);
    EXPECT(SCRIPT_ERR_WITNESS_MALLEATED_P2SH, run_raw(sig2.data, sig2.len, p2sh.data, p2sh.len, &tw.w, WIT_));
    /* without WITNESS the witness is ignored and the program is a true stack */
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, p2sh.data, p2sh.len, &tw.w, P2SH_));
    /* a witness on a non-witness spend */
    EXPECT(SCRIPT_ERR_WITNESS_UNEXPECTED, run_raw(&one, 1, &one, 1, &tw.w, WIT_));
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, &one, 1, &tw.w, P2SH_));
    witness_clear(&tw);
    wbuf_clear(&sig2);
    wbuf_clear(&sig);
    wbuf_clear(&p2sh);
    mem_free(ws_hex);

    /* wrong v0 length; unknown versions are reserved */
    uint8_t v0bad[12] = { OP_0, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_WRONG_LENGTH, run_raw(NULL, 0, v0bad, 12, NULL, WIT_));
    uint8_t v2[12] = { OP_2, 10, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 };
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, v2, 12, NULL, WIT_));
    EXPECT(SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
           run_raw(NULL, 0, v2, 12, NULL, WIT_ | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM));
}
END_TEST

START_TEST(taproot_key_path_and_annex)
{
    reset();
    uint8_t tr[34] = { OP_1, 32 };
    memset(tr + 2, 0x77, 32);
    const char *sig64 = "1111111111111111111111111111111111111111111111111111111111111111"
                        "1111111111111111111111111111111111111111111111111111111111111111";
    const char *w[] = { sig64, NULL };
    struct test_witness tw;
    witness_set(&tw, w);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, tr, 34, &tw.w, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 1);
    ck_assert_int_eq(TC.schnorr_sv, SIGVERSION_TAPROOT);
    ck_assert(memcmp(TC.schnorr_pub, tr + 2, 32) == 0);
    ck_assert_uint_eq(TC.schnorr_sig_len, 64);
    ck_assert(TC.exec.annex_init && !TC.exec.annex_present);
    /* the checker's error is reported */
    TC.schnorr_result = false;
    TC.schnorr_err = SCRIPT_ERR_SCHNORR_SIG_SIZE;
    EXPECT(SCRIPT_ERR_SCHNORR_SIG_SIZE, run_raw(NULL, 0, tr, 34, &tw.w, TR_));
    TC.schnorr_result = true;
    /* without TAPROOT: anyone can spend; wrapped in P2SH: not taproot */
    reset();
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, tr, 34, &tw.w, WIT_));
    ck_assert_int_eq(TC.schnorr_calls, 0);
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY, run_raw(NULL, 0, tr, 34, NULL, TR_));
    witness_clear(&tw);

    /* an annex: last of at least two elements, starting with 0x50 */
    reset();
    const char *wa[] = { sig64, "50aabb", NULL };
    witness_set(&tw, wa);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, tr, 34, &tw.w, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 1);
    ck_assert(TC.exec.annex_present);
    uint8_t ser[4] = { 3, 0x50, 0xaa, 0xbb }, expect[32];
    sha256(expect, ser, 4);
    ck_assert(memcmp(TC.exec.annex_hash, expect, 32) == 0);
    witness_clear(&tw);
    /* a single element starting with 0x50 is the signature */
    reset();
    const char *ws[] = { "50", NULL };
    witness_set(&tw, ws);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, tr, 34, &tw.w, TR_));
    ck_assert(!TC.exec.annex_present);
    ck_assert_uint_eq(TC.schnorr_sig_len, 1);
    witness_clear(&tw);
    /* an empty last element is not an annex: two elements means a script path */
    const char *we[] = { sig64, "", NULL };
    witness_set(&tw, we);
    EXPECT(SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, run_raw(NULL, 0, tr, 34, &tw.w, TR_));
    witness_clear(&tw);

    /* P2SH-wrapped v1 program: an unknown witness program */
    struct wbuf p2sh, sig;
    p2sh_of(&p2sh, tr, 34);
    wbuf_init(&sig);
    script_push_data(&sig, tr, 34);
    witness_set(&tw, w);
    reset();
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, p2sh.data, p2sh.len, &tw.w, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 0);
    EXPECT(SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM,
           run_raw(sig.data, sig.len, p2sh.data, p2sh.len, &tw.w,
                   TR_ | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM));
    witness_clear(&tw);
    wbuf_clear(&sig);
    wbuf_clear(&p2sh);
}
END_TEST

/* ---- taproot script path with real keys ---------------------------------- */

static const uint8_t SECKEY[32] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
                                    17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32 };

static void tapleaf(uint8_t out[32], uint8_t version, const uint8_t *script, size_t len)
{
    struct sha256_ctx ctx;
    struct wbuf w;
    wbuf_init(&w);
    wbuf_u8(&w, version);
    wbuf_var_bytes(&w, script, len);
    sha256_tagged_init(&ctx, "TapLeaf");
    sha256_write(&ctx, w.data, w.len);
    sha256_finalize(&ctx, out);
    wbuf_clear(&w);
}

static void tapbranch(uint8_t out[32], const uint8_t a[32], const uint8_t b[32])
{
    struct sha256_ctx ctx;
    sha256_tagged_init(&ctx, "TapBranch");
    if (memcmp(a, b, 32) < 0) {
        sha256_write(&ctx, a, 32);
        sha256_write(&ctx, b, 32);
    } else {
        sha256_write(&ctx, b, 32);
        sha256_write(&ctx, a, 32);
    }
    sha256_finalize(&ctx, out);
}

/* A two-leaf tree: `script` (leaf version `version`) and a sibling leaf.
 * Out: the output program (tr), the control block for `script`. */
struct tap_tree {
    uint8_t spk[34];
    uint8_t control[65];
    uint8_t leaf[32];
    uint8_t internal[32];
};

static void tap_build(struct tap_tree *t, uint8_t version, const uint8_t *script, size_t len)
{
    keys_init();
    ck_assert(keys_xonly_create(t->internal, SECKEY));
    tapleaf(t->leaf, version, script, len);
    uint8_t sibling_script[] = { OP_RETURN }, sibling[32], root[32];
    tapleaf(sibling, 0xc0, sibling_script, 1);
    tapbranch(root, t->leaf, sibling);
    int parity;
    t->spk[0] = OP_1;
    t->spk[1] = 32;
    ck_assert(keys_taproot_output_create(t->spk + 2, &parity, t->internal, root));
    t->control[0] = (uint8_t)(version | parity);
    memcpy(t->control + 1, t->internal, 32);
    memcpy(t->control + 33, sibling, 32);
}

static enum script_error run_tap(const struct tap_tree *t, const char *const *stack_hex, const uint8_t *script,
                                 size_t len, const uint8_t *control, size_t control_len, const char *annex_hex,
                                 uint32_t flags)
{
    struct test_witness tw;
    witness_set(&tw, stack_hex);
    tw.items[tw.w.count].data = mem_dup(script, len ? len : 1);
    tw.items[tw.w.count++].len = len;
    tw.items[tw.w.count].data = mem_dup(control, control_len);
    tw.items[tw.w.count++].len = control_len;
    if (annex_hex) {
        size_t n;
        tw.items[tw.w.count].data = hex_decode_alloc(annex_hex, &n);
        tw.items[tw.w.count++].len = n;
    }
    enum script_error e = run_raw(NULL, 0, t->spk, 34, &tw.w, flags);
    witness_clear(&tw);
    return e;
}

#define SIG64                                                                                                      \
    "2222222222222222222222222222222222222222222222222222222222222222"                                             \
    "2222222222222222222222222222222222222222222222222222222222222222"

START_TEST(taproot_script_path)
{
    reset();
    struct tap_tree t;
    uint8_t script[34];
    script[0] = 32;
    keys_init();
    ck_assert(keys_xonly_create(script + 1, SECKEY));
    script[33] = OP_CHECKSIG;
    tap_build(&t, 0xc0, script, sizeof script);
    const char *st[] = { SIG64, NULL };
    EXPECT(SCRIPT_ERR_OK, run_tap(&t, st, script, sizeof script, t.control, 65, NULL, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 1);
    ck_assert_int_eq(TC.schnorr_sv, SIGVERSION_TAPSCRIPT);
    ck_assert(TC.exec.tapleaf_hash_init);
    ck_assert(memcmp(TC.exec.tapleaf_hash, t.leaf, 32) == 0);
    ck_assert(TC.exec.codeseparator_pos_init);
    ck_assert_uint_eq(TC.exec.codeseparator_pos, 0xffffffffu);
    ck_assert(TC.exec.validation_weight_left_init);
    /* budget: witness size (1 + 65 + 1 + 34 + 1 + 65 = 167) + 50, minus 50 for the signature */
    ck_assert_int_eq(TC.exec.validation_weight_left, 167);
    ck_assert(!TC.exec.annex_present);
    EXPECT(SCRIPT_ERR_OK, run_tap(&t, st, script, sizeof script, t.control, 65, "50", TR_));
    ck_assert(TC.exec.annex_present);

    /* commitment failures */
    uint8_t bad[65];
    memcpy(bad, t.control, 65);
    bad[0] ^= 1; /* wrong parity */
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, run_tap(&t, st, script, sizeof script, bad, 65, NULL, TR_));
    memcpy(bad, t.control, 65);
    bad[40] ^= 1; /* wrong path */
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH, run_tap(&t, st, script, sizeof script, bad, 65, NULL, TR_));
    EXPECT(SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, run_tap(&t, st, script, sizeof script, t.control, 64, NULL, TR_));
    EXPECT(SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE, run_tap(&t, st, script, sizeof script, t.control, 32, NULL, TR_));
    uint8_t *huge = mem_calloc(33 + 32 * 129, 1);
    memcpy(huge, t.control, 33);
    EXPECT(SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE,
           run_tap(&t, st, script, sizeof script, huge, 33 + 32 * 129, NULL, TR_));
    EXPECT(SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH,
           run_tap(&t, st, script, sizeof script, huge, 33 + 32 * 128, NULL, TR_));
    mem_free(huge);

    /* the checker's failure, an empty signature (false, no call) */
    reset();
    TC.schnorr_result = false;
    EXPECT(SCRIPT_ERR_SCHNORR_SIG, run_tap(&t, st, script, sizeof script, t.control, 65, NULL, TR_));
    const char *empty[] = { "", NULL };
    reset();
    EXPECT(SCRIPT_ERR_EVAL_FALSE, run_tap(&t, empty, script, sizeof script, t.control, 65, NULL, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 0);

    /* an unknown leaf version succeeds unless discouraged */
    reset();
    struct tap_tree u;
    tap_build(&u, 0xc2, script, sizeof script);
    EXPECT(SCRIPT_ERR_OK, run_tap(&u, st, script, sizeof script, u.control, 65, NULL, TR_));
    ck_assert_int_eq(TC.schnorr_calls, 0);
    EXPECT(SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION,
           run_tap(&u, st, script, sizeof script, u.control, 65, NULL,
                   TR_ | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION));
}
END_TEST

/* Runs a tapscript (assembled) on a stack (hex items) in a fresh tree. */
static enum script_error run_tapscript(const char *const *stack_hex, const char *script_asm, uint32_t flags)
{
    struct wbuf s;
    assemble(&s, script_asm);
    struct tap_tree t;
    tap_build(&t, 0xc0, s.data, s.len);
    enum script_error e = run_tap(&t, stack_hex, s.data, s.len, t.control, 65, NULL, flags);
    wbuf_clear(&s);
    return e;
}

#define XKEY "<1111111111111111111111111111111111111111111111111111111111111111>"

START_TEST(tapscript_rules)
{
    reset();
    const char *none[] = { NULL };
    const char *sig[] = { SIG64, NULL };
    const char *two[] = { "02", NULL };
    /* OP_SUCCESSx wins over everything, even a later parse error... */
    EXPECT(SCRIPT_ERR_OK, run_tapscript(none, "RETURN 0x50", TR_));
    EXPECT(SCRIPT_ERR_OK, run_tapscript(none, "0 CAT", TR_));
    EXPECT(SCRIPT_ERR_DISCOURAGE_OP_SUCCESS, run_tapscript(none, "0xfe", TR_ | SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS));
    EXPECT(SCRIPT_ERR_OK, run_tapscript(none, "0xbb 0x4c", TR_));
    /* ...but not an earlier one */
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run_tapscript(none, "0x4c05 0x50", TR_));
    /* MINIMALIF is consensus in tapscript */
    EXPECT(SCRIPT_ERR_TAPSCRIPT_MINIMALIF, run_tapscript(two, "IF 1 ENDIF", TR_));
    EXPECT(SCRIPT_ERR_OK, run_tapscript(none, "1 IF 1 ENDIF", TR_));
    /* no CHECKMULTISIG */
    EXPECT(SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG, run_tapscript(none, "0 0 0 CHECKMULTISIG", TR_));
    /* keys: empty fails, 32 bytes checked, others succeed unless discouraged */
    EXPECT(SCRIPT_ERR_TAPSCRIPT_EMPTY_PUBKEY, run_tapscript(sig, "0 CHECKSIG", TR_));
    reset();
    EXPECT(SCRIPT_ERR_OK, run_tapscript(sig, "<0102> CHECKSIG", TR_));
    ck_assert_int_eq(TC.schnorr_calls, 0);
    EXPECT(SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE,
           run_tapscript(sig, "<0102> CHECKSIG", TR_ | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE));
    /* CHECKSIGADD */
    EXPECT(SCRIPT_ERR_OK, run_tapscript(sig, "5 " XKEY " CHECKSIGADD 6 EQUAL", TR_));
    const char *esig[] = { "", NULL };
    EXPECT(SCRIPT_ERR_OK, run_tapscript(esig, "5 " XKEY " CHECKSIGADD 5 EQUAL", TR_));
    EXPECT(SCRIPT_ERR_SCRIPTNUM, run_tapscript(sig, "<0000000001> " XKEY " CHECKSIGADD", TR_));
    /* code separator position is the opcode index */
    reset();
    EXPECT(SCRIPT_ERR_OK, run_tapscript(sig, "NOP CODESEPARATOR " XKEY " CHECKSIGVERIFY 1", TR_));
    ck_assert_uint_eq(TC.exec.codeseparator_pos, 1);
    /* no 201-opcode limit, no 10000-byte limit */
    struct wbuf s;
    wbuf_init(&s);
    for (int i = 0; i < 11000; i++)
        wbuf_u8(&s, OP_NOP);
    wbuf_u8(&s, OP_1);
    struct tap_tree t;
    tap_build(&t, 0xc0, s.data, s.len);
    EXPECT(SCRIPT_ERR_OK, run_tap(&t, none, s.data, s.len, t.control, 65, NULL, TR_));
    wbuf_clear(&s);
    /* the validation budget: witness size + 50, each non-empty signature costs 50.
     * k x (DUP <key> CHECKSIGVERIFY) DROP 1 with a 1-byte signature: the
     * witness is 1 + 2 + (3 + 35k + 2) + 66, so k = 8 fits (404 >= 400) and
     * the ninth check of k = 9 runs out (439 < 450). */
    const char *small_sig[] = { "01", NULL };
    for (int k = 8; k <= 9; k++) {
        wbuf_init(&s);
        for (int i = 0; i < k; i++) {
            wbuf_u8(&s, OP_DUP);
            script_push_data(&s, (const uint8_t *)"11111111111111111111111111111111", 32);
            wbuf_u8(&s, OP_CHECKSIGVERIFY);
        }
        wbuf_u8(&s, OP_DROP);
        wbuf_u8(&s, OP_1);
        tap_build(&t, 0xc0, s.data, s.len);
        reset();
        if (k == 8) {
            EXPECT(SCRIPT_ERR_OK, run_tap(&t, small_sig, s.data, s.len, t.control, 65, NULL, TR_));
            ck_assert_int_eq(TC.exec.validation_weight_left, 4);
        } else {
            EXPECT(SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT,
                   run_tap(&t, small_sig, s.data, s.len, t.control, 65, NULL, TR_));
            ck_assert_int_eq(TC.schnorr_calls, 8);
        }
        wbuf_clear(&s);
    }
    /* the stack limit applies to the initial witness stack */
    const char **many = mem_calloc(1002, sizeof *many);
    for (int i = 0; i < 1001; i++)
        many[i] = "";
    struct tap_tree t2;
    uint8_t one_script[] = { OP_1 };
    tap_build(&t2, 0xc0, one_script, 1);
    EXPECT(SCRIPT_ERR_STACK_SIZE, run_tap(&t2, many, one_script, 1, t2.control, 65, NULL, TR_));
    mem_free(many);
}
END_TEST

/* ---- TOKENS ----------------------------------------------------------------- */

static size_t token_spk(uint8_t *out, const uint8_t *lock, size_t lock_len)
{
    out[0] = TOKEN_PREFIX_MARKER;
    out[1] = TOKEN_KIND_TOKEN;
    memset(out + 2, 0xab, 32);
    out[34] = 100; /* amount */
    memcpy(out + 35, lock, lock_len);
    return 35 + lock_len;
}

START_TEST(tokens_prefix)
{
    reset();
    struct wbuf lock;
    assemble(&lock, "<" PUB_C "> CHECKSIG");
    uint8_t spk[200];
    size_t spk_len = token_spk(spk, lock.data, lock.len);
    struct wbuf sig;
    assemble(&sig, "<" SIG_ALL ">");
    uint32_t tok = SCRIPT_VERIFY_TOKENS;

    /* without the prefix: Bitcoin's scriptCode */
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, lock.data, lock.len, NULL, tok));
    ck_assert_uint_eq(TC.code_len, lock.len);
    ck_assert(memcmp(TC.code, lock.data, lock.len) == 0);
    /* with it: the locking script runs, the scriptCode starts with the prefix */
    reset();
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk, spk_len, NULL, tok));
    ck_assert_int_eq(TC.ecdsa_calls, 1);
    ck_assert_uint_eq(TC.code_len, spk_len);
    ck_assert(memcmp(TC.code, spk, spk_len) == 0);
    /* the prefix goes in front of what follows a code separator too */
    reset();
    struct wbuf lock2;
    assemble(&lock2, "NOP CODESEPARATOR <" PUB_C "> CHECKSIG");
    uint8_t spk2[200];
    size_t spk2_len = token_spk(spk2, lock2.data, lock2.len);
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk2, spk2_len, NULL, tok));
    ck_assert_uint_eq(TC.code_len, 35 + lock2.len - 2);
    ck_assert(memcmp(TC.code, spk2, 35) == 0);
    ck_assert(memcmp(TC.code + 35, lock2.data + 2, lock2.len - 2) == 0);
    /* FindAndDelete acts on the script part */
    reset();
    struct wbuf lock3;
    assemble(&lock3, "<" SIG_ALL "> DROP <" PUB_C "> CHECKSIG");
    uint8_t spk3[200];
    size_t spk3_len = token_spk(spk3, lock3.data, lock3.len);
    EXPECT(SCRIPT_ERR_OK, run_raw(sig.data, sig.len, spk3, spk3_len, NULL, tok));
    ck_assert_uint_eq(TC.code_len, 35 + 1 + 35);
    ck_assert(memcmp(TC.code, spk3, 35) == 0);
    ck_assert_uint_eq(TC.code[35], OP_DROP);

    /* without TOKENS, 0xEF is an unknown opcode */
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run_raw(sig.data, sig.len, spk, spk_len, NULL, 0));
    /* malformed prefixes */
    uint8_t bad[200];
    memcpy(bad, spk, spk_len);
    bad[1] = 0x09; /* unknown kind */
    EXPECT(SCRIPT_ERR_TOKEN_PREFIX, run_raw(sig.data, sig.len, bad, spk_len, NULL, tok));
    bad[1] = TOKEN_KIND_TOKEN;
    bad[34] = 0; /* amount 0 */
    EXPECT(SCRIPT_ERR_TOKEN_PREFIX, run_raw(sig.data, sig.len, bad, spk_len, NULL, tok));
    EXPECT(SCRIPT_ERR_TOKEN_PREFIX, run_raw(sig.data, sig.len, spk, 20, NULL, tok)); /* truncated */
    uint8_t marker = TOKEN_PREFIX_MARKER;
    EXPECT(SCRIPT_ERR_TOKEN_PREFIX, run_raw(NULL, 0, &marker, 1, NULL, tok));
    /* an empty locking script after the prefix: the scriptSig's result decides */
    uint8_t one = OP_1;
    EXPECT(SCRIPT_ERR_OK, run_raw(&one, 1, spk, 35, NULL, tok));

    /* P2WPKH after the prefix: recognised, scriptCode = prefix || implied script */
    reset();
    uint8_t pub[33];
    size_t n;
    uint8_t *pk = hex_decode_alloc(PUB_C, &n);
    memcpy(pub, pk, 33);
    mem_free(pk);
    uint8_t wpkh[22] = { OP_0, 20 };
    ripemd160_hash160(wpkh + 2, pub, 33);
    uint8_t tspk[100];
    size_t tspk_len = token_spk(tspk, wpkh, 22);
    const char *w_ok[] = { SIG_ALL, PUB_C, NULL };
    struct test_witness tw;
    witness_set(&tw, w_ok);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, tspk, tspk_len, &tw.w, WIT_ | tok));
    ck_assert_int_eq(TC.ecdsa_sv, SIGVERSION_WITNESS_V0);
    ck_assert_uint_eq(TC.code_len, 35 + 25);
    ck_assert(memcmp(TC.code, tspk, 35) == 0);
    ck_assert_uint_eq(TC.code[35], OP_DUP);
    /* without TOKENS this is not a witness program */
    EXPECT(SCRIPT_ERR_BAD_OPCODE, run_raw(NULL, 0, tspk, tspk_len, &tw.w, WIT_));
    witness_clear(&tw);

    /* P2SH after the prefix: the redeem script's scriptCode gets the prefix */
    reset();
    struct wbuf p2sh;
    p2sh_of(&p2sh, lock.data, lock.len);
    uint8_t pspk[100];
    size_t pspk_len = token_spk(pspk, p2sh.data, p2sh.len);
    struct wbuf psig;
    assemble(&psig, "<" SIG_ALL ">");
    script_push_data(&psig, lock.data, lock.len);
    EXPECT(SCRIPT_ERR_OK, run_raw(psig.data, psig.len, pspk, pspk_len, NULL, P2SH_ | tok));
    ck_assert_uint_eq(TC.code_len, 35 + lock.len);
    ck_assert(memcmp(TC.code, pspk, 35) == 0);
    ck_assert(memcmp(TC.code + 35, lock.data, lock.len) == 0);

    /* taproot after the prefix: key path reaches the Schnorr checker */
    reset();
    uint8_t tr[34] = { OP_1, 32 };
    memset(tr + 2, 0x55, 32);
    uint8_t trspk[100];
    size_t trspk_len = token_spk(trspk, tr, 34);
    const char *wk[] = { SIG64, NULL };
    witness_set(&tw, wk);
    EXPECT(SCRIPT_ERR_OK, run_raw(NULL, 0, trspk, trspk_len, &tw.w, TR_ | tok));
    ck_assert_int_eq(TC.schnorr_calls, 1);
    ck_assert(memcmp(TC.schnorr_pub, tr + 2, 32) == 0);
    witness_clear(&tw);

    wbuf_clear(&psig);
    wbuf_clear(&p2sh);
    wbuf_clear(&lock3);
    wbuf_clear(&lock2);
    wbuf_clear(&sig);
    wbuf_clear(&lock);
}
END_TEST

START_TEST(flags_and_error_names)
{
    uint32_t f;
    ck_assert(script_flags_parse(&f, ""));
    ck_assert_uint_eq(f, 0);
    ck_assert(script_flags_parse(&f, "NONE"));
    ck_assert_uint_eq(f, 0);
    ck_assert(script_flags_parse(&f, "P2SH,STRICTENC"));
    ck_assert_uint_eq(f, SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_STRICTENC);
    ck_assert(script_flags_parse(&f, "WITNESS,TAPROOT,TOKENS,CONST_SCRIPTCODE,DISCOURAGE_UPGRADABLE_PUBKEYTYPE"));
    ck_assert_uint_eq(f, SCRIPT_VERIFY_WITNESS | SCRIPT_VERIFY_TAPROOT | SCRIPT_VERIFY_TOKENS |
                             SCRIPT_VERIFY_CONST_SCRIPTCODE | SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE);
    ck_assert(!script_flags_parse(&f, "P2SH,BOGUS"));
    ck_assert_uint_eq(f, 0);
    ck_assert(!script_flags_parse(&f, "P2S"));

    for (int e = 0; e < SCRIPT_ERR_ERROR_COUNT; e++) {
        enum script_error back;
        ck_assert(script_error_from_name(&back, script_error_name((enum script_error)e)));
        ck_assert_int_eq(back, e);
        ck_assert(strlen(script_error_string((enum script_error)e)) > 0);
    }
    ck_assert_str_eq(script_error_name(SCRIPT_ERR_SIG_NULLFAIL), "NULLFAIL");
    ck_assert_str_eq(script_error_name(SCRIPT_ERR_SCRIPTNUM), "SCRIPTNUM");
    ck_assert_str_eq(script_error_string(SCRIPT_ERR_EVAL_FALSE),
                     "Script evaluated without error but finished with a false/empty top stack element");
    enum script_error x;
    ck_assert(!script_error_from_name(&x, "NOPE"));

    /* SIG_CHECKER_NONE refuses signatures */
    uint8_t sig[] = { 0x09, 0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x01, 0x01 };
    uint8_t spk[] = { 0x01, 0x02, OP_CHECKSIG };
    enum script_error err;
    ck_assert(!script_verify(sig, sizeof sig, spk, sizeof spk, NULL, 0, &SIG_CHECKER_NONE, &err));
    ck_assert_int_eq(err, SCRIPT_ERR_EVAL_FALSE);
}
END_TEST

static Suite *interpreter_suite(void)
{
    Suite *s = suite_create("interpreter");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, basic_evaluation);
    tcase_add_test(tc, stack_operations);
    tcase_add_test(tc, hash_opcodes);
    tcase_add_test(tc, disabled_and_bad_opcodes);
    tcase_add_test(tc, conditionals);
    tcase_add_test(tc, minimal_data_and_numbers);
    tcase_add_test(tc, limits);
    tcase_add_test(tc, checksig_legacy_script_code);
    tcase_add_test(tc, signature_and_key_encoding);
    tcase_add_test(tc, checkmultisig);
    tcase_add_test(tc, locktime_opcodes);
    tcase_add_test(tc, p2sh_spends);
    tcase_add_test(tc, witness_v0);
    tcase_add_test(tc, flags_and_error_names);
    tcase_add_test(tc, tokens_prefix);
    tcase_add_test(tc, taproot_key_path_and_annex);
    tcase_add_test(tc, taproot_script_path);
    tcase_add_test(tc, tapscript_rules);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(interpreter_suite)
