#ifndef HASHMINT_QA_UNIT_SCRIPT_ASM_H
#define HASHMINT_QA_UNIT_SCRIPT_ASM_H
/* Test-only script assembler: Bitcoin Core's ParseScript notation, as used by
 * script_tests.json, tx_valid.json and tx_invalid.json.
 *   123, -1        a number, pushed minimally (OP_0, OP_1NEGATE, OP_1..16 or
 *                  a script-number push); only -0xffffffff..0xffffffff
 *   0x4c01ff       raw bytes inserted verbatim (not pushed); even length
 *   'text'         the text pushed as data (no spaces inside)
 *   DUP, OP_DUP    an opcode by name, with or without OP_ (OP_RESERVED and
 *                  OP_NOP.. OP_CHECKSIGADD; the small pushes only as numbers)
 * Tokens are separated by spaces, tabs or newlines. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "src/util/wbuf.h"

/**
 * Appends the script written in s to out. Returns false on the first token
 * that is not one of the forms above (out then holds what came before it).
 */
__attribute__((warn_unused_result)) bool script_asm_parse(struct wbuf *out, const char *s);

/**
 * Convenience: parses s into a new heap buffer (mem_free), length in *len.
 * Returns NULL on a bad token.
 */
uint8_t *script_asm_alloc(const char *s, size_t *len);

#endif
