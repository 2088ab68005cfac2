#include "consensus/script.h"

#include <stdio.h>
#include <string.h>

#include "consensus/interpreter.h"
#include "consensus/token_prefix.h"
#include "src/util/alloc.h"
#include "src/util/bytes.h"
#include "src/util/wbuf.h"

bool script_get_op(const uint8_t **pc, const uint8_t *end, enum opcode *op, const uint8_t **data, size_t *data_len)
{
    const uint8_t *p = *pc;
    *op = OP_INVALIDOPCODE;
    if (data) {
        *data = NULL;
        *data_len = 0;
    }
    if (p >= end)
        return false;
    unsigned code = *p++;
    if (code <= OP_PUSHDATA4) {
        size_t n;
        size_t left = (size_t)(end - p);
        if (code < OP_PUSHDATA1) {
            n = code;
        } else if (code == OP_PUSHDATA1) {
            if (left < 1)
                goto truncated;
            n = p[0];
            p += 1;
        } else if (code == OP_PUSHDATA2) {
            if (left < 2)
                goto truncated;
            n = (size_t)p[0] | (size_t)p[1] << 8;
            p += 2;
        } else {
            if (left < 4)
                goto truncated;
            n = (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 | (size_t)p[3] << 24;
            p += 4;
        }
        if ((size_t)(end - p) < n)
            goto truncated;
        if (data) {
            *data = p;
            *data_len = n;
        }
        p += n;
    }
    *pc = p;
    *op = (enum opcode)code;
    return true;
truncated:
    /* Like Core, the cursor is left wherever reading stopped; no caller
     * continues after a failed read. */
    *pc = end;
    return false;
}

const char *script_op_name(enum opcode op)
{
    static const char *const SMALL[17] = { "0", "1", "2", "3", "4", "5", "6", "7", "8",
                                           "9", "10", "11", "12", "13", "14", "15", "16" };
    if (op == OP_0)
        return SMALL[0];
    if (op >= OP_1 && op <= OP_16)
        return SMALL[op - OP_1 + 1];
    switch (op) {
    case OP_PUSHDATA1: return "OP_PUSHDATA1";
    case OP_PUSHDATA2: return "OP_PUSHDATA2";
    case OP_PUSHDATA4: return "OP_PUSHDATA4";
    case OP_1NEGATE: return "-1";
    case OP_RESERVED: return "OP_RESERVED";
    case OP_NOP: return "OP_NOP";
    case OP_VER: return "OP_VER";
    case OP_IF: return "OP_IF";
    case OP_NOTIF: return "OP_NOTIF";
    case OP_VERIF: return "OP_VERIF";
    case OP_VERNOTIF: return "OP_VERNOTIF";
    case OP_ELSE: return "OP_ELSE";
    case OP_ENDIF: return "OP_ENDIF";
    case OP_VERIFY: return "OP_VERIFY";
    case OP_RETURN: return "OP_RETURN";
    case OP_TOALTSTACK: return "OP_TOALTSTACK";
    case OP_FROMALTSTACK: return "OP_FROMALTSTACK";
    case OP_2DROP: return "OP_2DROP";
    case OP_2DUP: return "OP_2DUP";
    case OP_3DUP: return "OP_3DUP";
    case OP_2OVER: return "OP_2OVER";
    case OP_2ROT: return "OP_2ROT";
    case OP_2SWAP: return "OP_2SWAP";
    case OP_IFDUP: return "OP_IFDUP";
    case OP_DEPTH: return "OP_DEPTH";
    case OP_DROP: return "OP_DROP";
    case OP_DUP: return "OP_DUP";
    case OP_NIP: return "OP_NIP";
    case OP_OVER: return "OP_OVER";
    case OP_PICK: return "OP_PICK";
    case OP_ROLL: return "OP_ROLL";
    case OP_ROT: return "OP_ROT";
    case OP_SWAP: return "OP_SWAP";
    case OP_TUCK: return "OP_TUCK";
    case OP_CAT: return "OP_CAT";
    case OP_SUBSTR: return "OP_SUBSTR";
    case OP_LEFT: return "OP_LEFT";
    case OP_RIGHT: return "OP_RIGHT";
    case OP_SIZE: return "OP_SIZE";
    case OP_INVERT: return "OP_INVERT";
    case OP_AND: return "OP_AND";
    case OP_OR: return "OP_OR";
    case OP_XOR: return "OP_XOR";
    case OP_EQUAL: return "OP_EQUAL";
    case OP_EQUALVERIFY: return "OP_EQUALVERIFY";
    case OP_RESERVED1: return "OP_RESERVED1";
    case OP_RESERVED2: return "OP_RESERVED2";
    case OP_1ADD: return "OP_1ADD";
    case OP_1SUB: return "OP_1SUB";
    case OP_2MUL: return "OP_2MUL";
    case OP_2DIV: return "OP_2DIV";
    case OP_NEGATE: return "OP_NEGATE";
    case OP_ABS: return "OP_ABS";
    case OP_NOT: return "OP_NOT";
    case OP_0NOTEQUAL: return "OP_0NOTEQUAL";
    case OP_ADD: return "OP_ADD";
    case OP_SUB: return "OP_SUB";
    case OP_MUL: return "OP_MUL";
    case OP_DIV: return "OP_DIV";
    case OP_MOD: return "OP_MOD";
    case OP_LSHIFT: return "OP_LSHIFT";
    case OP_RSHIFT: return "OP_RSHIFT";
    case OP_BOOLAND: return "OP_BOOLAND";
    case OP_BOOLOR: return "OP_BOOLOR";
    case OP_NUMEQUAL: return "OP_NUMEQUAL";
    case OP_NUMEQUALVERIFY: return "OP_NUMEQUALVERIFY";
    case OP_NUMNOTEQUAL: return "OP_NUMNOTEQUAL";
    case OP_LESSTHAN: return "OP_LESSTHAN";
    case OP_GREATERTHAN: return "OP_GREATERTHAN";
    case OP_LESSTHANOREQUAL: return "OP_LESSTHANOREQUAL";
    case OP_GREATERTHANOREQUAL: return "OP_GREATERTHANOREQUAL";
    case OP_MIN: return "OP_MIN";
    case OP_MAX: return "OP_MAX";
    case OP_WITHIN: return "OP_WITHIN";
    case OP_RIPEMD160: return "OP_RIPEMD160";
    case OP_SHA1: return "OP_SHA1";
    case OP_SHA256: return "OP_SHA256";
    case OP_HASH160: return "OP_HASH160";
    case OP_HASH256: return "OP_HASH256";
    case OP_CODESEPARATOR: return "OP_CODESEPARATOR";
    case OP_CHECKSIG: return "OP_CHECKSIG";
    case OP_CHECKSIGVERIFY: return "OP_CHECKSIGVERIFY";
    case OP_CHECKMULTISIG: return "OP_CHECKMULTISIG";
    case OP_CHECKMULTISIGVERIFY: return "OP_CHECKMULTISIGVERIFY";
    case OP_NOP1: return "OP_NOP1";
    case OP_CHECKLOCKTIMEVERIFY: return "OP_CHECKLOCKTIMEVERIFY";
    case OP_CHECKSEQUENCEVERIFY: return "OP_CHECKSEQUENCEVERIFY";
    case OP_NOP4: return "OP_NOP4";
    case OP_NOP5: return "OP_NOP5";
    case OP_NOP6: return "OP_NOP6";
    case OP_NOP7: return "OP_NOP7";
    case OP_NOP8: return "OP_NOP8";
    case OP_NOP9: return "OP_NOP9";
    case OP_NOP10: return "OP_NOP10";
    case OP_CHECKSIGADD: return "OP_CHECKSIGADD";
    case OP_INVALIDOPCODE: return "OP_INVALIDOPCODE";
    default: return "OP_UNKNOWN";
    }
}

bool script_is_p2sh(const uint8_t *s, size_t len)
{
    return len == 23 && s[0] == OP_HASH160 && s[1] == 0x14 && s[22] == OP_EQUAL;
}

bool script_is_push_only(const uint8_t *s, size_t len)
{
    s = bytes_or_empty(s);
    const uint8_t *pc = s, *end = s + len;
    while (pc < end) {
        enum opcode op;
        if (!script_get_op(&pc, end, &op, NULL, NULL))
            return false;
        /* OP_RESERVED counts as a push here, as in Core; executing it fails anyway. */
        if (op > OP_16)
            return false;
    }
    return true;
}

bool script_is_witness_program(const uint8_t *s, size_t len, int *version, const uint8_t **program, size_t *program_len)
{
    if (len < 4 || len > 42)
        return false;
    if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16))
        return false;
    if ((size_t)s[1] + 2 != len)
        return false;
    if (version)
        *version = s[0] == OP_0 ? 0 : s[0] - (OP_1 - 1);
    if (program) {
        *program = s + 2;
        *program_len = len - 2;
    }
    return true;
}

