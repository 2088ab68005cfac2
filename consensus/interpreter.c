/* Bitcoin's EvalScript: the opcode loop for legacy, witness v0 and tapscript
 * code, with Bitcoin Core's semantics and error precedence. script_verify
 * and the witness/taproot rules are in interpreter_verify.c. */
#include "consensus/interpreter.h"

#include "consensus/interpreter_internal.h"
#include "consensus/script.h"
#include "src/crypto/keys.h"
#include "src/crypto/ripemd160.h"
#include "src/crypto/sha1.h"
#include "src/crypto/sha256.h"
#include "src/util/alloc.h"
#include "src/util/bytes.h"

#define SEQUENCE_LOCKTIME_DISABLE_FLAG (UINT64_C(1) << 31)
/* BIP 342: each executed signature check with a non-empty signature costs this much budget. */
#define VALIDATION_WEIGHT_PER_SIGOP_PASSED 50
/* Longest push serialisation of a stack element (PUSHDATA2 header + 520 bytes). */
#define MAX_PATTERN_SIZE (3 + MAX_SCRIPT_ELEMENT_SIZE)

/* ---- stack helpers ---------------------------------------------------- */

static inline struct stack_elem *top(struct interp_stack *s, size_t i)
{
    return &s->v[s->size - i];
}

static inline void pop(struct interp_stack *s)
{
    s->size--;
}

static inline void push_elem(struct interp_stack *s, const struct stack_elem *e)
{
    interp_stack_reserve(s, 1);
    s->v[s->size++] = *e;
}

static void push_bytes(struct interp_stack *s, const uint8_t *p, size_t len)
{
    interp_stack_reserve(s, 1);
    struct stack_elem *e = &s->v[s->size++];
    e->ext = NULL;
    e->len = (uint32_t)len;
    if (len)
        memcpy(e->buf, p, len);
}

static void push_num(struct interp_stack *s, int64_t n)
{
    uint8_t buf[9];
    size_t len = script_num_encode(buf, n);
    push_bytes(s, buf, len);
}

static void push_bool(struct interp_stack *s, bool v)
{
    static const uint8_t ONE = 1;
    push_bytes(s, &ONE, v ? 1 : 0);
}

/* Removes the element at index i (0 = bottom). */
static void erase_at(struct interp_stack *s, size_t i)
{
    memmove(&s->v[i], &s->v[i + 1], (s->size - i - 1) * sizeof *s->v);
    s->size--;
}

static bool elem_eq(const struct stack_elem *a, const struct stack_elem *b)
{
    return a->len == b->len && (a->len == 0 || memcmp(elem_data(a), elem_data(b), a->len) == 0);
}

/* ---- the condition stack (Core's ConditionStack) ------------------------ */

/* Only "all true?" is ever observed, so a size and the position of the first
 * false entry represent the whole IF/ELSE nesting. */
#define NO_FALSE UINT32_MAX
struct cond_stack {
    uint32_t size;
    uint32_t first_false;
};

static void cond_push(struct cond_stack *c, bool v)
{
    if (c->first_false == NO_FALSE && !v)
        c->first_false = c->size;
    c->size++;
}

static void cond_pop(struct cond_stack *c)
{
    c->size--;
    if (c->first_false == c->size)
        c->first_false = NO_FALSE;
}

static void cond_toggle(struct cond_stack *c)
{
    if (c->first_false == NO_FALSE)
        c->first_false = c->size - 1;
    else if (c->first_false == c->size - 1)
        c->first_false = NO_FALSE;
    /* else: a deeper entry is false; toggling the top is unobservable */
}

/* ---- signature-related encoding rules ----------------------------------- */

static bool set_err(enum script_error *err, enum script_error e)
{
    *err = e;
    return false;
}

static bool check_sig_encoding(const struct stack_elem *sig, uint32_t flags, enum script_error *err)
{
    /* An empty signature is the compact way to fail a CHECK(MULTI)SIG. */
    if (sig->len == 0)
        return true;
    const uint8_t *p = elem_data(sig);
    if ((flags & (SCRIPT_VERIFY_DERSIG | SCRIPT_VERIFY_LOW_S | SCRIPT_VERIFY_STRICTENC)) &&
        !script_sig_der_is_valid(p, sig->len))
        return set_err(err, SCRIPT_ERR_SIG_DER);
    if ((flags & SCRIPT_VERIFY_LOW_S) && !keys_ecdsa_sig_has_low_s(p, sig->len - 1))
        return set_err(err, SCRIPT_ERR_SIG_HIGH_S);
    if ((flags & SCRIPT_VERIFY_STRICTENC) && !script_sig_hashtype_is_defined(p, sig->len))
        return set_err(err, SCRIPT_ERR_SIG_HASHTYPE);
    return true;
}

