#ifndef HASHMINT_CONSENSUS_SCRIPT_H
#define HASHMINT_CONSENSUS_SCRIPT_H
/* Script primitives: opcodes, reading one operation, script numbers, the
 * standard templates and signature-operation counting. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "consensus/tx.h"

#define MAX_SCRIPT_SIZE 10000
#define MAX_SCRIPT_ELEMENT_SIZE 520
#define MAX_OPS_PER_SCRIPT 201
#define MAX_PUBKEYS_PER_MULTISIG 20
#define MAX_STACK_SIZE 1000
#define WITNESS_V0_KEYHASH_SIZE 20
#define WITNESS_V0_SCRIPTHASH_SIZE 32
#define WITNESS_V1_TAPROOT_SIZE 32
#define LOCKTIME_THRESHOLD 500000000u

enum opcode {
    OP_0 = 0x00, OP_FALSE = OP_0, OP_PUSHDATA1 = 0x4c, OP_PUSHDATA2 = 0x4d, OP_PUSHDATA4 = 0x4e,
    OP_1NEGATE = 0x4f, OP_RESERVED = 0x50, OP_1 = 0x51, OP_TRUE = OP_1, OP_2, OP_3, OP_4, OP_5, OP_6,
    OP_7, OP_8, OP_9, OP_10, OP_11, OP_12, OP_13, OP_14, OP_15, OP_16 = 0x60,
    OP_NOP = 0x61, OP_VER, OP_IF, OP_NOTIF, OP_VERIF, OP_VERNOTIF, OP_ELSE, OP_ENDIF, OP_VERIFY, OP_RETURN = 0x6a,
    OP_TOALTSTACK, OP_FROMALTSTACK, OP_2DROP, OP_2DUP, OP_3DUP, OP_2OVER, OP_2ROT, OP_2SWAP, OP_IFDUP,
    OP_DEPTH, OP_DROP, OP_DUP, OP_NIP, OP_OVER, OP_PICK, OP_ROLL, OP_ROT, OP_SWAP, OP_TUCK = 0x7d,
    OP_CAT, OP_SUBSTR, OP_LEFT, OP_RIGHT, OP_SIZE = 0x82,
    OP_INVERT, OP_AND, OP_OR, OP_XOR, OP_EQUAL = 0x87, OP_EQUALVERIFY, OP_RESERVED1, OP_RESERVED2,
    OP_1ADD = 0x8b, OP_1SUB, OP_2MUL, OP_2DIV, OP_NEGATE, OP_ABS, OP_NOT, OP_0NOTEQUAL, OP_ADD, OP_SUB,
    OP_MUL, OP_DIV, OP_MOD, OP_LSHIFT, OP_RSHIFT, OP_BOOLAND, OP_BOOLOR, OP_NUMEQUAL, OP_NUMEQUALVERIFY,
    OP_NUMNOTEQUAL, OP_LESSTHAN, OP_GREATERTHAN, OP_LESSTHANOREQUAL, OP_GREATERTHANOREQUAL, OP_MIN, OP_MAX,
    OP_WITHIN = 0xa5,
    OP_RIPEMD160 = 0xa6, OP_SHA1, OP_SHA256, OP_HASH160, OP_HASH256, OP_CODESEPARATOR, OP_CHECKSIG,
    OP_CHECKSIGVERIFY, OP_CHECKMULTISIG, OP_CHECKMULTISIGVERIFY = 0xaf,
    OP_NOP1 = 0xb0, OP_CHECKLOCKTIMEVERIFY = 0xb1, OP_NOP2 = OP_CHECKLOCKTIMEVERIFY,
    OP_CHECKSEQUENCEVERIFY = 0xb2, OP_NOP3 = OP_CHECKSEQUENCEVERIFY, OP_NOP4, OP_NOP5, OP_NOP6, OP_NOP7,
    OP_NOP8, OP_NOP9, OP_NOP10 = 0xb9,
    OP_CHECKSIGADD = 0xba,
    OP_INVALIDOPCODE = 0xff,
};

/**
 * Reads one operation at *pc (advancing it) from a script ending at end.
 * Out: *op the opcode; for pushes, *data and *data_len the pushed bytes (a view
 * into the script; NULL/0 otherwise). Returns false on a truncated push
 * (*op is then OP_INVALIDOPCODE and *pc is moved to end) or at the end of
 * the script.
 */
