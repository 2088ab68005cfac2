/* Every case of Bitcoin Core's script_tests.json, run as Core's
 * script_tests.cpp does: a crediting transaction (version 1, one input with
 * scriptSig "0 0", one output of the given amount and scriptPubKey) and a
 * spending transaction (version 1, locktime 0, sequence final, one empty
 * output of the same amount) that spends it with the given scriptSig and
 * witness, verified with the real signature checker. The result and the
 * script error must match. Like Core, passing cases must still pass with
 * random flags removed and failing ones still fail with random flags added.
 * Prints "script_tests.json: passed/total". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/script_error.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "qa/unit/script_asm.h"
#include "qa/unit/unit.h"
#include "qa/unit/vector_util.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

static const char TAPROOT_OUTPUT[] = "0x51 0x20 #TAPROOTOUTPUT#";

/* xorshift64*: deterministic "random" flags, so failures reproduce. */
static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rand_bits(unsigned bits)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32) & ((UINT32_C(1) << bits) - 1);
}

struct vcase {
    struct wbuf script_sig, spk;
    struct witness_items {
        struct wbuf *items;
        size_t count;
    } wit;
    int64_t amount;
    uint32_t flags;
    enum script_error expected;
};

static void vcase_clear(struct vcase *c)
{
    wbuf_clear(&c->script_sig);
    wbuf_clear(&c->spk);
    for (size_t i = 0; i < c->wit.count; i++)
        wbuf_clear(&c->wit.items[i]);
    mem_free(c->wit.items);
}

static struct wbuf *wit_push(struct vcase *c)
{
    c->wit.items = mem_realloc(c->wit.items, (c->wit.count + 1) * sizeof(struct wbuf));
    struct wbuf *w = &c->wit.items[c->wit.count++];
    wbuf_init(w);
    return w;
}

/* Reads one test entry; returns false with *why set for a malformed one. */
static bool vcase_parse(struct vcase *c, const json_t *t, const char **why)
{
    size_t pos = 0;
    struct wbuf last_script;
    wbuf_init(&last_script);
    bool ok = false;
    if (json_is_array(json_array_get(t, 0))) {
        const json_t *w = json_array_get(t, 0);
        size_t n = json_array_size(w);
        if (n == 0) {
            *why = "empty witness array";
            goto out;
        }
        for (size_t i = 0; i + 1 < n; i++) {
            const char *e = json_string_value(json_array_get(w, i));
            if (!e) {
                *why = "witness element not a string";
                goto out;
            }
            struct wbuf *item = wit_push(c);
            if (!strncmp(e, "#SCRIPT#", 8)) {
                /* A tapscript written in asm; the control block follows it. */
                if (!script_asm_parse(item, e + 8)) {
                    *why = "bad #SCRIPT#";
                    goto out;
                }
                wbuf_clear(&last_script);
                wbuf_put(&last_script, item->data, item->len);
            } else if (!strcmp(e, "#CONTROLBLOCK#")) {
                uint8_t spk[34], control[33];
                if (!unit_taproot_one_leaf(spk, control, last_script.data, last_script.len)) {
                    *why = "taproot tweak failed";
                    goto out;
                }
                wbuf_put(item, control, sizeof(control));
            } else {
                size_t len;
                uint8_t *raw = hex_decode_alloc(e, &len);
                if (!raw) {
                    *why = "witness element not hex";
                    goto out;
                }
                wbuf_put(item, raw, len);
                mem_free(raw);
            }
        }
        if (!unit_json_btc(json_array_get(w, n - 1), &c->amount)) {
            *why = "bad amount";
            goto out;
        }
        pos = 1;
    }
    const char *sig_s = json_string_value(json_array_get(t, pos));
    const char *spk_s = json_string_value(json_array_get(t, pos + 1));
    const char *flags_s = json_string_value(json_array_get(t, pos + 2));
    const char *err_s = json_string_value(json_array_get(t, pos + 3));
    if (!sig_s || !spk_s || !flags_s || !err_s) {
        *why = "missing field";
        goto out;
    }
    if (!script_asm_parse(&c->script_sig, sig_s)) {
        *why = "bad scriptSig";
        goto out;
    }
    if (!strcmp(spk_s, TAPROOT_OUTPUT)) {
        uint8_t spk[34], control[33];
        if (!unit_taproot_one_leaf(spk, control, last_script.data, last_script.len)) {
            *why = "taproot tweak failed";
            goto out;
        }
        wbuf_put(&c->spk, spk, sizeof(spk));
    } else if (!script_asm_parse(&c->spk, spk_s)) {
        *why = "bad scriptPubKey";
        goto out;
    }
    if (!script_flags_parse(&c->flags, flags_s)) {
        *why = "unknown flag";
        goto out;
    }
    if (!script_error_from_name(&c->expected, err_s)) {
        *why = "unknown error name";
        goto out;
    }
    ok = true;
out:
    wbuf_clear(&last_script);
    return ok;
}