static bool is_compressed_or_uncompressed(const struct stack_elem *pub)
{
    const uint8_t *p = elem_data(pub);
    if (pub->len < 33)
        return false;
    if (p[0] == 0x04)
        return pub->len == 65;
    if (p[0] == 0x02 || p[0] == 0x03)
        return pub->len == 33;
    return false;
}

static bool check_pubkey_encoding(const struct stack_elem *pub, uint32_t flags, enum sig_version sigversion,
                                  enum script_error *err)
{
    if ((flags & SCRIPT_VERIFY_STRICTENC) && !is_compressed_or_uncompressed(pub))
        return set_err(err, SCRIPT_ERR_PUBKEYTYPE);
    /* Segwit v0 accepts compressed keys only (policy, BIP 143). */
    if ((flags & SCRIPT_VERIFY_WITNESS_PUBKEYTYPE) && sigversion == SIGVERSION_WITNESS_V0 &&
        !(pub->len == 33 && (elem_data(pub)[0] == 0x02 || elem_data(pub)[0] == 0x03)))
        return set_err(err, SCRIPT_ERR_WITNESS_PUBKEYTYPE);
    return true;
}

static bool check_minimal_push(const uint8_t *data, size_t len, enum opcode op)
{
    if (len == 0)
        return op == OP_0;
    if (len == 1 && data[0] >= 1 && data[0] <= 16)
        return (unsigned)op == (unsigned)OP_1 + data[0] - 1u;
    if (len == 1 && data[0] == 0x81)
        return op == OP_1NEGATE;
    if (len <= 75)
        return op == (enum opcode)len;
    if (len <= 255)
        return op == OP_PUSHDATA1;
    if (len <= 65535)
        return op == OP_PUSHDATA2;
    return true;
}

/* ---- scriptCode: FindAndDelete and the extension prefix ------------------ */

/* The serialisation of `CScript() << sig`: the signature as one push. */
static size_t sig_pattern(uint8_t out[MAX_PATTERN_SIZE], const struct stack_elem *sig)
{
    size_t n = sig->len, h;
    if (n < OP_PUSHDATA1) {
        out[0] = (uint8_t)n;
        h = 1;
    } else if (n <= 0xff) {
        out[0] = OP_PUSHDATA1;
        out[1] = (uint8_t)n;
        h = 2;
    } else {
        out[0] = OP_PUSHDATA2;
        out[1] = (uint8_t)n;
        out[2] = (uint8_t)(n >> 8);
        h = 3;
    }
    if (n)
        memcpy(out + h, elem_data(sig), n);
    return h + n;
}

/*
 * Core's FindAndDelete: removes every occurrence of pat that starts at an
 * operation boundary of src (consecutive occurrences included). Writes the
 * result to dst (which may equal src: the write position never passes the
 * read position) unless dst is NULL. Returns the number of occurrences and
 * the result length in *out_len.
 */
static size_t find_and_delete(uint8_t *dst, size_t *out_len, const uint8_t *src, size_t len, const uint8_t *pat,
                              size_t pat_len)
{
    size_t found = 0, w = 0;
    const uint8_t *pc = src, *end = src + len, *keep = src;
    enum opcode op;
    do {
        if (dst && pc > keep) {
            memmove(dst + w, keep, (size_t)(pc - keep));
        }
        w += (size_t)(pc - keep);
        while ((size_t)(end - pc) >= pat_len && memcmp(pc, pat, pat_len) == 0) {
            pc += pat_len;
            found++;
        }
        keep = pc;
    } while (script_get_op(&pc, end, &op, NULL, NULL));
    if (dst && end > keep)
        memmove(dst + w, keep, (size_t)(end - keep));
    w += (size_t)(end - keep);
    *out_len = found ? w : len;
    return found;
}

struct eval_ctx {
    const uint8_t *script;
    const uint8_t *end;
    const uint8_t *codehash; /* scriptCode starts here (after the last OP_CODESEPARATOR) */
    uint32_t flags;
    enum sig_version sigversion;
    const struct sig_checker *checker;
    struct script_exec_data *execdata;
    const uint8_t *prefix;
    size_t prefix_len;
    /* scratch for built scriptCodes: small inline, heap when larger */
    uint8_t *code_buf;
    size_t code_cap;
    uint8_t code_small[256];
};

static uint8_t *code_scratch(struct eval_ctx *c, size_t need)
{
    if (need <= sizeof c->code_small)
        return c->code_small;
    if (c->code_cap < need) {
        mem_free(c->code_buf);
        c->code_buf = mem_alloc(need);
        c->code_cap = need;
    }
    return c->code_buf;
}