bool script_is_unspendable(const uint8_t *s, size_t len)
{
    return (len > 0 && s[0] == OP_RETURN) || len > MAX_SCRIPT_SIZE;
}

unsigned script_sigop_count(const uint8_t *s, size_t len, bool accurate)
{
    unsigned n = 0;
    s = bytes_or_empty(s);
    const uint8_t *pc = s, *end = s + len;
    enum opcode last = OP_INVALIDOPCODE;
    while (pc < end) {
        enum opcode op;
        if (!script_get_op(&pc, end, &op, NULL, NULL))
            break;
        if (op == OP_CHECKSIG || op == OP_CHECKSIGVERIFY) {
            n++;
        } else if (op == OP_CHECKMULTISIG || op == OP_CHECKMULTISIGVERIFY) {
            if (accurate && last >= OP_1 && last <= OP_16)
                n += (unsigned)(last - (OP_1 - 1));
            else
                n += MAX_PUBKEYS_PER_MULTISIG;
        }
        last = op;
    }
    return n;
}

/* The data of the last push of a push-only script (empty for OP_n).
 * Returns false if the script is not push-only. */
static bool last_push(const uint8_t *s, size_t len, const uint8_t **data, size_t *data_len)
{
    s = bytes_or_empty(s);
    const uint8_t *pc = s, *end = s + len;
    *data = NULL;
    *data_len = 0;
    while (pc < end) {
        enum opcode op;
        if (!script_get_op(&pc, end, &op, data, data_len))
            return false;
        if (op > OP_16)
            return false;
    }
    return true;
}