struct txpair {
    struct tx credit, spend;
    struct tx_precomputed pre;
};

static void txpair_build(struct txpair *p, const struct vcase *c)
{
    tx_init(&p->credit);
    p->credit.version = 1;
    p->credit.locktime = 0;
    struct outpoint null_prevout = { { { 0 } }, 0xffffffffu };
    static const uint8_t zero_zero[2] = { 0x00, 0x00 };
    tx_add_input(&p->credit, &null_prevout, zero_zero, sizeof(zero_zero), SEQUENCE_FINAL);
    tx_add_output(&p->credit, c->amount, c->spk.data, c->spk.len);
    tx_update_hashes(&p->credit);

    tx_init(&p->spend);
    p->spend.version = 1;
    p->spend.locktime = 0;
    struct outpoint prevout = { p->credit.txid, 0 };
    struct txin *in = tx_add_input(&p->spend, &prevout, c->script_sig.data, c->script_sig.len, SEQUENCE_FINAL);
    for (size_t i = 0; i < c->wit.count; i++)
        txin_witness_push(in, c->wit.items[i].data, c->wit.items[i].len);
    tx_add_output(&p->spend, p->credit.vout[0].value, NULL, 0);
    tx_update_hashes(&p->spend);
    tx_precomputed_init(&p->pre, &p->spend, &p->credit.vout[0], 1);
}

static void txpair_clear(struct txpair *p)
{
    tx_clear(&p->credit);
    tx_clear(&p->spend);
}

static bool run(const struct txpair *p, uint32_t flags, enum script_error *err)
{
    const struct txout *out = &p->credit.vout[0];
    return unit_verify_input(&p->spend, &p->pre, 0, out->script_pubkey.data, out->script_pubkey.len, out->value, flags,
                             err);
}

/* Returns NULL if the case behaves as expected, else a description. */
static const char *check_case(const struct vcase *c, char *buf, size_t buflen)
{
    uint32_t flags = c->flags;
    /* As Core's DoTest: CLEANSTACK is only defined together with P2SH and WITNESS. */
    if (flags & SCRIPT_VERIFY_CLEANSTACK)
        flags |= SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS;
    const bool expect = c->expected == SCRIPT_ERR_OK;
    struct txpair p;
    txpair_build(&p, c);
    const char *why = NULL;
    enum script_error err = SCRIPT_ERR_UNKNOWN_ERROR;
    bool res = run(&p, flags, &err);
    if (res != expect || err != c->expected) {
        snprintf(buf, buflen, "got %s (%s), expected %s", res ? "valid" : "invalid", script_error_name(err),
                 script_error_name(c->expected));
        why = buf;
        goto out;
    }
    /* Removing flags from a passing case or adding flags to a failing one
     * must not change the result. */
    for (int i = 0; i < 16; i++) {
        uint32_t extra = rand_bits(16);
        uint32_t combined = expect ? (flags & ~extra) : (flags | extra);
        if ((combined & SCRIPT_VERIFY_CLEANSTACK) &&
            (~combined & (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS)))
            continue;
        if ((combined & SCRIPT_VERIFY_WITNESS) && (~combined & SCRIPT_VERIFY_P2SH))
            continue;
        enum script_error e2;
        if (run(&p, combined, &e2) != expect) {
            snprintf(buf, buflen, "result changed with flags %#" PRIx32 " (%s)", combined, script_error_name(e2));
            why = buf;
            goto out;
        }
    }
out:
    txpair_clear(&p);
    return why;
}

