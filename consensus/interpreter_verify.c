/* Bitcoin's VerifyScript: scriptSig then scriptPubKey, P2SH, segwit v0
 * (BIP 141/143), taproot key and script paths (BIP 341/342), and hashmint's
 * TOKENS extension prefix. The opcode loop is in interpreter.c. */
#include "consensus/interpreter.h"

#include <string.h>

#include "consensus/interpreter_internal.h"
#include "consensus/script.h"
#include "consensus/token_prefix.h"
#include "src/crypto/keys.h"
#include "src/crypto/sha256.h"
#include "src/util/bytes.h"

#define ANNEX_TAG 0x50
#define TAPROOT_LEAF_MASK 0xfe
#define TAPROOT_LEAF_TAPSCRIPT 0xc0
#define TAPROOT_CONTROL_BASE_SIZE 33
#define TAPROOT_CONTROL_NODE_SIZE 32
#define TAPROOT_CONTROL_MAX_NODE_COUNT 128
#define TAPROOT_CONTROL_MAX_SIZE (TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * TAPROOT_CONTROL_MAX_NODE_COUNT)
/* BIP 342: the signature budget is the witness size plus this. */
#define VALIDATION_WEIGHT_OFFSET 50
/* Elements kept in C-stack storage before a stack moves to the heap. */
#define STACK_INLINE 16

static bool set_err(enum script_error *err, enum script_error e)
{
    *err = e;
    return false;
}

static bool set_ok(enum script_error *err)
{
    *err = SCRIPT_ERR_OK;
    return true;
}

/* Where signature hashes find the extension prefix (NULL/0 without TOKENS). */
struct code_prefix {
    const uint8_t *p;
    size_t len;
};

/*
 * Core's ExecuteWitnessScript: runs exec_script on the given witness items
 * (a view, not consumed) and requires exactly one true element at the end.
 */
static bool execute_witness_script(const struct bytes *items, size_t count, const uint8_t *script, size_t script_len,
                                   uint32_t flags, enum sig_version sigversion, const struct sig_checker *checker,
                                   struct script_exec_data *execdata, const struct code_prefix *prefix,
                                   enum script_error *err)
{
    script = bytes_or_empty(script);
    if (sigversion == SIGVERSION_TAPSCRIPT) {
        /* OP_SUCCESSx anywhere (before a parse error) makes the script succeed,
         * overriding every other rule, stack limits included. */
        const uint8_t *pc = script, *end = script + script_len;
        while (pc < end) {
            enum opcode op;
            if (!script_get_op(&pc, end, &op, NULL, NULL))
                return set_err(err, SCRIPT_ERR_BAD_OPCODE);
            if (script_is_op_success(op)) {
                if (flags & SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS)
                    return set_err(err, SCRIPT_ERR_DISCOURAGE_OP_SUCCESS);
                return set_ok(err);
            }
        }
        /* Tapscript bounds the initial stack (the altstack is empty here). */
        if (count > MAX_STACK_SIZE)
            return set_err(err, SCRIPT_ERR_STACK_SIZE);
    }
    for (size_t i = 0; i < count; i++) {
        if (items[i].len > MAX_SCRIPT_ELEMENT_SIZE)
            return set_err(err, SCRIPT_ERR_PUSH_SIZE);
    }

    struct stack_elem storage[STACK_INLINE];
    struct interp_stack stack;
    interp_stack_init(&stack, storage, STACK_INLINE);
    interp_stack_reserve(&stack, count);
    for (size_t i = 0; i < count; i++)
        interp_stack_push_view(&stack, items[i].data, items[i].len);
    bool ok = interp_eval(&stack, script, script_len, flags, checker, sigversion, execdata, prefix->p, prefix->len, err);
    if (ok) {
        /* Witness scripts imply CLEANSTACK. */
        if (stack.size != 1)
            ok = set_err(err, SCRIPT_ERR_CLEANSTACK);
        else if (!interp_cast_to_bool(&stack.v[0]))
            ok = set_err(err, SCRIPT_ERR_EVAL_FALSE);
    }
    interp_stack_clear(&stack);
    return ok;
}