unsigned script_p2sh_sigop_count(const uint8_t *spk, size_t spk_len, const uint8_t *script_sig, size_t sig_len)
{
    if (!script_is_p2sh(spk, spk_len))
        return 0;
    const uint8_t *redeem;
    size_t redeem_len;
    if (!last_push(script_sig, sig_len, &redeem, &redeem_len))
        return 0;
    return script_sigop_count(redeem, redeem_len, true);
}

static unsigned witness_program_sigops(int version, size_t program_len, const struct witness *witness)
{
    if (version != 0)
        return 0;
    if (program_len == WITNESS_V0_KEYHASH_SIZE)
        return 1;
    if (program_len == WITNESS_V0_SCRIPTHASH_SIZE && witness && witness->count > 0) {
        const struct bytes *ws = &witness->items[witness->count - 1];
        return script_sigop_count(ws->data, ws->len, true);
    }
    return 0;
}

unsigned script_witness_sigop_count(const uint8_t *script_sig, size_t sig_len, const uint8_t *spk, size_t spk_len,
                                    const struct witness *witness, uint32_t flags)
{
    if (!(flags & SCRIPT_VERIFY_WITNESS))
        return 0;
    if (flags & SCRIPT_VERIFY_TOKENS) {
        /* Templates are recognised after an extension prefix. */
        struct token_prefix prefix;
        size_t prefix_len;
        if (token_prefix_parse(&prefix, &prefix_len, spk, spk_len) == TOKEN_PREFIX_OK) {
            spk += prefix_len;
            spk_len -= prefix_len;
        }
    }
    int version;
    const uint8_t *program;
    size_t program_len;
    if (script_is_witness_program(spk, spk_len, &version, &program, &program_len))
        return witness_program_sigops(version, program_len, witness);
    if (script_is_p2sh(spk, spk_len)) {
        const uint8_t *redeem;
        size_t redeem_len;
        if (last_push(script_sig, sig_len, &redeem, &redeem_len) &&
            script_is_witness_program(redeem, redeem_len, &version, &program, &program_len))
            return witness_program_sigops(version, program_len, witness);
    }
    return 0;
}