START_TEST(script_tests_json)
{
    keys_init();
    json_t *root = unit_json_load(UNIT_DATA("bitcoin-core/script_tests.json"));
    ck_assert(json_is_array(root));
    size_t total = 0, passed = 0;
    for (size_t idx = 0; idx < json_array_size(root); idx++) {
        const json_t *t = json_array_get(root, idx);
        ck_assert(json_is_array(t));
        size_t pos = json_is_array(json_array_get(t, 0)) ? 1 : 0;
        if (json_array_size(t) < 4 + pos) {
            /* A comment: one string. Anything else short is a malformed test. */
            ck_assert_msg(json_array_size(t) == 1, "malformed entry %zu", idx);
            continue;
        }
        total++;
        struct vcase c;
        memset(&c, 0, sizeof(c));
        wbuf_init(&c.script_sig);
        wbuf_init(&c.spk);
        const char *why = NULL;
        char buf[256];
        if (vcase_parse(&c, t, &why))
            why = check_case(&c, buf, sizeof(buf));
        if (why) {
            char *dump = json_dumps(t, JSON_COMPACT);
            fprintf(stderr, "script_tests.json entry %zu FAILED: %s\n  %s\n", idx, why, dump);
            free(dump);
        } else {
            passed++;
        }
        vcase_clear(&c);
    }
    json_decref(root);
    printf("script_tests.json: %zu/%zu\n", passed, total);
    fflush(stdout);
    ck_assert_uint_eq(total, 1222);
    ck_assert_msg(passed == total, "%zu of %zu script_tests.json cases failed", total - passed, total);
}
END_TEST

/* The assembler itself, on forms the vector files rely on. */
START_TEST(script_asm_forms)
{
    static const struct {
        const char *in;
        const char *hex;
    } ok[] = {
        { "", "" },
        { "  0  1 16 17 -1 ", "00516001114f" },
        { "DUP HASH160 0x14 0x89abcdefabbaabbaabbaabbaabbaabbaabbaabba EQUALVERIFY CHECKSIG",
          "76a91489abcdefabbaabbaabbaabbaabbaabbaabbaabba88ac" },
        { "OP_CHECKMULTISIG NOP2 NOP3", NULL }, /* NOP2/NOP3 are named CLTV/CSV in Core: rejected */
        { "CHECKLOCKTIMEVERIFY CHECKSEQUENCEVERIFY RESERVED", "b1b250" },
        { "'Az'", "02417a" },
        { "''", "00" },
        { "-2147483648 4294967295", "05000000808005ffffffff00" },
        { "0x4c 0x01 0x07", "4c0107" },
        { "CHECKSIGADD NOP10", "bab9" },
    };
    for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        struct wbuf w;
        wbuf_init(&w);
        bool r = script_asm_parse(&w, ok[i].in);
        if (!ok[i].hex) {
            ck_assert_msg(!r, "'%s' should be rejected", ok[i].in);
        } else {
            ck_assert_msg(r, "'%s' rejected", ok[i].in);
            char *hex = hex_encode_alloc(w.data, w.len);
            ck_assert_str_eq(hex, ok[i].hex);
            mem_free(hex);
        }
        wbuf_clear(&w);
    }
    static const char *bad[] = { "4294967296", "-4294967296", "0x", "0x123", "0xzz", "FOO", "OP_1", "1 x 2",
                                 "'unterminated" };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        struct wbuf w;
        wbuf_init(&w);
        ck_assert_msg(!script_asm_parse(&w, bad[i]), "'%s' should be rejected", bad[i]);
        wbuf_clear(&w);
    }
}
END_TEST

static Suite *script_vectors_suite(void)
{
    Suite *s = suite_create("script_vectors");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, script_asm_forms);
    tcase_add_test(tc, script_tests_json);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(script_vectors_suite)