static void tapleaf_hash(uint8_t out[32], uint8_t leaf_version, const uint8_t *script, size_t len)
{
    struct sha256_ctx ctx;
    uint8_t hdr[1 + 9];
    size_t n = 0;
    hdr[n++] = leaf_version;
    /* CompactSize of the script length */
    if (len < 253) {
        hdr[n++] = (uint8_t)len;
    } else if (len <= 0xffff) {
        hdr[n++] = 253;
        hdr[n++] = (uint8_t)len;
        hdr[n++] = (uint8_t)(len >> 8);
    } else if (len <= 0xffffffffu) {
        hdr[n++] = 254;
        for (int i = 0; i < 4; i++)
            hdr[n++] = (uint8_t)(len >> (8 * i));
    } else {
        hdr[n++] = 255;
        for (int i = 0; i < 8; i++)
            hdr[n++] = (uint8_t)((uint64_t)len >> (8 * i));
    }
    sha256_tagged_init(&ctx, "TapLeaf");
    sha256_write(&ctx, hdr, n);
    sha256_write(&ctx, script, len);
    sha256_finalize(&ctx, out);
}

/* BIP 341 Merkle root from a leaf hash and the control block's path (sorted pairs). */
static void taproot_merkle_root(uint8_t out[32], const uint8_t *control, size_t control_len, const uint8_t leaf[32])
{
    uint8_t k[32];
    memcpy(k, leaf, 32);
    size_t path_len = (control_len - TAPROOT_CONTROL_BASE_SIZE) / TAPROOT_CONTROL_NODE_SIZE;
    for (size_t i = 0; i < path_len; i++) {
        const uint8_t *node = control + TAPROOT_CONTROL_BASE_SIZE + TAPROOT_CONTROL_NODE_SIZE * i;
        struct sha256_ctx ctx;
        sha256_tagged_init(&ctx, "TapBranch");
        if (memcmp(k, node, 32) < 0) {
            sha256_write(&ctx, k, 32);
            sha256_write(&ctx, node, 32);
        } else {
            sha256_write(&ctx, node, 32);
            sha256_write(&ctx, k, 32);
        }
        sha256_finalize(&ctx, k);
    }
    memcpy(out, k, 32);
}

/* Serialized size of a witness stack (CompactSize count, then each item with its length). */
static size_t witness_serialized_size(const struct witness *w)
{
    size_t n = compact_size_len(w->count);
    for (size_t i = 0; i < w->count; i++)
        n += compact_size_len(w->items[i].len) + w->items[i].len;
    return n;
}