size_t script_num_encode(uint8_t out[9], int64_t n)
{
    if (n == 0)
        return 0;
    bool neg = n < 0;
    uint64_t abs = neg ? ~(uint64_t)n + 1 : (uint64_t)n;
    size_t len = 0;
    while (abs) {
        out[len++] = (uint8_t)(abs & 0xff);
        abs >>= 8;
    }
    /* The top bit of the last byte is the sign: add a byte if the magnitude uses it. */
    if (out[len - 1] & 0x80)
        out[len++] = neg ? 0x80 : 0x00;
    else if (neg)
        out[len - 1] |= 0x80;
    return len;
}

bool script_num_decode(int64_t *out, const uint8_t *p, size_t len, bool require_minimal, size_t max_len)
{
    *out = 0;
    /* More than 8 bytes could not be represented; no caller allows them. */
    if (len > max_len || len > 8)
        return false;
    if (require_minimal && len > 0) {
        /* The last byte may be 0x00/0x80 only if the byte before needs its top bit for magnitude. */
        if ((p[len - 1] & 0x7f) == 0 && (len <= 1 || (p[len - 2] & 0x80) == 0))
            return false;
    }
    if (len == 0)
        return true;
    uint64_t v = 0;
    for (size_t i = 0; i < len; i++)
        v |= (uint64_t)p[i] << (8 * i);
    uint64_t sign = (uint64_t)0x80 << (8 * (len - 1));
    if (v & sign) {
        v &= ~sign;
        *out = -(int64_t)v;
    } else {
        *out = (int64_t)v;
    }
    return true;
}

void script_push_data(struct wbuf *w, const uint8_t *p, size_t n)
{
    if (n < OP_PUSHDATA1) {
        wbuf_u8(w, (uint8_t)n);
    } else if (n <= 0xff) {
        wbuf_u8(w, OP_PUSHDATA1);
        wbuf_u8(w, (uint8_t)n);
    } else if (n <= 0xffff) {
        wbuf_u8(w, OP_PUSHDATA2);
        wbuf_u16le(w, (uint16_t)n);
    } else {
        wbuf_u8(w, OP_PUSHDATA4);
        wbuf_u32le(w, (uint32_t)n);
    }
    if (n)
        wbuf_put(w, p, n);
}

void script_push_int(struct wbuf *w, int64_t n)
{
    if (n == -1 || (n >= 1 && n <= 16)) {
        wbuf_u8(w, (uint8_t)(n + (OP_1 - 1)));
    } else if (n == 0) {
        wbuf_u8(w, OP_0);
    } else {
        uint8_t buf[9];
        size_t len = script_num_encode(buf, n);
        script_push_data(w, buf, len);
    }
}