__attribute__((warn_unused_result)) bool script_get_op(const uint8_t **pc, const uint8_t *end, enum opcode *op,
                                                       const uint8_t **data, size_t *data_len);
/** Returns the name of an opcode as Bitcoin Core prints it ("OP_CHECKSIG"). */
const char *script_op_name(enum opcode op);

/** Returns true for P2SH: OP_HASH160 <20 bytes> OP_EQUAL. */
bool script_is_p2sh(const uint8_t *s, size_t len);
/** Returns true if the script is only push operations (OP_1..OP_16, OP_1NEGATE count as pushes). */
bool script_is_push_only(const uint8_t *s, size_t len);
/**
 * BIP 141 witness program: a version opcode (OP_0, OP_1..OP_16) then one
 * direct push of 2 to 40 bytes, nothing else. Out: version, program view.
 */
bool script_is_witness_program(const uint8_t *s, size_t len, int *version, const uint8_t **program, size_t *program_len);
/** Returns true if the script is provably unspendable (starts with OP_RETURN or is too large). */
bool script_is_unspendable(const uint8_t *s, size_t len);

/**
 * Legacy signature-operation count of a script. accurate: count
 * CHECKMULTISIG as its preceding OP_n (as P2SH redeem scripts are counted),
 * else as 20.
 */
unsigned script_sigop_count(const uint8_t *s, size_t len, bool accurate);
/** Sigops of a P2SH spend: the accurate count of the redeem script pushed last
 *  by script_sig when spk is P2SH (0 otherwise or if script_sig is not push-only). */
unsigned script_p2sh_sigop_count(const uint8_t *spk, size_t spk_len, const uint8_t *script_sig, size_t sig_len);
/** BIP 141 witness sigops of one input (P2WPKH: 1; P2WSH: accurate count of
 *  the witness script; P2SH-wrapped too; 0 without SCRIPT_VERIFY_WITNESS).
 *  flags: the SCRIPT_VERIFY_* in force; under SCRIPT_VERIFY_TOKENS a valid
 *  extension prefix on spk is skipped first. witness may be NULL. */
unsigned script_witness_sigop_count(const uint8_t *script_sig, size_t sig_len, const uint8_t *spk, size_t spk_len,
                                    const struct witness *witness, uint32_t flags);

/** Minimal little-endian sign-magnitude encoding of n into out (9 bytes max). Returns the length. */
size_t script_num_encode(uint8_t out[9], int64_t n);
/**
 * Decodes a script number of at most max_len bytes (Core's CScriptNum: 4 for
 * arithmetic, 5 for CLTV/CSV; never more than 8). require_minimal: reject
 * non-minimal encodings (MINIMALDATA). Out: *out (0 on failure). Returns
 * false if too long or not minimal (the interpreter's SCRIPT_ERR_SCRIPTNUM).
 */
__attribute__((warn_unused_result)) bool script_num_decode(int64_t *out, const uint8_t *p, size_t len, bool require_minimal,
                                                           size_t max_len);
/** Appends a push of n bytes with the smallest opcode (as CScript << vector does). */
void script_push_data(struct wbuf *w, const uint8_t *p, size_t n);
/** Appends the push of an integer as CScript << int64 does (OP_0, OP_1NEGATE, OP_1..16 or a number push). */
void script_push_int(struct wbuf *w, int64_t n);
/**
 * BIP 66 strict DER signature encoding (Core's IsValidSignatureEncoding):
 * sig includes its trailing sighash byte. Returns true if canonical.
 */
bool script_sig_der_is_valid(const uint8_t *sig, size_t len);
/** Returns true if the last byte of sig, without ANYONECANPAY, is ALL, NONE or SINGLE. */
bool script_sig_hashtype_is_defined(const uint8_t *sig, size_t len);
/** BIP 342 OP_SUCCESSx: returns true for the opcodes that make a tapscript succeed unconditionally. */
bool script_is_op_success(unsigned op);

/**
 * Renders a script as Bitcoin Core's ScriptToAsmStr (decoderawtransaction's
 * "asm"); attempt_sighash_decode: show signature hash types ("[ALL]") as
 * Core does for scriptSigs. Returns a heap string (mem_free).
 */
char *script_to_asm(const uint8_t *s, size_t len, bool attempt_sighash_decode);

#endif
