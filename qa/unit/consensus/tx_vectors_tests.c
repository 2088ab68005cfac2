/* Bitcoin Core's tx_valid.json and tx_invalid.json, interpreted as Core's
 * transaction_tests.cpp does today:
 *
 *   [[[prevout txid, prevout index, prevout scriptPubKey asm, amount?], ...],
 *    serialized transaction, flags]
 *
 * tx_valid: the flags are EXCLUDED from the full set. The transaction must
 * pass tx_check and every input must verify under (all - excluded); it must
 * still verify with any one more flag removed and with random extra flags
 * removed; and adding back any one excluded flag must make it fail ("flags
 * are maximal").
 * tx_invalid: the flags are the ones USED. "BADTX" means tx_check must fail.
 * Otherwise some input must fail under the flags, also with any one flag and
 * random flags added; and removing any one of the flags must make it pass
 * ("flags are minimal").
 * WITNESS needs P2SH and CLEANSTACK needs WITNESS: Core's TrimFlags and
 * FillFlags keep the combinations valid, and so do we. "The full set" is the
 * 21 flags Core defines (bits 0..20): hashmint's TOKENS is never set here.
 * Differences from Core's harness, none affecting what is checked: the
 * "random" flag sets come from a fixed-seed generator (reproducible), and the
 * precomputed data is given the spent outputs (Core passes none; no vector
 * spends taproot with a signature, which is what would need them).
 * Prints "tx_valid.json: passed/total" and "tx_invalid.json: passed/total". */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/sighash.h"
#include "consensus/tx.h"
#include "consensus/tx_check.h"
#include "consensus/validation.h"
#include "qa/unit/script_asm.h"
#include "qa/unit/unit.h"
#include "qa/unit/vector_util.h"
#include "src/crypto/keys.h"
#include "src/util/alloc.h"
#include "src/util/hex.h"