static bool verify_taproot(const struct witness *witness, const uint8_t *program, uint32_t flags,
                           const struct sig_checker *checker, enum script_error *err)
{
    size_t count = witness->count;
    const struct bytes *items = witness->items;
    struct script_exec_data execdata;
    memset(&execdata, 0, sizeof execdata);
    if (count == 0)
        return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY);
    /* An annex: a last element starting with 0x50, when there are at least two. */
    if (count >= 2 && items[count - 1].len > 0 && items[count - 1].data[0] == ANNEX_TAG) {
        const struct bytes *annex = &items[count - 1];
        uint8_t len_buf[9];
        size_t len_n = 0;
        uint64_t l = annex->len;
        if (l < 253) {
            len_buf[len_n++] = (uint8_t)l;
        } else if (l <= 0xffff) {
            len_buf[len_n++] = 253;
            len_buf[len_n++] = (uint8_t)l;
            len_buf[len_n++] = (uint8_t)(l >> 8);
        } else if (l <= 0xffffffffu) {
            len_buf[len_n++] = 254;
            for (int i = 0; i < 4; i++)
                len_buf[len_n++] = (uint8_t)(l >> (8 * i));
        } else {
            len_buf[len_n++] = 255;
            for (int i = 0; i < 8; i++)
                len_buf[len_n++] = (uint8_t)(l >> (8 * i));
        }
        struct sha256_ctx ctx;
        sha256_init(&ctx);
        sha256_write(&ctx, len_buf, len_n);
        sha256_write(&ctx, annex->data, annex->len);
        sha256_finalize(&ctx, execdata.annex_hash);
        execdata.annex_present = true;
        count--;
    }
    execdata.annex_init = true;

    if (count == 1) {
        /* Key path. */
        enum script_error e = SCRIPT_ERR_SCHNORR_SIG;
        if (!checker->check_schnorr(checker->ctx, items[0].data, items[0].len, program, SIGVERSION_TAPROOT, &execdata,
                                    &e))
            return set_err(err, e == SCRIPT_ERR_OK ? SCRIPT_ERR_SCHNORR_SIG : e);
        return set_ok(err);
    }

    /* Script path: ... script control [annex]. */
    const struct bytes *control = &items[count - 1];
    const struct bytes *script = &items[count - 2];
    count -= 2;
    if (control->len < TAPROOT_CONTROL_BASE_SIZE || control->len > TAPROOT_CONTROL_MAX_SIZE ||
        (control->len - TAPROOT_CONTROL_BASE_SIZE) % TAPROOT_CONTROL_NODE_SIZE != 0)
        return set_err(err, SCRIPT_ERR_TAPROOT_WRONG_CONTROL_SIZE);
    uint8_t leaf_version = control->data[0] & TAPROOT_LEAF_MASK;
    tapleaf_hash(execdata.tapleaf_hash, leaf_version, script->data, script->len);
    uint8_t root[32];
    taproot_merkle_root(root, control->data, control->len, execdata.tapleaf_hash);
    if (!keys_taproot_tweak_check(program, control->data[0] & 1, control->data + 1, root))
        return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
    execdata.tapleaf_hash_init = true;
    if (leaf_version == TAPROOT_LEAF_TAPSCRIPT) {
        execdata.validation_weight_left = (int64_t)witness_serialized_size(witness) + VALIDATION_WEIGHT_OFFSET;
        execdata.validation_weight_left_init = true;
        /* Taproot signatures commit to the whole scriptPubKey: no scriptCode prefix. */
        static const struct code_prefix none = { NULL, 0 };
        return execute_witness_script(items, count, script->data, script->len, flags, SIGVERSION_TAPSCRIPT, checker,
                                      &execdata, &none, err);
    }
    /* Unknown leaf versions are anyone-can-spend, reserved for upgrades. */
    if (flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION)
        return set_err(err, SCRIPT_ERR_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION);
    return set_ok(err);
}

/* Core's VerifyWitnessProgram. */
static bool verify_witness_program(const struct witness *witness, int version, const uint8_t *program,
                                   size_t program_len, uint32_t flags, const struct sig_checker *checker, bool is_p2sh,
                                   const struct code_prefix *prefix, enum script_error *err)
{
    struct script_exec_data execdata;
    memset(&execdata, 0, sizeof execdata);
    if (version == 0) {
        if (program_len == WITNESS_V0_SCRIPTHASH_SIZE) {
            if (witness->count == 0)
                return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_WITNESS_EMPTY);
            const struct bytes *ws = &witness->items[witness->count - 1];
            uint8_t h[32];
            sha256(h, ws->data, ws->len);
            if (memcmp(h, program, 32) != 0)
                return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
            return execute_witness_script(witness->items, witness->count - 1, ws->data, ws->len, flags,
                                          SIGVERSION_WITNESS_V0, checker, &execdata, prefix, err);
        }
        if (program_len == WITNESS_V0_KEYHASH_SIZE) {
            if (witness->count != 2)
                return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_MISMATCH);
            /* OP_DUP OP_HASH160 <program> OP_EQUALVERIFY OP_CHECKSIG */
            uint8_t s[25];
            s[0] = OP_DUP;
            s[1] = OP_HASH160;
            s[2] = 20;
            memcpy(s + 3, program, 20);
            s[23] = OP_EQUALVERIFY;
            s[24] = OP_CHECKSIG;
            return execute_witness_script(witness->items, 2, s, sizeof s, flags, SIGVERSION_WITNESS_V0, checker,
                                          &execdata, prefix, err);
        }
        return set_err(err, SCRIPT_ERR_WITNESS_PROGRAM_WRONG_LENGTH);
    }
    if (version == 1 && program_len == WITNESS_V1_TAPROOT_SIZE && !is_p2sh) {
        if (!(flags & SCRIPT_VERIFY_TAPROOT))
            return set_ok(err);
        return verify_taproot(witness, program, flags, checker, err);
    }
    /* Other versions and lengths are reserved for upgrades. */
    if (flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM)
        return set_err(err, SCRIPT_ERR_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM);
    return set_ok(err);
}