/*
 * Builds the scriptCode for n signatures (CHECKSIG: 1; CHECKMULTISIG: all):
 * script from the last code separator, each signature FindAndDelete'd in
 * legacy code, the extension prefix in front. Out: *code, *code_len.
 */
static bool build_script_code(struct eval_ctx *c, const struct stack_elem *const *sigs, size_t n, const uint8_t **code,
                              size_t *code_len, enum script_error *err)
{
    const uint8_t *cur = c->codehash;
    size_t cur_len = (size_t)(c->end - c->codehash);
    uint8_t *buf = NULL; /* once set, cur == buf + prefix_len and edits are in place */
    if (c->sigversion == SIGVERSION_BASE) {
        for (size_t k = 0; k < n; k++) {
            uint8_t pat[MAX_PATTERN_SIZE];
            size_t pat_len = sig_pattern(pat, sigs[k]);
            size_t new_len;
            size_t found = find_and_delete(NULL, &new_len, cur, cur_len, pat, pat_len);
            if (!found)
                continue;
            if (c->flags & SCRIPT_VERIFY_CONST_SCRIPTCODE)
                return set_err(err, SCRIPT_ERR_SIG_FINDANDDELETE);
            if (!buf) {
                buf = code_scratch(c, c->prefix_len + cur_len);
                find_and_delete(buf + c->prefix_len, &new_len, cur, cur_len, pat, pat_len);
                cur = buf + c->prefix_len;
            } else {
                find_and_delete(buf + c->prefix_len, &new_len, cur, cur_len, pat, pat_len);
            }
            cur_len = new_len;
        }
    }
    if (c->prefix_len) {
        if (!buf) {
            buf = code_scratch(c, c->prefix_len + cur_len);
            memcpy(buf + c->prefix_len, cur, cur_len);
        }
        memcpy(buf, c->prefix, c->prefix_len);
        *code = buf;
        *code_len = c->prefix_len + cur_len;
    } else {
        *code = cur;
        *code_len = cur_len;
    }
    return true;
}

/* CHECKSIG for legacy and witness v0 code (Core's EvalChecksigPreTapscript). */
static bool checksig_ecdsa(struct eval_ctx *c, const struct stack_elem *sig, const struct stack_elem *pub, bool *success,
                           enum script_error *err)
{
    const uint8_t *code;
    size_t code_len;
    if (!build_script_code(c, &sig, 1, &code, &code_len, err))
        return false;
    if (!check_sig_encoding(sig, c->flags, err) || !check_pubkey_encoding(pub, c->flags, c->sigversion, err))
        return false;
    *success = sig->len > 0 && c->checker->check_ecdsa(c->checker->ctx, elem_data(sig), sig->len, elem_data(pub),
                                                       pub->len, code, code_len, c->sigversion);
    if (!*success && (c->flags & SCRIPT_VERIFY_NULLFAIL) && sig->len)
        return set_err(err, SCRIPT_ERR_SIG_NULLFAIL);
    return true;
}

/* CHECKSIG/CHECKSIGVERIFY/CHECKSIGADD in tapscript (Core's EvalChecksigTapscript). */
static bool checksig_tapscript(struct eval_ctx *c, const struct stack_elem *sig, const struct stack_elem *pub,
                               bool *success, enum script_error *err)
{
    /* Order matters for consensus: the budget is charged first, unknown
     * key types pass, an empty key fails, a non-empty bad signature fails. */
    *success = sig->len > 0;
    if (*success) {
        c->execdata->validation_weight_left -= VALIDATION_WEIGHT_PER_SIGOP_PASSED;
        if (c->execdata->validation_weight_left < 0)
            return set_err(err, SCRIPT_ERR_TAPSCRIPT_VALIDATION_WEIGHT);
    }
    if (pub->len == 0)
        return set_err(err, SCRIPT_ERR_TAPSCRIPT_EMPTY_PUBKEY);
    if (pub->len == 32) {
        if (*success) {
            enum script_error e = SCRIPT_ERR_SCHNORR_SIG;
            if (!c->checker->check_schnorr(c->checker->ctx, elem_data(sig), sig->len, elem_data(pub),
                                           SIGVERSION_TAPSCRIPT, c->execdata, &e))
                return set_err(err, e == SCRIPT_ERR_OK ? SCRIPT_ERR_SCHNORR_SIG : e);
        }
    } else if (c->flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_PUBKEYTYPE) {
        return set_err(err, SCRIPT_ERR_DISCOURAGE_UPGRADABLE_PUBKEYTYPE);
    }
    return true;
}