bool script_sig_der_is_valid(const uint8_t *sig, size_t len)
{
    /* 0x30 len 0x02 lenR R 0x02 lenS S hashtype, with R and S minimal
     * positive big-endian integers (BIP 66). */
    if (len < 9 || len > 73)
        return false;
    if (sig[0] != 0x30)
        return false;
    if (sig[1] != len - 3)
        return false;
    size_t len_r = sig[3];
    if (5 + len_r >= len)
        return false;
    size_t len_s = sig[5 + len_r];
    if (len_r + len_s + 7 != len)
        return false;
    if (sig[2] != 0x02)
        return false;
    if (len_r == 0)
        return false;
    if (sig[4] & 0x80)
        return false;
    if (len_r > 1 && sig[4] == 0x00 && !(sig[5] & 0x80))
        return false;
    if (sig[len_r + 4] != 0x02)
        return false;
    if (len_s == 0)
        return false;
    if (sig[len_r + 6] & 0x80)
        return false;
    if (len_s > 1 && sig[len_r + 6] == 0x00 && !(sig[len_r + 7] & 0x80))
        return false;
    return true;
}

bool script_sig_hashtype_is_defined(const uint8_t *sig, size_t len)
{
    if (len == 0)
        return false;
    uint8_t t = sig[len - 1] & 0x7f; /* without ANYONECANPAY (0x80) */
    return t >= 1 && t <= 3;
}

static const char *sighash_name(uint8_t t)
{
    switch (t) {
    case 0x01: return "ALL";
    case 0x81: return "ALL|ANYONECANPAY";
    case 0x02: return "NONE";
    case 0x82: return "NONE|ANYONECANPAY";
    case 0x03: return "SINGLE";
    case 0x83: return "SINGLE|ANYONECANPAY";
    default: return NULL;
    }
}

static void put_str(struct wbuf *w, const char *s)
{
    wbuf_put(w, s, strlen(s));
}

static void put_hex(struct wbuf *w, const uint8_t *p, size_t n)
{
    static const char DIGITS[] = "0123456789abcdef";
    wbuf_reserve(w, 2 * n);
    for (size_t i = 0; i < n; i++) {
        w->data[w->len++] = (uint8_t)DIGITS[p[i] >> 4];
        w->data[w->len++] = (uint8_t)DIGITS[p[i] & 15];
    }
}

char *script_to_asm(const uint8_t *s, size_t len, bool attempt_sighash_decode)
{
    struct wbuf w;
    wbuf_init(&w);
    s = bytes_or_empty(s);
    const uint8_t *pc = s, *end = s + len;
    /* OP_RETURN data is never decoded as a signature. */
    bool decode = attempt_sighash_decode && !script_is_unspendable(s, len);
    while (pc < end) {
        if (w.len)
            wbuf_u8(&w, ' ');
        enum opcode op;
        const uint8_t *data;
        size_t n;
        if (!script_get_op(&pc, end, &op, &data, &n)) {
            put_str(&w, "[error]");
            break;
        }
        if (op > OP_PUSHDATA4) {
            put_str(&w, script_op_name(op));
            continue;
        }
        if (n <= 4) {
            /* Short pushes print as numbers (Core's CScriptNum(vch, false).getint()). */
            int64_t v;
            char num[24];
            if (!script_num_decode(&v, data, n, false, 4))
                v = 0;
            snprintf(num, sizeof num, "%lld", (long long)v);
            put_str(&w, num);
            continue;
        }
        const char *type = NULL;
        if (decode && script_sig_der_is_valid(data, n) && script_sig_hashtype_is_defined(data, n))
            type = sighash_name(data[n - 1]);
        if (type) {
            put_hex(&w, data, n - 1);
            wbuf_u8(&w, '[');
            put_str(&w, type);
            wbuf_u8(&w, ']');
        } else {
            put_hex(&w, data, n);
        }
    }
    wbuf_u8(&w, 0);
    size_t out_len;
    return (char *)wbuf_detach(&w, &out_len);
}

bool script_is_op_success(unsigned op)
{
    return op == 80 || op == 98 || (op >= 126 && op <= 129) || (op >= 131 && op <= 134) || (op >= 137 && op <= 138) ||
           (op >= 141 && op <= 142) || (op >= 149 && op <= 153) || (op >= 187 && op <= 254);
}