/* True if script_sig is exactly one minimal push (as CScript << data) of data. */
static bool is_single_push_of(const uint8_t *script_sig, size_t sig_len, const uint8_t *data, size_t len)
{
    size_t h;
    if (len < OP_PUSHDATA1)
        h = 1;
    else if (len <= 0xff)
        h = 2;
    else if (len <= 0xffff)
        h = 3;
    else
        h = 5;
    if (sig_len != h + len)
        return false;
    const uint8_t *pc = script_sig;
    enum opcode op;
    const uint8_t *d;
    size_t n;
    if (!script_get_op(&pc, script_sig + sig_len, &op, &d, &n))
        return false;
    bool header_ok = (h == 1 && op == (enum opcode)len) || (h == 2 && op == OP_PUSHDATA1) ||
                     (h == 3 && op == OP_PUSHDATA2) || (h == 5 && op == OP_PUSHDATA4);
    return header_ok && n == len && (len == 0 || memcmp(d, data, len) == 0);
}

static bool verify(const uint8_t *script_sig, size_t script_sig_len, const uint8_t *spk, size_t spk_len,
                   const struct witness *witness, uint32_t flags, const struct sig_checker *checker,
                   struct interp_stack *stack, struct interp_stack *copy, enum script_error *err)
{
    static const struct witness empty_witness = { NULL, 0 };
    if (!witness)
        witness = &empty_witness;
    script_sig = bytes_or_empty(script_sig);
    spk = bytes_or_empty(spk);
    struct code_prefix prefix = { NULL, 0 };
    if (flags & SCRIPT_VERIFY_TOKENS) {
        struct token_prefix tp;
        size_t prefix_len;
        enum token_parse_result r = token_prefix_parse(&tp, &prefix_len, spk, spk_len);
        if (r == TOKEN_PREFIX_INVALID)
            return set_err(err, SCRIPT_ERR_TOKEN_PREFIX);
        if (r == TOKEN_PREFIX_OK) {
            /* Execute and recognise templates on the locking script only. */
            prefix.p = spk;
            prefix.len = prefix_len;
            spk += prefix_len;
            spk_len -= prefix_len;
        }
    }
    struct script_exec_data execdata;
    memset(&execdata, 0, sizeof execdata);
    bool had_witness = false;

    if ((flags & SCRIPT_VERIFY_SIGPUSHONLY) && !script_is_push_only(script_sig, script_sig_len))
        return set_err(err, SCRIPT_ERR_SIG_PUSHONLY);

    if (!interp_eval(stack, script_sig, script_sig_len, flags, checker, SIGVERSION_BASE, &execdata, prefix.p, prefix.len,
                     err))
        return false;
    if (flags & SCRIPT_VERIFY_P2SH)
        interp_stack_copy(copy, stack);
    if (!interp_eval(stack, spk, spk_len, flags, checker, SIGVERSION_BASE, &execdata, prefix.p, prefix.len, err))
        return false;
    if (stack->size == 0 || !interp_cast_to_bool(&stack->v[stack->size - 1]))
        return set_err(err, SCRIPT_ERR_EVAL_FALSE);