static bool checksig(struct eval_ctx *c, const struct stack_elem *sig, const struct stack_elem *pub, bool *success,
                     enum script_error *err)
{
    if (c->sigversion == SIGVERSION_TAPSCRIPT)
        return checksig_tapscript(c, sig, pub, success, err);
    return checksig_ecdsa(c, sig, pub, success, err);
}

/* CHECKMULTISIG(VERIFY), exactly Core's loop including the dummy element. */
static bool checkmultisig(struct eval_ctx *c, struct interp_stack *stack, bool verify, int *op_count,
                          enum script_error *err)
{
    bool minimal = (c->flags & SCRIPT_VERIFY_MINIMALDATA) != 0;
    size_t i = 1;
    if (stack->size < i)
        return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);
    int64_t keys;
    if (!script_num_decode(&keys, elem_data(top(stack, i)), top(stack, i)->len, minimal, 4))
        return set_err(err, SCRIPT_ERR_SCRIPTNUM);
    if (keys < 0 || keys > MAX_PUBKEYS_PER_MULTISIG)
        return set_err(err, SCRIPT_ERR_PUBKEY_COUNT);
    *op_count += (int)keys;
    if (*op_count > MAX_OPS_PER_SCRIPT)
        return set_err(err, SCRIPT_ERR_OP_COUNT);
    size_t ikey = ++i;
    /* ikey2 counts the keys left to pop, for NULLFAIL's "signatures only" rule. */
    size_t ikey2 = (size_t)keys + 2;
    i += (size_t)keys;
    if (stack->size < i)
        return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);
    int64_t sigs;
    if (!script_num_decode(&sigs, elem_data(top(stack, i)), top(stack, i)->len, minimal, 4))
        return set_err(err, SCRIPT_ERR_SCRIPTNUM);
    if (sigs < 0 || sigs > keys)
        return set_err(err, SCRIPT_ERR_SIG_COUNT);
    size_t isig = ++i;
    i += (size_t)sigs;
    if (stack->size < i)
        return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);

    const struct stack_elem *sig_list[MAX_PUBKEYS_PER_MULTISIG];
    for (int64_t k = 0; k < sigs; k++)
        sig_list[k] = top(stack, isig + (size_t)k);
    const uint8_t *code;
    size_t code_len;
    if (!build_script_code(c, sig_list, (size_t)sigs, &code, &code_len, err))
        return false;

    bool success = true;
    while (success && sigs > 0) {
        const struct stack_elem *sig = top(stack, isig);
        const struct stack_elem *pub = top(stack, ikey);
        if (!check_sig_encoding(sig, c->flags, err) || !check_pubkey_encoding(pub, c->flags, c->sigversion, err))
            return false;
        bool ok = sig->len > 0 && c->checker->check_ecdsa(c->checker->ctx, elem_data(sig), sig->len, elem_data(pub),
                                                          pub->len, code, code_len, c->sigversion);
        if (ok) {
            isig++;
            sigs--;
        }
        ikey++;
        keys--;
        /* Not enough keys left for the remaining signatures. */
        if (sigs > keys)
            success = false;
    }
    /* Pop everything but the dummy; with NULLFAIL every signature must be empty on failure. */
    while (i-- > 1) {
        if (!success && (c->flags & SCRIPT_VERIFY_NULLFAIL) && !ikey2 && top(stack, 1)->len)
            return set_err(err, SCRIPT_ERR_SIG_NULLFAIL);
        if (ikey2 > 0)
            ikey2--;
        pop(stack);
    }
    /* The extra element Satoshi's off-by-one consumes. */
    if (stack->size < 1)
        return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);
    if ((c->flags & SCRIPT_VERIFY_NULLDUMMY) && top(stack, 1)->len)
        return set_err(err, SCRIPT_ERR_SIG_NULLDUMMY);
    pop(stack);
    push_bool(stack, success);
    if (verify) {
        if (!success)
            return set_err(err, SCRIPT_ERR_CHECKMULTISIGVERIFY);
        pop(stack);
    }
    return true;
}

static bool is_disabled(enum opcode op)
{
    switch (op) {
    case OP_CAT: case OP_SUBSTR: case OP_LEFT: case OP_RIGHT: case OP_INVERT: case OP_AND: case OP_OR: case OP_XOR:
    case OP_2MUL: case OP_2DIV: case OP_MUL: case OP_DIV: case OP_MOD: case OP_LSHIFT: case OP_RSHIFT:
        return true;
    default:
        return false;
    }
}

