#ifndef HASHMINT_CONSENSUS_INTERPRETER_INTERNAL_H
#define HASHMINT_CONSENSUS_INTERPRETER_INTERNAL_H
/* Shared between the interpreter's files (interpreter.c: the opcode loop;
 * interpreter_verify.c: script_verify, witness programs, taproot). Not a
 * public interface.
 *
 * The stack. Every element the interpreter ever creates is at most 32 bytes
 * (booleans, numbers of up to 9 bytes, hashes), while pushes and witness
 * items are views of the script or witness being verified, which outlive
 * the evaluation. So an element is either a borrowed pointer or a small
 * inline buffer: no element ever needs the heap, copying one (OP_DUP, the
 * P2SH stack copy) is a 48-byte struct copy, and the arrays of elements
 * start in caller-provided storage and only grow on the heap for deep
 * stacks. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/script_error.h"

#define STACK_ELEM_INLINE 32

struct stack_elem {
    const uint8_t *ext; /* borrowed bytes, or NULL: the value is in buf */
    uint32_t len;
    uint8_t buf[STACK_ELEM_INLINE];
};

struct interp_stack {
    struct stack_elem *v;
    size_t size;
    size_t cap;
    bool heap; /* v was allocated by stack_reserve (else caller storage) */
};

static inline const uint8_t *elem_data(const struct stack_elem *e)
{
    return e->ext ? e->ext : e->buf;
}

/** Starts a stack in caller storage of cap elements (storage may be NULL when cap is 0). */
void interp_stack_init(struct interp_stack *s, struct stack_elem *storage, size_t cap);
/** Frees heap storage (if any) and leaves the stack empty. */
void interp_stack_clear(struct interp_stack *s);
/** Ensures room for `extra` more elements. */
void interp_stack_reserve(struct interp_stack *s, size_t extra);
/** Replaces dst's contents with a copy of src's. */
void interp_stack_copy(struct interp_stack *dst, const struct interp_stack *src);
/** Pushes a borrowed view (the bytes must outlive the stack). */
void interp_stack_push_view(struct interp_stack *s, const uint8_t *p, size_t len);

/** Core's CastToBool: any non-zero byte, except a lone sign bit at the end, is true. */
bool interp_cast_to_bool(const struct stack_elem *e);


/**
 * Core's EvalScript. Executes script on stack. code_prefix/code_prefix_len:
 * bytes prepended to every scriptCode handed to check_ecdsa (the TOKENS
 * extension prefix; NULL/0 for Bitcoin). execdata: tapscript data (must be
 * filled for SIGVERSION_TAPSCRIPT; may be scratch otherwise).
 * Returns true on success; else false with *err set.
 */
bool interp_eval(struct interp_stack *stack, const uint8_t *script, size_t script_len, uint32_t flags,
                 const struct sig_checker *checker, enum sig_version sigversion, struct script_exec_data *execdata,
                 const uint8_t *code_prefix, size_t code_prefix_len, enum script_error *err);

#endif