    int version;
    const uint8_t *program;
    size_t program_len;
    if ((flags & SCRIPT_VERIFY_WITNESS) && script_is_witness_program(spk, spk_len, &version, &program, &program_len)) {
        had_witness = true;
        /* Native witness spends need an empty scriptSig (no malleability). */
        if (script_sig_len != 0)
            return set_err(err, SCRIPT_ERR_WITNESS_MALLEATED);
        if (!verify_witness_program(witness, version, program, program_len, flags, checker, false, &prefix, err))
            return false;
        /* Bypass the cleanstack check: the witness already enforced it. */
        stack->size = 1;
    }

    if ((flags & SCRIPT_VERIFY_P2SH) && script_is_p2sh(spk, spk_len)) {
        if (!script_is_push_only(script_sig, script_sig_len))
            return set_err(err, SCRIPT_ERR_SIG_PUSHONLY);
        struct interp_stack *s = copy;
        /* Not empty: the scriptPubKey succeeded on the same stack. */
        struct stack_elem redeem_elem = s->v[s->size - 1];
        s->size--;
        /* The element may be inline (OP_n); keep its bytes stable while the stack changes. */
        const uint8_t *redeem = elem_data(&redeem_elem);
        size_t redeem_len = redeem_elem.len;
        if (!interp_eval(s, redeem, redeem_len, flags, checker, SIGVERSION_BASE, &execdata, prefix.p, prefix.len, err))
            return false;
        if (s->size == 0 || !interp_cast_to_bool(&s->v[s->size - 1]))
            return set_err(err, SCRIPT_ERR_EVAL_FALSE);
        if ((flags & SCRIPT_VERIFY_WITNESS) &&
            script_is_witness_program(redeem, redeem_len, &version, &program, &program_len)) {
            had_witness = true;
            /* The scriptSig must be exactly the push of the redeem script. */
            if (!is_single_push_of(script_sig, script_sig_len, redeem, redeem_len))
                return set_err(err, SCRIPT_ERR_WITNESS_MALLEATED_P2SH);
            if (!verify_witness_program(witness, version, program, program_len, flags, checker, true, &prefix, err))
                return false;
            s->size = 1;
        }
        /* From here on the P2SH stack is the result. */
        struct interp_stack t = *stack;
        *stack = *copy;
        *copy = t;
    }

    if ((flags & SCRIPT_VERIFY_CLEANSTACK) && stack->size != 1)
        return set_err(err, SCRIPT_ERR_CLEANSTACK);

    if ((flags & SCRIPT_VERIFY_WITNESS) && !had_witness && witness->count != 0)
        return set_err(err, SCRIPT_ERR_WITNESS_UNEXPECTED);

    return set_ok(err);
}

bool script_verify(const uint8_t *script_sig, size_t script_sig_len, const uint8_t *spk, size_t spk_len,
                   const struct witness *witness, uint32_t flags, const struct sig_checker *checker,
                   enum script_error *err)
{
    enum script_error local;
    if (!err)
        err = &local;
    *err = SCRIPT_ERR_UNKNOWN_ERROR;
    if (!checker)
        checker = &SIG_CHECKER_NONE;
    struct stack_elem main_storage[STACK_INLINE], copy_storage[STACK_INLINE];
    struct interp_stack stack, copy;
    interp_stack_init(&stack, main_storage, STACK_INLINE);
    interp_stack_init(&copy, copy_storage, STACK_INLINE);
    bool ok = verify(script_sig, script_sig_len, spk, spk_len, witness, flags, checker, &stack, &copy, err);
    interp_stack_clear(&stack);
    interp_stack_clear(&copy);
    return ok;
}

/* ---- flags --------------------------------------------------------------- */