/* Reads the number at stack position i from the top (1 = top). */
#define NUM_AT(var, i, maxlen)                                                                                   \
    do {                                                                                                         \
        if (!script_num_decode(&(var), elem_data(top(stack, (i))), top(stack, (i))->len, minimal, (maxlen)))      \
            return set_err(err, SCRIPT_ERR_SCRIPTNUM);                                                           \
    } while (0)

#define NEED(n)                                                                                                  \
    do {                                                                                                         \
        if (stack->size < (n))                                                                                   \
            return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);                                             \
    } while (0)

static bool eval_loop(struct eval_ctx *c, struct interp_stack *stack, struct interp_stack *alt, enum script_error *err)
{
    const uint32_t flags = c->flags;
    const bool minimal = (flags & SCRIPT_VERIFY_MINIMALDATA) != 0;
    const bool legacy_limits = c->sigversion == SIGVERSION_BASE || c->sigversion == SIGVERSION_WITNESS_V0;
    const uint8_t *pc = c->script;
    struct cond_stack cond = { 0, NO_FALSE };
    int op_count = 0;
    uint32_t opcode_pos = 0;

    c->execdata->codeseparator_pos = 0xffffffffu;
    c->execdata->codeseparator_pos_init = true;

    for (; pc < c->end; ++opcode_pos) {
        const bool exec = cond.first_false == NO_FALSE;
        enum opcode op;
        const uint8_t *data;
        size_t data_len;
        if (!script_get_op(&pc, c->end, &op, &data, &data_len))
            return set_err(err, SCRIPT_ERR_BAD_OPCODE);
        if (data_len > MAX_SCRIPT_ELEMENT_SIZE)
            return set_err(err, SCRIPT_ERR_PUSH_SIZE);
        /* OP_RESERVED (0x50) does not count towards the limit. */
        if (legacy_limits && op > OP_16 && ++op_count > MAX_OPS_PER_SCRIPT)
            return set_err(err, SCRIPT_ERR_OP_COUNT);
        /* Disabled opcodes fail even in an unexecuted branch. */
        if (is_disabled(op))
            return set_err(err, SCRIPT_ERR_DISABLED_OPCODE);
        /* So does OP_CODESEPARATOR in legacy code under CONST_SCRIPTCODE. */
        if (op == OP_CODESEPARATOR && c->sigversion == SIGVERSION_BASE && (flags & SCRIPT_VERIFY_CONST_SCRIPTCODE))
            return set_err(err, SCRIPT_ERR_OP_CODESEPARATOR);

        if (exec && op <= OP_PUSHDATA4) {
            if (minimal && !check_minimal_push(data, data_len, op))
                return set_err(err, SCRIPT_ERR_MINIMALDATA);
            interp_stack_push_view(stack, data, data_len);
        } else if (exec || (op >= OP_IF && op <= OP_ENDIF)) {
            switch (op) {
            case OP_1NEGATE:
            case OP_1: case OP_2: case OP_3: case OP_4: case OP_5: case OP_6: case OP_7: case OP_8:
            case OP_9: case OP_10: case OP_11: case OP_12: case OP_13: case OP_14: case OP_15: case OP_16:
                push_num(stack, (int64_t)op - (OP_1 - 1));
                break;

            case OP_NOP:
                break;

            case OP_CHECKLOCKTIMEVERIFY: {
                if (!(flags & SCRIPT_VERIFY_CHECKLOCKTIMEVERIFY))
                    break; /* not enabled: a NOP2 */
                NEED(1);
                /* 5-byte operands: lock times reach 2^32-1. */
                int64_t locktime;
                NUM_AT(locktime, 1, 5);
                if (locktime < 0)
                    return set_err(err, SCRIPT_ERR_NEGATIVE_LOCKTIME);
                if (!c->checker->check_locktime(c->checker->ctx, locktime))
                    return set_err(err, SCRIPT_ERR_UNSATISFIED_LOCKTIME);
                break;
            }

            case OP_CHECKSEQUENCEVERIFY: {
                if (!(flags & SCRIPT_VERIFY_CHECKSEQUENCEVERIFY))
                    break; /* not enabled: a NOP3 */
                NEED(1);
                int64_t sequence;
                NUM_AT(sequence, 1, 5);
                if (sequence < 0)
                    return set_err(err, SCRIPT_ERR_NEGATIVE_LOCKTIME);
                /* The disable flag keeps the opcode a NOP for future soft forks. */
                if ((uint64_t)sequence & SEQUENCE_LOCKTIME_DISABLE_FLAG)
                    break;
                if (!c->checker->check_sequence(c->checker->ctx, sequence))
                    return set_err(err, SCRIPT_ERR_UNSATISFIED_LOCKTIME);
                break;
            }

            case OP_NOP1: case OP_NOP4: case OP_NOP5: case OP_NOP6: case OP_NOP7: case OP_NOP8: case OP_NOP9:
            case OP_NOP10:
                if (flags & SCRIPT_VERIFY_DISCOURAGE_UPGRADABLE_NOPS)
                    return set_err(err, SCRIPT_ERR_DISCOURAGE_UPGRADABLE_NOPS);
                break;

            case OP_IF:
            case OP_NOTIF: {
                bool value = false;
                if (exec) {
                    if (stack->size < 1)
                        return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);
                    const struct stack_elem *e = top(stack, 1);
                    bool not_minimal = e->len > 1 || (e->len == 1 && elem_data(e)[0] != 1);
                    if (c->sigversion == SIGVERSION_TAPSCRIPT && not_minimal)
                        return set_err(err, SCRIPT_ERR_TAPSCRIPT_MINIMALIF);
                    if (c->sigversion == SIGVERSION_WITNESS_V0 && (flags & SCRIPT_VERIFY_MINIMALIF) && not_minimal)
                        return set_err(err, SCRIPT_ERR_MINIMALIF);
                    value = interp_cast_to_bool(e);
                    if (op == OP_NOTIF)
                        value = !value;
                    pop(stack);
                }
                cond_push(&cond, value);
                break;
            }

            case OP_ELSE:
                if (cond.size == 0)
                    return set_err(err, SCRIPT_ERR_UNBALANCED_CONDITIONAL);
                cond_toggle(&cond);
                break;

            case OP_ENDIF:
                if (cond.size == 0)
                    return set_err(err, SCRIPT_ERR_UNBALANCED_CONDITIONAL);
                cond_pop(&cond);
                break;

            case OP_VERIFY:
                NEED(1);
                if (!interp_cast_to_bool(top(stack, 1)))
                    return set_err(err, SCRIPT_ERR_VERIFY);
                pop(stack);
                break;

            case OP_RETURN:
                return set_err(err, SCRIPT_ERR_OP_RETURN);

            case OP_TOALTSTACK:
                NEED(1);
                push_elem(alt, top(stack, 1));
                pop(stack);
                break;

            case OP_FROMALTSTACK:
                if (alt->size < 1)
                    return set_err(err, SCRIPT_ERR_INVALID_ALTSTACK_OPERATION);
                push_elem(stack, top(alt, 1));
                pop(alt);
                break;

            case OP_2DROP:
                NEED(2);
                pop(stack);
                pop(stack);
                break;

            case OP_2DUP: {
                NEED(2);
                interp_stack_reserve(stack, 2);
                struct stack_elem a = *top(stack, 2), b = *top(stack, 1);
                push_elem(stack, &a);
                push_elem(stack, &b);
                break;
            }

            case OP_3DUP: {
                NEED(3);
                interp_stack_reserve(stack, 3);
                struct stack_elem a = *top(stack, 3), b = *top(stack, 2), d = *top(stack, 1);
                push_elem(stack, &a);
                push_elem(stack, &b);
                push_elem(stack, &d);
                break;
            }

            case OP_2OVER: {
                NEED(4);
                interp_stack_reserve(stack, 2);
                struct stack_elem a = *top(stack, 4), b = *top(stack, 3);
                push_elem(stack, &a);
                push_elem(stack, &b);
                break;
            }

            case OP_2ROT: {
                NEED(6);
                struct stack_elem a = *top(stack, 6), b = *top(stack, 5);
                size_t at = stack->size - 6;
                memmove(&stack->v[at], &stack->v[at + 2], 4 * sizeof *stack->v);
                stack->v[stack->size - 2] = a;
                stack->v[stack->size - 1] = b;
                break;
            }

            case OP_2SWAP: {
                NEED(4);
                struct stack_elem t = *top(stack, 4);
                *top(stack, 4) = *top(stack, 2);
                *top(stack, 2) = t;
                t = *top(stack, 3);
                *top(stack, 3) = *top(stack, 1);
                *top(stack, 1) = t;
                break;
            }

            case OP_IFDUP: {
                NEED(1);
                if (interp_cast_to_bool(top(stack, 1))) {
                    struct stack_elem a = *top(stack, 1);
                    push_elem(stack, &a);
                }
                break;
            }

            case OP_DEPTH:
                push_num(stack, (int64_t)stack->size);
                break;

            case OP_DROP:
                NEED(1);
                pop(stack);
                break;

            case OP_DUP: {
                NEED(1);
                struct stack_elem a = *top(stack, 1);
                push_elem(stack, &a);
                break;
            }

            case OP_NIP:
                NEED(2);
                erase_at(stack, stack->size - 2);
                break;

            case OP_OVER: {
                NEED(2);
                struct stack_elem a = *top(stack, 2);
                push_elem(stack, &a);
                break;
            }

            case OP_PICK:
            case OP_ROLL: {
                NEED(2);
                int64_t n;
                NUM_AT(n, 1, 4);
                pop(stack);
                if (n < 0 || (uint64_t)n >= stack->size)
                    return set_err(err, SCRIPT_ERR_INVALID_STACK_OPERATION);
                struct stack_elem a = *top(stack, (size_t)n + 1);
                if (op == OP_ROLL)
                    erase_at(stack, stack->size - (size_t)n - 1);
                push_elem(stack, &a);
                break;
            }

            case OP_ROT: {
                /* (x1 x2 x3 -- x2 x3 x1) */
                NEED(3);
                struct stack_elem a = *top(stack, 3);
                *top(stack, 3) = *top(stack, 2);
                *top(stack, 2) = *top(stack, 1);
                *top(stack, 1) = a;
                break;
            }

            case OP_SWAP: {
                NEED(2);
                struct stack_elem t = *top(stack, 2);
                *top(stack, 2) = *top(stack, 1);
                *top(stack, 1) = t;
                break;
            }

            case OP_TUCK: {
                /* (x1 x2 -- x2 x1 x2) */
                NEED(2);
                interp_stack_reserve(stack, 1);
                struct stack_elem a = *top(stack, 1);
                size_t at = stack->size - 2;
                memmove(&stack->v[at + 1], &stack->v[at], 2 * sizeof *stack->v);
                stack->v[at] = a;
                stack->size++;
                break;
            }

            case OP_SIZE:
                NEED(1);
                push_num(stack, (int64_t)top(stack, 1)->len);
                break;

            case OP_EQUAL:
            case OP_EQUALVERIFY: {
                NEED(2);
                bool equal = elem_eq(top(stack, 2), top(stack, 1));
                pop(stack);
                pop(stack);
                push_bool(stack, equal);
                if (op == OP_EQUALVERIFY) {
                    if (!equal)
                        return set_err(err, SCRIPT_ERR_EQUALVERIFY);
                    pop(stack);
                }
                break;
            }

            case OP_1ADD: case OP_1SUB: case OP_NEGATE: case OP_ABS: case OP_NOT: case OP_0NOTEQUAL: {
                NEED(1);
                int64_t n;
                NUM_AT(n, 1, 4);
                switch (op) {
                case OP_1ADD: n += 1; break;
                case OP_1SUB: n -= 1; break;
                case OP_NEGATE: n = -n; break;
                case OP_ABS: if (n < 0) n = -n; break;
                case OP_NOT: n = n == 0; break;
                default: n = n != 0; break;
                }
                pop(stack);
                push_num(stack, n);
                break;
            }

            case OP_ADD: case OP_SUB: case OP_BOOLAND: case OP_BOOLOR: case OP_NUMEQUAL: case OP_NUMEQUALVERIFY:
            case OP_NUMNOTEQUAL: case OP_LESSTHAN: case OP_GREATERTHAN: case OP_LESSTHANOREQUAL:
            case OP_GREATERTHANOREQUAL: case OP_MIN: case OP_MAX: {
                NEED(2);
                int64_t a, b, n;
                NUM_AT(a, 2, 4);
                NUM_AT(b, 1, 4);
                switch (op) {
                case OP_ADD: n = a + b; break;
                case OP_SUB: n = a - b; break;
                case OP_BOOLAND: n = a != 0 && b != 0; break;
                case OP_BOOLOR: n = a != 0 || b != 0; break;
                case OP_NUMEQUAL: case OP_NUMEQUALVERIFY: n = a == b; break;
                case OP_NUMNOTEQUAL: n = a != b; break;
                case OP_LESSTHAN: n = a < b; break;
                case OP_GREATERTHAN: n = a > b; break;
                case OP_LESSTHANOREQUAL: n = a <= b; break;
                case OP_GREATERTHANOREQUAL: n = a >= b; break;
                case OP_MIN: n = a < b ? a : b; break;
                default: n = a > b ? a : b; break;
                }
                pop(stack);
                pop(stack);
                push_num(stack, n);
                if (op == OP_NUMEQUALVERIFY) {
                    if (!interp_cast_to_bool(top(stack, 1)))
                        return set_err(err, SCRIPT_ERR_NUMEQUALVERIFY);
                    pop(stack);
                }
                break;
            }

            case OP_WITHIN: {
                /* (x min max -- min <= x < max) */
                NEED(3);
                int64_t x, lo, hi;
                NUM_AT(x, 3, 4);
                NUM_AT(lo, 2, 4);
                NUM_AT(hi, 1, 4);
                pop(stack);
                pop(stack);
                pop(stack);
                push_bool(stack, lo <= x && x < hi);
                break;
            }

            case OP_RIPEMD160: case OP_SHA1: case OP_SHA256: case OP_HASH160: case OP_HASH256: {
                NEED(1);
                const struct stack_elem *e = top(stack, 1);
                const uint8_t *p = elem_data(e);
                uint8_t h[32];
                size_t h_len = 20;
                if (op == OP_RIPEMD160) {
                    ripemd160(h, p, e->len);
                } else if (op == OP_SHA1) {
                    sha1(h, p, e->len);
                } else if (op == OP_SHA256) {
                    sha256(h, p, e->len);
                    h_len = 32;
                } else if (op == OP_HASH160) {
                    ripemd160_hash160(h, p, e->len);
                } else {
                    sha256d(h, p, e->len);
                    h_len = 32;
                }
                pop(stack);
                push_bytes(stack, h, h_len);
                break;
            }

            case OP_CODESEPARATOR:
                /* Signatures commit to the code after the last executed separator. */
                c->codehash = pc;
                c->execdata->codeseparator_pos = opcode_pos;
                break;

            case OP_CHECKSIG:
            case OP_CHECKSIGVERIFY: {
                NEED(2);
                bool success = true;
                if (!checksig(c, top(stack, 2), top(stack, 1), &success, err))
                    return false;
                pop(stack);
                pop(stack);
                push_bool(stack, success);
                if (op == OP_CHECKSIGVERIFY) {
                    if (!success)
                        return set_err(err, SCRIPT_ERR_CHECKSIGVERIFY);
                    pop(stack);
                }
                break;
            }

            case OP_CHECKSIGADD: {
                /* Tapscript only: (sig n pubkey -- n + success) */
                if (c->sigversion == SIGVERSION_BASE || c->sigversion == SIGVERSION_WITNESS_V0)
                    return set_err(err, SCRIPT_ERR_BAD_OPCODE);
                NEED(3);
                int64_t n;
                NUM_AT(n, 2, 4);
                bool success = true;
                if (!checksig(c, top(stack, 3), top(stack, 1), &success, err))
                    return false;
                pop(stack);
                pop(stack);
                pop(stack);
                push_num(stack, n + (success ? 1 : 0));
                break;
            }

            case OP_CHECKMULTISIG:
            case OP_CHECKMULTISIGVERIFY:
                if (c->sigversion == SIGVERSION_TAPSCRIPT)
                    return set_err(err, SCRIPT_ERR_TAPSCRIPT_CHECKMULTISIG);
                if (!checkmultisig(c, stack, op == OP_CHECKMULTISIGVERIFY, &op_count, err))
                    return false;
                break;

            default:
                return set_err(err, SCRIPT_ERR_BAD_OPCODE);
            }
        }

        if (stack->size + alt->size > MAX_STACK_SIZE)
            return set_err(err, SCRIPT_ERR_STACK_SIZE);
    }
    if (cond.size != 0)
        return set_err(err, SCRIPT_ERR_UNBALANCED_CONDITIONAL);
    return true;
}