/* Core's mapFlagNames. */
static const struct {
    const char *name;
    uint32_t flag;
} FLAG_NAMES[] = {
    { "P2SH", SCRIPT_VERIFY_P2SH },
    { "STRICTENC", SCRIPT_VERIFY_STRICTENC },
    { "DERSIG", SCRIPT_VERIFY_DERSIG },
    { "LOW_S", SCRIPT_VERIFY_LOW_S },
    { "SIGPUSHONLY", SCRIPT_VERIFY_SIGPUSHONLY },
    { "MINIMALDATA", SCRIPT_VERIFY_MINIMALDATA },
    { "NULLDUMMY", SCRIPT_VERIFY_NULLDUMMY },
    { "DISCOURAGE_UPGRADABLE_NOPS", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS },
    { "CLEANSTACK", SCRIPT_VERIFY_CLEANSTACK },
    { "MINIMALIF", SCRIPT_VERIFY_MINIMALIF },
    { "NULLFAIL", SCRIPT_VERIFY_NULLFAIL },
    { "CHECKLOCKTIMEVERIFY", SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY },
    { "CHECKSEQUENCEVERIFY", SCRIPT_VERIFY_CHECKSEQUENCEVERIFY },
    { "WITNESS", SCRIPT_VERIFY_WITNESS },
    { "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM },
    { "WITNESS_PUBKEYTYPE", SCRIPT_VERIFY_WITNESS_PUBKEYTYPE },
    { "CONST_SCRIPTCODE", SCRIPT_VERIFY_CONST_SCRIPTCODE },
    { "TAPROOT", SCRIPT_VERIFY_TAPROOT },
    { "DISCOURAGE_UPGRADABLE_PUBKEYTYPE", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE },
    { "DISCOURAGE_OP_SUCCESS", SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS },
    { "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION },
};
#define N_FLAGS (sizeof(FLAG_NAMES) / sizeof(FLAG_NAMES[0]))

static uint64_t rng_state = 0x243f6a8885a308d3ULL;
static uint32_t rand_bits(unsigned bits)
{
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return (uint32_t)((rng_state * 0x2545f4914f6cdd1dULL) >> 32) & ((UINT32_C(1) << bits) - 1);
}

static uint32_t trim_flags(uint32_t f)
{
    if (!(f & SCRIPT_VERIFY_P2SH))
        f &= ~SCRIPT_VERIFY_WITNESS;
    if (!(f & SCRIPT_VERIFY_WITNESS))
        f &= ~SCRIPT_VERIFY_CLEANSTACK;
    return f;
}

static uint32_t fill_flags(uint32_t f)
{
    if (f & SCRIPT_VERIFY_CLEANSTACK)
        f |= SCRIPT_VERIFY_WITNESS;
    if (f & SCRIPT_VERIFY_WITNESS)
        f |= SCRIPT_VERIFY_P2SH;
    return f;
}

/* Core's ExcludeIndividualFlags: distinct valid sets with one flag removed. */
static size_t exclude_individual(uint32_t out[N_FLAGS], uint32_t flags)
{
    size_t n = 0;
    for (size_t i = 0; i < N_FLAGS; i++) {
        uint32_t f = trim_flags(flags & ~FLAG_NAMES[i].flag);
        if (f == flags)
            continue;
        bool dup = false;
        for (size_t j = 0; j < n; j++)
            dup |= out[j] == f;
        if (!dup)
            out[n++] = f;
    }
    return n;
}

struct prevout {
    struct outpoint op;
    uint8_t *spk;
    size_t spk_len;
    int64_t amount;
};

struct vtx {
    struct prevout *prev;
    size_t n_prev;
    struct tx tx;
    bool have_tx;
    struct txout *spent; /* one per input, borrowing prev[].spk */
    struct tx_precomputed pre;
};

static void vtx_clear(struct vtx *v)
{
    for (size_t i = 0; i < v->n_prev; i++)
        mem_free(v->prev[i].spk);
    mem_free(v->prev);
    mem_free(v->spent);
    if (v->have_tx)
        tx_clear(&v->tx);
}

static bool vtx_parse(struct vtx *v, const json_t *t, const char **why)
{
    const json_t *inputs = json_array_get(t, 0);
    if (json_array_size(t) != 3 || !json_is_string(json_array_get(t, 1)) || !json_is_string(json_array_get(t, 2))) {
        *why = "bad test shape";
        return false;
    }
    v->n_prev = json_array_size(inputs);
    v->prev = mem_calloc(v->n_prev ? v->n_prev : 1, sizeof(struct prevout));
    for (size_t i = 0; i < v->n_prev; i++) {
        const json_t *in = json_array_get(inputs, i);
        size_t n = json_array_size(in);
        if (!json_is_array(in) || n < 3 || n > 4) {
            *why = "bad prevout";
            return false;
        }
        const char *txid = json_string_value(json_array_get(in, 0));
        const char *spk = json_string_value(json_array_get(in, 2));
        if (!txid || !spk || !json_is_integer(json_array_get(in, 1)) || !hash256_from_hex(&v->prev[i].op.txid, txid)) {
            *why = "bad prevout fields";
            return false;
        }
        /* Core reads the index as an int and stores it as uint32 (-1 -> 0xffffffff). */
        v->prev[i].op.n = (uint32_t)(int32_t)json_integer_value(json_array_get(in, 1));
        v->prev[i].spk = script_asm_alloc(spk, &v->prev[i].spk_len);
        if (!v->prev[i].spk) {
            *why = "bad prevout scriptPubKey";
            return false;
        }
        if (n == 4) {
            if (!json_is_integer(json_array_get(in, 3))) {
                *why = "bad amount";
                return false;
            }
            v->prev[i].amount = json_integer_value(json_array_get(in, 3));
        }
    }
    size_t raw_len;
    uint8_t *raw = hex_decode_alloc(json_string_value(json_array_get(t, 1)), &raw_len);
    if (!raw) {
        *why = "transaction not hex";
        return false;
    }
    v->have_tx = tx_decode(&v->tx, raw, raw_len, true);
    mem_free(raw);
    if (!v->have_tx) {
        *why = "transaction does not deserialize";
        return false;
    }
    /* tx_parse hashes the bytes it read; a re-serialisation gives the same ids. */
    struct tx copy;
    tx_copy(&copy, &v->tx);
    tx_update_hashes(&copy);
    ck_assert(hash256_eq(&copy.txid, &v->tx.txid));
    ck_assert(hash256_eq(&copy.wtxid, &v->tx.wtxid));
    tx_clear(&copy);
    /* Every input's spent output, in input order (Core's map lookup; a
     * missing one is a bad test). A later duplicate entry wins, as in a map. */
    v->spent = mem_calloc(v->tx.vin_count ? v->tx.vin_count : 1, sizeof(struct txout));
    for (size_t i = 0; i < v->tx.vin_count; i++) {
        const struct prevout *found = NULL;
        for (size_t j = 0; j < v->n_prev; j++)
            if (hash256_eq(&v->prev[j].op.txid, &v->tx.vin[i].prevout.txid) && v->prev[j].op.n == v->tx.vin[i].prevout.n)
                found = &v->prev[j];
        if (!found) {
            *why = "an input's prevout is not listed";
            return false;
        }
        v->spent[i].value = found->amount;
        v->spent[i].script_pubkey.data = found->spk;
        v->spent[i].script_pubkey.len = found->spk_len;
    }
    tx_precomputed_init(&v->pre, &v->tx, v->spent, v->tx.vin_count);
    return true;
}

/* Core's CheckTxScripts: true if the transaction's validity is as expected. */
static bool check_scripts(const struct vtx *v, uint32_t flags, bool expect_valid, char *detail, size_t dlen)
{
    bool valid = true;
    enum script_error err = expect_valid ? SCRIPT_ERR_UNKNOWN_ERROR : SCRIPT_ERR_OK;
    for (size_t i = 0; i < v->tx.vin_count && valid; i++) {
        const struct txout *s = &v->spent[i];
        valid = unit_verify_input(&v->tx, &v->pre, i, s->script_pubkey.data, s->script_pubkey.len, s->value, flags,
                                  &err);
        if (expect_valid && (!valid || err != SCRIPT_ERR_OK)) {
            snprintf(detail, dlen, "input %zu failed with flags %#" PRIx32 ": %s", i, flags, script_error_name(err));
            return false;
        }
    }
    if (!expect_valid && (valid || err == SCRIPT_ERR_OK)) {
        snprintf(detail, dlen, "passed with flags %#" PRIx32, flags);
        return false;
    }
    return true;
}

static const char *run_valid(const struct vtx *v, const char *flag_str, char *buf, size_t blen)
{
    struct val_state st;
    memset(&st, 0, sizeof(st));
    if (!tx_check(&st, &v->tx))
        return "tx_check failed";
    uint32_t excluded;
    if (!script_flags_parse(&excluded, flag_str))
        return "unknown flag";
    const uint32_t all = UNIT_CORE_FLAGS_ALL;
    if ((all & ~excluded) != fill_flags(all & ~excluded))
        return "bad test flags";
    char d[200];
    if (!check_scripts(v, all & ~excluded, true, d, sizeof(d))) {
        snprintf(buf, blen, "unexpectedly failed: %s", d);
        return buf;
    }
    for (size_t i = 0; i < N_FLAGS; i++) {
        uint32_t f = trim_flags(all & ~(excluded | FLAG_NAMES[i].flag));
        if (!check_scripts(v, f, true, d, sizeof(d))) {
            snprintf(buf, blen, "failed with %s unset: %s", FLAG_NAMES[i].name, d);
            return buf;
        }
        f = trim_flags(all & ~(excluded | rand_bits(N_FLAGS)));
        if (!check_scripts(v, f, true, d, sizeof(d))) {
            snprintf(buf, blen, "failed with random flags: %s", d);
            return buf;
        }
    }
    uint32_t combos[N_FLAGS];
    size_t n = exclude_individual(combos, excluded);
    for (size_t i = 0; i < n; i++) {
        if (!check_scripts(v, all & ~combos[i], false, d, sizeof(d))) {
            snprintf(buf, blen, "too many flags unset (flags not maximal): %s", d);
            return buf;
        }
    }
    return NULL;
}

static const char *run_invalid(const struct vtx *v, const char *flag_str, char *buf, size_t blen)
{
    struct val_state st;
    memset(&st, 0, sizeof(st));
    if (!tx_check(&st, &v->tx))
        return strcmp(flag_str, "BADTX") ? "tx_check failed but the test is not BADTX" : NULL;
    uint32_t flags;
    if (!script_flags_parse(&flags, flag_str))
        return "unknown flag (BADTX passed tx_check?)";
    if (flags != fill_flags(flags))
        return "bad test flags";
    char d[200];
    if (!check_scripts(v, flags, false, d, sizeof(d))) {
        snprintf(buf, blen, "unexpectedly passed: %s", d);
        return buf;
    }
    for (size_t i = 0; i < N_FLAGS; i++) {
        uint32_t f = fill_flags(flags | FLAG_NAMES[i].flag);
        if (!check_scripts(v, f, false, d, sizeof(d))) {
            snprintf(buf, blen, "passed with %s set: %s", FLAG_NAMES[i].name, d);
            return buf;
        }
        f = fill_flags(flags | rand_bits(N_FLAGS));
        if (!check_scripts(v, f, false, d, sizeof(d))) {
            snprintf(buf, blen, "passed with random flags: %s", d);
            return buf;
        }
    }
    uint32_t combos[N_FLAGS];
    size_t n = exclude_individual(combos, flags);
    for (size_t i = 0; i < n; i++) {
        if (!check_scripts(v, combos[i], true, d, sizeof(d))) {
            snprintf(buf, blen, "too many flags set (flags not minimal): %s", d);
            return buf;
        }
    }
    return NULL;
}

static void run_file(const char *name, const char *path, bool valid_file, size_t expected_total)
{
    keys_init();
    json_t *root = unit_json_load(path);
    ck_assert(json_is_array(root));
    size_t total = 0, passed = 0;
    for (size_t idx = 0; idx < json_array_size(root); idx++) {
        const json_t *t = json_array_get(root, idx);
        if (!json_is_array(json_array_get(t, 0)))
            continue; /* comments */
        total++;
        struct vtx v;
        memset(&v, 0, sizeof(v));
        const char *why = NULL;
        char buf[400];
        if (vtx_parse(&v, t, &why)) {
            const char *flag_str = json_string_value(json_array_get(t, 2));
            why = valid_file ? run_valid(&v, flag_str, buf, sizeof(buf)) : run_invalid(&v, flag_str, buf, sizeof(buf));
        }
        if (why) {
            char *dump = json_dumps(t, JSON_COMPACT);
            fprintf(stderr, "%s entry %zu FAILED: %s\n  %.600s\n", name, idx, why, dump);
            free(dump);
        } else {
            passed++;
        }
        vtx_clear(&v);
    }
    json_decref(root);
    printf("%s: %zu/%zu\n", name, passed, total);
    fflush(stdout);
    ck_assert_uint_eq(total, expected_total);
    ck_assert_msg(passed == total, "%zu of %zu %s cases failed", total - passed, total, name);
}

START_TEST(tx_valid_json)
{
    run_file("tx_valid.json", UNIT_DATA("bitcoin-core/tx_valid.json"), true, 121);
}
END_TEST

START_TEST(tx_invalid_json)
{
    run_file("tx_invalid.json", UNIT_DATA("bitcoin-core/tx_invalid.json"), false, 93);
}
END_TEST

/* Core's CheckMapFlagNames, adapted: every name parses to its bit, the 21
 * names cover bits 0..20 exactly, and unknown names are refused. */
START_TEST(flag_names)
{
    uint32_t seen = 0;
    for (size_t i = 0; i < N_FLAGS; i++) {
        uint32_t f;
        ck_assert_msg(script_flags_parse(&f, FLAG_NAMES[i].name), "%s", FLAG_NAMES[i].name);
        ck_assert_uint_eq(f, FLAG_NAMES[i].flag);
        ck_assert((seen & f) == 0);
        seen |= f;
    }
    ck_assert_uint_eq(seen, UNIT_CORE_FLAGS_ALL);
    uint32_t f;
    ck_assert(script_flags_parse(&f, "NONE") && f == 0);
    ck_assert(script_flags_parse(&f, "") && f == 0);
    ck_assert(script_flags_parse(&f, "P2SH,WITNESS") && f == (SCRIPT_VERIFY_P2SH | SCRIPT_VERIFY_WITNESS));
    ck_assert(!script_flags_parse(&f, "BADTX"));
    ck_assert(!script_flags_parse(&f, "P2SH,NOPE"));
}
END_TEST

static Suite *tx_vectors_suite(void)
{
    Suite *s = suite_create("tx_vectors");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, flag_names);
    tcase_add_test(tc, tx_valid_json);
    tcase_add_test(tc, tx_invalid_json);
    suite_add_tcase(s, tc);
    return s;
}

UNIT_MAIN(tx_vectors_suite)