static const struct {
    const char *name;
    uint32_t flag;
} FLAG_NAMES[] = {
    { "NONE", SCRIPT_VERIFY_NONE },
    { "P2SH", SCRIPT_VERIFY_P2SH },
    { "STRICTENC", SCRIPT_VERIFY_STRICTENC },
    { "DERSIG", SCRIPT_VERIFY_DERSIG },
    { "LOW_S", SCRIPT_VERIFY_LOW_S },
    { "NULLDUMMY", SCRIPT_VERIFY_NULLDUMMY },
    { "SIGPUSHONLY", SCRIPT_VERIFY_SIGPUSHONLY },
    { "MINIMALDATA", SCRIPT_VERIFY_MINIMALDATA },
    { "DISCOURAGE_UPGRADABLE_NOPS", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS },
    { "CLEANSTACK", SCRIPT_VERIFY_CLEANSTACK },
    { "CHECKLOCKTIMEVERIFY", SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY },
    { "CHECKSEQUENCEVERIFY", SCRIPT_VERIFY_CHECKSEQUENCEVERIFY },
    { "WITNESS", SCRIPT_VERIFY_WITNESS },
    { "DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_WITNESS_PROGRAM },
    { "MINIMALIF", SCRIPT_VERIFY_MINIMALIF },
    { "NULLFAIL", SCRIPT_VERIFY_NULLFAIL },
    { "WITNESS_PUBKEYTYPE", SCRIPT_VERIFY_WITNESS_PUBKEYTYPE },
    { "CONST_SCRIPTCODE", SCRIPT_VERIFY_CONST_SCRIPTCODE },
    { "TAPROOT", SCRIPT_VERIFY_TAPROOT },
    { "DISCOURAGE_UPGRADABLE_TAPROOT_VERSION", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_TAPROOT_VERSION },
    { "DISCOURAGE_OP_SUCCESS", SCRIPT_VERIFY_DISCOURAGE_OP_SUCCESS },
    { "DISCOURAGE_UPGRADABLE_PUBKEYTYPE", SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE },
    { "TOKENS", SCRIPT_VERIFY_TOKENS },
};

bool script_flags_parse(uint32_t *out, const char *s)
{
    uint32_t flags = 0;
    *out = 0;
    while (*s) {
        while (*s == ' ')
            s++;
        const char *end = s;
        while (*end && *end != ',')
            end++;
        size_t len = (size_t)(end - s);
        while (len && s[len - 1] == ' ')
            len--;
        bool found = false;
        for (size_t i = 0; i < sizeof FLAG_NAMES / sizeof FLAG_NAMES[0]; i++) {
            if (strlen(FLAG_NAMES[i].name) == len && memcmp(FLAG_NAMES[i].name, s, len) == 0) {
                flags |= FLAG_NAMES[i].flag;
                found = true;
                break;
            }
        }
        if (!found)
            return false;
        s = *end ? end + 1 : end;
    }
    *out = flags;
    return true;
}

/* ---- the checker that refuses everything --------------------------------- */

static bool none_ecdsa(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t *pubkey, size_t pubkey_len,
                       const uint8_t *script_code, size_t script_code_len, enum sig_version sigversion)
{
    (void)ctx, (void)sig, (void)sig_len, (void)pubkey, (void)pubkey_len, (void)script_code, (void)script_code_len;
    (void)sigversion;
    return false;
}

static bool none_schnorr(void *ctx, const uint8_t *sig, size_t sig_len, const uint8_t pubkey[32],
                         enum sig_version sigversion, const struct script_exec_data *execdata, enum script_error *err)
{
    (void)ctx, (void)sig, (void)sig_len, (void)pubkey, (void)sigversion, (void)execdata;
    if (err)
        *err = SCRIPT_ERR_SCHNORR_SIG;
    return false;
}

static bool none_locktime(void *ctx, int64_t v)
{
    (void)ctx, (void)v;
    return false;
}

const struct sig_checker SIG_CHECKER_NONE = {
    .ctx = NULL,
    .check_ecdsa = none_ecdsa,
    .check_schnorr = none_schnorr,
    .check_locktime = none_locktime,
    .check_sequence = none_locktime,
};