bool interp_eval(struct interp_stack *stack, const uint8_t *script, size_t script_len, uint32_t flags,
                 const struct sig_checker *checker, enum sig_version sigversion, struct script_exec_data *execdata,
                 const uint8_t *code_prefix, size_t code_prefix_len, enum script_error *err)
{
    if ((sigversion == SIGVERSION_BASE || sigversion == SIGVERSION_WITNESS_V0) && script_len > MAX_SCRIPT_SIZE)
        return set_err(err, SCRIPT_ERR_SCRIPT_SIZE);
    script = bytes_or_empty(script);
    struct eval_ctx c;
    c.script = script;
    c.end = script + script_len;
    c.codehash = script;
    c.flags = flags;
    c.sigversion = sigversion;
    c.checker = checker;
    c.execdata = execdata;
    c.prefix = code_prefix;
    c.prefix_len = code_prefix ? code_prefix_len : 0;
    c.code_buf = NULL;
    c.code_cap = 0;

    struct stack_elem alt_storage[8];
    struct interp_stack alt;
    interp_stack_init(&alt, alt_storage, 8);
    bool ok = eval_loop(&c, stack, &alt, err);
    interp_stack_clear(&alt);
    mem_free(c.code_buf);
    if (ok)
        *err = SCRIPT_ERR_OK;
    return ok;
}
